"""Tensor: an array, its gradient, and the op that made it.

The methods here only check and shape their arguments—promote dtypes, turn
Python numbers into tensors, normalize axes and indices, raise errors a user can
act on—and then call an op's `Function.apply`. The math lives in `ops/`.
"""
import warnings

import numpy as np

from . import autograd, dtypes
from ._validate import _UNSET, _axis_alias, check_alloc, check_bool, check_shape
from .autograd import is_grad_enabled
from ._device import device as _device_type
from .backend import get_backend
from .ops import elementwise as ew, indexing as ix, matmul as mm, movement as mv
from ._tensor_methods import TensorMethods
from ._tensor_math import TensorMath
from ._tensor_inplace import TensorInplace
from ._tensor_logic import TensorLogic
from ._tensor_shape import TensorShape
from ._tensor_index import TensorIndex
from ._tensor_scan import TensorScan
from ._tensor_random import TensorRandom
from ._tensor_reduce import TensorReduce
from ._tensor_linalg import TensorLinalg
from ._tensor_activations import TensorActivations


def _shape_arg(shape, op):
    """Accept shape as varargs `f(2, 3)` or as one sequence `f((2, 3))`; integers only."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = shape[0]
    for n in shape:
        if not isinstance(n, (int, np.integer)) or isinstance(n, bool):
            raise TypeError(f"{op}: sizes must be integers, got {n!r} in {tuple(shape)}")
    return tuple(int(n) for n in shape)


def _new_shape(shape, op):
    """The shape of a tensor to create: integers, none negative."""
    return check_shape(shape, op)


def _creation(op, shape, dtype, requires_grad, device, default=None):
    """(dtype, backend) for a new tensor of `shape`, after checking every argument as `op`'s:
    dtype (None means `default`, or else the default float dtype), requires_grad (a bool; only float tensors may require grad),
    device, and whether memory for the tensor exists (RuntimeError, as torch's allocator)."""
    dtype = (default or dtypes.get_default_dtype()) if dtype is None else dtypes.check(dtype, op)
    if not isinstance(requires_grad, (bool, np.bool_)):
        raise TypeError(f"{op}: requires_grad must be True or False, not {requires_grad!r}")
    if requires_grad and dtype.kind != "f":
        raise TypeError(f"{op}: only floating-point tensors can require grad; the dtype is {dtype}")
    backend = get_backend(device, op)
    check_alloc(shape, dtype, op)
    return dtype, backend


def _fresh(array, backend, requires_grad):
    """A new leaf tensor around a freshly made numpy array (moved to the backend's device)."""
    return Tensor._wrap(backend.asarray(array), backend, requires_grad=bool(requires_grad))


def _axes(axis, shape, op, new_axes=0):
    """Normalize `axis` (None, an int or a sequence; negatives count from the end) to a sorted tuple.

    The axes index a result with `new_axes` more axes than `shape` (1 for unsqueeze and stack).
    An axis outside [-ndim, ndim) raises IndexError, as torch's "Dimension out of range" does;
    a 0-d tensor answers to axis 0 and -1, as in torch."""
    ndim = len(shape) + new_axes
    if axis is None:
        return None
    axes = (axis,) if isinstance(axis, (int, np.integer)) and not isinstance(axis, bool) else axis
    if not isinstance(axes, (tuple, list)) or not all(
            isinstance(a, (int, np.integer)) and not isinstance(a, bool) for a in axes):
        raise TypeError(f"{op}: dim must be an int or a tuple of ints, got {axis!r}")
    span = max(ndim, 1)
    normalized = []
    for a in axes:
        if not -span <= a < span:
            raise IndexError(f"{op}: dim {a} is out of range for shape {tuple(shape)} "
                             f"(expected to be in range of [{-span}, {span - 1}])")
        normalized.append(int(a) % span)
    if len(set(normalized)) != len(normalized):
        raise ValueError(f"{op}: dim {axis} repeats an axis")
    return tuple(sorted(normalized)) if ndim else None


def _one_axis(axis, shape, op, new_axes=0, name="dim"):
    """One axis as a non-negative int (0 for a 0-d tensor); `_axes` checks its range."""
    if not isinstance(axis, (int, np.integer)) or isinstance(axis, bool):
        raise TypeError(f"{op}: {name} must be an int, got {axis!r}")
    return (_axes(axis, shape, op, new_axes) or (0,))[0]


def _softmax_dim(shape, dim, op, stacklevel=3):
    """The axis softmax runs along; dim=None picks torch's implicit one (0 for 0-, 1- and 3-d input, else 1)."""
    if dim is None:
        dim = 0 if len(shape) in (0, 1, 3) else 1
        warnings.warn(f"{op}: implicit dimension choice (dim={dim} for a {len(shape)}-d input) is deprecated, "
                      "as in torch; pass dim=X", UserWarning, stacklevel=stacklevel)
    return _one_axis(dim, shape, op)


def _reduce_axes(axis):
    """A reduction's axis: an empty tuple means every axis, as torch reads dim=() (numpy would reduce none)."""
    return None if isinstance(axis, (tuple, list)) and len(axis) == 0 else axis


class _Devices(dict):
    """name -> tg.device, made once per name: x.device is torch's device object (x.device.type) and
    still compares equal to the string ("cpu")."""

    def __missing__(self, name):
        self[name] = made = _device_type(name)
        return made


_DEVICES = _Devices()


class _static_or_bound:
    """A function of (first, ...) that a class calls as it is and an instance calls with itself in the
    second place: Tensor.where(cond, a, b), and x.where(cond, b) = Tensor.where(cond, x, b), as torch."""

    def __init__(self, function):
        self.function = function
        self.__doc__ = function.__doc__

    def __get__(self, instance, owner=None):
        if instance is None:
            return self.function
        function = self.function

        def bound(first, *rest, **kwargs):
            return function(first, instance, *rest, **kwargs)
        bound.__name__ = bound.__qualname__ = function.__name__
        bound.__doc__ = function.__doc__
        return bound


class Tensor(TensorMethods, TensorMath, TensorInplace, TensorLogic, TensorShape, TensorIndex, TensorScan,
             TensorRandom, TensorReduce, TensorLinalg, TensorActivations):
    """An n-dimensional array that can record the operations applied to it.

    Tensor(data, requires_grad=False, dtype=None, device="cpu")

    `data` is a Python number, a (nested) list, a numpy array or a Tensor; it is
    copied. Python floats become float32, ints int64, bools bool; a numpy array
    keeps its dtype. Only floating-point tensors can require grad.
    """

    __array_ufunc__ = None  # numpy defers to our operators: ndarray + Tensor -> Tensor.__radd__
    # Fixed fields: every op makes a tensor, and slots make that (and reading them) cheaper.
    # `grad` and `requires_grad` are properties over `_grad` and `_requires_grad`, so that an
    # assignment is checked; the engine's own hot paths read and write the slots directly.
    __slots__ = ("array", "_grad", "_requires_grad", "_backend", "_ctx", "_versions", "__weakref__")

    def __init__(self, data, requires_grad=False, dtype=None, device="cpu"):
        self._backend = get_backend(device, "Tensor")
        if isinstance(data, Tensor):
            data = data._backend.to_numpy(data.array)
        self.array = self._backend.asarray(dtypes.to_array(data, dtype))
        self._grad = None
        self._ctx = None
        self._versions = [0]  # in-place updates so far; shared with views of this tensor's memory
        self._requires_grad = False
        if requires_grad is not False and check_bool(requires_grad, "requires_grad", "Tensor"):
            self.requires_grad_(True)

    @classmethod
    def _wrap(cls, array, backend, requires_grad=False):
        """A tensor around an existing array (no copy, no checks): the ops' way out."""
        t = cls.__new__(cls)
        t.array, t._backend, t._grad, t._ctx, t._requires_grad = array, backend, None, None, requires_grad
        t._versions = [0]
        return t

    def requires_grad_(self, flag=True):
        """Set requires_grad in place; only floating-point tensors may require grad."""
        if not isinstance(flag, (bool, np.bool_)):
            raise TypeError(f"requires_grad_: the flag must be True or False, not {flag!r}")
        if flag and self.array.dtype.kind != "f":
            raise TypeError(f"requires_grad_: only floating-point tensors can require grad; this one is "
                            f"{self.dtype} (convert it first, e.g. x.astype(tg.float32))")
        if not flag and self._ctx is not None and self._requires_grad:
            raise RuntimeError("requires_grad_: only a leaf tensor's flag can be switched off; this tensor was "
                               "computed from others (use x.detach() for a copy outside the graph)")
        self._requires_grad = bool(flag)
        return self

    @property
    def requires_grad(self):
        """Whether ops on this tensor record the graph, so that backward reaches it."""
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, flag):
        self.requires_grad_(flag)

    @property
    def grad(self):
        """d(loss)/d(self) summed over every backward so far (a Tensor), or None."""
        return self._grad

    @grad.setter
    def grad(self, value):
        """Assign a gradient: None, or a Tensor of this tensor's shape, dtype and device (as torch)."""
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"grad: assigned grad must be a Tensor or None, not {type(value).__name__}")
            if value.shape != self.shape:
                raise ValueError(f"grad: assigned grad has shape {value.shape}, the tensor {self.shape}")
            if value.dtype != self.dtype:
                raise TypeError(f"grad: assigned grad is {value.dtype}, the tensor {self.dtype}")
            if value._backend is not self._backend:
                raise RuntimeError(f"grad: assigned grad is on {value.device}, the tensor on {self.device}")
        self._grad = value

    # ---- facts ----------------------------------------------------------------------
    shape = property(lambda self: self.array.shape)
    ndim = property(lambda self: self.array.ndim)
    dtype = property(lambda self: self.array.dtype)
    device = property(lambda self: _DEVICES[self._backend.name])  # a tg.device: equal to its name, with .type
    is_leaf = property(lambda self: self._ctx is None)
    is_cuda = property(lambda self: self._backend.name == "cuda")

    def __len__(self):
        if self.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self.shape[0]

    def __repr__(self):
        grad = ", requires_grad=True" if self.requires_grad else ""
        body = np.array2string(self.numpy(), separator=", ", prefix="Tensor(")
        return f"Tensor({body}, dtype={self.dtype}{grad})"

    def __bool__(self):
        if self.array.size != 1:
            raise ValueError(f"the truth value of a tensor of shape {self.shape} is ambiguous; "
                             "use .any() style reductions or compare elements explicitly")
        return bool(self.item())

    __hash__ = object.__hash__

    # ---- leaving the graph ----------------------------------------------------------
    def numpy(self):
        """The values as a numpy array (a copy on devices other than "cpu")."""
        return self._backend.to_numpy(self.array)

    def __array__(self, dtype=None, copy=None):
        array = self.numpy()
        if dtype is None:
            return array
        try:
            return array.astype(dtype)
        except (TypeError, ValueError) as e:
            raise TypeError(f"__array__: cannot give the values as {dtype!r} ({e})") from None

    def item(self):
        """The value of a one-element tensor as a Python number."""
        if self.array.size != 1:
            raise ValueError(f"item: only one-element tensors can become a Python number, not shape {self.shape}")
        return self.numpy().reshape(()).item()

    def __float__(self):
        return float(self._one_element("float"))

    def __int__(self):
        return int(self._one_element("int"))

    def __index__(self):
        """A one-element integer (or bool) tensor used as an index, as torch allows: [10, 20][t]."""
        if self.dtype.kind not in "biu" or self.array.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index, "
                            f"not a {self.dtype} tensor of shape {self.shape}")
        return int(self.item())

    def _one_element(self, op):
        if self.array.size != 1:
            raise ValueError(f"{op}: only one-element tensors can be converted to Python scalars, "
                             f"not shape {self.shape}")
        return self.item()

    def tolist(self):
        """The values as (nested) Python lists of Python numbers; a 0-d tensor gives one number."""
        return self.numpy().tolist()

    def detach(self):
        """The same values, cut from the graph: no gradient flows through the result. As torch's, it
        shares this tensor's memory and its count of in-place updates, so an op that saved this
        tensor refuses its backward after an update through the detached one (x.data does not count)."""
        t = Tensor._wrap(self.array, self._backend)
        t._versions = self._versions
        return t

    def astype(self, dtype):
        """A copy converted to `dtype` (differentiable between float dtypes)."""
        dtype = dtypes.check(dtype, "astype")
        if dtype == self.dtype:
            return self
        if dtype.kind != "f" and is_grad_enabled() and self.requires_grad:
            return self.detach().astype(dtype)
        return ew.Cast.apply(self, dtype=dtype)

    # creation (zeros, ones, full, rand, randn, arange, eye, zeros_like, ones_like): see _tensor_random.py

    # ---- arithmetic -----------------------------------------------------------------
    def _lift(self, other, op="binary op"):
        """A number or array as a tensor on this tensor's device (no grad); a tensor
        on another device is refused (RuntimeError naming `op` and both devices), as in torch.

        A scalar (Python or numpy number) keeps its exact value at full width (bool, int64,
        float64); promotion, which treats it as a Python number, then picks the op's dtype."""
        if isinstance(other, Tensor):
            if other._backend is not self._backend:
                autograd.check_same_device([self, other], op)
            return other
        array = dtypes.scalar_array(other, op) if dtypes.is_python_scalar(other) else dtypes.to_array(other, op=op)
        return Tensor._wrap(self._backend.asarray(array), self._backend)

    def _binary(self, other, function, op, reverse=False):
        if isinstance(other, Tensor) and other.array.dtype == self.array.dtype and other._backend is self._backend \
                and self.array.dtype.kind == "f":
            # The common case, kept cheap: two float tensors of one dtype on one device.
            a, b = (other, self) if reverse else (self, other)
            if a.array.shape == b.array.shape:
                return function.apply(a, b)
        else:
            other_t = self._lift(other, op)
            a, b = (other_t, self) if reverse else (self, other_t)
            scalar = dtypes.is_python_scalar(other)
            dtype = dtypes.promote(a, b, a_scalar=scalar and reverse, b_scalar=scalar and not reverse)
            _check_integer_op(op, a, b, dtype, scalar_exponent=scalar and not reverse)
            if op.startswith("div") and dtype.kind != "f":  # true division of integers gives floats, as in torch
                dtype = dtypes.get_default_dtype()
            result_dtype = dtype
            if dtype == dtypes.float16 and (scalar or min(a.ndim, b.ndim) == 0) and a.dtype != b.dtype:
                # As torch: a number or a 0-d tensor meets float16 in float32 ("opmath"), and the result
                # is rounded once; rounding 65536 to float16 first would make half_tensor / 65536 zero.
                dtype = dtypes.float32
            if scalar:  # a number changes dtype without a node in the graph
                other_t = Tensor._wrap(other_t.array.astype(dtype), self._backend)
                a, b = (other_t, self) if reverse else (self, other_t)
            a, b = a.astype(dtype), b.astype(dtype)
            if result_dtype != dtype:
                return self._apply_binary(a, b, function, op, reverse, other).astype(result_dtype)
        return self._apply_binary(a, b, function, op, reverse, other)

    @staticmethod
    def _apply_binary(a, b, function, op, reverse, other):
        if a.array.shape != b.array.shape:
            try:
                np.broadcast_shapes(a.array.shape, b.array.shape)
            except ValueError:
                raise ValueError(f"{op}: cannot broadcast {a.shape} with {b.shape}") from None
        if function is ew.Pow and not reverse and dtypes.is_python_scalar(other):
            return function.apply(a, b, scalar_exponent=True)  # torch computes x ** 0.5 as sqrt(x)
        return function.apply(a, b)

    def __add__(self, other): return self._binary(other, ew.Add, "add")
    def __radd__(self, other): return self._binary(other, ew.Add, "add", reverse=True)
    def __sub__(self, other): return self._binary(other, ew.Sub, "sub")
    def __rsub__(self, other): return self._binary(other, ew.Sub, "sub", reverse=True)
    def __mul__(self, other): return self._binary(other, ew.Mul, "mul")
    def __rmul__(self, other): return self._binary(other, ew.Mul, "mul", reverse=True)
    def __truediv__(self, other): return self._binary(other, ew.Div, "div")
    def __rtruediv__(self, other): return self._binary(other, ew.Div, "div", reverse=True)
    def __pow__(self, other): return self._binary(other, ew.Pow, "pow")
    def __rpow__(self, other): return self._binary(other, ew.Pow, "pow", reverse=True)
    def __matmul__(self, other): return self.matmul(other)
    def __rmatmul__(self, other): return self._lift(other, "matmul").matmul(self)

    def __neg__(self):
        if self.dtype == np.bool_:
            raise TypeError("neg: negation, the `-` operator, on a bool tensor is not supported; "
                            "to invert a mask, compare it: mask == False")
        return ew.Neg.apply(self)

    def maximum(self, other):
        """Elementwise max(self, other); NaN wins; on ties each side gets half the gradient."""
        return self._binary(other, ew.Maximum, "maximum")

    def minimum(self, other):
        """Elementwise min(self, other); NaN wins; on ties each side gets half the gradient."""
        return self._binary(other, ew.Minimum, "minimum")

    # in-place updates (add_, copy_, x[i] = v, ...) and their recording: _tensor_inplace.py

    # ---- comparisons (not differentiable) ---------------------------------------------
    def _compare(self, other, numpy_fn, op):
        """Compare in the promoted dtype, as torch; except that an integer scalar out of an integer
        dtype's range (int8 tensor < 1000) compares exactly, in int64, where torch wraps it first."""
        if not (isinstance(other, (Tensor, np.ndarray, list, tuple)) or dtypes.is_python_scalar(other)):
            return NotImplemented  # None, a string, an object: Python answers (== is False, < raises), as torch
        other_t = self._lift(other, op)
        scalar = dtypes.is_python_scalar(other)
        dtype = dtypes.promote(self, other_t, b_scalar=scalar)
        if scalar and dtype.kind in "iu" and other_t.dtype.kind in "iu" and \
                not np.iinfo(dtype).min <= int(other) <= np.iinfo(dtype).max:
            dtype = dtypes.int64
        a, b = self.array.astype(dtype, copy=False), other_t.array.astype(dtype, copy=False)
        try:
            # asarray: numpy compares 0-d arrays into a scalar, and a tensor holds an array
            return Tensor._wrap(self._backend.xp.asarray(numpy_fn(a, b)), self._backend)
        except ValueError:
            raise ValueError(f"{op}: cannot broadcast {self.shape} with {other_t.shape}") from None

    def __eq__(self, other): return self._compare(other, np.equal, "eq")
    def __ne__(self, other): return self._compare(other, np.not_equal, "ne")
    def __lt__(self, other): return self._compare(other, np.less, "lt")
    def __le__(self, other): return self._compare(other, np.less_equal, "le")
    def __gt__(self, other): return self._compare(other, np.greater, "gt")
    def __ge__(self, other): return self._compare(other, np.greater_equal, "ge")

    # ---- selection ------------------------------------------------------------------
    @_static_or_bound
    def where(cond, a, b):
        """Elementwise `a` where `cond` is true, else `b` (a and b: tensors or numbers).

        Tensor.where(cond, a, b) is torch.where's three-argument form; on a tensor,
        x.where(cond, y) is torch's method form: x where cond is true, else y."""
        ref = next((t for t in (a, b, cond) if isinstance(t, Tensor)), None)
        ref = ref if ref is not None else Tensor(a)
        autograd.check_same_device([t for t in (cond, a, b) if isinstance(t, Tensor)], "where")
        cond_array = cond.array if isinstance(cond, Tensor) else ref._backend.asarray(np.asarray(cond))
        if cond_array.dtype != np.bool_:
            raise TypeError(f"where: the condition must be a bool tensor, not {cond_array.dtype}")
        a_t, b_t = ref._lift(a, "where"), ref._lift(b, "where")
        dtype = dtypes.promote(a_t, b_t, a_scalar=dtypes.is_python_scalar(a),
                               b_scalar=dtypes.is_python_scalar(b))
        if dtype.kind in "iu":  # as torch: a number an integer result cannot hold raises, never wraps
            for name, value in (("input", a), ("other", b)):
                if dtypes.is_python_scalar(value):
                    dtypes.convert_scalar(value, dtype, "where", name)
        try:
            np.broadcast_shapes(cond_array.shape, a_t.shape, b_t.shape)
        except ValueError:
            raise ValueError(f"where: cannot broadcast condition {cond_array.shape} with "
                             f"{a_t.shape} and {b_t.shape}") from None
        return ew.Where.apply(cond_array, a_t.astype(dtype), b_t.astype(dtype))

    # ---- matmul ---------------------------------------------------------------------
    def matmul(self, other):
        """Matrix product with numpy/torch rules: 1-D operands are promoted to a row
        (left) or a column (right) vector and that axis is removed from the result;
        batch axes broadcast."""
        if isinstance(other, Tensor) and self.array.ndim == other.array.ndim == 2 \
                and other.array.dtype == self.array.dtype and other._backend is self._backend \
                and self.array.shape[1] == other.array.shape[0] and self.array.dtype.kind != "b":
            return mm.MatMul.apply(self, other)  # the common case, kept short: nothing to promote or check
        other = self._lift(other, "matmul")
        dtype = dtypes.promote(self, other)
        if dtype == np.bool_:
            raise TypeError("matmul: not supported for bool tensors (as in torch); convert first, e.g. "
                            "x.astype(tg.int64)")
        a, b = self.astype(dtype), other.astype(dtype)
        if a.ndim == 0 or b.ndim == 0:
            raise ValueError(f"matmul: {a.shape} @ {b.shape}: both operands need at least one dimension")
        a2 = a.unsqueeze(0) if a.ndim == 1 else a
        b2 = b.unsqueeze(-1) if b.ndim == 1 else b
        if a2.shape[-1] != b2.shape[-2]:
            raise ValueError(f"matmul: {a.shape} @ {b.shape}: inner dimensions "
                             f"{a2.shape[-1]} and {b2.shape[-2]} differ")
        try:
            np.broadcast_shapes(a2.shape[:-2], b2.shape[:-2])
        except ValueError:
            raise ValueError(f"matmul: {a.shape} @ {b.shape}: batch dimensions do not broadcast") from None
        out = mm.MatMul.apply(a2, b2)
        if b.ndim == 1:
            out = out.squeeze(-1)
        if a.ndim == 1:
            out = out.squeeze(-2 if b.ndim > 1 else -1)
        return out

    # ---- movement -------------------------------------------------------------------
    def reshape(self, *shape):
        """The same elements in a new shape; one axis may be -1 (inferred)."""
        shape = _shape_arg(shape, "reshape")
        known = int(np.prod([n for n in shape if n != -1]))
        if shape.count(-1) > 1 or any(n < -1 for n in shape) or (
                -1 in shape and (known == 0 or self.array.size % known)) or (
                -1 not in shape and known != self.array.size):
            raise ValueError(f"reshape: cannot reshape {self.shape} ({self.array.size} elements) into {shape}")
        if -1 in shape:
            shape = tuple(self.array.size // known if n == -1 else n for n in shape)
        return self if shape == self.shape else mv.Reshape.apply(self, shape=shape)

    def flatten(self, start_dim=0, end_dim=-1):
        """Axes start_dim..end_dim (inclusive) merged into one; all of them by default, as torch."""
        first = _one_axis(start_dim, self.shape, "flatten", name="start_dim")
        last = _one_axis(end_dim, self.shape, "flatten", name="end_dim")
        if first > last:
            raise ValueError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim} for shape {self.shape}")
        merged = int(np.prod(self.shape[first:last + 1]))
        return self.reshape(self.shape[:first] + (merged,) + self.shape[last + 1:])

    def permute(self, *dims):
        """Reorder the axes: output axis i is input axis dims[i] (negatives count from the end)."""
        dims = _shape_arg(dims, "permute")
        if len(dims) != self.ndim:
            raise ValueError(f"permute: {dims} names {len(dims)} axes but the tensor of shape {self.shape} "
                             f"has {self.ndim}")
        normalized = tuple(_one_axis(d, self.shape, "permute") for d in dims)
        if len(set(normalized)) != len(normalized):
            raise ValueError(f"permute: {dims} repeats an axis of the tensor of shape {self.shape}")
        return mv.Permute.apply(self, dims=normalized)

    def transpose(self, dim0=_UNSET, dim1=_UNSET, *, axis0=_UNSET, axis1=_UNSET):
        """Swap axes dim0 and dim1 (the last two when neither is given)."""
        a = _axis_alias("transpose", dim0, axis0, -2, names=("dim0", "axis0"))
        b = _axis_alias("transpose", dim1, axis1, -1, names=("dim1", "axis1"))
        a, b = _one_axis(a, self.shape, "transpose", name="dim0"), _one_axis(b, self.shape, "transpose", name="dim1")
        if self.ndim == 0:  # a 0-d tensor answers to axis 0 or -1, as torch's does: nothing to swap
            return self
        dims = list(range(self.ndim))
        dims[a], dims[b] = dims[b], dims[a]
        return self.permute(dims)

    @property
    def T(self):
        """All axes reversed (a matrix's transpose), as numpy's .T."""
        return self.permute(tuple(reversed(range(self.ndim)))) if self.ndim > 1 else self

    def expand(self, *shape):
        """Broadcast to `shape` without copying; -1 keeps an axis' size."""
        shape = _shape_arg(shape, "expand")
        lead = len(shape) - self.ndim
        target = tuple(self.shape[i - lead] if n == -1 and i >= lead else n for i, n in enumerate(shape))
        if lead < 0 or not _broadcastable(self.shape, target) or np.broadcast_shapes(self.shape, target) != target:
            raise ValueError(f"expand: cannot expand {self.shape} to {shape}")
        return self if target == self.shape else mv.Expand.apply(self, shape=target)

    def squeeze(self, dim=_UNSET, *, axis=_UNSET):
        """Remove size-1 axes (all of them, or those in `dim`; others are kept, as torch)."""
        axes = _axes(_axis_alias("squeeze", dim, axis, None), self.shape, "squeeze")
        axes = range(self.ndim) if axes is None else axes
        shape = tuple(n for i, n in enumerate(self.shape) if not (i in axes and n == 1))
        return self.reshape(shape)

    def unsqueeze(self, dim=_UNSET, *, axis=_UNSET):
        """Insert a size-1 axis at `dim` (negative counts from the end of the result)."""
        dim = _axis_alias("unsqueeze", dim, axis, _UNSET)
        if dim is _UNSET:
            raise TypeError("unsqueeze: missing the argument dim (or axis)")
        dim = _one_axis(dim, self.shape, "unsqueeze", new_axes=1)
        return self.reshape(self.shape[:dim] + (1,) + self.shape[dim:])

    def __getitem__(self, index):
        basic, advanced = _index(index, self.shape, self._backend)
        return mv.GetItem.apply(self, basic=basic, advanced=advanced)

    @staticmethod
    def cat(tensors, dim=_UNSET, *, axis=_UNSET):
        """Join tensors along an existing axis `dim`; all other axes must match."""
        dim = _axis_alias("cat", dim, axis, 0)
        tensors = _same_dtype(tensors, "cat")
        first = tensors[0]
        if first.ndim == 0:
            raise ValueError("cat: 0-d tensors (shape ()) have no axis to join along; use stack")
        dim = _one_axis(dim, first.shape, "cat")
        for t in tensors[1:]:
            if t.ndim != first.ndim or any(
                    n != m for i, (n, m) in enumerate(zip(t.shape, first.shape)) if i != dim):
                raise ValueError(f"cat: shapes {first.shape} and {t.shape} differ outside axis {dim}")
        return mv.Cat.apply(*tensors, axis=dim)

    @staticmethod
    def stack(tensors, dim=_UNSET, *, axis=_UNSET):
        """Join same-shaped tensors along a new axis `dim`."""
        dim = _axis_alias("stack", dim, axis, 0)
        tensors = _same_dtype(tensors, "stack")
        first = tensors[0]
        dim = _one_axis(dim, first.shape, "stack", new_axes=1)
        for t in tensors[1:]:
            if t.shape != first.shape:
                raise ValueError(f"stack: shapes {first.shape} and {t.shape} differ")
        return mv.Stack.apply(*tensors, axis=dim)

    # ---- gradients ------------------------------------------------------------------
    def backward(self, grad=None, retain_graph=False):
        """Compute d(self)/d(leaf) for every leaf that requires grad and add it to leaf.grad.

        `grad` is d(loss)/d(self); it may be omitted for a one-element tensor (it is 1).
        The graph's saved values are freed afterwards unless `retain_graph=True`.
        """
        autograd.backward(self, self._seed_gradient(grad, "backward"), retain_graph=retain_graph)

    def _seed_gradient(self, grad, op):
        """The array d(loss)/d(self) a backward pass starts from, after checking it fits."""
        if not self.requires_grad:
            raise RuntimeError(f"{op}: this tensor does not require grad (no input had "
                               "requires_grad=True, or it was computed under no_grad)")
        if grad is None:
            if self.array.size != 1:
                raise RuntimeError(f"{op}: grad can be created implicitly only for a scalar output; "
                                   f"this tensor has shape {self.shape}: pass grad= of that shape")
            return self._backend.xp.ones(self.array.shape, self.dtype)
        g = grad.array if isinstance(grad, Tensor) else self._backend.asarray(np.asarray(grad))
        if g.dtype.kind not in "biuf":
            raise TypeError(f"{op}: grad must be a Tensor or an array of real numbers, not {type(grad).__name__} "
                            f"of {g.dtype}")
        if tuple(g.shape) != self.shape:
            raise ValueError(f"{op}: grad of shape {tuple(g.shape)} for a tensor of shape {self.shape}")
        return g.astype(self.dtype, copy=False)


autograd._Tensor = Tensor  # Function.apply wraps its outputs in this class


def _check_integer_op(op, a, b, dtype, scalar_exponent):
    """Refuse, as torch does, the bool and integer arithmetic that has no answer in the dtype."""
    if op.startswith("sub") and np.bool_ in (a.dtype, b.dtype):
        raise TypeError(f"{op}: subtraction, the `-` operator, with a bool tensor is not supported; "
                        "convert it first, e.g. mask.astype(tg.int64)")
    if op.startswith("pow") and dtype == np.bool_ and not scalar_exponent:
        raise TypeError(f"{op}: not implemented for a bool tensor exponent (as in torch); "
                        "convert the tensors first, e.g. x.astype(tg.int64)")
    if op.startswith("pow") and dtype.kind in "iu" and scalar_exponent and (b.array < 0).any():
        raise ValueError(f"{op}: integers to negative integer powers are not allowed "
                         "(make the base a float tensor)")


def _require_tensor(t, op):
    if not isinstance(t, Tensor):
        raise TypeError(f"{op}: expects a Tensor, got {type(t).__name__}")


def _broadcastable(shape, target):
    try:
        np.broadcast_shapes(shape, target)
        return True
    except ValueError:
        return False


def _same_dtype(tensors, op):
    if not isinstance(tensors, (list, tuple)):
        raise TypeError(f"{op}: expects a list or tuple of tensors, got {type(tensors).__name__}")
    tensors = list(tensors)
    if not tensors or not all(isinstance(t, Tensor) for t in tensors):
        raise TypeError(f"{op}: expects a non-empty sequence of tensors")
    autograd.check_same_device(tensors, op)
    dtype = tensors[0].dtype
    for t in tensors[1:]:
        dtype = dtypes.promote_dtypes(dtype, t.dtype)
    return [t.astype(dtype) for t in tensors]


def _index(index, shape, backend):
    """torch's reading of `index` as (basic, advanced) steps (see ops/indexing.py), with the Tensors
    in it turned into arrays first and the index arrays then moved to the tensor's device."""
    basic, advanced = ix.plan(_tensors_to_arrays(index), shape)
    if advanced is not None:
        advanced = tuple(backend.asarray(a) if isinstance(a, np.ndarray) else a for a in advanced)
    return basic, advanced


def _tensors_to_arrays(index):
    """The index with every Tensor in it (an item, a list's element, a slice's bound) a numpy array."""
    if isinstance(index, Tensor):
        return index.numpy()
    if isinstance(index, tuple):
        return tuple(_tensors_to_arrays(i) for i in index)
    if isinstance(index, list):
        return [_tensors_to_arrays(i) for i in index]
    if isinstance(index, slice):
        return slice(*(_tensors_to_arrays(b) for b in (index.start, index.stop, index.step)))
    return index
