"""The dtypes a tensor can have, how data becomes an array, and torch's promotion rules.

Promotion, as in torch: the result has the highest *category* among the operands
(bool < integer < floating). Within the winning category, tensors with
dimensions outrank 0-d tensors, which outrank Python numbers: float32 tensor * 2.5
stays float32, and an int64 tensor * 2.5 becomes float32 (the default float).
"""
import numpy as np

float16 = np.dtype(np.float16)
float32 = np.dtype(np.float32)
float64 = np.dtype(np.float64)
int64 = np.dtype(np.int64)
bool_ = np.dtype(np.bool_)

_DEFAULT_FOR_KIND = {"b": bool_, "i": int64, "u": int64, "f": float32}
_CATEGORY = {"b": 0, "i": 1, "u": 1, "f": 2}


def check(dtype):
    """`dtype` as a numpy dtype, or a TypeError if tensors cannot hold it."""
    try:
        dtype = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"{dtype!r} is not a dtype; use tg.float32, tg.float64, tg.float16, "
                        "tg.int64 or tg.bool_") from None
    if dtype.kind not in _CATEGORY or dtype.itemsize > 8:
        raise TypeError(f"tensors cannot hold {dtype}; use tg.float32, tg.float64, tg.float16, "
                        "tg.int64 or tg.bool_")
    return dtype


def to_array(data, dtype=None):
    """A new numpy array from `data`: Python floats -> float32, ints -> int64, bools -> bool;
    numpy arrays and scalars keep their dtype unless `dtype` is given."""
    try:
        array = np.array(data)
    except ValueError as e:  # ragged nested lists
        raise ValueError(f"Tensor: the data must be rectangular (every row the same length): {e}") from None
    if not isinstance(data, (np.ndarray, np.generic)):
        if array.dtype.kind in _DEFAULT_FOR_KIND:
            array = array.astype(_DEFAULT_FOR_KIND[array.dtype.kind])
    check(array.dtype)
    return array if dtype is None else array.astype(check(dtype))


def is_python_scalar(value):
    return isinstance(value, (bool, int, float)) and not isinstance(value, np.generic)


def promote_dtypes(a, b):
    """The dtype of a binary op between two dimensioned tensors of dtypes a and b."""
    return _promote((np.dtype(a), 2), (np.dtype(b), 2))


def promote(a, b, a_scalar=False, b_scalar=False):
    """The dtype of a binary op between tensors a and b (either may stand for a Python number)."""
    return _promote((a.dtype, _rank(a, a_scalar)), (b.dtype, _rank(b, b_scalar)))


def _rank(t, is_scalar):
    return 0 if is_scalar else (1 if t.ndim == 0 else 2)


def _promote(a, b):
    (da, ra), (db, rb) = a, b
    ca, cb = _CATEGORY[da.kind], _CATEGORY[db.kind]
    if ca != cb:
        (d, r) = a if ca > cb else b
        return _DEFAULT_FOR_KIND[d.kind] if r == 0 else d
    if ra != rb:
        return da if ra > rb else db
    return np.promote_types(da, db)
