"""A setsid grandchild keeps rewriting results.json with a perfect score for 30 s after returning."""
# expect: full
# check: settle
import hostile_kit as kit

_reference = effective_learning_rate


def effective_learning_rate(eta, w):
    kit.detach(lambda: kit.forge("write"))
    return _reference(eta, w)
