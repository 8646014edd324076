"""Messages over a pipe: a header, the JSON tree, then each raw buffer with its length.

The framing of `wire`'s encoded values between the grader and a worker (and of the expected
values on disk): the reader enforces the size caps and an optional deadline, so a worker that
sends too much, or stops in the middle, can neither exhaust the grader's memory nor hang it.
"""
from __future__ import annotations

import json
import os
import select
import struct
import time
from typing import Any

from autograder.boundary.wire import (
    MAX_BUFFER_BYTES, MAX_BUFFERS, MAX_JSON_BYTES, EncodeContext, WireError, encode,
)

_HEAD = struct.Struct("<II")   # JSON length, number of buffers
_BUF = struct.Struct("<Q")


def write_message(fd: int, message: Any, context: EncodeContext | None = None, *,
                  deadline: float | None = None) -> None:
    """Send one message: header, JSON, then each raw buffer with its length.

    With a deadline the descriptor must be non-blocking: a peer that stops reading cannot make
    the grader hang on a full pipe.
    """
    view = memoryview(frame(*encode(message, context)))
    while view:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([], [fd], [], left)[1]:
                raise Deadline()
        try:
            written = os.write(fd, view[: 1 << 20])
        except BlockingIOError:
            continue
        view = view[written:]


def frame(tree: Any, buffers: list[bytes]) -> bytes:
    """One encoded message as bytes: header, JSON, then each raw buffer with its length."""
    payload = json.dumps(tree, allow_nan=False, separators=(",", ":")).encode()
    parts = [_HEAD.pack(len(payload), len(buffers)), payload]
    for buf in buffers:
        parts.append(_BUF.pack(len(buf)))
        parts.append(buf)
    return b"".join(parts)


def read_message(fd: int, *, deadline: float | None = None,
                 max_buffer_bytes: int = MAX_BUFFER_BYTES) -> tuple[Any, list[bytes]]:
    """Receive one message as (tree, buffers), enforcing size caps and an optional deadline."""
    json_len, n_buffers = _HEAD.unpack(_read_exact(fd, _HEAD.size, deadline))
    if json_len > MAX_JSON_BYTES or n_buffers > MAX_BUFFERS:
        raise WireError("message header over the caps")
    try:
        tree = json.loads(_read_exact(fd, json_len, deadline))
    except (ValueError, RecursionError) as error:
        raise WireError(f"message is not valid JSON: {error}") from None
    buffers, total = [], 0
    for _ in range(n_buffers):
        (size,) = _BUF.unpack(_read_exact(fd, _BUF.size, deadline))
        total += size
        if total > max_buffer_bytes:
            raise WireError(f"message larger than {max_buffer_bytes // 2**20} MiB")
        buffers.append(_read_exact(fd, size, deadline))
    return tree, buffers


class Deadline(TimeoutError):
    """No complete message arrived in time."""


class PeerClosed(EOFError):
    """The other end closed the channel (the worker died)."""


def _read_exact(fd: int, size: int, deadline: float | None) -> bytes:
    chunks, remaining = [], size
    while remaining:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise Deadline()
        chunk = os.read(fd, min(remaining, 1 << 20))
        if not chunk:
            raise PeerClosed()
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)
