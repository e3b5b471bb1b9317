"""Elementwise ops agree with PyTorch: values, shapes, dtypes and every input's gradient.

Covered: + - * / ** (tensor**scalar, scalar**tensor, tensor**tensor), unary -, the
reflected forms with Python scalars, comparisons (bool results, no gradient),
exp log sqrt abs clip relu sigmoid tanh gelu leaky_relu softmax log_softmax,
maximum/minimum (ties split the gradient in half, as torch does), where, and the
dtype a binary op produces (torch's promotion rules).

Inputs come from tests/strategies.py: broadcast pairs of shapes with size-1 axes and
different ranks, non-contiguous layouts, float32 and float64. Ops with a kink or a
pole (abs, relu, leaky_relu at 0; clip at its bounds; 1/x at 0) are fed values kept
away from it by construction; the kinks whose gradient the contract fixes (clip's
inclusive bounds, maximum's ties) have tests of their own.
"""
import math
import operator

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from helpers import check_op, tolerance, torch
from strategies import (away_from, away_from_zero, broadcast_pair, float_dtypes, grid_values,
                        maybe_transposed, shapes, views)

import tinygrad_lite as tg  # noqa: F401  (the engine under test; F below is its functional API)
import tinygrad_lite.nn.functional as F
from tinygrad_lite.backend.numpy import NumpyBackend

TF = torch.nn.functional


def broadcast_factor(*input_shapes):
    """How many output elements feed one input element's gradient, at most (for the tolerance)."""
    out = math.prod(np.broadcast_shapes(*input_shapes))
    return max(out // max(math.prod(s), 1) for s in input_shapes)


def any_layout(array_strategy):
    return array_strategy.flatmap(maybe_transposed)


# ---------------------------------------------------------------- binary arithmetic

BINARY = {
    "add": operator.add,
    "sub": operator.sub,
    "mul": operator.mul,
    "truediv": operator.truediv,
}


@pytest.mark.parametrize("name", BINARY)
@given(data=st.data())
def test_binary_arithmetic_broadcasts_like_torch(device, name, data):
    dtype = data.draw(float_dtypes)
    shape_a, shape_b = data.draw(broadcast_pair())
    a = data.draw(views(shape_a, dtype))
    # the divisor stays at least 0.5 from 0, the pole of 1/b
    b_values = away_from_zero(shape_b, dtype, margin=0.5) if name == "truediv" else views(shape_b, dtype)
    b = data.draw(any_layout(b_values))
    op = BINARY[name]
    check_op(op, op, a, b, reduce_size=broadcast_factor(shape_a, shape_b), device=device)


@given(data=st.data())
def test_negation_matches_torch(device, data):
    x = data.draw(views(data.draw(shapes()), data.draw(float_dtypes)))
    check_op(operator.neg, operator.neg, x, device=device)


# scalar on the left: the tensor's __radd__ etc.; on the right: __add__ with a Python number
REFLECTED = {
    "2.5 + x": lambda x: 2.5 + x,
    "2.5 - x": lambda x: 2.5 - x,
    "2.5 * x": lambda x: 2.5 * x,
    "2.5 / x": lambda x: 2.5 / x,
    "x + 2": lambda x: x + 2,
    "x - 2": lambda x: x - 2,
    "3 * x": lambda x: 3 * x,
    "x / 4": lambda x: x / 4,
    "1 - x": lambda x: 1 - x,
}


@pytest.mark.parametrize("name", REFLECTED)
@given(data=st.data())
def test_python_scalar_operands_keep_tensor_dtype(device, name, data):
    dtype = data.draw(float_dtypes)
    # values at least 0.5 from 0 so that 2.5 / x stays away from its pole
    x = data.draw(any_layout(away_from_zero(data.draw(shapes()), dtype, margin=0.5)))
    fn = REFLECTED[name]
    out = check_op(fn, fn, x, device=device)
    assert out.dtype == dtype


# ---------------------------------------------------------------- powers

@pytest.mark.parametrize("exponent", [2, 3, -1, 2.0])
@given(data=st.data())
def test_tensor_to_integer_power_accepts_negative_bases(device, exponent, data):
    dtype = data.draw(float_dtypes)
    # bases of either sign, at least 0.25 from 0 (x ** -1 has a pole there)
    x = data.draw(any_layout(away_from_zero(data.draw(shapes()), dtype, margin=0.25)))
    check_op(lambda t: t ** exponent, lambda t: t ** exponent, x, device=device)


@pytest.mark.parametrize("exponent", [0.5, -1.5, 2.5, 1.0 / 3.0])
@given(data=st.data())
def test_positive_tensor_to_fractional_power(device, exponent, data):
    dtype = data.draw(float_dtypes)
    x = data.draw(views(data.draw(shapes()), dtype, low=0.1, high=3))
    check_op(lambda t: t ** exponent, lambda t: t ** exponent, x, device=device)


@pytest.mark.parametrize("base", [2.0, 0.5, math.e, 3])
@given(data=st.data())
def test_scalar_to_tensor_power(device, base, data):
    dtype = data.draw(float_dtypes)
    x = data.draw(views(data.draw(shapes()), dtype))
    check_op(lambda t: base ** t, lambda t: base ** t, x, device=device)


@given(data=st.data())
def test_tensor_to_tensor_power_with_positive_base(device, data):
    dtype = data.draw(float_dtypes)
    shape_a, shape_b = data.draw(broadcast_pair())
    base = data.draw(views(shape_a, dtype, low=0.1, high=3))
    exponent = data.draw(views(shape_b, dtype, low=-2, high=2))
    check_op(operator.pow, operator.pow, base, exponent,
             reduce_size=broadcast_factor(shape_a, shape_b), device=device)


# ---------------------------------------------------------------- comparisons

COMPARISONS = {
    "==": operator.eq, "!=": operator.ne, "<": operator.lt,
    "<=": operator.le, ">": operator.gt, ">=": operator.ge,
}


@pytest.mark.parametrize("name", COMPARISONS)
@given(data=st.data())
def test_comparisons_give_bool_without_gradient(device, name, data):
    dtype = data.draw(float_dtypes)
    shape_a, shape_b = data.draw(broadcast_pair())
    # a coarse grid of values, so equal pairs (where == and <= differ from <) are common
    a = data.draw(any_layout(grid_values(shape_a, dtype)))
    b = data.draw(any_layout(grid_values(shape_b, dtype)))
    op = COMPARISONS[name]
    out = check_op(op, op, a, b, device=device)  # inputs require grad; check_op asserts torch's dtype
    assert out.dtype == np.bool_
    assert not out.requires_grad


@pytest.mark.parametrize("name", COMPARISONS)
def test_comparison_with_python_scalar(device, name):
    x = np.array([[-1.0, 0.5, 1.0], [0.5, 2.0, 0.0]], dtype=np.float32)
    op = COMPARISONS[name]
    out = check_op(lambda t: op(t, 0.5), lambda t: op(t, 0.5), x, device=device)
    assert out.dtype == np.bool_


# ---------------------------------------------------------------- unary functions

def _values(low=-3, high=3):
    return lambda shape, dtype: views(shape, dtype, low, high)


def _off_zero(shape, dtype):
    # relu, abs and leaky_relu have a kink at 0: values are kept at least 0.1 from it
    return any_layout(away_from_zero(shape, dtype, margin=0.1))


# below x = -3 both float32 gelus lose ~1e-6 (the fp32 atol) to cancellation in 1 + erf
# and 1 + tanh, torch's included: parity stays in [-3, 3]; the tails are checked against
# float64 in test_gelu_float32_tails_match_float64 instead
_gelu_values = _values(-3, 3)

UNARY = {
    # name: (ours, torch's, values)
    "exp": (lambda x: x.exp(), torch.exp, _values()),
    "log": (lambda x: x.log(), torch.log, _values(0.1, 3)),
    "sqrt": (lambda x: x.sqrt(), torch.sqrt, _values(0.1, 3)),
    "abs": (lambda x: x.abs(), torch.abs, _off_zero),
    "relu": (lambda x: x.relu(), torch.relu, _off_zero),
    "F.relu": (F.relu, TF.relu, _off_zero),
    "sigmoid": (lambda x: x.sigmoid(), torch.sigmoid, _values(-8, 8)),
    "F.sigmoid": (F.sigmoid, torch.sigmoid, _values(-8, 8)),
    "tanh": (lambda x: x.tanh(), torch.tanh, _values()),
    "F.tanh": (F.tanh, torch.tanh, _values()),
    "gelu": (lambda x: x.gelu(), TF.gelu, _gelu_values),
    "gelu(none)": (lambda x: x.gelu(approximate="none"), lambda t: TF.gelu(t, approximate="none"),
                   _gelu_values),
    "gelu(tanh)": (lambda x: x.gelu(approximate="tanh"), lambda t: TF.gelu(t, approximate="tanh"),
                   _gelu_values),
    "F.gelu(none)": (lambda x: F.gelu(x, approximate="none"), lambda t: TF.gelu(t, approximate="none"),
                     _gelu_values),
    "F.gelu(tanh)": (lambda x: F.gelu(x, approximate="tanh"), lambda t: TF.gelu(t, approximate="tanh"),
                     _gelu_values),
    "leaky_relu": (lambda x: x.leaky_relu(), TF.leaky_relu, _off_zero),
    "leaky_relu(0.2)": (lambda x: x.leaky_relu(0.2), lambda t: TF.leaky_relu(t, 0.2), _off_zero),
    "F.leaky_relu(0.3)": (lambda x: F.leaky_relu(x, negative_slope=0.3),
                          lambda t: TF.leaky_relu(t, negative_slope=0.3), _off_zero),
}


@pytest.mark.parametrize("name", UNARY)
@given(data=st.data())
def test_unary_function_matches_torch(device, name, data):
    ours, theirs, values = UNARY[name]
    x = data.draw(values(data.draw(shapes()), data.draw(float_dtypes)))
    check_op(ours, theirs, x, device=device)


def test_sigmoid_saturates_without_overflow(device):
    # the stable form never evaluates exp(+large): no inf, no nan, gradients 0 at the tails
    x = np.array([-1e4, -100.0, -30.0, 0.0, 30.0, 100.0, 1e4], dtype=np.float32)
    out = check_op(lambda t: t.sigmoid(), torch.sigmoid, x, device=device)
    assert np.all(np.isfinite(out.numpy()))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_exact_gelu_gradient_near_zero_subnormal_and_in_the_tails(dtype):
    # The backward recovers Phi(x) as gelu(x) / x; where that division would lose digits
    # (subnormal x, or 0) it takes Phi = 1/2. Compared with torch in float64.
    info = np.finfo(dtype)
    x = np.array([0.0, -0.0, info.smallest_subnormal, -info.smallest_subnormal, info.tiny, -3 * info.tiny,
                  1e-30, -1e-8, 0.5, -0.5, 3.0, -3.0, -9.0, -13.0, -30.0, 12.0], dtype=dtype)
    ours = tg.Tensor(x, requires_grad=True)
    ours.gelu().backward(tg.Tensor(np.ones_like(x)))
    exact = torch.from_numpy(x.astype(np.float64)).requires_grad_()
    TF.gelu(exact).backward(torch.ones(len(x), dtype=torch.float64))
    rtol, atol = tolerance(dtype)
    np.testing.assert_allclose(ours.grad.numpy(), exact.grad.numpy(), rtol=rtol, atol=atol)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("approximate", ["none", "tanh"])
def test_gelu_derivative_from_the_forward_matches_the_backward_and_torch(dtype, approximate):
    # The forward may hand its backward the derivative (gelu_with_derivative); the
    # backward alone computes it from x and y. Both routes, against torch in float64,
    # over both tails, zero of either sign and subnormals.
    info = np.finfo(dtype)
    x = np.concatenate([np.linspace(-9, 9, 721), [0.0, -0.0, info.smallest_subnormal, -info.tiny, 1e-3, -1e-3]])
    x = x.astype(dtype)
    y, derivative = NumpyBackend.gelu_with_derivative(x, approximate)
    assert y.dtype == dtype and derivative.dtype == dtype and derivative.shape == x.shape
    np.testing.assert_array_equal(y, NumpyBackend.gelu(x, approximate))
    from_backward = NumpyBackend.gelu_backward(x, y, np.ones_like(x), approximate)
    exact = torch.from_numpy(x.astype(np.float64)).requires_grad_()
    TF.gelu(exact, approximate=approximate).sum().backward()
    rtol, atol = tolerance(dtype)
    for got in (derivative, from_backward):
        np.testing.assert_allclose(got.astype(np.float64), exact.grad.numpy(), rtol=rtol, atol=atol)


def test_relu_gradient_at_nan_and_inf_matches_torch():
    # relu's backward zeroes the gradient where x <= 0; a nan input passes it, as torch's does,
    # and an inf or nan in the incoming gradient stays where x > 0 and is zeroed elsewhere
    x = np.array([np.nan, -1.0, 0.0, 2.0, -3.0, 4.0], dtype=np.float32)
    g = np.array([5.0, np.inf, np.nan, np.inf, -np.inf, np.nan], dtype=np.float32)
    for grad in (np.ones_like(x), g):
        ours = tg.Tensor(x, requires_grad=True)
        ours.relu().backward(tg.Tensor(grad))
        theirs = torch.from_numpy(x.copy()).requires_grad_()
        torch.relu(theirs).backward(torch.from_numpy(grad.copy()))
        np.testing.assert_array_equal(ours.grad.numpy(), theirs.grad.numpy())


@pytest.mark.parametrize("approximate", ["none", "tanh"])
def test_gelu_float32_tails_match_float64(device, approximate):
    # float32 value and gradient against torch's float64 ones on the same inputs, far
    # into both tails, with the float32 tolerance
    x = np.linspace(-8, 8, 1601).astype(np.float32)
    ours = tg.Tensor(x, requires_grad=True, device=device)
    out = ours.gelu(approximate=approximate)
    out.sum().backward()
    exact = torch.from_numpy(x.astype(np.float64)).requires_grad_(True)
    exact_out = TF.gelu(exact, approximate=approximate)
    exact_out.sum().backward()
    rtol, atol = tolerance(np.float32)
    np.testing.assert_allclose(out.numpy(), exact_out.detach().numpy(), rtol=rtol, atol=atol,
                               err_msg="forward")
    np.testing.assert_allclose(ours.grad.numpy(), exact.grad.numpy(), rtol=rtol, atol=atol,
                               err_msg="gradient")


# ---------------------------------------------------------------- clip

CLIP_BOUNDS = [(-1.0, 1.5), (-0.5, None), (None, 0.25)]


@pytest.mark.parametrize("lo,hi", CLIP_BOUNDS)
@given(data=st.data())
def test_clip_matches_clamp_away_from_bounds(device, lo, hi, data):
    dtype = data.draw(float_dtypes)
    # the gradient jumps at each bound: values stay at least 0.05 from them
    bounds = [b for b in (lo, hi) if b is not None]
    x = data.draw(any_layout(away_from(bounds, data.draw(shapes()), dtype, margin=0.05)))
    check_op(lambda t: t.clip(lo, hi), lambda t: torch.clamp(t, lo, hi), x, device=device)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("lo,hi", [(-0.5, 0.5), (-0.5, None), (None, 0.5)])
def test_clip_gradient_is_one_on_the_bounds(device, dtype, lo, hi):
    # torch.clamp passes the gradient where lo <= x <= hi, bounds included
    x = np.array([-1.0, -0.5, 0.0, 0.5, 1.0], dtype=dtype)
    check_op(lambda t: t.clip(lo, hi), lambda t: torch.clamp(t, lo, hi), x, device=device)


# ---------------------------------------------------------------- softmax, log_softmax

SOFTMAXES = {
    "softmax": (lambda x, axis: x.softmax(axis), lambda t, axis: torch.softmax(t, dim=axis)),
    "log_softmax": (lambda x, axis: x.log_softmax(axis), lambda t, axis: torch.log_softmax(t, dim=axis)),
    "F.softmax": (lambda x, axis: F.softmax(x, axis=axis), lambda t, axis: TF.softmax(t, dim=axis)),
    "F.log_softmax": (lambda x, axis: F.log_softmax(x, axis=axis),
                      lambda t, axis: TF.log_softmax(t, dim=axis)),
}


@pytest.mark.parametrize("name", SOFTMAXES)
@given(data=st.data())
def test_softmax_family_over_any_axis(device, name, data):
    dtype = data.draw(float_dtypes)
    shape = data.draw(shapes(min_dims=1))
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    x = data.draw(views(shape, dtype, low=-5, high=5))
    ours, theirs = SOFTMAXES[name]
    check_op(lambda t: ours(t, axis), lambda t: theirs(t, axis), x,
             reduce_size=shape[axis], device=device)


@pytest.mark.parametrize("name", SOFTMAXES)
def test_softmax_family_default_axis(device, name):
    # The methods default to the last axis (torch requires the argument there). F.softmax and
    # F.log_softmax without dim follow torch: an implicit axis, 0 for a 3-d input, with a warning.
    x = np.random.default_rng(1).standard_normal((3, 4, 5))
    theirs = SOFTMAXES[name][1]
    if name.startswith("F."):
        ours = {"F.softmax": F.softmax, "F.log_softmax": F.log_softmax}[name]
        with pytest.warns(UserWarning, match="implicit"):
            check_op(ours, lambda t: theirs(t, 0), x, reduce_size=3, device=device)
        return
    ours = {"softmax": lambda t: t.softmax(), "log_softmax": lambda t: t.log_softmax()}[name]
    check_op(ours, lambda t: theirs(t, -1), x, reduce_size=5, device=device)


@pytest.mark.parametrize("name", SOFTMAXES)
@given(data=st.data())
def test_softmax_family_with_extreme_logits(device, name, data):
    # logits of +-1e4: exp overflows unless the row max is subtracted first
    dtype = data.draw(float_dtypes)
    shape = data.draw(shapes(min_dims=1, max_dims=3))
    x = data.draw(views(shape, dtype, low=-1e4, high=1e4))
    ours, theirs = SOFTMAXES[name]
    out = check_op(lambda t: ours(t, -1), lambda t: theirs(t, -1), x,
                   reduce_size=shape[-1], device=device)
    assert np.all(np.isfinite(out.numpy()))


# ---------------------------------------------------------------- maximum, minimum, where

EXTREMA = {
    "maximum": (lambda a, b: a.maximum(b), torch.maximum),
    "minimum": (lambda a, b: a.minimum(b), torch.minimum),
}


@pytest.mark.parametrize("name", EXTREMA)
@given(data=st.data())
def test_elementwise_extrema_with_broadcasting(device, name, data):
    dtype = data.draw(float_dtypes)
    shape_a, shape_b = data.draw(broadcast_pair())
    a = data.draw(views(shape_a, dtype))
    b = data.draw(views(shape_b, dtype))
    ours, theirs = EXTREMA[name]
    check_op(ours, theirs, a, b, reduce_size=broadcast_factor(shape_a, shape_b), device=device)


@pytest.mark.parametrize("name", EXTREMA)
@given(data=st.data())
def test_elementwise_extrema_split_gradient_at_ties(device, name, data):
    # a coarse grid makes a == b common; torch gives each side half the gradient there
    dtype = data.draw(float_dtypes)
    shape_a, shape_b = data.draw(broadcast_pair())
    a = data.draw(any_layout(grid_values(shape_a, dtype)))
    b = data.draw(any_layout(grid_values(shape_b, dtype)))
    ours, theirs = EXTREMA[name]
    check_op(ours, theirs, a, b, reduce_size=broadcast_factor(shape_a, shape_b), device=device)


def test_maximum_tie_gradient_is_half_each(device):
    a = tg.Tensor([1.0, 2.0, 3.0], requires_grad=True, device=device)
    b = tg.Tensor([1.0, 1.0, 4.0], requires_grad=True, device=device)
    a.maximum(b).sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), [0.5, 1.0, 0.0])
    np.testing.assert_array_equal(b.grad.numpy(), [0.5, 0.0, 1.0])


@given(data=st.data())
def test_where_broadcasts_condition_and_both_branches(device, data):
    dtype = data.draw(float_dtypes)
    shapes3 = data.draw(hnp.mutually_broadcastable_shapes(num_shapes=3, max_dims=4, max_side=5))
    cond_shape, a_shape, b_shape = shapes3.input_shapes
    cond = data.draw(hnp.arrays(np.bool_, cond_shape))
    a = data.draw(views(a_shape, dtype))
    b = data.draw(views(b_shape, dtype))
    check_op(tg.Tensor.where, torch.where, cond, a, b,
             reduce_size=broadcast_factor(*shapes3.input_shapes), device=device)


@pytest.mark.parametrize("side", ["a", "b"])
@given(data=st.data())
def test_where_with_a_scalar_branch(device, side, data):
    dtype = data.draw(float_dtypes)
    cond_shape, x_shape = data.draw(broadcast_pair())
    cond = data.draw(hnp.arrays(np.bool_, cond_shape))
    x = data.draw(views(x_shape, dtype))
    if side == "a":
        ours, theirs = (lambda c, t: tg.Tensor.where(c, t, 0.0)), (lambda c, t: torch.where(c, t, 0.0))
    else:
        ours, theirs = (lambda c, t: tg.Tensor.where(c, -1.5, t)), (lambda c, t: torch.where(c, -1.5, t))
    out = check_op(ours, theirs, cond, x, reduce_size=broadcast_factor(cond_shape, x_shape), device=device)
    assert out.dtype == dtype


# ---------------------------------------------------------------- dtype promotion

def _ints(shape, low=-3, high=3):
    return np.random.default_rng(2).integers(low, high + 1, size=shape).astype(np.int64)


def _floats(shape, dtype):
    return np.random.default_rng(3).uniform(-3, 3, size=shape).astype(dtype)


PROMOTIONS = {
    # name: (function used on both engines, inputs)
    "float32 + float64": (operator.add, (_floats((2, 3), np.float32), _floats((3,), np.float64))),
    "float64 * float32": (operator.mul, (_floats((2, 1), np.float64), _floats((2, 3), np.float32))),
    "float32 / float64": (operator.truediv, (_floats((4,), np.float32), _floats((4,), np.float64) + 5)),
    "int64 + float32": (operator.add, (_ints((2, 3)), _floats((2, 3), np.float32))),
    "float32 - int64": (operator.sub, (_floats((3,), np.float32), _ints((2, 3)))),
    "int64 * float64": (operator.mul, (_ints((3,)), _floats((3,), np.float64))),
    "int64 * 2.5": (lambda x: x * 2.5, (_ints((2, 3)),)),
    "2.5 * int64": (lambda x: 2.5 * x, (_ints((2, 3)),)),
    "int64 + 1.5": (lambda x: x + 1.5, (_ints((4,)),)),
    "int64 / int64": (operator.truediv, (_ints((2, 3)), _ints((2, 3), 1, 4))),
    "int64 / 2": (lambda x: x / 2, (_ints((5,)),)),
    "int64 + int64": (operator.add, (_ints((2, 3)), _ints((3,)))),
    "int64 * 2": (lambda x: x * 2, (_ints((2, 3)),)),
    "float32 * 2": (lambda x: x * 2, (_floats((2, 3), np.float32),)),
    "float32 + 1.5": (lambda x: x + 1.5, (_floats((2, 3), np.float32),)),
    "float64 - 1.5": (lambda x: x - 1.5, (_floats((2, 3), np.float64),)),
    "int64 < float32": (operator.lt, (_ints((2, 3)), _floats((2, 3), np.float32))),
}


@pytest.mark.parametrize("name", PROMOTIONS)
def test_binary_op_result_dtype_follows_torch(device, name):
    # check_op asserts the result dtype equals torch's, the values, and that each float
    # input's gradient keeps that input's dtype (a float32 leaf gets a float32 grad)
    fn, arrays = PROMOTIONS[name]
    check_op(fn, fn, *arrays, device=device)
