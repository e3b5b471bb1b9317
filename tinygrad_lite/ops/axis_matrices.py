"""The matrices of ops/resample.py's axis maps: one (out_len x in_len) float64 matrix per axis, M[o, i]
the weight of input element i in output element o, written the way torch computes each op.

`scale` below is torch's source-per-destination step: in_len / out_len, or 1 / scale_factor when
the caller gave a scale factor (and did not ask to recompute it).
"""
import numpy as np


def _one_hot(source, in_len):
    matrix = np.zeros((len(source), in_len))
    matrix[np.arange(len(source)), source] = 1.0
    return matrix


def nearest(in_len, out_len, scale, exact=False):
    """mode='nearest': src = floor(o * scale); 'nearest-exact': src = floor((o + 0.5) * scale); both
    capped at in_len - 1."""
    o, step = np.arange(out_len, dtype=np.float32), np.float32(scale)  # torch computes these in float32
    src = np.floor((o + np.float32(0.5)) * step if exact else o * step)
    return _one_hot(np.minimum(src.astype(np.int64), in_len - 1), in_len)


def _source(in_len, out_len, scale, align_corners, clamp):
    """The fractional source position of each output element (torch's area_pixel_compute_source_index)."""
    o = np.arange(out_len, dtype=np.float64)
    if align_corners:
        return o * ((in_len - 1) / (out_len - 1)) if out_len > 1 else np.zeros(out_len)
    src = (o + 0.5) * scale - 0.5
    return np.maximum(src, 0.0) if clamp else src


def linear(in_len, out_len, scale, align_corners):
    """Linear interpolation: out[o] = (1 - t) x[i0] + t x[i1], i0 = floor(src), i1 = min(i0 + 1, in_len - 1),
    t = src - i0."""
    src = _source(in_len, out_len, scale, align_corners, clamp=True)
    i0 = np.minimum(np.floor(src).astype(np.int64), in_len - 1)
    i1 = np.minimum(i0 + 1, in_len - 1)
    t = src - i0
    matrix = np.zeros((out_len, in_len))
    rows = np.arange(out_len)
    np.add.at(matrix, (rows, i0), 1.0 - t)
    np.add.at(matrix, (rows, i1), t)
    return matrix


def cubic(in_len, out_len, scale, align_corners, a=-0.75):
    """Bicubic convolution (Keys, a = -0.75, as torch): out[o] = sum_{j=-1..2} w_j(t) x[clamp(i0 + j)],
    i0 = floor(src), t = src - i0; indices past the ends repeat the edge element."""
    src = _source(in_len, out_len, scale, align_corners, clamp=False)
    i0 = np.floor(src).astype(np.int64)
    t = src - i0

    def near(x):  # |x| <= 1
        return ((a + 2) * x - (a + 3)) * x * x + 1

    def far(x):  # 1 < |x| < 2
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a

    weights = [far(t + 1), near(t), near(1 - t), far(2 - t)]
    matrix = np.zeros((out_len, in_len))
    rows = np.arange(out_len)
    for j, w in zip(range(-1, 3), weights):
        np.add.at(matrix, (rows, np.clip(i0 + j, 0, in_len - 1)), w)
    return matrix


def area(in_len, out_len):
    """Adaptive average pooling: out[o] = mean of x[floor(o in/out) : ceil((o + 1) in/out)]."""
    matrix = np.zeros((out_len, in_len))
    for o in range(out_len):
        start, end = (o * in_len) // out_len, -((-(o + 1) * in_len) // out_len)
        matrix[o, start:end] = 1.0 / (end - start)
    return matrix


_PAD_MODES = {"reflect": "reflect", "replicate": "edge", "circular": "wrap"}


def pad(in_len, lo, hi, mode):
    """The reflect / replicate / circular padding of one axis by lo and hi elements (negative: crop),
    as a one-hot matrix: out[o] = x[source(o)]."""
    source = np.arange(in_len)
    source = np.pad(source, (max(lo, 0), max(hi, 0)), mode=_PAD_MODES[mode])
    source = source[max(-lo, 0): len(source) - max(-hi, 0)]
    return _one_hot(source, in_len)
