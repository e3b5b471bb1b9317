"""torch.nn.functional's dropout variants beyond dropout itself (functional.py): channel dropout
(dropout1d, dropout2d, dropout3d) and the self-normalising alpha_dropout and feature_alpha_dropout.

Every variant draws one keep/drop decision per "unit" (an element, or a whole channel: every element
of input[n, c, ...] shares the decision of (n, c)), keeps a unit with probability 1 - p, and is the
identity outside training, for p = 0 and for an empty input; p = 1 gives zeros, as in torch. The
gradient flows through the same mask (and scale) as the values.
"""
import warnings

import numpy as np

from .._tensor import Tensor
from .._validate import check_bool
from ..rng import generator
from . import functional as _F  # the argument helpers; only used at call time (functional imports this module)

__all__ = ["dropout1d", "dropout2d", "dropout3d", "alpha_dropout", "feature_alpha_dropout"]

# SELU's scale * alpha: the value SELU tends to at -infinity is -1.7580993408473766. Alpha dropout
# sets dropped units to that value, then rescales so that mean 0 and variance 1 are kept.
_SELU_SATURATION = 1.7580993408473766


def _arguments(x, p, training, inplace, op):
    _F._tensor_arg(x, op, "input", 1)
    p = _F._probability(p, "p", op)
    return p, check_bool(training, "training", op), check_bool(inplace, "inplace", op)


def _draw(shape, p):
    """A float 0/1 array: 1 (keep) with probability 1 - p."""
    return (generator().random(shape) >= p).astype(np.float64)


def _combine(x, factor, shift, inplace):
    """x * factor (+ shift), in x's dtype, in place when asked."""
    factor = Tensor(factor.astype(x.dtype), device=x.device)
    out = x.mul_(factor) if inplace else x * factor
    if shift is not None:
        shift = Tensor(shift.astype(x.dtype), device=x.device)
        out = out.add_(shift) if inplace else out + shift
    return out


def _zeros(x, inplace):
    zero = Tensor(np.zeros((), x.dtype), device=x.device)
    return x.mul_(zero) if inplace else x * zero


def _channel_dropout(x, p, training, inplace, unit_shape):
    """Dropout with one decision per unit of `unit_shape` (x's shape with 1 for each shared axis),
    survivors scaled by 1 / (1 - p) so that E[output] = x."""
    if not training or p == 0.0 or x.numel() == 0:
        return x
    if p == 1.0:
        return _zeros(x, inplace)
    return _combine(x, _draw(unit_shape, p) / (1.0 - p), None, inplace)


def _feature_units(x, op):
    """(N, C, 1, ..., 1): one unit per channel of each sample (the first two axes)."""
    if x.ndim < 2:
        raise ValueError(f"{op}: channel dropout needs at least 2 dimensions (N, C, ...), got {x.shape}")
    return x.shape[:2] + (1,) * (x.ndim - 2)


def dropout1d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels: for input (N, C, L) (or (C, L) without a batch axis) each input[n, c, :]
    is zeroed with probability p, and the kept channels are scaled by 1 / (1 - p)."""
    op = "dropout1d"
    p, training, inplace = _arguments(input, p, training, inplace, op)
    if input.ndim not in (2, 3):
        raise ValueError(f"{op}: expected a 2D (C, L) or 3D (N, C, L) input, got {input.shape}")
    units = input.shape[:1] + (1,) if input.ndim == 2 else _feature_units(input, op)
    return _channel_dropout(input, p, training, inplace, units)


def dropout2d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels: for input (N, C, H, W) each input[n, c, :, :] is zeroed with probability
    p, and the kept channels are scaled by 1 / (1 - p).

    As torch (with its warnings): a 3D input is taken as (N, C, L), channel-wise 1D dropout, and an
    input of another rank has its first two axes taken as (N, C)."""
    op = "dropout2d"
    p, training, inplace = _arguments(input, p, training, inplace, op)
    if input.ndim not in (3, 4):
        warnings.warn(f"{op}: Received a {input.ndim}-D input to dropout2d, which is deprecated and will result "
                      "in an error in a future release. To retain the behavior and silence this warning, please "
                      "use dropout instead.", UserWarning, stacklevel=2)
    if input.ndim == 3:
        warnings.warn(f"{op}: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout behavior "
                      "is desired - input is interpreted as shape (N, C, L), where C is the channel dim.",
                      UserWarning, stacklevel=2)
    return _channel_dropout(input, p, training, inplace, _feature_units(input, op))


def dropout3d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels: for input (N, C, D, H, W) (or (C, D, H, W) without a batch axis) each
    input[n, c] is zeroed with probability p, and the kept channels are scaled by 1 / (1 - p).
    Another rank warns (as torch) and has its first two axes taken as (N, C)."""
    op = "dropout3d"
    p, training, inplace = _arguments(input, p, training, inplace, op)
    if input.ndim not in (4, 5):
        warnings.warn(f"{op}: Received a {input.ndim}-D input to dropout3d, which is deprecated and will result "
                      "in an error in a future release. To retain the behavior and silence this warning, please "
                      "use dropout instead.", UserWarning, stacklevel=2)
    units = input.shape[:1] + (1,) * 3 if input.ndim == 4 else _feature_units(input, op)
    return _channel_dropout(input, p, training, inplace, units)


def _alpha(x, p, training, inplace, unit_shape):
    """Alpha dropout with one decision per unit of `unit_shape`. With keep mask m, alpha' = 1.7581
    (SELU's saturation, negated) and a = ((1 - p)(1 + p alpha'^2))^(-1/2):

        out = a (m x + (1 - m)(-alpha')) + a alpha' p = a m x + a alpha' (m - 1 + p)

    which keeps a unit-mean-0, variance-1 input at mean 0 and variance 1; d out / dx = a m."""
    if not training or p == 0.0 or x.numel() == 0:
        return x
    if p == 1.0:
        return _zeros(x, inplace)
    keep = _draw(unit_shape, p)
    a = 1.0 / np.sqrt((_SELU_SATURATION ** 2 * p + 1) * (1 - p))
    shift = _SELU_SATURATION * a * (keep - 1 + p)
    return _combine(x, a * keep, np.broadcast_to(shift, unit_shape), inplace)


def alpha_dropout(input, p=0.5, training=False, inplace=False):
    """Alpha dropout (for SELU networks), one decision per element; see `_alpha` for the formula.
    training defaults to False, as in torch."""
    op = "alpha_dropout"
    p, training, inplace = _arguments(input, p, training, inplace, op)
    return _alpha(input, p, training, inplace, input.shape)


def feature_alpha_dropout(input, p=0.5, training=False, inplace=False):
    """Alpha dropout of whole channels: every element of input[n, c, ...] shares one decision;
    see `_alpha` for the formula. training defaults to False, as in torch."""
    op = "feature_alpha_dropout"
    p, training, inplace = _arguments(input, p, training, inplace, op)
    if not training or p == 0.0 or input.numel() == 0:  # as torch: the identity before any shape check
        return input
    return _alpha(input, p, training, inplace, _feature_units(input, op))
