"""Re-derive the float32 normal-tail fit of tinygrad_lite/backend/special.py.

    Phi(-a) = t M(t) exp(-a^2 / 2) / sqrt(2 pi),   t = 1 / (1 + p a)

M(t) approximates m(a) / t, m(a) = Phi(-a) / phi(a) the Mills ratio, computed in float64
from math.erfc. The fit minimizes the relative error on Chebyshev nodes of t in
[1 / (1 + 14.5 p), 1] by least squares, reweighting the nodes toward the largest
errors (Lawson's iteration) so that the result approaches the smallest largest error.
p is chosen on a grid. Prints p, the fit's largest relative error and the
coefficients, highest power first. Run: python tools/fit_normal_tail.py
"""
import math

import numpy as np

DEGREE, A_MAX = 7, 14.5  # past a = 14.5, Phi(-a) underflows float32


def mills_over_t(t, p):
    a = (1.0 / t - 1.0) / p
    mills = np.array([0.5 * math.erfc(v / math.sqrt(2.0)) * math.exp(v * v / 2.0) for v in a])
    return mills * math.sqrt(2.0 * math.pi) / t


def fit(p, degree=DEGREE, nodes=6000, rounds=100):
    lo = 1.0 / (1.0 + p * A_MAX)
    k = np.arange(nodes)
    t = (lo + 1.0) / 2.0 + (1.0 - lo) / 2.0 * np.cos(np.pi * (k + 0.5) / nodes)
    target = mills_over_t(t, p)
    powers = np.vander(t, degree + 1)
    weights, best = np.ones_like(t), (None, np.inf)
    for _ in range(rounds):
        coefficients = np.linalg.lstsq(powers * (weights / target)[:, None], weights, rcond=None)[0]
        error = np.abs(powers @ coefficients - target) / target
        if error.max() < best[1]:
            best = (coefficients, error.max())
        weights = weights * np.sqrt(error / error.max()) + 1e-14
        weights /= weights.max()
    return best


if __name__ == "__main__":
    results = [(p, *fit(p)) for p in np.round(np.arange(0.270, 0.3301, 0.005), 3)]
    p, coefficients, error = min(results, key=lambda r: r[2])
    print(f"p = {p}, largest relative error of the fit {error:.2e}")
    print("M(t) coefficients:", [float(c) for c in coefficients])
