"""The Ray engine: one Ray task per submission, for grading past one machine.

Without `--ray-address` it starts an embedded Ray on this machine (`--jobs` CPUs); with one it
joins that cluster. Each task declares one CPU, the memory one grading needs and, with
`--device cuda`, a share of a GPU (`--gpu-share`, fractional). The submission's files travel to
the node as one zip in memory (read back there as hostile, like any zip); on the node the task
grades it in a grading process of its own (`autograder.regrade.grader`, kept for the Ray
worker's next tasks, so its imports are paid once), with the same sandbox and time limit as the
local engine, and returns plain data: the results.json document as a dict, the status, the log,
and the hash of the grader that node has, which the driver checks against its own.

Every node needs the same course copy at the same path, set up with `./setup.sh`, with Ray from
`requirements-ray.txt`, and the data folder at the same path (see docs/regrade.md).
"""
from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import tempfile
from collections import deque
from pathlib import Path
from typing import Any, Callable

from autograder.course import COURSE_ROOT
from autograder.regrade.archive import ArchiveError, pack, unpack
from autograder.regrade.files import passable_folder, passable_tmp
from autograder.regrade.local import MEMORY_PER_JOB
from autograder.regrade.process import GradingProcess, Outcome, died_message, failed_outcome

INSTALL_HINT = "install it with: .venv/bin/pip install -r requirements-ray.txt"
POLL_S = 1.0

_process: GradingProcess | None = None  # this Ray worker's grading process, kept between tasks
_process_options: str | None = None
_tmp_parent: Path | None = None
_node_grader: dict[str, str] = {}


def ray_available() -> bool:
    return importlib.util.find_spec("ray") is not None


def _grading_process(options: dict[str, Any]) -> GradingProcess:
    global _process, _process_options, _tmp_parent
    key = repr(sorted(options.items()))
    if _process is not None and (not _process.alive() or key != _process_options):
        _process.close()
        _process = None
    if _process is None:
        if _tmp_parent is None:
            _tmp_parent = passable_folder(passable_tmp(), "autograder-regrade-ray-")
        _process, _process_options = GradingProcess(options, _tmp_parent, threads=1), key
    return _process


def _grader_on_this_node(fingerprint: dict[str, Any]) -> str:
    """The grader's hash as this node computes it (once per Ray worker)."""
    key = repr(sorted(fingerprint.items()))
    if key not in _node_grader:
        from autograder.regrade.manifest import node_grader_hash

        _node_grader[key] = node_grader_hash(fingerprint)
    return _node_grader[key]


def grade_task(identifier: str, payload: bytes, options: dict[str, Any], timeout: float,
               fingerprint: dict[str, Any]) -> Outcome:
    """One submission, on whichever node Ray chose: unpack, grade, return plain data."""
    node = socket.gethostname()
    grader = _grader_on_this_node(fingerprint)
    folder = Path(tempfile.mkdtemp(prefix="regrade-submission-"))  # 0o700: this user's alone
    try:
        try:
            unpack(payload, folder)
        except ArchiveError as error:
            detail = f"the submission did not unpack on {node}: {error}"
            return failed_outcome(identifier, f"grader failed: {detail}", died_message(detail))
        process = _grading_process(options)
        process.submit({"id": identifier, "folder": str(folder)})
        outcome = process.wait(timeout)
        if not process.alive():
            process.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    outcome["worker"] = f"{node} {outcome.get('worker', '')}".strip()
    outcome["grader"] = grader
    return outcome


class RayEngine:
    """Submissions as Ray tasks, on an embedded Ray or a cluster."""

    name = "ray"

    def __init__(self, *, address: str | None, jobs: int | None, options: dict[str, Any],
                 timeout: float, gpu_share: float, fingerprint: dict[str, Any]) -> None:
        if not ray_available():
            raise RuntimeError(f"--engine ray needs the ray package; {INSTALL_HINT}")
        self.address, self.jobs, self.options = address, jobs, options
        self.timeout, self.fingerprint = timeout, fingerprint
        self.gpus = gpu_share if options.get("device") == "cuda" else 0.0

    def describe(self) -> str:
        where = f"the Ray cluster at {self.address}" if self.address else \
            f"an embedded Ray ({self.jobs} CPUs)"
        return f"Ray engine on {where}" + (f", {self.gpus:g} GPU per task" if self.gpus else "")

    def _init(self) -> Any:
        import ray

        environment = {"env_vars": {"PYTHONPATH": os.pathsep.join(
            filter(None, [str(COURSE_ROOT), os.environ.get("PYTHONPATH")]))}}
        if self.address:
            ray.init(address=self.address, runtime_env=environment, log_to_driver=False)
        else:
            ray.init(address="local", num_cpus=self.jobs, include_dashboard=False, runtime_env=environment,
                     log_to_driver=False)
        return ray

    def run(self, tasks: list[dict[str, Any]], on_done: Callable[[Outcome], None]) -> None:
        ray = self._init()
        remote = ray.remote(num_cpus=1, memory=int(MEMORY_PER_JOB), num_gpus=self.gpus,
                            max_calls=0, max_retries=1)(grade_task)
        capacity = int(ray.cluster_resources().get("CPU", 1))
        limit = max(1, 2 * (min(self.jobs, capacity) if self.jobs else capacity))
        queue = deque(tasks)
        pending: dict[Any, dict[str, Any]] = {}
        try:
            while queue or pending:
                while queue and len(pending) < limit:
                    task = queue.popleft()
                    pending[remote.remote(task["id"], pack(Path(task["folder"])), self.options,
                                          self.timeout, self.fingerprint)] = task
                done, _ = ray.wait(list(pending), num_returns=1, timeout=POLL_S)
                for reference in done:
                    task = pending.pop(reference)
                    try:
                        outcome = ray.get(reference)
                    except Exception as error:  # the task itself failed (a node lost, say)
                        detail = f"the Ray task failed: {type(error).__name__}"
                        outcome = failed_outcome(task["id"], f"grader failed: {detail}",
                                                 died_message(detail), log=str(error)[-20_000:])
                    on_done(outcome)
        finally:  # a Ctrl-C may have reached an embedded Ray's own processes too
            for reference in pending:
                try:
                    ray.cancel(reference, force=True)
                except Exception:
                    pass
            ray.shutdown()
