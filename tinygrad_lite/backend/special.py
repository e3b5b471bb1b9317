"""The error function and the standard normal distribution, in vectorized numpy.

    erf(x) = 2/sqrt(pi) * integral_0^x exp(-t^2) dt,      erfc(x) = 1 - erf(x)

We follow W. J. Cody, "Rational Chebyshev approximations for the error
function", Math. Comp. 23 (1969) 631-637, as coded in his SPECFUN routine CALERF
(netlib.org/specfun/erf, 1985). erf is odd, so with y = |x|:

    y <= 0.46875        erf(y)  = y * A(y^2) / B(y^2)                (degrees 4 / 4)
    0.46875 < y <= 4    erfc(y) = exp(-y^2) * C(y) / D(y)            (degrees 8 / 8)
    y > 4               erfc(y) = exp(-y^2) / y * (1/sqrt(pi) - z * P(z) / Q(z)),
                        z = 1/y^2                                    (degrees 5 / 5)

and erf(y) = (1/2 - erfc(y)) + 1/2 on the last two intervals (there erfc(y) < 0.51,
so 1 - erfc(y) > 0.49 cancels nothing). exp(-y^2) is evaluated as
exp(-s^2) * exp(-(y - s)(y + s)) with s = y rounded down to a multiple of 1/16:
s^2 is exact, so the rounding error of y*y never reaches the exponent.
Cody reports a maximum relative error near 1e-18 for each approximation; rounding
in float64 arithmetic brings that to at most 4 ulp (relative error < 5e-16 against
math.erf on a dense grid of [-10, 10]; 1 ulp for |x| > 1).

`erf` computes float16 and float32 inputs in float64 and then rounds them to their
dtype, which puts them within one ulp of their dtype; float64 stays float64.

The normal distribution's Phi and phi are the activations' hot path (exact GELU and
its gradient), so for float16 and float32 they stay in float32 and use a short fit
of the Mills ratio m(a) = Phi(-a) / phi(a) (phi the normal density):

    Phi(-a) = t M(t) exp(-a^2 / 2) / sqrt(2 pi),   t = 1 / (1 + p a),   a = |x| >= 0,

M a degree-7 polynomial with p = 0.305, fitted by weighted least squares (reweighted
toward the smallest largest error) to m(a) / t on a in [0, 14.5]; past 14.5 Phi(-a)
underflows float32 anyway. The substitution t maps the whole half-line into (0, 1]
and makes m(a) / t smooth there (m(a) ~ 1/a, so m / t tends to p), which a low
degree fits well: the fit's relative error is below 1e-7. `tools/fit_normal_tail.py`
re-derives the coefficients. No cancellation anywhere, including the far tail, and
Phi(x) is exact in form on both sides: Phi(-|x|) = h and Phi(|x|) = 1 - h share one
h, so Phi(x) + Phi(-x) = 1 holds to rounding. exp(-a^2 / 2) is taken of (a * -1/2) * a,
whose one rounding adds a relative error of about a^2 * 6e-8 to the result; measured
against math.erfc, the relative error of h is below 7e-7 for a < 2, 1.1e-6 for a < 5
and 5e-6 for a < 12, beyond which Phi (< 2e-33) is far below any float32 tolerance
that matters. The exponential is also exp(-x^2 / 2) = sqrt(2 pi) phi(x), so a caller
that needs phi as well (GELU's derivative) gets it without a second exp.
"""
import math

import numpy as np

# Coefficients, highest power first (np.polyval order), from Cody's CALERF.
_A = [1.85777706184603153e-1, 3.16112374387056560e00, 1.13864154151050156e02,
      3.77485237685302021e02, 3.20937758913846947e03]
_B = [1.0, 2.36012909523441209e01, 2.44024637934444173e02, 1.28261652607737228e03,
      2.84423683343917062e03]
_C = [2.15311535474403846e-8, 5.64188496988670089e-1, 8.88314979438837594e00,
      6.61191906371416295e01, 2.98635138197400131e02, 8.81952221241769090e02,
      1.71204761263407058e03, 2.05107837782607147e03, 1.23033935479799725e03]
_D = [1.0, 1.57449261107098347e01, 1.17693950891312499e02, 5.37181101862009858e02,
      1.62138957456669019e03, 3.29079923573345963e03, 4.36261909014324716e03,
      3.43936767414372164e03, 1.23033935480374942e03]
_P = [1.63153871373020978e-2, 3.05326634961232344e-1, 3.60344899949804439e-1,
      1.25781726111229246e-1, 1.60837851487422766e-2, 6.58749161529837803e-4]
_Q = [1.0, 2.56852019228982242e00, 1.87295284992346047e00, 5.27905102951428412e-1,
      6.05183413124413191e-2, 2.33520497626869185e-3]
_INV_SQRT_PI = 0.56418958354775628695
_ERFC_UNDERFLOW = 27.0  # erfc(27) < 1e-317: beyond it erf(y) rounds to 1 (also keeps inf finite)


def _as_float64(x):
    """x as a float64 array, and the dtype to give back: x's own if floating, else float64."""
    x = np.asarray(x)
    out_dtype = x.dtype if x.dtype.kind == "f" else np.dtype(np.float64)
    return x.astype(np.float64), out_dtype


def _exp_minus_square(y):
    """exp(-y^2) without the rounding error of y*y: s = floor(16 y)/16 makes s*s exact."""
    s = np.floor(y * 16.0) / 16.0
    return np.exp(-s * s) * np.exp(-(y - s) * (y + s))


def erf(x):
    """The error function, elementwise: erf(x) = 2/sqrt(pi) * integral_0^x exp(-t^2) dt.

    Cody's three rational approximations (see the module docstring); erf(+-inf) = +-1,
    erf(nan) = nan. Float inputs keep their dtype; other inputs give float64.
    """
    x, out_dtype = _as_float64(x)
    y = np.asarray(np.minimum(np.abs(x), _ERFC_UNDERFLOW))  # np.minimum keeps nan; 0-d stays an array
    result = y.copy()  # nan stays nan: it belongs to no interval below
    # Each approximation is evaluated only on the elements of its own interval.
    small = y <= 0.46875
    middle = (y > 0.46875) & (y <= 4.0)
    large = y > 4.0
    ys = y[small]
    result[small] = ys * np.polyval(_A, ys * ys) / np.polyval(_B, ys * ys)
    ym = y[middle]
    result[middle] = (0.5 - _exp_minus_square(ym) * np.polyval(_C, ym) / np.polyval(_D, ym)) + 0.5
    yl = y[large]
    z = 1.0 / (yl * yl)
    erfc_large = _exp_minus_square(yl) / yl * (_INV_SQRT_PI - z * np.polyval(_P, z) / np.polyval(_Q, z))
    result[large] = (0.5 - erfc_large) + 0.5
    return np.copysign(result, x).astype(out_dtype)


_ERFC_ZERO = 28.0  # erfc(28) < 1e-341 rounds to 0 in float64 (and keeps inf finite)


def erfc(x):
    """The complementary error function, elementwise: erfc(x) = 1 - erf(x), computed directly.

    With y = |x|: erfc(y) = 1 - erf(y) for y <= 0.46875 (erf(y) < 0.5, no cancellation), and
    Cody's erfc approximations (see the module docstring) above, so the far tail keeps its
    relative accuracy (1 - erf(6) is 0 in float64, erfc(6) is 2.2e-17); erfc(-y) = 2 - erfc(y).
    erfc(inf) = 0, erfc(-inf) = 2, erfc(nan) = nan. Float inputs keep their dtype; others give float64.
    """
    x, out_dtype = _as_float64(x)
    y = np.asarray(np.minimum(np.abs(x), _ERFC_ZERO))  # np.minimum keeps nan; 0-d stays an array
    tail = y.copy()  # nan stays nan: it belongs to no interval below
    small = y <= 0.46875
    middle = (y > 0.46875) & (y <= 4.0)
    large = y > 4.0
    ys = y[small]
    tail[small] = 1.0 - ys * np.polyval(_A, ys * ys) / np.polyval(_B, ys * ys)
    ym = y[middle]
    tail[middle] = _exp_minus_square(ym) * np.polyval(_C, ym) / np.polyval(_D, ym)
    yl = y[large]
    z = 1.0 / (yl * yl)
    tail[large] = _exp_minus_square(yl) / yl * (_INV_SQRT_PI - z * np.polyval(_P, z) / np.polyval(_Q, z))
    return np.where(x < 0, 2.0 - tail, tail).astype(out_dtype)


# The Mills-ratio fit M(t) (see the module docstring), highest power of t first, and its p.
_MILLS_FIT = [0.09184047228275795, -0.382879377244829, 0.46451826077757746, -0.09430320508335745,
              0.30290295407982915, 0.2593698202879989, 0.3069584300084213, 0.3049068687658587]
_MILLS_P = 0.305
# Evaluated in u = 1 / (1/p + a) = p t, which takes one multiply fewer to form than t:
# t M(t) / sqrt(2 pi) = sum_k m_k t^(8-k) / sqrt(2 pi) = sum_k [m_k / (p^(8-k) sqrt(2 pi))] u^(8-k).
_SHIFT = np.float32(1.0 / _MILLS_P)


def _tail_coefficients():
    """The Horner coefficients of t M(t) / sqrt(2 pi) in u, as float32, highest power first,
    the last moved by an ulp or so (about 1e-8) so that x = 0 gives exactly 1/2:
    Phi(0) = 1/2 and gelu'(0) = 1/2 then hold exactly, not to 1e-7."""
    degree = len(_MILLS_FIT)
    coefficients = [np.float32(m / (_MILLS_P ** (degree - k) * math.sqrt(2.0 * math.pi)))
                    for k, m in enumerate(_MILLS_FIT)]
    u = np.float32(1) / _SHIFT  # u at x = 0, rounded as normal_lower_tail rounds it

    def at_zero(last):
        head = coefficients[0] * u
        for c in coefficients[1:-1]:
            head = (head + c) * u
        return (head + last) * u

    last = coefficients[-1]
    for _ in range(64):  # float32 steps toward the value that rounds to exactly 1/2
        value = at_zero(last)
        if value == np.float32(0.5):
            break
        last = np.nextafter(last, np.float32(np.inf) if value < 0.5 else np.float32(-np.inf))
    else:
        raise AssertionError("no float32 constant term gives Phi(0) = 1/2")
    return coefficients[:-1] + [last]


_TAIL_FIT = _tail_coefficients()


def _low_precision(x):
    """True for float16/float32 arrays, which take the float32 paths of Phi and phi."""
    return x.dtype in (np.float16, np.float32)


def normal_lower_tail(x, out=None, work=None):
    """Phi(-|x|), for a 1-d float16/float32 x, as float32, by the Mills-ratio fit.

    Every step writes in place: into `out` and the two float32 arrays `work` when
    given (callers going block by block reuse them), else into new arrays. On return
    work[1] holds exp(-x^2 / 2) = sqrt(2 pi) phi(x), for callers that need the density
    too. 1-d because numpy turns 0-d results into scalars, which in-place steps cannot
    update."""
    n = len(x)
    t, gauss = work if work is not None else (np.empty(n, np.float32), np.empty(n, np.float32))
    tail = out if out is not None else np.empty(n, np.float32)
    np.multiply(x, np.float32(-0.5), out=gauss)  # exact: a power of two
    with np.errstate(over="ignore"):  # -x^2/2 = -inf past |x| = 2.6e19, and exp gives the 0 it should
        gauss *= x
    np.exp(gauss, out=gauss)
    np.abs(x, out=t)
    t += _SHIFT
    np.reciprocal(t, out=t)  # u = p t
    np.multiply(t, _TAIL_FIT[0], out=tail)
    for c in _TAIL_FIT[1:]:  # Horner's rule: ((c0 u + c1) u + ... + c7) u = t M(t) / sqrt(2 pi)
        tail += c
        tail *= t
    tail *= gauss
    return tail


def normal_cdf(x):
    """Phi(x) = P(N(0, 1) <= x) = (1 + erf(x / sqrt(2))) / 2, elementwise, in x's dtype.

    float16/float32: Phi = 1 - h for x >= 0 and h for x < 0, h = Phi(-|x|) =
    erfc(|x| / sqrt 2) / 2 (see the module docstring); float64: Cody's erf.
    """
    x = np.asarray(x)
    if _low_precision(x):
        flat = x.reshape(-1)
        tail = normal_lower_tail(flat)
        np.copysign(tail, -flat, out=tail)  # -h where x >= 0 (signbit clear), +h where x < 0
        tail += ~np.signbit(flat)           # + 1 where x >= 0
        return tail.reshape(x.shape).astype(x.dtype, copy=False)
    x, out_dtype = _as_float64(x)
    return (0.5 * (1.0 + erf(x / math.sqrt(2.0)))).astype(out_dtype, copy=False)


def normal_pdf(x):
    """phi(x) = exp(-x^2 / 2) / sqrt(2 pi), elementwise, in x's dtype: the derivative of Phi."""
    x = np.asarray(x)
    if not _low_precision(x):
        x, out_dtype = _as_float64(x)
        with np.errstate(over="ignore"):  # x^2 = inf past |x| = 1.3e154, and exp(-inf) is the 0 it should be
            return (np.exp(-0.5 * x * x) / math.sqrt(2.0 * math.pi)).astype(out_dtype, copy=False)
    square = np.square(x.reshape(-1), dtype=np.float32)  # 1-d: see _erfc_of_abs_scaled
    square *= np.float32(-0.5)
    np.exp(square, out=square)
    square *= np.float32(1.0 / math.sqrt(2.0 * math.pi))
    return square.reshape(x.shape).astype(x.dtype, copy=False)
