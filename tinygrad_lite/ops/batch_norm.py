"""Normalization by statistics of the input itself: batch, instance and group norm's core."""
from ..autograd import Function


class BatchNorm(Function):
    """y = x_hat * gamma + beta,  x_hat = (x - mu) / sigma,  sigma = sqrt(var + eps),

    with mu and the biased var taken over `axes` (N = the number of elements reduced per
    statistic), and gamma, beta of `param_shape` (broadcast against x; either may be absent).

    Backward, in closed form (the chain rule through mu and var, collected):
        dx     = (1/N) * gamma / sigma * (N g - sum(g) - x_hat * sum(g x_hat))
        dgamma = sum(g x_hat),  dbeta = sum(g)        (summed over every axis gamma broadcasts on)
    where the sums run over `axes`. Batch norm reduces over (N, *spatial) per channel,
    instance norm over *spatial per (sample, channel), group norm over each group's elements.
    """

    @staticmethod
    def forward(ctx, x, weight=None, bias=None, *, axes, param_shape, eps):
        xp = ctx.xp
        mean = x.mean(axis=axes, keepdims=True)
        centered = x - mean
        var = (centered * centered).mean(axis=axes, keepdims=True)
        rstd = 1.0 / xp.sqrt(var + eps)
        x_hat = centered * rstd
        w = None if weight is None else weight.reshape(param_shape)
        y = x_hat if w is None else x_hat * w
        if bias is not None:
            y = y + bias.reshape(param_shape)
        ctx.save_for_backward(x_hat, rstd, w)
        ctx.axes, ctx.param_shape = axes, param_shape
        ctx.shapes = [None if p is None else p.shape for p in (weight, bias)]
        return y.astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        x_hat, rstd, w = ctx.saved_tensors
        axes = ctx.axes
        weight_shape, bias_shape = ctx.shapes
        # every axis that gamma and beta broadcast along: their gradients sum over these
        param_axes = tuple(i for i, size in enumerate(ctx.param_shape) if size == 1)
        dx = None
        if ctx.needs_grad(0):
            g = grad if w is None else grad * w
            n = 1
            for a in axes:
                n *= grad.shape[a]
            sum_g = g.sum(axis=axes, keepdims=True)
            sum_gx = (g * x_hat).sum(axis=axes, keepdims=True)
            dx = (rstd / n) * (n * g - sum_g - x_hat * sum_gx)
        dw = db = None
        if weight_shape is not None and ctx.needs_grad(1):
            dw = (grad * x_hat).sum(axis=param_axes).reshape(weight_shape)
        if bias_shape is not None and ctx.needs_grad(2):
            db = grad.sum(axis=param_axes).reshape(bias_shape)
        return ctx.by_position(dx, dw, db)
