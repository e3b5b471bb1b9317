"""Bad input fails at the op that received it, with the designed exception and a useful message.

Proves: shape problems (broadcasting in add/sub/mul/div, matmul, reshape, expand,
cat, stack) raise ValueError whose message names the op and the shapes involved as
Python tuples, e.g. "(2, 3)"; out-of-range indices raise IndexError naming the
tensor's shape; bad axes for transpose, permute, squeeze/unsqueeze, sum and softmax
name the op and the shape; dtype problems (integer tensors requiring grad, the mean
of an integer tensor) raise TypeError. Where torch also refuses the input, the test
checks that it does, so no case here is one torch would accept. Matching the message
for "(2, 3)" (with the space) also rules out numpy's own messages, which print "(2,3)".
"""
import re

import numpy as np
import pytest

from helpers import check_raises, torch

import tinygrad_lite as tg
import tinygrad_lite.nn.functional as F
from tinygrad_lite import Tensor


def mentioning(*parts):
    """A regex that matches a message containing every one of `parts`, in any order."""
    return "(?s)" + "".join(f"(?=.*{re.escape(part)})" for part in parts)


def ones(*shape):
    return np.ones(shape)


# (id, ours, torch's twin, input arrays, exception, what the message must mention)
SHAPE_ERRORS = [
    ("add", lambda a, b: a + b, lambda a, b: a + b, [ones(2, 3), ones(4)], ["add", "(2, 3)", "(4,)"]),
    ("add 3-d", lambda a, b: a + b, lambda a, b: a + b, [ones(2, 3, 4), ones(3, 3, 4)],
     ["add", "(2, 3, 4)", "(3, 3, 4)"]),
    ("mul", lambda a, b: a * b, lambda a, b: a * b, [ones(3, 2), ones(3)], ["mul", "(3, 2)", "(3,)"]),
    ("sub", lambda a, b: a - b, lambda a, b: a - b, [ones(2, 3), ones(2)], ["(2, 3)", "(2,)"]),
    ("div", lambda a, b: a / b, lambda a, b: a / b, [ones(5, 2), ones(2, 5, 3)], ["(5, 2)", "(2, 5, 3)"]),
    ("matmul", lambda a, b: a @ b, torch.matmul, [ones(2, 3), ones(4, 5)], ["matmul", "(2, 3)", "(4, 5)"]),
    ("reshape", lambda a: a.reshape(4, 2), lambda a: a.reshape(4, 2), [ones(2, 3)],
     ["reshape", "(2, 3)", "(4, 2)"]),
    ("reshape -1", lambda a: a.reshape(4, -1), lambda a: a.reshape(4, -1), [ones(2, 3)], ["reshape", "(2, 3)"]),
    ("reshape two -1", lambda a: a.reshape(-1, -1), lambda a: a.reshape(-1, -1), [ones(2, 3)],
     ["reshape", "(2, 3)"]),
    ("expand", lambda a: a.expand(4, 3), lambda a: a.expand(4, 3), [ones(2, 3)], ["expand", "(2, 3)", "(4, 3)"]),
    ("expand fewer dims", lambda a: a.expand(3), lambda a: a.expand(3), [ones(2, 3)],
     ["expand", "(2, 3)", "(3,)"]),
    ("cat", lambda a, b: Tensor.cat([a, b], axis=0), lambda a, b: torch.cat([a, b], dim=0),
     [ones(2, 3), ones(2, 4)], ["cat", "(2, 3)", "(2, 4)"]),
    ("cat ranks", lambda a, b: Tensor.cat([a, b], axis=0), lambda a, b: torch.cat([a, b], dim=0),
     [ones(2, 3), ones(3)], ["cat", "(2, 3)", "(3,)"]),
    ("cat axis -1", lambda a, b, c: Tensor.cat([a, b, c], axis=-1), lambda a, b, c: torch.cat([a, b, c], dim=-1),
     [ones(2, 1), ones(2, 2), ones(3, 2)], ["cat", "(3, 2)"]),
    ("stack", lambda a, b: Tensor.stack([a, b]), lambda a, b: torch.stack([a, b]), [ones(2, 3), ones(3, 2)],
     ["stack", "(2, 3)", "(3, 2)"]),
    ("stack ranks", lambda a, b: Tensor.stack([a, b], axis=1), lambda a, b: torch.stack([a, b], dim=1),
     [ones(2, 3), ones(2, 3, 1)], ["stack", "(2, 3)", "(2, 3, 1)"]),
]


@pytest.mark.parametrize("ours, theirs, arrays, mentions",
                         [case[1:] for case in SHAPE_ERRORS], ids=[case[0] for case in SHAPE_ERRORS])
def test_shape_errors_raise_value_error_naming_op_and_shapes(device, ours, theirs, arrays, mentions):
    check_raises(ours, theirs, *arrays, error=ValueError, match=mentioning(*mentions), device=device)


INDEX_ERRORS = [
    ("int past the end", lambda t: t[3]),
    ("negative int past the start", lambda t: t[-4]),
    ("second axis", lambda t: t[0, 4]),
    ("after a slice", lambda t: t[:, -5]),
    ("int array", lambda t: t[np.array([0, 3])]),
    ("negative int array", lambda t: t[np.array([-4, 1])]),
    ("int list", lambda t: t[[1, 5]]),
    ("int tensor", lambda t: t[Tensor(np.array([2, 3]))]),
    ("too many indices", lambda t: t[0, 0, 0]),
    ("bool mask of the wrong shape", lambda t: t[np.ones(4, dtype=bool)]),
]


@pytest.mark.parametrize("index_fn", [case[1] for case in INDEX_ERRORS], ids=[case[0] for case in INDEX_ERRORS])
def test_out_of_range_index_raises_index_error_naming_the_shape(device, index_fn):
    def theirs(t):  # the same index, with numpy arrays and Tensors turned into torch tensors
        class Recorder:
            def __getitem__(self, index):
                return index
        index = index_fn(Recorder())
        parts = index if isinstance(index, tuple) else (index,)
        parts = tuple(torch.from_numpy(p) if isinstance(p, np.ndarray)
                      else torch.from_numpy(p.numpy()) if isinstance(p, Tensor) else p for p in parts)
        return t[parts]

    check_raises(index_fn, theirs, np.ones((3, 4)), error=IndexError, match=re.escape("(3, 4)"), device=device)


# (id, ours, torch's twin, the exception torch's own type maps to, what the message must mention)
AXIS_ERRORS = [
    ("transpose", lambda t: t.transpose(0, 2), lambda t: t.transpose(0, 2), IndexError, ["transpose", "(2, 3)"]),
    ("transpose negative", lambda t: t.transpose(-3, 1), lambda t: t.transpose(-3, 1), IndexError,
     ["transpose", "(2, 3)"]),
    ("permute too few", lambda t: t.permute(0), lambda t: t.permute(0), ValueError, ["permute", "(2, 3)"]),
    ("permute repeated", lambda t: t.permute(0, 0), lambda t: t.permute(0, 0), ValueError, ["permute", "(2, 3)"]),
    ("permute out of range", lambda t: t.permute(0, 2), lambda t: t.permute(0, 2), IndexError,
     ["permute", "(2, 3)"]),
    ("permute far out of range", lambda t: t.permute(3, 0), lambda t: t.permute(3, 0), IndexError,
     ["permute", "(2, 3)"]),
    ("unsqueeze", lambda t: t.unsqueeze(3), lambda t: t.unsqueeze(3), IndexError, ["unsqueeze", "(2, 3)"]),
    ("squeeze", lambda t: t.squeeze(2), lambda t: t.squeeze(2), IndexError, ["squeeze", "(2, 3)"]),
    ("sum", lambda t: t.sum(axis=2), lambda t: t.sum(dim=2), IndexError, ["sum", "(2, 3)"]),
    ("softmax", lambda t: t.softmax(axis=2), lambda t: t.softmax(dim=2), IndexError, ["softmax", "(2, 3)"]),
    ("F.softmax", lambda t: F.softmax(t, axis=-3), lambda t: torch.softmax(t, dim=-3), IndexError,
     ["softmax", "(2, 3)"]),
    ("log_softmax", lambda t: t.log_softmax(axis=5), lambda t: t.log_softmax(dim=5), IndexError,
     ["log_softmax", "(2, 3)"]),
]


@pytest.mark.parametrize("ours, theirs, error, mentions", [case[1:] for case in AXIS_ERRORS],
                         ids=[case[0] for case in AXIS_ERRORS])
def test_bad_axis_raises_naming_op_and_shape(device, ours, theirs, error, mentions):
    # A dim outside [-ndim, ndim) is torch's IndexError ("Dimension out of range"); a list of
    # dims that is not a permutation is a ValueError (torch: RuntimeError, which the design
    # keeps for graph misuse). The op and the shape in the message are not negotiable.
    check_raises(ours, theirs, ones(2, 3), error=error, match=mentioning(*mentions), device=device)


@pytest.mark.parametrize("data", [[1, 2], np.array([True, False]), np.arange(3, dtype=np.int32)], ids=repr)
def test_integer_tensor_requiring_grad_raises_type_error(device, data):
    with pytest.raises(RuntimeError):
        torch.tensor(data, requires_grad=True)
    with pytest.raises(TypeError):
        Tensor(data, requires_grad=True, device=device)


def test_mean_of_an_integer_tensor_raises_type_error(device):
    check_raises(lambda t: t.mean(), lambda t: t.mean(), np.arange(4), error=TypeError, match="mean",
                 device=device)


def test_errors_are_not_raised_lazily_at_backward(device):
    # The error belongs to the op that received the bad input, not to a later backward pass.
    x = Tensor(np.ones((2, 3)), requires_grad=True, device=device)
    with pytest.raises(ValueError):
        x + Tensor(np.ones(4), device=device)
    with pytest.raises(ValueError):
        x.reshape(5)
    assert tg.is_grad_enabled()
