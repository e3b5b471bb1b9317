"""Cumulative ops (cumsum, cumprod, logcumsumexp) and the selection behind sort, topk, cummax, median.

Each scan runs along one non-negative `axis`. float16 computes in float32 and rounds each output
once, as torch's CPU kernels accumulate half in float. The sorting ops pick elements: their value
is `TakeAlong` (x at chosen positions), whose gradient is the upstream gradient added back at those
positions; the positions themselves come from `sort_positions`, which orders as torch does.
"""
import numpy as np

from ..autograd import Function
from .math import quiet


def _wide(x):
    """float16 computes in float32 (2048 + 1 is 2048 in float16)."""
    return x.astype(np.float32) if x.dtype == np.float16 else x


def reverse_cumsum(xp, g, axis):
    """r_k = sum_{j >= k} g_j along `axis`: the backward of a cumulative sum."""
    return xp.flip(xp.cumsum(xp.flip(g, axis), axis=axis), axis)


def running(xp, op, x, axis):
    """out_i = op(x_0, ..., x_i) along axis, for an associative ufunc `op` (maximum, minimum, logaddexp).

    numpy has op.accumulate; for other array modules (cupy's ufuncs may lack it) the same scan is
    built by doubling: after the step with shift s, out_i combines x_{i-2s+1} .. x_i, so log2(n)
    whole-array steps cover every prefix."""
    if xp is np:
        return op.accumulate(x, axis=axis)
    out, n, shift = x.copy(), x.shape[axis], 1
    while shift < n:
        head = (slice(None),) * axis
        out[head + (slice(shift, None),)] = op(out[head + (slice(shift, None),)], out[head + (slice(0, n - shift),)])
        shift *= 2
    return out


def positions_along(xp, n, axis, ndim):
    """0, 1, ..., n-1 laid along `axis` of an array of `ndim` axes, ready to broadcast."""
    return xp.arange(n).reshape(tuple(-1 if i == axis else 1 for i in range(ndim)))


class CumSum(Function):
    """out_i = sum_{j <= i} x_j along axis;  dx_k = sum_{j >= k} g_j (the reversed cumulative sum of g)."""

    @staticmethod
    @quiet  # inf + -inf is NaN, as in torch, without a warning
    def forward(ctx, x, axis):
        ctx.axis = axis
        return ctx.xp.cumsum(_wide(x), axis=axis).astype(x.dtype, copy=False)

    @staticmethod
    @quiet
    def backward(ctx, grad):
        return reverse_cumsum(ctx.xp, _wide(grad), ctx.axis).astype(grad.dtype, copy=False)


class CumProd(Function):
    """out_i = prod_{j <= i} x_j along axis.

    dx_k = sum_{j >= k} g_j prod_{i <= j, i != k} x_i. Without zeros that is
    (sum_{j >= k} g_j out_j) / x_k, torch's formula. With z the first zero of a slice:
    for k < z it is the same sum (out_j = 0 for j >= z); for k = z it is sum_{j >= z} g_j P_j
    with P the cumulative product of x where x_z is replaced by 1; for k > z every product holds
    x_z = 0, so it is 0. No division by zero happens anywhere.
    """

    @staticmethod
    @quiet  # inf * 0 is NaN, as in torch, without a warning
    def forward(ctx, x, axis):
        out = ctx.xp.cumprod(_wide(x), axis=axis).astype(x.dtype, copy=False)
        ctx.save_for_backward(x, out)
        ctx.axis = axis
        return out

    @staticmethod
    def backward(ctx, grad):
        xp, axis = ctx.xp, ctx.axis
        x, out = ctx.saved_tensors
        x, out, g = _wide(x), _wide(out), _wide(grad)
        n = x.shape[axis]
        pos = positions_along(xp, n, axis, x.ndim)
        # the first zero's position = how many positions come before any zero (n when there is none)
        first_zero = (xp.cumsum(x == 0, axis=axis) == 0).sum(axis=axis, keepdims=True)
        before, at = pos < first_zero, pos == first_zero
        one = xp.ones((), x.dtype)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            head = reverse_cumsum(xp, g * out, axis) / xp.where(before, x, one)
            rest = xp.cumprod(xp.where(at, one, x), axis=axis)
            at_zero = reverse_cumsum(xp, g * rest, axis)
        zero_value = xp.zeros((), x.dtype)
        dx = xp.where(before, head, zero_value) + xp.where(at, at_zero, zero_value)
        return dx.astype(grad.dtype, copy=False)


def _logcumsumexp(xp, x, axis):
    """log sum_{j <= i} exp(x_j), one logaddexp at a time (stable: never exponentiates a large x)."""
    if x.shape[axis] == 0:
        return x.copy()
    return running(xp, xp.logaddexp, x, axis)


class LogCumSumExp(Function):
    """out_i = log sum_{j <= i} exp(x_j) along axis;  dx_k = sum_{j >= k} g_j exp(x_k - out_j).

    The backward is torch's: the positive and negative parts of g are summed apart in log space,
    dx = exp(x + rlcse(log g+ - out)) - exp(x + rlcse(log g- - out)), rlcse the reversed
    logcumsumexp, so no exp overflows where the sum itself is finite.
    """

    @staticmethod
    def forward(ctx, x, axis):
        with np.errstate(all="ignore"):
            out = _logcumsumexp(ctx.xp, _wide(x), axis).astype(x.dtype, copy=False)
        ctx.save_for_backward(x, out)
        ctx.axis = axis
        return out

    @staticmethod
    def backward(ctx, grad):
        xp, axis = ctx.xp, ctx.axis
        x, out = ctx.saved_tensors
        x, out, g = _wide(x), _wide(out), _wide(grad)
        lowest = xp.asarray(np.finfo(g.dtype).min, g.dtype)
        with np.errstate(all="ignore"):  # log 0 = -inf and exp underflow to 0 are the answers here
            log_abs = xp.log(xp.abs(g))
            parts = []
            for sign in (g > 0, g < 0):
                logs = xp.where(sign, log_abs, lowest) - out
                reversed_sum = xp.flip(_logcumsumexp(xp, xp.flip(logs, axis), axis), axis)
                parts.append(xp.exp(reversed_sum + x))
            return (parts[0] - parts[1]).astype(grad.dtype, copy=False)


def scatter_add_along(xp, shape, axis, indices, grad):
    """dx of `shape` with dx[..., indices[..., i, ...], ...] += grad[..., i, ...] along `axis`:
    the backward of taking `indices` along `axis`. Positions named twice (cummax repeats them)
    add up; the sums run in float64 (one bincount over flat positions)."""
    n = shape[axis]
    idx = xp.moveaxis(indices, axis, -1)
    g = xp.moveaxis(grad, axis, -1)
    rows, k = int(np.prod(idx.shape[:-1])), idx.shape[-1]
    flat = (xp.arange(rows, dtype=np.int64).reshape(rows, 1) * n + idx.reshape(rows, k)).reshape(-1)
    total = xp.bincount(flat, weights=g.reshape(-1).astype(np.float64), minlength=rows * n)
    return xp.moveaxis(total.reshape(idx.shape[:-1] + (n,)), -1, axis).astype(grad.dtype, copy=False)


class TakeAlong(Function):
    """out = x at `indices` along `axis` (numpy's take_along_axis; indices has x's shape except
    along axis);  dx_p = the sum of g over the outputs taken from position p, 0 where none was.

    `indices` is data, not differentiated: the positions a sort, topk or cummax chose."""

    array_args = (1,)

    @staticmethod
    def forward(ctx, x, indices, axis):
        ctx.shape, ctx.indices, ctx.axis = x.shape, indices, axis
        return ctx.xp.take_along_axis(x, indices, axis=axis)

    @staticmethod
    @quiet
    def backward(ctx, grad):
        return scatter_add_along(ctx.xp, ctx.shape, ctx.axis, ctx.indices, grad)


class SplitAmongEqual(Function):
    """out = v, a value of x (the median); dx = g / m at each of the m positions where x equals v
    (where x is NaN when v is NaN), 0 elsewhere, as torch's median() and nanmedian() split it."""

    array_args = (1,)

    @staticmethod
    def forward(ctx, x, value):
        ctx.save_for_backward(x, value)
        return value.astype(x.dtype, copy=True)

    @staticmethod
    def backward(ctx, grad):
        xp = ctx.xp
        x, value = ctx.saved_tensors
        equal = xp.isnan(x) if xp.isnan(value) else x == value
        with np.errstate(divide="ignore", invalid="ignore"):  # an empty x: nothing receives the share
            share = (grad / equal.sum()).astype(grad.dtype)
        return xp.where(equal, share, xp.zeros((), grad.dtype))


def sort_positions(xp, x, axis, descending):
    """The positions that sort x along axis, as torch orders them: stably (equal values keep their
    order, -0.0 equals 0.0), NaN after every number ascending and before every number descending."""
    if not descending:
        return xp.argsort(x, axis=axis, kind="stable")  # numpy and cupy put NaN last
    if x.dtype.kind != "f":
        return xp.argsort(~x, axis=axis, kind="stable")  # ~x = -x - 1 reverses the order and never overflows
    # Two stable passes: by -x (NaN last, among themselves in order), then NaN first.
    by_value = xp.argsort(-x, axis=axis, kind="stable")
    numbers = ~xp.isnan(xp.take_along_axis(x, by_value, axis=axis))
    return xp.take_along_axis(by_value, xp.argsort(numbers, axis=axis, kind="stable"), axis=axis)


@quiet
def cumulative_extreme_positions(xp, x, axis, smallest):
    """(values, indices) of cummax (cummin when `smallest`) along axis, as torch's: values_i is the
    largest of x_0..x_i (NaN once a NaN was seen) and indices_i the LAST position j <= i holding it.

    values is numpy's running max; a position j holds the running extreme when x_j equals it (or both
    are NaN), and the latest such j is the index: the running extreme changes only at such a j."""
    values = running(xp, xp.minimum if smallest else xp.maximum, x, axis)
    holds = x == values
    if x.dtype.kind == "f":
        holds = holds | (xp.isnan(x) & xp.isnan(values))
    pos = positions_along(xp, x.shape[axis], axis, x.ndim)
    indices = running(xp, xp.maximum, xp.where(holds, pos, -1), axis).astype(np.int64)
    return values, indices


def searchsorted_positions(xp, sequence, values, right):
    """For each value, torch's binary search over the last axis of `sequence` (whose leading axes
    match those of `values`, or which is 1-d): the first i with sequence[i] >= v (> v when `right`).

    Written as torch's loop, run for every value at once, so NaN lands where torch's lands:
    sequence[mid] >= NaN is False, so a NaN value goes past every element."""
    n = sequence.shape[-1]
    flat_values = values.reshape(int(np.prod(values.shape[:-1])), values.shape[-1]) if values.ndim else \
        values.reshape(1, 1)
    rows = flat_values.shape[0]
    flat_sequence = xp.broadcast_to(sequence, (rows, n)) if sequence.ndim == 1 else sequence.reshape(rows, n)
    start = xp.zeros(flat_values.shape, np.int64)
    end = xp.full(flat_values.shape, n, np.int64)
    with np.errstate(invalid="ignore"):
        while bool((start < end).any()):
            active = start < end
            mid = (start + end) // 2
            mid_value = xp.take_along_axis(flat_sequence, xp.minimum(mid, max(n - 1, 0)), axis=-1)
            go_right = ~(mid_value > flat_values) if right else ~(mid_value >= flat_values)
            start = xp.where(active & go_right, mid + 1, start)
            end = xp.where(active & ~go_right, mid, end)
    return start.reshape(values.shape)
