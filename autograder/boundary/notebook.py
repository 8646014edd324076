"""Definitions-only conversion of a Jupyter notebook, without running any of it.

A notebook that stands in for `problemN.py` usually installs packages, mounts Google Drive,
downloads CIFAR-10 and trains at its top level; none of that may run at grading time. This module
keeps what a graded function can rely on (imports, `def`, `class`, and assignments of cheap values
such as `EPS = 8 / 255` or `criterion = nn.CrossEntropyLoss()`) and reports every other top-level
statement, so that a student whose function used a dropped global learns why. Cells are only parsed
with `ast`; nothing is executed or imported. Statements are judged in notebook order, as "Restart
and run all" would run them: a kept statement that needs a name no earlier kept statement defines
is dropped too, since it would stop the whole module at import.
"""
from __future__ import annotations

import ast
import json
from collections.abc import Mapping
from dataclasses import dataclass

from autograder.boundary.notebook_rules import Scope, bound_names, judge, one_line

__all__ = ["Converted", "NotebookError", "SkippedStatement", "definitions_only", "describe_skipped"]


@dataclass(frozen=True)
class SkippedStatement:
    """A top-level statement (or IPython line) of the notebook that the converted module leaves out."""

    cell: int                       # position of the cell in the notebook, 1-based, every cell counted
    line: int                       # line inside that cell, 1-based
    excerpt: str                    # the statement's first line, shortened
    reason: str                     # why it was left out, a short phrase
    defines: tuple[str, ...] = ()   # names it would have bound: what a function may have relied on

    def describe(self) -> str:
        """One Markdown line: where, what, why."""
        defined = f"; it would define {', '.join(self.defines)}" if self.defines else ""
        return (f"cell {self.cell}, line {self.line}: `{self.excerpt.replace('`', chr(39))}` "
                f"({self.reason}{defined})")


Origin = tuple[int, int]
"""(cell, line in that cell), both 1-based, as `SkippedStatement` counts them."""


@dataclass(frozen=True)
class Converted:
    source: str                     # a module that compiles and only defines things
    skipped: list[SkippedStatement]  # in notebook order
    origins: tuple[Origin | None, ...] = ()  # line i + 1 of `source` came from origins[i]; None
                                             # for the lines the conversion wrote (header, blanks)

    def origin(self, line: int) -> Origin | None:
        """Where line `line` (1-based) of `source` stands in the notebook, if it came from it."""
        return self.origins[line - 1] if 0 < line <= len(self.origins) else None


class NotebookError(ValueError):
    """The file is not a notebook this module can read (not JSON, no list of cells)."""


_PYTHON_BODY_CELL_MAGICS = {"time", "timeit", "capture", "prun"}  # the body runs as Python
_MAX_HEADER_ENTRIES = 200


def definitions_only(notebook: str | bytes | Mapping, name: str = "the notebook") -> Converted:
    """Keep the definitions of a notebook (its JSON text, or the parsed JSON) as module source.
    `name` only labels the generated header. Raises NotebookError for something not a notebook."""
    scope = Scope()
    futures: list[_Kept] = []
    chunks: list[list[_Kept]] = []
    skipped: list[SkippedStatement] = []
    for cell_number, text in _code_cells(_parse_json(notebook)):
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        kept = _convert_cell(cell_number, lines, scope, futures, skipped)
        if kept:
            chunks.append([_Kept(f"# --- cell {cell_number}"), *kept])
    skipped.sort(key=lambda entry: (entry.cell, entry.line))
    source, origins = _assemble(name, futures, chunks, skipped)
    try:  # every kept statement compiled on its own already: this is a safety net
        compile(source, "<converted notebook>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as error:
        raise NotebookError(f"the converted notebook does not compile: {error}") from error
    return Converted(source, skipped, origins)


@dataclass(frozen=True)
class _Kept:
    """Text of the converted module; `origin` is where its first line stands in the notebook."""

    text: str
    origin: Origin | None = None

    def lines(self) -> list[tuple[str, Origin | None]]:
        if self.origin is None:
            return [(line, None) for line in self.text.split("\n")]
        cell, first = self.origin
        return [(line, (cell, first + offset)) for offset, line in enumerate(self.text.split("\n"))]


def describe_skipped(skipped: list[SkippedStatement], limit: int = 10) -> list[str]:
    """Markdown bullets: statements that would have defined a name first (what a graded function
    can depend on), then the rest, each group in notebook order; at most `limit`, then a count."""
    ordered = sorted(skipped, key=lambda entry: (not entry.defines, entry.cell, entry.line))
    lines = [f"- {entry.describe()}" for entry in ordered[:limit]]
    if len(ordered) > limit:
        lines.append(f"- and {len(ordered) - limit} more")
    return lines


# ------------------------------------------------------------------------------- reading cells

def _parse_json(notebook: str | bytes | Mapping) -> Mapping:
    if isinstance(notebook, Mapping):
        return notebook
    try:
        parsed = json.loads(notebook.decode("utf-8-sig") if isinstance(notebook, bytes) else notebook)
    except (ValueError, RecursionError) as error:
        raise NotebookError(f"its JSON does not parse ({one_line(str(error), 80)})") from error
    if not isinstance(parsed, Mapping):
        raise NotebookError("its JSON is not an object")
    return parsed


def _code_cells(notebook: Mapping) -> list[tuple[int, str]]:
    """(position, source) of every code cell; nbformat 4 keeps `cells`, nbformat 3 `worksheets`."""
    if isinstance(notebook.get("cells"), list):
        cells, source_key = notebook["cells"], "source"
    elif isinstance(notebook.get("worksheets"), list):
        cells = [cell for sheet in notebook["worksheets"] if isinstance(sheet, Mapping)
                 and isinstance(sheet.get("cells"), list) for cell in sheet["cells"]]
        source_key = "input"
    else:
        raise NotebookError("it has no list of cells")
    found = []
    for position, cell in enumerate(cells, start=1):
        if not isinstance(cell, Mapping) or cell.get("cell_type") != "code":
            continue
        source = cell.get(source_key, cell.get("source"))
        if isinstance(source, list) and all(isinstance(part, str) for part in source):
            source = "".join(source)
        if isinstance(source, str):
            found.append((position, source))
    return found


def _convert_cell(cell: int, lines: list[str], scope: Scope, futures: list[_Kept],
                  skipped: list[SkippedStatement]) -> list[_Kept]:
    """The kept statements of one cell, as source text; records what was left out."""
    first = next((index for index, line in enumerate(lines) if line.strip()), None)
    if first is not None and lines[first].lstrip().startswith("%%"):
        skipped.append(SkippedStatement(cell, first + 1, one_line(lines[first]), "IPython cell magic"))
        if (lines[first].lstrip()[2:].split() or [""])[0] not in _PYTHON_BODY_CELL_MAGICS:
            return []  # %%bash, %%html, %%writefile ...: not this notebook's Python
        lines = [*lines[:first], "", *lines[first + 1:]]
    python_lines = _strip_ipython(cell, lines, skipped)
    try:
        tree = ast.parse("\n".join(python_lines))
    except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
        number = getattr(error, "lineno", None) or 1
        shown = lines[number - 1] if 0 < number <= len(lines) else ""
        message = one_line(getattr(error, "msg", None) or "nested too deeply", 60)
        skipped.append(SkippedStatement(cell, number, one_line(shown),
                                        f"the cell does not parse ({message}), so none of it is used"))
        return []
    kept: list[_Kept] = []
    for statement in tree.body:
        segment, first_line = _segment(python_lines, statement)
        reason = judge(statement, scope)
        if reason is None:
            reason = _compile_problem(segment, scope.future_flags)
        if reason is None:
            scope.bind(statement)
            is_future = isinstance(statement, ast.ImportFrom) and statement.module == "__future__"
            if kept and not is_future and ("\n" in segment or "\n" in kept[-1].text):
                kept.append(_Kept(""))  # a blank line around multi-line statements, for readability
            (futures if is_future else kept).append(_Kept(segment, (cell, first_line)))
        elif reason:
            skipped.append(SkippedStatement(cell, statement.lineno, one_line(segment.split("\n")[0]),
                                            reason, bound_names(statement)))
    return kept


# ------------------------------------------------------------------------------- IPython lines

def _strip_ipython(cell: int, lines: list[str], skipped: list[SkippedStatement]) -> list[str]:
    """Blank out shell escapes, magics and help lines where IPython sees them: at the start of a
    statement, not inside brackets, strings or a continued line. An indented one becomes `pass`,
    so the block around it still parses. Line numbers stay those of the cell."""
    out: list[str] = []
    scanner = _LineScanner()
    continued_escape = False
    for number, line in enumerate(lines, start=1):
        if continued_escape:  # `!pip install a \` goes on on the next line
            out.append("")
            continued_escape = line.endswith("\\")
            continue
        reason = _escape_reason(line) if scanner.at_statement_start else None
        if reason is None:
            scanner.feed(line)
            out.append(line)
            continue
        skipped.append(SkippedStatement(cell, number, one_line(line), reason))
        indent = line[:len(line) - len(line.lstrip())]
        out.append(f"{indent}pass" if indent else "")
        continued_escape = line.endswith("\\")
    return out


def _escape_reason(line: str) -> str | None:
    stripped = line.strip()
    code = stripped.split("#", 1)[0].rstrip()
    head, equals, tail = stripped.partition("=")
    if tail.lstrip()[:1] in ("!", "%") and all(  # files = !ls, timing = %timeit -o f()
            target.strip().replace(".", "").isidentifier() for target in head.split(",")):
        stripped = tail.lstrip()
    if stripped.startswith("!"):
        return "shell command"
    if stripped.startswith("%"):
        return "IPython magic"
    if stripped.startswith("?") or (
            code.endswith("?") and code.rstrip("?").replace(".", "").isidentifier()):  # `nn.Conv2d?`
        return "IPython help"
    return None


class _LineScanner:
    """Follows brackets, strings and backslash continuations line by line, to tell whether the next
    line starts a new statement (the only place IPython looks for `!` and `%`)."""

    def __init__(self) -> None:
        self.depth = 0
        self.quote: str | None = None   # the open string's quote: ', ", ''' or \"\"\"
        self.continued = False

    @property
    def at_statement_start(self) -> bool:
        return self.depth == 0 and self.quote is None and not self.continued

    def feed(self, line: str) -> None:
        index = self._skip_string(line, 0) if self.quote else 0
        commented = False
        while index < len(line) and not commented:
            char = line[index]
            commented = char == "#"
            if char in "([{":
                self.depth += 1
            elif char in ")]}":
                self.depth = max(0, self.depth - 1)
            elif char in "'\"":
                self.quote = char * 3 if line.startswith(char * 3, index) else char
                index = self._skip_string(line, index + len(self.quote))
                continue
            index += 1
        if self.quote is not None and len(self.quote) == 1 and not line.endswith("\\"):
            self.quote = None  # an unterminated one-line string: a syntax error, reported by ast
        self.continued = self.quote is None and not commented and line.endswith("\\")

    def _skip_string(self, line: str, index: int) -> int:
        """Index just past the open string's closing quote on this line, or the line's end."""
        while index < len(line):
            if line[index] == "\\":
                index += 2
            elif self.quote is not None and line.startswith(self.quote, index):
                index, self.quote = index + len(self.quote), None
                return index
            else:
                index += 1
        return len(line)


# ------------------------------------------------------------------------------- source output

def _segment(lines: list[str], statement: ast.stmt) -> tuple[str, int]:
    """The statement's own text and the line it starts on: decorators included, not what shares
    its line after `;`. Column offsets count UTF-8 bytes; a top-level decorator's `@` opens its
    line."""
    decorators = getattr(statement, "decorator_list", [])
    start_line, start_col = ((decorators[0].lineno, 0) if decorators
                             else (statement.lineno, statement.col_offset))
    end_line = statement.end_lineno or start_line
    picked = [line.encode("utf-8") for line in lines[start_line - 1:end_line]]
    picked[-1] = picked[-1][:statement.end_col_offset]
    picked[0] = picked[0][start_col:]
    return "\n".join(part.decode("utf-8", "replace") for part in picked), start_line


def _compile_problem(segment: str, future_flags: int) -> str | None:
    """Why a statement does not compile alone (symbol-table errors that `ast.parse` lets through,
    such as a `nonlocal` with no binding or `from __future__ import braces`), or None."""
    try:
        compile(segment, "<cell>", "exec", flags=future_flags, dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
        return f"does not compile ({one_line(getattr(error, 'msg', None) or type(error).__name__, 60)})"
    return None


def _assemble(name: str, futures: list[_Kept], chunks: list[list[_Kept]],
              skipped: list[SkippedStatement]) -> tuple[str, tuple[Origin | None, ...]]:
    """The module's source, and where each of its lines came from."""
    header = [f"# Generated by the autograder from {one_line(name, 100)}, which was not run.",
              "# Only its definitions are kept: imports, def, class, and assignments of simple values."]
    if skipped:
        header.append(f"# Left out ({len(skipped)}):")
        header += [f"#   {entry.describe()}" for entry in skipped[:_MAX_HEADER_ENTRIES]]
        if len(skipped) > _MAX_HEADER_ENTRIES:
            header.append(f"#   and {len(skipped) - _MAX_HEADER_ENTRIES} more")
    blocks = [[_Kept("\n".join(header))], *([futures] if futures else []), *chunks]
    lines: list[tuple[str, Origin | None]] = []
    for block in blocks:
        if lines:
            lines.append(("", None))  # a blank line between blocks
        lines += [line for kept in block for line in kept.lines()]
    return "\n".join(text for text, _ in lines) + "\n", tuple(origin for _, origin in lines)
