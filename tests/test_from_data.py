"""tg.tensor, tg.from_numpy, tg.as_tensor and torch's dtype names, held against torch's own."""
import warnings

import numpy as np
import pytest

from conftest import DEVICES
from helpers import torch

import tinygrad_lite as tg
from tinygrad_lite import Tensor

DATA = [
    ("float", 1.5), ("int", 3), ("bool", True), ("list of floats", [[1.0, 2.0], [3.0, 4.0]]),
    ("list of ints", [1, 2, 3]), ("mixed list", [1, 2.5]), ("list of bools", [True, False]),
    ("empty list", []), ("float64 array", np.arange(3.0)), ("float16 array", np.ones(2, np.float16)),
    ("int32 array", np.arange(4, dtype=np.int32)), ("uint8 array", np.arange(3, dtype=np.uint8)),
    ("numpy float32 scalar", np.float32(2.5)), ("numpy int64 scalar", np.int64(7)),
]


def _dtype_name(dtype):
    return str(dtype).removeprefix("torch.")


@pytest.mark.parametrize("name, data", DATA, ids=[d[0] for d in DATA])
def test_tensor_infers_torch_dtype_and_copies(name, data):
    ours, theirs = tg.tensor(data), torch.tensor(data)
    assert ours.dtype.name == _dtype_name(theirs.dtype), name
    assert ours.shape == tuple(theirs.shape)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    if isinstance(data, np.ndarray) and data.size:
        data[...] = 0  # tensor() copies: the array's owner may change it
        assert ours.numpy().any()


@pytest.mark.parametrize("dtype, torch_dtype", [("float64", "float64"), ("float16", "float16"), ("int32", "int32")])
def test_tensor_takes_dtype_and_requires_grad(dtype, torch_dtype):
    ours = tg.tensor([1, 2], dtype=getattr(tg, dtype), requires_grad=dtype.startswith("float"))
    theirs = torch.tensor([1, 2], dtype=getattr(torch, torch_dtype))
    assert ours.dtype.name == _dtype_name(theirs.dtype)
    assert ours.requires_grad == dtype.startswith("float") and ours.is_leaf
    with pytest.raises(TypeError, match="floating-point"):
        tg.tensor([1, 2], requires_grad=True)
    with pytest.raises(TypeError):
        tg.tensor([1, 2], dtype=tg.float32, device="cpu", requires_grad="yes")


@pytest.mark.parametrize("device", DEVICES)
def test_tensor_of_a_tensor_copies_out_of_the_graph_on_its_device(device):
    x = Tensor([1.0, 2.0], requires_grad=True, device=device) * 2
    with pytest.warns(UserWarning, match="detach"):
        y = tg.tensor(x)
    with pytest.warns(UserWarning):  # torch warns alike
        torch.tensor(torch.ones(2, requires_grad=True) * 2)
    assert y.device == device and not y.requires_grad and y.is_leaf
    np.testing.assert_array_equal(y.numpy(), [2.0, 4.0])


def test_from_numpy_shares_memory_both_ways():
    array = np.arange(6.0).reshape(2, 3)
    ours, theirs = tg.from_numpy(array), torch.from_numpy(array.copy())
    assert ours.dtype.name == _dtype_name(theirs.dtype) and ours.device == "cpu"
    array[0, 0] = 42.0
    assert ours[0, 0].item() == 42.0
    ours.add_(1.0)
    assert array[1, 2] == 6.0


@pytest.mark.parametrize("view", [lambda a: a.T, lambda a: a[:, ::2], lambda a: a[::-1]], ids=["T", "step", "reversed"])
def test_from_numpy_of_a_view_shares_that_view(view):
    base = np.arange(12.0).reshape(3, 4)
    t = tg.from_numpy(view(base))
    np.testing.assert_array_equal(t.numpy(), view(base))
    t.mul_(0.0)
    assert not view(base).any() and base.any() == (view(base).size < base.size)


@pytest.mark.parametrize("bad, error", [([1.0, 2.0], TypeError), (3.0, TypeError), (np.array(["a"]), TypeError),
                                        (np.array([1.0], ">f4"), ValueError)],
                         ids=["list", "float", "str", "big-endian"])
def test_from_numpy_refuses_what_torch_refuses(bad, error):
    with pytest.raises((TypeError, ValueError)):
        torch.from_numpy(bad)
    with pytest.raises(error, match="^from_numpy: "):
        tg.from_numpy(bad)


def test_from_numpy_refuses_a_tensor_and_the_wide_unsigned_dtypes():
    with pytest.raises(TypeError, match="^from_numpy: .*Tensor"):
        tg.from_numpy(Tensor([1.0]))
    with pytest.raises(TypeError, match="^from_numpy: .*uint16"):  # a documented difference: torch takes it
        tg.from_numpy(np.array([1], np.uint16))


def test_as_tensor_shares_when_nothing_changes_and_converts_otherwise():
    array = np.arange(3.0)
    shared = tg.as_tensor(array)
    array[0] = 9.0
    assert shared[0].item() == 9.0 == torch.as_tensor(array)[0].item()
    converted = tg.as_tensor(array, dtype=tg.float32)
    assert converted.dtype == np.float32 == tg.float32
    array[1] = -1.0
    assert converted[1].item() == 1.0  # a converted copy does not follow the array
    x = Tensor([1.0], requires_grad=True)
    assert tg.as_tensor(x) is x  # already a tensor of that dtype and device: itself, graph and all
    y = tg.as_tensor(x, dtype=tg.float64)
    y.sum().backward()  # a conversion stays differentiable, as torch.as_tensor's
    assert x.grad.item() == 1.0
    assert tg.as_tensor([1, 2]).dtype.name == _dtype_name(torch.as_tensor([1, 2]).dtype)


def test_as_tensor_errors_name_it():
    with pytest.raises(TypeError, match="^as_tensor: "):
        tg.as_tensor("text")
    with pytest.raises(ValueError, match="^as_tensor: "):
        tg.as_tensor([1.0], device="tpu")


NAMES = ["float", "double", "half", "long", "int", "short", "bool", "float16", "float32", "float64",
         "int8", "int16", "int32", "int64", "uint8"]


@pytest.mark.parametrize("name", NAMES)
def test_torch_dtype_names_mean_the_same_dtype(name):
    assert getattr(tg, name).name == _dtype_name(getattr(torch, name))
    assert tg.zeros(2, dtype=getattr(tg, name)).dtype == getattr(tg, name)


def test_dtype_names_do_not_leak_into_the_builtins():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert float("1.5") == 1.5 and int("3") == 3 and bool(0) is False
    assert tg.float is not float and tg.int is not int and tg.bool is not bool
