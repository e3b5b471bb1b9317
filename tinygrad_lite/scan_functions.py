"""torch's free functions for cumulative and sorting ops (tg.cumsum, tg.sort, tg.topk, tg.unique, ...).

Each is the Tensor method of the same name, whose docstring states the math; as in `functions`,
`input` must be a Tensor. searchsorted and bucketize, which torch has only as free functions, are
written here.
"""
import numpy as np

from . import _tensor as _t
from ._validate import _UNSET, _axis_alias, check_bool, check_choice, check_number
from .functions import _named, _tensor, unary_from_method
from .ops import scan as sc

__all__ = ["cumsum", "cumprod", "cummax", "cummin", "logcumsumexp", "diff", "sort", "argsort", "msort", "topk",
           "kthvalue", "median", "nanmedian", "mode", "quantile", "nanquantile", "unique", "unique_consecutive",
           "searchsorted", "bucketize", "isin", "bincount", "histc", "histogram", "trapezoid", "trapz", "cumulative_trapezoid"]


def _scan_from_method(name, with_dtype):
    """tg.<name>(input, dim, ...) = input.<name>(dim, ...)."""
    if with_dtype:
        def function(input, dim=_UNSET, *, dtype=None, axis=_UNSET):
            return getattr(_tensor(name, input), name)(dim, dtype=dtype, axis=axis)
    else:
        def function(input, dim=_UNSET, *, axis=_UNSET):
            return getattr(_tensor(name, input), name)(dim, axis=axis)
    return _named(function, name, __name__, f"tg.{name}(input, dim) is input.{name}(dim)")


cumsum, cumprod = (_scan_from_method(name, True) for name in ("cumsum", "cumprod"))
cummax, cummin, logcumsumexp = (_scan_from_method(name, False) for name in ("cummax", "cummin", "logcumsumexp"))
msort = unary_from_method("msort", __name__)


def diff(input, n=1, dim=_UNSET, prepend=None, append=None, *, axis=_UNSET):
    """tg.diff(input, n, dim, prepend, append) is input.diff(...): the n-th forward difference
    out_i = x_{i+1} - x_i along dim (default -1), after prepend and append are joined to x."""
    return _tensor("diff", input).diff(n, dim, prepend, append, axis=axis)


def sort(input, dim=_UNSET, descending=False, stable=False, *, axis=_UNSET):
    """tg.sort(input, dim, descending, stable=...) is input.sort(...): (values, indices), stable, NaN last."""
    return _tensor("sort", input).sort(dim, descending, stable, axis=axis)


def argsort(input, dim=_UNSET, descending=False, stable=False, *, axis=_UNSET):
    """tg.argsort(input, dim, descending, stable=...) is input.argsort(...): the positions sort picks."""
    return _tensor("argsort", input).argsort(dim, descending, stable, axis=axis)


def topk(input, k, dim=_UNSET, largest=True, sorted=True, *, axis=_UNSET):  # noqa: A002 - torch's name
    """tg.topk(input, k, dim, largest, sorted) is input.topk(...): the k largest (smallest) along dim."""
    return _tensor("topk", input).topk(k, dim, largest, sorted, axis=axis)


def kthvalue(input, k, dim=_UNSET, keepdim=False, *, axis=_UNSET):
    """tg.kthvalue(input, k, dim, keepdim) is input.kthvalue(...): the k-th smallest along dim."""
    return _tensor("kthvalue", input).kthvalue(k, dim, keepdim, axis=axis)


def median(input, dim=_UNSET, keepdim=False, *, axis=_UNSET):
    """tg.median(input) and tg.median(input, dim, keepdim) are input.median(...): the lower median."""
    return _tensor("median", input).median(dim, keepdim, axis=axis)


def nanmedian(input, dim=_UNSET, keepdim=False, *, axis=_UNSET):
    """tg.nanmedian(input[, dim, keepdim]) is input.nanmedian(...): the lower median of the numbers."""
    return _tensor("nanmedian", input).nanmedian(dim, keepdim, axis=axis)


def mode(input, dim=_UNSET, keepdim=False, *, axis=_UNSET):
    """tg.mode(input, dim, keepdim) is input.mode(...): the most frequent value along dim."""
    return _tensor("mode", input).mode(dim, keepdim, axis=axis)


def quantile(input, q, dim=_UNSET, keepdim=False, *, interpolation="linear", axis=_UNSET):
    """tg.quantile(input, q, dim, keepdim, interpolation=...) is input.quantile(...): the q-quantiles."""
    return _tensor("quantile", input).quantile(q, dim, keepdim, interpolation=interpolation, axis=axis)


def nanquantile(input, q, dim=_UNSET, keepdim=False, *, interpolation="linear", axis=_UNSET):
    """tg.nanquantile(input, q, dim, keepdim, interpolation=...) is input.nanquantile(...): NaN ignored."""
    return _tensor("nanquantile", input).nanquantile(q, dim, keepdim, interpolation=interpolation, axis=axis)


def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=_UNSET, *,  # noqa: A002
           axis=_UNSET):
    """tg.unique(input, sorted, return_inverse, return_counts, dim) is input.unique(...)."""
    return _tensor("unique", input).unique(sorted, return_inverse, return_counts, dim, axis=axis)


def unique_consecutive(input, return_inverse=False, return_counts=False, dim=_UNSET, *, axis=_UNSET):
    """tg.unique_consecutive(input, return_inverse, return_counts, dim) is input.unique_consecutive(...)."""
    return _tensor("unique_consecutive", input).unique_consecutive(return_inverse, return_counts, dim, axis=axis)


def _values(op, values, like, name):
    """`values` as a Tensor: a Tensor, or a Python number (a 0-d tensor of its own dtype, as torch's Scalar)."""
    if isinstance(values, _t.Tensor):
        return values
    if isinstance(values, (bool, np.bool_)) or not isinstance(values, (int, float, np.integer, np.floating)):
        raise TypeError(f"{op}: argument '{name}' must be a Tensor or a number, not {type(values).__name__}")
    return _t.Tensor(values, device=like.device)


def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None, sorter=None):
    """For each value v of `input` (torch's docs call it values), the index i into the last axis of
    `sorted_sequence` at which v would be inserted to keep it sorted:
    sorted_sequence[i-1] < v <= sorted_sequence[i] (left), or sorted_sequence[i-1] <= v < sorted_sequence[i]
    when `right` (or side="right"). sorted_sequence is 1-d, or has input's leading axes; `sorter`
    holds the positions that sort it, when it is not sorted itself. A NaN value goes to the end,
    as in torch's binary search. int64 (int32 with out_int32); not differentiable."""
    op = "searchsorted"
    sequence = _tensor(op, sorted_sequence, "sorted_sequence")
    values = _values(op, input, sequence, "input")
    out_int32, right = check_bool(out_int32, "out_int32", op), check_bool(right, "right", op)
    if side is not None:
        side = check_choice(side, "side", op, ("left", "right"))
        if right and side == "left":
            raise ValueError(f"{op}: side='left' and right=True contradict each other")
        right = side == "right"
    _t.autograd.check_same_device([sequence, values], op)
    if sequence.ndim == 0:
        raise ValueError(f"{op}: sorted_sequence must have at least one dim, got a 0-d tensor")
    if sequence.ndim > 1 and (values.ndim != sequence.ndim or values.shape[:-1] != sequence.shape[:-1]):
        raise ValueError(f"{op}: sorted_sequence of shape {sequence.shape} and input of shape {values.shape} "
                         "must have the same leading dims (or sorted_sequence must be 1-d)")
    for name, t in (("sorted_sequence", sequence), ("input", values)):
        if t.dtype.kind not in "biuf":
            raise TypeError(f"{op}: {name} must be a real tensor, not {t.dtype}")
    xp, seq = sequence._backend.xp, sequence.array
    if sorter is not None:
        sorter = _tensor(op, sorter, "sorter")
        if sorter.dtype.kind not in "iu" or sorter.shape != sequence.shape:
            raise ValueError(f"{op}: sorter must be an integer tensor of sorted_sequence's shape {sequence.shape}, "
                             f"got {sorter.dtype} of shape {sorter.shape}")
        n = seq.shape[-1]
        if sorter.numel() and (int(sorter.array.min()) < 0 or int(sorter.array.max()) >= n):
            raise IndexError(f"{op}: sorter holds a position outside [0, {n})")
        seq = xp.take_along_axis(seq, sorter.array.astype(np.int64), axis=-1)
    positions = sc.searchsorted_positions(xp, seq, values.array, right)
    return _t.Tensor._wrap(positions.astype(np.int32 if out_int32 else np.int64), sequence._backend)


def bucketize(input, boundaries, *, out_int32=False, right=False):
    """The bucket of each value v of `input` among the 1-d, ascending `boundaries`: the i with
    boundaries[i-1] < v <= boundaries[i] (boundaries[i-1] <= v < boundaries[i] when `right`), 0 below
    the first and len(boundaries) past the last; as searchsorted(boundaries, input, right=right)."""
    op = "bucketize"
    boundaries = _tensor(op, boundaries, "boundaries")
    if boundaries.ndim != 1:
        raise ValueError(f"{op}: boundaries must be 1-d, got shape {boundaries.shape}")
    values = _values(op, input, boundaries, "input")
    try:
        return searchsorted(boundaries, values, out_int32=out_int32, right=right)
    except (TypeError, ValueError, IndexError, RuntimeError) as e:
        raise type(e)(str(e).replace("searchsorted", op)) from None


def isin(elements, test_elements, *, assume_unique=False, invert=False):
    """out = [e is equal to some t of test_elements] for each element e of `elements` (not, with
    `invert`), compared after type promotion as torch's ==: -0.0 equals 0.0, NaN equals nothing.
    Either argument may be a number (not both); a bool tensor of elements' shape; not differentiable.
    `assume_unique` is accepted for torch's signature and changes nothing."""
    op = "isin"
    check_bool(assume_unique, "assume_unique", op)
    invert = check_bool(invert, "invert", op)
    if not isinstance(elements, _t.Tensor) and not isinstance(test_elements, _t.Tensor):
        raise TypeError(f"{op}: elements and test_elements cannot both be numbers; one must be a Tensor")
    like = elements if isinstance(elements, _t.Tensor) else test_elements
    elements = _values(op, elements, like, "elements")
    test_elements = _values(op, test_elements, like, "test_elements")
    _t.autograd.check_same_device([elements, test_elements], op)
    for name, t in (("elements", elements), ("test_elements", test_elements)):
        if t.dtype.kind not in "iuf":
            raise TypeError(f"{op}: {name} of dtype {t.dtype} is not supported (as torch's: numbers only)")
    xp = elements._backend.xp
    found = xp.isin(elements.array, test_elements.array.reshape(-1), invert=invert)
    return _t.Tensor._wrap(xp.asarray(found, dtype=np.bool_).reshape(elements.shape), elements._backend)


def bincount(input, weights=None, minlength=0):
    """tg.bincount(input, weights, minlength) is input.bincount(...): how often each value occurs."""
    return _tensor("bincount", input).bincount(weights, minlength)


def histogram(input, bins, *, range=None, weight=None, density=False):  # noqa: A002 - torch's names
    """tg.histogram(input, bins, range=, weight=, density=) is input.histogram(...): (hist, bin_edges)."""
    return _tensor("histogram", input).histogram(bins, range=range, weight=weight, density=density)


def histc(input, bins=100, min=0, max=0):  # noqa: A002 - torch's names
    """tg.histc(input, bins, min, max) is input.histc(...): the histogram in equal bins."""
    return _tensor("histc", input).histc(bins, min, max)


def trapezoid(y, x=None, *, dx=None, dim=_UNSET, axis=_UNSET):
    """The integral of y along `dim` (default -1) by the trapezoid rule:
    sum_i (x_{i+1} - x_i) (y_i + y_{i+1}) / 2, with the sample points x (1-d of y's length along dim,
    or of y's shape) or an even spacing dx (default 1). Fewer than two samples give 0. Integer y
    gives a float result; differentiable in y and x."""
    return _trapezoid("trapezoid", y, x, dx, dim, axis, cumulative=False)


def trapz(y, x=None, *, dx=None, dim=_UNSET, axis=_UNSET):
    """torch's older name of trapezoid: the integral of y along dim by the trapezoid rule."""
    return _trapezoid("trapz", y, x, dx, dim, axis, cumulative=False)


def cumulative_trapezoid(y, x=None, *, dx=None, dim=_UNSET, axis=_UNSET):
    """The running trapezoid integral of y along `dim`: out_k = sum_{i <= k} (x_{i+1} - x_i)(y_i + y_{i+1}) / 2,
    one element shorter than y along dim (x and dx as trapezoid's)."""
    return _trapezoid("cumulative_trapezoid", y, x, dx, dim, axis, cumulative=True)


def _trapezoid(op, y, x, dx, dim, axis, cumulative):
    y = _tensor(op, y, "y")
    dim = _axis_alias(op, dim, axis, -1)
    if y.ndim == 0:
        raise IndexError(f"{op}: dim {dim} is out of range for a 0-d tensor (shape ())")
    ax = _t._one_axis(dim, y.shape, op)
    if x is not None and dx is not None:
        raise TypeError(f"{op}: give the sample points x or the spacing dx, not both")
    if y.dtype.kind not in "iuf":
        raise TypeError(f"{op}: y must be a real, non-bool tensor (as torch's), not {y.dtype}")
    n = y.shape[ax]
    if x is not None:
        x = _tensor(op, x, "x")
        if x.dtype.kind not in "iuf":
            raise TypeError(f"{op}: x must be a real tensor, not {x.dtype}")
        if x.ndim == 0 or (x.ndim == 1 and x.shape[0] != n) or (x.ndim > 1 and x.shape[ax - y.ndim] != n):
            raise ValueError(f"{op}: x of shape {x.shape} needs one value for each of the {n} samples of y "
                             f"(shape {y.shape}) along dim {ax}")
    spacing = 1 if dx is None else check_number(dx, "dx", op)
    if n == 0 and not cumulative:  # no sample: 0, outside the graph, as torch's
        return y.detach()._slice(ax, 0, 0).sum(ax) * 1.0
    # (with one sample or none the intervals are empty: a sum of 0, or an empty running sum)
    mean_heights = (y._slice(ax, min(1, n), n) + y._slice(ax, 0, max(n - 1, 0))) / 2
    if x is None:
        areas = mean_heights * spacing
    else:
        widths = x.diff(dim=-1 if x.ndim == 1 else ax - y.ndim)
        if x.ndim == 1:  # along dim, broadcast over the other axes
            widths = widths.reshape(tuple(max(n - 1, 0) if i == ax else 1 for i in range(y.ndim)))
        areas = mean_heights * widths
    return areas.cumsum(ax) if cumulative else areas.sum(ax)
