"""Piecewise-constant elementwise ops: sign, floor, ceil, round, trunc, and frac.

sign, floor, ceil, round and trunc are constant between their jumps, so their gradient is
zero everywhere (torch's convention at the jumps too); frac(x) = x - trunc(x) has
gradient 1 everywhere. Integer tensors pass through floor, ceil, round and trunc
unchanged and keep their dtype, as in torch (they never require grad); sign keeps
integer and bool dtypes.
"""
import numpy as np

from ..autograd import Function
from .math import quiet


class _Constant(Function):
    """out = f(x), piecewise constant;  dx = 0."""

    @staticmethod
    def f(xp, x):
        raise NotImplementedError  # each op defines it

    @classmethod
    @quiet
    def forward(cls, ctx, x):
        return cls.f(ctx.xp, x)

    @staticmethod
    def backward(ctx, grad):
        return ctx.xp.zeros_like(grad)


class Sign(_Constant):
    """out = -1, 0 or 1 as x < 0, x = 0 or x > 0; 0 for NaN (as torch);  dx = 0.
    A bool tensor is its own sign."""

    @staticmethod
    def f(xp, x):
        if x.dtype.kind == "b":
            return x.copy()
        out = xp.sign(x)
        return xp.where(xp.isnan(x), xp.zeros((), x.dtype), out) if x.dtype.kind == "f" else out


def _whole(name):
    """xp.<name> for floats; integers are whole already and come back as a copy of their dtype
    (numpy's floor of an int64 array would be float64)."""
    return staticmethod(lambda xp, x: x.copy() if x.dtype.kind in "iu" else getattr(xp, name)(x))


class Floor(_Constant):
    """out = the largest whole number <= x;  dx = 0."""
    f = _whole("floor")


class Ceil(_Constant):
    """out = the smallest whole number >= x;  dx = 0."""
    f = _whole("ceil")


class Trunc(_Constant):
    """out = x rounded toward zero (the sign of -0.5 is kept: -0.0);  dx = 0."""
    f = _whole("trunc")


class Round(Function):
    """out = x rounded to `decimals` decimal places, halves to even (2.5 -> 2, 0.5 -> 0);  dx = 0.

    As torch: decimals = d > 0 gives rint(x * 10^d) / 10^d, d < 0 gives rint(x / 10^-d) * 10^-d,
    computed in float32 for float16 and float32 inputs (10^d rounded to float32) and in
    float64 for float64, then rounded once to x's dtype; d = 0 is rint(x)."""

    @staticmethod
    @quiet
    def forward(ctx, x, decimals=0):
        xp = ctx.xp
        if x.dtype.kind in "iu":
            return x.copy()
        if decimals == 0:
            return xp.rint(x)
        compute = np.float64 if x.dtype == np.float64 else np.float32
        scale = compute(np.float64(10.0) ** abs(decimals))  # inf past 10^308, as torch's pow
        wide = x.astype(compute)
        out = xp.rint(wide * scale) / scale if decimals > 0 else xp.rint(wide / scale) * scale
        return out.astype(x.dtype)

    @staticmethod
    def backward(ctx, grad):
        return ctx.xp.zeros_like(grad)


class Frac(Function):
    """out = x - trunc(x), the fractional part with x's sign (NaN at +-inf);  dx = g."""

    @staticmethod
    @quiet
    def forward(ctx, x):
        return x - ctx.xp.trunc(x)

    @staticmethod
    def backward(ctx, grad):
        return grad
