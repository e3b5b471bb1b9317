"""`tinygrad-lite check`: every public op, run beside PyTorch, as one table.

Each case calls the same function twice, once with the engine's tensors and
namespace (`m.F`, `m.cat`, ...) and once with torch's, on the same seeded random
inputs. It compares the forward value (shape, dtype, numbers), then back-propagates
one random upstream gradient through both and compares the gradient of every float
input. Targets, masks and `pos_weight` are data, not parameters: they get no gradient
(torch cannot differentiate pos_weight either).

A number passes when |ours - torch| <= atol + rtol * |torch|, with (rtol, atol) =
(1e-10, 1e-10) in float64 and (1e-5, 1e-6) in float32, both times sqrt(K) for a
case that sums K numbers into each result (the K column). Inputs are drawn away from
kinks (relu at 0, clip bounds, ties in max) unless a case is about a tie.
"""
import math
import zlib
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Callable

import numpy as np

import tinygrad_lite as tg
import tinygrad_lite.nn.functional as F
from tinygrad_lite import Tensor
from tinygrad_lite._validate import check_number

INSTALL_HINT = ("tinygrad-lite check compares every op with PyTorch, which is not installed.\n"
                "Install it with:  pip install 'tinygrad_lite[test]'   (or: pip install torch==2.13.0)")
TOLERANCES = {"float64": (1e-10, 1e-10), "float32": (1e-5, 1e-6)}


@dataclass(frozen=True)
class Input:
    """One argument of a case: its shape, how its values are drawn, whether it gets a gradient."""
    shape: tuple
    draw: Callable  # (rng, shape) -> array; float arrays are cast to the case's dtype
    grad: bool = True
    kind: str = ""  # "" for float, ":int" or ":bool", shown in the table

    def make(self, rng, dtype):
        array = np.asarray(self.draw(rng, self.shape))
        return array.astype(dtype) if array.dtype.kind == "f" else array

    def describe(self):
        return ("x".join(map(str, self.shape)) or "scalar") + self.kind


def randn(*shape, grad=True):
    return Input(shape, lambda rng, s: rng.standard_normal(s), grad)


def away(*shape):
    """Values (k + 1/2) / 8: 1/16 or more from every multiple of 1/8 (0, clip bounds, ...)."""
    return Input(shape, lambda rng, s: (rng.integers(-16, 16, s) + 0.5) / 8)


def positive(*shape):
    return Input(shape, lambda rng, s: rng.uniform(0.5, 2.0, s))


def prob(*shape, grad=True):
    return Input(shape, lambda rng, s: rng.uniform(0.05, 0.95, s), grad)


def distinct(*shape):
    """A shuffled grid, 0.25 apart: no ties for max, min, argmax."""
    return Input(shape, lambda rng, s: (rng.permutation(math.prod(s)).reshape(s) - math.prod(s) / 2) / 4)


def ties(*shape):
    """Values in {0, 0.5, 1}: many tied maxima, which share the gradient evenly."""
    return Input(shape, lambda rng, s: rng.integers(0, 3, s) * 0.5)


def simplex(*shape):
    """Probability targets: each row along the last axis is positive and sums to 1."""
    def draw(rng, s):
        e = np.exp(rng.standard_normal(s))
        return e / e.sum(axis=-1, keepdims=True)
    return Input(shape, draw, grad=False)


def binary(*shape):
    return Input(shape, lambda rng, s: rng.integers(0, 2, s).astype(np.float64), grad=False)


def ints(high, *shape):
    return Input(shape, lambda rng, s: rng.integers(0, high, s), grad=False, kind=":int")


def mask(*shape):
    """A random bool mask (True = keep) with at least one True in every last-axis row."""
    def draw(rng, s):
        keep = rng.integers(0, s[-1], s[:-1])[..., None] == np.arange(s[-1])
        return keep | (rng.random(s) < 0.5)
    return Input(shape, draw, grad=False, kind=":bool")


def _assigned(t, index, value):
    t[index] = value
    return t


def _through_view(a, b):
    """A column of a non-leaf multiplied in place through its transpose: the base sees it."""
    y = a * 1
    y.T[1].mul_(b)
    return y * y


def const(array):
    array = np.asarray(array)
    kind = {"i": ":int", "b": ":bool"}.get(array.dtype.kind, "")
    return Input(array.shape, lambda rng, s: array, grad=False, kind=kind)


@dataclass(frozen=True)
class Case:
    """`fn(m, *tensors)` with m the engine's or torch's namespace; `torch_fn` where torch spells it otherwise."""
    name: str
    fn: Callable
    inputs: list
    reduce: int = 1  # K: how many numbers are summed into each result
    torch_fn: Callable = None


ROWS_MASKED = np.array([[True, False, True, True, False], [False] * 5, [True] * 5])  # row 1: fully masked
CE_TARGETS = np.array([1, -100, 4, 0, -100, 2])  # -100: ignore_index's default
S = (3, 4, 5)  # the shape reductions run on
PRED_TARGET = [randn(4, 5), randn(4, 5, grad=False)]
LOGITS_CLASSES = [randn(6, 5), ints(5, 6)]
LOSS_W = np.array([0.5, 1.0, 1.5, 2.0, 0.25])  # class weights of the weighted losses
LOSS_SIGNS = np.array([[1.0, -1.0, -1.0, 1.0, 1.0], [-1.0, 1.0, 1.0, 1.0, -1.0]] * 2)  # +-1 labels
QKV = [randn(2, 3, 4), randn(2, 5, 4), randn(2, 5, 4)]  # L = 3 queries, S = 5 keys

CASES = [
    # arithmetic, with broadcasting; denominators and bases kept away from 0
    Case("add", lambda m, a, b: a + b, [randn(2, 3), randn(3)], 2),
    Case("add broadcast both", lambda m, a, b: a + b, [randn(4, 1, 3), randn(2, 1)], 12),
    Case("add scalar", lambda m, a: a + 2.5, [randn(2, 3)]),
    Case("radd", lambda m, a: 2.5 + a, [randn(2, 3)]),
    Case("sub", lambda m, a, b: a - b, [randn(2, 3), randn(2, 1)], 3),
    Case("rsub", lambda m, a: 1.5 - a, [randn(2, 3)]),
    Case("mul", lambda m, a, b: a * b, [randn(3, 1, 4), randn(5, 1)], 12),
    Case("rmul", lambda m, a: 3.0 * a, [randn(2, 3)]),
    Case("truediv", lambda m, a, b: a / b, [randn(2, 3), away(3)], 2),
    Case("rtruediv", lambda m, a: 2.0 / a, [away(2, 3)]),
    Case("pow", lambda m, a, b: a ** b, [positive(2, 3), randn(2, 3)]),
    Case("pow scalar exponent", lambda m, a: a ** 3.0, [randn(2, 3)]),
    Case("rpow", lambda m, a: 2.0 ** a, [randn(2, 3)]),
    Case("neg", lambda m, a: -a, [randn(2, 3)]),
    Case("eq", lambda m, a, b: a == b, [away(4, 5), away(4, 5)]),
    Case("ne", lambda m, a, b: a != b, [away(4, 5), away(5)]),
    Case("lt", lambda m, a, b: a < b, [away(4, 5), away(4, 5)]),
    Case("le", lambda m, a, b: a <= b, [away(4, 5), away(4, 5)]),
    Case("gt", lambda m, a: a > 0.0, [away(4, 5)]),
    Case("ge", lambda m, a, b: a >= b, [away(4, 5), away(4, 1)]),
    Case("maximum", lambda m, a, b: a.maximum(b), [randn(3, 4), randn(4)], 3),
    Case("minimum", lambda m, a, b: a.minimum(b), [randn(3, 1), randn(4)], 4),
    # matmul: K counts the inner products and the batch sums of the weight's gradient
    Case("matmul", lambda m, a, b: a @ b, [randn(3, 4), randn(4, 5)], 5),
    Case("matmul method", lambda m, a, b: a.matmul(b), [randn(3, 7), randn(7, 2)], 7),
    Case("matmul batched", lambda m, a, b: a @ b, [randn(2, 3, 4), randn(4, 5)], 6),
    Case("matmul broadcast", lambda m, a, b: a @ b, [randn(2, 1, 3, 4), randn(3, 4, 2)], 6),
    Case("matmul vector @ matrix", lambda m, a, b: a @ b, [randn(4), randn(4, 5)], 5),
    Case("matmul matrix @ vector", lambda m, a, b: a @ b, [randn(3, 4), randn(4)], 4),
    Case("matmul vector @ vector", lambda m, a, b: a @ b, [randn(6), randn(6)], 6),
    # unary math and activations (Tensor methods)
    Case("exp", lambda m, a: a.exp(), [randn(2, 3)]),
    Case("log", lambda m, a: a.log(), [positive(2, 3)]),
    Case("sqrt", lambda m, a: a.sqrt(), [positive(2, 3)]),
    Case("abs", lambda m, a: a.abs(), [away(2, 3)]),
    Case("clip", lambda m, a: a.clip(-0.5, 0.75), [away(4, 5)]),
    Case("clip lo only", lambda m, a: a.clip(-0.5, None), [away(4, 5)]),
    Case("clip hi only", lambda m, a: a.clip(None, 0.25), [away(4, 5)]),
    # integer division and remainders, bitwise and logical ops, predicates, clamp with tensor bounds
    Case("div trunc", lambda m, a, b: a.div(b, rounding_mode="trunc"), [randn(2, 3), away(3)], 2),
    Case("div floor", lambda m, a, b: a.div(b, rounding_mode="floor"), [randn(2, 3), away(3)], 2),
    Case("floordiv int", lambda m, a, b: a // b, [ints(19, 2, 3), const([2, -3, 4])]),
    Case("rfloordiv int", lambda m, a: 7 // a, [const([2, -3, 4, 1])]),
    Case("fmod", lambda m, a, b: a.fmod(b), [randn(3, 4), away(4)], 3),
    Case("remainder", lambda m, a, b: a % b, [randn(3, 4), away(4)], 3),
    Case("remainder int", lambda m, a, b: a.remainder(b), [ints(19, 2, 3), const([2, -3, 4])]),
    Case("bitwise and or xor", lambda m, a, b: (a & b) ^ (a | 5), [ints(16, 3, 4), ints(16, 4)]),
    Case("shifts", lambda m, a, b: (a << b) >> 1, [ints(100, 3, 4), ints(8, 4)]),
    Case("bitwise_not", lambda m, a: ~a, [ints(16, 3, 4)]),
    Case("logical_and", lambda m, a, k: a.logical_and(k), [away(3, 4), mask(3, 4)]),
    Case("logical_xor", lambda m, a, b: a.logical_xor(b), [away(3, 4), ints(2, 4)]),
    Case("isclose", lambda m, a, b: a.isclose(b, rtol=0.1, atol=0.05), [away(3, 4), away(3, 4)]),
    Case("nan_to_num", lambda m, a: a.log().nan_to_num(nan=0.5), [away(3, 4)]),
    Case("clamp tensor bounds", lambda m, a, lo, hi: a.clamp(lo, hi), [away(3, 4), randn(4), randn(3, 1)], 4),
    Case("clamp_min tensor", lambda m, a, lo: a.clamp_min(lo), [away(3, 4), randn(4)], 3),
    Case("fmax", lambda m, a, b: a.fmax(b), [randn(3, 4), randn(4)], 3),
    Case("fmin", lambda m, a, b: a.fmin(b), [randn(3, 4), randn(4)], 3),
    Case("copysign", lambda m, a, b: a.copysign(b), [randn(3, 4), randn(4)]),
    Case("relu", lambda m, a: a.relu(), [away(4, 5)]),
    Case("sigmoid", lambda m, a: a.sigmoid(), [randn(4, 5)]),
    Case("tanh", lambda m, a: a.tanh(), [randn(4, 5)]),
    # elementwise math: inputs inside each domain, off poles and branch cuts
    *[Case(name, lambda m, a, name=name: getattr(a, name)(), [randn(2, 3)])
      for name in ("sin", "cos", "atan", "sinh", "cosh", "asinh", "expm1", "exp2", "square", "erf", "erfc",
                   "sign", "floor", "ceil", "round", "trunc", "frac")],
    *[Case(name, lambda m, a, name=name: getattr(a, name)(), [prob(2, 3)]) for name in ("tan", "asin", "acos", "atanh")],
    *[Case(name, lambda m, a, name=name: getattr(a, name)(), [positive(2, 3)])
      for name in ("log2", "log10", "log1p", "rsqrt")],
    Case("acosh", lambda m, a: (a + 1.0).acosh(), [positive(2, 3)]),
    Case("reciprocal", lambda m, a: a.reciprocal(), [away(2, 3)]),
    Case("round decimals=1", lambda m, a: a.round(decimals=1), [randn(2, 3)]),
    Case("atan2", lambda m, a, b: a.atan2(b), [randn(2, 3), away(3)], 2),
    Case("hypot", lambda m, a, b: a.hypot(b), [away(2, 3), randn(3)], 2),
    Case("logaddexp", lambda m, a, b: a.logaddexp(b), [randn(2, 3), randn(2, 1)], 3),
    Case("xlogy", lambda m, a, b: a.xlogy(b), [randn(2, 3), positive(3)], 2),
    Case("gelu", lambda m, a: a.gelu(), [randn(4, 5)], 1, lambda m, a: m.F.gelu(a)),
    Case("gelu tanh", lambda m, a: a.gelu(approximate="tanh"), [randn(4, 5)], 1,
         lambda m, a: m.F.gelu(a, approximate="tanh")),
    Case("leaky_relu", lambda m, a: a.leaky_relu(), [away(4, 5)], 1, lambda m, a: m.F.leaky_relu(a)),
    Case("leaky_relu slope", lambda m, a: a.leaky_relu(0.2), [away(4, 5)], 1, lambda m, a: m.F.leaky_relu(a, 0.2)),
    Case("softmax", lambda m, a: a.softmax(), [randn(4, 5)], 5, lambda m, a: a.softmax(-1)),
    Case("softmax axis=0", lambda m, a: a.softmax(0), [randn(4, 5)], 4),
    Case("log_softmax", lambda m, a: a.log_softmax(), [randn(3, 4, 5)], 5, lambda m, a: a.log_softmax(-1)),
    Case("log_softmax axis=1", lambda m, a: a.log_softmax(1), [randn(3, 4, 5)], 4),
    Case("astype float64", lambda m, a: a.astype(m.float64), [randn(2, 3)], 1, lambda m, a: a.to(m.float64)),
    Case("astype float32", lambda m, a: a.astype(m.float32), [randn(2, 3)], 1, lambda m, a: a.to(m.float32)),
    # movement
    Case("T", lambda m, a: a.T, [randn(2, 3, 4)], 1, lambda m, a: a.permute(2, 1, 0)),
    Case("transpose", lambda m, a: a.transpose(0, 2), [randn(2, 3, 4)]),
    Case("permute", lambda m, a: a.permute(2, 0, 1), [randn(2, 3, 4)]),
    Case("reshape", lambda m, a: a.reshape(4, -1), [randn(2, 3, 4)]),
    Case("reshape of transposed", lambda m, a: a.transpose(0, 1).reshape(-1), [randn(2, 3)]),
    Case("flatten", lambda m, a: a.flatten(), [randn(2, 3, 4)]),
    Case("expand", lambda m, a: a.expand(2, 3, 4), [randn(3, 1)], 8),
    Case("squeeze axis", lambda m, a: a.squeeze(1), [randn(3, 1, 2)]),
    Case("squeeze all", lambda m, a: a.squeeze(), [randn(1, 3, 1, 2)]),
    Case("unsqueeze", lambda m, a: a.unsqueeze(0), [randn(3, 2)]),
    Case("unsqueeze -1", lambda m, a: a.unsqueeze(-1), [randn(3, 2)]),
    Case("getitem int", lambda m, a: a[1], [randn(3, 4)]),
    Case("getitem slices", lambda m, a: a[:, 1:3, ::2], [randn(3, 4, 5)]),
    Case("getitem None Ellipsis", lambda m, a: a[None, ..., -1], [randn(3, 4, 5)]),
    Case("getitem repeated list", lambda m, a: a[[0, 2, 2, 0]], [randn(3, 4)], 2),
    Case("getitem int tensor", lambda m, a, i: a[i], [randn(3, 4), ints(3, 2, 5)], 10),
    Case("getitem two index lists", lambda m, a: a[[0, 2, 2], [1, 1, 3]], [randn(3, 4)], 2),
    Case("getitem int and slice", lambda m, a, i: a[i, :, 1], [randn(3, 4, 5), ints(3, 4)], 4),
    Case("getitem bool mask", lambda m, a, k: a[k], [randn(3, 4), mask(3, 4)]),
    Case("cat", lambda m, a, b: m.cat([a, b], axis=1), [randn(2, 3, 4), randn(2, 1, 4)]),
    Case("cat three", lambda m, a, b, c: m.cat([a, b, c]), [randn(2, 3), randn(1, 3), randn(4, 3)]),
    Case("stack", lambda m, a, b: m.stack([a, b]), [randn(2, 3), randn(2, 3)]),
    Case("stack axis=-1", lambda m, a, b: m.stack([a, b], axis=-1), [randn(2, 3), randn(2, 3)]),
    # in-place updates of tensors in the graph, item assignment, updates through views
    Case("add_ alpha", lambda m, a, b: (a * 1).add_(b, alpha=2).sub_(b, alpha=0.5), [randn(2, 3), randn(3)], 2),
    Case("mul_ div_", lambda m, a, b: (a * 1).mul_(b).div_(b * b + 1), [randn(3, 4), randn(4)], 3),
    Case("relu_", lambda m, a: (a * 2).relu_(), [away(3, 4)]),
    Case("masked_fill_", lambda m, a, k: (a * 1).masked_fill_(k, -1.5), [randn(3, 4), mask(3, 4)]),
    Case("addcmul_ addcdiv_", lambda m, a, b, c: (a * 1).addcmul_(b, c, value=0.5).addcdiv_(b, c * c + 1),
         [randn(2, 3), randn(2, 3), randn(3)], 2),
    Case("lerp_", lambda m, a, b, c: (a * 1).lerp_(b, c.sigmoid()), [randn(2, 3), randn(2, 3), randn(3)], 2),
    Case("setitem slice", lambda m, a, b: _assigned(a * 1, (slice(None), 1), b * 2), [randn(3, 4), randn(3)]),
    Case("setitem mask", lambda m, a, k, b: _assigned(a * 1, k, b.sum()), [randn(3, 4), mask(3, 4), randn(2)], 12),
    Case("in-place through a view", lambda m, a, b: _through_view(a, b), [randn(3, 4), randn(3)], 2),
    # shape ops
    Case("tril", lambda m, a: a.tril(-1), [randn(2, 3, 4)]),
    Case("triu", lambda m, a: m.triu(a, 1), [randn(3, 4)]),
    Case("roll", lambda m, a: a.roll((1, -2), (0, 2)), [randn(2, 3, 4)]),
    Case("roll flat", lambda m, a: m.roll(a, 5), [randn(3, 4)]),
    Case("flip", lambda m, a: a.flip((0, 2)), [randn(2, 3, 4)]),
    Case("rot90", lambda m, a: a.rot90(1, (0, 1)), [randn(3, 4)]),
    Case("repeat", lambda m, a: a.repeat(2, 1, 3), [randn(3, 2)], 6),
    Case("tile", lambda m, a: m.tile(a, (2,)), [randn(3, 2)], 2),
    Case("repeat_interleave", lambda m, a: a.repeat_interleave(3, dim=1), [randn(2, 3)], 3),
    Case("movedim", lambda m, a: m.movedim(a, (0, 1), (2, 0)), [randn(2, 3, 4)]),
    Case("swapaxes", lambda m, a: a.swapaxes(0, 2), [randn(2, 3, 4)]),
    Case("diagonal", lambda m, a: a.diagonal(1, 0, 2), [randn(3, 2, 4)]),
    Case("diag_embed", lambda m, a: a.diag_embed(-1), [randn(2, 3)]),
    Case("diag", lambda m, a: m.diag(a, 1), [randn(3, 4)]),
    Case("trace", lambda m, a: a.trace(), [randn(4, 4)], 4),
    Case("unfold", lambda m, a: a.unfold(1, 3, 1), [randn(2, 6)], 3),
    Case("meshgrid xy", lambda m, a, b: m.stack(m.meshgrid(a, b, indexing="xy")), [randn(3), randn(4)], 4),
    Case("hstack", lambda m, a, b: m.hstack([a, b]), [randn(2, 3), randn(2, 1)]),
    Case("vstack", lambda m, a, b: m.vstack([a, b]), [randn(3), randn(2, 3)]),
    Case("select", lambda m, a: a.select(1, -1), [randn(2, 3, 4)]),
    Case("narrow_copy", lambda m, a: a.narrow_copy(2, 1, 2), [randn(2, 3, 4)]),
    Case("ravel of transposed", lambda m, a: a.transpose(0, 1).ravel(), [randn(2, 3)]),
    Case("diagflat", lambda m, a: m.diagflat(a, -1), [randn(2, 2)]),
    Case("block_diag", lambda m, a, b, c: m.block_diag(a, b, c), [randn(2, 3), randn(), randn(2)]),
    Case("cartesian_prod", lambda m, a, b: m.cartesian_prod(a, b), [randn(3), randn(2)], 2),
    Case("combinations", lambda m, a: m.combinations(a, 2), [randn(4)], 3),
    Case("concat", lambda m, a, b: m.concat([a, b], dim=1), [randn(2, 3), randn(2, 1)]),
    # cumulative and sorting ops (distinct values: the positions a sort picks are unambiguous)
    Case("cumsum", lambda m, a: a.cumsum(1), [randn(2, 4, 3)], 4),
    Case("cumprod", lambda m, a: m.cumprod(a, 0), [away(4, 3)], 4),
    Case("logcumsumexp", lambda m, a: a.logcumsumexp(-1), [randn(3, 5)], 5),
    Case("cummax", lambda m, a: m.cummax(a, 1).values, [distinct(3, 5)]),
    Case("diff", lambda m, a: m.diff(a, 2, 0), [randn(4, 3)]),
    Case("sort descending", lambda m, a: a.sort(1, descending=True).values, [distinct(3, 5)]),
    Case("topk", lambda m, a: m.topk(a, 2, 0).values, [distinct(4, 3)]),
    Case("kthvalue", lambda m, a: a.kthvalue(2, 1).values, [distinct(3, 5)]),
    Case("median", lambda m, a: a.median(), [distinct(3, 5)]),
    Case("median dim", lambda m, a: m.median(a, 0).values, [distinct(3, 5)]),
    Case("mode", lambda m, a: a.mode(1).values, [ties(3, 6)]),
    Case("quantile", lambda m, a: a.quantile(0.3, dim=1), [distinct(3, 5)]),
    # gathers and scatters (index data drawn in range; repeated positions sum their gradients)
    Case("gather", lambda m, a, i: a.gather(1, i), [randn(3, 4), ints(4, 3, 6)], 6),
    Case("index_select", lambda m, a, i: a.index_select(0, i), [randn(3, 4), ints(3, 5)], 5),
    Case("take_along_dim", lambda m, a, i: a.take_along_dim(i, 1), [randn(3, 4), ints(4, 1, 6)], 18),
    Case("masked_select", lambda m, a, k: a.masked_select(k), [randn(3, 4), mask(3, 4)]),
    Case("scatter", lambda m, a, s: a.scatter(1, m.PERM, s), [randn(3, 4), randn(3, 4)]),
    Case("scatter_add", lambda m, a, i, s: a.scatter_add(1, i, s), [randn(3, 4), ints(4, 3, 6), randn(3, 6)], 6),
    Case("scatter_reduce mean", lambda m, a, i, s: a.scatter_reduce(0, i, s, "mean"),
         [randn(3, 4), ints(3, 5, 4), randn(5, 4)], 6),
    Case("scatter_reduce amax", lambda m, a, i, s: a.scatter_reduce(1, i, s, "amax", include_self=False),
         [randn(3, 4), ints(4, 3, 6), randn(3, 6)]),
    Case("index_add", lambda m, a, i, s: a.index_add(0, i, s, alpha=0.5), [randn(3, 4), ints(3, 5), randn(5, 4)], 5),
    Case("index_copy", lambda m, a, s: a.index_copy(1, m.PERM[0, :2], s), [randn(3, 4), randn(3, 2)]),
    Case("masked_scatter", lambda m, a, k, s: a.masked_scatter(k, s), [randn(3, 4), mask(3, 4), randn(12)]),
    Case("where", lambda m, c, a, b: m.where(c, a, b), [mask(3, 4), randn(3, 4), randn(4)], 3),
    Case("where scalar", lambda m, c, a: m.where(c, a, 0.0), [mask(3, 4), randn(3, 4)]),
    Case("where scalar first", lambda m, c, b: m.where(c, 1.5, b), [mask(3, 4), randn(3, 4)]),
    # reductions over S = (3, 4, 5)
    Case("sum", lambda m, a: a.sum(), [randn(*S)], 60),
    Case("sum axis=1", lambda m, a: a.sum(axis=1), [randn(*S)], 4),
    Case("sum dim=-1 keepdim", lambda m, a: a.sum(dim=-1, keepdim=True), [randn(*S)], 5),
    Case("sum axis=(0,2) keepdim", lambda m, a: a.sum(axis=(0, 2), keepdim=True), [randn(*S)], 15),
    Case("mean", lambda m, a: a.mean(), [randn(*S)], 60),
    Case("mean axis=0", lambda m, a: a.mean(axis=0), [randn(*S)], 3),
    Case("mean axis=(1,2) keepdim", lambda m, a: a.mean(axis=(1, 2), keepdim=True), [randn(*S)], 20),
    Case("max", lambda m, a: a.max(), [distinct(*S)]),
    Case("max with ties", lambda m, a: a.max(), [ties(4, 6)]),
    Case("max dim=1 values", lambda m, a: a.max(dim=1).values, [distinct(*S)]),
    Case("max dim=1 indices", lambda m, a: a.max(1).indices, [distinct(*S)]),
    Case("max dim=1 values with ties", lambda m, a: a.max(1)[0], [ties(4, 6)]),
    Case("max dim=1 indices with ties", lambda m, a: a.max(1)[1], [ties(4, 6)]),
    Case("min", lambda m, a: a.min(), [distinct(*S)]),
    Case("min dim=-1 keepdim values", lambda m, a: a.min(dim=-1, keepdim=True).values, [distinct(*S)]),
    Case("min dim=-1 keepdim indices", lambda m, a: a.min(dim=-1, keepdim=True).indices, [distinct(*S)]),
    Case("min dim=0 values with ties", lambda m, a: a.min(0).values, [ties(6, 4)]),
    Case("amax dim=(0,2) keepdim", lambda m, a: a.amax(dim=(0, 2), keepdim=True), [distinct(*S)]),
    Case("amax with ties", lambda m, a: a.amax(dim=1), [ties(4, 6)]),
    Case("amin dim=-1", lambda m, a: a.amin(dim=-1), [distinct(*S)]),
    Case("amin with ties", lambda m, a: a.amin(dim=0), [ties(6, 4)]),
    Case("var", lambda m, a: a.var(), [randn(*S)], 60),
    Case("var axis=1", lambda m, a: a.var(axis=1), [randn(*S)], 4),
    Case("var correction=0 keepdim", lambda m, a: a.var(axis=(0, 2), keepdim=True, correction=0), [randn(*S)], 15),
    Case("logsumexp axis=1", lambda m, a: a.logsumexp(axis=1), [randn(*S)], 4),
    Case("logsumexp axis=(0,2) keepdim", lambda m, a: a.logsumexp(axis=(0, 2), keepdim=True), [randn(*S)], 15),
    Case("argmax", lambda m, a: a.argmax(), [distinct(*S)]),
    Case("argmax axis=1 keepdim", lambda m, a: a.argmax(axis=1, keepdim=True), [distinct(*S)]),
    Case("argmin axis=0", lambda m, a: a.argmin(axis=0), [distinct(*S)]),
    # further reductions (zeros drawn among prod's inputs: its gradient there is exact) and norms
    Case("std dim=1", lambda m, a: a.std(dim=1), [randn(*S)], 4),
    Case("std correction=0 keepdim", lambda m, a: a.std(dim=(0, 2), keepdim=True, correction=0), [randn(*S)], 15),
    Case("std_mean", lambda m, a: m.stack(list(m.std_mean(a, 2))), [randn(*S)], 5),
    Case("prod", lambda m, a: a.prod(), [positive(2, 3)], 6),
    Case("prod dim=1 with zeros", lambda m, a: a.prod(dim=1), [Input(S, lambda rng, s: rng.integers(-2, 3, s) / 2.0)], 4),
    Case("norm", lambda m, a: a.norm(), [randn(*S)], 60),
    Case("norm p=3 dim=-1", lambda m, a: a.norm(3, dim=-1), [randn(*S)], 5),
    Case("vector_norm ord=inf", lambda m, a: m.linalg.vector_norm(a, float("inf"), dim=(0, 1)), [distinct(*S)], 12),
    Case("vector_norm ord=0.5", lambda m, a: m.linalg.vector_norm(a, 0.5, dim=1), [away(*S)], 4),
    Case("matrix_norm nuc", lambda m, a: m.linalg.matrix_norm(a, "nuc"), [randn(*S)], 20),
    Case("matrix_norm ord=2", lambda m, a: m.linalg.matrix_norm(a, 2), [randn(*S)], 20),
    Case("matrix_norm ord=1", lambda m, a: m.linalg.matrix_norm(a, 1), [distinct(*S)], 20),
    Case("aminmax min", lambda m, a: m.aminmax(a, dim=1).min, [distinct(*S)]),
    Case("nansum", lambda m, a: m.nansum(a, 1), [randn(*S)], 4),
    Case("any dim=1", lambda m, a: a.any(1), [mask(3, 4)]),
    Case("count_nonzero", lambda m, a: m.count_nonzero(a, dim=0), [mask(3, 4)]),
    # linear algebra: K counts the products summed into each result
    Case("einsum bij,bjk->bik", lambda m, a, b: m.einsum("bij,bjk->bik", a, b), [randn(2, 3, 4), randn(2, 4, 5)], 4),
    Case("einsum trace ii", lambda m, a: m.einsum("ii", a), [randn(4, 4)], 4),
    Case("einsum ...ij,...jk", lambda m, a, b: m.einsum("...ij,...jk", a, b), [randn(2, 1, 3, 4), randn(5, 4, 2)], 4),
    Case("outer", lambda m, a, b: m.outer(a, b), [randn(3), randn(4)]),
    Case("dot", lambda m, a, b: m.dot(a, b), [randn(6), randn(6)], 6),
    Case("mv", lambda m, a, b: m.mv(a, b), [randn(3, 4), randn(4)], 4),
    Case("addmm beta alpha", lambda m, i, a, b: m.addmm(i, a, b, beta=0.5, alpha=2.0), [randn(4), randn(3, 5), randn(5, 4)], 5),
    Case("addmv", lambda m, i, a, b: m.addmv(i, a, b), [randn(3), randn(3, 5), randn(5)], 5),
    Case("baddbmm", lambda m, i, a, b: m.baddbmm(i, a, b, alpha=0.5), [randn(2, 3, 4), randn(2, 3, 5), randn(2, 5, 4)], 5),
    Case("addbmm", lambda m, i, a, b: m.addbmm(i, a, b), [randn(3, 4), randn(2, 3, 5), randn(2, 5, 4)], 10),
    Case("tensordot dims=2", lambda m, a, b: m.tensordot(a, b, 2), [randn(2, 3, 4), randn(3, 4, 5)], 12),
    Case("cross dim=1", lambda m, a, b: m.linalg.cross(a, b, dim=1), [randn(2, 3, 4), randn(2, 3, 4)]),
    Case("kron", lambda m, a, b: m.kron(a, b), [randn(2, 3), randn(3, 2)]),
    Case("cdist", lambda m, a, b: m.cdist(a, b), [distinct(3, 4), randn(5, 4)], 4),
    Case("linalg.inv", lambda m, a: m.linalg.inv(a), [Input((2, 3, 3), lambda rng, s: rng.standard_normal(s) * 0.3 + 2 * np.eye(3))], 9),
    Case("linalg.det", lambda m, a: m.linalg.det(a), [Input((2, 3, 3), lambda rng, s: rng.standard_normal(s) * 0.3 + 2 * np.eye(3))], 9),
    Case("linalg.solve", lambda m, a, b: m.linalg.solve(a, b),
         [Input((2, 3, 3), lambda rng, s: rng.standard_normal(s) * 0.3 + 2 * np.eye(3)), randn(2, 3, 2)], 9),
    # creation (no inputs, or the dtype of one)
    Case("zeros", lambda m: m.zeros(2, 3), []),
    Case("ones", lambda m: m.ones((2, 3)), []),
    Case("full", lambda m: m.full((2, 3), 1.5), []),
    Case("arange", lambda m: m.arange(2, 11, 3), []),
    Case("eye", lambda m: m.eye(3, 4), []),
    Case("zeros_like", lambda m, a: m.zeros_like(a), [randn(2, 3, grad=False)]),
    Case("ones_like", lambda m, a: m.ones_like(a), [randn(2, 3, grad=False)]),
    # nn.functional
    Case("F.relu", lambda m, a: m.F.relu(a), [away(4, 5)]),
    Case("F.sigmoid", lambda m, a: m.F.sigmoid(a), [randn(4, 5)]),
    Case("F.tanh", lambda m, a: m.F.tanh(a), [randn(4, 5)]),
    Case("F.gelu", lambda m, a: m.F.gelu(a), [randn(4, 5)]),
    Case("F.gelu tanh", lambda m, a: m.F.gelu(a, approximate="tanh"), [randn(4, 5)]),
    Case("F.leaky_relu", lambda m, a: m.F.leaky_relu(a, negative_slope=0.1), [away(4, 5)]),
    # activations (inputs off their kinks: `away` never draws 0, +-0.5, 0.3; scaled by 2 or 4, never +-3 or 6)
    Case("F.silu", lambda m, a: m.F.silu(a), [randn(4, 5)]),
    Case("F.elu", lambda m, a: m.F.elu(a, alpha=0.7), [away(4, 5)]),
    Case("F.selu", lambda m, a: m.F.selu(a), [away(4, 5)]),
    Case("F.celu", lambda m, a: m.F.celu(a, alpha=1.3), [away(4, 5)]),
    Case("F.softplus", lambda m, a: m.F.softplus(a), [randn(4, 5)]),
    Case("F.softplus beta threshold", lambda m, a: m.F.softplus(a, beta=2.0, threshold=1.0), [away(4, 5)]),
    Case("F.softsign", lambda m, a: m.F.softsign(a), [randn(4, 5)]),
    Case("F.mish", lambda m, a: m.F.mish(a), [randn(4, 5)]),
    Case("F.hardtanh", lambda m, a: m.F.hardtanh(a, -0.5, 1.0), [away(4, 5)]),
    Case("F.relu6", lambda m, a: m.F.relu6(a * 4), [away(4, 5)]),
    Case("F.hardsigmoid", lambda m, a: m.F.hardsigmoid(a * 2), [away(4, 5)]),
    Case("F.hardswish", lambda m, a: m.F.hardswish(a * 2), [away(4, 5)]),
    Case("F.logsigmoid", lambda m, a: m.F.logsigmoid(a), [randn(4, 5)]),
    Case("F.glu", lambda m, a: m.F.glu(a, 1), [randn(4, 6)]),
    Case("F.prelu", lambda m, a, w: m.F.prelu(a, w), [away(2, 3, 4), randn(3)], 8),
    Case("prelu", lambda m, a, w: a.prelu(w), [away(2, 3), randn(1)], 6),
    Case("F.rrelu eval", lambda m, a: m.F.rrelu(a, 0.1, 0.3), [away(4, 5)]),
    Case("F.softmin", lambda m, a: m.F.softmin(a, 1), [randn(3, 4, 5)], 4),
    Case("F.threshold", lambda m, a: m.F.threshold(a, 0.3, -1.0), [away(4, 5)]),
    Case("F.tanhshrink", lambda m, a: m.F.tanhshrink(a), [randn(4, 5)]),
    Case("F.hardshrink", lambda m, a: m.F.hardshrink(a), [away(4, 5)]),
    Case("hardshrink", lambda m, a: a.hardshrink(0.25), [away(4, 5)]),
    Case("F.softshrink", lambda m, a: m.F.softshrink(a), [away(4, 5)]),
    Case("F.normalize", lambda m, a: m.F.normalize(a, dim=1), [randn(3, 4)], 4),
    Case("F.cosine_similarity", lambda m, a, b: m.F.cosine_similarity(a, b), [randn(3, 4), randn(4)], 4),
    Case("F.pairwise_distance", lambda m, a, b: m.F.pairwise_distance(a, b), [randn(3, 4), randn(3, 4)], 4),
    Case("F.pdist", lambda m, a: m.F.pdist(a), [randn(4, 3)], 3),
    Case("F.softmax", lambda m, a: m.F.softmax(a, 1), [randn(3, 4, 5)], 4),
    Case("F.log_softmax", lambda m, a: m.F.log_softmax(a, -1), [randn(3, 4, 5)], 5),
    Case("F.dropout p=0", lambda m, a: m.F.dropout(a, p=0.0), [randn(4, 5)]),
    Case("F.dropout p=1", lambda m, a: m.F.dropout(a, p=1.0), [randn(4, 5)]),
    Case("F.dropout eval", lambda m, a: m.F.dropout(a, p=0.5, training=False), [randn(4, 5)]),
    Case("F.linear", lambda m, x, w, b: m.F.linear(x, w, b), [randn(4, 3), randn(5, 3), randn(5)], 4),
    Case("F.linear no bias batched", lambda m, x, w: m.F.linear(x, w), [randn(2, 4, 3), randn(5, 3)], 8),
    Case("F.layer_norm", lambda m, x, w, b: m.F.layer_norm(x, (5,), w, b), [randn(4, 5), randn(5), randn(5)], 5),
    Case("F.layer_norm no affine", lambda m, x: m.F.layer_norm(x, (5,)), [randn(3, 4, 5)], 5),
    Case("F.layer_norm 2-D shape eps", lambda m, x, w: m.F.layer_norm(x, (4, 5), w, None, 1e-3),
         [randn(3, 4, 5), randn(4, 5)], 20),
    # batch, instance and group norm: K counts the values behind each channel's (or group's) statistics
    Case("F.batch_norm training", lambda m, x, w, b: m.F.batch_norm(x, None, None, w, b, training=True),
         [randn(4, 3, 5), randn(3), randn(3)], 20),
    Case("F.batch_norm eval", lambda m, x, mu, var, w, b: m.F.batch_norm(x, mu, var, w, b, eps=1e-3),
         [randn(1, 3, 4), randn(3, grad=False), Input((3,), lambda rng, s: rng.uniform(0.5, 2.0, s), False),
          randn(3), randn(3)]),
    Case("F.instance_norm", lambda m, x, w, b: m.F.instance_norm(x, weight=w, bias=b), [randn(2, 3, 6), randn(3),
                                                                                           randn(3)], 6),
    Case("F.group_norm", lambda m, x, w, b: m.F.group_norm(x, 2, w, b), [randn(2, 4, 3), randn(4), randn(4)], 6),
    Case("F.rms_norm", lambda m, x, w: m.F.rms_norm(x, (5,), w), [randn(3, 4, 5), randn(5)], 5),
    Case("F.local_response_norm", lambda m, x: m.F.local_response_norm(x, 3, alpha=0.5), [randn(2, 5, 4)], 3),
    Case("F.embedding", lambda m, i, w: m.F.embedding(i, w), [ints(6, 2, 5), randn(6, 3)], 10),
    Case("F.mse_loss", lambda m, p, y: m.F.mse_loss(p, y), PRED_TARGET, 20),
    Case("F.mse_loss sum", lambda m, p, y: m.F.mse_loss(p, y, reduction="sum"), PRED_TARGET, 20),
    Case("F.mse_loss none", lambda m, p, y: m.F.mse_loss(p, y, reduction="none"), PRED_TARGET),
    Case("F.cross_entropy", lambda m, z, t: m.F.cross_entropy(z, t), LOGITS_CLASSES, 30),
    Case("F.cross_entropy sum", lambda m, z, t: m.F.cross_entropy(z, t, reduction="sum"), LOGITS_CLASSES, 30),
    Case("F.cross_entropy none", lambda m, z, t: m.F.cross_entropy(z, t, reduction="none"), LOGITS_CLASSES, 5),
    Case("F.cross_entropy ignore_index", lambda m, z, t: m.F.cross_entropy(z, t),
         [randn(6, 5), const(CE_TARGETS)], 30),
    Case("F.cross_entropy ignore_index=2 none",
         lambda m, z, t: m.F.cross_entropy(z, t, reduction="none", ignore_index=2), LOGITS_CLASSES, 5),
    Case("F.cross_entropy label_smoothing", lambda m, z, t: m.F.cross_entropy(z, t, label_smoothing=0.1),
         [randn(6, 5), const(CE_TARGETS)], 30),
    Case("F.cross_entropy unbatched", lambda m, z, t: m.F.cross_entropy(z, t), [randn(5), ints(5)], 5),
    Case("F.cross_entropy (N, C, d)", lambda m, z, t: m.F.cross_entropy(z, t), [randn(2, 5, 3), ints(5, 2, 3)], 30),
    Case("F.cross_entropy probabilities", lambda m, z, p: m.F.cross_entropy(z, p), [randn(6, 5), simplex(6, 5)], 30),
    Case("F.cross_entropy probabilities smoothed",
         lambda m, z, p: m.F.cross_entropy(z, p, reduction="sum", label_smoothing=0.2),
         [randn(6, 5), simplex(6, 5)], 30),
    Case("F.binary_cross_entropy", lambda m, p, y: m.F.binary_cross_entropy(p, y), [prob(4, 3), binary(4, 3)], 12),
    Case("F.binary_cross_entropy soft sum", lambda m, p, y: m.F.binary_cross_entropy(p, y, reduction="sum"),
         [prob(4, 3), prob(4, 3, grad=False)], 12),
    Case("F.binary_cross_entropy none", lambda m, p, y: m.F.binary_cross_entropy(p, y, reduction="none"),
         [prob(4, 3), binary(4, 3)]),
    Case("F.binary_cross_entropy_with_logits", lambda m, z, y: m.F.binary_cross_entropy_with_logits(z, y),
         [randn(4, 3), binary(4, 3)], 12),
    Case("F.binary_cross_entropy_with_logits none",
         lambda m, z, y: m.F.binary_cross_entropy_with_logits(z, y, reduction="none"),
         [randn(4, 3), prob(4, 3, grad=False)]),
    Case("F.binary_cross_entropy_with_logits pos_weight",
         lambda m, z, y, w: m.F.binary_cross_entropy_with_logits(z, y, reduction="sum", pos_weight=w),
         [randn(4, 3), binary(4, 3), randn(3, grad=False)], 12),
    # the other losses, with class weights, margins and reductions as torch's
    Case("F.nll_loss weighted", lambda m, x, t, w: m.F.nll_loss(x, t, w), [randn(6, 5), ints(5, 6), const(LOSS_W)], 30),
    Case("F.cross_entropy weighted (N, C, d) smoothed",
         lambda m, z, t, w: m.F.cross_entropy(z, t, w, label_smoothing=0.1), [randn(2, 5, 3), ints(5, 2, 3),
                                                                               const(LOSS_W)], 30),
    Case("F.l1_loss", lambda m, p, y: m.F.l1_loss(p, y), PRED_TARGET, 20),
    Case("F.smooth_l1_loss", lambda m, p, y: m.F.smooth_l1_loss(p, y, beta=0.5), PRED_TARGET, 20),
    Case("F.huber_loss sum", lambda m, p, y: m.F.huber_loss(p, y, reduction="sum", delta=0.5), PRED_TARGET, 20),
    Case("F.kl_div batchmean", lambda m, x, q: m.F.kl_div(x, q, reduction="batchmean"), [randn(4, 5), simplex(4, 5)],
         20),
    Case("F.poisson_nll_loss", lambda m, x, t: m.F.poisson_nll_loss(x, t), [randn(4, 5), positive(4, 5)], 20),
    Case("F.gaussian_nll_loss", lambda m, x, y, v: m.F.gaussian_nll_loss(x, y, v),
         [randn(4, 5), randn(4, 5), positive(4, 5)], 20),
    Case("F.margin_ranking_loss", lambda m, a, b, y: m.F.margin_ranking_loss(a, b, y, margin=0.1),
         [randn(4, 5), randn(4, 5), const(LOSS_SIGNS)], 20),
    Case("F.hinge_embedding_loss", lambda m, x, y: m.F.hinge_embedding_loss(x, y), [randn(4, 5), const(LOSS_SIGNS)],
         20),
    Case("F.soft_margin_loss", lambda m, x, y: m.F.soft_margin_loss(x, y), [randn(4, 5), const(LOSS_SIGNS)], 20),
    Case("F.multilabel_soft_margin_loss", lambda m, x, y: m.F.multilabel_soft_margin_loss(x, y),
         [randn(4, 5), binary(4, 5)], 20),
    Case("F.cosine_embedding_loss", lambda m, a, b, y: m.F.cosine_embedding_loss(a, b, y, margin=0.2),
         [randn(4, 5), randn(4, 5), const(LOSS_SIGNS[:, 0])], 20),
    Case("F.triplet_margin_loss swap", lambda m, a, p, n: m.F.triplet_margin_loss(a, p, n, swap=True),
         [randn(4, 5), randn(4, 5), randn(4, 5)], 20),
    Case("F.multi_margin_loss", lambda m, x, t: m.F.multi_margin_loss(x, t), [randn(6, 5), ints(5, 6)], 30),
    # attention: K counts the S * E products in a score and the S values in an output
    Case("F.scaled_dot_product_attention", lambda m, q, k, v: m.F.scaled_dot_product_attention(q, k, v),
         [randn(2, 3, 4), randn(2, 5, 4), randn(2, 5, 6)], 20),
    Case("F.scaled_dot_product_attention heads broadcast", lambda m, q, k, v: m.F.scaled_dot_product_attention(q, k, v),
         [randn(2, 1, 3, 4), randn(1, 2, 5, 4), randn(2, 2, 5, 4)], 20),
    Case("F.scaled_dot_product_attention enable_gqa",
         lambda m, q, k, v: m.F.scaled_dot_product_attention(q, k, v, enable_gqa=True),
         [randn(2, 4, 3, 4), randn(2, 2, 5, 4), randn(2, 2, 5, 6)], 20),
    Case("F.scaled_dot_product_attention causal",
         lambda m, q, k, v: m.F.scaled_dot_product_attention(q, k, v, is_causal=True),
         [randn(2, 4, 3), randn(2, 4, 3), randn(2, 4, 3)], 12),
    Case("F.scaled_dot_product_attention causal L<S scale",
         lambda m, q, k, v: m.F.scaled_dot_product_attention(q, k, v, is_causal=True, scale=0.3), QKV, 20),
    Case("F.scaled_dot_product_attention bool mask",
         lambda m, q, k, v, a: m.F.scaled_dot_product_attention(q, k, v, attn_mask=a), [*QKV, mask(3, 5)], 20),
    Case("F.scaled_dot_product_attention float mask",
         lambda m, q, k, v, a: m.F.scaled_dot_product_attention(q, k, v, attn_mask=a),
         [*QKV, randn(2, 3, 5, grad=False)], 20),
    Case("F.scaled_dot_product_attention fully masked row",
         lambda m, q, k, v, a: m.F.scaled_dot_product_attention(q, k, v, attn_mask=a), [*QKV, const(ROWS_MASKED)], 20),
]


def _namespaces(torch):
    """What a case's `m` is: the engine's functions, or torch's under the same names."""
    names = ["zeros", "ones", "full", "arange", "eye", "zeros_like", "ones_like", "float32", "float64"]
    names += ["triu", "roll", "tile", "movedim", "diag", "meshgrid", "hstack", "vstack", "diagflat", "block_diag",
              "cartesian_prod", "combinations", "concat"]  # shape functions
    names += ["cumprod", "cummax", "diff", "topk", "median"]  # cumulative and sorting functions
    names += ["std_mean", "aminmax", "nansum", "count_nonzero", "einsum", "outer", "dot", "mv", "addmm", "addmv",
              "baddbmm", "addbmm", "tensordot", "kron", "cdist", "linalg"]  # reductions and linear algebra
    perm = np.array([[1, 0, 3, 2], [0, 1, 2, 3], [3, 2, 1, 0]])  # an index with no repeated position per row
    ours = SimpleNamespace(F=F, cat=Tensor.cat, stack=Tensor.stack, where=Tensor.where, PERM=Tensor(perm),
                           **{n: getattr(tg, n) for n in names})
    theirs = SimpleNamespace(F=torch.nn.functional, cat=torch.cat, stack=torch.stack, where=torch.where,
                             PERM=torch.from_numpy(perm), **{n: getattr(torch, n) for n in names})
    return ours, theirs


def _compare(ours, theirs, rtol, atol, what):
    """(max |ours - theirs|, a note when they disagree or "") for two numpy arrays."""
    if ours.shape != theirs.shape:
        return math.inf, f"{what}: shape {ours.shape} != torch's {theirs.shape}"
    if ours.dtype != theirs.dtype:
        return math.inf, f"{what}: dtype {ours.dtype} != torch's {theirs.dtype}"
    a, b = ours.astype(np.float64), theirs.astype(np.float64)
    with np.errstate(invalid="ignore"):  # inf - inf; a == b below covers equal infinities
        err = np.where((np.isnan(a) & np.isnan(b)) | (a == b), 0.0, np.abs(a - b))
    worst = float(err.max(initial=0.0))
    if np.any(np.isnan(err)) or np.any(err > atol + rtol * np.abs(b)):
        return worst, f"{what}: off by {worst:.1e}"
    return worst, ""


def run_case(case, dtype, seed, torch, namespaces):
    """(forward error, gradient error or None, note) for one case in one dtype; note "" means ok."""
    rng = np.random.default_rng([seed, zlib.crc32(case.name.encode())])
    arrays = [spec.make(rng, dtype) for spec in case.inputs]
    flags = [spec.grad and a.dtype.kind == "f" for spec, a in zip(case.inputs, arrays)]
    ours_in = [Tensor(a, requires_grad=f) for a, f in zip(arrays, flags)]
    theirs_in = [torch.from_numpy(np.array(a, copy=True)).requires_grad_(f) for a, f in zip(arrays, flags)]
    ours = case.fn(namespaces[0], *ours_in)
    theirs = (case.torch_fn or case.fn)(namespaces[1], *theirs_in)

    rtol, atol = (math.sqrt(case.reduce) * t for t in TOLERANCES[dtype])
    fwd_err, note = _compare(ours.numpy(), theirs.detach().numpy(), rtol, atol, "forward")
    if ours.requires_grad != theirs.requires_grad:
        return fwd_err, None, note or f"requires_grad {ours.requires_grad} != torch's {theirs.requires_grad}"
    if not theirs.requires_grad:
        return fwd_err, None, note

    upstream = rng.standard_normal(ours.shape).astype(ours.dtype)
    ours.backward(Tensor(upstream))
    theirs.backward(torch.from_numpy(np.array(upstream, copy=True)))
    grad_err = 0.0
    for i, (t_ours, t_theirs) in enumerate(zip(ours_in, theirs_in)):
        if not t_theirs.requires_grad or (t_theirs.grad is None and t_ours.grad is None):
            continue  # data, or an input the output does not depend on
        if t_ours.grad is None:
            note = note or f"input {i}: no gradient"
            continue
        g_theirs = np.zeros_like(arrays[i]) if t_theirs.grad is None else t_theirs.grad.numpy()
        err, bad = _compare(t_ours.grad.numpy(), g_theirs, rtol, atol, f"grad {i}")
        grad_err, note = max(grad_err, err), note or bad
    return fwd_err, grad_err, note


def _shapes(case):
    return ", ".join(spec.describe() for spec in case.inputs) or "-"


def _check_run_arguments(dtypes, seed, only, cases):
    """The dtypes as a tuple of names, after checking every argument of `run`."""
    dtypes = (dtypes,) if isinstance(dtypes, str) else dtypes
    if not isinstance(dtypes, (tuple, list)) or not dtypes or not all(isinstance(d, str) for d in dtypes):
        raise TypeError(f"run: dtypes must be a non-empty tuple of dtype names, not {dtypes!r}")
    unknown = [d for d in dtypes if d not in TOLERANCES]
    if unknown:
        raise ValueError(f"run: unknown dtype(s) {unknown}; choose from {tuple(TOLERANCES)}")
    check_number(seed, "seed", "run", integer=True, low=0)
    if only is not None and not isinstance(only, str):
        raise TypeError(f"run: only must be a str (text in the case names) or None, not {type(only).__name__}")
    if cases is not None and (not isinstance(cases, (tuple, list)) or not all(isinstance(c, Case) for c in cases)):
        raise TypeError("run: cases must be a list of Case")
    return tuple(dtypes)


def run(dtypes=("float32", "float64"), seed=0, only=None, cases=None):
    """Run every case in every dtype, print the table and a summary; 0 if all pass, 1 if not, 2 without torch."""
    dtypes = _check_run_arguments(dtypes, seed, only, cases)
    try:
        import torch
    except ImportError:
        print(INSTALL_HINT)
        return 2
    cases = [c for c in (CASES if cases is None else cases) if only is None or only in c.name]
    if not cases:
        print(f"no case's name contains {only!r}")
        return 2
    namespaces = _namespaces(torch)
    name_w = max([len(c.name) for c in cases] + [2])
    shape_w = max([len(_shapes(c)) for c in cases] + [6])
    row = f"{{:<{name_w}}}  {{:<{shape_w}}}  {{:<7}}  {{:>3}}  {{:>8}}  {{:>8}}  {{}}".format
    header = row("op", "shapes", "dtype", "K", "fwd err", "grad err", "verdict")
    print(header + "\n" + "-" * len(header))
    failures = []
    for dtype in dtypes:
        for case in cases:
            try:
                fwd, grad, note = run_case(case, dtype, seed, torch, namespaces)
            except Exception as exc:  # an op that raises is a failure, reported in its row
                fwd, grad, note = None, None, f"{type(exc).__name__}: {exc}".splitlines()[0][:100]
            fwd_s = "-" if fwd is None else f"{fwd:.1e}"
            grad_s = "-" if grad is None else f"{grad:.1e}"
            verdict = f"FAIL  {note}" if note else "ok"
            print(row(case.name, _shapes(case), dtype, case.reduce, fwd_s, grad_s, verdict))
            if note:
                failures.append(f"{case.name} ({dtype})")
    total = len(cases) * len(dtypes)
    print(f"\n{total} cases ({', '.join(dtypes)}; seed {seed}; torch {torch.__version__}): "
          f"{total - len(failures)} ok, {len(failures)} FAIL")
    if failures:
        print("FAIL: " + "; ".join(failures))
    return 1 if failures else 0
