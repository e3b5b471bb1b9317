"""Reductions agree with PyTorch: sum, mean, amax, amin (and max()/min() over everything), var,
logsumexp, argmax, argmin. max(dim)/min(dim), which return (values, indices), are in test_max_min.py.

Each is checked over axis=None, an int, a negative int and a tuple of axes, with and
without keepdim, and through the `dim=` alias, for float32 and float64, on
non-contiguous inputs: the value, its shape and dtype, and the gradient.

Also pinned down: amax/amin and max()/min() split the gradient evenly between tied maxima;
logsumexp of a row of -inf is -inf; float16 sums accumulate in float32 (checked
against the float64 sum); sums of int/bool are int64; the mean of an int tensor is a
TypeError; an axis out of range is an error that names the op, not a bare numpy one.
"""
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import check_op, torch
from strategies import distinct_values, float_dtypes, grid_values, maybe_transposed, shapes, views

import tinygrad_lite as tg


@st.composite
def shape_and_axis(draw, tuples=True, allow_none=True, min_dims=0):
    """A shape and an axis spec for it: None, an int (maybe negative) or a tuple of distinct axes."""
    shape = draw(shapes(min_dims=min_dims))
    ndim = len(shape)
    options = [st.none()] if allow_none or ndim == 0 else []
    if ndim:
        options.append(st.integers(-ndim, ndim - 1))
        if tuples:
            options.append(st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True).map(
                lambda axes: tuple(a - ndim if i % 2 else a for i, a in enumerate(axes))))  # mix signs
    return shape, draw(st.one_of(*options))


def reduced_count(shape, axis):
    """How many elements each output element reduces over."""
    if axis is None:
        return math.prod(shape)
    axes = axis if isinstance(axis, tuple) else (axis,)
    return math.prod(shape[a] for a in axes)


# name: (ours(x, axis, keepdim), torch's(t, axis, keepdim)). torch.amax reduces
# everything with dim=(), not dim=None; over everything the engine's amax is its max().
REDUCTIONS = {
    "sum": (lambda x, a, k: x.sum(axis=a, keepdim=k), lambda t, a, k: torch.sum(t, dim=a, keepdim=k)),
    "mean": (lambda x, a, k: x.mean(axis=a, keepdim=k), lambda t, a, k: torch.mean(t, dim=a, keepdim=k)),
    "amax": (lambda x, a, k: x.amax(axis=a, keepdim=k),
             lambda t, a, k: torch.amax(t, dim=() if a is None else a, keepdim=k)),
    "amin": (lambda x, a, k: x.amin(axis=a, keepdim=k),
             lambda t, a, k: torch.amin(t, dim=() if a is None else a, keepdim=k)),
}


@pytest.mark.parametrize("name", REDUCTIONS)
@given(data=st.data())
def test_reduction_over_any_axes(device, name, data):
    dtype = data.draw(float_dtypes)
    shape, axis = data.draw(shape_and_axis())
    keepdim = data.draw(st.booleans())
    # distinct values: no ties, so max/min have a single winner (ties are tested below)
    x = data.draw(distinct_values(shape, dtype).flatmap(maybe_transposed))
    ours, theirs = REDUCTIONS[name]
    check_op(lambda t: ours(t, axis, keepdim), lambda t: theirs(t, axis, keepdim), x,
             reduce_size=reduced_count(shape, axis), device=device)


@pytest.mark.parametrize("name", ["amax", "amin"])
@given(data=st.data())
def test_amax_amin_split_gradient_evenly_between_ties(device, name, data):
    # values on a 9-point grid: most reductions over more than a few elements have tied winners
    dtype = data.draw(float_dtypes)
    shape, axis = data.draw(shape_and_axis())
    keepdim = data.draw(st.booleans())
    x = data.draw(grid_values(shape, dtype).flatmap(maybe_transposed))
    ours, theirs = REDUCTIONS[name]
    check_op(lambda t: ours(t, axis, keepdim), lambda t: theirs(t, axis, keepdim), x,
             reduce_size=reduced_count(shape, axis), device=device)


@pytest.mark.parametrize("name", ["amax", "amin"])
@pytest.mark.parametrize("axis", [None, 1, 0, (0, 1)])
def test_amax_amin_with_repeated_extrema(device, name, axis):
    # rows: max twice, constant (three-way tie), a single max; columns: single, single,
    # twice; the whole matrix: three times. -x ties its min the same way.
    x = np.array([[1.0, 5.0, 5.0], [2.0, 2.0, 2.0], [0.0, 1.0, 5.0]])
    x = x if name == "amax" else -x
    ours, theirs = REDUCTIONS[name]
    for dtype in (np.float32, np.float64):
        check_op(lambda t: ours(t, axis, False), lambda t: theirs(t, axis, False), x.astype(dtype),
                 device=device)


def test_amax_tie_gradient_values(device):
    x = tg.Tensor([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]], requires_grad=True, device=device)
    x.amax(axis=1).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [[0, 0.5, 0.5], [1 / 3, 1 / 3, 1 / 3]], rtol=1e-6)


def test_full_max_tie_gradient_values(device):
    x = tg.Tensor([[1.0, 3.0, 3.0], [2.0, 3.0, 2.0]], requires_grad=True, device=device)
    x.max().backward()
    np.testing.assert_allclose(x.grad.numpy(), [[0, 1 / 3, 1 / 3], [0, 1 / 3, 0]], rtol=1e-6)


@pytest.mark.parametrize("correction", [0, 1])
@given(data=st.data())
def test_var_over_any_axes(device, correction, data):
    dtype = data.draw(float_dtypes)
    spec = shape_and_axis()
    if correction == 1:
        # a single element has no unbiased variance (torch returns nan): reduce over >= 2
        spec = spec.filter(lambda shape_axis: reduced_count(*shape_axis) >= 2)
    shape, axis = data.draw(spec)
    keepdim = data.draw(st.booleans())
    x = data.draw(views(shape, dtype))
    check_op(lambda t: t.var(axis=axis, keepdim=keepdim, correction=correction),
             lambda t: torch.var(t, dim=axis, keepdim=keepdim, correction=correction), x,
             reduce_size=reduced_count(shape, axis), device=device)


def test_var_is_unbiased_by_default(device):
    x = np.random.default_rng(0).standard_normal((4, 5))
    check_op(lambda t: t.var(), torch.var, x, reduce_size=20, device=device)
    check_op(lambda t: t.var(axis=1), lambda t: torch.var(t, dim=1), x, reduce_size=5, device=device)


@given(data=st.data())
def test_logsumexp_over_int_and_tuple_axes(device, data):
    dtype = data.draw(float_dtypes)
    shape, axis = data.draw(shape_and_axis(allow_none=False, min_dims=1))
    keepdim = data.draw(st.booleans())
    x = data.draw(views(shape, dtype, low=-10, high=10))
    check_op(lambda t: t.logsumexp(axis, keepdim=keepdim),
             lambda t: torch.logsumexp(t, dim=axis, keepdim=keepdim), x,
             reduce_size=reduced_count(shape, axis), device=device)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_logsumexp_of_huge_values_does_not_overflow(device, dtype):
    x = np.array([[1e4, 1e4 - 1.0, -1e4], [-1e4, -1e4, -1e4 + 2.0]], dtype=dtype)
    out = check_op(lambda t: t.logsumexp(1), lambda t: torch.logsumexp(t, dim=1), x, device=device)
    assert np.all(np.isfinite(out.numpy()))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_logsumexp_of_minus_inf_row_is_minus_inf(device, dtype):
    inf = np.inf
    x = np.array([[-inf, -inf, -inf], [0.0, -inf, 1.0], [2.0, 2.0, 2.0]], dtype=dtype)
    # forward, as torch: an all -inf row gives -inf, not nan (torch's gradient there is nan,
    # which we do not pin down)
    out = check_op(lambda t: t.logsumexp(1), lambda t: torch.logsumexp(t, dim=1), x, grad=False,
                   device=device)
    assert out.numpy()[0] == -inf
    # gradient where every row has a finite entry: -inf entries get exactly 0
    check_op(lambda t: t.logsumexp(1, keepdim=True),
             lambda t: torch.logsumexp(t, dim=1, keepdim=True), x[1:], device=device)


ARG_REDUCTIONS = {
    "argmax": (lambda x, a, k: x.argmax(axis=a, keepdim=k),
               lambda t, a, k: torch.argmax(t, dim=a, keepdim=k)),
    "argmin": (lambda x, a, k: x.argmin(axis=a, keepdim=k),
               lambda t, a, k: torch.argmin(t, dim=a, keepdim=k)),
}


@pytest.mark.parametrize("name", ARG_REDUCTIONS)
@given(data=st.data())
def test_argmax_argmin_give_int64_indices(device, name, data):
    dtype = data.draw(float_dtypes)
    shape, axis = data.draw(shape_and_axis(tuples=False))
    keepdim = data.draw(st.booleans())
    x = data.draw(distinct_values(shape, dtype).flatmap(maybe_transposed))
    ours, theirs = ARG_REDUCTIONS[name]
    out = check_op(lambda t: ours(t, axis, keepdim), lambda t: theirs(t, axis, keepdim), x,
                   device=device)
    assert out.dtype == np.int64
    assert not out.requires_grad


@pytest.mark.parametrize("name", ARG_REDUCTIONS)
@pytest.mark.parametrize("axis", [None, 0, 1, -1])
def test_argmax_argmin_pick_the_first_of_ties(device, name, axis):
    x = np.array([[1.0, 3.0, 3.0, 0.0], [2.0, 2.0, 2.0, 2.0], [0.0, 0.0, 5.0, 0.0]], dtype=np.float32)
    ours, theirs = ARG_REDUCTIONS[name]
    check_op(lambda t: ours(t, axis, False), lambda t: theirs(t, axis, False), x, device=device)


# ---------------------------------------------------------------- dim= alias

DIM_ALIAS = {
    "sum": (lambda x: x.sum(dim=1), lambda t: t.sum(dim=1)),
    "mean": (lambda x: x.mean(dim=(0, 2), keepdim=True), lambda t: t.mean(dim=(0, 2), keepdim=True)),
    "max": (lambda x: x.max(dim=-1).values, lambda t: t.max(dim=-1).values),
    "min": (lambda x: x.min(dim=0, keepdim=True).values, lambda t: t.min(dim=0, keepdim=True).values),
    "amax": (lambda x: x.amax(dim=-1), lambda t: torch.amax(t, dim=-1)),
    "amin": (lambda x: x.amin(dim=(0, 2), keepdim=True), lambda t: torch.amin(t, dim=(0, 2), keepdim=True)),
    "var": (lambda x: x.var(dim=2, correction=0), lambda t: torch.var(t, dim=2, correction=0)),
    "logsumexp": (lambda x: x.logsumexp(dim=1), lambda t: torch.logsumexp(t, dim=1)),
    "argmax": (lambda x: x.argmax(dim=1), lambda t: torch.argmax(t, dim=1)),
    "argmin": (lambda x: x.argmin(dim=-1, keepdim=True), lambda t: torch.argmin(t, dim=-1, keepdim=True)),
}


@pytest.mark.parametrize("name", DIM_ALIAS)
def test_dim_is_an_alias_of_axis(device, name):
    x = np.random.default_rng(4).permutation(60).reshape(3, 4, 5).astype(np.float64) / 7.0
    ours, theirs = DIM_ALIAS[name]
    check_op(ours, theirs, x, reduce_size=5, device=device)


# ---------------------------------------------------------------- dtypes

@pytest.mark.parametrize("axis", [None, 0, (0, 2)])
def test_float16_sum_accumulates_in_float32(device, axis):
    # 2048 values averaging 0.5 along axis 0: a float16 running sum stalls once its ulp
    # passes the addend; the float32-accumulated sum stays within one float16 rounding
    # of the exact (float64) sum
    x = np.random.default_rng(5).uniform(0.0, 1.0, size=(2048, 3, 2)).astype(np.float16)
    out = tg.Tensor(x, device=device).sum(axis=axis)
    assert out.dtype == np.float16
    exact = x.astype(np.float64).sum(axis=axis)
    np.testing.assert_allclose(out.numpy().astype(np.float64), exact, rtol=2.0 ** -10)


def test_float16_mean_accumulates_in_float32(device):
    x = np.random.default_rng(6).uniform(0.0, 1.0, size=(3, 4096)).astype(np.float16)
    out = tg.Tensor(x, device=device).mean(axis=1)
    assert out.dtype == np.float16
    exact = x.astype(np.float64).mean(axis=1)
    np.testing.assert_allclose(out.numpy().astype(np.float64), exact, rtol=2.0 ** -10)


def test_float16_sum_gradient_is_float16_ones(device):
    x = np.random.default_rng(7).uniform(-1, 1, size=(5, 7)).astype(np.float16)
    t = tg.Tensor(x, requires_grad=True, device=device)
    t.sum().backward()
    assert t.grad.dtype == np.float16
    np.testing.assert_array_equal(t.grad.numpy(), np.ones_like(x))


@pytest.mark.parametrize("axis", [None, 0, (0, 1), -1])
@pytest.mark.parametrize("dtype", [np.int64, np.bool_])
def test_sum_of_ints_and_bools_is_int64(device, dtype, axis):
    x = np.random.default_rng(8).integers(-3, 4, size=(2, 3, 4)).astype(dtype)
    out = check_op(lambda t: t.sum(axis=axis), lambda t: torch.sum(t, dim=axis), x, device=device)
    assert out.dtype == np.int64


def test_mean_of_int_tensor_is_type_error(device):
    with pytest.raises(RuntimeError):
        torch.tensor([1, 2, 3]).mean()  # torch refuses too, with a RuntimeError
    with pytest.raises(TypeError):
        tg.Tensor([1, 2, 3], device=device).mean()


# ---------------------------------------------------------------- bad axes

BAD_AXIS_CALLS = {
    # name: (op name the message must mention, call with an axis out of range for a 2-D tensor)
    "sum(axis=2)": ("sum", lambda x: x.sum(axis=2)),
    "sum(axis=-3)": ("sum", lambda x: x.sum(axis=-3)),
    "sum(axis=(0, 2))": ("sum", lambda x: x.sum(axis=(0, 2))),
    "sum(axis=(0, 0))": ("sum", lambda x: x.sum(axis=(0, 0))),
    "mean(axis=5)": ("mean", lambda x: x.mean(axis=5)),
    "max(axis=2)": ("max", lambda x: x.max(axis=2)),
    "min(axis=-3)": ("min", lambda x: x.min(axis=-3)),
    "amax(axis=(0, 2))": ("amax", lambda x: x.amax(axis=(0, 2))),
    "amin(axis=-3)": ("amin", lambda x: x.amin(axis=-3)),
    "var(axis=2)": ("var", lambda x: x.var(axis=2)),
    "logsumexp(2)": ("logsumexp", lambda x: x.logsumexp(2)),
    "argmax(axis=2)": ("argmax", lambda x: x.argmax(axis=2)),
    "argmin(axis=-3)": ("argmin", lambda x: x.argmin(axis=-3)),
}


@pytest.mark.parametrize("name", BAD_AXIS_CALLS)
def test_bad_axis_is_an_error_naming_the_op(device, name):
    op, call = BAD_AXIS_CALLS[name]
    x = tg.Tensor(np.zeros((2, 3), dtype=np.float32), device=device)
    with pytest.raises((ValueError, IndexError), match=op) as info:
        call(x)
    # numpy's AxisError is both a ValueError and an IndexError, but says nothing of the op
    assert type(info.value) is not np.exceptions.AxisError
