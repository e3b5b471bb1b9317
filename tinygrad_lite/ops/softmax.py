"""Softmax and log-softmax along one axis; the math is in the backend's reference methods."""
from ..autograd import Function


class Softmax(Function):
    """y_i = exp(x_i - max x) / sum_j exp(x_j - max x);  dx = y (g - sum_j g_j y_j)."""

    @staticmethod
    def forward(ctx, x, axis):
        y = ctx.backend.softmax(x, axis)
        ctx.save_for_backward(y)
        ctx.axis = axis
        return y

    @staticmethod
    def backward(ctx, grad):
        return ctx.backend.softmax_backward(ctx.saved_tensors[0], grad, ctx.axis)


class LogSoftmax(Function):
    """y_i = x_i - logsumexp(x);  dx = g - exp(y) sum_j g_j."""

    @staticmethod
    def forward(ctx, x, axis):
        y = ctx.backend.log_softmax(x, axis)
        ctx.save_for_backward(y)
        ctx.axis = axis
        return y

    @staticmethod
    def backward(ctx, grad):
        return ctx.backend.log_softmax_backward(ctx.saved_tensors[0], grad, ctx.axis)
