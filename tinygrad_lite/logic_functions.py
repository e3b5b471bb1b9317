"""torch's free functions for integer division, bitwise and logical ops and predicates
(tg.remainder, tg.bitwise_and, tg.logical_not, tg.isnan, tg.isclose, ...).

Each is the Tensor method of the same name, whose docstring states the math (see
functions.unary_from_method); as in `functions`, `input` must be a Tensor, except where torch
lets a Python number come first (tg.remainder(5, t), tg.bitwise_and(5, t), ...: the reflected
operator of `other`). tg.div and tg.clamp / tg.clip live in `functions`.
"""
from . import dtypes
from ._tensor import Tensor
from .functions import _named, _tensor, binary_from_method, unary_from_method

UNARY = ["bitwise_not", "logical_not", "isnan", "isinf", "isposinf", "isneginf", "isfinite", "isreal",
         "signbit"]
BINARY = ["true_divide", "floor_divide", "fmod", "logical_and", "logical_or", "logical_xor", "fmax", "fmin",
          "copysign", "equal"]
# name -> the reflected operator `other` answers with when `input` is a Python number, as torch allows
NUMBER_FIRST = {"remainder": "__rmod__", "bitwise_and": "__rand__", "bitwise_or": "__ror__",
                "bitwise_xor": "__rxor__", "bitwise_left_shift": "__rlshift__",
                "bitwise_right_shift": "__rrshift__"}

__all__ = UNARY + BINARY + list(NUMBER_FIRST) + ["divide", "nan_to_num", "isclose", "allclose", "clamp_min",
                                                   "clamp_max"]


def _number_first(name, reflected):
    """tg.<name>(input, other) = input.<name>(other), or other.<reflected>(input) for a number input."""
    def function(input, other):
        if dtypes.is_python_scalar(input) and isinstance(other, Tensor):
            return getattr(other, reflected)(input)
        return getattr(_tensor(name, input), name)(other)
    return _named(function, name, __name__, f"tg.{name}(input, other) is input.{name}(other)")


def divide(input, other, *, rounding_mode=None):
    """The same as tg.div: input / other, rounded as `rounding_mode` (None, "trunc", "floor") says."""
    if dtypes.is_python_scalar(input) and isinstance(other, Tensor):
        return other._divide(input, rounding_mode, "divide", reverse=True)
    return _tensor("divide", input).divide(other, rounding_mode=rounding_mode)


def clamp_min(input, min):  # noqa: A002 - torch's name
    """max(input, min): tg.clamp(input, min=min) (min a number or a Tensor)."""
    return _tensor("clamp_min", input).clamp_min(min)


def clamp_max(input, max):  # noqa: A002 - torch's name
    """min(input, max): tg.clamp(input, max=max) (max a number or a Tensor)."""
    return _tensor("clamp_max", input).clamp_max(max)


def nan_to_num(input, nan=0.0, posinf=None, neginf=None):
    """tg.nan_to_num(input, ...) is input.nan_to_num(...): NaN -> nan, +inf -> posinf, -inf -> neginf."""
    return _tensor("nan_to_num", input).nan_to_num(nan, posinf, neginf)


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """|input - other| <= atol + rtol |other|, elementwise (bool); see Tensor.isclose."""
    return _tensor("isclose", input).isclose(other, rtol, atol, equal_nan)


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """True (a Python bool) when every element of isclose(input, other, ...) is."""
    return _tensor("allclose", input).allclose(other, rtol, atol, equal_nan)


for _name in UNARY:
    globals()[_name] = unary_from_method(_name, __name__)
for _name in BINARY:
    globals()[_name] = binary_from_method(_name, __name__)
for _name, _reflected in NUMBER_FIRST.items():
    globals()[_name] = _number_first(_name, _reflected)
del _name, _reflected
