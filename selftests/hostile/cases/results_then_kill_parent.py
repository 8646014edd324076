"""Writes a perfect results.json, then tries to kill its parent and every grader it can see."""
# never: killed 
# expect: full
import os
import signal
import hostile_kit as kit

_reference = effective_learning_rate


def effective_learning_rate(eta, w):
    kit.forge("write")
    targets = {os.getppid()} | {pid for pid, args in kit.grader_commands() if b"autograder" in b" ".join(args)}
    for pid in targets - {os.getpid()}:
        try:
            os.kill(pid, signal.SIGKILL)
            kit.note(f"killed {pid}")
        except OSError as error:
            kit.note(f"could not kill {pid}: {error}")
    return _reference(eta, w)
