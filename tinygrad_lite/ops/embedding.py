"""Embedding: a lookup of rows in a weight table, and its options' backward (padding row, frequency scaling)."""
from ..autograd import Function
from .gather import scatter_at


class Embedding(Function):
    """out[..., :] = W[idx[...], :];  dW[r] = sum of g over every position where idx = r.

    With `padding_idx` = p, dW[p] = 0 (the padding row is looked up but never trained). With
    `scale_grad_by_freq`, each position's g is divided by the number of times its row occurs in idx."""

    @staticmethod
    def forward(ctx, weight, indices, padding_idx=None, scale_grad_by_freq=False):
        indices = ctx.xp.asarray(indices)
        ctx.shape, ctx.indices = weight.shape, indices
        ctx.padding_idx, ctx.scale_grad_by_freq = padding_idx, scale_grad_by_freq
        return weight[indices]

    @staticmethod
    def backward(ctx, grad):
        xp, rows = ctx.xp, ctx.indices.reshape(-1)
        values = grad.reshape(rows.size, ctx.shape[1])
        if ctx.scale_grad_by_freq:
            counts = xp.bincount(rows, minlength=ctx.shape[0])
            values = values / counts[rows][:, None].astype(values.dtype)
        dweight = xp.zeros(ctx.shape, grad.dtype)
        scatter_at(xp, "add", dweight, (rows,), values)
        if ctx.padding_idx is not None:
            dweight[ctx.padding_idx] = 0
        return dweight
