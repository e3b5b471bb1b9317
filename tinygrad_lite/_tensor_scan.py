"""Tensor's cumulative and sorting methods as torch's: cumsum, cumprod (and in place), cummax, cummin,
logcumsumexp, diff, sort, argsort, msort, topk, kthvalue, median, nanmedian, mode, quantile, nanquantile,
unique, unique_consecutive, and the counts bincount, histc and histogram.

Values that a sort or a selection picks are differentiable: the gradient goes back to the positions
they were picked from (ops/scan.py). Indices are int64 and never differentiable. A 0-d tensor answers
to dim 0 and -1 as a one-element tensor does, as in torch.
`TensorScan` is a base class of Tensor; it holds no state of its own (`__slots__ = ()`).
"""
from fractions import Fraction

import numpy as np

from . import _tensor as _t, dtypes, return_types
from ._validate import _UNSET, _axis_alias, check_alloc, check_bool, check_choice, check_index, check_number
from .ops import scan as sc


def _required_dim(op, dim, axis):
    """The axis of an op that has no default one (cumsum, cumprod, ...), in either spelling."""
    dim = _axis_alias(op, dim, axis, _UNSET)
    if dim is _UNSET:
        raise TypeError(f"{op}: missing the required argument dim")
    return dim


def _flag(value, name, op, allow_none=False):
    """A bool argument (None too where torch's is optional)."""
    return False if allow_none and value is None else check_bool(value, name, op)


def _along(x, dim, op):
    """(x with at least one axis, the non-negative axis): a 0-d tensor becomes a one-element 1-d one."""
    axis = _t._one_axis(dim, x.shape, op)
    return (x.reshape(1) if x.ndim == 0 else x), axis


def _like_input(out, x):
    """A result computed on the 1-d stand-in of a 0-d input, back to 0-d."""
    return out.reshape(()) if x.ndim == 0 and out.ndim == 1 else out


def _wrap(array, x):
    return _t.Tensor._wrap(array, x._backend)


def _prefix(array, axis, count):
    """array[..., :count, ...] along axis."""
    return array[(slice(None),) * axis + (slice(0, count),)]


def _quantile_q(op, q, x):
    """(q as a 1-d array of x's dtype on x's device, whether q was one number or a 0-d tensor)."""
    if isinstance(q, _t.Tensor):
        if q.ndim > 1:
            raise ValueError(f"{op}: q must be a number or a 0-d or 1-d tensor, got shape {q.shape}")
        if q.dtype != x.dtype:
            raise TypeError(f"{op}: q must have the input's dtype {x.dtype}, got {q.dtype}")
        _t.autograd.check_same_device([x, q], op)
        values, one = q.array.reshape(-1), q.ndim == 0
    elif isinstance(q, (int, float, np.integer, np.floating)) and not isinstance(q, (bool, np.bool_)):
        values, one = x._backend.xp.asarray([q], dtype=x.dtype), True
    else:
        raise TypeError(f"{op}: q must be a number or a Tensor, not {type(q).__name__}")
    if bool(((values < 0) | (values > 1) | (values != values)).any()):
        raise ValueError(f"{op}: q must be in the range [0, 1], got {q!r}")
    return values, one


def _histogram_range(op, given, x):
    """[low, high] of torch.histogram: `given`, or the data's range (0.5 wider each way if a point)."""
    if given is None:
        if x.size == 0:
            return 0.0, 1.0
        low, high = float(x.min()), float(x.max())
    else:
        if not isinstance(given, (tuple, list)) or len(given) != 2:
            raise TypeError(f"{op}: range must be a pair (min, max) of numbers, not {given!r}")
        low, high = (check_number(v, "range", op, finite=False) for v in given)
    if not (np.isfinite(low) and np.isfinite(high)):
        raise ValueError(f"{op}: the range [{low}, {high}] is not finite")
    if low > high:
        raise ValueError(f"{op}: min should not exceed max, got [{low}, {high}]")
    return (low - 0.5, high + 0.5) if low == high else (low, high)


def _linspace(xp, low, high, steps, kind):
    """torch.linspace's points in `kind`, bit for bit (values on a bin edge must land in torch's bin):
    start + step i for the first half, end - step (steps - 1 - i) for the rest, each a fused
    multiply-add rounded once (as torch's compiled kernel computes it), here in exact fractions."""
    start, end = kind(low), kind(high)
    step = kind((end - start) / kind(steps - 1))
    exact_step, half = Fraction(float(step)), steps // 2
    points = [_round_to(Fraction(float(start)) + exact_step * i if i < half else
                        Fraction(float(end)) - exact_step * (steps - 1 - i), kind) for i in range(steps)]
    return xp.asarray(np.array(points, dtype=kind))


def _round_to(value, kind):
    """The Fraction `value` rounded once to the nearest `kind` (ties to even), without a double rounding."""
    nearest = kind(float(value))
    if kind is np.float64:
        return nearest
    below, above = np.nextafter(nearest, kind(-np.inf)), np.nextafter(nearest, kind(np.inf))
    return min((nearest, below, above), key=lambda c: (abs(Fraction(float(c)) - value), int(c.view(np.int32)) & 1))


def _nonempty(x, axis, op):
    if x.shape[axis] == 0:
        raise ValueError(f"{op}: reduces over the empty dim {axis} of shape {x.shape}")


class TensorScan:
    """See the module docstring."""

    __slots__ = ()

    # ---- cumulative ops ----------------------------------------------------------------
    def _scan(self, function, op, dim, axis, dtype=None):
        dim = _required_dim(op, dim, axis)
        x = self if dtype is None else self.astype(dtypes.check(dtype, op))
        if dtype is None and x.dtype.kind in "biu":  # as torch: integer and bool scans are int64
            x = x.astype(np.int64)
        x1, ax = _along(x, dim, op)
        return _like_input(function.apply(x1, axis=ax), x)

    def cumsum(self, dim=_UNSET, *, dtype=None, axis=_UNSET):
        """out_i = x_0 + ... + x_i along `dim`; d out_j / d x_k = 1 for k <= j, so dx_k = sum_{j >= k} g_j.

        Integer and bool inputs give int64 (unless `dtype` is given: the input is cast to it first)."""
        return self._scan(sc.CumSum, "cumsum", dim, axis, dtype)

    def cumprod(self, dim=_UNSET, *, dtype=None, axis=_UNSET):
        """out_i = x_0 x_1 ... x_i along `dim`; dx_k = sum_{j >= k} g_j prod_{i <= j, i != k} x_i, exact
        with zeros in x (no division by them). Integer and bool inputs give int64, as torch."""
        return self._scan(sc.CumProd, "cumprod", dim, axis, dtype)

    def _scan_(self, op, dim, axis, dtype):
        """self <- self.<op without _>(dim, dtype=dtype), in place (the tensor keeps its dtype)."""
        dim = _required_dim(op, dim, axis)
        _t._one_axis(dim, self.shape, op)  # a bad dim is refused before anything is written
        method = getattr(type(self), op[:-1])
        return self._update(op, lambda old: method(old, dim, dtype=dtype))

    def cumsum_(self, dim=_UNSET, *, dtype=None, axis=_UNSET):
        """self <- cumsum(self, dim), in place: out_i = x_0 + ... + x_i along `dim`; gradients as cumsum's."""
        return self._scan_("cumsum_", dim, axis, dtype)

    def cumprod_(self, dim=_UNSET, *, dtype=None, axis=_UNSET):
        """self <- cumprod(self, dim), in place: out_i = x_0 ... x_i along `dim`; gradients as cumprod's."""
        return self._scan_("cumprod_", dim, axis, dtype)

    def logcumsumexp(self, dim=_UNSET, *, axis=_UNSET):
        """out_i = log(exp(x_0) + ... + exp(x_i)) along `dim`, one stable logaddexp at a time;
        dx_k = sum_{j >= k} g_j exp(x_k - out_j). Floating-point input only, as torch's."""
        return self._float("logcumsumexp")._scan(sc.LogCumSumExp, "logcumsumexp", dim, axis)

    def _cumulative_extreme(self, op, dim, axis):
        dim = _required_dim(op, dim, axis)
        x, ax = _along(self, dim, op)
        _, indices = sc.cumulative_extreme_positions(x._backend.xp, x.array, ax, smallest=op == "cummin")
        values = sc.TakeAlong.apply(x, indices, axis=ax)
        result = return_types.cummin if op == "cummin" else return_types.cummax
        return result(_like_input(values, self), _like_input(_wrap(indices, x), self))

    def cummax(self, dim=_UNSET, *, axis=_UNSET):
        """(values, indices): values_i = max(x_0, ..., x_i) along `dim` (NaN from the first NaN on),
        indices_i the last position j <= i with x_j = values_i, as torch's. The gradient of values_i
        goes to x at indices_i."""
        return self._cumulative_extreme("cummax", dim, axis)

    def cummin(self, dim=_UNSET, *, axis=_UNSET):
        """(values, indices): values_i = min(x_0, ..., x_i) along `dim` (NaN from the first NaN on),
        indices_i the last position holding it; gradients as cummax's."""
        return self._cumulative_extreme("cummin", dim, axis)

    def diff(self, n=1, dim=_UNSET, prepend=None, append=None, *, axis=_UNSET):
        """The n-th forward difference along `dim`: out_i = x_{i+1} - x_i, applied n times, after
        `prepend` and `append` are joined to x along dim. Bool input gives x_{i+1} != x_i, as torch.
        Each step removes one element along dim (none left once n passes the length)."""
        dim = _axis_alias("diff", dim, axis, -1)
        n = check_index(n, "n", "diff")
        if n < 0:
            raise ValueError(f"diff: n (the order) must be non-negative, got {n}")
        if self.ndim == 0:
            raise ValueError("diff: expects input to be at least one-dimensional, got a 0-d tensor")
        ax = _t._one_axis(dim, self.shape, "diff")
        if n == 0:  # as torch: the input alone (a copy), prepend and append are not joined
            return self.clone()
        parts = []
        for name, extra in (("prepend", prepend), ("input", self), ("append", append)):
            if extra is None:
                continue
            if not isinstance(extra, _t.Tensor):
                raise TypeError(f"diff: {name} must be a Tensor or None, not {type(extra).__name__}")
            if extra.ndim != self.ndim or any(a != b for i, (a, b) in enumerate(zip(extra.shape, self.shape))
                                              if i != ax):
                raise ValueError(f"diff: {name} of shape {extra.shape} must match the input's shape {self.shape} "
                                 f"except along dim {ax}")
            parts.append(extra)
        x = parts[0] if len(parts) == 1 else _t.Tensor.cat(parts, ax)
        for _ in range(n):
            length = x.shape[ax]
            if length == 0:
                break
            later, earlier = x._slice(ax, 1, length), x._slice(ax, 0, length - 1)
            x = (later != earlier) if x.dtype == np.bool_ else later - earlier
        return x

    # ---- sorting -------------------------------------------------------------------------
    def _sorted(self, op, dim, axis, descending):
        """(x as 1-d if 0-d, axis, the positions that sort it along axis)."""
        x, ax = _along(self, _axis_alias(op, dim, axis, -1), op)
        if x.dtype == np.bool_ and op in ("topk", "kthvalue", "median", "nanmedian"):
            raise TypeError(f"{op}: not supported for bool tensors (as in torch); convert first, e.g. x.astype(tg.int64)")
        if x.dtype == np.bool_ or x.dtype.kind in "iuf":
            return x, ax, sc.sort_positions(x._backend.xp, x.array, ax, descending)
        raise TypeError(f"{op}: cannot sort a tensor of dtype {x.dtype}")

    def sort(self, dim=_UNSET, descending=False, stable=False, *, axis=_UNSET):
        """(values, indices) with values = x sorted along `dim` (ascending, or `descending`) and
        values[..., i, ...] = x[..., indices[..., i, ...], ...].

        As torch: NaN sorts after every number (before, descending); the sort is always stable
        (equal values keep their order; -0.0 equals 0.0), whatever `stable` says. The gradient of
        each value goes back to the position it came from."""
        descending = _flag(descending, "descending", "sort")
        _flag(stable, "stable", "sort", allow_none=True)
        x, ax, positions = self._sorted("sort", dim, axis, descending)
        values = sc.TakeAlong.apply(x, positions, axis=ax)
        return return_types.sort(_like_input(values, self), _like_input(_wrap(positions, x), self))

    def argsort(self, dim=_UNSET, descending=False, stable=False, *, axis=_UNSET):
        """The indices of sort(dim, descending): x[..., indices[..., i, ...], ...] is the i-th smallest
        (largest) along `dim`; stable, NaN last (first, descending), as torch."""
        descending = _flag(descending, "descending", "argsort")
        _flag(stable, "stable", "argsort", allow_none=True)
        x, _, positions = self._sorted("argsort", dim, axis, descending)
        return _like_input(_wrap(positions, x), self)

    def msort(self):
        """x sorted along its first dim, ascending: sort(dim=0).values."""
        return self.sort(0).values

    def topk(self, k, dim=_UNSET, largest=True, sorted=True, *, axis=_UNSET):  # noqa: A002 - torch's name
        """(values, indices) of the k largest (smallest when not `largest`) elements along `dim`,
        largest first (smallest first), NaN counting as the largest, as torch. Returned sorted
        whatever `sorted` says. The gradient of each value goes back to its position."""
        largest = _flag(largest, "largest", "topk")
        _flag(sorted, "sorted", "topk")
        k = check_index(k, "k", "topk")
        x, ax, positions = self._sorted("topk", dim, axis, descending=largest)
        if not 0 <= k <= x.shape[ax]:
            raise ValueError(f"topk: k = {k} is out of range for dim {ax} of size {x.shape[ax]} (shape {self.shape})")
        positions = _prefix(positions, ax, max(k, 1) if self.ndim == 0 else k)  # a 0-d input gives itself, as torch
        values = sc.TakeAlong.apply(x, positions, axis=ax)
        return return_types.topk(_like_input(values, self), _like_input(_wrap(positions, x), self))

    def _pick_sorted(self, op, result, dim, axis, keepdim, rank):
        """(values, indices) of the element at the sorted position `rank(sorted values, axis)` gives along
        dim (an int64 array of x's shape with dim of size 1), as the named tuple `result`."""
        keepdim = check_bool(keepdim, "keepdim", op)
        x, ax, positions = self._sorted(op, dim, axis, descending=False)
        _nonempty(x, ax, op)
        xp = x._backend.xp
        chosen = xp.take_along_axis(positions, rank(xp.take_along_axis(x.array, positions, axis=ax), ax), axis=ax)
        values = sc.TakeAlong.apply(x, chosen, axis=ax)
        indices = _wrap(chosen, x)
        if not keepdim or self.ndim == 0:
            values, indices = values.squeeze(ax), indices.squeeze(ax)
        return result(values, indices)

    def kthvalue(self, k, dim=_UNSET, keepdim=False, *, axis=_UNSET):
        """(values, indices) of the k-th smallest element (k counts from 1) along `dim`, NaN counting as
        the largest; the gradient goes to the chosen position."""
        k = check_index(k, "k", "kthvalue")
        dim = _axis_alias("kthvalue", dim, axis, -1)
        x, ax = _along(self, dim, "kthvalue")
        n = x.shape[ax]
        if not 1 <= k <= max(n, 1):
            raise ValueError(f"kthvalue: k = {k} is out of range for a dim of size {n} (shape {self.shape})")

        def rank(sorted_values, ax):
            shape = tuple(1 if i == ax else s for i, s in enumerate(sorted_values.shape))
            return self._backend.xp.full(shape, k - 1, np.int64)
        return self._pick_sorted("kthvalue", return_types.kthvalue, dim, _UNSET, keepdim, rank)

    def median(self, dim=_UNSET, keepdim=False, *, axis=_UNSET):
        """The lower median: the element at sorted position (n - 1) // 2 (no average of two), NaN if
        the slice holds a NaN, as torch.

        median(): over every element, a 0-d tensor (NaN for an empty tensor); its gradient is split
        evenly between the elements equal to it, as torch's. median(dim, keepdim=False): the named
        tuple (values, indices) along `dim`; the gradient goes to the chosen position (the first
        NaN where a slice holds one)."""
        return self._median("median", dim, axis, keepdim, ignore_nan=False)

    def nanmedian(self, dim=_UNSET, keepdim=False, *, axis=_UNSET):
        """The lower median of the elements that are not NaN (NaN only when all are), else as median:
        nanmedian() a 0-d tensor, nanmedian(dim, keepdim=False) the named tuple (values, indices)."""
        return self._median("nanmedian", dim, axis, keepdim, ignore_nan=True)

    def _median(self, op, dim, axis, keepdim, ignore_nan):
        dim = _axis_alias(op, dim, axis, None)
        keepdim = check_bool(keepdim, "keepdim", op)
        if dim is None:
            return self._median_of_all(op, ignore_nan)
        result = return_types.nanmedian if ignore_nan else return_types.median

        def rank(sorted_values, ax):
            xp = self._backend.xp
            n = sorted_values.shape[ax]
            numbers = (~xp.isnan(sorted_values)).sum(axis=ax, keepdims=True) if sorted_values.dtype.kind == "f" \
                else xp.full(tuple(1 if i == ax else s for i, s in enumerate(sorted_values.shape)), n, np.int64)
            if ignore_nan:  # the lower median of the numbers; the first NaN when there are none
                return xp.maximum(numbers - 1, 0) // 2
            return xp.where(numbers == n, (n - 1) // 2, numbers)  # with a NaN: the first NaN, sorted last
        return self._pick_sorted(op, result, dim, _UNSET, keepdim, rank)

    def _median_of_all(self, op, ignore_nan):
        xp, flat = self._backend.xp, self.array.reshape(-1)
        if self.dtype.kind not in "iuf":
            raise TypeError(f"{op}: cannot take the median of a tensor of dtype {self.dtype}")
        numbers = flat[~xp.isnan(flat)] if flat.dtype.kind == "f" else flat
        if flat.size == 0 or (numbers.size < flat.size and not ignore_nan) or numbers.size == 0:
            if self.dtype.kind != "f":
                raise ValueError(f"{op}: an empty tensor has no median")
            value = xp.asarray(np.nan, self.dtype)
        else:
            value = xp.sort(numbers)[(numbers.size - 1) // 2]
        return sc.SplitAmongEqual.apply(self, xp.asarray(value))

    def mode(self, dim=_UNSET, keepdim=False, *, axis=_UNSET):
        """(values, indices): the most frequent value along `dim` (the smallest of those equally
        frequent; each NaN counts alone) and the last position holding it, as torch's; the gradient
        goes to that position."""
        def rank(sorted_values, ax):
            # In sorted order equal values form runs; run_pos counts 1, 2, ... inside each run.
            xp = self._backend.xp
            n = sorted_values.shape[ax]
            pos = sc.positions_along(xp, n, ax, sorted_values.ndim)
            later, earlier = sorted_values[(slice(None),) * ax + (slice(1, None),)], _prefix(sorted_values, ax, n - 1)
            new_run = xp.concatenate([xp.ones_like(_prefix(sorted_values, ax, 1), dtype=bool), later != earlier],
                                     axis=ax)
            run_pos = pos - sc.running(xp, xp.maximum, xp.where(new_run, pos, 0), ax) + 1
            longest = run_pos.max(axis=ax, keepdims=True)
            # the first position reaching the longest length ends the first (smallest) longest run;
            # its original position is the run's last, the sort being stable
            return xp.argmax(run_pos == longest, axis=ax, keepdims=True)
        return self._pick_sorted("mode", return_types.mode, dim, axis, keepdim, rank)

    # ---- quantiles -------------------------------------------------------------------------
    def quantile(self, q, dim=_UNSET, keepdim=False, *, interpolation="linear", axis=_UNSET):
        """The q-quantiles along `dim` (of every element when dim is None), as torch's: sort the slice
        (NaN last), take the rank r = q (n - 1), and interpolate between the sorted values at floor(r)
        and ceil(r): "linear" v_lo + (r - floor r)(v_hi - v_lo), "midpoint" (v_lo + v_hi) / 2,
        "lower" v_lo, "higher" v_hi, "nearest" the value at r rounded (half to even). A slice holding
        NaN gives NaN. q is a number or a 0-d or 1-d tensor in [0, 1] (of the input's dtype); a 1-d q
        puts its axis first in the result. float32 and float64 only; the gradient goes, through the
        sort, to the one or two elements each quantile is made of."""
        return self._quantile("quantile", q, dim, axis, keepdim, interpolation, ignore_nan=False)

    def nanquantile(self, q, dim=_UNSET, keepdim=False, *, interpolation="linear", axis=_UNSET):
        """quantile of the elements that are not NaN: the rank is q (m - 1) with m the numbers in the
        slice (NaN only where there are none); otherwise as quantile."""
        return self._quantile("nanquantile", q, dim, axis, keepdim, interpolation, ignore_nan=True)

    def _quantile(self, op, q, dim, axis, keepdim, interpolation, ignore_nan):
        dim = _axis_alias(op, dim, axis, None)
        keepdim = check_bool(keepdim, "keepdim", op)
        interpolation = check_choice(interpolation, "interpolation", op,
                                     ("linear", "lower", "higher", "midpoint", "nearest"))
        if self.dtype not in (np.float32, np.float64):
            raise TypeError(f"{op}: input tensor must be float32 or float64 (as torch's), not {self.dtype}")
        qs, one_q = _quantile_q(op, q, self)
        if self.numel() == 0:
            raise ValueError(f"{op}: input tensor must be non-empty, got shape {self.shape}")
        xp = self._backend.xp
        if dim is None:
            x, ax = self.reshape(-1), 0
        else:
            x, ax = _along(self, dim, op)
            x = x.permute(*[i for i in range(x.ndim) if i != ax], ax)  # the reduced axis last
        ordered = x.sort(-1).values  # NaN last
        n = ordered.shape[-1]
        nan = xp.isnan(ordered.array)
        if ignore_nan:  # the rank among the numbers; 0 (a NaN) when there are none
            ranks = qs * ((~nan).sum(axis=-1, keepdims=True) - 1).astype(self.dtype)
            ranks = xp.where(ranks < 0, xp.zeros((), self.dtype), ranks)
        else:  # a slice holding NaN: the last rank, a NaN
            ranks = xp.where(nan.any(axis=-1, keepdims=True), self.dtype.type(n - 1), qs * self.dtype.type(n - 1))
        ranks = {"lower": xp.floor, "higher": xp.ceil, "nearest": xp.rint}.get(interpolation, lambda r: r)(ranks)
        below = xp.floor(ranks).astype(np.int64)
        out = sc.TakeAlong.apply(ordered, below, axis=-1)
        if interpolation in ("linear", "midpoint"):
            above = sc.TakeAlong.apply(ordered, xp.ceil(ranks).astype(np.int64), axis=-1)
            weights = xp.full(ranks.shape, 0.5, self.dtype) if interpolation == "midpoint" else ranks - below
            out = out + _wrap(weights.astype(self.dtype), self) * (above - out)
        out = out.permute(out.ndim - 1, *range(out.ndim - 1))  # q's axis first
        if keepdim:
            kept = (1,) * self.ndim if dim is None else tuple(1 if i == ax else s for i, s in enumerate(self.shape))
            out = out.reshape((out.shape[0],) + kept)
        return out.reshape(out.shape[1:]) if one_q else out

    # ---- counting --------------------------------------------------------------------------
    def bincount(self, weights=None, minlength=0):
        """out[v] = the number of times v occurs in the 1-d tensor of non-negative integers (the sum of
        `weights` at those positions, when given), for v = 0 .. max(max(x) + 1, minlength) - 1.
        int64 counts; float32 weights give float32 sums, other weights float64, as torch. Not
        differentiable (as torch's)."""
        op = "bincount"
        minlength = check_index(minlength, "minlength", op)
        if minlength < 0:
            raise ValueError(f"{op}: minlength must be >= 0, got {minlength}")
        check_alloc((minlength,), np.float64, op)
        if self.ndim != 1 or self.dtype.kind not in "iu":
            raise (TypeError if self.ndim == 1 else ValueError)(
                f"{op}: supports only 1-d tensors of non-negative integers, got {self.dtype} of shape {self.shape}")
        xp, values = self._backend.xp, self.array
        if values.size == 0:  # as torch: int64 zeros, with weights or without
            return _wrap(xp.zeros(minlength, np.int64), self)
        if int(values.min()) < 0:
            raise ValueError(f"{op}: supports only non-negative integers, got {int(values.min())}")
        if weights is None:
            return _wrap(xp.bincount(values, minlength=minlength).astype(np.int64), self)
        if not isinstance(weights, _t.Tensor):
            raise TypeError(f"{op}: weights must be a Tensor or None, not {type(weights).__name__}")
        if weights.shape != self.shape:
            raise ValueError(f"{op}: weights must be 1-d and as long as the input {self.shape}, got {weights.shape}")
        _t.autograd.check_same_device([self, weights], op)
        dtype = np.float32 if weights.dtype == np.float32 else np.float64
        return _wrap(xp.bincount(values, weights=weights.array.astype(np.float64), minlength=minlength).astype(dtype),
                     self)

    def histc(self, bins=100, min=0, max=0):  # noqa: A002 - torch's names
        """The histogram of x in `bins` equal bins over [min, max] (the range of x's values when
        min = max = 0; widened by 1 each way if those are equal too): bin k counts the elements with
        min + k w <= x < min + (k + 1) w, w = (max - min) / bins, the last bin including max; elements
        outside [min, max] and NaN are not counted. Counts in x's dtype (float only); not differentiable."""
        op = "histc"
        bins = check_index(bins, "bins", op)
        if bins <= 0:
            raise ValueError(f"{op}: bins must be > 0, got {bins}")
        check_alloc((bins,), np.int64, op)
        low, high = (check_number(v, name, op, finite=False) for v, name in ((min, "min"), (max, "max")))
        if self.dtype.kind != "f":
            raise TypeError(f"{op}: needs a floating-point tensor, not {self.dtype}")
        xp, x = self._backend.xp, self.array.reshape(-1)
        if low == high and x.size:  # the range of the data
            low, high = float(x.min()), float(x.max())
        if low == high:
            low, high = low - 1, high + 1
        if not (np.isfinite(low) and np.isfinite(high)):
            raise ValueError(f"{op}: the range [{low}, {high}] is not finite")
        if low > high:
            raise ValueError(f"{op}: max must be larger than min, got [{low}, {high}]")
        kind = self.dtype.type  # torch bins in the input's dtype, float16 too (each step rounded)
        lo, hi = kind(low), kind(high)
        with np.errstate(invalid="ignore"):
            inside = (x >= lo) & (x <= hi)
            # torch's bin: (x - min) * bins / (max - min), truncated; max itself falls in the last bin
            k = ((x[inside].astype(kind) - lo) * kind(bins) / (hi - lo)).astype(np.int64)
        counts = xp.bincount(xp.minimum(k, bins - 1), minlength=bins)
        return _wrap(counts.astype(self.dtype), self)

    def histogram(self, bins, *, range=None, weight=None, density=False):  # noqa: A002 - torch's names
        """(hist, bin_edges), as torch.histogram: `bins` equal bins over `range` (the data's [min, max]
        when None, widened by 0.5 each way if they are equal; [0, 1] for an empty tensor), or the
        edges given as a 1-d tensor. hist[k] counts (or sums `weight` over) the elements with
        edges[k] <= x < edges[k + 1], the last bin including its right edge; NaN and elements outside
        are not counted. With `density`, hist / (sum(hist) * bin width). float32/float64 only; not
        differentiable."""
        op = "histogram"
        density = check_bool(density, "density", op)
        if self.dtype not in (np.float32, np.float64):
            raise TypeError(f"{op}: input must be float32 or float64 (as torch's), not {self.dtype}")
        xp, x, kind = self._backend.xp, self.array.reshape(-1), self.dtype.type
        if isinstance(bins, _t.Tensor):
            if range is not None:
                raise TypeError(f"{op}: range goes with a number of bins, not with the edges (as torch)")
            if bins.dtype != self.dtype:
                raise TypeError(f"{op}: the edges must have the input's dtype {self.dtype}, got {bins.dtype}")
            if bins.ndim != 1 or bins.shape[0] < 2:
                raise ValueError(f"{op}: the edges must be a 1-d tensor of at least 2 values, got shape {bins.shape}")
            _t.autograd.check_same_device([self, bins], op)
            edges = bins.array
        else:
            count = check_index(bins, "bins", op)
            if count <= 0:
                raise ValueError(f"{op}: bins must be > 0, got {count}")
            check_alloc((count + 1,), np.float64, op)
            edges = _linspace(xp, *_histogram_range(op, range, x), count + 1, kind)
        if weight is not None:
            if not isinstance(weight, _t.Tensor) or weight.shape != self.shape or weight.dtype != self.dtype:
                raise ValueError(f"{op}: weight must be a tensor of the input's shape {self.shape} and dtype "
                                 f"{self.dtype}")
            _t.autograd.check_same_device([self, weight], op)
        n = edges.shape[0] - 1
        with np.errstate(invalid="ignore"):
            inside = (x >= edges[0]) & (x <= edges[-1])
        position = xp.minimum(xp.searchsorted(edges, x[inside], side="right") - 1, n - 1)
        weights = None if weight is None else weight.array.reshape(-1)[inside].astype(np.float64)
        hist = xp.bincount(position, weights=weights, minlength=n).astype(self.dtype)
        if density:
            with np.errstate(divide="ignore", invalid="ignore"):
                hist = (hist / (hist.sum() * xp.diff(edges))).astype(self.dtype)
        return return_types.histogram(_wrap(hist, self), _wrap(xp.array(edges, copy=True), self))

    # ---- unique ----------------------------------------------------------------------------
    def unique(self, sorted=True, return_inverse=False, return_counts=False, dim=_UNSET, *,  # noqa: A002
               axis=_UNSET):
        """The distinct elements (or, with `dim`, the distinct slices along dim), in ascending order.

        With return_inverse, also the int64 tensor of where each element (slice) of x went:
        x = out[inverse]; with return_counts, how many times each occurs. NaNs are all distinct, as in
        torch. Sorted whatever `sorted` says. Not differentiable (as torch's)."""
        return self._unique("unique", sorted, return_inverse, return_counts, dim, axis, consecutive=False)

    def unique_consecutive(self, return_inverse=False, return_counts=False, dim=_UNSET, *, axis=_UNSET):
        """x with each run of equal consecutive elements (slices along `dim`) kept once, in order; with
        return_inverse the run each element belongs to, with return_counts each run's length."""
        return self._unique("unique_consecutive", True, return_inverse, return_counts, dim, axis, consecutive=True)

    def _unique(self, op, sorted, return_inverse, return_counts, dim, axis, consecutive):  # noqa: A002
        _flag(sorted, "sorted", op)
        return_inverse = check_bool(return_inverse, "return_inverse", op)
        return_counts = check_bool(return_counts, "return_counts", op)
        dim = _axis_alias(op, dim, axis, None)
        xp = self._backend.xp
        if dim is None:
            ax, rows = None, self.array.reshape(-1, 1)
        else:
            if self.ndim == 0:
                raise IndexError(f"{op}: dim {dim} is out of range for a 0-d tensor (shape ())")
            ax = _t._one_axis(dim, self.shape, op)
            others = [s for i, s in enumerate(self.shape) if i != ax]
            if 0 in others:
                raise ValueError(f"{op}: the shape {self.shape} has 0-sized dims other than dim {ax}; the slices "
                                 "along dim are empty, so there is nothing to compare them by (as torch refuses)")
            rows = xp.moveaxis(self.array, ax, 0).reshape(self.shape[ax], int(np.prod(others)))
        n = rows.shape[0]
        if consecutive or rows.shape[1] == 0:
            order = xp.arange(n)
        else:  # a stable lexicographic sort of the rows: by the last column first, the first column last
            order = xp.arange(n)
            for column in range(rows.shape[1] - 1, -1, -1):
                order = order[xp.argsort(rows[order, column], kind="stable")]
        ordered = rows[order]
        new = xp.ones(n, bool)
        if n > 1:
            new[1:] = (ordered[1:] != ordered[:-1]).any(axis=1)
        starts = xp.nonzero(new)[0]
        kept = ordered[starts]
        out = kept.reshape(-1) if ax is None else xp.moveaxis(
            kept.reshape((len(starts),) + tuple(s for i, s in enumerate(self.shape) if i != ax)), 0, ax)
        results = [_wrap(xp.ascontiguousarray(out), self)]
        if return_inverse:
            inverse = xp.empty(n, np.int64)
            inverse[order] = xp.cumsum(new) - 1
            results.append(_wrap(inverse.reshape(self.shape) if ax is None else inverse, self))
        if return_counts:
            results.append(_wrap(xp.diff(xp.append(starts, n)).astype(np.int64), self))
        return results[0] if len(results) == 1 else tuple(results)
