"""Tensor's in-place methods in torch's spelling (add_(other, alpha=), addcmul_, clamp_, masked_fill_, ...),
item assignment (x[i] = v), retain_grad, and the arithmetic methods with torch's arguments (add(alpha=), ...).

How an in-place update is recorded (`assign_in_place`): the new value is computed out of place,
from `old`, a tensor that holds the current value (a copy) and takes over the tensor's node, so
the op's graph reaches the old history through it. The tensor's memory is then overwritten, its
version count bumped, and its node becomes an `InPlace` node after the op. Ops that read the
tensor before the update still name the tensor among their inputs; backward sends their
gradient to `old` instead (autograd._as_seen_by), so every gradient is torch's. An op that
saved the tensor's memory for its backward sees the version change and refuses, as in torch.

`TensorInplace` is a base class of Tensor; it holds no state of its own (`__slots__ = ()`).
"""
import sys

import numpy as np

from . import _tensor as _t, autograd, dtypes
from .autograd import is_grad_enabled
from .ops import elementwise as ew
from .ops.inplace import IndexPut, InPlace
from .ops.movement import GetItem


def assign_in_place(tensor, op, compute, cast="result"):
    """tensor <- compute(old), in place, recorded in the graph as torch records it; returns `tensor`.

    `compute(old)` returns the new value (a Tensor of tensor's shape) from `old`, a tensor with
    tensor's current value. When gradients are recorded and the value requires grad, `old` is a
    copy that carries the tensor's node (so the value's graph reaches the tensor's history, and an
    op that saves `old` keeps the value it read), the new value is written into the tensor's memory
    and the tensor takes over its node. Otherwise the values are written and nothing is recorded.
    Either way the version count goes up: a backward that needs the overwritten values refuses.
    `compute` must be pure: it may run twice (once on the tensor itself, then on a copy, when the
    tensor did not require grad but the new value does).

    As torch: a leaf that requires grad refuses while gradients are recorded (update it under
    no_grad()); a view of a tensor in the graph is recorded as an assignment into that tensor;
    the tensor keeps its dtype: with cast="result" the value's dtype must be castable to it
    (dtypes.can_cast: float into an int tensor is refused); cast="any" converts whatever it is
    (copy_, fill_, item assignment of a number).
    """
    _check_writeable(tensor, op)
    if not is_grad_enabled():
        return _write(tensor, op, _result(tensor, op, compute, tensor, cast))
    if tensor._requires_grad and tensor._ctx is None:
        raise RuntimeError(f"{op}: a leaf Variable that requires grad is being used in an in-place operation "
                           "(as torch refuses); update it under `with tg.no_grad():`, or write x = x + y")
    base = _view_base(tensor)
    if base is not None:
        return _assign_view(tensor, base, op, compute, cast)
    if not tensor._requires_grad:
        result = _result(tensor, op, compute, tensor, cast)
        if not result._requires_grad:
            return _write(tensor, op, result)
        del result  # its graph may hold views of the tensor: let them go before counting who shares its memory
        if _shares_memory(tensor):
            raise RuntimeError(f"{op}: this tensor shares its memory with another tensor outside the graph (it "
                               "is a view, or has views), and the value it is given requires grad: the other "
                               "tensor could not record it. Assign through the base tensor (base[i] = value), "
                               "or update a clone()")
    old = _old_value(tensor)
    result = _result(tensor, op, compute, old, cast)
    _write(tensor, op, result)
    _take_node(tensor, result, old)
    return tensor


def _check_writeable(tensor, op):
    if not tensor.array.flags.writeable:
        raise RuntimeError(f"{op}: this tensor is a read-only view (made by expand or broadcasting): "
                           "more than one of its elements refers to a single memory location; update the "
                           "original, or a clone()")


def _shares_memory(tensor):
    """Whether another live tensor views tensor's memory, or tensor views another's: views share
    one count of in-place updates (autograd.Function.apply), so the count has other holders."""
    return sys.getrefcount(tensor._versions) > _VERSIONS_REFERENCES


class _Holder:
    __slots__ = ("_versions",)


def _sole_versions_references():
    """What sys.getrefcount reports for a list held by one tensor's slot (measured, not assumed:
    newer CPythons borrow some references on the stack)."""
    holder = _Holder()
    holder._versions = [0]
    return sys.getrefcount(holder._versions)


def _result(tensor, op, compute, source, cast):
    """compute(source), checked to fit `tensor` (its shape; its dtype under `cast`) and cast to its dtype."""
    try:
        result = compute(source)
    except (TypeError, ValueError, IndexError, RuntimeError) as e:
        if type(e) not in (TypeError, ValueError, IndexError, RuntimeError) or str(e).startswith(f"{op}:"):
            raise
        # the op that computed the value named itself ("add: ..."); name the method the user called instead
        message = str(e).removeprefix(op.rstrip("_") + ": ")
        raise type(e)(f"{op}: {message}") from None
    if cast == "result" and not dtypes.can_cast(result.dtype, tensor.dtype):
        raise RuntimeError(f"{op}: result type {result.dtype} can't be cast to the desired output type "
                           f"{tensor.dtype}; an in-place op keeps the tensor's dtype: convert the tensor "
                           "first, or write x = x + y for a new tensor")
    if result.shape != tensor.shape:
        raise ValueError(f"{op}: the result has shape {result.shape}, the tensor {tensor.shape} (an in-place "
                         "result must keep the tensor's shape)")
    if result.dtype != tensor.dtype:
        if result._requires_grad and tensor.dtype.kind == "f":
            return result.astype(tensor.dtype)
        with np.errstate(invalid="ignore", over="ignore"):  # NaN into an int tensor by copy_: as torch, no check
            cast_array = result.array.astype(tensor.dtype)
        return _t.Tensor._wrap(cast_array, tensor._backend)
    return result


def _write(tensor, op, result):
    tensor.array[...] = result.array
    tensor._versions[0] += 1
    return tensor


def _old_value(tensor):
    """A tensor holding a copy of `tensor`'s value, with its node and flags (no version history)."""
    old = _t.Tensor._wrap(tensor.array.copy(), tensor._backend, tensor._requires_grad)
    old._ctx = tensor._ctx
    return old


def _take_node(tensor, result, old):
    """Make `tensor` the output of a new InPlace node after `result`, whose `previous` is `old`.

    From here on only old's shape and dtype are read, so it points at the tensor's memory: the copy
    it held lives on only in the contexts of ops that saved it, and is freed with them."""
    node = InPlace.apply(result, old)._ctx
    node.previous = old
    if old._ctx is not None and old._ctx.retains_grad:  # torch moves retain_grad to the new value
        old._ctx.retains_grad, node.retains_grad = False, True
    old.array = tensor.array
    tensor._ctx, tensor._requires_grad = node, True


# ---- views ---------------------------------------------------------------------------------
def _view_base(tensor):
    """The tensor whose memory `tensor` is a view of, when both are in the graph (None otherwise).

    A view's node is an op with `returns_view` whose output shares its input's memory; the chain is
    followed to the tensor that owns the memory. The nodes on the way are not used (the update
    reads the base), so a view whose node went stale, its memory changed through another view,
    is updated as torch updates it."""
    base, view = None, tensor
    while True:
        ctx = view._ctx
        if ctx is None or not ctx.function.returns_view or not ctx.parents or \
                not np.may_share_memory(view.array, ctx.parents[0].array):
            return base
        base = view = ctx.parents[0]


def _assign_view(view, base, op, compute, cast):
    """The in-place update of a view in the graph, recorded as torch's: base[positions] = compute(view).

    `positions` are the view's elements as flat indices of the base (from their addresses), so
    the base takes over the node of the assignment and the view's node picks those positions of the base."""
    if base._requires_grad and base._ctx is None:
        raise RuntimeError(f"{op}: a view of a leaf Variable that requires grad is being used in an in-place "
                           "operation (as torch refuses); update it under `with tg.no_grad():`")
    positions = _t.Tensor._wrap(view._backend.asarray(_flat_positions(view.array, base.array)), view._backend)

    def assign(old_base):
        flat = old_base.reshape(-1)
        value = _result(view, op, compute, flat[positions], cast)
        return _put(flat, (positions,), value, op).reshape(base.shape)

    old_view = _old_value(view)
    assign_in_place(base, op, assign)
    if base._requires_grad:  # the view's node: a gather from the base (a copy, so no view node to go stale)
        if base.ndim == 0:
            node = base.reshape(view.shape)._ctx
        else:
            picks = tuple(view._backend.asarray(a) for a in np.unravel_index(positions.numpy(), base.shape))
            node = GetItem.apply(base, basic=(Ellipsis,), advanced=picks)._ctx
        node.previous = old_view
        view._ctx, view._requires_grad = node, True
    return view


def _flat_positions(view, base):
    """For each element of the array `view`, a view of `base`'s memory: its flat (row-major) index in `base`."""
    base_offsets = _byte_offsets(base).reshape(-1)
    order = np.argsort(base_offsets, kind="stable")
    start = _address(view) - _address(base)
    found = np.searchsorted(base_offsets[order], _byte_offsets(view) + start)
    return order[found].astype(np.int64)


def _byte_offsets(array):
    offsets = np.zeros(array.shape, np.int64)
    for axis, (n, stride) in enumerate(zip(array.shape, array.strides)):
        offsets = offsets + (np.arange(n, dtype=np.int64) * stride).reshape((n,) + (1,) * (array.ndim - axis - 1))
    return offsets


def _address(array):
    interface = getattr(array, "__array_interface__", None)
    return interface["data"][0] if interface is not None else array.data.ptr  # numpy; cupy


# ---- item assignment -------------------------------------------------------------------------
def _put(tensor, index, value, op):
    """tensor with tensor[index] = value, out of place (IndexPut); `value` a Tensor of tensor's dtype."""
    basic, advanced, value = _index_put_plan(tensor, index, value, op)
    return IndexPut.apply(tensor, value, basic=basic, advanced=advanced)


def _index_put_plan(tensor, index, value, op):
    """(basic, advanced, value) for tensor[index] = value: the index read as torch reads it, and the
    value checked as torch checks it (its dtype must be tensor's under an index array, as index_put's;
    otherwise it converts; it must broadcast to tensor[index]'s shape once leading 1s are dropped)."""
    basic, advanced = _t._index(index, tensor.shape, tensor._backend)
    if value.dtype != tensor.dtype:
        if advanced is not None:
            raise RuntimeError(f"{op}: index put requires the source and destination dtypes match, got "
                               f"{tensor.dtype} for the destination and {value.dtype} for the source")
        value = value.astype(tensor.dtype) if value.dtype.kind == "f" == tensor.dtype.kind else \
            _t.Tensor._wrap(value.array.astype(tensor.dtype), tensor._backend)
    target = np.broadcast_to(np.bool_(False), tensor.shape)[basic]  # no memory: only the shapes are wanted
    target_shape = target.shape if advanced is None else target[_cpu(advanced)].shape
    while value.ndim > len(target_shape) and value.shape[0] == 1:  # torch drops leading 1s of the value
        value = value.reshape(value.shape[1:])
    if value.ndim > len(target_shape) or not _t._broadcastable(value.shape, target_shape) or \
            np.broadcast_shapes(value.shape, target_shape) != target_shape:
        raise ValueError(f"{op}: shape mismatch: value of shape {value.shape} cannot be broadcast to the "
                         f"indexed shape {target_shape} (tensor of shape {tensor.shape})")
    return basic, advanced, value


def _cpu(advanced):
    return tuple(np.asarray(a.get() if hasattr(a, "get") else a) if not isinstance(a, slice) else a
                 for a in advanced)


def _setitem_value(tensor, value):
    """The assigned value as a Tensor on tensor's device: a number converts to tensor's dtype as torch's
    fill_ converts it; a Tensor must be of tensor's dtype, or convertible when the index is basic."""
    if isinstance(value, _t.Tensor):
        if value._backend is not tensor._backend:
            autograd.check_same_device([tensor, value], "setitem")
        return value
    if dtypes.is_python_scalar(value):
        array = dtypes.convert_scalar(value, tensor.dtype, "setitem")
        return _t.Tensor._wrap(tensor._backend.asarray(array), tensor._backend)
    raise TypeError(f"setitem: can't assign a {type(value).__name__} to a tensor (as torch); assign a number or "
                    "a Tensor, e.g. x[i] = tg.tensor(values)")


# ---- the arithmetic with torch's arguments ---------------------------------------------------
def _functions():
    from . import functions  # it imports Tensor, whose module imports this one
    return functions


class TensorInplace:
    """See the module docstring."""

    __slots__ = ()

    # ---- the engine of every in-place method ------------------------------------------------
    def _update(self, op, compute, cast="result"):
        """self <- compute(old), in place and recorded as torch's: see `assign_in_place`."""
        return assign_in_place(self, op, compute, cast)

    def _bump_version(self):
        """Record an in-place update (views of the same memory share the count)."""
        self._versions[0] += 1

    # ---- out of place, with torch's arguments ---------------------------------------------
    def add(self, other, *, alpha=1):
        """self + alpha * other (other a Tensor or a number; broadcasting; torch's dtype rules)."""
        return _functions().add(self, other, alpha=alpha)

    def sub(self, other, *, alpha=1):
        """self - alpha * other."""
        return _functions().sub(self, other, alpha=alpha)

    def mul(self, other):
        """self * other."""
        return _functions().mul(self, other)

    def addcmul(self, tensor1, tensor2, *, value=1):
        """self + value * tensor1 * tensor2 (broadcast together);
        d/dself = 1, d/dtensor1 = value * tensor2, d/dtensor2 = value * tensor1."""
        return _addc(self, "addcmul", tensor1, tensor2, value)

    def addcdiv(self, tensor1, tensor2, *, value=1):
        """self + value * tensor1 / tensor2 (broadcast together); integer tensor1 / tensor2 are refused,
        as in torch; d/dtensor1 = value / tensor2, d/dtensor2 = -value * tensor1 / tensor2^2."""
        return _addc(self, "addcdiv", tensor1, tensor2, value)

    def lerp(self, end, weight):
        """self + weight * (end - self), the linear interpolation (weight a number or a Tensor);
        d/dself = 1 - weight, d/dend = weight, d/dweight = end - self. Floating-point tensors only."""
        _check_tensors("lerp", end=end)
        if not (isinstance(weight, _t.Tensor) or dtypes.is_python_scalar(weight)) or \
                isinstance(weight, (bool, np.bool_)):
            raise TypeError(f"lerp: weight must be a number or a Tensor, not {type(weight).__name__}")
        tensors = {"input": self, "end": end, **({"weight": weight} if isinstance(weight, _t.Tensor) else {})}
        for name, t in tensors.items():
            if t.dtype.kind != "f":
                raise TypeError(f"lerp: needs floating-point tensors; {name} is {t.dtype}")
            if t.dtype != self.dtype:
                raise TypeError(f"lerp: expected {name} to have the input's dtype {self.dtype}, got {t.dtype}")
        _check_broadcast("lerp", *tensors.values())
        return self + weight * (end - self)

    # ---- arithmetic in place -------------------------------------------------------------
    def add_(self, other, *, alpha=1):
        """self <- self + alpha * other, in place (other broadcasts to self's shape)."""
        return self._update("add_", lambda old: _functions().add(old, other, alpha=alpha))

    def sub_(self, other, *, alpha=1):
        """self <- self - alpha * other, in place."""
        return self._update("sub_", lambda old: _functions().sub(old, other, alpha=alpha))

    def mul_(self, other):
        """self <- self * other, in place."""
        return self._update("mul_", lambda old: old._binary(other, ew.Mul, "mul_"))

    def div_(self, other, *, rounding_mode=None):
        """self <- self / other, in place (true division: only float tensors can hold the result,
        unless rounding_mode is "trunc" or "floor")."""
        if rounding_mode is None:
            return self._update("div_", lambda old: old._binary(other, ew.Div, "div_"))
        return self._update("div_", lambda old: old.div(other, rounding_mode=rounding_mode))

    def pow_(self, exponent):
        """self <- self ** exponent, in place; d/dself = exponent * self^(exponent - 1)."""
        return self._update("pow_", lambda old: old._binary(exponent, ew.Pow, "pow_"))

    def addcmul_(self, tensor1, tensor2, *, value=1):
        """self <- self + value * tensor1 * tensor2, in place."""
        return self._update("addcmul_", lambda old: _addc(old, "addcmul_", tensor1, tensor2, value))

    def addcdiv_(self, tensor1, tensor2, *, value=1):
        """self <- self + value * tensor1 / tensor2, in place."""
        return self._update("addcdiv_", lambda old: _addc(old, "addcdiv_", tensor1, tensor2, value))

    def lerp_(self, end, weight):
        """self <- self + weight * (end - self), in place."""
        return self._update("lerp_", lambda old: old.lerp(end, weight))

    def clamp_(self, min=None, max=None):  # noqa: A002 - torch's names
        """self <- min(max(self, min), max), in place; the bounds are numbers or Tensors (either may be None)."""
        return self._update("clamp_", lambda old: old.clamp(min, max))

    def clamp_min_(self, min):  # noqa: A002 - torch's name
        """self <- max(self, min), in place."""
        return self._update("clamp_min_", lambda old: old.clamp_min(min))

    def clamp_max_(self, max):  # noqa: A002 - torch's name
        """self <- min(self, max), in place."""
        return self._update("clamp_max_", lambda old: old.clamp_max(max))

    def masked_fill_(self, mask, value):
        """self <- value where mask is True, in place (mask broadcasts to self's shape; value a
        number or a 0-d tensor); d/dself = g where the mask is False, d/dvalue = sum of g where True."""
        return self._update("masked_fill_", lambda old: old.masked_fill(mask, value))

    # ---- elementwise functions in place ----------------------------------------------------
    def neg_(self):
        """self <- -self, in place."""
        return self._update("neg_", lambda old: -old)

    def abs_(self):
        """self <- |self|, in place; d/dself = sign(self)."""
        return self._update("abs_", lambda old: old.abs())

    def sqrt_(self):
        """self <- sqrt(self), in place (float tensors); d/dself = 1 / (2 sqrt self)."""
        return self._update("sqrt_", lambda old: old.sqrt())

    def exp_(self):
        """self <- e^self, in place (float tensors); d/dself = e^self."""
        return self._update("exp_", lambda old: old.exp())

    def log_(self):
        """self <- log(self), in place (float tensors); d/dself = 1 / self."""
        return self._update("log_", lambda old: old.log())

    def sigmoid_(self):
        """self <- 1 / (1 + e^-self), in place (float tensors); d/dself = s (1 - s)."""
        return self._update("sigmoid_", lambda old: old.sigmoid())

    def tanh_(self):
        """self <- tanh(self), in place (float tensors); d/dself = 1 - tanh^2."""
        return self._update("tanh_", lambda old: old.tanh())

    def relu_(self):
        """self <- max(self, 0), in place; d/dself = 1 where self > 0, else 0."""
        return self._update("relu_", lambda old: old.relu())

    def floor_(self):
        """self <- floor(self), in place; the gradient is 0."""
        return self._update("floor_", lambda old: old.floor())

    def ceil_(self):
        """self <- ceil(self), in place; the gradient is 0."""
        return self._update("ceil_", lambda old: old.ceil())

    def round_(self, decimals=0):
        """self <- self rounded to `decimals` places (half to even), in place; the gradient is 0."""
        return self._update("round_", lambda old: old.round(decimals=decimals))

    def trunc_(self):
        """self <- self rounded toward zero, in place; the gradient is 0."""
        return self._update("trunc_", lambda old: old.trunc())

    def reciprocal_(self):
        """self <- 1 / self, in place (float tensors); d/dself = -1 / self^2."""
        return self._update("reciprocal_", lambda old: old.reciprocal())

    def square_(self):
        """self <- self^2, in place; d/dself = 2 self."""
        return self._update("square_", lambda old: old.square())

    def sin_(self):
        """self <- sin(self), in place (float tensors); d/dself = cos(self)."""
        return self._update("sin_", lambda old: old.sin())

    def cos_(self):
        """self <- cos(self), in place (float tensors); d/dself = -sin(self)."""
        return self._update("cos_", lambda old: old.cos())

    # ---- filling and copying ---------------------------------------------------------------
    def fill_(self, value):
        """Every element <- value, in place, converted as torch converts it: a float truncates
        toward zero in an integer tensor; NaN, inf or a value past the dtype's range raises.
        A 0-d tensor value that requires grad gets the sum of the gradient."""
        if isinstance(value, _t.Tensor):
            if value.ndim != 0:
                raise ValueError(f"fill_: the value must be a number or a 0-d tensor, not a tensor of shape "
                                 f"{value.shape}")
            if value._backend is not self._backend:
                autograd.check_same_device([self, value], "fill_")
            return self._update("fill_", lambda old: value.expand(self.shape), cast="any")
        if not dtypes.is_python_scalar(value):
            raise TypeError(f"fill_: value must be a number, not {type(value).__name__}")
        filled = self._backend.asarray(dtypes.convert_scalar(value, self.dtype, "fill_"))
        return self._update("fill_", lambda old: _t.Tensor._wrap(filled, self._backend).expand(self.shape),
                            cast="any")

    def zero_(self):
        """Every element <- 0, in place."""
        return self.fill_(0)

    def copy_(self, source):
        """self <- source (broadcast to self's shape), in place. As torch's copy_, the values convert
        to this tensor's dtype whatever theirs (a float truncates toward zero into an int tensor);
        numbers and lists convert straight to it, without a stop in float32. The gradient of a
        source that requires grad is self's, summed over the broadcast axes."""
        if isinstance(source, _t.Tensor) and source._backend is not self._backend:
            # copy_ is how values move between devices in torch: through host memory (not recorded)
            value = _t.Tensor._wrap(self._backend.asarray(source.numpy()), self._backend)
        elif isinstance(source, _t.Tensor):
            value = source
        else:
            value = _t.Tensor._wrap(self._backend.asarray(dtypes.to_array(source, self.dtype, op="copy_")),
                                    self._backend)
        if not _t._broadcastable(value.shape, self.shape) or len(value.shape) > self.ndim:
            raise ValueError(f"copy_: a source of shape {value.shape} does not broadcast to {self.shape}")
        return self._update("copy_", lambda old: value.expand(self.shape), cast="any")

    __iadd__, __isub__, __imul__ = add_, sub_, mul_

    def __itruediv__(self, other):
        return self.div_(other)

    def __ipow__(self, exponent):
        return self.pow_(exponent)

    # ---- item assignment ---------------------------------------------------------------------
    def __setitem__(self, index, value):
        """self[index] = value, with torch's indexing (ints, slices, None, ..., index arrays, bool masks).

        value: a number (converted to self's dtype as fill_ converts it) or a Tensor that broadcasts
        to self[index]'s shape (leading size-1 axes dropped; with an index array it must have self's
        dtype, as torch's index_put). Recorded as torch records it: d/dself is the gradient with the
        assigned positions zeroed, d/dvalue the gradient at those positions summed to value's shape."""
        basic, advanced, value = _index_put_plan(self, index, _setitem_value(self, value), "setitem")
        if is_grad_enabled() and (self._requires_grad or value._requires_grad):
            self._update("setitem", lambda old: IndexPut.apply(old, value, basic=basic, advanced=advanced))
            return
        _check_writeable(self, "setitem")  # nothing to record: write the positions alone
        target = self.array[basic]
        if advanced is None:
            target[...] = value.array
        else:
            target[advanced] = value.array
        self._versions[0] += 1

    # ---- gradients of non-leaf tensors -------------------------------------------------------
    def retain_grad(self):
        """Keep this tensor's gradient in .grad after backward, as a leaf's is (a no-op on a leaf).

        Each backward adds d(loss)/d(self) to .grad. A tensor that does not require grad refuses."""
        if not self._requires_grad:
            raise RuntimeError("retain_grad: can't retain_grad on Tensor that has requires_grad=False")
        if self._ctx is not None:
            self._ctx.retains_grad = True

    @property
    def retains_grad(self):
        """True for a non-leaf tensor whose gradient backward keeps (see retain_grad)."""
        return self._ctx is not None and self._ctx.retains_grad


def _check_tensors(op, **tensors):
    for name, t in tensors.items():
        if not isinstance(t, _t.Tensor):
            raise TypeError(f"{op}: argument '{name}' must be a Tensor, not {type(t).__name__}")


def _check_broadcast(op, *tensors):
    try:
        np.broadcast_shapes(*(t.shape for t in tensors))
    except ValueError:
        raise ValueError(f"{op}: cannot broadcast {' with '.join(str(t.shape) for t in tensors)}") from None


def _addc(x, op, tensor1, tensor2, value):
    """x + value * (tensor1 * tensor2) for addcmul, x + value * (tensor1 / tensor2) for addcdiv, after
    torch's checks: value a number (a float one not for integer results, a bool one only for bool
    results), the three tensors broadcast together, no integer division."""
    _check_tensors(op, tensor1=tensor1, tensor2=tensor2)
    if not dtypes.is_python_scalar(value):
        raise TypeError(f"{op}: value must be a number, not {type(value).__name__}")
    _check_broadcast(op, x, tensor1, tensor2)
    dtype = dtypes.promote_dtypes(dtypes.promote_dtypes(x.dtype, tensor1.dtype), tensor2.dtype)
    if isinstance(value, (bool, np.bool_)) and dtype != np.bool_:
        raise TypeError(f"{op}: a bool value is only supported for bool tensors, not {dtype}")
    if dtype.kind in "biu" and isinstance(value, (float, np.floating)):
        raise TypeError(f"{op}: for integer tensors value must not be a float, got {value!r}")
    if op.startswith("addcdiv"):
        if tensor1.dtype.kind in "biu" and tensor2.dtype.kind in "biu":
            raise RuntimeError(f"{op}: integer division with addcdiv is not supported (as in torch); "
                               "use a float tensor1 or tensor2")
        return x + (tensor1 / tensor2) * value
    return x + (tensor1 * tensor2) * value


_VERSIONS_REFERENCES = _sole_versions_references()
