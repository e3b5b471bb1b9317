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
from ..ops.matmul import Linear as MatmulLinear
from ..ops.losses import BinaryCrossEntropy, BinaryCrossEntropyWithLogits, CrossEntropy, MSELoss
from ..ops.norm import LayerNorm
from ..rng import generator
from .._tensor import _UNSET, Tensor, _axis_alias, _broadcastable, _softmax_dim
from .functional_resample import *  # noqa: F401,F403 - pad, interpolate, upsample*
from .functional_conv import *  # noqa: F401,F403 - conv1d ... conv_transpose3d, pools, unfold, fold, pixel_shuffle
from .functional_activations import *  # noqa: F401,F403 - silu, elu, ..., softshrink
from .functional_activations import leaky_relu_
from .functional_utilities import *  # noqa: F401,F403 - one_hot, normalize, cosine_similarity, pairwise_distance
from .functional_losses import *  # noqa: F401,F403 - nll_loss, l1_loss, kl_div, ..., triplet_margin_loss
from .functional_dropout import *  # noqa: F401,F403 - dropout1d/2d/3d, alpha_dropout, feature_alpha_dropout
from .functional_norm import *  # noqa: F401,F403 - batch_norm, instance_norm, group_norm, rms_norm, ...
from .functional_embedding import *  # noqa: F401,F403 - embedding, embedding_bag, bilinear

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


def _reduction(size_average, reduce, reduction, op, choices=_REDUCTIONS):
    """`reduction`, or the one the deprecated size_average/reduce pair names (torch's legacy rule:
    reduce=False -> "none", else size_average=False -> "sum", else "mean"), with torch's warning."""
    check_choice(reduction, "reduction", op, choices)  # a bad string is refused even when the legacy pair decides
    if size_average is not None or reduce is not None:
        size_average = True if size_average is None else check_bool(size_average, "size_average", op)
        reduce = True if reduce is None else check_bool(reduce, "reduce", op)
        reduction = "none" if not reduce else "mean" if size_average else "sum"
        warnings.warn(f"{op}: size_average and reduce args will be deprecated, please use "
                      f"reduction='{reduction}' instead.", UserWarning, stacklevel=3)
    return check_choice(reduction, "reduction", op, choices)


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


def dropout(input, p=0.5, training=True, inplace=False):
    """Zero each element with probability p and scale the survivors by 1/(1-p), in training.

    The scaling keeps E[output] = x, so nothing changes at evaluation time, when
    dropout is the identity. The gradient flows through the same mask. With
    inplace=True the input is overwritten (and returned).
    """
    x = _tensor_arg(input, "dropout", "input", 1)
    p = _probability(p, "p", "dropout")
    inplace = check_bool(inplace, "inplace", "dropout")
    if not check_bool(training, "training", "dropout") or p == 0.0:
        return x
    if p == 1.0:
        return x.mul_(0.0) if inplace else x * 0.0
    keep = Tensor((generator().random(x.shape) >= p) / (1.0 - p), dtype=x.dtype, device=x.device)
    return x.mul_(keep) if inplace else x * keep


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


# ---- losses -----------------------------------------------------------------------------

def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mean squared error: reduce((input - target)^2), in the promoted dtype of input and target (as torch).

    With weight (the input's shape) the terms are w (x - y)^2 and "mean" is sum(w (x - y)^2) / sum(w),
    as torch's."""
    pred = _tensor_arg(input, "mse_loss", "input", 1)
    reduction = _reduction(size_average, reduce, reduction, "mse_loss")
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
    if weight is None:
        return MSELoss.apply(pred.astype(dtype), target.astype(dtype), reduction=reduction)
    weight = _data_arg(weight, "mse_loss", "weight", input, floating=True)
    if weight.shape != input.shape:
        raise ValueError(f"mse_loss: weight {weight.shape} and input {input.shape} must have the same size")
    terms = MSELoss.apply(pred.astype(dtype), target.astype(dtype), reduction="none") * weight.astype(dtype)
    return _weighted_reduce(terms, weight.astype(dtype), reduction)


def _weighted_reduce(terms, weight, reduction):
    """Weighted terms reduced as torch's weighted mse and l1 losses: "mean" is sum(terms) / sum(weight)."""
    if reduction == "none":
        return terms
    wide = terms.astype(np.float32) if terms.dtype == np.float16 else terms
    if reduction == "sum":
        return wide.sum().astype(terms.dtype)
    return (wide.sum() / weight.astype(wide.dtype).sum()).astype(terms.dtype)


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean",
                  label_smoothing=0.0):
    """Softmax cross-entropy: -sum_c w_c q_c log softmax(input)_c, averaged as torch does.

    logits: (N, C), (C,) or (N, C, d1, ...): the class axis is 1 (0 for 1-D).
    target: integer class indices of the logits' shape without the class axis, or
    float probabilities of the logits' shape. With label_smoothing eps the target
    distribution becomes (1 - eps) q + eps / C. "mean" divides by the number of
    targets not equal to ignore_index (class indices) or by the number of rows.
    weight (C,) rescales each class: with class indices l_n = w[t_n] (-log p_{t_n}) (smoothing:
    (1 - eps) of that plus eps / C sum_c w_c (-log p_c)), and "mean" divides by sum_n w[t_n] over
    the counted targets; with probabilities "mean" still divides by the number of rows (torch's rules).
    """
    logits = _tensor_arg(input, "cross_entropy", "input", 1)
    reduction = _reduction(size_average, reduce, reduction, "cross_entropy")
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
    if weight is not None:
        weight = _data_arg(weight, "cross_entropy", "weight", logits, floating=True)
        if weight.shape != (n_classes,):
            raise ValueError(f"cross_entropy: weight tensor should be defined either for all {n_classes} classes "
                             f"or no classes but got weight tensor of shape {weight.shape}")

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
        if weight is not None:
            loss = _weighted_cross_entropy(rows, t, weight, reduction, ignore_index, label_smoothing)
            return loss.reshape(out_shape) if reduction == "none" else loss
        loss = CrossEntropy.apply(rows, rows._backend.asarray(t), reduction=reduction, ignore_index=ignore_index,
                                  label_smoothing=label_smoothing)
    elif target.dtype.kind == "f":
        if target.shape != logits.shape:
            raise ValueError(f"cross_entropy: probability targets must have the logits' shape "
                             f"{logits.shape}, got {target.shape}")
        dtype = promote_types(logits.dtype, target.dtype)  # as torch: float16 logits, float32 probabilities -> float32
        probs = target.astype(dtype).permute(dims).reshape(-1, n_classes)
        if weight is not None:
            loss = _weighted_soft_cross_entropy(rows.astype(dtype), probs, weight, reduction, label_smoothing)
            return loss.reshape(out_shape) if reduction == "none" else loss
        loss = CrossEntropy.apply(rows.astype(dtype), probs, reduction=reduction, ignore_index=ignore_index,
                                  label_smoothing=label_smoothing)
    else:
        raise TypeError(f"cross_entropy: target must hold class indices (integers) or probabilities "
                        f"(floats), not {target.dtype}")
    return loss.reshape(out_shape) if reduction == "none" else loss


def _weighted_cross_entropy(rows, t, weight, reduction, ignore_index, label_smoothing):
    """Class-weighted cross-entropy of rows (M, C) and M indices, as torch: the weighted nll_loss of the
    log-probabilities, plus (label smoothing) eps / C times sum_c w_c (-log p_c) per counted row,
    whose "mean" also divides by the counted targets' weights."""
    n_classes = rows.shape[1]
    if weight.requires_grad and is_grad_enabled():
        raise RuntimeError("cross_entropy: is not differentiable with respect to argument 'weight' with class-index "
                           "targets, and weight requires grad (detach it, as torch requires)")
    wide = rows.astype(np.float32) if rows.dtype == np.float16 else rows
    log_probs = wide.log_softmax(1)
    target = Tensor(t, device=rows.device)
    loss = nll_loss(log_probs, target, weight, ignore_index=ignore_index, reduction=reduction)  # noqa: F405
    if label_smoothing:
        w = _data_arg(weight, "cross_entropy", "weight", wide, floating=True).astype(wide.dtype).detach()
        counted = t != ignore_index
        zero = Tensor(np.zeros((), wide.dtype), device=rows.device)  # where, not a product: 0 * inf is nan
        smooth = Tensor.where(Tensor(counted, device=rows.device), -(log_probs * w).sum(1), zero)
        if reduction == "sum":
            smooth = smooth.sum()
        elif reduction == "mean":
            total = float(w.numpy()[t[counted]].sum())  # no weight counted: nan, as torch (without a 0/0 warning)
            smooth = smooth.sum() / total if total else smooth.sum() * float("nan")
        loss = (1 - label_smoothing) * loss.astype(wide.dtype) + smooth * (label_smoothing / n_classes)
    return loss.astype(rows.dtype)


def _weighted_soft_cross_entropy(rows, probs, weight, reduction, label_smoothing):
    """Class-weighted cross-entropy of rows (M, C) against probabilities (M, C), as torch:
    l_m = -sum_c w_c q'_c log p_c with q' = (1 - eps) q + eps / C; "mean" divides by M."""
    n_classes = rows.shape[1]
    wide = rows.astype(np.float32) if rows.dtype == np.float16 else rows
    w = _data_arg(weight, "cross_entropy", "weight", wide, floating=True)
    if w.shape != (n_classes,):
        raise ValueError(f"cross_entropy: weight tensor should be defined either for all {n_classes} classes "
                         f"or no classes but got weight tensor of shape {w.shape}")
    q = probs.astype(wide.dtype)
    if label_smoothing:
        q = q * (1 - label_smoothing) + label_smoothing / n_classes
    loss = -(wide.log_softmax(1) * q * w.astype(wide.dtype)).sum(1)
    if reduction == "sum":
        loss = loss.sum()
    elif reduction == "mean":
        loss = loss.sum() / len(rows) if len(rows) else loss.sum() * float("nan")
    return loss.astype(rows.dtype)


def _same_shape_target(x, y, op):
    """The target as a Tensor of the input's shape (an integer or bool target as the input's dtype)."""
    y = _data_arg(y, op, "target", x, floating=True)
    if y.shape != x.shape:
        raise ValueError(f"{op}: target {y.shape} must have the input's shape {x.shape}")
    return y if y.dtype.kind == "f" else y.astype(x.dtype)


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):
    """-w (y log p + (1 - y) log(1 - p)) for probabilities p in [0, 1] (logs clamped at -100).

    weight (broadcast to the input; not differentiated, as in torch) rescales each term; "mean"
    is the plain mean of the weighted terms."""
    p, y = input, target
    _tensor_arg(p, "binary_cross_entropy", "input", 1)
    reduction = _reduction(size_average, reduce, reduction, "binary_cross_entropy")
    _check_float(p, "binary_cross_entropy")
    y = _same_shape_target(p, y, "binary_cross_entropy")
    if y.dtype != p.dtype:  # torch refuses too (it does not promote here)
        raise TypeError(f"binary_cross_entropy: input is {p.dtype} but target is {y.dtype}; "
                        "they must have the same dtype")
    values = p.numpy()
    if np.any((values < 0) | (values > 1)):
        raise ValueError("binary_cross_entropy: input probabilities must lie in [0, 1]; "
                         "pass logits to binary_cross_entropy_with_logits instead")
    if weight is None:
        return BinaryCrossEntropy.apply(p, y, reduction=reduction)
    w = _term_weight(weight, p, "binary_cross_entropy")
    return _reduce_terms(BinaryCrossEntropy.apply(p, y, reduction="none") * w.astype(p.dtype), reduction)


def _term_weight(weight, x, op):
    """A weight that broadcasts to the input, as data: refused when it requires grad (torch does not
    differentiate it), rather than silently left without a gradient."""
    w = _data_arg(weight, op, "weight", x, floating=True)
    if w.requires_grad and is_grad_enabled():
        raise RuntimeError(f"{op}: is not differentiable with respect to argument 'weight', which requires grad "
                           "(detach it, as torch requires)")
    if not _broadcastable(w.shape, x.shape) or np.broadcast_shapes(w.shape, x.shape) != x.shape:
        raise ValueError(f"{op}: weight {w.shape} does not broadcast to the input {x.shape}")
    return w


def _reduce_terms(terms, reduction):
    """Loss terms summed or averaged (float16 accumulating in float32), or kept ("none")."""
    if reduction == "none":
        return terms
    wide = terms.astype(np.float32) if terms.dtype == np.float16 else terms
    return (wide.sum() if reduction == "sum" else wide.mean()).astype(terms.dtype)


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None, reduction="mean",
                                     pos_weight=None):
    """BCE of sigmoid(z) computed stably from the logits z:
    max(z, 0) - z y + log(1 + exp(-|z|)), with positives weighted by pos_weight.

    As torch, z and y are computed in their promoted dtype and the loss is given in y's dtype.
    pos_weight (data, broadcast over z) is not differentiated, as in torch: one that
    requires grad is refused rather than silently left without a gradient. weight (data,
    broadcast to z) rescales each term; "mean" is the plain mean of the weighted terms."""
    op = "binary_cross_entropy_with_logits"
    z, y = input, target
    _tensor_arg(z, op, "input", 1)
    reduction = _reduction(size_average, reduce, reduction, op)
    _check_float(z, op)
    y = _same_shape_target(z, y, op)
    dtype = promote_types(z.dtype, y.dtype)  # computed in the promoted dtype, given in the target's, as torch
    w = None
    if pos_weight is not None:
        positive = _data_arg(pos_weight, op, "pos_weight", z, floating=True)
        if positive.requires_grad and is_grad_enabled():
            raise RuntimeError(f"{op}: is not differentiable with respect to pos_weight, which requires grad "
                               "(detach it, as torch requires)")
        if not _broadcastable(positive.shape, z.shape) or np.broadcast_shapes(positive.shape, z.shape) != z.shape:
            raise ValueError(f"{op}: pos_weight {positive.shape} does not broadcast to the input {z.shape}")
        w = positive.astype(dtype).array
    if weight is None:
        loss = BinaryCrossEntropyWithLogits.apply(z.astype(dtype), y.astype(dtype), w, reduction=reduction)
    else:
        terms = BinaryCrossEntropyWithLogits.apply(z.astype(dtype), y.astype(dtype), w, reduction="none")
        loss = _reduce_terms(terms * _term_weight(weight, z, op).astype(dtype), reduction)
    return loss.astype(y.dtype)


# ---- attention --------------------------------------------------------------------------

def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None,
                                 enable_gqa=False):
    """dropout(softmax(q k^T * scale + mask), dropout_p) v, with scale = 1/sqrt(E) by default.

    q: (..., L, E), k: (..., S, E), v: (..., S, Ev) -> (..., L, Ev). A bool
    attn_mask marks with True the keys a query may attend; a float mask is added
    to the scores. is_causal lets query i attend keys 0..i (torch's lower-left
    aligned tril(ones(L, S))). A query that may attend no key gets zeros.
    dropout_p > 0 zeroes each attention weight with that probability and scales the
    rest by 1 / (1 - dropout_p) (always: the caller passes 0 outside training, as in torch).
    enable_gqa (grouped-query attention): q has Hq heads on axis -3 and k, v have Hkv
    dividing Hq; each key/value head serves Hq / Hkv consecutive query heads
    (k.repeat_interleave(Hq // Hkv, dim=-3)).
    """
    op = "scaled_dot_product_attention"
    q, k, v = query, key, value
    for position, (name, t) in enumerate((("query", q), ("key", k), ("value", v)), 1):
        _tensor_arg(t, op, name, position)
    _same_device(op, q, k, v)
    is_causal = check_bool(is_causal, "is_causal", op)
    scale = check_number(scale, "scale", op, allow_none=True)
    dropout_p = _probability(dropout_p, "dropout_p", op)
    if check_bool(enable_gqa, "enable_gqa", op):
        k, v = _repeat_kv_heads(q, k, v)
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
    if is_causal and attn_mask is not None:  # torch's error (a RuntimeError)
        raise RuntimeError("scaled_dot_product_attention: explicit attn_mask should not be set when is_causal=True")
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
    if dropout_p > 0.0:
        return _attention_with_dropout(q, k, v, bias, scale, is_causal, dropout_p)
    return Attention.apply(q, k, v, bias, scale=scale, causal=is_causal)


def _repeat_kv_heads(q, k, v):
    """k and v with each of their Hkv heads (axis -3) repeated Hq / Hkv times, next to each other."""
    op = "scaled_dot_product_attention"
    if q.ndim < 3 or k.ndim < 3 or v.ndim < 3:
        raise ValueError(f"{op}: enable_gqa needs heads on axis -3: q {q.shape}, k {k.shape}, v {v.shape}")
    hq, hk, hv = q.shape[-3], k.shape[-3], v.shape[-3]
    if hk != hv or hk == 0 or hq % hk:
        raise ValueError(f"{op}: with enable_gqa, key and value need the same number of heads, dividing the "
                         f"query's: q {q.shape}, k {k.shape}, v {v.shape}")
    group = hq // hk
    if group == 1:
        return k, v

    def repeat(t):
        shape = t.shape[:-3] + (hk, group) + t.shape[-2:]
        return t.unsqueeze(-3).expand(shape).reshape(t.shape[:-3] + (hq,) + t.shape[-2:])
    return repeat(k), repeat(v)


def _attention_with_dropout(q, k, v, bias, scale, causal, p):
    """dropout(softmax(q k^T scale + bias), p) @ v, from differentiable ops.

    Rows that may attend no key are zero, as on the fast path: their bias is replaced by 0 (so
    that no nan enters the graph) and their weights are then multiplied by 0."""
    L, S = q.shape[-2], k.shape[-2]
    scores = (q @ k.transpose(-2, -1)) * scale
    if causal:  # attn_mask and is_causal exclude each other: bias is None here
        bias = np.where(np.tril(np.ones((L, S), bool)), 0.0, -np.inf).astype(q.dtype)
    if bias is None:
        return dropout(scores.softmax(-1), p, training=True) @ v
    if not isinstance(bias, Tensor):
        bias = Tensor(bias, device=q.device)
    dead = np.all(np.isneginf(bias.numpy()), axis=-1, keepdims=True)
    if not dead.any():
        return dropout((scores + bias).softmax(-1), p, training=True) @ v
    zero = Tensor(np.zeros((), q.dtype), device=q.device)
    weights = (scores + Tensor.where(Tensor(dead, device=q.device), zero, bias)).softmax(-1)
    weights = weights * Tensor((~dead).astype(q.dtype), device=q.device)
    return dropout(weights, p, training=True) @ v
