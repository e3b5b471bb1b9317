"""torch.nn.functional's normalizations: batch_norm, instance_norm, group_norm, rms_norm and
local_response_norm (layer_norm is in functional.py).

Batch, instance and group norm subtract a mean and divide by sqrt(var + eps), the biased
variance, taken over a different set of elements each: per channel over (N, *spatial), per
(sample, channel) over *spatial, per (sample, group) over the group's channels and *spatial.
All three go through one op with a closed-form backward (ops/batch_norm.py). float16 and
bfloat16 inputs compute in float32 and round once at the end, as torch's CPU kernels do.
"""
import math

import numpy as np

from .._tensor import Tensor
from .._validate import check_bool, check_index, check_number
from ..autograd import no_grad
from ..ops.batch_norm import BatchNorm
from . import functional as _F  # the argument helpers; only used at call time (functional imports this module)

__all__ = ["batch_norm", "instance_norm", "group_norm", "rms_norm", "local_response_norm"]


def _compute_dtype(x):
    """float16/bfloat16 compute in float32; float32 and float64 in themselves."""
    return np.dtype(np.float32) if x.dtype.itemsize < 4 else x.dtype


def _cast(t, dtype):
    return t if t is None or t.dtype == dtype else t.astype(dtype)


def _check_input(x, op, min_dim=2):
    _F._tensor_arg(x, op, "input", 1)
    _F._check_float(x, op)
    if x.ndim < min_dim:
        raise ValueError(f"{op}: expected an input of at least {min_dim} dimensions (N, C, ...), got {x.shape}")


def _check_channel_tensors(op, x, channels, **tensors):
    """Each given tensor (None skipped) must be a floating tensor of shape (channels,) on x's device."""
    for position, (name, t) in enumerate(tensors.items(), start=2):
        _F._tensor_arg(t, op, name, position, optional=True)
        if t is None:
            continue
        if t.dtype.kind != "f":
            raise TypeError(f"{op}: {name} must be floating-point, not {t.dtype}")
        if t.shape != (channels,):
            raise ValueError(f"{op}: {name} of shape {t.shape} does not match the {channels} channels of "
                             f"input {x.shape} (dim 1); expected ({channels},)")
    _F._same_device(op, x, *tensors.values())


def _param_shape(x):
    """(1, C, 1, ..., 1): a per-channel vector broadcast against x."""
    return (1, x.shape[1]) + (1,) * (x.ndim - 2)


def _normalize(x, axes, weight=None, bias=None, eps=1e-5):
    """(x - mean) / sqrt(var + eps) * weight + bias with the statistics over `axes`; the weight and
    bias per channel (axis 1). Computed in float32 for float16 input, returned in x's dtype."""
    dtype = _compute_dtype(x)
    out = BatchNorm.apply(_cast(x, dtype), _cast(weight, dtype), _cast(bias, dtype),
                          axes=axes, param_shape=_param_shape(x), eps=eps)
    return _cast(out, x.dtype)


def _empty(x, weight, bias):
    """The output for an input with no elements: empty, of x's shape; weight and bias stay in the
    graph (their gradients are sums over no elements: zeros), as torch's."""
    out = x * 0
    for p in (weight, bias):
        if p is not None:
            out = out + _cast(p, x.dtype).reshape(_param_shape(x)) * 0
    return out


def _apply_running(x, running_mean, running_var, weight, bias, eps):
    """(x - running_mean) / sqrt(running_var + eps) * weight + bias, per channel (axis 1)."""
    dtype = _compute_dtype(x)
    shape = _param_shape(x)
    scale = (_cast(running_var, dtype).reshape(shape) + eps).rsqrt()
    out = (_cast(x, dtype) - _cast(running_mean, dtype).reshape(shape)) * scale
    if weight is not None:
        out = out * _cast(weight, dtype).reshape(shape)
    if bias is not None:
        out = out + _cast(bias, dtype).reshape(shape)
    return _cast(out, x.dtype)


def _update_running(running, batch_value, momentum):
    """running <- (1 - momentum) * running + momentum * batch_value, in place (torch's update)."""
    with no_grad():
        running.copy_(running.detach() * (1.0 - momentum) + _cast(batch_value, running.dtype) * momentum)


def _check_stats(op, running_mean, running_var):
    if running_mean is None or running_var is None:
        raise ValueError(f"{op}: running_mean and running_var must be given when the running statistics are "
                         "used (evaluation mode)")


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-5):
    """Normalize each channel c (axis 1) of input (N, C, *):

        y = (x - mu_c) / sqrt(var_c + eps) * weight_c + bias_c

    training=True: mu_c and var_c are the mean and the biased variance of the batch over
    (N, *spatial), and running_mean/running_var (when given) are updated in place:
        running_mean <- (1 - momentum) running_mean + momentum mu_c
        running_var  <- (1 - momentum) running_var  + momentum var_c * n / (n - 1)
    (the unbiased variance, n values per channel). training=False: mu_c, var_c are the running
    statistics. The gradient in training is batch norm's closed form (ops/batch_norm.py):
        dx = (1/n) gamma / sigma (n g - sum g - x_hat sum(g x_hat)).
    """
    op = "batch_norm"
    _check_input(input, op)
    channels = input.shape[1]
    _check_channel_tensors(op, input, channels, running_mean=running_mean, running_var=running_var,
                           weight=weight, bias=bias)
    training = check_bool(training, "training", op)
    momentum = check_number(momentum, "momentum", op)
    eps = check_number(eps, "eps", op, low=0.0)
    if not training:
        _check_stats(op, running_mean, running_var)
        return _apply_running(input, running_mean, running_var, weight, bias, eps)
    per_channel = input.shape[0] * math.prod(input.shape[2:])
    if per_channel == 1:
        raise ValueError(f"{op}: Expected more than 1 value per channel when training, got input size {input.shape}")
    if input.numel() == 0:  # no values: the running statistics stay as they are, as torch's
        return _empty(input, weight, bias)
    axes = (0,) + tuple(range(2, input.ndim))
    if (running_mean is not None or running_var is not None):
        stats = input.detach().astype(_compute_dtype(input))
        if running_mean is not None:
            _update_running(running_mean, stats.mean(axes), momentum)
        if running_var is not None:
            _update_running(running_var, stats.var(axes, correction=1), momentum)
    return _normalize(input, axes, weight, bias, eps)


def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None, use_input_stats=True,
                  momentum=0.1, eps=1e-5):
    """Normalize each (sample n, channel c) of input (N, C, *) over its spatial elements:

        y = (x - mu_nc) / sqrt(var_nc + eps) * weight_c + bias_c     (var: biased)

    With use_input_stats=True and running statistics given, they are updated in place with
    the batch average of the per-instance mean and unbiased variance (as batch_norm's update);
    with use_input_stats=False, the running statistics normalize instead (as batch_norm's eval).
    """
    op = "instance_norm"
    _check_input(input, op)
    channels = input.shape[1]
    _check_channel_tensors(op, input, channels, running_mean=running_mean, running_var=running_var,
                           weight=weight, bias=bias)
    use_input_stats = check_bool(use_input_stats, "use_input_stats", op)
    momentum = check_number(momentum, "momentum", op)
    eps = check_number(eps, "eps", op, low=0.0)
    if not use_input_stats:
        _check_stats(op, running_mean, running_var)
        return _apply_running(input, running_mean, running_var, weight, bias, eps)
    if math.prod(input.shape[2:]) == 1:
        raise ValueError(f"{op}: Expected more than 1 spatial element when training, got input size {input.shape}")
    if input.numel() == 0:  # no values: the running statistics stay as they are
        return _empty(input, weight, bias)
    axes = tuple(range(2, input.ndim))
    if input.shape[0] > 0 and (running_mean is not None or running_var is not None):
        stats = input.detach().astype(_compute_dtype(input))
        if running_mean is not None:
            _update_running(running_mean, stats.mean(axes).mean(0), momentum)
        if running_var is not None:
            _update_running(running_var, stats.var(axes, correction=1).mean(0), momentum)
    return _normalize(input, axes, weight, bias, eps)


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    """Split the C channels of input (N, C, *) into num_groups groups of C / num_groups channels
    and normalize each (sample, group) over its channels and spatial elements:

        y = (x - mu_ng) / sqrt(var_ng + eps) * weight_c + bias_c     (var: biased)
    """
    op = "group_norm"
    _check_input(input, op)
    num_groups = check_index(num_groups, "num_groups", op)
    channels = input.shape[1]
    if num_groups <= 0 or channels % num_groups:
        raise ValueError(f"{op}: num_groups must be a positive divisor of the {channels} channels of input "
                         f"{input.shape}, not {num_groups}")
    _check_channel_tensors(op, input, channels, weight=weight, bias=bias)
    eps = check_number(eps, "eps", op, low=0.0)
    n = input.shape[0]
    if n * channels // num_groups * math.prod(input.shape[2:]) == 1:  # torch's check, on (N C / G, G, *spatial)
        raise ValueError(f"{op}: Expected more than 1 value per channel when training, got input size {input.shape} "
                         f"with {num_groups} groups")
    if input.numel() == 0:
        return _empty(input, weight, bias)
    dtype = _compute_dtype(input)
    grouped = _cast(input, dtype).reshape(n, num_groups, math.prod(input.shape[1:]) // num_groups)
    out = _normalize(grouped, (2,), eps=eps).reshape(input.shape)
    shape = _param_shape(input)
    if weight is not None:
        out = out * _cast(weight, dtype).reshape(shape)
    if bias is not None:
        out = out + _cast(bias, dtype).reshape(shape)
    return _cast(out, input.dtype)


def rms_norm(input, normalized_shape, weight=None, eps=None):
    """y = x / sqrt(mean(x^2) + eps) * weight, the mean over the trailing `normalized_shape` axes.

    eps=None takes the machine epsilon of the computing dtype (float32 for float16 input)."""
    op = "rms_norm"
    _F._tensor_arg(input, op, "input", 1)
    _F._tensor_arg(weight, op, "weight", 3, optional=True)
    _F._same_device(op, input, weight)
    _F._check_float(input, op)
    shape = _F._normalized_shape(normalized_shape, op)
    if not shape:
        raise ValueError(f"{op}: normalized_shape must hold at least one axis, got ()")
    if len(shape) > input.ndim or input.shape[input.ndim - len(shape):] != shape:
        raise ValueError(f"{op}: input {input.shape} does not end in normalized_shape {shape}")
    if weight is not None and weight.shape != shape:
        raise ValueError(f"{op}: weight {weight.shape} must have normalized_shape {shape}")
    if input.numel() == 0:
        return input * 0 if weight is None else input * 0 + _cast(weight, input.dtype) * 0
    dtype = _compute_dtype(input)
    eps = float(np.finfo(dtype).eps) if eps is None else check_number(eps, "eps", op, low=0.0)
    x = _cast(input, dtype)
    axes = tuple(range(input.ndim - len(shape), input.ndim))
    out = x * ((x * x).mean(axes, keepdim=True) + eps).rsqrt()
    out = _cast(out, input.dtype)
    return out if weight is None else out * weight


def local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0):
    """y_c = x_c / (k + alpha / size * sum_{c' in window(c)} x_c'^2) ^ beta, over channels (axis 1):
    the window holds channels c - size // 2 ... c + (size - 1) // 2, zero beyond the edges."""
    op = "local_response_norm"
    _F._tensor_arg(input, op, "input", 1)
    _F._check_float(input, op)
    size = check_index(size, "size", op)
    if size < 1:
        raise ValueError(f"{op}: size must be at least 1, not {size}")
    alpha = check_number(alpha, "alpha", op)
    beta = check_number(beta, "beta", op)
    k = check_number(k, "k", op)
    if input.ndim < 3:
        raise ValueError(f"{op}: expected 3D or higher dimensionality input, got {input.shape}")
    if input.numel() == 0:
        return input
    squares = input * input
    channels = input.shape[1]
    # zeros past the edges add nothing: pad by at most C - 1 channels, however wide the window
    before, after = min(size // 2, channels - 1), min((size - 1) // 2, channels - 1)
    zeros = [Tensor(np.zeros((input.shape[0], n) + input.shape[2:], input.dtype), device=input.device)
             for n in (before, after)]
    padded = Tensor.cat([zeros[0], squares, zeros[1]], 1)
    window = padded[:, 0:channels]
    for i in range(1, before + after + 1):
        window = window + padded[:, i:i + channels]
    return input / (window * (alpha / size) + k) ** beta

