"""Grading results: per-test scores, the Gradescope `results.json` and the terminal table.

Everything shown to a student passes through `clean_text` (no NUL bytes, no terminal escapes, a
length cap), and every part of the assignment appears with its full points in the maximum, even
when its checks could not run (`Results.fill_missing_parts`).

Bonus parts (`bonus = true` in the settings) are extra credit: results.json's `score` is the sum of
every test, bonus ones included (as Gradescope requires), but the summary and the tables give the
score out of the regular total (`Results.total_points`, the total set on Gradescope), say how many
bonus points were earned, and mark each bonus part.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from autograder.assignment import Part
from autograder.atomic import write_bytes_atomic
from autograder.errors import CheckFailed, ConfigurationError  # noqa: F401  (re-exported)
from autograder.feedback import Figure, figures_html, markdown_to_html

SCHEMA_PATH = Path(__file__).with_name("schema") / "gradescope-results.schema.json"
OUTPUT_LIMIT = 8_000    # one test's feedback: a screenful or two
NOTE_LIMIT = 3_000      # one note about the submission (a notebook's list of left-out statements)
SUMMARY_LIMIT = 30_000  # the top-level feedback: the table and every note (Gradescope allows more)
DECIMALS = 4
_TOLERANCE = 0.5 * 10.0 ** -DECIMALS
INTERNAL_ERROR = "internal error in this check; the instructor has been told"

# CSI/OSC/other escape sequences, then the control characters that survive them (tab, newline and
# carriage return are kept).
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]?|\x9b")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(text: Any, limit: int = OUTPUT_LIMIT) -> str:
    """`text` made safe to show: escapes and control bytes removed, valid UTF-8, at most `limit`."""
    text = str(text)
    text = _CONTROL.sub("", _ANSI.sub("", text))
    text = text.encode("utf-8", "replace").decode("utf-8")
    if len(text) > limit:
        marker = f"\n\n[... cut at {limit:,} characters]"
        text = text[: max(0, limit - len(marker))] + marker
    return text


def first_line(text: str, limit: int = 120) -> str:
    """The first non-empty line of `text`, shortened to `limit` characters."""
    for line in text.splitlines():
        line = line.strip()
        if line:
            return line if len(line) <= limit else line[: limit - 3] + "..."
    return ""


def docstring_summary(doc: str | None, limit: int = 200) -> str:
    """The first paragraph of a docstring on one line (a test's name and its hidden-failure text)."""
    paragraph = re.split(r"\n\s*\n", (doc or "").strip(), maxsplit=1)[0]
    return first_line(" ".join(paragraph.split()), limit)


def round_points(value: float) -> float:
    return round(float(value), DECIMALS) + 0.0  # + 0.0 turns -0.0 into 0.0


def format_points(value: float) -> str:
    """Points for people: at most two decimals (results.json keeps four)."""
    return f"{round_points(value):.2f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class Verdict:
    """How one test scored: its status, the fraction of its points, and the feedback."""

    status: str
    fraction: float
    output: str
    internal_error: str | None = None  # for the instructor's log only


def judge(first_of_kind: dict[str, tuple[str, BaseException]], *, fraction: float | None,
          hidden: bool, hide_errors: str | None, description: str) -> Verdict:
    """Score one finished test from the first exception of each kind it raised.

    Kinds: "error" (a grader bug: 0), "skip" (0), "failure" (keeps the partial `fraction`, else 0);
    each maps to (phase, exception), the phase being "setup", "call" or "teardown". An error
    anywhere wins over a skip, which wins over a failure; no exception passes with `fraction`
    (full credit when it was never set).
    """
    if "error" in first_of_kind:
        when, error = first_of_kind["error"]
        where = "" if when == "call" else f" (in the check's {when})"
        return Verdict("failed", 0.0, INTERNAL_ERROR + where, internal_error=(
            f"{when}: {type(error).__name__}: {first_line(str(error), 300)}"))
    if "skip" in first_of_kind:
        reason = "" if hidden else f" ({first_line(str(getattr(first_of_kind['skip'][1], 'msg', '')))})"
        return Verdict("failed", 0.0, f"This check did not run{reason}, so it earns no points.")
    if "failure" in first_of_kind:
        output = failure_feedback(first_of_kind["failure"][1], hidden=hidden,
                                  hide_errors=hide_errors, description=description)
        if fraction:
            output += f"\n\nPartial credit kept: {fraction:.0%} of this check's points."
        return Verdict("failed", fraction or 0.0, output)
    if fraction is None or fraction == 1.0:
        return Verdict("passed", 1.0, "")
    return Verdict("failed", fraction, f"Partial credit: {fraction:.0%} of this check's points.")


def failure_feedback(error: BaseException, *, hidden: bool, hide_errors: str | None,
                     description: str) -> str:
    """What a student sees for a failed check (Markdown).

    Public checks show `CheckFailed.message` and its `detail`; hidden checks show the message only
    (never the detail, a student exception's text, or pytest's assertion introspection, any of
    which may spell out a hidden input). `description` is the first line of the test's docstring.
    """
    if hide_errors is not None:
        return hide_errors
    if isinstance(error, CheckFailed):
        message = str(error.message)
        if hidden or not error.detail:
            return message
        return f"{message}\n\n{fenced(str(error.detail))}"
    if hidden:
        return f"hidden check failed: {description}"
    text = str(getattr(error, "msg", None) or error).strip()
    return f"check failed: {description}" + (f"\n\n{fenced(text)}" if text else "")


def fenced(text: str) -> str:
    """`text` as a Markdown code block that no run of backticks inside it can close."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}\n{text}\n{fence}"


@dataclass
class TestResult:
    """One entry of results.json: a test case, or a 0-score stand-in for checks that did not run."""

    __test__ = False  # not a pytest test class, despite its name

    name: str
    number: str
    score: float
    max_score: float
    status: str  # "passed" or "failed"
    output: str = ""
    visibility: str = "visible"
    nodeid: str = ""  # pytest's id; for the instructor's logs, not in results.json
    figures: tuple[Figure, ...] = ()  # plots from the `feedback` fixture
    unscored: str = ""  # failed for want of data on this machine: `DataUnavailable.advice`
    tags: tuple[str, ...] = ()  # the check's @tags, passed on to Gradescope

    def to_gradescope(self) -> dict[str, Any]:
        """The test's entry: Markdown output, or HTML with the figures inline when it has any."""
        output, output_format = clean_text(self.output), "md"
        if self.figures:
            output, output_format = markdown_to_html(output) + "\n" + figures_html(self.figures), "html"
        return {
            "name": clean_text(self.name, 300),
            "number": self.number,
            "score": round_points(self.score),
            "max_score": round_points(self.max_score),
            "status": self.status,
            "output": output,
            "output_format": output_format,
            "visibility": self.visibility,
            **({"tags": list(self.tags)} if self.tags else {}),
        }


@dataclass(frozen=True)
class CollectionError:
    """A test module (or folder) that could not be collected, so its checks never ran."""

    nodeid: str
    message: str  # safe to show a student: full text for public files, generic for hidden ones
    problem: str | None  # the problem its file name names (test_<problem>.py), else None (could be any part)


@dataclass(frozen=True)
class LeaderboardEntry:
    name: str
    value: float | str
    order: str = "desc"


@dataclass
class Results:
    tests: list[TestResult] = field(default_factory=list)
    collection_errors: list[CollectionError] = field(default_factory=list)
    leaderboard: list[LeaderboardEntry] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    parts: tuple[Part, ...] = ()
    title: str = "Autograder"
    execution_time: float = 0.0

    @property
    def score(self) -> float:
        return round_points(sum(round_points(test.score) for test in self.tests))

    @property
    def max_score(self) -> float:
        """Every test's points, bonus parts' included."""
        return round_points(sum(round_points(test.max_score) for test in self.tests))

    def bonus_labels(self) -> frozenset[str]:
        return frozenset(part.label for part in self.parts if part.bonus)

    @property
    def total_points(self) -> float:
        """The regular total: every test's points but those of bonus parts."""
        bonus = self.bonus_labels()
        return round_points(sum(round_points(test.max_score) for test in self.tests
                                if test.number not in bonus))

    @property
    def bonus_score(self) -> float:
        bonus = self.bonus_labels()
        return round_points(sum(round_points(test.score) for test in self.tests if test.number in bonus))

    @property
    def bonus_max_score(self) -> float:
        bonus = self.bonus_labels()
        return round_points(sum(round_points(test.max_score) for test in self.tests
                                if test.number in bonus))

    def _bonus_sentence(self) -> str:
        """The summary's words on bonus points ("1 of 2 bonus points earned ..."); "" without any."""
        if not self.bonus_labels():
            return ""
        earned, available = format_points(self.bonus_score), format_points(self.bonus_max_score)
        unit = "point" if self.bonus_max_score == 1 else "points"
        return (f"{earned} of {available} bonus {unit} earned (extra credit: the parts marked "
                f"bonus are not in the total of {format_points(self.total_points)})")

    def shown_label(self, label: str) -> str:
        """The part's label as the tables show it: "Q4 (bonus)" for a bonus part."""
        return f"{label} (bonus)" if label in self.bonus_labels() else label

    def fill_missing_parts(self, parts: Iterable[Part]) -> None:
        """Give every part its full points in the maximum, adding a 0-score entry for any shortfall.

        The entry names the cause: the collection error of the part's problem, or "no checks
        found". Checks worth more than their part is a `ConfigurationError`.
        """
        self.parts = tuple(parts)
        for part in self.parts:
            maxima = [test.max_score for test in self.tests if test.number == part.label]
            missing = part.points - sum(maxima)
            tolerance = _TOLERANCE * max(1, len(maxima))  # each maximum is rounded to 10^-4
            if missing < -tolerance:
                raise ConfigurationError(
                    f"the checks of part {part.label} are worth {format_points(sum(maxima))} points, "
                    f"more than its {format_points(part.points)} in the assignment's settings")
            if missing > tolerance:
                self.tests.append(TestResult(
                    name=f"{part.label} {part.what}: checks that did not run",
                    number=part.label, score=0.0, max_score=missing, status="failed",
                    output=self._missing_cause(part), nodeid=f"<missing {part.label}>"))

    def _missing_cause(self, part: Part) -> str:
        errors = [error for error in self.collection_errors if error.problem in (part.problem, None)]
        points = format_points(part.points)
        if not errors:
            return (f"no checks found for this part\n\nSo its {points} points could not be "
                    "earned. This is a problem of the grader, not of your submission; the "
                    "instructor should check the grader's configuration.")
        causes = "\n".join(f"- `{error.nodeid or 'tests'}`: {error.message}" for error in errors)
        return (f"checks of this part could not be loaded\n\nSo their points could not be "
                f"earned. This is a problem of the grader, not of your submission:\n{causes}")

    def ordered_tests(self) -> list[TestResult]:
        """Tests in the assignment's part order, then in the order they ran."""
        rank = {part.label: index for index, part in enumerate(self.parts)}
        indexed = list(enumerate(self.tests))
        indexed.sort(key=lambda pair: (rank.get(pair[1].number, len(rank)), pair[1].number, pair[0]))
        return [test for _, test in indexed]

    def part_rows(self) -> list[tuple[str, str, float, float, str]]:
        """(label, what, score, max, one-line reason) per part, in the assignment's order."""
        what = {part.label: part.what for part in self.parts}
        labels = list(what) + sorted({t.number for t in self.tests} - set(what))
        rows = []
        for label in labels:
            tests = [test for test in self.ordered_tests() if test.number == label]
            failing = [test for test in tests if test.status != "passed"]
            if not tests:
                reason = "no checks ran"
            elif not failing:
                reason = "all checks passed"
            else:
                reason = first_line(clean_text(failing[0].output)) or f"failed: {failing[0].name}"
            rows.append((label, what.get(label, ""),
                         sum(round_points(t.score) for t in tests),
                         sum(round_points(t.max_score) for t in tests), reason))
        return rows

    def table(self) -> str:
        """A plain-text table for the terminal: part, score/max, why points were lost."""
        rows = [(self.shown_label(label), f"{format_points(score)}/{format_points(maximum)}", reason)
                for label, _, score, maximum, reason in self.part_rows()]
        bonus = self._bonus_sentence()
        rows.append(("total", f"{format_points(self.score)}/{format_points(self.total_points)}",
                     f"with {bonus}" if bonus else ""))
        header = ("part", "score", "result")
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(2)]
        lines = [f"{a:<{widths[0]}}  {b:>{widths[1]}}  {c}".rstrip() for a, b, c in [header, *rows]]
        return "\n".join(lines)

    def summary_markdown(self) -> str:
        """The top-level feedback: total, a per-part table and the notes about the submission."""
        bonus = self._bonus_sentence()
        lines = [f"**{self.title}: autograded score {format_points(self.score)} / "
                 f"{format_points(self.total_points)}**" + (f", with {bonus}" if bonus else ""), "",
                 "| part | graded | score | result |", "| --- | --- | ---: | --- |"]
        for label, what, score, maximum, reason in self.part_rows():
            cells = [self.shown_label(label), what,
                     f"{format_points(score)} / {format_points(maximum)}", reason]
            lines.append("| " + " | ".join(_table_cell(cell) for cell in cells) + " |")
        if self.notes:
            lines += ["", "About your submission:", *[f"- {clean_text(note, NOTE_LIMIT)}" for note in self.notes]]
        return "\n".join(lines)

    def to_gradescope(self) -> dict[str, Any]:
        """The results.json document, following Gradescope's autograder specification."""
        document: dict[str, Any] = {
            "score": self.score,
            "execution_time": round(max(0.0, self.execution_time), 2),
            "output": clean_text(self.summary_markdown(), SUMMARY_LIMIT),
            "output_format": "md",
            "stdout_visibility": "hidden",
            "tests": [test.to_gradescope() for test in self.ordered_tests()],
        }
        if self.leaderboard:
            document["leaderboard"] = [
                {"name": entry.name, "value": entry.value, "order": entry.order}
                for entry in self.leaderboard]
        return document

    def write_atomic(self, path: Path | str) -> dict[str, Any]:
        """Validate and write results.json atomically; returns the document written."""
        document = self.to_gradescope()
        validate(document)
        write_json_atomic(path, document)
        return document


def _table_cell(text: str) -> str:
    return clean_text(text, 300).replace("\n", " ").replace("|", "\\|")


def fallback_document(message: str) -> dict[str, Any]:
    """A valid results.json with score 0, for when grading did not finish."""
    return {
        "score": 0.0,
        "execution_time": 0.0,
        "output": clean_text(message),
        "output_format": "md",
        "stdout_visibility": "hidden",
        "tests": [],
    }


def validate(document: dict[str, Any]) -> None:
    """Raise `jsonschema.ValidationError` unless `document` follows Gradescope's results format."""
    import jsonschema  # imported here: only grading and the self-tests need it

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(document)


def write_json_atomic(path: Path | str, document: dict[str, Any]) -> None:
    """Write `document` as JSON so that `path` is always either the old file or the whole new one.

    Whatever sits at `path` and would stop a plain replace (a symlink, which must not be followed,
    a folder, a read-only file) is removed first.
    """
    path = Path(path)
    text = json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    _clear_path(path)
    write_bytes_atomic(path, text.encode("utf-8"))


def _clear_path(path: Path) -> None:
    if path.is_symlink():
        path.unlink()
    elif path.is_dir():
        # Make every folder inside writable and listable first: removing a file needs only that.
        os.chmod(path, stat.S_IRWXU)
        for folder, children, _ in os.walk(path):
            for child in children:
                if not os.path.islink(os.path.join(folder, child)):
                    os.chmod(os.path.join(folder, child), stat.S_IRWXU)
        shutil.rmtree(path)
    elif path.exists() and not os.access(path, os.W_OK):
        os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
        path.unlink()
