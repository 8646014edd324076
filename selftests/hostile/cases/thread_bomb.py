"""Starts sleeping threads until the process limit refuses more, then answers correctly."""
# expect: full
# limits: PROCESSES=64
import threading
import time

import hostile_kit as kit

_reference = effective_learning_rate


def effective_learning_rate(eta, w):
    started = 0
    try:
        for _ in range(10_000):
            threading.Thread(target=time.sleep, args=(1000,), daemon=True).start()
            started += 1
    except RuntimeError as error:
        kit.note(f"thread {started} refused: {error}")
    return _reference(eta, w)
