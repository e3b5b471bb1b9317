"""torch's free functions for the further reductions (tg.std, tg.prod, tg.norm, tg.any, ...).

Each is the Tensor method of the same name where one exists (see functions.unary_from_method); as in
`functions`, `input` must be a Tensor. std_mean and var_mean, which torch has only as functions,
are written here.
"""
from . import linalg
from ._tensor_reduce import _deviation
from ._validate import _UNSET, _axis_alias
from .functions import _tensor
from .ops import reduce as rd, reduce_more as rm

__all__ = ["std", "std_mean", "var_mean", "prod", "norm", "aminmax", "any", "all", "count_nonzero", "nansum",
           "nanmean", "cov", "corrcoef", "dist"]


def std(input, dim=_UNSET, unbiased=None, keepdim=False, *, correction=None, axis=_UNSET):
    """sqrt(sum (x - mean)^2 / (N - correction)) over `dim`; correction 1 by default (see Tensor.std)."""
    return _tensor("std", input).std(dim, unbiased, keepdim, correction=correction, axis=axis)


def _with_mean(op, input, dim, unbiased, keepdim, correction, axis, root):
    dim = _axis_alias(op, dim, axis, None)
    first, wide = _deviation(_tensor(op, input), op, dim, unbiased, keepdim, correction, rm.Std if root else rd.Var)
    mean = wide.mean(dim, keepdim)
    if wide.dtype != input.dtype:
        first, mean = first.astype(input.dtype), mean.astype(input.dtype)
    return first, mean


def std_mean(input, dim=_UNSET, unbiased=None, keepdim=False, *, correction=None, axis=_UNSET):
    """(std, mean) over `dim` in one call, a tuple as torch's: std as tg.std, mean as tg.mean."""
    return _with_mean("std_mean", input, dim, unbiased, keepdim, correction, axis, root=True)


def var_mean(input, dim=_UNSET, unbiased=None, keepdim=False, *, correction=None, axis=_UNSET):
    """(var, mean) over `dim` in one call, a tuple as torch's: var as tg.var, mean as tg.mean."""
    return _with_mean("var_mean", input, dim, unbiased, keepdim, correction, axis, root=False)


def prod(input, dim=_UNSET, keepdim=False, *, dtype=None, axis=_UNSET):
    """prod x over `dim` (one int; every axis when not given); integer and bool products are int64 (see Tensor.prod)."""
    return _tensor("prod", input).prod(dim, keepdim, dtype=dtype, axis=axis)


def norm(input, p="fro", dim=_UNSET, keepdim=False, dtype=None, *, axis=_UNSET):
    """torch.norm: 'fro' the 2-norm over `dim`, 'nuc' the nuclear norm, a number p the vector p-norm
    (see Tensor.norm)."""
    _tensor("norm", input)
    return linalg._torch_norm(input, p, _axis_alias("norm", dim, axis, None), keepdim, dtype)


def aminmax(input, *, dim=_UNSET, keepdim=False, axis=_UNSET):
    """(min, max) over `dim` (one int; every axis when not given), the named tuple return_types.aminmax."""
    return _tensor("aminmax", input).aminmax(dim=dim, keepdim=keepdim, axis=axis)


def any(input, dim=_UNSET, keepdim=False, *, axis=_UNSET):  # noqa: A001 - torch's name
    """True where any element over `dim` is non-zero; bool (uint8 for uint8 input), as torch."""
    return _tensor("any", input).any(dim, keepdim, axis=axis)


def all(input, dim=_UNSET, keepdim=False, *, axis=_UNSET):  # noqa: A001 - torch's name
    """True where every element over `dim` is non-zero; bool (uint8 for uint8 input), as torch."""
    return _tensor("all", input).all(dim, keepdim, axis=axis)


def count_nonzero(input, dim=_UNSET, *, axis=_UNSET):
    """The number of non-zero elements over `dim` (an int, a tuple; every axis when not given), int64."""
    return _tensor("count_nonzero", input).count_nonzero(dim, axis=axis)


def nansum(input, dim=_UNSET, keepdim=False, *, dtype=None, axis=_UNSET):
    """sum over `dim` with NaN counted as 0 (see Tensor.nansum)."""
    return _tensor("nansum", input).nansum(dim, keepdim, dtype=dtype, axis=axis)


def nanmean(input, dim=_UNSET, keepdim=False, *, dtype=None, axis=_UNSET):
    """The mean of the non-NaN elements over `dim` (see Tensor.nanmean)."""
    return _tensor("nanmean", input).nanmean(dim, keepdim, dtype=dtype, axis=axis)


def cov(input, *, correction=1, fweights=None, aweights=None):
    """The covariance matrix of the rows of input over its columns (see Tensor.cov)."""
    return _tensor("cov", input).cov(correction=correction, fweights=fweights, aweights=aweights)


def corrcoef(input):
    """The Pearson correlation coefficients of the rows of input (see Tensor.corrcoef)."""
    return _tensor("corrcoef", input).corrcoef()


def dist(input, other, p=2):
    """||input - other||_p over every element (see Tensor.dist)."""
    return _tensor("dist", input).dist(other, p)
