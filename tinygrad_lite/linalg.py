"""tg.linalg, as torch.linalg: vector_norm, matrix_norm, norm, cross, svdvals, vecdot, matmul, multi_dot,
inv, det, slogdet, solve, cholesky, eigh, eigvalsh, matrix_power, svd, qr, pinv, matrix_rank, lstsq.

Vector norms have their own op (ops/reduce_more.VectorNorm); the matrix norms are written
with it, with sums and amax/amin of |A|, and with the singular values (ops/linalg.SingularValues),
so each gradient is that of its parts. float16 input is computed in float32 and rounded once.
"""
import math
import numbers

import numpy as np

from . import _tensor as _t, dtypes, return_types
from ._validate import _UNSET, _axis_alias, check_bool, check_choice, check_number
from .ops import linalg as la, reduce_more as rm

__all__ = ["vector_norm", "matrix_norm", "norm", "cross", "svdvals", "vecdot", "matmul", "multi_dot", "inv", "det",
           "slogdet", "solve", "cholesky", "eigh", "eigvalsh", "matrix_power", "svd", "qr", "pinv", "matrix_rank",
           "lstsq"]

_MATRIX_ORDS = ("fro", "nuc", 1, -1, 2, -2, math.inf, -math.inf)


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


def _number_ord(ord, op):
    if isinstance(ord, (bool, np.bool_)) or not isinstance(ord, numbers.Real):
        raise TypeError(f"{op}: ord must be a real number (inf, -inf and 0 included), not {ord!r}")
    ord = float(ord)
    if math.isnan(ord):
        raise ValueError(f"{op}: ord must not be NaN")
    return ord


def vector_norm(x, ord=2, dim=_UNSET, keepdim=False, *, dtype=None, axis=_UNSET):
    """||x||_ord over `dim` (an int, a tuple; every axis when None), the tensor read as one vector per slice:

        ord = p:     (sum |x_i|^p)^(1/p)   (any real p; p < 1 is no norm but is computed the same way)
        ord = inf:   max |x_i|,   ord = -inf: min |x_i|,   ord = 0: the number of non-zero x_i.

    Gradients as torch's (see ops/reduce_more.VectorNorm): x / ||x|| for ord 2 (0 where the norm is 0),
    sgn(x) |x|^(p-1) / ||x||^(p-1) in general, split evenly between ties for +-inf, 0 for ord 0.
    The input must be floating point (dtype= casts it to another float dtype first); inf and negative
    orders over an empty slice are refused (no identity), as torch."""
    _tensor("vector_norm", x, "x")
    return _vector_norm("vector_norm", x, ord, _axis_alias("vector_norm", dim, axis, None), keepdim, dtype)


def _vector_norm(op, x, ord, dim, keepdim, dtype):
    """vector_norm's work, its errors naming `op` (vector_norm, norm, cdist)."""
    x = _float(x, dtype, op)
    ord = _number_ord(ord, op)
    keepdim = check_bool(keepdim, "keepdim", op)
    axes = _t._axes(_t._reduce_axes(dim), x.shape, op)
    axes = None if x.ndim == 0 else axes
    reduced = range(x.ndim) if axes is None else axes
    if (ord < 0 or math.isinf(ord)) and x.numel() == 0 and (x.ndim == 0 or any(x.shape[a] == 0 for a in reduced)):
        raise ValueError(f"{op}: cannot compute the {ord} norm over an empty axis of shape {x.shape} "
                         "(as torch: the max and min of nothing do not exist, and a negative order divides by 0)")
    wide = x.astype(dtypes.float32) if x.dtype == dtypes.float16 else x
    out = rm.VectorNorm.apply(wide, ord=ord, axes=axes, keepdim=keepdim)
    return out if out.dtype == x.dtype else out.astype(x.dtype)


def _two_axes(A, dim, op):
    if not isinstance(dim, (tuple, list)) or len(dim) != 2:
        raise TypeError(f"{op}: dim must be a tuple of two ints, got {dim!r}")
    if A.ndim < 2:
        raise ValueError(f"{op}: needs a tensor with at least 2 dimensions, got shape {A.shape}")
    rows, cols = (_t._one_axis(d, A.shape, op) for d in dim)
    if rows == cols:
        raise ValueError(f"{op}: dim {tuple(dim)} names one axis twice")
    return rows, cols


def matrix_norm(A, ord="fro", dim=_UNSET, keepdim=False, *, dtype=None, axis=_UNSET):
    """||A||_ord of the matrices over the two axes `dim` (rows, columns; default (-2, -1)):

        'fro':    sqrt(sum_ij A_ij^2)                'nuc':   sum of the singular values
        1 / -1:   max / min over columns of sum_i |A_ij|   (column sums)
        inf/-inf: max / min over rows of sum_j |A_ij|      (row sums)
        2 / -2:   the largest / smallest singular value

    Gradients are those of the parts: amax/amin split evenly between ties; a singular value's
    gradient is u v^T (its singular vectors), exact where the singular values are distinct."""
    _tensor("matrix_norm", A, "A")
    return _matrix_norm("matrix_norm", A, ord, _axis_alias("matrix_norm", dim, axis, (-2, -1)), keepdim, dtype)


def _matrix_norm(op, A, ord, dim, keepdim, dtype):
    """matrix_norm's work, its errors naming `op` (matrix_norm or norm)."""
    A = _float(A, dtype, op)
    if not (isinstance(ord, str) or isinstance(ord, numbers.Real)) or isinstance(ord, (bool, np.bool_)) \
            or ord not in _MATRIX_ORDS:
        raise ValueError(f"{op}: ord must be one of 'fro', 'nuc', 1, -1, 2, -2, inf, -inf, not {ord!r}")
    keepdim = check_bool(keepdim, "keepdim", op)
    rows, cols = _two_axes(A, dim, op)
    wide = A.astype(dtypes.float32) if A.dtype == dtypes.float16 else A
    if ord == "fro":
        out = rm.VectorNorm.apply(wide, ord=2.0, axes=tuple(sorted((rows, cols))), keepdim=keepdim)
    elif ord in ("nuc", 2, -2):
        last = [a for a in range(A.ndim) if a not in (rows, cols)]
        s = _singular_values(wide.permute(*last, rows, cols), op)
        out = s.sum(-1) if ord == "nuc" else s.amax(-1) if ord == 2 else s.amin(-1)
        if keepdim:
            for a in sorted((rows, cols)):
                out = out.unsqueeze(a)
    else:
        summed, extreme = (rows, cols) if abs(ord) == 1 else (cols, rows)
        if A.shape[extreme] == 0:
            raise ValueError(f"{op}: cannot compute the {ord} norm of matrices of shape "
                             f"{(A.shape[rows], A.shape[cols])} (the max and min of nothing do not exist)")
        sums = wide.abs().sum(summed, keepdim=True)
        out = sums.amax(extreme, keepdim=True) if ord > 0 else sums.amin(extreme, keepdim=True)
        if not keepdim:
            out = out.squeeze(max(rows, cols)).squeeze(min(rows, cols))
    return out if out.dtype == A.dtype else out.astype(A.dtype)


def norm(A, ord=None, dim=_UNSET, keepdim=False, *, dtype=None, axis=_UNSET):
    """A vector or a matrix norm, as torch.linalg.norm:

        dim an int (or one axis in a tuple): vector_norm(A, ord or 2, dim)
        dim two axes:                        matrix_norm(A, ord or 'fro', dim)
        dim None, ord None:                  the 2-norm of A read as one vector
        dim None, ord given:                 A must be 1-D (a vector norm) or 2-D (a matrix norm)."""
    op = "norm"
    A = _tensor(op, A, "A")
    dim = _axis_alias(op, dim, axis, None)
    if isinstance(dim, (int, np.integer)) and not isinstance(dim, bool):
        dim = (dim,)
    if dim is not None and (not isinstance(dim, (tuple, list)) or len(dim) not in (1, 2)):
        raise ValueError(f"norm: dim must be an int or a tuple of one or two ints, got {dim!r}")
    if dim is None and ord is not None:
        if A.ndim not in (1, 2):
            raise ValueError(f"norm: with ord given and dim None the input must be 1-D or 2-D, got shape {A.shape}")
        dim = tuple(range(A.ndim))
    if dim is not None and len(dim) == 2:
        return _matrix_norm(op, A, "fro" if ord is None else ord, tuple(dim), keepdim, dtype)
    if isinstance(ord, str):
        raise ValueError(f"norm: ord {ord!r} is a matrix norm; give two axes in dim")
    return _vector_norm(op, A, 2 if ord is None else ord, dim, keepdim, dtype)


def _torch_norm(x, p, dim, keepdim, dtype):
    """torch.norm / Tensor.norm: p 'fro' (or None) the 2-norm over dim, 'nuc' the nuclear norm, a number a
    vector norm. (x, dim already given as one spelling.)"""
    op = "norm"
    keepdim = check_bool(keepdim, "keepdim", op)
    if p is None or (isinstance(p, str) and p == "fro"):
        return _vector_norm(op, x, 2, dim, keepdim, dtype)
    if isinstance(p, str) and p == "nuc":
        if dim is None:
            if x.ndim != 2:
                raise ValueError(f"norm: the nuclear norm with dim None needs a 2-D input, got shape {x.shape}")
            dim = (0, 1)
        return _matrix_norm(op, x, "nuc", dim, keepdim, dtype)
    if isinstance(p, str):
        raise ValueError(f"norm: p must be 'fro', 'nuc' or a number, not {p!r}")
    return _vector_norm(op, x, p, dim, keepdim, dtype)


def _cross(a, b, dim, op):
    """a x b along `dim` (a non-negative axis of size 3 of the broadcast shape):
    c_k = a_{k+1} b_{k+2} - a_{k+2} b_{k+1} (indices mod 3), written with indexing and products,
    so da = b x g and db = g x a come from their backward."""
    if a.dtype == dtypes.float16:  # two products and a difference: in float32, rounded once
        return _cross(a.astype(dtypes.float32), b.astype(dtypes.float32), dim, op).astype(dtypes.float16)
    index = (slice(None),) * dim
    a1, a2 = a[index + ([1, 2, 0],)], a[index + ([2, 0, 1],)]
    b1, b2 = b[index + ([1, 2, 0],)], b[index + ([2, 0, 1],)]
    return a1 * b2 - a2 * b1


def _cross_operands(input, other, op):
    """input and other broadcast together in their promoted dtype (bool refused, as torch)."""
    _tensor(op, input), _tensor(op, other, "other")
    if np.bool_ in (input.dtype, other.dtype):
        raise TypeError(f"{op}: not supported for bool tensors (as in torch); convert first, e.g. x.astype(tg.int64)")
    if input.ndim != other.ndim:
        raise ValueError(f"{op}: input and other must have the same number of dimensions, got shapes "
                         f"{input.shape} and {other.shape}")
    try:
        shape = np.broadcast_shapes(input.shape, other.shape)
    except ValueError:
        raise ValueError(f"{op}: cannot broadcast {input.shape} with {other.shape}") from None
    dtype = dtypes.promote(input, other)
    return input.astype(dtype).expand(*shape), other.astype(dtype).expand(*shape)


def cross(input, other, *, dim=_UNSET, axis=_UNSET):
    """The cross product of 3-vectors along `dim` (default -1), input and other broadcast together:
    (a x b)_k = a_{k+1} b_{k+2} - a_{k+2} b_{k+1}, indices mod 3; d a = b x g, d b = g x a."""
    op = "cross"
    a, b = _cross_operands(input, other, op)
    dim = _t._one_axis(_axis_alias(op, dim, axis, -1), a.shape, op)
    if a.shape[dim] != 3:
        raise ValueError(f"{op}: dim {dim} of the broadcast shape {a.shape} must have size 3")
    return _cross(a, b, dim, op)


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


def vecdot(x, y, *, dim=_UNSET, axis=_UNSET):
    """sum_i x_i y_i along `dim` (default -1), x and y broadcast together (dtypes promoted as mul's);
    d x = g y, d y = g x (summed back over broadcast axes)."""
    op = "vecdot"
    _tensor(op, x, "x"), _tensor(op, y, "y")
    if not _t._broadcastable(x.shape, y.shape):
        raise ValueError(f"{op}: cannot broadcast {x.shape} with {y.shape}")
    shape = np.broadcast_shapes(x.shape, y.shape)
    dim = _t._one_axis(_axis_alias(op, dim, axis, -1), shape, op)
    if np.bool_ in (x.dtype, y.dtype):
        raise TypeError(f"{op}: not supported for bool tensors (as in torch); convert first, e.g. x.astype(tg.int64)")
    dtype = dtypes.promote(x, y)
    wide = dtypes.float32 if dtype == dtypes.float16 else dtype
    out = (x.astype(wide) * y.astype(wide)).sum(dim - len(shape))
    return out if out.dtype == dtype else out.astype(dtype)


def matmul(input, other):
    """The matrix product with torch.matmul's rules (1-D operands promoted, batch axes broadcast): tg.matmul."""
    from .functions import matmul as tg_matmul
    return tg_matmul(input, other)


def multi_dot(tensors):
    """A_1 @ A_2 @ ... @ A_k for a list of matrices (the first and the last may be vectors, as torch), multiplied
    in the order that needs the fewest multiplications (the classic dynamic programme over the split points);
    the gradient is matmul's through each product."""
    op = "multi_dot"
    if not isinstance(tensors, (list, tuple)) or len(tensors) < 2:
        raise ValueError(f"{op}: expects a list of at least two tensors, got {tensors!r}")
    for i, t in enumerate(tensors):
        _tensor(op, t, f"tensors[{i}]")
    first, last = tensors[0], tensors[-1]
    if any(t.dtype != first.dtype for t in tensors):
        raise TypeError(f"{op}: the tensors must share one dtype (as torch), got {[str(t.dtype) for t in tensors]}")
    mats = [first.unsqueeze(0) if first.ndim == 1 else first, *tensors[1:-1],
            last.unsqueeze(-1) if last.ndim == 1 else last]
    for i, m in enumerate(mats):
        if m.ndim != 2:
            raise ValueError(f"{op}: tensors[{i}] must be 2-D (the first and last may be 1-D), got shape "
                             f"{tensors[i].shape}")
    for i in range(len(mats) - 1):
        if mats[i].shape[1] != mats[i + 1].shape[0]:
            raise ValueError(f"{op}: tensors[{i}] {tensors[i].shape} and tensors[{i + 1}] {tensors[i + 1].shape} "
                             "cannot be multiplied")
    dims = [mats[0].shape[0]] + [m.shape[1] for m in mats]
    n = len(mats)
    cost, split = {}, {}
    for i in range(n):
        cost[i, i] = 0
    for length in range(2, n + 1):
        for i in range(n - length + 1):
            j = i + length - 1
            cost[i, j], split[i, j] = min((cost[i, k] + cost[k + 1, j] + dims[i] * dims[k + 1] * dims[j + 1], k)
                                          for k in range(i, j))

    def product(i, j):
        return mats[i] if i == j else product(i, split[i, j]).matmul(product(split[i, j] + 1, j))

    out = product(0, n - 1)
    if last.ndim == 1:
        out = out.squeeze(-1)
    if first.ndim == 1:
        out = out.squeeze(0)
    return out


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
    if not left:  # X A = B  <=>  A^T X^T = B^T
        return solve(A.transpose(-1, -2), B.transpose(-1, -2)).transpose(-1, -2)
    vector = B.ndim == 1 or (B.ndim == A.ndim - 1 and B.shape == A.shape[:-1])
    B2 = B.unsqueeze(-1) if vector else B
    if B2.ndim < 2 or B2.shape[-2] != A.shape[-1] or not _t._broadcastable(A.shape[:-2], B2.shape[:-2]):
        raise ValueError(f"{op}: A of shape {A.shape} and B of shape {B.shape} do not fit A X = B")
    out = _in_float32(la.Solve.apply, A, B2)
    return out.squeeze(-1) if vector else out


def _symmetric(A, op, uplo):
    """A (square, finite) read from its lower ('L') or upper ('U') triangle, as a symmetric matrix: the
    triangle the factorisations read, mirrored (so the gradient of the other triangle is 0, as torch's)."""
    A = _square(A, op)
    check_choice(uplo, "UPLO", op, ("L", "U"))
    return A if uplo == "L" else A.transpose(-1, -2)


def cholesky(A, *, upper=False):
    """L lower triangular with A = L L^T, for symmetric positive definite A (its lower triangle is read);
    upper=True gives U = L^T (A = U^T U). dA = sym(L^-T Phi(L^T g) L^-1) (see ops/linalg.Cholesky).
    A matrix that is not positive definite is a ValueError (torch: LinAlgError)."""
    op = "cholesky"
    upper = check_bool(upper, "upper", op)
    out = _in_float32(la.Cholesky.apply, _square(A, op))
    return out.transpose(-1, -2) if upper else out


def eigh(A, UPLO="L"):
    """(eigenvalues, eigenvectors) of each symmetric matrix A = V diag(lambda) V^T, eigenvalues ascending,
    as the named tuple return_types.linalg_eigh. Only the UPLO triangle of A is read. Gradients as torch's:
    dA = V (diag(g_lambda) + skew(V^T g_V) / gaps) V^T, infinite where eigenvalues tie."""
    A = _symmetric(A, "eigh", UPLO)
    values = _in_float32(la.EigenValues.apply, A)
    vectors = _in_float32(la.EigenVectors.apply, A)
    return return_types.linalg_eigh(values, vectors)


def eigvalsh(A, UPLO="L"):
    """The eigenvalues (ascending) of each symmetric matrix A (its UPLO triangle read); dA = V diag(g) V^T."""
    return _in_float32(la.EigenValues.apply, _symmetric(A, "eigvalsh", UPLO))


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
    m = n. Gradients are torch's svd_backward, split by output (see ops/linalg.SvdU, SvdVh,
    SingularValues): exact where the singular values are distinct and non-zero; the singular vectors'
    signs are those of the array module's SVD (any sign is a valid SVD)."""
    op = "svd"
    full_matrices = check_bool(full_matrices, "full_matrices", op)
    A = _float(_tensor(op, A, "A"), None, op)
    if A.ndim < 2:
        raise ValueError(f"{op}: needs a tensor with at least 2 dimensions, got shape {A.shape}")
    if not bool(A._backend.xp.isfinite(A.array).all()):
        raise ValueError(f"{op}: the input holds NaN or inf; its singular value decomposition does not exist")
    u = _in_float32(lambda a: la.SvdU.apply(a, full=full_matrices), A)
    vh = _in_float32(lambda a: la.SvdVh.apply(a, full=full_matrices), A)
    return return_types.linalg_svd(u, _in_float32(la.SingularValues.apply, A), vh)


def qr(A, mode="reduced"):
    """(Q, R) with A = Q R for each matrix of A (..., m, n): Q with orthonormal columns, R upper triangular,
    as the named tuple return_types.linalg_qr. mode 'reduced': Q (m, k), R (k, n), k = min(m, n);
    'complete': Q (m, m), R (m, n); 'r': R only (Q empty). Gradient (see ops/linalg._QR): for m >= n,
    gA = (gQ + Q copyltu(R gR^T - gQ^T Q)) R^-T, as torch's; a wide matrix (m < n) has none here."""
    op = "qr"
    check_choice(mode, "mode", op, ("reduced", "complete", "r"))
    A = _float(_tensor(op, A, "A"), None, op)
    if A.ndim < 2:
        raise ValueError(f"{op}: needs a tensor with at least 2 dimensions, got shape {A.shape}")
    if not bool(A._backend.xp.isfinite(A.array).all()):
        raise ValueError(f"{op}: the input holds NaN or inf")
    r = _in_float32(lambda a: la.QrR.apply(a, mode=mode), A)
    if mode == "r":
        q = _t.Tensor._wrap(A._backend.xp.zeros((0,), A.dtype), A._backend)
    else:
        q = _in_float32(lambda a: la.QrQ.apply(a, mode=mode), A)
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
    answer for a symmetric A). Gradient as torch's (see ops/linalg.PseudoInverse)."""
    op = "pinv"
    check_bool(hermitian, "hermitian", op)
    A = _matrices(A, op)
    atol, rtol = _tolerances(A, atol, rtol, op)
    return _in_float32(lambda a: la.PseudoInverse.apply(a, cutoff_rtol=rtol, cutoff_atol=atol), A)


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
