"""Tensor methods that torch programs call: views, splits, conversions, comparisons by name.

Each is written with the ops Tensor already has (reshape, permute, expand, indexing, Cast,
where), so each is differentiable exactly where its parts are, and its backward is theirs.
`TensorMethods` is a base class of Tensor; it holds no state of its own (`__slots__ = ()`).
"""
import numpy as np

from . import _tensor as _t, dtypes
from ._size import Size
from .autograd import register_hook as _register_hook
from ._validate import _UNSET, _axis_alias, check_bool
from .backend import get_backend
from .ops import elementwise as ew, movement as mv

# torch's legacy type names, by dtype (x.type() with no argument)
_TYPE_NAMES = {
    np.dtype(np.float32): "FloatTensor", np.dtype(np.float64): "DoubleTensor", np.dtype(np.float16): "HalfTensor",
    np.dtype(np.int64): "LongTensor", np.dtype(np.int32): "IntTensor", np.dtype(np.int16): "ShortTensor",
    np.dtype(np.int8): "CharTensor", np.dtype(np.uint8): "ByteTensor", np.dtype(np.bool_): "BoolTensor",
}


def _is_int(n):
    return isinstance(n, (int, np.integer)) and not isinstance(n, bool)


def _int_arg(value, name, op):
    """An integer argument (a one-element integer tensor counts, as torch's narrow takes one)."""
    if isinstance(value, _t.Tensor) and value.dtype.kind in "iu" and value.numel() == 1:
        return int(value.item())
    if not _is_int(value):
        raise TypeError(f"{op}: {name} must be an int, got {value!r}")
    return int(value)


def _require(other, op):
    if not isinstance(other, _t.Tensor):
        raise TypeError(f"{op}: expects a Tensor, got {type(other).__name__}")
    return other


def _infer_shape(shape, size, current, op):
    """`shape` with its one -1 (if any) filled in so that it holds `size` elements; ValueError if none can."""
    known = int(np.prod([n for n in shape if n != -1]))
    if shape.count(-1) > 1 or any(n < -1 for n in shape) or (
            -1 in shape and (known == 0 or size % known)) or (-1 not in shape and known != size):
        raise ValueError(f"{op}: cannot view {current} ({size} elements) as {shape}")
    return tuple(size // known if n == -1 else n for n in shape)


def _dense(array):
    """Whether the elements fill a block of memory exactly once, in some order of the axes."""
    expected = array.itemsize
    for stride, n in sorted((abs(st), n) for st, n in zip(array.strides, array.shape) if n != 1):
        if stride != expected:
            return array.size == 0
        expected *= n
    return True


def _memory_order(array):
    """The axes from the slowest-varying in memory to the fastest, as torch orders them for a copy
    (its infer_dense_strides): by stride, a tie going to the smaller axis first, an axis of stride 0
    keeping its place; a stable insertion sort starting from the row-major order."""
    strides = [abs(st) // array.itemsize for st in array.strides]
    perm = list(range(array.ndim))[::-1]  # fastest first

    def should_swap(a, b):
        if strides[a] == 0 or strides[b] == 0:
            return 0
        if strides[a] != strides[b]:
            return 1 if strides[a] > strides[b] else -1
        return 1 if array.shape[a] > array.shape[b] else 0
    for i in range(1, len(perm)):
        j = i
        for k in range(i - 1, -1, -1):
            swap = should_swap(perm[k], perm[j])
            if swap > 0:
                perm[k], perm[j] = perm[j], perm[k]
                j = k
            elif swap < 0:
                break
    return tuple(perm[::-1])


def _is_device(value):
    return isinstance(value, str)


class GradFn:
    """The node that made a tensor (torch's `grad_fn`): the op's name and its context."""

    __slots__ = ("_ctx",)

    def __init__(self, ctx):
        self._ctx = ctx

    def name(self):
        """The op's name, torch-style: 'MulBackward'."""
        return f"{self._ctx.function.__name__}Backward"

    def __eq__(self, other):
        return isinstance(other, GradFn) and other._ctx is self._ctx

    def __hash__(self):
        return id(self._ctx)

    def __repr__(self):
        return f"<{self.name()}>"


class TensorMethods:
    """torch's Tensor methods written with the engine's ops (a base class of Tensor)."""

    __slots__ = ()

    # ---- facts ----------------------------------------------------------------------
    def dim(self):
        """The number of axes (torch's x.dim() = x.ndim)."""
        return self.ndim

    def ndimension(self):
        """The number of axes; an alias of dim()."""
        return self.ndim

    def numel(self):
        """The number of elements: the product of the shape (1 for a 0-d tensor)."""
        return int(self.array.size)

    def size(self, dim=_UNSET, *, axis=_UNSET):
        """The shape as a `tg.Size` (a tuple), or the length of axis `dim` (negative counts from
        the end), as torch's x.size(); the element count is numel()."""
        dim = _axis_alias("size", dim, axis, None)
        if dim is None:
            return Size(self.array.shape)
        if self.ndim == 0:
            raise IndexError(f"size: dimension specified as {dim!r} but the tensor has no dimensions")
        return self.shape[_t._one_axis(dim, self.shape, "size")]

    @property
    def data(self):
        """torch's .data: the same values as a tensor outside the graph, sharing this tensor's memory.

        `p.data -= lr * p.grad` and `p.data.add_(p.grad, alpha=-lr)` update p in place without
        being recorded and without autograd's in-place checks, as in torch (an op that saved p
        for its backward does not notice). The backend's raw array is `x.array`."""
        return type(self)._wrap(self.array, self._backend)

    @data.setter
    def data(self, value):
        """x.data = y: x now holds y's values (sharing y's memory); shape and dtype may change, as
        torch allows, but the device may not, and a tensor that requires grad must stay float."""
        if not isinstance(value, _t.Tensor):
            raise TypeError(f"data: assigned data must be a Tensor, not {type(value).__name__}")
        if value._backend is not self._backend:
            raise RuntimeError(f"data: assigned data is on {value.device}, the tensor on {self.device}")
        if self._requires_grad and value.dtype.kind != "f":
            raise TypeError(f"data: a tensor that requires grad must hold floats; the assigned data is "
                            f"{value.dtype}")
        self.array = value.array

    def __deepcopy__(self, memo):
        """copy.deepcopy: a new leaf with a copy of the values (and of the gradient), on the same device
        and with the same requires_grad; as torch, only a leaf can be deep-copied."""
        if self._ctx is not None:
            raise RuntimeError("deepcopy: only tensors created by the user (graph leaves) support deepcopy, as in "
                               "torch; deep-copy x.detach() instead")
        copied = type(self)._wrap(self.array.copy(), self._backend, self._requires_grad)
        if self._grad is not None:
            copied._grad = type(self._grad)._wrap(self._grad.array.copy(), self._backend)
        memo[id(self)] = copied
        return copied

    def is_contiguous(self):
        """Whether the elements lie in memory in row-major order with no gaps (size-1 axes ignored)."""
        return bool(self.array.flags.c_contiguous)

    def is_floating_point(self):
        """Whether the dtype is a floating-point one (float16, float32, float64), as torch's."""
        return self.dtype.kind == "f"

    @property
    def grad_fn(self):
        """The op that made this tensor (a GradFn naming it), or None for a leaf or a tensor outside the graph."""
        return GradFn(self._ctx) if self._ctx is not None else None

    def register_hook(self, hook):
        """Call hook(grad) whenever backward computes this tensor's gradient (leaf or not); a returned
        tensor replaces the gradient that flows on. Returns a handle whose remove() drops the hook."""
        return _register_hook(self, hook)

    # ---- views and copies -------------------------------------------------------------
    def view(self, *shape):
        """The same memory seen with a new shape (one axis may be -1). As torch, only a shape that the
        strides allow without a copy: otherwise RuntimeError (use reshape, which copies)."""
        if len(shape) == 1 and not isinstance(shape[0], (tuple, list)) and not _is_int(shape[0]):
            return self._bit_view(shape[0])
        return self._view(_t._shape_arg(shape, "view"), "view")

    def _bit_view(self, dtype):
        """x.view(dtype): the same bytes read as another dtype (torch's bitcast); with a wider or
        narrower dtype the last axis shrinks or grows by the ratio of the sizes. Not differentiable
        (the result is outside the graph), as a reinterpretation of bits has no derivative."""
        try:
            if isinstance(dtype, _t.Tensor):
                raise TypeError
            dtype = dtypes.check(dtype)
        except TypeError:
            raise TypeError(f"view: sizes must be integers or one dtype, got {dtype!r}") from None
        old, new = self.dtype.itemsize, dtype.itemsize
        if old != new and (self.ndim == 0 or self.array.strides[-1] != old or (self.shape[-1] * old) % new):
            raise RuntimeError(f"view: a {self.dtype} tensor of shape {self.shape} cannot be viewed as {dtype}: the "
                               "last axis must be contiguous and hold a whole number of the new elements")
        return type(self)._wrap(self.array.view(dtype), self._backend)

    def _view(self, shape, op):
        shape = _infer_shape(shape, self.numel(), self.shape, op)
        probe = self.array.view()
        try:
            probe.shape = shape  # numpy refuses (AttributeError) exactly when the strides need a copy
        except AttributeError:
            raise RuntimeError(f"{op}: size {shape} is not compatible with input tensor's size {self.shape} and "
                               "stride (at least one dimension spans across two contiguous subspaces). "
                               "Use .reshape(...) instead.") from None
        return self.reshape(shape)

    def view_as(self, other):
        """self.view(other.shape)."""
        return self._view(_require(other, "view_as").shape, "view_as")

    def reshape_as(self, other):
        """self.reshape(other.shape)."""
        shape = _require(other, "reshape_as").shape
        if other.numel() != self.numel():
            raise ValueError(f"reshape_as: cannot reshape {self.shape} ({self.numel()} elements) into {shape}")
        return self.reshape(shape)

    def expand_as(self, other):
        """self.expand(other.shape)."""
        shape = _require(other, "expand_as").shape
        if len(shape) < self.ndim or not _t._broadcastable(self.shape, shape) or \
                np.broadcast_shapes(self.shape, shape) != shape:
            raise ValueError(f"expand_as: cannot expand {self.shape} to {shape}")
        return self.expand(shape)

    def clone(self):
        """A copy in fresh memory; differentiable: the gradient passes through unchanged. As torch's
        preserve_format, a dense layout is kept (a transpose's clone is a transpose too), and a layout
        with gaps or repeats (a step, an expand) becomes dense with its axes in the same memory order."""
        if _dense(self.array):
            return ew.Cast.apply(self, dtype=self.dtype)  # astype copies in the same axis order
        order = _memory_order(self.array)
        if order == tuple(range(self.ndim)):
            return mv.Contiguous.apply(self)
        return mv.Contiguous.apply(self.permute(order)).permute(tuple(np.argsort(order)))

    def contiguous(self):
        """self when its memory is row-major already, else a row-major copy (differentiable)."""
        return self if self.is_contiguous() else mv.Contiguous.apply(self)

    def detach_(self):
        """Cut this tensor from the graph in place: it becomes a leaf that does not require grad.

        As torch, a view in the graph (made by view, indexing, transpose, ...) refuses: cutting it
        would cut its base's memory from the graph too; detach() gives a detached view instead."""
        ctx = self._ctx
        if ctx is not None and ctx.function.returns_view and ctx.parents and \
                np.may_share_memory(self.array, ctx.parents[0].array):
            raise RuntimeError("detach_: can't detach views in-place; use detach() instead")
        self._ctx = None
        self._requires_grad = False
        return self

    # ---- pieces ---------------------------------------------------------------------
    def _slice(self, dim, start, stop):
        """self[..., start:stop, ...] along `dim`: a view of the same memory."""
        return self[(slice(None),) * dim + (slice(start, stop),)]

    def narrow(self, dim=_UNSET, start=None, length=None, *, axis=_UNSET):
        """self along `dim` from `start` (negative counts from the end), `length` elements: a view."""
        dim = _required_axis("narrow", dim, axis)
        if start is None or length is None:
            raise TypeError("narrow: needs dim, start and length, as narrow(dim, start, length)")
        if self.ndim == 0:
            raise ValueError("narrow: cannot be applied to a 0-d tensor")
        dim = _t._one_axis(dim, self.shape, "narrow")
        start, length = _int_arg(start, "start", "narrow"), _int_arg(length, "length", "narrow")
        n = self.shape[dim]
        if not -n <= start <= n:
            raise IndexError(f"narrow: start {start} is out of range for dimension {dim} of size {n}")
        start = start % n if start < 0 else start
        if length < 0 or start + length > n:
            raise ValueError(f"narrow: start ({start}) + length ({length}) exceeds dimension {dim} of size {n}")
        return self._slice(dim, start, start + length)

    def split(self, split_size_or_sections, dim=_UNSET, *, axis=_UNSET):
        """Pieces along `dim`: of `split_size` each (the last may be smaller), or of the given sizes."""
        dim = _axis_alias("split", dim, axis, 0)
        if self.ndim == 0:
            raise ValueError("split: cannot be applied to a 0-d tensor")
        dim = _t._one_axis(dim, self.shape, "split")
        n = self.shape[dim]
        if isinstance(split_size_or_sections, (list, tuple)):
            sizes = [_int_arg(s, "split_size_or_sections", "split") for s in split_size_or_sections]
            if any(s < 0 for s in sizes) or sum(sizes) != n:
                raise ValueError(f"split: sections {tuple(sizes)} must be non-negative and sum to {n}, "
                                 f"the size of dimension {dim}")
        else:
            size = _int_arg(split_size_or_sections, "split_size_or_sections", "split")
            if size < 0 or (size == 0 and n != 0):
                raise ValueError(f"split: split_size must be positive, got {size} for dimension {dim} of size {n}")
            sizes = [min(size, n - i) for i in range(0, n, size)] if n else [0]
        bounds = np.cumsum([0] + sizes)
        return tuple(self._slice(dim, int(a), int(b)) for a, b in zip(bounds[:-1], bounds[1:]))

    def chunk(self, chunks, dim=_UNSET, *, axis=_UNSET):
        """Up to `chunks` pieces along `dim`, each of ceil(size / chunks) elements (the last may be smaller)."""
        dim = _axis_alias("chunk", dim, axis, 0)
        chunks = _int_arg(chunks, "chunks", "chunk")
        if chunks <= 0:
            raise ValueError(f"chunk: chunks must be greater than 0, got {chunks}")
        if self.ndim == 0:
            raise ValueError("chunk: cannot be applied to a 0-d tensor")
        dim = _t._one_axis(dim, self.shape, "chunk")
        n = self.shape[dim]
        if n == 0:  # as torch: an empty axis gives `chunks` empty pieces
            return tuple(self._slice(dim, 0, 0) for _ in range(chunks))
        return self.split(-(-n // chunks), dim)

    def unbind(self, dim=_UNSET, *, axis=_UNSET):
        """The slices along `dim`, each without that axis: a tuple of views."""
        dim = _axis_alias("unbind", dim, axis, 0)
        if self.ndim == 0:
            raise ValueError("unbind: cannot be applied to a 0-d tensor")
        dim = _t._one_axis(dim, self.shape, "unbind")
        return tuple(self[(slice(None),) * dim + (i,)] for i in range(self.shape[dim]))

    def unflatten(self, dim=_UNSET, sizes=None, *, axis=_UNSET):
        """Axis `dim` split into axes of `sizes` (one may be -1); their product must be its size."""
        dim = _t._one_axis(_required_axis("unflatten", dim, axis), self.shape, "unflatten")
        if self.ndim == 0:
            raise ValueError("unflatten: cannot be applied to a 0-d tensor")
        if not isinstance(sizes, (list, tuple)) or not sizes:
            raise TypeError(f"unflatten: sizes must be a non-empty tuple of ints, got {sizes!r}")
        sizes = _infer_shape(_t._shape_arg((tuple(sizes),), "unflatten"), self.shape[dim],
                             (self.shape[dim],), "unflatten")
        return self.reshape(self.shape[:dim] + sizes + self.shape[dim + 1:])

    def t(self):
        """The transpose of a matrix; a 0-d or 1-d tensor is returned as it is. More axes: ValueError."""
        if self.ndim > 2:
            raise ValueError(f"t: expects a tensor with <= 2 dimensions, but self is {self.ndim}D; "
                             "use transpose(dim0, dim1) or mT")
        return self.transpose(0, 1) if self.ndim == 2 else self

    @property
    def mT(self):
        """The last two axes swapped (a batch of matrices transposed)."""
        if self.ndim < 2:
            raise ValueError(f"mT: only supported on matrices or batches of matrices; got a {self.ndim}-D tensor")
        return self.transpose(-2, -1)

    # ---- new tensors like this one ------------------------------------------------------
    def _new(self, op, shape, dtype, device, requires_grad, make):
        shape = _t._new_shape(_t._shape_arg(shape, op), op)
        dtype, backend = _t._creation(op, shape, self.dtype if dtype is None else dtype, requires_grad,
                                      self.device if device is None else device)
        return _t._fresh(make(shape, dtype), backend, requires_grad)

    def new_zeros(self, *size, dtype=None, device=None, requires_grad=False):
        """Zeros of `size`, with this tensor's dtype and device unless given."""
        return self._new("new_zeros", size, dtype, device, requires_grad, np.zeros)

    def new_ones(self, *size, dtype=None, device=None, requires_grad=False):
        """Ones of `size`, with this tensor's dtype and device unless given."""
        return self._new("new_ones", size, dtype, device, requires_grad, np.ones)

    def new_empty(self, *size, dtype=None, device=None, requires_grad=False):
        """A tensor of `size` with this tensor's dtype and device unless given; its values are zeros
        (torch leaves them uninitialized)."""
        return self._new("new_empty", size, dtype, device, requires_grad, np.zeros)

    def new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False):
        """`fill_value` everywhere, in this tensor's dtype and device unless given (the value is
        converted to the dtype as torch converts it: a float truncates toward zero into an integer)."""
        if isinstance(fill_value, _t.Tensor) and fill_value.ndim == 0:
            fill_value = fill_value.item()
        if not dtypes.is_python_scalar(fill_value):
            raise TypeError(f"new_full: fill_value must be a number, not {type(fill_value).__name__}")

        def make(shape, dtype):
            return np.full(shape, dtypes.convert_scalar(fill_value, dtype, "new_full"), dtype)
        if not isinstance(size, (list, tuple)):  # as torch: new_full(5, v) is refused, new_full((5,), v) not
            raise TypeError(f"new_full: size must be a tuple of ints, got {size!r}")
        return self._new("new_full", (tuple(size),), dtype, device, requires_grad, make)

    def new_tensor(self, data, *, dtype=None, device=None, requires_grad=False):
        """A new leaf tensor holding a copy of `data`, in this tensor's dtype and device unless given."""
        dtype = self.dtype if dtype is None else dtypes.check(dtype, "new_tensor")
        if isinstance(data, _t.Tensor):
            data = data.numpy()
        check_bool(requires_grad, "requires_grad", "new_tensor")
        array = dtypes.to_array(data, op="new_tensor")
        if array.dtype.kind == "f" and dtype.kind in "iu" and array.size:
            info = np.iinfo(dtype)  # as torch: NaN, inf or a value past the range is refused, never wrapped
            if not (np.isfinite(array).all() and info.min <= array.min() and array.max() < info.max + 1.0):
                raise ValueError(f"new_tensor: a value of the data cannot be converted to {dtype} without overflow")
        array = array.astype(dtype)
        return _t.Tensor(array, requires_grad=requires_grad, device=self.device if device is None else device)

    # ---- conversions ------------------------------------------------------------------
    def to(self, *args, dtype=None, device=None, non_blocking=False, copy=False):
        """This tensor on another device and/or in another dtype; differentiable (gradients flow back).

        As torch: to(device), to(dtype), to(device, dtype), to(other) (other's device and dtype),
        to(dtype=..., device=...). Nothing to change gives self, unless copy=True."""
        check_bool(non_blocking, "non_blocking", "Tensor.to")
        check_bool(copy, "copy", "Tensor.to")
        if len(args) > 2:
            raise TypeError(f"Tensor.to: takes at most 2 positional arguments, got {len(args)}")
        if args and isinstance(args[0], _t.Tensor):
            if len(args) > 1 or dtype is not None or device is not None:
                raise TypeError("Tensor.to: to(other) takes no other device or dtype")
            device, dtype = args[0].device, args[0].dtype
        elif args:
            first, rest = args[0], args[1:]
            if _is_device(first) and device is None:
                device = first
            elif not _is_device(first) and dtype is None and not rest:
                dtype = dtypes.check(first, "Tensor.to")
            else:
                raise TypeError(f"Tensor.to: cannot read {args!r} with dtype={dtype!r}, device={device!r} as "
                                "to(device, dtype), to(dtype) or to(other)")
            if rest:
                if dtype is not None:
                    raise TypeError("Tensor.to: dtype given twice")
                dtype = rest[0]
        out = self
        if device is not None:
            backend = get_backend(device, "Tensor.to")
            if backend is not self._backend:
                out = mv.ToDevice.apply(out, target=backend)
        if dtype is not None:
            out = out.astype(dtypes.check(dtype, "Tensor.to"))
        return out.clone() if copy and out is self else out

    def cpu(self):
        """This tensor on the CPU: self if it is there already, else to("cpu") (differentiable)."""
        return self.to("cpu")

    def type_as(self, other):
        """This tensor in `other`'s dtype (self when it is that already), as self.to(other.dtype)."""
        if not isinstance(other, _t.Tensor):
            raise TypeError(f"type_as: other must be a Tensor, got {type(other).__name__}")
        return self.to(other.dtype)

    def type(self, dtype=None):
        """With no argument, torch's name of this tensor's type ('torch.FloatTensor'); with a dtype
        (or such a name), this tensor converted to it."""
        if dtype is None:
            prefix = "torch.cuda." if self.device == "cuda" else "torch."
            return prefix + _TYPE_NAMES[self.dtype]
        if isinstance(dtype, str):
            name = dtype.rsplit(".", 1)[-1]
            match = [d for d, n in _TYPE_NAMES.items() if n == name]
            if not match:
                raise TypeError(f"type: invalid type {dtype!r}")
            dtype = match[0]
        return self.astype(dtypes.check(dtype, "type"))

    # ---- comparisons by name (the operators; not differentiable) --------------------------
    def _compare_named(self, other, op):
        result = getattr(self, f"__{op}__")(other)
        if result is NotImplemented:
            raise TypeError(f"{op}: other must be a Tensor or a number, not {type(other).__name__}")
        return result

    def eq(self, other):
        """self == other, elementwise (a bool tensor)."""
        return self._compare_named(other, "eq")

    def ne(self, other):
        """self != other, elementwise."""
        return self._compare_named(other, "ne")

    def lt(self, other):
        """self < other, elementwise."""
        return self._compare_named(other, "lt")

    def le(self, other):
        """self <= other, elementwise."""
        return self._compare_named(other, "le")

    def gt(self, other):
        """self > other, elementwise."""
        return self._compare_named(other, "gt")

    def ge(self, other):
        """self >= other, elementwise."""
        return self._compare_named(other, "ge")

    def masked_fill(self, mask, value):
        """`value` where `mask` is True, else self (mask and self broadcast together). The result keeps
        self's dtype; differentiable w.r.t. self (0 where filled) and a 0-d tensor value (the sum
        of the gradient where filled)."""
        if not isinstance(mask, _t.Tensor) or mask.dtype != np.bool_:
            raise TypeError(f"masked_fill: only supports boolean masks, but got "
                            f"{mask.dtype if isinstance(mask, _t.Tensor) else type(mask).__name__}")
        if isinstance(value, _t.Tensor):
            if value.ndim != 0:
                raise ValueError(f"masked_fill: only supports a 0-dimensional value tensor, but got a tensor "
                                 f"of shape {value.shape}")
            value = value.astype(self.dtype)
        elif dtypes.is_python_scalar(value):
            value = _t.Tensor._wrap(self._backend.asarray(dtypes.convert_scalar(value, self.dtype, "masked_fill")),
                                    self._backend)
        else:
            raise TypeError(f"masked_fill: value must be a number or a 0-d tensor, not {type(value).__name__}")
        if not _t._broadcastable(mask.shape, self.shape):
            raise ValueError(f"masked_fill: mask of shape {mask.shape} does not broadcast with {self.shape}")
        return _t.Tensor.where(mask, value, self)

    # ---- Python protocols -------------------------------------------------------------
    def __iter__(self):
        """The slices along the first axis, in order."""
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))

    def __contains__(self, element):
        """Whether any element equals `element` (a number or a tensor that broadcasts)."""
        if not (isinstance(element, _t.Tensor) or dtypes.is_python_scalar(element)):
            raise TypeError(f"__contains__: only supports a Tensor or a number, not {type(element).__name__}")
        return bool(self.eq(element).array.any())

    def __format__(self, format_spec):
        """A 0-d tensor formats as its Python number (f'{x:.2f}'); any other tensor only with an empty spec."""
        if self.ndim == 0:
            return self.item().__format__(format_spec)
        if format_spec:
            raise TypeError(f"__format__: unsupported format string {format_spec!r} for a tensor of shape "
                            f"{self.shape}; format x.item() or x.tolist()")
        return str(self)

    # ---- dtype shorthands (defined last: inside the class body they shadow the builtins) --
    def float(self):
        """self.astype(float32)."""
        return self.astype(dtypes.float32)

    def double(self):
        """self.astype(float64)."""
        return self.astype(dtypes.float64)

    def half(self):
        """self.astype(float16)."""
        return self.astype(dtypes.float16)

    def long(self):
        """self.astype(int64)."""
        return self.astype(dtypes.int64)

    def int(self):
        """self.astype(int32)."""
        return self.astype(np.dtype(np.int32))

    def short(self):
        """self.astype(int16)."""
        return self.astype(np.dtype(np.int16))

    def bool(self):
        """self.astype(bool): True where an element is non-zero."""
        return self.astype(dtypes.bool_)


def _required_axis(op, dim, axis):
    """The axis of an op that has no default one (narrow, unflatten), in either spelling."""
    dim = _axis_alias(op, dim, axis, _UNSET)
    if dim is _UNSET:
        raise TypeError(f"{op}: missing its dim argument")
    return dim
