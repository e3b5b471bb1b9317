"""Tensor's shape methods as torch's: tril, triu, roll, flip, repeat, tile, repeat_interleave, movedim, swapaxes, diagonal, ...

`TensorShape` is a base class of Tensor; it holds no state of its own (`__slots__ = ()`).
The ops that copy or select elements are Functions of ops/shape.py, where each forward and
backward is written out; the rest (movedim, swapaxes, rot90, broadcast_to, trace, ...) are
made of permute, expand, flip, reshape and sum, and differentiate through them. Every shape op
keeps the dtype of its input, as torch's do.
"""
import numpy as np

from . import _tensor as _t
from ._validate import _UNSET, _axis_alias, check_alloc
from .autograd import is_grad_enabled, no_grad
from .ops import shape as sh


def _int(value, name, op):
    """An int argument (numpy's integers too; a bool is not one)."""
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool):
        raise TypeError(f"{op}: {name} must be an int, not {value!r}")
    return int(value)


def _ints(value, name, op):
    """An int or a sequence of ints, as a tuple."""
    values = value if isinstance(value, (tuple, list)) else (value,)
    return tuple(_int(v, name, op) for v in values)


def _dims(dims, shape, op, name="dims"):
    """A sequence of axes (or one axis) as non-negative ints in the given order; IndexError out of range."""
    dims = _ints(dims, name, op)
    normalized = tuple(_t._one_axis(d, shape, op, name=name) for d in dims)
    if len(set(normalized)) != len(normalized):
        raise ValueError(f"{op}: {name} {dims} repeats an axis of the tensor of shape {tuple(shape)}")
    return normalized


def _two_axes(op, dim0, dim1, axis0, axis1, names=("dim0", "dim1"), defaults=(_UNSET, _UNSET)):
    """The two axes of swapaxes/diagonal/diag_embed, each spelled dim or axis; both required unless defaulted."""
    pair = []
    for dim, axis, name, default in ((dim0, axis0, names[0], defaults[0]), (dim1, axis1, names[1], defaults[1])):
        value = _axis_alias(op, dim, axis, default, names=(name, name.replace("dim", "axis")))
        if value is _UNSET:
            raise TypeError(f"{op}: missing the argument {name}")
        pair.append(value)
    return pair


def _told_as(op, fn, *args, **kwargs):
    """fn(*args, **kwargs), its errors (of argument kinds, shapes, indices) told as `op`'s."""
    try:
        return fn(*args, **kwargs)
    except (TypeError, ValueError, IndexError) as error:
        raise type(error)(f"{op}: {error}") from None


class TensorShape:
    """See the module docstring."""

    __slots__ = ()

    # ---- triangles ----------------------------------------------------------------------
    def _triangle_diagonal(self, diagonal, op):
        diagonal = _int(diagonal, "diagonal", op)
        if self.ndim < 2:
            raise ValueError(f"{op}: input tensor must have at least 2 dimensions, got shape {self.shape}")
        return diagonal

    def _triangle(self, diagonal, upper, op):
        return sh.Triangle.apply(self, diagonal=self._triangle_diagonal(diagonal, op), upper=upper)

    def tril(self, diagonal=0):
        """The lower triangle of the matrices on the last two axes: out[..., i, j] = x[..., i, j]
        where j - i <= diagonal, else 0 (diagonal > 0 keeps diagonals above the main one)."""
        return self._triangle(diagonal, False, "tril")

    def triu(self, diagonal=0):
        """The upper triangle of the matrices on the last two axes: out[..., i, j] = x[..., i, j]
        where j - i >= diagonal, else 0."""
        return self._triangle(diagonal, True, "triu")

    def tril_(self, diagonal=0):
        """In place: self = self.tril(diagonal) (zeros where j - i > diagonal); returns self."""
        diagonal = self._triangle_diagonal(diagonal, "tril_")
        return self._update("tril_", lambda old: sh.Triangle.apply(old, diagonal=diagonal, upper=False))

    def triu_(self, diagonal=0):
        """In place: self = self.triu(diagonal) (zeros where j - i < diagonal); returns self."""
        diagonal = self._triangle_diagonal(diagonal, "triu_")
        return self._update("triu_", lambda old: sh.Triangle.apply(old, diagonal=diagonal, upper=True))

    # ---- rolls, flips, rotations ------------------------------------------------------------
    def roll(self, shifts, dims=None):
        """Cyclic shift: out[..., (j + shifts[i]) mod n_i, ...] = x[..., j, ...] along each dims[i];
        with dims=None the elements are rolled as one flat sequence and put back in x's shape."""
        shifts = _ints(shifts, "shifts", "roll")
        if dims is None:
            if len(shifts) != 1:
                raise ValueError(f"roll: without dims, shifts must be one int, got {shifts}")
            return sh.Roll.apply(self, shifts=shifts[0], axes=None)
        dims = _ints(dims, "dims", "roll")
        if len(dims) != len(shifts):
            raise ValueError(f"roll: shifts {shifts} and dims {dims} must have the same length")
        if not dims:
            raise ValueError("roll: dims must name at least one axis")
        if self.ndim == 0:
            raise IndexError(f"roll: dims {dims} name an axis, but the tensor of shape () has none")
        axes = tuple(_t._one_axis(d, self.shape, "roll", name="dims") for d in dims)
        return sh.Roll.apply(self, shifts=shifts, axes=axes)

    def flip(self, *dims):
        """Reverse the order of the elements along each axis in dims: out[..., j, ...] = x[..., n - 1 - j, ...].
        A copy, as torch's."""
        if not dims:
            raise TypeError("flip: missing the argument dims (give () to flip no axis)")
        dims = dims[0] if len(dims) == 1 and isinstance(dims[0], (tuple, list)) else dims
        axes = _dims(dims, self.shape, "flip")
        return sh.Flip.apply(self, axes=axes if self.ndim else ())  # a 0-d tensor answers to dims 0 and -1

    def fliplr(self):
        """Reverse the columns (axis 1): out[i, j] = x[i, m - 1 - j]; needs at least 2 axes."""
        if self.ndim < 2:
            raise ValueError(f"fliplr: input must be >= 2-d, got shape {self.shape}")
        return sh.Flip.apply(self, axes=(1,))

    def flipud(self):
        """Reverse the rows (axis 0): out[i] = x[n - 1 - i]; needs at least 1 axis."""
        if self.ndim < 1:
            raise ValueError(f"flipud: input must be >= 1-d, got shape {self.shape}")
        return sh.Flip.apply(self, axes=(0,))

    def rot90(self, k=1, dims=(0, 1)):
        """Rotate by k * 90 degrees in the plane of dims = (a, b), from axis a towards axis b:
        k = 1 is flip(b) then swap a and b; k = 2 flips both; k = 3 is flip(a) then swap; k mod 4."""
        k = _int(k, "k", "rot90")
        dims = _ints(dims, "dims", "rot90")
        if len(dims) != 2:
            raise ValueError(f"rot90: dims must name 2 axes, got {dims}")
        if self.ndim < 2:
            raise ValueError(f"rot90: expected at least 2 dimensions, got shape {self.shape}")
        a, b = _dims(dims, self.shape, "rot90")
        k %= 4
        if k == 0:
            return self.clone()
        if k == 2:
            return sh.Flip.apply(self, axes=(a, b))
        return sh.Flip.apply(self, axes=(b if k == 1 else a,)).transpose(a, b)

    # ---- repeats -----------------------------------------------------------------------------
    def repeat(self, *sizes):
        """x tiled sizes[i] times along axis i (numpy's tile): out[..., r * n + j, ...] = x[..., j, ...].
        More sizes than axes add leading axes; fewer is an error, as in torch."""
        if not sizes:
            raise TypeError("repeat: missing the argument sizes")
        sizes = _t._shape_arg(sizes, "repeat")
        if len(sizes) < self.ndim:
            raise ValueError(f"repeat: {len(sizes)} repeat sizes {sizes} can not be fewer than the tensor's "
                             f"{self.ndim} dimensions (shape {self.shape})")
        if any(n < 0 for n in sizes):
            raise ValueError(f"repeat: repeat sizes must be non-negative, got {sizes}")
        padded = (1,) * (len(sizes) - self.ndim) + self.shape
        check_alloc(tuple(r * n for r, n in zip(sizes, padded)), self.dtype, "repeat")
        return sh.Tile.apply(self, reps=sizes)

    def tile(self, *dims):
        """x tiled dims[i] times along axis i; fewer dims than axes are padded with 1s in front
        (tile((2,)) of a matrix repeats its columns), more add leading axes: repeat(*padded)."""
        dims = _t._shape_arg(dims, "tile")
        if any(n < 0 for n in dims):
            raise ValueError(f"tile: dims must be non-negative, got {dims}")
        dims = (1,) * (self.ndim - len(dims)) + dims
        padded = (1,) * (len(dims) - self.ndim) + self.shape
        check_alloc(tuple(r * n for r, n in zip(dims, padded)), self.dtype, "tile")
        return sh.Tile.apply(self, reps=dims)

    def repeat_interleave(self, repeats, dim=_UNSET, *, output_size=None, axis=_UNSET):
        """Each element repeated along dim: out = [x_0] * r_0 + [x_1] * r_1 + ..., with r an int (the
        same for all) or a 1-d int tensor of one count per element; dim=None flattens x first.
        The gradient of x_i is the sum of the gradients of its r_i copies."""
        op = "repeat_interleave"
        dim = _axis_alias(op, dim, axis, None)
        if dim is None:  # over the flattened elements
            x, dim = self.reshape(-1), 0
        else:
            if self.ndim == 0:  # as torch: a 0-d tensor has no axis to repeat along
                raise IndexError(f"{op}: dim {dim} is out of range for a tensor of shape (); use dim=None")
            dim, x = _t._one_axis(dim, self.shape, op), self
        n = x.shape[dim]
        counts = _repeat_counts(repeats, n, op)
        total = int(counts.sum())
        if output_size is not None and _int(output_size, "output_size", op) != total:
            raise ValueError(f"{op}: output_size {output_size} differs from the sum of repeats, {total}")
        check_alloc(x.shape[:dim] + (total,) + x.shape[dim + 1:], x.dtype, op)
        if n and (counts == counts[0]).all():  # one count for all: copies summed by a reshape, not a scatter
            return sh.RepeatEach.apply(x, repeats=int(counts[0]), axis=dim)
        index = self._backend.asarray(np.repeat(np.arange(n), counts))
        return sh.Take.apply(x, index=index, axis=dim)

    # ---- moving axes ----------------------------------------------------------------------
    def _move(self, source, destination, op):
        src = _dims(source, self.shape, op, "source")
        dst = _dims(destination, self.shape, op, "destination")
        if len(src) != len(dst):
            raise ValueError(f"{op}: source {source} and destination {destination} must name as many axes")
        if self.ndim == 0:
            return self.reshape(())
        order = [i for i in range(self.ndim) if i not in src]
        for d, s in sorted(zip(dst, src)):
            order.insert(d, s)
        return self.permute(order)

    def movedim(self, source, destination):
        """Axes `source` moved to positions `destination` (ints or tuples of ints), the others kept in
        order: a view. out.shape[destination[i]] = x.shape[source[i]]."""
        return self._move(source, destination, "movedim")

    def moveaxis(self, source, destination):
        """numpy's name for movedim: axes `source` moved to positions `destination`, a view."""
        return self._move(source, destination, "moveaxis")

    def _swap(self, op, dim0, dim1, axis0, axis1):
        a, b = _two_axes(op, dim0, dim1, axis0, axis1)
        a, b = _t._one_axis(a, self.shape, op, name="dim0"), _t._one_axis(b, self.shape, op, name="dim1")
        if self.ndim == 0:
            return self.reshape(())
        order = list(range(self.ndim))
        order[a], order[b] = b, a
        return self.permute(order)

    def swapaxes(self, dim0=_UNSET, dim1=_UNSET, *, axis0=_UNSET, axis1=_UNSET):
        """transpose(dim0, dim1) under numpy's name: axes dim0 and dim1 exchanged, a view."""
        return self._swap("swapaxes", dim0, dim1, axis0, axis1)

    def swapdims(self, dim0=_UNSET, dim1=_UNSET, *, axis0=_UNSET, axis1=_UNSET):
        """transpose(dim0, dim1): axes dim0 and dim1 exchanged, a view."""
        return self._swap("swapdims", dim0, dim1, axis0, axis1)

    def broadcast_to(self, size):
        """x expanded to `size` as broadcasting would (a view: size-1 axes repeat, -1 keeps an axis)."""
        if not isinstance(size, (tuple, list)):
            raise TypeError(f"broadcast_to: size must be a tuple of ints, not {size!r}")
        size = _t._shape_arg((tuple(size),), "broadcast_to")
        lead = len(size) - self.ndim
        target = tuple(self.shape[i - lead] if n == -1 and i >= lead else n for i, n in enumerate(size))
        if lead < 0 or any(n < 0 for n in target) or not _t._broadcastable(self.shape, target) \
                or np.broadcast_shapes(self.shape, target) != target:
            raise ValueError(f"broadcast_to: cannot broadcast {self.shape} to {size}")
        return self.expand(target)

    # ---- the same, in place: the tensor itself takes the new shape --------------------------------
    def _view_in_place(self, op, view):
        """self <- view(self): the same memory in a new shape (torch's in-place view ops), no value changed.

        Only for a tensor outside the graph: the ops of a graph read their inputs' shapes when the
        backward runs, so a tensor in one cannot change shape under them (RuntimeError, with the
        out-of-place form to use instead)."""
        if self._ctx is not None:
            raise RuntimeError(f"{op}: changes the shape of a tensor that is part of the autograd graph, which "
                               f"the engine does not support; use the out-of-place form (x = x.{op[:-1]}(...))")
        if self._requires_grad and is_grad_enabled():
            raise RuntimeError(f"{op}: a leaf Variable that requires grad is being used in an in-place operation "
                               "(as torch refuses); call it under `with tg.no_grad():`, or use the out-of-place form")
        with no_grad():
            self.array = view(self).array
        return self  # no value changed, so the version count stays: the values ops saved are still right

    def t_(self):
        """In place: self becomes self.t() (a matrix transposed; 0-d and 1-d as they are); returns self."""
        if self.ndim > 2:
            raise ValueError(f"t_: expects a tensor with <= 2 dimensions, got shape {self.shape}")
        return self._view_in_place("t_", lambda t: t.transpose(0, 1) if t.ndim == 2 else t.reshape(t.shape))

    def transpose_(self, dim0=_UNSET, dim1=_UNSET, *, axis0=_UNSET, axis1=_UNSET):
        """In place: self becomes self.transpose(dim0, dim1); returns self."""
        return self._swap_in_place("transpose_", dim0, dim1, axis0, axis1)

    def swapaxes_(self, dim0=_UNSET, dim1=_UNSET, *, axis0=_UNSET, axis1=_UNSET):
        """In place: self becomes self.swapaxes(dim0, dim1); returns self."""
        return self._swap_in_place("swapaxes_", dim0, dim1, axis0, axis1)

    def swapdims_(self, dim0=_UNSET, dim1=_UNSET, *, axis0=_UNSET, axis1=_UNSET):
        """In place: self becomes self.swapdims(dim0, dim1); returns self."""
        return self._swap_in_place("swapdims_", dim0, dim1, axis0, axis1)

    def _swap_in_place(self, op, dim0, dim1, axis0, axis1):
        a, b = _two_axes(op, dim0, dim1, axis0, axis1)
        a, b = _t._one_axis(a, self.shape, op, name="dim0"), _t._one_axis(b, self.shape, op, name="dim1")
        order = list(range(self.ndim))
        if self.ndim:
            order[a], order[b] = b, a
        return self._view_in_place(op, lambda t: t.permute(order) if t.ndim else t.reshape(()))

    def squeeze_(self, dim=_UNSET, *, axis=_UNSET):
        """In place: self becomes self.squeeze(dim) (size-1 axes removed: all, or those in dim); returns self."""
        dim = _axis_alias("squeeze_", dim, axis, None)
        shape = _told_as("squeeze_", self.squeeze, dim).shape
        return self._view_in_place("squeeze_", lambda t: t.reshape(shape))

    def unsqueeze_(self, dim=_UNSET, *, axis=_UNSET):
        """In place: self becomes self.unsqueeze(dim) (a size-1 axis inserted at dim); returns self."""
        dim = _axis_alias("unsqueeze_", dim, axis, _UNSET)
        if dim is _UNSET:
            raise TypeError("unsqueeze_: missing the argument dim (or axis)")
        shape = _told_as("unsqueeze_", self.unsqueeze, dim).shape
        return self._view_in_place("unsqueeze_", lambda t: t.reshape(shape))

    # ---- diagonals -----------------------------------------------------------------------
    def diagonal(self, offset=0, dim1=_UNSET, dim2=_UNSET, *, axis1=_UNSET, axis2=_UNSET):
        """Diagonal `offset` of the matrices on axes (dim1, dim2), as a new last axis: a view.
        out[..., i] = x[..., i + max(-offset, 0), ..., i + max(offset, 0), ...]; offset > 0 is above."""
        op = "diagonal"
        offset = _int(offset, "offset", op)
        a, b = _two_axes(op, dim1, dim2, axis1, axis2, ("dim1", "dim2"), (0, 1))
        a, b = _t._one_axis(a, self.shape, op, name="dim1"), _t._one_axis(b, self.shape, op, name="dim2")
        if a == b:
            raise ValueError(f"{op}: dim1 and dim2 cannot be the same axis ({a}) of shape {self.shape}")
        offset = min(max(offset, -self.shape[a]), self.shape[b])  # past the matrix every diagonal is empty
        return sh.Diagonal.apply(self, offset=offset, axis1=a, axis2=b)

    def diag_embed(self, offset=0, dim1=_UNSET, dim2=_UNSET, *, axis1=_UNSET, axis2=_UNSET):
        """Matrices whose diagonal `offset` holds x's last axis, on new axes (dim1, dim2) of the
        result (one axis more than x): out[..., i + max(-offset, 0), i + max(offset, 0)] = x[..., i]."""
        op = "diag_embed"
        offset = _int(offset, "offset", op)
        a, b = _two_axes(op, dim1, dim2, axis1, axis2, ("dim1", "dim2"), (-2, -1))
        a = _t._one_axis(a, self.shape, op, new_axes=1, name="dim1")
        b = _t._one_axis(b, self.shape, op, new_axes=1, name="dim2")
        if a == b:
            raise ValueError(f"{op}: dim1 and dim2 cannot be the same axis ({a})")
        size = self.shape[-1] + abs(offset)
        check_alloc(self.shape[:-1] + (size, size), self.dtype, op)
        out = sh.DiagEmbed.apply(self, offset=offset)  # a 0-d x never gets here: its dims are out of range
        return out.movedim((-2, -1), (a, b))

    def diag(self, diagonal=0):
        """1-d x: the square matrix with x on diagonal `diagonal` (zeros elsewhere);
        2-d x: diagonal `diagonal` of x, as a 1-d tensor (a copy, as torch's)."""
        diagonal = _int(diagonal, "diagonal", "diag")
        if self.ndim == 1:
            size = self.shape[0] + abs(diagonal)
            check_alloc((size, size), self.dtype, "diag")
            return sh.DiagEmbed.apply(self, offset=diagonal)
        if self.ndim == 2:
            return self.diagonal(diagonal).clone()
        raise ValueError(f"diag: expected a 1-d or 2-d tensor, got shape {self.shape}")

    def trace(self):
        """The sum of the main diagonal of a matrix: sum_i x[i, i] (integers sum to int64, as torch)."""
        if self.ndim != 2:
            raise ValueError(f"trace: expected a matrix (2-d tensor), got shape {self.shape}")
        if self.dtype == np.bool_:
            raise TypeError("trace: not implemented for bool tensors (as in torch)")
        return self.diagonal().sum()

    def diagflat(self, offset=0):
        """The square matrix with the flattened x on diagonal `offset`: out[i + max(-offset, 0),
        i + max(offset, 0)] = x.flatten()[i], zeros elsewhere."""
        offset = _int(offset, "offset", "diagflat")
        size = self.numel() + abs(offset)
        check_alloc((size, size), self.dtype, "diagflat")
        return sh.DiagEmbed.apply(self.reshape(-1), offset=offset)

    def adjoint(self):
        """The conjugate transpose of the matrices on the last two axes, a view; for real tensors the
        transpose: out[..., i, j] = x[..., j, i]."""
        if self.ndim < 2:
            raise ValueError(f"adjoint: only supported on matrices or batches of matrices, got shape {self.shape}")
        return self.transpose(-2, -1)

    @property
    def H(self):
        """The conjugate transpose of a matrix (for real tensors its transpose), a view; 0-d as it is."""
        if self.ndim not in (0, 2):
            raise ValueError(f"H: only supported on matrices (2-d tensors), got shape {self.shape}; "
                             "for batches of matrices use mH")
        return self.transpose(0, 1) if self.ndim == 2 else self

    @property
    def mH(self):
        """The conjugate transpose of the matrices on the last two axes (for real tensors mT), a view."""
        if self.ndim < 2:
            raise ValueError(f"mH: only supported on matrices or batches of matrices, got shape {self.shape}")
        return self.transpose(-2, -1)

    # ---- windows and pieces --------------------------------------------------------------------
    def select(self, dim=_UNSET, index=None, *, axis=_UNSET):
        """x[..., index, ...] at position `index` of axis `dim` (negative counts from the end), that axis
        removed: a view."""
        op = "select"
        dim = _axis_alias(op, dim, axis, _UNSET)
        if dim is _UNSET or index is None:
            raise TypeError(f"{op}: needs dim and index, as select(dim, index)")
        if self.ndim == 0:
            raise IndexError(f"{op}: cannot be applied to a 0-d tensor (shape ())")
        dim, index = _t._one_axis(dim, self.shape, op), _int(index, "index", op)
        n = self.shape[dim]
        if not -n <= index < n:
            raise IndexError(f"{op}: index {index} is out of range for dimension {dim} of size {n} "
                             f"(shape {self.shape})")
        return self[(slice(None),) * dim + (index,)]

    def narrow_copy(self, dim=_UNSET, start=None, length=None, *, axis=_UNSET):
        """narrow(dim, start, length) in fresh memory: a copy of x[..., start:start + length, ...]."""
        return _told_as("narrow_copy", self.narrow, dim, start, length, axis=axis).clone()

    def as_strided(self, size, stride, storage_offset=None):
        """A view of the memory x's array lives in (its storage) with the given `size` and `stride`
        (in elements): out[i_0, ...] = storage[storage_offset + sum_j i_j * stride[j]]; storage_offset
        defaults to x's own. The gradient of an element of x sums the gradients of the places out read it."""
        op = "as_strided"
        for name, value in (("size", size), ("stride", stride)):
            if not isinstance(value, (tuple, list)):
                raise TypeError(f"{op}: {name} must be a tuple of ints, not {value!r}")
        size, stride = _t._shape_arg((tuple(size),), op), _t._shape_arg((tuple(stride),), op)
        if len(size) != len(stride):
            raise ValueError(f"{op}: size {size} and stride {stride} must have the same length")
        if any(n < 0 for n in size) or any(s < 0 for s in stride):
            raise ValueError(f"{op}: sizes and strides must be non-negative, got size {size}, stride {stride}")
        flat, own = sh.storage_of(self._backend.xp, self.array)
        offset = own if storage_offset is None else _int(storage_offset, "storage_offset", op)
        if offset < 0:
            raise ValueError(f"{op}: invalid storage offset {offset}")
        if 0 not in size and offset + sum((n - 1) * s for n, s in zip(size, stride)) >= flat.size:
            raise ValueError(f"{op}: size {size}, stride {stride} and storage offset {offset} reach past the "
                             f"storage of {flat.size} elements")
        return sh.AsStrided.apply(self, size=size, stride=stride, offset=offset)

    def ravel(self):
        """x's elements as a 1-d tensor in row-major order (a view when the memory allows, as reshape)."""
        return self.reshape(-1)

    def unfold(self, dimension, size, step):
        """The windows of `size` elements along `dimension`, `step` apart, as a new last axis (a view):
        out[..., w, ..., j] = x[..., w * step + j, ...] for w < (n - size) // step + 1."""
        op = "unfold"
        dimension, size, step = (_int(dimension, "dimension", op), _int(size, "size", op), _int(step, "step", op))
        axis = _t._one_axis(dimension, self.shape, op, name="dimension")
        x = self.reshape(1) if self.ndim == 0 else self
        n = x.shape[axis]
        if size < 0 or size > n:
            raise ValueError(f"{op}: size {size} must be in [0, {n}], the size of dimension {axis} of {self.shape}")
        if step <= 0:
            raise ValueError(f"{op}: step must be positive, got {step}")
        out = sh.Unfold.apply(x, axis=axis, size=size, step=step)
        return out.reshape(size) if self.ndim == 0 else out

    def tensor_split(self, indices_or_sections, dim=_UNSET, *, axis=_UNSET):
        """Views along dim: with an int k, k pieces whose sizes differ by at most one (the first
        n mod k one longer); with a list of indices [i0, i1, ...], x[:i0], x[i0:i1], ..., x[ik:]."""
        op = "tensor_split"
        dim = _axis_alias(op, dim, axis, 0)
        if self.ndim == 0:
            raise ValueError(f"{op}: expected at least a 1-dimensional tensor, got shape {self.shape}")
        dim = _t._one_axis(dim, self.shape, op)
        spec = indices_or_sections
        if isinstance(spec, _t.Tensor):
            if spec.dtype.kind not in "iu" or spec.ndim > 1:
                raise TypeError(f"{op}: a tensor indices_or_sections must be a 0-d or 1-d int64 tensor, "
                                f"got {spec.dtype} of shape {spec.shape}")
            spec = int(spec.item()) if spec.ndim == 0 else [int(i) for i in spec.tolist()]
        n = self.shape[dim]
        if isinstance(spec, (tuple, list)):
            bounds = [None, *_ints(tuple(spec), "indices", op), None]
        else:
            sections = _int(spec, "indices_or_sections", op)
            if not 0 < sections <= _MAX_PIECES:
                raise ValueError(f"{op}: number of sections must be larger than 0 (and at most {_MAX_PIECES}), "
                                 f"got {sections}")
            bounds = [0]
            for i in range(sections):
                bounds.append(bounds[-1] + n // sections + (i < n % sections))
        lead = (slice(None),) * dim
        return tuple(self[lead + (slice(a, b),)] for a, b in zip(bounds[:-1], bounds[1:]))

    def _split_along(self, indices_or_sections, dim, least, op):
        """hsplit/vsplit/dsplit: tensor_split along `dim`, with an int needing equal pieces, as torch."""
        if self.ndim < least:
            raise ValueError(f"{op}: requires a tensor with at least {least} dimension(s), got shape {self.shape}")
        if not isinstance(indices_or_sections, (tuple, list)):
            sections = _int(indices_or_sections, "indices_or_sections", op)
            if sections <= 0 or self.shape[dim] % sections:
                raise ValueError(f"{op}: dimension {dim} of size {self.shape[dim]} does not split into "
                                 f"{sections} equal pieces")
        return self.tensor_split(indices_or_sections, dim)

    def hsplit(self, indices_or_sections):
        """tensor_split along axis 1 (axis 0 for a 1-d tensor): columns; an int must divide the size."""
        return self._split_along(indices_or_sections, 1 if self.ndim > 1 else 0, 1, "hsplit")

    def vsplit(self, indices_or_sections):
        """tensor_split along axis 0 of a tensor of at least 2 axes: rows; an int must divide the size."""
        return self._split_along(indices_or_sections, 0, 2, "vsplit")

    def dsplit(self, indices_or_sections):
        """tensor_split along axis 2 of a tensor of at least 3 axes (depth); an int must divide the size."""
        return self._split_along(indices_or_sections, 2, 3, "dsplit")


_MAX_PIECES = 2 ** 24  # tensor_split makes one Python object per piece: more would exhaust memory, not fail


def _repeat_counts(repeats, n, op):
    """repeat_interleave's repeats as a numpy array of n non-negative counts."""
    if isinstance(repeats, _t.Tensor):
        if repeats.dtype.kind not in "iu":
            raise TypeError(f"{op}: repeats must be an int or an int64 tensor, got a {repeats.dtype} tensor")
        if repeats.ndim > 1:
            raise ValueError(f"{op}: repeats must be 0-d or 1-d, got shape {repeats.shape}")
        counts = repeats.numpy().astype(np.int64).reshape(-1)
        if counts.size == 1:
            counts = np.full(n, counts[0])
        elif counts.size != n:
            raise ValueError(f"{op}: repeats has {counts.size} counts for a dimension of size {n}")
    else:
        counts = np.full(n, _int(repeats, "repeats", op), np.int64)
    if (counts < 0).any():
        raise ValueError(f"{op}: repeats must be non-negative")
    return counts
