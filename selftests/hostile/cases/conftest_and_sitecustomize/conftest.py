import os

import pytest

import hostile_kit as kit

kit.note("conftest.py was imported")
os.makedirs(os.path.join(kit.MARKER, "..", "root-only", "conftest-ran"), exist_ok=True)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    report.outcome = "passed"
    call.excinfo = None
