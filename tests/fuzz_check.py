"""Running fuzz programs in the engine and in torch, and judging where they disagree.

Torch is the reference. At every step either
  * both succeed, with the same result kind (a tensor, or torch's (values, indices)),
    shape, dtype, requires_grad and values, or
  * both fail, the engine with the type the design fixes for torch's error (IndexError
    where torch raises IndexError, TypeError for dtypes, ValueError for shapes and
    values) and a message that names the op.
Anything else is a `Disagreement`; the step then adds no value and the program goes
on from values that agree. After the last step both engines back-propagate
loss = sum over the computed values v that require grad of sum(v * W_v), with
random W_v (so every step's backward counts), and every leaf's gradient must agree.
Tensors on different devices (the engine's "cpu" and "interp"; torch's stay on its
CPU) must be refused by the op, with a RuntimeError naming it (as torch refuses CPU
and CUDA tensors together).

Kinks. Values include exact zeros and ties, so torch's conventions there (relu'(0) = 0,
|x|'(0) = 0, ties in max share the gradient, ...) are checked. A step is skipped only
when the engine's and torch's operands fall on different sides of a kink (a value
torch computed as 0 and the engine as 1e-9): then the two derivatives legitimately
differ. Steps that would magnify rounding without limit (division by, or log/sqrt
of, values in (0, 0.05); exp of values over 10) are skipped too.

Tolerances follow tests/helpers.py, loosened because rounding compounds along a chain
of ops: 1e-9 when every float in the program is float64, 1e-4 with float32, 2e-2
with float16 (relative; absolute tolerance scaled by the largest value). Integer
and bool results must match exactly.

Deliberate differences, where the engine knowingly departs from torch, are listed in
`DELIBERATE`, each with its reason; a disagreement that one of them explains is
counted, not failed. The list is mirrored in the documentation's table of differences.
"""
import math
import re
import warnings
from dataclasses import dataclass, field

import numpy as np
import torch

from tinygrad_lite import Tensor

from fuzz_programs import STEPS, Program, Value, float_dtypes, tolerance


# ---- deliberate differences -------------------------------------------------------------

@dataclass
class Disagreement:
    """One step (or the final backward) where the engine and torch part ways."""
    op: str
    kind: str
    call: str
    program: str
    ours: str
    theirs: str
    operands: list = field(default_factory=list)
    details: dict = field(default_factory=dict)
    deliberate: str = None

    def to_json(self):
        return {k: v for k, v in self.__dict__.items() if k != "details"}

    def __str__(self):
        return (f"{self.op}: {self.kind} at `{self.call}`\n  engine: {self.ours}\n  torch:  {self.theirs}\n"
                f"  program:\n    " + self.program.replace("\n", "\n    "))


@dataclass(frozen=True)
class Deliberate:
    name: str
    reason: str
    applies: object  # Disagreement -> bool


def _shapes(d):
    return [tuple(o["shape"]) for o in d.operands]


_ZERO_D_NOT_HALF = r"<(?!float16)\w+ \(\)>"


def _zero_d_first_operand_meets_float16(d):
    """torch converts a 0-d first operand to float16 before a float16 op (a 0-d second operand
    or a number it takes in float32), so its result is inf or nan where the engine's, computed
    in float32 whichever the order, is finite."""
    if not (d.details.get("inf_in_torch_only") or d.details.get("nan_in_torch_only")):
        return False
    if d.kind == "value":
        return len(d.operands) == 2 and tuple(d.operands[0]["shape"]) == () \
            and d.operands[0]["dtype"] != "float16" and d.operands[1]["dtype"] == "float16"
    zero_d_leaves = re.findall(r"(x\d+) = Tensor\(" + _ZERO_D_NOT_HALF, d.program)
    first = r"= (np\.array\(" + _ZERO_D_NOT_HALF + r"\)" + "".join(f"|{v}" for v in zero_d_leaves) + r") [-+*/]"
    return d.kind == "gradient" and "float16" in d.program and re.search(first, d.program) is not None


def _float16_overflow_in_torch(d):
    """torch's result is +-inf or nan where the engine's is finite, from float16 operands past
    65,504 elements (which torch's CPU kernels sum in float16)."""
    return d.kind == "value" and d.details.get("inf_in_torch_only") and any(
        o["dtype"] == "float16" and math.prod(o["shape"]) > 65_504 for o in d.operands)


DELIBERATE = [
    Deliberate(
        "cat-legacy-empty",
        "torch.cat lets a 1-D empty tensor (shape (0,)) join tensors of any shape (a legacy rule); "
        "the engine asks every operand to match outside the joined axis",
        lambda d: d.op == "cat" and d.kind == "engine raised" and (0,) in _shapes(d)),
    Deliberate(
        "matmul-mixed-dtypes",
        "torch's matmul refuses operands of different dtypes; the engine promotes them as every binary op does",
        lambda d: d.op == "matmul" and d.kind in ("engine did not raise", "dtype")
        and len({o["dtype"] for o in d.operands}) > 1),
    Deliberate(
        "torch-skips-checks-when-empty",
        "when the result is empty torch checks neither index bounds (x[:0, [7]]) nor dtypes "
        "(softmax of an empty int tensor, a bool matmul over an empty inner axis); the engine "
        "checks its arguments always",
        lambda d: d.kind == "engine raised" and (d.details.get("theirs_numel") == 0 or (
            d.op == "matmul" and any(math.prod(s) == 0 for s in _shapes(d))))
        and (d.op == "index" and d.ours.startswith("IndexError") or d.ours.startswith("TypeError"))),
    Deliberate(
        "numpy-bool-scalar",
        "torch reads a numpy bool scalar (np.True_) as a float number, so int16 tensor + np.True_ is float32; "
        "the engine reads it as a bool, as it reads True",
        lambda d: any(o["kind"] == "numpy scalar" and o["dtype"] == "bool" for o in d.operands)),
    Deliberate(
        "unsigned-wider-than-uint8",
        "uint16/uint32/uint64 data is refused when it becomes a tensor (TypeError naming the dtype); "
        "torch has tensors of these dtypes but no promotion rules and few ops for them",
        lambda d: d.kind == "engine raised" and d.ours.startswith("TypeError")
        and any(o["dtype"] in ("uint16", "uint32", "uint64") for o in d.operands)),
    Deliberate(
        "exact-integer-comparison",
        "comparing an integer tensor with a Python or numpy int its dtype cannot hold (uint8_tensor > -2): "
        "torch wraps the number into the dtype first; the engine compares exactly",
        lambda d: d.op in ("eq", "ne", "lt", "le", "gt", "ge") and d.kind == "value" and any(
            o["kind"] == "python scalar" and o["dtype"] == "int"
            or o["kind"] == "numpy scalar" and re.fullmatch(r"u?int\d+", o["dtype"]) for o in d.operands)),
    Deliberate(
        "amax-nan-gradient",
        "the gradient of amax/amin over a slice holding NaN: torch gives NaN to the whole slice (0/0 in its "
        "tie count); the engine splits it between the NaN positions, as torch's full max() does",
        lambda d: d.kind == "gradient" and {"amax", "amin"} & set(d.details.get("ops", ()))
        and d.details.get("nan_in_torch_only")),
    Deliberate(
        "float16-accumulation",
        "float16 reductions (sums, softmax's denominator) accumulate in float32 and round once; torch's CPU "
        "kernels overflow to inf/nan past 65,504",
        _float16_overflow_in_torch),
    Deliberate(
        "torch-var-all-dims-gradient",
        "torch's gradient of var over dim=() (every axis) takes the empty dim list as N = 1: +-inf with "
        "correction=1, N times too large with correction=0; the engine differentiates var over every axis",
        lambda d: d.kind == "gradient"
        and re.search(r"\.var\((dim=|axis=)?\(\)", d.program) is not None),
    Deliberate(
        "var-undefined-gradient",
        "var with correction >= N (one element, correction=1) is 0/0, NaN; torch's gradient there is +-inf "
        "(2 (x - mean) / 0 times g), the engine's NaN, as the value",
        lambda d: d.kind == "gradient" and ".var(" in d.program and "nan" in d.ours and "inf" in d.theirs),
    Deliberate(
        "torch-internal-error",
        "torch fails inside its own kernel (an output shape it computed itself does not match), e.g. "
        "logsumexp over dim=() of a tensor with an empty axis; the engine returns the result",
        lambda d: d.kind == "engine did not raise" and "doesn't match the broadcast shape" in d.theirs),
    Deliberate(
        "float16-first-operand-0d",
        "a 0-d tensor of another dtype meeting float16: torch converts it to float16 first when it is the "
        "first operand (tensor(70000) * half is inf) but computes in float32 when it is the second; the "
        "engine computes in float32 and rounds once in either order",
        _zero_d_first_operand_meets_float16),
    Deliberate(
        "gelu-limits",
        "GELU at +-inf: torch gives NaN (0 * inf inside its formula) in some dtypes; the engine gives the "
        "limits, gelu(-inf) = -0 and gelu(inf) = inf, with gradients 0 and 1",
        lambda d: d.details.get("nan_in_torch_only") and (
            d.kind == "value" and d.op == "gelu" or d.kind == "gradient" and "gelu" in d.details.get("ops", ()))),
    Deliberate(
        "torch-cpu-lacks-float16",
        "torch's CPU backend has no float16 kernel for the op; the engine computes it (in float32, rounded)",
        lambda d: d.kind == "engine did not raise" and "not implemented for 'Half'" in d.theirs),
]


def explain(disagreement):
    """The name of the deliberate difference that explains `disagreement`, or None."""
    for entry in DELIBERATE:
        try:
            if entry.applies(disagreement):
                return entry.name
        except (KeyError, IndexError, TypeError):
            continue
    return None


# ---- running a program ------------------------------------------------------------------

@dataclass
class Outcome:
    """What a program did: its text, how far it got, and where the engines disagreed."""
    program: str = ""
    steps: int = 0
    skipped: int = 0
    events: list = field(default_factory=list)
    disagreements: list = field(default_factory=list)

    @property
    def failures(self):
        """Disagreements no deliberate difference explains."""
        return [d for d in self.disagreements if d.deliberate is None]


_DTYPE_WORDS = ("dtype", "not implemented for", "can't be cast", "result type", "floating point",
                "bool tensor", "Boolean", "integral", "Integer", "Long", "Half")


def designed_errors(theirs_error):
    """The exception types the design allows the engine when torch raised `theirs_error`."""
    if "non-zero size" in str(theirs_error):  # torch's IndexError for a reduction over an empty axis
        return (ValueError, IndexError)
    if "can't be cast to the desired output type" in str(theirs_error):  # an in-place result: as torch
        return (RuntimeError,)
    if isinstance(theirs_error, IndexError):
        return (IndexError,)
    if isinstance(theirs_error, TypeError):
        return (TypeError,)
    message = str(theirs_error)
    if "negative integer powers" in message:
        return (ValueError,)
    if any(word in message for word in _DTYPE_WORDS):
        return (TypeError,)
    return (ValueError,)


_DESIGNED = (ValueError, TypeError, IndexError, RuntimeError)


def error_type_agrees(ours, theirs, step):
    """Whether the engine's exception has the designed type for torch's.

    A step can be wrong in two ways at once (an int8 tensor and an axis out of range), and
    each engine may report either. So a designed type other than the one torch's error maps
    to is accepted when the operands hold the other cause: for TypeError, a non-float operand;
    for ValueError/IndexError, torch still failing with that type once every tensor operand is
    float64, or an empty or 0-d operand (whose rules for axes and shapes differ)."""
    if isinstance(ours, designed_errors(theirs)):
        return True
    if not isinstance(ours, _DESIGNED):
        return False
    arrays = [o.array for o in step.operands]
    if isinstance(ours, TypeError):
        return any(a.dtype.kind != "f" for a in arrays)
    if isinstance(ours, RuntimeError):  # the designed type for an in-place result that cannot be cast
        return "can't be cast" in str(ours) and step.op.endswith("_")
    try:
        step.theirs(*[o.theirs.detach().double() if isinstance(o.theirs, torch.Tensor) else o.theirs
                      for o in step.operands])
    except Exception as e:  # noqa: BLE001
        if isinstance(ours, designed_errors(e)):
            return True
    return any(a.size == 0 or a.ndim == 0 for a in arrays)


def _brief(x, limit=300):
    if isinstance(x, BaseException):
        text = f"{type(x).__name__}: {x}"
    elif isinstance(x, np.ndarray):
        text = f"{x.dtype} {x.shape} " + np.array2string(x, threshold=12, precision=6)
    else:
        text = repr(x)
    return text if len(text) <= limit else text[:limit] + "..."


def _parts(result):
    """A result as a list of arrays (a tensor, or the tensors of a tuple), or None if it is neither."""
    if isinstance(result, (Tensor, torch.Tensor)):
        return [result]
    if isinstance(result, tuple) and result and all(isinstance(r, (Tensor, torch.Tensor)) for r in result):
        return list(result)
    return None


def _to_numpy(t):
    return t.detach().numpy() if isinstance(t, torch.Tensor) else t.numpy()


def compare_arrays(ours, theirs, dtypes):
    """None when they agree (shape, dtype, values to `tolerance(dtypes)`), else (kind, detail)."""
    if ours.shape != theirs.shape:
        return "shape", f"{ours.shape} != {theirs.shape}"
    if ours.dtype != theirs.dtype:
        return "dtype", f"{ours.dtype} != {theirs.dtype}"
    if ours.dtype.kind != "f":
        if not np.array_equal(ours, theirs):
            return "value", None
        return None
    o, t = ours.astype(np.float64), theirs.astype(np.float64)
    rtol, atol = tolerance(list(dtypes) + [ours.dtype])
    finite, infinite = np.isfinite(t), np.isinf(t)
    if not np.array_equal(np.isnan(o), np.isnan(t)) or not np.array_equal(o[infinite], t[infinite]):
        return "value", None
    scale = max(1.0, float(np.max(np.abs(t[finite]), initial=0.0)))
    if not np.all(np.abs(o[finite] - t[finite]) <= atol * scale + rtol * np.abs(t[finite])):
        return "value", None
    return None


class Runner:
    """Runs the steps of one program in both engines and records where they part ways.

    A step whose results disagree adds no value, so the program goes on from values that agree."""

    def __init__(self, program):
        self.p = program
        self.outcome = Outcome()

    def disagree(self, step, kind, ours, theirs, **details):
        d = Disagreement(step.op if step else "backward", kind, step.text if step else "backward",
                         self.p.text, _brief(ours), _brief(theirs),
                         [o.describe() for o in step.operands] if step else [], details)
        d.details.setdefault("ops", list(self.p.ops))
        d.deliberate = explain(d)
        self.outcome.disagreements.append(d)
        self.outcome.events.append(f"deliberate: {d.deliberate}" if d.deliberate else f"disagreement: {d.op} {kind}")

    def _dtypes(self):
        return float_dtypes(*[v.array for v in self.p.values])

    def _skip(self, step):
        """Whether the step sits on a kink where the engines' operands differ, or is fragile."""
        ours = [o.our_array for o in step.operands]
        theirs = [o.array for o in step.operands]
        if step.fragile is not None and (step.fragile(*theirs) or step.fragile(*ours)):
            return "fragile"
        if step.kinks is not None:
            k_ours, k_theirs = step.kinks(*ours), step.kinks(*theirs)
            if not all(_same(a, b) for a, b in zip(_tuple(k_ours), _tuple(k_theirs))):
                return "kink"
        return None

    def step(self, step):
        p = self.p
        skip = self._skip(step)
        if skip:
            self.outcome.skipped += 1
            self.outcome.events.append(f"skipped ({skip})")
            return
        name = f"v{p.names}"
        p.names += 1
        p.lines.append(f"{name} = {step.text}")
        p.ops.append(step.op)
        self.outcome.steps += 1
        devices = {o.device for o in step.operands if isinstance(o, Value)}
        try:
            theirs = step.theirs(*[o.theirs for o in step.operands])
            theirs_error = None
        except Exception as e:  # noqa: BLE001  (any torch error is a "rejected" step)
            theirs, theirs_error = None, e
        try:
            ours = step.ours(*[o.ours for o in step.operands])
            ours_error = None
        except Exception as e:  # noqa: BLE001  (the engine's exception is judged below)
            ours, ours_error = None, e
        if len(devices) > 1 and step.op != "to":
            self._device_error(step, ours_error)
        elif theirs_error is not None:
            self._both_fail(step, ours_error, theirs_error)
        elif ours_error is not None:
            parts = _parts(theirs) or []
            self.disagree(step, "engine raised", ours_error, theirs,
                          theirs_numel=sum(int(t.numel()) for t in parts) if parts else None)
        else:
            self._record(step, ours, theirs, name)

    def _device_error(self, step, ours_error):
        """Torch runs on one device here; the engine must refuse tensors on different ones, as torch
        refuses a CPU tensor with a CUDA one: with a RuntimeError naming the op."""
        expected = "RuntimeError: expected all tensors to be on the same device"
        if ours_error is None:
            self.disagree(step, "engine did not raise", "a result, from tensors on different devices", expected)
        elif not isinstance(ours_error, RuntimeError):
            self.disagree(step, "error type", ours_error, expected)
        elif step.op.rstrip("_") not in str(ours_error):
            self.disagree(step, "error message", ours_error, expected)
        else:
            self.outcome.events.append("both rejected a step (devices)")

    def _both_fail(self, step, ours_error, theirs_error):
        if ours_error is None:
            self.disagree(step, "engine did not raise", "a result", theirs_error)
        elif not error_type_agrees(ours_error, theirs_error, step):
            self.disagree(step, "error type", ours_error, theirs_error,
                          expected=[e.__name__ for e in designed_errors(theirs_error)])
        elif step.op.rstrip("_") not in str(ours_error):  # x.mul_(y) may say "mul: cannot broadcast"
            self.disagree(step, "error message", ours_error, theirs_error)
        else:
            self.outcome.events.append("both rejected a step")

    def _record(self, step, ours, theirs, name):
        ours_parts, theirs_parts = _parts(ours), _parts(theirs)
        if theirs_parts is None:
            raise RuntimeError(f"torch returned {type(theirs).__name__} for {step.text}")  # a fuzzer bug
        if ours_parts is None or len(ours_parts) != len(theirs_parts) or \
                not all(isinstance(o, Tensor) for o in ours_parts):
            self.disagree(step, "result kind", type(ours).__name__ if ours_parts is None else
                          f"{len(ours_parts)} results", f"{len(theirs_parts)} tensor(s)")
            return
        dtypes = self._dtypes() + float_dtypes(*[o.array for o in step.operands])
        for o, t in zip(ours_parts, theirs_parts):
            o_np, t_np = o.numpy(), _to_numpy(t)
            if not isinstance(o_np, np.ndarray):  # one class for every op: counted, and the step goes on
                d = len(self.outcome.disagreements)
                self.disagree(step, "numpy() is not an ndarray", f"{type(o_np).__name__} {o_np!r}",
                              f"ndarray {t_np!r}")
                self.outcome.disagreements[d].op = "numpy()"
                self.outcome.disagreements[d].deliberate = explain(self.outcome.disagreements[d])
                o_np = np.asarray(o_np)
            problem = compare_arrays(o_np, t_np, dtypes)
            if problem:
                floats = o_np.dtype.kind == "f" and t_np.dtype.kind == "f"
                self.disagree(step, problem[0], o_np, t_np, inf_in_torch_only=bool(
                    floats and np.any(~np.isfinite(t_np) & np.isfinite(o_np))), nan_in_torch_only=bool(
                    floats and np.any(np.isnan(t_np) & ~np.isnan(o_np))))
                return
            if o.requires_grad != t.requires_grad:
                self.disagree(step, "requires_grad", o.requires_grad, t.requires_grad)
                return
        for i, (o, t) in enumerate(zip(ours_parts, theirs_parts)):
            self.p.values.append(Value(o, t, name if i == 0 else f"{name}[{i}]", o.device))

    def backward(self):
        """loss = sum over the computed values v that require grad of sum(v * W_v), W_v drawn at random,
        so that every step's backward counts; every leaf's gradient must agree."""
        targets = [v for v in self.p.values if v.theirs.requires_grad and v not in self.p.leaves]
        if not targets:
            targets = [v for v in self.p.leaves if v.theirs.requires_grad][-1:]
        if not targets:
            return
        rng = np.random.default_rng(len(self.p.lines))
        weights = [rng.standard_normal(v.array.shape).astype(v.array.dtype) for v in targets]
        self.p.lines.append(f"loss = {' + '.join(f'sum({v} * W{i})' for i, v in enumerate(targets))}")
        self.p.lines.append("loss.backward()")
        try:
            sum((v.theirs * torch.from_numpy(w)).sum() for v, w in zip(targets, weights)).backward()
        except RuntimeError:  # torch cannot differentiate it (e.g. a float ** bool tensor): no reference
            self.outcome.events.append("torch's backward failed")
            return
        try:
            loss = None
            for v, w in zip(targets, weights):
                term = (v.ours * Tensor(w, device=v.device)).sum()
                loss = term if loss is None else loss + term.to(loss.device)
            loss.backward()
        except Exception as e:  # noqa: BLE001
            self.disagree(None, "backward raised", e, "gradients")
            return
        dtypes = self._dtypes()
        agree = True
        for leaf in self.p.leaves:
            if not leaf.theirs.requires_grad:
                continue
            theirs = leaf.theirs.grad
            theirs = np.zeros(leaf.array.shape, leaf.array.dtype) if theirs is None else theirs.numpy()
            ours = leaf.ours.grad
            if ours is not None and not isinstance(ours, Tensor):
                self.disagree(None, "gradient", f"grad of type {type(ours).__name__}", "a Tensor", leaf=leaf.name)
                agree = False
                continue
            ours = np.zeros(leaf.array.shape, leaf.array.dtype) if ours is None else ours.numpy()
            problem = compare_arrays(ours, theirs, dtypes)
            if problem:
                self.disagree(None, "gradient" if problem[0] == "value" else f"gradient {problem[0]}",
                              f"grad of {leaf.name}: {_brief(ours)}", f"grad of {leaf.name}: {_brief(theirs)}",
                              leaf=leaf.name, nan_in_torch_only=bool(np.any(np.isnan(theirs) & ~np.isnan(ours))),
                              inf_in_torch_only=bool(np.any(np.isinf(theirs) & np.isfinite(ours))))
                agree = False
        if agree:
            self.outcome.events.append("gradients agree")


def _tuple(x):
    return x if isinstance(x, tuple) else (x,)


def _same(a, b):
    if a is None or b is None:
        return a is None and b is None
    a, b = np.asarray(a), np.asarray(b)
    return a.shape == b.shape and bool(np.all((a == b) | (np.isnan(a.astype(float)) & np.isnan(b.astype(float)))))


def run_program(draw, devices=("cpu",), max_steps=6):
    """Draw and run one program; returns its `Outcome`."""
    program = Program(draw, devices)
    runner = Runner(program)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with np.errstate(all="ignore"):
            program.leaf()
            for _ in range(draw.integer(1, max_steps)):
                step = draw.choice(STEPS)(program)
                if step is None:
                    runner.outcome.skipped += 1
                    continue
                runner.step(step)
            runner.backward()
    runner.outcome.program = program.text
    return runner.outcome
