"""The 5.b public check's figure: the student's loss curve beside the grader's own attack."""
from __future__ import annotations

import numpy as np
import pytest

from autograder.feedback import Feedback
from tests.hw2.public.test_problem5 import (
    PUBLIC_MODEL, grader_attack_losses, interior_images, labels_for, plot_loss_curves,
)


@pytest.fixture
def drawn(monkeypatch) -> dict:
    """What `plot_loss_curves` asked matplotlib to draw (curve labels and the student's values)."""
    record: dict = {}

    def fake_plot(series, **_):
        record["labels"] = [curve.label for curve in series]
        record["student"] = list(series[1].y)
        return b"\x89PNG\r\n\x1a\n"

    monkeypatch.setattr("autograder.feedback.line_plot_png", fake_plot)
    return record


def test_the_graders_attack_raises_the_loss_at_every_step() -> None:
    x = interior_images(2, seed=52)
    losses = grader_attack_losses(PUBLIC_MODEL, x, labels_for(PUBLIC_MODEL, x), 8 / 255, 4)
    assert len(losses) == 4 and all(b > a for a, b in zip(losses, losses[1:]))


def test_summed_losses_are_drawn_as_means_and_labelled(drawn) -> None:
    feedback = Feedback()
    plot_loss_curves(feedback, np.array([2.0, 4.0, 6.0]), [1.0, 2.0, 3.0], 2, "title")
    assert drawn["student"] == [1.0, 2.0, 3.0]
    assert drawn["labels"][1] == "your losses / 2 (they are sums)"
    assert [figure.name for figure in feedback.figures] == ["5.b-loss-curve"]
    assert feedback.notes and "beside the grader" in feedback.notes[0]


def test_mean_losses_are_drawn_as_they_are(drawn) -> None:
    plot_loss_curves(Feedback(), np.array([1.5, 2.5]), [1.0, 2.0], 3, "title")
    assert drawn["student"] == [1.5, 2.5]
    assert drawn["labels"][1] == "your losses"
