"""torch's free functions for the elementwise math: `tg.sin(x)` is `x.sin()`, `tg.atan2(y, x)` is
`y.atan2(x)`, `tg.round(x, decimals=1)` is `x.round(1)`.

Each is made from the Tensor method of the same name, whose docstring states the math; as in
`functions`, `input` must be a Tensor (a list or an array is refused with a TypeError naming
the function).
"""
from ._tensor_math import TensorMath
from .functions import _tensor

UNARY = ["sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "asinh", "acosh", "atanh",
         "log2", "log10", "log1p", "expm1", "exp2", "rsqrt", "reciprocal", "square", "erf", "erfc",
         "sign", "sgn", "floor", "ceil", "trunc", "frac"]
BINARY = ["atan2", "hypot", "logaddexp", "xlogy"]

__all__ = UNARY + BINARY + ["round"]


def _unary(name):
    def function(input):
        return getattr(_tensor(name, input), name)()
    return _named(function, name, f"tg.{name}(input) is input.{name}()")


def _binary(name):
    def function(input, other):
        return getattr(_tensor(name, input), name)(other)
    return _named(function, name, f"tg.{name}(input, other) is input.{name}(other)")


def _named(function, name, summary):
    function.__name__ = function.__qualname__ = name
    function.__module__ = __name__
    function.__doc__ = f"{summary}: {getattr(TensorMath, name).__doc__}"
    return function


def round(input, *, decimals=0):  # noqa: A001 - torch's name
    """tg.round(input, decimals=d) is input.round(d): to the nearest multiple of 10^-d, halves to even."""
    return _tensor("round", input).round(decimals)


for _name in UNARY:
    globals()[_name] = _unary(_name)
for _name in BINARY:
    globals()[_name] = _binary(_name)
del _name
