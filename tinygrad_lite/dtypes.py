"""The dtypes a tensor can have, how data becomes an array, and torch's promotion rules.

Tensors hold the dtypes torch computes with: bool, uint8, int8, int16, int32, int64,
float16, float32 and float64. uint16, uint32 and uint64 are refused (torch has no
promotion rules for them), as are complex numbers, strings and objects.

Promotion, as torch.result_type: the result has the highest *category* among the
operands (bool < integer < floating). Operands come in three ranks: tensors with
dimensions, 0-d tensors, and scalars (Python numbers and numpy scalars alike:
np.float64(0.5) counts as 0.5). Within the winning category the highest rank present
decides: a float32 tensor * 2.5 stays float32, a float32 tensor * a 0-d float64 tensor
stays float32, and an int64 tensor * 2.5 becomes float32 (a float scalar stands for the
default float dtype). Operands of one category and rank promote by torch's table, which
is numpy's on these dtypes (uint8 + int8 -> int16, float16 + float32 -> float32).
"""
import numpy as np

bool_ = np.dtype(np.bool_)
uint8 = np.dtype(np.uint8)
int8 = np.dtype(np.int8)
int16 = np.dtype(np.int16)
int32 = np.dtype(np.int32)
int64 = np.dtype(np.int64)
float16 = np.dtype(np.float16)
float32 = np.dtype(np.float32)
float64 = np.dtype(np.float64)

SUPPORTED = (bool_, uint8, int8, int16, int32, int64, float16, float32, float64)
_USE = ("use tg.float32, tg.float64, tg.float16, tg.int64, tg.int32, tg.int16, tg.int8, tg.uint8 "
        "or tg.bool_")

# The supported dtypes under the names they are usually given by: dtype objects and scalar types.
_KNOWN = {**{d: d for d in SUPPORTED}, **{d.type: d for d in SUPPORTED}}

# The dtype a Python number of each kind becomes; "f" is the default float dtype, which
# set_default_dtype changes for the whole process (global, as torch's: not per thread).
_DEFAULT_FOR_KIND = {"b": bool_, "i": int64, "u": int64, "f": float32}
_CATEGORY = {"b": 0, "i": 1, "u": 1, "f": 2}

# The ranks of an operand, lowest first: a scalar (Python or numpy number), a 0-d tensor,
# a tensor with dimensions.
SCALAR, ZERO_DIM, DIMS = 0, 1, 2


def check(dtype, op=None):
    """`dtype` as a (native byte order) numpy dtype, or a TypeError if tensors cannot hold it."""
    try:
        known = _KNOWN.get(dtype)  # the common case, a dict lookup: every astype comes here
    except TypeError:  # unhashable: not a dtype; the checks below say so
        known = None
    if known is not None:
        return known
    where = f"{op}: " if op else ""
    if dtype is None:  # np.dtype(None) is float64: never let None pick a dtype silently
        raise TypeError(f"{where}dtype must be a dtype, not None; {_USE}")
    try:
        dtype = np.dtype(dtype)
    except (TypeError, ValueError):
        raise TypeError(f"{where}{dtype!r} is not a dtype; {_USE}") from None
    if dtype.kind == "u" and dtype.itemsize > 1:
        raise TypeError(f"{where}tensors cannot hold {dtype}: torch has no promotion rules for it; "
                        "convert the data to tg.int64 (or tg.int32) first")
    native = dtype.newbyteorder("=")
    if native not in SUPPORTED:
        raise TypeError(f"{where}tensors cannot hold {dtype}; {_USE}")
    return native


def get_default_dtype():
    """The default float dtype (float32 unless set_default_dtype changed it): the dtype of
    Python floats made into tensors, of float tensors created without a dtype, of an integer
    tensor met by a float scalar, and of integer true division."""
    return _DEFAULT_FOR_KIND["f"]


def set_default_dtype(d):
    """Make `d` (float16, float32 or float64) the default float dtype, for every thread."""
    try:
        d = check(d, "set_default_dtype")
    except TypeError:
        d = None
    if d is None or d.kind != "f":
        raise TypeError("set_default_dtype: only floating-point types are supported as the default type "
                        "(tg.float16, tg.float32 or tg.float64)")
    _DEFAULT_FOR_KIND["f"] = d


def to_array(data, dtype=None, op="Tensor"):
    """A new numpy array from `data`, as torch.tensor makes one.

    Python floats take the default float dtype (float32 unless set_default_dtype changed it),
    ints become int64, bools bool; numpy arrays and scalars keep
    their dtype. With `dtype`, the values convert straight to it (a Python float is not
    rounded to float32 on the way), and Python numbers that an integer dtype cannot hold
    (NaN, inf, out of range) are refused, as torch refuses them."""
    from_numpy = isinstance(data, (np.ndarray, np.generic))
    try:
        array = np.array(data)
    except ValueError as e:  # ragged nested lists
        raise ValueError(f"{op}: the data must be rectangular (every row the same length): {e}") from None
    if array.dtype.kind == "O" or (not from_numpy and array.dtype.kind == "u"):
        # numpy makes uint64 or object arrays of Python ints past int64, and object arrays of non-numbers
        raise TypeError(f"{op}: the data must be numbers (bools, floats, integers that fit in int64)")
    if dtype is None:
        array = array if from_numpy else array.astype(_DEFAULT_FOR_KIND.get(array.dtype.kind, array.dtype))
        check(array.dtype, op)
        return array.astype(array.dtype.newbyteorder("="), copy=False)
    dtype = check(dtype, op)
    if array.dtype.kind not in _CATEGORY:
        raise TypeError(f"{op}: cannot make a {dtype} tensor from data of dtype {array.dtype}")
    if not from_numpy and dtype.kind in "iu" and _overflows(array, dtype).any():
        raise ValueError(f"{op}: the data holds values that {dtype} cannot hold (NaN, inf or out of range)")
    with np.errstate(invalid="ignore", over="ignore"):
        return array.astype(dtype)


def is_python_scalar(value):
    """True for a number that promotes as a Python number does (torch's "wrapped number"):
    Python bools, ints and floats, and numpy scalars of those kinds (np.float64(0.5)
    behaves as 0.5: it does not turn a float32 tensor into float64)."""
    return isinstance(value, (bool, int, float, np.bool_, np.integer, np.floating))


def scalar_array(value, op):
    """A scalar operand as a 0-d array of its kind at full width: bool, int64 or float64.

    The value is kept exactly; promotion then picks the op's dtype. Integers must fit in int64."""
    if isinstance(value, (bool, np.bool_)):
        return np.asarray(bool(value))
    if isinstance(value, (int, np.integer)):
        value = int(value)
        if not -2 ** 63 <= value < 2 ** 63:
            raise ValueError(f"{op}: the integer {value} does not fit in int64")
        return np.asarray(value, int64)
    return np.asarray(float(value))


def convert_scalar(value, dtype, op, name="value"):
    """A scalar as a 0-d array of `dtype`, refusing what torch's checked conversion refuses.

    torch converts the scalar arguments of fill_, clamp and where this way: a float
    truncates toward zero into an integer dtype; NaN, inf and numbers past the dtype's
    range raise (a float16 cannot take 1e6); negative integers down to -max wrap into
    an unsigned dtype (uint8: -1 -> 255); anything converts to bool (nonzero -> True)."""
    array = scalar_array(value, op)
    if _overflows(array, dtype):
        raise ValueError(f"{op}: {name}={value!r} cannot be converted to {dtype} without overflow")
    with np.errstate(invalid="ignore", over="ignore"):
        return array.astype(dtype)


def _overflows(values, dtype):
    """Where torch's c10::overflows refuses a value for `dtype` (see convert_scalar)."""
    if dtype == bool_ or values.dtype == bool_:
        return np.zeros(values.shape, bool)
    if dtype.kind == "f":
        info = np.finfo(dtype)
        v = values.astype(np.float64)
        return np.isfinite(v) & ((v < info.min) | (v > info.max))
    info = np.iinfo(dtype)
    if values.dtype.kind == "f":
        with np.errstate(invalid="ignore"):
            return ~np.isfinite(values) | (values < info.min) | (values > info.max)
    low = -int(info.max) if dtype.kind == "u" else int(info.min)
    return (values < low) | (values > info.max)


def promote_types(a, b):
    """torch.promote_types: the dtype of the higher category, or numpy's table within one
    category (numpy's mixed int/float table differs: int64 with float32 is float64 there)."""
    a, b = np.dtype(a), np.dtype(b)
    ca, cb = _CATEGORY[a.kind], _CATEGORY[b.kind]
    if ca != cb:
        return a if ca > cb else b
    return np.promote_types(a, b)


def result_type(*operands):
    """The dtype of an op on `operands`, each a (dtype, rank) pair, as torch.result_type.

    Operands of one rank promote by the table (scalars as bool, int64 or the default
    float32); then a lower rank's dtype counts only where its category is higher than
    that of every rank above it."""
    by_rank = [None, None, None]  # the promoted dtype of the SCALAR, ZERO_DIM and DIMS operands
    for dtype, rank_ in operands:
        seen = by_rank[rank_]
        by_rank[rank_] = np.dtype(dtype) if seen is None else promote_types(seen, dtype)
    result = None
    for rank_, state in enumerate(by_rank):
        if state is None:
            continue
        if rank_ == SCALAR:
            state = _DEFAULT_FOR_KIND[state.kind]
        result = state if result is None else _combine(state, result)
    return result


def _combine(higher, lower):
    """torch's combine_categories: the higher rank's dtype, unless the lower rank's category is higher."""
    if higher.kind == "f":
        return higher
    if higher == bool_ or lower.kind == "f":
        return promote_types(higher, lower)
    return higher


def rank(t, is_scalar=False):
    """An operand's rank for promotion: SCALAR for a number, ZERO_DIM for a 0-d tensor, else DIMS."""
    return SCALAR if is_scalar else (ZERO_DIM if t.ndim == 0 else DIMS)


def promote_dtypes(a, b):
    """The dtype of a binary op between two dimensioned tensors of dtypes a and b."""
    return result_type((a, DIMS), (b, DIMS))


def promote(a, b, a_scalar=False, b_scalar=False):
    """The dtype of a binary op between tensors a and b (either may stand for a scalar)."""
    return result_type((a.dtype, rank(a, a_scalar)), (b.dtype, rank(b, b_scalar)))


def can_cast(source, target):
    """torch.can_cast: an in-place result may land in a dtype of the same or a higher category
    (float -> int and int -> bool are refused; float64 -> float16 and int64 -> int8 are not)."""
    return _CATEGORY[np.dtype(source).kind] <= _CATEGORY[np.dtype(target).kind]
