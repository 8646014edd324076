"""Notes and figures a check attaches (autograder/feedback.py), and their HTML rendering."""
from __future__ import annotations

import pytest

from autograder.feedback import (
    MAX_FIGURE_BYTES, MAX_FIGURES, Feedback, FigureRejected, Series, line_plot_png, markdown_to_html,
)
from autograder.results import TestResult, validate

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 16


def test_markdown_to_html_keeps_the_structure_and_escapes_every_character() -> None:
    text = ("A **property** failed: `f(x)` <script>alert(1)</script>\nsecond line\n\n"
            "- one <i>\n- two\n\n```\n<img src=x onerror=alert(1)>\n```\n")
    assert markdown_to_html(text) == (
        "<p>A <strong>property</strong> failed: <code>f(x)</code> "
        "&lt;script&gt;alert(1)&lt;/script&gt; second line</p>\n"
        "<ul><li>one &lt;i&gt;</li><li>two</li></ul>\n"
        "<pre><code>&lt;img src=x onerror=alert(1)&gt;</code></pre>")


def test_a_fence_that_never_closes_runs_to_the_end() -> None:
    assert markdown_to_html("text\n````\ncode") == "<p>text</p>\n<pre><code>code</code></pre>"


def test_line_plot_png_is_a_small_png() -> None:
    png = line_plot_png([Series("a", [1.0, 2.0, 4.0]), Series("b", [1.0, 3.0], x=[0, 2])],
                        title="t", xlabel="x", ylabel="y")
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(png) < MAX_FIGURE_BYTES


@pytest.mark.parametrize("png, why", [
    (b"GIF89a", "a PNG"), ("not bytes", "a PNG"), (PNG + b"\0" * MAX_FIGURE_BYTES, "over"),
])
def test_figures_that_are_not_small_pngs_are_refused(png, why) -> None:
    with pytest.raises(FigureRejected, match=why):
        Feedback().figure(png, alt="alt")


def test_a_test_attaches_a_bounded_number_of_figures_with_safe_names() -> None:
    feedback = Feedback()
    for _ in range(MAX_FIGURES):
        feedback.figure(PNG, alt="alt", name="../../5.b loss/curve")
    assert {figure.name for figure in feedback.figures} == {"5.b-loss-curve"}
    with pytest.raises(FigureRejected, match="at most"):
        feedback.figure(PNG, alt="alt")


def test_a_result_with_a_figure_is_valid_html_output_and_the_alt_text_is_escaped() -> None:
    feedback = Feedback()
    feedback.figure(PNG, alt='a "quoted" <alt>')
    entry = TestResult(name="n", number="5.b", score=1, max_score=1, status="passed",
                       output="fine", figures=tuple(feedback.figures)).to_gradescope()
    assert entry["output_format"] == "html"
    assert entry["output"].startswith("<p>fine</p>\n<p><img src=\"data:image/png;base64,")
    assert 'alt="a &quot;quoted&quot; &lt;alt&gt;"' in entry["output"]
    validate({"score": 1, "tests": [entry]})
