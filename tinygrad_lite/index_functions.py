"""torch's free functions for gather and scatter (tg.gather, tg.scatter, tg.index_select, tg.nonzero, ...).

Each is the Tensor method of the same name (see _tensor_index.py for the math); as in `functions`,
`input` must be a Tensor. `where` is torch.where in both forms: where(condition, input, other) picks
elementwise, where(condition) is condition.nonzero(as_tuple=True).
"""
from ._tensor import Tensor
from ._validate import _UNSET
from .functions import _named, _tensor, unary_from_method

__all__ = [
    "gather", "index_select", "take", "take_along_dim", "masked_select", "nonzero", "nonzero_static", "argwhere",
    "scatter", "scatter_add", "scatter_reduce", "index_add", "index_copy", "index_fill", "index_reduce",
    "index_put", "put", "masked_scatter", "select_scatter", "slice_scatter", "diagonal_scatter",
]

argwhere = unary_from_method("argwhere", __name__)


def gather(input, dim=_UNSET, index=_UNSET, *, sparse_grad=False, axis=_UNSET):
    return _tensor("gather", input).gather(dim, index, sparse_grad=sparse_grad, axis=axis)


def index_select(input, dim=_UNSET, index=_UNSET, *, axis=_UNSET):
    return _tensor("index_select", input).index_select(dim, index, axis=axis)


def take(input, index=_UNSET):
    return _tensor("take", input).take(index)


def take_along_dim(input, indices=_UNSET, dim=_UNSET, *, axis=_UNSET):
    return _tensor("take_along_dim", input).take_along_dim(indices, dim, axis=axis)


def masked_select(input, mask=_UNSET):
    return _tensor("masked_select", input).masked_select(mask)


def nonzero(input, *, as_tuple=False):
    return _tensor("nonzero", input).nonzero(as_tuple=as_tuple)


def nonzero_static(input, *, size=_UNSET, fill_value=-1):
    return _tensor("nonzero_static", input).nonzero_static(size=size, fill_value=fill_value)


def scatter(input, dim=_UNSET, index=_UNSET, src=_UNSET, value=_UNSET, *, reduce=None, axis=_UNSET):
    return _tensor("scatter", input).scatter(dim, index, src, value, reduce=reduce, axis=axis)


def scatter_add(input, dim=_UNSET, index=_UNSET, src=_UNSET, *, axis=_UNSET):
    return _tensor("scatter_add", input).scatter_add(dim, index, src, axis=axis)


def scatter_reduce(input, dim=_UNSET, index=_UNSET, src=_UNSET, reduce=_UNSET, *, include_self=True, axis=_UNSET):
    return _tensor("scatter_reduce", input).scatter_reduce(dim, index, src, reduce, include_self=include_self,
                                                           axis=axis)


def index_add(input, dim=_UNSET, index=_UNSET, source=_UNSET, *, alpha=1, axis=_UNSET):
    return _tensor("index_add", input).index_add(dim, index, source, alpha=alpha, axis=axis)


def index_copy(input, dim=_UNSET, index=_UNSET, source=_UNSET, *, axis=_UNSET):
    return _tensor("index_copy", input).index_copy(dim, index, source, axis=axis)


def index_fill(input, dim=_UNSET, index=_UNSET, value=_UNSET, *, axis=_UNSET):
    return _tensor("index_fill", input).index_fill(dim, index, value, axis=axis)


def index_reduce(input, dim=_UNSET, index=_UNSET, source=_UNSET, reduce=_UNSET, *, include_self=True, axis=_UNSET):
    return _tensor("index_reduce", input).index_reduce(dim, index, source, reduce, include_self=include_self,
                                                       axis=axis)


def index_put(input, indices=_UNSET, values=_UNSET, accumulate=False):
    return _tensor("index_put", input).index_put(indices, values, accumulate)


def put(input, index=_UNSET, source=_UNSET, accumulate=False):
    return _tensor("put", input).put(index, source, accumulate)


def masked_scatter(input, mask=_UNSET, source=_UNSET):
    return _tensor("masked_scatter", input).masked_scatter(mask, source)


def select_scatter(input, src=_UNSET, dim=_UNSET, index=_UNSET, *, axis=_UNSET):
    return _tensor("select_scatter", input).select_scatter(src, dim, index, axis=axis)


def slice_scatter(input, src=_UNSET, dim=_UNSET, start=None, end=None, step=1, *, axis=_UNSET):
    return _tensor("slice_scatter", input).slice_scatter(src, dim, start, end, step, axis=axis)


def diagonal_scatter(input, src=_UNSET, offset=0, dim1=_UNSET, dim2=_UNSET, *, axis1=_UNSET, axis2=_UNSET):
    return _tensor("diagonal_scatter", input).diagonal_scatter(src, offset, dim1, dim2, axis1=axis1, axis2=axis2)


for _function in (gather, index_select, take, take_along_dim, masked_select, nonzero, nonzero_static, scatter,
                  scatter_add,
                  scatter_reduce, index_add, index_copy, index_fill, index_reduce, index_put, put, masked_scatter,
                  select_scatter, slice_scatter, diagonal_scatter):
    _named(_function, _function.__name__, __name__, f"tg.{_function.__name__}(input, ...) is "
           f"input.{_function.__name__}(...)")


def where(condition, input=_UNSET, other=_UNSET):
    """torch.where: where(condition, input, other) is input where condition is True, else other
    (broadcast together; see Tensor.where); where(condition) alone is condition.nonzero(as_tuple=True),
    the positions of its nonzero elements, one int64 tensor per axis."""
    if input is _UNSET and other is _UNSET:
        return _tensor("where", condition, "condition").nonzero(as_tuple=True)
    if input is _UNSET or other is _UNSET:
        raise TypeError("where: give both input and other, or neither (where(condition) is nonzero(as_tuple=True))")
    return Tensor.where(condition, input, other)
