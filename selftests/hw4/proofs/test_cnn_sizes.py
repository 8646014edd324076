"""Problems 2.2 and 7 (CNN shapes), checked by building the layers with torch.nn.

The receptive field formula 1 + sum_l (k_l - 1) d_l prod_{j<l} s_j gives 7 for a 3x3 layer then a
3x3 layer with dilation 2, 16 for the tutorial Net's conv5, pool2, conv5, pool2 and 10 for its k = 3
variant; each is confirmed by the support of the gradient of one output pixel with respect to the
input (all-positive weights, average pooling: the same geometry as max pooling, but every input of a
window gets a gradient). The tutorial Net has 62,006 parameters (456, 2,416, 48,120, 10,164, 850),
its k = 3 variant without padding 81,302 (fc1 takes 16 * 6 * 6 = 576), and Table 1 of 004 on
28x28x1 (CONV3-10, POOL2, CONV3-10, POOL2, FLATTEN, FC-3) has 100 + 910 + 1,473 = 2,483, each count
equal to K^2 C F + F. These are the facts behind the reference's receptive_field, net_with_kernel
(problem 2), conv_layer_counts, pool_output_hw and layer_table (problem 7), whose answers are then
checked against them.
"""
from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from autograder.course import COURSE_ROOT as REPO_ROOT
from autograder.fixtures import Oracle


@pytest.fixture(scope="module")
def problem2():
    """The reference solution; a missing file is an error here, never a skip."""
    return Oracle(REPO_ROOT / "reference" / "hw4").problem2


@pytest.fixture(scope="module")
def problem7():
    """The reference solution; a missing file is an error here, never a skip."""
    return Oracle(REPO_ROOT / "reference" / "hw4").problem7


def receptive_field(layers) -> int:
    """1 + sum_l (k_l - 1) d_l prod_{j<l} s_j for layers given as (k, s, d)."""
    size, jump = 1, 1
    for k, s, d in layers:
        size += (k - 1) * d * jump
        jump *= s
    return size


def measured_receptive_field(stack: nn.Module, input_size: int, channels: int) -> int:
    """The side of the input square that one central output pixel depends on."""
    for parameter in stack.parameters():
        nn.init.constant_(parameter, 1.0)
    image = torch.ones(1, channels, input_size, input_size, dtype=torch.float64, requires_grad=True)
    output = stack(image)
    row, column = output.shape[-2] // 2, output.shape[-1] // 2
    output[0, 0, row, column].backward()
    support = image.grad[0].abs().sum(dim=0) > 0
    rows = torch.nonzero(support.any(dim=1)).flatten()
    columns = torch.nonzero(support.any(dim=0)).flatten()
    height, width = int(rows.max() - rows.min() + 1), int(columns.max() - columns.min() + 1)
    assert height == width
    return height


def tutorial_features(k: int) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(3, 6, k), nn.ReLU(), nn.AvgPool2d(2, 2),
                         nn.Conv2d(6, 16, k), nn.ReLU(), nn.AvgPool2d(2, 2)).double()


CASES = {
    "3x3 then 3x3 with d = 2": ([(3, 1, 1), (3, 1, 2)], 7),
    "tutorial Net": ([(5, 1, 1), (2, 2, 1), (5, 1, 1), (2, 2, 1)], 16),
    "tutorial Net with k = 3": ([(3, 1, 1), (2, 2, 1), (3, 1, 1), (2, 2, 1)], 10),
}


@pytest.mark.parametrize("case", CASES)
def test_the_receptive_field_formula(case):
    layers, expected = CASES[case]
    assert receptive_field(layers) == expected


def test_the_dilated_receptive_field_by_gradient_support():
    stack = nn.Sequential(nn.Conv2d(1, 1, 3), nn.Conv2d(1, 1, 3, dilation=2)).double()
    assert measured_receptive_field(stack, 15, 1) == 7


@pytest.mark.parametrize("k, expected", [(5, 16), (3, 10)])
def test_the_tutorial_receptive_field_by_gradient_support(k, expected):
    assert measured_receptive_field(tutorial_features(k), 32, 3) == expected


# ---------------------------------------------------------------------- parameter counts
class Net(nn.Module):
    """The PyTorch tutorial's CIFAR-10 network, with both convolutions k x k and no padding."""

    def __init__(self, k: int = 5):
        super().__init__()
        side = ((32 - k + 1) // 2 - k + 1) // 2
        self.conv1 = nn.Conv2d(3, 6, k)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, k)
        self.fc1 = nn.Linear(16 * side * side, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = self.pool(torch.relu(self.conv1(x)))
        x = self.pool(torch.relu(self.conv2(x)))
        x = torch.flatten(x, 1)
        return self.fc3(torch.relu(self.fc2(torch.relu(self.fc1(x)))))


def counts(module: nn.Module) -> dict[str, int]:
    return {name: sum(p.numel() for p in child.parameters())
            for name, child in module.named_children() if any(True for _ in child.parameters())}


def conv_count(k: int, c: int, f: int) -> int:
    return k * k * c * f + f  # K^2 C F weights, F biases


def test_the_tutorial_net_has_62006_parameters():
    net = Net(5)
    assert counts(net) == {"conv1": 456, "conv2": 2416, "fc1": 48120, "fc2": 10164, "fc3": 850}
    assert sum(p.numel() for p in net.parameters()) == 62006
    assert counts(net)["conv1"] == conv_count(5, 3, 6) and counts(net)["conv2"] == conv_count(5, 6, 16)
    assert net.fc1.in_features == 400
    assert tuple(net(torch.zeros(2, 3, 32, 32)).shape) == (2, 10)


def test_the_k3_variant_has_81302_parameters():
    net = Net(3)
    assert net.fc1.in_features == 576  # 32 -> 30 -> 15 -> 13 -> 6
    assert sum(p.numel() for p in net.parameters()) == 81302
    assert tuple(net(torch.zeros(2, 3, 32, 32)).shape) == (2, 10)
    net.fc1 = nn.Linear(400, 120)  # keeping the k = 5 flatten size breaks the k = 3 network
    with pytest.raises(RuntimeError):
        net(torch.zeros(2, 3, 32, 32))


TABLE_1 = ["CONV3-10", "POOL2", "CONV3-10", "POOL2", "FLATTEN", "FC-3"]  # on 28 x 28 x 1
TABLE_1_COUNTS = [100, 0, 910, 0, 0, 1473]
TABLE_1_SHAPES = [(10, 28, 28), (10, 14, 14), (10, 14, 14), (10, 7, 7), (490,), (3,)]  # as torch writes them


def test_table_1_has_2483_parameters_and_the_source_shapes():
    table = nn.Sequential(
        nn.Conv2d(1, 10, 3, padding=1), nn.MaxPool2d(2), nn.Conv2d(10, 10, 3, padding=1), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(490, 3))
    per_layer = [sum(p.numel() for p in layer.parameters()) for layer in table]
    assert per_layer == TABLE_1_COUNTS
    assert per_layer[0] == conv_count(3, 1, 10) and per_layer[2] == conv_count(3, 10, 10)
    assert per_layer[5] == 490 * 3 + 3
    assert sum(per_layer) == 2483
    shapes, x = [], torch.zeros(1, 1, 28, 28)
    for layer in table:
        x = layer(x)
        shapes.append(tuple(x.shape[1:]))
    # torch writes (C, H, W); the source writes W x H x C
    assert shapes == TABLE_1_SHAPES


@pytest.mark.parametrize("size, window, stride", [(7, 2, 2), (28, 2, 2), (13, 3, 2), (32, 5, 1)])
def test_the_pool_formula_matches_torch(size, window, stride):
    out = nn.MaxPool2d(window, stride)(torch.zeros(1, 1, size, size + 1))
    assert tuple(out.shape[-2:]) == (math.floor((size - window) / stride) + 1,
                                     math.floor((size + 1 - window) / stride) + 1)


def test_the_dilated_example_of_004():
    """M = 1..9 in a 3x3, a 2x2 kernel of ones dilated by 2: the corners, 1 + 3 + 7 + 9 = 20."""
    m = torch.arange(1.0, 10.0).reshape(1, 1, 3, 3)
    out = nn.functional.conv2d(m, torch.ones(1, 1, 2, 2), dilation=2)
    assert out.tolist() == [[[[20.0]]]]


# ------------------------------------------------------------------ the reference's answers
@pytest.mark.parametrize("case", CASES)
def test_the_reference_receptive_field_is_the_proven_number(problem7, case):
    layers, expected = CASES[case]
    assert problem7.receptive_field(layers) == expected == receptive_field(layers)


def test_the_reference_layer_table_is_table_1(problem7):
    """The reference writes a feature map W x H x C, torch (C, H, W): the same square maps here."""
    table = problem7.layer_table((28, 28, 1), TABLE_1)
    assert [count for count, _ in table] == TABLE_1_COUNTS and sum(TABLE_1_COUNTS) == 2483
    in_torch_order = [shape if len(shape) == 1 else (shape[2], shape[1], shape[0]) for _, shape in table]
    assert in_torch_order == TABLE_1_SHAPES


@pytest.mark.parametrize("k, c, f", [(3, 1, 10), (3, 10, 10), (5, 3, 6), (5, 6, 16)])
def test_the_reference_conv_layer_counts_are_k_squared_c_f_and_f(problem7, k, c, f):
    weights, biases = problem7.conv_layer_counts(k, c, f)
    assert weights + biases == conv_count(k, c, f) and biases == f
    assert weights + biases == sum(p.numel() for p in nn.Conv2d(c, f, k).parameters())


@pytest.mark.parametrize("size, window, stride", [(7, 2, 2), (28, 2, 2), (13, 3, 2), (32, 5, 1)])
def test_the_reference_pool_output_is_torchs(problem7, size, window, stride):
    out = nn.MaxPool2d(window, stride)(torch.zeros(1, 1, size + 1, size))  # torch: (H, W) = (size + 1, size)
    assert problem7.pool_output_hw(size, size + 1, window, stride) == (out.shape[-1], out.shape[-2])


@pytest.mark.parametrize("k, total", [(5, 62006), (3, 81302)])
def test_the_reference_net_with_kernel_has_the_proven_parameter_count(problem2, k, total):
    net = problem2.net_with_kernel(k)
    assert sum(p.numel() for p in net.parameters()) == total == sum(p.numel() for p in Net(k).parameters())
    assert tuple(net(torch.zeros(2, 3, 32, 32)).shape) == (2, 10)
