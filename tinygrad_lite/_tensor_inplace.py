"""Tensor's in-place methods in torch's spelling (add_(other, alpha=), addcmul_, clamp_, masked_fill_, normal_, ...), item assignment (x[i] = v) and retain_grad.

`TensorInplace` is a base class of Tensor; it holds no state of its own (`__slots__ = ()`).
"""


class TensorInplace:
    """See the module docstring."""

    __slots__ = ()
