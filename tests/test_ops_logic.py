"""Integer division, bitwise and logical ops, predicates, and clamp with tensor bounds agree with PyTorch.

Covered: div(rounding_mode=), divide, true_divide, floor_divide and //, fmod, remainder and %;
bitwise_and/or/xor/not/left_shift/right_shift and & | ^ ~ << >> (reflected and in place);
logical_and/or/xor/not; isnan isinf isposinf isneginf isfinite isreal signbit, nan_to_num,
isclose, allclose, equal; clamp/clip with Tensor bounds, clamp_min, clamp_max, fmax, fmin, copysign.

Values, dtypes and gradients are compared with torch on hypothesis shapes that broadcast (size-0
axes included) for float, integer and bool dtypes. Float divisors stay at least 0.1 from 0; in the
finite-difference checks quotients stay 1e-3 from whole numbers, where fmod's and remainder's
value jumps; the edges themselves (0 divisors, NaN, inf, signed zeros) have their
own rows, compared value for value. (The parity rows need no such margin: both engines compute
trunc(a / b) and floor(a / b) with the same IEEE operations, so even at the jumps they agree; the
float64 finite differences do.)
"""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import check_op, to_torch, torch
from strategies import arrays, away_from_zero, broadcast_pair, float_dtypes, grid_values, views

import tinygrad_lite as tg
from tinygrad_lite import Tensor

INT_DTYPES = [np.int8, np.int16, np.int32, np.int64, np.uint8]
int_dtypes = st.sampled_from(INT_DTYPES)
pairs = broadcast_pair(max_dims=3, min_side=0, max_side=4)  # size-0 axes included


def _nonzero(array):
    """`array` with its zeros replaced by ones (an integer divisor)."""
    return np.where(array == 0, np.ones((), array.dtype), array)


# ---------------------------------------------------------------- division, float

DIVISIONS = {  # name -> (ours, torch's)
    "div trunc": (lambda a, b: a.div(b, rounding_mode="trunc"), lambda a, b: torch.div(a, b, rounding_mode="trunc")),
    "div floor": (lambda a, b: a.div(b, rounding_mode="floor"), lambda a, b: torch.div(a, b, rounding_mode="floor")),
    "divide floor": (lambda a, b: tg.divide(a, b, rounding_mode="floor"),
                     lambda a, b: torch.divide(a, b, rounding_mode="floor")),
    "div": (lambda a, b: a.div(b), lambda a, b: torch.div(a, b)),
    "true_divide": (lambda a, b: tg.true_divide(a, b), lambda a, b: torch.true_divide(a, b)),
    # torch's floor_divide has no derivative (backward raises); the engine's gradient is div(rounding_mode=
    # "floor")'s zero, so that is its twin for the gradients
    "floor_divide": (lambda a, b: a.floor_divide(b), lambda a, b: torch.div(a, b, rounding_mode="floor")),
    "//": (lambda a, b: a // b, lambda a, b: torch.div(a, b, rounding_mode="floor")),
    "fmod": (lambda a, b: a.fmod(b), lambda a, b: torch.fmod(a, b)),
    "tg.fmod": (lambda a, b: tg.fmod(a, b), lambda a, b: torch.fmod(a, b)),
    "remainder": (lambda a, b: a.remainder(b), lambda a, b: torch.remainder(a, b)),
    "%": (lambda a, b: a % b, lambda a, b: torch.remainder(a, b)),
    "tg.remainder": (lambda a, b: tg.remainder(a, b), lambda a, b: torch.remainder(a, b)),
}
INTEGER_DIVISIONS = [n for n in DIVISIONS if n not in ("div", "true_divide")]


@pytest.mark.parametrize("name", list(DIVISIONS))
@given(data=st.data())
def test_float_division_matches_torch(device, name, data):
    dtype = data.draw(float_dtypes)
    sa, sb = data.draw(pairs)
    a = data.draw(views(sa, dtype, low=-10, high=10))
    b = data.draw(away_from_zero(sb, dtype, low=-4, high=4))
    ours, theirs = DIVISIONS[name]
    check_op(ours, theirs, a, b, device=device)


@pytest.mark.parametrize("name", ["fmod", "remainder"])
@given(data=st.data())
def test_fmod_and_remainder_gradcheck_float64(name, data):
    a = data.draw(arrays(data.draw(st.sampled_from([(3,), (2, 3)])), np.float64, low=-10, high=10))
    b = data.draw(away_from_zero((3,), np.float64, low=-4, high=4))
    with np.errstate(all="ignore"):
        q = a / b
    a = np.where(np.abs(q - np.round(q)) < 1e-3, a + 0.01 * b, a)  # off the jumps
    assert tg.gradcheck(lambda x, y: getattr(x, name)(y), Tensor(a, requires_grad=True), Tensor(b, requires_grad=True))


def test_fmod_and_remainder_gradients_are_the_rounded_quotients():
    """d/dy fmod(x, y) = -trunc(x / y), d/dy remainder(x, y) = -floor(x / y); d/dx = 1 for both."""
    for name, rounding in (("fmod", np.trunc), ("remainder", np.floor)):
        x = Tensor([7.5, -7.5, 3.0, -0.5], requires_grad=True)
        y = Tensor([2.0, 2.0, -2.5, 4.0], requires_grad=True)
        getattr(x, name)(y).sum().backward()
        np.testing.assert_array_equal(x.grad.numpy(), np.ones(4, np.float32))
        np.testing.assert_array_equal(y.grad.numpy(), -rounding(x.numpy() / y.numpy()))


def test_rounded_division_has_zero_gradient(device):
    x = Tensor([7.5, -7.5, 1.0], requires_grad=True, device=device)
    y = Tensor([2.0, 2.0, -3.0], requires_grad=True, device=device)
    for mode in ("trunc", "floor"):
        x.grad = y.grad = None
        x.div(y, rounding_mode=mode).sum().backward()
        assert not x.grad.numpy().any() and not y.grad.numpy().any()
    x.grad = None
    (x // 2.0).sum().backward()
    assert not x.grad.numpy().any()


EDGE_A = np.array([7.0, -7.0, 0.0, -0.0, 1.0, -1.0, np.inf, -np.inf, np.nan, 5.0, -4.0, 4.0, 1.0, 0.5])
EDGE_B = np.array([0.0, 0.0, 0.0, -0.0, np.inf, np.inf, 2.0, 3.0, 1.0, np.nan, 2.0, -2.0, -np.inf, -0.0])


@pytest.mark.parametrize("name", INTEGER_DIVISIONS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_float_division_edges_match_torch(name, dtype):
    """Zero divisors give +-inf or NaN, infinities and NaN pass as torch's; the signs of zeros too."""
    ours, theirs = DIVISIONS[name]
    a, b = EDGE_A.astype(dtype), EDGE_B.astype(dtype)
    with np.errstate(all="ignore"):
        out = ours(Tensor(a), Tensor(b)).numpy()
    expected = theirs(to_torch(a), to_torch(b)).numpy()
    np.testing.assert_array_equal(out, expected)
    numbers = ~np.isnan(expected)
    np.testing.assert_array_equal(np.signbit(out)[numbers], np.signbit(expected)[numbers], err_msg="signs of zero")


@pytest.mark.parametrize("name", INTEGER_DIVISIONS)
def test_float16_division_computes_in_float32_and_rounds_once(name):
    a = np.linspace(-20, 20, 41).astype(np.float16)
    b = np.resize(np.array([0.3, -1.7, 2.5, 7.0, -0.1], np.float16), 41)
    ours, theirs = DIVISIONS[name]
    out = ours(Tensor(a), Tensor(b))
    assert out.dtype == np.float16
    # torch's own answer depends on the length of the tensor (its vectorized loop rounds the quotient
    # to float16 before truncating it: -15 / 0.3 gives -50 in a long tensor, -49 in a short one); the
    # engine's is torch's float32 answer, rounded once
    expected = theirs(to_torch(a.astype(np.float32)), to_torch(b.astype(np.float32))).numpy().astype(np.float16)
    np.testing.assert_array_equal(out.numpy(), expected)


# ---------------------------------------------------------------- division, integers

@pytest.mark.parametrize("name", INTEGER_DIVISIONS)
@given(data=st.data())
def test_integer_division_matches_torch(name, data):
    da, db = data.draw(int_dtypes), data.draw(int_dtypes)
    sa, sb = data.draw(pairs)
    low = 0 if np.uint8 in (da, db) else -100
    a = data.draw(arrays(sa, da, low=low, high=100))
    b = _nonzero(data.draw(arrays(sb, db, low=-9 if low else 0, high=9)))
    ours, theirs = DIVISIONS[name]
    out = check_op(ours, theirs, a, b)  # the dtype too: integers stay integers
    assert out.dtype.kind in "iu"


@pytest.mark.parametrize("name", ["div", "true_divide"])
def test_true_division_of_integers_gives_the_default_float(name):
    ours, theirs = DIVISIONS[name]
    out = check_op(ours, theirs, np.array([7, -7, 5]), np.array([2, 2, 0]))
    assert out.dtype == np.float32


@pytest.mark.parametrize("name", INTEGER_DIVISIONS)
def test_integer_division_by_zero_raises_as_torch(name):
    ours, theirs = DIVISIONS[name]
    a, b = np.array([7, -7, 5]), np.array([2, 2, 0])
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        theirs(to_torch(a), to_torch(b))
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        ours(Tensor(a), Tensor(b))
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        ours(Tensor(a), 0)


@pytest.mark.parametrize("expression", [
    lambda t, x: t // x, lambda t, x: t % x, lambda t, x: x // t, lambda t, x: x % t,
    lambda t, x: t.div(x, rounding_mode="trunc"), lambda t, x: t.div(x, rounding_mode="floor"),
    lambda t, x: t.fmod(x), lambda t, x: t.remainder(x), lambda t, x: t.div(x),
])
@pytest.mark.parametrize("dtype", [np.int8, np.int64, np.float16, np.float32])
@pytest.mark.parametrize("number", [3, -2, 2.5, -0.75])
def test_numbers_mix_as_torch_promotes(expression, dtype, number):
    """A Python number keeps an integer tensor's dtype unless it is a float (then the default float)."""
    t = np.array([7, -7, 5, 1, -3, 9]).astype(dtype)
    check_op(lambda a: expression(a, number), lambda a: expression(a, number), t, grad=False)


@pytest.mark.parametrize("name", INTEGER_DIVISIONS)
def test_float16_division_rounds_a_number_or_a_float64_operand_to_float16_first(name):
    """As torch: half_tensor.fmod(0.3) divides by float16(0.3) = 0.2998..., not by 0.3."""
    ours, theirs = DIVISIONS[name]
    x = np.array([5.35, 7.0, -3.3, 100.0], np.float16)
    for other in (0.3, np.array(0.3), np.array([0.3])):
        check_op(lambda a: ours(a, other if isinstance(other, float) else Tensor(other)),
                 lambda a: theirs(a, other if isinstance(other, float) else to_torch(other)), x, grad=False)
        check_op(lambda a: ours(Tensor(np.array(other)), a), lambda a: theirs(to_torch(np.array(other)), a), x,
                 grad=False)


def test_free_functions_take_a_number_first():
    t = np.array([2, -3, 4])
    check_op(lambda a: tg.remainder(5, a), lambda a: torch.remainder(5, a), t)
    check_op(lambda a: tg.div(5, a, rounding_mode="floor"), lambda a: torch.div(torch.tensor(5), a,
                                                                               rounding_mode="floor"), t)
    check_op(lambda a: tg.divide(7.5, a, rounding_mode="trunc"), lambda a: torch.div(torch.tensor(7.5), a,
                                                                                    rounding_mode="trunc"), t)


@pytest.mark.parametrize("call", [
    lambda t: t.div(t, rounding_mode="floor"), lambda t: t // t, lambda t: t.fmod(t), lambda t: t % t,
    lambda t: t.remainder(True), lambda t: tg.floor_divide(t, t),
])
def test_bool_rounded_division_is_refused(call):
    with pytest.raises(TypeError, match="bool"):
        call(Tensor([True, False]))


def test_in_place_floor_division_and_remainder():
    t = Tensor([7, -7, 5])
    t //= 2
    assert t.tolist() == [3, -4, 2] and t.dtype == np.int64
    t %= Tensor([2, 3, -2])
    assert t.tolist() == [1, 2, 0]
    f = Tensor([7.5, -7.5])
    f //= 2
    f %= 1.5
    assert f.tolist() == torch.remainder(torch.tensor([7.5, -7.5]) // 2, 1.5).tolist()
    with pytest.raises(RuntimeError, match="floor_divide"):
        t //= 2.5  # a float result cannot land in an int tensor, as in torch


@pytest.mark.parametrize("mode", ["x", "round", 1, True])
def test_bad_rounding_mode(mode):
    with pytest.raises(ValueError, match="div: rounding_mode"):
        Tensor([1.0]).div(Tensor([2.0]), rounding_mode=mode)
    with pytest.raises(ValueError, match="divide: rounding_mode"):
        tg.divide(Tensor([1.0]), 2, rounding_mode=mode)


# ---------------------------------------------------------------- bitwise

BITWISE = {  # name -> (ours, torch's)
    "bitwise_and": (lambda a, b: a.bitwise_and(b), torch.bitwise_and),
    "bitwise_or": (lambda a, b: tg.bitwise_or(a, b), torch.bitwise_or),
    "bitwise_xor": (lambda a, b: a.bitwise_xor(b), torch.bitwise_xor),
    "&": (lambda a, b: a & b, lambda a, b: a & b),
    "|": (lambda a, b: a | b, lambda a, b: a | b),
    "^": (lambda a, b: a ^ b, lambda a, b: a ^ b),
}
SHIFTS = {
    "bitwise_left_shift": (lambda a, b: a.bitwise_left_shift(b), torch.bitwise_left_shift),
    "bitwise_right_shift": (lambda a, b: tg.bitwise_right_shift(a, b), torch.bitwise_right_shift),
    "<<": (lambda a, b: a << b, lambda a, b: a << b),
    ">>": (lambda a, b: a >> b, lambda a, b: a >> b),
}


@pytest.mark.parametrize("name", list(BITWISE))
@given(data=st.data())
def test_bitwise_matches_torch(name, data):
    da, db = data.draw(st.sampled_from(INT_DTYPES + [np.bool_])), data.draw(st.sampled_from(INT_DTYPES + [np.bool_]))
    sa, sb = data.draw(pairs)
    low = 0 if np.uint8 in (da, db) else -128
    a = data.draw(arrays(sa, da, low=low, high=127))
    b = data.draw(arrays(sb, db, low=low, high=127))
    check_op(*BITWISE[name], a, b)


@pytest.mark.parametrize("name", list(SHIFTS))
@given(data=st.data())
def test_shifts_match_torch_past_the_width_too(name, data):
    """Shifts by a negative amount or by the width in bits or more: 0, or the sign for >> (as torch)."""
    da, db = data.draw(int_dtypes), data.draw(int_dtypes)
    sa, sb = data.draw(pairs)
    low = 0 if np.uint8 in (da, db) else -100
    a = data.draw(arrays(sa, da, low=low, high=100))
    b = data.draw(arrays(sb, db, low=0 if low == 0 else -3, high=70 if db == np.int64 else 9))
    check_op(*SHIFTS[name], a, b)


@pytest.mark.parametrize("number", [3, -1, True, False, 300])
@pytest.mark.parametrize("dtype", [np.int8, np.int64, np.uint8, np.bool_])
def test_bitwise_with_python_numbers_as_torch_promotes(number, dtype):
    """bool & 1 is int64, bool & True is bool, int8 & 300 stays int8 (300 wraps, as torch; -1 in uint8 too)."""
    t = np.array([0, 1, 5, 7]).astype(dtype)
    for fn in (lambda a: a & number, lambda a: number | a, lambda a: a ^ number, lambda a: number & a):
        check_op(fn, fn, t)
    if dtype != np.bool_ and not isinstance(number, bool) and number >= 0:
        for fn in (lambda a: a << number, lambda a: a >> number, lambda a: number >> a, lambda a: 1 << a):
            check_op(fn, fn, t)


@pytest.mark.parametrize("dtype", INT_DTYPES + [np.bool_])
def test_bitwise_not_and_invert(dtype):
    t = np.array([0, 1, 5, 100]).astype(dtype)
    check_op(lambda a: ~a, lambda a: ~a, t)
    check_op(tg.bitwise_not, torch.bitwise_not, t)


@pytest.mark.parametrize("call", [
    lambda f, i: f & i, lambda f, i: i | f, lambda f, i: f.bitwise_xor(i), lambda f, i: i << f,
    lambda f, i: i.bitwise_right_shift(f), lambda f, i: ~f, lambda f, i: i & 1.5, lambda f, i: tg.bitwise_and(f, i),
    lambda f, i: tg.bitwise_left_shift(i > 0, i > 0),
])
def test_bitwise_refuses_float_tensors_and_shifts_refuse_bool(call):
    with pytest.raises(TypeError, match="bitwise|invert"):
        call(Tensor([1.0, 2.0]), Tensor([1, 2]))


def test_in_place_bitwise():
    t = Tensor([12, 10, 7])
    t &= 6
    t |= Tensor([1, 0, 8])
    t ^= 3
    t <<= 2
    t >>= Tensor([1, 2, 0])
    expected = torch.tensor([12, 10, 7])
    expected &= 6
    expected |= torch.tensor([1, 0, 8])
    expected ^= 3
    expected <<= 2
    expected >>= torch.tensor([1, 2, 0])
    assert t.tolist() == expected.tolist()
    mask = Tensor([True, False])
    mask &= Tensor([True, True])
    assert mask.tolist() == [True, False] and mask.dtype == np.bool_
    with pytest.raises(RuntimeError, match="bitwise_and"):
        mask &= Tensor([1, 1])  # an int64 result cannot land in a bool tensor, as torch


# ---------------------------------------------------------------- logical

LOGICAL = {
    "logical_and": (lambda a, b: a.logical_and(b), torch.logical_and),
    "logical_or": (lambda a, b: tg.logical_or(a, b), torch.logical_or),
    "logical_xor": (lambda a, b: a.logical_xor(b), torch.logical_xor),
}
ANY_DTYPES = [np.float32, np.float64, np.int64, np.int8, np.uint8, np.bool_]


def _with_specials(data, shape, dtype):
    """Values of `dtype` in [-2, 2], floats with NaN, +-inf and -0.0 among them."""
    x = data.draw(arrays(shape, dtype, low=0 if dtype == np.uint8 else -2, high=2))
    if np.dtype(dtype).kind == "f" and x.size:
        specials = np.array([np.nan, np.inf, -np.inf, -0.0, 0.0], dtype)
        picks = data.draw(st.lists(st.integers(0, 5), min_size=x.size, max_size=x.size))
        x = np.where(np.array(picks).reshape(x.shape) < 5, specials[np.minimum(picks, 4)].reshape(x.shape), x)
    return x


@pytest.mark.parametrize("name", list(LOGICAL))
@given(data=st.data())
def test_logical_matches_torch(name, data):
    sa, sb = data.draw(pairs)
    a = _with_specials(data, sa, data.draw(st.sampled_from(ANY_DTYPES)))
    b = _with_specials(data, sb, data.draw(st.sampled_from(ANY_DTYPES)))
    out = check_op(*LOGICAL[name], a, b)
    assert out.dtype == np.bool_ and not out.requires_grad


@given(data=st.data())
def test_logical_not_matches_torch(data):
    x = _with_specials(data, data.draw(pairs)[0], data.draw(st.sampled_from(ANY_DTYPES)))
    check_op(lambda a: a.logical_not(), torch.logical_not, x)
    check_op(tg.logical_not, torch.logical_not, x)


def test_logical_ops_want_a_tensor():
    with pytest.raises(TypeError, match="logical_and"):
        Tensor([1.0]).logical_and(1)
    with pytest.raises(ValueError, match="logical_or"):
        Tensor([1.0, 2.0]).logical_or(Tensor([1.0, 2.0, 3.0]))


# ---------------------------------------------------------------- predicates

PREDICATES = ["isnan", "isinf", "isposinf", "isneginf", "isfinite", "isreal", "signbit"]


@pytest.mark.parametrize("name", PREDICATES)
@given(data=st.data())
def test_predicates_match_torch(name, data):
    x = _with_specials(data, data.draw(pairs)[0], data.draw(st.sampled_from(ANY_DTYPES)))
    out = check_op(lambda a: getattr(a, name)(), lambda a: getattr(torch, name)(a), x)
    check_op(getattr(tg, name), getattr(torch, name), x)
    assert out.dtype == np.bool_


@pytest.mark.parametrize("kwargs", [{}, {"nan": 1.5}, {"posinf": 7.0, "neginf": -7.0}, {"nan": -1.0, "posinf": 1e300},
                                    {"neginf": 0.0}, {"nan": float("nan"), "posinf": -float("inf")}, {"nan": True}])
@given(data=st.data())
def test_nan_to_num_matches_torch_with_its_gradient(kwargs, data):
    dtype = data.draw(st.sampled_from(ANY_DTYPES + [np.float16]))
    x = _with_specials(data, data.draw(pairs)[0], dtype)
    check_op(lambda a: a.nan_to_num(**kwargs), lambda a: torch.nan_to_num(a, **kwargs), x)
    check_op(lambda a: tg.nan_to_num(a, **kwargs), lambda a: torch.nan_to_num(a, **kwargs), x)


def test_nan_to_num_gradient_is_zero_where_replaced():
    x = Tensor([1.0, np.nan, np.inf, -np.inf, -2.0], requires_grad=True)
    x.nan_to_num(nan=3.0).sum().backward()
    assert x.grad.tolist() == [1.0, 0.0, 0.0, 0.0, 1.0]


@pytest.mark.parametrize("rtol,atol", [(1e-5, 1e-8), (0.0, 0.0), (0.1, 0.0), (0.0, 0.5), (1.0, 1.0)])
@pytest.mark.parametrize("equal_nan", [False, True])
@given(data=st.data())
def test_isclose_and_allclose_match_torch(rtol, atol, equal_nan, data):
    dtype = data.draw(st.sampled_from([np.float32, np.float64, np.int64, np.int8, np.bool_]))
    sa, sb = data.draw(pairs)
    a = _with_specials(data, sa, dtype)
    b = _with_specials(data, sb, dtype)
    if data.draw(st.booleans()) and a.shape == np.broadcast_shapes(sa, sb):  # near misses of a
        b = np.asarray(a + np.asarray(data.draw(st.sampled_from([0, 1e-6, 1e-3, 0.3])), a.dtype)).astype(dtype) \
            if dtype != np.bool_ else a
    check_op(lambda x, y: x.isclose(y, rtol, atol, equal_nan),
             lambda x, y: torch.isclose(x, y, rtol, atol, equal_nan), a, b)
    check_op(lambda x, y: tg.isclose(x, y, rtol=rtol, atol=atol, equal_nan=equal_nan),
             lambda x, y: torch.isclose(x, y, rtol=rtol, atol=atol, equal_nan=equal_nan), a, b)
    ours = tg.allclose(Tensor(a), Tensor(b), rtol, atol, equal_nan)
    assert type(ours) is bool
    assert ours == torch.allclose(to_torch(a), to_torch(b), rtol, atol, equal_nan)
    assert Tensor(a).allclose(Tensor(b), rtol, atol, equal_nan) == ours


def test_isclose_measures_integers_in_the_default_float():
    """As torch: 2**62 and 2**62 + 1 are close (one float32); with rtol = atol = 0 they are not."""
    a, b = Tensor([2 ** 62]), Tensor([2 ** 62 + 1])
    assert a.isclose(b).tolist() == torch.isclose(torch.tensor([2 ** 62]), torch.tensor([2 ** 62 + 1])).tolist()
    assert a.isclose(b, rtol=0, atol=0).tolist() == [False]


@pytest.mark.parametrize("call,error,match", [
    (lambda: Tensor([1.0]).isclose(Tensor([1.0], dtype=tg.float64)), TypeError, "isclose"),
    (lambda: Tensor([1.0]).isclose(1.0), TypeError, "isclose"),
    (lambda: Tensor([1.0]).isclose(Tensor([1.0]), rtol=-1.0), ValueError, "rtol"),
    (lambda: tg.allclose(Tensor([1.0]), Tensor([1.0]), atol=-1.0), ValueError, "atol"),
    (lambda: Tensor([1.0, 2.0]).allclose(Tensor([1.0, 2.0, 3.0])), ValueError, "allclose"),
    (lambda: Tensor([1.0]).isclose(Tensor([1.0]), equal_nan="yes"), TypeError, "equal_nan"),
    (lambda: tg.nan_to_num(Tensor([1.0]), nan="x"), TypeError, "nan_to_num"),
    (lambda: tg.nan_to_num([1.0]), TypeError, "nan_to_num"),
    (lambda: tg.equal(Tensor([1.0]), [1.0]), TypeError, "equal"),
])
def test_predicate_bad_inputs(call, error, match):
    with pytest.raises(error, match=match):
        call()


@pytest.mark.parametrize("a,b", [
    ([1, 2], [1.0, 2.0]), ([1, 2], [[1, 2]]), ([np.nan], [np.nan]), ([1.0, 2.0], [1.0, 2.5]), ([], []),
    ([True, False], [1, 0]), ([[1, 2], [3, 4]], [[1, 2], [3, 4]]),
])
def test_equal_matches_torch(a, b):
    ours = tg.equal(Tensor(a), Tensor(b))
    assert type(ours) is bool
    assert ours == torch.equal(torch.tensor(a), torch.tensor(b))
    assert Tensor(a).equal(Tensor(b)) == ours


# ---------------------------------------------------------------- clamp with tensor bounds, fmax, fmin, copysign

def _triple(data, dtype):
    # x has the broadcast shape: torch's backward with both bounds fails otherwise (it computes the bounds'
    # gradients in place, in a smaller shape); test_clamp_broadcasts_x_up_to_a_bound covers a smaller x
    shapes = data.draw(st.sampled_from([((3,), (3,), (3,)), ((2, 3), (3,), (2, 1)), ((2, 4), (4,), ()),
                                        ((2, 0), (1,), (2, 1)), ((2, 3), (), (1, 3))]))
    return [data.draw(grid_values(s, dtype, low=-2, high=2, step=0.5)) for s in shapes]  # ties at the bounds


@pytest.mark.parametrize("name", ["clamp", "clip", "tg.clamp", "tg.clip"])
@given(data=st.data())
def test_clamp_with_tensor_bounds_matches_torch(device, name, data):
    """Gradients to x inside the bounds (ties included), to a bound where it binds, as torch's."""
    x, lo, hi = _triple(data, data.draw(float_dtypes))
    method = name.split(".")[-1]
    ours = (lambda a, b, c: getattr(tg, method)(a, b, c)) if name.startswith("tg.") else \
        (lambda a, b, c: getattr(a, method)(min=b, max=c))
    check_op(ours, lambda a, b, c: torch.clamp(a, b, c), x, lo, hi, device=device)


@given(data=st.data())
def test_clamp_with_one_tensor_bound_matches_torch(data):
    x, lo, hi = _triple(data, data.draw(float_dtypes))
    check_op(lambda a, b: a.clamp(min=b), lambda a, b: torch.clamp(a, min=b), x, lo)
    check_op(lambda a, c: a.clip(max=c), lambda a, c: torch.clip(a, max=c), x, hi)
    check_op(lambda a, b: a.clamp_min(b), lambda a, b: torch.clamp_min(a, b), x, lo)
    check_op(lambda a, c: tg.clamp_max(a, c), lambda a, c: torch.clamp_max(a, c), x, hi)


def test_clamp_broadcasts_x_up_to_a_bound():
    x, lo, hi = np.array(0.25, np.float32), np.linspace(-1, 1, 8, dtype=np.float32).reshape(2, 4), \
        np.linspace(-0.5, 1.5, 4, dtype=np.float32)
    check_op(lambda a, b: a.clamp(min=b), lambda a, b: torch.clamp(a, min=b), x, lo)
    check_op(lambda a, c: a.clamp(max=c), lambda a, c: torch.clamp(a, max=c), x, hi)
    # both bounds: torch's backward refuses this broadcast, so the gradients are checked by hand
    xt, lot, hit = (Tensor(v, requires_grad=True) for v in (x, lo, hi))
    xt.clamp(lot, hit).sum().backward()
    inside = (lo <= x) & (x <= hi)
    assert xt.grad.item() == inside.sum()
    np.testing.assert_array_equal(lot.grad.numpy(), ((x < lo) & (lo < hi)).astype(np.float32))
    np.testing.assert_array_equal(hit.grad.numpy(), ((x > hi) | (lo > hi)).sum(0).astype(np.float32))


def test_clamp_tensor_bounds_at_their_edges():
    """lo > hi gives hi (its gradient too); x < lo == hi gives lo and no gradient; NaN anywhere gives NaN."""
    x = np.array([0.0, 1.0, 2.0, 3.0, 1.0, 0.5, np.nan, 1.0, 1.0], np.float32)
    lo = np.array([1.0, 1.0, 1.0, 1.0, 2.0, 1.0, 0.0, np.nan, 0.0], np.float32)
    hi = np.array([2.0, 2.0, 2.0, 2.0, 1.0, 1.0, 2.0, 2.0, np.nan], np.float32)
    check_op(lambda a, b, c: a.clamp(b, c), torch.clamp, x, lo, hi)


@pytest.mark.parametrize("dtype,bound", [(np.int64, np.float32), (np.int8, np.int64), (np.float32, np.float64),
                                         (np.int32, np.bool_)])
def test_clamp_tensor_bounds_promote_as_torch(dtype, bound):
    x = np.array([-3, 0, 1, 5]).astype(dtype)
    lo, hi = np.array([-1, 0, 2, 1]).astype(bound), np.array([1, 1, 3, 4]).astype(bound)
    check_op(lambda a, b, c: a.clamp(b, c), torch.clamp, x, lo, hi)
    check_op(lambda a, b: a.clamp(b), lambda a, b: torch.clamp(a, b), x, np.asarray(lo[0]))  # a 0-d bound


def test_clamp_of_bools_takes_one_bool_bound_as_torch():
    x, bound = np.array([True, False, True]), np.array([False, True, True])
    check_op(lambda a, b: a.clamp(min=b), lambda a, b: torch.clamp(a, min=b), x, bound)
    check_op(lambda a, b: a.clamp(max=b), lambda a, b: torch.clamp(a, max=b), x, bound)
    with pytest.raises(TypeError, match="clamp"):
        Tensor(x).clamp(Tensor(bound), Tensor(bound))


def test_clamp_with_number_bounds_by_keyword():
    x = np.array([-2.0, -0.5, 0.0, 0.5, 2.0], np.float32)
    check_op(lambda a: a.clamp(min=-1.0, max=1.0), lambda a: a.clamp(min=-1.0, max=1.0), x)
    check_op(lambda a: a.clip(max=0.25), lambda a: a.clip(max=0.25), x)
    check_op(lambda a: a.clamp_min(0), lambda a: a.clamp_min(0), x)
    check_op(lambda a: tg.clamp_max(a, 0.5), lambda a: torch.clamp_max(a, 0.5), x)


@pytest.mark.parametrize("call,error", [
    (lambda x: x.clamp(), ValueError),
    (lambda x: x.clamp(min=0.0, max=Tensor([1.0])), TypeError),
    (lambda x: x.clip(min=np.array([1.0])), TypeError),
    (lambda x: x.clamp(Tensor([1.0, 2.0])), ValueError),
    (lambda x: x.clamp_min(None), TypeError),
    (lambda x: tg.clamp_max(x, "x"), TypeError),
])
def test_clamp_bad_inputs(call, error):
    with pytest.raises(error, match="clamp|clip"):
        call(Tensor([1.0, 2.0, 3.0]))


@pytest.mark.parametrize("name", ["fmax", "fmin"])
@given(data=st.data())
def test_fmax_fmin_match_torch_nan_ignored(device, name, data):
    dtype = data.draw(st.sampled_from([np.float32, np.float64, np.int64, np.int8, np.bool_]))
    sa, sb = data.draw(pairs)
    a, b = data.draw(grid_values(sa, np.float64)), data.draw(grid_values(sb, np.float64))  # ties
    if dtype in (np.float32, np.float64):
        a = np.where(a == 2.0, np.nan, a)  # some NaNs, on either side
        b = np.where(b == -2.0, np.nan, b)
    a, b = a.astype(dtype), b.astype(dtype)
    check_op(lambda x, y: getattr(x, name)(y), getattr(torch, name), a, b, device=device)
    check_op(getattr(tg, name), getattr(torch, name), a, b, device=device)


@given(data=st.data())
def test_copysign_matches_torch(data):
    dtype = data.draw(st.sampled_from([np.float32, np.float64, np.float16, np.int64, np.bool_]))
    sa, sb = data.draw(pairs)
    a = _with_specials(data, sa, dtype)
    b = _with_specials(data, sb, data.draw(st.sampled_from([dtype, np.float32, np.int8])))
    check_op(lambda x, y: x.copysign(y), torch.copysign, a, b)
    check_op(tg.copysign, torch.copysign, a, b)


@pytest.mark.parametrize("number", [-1, 2.5, -0.0, True])
def test_copysign_with_a_number(number):
    x = np.array([1.0, -2.0, 0.0, -0.0], np.float32)
    out = check_op(lambda a: a.copysign(number), lambda a: torch.copysign(a, number), x)
    np.testing.assert_array_equal(np.signbit(out.numpy()), np.signbit(torch.copysign(to_torch(x), number).numpy()))
    check_op(lambda a: a.copysign(number), lambda a: torch.copysign(a, number), np.array([3, -4]))


@pytest.mark.parametrize("call,error,match", [
    (lambda: Tensor([1.0]).fmax(1.0), TypeError, "fmax"),
    (lambda: Tensor([1.0, 2.0]).fmin(Tensor([1.0, 2.0, 3.0])), ValueError, "fmin"),
    (lambda: Tensor([1.0]).copysign("x"), TypeError, "copysign"),
    (lambda: Tensor([1.0]).remainder(None), TypeError, "remainder"),
    (lambda: tg.fmod([1.0], Tensor([1.0])), TypeError, "fmod"),
    (lambda: Tensor([1.0, 2.0]) // Tensor([1.0, 2.0, 3.0]), ValueError, "floor_divide"),
])
def test_binary_bad_inputs(call, error, match):
    with pytest.raises(error, match=match):
        call()


GRADCHECKED = {  # name -> (function, inputs drawn away from its kinks and jumps by construction)
    "clamp tensor bounds": (lambda x, lo, hi: x.clamp(lo, hi),
                            lambda: (np.array([-1.3, -0.2, 0.4, 1.6, 0.9, -0.7]),
                                     np.array([-0.5, -0.5, 0.1, 0.3, 1.2, 0.2]),
                                     np.array([1.0, 0.5, 0.8, 1.1, 0.6, 0.9]))),
    "fmax": (lambda a, b: a.fmax(b), lambda: (np.array([[-1.0, 0.5, 2.0]]), np.array([[0.3], [1.1]]))),
    "fmin": (lambda a, b: tg.fmin(a, b), lambda: (np.array([[-1.0, 0.5, 2.0]]), np.array([[0.3], [1.1]]))),
    "copysign": (lambda a, b: a.copysign(b),
                 lambda: (np.array([-1.5, 0.5, 2.0, -0.3]), np.array([1.0, -2.0, -0.1, 0.7]))),
    "nan_to_num": (lambda a: (a * 2).nan_to_num(posinf=1.0), lambda: (np.array([-1.5, 0.5, 2.0]),)),
    "div floor": (lambda a, b: a.div(b, rounding_mode="floor") * a,
                  lambda: (np.array([1.5, -2.3, 3.7]), np.array([0.7, 0.9, -1.3]))),
}


@pytest.mark.parametrize("name", list(GRADCHECKED))
def test_gradcheck_float64(name):
    fn, make = GRADCHECKED[name]
    assert tg.gradcheck(fn, *(Tensor(a, requires_grad=True) for a in make()))


def test_operators_give_way_to_python_for_other_kinds():
    t = Tensor([1, 2])
    for op in ("__and__", "__or__", "__xor__", "__lshift__", "__rshift__", "__floordiv__", "__mod__",
               "__rand__", "__rfloordiv__", "__rmod__"):
        assert getattr(t, op)("x") is NotImplemented
    with pytest.raises(TypeError):
        t & "x"
