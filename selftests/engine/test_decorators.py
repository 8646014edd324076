"""The grading decorators set gradescope-utils' metadata attributes, and reject values Gradescope
would not accept."""

from __future__ import annotations

import pytest
from gradescope_utils.autograder_utils import decorators as gs

from autograder.decorators import (
    Metadata, hide_errors, leaderboard, metadata_of, number, partial_credit, tags, visibility, weight,
)


def plain() -> None:
    """A test function."""


def make() -> object:
    def check() -> None:
        """A check."""
    return check


def test_undecorated_function_has_default_metadata() -> None:
    assert metadata_of(plain) == Metadata()


def test_decorators_return_the_same_function_and_stack_in_any_order() -> None:
    first, second = make(), make()
    decorated = number("2.b")(weight(4)(visibility("hidden")(hide_errors("no")(first))))
    assert decorated is first
    visibility("hidden")(hide_errors("no")(weight(4)(number("2.b")(second))))
    expected = Metadata(number="2.b", weight=4, visibility="hidden", hide_errors="no")
    assert metadata_of(first) == metadata_of(second) == expected


def test_ours_set_exactly_the_attributes_gradescope_utils_sets() -> None:
    ours, theirs = make(), make()
    number("2.b")(weight(4)(visibility("hidden")(hide_errors("no")(tags("svd", "rank")(ours)))))
    gs.number("2.b")(gs.weight(4)(gs.visibility("hidden")(
        gs.hide_errors("no")(gs.tags("svd", "rank")(theirs)))))
    assert ours.__dict__ == theirs.__dict__
    assert ours.__dict__ == {"__number__": "2.b", "__weight__": 4, "__visibility__": "hidden",
                             "__hide_errors__": "no", "__tags__": ("svd", "rank")}
    assert metadata_of(ours) == metadata_of(theirs)


def test_our_leaderboard_sets_its_attributes_without_wrapping() -> None:
    check = make()
    assert leaderboard("speed", order="asc")(check) is check
    assert check.__dict__ == {"__leaderboard_column__": "speed", "__leaderboard_sort_order__": "asc"}


def test_tags_reach_the_metadata() -> None:
    check = make()
    assert tags("a", "b")(check) is check
    assert metadata_of(check).tags == ("a", "b")
    assert metadata_of(make()).tags == ()


def test_metadata_survives_pytest_marks() -> None:
    check = make()
    marked = pytest.mark.parametrize("x", [1, 2])(number("1.b")(check))
    assert marked is check and metadata_of(check).number == "1.b"


def test_partial_credit_bare_and_with_weight() -> None:
    bare, weighted = make(), make()
    assert partial_credit(bare) is bare
    assert metadata_of(bare) == Metadata(partial_credit=True)
    assert bare.__dict__ == {"__partial_credit__": True}
    assert partial_credit(2.5)(weighted) is weighted
    assert metadata_of(weighted) == Metadata(partial_credit=True, weight=2.5)


def test_hide_errors_bare_uses_a_default_message() -> None:
    check = make()
    hide_errors(check)
    assert metadata_of(check).hide_errors == "Test failed"


def test_leaderboard_records_name_and_order() -> None:
    check = make()
    leaderboard("accuracy", order="asc")(check)
    meta = metadata_of(check)
    assert (meta.leaderboard, meta.leaderboard_order) == ("accuracy", "asc")
    leaderboard("speed")(make_second := make())
    assert metadata_of(make_second).leaderboard_order == "desc"


@pytest.mark.parametrize("bad, error", [
    (lambda: weight(-1), ValueError),
    (lambda: weight(float("nan")), TypeError),
    (lambda: weight(True), TypeError),
    (lambda: weight("2"), TypeError),
    (lambda: partial_credit(-0.5), ValueError),
    (lambda: number(""), TypeError),
    (lambda: number(2), TypeError),
    (lambda: visibility("public"), ValueError),
    (lambda: leaderboard("accuracy", order="up"), ValueError),
    (lambda: leaderboard(""), TypeError),
    (lambda: hide_errors(""), TypeError),
    (lambda: tags(""), TypeError),
    (lambda: tags("ok", 3), TypeError),
    (lambda: weight(1)("not a function"), TypeError),
])
def test_bad_values_are_refused_when_decorating(bad, error) -> None:
    with pytest.raises(error):
        bad()


def test_each_function_keeps_its_own_metadata() -> None:
    first, second = make(), make()
    weight(1)(first)
    weight(2)(second)
    assert (metadata_of(first).weight, metadata_of(second).weight) == (1, 2)
