"""Prints 1 GB through print() and tries 1 GB more straight to file descriptor 1, then answers."""
# expect: full
# limits: FILE_MB=16
import os

_reference = effective_learning_rate


def effective_learning_rate(eta, w):
    line = "y" * 2**20
    for _ in range(1024):
        print(line)
    chunk = b"z" * 2**20
    try:
        for _ in range(1024):
            os.write(1, chunk)
    except OSError:
        pass
    return _reference(eta, w)
