"""torch's free functions for the shape ops (tg.tril, tg.roll, tg.flip, tg.movedim, ...).

Each is the Tensor method of the same name where one exists (see functions.unary_from_method); as in
`functions`, `input` must be a Tensor. The functions of several tensors (meshgrid, hstack,
vstack, dstack, column_stack, broadcast_tensors, atleast_1d/2d/3d) are made of reshape,
expand and cat, and differentiate through them.
"""
import itertools
import math
import warnings

import numpy as np

from . import _tensor as _t
from ._size import Size
from ._validate import _UNSET, _axis_alias, check_alloc, check_choice, check_size
from .functions import _tensor, unary_from_method

__all__ = [
    "tril", "triu", "roll", "flip", "fliplr", "flipud", "rot90", "tile", "repeat_interleave", "broadcast_to",
    "movedim", "moveaxis", "swapaxes", "swapdims", "diag", "diagonal", "diag_embed", "trace", "tensor_split",
    "meshgrid", "broadcast_tensors", "atleast_1d", "atleast_2d", "atleast_3d",
    "hstack", "vstack", "dstack", "column_stack",
    "tril_indices", "triu_indices", "ravel", "diagflat", "hsplit", "vsplit", "dsplit", "row_stack", "concat",
    "concatenate", "block_diag", "cartesian_prod", "split", "chunk", "unbind", "narrow", "unflatten",
    "select", "adjoint", "narrow_copy", "combinations", "vander", "broadcast_shapes", "as_strided",
]


def tril(input, diagonal=0):
    """tg.tril(input, diagonal) is input.tril(diagonal): zeros above diagonal `diagonal` (keeps j - i <= diagonal)."""
    return _tensor("tril", input).tril(diagonal)


def triu(input, diagonal=0):
    """tg.triu(input, diagonal) is input.triu(diagonal): zeros below diagonal `diagonal` (keeps j - i >= diagonal)."""
    return _tensor("triu", input).triu(diagonal)


def roll(input, shifts, dims=None):
    """tg.roll(input, shifts, dims) is input.roll(shifts, dims): out[(j + s) mod n] = x[j] along each dim."""
    return _tensor("roll", input).roll(shifts, dims)


def flip(input, dims):
    """tg.flip(input, dims) is input.flip(dims): out[..., j, ...] = x[..., n - 1 - j, ...] along each dim."""
    return _tensor("flip", input).flip(dims)


fliplr = unary_from_method("fliplr", __name__)
flipud = unary_from_method("flipud", __name__)


def rot90(input, k=1, dims=(0, 1)):
    """tg.rot90(input, k, dims) is input.rot90(k, dims): k quarter turns from dims[0] towards dims[1]."""
    return _tensor("rot90", input).rot90(k, dims)


def tile(input, dims):
    """tg.tile(input, dims) is input.tile(dims): input tiled dims[i] times along axis i (padded with 1s in front)."""
    return _tensor("tile", input).tile(dims)


def repeat_interleave(input, repeats=None, dim=_UNSET, *, output_size=None, axis=_UNSET):
    """tg.repeat_interleave(input, repeats, dim) is input.repeat_interleave(repeats, dim): each element
    repeated r_i times along dim (over the flattened input when dim is None). With repeats omitted,
    input is the 1-d int tensor of counts and the result is [0] * r_0 + [1] * r_1 + ... (int64)."""
    op = "repeat_interleave"
    _tensor(op, input)
    if repeats is None:
        if input.ndim != 1 or input.dtype.kind not in "iu":
            raise TypeError(f"{op}: with repeats omitted, input must be a 1-d int64 tensor of counts, "
                            f"got {input.dtype} of shape {input.shape}")
        if dim is not _UNSET or axis is not _UNSET:
            raise TypeError(f"{op}: dim (or axis) needs repeats")
        positions = _t.Tensor.arange(input.shape[0], dtype=_t.dtypes.int64, device=input.device)
        return positions.repeat_interleave(input.astype(_t.dtypes.int64), 0, output_size=output_size)
    return input.repeat_interleave(repeats, dim, output_size=output_size, axis=axis)


def broadcast_to(input, size):
    """tg.broadcast_to(input, size) is input.broadcast_to(size): input expanded to `size`, a view."""
    return _tensor("broadcast_to", input).broadcast_to(size)


def movedim(input, source, destination):
    """tg.movedim(input, source, destination) is input.movedim(source, destination): axes moved, a view."""
    return _tensor("movedim", input).movedim(source, destination)


def moveaxis(input, source, destination):
    """tg.moveaxis(input, source, destination) is input.moveaxis(source, destination): axes moved, a view."""
    return _tensor("moveaxis", input).moveaxis(source, destination)


def swapaxes(input, dim0=_UNSET, dim1=_UNSET, *, axis0=_UNSET, axis1=_UNSET):
    """tg.swapaxes(input, dim0, dim1) is input.swapaxes(dim0, dim1): the two axes exchanged, a view."""
    return _tensor("swapaxes", input).swapaxes(dim0, dim1, axis0=axis0, axis1=axis1)


def swapdims(input, dim0=_UNSET, dim1=_UNSET, *, axis0=_UNSET, axis1=_UNSET):
    """tg.swapdims(input, dim0, dim1) is input.swapdims(dim0, dim1): the two axes exchanged, a view."""
    return _tensor("swapdims", input).swapdims(dim0, dim1, axis0=axis0, axis1=axis1)


def diag(input, diagonal=0):
    """tg.diag(input, diagonal) is input.diag(diagonal): 1-d -> the matrix with input on that diagonal,
    2-d -> that diagonal of input."""
    return _tensor("diag", input).diag(diagonal)


def diagonal(input, offset=0, dim1=_UNSET, dim2=_UNSET, *, axis1=_UNSET, axis2=_UNSET):
    """tg.diagonal(input, offset, dim1, dim2) is input.diagonal(offset, dim1, dim2): out[..., i] =
    input[..., i + max(-offset, 0), ..., i + max(offset, 0), ...], a view."""
    return _tensor("diagonal", input).diagonal(offset, dim1, dim2, axis1=axis1, axis2=axis2)


def diag_embed(input, offset=0, dim1=_UNSET, dim2=_UNSET, *, axis1=_UNSET, axis2=_UNSET):
    """tg.diag_embed(input, offset, dim1, dim2) is input.diag_embed(offset, dim1, dim2): input's last axis
    laid on diagonal `offset` of new axes (dim1, dim2)."""
    return _tensor("diag_embed", input).diag_embed(offset, dim1, dim2, axis1=axis1, axis2=axis2)


trace = unary_from_method("trace", __name__)


def tensor_split(input, indices_or_sections, dim=_UNSET, *, axis=_UNSET):
    """tg.tensor_split(input, indices_or_sections, dim) is input.tensor_split(indices_or_sections, dim)."""
    return _tensor("tensor_split", input).tensor_split(indices_or_sections, dim, axis=axis)


# ---- functions of several tensors ----------------------------------------------------------
def _tensors(op, tensors, allow_empty=False, unpack=True):
    """The tensors of a varargs call f(a, b) (or f([a, b]) when `unpack`), as a list; all Tensors on one device."""
    if unpack and len(tensors) == 1 and isinstance(tensors[0], (tuple, list)):
        tensors = tensors[0]
    tensors = list(tensors)
    for t in tensors:
        if not isinstance(t, _t.Tensor):
            raise TypeError(f"{op}: expected Tensors, got {type(t).__name__}")
    if not tensors and not allow_empty:
        raise ValueError(f"{op}: expects at least one tensor")
    if tensors:
        _t.autograd.check_same_device(tensors, op)
    return tensors


def meshgrid(*tensors, indexing=None):
    """Coordinate grids from 1-d tensors t_0 ... t_{k-1}: out_i[j_0, ..., j_{k-1}] = t_i[j_i], each of
    shape (n_0, ..., n_{k-1}) ('ij'); with indexing='xy' the first two axes are swapped (n_1, n_0, ...),
    as numpy's default. Each output is an expanded view of its input. indexing=None means 'ij' and
    warns, as torch."""
    op = "meshgrid"
    if indexing is None:
        warnings.warn("meshgrid: in an upcoming release, it will be required to pass the indexing argument "
                      "(as in torch); indexing='ij' is used", UserWarning, stacklevel=2)
        indexing = "ij"
    indexing = check_choice(indexing, "indexing", op, ("ij", "xy"))
    tensors = _tensors(op, tensors)
    for t in tensors:
        if t.ndim > 1:
            raise ValueError(f"{op}: expects 0-d or 1-d tensors, got shape {t.shape}")
        if t.dtype != tensors[0].dtype:
            raise TypeError(f"{op}: expects all tensors to have the same dtype, got {tensors[0].dtype} and {t.dtype}")
    columns = [t.reshape(-1) for t in tensors]
    if indexing == "xy" and len(columns) > 1:  # x varies along columns: the first two axes swap
        columns[0], columns[1] = columns[1], columns[0]
    shape = tuple(c.shape[0] for c in columns)
    grids = [c.reshape((1,) * i + (n,) + (1,) * (len(shape) - i - 1)).expand(shape)
             for i, (c, n) in enumerate(zip(columns, shape))]
    if indexing == "xy" and len(grids) > 1:  # each grid back in the place of its input
        grids[0], grids[1] = grids[1], grids[0]
    return tuple(grids)


def broadcast_tensors(*tensors):
    """The tensors expanded to their common broadcast shape (views)."""
    op = "broadcast_tensors"
    tensors = _tensors(op, tensors, allow_empty=True, unpack=False)
    try:
        shape = _t.np.broadcast_shapes(*(t.shape for t in tensors))
    except ValueError:
        raise ValueError(f"{op}: shapes {[t.shape for t in tensors]} do not broadcast together") from None
    return tuple(t.expand(shape) for t in tensors)


def _atleast_one(t, ndim):
    """t with size-1 axes added as numpy's atleast_kd: () -> (1, 1, 1); (n,) -> (1, n) -> (1, n, 1);
    (m, n) -> (m, n, 1); tensors with ndim axes or more as they are."""
    if t.ndim >= ndim:
        return t
    if t.ndim == 0:
        return t.reshape((1,) * ndim)
    if t.ndim == 1:
        return t.reshape((1, -1) + (1,) * (ndim - 2))
    return t.reshape(t.shape + (1,))


def _atleast(op, ndim, tensors):
    """One tensor given alone comes back alone; several, or a list, come back as a tuple (as torch)."""
    alone = len(tensors) == 1 and isinstance(tensors[0], _t.Tensor)
    out = tuple(_atleast_one(t, ndim) for t in _tensors(op, tensors, allow_empty=True))
    return out[0] if alone else out


def atleast_1d(*tensors):
    """Each tensor with at least 1 axis: a 0-d tensor becomes shape (1,); others are returned as they are."""
    return _atleast("atleast_1d", 1, tensors)


def atleast_2d(*tensors):
    """Each tensor with at least 2 axes: () -> (1, 1), (n,) -> (1, n); others as they are."""
    return _atleast("atleast_2d", 2, tensors)


def atleast_3d(*tensors):
    """Each tensor with at least 3 axes: () -> (1, 1, 1), (n,) -> (1, n, 1), (m, n) -> (m, n, 1)."""
    return _atleast("atleast_3d", 3, tensors)


def _stack_along(op, tensors, ndim, dim):
    if not isinstance(tensors, (tuple, list)):
        raise TypeError(f"{op}: expects a list or tuple of tensors, got {type(tensors).__name__}")
    pieces = [_atleast_one(t, ndim) for t in _tensors(op, tuple(tensors))]
    return _cat(op, pieces, dim if dim is not None else (0 if pieces[0].ndim == 1 else 1))


def _cat(op, pieces, dim):
    """cat, its refusal of shapes that do not fit told as `op`'s."""
    try:
        return _t.Tensor.cat(pieces, dim)
    except ValueError as error:
        raise ValueError(f"{op}: {error}") from None


def hstack(tensors):
    """The tensors (as atleast_1d) joined along axis 1, or along axis 0 when they are 1-d: cat side by side."""
    return _stack_along("hstack", tensors, 1, None)


def vstack(tensors):
    """The tensors (as atleast_2d: (n,) -> (1, n)) joined along axis 0: rows on top of each other."""
    return _stack_along("vstack", tensors, 2, 0)


def dstack(tensors):
    """The tensors (as atleast_3d) joined along axis 2: depth-wise."""
    return _stack_along("dstack", tensors, 3, 2)


def column_stack(tensors):
    """The tensors joined along axis 1, each 0-d or 1-d one first made a column (n,) -> (n, 1)."""
    op = "column_stack"
    if not isinstance(tensors, (tuple, list)):
        raise TypeError(f"{op}: expects a list or tuple of tensors, got {type(tensors).__name__}")
    columns = [t.reshape(-1, 1) if t.ndim <= 1 else t for t in _tensors(op, tuple(tensors))]
    return _cat(op, columns, 1)


def row_stack(tensors):
    """vstack under its other name: the tensors (as atleast_2d) joined along axis 0."""
    return _stack_along("row_stack", tensors, 2, 0)


def _cat_as(op, tensors, dim):
    """Tensor.cat, its errors told as `op`'s."""
    try:
        return _t.Tensor.cat(tensors, dim)
    except (TypeError, ValueError, IndexError) as error:
        raise type(error)(f"{op}: {error}") from None


def concat(tensors, dim=_UNSET, *, axis=_UNSET):
    """cat under its other name: the tensors joined along an existing axis `dim`."""
    return _cat_as("concat", tensors, _axis_alias("concat", dim, axis, 0))


def concatenate(tensors, axis=_UNSET, *, dim=_UNSET):
    """cat under numpy's name (axis first, as torch's concatenate): the tensors joined along `axis`."""
    return _cat_as("concatenate", tensors, _axis_alias("concatenate", dim, axis, 0))


ravel = unary_from_method("ravel", __name__)


def diagflat(input, offset=0):
    """tg.diagflat(input, offset) is input.diagflat(offset): input flattened onto diagonal `offset` of a square matrix."""
    return _tensor("diagflat", input).diagflat(offset)


def hsplit(input, indices_or_sections):
    """tg.hsplit(input, s) is input.hsplit(s): tensor_split along axis 1 (axis 0 of a 1-d input)."""
    return _tensor("hsplit", input).hsplit(indices_or_sections)


def vsplit(input, indices_or_sections):
    """tg.vsplit(input, s) is input.vsplit(s): tensor_split along axis 0 of an input of at least 2 axes."""
    return _tensor("vsplit", input).vsplit(indices_or_sections)


def dsplit(input, indices_or_sections):
    """tg.dsplit(input, s) is input.dsplit(s): tensor_split along axis 2 of an input of at least 3 axes."""
    return _tensor("dsplit", input).dsplit(indices_or_sections)


def split(tensor, split_size_or_sections, dim=_UNSET, *, axis=_UNSET):
    """tg.split(tensor, s, dim) is tensor.split(s, dim): pieces of s elements along dim (the last may be
    smaller), or of the sizes in the list s."""
    return _tensor("split", tensor, "tensor").split(split_size_or_sections, dim, axis=axis)


def chunk(input, chunks, dim=_UNSET, *, axis=_UNSET):
    """tg.chunk(input, chunks, dim) is input.chunk(chunks, dim): up to `chunks` pieces of ceil(n / chunks)."""
    return _tensor("chunk", input).chunk(chunks, dim, axis=axis)


def unbind(input, dim=_UNSET, *, axis=_UNSET):
    """tg.unbind(input, dim) is input.unbind(dim): the slices along dim, each without that axis."""
    return _tensor("unbind", input).unbind(dim, axis=axis)


def narrow(input, dim=_UNSET, start=None, length=None, *, axis=_UNSET):
    """tg.narrow(input, dim, start, length) is input.narrow(dim, start, length): input[..., start:start + length, ...]."""
    return _tensor("narrow", input).narrow(dim, start, length, axis=axis)


def unflatten(input, dim=_UNSET, sizes=None, *, axis=_UNSET):
    """tg.unflatten(input, dim, sizes) is input.unflatten(dim, sizes): axis dim split into axes of `sizes`."""
    return _tensor("unflatten", input).unflatten(dim, sizes, axis=axis)


def block_diag(*tensors):
    """The tensors (0-d as (1, 1), 1-d (n,) as (1, n), 2-d as they are) as blocks along the diagonal of
    one matrix of zeros: block k at rows r_0 + ... + r_{k-1} and columns c_0 + ... + c_{k-1}.
    The dtype is the tensors' promoted dtype; no tensors give a (1, 0) matrix, as torch."""
    op = "block_diag"
    tensors = _tensors(op, tensors, allow_empty=True, unpack=False)
    if not tensors:
        return _t.Tensor.zeros(1, 0)
    for i, t in enumerate(tensors):
        if t.ndim > 2:
            raise ValueError(f"{op}: input tensors must have 2 or fewer dimensions; input {i} has shape {t.shape}")
    dtype = _t.dtypes.result_type(*((t.dtype, _t.dtypes.rank(t)) for t in tensors))  # 0-d ones count less
    blocks = [_atleast_one(t, 2) for t in tensors]
    cols = sum(b.shape[1] for b in blocks)
    check_alloc((sum(b.shape[0] for b in blocks), cols), dtype, op)
    rows, before = [], 0
    for b in blocks:  # each block between zeros to its left and right, the rows then stacked
        rows_of_b, width = b.shape
        left = _t.Tensor.zeros(rows_of_b, before, dtype=dtype, device=b.device)
        right = _t.Tensor.zeros(rows_of_b, cols - before - width, dtype=dtype, device=b.device)
        rows.append(_t.Tensor.cat([left, b.astype(dtype), right], 1))
        before += width
    return _t.Tensor.cat(rows, 0)


def cartesian_prod(*tensors):
    """Every combination of one element from each 1-d tensor, in row-major order: row (j_0, ..., j_{k-1})
    of the (n_0 * ... * n_{k-1}, k) result is (t_0[j_0], ..., t_{k-1}[j_{k-1}]). One tensor is returned as it is."""
    op = "cartesian_prod"
    tensors = _tensors(op, tensors, unpack=False)
    for t in tensors:
        if t.ndim != 1:
            raise ValueError(f"{op}: expects 1-d tensors, got shape {t.shape}")
    if len(tensors) == 1:
        return tensors[0]
    check_alloc((int(np.prod([t.shape[0] for t in tensors])), len(tensors)), tensors[0].dtype, op)
    grids = meshgrid(*tensors, indexing="ij")
    return _t.Tensor.stack([g.reshape(-1) for g in grids], 1)


def _triangle_indices(op, row, col, offset, dtype, device, lower):
    row, col = check_size(row, "row", op), check_size(col, "col", op)
    offset = check_size(offset, "offset", op, low=-(2 ** 62))
    dtype = _t.dtypes.int64 if dtype is None else _t.dtypes.check(dtype, op)
    if dtype.kind not in "iu":
        raise TypeError(f"{op}: dtype must be an integer dtype, not {dtype}")
    backend = _t.get_backend(device, op)
    check_alloc((2, row, col), dtype, op)
    rows, cols = (np.tril_indices if lower else np.triu_indices)(row, offset, col)
    return _t._fresh(np.stack([rows, cols]).astype(dtype), backend, False)


def tril_indices(row, col, offset=0, *, dtype=None, device="cpu"):
    """The (2, N) indices (i, j) of the lower triangle of a row x col matrix, j - i <= offset, in
    row-major order (int64 unless dtype says otherwise)."""
    return _triangle_indices("tril_indices", row, col, offset, dtype, device, True)


def triu_indices(row, col, offset=0, *, dtype=None, device="cpu"):
    """The (2, N) indices (i, j) of the upper triangle of a row x col matrix, j - i >= offset, in
    row-major order (int64 unless dtype says otherwise)."""
    return _triangle_indices("triu_indices", row, col, offset, dtype, device, False)


def select(input, dim=_UNSET, index=None, *, axis=_UNSET):
    """tg.select(input, dim, index) is input.select(dim, index): the slice at `index` of axis dim, a view."""
    return _tensor("select", input).select(dim, index, axis=axis)


adjoint = unary_from_method("adjoint", __name__)


def narrow_copy(input, dim=_UNSET, start=None, length=None, *, axis=_UNSET):
    """tg.narrow_copy(input, dim, start, length) is input.narrow_copy(dim, start, length): a narrowed copy."""
    return _tensor("narrow_copy", input).narrow_copy(dim, start, length, axis=axis)


def combinations(input, r=2, with_replacement=False):
    """The r-element combinations of the elements of a 1-d tensor, in lexicographic order of positions,
    as rows of a (C, r) tensor: (x[i_1], ..., x[i_r]) for i_1 < ... < i_r (<= with replacement).
    r = 0 gives an empty 1-d tensor outside the graph, as torch. The gradient of x[i] sums over the rows that hold it."""
    op = "combinations"
    _tensor(op, input)
    r = check_size(r, "r", op)
    if not isinstance(with_replacement, (bool, np.bool_)):
        raise TypeError(f"{op}: with_replacement must be True or False, not {with_replacement!r}")
    if input.ndim != 1:
        raise ValueError(f"{op}: expects a 1-d tensor, got shape {input.shape}")
    if r == 0:  # torch's answer is a new empty tensor, outside the graph
        return _t.Tensor.zeros(0, dtype=input.dtype, device=input.device)
    n = input.shape[0]
    check_alloc((max(n, 1), r), np.int64, op)  # as torch's, whose r-fold grid of positions would not fit
    count = math.comb(n + r - 1, r) if with_replacement else math.comb(n, r)
    check_alloc((count, r), input.dtype, op)
    choose = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    positions = np.fromiter(itertools.chain.from_iterable(choose(range(n), r)), np.int64, count * r)
    return input[positions.reshape(count, r)]


def vander(x, N=None, increasing=False):
    """The Vandermonde matrix of a 1-d tensor: out[i, j] = x[i]^(N - 1 - j), or x[i]^j when increasing;
    N columns (len(x) by default). Integer and bool inputs give int64, as torch. Built column by column,
    x^(j+1) = x^j * x, so its gradient is the product rule's: no 0^-1 at x = 0."""
    op = "vander"
    _tensor(op, x, "x")
    if x.ndim != 1:
        raise ValueError(f"{op}: x must be a one-dimensional tensor, got shape {x.shape}")
    N = x.shape[0] if N is None else check_size(N, "N", op)
    if not isinstance(increasing, (bool, np.bool_)):
        raise TypeError(f"{op}: increasing must be True or False, not {increasing!r}")
    check_alloc((x.shape[0], N), x.dtype, op)
    column = x.reshape(-1, 1) if x.dtype.kind == "f" else x.reshape(-1, 1).astype(_t.dtypes.int64)
    if N == 0:
        return column[:, :0]
    powers = [_t.Tensor.ones_like(column)]
    for _ in range(N - 1):
        powers.append(powers[-1] * column)
    out = _t.Tensor.cat(powers, 1)
    return out if increasing else out.flip(1)


def broadcast_shapes(*shapes):
    """The shape that tensors of `shapes` (each a tuple of sizes, or one int) broadcast to, as a tg.Size:
    aligned from the right, each axis is the one size other than 1 among them (1 when all are 1)."""
    op = "broadcast_shapes"
    clean = []
    for shape in shapes:
        shape = (shape,) if isinstance(shape, (int, np.integer)) and not isinstance(shape, bool) else shape
        if not isinstance(shape, (tuple, list)):
            raise TypeError(f"{op}: each shape must be a tuple of ints or an int, not {shape!r}")
        shape = _t._shape_arg((tuple(shape),), op)
        if any(n < 0 for n in shape):
            raise ValueError(f"{op}: shape {shape} has a negative size")
        clean.append(shape)
    try:
        return Size(np.broadcast_shapes(*clean))
    except ValueError:
        raise ValueError(f"{op}: shapes {clean} do not broadcast together") from None


def as_strided(input, size, stride, storage_offset=None):
    """tg.as_strided(input, size, stride, storage_offset) is input.as_strided(size, stride, storage_offset):
    out[i_0, ...] = storage[storage_offset + sum_j i_j * stride[j]], a view of input's memory."""
    return _tensor("as_strided", input).as_strided(size, stride, storage_offset)
