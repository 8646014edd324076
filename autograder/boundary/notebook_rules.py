"""Which top-level statements of a notebook are kept: the rules `notebook.py` applies to each.

A statement is kept when running it at import is cheap and safe (an import, a `def`, a `class`, an
assignment of a literal, of a cheap call such as `nn.CrossEntropyLoss()`, or of names kept before)
and everything it needs is defined by statements kept earlier. `judge` says why a statement is
dropped, in words a student can act on; nothing here runs or imports student code.
"""
from __future__ import annotations

import __future__
import ast
import builtins
from dataclasses import dataclass, field


def one_line(text: str, limit: int = 80) -> str:
    """Printable, single-line, valid UTF-8, at most `limit` characters: safe in a comment."""
    text = "".join(char if char.isprintable() else " " for char in text).strip()
    text = text.encode("utf-8", "replace").decode("utf-8")
    return text if len(text) <= limit else text[:limit - 1] + "…"


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
        for name in bound_names(statement, limit=None):
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


def bound_names(statement: ast.stmt, limit: int | None = 4) -> tuple[str, ...]:
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
