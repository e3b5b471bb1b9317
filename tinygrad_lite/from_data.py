"""Tensors from existing data, as torch's: tensor() copies, from_numpy() shares, as_tensor() shares
when it can.

    tg.tensor([[1.0, 2.0]])            # float32, a copy (Python floats take the default float dtype)
    tg.from_numpy(array)               # the array's own memory: writing one changes the other
    tg.as_tensor(array, dtype=...)     # shares when nothing has to change, else converts

The dtype rule is Tensor's: Python floats become float32, ints int64, bools bool; a numpy
array keeps its dtype.
"""
import warnings

import numpy as np

from . import dtypes
from ._tensor import Tensor
from .backend import get_backend


def tensor(data, *, dtype=None, device=None, requires_grad=False):
    """A new tensor holding a copy of `data` (a number, a nested list, a numpy array or a Tensor).

    `device` defaults to the data's own when `data` is a Tensor, else "cpu". A Tensor is copied
    and cut from the graph, with torch's warning: `x.detach()` (or a copy of it) says so plainly.
    """
    if isinstance(data, Tensor):
        warnings.warn("tensor: to copy a tensor, x.detach() (and a copy, if the memory must not be shared) "
                      "says so plainly; tensor(x) copies it out of the graph", UserWarning, stacklevel=2)
        device = data.device if device is None else device
    return _new(data, "tensor", requires_grad=requires_grad, dtype=dtype, device="cpu" if device is None else device)


def from_numpy(ndarray):
    """A "cpu" tensor over `ndarray`'s own memory (no copy): changing either changes both."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"from_numpy: expected a numpy.ndarray, got {type(ndarray).__name__}")
    if dtypes.check(ndarray.dtype, "from_numpy") != ndarray.dtype:
        raise ValueError(f"from_numpy: the array's byte order ({ndarray.dtype.str}) is not this machine's; "
                         "convert it first, e.g. array.astype(array.dtype.newbyteorder('='))")
    return Tensor._wrap(ndarray, get_backend("cpu", "from_numpy"))


def as_tensor(data, dtype=None, device=None):
    """`data` as a tensor, sharing its memory when nothing has to change.

    A Tensor already of `dtype` on `device` is returned as it is (graph and all); a numpy array
    already of `dtype`, asked for on "cpu", is shared as from_numpy shares it; anything else is
    converted into a new tensor (a Tensor through the differentiable `to` and `astype`).
    """
    if dtype is not None:
        dtype = dtypes.check(dtype, "as_tensor")
    if isinstance(data, Tensor):
        out = data if device is None else data.to(device)
        return out if dtype is None else out.astype(dtype)
    if isinstance(data, np.ndarray) and device in (None, "cpu") and dtype in (None, data.dtype) \
            and dtypes.check(data.dtype, "as_tensor") == data.dtype:
        return from_numpy(data)
    return _new(data, "as_tensor", dtype=dtype, device="cpu" if device is None else device)


def _new(data, op, **kwargs):
    """Tensor(data, **kwargs), its errors said in the name of `op`, the function the user called."""
    try:
        return Tensor(data, **kwargs)
    except (TypeError, ValueError) as e:
        raise type(e)(f"{op}: {str(e).removeprefix('Tensor: ')}") from None
