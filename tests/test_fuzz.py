"""Differential fuzzing: random short programs run in the engine and in torch side by side.

The programs are drawn by tests/fuzz_programs.py; the rules for agreeing and the list of
deliberate differences are in tests/fuzz_check.py. Here hypothesis draws them (and shrinks a failing one to a
short program, printed with the failure). The budget is TINYGRAD_LITE_FUZZ_EXAMPLES
programs (60 by default); scripts/fuzz.py runs thousands from a seed and writes a
report. `pytest --hypothesis-show-statistics` counts what the programs did.

The last tests check the checker: a wrong gradient, a wrong value and a raw numpy
error planted in the engine are each caught, so a quiet run means agreement.
"""
import operator
import os

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, note, settings, strategies as st

pytest.importorskip("torch", reason="the fuzzer compares with PyTorch: pip install -e '.[test]'")

import fuzz_check as fc  # noqa: E402
import fuzz_programs as fp  # noqa: E402
from tinygrad_lite.backend import available_devices  # noqa: E402
from tinygrad_lite.ops import elementwise as ew  # noqa: E402

EXAMPLES = int(os.environ.get("TINYGRAD_LITE_FUZZ_EXAMPLES", "60"))


class HypothesisDraws(fp.RandomDraws):
    """The fuzzer's draws, taken from hypothesis so that a failing program shrinks."""

    def __init__(self, data):
        self.data = data

    def integer(self, lo, hi):
        return self.data.draw(st.integers(lo, hi))

    def permutation(self, items):
        return list(self.data.draw(st.permutations(list(items))))


@settings(max_examples=EXAMPLES, deadline=None, report_multiple_bugs=False,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_random_programs_agree_with_torch(data):
    outcome = fc.run_program(HypothesisDraws(data), devices=("cpu",))
    for e in outcome.events:
        event(e)
    note(outcome.program)
    if outcome.failures:
        pytest.fail("\n\n".join(map(str, outcome.failures)), pytrace=False)


@pytest.mark.skipif("interp" not in available_devices(), reason="the interp device needs triton")
@settings(max_examples=max(EXAMPLES // 6, 1), deadline=None, report_multiple_bugs=False,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_random_programs_agree_with_torch_on_the_interpreter(data):
    """The same programs with their tensors on "interp" (the hot paths as Triton kernels),
    sometimes moved between devices: an op mixing devices must fail."""
    outcome = fc.run_program(HypothesisDraws(data), devices=("interp", "cpu"))
    for e in outcome.events:
        event(e)
    note(outcome.program)
    if outcome.failures:
        pytest.fail("\n\n".join(map(str, outcome.failures)), pytrace=False)


def test_every_deliberate_difference_gives_its_reason():
    names = [d.name for d in fc.DELIBERATE]
    assert len(set(names)) == len(names)
    assert all(len(d.reason) > 40 for d in fc.DELIBERATE)


# ---- the checker catches what it is there to catch ----------------------------------------

def _run_one(step_for):
    """A program of two float32 leaves and one step; returns its disagreements."""
    program = fp.Program(fp.RandomDraws(0))
    runner = fc.Runner(program)
    a = program.leaf((2, 3), np.float32)
    b = program.leaf((3,), np.float32)
    runner.step(step_for(a, b))
    runner.backward()
    return runner.outcome.disagreements


def _mul_step(a, b):
    return fp.Step(f"{a} * {b}", "mul", operator.mul, operator.mul, [a, b])


def test_a_wrong_gradient_is_caught(monkeypatch):
    assert _run_one(_mul_step) == []

    def backward(ctx, grad):  # d(a*b)/db off by half
        a, b = ctx.saved_tensors
        return ew._grads(ctx, lambda: grad * b, lambda: grad * a * 1.5)
    monkeypatch.setattr(ew.Mul, "backward", staticmethod(backward))
    found = _run_one(_mul_step)
    assert [(d.op, d.kind) for d in found] == [("backward", "gradient")]
    assert "grad of x1" in found[0].ours


def test_a_wrong_value_and_a_raw_error_are_caught():
    wrong = _run_one(lambda a, b: fp.Step("a * b", "mul", lambda s, t: s * t * 1.01, operator.mul, [a, b]))
    assert [d.kind for d in wrong] == ["value"]

    def raw(s, t):
        return s.numpy().reshape(7)  # numpy's ValueError, which does not name the op

    errors = _run_one(lambda a, b: fp.Step("a.view(7)", "view", raw, lambda s, t: s.view(7), [a, b]))
    assert [d.kind for d in errors] == ["error message"]
