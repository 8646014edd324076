"""Unpacking an export zip and copying submission folders, safely.

An export holds files that students chose, so its zip is read as hostile: no entry may leave the
destination (absolute paths, `..`, drive letters), links and special files are never created, and
caps on the number of files, on one file and on the whole (counted as bytes are written, since a
zip's declared sizes can lie) stop a zip bomb. The same rules read the in-memory zip that carries
a submission to a Ray node.
"""
from __future__ import annotations

import io
import os
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

CHUNK = 1 << 20


class ArchiveError(ValueError):
    """The archive or folder cannot be used as it is (traversal, too big, unreadable)."""


@dataclass(frozen=True)
class Caps:
    """Limits on what one unpacking or copy may write."""

    files: int = 200_000
    file_bytes: int = 2 * 2**30       # a checkpoint is ~10 MB; the assignment's own cap is lower
    total_bytes: int = 64 * 2**30


@dataclass
class _Budget:
    caps: Caps
    files: int = 0
    total: int = 0

    def add_file(self, name: str) -> None:
        self.files += 1
        if self.files > self.caps.files:
            raise ArchiveError(f"more than {self.caps.files:,} files (at {name!r})")

    def add_bytes(self, name: str, written: int, count: int) -> None:
        self.total += count
        if written > self.caps.file_bytes:
            raise ArchiveError(f"{name!r} is larger than {self.caps.file_bytes:,} bytes")
        if self.total > self.caps.total_bytes:
            raise ArchiveError(f"more than {self.caps.total_bytes:,} bytes in all (at {name!r})")


def safe_parts(name: str) -> tuple[str, ...]:
    """The path components of an archive entry, or ArchiveError if it could leave its folder."""
    if "\x00" in name:
        raise ArchiveError(f"entry name with a NUL byte: {name!r}")
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        raise ArchiveError(f"absolute path in the archive: {name!r}")
    pieces = name.replace("\\", "/").split("/")
    if any(piece == ".." for piece in pieces):
        raise ArchiveError(f"path traversal in the archive: {name!r}")
    return tuple(piece for piece in PurePosixPath(name).parts if piece not in ("", "."))


def _open_new(destination: Path, parts: tuple[str, ...]) -> int:
    """A new file at destination/parts, its folders created; never through a link."""
    folder = destination
    for piece in parts[:-1]:
        folder = folder / piece
        if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
            raise ArchiveError(f"{'/'.join(parts)!r} goes through a file or link")
        folder.mkdir(mode=0o700, exist_ok=True)
    try:
        return os.open(folder / parts[-1], os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    except FileExistsError:
        raise ArchiveError(f"{'/'.join(parts)!r} appears twice") from None


def _copy_stream(reader: io.BufferedIOBase, fd: int, name: str, budget: _Budget) -> None:
    written = 0
    with os.fdopen(fd, "wb") as writer:
        while chunk := reader.read(CHUNK):
            written += len(chunk)
            budget.add_bytes(name, written, len(chunk))
            writer.write(chunk)


def extract_zip(archive: Path | io.BytesIO, destination: Path, caps: Caps = Caps()) -> list[str]:
    """Unpack `archive` into the (existing) `destination`; returns notes on entries left out
    (links, special files). Raises ArchiveError for anything that could escape or overflow."""
    notes: list[str] = []
    budget = _Budget(caps)
    try:
        with zipfile.ZipFile(archive) as bundle:
            for info in bundle.infolist():
                parts = safe_parts(info.filename)
                if not parts:
                    continue
                kind = stat.S_IFMT(info.external_attr >> 16)
                if info.is_dir() or kind == stat.S_IFDIR:
                    _mkdirs(destination, parts)
                    continue
                if kind not in (0, stat.S_IFREG):
                    _mkdirs(destination, parts[:-1])  # the folder stays, empty if need be
                    notes.append(f"left out {info.filename!r}: "
                                 f"{'a symbolic link' if kind == stat.S_IFLNK else 'not a regular file'}")
                    continue
                budget.add_file(info.filename)
                fd = _open_new(destination, parts)
                with bundle.open(info) as reader:
                    _copy_stream(reader, fd, info.filename, budget)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, RuntimeError, NotImplementedError) as error:
        raise ArchiveError(f"cannot read the zip: {error}") from None
    return notes


def _mkdirs(destination: Path, parts: tuple[str, ...]) -> None:
    folder = destination
    for piece in parts:
        folder = folder / piece
        if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
            raise ArchiveError(f"{'/'.join(parts)!r} goes through a file or link")
        folder.mkdir(mode=0o700, exist_ok=True)


def pack(folder: Path) -> bytes:
    """The regular files below `folder` as one uncompressed zip (links left out): how a
    submission travels to a Ray node."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED, allowZip64=True) as bundle:
        for path in sorted(folder.rglob("*")):
            if path.is_symlink() or not path.is_file():
                continue
            bundle.write(path, path.relative_to(folder).as_posix())
    return buffer.getvalue()


def unpack(data: bytes, destination: Path, caps: Caps = Caps()) -> list[str]:
    """`pack`'s zip back into files, read as hostile like any other zip."""
    return extract_zip(io.BytesIO(data), destination, caps)
