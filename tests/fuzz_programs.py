"""Differential fuzzing: random short programs, run in the engine and in torch side by side.

A program starts from a leaf tensor and applies 1-6 steps. Each step picks an op
(arithmetic and comparisons, unary math and activations, reductions, movement,
indexing, matmul, cat/stack, softmax, where, casts, in-place updates, device moves)
and its operands: values computed so far, fresh leaves, and the things a user
mixes with tensors: numpy arrays, Python numbers and numpy scalars, on either side
of an operator. Axes are spelled every way the contract allows (positional, `dim=`,
`axis=`, omitted, tuples, out of range). Leaves are float16/32/64, int64/32/16/8,
uint8 or bool (numpy operands also uint64), with empty (size-0) axes, size-1 axes
and 0-d shapes; one float16 leaf in ten on "cpu" has 66,000 elements (sums past
float16's 65,504).

Each step is a `Step`: the call as the engine's user writes it, torch's twin, the
operands, and where the step has kinks (tests/fuzz_check.py runs steps and compares).

The randomness comes from a `Draws` object: `RandomDraws(seed)` in scripts/fuzz.py,
a hypothesis-backed one in tests/test_fuzz.py (which shrinks failing programs).
"""
import math
import operator
import random
from dataclasses import dataclass

import numpy as np
import torch

import tinygrad_lite as tg
import tinygrad_lite.nn.functional as F
from tinygrad_lite import Tensor


# ---- where the randomness comes from ----------------------------------------------------

class RandomDraws:
    """Draws from Python's seeded generator. Subclasses override `integer` (and may override
    `permutation`); every other draw is built on them, with the simplest choice first."""

    def __init__(self, seed):
        self.rng = random.Random(seed)

    def integer(self, lo, hi):
        """An integer in [lo, hi]."""
        return self.rng.randint(lo, hi)

    def choice(self, options):
        return options[self.integer(0, len(options) - 1)]

    def chance(self, n):
        """True one time in n."""
        return self.integer(0, n - 1) == n - 1

    def permutation(self, items):
        items = list(items)
        self.rng.shuffle(items)
        return items


# ---- dtypes, shapes, leaf values -------------------------------------------------------

FLOATS = [np.dtype(d) for d in (np.float32, np.float64, np.float16)]
INTS = [np.dtype(d) for d in (np.int64, np.int32, np.int16, np.int8, np.uint8)]
BOOL = np.dtype(np.bool_)
DTYPES = FLOATS + INTS + [BOOL]
# numpy arrays may also be uint64, which tensors refuse (torch has no promotion rules for it)
ARRAY_DTYPES = DTYPES + [np.dtype(np.uint64)]
# A program's main dtype: floats weigh more, since most steps are about values and gradients.
MAIN_DTYPES = FLOATS * 4 + INTS + [BOOL]
SIDES = [2, 3, 1, 2, 3, 1, 4, 0]  # 1: a broadcastable axis; 0: an empty one, one axis in eight
BIG_FLOAT16 = 66_000  # elements of the rare big float16 leaf: its sum passes float16's 65,504

PYTHON_SCALARS = [2, 0.5, -1, 3, -2.5, 0, 1.5, True, False, 2.0, -3]
NUMPY_SCALARS = [np.float64(1.5), np.float32(-0.75), np.float16(2.5), np.int64(2), np.int32(-3), np.int8(3),
                 np.uint8(5), np.bool_(True), np.float64(-2.0), np.int16(-2), np.uint64(3)]


def leaf_array(draw, shape, dtype):
    """Values of one leaf: a grid of distinct numbers (k + 1/2) / 4; or quarters with zeros and
    ties (the kinks); or the grid with nan, +-inf and +-0 mixed in. Integers are small (with the
    dtype's extremes, rarely); uint8 non-negative; bools fair coins."""
    dtype = np.dtype(dtype)
    rng = np.random.default_rng(draw.integer(0, 2**32 - 1))
    style = draw.integer(0, 9)
    n = math.prod(shape)
    if dtype == BOOL:
        return (rng.random(n) < 0.5).reshape(shape)
    if dtype.kind in "iu":
        values = rng.integers(0 if dtype.kind == "u" else -14, 28 if dtype.kind == "u" else 14, n).astype(dtype)
        if style == 9 and n:
            info = np.iinfo(dtype)
            values[rng.integers(0, n, 2)] = [info.min, info.max]
        return values.reshape(shape)
    if n >= BIG_FLOAT16:  # positive, so the sum really grows past float16's range
        return ((np.resize(rng.permutation(28), n) + 0.5) / 4 + 2).astype(dtype).reshape(shape)
    if style <= 6:
        values = (np.resize(rng.permutation(np.arange(-14, 14)), n) + 0.5) / 4
    elif style <= 8:
        values = rng.integers(-4, 5, n) / 4
    else:
        values = (np.resize(rng.permutation(np.arange(-14, 14)), n) + 0.5) / 4
        if n:
            specials = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0])
            at = rng.integers(0, n, min(n, 3))
            values[at] = rng.choice(specials, len(at))
    return values.astype(dtype).reshape(shape)


def float_dtypes(*arrays):
    return [a.dtype for a in arrays if a.dtype.kind == "f"]


def tolerance(dtypes):
    """(rtol, atol) for results that went through floats of `dtypes`: the least precise one decides."""
    itemsizes = [np.dtype(d).itemsize for d in dtypes if np.dtype(d).kind == "f"]
    least = min(itemsizes, default=8)
    return {2: (2e-2, 2e-2), 4: (1e-4, 1e-4), 8: (1e-9, 1e-9)}[least]


# ---- the program's values ---------------------------------------------------------------

class Value:
    """A tensor of the program, in both engines; `device` is the engine tensor's."""

    def __init__(self, ours, theirs, name, device="cpu"):
        self.ours, self.theirs, self.name, self.device = ours, theirs, name, device

    def __repr__(self):
        return self.name

    @property
    def array(self):  # torch's values: the reference, for drawing shapes and checking domains
        return self.theirs.detach().numpy()

    @property
    def our_array(self):
        return self.ours.numpy()

    def describe(self):
        return {"kind": "tensor", "dtype": str(self.array.dtype), "shape": list(self.array.shape),
                "device": self.device}


class Const:
    """A non-tensor operand: a Python number, a numpy scalar or a numpy array, passed as it is.

    Torch gets the same number (it reads numpy scalars as numbers), or the array as a tensor
    (torch.from_numpy): what `torch.tensor(array)` would hold."""

    def __init__(self, value, text):
        self.value, self.text = value, text
        self.ours = value
        self.theirs = torch.from_numpy(value.copy()) if isinstance(value, np.ndarray) else value

    def __repr__(self):
        return self.text

    @property
    def array(self):
        return np.asarray(self.value)

    our_array = array

    def describe(self):
        kind = "array" if isinstance(self.value, np.ndarray) else \
            "numpy scalar" if isinstance(self.value, np.generic) else "python scalar"
        return {"kind": kind, "dtype": str(self.array.dtype) if kind != "python scalar" else type(self.value).__name__,
                "shape": list(self.array.shape)}


def _broadcasts(a, b):
    try:
        np.broadcast_shapes(a, b)
        return True
    except ValueError:
        return False


class Program:
    """The values computed so far, the leaves among them, and the program's text."""

    def __init__(self, draw, devices=("cpu",)):
        self.draw = draw
        self.device = draw.choice(list(devices))
        self.devices = list(devices)
        self.dtype = draw.choice(MAIN_DTYPES)
        self.values, self.leaves, self.lines, self.ops = [], [], [], []
        self.names = 0  # values named so far (v0, v1, ...; leaves x0, x1, ...)

    @property
    def text(self):
        return "\n".join(self.lines)

    def shape(self):
        return tuple(self.draw.choice(SIDES) for _ in range(self.draw.integer(0, 3)))

    def dtype_for_leaf(self):
        return self.dtype if self.draw.integer(0, 3) else self.draw.choice(DTYPES)

    def leaf(self, shape=None, dtype=None):
        dtype = np.dtype(self.dtype_for_leaf() if dtype is None else dtype)
        if shape is None:
            # (on "cpu" only: the interpreter runs a kernel over 66,000 elements one block at a time)
            big = dtype == np.float16 and self.device == "cpu" and self.draw.chance(10)
            shape = (BIG_FLOAT16,) if big else self.shape()
        array = leaf_array(self.draw, shape, dtype)
        grad = dtype.kind == "f" and not self.draw.chance(6)
        name = f"x{len(self.leaves)}"
        ours = Tensor(array, requires_grad=grad, device=self.device)
        theirs = torch.from_numpy(array.copy()).requires_grad_(grad)
        value = Value(ours, theirs, name, self.device)
        self.leaves.append(value)
        self.values.append(value)
        self.lines.append(f"{name} = Tensor(<{dtype.name} {shape}>, requires_grad={grad}"
                          + (f", device={self.device!r})" if self.device != "cpu" else ")"))
        return value

    def operand(self):
        """A value computed so far (usually) or a fresh leaf."""
        if self.draw.chance(4):
            return self.leaf()
        return self.draw.choice(self.values)

    def fitting_shape(self, shape):
        """A shape that broadcasts with `shape` (a suffix of it, some axes set to 1)."""
        ndim = self.draw.integer(0, len(shape))
        return tuple(n if self.draw.integer(0, 1) else 1 for n in shape[len(shape) - ndim:])

    def operand_like(self, shape):
        """Usually a value computed so far, or a fresh leaf, whose shape broadcasts with `shape`;
        sometimes any operand (which may not broadcast)."""
        way = self.draw.integer(0, 3)
        fitting = [v for v in self.values if _broadcasts(v.array.shape, shape)]
        if way <= 1 and fitting:
            return self.draw.choice(fitting)
        if way <= 2:
            return self.leaf(self.fitting_shape(shape))
        return self.operand()

    def other(self, shape):
        """The second operand of a binary op: a tensor, a numpy array, a Python or numpy scalar."""
        kind = self.draw.integer(0, 9)
        if kind <= 5:
            return self.operand_like(shape)
        if kind <= 6:
            dtype = np.dtype(self.draw.choice(ARRAY_DTYPES))
            fit = self.fitting_shape(shape) if self.draw.integer(0, 3) else self.shape()
            return Const(leaf_array(self.draw, fit, dtype), f"np.array(<{dtype.name} {fit}>)")
        if kind == 7:
            value = self.draw.choice(PYTHON_SCALARS)
            return Const(value, repr(value))
        if kind == 8:
            value = self.draw.choice(NUMPY_SCALARS)
            return Const(value, f"np.{type(value).__name__}({value!r})")
        dtype = np.dtype(self.draw.choice(DTYPES))
        return Const(leaf_array(self.draw, (), dtype), f"np.array(<{dtype.name} ()>)")

    def axis(self, ndim, new_axes=0):
        """An axis, usually in range, sometimes one past either end."""
        span = max(ndim + new_axes, 1)
        return self.draw.integer(-span - 1, span)


# ---- steps ------------------------------------------------------------------------------

@dataclass
class Step:
    """One call, in both engines. `ours`/`theirs` take the operands' engine/torch objects.
    `kinks(arrays)` classes each operand element by the side of a kink it is on (None: no kink);
    `fragile(arrays)` says the step would magnify rounding differences without limit."""
    text: str
    op: str
    ours: object
    theirs: object
    operands: list
    kinks: object = None
    fragile: object = None


def _sign(x):
    return np.sign(np.asarray(x, dtype=np.float64))


def _tiny(x, limit=0.05):
    x = np.abs(np.asarray(x, dtype=np.float64))
    return bool(np.any((x > 0) & (x < limit)))


def _diff_sign(a, b):
    try:
        return _sign(np.asarray(a, np.float64) - np.asarray(b, np.float64))
    except ValueError:  # shapes that do not broadcast: the step fails anyway
        return None


def _extremes(x, axes, smallest=False):
    """Where x equals its max (min) along `axes`: the elements a max's gradient can go to."""
    try:
        x = np.asarray(x, np.float64)
        if x.size == 0:
            return None
        m = np.min(x, axis=axes, keepdims=True) if smallest else np.max(x, axis=axes, keepdims=True)
        return x == m
    except (ValueError, TypeError, np.exceptions.AxisError):
        return None


def _call_text(name, args, kwargs):
    parts = [repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items()]
    return f"{name}({', '.join(parts)})"


BINARY = {  # op: (operator, text)
    "add": (operator.add, "{} + {}"), "sub": (operator.sub, "{} - {}"), "mul": (operator.mul, "{} * {}"),
    "div": (operator.truediv, "{} / {}"), "pow": (operator.pow, "{} ** {}"),
    "eq": (operator.eq, "{} == {}"), "ne": (operator.ne, "{} != {}"), "lt": (operator.lt, "{} < {}"),
    "le": (operator.le, "{} <= {}"), "gt": (operator.gt, "{} > {}"), "ge": (operator.ge, "{} >= {}"),
}
COMPARISONS = {"eq", "ne", "lt", "le", "gt", "ge"}
# torch's name for a reflected comparison: 2 < t is t > 2
_FLIPPED = {"lt": "gt", "le": "ge", "gt": "lt", "ge": "le", "eq": "eq", "ne": "ne"}


def _torch_extremum(name):
    """torch.maximum/minimum, with a number as the other operand promoted as torch promotes numbers
    (torch.maximum itself takes only tensors)."""
    fn = getattr(torch, name)

    def call(t, other):
        if isinstance(other, torch.Tensor):
            return fn(t, other)
        dtype = torch.result_type(t, other)
        return fn(t.to(dtype), torch.tensor(other, dtype=dtype))
    return call


def binary_step(p):
    a = p.operand()
    draw = p.draw
    op = draw.choice(["add", "mul", "sub", "div", "maximum", "minimum", "pow", "lt", "eq", "ge", "ne", "gt", "le"])
    b = p.other(a.array.shape)
    if op in ("maximum", "minimum"):
        return Step(f"{a}.{op}({b})", op, lambda s, t: getattr(s, op)(t), _torch_extremum(op), [a, b],
                    kinks=lambda x, y: _diff_sign(x, y))
    reverse = isinstance(b, Const) and draw.chance(3)
    left, right = (b, a) if reverse else (a, b)
    fn, text = BINARY[op]
    kinks = fragile = None
    if op in COMPARISONS:
        kinks = _diff_sign
    elif op == "div":
        fragile = lambda x, y: _tiny(y)  # noqa: E731
    elif op == "pow":
        kinks = lambda x, y: _sign(x)  # noqa: E731  (the derivative of x**y at x = 0; nan below)
        fragile = lambda x, y: _tiny(x) or bool(np.any(np.abs(np.asarray(y, np.float64)) > 6))  # noqa: E731
    name = _FLIPPED[op] if reverse and op in COMPARISONS else op
    return Step(text.format(left, right), name, fn, fn, [left, right], kinks=kinks, fragile=fragile)


UNARY = {  # op: (engine, torch, kink classes of x or None, fragile or None)
    "neg": (operator.neg, operator.neg, None, None),
    "abs": (lambda t: t.abs(), torch.abs, _sign, None),
    "exp": (lambda t: t.exp(), torch.exp, None, lambda x: bool(np.any(np.asarray(x, np.float64) > 10))),
    "log": (lambda t: t.log(), torch.log, _sign, _tiny),
    "sqrt": (lambda t: t.sqrt(), torch.sqrt, _sign, _tiny),
    "tanh": (lambda t: t.tanh(), torch.tanh, None, None),
    "sigmoid": (lambda t: t.sigmoid(), torch.sigmoid, None, None),
    "relu": (lambda t: t.relu(), torch.relu, _sign, None),
    "F.relu": (F.relu, torch.nn.functional.relu, _sign, None),
    "gelu": (lambda t: t.gelu(), torch.nn.functional.gelu, None, None),
    "gelu(tanh)": (lambda t: t.gelu(approximate="tanh"),
                   lambda t: torch.nn.functional.gelu(t, approximate="tanh"), None, None),
    "leaky_relu": (lambda t: t.leaky_relu(0.1), lambda t: torch.nn.functional.leaky_relu(t, 0.1), _sign, None),
    "clip": (lambda t: t.clip(-1.0, 0.5), lambda t: torch.clamp(t, -1.0, 0.5),
             lambda x: (_sign(np.asarray(x, np.float64) + 1), _sign(np.asarray(x, np.float64) - 0.5)), None),
    "clip(lo=0)": (lambda t: t.clip(0), lambda t: torch.clamp(t, 0), _sign, None),
}


def unary_step(p):
    a = p.operand()
    op = p.draw.choice(list(UNARY))
    ours, theirs, kinks, fragile = UNARY[op]
    name = op.split("(")[0].replace("F.", "")
    text = {"neg": f"-{a}", "F.relu": f"F.relu({a})", "gelu(tanh)": f"{a}.gelu(approximate='tanh')",
            "leaky_relu": f"{a}.leaky_relu(0.1)", "clip": f"{a}.clip(-1.0, 0.5)",
            "clip(lo=0)": f"{a}.clip(0)"}.get(op, f"{a}.{op}()")
    return Step(text, name, ours, theirs, [a], kinks=kinks, fragile=fragile)


def _spelled(p, value, name="dim", positional=True):
    """(args, kwargs) giving `value` positionally, as dim= or as axis=."""
    way = p.draw.integer(0 if positional else 1, 2)
    return ((value,), {}) if way == 0 else ((), {name if way == 1 else "axis": value})


REDUCTIONS = ["sum", "mean", "max", "min", "logsumexp", "var", "argmax", "argmin", "amax", "amin"]
_TUPLE_AXES = {"sum", "mean", "logsumexp", "var", "amax", "amin"}
_DIM_REQUIRED = {"logsumexp"}  # torch has no all-axes form


def reduce_step(p):
    a = p.operand()
    draw = p.draw
    op = draw.choice(REDUCTIONS)
    ndim = a.array.ndim
    form = draw.integer(0 if op not in _DIM_REQUIRED else 1, 3)
    args, kwargs = (), {}
    axes = None
    if form == 1 or (form == 3 and op not in _TUPLE_AXES):
        axes = p.axis(ndim)
    elif form == 2 and op in _TUPLE_AXES:
        axes = tuple(draw.permutation(range(max(ndim, 1)))[:draw.integer(0, 2)])
    elif form >= 2:
        axes = p.axis(ndim)
    if axes is not None:
        args, kwargs = _spelled(p, axes)
        if draw.integer(0, 1):
            kwargs["keepdim"] = bool(draw.integer(0, 1))
    if op == "var" and draw.chance(3):
        kwargs["correction"] = draw.integer(0, 1)
    torch_kwargs = {k: v for k, v in kwargs.items() if k != "axis"}
    if "axis" in kwargs or args:
        torch_kwargs["dim"] = axes
    text = _call_text(f"{a}.{op}", args, kwargs)
    smallest = op in ("min", "argmin", "amin")
    norm_axes = None if axes is None else axes
    kinks = None
    if op in ("max", "min", "argmax", "argmin", "amax", "amin"):
        kinks = lambda x: _extremes(x, norm_axes, smallest)  # noqa: E731
    fragile = (lambda x: bool(np.any(np.abs(np.asarray(x, np.float64)) > 20))) if op == "logsumexp" else None

    def theirs(t):
        if op == "logsumexp":
            return torch.logsumexp(t, **torch_kwargs)
        return getattr(t, op)(**torch_kwargs)
    return Step(text, op, lambda t: getattr(t, op)(*args, **kwargs), theirs, [a], kinks=kinks, fragile=fragile)


def softmax_step(p):
    a = p.operand()
    op = p.draw.choice(["softmax", "log_softmax", "F.softmax", "F.log_softmax"])
    dim = p.axis(a.array.ndim)
    name = op.replace("F.", "")
    args, kwargs = _spelled(p, dim)
    if op.startswith("F."):
        fn = getattr(F, name)
        return Step(_call_text(op, (a,) + args, kwargs), name, lambda t: fn(t, *args, **kwargs),
                    lambda t: getattr(torch.nn.functional, name)(t, dim=dim), [a])
    return Step(_call_text(f"{a}.{op}", args, kwargs), name, lambda t: getattr(t, op)(*args, **kwargs),
                lambda t: getattr(t, op)(dim=dim), [a])


def _permute_dims(p, ndim):
    dims = list(p.draw.permutation(range(ndim)))
    change = p.draw.integer(0, 5)
    if change == 1:
        dims.append(0)  # one axis too many
    elif change == 2 and dims:
        dims[p.draw.integer(0, len(dims) - 1)] = p.draw.choice([ndim, -ndim - 1])  # out of range
    elif change == 3 and dims:
        dims = [d - ndim for d in dims]  # negative spellings
    elif change == 4 and len(dims) > 1:
        dims[0] = dims[1]  # a repeated axis
    return tuple(dims)


def movement_step(p):
    a = p.operand()
    draw = p.draw
    x = a.array
    kind = draw.choice(["reshape", "permute", "transpose", "unsqueeze", "squeeze", "expand", "flatten", "T"])
    if kind == "reshape":
        size = x.size
        shape = draw.choice([(size,), (-1,), x.shape[::-1], (1,) + x.shape, (size + 1,), (2, -1), (-1, -1)])
        if not shape or draw.integer(0, 1):  # torch's reshape() needs an argument: () is spelled as a tuple
            return Step(f"{a}.reshape({shape})", "reshape", lambda t: t.reshape(shape),
                        lambda t: t.reshape(shape), [a])
        return Step(f"{a}.reshape(*{shape})", "reshape", lambda t: t.reshape(*shape),
                    lambda t: t.reshape(*shape), [a])
    if kind == "permute":
        dims = _permute_dims(p, x.ndim)
        if dims and p.draw.integer(0, 1):
            return Step(f"{a}.permute(*{dims})", "permute", lambda t: t.permute(*dims),
                        lambda t: t.permute(*dims), [a])
        return Step(f"{a}.permute({dims})", "permute", lambda t: t.permute(dims), lambda t: t.permute(dims), [a])
    if kind == "transpose":
        i, j = p.axis(x.ndim), p.axis(x.ndim)
        return Step(f"{a}.transpose({i}, {j})", "transpose", lambda t: t.transpose(i, j),
                    lambda t: t.transpose(i, j), [a])
    if kind == "unsqueeze":
        args, kwargs = _spelled(p, p.axis(x.ndim, new_axes=1))
        dim = (args + tuple(kwargs.values()))[0]
        return Step(_call_text(f"{a}.unsqueeze", args, kwargs), "unsqueeze", lambda t: t.unsqueeze(*args, **kwargs),
                    lambda t: t.unsqueeze(dim), [a])
    if kind == "squeeze":
        form = draw.integer(0, 2)
        if form == 0:
            return Step(f"{a}.squeeze()", "squeeze", lambda t: t.squeeze(), lambda t: t.squeeze(), [a])
        dim = p.axis(x.ndim) if form == 1 else tuple(draw.permutation(range(max(x.ndim, 1)))[:2])
        args, kwargs = _spelled(p, dim)
        return Step(_call_text(f"{a}.squeeze", args, kwargs), "squeeze", lambda t: t.squeeze(*args, **kwargs),
                    lambda t: t.squeeze(dim), [a])
    if kind == "expand":
        # torch's expand() needs at least one size, so a 0-d tensor always gains an axis
        lead = tuple(draw.choice(SIDES) for _ in range(draw.integer(0 if x.ndim else 1, 1)))
        shape = lead + tuple(draw.choice(SIDES + [-1]) if n == 1 or draw.chance(6) else n for n in x.shape)
        return Step(f"{a}.expand{shape}", "expand", lambda t: t.expand(*shape), lambda t: t.expand(*shape), [a])
    if kind == "flatten":
        if draw.integer(0, 1):
            return Step(f"{a}.flatten()", "flatten", lambda t: t.flatten(), lambda t: t.flatten(), [a])
        start, end = p.axis(x.ndim), p.axis(x.ndim)
        return Step(f"{a}.flatten({start}, {end})", "flatten", lambda t: t.flatten(start, end),
                    lambda t: t.flatten(start, end), [a])
    if x.ndim > 2:  # torch deprecates .T on more than 2 axes
        return None
    return Step(f"{a}.T", "T", lambda t: t.T, lambda t: t.T, [a])


def _index_item(p, n):
    """One item of an index for an axis of size n, and a text for it."""
    draw = p.draw
    form = draw.integer(0, 6)
    if form == 0:
        i = draw.integer(-n - 1, n)
        return i, i
    if form == 1:
        s = slice(draw.integer(-4, 4), draw.choice([None, -4, -1, 0, 2, 4]), draw.choice([None, 1, 2, 3]))
        return s, s
    if form == 2:
        rows = np.array([draw.integer(-n - 1, n) for _ in range(draw.integer(0, 3))], dtype=np.int64)
        wrap = draw.integer(0, 2)  # a numpy array, a list or a Tensor
        if wrap == 1:
            return rows.tolist(), rows.tolist()
        if wrap == 2:
            return ("tensor", rows), rows
        return rows, rows
    if form == 3:
        mask = np.array([draw.integer(0, 1) == 1 for _ in range(n)], dtype=bool)
        return mask, mask
    if form == 4:
        return None, None
    if form == 5:
        return Ellipsis, Ellipsis
    return slice(None), slice(None)


def index_step(p):
    a = p.operand()
    shape = a.array.shape
    if p.draw.chance(4) and shape:  # a bool mask of the whole shape
        mask = leaf_array(p.draw, shape, BOOL)
        items = [mask]
    else:
        items = [_index_item(p, shape[i] if i < len(shape) else 1)[0] for i in range(p.draw.integer(1, 3))]
        while sum(i is Ellipsis for i in items) > 1:  # torch takes several; numpy (and the engine) one
            items.pop(next(k for k, i in enumerate(items) if i is Ellipsis))

    def ours_item(item):
        return Tensor(item[1], device=p.device) if isinstance(item, tuple) and item and item[0] == "tensor" \
            else item

    def theirs_item(item):
        if isinstance(item, tuple) and item and item[0] == "tensor":
            return torch.from_numpy(item[1].copy())
        return torch.from_numpy(item.copy()) if isinstance(item, np.ndarray) else item

    ours_index = tuple(ours_item(i) for i in items)
    theirs_index = tuple(theirs_item(i) for i in items)
    if len(items) == 1 and p.draw.integer(0, 1):  # a bare item, not a 1-tuple
        ours_index, theirs_index = ours_index[0], theirs_index[0]
    text = ", ".join("Tensor(" + repr(i[1].tolist()) + ")" if isinstance(i, tuple) else
                     repr(i.tolist()) if isinstance(i, np.ndarray) else repr(i) for i in items)
    return Step(f"{a}[{text}]", "index", lambda t: t[ours_index], lambda t: t[theirs_index], [a])


def matmul_step(p):
    a = p.operand()
    x = a.array
    draw = p.draw
    if x.ndim and draw.integer(0, 1):
        b = p.leaf(x.shape[-1:] + (draw.choice(SIDES),), dtype=x.dtype if draw.integer(0, 3) else None)
    elif draw.chance(4):
        dtype = np.dtype(draw.choice(FLOATS))
        shape = (x.shape[-1:] if x.ndim else ()) + (draw.choice(SIDES),) * draw.integer(0, 1)
        b = Const(leaf_array(draw, shape, dtype), f"np.array(<{dtype.name} {shape}>)")
    else:
        b = p.operand()
    if isinstance(b, Const) and draw.integer(0, 1):
        return Step(f"{b} @ {a}", "matmul", operator.matmul, operator.matmul, [b, a])
    return Step(f"{a} @ {b}", "matmul", operator.matmul, operator.matmul, [a, b])


def join_step(p):
    a = p.operand()
    kind = p.draw.choice(["cat", "stack"])
    others = [p.leaf(a.array.shape) if p.draw.integer(0, 1) else p.operand() for _ in range(p.draw.integer(1, 2))]
    dim = p.axis(a.array.ndim, new_axes=kind == "stack")
    form = p.draw.integer(0, 3)
    args, kwargs = ((), {}) if form == 3 else _spelled(p, dim)
    dim = 0 if form == 3 else dim
    operands = [a] + others
    fn = getattr(tg, kind)
    return Step(_call_text(f"tg.{kind}", (operands,) + args, kwargs), kind,
                lambda *ts: fn(list(ts), *args, **kwargs), lambda *ts: getattr(torch, kind)(list(ts), dim=dim),
                operands)


def where_step(p):
    a = p.operand()
    b, c = p.other(a.array.shape), p.other(a.array.shape)
    if a.array.dtype == BOOL and p.draw.integer(0, 1):
        return Step(f"tg.where({a}, {b}, {c})", "where", lambda s, t, u: tg.where(s, t, u),
                    lambda s, t, u: torch.where(s, t, u), [a, b, c])
    return Step(f"tg.where({a} > 0, {b}, {c})", "where", lambda s, t, u: tg.where(s > 0, t, u),
                lambda s, t, u: torch.where(s > 0, t, u), [a, b, c], kinks=lambda x, y, z: _sign(x))


_TORCH_DTYPES = {np.dtype(d): getattr(torch, n) for d, n in [
    (np.float16, "float16"), (np.float32, "float32"), (np.float64, "float64"), (np.int64, "int64"),
    (np.int32, "int32"), (np.int16, "int16"), (np.int8, "int8"), (np.uint8, "uint8"), (np.bool_, "bool")]}


def cast_step(p):
    a = p.operand()
    dtype = np.dtype(p.draw.choice(DTYPES))
    # float -> int truncates toward zero; out of the integer's range it is undefined in both
    kinks = (lambda x: np.trunc(np.asarray(x, np.float64))) if a.array.dtype.kind == "f" else None
    fragile = (lambda x: bool(np.any(~np.isfinite(x)) or np.any(np.abs(np.asarray(x, np.float64)) > 100))) \
        if a.array.dtype.kind == "f" and dtype.kind in "iub" else None
    return Step(f"{a}.astype({dtype.name})", "astype", lambda t: t.astype(dtype),
                lambda t: t.to(_TORCH_DTYPES[dtype]), [a], kinks=kinks, fragile=fragile)


def inplace_step(p):
    """x = copy of a value; x.add_(b) (or +=). Tensor operands are detached: the engine records no
    in-place update in a graph (it refuses one on a tensor that requires grad), so only values,
    dtypes and errors are compared."""
    a = p.operand()
    op = p.draw.choice(["add_", "mul_", "sub_", "div_", "+=", "*="])
    b = p.other(a.array.shape)
    method = {"+=": "add_", "*=": "mul_"}.get(op, op)

    def ours(s, t):
        copy = Tensor(s.numpy(), device=s.device)
        return getattr(copy, method)(t.detach() if isinstance(t, Tensor) else t)

    def theirs(s, t):
        return getattr(s.detach().clone(), method)(t.detach() if isinstance(t, torch.Tensor) else t)
    text = f"{a}.clone() {op[0]}= {b}" if op.endswith("=") else f"{a}.clone().{op}({b})"
    return Step(text, method, ours, theirs, [a, b],
                fragile=(lambda x, y: _tiny(y)) if method == "div_" else None)


def device_step(p):
    """Move a value to another device: results stay in torch's (CPU); ops that mix devices must fail."""
    others = [d for d in p.devices if d != p.values[-1].device]
    if not others:
        return None
    a = p.operand()
    target = p.draw.choice(others)
    return Step(f"{a}.to({target!r})", "to", lambda t: t.to(target), lambda t: t, [a])


STEPS = [binary_step] * 4 + [unary_step] * 2 + [reduce_step] * 2 + [movement_step] * 2 + [
    softmax_step, index_step, matmul_step, join_step, where_step, cast_step, inplace_step, device_step]
