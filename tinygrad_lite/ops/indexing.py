"""How torch reads `x[index]`, written as two numpy steps.

torch and numpy agree on ints, slices, None, Ellipsis and a lone index array, but not on the rest:

* An int is always a basic index in torch: it selects (removes) its axis before any index array
  is applied. So `x[1, :, [0, 2]]` on (2, 3, 4) is `x[1][:, [0, 2]]`, of shape (3, 2); numpy
  counts the int as an advanced index, and the two, split by a slice, put their axis first: (2, 3).
* A top-level list with fewer than 32 items, one of which is a sequence, slice, None or Ellipsis,
  is read as a tuple: `x[[[0, 1], [1, 0]]]` is `x[[0, 1], [1, 0]]` (torch warns that this reading
  is deprecated); numpy reads it as one 2-d index array.
* A uint8 array is a mask, as a bool array (deprecated in torch, which warns); a 0-d int array is
  an int; a Python bool (or a 0-d bool array) inserts an axis of size 1 and indexes it with [0]
  (True) or [] (False).
* A slice's step must be positive: torch has no negative strides.

So an index becomes a pair (basic, advanced). `basic` holds ints, slices and None only and is
applied first, giving a view. `advanced` holds one entry per axis of that view, a full slice or
an int array (a bool mask over k axes becomes the k arrays of its nonzero()), and is applied
second, by numpy's rule for arrays alone, which is also torch's: the arrays broadcast together,
and their result takes their place if they are adjacent, else it goes first.
"""
import operator
import warnings

import numpy as np

_FULL = slice(None)


def plan(index, shape):
    """(basic, advanced) for x[index] on an array of `shape`: x[index] = x[basic][advanced].

    `advanced` is None when the index holds no arrays. Tensors in `index` must already be numpy
    arrays. A bad index raises IndexError (ValueError for a step that is not positive, TypeError
    for a slice bound that is not an integer), naming the shape."""
    items = []
    for i in _as_tuple(index):  # a loop, not a comprehension: the warnings' stacklevel counts frames
        items.append(_item(i, shape))
    ndim = len(shape)
    if sum(i is Ellipsis for i in items) > 1:
        raise IndexError(f"index: an index can hold only one Ellipsis (...), got {index!r}")
    used = sum(_axes_used(i) for i in items)
    if used > ndim:
        raise IndexError(f"index: too many indices ({used}) for a tensor of shape {tuple(shape)}")
    basic, arrays = [], {}  # arrays: position in x[basic] -> the int array indexing it
    dim = out = 0           # the axis of x, and of x[basic], the next item applies to
    for item in items:
        if item is Ellipsis:
            basic += [_FULL] * (ndim - used)
            dim, out = dim + ndim - used, out + ndim - used
        elif item is None:
            basic.append(None)
            out += 1
        elif isinstance(item, bool):  # a new axis of size 1, indexed by [0] or by nothing
            basic.append(None)
            arrays[out] = np.arange(int(item), dtype=np.int64)
            out += 1
        elif isinstance(item, int):
            _check_range(np.array(item), shape, dim)
            basic.append(item)
            dim += 1
        elif isinstance(item, slice):
            basic.append(item)
            dim, out = dim + 1, out + 1
        elif item.dtype == np.bool_:
            k = item.ndim
            if item.shape != tuple(shape[dim:dim + k]):
                raise IndexError(f"index: the mask of shape {item.shape} does not match axes {dim}..{dim + k - 1} "
                                 f"of the tensor of shape {tuple(shape)}")
            arrays.update((out + j, axis) for j, axis in enumerate(np.nonzero(item)))
            basic += [_FULL] * k
            dim, out = dim + k, out + k
        else:
            _check_range(item, shape, dim)
            arrays[out] = item
            basic.append(_FULL)
            dim, out = dim + 1, out + 1
    basic = tuple(basic) + (Ellipsis,)  # the Ellipsis makes numpy return a 0-d array, not a scalar
    if not arrays:
        return basic, None
    try:
        np.broadcast_shapes(*(a.shape for a in arrays.values()))
    except ValueError:
        shapes = ", ".join(str(a.shape) for a in arrays.values())
        raise IndexError(f"index: the index arrays of shapes {shapes} do not broadcast together "
                         f"(tensor of shape {tuple(shape)})") from None
    return basic, tuple(arrays.get(p, _FULL) for p in range(max(arrays) + 1))


def _as_tuple(index):
    """The index as a tuple of items; a short list holding sequences is a tuple, as torch reads it."""
    if isinstance(index, tuple):
        return index
    if isinstance(index, list) and len(index) < 32 and any(
            isinstance(i, (list, tuple, range, np.ndarray, slice)) or i is None or i is Ellipsis for i in index):
        warnings.warn("index: a list holding sequences, slices, None or ... is read as a tuple of indices, as "
                      "torch reads it (deprecated there); write x[tuple(seq)], or x[Tensor(seq)] for one "
                      "index array", UserWarning, stacklevel=5)
        return tuple(index)
    return (index,)


def _item(item, shape):
    """One index item in a normal form: None, Ellipsis, a Python bool or int, a checked slice,
    or an int or bool array of at least one axis."""
    if item is None or item is Ellipsis or isinstance(item, bool):
        return item
    if isinstance(item, (int, np.integer)):
        return int(item)
    if isinstance(item, slice):
        return _slice(item)
    if isinstance(item, (list, tuple, range)):
        try:
            array = np.asarray(item)
        except ValueError:
            raise IndexError(f"index: {item!r} is not a valid index array (its rows differ in length)") from None
        array = array.astype(np.int64) if array.size == 0 else array  # [] selects nothing, as torch's
    elif isinstance(item, np.ndarray):
        array = item
    else:
        raise IndexError(f"index: {item!r} is not a valid index (use ints, slices, None, ..., "
                         f"integer arrays or bool masks) for a tensor of shape {tuple(shape)}")
    if array.dtype == np.uint8:
        warnings.warn("index: a uint8 index array is read as a bool mask, as torch reads it (deprecated "
                      "there); use a bool array", UserWarning, stacklevel=5)
        array = array.astype(np.bool_)
    if array.dtype.kind not in "iub":
        raise IndexError(f"index: arrays used as indices must be integers or bools, not {array.dtype}")
    if array.ndim == 0:
        return bool(array) if array.dtype == np.bool_ else int(array)
    return array


def _slice(s):
    """The slice with int bounds, after checking its step is positive (torch has no negative strides)."""
    bounds = []
    for name, value in (("start", s.start), ("stop", s.stop), ("step", s.step)):
        if value is not None:
            if isinstance(value, np.ndarray) and value.ndim == 0:
                value = value[()]
            try:
                value = operator.index(value)
            except TypeError:
                raise TypeError(f"index: slice {name} must be an integer or None, not {value!r}") from None
        bounds.append(value)
    step = bounds[2]
    if step == 0:
        raise ValueError(f"index: slice step cannot be zero, got {s!r}")
    if step is not None and step < 0:
        raise ValueError(f"index: step must be greater than zero (torch has no negative steps), got {s!r}")
    return slice(*bounds)


def _axes_used(item):
    """How many axes of the tensor an item consumes (Ellipsis: the rest, counted separately)."""
    if item is None or item is Ellipsis or isinstance(item, bool):
        return 0
    return item.ndim if isinstance(item, np.ndarray) and item.dtype == np.bool_ else 1


def _check_range(positions, shape, dim):
    size = shape[dim]
    bad = (positions < -size) | (positions >= size)
    if np.any(bad):
        raise IndexError(f"index: index {positions[bad].flat[0]} is out of bounds for dimension {dim} "
                         f"with size {size} (tensor of shape {tuple(shape)})")
