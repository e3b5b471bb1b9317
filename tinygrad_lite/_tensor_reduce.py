"""Tensor's further reductions as torch's: std, prod, norm, aminmax, any, all, count_nonzero, nansum, nanmean, ...

`TensorReduce` is a base class of Tensor; it holds no state of its own (`__slots__ = ()`).
"""


class TensorReduce:
    """See the module docstring."""

    __slots__ = ()
