"""Spends a long time in one C-level call (regular-expression backtracking holds the GIL)."""
# expect: 3.a
# limits: CALL_S=3
import re


def scaled_gradient_factor(lam):
    return float(bool(re.match(r"(a+)+$", "a" * 64 + "b")))
