"""Elementwise math agrees with PyTorch: values, dtypes and gradients, on every device.

Covered: sin cos tan asin acos atan sinh cosh asinh acosh atanh, log2 log10 log1p expm1
exp2 rsqrt reciprocal square, erf erfc, sign sgn floor ceil round(decimals) trunc frac,
and atan2 hypot logaddexp xlogy of two broadcast tensors.

Values for the gradient comparisons are drawn inside each op's domain, kept away from
its poles and kinks by construction (the `low`/`high` of each row: tan stays inside
(-1.4, 1.4), asin/acos/atanh inside (-0.95, 0.95), acosh above 1.05, the logs and rsqrt
above 0.05, reciprocal at least 0.1 from 0; atan2 and hypot keep one argument at least
0.1 from 0, so the origin is never sampled; xlogy's y stays above 0.05). The edges
themselves (NaN, +-inf, +-0, the domain's ends, poles) have their own rows, compared
with torch value for value, gradient for gradient, and sign of zero for sign of zero.
"""
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import check_op, to_torch, torch
from strategies import away_from_zero, broadcast_pair, float_dtypes, shapes, views

import tinygrad_lite as tg
from tinygrad_lite.backend import special


def method(name, *args, **kwargs):
    return lambda t: getattr(t, name)(*args, **kwargs)


# torch's sgn returns its (zero) gradient as a ZeroTensor, which cannot become a numpy array;
# for real tensors sgn is sign, so sign is its twin.
TORCH_TWIN = {"sgn": "sign"}


def torch_fn(name, *args, **kwargs):
    name = TORCH_TWIN.get(name, name)
    return lambda t: getattr(torch, name)(t, *args, **kwargs)


# name -> (low, high) of the values drawn for the parity and gradient tests (see the docstring)
SMOOTH = {
    "sin": (-6, 6), "cos": (-6, 6), "tan": (-1.4, 1.4),
    "asin": (-0.95, 0.95), "acos": (-0.95, 0.95), "atan": (-5, 5),
    "sinh": (-5, 5), "cosh": (-5, 5), "asinh": (-5, 5), "acosh": (1.05, 5), "atanh": (-0.95, 0.95),
    "log2": (0.05, 10), "log10": (0.05, 10), "log1p": (-0.95, 10), "expm1": (-5, 5), "exp2": (-10, 10),
    "rsqrt": (0.05, 10), "reciprocal": (-5, 5), "square": (-5, 5),
    "erf": (-4, 4), "erfc": (-4, 4),
}
POLE_AT_ZERO = {"reciprocal"}  # drawn at least 0.1 from 0
# Piecewise constant (gradient 0) or with gradient 1 (frac): any value is safe to draw.
ROUNDING = ["sign", "sgn", "floor", "ceil", "round", "trunc", "frac"]
UNARY = list(SMOOTH) + ROUNDING


def _values(name, shape, dtype):
    if name in POLE_AT_ZERO:
        return away_from_zero(shape, dtype, low=-5, high=5, margin=0.1)
    low, high = SMOOTH.get(name, (-5, 5))
    return views(shape, dtype, low=low, high=high)


# ---------------------------------------------------------------- parity inside the domain

@pytest.mark.parametrize("name", UNARY)
@given(data=st.data())
def test_unary_matches_torch_inside_its_domain(device, name, data):
    dtype = data.draw(float_dtypes)
    x = data.draw(_values(name, data.draw(shapes()), dtype))
    out = check_op(method(name), torch_fn(name), x, device=device)
    assert out.dtype == dtype


@pytest.mark.parametrize("name", UNARY)
def test_float16_computes_in_float32_and_rounds_once(device, name):
    low, high = SMOOTH.get(name, (-5, 5))
    x = np.linspace(low, high, 37)
    if name in POLE_AT_ZERO:
        x = x[np.abs(x) >= 0.1]
    x = x.astype(np.float16)
    out = check_op(method(name), torch_fn(name), x, device=device)
    assert out.dtype == np.float16
    # the forward is f computed in float32, rounded once to float16
    if name in SMOOTH:
        expected = torch_fn(name)(torch.from_numpy(x.astype(np.float32))).numpy().astype(np.float16)
        np.testing.assert_array_equal(out.numpy(), expected)


@pytest.mark.parametrize("decimals", [-2, -1, 0, 1, 3])
@given(data=st.data())
def test_round_to_decimals_matches_torch(device, decimals, data):
    dtype = data.draw(st.sampled_from([np.float16, np.float32, np.float64]))
    x = data.draw(views(data.draw(shapes()), dtype, low=-500, high=500))
    check_op(method("round", decimals=decimals), torch_fn("round", decimals=decimals), x, device=device)


def test_round_halves_go_to_even(device):
    x = np.array([0.5, 1.5, 2.5, -0.5, -2.5, 0.125, 0.375], np.float64)
    check_op(method("round"), torch_fn("round"), x, device=device)
    check_op(method("round", decimals=2), torch_fn("round", decimals=2), x, device=device)
    assert tg.Tensor(x, device=device).round().tolist()[:5] == [0.0, 2.0, 2.0, -0.0, -2.0]


# ---------------------------------------------------------------- float64 finite differences

@pytest.mark.parametrize("name", [n for n in UNARY if n not in ("sign", "sgn", "floor", "ceil", "round", "trunc")])
@given(data=st.data())
def test_unary_gradcheck_float64(name, data):
    x = data.draw(_values(name, data.draw(shapes(max_dims=2)), np.float64))
    if name == "frac":  # frac jumps at whole numbers: keep 1e-3 from them, where the differences straddle none
        x = np.where(np.abs(x - np.round(x)) < 1e-3, x + 0.01, x)
    assert tg.gradcheck(method(name), tg.Tensor(x, requires_grad=True))


@pytest.mark.parametrize("name", ["sign", "sgn", "floor", "ceil", "round", "trunc"])
def test_piecewise_constant_ops_have_zero_gradient(device, name):
    x = tg.Tensor(np.array([-2.5, -0.3, 0.0, 0.7, 3.0, np.nan, np.inf]), requires_grad=True, device=device)
    getattr(x, name)().sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.zeros(7))


# ---------------------------------------------------------------- NaN, inf, zeros, domain edges

EDGES = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1.0, -1.0, 2.0, -2.0, 0.5, -0.5, 1e30, -1e30, 1e-30,
                  3.5, -3.5, 100.0, -100.0])


def _same_signs(ours, theirs):
    """The same sign bits wherever torch's answer is a number (a NaN's sign bit means nothing)."""
    numbers = ~np.isnan(theirs)
    np.testing.assert_array_equal(np.signbit(ours)[numbers], np.signbit(theirs)[numbers], err_msg="signs (of zero)")


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", UNARY)
def test_unary_edges_match_torch(device, name, dtype):
    """asin(2) is NaN, log1p(-1) is -inf, rsqrt(0) is inf, each with torch's gradient; quietly."""
    x = EDGES.astype(dtype)
    with np.errstate(all="raise"):  # a numpy warning escaping the op would raise here
        out = check_op(method(name), torch_fn(name), x, device=device)
    theirs = torch_fn(name)(to_torch(x)).numpy()
    _same_signs(out.numpy(), theirs)


def test_erf_and_erfc_against_math_in_float64():
    x = np.linspace(-8, 26, 6801)  # erfc(26) = 5.7e-296: still a normal float64
    np.testing.assert_allclose(tg.Tensor(x).erf().numpy(), [math.erf(v) for v in x], rtol=1e-15, atol=0)
    # erfc keeps its relative accuracy in the tail, where 1 - erf(x) would be 0
    np.testing.assert_allclose(tg.Tensor(x).erfc().numpy(), [math.erfc(v) for v in x], rtol=5e-15, atol=0)
    assert special.erfc(np.array([np.inf, -np.inf])).tolist() == [0.0, 2.0]


# ---------------------------------------------------------------- integer and bool inputs

INTEGER_INPUTS = {
    "int64": np.arange(-3, 4, dtype=np.int64),
    "int32": np.arange(-3, 4, dtype=np.int32),
    "int8": np.arange(-3, 4, dtype=np.int8),
    "uint8": np.arange(0, 7, dtype=np.uint8),
    "bool": np.array([True, False, True]),
}
NOT_FOR_BOOL = {"floor", "ceil", "round", "trunc", "frac"}  # torch refuses these for bool
NOT_FOR_INT = {"frac"}


@pytest.mark.parametrize("kind", INTEGER_INPUTS)
@pytest.mark.parametrize("name", UNARY)
def test_integer_and_bool_inputs_as_torch(device, name, kind):
    """Float-valued ops give float32; square, sign, floor, ceil, round, trunc keep the dtype (bool's
    square is int64); what torch refuses is a TypeError naming the op."""
    x = INTEGER_INPUTS[kind]
    refused = name in NOT_FOR_INT or (kind == "bool" and name in NOT_FOR_BOOL)
    if refused:
        with pytest.raises(Exception):
            torch_fn(name)(to_torch(x))
        with pytest.raises(TypeError, match=name):
            getattr(tg.Tensor(x, device=device), name)()
        return
    with np.errstate(all="raise"):
        check_op(method(name), torch_fn(name), x, device=device)


def test_round_with_extreme_decimals_as_torch():
    """10^d overflows to inf past float32's (or float64's) range, and torch's rint(x * inf) / inf
    gives NaN: the engine follows; decimals past int64 are refused, as torch refuses them."""
    x = np.array([1.25, -3.5, 0.0], np.float32)
    for decimals in (38, 39, 400, -400, 10 ** 12):
        check_op(method("round", decimals=decimals), torch_fn("round", decimals=decimals), x)
    with pytest.raises(ValueError, match="round"):
        tg.Tensor(x).round(decimals=10 ** 30)


def test_integer_inputs_take_the_default_float_dtype():
    tg.set_default_dtype(tg.float64)
    try:
        for name in ("sin", "erf", "rsqrt"):
            assert getattr(tg.Tensor([1, 2]), name)().dtype == np.float64
        assert tg.Tensor([1, 2]).atan2(tg.Tensor([3, 4])).dtype == np.float64
    finally:
        tg.set_default_dtype(tg.float32)


def test_round_decimals_on_integers_is_refused():
    with pytest.raises(TypeError, match="round"):
        tg.Tensor([1, 2]).round(decimals=1)
    assert tg.Tensor([1, 2]).round(decimals=0).tolist() == [1, 2]
    for bad in (1.5, "1", None, True):
        with pytest.raises(TypeError, match="round"):
            tg.Tensor([1.5]).round(decimals=bad)


def test_square_of_integers_wraps_as_torch():
    x = np.array([2 ** 40, -(2 ** 33), 3], np.int64)
    check_op(method("square"), torch_fn("square"), x)
    check_op(method("square"), torch_fn("square"), np.array([100, -100], np.int8))


# ---------------------------------------------------------------- two tensors

BINARY = ["atan2", "hypot", "logaddexp", "xlogy"]


def _pair(name, shape_a, shape_b, dtype):
    """(a, b) inside the op's smooth region (see the module docstring)."""
    if name == "atan2":
        return views(shape_a, dtype), away_from_zero(shape_b, dtype, margin=0.1)
    if name == "hypot":
        return away_from_zero(shape_a, dtype, margin=0.1), views(shape_b, dtype)
    if name == "xlogy":
        return views(shape_a, dtype), views(shape_b, dtype, low=0.05, high=5)
    return views(shape_a, dtype, low=-5, high=5), views(shape_b, dtype, low=-5, high=5)


@pytest.mark.parametrize("name", BINARY)
@given(data=st.data())
def test_binary_broadcasts_like_torch(device, name, data):
    dtype = data.draw(float_dtypes)
    shape_a, shape_b = data.draw(broadcast_pair())
    a_values, b_values = _pair(name, shape_a, shape_b, dtype)
    a, b = data.draw(a_values), data.draw(b_values)
    out_size = math.prod(np.broadcast_shapes(shape_a, shape_b))
    reduce = max(out_size // max(math.prod(s), 1) for s in (shape_a, shape_b))
    check_op(lambda x, y: getattr(x, name)(y), getattr(torch, name), a, b, reduce_size=reduce, device=device)


@pytest.mark.parametrize("name", BINARY)
@given(data=st.data())
def test_binary_gradcheck_float64(name, data):
    shape_a, shape_b = data.draw(broadcast_pair(max_dims=2))
    a_values, b_values = _pair(name, shape_a, shape_b, np.float64)
    if name == "atan2":  # atan2 jumps by 2 pi across its branch cut a = 0, b < 0: keep a off it
        a_values = away_from_zero(shape_a, np.float64, margin=0.1)
    a = tg.Tensor(data.draw(a_values), requires_grad=True)
    b = tg.Tensor(data.draw(b_values), requires_grad=True)
    assert tg.gradcheck(lambda x, y: getattr(x, name)(y), a, b)


BINARY_EDGES = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1.0, -1.0, 2.5, -2.5])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", BINARY)
def test_binary_edges_match_torch(device, name, dtype):
    """Every pair of NaN, +-inf, +-0 and ordinary values, both orders: values, gradients, zero signs
    (atan2's gradient at the origin is 0, hypot's NaN, xlogy(0, y) is 0 unless y is NaN)."""
    a = np.repeat(BINARY_EDGES, len(BINARY_EDGES)).astype(dtype)
    b = np.tile(BINARY_EDGES, len(BINARY_EDGES)).astype(dtype)
    with np.errstate(all="raise"):
        out = check_op(lambda x, y: getattr(x, name)(y), getattr(torch, name), a, b, device=device)
    theirs = getattr(torch, name)(to_torch(a), to_torch(b)).numpy()
    _same_signs(out.numpy(), theirs)


DTYPE_PAIRS = [
    (np.int64, np.int64), (np.bool_, np.bool_), (np.int32, np.float32), (np.float32, np.float64),
    (np.float16, np.float16), (np.int64, np.float16), (np.uint8, np.int8),
]


@pytest.mark.parametrize("dtypes", DTYPE_PAIRS, ids=lambda p: f"{np.dtype(p[0])}-{np.dtype(p[1])}")
@pytest.mark.parametrize("name", BINARY)
def test_binary_dtypes_as_torch(device, name, dtypes):
    """atan2 and xlogy take integers and bools as float32; hypot and logaddexp refuse them (TypeError)."""
    a = (np.arange(6).reshape(2, 3) % 3 + 1).astype(dtypes[0])
    b = (np.arange(3) + 1).astype(dtypes[1])
    try:
        getattr(torch, name)(to_torch(a), to_torch(b))
    except (RuntimeError, NotImplementedError):
        with pytest.raises(TypeError, match=name):
            getattr(tg.Tensor(a, device=device), name)(tg.Tensor(b, device=device))
        return
    check_op(lambda x, y: getattr(x, name)(y), getattr(torch, name), a, b, device=device)


@pytest.mark.parametrize("name", BINARY)
@pytest.mark.parametrize("tensor_dtype", [np.float16, np.float32, np.float64, np.int64])
@pytest.mark.parametrize("number", [2, 0.5])
def test_binary_with_a_python_number(device, name, tensor_dtype, number):
    """A Python number is a wrapped number, as torch treats it in xlogy: it never widens a float
    tensor's dtype (torch's atan2, hypot and logaddexp take only tensors; see differences.md)."""
    x = np.array([0.5, 1.0, 3.0]).astype(tensor_dtype)
    expected_dtype = torch.result_type(to_torch(x), number)
    if expected_dtype.is_floating_point is False:
        if name in ("hypot", "logaddexp"):
            with pytest.raises(TypeError, match=name):
                getattr(tg.Tensor(x, device=device), name)(number)
            return
        expected_dtype = torch.get_default_dtype()
    out = getattr(tg.Tensor(x, device=device), name)(number)
    wide = torch.from_numpy(x.astype(np.float64))
    expected = getattr(torch, name)(wide, torch.tensor(float(number), dtype=torch.float64)).to(expected_dtype)
    assert str(out.dtype) == str(expected_dtype).replace("torch.", "")
    rtol = 1e-3 if tensor_dtype == np.float16 else 1e-6
    np.testing.assert_allclose(out.numpy().astype(np.float64), expected.double().numpy(), rtol=rtol)


@pytest.mark.parametrize("name", BINARY)
def test_binary_shape_and_argument_errors_name_the_op(name):
    x = tg.Tensor(np.ones((2, 3), np.float32))
    with pytest.raises(ValueError, match=rf"{name}.*\(2, 3\).*\(4,\)"):
        getattr(x, name)(tg.Tensor(np.ones(4, np.float32)))
    for bad in (None, "x", {}):
        with pytest.raises(TypeError, match=name):
            getattr(x, name)(bad)


@pytest.mark.parametrize("name", BINARY)
def test_binary_refuses_a_tensor_on_another_device(name):
    if "interp" not in tg.backend.available_devices():
        pytest.skip("needs a second device (interp: pip install triton)")
    x = tg.Tensor(np.ones(3, np.float32))
    with pytest.raises(RuntimeError, match=name):
        getattr(x, name)(tg.Tensor(np.ones(3, np.float32), device="interp"))


@pytest.mark.parametrize("name", BINARY)
def test_binary_gradient_reaches_a_broadcast_input(device, name):
    """A (3,) input met by a (2, 3) one gets the sum over the rows (checked with torch above);
    here the gradients land with the inputs' shapes and dtypes."""
    a = tg.Tensor(np.full((2, 3), 0.7, np.float32), requires_grad=True, device=device)
    b = tg.Tensor(np.array([0.5, 1.5, 2.5], np.float32), requires_grad=True, device=device)
    getattr(a, name)(b).sum().backward()
    assert a.grad.shape == (2, 3) and b.grad.shape == (3,)
    assert a.grad.dtype == b.grad.dtype == np.float32


@pytest.mark.parametrize("name", BINARY)
def test_binary_on_zero_d_and_empty_tensors(device, name):
    for a, b in ((np.array(0.75), np.array(1.5)), (np.zeros((0, 3)), np.ones(3)), (np.ones((2, 1)), np.ones((0,)))):
        check_op(lambda x, y: getattr(x, name)(y), getattr(torch, name), a, b, device=device)


@pytest.mark.parametrize("name", UNARY)
def test_unary_on_zero_d_and_empty_tensors(device, name):
    for x in (np.array(0.75), np.zeros((0, 3))):
        check_op(method(name), torch_fn(name), x, device=device)


def test_floor_ceil_trunc_frac_agree_on_a_grid_of_ties(device):
    """floor(x) <= x <= ceil(x), trunc between them, frac = x - trunc on a grid full of ties."""
    x = (np.arange(-12, 13) / 4.0).reshape(5, 5)
    t = tg.Tensor(x, device=device)
    f, c, tr = t.floor().numpy(), t.ceil().numpy(), t.trunc().numpy()
    assert (f <= x).all() and (x <= c).all() and ((tr == f) | (tr == c)).all()
    np.testing.assert_array_equal(t.frac().numpy(), x - tr)
