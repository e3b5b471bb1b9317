"""Convolution and transposed convolution over 1, 2 or 3 spatial axes, as matrix products of patches.

Shapes: x (N, C, *S), weight w (F, C/G, *K) in G groups; per spatial axis a stride s, a dilation d
and a padding (lo, hi). The output length of an axis is

    O = floor((S + lo + hi - d (K - 1) - 1) / s) + 1,

and, with x_pad the zero-padded input, Cg = C/G and Fg = F/G,

    out[n, g Fg + f, o] = sum_{c < Cg, k < K} w[g Fg + f, c, k] * x_pad[n, g Cg + c, o s + k d]   (+ bias[f]).

im2col gathers the patches: cols[c, k, n, o] = x_pad[n, c, o s + k d], one strided slice per kernel
offset k. Grouped by g, cols[g] is a (Cg prod(K)) x (N prod(O)) matrix and W[g] = w[g Fg:(g+1) Fg]
a Fg x (Cg prod(K)) one, so the convolution is one matrix product per group:

    out[g] = W[g] @ cols[g]
    dW[g] = dout[g] @ cols[g]^T                  (the weight's gradient)
    dcols[g] = W[g]^T @ dout[g], then col2im     (the input's gradient: each kernel offset's slice
                                                   of dcols is added back where it was read from)

The transposed convolution is that input gradient used as a forward op (col2im of W^T @ x), so its
gradients are a convolution (for its input) and the same patch product (for its weight).
"""
import itertools
import math

from ..autograd import Function


def _offsets(kernel):
    return itertools.product(*(range(k) for k in kernel))


def _window(k, stride, dilation, out):
    """The slices of a padded input read by kernel offset k at every output position."""
    return tuple(slice(ki * di, ki * di + si * (oi - 1) + 1, si) for ki, di, si, oi in zip(k, dilation, stride, out))


def im2col(xp, x_pad, kernel, stride, dilation, out):
    """cols[c, k..., n, o...] = x_pad[n, c, o s + k d]: every patch, channels first, batch inside."""
    n, c = x_pad.shape[:2]
    cols = xp.empty((c, *kernel, n, *out), x_pad.dtype)
    if 0 in out:
        return cols
    for k in _offsets(kernel):
        cols[(slice(None), *k)] = x_pad[(slice(None), slice(None), *_window(k, stride, dilation, out))].swapaxes(0, 1)
    return cols


def col2im(xp, cols, padded_shape, kernel, stride, dilation, out):
    """The adjoint of im2col: x_pad[n, c, o s + k d] += cols[c, k, n, o], summed over every (k, o)."""
    x_pad = xp.zeros(padded_shape, cols.dtype)
    if 0 in out:
        return x_pad
    for k in _offsets(kernel):
        x_pad[(slice(None), slice(None), *_window(k, stride, dilation, out))] += cols[(slice(None), *k)].swapaxes(0, 1)
    return x_pad


def out_lengths(spatial, kernel, stride, padding, dilation):
    """O = floor((S + lo + hi - d (K - 1) - 1) / s) + 1 per axis (may be <= 0: the caller refuses)."""
    return tuple((s + lo + hi - d * (k - 1) - 1) // st + 1
                 for s, k, st, (lo, hi), d in zip(spatial, kernel, stride, padding, dilation))


def pad_spatial(xp, x, padding, value=0):
    """x with its spatial axes (all but the first two) padded by (lo, hi) pairs of `value`."""
    if not any(lo or hi for lo, hi in padding):
        return x
    return xp.pad(x, [(0, 0), (0, 0), *padding], mode="constant", constant_values=value)


def crop_spatial(x_pad, padding, spatial):
    """The inverse of pad_spatial: the window of x_pad that holds the original `spatial` lengths."""
    return x_pad[(slice(None), slice(None), *(slice(lo, lo + s) for (lo, _), s in zip(padding, spatial)))]


def _as_matrices(cols, groups):
    """(C, *K, N, *O) -> (G, C/G prod(K), N prod(O)): one matrix per group (a view: cols is contiguous)."""
    c = cols.shape[0]
    nd = (cols.ndim - 2) // 2
    rows = (c // groups) * math.prod(cols.shape[1:1 + nd])
    return cols.reshape(groups, rows, -1)


class Conv(Function):
    """out = conv(x, w) + b over the trailing spatial axes (see the module docstring for the math)."""

    @staticmethod
    def forward(ctx, x, w, b=None, *, stride, padding, dilation, groups):
        xp = ctx.xp
        n, spatial, kernel = x.shape[0], x.shape[2:], w.shape[2:]
        out = out_lengths(spatial, kernel, stride, padding, dilation)
        cols = im2col(xp, pad_spatial(xp, x, padding), kernel, stride, dilation, out)
        weights = w.reshape(groups, w.shape[0] // groups, -1)                  # (G, Fg, Cg prod K)
        y = xp.matmul(weights, _as_matrices(cols, groups))                # (G, Fg, N prod O)
        y = y.reshape(w.shape[0], n, *out).swapaxes(0, 1)
        if b is not None:
            y = y + b.reshape(-1, *(1,) * len(out))
        ctx.save_for_backward(cols, w)
        ctx.geometry = (x.shape, stride, padding, dilation, groups, out)
        return xp.ascontiguousarray(y)

    @staticmethod
    def backward(ctx, grad):
        xp = ctx.xp
        cols, w = ctx.saved_tensors
        x_shape, stride, padding, dilation, groups, out = ctx.geometry
        f, kernel = w.shape[0], w.shape[2:]
        dout = grad.swapaxes(0, 1).reshape(groups, f // groups, -1)          # (G, Fg, N prod O)
        dx = dw = db = None
        if ctx.needs_grad(0):
            weights = w.reshape(groups, f // groups, -1)
            dcols = xp.matmul(weights.swapaxes(1, 2), dout).reshape(cols.shape)
            padded = (x_shape[0], x_shape[1], *(s + lo + hi for s, (lo, hi) in zip(x_shape[2:], padding)))
            dx = crop_spatial(col2im(xp, dcols, padded, kernel, stride, dilation, out), padding, x_shape[2:])
            dx = xp.ascontiguousarray(dx)
        if ctx.needs_grad(1):
            # dW[g] = dout[g] @ cols[g]^T, computed as (cols[g] @ dout[g]^T)^T: BLAS is several times
            # faster with the long N prod(O) axis as the inner dimension of a tall product
            dw = xp.matmul(_as_matrices(cols, groups), dout.swapaxes(1, 2)).swapaxes(1, 2).reshape(w.shape)
        if ctx.needs_grad(2):
            db = grad.sum(axis=(0, *range(2, grad.ndim)))
        return ctx.by_position(dx, dw, db)


class ConvTranspose(Function):
    """out = conv_transpose(x, w) + b: the input gradient of a convolution with weight w (C, F/G, *K),
    as a forward op (see the module docstring). `out_shape` is the padded output's spatial lengths
    (output_padding included); `padding` is cropped from them."""

    @staticmethod
    def forward(ctx, x, w, b=None, *, stride, padding, dilation, groups, out_shape):
        xp = ctx.xp
        n, spatial, kernel = x.shape[0], x.shape[2:], w.shape[2:]
        c_in, f_group = w.shape[0], w.shape[1]
        weights = w.reshape(groups, c_in // groups, -1)                       # (G, Cg, Fg prod K)
        inputs = x.swapaxes(0, 1).reshape(groups, c_in // groups, -1)         # (G, Cg, N prod S)
        cols = xp.matmul(weights.swapaxes(1, 2), inputs).reshape(f_group * groups, *kernel, n, *spatial)
        y_pad = col2im(xp, cols, (n, f_group * groups, *out_shape), kernel, stride, dilation, spatial)
        out = tuple(o - lo - hi for o, (lo, hi) in zip(out_shape, padding))
        y = crop_spatial(y_pad, padding, out)
        if b is not None:
            y = y + b.reshape(-1, *(1,) * len(out))
        ctx.save_for_backward(inputs, w)
        ctx.geometry = (x.shape, stride, padding, dilation, groups)
        return xp.ascontiguousarray(y)

    @staticmethod
    def backward(ctx, grad):
        xp = ctx.xp
        inputs, w = ctx.saved_tensors
        x_shape, stride, padding, dilation, groups = ctx.geometry
        kernel, spatial = w.shape[2:], x_shape[2:]
        c_in = w.shape[0]
        # The forward wrote y_pad[n, f, s st + k d] += ...; reading the same places back is im2col.
        cols = im2col(xp, pad_spatial(xp, grad, padding), kernel, stride, dilation, spatial)
        cols = _as_matrices(cols, groups)                                 # (G, Fg prod K, N prod S)
        dx = dw = db = None
        if ctx.needs_grad(0):
            weights = w.reshape(groups, c_in // groups, -1)
            dx = xp.matmul(weights, cols).reshape(c_in, x_shape[0], *spatial).swapaxes(0, 1)
            dx = xp.ascontiguousarray(dx)
        if ctx.needs_grad(1):
            dw = xp.matmul(inputs, cols.swapaxes(1, 2)).reshape(w.shape)
        if ctx.needs_grad(2):
            db = grad.sum(axis=(0, *range(2, grad.ndim)))
        return ctx.by_position(dx, dw, db)


class Unfold(Function):
    """out[n, (c, k), o] = x_pad[n, c, o s + k d]: every patch as a column (im2col, public);
    dx = col2im(dout), cropped."""

    @staticmethod
    def forward(ctx, x, *, kernel, stride, padding, dilation, out):
        xp = ctx.xp
        cols = im2col(xp, pad_spatial(xp, x, padding), kernel, stride, dilation, out)   # (C, *K, N, *O)
        n, c = x.shape[:2]
        ctx.geometry = (x.shape, kernel, stride, padding, dilation, out)
        columns = cols.reshape(c * math.prod(kernel), n, math.prod(out)).swapaxes(0, 1)
        return xp.ascontiguousarray(columns)

    @staticmethod
    def backward(ctx, grad):
        x_shape, kernel, stride, padding, dilation, out = ctx.geometry
        return fold_columns(ctx.xp, grad, x_shape, kernel, stride, padding, dilation, out)


def fold_columns(xp, columns, x_shape, kernel, stride, padding, dilation, out):
    """col2im of (N, C prod(K), prod(O)) columns into an (N, C, *spatial) image, padding cropped."""
    n, c = x_shape[:2]
    cols = columns.swapaxes(0, 1).reshape(c, *kernel, n, *out)
    padded = (n, c, *(s + lo + hi for s, (lo, hi) in zip(x_shape[2:], padding)))
    return xp.ascontiguousarray(crop_spatial(col2im(xp, cols, padded, kernel, stride, dilation, out),
                                             padding, x_shape[2:]))


class Fold(Function):
    """The adjoint of Unfold: x[n, c, o s + k d] += columns[n, (c, k), o]; dcolumns = unfold(dx)."""

    @staticmethod
    def forward(ctx, columns, *, x_shape, kernel, stride, padding, dilation, out):
        ctx.geometry = (x_shape, kernel, stride, padding, dilation, out)
        return fold_columns(ctx.xp, columns, x_shape, kernel, stride, padding, dilation, out)

    @staticmethod
    def backward(ctx, grad):
        x_shape, kernel, stride, padding, dilation, out = ctx.geometry
        return Unfold.forward(ctx, grad, kernel=kernel, stride=stride, padding=padding, dilation=dilation, out=out)
