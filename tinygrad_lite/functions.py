"""torch's free functions: each calls the Tensor method of the same meaning.

`tg.tanh(x)` is `x.tanh()`, `tg.sum(x, dim=1)` is `x.sum(dim=1)`, and so on, with torch's
signatures: the tensor comes first as `input`, then torch's arguments in torch's order; `axis=`
is accepted wherever the method accepts it. As in torch, `input` must be a Tensor (a list or a
numpy array is refused with a TypeError naming the function), except for the arithmetic
functions torch lets a Python number start (add, sub, mul, div, pow).

This module defines functions named sum, max, min, abs and pow: it uses no Python builtin of
those names after they are defined.
"""
import builtins

import numpy as np

from . import dtypes
from ._tensor import _UNSET, Tensor, _axis_alias
from ._validate import check_bool
from .backend import get_backend

__all__ = [
    "exp", "log", "sqrt", "abs", "tanh", "sigmoid", "relu", "softmax", "log_softmax",
    "matmul", "mm", "bmm", "flatten", "reshape", "transpose", "permute", "squeeze", "unsqueeze", "t",
    "sum", "mean", "max", "min", "amax", "amin", "argmax", "argmin", "var", "logsumexp",
    "maximum", "minimum", "clamp", "clip", "pow", "add", "sub", "mul", "div", "neg",
    "eq", "ne", "lt", "le", "gt", "ge", "numel", "full_like", "lerp",
]


def _tensor(op, value, name="input"):
    """`value`, which must be a Tensor: torch refuses lists and arrays here too."""
    if not isinstance(value, Tensor):
        raise TypeError(f"{op}: argument '{name}' must be a Tensor, not {type(value).__name__}")
    return value


def _tensor_or_number(op, value, other):
    """`value` as torch's arithmetic takes it: a Tensor, or a Python number when `other` is a Tensor."""
    if isinstance(value, Tensor) or (dtypes.is_python_scalar(value) and isinstance(other, Tensor)):
        return value
    return _tensor(op, value)


def _required(op, value, name):
    if value is _UNSET:
        raise TypeError(f"{op}: missing the required argument {name}")
    return value


# ---- elementwise -------------------------------------------------------------------------
def unary_from_method(name, module=__name__):
    """The free function tg.<name>(input) = input.<name>(), documented by the method's docstring."""
    def function(input):
        return getattr(_tensor(name, input), name)()
    return _named(function, name, module, f"tg.{name}(input) is input.{name}()")


def binary_from_method(name, module=__name__):
    """The free function tg.<name>(input, other) = input.<name>(other)."""
    def function(input, other):
        return getattr(_tensor(name, input), name)(other)
    return _named(function, name, module, f"tg.{name}(input, other) is input.{name}(other)")


def _named(function, name, module, summary):
    function.__name__ = function.__qualname__ = name
    function.__module__ = module
    function.__doc__ = f"{summary}: {getattr(Tensor, name).__doc__}"
    return function


exp, log, sqrt, abs, tanh, sigmoid, relu = (  # noqa: A001 - torch's names
    unary_from_method(name) for name in ("exp", "log", "sqrt", "abs", "tanh", "sigmoid", "relu"))


def neg(input):
    """-input."""
    return -_tensor("neg", input)


def maximum(input, other):
    """Elementwise max(input, other); NaN wins."""
    return _tensor("maximum", input).maximum(other)


def minimum(input, other):
    """Elementwise min(input, other); NaN wins."""
    return _tensor("minimum", input).minimum(other)


def clamp(input, min=None, max=None):  # noqa: A002 - torch's names
    """min(max(input, min), max); either bound may be None; the bounds are numbers, or Tensors that
    broadcast (see Tensor.clamp, which this calls)."""
    return _tensor("clamp", input).clamp(min, max)


def clip(input, min=None, max=None):  # noqa: A002 - torch's names
    """The same as clamp: min(max(input, min), max)."""
    return _tensor("clip", input).clip(min, max)


def pow(input, exponent):  # noqa: A001 - torch's name
    """input ** exponent (input may be a number when exponent is a Tensor)."""
    input = _tensor_or_number("pow", input, exponent)
    return input ** exponent if isinstance(input, Tensor) else exponent.__rpow__(input)


def _scaled(op, input, other, alpha):
    """alpha * other in the dtype of the result, with torch's checks on alpha's kind: a float alpha
    for an integer result and a bool alpha for a non-bool result are refused; for a bool result,
    alpha counts as bool(alpha) (input or (alpha and other))."""
    if not dtypes.is_python_scalar(alpha):
        raise TypeError(f"{op}: alpha must be a real number, not {type(alpha).__name__}")
    ref = input if isinstance(input, Tensor) else other
    a, b = ref._lift(input, op), ref._lift(other, op)
    dtype = dtypes.promote(a, b, a_scalar=dtypes.is_python_scalar(input), b_scalar=dtypes.is_python_scalar(other))
    if op == "sub" and np.bool_ in (a.dtype, b.dtype):  # checked here: other is cast before it is subtracted
        raise TypeError(f"{op}: subtraction, the `-` operator, with a bool tensor is not supported; "
                        "convert it first, e.g. mask.astype(tg.int64)")
    if dtype.kind in "biu" and isinstance(alpha, (builtins.float, np.floating)):
        raise TypeError(f"{op}: for integer and bool tensors alpha must not be a float, got {alpha!r}")
    if dtype == np.bool_:
        alpha = builtins.bool(alpha)
    elif isinstance(alpha, (builtins.bool, np.bool_)):
        raise TypeError(f"{op}: a bool alpha is only supported for bool results, not {dtype}")
    if alpha == 1:
        return other
    if dtypes.is_python_scalar(other):
        return builtins.bool(other * alpha) if dtype == np.bool_ else other * alpha
    return b.astype(dtype) * alpha


def add(input, other, *, alpha=1):
    """input + alpha * other."""
    input = _tensor_or_number("add", input, other)
    other = _scaled("add", input, other, alpha)
    return input + other if isinstance(input, Tensor) else other.__radd__(input)


def sub(input, other, *, alpha=1):
    """input - alpha * other."""
    input = _tensor_or_number("sub", input, other)
    other = _scaled("sub", input, other, alpha)
    return input - other if isinstance(input, Tensor) else other.__rsub__(input)


def mul(input, other):
    """input * other."""
    input = _tensor_or_number("mul", input, other)
    return input * other if isinstance(input, Tensor) else other.__rmul__(input)


def div(input, other, *, rounding_mode=None):
    """input / other, rounded as `rounding_mode` says: None, the true quotient (integers give
    floats); "trunc", toward zero; "floor", toward -inf (integers stay integers). See Tensor.div."""
    input = _tensor_or_number("div", input, other)
    if isinstance(input, Tensor):
        return input.div(other, rounding_mode=rounding_mode)
    return other._divide(input, rounding_mode, "div", reverse=True)


def _compare(op, input, other, method):
    result = getattr(_tensor(op, input), method)(other)
    if result is NotImplemented:  # Python would read it as "not equal"; torch refuses
        raise TypeError(f"{op}: argument 'other' must be a Tensor or a number, not {type(other).__name__}")
    return result


def eq(input, other):
    """input == other, elementwise (bool)."""
    return _compare("eq", input, other, "__eq__")


def ne(input, other):
    """input != other, elementwise (bool)."""
    return _compare("ne", input, other, "__ne__")


def lt(input, other):
    """input < other, elementwise (bool)."""
    return _compare("lt", input, other, "__lt__")


def le(input, other):
    """input <= other, elementwise (bool)."""
    return _compare("le", input, other, "__le__")


def gt(input, other):
    """input > other, elementwise (bool)."""
    return _compare("gt", input, other, "__gt__")


def ge(input, other):
    """input >= other, elementwise (bool)."""
    return _compare("ge", input, other, "__ge__")


# ---- softmax -----------------------------------------------------------------------------
def _softmax(op, input, dim, dtype, axis):
    _tensor(op, input)
    dim = _required(op, _axis_alias(op, dim, axis, _UNSET), "dim")
    x = input if dtype is None else input.astype(dtypes.check(dtype, op))
    return getattr(x, op)(dim)


def softmax(input, dim=_UNSET, *, dtype=None, axis=_UNSET):
    """exp(x - max) / sum exp(x - max) along `dim` (input cast to `dtype` first if given)."""
    return _softmax("softmax", input, dim, dtype, axis)


def log_softmax(input, dim=_UNSET, *, dtype=None, axis=_UNSET):
    """x - logsumexp(x) along `dim` (input cast to `dtype` first if given)."""
    return _softmax("log_softmax", input, dim, dtype, axis)


# ---- matrix products ---------------------------------------------------------------------
def matmul(input, other):
    """The matrix product with numpy/torch rules (1-D operands promoted, batch axes broadcast)."""
    return _tensor("matmul", input).matmul(other)


def _matrices(op, input, mat2, ndim):
    """Check what torch's mm (ndim 2) and bmm (ndim 3) check: the ranks, the sizes, one dtype."""
    _tensor(op, input), _tensor(op, mat2, "mat2")
    for name, x in (("input", input), ("mat2", mat2)):
        if x.ndim != ndim:
            raise ValueError(f"{op}: {name} must be {ndim}-D, got shape {x.shape}")
    if ndim == 3 and input.shape[0] != mat2.shape[0]:
        raise ValueError(f"{op}: batch sizes differ: {input.shape} @ {mat2.shape}")
    if input.shape[-1] != mat2.shape[-2]:
        raise ValueError(f"{op}: {input.shape} @ {mat2.shape}: inner dimensions differ")
    if input.dtype != mat2.dtype:
        raise TypeError(f"{op}: input and mat2 must have the same dtype, got {input.dtype} and {mat2.dtype}")
    if input.dtype == np.bool_:
        raise TypeError(f"{op}: not supported for bool tensors (as in torch); convert first")
    return input.matmul(mat2)


def mm(input, mat2):
    """(n, k) @ (k, m) -> (n, m): the product of two matrices, without broadcasting."""
    return _matrices("mm", input, mat2, 2)


def bmm(input, mat2):
    """(b, n, k) @ (b, k, m) -> (b, n, m): a batch of matrix products, without broadcasting."""
    return _matrices("bmm", input, mat2, 3)


# ---- movement ----------------------------------------------------------------------------
def flatten(input, start_dim=0, end_dim=-1):
    """Axes start_dim..end_dim (inclusive) merged into one."""
    return _tensor("flatten", input).flatten(start_dim, end_dim)


def reshape(input, shape):
    """The same elements in `shape`; one axis may be -1 (inferred)."""
    return _tensor("reshape", input).reshape(shape)


def transpose(input, dim0=_UNSET, dim1=_UNSET, *, axis0=_UNSET, axis1=_UNSET):
    """input with axes dim0 and dim1 swapped."""
    _tensor("transpose", input)
    _required("transpose", _axis_alias("transpose", dim0, axis0, _UNSET, ("dim0", "axis0")), "dim0")
    _required("transpose", _axis_alias("transpose", dim1, axis1, _UNSET, ("dim1", "axis1")), "dim1")
    return input.transpose(dim0, dim1, axis0=axis0, axis1=axis1)


def t(input):
    """A matrix's transpose; a 0-D or 1-D tensor is returned as it is."""
    if _tensor("t", input).ndim > 2:
        raise ValueError(f"t: expects a tensor with at most 2 dimensions, got shape {input.shape}; "
                         "use transpose(input, dim0, dim1)")
    return input.T


def permute(input, dims):
    """Output axis i is input axis dims[i]."""
    return _tensor("permute", input).permute(dims)


def squeeze(input, dim=_UNSET, *, axis=_UNSET):
    """Remove size-1 axes (all of them, or those in `dim`)."""
    return _tensor("squeeze", input).squeeze(dim, axis=axis)


def unsqueeze(input, dim=_UNSET, *, axis=_UNSET):
    """Insert a size-1 axis at `dim`."""
    return _tensor("unsqueeze", input).unsqueeze(dim, axis=axis)


# ---- reductions --------------------------------------------------------------------------
def sum(input, dim=_UNSET, keepdim=False, *, dtype=None, axis=_UNSET):  # noqa: A001 - torch's name
    """Sum over `dim` (every axis when not given); integer and bool sums are int64."""
    return _tensor("sum", input).sum(dim, keepdim, dtype=dtype, axis=axis)


def mean(input, dim=_UNSET, keepdim=False, *, dtype=None, axis=_UNSET):
    """Arithmetic mean over `dim` (every axis when not given)."""
    return _tensor("mean", input).mean(dim, keepdim, dtype=dtype, axis=axis)


def max(input, dim=_UNSET, keepdim=False, *, axis=_UNSET, other=_UNSET):  # noqa: A001 - torch's name
    """max(input): the largest element; max(input, dim): (values, indices); max(input, other): maximum."""
    return _tensor("max", input).max(dim, keepdim, axis=axis, other=other)


def min(input, dim=_UNSET, keepdim=False, *, axis=_UNSET, other=_UNSET):  # noqa: A001 - torch's name
    """min(input): the smallest element; min(input, dim): (values, indices); min(input, other): minimum."""
    return _tensor("min", input).min(dim, keepdim, axis=axis, other=other)


def amax(input, dim=_UNSET, keepdim=False, *, axis=_UNSET):
    """Largest values over `dim` (an int or a tuple; every axis when not given or ())."""
    return _tensor("amax", input).amax(dim, keepdim, axis=axis)


def amin(input, dim=_UNSET, keepdim=False, *, axis=_UNSET):
    """Smallest values over `dim` (an int or a tuple; every axis when not given or ())."""
    return _tensor("amin", input).amin(dim, keepdim, axis=axis)


def argmax(input, dim=_UNSET, keepdim=False, *, axis=_UNSET):
    """Index of the largest value along `dim` (first on ties); the flat index when dim is None."""
    return _tensor("argmax", input).argmax(dim, keepdim, axis=axis)


def argmin(input, dim=_UNSET, keepdim=False, *, axis=_UNSET):
    """Index of the smallest value along `dim` (first on ties); the flat index when dim is None."""
    return _tensor("argmin", input).argmin(dim, keepdim, axis=axis)


def var(input, dim=_UNSET, unbiased=None, keepdim=False, *, correction=None, axis=_UNSET):
    """sum (x - mean)^2 / (N - correction) over `dim`; correction 1 by default."""
    return _tensor("var", input).var(dim, unbiased, keepdim, correction=correction, axis=axis)


def logsumexp(input, dim=_UNSET, keepdim=False, *, axis=_UNSET):
    """log sum exp(input) over `dim` (required, as in torch), computed as max + log sum exp(x - max)."""
    _tensor("logsumexp", input)
    dim = _required("logsumexp", _axis_alias("logsumexp", dim, axis, _UNSET), "dim")
    return input.logsumexp(dim, keepdim)


# ---- sizes and creation ------------------------------------------------------------------
def lerp(input, end, weight):
    """tg.lerp(input, end, weight) is input.lerp(end, weight): input + weight * (end - input)."""
    return _tensor("lerp", input).lerp(end, weight)


def numel(input):
    """The number of elements of input, a Python int."""
    return _tensor("numel", input).numel()


def full_like(input, fill_value, *, dtype=None, requires_grad=False, device=None):
    """A tensor of input's shape filled with `fill_value` (a number or a 0-d tensor), of input's dtype and
    device unless `dtype` or `device` is given."""
    _tensor("full_like", input)
    requires_grad = check_bool(requires_grad, "requires_grad", "full_like")
    if isinstance(fill_value, Tensor) and fill_value.ndim == 0:  # torch reads a 0-d tensor as its number
        fill_value = fill_value.item()
    get_backend(input.device if device is None else device, "full_like")
    if not dtypes.is_python_scalar(fill_value):
        raise TypeError(f"full_like: fill_value must be a real number, not {type(fill_value).__name__}")
    dtype = input.dtype if dtype is None else dtypes.check(dtype, "full_like")
    return Tensor.full(input.shape, dtypes.convert_scalar(fill_value, dtype, "full_like", "fill_value").item(),
                       dtype=dtype, requires_grad=requires_grad, device=input.device if device is None else device)
