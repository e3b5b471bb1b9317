"""Separable linear maps along axes: the math behind interpolate, adaptive average pooling and the
reflect / replicate / circular modes of pad.

Each of those ops is, along each spatial axis on its own, a fixed matrix M (out_len x in_len)
applied to that axis:

    y = x  x_1 M_1  x_2 M_2 ...     (x_a M: contract axis a of x with the columns of M)
    dx = dy x_1 M_1^T x_2 M_2^T ... (the adjoint, axis by axis)

so one op serves them all; the matrices say what each op means (see axis_matrices.py's builders).
Integer and bool inputs are not interpolated (as torch): only floats reach this op.
"""
from ..autograd import Function


def _apply(xp, x, maps, transpose):
    for axis, matrix in maps:
        m = xp.asarray(matrix.T if transpose else matrix, dtype=x.dtype)
        x = xp.moveaxis(xp.tensordot(x, m, axes=([axis], [1])), -1, axis)
    return xp.ascontiguousarray(x)


class AxisMaps(Function):
    """y = x with each (axis, M) of `maps` applied along its axis; dx = the transposed maps applied to dy."""

    @staticmethod
    def forward(ctx, x, *, maps):
        ctx.maps = maps
        return _apply(ctx.xp, x, maps, transpose=False)

    @staticmethod
    def backward(ctx, grad):
        return _apply(ctx.xp, grad, list(reversed(ctx.maps)), transpose=True)


class ConstantPad(Function):
    """y = x with (lo, hi) elements of `value` added around each axis (negative amounts crop);
    dx = the window of dy that holds x's elements (zero where x was cropped away)."""

    @staticmethod
    def forward(ctx, x, *, pads, value):
        xp = ctx.xp
        crop = tuple(slice(max(-lo, 0), n - max(-hi, 0)) for n, (lo, hi) in zip(x.shape, pads))
        kept = x[crop]
        y = xp.pad(kept, [(max(lo, 0), max(hi, 0)) for lo, hi in pads], mode="constant", constant_values=value)
        ctx.crop, ctx.x_shape = crop, x.shape
        ctx.window = tuple(slice(max(lo, 0), max(lo, 0) + n) for n, (lo, _) in zip(kept.shape, pads))
        return xp.ascontiguousarray(y)

    @staticmethod
    def backward(ctx, grad):
        dx = ctx.xp.zeros(ctx.x_shape, grad.dtype)
        dx[ctx.crop] = grad[ctx.window]
        return dx
