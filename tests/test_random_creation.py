"""Tensor creation (zeros ... eye, empty, linspace, logspace) and random sampling (randint ... poisson, the
in-place fills normal_ ... geometric_).

Creation is compared with torch value for value and dtype for dtype. Sampling cannot be compared with
torch (the streams differ by design), so each sampler is checked against its distribution: means and
variances within a few standard errors, chi-square tests on counts, with fixed seeds. The bounds are
honest — a sampler with the wrong parameters fails them (see test_the_checks_can_fail) — and the seeds
only make a run repeatable.
"""
import itertools
import math
import warnings

import numpy as np
import pytest
from hypothesis import assume, given, strategies as st

import tinygrad_lite as tg

try:
    import torch
except ImportError:  # the statistical tests below need no torch
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="parity with torch: pip install -e '.[test]'")
N = 20_000  # samples per statistical check: a mean's standard error is 0.7% of the std


def _dtype_name(dtype):
    """'float32', 'int64', 'bool' for a tg (numpy) or torch dtype."""
    return str(dtype).replace("torch.", "")


# ---- creation, against torch -------------------------------------------------------------------------
# (label, call on the module `m` (tg or torch)); the same call must give the same values and dtype.
CREATION = [
    ("zeros varargs", lambda m: m.zeros(2, 3)),
    ("zeros tuple", lambda m: m.zeros((2, 3))),
    ("zeros Size", lambda m: m.zeros(m.Size([2, 3]))),
    ("zeros 0-d", lambda m: m.zeros(())),
    ("zeros int64", lambda m: m.zeros(2, dtype=m.int64)),
    ("ones list", lambda m: m.ones([3, 1])),
    ("ones bool", lambda m: m.ones(2, dtype=m.bool)),
    ("full int -> int64", lambda m: m.full((2, 3), 7)),
    ("full bool -> bool", lambda m: m.full((2,), True)),
    ("full float -> default", lambda m: m.full((2,), 1.5)),
    ("full numpy float64 -> default", lambda m: m.full((2,), np.float64(1.5))),
    ("full numpy int32 -> int64", lambda m: m.full((2,), np.int32(3))),
    ("full 0-d float64 tensor -> default", lambda m: m.full((2,), m.tensor(2.5, dtype=m.float64))),
    ("full float into int64 truncates", lambda m: m.full((2,), -1.5, dtype=m.int64)),
    ("full 0-d", lambda m: m.full((), 4.0)),
    ("full empty axis", lambda m: m.full((0, 3), 4.0)),
    ("zeros_like dtype", lambda m: m.zeros_like(m.ones(2, 3), dtype=m.int64)),
    ("ones_like keeps int", lambda m: m.ones_like(m.zeros(2, dtype=m.int32))),
    ("ones_like float64", lambda m: m.ones_like(m.zeros(3), dtype=m.float64)),
    ("full_like float into int64", lambda m: m.full_like(m.zeros(2, dtype=m.int64), 1.5)),
    ("full_like 0-d tensor value", lambda m: m.full_like(m.zeros(2), m.tensor(2.5))),
    ("full_like dtype and device", lambda m: m.full_like(m.zeros(2), 2, dtype=m.float64, device="cpu")),
    ("empty_like shape and dtype", lambda m: m.empty_like(m.zeros(2, 3, dtype=m.int64)).shape),
    ("empty dtype", lambda m: m.empty(2, 3, dtype=m.float64).dtype),
    ("empty shape", lambda m: m.empty((4, 0)).shape),
    ("linspace", lambda m: m.linspace(3, 7, 5)),
    ("linspace uneven", lambda m: m.linspace(-1.5, 2.25, 13)),
    ("linspace float64", lambda m: m.linspace(0, 1, 7, dtype=m.float64)),
    ("linspace int64 truncates", lambda m: m.linspace(0, 10, 5, dtype=m.int64)),
    ("linspace int64 negative", lambda m: m.linspace(-5, 5, 7, dtype=m.int64)),
    ("linspace one step", lambda m: m.linspace(2, 9, 1)),
    ("linspace no steps", lambda m: m.linspace(0, 1, 0)),
    ("linspace decreasing", lambda m: m.linspace(5, -5, 11)),
    ("linspace 0-d tensor bounds", lambda m: m.linspace(m.tensor(0.0), m.tensor(1.0), 3)),
    ("logspace", lambda m: m.logspace(0, 2, 3)),
    ("logspace base 2", lambda m: m.logspace(0, 4, 5, base=2)),
    ("logspace negative exponents float64", lambda m: m.logspace(-2, 2, 9, dtype=m.float64)),
    ("logspace int64", lambda m: m.logspace(0, 3, 4, dtype=m.int64)),
    ("arange end", lambda m: m.arange(5)),
    ("arange float end", lambda m: m.arange(5.0)),
    ("arange float step", lambda m: m.arange(1, 4, 0.3)),
    ("arange tenths", lambda m: m.arange(0.0, 1.0, 0.1)),
    ("arange float64", lambda m: m.arange(-1, 1, 0.25, dtype=m.float64)),
    ("arange int dtype truncates bounds", lambda m: m.arange(0.5, 5.5, 1.5, dtype=m.int64)),
    ("arange negative step", lambda m: m.arange(0, -3, -1)),
    ("arange int step", lambda m: m.arange(2, 11, 3)),
    ("arange float16", lambda m: m.arange(10, dtype=m.float16)),
    ("arange empty", lambda m: m.arange(0, 0)),
    ("arange 0-d int tensor", lambda m: m.arange(m.tensor(4))),
    ("eye", lambda m: m.eye(3)),
    ("eye rectangular int64", lambda m: m.eye(2, 3, dtype=m.int64)),
    ("eye empty", lambda m: m.eye(0)),
    ("randint dtype", lambda m: m.randint(0, 5, (2, 3)).dtype),
    ("randint float dtype", lambda m: m.randint(0, 5, (2,), dtype=m.float32).dtype),
    ("randint 0-d shape", lambda m: m.randint(0, 5, ()).shape),
    ("randint high and size keywords", lambda m: m.randint(high=5, size=(2, 1)).shape),
    ("randint high, size keyword", lambda m: m.randint(10, size=(3,)).dtype),
    ("randint_like high keyword", lambda m: m.randint_like(m.zeros(2), high=3).dtype),
    ("randperm dtype", lambda m: m.randperm(4).dtype),
    ("randperm float dtype", lambda m: m.randperm(4, dtype=m.float32).dtype),
    ("randint_like keeps dtype", lambda m: m.randint_like(m.zeros(3, dtype=m.int32), 5).dtype),
    ("randint_like float", lambda m: m.randint_like(m.zeros(3), 2, 5).dtype),
    ("rand_like float64", lambda m: m.rand_like(m.zeros(2, dtype=m.float64)).dtype),
    ("randn_like dtype", lambda m: m.randn_like(m.zeros(2), dtype=m.float16).dtype),
    ("rand empty shape", lambda m: m.rand(0, 3).shape),
    ("randn float64", lambda m: m.randn(2, dtype=m.float64).dtype),
    ("normal tensor mean float64", lambda m: m.normal(m.zeros(2, dtype=m.float64), m.ones(2)).dtype),
    ("normal number mean, tensor std", lambda m: m.normal(0.0, m.ones(2, dtype=m.float64)).dtype),
    ("normal broadcast shape", lambda m: m.normal(m.zeros(2, 1), m.ones(3)).shape),
    ("normal size", lambda m: m.normal(2.0, 3.0, (2, 5)).shape),
    ("bernoulli keeps dtype", lambda m: m.bernoulli(m.zeros(2, dtype=m.float64)).dtype),
    ("bernoulli p on int64", lambda m: m.zeros(3, dtype=m.int64).bernoulli(0.5).dtype),
    ("multinomial dtype and shape", lambda m: m.multinomial(m.ones(2, 5), 3).shape),
    ("poisson dtype", lambda m: m.poisson(m.ones(2, dtype=m.float64)).dtype),
    ("geometric_ on int64", lambda m: m.zeros(3, dtype=m.int64).geometric_(0.5).dtype),
]


def _comparable(result):
    """A creation result as (kind, value) for comparison across the two libraries."""
    if isinstance(result, (tg.Tensor,)) or (torch is not None and isinstance(result, torch.Tensor)):
        values = result.numpy() if isinstance(result, tg.Tensor) else result.numpy()
        return "tensor", _dtype_name(result.dtype), values
    if isinstance(result, tuple):
        return "shape", tuple(result)
    return "dtype", _dtype_name(result)


@needs_torch
@pytest.mark.parametrize("label, call", CREATION, ids=[c[0] for c in CREATION])
def test_creation_matches_torch(label, call):
    ours, theirs = _comparable(call(tg)), _comparable(call(torch))
    assert ours[:2] == theirs[:2], f"{label}: {ours[:2]} != torch's {theirs[:2]}"
    if ours[0] == "tensor":
        assert ours[2].shape == theirs[2].shape
        # float32 linspace/arange/logspace values may differ from torch's in the last bit (torch evaluates
        # some of them in float32, the engine in float64 and rounds once)
        rtol = {"float16": 1e-3, "float32": 2e-7, "float64": 1e-15}.get(ours[1], 0)
        np.testing.assert_allclose(ours[2], theirs[2], rtol=rtol, atol=0, err_msg=label)


_BOUNDS = st.floats(-30, 30, allow_nan=False).map(lambda v: round(v, 2)) | st.integers(-30, 30)
_ULP = {"float16": 2.0 ** -10, "float32": 2.0 ** -23, "float64": 2.0 ** -52}


def _assert_ranges_agree(ours, theirs, scale, what):
    """Same shape and dtype; integer values equal; float values within 4 units in the last place of
    `scale` (torch evaluates some of these in float32 lanes, the engine in float64 rounded once)."""
    assert ours.shape == tuple(theirs.shape) and str(ours.dtype) == _dtype_name(theirs.dtype), what
    a, b = ours.numpy().astype(np.float64), theirs.numpy().astype(np.float64)
    ulp = _ULP.get(str(ours.dtype), 0.0)
    np.testing.assert_allclose(a, b, rtol=4 * ulp, atol=4 * ulp * scale, err_msg=what)


@needs_torch
@given(start=_BOUNDS, end=_BOUNDS, step=st.floats(0.05, 4).map(lambda v: round(v, 2)) | st.integers(1, 5),
       dtype=st.sampled_from([None, "float64", "float16", "int64", "int32"]))
def test_arange_matches_torch(start, end, step, dtype):
    step = step if end >= start else -step
    assume(dtype not in ("int64", "int32") or int(step) != 0)
    ours = tg.arange(start, end, step, **({} if dtype is None else {"dtype": getattr(tg, dtype)}))
    theirs = torch.arange(start, end, step, **({} if dtype is None else {"dtype": getattr(torch, dtype)}))
    _assert_ranges_agree(ours, theirs, max(abs(start), abs(end), 1), f"arange({start}, {end}, {step}, {dtype})")


@needs_torch
@given(start=_BOUNDS, end=_BOUNDS, steps=st.integers(0, 40), dtype=st.sampled_from([None, "float64", "float16"]),
       log=st.booleans())
def test_linspace_and_logspace_match_torch(start, end, steps, dtype, log):
    kind = "logspace" if log else "linspace"
    start, end = (start / 10, end / 10) if log else (start, end)  # 10 ** 3 at most: float16 holds it
    ours = getattr(tg, kind)(start, end, steps, **({} if dtype is None else {"dtype": getattr(tg, dtype)}))
    theirs = getattr(torch, kind)(start, end, steps, **({} if dtype is None else {"dtype": getattr(torch, dtype)}))
    scale = max(abs(start), abs(end), 1) if not log else 10 ** max(start, end)
    _assert_ranges_agree(ours, theirs, scale, f"{kind}({start}, {end}, {steps}, {dtype})")


@needs_torch
@given(start=_BOUNDS, end=_BOUNDS, steps=st.integers(0, 12))
def test_integer_logspace_matches_torch(start, end, steps):
    """An integer logspace truncates start and end first (base ** -1.5 with start -1.9 is 10 ** -1)."""
    start, end = start / 10, end / 10
    ours, theirs = tg.logspace(start, end, steps, dtype=tg.int64), torch.logspace(start, end, steps, dtype=torch.int64)
    assert ours.tolist() == theirs.tolist(), (start, end, steps)


def test_creation_keywords():
    """requires_grad, device and dtype keywords; the results are leaves."""
    for t in (tg.zeros(2, requires_grad=True), tg.full((2,), 1.5, requires_grad=True),
              tg.linspace(0, 1, 3, requires_grad=True), tg.rand(2, requires_grad=True),
              tg.randn(2, requires_grad=True, dtype=tg.float64), tg.normal(0.0, 1.0, (2,), requires_grad=True),
              tg.empty(2, requires_grad=True), tg.rand_like(tg.zeros(2), requires_grad=True)):
        assert t.requires_grad and t.is_leaf and t.grad is None
    assert tg.zeros_like(tg.zeros(2), device="cpu").device == "cpu"
    with pytest.raises(TypeError, match="randint"):
        tg.randint(0, 5, (2,), requires_grad=True)  # an int64 tensor cannot require grad


# (label, call, exception, words the message must hold)
CREATION_ERRORS = [
    ("zeros negative", lambda: tg.zeros(2, -1), ValueError, ["zeros", "(2, -1)"]),
    ("ones negative", lambda: tg.ones((-3,)), ValueError, ["ones"]),
    ("empty negative", lambda: tg.empty(-1), ValueError, ["empty"]),
    ("full negative", lambda: tg.full((-2,), 1.0), ValueError, ["full", "(-2,)"]),
    ("full int size", lambda: tg.full(2, 1.0), TypeError, ["full", "size"]),
    ("full str value", lambda: tg.full((2,), "x"), TypeError, ["full", "fill_value"]),
    ("full NaN into int64", lambda: tg.full((2,), math.nan, dtype=tg.int64), ValueError, ["full"]),
    ("rand negative", lambda: tg.rand(-1), ValueError, ["rand"]),
    ("randn negative", lambda: tg.randn(2, -2), ValueError, ["randn"]),
    ("rand int dtype", lambda: tg.rand(2, dtype=tg.int64), TypeError, ["rand", "floating point"]),
    ("randn int dtype", lambda: tg.randn(2, dtype=tg.int64), TypeError, ["randn", "floating point"]),
    ("rand_like int", lambda: tg.rand_like(tg.zeros(2, dtype=tg.int64)), TypeError, ["rand_like"]),
    ("eye negative n", lambda: tg.eye(-1), ValueError, ["eye"]),
    ("eye negative m", lambda: tg.eye(2, -1), ValueError, ["eye"]),
    ("linspace negative steps", lambda: tg.linspace(0, 1, -1), ValueError, ["linspace", "steps"]),
    ("linspace float steps", lambda: tg.linspace(0, 1, 2.5), TypeError, ["linspace", "steps"]),
    ("linspace bool dtype", lambda: tg.linspace(0, 1, 3, dtype=tg.bool), TypeError, ["linspace"]),
    ("logspace negative steps", lambda: tg.logspace(0, 1, -1), ValueError, ["logspace", "steps"]),
    ("arange zero step", lambda: tg.arange(0, 5, 0), ValueError, ["arange", "step"]),
    ("arange step truncated to zero", lambda: tg.arange(0, 2.5, 0.5, dtype=tg.int64), ValueError, ["arange", "step"]),
    ("arange wrong sign", lambda: tg.arange(0, 10, -1), ValueError, ["arange", "sign"]),
    ("arange backwards", lambda: tg.arange(5, 0), ValueError, ["arange", "sign"]),
    ("arange infinite", lambda: tg.arange(0, math.inf), ValueError, ["arange", "end"]),
    ("randperm negative", lambda: tg.randperm(-1), ValueError, ["randperm"]),
    ("randint negative size", lambda: tg.randint(0, 5, (-1,)), ValueError, ["randint"]),
]


@pytest.mark.parametrize("label, call, error, words", CREATION_ERRORS, ids=[c[0] for c in CREATION_ERRORS])
def test_creation_errors(label, call, error, words):
    with pytest.raises(error) as info:
        call()
    for word in words:
        assert word in str(info.value), f"{label}: {word!r} not in {info.value}"


# ---- statistics ---------------------------------------------------------------------------------
def _chi2_bound(df, z=4.75):
    """An upper quantile of the chi-square distribution with df degrees of freedom (Wilson–Hilferty;
    z = 4.75 is a one-sided tail of about 1e-6)."""
    return df * (1 - 2 / (9 * df) + z * math.sqrt(2 / (9 * df))) ** 3


def assert_counts(counts, probabilities, what):
    """Pearson's chi-square test of observed `counts` against category `probabilities`."""
    counts, probabilities = np.asarray(counts, np.float64), np.asarray(probabilities, np.float64)
    expected = counts.sum() * probabilities / probabilities.sum()
    assert (expected >= 5).all(), "too few samples per category for a chi-square test"
    chi2 = ((counts - expected) ** 2 / expected).sum()
    bound = _chi2_bound(len(counts) - 1)
    assert chi2 < bound, f"{what}: chi-square {chi2:.1f} >= {bound:.1f} (counts {counts}, expected {expected})"


def assert_moments(samples, mean, var, what, fourth=None):
    """The sample mean within 5 standard errors of `mean`, the sample variance within 5 of `var`.

    `fourth` is the distribution's fourth central moment (3·var² for a normal), which sets the
    variance's standard error sqrt((μ4 - var²) / n)."""
    x = np.asarray(samples, np.float64).ravel()
    n = x.size
    fourth = 3 * var ** 2 if fourth is None else fourth
    assert abs(x.mean() - mean) < 5 * math.sqrt(var / n), f"{what}: mean {x.mean()} vs {mean}"
    assert abs(x.var() - var) < 5 * math.sqrt((fourth - var ** 2) / n), f"{what}: variance {x.var()} vs {var}"


def test_the_checks_can_fail():
    """The statistical checks reject samples from a wrong distribution of the same size."""
    rng = np.random.default_rng(1)
    with pytest.raises(AssertionError):
        assert_moments(rng.normal(0.05, 1, N), 0, 1, "shifted mean")
    with pytest.raises(AssertionError):
        assert_moments(rng.normal(0, 1.05, N), 0, 1, "wider")
    with pytest.raises(AssertionError):
        assert_counts(np.bincount(rng.integers(0, 4, N), minlength=4), [1, 1, 1, 1.2], "skewed")


def test_rand_and_randn():
    tg.manual_seed(0)
    u = tg.rand(N).numpy()
    assert u.dtype == np.float32 and u.min() >= 0 and u.max() < 1
    assert_moments(u, 0.5, 1 / 12, "rand", fourth=1 / 80)
    assert_counts(np.histogram(u, bins=10, range=(0, 1))[0], np.ones(10), "rand deciles")
    assert_moments(tg.randn(100, N // 100, dtype=tg.float64).numpy(), 0, 1, "randn")
    assert_moments(tg.rand_like(tg.zeros(N, dtype=tg.float64)).numpy(), 0.5, 1 / 12, "rand_like", fourth=1 / 80)
    assert_moments(tg.randn_like(tg.zeros(N)).numpy(), 0, 1, "randn_like")


@pytest.mark.parametrize("dtype", [tg.float16, tg.float32])
def test_rand_never_rounds_up_to_one(dtype):
    """A float64 draw rounded to float16 would give 1.0 about once in 4096 samples (float32: once in 3e7)."""
    tg.manual_seed(12)
    u = tg.rand(100_000, dtype=dtype).numpy()
    assert u.max() < 1 and u.min() >= 0
    assert_counts(np.histogram(u, bins=8, range=(0, 1))[0], np.ones(8), f"rand {dtype}")
    assert tg.rand_like(tg.zeros(100_000, dtype=dtype)).numpy().max() < 1
    assert tg.empty(100_000, dtype=dtype).uniform_(-2, 3).numpy().max() < 3


def test_normal_forms():
    tg.manual_seed(1)
    assert_moments(tg.normal(2.0, 3.0, (N,)).numpy(), 2, 9, "normal(2, 3, size)")
    mean = tg.tensor([[-5.0], [0.0], [7.0]])
    std = tg.tensor([0.5, 1.0, 2.0, 4.0])
    samples = np.stack([tg.normal(mean, std).numpy() for _ in range(N // 10)])  # (draws, 3, 4)
    for i, j in itertools.product(range(3), range(4)):
        assert_moments(samples[:, i, j], mean.numpy()[i, 0], std.numpy()[j] ** 2, f"normal[{i}, {j}]")
    assert_moments(tg.normal(tg.full((N,), -1.0)).numpy(), -1, 1, "normal(mean) with std 1")
    assert_moments(tg.normal(3.0, tg.full((N,), 0.5)).numpy(), 3, 0.25, "normal(3, std tensor)")
    assert (tg.normal(tg.zeros(3), 0.0).numpy() == 0).all()


def test_normal_and_uniform_fills():
    tg.manual_seed(2)
    x = tg.empty(N, dtype=tg.float64)
    assert x.normal_(3.0, 2.0) is x
    assert_moments(x.numpy(), 3, 4, "normal_")
    x.uniform_(-2, 5)
    assert x.numpy().min() >= -2 and x.numpy().max() < 5
    assert_moments(x.numpy(), 1.5, 49 / 12, "uniform_", fourth=7 ** 4 / 80)
    assert (x.uniform_(1, 1).numpy() == 1).all()


def test_exponential_cauchy_log_normal():
    tg.manual_seed(3)
    x = tg.empty(N, dtype=tg.float64)
    e = x.exponential_(2.0).numpy().copy()
    assert e.min() >= 0
    assert_moments(e, 0.5, 0.25, "exponential_(2)", fourth=9 / 16)  # μ4 = 9/λ⁴
    c = x.cauchy_(1.0, 2.0).numpy().copy()
    # half the mass lies within one sigma of the median: a binomial count
    inside = ((c > -1) & (c < 3)).sum()
    assert_counts([inside, N - inside], [1, 1], "cauchy_ quartiles")
    assert_counts([(c < 1).sum(), (c >= 1).sum()], [1, 1], "cauchy_ median")
    ln = x.log_normal_(1.0, 0.5).numpy()
    assert ln.min() > 0
    assert_moments(np.log(ln), 1.0, 0.25, "log of log_normal_")


def test_geometric():
    tg.manual_seed(4)
    p = 0.3
    g = tg.empty(N, dtype=tg.int64).geometric_(p).numpy()
    assert g.min() >= 1
    counts = [np.sum(g == k) for k in range(1, 8)] + [np.sum(g >= 8)]
    probabilities = [(1 - p) ** (k - 1) * p for k in range(1, 8)] + [(1 - p) ** 7]
    assert_counts(counts, probabilities, "geometric_ counts")
    # mean 1/p, variance (1-p)/p², fourth central moment (1-p)(p²-9p+9)/p⁴ = 38 at p = 1/2
    assert_moments(tg.empty(N).geometric_(0.5).numpy(), 2, 2, "geometric_ float", fourth=38)


def test_bernoulli():
    tg.manual_seed(5)
    x = tg.empty(N).bernoulli_(0.3).numpy()
    assert set(np.unique(x)) <= {0.0, 1.0}
    assert_counts([np.sum(x == 1), np.sum(x == 0)], [0.3, 0.7], "bernoulli_(0.3)")
    probs = tg.tensor([0.0, 0.1, 0.5, 0.9, 1.0])
    draws = tg.empty(N // 4, 5).bernoulli_(probs).numpy()
    assert (draws[:, 0] == 0).all() and (draws[:, 4] == 1).all()
    for j, p in [(1, 0.1), (2, 0.5), (3, 0.9)]:
        ones = draws[:, j].sum()
        assert_counts([ones, len(draws) - ones], [p, 1 - p], f"bernoulli_ with p={p}")
    b = tg.bernoulli(tg.full((N,), 0.25, dtype=tg.float64))
    assert b.dtype == tg.float64
    assert_counts([b.numpy().sum(), N - b.numpy().sum()], [0.25, 0.75], "tg.bernoulli(probs)")
    i = tg.zeros(N, dtype=tg.int64).bernoulli(0.7).numpy()
    assert_counts([i.sum(), N - i.sum()], [0.7, 0.3], "bernoulli(p) on an int64 tensor")
    flags = tg.zeros(N, dtype=tg.bool).bernoulli_(0.5).numpy()
    assert_counts([flags.sum(), N - flags.sum()], [1, 1], "bool bernoulli_")


def test_randint_and_random_():
    tg.manual_seed(6)
    r = tg.randint(3, 8, (N,)).numpy()
    assert r.dtype == np.int64 and r.min() >= 3 and r.max() <= 7
    assert_counts(np.bincount(r - 3, minlength=5), np.ones(5), "randint(3, 8)")
    r = tg.randint(4, (N,)).numpy()
    assert_counts(np.bincount(r, minlength=4), np.ones(4), "randint(4, size)")
    r = tg.randint(4, size=(N,)).numpy()
    assert_counts(np.bincount(r, minlength=4), np.ones(4), "randint(4, size=size)")
    r = tg.randint_like(tg.zeros(N, dtype=tg.float64), -2, 2).numpy()
    assert set(np.unique(r)) == {-2.0, -1.0, 0.0, 1.0}
    x = tg.empty(N)
    assert_counts(np.bincount(x.random_(10).numpy().astype(int), minlength=10), np.ones(10), "random_(10)")
    assert_counts(np.bincount(x.random_(-5, -2).numpy().astype(int) + 5, minlength=3), np.ones(3), "random_(-5, -2)")
    full = tg.empty(N, dtype=tg.uint8).random_().numpy()
    assert_counts(np.bincount(full // 32, minlength=8), np.ones(8), "uint8 random_() in eighths")
    floats = tg.empty(N).random_().numpy()
    assert floats.min() >= 0 and floats.max() <= 2 ** 24 and (floats == np.round(floats)).all()
    assert floats.max() > 2 ** 23  # the range reaches torch's 2^24 for float32
    flags = tg.empty(N, dtype=tg.bool).random_().numpy()
    assert_counts([flags.sum(), N - flags.sum()], [1, 1], "bool random_()")


_EDGES = [0, 1, 2, 127, 128, -128, 255, 256, 2049, 32767, 32768, -32769, 65504, 65520, 2 ** 24, 2 ** 31,
          -2 ** 31, 2 ** 53, 2 ** 62, -2 ** 62]
_INT_DTYPES = ["uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64", "bool"]


@needs_torch
@given(low=st.sampled_from(_EDGES), high=st.sampled_from(_EDGES), nudge=st.tuples(*[st.integers(-2, 2)] * 2),
       dtype=st.sampled_from(_INT_DTYPES), method=st.booleans())
def test_integer_ranges_are_refused_where_torch_refuses_them(low, high, nudge, dtype, method):
    """randint and random_ accept exactly the (from, to, dtype) that torch accepts: from < to, both held by
    the dtype, and for a float dtype, still from < to once moved to integers the dtype holds."""
    low, high = low + nudge[0], high + nudge[1]

    def draw(m):
        if method:
            return m.zeros(50, dtype=getattr(m, dtype)).random_(low, high)
        return m.randint(low, high, (50,), dtype=getattr(m, dtype))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torch warns past a float's exact integers
            theirs = draw(torch)
    except RuntimeError:
        with pytest.raises(ValueError, match="random_" if method else "randint"):
            draw(tg)
        return
    ours = draw(tg)
    assert str(ours.dtype) == _dtype_name(theirs.dtype)
    values = ours.numpy()
    if values.dtype.kind in "iu":
        assert (values >= low).all() and (values < high).all()
    else:
        assert np.isfinite(values).all() and (values == np.round(values)).all()


def test_randperm():
    tg.manual_seed(7)
    assert sorted(tg.randperm(50).tolist()) == list(range(50))
    assert tg.randperm(0).shape == (0,)
    orders = [tuple(tg.randperm(3).tolist()) for _ in range(3000)]
    counts = [orders.count(p) for p in itertools.permutations(range(3))]
    assert_counts(counts, np.ones(6), "randperm(3) orders")


def test_multinomial_with_replacement():
    tg.manual_seed(8)
    weights = [1.0, 0.0, 2.0, 5.0]
    draws = tg.multinomial(tg.tensor(weights), N, replacement=True).numpy()
    assert draws.dtype == np.int64 and draws.shape == (N,)
    counts = np.bincount(draws, minlength=4)
    assert counts[1] == 0
    assert_counts(counts[[0, 2, 3]], [1, 2, 5], "multinomial with replacement")
    rows = tg.tensor([[1.0, 1.0, 0.0], [0.0, 3.0, 1.0]]).multinomial(N, True).numpy()
    assert rows.shape == (2, N)
    assert_counts(np.bincount(rows[0], minlength=3)[:2], [1, 1], "row 0")
    assert_counts(np.bincount(rows[1], minlength=3)[1:], [3, 1], "row 1")


def test_multinomial_without_replacement():
    tg.manual_seed(9)
    w = np.array([1.0, 2.0, 3.0])
    pairs = tg.multinomial(tg.tensor(np.tile(w, (6000, 1))), 2).numpy()  # one draw of 2 per row
    assert (pairs[:, 0] != pairs[:, 1]).all()
    # a weighted draw without replacement: P(i then j) = w_i / W · w_j / (W - w_i)
    ordered = list(itertools.permutations(range(3), 2))
    counts = [np.sum((pairs[:, 0] == i) & (pairs[:, 1] == j)) for i, j in ordered]
    probabilities = [w[i] / w.sum() * w[j] / (w.sum() - w[i]) for i, j in ordered]
    assert_counts(counts, probabilities, "ordered pairs without replacement")
    all_of_them = tg.multinomial(tg.tensor([0.0, 4.0, 1.0, 2.0]), 3).numpy()
    assert sorted(all_of_them.tolist()) == [1, 2, 3]  # every non-zero category, never the zero one
    assert tg.multinomial(tg.ones(0, 3), 2).shape == (0, 2)


def test_poisson():
    tg.manual_seed(10)
    for rate in (0.5, 4.0, 30.0):
        x = tg.poisson(tg.full((N,), rate, dtype=tg.float64)).numpy()
        assert (x == np.round(x)).all() and x.min() >= 0
        assert_moments(x, rate, rate, f"poisson({rate})", fourth=rate + 3 * rate ** 2)
    assert (tg.poisson(tg.zeros(5)).numpy() == 0).all()


# ---- reproducibility ---------------------------------------------------------------------------
# every sampler, called with a generator (None: the default stream)
SAMPLERS = {
    "rand": lambda g: tg.rand(3, 4, generator=g),
    "randn": lambda g: tg.randn(5, generator=g),
    "rand_like": lambda g: tg.rand_like(tg.zeros(5), generator=g),
    "randn_like": lambda g: tg.randn_like(tg.zeros(5), generator=g),
    "randint": lambda g: tg.randint(0, 1000, (6,), generator=g),
    "randint_like": lambda g: tg.randint_like(tg.zeros(6), 1000, generator=g),
    "randperm": lambda g: tg.randperm(20, generator=g),
    "multinomial": lambda g: tg.multinomial(tg.ones(10), 5, generator=g),
    "multinomial replacement": lambda g: tg.ones(2, 10).multinomial(5, True, generator=g),
    "bernoulli": lambda g: tg.bernoulli(tg.full((20,), 0.5), generator=g),
    "bernoulli p": lambda g: tg.zeros(20).bernoulli(0.5, generator=g),
    "normal": lambda g: tg.normal(0.0, 1.0, (5,), generator=g),
    "normal tensor": lambda g: tg.normal(tg.zeros(5), tg.ones(5), generator=g),
    "poisson": lambda g: tg.poisson(tg.full((8,), 20.0), g),
    "normal_": lambda g: tg.empty(5).normal_(generator=g),
    "uniform_": lambda g: tg.empty(5).uniform_(generator=g),
    "bernoulli_": lambda g: tg.empty(20).bernoulli_(0.5, generator=g),
    "exponential_": lambda g: tg.empty(5).exponential_(generator=g),
    "random_": lambda g: tg.empty(5).random_(generator=g),
    "cauchy_": lambda g: tg.empty(5).cauchy_(generator=g),
    "log_normal_": lambda g: tg.empty(5).log_normal_(generator=g),
    "geometric_": lambda g: tg.empty(20).geometric_(0.2, generator=g),
}


@pytest.mark.parametrize("name", list(SAMPLERS))
def test_manual_seed_reproduces_every_sampler(name):
    draw = SAMPLERS[name]
    tg.manual_seed(123)
    first, after = draw(None).numpy(), tg.rand(4).numpy()
    tg.manual_seed(123)
    assert np.array_equal(draw(None).numpy(), first)
    assert np.array_equal(tg.rand(4).numpy(), after)  # the stream is in the same place afterwards
    tg.manual_seed(124)
    assert not np.array_equal(np.concatenate([draw(None).numpy().ravel() for _ in range(3)]),
                              np.concatenate([first.ravel()] * 3))


@pytest.mark.parametrize("name", list(SAMPLERS))
def test_a_generator_is_a_stream_of_its_own(name):
    draw = SAMPLERS[name]
    tg.manual_seed(5)
    expected_default = tg.rand(4).numpy()
    tg.manual_seed(5)
    g = tg.Generator().manual_seed(77)
    ours = draw(g).numpy()
    assert np.array_equal(tg.rand(4).numpy(), expected_default)  # the default stream did not move
    assert np.array_equal(draw(tg.Generator().manual_seed(77)).numpy(), ours)
    assert g.initial_seed() == 77


def test_generator_and_seed_functions():
    g = tg.Generator()
    assert g.manual_seed(3) is g and g.device == "cpu"
    assert tg.manual_seed(9) is tg.default_generator and tg.initial_seed() == 9
    s = tg.seed()
    assert isinstance(s, int) and tg.initial_seed() == s
    with pytest.raises(TypeError, match="manual_seed"):
        g.manual_seed(1.5)
    with pytest.raises(ValueError, match="manual_seed"):
        tg.manual_seed(-1)
    with pytest.raises(TypeError, match="rand.*generator"):
        tg.rand(2, generator="x")


def test_rng_state_round_trip():
    tg.manual_seed(11)
    tg.rand(3)
    state = tg.get_rng_state()
    assert state.dtype == tg.uint8 and state.shape == (37,)
    first = [tg.randn(4).numpy(), tg.randint(0, 100, (4,)).numpy(), tg.empty(4).bernoulli_(0.5).numpy()]
    tg.set_rng_state(state)
    again = [tg.randn(4).numpy(), tg.randint(0, 100, (4,)).numpy(), tg.empty(4).bernoulli_(0.5).numpy()]
    assert all(np.array_equal(a, b) for a, b in zip(first, again))
    g = tg.Generator().manual_seed(2)
    saved = g.get_state()
    x = tg.rand(5, generator=g).numpy()
    assert g.set_state(saved) is g
    assert np.array_equal(tg.rand(5, generator=g).numpy(), x)
    with pytest.raises(TypeError, match="set_rng_state"):
        tg.set_rng_state(tg.zeros(37))
    with pytest.raises(TypeError, match="set_state"):
        g.set_state(state[:5])


# ---- in-place fills and the graph ---------------------------------------------------------------
FILLS = [("normal_", ()), ("uniform_", ()), ("bernoulli_", (0.5,)), ("exponential_", ()), ("random_", (5,)),
         ("cauchy_", ()), ("log_normal_", ()), ("geometric_", (0.5,))]


@pytest.mark.parametrize("name, args", FILLS, ids=[f[0] for f in FILLS])
def test_fills_on_a_leaf_that_requires_grad_only_under_no_grad(name, args):
    w = tg.zeros(4, requires_grad=True)
    with pytest.raises(RuntimeError, match=name):
        getattr(w, name)(*args)
    assert (w.numpy() == 0).all()
    with tg.no_grad():
        assert getattr(w, name)(*args) is w
    assert w.requires_grad and w.is_leaf


@pytest.mark.parametrize("shape", [(2, 3), (), (0, 4)])
@pytest.mark.parametrize("dtype", [tg.float16, tg.float32, tg.float64])
@pytest.mark.parametrize("name, args", FILLS, ids=[f[0] for f in FILLS])
def test_fills_keep_shape_and_dtype(name, args, dtype, shape):
    tg.manual_seed(13)
    x = tg.zeros(shape, dtype=dtype)
    getattr(x, name)(*args)
    assert x.dtype == dtype and x.shape == shape
    if x.numel() and name not in ("bernoulli_", "random_"):  # draws that are never 0 (but by a fluke)
        assert (x.numpy() != 0).all()  # the values were written


@needs_torch
@pytest.mark.parametrize("name, args", FILLS, ids=[f[0] for f in FILLS])
def test_fills_in_the_graph_give_zero_gradients_as_torch(name, args):
    """A fill of a non-leaf (or of a view of one) keeps it in the graph; the overwritten values' inputs
    get zero gradients, the untouched ones theirs."""
    grads = []
    for m in (tg, torch):
        w = m.ones(2, 3, requires_grad=True)
        y = w * 2
        getattr(y[0], name)(*args)
        z = w * 1
        getattr(z, name)(*args)
        assert y.requires_grad and z.requires_grad and not z.is_leaf
        ((y * 3).sum() + z.sum()).backward()
        grads.append(w.grad.numpy())
    np.testing.assert_array_equal(grads[0], grads[1])


@needs_torch
def test_samples_from_tensors_that_require_grad_have_zero_gradients_as_torch():
    samplers = [
        lambda m, a, b: m.normal(a, b),
        lambda m, a, b: m.normal(a),
        lambda m, a, b: m.normal(0.0, b),
        lambda m, a, b: m.bernoulli(a.sigmoid()),
        # (x.bernoulli(0.5) is left out: torch's result requires grad but its backward raises "not implemented")
        lambda m, a, b: m.poisson(b),
    ]
    for i, sample in enumerate(samplers):
        results = []
        for m in (tg, torch):
            a = m.zeros(2, 1, requires_grad=True)
            b = m.ones(3, dtype=m.float64, requires_grad=True)
            out = sample(m, a, b)
            assert out.requires_grad, i
            (out.sum() if out.dtype == m.float64 else out.double().sum()).backward()
            results.append((_dtype_name(out.dtype), tuple(out.shape), a.grad is None or a.grad.numpy().tolist(),
                            b.grad is None or b.grad.numpy().tolist()))
        assert results[0] == results[1], i
    with tg.no_grad():
        assert not tg.normal(tg.zeros(2, requires_grad=True)).requires_grad


def test_fills_on_views_and_read_only_memory():
    base = tg.zeros(4, 4)
    base[1].normal_()
    values = base.numpy()
    assert (values[1] != 0).all() and (values[[0, 2, 3]] == 0).all()
    with pytest.raises(RuntimeError, match="uniform_"):
        tg.zeros(1, 4).expand(3, 4).uniform_()


def test_strided_inputs_and_views():
    """Samples from transposed, sliced and expanded inputs follow their values; fills into a strided view
    write only the view's elements of the base."""
    tg.manual_seed(14)
    w = tg.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]).T  # rows [1, 0, 1] and [0, 1, 1], not contiguous
    picks = tg.multinomial(w, 2).numpy()
    assert sorted(picks[0].tolist()) == [0, 2] and sorted(picks[1].tolist()) == [1, 2]
    probs = tg.tensor([[0.0, 1.0], [1.0, 0.0]]).T
    assert tg.bernoulli(probs).tolist() == probs.tolist()
    assert tg.normal(tg.arange(3.0).reshape(3, 1).expand(3, 4), 0.0).tolist() == [[0.0] * 4, [1.0] * 4, [2.0] * 4]
    assert (tg.poisson(tg.zeros(4, 6)[:, ::2].T).numpy() == 0).all()
    base = tg.zeros(3, 4)
    base.T[1:].uniform_(5, 6)
    values = base.numpy()
    assert (values[:, 0] == 0).all() and ((values[:, 1:] >= 5) & (values[:, 1:] < 6)).all()


# ---- bad input -------------------------------------------------------------------------------------
# (label, our call, torch's call or None where torch accepts it (a deliberate difference), exception, words)
SAMPLING_ERRORS = [
    ("bernoulli p above 1", lambda m: m.bernoulli(m.tensor([0.5, 1.5])), True, ValueError, ["bernoulli", "[0, 1]"]),
    ("bernoulli NaN p", lambda m: m.bernoulli(m.tensor([0.5, math.nan])), True, ValueError, ["bernoulli"]),
    ("bernoulli float p above 1", lambda m: m.bernoulli(m.zeros(2), 1.3), True, ValueError, ["bernoulli", "1.3"]),
    ("bernoulli int input", lambda m: m.bernoulli(m.tensor([0, 1])), True, TypeError, ["bernoulli"]),
    ("bernoulli_ p negative", lambda m: m.zeros(2).bernoulli_(-0.1), True, ValueError, ["bernoulli_"]),
    ("bernoulli_ p tensor shape", lambda m: m.zeros(3).bernoulli_(m.tensor([0.1, 0.5])), True, ValueError,
     ["bernoulli_", "(2,)"]),
    ("bernoulli_ p tensor outside", lambda m: m.zeros(2).bernoulli_(m.tensor([0.1, 2.0])), False, ValueError,
     ["bernoulli_"]),
    ("multinomial negative", lambda m: m.multinomial(m.tensor([1.0, -1.0]), 1), True, ValueError, ["multinomial"]),
    ("multinomial inf", lambda m: m.multinomial(m.tensor([1.0, math.inf]), 1), True, ValueError, ["multinomial"]),
    ("multinomial zero row", lambda m: m.multinomial(m.tensor([[1.0, 1.0], [0.0, 0.0]]), 1), True, ValueError,
     ["multinomial", "zero"]),
    ("multinomial int", lambda m: m.multinomial(m.tensor([1, 2]), 1), True, TypeError, ["multinomial"]),
    ("multinomial 3-d", lambda m: m.multinomial(m.ones(2, 2, 2), 1), True, ValueError, ["multinomial", "2-d"]),
    ("multinomial zero samples", lambda m: m.multinomial(m.ones(3), 0), True, ValueError,
     ["multinomial", "num_samples"]),
    ("multinomial more than categories", lambda m: m.multinomial(m.ones(3), 4), True, ValueError,
     ["multinomial", "num_samples=4"]),
    ("multinomial more than non-zero", lambda m: m.multinomial(m.tensor([1.0, 0.0, 2.0]), 3), False, ValueError,
     ["multinomial", "non-zero"]),
    ("normal negative std", lambda m: m.normal(0.0, -1.0, (2,)), True, ValueError, ["normal", "std"]),
    ("normal negative std tensor", lambda m: m.normal(m.zeros(2), m.tensor([1.0, -1.0])), True, ValueError,
     ["normal", "std"]),
    ("normal NaN std", lambda m: m.normal(m.zeros(2), math.nan), True, ValueError, ["normal", "std"]),
    ("normal numbers without size", lambda m: m.normal(2.0, 3.0), True, TypeError, ["normal", "size"]),
    ("normal tensors with size", lambda m: m.normal(m.zeros(2), m.ones(2), (2,)), True, TypeError, ["normal", "size"]),
    ("normal int mean", lambda m: m.normal(m.zeros(2, dtype=m.int64), 1.0), True, TypeError, ["normal", "mean"]),
    ("normal shapes", lambda m: m.normal(m.zeros(2), m.ones(3)), True, ValueError, ["normal", "broadcast"]),
    ("normal_ negative std", lambda m: m.zeros(2).normal_(0, -1), True, ValueError, ["normal_", "std"]),
    ("normal_ int tensor", lambda m: m.zeros(2, dtype=m.int64).normal_(), True, TypeError, ["normal_"]),
    ("uniform_ reversed", lambda m: m.zeros(2).uniform_(3, 1), True, ValueError, ["uniform_", "from"]),
    ("uniform_ int tensor", lambda m: m.zeros(2, dtype=m.int64).uniform_(), True, TypeError, ["uniform_"]),
    ("exponential_ zero rate", lambda m: m.zeros(2).exponential_(0), True, ValueError, ["exponential_", "lambd"]),
    ("exponential_ int tensor", lambda m: m.zeros(2, dtype=m.int64).exponential_(), True, TypeError, ["exponential_"]),
    ("cauchy_ zero sigma", lambda m: m.zeros(2).cauchy_(0, 0), True, ValueError, ["cauchy_", "sigma"]),
    ("log_normal_ zero std", lambda m: m.zeros(2).log_normal_(1, 0), True, ValueError, ["log_normal_", "std"]),
    ("geometric_ p = 0", lambda m: m.zeros(2).geometric_(0), True, ValueError, ["geometric_", "(0, 1)"]),
    ("geometric_ p = 1", lambda m: m.zeros(2).geometric_(1), True, ValueError, ["geometric_", "(0, 1)"]),
    ("geometric_ bool tensor", lambda m: m.zeros(2, dtype=m.bool).geometric_(0.5), True, TypeError, ["geometric_"]),
    ("random_ empty range", lambda m: m.zeros(2).random_(5, 3), True, ValueError, ["random_", "from"]),
    ("random_ past uint8", lambda m: m.zeros(2, dtype=m.uint8).random_(0, 300), True, ValueError, ["random_", "uint8"]),
    ("random_ below int8", lambda m: m.zeros(2, dtype=m.int8).random_(-200, 5), True, ValueError, ["random_", "int8"]),
    ("random_ float bound", lambda m: m.zeros(2).random_(2.5), True, TypeError, ["random_"]),
    ("randint empty range", lambda m: m.randint(5, 5, (3,)), True, ValueError, ["randint"]),
    ("randint float high", lambda m: m.randint(0, 2.5, (3,)), True, TypeError, ["randint", "high"]),
    ("randint int size", lambda m: m.randint(0, 5, 5), True, TypeError, ["randint", "size"]),
    ("randint past uint8", lambda m: m.randint(0, 300, (3,), dtype=m.uint8), True, ValueError, ["randint", "uint8"]),
    ("randint past bool", lambda m: m.randint(0, 5, (3,), dtype=m.bool), True, ValueError, ["randint", "bool"]),
    ("randint below uint8", lambda m: m.randint(-3, 2, (2,), dtype=m.uint8), True, ValueError, ["randint", "uint8"]),
    ("randint_like empty range", lambda m: m.randint_like(m.zeros(2), 3, 3), True, ValueError, ["randint_like"]),
    ("randperm past uint8", lambda m: m.randperm(300, dtype=m.uint8), True, ValueError, ["randperm", "uint8"]),
    ("randperm past float16", lambda m: m.randperm(3000, dtype=m.float16), True, ValueError, ["randperm", "float16"]),
    ("poisson negative", lambda m: m.poisson(m.tensor([-1.0, 2.0])), True, ValueError, ["poisson", "rate"]),
    ("poisson NaN", lambda m: m.poisson(m.tensor([math.nan])), True, ValueError, ["poisson", "rate"]),
    ("poisson int", lambda m: m.poisson(m.tensor([1, 2])), True, TypeError, ["poisson"]),
    ("poisson inf", lambda m: m.poisson(m.tensor([math.inf])), False, ValueError, ["poisson", "rate"]),
]


@pytest.mark.parametrize("label, call, torch_refuses, error, words", SAMPLING_ERRORS,
                         ids=[c[0] for c in SAMPLING_ERRORS])
def test_sampling_errors(label, call, torch_refuses, error, words):
    with pytest.raises(error) as info:
        call(tg)
    for word in words:
        assert word in str(info.value), f"{label}: {word!r} not in {info.value}"
    if torch is not None and torch_refuses:
        with pytest.raises(Exception):
            call(torch)


def test_a_failed_draw_leaves_the_tensor_and_the_stream_alone():
    tg.manual_seed(0)
    expected = tg.rand(3).numpy()
    tg.manual_seed(0)
    x = tg.zeros(3)
    with pytest.raises(ValueError):
        x.uniform_(2, 1)
    with pytest.raises(ValueError):
        tg.multinomial(tg.tensor([1.0, 0.0]), 2)
    assert (x.numpy() == 0).all()
    assert np.array_equal(tg.rand(3).numpy(), expected)


def test_results_live_on_the_device(device):  # `device`: conftest's fixture, every device this machine has
    for t in (tg.zeros(2, device=device), tg.rand(2, device=device), tg.randint(0, 5, (2,), device=device),
              tg.linspace(0, 1, 3, device=device), tg.empty_like(tg.zeros(2, device=device)),
              tg.multinomial(tg.ones(3, device=device), 2), tg.bernoulli(tg.full((3,), 0.5, device=device)),
              tg.normal(tg.zeros(2, device=device), 1.0), tg.poisson(tg.ones(2, device=device)),
              tg.zeros(3, device=device).normal_()):
        assert t.device == device
