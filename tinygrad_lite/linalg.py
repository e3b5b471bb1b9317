"""tg.linalg, as torch.linalg: vector_norm, matrix_norm, norm, cross, svdvals, vecdot, matmul, multi_dot,
inv, det, slogdet, solve, solve_triangular, cholesky, eigh, eigvalsh, matrix_power, matrix_exp, svd, qr, pinv,
matrix_rank, lstsq, cond.

Vector norms have their own op (ops/reduce_more.VectorNorm); the matrix norms are written
with it, with sums and amax/amin of |A|, and with the singular values (ops/linalg.SingularValues),
so each gradient is that of its parts. float16 input is computed in float32 and rounded once.
The functions of whole matrices (inverses, solves, factorisations) are in _linalg_matrices.py.
"""
import math
import numbers

import numpy as np

from . import _tensor as _t, dtypes
from ._linalg_matrices import (  # noqa: F401  (tg.linalg's names; the private helpers serve Tensor's methods)
    _float, _inv, _logdet, _pinv, _singular_values, _square_op, _tensor, cholesky, cond, det, eigh, eigvalsh, inv, lstsq,
    matrix_exp, matrix_power, matrix_rank, pinv, qr, slogdet, solve, solve_triangular, svd, svdvals)
from ._validate import _UNSET, _axis_alias, check_bool
from .ops import reduce_more as rm

__all__ = ["vector_norm", "matrix_norm", "norm", "cross", "svdvals", "vecdot", "matmul", "multi_dot", "inv", "det",
           "slogdet", "solve", "cholesky", "eigh", "eigvalsh", "matrix_power", "svd", "qr", "pinv", "matrix_rank",
           "lstsq", "solve_triangular", "matrix_exp", "cond"]

_MATRIX_ORDS = ("fro", "nuc", 1, -1, 2, -2, math.inf, -math.inf)


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
