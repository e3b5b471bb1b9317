"""Matrix multiplication, the op where nearly all of a network's time goes."""
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
        da = unbroadcast(mm(grad, np.swapaxes(b, -1, -2)), a.shape) if ctx.needs_input_grad[0] else None
        db = unbroadcast(mm(np.swapaxes(a, -1, -2), grad), b.shape) if ctx.needs_input_grad[1] else None
        return da, db
