"""Elementwise ops: arithmetic, math functions, activations, casts, where.

Binary ops broadcast their inputs (the Tensor front end has already checked the
shapes and promoted the dtypes), so each backward sums its gradient back down to
the input's shape with `unbroadcast`.
"""
import numpy as np

from ..autograd import Function, unbroadcast


def _grads(ctx, ga, gb):
    """Keep only the gradients somebody asked for, reduced to the input shapes."""
    a, b = ctx.parents
    return (unbroadcast(ga(), a.shape) if ctx.needs_input_grad[0] else None,
            unbroadcast(gb(), b.shape) if ctx.needs_input_grad[1] else None)


class Add(Function):
    """out = a + b;  da = g, db = g."""

    @staticmethod
    def forward(ctx, a, b):
        return a + b

    @staticmethod
    def backward(ctx, grad):
        return _grads(ctx, lambda: grad, lambda: grad)


class Sub(Function):
    """out = a - b;  da = g, db = -g."""

    @staticmethod
    def forward(ctx, a, b):
        return a - b

    @staticmethod
    def backward(ctx, grad):
        return _grads(ctx, lambda: grad, lambda: -grad)


class Mul(Function):
    """out = a * b;  da = g * b, db = g * a."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a * b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return _grads(ctx, lambda: grad * b, lambda: grad * a)


class Div(Function):
    """out = a / b;  da = g / b, db = -g a / b^2."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a / b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return _grads(ctx, lambda: grad / b, lambda: -grad * a / (b * b))


class Pow(Function):
    """out = a ** b;  da = g b a^(b-1),  db = g out log(a)  (0 where a = 0 and b >= 0, as torch).

    Integers to negative powers give torch's integer answers: 1 for a base of 1, +-1 for -1,
    0 for any other base (0 included). A Python-number exponent (`scalar_exponent`) of 0.5
    or -0.5 is computed as torch computes it, as sqrt(a) or 1 / sqrt(a): these differ from
    pow at a = -0 and a = -inf (sqrt(-inf) is NaN, pow(-inf, 0.5) is inf)."""

    @staticmethod
    def forward(ctx, a, b, scalar_exponent=False):
        ctx.scalar_exponent = scalar_exponent
        if a.dtype.kind == "i" and (b < 0).any():
            out = _integer_power(a, b)
        else:
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):  # 0 ** -1 is inf, quietly, as torch
                out = _power(a, b, scalar_exponent).astype(a.dtype, copy=False)  # numpy's bool ** bool is int8
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, b, out = ctx.saved_tensors

        def d_exponent():
            with np.errstate(divide="ignore", invalid="ignore"):
                d = out * np.log(a)
            return grad * np.where((a == 0) & (b >= 0), 0, d).astype(grad.dtype)

        def d_base():
            with np.errstate(divide="ignore", invalid="ignore"):
                d = grad * b * _power(a, b - 1, ctx.scalar_exponent)
                if b.ndim == 0 and b != 0:  # the usual x ** 2: no zero exponent to guard, no select
                    return d.astype(grad.dtype, copy=False)
                return np.where(b == 0, 0, d).astype(grad.dtype)

        return _grads(ctx, d_base, d_exponent)


def _power(a, b, scalar_exponent):
    """a ** b; with a Python-number exponent of +-0.5, sqrt as torch's kernel takes it (see Pow)."""
    if scalar_exponent and b == 0.5:
        return np.sqrt(a)
    if scalar_exponent and b == -0.5:
        return 1 / np.sqrt(a)
    return a ** b


def _integer_power(a, b):
    """a ** b for integer arrays where some b < 0 (numpy refuses those); see Pow."""
    negative = np.where(a == 1, 1, np.where(a == -1, 1 - 2 * (b % 2), 0))
    return np.where(b < 0, negative, a ** np.where(b < 0, 0, b)).astype(a.dtype)


def _extremum_grads(ctx, grad, a_loses, b_loses):
    """The gradient of max or min: all of g to the side that won, half to each on a tie, none
    to the side that lost. A NaN loses nowhere (NaN compares false), so where either input
    is NaN both get all of g, as in torch."""
    a, b = ctx.saved_tensors
    zero = ctx.xp.zeros((), grad.dtype)

    def share(loses):
        return np.where(loses, zero, np.where(a == b, grad / 2, grad))

    return _grads(ctx, lambda: share(a_loses), lambda: share(b_loses))


class Maximum(Function):
    """out = max(a, b), NaN if either is;  da = g where a > b, g/2 where a = b, 0 where a < b
    (db likewise), and g to both where either is NaN, as torch."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.maximum(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return _extremum_grads(ctx, grad, a < b, a > b)


class Minimum(Function):
    """out = min(a, b), NaN if either is;  da = g where a < b, g/2 where a = b, 0 where a > b
    (db likewise), and g to both where either is NaN, as torch."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.minimum(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return _extremum_grads(ctx, grad, a > b, a < b)


class Where(Function):
    """out = cond ? a : b;  da = g where cond, db = g where not cond (cond is not differentiable)."""

    array_args = (0,)  # cond: a bool array

    @staticmethod
    def forward(ctx, cond, a, b):
        ctx.save_for_backward(cond)
        return np.where(cond, a, b)

    @staticmethod
    def backward(ctx, grad):
        (cond,) = ctx.saved_tensors
        zero = ctx.xp.zeros((), grad.dtype)
        return _grads(ctx, lambda: np.where(cond, grad, zero), lambda: np.where(cond, zero, grad))


class Neg(Function):
    """out = -x;  dx = -g."""

    @staticmethod
    def forward(ctx, x):
        return -x

    @staticmethod
    def backward(ctx, grad):
        return -grad


class Exp(Function):
    """out = e^x;  dx = g out."""

    @staticmethod
    def forward(ctx, x):
        out = np.exp(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * out


class Log(Function):
    """out = ln x;  dx = g / x."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        with np.errstate(divide="ignore", invalid="ignore"):  # log(0) = -inf, log(-1) = nan, as torch
            return np.log(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / x


class Sqrt(Function):
    """out = sqrt(x);  dx = g / (2 out)."""

    @staticmethod
    def forward(ctx, x):
        with np.errstate(invalid="ignore"):
            out = np.sqrt(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        with np.errstate(divide="ignore"):
            return grad / (2 * out)


class Abs(Function):
    """out = |x|;  dx = g sign(x)  (sign 0 at x = 0 and at x = NaN, as torch)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.abs(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * np.where(np.isnan(x), 0, np.sign(x)).astype(grad.dtype, copy=False)


class Clip(Function):
    """out = min(max(x, lo), hi);  dx = g where lo <= x <= hi (bounds included, as torch.clamp)."""

    @staticmethod
    def forward(ctx, x, lo, hi):
        ctx.save_for_backward(x)
        ctx.lo, ctx.hi = lo, hi
        return np.clip(x, lo, hi)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        inside = ctx.xp.ones(x.shape, bool)
        if ctx.lo is not None:
            inside &= x >= ctx.lo
        if ctx.hi is not None:
            inside &= x <= ctx.hi
        return np.where(inside, grad, ctx.xp.zeros((), grad.dtype))


class Cast(Function):
    """out = x as another dtype;  dx = g cast back to x's dtype.

    A value past the target's range becomes +-inf (float) quietly, as in torch: IEEE rounding,
    not an error, so numpy's overflow warning is silenced."""

    @staticmethod
    def forward(ctx, x, dtype):
        ctx.source_dtype = x.dtype
        with np.errstate(over="ignore"):
            return x.astype(dtype)

    @staticmethod
    def backward(ctx, grad):
        with np.errstate(over="ignore"):
            return grad.astype(ctx.source_dtype)


# ---- activations: the math lives in the backend, where kernels can replace it ----------

class ReLU(Function):
    """out = max(x, 0);  dx = g where x > 0."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.backend.relu(x)

    @staticmethod
    def backward(ctx, grad):
        return ctx.backend.relu_backward(ctx.saved_tensors[0], grad)


class LeakyReLU(Function):
    """out = x if x > 0 else slope x;  dx = g or slope g."""

    @staticmethod
    def forward(ctx, x, slope):
        ctx.save_for_backward(x)
        ctx.slope = slope
        return ctx.backend.leaky_relu(x, slope)

    @staticmethod
    def backward(ctx, grad):
        return ctx.backend.leaky_relu_backward(ctx.saved_tensors[0], grad, ctx.slope)


class Sigmoid(Function):
    """out = 1 / (1 + e^-x);  dx = g out (1 - out)."""

    @staticmethod
    def forward(ctx, x):
        out = ctx.backend.sigmoid(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        return ctx.backend.sigmoid_backward(ctx.saved_tensors[0], grad)


class Tanh(Function):
    """out = tanh x;  dx = g (1 - out^2)."""

    @staticmethod
    def forward(ctx, x):
        out = ctx.backend.tanh(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        return ctx.backend.tanh_backward(ctx.saved_tensors[0], grad)


class GELU(Function):
    """out = x Phi(x) (or its tanh approximation);  dx = g (Phi(x) + x phi(x)).

    When x needs a gradient, the forward asks the backend for the derivative along with
    the output (`gelu_with_derivative`): a backend that gets it almost for free (the
    numpy one) returns it and the backward is one product; one that does not returns
    None and the backward computes it from x and out."""

    @staticmethod
    def forward(ctx, x, approximate):
        ctx.approximate = approximate
        if not (ctx.needs_input_grad and ctx.needs_input_grad[0]):
            return ctx.backend.gelu(x, approximate)
        out, derivative = ctx.backend.gelu_with_derivative(x, approximate)
        if derivative is not None:
            ctx.save_for_backward(derivative)
        else:
            ctx.save_for_backward(x, out)  # out / x recovers Phi(x) for the backward
        return out

    @staticmethod
    def backward(ctx, grad):
        saved = ctx.saved_tensors
        if len(saved) == 1:
            return grad * saved[0]
        x, out = saved
        return ctx.backend.gelu_backward(x, out, grad, ctx.approximate)
