"""The plain-data channel (`autograder.boundary.wire`): what crosses, what is refused, and the caps."""
from __future__ import annotations

import collections
import json
import math
import os
import struct
import time

import numpy as np
import pytest
import torch

from autograder.boundary import framing, wire
from autograder.boundary.modules import ModuleInfo
from autograder.boundary.wire import Opaque, ParamRef, WireError

pytestmark = pytest.mark.filterwarnings("ignore:Sparse CSR tensor support is in beta")


def roundtrip(value, **decode_options):
    tree, buffers = wire.encode(value)
    json.dumps(tree, allow_nan=False)  # the tree is plain JSON
    return wire.decode(tree, buffers, **decode_options)


def pipe_roundtrip(message, **read_options):
    read_end, write_end = os.pipe()
    try:
        framing.write_message(write_end, message)
        os.close(write_end)
        write_end = -1
        return framing.read_message(read_end, **read_options)
    finally:
        os.close(read_end)
        if write_end >= 0:
            os.close(write_end)


# ----------------------------------------------------------------------------- what crosses
def test_plain_values_cross_unchanged():
    value = {"a": [1, 2.5, None, True, "x"], 3: (1, (2, "y")), "nested": {"k": [[], ()]}}
    assert roundtrip(value) == value
    back = roundtrip([float("nan"), float("inf"), -float("inf")])
    assert math.isnan(back[0]) and back[1:] == [math.inf, -math.inf]


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16, torch.float32, torch.float64,
                                   torch.complex64, torch.int8, torch.int64, torch.uint8, torch.bool])
def test_tensors_of_every_dtype_cross_exactly(dtype):
    tensor = (torch.arange(12) % 5).reshape(3, 4).to(dtype)
    back = roundtrip(tensor)
    assert type(back) is torch.Tensor and back.dtype == dtype and torch.equal(back, tensor)
    back.view(torch.uint8).zero_()  # writable, and its own memory: the source is untouched
    assert torch.equal(tensor, (torch.arange(12) % 5).reshape(3, 4).to(dtype))


def test_arrays_and_numpy_scalars_cross_as_arrays():
    array = np.arange(6, dtype=np.int32).reshape(2, 3)
    back = roundtrip([array, np.float64(2.5), np.zeros((0, 3))])
    assert type(back[0]) is np.ndarray and back[0].dtype == np.int32 and (back[0] == array).all()
    assert back[1].shape == () and float(back[1]) == 2.5 and back[2].shape == (0, 3)
    assert isinstance(roundtrip(np.array(["a"], dtype=object)), Opaque)


def test_unusual_tensors_arrive_plain_dense_and_contiguous():
    source = torch.arange(12.0).reshape(3, 4)
    for tensor in (source.t(), source[:, ::2], source.to_sparse(), torch.eye(3).to_sparse_csr(),
                   source.expand(2, 3, 4), torch.ones(2, dtype=torch.complex64).conj()):
        back = roundtrip(tensor)
        assert type(back) is torch.Tensor and back.layout == torch.strided and back.is_contiguous()
        expected = tensor.to_dense() if tensor.layout != torch.strided else tensor
        assert torch.equal(back, expected.resolve_conj())


def test_subclasses_cross_as_their_true_values_without_running_their_methods():
    class Trap(torch.Tensor):
        def detach(self):
            raise SystemExit("detach ran")

        def __eq__(self, other):
            raise SystemExit("__eq__ ran")

        @classmethod
        def __torch_function__(cls, func, types, args=(), kwargs=None):
            raise SystemExit("__torch_function__ ran")

    class LyingFloat(float):
        def __eq__(self, other):
            return True

        def __float__(self):
            return 1e9

    class LyingList(list):
        def __iter__(self):
            raise SystemExit("__iter__ ran")

    class LyingDict(dict):
        def items(self):
            raise SystemExit("items ran")

    Pair = collections.namedtuple("Pair", "a b")
    value = [torch.ones(2).as_subclass(Trap), LyingFloat(0.25), LyingList([1, 2]),
             LyingDict(k=1), Pair(1, 2), collections.OrderedDict(z=0), torch.Size([4, 5])]
    back = roundtrip(value)
    assert type(back[0]) is torch.Tensor and back[0].tolist() == [1.0, 1.0]
    assert type(back[1]) is float and back[1] == 0.25
    assert back[2:] == [[1, 2], {"k": 1}, (1, 2), {"z": 0}, (4, 5)]
    assert all(type(item) in (list, dict, tuple) for item in back[2:])


def test_other_objects_become_opaque_with_names_the_grader_knows():
    class Invented:
        pass

    invented_name = type("LEAKED_1_2_3", (), {})
    back = roundtrip([Invented(), invented_name(), torch.optim.SGD, len, {(1, 2): 3}])
    assert all(isinstance(item, Opaque) for item in back)
    assert back[0].type_name == back[1].type_name == wire.UNKNOWN_TYPE
    assert back[2].type_name == "type"
    assert back[3].type_name == "builtin_function_or_method"
    assert "keys" in back[4].type_name


def test_a_module_arrives_as_its_description_never_as_an_object():
    [linear] = roundtrip([torch.nn.Linear(3, 2)])
    assert isinstance(linear, ModuleInfo) and linear.parameter_count == 8
    assert [(layer.kind, layer.config) for layer in linear.layers] == []  # a bare layer is the root


def test_a_models_parameters_come_back_by_name():
    model = torch.nn.Linear(2, 1)
    context = wire.EncodeContext({id(p): n for n, p in model.named_parameters()})
    tree, buffers = wire.encode([model.weight, model.bias], context)
    assert wire.decode(tree, buffers) == [ParamRef("weight"), ParamRef("bias")]


# ----------------------------------------------------------------------------- what is refused
@pytest.mark.parametrize("tree, buffers", [
    ({"$t": "pickle", "data": "gASV"}, []),
    ({"$t": "float", "v": "1e999"}, []),
    ({"$t": "tensor", "dtype": "object", "shape": [1], "buf": 0}, [b"x" * 8]),
    ({"$t": "tensor", "dtype": "float32", "shape": [3], "buf": 0}, [b"\0" * 8]),
    ({"$t": "tensor", "dtype": "float32", "shape": [-1], "buf": 0}, [b""]),
    ({"$t": "tensor", "dtype": "float32", "shape": [1], "buf": 1}, [b"\0" * 4]),
    ({"$t": "tensor", "dtype": "float32", "shape": [1] * 17, "buf": 0}, [b"\0" * 4]),
    ({"$t": "ndarray", "dtype": "bfloat16", "shape": [1], "buf": 0}, [b"\0" * 2]),
    ({"$t": "dict", "items": [[1.5, 2]]}, []),
    ({"$t": "dict", "items": [["a"]]}, []),
    ({"$t": "tuple", "items": "ab"}, []),
    ({"$t": "model", "recipe": {"kind": "torchvision"}}, []),
    ({"$t": "opaque", "type": "x" * 3000}, []),
    ({"no": "tag"}, []),
])
def test_the_decoder_refuses_anything_else(tree, buffers):
    with pytest.raises(WireError):
        wire.decode(tree, buffers)


def test_depth_and_size_caps():
    deep: list = []
    for _ in range(wire.MAX_DEPTH + 5):
        deep = [deep]
    with pytest.raises(WireError):
        wire.decode(deep, [])
    with pytest.raises(WireError):
        wire.encode(deep)
    with pytest.raises(WireError):
        wire.decode([0] * (wire.MAX_NODES + 1), [])


def test_read_message_enforces_its_caps():
    assert pipe_roundtrip({"a": torch.ones(3)})[0]["$t"] == "dict"
    with pytest.raises(WireError):
        pipe_roundtrip({"a": torch.ones(1000)}, max_buffer_bytes=100)
    for header in (struct.pack("<II", wire.MAX_JSON_BYTES + 1, 0), struct.pack("<II", 2, wire.MAX_BUFFERS + 1)):
        read_end, write_end = os.pipe()
        os.write(write_end, header)
        with pytest.raises(WireError):
            framing.read_message(read_end)
        os.close(read_end)
        os.close(write_end)


def test_truncated_garbage_and_silence():
    read_end, write_end = os.pipe()
    os.write(write_end, struct.pack("<II", 10, 0) + b"{not json}")
    with pytest.raises(WireError):
        framing.read_message(read_end)
    os.write(write_end, struct.pack("<II", 100, 0) + b"{}")
    os.close(write_end)
    with pytest.raises(framing.PeerClosed):
        framing.read_message(read_end)
    os.close(read_end)
    read_end, write_end = os.pipe()
    with pytest.raises(framing.Deadline):
        framing.read_message(read_end, deadline=0.0)
    os.set_blocking(write_end, False)
    with pytest.raises(framing.Deadline):  # nobody reads: a full pipe must not hang the grader
        framing.write_message(write_end, {"big": torch.zeros(2**20)}, deadline=time.monotonic() + 0.5)
    os.close(read_end)
    os.close(write_end)


def test_printable_removes_control_characters():
    assert wire.printable("a\x00b\x1b[31mc\n", 100) == "a?b?[31mc?"
    assert len(wire.printable("x" * 500, 50)) == 50
