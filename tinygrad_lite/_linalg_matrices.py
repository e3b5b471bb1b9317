"""tg.linalg's functions of whole matrices: svdvals, inv, det, slogdet, solve, solve_triangular, cholesky, eigh,
eigvalsh, matrix_power, matrix_exp, svd, qr, pinv, matrix_rank, lstsq, cond (re-exported by tinygrad_lite.linalg,
with the shared checks).

Each checks its arguments here, then calls its op (ops/linalg.py, ops/decompositions.py), whose docstring
derives the gradient; matrix_power and lstsq are written with matmul, inv and pinv. float16 input is computed
in float32 and rounded once.
"""
import math

import numpy as np

from . import _tensor as _t, dtypes, return_types
from ._validate import check_bool, check_choice, check_number
from .ops import decompositions as dec, linalg as la


def _tensor(op, value, name="input"):
    if not isinstance(value, _t.Tensor):
        raise TypeError(f"{op}: argument '{name}' must be a Tensor, not {type(value).__name__}")
    return value


def _float(x, dtype, op):
    """x, refused unless floating point (TypeError naming `op`), cast to `dtype` (a float dtype) if given, as torch."""
    if x.dtype.kind != "f":
        raise TypeError(f"{op}: expected a floating-point tensor as input, got {x.dtype} (as torch); "
                        "convert it first, e.g. x.astype(tg.float32)")
    if dtype is not None:
        dtype = dtypes.check(dtype, op)
        if dtype.kind != "f":
            raise TypeError(f"{op}: dtype must be a floating-point dtype, not {dtype}")
        x = x.astype(dtype)
    return x


def _singular_values(A, op):
    """The singular values of the matrices over A's last two axes; NaN and inf refused (the SVD has no answer)."""
    if not bool(A._backend.xp.isfinite(A.array).all()):
        raise ValueError(f"{op}: the input holds NaN or inf; its singular value decomposition does not exist")
    return la.SingularValues.apply(A)


def svdvals(A):
    """The singular values of each matrix of A (..., m, n), descending: A = U diag(s) V^T.

    dA = U diag(g) V^T, exact where the singular values are distinct (as torch's)."""
    op = "svdvals"
    A = _float(_tensor(op, A, "A"), None, op)
    if A.ndim < 2:
        raise ValueError(f"{op}: needs a tensor with at least 2 dimensions, got shape {A.shape}")
    wide = A.astype(dtypes.float32) if A.dtype == dtypes.float16 else A
    out = _singular_values(wide, op)
    return out if out.dtype == A.dtype else out.astype(A.dtype)


def _square(A, op, name="A"):
    A = _float(_tensor(op, A, name), None, op)
    if A.ndim < 2 or A.shape[-1] != A.shape[-2]:
        raise ValueError(f"{op}: {name} must be a (batch of) square matrices, got shape {A.shape}")
    if not bool(A._backend.xp.isfinite(A.array).all()):
        raise ValueError(f"{op}: {name} holds NaN or inf")
    return A


def _square_op(A, op, function):
    """function(A) after checking A as `op`'s square-matrix argument (for the Tensor methods' names)."""
    return function(_square(A, op))


def _in_float32(function, A, *others):
    """function(A, *others) for float inputs, float16 in float32 and rounded once."""
    if A.dtype != dtypes.float16:
        return function(A, *others)
    return function(A.astype(dtypes.float32), *(t.astype(dtypes.float32) for t in others)).astype(dtypes.float16)


def inv(A):
    """A^-1 for each square matrix of A (..., n, n); dA = -A^-T g A^-T. A singular matrix is a ValueError
    (torch: LinAlgError, a RuntimeError)."""
    return _inv(A, "inv")


def _inv(A, op):
    return _in_float32(lambda a: la.Inverse.apply(a, op=op), _square(A, op))


def det(A):
    """det A for each square matrix of A (..., n, n); dA = g C with C the cofactor matrix (det(A) A^-T where
    A is invertible, and right for singular A too: see ops/linalg.Determinant)."""
    return _in_float32(la.Determinant.apply, _square(A, "det"))


def slogdet(A):
    """(sign, logabsdet) of each square matrix: det A = sign * exp(logabsdet), the named tuple
    return_types.slogdet. sign is -1, 0 or 1 (no gradient); d logabsdet / dA = A^-T (NaN for a
    singular matrix, whose logabsdet is -inf). Computed from the LU factorisation, so a determinant
    too large or too small for the dtype still has its logarithm."""
    A = _square(A, "slogdet")
    logabs = _in_float32(la.LogAbsDeterminant.apply, A)
    sign = _t.Tensor._wrap(A._backend.xp.linalg.slogdet(A.array)[0].astype(A.dtype), A._backend)
    return return_types.slogdet(sign, logabs)


def _logdet(A, op):
    """log det A: logabsdet where det > 0, NaN where det < 0 (as torch.logdet), -inf where det = 0."""
    sign, logabs = slogdet(_square(A, op))
    return _t.Tensor.where(sign.array >= 0, logabs, math.nan)


def solve(A, B, *, left=True):
    """X with A X = B (left=True) or X A = B (left=False), for square A (..., n, n) and B (..., n, k) or a
    vector B (..., n); batch axes broadcast. dB = A^-T g, dA = -dB X^T (see ops/linalg.Solve)."""
    op = "solve"
    A = _square(A, op)
    _tensor(op, B, "B")
    left = check_bool(left, "left", op)
    if B.dtype != A.dtype:
        raise TypeError(f"{op}: A and B must have the same dtype (as torch), got {A.dtype} and {B.dtype}")
    return _solve(A, B, left, op)


def _solve(A, B, left, op):
    if not left:  # X A = B  <=>  A^T X^T = B^T
        return _solve(A.transpose(-1, -2), B.transpose(-1, -2), True, op).transpose(-1, -2)
    vector = B.ndim == 1 or (B.ndim == A.ndim - 1 and B.shape == A.shape[:-1])
    B2 = B.unsqueeze(-1) if vector else B
    if B2.ndim < 2 or B2.shape[-2] != A.shape[-1] or not _t._broadcastable(A.shape[:-2], B2.shape[:-2]):
        raise ValueError(f"{op}: A of shape {A.shape} and B of shape {B.shape} do not fit A X = B")
    out = _in_float32(lambda a, b: la.Solve.apply(a, b, op=op), A, B2)
    return out.squeeze(-1) if vector else out


def _symmetric(A, op, uplo):
    """A (square, finite) read from its lower ('L') or upper ('U') triangle, as a symmetric matrix: the
    triangle the factorisations read, mirrored (so the gradient of the other triangle is 0, as torch's)."""
    A = _square(A, op)
    check_choice(uplo, "UPLO", op, ("L", "U"))
    return A if uplo == "L" else A.transpose(-1, -2)


def cholesky(A, *, upper=False):
    """L lower triangular with A = L L^T, for symmetric positive definite A (its lower triangle is read);
    upper=True gives U = L^T (A = U^T U). dA = sym(L^-T Phi(L^T g) L^-1) (see ops/decompositions.Cholesky).
    A matrix that is not positive definite is a ValueError (torch: LinAlgError)."""
    op = "cholesky"
    upper = check_bool(upper, "upper", op)
    out = _in_float32(dec.Cholesky.apply, _square(A, op))
    return out.transpose(-1, -2) if upper else out


def eigh(A, UPLO="L"):
    """(eigenvalues, eigenvectors) of each symmetric matrix A = V diag(lambda) V^T, eigenvalues ascending,
    as the named tuple return_types.linalg_eigh. Only the UPLO triangle of A is read. Gradients as torch's:
    dA = V (diag(g_lambda) + skew(V^T g_V) / gaps) V^T, infinite where eigenvalues tie."""
    A = _symmetric(A, "eigh", UPLO)
    values = _in_float32(dec.EigenValues.apply, A)
    vectors = _in_float32(dec.EigenVectors.apply, A)
    return return_types.linalg_eigh(values, vectors)


def eigvalsh(A, UPLO="L"):
    """The eigenvalues (ascending) of each symmetric matrix A (its UPLO triangle read); dA = V diag(g) V^T."""
    return _in_float32(dec.EigenValues.apply, _symmetric(A, "eigvalsh", UPLO))


def matrix_power(A, n):
    """A^n for each square matrix of A and an integer n: A @ A @ ... (by repeated squaring), the identity
    for n = 0, (A^-1)^-n for n < 0. Written with matmul (and inv), so its gradient is theirs."""
    op = "matrix_power"
    _tensor(op, A, "A")
    if isinstance(n, (bool, np.bool_)) or not isinstance(n, (int, np.integer)):
        raise TypeError(f"{op}: n must be an integer, not {n!r}")
    if A.ndim < 2 or A.shape[-1] != A.shape[-2]:
        raise ValueError(f"{op}: A must be a (batch of) square matrices, got shape {A.shape}")
    if A.dtype == np.bool_:
        raise TypeError(f"{op}: not supported for bool tensors (as in torch); convert first")
    n = int(n)
    if n == 0:
        eye = _t.Tensor._wrap(A._backend.xp.broadcast_to(A._backend.xp.eye(A.shape[-1], dtype=A.dtype), A.shape).copy(),
                              A._backend)
        return eye
    if n < 0:
        A, n = _inv(A, op), -n
    result, power = None, A
    while n:
        if n & 1:
            result = power if result is None else result.matmul(power)
        n >>= 1
        if n:
            power = power.matmul(power)
    return result


def svd(A, full_matrices=True):
    """(U, S, Vh) with A = U diag(S) Vh for each matrix of A (..., m, n), S descending, as the named tuple
    return_types.linalg_svd. full_matrices=False gives U (m, k) and Vh (k, n), k = min(m, n); True (the
    default, as torch) gives square U (m, m) and Vh (n, n), whose gradients, as torch's, exist only when
    m = n. Gradients are torch's svd_backward, split by output (see ops/decompositions.SvdU, SvdVh,
    SingularValues): exact where the singular values are distinct and non-zero; the singular vectors'
    signs are those of the array module's SVD (any sign is a valid SVD)."""
    op = "svd"
    full_matrices = check_bool(full_matrices, "full_matrices", op)
    A = _float(_tensor(op, A, "A"), None, op)
    if A.ndim < 2:
        raise ValueError(f"{op}: needs a tensor with at least 2 dimensions, got shape {A.shape}")
    if not bool(A._backend.xp.isfinite(A.array).all()):
        raise ValueError(f"{op}: the input holds NaN or inf; its singular value decomposition does not exist")
    u = _in_float32(lambda a: dec.SvdU.apply(a, full=full_matrices), A)
    vh = _in_float32(lambda a: dec.SvdVh.apply(a, full=full_matrices), A)
    return return_types.linalg_svd(u, _in_float32(la.SingularValues.apply, A), vh)


def qr(A, mode="reduced"):
    """(Q, R) with A = Q R for each matrix of A (..., m, n): Q with orthonormal columns, R upper triangular,
    as the named tuple return_types.linalg_qr. mode 'reduced': Q (m, k), R (k, n), k = min(m, n);
    'complete': Q (m, m), R (m, n); 'r': R only (Q empty). Gradient (see ops/decompositions._QR): for m >= n,
    gA = (gQ + Q copyltu(R gR^T - gQ^T Q)) R^-T, as torch's; a wide matrix (m < n) has none here."""
    op = "qr"
    check_choice(mode, "mode", op, ("reduced", "complete", "r"))
    A = _float(_tensor(op, A, "A"), None, op)
    if A.ndim < 2:
        raise ValueError(f"{op}: needs a tensor with at least 2 dimensions, got shape {A.shape}")
    if not bool(A._backend.xp.isfinite(A.array).all()):
        raise ValueError(f"{op}: the input holds NaN or inf")
    r = _in_float32(lambda a: dec.QrR.apply(a, mode=mode), A)
    if mode == "r":
        q = _t.Tensor._wrap(A._backend.xp.zeros((0,), A.dtype), A._backend)
    else:
        q = _in_float32(lambda a: dec.QrQ.apply(a, mode=mode), A)
    return return_types.linalg_qr(q, r)


def _tolerances(A, atol, rtol, op):
    """torch's cutoff for "zero" singular values: max(atol, rtol * max s), with rtol = eps * max(m, n) when
    neither is given and 0 when only atol is."""
    atol = 0.0 if atol is None else check_number(atol, "atol", op, low=0)
    if rtol is None:
        rtol = 0.0 if atol > 0 else float(np.finfo(A.dtype).eps) * max(A.shape[-2:])
    else:
        rtol = check_number(rtol, "rtol", op, low=0)
    return atol, rtol


def _matrices(A, op):
    A = _float(_tensor(op, A, "A"), None, op)
    if A.ndim < 2:
        raise ValueError(f"{op}: needs a tensor with at least 2 dimensions, got shape {A.shape}")
    if not bool(A._backend.xp.isfinite(A.array).all()):
        raise ValueError(f"{op}: the input holds NaN or inf")
    return A


def pinv(A, *, atol=None, rtol=None, hermitian=False):
    """The Moore-Penrose pseudo-inverse A^+ = V diag(1/s) U^T of each matrix (singular values at or below
    max(atol, rtol * max s) count as 0; rtol defaults to eps * max(m, n)). hermitian is accepted (the same
    answer for a symmetric A). Gradient as torch's (see ops/decompositions.PseudoInverse)."""
    return _pinv(A, atol, rtol, hermitian, "pinv")


def _pinv(A, atol, rtol, hermitian, op):
    check_bool(hermitian, "hermitian", op)
    A = _matrices(A, op)
    atol, rtol = _tolerances(A, atol, rtol, op)
    return _in_float32(lambda a: dec.PseudoInverse.apply(a, cutoff_rtol=rtol, cutoff_atol=atol), A)


def matrix_rank(A, *, atol=None, rtol=None, hermitian=False):
    """The number of singular values of each matrix above max(atol, rtol * max s) (int64; rtol defaults to
    eps * max(m, n)). No gradient."""
    op = "matrix_rank"
    check_bool(hermitian, "hermitian", op)
    A = _matrices(A, op)
    atol, rtol = _tolerances(A, atol, rtol, op)
    xp = A._backend.xp
    s = xp.linalg.svd(A.array, compute_uv=False)
    cutoff = xp.maximum(atol, rtol * s.max(axis=-1, keepdims=True, initial=0))
    return _t.Tensor._wrap(xp.asarray((s > cutoff).sum(axis=-1)).astype(np.int64), A._backend)


_DRIVERS = ("gels", "gelsy", "gelsd", "gelss")


def lstsq(A, B, rcond=None, *, driver=None):
    """The least-squares solution X of A X = B (minimising ||A X - B|| and then ||X||): X = A^+ B, for
    A (..., m, n) and B (..., m, k) or (..., m); batch axes broadcast. The named tuple
    return_types.linalg_lstsq (solution, residuals, rank, singular_values) is filled as torch's CPU drivers
    fill it: residuals (squared norms of the columns of A X - B) for a tall full-rank A except with gelsy,
    the rank except with gels, the singular values with gelsd and gelss; the others are empty. rcond is the
    relative cutoff of the singular values (eps * max(m, n) by default). X's gradient is pinv's and matmul's."""
    op = "lstsq"
    A = _matrices(A, op)
    _tensor(op, B, "B")
    driver = "gelsy" if driver is None else check_choice(driver, "driver", op, _DRIVERS)
    if B.dtype != A.dtype:
        raise TypeError(f"{op}: A and B must have the same dtype (as torch), got {A.dtype} and {B.dtype}")
    if not 0 <= A.ndim - B.ndim <= 1:
        raise ValueError(f"{op}: B must have as many dimensions as A or one fewer (as torch), got shapes "
                         f"{A.shape} and {B.shape}")
    vector = B.ndim == A.ndim - 1
    B2 = B.unsqueeze(-1) if vector else B
    if B2.shape[-2] != A.shape[-2] or not _t._broadcastable(A.shape[:-2], B2.shape[:-2]):
        raise ValueError(f"{op}: A of shape {A.shape} and B of shape {B.shape} do not fit A X = B")
    _, rtol = _tolerances(A, None, rcond, op)
    solution = pinv(A, rtol=rtol).matmul(B2)
    xp, backend = A._backend.xp, A._backend
    m, n = A.shape[-2:]
    batch = np.broadcast_shapes(A.shape[:-2], B2.shape[:-2])
    empty = _t.Tensor._wrap(xp.zeros((0,), A.dtype), backend)
    rank = matrix_rank(A, rtol=rtol)
    full_rank = bool((rank.array == n).all())
    residuals = empty
    if driver != "gelsy" and m > n and full_rank:
        residuals = ((A.matmul(solution) - B2) ** 2).sum(-2)  # a vector B keeps its one column here, as torch
    values = svdvals(A) if driver in ("gelsd", "gelss") else empty
    rank = _t.Tensor._wrap(xp.zeros((0,), np.int64), backend) if driver == "gels" else \
        _t.Tensor._wrap(xp.broadcast_to(rank.array, batch).copy(), backend)
    return return_types.linalg_lstsq(solution.squeeze(-1) if vector else solution, residuals, rank, values)


def solve_triangular(A, B, *, upper, left=True, unitriangular=False):
    """X with A X = B (left=True) or X A = B (left=False) for triangular A (its upper or lower triangle is
    read; with unitriangular=True its diagonal is taken as 1). Written as solve on the triangle, so the
    gradient of A lands on that triangle only, as torch's: dA = -tri(A^-T g X^T), dB = A^-T g."""
    op = "solve_triangular"
    upper, left = check_bool(upper, "upper", op), check_bool(left, "left", op)
    unitriangular = check_bool(unitriangular, "unitriangular", op)
    A = _square(A, op)
    _tensor(op, B, "B")
    if B.dtype != A.dtype:
        raise TypeError(f"{op}: A and B must have the same dtype (as torch), got {A.dtype} and {B.dtype}")
    if B.ndim < 2:
        raise ValueError(f"{op}: B must have at least 2 dimensions, got shape {B.shape}")
    tri = A.triu(1 if unitriangular else 0) if upper else A.tril(-1 if unitriangular else 0)
    if unitriangular:
        eye = _t.Tensor._wrap(A._backend.xp.eye(A.shape[-1], dtype=A.dtype), A._backend)
        tri = tri + eye
    return _solve(tri, B, left, op)


def matrix_exp(A):
    """exp(A) = I + A + A^2/2! + ... for each square matrix (scaling and squaring); the gradient is the
    Frechet derivative's adjoint, L(A^T, g) (see ops/linalg.MatrixExp)."""
    return _in_float32(la.MatrixExp.apply, _square(A, "matrix_exp"))


def cond(A, p=None):
    """The condition number ||A||_p ||A^-1||_p of each square matrix; for p None or 2 the ratio of the
    largest to the smallest singular value (any matrix), for -2 its inverse; for 'fro', 'nuc', 1, -1,
    inf, -inf the product of the matrix norms of A and inv(A). Gradients are those of the parts."""
    op = "cond"
    from .linalg import _matrix_norm
    if not (p is None or isinstance(p, str) or (isinstance(p, (int, float, np.integer, np.floating))
                                                and not isinstance(p, bool))):
        raise TypeError(f"{op}: p must be None, a number or 'fro'/'nuc', not {type(p).__name__}")
    if p is None or (not isinstance(p, str) and p in (2, -2)):
        s = _singular_values(_matrices(A, op), op)
        ratio = s.amax(-1) / s.amin(-1)
        return ratio if p is None or p == 2 else 1 / ratio
    A = _square(A, op)
    return _matrix_norm(op, A, p, (-2, -1), False, None) * _matrix_norm(op, _inv(A, op), p, (-2, -1), False, None)
