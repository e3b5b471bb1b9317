"""Every axis-taking public name accepts `dim=` and `axis=` with one meaning, as torch reads `dim=`.

The names are found, not listed: every public Tensor method, tg.* and F.* function and nn
module whose signature has a parameter `dim`/`axis` (or `dim0`/`axis0`, `dim1`/`axis1`).
A name found here without a row in ROWS fails, so new API is covered as it lands. For each:

  * it has both spellings;
  * `dim=k` and `axis=k` each give torch's values and gradients for a k that is not the default;
  * both at once raise TypeError naming the function, even when one of them is given its
    default value (a default must not hide the other spelling);
  * a dim out of range raises IndexError naming the function and the shape, as torch's
    "Dimension out of range" does.

Beside them: positional arguments mean what torch's do (x.var(1, False) is unbiased=False),
and F.softmax without dim picks torch's implicit axis, with a warning.
"""
import inspect
import re
import warnings
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pytest

from helpers import check_op, to_torch, torch

import tinygrad_lite as tg
import tinygrad_lite.nn as nn
import tinygrad_lite.nn.functional as F
from tinygrad_lite import Tensor

TF = torch.nn.functional

# torch's name -> the numpy-style alias the engine also accepts
ALIASES = {"dim": "axis", "dim0": "axis0", "dim1": "axis1"}
AXIS_PARAMS = set(ALIASES) | set(ALIASES.values())


def _public_callables():
    """(qualified name, function, display name) for every public callable of the API."""
    found, seen = [], set()

    def add(name, fn, short):
        if callable(fn) and id(fn) not in seen:
            seen.add(id(fn))
            found.append((name, fn, short))

    for name in dir(Tensor):
        if not name.startswith("_"):
            attr = inspect.getattr_static(Tensor, name)
            attr = attr.__func__ if isinstance(attr, (staticmethod, classmethod)) else attr
            if inspect.isfunction(attr):
                add(f"Tensor.{name}", attr, name)
    for name in tg.__all__:
        fn = getattr(tg, name)
        if inspect.isfunction(fn):
            add(f"tg.{name}", fn, name)
    for name in dir(F):
        fn = getattr(F, name)
        if not name.startswith("_") and inspect.isfunction(fn) and fn.__module__.startswith(F.__name__):
            add(f"F.{name}", fn, name)
    for name in dir(nn):
        cls = getattr(nn, name)
        if inspect.isclass(cls) and issubclass(cls, nn.Module):
            add(f"nn.{name}", cls.__init__, name)
            add(f"nn.{name}.forward", cls.forward, name)
    return found


def _axis_taking():
    """{qualified name: (display name, the axis parameters in its signature)}."""
    out = {}
    for name, fn, short in _public_callables():
        try:
            params = set(inspect.signature(fn).parameters)
        except (TypeError, ValueError):
            continue
        if params & AXIS_PARAMS:
            out[name] = (short, params & AXIS_PARAMS)
    return out


DISCOVERED = _axis_taking()


@dataclass
class Row:
    """One axis parameter of one function: inputs, the engine call, torch's twin, a k != the default."""

    shapes: list
    ours: Callable       # ours(*tensors, **{param: k}) -> Tensor
    theirs: Callable     # theirs(*torch_tensors, k) -> torch.Tensor
    k: int
    default: object      # the parameter's default value (None where it has none)
    grad: bool = True


def rand(shape, seed=0):
    """Distinct values, so max/min/argmax have no ties."""
    n = int(np.prod(shape))
    return np.asarray(np.random.default_rng(seed).permutation(n).reshape(shape).astype(np.float64) / n - 0.5)


# (qualified name, parameter) -> Row
ROWS = {
    ("Tensor.sum", "dim"): Row([(2, 3, 4)], lambda x, **kw: x.sum(**kw), lambda x, k: x.sum(dim=k), 1, None),
    ("Tensor.mean", "dim"): Row([(2, 3, 4)], lambda x, **kw: x.mean(**kw), lambda x, k: x.mean(dim=k), 1, None),
    ("Tensor.max", "dim"): Row([(2, 3, 4)], lambda x, **kw: x.max(**kw).values, lambda x, k: x.max(dim=k).values,
                               1, None),
    ("Tensor.min", "dim"): Row([(2, 3, 4)], lambda x, **kw: x.min(**kw).values, lambda x, k: x.min(dim=k).values,
                               1, None),
    ("Tensor.amax", "dim"): Row([(2, 3, 4)], lambda x, **kw: x.amax(**kw), lambda x, k: x.amax(dim=k), 1, None),
    ("Tensor.amin", "dim"): Row([(2, 3, 4)], lambda x, **kw: x.amin(**kw), lambda x, k: x.amin(dim=k), 1, None),
    ("Tensor.var", "dim"): Row([(2, 3, 4)], lambda x, **kw: x.var(**kw), lambda x, k: x.var(dim=k), 1, None),
    ("Tensor.logsumexp", "dim"): Row([(2, 3, 4)], lambda x, **kw: x.logsumexp(**kw),
                                     lambda x, k: x.logsumexp(dim=k), 1, None),
    ("Tensor.argmax", "dim"): Row([(2, 3, 4)], lambda x, **kw: x.argmax(**kw), lambda x, k: x.argmax(dim=k),
                                  1, None, grad=False),
    ("Tensor.argmin", "dim"): Row([(2, 3, 4)], lambda x, **kw: x.argmin(**kw), lambda x, k: x.argmin(dim=k),
                                  1, None, grad=False),
    ("Tensor.softmax", "dim"): Row([(2, 3, 4)], lambda x, **kw: x.softmax(**kw), lambda x, k: x.softmax(dim=k),
                                   0, -1),
    ("Tensor.log_softmax", "dim"): Row([(2, 3, 4)], lambda x, **kw: x.log_softmax(**kw),
                                       lambda x, k: x.log_softmax(dim=k), 1, -1),
    ("Tensor.squeeze", "dim"): Row([(2, 1, 1)], lambda x, **kw: x.squeeze(**kw), lambda x, k: x.squeeze(dim=k),
                                   1, None),
    ("Tensor.unsqueeze", "dim"): Row([(2, 3)], lambda x, **kw: x.unsqueeze(**kw), lambda x, k: x.unsqueeze(dim=k),
                                     1, None),
    ("Tensor.transpose", "dim0"): Row([(2, 3, 4)], lambda x, **kw: x.transpose(**kw),
                                      lambda x, k: x.transpose(k, -1), 0, -2),
    ("Tensor.transpose", "dim1"): Row([(2, 3, 4)], lambda x, **kw: x.transpose(**kw),
                                      lambda x, k: x.transpose(-2, k), 0, -1),
    ("Tensor.cat", "dim"): Row([(2, 3), (2, 3)], lambda a, b, **kw: tg.cat([a, b], **kw),
                               lambda a, b, k: torch.cat([a, b], dim=k), 1, 0),
    ("Tensor.stack", "dim"): Row([(2, 3), (2, 3)], lambda a, b, **kw: tg.stack([a, b], **kw),
                                 lambda a, b, k: torch.stack([a, b], dim=k), 1, 0),
    ("F.softmax", "dim"): Row([(2, 3, 4)], lambda x, **kw: F.softmax(x, **kw), lambda x, k: TF.softmax(x, dim=k),
                              2, None),
    ("F.log_softmax", "dim"): Row([(2, 3, 4)], lambda x, **kw: F.log_softmax(x, **kw),
                                  lambda x, k: TF.log_softmax(x, dim=k), 2, None),
}


def _stacked(pieces):
    """split/chunk/unbind give tuples; stacked (in both libraries) they compare as one tensor."""
    return tg.stack(list(pieces)) if isinstance(pieces[0], Tensor) else torch.stack(list(pieces))


ROWS.update({
    ("Tensor.split", "dim"): Row([(2, 3, 4)], lambda x, **kw: _stacked(x.split(1, **kw)),
                                 lambda x, k: _stacked(x.split(1, dim=k)), 1, 0),
    ("Tensor.chunk", "dim"): Row([(2, 4, 3)], lambda x, **kw: _stacked(x.chunk(2, **kw)),
                                 lambda x, k: _stacked(x.chunk(2, dim=k)), 1, 0),
    ("Tensor.unbind", "dim"): Row([(2, 3, 4)], lambda x, **kw: _stacked(x.unbind(**kw)),
                                  lambda x, k: _stacked(x.unbind(dim=k)), 1, 0),
    ("Tensor.narrow", "dim"): Row([(2, 3, 4)], lambda x, **kw: x.narrow(start=1, length=2, **kw),
                                  lambda x, k: x.narrow(k, 1, 2), 1, None),
    ("Tensor.size", "dim"): Row([(2, 3, 4)], lambda x, **kw: Tensor(x.size(**kw)),
                                lambda x, k: torch.tensor(x.size(k)), 1, None, False),
    ("Tensor.unflatten", "dim"): Row([(2, 3, 4)], lambda x, **kw: x.unflatten(sizes=(3, 1), **kw),
                                     lambda x, k: x.unflatten(k, (3, 1)), 1, None),
})

# Gathers and scatters along dim (k=1 of (2, 3, 4)): index, src and source are fixed arrays that fit there.
_IDX = np.array([[[0, 2, 1, 0]], [[2, 2, 0, 1]]])    # (2, 1, 4), values < 3: repeats across rows
_SRC = np.linspace(-1, 1, 8).reshape(2, 1, 4)
_SOURCE = np.linspace(-2, 2, 16).reshape(2, 2, 4)    # for two indices along dim 1


class _FreeCall:
    """x.<name>(...) calls `function(x, ...)` (a free function) or x.<method>(...) (a method's name)."""

    def __init__(self, x, function):
        self._x, self._function = x, function

    def __getattr__(self, name):
        if isinstance(self._function, str):
            return getattr(self._x, self._function)
        return lambda *args, **kwargs: self._function(self._x, *args, **kwargs)


_GATHER_ROWS = {  # name -> (engine call with the dim keyword, torch call with k)
    "gather": (lambda x, **kw: x.gather(index=Tensor(_IDX), **kw), lambda x, k: x.gather(k, to_torch(_IDX))),
    "index_select": (lambda x, **kw: x.index_select(index=Tensor([2, 0]), **kw),
                     lambda x, k: x.index_select(k, torch.tensor([2, 0]))),
    "take_along_dim": (lambda x, **kw: x.take_along_dim(Tensor(_IDX), **kw),
                       lambda x, k: x.take_along_dim(to_torch(_IDX), k)),
    "scatter": (lambda x, **kw: x.scatter(index=Tensor(_IDX), src=Tensor(_SRC), **kw),
                lambda x, k: x.scatter(k, to_torch(_IDX), to_torch(_SRC))),
    "scatter_add": (lambda x, **kw: x.scatter_add(index=Tensor(_IDX), src=Tensor(_SRC), **kw),
                    lambda x, k: x.scatter_add(k, to_torch(_IDX), to_torch(_SRC))),
    "scatter_reduce": (lambda x, **kw: x.scatter_reduce(index=Tensor(_IDX), src=Tensor(_SRC), reduce="amax", **kw),
                       lambda x, k: x.scatter_reduce(k, to_torch(_IDX), to_torch(_SRC), "amax")),
    "index_add": (lambda x, **kw: x.index_add(index=Tensor([2, 2]), source=Tensor(_SOURCE), alpha=2, **kw),
                  lambda x, k: x.index_add(k, torch.tensor([2, 2]), to_torch(_SOURCE), alpha=2)),
    "index_copy": (lambda x, **kw: x.index_copy(index=Tensor([2, 0]), source=Tensor(_SOURCE), **kw),
                   lambda x, k: x.index_copy(k, torch.tensor([2, 0]), to_torch(_SOURCE))),
    "index_fill": (lambda x, **kw: x.index_fill(index=Tensor([1]), value=0.5, **kw),
                   lambda x, k: x.index_fill(k, torch.tensor([1]), 0.5)),
    "index_reduce": (lambda x, **kw: x.index_reduce(index=Tensor([2, 2]), source=Tensor(_SOURCE), reduce="mean", **kw),
                     lambda x, k: x.index_reduce(k, torch.tensor([2, 2]), to_torch(_SOURCE), "mean")),
    "select_scatter": (lambda x, **kw: x.select_scatter(Tensor(_SOURCE[:, 0]), index=-1, **kw),
                       lambda x, k: x.select_scatter(to_torch(_SOURCE[:, 0]), k, -1)),
    "slice_scatter": (lambda x, **kw: x.slice_scatter(Tensor(_SOURCE), start=1, **kw),
                      lambda x, k: x.slice_scatter(to_torch(_SOURCE), k, 1)),
}
for _name, (_ours, _theirs) in _GATHER_ROWS.items():
    ROWS[(f"Tensor.{_name}", "dim")] = Row([(2, 3, 4)], _ours, _theirs, 1, None)
    # tg.X(input, ...) is input.X(...): the same call through the free function
    ROWS[(f"tg.{_name}", "dim")] = Row(
        [(2, 3, 4)], lambda x, _o=_ours, _n=_name, **kw: _o(_FreeCall(x, getattr(tg, _n)), **kw),
        lambda x, k, _t=_theirs, _n=_name: _t(_FreeCall(x, getattr(torch, _n)), k), 1, None)
    if _name in ("scatter", "scatter_add", "scatter_reduce", "index_add", "index_copy", "index_fill",
                 "index_reduce"):  # the in-place form, on a non-leaf as torch needs
        ROWS[(f"Tensor.{_name}_", "dim")] = Row(
            [(2, 3, 4)], lambda x, _o=_ours, _n=_name, **kw: _o(_FreeCall(x * 1, _n + "_"), **kw),
            lambda x, k, _t=_theirs, _n=_name: _t(_FreeCall(x * 1, _n + "_"), k), 1, None)
for _where, _call in (("Tensor", lambda x, *a, **kw: x.diagonal_scatter(*a, **kw)), ("tg", tg.diagonal_scatter)):
    ROWS[(f"{_where}.diagonal_scatter", "dim1")] = Row(
        [(2, 3, 4)], lambda x, _c=_call, **kw: _c(x, Tensor(_SOURCE.reshape(2, 8)[:, :3]), dim2=2, **kw),
        lambda x, k: torch.diagonal_scatter(x, to_torch(_SOURCE.reshape(2, 8)[:, :3]), 0, k, 2), 1, 0)

# Further reductions and linear algebra: the methods, then the free functions from them.
for _name in ["std", "prod", "norm", "any", "all", "count_nonzero", "nansum", "nanmean"]:
    ROWS[(f"Tensor.{_name}", "dim")] = Row(
        [(2, 3, 4)], lambda x, _n=_name, **kw: getattr(x, _n)(**kw), lambda x, k, _n=_name: getattr(x, _n)(dim=k),
        1, None, _name not in ("any", "all", "count_nonzero"))
    ROWS[(f"tg.{_name}", "dim")] = Row(
        [(2, 3, 4)], lambda x, _n=_name, **kw: getattr(tg, _n)(x, **kw),
        lambda x, k, _n=_name: getattr(torch, _n)(x, dim=k), 1, None, _name not in ("any", "all", "count_nonzero"))
for _name in ["std_mean", "var_mean"]:
    ROWS[(f"tg.{_name}", "dim")] = Row(
        [(2, 3, 4)], lambda x, _n=_name, **kw: tg.stack(list(getattr(tg, _n)(x, **kw))),
        lambda x, k, _n=_name: torch.stack(list(getattr(torch, _n)(x, dim=k))), 1, None)
for _where, _lib in (("Tensor", None), ("tg", tg)):
    ROWS[(f"{_where}.aminmax", "dim")] = Row(
        [(2, 3, 4)], lambda x, _l=_lib, **kw: tg.stack(list(x.aminmax(**kw) if _l is None else tg.aminmax(x, **kw))),
        lambda x, k: torch.stack(list(torch.aminmax(x, dim=k))), 1, None)
    ROWS[(f"{_where}.cross", "dim")] = Row(
        [(2, 3, 4), (2, 3, 4)], lambda a, b, _l=_lib, **kw: a.cross(b, **kw) if _l is None else tg.cross(a, b, **kw),
        lambda a, b, k: torch.cross(a, b, dim=k), 1, None)

# Cumulative and sorting ops, methods and free functions: name -> (arguments before dim, pick, default, grad).
_SCAN_ROWS = {
    "cumsum": ((), None, None, True), "cumprod": ((), None, None, True), "logcumsumexp": ((), None, None, True),
    "cummax": ((), "values", None, True), "cummin": ((), "values", None, True), "diff": ((1,), None, -1, True),
    "sort": ((), "values", -1, True), "argsort": ((), None, -1, False), "topk": ((2,), "values", -1, True),
    "kthvalue": ((2,), "values", -1, True), "median": ((), "values", None, True),
    "nanmedian": ((), "values", None, True), "mode": ((), "values", -1, True),
    "unique": ((), None, None, False), "unique_consecutive": ((), None, None, False),
    "quantile": ((0.25,), None, None, True), "nanquantile": ((0.75,), None, None, True),
}
for _name in ("trapezoid", "trapz", "cumulative_trapezoid"):  # free functions only, as torch's
    ROWS[(f"tg.{_name}", "dim")] = Row([(2, 3, 4)], lambda x, _n=_name, **kw: getattr(tg, _n)(x, **kw),
                                       lambda x, k, _n=_name: getattr(torch, _n)(x, dim=k), 1, -1)
for _name, (_pre, _field, _default, _grad) in _SCAN_ROWS.items():
    _pick = (lambda out, _f=_field: getattr(out, _f)) if _field else (lambda out: out)
    ROWS[(f"Tensor.{_name}", "dim")] = Row(
        [(2, 3, 4)], lambda x, _n=_name, _a=_pre, _p=_pick, **kw: _p(getattr(x, _n)(*_a, **kw)),
        lambda x, k, _n=_name, _a=_pre, _p=_pick: _p(getattr(x, _n)(*_a, dim=k)), 1, _default, _grad)
    ROWS[(f"tg.{_name}", "dim")] = Row(
        [(2, 3, 4)], lambda x, _n=_name, _a=_pre, _p=_pick, **kw: _p(getattr(tg, _n)(x, *_a, **kw)),
        lambda x, k, _n=_name, _a=_pre, _p=_pick: _p(getattr(torch, _n)(x, *_a, dim=k)), 1, _default, _grad)
for _name in ("cumsum_", "cumprod_"):  # in place, on a non-leaf as torch needs
    ROWS[(f"Tensor.{_name}", "dim")] = Row([(2, 3, 4)], lambda x, _n=_name, **kw: getattr(x * 1, _n)(**kw),
                                           lambda x, k, _n=_name: getattr(x * 1, _n)(k), 1, None)

# The free functions tg.X(input, dim) read their axis as the methods do: one row each, from the method's.
# activations and distances along an axis: functions, and modules whose constructor takes the axis
ROWS.update({
    ("F.glu", "dim"): Row([(2, 4, 6)], lambda x, **kw: F.glu(x, **kw), lambda x, k: TF.glu(x, dim=k), 1, -1),
    ("F.softmin", "dim"): Row([(2, 3, 4)], lambda x, **kw: F.softmin(x, **kw), lambda x, k: TF.softmin(x, dim=k),
                              0, None),
    ("F.normalize", "dim"): Row([(2, 3, 4)], lambda x, **kw: F.normalize(x, **kw),
                                lambda x, k: TF.normalize(x, dim=k), 2, 1),
    ("F.cosine_similarity", "dim"): Row([(2, 3, 4), (2, 3, 4)], lambda a, b, **kw: F.cosine_similarity(a, b, **kw),
                                        lambda a, b, k: TF.cosine_similarity(a, b, dim=k), 2, 1),
    ("tg.cosine_similarity", "dim"): Row([(2, 3, 4), (2, 3, 4)], lambda a, b, **kw: tg.cosine_similarity(a, b, **kw),
                                         lambda a, b, k: torch.cosine_similarity(a, b, dim=k), 2, 1),
    # logits 1e4 apart: the Gumbel noise cannot change the argmax, so the hard sample is deterministic
    ("F.gumbel_softmax", "dim"): Row([(2, 3, 4)], lambda x, **kw: F.gumbel_softmax(x * 1e4, hard=True, **kw),
                                     lambda x, k: TF.gumbel_softmax(x * 1e4, hard=True, dim=k), 1, -1),
    ("nn.GLU", "dim"): Row([(2, 4, 6)], lambda x, **kw: nn.GLU(**kw)(x), lambda x, k: torch.nn.GLU(k)(x), 1, -1),
    ("nn.Softmax", "dim"): Row([(2, 3, 4)], lambda x, **kw: nn.Softmax(**kw)(x),
                               lambda x, k: torch.nn.Softmax(k)(x), 0, None),
    ("nn.LogSoftmax", "dim"): Row([(2, 3, 4)], lambda x, **kw: nn.LogSoftmax(**kw)(x),
                                  lambda x, k: torch.nn.LogSoftmax(k)(x), 0, None),
    ("nn.Softmin", "dim"): Row([(2, 3, 4)], lambda x, **kw: nn.Softmin(**kw)(x),
                               lambda x, k: torch.nn.Softmin(k)(x), 0, None),
    ("nn.CosineSimilarity", "dim"): Row([(2, 3, 4), (2, 3, 4)], lambda a, b, **kw: nn.CosineSimilarity(**kw)(a, b),
                                        lambda a, b, k: torch.nn.CosineSimilarity(k)(a, b), 2, 1),
    ("nn.Unflatten", "dim"): Row([(2, 4, 3)], lambda x, **kw: nn.Unflatten(unflattened_size=(2, 2), **kw)(x),
                                 lambda x, k: torch.nn.Unflatten(k, (2, 2))(x), 1, None),
})

_VALUES_ONLY = {"max", "min"}  # with a dim these give (values, indices): compare the values
for _name in ["sum", "mean", "max", "min", "amax", "amin", "var", "logsumexp", "argmax", "argmin", "softmax",
              "log_softmax", "squeeze", "unsqueeze"]:
    _method = ROWS[(f"Tensor.{_name}", "dim")]
    _pick = (lambda out: out.values) if _name in _VALUES_ONLY else (lambda out: out)
    ROWS[(f"tg.{_name}", "dim")] = Row(
        _method.shapes,
        lambda x, _n=_name, _p=_pick, **kw: _p(getattr(tg, _n)(x, **kw)),
        lambda x, k, _n=_name, _p=_pick: _p(getattr(torch, _n)(x, dim=k)),
        _method.k, _method.default, _method.grad)
for _param, _other in (("dim0", {"dim1": -1}), ("dim1", {"dim0": -2})):
    _method = ROWS[("Tensor.transpose", _param)]
    ROWS[("tg.transpose", _param)] = Row(
        _method.shapes,
        lambda x, _o=_other, **kw: tg.transpose(x, **{**{k: v for k, v in _o.items() if k not in kw
                                                       and k.replace("dim", "axis") not in kw}, **kw}),
        _method.theirs, _method.k, _method.default)

# The shape ops: swapaxes/swapdims as transpose, diagonal and diag_embed's dim1, repeat_interleave, tensor_split.
for _lib, _prefix in ((None, "Tensor"), (tg, "tg")):
    def _call(name, _lib=_lib):
        return (lambda x, *a, **kw: getattr(x, name)(*a, **kw)) if _lib is None else \
            (lambda x, *a, **kw: getattr(tg, name)(x, *a, **kw))
    for _name in ("swapaxes", "swapdims"):
        ROWS[(f"{_prefix}.{_name}", "dim0")] = Row([(2, 3, 4)], lambda x, _f=_call(_name), **kw: _f(x, dim1=-1, **kw),
                                                   lambda x, k, _n=_name: getattr(x, _n)(k, -1), 0, None)
        ROWS[(f"{_prefix}.{_name}", "dim1")] = Row([(2, 3, 4)], lambda x, _f=_call(_name), **kw: _f(x, dim0=-2, **kw),
                                                   lambda x, k, _n=_name: getattr(x, _n)(-2, k), 0, None)
    ROWS[(f"{_prefix}.diagonal", "dim1")] = Row([(2, 3, 4)], lambda x, _f=_call("diagonal"), **kw: _f(x, dim2=2, **kw),
                                                lambda x, k: x.diagonal(0, k, 2), 1, 0)
    ROWS[(f"{_prefix}.diag_embed", "dim1")] = Row([(2, 3)], lambda x, _f=_call("diag_embed"), **kw: _f(x, dim2=2, **kw),
                                                  lambda x, k: x.diag_embed(0, k, 2), 0, -2)
    ROWS[(f"{_prefix}.repeat_interleave", "dim")] = Row(
        [(2, 3, 4)], lambda x, _f=_call("repeat_interleave"), **kw: _f(x, 2, **kw),
        lambda x, k: x.repeat_interleave(2, dim=k), 1, None)
    ROWS[(f"{_prefix}.tensor_split", "dim")] = Row(
        [(2, 4, 6)], lambda x, _f=_call("tensor_split"), **kw: _stacked(_f(x, 2, **kw)),
        lambda x, k: _stacked(x.tensor_split(2, dim=k)), 1, 0)

# torch's free functions of the pieces and joins read their axis as the methods do.
for _name, _args in (("split", (1,)), ("chunk", (2,)), ("unbind", ())):
    _method = ROWS[(f"Tensor.{_name}", "dim")]
    ROWS[(f"tg.{_name}", "dim")] = Row(_method.shapes, lambda x, _n=_name, _a=_args, **kw: _stacked(getattr(tg, _n)(x, *_a, **kw)),
                                       _method.theirs, _method.k, _method.default)
ROWS[("tg.narrow", "dim")] = Row([(2, 3, 4)], lambda x, **kw: tg.narrow(x, start=1, length=2, **kw),
                                 lambda x, k: torch.narrow(x, k, 1, 2), 1, None)
ROWS[("tg.unflatten", "dim")] = Row([(2, 3, 4)], lambda x, **kw: tg.unflatten(x, sizes=(3, 1), **kw),
                                    lambda x, k: torch.unflatten(x, k, (3, 1)), 1, None)
for _where, _call in (("Tensor", lambda x, name, **kw: getattr(x, name)(**kw)),
                      ("tg", lambda x, name, **kw: getattr(tg, name)(x, **kw))):
    ROWS[(f"{_where}.select", "dim")] = Row([(2, 3, 4)], lambda x, _c=_call, **kw: _c(x, "select", index=1, **kw),
                                            lambda x, k: x.select(k, 1), 1, None)
    ROWS[(f"{_where}.narrow_copy", "dim")] = Row(
        [(2, 3, 4)], lambda x, _c=_call, **kw: _c(x, "narrow_copy", start=1, length=2, **kw),
        lambda x, k: x.narrow(k, 1, 2).clone(), 1, None)  # torch's narrow_copy says RuntimeError for a bad dim
# The in-place view methods run on a copy outside the graph (they refuse a tensor in it).
for _name in ("transpose_", "swapaxes_", "swapdims_"):
    ROWS[(f"Tensor.{_name}", "dim0")] = Row(
        [(2, 3, 4)], lambda x, _n=_name, **kw: getattr(x.detach().clone(), _n)(dim1=-1, **kw),
        lambda x, k, _n=_name: getattr(x.detach().clone(), _n)(k, -1), 0, None, grad=False)
    ROWS[(f"Tensor.{_name}", "dim1")] = Row(
        [(2, 3, 4)], lambda x, _n=_name, **kw: getattr(x.detach().clone(), _n)(dim0=-2, **kw),
        lambda x, k, _n=_name: getattr(x.detach().clone(), _n)(-2, k), 0, None, grad=False)
ROWS[("Tensor.squeeze_", "dim")] = Row([(2, 1, 1)], lambda x, **kw: x.detach().clone().squeeze_(**kw),
                                       lambda x, k: x.detach().clone().squeeze_(k), 1, None, grad=False)
ROWS[("Tensor.unsqueeze_", "dim")] = Row([(2, 3)], lambda x, **kw: x.detach().clone().unsqueeze_(**kw),
                                         lambda x, k: x.detach().clone().unsqueeze_(k), 1, None, grad=False)
for _name in ("concat", "concatenate"):
    ROWS[(f"tg.{_name}", "dim")] = Row([(2, 3), (2, 3)], lambda a, b, _n=_name, **kw: getattr(tg, _n)([a, b], **kw),
                                       lambda a, b, k: torch.cat([a, b], dim=k), 1, 0)

CASES = sorted((name, param) for name, (_, params) in DISCOVERED.items() for param in params if param in ALIASES)


def test_discovery_finds_the_known_axis_taking_api():
    # Guards the discovery itself: if it found nothing, every table test below would be vacuous.
    for name in ["Tensor.sum", "Tensor.softmax", "Tensor.cat", "Tensor.stack", "Tensor.transpose", "F.softmax"]:
        assert name in DISCOVERED, f"{name} was not discovered"


@pytest.mark.parametrize("name", sorted(DISCOVERED))
def test_every_axis_parameter_has_both_spellings(name):
    short, params = DISCOVERED[name]
    for dim, axis in ALIASES.items():
        if dim in params or axis in params:
            assert {dim, axis} <= params, f"{name} takes {sorted(params)}: it needs both {dim}= and {axis}="


@pytest.mark.parametrize("name, param", CASES, ids=[f"{n}-{p}" for n, p in CASES])
def test_every_axis_taking_function_has_a_row(name, param):
    assert (name, param) in ROWS, f"{name}({param}=...) is public API: add a row to ROWS in this file"


def _row(name, param):
    if (name, param) not in ROWS:
        pytest.fail(f"no row for {name}({param}=...)")
    return ROWS[(name, param)]


def _inputs(row):
    return [rand(shape, seed=i) for i, shape in enumerate(row.shapes)]


@pytest.mark.parametrize("spelling", ["dim", "axis"])
@pytest.mark.parametrize("name, param", CASES, ids=[f"{n}-{p}" for n, p in CASES])
def test_dim_and_axis_give_torchs_result(name, param, spelling):
    row = _row(name, param)
    assert row.k != row.default, "k must differ from the default, or a dropped argument would pass"
    keyword = param if spelling == "dim" else ALIASES[param]
    check_op(lambda *ts: row.ours(*ts, **{keyword: row.k}), lambda *ts: row.theirs(*ts, row.k),
             *_inputs(row), grad=row.grad)


@pytest.mark.parametrize("name, param", CASES, ids=[f"{n}-{p}" for n, p in CASES])
def test_dim_and_axis_together_raise_type_error_naming_the_function(name, param):
    row = _row(name, param)
    short = DISCOVERED[name][0]
    tensors = [Tensor(a) for a in _inputs(row)]
    for dim_value, axis_value in [(row.k, row.k), (row.default, row.k), (row.k, row.default)]:
        with pytest.raises(TypeError, match=rf"\b{re.escape(short)}\b.*\b{param}\b"):
            row.ours(*tensors, **{param: dim_value, ALIASES[param]: axis_value})


@pytest.mark.parametrize("bad", [5, -6])
@pytest.mark.parametrize("name, param", CASES, ids=[f"{n}-{p}" for n, p in CASES])
def test_dim_out_of_range_raises_index_error_as_torch(name, param, bad):
    row = _row(name, param)
    short = DISCOVERED[name][0]
    arrays = _inputs(row)
    with pytest.raises(IndexError):
        row.theirs(*[to_torch(a) for a in arrays], bad)
    with pytest.raises(IndexError, match=rf"(?s)(?=.*\b{re.escape(short)}\b)(?=.*{re.escape(str(row.shapes[0]))})"):
        row.ours(*[Tensor(a) for a in arrays], **{param: bad})


@pytest.mark.parametrize("dims", [(3, 0), (0, 2), (-3, 1), (1, -3)], ids=repr)
def test_permute_out_of_range_raises_index_error_as_torch(dims):
    with pytest.raises(IndexError):
        torch.ones(2, 3).permute(*dims)
    with pytest.raises(IndexError, match=r"(?s)(?=.*permute)(?=.*\(2, 3\))"):
        tg.ones(2, 3).permute(*dims)


POSITIONAL = {  # name -> call(x, library): the same positional call for tg and torch
    "sum": lambda x, lib: x.sum(1, True),
    "mean": lambda x, lib: x.mean(1, True),
    "logsumexp": lambda x, lib: x.logsumexp(1, True),
    "max values": lambda x, lib: x.max(1, True).values,
    "max indices": lambda x, lib: x.max(2, False)[1],
    "min values": lambda x, lib: x.min(0, False)[0],
    "min indices": lambda x, lib: x.min(1, True).indices,
    "amax": lambda x, lib: x.amax((0, 2), True),
    "amin": lambda x, lib: x.amin(1, True),
    "argmax": lambda x, lib: x.argmax(1, True),
    "argmin": lambda x, lib: x.argmin(2, True),
    "var unbiased=False": lambda x, lib: x.var(1, False),
    "var unbiased keepdim": lambda x, lib: x.var(1, True, True),
    "var": lambda x, lib: x.var(1),
    "softmax": lambda x, lib: x.softmax(0),
    "log_softmax": lambda x, lib: x.log_softmax(1),
    "transpose": lambda x, lib: x.transpose(0, 2),
    "unsqueeze": lambda x, lib: x.unsqueeze(1),
    "squeeze": lambda x, lib: x[:, :1].squeeze(1),
    "flatten start": lambda x, lib: x.flatten(1),
    "flatten start end": lambda x, lib: x.flatten(0, 1),
    "flatten negative": lambda x, lib: x.flatten(-2, -1),
    "cat": lambda x, lib: lib.cat([x, x], 2),
    "stack": lambda x, lib: lib.stack([x, x], 2),
}


@pytest.mark.parametrize("name", sorted(POSITIONAL))
def test_positional_arguments_mean_what_torchs_do(name):
    call = POSITIONAL[name]
    check_op(lambda t: call(t, tg), lambda t: call(t, torch), rand((2, 3, 4)))


@pytest.mark.parametrize("dtype", [np.float32, np.int64, np.bool_])
@pytest.mark.parametrize("reduction", ["sum", "mean"])
def test_sum_and_mean_take_torchs_dtype_keyword(reduction, dtype):
    x = (rand((2, 3, 4)) * 10).astype(dtype)
    check_op(lambda t: getattr(t, reduction)(1, dtype=tg.float64),
             lambda t: getattr(t, reduction)(1, dtype=torch.float64), x)


@pytest.mark.parametrize("fn, twin", [(F.softmax, TF.softmax), (F.log_softmax, TF.log_softmax)],
                         ids=["softmax", "log_softmax"])
@pytest.mark.parametrize("shape", [(), (5,), (2, 3), (2, 3, 4), (2, 3, 4, 2)], ids=repr)
def test_functional_softmax_without_dim_follows_torchs_implicit_choice(fn, twin, shape):
    x = rand(shape)
    for kwargs in ({}, {"dim": None}, {"axis": None}):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            check_op(lambda t: fn(t, **kwargs), lambda t: twin(t), x)
        ours = [w for w in caught if "pass dim" in str(w.message)]
        assert len(ours) == 1 and issubclass(ours[0].category, UserWarning), [str(w.message) for w in caught]
        assert ours[0].filename == __file__, "the warning should point at the caller's line"


@pytest.mark.parametrize("method", ["softmax", "log_softmax"])
def test_tensor_softmax_defaults_to_the_last_axis(method):
    # torch requires the argument of Tensor.softmax; the engine's default is the last axis.
    x = rand((2, 3, 4))
    check_op(lambda t: getattr(t, method)(), lambda t: getattr(t, method)(dim=-1), x)


@pytest.mark.parametrize("reduction", ["sum", "mean", "amax", "amin", "var"])
def test_an_empty_dim_tuple_reduces_every_axis_as_torch(reduction):
    # torch's var backward over dim=() gives inf (its own bug), so var's gradient is not compared
    check_op(lambda t: getattr(t, reduction)(dim=()), lambda t: getattr(t, reduction)(dim=()), rand((2, 3)),
             grad=reduction != "var")
