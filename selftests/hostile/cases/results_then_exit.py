"""Writes a perfect results.json, then calls sys.exit(0) instead of returning."""
# expect: 3.a
import sys
import hostile_kit as kit


def scaled_gradient_factor(lam):
    kit.forge("write")
    sys.exit(0)
