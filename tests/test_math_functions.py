"""tg.sin(x), tg.atan2(y, x), tg.round(x, decimals=...): torch's free functions for the elementwise
math, compared with torch's functions of the same names (values, dtypes, gradients)."""
import numpy as np
import pytest

from helpers import check_op, torch

import tinygrad_lite as tg
from tinygrad_lite import math_functions

# Inside every op's domain and away from its kinks: (0.1, 0.9) suits all but acosh (x >= 1).
INSIDE = {"acosh": (1.1, 1.9)}


def _values(name, shape=(2, 3), seed=0):
    low, high = INSIDE.get(name, (0.1, 0.9))
    return np.random.default_rng(seed).uniform(low, high, shape)


# torch.sgn's backward hands out a ZeroTensor that .numpy() refuses; for real input sgn is sign
TWIN = {"sgn": "sign"}


@pytest.mark.parametrize("name", math_functions.UNARY)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_unary_function_is_torchs(name, dtype):
    check_op(getattr(tg, name), getattr(torch, TWIN.get(name, name)), _values(name).astype(dtype))


@pytest.mark.parametrize("name", math_functions.BINARY)
def test_binary_function_is_torchs_with_broadcasting(name):
    check_op(getattr(tg, name), getattr(torch, name), _values(name, (2, 3)), _values(name, (3,), seed=1))


@pytest.mark.parametrize("decimals", [0, 1, -1])
def test_round_takes_decimals_as_a_keyword(decimals):
    x = np.array([0.25, 1.35, 12.5, -7.75, 150.0])
    check_op(lambda t: tg.round(t, decimals=decimals), lambda t: torch.round(t, decimals=decimals), x)


@pytest.mark.parametrize("name", math_functions.__all__)
@pytest.mark.parametrize("bad", [[0.5, 0.25], np.array([0.5, 0.25])], ids=["list", "ndarray"])
def test_input_must_be_a_tensor_as_in_torch(name, bad):
    args = (bad, tg.tensor([0.5, 0.5])) if name in math_functions.BINARY else (bad,)
    with pytest.raises(TypeError):
        getattr(torch, name)(*args[:1], *[torch.tensor([0.5, 0.5])] * (len(args) - 1))
    with pytest.raises(TypeError, match=f"^{name}: argument 'input' must be a Tensor"):
        getattr(tg, name)(*args)


def test_lerp_free_function_matches_torch():
    rng = np.random.default_rng(5)
    a, b, w = rng.standard_normal((3, 4)), rng.standard_normal((3, 4)), rng.uniform(0, 1, (3, 4))
    check_op(lambda x, y, z: tg.lerp(x, y, z), lambda x, y, z: torch.lerp(x, y, z), a, b, w)
    check_op(lambda x, y: tg.lerp(x, y, 0.3), lambda x, y: torch.lerp(x, y, 0.3), a, b)
