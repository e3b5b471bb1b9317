"""The activation modules, as torch.nn's (torch keeps them in nn/modules/activation.py).

Each holds its settings (checked when it is made, errors naming the module) and calls one
function of nn.functional, where the math is written in the docstring. `inplace=True`
overwrites the input with the result, as torch's (see nn/functional_activations.py).
(ReLU, Sigmoid, Tanh and GELU are in layers.py.)
"""
import numpy as np

from .._tensor import _UNSET, Tensor, _axis_alias, _one_axis
from .._validate import check_bool, check_number, check_size
from . import functional as F
from .layers import _check_dtype, _check_parameters
from .module import Module, Parameter

__all__ = [
    "SiLU", "ELU", "SELU", "CELU", "Softplus", "Softsign", "Mish", "Hardtanh", "ReLU6", "Hardsigmoid",
    "Hardswish", "LogSigmoid", "GLU", "PReLU", "RReLU", "Softmin", "Softmax", "LogSoftmax", "Threshold",
    "Tanhshrink", "Hardshrink", "Softshrink", "LeakyReLU", "Softmax2d",
]


def _input(x, module):
    if not isinstance(x, Tensor):
        raise TypeError(f"{module}.forward: argument 'input' must be a Tensor, not {type(x).__name__}")
    return x


class _Elementwise(Module):
    """A module that calls F.<function>(input, **settings)."""

    function = None  # the name of the nn.functional function
    settings = ()    # the attribute names passed on to it, in order

    def forward(self, input):
        return getattr(F, self.function)(input, **{name: getattr(self, name) for name in self.settings})

    def extra_repr(self):
        parts = [f"{name}={getattr(self, name)}" for name in self.settings if name != "inplace"]
        return ", ".join(parts + (["inplace=True"] if getattr(self, "inplace", False) else []))


def _inplace(inplace, module):
    return check_bool(inplace, "inplace", module)


class SiLU(_Elementwise):
    """x * sigmoid(x)."""

    function, settings = "silu", ("inplace",)

    def __init__(self, inplace=False):
        self.inplace = _inplace(inplace, "SiLU")


class ELU(_Elementwise):
    """x for x > 0, alpha (e^x - 1) for x <= 0."""

    function, settings = "elu", ("alpha", "inplace")

    def __init__(self, alpha=1.0, inplace=False):
        self.alpha = check_number(alpha, "alpha", "ELU", finite=False)
        self.inplace = _inplace(inplace, "ELU")


class SELU(_Elementwise):
    """scale (x for x > 0, alpha (e^x - 1) for x <= 0), alpha = 1.6732632423543772848,
    scale = 1.0507009873554804934."""

    function, settings = "selu", ("inplace",)

    def __init__(self, inplace=False):
        self.inplace = _inplace(inplace, "SELU")


class CELU(_Elementwise):
    """x for x > 0, alpha (e^(x/alpha) - 1) for x <= 0."""

    function, settings = "celu", ("alpha", "inplace")

    def __init__(self, alpha=1.0, inplace=False):
        self.alpha = check_number(alpha, "alpha", "CELU", finite=False)
        if self.alpha == 0:
            raise ValueError("CELU: alpha must not be 0 (celu divides by it)")
        self.inplace = _inplace(inplace, "CELU")


class Softplus(_Elementwise):
    """log(1 + e^(beta x)) / beta, and x where beta x > threshold."""

    function, settings = "softplus", ("beta", "threshold")

    def __init__(self, beta=1.0, threshold=20.0):
        self.beta = check_number(beta, "beta", "Softplus", finite=False)
        self.threshold = check_number(threshold, "threshold", "Softplus", finite=False)


class Softsign(_Elementwise):
    """x / (1 + |x|)."""

    function = "softsign"


class Mish(_Elementwise):
    """x tanh(softplus(x))."""

    function, settings = "mish", ("inplace",)

    def __init__(self, inplace=False):
        self.inplace = _inplace(inplace, "Mish")


class Hardtanh(_Elementwise):
    """min(max(x, min_val), max_val)."""

    function, settings = "hardtanh", ("min_val", "max_val", "inplace")

    def __init__(self, min_val=-1.0, max_val=1.0, inplace=False):
        self.min_val = check_number(min_val, "min_val", "Hardtanh", finite=False)
        self.max_val = check_number(max_val, "max_val", "Hardtanh", finite=False)
        if self.min_val > self.max_val:
            raise ValueError(f"Hardtanh: min_val ({min_val}) cannot be greater than max_val ({max_val})")
        self.inplace = _inplace(inplace, "Hardtanh")


class ReLU6(_Elementwise):
    """min(max(x, 0), 6)."""

    function, settings = "relu6", ("inplace",)

    def __init__(self, inplace=False):
        self.inplace = _inplace(inplace, "ReLU6")


class Hardsigmoid(_Elementwise):
    """min(max(x + 3, 0), 6) / 6."""

    function, settings = "hardsigmoid", ("inplace",)

    def __init__(self, inplace=False):
        self.inplace = _inplace(inplace, "Hardsigmoid")


class Hardswish(_Elementwise):
    """x min(max(x + 3, 0), 6) / 6."""

    function, settings = "hardswish", ("inplace",)

    def __init__(self, inplace=False):
        self.inplace = _inplace(inplace, "Hardswish")


class LogSigmoid(_Elementwise):
    """log(1 / (1 + e^-x))."""

    function = "logsigmoid"


class Tanhshrink(_Elementwise):
    """x - tanh(x)."""

    function = "tanhshrink"


class Hardshrink(_Elementwise):
    """x where |x| > lambd, else 0."""

    function, settings = "hardshrink", ("lambd",)

    def __init__(self, lambd=0.5):
        self.lambd = check_number(lambd, "lambd", "Hardshrink", finite=False)

    def extra_repr(self):
        return f"{self.lambd}"


class Softshrink(_Elementwise):
    """x - lambd above lambd, x + lambd below -lambd, else 0 (lambd >= 0)."""

    function, settings = "softshrink", ("lambd",)

    def __init__(self, lambd=0.5):
        self.lambd = check_number(lambd, "lambd", "Softshrink", low=0, finite=False)

    def extra_repr(self):
        return f"{self.lambd}"


class Threshold(_Elementwise):
    """x where x > threshold, else value."""

    function, settings = "threshold", ("threshold", "value", "inplace")

    def __init__(self, threshold, value, inplace=False):
        self.threshold = check_number(threshold, "threshold", "Threshold", finite=False)
        self.value = check_number(value, "value", "Threshold", finite=False)
        self.inplace = _inplace(inplace, "Threshold")


class LeakyReLU(_Elementwise):
    """x for x > 0, negative_slope x otherwise."""

    function, settings = "leaky_relu", ("negative_slope", "inplace")

    def __init__(self, negative_slope=0.01, inplace=False):
        self.negative_slope = check_number(negative_slope, "negative_slope", "LeakyReLU", finite=False)
        self.inplace = _inplace(inplace, "LeakyReLU")


class RReLU(Module):
    """x for x > 0, a x otherwise: in training a ~ U(lower, upper) drawn per element and per call,
    in evaluation a = (lower + upper) / 2."""

    def __init__(self, lower=1.0 / 8, upper=1.0 / 3, inplace=False):
        self.lower = check_number(lower, "lower", "RReLU")
        self.upper = check_number(upper, "upper", "RReLU")
        if self.lower > self.upper:
            raise ValueError(f"RReLU: lower ({lower}) must be less than or equal to upper ({upper})")
        self.inplace = _inplace(inplace, "RReLU")

    def forward(self, input):
        return F.rrelu(input, self.lower, self.upper, self.training, self.inplace)

    def extra_repr(self):
        return f"lower={self.lower}, upper={self.upper}" + (", inplace=True" if self.inplace else "")


class PReLU(Module):
    """x for x > 0, a x otherwise, with a learnable: one slope (num_parameters=1) or one per channel
    (axis 1 of the input), each initialised to `init`."""

    def __init__(self, num_parameters=1, init=0.25, dtype=None):
        self.num_parameters = check_size(num_parameters, "num_parameters", "PReLU", low=1)
        self.init = init = check_number(init, "init", "PReLU")
        dtype = _check_dtype(dtype, "PReLU")
        _check_parameters([(self.num_parameters,)], dtype, "PReLU")
        self.weight = Parameter(np.full(self.num_parameters, init), dtype=dtype)

    def forward(self, input):
        return F.prelu(_input(input, "PReLU"), self.weight)

    def extra_repr(self):
        return f"num_parameters={self.num_parameters}"


class _AlongDim(Module):
    """A module applying F.<function>(input, dim) along one axis, checked against the input's shape
    with the module's name in the message."""

    function = None
    implied = False  # True: dim=None picks softmax's implicit axis (with a warning), as torch

    def __init__(self, dim=_UNSET, *, axis=_UNSET):
        name = type(self).__name__
        self.dim = _axis_alias(name, dim, axis, None if self.implied else -1)
        if self.dim is not None and (not isinstance(self.dim, (int, np.integer)) or isinstance(self.dim, bool)):
            raise TypeError(f"{name}: dim must be an int{' or None' if self.implied else ''}, not {self.dim!r}")

    def forward(self, input):
        x = _input(input, type(self).__name__)
        if self.dim is not None:
            _one_axis(self.dim, x.shape, type(self).__name__)
        return getattr(F, self.function)(x, dim=self.dim)

    def extra_repr(self):
        return f"dim={self.dim}"


class Softmax(_AlongDim):
    """exp(x_i) / sum_j exp(x_j) along `dim`."""

    function, implied = "softmax", True


class LogSoftmax(_AlongDim):
    """x_i - log sum_j exp(x_j) along `dim`."""

    function, implied = "log_softmax", True


class Softmin(_AlongDim):
    """exp(-x_i) / sum_j exp(-x_j) along `dim`."""

    function, implied = "softmin", True


class GLU(_AlongDim):
    """a sigmoid(b), a and b the halves of the input along `dim` (default -1)."""

    function = "glu"


class Softmax2d(Module):
    """softmax over the channels at every position: along dim -3 of a (C, H, W) or (N, C, H, W) input."""

    def forward(self, input):
        x = _input(input, "Softmax2d")
        if x.ndim not in (3, 4):
            raise ValueError(f"Softmax2d: expects a 3-d or 4-d input (channels at dim -3), not {x.shape}")
        if x.dtype.kind != "f":
            raise TypeError(f"Softmax2d: needs a floating-point input, not {x.dtype}")
        return F.softmax(x, dim=-3)

