"""Tensor's integer-division, bitwise, logical and predicate methods as torch's (div(rounding_mode=),
floor_divide, fmod, remainder, &, |, ^, ~, <<, >>, logical_*, isnan, isclose, clamp with tensor
bounds, fmax, fmin, copysign, ...).

`TensorLogic` is a base class of Tensor; it holds no state of its own (`__slots__ = ()`).
The methods check and promote their arguments (torch's promotion: a Python number does not
widen a tensor's dtype), then call an op of ops/integer.py (rounded division, remainders,
fmax, fmin, copysign, nan_to_num: differentiable where torch's are) or compute a result that
has no gradient (bitwise, logical, predicates: integer and bool results).

dtypes, as torch 2.x:
  div (no rounding_mode) and true_divide: integers and bools give the default float dtype.
  div(rounding_mode="trunc"|"floor"), floor_divide, //, fmod, remainder, %: the promoted dtype
      (integers stay integers; bool is refused); an integer divisor 0 raises RuntimeError
      ("ZeroDivisionError"), as in torch; float16 computes in float32 and rounds once.
  bitwise ops and shifts: integer and bool tensors only (shifts: integers only); float raises TypeError.
  logical ops and predicates: any dtype in, bool out.
  copysign: integers and bools give the default float dtype.
"""
import numpy as np

from . import _tensor as _t, autograd, dtypes
from ._validate import check_bool, check_number
from .ops import elementwise as ew, integer as it

_OPERANDS = (np.ndarray, list, tuple)  # array-likes an operator takes beside Tensors and numbers
_OPERATORS = {  # the bitwise operators: their method's name, and the array code
    "and": ("bitwise_and", lambda xp, a, b: xp.bitwise_and(a, b)),
    "or": ("bitwise_or", lambda xp, a, b: xp.bitwise_or(a, b)),
    "xor": ("bitwise_xor", lambda xp, a, b: xp.bitwise_xor(a, b)),
    "lshift": ("bitwise_left_shift", it.left_shift),
    "rshift": ("bitwise_right_shift", it.right_shift),
}


def _is_operand(value):
    return isinstance(value, (_t.Tensor, *_OPERANDS)) or dtypes.is_python_scalar(value)


def _broadcast_check(op, *tensors):
    try:
        np.broadcast_shapes(*(t.shape for t in tensors))
    except ValueError:
        raise ValueError(f"{op}: cannot broadcast {' with '.join(str(t.shape) for t in tensors)}") from None


def _require_tensor(value, op, name="other"):
    if not isinstance(value, _t.Tensor):
        raise TypeError(f"{op}: argument '{name}' must be a Tensor, not {type(value).__name__}")
    return value


def _float16_in_float32(function, a, b, dtype, **kwargs):
    """function(a, b) in `dtype`; float16 is computed in float32 and rounded once, as torch's opmath
    (the operands are float16 values first: a number or a float64 0-d tensor is rounded to float16, as torch's)."""
    if dtype != dtypes.float16:
        return function.apply(a.astype(dtype), b.astype(dtype), **kwargs)
    a, b = (t.astype(dtype).astype(dtypes.float32) for t in (a, b))
    return function.apply(a, b, **kwargs).astype(dtype)


class TensorLogic:
    """See the module docstring."""

    __slots__ = ()

    # ---- the conversions every method shares ---------------------------------------------
    def _operands(self, other, op, reverse=False):
        """(a, b, dtype): self and `other` (a Tensor, a number or an array-like) in the order of the
        op (other first when `reverse`), and the dtype torch promotes them to; their shapes must
        broadcast. Refuses other kinds of `other` with a TypeError naming `op`."""
        if not _is_operand(other):
            raise TypeError(f"{op}: argument 'other' must be a Tensor or a number, not {type(other).__name__}")
        other_t = self._lift(other, op)
        scalar = dtypes.is_python_scalar(other)
        a, b = (other_t, self) if reverse else (self, other_t)
        dtype = dtypes.promote(a, b, a_scalar=scalar and reverse, b_scalar=scalar and not reverse)
        _broadcast_check(op, a, b)
        return a, b, dtype

    def _result(self, array):
        """A tensor (no grad) around a freshly computed array (an integer or bool result) on this tensor's device."""
        return _t.Tensor._wrap(self._backend.xp.asarray(array), self._backend)

    # ---- division --------------------------------------------------------------------------
    def div(self, other, *, rounding_mode=None):
        """self / other, elementwise with broadcasting, rounded as `rounding_mode` says:
        None: the true quotient (integers and bools give the default float dtype); d/dself = 1/other,
            d/dother = -self/other^2.
        "trunc": trunc(self / other), toward zero; "floor": floor(self / other), toward -inf (Python's //);
            both keep the promoted dtype (integers stay integers) and have zero gradient.
        An integer division by 0 raises RuntimeError (ZeroDivisionError), as in torch."""
        return self._divide(other, rounding_mode, "div")

    def divide(self, other, *, rounding_mode=None):
        """The same as div: self / other, rounded as `rounding_mode` (None, "trunc", "floor") says."""
        return self._divide(other, rounding_mode, "divide")

    def true_divide(self, other):
        """self / other, the true quotient (integers and bools give the default float dtype);
        d/dself = 1/other, d/dother = -self/other^2."""
        return self._divide(other, None, "true_divide")

    def _divide(self, other, rounding_mode, op, reverse=False):
        if rounding_mode is not None and not (isinstance(rounding_mode, str) and rounding_mode in ("trunc", "floor")):
            raise ValueError(f"{op}: rounding_mode must be None, 'trunc' or 'floor', not {rounding_mode!r}")
        a, b, dtype = self._operands(other, op, reverse)  # checked here, so that errors name `op`
        if rounding_mode is None:
            return self.__rtruediv__(other) if reverse else self.__truediv__(other)
        if dtype == np.bool_:
            raise TypeError(f"{op}: rounding_mode={rounding_mode!r} is not supported for bool tensors (as in "
                            "torch); convert first, e.g. x.astype(tg.int64)")
        return _float16_in_float32(it.DivRounded, a, b, dtype, mode=rounding_mode, op=op)

    def floor_divide(self, other):
        """floor(self / other) elementwise (Python's //): div(other, rounding_mode="floor");
        integers stay integers (a divisor 0 raises); the gradient is zero."""
        return self._divide(other, "floor", "floor_divide")

    def __floordiv__(self, other):
        """self // other: floor(self / other), as floor_divide."""
        if not _is_operand(other):
            return NotImplemented
        return self._divide(other, "floor", "floor_divide")

    def __rfloordiv__(self, other):
        """other // self: floor(other / self)."""
        if not _is_operand(other):
            return NotImplemented
        return self._divide(other, "floor", "floor_divide", reverse=True)

    def __ifloordiv__(self, other):
        """self //= other, in place (the result must fit self's dtype)."""
        return self._update("floor_divide_", lambda old: old.floor_divide(other))

    def _modulo(self, other, function, op, reverse=False):
        a, b, dtype = self._operands(other, op, reverse)
        if dtype == np.bool_:
            raise TypeError(f"{op}: not supported for bool tensors (as in torch); convert first, "
                            "e.g. x.astype(tg.int64)")
        return _float16_in_float32(function, a, b, dtype, op=op)

    def fmod(self, other):
        """self - other * trunc(self / other): the remainder with the sign of self (C's fmod);
        d/dself = 1, d/dother = -trunc(self / other). Integers stay integers (a divisor 0 raises);
        a float divisor 0 gives NaN."""
        return self._modulo(other, it.Fmod, "fmod")

    def remainder(self, other):
        """self - other * floor(self / other): the remainder with the sign of other (Python's %);
        d/dself = 1, d/dother = -floor(self / other). Integers stay integers (a divisor 0 raises);
        a float divisor 0 gives NaN."""
        return self._modulo(other, it.Remainder, "remainder")

    def __mod__(self, other):
        """self % other: remainder(self, other), the sign of other."""
        if not _is_operand(other):
            return NotImplemented
        return self._modulo(other, it.Remainder, "remainder")

    def __rmod__(self, other):
        """other % self: remainder(other, self)."""
        if not _is_operand(other):
            return NotImplemented
        return self._modulo(other, it.Remainder, "remainder", reverse=True)

    def __imod__(self, other):
        """self %= other, in place."""
        return self._update("remainder_", lambda old: old.remainder(other))

    # ---- bitwise ------------------------------------------------------------------------------
    def _bitwise(self, other, compute, op, reverse=False, shift=False):
        """compute(xp, a, b) of integer (and, unless `shift`, bool) operands in their promoted dtype."""
        a, b, dtype = self._operands(other, op, reverse)
        if dtype.kind not in ("iu" if shift else "biu"):
            kinds = "integer" if shift else "integer and bool"
            raise TypeError(f"{op}: only supported for {kinds} tensors, not {dtype} (as in torch)")
        xp = self._backend.xp
        with np.errstate(all="ignore"):
            return self._result(compute(xp, a.array.astype(dtype, copy=False), b.array.astype(dtype, copy=False)))

    def bitwise_and(self, other):
        """self & other, bit by bit (logical and for bool tensors); integer and bool tensors only."""
        return self._bitwise(other, _OPERATORS["and"][1], "bitwise_and")

    def bitwise_or(self, other):
        """self | other, bit by bit (logical or for bool tensors); integer and bool tensors only."""
        return self._bitwise(other, _OPERATORS["or"][1], "bitwise_or")

    def bitwise_xor(self, other):
        """self ^ other, bit by bit (logical xor for bool tensors); integer and bool tensors only."""
        return self._bitwise(other, _OPERATORS["xor"][1], "bitwise_xor")

    def bitwise_left_shift(self, other):
        """self << other = self * 2^other in self's integer dtype (wrapping); 0 where other is negative
        or at least the dtype's width in bits, as torch."""
        return self._bitwise(other, it.left_shift, "bitwise_left_shift", shift=True)

    def bitwise_right_shift(self, other):
        """self >> other = floor(self / 2^other) (arithmetic shift); where other is negative or at least
        the dtype's width: -1 for negative signed self, else 0, as torch."""
        return self._bitwise(other, it.right_shift, "bitwise_right_shift", shift=True)

    def bitwise_not(self):
        """~self: every bit flipped (-x - 1 for signed integers); logical not for bool tensors."""
        if self.dtype.kind not in "biu":
            raise TypeError(f"bitwise_not: only supported for integer and bool tensors, not {self.dtype} "
                            "(as in torch); ~ (operator.invert) likewise")
        return self._result(self._backend.xp.invert(self.array))

    __invert__ = bitwise_not

    def _operator(self, other, method, reverse=False):
        """The operator &, |, ^, << or >> (`method`: and, or, xor, lshift, rshift): the bitwise method's
        result, or NotImplemented for an `other` no method takes (so that Python may try other's)."""
        if not _is_operand(other):
            return NotImplemented
        name, compute = _OPERATORS[method]
        return self._bitwise(other, compute, name, reverse, shift=method.endswith("shift"))

    def __and__(self, other):
        """self & other: bitwise_and(self, other)."""
        return self._operator(other, "and")

    def __rand__(self, other):
        """other & self: bitwise_and(other, self)."""
        return self._operator(other, "and", reverse=True)

    def __or__(self, other):
        """self | other: bitwise_or(self, other)."""
        return self._operator(other, "or")

    def __ror__(self, other):
        """other | self: bitwise_or(other, self)."""
        return self._operator(other, "or", reverse=True)

    def __xor__(self, other):
        """self ^ other: bitwise_xor(self, other)."""
        return self._operator(other, "xor")

    def __rxor__(self, other):
        """other ^ self: bitwise_xor(other, self)."""
        return self._operator(other, "xor", reverse=True)

    def __lshift__(self, other):
        """self << other: bitwise_left_shift(self, other)."""
        return self._operator(other, "lshift")

    def __rlshift__(self, other):
        """other << self: bitwise_left_shift(other, self)."""
        return self._operator(other, "lshift", reverse=True)

    def __rshift__(self, other):
        """self >> other: bitwise_right_shift(self, other)."""
        return self._operator(other, "rshift")

    def __rrshift__(self, other):
        """other >> self: bitwise_right_shift(other, self)."""
        return self._operator(other, "rshift", reverse=True)


    def __iand__(self, other):
        """self &= other, in place."""
        return self._update("bitwise_and_", lambda old: old.bitwise_and(other))

    def __ior__(self, other):
        """self |= other, in place."""
        return self._update("bitwise_or_", lambda old: old.bitwise_or(other))

    def __ixor__(self, other):
        """self ^= other, in place."""
        return self._update("bitwise_xor_", lambda old: old.bitwise_xor(other))

    def __ilshift__(self, other):
        """self <<= other, in place."""
        return self._update("bitwise_left_shift_", lambda old: old.bitwise_left_shift(other))

    def __irshift__(self, other):
        """self >>= other, in place."""
        return self._update("bitwise_right_shift_", lambda old: old.bitwise_right_shift(other))

    # ---- logical ------------------------------------------------------------------------------
    def _logical(self, other, compute, op):
        _require_tensor(other, op)
        autograd.check_same_device([self, other], op)
        _broadcast_check(op, self, other)
        return self._result(compute(self.array, other.array))

    def logical_and(self, other):
        """(self != 0) and (other != 0), elementwise with broadcasting; any dtypes in (NaN counts as
        true), bool out."""
        return self._logical(other, self._backend.xp.logical_and, "logical_and")

    def logical_or(self, other):
        """(self != 0) or (other != 0), elementwise with broadcasting; bool out."""
        return self._logical(other, self._backend.xp.logical_or, "logical_or")

    def logical_xor(self, other):
        """(self != 0) != (other != 0), elementwise with broadcasting; bool out."""
        return self._logical(other, self._backend.xp.logical_xor, "logical_xor")

    def logical_not(self):
        """self == 0, elementwise (NaN is true, so its not is False); bool out."""
        return self._result(self._backend.xp.logical_not(self.array))

    # ---- predicates ---------------------------------------------------------------------------
    def _float_predicate(self, name, otherwise):
        """xp.<name>(x) for float tensors; for integer and bool ones every element is `otherwise`."""
        xp = self._backend.xp
        if self.dtype.kind == "f":
            return self._result(getattr(xp, name)(self.array))
        return self._result(xp.full(self.shape, otherwise, dtype=bool))

    def isnan(self):
        """x != x: True where x is NaN (never for integer and bool tensors)."""
        return self._float_predicate("isnan", False)

    def isinf(self):
        """True where x is +inf or -inf."""
        return self._float_predicate("isinf", False)

    def isposinf(self):
        """True where x is +inf."""
        return self._float_predicate("isposinf", False)

    def isneginf(self):
        """True where x is -inf."""
        return self._float_predicate("isneginf", False)

    def isfinite(self):
        """True where x is neither NaN nor +-inf (always for integer and bool tensors)."""
        return self._float_predicate("isfinite", True)

    def isreal(self):
        """True where x has no imaginary part: everywhere, as the engine has no complex dtypes."""
        return self._result(self._backend.xp.ones(self.shape, dtype=bool))

    def signbit(self):
        """True where x's sign bit is set: x < 0, and -0.0 and NaNs with the bit set; False for bool."""
        xp = self._backend.xp
        if self.dtype.kind == "f":
            return self._result(xp.signbit(self.array))
        return self._result(self.array < 0 if self.dtype.kind == "i" else xp.zeros(self.shape, dtype=bool))

    def nan_to_num(self, nan=0.0, posinf=None, neginf=None):
        """x with NaN -> nan, +inf -> posinf and -inf -> neginf (by default the largest and the
        lowest finite value of x's dtype); each replacement is converted to x's dtype (a value
        past its range becomes +-inf, as torch). Integer and bool tensors come back as a copy.
        d/dx = 1 where x is finite, 0 where a value was replaced."""
        for value, name in ((nan, "nan"), (posinf, "posinf"), (neginf, "neginf")):
            if not (dtypes.is_python_scalar(value) or (value is None and name != "nan")):
                raise TypeError(f"nan_to_num: {name} must be a number{'' if name == 'nan' else ' or None'}, "
                                f"not {type(value).__name__}")
        nan, posinf, neginf = (None if v is None else float(v) for v in (nan, posinf, neginf))
        if self.dtype.kind != "f":
            return self.clone()
        info = np.finfo(self.dtype)
        posinf = float(info.max) if posinf is None else posinf
        neginf = float(info.min) if neginf is None else neginf
        return it.NanToNum.apply(self, nan=nan, posinf=posinf, neginf=neginf)

    def _close(self, other, rtol, atol, equal_nan, op):
        """The bool array |self - other| <= atol + rtol |other| (and self == other; NaN == NaN when
        equal_nan), computed as torch.isclose computes it."""
        _require_tensor(other, op)
        rtol = check_number(rtol, "rtol", op, low=0, finite=False)
        atol = check_number(atol, "atol", op, low=0, finite=False)
        equal_nan = check_bool(equal_nan, "equal_nan", op)
        autograd.check_same_device([self, other], op)
        if self.dtype != other.dtype:
            raise TypeError(f"{op}: self and other must have the same dtype (as in torch), got {self.dtype} "
                            f"and {other.dtype}")
        _broadcast_check(op, self, other)
        xp, a, b = self._backend.xp, self.array, other.array
        close = a == b
        if equal_nan and a.dtype.kind == "f":
            close = close | (xp.isnan(a) & xp.isnan(b))
        if rtol == 0 and atol == 0:
            return close
        if a.dtype.kind != "f":  # as torch: the error of integers and bools is measured in the default float dtype
            a, b = a.astype(dtypes.get_default_dtype()), b.astype(dtypes.get_default_dtype())
        with np.errstate(all="ignore"):
            allowed = atol + xp.abs(rtol * b)
            actual = xp.abs(a - b)
            return close | (xp.isfinite(actual) & (actual <= allowed))

    def isclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
        """|self - other| <= atol + rtol |other|, elementwise with broadcasting (bool out): equal values
        (infinities of one sign included) are close; NaN is close to NaN only when equal_nan. Both
        tensors must have one dtype; integers are compared in the default float dtype."""
        return self._result(self._close(other, rtol, atol, equal_nan, "isclose"))

    def allclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
        """True (a Python bool) when every element of isclose(self, other, rtol, atol, equal_nan) is."""
        return bool(self._close(other, rtol, atol, equal_nan, "allclose").all())

    def equal(self, other):
        """True (a Python bool) when self and other have the same shape and the same values (in
        their promoted dtype; NaN equals nothing)."""
        _require_tensor(other, "equal")
        autograd.check_same_device([self, other], "equal")
        if self.shape != other.shape:
            return False
        dtype = dtypes.promote_dtypes(self.dtype, other.dtype)
        return bool((self.array.astype(dtype, copy=False) == other.array.astype(dtype, copy=False)).all())

    # ---- clamp, fmax, fmin, copysign ------------------------------------------------------------
    def clamp(self, min=None, max=None):  # noqa: A002 - torch's names
        """min(max(x, min), max) elementwise; either bound may be None. The bounds are both numbers, or
        both Tensors (or None) that broadcast with x. d/dx = 1 where min <= x <= max; with Tensor
        bounds the gradient goes to min where it binds (x < min < max) and to max where it binds
        (x > max, or min > max, where the result is max). The dtype is torch's: x promoted with the
        bounds (numbers count as Python numbers)."""
        return _clamp("clamp", self, min, max)

    def clip(self, min=None, max=None):  # noqa: A002 - torch's names
        """The same as clamp: min(max(x, min), max)."""
        return _clamp("clip", self, min, max)

    def clamp_min(self, min):  # noqa: A002 - torch's name
        """max(x, min): clamp(min=min)."""
        if min is None:
            raise TypeError("clamp_min: min must be a number or a Tensor, not None")
        return _clamp("clamp_min", self, min, None)

    def clamp_max(self, max):  # noqa: A002 - torch's name
        """min(x, max): clamp(max=max)."""
        if max is None:
            raise TypeError("clamp_max: max must be a number or a Tensor, not None")
        return _clamp("clamp_max", self, None, max)

    def _picked(self, other, function, op):
        _require_tensor(other, op)
        a, b, dtype = self._operands(other, op)
        return function.apply(a.astype(dtype), b.astype(dtype))

    def fmax(self, other):
        """max(self, other) elementwise with broadcasting, where a NaN loses to a number (NaN only
        where both are); the gradient goes to self where self >= other or other is NaN, else to other."""
        return self._picked(other, it.FMax, "fmax")

    def fmin(self, other):
        """min(self, other) elementwise, where a NaN loses to a number; the gradient goes to self where
        self <= other or other is NaN, else to other."""
        return self._picked(other, it.FMin, "fmin")

    def copysign(self, other):
        """|self| with the sign bit of other (a Tensor or a number; -0.0 counts as negative), as a float
        (integers and bools give the default float dtype); d/dself = sign of the result over sign of
        self (0 where self = 0), d/dother = 0."""
        a, b, dtype = self._operands(other, "copysign")
        dtype = dtype if dtype.kind == "f" else dtypes.get_default_dtype()
        return it.CopySign.apply(a.astype(dtype), b.astype(dtype))


# ---- clamp: one implementation for the methods and tg.clamp / tg.clip -----------------------------
def _clamp(op, x, lo, hi):
    """clamp of a Tensor x between lo and hi (numbers, or Tensors, or None), with `op` in the errors."""
    if lo is None and hi is None:
        raise ValueError(f"{op}: at least one of 'min' and 'max' must not be None")
    for name, bound in (("min", lo), ("max", hi)):
        if not (bound is None or dtypes.is_python_scalar(bound) or isinstance(bound, _t.Tensor)):
            raise TypeError(f"{op}: {name} must be a number, a Tensor or None, not {type(bound).__name__}")
    if not (isinstance(lo, _t.Tensor) or isinstance(hi, _t.Tensor)):
        return _clamp_numbers(op, x, lo, hi)
    if not (isinstance(lo, (_t.Tensor, type(None))) and isinstance(hi, (_t.Tensor, type(None)))):
        raise TypeError(f"{op}: min and max must both be numbers or both be Tensors (or None), as in torch; "
                        f"got {type(lo).__name__} and {type(hi).__name__}")
    return _clamp_tensors(op, x, lo, hi)


def _clamp_numbers(op, x, lo, hi):
    """clamp with number bounds, one op (ew.Clip): d/dx = 1 where lo <= x <= hi (bounds included).

    The result dtype is torch.clamp's: x promoted with the bounds as Python numbers (an int tensor
    with a float bound gives float32); a bound the dtype cannot hold raises, as in torch."""
    bounds = [dtypes.scalar_array(b, op).dtype for b in (lo, hi) if b is not None]
    dtype = dtypes.result_type((x.dtype, dtypes.rank(x)), *((d, dtypes.SCALAR) for d in bounds))
    if dtype == np.bool_:
        raise TypeError(f"{op}: not supported for bool tensors with bool bounds (as in torch); "
                        "convert first, e.g. x.astype(tg.int64)")
    lo, hi = (None if b is None else dtypes.convert_scalar(b, dtype, op, name).item()
              for name, b in (("min", lo), ("max", hi)))
    return ew.Clip.apply(x.astype(dtype), lo=lo, hi=hi)


def _clamp_tensors(op, x, lo, hi):
    """clamp with a Tensor bound, as torch's: where(x < lo, lo, x), then where(out > hi, hi, out).

    The gradient goes, as torch's, to x where lo <= x <= hi, to lo where x < lo < hi, to hi where
    x > hi or lo > hi, and nowhere else (x < lo == hi, a NaN in x or a bound); a NaN gives NaN."""
    tensors = [t for t in (x, lo, hi) if isinstance(t, _t.Tensor)]
    autograd.check_same_device(tensors, op)
    _broadcast_check(op, *tensors)
    result = dtypes.result_type(*((t.dtype, dtypes.rank(t)) for t in tensors))
    if lo is not None and hi is not None and result == np.bool_:
        raise TypeError(f"{op}: not supported for bool tensors with both bounds (as in torch); convert first, "
                        "e.g. x.astype(tg.int64)")
    where = _t.Tensor.where
    out = x
    if lo is not None:
        out = where(out < lo, lo, out)
    if hi is not None:
        out = where(out > hi, hi, out)
    if lo is not None and hi is not None:  # as torch: lo > hi gives hi its gradient; lo == hi > x gives none
        out = where(lo > hi, hi, out)
        out = where(lo == hi, where(x < lo, lo.detach(), out), out)
    for bound in (b for b in (lo, hi) if b is not None):  # x < NaN is False: pass a NaN bound on by hand
        out = where(bound != bound, bound.detach(), out)
    return where(x != x, x.detach(), out)  # a NaN input stays NaN and gets no gradient
