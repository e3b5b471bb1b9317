"""The vector p-norm along one axis, and a clamp whose gradient passes through:
what normalize, cosine_similarity and pairwise_distance are built from.
"""
import numpy as np

from ..autograd import Function


class VectorNorm(Function):
    """out = (sum_i |x_i|^p)^(1/p) along `axis`, kept as an axis of size 1. Special p, as torch:
    p = 0 counts the non-zero entries, p = inf is max |x_i|, p = -inf is min |x_i|.

    dx, as torch's vector-norm backward: p = 0: 0;  p = 1: g sign(x);  p = 2: g x / out;
    p = +-inf: g sign(x) at the entries where |x| = out, shared evenly among them (torch's vector
    norm), or given whole to each of them with split_ties=False (torch's pdist);
    other p >= 1: g sign(x) |x|^(p-1) / out^(p-1);  p < 1: g sign(x) |x|^(p-1) out^(1-p), 0 where x = 0.
    Where out = 0 (p >= 1) the gradient is 0, not 0/0."""

    @staticmethod
    def forward(ctx, x, p, axis, split_ties=True):
        xp = ctx.xp
        ctx.p, ctx.axis, ctx.split_ties = p, axis, split_ties
        a = xp.abs(x)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            if p == 0:
                out = (x != 0).sum(axis=axis, keepdims=True).astype(x.dtype)
            elif p == 1:
                out = a.sum(axis=axis, keepdims=True)
            elif p == 2:
                out = xp.sqrt((x * x).sum(axis=axis, keepdims=True))
            elif p == np.inf:
                out = a.max(axis=axis, keepdims=True)
            elif p == -np.inf:
                out = a.min(axis=axis, keepdims=True)
            else:
                total = (a ** p).sum(axis=axis, keepdims=True)
                out = (total.astype(xp.float64) ** (1 / p)).astype(x.dtype)  # the root in double, as torch
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        xp = ctx.xp
        x, out = ctx.saved_tensors
        p, zero = ctx.p, grad.dtype.type(0)
        sign = xp.sign(x)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            if p == 0:
                return xp.zeros_like(x)
            if p == 1:
                return sign * grad
            if p in (np.inf, -np.inf):
                ties = (xp.abs(x) == out).astype(x.dtype)
                share = grad / ties.sum(axis=ctx.axis, keepdims=True) if ctx.split_ties else grad
                return sign * ties * share
            if p == 2:
                return x * xp.where(out == 0, zero, grad / out)
            if p < 1:
                scaled = xp.where(x == 0, zero, sign * xp.abs(x) ** (p - 1))
                return scaled * (grad * out ** (1 - p))
            return sign * xp.abs(x) ** (p - 1) * xp.where(out == 0, zero, grad / out ** (p - 1))


class ClampMinForwardOnly(Function):
    """out = max(x, low);  dx = g everywhere: the clamp changes the value, not the gradient.

    torch's cosine_similarity clamps the norms with eps under no_grad, so its gradient is that
    of the unclamped norm; this op reproduces it."""

    @staticmethod
    def forward(ctx, x, low):
        return ctx.xp.maximum(x, x.dtype.type(low))

    @staticmethod
    def backward(ctx, grad):
        return grad
