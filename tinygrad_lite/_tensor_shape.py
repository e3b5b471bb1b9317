"""Tensor's shape methods as torch's: tril, triu, roll, flip, repeat, tile, repeat_interleave, movedim, swapaxes, diagonal, ...

`TensorShape` is a base class of Tensor; it holds no state of its own (`__slots__ = ()`).
"""


class TensorShape:
    """See the module docstring."""

    __slots__ = ()
