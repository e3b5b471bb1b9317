"""Elementwise math functions of two float tensors: atan2, hypot, logaddexp, xlogy.

The inputs broadcast (the Tensor front end has checked the shapes and promoted both to
one float dtype), so each backward sums its gradients back to the input shapes with
`unbroadcast`. Each derivative is written in the form torch's autograd uses, so NaN and
inf land where torch's do.
"""
from ..autograd import Function, unbroadcast
from .math import quiet


def _grads(ctx, da, db):
    """The gradients that were asked for (da, db: thunks), summed to the input shapes."""
    a, b = ctx.parents
    return (unbroadcast(da(), a.shape) if ctx.needs_input_grad[0] else None,
            unbroadcast(db(), b.shape) if ctx.needs_input_grad[1] else None)


class Atan2(Function):
    """out = atan2(a, b), the angle of the point (b, a) in (-pi, pi];
    da = g b / (a^2 + b^2),  db = -g a / (a^2 + b^2)   (both 0 at a = b = 0, as torch)."""

    @staticmethod
    @quiet
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return ctx.xp.arctan2(a, b)

    @staticmethod
    @quiet
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        xp = ctx.xp
        square = a * a + b * b
        inverse = xp.where(square == 0, xp.zeros((), square.dtype), 1 / square)
        return _grads(ctx, lambda: grad * b * inverse, lambda: grad * -a * inverse)


class Hypot(Function):
    """out = sqrt(a^2 + b^2), without overflow in the squares;  da = g a / out,  db = g b / out."""

    @staticmethod
    @quiet
    def forward(ctx, a, b):
        out = ctx.xp.hypot(a, b)
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    @quiet
    def backward(ctx, grad):
        a, b, out = ctx.saved_tensors
        return _grads(ctx, lambda: grad * a / out, lambda: grad * b / out)


class LogAddExp(Function):
    """out = ln(e^a + e^b) = max(a, b) + ln(1 + e^-|a - b|)   (a when a = b = +-inf);
    da = g / (1 + e^(b - a)),  db = g / (1 + e^(a - b))."""

    @staticmethod
    @quiet
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return ctx.xp.logaddexp(a, b)

    @staticmethod
    @quiet
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        exp = ctx.xp.exp
        return _grads(ctx, lambda: grad / (1 + exp(b - a)), lambda: grad / (1 + exp(a - b)))


def _xlogy(xp, x, y):
    """x ln y, with 0 where x = 0 (even at y = 0 or inf) unless y is NaN."""
    return xp.where((x == 0) & ~xp.isnan(y), xp.zeros((), y.dtype), x * xp.log(y))


class XLogY(Function):
    """out = x ln y, and 0 where x = 0 unless y is NaN;
    dx = xlogy(g, y), and 0 where x = 0 and y <= 0;  dy = g x / y   (as torch)."""

    @staticmethod
    @quiet
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        return _xlogy(ctx.xp, x, y)

    @staticmethod
    @quiet
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        xp = ctx.xp

        def dx():
            d = _xlogy(xp, grad, y)
            return xp.where((x == 0) & (y <= 0), xp.zeros((), d.dtype), d)

        return _grads(ctx, dx, lambda: grad * x / y)
