"""torch.nn.functional's small utilities: one_hot, normalize, cosine_similarity, pairwise_distance.

The last three are built from one op, the p-norm along an axis (ops/distance.py), so their
gradients are those of torch's formulas, including where a norm is 0.
"""
import numpy as np

from .. import dtypes
from .._tensor import _UNSET, Tensor, _axis_alias, _broadcastable, _one_axis
from .._validate import check_alloc, check_bool, check_index, check_number
from ..autograd import check_same_device
from ..ops.distance import ClampMinForwardOnly, VectorNorm

__all__ = ["one_hot", "normalize", "cosine_similarity", "pairwise_distance", "pdist"]


def _tensor(value, op, name="input"):
    if not isinstance(value, Tensor):
        raise TypeError(f"{op}: argument '{name}' must be a Tensor, not {type(value).__name__}")
    return value


def _p(p, op):
    """The norm's order: any real number or +-inf (NaN refused)."""
    return check_number(p, "p", op, finite=False)


def _vector_norm(x, p, dim, op, split_ties=True):
    """(sum_i |x_i|^p)^(1/p) along axis `dim` (an int already in range), keeping it as size 1;
    float16 accumulates in float32 and rounds once."""
    if x.shape[dim] == 0 and abs(p) == np.inf:
        raise ValueError(f"{op}: the {p}-norm of an empty axis is undefined (dim {dim} of {x.shape} has size 0)")
    if x.dtype == dtypes.float16:
        return VectorNorm.apply(x.astype(dtypes.float32), p=p, axis=dim, split_ties=split_ties).astype(dtypes.float16)
    return VectorNorm.apply(x, p=p, axis=dim, split_ties=split_ties)


def one_hot(tensor, num_classes=-1):
    """out[..., c] = 1 if tensor[...] == c else 0, as int64, with one more (last) axis of size
    num_classes; num_classes=-1 takes max(tensor) + 1. `tensor` holds int64 class indices
    in [0, num_classes)."""
    _tensor(tensor, "one_hot", "tensor")
    if tensor.dtype != dtypes.int64:
        raise TypeError(f"one_hot: tensor must hold int64 class indices (as torch), not {tensor.dtype}")
    num_classes = check_index(num_classes, "num_classes", "one_hot")
    if num_classes < -1:
        raise ValueError(f"one_hot: num_classes must be -1 (inferred) or a count >= 0, not {num_classes}")
    values = tensor.numpy()
    if num_classes == -1:
        if values.size == 0:
            raise ValueError("one_hot: cannot infer the number of classes from an empty tensor; pass num_classes")
        num_classes = int(values.max()) + 1
    if values.size and values.min() < 0:
        raise IndexError(f"one_hot: class values must be non-negative, got {values.min()}")
    if values.size and values.max() >= num_classes:
        raise IndexError(f"one_hot: class value {values.max()} is out of range for num_classes={num_classes}")
    check_alloc(values.shape + (num_classes,), dtypes.int64, "one_hot")
    out = values[..., None] == np.arange(num_classes)
    return Tensor(out.astype(np.int64), device=tensor.device)


def normalize(input, p=2.0, dim=_UNSET, eps=1e-12, *, axis=_UNSET):
    """out = x / max(||x||_p, eps), the p-norm taken along `dim`;
    the gradient is that of this formula (the norm's below eps is 0, as torch's clamp_min)."""
    dim = _axis_alias("normalize", dim, axis, 1)
    x = _tensor(input, "normalize")
    p = _p(p, "normalize")
    eps = check_number(eps, "eps", "normalize")
    if x.dtype.kind != "f":
        raise TypeError(f"normalize: needs a floating-point tensor, not {x.dtype}")
    dim = _one_axis(dim, x.shape, "normalize")
    if x.ndim == 0:
        x = x.reshape(1)
        return (x / _vector_norm(x, p, 0, "normalize").clip(eps, None)).reshape(())
    return x / _vector_norm(x, p, dim, "normalize").clip(eps, None)


def _pair(x1, x2, op):
    """x1 and x2 broadcast to one shape. For cosine_similarity, an integer one takes the other's
    floating dtype and a floating one keeps its own, as torch (the arithmetic that follows promotes)."""
    _tensor(x1, op, "x1")
    _tensor(x2, op, "x2")
    check_same_device([x1, x2], op)
    if not _broadcastable(x1.shape, x2.shape):
        raise ValueError(f"{op}: x1 {x1.shape} and x2 {x2.shape} do not broadcast")
    if x1.dtype == np.bool_ or x2.dtype == np.bool_:
        raise TypeError(f"{op}: x1 and x2 must be numbers, not bool tensors ({x1.dtype}, {x2.dtype})")
    shape = np.broadcast_shapes(x1.shape, x2.shape)
    if op == "pairwise_distance":  # x1 - x2 + eps promotes as any arithmetic does
        return x1.expand(shape), x2.expand(shape)
    dtype = dtypes.promote_types(x1.dtype, x2.dtype)
    if dtype.kind != "f":
        raise TypeError(f"{op}: the common dtype of x1 and x2 must be floating-point, not {dtype} (as torch)")
    return tuple((x if x.dtype.kind == "f" else x.astype(dtype)).expand(shape) for x in (x1, x2))


def cosine_similarity(x1, x2, dim=_UNSET, eps=1e-8, *, axis=_UNSET):
    """cos(x1, x2) = sum(x1 / max(||x1||, eps) * x2 / max(||x2||, eps)) along `dim`, with 2-norms.

    x1 and x2 broadcast; integers take the floating dtype of the other (or the default).
    As torch, eps clamps the norms' values only: the gradient is that of the unclamped norms."""
    dim = _axis_alias("cosine_similarity", dim, axis, 1)
    eps = check_number(eps, "eps", "cosine_similarity")
    a, b = _pair(x1, x2, "cosine_similarity")
    dim = _one_axis(dim, a.shape, "cosine_similarity")
    if a.ndim == 0:
        a, b = a.reshape(1), b.reshape(1)
    na = ClampMinForwardOnly.apply(_vector_norm(a, 2, dim, "cosine_similarity"), low=eps)
    nb = ClampMinForwardOnly.apply(_vector_norm(b, 2, dim, "cosine_similarity"), low=eps)
    out = ((a / na) * (b / nb)).sum(dim)
    return out.reshape(()) if x1.ndim == 0 and x2.ndim == 0 else out


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """||x1 - x2 + eps||_p along the last axis (of the broadcast shape), as torch: eps is added to
    the difference so that the norm's gradient stays finite where x1 = x2."""
    op = "pairwise_distance"
    p = _p(p, op)
    eps = check_number(eps, "eps", op)
    keepdim = check_bool(keepdim, "keepdim", op)
    a, b = _pair(x1, x2, op)
    diff = a - b + eps
    if diff.ndim == 0:
        out = _vector_norm(diff.reshape(1), p, 0, op)
        return out.reshape(())
    out = _vector_norm(diff, p, diff.ndim - 1, op)
    return out if keepdim else out.reshape(out.shape[:-1])


def pdist(input, p=2):
    """The p-norm distance ||x_i - x_j||_p between every pair of rows i < j of an (N, M) input:
    N (N - 1) / 2 numbers, in the order (0, 1), (0, 2), ..., (0, N-1), (1, 2), ... (as torch).
    The gradient is the p-norm's (0 where two rows are equal); for p = inf, as torch's pdist, each
    entry that ties for the largest |x_i - x_j| gets the whole gradient (a vector norm shares it)."""
    x = _tensor(input, "pdist")
    p = _p(p, "pdist")
    if p < 0:
        raise ValueError(f"pdist: p must be >= 0, not {p}")
    if x.dtype.kind != "f":
        raise TypeError(f"pdist: needs a floating-point tensor, not {x.dtype}")
    if x.ndim != 2:
        raise ValueError(f"pdist: needs a 2-d input (rows of vectors), not of shape {x.shape}")
    first, second = np.triu_indices(x.shape[0], 1)
    if first.size == 0:
        return x.reshape(-1)[:0]
    if x.shape[1] == 0:  # vectors of no entries are 0 apart
        return (x[first] - x[second]).sum(1)
    return _vector_norm(x[first] - x[second], p, 1, "pdist", split_ties=False).reshape(-1)

