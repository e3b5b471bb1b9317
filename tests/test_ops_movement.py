"""Movement ops match PyTorch: values, shapes, dtypes and the gradient of every input.

Proves, in float32 and float64 on hypothesis shapes (0-d to 4-d, size-1 axes,
non-contiguous inputs), that reshape (with -1), flatten, T, transpose, permute,
expand, squeeze, unsqueeze, indexing (ints, negative ints, stepped slices, None,
Ellipsis, int arrays / lists / Tensors with repeated indices, bool masks and their
combinations), cat and stack agree with torch, and that the gradients of indexing
scatter-add into repeated positions while those of cat/stack reach every input.
Movement ops only move values, so no input needs to avoid a kink.
"""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import check_op, torch
from strategies import arrays, shapes, views

import tinygrad_lite as tg
from tinygrad_lite import Tensor

FLOATS = [np.float32, np.float64]

# `device` is a plain string, identical for every example, so sharing it across examples is safe.

def reversed_dims(x):
    return tuple(reversed(range(x.ndim)))


@st.composite
def reshape_targets(draw, shape):
    """A shape with the same number of elements as `shape`, one entry possibly -1.

    Built from the sizes of `shape` in a drawn order, with neighbours merged and 1s inserted,
    so it is a real regrouping of the elements, not a transpose.
    """
    sizes = list(draw(st.permutations(shape))) if shape else []
    merged = []
    for size in sizes:
        if merged and draw(st.booleans()):
            merged[-1] *= size
        else:
            merged.append(size)
    for _ in range(draw(st.integers(0, 2))):
        merged.insert(draw(st.integers(0, len(merged))), 1)
    if not merged:
        merged = [1]  # reshape(*()) passes no size at all; the 0-d target is tested with a tuple below
    if draw(st.booleans()):
        merged[draw(st.integers(0, len(merged) - 1))] = -1
    return tuple(merged)


# ---------------------------------------------------------------- reshape, flatten

@pytest.mark.parametrize("dtype", FLOATS)
@given(data=st.data())
def test_reshape_matches_torch_including_minus_one(device, dtype, data):
    x = data.draw(views(shapes(), dtype))
    target = data.draw(reshape_targets(x.shape))
    out = check_op(lambda t: t.reshape(*target), lambda t: t.reshape(*target), x, device=device)
    assert out.numel() == x.size


@pytest.mark.parametrize("dtype", FLOATS)
@given(data=st.data())
def test_reshape_to_minus_one_gives_a_vector(device, dtype, data):
    x = data.draw(views(shapes(), dtype))
    out = check_op(lambda t: t.reshape(-1), lambda t: t.reshape(-1), x, device=device)
    assert out.shape == (x.size,)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("source, target", [((2, 3), (3, 2)), ((6,), (-1, 2)), ((1, 1), ()), ((), (1, 1))], ids=repr)
def test_reshape_accepts_the_shape_as_one_tuple(device, dtype, source, target):
    x = np.random.default_rng(9).standard_normal(source).astype(dtype)
    check_op(lambda t: t.reshape(target), lambda t: t.reshape(target), x, device=device)


@pytest.mark.parametrize("dtype", FLOATS)
@given(data=st.data())
def test_flatten_matches_torch(device, dtype, data):
    x = data.draw(views(shapes(), dtype))
    out = check_op(lambda t: t.flatten(), lambda t: t.flatten(), x, device=device)
    assert out.ndim == 1


# ---------------------------------------------------------------- T, transpose, permute

@pytest.mark.parametrize("dtype", FLOATS)
@given(data=st.data())
def test_T_reverses_all_axes_like_numpy(device, dtype, data):
    x = data.draw(views(shapes(), dtype))
    out = check_op(lambda t: t.T, lambda t: t.permute(reversed_dims(t)), x, device=device)
    assert out.shape == x.T.shape


@pytest.mark.parametrize("dtype", FLOATS)
@given(data=st.data())
def test_transpose_matches_torch_with_negative_axes(device, dtype, data):
    x = data.draw(views(shapes(min_dims=1), dtype))
    axis = st.integers(-x.ndim, x.ndim - 1)
    a, b = data.draw(axis), data.draw(axis)
    check_op(lambda t: t.transpose(a, b), lambda t: t.transpose(a, b), x, device=device)


@pytest.mark.parametrize("dtype", FLOATS)
@given(data=st.data())
def test_permute_matches_torch(device, dtype, data):
    x = data.draw(views(shapes(), dtype))
    dims = data.draw(st.permutations(range(x.ndim)))
    # torch's permute() needs the tuple form for a 0-d tensor's empty permutation
    check_op(lambda t: t.permute(*dims), lambda t: t.permute(tuple(dims)), x, device=device)


@pytest.mark.parametrize("dtype", FLOATS)
def test_permute_accepts_negative_dims(device, dtype):
    x = np.random.default_rng(0).standard_normal((2, 3, 4)).astype(dtype)
    out = check_op(lambda t: t.permute(-1, 0, -2), lambda t: t.permute(-1, 0, -2), x, device=device)
    assert out.shape == (4, 2, 3)


# ---------------------------------------------------------------- expand

@st.composite
def expand_targets(draw, shape):
    """A shape `shape` expands to: size-1 axes grown, new leading axes prepended."""
    grown = tuple(draw(st.integers(1, 4)) if size == 1 else size for size in shape)
    leading = tuple(draw(st.lists(st.integers(1, 3), max_size=2)))
    return leading + grown


@pytest.mark.parametrize("dtype", FLOATS)
@given(data=st.data())
def test_expand_matches_torch_and_sums_the_gradient(device, dtype, data):
    x = data.draw(views(shapes(max_dims=3, max_side=3), dtype))
    target = data.draw(expand_targets(x.shape))
    copies = max(1, int(np.prod(target)) // max(1, x.size))
    out = check_op(lambda t: t.expand(*target), lambda t: t.expand(target), x,
                   reduce_size=copies, device=device)
    assert out.shape == target


@pytest.mark.parametrize("dtype", FLOATS)
def test_expand_minus_one_keeps_the_axis(device, dtype):
    x = np.random.default_rng(1).standard_normal((3, 1)).astype(dtype)
    out = check_op(lambda t: t.expand(2, -1, 4), lambda t: t.expand(2, -1, 4), x,
                   reduce_size=8, device=device)
    assert out.shape == (2, 3, 4)


# ---------------------------------------------------------------- squeeze, unsqueeze

@pytest.mark.parametrize("dtype", FLOATS)
@given(data=st.data())
def test_squeeze_all_size_one_axes_matches_torch(device, dtype, data):
    x = data.draw(views(shapes(max_side=2), dtype))
    out = check_op(lambda t: t.squeeze(), lambda t: t.squeeze(), x, device=device)
    assert 1 not in out.shape


@pytest.mark.parametrize("dtype", FLOATS)
@given(data=st.data())
def test_squeeze_one_axis_matches_torch(device, dtype, data):
    shape = data.draw(shapes(max_side=3))
    axis = data.draw(st.integers(-len(shape) - 1, len(shape)))
    position = axis if axis >= 0 else len(shape) + 1 + axis
    x = data.draw(views(shape[:position] + (1,) + shape[position:], dtype))
    out = check_op(lambda t: t.squeeze(axis), lambda t: t.squeeze(axis), x, device=device)
    assert out.shape == shape


@pytest.mark.parametrize("dtype", FLOATS)
@given(data=st.data())
def test_unsqueeze_matches_torch_with_negative_axis(device, dtype, data):
    x = data.draw(views(shapes(max_dims=3), dtype))
    axis = data.draw(st.integers(-x.ndim - 1, x.ndim))
    out = check_op(lambda t: t.unsqueeze(axis), lambda t: t.unsqueeze(axis), x, device=device)
    assert out.ndim == x.ndim + 1 and out.shape[axis] == 1


@pytest.mark.parametrize("dtype", [np.int64, np.bool_])
def test_movement_ops_keep_integer_and_bool_dtypes(device, dtype):
    x = np.arange(24).reshape(2, 3, 4).astype(dtype)
    for ours, theirs in [
        (lambda t: t.reshape(4, -1), lambda t: t.reshape(4, -1)),
        (lambda t: t.T, lambda t: t.permute(2, 1, 0)),
        (lambda t: t[1, ::2], lambda t: t[1, ::2]),
        (lambda t: t.unsqueeze(0).expand(2, 2, 3, 4), lambda t: t.unsqueeze(0).expand(2, 2, 3, 4)),
        (lambda t: Tensor.cat([t, t], axis=-1), lambda t: torch.cat([t, t], dim=-1)),
    ]:
        check_op(ours, theirs, x, device=device)


# ---------------------------------------------------------------- basic indexing

@st.composite
def basic_indices(draw, shape):
    """An index of ints (negative too), slices with positive steps, None and at most one Ellipsis.

    Slice bounds may fall outside the axis (both libraries clip them) and may give empty axes.
    """
    def one_axis(size):
        kind = draw(st.sampled_from(["int", "slice", "full"]))
        if kind == "int":
            return draw(st.integers(-size, size - 1))
        if kind == "full":
            return slice(None)
        bound = st.none() | st.integers(-size - 1, size + 1)
        return slice(draw(bound), draw(bound), draw(st.none() | st.integers(1, 3)))

    ndim = len(shape)
    n_leading = draw(st.integers(0, ndim))
    parts = [one_axis(size) for size in shape[:n_leading]]
    if draw(st.booleans()):
        n_trailing = draw(st.integers(0, ndim - n_leading))
        parts.append(Ellipsis)
        parts += [one_axis(size) for size in shape[ndim - n_trailing:]]
    for _ in range(draw(st.integers(0, 2))):
        parts.insert(draw(st.integers(0, len(parts))), None)
    return tuple(parts)


@pytest.mark.parametrize("dtype", FLOATS)
@given(data=st.data())
def test_basic_indexing_matches_torch(device, dtype, data):
    x = data.draw(views(shapes(), dtype))
    index = data.draw(basic_indices(x.shape))
    out = check_op(lambda t: t[index], lambda t: t[index], x, device=device)
    assert out.shape == x[index].shape


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("index", [
    1, -1, (2, -3), (-1, -1, -1),
    slice(1, 4, 2), slice(None, None, 3), (slice(None), slice(1, None, 2)),
    None, (None, 0), (slice(None), None, -2), (None, Ellipsis, None),
    Ellipsis, (Ellipsis, 0), (0, Ellipsis, slice(None, None, 2)), (-1, Ellipsis, None, 2),
    slice(5, 2), (slice(-100, 100), 0),
], ids=repr)
def test_basic_index_examples_match_torch(device, dtype, index):
    x = np.random.default_rng(2).standard_normal((4, 5, 3)).astype(dtype)
    check_op(lambda t: t[index], lambda t: t[index], x, device=device)


# ---------------------------------------------------------------- advanced indexing

def as_torch_index(index):
    """The same index for torch: numpy int/bool arrays become torch tensors."""
    if isinstance(index, tuple):
        return tuple(as_torch_index(part) for part in index)
    if isinstance(index, np.ndarray):
        return torch.from_numpy(index.copy())
    return index


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("index", [
    np.array([0, 2, 0, 0]),                               # repeated rows: gradient scatter-adds
    np.array([-1, 1, -1]),                                # negative entries
    np.array([[0, 1], [1, 3]]),                           # a 2-D index array
    (np.array([0, 0, 3]), np.array([1, 1, 2])),           # two arrays, paired elementwise, repeated pair
    (np.array([[0], [3]]), np.array([1, 2, 1])),          # two arrays broadcast against each other
    (slice(None), np.array([2, 2, 0])),                   # array on a later axis
    (np.array([1, 1]), slice(1, None, 2)),                # array then a stepped slice
    (Ellipsis, np.array([0, 0])),                         # array after Ellipsis
    (None, np.array([3, 3]), 1),                          # None, array and int together
    (1, np.array([2, 0, 2])),                             # int then array
], ids=repr)
def test_int_array_indexing_matches_torch_and_scatter_adds(device, dtype, index):
    x = np.random.default_rng(3).standard_normal((4, 3, 2)).astype(dtype)
    torch_index = as_torch_index(index)
    check_op(lambda t: t[index], lambda t: t[torch_index], x, device=device)


@pytest.mark.parametrize("dtype", FLOATS)
def test_int_list_indexing_matches_torch(device, dtype):
    x = np.random.default_rng(4).standard_normal((5, 3)).astype(dtype)
    check_op(lambda t: t[[4, 0, 4, 4]], lambda t: t[[4, 0, 4, 4]], x, device=device)
    check_op(lambda t: t[:, [2, -1, 0]], lambda t: t[:, [2, -1, 0]], x, device=device)


@pytest.mark.parametrize("dtype", FLOATS)
def test_int_tensor_indexing_matches_torch(device, dtype):
    x = np.random.default_rng(5).standard_normal((5, 3)).astype(dtype)
    rows = np.array([1, 3, 1, 1], dtype=np.int64)
    check_op(lambda t, i: t[i], lambda t, i: t[i], x, rows, device=device)
    check_op(lambda t, i: t[i, 1:], lambda t, i: t[i, 1:], x, rows, device=device)


def test_repeated_index_gradient_counts_each_use(device):
    x = Tensor(np.zeros(5, dtype=np.float64), requires_grad=True, device=device)
    x[np.array([0, 0, 2, 0, 4])].sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 0.0, 1.0, 0.0, 1.0])


@pytest.mark.parametrize("dtype", FLOATS)
@given(data=st.data())
def test_full_shape_bool_mask_matches_torch(device, dtype, data):
    x = data.draw(views(shapes(min_dims=1), dtype))
    mask = data.draw(arrays(x.shape, np.bool_))
    out = check_op(lambda t: t[mask], lambda t: t[torch.from_numpy(mask)], x, device=device)
    assert out.shape == (int(mask.sum()),)


@pytest.mark.parametrize("dtype", FLOATS)
def test_bool_mask_on_leading_axes_and_combined_matches_torch(device, dtype):
    x = np.random.default_rng(6).standard_normal((4, 3, 2)).astype(dtype)
    rows = np.array([True, False, True, True])
    cells = np.array([[True, False, True], [False, False, True], [True, True, True], [False, False, False]])
    cols = np.array([False, True, True])
    for index in [rows, cells, (rows, slice(None), 1), (slice(1, None), cols), (Ellipsis, np.array([True, False]))]:
        torch_index = as_torch_index(index)
        check_op(lambda t: t[index], lambda t: t[torch_index], x, device=device)


@pytest.mark.parametrize("dtype", FLOATS)
def test_bool_tensor_mask_matches_torch(device, dtype):
    x = np.random.default_rng(7).standard_normal((3, 4)).astype(dtype)
    mask = x > 0.1
    check_op(lambda t, m: t[m], lambda t, m: t[m], x, mask, device=device)


# ---------------------------------------------------------------- cat and stack

@st.composite
def cat_inputs(draw, dtype):
    """2-4 arrays equal in every axis but `axis`, which has its own size in each (1-3)."""
    shape = draw(shapes(min_dims=1, max_dims=3, max_side=4))
    axis = draw(st.integers(-len(shape), len(shape) - 1))
    inputs = []
    for _ in range(draw(st.integers(2, 4))):
        own = list(shape)
        own[axis] = draw(st.integers(1, 3))
        inputs.append(draw(views(tuple(own), dtype)))
    return inputs, axis


@pytest.mark.parametrize("dtype", FLOATS)
@given(data=st.data())
def test_cat_matches_torch_with_gradient_to_every_input(device, dtype, data):
    inputs, axis = data.draw(cat_inputs(dtype))
    out = check_op(lambda *ts: Tensor.cat(list(ts), axis=axis), lambda *ts: torch.cat(ts, dim=axis),
                   *inputs, device=device)
    assert out.shape[axis] == sum(a.shape[axis] for a in inputs)


@pytest.mark.parametrize("dtype", FLOATS)
@given(data=st.data())
def test_stack_matches_torch_with_gradient_to_every_input(device, dtype, data):
    shape = data.draw(shapes(max_dims=3, max_side=4))
    n = data.draw(st.integers(1, 4))
    inputs = [data.draw(views(shape, dtype)) for _ in range(n)]
    axis = data.draw(st.integers(-len(shape) - 1, len(shape)))
    out = check_op(lambda *ts: Tensor.stack(list(ts), axis=axis), lambda *ts: torch.stack(ts, dim=axis),
                   *inputs, device=device)
    assert out.shape[axis] == n


@pytest.mark.parametrize("dtype", FLOATS)
def test_cat_and_stack_default_to_axis_zero(device, dtype):
    rng = np.random.default_rng(8)
    a, b = rng.standard_normal((2, 3)).astype(dtype), rng.standard_normal((2, 3)).astype(dtype)
    check_op(lambda x, y: Tensor.cat([x, y]), lambda x, y: torch.cat([x, y]), a, b, device=device)
    check_op(lambda x, y: Tensor.stack([x, y]), lambda x, y: torch.stack([x, y]), a, b, device=device)


def test_cat_of_the_same_tensor_twice_accumulates_its_gradient(device):
    x = Tensor(np.arange(3.0), requires_grad=True, device=device)
    Tensor.cat([x, x, x[1:]]).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 3.0, 3.0])


def test_cat_gradient_reaches_only_inputs_that_require_it(device):
    a = Tensor(np.ones((2, 2)), requires_grad=True, device=device)
    b = Tensor(np.ones((1, 2)), device=device)
    out = Tensor.cat([a, b], axis=0)
    assert out.requires_grad
    (out * tg.Tensor(np.arange(6.0).reshape(3, 2), device=device)).sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), [[0.0, 1.0], [2.0, 3.0]])
    assert b.grad is None
