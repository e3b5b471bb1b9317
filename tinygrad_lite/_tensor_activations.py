"""The activations torch also offers as Tensor methods: x.prelu(weight) and x.hardshrink(lambd).

(relu, sigmoid, tanh, softmax and log_softmax live in _tensor.py.) `TensorActivations` is a
base class of Tensor; it holds no state of its own (`__slots__ = ()`). nn.functional's
prelu and hardshrink call these methods, so the checks are written once.
"""
from . import _tensor as _t, dtypes
from ._validate import check_number
from .autograd import check_same_device
from .ops import activations as act


def _float_tensor(x, op, name="input"):
    """`x` if it is a floating-point Tensor, else a TypeError naming `op` and the argument."""
    if not isinstance(x, _t.Tensor):
        raise TypeError(f"{op}: argument '{name}' must be a Tensor, not {type(x).__name__}")
    if x.dtype.kind != "f":
        raise TypeError(f"{op}: {name} must be floating-point, not {x.dtype} (as torch); "
                        "convert it first, e.g. x.astype(tg.float32)")
    return x


def pointwise(x, function, **params):
    """function(x) with float16 computed in float32 and rounded once (the gradient likewise)."""
    if x.dtype == dtypes.float16:
        return function.apply(x.astype(dtypes.float32), **params).astype(dtypes.float16)
    return function.apply(x, **params)


class TensorActivations:
    """Activation methods of Tensor (see the module docstring)."""

    __slots__ = ()

    def prelu(self, weight):
        """out = x where x > 0, else weight * x, with weight a learnable slope:
        one number, or one per channel (axis 1 of x; a 1-d x has one channel).
        d out/dx = 1 or weight;  d out/dweight = x where x <= 0, summed over all but the channel axis."""
        x = _float_tensor(self, "prelu")
        w = _float_tensor(weight, "prelu", "weight")
        check_same_device([x, w], "prelu")
        if w.dtype != x.dtype:
            raise TypeError(f"prelu: input is {x.dtype} but weight is {w.dtype}; they must have the same "
                            "dtype (torch does not promote here)")
        if w.ndim > 1:
            raise ValueError(f"prelu: weight must be a number or a 1-d tensor, not of shape {w.shape}")
        if w.numel() == 1:
            w = w.reshape(())
        else:
            if x.ndim == 0:
                raise ValueError(f"prelu: a 0-d input takes one weight, not {w.numel()}")
            channels = x.shape[1] if x.ndim > 1 else 1
            if w.numel() != channels:
                raise ValueError(f"prelu: weight {w.shape} must hold 1 number or one per channel: the "
                                 f"input {x.shape} has {channels} channel(s) (axis 1)")
            w = w.reshape((1, channels) + (1,) * (x.ndim - 2))
        if x.dtype == dtypes.float16:
            return act.PReLU.apply(x.astype(dtypes.float32), w.astype(dtypes.float32)).astype(dtypes.float16)
        return act.PReLU.apply(x, w)

    def hardshrink(self, lambd=0.5):
        """out = 0 where -lambd <= x <= lambd, else x;  d out/dx = 0 there, else 1."""
        x = _float_tensor(self, "hardshrink")
        lambd = check_number(lambd, "lambd", "hardshrink", finite=False)
        return pointwise(x, act.Hardshrink, lambd=lambd)
