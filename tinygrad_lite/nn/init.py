"""Weight initialisation, in place, with torch.nn.init's names and formulas.

Every function fills `tensor` from the engine's seeded generator
(`tinygrad_lite.rng.generator()`), so `tg.manual_seed(s)` makes a model's initial
weights reproducible. Values are drawn in float64 and then cast to the tensor's
dtype. Each function returns the tensor it filled.

The fans of a weight of shape (out, in, *kernel) are
    fan_in = in * prod(kernel)        fan_out = out * prod(kernel),
so for a Linear weight (out_features, in_features), fan_in = in_features.
"""
import math

import numpy as np

from .._validate import check_choice, check_number
from ..rng import generator
from .._tensor import Tensor


def _target(tensor, op):
    """The tensor to fill, which must be a Tensor (TypeError otherwise)."""
    if not isinstance(tensor, Tensor):
        raise TypeError(f"{op}: argument 'tensor' must be a Tensor, not {type(tensor).__name__}")
    return tensor


def _fill(tensor, values):
    """Overwrite the tensor's elements in place (no graph is recorded)."""
    tensor.array[...] = tensor._backend.asarray(np.asarray(values, dtype=tensor.dtype))
    return tensor


def uniform_(tensor, a=0.0, b=1.0):
    """Fill with samples of U(a, b)."""
    _target(tensor, "uniform_")
    a, b = check_number(a, "a", "uniform_"), check_number(b, "b", "uniform_")
    if a > b:
        raise ValueError(f"uniform_: the lower bound a={a} exceeds the upper bound b={b}")
    return _fill(tensor, generator().uniform(a, b, tensor.shape))


def normal_(tensor, mean=0.0, std=1.0):
    """Fill with samples of N(mean, std^2)."""
    _target(tensor, "normal_")
    mean, std = check_number(mean, "mean", "normal_"), check_number(std, "std", "normal_", low=0.0)
    return _fill(tensor, generator().normal(mean, std, tensor.shape))


def constant_(tensor, value):
    """Fill with `value`."""
    _target(tensor, "constant_")
    return _fill(tensor, np.full(tensor.shape, check_number(value, "value", "constant_", finite=False,
                                                             allow_bool=True)))


def zeros_(tensor):
    """Fill with 0."""
    return constant_(_target(tensor, "zeros_"), 0.0)


def ones_(tensor):
    """Fill with 1."""
    return constant_(_target(tensor, "ones_"), 1.0)


def _calculate_fan_in_and_fan_out(tensor, op="_calculate_fan_in_and_fan_out"):
    """(fan_in, fan_out) = (shape[1] * receptive, shape[0] * receptive), receptive = prod(shape[2:])."""
    if tensor.ndim < 2:
        raise ValueError(f"{op}: fan in and fan out need a tensor of at least 2 dimensions, not shape {tensor.shape}")
    receptive = math.prod(tensor.shape[2:])
    return tensor.shape[1] * receptive, tensor.shape[0] * receptive


_NONLINEARITIES = ("linear", "identity", "sigmoid", "tanh", "relu", "leaky_relu")


def calculate_gain(nonlinearity, param=None):
    """The factor that keeps activations' variance steady through `nonlinearity`:
    1 for linear and sigmoid, 5/3 for tanh, sqrt(2) for relu, and
    sqrt(2 / (1 + slope^2)) for leaky_relu with negative slope `param` (0.01 if None)."""
    if not isinstance(nonlinearity, str):
        raise TypeError(f"calculate_gain: nonlinearity must be a str, not {type(nonlinearity).__name__}")
    if nonlinearity in ("linear", "identity", "sigmoid"):
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3.0
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else check_number(param, "param", "calculate_gain")
        return math.sqrt(2.0 / (1.0 + slope ** 2))
    raise ValueError(f"calculate_gain: unknown nonlinearity {nonlinearity!r}; "
                     "use 'linear', 'identity', 'sigmoid', 'tanh', 'relu' or 'leaky_relu'")


def kaiming_uniform_(tensor, a=0.0, mode="fan_in", nonlinearity="leaky_relu"):
    """Fill with U(-bound, bound), bound = gain * sqrt(3 / fan), gain = calculate_gain(nonlinearity, a).

    He et al. (2015): this keeps the variance gain^2 / fan per weight. With the
    defaults of torch's Linear (a = sqrt(5), leaky_relu, fan_in), gain = sqrt(1/3)
    and the bound is 1 / sqrt(fan_in).
    """
    _target(tensor, "kaiming_uniform_")
    a = check_number(a, "a", "kaiming_uniform_")
    check_choice(mode, "mode", "kaiming_uniform_", ("fan_in", "fan_out"))
    check_choice(nonlinearity, "nonlinearity", "kaiming_uniform_", _NONLINEARITIES)
    if tensor.numel() == 0:  # nothing to fill, and the fans may be 0
        return tensor
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor, "kaiming_uniform_")
    fan = fan_in if mode == "fan_in" else fan_out
    bound = calculate_gain(nonlinearity, a) * math.sqrt(3.0 / fan)
    return uniform_(tensor, -bound, bound)


def xavier_uniform_(tensor, gain=1.0):
    """Fill with U(-bound, bound), bound = gain * sqrt(6 / (fan_in + fan_out)) (Glorot & Bengio, 2010):
    the variance 2 / (fan_in + fan_out) balances the forward and the backward pass."""
    _target(tensor, "xavier_uniform_")
    gain = check_number(gain, "gain", "xavier_uniform_", low=0.0)
    if tensor.numel() == 0:
        return tensor
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor, "xavier_uniform_")
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return uniform_(tensor, -bound, bound)
