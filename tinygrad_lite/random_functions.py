"""torch's free functions that draw random numbers or make tensors: tg.randint, tg.randperm, tg.multinomial,
tg.bernoulli, tg.normal, tg.poisson, tg.rand_like, ..., tg.empty, tg.linspace, tg.logspace.

Draws come from the engine's seeded stream (`tg.manual_seed`) or from the tg.Generator passed as
`generator=`; they are made with numpy on the host and moved to the device. The streams are the
engine's own: a seed reproduces the engine's numbers, never torch's. As in `functions`, `input`
must be a Tensor.
"""
import math

import numpy as np

from . import dtypes
from ._tensor import Tensor, _creation, _fresh, _new_shape
from ._tensor_random import (_check_bounds, _float_creation, _in_graph_of, _integer_range, _like, _number,
                             _unit_uniform)
from ._validate import check_alloc, check_number
from .functions import _tensor
from .rng import _numpy_generator

__all__ = [
    "empty", "empty_like", "linspace", "logspace", "rand_like", "randn_like", "randint", "randint_like",
    "randperm", "multinomial", "bernoulli", "normal", "poisson",
]


# ---- creation ----------------------------------------------------------------------------
def empty(*shape, dtype=None, requires_grad=False, device="cpu"):
    """A tensor of the given shape whose values are unspecified (the engine fills it with zeros)."""
    shape = _new_shape(shape, "empty")
    dtype, backend = _creation("empty", shape, dtype, requires_grad, device)
    return _fresh(np.zeros(shape, dtype), backend, requires_grad)


def empty_like(input, *, dtype=None, requires_grad=False, device=None):  # noqa: A002  (torch's name)
    """A tensor of input's shape, and of its dtype and device unless given, with unspecified values (zeros)."""
    dtype, device = _like(input, dtype, device, "empty_like")
    dtype, backend = _creation("empty_like", input.shape, dtype, requires_grad, device)
    return _fresh(np.zeros(input.shape, dtype), backend, requires_grad)


def _steps(start, end, steps, op, dtype):
    """torch's linspace values in float64: with h = (end - start) / (steps - 1), start + i·h for the first
    half and end - (steps - 1 - i)·h for the second, so both ends are exact. For an integer `dtype` start
    and end are truncated to integers first, as torch converts them to the dtype."""
    start, end = float(_number(start, "start", op)), float(_number(end, "end", op))
    steps = check_number(steps, "steps", op, integer=True, low=0)
    check_alloc((steps,), np.float64, op, copies=2)
    if steps == 1:  # torch fills with start itself (logspace: base ** start, before any truncation)
        return np.array([start])
    if dtype.kind in "iu":
        start, end = float(math.trunc(start)), float(math.trunc(end))
    i = np.arange(steps, dtype=np.float64)
    h = (end - start) / (steps - 1) if steps > 1 else 0.0
    return np.where(i < steps // 2, start + i * h, end - (steps - 1 - i) * h)


def _range_dtype(dtype, op):
    dtype = dtypes.get_default_dtype() if dtype is None else dtypes.check(dtype, op)
    if dtype == dtypes.bool_:
        raise TypeError(f"{op}: cannot make a bool range; choose an integer or float dtype")
    return dtype


def _range_result(values, op, dtype, requires_grad, device):
    dtype, backend = _creation(op, values.shape, dtype, requires_grad, device)
    with np.errstate(invalid="ignore", over="ignore"):
        return _fresh(values.astype(dtype), backend, requires_grad)


def linspace(start, end, steps, *, dtype=None, requires_grad=False, device="cpu"):
    """`steps` evenly spaced values from start to end, both included: start + i·(end - start)/(steps - 1).

    The default float dtype unless `dtype` says otherwise; an integer dtype truncates start, end and
    the values toward zero, as torch. start and end may be numbers or 0-d tensors."""
    dtype = _range_dtype(dtype, "linspace")
    return _range_result(_steps(start, end, steps, "linspace", dtype), "linspace", dtype, requires_grad, device)


def logspace(start, end, steps, base=10.0, *, dtype=None, requires_grad=False, device="cpu"):
    """base ** linspace(start, end, steps): `steps` values from base^start to base^end, evenly spaced in log scale.

    An integer dtype truncates start, end and the values toward zero, as torch."""
    dtype = _range_dtype(dtype, "logspace")
    base = check_number(base, "base", "logspace", finite=False)
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        values = np.power(base, _steps(start, end, steps, "logspace", dtype))
    return _range_result(values, "logspace", dtype, requires_grad, device)


# ---- random tensors ----------------------------------------------------------------------
def rand_like(input, *, generator=None, dtype=None, requires_grad=False, device=None):  # noqa: A002
    """Samples of the uniform distribution on [0, 1) in input's shape, and its (float) dtype and device unless given."""
    return _sample_like("rand_like", _unit_uniform, input, generator, dtype, requires_grad, device)


def randn_like(input, *, generator=None, dtype=None, requires_grad=False, device=None):  # noqa: A002
    """Samples of N(0, 1), density exp(-x²/2) / √(2π), in input's shape, and its (float) dtype and device
    unless given."""
    return _sample_like("randn_like", lambda g, shape, dtype: g.standard_normal(shape).astype(dtype), input,
                        generator, dtype, requires_grad, device)


def _sample_like(op, draw, input, generator, dtype, requires_grad, device):  # noqa: A002
    dtype, device = _like(input, dtype, device, op)
    dtype, backend = _float_creation(op, input.shape, dtype, requires_grad, device)
    source = _numpy_generator(generator, op)
    check_alloc(input.shape, np.float64, op)  # the samples are drawn in float64
    return _fresh(np.asarray(draw(source, input.shape, dtype)), backend, requires_grad)


def _random_integers(op, low, high, shape, generator, dtype, requires_grad, device):
    dtype, backend = _creation(op, shape, dtype, requires_grad, device)
    low, high = _check_bounds(low, high, dtype, op)
    check_alloc(shape, np.int64, op)
    values = _numpy_generator(generator, op).integers(low, high, shape, dtype=np.int64)
    return _fresh(values.astype(dtype), backend, requires_grad)


def randint(low=0, high=None, size=None, *, generator=None, dtype=None, requires_grad=False, device="cpu"):
    """Integers drawn uniformly from [low, high), each with probability 1/(high - low), in a tensor of shape `size`.

    randint(high, size) draws from [0, high). The dtype is int64 unless given (a float dtype holds the
    integers as floats)."""
    if size is None:  # randint(high, size)
        low, high, size = 0, low, high
    elif high is None:  # randint(high, size=size)
        low, high = 0, low
    if size is None or high is None:
        raise TypeError("randint: missing an argument: call randint(high, size) or randint(low, high, size)")
    if not isinstance(size, (tuple, list)):
        raise TypeError(f"randint: size must be a tuple of ints, not {type(size).__name__}")
    low = check_number(low, "low", "randint", integer=True)
    high = check_number(high, "high", "randint", integer=True)
    shape = _new_shape((size,), "randint")
    return _random_integers("randint", low, high, shape, generator, dtypes.int64 if dtype is None else dtype,
                            requires_grad, device)


def randint_like(input, low=0, high=None, *, generator=None, dtype=None, requires_grad=False,  # noqa: A002
                 device=None):
    """Integers drawn uniformly from [low, high) in input's shape, and its dtype and device unless given.

    randint_like(input, high) draws from [0, high)."""
    dtype, device = _like(input, dtype, device, "randint_like")
    if high is None:
        low, high = 0, low
    low = check_number(low, "low", "randint_like", integer=True)
    high = check_number(high, "high", "randint_like", integer=True)
    return _random_integers("randint_like", low, high, input.shape, generator, dtype, requires_grad, device)


def randperm(n, *, generator=None, dtype=None, requires_grad=False, device="cpu"):
    """A random permutation of 0, 1, ..., n - 1, each of the n! orders equally likely (int64 unless `dtype`)."""
    n = check_number(n, "n", "randperm", integer=True, low=0)
    dtype, backend = _creation("randperm", (n,), dtypes.int64 if dtype is None else dtype, requires_grad, device)
    if n > _integer_range(dtype)[1]:
        raise ValueError(f"randperm: n={n} is too large for {dtype}: it holds the integers up to "
                         f"{_integer_range(dtype)[1] - 1} exactly")
    check_alloc((n,), np.int64, "randperm")
    return _fresh(_numpy_generator(generator, "randperm").permutation(n).astype(dtype), backend, requires_grad)


def multinomial(input, num_samples, replacement=False, *, generator=None):  # noqa: A002
    """Category indices drawn from each row of weights `input`; see Tensor.multinomial."""
    return _tensor("multinomial", input).multinomial(num_samples, replacement, generator=generator)


def bernoulli(input, p=None, *, generator=None):  # noqa: A002
    """1 with probability input (or p, when given), else 0, elementwise; see Tensor.bernoulli."""
    return _tensor("bernoulli", input).bernoulli(p, generator=generator)


def _normal_operand(value, name):
    """mean or std of tg.normal: a float tensor, or a real number."""
    if isinstance(value, Tensor):
        if value.dtype.kind != "f":
            raise TypeError(f"normal: a tensor {name} must be floating point, not {value.dtype}")
        return value
    return check_number(value, name, "normal", finite=False)


def normal(mean, std=1.0, size=None, *, generator=None, dtype=None, requires_grad=False, device="cpu"):
    """Samples of the normal distribution N(mean, std²), density exp(-(x - mean)²/(2·std²)) / (std·√(2π)).

    normal(mean, std) with a tensor mean and/or std: one sample per element of their broadcast shape,
    of mean's dtype (std's when mean is a number), on their device. normal(mean, std, size) with
    numbers: a tensor of shape `size` (dtype, device and requires_grad apply to this form only).
    std must be >= 0. As torch, a result drawn from tensors that require grad is in their graph with
    zero gradients (the samples are not reparameterised)."""
    mean, std = _normal_operand(mean, "mean"), _normal_operand(std, "std")
    tensors = [t for t in (mean, std) if isinstance(t, Tensor)]
    if not tensors:
        if size is None:
            raise TypeError("normal: with a number mean and std, give size (a tuple of ints)")
        if not isinstance(size, (tuple, list)):
            raise TypeError(f"normal: size must be a tuple of ints, not {type(size).__name__}")
        if std < 0:
            raise ValueError(f"normal: expects std >= 0.0, but found std {std}")
        shape = _new_shape((size,), "normal")
        return _scaled_normal(shape, mean, std, generator, dtype, requires_grad, device)
    if size is not None or dtype is not None or requires_grad is not False:
        raise TypeError("normal: size, dtype and requires_grad are for a number mean and std; with a tensor mean "
                        "or std the result takes their shape and dtype")
    if not all(t.device == tensors[0].device for t in tensors):
        raise RuntimeError(f"normal: mean and std are on different devices ({mean.device}, {std.device})")
    shapes = [t.shape for t in tensors]
    try:
        shape = np.broadcast_shapes(*shapes)
    except ValueError:
        raise ValueError(f"normal: the shapes of mean and std do not broadcast: {shapes[0]} and {shapes[-1]}") \
            from None
    arrays = [t.numpy().astype(np.float64) if isinstance(t, Tensor) else t for t in (mean, std)]
    if not (np.asarray(arrays[1]) >= 0).all():
        raise ValueError("normal: expects all elements of std >= 0.0")
    result_dtype = tensors[0].dtype  # mean's when it is a tensor, else std's (as torch)
    check_alloc(shape, np.float64, "normal", copies=2)
    values = arrays[0] + arrays[1] * _numpy_generator(generator, "normal").standard_normal(shape)
    return _in_graph_of(_fresh(values.astype(result_dtype), tensors[0]._backend, False), *tensors)


def _scaled_normal(shape, mean, std, generator, dtype, requires_grad, device):
    """A new leaf of `shape` holding mean + std·z for z ~ N(0, 1), drawn in float64."""
    dtype, backend = _float_creation("normal", shape, dtype, requires_grad, device)
    check_alloc(shape, np.float64, "normal")
    values = mean + std * _numpy_generator(generator, "normal").standard_normal(shape)
    return _fresh(values.astype(dtype), backend, requires_grad)


# numpy's Poisson sampler refuses rates past this (its int64 counts would overflow)
_POISSON_MAX_RATE = 9.2e18


def poisson(input, generator=None):  # noqa: A002
    """Samples of the Poisson distribution with rate `input` (elementwise): P(X = k) = rate^k·e^(-rate) / k!.

    `input` is a float tensor of rates >= 0; the result has its shape, dtype and device (and, as torch,
    a zero gradient to input)."""
    _tensor("poisson", input)
    if input.dtype.kind != "f":
        raise TypeError(f"poisson: the rates must be a floating-point tensor, not {input.dtype}")
    source = _numpy_generator(generator, "poisson")
    rates = input.numpy().astype(np.float64)
    if not ((rates >= 0) & (rates <= _POISSON_MAX_RATE)).all():
        raise ValueError(f"poisson: invalid rate: every rate must be >= 0 and at most {_POISSON_MAX_RATE:g} "
                         "(NaN and inf are not rates)")
    return _in_graph_of(_fresh(source.poisson(rates).astype(input.dtype), input._backend, False), input)
