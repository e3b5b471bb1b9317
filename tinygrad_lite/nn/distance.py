"""Distance modules, as torch.nn's: CosineSimilarity and PairwiseDistance (the math is in
nn.functional's cosine_similarity and pairwise_distance)."""
import numpy as np

from .._tensor import _UNSET, Tensor, _axis_alias, _broadcastable, _one_axis
from .._validate import check_bool, check_number
from . import functional as F
from .module import Module

__all__ = ["CosineSimilarity", "PairwiseDistance"]


class CosineSimilarity(Module):
    """sum(x1 x2) / (max(||x1||, eps) max(||x2||, eps)) along `dim`."""

    def __init__(self, dim=_UNSET, eps=1e-8, *, axis=_UNSET):
        dim = _axis_alias("CosineSimilarity", dim, axis, 1)
        if not isinstance(dim, (int, np.integer)) or isinstance(dim, (bool, np.bool_)):
            raise TypeError(f"CosineSimilarity: dim must be an int, not {dim!r}")
        self.dim = int(dim)
        self.eps = check_number(eps, "eps", "CosineSimilarity")

    def forward(self, x1, x2):
        for name, x in (("x1", x1), ("x2", x2)):
            if not isinstance(x, Tensor):
                raise TypeError(f"CosineSimilarity.forward: argument '{name}' must be a Tensor, "
                                f"not {type(x).__name__}")
        if _broadcastable(x1.shape, x2.shape):
            _one_axis(self.dim, np.broadcast_shapes(x1.shape, x2.shape), "CosineSimilarity")
        return F.cosine_similarity(x1, x2, self.dim, self.eps)


class PairwiseDistance(Module):
    """||x1 - x2 + eps||_p along the last axis (p is kept as `norm`, torch's attribute name)."""

    def __init__(self, p=2.0, eps=1e-6, keepdim=False):
        self.norm = check_number(p, "p", "PairwiseDistance", finite=False)
        self.eps = check_number(eps, "eps", "PairwiseDistance")
        self.keepdim = check_bool(keepdim, "keepdim", "PairwiseDistance")

    def forward(self, x1, x2):
        return F.pairwise_distance(x1, x2, self.norm, self.eps, self.keepdim)
