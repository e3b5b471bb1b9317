"""F.scaled_dot_product_attention against torch, and causality as an invariant.

Proves, in float32 and float64: the output and the gradients of q, k, v (and of a
float mask that requires grad) match torch for (..., L, E) x (..., S, E) x (..., S, Ev)
with L != S, Ev != E, odd sizes, 2-D to 4-D inputs and broadcast batch dims; with a
bool mask, a float additive mask, is_causal (top-left aligned, also for L != S) and a
custom scale. Fully masked rows give zeros and zero gradients, as in torch. Bad
arguments raise ValueError. Invariant: in causal attention, output row i and dq row i
do not change when the keys and values after position i change.

The CPU reference works a block of queries (and a chunk of heads) at a time. With the
blocks shrunk to a few rows, on one thread and on two, it matches torch for lengths
that are no multiple of the block, L != S, causal with L < S and L > S, keys, values
and a differentiable mask shared across batch axes, fully masked rows in several
blocks, and scores too large or too small for exp without the max shift; it passes
float64 gradcheck; its backward builds dS, the mask's gradient, only when asked. All of
that holds whether the backward recomputes the probabilities or reuses those the forward
kept, which it does only while they are no larger than q, k and v.

The multi-head op that reads q, k, v from one fused (B, T, 3 d) projection and merges
the heads on its way out matches torch's split, attend and merge, and passes gradcheck.
The reference writes its output and gradients into given arrays of any strides (heads
interleaved with features, or batch axes no reshape can merge) with the same numbers.
"""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import check_op, check_raises, torch
from strategies import arrays, broadcast_pair, float_dtypes, views

import tinygrad_lite as tg
import tinygrad_lite.nn.functional as F
from tinygrad_lite import Tensor
from tinygrad_lite.backend import numpy_attention
from tinygrad_lite.backend.numpy import NumpyBackend
from tinygrad_lite.ops.attention import PackedSelfAttention

sdpa_torch = torch.nn.functional.scaled_dot_product_attention

# The `device` fixture is constant across a test's examples, so sharing it is safe.

def sdpa_pair(**kw):
    """Ours and torch's attention with the same keyword arguments; q, k, v (and a mask) positional."""
    def ours(q, k, v, *mask):
        return F.scaled_dot_product_attention(q, k, v, attn_mask=mask[0] if mask else None, **kw)

    def theirs(q, k, v, *mask):
        return sdpa_torch(q, k, v, attn_mask=mask[0] if mask else None, **kw)

    return ours, theirs


@st.composite
def qkv(draw, dtype, max_batch_dims=2):
    """q (Bq..., L, E), k (Bk..., S, E), v (Bk..., S, Ev) with broadcastable batch dims, in any layout."""
    q_batch, kv_batch = draw(broadcast_pair(min_dims=0, max_dims=max_batch_dims, max_side=3))
    L, S = draw(st.integers(1, 5)), draw(st.integers(1, 6))
    E, Ev = draw(st.integers(1, 5)), draw(st.integers(1, 4))
    q = draw(views(q_batch + (L, E), dtype, -1, 1))
    k = draw(views(kv_batch + (S, E), dtype, -1, 1))
    v = draw(views(kv_batch + (S, Ev), dtype, -1, 1))
    return q, k, v


def _reduce_size(q, k):
    """Scores sum over E, outputs over S, and the backward chains both (plus broadcast batch sums)."""
    return q.shape[-1] * k.shape[-2] * 4


@given(data=st.data(), dtype=float_dtypes, scale=st.sampled_from([None, 0.3, 2.0]))
def test_attention_matches_torch(device, data, dtype, scale):
    q, k, v = data.draw(qkv(dtype))
    check_op(*sdpa_pair(scale=scale), q, k, v, reduce_size=_reduce_size(q, k), device=device)


@given(data=st.data(), dtype=float_dtypes)
def test_attention_with_bool_mask_matches_torch(device, data, dtype):
    q, k, v = data.draw(qkv(dtype))
    # random masks: some rows end up fully masked, which torch answers with zeros
    mask = data.draw(arrays((q.shape[-2], k.shape[-2]), np.bool_), label="mask")
    check_op(*sdpa_pair(), q, k, v, mask, reduce_size=_reduce_size(q, k), device=device)


@given(data=st.data(), dtype=float_dtypes, mask_has_batch=st.booleans())
def test_attention_with_float_mask_matches_torch_including_mask_gradient(device, data, dtype, mask_has_batch):
    q, k, v = data.draw(qkv(dtype, max_batch_dims=1))
    L, S = q.shape[-2], k.shape[-2]
    batch = np.broadcast_shapes(q.shape[:-2], k.shape[:-2]) if mask_has_batch else ()
    mask = data.draw(arrays(tuple(batch) + (L, S), dtype, -2, 2), label="mask")
    check_op(*sdpa_pair(), q, k, v, mask, reduce_size=_reduce_size(q, k), device=device)


@given(data=st.data(), dtype=float_dtypes, scale=st.sampled_from([None, 0.5]))
def test_causal_attention_matches_torch_also_when_L_differs_from_S(device, data, dtype, scale):
    q, k, v = data.draw(qkv(dtype))
    check_op(*sdpa_pair(is_causal=True, scale=scale), q, k, v, reduce_size=_reduce_size(q, k), device=device)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("L,S", [(3, 5), (5, 3), (4, 4)])
def test_causal_attention_4d_odd_sizes_matches_torch(device, dtype, L, S):
    rng = np.random.default_rng(0)
    q = rng.standard_normal((2, 3, L, 7)).astype(dtype)
    k = rng.standard_normal((2, 3, S, 7)).astype(dtype)
    v = rng.standard_normal((2, 3, S, 5)).astype(dtype)
    check_op(*sdpa_pair(is_causal=True), q, k, v, reduce_size=7 * S * 4, device=device)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("mask_kind", ["bool", "float"])
def test_fully_masked_rows_give_zero_output_and_zero_gradients(device, dtype, mask_kind):
    rng = np.random.default_rng(1)
    q = rng.standard_normal((2, 4, 3)).astype(dtype)
    k = rng.standard_normal((2, 5, 3)).astype(dtype)
    v = rng.standard_normal((2, 5, 2)).astype(dtype)
    allowed = rng.random((4, 5)) < 0.6
    allowed[:, 0] = True
    allowed[1] = False          # query row 1 sees nothing
    mask = allowed if mask_kind == "bool" else np.where(allowed, 0.0, -np.inf).astype(dtype)
    out = check_op(*sdpa_pair(), q, k, v, mask, grad=(True, True, True, False), reduce_size=60, device=device)
    np.testing.assert_array_equal(out.numpy()[:, 1], 0)

    tq = Tensor(q, requires_grad=True, device=device)
    F.scaled_dot_product_attention(tq, Tensor(k, device=device), Tensor(v, device=device),
                                   attn_mask=Tensor(mask, device=device)).sum().backward()
    np.testing.assert_array_equal(tq.grad.numpy()[:, 1], 0)
    assert np.all(np.isfinite(tq.grad.numpy()))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_mask_given_as_numpy_array_is_accepted(device, dtype):
    rng = np.random.default_rng(2)
    q, k, v = (rng.standard_normal((3, 4)).astype(dtype) for _ in range(3))
    mask = np.tril(np.ones((3, 3), dtype=bool))
    ours = F.scaled_dot_product_attention(Tensor(q, device=device), Tensor(k, device=device),
                                          Tensor(v, device=device), attn_mask=mask)
    theirs = sdpa_torch(*(torch.from_numpy(a) for a in (q, k, v)), attn_mask=torch.from_numpy(mask))
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-5, atol=1e-6)


def test_attn_mask_together_with_is_causal_raises_runtime_error_as_torch(device):
    q = np.zeros((2, 3, 4), np.float32)
    mask = np.ones((3, 3), bool)
    check_raises(*sdpa_pair(is_causal=True), q, q, q, mask, error=RuntimeError, device=device)


@pytest.mark.parametrize("shapes", [
    [(2, 3, 4), (2, 5, 6), (2, 5, 4)],          # q and k disagree on E
    [(2, 3, 4), (2, 5, 4), (2, 6, 4)],          # k and v disagree on S
    [(2, 3, 4), (3, 5, 4), (3, 5, 4)],          # batch dims do not broadcast
    [(2, 3, 4), (2, 5, 4), (2, 5, 4), (3, 4)],  # mask is not (L, S)
], ids=["E", "S", "batch", "mask"])
def test_shape_mismatch_raises_value_error(device, shapes):
    arrays_ = [np.zeros(s, np.float32) for s in shapes[:3]] + [np.ones(s, bool) for s in shapes[3:]]
    check_raises(*sdpa_pair(), *arrays_, error=ValueError, match="attention", device=device)


def _causal_out_and_dq(q, k, v, upstream, device):
    tq = Tensor(q, requires_grad=True, device=device)
    out = F.scaled_dot_product_attention(tq, Tensor(k, device=device), Tensor(v, device=device), is_causal=True)
    out.backward(Tensor(upstream, device=device))
    return out.numpy(), tq.grad.numpy()


@given(data=st.data(), dtype=float_dtypes)
def test_causal_row_and_its_dq_ignore_keys_and_values_after_it(device, data, dtype):
    batch = data.draw(st.sampled_from([(), (2,), (2, 3)]), label="batch")
    n, E, Ev = data.draw(st.integers(2, 6)), data.draw(st.integers(1, 4)), data.draw(st.integers(1, 4))
    i = data.draw(st.integers(0, n - 2), label="i")
    q = data.draw(arrays(batch + (n, E), dtype), label="q")
    k = data.draw(arrays(batch + (n, E), dtype), label="k")
    v = data.draw(arrays(batch + (n, Ev), dtype), label="v")
    upstream = data.draw(arrays(batch + (n, Ev), dtype), label="upstream")
    k2, v2 = k.copy(), v.copy()
    k2[..., i + 1:, :] = data.draw(arrays(k2[..., i + 1:, :].shape, dtype, -10, 10), label="new future keys")
    v2[..., i + 1:, :] = data.draw(arrays(v2[..., i + 1:, :].shape, dtype, -10, 10), label="new future values")

    out, dq = _causal_out_and_dq(q, k, v, upstream, device)
    out2, dq2 = _causal_out_and_dq(q, k2, v2, upstream, device)
    tol = 8 * np.finfo(dtype).eps
    np.testing.assert_allclose(out2[..., : i + 1, :], out[..., : i + 1, :], rtol=tol, atol=tol)
    np.testing.assert_allclose(dq2[..., : i + 1, :], dq[..., : i + 1, :], rtol=tol, atol=tol)


# ---- the CPU reference, a block of queries at a time ---------------------------------

@pytest.fixture(params=[(1, False, False), (2, False, False), (1, True, False), (2, True, False),
                        (1, False, True), (2, True, True)],
                ids=["one worker", "two workers", "one worker, probabilities kept", "two workers, kept",
                     "one worker, 3 heads a block", "two workers, kept, 3 heads a block"])
def small_blocks(request, monkeypatch):
    """Blocks of at most 24 scores, so that a handful of queries crosses several row blocks
    and heads fall into several chunks (the defaults split only sequences of hundreds);
    the chunks run on one thread, or on two with BLAS held to one thread. The backward
    either recomputes the probabilities or reuses those the forward kept. With 3 heads
    a block (and 2 rows), a last batch axis of up to 3 heads is read whole, as
    (groups, heads), several groups making several chunks."""
    workers, keep, three_heads = request.param
    monkeypatch.setattr(numpy_attention, "BLOCK_SCORES", 24)
    monkeypatch.setattr(numpy_attention, "MIN_BLOCK_ROWS", 3)
    monkeypatch.setattr(numpy_attention, "MIN_CAUSAL_BLOCK_ROWS", 2)
    monkeypatch.setattr(numpy_attention, "MIN_SCORES_FOR_THREADS", 0)
    monkeypatch.setattr(numpy_attention, "keeps_probs", lambda *sizes: keep)
    if three_heads:
        monkeypatch.setattr(numpy_attention, "_block_sizes", lambda heads, L, S, causal, workers: (3, 2))
    monkeypatch.setenv("TINYGRAD_LITE_NUM_THREADS", str(workers))


def _normal(rng, shape, dtype):
    return rng.standard_normal(shape).astype(dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("L,S,causal", [(13, 29, False), (29, 13, False), (13, 29, True), (29, 13, True),
                                        (17, 17, True)])
def test_blocks_off_the_block_grid_match_torch(small_blocks, dtype, L, S, causal):
    # 13, 17 and 29 rows are no multiple of the 3-row (or, causal, 2-row) blocks; causal
    # with L < S leaves keys past L unseen, with L > S gives late queries every key.
    rng = np.random.default_rng(L * S)
    q, k = _normal(rng, (2, 3, L, 5), dtype), _normal(rng, (2, 3, S, 5), dtype)
    v = _normal(rng, (2, 3, S, 4), dtype)
    check_op(*sdpa_pair(is_causal=causal), q, k, v, reduce_size=_reduce_size(q, k))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_blocks_with_shared_keys_and_a_shared_differentiable_mask_match_torch(small_blocks, dtype):
    # k, v and the mask broadcast over the batch axes: each block gathers its own heads.
    rng = np.random.default_rng(3)
    q, k, v = _normal(rng, (2, 3, 11, 4), dtype), _normal(rng, (3, 7, 4), dtype), _normal(rng, (1, 7, 2), dtype)
    mask = _normal(rng, (11, 7), dtype)
    check_op(*sdpa_pair(), q, k, v, mask, reduce_size=_reduce_size(q, k))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_blocks_with_fully_masked_rows_match_torch(small_blocks, dtype):
    rng = np.random.default_rng(4)
    q, k, v = _normal(rng, (2, 10, 3), dtype), _normal(rng, (2, 9, 3), dtype), _normal(rng, (2, 9, 2), dtype)
    mask = np.where(rng.random((10, 9)) < 0.7, 0.0, -np.inf).astype(dtype)
    mask[[0, 4, 5, 9]] = -np.inf  # rows in different blocks that see no key
    out = check_op(*sdpa_pair(), q, k, v, mask, grad=(True, True, True, False), reduce_size=_reduce_size(q, k))
    np.testing.assert_array_equal(out.numpy()[:, [0, 4, 5, 9]], 0)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("scores", ["overflow exp", "underflow exp"])
def test_scores_too_large_or_too_small_for_an_unshifted_exp_match_torch(small_blocks, dtype, scores):
    # The forward first tries exp(S) without subtracting the row max. Scores of +-400
    # overflow it; scores shifted down past exp's range (a shift softmax ignores) leave
    # sums too small to trust: below 1e-31 in float32, 1e-292 in float64.
    rng = np.random.default_rng(5)
    q, k, v = _normal(rng, (2, 8, 4), dtype), _normal(rng, (2, 6, 4), dtype), _normal(rng, (2, 6, 3), dtype)
    if scores == "overflow exp":
        check_op(*sdpa_pair(scale=400.0), q, k, v, reduce_size=_reduce_size(q, k) * 400)
    else:
        mask = (_normal(rng, (8, 6), dtype) + (-100 if dtype == np.float32 else -800)).astype(dtype)
        check_op(*sdpa_pair(), q, k, v, mask, reduce_size=_reduce_size(q, k))


@pytest.mark.parametrize("kind", ["plain", "causal", "float mask"])
def test_blocks_pass_float64_gradcheck(small_blocks, kind):
    rng = np.random.default_rng(6)
    q, k, v = (Tensor(_normal(rng, shape, np.float64), requires_grad=True)
               for shape in [(2, 7, 3), (2, 5, 3), (2, 5, 2)])
    if kind == "float mask":
        mask = Tensor(_normal(rng, (7, 5), np.float64), requires_grad=True)
        assert tg.gradcheck(lambda *t: F.scaled_dot_product_attention(*t[:3], attn_mask=t[3]), q, k, v, mask)
    else:
        assert tg.gradcheck(lambda *t: F.scaled_dot_product_attention(*t, is_causal=kind == "causal"), q, k, v)


def test_probabilities_are_kept_only_while_no_larger_than_the_inputs():
    # Kept when L S <= L E + S (E + Ev): short sequences; long ones are recomputed, so
    # memory stays linear in the length. Inference never keeps them.
    rng = np.random.default_rng(10)
    short = [_normal(rng, (2, 8, 4), np.float32) for _ in range(3)]   # 64 <= 32 + 64
    long = [_normal(rng, (2, 16, 2), np.float32) for _ in range(3)]   # 256 > 32 + 64
    *_, kept = NumpyBackend.attention(*short, None, 0.5, False, keep_probs=True)
    assert kept is not None  # exp(S) and 1 / rowsum for each of the 2 heads
    assert kept[0].shape[-2:] == (8, 8) and kept[1].shape[-2:] == (8, 1) and kept[0].size == 2 * 8 * 8
    assert NumpyBackend.attention(*short, None, 0.5, False)[2] is None
    assert NumpyBackend.attention(*long, None, 0.5, False, keep_probs=True)[2] is None


def test_backward_builds_the_score_gradient_only_for_a_differentiable_bias():
    rng = np.random.default_rng(7)
    q, k, v, bias = (_normal(rng, shape, np.float64) for shape in [(2, 4, 3), (2, 5, 3), (2, 5, 2), (4, 5)])
    out, lse, _ = NumpyBackend.attention(q, k, v, bias, 0.5, False)
    grad = _normal(rng, out.shape, np.float64)
    *_, ds = NumpyBackend.attention_backward(q, k, v, bias, 0.5, False, out, lse, grad)
    assert ds is None
    *_, ds = NumpyBackend.attention_backward(q, k, v, bias, 0.5, False, out, lse, grad, bias_grad=True)
    tq, tk, tv, tbias = (torch.from_numpy(a).requires_grad_(a is bias) for a in (q, k, v, bias))
    sdpa_torch(tq, tk, tv, attn_mask=tbias, scale=0.5).backward(torch.from_numpy(grad))
    np.testing.assert_allclose(ds.sum(axis=0), tbias.grad.numpy(), rtol=1e-10, atol=1e-12)  # the mask is shared


def _torch_packed(heads, causal):
    """torch's split-attend-merge over a (B, T, 3 d) fused projection, as a function of it."""
    def attend(qkv):
        B, T, three_d = qkv.shape
        q, k, v = qkv.reshape(B, T, 3, heads, three_d // (3 * heads)).permute(2, 0, 3, 1, 4)
        out = sdpa_torch(q, k, v, is_causal=causal)
        return out.transpose(1, 2).reshape(B, T, three_d // 3)
    return attend


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("causal", [False, True])
@pytest.mark.parametrize("B, T, heads, E", [(2, 5, 3, 4), (1, 9, 1, 6), (3, 1, 2, 2)])
def test_packed_self_attention_matches_torch_split_attend_merge(device, dtype, causal, B, T, heads, E):
    # nn.MultiHeadAttention's op: q, k, v read from the fused projection, heads merged on the way out
    rng = np.random.default_rng(8)
    qkv = _normal(rng, (B, T, 3 * heads * E), dtype)
    check_op(lambda t: PackedSelfAttention.apply(t, heads=heads, scale=1 / np.sqrt(E), causal=causal),
             _torch_packed(heads, causal), qkv, reduce_size=T * E, device=device)


@pytest.mark.parametrize("causal", [False, True])
def test_packed_self_attention_passes_float64_gradcheck(causal):
    rng = np.random.default_rng(9)
    qkv = Tensor(_normal(rng, (2, 4, 12), np.float64), requires_grad=True)
    assert tg.gradcheck(lambda t: PackedSelfAttention.apply(t, heads=2, scale=0.5, causal=causal), qkv)


@pytest.mark.parametrize("causal", [False, True])
@pytest.mark.parametrize("layout", ["heads interleaved", "batch axes that no reshape merges"])
def test_outputs_written_into_given_strided_arrays_equal_new_ones(causal, layout):
    # attention_forward(out=) and attention_backward(into=) fill arrays of any strides with
    # the same numbers they would return, and hand those very arrays back; inputs may be
    # strided views too. Batch axes that cannot merge go through a copy and back.
    rng = np.random.default_rng(11)
    if layout == "heads interleaved":  # q, k, v and the output as in a fused (B, T, 3, H, E) layout
        qkv = _normal(rng, (2, 6, 3, 3, 4), np.float32)
        q, k, v = (qkv[:, :, i].transpose(0, 2, 1, 3) for i in range(3))
        new_out = lambda: np.empty((2, 6, 3, 4), np.float32).transpose(0, 2, 1, 3)  # noqa: E731
    else:  # batch (2, 3, 2) taken from a (3, 2, 2) array: its first two axes cannot merge
        q, k, v = (_normal(rng, (3, 2, 2, 6, 4), np.float32).transpose(1, 0, 2, 3, 4) for _ in range(3))
        new_out = lambda: np.empty((3, 2, 2, 6, 4), np.float32).transpose(1, 0, 2, 3, 4)  # noqa: E731
    grad = _normal(rng, q.shape, np.float32)
    out, lse, kept = NumpyBackend.attention(q, k, v, None, 0.5, causal, keep_probs=True)
    given = new_out()
    out2, lse2, kept2 = NumpyBackend.attention(q, k, v, None, 0.5, causal, keep_probs=True, out=given)
    assert out2 is given
    np.testing.assert_array_equal(out2, out)
    np.testing.assert_array_equal(lse2, lse)
    grads = NumpyBackend.attention_backward(q, k, v, None, 0.5, causal, out, lse, grad, kept=kept)
    into = [new_out() for _ in range(3)]
    grads2 = NumpyBackend.attention_backward(q, k, v, None, 0.5, causal, out2, lse2, grad, kept=kept2, into=into)
    for a, b, target in zip(grads[:3], grads2[:3], into):
        assert b is target
        np.testing.assert_allclose(b, a, rtol=1e-6, atol=1e-6)
    tq, tk, tv = (torch.from_numpy(np.ascontiguousarray(a)).requires_grad_() for a in (q, k, v))
    sdpa_torch(tq, tk, tv, is_causal=causal, scale=0.5).backward(torch.from_numpy(grad))
    for ours, theirs in zip(grads2[:3], (tq, tk, tv)):
        np.testing.assert_allclose(ours, theirs.grad.numpy(), rtol=1e-5, atol=1e-5)
