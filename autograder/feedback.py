"""Feedback a check attaches to its result whether it passes or fails: notes and figures.

A check asks for the `feedback` fixture and calls `feedback.note(markdown)` or
`feedback.figure(png, alt)`. Notes follow the check's failure message (or stand alone on a pass);
figures make the test's output HTML on Gradescope, with each PNG inline as a data URI, since
results.json is the only thing Gradescope shows and it cannot link to files.

What goes in is the check's responsibility, like a `CheckFailed.detail`: a hidden check must not
note or plot its inputs or expected values. Figures are drawn in the grader from data the check
has already validated as plain numbers (`line_plot_png`), never from anything student code drew.
"""
from __future__ import annotations

import base64
import html
import io
import re
from dataclasses import dataclass, field
from typing import Sequence

MAX_FIGURE_BYTES = 256 * 1024  # per PNG; a line plot at 100 dpi is about 30 KiB
MAX_FIGURES = 4                # per test
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class FigureRejected(ValueError):
    """A figure that is not a PNG, too large, or one too many for one test."""


@dataclass(frozen=True)
class Figure:
    """A PNG image and the text that stands for it where images are not shown."""

    png: bytes
    alt: str
    name: str  # a file-name stem, e.g. "Q2-loss-curve", for `check --figures DIR`

    def data_uri(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")


@dataclass
class Feedback:
    """What the `feedback` fixture hands a check: notes and figures for its result."""

    notes: list[str] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)

    def note(self, markdown: str) -> None:
        """Add a paragraph (Markdown) shown with the result, passed or failed."""
        self.notes.append(str(markdown))

    def figure(self, png: bytes, alt: str, name: str = "figure") -> None:
        """Add a PNG image (see `line_plot_png`); `alt` says in words what it shows."""
        if not isinstance(png, bytes) or not png.startswith(_PNG_SIGNATURE):
            raise FigureRejected("a figure must be the bytes of a PNG image")
        if len(png) > MAX_FIGURE_BYTES:
            raise FigureRejected(f"a figure of {len(png):,} bytes is over {MAX_FIGURE_BYTES:,}")
        if len(self.figures) >= MAX_FIGURES:
            raise FigureRejected(f"a test may attach at most {MAX_FIGURES} figures")
        safe_name = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.") or "figure"
        self.figures.append(Figure(png, str(alt), safe_name))


@dataclass(frozen=True)
class Series:
    """One curve of a line plot: y values at x = 1, 2, ... unless `x` is given."""

    label: str
    y: Sequence[float]
    x: Sequence[float] | None = None
    style: str = "-o"
    linewidth: float = 1.5
    markersize: float = 4.0


def line_plot_png(series: Sequence[Series], *, title: str, xlabel: str, ylabel: str) -> bytes:
    """A small PNG line plot (matplotlib's Agg backend: no display, no fonts downloaded)."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    from matplotlib.figure import Figure as MplFigure  # not pyplot: no global state, no GUI
    from matplotlib.ticker import MaxNLocator

    figure = MplFigure(figsize=(5.0, 3.2), dpi=100, layout="constrained")
    axes = figure.add_subplot()
    for curve in series:
        x = list(curve.x) if curve.x is not None else list(range(1, len(curve.y) + 1))
        axes.plot(x, list(curve.y), curve.style, label=curve.label, linewidth=curve.linewidth,
                  markersize=curve.markersize)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_title(title, fontsize=10)
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    axes.grid(alpha=0.3)
    axes.legend(fontsize=8)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


# ----------------------------------------------------------------------------- Markdown -> HTML
_FENCE = re.compile(r"^(`{3,})\s*$")


def markdown_to_html(text: str) -> str:
    """The Markdown subset the checks write (paragraphs, `- ` lists, fenced blocks, `code`,
    **bold**) as HTML, every character of the text escaped: a test whose output carries a figure
    is sent as HTML, and student-chosen text inside it must stay text."""
    blocks: list[str] = []
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        fence = _FENCE.match(line)
        if fence:
            end = index + 1
            while end < len(lines) and lines[end].strip() != fence.group(1):
                end += 1
            code = "\n".join(lines[index + 1:end])
            blocks.append(f"<pre><code>{html.escape(code)}</code></pre>")
            index = end + 1
        elif line.lstrip().startswith("- "):
            items = []
            while index < len(lines) and lines[index].lstrip().startswith("- "):
                items.append(f"<li>{_inline(lines[index].lstrip()[2:])}</li>")
                index += 1
            blocks.append("<ul>" + "".join(items) + "</ul>")
        elif not line.strip():
            index += 1
        else:
            paragraph = []
            while (index < len(lines) and lines[index].strip() and not _FENCE.match(lines[index])
                   and not lines[index].lstrip().startswith("- ")):
                paragraph.append(lines[index].strip())
                index += 1
            blocks.append(f"<p>{_inline(' '.join(paragraph))}</p>")
    return "\n".join(blocks)


def _inline(text: str) -> str:
    """Escape, then turn `code` and **bold** into tags (the escaped text holds no `<` of its own)."""
    escaped = html.escape(text)
    escaped = re.sub(r"`([^`]+)`", r"<code>\1</code>", escaped)
    return re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", escaped)


def figures_html(figures: Sequence[Figure]) -> str:
    return "\n".join(f'<p><img src="{figure.data_uri()}" alt="{html.escape(figure.alt, quote=True)}"'
                     ' style="max-width:100%"></p>' for figure in figures)
