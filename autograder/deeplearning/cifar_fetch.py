"""`python -m autograder.deeplearning.cifar_fetch [DATA_DIR]`: put CIFAR-10's test batch in place at setup time.

Gradescope has the network while it builds the image (`setup.sh`) and the grader never needs it
afterwards. When the autograder zip does not bundle the test set (built with `--without-data`, or
where there was none), `setup.d/20-cifar-test-set.sh` runs this once: download the official archive
(170 MB), check its size and MD5, and keep only `test_batch` and `batches.meta` (30 MB). Members are
read from the archive by their known names and written under names of our own, so no path from the
archive is ever written (no `extractall`, no traversal). A failure is a message and exit status 1;
the setup step turns it into a warning, since without the data only the parts scored on it are lost (with a note).
"""
from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import sys
import tarfile
import tempfile
import urllib.request
from pathlib import Path
from typing import Sequence

from autograder.deeplearning.cifar import (ARCHIVE_BYTES, ARCHIVE_MD5, ARCHIVE_URL, BATCHES_FOLDER,
                              DEFAULT_DATA_DIR, CifarDataError, load_test_set)

KEPT_FILES = ("test_batch", "batches.meta")
_MAX_DOWNLOAD = 2 * ARCHIVE_BYTES  # a server that sends far more is not sending CIFAR-10
_CHUNK = 1 << 20


def fetch_test_set(data_dir: Path, *, url: str = ARCHIVE_URL, md5: str = ARCHIVE_MD5,
                   timeout: float = 60.0) -> Path:
    """Make `data_dir/cifar-10-batches-py/{test_batch,batches.meta}` exist; returns that folder.
    Does nothing when the test batch is already there. Raises CifarDataError (nothing written)."""
    target = Path(data_dir) / BATCHES_FOLDER
    if (target / "test_batch").is_file():
        return target
    with tempfile.TemporaryDirectory(prefix="autograder-cifar-fetch-") as scratch:
        archive = Path(scratch) / "archive.tar.gz"
        _download(url, archive, md5, timeout)
        staging = Path(scratch) / BATCHES_FOLDER
        staging.mkdir()
        _extract_known_members(archive, staging)
        load_test_set(staging)  # readable as a test set, and MD5-checked if it says it is official
        target.mkdir(parents=True, exist_ok=True)
        for name in KEPT_FILES:
            shutil.move(staging / name, target / name)
    return target


def _download(url: str, destination: Path, md5: str, timeout: float) -> None:
    digest = hashlib.md5()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response, open(destination, "wb") as out:
            while chunk := response.read(_CHUNK):
                digest.update(chunk)
                out.write(chunk)
                if out.tell() > _MAX_DOWNLOAD:
                    raise CifarDataError(f"{url} sent more than {_MAX_DOWNLOAD:,} bytes: not CIFAR-10")
    except (OSError, ValueError) as error:  # URLError, timeouts, refused connections, bad URLs
        raise CifarDataError(f"could not download {url} ({error})") from None
    if digest.hexdigest() != md5:
        raise CifarDataError(f"the file downloaded from {url} has MD5 {digest.hexdigest()}, not "
                             f"{md5}: damaged or not the CIFAR-10 archive")


def _extract_known_members(archive: Path, staging: Path) -> None:
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for name in KEPT_FILES:
                try:
                    member = tar.getmember(f"{BATCHES_FOLDER}/{name}")
                except KeyError:
                    raise CifarDataError(f"the archive has no {BATCHES_FOLDER}/{name}") from None
                source = tar.extractfile(member) if member.isfile() else None
                if source is None:
                    raise CifarDataError(f"{BATCHES_FOLDER}/{name} in the archive is not a file")
                with source, open(staging / name, "wb") as out:
                    shutil.copyfileobj(source, out, _CHUNK)
    except (tarfile.TarError, OSError, EOFError) as error:
        raise CifarDataError(f"the archive cannot be read ({error})") from None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder.deeplearning.cifar_fetch",
                                     description="download CIFAR-10's test batch")
    parser.add_argument("data_dir", nargs="?", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--url", default=os.environ.get("AUTOGRADER_CIFAR_URL") or ARCHIVE_URL,
                        help="a mirror of the official archive (the MD5 is still checked)")
    args = parser.parse_args(argv)
    try:
        folder = fetch_test_set(args.data_dir, url=args.url)
    except CifarDataError as error:
        print(f"CIFAR-10 test set not fetched: {error}", file=sys.stderr)
        return 1
    print(f"CIFAR-10 test set ready in {folder}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
