"""Layer normalization over the trailing axes."""
from ..autograd import Function


class LayerNorm(Function):
    """y = xhat w + b, xhat = (x - mean) rstd;  dx = rstd (gy - mean(gy) - xhat mean(gy xhat)), gy = g w.

    Normalizes over the last `D` elements of each row.
    Inputs: x of shape (..., *normalized_shape), and optionally w and b of shape
    normalized_shape. The backend sees x as (N, D); the backward formulas are in
    `backend.layer_norm_backward`.
    """

    @staticmethod
    def forward(ctx, x, weight=None, bias=None, *, norm_size, eps):
        rows = x.reshape(-1, norm_size)
        w = None if weight is None else weight.reshape(-1)
        b = None if bias is None else bias.reshape(-1)
        y, mean, rstd = ctx.backend.layer_norm(rows, w, b, eps)
        ctx.save_for_backward(rows, w, mean, rstd)
        ctx.shape = x.shape
        ctx.param_shapes = [None if p is None else p.shape for p in (weight, bias)]
        return y.reshape(x.shape)

    @staticmethod
    def backward(ctx, grad):
        rows, w, mean, rstd = ctx.saved_tensors
        dx, dw, db = ctx.backend.layer_norm_backward(rows, w, mean, rstd, grad.reshape(rows.shape))
        weight_shape, bias_shape = ctx.param_shapes
        return ctx.by_position(dx.reshape(ctx.shape),
                               None if weight_shape is None else dw.reshape(weight_shape),
                               None if bias_shape is None else db.reshape(bias_shape))
