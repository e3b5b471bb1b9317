"""Max and average pooling over 1, 2 or 3 spatial axes, and max unpooling.

Pooling reads the same patches as a convolution (ops/conv.py's im2col): with x_pad the padded
input, kernel K, stride s, dilation d, the window of output position o along an axis is
x_pad[o s + k d] for k < K.

    max pool:  out[o] = max_k x_pad[o s + k d]   (padding is -inf, so it never wins; NaN does)
               d x[i] = sum of dout[o] over the windows whose maximum is at i (the first on ties)
    avg pool:  out[o] = (sum_k x_pad[o s + k]) / divisor[o]   (padding is 0)
               d x_pad[o s + k] += dout[o] / divisor[o]

The divisor is K's product, or with count_include_pad=False only the elements inside the input,
or divisor_override; near the end of an axis with ceil_mode a window may stop early (see
avg_divisor). Max unpooling writes each value back to the position its index names.
"""
import math

import numpy as np

from ..autograd import Function
from .conv import col2im, crop_spatial, im2col, pad_spatial


def _lowest(dtype):
    """The padding a maximum never picks: -inf for floats, the smallest integer otherwise."""
    return -np.inf if dtype.kind == "f" else np.iinfo(dtype).min


class MaxPool(Function):
    """out[n, c, o] = max over the window at o (see the module docstring); the gradient goes to the
    window's first maximal element. `padding` holds (lo, hi) pairs; hi may exceed lo for ceil_mode."""

    @staticmethod
    def windows(xp, x, kernel, stride, padding, dilation, out):
        """Every window, (C, prod K, N, *O), padded with a value a maximum never picks."""
        cols = im2col(xp, pad_spatial(xp, x, padding, _lowest(x.dtype)), kernel, stride, dilation, out)
        return cols.reshape(x.shape[1], math.prod(kernel), x.shape[0], *out)

    @staticmethod
    def choices(xp, x, *, kernel, stride, padding, dilation, out):
        """Which kernel offset each window's maximum is at (the first; NaN is the max, as torch)."""
        return MaxPool.windows(xp, x, kernel, stride, padding, dilation, out).argmax(axis=1)

    @staticmethod
    def forward(ctx, x, *, kernel, stride, padding, dilation, out):
        xp = ctx.xp
        cols = MaxPool.windows(xp, x, kernel, stride, padding, dilation, out)
        choice = cols.argmax(axis=1)                                           # NaN is the max, as torch
        values = xp.take_along_axis(cols, choice[:, None], axis=1)[:, 0]
        ctx.choice, ctx.geometry = choice, (x.shape, kernel, stride, padding, dilation, out)
        return xp.ascontiguousarray(values.swapaxes(0, 1))

    @staticmethod
    def backward(ctx, grad):
        xp = ctx.xp
        x_shape, kernel, stride, padding, dilation, out = ctx.geometry
        taps = math.prod(kernel)
        picked = ctx.choice[:, None] == xp.arange(taps).reshape(1, taps, *(1,) * (ctx.choice.ndim - 1))
        dcols = (picked * grad.swapaxes(0, 1)[:, None]).reshape(x_shape[1], *kernel, x_shape[0], *out)
        padded = (*x_shape[:2], *(s + lo + hi for s, (lo, hi) in zip(x_shape[2:], padding)))
        dx = col2im(xp, dcols.astype(grad.dtype, copy=False), padded, kernel, stride, dilation, out)
        return xp.ascontiguousarray(crop_spatial(dx, padding, x_shape[2:]))

    @staticmethod
    def flat_indices(xp, choice, spatial, kernel, stride, padding, dilation, out):
        """torch's return_indices: the flat position, within its (N, C) plane of the unpadded
        input, of each window's maximum, as int64 (N, C, *O)."""
        k = xp.unravel_index(choice, kernel)                                  # per axis: (C, N, *O)
        flat = 0
        for axis, (ki, s, d, (lo, _), length) in enumerate(zip(k, stride, dilation, padding, spatial)):
            o = xp.arange(out[axis]).reshape(*(1,) * (2 + axis), -1, *(1,) * (len(out) - axis - 1))
            flat = flat * length + (o * s + ki * d - lo)
        return xp.ascontiguousarray(flat.swapaxes(0, 1)).astype(np.int64)


def avg_divisor(xp, spatial, kernel, stride, padding, out, count_include_pad):
    """The divisor of each output position of an average pool, as torch computes it: per axis the
    window [o s - lo, o s - lo + K) is cut at the padded end (length + lo) and, without
    count_include_pad, also to the input itself [0, length); the divisor is the product over axes."""
    divisor = 1
    for axis, (length, k, s, (lo, _), o_len) in enumerate(zip(spatial, kernel, stride, padding, out)):
        start = np.arange(o_len) * s - lo
        end = np.minimum(start + k, length + lo)
        if not count_include_pad:
            start, end = np.maximum(start, 0), np.minimum(end, length)
        size = (end - start).reshape(*(1,) * axis, -1, *(1,) * (len(out) - axis - 1))
        divisor = divisor * size
    return xp.asarray(np.asarray(divisor, dtype=np.float64))


class AvgPool(Function):
    """out[n, c, o] = (sum of the window at o) / divisor[o] (see the module docstring)."""

    @staticmethod
    def forward(ctx, x, *, kernel, stride, padding, out, divisor):
        xp = ctx.xp
        ones = (1,) * len(kernel)
        cols = im2col(xp, pad_spatial(xp, x, padding), kernel, stride, ones, out)
        total = cols.reshape(x.shape[1], math.prod(kernel), x.shape[0], *out).sum(axis=1)  # (C, N, *O)
        ctx.geometry, ctx.divisor = (x.shape, kernel, stride, padding, out), divisor
        return xp.ascontiguousarray((total.swapaxes(0, 1) / divisor).astype(x.dtype, copy=False))

    @staticmethod
    def backward(ctx, grad):
        xp = ctx.xp
        x_shape, kernel, stride, padding, out = ctx.geometry
        share = (grad / ctx.divisor).astype(grad.dtype, copy=False).swapaxes(0, 1)  # (C, N, *O)
        dcols = xp.broadcast_to(share[:, None], (x_shape[1], math.prod(kernel), *share.shape[1:]))
        dcols = dcols.reshape(x_shape[1], *kernel, x_shape[0], *out)
        padded = (*x_shape[:2], *(s + lo + hi for s, (lo, hi) in zip(x_shape[2:], padding)))
        dx = col2im(xp, dcols, padded, kernel, stride, (1,) * len(kernel), out)
        return xp.ascontiguousarray(crop_spatial(dx, padding, x_shape[2:]))


class MaxUnpool(Function):
    """out[n, c, indices[n, c, i]] = x[n, c, i] in a zero (N, C, *out_shape) tensor;
    dx[n, c, i] = dout[n, c, indices[n, c, i]]."""

    array_args = (1,)  # the indices

    @staticmethod
    def forward(ctx, x, indices, *, out_shape):
        xp = ctx.xp
        n, c = x.shape[:2]
        flat_out = xp.zeros((n, c, math.prod(out_shape)), x.dtype)
        flat_index = indices.reshape(n, c, -1)
        xp.put_along_axis(flat_out, flat_index, x.reshape(n, c, -1), axis=2)
        ctx.flat_index, ctx.x_shape = flat_index, x.shape
        return flat_out.reshape(n, c, *out_shape)

    @staticmethod
    def backward(ctx, grad):
        xp = ctx.xp
        n, c = grad.shape[:2]
        return xp.take_along_axis(grad.reshape(n, c, -1), ctx.flat_index, axis=2).reshape(ctx.x_shape)
