"""Replaces results.json by a read-only file with a perfect score (from a detached process too)."""
# expect: full
# check: settle
import hostile_kit as kit

_reference = effective_learning_rate


def effective_learning_rate(eta, w):
    kit.forge("readonly")
    kit.detach(lambda: kit.forge("readonly"), seconds=10)
    return _reference(eta, w)
