"""Writes a perfect results.json, then ends the worker with os._exit(0)."""
# expect: 3.a
import os
import hostile_kit as kit


def scaled_gradient_factor(lam):
    kit.forge("write")
    os._exit(0)
