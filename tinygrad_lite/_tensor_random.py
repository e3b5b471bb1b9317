"""Tensor's random in-place fills as torch's: normal_, uniform_, bernoulli_, ..., and the random draws made from a tensor.

`TensorRandom` is a base class of Tensor; it holds no state of its own (`__slots__ = ()`).
"""


class TensorRandom:
    """See the module docstring."""

    __slots__ = ()
