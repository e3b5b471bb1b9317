"""Mathematical identities the engine's numerics must keep, with no reference engine.

Proves, in float32 and float64 on hypothesis shapes and values (including logits of
+-1e4 and |x| up to 100): softmax rows are non-negative and sum to 1; softmax is
invariant to a per-row shift; log_softmax equals log(softmax) and stays finite for
huge logits; logsumexp of huge logits is finite and equals max + log(sum(exp(x - max)));
cross-entropy is >= 0 and its gradient w.r.t. the logits is (softmax - onehot) / N
for mean reduction (and (softmax - p) / N for probability targets); sigmoid(x) ==
1 - sigmoid(-x); tanh is odd; gelu(x) - gelu(-x) == x for both approximations.
The references are numpy formulas written here, never the engine's own output.
"""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from strategies import arrays, float_dtypes, shapes

import tinygrad_lite.nn.functional as F
from tinygrad_lite import Tensor


def eps(dtype):
    return float(np.finfo(dtype).eps)


def ref_log_softmax(x, axis=-1):
    """log_softmax in float64, the max subtracted first."""
    x = np.asarray(x, np.float64)
    shifted = x - x.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


@st.composite
def logits(draw, dtype, max_dims=3):
    """Arrays of moderate values with, sometimes, entries of +-1e4 mixed in."""
    shape = draw(shapes(min_dims=1, max_dims=max_dims), label="shape")
    x = draw(arrays(shape, np.float64, -10, 10), label="x")
    extremes = draw(arrays(shape, np.int64, -1, 1), label="which are +-1e4") if draw(st.booleans()) else 0
    return np.where(extremes != 0, 1e4 * np.sign(extremes), x).astype(dtype)


# ---------------------------------------------------------------- softmax family

@given(data=st.data(), dtype=float_dtypes)
def test_softmax_rows_are_probabilities(data, dtype):
    x = data.draw(logits(dtype))
    axis = data.draw(st.integers(-x.ndim, x.ndim - 1), label="axis")
    p = Tensor(x).softmax(axis).numpy()
    assert p.dtype == dtype
    assert np.all(p >= 0) and np.all(p <= 1)
    np.testing.assert_allclose(p.sum(axis=axis, dtype=np.float64), 1.0, rtol=0, atol=4 * x.shape[axis] * eps(dtype))


@given(data=st.data(), dtype=float_dtypes)
def test_softmax_is_invariant_to_a_per_row_shift(data, dtype):
    x = data.draw(arrays(shapes(min_dims=2, max_dims=3), np.float64, -10, 10), label="x")
    shift = data.draw(arrays(x.shape[:-1] + (1,), np.float64, -100, 100), label="shift")
    shifted = (x + shift).astype(dtype)
    x = x.astype(dtype)
    # x + shift is rounded once in `dtype`: each logit moves by up to |x + shift| * eps
    tol = 4 * eps(dtype) * (1 + np.abs(shifted).max())
    np.testing.assert_allclose(Tensor(shifted).softmax(-1).numpy(), Tensor(x).softmax(-1).numpy(), rtol=0, atol=tol)
    np.testing.assert_allclose(F.softmax(Tensor(shifted), axis=-1).numpy(), F.softmax(Tensor(x), axis=-1).numpy(),
                               rtol=0, atol=tol)


@given(data=st.data(), dtype=float_dtypes)
def test_log_softmax_equals_log_of_softmax(data, dtype):
    x = data.draw(arrays(shapes(min_dims=1, max_dims=3), dtype, -10, 10), label="x")
    ours = Tensor(x).log_softmax(-1).numpy()
    assert ours.dtype == dtype
    np.testing.assert_allclose(ours, np.log(Tensor(x).softmax(-1).numpy().astype(np.float64)),
                               rtol=16 * eps(dtype), atol=16 * eps(dtype) * x.shape[-1])


@given(data=st.data(), dtype=float_dtypes)
def test_log_softmax_of_huge_logits_is_finite_and_exact(data, dtype):
    x = data.draw(logits(dtype))
    ours = F.log_softmax(Tensor(x), axis=-1).numpy()
    assert np.all(np.isfinite(ours))
    # |reference| may reach 2e4, so the error allowed scales with it
    ref = ref_log_softmax(x)
    np.testing.assert_allclose(ours, ref, rtol=8 * eps(dtype), atol=64 * eps(dtype))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_log_softmax_gradient_of_huge_logits_is_finite(dtype):
    x = Tensor(np.array([[1e4, -1e4, 0.0], [-1e4, -1e4, -1e4]], dtype=dtype), requires_grad=True)
    x.log_softmax(-1).sum().backward()
    assert np.all(np.isfinite(x.grad.numpy()))


@given(data=st.data(), dtype=float_dtypes, keepdim=st.booleans())
def test_logsumexp_of_huge_logits_is_finite_and_exact(data, dtype, keepdim):
    x = data.draw(logits(dtype))
    axis = data.draw(st.integers(-x.ndim, x.ndim - 1), label="axis")
    ours = Tensor(x).logsumexp(axis, keepdim=keepdim).numpy()
    x64 = x.astype(np.float64)
    m = x64.max(axis=axis, keepdims=True)
    ref = m + np.log(np.exp(x64 - m).sum(axis=axis, keepdims=True))
    ref = ref if keepdim else np.squeeze(ref, axis=axis)
    assert ours.dtype == dtype and ours.shape == ref.shape
    assert np.all(np.isfinite(ours))
    np.testing.assert_allclose(ours, ref, rtol=8 * eps(dtype), atol=64 * eps(dtype))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_logsumexp_of_equal_huge_logits_adds_log_n(dtype):
    x = np.full((2, 4), 1e4, dtype=dtype)
    x[1] = -1e4
    np.testing.assert_allclose(Tensor(x).logsumexp(1).numpy(), [1e4 + np.log(4), -1e4 + np.log(4)],
                               rtol=4 * eps(dtype))


# ---------------------------------------------------------------- cross-entropy

@given(data=st.data(), dtype=float_dtypes)
def test_cross_entropy_is_non_negative_and_its_gradient_is_softmax_minus_onehot(data, dtype):
    n, classes = data.draw(st.integers(1, 6), label="N"), data.draw(st.integers(1, 6), label="C")
    x = data.draw(arrays((n, classes), np.float64, -10, 10), label="logits")
    if data.draw(st.booleans(), label="with +-1e4"):
        x[0, 0] = data.draw(st.sampled_from([1e4, -1e4]))
    x = x.astype(dtype)
    target = data.draw(arrays((n,), np.int64, 0, classes - 1), label="target")

    t = Tensor(x, requires_grad=True)
    per_row = F.cross_entropy(t, Tensor(target), reduction="none").numpy()
    assert np.all(per_row >= 0)
    loss = F.cross_entropy(t, Tensor(target))
    assert loss.item() >= 0
    loss.backward()
    expected = (np.exp(ref_log_softmax(x)) - np.eye(classes)[target]) / n
    np.testing.assert_allclose(t.grad.numpy(), expected, rtol=16 * eps(dtype), atol=16 * eps(dtype))


@given(data=st.data(), dtype=float_dtypes)
def test_cross_entropy_with_probabilities_has_gradient_softmax_minus_target(data, dtype):
    n, classes = data.draw(st.integers(1, 6), label="N"), data.draw(st.integers(1, 6), label="C")
    x = data.draw(arrays((n, classes), dtype, -10, 10), label="logits")
    w = data.draw(arrays((n, classes), np.float64, 0.01, 1), label="weights")
    p = (w / w.sum(axis=1, keepdims=True)).astype(dtype)
    t = Tensor(x, requires_grad=True)
    loss = F.cross_entropy(t, Tensor(p))
    # H(p, q) >= H(p) >= 0
    assert loss.item() >= -16 * eps(dtype)
    loss.backward()
    expected = (np.exp(ref_log_softmax(x)) - p.astype(np.float64)) / n
    np.testing.assert_allclose(t.grad.numpy(), expected, rtol=16 * eps(dtype), atol=16 * eps(dtype))


# ---------------------------------------------------------------- elementwise symmetries

@given(data=st.data(), dtype=float_dtypes)
def test_sigmoid_is_one_minus_sigmoid_of_minus_x(data, dtype):
    x = data.draw(arrays(shapes(min_dims=1, max_dims=2, max_side=8), dtype, -100, 100), label="x")
    x = np.concatenate([x.ravel(), np.array([-100, -30, -1e-3, 0, 1e-3, 30, 100], dtype=dtype)])
    s, s_neg = Tensor(x).sigmoid().numpy(), F.sigmoid(Tensor(-x)).numpy()
    assert np.all(np.isfinite(s)) and np.all((s >= 0) & (s <= 1))
    np.testing.assert_allclose(s, 1 - s_neg.astype(np.float64), rtol=0, atol=2 * eps(dtype))


@given(data=st.data(), dtype=float_dtypes)
def test_tanh_is_odd(data, dtype):
    x = data.draw(arrays(shapes(min_dims=1, max_dims=2, max_side=8), dtype, -20, 20), label="x")
    np.testing.assert_allclose(Tensor(-x).tanh().numpy(), -Tensor(x).tanh().numpy(), rtol=0, atol=2 * eps(dtype))


@pytest.mark.parametrize("approximate", ["none", "tanh"])
@given(data=st.data(), dtype=float_dtypes)
def test_gelu_of_x_minus_gelu_of_minus_x_is_x(approximate, data, dtype):
    # x*Phi(x) - (-x)*Phi(-x) = x*(Phi(x) + Phi(-x)) = x, and the tanh form keeps the identity
    x = data.draw(arrays(shapes(min_dims=1, max_dims=2, max_side=8), dtype, -10, 10), label="x")
    diff = Tensor(x).gelu(approximate=approximate) - F.gelu(Tensor(-x), approximate=approximate)
    error = np.abs(diff.numpy().astype(np.float64) - x)
    allowed = 8 * eps(dtype) * np.maximum(1, np.abs(x))
    assert np.all(error <= allowed), f"worst |gelu(x) - gelu(-x) - x| / allowed = {np.max(error / allowed):.3g}"
