"""Tensor's linear-algebra methods as torch's: outer, dot, mv, bmm, addmm, baddbmm, cross, diag, trace, ...

`TensorLinalg` is a base class of Tensor; it holds no state of its own (`__slots__ = ()`).
"""


class TensorLinalg:
    """See the module docstring."""

    __slots__ = ()
