"""max and min in torch's three forms, against torch.

  * x.max() / x.min(): one 0-d value (a Tensor, not a tuple); the gradient splits between ties.
  * x.max(dim) / x.min(dim): the named tuple (values, indices), with torch's fields, unpacking
    and indexing; indices are int64 and never require grad; keepdim shapes both; on ties the
    index is the first, and where a slice holds NaN the value is NaN and the index the first
    NaN's; all of a value's gradient goes to the position its index names.
  * x.max(other) / x.min(other=...): the elementwise maximum / minimum of two tensors.

Errors as torch's where torch raises: a tuple (or any non-int) dim and a non-bool keepdim are
TypeErrors, a dim out of range an IndexError; reducing over an empty axis is a ValueError.
"""
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import assert_close, check_op, to_torch, torch
from strategies import distinct_values, float_dtypes, grid_values, maybe_transposed, shapes

import tinygrad_lite as tg
from tinygrad_lite import Tensor, return_types

OPS = ["max", "min"]


@st.composite
def shape_and_dim(draw):
    """A shape (0-d included) and one dim in range for it, maybe negative."""
    shape = draw(shapes())
    span = max(len(shape), 1)
    return shape, draw(st.integers(-span, span - 1))


# How a caller may spell the dim and keepdim: positionally, dim=, axis=.
SPELLINGS = {
    "positional": lambda x, op, d, k: getattr(x, op)(d, k),
    "dim=": lambda x, op, d, k: getattr(x, op)(dim=d, keepdim=k),
    "axis=": lambda x, op, d, k: getattr(x, op)(axis=d, keepdim=k),
}


def compare_with_torch(x, op, dim, keepdim, spelling="dim=", device="cpu"):
    """Values (and their gradient) and indices of ours and torch's `x.op(dim, keepdim)`."""
    reduce_size = x.shape[dim] if x.ndim else 1
    ours_call = SPELLINGS[spelling]
    check_op(lambda t: ours_call(t, op, dim, keepdim).values,
             lambda t: getattr(t, op)(dim, keepdim).values, x, reduce_size=reduce_size, device=device)
    ours = ours_call(Tensor(x, device=device), op, dim, keepdim)
    theirs = getattr(to_torch(x), op)(dim, keepdim)
    assert ours.indices.dtype == np.int64 and not ours.indices.requires_grad
    assert_close(ours.indices.numpy(), theirs.indices.numpy(), 0, 0, "indices")


@pytest.mark.parametrize("spelling", SPELLINGS)
@pytest.mark.parametrize("op", OPS)
@given(data=st.data())
def test_values_and_indices_match_torch(device, op, spelling, data):
    shape, dim = data.draw(shape_and_dim())
    x = data.draw(distinct_values(shape, data.draw(float_dtypes)).flatmap(maybe_transposed))
    compare_with_torch(x, op, dim, data.draw(st.booleans()), spelling, device)


@pytest.mark.parametrize("op", OPS)
@given(data=st.data())
def test_ties_pick_the_first_index_and_its_gradient_goes_there(device, op, data):
    # values on a 9-point grid: most slices longer than a few elements hold tied extrema
    shape, dim = data.draw(shape_and_dim())
    x = data.draw(grid_values(shape, data.draw(float_dtypes)).flatmap(maybe_transposed))
    compare_with_torch(x, op, dim, data.draw(st.booleans()), device=device)


NAN, INF = np.nan, np.inf
# rows: NaN between numbers, two NaNs, NaN beside +-inf, all NaN, -0.0 tied with 0.0, +-inf tied
SPECIAL = np.array([
    [1.0, NAN, 3.0, NAN],
    [NAN, NAN, 2.0, 0.0],
    [INF, NAN, -INF, 1.0],
    [NAN, NAN, NAN, NAN],
    [-0.0, 0.0, -1.0, -1.0],
    [INF, INF, -INF, -INF],
])


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("dim", [0, 1])
def test_nan_wins_with_the_first_nan_index_as_torch(device, op, dim, dtype):
    compare_with_torch(SPECIAL.astype(dtype), op, dim, False, device=device)


def test_gradient_goes_to_the_chosen_position(device):
    x = Tensor([[1.0, 3.0, 3.0, 0.0], [2.0, 2.0, 2.0, 2.0], [1.0, NAN, 5.0, NAN]], requires_grad=True,
               device=device)
    values, indices = x.max(1)
    (values * Tensor([1.0, 2.0, 3.0], device=device)).sum().backward()
    assert indices.tolist() == [1, 0, 1]
    np.testing.assert_array_equal(x.grad.numpy(), [[0, 1, 0, 0], [2, 0, 0, 0], [0, 3, 0, 0]])


@pytest.mark.parametrize("op", OPS)
def test_values_gradient_passes_float64_finite_differences(op):
    x = np.random.default_rng(0).permutation(24).reshape(2, 3, 4).astype(np.float64) / 5
    for dim, keepdim in [(0, False), (-1, True), (1, False)]:
        assert tg.gradcheck(lambda t: getattr(t, op)(dim, keepdim=keepdim).values, Tensor(x, requires_grad=True))


@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.uint8, np.bool_, np.float16])
def test_every_dtype_matches_torch(device, op, dtype):
    x = np.random.default_rng(1).integers(0, 4, size=(3, 5)).astype(dtype)  # small ints: ties too
    for dim, keepdim in [(0, False), (1, True)]:
        compare_with_torch(x, op, dim, keepdim, device=device)


@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("call", [lambda x, op: getattr(x, op)(0), lambda x, op: getattr(x, op)(-1, True)])
def test_a_0d_tensor_answers_to_dim_0_and_minus_1(device, op, call):
    ours, theirs = call(Tensor(2.5, device=device), op), call(torch.tensor(2.5), op)
    assert ours.values.shape == tuple(theirs.values.shape) == () and ours.values.item() == 2.5
    assert ours.indices.shape == () and ours.indices.item() == theirs.indices.item() == 0


@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("keepdim", [False, True])
def test_an_empty_tensor_reduced_over_a_nonempty_axis_gives_empty_results(device, op, keepdim):
    ours = getattr(tg.zeros(0, 3, device=device), op)(1, keepdim)
    theirs = getattr(torch.zeros(0, 3), op)(1, keepdim)
    assert ours.values.shape == tuple(theirs.values.shape) and ours.indices.shape == tuple(theirs.indices.shape)
    assert ours.indices.dtype == np.int64


# ---------------------------------------------------------------- the named tuple

@pytest.mark.parametrize("op", OPS)
def test_result_is_a_named_tuple_with_torchs_fields(op):
    x = Tensor([[1.0, 5.0, 2.0], [7.0, 0.0, 7.0]])
    result = getattr(x, op)(1)
    theirs = getattr(torch.tensor(x.numpy()), op)(1)
    assert type(result) is getattr(return_types, op) and type(result).__name__ == type(theirs).__name__ == op
    assert isinstance(result, tuple) and len(result) == len(theirs) == 2
    assert result._fields == ("values", "indices")
    values, indices = result
    assert values is result.values is result[0] and indices is result.indices is result[1]
    np.testing.assert_array_equal(values.numpy(), theirs.values.numpy())
    np.testing.assert_array_equal(indices.numpy(), theirs.indices.numpy())
    assert "values=" in repr(result) and "indices=" in repr(result)


@pytest.mark.parametrize("op", OPS)
def test_no_dim_gives_one_value_not_a_tuple(device, op):
    x = np.array([[1.0, 5.0, 5.0], [-2.0, 0.0, -2.0]], dtype=np.float32)
    ours = getattr(Tensor(x, device=device), op)()
    assert isinstance(ours, Tensor) and ours.shape == ()
    # and its gradient splits evenly between the tied extrema, as torch's max()/min()
    check_op(lambda t: getattr(t, op)(), lambda t: getattr(t, op)(), x, device=device)


# ---------------------------------------------------------------- max(other)

@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("call", ["positional", "other="])
def test_a_tensor_argument_is_the_elementwise_form(device, op, call):
    rng = np.random.default_rng(2)
    a, b = rng.permutation(12).reshape(3, 4) / 4.0, rng.permutation(4) / 4.0 + 0.1  # no ties
    ours = (lambda t, u: getattr(t, op)(u)) if call == "positional" else (lambda t, u: getattr(t, op)(other=u))
    check_op(ours, lambda t, u: getattr(torch, op)(t, u), a, b, device=device)


# ---------------------------------------------------------------- errors

BAD_CALLS = {
    # name: (call on a (2, 3) float32 tensor, ours or torch's, the error both raise)
    "tuple dim": (lambda x, op: getattr(x, op)((0, 1)), TypeError),
    "tuple dim=": (lambda x, op: getattr(x, op)(dim=(0,)), TypeError),
    "list axis=": (lambda x, op: getattr(x, op)(axis=[1]), TypeError),
    "float dim": (lambda x, op: getattr(x, op)(1.0), TypeError),
    "int keepdim": (lambda x, op: getattr(x, op)(1, keepdim=1), TypeError),
    "dim out of range": (lambda x, op: getattr(x, op)(2), IndexError),
    "negative dim out of range": (lambda x, op: getattr(x, op)(dim=-3), IndexError),
    "other with keepdim": (lambda x, op: getattr(x, op)(x, True), TypeError),
}


@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("name", BAD_CALLS)
def test_bad_arguments_raise_as_torch_naming_the_function(op, name):
    call, error = BAD_CALLS[name]
    with pytest.raises(error):
        call(torch.zeros(2, 3), op)
    with pytest.raises(error, match=op):
        call(tg.zeros(2, 3), op)


@pytest.mark.parametrize("op", OPS)
def test_other_must_be_a_tensor(op):
    with pytest.raises(TypeError, match=op):
        getattr(tg.zeros(2, 3), op)(other=[1.0, 2.0, 3.0])


@pytest.mark.parametrize("op", OPS)
def test_dim_and_axis_together_is_a_type_error(op):
    with pytest.raises(TypeError, match=op):
        getattr(tg.zeros(2, 3), op)(1, axis=1)


@pytest.mark.parametrize("op", OPS + ["amax", "amin", "argmax", "argmin"])
def test_reducing_over_an_empty_axis_is_a_value_error(op):
    with pytest.raises((IndexError, RuntimeError)):  # torch refuses too
        getattr(torch.zeros(0, 3), op)(0)
    with pytest.raises(ValueError, match=rf"{op}.*\(0, 3\)"):
        getattr(tg.zeros(0, 3), op)(0)


def test_amax_takes_several_dims_and_splits_ties_as_torch(device):
    x = np.array([[[1.0, 4.0], [4.0, 0.0]], [[2.0, 2.0], [4.0, 3.0]]])
    for dim in [(0, 2), (), None, [1], -1]:
        torch_dim = () if dim is None else dim
        check_op(lambda t: t.amax(dim, keepdim=True), lambda t: torch.amax(t, torch_dim, keepdim=True), x,
                 reduce_size=math.prod(x.shape), device=device)
        check_op(lambda t: t.amin(dim=dim), lambda t: torch.amin(t, dim=torch_dim), -x,
                 reduce_size=math.prod(x.shape), device=device)
