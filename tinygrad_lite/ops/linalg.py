"""Linear algebra beyond matmul: einsum, the scaled product-plus-input of addmm/baddbmm, singular values,
inverses, determinants and solves (the factorisations are in ops/decompositions.py).

The products go through `ctx.backend.matmul` (the fast path of ops/matmul.py's MatMul) where
the shapes allow; einsum goes through the array module's einsum.
"""
import numpy as np

from ..autograd import Function, unbroadcast


class Einsum(Function):
    """out[output labels] = sum over every other label of prod_k operand_k[labels_k].

    `inputs` are the operands' label strings and `output` the result's, one letter per axis
    (ellipses already spelled out as letters, sizes already broadcast: see linalg_functions.einsum).

    Backward. The output is linear in each operand, so for operand k with labels L_k,
        d out / d operand_k[L_k] = sum over the labels in no other place of g[output] prod_{j != k} operand_j[L_j],
    which is itself an einsum of the upstream gradient g (labels `output`) with the other operands,
    written out to operand k's labels. Two details make it exact:
      * a label of operand k that appears nowhere else (summed away in the forward,
        'ij->i') has a gradient constant along it: the einsum gives the gradient without that
        axis and it is broadcast back along it;
      * a label repeated in operand k ('ii->i', a diagonal) names one value per index:
        the gradient is written onto that diagonal of a zero array (off-diagonal elements did not
        take part, so their gradient is 0).
    """

    @staticmethod
    def forward(ctx, *operands, inputs, output):
        ctx.save_for_backward(*operands)
        ctx.inputs, ctx.output = inputs, output
        # optimize: numpy contracts through BLAS (tensordot) where it can, instead of its own loops
        return ctx.xp.einsum(",".join(inputs) + "->" + output, *operands, optimize=len(operands) > 1)

    @staticmethod
    def backward(ctx, grad):
        operands = ctx.saved_tensors
        return tuple(_operand_grad(ctx, grad, operands, k) if ctx.needs_input_grad[k] else None
                     for k in range(len(operands)))


def _operand_grad(ctx, grad, operands, k):
    xp, labels = ctx.xp, ctx.inputs[k]
    x = operands[k]
    sizes = dict(zip(labels, x.shape))
    unique = "".join(dict.fromkeys(labels))
    others = [j for j in range(len(operands)) if j != k]
    elsewhere = set(ctx.output).union(*(ctx.inputs[j] for j in others))
    kept = "".join(label for label in unique if label in elsewhere)
    subscripts = ",".join([ctx.output] + [ctx.inputs[j] for j in others]) + "->" + kept
    g = xp.einsum(subscripts, grad, *(operands[j] for j in others), optimize=len(others) > 0)
    # `kept` is in `unique`'s order: size-1 axes for the labels summed only here, then broadcast
    g = xp.broadcast_to(g.reshape(tuple(sizes[label] if label in kept else 1 for label in unique)),
                        tuple(sizes[label] for label in unique))
    if len(unique) == len(labels):  # no repeated label: `unique` is `labels`
        return g.astype(grad.dtype, copy=False)
    dx = xp.zeros(x.shape, grad.dtype)
    positions = tuple(xp.arange(sizes[label]).reshape(tuple(-1 if u == label else 1 for u in unique))
                      for label in labels)
    dx[positions] = g
    return dx


class AddMatMul(Function):
    """out = beta input + alpha (a @ b), with input broadcast to the product's shape;
    a @ b is one matrix product (2-D operands) or a batch of them (3-D).

    d input = beta g (summed back to input's shape),  d a = alpha g b^T,  d b = alpha a^T g:
    the rules of MatMul, scaled. As torch, beta = 0 ignores input's values (NaN and inf in
    it do not reach the result) and its gradient is 0.
    """

    @staticmethod
    def forward(ctx, input, a, b, beta, alpha):
        ctx.save_for_backward(a, b)
        ctx.beta, ctx.alpha, ctx.input_shape = beta, alpha, input.shape
        out = ctx.backend.matmul(a, b)
        if alpha != 1:
            out = out * out.dtype.type(alpha)
        if beta != 0:
            out = out + (input if beta == 1 else input * input.dtype.type(beta))
        return out.astype(a.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        mm, alpha = ctx.backend.matmul, grad.dtype.type(ctx.alpha)
        dinput = unbroadcast(grad * grad.dtype.type(ctx.beta), ctx.input_shape) if ctx.needs_input_grad[0] else None
        da = mm(grad, np.swapaxes(b, -1, -2)) * alpha if ctx.needs_input_grad[1] else None
        db = mm(np.swapaxes(a, -1, -2), grad) * alpha if ctx.needs_input_grad[2] else None
        return dinput, da, db


class SingularValues(Function):
    """out = the singular values s of each matrix A = U diag(s) V^T (descending);  dA = U diag(g) V^T.

    The gradient follows from d s_i = u_i^T dA v_i (u_i, v_i the singular vectors): exact
    where the singular values are distinct, as torch's svdvals gradient.
    """

    @staticmethod
    def forward(ctx, a):
        u, s, vh = ctx.xp.linalg.svd(a, full_matrices=False)
        ctx.save_for_backward(u.astype(a.dtype, copy=False), vh.astype(a.dtype, copy=False))
        return s.astype(a.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        u, vh = ctx.saved_tensors
        return ctx.backend.matmul(u * grad[..., None, :], vh).astype(grad.dtype, copy=False)


def _transposed(a):
    return a.swapaxes(-1, -2)


def _refuse_singular(xp, op, compute):
    """compute(), with the array module's "singular matrix" error turned into one naming `op`."""
    try:
        return compute()
    except np.linalg.LinAlgError:  # cupy raises numpy's too
        raise ValueError(f"{op}: the matrix is singular (not invertible)") from None


class Inverse(Function):
    """out = A^-1 (each matrix of a batch);  dA = -A^-T g A^-T.

    From A A^-1 = I: dA A^-1 + A d(A^-1) = 0, so d(A^-1) = -A^-1 dA A^-1, and the adjoint
    of dA -> -A^-1 dA A^-1 is g -> -A^-T g A^-T."""

    @staticmethod
    def forward(ctx, a, op="inv"):
        out = _refuse_singular(ctx.xp, op, lambda: ctx.xp.linalg.inv(a)).astype(a.dtype, copy=False)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (inv,) = ctx.saved_tensors
        mm, inv_t = ctx.backend.matmul, _transposed(inv)
        return -mm(mm(inv_t, grad), inv_t)


class Determinant(Function):
    """out = det A (each matrix of a batch);  dA = g C, C the cofactor matrix of A (= det(A) A^-T where A is
    invertible).

    C is computed from the singular value decomposition A = U diag(s) V^T, which also holds for singular A:
    C = det(U) det(V) U diag(prod_{j != i} s_j) V^T, so the gradient of a singular matrix of rank n - 1
    (where det(A) A^-T is 0 * inf) comes out right, as torch's."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return ctx.xp.linalg.det(a).astype(a.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        xp = ctx.xp
        (a,) = ctx.saved_tensors
        n = a.shape[-1]
        if n == 0:
            return xp.zeros(a.shape, grad.dtype)
        u, s, vh = xp.linalg.svd(a)
        others = xp.broadcast_to(s[..., None, :], s.shape + (n,)).copy()
        others[..., xp.arange(n), xp.arange(n)] = 1  # row i: every singular value but s_i
        sign = xp.linalg.det(u) * xp.linalg.det(vh)
        cofactor = ctx.backend.matmul(u * others.prod(-1)[..., None, :], vh) * sign[..., None, None]
        return (grad[..., None, None] * cofactor).astype(grad.dtype, copy=False)


class Solve(Function):
    """X = A^-1 B, the solution of A X = B (batch axes broadcast);  dB = A^-T g,  dA = -dB X^T.

    From A X = B: dA X + A dX = dB, so dX = A^-1 (dB - dA X); the adjoint gives dB = A^-T g and
    dA = -(A^-T g) X^T, each summed back over the batch axes it was broadcast along."""

    @staticmethod
    def forward(ctx, a, b, op="solve"):
        x = _refuse_singular(ctx.xp, op, lambda: ctx.xp.linalg.solve(a, b)).astype(a.dtype, copy=False)
        ctx.save_for_backward(a, x)
        ctx.shapes = (a.shape, b.shape)
        return x

    @staticmethod
    def backward(ctx, grad):
        a, x = ctx.saved_tensors
        db = ctx.xp.linalg.solve(_transposed(a), grad).astype(grad.dtype, copy=False)
        da = -ctx.backend.matmul(db, _transposed(x)) if ctx.needs_input_grad[0] else None
        return (None if da is None else unbroadcast(da, ctx.shapes[0]),
                unbroadcast(db, ctx.shapes[1]) if ctx.needs_input_grad[1] else None)


class LogAbsDeterminant(Function):
    """out = log |det A| (each matrix of a batch; -inf for a singular one);  dA = g A^-T.

    d log|det A| = tr(A^-1 dA), whose adjoint is A^-T. Computed from the LU factorisation
    (the array module's slogdet), so it neither overflows nor underflows where det A would.
    A singular matrix has no A^-1: its gradient is NaN."""

    @staticmethod
    def forward(ctx, a):
        sign, logabs = ctx.xp.linalg.slogdet(a)
        ctx.save_for_backward(a)
        ctx.sign = sign.astype(a.dtype, copy=False)
        return logabs.astype(a.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        xp = ctx.xp
        (a,) = ctx.saved_tensors
        singular = ctx.sign == 0
        safe = xp.where(singular[..., None, None], xp.eye(a.shape[-1], dtype=a.dtype), a)
        inv_t = _transposed(xp.linalg.inv(safe))
        inv_t = xp.where(singular[..., None, None], xp.asarray(np.nan, dtype=a.dtype), inv_t)
        return (grad[..., None, None] * inv_t).astype(grad.dtype, copy=False)


def matrix_exponential(xp, mm, a):
    """exp(A) = sum_k A^k / k! by scaling and squaring: exp(A) = exp(A / 2^s)^(2^s) with ||A / 2^s||_1 <= 1/2,
    where the Taylor series to degree 18 is exact to float64's precision (the remainder is under
    0.5^19 / 19! ~ 1e-23 relative)."""
    norm = xp.abs(a).sum(axis=-2).max(initial=0) if a.size else 0.0
    s = max(0, int(np.ceil(np.log2(norm / 0.5)))) if norm > 0.5 else 0
    x = a / (2.0 ** s)
    eye = xp.broadcast_to(xp.eye(a.shape[-1], dtype=a.dtype), a.shape)
    out, term = eye.copy(), eye
    for k in range(1, 19):
        term = mm(term, x) / k
        out = out + term
    for _ in range(s):
        out = mm(out, out)
    return out


class MatrixExp(Function):
    """out = exp(A) = sum_k A^k / k!;  dA = L(A^T, g), the Frechet derivative of exp at A^T in the direction g,
    read off the upper-right block of exp([[A^T, g], [0, A^T]]) (Mathias' block-triangular identity)."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return matrix_exponential(ctx.xp, ctx.backend.matmul, a).astype(a.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        xp = ctx.xp
        (a,) = ctx.saved_tensors
        n = a.shape[-1]
        block = xp.zeros(a.shape[:-2] + (2 * n, 2 * n), grad.dtype)
        at = _transposed(a)
        block[..., :n, :n], block[..., n:, n:], block[..., :n, n:] = at, at, grad
        return matrix_exponential(xp, ctx.backend.matmul, block)[..., :n, n:].astype(grad.dtype, copy=False)
