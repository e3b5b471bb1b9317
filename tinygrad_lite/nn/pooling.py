"""Pooling, padding, resizing and patch layers: torch's modules over nn.functional's functions.

MaxPool1d/2d/3d, AvgPool1d/2d/3d, AdaptiveAvgPool1d/2d/3d, AdaptiveMaxPool1d/2d, MaxUnpool1d/2d/3d,
LPPool1d/2d, the padding layers (ZeroPad, ConstantPad, ReflectionPad, ReplicationPad, CircularPad in
1d/2d/3d), Upsample, UpsamplingNearest2d, UpsamplingBilinear2d, PixelShuffle, PixelUnshuffle, Unfold
and Fold. Each stores its arguments and calls the function of the same name; the math is in that
function's docstring. None holds parameters.
"""
import inspect

from . import functional as F
from .functional_conv import _sizes
from .functional_resample import pad_as, resize
from .._validate import check_bool, check_choice, check_number
from .module import Module


class _Pool(Module):
    """A module that calls `function(input, **arguments)`; `arguments` are also its attributes."""

    _function = None

    def _store(self, **arguments):
        self._arguments = arguments
        for name, value in arguments.items():
            setattr(self, name, value)

    def forward(self, input):
        return type(self)._function(input, **{k: getattr(self, k) for k in self._arguments})

    def extra_repr(self):
        return ", ".join(f"{k}={getattr(self, k)!r}" for k in self._arguments)


def _pool_class(name, function, signature, doc):
    """A module class whose __init__ takes `signature` ((name, default) pairs; no default: required)."""
    def __init__(self, *args, **kwargs):
        names = [n for n, _ in signature]
        if len(args) > len(names):
            raise TypeError(f"{name}: takes at most {len(names)} arguments, got {len(args)}")
        values = dict(zip(names, args))
        for key, value in kwargs.items():
            if key not in names:
                raise TypeError(f"{name}: unexpected argument {key!r}")
            if key in values:
                raise TypeError(f"{name}: got {key!r} twice")
            values[key] = value
        for n, default in signature:
            if n not in values:
                if default is _REQUIRED:
                    raise TypeError(f"{name}: missing the required argument {n!r}")
                values[n] = default
        nd = int(name[-2]) if name[-2].isdigit() else 2
        defaults = dict(signature)
        for key, value in values.items():  # checked now, not at the first call
            if not (value is None and defaults[key] is None):
                _check_argument(key, value, nd, name)
        self._store(**values)

    __init__.__signature__ = inspect.Signature(
        [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)] +
        [inspect.Parameter(n, inspect.Parameter.POSITIONAL_OR_KEYWORD,
                           default=inspect.Parameter.empty if d is _REQUIRED else d) for n, d in signature])
    return type(name, (_Pool,), {"__init__": __init__, "_function": staticmethod(function), "__doc__": doc,
                                 "__module__": __name__})


_REQUIRED = object()


def _check_argument(key, value, nd, layer):
    """Refuse a layer argument the function would refuse at the first call (TypeError or ValueError)."""
    if key in ("ceil_mode", "return_indices", "count_include_pad"):
        check_bool(value, key, layer)
    elif key in ("kernel_size", "dilation", "stride"):
        _sizes(value, nd, key, layer)
    elif key == "padding":
        _sizes(value, nd, key, layer, low=0)
    elif key in ("upscale_factor", "downscale_factor", "divisor_override"):
        _sizes(value, 1, key, layer)
    elif key == "norm_type":
        check_number(value, key, layer, low=0.0, low_open=True)
    elif key == "output_size":
        if value is None:
            raise TypeError(f"{layer}: output_size must be an int or a tuple of ints, not None")
        items = value if isinstance(value, (tuple, list)) else (value,)
        if not items or not all(v is None or (isinstance(v, int) and not isinstance(v, bool)) for v in items):
            raise TypeError(f"{layer}: output_size must be an int or a tuple of ints (or None), got {value!r}")
        if any(v is not None and v < 0 for v in items):
            raise ValueError(f"{layer}: output_size must not be negative, got {value!r}")
_MAX = [("kernel_size", _REQUIRED), ("stride", None), ("padding", 0), ("dilation", 1), ("return_indices", False),
        ("ceil_mode", False)]
_AVG1 = [("kernel_size", _REQUIRED), ("stride", None), ("padding", 0), ("ceil_mode", False),
         ("count_include_pad", True)]
_AVG = _AVG1 + [("divisor_override", None)]

MaxPool1d = _pool_class("MaxPool1d", F.max_pool1d, _MAX, "Applies F.max_pool1d (see it for the math).")
MaxPool2d = _pool_class("MaxPool2d", F.max_pool2d, _MAX, "Applies F.max_pool2d: the max of each kernel window.")
MaxPool3d = _pool_class("MaxPool3d", F.max_pool3d, _MAX, "Applies F.max_pool3d (see it for the math).")
AvgPool1d = _pool_class("AvgPool1d", F.avg_pool1d, _AVG1, "Applies F.avg_pool1d (see it for the math).")
AvgPool2d = _pool_class("AvgPool2d", F.avg_pool2d, _AVG, "Applies F.avg_pool2d: the mean of each kernel window.")
AvgPool3d = _pool_class("AvgPool3d", F.avg_pool3d, _AVG, "Applies F.avg_pool3d (see it for the math).")
AdaptiveAvgPool1d = _pool_class("AdaptiveAvgPool1d", F.adaptive_avg_pool1d, [("output_size", _REQUIRED)],
                                "Applies F.adaptive_avg_pool1d: average pooling to a given length.")
AdaptiveAvgPool2d = _pool_class("AdaptiveAvgPool2d", F.adaptive_avg_pool2d, [("output_size", _REQUIRED)],
                                "Applies F.adaptive_avg_pool2d: average pooling to a given (H, W).")
AdaptiveAvgPool3d = _pool_class("AdaptiveAvgPool3d", F.adaptive_avg_pool3d, [("output_size", _REQUIRED)],
                                "Applies F.adaptive_avg_pool3d: average pooling to a given (D, H, W).")
AdaptiveMaxPool1d = _pool_class("AdaptiveMaxPool1d", F.adaptive_max_pool1d,
                                [("output_size", _REQUIRED), ("return_indices", False)],
                                "Applies F.adaptive_max_pool1d: max pooling to a given length.")
AdaptiveMaxPool2d = _pool_class("AdaptiveMaxPool2d", F.adaptive_max_pool2d,
                                [("output_size", _REQUIRED), ("return_indices", False)],
                                "Applies F.adaptive_max_pool2d: max pooling to a given (H, W).")
LPPool1d = _pool_class("LPPool1d", F.lp_pool1d, [("norm_type", _REQUIRED), ("kernel_size", _REQUIRED),
                                                 ("stride", None), ("ceil_mode", False)],
                       "Applies F.lp_pool1d: the p-norm of each window.")
LPPool2d = _pool_class("LPPool2d", F.lp_pool2d, [("norm_type", _REQUIRED), ("kernel_size", _REQUIRED),
                                                 ("stride", None), ("ceil_mode", False)],
                       "Applies F.lp_pool2d: the p-norm of each window.")
PixelShuffle = _pool_class("PixelShuffle", F.pixel_shuffle, [("upscale_factor", _REQUIRED)],
                           "Applies F.pixel_shuffle: (C r^2, H, W) -> (C, H r, W r).")
PixelUnshuffle = _pool_class("PixelUnshuffle", F.pixel_unshuffle, [("downscale_factor", _REQUIRED)],
                             "Applies F.pixel_unshuffle: (C, H r, W r) -> (C r^2, H, W).")
Unfold = _pool_class("Unfold", F.unfold, [("kernel_size", _REQUIRED), ("dilation", 1), ("padding", 0), ("stride", 1)],
                     "Applies F.unfold: every patch as a column.")
Fold = _pool_class("Fold", F.fold, [("output_size", _REQUIRED), ("kernel_size", _REQUIRED), ("dilation", 1),
                                    ("padding", 0), ("stride", 1)],
                   "Applies F.fold: columns summed back into an image.")


class _MaxUnpool(Module):
    _function = None
    nd = 2

    def __init__(self, kernel_size, stride=None, padding=0):
        name = type(self).__name__
        self.kernel_size = _sizes(kernel_size, self.nd, "kernel_size", name)
        self.stride = self.kernel_size if stride is None else _sizes(stride, self.nd, "stride", name)
        self.padding = _sizes(padding, self.nd, "padding", name, low=0)

    def forward(self, input, indices, output_size=None):
        return type(self)._function(input, indices, self.kernel_size, self.stride, self.padding, output_size)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxUnpool1d(_MaxUnpool):
    """Applies F.max_unpool1d: values back to the positions max_pool1d took them from."""
    _function, nd = staticmethod(F.max_unpool1d), 1


class MaxUnpool2d(_MaxUnpool):
    """Applies F.max_unpool2d: values back to the positions max_pool2d took them from."""
    _function, nd = staticmethod(F.max_unpool2d), 2


class MaxUnpool3d(_MaxUnpool):
    """Applies F.max_unpool3d: values back to the positions max_pool3d took them from."""
    _function, nd = staticmethod(F.max_unpool3d), 3


class _Pad(Module):
    """F.pad with `mode` and amounts given as an int (every side) or a tuple (last axis first)."""

    mode, nd = "constant", 1

    def __init__(self, padding, value=0.0):
        name = type(self).__name__
        self.padding = _sizes(padding, 2 * self.nd, "padding", name, low=-2 ** 62)
        self.value = check_number(value, "value", name, finite=False)

    def forward(self, input):
        value = self.value if self.mode == "constant" else None
        return pad_as(type(self).__name__, input, self.padding, self.mode, value)

    def extra_repr(self):
        return f"{self.padding}" + (f", value={self.value}" if self.mode == "constant" else "")


def _pad_class(name, mode, nd, with_value):
    if with_value:
        def __init__(self, padding, value):
            _Pad.__init__(self, padding, value)
    else:
        def __init__(self, padding):
            _Pad.__init__(self, padding)
    doc = f"Pads the last {nd} axes with F.pad(mode={mode!r}); padding is an int or {2 * nd} ints, last axis first."
    return type(name, (_Pad,), {"__init__": __init__, "mode": mode, "nd": nd, "__doc__": doc, "__module__": __name__})


ZeroPad1d, ZeroPad2d, ZeroPad3d = (_pad_class(f"ZeroPad{n}d", "constant", n, False) for n in (1, 2, 3))
ConstantPad1d, ConstantPad2d, ConstantPad3d = (_pad_class(f"ConstantPad{n}d", "constant", n, True) for n in (1, 2, 3))
ReflectionPad1d, ReflectionPad2d, ReflectionPad3d = (_pad_class(f"ReflectionPad{n}d", "reflect", n, False)
                                                     for n in (1, 2, 3))
ReplicationPad1d, ReplicationPad2d, ReplicationPad3d = (_pad_class(f"ReplicationPad{n}d", "replicate", n, False)
                                                        for n in (1, 2, 3))
CircularPad1d, CircularPad2d, CircularPad3d = (_pad_class(f"CircularPad{n}d", "circular", n, False) for n in (1, 2, 3))


class Upsample(Module):
    """Applies F.interpolate(size, scale_factor, mode, align_corners): resizes the spatial axes."""

    def __init__(self, size=None, scale_factor=None, mode="nearest", align_corners=None,
                 recompute_scale_factor=None):
        name = type(self).__name__
        if (size is None) == (scale_factor is None):
            raise ValueError(f"{name}: give exactly one of size and scale_factor")
        if size is not None:
            sizes = size if isinstance(size, (tuple, list)) else (size,)
            _sizes(tuple(sizes), len(sizes), "size", name) if sizes else _sizes(size, 1, "size", name)
        else:
            factors = scale_factor if isinstance(scale_factor, (tuple, list)) and scale_factor else (scale_factor,)
            for f in factors:
                check_number(f, "scale_factor", name, low=0.0, low_open=True)
        check_choice(mode, "mode", name, ("nearest", "nearest-exact", "linear", "bilinear", "bicubic", "trilinear",
                                          "area"))
        for flag, label in ((align_corners, "align_corners"), (recompute_scale_factor, "recompute_scale_factor")):
            if flag is not None:
                check_bool(flag, label, name)
        self.size, self.scale_factor, self.mode = size, scale_factor, mode
        self.align_corners, self.recompute_scale_factor = align_corners, recompute_scale_factor

    def forward(self, input):
        return resize(input, self.size, self.scale_factor, self.mode, self.align_corners, self.recompute_scale_factor,
                      False, type(self).__name__)

    def extra_repr(self):
        what = f"size={self.size}" if self.scale_factor is None else f"scale_factor={self.scale_factor}"
        return f"{what}, mode={self.mode!r}"


class UpsamplingNearest2d(Upsample):
    """Upsample with mode='nearest'."""

    def __init__(self, size=None, scale_factor=None):
        super().__init__(size, scale_factor, "nearest")


class UpsamplingBilinear2d(Upsample):
    """Upsample with mode='bilinear' and align_corners=True (as torch's)."""

    def __init__(self, size=None, scale_factor=None):
        super().__init__(size, scale_factor, "bilinear", True)


__all__ = [
    "MaxPool1d", "MaxPool2d", "MaxPool3d", "AvgPool1d", "AvgPool2d", "AvgPool3d", "AdaptiveAvgPool1d",
    "AdaptiveAvgPool2d", "AdaptiveAvgPool3d", "AdaptiveMaxPool1d", "AdaptiveMaxPool2d", "MaxUnpool1d", "MaxUnpool2d",
    "MaxUnpool3d", "LPPool1d", "LPPool2d", "PixelShuffle", "PixelUnshuffle", "Unfold", "Fold",
    "ZeroPad1d", "ZeroPad2d", "ZeroPad3d", "ConstantPad1d", "ConstantPad2d", "ConstantPad3d",
    "ReflectionPad1d", "ReflectionPad2d", "ReflectionPad3d", "ReplicationPad1d", "ReplicationPad2d",
    "ReplicationPad3d", "CircularPad1d", "CircularPad2d", "CircularPad3d",
    "Upsample", "UpsamplingNearest2d", "UpsamplingBilinear2d",
]
