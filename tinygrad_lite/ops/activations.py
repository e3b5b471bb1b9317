"""Activation functions beyond relu/sigmoid/tanh/gelu (those are in elementwise.py): one Function each.

Every forward and backward follows torch's kernel at the kinks (which side of x = 0, of a
threshold or of +-3 a tie belongs to), so a value drawn exactly at a kink gets torch's
gradient. The front end (nn/functional_activations.py) hands float32 or float64 arrays
here: float16 is computed in float32 and rounded once, as torch's CPU kernels do.

Nothing here overflows for large |x|: softplus, logsigmoid and mish use
softplus(x) = max(x, 0) + log1p(exp(-|x|)), whose exp never sees a positive argument.
"""
import numpy as np

from ..autograd import Function, unbroadcast


def _softplus(xp, z):
    """log(1 + e^z) = max(z, 0) + log1p(e^-|z|): the exp never overflows."""
    return xp.maximum(z, 0) + xp.log1p(xp.exp(-xp.abs(z)))


class SiLU(Function):
    """out = x s, s = sigmoid(x);  dx = g s (1 + x (1 - s)). A hot path: the backend computes both
    (a Triton kernel on the GPU), the backward from x alone."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.backend.silu(x)

    @staticmethod
    def backward(ctx, grad):
        return ctx.backend.silu_backward(ctx.saved_tensors[0], grad)


class ELU(Function):
    """torch's elu kernel, which elu, selu and celu share:
    out = scale x for x > 0, scale alpha (e^(input_scale x) - 1) for x <= 0;
    dx = g scale for x > 0, g scale alpha input_scale e^(input_scale x) for x <= 0.
    elu: scale = input_scale = 1; celu: input_scale = 1/alpha; selu: torch's two constants.
    `backward_input_scale`, when given, replaces input_scale in dx: torch's celu backward
    takes 1 / float32(alpha) (1.0 / alpha.toFloat()), and parity means using the same number."""

    @staticmethod
    def forward(ctx, x, alpha, scale, input_scale, backward_input_scale=None):
        xp = ctx.xp
        ctx.save_for_backward(x)
        ctx.constants = alpha, scale, input_scale if backward_input_scale is None else backward_input_scale
        negative = xp.expm1(xp.minimum(x, 0) * input_scale) * (alpha * scale)  # min: no exp of a large x
        return xp.where(x <= 0, negative, x * scale)

    @staticmethod
    def backward(ctx, grad):
        xp = ctx.xp
        (x,) = ctx.saved_tensors
        alpha, scale, input_scale = ctx.constants
        negative = grad * (alpha * scale * input_scale) * xp.exp(xp.minimum(x, 0) * input_scale)
        return xp.where(x <= 0, negative, grad * scale)


class Softplus(Function):
    """out = log(1 + e^(beta x)) / beta, or x where beta x > threshold;
    dx = g sigmoid(beta x), or g where beta x > threshold."""

    @staticmethod
    def forward(ctx, x, beta, threshold):
        xp = ctx.xp
        z = x * beta
        ctx.save_for_backward(z)
        ctx.threshold = threshold
        with np.errstate(divide="ignore", invalid="ignore"):  # beta = 0 gives inf, as torch
            return xp.where(z > threshold, x, _softplus(xp, z) / beta)

    @staticmethod
    def backward(ctx, grad):
        (z,) = ctx.saved_tensors
        return ctx.xp.where(z > ctx.threshold, grad, grad * ctx.backend.sigmoid(z))


class Softsign(Function):
    """out = x / (1 + |x|);  dx = g / (1 + |x|)^2."""

    @staticmethod
    def forward(ctx, x):
        d = 1 + ctx.xp.abs(x)
        ctx.save_for_backward(d)
        with np.errstate(invalid="ignore"):  # inf / inf = NaN, as torch, quietly
            return x / d

    @staticmethod
    def backward(ctx, grad):
        (d,) = ctx.saved_tensors
        return grad / (d * d)


class Mish(Function):
    """out = x tanh(softplus(x));  dx = g (t + x sigmoid(x) (1 - t^2)), t = tanh(softplus(x))."""

    @staticmethod
    def forward(ctx, x):
        t = ctx.xp.tanh(_softplus(ctx.xp, x))
        ctx.save_for_backward(x, t)
        with np.errstate(invalid="ignore"):  # -inf * 0 = NaN, as torch, quietly
            return x * t

    @staticmethod
    def backward(ctx, grad):
        x, t = ctx.saved_tensors
        with np.errstate(invalid="ignore"):
            return grad * (t + x * ctx.backend.sigmoid(x) * (1 - t * t))


class Hardtanh(Function):
    """out = min(max(x, min_val), max_val);  dx = g strictly inside (min_val, max_val), 0 elsewhere
    (at the bounds too, as torch's hardtanh; clamp's gradient includes them)."""

    @staticmethod
    def forward(ctx, x, min_val, max_val):
        ctx.save_for_backward(x)
        ctx.bounds = min_val, max_val
        return ctx.xp.clip(x, min_val, max_val).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        low, high = ctx.bounds
        return ctx.xp.where((x <= low) | (x >= high), grad.dtype.type(0), grad)


class Hardsigmoid(Function):
    """out = min(max(x + 3, 0), 6) / 6;  dx = g / 6 for -3 < x < 3, else 0."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.clip(x + 3, 0, 6) / 6

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        one_sixth = float(np.float32(1 / 6))  # torch's constant, in float32 for float64 too
        return ctx.xp.where((x > -3) & (x < 3), grad * one_sixth, grad.dtype.type(0))


class Hardswish(Function):
    """out = x min(max(x + 3, 0), 6) / 6;  dx = 0 for x <= -3, g (x/3 + 1/2) for -3 < x < 3, g from 3 up."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        with np.errstate(invalid="ignore"):  # -inf * 0 = NaN, as torch, quietly
            return x * ctx.xp.clip(x + 3, 0, 6) / 6

    @staticmethod
    def backward(ctx, grad):
        xp = ctx.xp
        (x,) = ctx.saved_tensors
        with np.errstate(invalid="ignore", over="ignore"):
            middle = grad * (x / 3 + 0.5)
        return xp.where(x <= -3, grad.dtype.type(0), xp.where(x < 3, middle, grad))


class LogSigmoid(Function):
    """out = log sigmoid(x) = min(x, 0) - log1p(e^-|x|);
    dx = g sigmoid(-x), written as torch's kernel: with z = e^-|x|, g (1 - z/(1+z)) for x < 0, g z/(1+z) else."""

    @staticmethod
    def forward(ctx, x):
        xp = ctx.xp
        ctx.save_for_backward(x)
        return xp.minimum(x, 0) - xp.log1p(xp.exp(-xp.abs(x)))

    @staticmethod
    def backward(ctx, grad):
        xp = ctx.xp
        (x,) = ctx.saved_tensors
        z = xp.exp(-xp.abs(x))
        share = z / (1 + z)
        return grad * xp.where(x < 0, 1 - share, share)


class GLU(Function):
    """x split in halves a, b along `axis`: out = a sigmoid(b);
    da = g sigmoid(b), db = g a sigmoid(b) (1 - sigmoid(b))."""

    @staticmethod
    def forward(ctx, x, axis):
        xp = ctx.xp
        a, b = xp.split(x, 2, axis=axis)
        s = ctx.backend.sigmoid(b)
        ctx.save_for_backward(a, s)
        ctx.axis = axis
        return a * s

    @staticmethod
    def backward(ctx, grad):
        a, s = ctx.saved_tensors
        da = grad * s
        return ctx.xp.concatenate([da, da * a * (1 - s)], axis=ctx.axis)


class PReLU(Function):
    """out = x for x > 0, w x otherwise (w broadcast over x);
    dx = g or g w;  dw = sum of g x where x <= 0, over the axes w was broadcast along."""

    @staticmethod
    def forward(ctx, x, w):
        ctx.save_for_backward(x, w)
        return ctx.xp.where(x > 0, x, w * x)

    @staticmethod
    def backward(ctx, grad):
        xp = ctx.xp
        x, w = ctx.saved_tensors
        positive = x > 0
        zero = grad.dtype.type(0)
        dx = xp.where(positive, grad, grad * w) if ctx.needs_input_grad[0] else None
        dw = unbroadcast(xp.where(positive, zero, grad * x), w.shape) if ctx.needs_input_grad[1] else None
        return dx, dw


class Threshold(Function):
    """out = value where x <= threshold, else x;  dx = 0 where x <= threshold, else g."""

    @staticmethod
    def forward(ctx, x, threshold, value):
        ctx.save_for_backward(x)
        ctx.threshold = threshold
        return ctx.xp.where(x <= threshold, value, x).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return ctx.xp.where(x <= ctx.threshold, grad.dtype.type(0), grad)


class Tanhshrink(Function):
    """out = x - tanh(x);  dx = g tanh(x)^2."""

    @staticmethod
    def forward(ctx, x):
        t = ctx.xp.tanh(x)
        ctx.save_for_backward(t)
        return x - t

    @staticmethod
    def backward(ctx, grad):
        (t,) = ctx.saved_tensors
        return grad * (t * t)


class Hardshrink(Function):
    """out = 0 for -lambd <= x <= lambd, else x;  dx = 0 there, else g."""

    @staticmethod
    def forward(ctx, x, lambd):
        inside = (x >= -lambd) & (x <= lambd)
        ctx.save_for_backward(inside)
        return ctx.xp.where(inside, x.dtype.type(0), x)

    @staticmethod
    def backward(ctx, grad):
        (inside,) = ctx.saved_tensors
        return ctx.xp.where(inside, grad.dtype.type(0), grad)


class Softshrink(Function):
    """out = x - lambd for x > lambd, x + lambd for x < -lambd, 0 between (NaN stays NaN);  dx = 0 for
    -lambd <= x <= lambd, else g."""

    @staticmethod
    def forward(ctx, x, lambd):
        xp = ctx.xp
        ctx.save_for_backward(x)
        ctx.lambd = lambd
        with np.errstate(invalid="ignore"):  # x * 0: NaN stays NaN (inf * 0 too, never selected)
            return xp.where(x > lambd, x - lambd, xp.where(x < -lambd, x + lambd, x * 0))

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        inside = (x >= -ctx.lambd) & (x <= ctx.lambd)
        return ctx.xp.where(inside, grad.dtype.type(0), grad)
