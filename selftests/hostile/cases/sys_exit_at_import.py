"""Calls sys.exit(0) at import."""
# expect: zero
import sys

sys.exit(0)
