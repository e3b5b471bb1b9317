"""Loss functions, each producing per-element (or per-row) losses before the reduction.

The reduction ("mean", "sum" or "none") is applied here too, so that the
backward can scale the gradient in one place: for "mean" over n terms every
term's gradient is g / n; for "sum" it is g; for "none" it is g's own element.
"""
import numpy as np

from ..autograd import Function


def wide(array):
    """float16 computes in float32 (and is rounded once, at the end): a float16 loss term
    overflows past 65,504 and a float16 count of terms past 65,504 is infinite."""
    return array.astype(np.float32) if array.dtype == np.float16 else array


def reduce_loss(losses, reduction, dtype, count=None):
    """Apply `reduction` to an array of losses ("mean" divides by `count`, default its size),
    accumulating in at least float32, and give the result in `dtype`."""
    if reduction == "none":
        return losses.astype(dtype, copy=False)
    total = losses.sum(dtype=np.float32 if losses.dtype == np.float16 else None, keepdims=True)
    if reduction == "sum":
        return total.reshape(()).astype(dtype)
    count = losses.size if count is None else count
    with np.errstate(invalid="ignore", divide="ignore"):  # mean of nothing is nan, as torch
        return (total / count).reshape(()).astype(dtype)


def per_term_grad(grad, shape, reduction, count=None):
    """The upstream gradient of each loss term, given the gradient of the reduced loss
    (in at least float32: g / count for a count past 65,504 is 0 in float16)."""
    grad = wide(grad)
    if reduction == "none":
        return grad
    if reduction == "sum":
        return np.broadcast_to(grad, shape)
    count = int(np.prod(shape)) if count is None else count
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.broadcast_to(grad / count, shape)


def _cast(grad, like):
    return None if grad is None else grad.astype(like.dtype, copy=False)


class MSELoss(Function):
    """l = (p - t)^2 per element;  dp = 2 (p - t) g_term,  dt = -dp."""

    @staticmethod
    def forward(ctx, pred, target, reduction):
        diff = wide(pred) - wide(target)
        ctx.save_for_backward(diff)
        ctx.reduction, ctx.dtypes = reduction, (pred.dtype, target.dtype)
        return reduce_loss(diff * diff, reduction, pred.dtype)

    @staticmethod
    def backward(ctx, grad):
        (diff,) = ctx.saved_tensors
        dpred = 2 * diff * per_term_grad(grad, diff.shape, ctx.reduction)
        dp = dpred.astype(ctx.dtypes[0], copy=False) if ctx.needs_grad(0) else None
        dt = (-dpred).astype(ctx.dtypes[1], copy=False) if ctx.needs_grad(1) else None
        return ctx.by_position(dp, dt)


class CrossEntropy(Function):
    """l = -sum_c q'_c log softmax(z)_c per row;  dz = softmax(z) sum(q') - q'  (softmax - onehot for classes).

    The math is in `backend.cross_entropy`; logits are (N, C).
    `target` is either N class indices (an array, not differentiable) or an
    (N, C) Tensor of probabilities (differentiable: d loss/d q_c = -(1 - eps) log p_c).
    "mean" over class indices divides by the number of rows not ignored.
    """

    array_args = (1,)  # class indices

    @staticmethod
    def forward(ctx, logits, target, *, reduction, ignore_index, label_smoothing):
        losses = ctx.backend.cross_entropy(logits, target, ignore_index, label_smoothing)
        count = int((target != ignore_index).sum()) if target.ndim == 1 else len(target)
        ctx.save_for_backward(logits, target)
        ctx.reduction, ctx.count = reduction, count
        ctx.ignore_index, ctx.label_smoothing = ignore_index, label_smoothing
        return reduce_loss(losses, reduction, logits.dtype, count)

    @staticmethod
    def backward(ctx, grad):
        logits, target = ctx.saved_tensors
        row_grad = per_term_grad(grad, (len(logits),), ctx.reduction, ctx.count)
        dlogits = dtarget = None
        if ctx.needs_grad(0):
            dlogits = _cast(ctx.backend.cross_entropy_backward(
                logits, target, row_grad, ctx.ignore_index, ctx.label_smoothing), logits)
        if ctx.needs_grad(1):  # probabilities
            log_probs = wide(ctx.backend.log_softmax(logits, axis=1))
            dtarget = _cast(-(1.0 - ctx.label_smoothing) * log_probs * row_grad[:, None], target)
        return ctx.by_position(dlogits, dtarget)


class BinaryCrossEntropy(Function):
    """l = -(y log p + (1 - y) log(1 - p)), each log clamped at -100 as torch does.

    dp = g (p - y) / max(p (1 - p), 1e-12),   dy = g (log(1 - p) - log p)  (same clamps).
    """

    @staticmethod
    def forward(ctx, p, y, reduction):
        dtypes = p.dtype, y.dtype
        p, y = wide(p), wide(y)
        with np.errstate(divide="ignore"):
            log_p = np.maximum(np.log(p), -100)
            log_1mp = np.maximum(np.log1p(-p), -100)
        ctx.save_for_backward(p, y, log_p, log_1mp)
        ctx.reduction, ctx.dtypes = reduction, dtypes
        return reduce_loss(-(y * log_p + (1 - y) * log_1mp), reduction, dtypes[0])

    @staticmethod
    def backward(ctx, grad):
        p, y, log_p, log_1mp = ctx.saved_tensors
        g = per_term_grad(grad, p.shape, ctx.reduction)
        dp = (g * (p - y) / np.maximum(p * (1 - p), 1e-12)).astype(ctx.dtypes[0]) if ctx.needs_grad(0) else None
        dy = (g * (log_1mp - log_p)).astype(ctx.dtypes[1]) if ctx.needs_grad(1) else None
        return ctx.by_position(dp, dy)


class BinaryCrossEntropyWithLogits(Function):
    """l = w_pos y softplus(-z) + (1 - y) softplus(z), the stable form of BCE(sigmoid(z), y).

    softplus(z) = log(1 + e^z) = max(z, 0) + log(1 + e^-|z|) never overflows.
    Without pos_weight (w_pos = 1) this is max(z, 0) - z y + log(1 + e^-|z|), and
    dz = g (sigmoid(z) - y);  in general dz = g ((1 - y) sigmoid(z) - w_pos y sigmoid(-z)),
    dy = g (w_pos softplus(-z) - softplus(z)).
    pos_weight is None or an array that broadcasts to z (not differentiated, as in torch).
    """

    array_args = (2,)  # pos_weight

    @staticmethod
    def forward(ctx, z, y, pos_weight, reduction):
        dtypes = z.dtype, y.dtype
        z, y = wide(z), wide(y)
        log1p_exp = np.log1p(np.exp(-np.abs(z)))
        softplus_z = np.maximum(z, 0) + log1p_exp
        softplus_neg_z = np.maximum(-z, 0) + log1p_exp
        w = 1 if pos_weight is None else wide(pos_weight)
        ctx.save_for_backward(z, y, w, softplus_z, softplus_neg_z)
        ctx.reduction, ctx.dtypes = reduction, dtypes
        return reduce_loss(w * y * softplus_neg_z + (1 - y) * softplus_z, reduction, dtypes[0])

    @staticmethod
    def backward(ctx, grad):
        z, y, w, softplus_z, softplus_neg_z = ctx.saved_tensors
        g = per_term_grad(grad, z.shape, ctx.reduction)
        dz = dy = None
        if ctx.needs_grad(0):
            sig = ctx.backend.sigmoid(z)
            dz = (g * ((1 - y) * sig - w * y * (1 - sig))).astype(ctx.dtypes[0])
        if ctx.needs_grad(1):
            dy = (g * (w * softplus_neg_z - softplus_z)).astype(ctx.dtypes[1])
        return ctx.by_position(dz, dy)


class NLLLoss(Function):
    """Negative log-likelihood over rows of log-probabilities x (M, C) and class indices t (M,).

    l_i = -w[t_i] x[i, t_i] for a target not equal to ignore_index (0 for an ignored one);
    "mean" divides the sum by sum_i w[t_i] over the counted targets (torch's weighted mean),
    so a mean over nothing is nan. dx[i, t_i] = -w[t_i] g_i, every other entry 0.
    `weight` is a (C,) array or None (all ones); it is never differentiated, as in torch.
    """

    array_args = (1, 2)  # class indices, class weights

    @staticmethod
    def forward(ctx, x, target, weight, *, reduction, ignore_index):
        xp = ctx.xp
        counted = target != ignore_index
        safe = xp.where(counted, target, 0)
        wide_x = wide(x)
        w_rows = counted.astype(wide_x.dtype)
        if weight is not None:
            w_rows = w_rows * wide(weight).astype(wide_x.dtype)[safe]
        rows = xp.arange(len(target))
        losses = -w_rows * wide_x[rows, safe]
        count = w_rows.sum()
        ctx.save_for_backward(safe, w_rows)
        ctx.reduction, ctx.count, ctx.shape, ctx.dtype = reduction, count, x.shape, x.dtype
        return reduce_loss(losses, reduction, x.dtype, count)

    @staticmethod
    def backward(ctx, grad):
        safe, w_rows = ctx.saved_tensors
        g = per_term_grad(grad, w_rows.shape, ctx.reduction, ctx.count)
        dx = ctx.xp.zeros(ctx.shape, w_rows.dtype)
        with np.errstate(invalid="ignore"):  # a mean over no weight has g = inf or nan: ignored rows still get 0
            dx[ctx.xp.arange(len(safe)), safe] = ctx.xp.where(w_rows != 0, -w_rows * g, 0)
        return ctx.by_position(dx.astype(ctx.dtype, copy=False), None, None)


def _l1(d, xp, _):
    return xp.abs(d), xp.sign(d)


def _smooth_l1(d, xp, beta):
    small = xp.abs(d) < beta
    loss = xp.where(small, 0.5 * d * d / (beta if beta else 1), xp.abs(d) - 0.5 * beta)
    return loss, xp.where(small, d / (beta if beta else 1), xp.sign(d))


def _huber(d, xp, delta):
    small = xp.abs(d) < delta
    return (xp.where(small, 0.5 * d * d, delta * (xp.abs(d) - 0.5 * delta)),
            xp.where(small, d, delta * xp.sign(d)))


class DifferenceLoss(Function):
    """A loss of the difference d = x - y per element, reduced:

      "l1":        l = |d|,                                          dl/dd = sign(d)
      "smooth_l1": l = d^2 / (2 beta) if |d| < beta else |d| - beta/2,   dl/dd = d / beta or sign(d)
      "huber":     l = d^2 / 2 if |d| < delta else delta (|d| - delta/2),  dl/dd = d or delta sign(d)

    dx = g_term dl/dd and dy = -dx. `param` is beta or delta.
    """

    _forms = {"l1": _l1, "smooth_l1": _smooth_l1, "huber": _huber}

    @staticmethod
    def forward(ctx, x, y, *, kind, param, reduction):
        d = wide(x) - wide(y)
        loss, slope = DifferenceLoss._forms[kind](d, ctx.xp, param)
        ctx.save_for_backward(slope)
        ctx.reduction, ctx.dtypes = reduction, (x.dtype, y.dtype)
        return reduce_loss(loss, reduction, x.dtype)

    @staticmethod
    def backward(ctx, grad):
        (slope,) = ctx.saved_tensors
        dx = slope * per_term_grad(grad, slope.shape, ctx.reduction)
        return ctx.by_position(dx.astype(ctx.dtypes[0], copy=False) if ctx.needs_grad(0) else None,
                               (-dx).astype(ctx.dtypes[1], copy=False) if ctx.needs_grad(1) else None)


class SoftMarginLoss(Function):
    """l = log(1 + exp(-y x)) = softplus(-y x) per element, in the form that never overflows;
    dx = -y sigmoid(-y x) g_term. The target y (data, +-1) is not differentiated, as in torch."""

    array_args = (1,)

    @staticmethod
    def forward(ctx, x, y, *, reduction):
        xp = ctx.xp
        m = -wide(y).astype(wide(x).dtype) * wide(x)
        loss = xp.maximum(m, 0) + xp.log1p(xp.exp(-xp.abs(m)))
        ctx.save_for_backward(m, wide(y))
        ctx.reduction, ctx.dtype = reduction, x.dtype
        return reduce_loss(loss, reduction, x.dtype)

    @staticmethod
    def backward(ctx, grad):
        m, y = ctx.saved_tensors
        dx = -y * ctx.backend.sigmoid(m) * per_term_grad(grad, m.shape, ctx.reduction)
        return ctx.by_position(dx.astype(ctx.dtype), None)

