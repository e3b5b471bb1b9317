"""Differential fuzzing: random short programs run in the engine and in torch side by side.

A program starts from one or two leaf tensors and applies 2-6 steps. Each step
picks an op (arithmetic with broadcasting, unary math, activations, reductions,
movement, indexing, matmul, cat/stack, softmax, where, maximum) and operands among
the values computed so far, or a fresh leaf. Shapes include 0-d tensors, size-1
axes and empty (size-0) axes, and operands are often incompatible on purpose.

At every step either both engines succeed, with the same values, shapes and
dtypes, or both fail; the engine then with the designed exception (ValueError for
shapes, IndexError for indices, ValueError or IndexError for an axis out of range),
whose message names the op. The program stops at the first failure. After the
last step, both back-propagate sum(last * W) for a random W and every leaf's
gradient must agree.

Kinks are avoided by construction: leaves are drawn from a grid of distinct
non-zero numbers ((k + 1/2) / 4), and a step is skipped when its operand is at a
kink (relu/abs/leaky_relu within 1e-3 of zero, a tie in max/min/maximum) or off the
op's safe domain (log/sqrt of values under 0.05, exp of values over 8, division by
values under 0.05 in magnitude). Tolerances are those of tests/helpers.py, loosened
because errors compound along a chain of ops (see `_tolerance`).

The budget is TINYGRAD_LITE_FUZZ_EXAMPLES programs (60 by default); the program
text of a failing example is printed by hypothesis, and
`pytest --hypothesis-show-statistics` counts the outcomes of the programs tried.
"""
import os

import numpy as np
import pytest
from hypothesis import event, given, note, settings, strategies as st

from helpers import to_torch, torch

from tinygrad_lite import Tensor

EXAMPLES = int(os.environ.get("TINYGRAD_LITE_FUZZ_EXAMPLES", "60"))
SIDES = [0, 1, 2, 3]  # 0: an empty axis, 1: a broadcastable axis


# ---- inputs -------------------------------------------------------------------------

@st.composite
def shapes(draw, max_dims=3):
    return tuple(draw(st.lists(st.sampled_from(SIDES), max_size=max_dims)))


@st.composite
def leaf_values(draw, shape, dtype):
    """Non-zero grid values (k + 1/2) / 4 for k in [-14, 14), in a random order.

    Distinct up to 28 elements (every drawn shape); a leaf shaped like a larger computed
    value repeats the grid, and the steps that care check for ties themselves."""
    ks = np.resize(draw(st.permutations(range(-14, 14))), int(np.prod(shape)))
    return ((ks.astype(np.float64) + 0.5) / 4).reshape(shape).astype(dtype)


class Value:
    """One value of the program, in both engines."""

    def __init__(self, ours, theirs, name):
        self.ours, self.theirs, self.name = ours, theirs, name

    def __repr__(self):  # hypothesis prints the draws of a failing program by name
        return self.name

    @property
    def array(self):
        return self.theirs.detach().numpy()


class Program:
    """The values computed so far, the leaves among them, and the program's text (for failures)."""

    def __init__(self, data, dtype):
        self.data, self.dtype, self.values, self.leaves, self.lines = data, dtype, [], [], []

    def leaf(self, shape=None):
        shape = self.data.draw(shapes()) if shape is None else shape
        dtype = self.dtype if self.data.draw(st.integers(0, 4)) else {np.float32: np.float64,
                                                                       np.float64: np.float32}[self.dtype]
        array = self.data.draw(leaf_values(shape, dtype))
        name = f"x{len(self.leaves)}"
        value = Value(Tensor(array, requires_grad=True), to_torch(array, requires_grad=True), name)
        self.leaves.append(value)
        self.values.append(value)
        self.lines.append(f"{name} = leaf {shape} {np.dtype(dtype).name}")
        return value

    def operand(self):
        """A value computed so far (usually) or a fresh leaf."""
        if self.data.draw(st.integers(0, 3)) == 0:
            return self.leaf()
        return self.data.draw(st.sampled_from(self.values))

    def operand_like(self, shape):
        """A fresh leaf whose shape fits `shape` (broadcasts, or is the same), or any operand."""
        if self.data.draw(st.booleans()):
            return self.operand()
        ndim = self.data.draw(st.integers(0, len(shape)))
        fitting = tuple(n if self.data.draw(st.booleans()) else 1 for n in shape[len(shape) - ndim:])
        return self.leaf(fitting)


# ---- ops: name -> (engine fn, torch fn) -------------------------------------------------

# The exception the engine must raise when torch rejects a step, by kind of op.
SHAPE, INDEX, AXIS = ValueError, IndexError, (ValueError, IndexError)

BINARY = {
    "add": (lambda a, b: a + b, lambda a, b: a + b),
    "sub": (lambda a, b: a - b, lambda a, b: a - b),
    "mul": (lambda a, b: a * b, lambda a, b: a * b),
    "div": (lambda a, b: a / b, lambda a, b: a / b),
    "maximum": (lambda a, b: a.maximum(b), torch.maximum),
}

UNARY = {
    "neg": (lambda a: -a, lambda a: -a),
    "exp": (lambda a: a.exp(), torch.exp),
    "log": (lambda a: a.log(), torch.log),
    "sqrt": (lambda a: a.sqrt(), torch.sqrt),
    "tanh": (lambda a: a.tanh(), torch.tanh),
    "sigmoid": (lambda a: a.sigmoid(), torch.sigmoid),
    "gelu": (lambda a: a.gelu(), torch.nn.functional.gelu),
    "relu": (lambda a: a.relu(), torch.relu),
    "abs": (lambda a: a.abs(), torch.abs),
    "leaky_relu": (lambda a: a.leaky_relu(0.1), lambda a: torch.nn.functional.leaky_relu(a, 0.1)),
}

REDUCTIONS = {
    "sum": (lambda a, ax, k: a.sum(axis=ax, keepdim=k), lambda a, ax, k: a.sum(dim=ax, keepdim=k)),
    "mean": (lambda a, ax, k: a.mean(axis=ax, keepdim=k), lambda a, ax, k: a.mean(dim=ax, keepdim=k)),
    "max": (lambda a, ax, k: a.max(axis=ax, keepdim=k), lambda a, ax, k: a.amax(dim=ax, keepdim=k)),
    "min": (lambda a, ax, k: a.min(axis=ax, keepdim=k), lambda a, ax, k: a.amin(dim=ax, keepdim=k)),
    "logsumexp": (lambda a, ax, k: a.logsumexp(axis=ax, keepdim=k),
                  lambda a, ax, k: torch.logsumexp(a, dim=ax, keepdim=k)),
}


def _near_kink(array):
    return array.size and np.min(np.abs(array)) < 1e-3


def _has_ties(array, axis):
    """Whether the max or min along `axis` is shared by two elements."""
    if array.size == 0 or array.ndim == 0:
        return False
    try:
        s = np.sort(array, axis=axis)
    except np.exceptions.AxisError:
        return False
    if s.shape[axis] < 2:
        return False
    first, last = np.take(s, [0, 1], axis=axis), np.take(s, [-2, -1], axis=axis)
    return bool(np.any(np.diff(first, axis=axis) == 0) or np.any(np.diff(last, axis=axis) == 0))


def _axis(program, value):
    """An axis, usually in range, sometimes one past either end."""
    ndim = value.array.ndim
    return program.data.draw(st.integers(-ndim - 1, ndim))


def _step(program):
    """Draw one step: (text, engine fn, torch fn, operands, the error type expected if torch
    rejects it, the op name its message must contain), or None to skip it."""
    draw = program.data.draw
    kind = draw(st.sampled_from(["binary", "unary", "reduce", "reshape", "permute", "transpose", "unsqueeze",
                                 "squeeze", "expand", "index", "matmul", "cat", "stack", "softmax", "where"]))
    a = program.operand()
    x = a.array
    if kind == "binary":
        op = draw(st.sampled_from(sorted(BINARY)))
        b = program.operand_like(x.shape)
        y = b.array
        try:
            xb, yb = np.broadcast_arrays(x, y)
        except ValueError:
            xb = yb = None
        if xb is not None and ((op == "div" and yb.size and np.min(np.abs(yb)) < 0.05)
                               or (op == "maximum" and np.any(xb == yb))):
            return None
        ours, theirs = BINARY[op]
        return f"{op}({a.name}, {b.name})", ours, theirs, [a, b], SHAPE, op
    if kind == "unary":
        op = draw(st.sampled_from(sorted(UNARY)))
        if x.size and ((op in ("relu", "abs", "leaky_relu") and _near_kink(x))
                       or (op in ("log", "sqrt") and np.min(x) < 0.05) or (op == "exp" and np.max(x) > 8)):
            return None
        ours, theirs = UNARY[op]
        return f"{op}({a.name})", ours, theirs, [a], None, op
    if kind == "reduce":
        op = draw(st.sampled_from(sorted(REDUCTIONS)))
        axis, keepdim = _axis(program, a), draw(st.booleans())
        if op in ("max", "min") and _has_ties(x, axis):
            return None
        ours, theirs = REDUCTIONS[op]
        return (f"{op}({a.name}, axis={axis}, keepdim={keepdim})", lambda t: ours(t, axis, keepdim),
                lambda t: theirs(t, axis, keepdim), [a], AXIS, op)
    if kind == "reshape":
        size = x.size
        shape = draw(st.sampled_from([(size,), (-1,), x.shape[::-1], (1,) + x.shape, (size + 1,), (2, -1)]))
        return f"{a.name}.reshape{shape}", lambda t: t.reshape(shape), lambda t: t.reshape(shape), [a], SHAPE, \
            "reshape"
    if kind == "permute":
        dims = tuple(draw(st.permutations(range(x.ndim))))
        if draw(st.integers(0, 4)) == 0:
            dims = dims + (0,)  # one axis too many
        return f"{a.name}.permute{dims}", lambda t: t.permute(dims), lambda t: t.permute(dims), [a], AXIS, "permute"
    if kind == "transpose":
        i, j = _axis(program, a), _axis(program, a)
        return (f"{a.name}.transpose({i}, {j})", lambda t: t.transpose(i, j), lambda t: t.transpose(i, j), [a],
                AXIS, "transpose")
    if kind == "unsqueeze":
        i = draw(st.integers(-x.ndim - 2, x.ndim + 1))
        return f"{a.name}.unsqueeze({i})", lambda t: t.unsqueeze(i), lambda t: t.unsqueeze(i), [a], AXIS, \
            "unsqueeze"
    if kind == "squeeze":
        i = _axis(program, a)
        return f"{a.name}.squeeze({i})", lambda t: t.squeeze(i), lambda t: t.squeeze(i), [a], AXIS, "squeeze"
    if kind == "expand":
        # torch's expand() needs at least one size, so a 0-d tensor always gains an axis
        lead = tuple(draw(st.lists(st.sampled_from(SIDES), min_size=0 if x.ndim else 1, max_size=1)))
        shape = lead + tuple(draw(st.sampled_from(SIDES)) if n == 1 or draw(st.integers(0, 5)) == 0 else n
                             for n in x.shape)
        return f"{a.name}.expand{shape}", lambda t: t.expand(*shape), lambda t: t.expand(*shape), [a], SHAPE, \
            "expand"
    if kind == "index":
        if x.ndim == 0:
            return None
        n = x.shape[0]
        form = draw(st.sampled_from(["int", "slice", "array", "last axis slice"]))
        if form == "int":
            i = draw(st.integers(-n - 1, n))
            index = i
        elif form == "slice":
            index = slice(draw(st.integers(-4, 4)), draw(st.integers(-4, 4)), draw(st.integers(1, 3)))
        elif form == "array":
            if x.size == 0:  # torch checks no bounds when nothing is gathered
                return None
            index = np.array(draw(st.lists(st.integers(-n - 1, n), max_size=4)), dtype=np.int64)
        else:
            index = (Ellipsis, slice(None, None, draw(st.integers(1, 2))))
        theirs_index = torch.from_numpy(index) if isinstance(index, np.ndarray) else index
        return (f"{a.name}[{index!r}]", lambda t: t[index], lambda t: t[theirs_index], [a], INDEX, "index")
    if kind == "matmul":
        b = program.leaf(x.shape[-1:] + (draw(st.sampled_from(SIDES)),)) if x.ndim and draw(st.booleans()) \
            else program.operand()
        if b.array.dtype != x.dtype:  # torch's matmul refuses mixed dtypes; the engine promotes them
            return None
        return f"{a.name} @ {b.name}", lambda s, t: s @ t, lambda s, t: s @ t, [a, b], SHAPE, "matmul"
    if kind in ("cat", "stack"):
        b = program.leaf(x.shape) if draw(st.booleans()) else program.operand()
        axis = _axis(program, a)
        if kind == "cat" and (0,) in (x.shape, b.array.shape):
            return None  # torch's legacy rule lets a (0,) tensor join any shape; the engine refuses it
        ours = (lambda s, t: Tensor.cat([s, t], axis=axis)) if kind == "cat" else \
            (lambda s, t: Tensor.stack([s, t], axis=axis))
        theirs = (lambda s, t: torch.cat([s, t], dim=axis)) if kind == "cat" else \
            (lambda s, t: torch.stack([s, t], dim=axis))
        return f"{kind}([{a.name}, {b.name}], axis={axis})", ours, theirs, [a, b], AXIS, kind
    if kind == "softmax":
        op, axis = draw(st.sampled_from(["softmax", "log_softmax"])), _axis(program, a)
        return (f"{op}({a.name}, axis={axis})", lambda t: getattr(t, op)(axis),
                lambda t: getattr(t, op)(dim=axis), [a], AXIS, op)
    # where(a > 0, b, c)
    b, c = program.operand_like(x.shape), program.operand_like(x.shape)
    return (f"where({a.name} > 0, {b.name}, {c.name})", lambda s, t, u: Tensor.where(s > 0, t, u),
            lambda s, t, u: torch.where(s > 0, t, u), [a, b, c], SHAPE, "where")


def _assert_close(ours, theirs, program, what):
    """Values, shape and dtype; to 1e-9 when every leaf is fp64, else to 1e-4 (helpers' 1e-10 and
    1e-5, loosened because rounding errors compound along a chain of up to 6 ops; a float64 leaf
    added to a float32 value gets a gradient rounded in float32). atol scales with the largest value."""
    exact = all(leaf.array.dtype == np.float64 for leaf in program.leaves)
    rtol, atol = (1e-9, 1e-9) if exact else (1e-4, 1e-4)
    theirs = np.asarray(theirs)
    assert ours.shape == theirs.shape, f"{what}: shape {ours.shape} != torch's {theirs.shape}"
    assert ours.dtype == theirs.dtype, f"{what}: dtype {ours.dtype} != torch's {theirs.dtype}"
    scale = max(1.0, float(np.max(np.abs(theirs[np.isfinite(theirs)]), initial=0.0)))
    np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=atol * scale, err_msg=what)


def _run(program, n_steps):
    for _ in range(n_steps):
        step = _step(program)
        if step is None:
            event("a step skipped (kink or unsafe domain)")
            continue
        text, ours_fn, theirs_fn, operands, error, op = step
        program.lines.append(f"v{len(program.values)} = {text}")
        note("\n".join(program.lines))
        try:
            theirs = theirs_fn(*[v.theirs for v in operands])
        except (RuntimeError, IndexError, ValueError, TypeError) as e:
            theirs, theirs_error = None, e
        if theirs is None:
            assert error is not None, f"torch rejected {text} ({theirs_error}); the op cannot fail on shapes"
            with pytest.raises(error) as caught:
                ours_fn(*[v.ours for v in operands])
            assert op in str(caught.value), f"the message {str(caught.value)!r} does not name {op!r}"
            event("both rejected a step")
            return False
        ours = ours_fn(*[v.ours for v in operands])
        _assert_close(ours.numpy(), theirs.detach().numpy(), program, f"forward of {text}")
        program.values.append(Value(ours, theirs, f"v{len(program.values)}"))
    return True


@settings(max_examples=EXAMPLES, deadline=None, report_multiple_bugs=False)
@given(st.data(), st.sampled_from([np.float64, np.float32]), st.integers(2, 6))
def test_random_programs_agree_with_torch(data, dtype, n_steps):
    check_program(Program(data, dtype), n_steps)


def check_program(program, n_steps):
    """Run the program in both engines, step by step, then compare the gradients of its leaves."""
    program.leaf()
    completed = _run(program, n_steps)
    last = program.values[-1]
    if not completed or not last.ours.requires_grad:
        return
    weight = np.random.default_rng(len(program.lines)).standard_normal(last.array.shape).astype(last.array.dtype)
    (last.ours * Tensor(weight)).sum().backward()
    (last.theirs * to_torch(weight)).sum().backward()
    for leaf in program.leaves:
        theirs = leaf.theirs.grad
        theirs = np.zeros(leaf.array.shape, leaf.array.dtype) if theirs is None else theirs.numpy()
        ours = leaf.ours.grad
        ours = np.zeros(leaf.array.shape, leaf.array.dtype) if ours is None else ours.numpy()
        _assert_close(ours, theirs, program, f"gradient of {leaf.name}")
    event(f"completed {n_steps} steps with matching gradients")
