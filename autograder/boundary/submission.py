"""Find the student's files in a submission folder, however it was zipped, without running them.

Students zip a folder (sometimes with macOS junk), capitalize names, submit a Colab notebook instead
of `problemN.py`, save files in Latin-1 or UTF-16, or leave a link to a file outside their folder.
`find_submission` turns all of that into one `Submission`: which file to use for each file the
assignment's settings list (`[[files]]`), where it came from, and notes that explain every choice. It runs in the grader process, so it only
reads bytes and parses notebooks (`autograder.boundary.notebook`); nothing from the submission is executed
or imported here.
"""
from __future__ import annotations

import codecs
import io
import os
import re
import stat
import tokenize
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Sequence

from autograder.assignment import SubmittedFile
from autograder.boundary.notebook import NotebookError, definitions_only, describe_skipped, one_line
from autograder.boundary.provenance import SourceMap

__all__ = ["Submission", "find_submission"]

SOURCE_CAP = 5 * 2**20
NOTEBOOK_CAP = 25 * 2**20     # handouts ask to keep cell outputs (plots) in the notebook
CHECKPOINT_CAP = 200 * 2**20  # a file's `max_mb` overrides it
MAX_DEPTH = 3                 # the top folder plus nested ones: students zip a folder, or two
MAX_ENTRIES = 5000            # a submission is a handful of files; stop looking after this many
MAX_LINK_NOTES = 5
_IGNORED_NAMES = {"__macosx", "__pycache__"}  # and every hidden name (.ipynb_checkpoints, ._x.py)
_COOKIE = re.compile(r"^([ \t\f]*#.*?coding[:=][ \t]*)([-\w.]+)")  # PEP 263


@dataclass(frozen=True)
class Submission:
    root: Path                      # the folder graded
    files: dict[str, Path]          # a module key ("lab1") -> a .py file to import; a checkpoint
                                    # key ("model.pt") -> the file. A missing key: not submitted.
    notes: list[str]                # general feedback notes, Markdown, short
    origin: dict[str, str]          # key -> where it came from: "lab1.py",
                                    # "pennkey_lab1.ipynb (definitions only)"
    problems: dict[str, list[str]]  # key -> notes about that file, for the feedback of its parts;
                                    # each reads after "`<origin>`: " (it does not repeat the name)
    sources: dict[str, SourceMap] = field(default_factory=dict)  # module key -> the submitted
                                    # file behind the graded one, for errors in the student's terms


@dataclass(frozen=True)
class _Found:
    """A regular file of the submission (a link inside the submission already resolved)."""

    relative: PurePosixPath         # where the student put it, as shown in feedback
    path: Path                      # what to read
    depth: int
    size: int


@dataclass
class _Loaded:
    """A usable candidate: import `path` as it is, or write `content` to the work folder."""

    origin: str
    path: Path | None = None
    content: bytes | None = None
    problems: list[str] = field(default_factory=list)
    empty: bool = False
    source: SourceMap | None = None  # problem files only


def find_submission(root: Path, workdir: Path, files: Sequence[SubmittedFile],
                    notebook_hint: str = "") -> Submission:
    """Pick, for every file of `files`, the one to grade; never runs student code. Converted
    notebooks, re-encoded sources and sources named otherwise (`Lab1.PY`) are written to
    `workdir` as `<key>.py`; other files are used where they are. `notebook_hint` tells a student
    whose notebook matched no file how to name it."""
    root = Path(os.path.realpath(root))
    workdir = Path(os.path.realpath(workdir))
    if workdir == root or root in workdir.parents:
        raise ValueError("the work folder must lie outside the submission")
    result = Submission(root, {}, [], {}, {})
    if not root.is_dir():
        result.notes.append("The submission folder is missing: nothing could be graded.")
        return result
    workdir.mkdir(parents=True, exist_ok=True)
    modules = [file for file in files if file.kind == "module"]
    for file in modules:  # a file left by an earlier run must not be mistaken for this one's
        (workdir / f"{file.key}.py").unlink(missing_ok=True)
    found = _scan(root, result.notes)
    for file in sorted(files, key=lambda file: file.kind != "module"):
        key = file.key
        candidates = _candidates(file, found)
        loaded = _choose(file, candidates, result.notes)
        if loaded is None:
            result.notes.extend(_near_misses(file, found, candidates))
            continue
        if loaded.content is not None:
            loaded.path = workdir / f"{key}.py"
            loaded.path.write_bytes(loaded.content)
        result.files[key] = loaded.path
        result.origin[key] = loaded.origin
        if loaded.source is not None:
            result.sources[key] = loaded.source
        if loaded.problems:
            result.problems[key] = loaded.problems
    if any(file.key not in result.files for file in modules):
        result.notes.extend(_unmatched_notebooks(found, modules, notebook_hint))
    return result


# ------------------------------------------------------------------------------ walking the folder

def _scan(root: Path, notes: list[str]) -> list[_Found]:
    """Regular files up to MAX_DEPTH folders deep, in a fixed order, skipping hidden names, macOS
    junk and notebook checkpoints. Links are followed only to files inside the submission."""
    found: list[_Found] = []
    escaping: list[str] = []
    folders = [(root, PurePosixPath(), 0)]
    seen = 0
    while folders and seen <= MAX_ENTRIES:
        folder, relative_folder, depth = folders.pop(0)
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError:
            continue
        for entry in entries:
            seen += 1
            if seen > MAX_ENTRIES:
                notes.append(f"The submission holds more than {MAX_ENTRIES} files and folders; "
                             "only the first ones were looked at.")
                break
            lowered = entry.name.lower()
            if entry.name.startswith(".") or lowered in _IGNORED_NAMES or lowered.endswith(
                    "-checkpoint.ipynb"):
                continue
            relative = relative_folder / entry.name
            path = Path(entry.path)
            try:
                if entry.is_symlink():
                    path = Path(os.path.realpath(entry.path))
                    if path != root and root not in path.parents:
                        escaping.append(_shown(relative))
                        continue
                info = path.stat() if entry.is_symlink() else entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if stat.S_ISDIR(info.st_mode) and not entry.is_symlink() and depth + 1 < MAX_DEPTH:
                folders.append((path, relative, depth + 1))
            elif stat.S_ISREG(info.st_mode):
                found.append(_Found(relative, path, depth, info.st_size))
    if escaping:
        more = f" and {len(escaping) - MAX_LINK_NOTES} more" if len(escaping) > MAX_LINK_NOTES else ""
        notes.append(f"Ignored {', '.join(escaping[:MAX_LINK_NOTES])}{more}: links to places outside "
                     "the submission are not followed. Submit the files themselves.")
    return found


def _name_pattern(file: SubmittedFile) -> re.Pattern[str]:
    """What a notebook's lower-cased name must contain to stand in for `file` (the settings'
    `notebook`, such as `lab[ _-]?5(?!\\d)`; else the key itself)."""
    return re.compile(file.notebook or re.escape(file.key))


def _candidates(file: SubmittedFile, found: list[_Found]) -> list[_Found]:
    """Files that could be `file`, best first: a .py before a notebook (a notebook only stands in
    for a missing .py), then the file nearest the top folder, then the shortest name."""
    key = file.key
    if file.kind == "checkpoint":
        matches = [item for item in found if item.relative.name.lower() in file.names]
        return sorted(matches, key=lambda item: (item.depth, str(item.relative)))
    sources = [item for item in found if item.relative.name.lower() == f"{key}.py"]
    notebooks = [] if file.notebook is None else [
        item for item in found if item.relative.suffix.lower() == ".ipynb"
        and _name_pattern(file).search(item.relative.name.lower())]
    return (sorted(sources, key=lambda item: (item.depth, str(item.relative)))
            + sorted(notebooks, key=lambda item: (item.depth, len(item.relative.name),
                                                   item.relative.name, str(item.relative))))


def _choose(file: SubmittedFile, candidates: list[_Found], notes: list[str]) -> _Loaded | None:
    """The first usable candidate that is not empty (an empty one only when nothing else is);
    notes say which was graded when several could be."""
    usable: list[tuple[_Found, _Loaded]] = []
    for candidate in candidates:
        loaded = _load(file, candidate, notes)
        if loaded is not None:
            usable.append((candidate, loaded))
            if not loaded.empty:
                break
    if not usable:
        return None
    chosen, loaded = next(((item, result) for item, result in usable if not result.empty), usable[0])
    if len(candidates) > 1:
        listed = ", ".join(_shown(item.relative) for item in candidates[:4])
        more = f" and {len(candidates) - 4} more" if len(candidates) > 4 else ""
        notes.append(f"Several files could be {file.shown_name} ({listed}{more}): {_shown(chosen.relative)} is "
                     "graded (a .py file comes before a notebook, then the file nearest the top "
                     "folder, then the shortest name; empty files only when nothing else is left).")
    return loaded


def _near_misses(file: SubmittedFile, found: list[_Found], candidates: list[_Found]) -> list[str]:
    """Tell a student whose file was not recognized what name the grader wanted."""
    checkpoint = file.kind == "checkpoint"
    pattern = _name_pattern(file)
    suffixes = (".pt", ".pth", ".ckpt") if checkpoint else (".py", ".pyw", ".txt", "")
    misses = [item for item in found if item not in candidates and item.relative.suffix.lower()
              in suffixes and (checkpoint or pattern.search(item.relative.name.lower()))]
    name = file.shown_name
    return [f"{_shown(item.relative)} was found but is not graded as {name}: rename it {name}."
            for item in misses[:3]]


def _unmatched_notebooks(found: list[_Found], modules: Sequence[SubmittedFile],
                         hint: str) -> list[str]:
    """A notebook whose name matches no file (`pennkey_homework.ipynb`) is graded as nothing."""
    unmatched = [item for item in found if item.relative.suffix.lower() == ".ipynb" and not any(
        file.notebook is not None and _name_pattern(file).search(item.relative.name.lower())
        for file in modules)]
    if not unmatched:
        return []
    listed = ", ".join(_shown(item.relative) for item in unmatched[:3])
    hint = hint or ("a notebook stands in for a file only when its name says which: "
                    + ", ".join(f"{file.shown_name} (`{file.notebook}`)" for file in modules
                                if file.notebook))
    return [f"{listed} {'was' if len(unmatched) == 1 else 'were'} not graded: {hint}."]


# ------------------------------------------------------------------------------- reading files

def _load(file: SubmittedFile, candidate: _Found, notes: list[str]) -> _Loaded | None:
    """Read one candidate; None (with a note) when it cannot be used."""
    key = file.key
    shown = _shown(candidate.relative)
    is_notebook = candidate.relative.suffix.lower() == ".ipynb"
    checkpoint = file.kind == "checkpoint"
    cap = CHECKPOINT_CAP if checkpoint else NOTEBOOK_CAP if is_notebook else SOURCE_CAP
    if file.max_mb is not None:
        cap = int(file.max_mb * 2**20)
    data = _read_capped(candidate.path, cap) if candidate.size <= cap else None
    if data is None:
        advice = " Clear large cell outputs and submit it again." if is_notebook else ""
        notes.append(f"{shown} is larger than the {cap // 2**20} MB limit, so it was not used.{advice}")
        return None
    if checkpoint:
        return _Loaded(_label(candidate.relative), path=candidate.path, empty=not data,
                       problems=[] if data else ["The file is empty."])
    if not is_notebook:
        text, problem = _decode_source(data)
        loaded = _Loaded(_label(candidate.relative), path=candidate.path, empty=not data.strip(),
                         problems=[problem] if problem else [],
                         source=SourceMap(_label(candidate.relative)))
        if text is not None:
            loaded.content = text.encode("utf-8")
            loaded.origin += " (re-encoded as UTF-8)"
        elif candidate.relative.name != f"{key}.py":  # `Lab1.PY`: importable only as .py
            loaded.content = data
        if loaded.empty:
            loaded.problems.append("The file is empty: it defines no function.")
        return loaded
    return _load_notebook(key, candidate, data, notes)


def _load_notebook(key: str, candidate: _Found, data: bytes, notes: list[str]) -> _Loaded | None:
    text, problem = _decode_text(data)
    try:
        converted = definitions_only(text, name=str(candidate.relative))
    except NotebookError as error:
        notes.append(f"{_shown(candidate.relative)} could not be read as a notebook ({error}), "
                     "so it was not used.")
        return None
    summary = (f"This notebook stands in for {key}.py: only its definitions (imports, functions, "
               "classes, assignments of simple values) were used, and none of it was run.")
    if converted.skipped:
        summary += (f" These {len(converted.skipped)} top-level statements were left out, so a "
                    "function that needs one of them fails:\n"
                    + "\n".join(f"  {line}" for line in describe_skipped(converted.skipped)))
    empty = not any(line.strip() and not line.lstrip().startswith("#")
                    for line in converted.source.splitlines())
    problems = [summary, *([problem] if problem else [])]
    if empty:
        problems.append("Nothing in it could be kept: it defines no function.")
    return _Loaded(f"{_label(candidate.relative)} (definitions only)", problems=problems,
                   content=converted.source.encode("utf-8"), empty=empty,
                   source=SourceMap(_label(candidate.relative), converted))


def _read_capped(path: Path, cap: int) -> bytes | None:
    """The file's bytes, or None when it is (or has grown) larger than `cap`."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(cap + 1)
    except OSError:
        return None
    return data if len(data) <= cap else None


def _decode_source(data: bytes) -> tuple[str | None, str | None]:
    """(text to write in its place, a note); (None, None) when Python reads the file as it is:
    UTF-8, UTF-8 with a BOM, or the encoding its coding declaration names."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        data.decode(encoding)
        return None, None
    except (SyntaxError, UnicodeDecodeError, LookupError):
        pass
    text, problem = _decode_text(data)
    problem = problem or "The file does not match its coding declaration: it was read as UTF-8."
    head, newline, rest = text.partition("\n")  # a declaration counts on the first two lines only
    second, newline2, rest = rest.partition("\n")
    head, second = (_COOKIE.sub(r"\1utf-8", line) for line in (head, second))
    return head + newline + second + newline2 + rest, problem


def _decode_text(data: bytes) -> tuple[str, str | None]:
    """Text from UTF-8 (with or without BOM), UTF-16 with a BOM, else Latin-1; and a note for the
    last two."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), ("The file is saved as UTF-16: it was read as such. "
                                           "Save it as UTF-8.")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        nul = " It also holds NUL bytes, which Python refuses." if b"\x00" in data else ""
        return data.decode("latin-1"), ("The file is not valid UTF-8: it was read as Latin-1, so "
                                        "accented characters in strings may be wrong. Save it as "
                                        f"UTF-8.{nul}")


def _label(relative: PurePosixPath) -> str:
    """A student's file name on one line, without backticks: safe inside Markdown inline code."""
    return one_line(str(relative), 100).replace("`", "'")


def _shown(relative: PurePosixPath) -> str:
    return f"`{_label(relative)}`"
