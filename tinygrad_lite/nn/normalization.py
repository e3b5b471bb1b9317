"""The normalization layers (torch.nn's names): BatchNorm1d/2d/3d, InstanceNorm1d/2d/3d, GroupNorm,
LocalResponseNorm and RMSNorm. (LayerNorm is in layers.py.)

Each holds its parameters (weight = 1, bias = 0, as torch initialises them) and, where it tracks
running statistics, the buffers running_mean (0), running_var (1) and num_batches_tracked (an
int64 count), under torch's names, so a torch state_dict loads as it is. The math is in the
nn.functional function each calls.
"""
import numpy as np

from .._tensor import Tensor
from .._validate import check_bool, check_number
from . import functional as F
from .layers import _check_dtype, _check_parameters, _check_size
from .module import Module, Parameter

__all__ = ["BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d",
           "GroupNorm", "LocalResponseNorm", "RMSNorm"]


class _NormBase(Module):
    """The parameters and running statistics that batch and instance norm share."""

    _affine_default = True
    _track_default = True

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=None, track_running_stats=None, dtype=None):
        name = type(self).__name__
        affine = self._affine_default if affine is None else affine
        track = self._track_default if track_running_stats is None else track_running_stats
        self.num_features = _check_size(num_features, "num_features", name)
        self.eps = check_number(eps, "eps", name, low=0.0)
        self.momentum = check_number(momentum, "momentum", name, allow_none=True)
        self.affine = check_bool(affine, "affine", name)
        self.track_running_stats = check_bool(track, "track_running_stats", name)
        dtype = _check_dtype(dtype, name)
        _check_parameters([(self.num_features,)], dtype, name, repeat=2 * self.affine + 2 * self.track_running_stats)
        shape = (self.num_features,)
        self.weight = Parameter(np.ones(shape), dtype=dtype) if self.affine else None
        self.bias = Parameter(np.zeros(shape), dtype=dtype) if self.affine else None
        if self.track_running_stats:
            self.register_buffer("running_mean", Tensor(np.zeros(shape), dtype=dtype))
            self.register_buffer("running_var", Tensor(np.ones(shape), dtype=dtype))
            self.register_buffer("num_batches_tracked", Tensor(np.array(0, np.int64)))
        else:
            for buffer in ("running_mean", "running_var", "num_batches_tracked"):
                self.register_buffer(buffer, None)

    def reset_running_stats(self):
        """running_mean = 0, running_var = 1, num_batches_tracked = 0, in place."""
        if self.track_running_stats:
            for buffer, value in (("running_mean", 0), ("running_var", 1), ("num_batches_tracked", 0)):
                getattr(self, buffer).array[...] = value

    def reset_parameters(self):
        """The running statistics reset, and weight = 1, bias = 0."""
        self.reset_running_stats()
        if self.affine:
            self.weight.array[...] = 1
            self.bias.array[...] = 0

    def _check_input(self, input, dims, unbatched_dim=None):
        name = f"{type(self).__name__}.forward"
        F._tensor_arg(input, name, "input", 1)
        if input.ndim not in dims:
            expected = " or ".join(f"{d}D" for d in dims)
            raise ValueError(f"{name}: expected {expected} input, got {input.ndim}D input {input.shape}")
        if input.dtype.kind != "f":
            raise TypeError(f"{name}: needs floating-point input, not {input.dtype}")
        channel = 0 if input.ndim == unbatched_dim else 1  # (C, ...) without a batch axis: C comes first
        if input.shape[channel] != self.num_features and (self.affine or self.track_running_stats):
            raise ValueError(f"{name}: expected input's size at dim {channel} to match num_features "
                             f"({self.num_features}), but got input {input.shape}")

    def extra_repr(self):
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
                f"track_running_stats={self.track_running_stats}")


class _BatchNorm(_NormBase):
    """Batch norm (see F.batch_norm): in training, the batch's statistics normalize and update the
    running ones (momentum=None: their cumulative average, 1 / num_batches_tracked); in evaluation,
    the running statistics normalize (or the batch's, when none are tracked)."""

    _dims = ()

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True, dtype=None):
        super().__init__(num_features, eps, momentum, affine, track_running_stats, dtype)

    def forward(self, input):
        self._check_input(input, self._dims)
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats:
            self.num_batches_tracked.array[...] += 1
            if self.momentum is None:
                factor = 1.0 / float(self.num_batches_tracked.item())
        use_batch = self.training or self.running_mean is None
        running = not self.training or self.track_running_stats
        return F.batch_norm(input, self.running_mean if running else None, self.running_var if running else None,
                            self.weight, self.bias, use_batch, factor, self.eps)


class BatchNorm1d(_BatchNorm):
    """Batch norm over (N, C) or (N, C, L) input, per channel C: see F.batch_norm."""

    _dims = (2, 3)


class BatchNorm2d(_BatchNorm):
    """Batch norm over (N, C, H, W) input, per channel C: see F.batch_norm."""

    _dims = (4,)


class BatchNorm3d(_BatchNorm):
    """Batch norm over (N, C, D, H, W) input, per channel C: see F.batch_norm."""

    _dims = (5,)


class _InstanceNorm(_NormBase):
    """Instance norm (see F.instance_norm); unbatched input (one dimension fewer) is taken as a
    batch of one. Tracked running statistics normalize in evaluation mode."""

    _affine_default = False
    _track_default = False
    _dims = ()

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=False, track_running_stats=False, dtype=None):
        super().__init__(num_features, eps, momentum, affine, track_running_stats, dtype)

    def forward(self, input):
        self._check_input(input, (self._dims - 1, self._dims), unbatched_dim=self._dims - 1)
        unbatched = input.ndim == self._dims - 1
        x = input.unsqueeze(0) if unbatched else input
        use_input = self.training or not self.track_running_stats
        momentum = 0.0 if self.momentum is None else self.momentum
        out = F.instance_norm(x, self.running_mean, self.running_var, self.weight, self.bias, use_input,
                              momentum, self.eps)
        return out.squeeze(0) if unbatched else out


class InstanceNorm1d(_InstanceNorm):
    """Instance norm over (N, C, L) or unbatched (C, L) input: see F.instance_norm."""

    _dims = 3


class InstanceNorm2d(_InstanceNorm):
    """Instance norm over (N, C, H, W) or unbatched (C, H, W) input: see F.instance_norm."""

    _dims = 4


class InstanceNorm3d(_InstanceNorm):
    """Instance norm over (N, C, D, H, W) or unbatched (C, D, H, W) input: see F.instance_norm."""

    _dims = 5


class GroupNorm(Module):
    """Group norm over (N, C, *) input with C = num_channels split into num_groups groups:
    see F.group_norm. affine: a per-channel weight (1) and bias (0)."""

    def __init__(self, num_groups, num_channels, eps=1e-5, affine=True, dtype=None):
        self.num_groups = _check_size(num_groups, "num_groups", "GroupNorm", low=1)
        self.num_channels = _check_size(num_channels, "num_channels", "GroupNorm")
        if self.num_channels % self.num_groups:
            raise ValueError(f"GroupNorm: num_channels ({self.num_channels}) must be divisible by num_groups "
                             f"({self.num_groups})")
        self.eps = check_number(eps, "eps", "GroupNorm", low=0.0)
        self.affine = check_bool(affine, "affine", "GroupNorm")
        dtype = _check_dtype(dtype, "GroupNorm")
        _check_parameters([(self.num_channels,)] * (2 * self.affine), dtype, "GroupNorm")
        self.weight = Parameter(np.ones(self.num_channels), dtype=dtype) if self.affine else None
        self.bias = Parameter(np.zeros(self.num_channels), dtype=dtype) if self.affine else None

    def forward(self, input):
        return F.group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}"


class LocalResponseNorm(Module):
    """Local response normalization across channels: see F.local_response_norm."""

    def __init__(self, size, alpha=1e-4, beta=0.75, k=1.0):
        self.size = _check_size(size, "size", "LocalResponseNorm", low=1)
        self.alpha = check_number(alpha, "alpha", "LocalResponseNorm")
        self.beta = check_number(beta, "beta", "LocalResponseNorm")
        self.k = check_number(k, "k", "LocalResponseNorm")

    def forward(self, input):
        return F.local_response_norm(input, self.size, self.alpha, self.beta, self.k)

    def extra_repr(self):
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"


class RMSNorm(Module):
    """y = x / sqrt(mean(x^2) + eps) * weight over the trailing normalized_shape axes: see F.rms_norm.
    elementwise_affine: a weight of normalized_shape (1)."""

    def __init__(self, normalized_shape, eps=None, elementwise_affine=True, dtype=None):
        self.normalized_shape = F._normalized_shape(normalized_shape, "RMSNorm")
        self.eps = check_number(eps, "eps", "RMSNorm", low=0.0, allow_none=True)
        self.elementwise_affine = check_bool(elementwise_affine, "elementwise_affine", "RMSNorm")
        dtype = _check_dtype(dtype, "RMSNorm")
        _check_parameters([self.normalized_shape] * self.elementwise_affine, dtype, "RMSNorm")
        self.weight = Parameter(np.ones(self.normalized_shape), dtype=dtype) if self.elementwise_affine else None

    def forward(self, input):
        return F.rms_norm(input, self.normalized_shape, self.weight, self.eps)

    def extra_repr(self):
        return f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"

