"""Elementwise math functions of one float tensor: trigonometric, hyperbolic, logs and
exponentials, powers, the error function.

Each op is out = f(x) with dx = g f'(x), written with the backend's array module
(`ctx.xp`, numpy or cupy). The derivative is written in the form torch's autograd uses
(in terms of x or of out), so that the gradient at a domain edge is torch's too:
asin'(1) = rsqrt(0) = inf, acosh'(inf) = rsqrt(inf) = 0, rsqrt'(0) = -0.5 inf^3 = -inf.

Outside an op's domain the result is NaN, at a pole +-inf, quietly, as in torch
(asin(2) = NaN, log1p(-1) = -inf, rsqrt(0) = inf): numpy's floating-point warnings are
switched off inside these ops (`quiet`). The Tensor front end (_tensor_math.py) hands
in float tensors only: integers and bools become float32, float16 is computed in
float32 and rounded once.
"""
import functools
import math

import numpy as np

from ..autograd import Function
from ..backend import special

_LN2 = math.log(2.0)
_LN10 = math.log(10.0)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


def quiet(fn):
    """Run `fn` with numpy's floating-point warnings off: NaN and inf at domain edges are
    answers here, as in torch, not mistakes to warn about."""
    @functools.wraps(fn)
    def run(*args, **kwargs):
        with np.errstate(all="ignore"):
            return fn(*args, **kwargs)
    return run


class _FromInput(Function):
    """out = f(x);  dx = g f'(x), with f' written in terms of x (`derivative(xp, x)`)."""

    @staticmethod
    def f(xp, x):
        raise NotImplementedError  # each op defines it

    @staticmethod
    def derivative(xp, x):
        raise NotImplementedError  # each op defines it

    @classmethod
    @quiet
    def forward(cls, ctx, x):
        ctx.save_for_backward(x)
        return cls.f(ctx.xp, x)

    @classmethod
    @quiet
    def backward(cls, ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * cls.derivative(ctx.xp, x)


class _FromOutput(Function):
    """out = f(x);  dx = g f'(x), with f' written in terms of out (`derivative(xp, out)`)."""

    @staticmethod
    def f(xp, x):
        raise NotImplementedError  # each op defines it

    @staticmethod
    def derivative(xp, out):
        raise NotImplementedError  # each op defines it

    @classmethod
    @quiet
    def forward(cls, ctx, x):
        out = cls.f(ctx.xp, x)
        ctx.save_for_backward(out)
        return out

    @classmethod
    @quiet
    def backward(cls, ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * cls.derivative(ctx.xp, out)


def _rsqrt(xp, x):
    return 1 / xp.sqrt(x)


# ---- trigonometric ------------------------------------------------------------------

class Sin(_FromInput):
    """out = sin x;  dx = g cos x."""
    f = staticmethod(lambda xp, x: xp.sin(x))
    derivative = staticmethod(lambda xp, x: xp.cos(x))


class Cos(_FromInput):
    """out = cos x;  dx = -g sin x."""
    f = staticmethod(lambda xp, x: xp.cos(x))
    derivative = staticmethod(lambda xp, x: -xp.sin(x))


class Tan(_FromOutput):
    """out = tan x;  dx = g (1 + out^2)   (= g / cos^2 x)."""
    f = staticmethod(lambda xp, x: xp.tan(x))
    derivative = staticmethod(lambda xp, out: 1 + out * out)


class Asin(_FromInput):
    """out = asin x (NaN for |x| > 1);  dx = g / sqrt(1 - x^2)   (inf at x = +-1)."""
    f = staticmethod(lambda xp, x: xp.arcsin(x))
    derivative = staticmethod(lambda xp, x: _rsqrt(xp, 1 - x * x))


class Acos(_FromInput):
    """out = acos x (NaN for |x| > 1);  dx = -g / sqrt(1 - x^2)."""
    f = staticmethod(lambda xp, x: xp.arccos(x))
    derivative = staticmethod(lambda xp, x: -_rsqrt(xp, 1 - x * x))


class Atan(_FromInput):
    """out = atan x;  dx = g / (1 + x^2)."""
    f = staticmethod(lambda xp, x: xp.arctan(x))
    derivative = staticmethod(lambda xp, x: 1 / (1 + x * x))


# ---- hyperbolic ---------------------------------------------------------------------

class Sinh(_FromInput):
    """out = sinh x;  dx = g cosh x."""
    f = staticmethod(lambda xp, x: xp.sinh(x))
    derivative = staticmethod(lambda xp, x: xp.cosh(x))


class Cosh(_FromInput):
    """out = cosh x;  dx = g sinh x."""
    f = staticmethod(lambda xp, x: xp.cosh(x))
    derivative = staticmethod(lambda xp, x: xp.sinh(x))


class Asinh(_FromInput):
    """out = asinh x = ln(x + sqrt(x^2 + 1));  dx = g / sqrt(x^2 + 1)."""
    f = staticmethod(lambda xp, x: xp.arcsinh(x))
    derivative = staticmethod(lambda xp, x: _rsqrt(xp, x * x + 1))


class Acosh(_FromInput):
    """out = acosh x (NaN for x < 1);  dx = g / sqrt(x^2 - 1)   (inf at x = 1)."""
    f = staticmethod(lambda xp, x: xp.arccosh(x))
    derivative = staticmethod(lambda xp, x: _rsqrt(xp, x * x - 1))


class Atanh(_FromInput):
    """out = atanh x (NaN for |x| > 1, +-inf at +-1);  dx = g / (1 - x^2)."""
    f = staticmethod(lambda xp, x: xp.arctanh(x))
    derivative = staticmethod(lambda xp, x: 1 / (1 - x * x))


# ---- logarithms and exponentials ------------------------------------------------------

class Log2(_FromInput):
    """out = log2 x;  dx = g / (x ln 2)."""
    f = staticmethod(lambda xp, x: xp.log2(x))
    derivative = staticmethod(lambda xp, x: 1 / (x * _LN2))


class Log10(_FromInput):
    """out = log10 x;  dx = g / (x ln 10)."""
    f = staticmethod(lambda xp, x: xp.log10(x))
    derivative = staticmethod(lambda xp, x: 1 / (x * _LN10))


class Log1p(_FromInput):
    """out = ln(1 + x), accurate for small x (-inf at x = -1, NaN below);  dx = g / (1 + x)."""
    f = staticmethod(lambda xp, x: xp.log1p(x))
    derivative = staticmethod(lambda xp, x: 1 / (1 + x))


class Expm1(_FromOutput):
    """out = e^x - 1, accurate for small x;  dx = g (out + 1)."""
    f = staticmethod(lambda xp, x: xp.expm1(x))
    derivative = staticmethod(lambda xp, out: out + 1)


class Exp2(_FromOutput):
    """out = 2^x;  dx = g out ln 2."""
    f = staticmethod(lambda xp, x: xp.exp2(x))
    derivative = staticmethod(lambda xp, out: out * _LN2)


# ---- powers -------------------------------------------------------------------------

class Rsqrt(_FromOutput):
    """out = 1 / sqrt x (inf at 0, NaN below);  dx = -g out^3 / 2."""
    f = staticmethod(_rsqrt)
    derivative = staticmethod(lambda xp, out: -0.5 * out * out * out)


class Reciprocal(_FromOutput):
    """out = 1 / x;  dx = -g out^2."""
    f = staticmethod(lambda xp, x: 1 / x)
    derivative = staticmethod(lambda xp, out: -(out * out))


class Square(_FromInput):
    """out = x^2;  dx = 2 g x."""
    f = staticmethod(lambda xp, x: x * x)
    derivative = staticmethod(lambda xp, x: 2 * x)


# ---- the error function --------------------------------------------------------------

def _on_host(ctx, fn, x):
    """fn (a numpy function) of x on any backend: the error function is written in numpy
    (backend/special.py), so a cupy array visits the host for it."""
    if ctx.xp is np:
        return fn(x)
    return ctx.backend.asarray(fn(ctx.backend.to_numpy(x)))


class Erf(Function):
    """out = erf x = 2/sqrt(pi) int_0^x e^(-t^2) dt;  dx = g 2/sqrt(pi) e^(-x^2)."""

    @staticmethod
    @quiet
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _on_host(ctx, special.erf, x)

    @staticmethod
    @quiet
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * (_TWO_OVER_SQRT_PI * ctx.xp.exp(-(x * x)))


class Erfc(Function):
    """out = erfc x = 1 - erf x, without 1 - erf's cancellation for large x;
    dx = -g 2/sqrt(pi) e^(-x^2)."""

    @staticmethod
    @quiet
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _on_host(ctx, special.erfc, x)

    @staticmethod
    @quiet
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * (-_TWO_OVER_SQRT_PI * ctx.xp.exp(-(x * x)))
