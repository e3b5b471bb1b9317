"""Tensor's gather and scatter methods as torch's: gather, scatter, scatter_add, scatter_reduce, index_select, index_add, take_along_dim, masked_select, nonzero, ...

`TensorIndex` is a base class of Tensor; it holds no state of its own (`__slots__ = ()`).
"""


class TensorIndex:
    """See the module docstring."""

    __slots__ = ()
