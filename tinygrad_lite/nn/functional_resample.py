"""Padding and resizing, as torch.nn.functional spells them: pad (constant, reflect, replicate,
circular) and interpolate (nearest, nearest-exact, linear, bilinear, bicubic, trilinear, area),
with upsample, upsample_nearest and upsample_bilinear. Each non-constant pad and every resize is
a separable linear map along the spatial axes (ops/resample.py; the matrices, written the way
torch computes each mode, are in ops/axis_matrices.py), so the gradient is its transpose.
"""
import math
import warnings

import numpy as np

from .. import dtypes
from .._tensor import Tensor
from .._validate import check_alloc
from ..ops import axis_matrices, resample

__all__ = ["pad", "interpolate", "upsample", "upsample_nearest", "upsample_bilinear"]

_PAD_MODES = ("constant", "reflect", "replicate", "circular")


def _is_int(v):
    return isinstance(v, (int, np.integer)) and not isinstance(v, bool)


def pad(input, pad, mode="constant", value=None):
    """Pad the last len(pad) / 2 axes: pad = (last_lo, last_hi, second_last_lo, second_last_hi, ...),
    as torch orders it. mode 'constant' fills with value (0 by default; negative amounts crop),
    'reflect' mirrors without repeating the edge (x[1], x[0] | x[0] ... x[n-1] | x[n-2]), 'replicate'
    repeats the edge, 'circular' wraps around. The gradient of the filled elements is 0; of a
    mirrored / repeated / wrapped one it adds to the element it copies."""
    return pad_as("pad", input, pad, mode, value)


def pad_as(op, input, pad, mode="constant", value=None):
    """pad, with its errors naming `op` (the function or layer the user called)."""
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}: argument 'input' must be a Tensor, not {type(input).__name__}")
    if not isinstance(pad, (tuple, list)) or not all(_is_int(p) for p in pad):
        raise TypeError(f"{op}: pad must be a tuple of ints, got {pad!r}")
    if len(pad) % 2 or len(pad) // 2 > input.ndim:
        raise ValueError(f"{op}: pad {tuple(pad)} must have an even length of at most 2 * {input.ndim} (the input's "
                         "dims)")
    if mode not in _PAD_MODES:
        raise ValueError(f"{op}: mode must be one of {_PAD_MODES}, got {mode!r}")
    axes = len(pad) // 2
    pairs = [(0, 0)] * (input.ndim - axes) + [(int(pad[2 * i]), int(pad[2 * i + 1])) for i in reversed(range(axes))]
    check_alloc(tuple(max(n + lo + hi, 0) for n, (lo, hi) in zip(input.shape, pairs)), input.dtype, op, copies=2)
    if mode == "constant":
        fill = 0 if value is None else value
        if not dtypes.is_python_scalar(fill):
            raise TypeError(f"{op}: value must be a number, not {type(fill).__name__}")
        if any(n + lo + hi < 0 for n, (lo, hi) in zip(input.shape, pairs)):
            raise ValueError(f"{op}: pad {tuple(pad)} crops more than the input of shape {input.shape} holds")
        return resample.ConstantPad.apply(input, pads=tuple(pairs), value=fill)
    if value not in (None, 0):
        raise ValueError(f"{op}: value is for mode='constant' only, got value={value!r} with mode={mode!r}")
    if not 2 <= input.ndim - axes <= 2 or axes > 3:
        raise ValueError(f"{op}: mode={mode!r} pads the last 1, 2 or 3 axes of a (N, C, ...) or (C, ...) input; "
                         f"got pad {tuple(pad)} for shape {input.shape}")
    if input.dtype.kind != "f":
        raise TypeError(f"{op}: mode={mode!r} needs a floating-point input, not {input.dtype}")
    maps = []
    for axis, (lo, hi) in enumerate(pairs):
        if lo == hi == 0:
            continue
        n = input.shape[axis]
        limit = n - 1 if mode == "reflect" else n
        if (mode != "replicate" and max(lo, hi) > limit) or n == 0 or n + lo + hi < 0:
            raise ValueError(f"{op}: with mode={mode!r} the padding ({lo}, {hi}) of dimension {axis} must be at most "
                             f"{limit}, the input's length {n}" + (" - 1" if mode == "reflect" else ""))
        maps.append((axis, axis_matrices.pad(n, lo, hi, mode)))
    return _mapped(input, maps)


def _mapped(x, maps):
    """AxisMaps on x, float16 computed in float32 and rounded once."""
    if not maps:
        return x.clone()
    if x.dtype == dtypes.float16:
        return resample.AxisMaps.apply(x.astype(dtypes.float32), maps=maps).astype(dtypes.float16)
    return resample.AxisMaps.apply(x, maps=maps)


_MODE_DIMS = {"linear": 1, "bilinear": 2, "bicubic": 2, "trilinear": 3}
_MODES = ("nearest", "nearest-exact", "linear", "bilinear", "bicubic", "trilinear", "area")


def _output_geometry(input, size, scale_factor, recompute_scale_factor, op):
    """(output lengths, the source step per output step of each axis) as torch derives them."""
    nd = input.ndim - 2
    spatial = input.shape[2:]
    if (size is None) == (scale_factor is None):
        raise ValueError(f"{op}: give exactly one of size and scale_factor")
    if size is not None:
        if not (_is_int(size) or isinstance(size, (tuple, list))):
            raise TypeError(f"{op}: size must be an int or a tuple of {nd} ints, not {type(size).__name__}")
        sizes = (size,) * nd if _is_int(size) else tuple(size)
        if len(sizes) != nd or not all(_is_int(s) and s > 0 for s in sizes):
            raise ValueError(f"{op}: size must be a positive int or {nd} of them for input of shape {input.shape}, "
                             f"got {size!r}")
        return sizes, [n / o for n, o in zip(spatial, sizes)]
    scales = (scale_factor,) * nd if not isinstance(scale_factor, (tuple, list)) else tuple(scale_factor)
    if len(scales) != nd or not all(dtypes.is_python_scalar(s) and not isinstance(s, bool) and s > 0 for s in scales):
        raise ValueError(f"{op}: scale_factor must be a positive number or {nd} of them for input of shape "
                         f"{input.shape}, got {scale_factor!r}")
    sizes = tuple(int(math.floor(n * float(s))) for n, s in zip(spatial, scales))
    if any(s <= 0 for s in sizes):
        raise ValueError(f"{op}: scale_factor {scale_factor} gives an empty output from {spatial}")
    if recompute_scale_factor:
        return sizes, [n / o for n, o in zip(spatial, sizes)]
    return sizes, [1.0 / float(s) for s in scales]


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None, antialias=False):
    """Resize the spatial axes of a (N, C, *spatial) input to `size`, or by `scale_factor` (output
    length floor(L s)). Along each axis, with scale = L_in / L_out (or 1 / scale_factor):
      nearest: out[o] = x[min(floor(o scale), L - 1)]; nearest-exact: floor((o + 0.5) scale);
      linear/bilinear/trilinear: source position (o + 0.5) scale - 0.5 (clamped at 0), or
          o (L_in - 1) / (L_out - 1) with align_corners, and the two neighbours weighted linearly;
      bicubic: the four neighbours with Keys' cubic (a = -0.75), edges repeated;
      area: the mean of each adaptive-average-pooling window.
    The gradient is each map's transpose."""
    return resize(input, size, scale_factor, mode, align_corners, recompute_scale_factor, antialias, "interpolate")


def resize(input, size, scale_factor, mode, align_corners, recompute_scale_factor, antialias, op):
    """interpolate, with its errors naming `op` (the function or layer the user called)."""
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}: argument 'input' must be a Tensor, not {type(input).__name__}")
    if mode not in _MODES:
        raise ValueError(f"{op}: mode must be one of {_MODES}, got {mode!r}")
    if input.ndim not in (3, 4, 5):
        raise ValueError(f"{op}: expected a 3-d, 4-d or 5-d (N, C, *spatial) input, got shape {input.shape}")
    nd = input.ndim - 2
    if mode in _MODE_DIMS and _MODE_DIMS[mode] != nd:
        raise ValueError(f"{op}: mode={mode!r} needs a {_MODE_DIMS[mode] + 2}-d input, got shape {input.shape}")
    if align_corners is not None and mode not in _MODE_DIMS:
        raise ValueError(f"{op}: align_corners option can only be set with the interpolating modes: "
                         "linear | bilinear | bicubic | trilinear")
    if antialias:
        raise ValueError(f"{op}: antialias=True is not supported")
    sizes, steps = _output_geometry(input, size, scale_factor, recompute_scale_factor, op)
    check_alloc((*input.shape[:2], *sizes), input.dtype, op, copies=2)
    check_alloc((max(sizes), max(input.shape[2:])), np.float64, op)  # the per-axis matrices
    corners = bool(align_corners)
    maps = []
    for a, (n, o, step) in enumerate(zip(input.shape[2:], sizes, steps)):
        if mode in ("nearest", "nearest-exact"):
            matrix = axis_matrices.nearest(n, o, step, exact=mode == "nearest-exact")
        elif mode == "area":
            matrix = axis_matrices.area(n, o)
        elif mode == "bicubic":
            matrix = axis_matrices.cubic(n, o, step, corners)
        else:
            matrix = axis_matrices.linear(n, o, step, corners)
        maps.append((2 + a, matrix))
    if input.dtype.kind != "f":
        if mode not in ("nearest", "nearest-exact"):
            raise TypeError(f"{op}: mode={mode!r} needs a floating-point input, not {input.dtype}")
        array = input.array
        for axis, matrix in maps:  # one-hot rows: a gather, exact for integers
            array = array.take(input._backend.xp.asarray(matrix.argmax(axis=1)), axis=axis)
        return Tensor._wrap(input._backend.xp.ascontiguousarray(array), input._backend)
    return _mapped(input, maps)


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    """interpolate under its old name (deprecated in torch, with a warning)."""
    warnings.warn("upsample is deprecated, as in torch; use interpolate", UserWarning, stacklevel=2)
    return resize(input, size, scale_factor, mode, align_corners, None, False, "upsample")


def upsample_nearest(input, size=None, scale_factor=None):
    """interpolate(mode='nearest') under its old name."""
    return resize(input, size, scale_factor, "nearest", None, None, False, "upsample_nearest")


def upsample_bilinear(input, size=None, scale_factor=None):
    """interpolate(mode='bilinear', align_corners=True) under its old name."""
    return resize(input, size, scale_factor, "bilinear", True, None, False, "upsample_bilinear")
