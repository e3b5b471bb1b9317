"""Convolution and pooling, as torch.nn.functional spells them: conv1d/2d/3d, conv_transpose1d/2d/3d,
unfold/fold, max_pool, avg_pool, max_unpool, adaptive_avg_pool, adaptive_max_pool, lp_pool and
pixel_shuffle. The math is in ops/conv.py and ops/pool.py.

Inputs are (N, C, *spatial), or (C, *spatial) without the batch axis, as torch accepts. float16
computes in float32 and rounds once. Sizes (kernel_size, stride, padding, dilation) are an int
for every spatial axis or a tuple with one per axis.
"""
import itertools
import math

import numpy as np

from .. import dtypes
from .._tensor import Tensor
from .._validate import check_alloc, check_number
from ..ops import axis_matrices, conv as conv_ops, pool as pool_ops, resample

__all__ = [
    "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "unfold", "fold",
    "max_pool1d", "max_pool2d", "max_pool3d", "avg_pool1d", "avg_pool2d", "avg_pool3d",
    "max_unpool1d", "max_unpool2d", "max_unpool3d", "adaptive_avg_pool1d", "adaptive_avg_pool2d",
    "adaptive_avg_pool3d", "adaptive_max_pool1d", "adaptive_max_pool2d", "lp_pool1d", "lp_pool2d",
    "pixel_shuffle", "pixel_unshuffle",
]


# ---- arguments ------------------------------------------------------------------------------
def _tensor(value, op, name):
    if not isinstance(value, Tensor):
        raise TypeError(f"{op}: argument '{name}' must be a Tensor, not {type(value).__name__}")
    return value


def _sizes(value, nd, name, op, low=1):
    """An int or a tuple/list of nd ints, each >= low, as a tuple of nd ints."""
    items = (value,) * nd if isinstance(value, (int, np.integer)) and not isinstance(value, bool) else value
    if not isinstance(items, (tuple, list)) or not all(
            isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in items):
        raise TypeError(f"{op}: {name} must be an int or a tuple of {nd} ints, got {value!r}")
    if len(items) != nd:  # the right kind, the wrong size: a ValueError (torch: RuntimeError)
        raise ValueError(f"{op}: {name} must be an int or a tuple of {nd} ints, got {len(items)}: {value!r}")
    if any(v < low for v in items):
        raise ValueError(f"{op}: {name} must be at least {low} in every axis, got {value!r}")
    return tuple(int(v) for v in items)


def _spatial_input(x, nd, op, name="input"):
    """x as (N, C, *spatial) with nd spatial axes (a batch axis of 1 added to unbatched input), and
    whether it was added. A float tensor is required; float16 becomes float32 here."""
    _tensor(x, op, name)
    if x.ndim not in (nd + 1, nd + 2):
        raise ValueError(f"{op}: expected a {nd + 1}-d (unbatched) or {nd + 2}-d (batched) input, "
                         f"got shape {x.shape}")
    if x.dtype.kind != "f":
        raise TypeError(f"{op}: needs a floating-point input, not {x.dtype} (convert it, e.g. x.float())")
    return (x.unsqueeze(0), True) if x.ndim == nd + 1 else (x, False)


def _float32(*tensors):
    """float16 tensors as float32 (computed there, rounded once at the end); others unchanged."""
    return [t.astype(dtypes.float32) if t is not None and t.dtype == dtypes.float16 else t for t in tensors]


def _finish(y, dtype, unbatched):
    y = y.astype(dtype) if y.dtype != dtype else y
    return y.squeeze(0) if unbatched else y


def _check_weight(x, weight, bias, nd, op):
    _tensor(weight, op, "weight")
    if bias is not None:
        _tensor(bias, op, "bias")
    if weight.ndim != nd + 2:
        raise ValueError(f"{op}: weight must be {nd + 2}-d (out_channels, in_channels / groups, *kernel), "
                         f"got shape {weight.shape}")
    if weight.dtype != x.dtype or (bias is not None and bias.dtype != x.dtype):
        raise TypeError(f"{op}: input ({x.dtype}), weight ({weight.dtype}) and bias must have one dtype")


# ---- convolution ----------------------------------------------------------------------------
def _conv_padding(padding, nd, kernel, stride, dilation, op):
    """(lo, hi) per axis from an int, a tuple, 'valid' (none) or 'same' (the output keeps the input's
    length: d (K - 1) in all, the extra one at the end, as torch)."""
    if isinstance(padding, str):
        if padding == "valid":
            return ((0, 0),) * nd
        if padding == "same":
            if any(s != 1 for s in stride):
                raise ValueError(f"{op}: padding='same' is not supported for strided convolutions")
            return tuple((d * (k - 1) // 2, d * (k - 1) - d * (k - 1) // 2) for k, d in zip(kernel, dilation))
        raise ValueError(f"{op}: padding must be 'valid', 'same', an int or a tuple, got {padding!r}")
    return tuple((p, p) for p in _sizes(padding, nd, "padding", op, low=0))


def _conv(nd, input, weight, bias, stride, padding, dilation, groups):
    op = f"conv{nd}d"
    x, unbatched = _spatial_input(input, nd, op)
    _check_weight(x, weight, bias, nd, op)
    stride, dilation = _sizes(stride, nd, "stride", op), _sizes(dilation, nd, "dilation", op)
    groups = _sizes(groups, 1, "groups", op)[0]
    kernel = weight.shape[2:]
    pads = _conv_padding(padding, nd, kernel, stride, dilation, op)
    out_channels, channels = weight.shape[0], x.shape[1]
    if channels != weight.shape[1] * groups or out_channels % groups:
        raise ValueError(f"{op}: input of {channels} channels, weight of shape {weight.shape} and groups={groups} "
                         f"do not fit: need channels = weight.shape[1] * groups and out_channels % groups == 0")
    if bias is not None and bias.shape != (out_channels,):
        raise ValueError(f"{op}: bias must have shape ({out_channels},), got {bias.shape}")
    out = conv_ops.out_lengths(x.shape[2:], kernel, stride, pads, dilation)
    if any(o < 1 for o in out):
        raise ValueError(f"{op}: the kernel {tuple(kernel)} (dilation {dilation}) is larger than the padded input "
                         f"{tuple(s + lo + hi for s, (lo, hi) in zip(x.shape[2:], pads))}")
    padded = tuple(s + lo + hi for s, (lo, hi) in zip(x.shape[2:], pads))
    check_alloc((x.shape[0], channels, *padded), dtypes.float32, op)
    check_alloc((channels * math.prod(kernel), x.shape[0], *out), dtypes.float32, op, copies=2)  # patches
    x32, w32, b32 = _float32(x, weight, bias)
    y = conv_ops.Conv.apply(x32, w32, b32, stride=stride, padding=pads, dilation=dilation, groups=groups)
    return _finish(y, x.dtype, unbatched)


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1-d convolution (cross-correlation, as torch): out[n, f, o] = b[f] +
    sum_{c, k} w[f, c, k] x_pad[n, g Cg + c, o s + k d] over the group g of f. input (N, C, L)."""
    return _conv(1, input, weight, bias, stride, padding, dilation, groups)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-d convolution (cross-correlation, as torch): out[n, f, i, j] = b[f] +
    sum_{c, p, q} w[f, c, p, q] x_pad[n, g Cg + c, i s0 + p d0, j s1 + q d1]. input (N, C, H, W),
    weight (F, C / groups, kH, kW); padding an int, a pair, 'valid' or 'same'."""
    return _conv(2, input, weight, bias, stride, padding, dilation, groups)


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """3-d convolution (cross-correlation, as torch) over (D, H, W); see conv2d."""
    return _conv(3, input, weight, bias, stride, padding, dilation, groups)


def _conv_transpose(nd, input, weight, bias, stride, padding, output_padding, groups, dilation):
    op = f"conv_transpose{nd}d"
    x, unbatched = _spatial_input(input, nd, op)
    _check_weight(x, weight, bias, nd, op)
    stride, dilation = _sizes(stride, nd, "stride", op), _sizes(dilation, nd, "dilation", op)
    pads = tuple((p, p) for p in _sizes(padding, nd, "padding", op, low=0))
    extra = _sizes(output_padding, nd, "output_padding", op, low=0)
    groups = _sizes(groups, 1, "groups", op)[0]
    if any(e >= max(s, d) for e, s, d in zip(extra, stride, dilation)):
        raise ValueError(f"{op}: output_padding {extra} must be smaller than stride {stride} or dilation {dilation}")
    channels, kernel = x.shape[1], weight.shape[2:]
    if channels != weight.shape[0] or channels % groups:
        raise ValueError(f"{op}: input of {channels} channels does not fit weight of shape {weight.shape} "
                         f"(in_channels, out_channels / groups, *kernel) with groups={groups}")
    out_channels = weight.shape[1] * groups
    if bias is not None and bias.shape != (out_channels,):
        raise ValueError(f"{op}: bias must have shape ({out_channels},), got {bias.shape}")
    full = tuple((s - 1) * st + d * (k - 1) + 1 + e for s, st, d, k, e in zip(x.shape[2:], stride, dilation, kernel, extra))
    if any(f - 2 * p <= 0 for f, (p, _) in zip(full, pads)):
        raise ValueError(f"{op}: padding {tuple(p for p, _ in pads)} leaves no output from lengths {full}")
    check_alloc((x.shape[0], out_channels, *full), dtypes.float32, op, copies=2)
    check_alloc((out_channels * math.prod(kernel), x.shape[0], *x.shape[2:]), dtypes.float32, op)  # patches
    x32, w32, b32 = _float32(x, weight, bias)
    y = conv_ops.ConvTranspose.apply(x32, w32, b32, stride=stride, padding=pads, dilation=dilation, groups=groups,
                                     out_shape=full)
    return _finish(y, x.dtype, unbatched)


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """1-d transposed convolution: the gradient of conv1d with respect to its input, as an op.
    weight (C_in, C_out / groups, K); output length (L - 1) s - 2 p + d (K - 1) + output_padding + 1."""
    return _conv_transpose(1, input, weight, bias, stride, padding, output_padding, groups, dilation)


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """2-d transposed convolution ("deconvolution"): the adjoint of conv2d, <conv2d(x), y> = <x, conv_transpose2d(y)>.
    weight (C_in, C_out / groups, kH, kW); each output length (L - 1) s - 2 p + d (K - 1) + output_padding + 1."""
    return _conv_transpose(2, input, weight, bias, stride, padding, output_padding, groups, dilation)


def conv_transpose3d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """3-d transposed convolution over (D, H, W); see conv_transpose2d."""
    return _conv_transpose(3, input, weight, bias, stride, padding, output_padding, groups, dilation)


# ---- pooling ----------------------------------------------------------------------------------
def _pool_geometry(x, nd, kernel_size, stride, padding, dilation, ceil_mode, op):
    kernel = _sizes(kernel_size, nd, "kernel_size", op)
    stride = kernel if stride is None else _sizes(stride, nd, "stride", op)
    dilation = _sizes(dilation, nd, "dilation", op)
    pad = _sizes(padding, nd, "padding", op, low=0)
    if any(p > k // 2 for p, k in zip(pad, kernel)):
        raise ValueError(f"{op}: padding {pad} must be at most half of the kernel size {kernel}, as in torch")
    out = []
    for s, k, st, p, d in zip(x.shape[2:], kernel, stride, pad, dilation):
        span = s + 2 * p - d * (k - 1) - 1
        o = (-(-span // st) if ceil_mode else span // st) + 1
        if ceil_mode and (o - 1) * st >= s + p:  # the last window must start inside the input or left pad
            o -= 1
        if o < 1:
            raise ValueError(f"{op}: the kernel {kernel} (dilation {dilation}) is larger than the padded input "
                             f"of shape {x.shape[2:]} with padding {pad}")
        out.append(o)
    check_alloc((x.shape[1], math.prod(kernel), x.shape[0], *out), dtypes.float32, op, copies=2)  # windows
    # ceil_mode windows may run past the right padding: pad enough for the last one
    pads = tuple((p, max(p, (o - 1) * st + d * (k - 1) + 1 - s - p))
                 for s, k, st, p, d, o in zip(x.shape[2:], kernel, stride, pad, dilation, out))
    return kernel, stride, dilation, pads, tuple(out)


def _max_pool(nd, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices):
    op = f"max_pool{nd}d"
    _tensor(input, op, "input")
    x, unbatched = (input.unsqueeze(0), True) if input.ndim == nd + 1 else (input, False)
    if x.ndim != nd + 2:
        raise ValueError(f"{op}: expected a {nd + 1}-d or {nd + 2}-d input, got shape {input.shape}")
    if x.dtype == np.bool_:
        raise TypeError(f"{op}: not supported for bool tensors")
    kernel, stride, dilation, pads, out = _pool_geometry(x, nd, kernel_size, stride, padding, dilation, ceil_mode, op)
    (x32,) = _float32(x)
    geometry = dict(kernel=kernel, stride=stride, padding=pads, dilation=dilation, out=out)
    y = _finish(pool_ops.MaxPool.apply(x32, **geometry), x.dtype, unbatched)
    if not return_indices:
        return y
    xp = x._backend.xp
    flat = pool_ops.MaxPool.flat_indices(xp, pool_ops.MaxPool.choices(xp, x.array, **geometry), x.shape[2:],
                                         kernel, stride, pads, dilation, out)
    indices = Tensor._wrap(flat, x._backend)
    return y, (indices.squeeze(0) if unbatched else indices)


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """out[n, c, o] = max_{k < K} x_pad[n, c, o s + k d] (padding never wins; NaN does). With
    return_indices, also each maximum's position in its (n, c) row of the input."""
    return _max_pool(1, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """out[n, c, i, j] = max over the kernel window at (i s0, j s1) of the padded input; stride
    defaults to kernel_size. ceil_mode rounds the output length up (a last, partial window that
    starts inside the input). With return_indices, also each maximum's flat position in its (H, W) plane."""
    return _max_pool(2, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """Max pooling over (D, H, W); see max_pool2d."""
    return _max_pool(3, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def _avg_pool(nd, input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override, op=None):
    op = op or f"avg_pool{nd}d"
    x, unbatched = _spatial_input(input, nd, op)
    kernel, stride, _, pads, out = _pool_geometry(x, nd, kernel_size, stride, padding, 1, ceil_mode, op)
    if divisor_override is not None:
        divisor = x._backend.xp.asarray(float(_sizes(divisor_override, 1, "divisor_override", op)[0]))
    else:
        divisor = pool_ops.avg_divisor(x._backend.xp, x.shape[2:], kernel, stride, pads, out, count_include_pad)
    (x32,) = _float32(x)
    y = pool_ops.AvgPool.apply(x32, kernel=kernel, stride=stride, padding=pads, out=out, divisor=divisor)
    return _finish(y, x.dtype, unbatched)


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    """out[n, c, o] = (sum_{k < K} x_pad[n, c, o s + k]) / divisor (see avg_pool2d)."""
    return _avg_pool(1, input, kernel_size, stride, padding, ceil_mode, count_include_pad, None)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """out[n, c, i, j] = (sum of the kernel window at (i s0, j s1) of the zero-padded input) / divisor,
    the divisor being kH kW (count_include_pad), the number of input elements in the window
    (count_include_pad=False), or divisor_override; stride defaults to kernel_size."""
    return _avg_pool(2, input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override)


def avg_pool3d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """Average pooling over (D, H, W); see avg_pool2d."""
    return _avg_pool(3, input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override)


def _max_unpool(nd, input, indices, kernel_size, stride, padding, output_size):
    op = f"max_unpool{nd}d"
    x, unbatched = _spatial_input(input, nd, op)
    _tensor(indices, op, "indices")
    idx = indices.unsqueeze(0) if unbatched else indices
    if idx.shape != x.shape or idx.dtype != np.int64:
        raise ValueError(f"{op}: indices must be int64 of the input's shape {input.shape}, got "
                         f"{indices.dtype} {indices.shape}")
    kernel = _sizes(kernel_size, nd, "kernel_size", op)
    stride = kernel if stride is None else _sizes(stride, nd, "stride", op)
    pad = _sizes(padding, nd, "padding", op, low=0)
    if output_size is None:
        out = tuple((s - 1) * st - 2 * p + k for s, st, p, k in zip(x.shape[2:], stride, pad, kernel))
    else:
        if not isinstance(output_size, (tuple, list)):
            raise TypeError(f"{op}: output_size must be a tuple of the output's lengths, not {output_size!r}")
        out = _sizes(tuple(output_size[-nd:]), nd, "output_size", op)
    check_alloc((*x.shape[:2], *out), x.dtype, op)
    plane = math.prod(out)
    array = idx.array
    if array.size and (int(array.min()) < 0 or int(array.max()) >= plane):
        raise IndexError(f"{op}: an index is outside the output plane of {plane} elements {out}")
    (x32,) = _float32(x)
    y = pool_ops.MaxUnpool.apply(x32, array, out_shape=out)
    return _finish(y, x.dtype, unbatched)


def max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """The partial inverse of max_pool1d: out[n, c, indices[n, c, i]] = input[n, c, i], zeros elsewhere."""
    return _max_unpool(1, input, indices, kernel_size, stride, padding, output_size)


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """The partial inverse of max_pool2d: each value goes back to the flat (H, W) position its index
    names; zeros elsewhere. Output (H, W) is (in - 1) s - 2 p + k per axis unless output_size is given."""
    return _max_unpool(2, input, indices, kernel_size, stride, padding, output_size)


def max_unpool3d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """The partial inverse of max_pool3d; see max_unpool2d."""
    return _max_unpool(3, input, indices, kernel_size, stride, padding, output_size)


def _output_sizes(output_size, spatial, nd, op):
    """An adaptive pool's output lengths: an int for every axis, or nd values of which None keeps
    that axis's length."""
    if output_size is None:
        raise TypeError(f"{op}: output_size must be an int or a tuple of {nd} ints (None inside it keeps a length)")
    items = (output_size,) * nd if not isinstance(output_size, (tuple, list)) else tuple(output_size)
    if len(items) != nd:
        raise ValueError(f"{op}: output_size must be an int or {nd} values, got {output_size!r}")
    sizes = tuple(s if o is None else _sizes(o, 1, "output_size", op, low=0)[0] for o, s in zip(items, spatial))
    check_alloc((math.prod(sizes), max(spatial, default=1)), dtypes.float64, op)  # the averaging matrices
    return sizes


def _adaptive_avg(nd, input, output_size):
    op = f"adaptive_avg_pool{nd}d"
    x, unbatched = _spatial_input(input, nd, op)
    out = _output_sizes(output_size, x.shape[2:], nd, op)
    maps = [(2 + a, axis_matrices.area(s, o)) for a, (s, o) in enumerate(zip(x.shape[2:], out))]
    (x32,) = _float32(x)
    return _finish(resample.AxisMaps.apply(x32, maps=maps), x.dtype, unbatched)


def adaptive_avg_pool1d(input, output_size):
    """out[o] = mean of x[floor(o L / O) : ceil((o + 1) L / O)]: windows that tile the input into O parts."""
    return _adaptive_avg(1, input, output_size)


def adaptive_avg_pool2d(input, output_size):
    """Average pooling to a given (H_out, W_out) (an int, or a pair whose None keeps that length):
    along each axis the window of o is [floor(o L / O), ceil((o + 1) L / O))."""
    return _adaptive_avg(2, input, output_size)


def adaptive_avg_pool3d(input, output_size):
    """Adaptive average pooling over (D, H, W); see adaptive_avg_pool2d."""
    return _adaptive_avg(3, input, output_size)


def _adaptive_max(nd, input, output_size, return_indices):
    op = f"adaptive_max_pool{nd}d"
    x, unbatched = _spatial_input(input, nd, op)
    out = _output_sizes(output_size, x.shape[2:], nd, op)
    if any(o == 0 for o in out):
        raise ValueError(f"{op}: output_size must be positive, got {out}")
    # Each output element is the max of its window: windows differ in size, so gather them one
    # output position at a time along each axis, as maxima of slices (exact gradients through max).
    windows = [[((o * s) // n, -((-(o + 1) * s) // n)) for o in range(n)] for s, n in zip(x.shape[2:], out)]
    rows = []
    for position in itertools.product(*(range(n) for n in out)):
        index = (slice(None), slice(None), *(slice(*windows[a][p]) for a, p in enumerate(position)))
        rows.append(x[index].flatten(2).amax(dim=2))
    y = Tensor.stack(rows, dim=2).reshape(*x.shape[:2], *out) if rows else x[..., :0]
    values = y.squeeze(0) if unbatched else y
    if not return_indices:
        return values
    flat = []
    for position in itertools.product(*(range(n) for n in out)):
        index = (slice(None), slice(None), *(slice(*windows[a][p]) for a, p in enumerate(position)))
        patch = x.array[index].reshape(*x.shape[:2], -1)
        local = np.unravel_index(patch.argmax(axis=2), [w[p][1] - w[p][0] for w, p in zip(windows, position)])
        starts = [w[p][0] for w, p in zip(windows, position)]
        flat.append(np.ravel_multi_index(tuple(li + st for li, st in zip(local, starts)), x.shape[2:]))
    idx = Tensor(np.stack(flat, axis=2).reshape(*x.shape[:2], *out).astype(np.int64))
    return values, (idx.squeeze(0) if unbatched else idx)


def adaptive_max_pool1d(input, output_size, return_indices=False):
    """out[o] = max of x[floor(o L / O) : ceil((o + 1) L / O)]; the gradient goes to that maximum."""
    return _adaptive_max(1, input, output_size, return_indices)


def adaptive_max_pool2d(input, output_size, return_indices=False):
    """Max pooling to a given (H_out, W_out), with adaptive_avg_pool2d's windows."""
    return _adaptive_max(2, input, output_size, return_indices)


def _lp_pool(nd, input, norm_type, kernel_size, stride, ceil_mode):
    op = f"lp_pool{nd}d"
    _spatial_input(input, nd, op)
    p = check_number(norm_type, "norm_type", op, low=0.0, low_open=True)
    kernel = _sizes(kernel_size, nd, "kernel_size", op)
    pooled = _avg_pool(nd, input ** p, kernel, stride, 0, ceil_mode, True, None, op)
    # torch: (sign(s) relu(|s|) K)^(1/p), with s the average of x^p over the window
    return (pooled.sign() * (pooled.abs().relu()) * math.prod(kernel)) ** (1.0 / p)


def lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """out = (sum over the window of x^p)^(1/p): the p-norm of each window (p = norm_type)."""
    return _lp_pool(1, input, norm_type, kernel_size, stride, ceil_mode)


def lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """out = (sum over the (kH, kW) window of x^p)^(1/p), as torch computes it."""
    return _lp_pool(2, input, norm_type, kernel_size, stride, ceil_mode)


# ---- im2col as public ops, and pixel shuffling -------------------------------------------------
def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    """Every (kH, kW) patch of a (N, C, H, W) input as a column: out (N, C kH kW, L), L the number of
    patch positions; out[n, (c, p, q), l] = x_pad[n, c, i s0 + p d0, j s1 + q d1] for l = (i, j)."""
    x, unbatched = _spatial_input(input, 2, "unfold")
    kernel = _sizes(kernel_size, 2, "kernel_size", "unfold")
    stride, dilation = _sizes(stride, 2, "stride", "unfold"), _sizes(dilation, 2, "dilation", "unfold")
    pads = tuple((p, p) for p in _sizes(padding, 2, "padding", "unfold", low=0))
    out = conv_ops.out_lengths(x.shape[2:], kernel, stride, pads, dilation)
    if any(o < 1 for o in out):
        raise ValueError(f"unfold: the kernel {kernel} does not fit the padded input of shape {x.shape[2:]}")
    check_alloc((x.shape[1] * math.prod(kernel), x.shape[0], *out), dtypes.float32, "unfold", copies=2)
    (x32,) = _float32(x)
    y = conv_ops.Unfold.apply(x32, kernel=kernel, stride=stride, padding=pads, dilation=dilation, out=out)
    return _finish(y, x.dtype, unbatched)


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """The adjoint of unfold: sums each column of a (N, C kH kW, L) input back into its patch of a
    (N, C, *output_size) image; overlapping patches add up."""
    _tensor(input, "fold", "input")
    if input.ndim not in (2, 3) or input.dtype.kind != "f":
        raise ValueError(f"fold: expected a 2-d or 3-d floating-point input, got {input.dtype} {input.shape}")
    x = input.unsqueeze(0) if input.ndim == 2 else input
    kernel = _sizes(kernel_size, 2, "kernel_size", "fold")
    size = _sizes(output_size, 2, "output_size", "fold")
    stride, dilation = _sizes(stride, 2, "stride", "fold"), _sizes(dilation, 2, "dilation", "fold")
    pads = tuple((p, p) for p in _sizes(padding, 2, "padding", "fold", low=0))
    out = conv_ops.out_lengths(size, kernel, stride, pads, dilation)
    rows = math.prod(kernel)
    check_alloc((x.shape[0], x.shape[1], *size), dtypes.float32, "fold")
    if x.shape[1] % rows or x.shape[2] != math.prod(out) or any(o < 1 for o in out):
        raise ValueError(f"fold: expected (N, C * {rows}, {math.prod(out)}) for output_size {size} and kernel "
                         f"{kernel}, got {input.shape}")
    (x32,) = _float32(x)
    y = conv_ops.Fold.apply(x32, x_shape=(x.shape[0], x.shape[1] // rows, *size), kernel=kernel, stride=stride,
                            padding=pads, dilation=dilation, out=out)
    return _finish(y, x.dtype, input.ndim == 2)


def pixel_shuffle(input, upscale_factor):
    """(*, C r^2, H, W) -> (*, C, H r, W r): out[c, h r + i, w r + j] = x[c r^2 + i r + j, h, w]."""
    _tensor(input, "pixel_shuffle", "input")
    r = _sizes(upscale_factor, 1, "upscale_factor", "pixel_shuffle")[0]
    if input.ndim < 3 or input.shape[-3] % (r * r):
        raise ValueError(f"pixel_shuffle: need (*, C * {r * r}, H, W), got shape {input.shape}")
    *lead, c, h, w = input.shape
    x = input.reshape(*lead, c // (r * r), r, r, h, w)
    n = len(lead)
    x = x.permute(*range(n), n, n + 3, n + 1, n + 4, n + 2)
    return x.reshape(*lead, c // (r * r), h * r, w * r)


def pixel_unshuffle(input, downscale_factor):
    """The inverse of pixel_shuffle: (*, C, H r, W r) -> (*, C r^2, H, W)."""
    _tensor(input, "pixel_unshuffle", "input")
    r = _sizes(downscale_factor, 1, "downscale_factor", "pixel_unshuffle")[0]
    if input.ndim < 3 or input.shape[-1] % r or input.shape[-2] % r:
        raise ValueError(f"pixel_unshuffle: H and W of shape {input.shape} must be multiples of {r}")
    *lead, c, hr, wr = input.shape
    n = len(lead)
    x = input.reshape(*lead, c, hr // r, r, wr // r, r)
    x = x.permute(*range(n), n, n + 2, n + 4, n + 1, n + 3)
    return x.reshape(*lead, c * r * r, hr // r, wr // r)
