"""Weight initialisation, in place, with torch.nn.init's names, signatures, formulas and errors.

Every function fills `tensor` from the engine's seeded default stream, or from `generator=` (a
tg.Generator) where torch takes one, so `tg.manual_seed(s)` makes a model's initial weights
reproducible. Values are drawn in float64 on the host and then cast to the tensor's dtype; no graph
is recorded. Each function returns the tensor it filled.

The fans of a weight of shape (out, in, *kernel) are
    fan_in = in * prod(kernel)        fan_out = out * prod(kernel),
so for a Linear weight (out_features, in_features), fan_in = in_features.
"""
import math
import warnings

import numpy as np

from .._validate import check_number
from ..rng import _numpy_generator
from .._tensor import Tensor

__all__ = ["calculate_gain", "uniform_", "normal_", "trunc_normal_", "constant_", "ones_", "zeros_", "eye_",
           "dirac_", "xavier_uniform_", "xavier_normal_", "kaiming_uniform_", "kaiming_normal_", "orthogonal_",
           "sparse_"]


def _target(tensor, op):
    """The tensor to fill, which must be a Tensor (TypeError otherwise)."""
    if not isinstance(tensor, Tensor):
        raise TypeError(f"{op}: argument 'tensor' must be a Tensor, not {type(tensor).__name__}")
    return tensor


def _fill(tensor, values):
    """Overwrite the tensor's elements in place (no graph is recorded; the version count moves on, as
    torch's in-place fills under no_grad move it)."""
    tensor.array[...] = tensor._backend.asarray(np.asarray(values, dtype=tensor.dtype))
    tensor._versions[0] += 1
    return tensor


def _draws(generator, op):
    """The numpy stream to draw from: `generator`'s (a tg.Generator) or the default one."""
    return _numpy_generator(generator, op)


def _uniform(tensor, a, b, generator, op):
    if a > b:
        raise ValueError(f"{op}: the lower bound a={a} exceeds the upper bound b={b} (a [from, to) range is needed)")
    return _fill(tensor, _draws(generator, op).uniform(a, b, tensor.shape))


def _normal(tensor, mean, std, generator, op):
    if std < 0:
        raise ValueError(f"{op}: normal expects std >= 0.0, but found std {std}")
    return _fill(tensor, _draws(generator, op).normal(mean, std, tensor.shape))


def uniform_(tensor, a=0.0, b=1.0, generator=None):
    """Fill with samples of U(a, b)."""
    _target(tensor, "uniform_")
    a, b = check_number(a, "a", "uniform_"), check_number(b, "b", "uniform_")
    return _uniform(tensor, a, b, generator, "uniform_")


def normal_(tensor, mean=0.0, std=1.0, generator=None):
    """Fill with samples of N(mean, std^2)."""
    _target(tensor, "normal_")
    mean, std = check_number(mean, "mean", "normal_"), check_number(std, "std", "normal_")
    return _normal(tensor, mean, std, generator, "normal_")


def trunc_normal_(tensor, mean=0.0, std=1.0, a=-2.0, b=2.0, generator=None):
    """Fill with N(mean, std^2) truncated to [a, b]: density proportional to exp(-(x - mean)^2 / (2 std^2))
    on [a, b], zero outside.

    Drawn by rejection, as torch's: when the interval holds more than 30% of the normal's mass, normal
    draws outside [a, b] are redrawn; otherwise uniform proposals on [a, b] are accepted with probability
    exp(-(x - mean)^2 / (2 std^2)) / exp(-(m - mean)^2 / (2 std^2)), m the point of [a, b] nearest the mean."""
    _target(tensor, "trunc_normal_")
    mean = check_number(mean, "mean", "trunc_normal_")
    std = check_number(std, "std", "trunc_normal_", low=0.0, low_open=True)
    a, b = check_number(a, "a", "trunc_normal_"), check_number(b, "b", "trunc_normal_")
    if a > b:
        raise ValueError(f"trunc_normal_: the lower cutoff a={a} exceeds the upper cutoff b={b}")
    if mean < a - 2 * std or mean > b + 2 * std:
        warnings.warn("mean is more than 2 std from [a, b] in nn.init.trunc_normal_. "
                      "The distribution of values may be incorrect.", stacklevel=2)
    rng, shape = _draws(generator, "trunc_normal_"), tensor.shape

    def cdf(x):
        return (1.0 + math.erf(x / math.sqrt(2.0))) / 2.0

    mass = cdf((b - mean) / std) - cdf((a - mean) / std)
    if a == b:
        return _fill(tensor, np.full(shape, a))
    log_peak = -0.5 * ((max(a, min(mean, b)) - mean) / std) ** 2
    # the uniform proposal's acceptance rate, mass * std * sqrt(2 pi) / ((b - a) * peak), in logs
    if mass <= 0 or math.log(mass * std * math.sqrt(2 * math.pi) / (b - a)) - log_peak < math.log(1e-6):
        raise ValueError(f"trunc_normal_: [a, b] = [{a}, {b}] lies too far in the tail of N({mean}, {std}^2) "
                         "to be sampled by rejection")
    if mass > 0.3:
        values = rng.normal(mean, std, shape)
        while True:
            outside = (values < a) | (values > b)
            if not outside.any():
                break
            values[outside] = rng.normal(mean, std, int(outside.sum()))
    else:
        values = np.empty(shape)
        pending = np.ones(shape, bool)
        while pending.any():
            n = int(pending.sum())
            proposal = rng.uniform(a, b, n)
            accepted = np.log(rng.uniform(0.0, 1.0, n)) <= -0.5 * ((proposal - mean) / std) ** 2 - log_peak
            slots = np.flatnonzero(pending)[accepted]
            values.flat[slots] = proposal[accepted]
            pending.flat[slots] = False
    return _fill(tensor, values)


def constant_(tensor, val):
    """Fill with `val`."""
    _target(tensor, "constant_")
    return _fill(tensor, np.full(tensor.shape, check_number(val, "val", "constant_", finite=False,
                                                             allow_bool=True)))


def zeros_(tensor):
    """Fill with 0."""
    return constant_(_target(tensor, "zeros_"), 0.0)


def ones_(tensor):
    """Fill with 1."""
    return constant_(_target(tensor, "ones_"), 1.0)


def eye_(tensor):
    """Fill a 2-d tensor with the identity: 1 where row == column, else 0 (a rectangular eye)."""
    _target(tensor, "eye_")
    if tensor.ndim != 2:
        raise ValueError(f"eye_: only tensors with 2 dimensions are supported, not shape {tensor.shape}")
    return _fill(tensor, np.eye(*tensor.shape))


def dirac_(tensor, groups=1):
    """Fill a 3-, 4- or 5-d convolution weight (out, in, *kernel) with the Dirac delta: a convolution with
    it copies input channel d to output channel g * out/groups + d (for d < min(out/groups, in)), through
    the kernel's centre tap (size // 2 on each kernel axis); every other element is 0."""
    _target(tensor, "dirac_")
    groups = check_number(groups, "groups", "dirac_", integer=True, low=1)
    if tensor.ndim not in (3, 4, 5):
        raise ValueError(f"dirac_: only tensors with 3, 4, or 5 dimensions are supported, not shape {tensor.shape}")
    if tensor.shape[0] % groups != 0:
        raise ValueError(f"dirac_: dim 0 must be divisible by groups (size {tensor.shape[0]}, groups={groups})")
    per_group = tensor.shape[0] // groups
    values = np.zeros(tensor.shape)
    centre = tuple(k // 2 for k in tensor.shape[2:])
    for g in range(groups):
        for d in range(min(per_group, tensor.shape[1])):
            values[(g * per_group + d, d) + centre] = 1.0
    return _fill(tensor, values)


def _calculate_fan_in_and_fan_out(tensor, op="_calculate_fan_in_and_fan_out"):
    """(fan_in, fan_out) = (shape[1] * receptive, shape[0] * receptive), receptive = prod(shape[2:])."""
    _target(tensor, op)
    if tensor.ndim < 2:
        raise ValueError(f"{op}: fan in and fan out can not be computed for tensor with fewer than 2 dimensions "
                         f"(it needs at least 2 dimensions, not shape {tensor.shape})")
    receptive = math.prod(tensor.shape[2:])
    return tensor.shape[1] * receptive, tensor.shape[0] * receptive


def _calculate_correct_fan(tensor, mode, op="_calculate_correct_fan"):
    """fan_in or fan_out, as `mode` says ("fan_in" or "fan_out", any case)."""
    if not isinstance(mode, str):
        raise TypeError(f"{op}: mode must be 'fan_in' or 'fan_out', not {type(mode).__name__}")
    if mode.lower() not in ("fan_in", "fan_out"):
        raise ValueError(f"{op}: mode {mode} not supported, please use one of ['fan_in', 'fan_out']")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor, op)
    return fan_in if mode.lower() == "fan_in" else fan_out


_LINEAR = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d")


def calculate_gain(nonlinearity, param=None):
    """The factor that keeps activations' variance steady through `nonlinearity`:
    1 for linear, the convolutions and sigmoid; 5/3 for tanh; sqrt(2) for relu;
    sqrt(2 / (1 + slope^2)) for leaky_relu with negative slope `param` (0.01 if None); 3/4 for selu."""
    if not isinstance(nonlinearity, str):
        raise TypeError(f"calculate_gain: nonlinearity must be a str, not {type(nonlinearity).__name__}")
    if nonlinearity in _LINEAR or nonlinearity == "sigmoid":
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif isinstance(param, (int, float)) and not isinstance(param, bool):
            slope = param
        else:
            raise ValueError(f"calculate_gain: negative_slope {param} not a valid number")
        return math.sqrt(2.0 / (1 + slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"calculate_gain: unsupported nonlinearity {nonlinearity}")


def _zero_elements(tensor):
    if 0 in tensor.shape:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=3)
        return True
    return False


def _kaiming_std(tensor, a, mode, nonlinearity, op):
    """std = gain / sqrt(fan), gain = calculate_gain(nonlinearity, a)."""
    a = check_number(a, "a", op)
    fan = _calculate_correct_fan(tensor, mode, op)
    try:
        gain = calculate_gain(nonlinearity, a)
    except (TypeError, ValueError) as e:
        raise type(e)(f"{op}: {str(e).removeprefix('calculate_gain: ')}") from None
    return gain / math.sqrt(fan)


def kaiming_uniform_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """Fill with U(-bound, bound), bound = sqrt(3) * gain / sqrt(fan), gain = calculate_gain(nonlinearity, a).

    He et al. (2015): this keeps the variance gain^2 / fan per weight. With the
    defaults of torch's Linear (a = sqrt(5), leaky_relu, fan_in), gain = sqrt(1/3)
    and the bound is 1 / sqrt(fan_in).
    """
    _target(tensor, "kaiming_uniform_")
    if _zero_elements(tensor):
        return tensor
    bound = math.sqrt(3.0) * _kaiming_std(tensor, a, mode, nonlinearity, "kaiming_uniform_")
    return _uniform(tensor, -bound, bound, generator, "kaiming_uniform_")


def kaiming_normal_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """Fill with N(0, std^2), std = gain / sqrt(fan), gain = calculate_gain(nonlinearity, a) (He et al., 2015)."""
    _target(tensor, "kaiming_normal_")
    if _zero_elements(tensor):
        return tensor
    return _normal(tensor, 0.0, _kaiming_std(tensor, a, mode, nonlinearity, "kaiming_normal_"), generator,
                   "kaiming_normal_")


def _xavier_std(tensor, gain, op):
    """std = gain * sqrt(2 / (fan_in + fan_out))."""
    gain = check_number(gain, "gain", op)
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor, op)
    if fan_in + fan_out == 0:
        raise ValueError(f"{op}: fan_in + fan_out is 0 for shape {tensor.shape}")
    return gain * math.sqrt(2.0 / (fan_in + fan_out))


def xavier_uniform_(tensor, gain=1.0, generator=None):
    """Fill with U(-bound, bound), bound = gain * sqrt(6 / (fan_in + fan_out)) (Glorot & Bengio, 2010):
    the variance 2 gain^2 / (fan_in + fan_out) balances the forward and the backward pass."""
    _target(tensor, "xavier_uniform_")
    bound = math.sqrt(3.0) * _xavier_std(tensor, gain, "xavier_uniform_")
    return _uniform(tensor, -bound, bound, generator, "xavier_uniform_")


def xavier_normal_(tensor, gain=1.0, generator=None):
    """Fill with N(0, std^2), std = gain * sqrt(2 / (fan_in + fan_out)) (Glorot & Bengio, 2010)."""
    _target(tensor, "xavier_normal_")
    return _normal(tensor, 0.0, _xavier_std(tensor, gain, "xavier_normal_"), generator, "xavier_normal_")


def orthogonal_(tensor, gain=1, generator=None):
    """Fill with a (semi-)orthogonal matrix times `gain`, viewing the tensor as (shape[0], numel / shape[0]).

    A standard normal matrix A (transposed when it is wide) is factored A = QR; Q's columns, each times
    the sign of R's diagonal entry, are Haar-distributed orthonormal columns (Mezzadri, 2007). So
    W W^T = gain^2 I when rows <= columns, and W^T W = gain^2 I otherwise."""
    _target(tensor, "orthogonal_")
    gain = check_number(gain, "gain", "orthogonal_")
    if tensor.ndim < 2:
        raise ValueError(f"orthogonal_: only tensors with 2 or more dimensions are supported, not shape "
                         f"{tensor.shape}")
    if tensor.numel() == 0:
        return tensor
    rows = tensor.shape[0]
    cols = tensor.numel() // rows
    flat = _draws(generator, "orthogonal_").normal(0.0, 1.0, (rows, cols))
    if rows < cols:
        flat = flat.T
    q, r = np.linalg.qr(flat)
    q = q * np.sign(np.diag(r))
    if rows < cols:
        q = q.T
    return _fill(tensor, (q * gain).reshape(tensor.shape))


def sparse_(tensor, sparsity, std=0.01, generator=None):
    """Fill a 2-d tensor from N(0, std^2), then zero ceil(sparsity * rows) randomly chosen rows of
    each column (Martens, 2010)."""
    _target(tensor, "sparse_")
    sparsity = check_number(sparsity, "sparsity", "sparse_")
    std = check_number(std, "std", "sparse_", low=0.0)
    if tensor.ndim != 2:
        raise ValueError(f"sparse_: only tensors with 2 dimensions are supported, not shape {tensor.shape}")
    rows, cols = tensor.shape
    zeros = max(0, min(rows, math.ceil(sparsity * rows)))
    rng = _draws(generator, "sparse_")
    values = rng.normal(0.0, std, (rows, cols))
    for col in range(cols):
        values[rng.permutation(rows)[:zeros], col] = 0.0
    return _fill(tensor, values)
