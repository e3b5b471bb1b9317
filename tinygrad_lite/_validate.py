"""Argument checks shared by every public entry: numbers, sizes, shapes, choices, tensors.

Each check either returns the value in a clean form (a Python float or int, a tuple of
ints) or raises the exception the design asks for, with a message that names the
function (`op`) and the argument (`name`):

    TypeError   the argument is the wrong kind of thing (a str where a number goes,
                a float where a size goes, a complex number, None where None is not allowed)
    ValueError  the kind is right but the value is not (negative, NaN, out of range)
    RuntimeError  a size whose memory cannot be allocated (torch's "not enough memory")

so that a call with a bad argument fails at the public function that received it,
never with a numpy or Python error from deep inside.

    lr = check_number(lr, "lr", "SGD", low=0)
    n = check_size(in_features, "in_features", "Linear")
    shape = check_shape(shape, "zeros")
    check_alloc(shape, np.float32, "zeros")
"""
import math
import operator
import os

import numpy as np

_REAL = (int, float, np.integer, np.floating)


class _Unset:
    """The default of a `dim`/`axis` pair: "not given", told apart from every value, None included."""

    __slots__ = ()

    def __repr__(self):
        return "<not given>"


_UNSET = _Unset()


def _axis_alias(op, dim, axis, default, names=("dim", "axis")):
    """The one axis argument of `op`, spelled dim= (torch's name) or axis= (numpy's); giving both is an error.

    Both parameters default to the sentinel `_UNSET`, so a default can never hide the other spelling."""
    if dim is not _UNSET and axis is not _UNSET:
        raise TypeError(f"{op}: got both {names[0]}={dim!r} and {names[1]}={axis!r}; "
                        "they name the same argument, give one")
    return dim if dim is not _UNSET else axis if axis is not _UNSET else default


def _is_real(value):
    return isinstance(value, _REAL) and not isinstance(value, (bool, np.bool_))


def check_number(value, name, op, *, low=None, high=None, low_open=False, high_open=False,
                 integer=False, finite=True, allow_none=False, allow_bool=False):
    """`value` as a float (an int when `integer`), after checking it is a real number in range.

    low/high: bounds (inclusive unless low_open/high_open); finite: refuse inf (NaN is always
    refused); allow_none: None passes through; allow_bool: True/False count as 1/0.
    A 0-d numpy array or one-element Tensor is read as the number it holds.
    """
    if value is None:
        if allow_none:
            return None
        raise TypeError(f"{op}: {name} must be a number, not None")
    value = _scalar_of(value)
    if isinstance(value, (bool, np.bool_)):
        if not allow_bool:
            raise TypeError(f"{op}: {name} must be a number, not the bool {value!r}")
        value = int(value)
    if integer:
        if not isinstance(value, (int, np.integer)):
            raise TypeError(f"{op}: {name} must be an integer, not {_describe(value)}")
        value = int(value)
    else:
        if not _is_real(value):
            raise TypeError(f"{op}: {name} must be a real number, not {_describe(value)}")
        value = float(value)
        if math.isnan(value):
            raise ValueError(f"{op}: {name} must be a number, not NaN")
        if finite and math.isinf(value):
            raise ValueError(f"{op}: {name} must be finite, not {value}")
    if low is not None and (value < low or (low_open and value == low)):
        raise ValueError(f"{op}: {name} must be {'>' if low_open else '>='} {low}{_and(high, high_open)}, "
                         f"not {value!r}")
    if high is not None and (value > high or (high_open and value == high)):
        lower = "" if low is None else f"{'>' if low_open else '>='} {low} and "
        raise ValueError(f"{op}: {name} must be {lower}{'<' if high_open else '<='} {high}, not {value!r}")
    return value


_SIZE_LIMIT = 2 ** 62
_SMALL = 64 * 2 ** 20  # allocations up to this many bytes are not checked against the free memory


def check_size(value, name, op, *, low=0, high=None):
    """`value` as an int >= low (a count, a dimension, a number of steps), else TypeError/ValueError.

    Sizes past 2**62 are refused, so that no product of sizes overflows int64 unnoticed;
    whether memory for a tensor of such sizes exists is `check_alloc`'s question."""
    value = check_number(value, name, op, low=low, high=high, integer=True)
    if value > _SIZE_LIMIT:
        raise ValueError(f"{op}: {name} = {value} is too large (the limit is 2**62)")
    return value


def check_bool(value, name, op):
    """`value` as a bool; only True/False (and numpy's) are accepted, as torch's bool arguments."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{op}: {name} must be True or False, not {_describe(value)}")
    return bool(value)


def check_choice(value, name, op, choices):
    """`value` if it is one of `choices` (strings compared exactly), else a ValueError listing them."""
    if not isinstance(value, str) and any(isinstance(c, str) for c in choices):
        raise TypeError(f"{op}: {name} must be one of {tuple(choices)}, not {_describe(value)}")
    if value not in choices:
        raise ValueError(f"{op}: {name} must be one of {tuple(choices)}, not {value!r}")
    return value


def check_shape(shape, op, name="size"):
    """A shape given as varargs `f(2, 3)` or one sequence `f((2, 3))`, as a tuple of non-negative ints."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = shape[0]
    sizes = []
    for n in shape:
        if not isinstance(n, (int, np.integer)) or isinstance(n, (bool, np.bool_)):
            raise TypeError(f"{op}: sizes must be integers, got {_describe(n)} in {tuple(shape)}")
        sizes.append(int(n))
    shape = tuple(sizes)
    if any(n < 0 for n in shape):
        raise ValueError(f"{op}: sizes cannot be negative, got {shape}")
    return shape


def check_alloc(shape, dtype, op, copies=1):
    """Refuse (RuntimeError, as torch's allocator) a tensor of `shape` and `dtype` that cannot fit in memory.

    `copies` counts the arrays of that size the function makes on the way (e.g. a float64
    draw cast to float32 is 2 + 1 halves). The limit is the memory the system says is available."""
    count = 1
    for n in shape:
        count *= int(n)
    nbytes = count * np.dtype(dtype).itemsize * copies
    if nbytes <= _SMALL:  # the common case: no need to ask the system
        return nbytes
    available = available_memory()
    if nbytes > available:
        raise RuntimeError(f"{op}: not enough memory: a tensor of shape {tuple(shape)} and dtype "
                           f"{np.dtype(dtype)} needs {_bytes(nbytes)}, and {_bytes(available)} is available")
    return nbytes


def check_index(value, name, op):
    """`value` as an int usable as an index (Python or numpy int, not bool), else a TypeError."""
    try:
        if isinstance(value, (bool, np.bool_)):
            raise TypeError
        return operator.index(value)
    except TypeError:
        raise TypeError(f"{op}: {name} must be an integer, not {_describe(value)}") from None


def available_memory():
    """Bytes of memory this process could still allocate: MemAvailable on Linux, else physical memory."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return 2 ** 40


def _scalar_of(value):
    """The number inside a 0-d numpy array or a one-element Tensor; anything else unchanged."""
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return value[()]
    from ._tensor import Tensor  # here, not at the top: _tensor.py itself uses these checks

    if isinstance(value, Tensor) and value.ndim == 0:
        return value.item()
    return value


def _describe(value):
    """How a wrong argument reads in a message: its repr when short, else its type."""
    text = repr(value)
    return f"{text} ({type(value).__name__})" if len(text) <= 40 else f"a {type(value).__name__}"


def _and(high, high_open):
    return "" if high is None else f" and {'<' if high_open else '<='} {high}"


def _bytes(n):
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if n < 1024 or unit == "PiB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
