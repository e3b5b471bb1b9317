"""Gather, scatter and index ops against torch: gather, index_select, take, take_along_dim, masked_select,
nonzero, nonzero_static, argwhere, tg.where(condition), scatter (src, value, reduce), scatter_add,
scatter_reduce, index_add, index_copy, index_fill, index_reduce, index_put, put, masked_scatter,
select_scatter, slice_scatter, diagonal_scatter, their in-place forms and free functions; x[index]
with sequences in the index.

Values, shapes, dtypes and gradients go through `check_op` (a table of cases, then hypothesis shapes with
size-0 and size-1 axes); float64 finite differences check each backward; bad indices, dtypes and shapes
raise what torch raises (our exception type, the op's name in the message).
"""
import numpy as np
import pytest
from hypothesis import given, strategies as st

from helpers import check_op, to_torch, torch
from strategies import maybe_transposed, shapes

import tinygrad_lite as tg
from tinygrad_lite import Tensor
from tinygrad_lite.ops import gather as ga

RNG = np.random.default_rng(0)
A = RNG.standard_normal((3, 4))
B = RNG.standard_normal((2, 3, 4))
I = np.array([[0, 2], [1, 0], [2, 2]])            # along dim 0 of A; shorter than A along dim 1
J = np.array([[3, 0, 1], [1, 1, 2]])              # along dim 1 of A; 2 rows of A's 3
PERM = np.array([[1, 0, 3, 2], [0, 1, 2, 3], [3, 2, 1, 0]])  # each row a permutation: no repeats
MASK = A > 0
SRC = RNG.standard_normal((3, 5))
GRID = np.array([[1.0, 2.0, 2.0, 0.0], [0.0, -1.0, 3.0, 3.0], [2.0, 2.0, 0.5, 0.0]])  # ties and zeros
GSRC = np.array([[2.0, 0.0, 2.0, 3.0, 1.0], [3.0, 3.0, -1.0, 0.0, 0.0], [0.5, 2.0, 2.0, 2.0, 2.0]])
REPEAT = np.array([[0, 0, 2, 3], [1, 1, 1, 0], [3, 3, 3, 3]])  # repeated targets per row (dim 1)

# (name, engine fn, torch fn, arrays): one parity case each; gradients wherever torch has them.
CASES = [
    ("gather dim 0", lambda x, i: x.gather(0, i), lambda x, i: x.gather(0, i), [A, I]),
    ("gather dim 1", lambda x, i: x.gather(1, i), lambda x, i: x.gather(1, i), [A, J]),
    ("gather dim -1 repeats", lambda x, i: x.gather(-1, i), lambda x, i: x.gather(-1, i), [A, REPEAT]),
    ("gather 3-d", lambda x, i: x.gather(2, i), lambda x, i: x.gather(2, i), [B, np.zeros((2, 1, 3), np.int64)]),
    ("gather 0-d", lambda x, i: x.gather(0, i), lambda x, i: x.gather(0, i), [np.array(2.0), np.array(0)]),
    ("gather 0-d by 1-d", lambda x, i: x.gather(0, i), lambda x, i: x.gather(0, i),
     [np.array(2.0), np.zeros(3, np.int64)]),
    ("gather 1-d by 0-d", lambda x, i: x.gather(0, i), lambda x, i: x.gather(0, i), [A[0], np.array(3)]),
    ("gather empty index", lambda x, i: x.gather(1, i), lambda x, i: x.gather(1, i), [A, np.zeros((5, 0), np.int64)]),
    ("gather int32 index", lambda x, i: x.gather(1, i), lambda x, i: x.gather(1, i), [A, J.astype(np.int32)]),
    ("gather int", lambda x, i: x.gather(1, i), lambda x, i: x.gather(1, i), [np.arange(12).reshape(3, 4), J]),
    ("gather float32", lambda x, i: x.gather(1, i), lambda x, i: x.gather(1, i), [A.astype(np.float32), J]),
    ("gather float16", lambda x, i: x.gather(1, i), lambda x, i: x.gather(1, i), [A.astype(np.float16), J]),
    ("gather transposed", lambda x, i: x.t().gather(0, i), lambda x, i: x.t().gather(0, i), [A, J.T.copy()]),
    ("index_select", lambda x, i: x.index_select(1, i), lambda x, i: x.index_select(1, i), [A, np.array([3, 0, 3])]),
    ("index_select dim 0", lambda x, i: x.index_select(0, i), lambda x, i: x.index_select(0, i), [B, np.array([1])]),
    ("index_select 0-d index", lambda x, i: x.index_select(-1, i), lambda x, i: x.index_select(-1, i),
     [A, np.array(2)]),
    ("index_select empty", lambda x, i: x.index_select(0, i), lambda x, i: x.index_select(0, i),
     [A, np.zeros(0, np.int64)]),
    ("index_select 0-d self", lambda x, i: x.index_select(0, i), lambda x, i: x.index_select(0, i),
     [np.array(1.5), np.array([0])]),
    ("index_select bool", lambda x, i: x.index_select(1, i), lambda x, i: x.index_select(1, i), [MASK, np.array([1, 1])]),
    ("take", lambda x, i: x.take(i), lambda x, i: x.take(i), [A, np.array([[0, 11], [-1, -12], [5, 5]])]),
    ("take 0-d", lambda x, i: x.take(i), lambda x, i: x.take(i), [B, np.array(7)]),
    ("take of 0-d", lambda x, i: x.take(i), lambda x, i: x.take(i), [np.array(3.0), np.array([0, -1])]),
    ("take empty", lambda x, i: x.take(i), lambda x, i: x.take(i), [np.zeros((0, 3)), np.zeros((2, 0), np.int64)]),
    ("take_along_dim flat", lambda x, i: x.take_along_dim(i), lambda x, i: x.take_along_dim(i),
     [A, np.array([[0, 11, 4]])]),
    ("take_along_dim", lambda x, i: x.take_along_dim(i, 1), lambda x, i: x.take_along_dim(i, 1), [A, J[:1]]),
    ("take_along_dim broadcast", lambda x, i: x.take_along_dim(i, dim=0), lambda x, i: x.take_along_dim(i, dim=0),
     [A[:, :1], np.array([[0, 2, 1, -1]])]),
    ("take_along_dim argmax", lambda x: x.take_along_dim(x.argmax(1, keepdim=True), 1),
     lambda x: x.take_along_dim(x.argmax(1, keepdim=True), 1), [A]),
    ("take_along_dim argsort-like", lambda x, i: x.take_along_dim(i, -1), lambda x, i: x.take_along_dim(i, -1),
     [B, np.array([[[3, 2, 1, 0]]])]),
    ("masked_select", lambda x, m: x.masked_select(m), lambda x, m: x.masked_select(m), [A, MASK]),
    ("masked_select broadcast mask", lambda x, m: x.masked_select(m), lambda x, m: x.masked_select(m),
     [B, MASK[0]]),
    ("masked_select broadcast self", lambda x, m: x.masked_select(m), lambda x, m: x.masked_select(m),
     [A[0], MASK]),
    ("masked_select 0-d", lambda x, m: x.masked_select(m), lambda x, m: x.masked_select(m),
     [np.array(2.0), np.array(True)]),
    ("masked_select none", lambda x, m: x.masked_select(m), lambda x, m: x.masked_select(m), [A, A > 9]),
    ("masked_select int", lambda x, m: x.masked_select(m), lambda x, m: x.masked_select(m),
     [np.arange(12).reshape(3, 4), MASK]),
    ("nonzero", lambda x: x.nonzero(), lambda x: x.nonzero(), [GRID]),
    ("nonzero 3-d bool", lambda x: x.nonzero(), lambda x: x.nonzero(), [B > 0]),
    ("nonzero 0-d", lambda x: x.nonzero(), lambda x: x.nonzero(), [np.array(2.0)]),
    ("nonzero 0-d zero", lambda x: x.nonzero(), lambda x: x.nonzero(), [np.array(0)]),
    ("nonzero empty", lambda x: x.nonzero(), lambda x: x.nonzero(), [np.zeros((0, 3))]),
    ("nonzero nan counts", lambda x: x.nonzero(), lambda x: x.nonzero(), [np.array([np.nan, 0.0, -0.0, 1.0])]),
    ("nonzero as_tuple", lambda x: tg.stack(list(x.nonzero(as_tuple=True))),
     lambda x: torch.stack(list(x.nonzero(as_tuple=True))), [GRID]),
    ("nonzero as_tuple 0-d", lambda x: x.nonzero(as_tuple=True)[0], lambda x: x.nonzero(as_tuple=True)[0],
     [np.array(5)]),
    ("argwhere", lambda x: x.argwhere(), lambda x: x.argwhere(), [GRID]),
    ("nonzero_static padded", lambda x: x.nonzero_static(size=12), lambda x: x.nonzero_static(size=12), [GRID]),
    ("nonzero_static cut", lambda x: x.nonzero_static(size=2, fill_value=7),
     lambda x: x.nonzero_static(size=2, fill_value=7), [GRID]),
    ("nonzero_static 0-d", lambda x: x.nonzero_static(size=2), lambda x: x.nonzero_static(size=2), [np.array(5.0)]),
    ("tg.nonzero_static empty", lambda x: tg.nonzero_static(x, size=0), lambda x: torch.nonzero_static(x, size=0),
     [B > 0]),
    ("tg.argwhere", lambda x: tg.argwhere(x), lambda x: torch.argwhere(x), [B > 0]),
    ("tg.nonzero", lambda x: tg.nonzero(x), lambda x: torch.nonzero(x), [GRID]),
    ("tg.where(condition)", lambda x: tg.stack(list(tg.where(x > 0))), lambda x: torch.stack(list(torch.where(x > 0))),
     [B]),
    ("tg.where(condition) float", lambda x: tg.where(x)[1], lambda x: torch.where(x)[1], [GRID]),
    ("tg.where three arguments", lambda x: tg.where(x > 0, x, 0.5), lambda x: torch.where(x > 0, x, 0.5), [A]),
    ("scatter", lambda x, i, s: x.scatter(1, i, s), lambda x, i, s: x.scatter(1, i, s), [A, PERM[:, :2], SRC]),
    ("scatter dim 0", lambda x, i, s: x.scatter(0, i, s), lambda x, i, s: x.scatter(0, i, s),
     [A, np.array([[2, 0, 1, 0]]), SRC]),
    ("scatter index past self along dim", lambda x, i, s: x.scatter(0, i, s), lambda x, i, s: x.scatter(0, i, s),
     [A[:2], np.array([[1, 0], [0, 1], [1, 1]])[:2], SRC]),
    ("scatter value", lambda x, i: x.scatter(1, i, 2.5), lambda x, i: x.scatter(1, i, 2.5), [A, REPEAT]),
    ("scatter value=", lambda x, i: x.scatter(1, i, value=-1), lambda x, i: x.scatter(1, i, value=-1), [A, REPEAT]),
    ("scatter value into int", lambda x, i: x.scatter(0, i, 2.7), lambda x, i: x.scatter(0, i, 2.7),
     [np.arange(4), np.array([0, 3])]),
    ("scatter reduce add", lambda x, i, s: x.scatter(1, i, s, reduce="add"),
     lambda x, i, s: x.scatter(1, i, s, reduce="add"), [A, REPEAT, SRC]),
    ("scatter 0-d", lambda x, i, s: x.scatter(0, i, s), lambda x, i, s: x.scatter(0, i, s),
     [np.array(1.0), np.array(0), np.array(4.0)]),
    ("scatter empty index", lambda x, i, s: x.scatter(1, i, s), lambda x, i, s: x.scatter(1, i, s),
     [A, np.zeros((3, 0), np.int64), SRC]),
    ("scatter bool", lambda x, i, s: x.scatter(1, i, s), lambda x, i, s: x.scatter(1, i, s),
     [MASK, PERM, ~MASK]),
    ("scatter_add", lambda x, i, s: x.scatter_add(1, i, s), lambda x, i, s: x.scatter_add(1, i, s),
     [A, REPEAT, SRC]),
    ("scatter_add dim 0", lambda x, i, s: x.scatter_add(0, i, s), lambda x, i, s: x.scatter_add(0, i, s),
     [A, np.array([[2, 2, 0, 1], [2, 0, 0, 1]]), SRC]),
    ("scatter_add int", lambda x, i, s: x.scatter_add(1, i, s), lambda x, i, s: x.scatter_add(1, i, s),
     [np.arange(12).reshape(3, 4), REPEAT, np.arange(15).reshape(3, 5)]),
    ("scatter_add float32", lambda x, i, s: x.scatter_add(1, i, s), lambda x, i, s: x.scatter_add(1, i, s),
     [A.astype(np.float32), REPEAT, SRC.astype(np.float32)]),
    ("scatter_add 3-d", lambda x, i, s: x.scatter_add(1, i, s), lambda x, i, s: x.scatter_add(1, i, s),
     [B, np.array([[[2, 2, 0, 1]], [[0, 0, 0, 0]]]), B]),
    ("index_add", lambda x, i, s: x.index_add(1, i, s), lambda x, i, s: x.index_add(1, i, s),
     [A, np.array([3, 0, 3]), SRC[:, :3]]),
    ("index_add alpha", lambda x, i, s: x.index_add(0, i, s, alpha=-2.5),
     lambda x, i, s: x.index_add(0, i, s, alpha=-2.5), [A, np.array([2, 2]), SRC[:2, :4]]),
    ("index_add int", lambda x, i, s: x.index_add(0, i, s, alpha=3), lambda x, i, s: x.index_add(0, i, s, alpha=3),
     [np.arange(12).reshape(3, 4), np.array([1, 1]), np.ones((2, 4), np.int64)]),
    ("index_add 0-d", lambda x, i, s: x.index_add(0, i, s), lambda x, i, s: x.index_add(0, i, s),
     [np.array(1.0), np.array([0]), np.array(3.0)]),
    ("index_copy", lambda x, i, s: x.index_copy(1, i, s), lambda x, i, s: x.index_copy(1, i, s),
     [A, np.array([3, 0]), SRC[:, :2]]),
    ("index_copy 3-d", lambda x, i, s: x.index_copy(0, i, s), lambda x, i, s: x.index_copy(0, i, s),
     [B, np.array([1]), B[:1] * 3]),
    ("index_fill", lambda x, i: x.index_fill(1, i, -1.5), lambda x, i: x.index_fill(1, i, -1.5),
     [A, np.array([3, -4])]),
    ("index_fill tensor value", lambda x, i, v: x.index_fill(0, i, v), lambda x, i, v: x.index_fill(0, i, v),
     [A, np.array([2, 0, 2]), np.array(0.25)]),
    ("index_fill int", lambda x, i: x.index_fill(0, i, 7), lambda x, i: x.index_fill(0, i, 7),
     [np.arange(12).reshape(3, 4), np.array([1])]),
    ("masked_scatter", lambda x, m, s: x.masked_scatter(m, s), lambda x, m, s: x.masked_scatter(m, s),
     [A, MASK, SRC]),
    ("masked_scatter broadcast mask", lambda x, m, s: x.masked_scatter(m, s), lambda x, m, s: x.masked_scatter(m, s),
     [B, MASK, RNG.standard_normal((5, 5))]),
    ("masked_scatter broadcast self", lambda x, m, s: x.masked_scatter(m, s), lambda x, m, s: x.masked_scatter(m, s),
     [A[:1], MASK, SRC]),
    ("masked_scatter int", lambda x, m, s: x.masked_scatter(m, s), lambda x, m, s: x.masked_scatter(m, s),
     [np.arange(12).reshape(3, 4), MASK, np.arange(20, 40)]),
    ("tg.gather", lambda x, i: tg.gather(x, 1, i), lambda x, i: torch.gather(x, 1, i), [A, J]),
    ("tg.index_select", lambda x, i: tg.index_select(x, 0, i), lambda x, i: torch.index_select(x, 0, i),
     [A, np.array([2, 2])]),
    ("tg.take", lambda x, i: tg.take(x, i), lambda x, i: torch.take(x, i), [A, J]),
    ("tg.take_along_dim", lambda x, i: tg.take_along_dim(x, i, dim=1), lambda x, i: torch.take_along_dim(x, i, dim=1),
     [A, J[:1]]),
    ("tg.masked_select", lambda x, m: tg.masked_select(x, m), lambda x, m: torch.masked_select(x, m), [A, MASK]),
    ("tg.scatter", lambda x, i, s: tg.scatter(x, 1, i, s), lambda x, i, s: torch.scatter(x, 1, i, s),
     [A, PERM[:, :1], SRC]),
    ("tg.scatter_add", lambda x, i, s: tg.scatter_add(x, 1, i, s), lambda x, i, s: torch.scatter_add(x, 1, i, s),
     [A, REPEAT, SRC]),
    ("tg.scatter_reduce", lambda x, i, s: tg.scatter_reduce(x, 1, i, s, "mean"),
     lambda x, i, s: torch.scatter_reduce(x, 1, i, s, "mean"), [A, REPEAT, SRC]),
    ("tg.index_add", lambda x, i, s: tg.index_add(x, 0, i, s, alpha=2),
     lambda x, i, s: torch.index_add(x, 0, i, s, alpha=2),
     [A, np.array([0, 0]), SRC[:2, :4]]),
    ("tg.index_copy", lambda x, i, s: tg.index_copy(x, 0, i, s), lambda x, i, s: torch.index_copy(x, 0, i, s),
     [A, np.array([2]), SRC[:1, :4]]),
    ("tg.index_fill", lambda x, i: tg.index_fill(x, 1, i, 3.0), lambda x, i: torch.index_fill(x, 1, i, 3.0),
     [A, np.array([1])]),
    ("tg.masked_scatter", lambda x, m, s: tg.masked_scatter(x, m, s), lambda x, m, s: torch.masked_scatter(x, m, s),
     [A, MASK, SRC]),
]
CASES += [
    ("put", lambda x, i, s: x.put(i, s), lambda x, i, s: x.put(i, s), [A, np.array([[0, -1], [5, 7]]), SRC[:2, :2]]),
    ("put accumulate", lambda x, i, s: x.put(i, s, accumulate=True), lambda x, i, s: x.put(i, s, accumulate=True),
     [A, np.array([0, -12, 5, 5, 5]), SRC[0]]),
    ("put int", lambda x, i, s: x.put(i, s, True), lambda x, i, s: x.put(i, s, True),
     [np.arange(6), np.array([1, 1]), np.array([5, 7])]),
    ("put 0-d", lambda x, i, s: x.put(i, s), lambda x, i, s: x.put(i, s), [np.array(1.0), np.array([0]), np.array(4.0)]),
    ("put empty", lambda x, i, s: x.put(i, s), lambda x, i, s: x.put(i, s), [A, np.zeros(0, np.int64), SRC[0, :0]]),
    ("tg.put", lambda x, i, s: tg.put(x, i, s), lambda x, i, s: torch.put(x, i, s), [A, np.array([3, 2]), SRC[0, :2]]),
    ("select_scatter", lambda x, s: x.select_scatter(s, 1, -1), lambda x, s: x.select_scatter(s, 1, -1), [B, A[:2]]),
    ("select_scatter 1-d", lambda x, s: x.select_scatter(s, 0, 2), lambda x, s: x.select_scatter(s, 0, 2),
     [A[0], np.array(5.0)]),
    ("slice_scatter", lambda x, s: x.slice_scatter(s, 2, 1, None, 2), lambda x, s: x.slice_scatter(s, 2, 1, None, 2),
     [B, B[..., :2] * 3]),
    ("slice_scatter defaults", lambda x, s: x.slice_scatter(s), lambda x, s: x.slice_scatter(s), [A, SRC[:, :4]]),
    ("slice_scatter past the end", lambda x, s: x.slice_scatter(s, 0, -2, 10), lambda x, s: x.slice_scatter(s, 0, -2, 10),
     [A, SRC[:2, :4]]),
    ("slice_scatter empty", lambda x, s: x.slice_scatter(s, 1, 3, 1), lambda x, s: x.slice_scatter(s, 1, 3, 1),
     [A, SRC[:, :0]]),
    ("diagonal_scatter", lambda x, s: x.diagonal_scatter(s), lambda x, s: x.diagonal_scatter(s), [A, SRC[0, :3]]),
    ("diagonal_scatter offset dims", lambda x, s: x.diagonal_scatter(s, -1, 2, 1),
     lambda x, s: x.diagonal_scatter(s, -1, 2, 1), [B, SRC[:2, :3]]),
    ("diagonal_scatter offset past", lambda x, s: x.diagonal_scatter(s, 5), lambda x, s: x.diagonal_scatter(s, 5),
     [A, SRC[0, :0]]),
    ("tg.select_scatter", lambda x, s: tg.select_scatter(x, s, 0, 1), lambda x, s: torch.select_scatter(x, s, 0, 1),
     [A, SRC[0, :4]]),
    ("tg.slice_scatter", lambda x, s: tg.slice_scatter(x, s, dim=1, start=1, end=3),
     lambda x, s: torch.slice_scatter(x, s, dim=1, start=1, end=3), [A, SRC[:, :2]]),
    ("tg.diagonal_scatter", lambda x, s: tg.diagonal_scatter(x, s, 1), lambda x, s: torch.diagonal_scatter(x, s, 1),
     [A, SRC[0, :3]]),
    ("index_reduce int mean", lambda x, i, s: x.index_reduce(1, i, s, "mean"),
     lambda x, i, s: x.index_reduce(1, i, s, "mean"), [np.arange(6).reshape(2, 3), np.array([0, 0, 2]),
                                                       np.full((2, 3), 3)]),
    ("tg.index_reduce", lambda x, i, s: tg.index_reduce(x, 0, i, s, "amax", include_self=False),
     lambda x, i, s: torch.index_reduce(x, 0, i, s, "amax", include_self=False), [A, np.array([2, 0, 2]), SRC[:, :4]]),
]
_IDX0 = np.array([2, 0])
CASES += [
    ("index_put", lambda x, i, v: x.index_put((i,), v), lambda x, i, v: x.index_put((i,), v), [A, _IDX0, SRC[:2, :4]]),
    ("index_put two indices", lambda x, i, j, v: x.index_put((i, j), v), lambda x, i, j, v: x.index_put((i, j), v),
     [A, _IDX0, np.array([3, 1]), SRC[0, :2]]),
    ("index_put broadcast values", lambda x, i, v: x.index_put([i], v), lambda x, i, v: x.index_put([i], v),
     [B, np.array([[1], [0]]), SRC[0, :4]]),
    ("index_put 0-d values", lambda x, i, v: x.index_put((i,), v), lambda x, i, v: x.index_put((i,), v),
     [A, np.array([1, 1]), np.array(2.5)]),
    ("index_put accumulate repeats", lambda x, i, j, v: x.index_put((i, j), v, accumulate=True),
     lambda x, i, j, v: x.index_put((i, j), v, accumulate=True), [A, np.array([0, 0, 2, 0]), np.array([1, 1, 3, -3]),
                                                                  SRC[0, :4]]),
    ("index_put bool mask", lambda x, m, v: x.index_put((m,), v), lambda x, m, v: x.index_put((m,), v),
     [A, MASK, np.array(-1.0)]),
    ("index_put int", lambda x, i, v: x.index_put((i,), v, True), lambda x, i, v: x.index_put((i,), v, True),
     [np.arange(12).reshape(3, 4), np.array([1, 1]), np.arange(4)]),
    ("index_put empty index", lambda x, i, v: x.index_put((i,), v), lambda x, i, v: x.index_put((i,), v),
     [A, np.zeros(0, np.int64), SRC[0, :4]]),
    ("tg.index_put", lambda x, i, v: tg.index_put(x, (i,), v, accumulate=True),
     lambda x, i, v: torch.index_put(x, (i,), v, accumulate=True), [A, np.array([0, 0]), SRC[:2, :4]]),
]
for _reduce in ("prod", "mean", "amax", "amin"):
    for _self in (True, False):
        # ties between a left-out self and the result split the gradient otherwise than torch (see below):
        # with include_self=False the values have no such tie
        CASES.append((f"index_reduce {_reduce} include_self={_self}",
                      lambda x, i, s, r=_reduce, inc=_self: x.index_reduce(1, i, s, r, include_self=inc),
                      lambda x, i, s, r=_reduce, inc=_self: x.index_reduce(1, i, s, r, include_self=inc),
                      [GRID if _self else A, np.array([3, 0, 3, 3, 1]), GSRC if _self else SRC]))
for _reduce in ("sum", "prod", "mean", "amax", "amin"):
    for _self in (True, False):
        CASES += [
            (f"scatter_reduce {_reduce} include_self={_self}",
             lambda x, i, s, r=_reduce, inc=_self: x.scatter_reduce(1, i, s, r, include_self=inc),
             lambda x, i, s, r=_reduce, inc=_self: x.scatter_reduce(1, i, s, r, include_self=inc), [A, REPEAT, SRC]),
            (f"scatter_reduce {_reduce} include_self={_self}, ties and zeros",
             lambda x, i, s, r=_reduce, inc=_self: x.scatter_reduce(1, i, s, r, include_self=inc),
             lambda x, i, s, r=_reduce, inc=_self: x.scatter_reduce(1, i, s, r, include_self=inc), [GRID, REPEAT, GSRC]),
            (f"scatter_reduce {_reduce} include_self={_self}, int",
             lambda x, i, s, r=_reduce, inc=_self: x.scatter_reduce(0, i, s, r, include_self=inc),
             lambda x, i, s, r=_reduce, inc=_self: x.scatter_reduce(0, i, s, r, include_self=inc),
             [np.array([5, -7, 3, 0]), np.array([1, 1, 2, 1]), np.array([-2, 4, 9, 6])]),
        ]


@pytest.mark.parametrize("name, ours, theirs, arrays", CASES, ids=[c[0] for c in CASES])
@pytest.mark.filterwarnings("ignore:index_reduce")  # torch: "index_reduce() is in beta"
def test_matches_torch(name, ours, theirs, arrays):
    # torch differentiates a scatter only where src has index's shape (its backward fails otherwise):
    # a longer src is compared forward only
    longer = len(arrays) == 3 and arrays[2].ndim and arrays[1].shape != arrays[2].shape and name.count("scatter")
    check_op(ours, theirs, *arrays, grad=not longer)


MANY = np.random.default_rng(1).integers(0, 4, (3, 3000))  # each target picked about 750 times
HALF = np.random.default_rng(2).standard_normal((3, 3000)).astype(np.float16)


@pytest.mark.parametrize("reduce", ["sum", "mean", "amax"])
def test_float16_sums_accumulate_in_float32_as_torch(reduce):
    # each target sums ~750 float16 values: adding them one by one in float16 would drift far from torch's
    check_op(lambda x, i, s: x.scatter_reduce(1, i, s, reduce), lambda x, i, s: x.scatter_reduce(1, i, s, reduce),
             np.ones((3, 4), np.float16), MANY, HALF, reduce_size=750)
    check_op(lambda x, i: x.gather(1, i), lambda x, i: x.gather(1, i), HALF[:, :4].copy(), MANY, reduce_size=750)


@pytest.mark.parametrize("reduce", ["amax", "amin"])
@pytest.mark.parametrize("op", ["scatter_reduce", "index_reduce"])
def test_a_left_out_self_takes_no_share_of_the_gradient(op, reduce):
    # out[0] = max (min) of src[0] = 2 and src[1] = 1 (-2 and 3 for amin); self[0] = out[0] is left out, so
    # d out[0] / d src[0] = 1. torch counts the left-out self among the ties and gives src[0] only 1/2
    # (the other half is lost): a documented difference.
    sign = 1.0 if reduce == "amax" else -1.0
    x = Tensor(np.array([2.0, 5.0]) * sign, requires_grad=True)
    src = Tensor(np.array([2.0, 1.0]) * sign, requires_grad=True)
    out = getattr(x, op)(0, Tensor([0, 0]), src, reduce, include_self=False)
    np.testing.assert_array_equal(out.numpy(), np.array([2.0, 5.0]) * sign)
    out.backward(Tensor(np.ones(2)))
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 1.0])
    np.testing.assert_array_equal(src.grad.numpy(), [1.0, 0.0])


@pytest.mark.filterwarnings("ignore:The reduce argument")
@pytest.mark.parametrize("reduce", ["add", "multiply"])
@pytest.mark.parametrize("src", [GSRC, 2.5], ids=["src", "value"])
def test_scatter_with_reduce_matches_torch_forward_and_finite_differences(reduce, src):
    # torch has no backward for scatter(..., reduce=) with a value, nor with "multiply": values are compared
    # with torch, gradients with finite differences
    ours = Tensor(GRID).scatter(1, Tensor(REPEAT), Tensor(src) if isinstance(src, np.ndarray) else src, reduce=reduce)
    theirs = to_torch(GRID).scatter(1, to_torch(REPEAT), to_torch(src) if isinstance(src, np.ndarray) else src,
                                    reduce=reduce)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    arrays = [A] + ([SRC[:, :4]] if isinstance(src, np.ndarray) else [])
    assert tg.gradcheck(lambda x, *s: x.scatter(1, Tensor(REPEAT), s[0] if s else src, reduce=reduce),
                        *[Tensor(a, requires_grad=True) for a in arrays])


# ---- hypothesis: shapes with size-0 and size-1 axes ----------------------------------------

@st.composite
def along(draw, min_dims=1):
    """(x, dim, index) for gather: index no longer than x off dim, any length along it, values in range."""
    shape = draw(shapes(min_dims=min_dims, max_dims=3, min_side=0, max_side=4))
    dim = draw(st.integers(0, len(shape) - 1))
    if shape[dim] == 0:
        index_shape = tuple(0 if d == dim else draw(st.integers(0, n)) for d, n in enumerate(shape))
    else:
        index_shape = tuple(draw(st.integers(0, 4)) if d == dim else draw(st.integers(0, n))
                            for d, n in enumerate(shape))
    index = draw(st.lists(st.integers(0, max(shape[dim] - 1, 0)), min_size=int(np.prod(index_shape)),
                          max_size=int(np.prod(index_shape))))
    x = RNG.standard_normal(shape)
    return x, dim, np.array(index, np.int64).reshape(index_shape)


@given(along(), st.data())
def test_gather_matches_torch_on_any_shape(case, data):
    x, dim, index = case
    x, index = data.draw(maybe_transposed(x)), data.draw(maybe_transposed(index))  # any memory layout
    check_op(lambda a, i: a.gather(dim, i), lambda a, i: a.gather(dim, i), x, index)


@given(along(), st.sampled_from(["scatter", "scatter_add", "sum", "prod", "mean", "amax", "amin"]), st.booleans(),
       st.data())
def test_scatters_match_torch_on_any_shape(case, kind, include_self, data):
    x, dim, index = case
    if index.size and index.shape[dim] > x.shape[dim] and kind == "scatter":
        index = index[tuple(slice(0, x.shape[dim]) if d == dim else slice(None) for d in range(x.ndim))]
    if kind == "scatter":  # repeated targets are written in an unspecified order: use distinct ones
        index = np.argsort(RNG.random(index.shape), axis=dim) % max(x.shape[dim], 1) if index.size else index
        if index.size and np.any(np.sort(index, axis=dim)[tuple(slice(1, None) if d == dim else slice(None)
                                                                 for d in range(x.ndim))] ==
                                 np.sort(index, axis=dim)[tuple(slice(0, -1) if d == dim else slice(None)
                                                                for d in range(x.ndim))]):
            return
    src = RNG.standard_normal(tuple(n + 1 for n in index.shape))  # src may be longer than index
    extra = data.draw(st.sampled_from(["forward only", "with gradients"]))
    if extra == "with gradients":  # torch differentiates only a src of index's shape
        src = src[tuple(slice(0, n) for n in index.shape)]
    if kind == "scatter":
        call = lambda a, i, s: a.scatter(dim, i, s)  # noqa: E731
    elif kind == "scatter_add":
        call = lambda a, i, s: a.scatter_add(dim, i, s)  # noqa: E731
    else:
        call = lambda a, i, s: a.scatter_reduce(dim, i, s, kind, include_self=include_self)  # noqa: E731
    x, src = data.draw(maybe_transposed(x)), data.draw(maybe_transposed(src))  # any memory layout
    check_op(call, call, x, index, src, grad=extra == "with gradients")


@given(shapes(min_dims=1, max_dims=3, min_side=0, max_side=4), st.data())
def test_index_select_add_copy_fill_match_torch_on_any_shape(shape, data):
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    n = shape[dim]
    index = np.array(data.draw(st.lists(st.integers(0, n - 1), max_size=4)) if n else [], np.int64)
    x = RNG.standard_normal(shape)
    source_shape = list(shape)
    source_shape[dim] = index.size
    source = RNG.standard_normal(source_shape)
    check_op(lambda a, i: a.index_select(dim, i), lambda a, i: a.index_select(dim, i), x, index)
    check_op(lambda a, i, s: a.index_add(dim, i, s, alpha=0.5), lambda a, i, s: a.index_add(dim, i, s, alpha=0.5),
             x, index, source)
    check_op(lambda a, i: a.index_fill(dim, i, 2.0), lambda a, i: a.index_fill(dim, i, 2.0), x, index)
    unique = np.unique(index)
    source_shape[dim] = unique.size
    check_op(lambda a, i, s: a.index_copy(dim, i, s), lambda a, i, s: a.index_copy(dim, i, s),
             x, unique, RNG.standard_normal(source_shape))


@given(shapes(min_dims=0, max_dims=3, min_side=0, max_side=4), st.data())
def test_masks_and_takes_match_torch_on_any_shape(shape, data):
    x = RNG.standard_normal(shape)
    mask = np.asarray(RNG.random(shape) > 0.5)
    check_op(lambda a, m: a.masked_select(m), lambda a, m: a.masked_select(m), x, mask)
    check_op(lambda a: a.nonzero(), lambda a: a.nonzero(), mask)
    source = RNG.standard_normal(int(mask.sum()) + data.draw(st.integers(0, 2)))
    check_op(lambda a, m, s: a.masked_scatter(m, s), lambda a, m, s: a.masked_scatter(m, s), x, mask, source)
    n = x.size
    index = np.array(data.draw(st.lists(st.integers(-n, n - 1), max_size=5)) if n else [], np.int64)
    check_op(lambda a, i: a.take(i), lambda a, i: a.take(i), x, index)
    check_op(lambda a, i: a.take_along_dim(i), lambda a, i: a.take_along_dim(i), x, index % max(n, 1))


# ---- float64 finite differences ------------------------------------------------------------

GRADCHECK = [
    ("gather", lambda x: x.gather(1, Tensor(REPEAT)), [A]),
    ("index_select", lambda x: x.index_select(0, Tensor([2, 0, 2])), [A]),
    ("take", lambda x: x.take(Tensor([[0, -1], [0, 5]])), [A]),
    ("take_along_dim", lambda x: x.take_along_dim(Tensor([[1], [0], [3]]), 1), [A]),
    ("masked_select", lambda x: x.masked_select(Tensor(MASK)), [A]),
    ("scatter", lambda x, s: x.scatter(1, Tensor(PERM[:, :2]), s), [A, SRC]),
    ("scatter_add", lambda x, s: x.scatter_add(1, Tensor(REPEAT), s), [A, SRC]),
    ("index_add", lambda x, s: x.index_add(1, Tensor([1, 1, 3]), s, alpha=1.5), [A, SRC[:, :3]]),
    ("index_copy", lambda x, s: x.index_copy(0, Tensor([2, 0]), s), [A, SRC[:2, :4]]),
    ("index_fill", lambda x, v: x.index_fill(1, Tensor([0, 3]), v), [A, np.array(0.5)]),
    ("masked_scatter", lambda x, s: x.masked_scatter(Tensor(MASK), s), [A, SRC]),
    ("put", lambda x, s: x.put(Tensor([0, -1, 4]), s), [A, SRC[0, :3]]),
    ("put accumulate", lambda x, s: x.put(Tensor([0, -1, 0]), s, accumulate=True), [A, SRC[0, :3]]),
    ("select_scatter", lambda x, s: x.select_scatter(s, 1, 2), [A, SRC[:, 0]]),
    ("slice_scatter", lambda x, s: x.slice_scatter(s, 1, 0, 4, 3), [A, SRC[:, :2]]),
    ("diagonal_scatter", lambda x, s: x.diagonal_scatter(s, -1), [A, SRC[0, :2]]),
    ("index_reduce prod", lambda x, s: x.index_reduce(1, Tensor([1, 1, 3]), s, "prod"), [A, SRC[:, :3]]),
    ("index_put", lambda x, v: x.index_put((Tensor([2, 0]), Tensor([1, 1])), v), [A, SRC[0, :2]]),
    ("index_put accumulate", lambda x, v: x.index_put((Tensor([2, 2]),), v, accumulate=True), [A, SRC[0, :4]]),
] + [(f"scatter_reduce {r} include_self={inc}",
      lambda x, s, r=r, inc=inc: x.scatter_reduce(1, Tensor(REPEAT), s, r, include_self=inc), [A, SRC])
     for r in ("sum", "prod", "mean", "amax", "amin") for inc in (True, False)]


@pytest.mark.parametrize("name, fn, arrays", GRADCHECK, ids=[c[0] for c in GRADCHECK])
def test_gradients_match_finite_differences(name, fn, arrays):
    assert tg.gradcheck(fn, *[Tensor(a, requires_grad=True) for a in arrays])


# ---- in-place forms --------------------------------------------------------------------------

INPLACE = [
    ("scatter_", lambda x: x.scatter_(1, Tensor(PERM[:, :2]), Tensor(SRC)),
     lambda x: x.scatter_(1, to_torch(PERM[:, :2]), to_torch(SRC))),
    ("scatter_ value", lambda x: x.scatter_(1, Tensor(REPEAT), 2.0), lambda x: x.scatter_(1, to_torch(REPEAT), 2.0)),
    ("scatter_add_", lambda x: x.scatter_add_(1, Tensor(REPEAT), Tensor(SRC)),
     lambda x: x.scatter_add_(1, to_torch(REPEAT), to_torch(SRC))),
    ("scatter_reduce_", lambda x: x.scatter_reduce_(1, Tensor(REPEAT), Tensor(SRC), "amax", include_self=False),
     lambda x: x.scatter_reduce_(1, to_torch(REPEAT), to_torch(SRC), "amax", include_self=False)),
    ("index_add_", lambda x: x.index_add_(0, Tensor([2, 2]), Tensor(SRC[:2, :4]), alpha=2),
     lambda x: x.index_add_(0, to_torch(np.array([2, 2])), to_torch(SRC[:2, :4]), alpha=2)),
    ("index_copy_", lambda x: x.index_copy_(1, Tensor([1]), Tensor(SRC[:, :1])),
     lambda x: x.index_copy_(1, to_torch(np.array([1])), to_torch(SRC[:, :1]))),
    ("index_fill_", lambda x: x.index_fill_(1, Tensor([1, -1]), 9.0),
     lambda x: x.index_fill_(1, to_torch(np.array([1, -1])), 9.0)),
    ("masked_scatter_", lambda x: x.masked_scatter_(Tensor(MASK[0]), Tensor(SRC)),
     lambda x: x.masked_scatter_(to_torch(MASK[0]), to_torch(SRC))),
    ("index_reduce_", lambda x: x.index_reduce_(1, Tensor([0, 0]), Tensor(SRC[:, :2]), "amin"),
     lambda x: x.index_reduce_(1, to_torch(np.array([0, 0])), to_torch(SRC[:, :2]), "amin")),
    ("put_", lambda x: x.put_(Tensor([1, 1, -1]), Tensor(SRC[0, :3]), accumulate=True),
     lambda x: x.put_(to_torch(np.array([1, 1, -1])), to_torch(SRC[0, :3]), accumulate=True)),
    ("index_put_", lambda x: x.index_put_((Tensor([1, 1]),), Tensor(SRC[0, :4]), accumulate=True),
     lambda x: x.index_put_((to_torch(np.array([1, 1])),), to_torch(SRC[0, :4]), accumulate=True)),
]


@pytest.mark.parametrize("name, ours, theirs", INPLACE, ids=[c[0] for c in INPLACE])
@pytest.mark.filterwarnings("ignore:index_reduce")
def test_in_place_forms_update_the_tensor_as_torch(name, ours, theirs):
    x, t = Tensor(A), to_torch(A)
    view = x[1:]
    assert ours(x) is x
    theirs(t)
    np.testing.assert_array_equal(x.numpy(), t.numpy())
    np.testing.assert_array_equal(view.numpy(), t.numpy()[1:])  # the memory itself changed
    w = Tensor(A, requires_grad=True)
    with tg.no_grad():
        ours(w)
    np.testing.assert_array_equal(w.numpy(), t.numpy())
    with pytest.raises(RuntimeError, match=name.split()[0]):
        ours(Tensor(A, requires_grad=True))


# ---- errors ------------------------------------------------------------------------------------

ERRORS = [  # (name, call on (x = A as a Tensor), torch's call on A, our error)
    ("gather float index", lambda x, m: x.gather(1, m(np.zeros((3, 1)))), TypeError),
    ("gather bool index", lambda x, m: x.gather(1, m(np.zeros((3, 1), bool))), TypeError),
    ("gather index out of range", lambda x, m: x.gather(1, m(np.array([[4]]))), IndexError),
    ("gather negative index", lambda x, m: x.gather(1, m(np.array([[-1]]))), IndexError),
    ("gather index too long", lambda x, m: x.gather(1, m(np.zeros((4, 1), np.int64))), ValueError),
    ("gather index of fewer axes", lambda x, m: x.gather(1, m(np.zeros(3, np.int64))), ValueError),
    ("gather dim out of range", lambda x, m: x.gather(2, m(np.zeros((3, 1), np.int64))), IndexError),
    ("index_select 2-d index", lambda x, m: x.index_select(1, m(np.zeros((1, 1), np.int64))), IndexError),
    ("index_select negative", lambda x, m: x.index_select(1, m(np.array([-1]))), IndexError),
    ("index_select out of range", lambda x, m: x.index_select(0, m(np.array([3]))), IndexError),
    ("index_select float", lambda x, m: x.index_select(0, m(np.array([1.0]))), TypeError),
    ("take out of range", lambda x, m: x.take(m(np.array([12]))), IndexError),
    ("take below range", lambda x, m: x.take(m(np.array([-13]))), IndexError),
    ("take_along_dim fewer axes", lambda x, m: x.take_along_dim(m(np.array([1])), 1), ValueError),
    ("take_along_dim no broadcast", lambda x, m: x.take_along_dim(m(np.array([[1, 0]])), 0), ValueError),
    ("take_along_dim out of range", lambda x, m: x.take_along_dim(m(np.array([12]))), IndexError),
    ("take_along_dim negative flat", lambda x, m: x.take_along_dim(m(np.array([-1]))), IndexError),
    ("masked_select int mask", lambda x, m: x.masked_select(m(np.ones((3, 4), np.int64))), TypeError),
    ("masked_select uint8 mask", lambda x, m: x.masked_select(m(np.ones((3, 4), np.uint8))), TypeError),
    ("masked_select no broadcast", lambda x, m: x.masked_select(m(np.ones((2, 4), bool))), ValueError),
    ("scatter src dtype", lambda x, m: x.scatter(1, m(I), m(SRC.astype(np.float32))), TypeError),
    ("scatter src too short", lambda x, m: x.scatter(1, m(REPEAT), m(SRC[:, :2])), ValueError),
    ("scatter index too long off dim", lambda x, m: x.scatter(1, m(np.zeros((4, 1), np.int64)), m(np.ones((4, 1)))),
     ValueError),
    ("scatter index out of range", lambda x, m: x.scatter(1, m(np.array([[4]])), m(SRC)), IndexError),
    ("scatter negative index", lambda x, m: x.scatter(1, m(np.array([[-1]])), m(SRC)), IndexError),
    ("scatter bad reduce", lambda x, m: x.scatter(1, m(I), m(SRC), reduce="sum"), ValueError),
    ("scatter_add float index", lambda x, m: x.scatter_add(1, m(np.zeros((3, 1))), m(SRC)), TypeError),
    ("scatter_reduce bad reduce", lambda x, m: x.scatter_reduce(1, m(I), m(SRC), "maximum"), ValueError),
    ("index_add source shape", lambda x, m: x.index_add(1, m(np.array([0, 1])), m(SRC[:, :3])), ValueError),
    ("index_add source dtype", lambda x, m: x.index_add(1, m(np.array([0])), m(SRC[:, :1].astype(np.float32))),
     TypeError),
    ("index_add negative", lambda x, m: x.index_add(1, m(np.array([-1])), m(SRC[:, :1])), IndexError),
    ("index_copy negative", lambda x, m: x.index_copy(1, m(np.array([-1])), m(SRC[:, :1])), IndexError),
    ("index_copy out of range", lambda x, m: x.index_copy(1, m(np.array([4])), m(SRC[:, :1])), IndexError),
    ("index_fill out of range", lambda x, m: x.index_fill(1, m(np.array([-5])), 1.0), IndexError),
    ("index_fill 1-d value", lambda x, m: x.index_fill(1, m(np.array([0])), m(np.ones(2))), ValueError),
    ("masked_scatter short source", lambda x, m: x.masked_scatter(m(MASK), m(np.ones(2))), ValueError),
    ("masked_scatter int mask", lambda x, m: x.masked_scatter(m(MASK.astype(np.int64)), m(SRC)), TypeError),
    ("masked_scatter source dtype", lambda x, m: x.masked_scatter(m(MASK), m(SRC.astype(np.float32))), TypeError),
    ("index_reduce sum", lambda x, m: x.index_reduce(1, m(np.array([0])), m(SRC[:, :1]), "sum"), ValueError),
    ("index_reduce negative", lambda x, m: x.index_reduce(1, m(np.array([-1])), m(SRC[:, :1]), "amax"), IndexError),
    ("put out of range", lambda x, m: x.put(m(np.array([12])), m(SRC[0, :1])), IndexError),
    ("put sizes differ", lambda x, m: x.put(m(np.array([1, 2])), m(SRC[0, :3])), ValueError),
    ("put float index", lambda x, m: x.put(m(np.array([1.0])), m(SRC[0, :1])), TypeError),
    ("select_scatter index out of range", lambda x, m: x.select_scatter(m(SRC[:, 0]), 1, 4), IndexError),
    ("select_scatter src shape", lambda x, m: x.select_scatter(m(SRC[:, :2]), 1, 0), ValueError),
    ("slice_scatter src shape", lambda x, m: x.slice_scatter(m(SRC[:, :2]), 1, 0, 3), ValueError),
    ("slice_scatter step", lambda x, m: x.slice_scatter(m(SRC[:, :0]), 1, 0, 3, 0), ValueError),
    ("diagonal_scatter src shape", lambda x, m: x.diagonal_scatter(m(SRC[0, :2])), ValueError),
    ("diagonal_scatter same dims", lambda x, m: x.diagonal_scatter(m(SRC[0, :3]), 0, 1, 1), ValueError),
    ("index_put values dtype", lambda x, m: x.index_put((m(np.array([0])),), m(SRC[0, :4].astype(np.float32))),
     TypeError),
    ("index_put not a tuple", lambda x, m: x.index_put(m(np.array([0])), m(SRC[0, :4])), TypeError),
    ("index_put out of range", lambda x, m: x.index_put((m(np.array([5])),), m(SRC[0, :4])), IndexError),
    ("index_put values shape", lambda x, m: x.index_put((m(np.array([1])),), m(SRC[0, :3])), ValueError),
    ("index_put float index", lambda x, m: x.index_put((m(np.array([1.0])),), m(SRC[0, :4])), TypeError),
    ("index_put number values", lambda x, m: x.index_put((m(np.array([1])),), 1.0), TypeError),
    ("nonzero_static negative size", lambda x, m: x.nonzero_static(size=-1), ValueError),
]


@pytest.mark.parametrize("name, call, error", ERRORS, ids=[c[0] for c in ERRORS])
@pytest.mark.filterwarnings("ignore:index_reduce")
def test_bad_arguments_raise_as_torch(name, call, error):
    with pytest.raises((RuntimeError, IndexError, TypeError, ValueError)):
        call(to_torch(A), to_torch)
    op = name.split()[0]
    with pytest.raises(error, match=rf"\b{op}\b"):
        call(Tensor(A), Tensor)


def test_lists_are_accepted_as_indices():
    x = Tensor(A)
    np.testing.assert_array_equal(x.gather(1, [[0], [3], [1]]).numpy(),
                                  x.gather(1, Tensor(np.array([[0], [3], [1]]))).numpy())
    np.testing.assert_array_equal(x.index_select(0, [2, 0]).numpy(), A[[2, 0]])
    np.testing.assert_array_equal(x.take([[0, -1]]).numpy(), A.reshape(-1)[[[0, -1]]])
    np.testing.assert_array_equal(x.scatter(1, [[0], [1], [2]], 0.0).numpy(),
                                  to_torch(A).scatter(1, to_torch(np.array([[0], [1], [2]])), 0.0).numpy())
    with pytest.raises(TypeError, match="gather"):
        x.gather(1, [[0.5]])


def test_dim_is_required_and_named_either_way():
    x = Tensor(A)
    np.testing.assert_array_equal(x.gather(axis=1, index=Tensor(J)).numpy(), x.gather(1, Tensor(J)).numpy())
    with pytest.raises(TypeError, match="gather"):
        x.gather(index=Tensor(J))
    with pytest.raises(TypeError, match="scatter_reduce"):
        x.scatter_reduce(1, Tensor(REPEAT), Tensor(SRC))
    with pytest.raises(TypeError, match="where"):
        tg.where(Tensor(MASK), Tensor(A))


def test_where_with_one_argument_is_nonzero_as_tuple():
    x = Tensor(GRID)
    ours, theirs = tg.where(x), torch.where(to_torch(GRID))
    assert len(ours) == len(theirs) == 2
    for o, t in zip(ours, theirs):
        np.testing.assert_array_equal(o.numpy(), t.numpy())
        assert o.dtype == np.int64


def test_gathers_and_scatters_on_every_device(device):
    """Results stay on the tensor's device (index lists and tensors go there too), and gradients come back."""
    def run(x, s, lib):
        i = lib(REPEAT)
        parts = [x.gather(1, i), x.index_select(0, lib(np.array([2, 0]))), x.take(lib(np.array([-1, 3]))),
                 x.masked_select(x > 0), x.scatter_add(1, i, s), x.scatter_reduce(1, i, s, "amax"),
                 x.index_add(1, lib(np.array([1, 1])), s[:, :2]), x.masked_scatter(x > 0, s),
                 x.put(i, s * 2, accumulate=True)]
        return parts, x.nonzero()

    x, s = Tensor(A, requires_grad=True, device=device), Tensor(SRC[:, :4], requires_grad=True, device=device)
    parts, positions = run(x, s, lambda a: Tensor(a, device=device))
    assert all(p.device == device for p in parts) and positions.device == device
    assert x.gather(1, [[0], [1], [2]]).device == device
    sum(p.sum() for p in parts).backward()
    tx, ts = to_torch(A, True), to_torch(SRC[:, :4], True)
    tparts, tpositions = run(tx, ts, to_torch)
    sum(p.sum() for p in tparts).backward()
    for ours, theirs in zip(parts + [positions], tparts + [tpositions]):
        np.testing.assert_allclose(ours.numpy(), theirs.detach().numpy())
    assert x.grad.device == s.grad.device == device
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy())
    np.testing.assert_allclose(s.grad.numpy(), ts.grad.numpy())


def test_nonzero_is_not_differentiable():
    x = Tensor(A, requires_grad=True)
    assert not x.nonzero().requires_grad and x.nonzero().dtype == np.int64


# ---- the scatter helper: rounds agree with ufunc.at ----------------------------------------------

@given(st.lists(st.integers(0, 5), max_size=30), st.sampled_from([np.add, np.multiply, np.maximum, np.minimum]))
def test_scatter_in_rounds_agrees_with_ufunc_at(positions, ufunc):
    positions = np.array(positions, np.int64)
    values = RNG.standard_normal(positions.size)
    expected, got = RNG.standard_normal(6), None
    got = expected.copy()
    ufunc.at(expected, positions, values)
    ga.scatter_in_rounds(np, ufunc, got, positions, values)
    np.testing.assert_allclose(got, expected, rtol=1e-12)


# ---- x[index] with sequences: tuples of lists, nested lists, tuples inside the index -------------

class _Key:
    """IX[...] gives back the key Python passes to __getitem__, so the table reads as the indexing does."""

    def __getitem__(self, key):
        return key


IX = _Key()
X4 = np.arange(120, dtype=np.float64).reshape(2, 3, 4, 5) / 7
SEQUENCE_INDICES = [
    IX[(0, 1), ...], IX[(0, 1), :, (1, 2)], IX[[0, 1], [1, 2]], IX[([0, 1], [1, 2])], IX[[[0, 1], [1, 2]]],
    IX[[[0, 1]], [[1, 2]]], IX[[[0], [1]], [[1, 2]]], IX[(0, 1), (1, 2), (2, 3)], IX[[0, 1], ..., [1, 2]],
    IX[..., [0, 1], [1, 2]], IX[..., (0, 1)], IX[[0, 1], :, [[1], [2]]], IX[0, [0, 1], :, [1, 2]],
    IX[[0], [1], [2], [3]], IX[[[0, 1], [1, 0]], 1], IX[[0, 1], None, [1, 2]], IX[None, (0, 1)],
    IX[((0, 1), (1, 0))], IX[((0, 1), (1, 0)), 0], IX[[(0, 1), (1, 0)]], IX[[[[0, 1]]]], IX[[[0, 1]], 0],
    IX[(1,), (2,)], IX[[1], [2]], IX[[True, False], [1, 2]], IX[[True, False], ..., [0, 4]], IX[(0, -1), (-1, 0)],
    IX[[-1, -2], ..., -1], IX[[0, 1], 1:3, [1, 2]], IX[:, [[0, 1], [2, 0]], [[1], [3]]],
    IX[[[0, 1], [1, 0]], [[2, 1], [0, 2]]], IX[[0, slice(None), [1, 2]]], IX[[0, 1, 1], [2], [0, 3, 3]],
    IX[(0,)], IX[[0]], IX[[0], ...], IX[(), ...], IX[range(2), [1, 2]], IX[[range(2), [1, 2]]],
    IX[(range(2), range(1, 3))], IX[[0, 0], [1, 1], [2, 2], [3, 3]],
]


@pytest.mark.parametrize("index", SEQUENCE_INDICES, ids=[repr(i) for i in SEQUENCE_INDICES])
def test_sequence_indices_read_as_torch_reads_them(index):
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # both warn that a list holding sequences is read as a tuple
        check_op(lambda t: t[index], lambda t: t[index], X4)


@pytest.mark.parametrize("index, error", [(IX[[[True, False, True]]], IndexError), (IX[(0, 2), ...], IndexError),
                                          (IX[[0, 1], [0, 1, 2]], IndexError)])
def test_bad_sequence_indices_raise_as_torch(index, error):
    with pytest.raises(error):
        to_torch(X4)[index]
    with pytest.raises(error):
        Tensor(X4)[index]


def test_a_sequence_of_floats_is_refused_where_torch_truncates_it():
    # torch reads x[(0.5, 1), ...] as x[(0, 1), ...]; a float position is a mistake, refused (docs: differences)
    np.testing.assert_array_equal(to_torch(X4)[(0.5, 1), ...].numpy(), X4[[0, 1]])
    with pytest.raises(IndexError, match="index"):
        Tensor(X4)[(0.5, 1), ...]


def test_in_place_forms_on_a_non_leaf_give_torchs_gradients():
    def run(lib, x, s):
        y = x * 2
        y.scatter_add_(1, lib(REPEAT), s).index_fill_(0, lib(np.array([1])), 0.5)
        y.index_add_(1, lib(np.array([3, 3])), s[:, :2], alpha=-1.5).masked_scatter_(lib(MASK), s * s)
        return y.scatter_reduce_(1, lib(REPEAT), s, "amin", include_self=False) * y

    check_op(lambda x, s: run(Tensor, x, s), lambda x, s: run(to_torch, x, s), A, SRC[:, :4])
