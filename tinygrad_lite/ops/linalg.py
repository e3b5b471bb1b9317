"""Linear algebra beyond matmul: einsum, the scaled product-plus-input of addmm/baddbmm, singular values.

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
        return ctx.xp.einsum(",".join(inputs) + "->" + output, *operands, optimize=len(operands) > 2)

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
    g = xp.einsum(subscripts, grad, *(operands[j] for j in others), optimize=len(others) > 1)
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
    def forward(ctx, a, b):
        x = _refuse_singular(ctx.xp, "solve", lambda: ctx.xp.linalg.solve(a, b)).astype(a.dtype, copy=False)
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


class Cholesky(Function):
    """L = cholesky(A), lower triangular with A = L L^T (A symmetric positive definite; only its lower
    triangle is read);  dA = sym(L^-T Phi(L^T g) L^-1), with Phi(X) the lower triangle of X with its
    diagonal halved and sym(X) = (X + X^T) / 2, as torch's.

    From dA = dL L^T + L dL^T: L^-1 dA L^-T = Phi^-1-shaped (L^-1 dL) + its transpose, whose adjoint
    gives the formula."""

    @staticmethod
    def forward(ctx, a):
        xp = ctx.xp
        try:
            out = xp.linalg.cholesky(a).astype(a.dtype, copy=False)
        except np.linalg.LinAlgError:  # cupy raises numpy's too
            raise ValueError("cholesky: the matrix is not positive definite") from None
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        xp, mm = ctx.xp, ctx.backend.matmul
        (low,) = ctx.saved_tensors
        phi = xp.tril(mm(_transposed(low), grad))
        n = low.shape[-1]
        phi[..., xp.arange(n), xp.arange(n)] *= 0.5
        inv = xp.linalg.inv(low)
        ga = mm(mm(_transposed(inv), phi), inv)
        return ((ga + _transposed(ga)) / 2).astype(grad.dtype, copy=False)


def _eigh(xp, a):
    """Eigenvalues (ascending) and orthonormal eigenvectors of the symmetric matrices a (lower triangle read)."""
    values, vectors = xp.linalg.eigh(a)
    return values.astype(a.dtype, copy=False), vectors.astype(a.dtype, copy=False)


class EigenValues(Function):
    """lambda = the eigenvalues of symmetric A = V diag(lambda) V^T (ascending);  dA = V diag(g) V^T.

    From d lambda_i = v_i^T dA v_i (v_i a unit eigenvector)."""

    @staticmethod
    def forward(ctx, a):
        values, vectors = _eigh(ctx.xp, a)
        ctx.save_for_backward(vectors)
        return values

    @staticmethod
    def backward(ctx, grad):
        (v,) = ctx.saved_tensors
        return ctx.backend.matmul(v * grad[..., None, :], _transposed(v)).astype(grad.dtype, copy=False)


class EigenVectors(Function):
    """V = the eigenvectors of symmetric A (columns, in eigenvalue order);
    dA = V ((V^T g - g^T V) / 2 / E) V^T with E_ij = lambda_j - lambda_i (diagonal of the quotient 0), as torch's.

    From dV = V (F o (V^T dA V)), F_ij = 1 / (lambda_j - lambda_i) off the diagonal: the eigenvectors turn
    towards each other at a rate 1 / (gap); tied eigenvalues make it infinite (no unique eigenvectors)."""

    @staticmethod
    def forward(ctx, a):
        values, vectors = _eigh(ctx.xp, a)
        ctx.save_for_backward(values, vectors)
        return vectors

    @staticmethod
    def backward(ctx, grad):
        xp, mm = ctx.xp, ctx.backend.matmul
        values, v = ctx.saved_tensors
        vg = mm(_transposed(v), grad)
        skew = (vg - _transposed(vg)) / 2
        gaps = values[..., None, :] - values[..., :, None]
        n = values.shape[-1]
        gaps[..., xp.arange(n), xp.arange(n)] = 1
        with np.errstate(divide="ignore", invalid="ignore"):
            inner = skew / gaps
        return mm(mm(v, inner), _transposed(v)).astype(grad.dtype, copy=False)


def _svd_parts(ctx, a, full):
    """U, s, Vh of a (the reduced ones saved for backward; the full ones returned when `full`)."""
    xp = ctx.xp
    u, s, vh = xp.linalg.svd(a, full_matrices=False)
    u, s, vh = (x.astype(a.dtype, copy=False) for x in (u, s, vh))
    ctx.save_for_backward(u, s, vh)
    ctx.full = full and a.shape[-1] != a.shape[-2]
    if ctx.full:
        fu, _, fvh = xp.linalg.svd(a, full_matrices=True)
        return fu.astype(a.dtype, copy=False), s, fvh.astype(a.dtype, copy=False)
    return u, s, vh


def _svd_gaps(xp, s):
    """E_jk = s_k^2 - s_j^2, with 1 on the diagonal (where the quotients it divides are 0)."""
    s2 = s * s
    gaps = s2[..., None, :] - s2[..., :, None]
    k = s.shape[-1]
    gaps[..., xp.arange(k), xp.arange(k)] = 1
    return gaps


def _refuse_full(ctx, name):
    if ctx.full:
        raise RuntimeError(f"svd: the gradient of {name} is defined only for full_matrices=False (as torch); "
                           "call svd(A, full_matrices=False)")


class SvdU(Function):
    """U of A = U diag(s) V^T (columns: left singular vectors);
    dA = [U ((skew(U^T g) / E) diag(s)) + (I - U U^T) g diag(1/s)] V^T, skew(X) = X - X^T,
    E_jk = s_k^2 - s_j^2: torch's svd_backward with only U's gradient (it is linear in the three)."""

    @staticmethod
    def forward(ctx, a, full=False):
        return _svd_parts(ctx, a, full)[0]

    @staticmethod
    def backward(ctx, grad):
        _refuse_full(ctx, "U")
        xp, mm = ctx.xp, ctx.backend.matmul
        u, s, vh = ctx.saved_tensors
        utg = mm(_transposed(u), grad)
        with np.errstate(divide="ignore", invalid="ignore"):
            inner = (utg - _transposed(utg)) / _svd_gaps(xp, s) * s[..., None, :]
            ga = mm(u, inner)
            if u.shape[-2] > u.shape[-1]:  # the part of g outside U's span
                g_sinv = grad / s[..., None, :]
                ga = ga + g_sinv - mm(u, mm(_transposed(u), g_sinv))
        return mm(ga, vh).astype(grad.dtype, copy=False)


class SvdVh(Function):
    """V^T of A = U diag(s) V^T (rows: right singular vectors); with gV = g^T,
    dA = U [(diag(s) (skew(V^T gV) / E)) V^T + diag(1/s) gV^T (I - V V^T)], as torch's svd_backward."""

    @staticmethod
    def forward(ctx, a, full=False):
        return _svd_parts(ctx, a, full)[2]

    @staticmethod
    def backward(ctx, grad):
        _refuse_full(ctx, "Vh")
        xp, mm = ctx.xp, ctx.backend.matmul
        u, s, vh = ctx.saved_tensors
        v, gv = _transposed(vh), _transposed(grad)
        vtg = mm(vh, gv)
        with np.errstate(divide="ignore", invalid="ignore"):
            inner = s[..., :, None] * ((vtg - _transposed(vtg)) / _svd_gaps(xp, s))
            ga = mm(inner, vh)
            if vh.shape[-1] > vh.shape[-2]:  # the part of g outside V's span
                sinv_gvh = grad / s[..., :, None]
                ga = ga + sinv_gvh - mm(mm(sinv_gvh, v), vh)
        return mm(u, ga).astype(grad.dtype, copy=False)


def _copy_lower_to_upper(xp, m):
    """tril(M) + tril(M, -1)^T: the symmetric matrix whose lower triangle is M's."""
    return xp.tril(m) + _transposed(xp.tril(m, -1))


class _QR(Function):
    """Shared forward of QrQ and QrR: A = Q R (Q orthonormal columns, R upper triangular), numpy's reduced or
    complete factorisation; the gradient needs the reduced one of a tall or square A (m >= n)."""

    @staticmethod
    def factor(ctx, a, mode):
        q, r = ctx.xp.linalg.qr(a, mode="complete" if mode == "complete" else "reduced")
        q, r = q.astype(a.dtype, copy=False), r.astype(a.dtype, copy=False)
        ctx.save_for_backward(q, r)
        ctx.mode, ctx.wide = mode, a.shape[-2] < a.shape[-1]
        return q, r

    @staticmethod
    def gradient(ctx, grad_q, grad_r):
        """gA = (gQ + Q copyltu(M)) R^-T with M = R gR^T - gQ^T Q (m >= n, reduced: Walter and Lehmann's
        formula, the one torch uses there)."""
        if ctx.mode == "r":
            raise RuntimeError("qr: the gradient of R depends on Q, which mode='r' does not compute (as torch); "
                               "use mode='reduced'")
        if ctx.wide:
            raise RuntimeError("qr: the gradient of the QR factorisation of a wide matrix (m < n) is not implemented")
        q, r = ctx.saved_tensors
        if ctx.mode == "complete" and q.shape[-1] != r.shape[-1]:
            raise RuntimeError("qr: the gradient of mode='complete' exists only for square matrices (as torch); "
                               "use mode='reduced'")
        mm = ctx.backend.matmul
        m = 0
        if grad_r is not None:
            m = m + mm(r, _transposed(grad_r))
        if grad_q is not None:
            m = m - mm(_transposed(grad_q), q)
        ga = mm(q, _copy_lower_to_upper(ctx.xp, m))
        if grad_q is not None:
            ga = ga + grad_q
        return mm(ga, _transposed(ctx.xp.linalg.inv(r)))


class QrQ(_QR):
    """Q of A = Q R; its gradient is _QR.gradient with gR = 0."""

    @staticmethod
    def forward(ctx, a, mode="reduced"):
        return _QR.factor(ctx, a, mode)[0]

    @staticmethod
    def backward(ctx, grad):
        return _QR.gradient(ctx, grad, None).astype(grad.dtype, copy=False)


class QrR(_QR):
    """R of A = Q R; its gradient is _QR.gradient with gQ = 0."""

    @staticmethod
    def forward(ctx, a, mode="reduced"):
        return _QR.factor(ctx, a, mode)[1]

    @staticmethod
    def backward(ctx, grad):
        return _QR.gradient(ctx, None, grad).astype(grad.dtype, copy=False)


class PseudoInverse(Function):
    """out = A^+, the Moore-Penrose pseudo-inverse: V diag(1/s) U^T over the singular values s above
    max(cutoff_atol, cutoff_rtol * max s) (the others count as 0). Gradient, as torch's pinv_backward (valid
    where the rank does not change), for A of shape (m, n) with P = A^+ and m <= n:
        K = g^T P;  dA = -(P K)^T + K P^T - A P K P^T + P^T P (g^T - K A),
    and the same arrangement transposed for m > n: K = P g^T; dA = -(K P)^T + (g^T - A K) P P^T + P^T K - P^T K P A.
    It is the derivative of P = A^+ through dP = -P dA P + P P^T dA^T (I - A P) + (I - P A) dA^T P^T P."""

    @staticmethod
    def forward(ctx, a, cutoff_rtol, cutoff_atol):
        xp = ctx.xp
        u, s, vh = xp.linalg.svd(a, full_matrices=False)
        biggest = s.max(axis=-1, keepdims=True, initial=0)
        keep = s > xp.maximum(cutoff_atol, cutoff_rtol * biggest)
        with np.errstate(divide="ignore"):
            s_inv = xp.where(keep, 1 / xp.where(keep, s, 1), 0)
        out = ctx.backend.matmul(_transposed(vh) * s_inv[..., None, :], _transposed(u)).astype(a.dtype, copy=False)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        mm = ctx.backend.matmul
        a, p = ctx.saved_tensors
        pt, gt = _transposed(p), _transposed(grad)
        if a.shape[-2] <= a.shape[-1]:
            k = mm(gt, p)
            kpt = mm(k, pt)
            ga = -_transposed(mm(p, k)) + kpt - mm(mm(a, p), kpt) + mm(mm(pt, p), gt - mm(k, a))
        else:
            k = mm(p, gt)
            ptk = mm(pt, k)
            ga = -_transposed(mm(k, p)) + mm(mm(gt - mm(a, k), p), pt) + ptk - mm(mm(ptk, p), a)
        return ga.astype(grad.dtype, copy=False)
