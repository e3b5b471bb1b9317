"""Further reductions: the product and the vector p-norms.

Each takes `axes` (a tuple of non-negative axes, or None for all) and `keepdim`, as the
reductions of ops/reduce.py do, and re-inserts the reduced axes in its backward to
broadcast the gradient back (`_expand_back`).
"""
import math

import numpy as np

from ..autograd import Function
from .reduce import Var, _expand_back


class Std(Function):
    """out = sqrt(var(x)), var = sum (x - mean)^2 / (N - correction) (ops/reduce.Var, whose code it reuses);
    dx = d var(g / (2 out)), and 0 where out = 0 (torch's choice: a constant slice has no direction to grow in,
    and 0/0 would give NaN)."""

    @staticmethod
    def forward(ctx, x, axes, keepdim, correction):
        out = ctx.xp.sqrt(Var.forward(ctx, x, axes, keepdim, correction))
        ctx.std = out
        return out

    @staticmethod
    def backward(ctx, grad):
        with np.errstate(divide="ignore", invalid="ignore"):
            scaled = ctx.xp.where(ctx.std == 0, ctx.xp.zeros((), grad.dtype), grad / (2 * ctx.std))
        return Var.backward(ctx, scaled.astype(grad.dtype, copy=False))


class Prod(Function):
    """out = prod_{reduced} x;  dx_i = g prod_{j != i} x_j.

    Where a slice holds no zero, prod_{j != i} x_j = out / x_i. Where it holds exactly one zero,
    only the zero's position gets a gradient: the product of the slice's other elements (every
    other position's product includes the zero). Where it holds two or more zeros every product
    of the others includes a zero, so the whole slice's gradient is 0. This is torch's rule; the
    naive g out / x would give 0/0 = NaN at the zeros.
    """

    @staticmethod
    def forward(ctx, x, axes, keepdim):
        xp = ctx.xp
        out = x.prod(axis=axes, keepdims=True)
        ctx.save_for_backward(x, out)
        ctx.axes, ctx.keepdim = axes, keepdim
        return xp.asarray(out if keepdim else out.reshape(_squeezed(x.shape, axes)))

    @staticmethod
    def backward(ctx, grad):
        xp = ctx.xp
        x, out = ctx.saved_tensors
        g = _expand_back(grad, x.shape, ctx.axes, ctx.keepdim)
        is_zero = x == 0
        zeros = is_zero.sum(axis=ctx.axes, keepdims=True)
        others_of_zero = xp.where(is_zero, 1, x).prod(axis=ctx.axes, keepdims=True)  # product of the non-zeros
        with np.errstate(divide="ignore", invalid="ignore"):
            no_zero = out / x
        share = xp.where(zeros == 0, no_zero, xp.where((zeros == 1) & is_zero, others_of_zero, 0))
        return (g * share).astype(grad.dtype, copy=False)


def _squeezed(shape, axes):
    axes = range(len(shape)) if axes is None else axes
    return tuple(n for i, n in enumerate(shape) if i not in axes)


class VectorNorm(Function):
    """out = (sum_{reduced} |x|^p)^(1/p), with the limits p = inf (max |x|), p = -inf (min |x|) and
    p = 0 (the number of non-zero elements).

    Gradients, as torch's (n is out broadcast back, sgn(0) = 0):
      p = 0:      0 (a count is piecewise constant);
      p = 1:      g sgn(x);
      p = 2:      g x / n, and 0 where n = 0 (the subgradient torch picks);
      p = +-inf:  g sgn(x) / (number of ties) at the positions where |x| = n, 0 elsewhere
                  (as amax: the gradient is split evenly between tied extremes);
      p < 1:      g sgn(x) |x|^(p-1) n^(1-p), and 0 where x = 0;
      otherwise:  g sgn(x) |x|^(p-1) / n^(p-1), and 0 where n = 0.
    The general formula is d/dx_i (sum |x|^p)^(1/p) = (1/p) (sum |x|^p)^(1/p - 1) p |x_i|^(p-1) sgn(x_i).
    """

    @staticmethod
    def forward(ctx, x, ord, axes, keepdim):
        xp = ctx.xp
        a = xp.abs(x)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            if ord == math.inf:
                out = a.max(axis=axes, keepdims=True)
            elif ord == -math.inf:
                out = a.min(axis=axes, keepdims=True)
            elif ord == 0:
                out = (x != 0).sum(axis=axes, keepdims=True).astype(x.dtype)
            elif ord == 1:
                out = a.sum(axis=axes, keepdims=True)
            elif ord == 2:
                out = xp.sqrt((x * x).sum(axis=axes, keepdims=True))
            else:
                out = ((a ** ord).sum(axis=axes, keepdims=True)) ** (1.0 / ord)
        out = out.astype(x.dtype, copy=False)
        ctx.save_for_backward(x, out)
        ctx.ord, ctx.axes, ctx.keepdim = ord, axes, keepdim
        return xp.asarray(out if keepdim else out.reshape(_squeezed(x.shape, axes)))

    @staticmethod
    def backward(ctx, grad):
        xp = ctx.xp
        x, n = ctx.saved_tensors
        p = ctx.ord
        g = _expand_back(grad, x.shape, ctx.axes, ctx.keepdim)
        zero = xp.zeros((), grad.dtype)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            if p == 0:
                dx = xp.zeros(x.shape, grad.dtype)
            elif p == 1:
                dx = g * xp.sign(x)
            elif p == 2:
                dx = g * xp.where(n == 0, zero, x / n)
            elif math.isinf(p):
                winners = (xp.abs(x) == n) | (xp.isnan(x) & xp.isnan(n))
                ties = winners.sum(axis=ctx.axes, keepdims=True)
                dx = xp.where(winners, xp.sign(x) * g / ties, zero)
            elif p < 1:
                scaled = xp.where(x == 0, zero, xp.sign(x) * xp.abs(x) ** (p - 1))
                dx = scaled * g * n ** (1 - p)
            else:
                dx = xp.sign(x) * xp.abs(x) ** (p - 1) * xp.where(n == 0, zero, g / n ** (p - 1))
        return xp.asarray(dx).astype(grad.dtype, copy=False)
