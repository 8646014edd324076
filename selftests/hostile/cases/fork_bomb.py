"""Forks until the process limit stops it (every child forks too), then sleeps."""
# expect: 3.a
# limits: PROCESSES=48 CALL_S=3
import os
import time

import hostile_kit as kit


def scaled_gradient_factor(lam):
    for _ in range(200):
        try:
            if os.fork() == 0:
                kit.record_pid()
        except OSError:
            break
    time.sleep(1000)
