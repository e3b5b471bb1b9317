"""Shape ops: triangles, rolls, flips, tilings, repeats, diagonals and sliding windows.

Each moves or copies elements without arithmetic, so each backward sends every element of
the gradient back to the element of x it came from, adding where one element of x was
copied to several places of the output (a tile, a repeat, overlapping windows) and giving
zero to the elements of x the output left out (the other triangle, the off-diagonal).
"""
import numpy as np

from ..autograd import Function


def _accumulator(dtype):
    """The dtype gradients are summed in: float32 for float16 (2048 + 1 is 2048 in float16), else dtype."""
    return np.float32 if dtype == np.float16 else dtype


class Triangle(Function):
    """out = x with the elements above (tril) or below (triu) diagonal `k` of the last two axes
    set to zero:  tril keeps x[..., i, j] where j - i <= k, triu where j - i >= k.
    dx = g masked by the same triangle (the zeroed elements did not reach the output)."""

    @staticmethod
    def forward(ctx, x, diagonal, upper):
        ctx.diagonal, ctx.keep = diagonal, ctx.xp.triu if upper else ctx.xp.tril
        return ctx.keep(x, diagonal)

    @staticmethod
    def backward(ctx, grad):
        return ctx.keep(grad, ctx.diagonal)


class Roll(Function):
    """out = x shifted cyclically by `shifts[i]` along `axes[i]` (axes None: over the flattened
    elements):  out[(j + s) mod n] = x[j];  dx = g rolled back by -shifts."""

    @staticmethod
    def forward(ctx, x, shifts, axes):
        ctx.shifts, ctx.axes = shifts, axes
        return ctx.xp.roll(x, shifts, axes)

    @staticmethod
    def backward(ctx, grad):
        back = -ctx.shifts if isinstance(ctx.shifts, int) else tuple(-s for s in ctx.shifts)
        return ctx.xp.roll(grad, back, ctx.axes)


class Flip(Function):
    """out = x reversed along `axes`, in fresh memory (as torch's flip):  out[j] = x[n - 1 - j];
    dx = g reversed along the same axes (reversing is its own inverse)."""

    @staticmethod
    def forward(ctx, x, axes):
        ctx.axes = axes
        return ctx.xp.flip(x, axes).copy()

    @staticmethod
    def backward(ctx, grad):
        return ctx.xp.flip(grad, ctx.axes)


class Tile(Function):
    """out = x tiled `reps[i]` times along axis i (x first given leading size-1 axes up to
    len(reps)):  out[..., r * n + j, ...] = x[..., j, ...].
    dx = g viewed as (r0, n0, r1, n1, ...) and summed over the copies r0, r1, ..."""

    @staticmethod
    def forward(ctx, x, reps):
        ctx.shape, ctx.reps = x.shape, reps
        return ctx.xp.tile(x.reshape((1,) * (len(reps) - x.ndim) + x.shape), reps)

    @staticmethod
    def backward(ctx, grad):
        padded = (1,) * (len(ctx.reps) - len(ctx.shape)) + ctx.shape
        split = tuple(n for pair in zip(ctx.reps, padded) for n in pair)
        copies = tuple(range(0, 2 * len(padded), 2))
        total = grad.reshape(split).sum(axis=copies, dtype=_accumulator(grad.dtype))
        return total.reshape(ctx.shape).astype(grad.dtype, copy=False)


class RepeatEach(Function):
    """out = each element of x repeated r times along `axis`: out[..., i * r + c, ...] = x[..., i, ...]
    for c < r.  dx = g viewed as (..., n, r, ...) and summed over the r copies."""

    @staticmethod
    def forward(ctx, x, repeats, axis):
        ctx.shape, ctx.repeats, ctx.axis = x.shape, repeats, axis
        return ctx.xp.repeat(x, repeats, axis=axis)

    @staticmethod
    def backward(ctx, grad):
        axis = ctx.axis
        copies = grad.reshape(ctx.shape[:axis + 1] + (ctx.repeats,) + ctx.shape[axis + 1:])
        return copies.sum(axis=axis + 1, dtype=_accumulator(grad.dtype)).astype(grad.dtype, copy=False)


class Take(Function):
    """out = x picked along `axis` at the positions `index` (a 1-d int array, in order, any
    position any number of times): out[..., i, ...] = x[..., index[i], ...].
    dx = zeros with g added at each position it was picked from (repeat_interleave's copies sum)."""

    @staticmethod
    def forward(ctx, x, index, axis):
        ctx.shape, ctx.index, ctx.axis = x.shape, index, axis
        return ctx.xp.take(x, index, axis=axis)

    @staticmethod
    def backward(ctx, grad):
        xp = ctx.xp
        dx = xp.zeros(ctx.shape, _accumulator(grad.dtype))
        xp.add.at(xp.moveaxis(dx, ctx.axis, 0), ctx.index, xp.moveaxis(grad, ctx.axis, 0))
        return dx.astype(grad.dtype, copy=False)


def _diagonal_indices(xp, n, offset):
    """(rows, cols) of the n elements of diagonal `offset` of a matrix: cols - rows = offset."""
    steps = xp.arange(n)
    return steps + max(-offset, 0), steps + max(offset, 0)


class Diagonal(Function):
    """out[..., i] = x[..., i + max(-k, 0), ..., i + max(k, 0), ...]: diagonal k of the matrices
    on axes (axis1, axis2), moved to the last axis; a view of x's memory, as torch's.
    dx = zeros with g written back onto that diagonal."""

    returns_view = True

    @staticmethod
    def forward(ctx, x, offset, axis1, axis2):
        ctx.shape, ctx.offset, ctx.axes = x.shape, offset, (axis1, axis2)
        xp = ctx.xp
        out = xp.diagonal(x, offset, axis1, axis2)
        if getattr(out.flags, "writeable", True):
            return out
        # numpy's diagonal is read-only; torch's is a view that writes through: the same
        # strides over the same memory, starting at the diagonal's first element
        start = [slice(None)] * x.ndim
        start[axis1], start[axis2] = slice(max(-offset, 0), None), slice(max(offset, 0), None)
        return xp.lib.stride_tricks.as_strided(x[tuple(start)], out.shape, out.strides)

    @staticmethod
    def backward(ctx, grad):
        xp = ctx.xp
        dx = xp.zeros(ctx.shape, grad.dtype)
        rows, cols = _diagonal_indices(xp, grad.shape[-1], ctx.offset)
        xp.moveaxis(dx, ctx.axes, (-2, -1))[..., rows, cols] = grad
        return dx


class DiagEmbed(Function):
    """out[..., i + max(-k, 0), i + max(k, 0)] = x[..., i] in (..., n + |k|, n + |k|) zeros:
    x's last axis laid on diagonal k of new last two axes.  dx = that diagonal of g."""

    @staticmethod
    def forward(ctx, x, offset):
        xp = ctx.xp
        n = x.shape[-1]
        size = n + abs(offset)
        out = xp.zeros(x.shape[:-1] + (size, size), x.dtype)
        ctx.rows, ctx.cols = _diagonal_indices(xp, n, offset)
        out[..., ctx.rows, ctx.cols] = x
        return out

    @staticmethod
    def backward(ctx, grad):
        return grad[..., ctx.rows, ctx.cols]


class Unfold(Function):
    """out[..., w, ..., j] = x[..., w * step + j, ...]: the windows of `size` elements along
    `axis`, `step` apart, as a new last axis; a view of x's memory, as torch's.
    dx[..., m, ...] = the sum of g over every (w, j) with w * step + j = m (windows may overlap)."""

    returns_view = True

    @staticmethod
    def forward(ctx, x, axis, size, step):
        ctx.shape, ctx.axis, ctx.size, ctx.step = x.shape, axis, size, step
        count = (x.shape[axis] - size) // step + 1
        shape = x.shape[:axis] + (count,) + x.shape[axis + 1:] + (size,)
        strides = x.strides[:axis] + (x.strides[axis] * step,) + x.strides[axis + 1:] + (x.strides[axis],)
        return ctx.xp.lib.stride_tricks.as_strided(x, shape, strides)

    @staticmethod
    def backward(ctx, grad):
        dx = ctx.xp.zeros(ctx.shape, _accumulator(grad.dtype))
        count, lead = grad.shape[ctx.axis], (slice(None),) * ctx.axis
        for j in range(ctx.size):  # element j of every window: distinct positions, so += is exact
            dx[lead + (slice(j, j + ctx.step * (count - 1) + 1, ctx.step),)] += grad[..., j]
        return dx.astype(grad.dtype, copy=False)


def storage_of(xp, x):
    """(the array owning x's memory, viewed flat in memory order; x's offset in it, in elements).

    The engine's "storage" of a tensor, as torch's: the block of memory its array is a view of."""
    owner = x
    while isinstance(getattr(owner, "base", None), type(x)):
        owner = owner.base
    # the owner of memory is dense: its axes put in memory order (largest stride first) make it
    # row-major, and then a flat view of it walks its memory from the start
    in_memory_order = sorted(range(owner.ndim), key=lambda axis: -owner.strides[axis])
    flat = owner.transpose(in_memory_order).reshape(-1)
    return flat, (_address(x) - _address(flat)) // x.itemsize


def _address(array):
    interface = getattr(array, "__array_interface__", None)
    return interface["data"][0] if interface is not None else array.data.ptr  # numpy; cupy


def storage_positions(xp, shape, strides, offset):
    """The storage position offset + sum_k i_k * strides[k] of each element (i_0, ...) of a view of `shape`."""
    positions = xp.full(shape, offset, dtype=xp.int64)
    for axis, (n, stride) in enumerate(zip(shape, strides)):
        positions = positions + (xp.arange(n, dtype=xp.int64) * stride).reshape((n,) + (1,) * (len(shape) - axis - 1))
    return positions


class AsStrided(Function):
    """out[i_0, ..., i_k] = storage[offset + sum_j i_j * stride_j]: a view of the memory x's array lives in
    (see storage_of), with strides counted in elements, as torch's as_strided.
    dstorage = zeros with g added at each position out read (a position read twice gets both);
    dx = dstorage at the positions of x's own elements."""

    returns_view = True

    @staticmethod
    def forward(ctx, x, size, stride, offset):
        xp = ctx.xp
        flat, own = storage_of(xp, x)
        ctx.size, ctx.stride, ctx.offset, ctx.storage = size, stride, offset, flat.size
        ctx.positions_of_x = storage_positions(xp, x.shape, tuple(s // x.itemsize for s in x.strides), own)
        start = flat[offset:] if offset < flat.size else flat[flat.size:]
        return xp.lib.stride_tricks.as_strided(start, size, tuple(s * x.itemsize for s in stride))

    @staticmethod
    def backward(ctx, grad):
        xp = ctx.xp
        dstorage = xp.zeros(ctx.storage, _accumulator(grad.dtype))
        xp.add.at(dstorage, storage_positions(xp, ctx.size, ctx.stride, ctx.offset).reshape(-1), grad.reshape(-1))
        return dstorage[ctx.positions_of_x].astype(grad.dtype, copy=False)
