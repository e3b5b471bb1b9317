"""Cumulative and sorting ops agree with PyTorch: values, indices, dtypes and gradients, on every device.

Covered: cumsum cumprod cummax cummin logcumsumexp diff, sort argsort msort topk kthvalue median
nanmedian mode, unique unique_consecutive, searchsorted bucketize (methods and tg.* functions).

Values are drawn on hypothesis shapes with size-0 and size-1 axes, in every memory layout
(strategies.views). Where ties make torch's indices a matter of implementation (topk, kthvalue,
median over tied values), the values are compared always and the indices only on distinct values;
elsewhere (sort is stable, cummax/cummin take the last of ties, mode the last position) indices are
compared on grids where ties are common. NaN placement is compared value for value.
"""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import assert_close, check_op, to_torch, torch
from strategies import arrays, distinct_values, float_dtypes, grid_values, maybe_transposed, shapes, views

import tinygrad_lite as tg
from tinygrad_lite import Tensor


def _axis_of(data, shape):
    return data.draw(st.integers(-max(len(shape), 1), max(len(shape), 1) - 1))


def _with_nans(data, x):
    """x with NaN at some drawn positions (float dtypes only)."""
    if x.size == 0 or x.dtype.kind != "f":
        return x
    mask = data.draw(st.lists(st.booleans(), min_size=x.size, max_size=x.size))
    out = np.array(x, copy=True)
    out.reshape(-1)[np.array(mask)] = np.nan
    return out


def _check_pair(ours, theirs, values_too=True, indices=True):
    """Named (values, indices) results: the same values (and NaNs), and the same int64 indices."""
    if values_too:
        assert_close(ours[0].numpy(), theirs[0].numpy(), 1e-6, 1e-6, "values")
    assert ours[1].dtype == np.int64
    if indices:
        assert_close(ours[1].numpy(), theirs[1].numpy(), 0, 0, "indices")
    else:
        assert ours[1].shape == tuple(theirs[1].shape)


# ---------------------------------------------------------------- cumulative ops

@pytest.mark.parametrize("name", ["cumsum", "cumprod", "logcumsumexp"])
@given(data=st.data())
def test_scans_match_torch(device, name, data):
    shape = data.draw(shapes(min_side=0))
    x = data.draw(views(shape, data.draw(float_dtypes), low=-2, high=2))
    dim = _axis_of(data, shape)
    check_op(lambda t: getattr(t, name)(dim), lambda t: getattr(torch, name)(t, dim), x, device=device,
             reduce_size=max(shape[dim] if shape else 1, 1))


@pytest.mark.parametrize("name", ["cumsum", "cumprod"])
@pytest.mark.parametrize("dtype", [np.int8, np.int32, np.int64, np.uint8, np.bool_])
def test_integer_and_bool_scans_give_int64(device, name, dtype):
    x = np.array([[1, 0, 1, 1], [1, 1, 0, 1]]).astype(dtype) if dtype == np.bool_ else \
        np.array([[3, 2, 1, 2], [1, 2, 0, 1]]).astype(dtype)
    out = check_op(lambda t: getattr(t, name)(1), lambda t: getattr(torch, name)(t, 1), x, device=device)
    assert out.dtype == np.int64
    check_op(lambda t: getattr(tg, name)(t, 0, dtype=tg.int16), lambda t: getattr(torch, name)(t, 0, dtype=torch.int16),
             x, device=device)


@pytest.mark.parametrize("name", ["cumsum", "cumprod"])
def test_dtype_argument_casts_first(device, name):
    x = np.linspace(-1, 1, 7).astype(np.float32)
    out = check_op(lambda t: getattr(t, name)(0, dtype=tg.float64),
                   lambda t: getattr(t, name)(0, dtype=torch.float64), x, device=device, rtol=1e-6, atol=1e-7)
    assert out.dtype == np.float64


def test_float16_cumsum_accumulates_in_float32(device):
    x = np.full(3000, 1.0, np.float16)
    out = check_op(lambda t: t.cumsum(0), lambda t: t.cumsum(0), x, device=device)
    assert out.numpy()[-1] == 3000  # accumulating in float16 would stop at 2048


@given(data=st.data())
def test_cumprod_gradient_with_zeros_matches_torch(device, data):
    """Grid values make zeros common, one or several per slice: torch's formula at and after them."""
    shape = data.draw(shapes(min_dims=1, max_dims=3))
    x = data.draw(grid_values(shape, np.float64, low=-1, high=1, step=0.5).flatmap(maybe_transposed))
    dim = _axis_of(data, shape)
    check_op(lambda t: t.cumprod(dim), lambda t: t.cumprod(dim), x, device=device)


@pytest.mark.parametrize("x", [[0.0, 2.0, 3.0], [2.0, 0.0, 3.0, 0.0, 4.0], [0.0, 0.0], [1.5, -2.0, 0.0]], ids=repr)
def test_cumprod_gradcheck_through_zeros(x):
    assert tg.gradcheck(lambda t: t.cumprod(0), Tensor(np.array(x), requires_grad=True))


@pytest.mark.parametrize("name", ["cumsum", "cumprod", "logcumsumexp"])
@given(data=st.data())
def test_scans_gradcheck_float64(name, data):
    shape = data.draw(shapes(min_dims=1, max_dims=2))
    x = data.draw(views(shape, np.float64, low=-2, high=2))
    assert tg.gradcheck(lambda t: getattr(t, name)(-1), Tensor(x, requires_grad=True))


def test_logcumsumexp_is_stable_and_handles_infinities(device):
    x = np.array([[-1000.0, 1000.0, 0.0, -np.inf, np.inf], [-np.inf, -np.inf, 3.0, np.nan, 1.0]])
    check_op(lambda t: t.logcumsumexp(1), lambda t: t.logcumsumexp(1), x, grad=False, device=device)
    check_op(lambda t: t.logcumsumexp(1), lambda t: t.logcumsumexp(1), x[:, :3].copy() + [[1100, 0, 0]],
             device=device)


@pytest.mark.parametrize("name", ["cummax", "cummin"])
@given(data=st.data())
def test_cummax_cummin_match_torch_with_ties_and_nans(device, name, data):
    shape = data.draw(shapes(min_side=0))
    dtype = data.draw(float_dtypes)
    x = data.draw(grid_values(shape, dtype, low=-1, high=1, step=0.5))
    if data.draw(st.booleans()):
        x = _with_nans(data, x)
    x = data.draw(maybe_transposed(x))
    dim = _axis_of(data, shape)
    ours, theirs = getattr(Tensor(x, device=device), name)(dim), getattr(torch, name)(to_torch(x), dim)
    _check_pair(ours, theirs)
    assert type(ours).__name__ == name and ours.values is ours[0] and ours.indices is ours[1]
    # the gradient of values_i reaches x at indices_i (summed where several outputs chose one position)
    check_op(lambda t: getattr(t, name)(dim).values, lambda t: getattr(t, name)(dim).values, x, device=device)


class _OtherArrayModule:
    """numpy seen as another array module (cupy): `running` must take its portable path."""

    def __getattr__(self, name):
        return getattr(np, name)


@pytest.mark.parametrize("op", [np.maximum, np.minimum, np.logaddexp], ids=lambda f: f.__name__)
@given(data=st.data())
def test_running_scan_by_doubling_equals_accumulate(op, data):
    """The scan other array modules get (log2 n doubling steps) is numpy's accumulate, NaN included."""
    from tinygrad_lite.ops.scan import running
    shape = data.draw(shapes(min_dims=1, min_side=0, max_side=9))
    x = _with_nans(data, data.draw(views(shape, np.float64))) if data.draw(st.booleans()) else \
        data.draw(views(shape, np.float64))
    axis = data.draw(st.integers(0, len(shape) - 1))
    with np.errstate(invalid="ignore"):
        np.testing.assert_allclose(running(_OtherArrayModule(), op, x, axis), op.accumulate(x, axis=axis),
                                   rtol=1e-13, atol=1e-13)


@pytest.mark.parametrize("dtype", [np.int64, np.int8, np.bool_])
def test_cummax_of_integers_and_bools(device, dtype):
    x = np.array([[1, 0, 1, 3, 3], [0, 0, 2, 1, 2]]).astype(dtype)
    for name in ("cummax", "cummin"):
        _check_pair(getattr(Tensor(x, device=device), name)(1), getattr(torch, name)(to_torch(x), 1))


@given(data=st.data())
def test_diff_matches_torch(device, data):
    shape = data.draw(shapes(min_dims=1, min_side=0))
    x = data.draw(views(shape, data.draw(float_dtypes)))
    dim = _axis_of(data, shape)
    n = data.draw(st.integers(0, 4))
    extra = {}
    for name in ("prepend", "append"):
        if data.draw(st.booleans()):
            side = list(shape)
            side[dim] = data.draw(st.integers(0, 2))
            extra[name] = data.draw(views(tuple(side), x.dtype))
    keys = list(extra)

    def ours(t, *more):
        return t.diff(n, dim, **dict(zip(keys, more)))

    def theirs(t, *more):
        return torch.diff(t, n, dim, **dict(zip(keys, more)))
    check_op(ours, theirs, x, *extra.values(), device=device)


def test_diff_of_bools_and_integers(device):
    b = np.array([[True, True, False, True], [False, False, False, True]])
    check_op(lambda t: t.diff(), lambda t: t.diff(), b, device=device)
    check_op(lambda t: t.diff(2, 0), lambda t: t.diff(2, 0), np.arange(12, dtype=np.int64).reshape(4, 3) ** 2,
             device=device)


def test_diff_gradcheck_float64():
    x, p = np.random.default_rng(1).standard_normal((3, 4)), np.random.default_rng(2).standard_normal((3, 1))
    assert tg.gradcheck(lambda t, q: t.diff(2, 1, prepend=q), Tensor(x, requires_grad=True),
                        Tensor(p, requires_grad=True))


# ---------------------------------------------------------------- sort, argsort, msort

@pytest.mark.parametrize("descending", [False, True])
@given(data=st.data())
def test_sort_matches_torchs_stable_sort_with_ties_and_nans(device, descending, data):
    shape = data.draw(shapes(min_side=0))
    dtype = data.draw(st.sampled_from([np.float16, np.float32, np.float64]))
    x = data.draw(grid_values(shape, dtype))
    if data.draw(st.booleans()):
        x = _with_nans(data, x)
    x = data.draw(maybe_transposed(x))
    dim = _axis_of(data, shape)
    ours = Tensor(x, device=device).sort(dim, descending)
    theirs = torch.sort(to_torch(x), dim=dim, descending=descending, stable=True)
    _check_pair(ours, theirs)
    ranks = Tensor(x, device=device).argsort(dim, descending)
    np.testing.assert_array_equal(ranks.numpy(), theirs.indices.numpy())
    check_op(lambda t: t.sort(dim, descending).values,
             lambda t: t.sort(dim=dim, descending=descending, stable=True).values, x,
             device=device)


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.uint8, np.int8, np.bool_])
@pytest.mark.parametrize("descending", [False, True])
def test_sort_of_integers_and_bools(device, dtype, descending):
    x = np.random.default_rng(0).integers(0, 3, (3, 7)).astype(dtype)
    if dtype == np.int64:
        x[0, :2] = [np.iinfo(np.int64).min, np.iinfo(np.int64).max]  # ~x never overflows
    ours = Tensor(x, device=device).sort(1, descending)
    _check_pair(ours, torch.sort(to_torch(x), dim=1, descending=descending, stable=True))
    assert ours.values.dtype == dtype


def test_sort_treats_negative_zero_as_zero_and_keeps_order(device):
    x = np.array([0.0, -0.0, 0.0, -0.0, -1.0])
    for descending in (False, True):
        _check_pair(Tensor(x, device=device).sort(descending=descending),
                    torch.sort(to_torch(x), descending=descending, stable=True))


def test_msort_and_free_functions(device):
    x = np.random.default_rng(3).standard_normal((4, 3))
    check_op(lambda t: t.msort(), lambda t: t.msort(), x, device=device)
    check_op(tg.msort, torch.msort, x, device=device)
    check_op(lambda t: tg.sort(t, 0, True).values, lambda t: torch.sort(t, 0, True).values, x, device=device)
    check_op(lambda t: tg.argsort(t, axis=0, descending=True), lambda t: torch.argsort(t, 0, True), x, device=device)
    r = tg.sort(Tensor(x), stable=True)
    assert type(r).__name__ == "sort" and r.indices.dtype == np.int64


def test_sort_of_a_0d_tensor(device):
    ours, theirs = Tensor(np.array(2.5), device=device).sort(), torch.tensor(2.5, dtype=torch.float64).sort()
    _check_pair(ours, theirs)
    assert ours.values.shape == () and Tensor(np.array(2.5)).argsort(0).shape == ()


# ---------------------------------------------------------------- topk, kthvalue

@pytest.mark.parametrize("largest", [True, False])
@given(data=st.data())
def test_topk_values_match_torch(device, largest, data):
    shape = data.draw(shapes(min_side=0))
    dtype = data.draw(float_dtypes)
    dim = _axis_of(data, shape)
    n = shape[dim] if shape else 1
    k = data.draw(st.integers(0, n))
    x = data.draw(grid_values(shape, dtype).flatmap(maybe_transposed))
    if data.draw(st.booleans()):
        x = _with_nans(data, x)
    ours = Tensor(x, device=device).topk(k, dim, largest)
    theirs = torch.topk(to_torch(x), k, dim, largest)
    _check_pair(ours, theirs, indices=False)
    # with ties the indices are torch's to choose; they must name positions holding the values
    if x.ndim:
        picked = np.take_along_axis(x, ours.indices.numpy(), axis=dim)
        assert_close(picked, ours.values.numpy(), 0, 0, "x at the indices")
    # distinct values: the same indices, and the gradient reaches them
    y = data.draw(distinct_values(shape, dtype).flatmap(maybe_transposed))
    _check_pair(Tensor(y, device=device).topk(k, dim, largest), torch.topk(to_torch(y), k, dim, largest))
    check_op(lambda t: t.topk(k, dim, largest).values, lambda t: t.topk(k, dim, largest).values, y, device=device)


def test_topk_free_function_and_keywords(device):
    x = np.random.default_rng(4).permutation(24).reshape(2, 3, 4).astype(np.float32)
    _check_pair(tg.topk(Tensor(x, device=device), 2, axis=1, largest=False, sorted=True),
                torch.topk(to_torch(x), 2, dim=1, largest=False))
    assert type(tg.topk(Tensor(x), 1)).__name__ == "topk"


@pytest.mark.parametrize("keepdim", [False, True])
@given(data=st.data())
def test_kthvalue_matches_torch(device, keepdim, data):
    shape = data.draw(shapes())
    dim = _axis_of(data, shape)
    k = data.draw(st.integers(1, shape[dim] if shape else 1))
    x = _with_nans(data, data.draw(grid_values(shape, np.float64))) if data.draw(st.booleans()) else \
        data.draw(grid_values(shape, np.float32).flatmap(maybe_transposed))
    _check_pair(Tensor(x, device=device).kthvalue(k, dim, keepdim), torch.kthvalue(to_torch(x), k, dim, keepdim),
                indices=False)
    y = data.draw(distinct_values(shape, np.float64).flatmap(maybe_transposed))
    _check_pair(tg.kthvalue(Tensor(y, device=device), k, dim, keepdim), torch.kthvalue(to_torch(y), k, dim, keepdim))
    check_op(lambda t: t.kthvalue(k, dim, keepdim).values, lambda t: t.kthvalue(k, dim, keepdim).values, y,
             device=device)


# ---------------------------------------------------------------- median, nanmedian, mode

@pytest.mark.parametrize("name", ["median", "nanmedian"])
@pytest.mark.parametrize("keepdim", [False, True])
@given(data=st.data())
def test_median_along_a_dim_matches_torch(device, name, keepdim, data):
    shape = data.draw(shapes())
    dim = _axis_of(data, shape)
    x = data.draw(grid_values(shape, data.draw(float_dtypes)).flatmap(maybe_transposed))
    if data.draw(st.booleans()):
        x = _with_nans(data, x)
    ours = getattr(Tensor(x, device=device), name)(dim, keepdim)
    theirs = getattr(torch, name)(to_torch(x), dim, keepdim)
    _check_pair(ours, theirs, indices=False)
    assert type(ours).__name__ == name
    y = data.draw(distinct_values(shape, np.float64).flatmap(maybe_transposed))
    _check_pair(getattr(Tensor(y, device=device), name)(dim, keepdim), getattr(torch, name)(to_torch(y), dim, keepdim))
    check_op(lambda t: getattr(t, name)(dim, keepdim).values, lambda t: getattr(t, name)(dim, keepdim).values, y,
             device=device)


@pytest.mark.parametrize("name", ["median", "nanmedian"])
@given(data=st.data())
def test_median_of_everything_matches_torch_and_splits_its_gradient(device, name, data):
    shape = data.draw(shapes(min_side=0))
    x = data.draw(grid_values(shape, data.draw(float_dtypes)).flatmap(maybe_transposed))
    if data.draw(st.booleans()):
        x = _with_nans(data, x)
    check_op(lambda t: getattr(t, name)(), lambda t: getattr(torch, name)(t), x, device=device)


def test_edges_of_the_selections(device):
    """0-d inputs, k = 0, slices of NaN alone, float16: as torch."""
    nan = np.full((2, 3), np.nan)
    for name in ("median", "nanmedian"):
        _check_pair(getattr(Tensor(nan, device=device), name)(1), getattr(torch, name)(to_torch(nan), 1))
    s = np.array(1.5)
    for call in (lambda t: t.topk(1), lambda t: t.topk(0), lambda t: t.kthvalue(1), lambda t: t.median(0),
                 lambda t: t.mode(), lambda t: t.cummax(0), lambda t: t.sort(-1, True)):
        _check_pair(call(Tensor(s, device=device)), call(to_torch(s)))
    half = np.random.default_rng(5).permutation(40).reshape(5, 8).astype(np.float16)
    check_op(lambda t: t.topk(3).values, lambda t: t.topk(3).values, half, device=device)
    check_op(lambda t: t.sort(0).values, lambda t: t.sort(0).values, half, device=device)


def test_median_of_integers(device):
    x = np.array([[5, 1, 4], [2, 2, 9]], np.int64)
    check_op(lambda t: t.median(), lambda t: t.median(), x, device=device)
    _check_pair(Tensor(x, device=device).median(1), torch.median(to_torch(x), 1))


@pytest.mark.parametrize("keepdim", [False, True])
@given(data=st.data())
def test_mode_matches_torch(device, keepdim, data):
    shape = data.draw(shapes())
    dim = _axis_of(data, shape)
    x = data.draw(grid_values(shape, data.draw(float_dtypes), low=-1, high=1, step=0.5).flatmap(maybe_transposed))
    # without NaN torch's index is the last position holding the mode: compared, and the gradient too
    _check_pair(tg.mode(Tensor(x, device=device), dim, keepdim), torch.mode(to_torch(x), dim, keepdim))
    check_op(lambda t: t.mode(dim, keepdim).values, lambda t: t.mode(dim, keepdim).values, x, device=device)


def test_mode_counts_each_nan_alone(device):
    """torch's mode over a slice holding NaN depends on how its sort leaves the NaNs (it compares with <,
    for which NaN is no order), so the engine's rule is checked on its own: NaN != NaN, each counts once."""
    x = np.array([[np.nan, 2.0, np.nan, 2.0, np.nan], [np.nan, np.nan, 1.0, 3.0, 5.0]])
    r = Tensor(x, device=device).mode(1)
    np.testing.assert_array_equal(r.values.numpy(), [2.0, 1.0])
    np.testing.assert_array_equal(r.indices.numpy(), [3, 2])


def test_mode_of_integers(device):
    x = np.array([[3, 1, 1, 3, 2], [5, 4, 4, 5, 4]], np.int64)
    _check_pair(Tensor(x, device=device).mode(), torch.mode(to_torch(x)))


# ---------------------------------------------------------------- gradients by finite differences

SELECTIONS = {
    "sort": lambda t: t.sort(-1).values,
    "sort descending": lambda t: t.sort(0, descending=True).values,
    "topk": lambda t: t.topk(2, 0).values,
    "kthvalue": lambda t: t.kthvalue(2, -1).values,
    "median dim": lambda t: t.median(0).values,
    "nanmedian dim": lambda t: t.nanmedian(-1, True).values,
    "median": lambda t: t.median(),
    "mode": lambda t: t.mode(-1).values,
    "cummax": lambda t: t.cummax(0).values,
    "cummin": lambda t: t.cummin(-1).values,
    "msort": lambda t: t.msort(),
}


@pytest.mark.parametrize("name", sorted(SELECTIONS))
@given(data=st.data())
def test_selections_gradcheck_float64(name, data):
    """Distinct values at least 0.003 apart: the differences (eps 1e-6) never swap two of them."""
    shape = data.draw(shapes(min_dims=1, max_dims=2, min_side=2))
    x = data.draw(distinct_values(shape, np.float64))
    assert tg.gradcheck(SELECTIONS[name], Tensor(x, requires_grad=True))


# ---------------------------------------------------------------- unique, unique_consecutive

def _unique_results(ours, theirs):
    ours, theirs = (ours if isinstance(ours, tuple) else (ours,)), (theirs if isinstance(theirs, tuple) else (theirs,))
    assert len(ours) == len(theirs)
    for i, (a, b) in enumerate(zip(ours, theirs)):
        assert a.dtype == b.numpy().dtype, f"output {i}: dtype {a.dtype} != {b.numpy().dtype}"
        assert_close(a.numpy(), b.numpy(), 0, 0, f"output {i}")


@pytest.mark.parametrize("name", ["unique", "unique_consecutive"])
@given(data=st.data())
def test_unique_matches_torch(device, name, data):
    shape = data.draw(shapes(min_side=0, max_dims=3))
    dtype = data.draw(st.sampled_from([np.float32, np.float64, np.int64, np.bool_]))
    x = data.draw(grid_values(shape, np.float64, low=-1, high=1)).astype(dtype) if dtype != np.bool_ else \
        data.draw(views(shape, dtype))
    if dtype == np.float64 and data.draw(st.booleans()):
        x = _with_nans(data, x)
    flags = {"return_inverse": data.draw(st.booleans()), "return_counts": data.draw(st.booleans())}
    ours = getattr(Tensor(x, device=device), name)(**flags)
    _unique_results(ours, getattr(torch, name)(to_torch(x), **flags))
    if x.ndim and x.dtype.kind != "f":  # unique slices (torch's NaN rows differ by platform: numbers only)
        dim = _axis_of(data, shape)
        if any(s == 0 for i, s in enumerate(shape) if i != dim % len(shape)):  # empty slices: both refuse
            with pytest.raises(RuntimeError):
                getattr(torch, name)(to_torch(x), dim=dim, **flags)
            with pytest.raises(ValueError, match=name):
                getattr(tg, name)(Tensor(x, device=device), dim=dim, **flags)
            return
        ours = getattr(tg, name)(Tensor(x, device=device), dim=dim, **flags)
        _unique_results(ours, getattr(torch, name)(to_torch(x), dim=dim, **flags))


def test_unique_keeps_each_nan_and_numbers_its_inverse_as_torch():
    x = np.array([3.0, np.nan, 1.0, np.nan, 3.0])
    _unique_results(Tensor(x).unique(return_inverse=True, return_counts=True),
                    torch.unique(to_torch(x), return_inverse=True, return_counts=True))


def test_unique_is_not_differentiable():
    x = Tensor(np.array([2.0, 1.0, 2.0]), requires_grad=True)
    assert not x.unique().requires_grad


# ---------------------------------------------------------------- searchsorted, bucketize

@pytest.mark.parametrize("right", [False, True])
@given(data=st.data())
def test_searchsorted_matches_torch(device, right, data):
    lead = data.draw(shapes(max_dims=2, min_side=0))
    n = data.draw(st.integers(0, 6))
    one_d = data.draw(st.booleans())
    seq = np.sort(data.draw(grid_values((n,) if one_d else lead + (n,), np.float64)), axis=-1)
    values = data.draw(grid_values(lead + (data.draw(st.integers(0, 4)),), np.float64, low=-3, high=3, step=0.25))
    if data.draw(st.booleans()):
        values = _with_nans(data, values)
    ours = tg.searchsorted(Tensor(seq, device=device), Tensor(values, device=device), right=right)
    theirs = torch.searchsorted(to_torch(seq), to_torch(values), right=right)
    assert_close(ours.numpy(), theirs.numpy(), 0, 0, "positions")
    assert ours.dtype == np.int64
    side = "right" if right else "left"
    ours = tg.searchsorted(Tensor(seq, device=device), Tensor(values, device=device), side=side, out_int32=True)
    theirs = torch.searchsorted(to_torch(seq), to_torch(values), side=side, out_int32=True)
    assert ours.dtype == np.int32
    assert_close(ours.numpy(), theirs.numpy(), 0, 0, "positions (side=)")


def test_searchsorted_with_nan_in_the_sequence_follows_torchs_binary_search(device):
    seq, values = np.array([1.0, 2.0, np.nan]), np.array([np.nan, 0.0, 2.0, 5.0])
    for right in (False, True):
        ours = tg.searchsorted(Tensor(seq, device=device), Tensor(values, device=device), right=right)
        np.testing.assert_array_equal(ours.numpy(), torch.searchsorted(to_torch(seq), to_torch(values),
                                                                       right=right).numpy())


def test_searchsorted_with_a_sorter_and_a_scalar(device):
    seq = np.array([[3.0, 1.0, 2.0], [9.0, 7.0, 8.0]])
    sorter = np.argsort(seq, axis=-1)
    values = np.array([[2.5, 0.0], [8.0, 10.0]])
    ours = tg.searchsorted(Tensor(seq, device=device), Tensor(values, device=device), sorter=Tensor(sorter))
    theirs = torch.searchsorted(to_torch(seq), to_torch(values), sorter=to_torch(sorter))
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    s = np.array([1.0, 2.0, 3.0])
    assert tg.searchsorted(Tensor(s, device=device), 2.5).item() == torch.searchsorted(to_torch(s), 2.5).item() == 2


@pytest.mark.parametrize("right", [False, True])
def test_bucketize_matches_torch(device, right):
    boundaries = np.array([1.0, 3.0, 5.0, 7.0, 9.0])
    x = np.array([[0.5, 1.0, 3.0, 6.0], [9.0, 10.0, np.nan, -np.inf]])
    ours = tg.bucketize(Tensor(x, device=device), Tensor(boundaries, device=device), right=right)
    np.testing.assert_array_equal(ours.numpy(), torch.bucketize(to_torch(x), to_torch(boundaries),
                                                                right=right).numpy())
    assert ours.dtype == np.int64
    assert tg.bucketize(3, Tensor(boundaries), out_int32=True).dtype == np.int32


# ---------------------------------------------------------------- errors

ERRORS = [
    ("cumsum without dim", lambda t: t.cumsum(), TypeError, "cumsum"),
    ("cumsum dim out of range", lambda t: t.cumsum(2), IndexError, "cumsum"),
    ("topk k too large", lambda t: t.topk(5), ValueError, "topk"),
    ("topk negative k", lambda t: t.topk(-1), ValueError, "topk"),
    ("topk float k", lambda t: t.topk(1.5), TypeError, "topk"),
    ("kthvalue k = 0", lambda t: t.kthvalue(0), ValueError, "kthvalue"),
    ("kthvalue k too large", lambda t: t.kthvalue(5), ValueError, "kthvalue"),
    ("median over an empty dim", lambda t: t[:, :0].median(1), ValueError, "median"),
    ("mode over an empty dim", lambda t: t[:, :0].mode(1), ValueError, "mode"),
    ("kthvalue over an empty dim", lambda t: t[:, :0].kthvalue(1, 1), ValueError, "kthvalue"),
    ("diff of a 0-d tensor", lambda t: t[0, 0].diff(), ValueError, "diff"),
    ("diff negative n", lambda t: t.diff(-1), ValueError, "diff"),
    ("diff prepend of another shape", lambda t: t.diff(prepend=t[:1]), ValueError, "diff"),
    ("sort descending not a bool", lambda t: t.sort(descending="yes"), TypeError, "sort"),
    ("unique dim out of range", lambda t: t.unique(dim=3), IndexError, "unique"),
    ("searchsorted leading dims differ", lambda t: tg.searchsorted(t, t[:1]), ValueError, "searchsorted"),
    ("searchsorted 0-d sequence", lambda t: tg.searchsorted(t[0, 0], t), ValueError, "searchsorted"),
    ("searchsorted side", lambda t: tg.searchsorted(t[0], t, side="middle"), ValueError, "searchsorted"),
    ("searchsorted side against right", lambda t: tg.searchsorted(t[0], t, side="left", right=True), ValueError,
     "searchsorted"),
    ("bucketize 2-d boundaries", lambda t: tg.bucketize(t, t), ValueError, "bucketize"),
    ("sort of a list", lambda t: tg.sort([1.0, 2.0]), TypeError, "sort"),
    ("logcumsumexp of integers", lambda t: t.long().logcumsumexp(0), TypeError, "logcumsumexp"),
    ("topk of bools", lambda t: (t > 2).topk(1), TypeError, "topk"),
    ("kthvalue of bools", lambda t: (t > 2).kthvalue(1), TypeError, "kthvalue"),
    ("median of bools", lambda t: (t > 2).median(), TypeError, "median"),
    ("median of bools along a dim", lambda t: (t > 2).median(0), TypeError, "median"),
]


@pytest.mark.parametrize("name, call, error, op", ERRORS, ids=[e[0] for e in ERRORS])
def test_bad_calls_raise_clean_errors(name, call, error, op):
    x = np.arange(8.0).reshape(2, 4)
    with pytest.raises(error, match=op):
        call(Tensor(x))


POSITIONAL = {  # the same positional call for the engine and torch
    "cumsum": lambda t: t.cumsum(1),
    "diff": lambda t: t.diff(2, 0),
    "sort": lambda t: t.sort(1, True).values,
    "argsort": lambda t: t.argsort(0, True),
    "topk": lambda t: t.topk(2, 1, False, True).values,
    "kthvalue": lambda t: t.kthvalue(2, 0, True).values,
    "median": lambda t: t.median(1, True).indices,
    "nanmedian": lambda t: t.nanmedian(0, False).values,
    "mode": lambda t: t.mode(1, True).values,
    "unique": lambda t: t.unique(True, True, True, 0)[1],
    "unique_consecutive": lambda t: t.unique_consecutive(True, True, 1)[2],
}


@pytest.mark.parametrize("name", sorted(POSITIONAL))
def test_positional_arguments_mean_what_torchs_do(name):
    x = np.random.default_rng(6).permutation(12).reshape(3, 4).astype(np.float64)
    check_op(POSITIONAL[name], POSITIONAL[name], x)


@pytest.mark.parametrize("name", ["cumsum", "cumprod", "logcumsumexp", "cummax", "cummin", "sort", "median",
                                  "nanmedian", "mode"])
def test_infinities_and_nans_are_answers_not_warnings(device, name):
    """inf - inf and inf * 0 make NaN as in torch, quietly; the values and gradients are torch's."""
    x = np.array([[np.inf, -np.inf, 1.0, np.nan, 0.0], [0.0, np.inf, 2.0, -1.0, -np.inf], [1, 2, 0, 3, 0]])
    with np.errstate(all="raise"):
        t = Tensor(x, requires_grad=True, device=device)
        out = getattr(t, name)(1)
        values = out if isinstance(out, Tensor) else out.values
        values.backward(Tensor(np.ones(values.shape), device=device))
    u = to_torch(x, requires_grad=True)
    theirs = getattr(torch, name)(u, 1)
    theirs = theirs if isinstance(theirs, torch.Tensor) else theirs.values
    theirs.backward(torch.ones_like(theirs))
    assert_close(values.numpy(), theirs.detach().numpy(), 1e-12, 1e-12, "values")
    assert_close(t.grad.numpy(), u.grad.numpy(), 1e-12, 1e-12, "gradient")


def test_every_free_function_is_torchs_and_exported():
    from tinygrad_lite import scan_functions
    for name in scan_functions.__all__:
        assert getattr(tg, name) is getattr(scan_functions, name) and name in tg.__all__, name
        assert hasattr(torch, name), f"{name} is not one of torch's functions"
        assert getattr(tg, name).__doc__, f"tg.{name} has no docstring"


_FREE_REST = {"cumsum": (1,), "cumprod": (1,), "cummax": (1,), "cummin": (1,), "logcumsumexp": (1,), "topk": (2,),
              "kthvalue": (2,), "searchsorted": (np.array([0.5, 1.5]),)}


@pytest.mark.parametrize("bad", ["list", "ndarray"])
@pytest.mark.parametrize("name", sorted(_FREE_REST) + ["sort", "argsort", "msort", "diff", "median", "nanmedian", "mode",
                                                       "unique", "unique_consecutive", "bucketize"])
def test_free_functions_refuse_a_non_tensor_first_argument(name, bad):
    value = np.sort(np.random.default_rng(7).standard_normal((3, 4)), axis=-1)
    value = value.tolist() if bad == "list" else value
    rest = _FREE_REST.get(name, (np.array([0.0, 1.0]),) if name == "bucketize" else ())
    with pytest.raises(TypeError):
        getattr(torch, name)(value, *[to_torch(r) if isinstance(r, np.ndarray) else r for r in rest])
    with pytest.raises(TypeError, match=rf"^{name}: argument '(input|sorted_sequence)' must be a Tensor"):
        getattr(tg, name)(value, *[Tensor(r) if isinstance(r, np.ndarray) else r for r in rest])


@pytest.mark.parametrize("name", ["cumsum_", "cumprod_"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32, np.uint8])
def test_in_place_scans_match_torch(device, name, dtype):
    """x.cumsum_(dim) and x.cumprod_(dim) keep x's dtype and memory; gradients flow through a non-leaf."""
    x = (np.arange(12).reshape(3, 4) % 5 + 1).astype(dtype)
    ours, theirs = Tensor(x, device=device), to_torch(x)
    array = ours.array
    assert getattr(ours, name)(1) is ours
    getattr(theirs, name)(1)
    assert ours.array is array and ours.dtype == dtype
    assert_close(ours.numpy(), theirs.numpy(), 1e-6, 1e-6, "values")
    if dtype in (np.float32, np.float64):
        check_op(lambda t: getattr(t * 1, name)(0), lambda t: getattr(t * 1, name)(0), x, device=device)
        with pytest.raises(RuntimeError, match=name):
            getattr(Tensor(x, requires_grad=True, device=device), name)(0)


# ---------------------------------------------------------------- quantile, nanquantile

INTERPOLATIONS = ["linear", "lower", "higher", "midpoint", "nearest"]


@pytest.mark.parametrize("name", ["quantile", "nanquantile"])
@pytest.mark.parametrize("interpolation", INTERPOLATIONS)
@given(data=st.data())
def test_quantile_matches_torch(device, name, interpolation, data):
    shape = data.draw(shapes(min_dims=0, max_dims=3))
    dtype = data.draw(float_dtypes)
    dim = data.draw(st.none() | st.integers(-max(len(shape), 1), max(len(shape), 1) - 1))
    keepdim = data.draw(st.booleans())
    q = data.draw(st.floats(0, 1) | st.lists(st.floats(0, 1), min_size=0, max_size=4).map(
        lambda v: np.array(v, dtype)))
    ours_q = Tensor(q, device=device) if isinstance(q, np.ndarray) else q
    theirs_q = to_torch(q) if isinstance(q, np.ndarray) else q

    def ours(t):
        return getattr(t, name)(ours_q, dim, keepdim, interpolation=interpolation)

    def theirs(t):
        return getattr(torch, name)(t, theirs_q, dim, keepdim, interpolation=interpolation)
    # ties and NaN: the values
    x = _with_nans(data, data.draw(grid_values(shape, dtype))) if data.draw(st.booleans()) else \
        data.draw(grid_values(shape, dtype).flatmap(maybe_transposed))
    assert_close(ours(Tensor(x, device=device)).numpy(), theirs(to_torch(x)).numpy(), *_quantile_tol(dtype), "values")
    # distinct values: the gradient reaches the one or two elements each quantile interpolates
    y = data.draw(distinct_values(shape, dtype).flatmap(maybe_transposed))
    check_op(ours, theirs, y, device=device, rtol=_quantile_tol(dtype)[0], atol=_quantile_tol(dtype)[1])


def _quantile_tol(dtype):
    """torch interpolates with lerp's two-sided formula, the engine with v_lo + w (v_hi - v_lo): a few ulps apart."""
    return (1e-5, 1e-6) if dtype == np.float32 else (1e-12, 1e-12)


@pytest.mark.parametrize("interpolation", INTERPOLATIONS)
def test_quantile_gradcheck_float64(interpolation):
    x = np.random.default_rng(8).permutation(20).reshape(4, 5) / 7.0
    q = Tensor(np.array([0.1, 0.5, 0.93]))
    assert tg.gradcheck(lambda t: t.quantile(q, 1, interpolation=interpolation), Tensor(x, requires_grad=True))
    assert tg.gradcheck(lambda t: tg.nanquantile(t, 0.37, interpolation=interpolation), Tensor(x, requires_grad=True))


QUANTILE_ERRORS = [
    ("q above 1", lambda t: t.quantile(1.5), ValueError),
    ("q NaN", lambda t: t.quantile(float("nan")), ValueError),
    ("q of 2 dims", lambda t: t.quantile(Tensor(np.full((2, 2), 0.5))), ValueError),
    ("q of another dtype", lambda t: t.quantile(Tensor(np.array([0.5], np.float32))), TypeError),
    ("q a list", lambda t: t.quantile([0.5]), TypeError),
    ("integer input", lambda t: t.long().quantile(0.5), TypeError),
    ("float16 input", lambda t: t.half().quantile(0.5), TypeError),
    ("empty input", lambda t: t[:0].quantile(0.5, dim=1), ValueError),
    ("unknown interpolation", lambda t: t.quantile(0.5, interpolation="cubic"), ValueError),
]


@pytest.mark.parametrize("name", ["quantile", "nanquantile"])
@pytest.mark.parametrize("case, call, error", QUANTILE_ERRORS, ids=[e[0] for e in QUANTILE_ERRORS])
def test_quantile_refuses_what_torch_refuses(name, case, call, error):
    x = np.arange(8.0).reshape(2, 4)
    with pytest.raises(Exception):
        call(_TorchNamed(to_torch(x), name))
    with pytest.raises(error, match=name):
        call(_TorchNamed(Tensor(x), name))


class _TorchNamed:
    """t.quantile(...) calls `name` (quantile or nanquantile) on either library's tensor."""

    def __init__(self, t, name):
        self.t, self.name = t, name

    def quantile(self, *args, **kwargs):
        return getattr(self.t, self.name)(*args, **kwargs)

    def long(self):
        return _TorchNamed(self.t.long(), self.name)

    def half(self):
        return _TorchNamed(self.t.half(), self.name)

    def __getitem__(self, index):
        return _TorchNamed(self.t[index], self.name)


# ---------------------------------------------------------------- bincount, histc

@given(data=st.data())
def test_bincount_matches_torch(device, data):
    n = data.draw(st.integers(0, 12))
    x = data.draw(arrays((n,), np.int64, low=0, high=6))
    minlength = data.draw(st.integers(0, 9))
    kind = data.draw(st.sampled_from([None, np.float32, np.float64, np.int64]))
    w = None if kind is None else data.draw(arrays((n,), kind, low=-3, high=3))
    ours = tg.bincount(Tensor(x, device=device), None if w is None else Tensor(w, device=device), minlength)
    theirs = torch.bincount(to_torch(x), None if w is None else to_torch(w), minlength)
    assert ours.dtype == theirs.numpy().dtype
    assert_close(ours.numpy(), theirs.numpy(), 1e-6, 1e-6, "counts")
    assert_close(Tensor(x, device=device).bincount(minlength=minlength).numpy(),
                 to_torch(x).bincount(minlength=minlength).numpy(), 0, 0, "method")


@given(data=st.data())
def test_histc_matches_torch(device, data):
    """Bin edges are computed in the input's dtype as torch's, so values on an edge land in the same bin."""
    dtype = data.draw(st.sampled_from([np.float16, np.float32, np.float64]))
    x = data.draw(grid_values((data.draw(st.integers(0, 30)),), dtype, low=-1, high=1, step=0.1))
    if data.draw(st.booleans()):
        x = _with_nans(data, x)
    bins = data.draw(st.integers(1, 12))
    low, high = (0, 0) if data.draw(st.booleans()) else sorted(data.draw(st.tuples(
        st.sampled_from([-1.5, -0.5, -0.3, 0.0, 0.2, 1.0]), st.sampled_from([-0.5, 0.0, 0.3, 0.7, 2.0]))))
    try:
        theirs = torch.histc(to_torch(x), bins, low, high)
    except RuntimeError:  # a NaN in the data's range: both refuse
        with pytest.raises(ValueError, match="histc"):
            tg.histc(Tensor(x, device=device), bins, low, high)
        return
    ours = tg.histc(Tensor(x, device=device), bins, low, high)
    assert ours.dtype == dtype
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


COUNT_ERRORS = [
    ("bincount of negatives", lambda t: (t.long() - 5).bincount(), ValueError),
    ("bincount of 2 dims", lambda t: t.long().reshape(2, 4).bincount(), ValueError),
    ("bincount of floats", lambda t: t.bincount(), TypeError),
    ("bincount negative minlength", lambda t: t.long().bincount(minlength=-1), ValueError),
    ("bincount weights of another length", lambda t: t.long().bincount(t[:3]), ValueError),
    ("histc of integers", lambda t: t.long().histc(3), TypeError),
    ("histc bins 0", lambda t: t.histc(0), ValueError),
    ("histc min above max", lambda t: t.histc(3, 2, 1), ValueError),
    ("histc infinite range", lambda t: t.histc(3, float("-inf"), 1), ValueError),
]


@pytest.mark.parametrize("case, call, error", COUNT_ERRORS, ids=[e[0] for e in COUNT_ERRORS])
def test_counting_refuses_what_torch_refuses(case, call, error):
    x = np.arange(8.0)
    with pytest.raises(Exception):
        call(to_torch(x))
    with pytest.raises(error, match=case.split()[0]):
        call(Tensor(x))


# ---------------------------------------------------------------- trapezoid, cumulative_trapezoid

@pytest.mark.parametrize("name", ["trapezoid", "trapz", "cumulative_trapezoid"])
@given(data=st.data())
def test_trapezoid_matches_torch(device, name, data):
    """Spacing 1, a spacing dx, sample points x (1-d, or of y's shape): values and gradients of y and x."""
    shape = data.draw(shapes(min_dims=1, min_side=0))
    dtype = data.draw(float_dtypes)
    y = data.draw(views(shape, dtype))
    dim = _axis_of(data, shape)
    n = shape[dim]
    how = data.draw(st.sampled_from(["default", "dx", "x 1-d", "x full"]))
    if how.startswith("x"):
        x = data.draw(views((n,) if how == "x 1-d" else shape, dtype))
        check_op(lambda a, b: getattr(tg, name)(a, b, dim=dim), lambda a, b: getattr(torch, name)(a, b, dim=dim),
                 y, x, device=device, reduce_size=max(n, 1))
    else:
        kwargs = {"dx": 0.75} if how == "dx" else {}
        check_op(lambda a: getattr(tg, name)(a, dim=dim, **kwargs), lambda a: getattr(torch, name)(a, dim=dim, **kwargs),
                 y, device=device, reduce_size=max(n, 1))


def test_trapezoid_of_integers_and_gradcheck(device):
    y = np.array([[1, 2, 4], [0, 3, 9]])
    for name in ("trapezoid", "cumulative_trapezoid"):
        check_op(lambda t: getattr(tg, name)(t, dx=2), lambda t: getattr(torch, name)(t, dx=2), y, device=device)
    x = np.array([0.0, 0.5, 1.7, 2.0])
    assert tg.gradcheck(lambda a, b: tg.cumulative_trapezoid(a, b, dim=0), Tensor(np.sin(np.arange(8.0)).reshape(4, 2),
                        requires_grad=True), Tensor(x, requires_grad=True))


@pytest.mark.parametrize("call, error", [
    (lambda m, y: m.trapezoid(y, m.ones(2)), ValueError),       # one x per sample
    (lambda m, y: m.trapezoid(y[0, 0]), IndexError),            # 0-d y
    (lambda m, y: m.trapezoid(y > 0), TypeError),               # bool y
], ids=["x too short", "0-d", "bool"])
def test_trapezoid_refuses_what_torch_refuses(call, error):
    y = np.arange(6.0).reshape(2, 3)
    with pytest.raises(Exception):
        call(torch, to_torch(y))
    with pytest.raises(error, match="trapezoid"):
        call(tg, Tensor(y))
    with pytest.raises(TypeError, match="trapezoid"):
        tg.trapezoid(Tensor(y), Tensor(np.arange(3.0)), dx=1.0)


# ---------------------------------------------------------------- isin

@pytest.mark.parametrize("invert", [False, True])
@given(data=st.data())
def test_isin_matches_torch(device, invert, data):
    dtype_e, dtype_t = (data.draw(st.sampled_from([np.float32, np.float64, np.int64, np.int32])) for _ in range(2))
    e = data.draw(grid_values(data.draw(shapes(min_side=0)), np.float64)).astype(dtype_e)
    t = data.draw(grid_values(data.draw(shapes(max_dims=2, min_side=0)), np.float64)).astype(dtype_t)
    if dtype_e == np.float64:
        e = _with_nans(data, e)
    if dtype_t == np.float64:
        t = _with_nans(data, t)
    ours = tg.isin(Tensor(e, device=device), Tensor(t, device=device), invert=invert)
    theirs = torch.isin(to_torch(e), to_torch(t), invert=invert)
    assert ours.dtype == np.bool_
    assert_close(ours.numpy(), theirs.numpy(), 0, 0, "isin")


def test_isin_with_a_number_and_its_refusals(device):
    x = np.array([1, 2, 3])
    np.testing.assert_array_equal(tg.isin(Tensor(x, device=device), 2).numpy(), torch.isin(to_torch(x), 2).numpy())
    assert tg.isin(2, Tensor(x, device=device)).item() is True and tg.isin(2, Tensor(x)).shape == ()
    np.testing.assert_array_equal(tg.isin(Tensor(np.array([0.0, -0.0, np.nan])), Tensor(np.array([-0.0, np.nan])))
                                  .numpy(), [True, True, False])
    for call in (lambda m: m.isin(2, 3), lambda m: m.isin(m.tensor([True]), m.tensor([True]))):
        with pytest.raises(Exception):
            call(torch)
        with pytest.raises(TypeError, match="isin"):
            call(tg)


# ---------------------------------------------------------------- histogram

@given(data=st.data())
def test_histogram_matches_torch(device, data):
    """Equal bins (edges bit for bit torch's linspace, so values on an edge land in torch's bin) or given
    edges; range, weight and density."""
    dtype = data.draw(float_dtypes)
    shape = data.draw(shapes(max_dims=2, min_side=0))
    x = data.draw(grid_values(shape, dtype, low=-2, high=2, step=0.25))
    kwargs, ours_kwargs = {}, {}
    if data.draw(st.booleans()):
        w = data.draw(arrays(shape, dtype, low=0, high=2))
        kwargs["weight"], ours_kwargs["weight"] = to_torch(w), Tensor(w, device=device)
    if data.draw(st.booleans()):
        kwargs["density"] = ours_kwargs["density"] = True
    if data.draw(st.booleans()):
        edges = np.sort(data.draw(grid_values((data.draw(st.integers(2, 7)),), dtype, low=-2.5, high=2.5, step=0.5)))
        theirs = torch.histogram(to_torch(x), to_torch(edges), **kwargs)
        ours = tg.histogram(Tensor(x, device=device), Tensor(edges, device=device), **ours_kwargs)
    else:
        bins = data.draw(st.integers(1, 13))
        if data.draw(st.booleans()):
            low = data.draw(st.sampled_from([-2.0, -1.3, 0.0, 0.7]))
            kwargs["range"] = ours_kwargs["range"] = (low, low + data.draw(st.sampled_from([0.0, 0.9, 2.6, 3.0])))
        elif np.isnan(x).any():
            return
        theirs = torch.histogram(to_torch(x), bins, **kwargs)
        ours = Tensor(x, device=device).histogram(bins, **ours_kwargs)
    assert type(ours).__name__ == "histogram" and ours.hist.dtype == ours.bin_edges.dtype == dtype
    np.testing.assert_array_equal(ours.bin_edges.numpy(), theirs.bin_edges.numpy())
    assert_close(ours.hist.numpy(), theirs.hist.numpy(), 1e-6, 1e-6, "hist")


HISTOGRAM_ERRORS = [
    ("histogram of integers", lambda t: t.long().histogram(3), TypeError),
    ("histogram bins 0", lambda t: t.histogram(0), ValueError),
    ("histogram range reversed", lambda t: t.histogram(3, range=(2.0, 1.0)), ValueError),
    ("histogram of NaN without a range", lambda t: (t * float("nan")).histogram(3), ValueError),
    ("histogram edges of another dtype", lambda t: t.histogram(t.float()), TypeError),
    ("histogram one edge", lambda t: t.histogram(t[:1]), ValueError),
    ("histogram edges with a range", lambda t: t.histogram(t, range=(0.0, 1.0)), TypeError),
]


@pytest.mark.parametrize("case, call, error", HISTOGRAM_ERRORS, ids=[e[0] for e in HISTOGRAM_ERRORS])
def test_histogram_refuses_what_torch_refuses(case, call, error):
    x = np.arange(8.0)
    with pytest.raises(Exception):
        call(to_torch(x))
    with pytest.raises(error, match="histogram"):
        call(Tensor(x))
