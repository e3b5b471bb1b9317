"""torch's free functions for the elementwise math: `tg.sin(x)` is `x.sin()`, `tg.atan2(y, x)` is
`y.atan2(x)`, `tg.round(x, decimals=1)` is `x.round(1)`.

Each is made from the Tensor method of the same name, whose docstring states the math; as in
`functions`, `input` must be a Tensor (a list or an array is refused with a TypeError naming
the function).
"""
from .functions import _tensor, binary_from_method, unary_from_method

UNARY = ["sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "asinh", "acosh", "atanh",
         "log2", "log10", "log1p", "expm1", "exp2", "rsqrt", "reciprocal", "square", "erf", "erfc",
         "sign", "sgn", "floor", "ceil", "trunc", "frac", "negative", "positive"]
BINARY = ["atan2", "hypot", "logaddexp", "xlogy", "float_power"]

__all__ = UNARY + BINARY + ["round"]


def round(input, *, decimals=0):  # noqa: A001 - torch's name
    """tg.round(input, decimals=d) is input.round(d): to the nearest multiple of 10^-d, halves to even."""
    return _tensor("round", input).round(decimals)


for _name in UNARY:
    globals()[_name] = unary_from_method(_name, __name__)
for _name in BINARY:
    globals()[_name] = binary_from_method(_name, __name__)
del _name
