"""The shape ops agree with PyTorch: values, dtypes and gradients, on hypothesis shapes.

Covered: tril triu (and tril_ triu_), roll flip fliplr flipud rot90, repeat tile repeat_interleave,
broadcast_to, expand with -1, squeeze with a tuple, movedim moveaxis swapaxes swapdims, diag diagonal
diag_embed diagflat trace, ravel, unfold, tensor_split hsplit vsplit dsplit, meshgrid,
broadcast_tensors, atleast_1d/2d/3d, hstack vstack row_stack dstack column_stack, concat
concatenate, block_diag, cartesian_prod, tril_indices triu_indices, select adjoint narrow_copy,
combinations, vander, broadcast_shapes, H mH, as_strided, the in-place view methods t_ transpose_ swapaxes_ swapdims_ squeeze_
unsqueeze_, and the free functions tg.split chunk unbind narrow unflatten: each as a method and
as tg.<name> where torch has both.

Shapes reach size-0 and size-1 axes and 0-d tensors; inputs come in every memory layout of
`views` (permuted, strided, reversed); dtypes are float16, float32, float64, int64 and bool (the
gradients are compared for the float ones). Ops that return several tensors are compared
through one tensor made of them, each piece scaled by its position, so that a gradient
sent to the wrong piece shows. tg.gradcheck checks each backward against float64 finite
differences; the bad calls raise torch's kinds of error, naming the function.
"""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import check_op, to_torch, torch
from strategies import arrays, broadcast_pair, shapes, views

import tinygrad_lite as tg

DTYPES = st.sampled_from([np.float16, np.float32, np.float64, np.int64, np.bool_])


def _x(data, min_dims=0, max_dims=4, dtype=None):
    """An input of any layout: size-0 and size-1 axes included."""
    dtype = data.draw(DTYPES) if dtype is None else dtype
    return data.draw(views(data.draw(shapes(min_dims, max_dims, min_side=0, max_side=4)), dtype))


def _axis(data, ndim):
    return data.draw(st.integers(-max(ndim, 1), max(ndim, 1) - 1))


def _distinct_axes(data, ndim, min_size=0, max_size=None):
    """Distinct axes of an ndim-d tensor, each spelled positive or negative."""
    axes = data.draw(st.lists(st.integers(0, ndim - 1), min_size=min_size, max_size=max_size, unique=True))
    return [a - ndim if data.draw(st.booleans()) else a for a in axes]


def _joined(pieces, lib):
    """Several tensors as one: each flattened, scaled by its position + 1, and concatenated."""
    def is_float(p):
        return p.dtype.is_floating_point if lib is torch else p.dtype.kind == "f"
    flat = [p.reshape(-1) * (i + 1) if is_float(p) else p.reshape(-1) for i, p in enumerate(pieces)]
    return lib.cat(flat) if flat else (torch.zeros(0) if lib is torch else tg.zeros(0))


# ---------------------------------------------------------------- triangles

@pytest.mark.parametrize("name", ["tril", "triu"])
@given(data=st.data())
def test_tril_triu_match_torch_batched(name, data):
    x = _x(data, min_dims=2)
    k = data.draw(st.integers(-5, 5))
    check_op(lambda t: getattr(t, name)(k), lambda t: getattr(t, name)(k), x)
    check_op(lambda t: getattr(tg, name)(t, diagonal=k), lambda t: getattr(torch, name)(t, diagonal=k), x)


def test_causal_mask_as_nanogpt_builds_it():
    T = 5
    ours, theirs = tg.tril(tg.ones(T, T)), torch.tril(torch.ones(T, T))
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    scores = tg.zeros(T, T).masked_fill(ours == 0, float("-inf")).softmax(-1)
    np.testing.assert_allclose(scores.numpy()[-1], np.full(T, 1 / T), rtol=1e-6)


# ---------------------------------------------------------------- rolls, flips, rotations

@given(data=st.data())
def test_roll_matches_torch(data):
    x = _x(data)
    if data.draw(st.booleans()) or x.ndim == 0:
        shifts, dims = data.draw(st.integers(-7, 7)), None
    else:
        dims = data.draw(st.lists(st.integers(-x.ndim, x.ndim - 1), min_size=1, max_size=3))
        shifts = data.draw(st.lists(st.integers(-7, 7), min_size=len(dims), max_size=len(dims)))
        if len(dims) == 1 and data.draw(st.booleans()):
            shifts, dims = shifts[0], dims[0]
        else:
            shifts, dims = tuple(shifts), tuple(dims)
    check_op(lambda t: t.roll(shifts, dims), lambda t: t.roll(shifts, dims), x)
    check_op(lambda t: tg.roll(t, shifts, dims=dims), lambda t: torch.roll(t, shifts, dims=dims), x)


@given(data=st.data())
def test_flip_matches_torch(data):
    x = _x(data, min_dims=1)
    dims = tuple(_distinct_axes(data, x.ndim))
    check_op(lambda t: t.flip(dims), lambda t: t.flip(dims), x)
    if dims:
        check_op(lambda t: t.flip(*dims), lambda t: t.flip(*dims), x)
    check_op(lambda t: tg.flip(t, dims), lambda t: torch.flip(t, dims), x)


@given(data=st.data())
def test_fliplr_flipud_rot90_match_torch(data):
    x = _x(data, min_dims=2)
    check_op(lambda t: t.fliplr(), lambda t: t.fliplr(), x)
    check_op(lambda t: tg.flipud(t), lambda t: torch.flipud(t), x)
    k = data.draw(st.integers(-5, 5))
    dims = tuple(_distinct_axes(data, x.ndim, 2, 2))
    check_op(lambda t: t.rot90(k, dims), lambda t: t.rot90(k, dims), x)
    check_op(lambda t: tg.rot90(t, k=k, dims=dims), lambda t: torch.rot90(t, k=k, dims=dims), x)


def test_flip_is_a_copy_as_torchs():
    x = tg.arange(4.0)
    y = x.flip(0)
    y.add_(1)
    np.testing.assert_array_equal(x.numpy(), [0, 1, 2, 3])


def test_rot90_defaults_and_0d_flip():
    x = np.arange(6.0).reshape(2, 3)
    check_op(lambda t: t.rot90(), lambda t: t.rot90(), x)
    check_op(lambda t: tg.rot90(t), lambda t: torch.rot90(t), x)
    check_op(lambda t: t.flip(0), lambda t: t.flip(0), np.array(2.0))
    check_op(lambda t: tg.roll(t, 3), lambda t: torch.roll(t, 3), np.array(2.0))


# ---------------------------------------------------------------- repeats

@given(data=st.data())
def test_repeat_matches_torch(data):
    x = _x(data, max_dims=3)
    sizes = data.draw(st.lists(st.integers(0, 3), min_size=max(x.ndim, 1), max_size=x.ndim + 2))
    check_op(lambda t: t.repeat(*sizes), lambda t: t.repeat(*sizes), x)
    check_op(lambda t: t.repeat(sizes), lambda t: t.repeat(sizes), x)


@given(data=st.data())
def test_tile_matches_torch(data):
    x = _x(data, max_dims=3)
    dims = tuple(data.draw(st.lists(st.integers(0, 3), min_size=1, max_size=x.ndim + 2)))
    check_op(lambda t: t.tile(dims), lambda t: t.tile(dims), x)
    check_op(lambda t: tg.tile(t, dims), lambda t: torch.tile(t, dims), x)


@given(data=st.data())
def test_repeat_interleave_matches_torch(data):
    x = _x(data)
    dim = None if data.draw(st.booleans()) or x.ndim == 0 else _axis(data, x.ndim)
    n = x.size if dim is None else x.shape[dim]
    kind = data.draw(st.sampled_from(["int", "tensor", "one-element tensor"]))
    if kind == "int":
        repeats = data.draw(st.integers(0, 3))
        ours_r = theirs_r = repeats
    else:
        counts = np.array(data.draw(st.lists(st.integers(0, 3), min_size=n, max_size=n))
                          if kind == "tensor" else [data.draw(st.integers(0, 3))], np.int64)
        ours_r, theirs_r = tg.tensor(counts), torch.from_numpy(counts)
    check_op(lambda t: t.repeat_interleave(ours_r, dim), lambda t: t.repeat_interleave(theirs_r, dim), x)
    check_op(lambda t: tg.repeat_interleave(t, ours_r, dim=dim),
             lambda t: torch.repeat_interleave(t, theirs_r, dim=dim), x)


def test_repeat_interleave_of_counts_alone_and_output_size():
    counts = np.array([2, 0, 3, 1])
    ours = tg.repeat_interleave(tg.tensor(counts))
    theirs = torch.repeat_interleave(torch.from_numpy(counts))
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    assert ours.dtype == tg.int64
    x = np.arange(8.0).reshape(2, 4)
    check_op(lambda t: t.repeat_interleave(tg.tensor(counts), dim=1, output_size=6),
             lambda t: t.repeat_interleave(torch.from_numpy(counts), dim=1, output_size=6), x)
    check_op(lambda t: t.repeat_interleave(2, axis=0), lambda t: t.repeat_interleave(2, dim=0), x)


# ---------------------------------------------------------------- broadcasting views

@given(data=st.data())
def test_broadcast_to_and_expand_with_minus_one_match_torch(data):
    x = _x(data, max_dims=3)
    lead = data.draw(st.lists(st.integers(0, 3), max_size=2))
    target = [data.draw(st.sampled_from([-1, n] if n != 1 else [-1, 1, 0, 3])) for n in x.shape]
    size = tuple(lead) + tuple(target)
    check_op(lambda t: t.broadcast_to(size), lambda t: t.broadcast_to(size), x)
    check_op(lambda t: tg.broadcast_to(t, size), lambda t: torch.broadcast_to(t, size), x)
    if size:
        check_op(lambda t: t.expand(*size), lambda t: t.expand(*size), x)


@given(data=st.data())
def test_broadcast_tensors_match_torch(data):
    shape = data.draw(shapes(0, 3, min_side=0, max_side=3))
    others = [tuple(1 if data.draw(st.booleans()) else n for n in shape[data.draw(st.integers(0, len(shape))):])
              for _ in range(2)]
    arrays = [data.draw(views(s, np.float64)) for s in [shape] + others]
    check_op(lambda *ts: _joined(tg.broadcast_tensors(*ts), tg),
             lambda *ts: _joined(torch.broadcast_tensors(*ts), torch), *arrays)
    assert [t.shape for t in tg.broadcast_tensors(*map(tg.tensor, arrays))] == [shape] * 3


@given(data=st.data())
def test_squeeze_with_a_tuple_of_dims_matches_torch(data):
    x = _x(data, min_dims=1, dtype=np.float64)
    dims = tuple(_distinct_axes(data, x.ndim))
    check_op(lambda t: t.squeeze(dims), lambda t: t.squeeze(dims), x)


# ---------------------------------------------------------------- moving axes

@pytest.mark.parametrize("name", ["movedim", "moveaxis"])
@given(data=st.data())
def test_movedim_matches_torch(name, data):
    x = _x(data, min_dims=1)
    source = _distinct_axes(data, x.ndim, 1)
    destination = _distinct_axes(data, x.ndim, len(source), len(source))
    if len(source) == 1 and data.draw(st.booleans()):
        source, destination = source[0], destination[0]
    else:
        source, destination = tuple(source), tuple(destination)
    check_op(lambda t: getattr(t, name)(source, destination), lambda t: getattr(t, name)(source, destination), x)
    check_op(lambda t: getattr(tg, name)(t, source, destination),
             lambda t: getattr(torch, name)(t, source, destination), x)


@pytest.mark.parametrize("name", ["swapaxes", "swapdims"])
@given(data=st.data())
def test_swapaxes_swapdims_match_torch(name, data):
    x = _x(data)
    a, b = _axis(data, x.ndim), _axis(data, x.ndim)
    check_op(lambda t: getattr(t, name)(a, b), lambda t: getattr(t, name)(a, b), x)
    check_op(lambda t: getattr(tg, name)(t, a, b), lambda t: getattr(torch, name)(t, a, b), x)


def test_movedim_and_swapaxes_are_views():
    x = tg.zeros(2, 3)
    x.movedim(0, 1).add_(tg.tensor([[0.0, 0.0], [5.0, 0.0], [0.0, 0.0]]))
    x.swapaxes(0, 1).mul_(2.0)
    np.testing.assert_array_equal(x.numpy(), [[0, 10, 0], [0, 0, 0]])


# ---------------------------------------------------------------- diagonals

@given(data=st.data())
def test_diagonal_matches_torch(data):
    x = _x(data, min_dims=2)
    dim1, dim2 = _distinct_axes(data, x.ndim, 2, 2)
    offset = data.draw(st.integers(-5, 5))
    check_op(lambda t: t.diagonal(offset, dim1, dim2), lambda t: t.diagonal(offset, dim1, dim2), x)
    check_op(lambda t: tg.diagonal(t, offset=offset, dim1=dim1, dim2=dim2),
             lambda t: torch.diagonal(t, offset=offset, dim1=dim1, dim2=dim2), x)


def test_diagonal_is_a_view_that_writes_through():
    x, theirs = tg.zeros(3, 4), torch.zeros(3, 4)
    x.diagonal(1).fill_(2.0)
    theirs.diagonal(1).fill_(2.0)
    np.testing.assert_array_equal(x.numpy(), theirs.numpy())


VIEWS = {  # name -> a view of a (3, 4) tensor, the same call in both libraries
    "diagonal": lambda t: t.diagonal(1),
    "unfold": lambda t: t.unfold(1, 2, 2),
    "movedim": lambda t: t.movedim(0, 1),
    "swapaxes": lambda t: t.swapaxes(0, 1),
    "tensor_split piece": lambda t: t.tensor_split(3, dim=1)[1],
}


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_an_in_place_update_of_a_view_reaches_the_base_and_its_gradient_as_torchs(name):
    view = VIEWS[name]

    def update(t):
        y = t * 1.0
        view(y).mul_(3.0)
        return y
    check_op(update, update, np.arange(12.0).reshape(3, 4))


@given(data=st.data())
def test_diag_embed_matches_torch(data):
    x = _x(data, min_dims=1, max_dims=3)
    dim1, dim2 = _distinct_axes(data, x.ndim + 1, 2, 2)
    offset = data.draw(st.integers(-3, 3))
    check_op(lambda t: t.diag_embed(offset, dim1, dim2), lambda t: t.diag_embed(offset, dim1, dim2), x)
    check_op(lambda t: tg.diag_embed(t, offset), lambda t: torch.diag_embed(t, offset), x)


@given(data=st.data())
def test_diag_and_trace_match_torch(data):
    x = _x(data, min_dims=1, max_dims=2)
    k = data.draw(st.integers(-5, 5))
    check_op(lambda t: t.diag(k), lambda t: t.diag(k), x)
    check_op(lambda t: tg.diag(t, diagonal=k), lambda t: torch.diag(t, diagonal=k), x)
    if x.ndim == 2 and x.dtype != np.bool_:
        check_op(lambda t: t.trace(), lambda t: t.trace(), x, reduce_size=max(x.shape))
        check_op(lambda t: tg.trace(t), lambda t: torch.trace(t), x, reduce_size=max(x.shape))


@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.float16])
def test_trace_dtype_as_torchs(dtype):
    check_op(lambda t: t.trace(), lambda t: t.trace(), np.arange(12).reshape(3, 4).astype(dtype))


# ---------------------------------------------------------------- windows and pieces

@given(data=st.data())
def test_unfold_matches_torch(data):
    x = _x(data)
    dimension = _axis(data, x.ndim)
    n = x.shape[dimension] if x.ndim else 1
    size, step = data.draw(st.integers(0, n)), data.draw(st.integers(1, 4))
    check_op(lambda t: t.unfold(dimension, size, step), lambda t: t.unfold(dimension, size, step), x)


def test_unfold_is_a_view_with_overlapping_windows():
    x = tg.arange(6.0)
    windows = x.unfold(0, 3, 2)
    assert windows.shape == (2, 3)
    x.add_(tg.tensor([0.0, 0.0, 10.0, 0.0, 0.0, 0.0]))
    np.testing.assert_array_equal(windows.numpy(), [[0, 1, 12], [12, 3, 4]])


@given(data=st.data())
def test_tensor_split_matches_torch(data):
    x = _x(data, min_dims=1)
    dim = _axis(data, x.ndim)
    n = x.shape[dim]
    kind = data.draw(st.sampled_from(["sections", "indices", "tensor"]))
    if kind == "sections":
        ours = theirs = data.draw(st.integers(1, 5))
    else:
        indices = data.draw(st.lists(st.integers(-n - 2, n + 2), max_size=4))
        ours, theirs = (tg.tensor(indices, dtype=tg.int64), torch.tensor(indices, dtype=torch.int64)) \
            if kind == "tensor" else (indices, indices)
    check_op(lambda t: _joined(t.tensor_split(ours, dim), tg), lambda t: _joined(t.tensor_split(theirs, dim), torch), x)
    ours_pieces = tg.tensor_split(tg.tensor(x), ours, dim=dim)
    theirs_pieces = torch.tensor_split(to_torch(x), theirs, dim=dim)
    assert [p.shape for p in ours_pieces] == [tuple(p.shape) for p in theirs_pieces]


@pytest.mark.parametrize("indexing", ["ij", "xy"])
@given(data=st.data())
def test_meshgrid_matches_torch(indexing, data):
    arrays = [data.draw(views(s, np.float64)) for s in data.draw(st.lists(shapes(0, 1, min_side=0, max_side=4),
                                                                          min_size=1, max_size=3))]
    check_op(lambda *ts: _joined(tg.meshgrid(*ts, indexing=indexing), tg),
             lambda *ts: _joined(torch.meshgrid(*ts, indexing=indexing), torch), *arrays)
    ours = tg.meshgrid([tg.tensor(a) for a in arrays], indexing=indexing)
    theirs = torch.meshgrid([to_torch(a) for a in arrays], indexing=indexing)
    assert [g.shape for g in ours] == [tuple(g.shape) for g in theirs]


def test_meshgrid_without_indexing_warns_and_uses_ij():
    with pytest.warns(UserWarning, match="indexing"):
        a, b = tg.meshgrid(tg.arange(2), tg.arange(3))
    assert a.shape == b.shape == (2, 3)


@pytest.mark.parametrize("name", ["atleast_1d", "atleast_2d", "atleast_3d"])
@pytest.mark.parametrize("shape", [(), (0,), (3,), (2, 3), (2, 1, 3), (1, 2, 3, 1)], ids=repr)
def test_atleast_matches_torch(name, shape):
    x = np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape)
    check_op(lambda t: getattr(tg, name)(t), lambda t: getattr(torch, name)(t), x)
    pair = getattr(tg, name)([tg.tensor(x), tg.tensor(x)])
    assert isinstance(pair, tuple) and [p.shape for p in pair] == [tuple(getattr(torch, name)(to_torch(x)).shape)] * 2
    assert getattr(tg, name)() == ()


@pytest.mark.parametrize("name", ["hstack", "vstack", "dstack", "column_stack"])
@given(data=st.data())
def test_stacks_match_torch(name, data):
    ndim = data.draw(st.integers(0, 3))
    base = list(data.draw(shapes(ndim, ndim, min_side=1, max_side=3)))
    axis = {"hstack": 1 if ndim > 1 else 0, "vstack": 0, "dstack": 2, "column_stack": 1}[name]
    arrays = []
    for _ in range(data.draw(st.integers(1, 3))):
        shape = list(base)
        if ndim > 1 and axis < ndim or (name == "hstack" and ndim == 1):
            shape[axis] = data.draw(st.integers(0, 3))
        arrays.append(data.draw(views(tuple(shape), np.float64)))
    check_op(lambda *ts: getattr(tg, name)(list(ts)), lambda *ts: getattr(torch, name)(list(ts)), *arrays)


def test_stacks_promote_dtypes_as_cat():
    a, b = np.arange(3, dtype=np.int64), np.arange(3, dtype=np.float32)
    check_op(lambda x, y: tg.vstack((x, y)), lambda x, y: torch.vstack((x, y)), a, b)


@pytest.mark.parametrize("name", ["tril_", "triu_"])
@given(data=st.data())
def test_tril_triu_in_place_match_torch(name, data):
    x = _x(data, min_dims=2)
    k = data.draw(st.integers(-4, 4))

    def update(t):
        y = t * 1 if t.dtype != (torch.bool if isinstance(t, torch.Tensor) else tg.bool) else t.clone()
        out = getattr(y, name)(k)
        assert out is y
        return y
    check_op(update, update, x)


@given(data=st.data())
def test_ravel_and_diagflat_match_torch(data):
    x = _x(data)
    k = data.draw(st.integers(-3, 3))
    check_op(lambda t: t.ravel(), lambda t: t.ravel(), x)
    check_op(lambda t: tg.ravel(t), lambda t: torch.ravel(t), x)
    check_op(lambda t: tg.diagflat(t, k), lambda t: torch.diagflat(t, k), x)
    check_op(lambda t: t.diagflat(offset=k), lambda t: t.diagflat(offset=k), x)


@pytest.mark.parametrize("name, least", [("hsplit", 1), ("vsplit", 2), ("dsplit", 3)])
@given(data=st.data())
def test_hsplit_vsplit_dsplit_match_torch(name, least, data):
    x = _x(data, min_dims=least)
    n = x.shape[{"hsplit": 1 if x.ndim > 1 else 0, "vsplit": 0, "dsplit": 2}[name]]
    if data.draw(st.booleans()):
        spec = data.draw(st.sampled_from([d for d in range(1, 5) if n % d == 0]))
    else:
        spec = data.draw(st.lists(st.integers(-n - 1, n + 1), max_size=3))
    check_op(lambda t: _joined(getattr(t, name)(spec), tg), lambda t: _joined(getattr(t, name)(spec), torch), x)
    check_op(lambda t: _joined(getattr(tg, name)(t, spec), tg), lambda t: _joined(getattr(torch, name)(t, spec), torch), x)


@pytest.mark.parametrize("name", ["split", "chunk", "unbind", "narrow", "unflatten"])
@given(data=st.data())
def test_free_split_chunk_unbind_narrow_unflatten_match_torch(name, data):
    x = _x(data, min_dims=1)
    dim = _axis(data, x.ndim)
    n = x.shape[dim]
    args = {"split": (data.draw(st.integers(1, 4)),), "chunk": (data.draw(st.integers(1, 4)),), "unbind": (),
            "narrow": (dim, 0, data.draw(st.integers(0, n))), "unflatten": (dim, (n, 1))}[name]
    keyword = {} if name in ("narrow", "unflatten") else {"dim": dim}
    pieces = name in ("split", "chunk", "unbind")

    def ours(t):
        out = getattr(tg, name)(t, *args, **keyword)
        return _joined(out, tg) if pieces else out

    def theirs(t):
        out = getattr(torch, name)(t, *args, **keyword)
        return _joined(out, torch) if pieces else out
    check_op(ours, theirs, x)


@pytest.mark.parametrize("name", ["concat", "concatenate", "row_stack"])
def test_cat_and_vstack_aliases_match_torch(name):
    a, b = np.arange(6.0).reshape(2, 3), np.arange(3.0).reshape(1, 3) + 10
    if name == "row_stack":
        check_op(lambda x, y: tg.row_stack([x, y]), lambda x, y: torch.vstack([x, y]), a, b)
        return
    keyword = "dim" if name == "concat" else "axis"
    check_op(lambda x, y: getattr(tg, name)([x, y], **{keyword: 0}), lambda x, y: torch.cat([x, y], 0), a, b)
    check_op(lambda x, y: getattr(tg, name)((x, x.T.T), 1), lambda x, y: torch.cat((x, x), 1), a, b)


@given(data=st.data())
def test_block_diag_matches_torch(data):
    arrays = [data.draw(views(data.draw(shapes(0, 2, min_side=0, max_side=3)), data.draw(st.sampled_from(
        [np.float32, np.float64, np.int64])))) for _ in range(data.draw(st.integers(1, 3)))]
    # torch's backward misplaces the rows after an empty 1-d block (a (1, 0) block of one row): there
    # only the values are compared, and the gradient is checked by finite differences below
    grad = not any(a.ndim == 1 and a.size == 0 for a in arrays)
    check_op(lambda *ts: tg.block_diag(*ts), lambda *ts: torch.block_diag(*ts), *arrays, grad=grad)


def test_block_diag_of_nothing_is_torchs_1_by_0():
    assert tg.block_diag().shape == tuple(torch.block_diag().shape) == (1, 0)


@given(data=st.data())
def test_cartesian_prod_matches_torch(data):
    arrays = [data.draw(views((data.draw(st.integers(0, 3)),), np.float64)) for _ in range(data.draw(st.integers(1, 3)))]
    check_op(lambda *ts: tg.cartesian_prod(*ts), lambda *ts: torch.cartesian_prod(*ts), *arrays)


@pytest.mark.parametrize("name", ["tril_indices", "triu_indices"])
@given(row=st.integers(0, 5), col=st.integers(0, 5), offset=st.integers(-6, 6))
def test_triangle_indices_match_torch(name, row, col, offset):
    ours, theirs = getattr(tg, name)(row, col, offset), getattr(torch, name)(row, col, offset)
    assert ours.dtype == tg.int64
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    small = getattr(tg, name)(row, col, offset, dtype=tg.int32)
    assert small.dtype == tg.int32 and small.shape == ours.shape


@given(data=st.data())
def test_select_adjoint_narrow_copy_match_torch(data):
    x = _x(data, min_dims=1)
    dim = _axis(data, x.ndim)
    n = x.shape[dim]
    if n:
        index = data.draw(st.integers(-n, n - 1))
        check_op(lambda t: t.select(dim, index), lambda t: t.select(dim, index), x)
        check_op(lambda t: tg.select(t, axis=dim, index=index), lambda t: torch.select(t, dim=dim, index=index), x)
    start = data.draw(st.integers(0, n))
    length = data.draw(st.integers(0, n - start))
    check_op(lambda t: t.narrow_copy(dim, start, length), lambda t: t.narrow_copy(dim, start, length), x)
    check_op(lambda t: tg.narrow_copy(t, dim, start, length), lambda t: torch.narrow_copy(t, dim, start, length), x)
    if x.ndim >= 2:
        check_op(lambda t: t.adjoint(), lambda t: t.adjoint(), x)
        check_op(lambda t: tg.adjoint(t), lambda t: torch.adjoint(t), x)


def test_narrow_copy_is_a_copy_and_select_a_view():
    x = tg.zeros(2, 3)
    x.narrow_copy(1, 0, 2).add_(1.0)
    x.select(1, 2).add_(2.0)
    np.testing.assert_array_equal(x.numpy(), [[0, 0, 2], [0, 0, 2]])


@given(n=st.integers(0, 5), r=st.integers(0, 4), with_replacement=st.booleans(), data=st.data())
def test_combinations_match_torch(n, r, with_replacement, data):
    x = data.draw(views((n,), data.draw(st.sampled_from([np.float32, np.float64, np.int64]))))
    check_op(lambda t: tg.combinations(t, r, with_replacement), lambda t: torch.combinations(t, r, with_replacement), x)


@given(data=st.data())
def test_vander_values_match_torch(data):
    dtype = data.draw(st.sampled_from([np.float32, np.float64, np.int64, np.bool_]))
    x = data.draw(views((data.draw(st.integers(0, 5)),), dtype, low=-2, high=2))
    N = data.draw(st.one_of(st.none(), st.integers(0, 5)))
    increasing = data.draw(st.booleans())
    # torch's vander backward fails (an in-place update of a saved tensor): the values are compared
    # here, the gradient by finite differences below
    check_op(lambda t: tg.vander(t, N, increasing), lambda t: torch.vander(t, N, increasing), x, grad=False)


IN_PLACE_VIEWS = {  # name -> (the in-place call, its out-of-place twin), on tensors of at least 2 axes
    "t_": (lambda t: t.t_(), lambda t: t.t()),
    "transpose_": (lambda t: t.transpose_(0, -1), lambda t: t.transpose(0, -1)),
    "swapaxes_": (lambda t: t.swapaxes_(-2, 0), lambda t: t.swapaxes(-2, 0)),
    "swapdims_": (lambda t: t.swapdims_(1, 1), lambda t: t.swapdims(1, 1)),
    "squeeze_": (lambda t: t.squeeze_(), lambda t: t.squeeze()),
    "squeeze_ dim": (lambda t: t.squeeze_((0, -1)), lambda t: t.squeeze((0, -1))),
    "unsqueeze_": (lambda t: t.unsqueeze_(-1), lambda t: t.unsqueeze(-1)),
}


@pytest.mark.parametrize("name", sorted(IN_PLACE_VIEWS))
@given(data=st.data())
def test_in_place_view_ops_match_torch(name, data):
    x = _x(data, min_dims=2, max_dims=2 if name == "t_" else 4)
    call, twin = IN_PLACE_VIEWS[name]
    ours, theirs = tg.tensor(x), to_torch(x)
    base = ours.numpy().copy()
    assert call(ours) is ours and call(theirs) is theirs
    assert ours.shape == tuple(theirs.shape) == tuple(twin(to_torch(x)).shape)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    np.testing.assert_array_equal(base, x)  # the values did not move in memory


def test_in_place_view_op_shares_memory_with_other_views():
    a = tg.zeros(2, 1, 3)
    a.squeeze_(1)
    a.t_()
    a.add_(tg.arange(6.0).reshape(3, 2))
    np.testing.assert_array_equal(a.numpy(), [[0, 1], [2, 3], [4, 5]])
    leaf = tg.ones(2, 3, requires_grad=True)
    with tg.no_grad():
        leaf.unsqueeze_(0)
    leaf.sum().backward()
    assert leaf.grad.shape == (1, 2, 3)


@pytest.mark.parametrize("name", sorted(IN_PLACE_VIEWS))
def test_in_place_view_ops_refuse_a_tensor_in_the_graph(name):
    call = IN_PLACE_VIEWS[name][0]
    with pytest.raises(RuntimeError, match="leaf Variable"):
        call(tg.ones(2, 1, requires_grad=True))
    with pytest.raises(RuntimeError, match=name.split()[0] + ".*out-of-place"):
        call(tg.ones(2, 1, requires_grad=True) * 2)


@given(shapes_=broadcast_pair(max_dims=4, min_side=0, max_side=3))
def test_broadcast_shapes_matches_torch(shapes_):
    ours = tg.broadcast_shapes(*shapes_)
    assert isinstance(ours, tg.Size) and ours == tuple(torch.broadcast_shapes(*shapes_))
    assert tg.broadcast_shapes(3, (2, 1)) == tuple(torch.broadcast_shapes(3, (2, 1)))


@given(data=st.data())
def test_H_and_mH_match_torch(data):
    x = _x(data, min_dims=2, max_dims=2)
    check_op(lambda t: t.H, lambda t: t.H, x)
    y = _x(data, min_dims=2)
    check_op(lambda t: t.mH, lambda t: t.mH, y)


AS_STRIDED_INPUTS = {  # how the viewed tensor is made from a fresh one: its storage is the fresh one's
    "itself": lambda t: t, "transposed": lambda t: t.transpose(0, -1), "sliced": lambda t: t[1:],
}


@pytest.mark.parametrize("made", sorted(AS_STRIDED_INPUTS))
@given(data=st.data())
def test_as_strided_matches_torch(made, data):
    # a row-major input: as_strided reads memory, so both libraries must lay the values out alike
    x = data.draw(arrays(data.draw(shapes(1, 3, min_side=2, max_side=4)), data.draw(DTYPES)))
    n = x.size  # the storage: the fresh tensor the view is made from
    own = {"itself": 0, "transposed": 0, "sliced": n // x.shape[0]}[made]  # the view's own offset in it
    size = tuple(data.draw(st.lists(st.integers(0, 3), max_size=3)))
    stride = tuple(data.draw(st.lists(st.integers(0, 3), min_size=len(size), max_size=len(size))))

    def reach(size):
        return 0 if 0 in size else sum((k - 1) * s for k, s in zip(size, stride))
    if reach(size) > n - 1:  # would read past the storage: make it an empty view instead
        size = (0,) + size[1:]
    offset = data.draw(st.one_of(st.none(), st.integers(0, n - 1 - reach(size))))
    if offset is None and own + reach(size) > n - 1:
        offset = 0
    view = AS_STRIDED_INPUTS[made]
    check_op(lambda t: view(t * 1 if t.dtype.kind == "f" else t).as_strided(size, stride, offset),
             lambda t: view(t * 1 if t.is_floating_point() else t).as_strided(size, stride, offset), x)


def test_as_strided_windows_and_storage_offset_as_torchs():
    x = np.arange(12.0)
    check_op(lambda t: tg.as_strided(t * 1, (3, 3), (1, 1)), lambda t: torch.as_strided(t * 1, (3, 3), (1, 1)), x)
    check_op(lambda t: (t * 1)[2:].as_strided((2, 2), (1, 1), 0), lambda t: (t * 1)[2:].as_strided((2, 2), (1, 1), 0), x)
    check_op(lambda t: (t * 1).reshape(3, 4).t().as_strided((2, 2), (1, 1), 1),
             lambda t: (t * 1).reshape(3, 4).t().as_strided((2, 2), (1, 1), 1), x)


# ---------------------------------------------------------------- every device, float64 gradients

def _gradcheck_cases():
    return {
        "tril": (lambda t: t.tril(-1), (3, 4)),
        "triu": (lambda t: tg.triu(t, 1), (2, 3, 3)),
        "roll": (lambda t: t.roll((1, -2), (0, 1)), (3, 4)),
        "roll flat": (lambda t: t.roll(5), (3, 4)),
        "flip": (lambda t: t.flip((0, 2)), (2, 3, 2)),
        "rot90": (lambda t: t.rot90(3, (1, 0)), (3, 4)),
        "repeat": (lambda t: t.repeat(2, 1, 3), (3, 2)),
        "tile": (lambda t: t.tile((2,)), (3, 2)),
        "repeat_interleave": (lambda t: t.repeat_interleave(tg.tensor([2, 0, 1]), dim=0), (3, 2)),
        "repeat_interleave flat": (lambda t: t.repeat_interleave(3), (2, 2)),
        "movedim": (lambda t: t.movedim((0, 1), (2, 0)), (2, 3, 4)),
        "swapaxes": (lambda t: t.swapaxes(0, 2), (2, 3, 4)),
        "broadcast_to": (lambda t: t.broadcast_to((2, 3, 4)), (3, 1)),
        "diagonal": (lambda t: t.diagonal(1, 2, 0), (3, 2, 4)),
        "diag_embed": (lambda t: t.diag_embed(-1, 0, 2), (2, 3)),
        "diag 1-d": (lambda t: t.diag(2), (3,)),
        "diag 2-d": (lambda t: t.diag(-1), (3, 4)),
        "trace": (lambda t: t.trace(), (3, 4)),
        "unfold": (lambda t: t.unfold(1, 3, 2), (2, 7)),
        "tensor_split": (lambda t: _joined(t.tensor_split([1, 3], dim=1), tg), (2, 5)),
        "meshgrid": (lambda t: _joined(tg.meshgrid(t, t[:2], indexing="xy"), tg), (3,)),
        "hstack": (lambda t: tg.hstack([t, t * 2]), (2, 3)),
        "dstack": (lambda t: tg.dstack([t, t]), (3,)),
        "diagflat": (lambda t: t.diagflat(1), (2, 2)),
        "hsplit": (lambda t: _joined(t.hsplit([1]), tg), (2, 3)),
        "block_diag": (lambda t: tg.block_diag(t, t[0], t * 2), (2, 3)),
        "block_diag after an empty 1-d": (lambda t: tg.block_diag(t[0, :0], t[1, 1], t), (2, 3)),
        "cartesian_prod": (lambda t: tg.cartesian_prod(t, t[1:] * 3), (3,)),
        "tril_": (lambda t: (t * 1).tril_(1), (3, 4)),
        "select": (lambda t: t.select(1, -1), (2, 3)),
        "narrow_copy": (lambda t: t.narrow_copy(0, 1, 2), (3, 2)),
        "combinations": (lambda t: tg.combinations(t, 2, with_replacement=True), (3,)),
        "vander": (lambda t: tg.vander(t, 4), (3,)),
        "vander at 0": (lambda t: tg.vander(t * 0, 3, increasing=True), (2,)),
        "as_strided overlapping": (lambda t: (t * 1).t().as_strided((3, 2), (1, 2), 1), (3, 3)),
    }


@pytest.mark.parametrize("name", sorted(_gradcheck_cases()))
def test_backward_matches_finite_differences(name):
    fn, shape = _gradcheck_cases()[name]
    x = tg.tensor(np.random.default_rng(0).standard_normal(shape), requires_grad=True)
    assert tg.gradcheck(fn, x)


@pytest.mark.parametrize("name", sorted(_gradcheck_cases()))
def test_every_device_keeps_results_and_gradients_on_it(device, name):
    fn, shape = _gradcheck_cases()[name]
    x = tg.Tensor(np.random.default_rng(1).standard_normal(shape).astype(np.float32), requires_grad=True,
                  device=device)
    out = fn(x)
    assert out.device == x.device
    out.sum().backward()
    reference = tg.Tensor(x.numpy(), requires_grad=True)
    fn(reference).sum().backward()
    assert x.grad.device == x.device
    np.testing.assert_allclose(x.grad.numpy(), reference.grad.numpy(), rtol=1e-6)


# ---------------------------------------------------------------- bad calls

BAD = [  # (ours, torch's twin, error)
    (lambda: tg.ones(3).tril(), lambda: torch.ones(3).tril(), ValueError),
    (lambda: tg.ones(2, 2).triu(1.5), lambda: torch.ones(2, 2).triu(1.5), TypeError),
    (lambda: tg.ones(2, 3).roll((1, 2)), lambda: torch.ones(2, 3).roll((1, 2)), ValueError),
    (lambda: tg.ones(2, 3).roll(1, 2), lambda: torch.ones(2, 3).roll(1, 2), IndexError),
    (lambda: tg.ones(2, 3).roll((1, 2), (0,)), lambda: torch.ones(2, 3).roll((1, 2), (0,)), ValueError),
    (lambda: tg.tensor(1.0).roll(1, 0), lambda: torch.tensor(1.0).roll(1, 0), IndexError),
    (lambda: tg.ones(2, 3).flip(0, 0), lambda: torch.ones(2, 3).flip(0, 0), ValueError),
    (lambda: tg.ones(2, 3).flip(2), lambda: torch.ones(2, 3).flip(2), IndexError),
    (lambda: tg.ones(3).fliplr(), lambda: torch.ones(3).fliplr(), ValueError),
    (lambda: tg.tensor(1.0).flipud(), lambda: torch.tensor(1.0).flipud(), ValueError),
    (lambda: tg.ones(2, 3).rot90(1, (0, 0)), lambda: torch.ones(2, 3).rot90(1, (0, 0)), ValueError),
    (lambda: tg.ones(2, 3).rot90(1, (0,)), lambda: torch.ones(2, 3).rot90(1, (0,)), ValueError),
    (lambda: tg.ones(2, 3).rot90(1, (0, 2)), lambda: torch.ones(2, 3).rot90(1, (0, 2)), IndexError),
    (lambda: tg.ones(2, 3).repeat(2), lambda: torch.ones(2, 3).repeat(2), ValueError),
    (lambda: tg.ones(2, 3).repeat(-1, 2), lambda: torch.ones(2, 3).repeat(-1, 2), ValueError),
    (lambda: tg.ones(2, 3).tile((-1, 2)), lambda: torch.ones(2, 3).tile((-1, 2)), ValueError),
    (lambda: tg.ones(2, 3).repeat_interleave(tg.tensor([1, 2]), dim=1),
     lambda: torch.ones(2, 3).repeat_interleave(torch.tensor([1, 2]), dim=1), ValueError),
    (lambda: tg.ones(2, 3).repeat_interleave(tg.tensor([[1, 2, 1]]), dim=1),
     lambda: torch.ones(2, 3).repeat_interleave(torch.tensor([[1, 2, 1]]), dim=1), ValueError),
    (lambda: tg.ones(2, 3).repeat_interleave(-1), lambda: torch.ones(2, 3).repeat_interleave(-1), ValueError),
    (lambda: tg.ones(2, 3).repeat_interleave(2, dim=2), lambda: torch.ones(2, 3).repeat_interleave(2, dim=2),
     IndexError),
    (lambda: tg.ones(2, 1).broadcast_to((-1, 2, 3)), lambda: torch.ones(2, 1).broadcast_to((-1, 2, 3)), ValueError),
    (lambda: tg.ones(2, 3).broadcast_to((3, 3)), lambda: torch.ones(2, 3).broadcast_to((3, 3)), ValueError),
    (lambda: tg.ones(2, 1).movedim((0, 1), (1,)), lambda: torch.ones(2, 1).movedim((0, 1), (1,)), ValueError),
    (lambda: tg.ones(2, 1).movedim((0, 0), (1, 0)), lambda: torch.ones(2, 1).movedim((0, 0), (1, 0)), ValueError),
    (lambda: tg.ones(2, 1).moveaxis(2, 0), lambda: torch.ones(2, 1).moveaxis(2, 0), IndexError),
    (lambda: tg.ones(2, 1).swapaxes(0, 2), lambda: torch.ones(2, 1).swapaxes(0, 2), IndexError),
    (lambda: tg.ones(2, 3).diagonal(0, 0, 0), lambda: torch.ones(2, 3).diagonal(0, 0, 0), ValueError),
    (lambda: tg.ones(3).diagonal(), lambda: torch.ones(3).diagonal(), IndexError),
    (lambda: tg.ones(2, 3).diag_embed(0, 1, 1), lambda: torch.ones(2, 3).diag_embed(0, 1, 1), ValueError),
    (lambda: tg.ones(2, 2, 2).diag(), lambda: torch.ones(2, 2, 2).diag(), ValueError),
    (lambda: tg.ones(3).trace(), lambda: torch.ones(3).trace(), ValueError),
    (lambda: tg.ones(2, 2, dtype=tg.bool).trace(), lambda: torch.ones(2, 2, dtype=torch.bool).trace(), TypeError),
    (lambda: tg.ones(3).unfold(0, 4, 1), lambda: torch.ones(3).unfold(0, 4, 1), ValueError),
    (lambda: tg.ones(3).unfold(0, 2, 0), lambda: torch.ones(3).unfold(0, 2, 0), ValueError),
    (lambda: tg.ones(3).unfold(1, 2, 1), lambda: torch.ones(3).unfold(1, 2, 1), IndexError),
    (lambda: tg.ones(3).tensor_split(0), lambda: torch.ones(3).tensor_split(0), ValueError),
    (lambda: tg.tensor(1.0).tensor_split(2), lambda: torch.tensor(1.0).tensor_split(2), ValueError),
    (lambda: tg.meshgrid(tg.ones(2, 2), indexing="ij"), lambda: torch.meshgrid(torch.ones(2, 2), indexing="ij"),
     ValueError),
    (lambda: tg.meshgrid(tg.arange(2), tg.arange(2.0), indexing="ij"),
     lambda: torch.meshgrid(torch.arange(2), torch.arange(2.0), indexing="ij"), TypeError),
    (lambda: tg.meshgrid(tg.arange(2), indexing="yx"), lambda: torch.meshgrid(torch.arange(2), indexing="yx"),
     ValueError),
    (lambda: tg.broadcast_tensors(tg.ones(2), tg.ones(3)), lambda: torch.broadcast_tensors(torch.ones(2), torch.ones(3)),
     ValueError),
    (lambda: tg.vstack([tg.ones(2), tg.ones(3)]), lambda: torch.vstack([torch.ones(2), torch.ones(3)]), ValueError),
    (lambda: tg.hstack(tg.ones(2)), lambda: torch.hstack(torch.ones(2)), TypeError),
    (lambda: tg.tril([[1.0]]), lambda: torch.tril([[1.0]]), TypeError),
    (lambda: tg.ones(3).tril_(), lambda: torch.ones(3).tril_(), ValueError),
    (lambda: tg.ones(6).hsplit(4), lambda: torch.ones(6).hsplit(4), ValueError),
    (lambda: tg.ones(6).vsplit(3), lambda: torch.ones(6).vsplit(3), ValueError),
    (lambda: tg.ones(2, 6).dsplit(2), lambda: torch.ones(2, 6).dsplit(2), ValueError),
    (lambda: tg.block_diag(tg.ones(2, 2, 2)), lambda: torch.block_diag(torch.ones(2, 2, 2)), ValueError),
    (lambda: tg.cartesian_prod(tg.ones(2, 2)), lambda: torch.cartesian_prod(torch.ones(2, 2)), ValueError),
    (lambda: tg.tril_indices(-1, 4), lambda: torch.tril_indices(-1, 4), ValueError),
    (lambda: tg.triu_indices(3, 4, dtype=tg.float32), lambda: torch.triu_indices(3, 4, dtype=torch.float32),
     TypeError),
    (lambda: tg.concat([tg.ones(2, 3), tg.ones(3, 2)]), lambda: torch.concat([torch.ones(2, 3), torch.ones(3, 2)]),
     ValueError),
    (lambda: tg.concatenate([tg.ones(2, 3)], axis=2), lambda: torch.concatenate([torch.ones(2, 3)], axis=2),
     IndexError),
    (lambda: tg.tensor(2.0).select(0, 0), lambda: torch.tensor(2.0).select(0, 0), IndexError),
    (lambda: tg.ones(2, 3).select(1, 3), lambda: torch.ones(2, 3).select(1, 3), IndexError),
    (lambda: tg.ones(3).adjoint(), lambda: torch.ones(3).adjoint(), ValueError),
    (lambda: tg.ones(3).narrow_copy(0, 2, 2), lambda: torch.ones(3).narrow_copy(0, 2, 2), ValueError),
    (lambda: tg.combinations(tg.ones(2, 2)), lambda: torch.combinations(torch.ones(2, 2)), ValueError),
    (lambda: tg.combinations(tg.ones(3), -1), lambda: torch.combinations(torch.ones(3), -1), ValueError),
    (lambda: tg.vander(tg.tensor(2.0)), lambda: torch.vander(torch.tensor(2.0)), ValueError),
    (lambda: tg.vander(tg.ones(3), N=-1), lambda: torch.vander(torch.ones(3), N=-1), ValueError),
    (lambda: tg.ones(2, 2, 2).t_(), lambda: torch.ones(2, 2, 2).t_(), ValueError),
    (lambda: tg.ones(2, 2).transpose_(0, 2), lambda: torch.ones(2, 2).transpose_(0, 2), IndexError),
    (lambda: tg.ones(2, 2).unsqueeze_(3), lambda: torch.ones(2, 2).unsqueeze_(3), IndexError),
    (lambda: tg.ones(2, 2).squeeze_(2), lambda: torch.ones(2, 2).squeeze_(2), IndexError),
    (lambda: tg.broadcast_shapes((2,), (3,)), lambda: torch.broadcast_shapes((2,), (3,)), ValueError),
    (lambda: tg.broadcast_shapes((-1,), (3,)), lambda: torch.broadcast_shapes((-1,), (3,)), ValueError),
    (lambda: tg.ones(3).H, lambda: torch.ones(3).H, ValueError),
    (lambda: tg.ones(2, 3, 4).H, lambda: torch.ones(2, 3, 4).H, ValueError),
    (lambda: tg.ones(3).mH, lambda: torch.ones(3).mH, ValueError),
    (lambda: tg.ones(12).as_strided((3, 3), (5, 1)), lambda: torch.ones(12).as_strided((3, 3), (5, 1)), ValueError),
    (lambda: tg.ones(12).as_strided((3, 3), (-1, 1)), lambda: torch.ones(12).as_strided((3, 3), (-1, 1)), ValueError),
    (lambda: tg.ones(12).as_strided((3,), (1,), -1), lambda: torch.ones(12).as_strided((3,), (1,), -1), ValueError),
    (lambda: tg.ones(12).as_strided((3,), (1, 1)), lambda: torch.ones(12).as_strided((3,), (1, 1)), ValueError),
]


@pytest.mark.parametrize("ours, theirs, error", BAD, ids=range(len(BAD)))
def test_bad_calls_raise_torchs_kind_of_error(ours, theirs, error):
    with pytest.raises(Exception):
        theirs()
    with pytest.raises(error):
        ours()
