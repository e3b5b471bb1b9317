"""Movement ops: they rearrange, copy or select elements without arithmetic.

Their backward moves the gradient back to where each element came from:
reshape undoes the reshape, permute applies the inverse permutation, expand sums
the copies, indexing scatter-adds into zeros, cat and stack slice the gradient apart.
"""
import numpy as np

from ..autograd import Function, unbroadcast


class Reshape(Function):
    """out = x viewed with a new shape;  dx = g viewed with x's shape."""

    returns_view = True

    @staticmethod
    def forward(ctx, x, shape):
        ctx.shape = x.shape
        return x.reshape(shape)

    @staticmethod
    def backward(ctx, grad):
        return grad.reshape(ctx.shape)


class Permute(Function):
    """out = x with axes reordered by `dims`;  dx = g with the inverse order."""

    returns_view = True

    @staticmethod
    def forward(ctx, x, dims):
        ctx.dims = dims
        return np.transpose(x, dims)

    @staticmethod
    def backward(ctx, grad):
        return np.transpose(grad, np.argsort(ctx.dims))


class Expand(Function):
    """out = x broadcast to `shape` (no copy);  dx = g summed over the copies."""

    returns_view = True

    @staticmethod
    def forward(ctx, x, shape):
        ctx.shape = x.shape
        return np.broadcast_to(x, shape)

    @staticmethod
    def backward(ctx, grad):
        return unbroadcast(grad, ctx.shape)


class GetItem(Function):
    """out = x[index];  dx = zeros with g added at index (repeated indices add up).

    `index` is already normalized (numpy arrays for advanced indices). With only
    basic indices (ints, slices, None) no element is picked twice, so plain
    assignment suffices; `np.add.at` handles the advanced case, where the same
    element may be picked several times and each pick contributes.
    """

    returns_view = True

    @staticmethod
    def forward(ctx, x, index):
        ctx.shape, ctx.index = x.shape, index
        ctx.advanced = any(isinstance(i, np.ndarray) for i in index)
        return x[index]

    @staticmethod
    def backward(ctx, grad):
        dx = ctx.xp.zeros(ctx.shape, grad.dtype)
        if ctx.advanced:
            np.add.at(dx, ctx.index, grad)
        else:
            dx[ctx.index] = grad
        return dx


class Cat(Function):
    """out = the inputs joined along `axis`;  d(input i) = g's slice where input i landed."""

    @staticmethod
    def forward(ctx, *arrays, axis):
        ctx.axis = axis
        ctx.offsets = np.cumsum([a.shape[axis] for a in arrays])[:-1]
        return np.concatenate(arrays, axis=axis)

    @staticmethod
    def backward(ctx, grad):
        return tuple(np.split(grad, ctx.offsets, axis=ctx.axis))


class Stack(Function):
    """out = the inputs stacked along a new `axis`;  d(input i) = g taken at position i of that axis."""

    @staticmethod
    def forward(ctx, *arrays, axis):
        ctx.axis = axis
        return np.stack(arrays, axis=axis)

    @staticmethod
    def backward(ctx, grad):
        return tuple(np.moveaxis(grad, ctx.axis, 0))


class ToDevice(Function):
    """out = x on another device (same values);  dx = g moved back to x's device."""

    returns_view = True

    @staticmethod
    def forward(ctx, x, target):
        ctx.output_backend = target
        return target.asarray(ctx.backend.to_numpy(x))

    @staticmethod
    def backward(ctx, grad):
        return ctx.backend.asarray(ctx.output_backend.to_numpy(grad))
