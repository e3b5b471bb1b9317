"""Functional forms of the layers, activations and losses (torch.nn.functional names).

Each function checks its arguments, says what is wrong in terms of the caller's
shapes, and hands arrays to one differentiable op in `tinygrad_lite.ops`.

Arguments come in two kinds, checked by one helper each:
  * inputs a gradient may flow to (x, weight, bias, q, k, v, logits, ...) must be
    Tensors, as torch requires (`_tensor_arg`: a TypeError naming the function and the
    argument). Converting an array there would silently give it no gradient.
  * data that is never differentiated here (targets, class and embedding indices,
    masks, pos_weight) may also be an array-like (numpy array, list, number), converted
    by one rule (`_data_arg`): Tensor(value) on the input's device, with floats taking
    the input's float dtype, as a Python number does in a binary op.
Tensors on different devices raise RuntimeError, as in torch (`_same_device`).
"""
import math
import warnings

import numpy as np

from .._validate import check_bool, check_choice, check_index, check_number
from ..autograd import check_same_device, is_grad_enabled
from ..dtypes import promote_types
from ..ops.attention import Attention
from ..ops.embedding import Embedding
from ..ops.matmul import Linear as MatmulLinear
from ..ops.losses import BinaryCrossEntropy, BinaryCrossEntropyWithLogits, CrossEntropy, MSELoss
from ..ops.norm import LayerNorm
from ..rng import generator
from .._tensor import _UNSET, Tensor, _axis_alias, _broadcastable, _softmax_dim
from .functional_resample import *  # noqa: F401,F403 - pad, interpolate, upsample*
from .functional_conv import *  # noqa: F401,F403 - conv1d ... conv_transpose3d, pools, unfold, fold, pixel_shuffle
from .functional_activations import *  # noqa: F401,F403 - silu, elu, ..., softshrink
from .functional_utilities import *  # noqa: F401,F403 - one_hot, normalize, cosine_similarity, pairwise_distance
from .functional_norm import *  # noqa: F401,F403 - batch_norm, instance_norm, group_norm, rms_norm, ...

_REDUCTIONS = ("mean", "sum", "none")


def _tensor_arg(value, op, name, position=None, optional=False):
    """`value`, which must be a Tensor (or None where the argument is optional), else a TypeError
    in torch's words: "linear: argument 'input' (position 1) must be a Tensor, not ndarray"."""
    if isinstance(value, Tensor) or (optional and value is None):
        return value
    where = f" (position {position})" if position else ""
    raise TypeError(f"{op}: argument '{name}'{where} must be a Tensor, not {type(value).__name__} "
                    "(wrap arrays with tg.Tensor(...))")


def _data_arg(value, op, name, like, floating=False):
    """A data argument (never differentiated here) as a Tensor on `like`'s device: a Tensor as it is
    (on the same device), an array-like through Tensor(...), with floats (and, for a `floating`
    argument such as a regression target, any numbers) in `like`'s float dtype."""
    if isinstance(value, Tensor):
        _same_device(op, like, value)
        return value
    if value is None or isinstance(value, (str, bytes, dict, set)):
        raise TypeError(f"{op}: argument '{name}' must be a Tensor or an array-like, not {type(value).__name__}")
    try:
        kind = np.asarray(value).dtype.kind
        to_float = like.dtype.kind == "f" and (kind == "f" or (floating and kind in "iub"))
        return Tensor(value, dtype=like.dtype if to_float else None, device=like.device)  # no float32 detour
    except (TypeError, ValueError) as e:  # not numbers (TypeError), ragged rows (ValueError)
        raise type(e)(f"{op}: argument '{name}' cannot become a tensor: {e}") from None


def _same_device(op, *tensors):
    """RuntimeError naming `op` and two devices if the tensors (None skipped) are not all on one device."""
    tensors = [t for t in tensors if t is not None]
    if len(tensors) > 1:
        check_same_device(tensors, op)


def _probability(p, name, op):
    """`p` as a float in [0, 1]: TypeError for what is not a real number, ValueError outside the range."""
    p = check_number(p, name, op)
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"{op}: {name} must be a probability in [0, 1], not {p}")
    return p


def _check_reduction(reduction, op):
    check_choice(reduction, "reduction", op, _REDUCTIONS)


def _check_float(x, op):
    if x.dtype.kind != "f":
        raise TypeError(f"{op}: needs floating-point input, not {x.dtype}")


# ---- activations ------------------------------------------------------------------------

def relu(x, inplace=False):
    """max(x, 0); with inplace=True, x is overwritten (x.relu_())."""
    _tensor_arg(x, "relu", "input", 1)
    if check_bool(inplace, "inplace", "relu"):
        return x.relu_()
    return x.relu()


def sigmoid(x):
    """1 / (1 + exp(-x)), in the form that never overflows."""
    return _tensor_arg(x, "sigmoid", "input", 1).sigmoid()


def tanh(x):
    """(e^x - e^-x) / (e^x + e^-x)."""
    return _tensor_arg(x, "tanh", "input", 1).tanh()


def gelu(x, approximate="none"):
    """x * Phi(x) ("none") or 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) ("tanh")."""
    _tensor_arg(x, "gelu", "input", 1)
    return x.gelu(approximate=check_choice(approximate, "approximate", "gelu", ("none", "tanh")))


def leaky_relu(x, negative_slope=0.01, inplace=False):
    """x if x > 0 else negative_slope * x; with inplace=True, x is overwritten (F.leaky_relu_)."""
    _tensor_arg(x, "leaky_relu", "input", 1)
    if check_bool(inplace, "inplace", "leaky_relu"):
        return leaky_relu_(x, negative_slope)
    return x.leaky_relu(check_number(negative_slope, "negative_slope", "leaky_relu", finite=False))


def softmax(x, dim=_UNSET, *, axis=_UNSET):
    """exp(x_i - max) / sum_j exp(x_j - max) along `dim`.

    As torch: without dim (or with dim=None) the axis is implied, 0 for 0-, 1- and 3-d
    input and 1 otherwise, with a warning."""
    dim = _axis_alias("softmax", dim, axis, None)
    _tensor_arg(x, "softmax", "input", 1)
    x._float("softmax")  # a dtype error comes before any warning about the implied axis
    return x.softmax(_softmax_dim(x.shape, dim, "softmax"))


def log_softmax(x, dim=_UNSET, *, axis=_UNSET):
    """x_i - logsumexp(x) along `dim`; without dim, the axis is implied as for softmax (with a warning)."""
    dim = _axis_alias("log_softmax", dim, axis, None)
    _tensor_arg(x, "log_softmax", "input", 1)
    x._float("log_softmax")  # a dtype error comes before any warning about the implied axis
    return x.log_softmax(_softmax_dim(x.shape, dim, "log_softmax"))


def dropout(x, p=0.5, training=True):
    """Zero each element with probability p and scale the survivors by 1/(1-p), in training.

    The scaling keeps E[output] = x, so nothing changes at evaluation time, when
    dropout is the identity. The gradient flows through the same mask.
    """
    _tensor_arg(x, "dropout", "input", 1)
    p = _probability(p, "p", "dropout")
    if not check_bool(training, "training", "dropout") or p == 0.0:
        return x
    if p == 1.0:
        return x * 0.0
    keep = generator().random(x.shape) >= p
    return x * Tensor((keep / (1.0 - p)).astype(x.dtype), device=x.device)


# ---- layers -----------------------------------------------------------------------------

def linear(x, weight, bias=None):
    """y = x W^T + b, with W of shape (out_features, in_features) as in torch."""
    _tensor_arg(x, "linear", "input", 1)
    _tensor_arg(weight, "linear", "weight", 2)
    _tensor_arg(bias, "linear", "bias", 3, optional=True)
    _same_device("linear", x, weight, bias)
    if weight.ndim != 2 or x.ndim == 0 or x.shape[-1] != weight.shape[1]:
        raise ValueError(f"linear: input {x.shape} does not fit weight {weight.shape} "
                         "(the input's last axis must equal the weight's second)")
    if bias is not None and bias.shape not in ((weight.shape[0],), ()):
        raise ValueError(f"linear: bias {bias.shape} does not fit weight {weight.shape}")
    if x.dtype != weight.dtype or (bias is not None and bias.dtype != weight.dtype):
        y = x @ weight.T  # the composed ops promote mixed dtypes
        return y if bias is None else y + bias
    return MatmulLinear.apply(x, weight, bias)


def layer_norm(x, normalized_shape, weight=None, bias=None, eps=1e-5):
    """y = (x - mean) / sqrt(var + eps) * weight + bias, over the trailing `normalized_shape` axes.

    mean and the (biased) var are taken per row of the last len(normalized_shape) axes.
    """
    _tensor_arg(x, "layer_norm", "input", 1)
    _tensor_arg(weight, "layer_norm", "weight", 3, optional=True)
    _tensor_arg(bias, "layer_norm", "bias", 4, optional=True)
    _same_device("layer_norm", x, weight, bias)
    shape = _normalized_shape(normalized_shape, "layer_norm")
    eps = check_number(eps, "eps", "layer_norm")
    _check_float(x, "layer_norm")
    if x.shape[x.ndim - len(shape):] != shape or len(shape) > x.ndim:
        raise ValueError(f"layer_norm: input {x.shape} does not end in normalized_shape {shape}")
    for name, p in (("weight", weight), ("bias", bias)):
        if p is not None and p.shape != shape:
            raise ValueError(f"layer_norm: {name} {p.shape} must have normalized_shape {shape}")
    return LayerNorm.apply(x, weight, bias, norm_size=int(np.prod(shape)), eps=eps)


def _normalized_shape(normalized_shape, op):
    """An int or a sequence of ints (none negative) as a tuple, else TypeError/ValueError naming `op`."""
    shape = (normalized_shape,) if isinstance(normalized_shape, (int, np.integer)) else normalized_shape
    if not isinstance(shape, (tuple, list)) or not all(
            isinstance(n, (int, np.integer)) and not isinstance(n, (bool, np.bool_)) for n in shape):
        raise TypeError(f"{op}: normalized_shape must be an int or a tuple of ints, not {normalized_shape!r}")
    if any(n < 0 for n in shape):
        raise ValueError(f"{op}: normalized_shape cannot hold negative sizes, got {tuple(shape)}")
    return tuple(int(n) for n in shape)


def embedding(indices, weight):
    """out[..., :] = weight[indices[...], :]: row lookup in a (num_embeddings, dim) table.

    `indices` (integers, never differentiated) may be a Tensor or an array-like."""
    _tensor_arg(weight, "embedding", "weight", 2)
    idx = _data_arg(indices, "embedding", "indices", weight).numpy()
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
    """Mean squared error: reduce((pred - target)^2), in the promoted dtype of pred and target (as torch)."""
    _tensor_arg(pred, "mse_loss", "input", 1)
    _check_reduction(reduction, "mse_loss")
    target = _data_arg(target, "mse_loss", "target", pred, floating=True)
    if pred.shape != target.shape:
        try:
            shape = np.broadcast_shapes(pred.shape, target.shape)
        except ValueError:
            raise ValueError(f"mse_loss: pred {pred.shape} and target {target.shape} do not broadcast") from None
        warnings.warn(f"mse_loss: pred {pred.shape} and target {target.shape} differ and are broadcast "
                      f"to {shape}; this is rarely what was meant", UserWarning, stacklevel=2)
        pred, target = pred.expand(shape), target.expand(shape)
    dtype = promote_types(pred.dtype, target.dtype)  # as torch: float32 with float64 is float64
    if dtype.kind != "f":
        raise TypeError(f"mse_loss: needs a floating-point input or target, not {pred.dtype} and {target.dtype}")
    return MSELoss.apply(pred.astype(dtype), target.astype(dtype), reduction=reduction)


def cross_entropy(logits, target, reduction="mean", ignore_index=-100, label_smoothing=0.0):
    """Softmax cross-entropy: -sum_c q_c log softmax(logits)_c, averaged as torch does.

    logits: (N, C), (C,) or (N, C, d1, ...): the class axis is 1 (0 for 1-D).
    target: integer class indices of the logits' shape without the class axis, or
    float probabilities of the logits' shape. With label_smoothing eps the target
    distribution becomes (1 - eps) q + eps / C. "mean" divides by the number of
    targets not equal to ignore_index (class indices) or by the number of rows.
    """
    _tensor_arg(logits, "cross_entropy", "input", 1)
    _check_reduction(reduction, "cross_entropy")
    ignore_index = check_index(ignore_index, "ignore_index", "cross_entropy")
    label_smoothing = _probability(label_smoothing, "label_smoothing", "cross_entropy")
    _check_float(logits, "cross_entropy")
    target = _data_arg(target, "cross_entropy", "target", logits)
    if logits.ndim == 0:
        raise ValueError("cross_entropy: logits need a class axis, got shape ()")
    class_axis = 0 if logits.ndim == 1 else 1
    n_classes = logits.shape[class_axis]
    # Move the class axis last and flatten everything else into rows: (rows, C).
    dims = [d for d in range(logits.ndim) if d != class_axis] + [class_axis]
    rows = logits.permute(dims).reshape(-1, n_classes)
    out_shape = tuple(logits.shape[d] for d in dims[:-1])

    if target.dtype.kind in "iu":
        t = target.numpy()
        if t.shape != out_shape:
            raise ValueError(f"cross_entropy: logits {logits.shape} need class-index targets of shape "
                             f"{out_shape}, got {t.shape}")
        t = t.reshape(-1).astype(np.int64)
        bad = (t != ignore_index) & ((t < 0) | (t >= n_classes))
        if bad.any():
            raise IndexError(f"cross_entropy: target {t[bad][0]} is out of range for {n_classes} classes "
                             f"(logits {logits.shape})")
        loss = CrossEntropy.apply(rows, rows._backend.asarray(t), reduction=reduction, ignore_index=ignore_index,
                                  label_smoothing=label_smoothing)
    elif target.dtype.kind == "f":
        if target.shape != logits.shape:
            raise ValueError(f"cross_entropy: probability targets must have the logits' shape "
                             f"{logits.shape}, got {target.shape}")
        dtype = promote_types(logits.dtype, target.dtype)  # as torch: float16 logits, float32 probabilities -> float32
        probs = target.astype(dtype).permute(dims).reshape(-1, n_classes)
        loss = CrossEntropy.apply(rows.astype(dtype), probs, reduction=reduction, ignore_index=ignore_index,
                                  label_smoothing=label_smoothing)
    else:
        raise TypeError(f"cross_entropy: target must hold class indices (integers) or probabilities "
                        f"(floats), not {target.dtype}")
    return loss.reshape(out_shape) if reduction == "none" else loss


def _same_shape_target(x, y, op):
    """The target as a Tensor of the input's shape (an integer or bool target as the input's dtype)."""
    y = _data_arg(y, op, "target", x, floating=True)
    if y.shape != x.shape:
        raise ValueError(f"{op}: target {y.shape} must have the input's shape {x.shape}")
    return y if y.dtype.kind == "f" else y.astype(x.dtype)


def binary_cross_entropy(p, y, reduction="mean"):
    """-(y log p + (1 - y) log(1 - p)) for probabilities p in [0, 1] (logs clamped at -100)."""
    _tensor_arg(p, "binary_cross_entropy", "input", 1)
    _check_reduction(reduction, "binary_cross_entropy")
    _check_float(p, "binary_cross_entropy")
    y = _same_shape_target(p, y, "binary_cross_entropy")
    if y.dtype != p.dtype:  # torch refuses too (it does not promote here)
        raise TypeError(f"binary_cross_entropy: input is {p.dtype} but target is {y.dtype}; "
                        "they must have the same dtype")
    values = p.numpy()
    if np.any((values < 0) | (values > 1)):
        raise ValueError("binary_cross_entropy: input probabilities must lie in [0, 1]; "
                         "pass logits to binary_cross_entropy_with_logits instead")
    return BinaryCrossEntropy.apply(p, y, reduction=reduction)


def binary_cross_entropy_with_logits(z, y, reduction="mean", pos_weight=None):
    """BCE of sigmoid(z) computed stably from the logits z:
    max(z, 0) - z y + log(1 + exp(-|z|)), with positives weighted by pos_weight.

    As torch, z and y are computed in their promoted dtype and the loss is given in y's dtype.
    pos_weight (data, broadcast over z) is not differentiated, as in torch: one that
    requires grad is refused rather than silently left without a gradient."""
    op = "binary_cross_entropy_with_logits"
    _tensor_arg(z, op, "input", 1)
    _check_reduction(reduction, op)
    _check_float(z, op)
    y = _same_shape_target(z, y, op)
    dtype = promote_types(z.dtype, y.dtype)  # computed in the promoted dtype, given in the target's, as torch
    w = None
    if pos_weight is not None:
        weight = _data_arg(pos_weight, op, "pos_weight", z, floating=True)
        if weight.requires_grad and is_grad_enabled():
            raise RuntimeError(f"{op}: is not differentiable with respect to pos_weight, which requires grad "
                               "(detach it, as torch requires)")
        if not _broadcastable(weight.shape, z.shape) or np.broadcast_shapes(weight.shape, z.shape) != z.shape:
            raise ValueError(f"{op}: pos_weight {weight.shape} does not broadcast to the input {z.shape}")
        w = weight.astype(dtype).array
    loss = BinaryCrossEntropyWithLogits.apply(z.astype(dtype), y.astype(dtype), w, reduction=reduction)
    return loss.astype(y.dtype)


# ---- attention --------------------------------------------------------------------------

def scaled_dot_product_attention(q, k, v, attn_mask=None, is_causal=False, scale=None):
    """softmax(q k^T * scale + mask) v, with scale = 1/sqrt(E) by default.

    q: (..., L, E), k: (..., S, E), v: (..., S, Ev) -> (..., L, Ev). A bool
    attn_mask marks with True the keys a query may attend; a float mask is added
    to the scores. is_causal lets query i attend keys 0..i (torch's lower-left
    aligned tril(ones(L, S))). A query that may attend no key gets zeros.
    """
    op = "scaled_dot_product_attention"
    for position, (name, t) in enumerate((("query", q), ("key", k), ("value", v)), 1):
        _tensor_arg(t, op, name, position)
    _same_device(op, q, k, v)
    is_causal = check_bool(is_causal, "is_causal", op)
    scale = check_number(scale, "scale", op, allow_none=True)
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
    scale = (1.0 / math.sqrt(q.shape[-1]) if q.shape[-1] else 1.0) if scale is None else scale
    if is_causal and attn_mask is not None:
        raise ValueError("scaled_dot_product_attention: give attn_mask or is_causal, not both")
    bias = None
    if attn_mask is not None:
        mask = _data_arg(attn_mask, op, "attn_mask", q)
        try:
            np.broadcast_shapes(mask.shape, batch + (L, S))
        except ValueError:
            raise ValueError(f"scaled_dot_product_attention: attn_mask {mask.shape} does not broadcast "
                             f"to the scores {batch + (L, S)}") from None
        if mask.dtype == np.bool_:
            bias = q._backend.asarray(np.where(mask.numpy(), 0.0, -np.inf).astype(q.dtype))
        elif mask.requires_grad:  # a differentiable float mask: a Tensor input of the op
            bias = mask.astype(q.dtype)
        else:
            bias = mask.astype(q.dtype).array
    return Attention.apply(q, k, v, bias, scale=scale, causal=is_causal)
