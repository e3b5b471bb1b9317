"""The channel and alpha dropout modules: Dropout1d/2d/3d, AlphaDropout and FeatureAlphaDropout.

Each stores p and inplace and calls the nn.functional function of the same name with the module's
training flag (train() / eval()); the math is in that function's docstring. (nn.Dropout is in layers.py.)
"""
from .._validate import check_bool
from . import functional as F
from .module import Module

__all__ = ["Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout", "FeatureAlphaDropout"]


class _DropoutNd(Module):
    _function = None

    def __init__(self, p=0.5, inplace=False):
        name = type(self).__name__
        self.p = F._probability(p, "p", name)
        self.inplace = check_bool(inplace, "inplace", name)

    def forward(self, input):
        return type(self)._function(input, self.p, self.training, self.inplace)

    def extra_repr(self):
        return f"p={self.p}, inplace={self.inplace}"


class Dropout1d(_DropoutNd):
    """Zero whole channels of (N, C, L) or (C, L) input in training: see F.dropout1d."""

    _function = staticmethod(F.dropout1d)


class Dropout2d(_DropoutNd):
    """Zero whole channels of (N, C, H, W) input in training: see F.dropout2d."""

    _function = staticmethod(F.dropout2d)


class Dropout3d(_DropoutNd):
    """Zero whole channels of (N, C, D, H, W) or (C, D, H, W) input in training: see F.dropout3d."""

    _function = staticmethod(F.dropout3d)


class AlphaDropout(_DropoutNd):
    """Alpha dropout (keeps SELU's mean 0 and variance 1) in training: see F.alpha_dropout."""

    _function = staticmethod(F.alpha_dropout)


class FeatureAlphaDropout(_DropoutNd):
    """Alpha dropout of whole channels in training: see F.feature_alpha_dropout."""

    _function = staticmethod(F.feature_alpha_dropout)
