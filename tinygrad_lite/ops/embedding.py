"""Embedding: a lookup of rows in a weight table."""
import numpy as np

from ..autograd import Function


class Embedding(Function):
    """out[..., :] = W[idx[...], :];  dW[r] = sum of g over every position where idx = r."""

    @staticmethod
    def forward(ctx, weight, indices):
        ctx.shape, ctx.indices = weight.shape, indices
        return weight[indices]

    @staticmethod
    def backward(ctx, grad):
        dweight = ctx.xp.zeros(ctx.shape, grad.dtype)
        np.add.at(dweight, ctx.indices, grad)
        return dweight
