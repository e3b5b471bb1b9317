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
    """out = x[basic][advanced];  dx = zeros with g added where each element of out came from.

    The index arrives read the way torch reads it (ops/indexing.py): `basic` (ints, slices,
    None) selects a view of x, then `advanced` (full slices and int arrays, or None) picks
    elements of that view. A basic index picks each element at most once, so plain
    assignment suffices; an advanced one may pick an element several times, and
    `add.at` adds every pick into the view of dx that `basic` selects.
    """

    returns_view = True

    @staticmethod
    def forward(ctx, x, basic, advanced):
        ctx.shape, ctx.basic, ctx.advanced = x.shape, basic, advanced
        view = x[basic]
        return view if advanced is None else view[advanced]

    @staticmethod
    def backward(ctx, grad):
        dx = ctx.xp.zeros(ctx.shape, grad.dtype)
        if ctx.advanced is None:
            dx[ctx.basic] = grad
        else:
            ctx.xp.add.at(dx[ctx.basic], ctx.advanced, grad)
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


class Contiguous(Function):
    """out = a copy of x laid out in row-major memory;  dx = g (the values are x's)."""

    @staticmethod
    def forward(ctx, x):
        return ctx.xp.ascontiguousarray(x)

    @staticmethod
    def backward(ctx, grad):
        return grad
