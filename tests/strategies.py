"""Hypothesis strategies shared by the op tests: shapes, values and memory layouts.

Shapes are small on purpose (at most 4 axes of at most 5) so that 25 examples per
property stay fast, yet they reach the nasty cases: 0-d tensors, size-1 axes,
odd sizes, broadcasting between different ranks.

Values are finite and drawn in float64, then cast, so a bound such as 0.1 needs no
exact float32 representation. Ops with a kink (relu, abs, max, clip) are fed values
kept away from the kink by construction: `away_from_zero`, `away_from`,
`distinct_values`. A test that wants the kink itself builds it explicitly, or draws
`grid_values`, where ties are common.

Layouts: `maybe_transposed(array)` returns the same values as a contiguous array, a
permuted view, a strided slice or a reversed (negative-stride) view, so the engine
sees the non-contiguous inputs a user's `x.T` or `x[:, ::2]` would give it. `views`
combines it with `arrays`.

    from hypothesis import given, strategies as st
    from strategies import shapes, arrays, views, float_dtypes

    @given(st.data())
    def test_something(data):
        dtype = data.draw(float_dtypes)
        x = data.draw(views(data.draw(shapes()), dtype))
"""
import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

float_dtypes = st.sampled_from([np.float32, np.float64])

def shapes(min_dims=0, max_dims=4, min_side=1, max_side=5):
    """Array shapes (tuples) with `min_dims..max_dims` axes of `min_side..max_side` each."""
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side)


def broadcast_pair(min_dims=0, max_dims=4, min_side=1, max_side=5):
    """Two shapes that broadcast together: size-1 axes, different ranks, 0-d included."""
    return hnp.mutually_broadcastable_shapes(
        num_shapes=2, min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side,
    ).map(lambda b: b.input_shapes)


def _finite(low, high):
    return st.floats(low, high, allow_nan=False, allow_infinity=False, allow_subnormal=False)


def _array_of(shape, dtype, elements):
    """An array of `dtype` whose elements come from `elements` (drawn in float64, then cast)."""
    dtype = np.dtype(dtype)
    if dtype.kind in "iu":
        return hnp.arrays(dtype, shape, elements=elements)
    return hnp.arrays(np.float64, shape, elements=elements).map(lambda a: a.astype(dtype))


def arrays(shape, dtype, low=-3, high=3):
    """Contiguous numpy arrays of `shape` (a tuple or a strategy) with finite values in [low, high].

    Integer dtypes draw integers in [low, high]; bool draws True/False.
    """
    dtype = np.dtype(dtype)
    if dtype.kind == "b":
        return hnp.arrays(dtype, shape, elements=st.booleans())
    if dtype.kind in "iu":
        return _array_of(shape, dtype, st.integers(int(np.ceil(low)), int(np.floor(high))))
    return _array_of(shape, dtype, _finite(low, high))


@st.composite
def maybe_transposed(draw, array):
    """The values of `array`, in its shape, in one of four memory layouts.

    contiguous: `array` itself.
    permuted:   the axes stored in a drawn order, viewed back (`.T` is one such view).
    strided:    every element stored twice along the last axis, viewed with `[..., ::2]`.
    reversed:   the last axis stored backwards, viewed with `[..., ::-1]` (negative strides).
    """
    layout = draw(st.sampled_from(["contiguous", "permuted", "strided", "reversed"]))
    if array.ndim == 0 or layout == "contiguous":
        return array
    if layout == "permuted":
        order = draw(st.permutations(range(array.ndim)))
        stored = np.ascontiguousarray(array.transpose(order))
        return stored.transpose(np.argsort(order))
    if layout == "strided":
        return np.repeat(array, 2, axis=-1)[..., ::2]
    return np.ascontiguousarray(array[..., ::-1])[..., ::-1]


def views(shape, dtype, low=-3, high=3):
    """`arrays(shape, dtype, low, high)` in any layout of `maybe_transposed`."""
    return arrays(shape, dtype, low, high).flatmap(maybe_transposed)


def away_from_zero(shape, dtype, low=-3, high=3, margin=0.1):
    """Arrays with values in [low, high] and |x| >= margin: keeps relu/abs/division off their kink or pole."""
    pieces = []
    if low <= -margin:
        pieces.append(_finite(low, min(high, -margin)))
    if high >= margin:
        pieces.append(_finite(max(low, margin), high))
    if not pieces:
        raise ValueError(f"away_from_zero: no value in [{low}, {high}] has |x| >= {margin}")
    return _array_of(shape, dtype, st.one_of(*pieces))


def away_from(points, shape, dtype, low=-3, high=3, margin=0.1):
    """Arrays with values in [low, high] at least `margin` from every one of `points` (e.g. clip's bounds)."""
    points = tuple(float(p) for p in points)
    elements = _finite(low, high).filter(lambda v: all(abs(v - p) >= margin for p in points))
    return _array_of(shape, dtype, elements)


def grid_values(shape, dtype, low=-2, high=2, step=0.5):
    """Arrays on the coarse grid low, low + step, ..., high: ties are common (for max ties, ==, maximum)."""
    count = int(round((high - low) / step))
    return hnp.arrays(np.int64, shape, elements=st.integers(0, count)).map(
        lambda k: np.asarray(low + step * k, dtype=dtype)
    )


def distinct_values(shape, dtype, low=-3, high=3):
    """Arrays whose values are all different, at least (high - low) / 2000 apart (no ties for max/argmax).

    Drawn as distinct points of a 2001-point grid on [low, high]: wide enough to stay
    distinct after a cast to float16, and enough points for any shape `shapes()` makes.
    """
    steps = 2000
    grid = st.integers(0, steps)
    return hnp.arrays(np.int64, shape, elements=grid, unique=True).map(
        lambda k: np.asarray(low + (high - low) * k / steps, dtype=dtype)
    )
