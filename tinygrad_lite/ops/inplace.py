"""The two nodes an in-place update adds to the graph (see _tensor_inplace.assign_in_place).

An in-place update is recorded as the out-of-place op that computes the new value, followed by
`InPlace`, the node the updated tensor takes over; `IndexPut` is the out-of-place op behind
item assignment `x[index] = value`.
"""
from ..autograd import Function, unbroadcast


class InPlace(Function):
    """out = x, the new value of a tensor updated in place, which takes over this node;  dx = g,
    d(old) = 0: `old`, the overwritten value, is an input so that the tensor stays in the graph
    even when its new value does not depend on it (zero_ gives a zero gradient, as torch's).

    Its context's `previous` is `old`, with that value's node: ops that read the tensor before
    the update send their gradient there."""

    @staticmethod
    def forward(ctx, x, old):
        return x

    @staticmethod
    def backward(ctx, grad):
        return grad, None


class IndexPut(Function):
    """out = x with out[index] = value (value broadcast to x[index]'s shape);

    dx = g with the assigned positions set to 0 (their old values no longer reach the output);
    dvalue = g[index] summed over the axes that broadcasting added or stretched. The index
    arrives read as torch reads it (ops/indexing.py): `basic` first, then `advanced` (or None).
    A position an advanced index names twice is written once (the last write wins, as numpy's),
    but, as in torch, each of its picks receives the gradient there."""

    @staticmethod
    def forward(ctx, x, value, basic, advanced):
        ctx.basic, ctx.advanced, ctx.value_shape = basic, advanced, value.shape
        out = x.copy()
        if advanced is None:
            out[basic] = value
        else:
            out[basic][advanced] = value
        return out

    @staticmethod
    def backward(ctx, grad):
        dx = dvalue = None
        if ctx.needs_grad(0):
            dx = grad.copy()
            if ctx.advanced is None:
                dx[ctx.basic] = 0
            else:
                dx[ctx.basic][ctx.advanced] = 0
        if ctx.needs_grad(1):
            picked = grad[ctx.basic] if ctx.advanced is None else grad[ctx.basic][ctx.advanced]
            dvalue = unbroadcast(picked, ctx.value_shape)
        return ctx.by_position(dx, dvalue)
