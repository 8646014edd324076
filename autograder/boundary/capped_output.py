"""sys.stdout and sys.stderr for student code in the worker: a print flood costs nothing.

Student output goes to the worker's log (its tail explains a crash); beyond a shared budget it is
dropped, saying so once, and writing never raises. Raw writes to file descriptors 1 and 2 still
hit RLIMIT_FSIZE.
"""
from __future__ import annotations

import io
import os

MAX_PRINTED_BYTES = 4 * 2**20  # print() beyond this is dropped


class CappedText(io.TextIOBase):
    """sys.stdout/sys.stderr for student code: writes through to the log until a byte budget
    shared by both is spent, then drops the rest (saying so once), never raising. `.buffer`
    takes bytes under the same budget."""

    budget = [MAX_PRINTED_BYTES]
    encoding = "utf-8"
    errors = "replace"

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self.buffer = CappedBytes(self)

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self.emit(str(text).encode("utf-8", "replace"))
        return len(text)

    def emit(self, data: bytes) -> None:
        allowed = data[: max(0, self.budget[0])]
        if self.budget[0] > 0 and len(allowed) < len(data):
            allowed += b"\n[autograder: further output of this process was dropped]\n"
        self.budget[0] -= len(data)
        try:
            if allowed:
                os.write(self._fd, allowed)
        except OSError:
            pass

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        return self._fd


class CappedBytes:
    """The `.buffer` of a `CappedText`."""

    def __init__(self, text: CappedText) -> None:
        self._text = text

    def write(self, data: bytes) -> int:
        self._text.emit(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass
