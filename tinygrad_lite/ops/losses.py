"""Loss functions, each producing per-element (or per-row) losses before the reduction.

The reduction ("mean", "sum" or "none") is applied here too, so that the
backward can scale the gradient in one place: for "mean" over n terms every
term's gradient is g / n; for "sum" it is g; for "none" it is g's own element.
"""
import numpy as np

from ..autograd import Function


def reduce_loss(losses, reduction, count=None):
    """Apply `reduction` to an array of losses ("mean" divides by `count`, default its size)."""
    if reduction == "none":
        return losses
    total = losses.sum(dtype=np.float32 if losses.dtype == np.float16 else None, keepdims=True)
    if reduction == "sum":
        return total.reshape(()).astype(losses.dtype)
    count = losses.size if count is None else count
    with np.errstate(invalid="ignore", divide="ignore"):  # mean of nothing is nan, as torch
        return (total / count).reshape(()).astype(losses.dtype)


def per_term_grad(grad, shape, reduction, count=None):
    """The upstream gradient of each loss term, given the gradient of the reduced loss."""
    if reduction == "none":
        return grad
    if reduction == "sum":
        return np.broadcast_to(grad, shape)
    count = int(np.prod(shape)) if count is None else count
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.broadcast_to(grad / count, shape)


class MSELoss(Function):
    """l = (p - t)^2 per element;  dp = 2 (p - t) g_term,  dt = -dp."""

    @staticmethod
    def forward(ctx, pred, target, reduction):
        diff = pred - target
        ctx.save_for_backward(diff)
        ctx.reduction = reduction
        return reduce_loss(diff * diff, reduction)

    @staticmethod
    def backward(ctx, grad):
        (diff,) = ctx.saved_tensors
        dpred = 2 * diff * per_term_grad(grad, diff.shape, ctx.reduction)
        return tuple(dpred if i == 0 else -dpred for i in range(len(ctx.parents)))


class CrossEntropy(Function):
    """l = -sum_c q'_c log softmax(z)_c per row;  dz = softmax(z) sum(q') - q'  (softmax - onehot for classes).

    The math is in `backend.cross_entropy`; logits are (N, C).
    `target` is either N class indices (an array, not differentiable) or an
    (N, C) Tensor of probabilities (differentiable: d loss/d q_c = -(1 - eps) log p_c).
    "mean" over class indices divides by the number of rows not ignored.
    """

    @staticmethod
    def forward(ctx, logits, target, *, reduction, ignore_index, label_smoothing):
        losses = ctx.backend.cross_entropy(logits, target, ignore_index, label_smoothing)
        count = int((target != ignore_index).sum()) if target.ndim == 1 else len(target)
        ctx.save_for_backward(logits, target)
        ctx.reduction, ctx.count = reduction, count
        ctx.ignore_index, ctx.label_smoothing = ignore_index, label_smoothing
        return reduce_loss(losses, reduction, count)

    @staticmethod
    def backward(ctx, grad):
        logits, target = ctx.saved_tensors
        row_grad = per_term_grad(grad, (len(logits),), ctx.reduction, ctx.count)
        dlogits = None
        if ctx.needs_input_grad[0]:
            dlogits = ctx.backend.cross_entropy_backward(
                logits, target, row_grad, ctx.ignore_index, ctx.label_smoothing)
        if len(ctx.parents) == 1:  # class indices: nothing else to differentiate
            return dlogits
        log_probs = ctx.backend.log_softmax(logits, axis=1)
        dtarget = -(1.0 - ctx.label_smoothing) * log_probs * row_grad[:, None]
        return dlogits, dtarget


class BinaryCrossEntropy(Function):
    """l = -(y log p + (1 - y) log(1 - p)), each log clamped at -100 as torch does.

    dp = g (p - y) / max(p (1 - p), 1e-12),   dy = g (log(1 - p) - log p)  (same clamps).
    """

    @staticmethod
    def forward(ctx, p, y, reduction):
        with np.errstate(divide="ignore"):
            log_p = np.maximum(np.log(p), -100)
            log_1mp = np.maximum(np.log1p(-p), -100)
        ctx.save_for_backward(p, y, log_p, log_1mp)
        ctx.reduction = reduction
        return reduce_loss(-(y * log_p + (1 - y) * log_1mp), reduction)

    @staticmethod
    def backward(ctx, grad):
        p, y, log_p, log_1mp = ctx.saved_tensors
        g = per_term_grad(grad, p.shape, ctx.reduction)
        dp = g * (p - y) / np.maximum(p * (1 - p), 1e-12) if ctx.needs_input_grad[0] else None
        if len(ctx.parents) == 1:
            return dp
        return dp, g * (log_1mp - log_p)


class BinaryCrossEntropyWithLogits(Function):
    """l = w_pos y softplus(-z) + (1 - y) softplus(z), the stable form of BCE(sigmoid(z), y).

    softplus(z) = log(1 + e^z) = max(z, 0) + log(1 + e^-|z|) never overflows.
    Without pos_weight (w_pos = 1) this is max(z, 0) - z y + log(1 + e^-|z|), and
    dz = g (sigmoid(z) - y);  in general dz = g ((1 - y) sigmoid(z) - w_pos y sigmoid(-z)),
    dy = g (w_pos softplus(-z) - softplus(z)).
    """

    @staticmethod
    def forward(ctx, z, y, pos_weight, reduction):
        log1p_exp = np.log1p(np.exp(-np.abs(z)))
        softplus_z = np.maximum(z, 0) + log1p_exp
        softplus_neg_z = np.maximum(-z, 0) + log1p_exp
        w = 1 if pos_weight is None else pos_weight
        ctx.save_for_backward(z, y, w, softplus_z, softplus_neg_z)
        ctx.reduction = reduction
        return reduce_loss(w * y * softplus_neg_z + (1 - y) * softplus_z, reduction)

    @staticmethod
    def backward(ctx, grad):
        z, y, w, softplus_z, softplus_neg_z = ctx.saved_tensors
        g = per_term_grad(grad, np.broadcast_shapes(z.shape, y.shape), ctx.reduction)
        sig = ctx.backend.sigmoid(z)
        dz = g * ((1 - y) * sig - w * y * (1 - sig))
        dy = g * (w * softplus_neg_z - softplus_z)
        return (dz, dy)[:len(ctx.parents)]
