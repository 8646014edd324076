"""Replaces results.json by a link to another file, hoping the grader writes through it."""
# expect: full
# check: settle
import hostile_kit as kit

_reference = effective_learning_rate


def effective_learning_rate(eta, w):
    kit.forge("link")
    kit.detach(lambda: kit.forge("link"), seconds=10)
    return _reference(eta, w)
