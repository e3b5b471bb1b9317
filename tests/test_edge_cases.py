"""Edges a planted bug once slipped through: each case against torch, forward and gradients.

* unbroadcast onto a size-1 axis from a size-0 one: the gradient is zeros of the input's
  shape (a sum over nothing), as torch's backward of a (1,) + (0,) add gives;
* logsumexp over a slice that is all -inf: the value is -inf and the gradient is torch's
  (nan: softmax's weights are 0/0 there), as LogSumExp's docstring states;
* a ** b at a = 0: d/db is 0 where b >= 0 (torch's convention, not 0 * log 0 = nan),
  d/da follows torch (0 at b = 0, inf for 0 < b < 1);
* |x| at 0 (and -0): gradient 0, sign(0), as torch;
* scaled_dot_product_attention with a float (or bool) attn_mask that has more batch
  axes than q, k, v: the output takes the broadcast batch shape, and every gradient,
  the mask's included, is summed back to its own shape (torch refuses such a mask; the
  reference is torch on q, k, v expanded to the mask's batch axes).
"""
import numpy as np
import pytest

from helpers import check_op, torch

import tinygrad_lite.nn.functional as F
from tinygrad_lite.autograd import unbroadcast

TF = torch.nn.functional


@pytest.mark.parametrize("small, empty", [((1,), (0,)), ((2, 1), (2, 0)), ((1, 3), (0, 3)), ((1, 1), (0,)),
                                          ((), (0,)), ((1,), (4, 0))])
def test_unbroadcast_from_an_empty_axis_gives_zeros(small, empty):
    out_shape = np.broadcast_shapes(small, empty)
    grad = unbroadcast(np.ones(out_shape, np.float32), small)
    assert grad.shape == small and grad.dtype == np.float32
    assert np.array_equal(grad, np.zeros(small, np.float32))
    a = np.full(small, 1.5, np.float32)
    b = np.zeros(empty, np.float32)
    check_op(lambda s, t: s + t, lambda s, t: s + t, a, b)
    check_op(lambda s, t: t * s, lambda s, t: t * s, a, b)


@pytest.mark.parametrize("keepdim", [False, True])
def test_logsumexp_of_an_all_negative_infinity_slice(keepdim):
    x = np.array([[-np.inf, -np.inf, -np.inf], [0.5, -np.inf, 2.0], [-np.inf, 1.0, -np.inf]], np.float32)
    out = check_op(lambda t: t.logsumexp(dim=1, keepdim=keepdim),
                   lambda t: torch.logsumexp(t, dim=1, keepdim=keepdim), x)
    assert out.numpy().reshape(-1)[0] == -np.inf
    x64 = x.astype(np.float64)
    check_op(lambda t: t.logsumexp(dim=1), lambda t: torch.logsumexp(t, dim=1), x64)


def test_pow_gradients_at_a_zero_base():
    """Every pair of base {0, -0, 2, -1, 0.5} and exponent {0, 2, 0.5, -1, 3}: values and both
    gradients (nan and inf included) as torch."""
    a = np.array([0.0, -0.0, 2.0, -1.0, 0.5])[:, None]
    b = np.array([0.0, 2.0, 0.5, -1.0, 3.0])[None, :]
    check_op(lambda s, t: s ** t, lambda s, t: s ** t, a, b)


def test_pow_exponent_gradient_at_zero_to_the_zero_is_zero():
    a = np.zeros(3)
    b = np.array([0.0, 1.0, 2.5])
    out = check_op(lambda s, t: s ** t, lambda s, t: s ** t, a, b)
    assert out.numpy().tolist() == [1.0, 0.0, 0.0]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_abs_gradient_at_zero_is_zero(dtype):
    x = np.array([0.0, -0.0, 1.5, -2.0], dtype)
    check_op(lambda t: t.abs(), torch.abs, x)


@pytest.mark.parametrize("mask_kind", ["float", "bool"])
def test_attention_mask_with_more_batch_axes_than_q(mask_kind, device):
    """q, k, v are (heads, length, dim); the mask is (batch, heads, L, S): torch broadcasts the
    output to (batch, heads, L, Ev) and sums q's, k's and v's gradients over the new axis."""
    rng = np.random.default_rng(0)
    q = rng.standard_normal((3, 4, 8)).astype(np.float32)
    k = rng.standard_normal((3, 5, 8)).astype(np.float32)
    v = rng.standard_normal((3, 5, 6)).astype(np.float32)
    if mask_kind == "float":
        mask = rng.standard_normal((2, 3, 4, 5)).astype(np.float32)
    else:
        mask = rng.random((2, 3, 4, 5)) < 0.7
        mask[..., 0] = True  # no row fully masked: that case has its own tests
    out = check_op(lambda *ts: F.scaled_dot_product_attention(*ts[:3], attn_mask=ts[3]),
                   lambda *ts: TF.scaled_dot_product_attention(*_expanded(ts[:3], ts[3]), attn_mask=ts[3]),
                   q, k, v, mask, reduce_size=5, device=device)
    assert out.shape == (2, 3, 4, 6)


def _expanded(qkv, mask):
    """q, k, v expanded to the mask's batch axes. torch's own attention adds the mask into scores of
    q's batch shape, in place, and refuses a mask with more batch axes; with the broadcast made
    explicit it computes what the engine's broadcasting means (a listed difference)."""
    batch = torch.broadcast_shapes(mask.shape[:-2], *[t.shape[:-2] for t in qkv])
    return [t.expand(*batch, *t.shape[-2:]) for t in qkv]
