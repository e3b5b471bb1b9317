"""Edges of the tensor surface that the differential fuzzer found, each held against torch.

Every 0-d result is an array (numpy turns arithmetic and comparisons on 0-d arrays into
scalars, which are read-only and not what a tensor holds); integer inputs to logsumexp
become float32 as torch's do; a 0-d softmax is one element along no axis; bool tensors
have no argmax, argmin or matmul; copy_ moves values between devices; and `.grad` and
`.requires_grad` check what is assigned to them.
"""
import numpy as np
import pytest

from conftest import DEVICES
from helpers import check_op, check_raises, to_torch, torch

import tinygrad_lite as tg
from tinygrad_lite import Tensor


# ---- every tensor holds an array, never a numpy scalar ---------------------------------

ZERO_D = [
    ("compare int with float", lambda x: x < 0.5),
    ("compare with itself", lambda x: x >= x),
    ("equal a number", lambda x: x == 3),
    ("argmax of everything", lambda x: x.argmax()),
    ("sum of everything", lambda x: x.sum()),
]


@pytest.mark.parametrize("name, fn", ZERO_D, ids=[c[0] for c in ZERO_D])
@pytest.mark.parametrize("device", DEVICES)
def test_zero_d_results_are_arrays_that_update_in_place(name, fn, device):
    x = Tensor(np.array(3, np.int64), device=device)
    out = fn(x)
    theirs = fn(torch.tensor(3))
    assert out.shape == () and out.numpy().shape == ()
    assert not isinstance(out.array, np.generic), f"{name}: holds {type(out.array).__name__}"
    np.testing.assert_array_equal(out.numpy(), theirs.numpy())
    out.zero_()  # a numpy scalar would be read-only here
    assert out.item() == 0


def test_zero_d_leaf_gradient_is_an_array():
    x = Tensor(2.0, requires_grad=True)
    (x * x).backward()
    (x * 3).backward()  # the second backward adds into the first
    assert not isinstance(x.grad.array, np.generic)
    assert x.grad.shape == () and x.grad.item() == 7.0


# ---- integer inputs, 0-d inputs ---------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.int32, np.int64, np.bool_])
@pytest.mark.parametrize("shape, dim", [((), -1), ((3,), 0), ((2, 3), 1)])
def test_logsumexp_of_integers_is_float32_as_torch(dtype, shape, dim):
    x = np.asarray(np.arange(int(np.prod(shape))).reshape(shape) % 3).astype(dtype)
    check_op(lambda t: t.logsumexp(dim, keepdim=True), lambda t: torch.logsumexp(t, dim, keepdim=True), x)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("op", ["softmax", "log_softmax"])
def test_softmax_of_a_zero_d_tensor(op, dtype, device):
    x = np.array(1.5, dtype)
    check_op(lambda t: getattr(t, op)(-1), lambda t: getattr(t, op)(-1), x, device=device)
    check_op(lambda t: getattr(t, op)(0), lambda t: getattr(t, op)(0), x, device=device)


BOOL_REFUSED = [
    ("argmax", lambda t: t.argmax(), lambda t: t.argmax()),
    ("argmax", lambda t: t.argmax(-1), lambda t: t.argmax(-1)),
    ("argmin", lambda t: t.argmin(0), lambda t: t.argmin(0)),
    ("matmul", lambda t: t @ t, lambda t: t @ t),
]


@pytest.mark.parametrize("name, ours, theirs", BOOL_REFUSED, ids=[f"{c[0]}-{i}" for i, c in enumerate(BOOL_REFUSED)])
@pytest.mark.parametrize("shape", [(2,), (2, 2)])
def test_bool_tensors_have_no_argmax_argmin_or_matmul(name, ours, theirs, shape):
    mask = np.array([[True, False], [False, True]])[: shape[0]].reshape(shape) if len(shape) == 2 \
        else np.array([True, False])
    check_raises(ours, theirs, mask, error=TypeError, match=f"^{name}: .*bool")


# ---- copy_ between devices --------------------------------------------------------------

@pytest.mark.skipif("interp" not in DEVICES, reason="needs the interp device: pip install -e '.[kernels]'")
@pytest.mark.parametrize("source_device, target_device", [("cpu", "interp"), ("interp", "cpu")])
def test_copy_moves_values_between_devices_as_torch(source_device, target_device):
    source = np.array([[1.5, -2.0, 3.25]], np.float64)
    target = Tensor(np.zeros((2, 3), np.float32), device=target_device)
    target.copy_(Tensor(source, device=source_device))
    expected = torch.zeros(2, 3).copy_(to_torch(source))  # torch converts and broadcasts
    assert target.device == target_device and target.dtype == np.float32
    np.testing.assert_array_equal(target.numpy(), expected.numpy())


# ---- what may be assigned to .grad and .requires_grad -----------------------------------

def _leaf(dtype=np.float32):
    return np.ones((2, 3), dtype)


ASSIGNMENTS = [
    ("grad a string", "grad", lambda m: "x", TypeError),
    ("grad a list", "grad", lambda m: [1.0, 2.0], TypeError),
    ("grad a numpy array", "grad", lambda m: np.ones((2, 3), np.float32), TypeError),
    ("grad of another shape", "grad", lambda m: m.zeros(3, 2), ValueError),
    ("grad of another dtype", "grad", lambda m: m.zeros(2, 3, dtype=m.float64), TypeError),
    ("requires_grad a string", "requires_grad", lambda m: "yes", TypeError),
    ("requires_grad a number", "requires_grad", lambda m: 1, TypeError),
]


@pytest.mark.parametrize("name, field, value, error", ASSIGNMENTS, ids=[c[0] for c in ASSIGNMENTS])
def test_bad_assignments_to_grad_and_requires_grad_raise_as_in_torch(name, field, value, error):
    theirs = torch.from_numpy(_leaf())
    with pytest.raises((TypeError, RuntimeError, ValueError)):
        setattr(theirs, field, value(torch))
    ours = Tensor(_leaf())
    with pytest.raises(error, match=f"^{field}"):
        setattr(ours, field, value(tg))
    assert getattr(ours, field) in (None, False), f"{name}: the refused value was kept"


def test_good_assignments_to_grad_and_requires_grad():
    x = Tensor(_leaf())
    x.requires_grad = True
    x.grad = tg.ones(2, 3)
    (x * 2).sum().backward()  # accumulates into the assigned gradient
    np.testing.assert_array_equal(x.grad.numpy(), np.full((2, 3), 3.0, np.float32))
    x.grad = None
    assert x.grad is None
    x.requires_grad = False
    assert not x.requires_grad


def test_integer_tensors_cannot_be_switched_to_requires_grad_by_assignment():
    with pytest.raises(RuntimeError):  # torch
        torch.zeros(2, dtype=torch.int64).requires_grad = True
    with pytest.raises(TypeError, match="floating-point"):
        Tensor([1, 2]).requires_grad = True


def test_a_computed_tensor_cannot_drop_requires_grad():
    y = torch.ones(2, requires_grad=True) * 2
    with pytest.raises(RuntimeError, match="leaf"):
        y.requires_grad = False
    ours = Tensor([1.0, 1.0], requires_grad=True) * 2
    with pytest.raises(RuntimeError, match="leaf"):
        ours.requires_grad = False


# ---- float16 meets a number in float32, as torch's "opmath" ------------------------------

HALF_WITH_NUMBERS = [
    ("divide by 2**16", lambda x: x / 65536),
    ("multiply by 1e5", lambda x: x * 100000),
    ("multiply by the largest int64", lambda x: x * (2 ** 63 - 1)),
    ("add 1e5", lambda x: x + 100000),
    ("subtract a tenth", lambda x: x - 0.1),
    ("square", lambda x: x ** 2),
]


@pytest.mark.parametrize("name, fn", HALF_WITH_NUMBERS, ids=[c[0] for c in HALF_WITH_NUMBERS])
@pytest.mark.parametrize("device", DEVICES)
def test_float16_with_a_number_is_computed_in_float32_and_rounded_once(name, fn, device):
    x = np.array([-0.0, 1e-4, 2e-4, 0.5, 3.0], np.float16)
    check_op(fn, fn, x, device=device)


@pytest.mark.parametrize("other", [np.array(70000), np.array(2 ** 40), np.array(1e-8)],
                         ids=["int 70000", "int 2**40", "float64 1e-8"])
def test_float16_with_a_0d_tensor_of_another_dtype_is_computed_in_float32(other):
    x = np.array([1e-4, 2e-4, -0.0], np.float16)
    check_op(lambda t: t * Tensor(other), lambda t: t * to_torch(other), x)
    # torch converts a 0-d first operand to float16 before multiplying (70000 becomes inf), but
    # not a 0-d second one; the engine computes both orders alike, so a product commutes
    np.testing.assert_array_equal((Tensor(other) * Tensor(x)).numpy(), (Tensor(x) * Tensor(other)).numpy())


# ---- a selection passes a NaN gradient only to what it selected --------------------------

SELECTIONS = [
    ("max", lambda t: t.max()),
    ("min", lambda t: t.min()),
    ("max(dim)", lambda t: t.max(0).values),
    ("relu", lambda t: t.relu()),
    ("clip", lambda t: t.clip(0, 2)),
    ("slice", lambda t: t[1:3]),
]


@pytest.mark.parametrize("name, fn", SELECTIONS, ids=[c[0] for c in SELECTIONS])
@pytest.mark.parametrize("upstream", [np.nan, np.inf], ids=["nan", "inf"])
def test_a_nan_or_inf_gradient_reaches_only_the_selected_positions(name, fn, upstream):
    x = np.array([1.0, 3.0, -2.0, 3.0])
    ours, theirs = Tensor(x, requires_grad=True), to_torch(x, requires_grad=True)
    out_ours, out_theirs = fn(ours), fn(theirs)
    out_ours.backward(Tensor(np.full(out_ours.shape, upstream)))
    out_theirs.backward(torch.full(out_theirs.shape, upstream, dtype=torch.float64))
    np.testing.assert_array_equal(ours.grad.numpy(), theirs.grad.numpy(), err_msg=name)


def test_amax_gives_exactly_zero_to_positions_that_did_not_win():
    x = Tensor(np.array([[1.0, 3.0], [3.0, -2.0]]), requires_grad=True)
    x.amax(1).backward(Tensor(np.array([np.nan, 1.0])))
    np.testing.assert_array_equal(x.grad.numpy(), [[0.0, np.nan], [1.0, 0.0]])
