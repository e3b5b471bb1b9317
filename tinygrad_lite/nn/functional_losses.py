"""torch.nn.functional's loss functions beyond mse_loss, cross_entropy and binary cross-entropy
(which live in functional.py): nll_loss, l1_loss, smooth_l1_loss, huber_loss, kl_div,
poisson_nll_loss, gaussian_nll_loss, margin_ranking_loss, hinge_embedding_loss, soft_margin_loss,
multilabel_soft_margin_loss, cosine_embedding_loss, triplet_margin_loss and multi_margin_loss.

Each computes one loss term per element (or per row) and then applies `reduction`: "none" keeps
the terms, "sum" adds them, "mean" divides the sum by their count (nll_loss by the sum of the
counted targets' weights). nll_loss, l1/smooth_l1/huber and soft_margin_loss are single ops with
hand-derived backwards (ops/losses.py); the rest are written, as torch writes them, from
differentiable Tensor ops, so their gradients are those of torch's formulas. float16 computes in
float32 and rounds once. The deprecated size_average and reduce arguments are honoured as torch
honours them, with its warning.
"""
import math
import warnings

import numpy as np

from .. import dtypes
from .._tensor import Tensor
from .._validate import check_bool, check_index, check_number
from ..autograd import is_grad_enabled
from ..dtypes import promote_types
from ..ops.losses import DifferenceLoss, NLLLoss, SoftMarginLoss
from . import functional as _F  # the argument helpers; only used at call time (functional imports this module)

__all__ = [
    "nll_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "kl_div", "poisson_nll_loss", "gaussian_nll_loss",
    "margin_ranking_loss", "hinge_embedding_loss", "soft_margin_loss", "multilabel_soft_margin_loss",
    "cosine_embedding_loss", "triplet_margin_loss", "multi_margin_loss",
]

_REDUCTIONS = ("mean", "sum", "none")


# ---- arguments --------------------------------------------------------------------------------

def _input(x, op, name="input", position=1):
    """A floating-point Tensor input (a gradient may flow to it)."""
    _F._tensor_arg(x, op, name, position)
    _F._check_float(x, op)
    return x


def _wide(t):
    """float16 computes in float32 (a float16 sum of many terms overflows past 65,504)."""
    return t.astype(dtypes.float32) if t.dtype == dtypes.float16 else t


def _reduce(loss, reduction, dtype):
    """The terms reduced ("none": as they are), in `dtype`."""
    if reduction == "sum":
        loss = loss.sum()
    elif reduction == "mean":
        loss = loss.mean()
    return loss.astype(dtype) if loss.dtype != dtype else loss


def _target(x, target, op, name="target", position=2, warn=True):
    """`target` (a Tensor or an array-like) and `x` broadcast to one shape and promoted to one float
    dtype, as torch's pointwise losses take them (with torch's warning when the shapes differ)."""
    target = _F._data_arg(target, op, name, x, floating=True)
    if target.shape != x.shape:
        try:
            shape = np.broadcast_shapes(x.shape, target.shape)
        except ValueError:
            raise ValueError(f"{op}: input {x.shape} and {name} {target.shape} do not broadcast") from None
        if warn:
            warnings.warn(f"{op}: Using a target size ({target.shape}) that is different to the input size "
                          f"({x.shape}). This will likely lead to incorrect results due to broadcasting. "
                          "Please ensure they have the same size.", UserWarning, stacklevel=3)
        x, target = x.expand(shape), target.expand(shape)
    dtype = promote_types(x.dtype, target.dtype)
    if dtype.kind != "f":
        raise TypeError(f"{op}: needs a floating-point input or target, not {x.dtype} and {target.dtype}")
    return x.astype(dtype), target.astype(dtype), dtype


def _sample_weight(weight, x, op):
    """The per-element weight of mse/l1/huber: a Tensor (or array-like) of the input's exact shape."""
    if weight is None:
        return None
    weight = _F._data_arg(weight, op, "weight", x, floating=True)
    if weight.shape != x.shape:
        raise ValueError(f"{op}: weight {weight.shape} and input {x.shape} must have the same size")
    return weight


def _class_weight(weight, n_classes, x, op):
    """A (C,) class weight as a plain array in x's dtype (never differentiated, as torch's nll_loss)."""
    if weight is None:
        return None
    weight = _F._data_arg(weight, op, "weight", x, floating=True)
    if weight.requires_grad and is_grad_enabled():
        raise RuntimeError(f"{op}: is not differentiable with respect to argument 'weight', which requires grad "
                           "(detach it, as torch requires)")
    if weight.shape != (n_classes,):
        raise ValueError(f"{op}: weight tensor should be defined either for all {n_classes} classes or no "
                         f"classes but got weight tensor of shape {weight.shape}")
    if weight.dtype.kind != "f":
        weight = weight.astype(x.dtype)
    return weight.astype(x.dtype).array


def _class_rows(x, target, op, ignore_index):
    """x (N, C, d1, ...), (N, C) or (C,) as rows (M, C) with the class axis last, and the integer
    targets (N, d1, ...), (N,) or () as M checked indices; also the unreduced output's shape."""
    if x.ndim == 0:
        raise ValueError(f"{op}: input needs a class axis, got shape ()")
    target = _F._data_arg(target, op, "target", x)
    if target.dtype.kind not in "iu":
        raise TypeError(f"{op}: target must hold integer class indices, not {target.dtype}")
    class_axis = 0 if x.ndim == 1 else 1
    n_classes = x.shape[class_axis]
    out_shape = x.shape[:class_axis] + x.shape[class_axis + 1:]
    if target.shape != out_shape:
        raise ValueError(f"{op}: input {x.shape} needs targets of shape {out_shape}, got {target.shape}")
    dims = [d for d in range(x.ndim) if d != class_axis] + [class_axis]
    rows = x.permute(dims).reshape(-1, n_classes)
    t = target.numpy().reshape(-1).astype(np.int64)
    bad = (t != ignore_index) & ((t < 0) | (t >= n_classes))
    if bad.any():
        raise IndexError(f"{op}: target {t[bad][0]} is out of bounds for {n_classes} classes (input {x.shape})")
    return rows, t, out_shape


def _margin(margin, op, name="margin"):
    return check_number(margin, name, op)


def _pm_one_target(target, x, op):
    """A +-1 (or other real) label Tensor in x's dtype, shaped like `x` or broadcasting to it."""
    target = _F._data_arg(target, op, "target", x, floating=True)
    if target.dtype.kind not in "fiub":
        raise TypeError(f"{op}: target must be real numbers, not {target.dtype}")
    return target


# ---- classification ---------------------------------------------------------------------------

def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean"):
    """Negative log-likelihood of class indices under log-probabilities `input`:

        l_n = -w[t_n] input[n, t_n]   (0 where t_n == ignore_index)

    input (N, C), (C,) or (N, C, d1, ...) with the class axis 1; target the same without it.
    "mean" is sum_n l_n / sum_n w[t_n] over the targets not ignored (nan when there are none).
    weight (C,) rescales each class; it is not differentiated, as in torch.
    """
    op = "nll_loss"
    _input(input, op)
    reduction = _F._reduction(size_average, reduce, reduction, op)
    ignore_index = check_index(ignore_index, "ignore_index", op)
    rows, t, out_shape = _class_rows(input, target, op, ignore_index)
    w = _class_weight(weight, rows.shape[1], input, op)
    loss = NLLLoss.apply(rows, rows._backend.asarray(t), None if w is None else rows._backend.asarray(w),
                         reduction=reduction, ignore_index=ignore_index)
    return loss.reshape(out_shape) if reduction == "none" else loss


def multi_margin_loss(input, target, p=1, margin=1.0, weight=None, size_average=None, reduce=None,
                      reduction="mean"):
    """Multi-class hinge loss per row n with target class y = target[n]:

        l_n = sum_{j != y} w[y] max(0, margin - x[n, y] + x[n, j])^p / C

    input (N, C) or (C,); p is 1 or 2; weight (C,) rescales each target class.
    """
    op = "multi_margin_loss"
    _input(input, op)
    reduction = _F._reduction(size_average, reduce, reduction, op)
    if not _is_one_or_two(p):
        raise ValueError(f"{op}: only p == 1 and p == 2 are supported, got {p!r}")
    margin = _margin(margin, op)
    if input.ndim not in (1, 2):
        raise ValueError(f"{op}: input must be (N, C) or (C,), got {input.shape}")
    rows = _wide(input.reshape(1, -1) if input.ndim == 1 else input)
    target = _F._data_arg(target, op, "target", input)
    if target.dtype.kind not in "iu":
        raise TypeError(f"{op}: target must hold integer class indices, not {target.dtype}")
    if target.shape != input.shape[:-1]:
        raise ValueError(f"{op}: input {input.shape} needs targets of shape {input.shape[:-1]}, got {target.shape}")
    t = target.numpy().reshape(-1).astype(np.int64)
    if t.size and (t.min() < 0 or t.max() >= rows.shape[1]):
        raise IndexError(f"{op}: target {t[(t < 0) | (t >= rows.shape[1])][0]} is out of bounds for "
                         f"{rows.shape[1]} classes")
    n_classes = rows.shape[1]
    picked = rows.gather(1, Tensor(t.reshape(-1, 1), device=input.device))
    hinge = (rows - picked + margin).clamp_min(0)
    hinge = hinge if p == 1 else hinge * hinge
    others = Tensor((np.arange(n_classes) != t[:, None]).astype(rows.dtype), device=input.device)
    hinge = hinge * others
    w = _class_weight(weight, n_classes, rows, op)
    if w is not None:
        hinge = hinge * Tensor(w[t].reshape(-1, 1), device=input.device)
    loss = hinge.sum(1) / n_classes
    if input.ndim == 1:
        loss = loss.reshape(())
    return _reduce(loss, reduction, input.dtype)


def multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):
    """Per row n over C labels y in {0, 1}:
    l_n = -(1/C) sum_c w_c (y_c log sigmoid(x_c) + (1 - y_c) log sigmoid(-x_c))."""
    op = "multilabel_soft_margin_loss"
    _input(input, op)
    reduction = _F._reduction(size_average, reduce, reduction, op)
    x, y, dtype = _target(input, target, op, warn=False)
    if y.shape != input.shape:
        raise ValueError(f"{op}: target {tuple(y.shape)} must have the input's shape {input.shape}")
    x, y = _wide(x), _wide(y)
    loss = -(y * _F.logsigmoid(x) + (1 - y) * _F.logsigmoid(-x))
    if weight is not None:
        w = _F._data_arg(weight, op, "weight", x, floating=True)
        if not _broadcasts_to(w.shape, x.shape):
            raise ValueError(f"{op}: weight {w.shape} does not broadcast to the input {input.shape}")
        loss = loss * w.astype(x.dtype)
    if loss.ndim == 0:
        raise ValueError(f"{op}: input needs a class axis, got shape ()")
    loss = loss.sum(loss.ndim - 1) / loss.shape[-1]
    return _reduce(loss, reduction, dtype)


def _is_one_or_two(p):
    """Whether `p` is the number 1 or 2 (multi_margin_loss's two exponents)."""
    return isinstance(p, (int, float, np.integer, np.floating)) and not isinstance(p, bool) and p in (1, 2)


def _broadcasts_to(shape, target_shape):
    try:
        return np.broadcast_shapes(shape, target_shape) == tuple(target_shape)
    except ValueError:
        return False


# ---- regression -------------------------------------------------------------------------------

def _difference_loss(input, target, weight, reduction, op, kind, param=0.0, weighted_mean="sum_of_weights"):
    x, y, dtype = _target(input, target, op)
    weight = _sample_weight(weight, input, op)
    if weight is None:
        return DifferenceLoss.apply(x, y, kind=kind, param=param, reduction=reduction)
    terms = DifferenceLoss.apply(x, y, kind=kind, param=param, reduction="none") * weight.astype(dtype)
    if reduction == "mean" and weighted_mean == "sum_of_weights":  # torch's weighted mean for mse and l1
        return (_wide(terms).sum() / _wide(weight.astype(dtype)).sum()).astype(dtype)
    return _reduce(_wide(terms), reduction, dtype)


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mean absolute error: reduce(|input - target|); d/d input = sign(input - target) (0 at a tie).
    With weight (input's shape): terms w |x - y|, and "mean" is sum(w |x - y|) / sum(w), as torch."""
    op = "l1_loss"
    _input(input, op)
    reduction = _F._reduction(size_average, reduce, reduction, op)
    return _difference_loss(input, target, weight, reduction, op, "l1")


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    """With d = input - target: l = 0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta
    (beta = 0 is the L1 loss); beta >= 0."""
    op = "smooth_l1_loss"
    _input(input, op)
    reduction = _F._reduction(size_average, reduce, reduction, op)
    beta = check_number(beta, "beta", op)
    if beta < 0:
        raise ValueError(f"{op}: beta must be >= 0, got {beta}")
    return _difference_loss(input, target, None, reduction, op, "smooth_l1", beta)


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    """With d = input - target: l = 0.5 d^2 where |d| < delta, else delta (|d| - 0.5 delta);
    delta > 0. With weight (input's shape), the terms are w l and "mean" is their plain mean, as torch."""
    op = "huber_loss"
    _input(input, op)
    reduction = _F._reduction(None, None, reduction, op)
    delta = check_number(delta, "delta", op)
    if delta <= 0:
        raise ValueError(f"{op}: delta must be > 0, got {delta}")
    target = _F._data_arg(target, op, "target", input, floating=True)
    if target.dtype.kind in "fiub" and target.dtype != input.dtype:  # as torch: computed in the input's dtype
        target = target.astype(input.dtype)
    return _difference_loss(input, target, weight, reduction, op, "huber", delta, weighted_mean="mean")


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    """Kullback-Leibler divergence terms with input = log q:

        l = target (log target - input)         (log_target=False; 0 where target = 0)
        l = exp(target) (target - input)        (log_target=True: target holds log p)

    "batchmean" divides the sum by the batch size input.shape[0] (KL's definition); "mean"
    divides by the element count, with torch's warning.
    """
    op = "kl_div"
    _input(input, op)
    legacy = size_average is not None or reduce is not None
    reduction = _F._reduction(size_average, reduce, reduction, op, _REDUCTIONS + ("batchmean",))
    log_target = check_bool(log_target, "log_target", op)
    if reduction == "mean" and not legacy:
        warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the support size."
                      "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
                      "'mean' will be changed to behave the same as 'batchmean' in the next major release.",
                      UserWarning, stacklevel=2)
    x, t, dtype = _target(input, target, op, warn=False)
    x, t = _wide(x), _wide(t)
    loss = t.exp() * (t - x) if log_target else t.xlogy(t) - t * x
    if reduction == "batchmean":
        total = loss.sum()
        return (total / input.shape[0] if input.ndim else total).astype(dtype)
    return _reduce(loss, reduction, dtype)


def poisson_nll_loss(input, target, log_input=True, full=False, size_average=None, eps=1e-8, reduce=None,
                     reduction="mean"):
    """Negative log-likelihood of target ~ Poisson(rate), dropping the constant log(target!):

        l = exp(input) - target input           (log_input=True: input is log rate)
        l = input - target log(input + eps)     (log_input=False: input is the rate)

    full=True adds Stirling's approximation of log(target!), target log target - target
    + 0.5 log(2 pi target), where target > 1.
    """
    op = "poisson_nll_loss"
    _input(input, op)
    log_input = check_bool(log_input, "log_input", op)
    full = check_bool(full, "full", op)
    eps = check_number(eps, "eps", op)
    reduction = _F._reduction(size_average, reduce, reduction, op)
    x, t, dtype = _target(input, target, op, warn=False)
    x, t = _wide(x), _wide(t)
    loss = x.exp() - t * x if log_input else x - t * (x + eps).log()
    if full:
        big = t.detach() > 1
        safe = Tensor.where(big, t, Tensor(2.0, dtype=t.dtype, device=t.device))  # log of t <= 1 is never used
        stirling = safe * safe.log() - safe + 0.5 * (safe * (2 * math.pi)).log()
        loss = loss + Tensor.where(big, stirling, Tensor(0.0, dtype=t.dtype, device=t.device))
    return _reduce(loss, reduction, dtype)


def gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction="mean"):
    """Negative log-likelihood of target ~ N(input, var):

        l = 0.5 (log max(var, eps) + (input - target)^2 / max(var, eps))  (+ 0.5 log(2 pi) if full)

    var has the input's shape, or one axis fewer or of size 1 (one variance shared along it), or
    is a float; it must be non-negative. As in torch, the clamp at eps changes only the value: the
    gradient reaches var as if it were not clamped.
    """
    op = "gaussian_nll_loss"
    _input(input, op)
    full = check_bool(full, "full", op)
    eps = check_number(eps, "eps", op)
    reduction = _F._reduction(None, None, reduction, op)
    x, t, dtype = _target(input, target, op, warn=False)
    if isinstance(var, (int, float, np.floating, np.integer)) and not isinstance(var, bool):
        if var < 0:
            raise ValueError(f"{op}: var has negative entry/entries ({var})")
        var = Tensor(float(var), dtype=input.dtype, device=input.device).expand(input.shape)
    var = _F._data_arg(var, op, "var", input, floating=True)
    if var.shape != input.shape:
        if var.shape == input.shape[:-1]:
            var = var.unsqueeze(-1)
        elif not (var.ndim == input.ndim and sum(a != b for a, b in zip(input.shape, var.shape)) == 1
                  and _broadcasts_to(var.shape, input.shape)):
            raise ValueError(f"{op}: var {var.shape} is of incorrect size for input {input.shape}")
    if np.any(var.numpy() < 0):
        raise ValueError(f"{op}: var has negative entry/entries")
    x, t, v = _wide(x), _wide(t), _wide(var.astype(dtype))
    # torch clamps a copy of var in place under no_grad: the value is clamped, the gradient flows as if it were not
    v_clamped = v + (v.detach().clamp_min(eps) - v.detach())
    loss = 0.5 * (v_clamped.log() + (x - t) ** 2 / v_clamped)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction, dtype)


# ---- margins and embeddings ----------------------------------------------------------------

def margin_ranking_loss(input1, input2, target, margin=0, size_average=None, reduce=None, reduction="mean"):
    """l = max(0, -target (input1 - input2) + margin), target = 1 when input1 should rank higher, -1
    when input2 should. The three tensors have the same number of dimensions (and broadcast)."""
    op = "margin_ranking_loss"
    _input(input1, op, "input1", 1)
    _input(input2, op, "input2", 2)
    margin = _margin(margin, op)
    reduction = _F._reduction(size_average, reduce, reduction, op)
    target = _pm_one_target(target, input1, op)
    if not input1.ndim == input2.ndim == target.ndim:
        raise ValueError(f"{op}: all input tensors should have the same dimension but got sizes: input1 "
                         f"{input1.shape}, input2 {input2.shape}, target {target.shape}")
    try:
        np.broadcast_shapes(input1.shape, input2.shape, target.shape)
    except ValueError:
        raise ValueError(f"{op}: input1 {input1.shape}, input2 {input2.shape} and target {target.shape} "
                         "do not broadcast") from None
    dtype = promote_types(promote_types(input1.dtype, input2.dtype), target.dtype if target.dtype.kind == "f"
                          else input1.dtype)
    a, b, y = (_wide(t.astype(dtype)) for t in (input1, input2, target))
    loss = (-y * (a - b) + margin).clamp_min(0)
    return _reduce(loss, reduction, dtype)


def hinge_embedding_loss(input, target, margin=1.0, size_average=None, reduce=None, reduction="mean"):
    """l = x where target = 1, max(0, margin - x) where target = -1 (as torch: the first term is
    taken where target != -1 and the second where target != 1, and the two added)."""
    op = "hinge_embedding_loss"
    _input(input, op)
    margin = _margin(margin, op)
    reduction = _F._reduction(size_average, reduce, reduction, op)
    target = _pm_one_target(target, input, op)
    if not _broadcasts_to(target.shape, input.shape) and target.shape != input.shape:
        raise ValueError(f"{op}: target {target.shape} does not broadcast to the input {input.shape}")
    x = _wide(input)
    t = target.numpy()
    zero = Tensor(0.0, dtype=x.dtype, device=x.device)
    not_pos = Tensor(t != 1, device=x.device)
    not_neg = Tensor(t != -1, device=x.device)
    loss = Tensor.where(not_pos, (margin - x).clamp_min(0), zero) + Tensor.where(not_neg, x, zero)
    return _reduce(loss, reduction, input.dtype)


def soft_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """Two-class logistic loss: l = log(1 + exp(-target input)), target in {-1, 1}.
    The target is not differentiated, as in torch."""
    op = "soft_margin_loss"
    _input(input, op)
    reduction = _F._reduction(size_average, reduce, reduction, op)
    target = _pm_one_target(target, input, op)
    if target.requires_grad and is_grad_enabled():
        raise RuntimeError(f"{op}: is not differentiable with respect to argument 'target', which requires grad")
    if target.shape != input.shape:
        raise ValueError(f"{op}: target {target.shape} must have the input's shape {input.shape}")
    return SoftMarginLoss.apply(input, target.astype(input.dtype).array, reduction=reduction)


def cosine_embedding_loss(input1, input2, target, margin=0, size_average=None, reduce=None, reduction="mean"):
    """With cos = x1 . x2 / sqrt((|x1|^2 + 1e-12)(|x2|^2 + 1e-12)) per row:
    l = 1 - cos where target = 1, max(0, cos - margin) where target = -1 (0 otherwise).
    Inputs (N, D) with target (N,), or (D,) with a 0-d target."""
    op = "cosine_embedding_loss"
    _input(input1, op, "input1", 1)
    _input(input2, op, "input2", 2)
    margin = _margin(margin, op)
    reduction = _F._reduction(size_average, reduce, reduction, op)
    target = _pm_one_target(target, input1, op)
    if target.ndim not in (0, 1):
        raise ValueError(f"{op}: 0D or 1D target tensor expected, multi-target not supported, got {target.shape}")
    want = target.ndim + 1
    if input1.ndim != want or input2.ndim != want:
        raise ValueError(f"{op}: a {target.ndim}-D target expects {want}-D inputs, got input1 {input1.shape} "
                         f"and input2 {input2.shape}")
    if input1.shape != input2.shape or input1.shape[:-1] != target.shape:
        raise ValueError(f"{op}: input1 {input1.shape}, input2 {input2.shape} and target {target.shape} "
                         "do not fit (inputs (N, D) with target (N,))")
    dtype = promote_types(input1.dtype, input2.dtype)
    a, b = _wide(input1.astype(dtype)), _wide(input2.astype(dtype))
    axis = target.ndim
    eps = 1e-12
    cos = (a * b).sum(axis) / (((a * a).sum(axis) + eps) * ((b * b).sum(axis) + eps)).sqrt()
    t = target.numpy()
    zero = Tensor(0.0, dtype=cos.dtype, device=cos.device)
    loss = Tensor.where(Tensor(t == 1, device=cos.device), 1 - cos, zero) + \
        Tensor.where(Tensor(t == -1, device=cos.device), (cos - margin).clamp_min(0), zero)
    return _reduce(loss, reduction, dtype)


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False, size_average=None,
                        reduce=None, reduction="mean"):
    """l = max(0, margin + d(a, p) - d(a, n)) with d(x, y) = ||x - y + eps||_p along the last axis
    (F.pairwise_distance); swap=True uses min(d(a, n), d(p, n)) for d(a, n). margin > 0."""
    op = "triplet_margin_loss"
    for position, (name, t) in enumerate((("anchor", anchor), ("positive", positive), ("negative", negative)), 1):
        _input(t, op, name, position)
    margin = _margin(margin, op)
    if margin <= 0:
        raise ValueError(f"{op}: margin must be greater than 0, got {margin}")
    p = check_number(p, "p", op)
    eps = check_number(eps, "eps", op)
    swap = check_bool(swap, "swap", op)
    reduction = _F._reduction(size_average, reduce, reduction, op)
    if not anchor.ndim == positive.ndim == negative.ndim or anchor.ndim not in (1, 2):
        raise ValueError(f"{op}: anchor {anchor.shape}, positive {positive.shape} and negative {negative.shape} "
                         "must all be (N, D) or (D,)")
    try:
        np.broadcast_shapes(anchor.shape, positive.shape, negative.shape)
    except ValueError:
        raise ValueError(f"{op}: anchor {anchor.shape}, positive {positive.shape} and negative {negative.shape} "
                         "do not broadcast") from None
    dtype = promote_types(promote_types(anchor.dtype, positive.dtype), negative.dtype)
    a, pos, neg = (_wide(t.astype(dtype)) for t in (anchor, positive, negative))
    d_pos = _F.pairwise_distance(a, pos, p, eps)
    d_neg = _F.pairwise_distance(a, neg, p, eps)
    if swap:
        d_neg = d_neg.minimum(_F.pairwise_distance(pos, neg, p, eps))
    return _reduce((d_pos - d_neg + margin).clamp_min(0), reduction, dtype)
