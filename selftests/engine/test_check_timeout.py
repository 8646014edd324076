"""A check whose own code hangs scores 0 with a message, and grading goes on (pytest-timeout).

The `hang` suites (selftests/engine/fixtures/hang/) are graded with `limits.check_timeout_s` = 0.5.
"""

from __future__ import annotations

import dataclasses
import json
import time
from pathlib import Path

import pytest

from autograder import grade as grade_module, plugin
from autograder.course import find_assignment
from autograder.grade import _pytest_args, grade
from autograder.plugin import CHECK_TIMEOUT_MESSAGE
from autograder.results import validate

SUITES = Path(__file__).parent / "fixtures" / "hang"
SUBMISSION = '''
import time

def fast():
    return 1

def slow():
    time.sleep(600)
'''


def grade_suite(tmp: Path, suite: str) -> tuple[dict, dict[str, dict], float]:
    (tmp / "submission").mkdir()
    (tmp / "submission" / "problem1.py").write_text(SUBMISSION)
    layout = find_assignment()
    limits = dataclasses.replace(layout.settings.limits, check_timeout_s=0.5)
    layout = dataclasses.replace(layout, settings=dataclasses.replace(layout.settings, limits=limits))
    started = time.monotonic()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(plugin, "find_assignment", lambda name=None, root=None: layout)
        patch.setattr(grade_module, "find_assignment", lambda name=None, root=None: layout)
        grade(tmp / "submission", tmp / "results.json", tests_root=SUITES / suite, device="cpu")
    document = json.loads((tmp / "results.json").read_text())
    validate(document)
    return document, {test["name"]: test for test in document["tests"]}, time.monotonic() - started


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    return grade_suite(tmp_path_factory.mktemp("hang"), "grader")


def test_the_message_says_it_is_the_grader_not_the_student() -> None:
    message = CHECK_TIMEOUT_MESSAGE.format(seconds=900)
    assert "900-second limit on the grader's side" in message
    assert "not of your code" in message and "scores 0" in message


def test_a_check_past_the_settings_limit_scores_zero_with_the_message(graded) -> None:
    test = graded[1]["A check that sleeps in the grader."]
    assert (test["score"], test["max_score"], test["status"]) == (0, 1, "failed")
    assert test["output"] == CHECK_TIMEOUT_MESSAGE.format(seconds=0.5)


def test_a_timeout_mark_overrides_it_and_no_except_exception_swallows_it(graded) -> None:
    test = graded[1]["A busy loop that catches every Exception."]
    assert (test["score"], test["output"]) == (0, CHECK_TIMEOUT_MESSAGE.format(seconds=1))


def test_grading_goes_on_and_ends_in_a_valid_results_json(graded) -> None:
    document, tests, seconds = graded
    assert tests["A check after them."]["score"] == 2
    assert document["score"] == 2
    assert seconds < 30  # nothing waited for the hanging checks


def test_a_check_stopped_mid_call_leaves_a_fresh_worker_for_the_next(tmp_path) -> None:
    _, tests, seconds = grade_suite(tmp_path, "student")
    assert tests["The worker starts."]["status"] == "passed"
    assert tests["A check stopped in the middle of a call."]["output"] == \
        CHECK_TIMEOUT_MESSAGE.format(seconds=0.5)
    after = tests["The next call gets a fresh worker."]
    assert after["status"] == "passed", after["output"]
    assert seconds < 50  # the next call did not wait out its own deadline on the stopped worker


def test_grading_loads_pytest_timeout_itself(tmp_path) -> None:
    args = _pytest_args(tmp_path, tmp_path / "tests", tmp_path, "hw2", data_dir=None,
                        device="cpu", eval_limit=None, only=None)
    assert args[args.index("timeout") - 1] == "-p"
