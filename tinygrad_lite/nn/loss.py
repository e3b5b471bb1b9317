"""The loss modules, as torch.nn names them: each stores its constructor's arguments and calls the
nn.functional loss of the same name in forward(input, target); the math is in that function's
docstring. A class weight (weight=, and BCEWithLogitsLoss's pos_weight) is a buffer, as in torch: saved in
state_dict and moved with the module, never a parameter, and no gradient reaches it. The deprecated size_average and reduce
arguments set `reduction` as torch's legacy rule does (with its warning).
"""
from .._tensor import Tensor
from .._validate import check_bool, check_index, check_number
from . import functional as F
from .functional_losses import _is_one_or_two
from .module import Module

__all__ = [
    "L1Loss", "MSELoss", "NLLLoss", "CrossEntropyLoss", "BCELoss", "BCEWithLogitsLoss", "SmoothL1Loss",
    "HuberLoss", "KLDivLoss", "PoissonNLLLoss", "GaussianNLLLoss", "MarginRankingLoss", "HingeEmbeddingLoss",
    "SoftMarginLoss", "MultiLabelSoftMarginLoss", "CosineEmbeddingLoss", "TripletMarginLoss", "MultiMarginLoss",
]


def _optional_tensor(value, name, op):
    if value is not None and not isinstance(value, Tensor):
        raise TypeError(f"{op}: {name} must be a Tensor or None, not {type(value).__name__}")
    return value


class _Loss(Module):
    """What every loss module holds: `reduction` ("mean", "sum" or "none")."""

    _reductions = ("mean", "sum", "none")

    def __init__(self, size_average=None, reduce=None, reduction="mean"):
        self.reduction = F._reduction(size_average, reduce, reduction, type(self).__name__, self._reductions)

    def extra_repr(self):
        return f"reduction={self.reduction!r}"

    def _call(self, function, *args, **kwargs):
        """function(*args, **kwargs), its errors told as this module's (the class name first)."""
        try:
            return function(*args, **kwargs)
        except (TypeError, ValueError, IndexError, RuntimeError) as e:
            raise type(e)(f"{type(self).__name__}.forward: {e}") from None


class _WeightedLoss(_Loss):
    """A loss with a per-class (or per-term) weight Tensor, or None."""

    def __init__(self, weight=None, size_average=None, reduce=None, reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", _optional_tensor(weight, "weight", type(self).__name__))


class L1Loss(_Loss):
    """reduce(|input - target|): see F.l1_loss."""

    def forward(self, input, target):
        return self._call(F.l1_loss, input, target, reduction=self.reduction)


class MSELoss(_Loss):
    """reduce((input - target)^2): see F.mse_loss."""

    def forward(self, input, target):
        return self._call(F.mse_loss, input, target, reduction=self.reduction)


class NLLLoss(_WeightedLoss):
    """-w[t] input[t] per target, "mean" over the counted targets' weights: see F.nll_loss."""

    def __init__(self, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean"):
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = check_index(ignore_index, "ignore_index", "NLLLoss")

    def forward(self, input, target):
        return self._call(F.nll_loss, input, target, self.weight, ignore_index=self.ignore_index,
                          reduction=self.reduction)


class CrossEntropyLoss(_WeightedLoss):
    """Softmax cross-entropy of logits against class indices or probabilities: see F.cross_entropy."""

    def __init__(self, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean",
                 label_smoothing=0.0):
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = check_index(ignore_index, "ignore_index", "CrossEntropyLoss")
        self.label_smoothing = F._probability(label_smoothing, "label_smoothing", "CrossEntropyLoss")

    def forward(self, input, target):
        return self._call(F.cross_entropy, input, target, self.weight, ignore_index=self.ignore_index,
                          reduction=self.reduction, label_smoothing=self.label_smoothing)


class BCELoss(_WeightedLoss):
    """-w (y log p + (1 - y) log(1 - p)) on probabilities: see F.binary_cross_entropy."""

    def forward(self, input, target):
        return self._call(F.binary_cross_entropy, input, target, self.weight, reduction=self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Binary cross-entropy of sigmoid(input), computed stably: see F.binary_cross_entropy_with_logits."""

    def __init__(self, weight=None, size_average=None, reduce=None, reduction="mean", pos_weight=None):
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", _optional_tensor(weight, "weight", "BCEWithLogitsLoss"))
        self.register_buffer("pos_weight", _optional_tensor(pos_weight, "pos_weight", "BCEWithLogitsLoss"))

    def forward(self, input, target):
        return self._call(F.binary_cross_entropy_with_logits, input, target, self.weight,
                          reduction=self.reduction, pos_weight=self.pos_weight)


class SmoothL1Loss(_Loss):
    """0.5 d^2 / beta for |d| < beta, else |d| - 0.5 beta: see F.smooth_l1_loss."""

    def __init__(self, size_average=None, reduce=None, reduction="mean", beta=1.0):
        super().__init__(size_average, reduce, reduction)
        self.beta = check_number(beta, "beta", "SmoothL1Loss")
        if self.beta < 0:
            raise ValueError(f"SmoothL1Loss: beta must be >= 0, got {beta}")

    def forward(self, input, target):
        return self._call(F.smooth_l1_loss, input, target, reduction=self.reduction, beta=self.beta)


class HuberLoss(_Loss):
    """0.5 d^2 for |d| < delta, else delta (|d| - 0.5 delta): see F.huber_loss."""

    def __init__(self, reduction="mean", delta=1.0):
        super().__init__(None, None, reduction)
        self.delta = check_number(delta, "delta", "HuberLoss")
        if self.delta <= 0:
            raise ValueError(f"HuberLoss: delta must be > 0, got {delta}")

    def forward(self, input, target):
        return self._call(F.huber_loss, input, target, reduction=self.reduction, delta=self.delta)


class KLDivLoss(_Loss):
    """target (log target - input) per element, input in log space: see F.kl_div."""

    _reductions = ("mean", "sum", "none", "batchmean")

    def __init__(self, size_average=None, reduce=None, reduction="mean", log_target=False):
        super().__init__(size_average, reduce, reduction)
        self.log_target = check_bool(log_target, "log_target", "KLDivLoss")

    def forward(self, input, target):
        return self._call(F.kl_div, input, target, reduction=self.reduction, log_target=self.log_target)


class PoissonNLLLoss(_Loss):
    """exp(input) - target input (log_input) or input - target log(input + eps): see F.poisson_nll_loss."""

    def __init__(self, log_input=True, full=False, size_average=None, eps=1e-8, reduce=None, reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        self.log_input = check_bool(log_input, "log_input", "PoissonNLLLoss")
        self.full = check_bool(full, "full", "PoissonNLLLoss")
        self.eps = check_number(eps, "eps", "PoissonNLLLoss")

    def forward(self, log_input, target):
        return self._call(F.poisson_nll_loss, log_input, target, log_input=self.log_input, full=self.full,
                          eps=self.eps, reduction=self.reduction)


class GaussianNLLLoss(_Loss):
    """0.5 (log var + (input - target)^2 / var): see F.gaussian_nll_loss."""

    def __init__(self, *, full=False, eps=1e-6, reduction="mean"):
        super().__init__(None, None, reduction)
        self.full = check_bool(full, "full", "GaussianNLLLoss")
        self.eps = check_number(eps, "eps", "GaussianNLLLoss")

    def forward(self, input, target, var):
        return self._call(F.gaussian_nll_loss, input, target, var, full=self.full, eps=self.eps,
                          reduction=self.reduction)


class MarginRankingLoss(_Loss):
    """max(0, -target (input1 - input2) + margin): see F.margin_ranking_loss."""

    def __init__(self, margin=0.0, size_average=None, reduce=None, reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        self.margin = check_number(margin, "margin", "MarginRankingLoss")

    def forward(self, input1, input2, target):
        return self._call(F.margin_ranking_loss, input1, input2, target, margin=self.margin,
                          reduction=self.reduction)


class HingeEmbeddingLoss(_Loss):
    """x for target 1, max(0, margin - x) for target -1: see F.hinge_embedding_loss."""

    def __init__(self, margin=1.0, size_average=None, reduce=None, reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        self.margin = check_number(margin, "margin", "HingeEmbeddingLoss")

    def forward(self, input, target):
        return self._call(F.hinge_embedding_loss, input, target, margin=self.margin, reduction=self.reduction)


class SoftMarginLoss(_Loss):
    """log(1 + exp(-target input)): see F.soft_margin_loss."""

    def forward(self, input, target):
        return self._call(F.soft_margin_loss, input, target, reduction=self.reduction)


class MultiLabelSoftMarginLoss(_WeightedLoss):
    """Per-label logistic loss averaged over the C labels of each row: see F.multilabel_soft_margin_loss."""

    def forward(self, input, target):
        return self._call(F.multilabel_soft_margin_loss, input, target, self.weight, reduction=self.reduction)


class CosineEmbeddingLoss(_Loss):
    """1 - cos(x1, x2) for target 1, max(0, cos(x1, x2) - margin) for -1: see F.cosine_embedding_loss."""

    def __init__(self, margin=0.0, size_average=None, reduce=None, reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        self.margin = check_number(margin, "margin", "CosineEmbeddingLoss")

    def forward(self, input1, input2, target):
        return self._call(F.cosine_embedding_loss, input1, input2, target, margin=self.margin,
                          reduction=self.reduction)


class TripletMarginLoss(_Loss):
    """max(0, margin + d(anchor, positive) - d(anchor, negative)): see F.triplet_margin_loss."""

    def __init__(self, margin=1.0, p=2.0, eps=1e-6, swap=False, size_average=None, reduce=None, reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        self.margin = check_number(margin, "margin", "TripletMarginLoss")
        if self.margin <= 0:
            raise ValueError(f"TripletMarginLoss: margin must be greater than 0, got {margin}")
        self.p = check_number(p, "p", "TripletMarginLoss")
        self.eps = check_number(eps, "eps", "TripletMarginLoss")
        self.swap = check_bool(swap, "swap", "TripletMarginLoss")

    def forward(self, anchor, positive, negative):
        return self._call(F.triplet_margin_loss, anchor, positive, negative, margin=self.margin, p=self.p,
                          eps=self.eps, swap=self.swap, reduction=self.reduction)


class MultiMarginLoss(_WeightedLoss):
    """sum_{j != y} w[y] max(0, margin - x[y] + x[j])^p / C per row: see F.multi_margin_loss."""

    def __init__(self, p=1, margin=1.0, weight=None, size_average=None, reduce=None, reduction="mean"):
        super().__init__(weight, size_average, reduce, reduction)
        if not _is_one_or_two(p):
            raise ValueError(f"MultiMarginLoss: only p == 1 and p == 2 are supported, got {p!r}")
        self.p = p
        self.margin = check_number(margin, "margin", "MultiMarginLoss")

    def forward(self, input, target):
        return self._call(F.multi_margin_loss, input, target, p=self.p, margin=self.margin, weight=self.weight,
                          reduction=self.reduction)
