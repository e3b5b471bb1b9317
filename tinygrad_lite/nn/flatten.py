"""Modules that only reshape, or pass their input through: Flatten, Unflatten, Identity
(torch keeps them in nn/modules/flatten.py and linear.py)."""
import numpy as np

from .._tensor import _UNSET, Tensor, _axis_alias, _one_axis
from .module import Module

__all__ = ["Identity", "Flatten", "Unflatten"]


def _input(x, module):
    if not isinstance(x, Tensor):
        raise TypeError(f"{module}.forward: argument 'input' must be a Tensor, not {type(x).__name__}")
    return x


def _int(value, name, module):
    if not isinstance(value, (int, np.integer)) or isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{module}: {name} must be an int, not {value!r}")
    return int(value)


class Identity(Module):
    """out = input, whatever it is; the arguments given when it is made are ignored, as torch's."""

    def __init__(self, *args, **kwargs):
        pass

    def forward(self, input):
        return input


class Flatten(Module):
    """Axes start_dim..end_dim (inclusive) merged into one: (N, C, H, W) -> (N, C*H*W) by default."""

    def __init__(self, start_dim=1, end_dim=-1):
        self.start_dim = _int(start_dim, "start_dim", "Flatten")
        self.end_dim = _int(end_dim, "end_dim", "Flatten")

    def forward(self, input):
        return _input(input, "Flatten").flatten(self.start_dim, self.end_dim)

    def extra_repr(self):
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Axis `dim` split into axes of `unflattened_size` (one may be -1): (N, 12) -> (N, 3, 4)."""

    def __init__(self, dim=_UNSET, unflattened_size=None, *, axis=_UNSET):
        dim = _axis_alias("Unflatten", dim, axis, _UNSET)
        if dim is _UNSET:
            raise TypeError("Unflatten: missing the required argument dim")
        self.dim = _int(dim, "dim", "Unflatten")
        if not isinstance(unflattened_size, (tuple, list)) or not unflattened_size or not all(
                isinstance(n, (int, np.integer)) and not isinstance(n, (bool, np.bool_)) for n in unflattened_size):
            raise TypeError(f"Unflatten: unflattened_size must be a non-empty tuple of ints, not {unflattened_size!r}")
        self.unflattened_size = tuple(int(n) for n in unflattened_size)

    def forward(self, input):
        x = _input(input, "Unflatten")
        _one_axis(self.dim, x.shape, "Unflatten")
        try:
            return x.unflatten(self.dim, self.unflattened_size)
        except ValueError as e:
            raise ValueError(f"Unflatten: {e}") from None

    def extra_repr(self):
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"
