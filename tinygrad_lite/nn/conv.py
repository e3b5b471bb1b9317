"""Convolution layers: Conv1d/2d/3d and ConvTranspose1d/2d/3d, initialised as torch's.

Each holds weight and bias Parameters and calls nn.functional's conv / conv_transpose (the math is
in ops/conv.py). Initialisation (torch's): weight ~ kaiming_uniform_(a = sqrt(5)), that is
U(-1/sqrt(fan_in), 1/sqrt(fan_in)) with fan_in = weight.shape[1] * prod(kernel_size), and the bias
from the same interval.
"""
import math

import numpy as np

from .._tensor import Tensor
from .._validate import check_bool, check_choice
from . import functional as F, init
from .functional_conv import _sizes
from .layers import _check_dtype, _check_parameters, _check_size
from .module import Module, Parameter

_PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


class _ConvNd(Module):
    """What Conv and ConvTranspose share: the sizes, the parameters and their initialisation."""

    nd = 0
    transposed = False

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
                 bias=True, padding_mode="zeros", output_padding=0, dtype=None):
        name = type(self).__name__
        self.in_channels = _check_size(in_channels, "in_channels", name, low=1)
        self.out_channels = _check_size(out_channels, "out_channels", name, low=1)
        self.groups = _check_size(groups, "groups", name, low=1)
        if in_channels % groups or out_channels % groups:
            raise ValueError(f"{name}: in_channels ({in_channels}) and out_channels ({out_channels}) must both be "
                             f"divisible by groups ({groups})")
        nd = self.nd
        self.kernel_size = _sizes(kernel_size, nd, "kernel_size", name)
        self.stride = _sizes(stride, nd, "stride", name)
        self.dilation = _sizes(dilation, nd, "dilation", name)
        self.output_padding = _sizes(output_padding, nd, "output_padding", name, low=0)
        if isinstance(padding, str):
            check_choice(padding, "padding", name, ("same", "valid"))
            if padding == "same" and any(s != 1 for s in self.stride):
                raise ValueError(f"{name}: padding='same' is not supported for strided convolutions")
            self.padding = padding
        else:
            self.padding = _sizes(padding, nd, "padding", name, low=0)
        check_choice(padding_mode, "padding_mode", name, _PADDING_MODES)
        self.padding_mode = padding_mode
        if self.transposed and padding_mode != "zeros":
            raise ValueError(f"{name}: only padding_mode='zeros' is supported, as in torch")
        bias = check_bool(bias, "bias", name)
        dtype = _check_dtype(dtype, name)
        if self.transposed:
            shape = (self.in_channels, self.out_channels // self.groups, *self.kernel_size)
        else:
            shape = (self.out_channels, self.in_channels // self.groups, *self.kernel_size)
        _check_parameters([shape, (self.out_channels * bias,)], dtype, name)
        self.weight = Parameter(np.zeros(shape), dtype=dtype)
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        self.bias = None
        if bias:
            self.bias = Parameter(np.zeros(self.out_channels), dtype=dtype)
            bound = 1.0 / math.sqrt(shape[1] * math.prod(self.kernel_size))
            init.uniform_(self.bias, -bound, bound)

    def extra_repr(self):
        text = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        if self.padding != (0,) * self.nd:
            text += f", padding={self.padding}"
        if self.dilation != (1,) * self.nd:
            text += f", dilation={self.dilation}"
        if self.output_padding != (0,) * self.nd:
            text += f", output_padding={self.output_padding}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        if self.bias is None:
            text += ", bias=False"
        if self.padding_mode != "zeros":
            text += f", padding_mode={self.padding_mode!r}"
        return text


class _Conv(_ConvNd):
    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
                 bias=True, padding_mode="zeros", dtype=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                         padding_mode, 0, dtype)

    def _explicit_padding(self):
        """padding_mode other than zeros: the (lo, hi) amounts that F.pad adds first, last axis first."""
        if self.padding == "valid":
            return None
        if self.padding == "same":
            pairs = [(d * (k - 1) // 2, d * (k - 1) - d * (k - 1) // 2) for k, d in zip(self.kernel_size, self.dilation)]
        else:
            pairs = [(p, p) for p in self.padding]
        return tuple(v for lo, hi in reversed(pairs) for v in (lo, hi))

    def forward(self, input):
        conv = (F.conv1d, F.conv2d, F.conv3d)[self.nd - 1]
        if self.padding_mode != "zeros":
            amounts = self._explicit_padding()
            if amounts is not None and any(amounts):
                input = F.pad(input, amounts, mode=self.padding_mode)
            return conv(input, self.weight, self.bias, self.stride, 0, self.dilation, self.groups)
        return conv(input, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)


class Conv1d(_Conv):
    """Applies F.conv1d: (N, C_in, L) -> (N, C_out, L_out) with weight (C_out, C_in / groups, K)."""
    nd = 1


class Conv2d(_Conv):
    """Applies F.conv2d: (N, C_in, H, W) -> (N, C_out, H_out, W_out) with weight (C_out, C_in / groups, kH, kW);
    H_out = floor((H + 2 p - d (k - 1) - 1) / s) + 1. padding_mode 'reflect', 'replicate' or 'circular'
    pads with F.pad first."""
    nd = 2


class Conv3d(_Conv):
    """Applies F.conv3d over (D, H, W); see Conv2d."""
    nd = 3


class _ConvTranspose(_ConvNd):
    transposed = True

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1,
                 bias=True, dilation=1, padding_mode="zeros", dtype=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                         padding_mode, output_padding, dtype)

    def forward(self, input, output_size=None):
        output_padding = self.output_padding
        name = type(self).__name__
        if output_size is not None:  # torch: choose output_padding so that the output has this size
            if not isinstance(input, Tensor):
                raise TypeError(f"{name}: input must be a Tensor, not {type(input).__name__}")
            if not isinstance(output_size, (tuple, list)):
                raise TypeError(f"{name}: output_size must be a tuple of lengths, not {output_size!r}")
            wanted = _sizes(tuple(output_size[-self.nd:]), self.nd, "output_size", name)
            spatial = input.shape[-self.nd:]
            smallest = [(s - 1) * st - 2 * p + d * (k - 1) + 1 for s, st, p, d, k in
                        zip(spatial, self.stride, self.padding, self.dilation, self.kernel_size)]
            output_padding = tuple(w - m for w, m in zip(wanted, smallest))
            if any(not 0 <= e < max(st, d) for e, st, d in zip(output_padding, self.stride, self.dilation)):
                raise ValueError(f"{type(self).__name__}: output_size {wanted} is not reachable from input of shape "
                                 f"{input.shape} (sizes from {tuple(smallest)} up to stride - 1 more)")
        conv = (F.conv_transpose1d, F.conv_transpose2d, F.conv_transpose3d)[self.nd - 1]
        return conv(input, self.weight, self.bias, self.stride, self.padding, output_padding, self.groups,
                    self.dilation)


class ConvTranspose1d(_ConvTranspose):
    """Applies F.conv_transpose1d with weight (C_in, C_out / groups, K)."""
    nd = 1


class ConvTranspose2d(_ConvTranspose):
    """Applies F.conv_transpose2d with weight (C_in, C_out / groups, kH, kW);
    H_out = (H - 1) s - 2 p + d (k - 1) + output_padding + 1."""
    nd = 2


class ConvTranspose3d(_ConvTranspose):
    """Applies F.conv_transpose3d over (D, H, W); see ConvTranspose2d."""
    nd = 3


__all__ = ["Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d"]
