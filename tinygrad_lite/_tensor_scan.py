"""Tensor's cumulative and sorting methods as torch's: cumsum, cumprod, cummax, cummin, logcumsumexp, sort, argsort, topk, kthvalue, median, mode, unique, ...

`TensorScan` is a base class of Tensor; it holds no state of its own (`__slots__ = ()`).
"""


class TensorScan:
    """See the module docstring."""

    __slots__ = ()
