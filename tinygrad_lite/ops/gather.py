"""Gather and scatter along one axis: torch's gather, scatter and scatter_reduce (and index_select).

Both address the elements of an array `a` through an integer `index` and an axis `dim`: the
element of `index` at position (i0, ..., ik, ..., in) names

    a[i0, ..., index[i0, ..., in], ..., in]          (index[...] replacing the coordinate ik = dim)

so `index` has a's number of axes, and along the other axes it may be shorter than `a`. `gather`
reads those elements (Gather); `scatter` writes (or reduces) one `src` element into each
(Scatter). IndexSelect is the gather of whole slices, read with one `take`. The Tensor methods
(_tensor_index.py) check the arguments and build take, take_along_dim, index_add, index_copy,
index_put, masked_scatter, ... from these.

Repeated positions: a scatter-add must add every one (`a[idx] += v` keeps only one of them).
numpy's `ufunc.at` does this; cupy has `ufunc.at` for add, maximum and minimum (atomic adds
and compares on the GPU) but not for multiply, where `scatter_at` applies the picks in rounds,
each round writing at most one pick per target, so that a plain fancy-index update is exact.
"""
import numpy as np  # dtype facts and error states only; the array math uses ctx.xp

from ..autograd import Function

# scatter_reduce's reductions and the ufunc that folds one src element into its target
_UFUNCS = {"sum": "add", "mean": "add", "prod": "multiply", "amax": "maximum", "amin": "minimum"}


def coordinates(xp, index, axis):
    """The full coordinates `index` names along `axis`: one array per axis of the target, which
    broadcast to index's shape; index itself on `axis`, each other axis its own position."""
    coords = []
    for d, n in enumerate(index.shape):
        if d == axis:
            coords.append(index)
        else:
            coords.append(xp.arange(n).reshape(tuple(-1 if e == d else 1 for e in range(index.ndim))))
    return tuple(coords)


def scatter_at(xp, name, out, coords, values):
    """out[coords] = ufunc(out[coords], values) for every pick, repeated targets included (numpy's
    ufunc.at). `out` must be C-contiguous; `coords` is a tuple of broadcastable int arrays (full
    slices may stand for whole axes where the ufunc has `at`: always for "add")."""
    ufunc = getattr(xp, name)
    if hasattr(ufunc, "at") and (xp.__name__ == "numpy" or name != "multiply"):
        ufunc.at(out, coords, values)
        return
    shape = np.broadcast_shapes(*(c.shape for c in coords), values.shape)
    flat = xp.ravel_multi_index(tuple(xp.broadcast_to(c, shape).reshape(-1) for c in coords), out.shape)
    scatter_in_rounds(xp, ufunc, out.reshape(-1), flat, xp.broadcast_to(values, shape).reshape(-1))


def scatter_in_rounds(xp, ufunc, flat_out, positions, values):
    """flat_out[p] = ufunc(flat_out[p], v) for each pair, repeats included, with no ufunc.at: the
    k-th pick of each position is applied in round k, so no round names a position twice."""
    order = xp.argsort(positions)
    ordered = positions[order]
    rank = xp.arange(ordered.size) - xp.searchsorted(ordered, ordered, side="left")  # k among equal positions
    for k in range(int(rank.max()) + 1 if rank.size else 0):
        picks = order[rank == k]
        targets = positions[picks]
        flat_out[targets] = ufunc(flat_out[targets], values[picks])


def _identity(xp, reduce, dtype):
    """The value a target starts from when its own value is left out (include_self=False)."""
    if reduce in ("sum", "mean"):
        return 0
    if reduce == "prod":
        return 1
    if dtype.kind == "f":
        return -float("inf") if reduce == "amax" else float("inf")
    if dtype.kind == "b":
        return reduce == "amin"
    info = np.iinfo(dtype)
    return info.min if reduce == "amax" else info.max


def hit(xp, shape, coords):
    """A bool array of `shape`: True where some pick of `coords` lands."""
    mask = xp.zeros(shape, bool)
    mask[coords] = True
    return mask


def _wide(dtype):
    """The dtype sums are accumulated in: float32 for float16 (rounded once at the end, as torch's)."""
    return np.dtype(np.float32) if dtype == np.float16 else dtype


def reduce_into(xp, x, src, coords, reduce, include_self):
    """scatter_reduce on arrays: each target of `coords` reduced with its picks of src (and itself
    when include_self). "mean" divides by the number of values reduced (floor division for integers).
    float16 is reduced in float32 and rounded once."""
    dtype = x.dtype
    out = x.astype(_wide(dtype), order="C", copy=True)
    src = src.astype(out.dtype, copy=False)
    if not include_self:
        out[coords] = _identity(xp, reduce, x.dtype)
    if reduce == "none":
        out[coords] = src
        return out.astype(dtype, copy=False)
    with np.errstate(over="ignore", invalid="ignore"):  # overflow wraps and inf - inf is nan, as in torch
        scatter_at(xp, _UFUNCS[reduce], out, coords, src)
    if reduce == "mean":
        count = counts(xp, x.shape, coords, include_self)
        out = out / count.astype(out.dtype) if out.dtype.kind == "f" else xp.floor_divide(out, count)
    return out.astype(dtype, copy=False)


def counts(xp, shape, coords, include_self):
    """How many values each target's mean is taken over (at least 1, so untouched targets keep their value)."""
    count = xp.ones(shape, xp.int64) if include_self else xp.zeros(shape, xp.int64)
    scatter_at(xp, "add", count, coords, xp.ones((), xp.int64))
    return xp.maximum(count, 1)


class Gather(Function):
    """out[i] = x[i with its `axis` coordinate replaced by index[i]];  dx = g scatter-added back to the
    positions it was read from (a position read twice gets both gradients).

    `index` (non-negative, in range: the Tensor method checks) is data, not differentiated."""

    array_args = (1,)

    @staticmethod
    def forward(ctx, x, index, axis):
        ctx.shape = x.shape
        if index.size == 0:  # an empty index may be longer than x along other axes: nothing to read
            ctx.coords = None
            return ctx.xp.zeros(index.shape, x.dtype)
        ctx.coords = coordinates(ctx.xp, index, axis)
        return x[ctx.coords]

    @staticmethod
    def backward(ctx, grad):
        dx = ctx.xp.zeros(ctx.shape, _wide(grad.dtype))
        if ctx.coords is not None:
            scatter_at(ctx.xp, "add", dx, ctx.coords, grad.astype(dx.dtype, copy=False))
        return ctx.by_position(dx.astype(grad.dtype, copy=False), None)


class IndexSelect(Function):
    """out = x with axis `axis` replaced by the slices x[..., index[j], ...];  dx = g's slices added back
    to the slices they came from (a slice selected twice gets both). A gather whose index is the same
    along every other axis, read with one `take` instead of full coordinates."""

    array_args = (1,)

    @staticmethod
    def forward(ctx, x, index, axis):
        ctx.shape, ctx.index, ctx.axis = x.shape, index, axis
        return ctx.xp.take(x, index, axis=axis)

    @staticmethod
    def backward(ctx, grad):
        dx = ctx.xp.zeros(ctx.shape, _wide(grad.dtype))
        scatter_at(ctx.xp, "add", dx, (slice(None),) * ctx.axis + (ctx.index,), grad.astype(dx.dtype, copy=False))
        return ctx.by_position(dx.astype(grad.dtype, copy=False), None)


class Scatter(Function):
    """out = x with each target x[c] (c: the coordinates index names along `axis`) replaced by, or
    reduced with, the src elements that name it (src cut to index's shape):

      reduce "none":   out[c] = src             dx = g, 0 at the targets;  dsrc = g[c]
      "sum":           out[c] = x[c] + sum src  dx = g;  dsrc = g[c]
      "mean":          out[c] = (x[c] + sum src) / N   (N values)   dx = g / N;  dsrc = g[c] / N[c]
      "prod":          out[c] = x[c] * prod src dx = g * (the product of the others);  dsrc likewise
      "amax", "amin":  out[c] = max (min) of x[c] and src; the gradient goes to the values equal to
                       the result, split evenly between ties
    With include_self False, x[c] takes no part at a target (and gets no gradient there).
    These are torch's formulas (FunctionsManual's scatter_reduce_backward), zeros in "prod" included.
    """

    array_args = (1, 2)

    @staticmethod
    def forward(ctx, x, src, index, axis, reduce, include_self):
        xp = ctx.xp
        ctx.reduce, ctx.include_self, ctx.src_shape = reduce, include_self, src.shape
        if index.size == 0:
            ctx.coords = None
            return x.copy()
        src_part = src[tuple(slice(0, n) for n in index.shape)] if src.ndim else src
        ctx.coords = coords = coordinates(xp, index, axis)
        out = reduce_into(xp, x, src_part, coords, reduce, include_self)
        if reduce in ("prod", "amax", "amin"):
            ctx.save_for_backward(x, src_part, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        xp, coords, reduce, dtype = ctx.xp, ctx.coords, ctx.reduce, grad.dtype
        if coords is None:
            return ctx.by_position(grad, xp.zeros(ctx.src_shape, dtype) if ctx.needs_grad(1) else None)
        grad = grad.astype(_wide(dtype), copy=False)  # float16: shares and products in float32, rounded once
        targets = hit(xp, grad.shape, coords)
        if reduce in ("none", "sum"):
            dx, dsrc = grad, grad[coords]
        elif reduce == "mean":
            count = counts(xp, grad.shape, coords, ctx.include_self).astype(grad.dtype)
            dx, dsrc = grad / count, (grad / count)[coords]
        elif reduce == "prod":
            dx, dsrc = _prod_backward(ctx, grad)
        else:
            dx, dsrc = _extreme_backward(ctx, grad, targets)
        if reduce == "none" or not ctx.include_self:
            dx = xp.where(targets, xp.zeros((), grad.dtype), dx)
        return ctx.by_position(dx.astype(dtype, copy=False),
                               _to_src_shape(xp, dsrc.astype(dtype, copy=False), ctx.src_shape)
                               if ctx.needs_grad(1) else None)


def _to_src_shape(xp, dsrc, shape):
    """The gradient of src, which may be longer than index along any axis: 0 past index's extent."""
    if dsrc.shape == tuple(shape):
        return dsrc
    full = xp.zeros(shape, dsrc.dtype)
    full[tuple(slice(0, n) for n in dsrc.shape)] = dsrc
    return full


def _prod_backward(ctx, grad):
    """d prod / d one factor = the product of the others, computed without dividing by a zero: self's
    zeros are replaced by 1 and the product redone; a src zero alone at its target likewise."""
    xp, coords, include_self = ctx.xp, ctx.coords, ctx.include_self
    x, src, out = ctx.saved_tensors
    masked_x = xp.where(x == 0, xp.ones((), x.dtype), x)
    dx = grad * reduce_into(xp, masked_x, src, coords, "prod", include_self) / masked_x
    src_zero = src == 0
    zeros_at = xp.zeros(x.shape, xp.int64)
    scatter_at(xp, "add", zeros_at, coords, src_zero.astype(xp.int64))
    single_zero = src_zero & (zeros_at[coords] == 1)
    masked_src = xp.where(single_zero, xp.ones((), src.dtype), src)
    others = reduce_into(xp, x, masked_src, coords, "prod", include_self)
    with np.errstate(invalid="ignore", divide="ignore"):
        dsrc = xp.where(single_zero, (grad * others)[coords],
                        (grad * out)[coords] / xp.where(src_zero, xp.ones((), src.dtype), src))
    return dx, dsrc


def _extreme_backward(ctx, grad, targets):
    """amax/amin: the gradient of a target goes to every value equal to the result, in equal shares."""
    xp, coords = ctx.xp, ctx.coords
    x, src, out = ctx.saved_tensors
    x_wins = x == out
    if not ctx.include_self:
        x_wins = x_wins & ~targets
    src_wins = src == out[coords]
    winners = x_wins.astype(grad.dtype)
    scatter_at(xp, "add", winners, coords, src_wins.astype(grad.dtype))
    share = grad / xp.maximum(winners, 1)
    zero = xp.zeros((), grad.dtype)
    return xp.where(x_wins, share, zero), xp.where(src_wins, share[coords], zero)
