"""Losses given two float Tensors of different dtypes follow torch's rule for each loss.

torch promotes in mse_loss and in cross_entropy with probability targets (float16 with
float32 is float32), computes binary_cross_entropy_with_logits in the promoted dtype but
gives the loss in the target's dtype, and refuses binary_cross_entropy unless both dtypes
are equal. Every pair of float16/float32/float64 is compared with torch: value, dtype,
and each input's gradient in its own dtype.
"""
import itertools
import warnings

import numpy as np
import pytest

from helpers import assert_close, check_op, to_torch, tolerance, torch

import tinygrad_lite.nn.functional as F
from tinygrad_lite import Tensor

TF = torch.nn.functional
FLOATS = (np.float16, np.float32, np.float64)
PAIRS = [(a, b) for a, b in itertools.product(FLOATS, FLOATS) if a != b]
RNG = np.random.default_rng(0)


def _simplex(shape):
    e = np.exp(RNG.standard_normal(shape))
    return e / e.sum(axis=1, keepdims=True)


# name, engine function, torch function, the two inputs (float64 data, cast per case)
LOSSES = [
    ("mse_loss mean", F.mse_loss, TF.mse_loss, lambda: (RNG.standard_normal((3, 4)), RNG.standard_normal((3, 4)))),
    ("mse_loss none", lambda p, t: F.mse_loss(p, t, reduction="none"),
     lambda p, t: TF.mse_loss(p, t, reduction="none"),
     lambda: (RNG.standard_normal((3, 4)), RNG.standard_normal((3, 4)))),
    ("cross_entropy probabilities", F.cross_entropy, TF.cross_entropy,
     lambda: (RNG.standard_normal((3, 5)), _simplex((3, 5)))),
    ("cross_entropy probabilities (N, C, d) smoothed sum",
     lambda z, p: F.cross_entropy(z, p, reduction="sum", label_smoothing=0.1),
     lambda z, p: TF.cross_entropy(z, p, reduction="sum", label_smoothing=0.1),
     lambda: (RNG.standard_normal((2, 4, 3)), _simplex((2, 4, 3)))),
    ("binary_cross_entropy_with_logits mean", F.binary_cross_entropy_with_logits,
     TF.binary_cross_entropy_with_logits,
     lambda: (RNG.standard_normal((3, 4)) * 3, RNG.uniform(0, 1, (3, 4)))),
    ("binary_cross_entropy_with_logits none", lambda z, y: F.binary_cross_entropy_with_logits(z, y, reduction="none"),
     lambda z, y: TF.binary_cross_entropy_with_logits(z, y, reduction="none"),
     lambda: (RNG.standard_normal((3, 4)) * 3, RNG.uniform(0, 1, (3, 4)))),
]


@pytest.mark.parametrize("dtypes", PAIRS, ids=lambda d: f"{np.dtype(d[0])}-{np.dtype(d[1])}")
@pytest.mark.parametrize("case", LOSSES, ids=lambda c: c[0])
def test_loss_of_two_float_dtypes_matches_torch(case, dtypes, device):
    _, ours, theirs, make = case
    a, b = (x.astype(d) for x, d in zip(make(), dtypes))
    # torch rounds some intermediates to the narrower dtype (cross_entropy's log_softmax of float16
    # logits is float16), so the comparison with torch allows the narrower dtype's tolerance ...
    rtol, atol = tolerance(max(dtypes, key=lambda d: np.finfo(d).eps), reduce_size=12)
    out = check_op(ours, theirs, a, b, device=device, rtol=rtol, atol=atol)
    assert out.device == device
    # ... while the engine computes in the promoted dtype and rounds once: it agrees with float64
    # arithmetic on the same inputs to the tolerance of its result's dtype.
    exact = theirs(to_torch(a.astype(np.float64)), to_torch(b.astype(np.float64))).numpy().astype(out.dtype)
    assert_close(out.numpy(), exact, *tolerance(out.dtype, reduce_size=12), "forward against float64")


@pytest.mark.parametrize("dtypes", PAIRS, ids=lambda d: f"{np.dtype(d[0])}-{np.dtype(d[1])}")
def test_binary_cross_entropy_refuses_two_dtypes_as_torch(dtypes, device):
    p, y = RNG.uniform(0.1, 0.9, (3,)), RNG.uniform(0, 1, (3,))
    with pytest.raises(RuntimeError):
        TF.binary_cross_entropy(to_torch(p.astype(dtypes[0])), to_torch(y.astype(dtypes[1])))
    with pytest.raises(TypeError, match=r"binary_cross_entropy: .*" + str(np.dtype(dtypes[1]))):
        F.binary_cross_entropy(Tensor(p.astype(dtypes[0]), device=device), Tensor(y.astype(dtypes[1]), device=device))


def test_mse_loss_promotes_a_broadcast_0d_target_as_torch():
    """torch broadcasts first, so a 0-d float64 target makes a float32 input's loss float64."""
    x = RNG.standard_normal(3).astype(np.float32)
    t = np.array(0.25)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # both warn that the shapes differ
        check_op(F.mse_loss, TF.mse_loss, x, t)


@pytest.mark.parametrize("target_dtype", [np.int64, np.bool_])
@pytest.mark.parametrize("dtype", FLOATS)
def test_mse_loss_of_an_integer_target_tensor_matches_torch(dtype, target_dtype):
    x = RNG.standard_normal((2, 3)).astype(dtype)
    t = RNG.integers(0, 2, (2, 3)).astype(target_dtype)
    check_op(F.mse_loss, TF.mse_loss, x, t)


def test_mse_loss_of_two_integer_tensors_is_refused_as_torch():
    a, b = np.array([1, 2]), np.array([1, 4])
    with pytest.raises(RuntimeError):
        TF.mse_loss(to_torch(a), to_torch(b))
    with pytest.raises(TypeError, match="mse_loss: .*int64"):
        F.mse_loss(Tensor(a), Tensor(b))  # the mean of integer terms would be truncated
