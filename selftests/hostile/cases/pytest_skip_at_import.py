"""Calls pytest.skip at import, hoping the checks are skipped instead of failed."""
# expect: zero
import pytest

pytest.skip("nothing to grade here", allow_module_level=True)
