"""Writes files in its home and in /tmp until something stops it."""
# expect: 3.a
# limits: DISK_MB=200 FILE_MB=16 CALL_S=20
import os

import hostile_kit as kit

_reference = scaled_gradient_factor


def scaled_gradient_factor(lam):
    block = b"x" * 2**20
    for index in range(100_000):
        folder = "/tmp" if index % 2 else "."
        try:
            with open(os.path.join(folder, f"{kit.TOKEN}-{index}"), "wb") as handle:
                for _ in range(32):
                    handle.write(block)
        except OSError:
            pass
    return _reference(lam)
