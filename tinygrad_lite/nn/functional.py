"""Functional forms of the layers, activations and losses (torch.nn.functional names).

Each function checks its arguments, says what is wrong in terms of the caller's
shapes, and hands arrays to one differentiable op in `tinygrad_lite.ops`.
"""
import math
import warnings

import numpy as np

from ..ops.attention import Attention
from ..ops.embedding import Embedding
from ..ops.matmul import Linear as MatmulLinear
from ..ops.losses import BinaryCrossEntropy, BinaryCrossEntropyWithLogits, CrossEntropy, MSELoss
from ..ops.norm import LayerNorm
from ..rng import generator
from ..tensor import _UNSET, Tensor, _axis_alias, _require_tensor, _softmax_dim

_REDUCTIONS = ("mean", "sum", "none")


def _as_tensor(x, like=None):
    if isinstance(x, Tensor):
        return x
    return Tensor(x, dtype=None if like is None else like.dtype, device="cpu" if like is None else like.device)


def _check_reduction(reduction, op):
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{op}: reduction must be one of {_REDUCTIONS}, not {reduction!r}")


def _check_float(x, op):
    if x.dtype.kind != "f":
        raise TypeError(f"{op}: needs floating-point input, not {x.dtype}")


# ---- activations ------------------------------------------------------------------------

def relu(x):
    """max(x, 0)."""
    return x.relu()


def sigmoid(x):
    """1 / (1 + exp(-x)), in the form that never overflows."""
    return x.sigmoid()


def tanh(x):
    """(e^x - e^-x) / (e^x + e^-x)."""
    return x.tanh()


def gelu(x, approximate="none"):
    """x * Phi(x) ("none") or 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) ("tanh")."""
    return x.gelu(approximate=approximate)


def leaky_relu(x, negative_slope=0.01):
    """x if x > 0 else negative_slope * x."""
    return x.leaky_relu(negative_slope)


def softmax(x, dim=_UNSET, *, axis=_UNSET):
    """exp(x_i - max) / sum_j exp(x_j - max) along `dim`.

    As torch: without dim (or with dim=None) the axis is implied, 0 for 0-, 1- and 3-d
    input and 1 otherwise, with a warning."""
    dim = _axis_alias("softmax", dim, axis, None)
    _require_tensor(x, "softmax")
    return x.softmax(_softmax_dim(x.shape, dim, "softmax"))


def log_softmax(x, dim=_UNSET, *, axis=_UNSET):
    """x_i - logsumexp(x) along `dim`; without dim, the axis is implied as for softmax (with a warning)."""
    dim = _axis_alias("log_softmax", dim, axis, None)
    _require_tensor(x, "log_softmax")
    return x.log_softmax(_softmax_dim(x.shape, dim, "log_softmax"))


def dropout(x, p=0.5, training=True):
    """Zero each element with probability p and scale the survivors by 1/(1-p), in training.

    The scaling keeps E[output] = x, so nothing changes at evaluation time, when
    dropout is the identity. The gradient flows through the same mask.
    """
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout: p must be a probability in [0, 1], not {p}")
    if not training or p == 0.0:
        return x
    if p == 1.0:
        return x * 0.0
    keep = generator().random(x.shape) >= p
    return x * Tensor((keep / (1.0 - p)).astype(x.dtype), device=x.device)


# ---- layers -----------------------------------------------------------------------------

def linear(x, weight, bias=None):
    """y = x W^T + b, with W of shape (out_features, in_features) as in torch."""
    if weight.ndim != 2 or x.ndim == 0 or x.shape[-1] != weight.shape[1]:
        raise ValueError(f"linear: input {x.shape} does not fit weight {weight.shape} "
                         "(the input's last axis must equal the weight's second)")
    if bias is not None and bias.shape not in ((weight.shape[0],), ()):
        raise ValueError(f"linear: bias {bias.shape} does not fit weight {weight.shape}")
    if x.dtype != weight.dtype or (bias is not None and bias.dtype != weight.dtype) or x.device != weight.device:
        y = x @ weight.T  # the composed ops promote mixed dtypes and name a device mismatch
        return y if bias is None else y + bias
    return MatmulLinear.apply(x, weight, bias)


def layer_norm(x, normalized_shape, weight=None, bias=None, eps=1e-5):
    """y = (x - mean) / sqrt(var + eps) * weight + bias, over the trailing `normalized_shape` axes.

    mean and the (biased) var are taken per row of the last len(normalized_shape) axes.
    """
    shape = (normalized_shape,) if isinstance(normalized_shape, (int, np.integer)) else tuple(normalized_shape)
    _check_float(x, "layer_norm")
    if x.shape[x.ndim - len(shape):] != shape or len(shape) > x.ndim:
        raise ValueError(f"layer_norm: input {x.shape} does not end in normalized_shape {shape}")
    for name, p in (("weight", weight), ("bias", bias)):
        if p is not None and p.shape != shape:
            raise ValueError(f"layer_norm: {name} {p.shape} must have normalized_shape {shape}")
    return LayerNorm.apply(x, weight, bias, norm_size=int(np.prod(shape)), eps=eps)


def embedding(indices, weight):
    """out[..., :] = weight[indices[...], :]: row lookup in a (num_embeddings, dim) table."""
    idx = indices.numpy() if isinstance(indices, Tensor) else np.asarray(indices)
    if idx.dtype.kind not in "iu":
        raise TypeError(f"embedding: indices must be integers, not {idx.dtype}")
    if weight.ndim != 2:
        raise ValueError(f"embedding: weight must be (num_embeddings, dim), not {weight.shape}")
    if idx.size and (idx.min() < 0 or idx.max() >= weight.shape[0]):
        bad = idx[(idx < 0) | (idx >= weight.shape[0])].flat[0]
        raise IndexError(f"embedding: index {bad} is out of range for a table of "
                         f"{weight.shape[0]} rows (weight {weight.shape})")
    return Embedding.apply(weight, indices=idx)


# ---- losses -----------------------------------------------------------------------------

def mse_loss(pred, target, reduction="mean"):
    """Mean squared error: reduce((pred - target)^2)."""
    _check_reduction(reduction, "mse_loss")
    target = _as_tensor(target, pred)
    if pred.shape != target.shape:
        try:
            shape = np.broadcast_shapes(pred.shape, target.shape)
        except ValueError:
            raise ValueError(f"mse_loss: pred {pred.shape} and target {target.shape} do not broadcast") from None
        warnings.warn(f"mse_loss: pred {pred.shape} and target {target.shape} differ and are broadcast "
                      f"to {shape}; this is rarely what was meant", UserWarning, stacklevel=2)
        pred, target = pred.expand(shape), target.expand(shape)
    if pred.dtype != target.dtype:
        raise TypeError(f"mse_loss: pred is {pred.dtype} but target is {target.dtype}")
    return MSELoss.apply(pred, target, reduction=reduction)


def cross_entropy(logits, target, reduction="mean", ignore_index=-100, label_smoothing=0.0):
    """Softmax cross-entropy: -sum_c q_c log softmax(logits)_c, averaged as torch does.

    logits: (N, C), (C,) or (N, C, d1, ...): the class axis is 1 (0 for 1-D).
    target: integer class indices of the logits' shape without the class axis, or
    float probabilities of the logits' shape. With label_smoothing eps the target
    distribution becomes (1 - eps) q + eps / C. "mean" divides by the number of
    targets not equal to ignore_index (class indices) or by the number of rows.
    """
    _check_reduction(reduction, "cross_entropy")
    _check_float(logits, "cross_entropy")
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"cross_entropy: label_smoothing must be in [0, 1], not {label_smoothing}")
    if logits.ndim == 0:
        raise ValueError("cross_entropy: logits need a class axis, got shape ()")
    class_axis = 0 if logits.ndim == 1 else 1
    n_classes = logits.shape[class_axis]
    # Move the class axis last and flatten everything else into rows: (rows, C).
    dims = [d for d in range(logits.ndim) if d != class_axis] + [class_axis]
    rows = logits.permute(dims).reshape(-1, n_classes)
    out_shape = tuple(logits.shape[d] for d in dims[:-1])

    is_indices = (target.dtype.kind in "iu") if isinstance(target, Tensor) else np.asarray(target).dtype.kind in "iu"
    if is_indices:
        t = target.numpy() if isinstance(target, Tensor) else np.asarray(target)
        if t.shape != out_shape:
            raise ValueError(f"cross_entropy: logits {logits.shape} need class-index targets of shape "
                             f"{out_shape}, got {t.shape}")
        t = t.reshape(-1).astype(np.int64)
        bad = (t != ignore_index) & ((t < 0) | (t >= n_classes))
        if bad.any():
            raise IndexError(f"cross_entropy: target {t[bad][0]} is out of range for {n_classes} classes "
                             f"(logits {logits.shape})")
        loss = CrossEntropy.apply(rows, t, reduction=reduction, ignore_index=ignore_index,
                                  label_smoothing=label_smoothing)
    else:
        target = _as_tensor(target, logits)
        if target.shape != logits.shape:
            raise ValueError(f"cross_entropy: probability targets must have the logits' shape "
                             f"{logits.shape}, got {target.shape}")
        probs = target.astype(logits.dtype).permute(dims).reshape(-1, n_classes)
        loss = CrossEntropy.apply(rows, probs, reduction=reduction, ignore_index=ignore_index,
                                  label_smoothing=label_smoothing)
    return loss.reshape(out_shape) if reduction == "none" else loss


def _same_shape_target(x, y, op):
    y = _as_tensor(y, x)
    if y.shape != x.shape:
        raise ValueError(f"{op}: target {y.shape} must have the input's shape {x.shape}")
    return y.astype(x.dtype)


def binary_cross_entropy(p, y, reduction="mean"):
    """-(y log p + (1 - y) log(1 - p)) for probabilities p in [0, 1] (logs clamped at -100)."""
    _check_reduction(reduction, "binary_cross_entropy")
    _check_float(p, "binary_cross_entropy")
    y = _same_shape_target(p, y, "binary_cross_entropy")
    values = p.numpy()
    if np.any((values < 0) | (values > 1)):
        raise ValueError("binary_cross_entropy: input probabilities must lie in [0, 1]; "
                         "pass logits to binary_cross_entropy_with_logits instead")
    return BinaryCrossEntropy.apply(p, y, reduction=reduction)


def binary_cross_entropy_with_logits(z, y, reduction="mean", pos_weight=None):
    """BCE of sigmoid(z) computed stably from the logits z:
    max(z, 0) - z y + log(1 + exp(-|z|)), with positives weighted by pos_weight."""
    _check_reduction(reduction, "binary_cross_entropy_with_logits")
    _check_float(z, "binary_cross_entropy_with_logits")
    y = _same_shape_target(z, y, "binary_cross_entropy_with_logits")
    w = None
    if pos_weight is not None:
        w = (pos_weight.numpy() if isinstance(pos_weight, Tensor) else np.asarray(pos_weight)).astype(z.dtype)
        try:
            np.broadcast_shapes(w.shape, z.shape)
        except ValueError:
            raise ValueError(f"binary_cross_entropy_with_logits: pos_weight {w.shape} does not "
                             f"broadcast with the input {z.shape}") from None
    return BinaryCrossEntropyWithLogits.apply(z, y, pos_weight=w, reduction=reduction)


# ---- attention --------------------------------------------------------------------------

def scaled_dot_product_attention(q, k, v, attn_mask=None, is_causal=False, scale=None):
    """softmax(q k^T * scale + mask) v, with scale = 1/sqrt(E) by default.

    q: (..., L, E), k: (..., S, E), v: (..., S, Ev) -> (..., L, Ev). A bool
    attn_mask marks with True the keys a query may attend; a float mask is added
    to the scores. is_causal lets query i attend keys 0..i (torch's lower-left
    aligned tril(ones(L, S))). A query that may attend no key gets zeros.
    """
    for name, t in (("q", q), ("k", k), ("v", v)):
        _check_float(t, "scaled_dot_product_attention")
        if t.ndim < 2:
            raise ValueError(f"scaled_dot_product_attention: {name} needs (..., length, dim), got {t.shape}")
    shapes = f"q {q.shape}, k {k.shape}, v {v.shape}"
    if q.shape[-1] != k.shape[-1] or k.shape[-2] != v.shape[-2]:
        raise ValueError(f"scaled_dot_product_attention: {shapes}: q and k need the same last axis "
                         "and k and v the same length")
    try:
        batch = np.broadcast_shapes(q.shape[:-2], k.shape[:-2], v.shape[:-2])
    except ValueError:
        raise ValueError(f"scaled_dot_product_attention: {shapes}: batch axes do not broadcast") from None
    if q.dtype != k.dtype or q.dtype != v.dtype:
        raise TypeError(f"scaled_dot_product_attention: q, k, v dtypes differ "
                        f"({q.dtype}, {k.dtype}, {v.dtype})")
    L, S = q.shape[-2], k.shape[-2]
    scale = 1.0 / math.sqrt(q.shape[-1]) if scale is None else float(scale)
    if is_causal and attn_mask is not None:
        raise ValueError("scaled_dot_product_attention: give attn_mask or is_causal, not both")
    bias = None
    if attn_mask is not None:
        mask = attn_mask if isinstance(attn_mask, Tensor) else _as_tensor(np.asarray(attn_mask), None)
        try:
            np.broadcast_shapes(mask.shape, batch + (L, S))
        except ValueError:
            raise ValueError(f"scaled_dot_product_attention: attn_mask {mask.shape} does not broadcast "
                             f"to the scores {batch + (L, S)}") from None
        if mask.dtype == np.bool_:
            bias = np.where(mask.numpy(), 0.0, -np.inf).astype(q.dtype)
        elif mask.requires_grad:
            bias = mask.astype(q.dtype)
        else:
            bias = mask.numpy().astype(q.dtype)
    return Attention.apply(q, k, v, bias, scale=scale, causal=bool(is_causal))
