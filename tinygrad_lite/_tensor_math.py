"""Tensor's elementwise math methods, as torch's: exp, log, sqrt, abs, relu, sigmoid, tanh, leaky_relu, gelu,
softmax, log_softmax, sin ... atanh, log2 ... square, erf, erfc,
sign, floor, ceil, round, trunc, frac, and atan2, hypot, logaddexp, xlogy of two tensors.

`TensorMath` is a base class of Tensor; it holds no state of its own (`__slots__ = ()`).
Its methods check and convert their arguments, then call an op of ops/math.py,
ops/rounding.py or ops/binary_math.py, where each forward and backward is written out.

dtypes, as torch 2.x:
  float-valued ops (sin, log2, erf, rsqrt, atan2, ...): integer and bool tensors become the
      default float dtype (float32); float16 is computed in float32 and rounded once.
  square keeps integer dtypes (bool becomes int64); sign and sgn keep every dtype; floor,
      ceil, round and trunc keep integer dtypes (a bool tensor is refused); frac is for floats.
"""
import numpy as np

from . import _tensor as _t, dtypes
from ._validate import _UNSET, _axis_alias
from .ops import binary_math as bm, elementwise as ew, math as m, rounding as rnd, softmax as sm


def _is_int(value):
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


class TensorMath:
    """Elementwise math methods of Tensor (see the module docstring)."""

    __slots__ = ()

    # ---- unary math -----------------------------------------------------------------
    def _float(self, op):
        if self.dtype.kind != "f":
            raise TypeError(f"{op}: needs a floating-point tensor, not {self.dtype}; "
                            "convert it first, e.g. x.astype(tg.float32)")
        return self

    def _as_float(self):
        """Integer and bool tensors in the default float dtype, as torch's exp, log, sqrt, sigmoid and tanh take them."""
        return self if self.dtype.kind == "f" else self.astype(dtypes.get_default_dtype())

    def exp(self):
        """e^x, elementwise; d/dx = e^x. Integer and bool input becomes the default float dtype."""
        return ew.Exp.apply(self._as_float())

    def log(self):
        """The natural logarithm, elementwise; d/dx = 1/x."""
        return ew.Log.apply(self._as_float())

    def sqrt(self):
        """x^(1/2), elementwise; d/dx = 1 / (2 sqrt x)."""
        return ew.Sqrt.apply(self._as_float())

    def abs(self):
        """|x|, elementwise; d/dx = sign x (0 at 0, as torch). Bool input is refused, as in torch."""
        if self.dtype == np.bool_:
            raise TypeError("abs: not supported for bool tensors (as in torch); convert first, e.g. x.astype(tg.int64)")
        return ew.Abs.apply(self)

    def relu(self):
        """max(x, 0); an integer tensor stays integer, as in torch."""
        if self.dtype.kind == "f":
            return ew.ReLU.apply(self)
        if self.dtype == np.bool_:
            raise TypeError("relu: not supported for bool tensors (as in torch); convert first, e.g. x.astype(tg.int64)")
        return self.maximum(0)

    def sigmoid(self):
        """1 / (1 + e^-x), in the form that never overflows; d/dx = s (1 - s)."""
        return ew.Sigmoid.apply(self._as_float())

    def tanh(self):
        """(e^x - e^-x) / (e^x + e^-x); d/dx = 1 - tanh^2 x."""
        return ew.Tanh.apply(self._as_float())

    def leaky_relu(self, slope=0.01):
        """x if x > 0 else slope * x."""
        if not isinstance(slope, (int, float, np.number)):
            raise TypeError(f"leaky_relu: slope must be a number, got {slope!r}")
        return ew.LeakyReLU.apply(self._float("leaky_relu"), slope=slope)

    def gelu(self, approximate="none"):
        """x * Phi(x) with Phi the standard normal CDF ("none"), or its tanh approximation ("tanh")."""
        if not isinstance(approximate, str) or approximate not in ("none", "tanh"):
            raise ValueError(f"gelu: approximate must be 'none' or 'tanh', not {approximate!r}")
        return ew.GELU.apply(self._float("gelu"), approximate=approximate)

    def softmax(self, dim=_UNSET, *, axis=_UNSET):
        """exp(x - max) / sum exp(x - max) along `dim` (the last axis when not given)."""
        self._float("softmax")
        dim = _t._softmax_dim(self.shape, _axis_alias("softmax", dim, axis, -1), "softmax")
        if self.ndim == 0:  # one element along no axis: the kernels want an axis, so lend it one
            return sm.Softmax.apply(self.reshape(1), axis=0).reshape(())
        return sm.Softmax.apply(self, axis=dim)

    def log_softmax(self, dim=_UNSET, *, axis=_UNSET):
        """x - logsumexp(x) along `dim` (the last axis when not given)."""
        self._float("log_softmax")
        dim = _t._softmax_dim(self.shape, _axis_alias("log_softmax", dim, axis, -1), "log_softmax")
        if self.ndim == 0:
            return sm.LogSoftmax.apply(self.reshape(1), axis=0).reshape(())
        return sm.LogSoftmax.apply(self, axis=dim)

    # ---- the conversions every method shares ---------------------------------------------
    def _float_valued(self, function, **kwargs):
        """function(x) for a float-valued op: integers and bools as the default float dtype,
        float16 in float32 and rounded once to float16 (the gradient likewise)."""
        x = self if self.dtype.kind == "f" else self.astype(dtypes.get_default_dtype())
        if x.dtype == dtypes.float16:
            return function.apply(x.astype(dtypes.float32), **kwargs).astype(dtypes.float16)
        return function.apply(x, **kwargs)

    def _whole_valued(self, function, op):
        """function(x) for floor, ceil, trunc: floats and integers keep their dtype; bool is refused."""
        if self.dtype == np.bool_:
            raise TypeError(f"{op}: not supported for bool tensors (as in torch); convert first, "
                            "e.g. x.astype(tg.int64)")
        return function.apply(self)

    def _float_pair(self, other, function, op, integers=True):
        """function(a, b) of this tensor and `other` (a Tensor, a number or an array), broadcast
        together, in their promoted dtype (torch's rules: a Python number does not widen a
        tensor's float dtype). An integer or bool result dtype becomes the default float dtype
        when `integers`, and is refused (TypeError, as torch) otherwise; float16 is computed in
        float32 and rounded once."""
        other_t = self._lift(other, op)
        scalar = dtypes.is_python_scalar(other)
        dtype = dtypes.promote(self, other_t, b_scalar=scalar)
        if dtype.kind != "f":
            if not integers:
                raise TypeError(f"{op}: not supported for {self.dtype} and {other_t.dtype} tensors (as in "
                                "torch); convert one to a float dtype first, e.g. x.astype(tg.float32)")
            dtype = dtypes.get_default_dtype()
        try:
            np.broadcast_shapes(self.shape, other_t.shape)
        except ValueError:
            raise ValueError(f"{op}: cannot broadcast {self.shape} with {other_t.shape}") from None
        compute = dtypes.float32 if dtype == dtypes.float16 else dtype
        out = function.apply(self.astype(compute), other_t.astype(compute))
        return out if compute == dtype else out.astype(dtype)

    # ---- trigonometric and hyperbolic -----------------------------------------------------
    def sin(self):
        """sin x, elementwise; d/dx = cos x."""
        return self._float_valued(m.Sin)

    def cos(self):
        """cos x, elementwise; d/dx = -sin x."""
        return self._float_valued(m.Cos)

    def tan(self):
        """tan x, elementwise; d/dx = 1 + tan^2 x."""
        return self._float_valued(m.Tan)

    def asin(self):
        """arcsin x in [-pi/2, pi/2] (NaN for |x| > 1); d/dx = 1 / sqrt(1 - x^2)."""
        return self._float_valued(m.Asin)

    def acos(self):
        """arccos x in [0, pi] (NaN for |x| > 1); d/dx = -1 / sqrt(1 - x^2)."""
        return self._float_valued(m.Acos)

    def atan(self):
        """arctan x in (-pi/2, pi/2); d/dx = 1 / (1 + x^2)."""
        return self._float_valued(m.Atan)

    def sinh(self):
        """sinh x = (e^x - e^-x) / 2; d/dx = cosh x."""
        return self._float_valued(m.Sinh)

    def cosh(self):
        """cosh x = (e^x + e^-x) / 2; d/dx = sinh x."""
        return self._float_valued(m.Cosh)

    def asinh(self):
        """asinh x = ln(x + sqrt(x^2 + 1)); d/dx = 1 / sqrt(x^2 + 1)."""
        return self._float_valued(m.Asinh)

    def acosh(self):
        """acosh x = ln(x + sqrt(x^2 - 1)) (NaN for x < 1); d/dx = 1 / sqrt(x^2 - 1)."""
        return self._float_valued(m.Acosh)

    def atanh(self):
        """atanh x = ln((1 + x) / (1 - x)) / 2 (+-inf at +-1, NaN beyond); d/dx = 1 / (1 - x^2)."""
        return self._float_valued(m.Atanh)

    # ---- logarithms, exponentials, powers --------------------------------------------------
    def log2(self):
        """log2 x; d/dx = 1 / (x ln 2)."""
        return self._float_valued(m.Log2)

    def log10(self):
        """log10 x; d/dx = 1 / (x ln 10)."""
        return self._float_valued(m.Log10)

    def log1p(self):
        """ln(1 + x), accurate for small x (-inf at -1); d/dx = 1 / (1 + x)."""
        return self._float_valued(m.Log1p)

    def expm1(self):
        """e^x - 1, accurate for small x; d/dx = e^x."""
        return self._float_valued(m.Expm1)

    def exp2(self):
        """2^x; d/dx = 2^x ln 2."""
        return self._float_valued(m.Exp2)

    def rsqrt(self):
        """1 / sqrt x (inf at 0, NaN below); d/dx = -x^(-3/2) / 2."""
        return self._float_valued(m.Rsqrt)

    def reciprocal(self):
        """1 / x (an integer tensor gives floats); d/dx = -1 / x^2."""
        return self._float_valued(m.Reciprocal)

    def square(self):
        """x * x; integer tensors stay integer (and wrap on overflow, as torch), bool gives int64;
        d/dx = 2x."""
        if self.dtype.kind == "f":
            return self._float_valued(m.Square)
        return m.Square.apply(self.astype(dtypes.int64) if self.dtype == np.bool_ else self)

    def erf(self):
        """erf x = 2/sqrt(pi) int_0^x e^(-t^2) dt; d/dx = 2/sqrt(pi) e^(-x^2)."""
        return self._float_valued(m.Erf)

    def erfc(self):
        """erfc x = 1 - erf x, accurate in the tail (erfc(6) = 2.2e-17); d/dx = -2/sqrt(pi) e^(-x^2)."""
        return self._float_valued(m.Erfc)

    # ---- sign and powers, as methods ------------------------------------------------------------
    def neg(self):
        """-x, elementwise (bool tensors are refused, as torch); d/dx = -1."""
        return -self

    def negative(self):
        """-x, elementwise: torch's other name for neg; d/dx = -1."""
        if self.dtype == np.bool_:
            raise TypeError("negative: not supported for bool tensors (as in torch); to invert a mask use ~mask")
        return -self

    def positive(self):
        """x itself (torch's unary plus; bool tensors are refused, as torch)."""
        if self.dtype == np.bool_:
            raise TypeError("positive: not supported for bool tensors (as in torch)")
        return self

    def pow(self, exponent):
        """x ** exponent, elementwise with broadcasting (exponent a number or a Tensor);
        d/dx = exponent x^(exponent - 1), d/dexponent = x^exponent ln x."""
        return self ** exponent

    def float_power(self, exponent):
        """x ** exponent computed in float64, as torch.float_power."""
        wide = self.astype(dtypes.float64)
        if isinstance(exponent, type(self)):
            exponent = exponent.astype(dtypes.float64)
        return wide._binary(exponent, ew.Pow, "float_power")

    # ---- rounding --------------------------------------------------------------------------
    def sign(self):
        """-1, 0 or 1 as x is negative, zero or positive (0 for NaN; a bool tensor is its own sign),
        in x's dtype; the gradient is zero."""
        return rnd.Sign.apply(self)

    def sgn(self):
        """The sign of x; for real tensors the same as sign()."""
        return rnd.Sign.apply(self)

    def floor(self):
        """The largest whole number <= x (integer tensors unchanged); the gradient is zero."""
        return self._whole_valued(rnd.Floor, "floor")

    def ceil(self):
        """The smallest whole number >= x (integer tensors unchanged); the gradient is zero."""
        return self._whole_valued(rnd.Ceil, "ceil")

    def trunc(self):
        """x rounded toward zero (integer tensors unchanged); the gradient is zero."""
        return self._whole_valued(rnd.Trunc, "trunc")

    def round(self, decimals=0):
        """x rounded to `decimals` decimal places (negative: to tens, hundreds, ...), halves to even,
        as torch.round; integer tensors are unchanged (only with decimals=0, as torch); the
        gradient is zero."""
        if not _is_int(decimals):
            raise TypeError(f"round: decimals must be an int, got {decimals!r}")
        if not -2 ** 63 <= decimals < 2 ** 63:
            raise ValueError(f"round: decimals={decimals} does not fit in int64")
        if self.dtype.kind != "f" and decimals != 0:
            raise TypeError(f"round: decimals={decimals} is not supported for {self.dtype} tensors (as in "
                            "torch); convert first, e.g. x.astype(tg.float32)")
        return self._whole_valued(rnd.Round, "round") if self.dtype.kind != "f" else \
            rnd.Round.apply(self, decimals=int(decimals))

    def frac(self):
        """x - trunc(x), the fractional part with x's sign, for float tensors; d/dx = 1."""
        if self.dtype.kind != "f":
            raise TypeError(f"frac: not supported for {self.dtype} tensors (as in torch); "
                            "convert first, e.g. x.astype(tg.float32)")
        return rnd.Frac.apply(self)

    # ---- two tensors ------------------------------------------------------------------------
    def atan2(self, other):
        """atan2(self, other): the angle of the point (other, self) in (-pi, pi], elementwise with
        broadcasting; integers and bools give float32. d/dself = other / r^2, d/dother = -self / r^2
        with r^2 = self^2 + other^2 (both 0 at the origin, as torch)."""
        return self._float_pair(other, bm.Atan2, "atan2")

    def hypot(self, other):
        """sqrt(self^2 + other^2) without overflow, for float tensors (as torch), with broadcasting;
        d/dself = self / hypot, d/dother = other / hypot."""
        return self._float_pair(other, bm.Hypot, "hypot", integers=False)

    def logaddexp(self, other):
        """ln(e^self + e^other), computed as max + ln(1 + e^-|self - other|), for float tensors
        (as torch), with broadcasting; d/dself = 1 / (1 + e^(other - self))."""
        return self._float_pair(other, bm.LogAddExp, "logaddexp", integers=False)

    def xlogy(self, other):
        """self * ln(other), and 0 where self = 0 (unless other is NaN), with broadcasting; integers
        and bools give float32. d/dself = ln(other) (0 where self = 0 and other <= 0),
        d/dother = self / other."""
        return self._float_pair(other, bm.XLogY, "xlogy")
