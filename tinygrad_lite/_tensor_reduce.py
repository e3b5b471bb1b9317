"""Tensor's reductions as torch's: sum, mean, max/min (values and indices), amax, amin, var, logsumexp,
argmax, argmin, and std, prod, norm, aminmax, any, all, count_nonzero, nansum, nanmean, cov, corrcoef, dist.

`TensorReduce` is a base class of Tensor; it holds no state of its own (`__slots__ = ()`).
std shares var's op (ops/reduce.py Var), prod and the norms have their own (ops/reduce_more.py);
aminmax, nansum and nanmean are written with the ops Tensor already has (amin, amax, where,
sum), so their gradients are those ops'. float16 input is computed in float32 and rounded once.
"""
import numpy as np

from . import _tensor as _t, dtypes, return_types
from ._validate import _UNSET, _axis_alias, check_bool, check_number
from .ops import reduce as rd, reduce_more as rm


def _correction(op, unbiased, correction):
    """var's and std's divisor offset: `unbiased` (True: 1, False: 0) or `correction`, never both (default 1)."""
    if unbiased is not None and correction is not None:
        raise TypeError(f"{op}: got both unbiased and correction; give one")
    if unbiased is not None and not isinstance(unbiased, (bool, np.bool_)):
        raise TypeError(f"{op}: unbiased must be a bool, got {unbiased!r}")
    if correction is None:
        return 1 if unbiased is None or unbiased else 0
    return check_number(correction, "correction", op)


def _float_input(x, op):
    """x, refused unless floating point (TypeError naming `op`), and float16 widened to float32."""
    if x.dtype.kind != "f":
        raise TypeError(f"{op}: needs a floating-point tensor, not {x.dtype} (as torch); "
                        "convert it first, e.g. x.astype(tg.float32)")
    return x.astype(dtypes.float32) if x.dtype == dtypes.float16 else x


def _rounded(out, dtype):
    return out if out.dtype == dtype else out.astype(dtype)


def _deviation(x, op, dim, unbiased, keepdim, correction, function=rd.Var):
    """(variance or std (`function`), the float input it was computed from) over `dim`, float16 in float32."""
    correction = _correction(op, unbiased, correction)
    wide = _float_input(x, op)
    return wide._reduce(function, op, dim, keepdim, correction=correction), wide


def _axes_of(x, dim, op):
    """`dim` (None, an int, a tuple; () means every axis) as a sorted tuple, or None for every axis."""
    axes = _t._axes(_t._reduce_axes(dim), x.shape, op)
    return None if x.ndim == 0 else axes


class TensorReduce:
    """See the module docstring."""

    __slots__ = ()

    # ---- reductions -----------------------------------------------------------------
    def _reduce(self, function, op, axis, keepdim, **kwargs):
        keepdim = check_bool(keepdim, "keepdim", op)
        axes = _t._axes(_t._reduce_axes(axis), self.shape, op)
        if axes is not None and self.ndim == 0:
            axes = None
        return function.apply(self, axes=axes, keepdim=keepdim, **kwargs)

    def sum(self, dim=_UNSET, keepdim=False, *, dtype=None, axis=_UNSET):
        """Sum over `dim` (all axes when None) of the input, cast to `dtype` first if given.

        Integer and bool sums are int64, as torch's."""
        x = self if dtype is None else self.astype(dtypes.check(dtype, "sum"))
        x = x.astype(np.int64) if x.dtype == np.bool_ else x
        return x._reduce(rd.Sum, "sum", _axis_alias("sum", dim, axis, None), keepdim)

    def mean(self, dim=_UNSET, keepdim=False, *, dtype=None, axis=_UNSET):
        """Arithmetic mean over `dim` (all axes when None), of the input cast to `dtype` if given."""
        dim = _axis_alias("mean", dim, axis, None)
        x = self if dtype is None else self.astype(dtypes.check(dtype, "mean"))
        return x._float("mean")._reduce(rd.Mean, "mean", dim, keepdim)

    def max(self, dim=_UNSET, keepdim=False, *, axis=_UNSET, other=_UNSET):
        """As torch.max, three forms:

        x.max(): the largest element, a 0-d tensor; its gradient is split evenly between tied maxima.
        x.max(dim, keepdim=False): the named tuple (values, indices) of return_types.max, with
        values[j] = x[..., indices[j], ...] the largest along `dim` (one int) and indices int64:
        the first position on ties, the first NaN where a slice holds NaN. All of a value's
        gradient goes to the position its index names.
        x.max(other): the elementwise maximum(x, other) of two tensors.
        """
        return self._extreme("max", dim, keepdim, axis, other)

    def min(self, dim=_UNSET, keepdim=False, *, axis=_UNSET, other=_UNSET):
        """As torch.min: x.min() the smallest element; x.min(dim) the named tuple (values, indices)
        of return_types.min (first position on ties, NaN wins); x.min(other) the elementwise minimum.
        Gradients as max's."""
        return self._extreme("min", dim, keepdim, axis, other)

    def _extreme(self, op, dim, keepdim, axis, other):
        smallest = op == "min"
        if isinstance(dim, _t.Tensor) and other is _UNSET:  # torch reads x.max(tensor) as x.max(other=tensor)
            dim, other = _UNSET, dim
        if other is not _UNSET:
            if dim is not _UNSET or axis is not _UNSET or keepdim is not False:
                raise TypeError(f"{op}: {op}(other) is the elementwise {op}imum and takes no dim or keepdim")
            _t._require_tensor(other, op)
            return self.minimum(other) if smallest else self.maximum(other)
        dim = _axis_alias(op, dim, axis, None)
        if dim is None:
            self._nonempty_reduction(op, None)
            return self._reduce(rd.Max, op, None, keepdim, smallest=smallest)
        if isinstance(dim, (tuple, list)):
            raise TypeError(f"{op}: dim must be one int, got {dim!r} (a{op} reduces over several dims)")
        keepdim = check_bool(keepdim, "keepdim", op)
        axis = _t._one_axis(dim, self.shape, op)
        self._nonempty_reduction(op, axis)
        x = self.reshape(1) if self.ndim == 0 else self  # a 0-d tensor answers to dim 0 as a 1-element one
        keep = keepdim and self.ndim > 0
        indices = (np.argmin if smallest else np.argmax)(x.array, axis=axis, keepdims=True)
        values = rd.PickAlong.apply(x, indices, axis=axis, keepdim=keep)
        indices = _t.Tensor._wrap((indices if keep else indices.squeeze(axis)).astype(np.int64, copy=False),
                               self._backend)
        return (return_types.min if smallest else return_types.max)(values, indices)

    def amax(self, dim=_UNSET, keepdim=False, *, axis=_UNSET):
        """Largest values over `dim` (an int, a tuple of ints; all axes when None or ()), values only.

        The gradient is split evenly between the tied maxima of each slice, as torch.amax's."""
        dim = _axis_alias("amax", dim, axis, None)
        self._nonempty_reduction("amax", dim)
        return self._reduce(rd.Max, "amax", dim, keepdim)

    def amin(self, dim=_UNSET, keepdim=False, *, axis=_UNSET):
        """Smallest values over `dim` (an int, a tuple of ints; all axes when None or ()), values only;
        the gradient is split evenly between tied minima."""
        dim = _axis_alias("amin", dim, axis, None)
        self._nonempty_reduction("amin", dim)
        return self._reduce(rd.Max, "amin", dim, keepdim, smallest=True)

    def var(self, dim=_UNSET, unbiased=None, keepdim=False, *, correction=None, axis=_UNSET):
        """sum (x - mean)^2 / (N - correction) over `dim`: unbiased (correction 1) by default, as torch.var.

        As in torch, the second positional argument is `unbiased` (True: correction 1, False: 0)."""
        dim = _axis_alias("var", dim, axis, None)
        if unbiased is not None and correction is not None:
            raise TypeError("var: got both unbiased and correction; give one")
        if unbiased is not None and not isinstance(unbiased, (bool, np.bool_)):
            raise TypeError(f"var: unbiased must be a bool, got {unbiased!r}")
        correction = (1 if unbiased is None or unbiased else 0) if correction is None else \
            check_number(correction, "correction", "var")
        return self._float("var")._reduce(rd.Var, "var", dim, keepdim, correction=correction)

    def logsumexp(self, dim=_UNSET, keepdim=False, *, axis=_UNSET):
        """log sum exp(x) over `dim`, computed as max + log sum exp(x - max)."""
        dim = _axis_alias("logsumexp", dim, axis, None)
        return self._as_float()._reduce(rd.LogSumExp, "logsumexp", dim, keepdim)

    def argmax(self, dim=_UNSET, keepdim=False, *, axis=_UNSET):
        """Index of the largest value along `dim` (first on ties), as int64; flat index when dim is None."""
        return self._arg(np.argmax, "argmax", _axis_alias("argmax", dim, axis, None), keepdim)

    def argmin(self, dim=_UNSET, keepdim=False, *, axis=_UNSET):
        """Index of the smallest value along `dim` (first on ties), as int64; flat index when dim is None."""
        return self._arg(np.argmin, "argmin", _axis_alias("argmin", dim, axis, None), keepdim)

    def _arg(self, numpy_fn, op, dim, keepdim):
        keepdim = check_bool(keepdim, "keepdim", op)
        if self.dtype == np.bool_:
            raise TypeError(f"{op}: not supported for bool tensors (as in torch); convert first, e.g. "
                            "x.astype(tg.int64)")
        dim = None if dim is None else _t._one_axis(dim, self.shape, op)
        self._nonempty_reduction(op, dim)
        if self.ndim == 0:
            dim = None
        positions = numpy_fn(self.array, axis=dim, keepdims=keepdim)  # a numpy scalar when dim is None
        return _t.Tensor._wrap(self._backend.xp.asarray(positions, dtype=np.int64), self._backend)

    def _nonempty_reduction(self, op, axis):
        """max and min have no value over nothing: refuse a reduction over an empty axis."""
        axes = _t._axes(_t._reduce_axes(axis), self.shape, op)
        reduced = range(self.ndim) if axes is None else axes
        if any(self.shape[a] == 0 for a in reduced) or (self.ndim == 0 and self.array.size == 0):
            raise ValueError(f"{op}: reduces over an empty axis of shape {self.shape}")

    def std(self, dim=_UNSET, unbiased=None, keepdim=False, *, correction=None, axis=_UNSET):
        """sqrt(sum (x - mean)^2 / (N - correction)) over `dim` (every axis when None): the square root of var.

        correction is 1 by default; as in torch the second positional argument is `unbiased` (True: 1,
        False: 0). d std = d var / (2 std), and 0 where std = 0, as torch's."""
        dim = _axis_alias("std", dim, axis, None)
        return _rounded(_deviation(self, "std", dim, unbiased, keepdim, correction, rm.Std)[0], self.dtype)

    def prod(self, dim=_UNSET, keepdim=False, *, dtype=None, axis=_UNSET):
        """prod x over `dim` (one int; every axis when None), of the input cast to `dtype` if given.

        Integer and bool products are int64, as torch's. d/dx_i = prod_{j != i} x_j, exact where the
        slice holds zeros: one zero gets the product of the others, everything else 0 (see ops/reduce_more.Prod)."""
        dim = _axis_alias("prod", dim, axis, None)
        keepdim = check_bool(keepdim, "keepdim", "prod")
        if dim is not None:
            if isinstance(dim, (tuple, list)):
                raise TypeError(f"prod: dim must be one int (as torch), got {dim!r}")
            dim = _t._one_axis(dim, self.shape, "prod")
        x = self if dtype is None else self.astype(dtypes.check(dtype, "prod"))
        if x.dtype.kind in "biu":
            x = x.astype(np.int64)
        wide = x.astype(dtypes.float32) if x.dtype == dtypes.float16 else x
        axes = None if dim is None or self.ndim == 0 else (dim,)
        return _rounded(rm.Prod.apply(wide, axes=axes, keepdim=keepdim), x.dtype)

    def norm(self, p="fro", dim=_UNSET, keepdim=False, dtype=None, *, axis=_UNSET):
        """torch.norm: p = 'fro' (or None, or 2): sqrt(sum x^2) over `dim` (every axis when None);
        a number p: the vector p-norm (sum |x|^p)^(1/p) over `dim` (see tg.linalg.vector_norm for inf,
        -inf and 0); 'nuc': the nuclear norm (the sum of singular values) of the matrices over `dim`
        (two axes; both axes of a 2-D input when None)."""
        from . import linalg
        dim = _axis_alias("norm", dim, axis, None)
        return linalg._torch_norm(self, p, dim, keepdim, dtype)

    def aminmax(self, *, dim=_UNSET, keepdim=False, axis=_UNSET):
        """(min, max) over `dim` (one int; every axis when None), the named tuple return_types.aminmax.

        Each is amin's and amax's value and gradient: split evenly between tied extremes."""
        dim = _axis_alias("aminmax", dim, axis, None)
        keepdim = check_bool(keepdim, "keepdim", "aminmax")
        if dim is not None:
            dim = _t._one_axis(dim, self.shape, "aminmax")
        self._nonempty_reduction("aminmax", dim)
        return return_types.aminmax(self.amin(dim, keepdim), self.amax(dim, keepdim))

    def any(self, dim=_UNSET, keepdim=False, *, axis=_UNSET):
        """True where any element over `dim` (an int, a tuple; every axis when None) is non-zero (NaN counts).

        The result is bool for every input dtype but uint8, which stays uint8 (as torch). No gradient."""
        return self._truth("any", dim, keepdim, axis)

    def all(self, dim=_UNSET, keepdim=False, *, axis=_UNSET):
        """True where every element over `dim` (an int, a tuple; every axis when None) is non-zero.

        The result is bool for every input dtype but uint8, which stays uint8 (as torch). No gradient."""
        return self._truth("all", dim, keepdim, axis)

    def _truth(self, op, dim, keepdim, axis):
        keepdim = check_bool(keepdim, "keepdim", op)
        axes = _axes_of(self, _axis_alias(op, dim, axis, None), op)
        xp = self._backend.xp
        out = (xp.any if op == "any" else xp.all)(self.array, axis=axes, keepdims=keepdim)
        out = xp.asarray(out).astype(np.uint8 if self.dtype == np.uint8 else np.bool_)
        return _t.Tensor._wrap(out, self._backend)

    def count_nonzero(self, dim=_UNSET, *, axis=_UNSET):
        """The number of non-zero elements over `dim` (an int, a tuple; every axis when None), int64."""
        axes = _axes_of(self, _axis_alias("count_nonzero", dim, axis, None), "count_nonzero")
        out = self._backend.xp.asarray((self.array != 0).sum(axis=axes)).astype(np.int64)
        return _t.Tensor._wrap(out, self._backend)

    def cov(self, *, correction=1, fweights=None, aweights=None):
        """The covariance matrix of the variables (rows; a 1-D input is one variable) over the observations
        (columns), with weights w = fweights * aweights (1 when absent):

            mean_i = sum_k w_k x_ik / sum_k w_k,
            cov_ij = sum_k w_k (x_ik - mean_i)(x_jk - mean_j) / (sum w - correction * sum(w aweights) / sum w)

        (the divisor is sum w - correction without aweights). One variable gives a 0-d variance. Written with
        sums and a matmul, so the gradient is theirs."""
        op = "cov"
        x = _observations(self, op)
        correction = check_number(correction, "correction", op, integer=True, allow_bool=True)
        fw = _weights(x, fweights, "fweights", op, integer=True)
        aw = _weights(x, aweights, "aweights", op, integer=False)
        if aw is not None:  # float weights promote as torch's (float32 data, float64 weights: float64)
            x = x.astype(dtypes.promote_dtypes(x.dtype, aw.dtype))
            aw = aw.astype(x.dtype)
        fw = None if fw is None else fw.astype(x.dtype)
        w = fw if aw is None else aw if fw is None else fw * aw
        if w is None:
            n = x.shape[1]
            centered = x - x.mean(1, keepdim=True) if n else x
            divisor = n - correction
            out = centered.matmul(centered.transpose(0, 1)) / max(divisor, 0)
        else:
            total = w.sum()
            centered = x - (x * w).sum(1, keepdim=True) / total
            divisor = total - correction * ((w * aw).sum() / total if aw is not None else 1)
            out = (centered * w).matmul(centered.transpose(0, 1)) / divisor.clip(0.0)
        return out.reshape(()) if x.shape[0] == 1 else out  # one variable: its variance, 0-d (as torch)

    def corrcoef(self):
        """The Pearson correlation coefficients of the variables (rows) over the observations (columns):
        cov_ij / sqrt(cov_ii cov_jj), clipped to [-1, 1] as torch does."""
        _observations(self, "corrcoef")  # the checks, naming corrcoef
        c = self.cov()
        if c.ndim == 0:
            return c / c
        scale = c.diagonal().sqrt()
        return (c / scale.unsqueeze(1) / scale.unsqueeze(0)).clip(-1.0, 1.0)

    def dist(self, other, p=2):
        """||self - other||_p over every element (broadcast together): the vector p-norm of the difference
        (p = inf, -inf, 0 and fractional p as tg.linalg.vector_norm)."""
        from . import linalg
        if not isinstance(other, _t.Tensor):
            raise TypeError(f"dist: other must be a Tensor, not {type(other).__name__}")
        if not _t._broadcastable(self.shape, other.shape):
            raise ValueError(f"dist: cannot broadcast {self.shape} with {other.shape}")
        if self.dtype.kind != "f" or other.dtype.kind != "f":
            raise TypeError(f"dist: expected floating-point tensors, got {self.dtype} and {other.dtype}")
        return linalg._vector_norm("dist", self - other, p, None, False, None)

    def nansum(self, dim=_UNSET, keepdim=False, *, dtype=None, axis=_UNSET):
        """sum over `dim` (every axis when None) with NaN counted as 0; integer and bool sums are int64.

        The gradient is 1 at the numbers and 0 at the NaNs."""
        dim = _axis_alias("nansum", dim, axis, None)
        keepdim = check_bool(keepdim, "keepdim", "nansum")
        _axes_of(self, dim, "nansum")
        x = self if dtype is None else self.astype(dtypes.check(dtype, "nansum"))
        return _without_nan(x).sum(dim, keepdim)

    def nanmean(self, dim=_UNSET, keepdim=False, *, dtype=None, axis=_UNSET):
        """The mean of the elements that are not NaN over `dim` (every axis when None):
        nansum(x) / (number of non-NaN elements); NaN where a slice holds nothing else, as torch.

        The gradient is 1 / count at the numbers and 0 at the NaNs."""
        dim = _axis_alias("nanmean", dim, axis, None)
        keepdim = check_bool(keepdim, "keepdim", "nanmean")
        _axes_of(self, dim, "nanmean")
        x = self if dtype is None else self.astype(dtypes.check(dtype, "nanmean"))
        wide = _float_input(x, "nanmean")
        present = _t.Tensor._wrap(~self._backend.xp.isnan(wide.array), self._backend)
        with np.errstate(divide="ignore", invalid="ignore"):
            out = _without_nan(wide).sum(dim, keepdim) / present.sum(dim, keepdim).astype(wide.dtype)
        return _rounded(out, x.dtype)


def _observations(x, op):
    """x as a float matrix (variables, observations): a 1-D x is one variable; integers in the default float dtype."""
    if x.ndim > 2:
        raise ValueError(f"{op}: expected a 1-D or 2-D input (variables, observations), got shape {x.shape}")
    if x.dtype == np.bool_:
        raise TypeError(f"{op}: not supported for bool tensors (as in torch); convert first")
    x = x if x.dtype.kind == "f" else x.astype(dtypes.get_default_dtype())
    return x.reshape(1, -1) if x.ndim < 2 else x


def _weights(x, weights, name, op, integer):
    if weights is None:
        return None
    if not isinstance(weights, _t.Tensor):
        raise TypeError(f"{op}: {name} must be a Tensor or None, not {type(weights).__name__}")
    if weights.ndim > 1 or weights.numel() != x.shape[1]:
        raise ValueError(f"{op}: {name} must be 1-D with one weight per observation ({x.shape[1]}), got shape "
                         f"{weights.shape}")
    if integer and weights.dtype.kind not in "iu":
        raise TypeError(f"{op}: {name} must hold integers (frequencies), not {weights.dtype}")
    if not integer and weights.dtype.kind != "f":
        raise TypeError(f"{op}: {name} must be a floating-point tensor, not {weights.dtype}")
    if bool((weights.array < 0).any()):
        raise ValueError(f"{op}: {name} cannot be negative")
    return weights.reshape(-1)


def _without_nan(x):
    """x with its NaNs replaced by 0 (the gradient reaches the other elements only)."""
    if x.dtype.kind != "f":
        return x
    nan = _t.Tensor._wrap(x._backend.xp.isnan(x.array), x._backend)
    return _t.Tensor.where(nan, 0.0, x)
