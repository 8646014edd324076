"""autograder.boundary.notebook: a notebook becomes a module that only defines things, and says what it left out.

Executing converted sources is fine here (this is the self-test process, and the notebooks are ours).
"""
from __future__ import annotations

import ast
import json
import socket
from pathlib import Path

import pytest
import torch
import torchvision  # noqa: F401  (imported up front, as the worker has it: exec runs only the notebook)
from torch import nn

from autograder.boundary.notebook import NotebookError, definitions_only, describe_skipped

MESSY = Path(__file__).parent / "messy"


def notebook(*cells: str, nbformat: int = 4) -> dict:
    """A notebook with one markdown cell first (so code cell k sits at position k + 1)."""
    if nbformat == 3:
        code = [{"cell_type": "code", "language": "python", "input": text.splitlines(True)}
                for text in cells]
        cells = [{"cell_type": "markdown", "source": "x"}, *code]
        return {"nbformat": 3, "worksheets": [{"cells": cells}]}
    code = [{"cell_type": "code", "metadata": {}, "outputs": [], "source": text.splitlines(True)}
            for text in cells]
    return {"nbformat": 4, "nbformat_minor": 5, "metadata": {},
            "cells": [{"cell_type": "markdown", "metadata": {}, "source": ["# title"]}, *code]}


def top_level_names(source: str) -> set[str]:
    """Names the converted module binds at its top level (read from its AST, not by running it)."""
    names = set()
    for statement in ast.parse(source).body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(statement.name)
        elif isinstance(statement, (ast.Import, ast.ImportFrom)):
            names.update(alias.asname or alias.name.split(".")[0] for alias in statement.names)
        else:
            names.update(node.id for node in ast.walk(statement)
                         if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store))
    return names


def run_offline(source: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict:
    """Exec a converted source in a fresh namespace with sockets refused, in an empty folder."""
    def refuse(*args, **kwargs):
        raise AssertionError("the converted notebook tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    exec(compile(source, "converted.py", "exec"), namespace)
    assert list(tmp_path.iterdir()) == [], "the converted notebook wrote files"
    return namespace


def test_colab_notebook_keeps_definitions_and_cheap_globals(monkeypatch, tmp_path):
    converted = definitions_only((MESSY / "pennkey_hw2_problem5.ipynb").read_text(encoding="utf-8"),
                                 name="pennkey_hw2_problem5.ipynb")
    names = top_level_names(converted.source)
    assert {"input_gradient", "fgsm", "signed_gradient_attack", "adversarial_accuracy", "allcnn_t",
            "EPS", "criterion", "device"} <= names
    assert not names & {"trainset", "trainloader", "testset", "model", "optimizer", "drive", "epoch"}
    assert "pip install" not in converted.source.split("# --- cell")[1]  # only in the header comment
    namespace = run_offline(converted.source, monkeypatch, tmp_path)
    assert namespace["EPS"] == 8 / 255
    assert isinstance(namespace["criterion"], nn.CrossEntropyLoss)
    assert isinstance(namespace["device"], torch.device)
    # the kept definitions work together with the kept globals
    torch.manual_seed(0)
    model = nn.Sequential(nn.Flatten(), nn.Linear(12, 3))
    x, y = torch.rand(2, 3, 2, 2), torch.tensor([0, 2])
    x_adv = namespace["fgsm"](model, x, y)
    assert torch.allclose((x_adv - x).abs(), torch.full_like(x, 8 / 255))


def test_colab_notebook_reports_what_it_skipped():
    converted = definitions_only((MESSY / "pennkey_hw2_problem5.ipynb").read_text(encoding="utf-8"))
    by_excerpt = {entry.excerpt: entry for entry in converted.skipped}
    assert by_excerpt["!pip install -q torchattacks"].reason == "shell command"
    assert by_excerpt["%matplotlib inline"].reason == "IPython magic"
    assert "Colab" in by_excerpt["from google.colab import drive"].reason
    assert by_excerpt["drive.mount('/content/drive')"].cell == 3
    download = next(entry for entry in converted.skipped if entry.excerpt.startswith("trainset ="))
    assert (download.cell, download.line, download.defines) == (5, 5, ("trainset",))
    assert "torchvision.datasets.CIFAR10" in download.reason
    loop = next(entry for entry in converted.skipped if entry.excerpt.startswith("for epoch"))
    assert "loop" in loop.reason or "`for`" in loop.reason
    header = converted.source.split("# --- cell")[0]
    assert all(line.startswith("#") for line in header.strip().splitlines())
    assert header.count("\n#   cell ") == len(converted.skipped)


def test_skipped_summary_puts_lost_globals_first_and_counts_the_rest():
    cells = [f"print({index})" for index in range(12)] + ["model = train()"]
    converted = definitions_only(notebook(*cells))
    lines = describe_skipped(converted.skipped, limit=10)
    assert len(lines) == 11
    assert "model = train()" in lines[0] and "it would define model" in lines[0]
    assert lines[-1].startswith("- and 3 more")


def test_magic_text_inside_strings_and_brackets_is_kept():
    cell = ('TEMPLATE = """\n!not a shell line\n%not a magic\n"""\n'
            'RATIO = (10\n         % 4)\n'
            'LONG = 1 + \\\n    2\n'
            '!echo "it\'s a shell line"\n')
    converted = definitions_only(notebook(cell))
    namespace: dict = {}
    exec(converted.source, namespace)
    assert namespace["TEMPLATE"] == "\n!not a shell line\n%not a magic\n"
    assert (namespace["RATIO"], namespace["LONG"]) == (2, 3)
    assert [entry.line for entry in converted.skipped] == [9]


def test_shell_line_inside_a_function_becomes_pass():
    cell = "def setup():\n    !pip install foo \\\n        bar\n    return 7\n"
    converted = definitions_only(notebook(cell))
    namespace: dict = {}
    exec(converted.source, namespace)
    assert namespace["setup"]() == 7
    assert [(entry.line, entry.reason) for entry in converted.skipped] == [(2, "shell command")]


def test_assignment_from_shell_and_help_lines_are_dropped():
    converted = definitions_only(notebook(
        "files = !ls\ntiming = %timeit -o 1\ntorch.nn.Conv2d?\nKEPT = 1"))
    assert [entry.reason for entry in converted.skipped] == ["shell command", "IPython magic",
                                                             "IPython help"]
    assert top_level_names(converted.source) == {"KEPT"}


def test_cell_magics():
    converted = definitions_only(notebook(
        "%%bash\necho hi\n", "%%time\ndef timed():\n    return 1\nrun()"))
    names = top_level_names(converted.source)
    assert names == {"timed"}  # %%time runs its body as Python: its definitions count
    assert [entry.reason for entry in converted.skipped if entry.cell == 2] == ["IPython cell magic"]


def test_cell_that_does_not_parse_is_skipped_whole():
    converted = definitions_only(notebook(
        "GOOD = 1", "def broken(:\n    pass\nLOST = 2", "def fine():\n    return GOOD"))
    assert top_level_names(converted.source) == {"GOOD", "fine"}
    [entry] = converted.skipped
    assert (entry.cell, entry.line, entry.excerpt) == (3, 1, "def broken(:")
    assert "does not parse" in entry.reason


def test_statements_are_judged_one_by_one():
    cell = (
        "import os; RESULT = train()\n"
        "import numpy as np\n"
        "from torch import nn as tnn\n"
        "import torch\n"
        "ALIAS = torch.nn\n"
        "loss_a = tnn.MSELoss()\n"
        "loss_b = ALIAS.L1Loss()\n"
        "MEAN = torch.tensor([0.5, 0.5, 0.5]).view(1, 3, 1, 1)\n"
        "WEIGHTS = np.array([1.0, 2.0]) * 2\n"
        "SQUARE = lambda v: v ** 2\n"
        "SCALE: float = 8 / 255\n"
        "EPS = 8\n"
        "EPS /= 255\n"
        "USES_LOST = RESULT + 1\n"
        "FUNCTIONAL = torch.nn.functional.relu(MEAN)\n"
        "SQUARES = [i * i for i in range(3)]\n"
        "torch.backends.cudnn.benchmark = True\n"
        "data = open('data.bin').read()\n"
        "if __name__ == '__main__':\n    main()\n"
        "with torch.no_grad():\n    Z = 1\n"
        "try:\n    import foo\nexcept ImportError:\n    foo = None\n"
        "'a docstring'\n"
        "MEAN\n")
    converted = definitions_only(notebook(cell))
    assert top_level_names(converted.source) == {
        "os", "np", "tnn", "torch", "ALIAS", "loss_a", "loss_b", "MEAN", "WEIGHTS", "SQUARE",
        "SCALE", "EPS"}
    reasons = {entry.excerpt.split(" ")[0]: entry.reason for entry in converted.skipped}
    assert "train()" in reasons["RESULT"]
    assert "needs RESULT" in reasons["USES_LOST"]
    assert "torch.nn.functional.relu()" in reasons["FUNCTIONAL"]
    assert "comprehension" in reasons["SQUARES"]
    assert "attribute" in reasons["torch.backends.cudnn.benchmark"]
    assert "open('data.bin').read()" in reasons["data"]
    assert "__main__" in reasons["if"]
    assert {"with", "try:"} <= set(reasons)
    assert len(converted.skipped) == 9  # the docstring and the displayed name go without a note
    namespace: dict = {}
    exec(converted.source, namespace)
    assert namespace["EPS"] == 8 / 255 and namespace["MEAN"].shape == (1, 3, 1, 1)


def test_definitions_whose_decorators_defaults_or_bases_fail_are_dropped():
    cell = (
        "import functools\n"
        "@functools.lru_cache(maxsize=None)\n"
        "def cached(n):\n    return n\n"
        "def loader(batch=get_loader()):\n    return batch\n"
        "class Net(UnknownBase):\n    pass\n"
        "class Fine:\n    SIZE = 3\n    DOUBLE = SIZE * 2\n"
        "    def get(self, k=SIZE):\n        return k\n"
        "def needs_later(x: LaterType):\n    return x\n"
        "def nonlocal_error():\n    nonlocal q\n"
        "class Downloads:\n    DATA = torchvision.datasets.CIFAR10('.', download=True)\n"
        "class Trains:\n    for epoch in range(10):\n        pass\n")
    converted = definitions_only(notebook(cell))
    assert top_level_names(converted.source) == {"functools", "cached", "Fine"}
    reasons = {entry.defines: entry.reason for entry in converted.skipped}
    assert "get_loader()" in reasons[("loader",)]
    assert "needs UnknownBase" in reasons[("Net",)]
    assert "needs LaterType" in reasons[("needs_later",)]
    assert "does not compile" in reasons[("nonlocal_error",)]
    assert "its body calls torchvision.datasets.CIFAR10()" in reasons[("Downloads",)]
    assert "its body runs more than definitions" in reasons[("Trains",)]


def test_future_import_goes_first_and_colab_and_relative_imports_are_dropped():
    converted = definitions_only(notebook(
        "import math\nfrom IPython.display import clear_output\nimport google.colab\n"
        "from . import sibling",
        "from __future__ import annotations\ndef typed(x: NotDefinedAnywhere) -> None:\n    pass"))
    body = [line for line in converted.source.splitlines() if line and not line.startswith("#")]
    assert body[0] == "from __future__ import annotations"
    assert top_level_names(converted.source) == {"annotations", "math", "typed"}
    assert [entry.line for entry in converted.skipped] == [2, 3, 4]
    compile(converted.source, "converted.py", "exec", dont_inherit=True)


def test_nbformat_3_is_read():
    converted = definitions_only(notebook("%pylab inline\nSIZE = 3\ndef f():\n    return SIZE",
                                          nbformat=3))
    assert top_level_names(converted.source) == {"SIZE", "f"}
    assert converted.skipped[0].cell == 2


def test_odd_text_in_skipped_lines_cannot_break_the_header():
    cell = "run('`x`\u2028y')  # \x0c\nprint('\ud800')\nKEPT = 1\n"
    converted = definitions_only(json.dumps(notebook(cell)), name="evil\nname.ipynb")
    for line in converted.source.splitlines():
        assert line.startswith("#") or line == "" or line == "KEPT = 1"
    compile(converted.source, "converted.py", "exec", dont_inherit=True)
    converted.source.encode("utf-8")  # writable as UTF-8
    assert all("`" not in entry.describe().split("`")[1] for entry in converted.skipped)


def test_accepts_json_text_bytes_and_parsed_json():
    parsed = notebook("A = 1")
    text = json.dumps(parsed)
    sources = {definitions_only(value).source for value in (parsed, text, text.encode("utf-8"))}
    assert len(sources) == 1


@pytest.mark.parametrize("broken", ["not json at all", "[1, 2]", '{"metadata": {}}', "[" * 100_000])
def test_what_is_not_a_notebook_raises_notebook_error(broken):
    with pytest.raises(NotebookError):
        definitions_only(broken)


def test_a_long_arithmetic_chain_does_not_overflow_the_checker():
    """990 terms: as deep as Python itself compiles, deeper than a recursive checker could go."""
    converted = definitions_only(notebook("TOTAL = " + " + ".join(["1"] * 990)))
    namespace: dict = {}
    exec(converted.source, namespace)
    assert namespace["TOTAL"] == 990
    too_deep = definitions_only(notebook("TOTAL = " + " + ".join(["1"] * 20_000)))
    assert "nested too deeply" in too_deep.skipped[0].reason


def test_every_kept_line_knows_its_cell_and_line():
    cells = ["!pip install x\nfrom __future__ import annotations\nimport math\ndata = load()",
             "%matplotlib inline\n\n@staticmethod\ndef f(x):\n    return math.sqrt(x)  # ok\nRATE = 0.1"]
    parsed = notebook(*cells)
    converted = definitions_only(parsed)
    lines = converted.source.split("\n")
    mapped = 0
    for number, line in enumerate(lines, start=1):
        origin = converted.origin(number)
        if origin is None:
            assert not line or line.startswith("#"), line  # the conversion's own lines
            continue
        cell, cell_line = origin
        written = "".join(parsed["cells"][cell - 1]["source"]).split("\n")[cell_line - 1]
        assert written.startswith(line) and line.strip(), (written, line)  # a comment may end it
        mapped += 1
    assert mapped == 6  # the future import, import math, the decorated def (3 lines), RATE
    assert converted.origin(0) is None and converted.origin(len(lines) + 1) is None
