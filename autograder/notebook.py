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

import __future__
import ast
import builtins
import json
from collections.abc import Mapping
from dataclasses import dataclass, field

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


@dataclass(frozen=True)
class Converted:
    source: str                     # a module that compiles and only defines things
    skipped: list[SkippedStatement]  # in notebook order


class NotebookError(ValueError):
    """The file is not a notebook this module can read (not JSON, no list of cells)."""


_PYTHON_BODY_CELL_MAGICS = {"time", "timeit", "capture", "prun"}  # the body runs as Python
_MAX_HEADER_ENTRIES = 200


def definitions_only(notebook: str | bytes | Mapping, name: str = "the notebook") -> Converted:
    """Keep the definitions of a notebook (its JSON text, or the parsed JSON) as module source.
    `name` only labels the generated header. Raises NotebookError for something not a notebook."""
    scope = Scope()
    futures: list[str] = []
    chunks: list[str] = []
    skipped: list[SkippedStatement] = []
    for cell_number, text in _code_cells(_parse_json(notebook)):
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        kept = _convert_cell(cell_number, lines, scope, futures, skipped)
        if kept:
            chunks.append(f"# --- cell {cell_number}\n" + "\n".join(kept))
    skipped.sort(key=lambda entry: (entry.cell, entry.line))
    source = _assemble(name, futures, chunks, skipped)
    try:  # every kept statement compiled on its own already: this is a safety net
        compile(source, "<converted notebook>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as error:
        raise NotebookError(f"the converted notebook does not compile: {error}") from error
    return Converted(source, skipped)


def describe_skipped(skipped: list[SkippedStatement], limit: int = 10) -> list[str]:
    """Markdown bullets: statements that would have defined a name first (what a graded function
    can depend on), then the rest, each group in notebook order; at most `limit`, then a count."""
    ordered = sorted(skipped, key=lambda entry: (not entry.defines, entry.cell, entry.line))
    lines = [f"- {entry.describe()}" for entry in ordered[:limit]]
    if len(ordered) > limit:
        lines.append(f"- and {len(ordered) - limit} more")
    return lines


def one_line(text: str, limit: int = 80) -> str:
    """Printable, single-line, valid UTF-8, at most `limit` characters: safe in a comment."""
    text = "".join(char if char.isprintable() else " " for char in text).strip()
    text = text.encode("utf-8", "replace").decode("utf-8")
    return text if len(text) <= limit else text[:limit - 1] + "…"


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


def _convert_cell(cell: int, lines: list[str], scope: Scope, futures: list[str],
                  skipped: list[SkippedStatement]) -> list[str]:
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
    kept = []
    for statement in tree.body:
        segment = _segment(python_lines, statement)
        reason = judge(statement, scope)
        if reason is None:
            reason = _compile_problem(segment, scope.future_flags)
        if reason is None:
            scope.bind(statement)
            is_future = isinstance(statement, ast.ImportFrom) and statement.module == "__future__"
            if kept and not is_future and ("\n" in segment or "\n" in kept[-1]):
                kept.append("")  # a blank line around multi-line statements, for readability
            (futures if is_future else kept).append(segment)
        elif reason:
            skipped.append(SkippedStatement(cell, statement.lineno, one_line(segment.split("\n")[0]),
                                            reason, _bound_names(statement)))
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


# ------------------------------------------------------------------- which statements are kept

_NOTEBOOK_ONLY_MODULES = ("google.colab", "IPython")  # importable only inside Colab or Jupyter
_CHEAP_CALLS = frozenset({
    *(f"builtins.{name}" for name in (
        "bool", "int", "float", "complex", "str", "bytes", "tuple", "list", "dict", "set",
        "frozenset", "range", "slice", "object", "abs", "min", "max", "round", "len")),
    *(f"torch.{name}" for name in (
        "device", "tensor", "as_tensor", "zeros", "ones", "full", "eye", "arange", "linspace",
        "empty", "finfo", "iinfo", "Size", "Generator", "get_default_dtype", "cuda.is_available",
        "cuda.device_count", "backends.mps.is_available", "backends.cudnn.is_available")),
    *(f"numpy.{name}" for name in (
        "array", "asarray", "zeros", "ones", "full", "eye", "arange", "linspace", "float32",
        "float64", "int32", "int64", "dtype", "finfo", "iinfo", "sqrt", "exp", "log",
        "random.default_rng", "random.RandomState")),
    *(f"sympy.{name}" for name in (
        "Symbol", "symbols", "Dummy", "Rational", "Integer", "Float", "S", "sqrt")),
    "collections.namedtuple", "collections.OrderedDict", "collections.defaultdict",
    "collections.Counter", "collections.deque", "functools.partial", "dataclasses.field",
    "fractions.Fraction", "decimal.Decimal", "pathlib.Path", "os.path.join", "os.getenv",
    "os.environ.get", "re.compile"})
_CHEAP_CALL_MODULES = ("math.", "typing.")
_CONSTRUCTOR_MODULES = ("torch.nn.", "torchvision.transforms.")  # a capitalized name: a class
_CHEAP_METHODS = frozenset({  # allowed on a literal or on the result of a cheap call
    "view", "reshape", "to", "float", "double", "half", "long", "int", "bool", "unsqueeze",
    "squeeze", "t", "cpu", "numpy", "tolist", "astype", "transpose", "permute", "flatten",
    "clone", "detach", "contiguous", "requires_grad_", "format", "join", "split", "strip",
    "lower", "upper", "replace", "item", "copy"})
_ALWAYS_DEFINED = frozenset(dir(builtins)) | {
    "__name__", "__file__", "__doc__", "__spec__", "__loader__", "__package__", "__builtins__"}
_EXPRESSION_NODES = (
    ast.Constant, ast.Name, ast.Attribute, ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.Compare,
    ast.IfExp, ast.Tuple, ast.List, ast.Set, ast.Dict, ast.Starred, ast.Subscript, ast.Slice,
    ast.JoinedStr, ast.FormattedValue, ast.Call, ast.keyword, ast.operator, ast.unaryop,
    ast.boolop, ast.cmpop, ast.expr_context)
_COMPUTED_BY = {ast.ListComp: "a comprehension", ast.SetComp: "a comprehension",
                ast.DictComp: "a comprehension", ast.GeneratorExp: "a generator",
                ast.NamedExpr: "`:=`", ast.Await: "`await`"}
_BLOCK_KEYWORDS = {ast.For: "for", ast.AsyncFor: "for", ast.While: "while", ast.If: "if",
                   ast.With: "with", ast.AsyncWith: "with", ast.Try: "try",
                   ast.Match: "match", ast.Delete: "del", ast.Assert: "assert", ast.Raise: "raise"}
if hasattr(ast, "TryStar"):  # `try ... except*`, Python 3.11+
    _BLOCK_KEYWORDS[ast.TryStar] = "try"
_DROPPED_SILENTLY = (ast.Pass, ast.Global, ast.Nonlocal, ast.Break, ast.Continue)
_LOCAL_SCOPES = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp, ast.Lambda,
                 ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


@dataclass
class Scope:
    """What the statements kept so far define: names, where imported names come from, futures."""

    defined: set[str] = field(default_factory=set)
    origins: dict[str, str] = field(default_factory=dict)  # `nn` -> "torch.nn"
    star_import: bool = False                              # then any name may be defined
    future_flags: int = 0

    @property
    def lazy_annotations(self) -> bool:
        return bool(self.future_flags & __future__.annotations.compiler_flag)

    def missing(self, names: set[str]) -> str | None:
        """The first of `names` that nothing kept so far defines."""
        unknown = sorted(name for name in names if name not in self.defined
                         and name not in _ALWAYS_DEFINED and not self.star_import)
        return unknown[0] if unknown else None

    def qualified(self, expression: ast.expr) -> str | None:
        """The dotted import path an expression such as `nn.CrossEntropyLoss` names, if known."""
        parts = _dotted(expression)
        if parts is None:
            return None
        if parts[0] in self.origins:
            return ".".join([self.origins[parts[0]], *parts[1:]])
        if parts[0] in _ALWAYS_DEFINED and parts[0] not in self.defined:
            return ".".join(["builtins", *parts])
        return None

    def bind(self, statement: ast.stmt) -> None:
        """Record what a kept statement binds."""
        if isinstance(statement, ast.ImportFrom) and statement.module == "__future__":
            for alias in statement.names:
                self.future_flags |= getattr(__future__, alias.name).compiler_flag
            return
        alias_of = (self.qualified(statement.value) if isinstance(statement, ast.Assign)
                    and isinstance(statement.targets[-1], ast.Name) else None)  # nn = torch.nn
        for name in _bound_names(statement, limit=None):
            self.defined.add(name)
            self.origins.pop(name, None)
        if isinstance(statement, (ast.Import, ast.ImportFrom)):
            for alias in statement.names:
                if isinstance(statement, ast.Import):
                    local = alias.asname or alias.name.split(".")[0]
                    self.origins[local] = alias.name if alias.asname else local
                elif alias.name == "*":
                    self.star_import = True
                else:
                    self.origins[alias.asname or alias.name] = f"{statement.module}.{alias.name}"
        elif alias_of is not None:
            self.origins[statement.targets[-1].id] = alias_of


def judge(statement: ast.stmt, scope: Scope) -> str | None:
    """None to keep a top-level statement; else why it is dropped ("" to drop it without a note:
    a docstring, `pass`, a bare name the notebook displays)."""
    if isinstance(statement, (ast.Import, ast.ImportFrom)):
        modules = [alias.name if isinstance(statement, ast.Import)
                   else f"{statement.module}.{alias.name}" for alias in statement.names]
        if isinstance(statement, ast.ImportFrom) and statement.level:
            return "a relative import, which fails outside a package"
        if any(module == only or module.startswith(only + ".")
               for module in modules for only in _NOTEBOOK_ONLY_MODULES):
            return "imports a module that exists only in Colab or Jupyter"
        return None
    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        # what runs when it is defined: defaults, and a class body's own statements
        if isinstance(statement, ast.ClassDef):
            if problem := _class_body_problem(statement, scope):
                return f"its body {problem}"
        elif problem := _defaults_problem(statement.args, scope):
            return problem
        return _missing_reason(scope, _needed_names(statement, scope.lazy_annotations))
    if isinstance(statement, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
        return _assignment_problem(statement, scope)
    if isinstance(statement, ast.Expr):
        if isinstance(statement.value, (ast.Constant, ast.Name, ast.Attribute)):
            return ""
        if isinstance(statement.value, ast.Call):
            return f"runs {_shown(statement.value.func)}() at the top level"
        return "an expression evaluated at the top level"
    if isinstance(statement, _DROPPED_SILENTLY):
        return ""
    test = getattr(statement, "test", None)
    if isinstance(statement, ast.If) and isinstance(test, ast.Compare) and "__name__" in {
            getattr(node, "id", None) for node in (test.left, *test.comparators)}:
        return 'an `if __name__ == "__main__":` block, which runs only as a script'
    keyword = _BLOCK_KEYWORDS.get(type(statement), type(statement).__name__.lower())
    return f"a top-level `{keyword}` statement"


def _defaults_problem(arguments: ast.arguments, scope: Scope) -> str | None:
    for default in [*arguments.defaults, *filter(None, arguments.kw_defaults)]:
        if problem := _value_problem(default, scope):
            return f"has a default value that {problem}"
    return None


def _class_body_problem(statement: ast.ClassDef, scope: Scope) -> str | None:
    """A class body runs when the class is defined: it may hold definitions and cheap values only."""
    for inner in statement.body:
        if isinstance(inner, (ast.FunctionDef, ast.AsyncFunctionDef)):
            problem = _defaults_problem(inner.args, scope)
        elif isinstance(inner, ast.ClassDef):
            problem = _class_body_problem(inner, scope)
        elif isinstance(inner, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            problem = inner.value and _value_problem(inner.value, scope)
        elif isinstance(inner, ast.Expr) and isinstance(inner.value, ast.Constant):
            problem = None  # the docstring
        else:
            problem = None if isinstance(inner, ast.Pass) else "runs more than definitions"
        if problem:
            return problem
    return None


def _assignment_problem(statement: ast.Assign | ast.AnnAssign | ast.AugAssign,
                        scope: Scope) -> str | None:
    targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
    if not all(_is_plain_target(target) for target in targets):
        return "assigns to an attribute or an item"
    evaluated = [statement.value] if statement.value is not None else []
    if isinstance(statement, ast.AnnAssign) and not scope.lazy_annotations:
        evaluated.append(statement.annotation)
    needed = {statement.target.id} if isinstance(statement, ast.AugAssign) else set()
    for expression in evaluated:
        if problem := _value_problem(expression, scope):
            return problem
        needed |= _needed_names(expression, scope.lazy_annotations)
    return _missing_reason(scope, needed)


def _value_problem(expression: ast.expr, scope: Scope) -> str | None:
    """Why evaluating `expression` may be slow or have side effects, or None. Iterative: a long
    `1 + 1 + ...` chain is a deep tree."""
    stack: list[ast.AST] = [expression]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Lambda):  # its body runs only when called
            stack += [*node.args.defaults, *filter(None, node.args.kw_defaults)]
            continue
        if not isinstance(node, _EXPRESSION_NODES):
            return f"computes its value with {_COMPUTED_BY.get(type(node), type(node).__name__)}"
        if isinstance(node, ast.Call) and not _is_cheap_call(node, scope):
            return f"calls {_shown(node.func)}(), which may be slow or have side effects"
        stack.extend(ast.iter_child_nodes(node))
    return None


def _is_cheap_call(call: ast.Call, scope: Scope) -> bool:
    target = scope.qualified(call.func)
    if target is not None and (target in _CHEAP_CALLS or target.startswith(_CHEAP_CALL_MODULES) or (
            target.startswith(_CONSTRUCTOR_MODULES) and target.rsplit(".", 1)[1][:1].isupper())):
        return True
    function = call.func  # `torch.tensor(MEAN).view(1, 3, 1, 1)`: the receiver is checked too
    return (isinstance(function, ast.Attribute) and function.attr in _CHEAP_METHODS
            and isinstance(function.value, (ast.Call, ast.Constant, ast.List, ast.Tuple)))


def _needed_names(node: ast.AST, lazy_annotations: bool) -> set[str]:
    """Names read when `node` runs at the top level: function and lambda bodies excluded, class
    bodies included (minus what the class body binds itself)."""
    loads: set[str] = set()
    stores: set[str] = set()
    stack: list[ast.AST] = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, ast.Name):
            (loads if isinstance(current.ctx, ast.Load) else stores).add(current.id)
        elif isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            arguments = current.args
            stack += [*arguments.defaults, *filter(None, arguments.kw_defaults)]
            if not isinstance(current, ast.Lambda):
                stores.add(current.name)
                stack += current.decorator_list
                every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs,
                         arguments.vararg, arguments.kwarg]
                annotations = [arg.annotation for arg in every if arg is not None] + [current.returns]
                stack += [] if lazy_annotations else [note for note in annotations if note]
        elif isinstance(current, ast.AnnAssign) and lazy_annotations:
            stack += [current.target] + ([current.value] if current.value else [])
        else:
            stores.update([current.name] if isinstance(current, ast.ClassDef) else [])
            stack.extend(ast.iter_child_nodes(current))
    return loads - stores


def _missing_reason(scope: Scope, needed: set[str]) -> str | None:
    missing = scope.missing(needed)
    return None if missing is None else f"needs {missing}, which no kept statement defines"


def _is_plain_target(target: ast.expr) -> bool:
    if isinstance(target, ast.Starred):
        return _is_plain_target(target.value)
    if isinstance(target, (ast.Tuple, ast.List)):
        return all(_is_plain_target(element) for element in target.elts)
    return isinstance(target, ast.Name)


def _bound_names(statement: ast.stmt, limit: int | None = 4) -> tuple[str, ...]:
    """Names a statement binds at the top level (the first `limit`, for a note)."""
    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return (statement.name,)
    if isinstance(statement, (ast.Import, ast.ImportFrom)):
        return tuple(alias.asname or alias.name.split(".")[0]
                     for alias in statement.names if alias.name != "*")[:limit]
    if isinstance(statement, ast.AnnAssign) and statement.value is None:
        return ()
    names: dict[str, None] = {}
    stack: list[ast.AST] = [statement]
    while stack:  # names bound inside comprehensions, lambdas and nested defs stay local
        node = stack.pop(0)
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names[node.id] = None
        elif not isinstance(node, _LOCAL_SCOPES):
            stack.extend(ast.iter_child_nodes(node))
    return tuple(names)[:limit]


def _dotted(expression: ast.expr) -> list[str] | None:
    """`torch.nn.Linear` -> ["torch", "nn", "Linear"]; None for anything but a dotted name."""
    parts = []
    while isinstance(expression, ast.Attribute):
        parts.append(expression.attr)
        expression = expression.value
    return [expression.id, *reversed(parts)] if isinstance(expression, ast.Name) else None


def _shown(function: ast.expr) -> str:
    dotted = _dotted(function)
    if dotted is not None:
        return one_line(".".join(dotted), 40)
    try:  # `open(path).read`
        return one_line(ast.unparse(function), 40)
    except (RecursionError, ValueError):
        return "a computed function"


# ------------------------------------------------------------------------------- source output

def _segment(lines: list[str], statement: ast.stmt) -> str:
    """The statement's own text: decorators included, not what shares its line after `;`.
    Column offsets count UTF-8 bytes; a top-level decorator's `@` opens its line."""
    decorators = getattr(statement, "decorator_list", [])
    start_line, start_col = ((decorators[0].lineno, 0) if decorators
                             else (statement.lineno, statement.col_offset))
    end_line = statement.end_lineno or start_line
    picked = [line.encode("utf-8") for line in lines[start_line - 1:end_line]]
    picked[-1] = picked[-1][:statement.end_col_offset]
    picked[0] = picked[0][start_col:]
    return "\n".join(part.decode("utf-8", "replace") for part in picked)


def _compile_problem(segment: str, future_flags: int) -> str | None:
    """Why a statement does not compile alone (symbol-table errors that `ast.parse` lets through,
    such as a `nonlocal` with no binding or `from __future__ import braces`), or None."""
    try:
        compile(segment, "<cell>", "exec", flags=future_flags, dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
        return f"does not compile ({one_line(getattr(error, 'msg', None) or type(error).__name__, 60)})"
    return None


def _assemble(name: str, futures: list[str], chunks: list[str],
              skipped: list[SkippedStatement]) -> str:
    header = [f"# Generated by the autograder from {one_line(name, 100)}, which was not run.",
              "# Only its definitions are kept: imports, def, class, and assignments of simple values."]
    if skipped:
        header.append(f"# Left out ({len(skipped)}):")
        header += [f"#   {entry.describe()}" for entry in skipped[:_MAX_HEADER_ENTRIES]]
        if len(skipped) > _MAX_HEADER_ENTRIES:
            header.append(f"#   and {len(skipped) - _MAX_HEADER_ENTRIES} more")
    return "\n\n".join(["\n".join(header), *(["\n".join(futures)] if futures else []), *chunks]) + "\n"
