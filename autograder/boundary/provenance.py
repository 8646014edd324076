"""Errors in the student's own terms: the files they submitted, the cells of their notebooks.

The worker imports copies of the graded files (`<sandbox>/submission/lab5.py`), and a notebook
is graded through a module made of its definitions (`autograder.boundary.notebook`). A traceback that names
those copies, or a line of the generated module, points students at files they never wrote.
`explain` rewrites each such place to the file they submitted and, for a notebook, to the cell and
the line in it; when a `NameError` names a global that only a left-out notebook statement defines,
it adds why that statement was left out. The detail is shown as preformatted text, so the hint is
plain text wrapped to a readable width.

Only a failure's `detail` goes through here, and hidden checks never show a detail: the student's
exception text stays out of their feedback (see `autograder.checks`).
"""
from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from typing import Mapping

from autograder.boundary.notebook import Converted, SkippedStatement

__all__ = ["SourceMap", "explain"]

_TRACEBACK_FRAME = re.compile(r'File "(?:[^"\n]*/)?(problem\d+)\.py", line (\d+)')
_SYNTAX_ERROR_PLACE = re.compile(r"\((problem\d+)\.py, line (\d+)\)")  # SyntaxError's own text
_UNDEFINED_NAME = re.compile(r"NameError: name '([A-Za-z_]\w*)' is not defined")


@dataclass(frozen=True)
class SourceMap:
    """How the graded `problemN.py` relates to what the student submitted."""

    shown: str                          # the submitted file as the student named it: "Lab/Lab1.PY"
    converted: Converted | None = None  # set when a notebook stands in for the file

    def place(self, line: int) -> str:
        """`"Lab/lab5.py", line 12` or `"pennkey_lab5.ipynb", cell 7, line 4`."""
        if self.converted is None:
            return f'"{self.shown}", line {line}'
        origin = self.converted.origin(line)
        if origin is None:  # a line the conversion wrote: it has no place in the notebook
            return f'"{self.shown}" (converted), line {line}'
        return f'"{self.shown}", cell {origin[0]}, line {origin[1]}'

    def left_out(self, name: str) -> SkippedStatement | None:
        """The first left-out statement of the notebook that would have defined `name`."""
        if self.converted is None:
            return None
        return next((entry for entry in self.converted.skipped if name in entry.defines), None)


def explain(detail: str, sources: Mapping[str, SourceMap]) -> str:
    """`detail` with every place in a graded copy shown as the student's file (and cell), and a
    hint for a name that a left-out notebook statement would have defined."""

    def frame(match: re.Match[str]) -> str:
        source = sources.get(match[1])
        return f"File {source.place(int(match[2]))}" if source else match[0]

    def syntax_place(match: re.Match[str]) -> str:
        source = sources.get(match[1])
        return f"({source.place(int(match[2]))})" if source else match[0]

    text = _SYNTAX_ERROR_PLACE.sub(syntax_place, _TRACEBACK_FRAME.sub(frame, detail))
    undefined = _UNDEFINED_NAME.search(detail)
    if undefined is None:
        return text
    for source in sources.values():
        entry = source.left_out(undefined[1])
        if entry is not None:
            hint = (f"Why: {undefined[1]} is defined in {source.shown} only by a statement the "
                    f"grader leaves out (cell {entry.cell}, line {entry.line}: {entry.excerpt}; "
                    f"{entry.reason}). Give it a value that needs nothing computed at the top "
                    "level, or compute it inside the function that uses it.")
            return f"{text.rstrip()}\n\n" + "\n".join(textwrap.wrap(hint, 100))
    return text
