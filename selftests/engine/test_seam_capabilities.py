"""What checks can send and receive beyond plain values: sympy matrices, returned modules as data,
calls that change a model, and recipes the worker builds (`docs/writing-checks.md`).

One worker serves every test here (each start imports torch). The hostile cases feed the grader's
decoder forged worker messages directly: what a worker can send is only ever data.
"""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import sympy
import torch

from autograder.boundary import modules, symbolic, wire
from autograder.boundary.modules import ModuleInfo, ProbeFailure
from autograder.boundary.student import Student
from autograder.boundary.submission import find_submission
from autograder.checks import CheckFailed
from autograder.deeplearning import models, recipes
from autograder.equivalence import assert_equivalent
from selftests.grading import HW2_FILES

CODE = '''
import sympy
import torch
from torch import nn

def double(x):
    return 2 * x

def transpose(a):
    return a.T

def as_row(x):
    return x.T

def scalar(x):
    return x[0] * 2

def network(k):
    return nn.Sequential(nn.Conv2d(3, 6, k, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                         nn.LazyLinear(10))

def broken():
    return nn.Sequential(nn.Conv2d(3, 6, 5), nn.Flatten(), nn.Linear(5, 2))

class Mine(nn.Module):
    def __init__(self):
        super().__init__()
        self.head = nn.Linear(4, 2)
    def forward(self, x):
        return torch.softmax(self.head(x), dim=1)

def mine():
    return Mine(), "and a string"

def train(net, loader, optimizer, criterion):
    losses = []
    for x, y in loader:
        optimizer.zero_grad()
        loss = criterion(net(x), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return sum(losses) / len(losses)

def kinds(loader, optimizer, criterion, f):
    return [type(loader).__name__, type(optimizer).__name__, type(criterion).__name__, f(torch.arange(3.0))]
'''


@pytest.fixture(scope="module")
def student(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("capabilities")
    (root / "submission").mkdir()
    (root / "submission" / "problem2.py").write_text(textwrap.dedent(CODE))
    seam = Student(find_submission(root / "submission", root / "converted", *HW2_FILES), call_timeout=60)
    yield seam
    seam.close()


X = sympy.Matrix(3, 1, sympy.symbols("x0 x1 x2", real=True))
A = sympy.Matrix(2, 3, lambda i, j: sympy.Symbol(f"a{i}{j}", real=True))


# ------------------------------------------------------------------------- sympy matrices
def test_a_matrix_crosses_both_ways_and_is_judged_entry_by_entry(student):
    value = student.problem2.double(X)
    assert isinstance(value, symbolic.StudentExpr) and value.shape == (3, 1)
    assert_equivalent(value, 2 * X, X.free_symbols, "double(x)", timeout=10)
    with pytest.raises(CheckFailed, match=r"not equivalent.*entry \[0, 0\]"):
        assert_equivalent(value, 3 * X, X.free_symbols, "double(x)", timeout=10)
    transposed = student.problem2.transpose(A)
    assert transposed.shape == (3, 2)
    assert_equivalent(transposed, A.T, A.free_symbols, "transpose(a)", timeout=10)


def test_a_matrix_of_the_wrong_shape_or_a_scalar_fails_by_name(student):
    with pytest.raises(CheckFailed, match=r"wrong shape \(a column vector was expected\)") as raised:
        assert_equivalent(student.problem2.as_row(X), 2 * X, X.free_symbols, "g(x)", timeout=10)
    assert "(3, 1)" not in raised.value.message and raised.value.detail == "expected shape (3, 1), got shape (1, 3)"
    with pytest.raises(CheckFailed, match="must return a sympy Matrix \\(a column vector\\), got a scalar"):
        assert_equivalent(student.problem2.scalar(X), 2 * X, X.free_symbols, "g(x)", timeout=10)
    with pytest.raises(CheckFailed, match="must return a sympy expression, got a Matrix"):
        assert_equivalent(student.problem2.double(X), X[0], X.free_symbols, "g(x)", timeout=10)


def test_matrix_trees_are_capped_and_never_nested():
    big = sympy.zeros(21, 20)
    with pytest.raises(symbolic.MatrixTooLarge):
        symbolic.to_tree(big)
    with pytest.raises(symbolic.MatrixTooLarge):
        symbolic.rebuild(["Matrix", "21", "20", *[["Integer", "0"]] * 420], {})
    with pytest.raises(symbolic.MalformedTree):
        symbolic.rebuild(["Matrix", "2", "2", ["Integer", "1"]], {})
    with pytest.raises(symbolic.UnsupportedNode):
        symbolic.rebuild(["Add", ["Matrix", "1", "1", ["Integer", "1"]], ["Integer", "1"]], {})
    huge_entry = ["Add", *[["Integer", "1"]] * (symbolic.MAX_NODES + 1)]
    with pytest.raises(symbolic.TreeTooLarge):  # each entry under a scalar's caps
        symbolic.rebuild(["Matrix", "1", "1", huge_entry], {})


def test_an_approximation_keeps_half_only_when_the_check_allows_it():
    class Score:
        fraction = None

        def set(self, fraction):
            self.fraction = fraction

    approximation = symbolic.StudentExpr(symbolic.to_tree(sympy.Float(-1.386)))
    score = Score()
    with pytest.raises(CheckFailed, match="only approximates"):
        assert_equivalent(approximation, -sympy.log(4), [], "v()", timeout=10, approximate=score)
    assert score.fraction == 0.5
    with pytest.raises(CheckFailed, match="not equivalent"):
        assert_equivalent(approximation, -sympy.log(4), [], "v()", timeout=10)
    far = symbolic.StudentExpr(symbolic.to_tree(sympy.Float(-1.3)))
    score = Score()
    with pytest.raises(CheckFailed, match="not equivalent"):
        assert_equivalent(far, -sympy.log(4), [], "v()", timeout=10, approximate=score)
    assert score.fraction is None


# ------------------------------------------------------------------------- returned modules
def test_a_returned_module_arrives_as_its_description_and_its_probe_outputs(student):
    probes = (torch.randn(2, 3, 8, 8), torch.randn(1, 3, 8, 8))
    info = student.options(probe=probes).problem2.network(3)
    assert isinstance(info, ModuleInfo)
    assert [layer.kind for layer in info.layers] == ["Conv2d", "ReLU", "MaxPool2d", "Flatten", "Linear"]
    conv = info.of_kind("Conv2d")[0]
    assert conv.config["kernel_size"] == (3, 3) and conv.config["out_channels"] == 6
    assert conv.config["padding"] == (1, 1) and conv.parameters == 6 * 3 * 9 + 6
    assert info.of_kind("Linear")[0].config == {"in_features": 6 * 4 * 4, "out_features": 10}
    assert info.parameter_count == 168 + 96 * 10 + 10
    assert [tuple(output.shape) for output in info.outputs] == [(2, 10), (1, 10)]
    assert student.problem2.network(3).outputs == ()  # no probe asked: none run


def test_a_probe_that_fails_and_a_module_of_the_students_own_class(student):
    failed = student.options(probe=(torch.randn(2, 3, 8, 8),)).problem2.broken()
    assert isinstance(failed.outputs[0], ProbeFailure) and "shapes cannot be multiplied" in failed.outputs[0].summary
    own, text = student.options(probe=(torch.randn(5, 4),)).problem2.mine()
    assert text == "and a string"
    assert [(layer.name, layer.kind) for layer in own.layers] == [("head", "Linear")]
    assert torch.allclose(own.outputs[0].sum(dim=1), torch.ones(5))  # the softmax shows in outputs


def test_a_forged_module_description_is_refused_or_reduced_to_plain_data():
    def decode(description):
        tree, buffers = wire.encode(None)
        node = {"$t": "module", "description": description, "outputs": []}
        return wire.decode(node, buffers)

    forged = decode({"$t": "dict", "items": [
        ["layers", [{"$t": "dict", "items": [["name", "x"], ["kind", "__class__"],
                                             ["config", {"$t": "dict", "items": []}], ["parameters", 1]]}]],
        ["parameter_count", 1]]})
    assert forged.layers[0].kind == "custom"  # only names of torch's own layers are shown
    with pytest.raises(wire.WireError):
        decode({"$t": "dict", "items": [["layers", "no"], ["parameter_count", 1]]})
    with pytest.raises(wire.WireError):
        decode({"$t": "dict", "items": [["layers", []], ["parameter_count", -1]]})
    assert modules.read_module({"layers": [], "parameter_count": 0}, []).layers == ()


# ------------------------------------------------------------------------- changing a model
def test_a_training_step_returns_the_changed_model_as_data(student):
    spec = models.layers([("fc", "Linear", {"in_features": 4, "out_features": 3})], seed=5).in_training_mode()
    generator = torch.Generator().manual_seed(0)
    x, y = torch.randn(12, 4, generator=generator), torch.randint(0, 3, (12,), generator=generator)
    loader = recipes.loader(x, y, 4)
    optimizer = recipes.optimizer("SGD", model=0, lr=0.1, momentum=0.9)
    criterion = recipes.loss("CrossEntropyLoss")
    outcome = student.options(changes_models=True).call("problem2", "train", spec, loader, optimizer, criterion)
    assert set(outcome.model_states) == {0} and set(outcome.model_states[0]) == {"fc.weight", "fc.bias"}
    assert outcome.mutations.state == ("fc.bias", "fc.weight")

    net = models.build_model(spec)  # the same epoch in the grader gives the same parameters
    own_optimizer, own_loss = recipes.build(optimizer, model=net), recipes.build(criterion)
    recipes.seed_everything(0)
    losses = []
    for xb, yb in recipes.build(loader):
        own_optimizer.zero_grad()
        loss = own_loss(net(xb), yb)
        loss.backward()
        own_optimizer.step()
        losses.append(loss.item())
    for name, tensor in net.state_dict().items():
        assert torch.equal(tensor, outcome.model_states[0][name])
    assert outcome.value == pytest.approx(sum(losses) / len(losses))
    assert student.call("problem2", "train", spec, loader, optimizer, criterion).model_states == {}


def test_recipes_build_only_what_their_allow_lists_name(student):
    made = student.problem2.kinds(recipes.loader(torch.zeros(4, 2), torch.zeros(4), 2),
                                  recipes.loss("MSELoss"), recipes.loss("L1Loss"),
                                  recipes.function("flip_shift", shift=0.5))
    assert made[:3] == ["DataLoader", "MSELoss", "L1Loss"]
    assert torch.equal(made[3], torch.tensor([2.5, 1.5, 0.5]))
    for bad in (recipes.loss("Module"), recipes.function("eval"), recipes.optimizer("LBFGS"),
                recipes.loss("MSELoss", reduction=object()), recipes.loader(torch.zeros(2), torch.zeros(3), 1)):
        with pytest.raises(recipes.RecipeError):
            recipes.build(bad, model=torch.nn.Linear(1, 1))


def test_the_grader_never_builds_a_recipe_or_a_model_a_worker_sends():
    tree, buffers = wire.encode([recipes.loss("MSELoss"), models.layers([], seed=0)])
    with pytest.raises(wire.WireError, match="unknown tag"):
        wire.decode(tree, buffers)
