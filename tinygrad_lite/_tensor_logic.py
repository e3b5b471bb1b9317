"""Tensor's integer-division, bitwise, logical and predicate methods as torch's (div(rounding_mode=), floor_divide, fmod, remainder, &, |, ^, ~, <<, >>, logical_*, isnan, isclose, ...).

`TensorLogic` is a base class of Tensor; it holds no state of its own (`__slots__ = ()`).
"""


class TensorLogic:
    """See the module docstring."""

    __slots__ = ()
