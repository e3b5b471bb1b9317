"""torch.nn.functional's activation functions beyond relu/sigmoid/tanh/gelu/leaky_relu/softmax.

Each checks its arguments (a TypeError or ValueError naming the function), then calls one op
of ops/activations.py, where its forward and backward are written out. As torch: these take
floating-point tensors (hardtanh, relu6 and threshold also take integer ones and keep their
dtype; softsign and tanhshrink turn them into the default float dtype); float16 is computed
in float32 and rounded once.

`inplace=True` (and torch's F.elu_, F.hardtanh_, ...) overwrite x with the result and return x,
recorded in the graph as torch records an in-place op (`assign_in_place`): the gradient flows to
x's history, a leaf that requires grad is refused, and an op that saved x's old values refuses
its backward.
"""
import numpy as np

from .._tensor import _UNSET, Tensor, _axis_alias, _one_axis, _softmax_dim
from .._tensor_activations import _float_tensor, pointwise
from .._tensor_inplace import assign_in_place
from .._validate import check_bool, check_number
from ..ops import activations as act
from ..rng import generator

__all__ = [
    "silu", "elu", "selu", "celu", "softplus", "softsign", "mish", "hardtanh", "relu6", "hardsigmoid",
    "hardswish", "logsigmoid", "glu", "prelu", "rrelu", "softmin", "threshold", "tanhshrink",
    "hardshrink", "softshrink", "gumbel_softmax",
    "relu_", "elu_", "selu_", "celu_", "hardtanh_", "rrelu_", "threshold_", "leaky_relu_",
]

# selu's constants, as torch's (Klambauer et al., 2017)
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def _apply(x, inplace, op, function, **params):
    """function(x) (float16 in float32), or with inplace=True x overwritten with it, in place."""
    if check_bool(inplace, "inplace", op):
        return assign_in_place(x, f"{op}_", lambda old: pointwise(old, function, **params))
    return pointwise(x, function, **params)


def _number(value, name, op):
    return check_number(value, name, op, finite=False)


def _integer_or_float(x, op):
    """A Tensor that is floating-point or integer (bool refused, as torch)."""
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}: argument 'input' must be a Tensor, not {type(x).__name__}")
    if x.dtype.kind not in "fiu":
        raise TypeError(f"{op}: not supported for {x.dtype} tensors (as in torch); convert first, "
                        "e.g. x.astype(tg.float32)")
    return x


def silu(input, inplace=False):
    """silu(x) = x * sigmoid(x) (the swish);  d/dx = s (1 + x (1 - s)), s = sigmoid(x)."""
    x = _float_tensor(input, "silu")
    return _apply(x, inplace, "silu", act.SiLU)


def elu(input, alpha=1.0, inplace=False):
    """elu(x) = x for x > 0, alpha (e^x - 1) for x <= 0;  d/dx = 1 or alpha e^x."""
    x = _float_tensor(input, "elu")
    alpha = _number(alpha, "alpha", "elu")
    return _apply(x, inplace, "elu", act.ELU, alpha=alpha, scale=1.0, input_scale=1.0)


def selu(input, inplace=False):
    """selu(x) = scale (x for x > 0, alpha (e^x - 1) for x <= 0), with torch's constants
    alpha = 1.6732632423543772848, scale = 1.0507009873554804934;  d/dx = scale or scale alpha e^x."""
    x = _float_tensor(input, "selu")
    return _apply(x, inplace, "selu", act.ELU, alpha=_SELU_ALPHA, scale=_SELU_SCALE, input_scale=1.0)


def celu(input, alpha=1.0, inplace=False):
    """celu(x) = x for x > 0, alpha (e^(x/alpha) - 1) for x <= 0 (alpha != 0);  d/dx = 1 or e^(x/alpha)."""
    x = _float_tensor(input, "celu")
    alpha = _number(alpha, "alpha", "celu")
    if alpha == 0:
        raise ValueError("celu: alpha must not be 0 (celu divides by it)")
    backward_input_scale = 1.0 / float(np.float32(alpha))  # torch's celu backward: 1 / alpha rounded to float32
    return _apply(x, inplace, "celu", act.ELU, alpha=alpha, scale=1.0, input_scale=1.0 / alpha,
                  backward_input_scale=backward_input_scale)


def softplus(input, beta=1.0, threshold=20.0):
    """softplus(x) = log(1 + e^(beta x)) / beta, and x itself where beta x > threshold (where the
    two agree to rounding);  d/dx = sigmoid(beta x), or 1 above the threshold.
    Computed as (max(z, 0) + log1p(e^-|z|)) / beta, z = beta x: no overflow for any x."""
    x = _float_tensor(input, "softplus")
    beta = _number(beta, "beta", "softplus")
    threshold = _number(threshold, "threshold", "softplus")
    return pointwise(x, act.Softplus, beta=beta, threshold=threshold)


def softsign(input):
    """softsign(x) = x / (1 + |x|);  d/dx = 1 / (1 + |x|)^2. Integers become the default float dtype."""
    x = _integer_or_float(input, "softsign")
    return pointwise(x._as_float(), act.Softsign)


def mish(input, inplace=False):
    """mish(x) = x tanh(softplus(x));  d/dx = t + x sigmoid(x) (1 - t^2), t = tanh(softplus(x))."""
    x = _float_tensor(input, "mish")
    return _apply(x, inplace, "mish", act.Mish)


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    """hardtanh(x) = min(max(x, min_val), max_val);  d/dx = 1 strictly between the bounds, else 0.
    An integer tensor stays integer (no gradient)."""
    x = _integer_or_float(input, "hardtanh")
    min_val = _number(min_val, "min_val", "hardtanh")
    max_val = _number(max_val, "max_val", "hardtanh")
    if min_val > max_val:
        raise ValueError(f"hardtanh: min_val ({min_val}) cannot be greater than max_val ({max_val})")
    return _apply(x, inplace, "hardtanh", act.Hardtanh, min_val=min_val, max_val=max_val)


def relu6(input, inplace=False):
    """relu6(x) = min(max(x, 0), 6) (hardtanh with bounds 0 and 6);  d/dx = 1 for 0 < x < 6, else 0."""
    x = _integer_or_float(input, "relu6")
    return _apply(x, inplace, "relu6", act.Hardtanh, min_val=0.0, max_val=6.0)


def hardsigmoid(input, inplace=False):
    """hardsigmoid(x) = min(max(x + 3, 0), 6) / 6;  d/dx = 1/6 for -3 < x < 3, else 0."""
    x = _float_tensor(input, "hardsigmoid")
    return _apply(x, inplace, "hardsigmoid", act.Hardsigmoid)


def hardswish(input, inplace=False):
    """hardswish(x) = x min(max(x + 3, 0), 6) / 6;  d/dx = 0 below -3, x/3 + 1/2 on [-3, 3], 1 above."""
    x = _float_tensor(input, "hardswish")
    return _apply(x, inplace, "hardswish", act.Hardswish)


def logsigmoid(input):
    """logsigmoid(x) = log(1 / (1 + e^-x)) = min(x, 0) - log1p(e^-|x|);  d/dx = sigmoid(-x)."""
    return pointwise(_float_tensor(input, "logsigmoid"), act.LogSigmoid)


def glu(input, dim=_UNSET, *, axis=_UNSET):
    """glu(x) = a * sigmoid(b), where a and b are the first and second halves of x along `dim`;
    d/da = sigmoid(b), d/db = a sigmoid(b) (1 - sigmoid(b)). The size along `dim` must be even."""
    dim = _axis_alias("glu", dim, axis, -1)
    x = _float_tensor(input, "glu")
    if x.ndim == 0:
        raise ValueError("glu: a 0-d tensor cannot be halved (as torch: glu does not support scalars)")
    dim = _one_axis(dim, x.shape, "glu")
    if x.shape[dim] % 2:
        raise ValueError(f"glu: the halved dimension must have an even size, but dim {dim} of {x.shape} "
                         f"has size {x.shape[dim]}")
    return pointwise(x, act.GLU, axis=dim)


def prelu(input, weight):
    """prelu(x, w) = x for x > 0, w x otherwise, with w one number or one per channel (axis 1);
    d/dx = 1 or w, d/dw = x where x <= 0, summed over all but the channel axis."""
    if not isinstance(input, Tensor):
        raise TypeError(f"prelu: argument 'input' must be a Tensor, not {type(input).__name__}")
    return input.prelu(weight)


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, inplace=False):
    """Randomized leaky relu: out = x for x > 0 and a x for x <= 0, where
    in training each element draws its own slope a ~ U(lower, upper) (the gradient is that a), and in
    evaluation a = (lower + upper) / 2 for every element (leaky_relu with that slope)."""
    x = _float_tensor(input, "rrelu")
    lower = check_number(lower, "lower", "rrelu")
    upper = check_number(upper, "upper", "rrelu")
    if lower > upper:
        raise ValueError(f"rrelu: lower ({lower}) must be less than or equal to upper ({upper})")
    training = check_bool(training, "training", "rrelu")
    inplace = check_bool(inplace, "inplace", "rrelu")
    if not training:
        compute = lambda old: old.leaky_relu((lower + upper) / 2)
    else:  # the slopes are drawn once, before the update (assign_in_place may compute twice)
        slopes = generator().uniform(lower, upper, size=x.shape)
        noise = Tensor(((x.numpy() <= 0) * slopes + (x.numpy() > 0)).astype(x.dtype), device=x.device)  # NaN: 1
        compute = lambda old: old * noise
    return assign_in_place(x, "rrelu_", compute) if inplace else compute(x)


def softmin(input, dim=_UNSET, *, axis=_UNSET):
    """softmin(x) = softmax(-x) = exp(-x_i) / sum_j exp(-x_j) along `dim`; without dim, the axis is
    implied as for softmax (with a warning)."""
    dim = _axis_alias("softmin", dim, axis, None)
    x = _float_tensor(input, "softmin")
    return (-x).softmax(_softmax_dim(x.shape, dim, "softmin"))


def gumbel_softmax(logits, tau=1, hard=False, eps=1e-10, dim=_UNSET, *, axis=_UNSET):
    """A sample of the Gumbel-softmax (Concrete) distribution: y = softmax((logits + g) / tau) along
    `dim`, with g_i = -log(E_i), E_i ~ Exponential(1) independent (Gumbel noise, from the seeded
    generator). As tau -> 0, y approaches the one-hot of argmax(logits + g), which picks class i
    with probability softmax(logits)_i (the Gumbel-max trick). hard=True returns that one-hot with
    y's gradient (straight-through: one_hot - y.detach() + y). eps is unused, as in torch."""
    dim = _axis_alias("gumbel_softmax", dim, axis, -1)
    x = _float_tensor(logits, "gumbel_softmax", "logits")
    tau = check_number(tau, "tau", "gumbel_softmax", low=0, low_open=True)
    hard = check_bool(hard, "hard", "gumbel_softmax")
    check_number(eps, "eps", "gumbel_softmax")
    dim = _one_axis(dim, x.shape, "gumbel_softmax")
    with np.errstate(divide="ignore"):  # an Exponential draw of exactly 0 gives g = inf, as torch's
        noise = -np.log(generator().exponential(size=x.shape))
    y = ((x + Tensor(noise.astype(x.dtype), device=x.device)) / tau).softmax(dim)
    if not hard:
        return y
    values = y.numpy()
    one_hot = np.zeros_like(values)
    if values.ndim == 0:
        one_hot[()] = 1
    elif values.size:
        np.put_along_axis(one_hot, np.expand_dims(values.argmax(axis=dim), dim), 1, axis=dim)
    return Tensor(one_hot, device=x.device) - y.detach() + y


def threshold(input, threshold, value, inplace=False):
    """threshold(x) = x where x > threshold, else value;  d/dx = 1 where x > threshold, else 0.
    An integer tensor stays integer."""
    x = _integer_or_float(input, "threshold")
    threshold = _number(threshold, "threshold", "threshold")
    value = _number(value, "value", "threshold")
    return _apply(x, inplace, "threshold", act.Threshold, threshold=threshold, value=value)


def tanhshrink(input):
    """tanhshrink(x) = x - tanh(x);  d/dx = tanh(x)^2. Integers become the default float dtype."""
    x = _integer_or_float(input, "tanhshrink")
    return pointwise(x._as_float(), act.Tanhshrink)


def hardshrink(input, lambd=0.5):
    """hardshrink(x) = x where |x| > lambd, else 0;  d/dx = 1 where |x| > lambd, else 0."""
    if not isinstance(input, Tensor):
        raise TypeError(f"hardshrink: argument 'input' must be a Tensor, not {type(input).__name__}")
    return input.hardshrink(lambd)


def softshrink(input, lambd=0.5):
    """softshrink(x) = x - lambd for x > lambd, x + lambd for x < -lambd, else 0 (lambd >= 0);
    d/dx = 1 where |x| > lambd, else 0."""
    x = _float_tensor(input, "softshrink")
    lambd = _number(lambd, "lambd", "softshrink")
    if lambd < 0:
        raise ValueError(f"softshrink: lambd must be >= 0, not {lambd}")
    return pointwise(x, act.Softshrink, lambd=lambd)


# ---- torch's in-place spellings: x overwritten with the result, and returned ---------------

def relu_(input):
    """x <- max(x, 0), in place (x.relu_())."""
    if not isinstance(input, Tensor):
        raise TypeError(f"relu_: argument 'input' must be a Tensor, not {type(input).__name__}")
    return input.relu_()


def elu_(input, alpha=1.0):
    """x <- elu(x, alpha), in place."""
    return elu(input, alpha, inplace=True)


def selu_(input):
    """x <- selu(x), in place."""
    return selu(input, inplace=True)


def celu_(input, alpha=1.0):
    """x <- celu(x, alpha), in place."""
    return celu(input, alpha, inplace=True)


def hardtanh_(input, min_val=-1.0, max_val=1.0):
    """x <- hardtanh(x, min_val, max_val), in place."""
    return hardtanh(input, min_val, max_val, inplace=True)


def rrelu_(input, lower=1.0 / 8, upper=1.0 / 3, training=False):
    """x <- rrelu(x, lower, upper, training), in place."""
    return rrelu(input, lower, upper, training, inplace=True)


def threshold_(input, threshold, value):
    """x <- threshold(x, threshold, value), in place."""
    return globals()["threshold"](input, threshold, value, inplace=True)


def leaky_relu_(input, negative_slope=0.01):
    """x <- leaky_relu(x, negative_slope), in place: x for x > 0, negative_slope x otherwise."""
    x = _float_tensor(input, "leaky_relu_")
    slope = _number(negative_slope, "negative_slope", "leaky_relu_")
    return assign_in_place(x, "leaky_relu_", lambda old: old.leaky_relu(slope))
