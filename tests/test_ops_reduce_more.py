"""The further reductions agree with PyTorch: std, std_mean, var_mean, prod, norm, tg.linalg.vector_norm,
matrix_norm and norm, aminmax, any, all, count_nonzero, nansum, nanmean.

Each is checked on hypothesis shapes (0-d, size-1 and size-0 axes) in memory layouts that are not
contiguous, over None, an int and tuples of axes, with and without keepdim: value, shape, dtype and
the gradient of every input (check_op), and float64 finite differences (tg.gradcheck). Pinned down
beside: prod's gradient where a slice holds one zero or several; vector_norm's orders inf, -inf,
0 and fractional; float16 computed in float32 and rounded once; the dtypes of integer and bool input;
the errors torch raises (mean of an integer tensor, a norm of an integer tensor, inf norm of nothing).
"""
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import check_op, to_torch, torch
from strategies import arrays, distinct_values, float_dtypes, grid_values, maybe_transposed, shapes

import tinygrad_lite as tg


@st.composite
def shape_and_dim(draw, tuples=True, min_side=1):
    """A shape (sides from `min_side`) and a dim for it: None, an int (maybe negative) or a tuple."""
    shape = draw(shapes(min_side=min_side))
    ndim = len(shape)
    options = [st.none()]
    if ndim:
        options.append(st.integers(-ndim, ndim - 1))
        if tuples:
            options.append(st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True).map(tuple))
    return shape, draw(st.one_of(*options))


def count(shape, dim):
    if dim is None:
        return math.prod(shape)
    return math.prod(shape[d] for d in (dim if isinstance(dim, tuple) else (dim,)))


def torch_dim(dim):
    return () if dim is None else dim


# ---------------------------------------------------------------- std, std_mean, var_mean

@pytest.mark.filterwarnings("ignore:std\\(\\). degrees of freedom")  # torch's, for empty outputs
@pytest.mark.parametrize("correction", [0, 1, 2])
@given(data=st.data())
def test_std_over_any_axes(device, correction, data):
    dtype = data.draw(float_dtypes)
    shape, dim = data.draw(shape_and_dim(min_side=0).filter(lambda sd: count(*sd) > correction))
    keepdim = data.draw(st.booleans())
    x = data.draw(distinct_values(shape, dtype).flatmap(maybe_transposed))
    check_op(lambda t: t.std(dim, keepdim=keepdim, correction=correction),
             lambda t: torch.std(t, dim=dim, keepdim=keepdim, correction=correction), x,
             reduce_size=count(shape, dim), device=device)


@pytest.mark.parametrize("name", ["std_mean", "var_mean"])
@given(data=st.data())
def test_std_mean_and_var_mean_are_torchs_pairs(name, data):
    shape, dim = data.draw(shape_and_dim().filter(lambda sd: count(*sd) > 1))
    unbiased = data.draw(st.booleans())
    x = data.draw(distinct_values(shape, np.float64).flatmap(maybe_transposed))
    ours = getattr(tg, name)(tg.Tensor(x), dim, unbiased)
    theirs = getattr(torch, name)(to_torch(x), dim, unbiased)
    assert isinstance(ours, tuple) and len(ours) == 2
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-10, atol=1e-12)
    check_op(lambda t: tg.stack(list(getattr(tg, name)(t, dim, unbiased, keepdim=True))),
             lambda t: torch.stack(list(getattr(torch, name)(t, dim, unbiased, keepdim=True))), x)


def test_std_positional_unbiased_and_keyword_correction_match_torch():
    x = np.random.default_rng(0).standard_normal((3, 4))
    check_op(lambda t: t.std(1, False), lambda t: t.std(1, False), x)
    check_op(lambda t: t.std(0, True, True), lambda t: t.std(0, True, True), x)
    check_op(lambda t: tg.std(t, correction=0), lambda t: torch.std(t, correction=0), x)
    with pytest.raises(TypeError, match="std"):
        tg.Tensor(x).std(1, True, correction=1)


def test_std_of_a_constant_has_torchs_zero_gradient():
    # d std = (x - mean) / ((N - c) std) is 0/0 where every element is equal: torch makes it 0
    x = tg.Tensor(np.full((2, 4), 2.0), requires_grad=True)
    x.std(1).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.zeros((2, 4)))
    check_op(lambda t: t.std(1, correction=0), lambda t: t.std(1, correction=0), np.array([[2.0, 2.0], [1.0, 3.0]]))


def test_std_float16_is_computed_in_float32():
    x = np.random.default_rng(1).standard_normal(3000).astype(np.float16) * 300
    out = tg.Tensor(x).std()
    assert out.dtype == np.float16
    np.testing.assert_allclose(out.numpy(), torch.from_numpy(x.astype(np.float32)).std().half().numpy())


def test_std_of_an_integer_tensor_raises_type_error():
    with pytest.raises(RuntimeError):
        torch.tensor([1, 2, 3]).std()
    with pytest.raises(TypeError, match="std"):
        tg.Tensor([1, 2, 3]).std()


# ---------------------------------------------------------------- prod

@given(data=st.data())
def test_prod_over_any_axis_with_zeros_among_the_values(device, data):
    # a 9-point grid through 0: slices with no zero, one zero and several zeros are all common
    dtype = data.draw(float_dtypes)
    shape, dim = data.draw(shape_and_dim(tuples=False, min_side=0))
    keepdim = data.draw(st.booleans())
    x = data.draw(grid_values(shape, dtype).flatmap(maybe_transposed))
    keepdim = keepdim and dim is not None  # torch.prod(t) over everything takes no keepdim
    check_op(lambda t: t.prod(dim, keepdim), lambda t: torch.prod(t) if dim is None else torch.prod(t, dim, keepdim),
             x, reduce_size=count(shape, dim), device=device)


def test_prod_gradient_with_one_zero_and_with_several_zeros():
    x = np.array([[2.0, 0.0, 3.0, 4.0], [0.0, 5.0, 0.0, 1.0], [1.0, 2.0, 3.0, 4.0], [0.0, 0.0, 0.0, 0.0]])
    t = tg.Tensor(x, requires_grad=True)
    t.prod(1).sum().backward()
    # one zero: only it gets the product of the others; two or more zeros: nothing anywhere
    np.testing.assert_array_equal(t.grad.numpy(), [[0, 24, 0, 0], [0, 0, 0, 0], [24, 12, 8, 6], [0, 0, 0, 0]])
    check_op(lambda t: t.prod(1), lambda t: t.prod(1), x)
    check_op(lambda t: t.prod(), lambda t: t.prod(), x[:3, 1:])  # one zero in the whole tensor


@given(data=st.data())
def test_prod_gradcheck_float64(data):
    shape, dim = data.draw(shape_and_dim(tuples=False))
    x = data.draw(grid_values(shape, np.float64))  # zeros included: prod is linear in each element
    assert tg.gradcheck(lambda t: t.prod(dim), tg.Tensor(x, requires_grad=True))


@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.uint8, np.bool_, np.int8])
def test_prod_of_integers_and_bools_is_int64(dtype):
    x = (np.arange(6).reshape(2, 3) % 3 + (dtype != np.bool_)).astype(dtype)
    check_op(lambda t: t.prod(), lambda t: t.prod(), x)
    check_op(lambda t: tg.prod(t, 1, keepdim=True), lambda t: torch.prod(t, 1, keepdim=True), x)


def test_prod_dtype_keyword_and_float16():
    x = np.array([[1.5, 2.0, -3.0], [0.5, 4.0, 2.0]], np.float32)
    check_op(lambda t: t.prod(1, dtype=tg.float64), lambda t: t.prod(1, dtype=torch.float64), x)
    big = np.full(40, 1.3, np.float16)  # 1.3^40 ~ 36,000: fine in float16, but not every partial product rounded
    assert tg.Tensor(big).prod().item() == torch.from_numpy(big.astype(np.float32)).prod().half().item()


def test_prod_refuses_a_tuple_of_dims_as_torch():
    with pytest.raises(TypeError):
        torch.ones(2, 3).prod((0, 1))
    with pytest.raises(TypeError, match="prod"):
        tg.ones(2, 3).prod((0, 1))


# ---------------------------------------------------------------- vector norms

ORDS = [2, 1, math.inf, -math.inf, 0, 0.5, 3, -1, 1.5]


@pytest.mark.parametrize("ord", ORDS, ids=repr)
@given(data=st.data())
def test_vector_norm_over_any_axes(device, ord, data):
    dtype = data.draw(float_dtypes)
    # size-0 axes: a norm over nothing is 0, but max, min and negative orders of nothing do not exist (below)
    shape, dim = data.draw(shape_and_dim(min_side=0 if 0 <= ord < math.inf else 1))
    keepdim = data.draw(st.booleans())
    x = data.draw(distinct_values(shape, dtype).flatmap(maybe_transposed))
    check_op(lambda t: tg.linalg.vector_norm(t, ord, dim, keepdim),
             lambda t: torch.linalg.vector_norm(t, ord, dim, keepdim), x,
             reduce_size=count(shape, dim), device=device)


@pytest.mark.parametrize("ord", [2, 1, 0, 0.5, 3])
def test_vector_norm_over_an_empty_axis_is_zero(ord):
    check_op(lambda t: tg.linalg.vector_norm(t, ord, 1), lambda t: torch.linalg.vector_norm(t, ord, 1),
             np.ones((3, 0, 2)))


@pytest.mark.parametrize("ord", [math.inf, -math.inf, -1, -0.5])
def test_inf_and_negative_norms_over_nothing_raise_as_torch(ord):
    with pytest.raises(RuntimeError):
        torch.linalg.vector_norm(torch.ones(3, 0), ord, 1)
    with pytest.raises(ValueError, match="vector_norm"):
        tg.linalg.vector_norm(tg.ones(3, 0), ord, 1)


@pytest.mark.parametrize("ord", [2, 3, 0.5, 1.5, -2])
def test_vector_norm_gradient_at_zero_follows_torch(ord):
    # an all-zero slice (norm 0) and zeros beside non-zeros
    x = np.array([[0.0, 0.0, 0.0], [0.0, 2.0, -1.0]])
    check_op(lambda t: tg.linalg.vector_norm(t, ord, 1), lambda t: torch.linalg.vector_norm(t, ord, 1), x)


@pytest.mark.parametrize("ord", [math.inf, -math.inf])
def test_inf_norm_splits_the_gradient_between_ties(ord):
    x = np.array([[3.0, -3.0, 1.0], [-1.0, 2.0, 1.0]])
    check_op(lambda t: tg.linalg.vector_norm(t, ord, 1), lambda t: torch.linalg.vector_norm(t, ord, 1), x)


@pytest.mark.parametrize("ord", [2, 1, 3, 0.5, math.inf, -1])
@given(data=st.data())
def test_vector_norm_gradcheck_float64(ord, data):
    shape, dim = data.draw(shape_and_dim())
    x = data.draw(distinct_values(shape, np.float64))
    x = np.where(np.abs(x) < 0.05, 0.5, x)  # off |x|'s kink at 0, where the differences straddle it
    assert tg.gradcheck(lambda t: tg.linalg.vector_norm(t, ord, dim), tg.Tensor(x, requires_grad=True))


def test_vector_norm_dtype_keyword_and_float16():
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    check_op(lambda t: tg.linalg.vector_norm(t, dtype=tg.float64),
             lambda t: torch.linalg.vector_norm(t, dtype=torch.float64), x, rtol=1e-6, atol=1e-7)  # float32 grads
    big = np.full(70000, 100.0, np.float16)  # the sum of squares, 7e8, passes float16's 65,504; the norm does not
    out = tg.linalg.vector_norm(tg.Tensor(big))
    assert out.dtype == np.float16
    assert out.item() == np.float16(math.sqrt(70000) * 100)


def test_norms_of_integer_tensors_raise_type_error():
    for call in (lambda x: torch.linalg.vector_norm(x), lambda x: torch.norm(x)):
        with pytest.raises(RuntimeError):
            call(torch.tensor([1, 2]))
    for call in (lambda x: tg.linalg.vector_norm(x), lambda x: tg.norm(x), lambda x: x.norm()):
        with pytest.raises(TypeError, match="norm"):
            call(tg.Tensor([1, 2]))


NORM_CALLS = [  # (ours, torch's) on a (2, 3, 4) tensor
    (lambda t: t.norm(), lambda t: t.norm()),
    (lambda t: t.norm(p="fro", dim=(1, 2)), lambda t: t.norm(p="fro", dim=(1, 2))),
    (lambda t: tg.norm(t, 3, 1, True), lambda t: torch.norm(t, 3, 1, True)),
    (lambda t: t.norm(1, dim=-1), lambda t: t.norm(1, dim=-1)),
    (lambda t: t.norm(math.inf, dim=0), lambda t: t.norm(math.inf, dim=0)),
    (lambda t: t.norm("nuc", dim=(0, 2)), lambda t: t.norm("nuc", dim=(0, 2))),
    (lambda t: t[0].norm("nuc"), lambda t: t[0].norm("nuc")),
    (lambda t: tg.linalg.norm(t), lambda t: torch.linalg.norm(t)),
    (lambda t: tg.linalg.norm(t, dim=1), lambda t: torch.linalg.norm(t, dim=1)),
    (lambda t: tg.linalg.norm(t, 1, dim=(0, 1)), lambda t: torch.linalg.norm(t, 1, dim=(0, 1))),
    (lambda t: tg.linalg.norm(t[1], math.inf), lambda t: torch.linalg.norm(t[1], math.inf)),
    (lambda t: tg.linalg.norm(t[1, 0], 0.5), lambda t: torch.linalg.norm(t[1, 0], 0.5)),
    (lambda t: tg.linalg.norm(t, "fro", (2, 0), keepdim=True), lambda t: torch.linalg.norm(t, "fro", (2, 0), True)),
]


@pytest.mark.parametrize("index", range(len(NORM_CALLS)))
def test_norm_and_linalg_norm_read_p_and_dim_as_torch(index):
    ours, theirs = NORM_CALLS[index]
    x = np.random.default_rng(index).standard_normal((2, 3, 4))
    check_op(ours, theirs, x)
    check_op(ours, theirs, x.astype(np.float32), reduce_size=24)


@pytest.mark.parametrize("ord", ["fro", "nuc", 1, -1, 2, -2, math.inf, -math.inf], ids=repr)
@given(data=st.data())
def test_matrix_norm(ord, data):
    dtype = data.draw(float_dtypes)
    shape = data.draw(shapes(min_dims=2, max_dims=4))
    keepdim = data.draw(st.booleans())
    dim = data.draw(st.sampled_from([(-2, -1), (-1, -2), (0, -1)]))
    x = data.draw(distinct_values(shape, dtype).flatmap(maybe_transposed))
    check_op(lambda t: tg.linalg.matrix_norm(t, ord, dim, keepdim),
             lambda t: torch.linalg.matrix_norm(t, ord, dim, keepdim), x, reduce_size=math.prod(shape) * 4)


@pytest.mark.parametrize("ord", ["fro", "nuc", 2, -2, 1, math.inf])
def test_matrix_norm_gradcheck_float64(ord):
    x = np.random.default_rng(3).standard_normal((2, 3, 4))
    assert tg.gradcheck(lambda t: tg.linalg.matrix_norm(t, ord), tg.Tensor(x, requires_grad=True))


def test_svdvals_match_torch():
    x = np.random.default_rng(4).standard_normal((2, 5, 3))
    check_op(lambda t: tg.linalg.svdvals(t), lambda t: torch.linalg.svdvals(t), x)
    with pytest.raises(ValueError, match="svdvals"):
        tg.linalg.svdvals(tg.Tensor(np.full((2, 2), np.nan)))


# ---------------------------------------------------------------- aminmax

@given(data=st.data())
def test_aminmax_over_none_or_one_axis(data):
    dtype = data.draw(float_dtypes)
    shape, dim = data.draw(shape_and_dim(tuples=False))
    keepdim = data.draw(st.booleans())
    x = data.draw(grid_values(shape, dtype).flatmap(maybe_transposed))  # ties: gradient split as amin/amax
    for part in ("min", "max"):
        check_op(lambda t: getattr(t.aminmax(dim=dim, keepdim=keepdim), part),
                 lambda t: getattr(torch.aminmax(t, dim=dim, keepdim=keepdim), part), x)
    result = tg.aminmax(tg.Tensor(x), dim=dim)
    assert isinstance(result, tg.return_types.aminmax) and result._fields == ("min", "max")


def test_aminmax_of_an_empty_axis_raises():
    with pytest.raises((RuntimeError, IndexError)):
        torch.aminmax(torch.ones(2, 0), dim=1)
    with pytest.raises(ValueError, match="aminmax"):
        tg.ones(2, 0).aminmax(dim=1)


# ---------------------------------------------------------------- any, all, count_nonzero

@pytest.mark.parametrize("name", ["any", "all", "count_nonzero"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64, np.int32, np.uint8, np.bool_])
@given(data=st.data())
def test_truth_reductions_on_every_dtype(name, dtype, data):
    shape, dim = data.draw(shape_and_dim(min_side=0))
    low = 0 if np.dtype(dtype).kind in "ub" else -1
    x = data.draw(arrays(shape, dtype, low=low, high=1).flatmap(maybe_transposed))  # zeros are common
    if name == "count_nonzero":
        check_op(lambda t: getattr(t, name)(dim), lambda t: torch.count_nonzero(t, dim), x)
        return
    keepdim = data.draw(st.booleans())
    check_op(lambda t: getattr(tg, name)(t, dim, keepdim),
             lambda t: getattr(torch, name)(t) if dim is None and not keepdim
             else getattr(torch, name)(t, torch_dim(dim) if dim is not None else tuple(range(t.ndim)), keepdim), x)


def test_any_counts_nan_as_true():
    x = np.array([[np.nan, 0.0], [0.0, 0.0]])
    check_op(lambda t: t.any(1), lambda t: t.any(1), x)
    check_op(lambda t: t.all(0), lambda t: t.all(0), x)


# ---------------------------------------------------------------- nansum, nanmean

def _with_nans(data, shape, dtype):
    x = data.draw(distinct_values(shape, dtype))
    holes = data.draw(arrays(shape, np.bool_))
    return data.draw(maybe_transposed(np.where(holes, np.nan, x).astype(dtype)))


@pytest.mark.parametrize("name", ["nansum", "nanmean"])
@given(data=st.data())
def test_nansum_nanmean_skip_the_nans(device, name, data):
    dtype = data.draw(float_dtypes)
    shape, dim = data.draw(shape_and_dim(min_side=0))
    keepdim = data.draw(st.booleans())
    x = _with_nans(data, shape, dtype)
    # a slice of NaNs only: torch's nanmean gradient there is 0 * (g / 0) = NaN; the engine's is 0 (see below)
    all_nan = name == "nanmean" and np.isnan(x).all(axis=dim).any()
    check_op(lambda t: getattr(t, name)(dim, keepdim), lambda t: getattr(torch, name)(t, torch_dim(dim), keepdim), x,
             reduce_size=count(shape, dim), device=device, grad=not all_nan)


def test_nanmean_of_a_slice_of_nans_is_nan_with_zero_gradient():
    # the result (NaN) does not change whatever those inputs do, so their gradient is 0 (torch: NaN)
    t = tg.Tensor([[np.nan, np.nan], [1.0, np.nan]], requires_grad=True)
    out = t.nanmean(1)
    assert np.isnan(out.numpy()[0]) and out.numpy()[1] == 1.0
    out.sum().backward()
    np.testing.assert_array_equal(t.grad.numpy(), [[0.0, 0.0], [1.0, 0.0]])


@pytest.mark.parametrize("name", ["nansum", "nanmean"])
def test_nansum_nanmean_gradcheck_float64(name):
    x = np.array([[1.0, np.nan, -2.0], [0.5, 3.0, np.nan]])
    t = tg.Tensor(x, requires_grad=True)
    getattr(t, name)(1).sum().backward()
    expected = np.where(np.isnan(x), 0.0, 1.0 if name == "nansum" else 0.5)
    np.testing.assert_array_equal(t.grad.numpy(), expected)
    finite = np.nan_to_num(x, nan=0.7)
    assert tg.gradcheck(lambda u: getattr(u, name)(0), tg.Tensor(finite, requires_grad=True))


def test_nansum_of_integers_is_int64_and_nanmean_of_integers_raises():
    x = np.array([[1, 2], [3, 4]], np.int32)
    check_op(lambda t: t.nansum(), lambda t: t.nansum(), x)
    with pytest.raises(RuntimeError):
        torch.from_numpy(x).nanmean()
    with pytest.raises(TypeError, match="nanmean"):
        tg.Tensor(x).nanmean()


# ---------------------------------------------------------------- mean of integers

def test_mean_of_an_integer_tensor_raises_as_torch():
    with pytest.raises(RuntimeError):
        torch.tensor([1, 2, 3]).mean()
    with pytest.raises(TypeError, match="mean"):
        tg.Tensor([1, 2, 3]).mean()
    check_op(lambda t: t.mean(dtype=tg.float64), lambda t: t.mean(dtype=torch.float64), np.array([1, 2, 4]))


def test_float16_products_and_cross_are_computed_in_float32():
    a = np.array([[300.0, 2.0, 1.0]], np.float16)
    b = np.array([[299.0, 3.0, 1.5]], np.float16)
    exact = torch.linalg.cross(torch.from_numpy(a).float(), torch.from_numpy(b).float()).half().numpy()
    np.testing.assert_array_equal(tg.linalg.cross(tg.Tensor(a), tg.Tensor(b)).numpy(), exact)
    x1, x2 = np.array([[1000.0, 0.5]], np.float16), np.array([[999.0, 0.25], [0.0, 0.0]], np.float16)
    exact = torch.cdist(torch.from_numpy(x1).double(), torch.from_numpy(x2).double()).half().numpy()
    np.testing.assert_array_equal(tg.cdist(tg.Tensor(x1), tg.Tensor(x2)).numpy(), exact)


# ---------------------------------------------------------------- cov, corrcoef, dist

COV_WEIGHTS = [
    {}, {"correction": 0}, {"correction": 2},
    {"fweights": np.array([1, 2, 0, 3, 1])}, {"aweights": np.array([0.5, 1.0, 2.0, 0.1, 1.0])},
    {"fweights": np.array([1, 2, 1, 3, 1]), "aweights": np.array([0.5, 1.0, 2.0, 0.1, 1.0]), "correction": 0},
]


@pytest.mark.parametrize("index", range(len(COV_WEIGHTS)))
@pytest.mark.parametrize("shape", [(3, 5), (5,), (1, 5)], ids=repr)
def test_cov_matches_torch(index, shape):
    kwargs = COV_WEIGHTS[index]
    ours_kw = {k: tg.Tensor(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}
    theirs_kw = {k: to_torch(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}
    x = np.random.default_rng(index).standard_normal(shape)
    check_op(lambda t: tg.cov(t, **ours_kw), lambda t: torch.cov(t, **theirs_kw), x)
    check_op(lambda t: t.cov(**ours_kw), lambda t: t.cov(**theirs_kw), x.astype(np.float32), reduce_size=5)
    assert tg.gradcheck(lambda t: tg.cov(t, **ours_kw), tg.Tensor(x, requires_grad=True))


def test_cov_of_integers_is_float_and_corrcoef_matches_torch():
    check_op(lambda t: tg.cov(t), lambda t: torch.cov(t), np.array([[1, 2, 4], [3, 1, 0]]))
    x = np.random.default_rng(5).standard_normal((4, 6))
    check_op(lambda t: tg.corrcoef(t), lambda t: torch.corrcoef(t), x)
    check_op(lambda t: t.corrcoef(), lambda t: t.corrcoef(), x[0])
    assert tg.gradcheck(lambda t: tg.corrcoef(t), tg.Tensor(x, requires_grad=True))
    with pytest.raises(ValueError, match="cov"):
        tg.cov(tg.ones(2, 3, 4))
    with pytest.raises(TypeError, match="cov"):
        tg.cov(tg.ones(2, 3), fweights=tg.ones(3))  # frequencies are integers


@pytest.mark.parametrize("p", [2, 1, 3, 0.5, 0, math.inf, -math.inf])
def test_dist(p):
    a, b = np.random.default_rng(0).standard_normal((2, 3)), np.random.default_rng(1).standard_normal((3,))
    grad = p != 0  # torch's backward of p = 0 fails (an undefined tensor); the count's gradient is 0 here
    check_op(lambda x, y: tg.dist(x, y, p), lambda x, y: torch.dist(x, y, p), a, b, grad=grad)
    check_op(lambda x, y: x.dist(y, p), lambda x, y: x.dist(y, p), a.astype(np.float32), b.astype(np.float32),
             reduce_size=6, grad=grad)


# ---------------------------------------------------------------- tg.linalg's dim= and axis=
# (test_dim_axis.py discovers the tg.* and Tensor names; tg.linalg's are checked here the same way)

LINALG_AXIS = {  # name -> (ours(x, **{dim or axis: k}), torch's(x, k), k)
    "vector_norm": (lambda x, **kw: tg.linalg.vector_norm(x, 3, **kw), lambda x, k: torch.linalg.vector_norm(x, 3, k), 1),
    "matrix_norm": (lambda x, **kw: tg.linalg.matrix_norm(x, "fro", **kw),
                    lambda x, k: torch.linalg.matrix_norm(x, "fro", k), (0, 2)),
    "norm": (lambda x, **kw: tg.linalg.norm(x, None, **kw), lambda x, k: torch.linalg.norm(x, None, k), (2, 0)),
    "cross": (lambda x, **kw: tg.linalg.cross(x, x.flip(0), **kw), lambda x, k: torch.linalg.cross(x, x.flip(0), dim=k), 1),
    "vecdot": (lambda x, **kw: tg.linalg.vecdot(x, x, **kw), lambda x, k: torch.linalg.vecdot(x, x, dim=k), 0),
}


@pytest.mark.parametrize("name", sorted(LINALG_AXIS))
def test_linalg_functions_take_dim_and_axis(name):
    ours, theirs, k = LINALG_AXIS[name]
    x = np.random.default_rng(0).standard_normal((2, 3, 4))
    for spelling in ("dim", "axis"):
        check_op(lambda t: ours(t, **{spelling: k}), lambda t: theirs(t, k), x)
    with pytest.raises(TypeError, match=name):
        ours(tg.Tensor(x), dim=k, axis=k)
    bad = 5 if isinstance(k, int) else (0, 5)
    with pytest.raises(IndexError, match=r"(?s)(?=.*(norm|cross|vecdot))(?=.*\(2, 3, 4\))"):
        ours(tg.Tensor(x), dim=bad)
