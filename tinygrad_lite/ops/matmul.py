"""Matrix multiplication, the op where nearly all of a network's time goes."""
import math

import numpy as np

from ..autograd import Function, unbroadcast


class MatMul(Function):
    """C = A @ B;  dA = dC @ B^T,  dB = A^T @ dC (summed over broadcast batch axes).

    Both operands have two or more dimensions; batch axes broadcast. The rule
    follows from C_ij = sum_k A_ik B_kj: C_ij depends on A_ik through B_kj.
    (The Tensor front end turns 1-D operands into matrices before calling this.)
    """

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return ctx.backend.matmul(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        mm = ctx.backend.matmul
        da = mm(grad, np.swapaxes(b, -1, -2)) if ctx.needs_input_grad[0] else None
        db = mm(np.swapaxes(a, -1, -2), grad) if ctx.needs_input_grad[1] else None
        if a.ndim > 2 or b.ndim > 2:  # broadcast batch axes: sum each gradient back to its input's shape
            da = None if da is None else unbroadcast(da, a.shape)
            db = None if db is None else unbroadcast(db, b.shape)
        return da, db


class Linear(Function):
    """y = x W^T + b over x's last axis;  dx = g W,  dW = g^T x,  db = g summed over all other axes.

    x: (..., in), W: (out, in), b: (out,), () or absent. The same numbers as
    x @ W.T + b, as one op: x's leading axes fold into one, so dW is a single
    (out, in) product (rows of every batch element summed by the product itself)
    that lands in W's own layout, with no transposed copy and no per-batch products
    to add up afterwards.
    """

    @staticmethod
    def forward(ctx, x, weight, bias=None):
        ctx.save_for_backward(x, weight)
        ctx.bias_shape = None if bias is None else bias.shape
        if x.dtype == np.float16 and bias is not None:  # x W^T + b in float32, rounded once (as torch)
            y = ctx.backend.matmul(_rows(x).astype(np.float32), weight.T.astype(np.float32))
            y = (y + bias).astype(np.float16)
        else:
            y = ctx.backend.matmul(_rows(x), weight.T)
            if bias is not None:
                y += bias  # y is this op's own new array
        return y.reshape(*x.shape[:-1], weight.shape[0])

    @staticmethod
    def backward(ctx, grad):
        x, weight = ctx.saved_tensors
        mm = ctx.backend.matmul
        rows = _rows(grad)
        dx = mm(rows, weight).reshape(x.shape) if ctx.needs_grad(0) else None
        dweight = mm(rows.T, _rows(x)) if ctx.needs_grad(1) else None
        dbias = None
        if ctx.needs_grad(2):  # float16 sums accumulate in float32
            total = rows.sum(axis=0, dtype=np.float32 if rows.dtype == np.float16 else None)
            dbias = unbroadcast(total.astype(rows.dtype, copy=False), ctx.bias_shape)
        return ctx.by_position(dx, dweight, dbias)


def _rows(x):
    """x as a matrix: its leading axes folded into one (explicit sizes, so zero-size axes work)."""
    return x.reshape(math.prod(x.shape[:-1]), x.shape[-1])
