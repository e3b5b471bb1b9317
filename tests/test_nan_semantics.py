"""NaN, +-inf and signed zeros through the elementwise ops and the max/logsumexp reductions:
values and gradients against torch, in float32 and float64.

Every unary op sees the same row of special values; every binary op sees every pair of
them (so NaN meets inf, inf meets inf, 0 meets -0); the reductions see rows that hold
NaN, +inf, -inf only, or a mix. `check_op` compares values and every input's gradient
for a random upstream gradient (NaN equals NaN, inf equals inf); a second pass sends an
upstream gradient that itself holds NaN and inf, which the ops that select (relu, clip,
maximum, where) must drop where they select the other side, as torch's masks do.
"""
import operator

import numpy as np
import pytest

from helpers import assert_close, check_op, to_torch, tolerance, torch

import tinygrad_lite as tg
import tinygrad_lite.nn.functional as F
from tinygrad_lite import Tensor

# numpy warns where it divides by zero or meets inf - inf; torch computes the same values silently
pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")

TF = torch.nn.functional
DTYPES = [np.float32, np.float64]
SPECIAL = [np.nan, np.inf, -np.inf, 0.0, -0.0, 1.0, -1.0, 2.5, -0.5]

UNARY = {
    "abs": (lambda x: x.abs(), torch.abs),
    "neg": (operator.neg, operator.neg),
    "relu": (lambda x: x.relu(), torch.relu),
    "F.relu": (F.relu, TF.relu),
    "leaky_relu": (lambda x: x.leaky_relu(0.1), lambda t: TF.leaky_relu(t, 0.1)),
    "sigmoid": (lambda x: x.sigmoid(), torch.sigmoid),
    "tanh": (lambda x: x.tanh(), torch.tanh),
    "gelu": (lambda x: x.gelu(), TF.gelu),
    "gelu(tanh)": (lambda x: x.gelu(approximate="tanh"), lambda t: TF.gelu(t, approximate="tanh")),
    "exp": (lambda x: x.exp(), torch.exp),
    "log": (lambda x: x.log(), torch.log),
    "sqrt": (lambda x: x.sqrt(), torch.sqrt),
    "x ** 2": (lambda x: x ** 2, lambda t: t ** 2),
    "x ** 0.5": (lambda x: x ** 0.5, lambda t: t ** 0.5),
    "x ** -1": (lambda x: x ** -1, lambda t: t ** -1),
    "2 ** x": (lambda x: 2 ** x, lambda t: 2 ** t),
    "x * inf": (lambda x: x * np.inf, lambda t: t * np.inf),
    "x / 0": (lambda x: x / 0.0, lambda t: t / 0.0),
    "clip(-1, 1)": (lambda x: x.clip(-1, 1), lambda t: torch.clamp(t, -1, 1)),
    "clip(0, None)": (lambda x: x.clip(0, None), lambda t: torch.clamp(t, 0, None)),
    "clip(None, inf)": (lambda x: x.clip(None, np.inf), lambda t: torch.clamp(t, None, np.inf)),
    "clip(nan, 1)": (lambda x: x.clip(np.nan, 1), lambda t: torch.clamp(t, np.nan, 1)),
    "clip(1, -1)": (lambda x: x.clip(1, -1), lambda t: torch.clamp(t, 1, -1)),
    "maximum(0.5)": (lambda x: x.maximum(0.5), lambda t: torch.maximum(t, torch.tensor(0.5, dtype=t.dtype))),
    "minimum(nan)": (lambda x: x.minimum(np.nan), lambda t: torch.minimum(t, torch.tensor(np.nan, dtype=t.dtype))),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", UNARY)
def test_unary_op_on_special_values_matches_torch(name, dtype):
    ours, theirs = UNARY[name]
    values = SPECIAL
    if name.startswith("gelu"):
        # gelu (both forms) deliberately gives the limits at +-inf, gelu(-inf) = -0, gelu(inf) = inf
        # with gradients 0 and 1, where torch gives nan: tests/test_gelu_extremes.py holds them
        values = [v for v in SPECIAL if not np.isinf(v)]
    check_op(ours, theirs, np.array(values, dtype=dtype))


def _pairs(dtype):
    """Every ordered pair of special values, as two flat arrays."""
    a, b = np.meshgrid(SPECIAL, SPECIAL, indexing="ij")
    return a.ravel().astype(dtype), b.ravel().astype(dtype)


BINARY = {
    "add": (operator.add, operator.add),
    "sub": (operator.sub, operator.sub),
    "mul": (operator.mul, operator.mul),
    "div": (operator.truediv, operator.truediv),
    "pow": (operator.pow, operator.pow),
    "maximum": (Tensor.maximum, torch.maximum),
    "minimum": (Tensor.minimum, torch.minimum),
    "where(a > b)": (lambda a, b: tg.where(a > b, a, b), lambda a, b: torch.where(a > b, a, b)),
    "where(a != a)": (lambda a, b: tg.where(a != a, b, a), lambda a, b: torch.where(a != a, b, a)),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", BINARY)
def test_binary_op_on_every_pair_of_special_values_matches_torch(name, dtype):
    ours, theirs = BINARY[name]
    check_op(ours, theirs, *_pairs(dtype))


# ---------------------------------------------------------------- upstream gradients holding NaN and inf

SELECTING = {
    "relu": (lambda x: x.relu(), torch.relu),
    "abs": (lambda x: x.abs(), torch.abs),
    "clip(-1, 1)": UNARY["clip(-1, 1)"],
    "maximum(0.5)": UNARY["maximum(0.5)"],
    "minimum(0.5)": (lambda x: x.minimum(0.5), lambda t: torch.minimum(t, torch.tensor(0.5, dtype=t.dtype))),
    "leaky_relu": UNARY["leaky_relu"],
}


@pytest.mark.parametrize("name", SELECTING)
def test_selecting_ops_route_a_nan_or_inf_upstream_gradient_as_torch(name):
    ours_fn, theirs_fn = SELECTING[name]
    x = np.array(SPECIAL, dtype=np.float64)
    rng = np.random.default_rng(0)
    for _ in range(4):
        upstream = rng.choice([np.nan, np.inf, -np.inf, 1.0, -2.0], size=x.shape)
        ours, theirs = Tensor(x, requires_grad=True), to_torch(x, requires_grad=True)
        ours_fn(ours).backward(Tensor(upstream))
        theirs_fn(theirs).backward(to_torch(upstream))
        assert_close(ours.grad.numpy(), theirs.grad.numpy(), 0, 0, f"{name}, upstream {upstream}")


# ---------------------------------------------------------------- reductions

ROWS = np.array([
    [np.nan, 1.0, 2.0, -1.0],
    [np.nan, 1.0, np.nan, 3.0],
    [np.inf, 1.0, 2.0, -1.0],
    [np.inf, np.inf, 0.0, 1.0],
    [-np.inf, -np.inf, -np.inf, -np.inf],
    [-np.inf, 0.5, -np.inf, 1.0],
    [np.inf, -np.inf, 0.0, 1.0],
    [np.nan, np.inf, -np.inf, 0.0],
])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("keepdim", [False, True])
def test_logsumexp_with_nan_and_inf_matches_torch(dtype, keepdim):
    # torch's gradient is g * exp(x - out), NaN where x holds NaN and where x = out = +-inf
    check_op(lambda t: t.logsumexp(1, keepdim=keepdim), lambda t: torch.logsumexp(t, 1, keepdim=keepdim),
             ROWS.astype(dtype), reduce_size=4)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("row", range(len(ROWS)))
@pytest.mark.parametrize("which", ["max", "min"])
def test_full_max_and_min_with_nan_and_inf_match_torch(dtype, row, which):
    # over everything torch's max()/min() propagate NaN and split the gradient between
    # the NaN positions (between the tied positions when there is no NaN)
    x = ROWS[row].astype(dtype)
    check_op(lambda t: getattr(t, which)(), lambda t: getattr(t, which)(), x)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("which", ["max", "min"])
def test_max_over_an_axis_with_nan_matches_torch(dtype, which):
    # values, indices (the first NaN where a slice holds one) and all of g to that position
    x = ROWS.astype(dtype)
    ours_x, theirs_x = Tensor(x, requires_grad=True), to_torch(x, requires_grad=True)
    ours, theirs = getattr(ours_x, which)(1), getattr(theirs_x, which)(1)
    np.testing.assert_array_equal(ours.indices.numpy(), theirs.indices.numpy())
    upstream = np.random.default_rng(1).standard_normal(len(x)).astype(dtype)
    ours.values.backward(Tensor(upstream))
    theirs.values.backward(to_torch(upstream))
    assert_close(ours.values.numpy(), theirs.values.detach().numpy(), *tolerance(dtype), "values")
    assert_close(ours_x.grad.numpy(), theirs_x.grad.numpy(), *tolerance(dtype), "gradient")


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("which", ["amax", "amin"])
def test_amax_with_nan_splits_the_gradient_as_torch_full_max(dtype, which):
    # per slice the engine splits the gradient as torch's max()/min() over everything split
    # theirs: between the NaN positions, else between the tied extremes (torch.amax gives
    # NaN to a whole slice holding NaN, 0/0: a difference we keep)
    x = ROWS.astype(dtype)
    ours = Tensor(x, requires_grad=True)
    out = getattr(ours, which)(1)
    upstream = np.random.default_rng(1).standard_normal(len(x)).astype(dtype)
    out.backward(Tensor(upstream))
    assert_close(out.numpy(), getattr(torch, which)(to_torch(x), 1).numpy(), *tolerance(dtype), "values")
    for i, row in enumerate(x):
        theirs = to_torch(row, requires_grad=True)
        (getattr(theirs, which[1:])() * float(upstream[i])).backward()
        assert_close(ours.grad.numpy()[i], theirs.grad.numpy(), *tolerance(dtype), f"gradient of row {i}")
