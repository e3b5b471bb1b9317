"""GELU (exact and tanh) at large |x| and at +-inf, on every device, in float16, float32 and float64.

Proves: at large finite |x| values and gradients match torch wherever torch's own
arithmetic does not overflow (float16 computes in float32, so x^3 of a float16 never
overflows: the tanh form's gradient at x = 7000 is 1, not nan); where torch overflows
(its float32 exact gelu at x > 1.7e38 gives inf, its tanh gradient gives nan once x^2
overflows) and at +-inf, the engine gives the limits on the cpu and interp devices alike:
gelu(x) -> x and gelu'(x) -> 1 as x -> inf, gelu(x) -> -0 and gelu'(x) -> 0 as x -> -inf.
"""
import numpy as np
import pytest

from helpers import check_op, torch

from tinygrad_lite import Tensor

TF = torch.nn.functional
APPROXIMATE = ["none", "tanh"]

# Large finite |x| at which torch's arithmetic is right, per dtype and form.
TORCH_RIGHT = {
    (np.float16, "none"): [5.0, 10.0, 40.0, 41.0, 300.0, 7000.0, 65504.0],
    (np.float16, "tanh"): [5.0, 10.0, 40.0, 41.0, 300.0, 7000.0, 65504.0],
    (np.float32, "none"): [10.0, 1e4, 1e13, 1e20, 1e30],
    (np.float32, "tanh"): [10.0, 1e4, 1e6, 1e13, 1e18],
    (np.float64, "none"): [10.0, 1e4, 1e20, 1e150, 1e300],
    (np.float64, "tanh"): [10.0, 1e4, 1e20, 1e100, 1e150],
}

# Where torch overflows (inf or nan from finite input), and the infinities.
TORCH_OVERFLOWS = {
    (np.float16, "none"): [np.inf],
    (np.float16, "tanh"): [np.inf],
    (np.float32, "none"): [3e38, np.finfo(np.float32).max, np.inf],
    (np.float32, "tanh"): [1e20, 1e30, 3e38, np.inf],
    (np.float64, "none"): [np.finfo(np.float64).max, np.inf],
    (np.float64, "tanh"): [1e160, 1e300, np.inf],
}

CASES = sorted(TORCH_RIGHT, key=lambda k: (np.dtype(k[0]).itemsize, k[1]))


def _ids(case):
    return f"{np.dtype(case[0])}-{case[1]}"


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_gelu_at_large_finite_x_matches_torch(case, device):
    dtype, approximate = case
    magnitudes = np.array(TORCH_RIGHT[case])
    x = np.concatenate([magnitudes, -magnitudes]).astype(dtype)
    check_op(lambda t: t.gelu(approximate=approximate), lambda t: TF.gelu(t, approximate=approximate),
             x, device=device)


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_gelu_gives_the_limits_where_torch_overflows(case, device):
    dtype, approximate = case
    magnitudes = np.array(TORCH_OVERFLOWS[case], dtype=dtype)
    x = Tensor(np.concatenate([magnitudes, -magnitudes]), requires_grad=True, device=device)
    y = x.gelu(approximate=approximate)
    y.backward(Tensor(np.ones(x.shape, dtype), device=device))
    n = len(magnitudes)
    values, grads = y.numpy(), x.grad.numpy()
    np.testing.assert_array_equal(values[:n], magnitudes)  # Phi(x) is 1 to within far less than an ulp
    assert np.all(values[n:] == 0) and np.all(np.signbit(values[n:])), values[n:]  # -0, as x * (+0)
    np.testing.assert_array_equal(grads, np.r_[np.ones(n), np.zeros(n)].astype(dtype))


def test_float16_tanh_gelu_gradient_at_7000_is_one_as_torch():
    """x^3 overflows float16 at |x| > 40; computed in float32 the gradient is exactly 1."""
    x = Tensor(np.array([7000.0], np.float16), requires_grad=True)
    x.gelu(approximate="tanh").sum().backward()
    t = torch.tensor([7000.0], dtype=torch.float16, requires_grad=True)
    TF.gelu(t, approximate="tanh").sum().backward()
    assert x.grad.numpy().tolist() == t.grad.tolist() == [1.0]
