"""erf, normal_cdf and normal_pdf (tinygrad_lite.backend.special) against Python's math.erf.

Proves: relative error <= 1e-15 in float64 on a dense grid of [-10, 10], at the
branch points of the approximation, at extremes (subnormals, huge values, +-inf, nan)
and on hypothesis floats; erf is exactly odd; float16/float32 keep their dtype and are
within an ulp of the correctly rounded value; Phi and phi match their definitions;
the float32 Phi and phi (the GELU hot path) stay within their documented error.
"""
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tinygrad_lite.backend.special import erf, normal_cdf, normal_pdf

MAX_REL_ERR = 1e-15


def reference_erf(xs):
    return np.array([math.erf(v) for v in np.asarray(xs, dtype=np.float64).ravel()])


def max_relative_error(got, want):
    err = np.abs(got - want)
    scale = np.abs(want)
    return float(np.max(np.where(scale > 0, err / np.where(scale > 0, scale, 1.0), err)))


def test_erf_float64_matches_math_erf_on_dense_grid():
    xs = np.linspace(-10.0, 10.0, 200_001)
    assert max_relative_error(erf(xs), reference_erf(xs)) <= MAX_REL_ERR


def test_erf_matches_at_branch_points_and_extremes():
    tiny = np.finfo(np.float64).tiny
    points = [0.46875, 4.0, 26.543, 27.0, 1e-300, tiny, 5e-324, 1e-8, 6.0, 1e10, 1e308]
    neighbours = [np.nextafter(p, d) for p in points for d in (-np.inf, np.inf)]
    xs = np.array(points + neighbours + [np.finfo(np.float64).max])
    xs = np.concatenate([xs, -xs])
    assert max_relative_error(erf(xs), reference_erf(xs)) <= MAX_REL_ERR


def test_erf_special_values():
    got = erf(np.array([np.inf, -np.inf, np.nan, 0.0, -0.0]))
    assert got[0] == 1.0 and got[1] == -1.0
    assert np.isnan(got[2])
    assert got[3] == 0.0 and not np.signbit(got[3])
    assert got[4] == 0.0 and np.signbit(got[4])


@given(st.lists(st.floats(allow_nan=False, allow_infinity=False, width=64), min_size=1, max_size=20))
def test_erf_matches_math_erf_on_any_float64(values):
    xs = np.array(values, dtype=np.float64)
    assert max_relative_error(erf(xs), reference_erf(xs)) <= MAX_REL_ERR


@given(st.floats(allow_nan=False, allow_infinity=False, width=64))
def test_erf_is_exactly_odd(value):
    assert erf(np.float64(-value)) == -erf(np.float64(value))


@pytest.mark.parametrize("dtype", [np.float16, np.float32])
def test_erf_keeps_low_precision_dtype_and_rounds_once(dtype):
    xs = np.linspace(-5.0, 5.0, 10_001).astype(dtype)
    got = erf(xs)
    assert got.dtype == dtype and got.shape == xs.shape
    want = reference_erf(xs).astype(dtype)  # the correctly rounded value, up to a tie
    ulps = np.abs(got.astype(np.float64) - want) / np.spacing(np.abs(want)).astype(np.float64)
    assert np.max(ulps) <= 1.0


def test_erf_keeps_shape_and_promotes_integers_to_float64():
    assert erf(np.zeros((2, 3, 1), dtype=np.float32)).shape == (2, 3, 1)
    assert erf(np.float64(0.5)).shape == ()
    ints = erf(np.array([0, 1, -2]))
    assert ints.dtype == np.float64
    np.testing.assert_allclose(ints, reference_erf([0, 1, -2]), rtol=MAX_REL_ERR, atol=0)


def test_normal_cdf_matches_its_definition_and_known_quantiles():
    xs = np.linspace(-8.0, 8.0, 4001)
    want = np.array([0.5 * (1.0 + math.erf(v / math.sqrt(2.0))) for v in xs])
    np.testing.assert_allclose(normal_cdf(xs), want, rtol=1e-15, atol=1e-16)
    np.testing.assert_allclose(normal_cdf(np.array([0.0, 1.959963984540054])), [0.5, 0.975], rtol=1e-15)
    assert normal_cdf(np.float32([1.0])).dtype == np.float32


def test_normal_pdf_is_the_derivative_of_normal_cdf():
    xs = np.linspace(-6.0, 6.0, 1201)
    h = 1e-5
    numerical = (normal_cdf(xs + h) - normal_cdf(xs - h)) / (2 * h)
    np.testing.assert_allclose(normal_pdf(xs), numerical, atol=1e-10)
    assert normal_pdf(np.float64(0.0)) == pytest.approx(1.0 / math.sqrt(2.0 * math.pi), rel=1e-16)
    assert normal_pdf(np.float32([1.0])).dtype == np.float32


def reference_normal_cdf(xs):
    return np.array([0.5 * math.erfc(-v / math.sqrt(2.0)) for v in np.asarray(xs, dtype=np.float64).ravel()])


@pytest.mark.parametrize("lo, hi, bound", [(-12.0, -5.0, 3e-5), (-5.0, -2.0, 4e-6), (-2.0, 8.0, 1e-6)])
def test_float32_normal_cdf_relative_error_within_documented_bound(lo, hi, bound):
    # The bound grows into the left tail with the rounding of x^2 (see the module docstring).
    xs = np.linspace(lo, hi, 50_001).astype(np.float32)
    got = normal_cdf(xs)
    assert got.dtype == np.float32
    assert max_relative_error(got.astype(np.float64), reference_normal_cdf(xs)) <= bound


def test_float32_normal_cdf_is_symmetric_and_handles_special_values():
    xs = np.linspace(-9.0, 9.0, 10_001).astype(np.float32)
    np.testing.assert_allclose(normal_cdf(xs) + normal_cdf(-xs), 1.0, rtol=0, atol=2 * np.finfo(np.float32).eps)
    got = normal_cdf(np.float32([0.0, -0.0, np.inf, -np.inf, np.nan]))
    assert got[0] == 0.5 and got[1] == 0.5 and got[2] == 1.0 and got[3] == 0.0
    assert np.isnan(got[4])
    zero_d = normal_cdf(np.float32(1.0))
    assert zero_d.shape == () and zero_d == pytest.approx(0.8413447460685429, rel=1e-6)
    assert normal_cdf(np.float16([1.0, -3.0])).dtype == np.float16


def test_float32_normal_pdf_matches_definition():
    xs = np.linspace(-12.0, 12.0, 20_001).astype(np.float32)
    want = np.exp(-0.5 * xs.astype(np.float64) ** 2) / math.sqrt(2.0 * math.pi)
    got = normal_pdf(xs)
    assert got.dtype == np.float32
    assert max_relative_error(got.astype(np.float64), want) <= 1e-5
