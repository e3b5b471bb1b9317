"""Tensor's creation functions (zeros, ones, full, rand, randn, arange, eye, zeros_like, ones_like) and
its random draws as torch's: the in-place fills normal_, uniform_, bernoulli_, exponential_, random_,
cauchy_, log_normal_, geometric_, and the samples bernoulli() and multinomial() made from a tensor.

Every draw comes from the engine's seeded stream (`tg.manual_seed`), or from the tg.Generator passed
as `generator=`. Draws are made with numpy on the host, in float64 (or int64), and then converted to
the tensor's dtype and moved to its device. The streams are the engine's own: a seed reproduces the
engine's numbers, never torch's.

`TensorRandom` is a base class of Tensor; it holds no state of its own (`__slots__ = ()`).
"""
import math

import numpy as np

from . import _tensor as _t, dtypes
from ._validate import check_alloc, check_bool, check_number
from .autograd import is_grad_enabled
from .rng import _numpy_generator


def _number(value, name, op, finite=True):
    """A real-number argument as a Python int (for integer kinds) or float; a numpy scalar or a 0-d
    tensor counts as the number it holds. Bools, NaN and (when `finite`) infinities are refused."""
    if isinstance(value, (_t.Tensor, np.ndarray, np.generic)) and value.ndim == 0:
        value = value.item()
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return check_number(value, name, op, integer=True)
    return check_number(value, name, op, finite=finite)


def _fill_number(value, op, name="fill_value"):
    """A fill value as the Python number it is: torch reads numpy scalars and 0-d tensors as Python numbers."""
    if isinstance(value, (_t.Tensor, np.ndarray, np.generic)) and np.ndim(value) == 0:
        value = value.item()
    if not isinstance(value, (bool, int, float)):
        raise TypeError(f"{op}: {name} must be a number (or a 0-d tensor), not {type(value).__name__}")
    return value


def _float_creation(op, shape, dtype, requires_grad, device):
    """_creation's (dtype, backend), refusing a dtype that is not floating point (the samples are real numbers)."""
    dtype, backend = _t._creation(op, shape, dtype, requires_grad, device)
    if dtype.kind != "f":
        raise TypeError(f"{op}: draws real numbers, so the dtype must be floating point, not {dtype}")
    return dtype, backend


def _like(input, dtype, device, op):
    """(dtype, device) for a tensor made like `input`: its own unless given."""
    _t._require_tensor(input, op)
    return (input.dtype if dtype is None else dtype), (input.device if device is None else device)


def _unit_uniform(g, shape, dtype):
    """Uniform samples on [0, 1) in float `dtype`: a float64 draw cut down (not rounded) to the dtype's
    grid k / 2^(mantissa + 1), so that rounding can never give 1.0 (a float16 draw would, one in 4096)."""
    u = g.random(shape)
    if dtype.itemsize < 8:
        grid = 2.0 ** (np.finfo(dtype).nmant + 1)
        u = np.floor(u * grid) / grid
    return u.astype(dtype, copy=False)


def _uniform(g, low, high, shape, dtype):
    """low + (high - low)·u, u uniform on [0, 1), in `dtype`; a value that rounds up to high (float16 near
    its top, float32 rarely) becomes the largest float below high, keeping the range half-open as torch's."""
    values = np.asarray(low + (high - low) * g.random(shape)).astype(dtype)
    top = dtype.type(high)
    if low < high:
        values[values >= top] = np.nextafter(top, dtype.type(-np.inf))
    return values


def _in_graph_of(samples, *inputs):
    """`samples` joined to the graph of the `inputs` that require grad, with zero gradients, as torch's
    samplers are (normal, bernoulli, poisson): where(False, input, samples) for each such input."""
    if not is_grad_enabled():
        return samples
    for x in inputs:
        if isinstance(x, _t.Tensor) and x.requires_grad:
            never = _t.Tensor._wrap(samples._backend.asarray(np.zeros(samples.shape, bool)), samples._backend)
            samples = _t.Tensor.where(never, x.astype(samples.dtype), samples)
    return samples


def _integer_range(dtype):
    """The integers [low, high) that `dtype` holds exactly (a float's: its mantissa's integers)."""
    if dtype == dtypes.bool_:
        return 0, 2
    if dtype.kind == "f":
        top = 2 ** (np.finfo(dtype).nmant + 1)
        return -top, top + 1
    info = np.iinfo(dtype)
    return int(info.min), int(info.max) + 1


def _check_bounds(low, high, dtype, op):
    """The integer range [low, high) to draw from for `dtype`, checked as torch's random_ checks it.

    An empty range, or one whose from or to - 1 the dtype cannot hold, is refused. For a float dtype,
    bounds past its exact integers are first moved inward to integers it holds (torch's update_from /
    update_to), and refused when that empties the range."""
    if low >= high:
        raise ValueError(f"{op}: expects 'from' to be less than 'to', but got from={low} >= to={high}")
    if dtype.kind == "f":
        low, high = _float_bounds(low, high, dtype)
        if low >= high:
            raise ValueError(f"{op}: expects 'from' cast to {dtype} to be less than 'to' cast to {dtype}, "
                             f"but got from={low} >= to={high}")
        largest = int(np.finfo(dtype).max)  # past the exact integers torch only warns; past this it refuses
        lowest, highest = max(-2 ** 63, -largest), min(2 ** 63, largest + 1)  # the draw is made in int64
    else:
        lowest, highest = _integer_range(dtype)
    if low < lowest:
        raise ValueError(f"{op}: from={low} is out of bounds for {dtype}")
    if high > highest:
        raise ValueError(f"{op}: to - 1 = {high - 1} is out of bounds for {dtype}")
    return low, high


def _float_bounds(low, high, dtype):
    """torch's update_from / update_to: where low + 1 (or high - 1) rounds past low (or high) in `dtype`,
    step the bound inward by the dtype's spacing there, so that every drawn integer rounds into [low, high)."""
    digits = np.finfo(dtype).nmant + 1
    rounded = _rounded(low + 1, dtype)
    if rounded is not None and rounded < low:
        low = rounded + (1 << (abs(low + 1).bit_length() - 1 - digits + 1))
    rounded = _rounded(high - 1, dtype)
    if rounded is not None and rounded >= high:
        high = rounded - (1 << (abs(high - 1).bit_length() - 1 - digits + 1))
    return low, high


def _rounded(value, dtype):
    """The integer `value` rounded to float `dtype` and back, or None past the dtype's range (the range
    check refuses those bounds)."""
    with np.errstate(over="ignore"):
        held = dtype.type(value)
    return int(held) if np.isfinite(held) else None


def _probabilities(p, op, shape=None):
    """A probability: a float in [0, 1], or (when `shape` is given) a tensor of them broadcastable to shape."""
    if isinstance(p, _t.Tensor) and shape is not None:
        if not _t._broadcastable(p.shape, shape) or p.ndim > len(shape):
            raise ValueError(f"{op}: p of shape {p.shape} does not broadcast to the tensor's shape {tuple(shape)}")
        values = p.numpy().astype(np.float64)
        if not ((values >= 0) & (values <= 1)).all():
            raise ValueError(f"{op}: expects every probability in p to be in [0, 1] (NaN is not)")
        return values
    if isinstance(p, _t.Tensor) or not dtypes.is_python_scalar(p) or isinstance(p, (bool, np.bool_)):
        raise TypeError(f"{op}: p must be a float in [0, 1]{' or a tensor of them' if shape else ''}, "
                        f"not {type(p).__name__}")
    p = float(p)
    if not 0 <= p <= 1:
        raise ValueError(f"{op}: expects p to be in [0, 1], but got p={p}")
    return p


class TensorRandom:
    """See the module docstring."""

    __slots__ = ()

    # ---- creation ---------------------------------------------------------------------
    @staticmethod
    def zeros(*shape, dtype=None, requires_grad=False, device="cpu"):
        """A tensor of zeros (of the default float dtype unless `dtype` says otherwise)."""
        shape = _t._new_shape(shape, "zeros")
        dtype, backend = _t._creation("zeros", shape, dtype, requires_grad, device)
        return _t._fresh(np.zeros(shape, dtype), backend, requires_grad)

    @staticmethod
    def ones(*shape, dtype=None, requires_grad=False, device="cpu"):
        """A tensor of ones (of the default float dtype unless `dtype` says otherwise)."""
        shape = _t._new_shape(shape, "ones")
        dtype, backend = _t._creation("ones", shape, dtype, requires_grad, device)
        return _t._fresh(np.ones(shape, dtype), backend, requires_grad)

    @staticmethod
    def full(size, fill_value, dtype=None, requires_grad=False, device="cpu"):
        """A tensor of shape `size` (a tuple or list) with every element fill_value.

        Without `dtype` the value's kind decides, as torch's: bool -> bool, int -> int64, float -> the
        default float dtype (a numpy scalar or a 0-d tensor counts as the Python number it holds).
        A value the dtype cannot hold (NaN or 1e10 for an integer dtype) is refused."""
        if not isinstance(size, (tuple, list)):
            raise TypeError(f"full: size must be a tuple of ints, not {type(size).__name__}")
        shape = _t._new_shape((size,), "full")
        fill = dtypes.to_array(_fill_number(fill_value, "full"), dtype, op="full")
        dtype, backend = _t._creation("full", shape, fill.dtype, requires_grad, device)
        return _t._fresh(np.full(shape, fill, dtype), backend, requires_grad)

    @staticmethod
    def randn(*shape, generator=None, dtype=None, requires_grad=False, device="cpu"):
        """Samples of the standard normal distribution N(0, 1), density exp(-x²/2) / √(2π)."""
        shape = _t._new_shape(shape, "randn")
        dtype, backend = _float_creation("randn", shape, dtype, requires_grad, device)
        draw = _numpy_generator(generator, "randn")
        check_alloc(shape, np.float64, "randn")  # the samples are drawn in float64
        return _t._fresh(draw.standard_normal(shape).astype(dtype, copy=False), backend, requires_grad)

    @staticmethod
    def rand(*shape, generator=None, dtype=None, requires_grad=False, device="cpu"):
        """Samples of the uniform distribution on [0, 1)."""
        shape = _t._new_shape(shape, "rand")
        dtype, backend = _float_creation("rand", shape, dtype, requires_grad, device)
        draw = _numpy_generator(generator, "rand")
        check_alloc(shape, np.float64, "rand")  # the samples are drawn in float64
        return _t._fresh(_unit_uniform(draw, shape, dtype), backend, requires_grad)

    @staticmethod
    def arange(start=0, end=None, step=1, dtype=None, requires_grad=False, device="cpu"):
        """start, start + step, start + 2·step, ... up to (not including) end: ceil((end - start) / step) values.

        arange(end) starts at 0. The dtype is int64 when start, end and step are all integers, else the
        default float dtype. As torch: with an integer `dtype`, start and step are truncated to integers
        (an int64 range counts its values from the truncated bounds too, other integer dtypes from the
        bounds as given); a step of zero, or one pointing away from end, is refused."""
        if end is None:
            start, end = 0, start
        given = tuple(_number(v, name, "arange") for v, name in ((start, "start"), (end, "end"), (step, "step")))
        integral = all(isinstance(v, int) for v in given)
        target = dtypes.check(dtype, "arange") if dtype is not None else \
            dtypes.int64 if integral else dtypes.get_default_dtype()
        if target == dtypes.bool_:
            raise TypeError("arange: cannot make a bool range; choose an integer or float dtype")
        start, end, step = (int(v) for v in given) if target.kind in "iu" else given  # C++'s cast: toward zero
        if step == 0:
            raise ValueError("arange: step must be nonzero")
        if (end - start) * step < 0:
            raise ValueError(f"arange: upper bound and lower bound inconsistent with step sign "
                             f"(start={start}, end={end}, step={step})")
        if integral or target == dtypes.int64:  # exact integer arithmetic: ceil((end - start) / step)
            count = -((start - end) // step)
        else:  # torch's count, in float64 from the bounds as given
            count = max(math.ceil((given[1] - given[0]) / given[2]), 0)
        dtype, backend = _t._creation("arange", (count,), target, requires_grad, device)
        if isinstance(start, int) and isinstance(step, int):
            values = start + np.arange(count, dtype=np.int64) * step
        else:  # start + i * step in float64, then rounded once to the dtype
            values = start + np.arange(count, dtype=np.float64) * step
        return _t._fresh(values.astype(dtype, copy=False), backend, requires_grad)

    @staticmethod
    def eye(n, m=None, dtype=None, requires_grad=False, device="cpu"):
        """The n x m identity matrix: 1 where row == column, else 0 (m defaults to n; the default float dtype)."""
        rows, cols = _t._new_shape((n, n if m is None else m), "eye")
        dtype, backend = _t._creation("eye", (rows, cols), dtype, requires_grad, device)
        return _t._fresh(np.eye(rows, cols, dtype=dtype), backend, requires_grad)

    @staticmethod
    def zeros_like(input, dtype=None, requires_grad=False, device=None):  # noqa: A002  (torch's name)
        """Zeros of input's shape, and of its dtype and device unless given."""
        dtype, device = _like(input, dtype, device, "zeros_like")
        dtype, backend = _t._creation("zeros_like", input.shape, dtype, requires_grad, device)
        return _t._fresh(np.zeros(input.shape, dtype), backend, requires_grad)

    @staticmethod
    def ones_like(input, dtype=None, requires_grad=False, device=None):  # noqa: A002  (torch's name)
        """Ones of input's shape, and of its dtype and device unless given."""
        dtype, device = _like(input, dtype, device, "ones_like")
        dtype, backend = _t._creation("ones_like", input.shape, dtype, requires_grad, device)
        return _t._fresh(np.ones(input.shape, dtype), backend, requires_grad)

    # ---- in-place random fills ----------------------------------------------------------
    def _fill_random(self, op, draw, generator, kinds="f"):
        """self <- draw(numpy generator), converted to self's dtype, in place, through `_update` (which
        refuses a leaf that requires grad while the graph is recorded). `kinds`: the dtype kinds allowed.

        As torch, a non-leaf in the graph stays in it, and its old value gets a zero gradient: the new
        value is where(False, old, draw), whose backward sends nothing but zeros to `old`."""
        if self.dtype.kind not in kinds:
            what = "floating point" if kinds == "f" else "floating point or integer"
            raise TypeError(f"{op}: draws need a {what} tensor, not {self.dtype}")
        source = _numpy_generator(generator, op)
        check_alloc(self.shape, np.float64, op)

        def compute(old=None):
            with np.errstate(over="ignore", invalid="ignore"):
                values = np.asarray(draw(source)).astype(self.dtype)
            fresh = _t.Tensor._wrap(self._backend.asarray(values), self._backend)
            if old is None or not (old.requires_grad and is_grad_enabled()):
                return fresh
            never = _t.Tensor._wrap(self._backend.asarray(np.zeros(self.shape, bool)), self._backend)
            return _t.Tensor.where(never, old, fresh)
        return self._update(op, compute, cast="any")

    def normal_(self, mean=0.0, std=1.0, *, generator=None):
        """self <- samples of the normal distribution N(mean, std²), density exp(-(x-mean)²/(2std²)) / (std√(2π)).

        std must be >= 0 (0 fills with mean)."""
        mean = check_number(mean, "mean", "normal_", finite=False)
        std = check_number(std, "std", "normal_", low=0, finite=False)
        draw = lambda g: mean + std * g.standard_normal(self.shape)
        return self._fill_random("normal_", draw, generator)

    def uniform_(self, from_=0.0, to=1.0, *, generator=None):
        """self <- samples of the uniform distribution on [from_, to) (torch's from=, to=); from_ <= to."""
        low = check_number(from_, "from", "uniform_")
        high = check_number(to, "to", "uniform_")
        if low > high:
            raise ValueError(f"uniform_: expects a [from, to) range, but got from={low} > to={high}")
        return self._fill_random("uniform_", lambda g: _uniform(g, low, high, self.shape, self.dtype), generator)

    def bernoulli_(self, p=0.5, *, generator=None):
        """self <- samples of Bernoulli(p): 1 with probability p, else 0. p is a float in [0, 1] or a tensor
        of probabilities broadcastable to self's shape. Any dtype."""
        p = _probabilities(p, "bernoulli_", self.shape)
        return self._fill_random("bernoulli_", lambda g: g.random(self.shape) < p, generator, kinds="fiub")

    def exponential_(self, lambd=1.0, *, generator=None):
        """self <- samples of the exponential distribution of rate lambd > 0, density lambd·exp(-lambd·x), x >= 0."""
        rate = check_number(lambd, "lambd", "exponential_", low=0, low_open=True, finite=False)
        return self._fill_random("exponential_", lambda g: g.standard_exponential(self.shape) / rate, generator)

    def cauchy_(self, median=0.0, sigma=1.0, *, generator=None):
        """self <- samples of the Cauchy distribution, density 1 / (π·sigma·(1 + ((x - median)/sigma)²)); sigma > 0."""
        median = check_number(median, "median", "cauchy_")
        sigma = check_number(sigma, "sigma", "cauchy_", low=0, low_open=True)
        return self._fill_random("cauchy_", lambda g: median + sigma * g.standard_cauchy(self.shape), generator)

    def log_normal_(self, mean=1.0, std=2.0, *, generator=None):
        """self <- exp(N(mean, std²)): the log-normal distribution whose logarithm has that mean and std > 0."""
        mean = check_number(mean, "mean", "log_normal_")
        std = check_number(std, "std", "log_normal_", low=0, low_open=True)
        return self._fill_random("log_normal_", lambda g: g.lognormal(mean, std, self.shape), generator)

    def geometric_(self, p, *, generator=None):
        """self <- samples of the geometric distribution: the number of Bernoulli(p) trials up to and including
        the first success, P(X = k) = (1 - p)^(k-1)·p for k = 1, 2, ...; p in (0, 1). Float or integer tensors."""
        p = check_number(p, "p", "geometric_")
        if not 0 < p < 1:
            raise ValueError(f"geometric_: expects p to be in (0, 1), but got p={p}")
        return self._fill_random("geometric_", lambda g: g.geometric(p, self.shape), generator, kinds="fiu")

    def random_(self, from_=0, to=None, *, generator=None):
        """self <- integers drawn uniformly from [from_, to), in place.

        random_() draws from [0, 2^mantissa] for a float tensor (2^24 for float32), [0, max] for an integer
        one, {0, 1} for bool; random_(n), one argument, draws from [0, n), as torch's random_(to)."""
        low = check_number(from_, "from", "random_", integer=True)
        high = None if to is None else check_number(to, "to", "random_", integer=True)
        if high is None and low != 0:
            low, high = 0, low  # random_(to)
        if high is None:
            high = _integer_range(self.dtype)[1]
        low, high = _check_bounds(low, high, self.dtype, "random_")
        return self._fill_random("random_", lambda g: _integers(g, low, high, self.shape), generator, kinds="fiub")

    # ---- samples made from a tensor ----------------------------------------------------
    def bernoulli(self, p=None, *, generator=None):
        """A new tensor of self's shape and dtype with 1 where a Bernoulli draw succeeds, else 0.

        bernoulli() reads self as the probabilities (a float tensor of values in [0, 1]); bernoulli(p)
        draws every element with the float probability p. As torch, the result is in self's graph with
        a zero gradient (the draws do not vary smoothly with p)."""
        if p is None:
            if self.dtype.kind != "f":
                raise TypeError(f"bernoulli: the probabilities must be a floating-point tensor, not {self.dtype}")
            p = _probabilities(self, "bernoulli", self.shape)
        else:
            p = _probabilities(p, "bernoulli")
        source = _numpy_generator(generator, "bernoulli")
        check_alloc(self.shape, np.float64, "bernoulli")
        values = (source.random(self.shape) < p).astype(self.dtype)
        return _in_graph_of(_t._fresh(values, self._backend, False), self)

    def multinomial(self, num_samples, replacement=False, *, generator=None):
        """Indices of categories drawn from each row of self, whose (unnormalised, non-negative, finite)
        weights w give category i the probability w_i / Σw. int64, shape (num_samples,) or (rows, num_samples).

        With replacement the draws are independent (inverse CDF); without, each draw removes its category
        (the exponential race: the k smallest E_i / w_i, E_i ~ Exp(1), are a weighted sample without
        replacement), so num_samples must not exceed the categories of non-zero weight in any row."""
        op = "multinomial"
        if self.dtype.kind != "f":
            raise TypeError(f"{op}: the weights must be a floating-point tensor, not {self.dtype}")
        if self.ndim not in (1, 2):
            raise ValueError(f"{op}: the weights must be a 1-d or 2-d tensor, got shape {self.shape}")
        count = check_number(num_samples, "num_samples", op, integer=True, low=1)
        replacement = check_bool(replacement, "replacement", op)
        weights = self.numpy().astype(np.float64).reshape(-1, self.shape[-1])
        if not (np.isfinite(weights) & (weights >= 0)).all():
            raise ValueError(f"{op}: the weights contain inf, NaN or a negative number")
        if weights.shape[0] and (weights.sum(axis=1) <= 0).any():
            raise ValueError(f"{op}: a row of weights sums to zero (no category can be drawn)")
        nonzero = int((weights > 0).sum(axis=1).min()) if weights.shape[0] else weights.shape[1]
        if not replacement and count > nonzero:
            raise ValueError(f"{op}: cannot draw num_samples={count} without replacement from {nonzero} "
                             "categories of non-zero weight")
        check_alloc((weights.shape[0], count), np.float64, op, copies=2)
        source = _numpy_generator(generator, op)
        if replacement:
            cdf = np.cumsum(weights, axis=1)
            cdf /= cdf[:, -1:]
            u = source.random((weights.shape[0], count))
            rows = [np.searchsorted(c, row, side="right") for c, row in zip(cdf, u)]
            picks = np.minimum(np.array(rows, np.int64).reshape(-1, count), weights.shape[1] - 1)
        else:
            with np.errstate(divide="ignore"):
                keys = source.standard_exponential(weights.shape) / weights
            picks = np.argsort(keys, axis=1, kind="stable")[:, :count]
        picks = picks.astype(np.int64).reshape(self.shape[:-1] + (count,))
        return _t._fresh(picks, self._backend, False)


def _integers(g, low, high, shape):
    """Uniform integers in [low, high) as int64 (numpy takes high up to 2**63 exclusive for int64)."""
    return g.integers(low, high, shape, dtype=np.int64)
