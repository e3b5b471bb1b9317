"""Tensor's gather and scatter methods as torch's: gather, scatter, scatter_add, scatter_reduce, index_select,
index_add, index_copy, index_fill, index_reduce, index_put, take, take_along_dim, put, masked_select,
masked_scatter, select_scatter, slice_scatter, diagonal_scatter, nonzero, nonzero_static, argwhere.

Each checks its arguments as torch does and then runs a Function of ops/gather.py: Gather, which
reads x at the positions an index names along one axis (take and take_along_dim are gathers with a
reshaped or broadcast index), IndexSelect (whole slices along one axis), or Scatter, which writes or
reduces values into such positions: index_add, index_copy, index_reduce, index_put, put,
masked_scatter and the *_scatter embeddings are scatters (index_put, put and the embeddings scatter
into the flattened tensor, at the flat positions of the elements they replace). Their gradients are
those ops'.

Indices are integer tensors (int64 as torch's; other integer dtypes and lists are accepted too); a
float or bool index is refused with TypeError, and an index out of range with IndexError.

The in-place forms (scatter_, scatter_add_, scatter_reduce_, index_add_, index_copy_, index_fill_,
index_reduce_, index_put_, put_, masked_scatter_) compute the out-of-place result from the tensor's current value
and write it into the tensor's memory (`_update`, _tensor_inplace.py), recorded in the graph as torch
records them: a leaf that requires grad refuses while gradients are recorded.

`TensorIndex` is a base class of Tensor; it holds no state of its own (`__slots__ = ()`).
"""
import numpy as np

from . import _tensor as _t, autograd, dtypes
from ._validate import _UNSET, _axis_alias, check_alloc, check_bool
from .ops import gather as ga

_REDUCTIONS = ("sum", "prod", "mean", "amax", "amin")
_LEGACY_REDUCE = {"add": "sum", "multiply": "prod"}  # scatter(..., reduce=) spells them so


class TensorIndex:
    """See the module docstring."""

    __slots__ = ()

    # ---- gathers ------------------------------------------------------------------------
    def gather(self, dim=_UNSET, index=_UNSET, *, sparse_grad=False, axis=_UNSET):
        """out[i][j][k] = self[index[i][j][k]][j][k] (dim=0), self[i][index[i][j][k]][k] (dim=1), ...

        `index` has self's number of axes and is no longer than self along the other axes; out has
        index's shape. Backward: each position of self receives the sum of the gradients of the
        outputs read from it. `sparse_grad` is accepted for torch's signature; the gradient is dense."""
        dim = _dim("gather", dim, axis, self.shape)
        check_bool(sparse_grad, "sparse_grad", "gather")
        index = _index_array(self, index, "gather")
        x, idx = _at_least_1d(self), _at_least_1d_array(index)
        _same_rank("gather", x, idx, "index")
        if idx.size:
            _no_longer("gather", idx.shape, x.shape, dim, "index", "self")
        _check_range("gather", idx, x.shape[dim], dim)
        return _reshaped(ga.Gather.apply(x, idx, axis=dim), index.shape)

    def index_select(self, dim=_UNSET, index=_UNSET, *, axis=_UNSET):
        """out = self with axis `dim` replaced by the slices index[0], index[1], ...: along dim,
        out[..., j, ...] = self[..., index[j], ...]. `index` is 1-d (or 0-d). Backward: the gradient of
        each slice is added to the slice of self it came from."""
        dim = _dim("index_select", dim, axis, self.shape)
        index = _vector_index(self, index, "index_select", dim)
        x = _at_least_1d(self)
        _check_range("index_select", index, x.shape[dim], dim)
        out = ga.IndexSelect.apply(x, index, axis=dim)
        return _reshaped(out, ()) if self.ndim == 0 else out

    def take(self, index=_UNSET):
        """out[i] = self.flatten()[index[i]] (negative indices count from the end); out has index's shape.
        Backward: the gradient of each output is added to the element it was read from."""
        index = _index_array(self, index, "take")
        n = self.numel()
        _check_range("take", index, n, None, negative=True)
        flat = index.reshape(-1) % max(n, 1)
        return _reshaped(ga.Gather.apply(self.reshape(-1), flat, axis=0), index.shape)

    def take_along_dim(self, indices=_UNSET, dim=_UNSET, *, axis=_UNSET):
        """self.gather(dim, indices) after broadcasting self and indices against each other on every
        axis but dim (negative indices count from the end). With dim None: along the flattened self,
        out = self.flatten()[indices.flatten()], indices in [0, numel) as torch's. Backward as gather's."""
        dim = _axis_alias("take_along_dim", dim, axis, None)
        indices = _index_array(self, indices, "take_along_dim", "indices")
        if dim is None:  # as torch: the flattened gather, where negative indices are out of range
            flat = indices.reshape(-1)
            _check_range("take_along_dim", flat, self.numel(), None)
            return ga.Gather.apply(self.reshape(-1), flat, axis=0)
        dim = _t._one_axis(dim, self.shape, "take_along_dim")
        x, idx = _at_least_1d(self), _at_least_1d_array(indices)
        _same_rank("take_along_dim", x, idx, "indices")
        wanted = x.shape[:dim] + (idx.shape[dim],) + x.shape[dim + 1:]
        try:
            shape = np.broadcast_shapes(wanted, idx.shape)
        except ValueError:
            raise ValueError(f"take_along_dim: self of shape {self.shape} and indices of shape {indices.shape} "
                             f"do not broadcast outside dim {dim}") from None
        _check_range("take_along_dim", idx, x.shape[dim], dim, negative=True)
        idx = self._backend.xp.broadcast_to(idx % max(x.shape[dim], 1), shape)
        x = x.expand(shape[:dim] + (x.shape[dim],) + shape[dim + 1:])
        return _reshaped(ga.Gather.apply(x, idx, axis=dim), shape if self.ndim or indices.ndim else ())

    def masked_select(self, mask=_UNSET):
        """The elements of self where mask is True, as a 1-d tensor in row-major order; self and mask
        broadcast together first. Backward: each selected element's gradient goes back to it (summed
        over the copies broadcasting made)."""
        mask = _mask(self, mask, "masked_select")
        shape = _broadcast("masked_select", self.shape, mask.shape)
        return self.expand(shape)[mask.expand(shape)]

    def nonzero(self, *, as_tuple=False):
        """The positions of the nonzero elements, in row-major order: an int64 tensor of shape (n, ndim),
        one row per element, or with as_tuple=True one 1-d tensor per axis (a 0-d tensor counts as 1-d
        there, as torch's). Not differentiable."""
        as_tuple = check_bool(as_tuple, "as_tuple", "nonzero")
        xp = self._backend.xp
        if as_tuple:
            array = self.array.reshape(1) if self.ndim == 0 else self.array
            return tuple(_t.Tensor._wrap(p.astype(np.int64, copy=False), self._backend) for p in xp.nonzero(array))
        return _t.Tensor._wrap(xp.argwhere(self.array).astype(np.int64, copy=False), self._backend)

    def nonzero_static(self, *, size=_UNSET, fill_value=-1):
        """nonzero() with exactly `size` rows: the first `size` positions, or all of them followed by
        rows of `fill_value`. An int64 tensor of shape (size, ndim); not differentiable."""
        op = "nonzero_static"
        if size is _UNSET:
            raise TypeError(f"{op}: missing the keyword argument size")
        size, fill_value = _check_int(size, "size", op), _check_int(fill_value, "fill_value", op)
        if size < 0:
            raise ValueError(f"{op}: size must be a non-negative integer, got {size}")
        check_alloc((size, self.ndim), np.int64, op)
        positions = self.nonzero().array[:size]
        xp = self._backend.xp
        padding = xp.full((size - positions.shape[0], self.ndim), dtypes.convert_scalar(fill_value, np.dtype(np.int64), op,
                                                                                         "fill_value"), np.int64)
        return _t.Tensor._wrap(xp.concatenate([positions, padding]), self._backend)

    def argwhere(self):
        """x.nonzero(): the (n, ndim) int64 positions of the nonzero elements, in row-major order."""
        return self.nonzero()

    # ---- scatters -----------------------------------------------------------------------
    def scatter(self, dim=_UNSET, index=_UNSET, src=_UNSET, value=_UNSET, *, reduce=None, axis=_UNSET):
        """out = self, then out[index[i][j][k]][j][k] = src[i][j][k] (dim=0; likewise for other dims),
        with a number `value` in place of src if given. reduce="add" or "multiply" (torch's older
        spelling of scatter_reduce's "sum" and "prod") folds src into out instead of overwriting.

        Where index repeats a position, which write wins is unspecified, as in torch. Backward:
        dself = g with 0 at the written positions (g where reduce folds); dsrc = g gathered at index."""
        return self._scatter("scatter", dim, axis, index, src, value, reduce)

    def scatter_(self, dim=_UNSET, index=_UNSET, src=_UNSET, value=_UNSET, *, reduce=None, axis=_UNSET):
        """scatter in place (see scatter)."""
        return self._update("scatter_", lambda old: old._scatter("scatter_", dim, axis, index, src, value, reduce))

    def scatter_add(self, dim=_UNSET, index=_UNSET, src=_UNSET, *, axis=_UNSET):
        """out = self, then out[index[i][j][k]][j][k] += src[i][j][k] (dim=0; likewise for other dims);
        a repeated position adds every src element that names it. Backward: dself = g;
        dsrc = g gathered at index."""
        return self._scatter_reduce("scatter_add", dim, axis, index, src, "sum", True)

    def scatter_add_(self, dim=_UNSET, index=_UNSET, src=_UNSET, *, axis=_UNSET):
        """scatter_add in place."""
        return self._update("scatter_add_",
                            lambda old: old._scatter_reduce("scatter_add_", dim, axis, index, src, "sum", True))

    def scatter_reduce(self, dim=_UNSET, index=_UNSET, src=_UNSET, reduce=_UNSET, *, include_self=True,
                       axis=_UNSET):
        """out = self, then each position c that index names (along dim, as scatter) becomes the
        reduction of the src elements naming it, and of self[c] when include_self:
        "sum", "prod", "mean" (integer means round down), "amax" or "amin". Positions no index names
        keep self. Backward as torch's: sum g; mean g / N; prod g * (product of the other factors);
        amax/amin g shared evenly by the values equal to the result (a left-out self takes no share)."""
        return self._scatter_reduce("scatter_reduce", dim, axis, index, src, reduce, include_self)

    def scatter_reduce_(self, dim=_UNSET, index=_UNSET, src=_UNSET, reduce=_UNSET, *, include_self=True,
                        axis=_UNSET):
        """scatter_reduce in place."""
        return self._update("scatter_reduce_", lambda old: old._scatter_reduce(
            "scatter_reduce_", dim, axis, index, src, reduce, include_self))

    def index_add(self, dim=_UNSET, index=_UNSET, source=_UNSET, *, alpha=1, axis=_UNSET):
        """out = self, then out[..., index[j], ...] += alpha * source[..., j, ...] along dim (a repeated
        index adds every slice naming it). Backward: dself = g; dsource = alpha * g.index_select(dim, index)."""
        return self._index_scatter("index_add", dim, axis, index, source, "sum", alpha)

    def index_add_(self, dim=_UNSET, index=_UNSET, source=_UNSET, *, alpha=1, axis=_UNSET):
        """index_add in place."""
        return self._update("index_add_", lambda old: old._index_scatter("index_add_", dim, axis, index, source,
                                                                       "sum", alpha))

    def index_copy(self, dim=_UNSET, index=_UNSET, source=_UNSET, *, axis=_UNSET):
        """out = self, then out[..., index[j], ...] = source[..., j, ...] along dim. Backward:
        dself = g with 0 in the copied slices; dsource = g.index_select(dim, index)."""
        return self._index_scatter("index_copy", dim, axis, index, source, "none", 1)

    def index_copy_(self, dim=_UNSET, index=_UNSET, source=_UNSET, *, axis=_UNSET):
        """index_copy in place."""
        return self._update("index_copy_", lambda old: old._index_scatter("index_copy_", dim, axis, index, source,
                                                                        "none", 1))

    def index_fill(self, dim=_UNSET, index=_UNSET, value=_UNSET, *, axis=_UNSET):
        """out = self with the slices index[0], index[1], ... along dim set to `value` (a number or a
        0-d tensor; negative indices count from the end). Backward: dself = g with 0 in the filled
        slices; a 0-d tensor value gets the sum of g over them."""
        return self._index_fill("index_fill", dim, axis, index, value)

    def index_fill_(self, dim=_UNSET, index=_UNSET, value=_UNSET, *, axis=_UNSET):
        """index_fill in place."""
        return self._update("index_fill_", lambda old: old._index_fill("index_fill_", dim, axis, index, value))

    def masked_scatter(self, mask=_UNSET, source=_UNSET):
        """out = self (broadcast with mask) with its elements where mask is True replaced, in row-major
        order, by the first mask.sum() elements of source (in row-major order). Backward: dself = g with
        0 where mask is True; dsource = those elements of g, 0 for the source elements not used."""
        return self._masked_scatter("masked_scatter", mask, source)

    def masked_scatter_(self, mask=_UNSET, source=_UNSET):
        """masked_scatter in place (mask broadcasts to self's shape)."""
        return self._update("masked_scatter_", lambda old: old._masked_scatter("masked_scatter_", mask, source))

    def index_reduce(self, dim=_UNSET, index=_UNSET, source=_UNSET, reduce=_UNSET, *, include_self=True,
                     axis=_UNSET):
        """out = self, then each slice out[..., index[j], ...] along dim becomes the reduction ("prod",
        "mean", "amax" or "amin") of the source slices naming it, and of itself when include_self;
        integer means round down. Backward as scatter_reduce's (each source slice is a scatter along dim)."""
        return self._index_reduce("index_reduce", dim, axis, index, source, reduce, include_self)

    def index_reduce_(self, dim=_UNSET, index=_UNSET, source=_UNSET, reduce=_UNSET, *, include_self=True,
                      axis=_UNSET):
        """index_reduce in place."""
        return self._update("index_reduce_", lambda old: old._index_reduce("index_reduce_", dim, axis, index, source,
                                                                          reduce, include_self))

    def put(self, index=_UNSET, source=_UNSET, accumulate=False):
        """out = self, then out.flatten()[index[i]] = source[i] (index and source read flattened, negative
        indices counting from the end), or += with accumulate=True (a repeated index adds every source
        naming it). Backward: dself = g (0 at the written positions unless accumulate); dsource = g at index."""
        return self._put("put", index, source, accumulate)

    def put_(self, index=_UNSET, source=_UNSET, accumulate=False):
        """put in place."""
        return self._update("put_", lambda old: old._put("put_", index, source, accumulate))

    def index_put(self, indices=_UNSET, values=_UNSET, accumulate=False):
        """out = self with out[indices] = values, or out[indices] += values with accumulate=True (an element
        named twice receives both); `indices` is a tuple of index tensors (integer or bool), read as
        x[indices] reads them, and values broadcast to x[indices]'s shape. Backward: dself = g (0 at the
        written elements unless accumulate); dvalues = g[indices] summed to values' shape."""
        return self._index_put("index_put", indices, values, accumulate)

    def index_put_(self, indices=_UNSET, values=_UNSET, accumulate=False):
        """index_put in place."""
        return self._update("index_put_", lambda old: old._index_put("index_put_", indices, values, accumulate))

    def select_scatter(self, src=_UNSET, dim=_UNSET, index=_UNSET, *, axis=_UNSET):
        """out = self with out.select(dim, index) replaced by src (self's shape without dim). Backward:
        dself = g with 0 in that slice; dsrc = g.select(dim, index)."""
        op = "select_scatter"
        dim = _dim(op, dim, axis, self.shape)
        if self.ndim == 0:
            raise ValueError(f"{op}: a 0-d tensor has no dimension to select from")
        if index is _UNSET:
            raise TypeError(f"{op}: missing the argument index")
        index = _check_int(index, "index", op)
        n = self.shape[dim]
        if not -n <= index < n:
            raise IndexError(f"{op}: index {index} is out of range for dimension {dim} with size {n}")
        return self._embed(op, src, (slice(None),) * dim + (index % n,))

    def slice_scatter(self, src=_UNSET, dim=_UNSET, start=None, end=None, step=1, *, axis=_UNSET):
        """out = self with out[..., start:end:step, ...] (along dim, default 0) replaced by src, which has
        that slice's shape. Backward: dself = g with 0 in the slice; dsrc = g in the slice."""
        op = "slice_scatter"
        dim = _axis_alias(op, dim, axis, 0)
        dim = _t._one_axis(dim, self.shape, op)
        if self.ndim == 0:
            raise ValueError(f"{op}: a 0-d tensor has no dimension to slice")
        bounds = [None if b is None else _check_int(b, name, op) for b, name in ((start, "start"), (end, "end"))]
        step = _check_int(step, "step", op)
        if step <= 0:
            raise ValueError(f"{op}: step must be positive, got {step}")
        return self._embed(op, src, (slice(None),) * dim + (slice(bounds[0], bounds[1], step),))

    def diagonal_scatter(self, src=_UNSET, offset=0, dim1=_UNSET, dim2=_UNSET, *, axis1=_UNSET, axis2=_UNSET):
        """out = self with out.diagonal(offset, dim1, dim2) replaced by src (the diagonal's shape: the
        other axes, then the diagonal). Backward: dself = g with 0 on the diagonal; dsrc = g's diagonal."""
        op = "diagonal_scatter"
        offset = _check_int(offset, "offset", op)
        a = _t._one_axis(_axis_alias(op, dim1, axis1, 0, ("dim1", "axis1")), self.shape, op, name="dim1")
        b = _t._one_axis(_axis_alias(op, dim2, axis2, 1, ("dim2", "axis2")), self.shape, op, name="dim2")
        if self.ndim < 2 or a == b:
            raise ValueError(f"{op}: dim1 and dim2 must be two different axes of a tensor of at least 2 "
                             f"dimensions, got {a} and {b} for shape {self.shape}")
        offset = min(max(offset, -self.shape[a]), self.shape[b])  # past the matrix every diagonal is empty
        return self._embed(op, src, lambda positions: positions.diagonal(offset, a, b))

    # ---- the shared checks --------------------------------------------------------------
    def _scatter(self, op, dim, axis, index, src, value, reduce):
        if src is not _UNSET and value is not _UNSET:
            raise TypeError(f"{op}: give src or value, not both")
        source = value if src is _UNSET else src
        if source is _UNSET:
            raise TypeError(f"{op}: missing the argument src (or value)")
        if reduce is not None and (not isinstance(reduce, str) or reduce not in _LEGACY_REDUCE):
            raise ValueError(f"{op}: reduce must be 'add' or 'multiply' (or None), not {reduce!r}; "
                             "scatter_reduce takes sum, prod, mean, amax and amin")
        return self._scatter_checked(op, dim, axis, index, source, _LEGACY_REDUCE.get(reduce, "none"), True)

    def _scatter_reduce(self, op, dim, axis, index, src, reduce, include_self):
        if src is _UNSET or not isinstance(src, _t.Tensor):
            raise TypeError(f"{op}: src must be a Tensor, not {_kind(src)}")
        if reduce is _UNSET:
            raise TypeError(f"{op}: missing the argument reduce (one of {', '.join(_REDUCTIONS)})")
        if not isinstance(reduce, str) or reduce not in _REDUCTIONS:
            raise ValueError(f"{op}: reduce must be one of {', '.join(_REDUCTIONS)}, not {reduce!r}")
        include_self = check_bool(include_self, "include_self", op)
        return self._scatter_checked(op, dim, axis, index, src, reduce, include_self)

    def _scatter_checked(self, op, dim, axis, index, source, reduce, include_self):
        dim = _dim(op, dim, axis, self.shape)
        index = _index_array(self, index, op)
        src = _source(self, source, op, "src")
        x, idx = _at_least_1d(self), _at_least_1d_array(index)
        _same_rank(op, x, idx, "index")
        if isinstance(src, _t.Tensor):
            src = _at_least_1d(src)
            _same_rank(op, x, src, "src")
        if idx.size:
            _no_longer(op, idx.shape, x.shape, dim, "index", "self")
            if isinstance(src, _t.Tensor):
                _no_longer(op, idx.shape, src.shape, None, "index", "src")
        _check_range(op, idx, x.shape[dim], dim)
        return _reshaped(ga.Scatter.apply(x, src, idx, axis=dim, reduce=reduce, include_self=include_self),
                         self.shape)

    def _index_scatter(self, op, dim, axis, index, source, reduce, alpha, include_self=True):
        dim = _dim(op, dim, axis, self.shape)
        index = _vector_index(self, index, op, dim)
        if not isinstance(source, _t.Tensor):
            raise TypeError(f"{op}: source must be a Tensor, not {_kind(source)}")
        source = _source(self, source, op, "source")
        x, src = _at_least_1d(self), _at_least_1d(source)
        expected = x.shape[:dim] + (index.size,) + x.shape[dim + 1:]
        if src.shape != expected:
            raise ValueError(f"{op}: source of shape {source.shape} does not fit: with {index.size} indices along "
                             f"dim {dim} of self of shape {self.shape} it must have shape {expected}")
        _check_range(op, index, x.shape[dim], dim)
        if not dtypes.is_python_scalar(alpha):
            raise TypeError(f"{op}: alpha must be a number, not {_kind(alpha)}")
        if alpha != 1:
            src = src * _t.Tensor._wrap(self._backend.asarray(dtypes.convert_scalar(alpha, self.dtype, op, "alpha")),
                                        self._backend)
        out = ga.Scatter.apply(x, src, _along(src, index, dim), axis=dim, reduce=reduce, include_self=include_self)
        return _reshaped(out, self.shape)

    def _index_reduce(self, op, dim, axis, index, source, reduce, include_self):
        if reduce is _UNSET:
            raise TypeError(f"{op}: missing the argument reduce (one of prod, mean, amax, amin)")
        if not isinstance(reduce, str) or reduce not in _REDUCTIONS[1:]:
            raise ValueError(f"{op}: reduce must be one of prod, mean, amax, amin, not {reduce!r}")
        include_self = check_bool(include_self, "include_self", op)
        return self._index_scatter(op, dim, axis, index, source, reduce, 1, include_self)

    def _put(self, op, index, source, accumulate):
        accumulate = check_bool(accumulate, "accumulate", op)
        index = _index_array(self, index, op)
        if not isinstance(source, _t.Tensor):
            raise TypeError(f"{op}: source must be a Tensor, not {_kind(source)}")
        source = _source(self, source, op, "source")
        if source.numel() != index.size:
            raise ValueError(f"{op}: source ({source.numel()} elements) and index ({index.size}) must have as many "
                             "elements")
        n = self.numel()
        _check_range(op, index, n, None, negative=True)
        out = ga.Scatter.apply(self.reshape(-1), source.reshape(-1), index.reshape(-1) % max(n, 1), axis=0,
                               reduce="sum" if accumulate else "none", include_self=True)
        return out.reshape(self.shape)

    def _index_put(self, op, indices, values, accumulate):
        accumulate = check_bool(accumulate, "accumulate", op)
        if not isinstance(indices, (tuple, list)):
            raise TypeError(f"{op}: indices must be a tuple of index tensors, not {_kind(indices)}")
        for i in indices:
            if not isinstance(i, _t.Tensor):
                raise TypeError(f"{op}: indices must hold index tensors, not {_kind(i)}")
            autograd.check_same_device([self, i], op)
            if i.dtype.kind not in "iub":
                raise TypeError(f"{op}: an index tensor must hold integers or bools, not {i.dtype}")
        if not isinstance(values, _t.Tensor):
            raise TypeError(f"{op}: values must be a Tensor, not {_kind(values)}")
        values = _source(self, values, op, "values")
        try:
            basic, advanced = _t._index(tuple(indices), self.shape, self._backend)
        except (IndexError, ValueError, TypeError) as e:
            raise type(e)(f"{op}: {e}") from None
        positions = self._backend.xp.arange(self.numel(), dtype=np.int64).reshape(self.shape)[basic]
        positions = positions if advanced is None else positions[advanced]
        shape = tuple(positions.shape)
        if len(values.shape) > len(shape) or _broadcast(op, shape, values.shape, "values", "x[indices]") != shape:
            raise ValueError(f"{op}: values of shape {values.shape} do not broadcast to x[indices]'s shape {shape}")
        out = ga.Scatter.apply(self.reshape(-1), values.expand(shape).reshape(-1), positions.reshape(-1), axis=0,
                               reduce="sum" if accumulate else "none", include_self=True)
        return out.reshape(self.shape)

    def _embed(self, op, src, view):
        """self with the elements that `view` (an index, or a function of an array) picks replaced by src:
        one scatter into the flattened self, at the flat positions of those elements."""
        if not isinstance(src, _t.Tensor):
            raise TypeError(f"{op}: src must be a Tensor, not {_kind(src)}")
        src = _source(self, src, op, "src")
        positions = self._backend.xp.arange(self.numel(), dtype=np.int64).reshape(self.shape)
        positions = view(positions) if callable(view) else positions[view]
        if src.shape != tuple(positions.shape):
            raise ValueError(f"{op}: src of shape {src.shape} must have the shape {tuple(positions.shape)} of the "
                             f"part of self (shape {self.shape}) it replaces")
        out = ga.Scatter.apply(self.reshape(-1), src.reshape(-1), positions.reshape(-1), axis=0, reduce="none",
                               include_self=True)
        return out.reshape(self.shape)

    def _index_fill(self, op, dim, axis, index, value):
        dim = _dim(op, dim, axis, self.shape)
        index = _vector_index(self, index, op, dim)
        if isinstance(value, _t.Tensor):
            autograd.check_same_device([self, value], op)
            if value.ndim != 0:
                raise ValueError(f"{op}: only a 0-d value tensor can fill, got one of shape {value.shape}")
        elif dtypes.is_python_scalar(value):
            value = _t.Tensor._wrap(self._backend.asarray(dtypes.convert_scalar(value, self.dtype, op)), self._backend)
        else:
            raise TypeError(f"{op}: value must be a number or a 0-d tensor, not {_kind(value)}")
        x = _at_least_1d(self)
        _check_range(op, index, x.shape[dim], dim, negative=True)
        xp = self._backend.xp
        mask = xp.zeros(x.shape, bool)
        mask[(slice(None),) * dim + (index % max(x.shape[dim], 1),)] = True
        return _reshaped(x.masked_fill(_t.Tensor._wrap(mask, self._backend), value), self.shape)

    def _masked_scatter(self, op, mask, source):
        mask = _mask(self, mask, op)
        if not isinstance(source, _t.Tensor):
            raise TypeError(f"{op}: source must be a Tensor, not {_kind(source)}")
        source = _source(self, source, op, "source")
        shape = _broadcast(op, self.shape, mask.shape)
        xp = self._backend.xp
        positions = xp.flatnonzero(xp.broadcast_to(mask.array, shape)).astype(np.int64, copy=False)
        if positions.size > source.numel():
            raise ValueError(f"{op}: the mask selects {positions.size} elements, and source of shape "
                             f"{source.shape} has only {source.numel()}")
        values = source.reshape(-1)[:positions.size]
        out = ga.Scatter.apply(self.expand(shape).reshape(-1), values, positions, axis=0, reduce="none",
                               include_self=True)
        return out.reshape(shape)


# ---- argument checks ----------------------------------------------------------------------
def _kind(value):
    return "nothing" if value is _UNSET else type(value).__name__


def _check_int(value, name, op):
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool):
        raise TypeError(f"{op}: {name} must be an int, not {_kind(value)}")
    return int(value)


def _dim(op, dim, axis, shape):
    dim = _axis_alias(op, dim, axis, _UNSET)
    if dim is _UNSET:
        raise TypeError(f"{op}: missing its dim argument")
    return _t._one_axis(dim, shape, op)


def _index_array(self, index, op, name="index"):
    """The index as an int64 array on self's device: from an integer Tensor, or a (nested) list."""
    if index is _UNSET:
        raise TypeError(f"{op}: missing the argument {name}")
    if isinstance(index, _t.Tensor):
        autograd.check_same_device([self, index], op)
        array = index.array
    elif isinstance(index, (list, tuple, range, np.ndarray)):
        try:
            array = np.asarray(index)
        except ValueError:
            raise ValueError(f"{op}: {name} {index!r} has rows of different lengths") from None
        array = array.astype(np.int64) if array.size == 0 and array.dtype.kind == "f" else array
        array = self._backend.asarray(array)
    else:
        raise TypeError(f"{op}: {name} must be an integer Tensor (or a list of ints), not {type(index).__name__}")
    if array.dtype.kind not in "iu":
        raise TypeError(f"{op}: {name} must hold integers (int64), not {array.dtype}")
    return array.astype(np.int64, copy=False)


def _vector_index(self, index, op, dim):
    """A 1-d (or 0-d) index: index_select's, index_add's, ..."""
    index = _index_array(self, index, op)
    if index.ndim > 1:
        raise IndexError(f"{op}: index must be a vector (1-d), got one of shape {tuple(index.shape)}")
    index = index.reshape(-1)
    if self.ndim == 0 and index.size != 1:
        raise IndexError(f"{op}: index to a 0-d tensor can hold only 1 value, got {index.size}")
    return index


def _mask(self, mask, op):
    if not isinstance(mask, _t.Tensor) or mask.dtype != np.bool_:
        raise TypeError(f"{op}: mask must be a bool Tensor, not "
                        f"{mask.dtype if isinstance(mask, _t.Tensor) else _kind(mask)}")
    autograd.check_same_device([self, mask], op)
    return mask


def _source(self, source, op, name):
    """src/source: a Tensor of self's dtype and device, or (for scatter's value) a number as a 0-d array."""
    if isinstance(source, _t.Tensor):
        autograd.check_same_device([self, source], op)
        if source.dtype != self.dtype:
            raise TypeError(f"{op}: {name} ({source.dtype}) must have self's dtype ({self.dtype})")
        return source
    if dtypes.is_python_scalar(source):
        return self._backend.asarray(dtypes.convert_scalar(source, self.dtype, op, "value"))
    raise TypeError(f"{op}: {name} must be a Tensor (or value a number), not {_kind(source)}")


def _broadcast(op, a, b, b_name="mask", a_name="self"):
    try:
        return np.broadcast_shapes(a, b)
    except ValueError:
        raise ValueError(f"{op}: {b_name} of shape {b} does not broadcast with {a_name} of shape {a}") from None


def _same_rank(op, x, other, name):
    if other.ndim != x.ndim:
        raise ValueError(f"{op}: {name} must have as many dimensions as self ({x.ndim}), got shape "
                         f"{tuple(other.shape)}")


def _no_longer(op, shape, limit, dim, name, limit_name):
    """index no longer than `limit` on every axis but dim (on all when dim is None)."""
    for d, (n, m) in enumerate(zip(shape, limit)):
        if d != dim and n > m:
            raise ValueError(f"{op}: {name} of shape {tuple(shape)} is longer than {limit_name} of shape "
                             f"{tuple(limit)} along dimension {d}" + ("" if dim is None else f" (dim is {dim})"))


def _check_range(op, index, size, dim, negative=False):
    """Every index in [0, size), or in [-size, size) where negative ones count from the end."""
    if index.size == 0:
        return
    low, high = int(index.min()), int(index.max())
    bad = low if low < (-size if negative else 0) else high if high >= size else None
    if bad is not None:
        where = "the flattened tensor" if dim is None else f"dimension {dim}"
        raise IndexError(f"{op}: index {bad} is out of bounds for {where} with size {size}")


def _at_least_1d(t):
    """A 0-d tensor as a 1-element 1-d one: torch's gathers and scatters read 0-d tensors so."""
    return t.reshape(1) if t.ndim == 0 else t


def _at_least_1d_array(a):
    return a.reshape(1) if a.ndim == 0 else a


def _along(x, index, dim):
    """A 1-d index of positions along dim, broadcast to x's shape with dim of index's length: the
    gather/scatter index of index_select and index_add."""
    shape = x.shape[:dim] + (index.size,) + x.shape[dim + 1:]
    column = index.reshape(tuple(-1 if d == dim else 1 for d in range(len(shape))))
    return x._backend.xp.broadcast_to(column, shape)


def _reshaped(t, shape):
    return t if t.shape == tuple(shape) else t.reshape(shape)
