"""Rounded division, remainders, and the elementwise ops that pick or replace values:
div(rounding_mode=), fmod, remainder, fmax, fmin, copysign, nan_to_num; and the array
code of the integer-only ops (shifts), which have no gradient.

The Tensor front end (_tensor_logic.py) has promoted both inputs to one dtype and checked
that they broadcast; each backward sums its gradients to the input shapes. Integer inputs
never require grad, so the backward formulas are written for floats.

Division of integers, as torch's (and C's, and Python's):
    trunc(a / b)  rounds toward zero:   7 / -2 -> -3
    floor(a / b)  rounds toward -inf:   7 / -2 -> -4
    fmod(a, b)      = a - b trunc(a / b)   (the sign of a)
    remainder(a, b) = a - b floor(a / b)   (the sign of b)
An integer divisor of 0 raises RuntimeError("ZeroDivisionError"), as torch; a float divisor
of 0 gives +-inf or NaN.
"""
import numpy as np

from ..autograd import Function, unbroadcast
from .math import quiet


def check_divisor(xp, b, op):
    """Refuse an integer 0 divisor, as torch does (RuntimeError "ZeroDivisionError")."""
    if b.dtype.kind in "iu" and bool((b == 0).any()):
        raise RuntimeError(f"{op}: ZeroDivisionError (an integer tensor divided by 0)")


def trunc_divide(xp, a, b):
    """trunc(a / b): for integers, the floor quotient moved one up where it rounded a negative
    non-whole quotient down; for floats, trunc of the true quotient (as torch's div_trunc)."""
    if a.dtype.kind == "f":
        return xp.trunc(a / b)
    floor = xp.floor_divide(a, b)
    inexact = (xp.remainder(a, b) != 0) & ((a < 0) != (b < 0))
    return floor + inexact.astype(a.dtype)


def floor_divide(xp, a, b):
    """floor(a / b). For floats this is (a - fmod(a, b)) / b, moved down one where the remainder's
    sign differs from b's and rounded to the nearest whole number, as torch's div_floor and
    Python's //: numpy's floor_divide computes exactly that (a / b where b = 0)."""
    return xp.floor_divide(a, b)


def remainder(xp, a, b):
    """a - b floor(a / b), the sign of b: fmod(a, b), plus b where it is non-zero with a sign other
    than b's (torch's formula, so that the zeros keep a's sign as torch's do)."""
    if a.dtype.kind != "f":
        return xp.remainder(a, b)
    mod = xp.fmod(a, b)
    return xp.where((mod != 0) & ((b < 0) != (mod < 0)), mod + b, mod)


def _grads(ctx, da, db):
    """The gradients that were asked for (da, db: thunks), summed to the input shapes."""
    a, b = ctx.parents
    return (unbroadcast(da(), a.shape) if ctx.needs_input_grad[0] else None,
            unbroadcast(db(), b.shape) if ctx.needs_input_grad[1] else None)


class DivRounded(Function):
    """out = trunc(a / b) (mode "trunc") or floor(a / b) (mode "floor");  da = db = 0
    (the quotient is piecewise constant, as torch's div(rounding_mode=) gradient)."""

    @staticmethod
    @quiet
    def forward(ctx, a, b, mode, op):
        check_divisor(ctx.xp, b, op)
        return (trunc_divide if mode == "trunc" else floor_divide)(ctx.xp, a, b)

    @staticmethod
    def backward(ctx, grad):
        zeros = ctx.xp.zeros_like
        return _grads(ctx, lambda: zeros(grad), lambda: zeros(grad))


class Fmod(Function):
    """out = a - b trunc(a / b), with a's sign;  da = g,  db = -g trunc(a / b)."""

    @staticmethod
    @quiet
    def forward(ctx, a, b, op="fmod"):
        check_divisor(ctx.xp, b, op)
        ctx.save_for_backward(a, b)
        return ctx.xp.fmod(a, b)

    @staticmethod
    @quiet
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return _grads(ctx, lambda: grad, lambda: -grad * trunc_divide(ctx.xp, a, b))


class Remainder(Function):
    """out = a - b floor(a / b), with b's sign;  da = g,  db = -g floor(a / b)."""

    @staticmethod
    @quiet
    def forward(ctx, a, b, op="remainder"):
        check_divisor(ctx.xp, b, op)
        ctx.save_for_backward(a, b)
        return remainder(ctx.xp, a, b)

    @staticmethod
    @quiet
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return _grads(ctx, lambda: grad, lambda: -grad * floor_divide(ctx.xp, a, b))


class FMax(Function):
    """out = max(a, b), where a NaN loses to a number (NaN only where both are NaN);
    da = g where a >= b or b is NaN (a tie goes to a), db = g elsewhere (as torch)."""

    smallest = False

    @classmethod
    @quiet
    def forward(cls, ctx, a, b):
        ctx.save_for_backward(a, b)
        return (ctx.xp.fmin if cls.smallest else ctx.xp.fmax)(a, b)

    @classmethod
    @quiet
    def backward(cls, ctx, grad):
        a, b = ctx.saved_tensors
        xp = ctx.xp
        to_a = ((a <= b) if cls.smallest else (a >= b)) | xp.isnan(b)
        zero = xp.zeros((), grad.dtype)
        return _grads(ctx, lambda: xp.where(to_a, grad, zero), lambda: xp.where(to_a, zero, grad))


class FMin(FMax):
    """out = min(a, b), where a NaN loses to a number (NaN only where both are NaN);
    da = g where a <= b or b is NaN (a tie goes to a), db = g elsewhere (as torch)."""

    smallest = True


class CopySign(Function):
    """out = |a| with the sign (bit) of b;  da = g out / a (+-1), and 0 where a = 0;  db = 0."""

    @staticmethod
    @quiet
    def forward(ctx, a, b):
        out = ctx.xp.copysign(a, b)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    @quiet
    def backward(ctx, grad):
        a, out = ctx.saved_tensors
        xp = ctx.xp
        zero = xp.zeros((), grad.dtype)
        return _grads(ctx, lambda: grad * xp.where(a == 0, zero, out / a), lambda: xp.zeros_like(grad))


class NanToNum(Function):
    """out = x, with NaN -> nan, +inf -> posinf, -inf -> neginf (values of x's dtype);
    dx = g where x is finite, 0 where a value was replaced (as torch)."""

    @staticmethod
    @quiet  # a replacement past the dtype's range becomes +-inf, as in torch
    def forward(ctx, x, nan, posinf, neginf):
        xp = ctx.xp
        ctx.save_for_backward(x)
        out = xp.where(xp.isnan(x), xp.asarray(nan, x.dtype), x)
        out = xp.where(xp.isposinf(x), xp.asarray(posinf, x.dtype), out)
        return xp.where(xp.isneginf(x), xp.asarray(neginf, x.dtype), out)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return ctx.xp.where(ctx.xp.isfinite(x), grad, ctx.xp.zeros((), grad.dtype))


# ---- integer-only ops: no gradient, plain array code -----------------------------------------
def _bits(dtype):
    return np.dtype(dtype).itemsize * 8


def left_shift(xp, a, b):
    """a << b in a's (integer) dtype, wrapping on overflow; 0 where b < 0 or b >= the width in
    bits (as torch: C leaves those shifts undefined)."""
    bits = _bits(a.dtype)
    inside = (b >= 0) & (b < bits)
    shifted = xp.left_shift(a, xp.where(inside, b, xp.zeros((), b.dtype)))
    return xp.where(inside, shifted, xp.zeros((), a.dtype))


def right_shift(xp, a, b):
    """a >> b, arithmetic for signed dtypes (the sign fills in); where b < 0 or b >= the width,
    the shift by every bit: -1 for negative signed a, else 0 (as torch)."""
    bits = _bits(a.dtype)
    inside = (b >= 0) & (b < bits)
    shifted = xp.right_shift(a, xp.where(inside, b, xp.zeros((), b.dtype)))
    if a.dtype.kind == "u":
        full = xp.zeros((), a.dtype)
    else:
        full = xp.right_shift(a, xp.asarray(bits - 1, a.dtype))
    return xp.where(inside, shifted, full)
