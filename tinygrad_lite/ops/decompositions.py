"""Matrix factorisations: Cholesky, the symmetric eigendecomposition, the SVD's singular vectors, QR, and the
pseudo-inverse built on the SVD.

Each factor is its own op (a Function has one output): the factorisation is computed in each forward, and
each backward is the part of the factorisation's gradient that comes from its factor (the full gradient is
linear in the factors' gradients, so the parts add up to it). The formulas are torch's, derived in each
docstring.
"""
import numpy as np

from ..autograd import Function
from .linalg import _transposed


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
