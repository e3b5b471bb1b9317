"""Reductions: sum, mean, max/min (and amax/amin), the values max(dim)/min(dim) pick, var, logsumexp.

Each takes `axes` (a tuple of non-negative axes, or None for all) and `keepdim`.
A reduction's backward broadcasts the gradient back over the reduced axes, so it
first re-inserts them as size-1 axes (`_expand_back`).
"""
import numpy as np

from ..autograd import Function


def _accumulator(dtype):
    """float16 sums accumulate in float32: 2048 + 1 is 2048 in float16."""
    return np.float32 if dtype == np.float16 else None


def _expand_back(grad, shape, axes, keepdim):
    """Give `grad` size-1 axes where the input was reduced, ready to broadcast against it."""
    if keepdim or grad.ndim == len(shape):
        return grad
    axes = range(len(shape)) if axes is None else axes
    return np.expand_dims(grad, tuple(axes))


def _count(shape, axes):
    return int(np.prod([shape[a] for a in (range(len(shape)) if axes is None else axes)]))


class Sum(Function):
    """out = sum_{reduced} x;  dx = g broadcast back over the reduced axes."""

    @staticmethod
    def forward(ctx, x, axes, keepdim):
        ctx.shape, ctx.axes, ctx.keepdim = x.shape, axes, keepdim
        return ctx.xp.asarray(x.sum(axis=axes, keepdims=keepdim, dtype=_accumulator(x.dtype))).astype(
            x.dtype if x.dtype.kind == "f" else np.int64, copy=False)

    @staticmethod
    def backward(ctx, grad):
        return np.broadcast_to(_expand_back(grad, ctx.shape, ctx.axes, ctx.keepdim), ctx.shape)


class Mean(Function):
    """out = (1/N) sum_{reduced} x;  dx = g / N broadcast back.

    float16 sums and divides in float32: N past 65,504 is infinite in float16, and g / inf = 0.
    """

    @staticmethod
    def forward(ctx, x, axes, keepdim):
        ctx.shape, ctx.axes, ctx.keepdim = x.shape, axes, keepdim
        return ctx.xp.asarray(x.mean(axis=axes, keepdims=keepdim, dtype=_accumulator(x.dtype))).astype(
            x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        scaled = _expand_back(grad, ctx.shape, ctx.axes, ctx.keepdim).astype(_accumulator(grad.dtype) or grad.dtype,
                                                                                 copy=False)
        scaled = (scaled / _count(ctx.shape, ctx.axes)).astype(grad.dtype, copy=False)
        return np.broadcast_to(scaled, ctx.shape)


class Max(Function):
    """out = max_{reduced} x (or min);  dx = g / (number of ties) at every position equal to out.

    Splitting evenly between ties is what torch.amax does, and it keeps
    sum(dx) = g however many elements share the maximum. NaN wins: a slice holding NaN
    gives NaN, and its gradient is split between the NaN positions, as torch's max() does.
    Positions that did not win get exactly 0, even when g is NaN or inf (a selection, as in
    torch's max(), not a product with a 0/1 mask, which would turn g = NaN into NaN everywhere).
    """

    @staticmethod
    def forward(ctx, x, axes, keepdim, smallest=False):
        out = (x.min if smallest else x.max)(axis=axes, keepdims=True)
        ctx.save_for_backward(x, out)
        ctx.axes, ctx.keepdim = axes, keepdim
        return out if keepdim else np.squeeze(out, axis=axes)

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        winners = (x == out) | (np.isnan(x) & np.isnan(out))
        share = winners / winners.sum(axis=ctx.axes, keepdims=True)
        with np.errstate(invalid="ignore"):  # inf * 0 where a position lost; the where below drops it
            spread = _expand_back(grad, x.shape, ctx.axes, ctx.keepdim) * share
        return np.where(winners, spread, 0).astype(grad.dtype)


class PickAlong(Function):
    """out = x at the positions `indices` names along `axis` (those max(dim)/min(dim) chose);
    dx = g at those positions, 0 elsewhere.

    `indices` has x's shape with `axis` of size 1 (numpy's take_along_axis); it is data, not
    differentiated. Unlike amax, all of g goes to the one chosen position, as in torch's max(dim).
    """

    array_args = (1,)

    @staticmethod
    def forward(ctx, x, indices, axis, keepdim):
        ctx.shape, ctx.indices, ctx.axis, ctx.keepdim = x.shape, indices, axis, keepdim
        out = ctx.xp.take_along_axis(x, indices, axis=axis)
        return out if keepdim else ctx.xp.squeeze(out, axis=axis)

    @staticmethod
    def backward(ctx, grad):
        xp, n = ctx.xp, len(ctx.shape)
        g = grad if ctx.keepdim else xp.expand_dims(grad, ctx.axis)
        positions = xp.arange(ctx.shape[ctx.axis]).reshape(tuple(-1 if i == ctx.axis else 1 for i in range(n)))
        return xp.where(positions == ctx.indices, g, xp.zeros((), grad.dtype)).astype(grad.dtype, copy=False)


class Var(Function):
    """out = sum (x - mean)^2 / (N - correction);  dx = g 2 (x - mean) / (N - correction).

    float16 computes in float32 throughout (squares past 256 and divisors past 65,504
    overflow float16) and rounds the result once.
    """

    @staticmethod
    def forward(ctx, x, axes, keepdim, correction):
        dtype, x = x.dtype, x.astype(_accumulator(x.dtype) or x.dtype, copy=False)
        centered = x - x.mean(axis=axes, keepdims=True)
        ctx.save_for_backward(centered)
        ctx.axes, ctx.keepdim = axes, keepdim
        ctx.divisor = max(_count(x.shape, axes) - correction, 0)
        total = (centered * centered).sum(axis=axes, keepdims=keepdim)
        with np.errstate(divide="ignore", invalid="ignore"):  # N <= correction gives nan/inf, as torch
            return ctx.xp.asarray(total / ctx.divisor).astype(dtype)

    @staticmethod
    def backward(ctx, grad):
        (centered,) = ctx.saved_tensors
        g = _expand_back(grad, centered.shape, ctx.axes, ctx.keepdim)
        with np.errstate(divide="ignore", invalid="ignore"):
            return (g * (2 * centered / ctx.divisor)).astype(grad.dtype)


class LogSumExp(Function):
    """out = m + log sum exp(x - m), m the max (0 where it is infinite);  dx = g softmax(x) = g exp(x - out).

    As torch: a slice that is all -inf gives -inf; NaN in x gives NaN, value and gradient;
    where out is infinite, exp(x - out) is NaN at x = out (inf - inf) and its gradient is NaN.
    """

    @staticmethod
    def forward(ctx, x, axes, keepdim):
        m = x.max(axis=axes, keepdims=True, initial=-np.inf)  # -inf over nothing: logsumexp is -inf
        m = np.where(np.isfinite(m), m, 0).astype(x.dtype)
        with np.errstate(divide="ignore"):
            out = m + np.log(np.exp(x - m).sum(axis=axes, keepdims=True, dtype=_accumulator(x.dtype)))
        out = out.astype(x.dtype)
        ctx.save_for_backward(x, out)
        ctx.axes, ctx.keepdim = axes, keepdim
        return out if keepdim else np.squeeze(out, axis=axes)

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        with np.errstate(invalid="ignore"):
            probs = np.exp(x - out)
        return (_expand_back(grad, x.shape, ctx.axes, ctx.keepdim) * probs).astype(grad.dtype)
