"""The regrade driver: decide what to grade, hand it to an engine, write each result as it lands.

The driver never grades: the engines' grading processes do, each on one submission folder at a
time. The driver writes every finished grading at once (its results.json and log, then its
manifest entry, then a line of `gradings.log`, each atomically), so Ctrl-C or a SIGKILL loses
only the gradings still running, and a re-run picks up where it stopped. scores.csv and
report.html are rebuilt at the end of every run, interrupted ones included.
"""
from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

from autograder.course import COURSE_ROOT, find_assignment
from autograder.regrade.files import (
    append_line, make_private, passable_folder, passable_tmp, readable_by_others, write_json_atomic,
    write_text_atomic,
)
from autograder.regrade.manifest import (
    RESULTS, GraderOptions, Manifest, Record, fingerprint_request, grader_fingerprint,
    results_hash, submission_hash,
)
from autograder.regrade.process import Outcome, died_message
from autograder.regrade.report import build_report
from autograder.regrade.scores import Graded, write_scores
from autograder.regrade.source import Source, SourceError, open_source
from autograder.results import fallback_document

DEVICES = ("auto", "cpu", "cuda")
LOG = "grader.log"


@dataclass
class RegradeOptions:
    source: Path
    out: Path
    assignment: str | None = None
    jobs: int | None = None           # None: what the machine fits (local), the cluster (Ray)
    engine: str = "local"
    ray_address: str | None = None
    device: str = "auto"
    data: Path | None = None
    eval_limit: int | None = None
    force: bool = False
    only: tuple[str, ...] | None = None
    tests: Path | None = None
    timeout: float = 1800.0
    gpu_share: float = 0.25
    progress: bool = True


@dataclass
class Summary:
    out: Path
    graded: list[Graded]
    gradings: int = 0
    skipped: int = 0
    interrupted: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        if self.interrupted:
            return 130
        return 0 if all(item.ok for item in self.graded) else 1


def default_data_dir() -> Path:
    from autograder.deeplearning.cifar import DEFAULT_DATA_DIR

    return Path(DEFAULT_DATA_DIR)


@contextlib.contextmanager
def _locked(out: Path) -> Iterator[None]:
    """One regrade at a time per output folder."""
    fd = os.open(out / ".lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SourceError(f"another regrade is writing to {out}") from None
        yield
    finally:
        os.close(fd)


class Progress:
    """A bar with an ETA on a terminal; one line per finished grading otherwise (logs)."""

    def __init__(self, total: int, enabled: bool) -> None:
        self.total, self.done, self.started = total, 0, time.monotonic()
        self.bar = None
        if enabled and total and sys.stderr.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="submission", file=sys.stderr, dynamic_ncols=True)
        self.enabled = enabled

    def update(self, identifier: str, status: str, seconds: float) -> None:
        self.done += 1
        if self.bar is not None:
            self.bar.set_postfix_str(f"{identifier}: {status[:40]}")
            self.bar.update(1)
        elif self.enabled:
            from tqdm import tqdm

            elapsed = time.monotonic() - self.started
            eta = elapsed / self.done * (self.total - self.done)
            print(f"regrade: [{self.done}/{self.total}] {identifier}: {status} ({seconds:.1f} s); "
                  f"elapsed {tqdm.format_interval(elapsed)}, ETA {tqdm.format_interval(eta)}",
                  file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


class Recorder:
    """Writes each outcome the moment the engine hands it over."""

    def __init__(self, out: Path, manifest: Manifest, fingerprint: dict[str, str],
                 hashes: dict[str, str], progress: Progress) -> None:
        self.out, self.manifest, self.fingerprint = out, manifest, fingerprint
        self.hashes, self.progress, self.count = hashes, progress, 0

    def done(self, outcome: Outcome) -> None:
        identifier, status = str(outcome["id"]), str(outcome["status"])
        document = outcome.get("document")
        node_grader = outcome.get("grader")
        if node_grader is not None and node_grader != self.fingerprint["grader"]:
            detail = f"{outcome.get('worker', 'a node')} grades with another grader (hash {node_grader[:12]})"
            status, document = f"grader failed: {detail}", fallback_document(died_message(detail))
        if not isinstance(document, dict):
            status, document = "grader failed: no results came back", fallback_document(
                died_message("no results came back"))
        folder = self.out / identifier
        make_private(folder)
        write_json_atomic(folder / RESULTS, document)
        write_text_atomic(folder / LOG, str(outcome.get("log", "")))
        seconds = float(outcome.get("seconds", 0.0))
        record = Record(submission=self.hashes[identifier], grader=self.fingerprint["grader"],
                        status=status, score=float(document.get("score", 0.0)),
                        results=results_hash(folder / RESULTS), seconds=seconds,
                        finished_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
                        worker=str(outcome.get("worker", "")))
        self.manifest.record(identifier, record, self.fingerprint)
        append_line(self.out / "gradings.log", json.dumps({"id": identifier, "status": status,
                                                             "seconds": seconds, "worker": record.worker,
                                                             "finished_at": record.finished_at}))
        self.count += 1
        self.progress.update(identifier, status, seconds)


def _engine(options: RegradeOptions, grading: dict[str, Any], tmp: Path, request: dict[str, Any]) -> Any:
    from autograder.regrade.local import LocalEngine, default_jobs

    if options.engine == "ray":
        from autograder.regrade.ray_engine import RayEngine

        jobs = options.jobs or (None if options.ray_address else default_jobs())
        return RayEngine(address=options.ray_address, jobs=jobs, options=grading,
                         timeout=options.timeout, gpu_share=options.gpu_share, fingerprint=request)
    return LocalEngine(options.jobs or default_jobs(), grading, options.timeout, tmp)


def collect(source: Source, manifest: Manifest, hashes: dict[str, str], grader: str) -> list[Graded]:
    """Where each submission of the source stands, from the manifest and the results on disk."""
    graded = []
    for entry in source.entries:
        if entry.folder is None:
            graded.append(Graded(entry, "not graded: no files in the export"))
            continue
        record = manifest.records.get(entry.id)
        path = manifest.results_path(entry.id)
        if record is None or record.submission != hashes[entry.id] or record.grader != grader \
                or not path.is_file() or results_hash(path) != record.results:
            graded.append(Graded(entry, "not graded"))
            continue
        document = json.loads(path.read_text(encoding="utf-8"))
        graded.append(Graded(entry, record.status, document, record.seconds))
    return graded


def regrade(options: RegradeOptions) -> Summary:
    """Regrade `options.source` into `options.out`; see the module's docstring."""
    layout = find_assignment(options.assignment)
    if options.device not in DEVICES:
        raise ValueError(f"--device must be one of {', '.join(DEVICES)}")
    for problem in options.only or ():
        if problem not in layout.settings.problems():
            raise ValueError(f"--only takes {', '.join(layout.settings.problems())}, not {problem!r}")
    source_path, out = options.source.resolve(), options.out.resolve()
    if not source_path.exists():
        raise SourceError(f"{options.source} does not exist")
    if out == source_path or source_path in out.parents:
        raise SourceError("--out must not be inside the source (it would be read as a submission)")
    if os.geteuid() == 0 and readable_by_others(source_path):
        raise SourceError(
            f"{source_path} can be read by other users, and student code runs as other users: one "
            f"submission's code could read the others. Make it private first: chmod o-rwx {source_path}")
    make_private(out)
    parts = layout.settings.parts_of(options.only)
    grader_options = GraderOptions(
        assignment=layout.name, device=options.device,
        data=str(options.data.resolve()) if options.data else None, eval_limit=options.eval_limit,
        only=tuple(options.only) if options.only else None,
        tests=str(options.tests.resolve()) if options.tests else None)
    data_dir = options.data.resolve() if options.data else default_data_dir()
    grading = {"assignment": layout.name, "device": options.device, "data": grader_options.data,
               "eval_limit": options.eval_limit, "only": list(options.only) if options.only else None,
               "tests": grader_options.tests}
    with _locked(out):
        fingerprint = grader_fingerprint(COURSE_ROOT, grader_options, data_dir)
        manifest = Manifest.load(out)
        work = passable_folder(passable_tmp(), "autograder-regrade-")
        try:
            private = work / "private"
            private.mkdir(mode=0o700)
            source = open_source(source_path, private)
            hashes = {e.id: submission_hash(e.folder) for e in source.entries if e.folder is not None}
            todo = [e for e in source.entries if e.folder is not None and (
                options.force or manifest.current(e.id, hashes[e.id], fingerprint["grader"]) is None)]
            summary = Summary(out, [], skipped=len(hashes) - len(todo), notes=list(source.notes))
            progress = Progress(len(todo), options.progress)
            recorder = Recorder(out, manifest, fingerprint, hashes, progress)
            request = fingerprint_request(grader_options, data_dir)
            try:
                if todo:
                    engine = _engine(options, grading, work, request)
                    if options.progress:
                        print(f"regrade: {len(todo)} to grade, {summary.skipped} up to date; "
                              f"{engine.describe()}", file=sys.stderr, flush=True)
                    engine.run([{"id": e.id, "folder": str(e.folder)} for e in todo], recorder.done)
            except KeyboardInterrupt:
                summary.interrupted = True
            finally:  # what finished is in the outputs, whatever stopped the engine
                progress.close()
                summary.gradings = recorder.count
                summary.graded = collect(source, manifest, hashes, fingerprint["grader"])
                write_scores(out / "scores.csv", summary.graded, [part.label for part in parts])
                write_text_atomic(out / "report.html", build_report(
                    summary.graded, parts, title=layout.settings.title, notes=summary.notes))
            return summary
        finally:
            shutil.rmtree(work, ignore_errors=True)
