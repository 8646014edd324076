"""What to regrade: a Gradescope "Export Submissions" archive (zip or unpacked) or a plain folder.

An export is a folder (often `assignment_<n>_export/` inside the zip) holding
`submission_metadata.yml` and one `submission_<id>/` folder per submission. The YAML maps each
folder name to its `:submitters:` (a list of `:name:`, `:sid:`, `:email:`; several for a group
submission) and more that we do not need. It is read with `yaml.safe_load` only: an export is data
from a web service, and a YAML tag that builds objects must never run. A plain folder's
subfolders are the submissions, their names the ids, with no names, SIDs or emails.

A zip is unpacked into the driver's private work folder; a folder is graded where it is (the
driver refuses, as root, a source that other users could read: see `files.readable_by_others`).
"""
from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autograder.regrade.archive import ArchiveError, Caps, extract_zip

METADATA = "submission_metadata.yml"
EXPORT_PREFIX = "submission_"
RESERVED = {"scores.csv", "report.html", "manifest.json", "gradings.log"}
_SKIPPED_FOLDERS = {"__MACOSX", "__pycache__"}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class SourceError(ValueError):
    """The source cannot be regraded as it is; the message says why."""


@dataclass(frozen=True)
class Submitter:
    name: str = ""
    sid: str = ""
    email: str = ""


@dataclass(frozen=True)
class Entry:
    """One submission: its id, its files (None: listed in the metadata, absent from the export)
    and the students it belongs to (one row each in scores.csv)."""

    id: str
    folder: Path | None
    submitters: tuple[Submitter, ...] = ()


@dataclass
class Source:
    kind: str  # "gradescope export" or "folder"
    entries: list[Entry]
    notes: list[str] = field(default_factory=list)


def natural_key(text: str) -> tuple[tuple[int, int, str], ...]:
    """Sort key that puts submission 9 before submission 10."""
    return tuple((0, int(piece), "") if piece.isdigit() else (1, 0, piece)
                 for piece in re.split(r"(\d+)", text) if piece)


def check_id(identifier: str) -> str:
    """`identifier` if it can name a folder of the output, else SourceError."""
    if not identifier or len(identifier) > 200 or identifier.startswith(".") or "/" in identifier \
            or "\\" in identifier or _CONTROL.search(identifier) or identifier in RESERVED:
        raise SourceError(f"{identifier!r} cannot be a submission id (a folder name of the output)")
    return identifier


def read_metadata(text: str) -> dict[str, tuple[Submitter, ...]]:
    """Folder name -> its submitters, from the text of `submission_metadata.yml` (safe_load only)."""
    import yaml

    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise SourceError(f"{METADATA} is not plain YAML: {str(error).splitlines()[0]}") from None
    if document is None:
        return {}
    if not isinstance(document, dict):
        raise SourceError(f"{METADATA} is not a mapping of submission folders")
    return {str(folder): _submitters(value) for folder, value in document.items()}


def _field(record: dict[Any, Any], name: str) -> str:
    value = record.get(f":{name}", record.get(name))
    return "" if value is None else _CONTROL.sub("", str(value)).strip()


def _submitters(value: Any) -> tuple[Submitter, ...]:
    if not isinstance(value, dict):
        return ()
    people = value.get(":submitters", value.get("submitters")) or []
    if not isinstance(people, list):
        return ()
    return tuple(Submitter(_field(p, "name"), _field(p, "sid"), _field(p, "email"))
                 for p in people if isinstance(p, dict))


def open_source(path: Path, work: Path, caps: Caps = Caps()) -> Source:
    """The submissions of `path` (a zip, an export folder, or a folder of submission folders);
    a zip is unpacked into the private `work` folder."""
    if not path.exists():
        raise SourceError(f"{path} does not exist")
    notes: list[str] = []
    if path.is_file():
        if not zipfile.is_zipfile(path):
            raise SourceError(f"{path} is neither a folder nor a zip archive")
        root = work / "unpacked"
        root.mkdir(mode=0o700)
        try:
            notes += extract_zip(path, root, caps)
        except ArchiveError as error:
            raise SourceError(f"{path}: {error}") from None
    else:
        root = path
    export = _find_export(root, nested=root is not path)
    if export is not None:
        source = _read_export(export)
    else:
        source = _read_folder(_single_top(root) if root is not path else root)
    source.notes[:0] = notes
    return source


def _find_export(root: Path, *, nested: bool) -> Path | None:
    """The folder holding the export's metadata: `root`, or (`nested`: an unpacked zip) its one
    subfolder that has it. A submission's own file of that name never makes it an export."""
    if (root / METADATA).is_file():
        return root
    if not nested:
        return None
    candidates = [child for child in _subfolders(root) if (child / METADATA).is_file()]
    if len(candidates) > 1:
        raise SourceError(f"{root} holds several exports: {', '.join(c.name for c in candidates)}")
    return candidates[0] if candidates else None


def _single_top(root: Path) -> Path:
    """A zip of one folder of submissions: that folder (a folder of files is itself the source)."""
    children = _subfolders(root)
    if len(children) == 1 and not any(p.is_file() for p in root.iterdir()) and _subfolders(children[0]):
        return children[0]
    return root


def _subfolders(folder: Path) -> list[Path]:
    return sorted((child for child in folder.iterdir()
                   if child.is_dir() and not child.is_symlink() and not child.name.startswith(".")
                   and child.name not in _SKIPPED_FOLDERS), key=lambda p: natural_key(p.name))


def _read_export(folder: Path) -> Source:
    metadata_path = folder / METADATA
    if metadata_path.is_symlink():
        raise SourceError(f"{metadata_path} is a symbolic link")
    metadata = read_metadata(metadata_path.read_text(encoding="utf-8", errors="replace"))
    present = {child.name: child for child in _subfolders(folder)}
    entries: dict[str, Entry] = {}
    for name in sorted(set(metadata) | set(present), key=natural_key):
        identifier = check_id(name[len(EXPORT_PREFIX):] if name.startswith(EXPORT_PREFIX) else name)
        if identifier in entries:
            raise SourceError(f"two submissions in {folder} have the id {identifier!r}")
        entries[identifier] = Entry(identifier, present.get(name), metadata.get(name, ()))
    notes = [f"{name}: a folder the metadata does not list (no names, SIDs or emails)"
             for name in present if name not in metadata]
    return Source("gradescope export", list(entries.values()), notes)


def _read_folder(folder: Path) -> Source:
    children = _subfolders(folder)
    if not children:
        raise SourceError(f"{folder} holds no submission folders (to grade one submission, use "
                          "`python -m autograder grade`)")
    return Source("folder", [Entry(check_id(child.name), child) for child in children])
