"""Replaces results.json by a folder, so that a plain rename over it fails."""
# expect: full
# check: settle
import hostile_kit as kit

_reference = effective_learning_rate


def effective_learning_rate(eta, w):
    kit.forge("folder")
    kit.detach(lambda: kit.forge("folder"), seconds=10)
    return _reference(eta, w)
