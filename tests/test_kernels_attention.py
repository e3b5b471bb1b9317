"""The flash-attention Triton kernels against torch, run through Triton's interpreter.

Under the interpreter the kernels use 32x16 query/key tiles (16x32 for dK/dV), so
the short sequences here still span several tiles, end in ragged ones, and the
causal diagonal cuts tiles unevenly. Every test runs both causal and non-causal
attention, forward and backward.
"""
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("triton", reason="the Triton kernels need triton: pip install -e '.[kernels]'")
torch = pytest.importorskip("torch", reason="the Triton kernels take torch tensors: pip install -e '.[kernels]'")

from tinygrad_lite.backend.numpy import NumpyBackend  # noqa: E402
from tinygrad_lite.kernels.attention import attention_backward, attention_forward  # noqa: E402

from kernel_guards import guarded_outputs  # noqa: E402

# Each example runs three kernels through the interpreter (about a second): a fifth of the profile's examples.
FEW = settings(max_examples=max(3, settings.default.max_examples // 5))


def randn(seed, *shape, dtype=torch.float32):
    gen = torch.Generator().manual_seed(seed)
    return torch.randn(*shape, generator=gen, dtype=torch.float64).to(dtype)


def make_inputs(seed, batch, L, S, E, Ev, dtype=torch.float32):
    """q, k, v and an upstream gradient dO."""
    return (randn(seed, *batch, L, E, dtype=dtype), randn(seed + 1, *batch, S, E, dtype=dtype),
            randn(seed + 2, *batch, S, Ev, dtype=dtype), randn(seed + 3, *batch, L, Ev, dtype=dtype))


def torch_reference(q, k, v, dout, scale, causal):
    """out, lse, dq, dk, dv by torch autograd in float64 from the same (rounded) inputs."""
    q, k, v = (t.double().requires_grad_() for t in (q, k, v))
    scores = q @ k.transpose(-1, -2) * scale
    if causal:  # query i attends keys j <= i: torch's tril(ones(L, S))
        allowed = torch.ones(scores.shape[-2:], dtype=torch.bool).tril()
        scores = scores.masked_fill(~allowed, float("-inf"))
    out = torch.softmax(scores, dim=-1) @ v
    out.backward(dout.double())
    return out.detach(), torch.logsumexp(scores, dim=-1).detach(), q.grad, k.grad, v.grad


def run_kernels(q, k, v, dout, scale, causal):
    out, lse = attention_forward(q, k, v, scale, causal)
    dq, dk, dv = attention_backward(q, k, v, out, lse, dout, scale, causal)
    return out, lse, dq, dk, dv


def assert_matches_torch(q, k, v, dout, causal, rtol, atol):
    scale = 1 / math.sqrt(q.shape[-1])
    ours = run_kernels(q, k, v, dout, scale, causal)
    theirs = torch_reference(q, k, v, dout, scale, causal)
    for name, a, b in zip(("out", "lse", "dq", "dk", "dv"), ours, theirs):
        assert a.shape == b.shape, f"{name}: shape {tuple(a.shape)} != {tuple(b.shape)}"
        assert a.dtype == (torch.float32 if name == "lse" else q.dtype), f"{name}: dtype {a.dtype}"
        torch.testing.assert_close(a.double(), b, rtol=rtol, atol=atol, msg=lambda m: f"{name}: {m}")


@FEW
@given(batch=st.sampled_from([(1,), (2,), (1, 2), (2, 1)]), L=st.integers(1, 40), S=st.integers(1, 40),
       E=st.integers(1, 40), Ev=st.integers(1, 40), causal=st.booleans(), seed=st.integers(0, 2**16))
def test_matches_torch_float32(batch, L, S, E, Ev, causal, seed):
    """Lengths and head dims drawn freely: tiles and the padded head dims end in masked parts."""
    assert_matches_torch(*make_inputs(seed, batch, L, S, E, Ev), causal, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("causal", [False, True])
@pytest.mark.parametrize("E, Ev", [(16, 16), (32, 32), (64, 64), (128, 128), (64, 16), (24, 128)])
def test_head_dims_up_to_128(E, Ev, causal):
    assert_matches_torch(*make_inputs(E + Ev, (1, 1), 5, 7, E, Ev), causal, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("causal", [False, True])
@pytest.mark.parametrize("L, S", [(37, 21), (19, 45)])
@pytest.mark.parametrize("dtype, base", [(torch.float16, 1e-3), (torch.bfloat16, 1.6e-2)])
def test_low_precision_inputs(dtype, base, L, S, causal):
    """float16/bfloat16 inputs with float32 accumulation; P and dS are rounded to the input
    dtype before their products, so errors grow like sqrt(terms summed)."""
    tol = base * math.sqrt(max(L, S) / 4)
    assert_matches_torch(*make_inputs(L * S, (2,), L, S, 32, 24, dtype), causal, rtol=tol, atol=tol)


@pytest.mark.parametrize("L, S", [(12, 12), (9, 30), (30, 9)])
def test_causal_rows_ignore_later_keys(L, S):
    """Changing the keys and values after position i leaves causal rows 0..i of out, lse and dq
    unchanged, bit for bit: those scores are masked to exactly zero weight."""
    q, k, v, dout = make_inputs(3, (2,), L, S, 24, 20)
    i = min(L, S) // 2
    k2, v2 = k.clone(), v.clone()
    k2[:, i + 1:] = randn(50, *k2[:, i + 1:].shape) * 10
    v2[:, i + 1:] = randn(51, *v2[:, i + 1:].shape) * 10
    first = run_kernels(q, k, v, dout, 0.3, causal=True)
    second = run_kernels(q, k2, v2, dout, 0.3, causal=True)
    for name, a, b in zip(("out", "lse", "dq"), first[:3], second[:3]):
        assert torch.equal(a[:, :i + 1], b[:, :i + 1]), name
    assert not torch.equal(first[0], second[0])  # later rows do see the change


@pytest.mark.parametrize("causal", [False, True])
def test_agrees_with_the_numpy_backend(causal):
    q, k, v, dout = make_inputs(8, (2, 3), 11, 17, 16, 8)
    ours = run_kernels(q, k, v, dout, 0.25, causal)
    out, lse, _ = NumpyBackend.attention(q.numpy(), k.numpy(), v.numpy(), None, 0.25, causal)
    dq, dk, dv, _ = NumpyBackend.attention_backward(q.numpy(), k.numpy(), v.numpy(), None, 0.25, causal,
                                                    out, lse, dout.numpy())
    for a, b in zip(ours, (out, lse, dq, dk, dv)):
        np.testing.assert_allclose(a.numpy(), b, rtol=1e-5, atol=1e-5)


def test_flattened_batch_heads_and_no_keys():
    q, k, v, dout = make_inputs(9, (6,), 10, 13, 16, 16)
    ours = run_kernels(q, k, v, dout, 0.5, True)
    theirs = run_kernels(q.reshape(2, 3, 10, 16), k.reshape(2, 3, 13, 16), v.reshape(2, 3, 13, 16),
                         dout.reshape(2, 3, 10, 16), 0.5, True)
    for a, b in zip(ours, theirs):
        assert torch.equal(a, b.reshape(a.shape))
    # With no keys at all the output is 0 and lse is -inf, as the numpy backend defines it.
    out, lse = attention_forward(q, k[:, :0], v[:, :0], 0.5, False)
    assert torch.equal(out, torch.zeros_like(q)) and torch.all(lse == float("-inf"))
    dq, dk, dv = attention_backward(q, k[:, :0], v[:, :0], out, lse, dout, 0.5, False)
    assert torch.equal(dq, torch.zeros_like(q)) and dk.shape == dv.shape == (6, 0, 16)


@pytest.mark.parametrize("causal", [False, True])
def test_outputs_stay_inside_their_buffers(causal):
    """out, lse, dq, dk, dv and the backward's delta lie inside guard values (out and the gradients
    with gaps between rows and between heads): on lengths 37 and 29 and head dims 20 and 24, past
    the edges of the 32 x 16 tiles and of the head dims padded to 32, every store is masked exactly."""
    q, k, v, dout = make_inputs(17, (2,), 37, 29, 20, 24)
    with guarded_outputs() as guards:
        ours = run_kernels(q, k, v, dout, 0.3, causal)
    assert guards.count == 6
    theirs = torch_reference(q, k, v, dout, 0.3, causal)
    for name, a, b in zip(("out", "lse", "dq", "dk", "dv"), ours, theirs):
        torch.testing.assert_close(a.double(), b, rtol=1e-5, atol=1e-5, msg=lambda m: f"{name}: {m}")


def test_bad_input_is_rejected_with_the_shapes():
    q, k, v = torch.zeros(2, 5, 16), torch.zeros(2, 7, 16), torch.zeros(2, 7, 8)
    with pytest.raises(ValueError, match=r"\(2, 5, 16\), \(2, 7, 12\), \(2, 7, 8\)"):
        attention_forward(q, torch.zeros(2, 7, 12), v, 1.0, False)
    with pytest.raises(ValueError, match=r"\(3, 7, 16\)"):
        attention_forward(q, torch.zeros(3, 7, 16), torch.zeros(3, 7, 8), 1.0, False)
    with pytest.raises(ValueError, match="head dims up to 128"):
        attention_forward(torch.zeros(1, 2, 256), torch.zeros(1, 2, 256), torch.zeros(1, 2, 8), 1.0, False)
    many = torch.zeros(65536, 1, 1)
    with pytest.raises(ValueError, match="split the batch"):
        attention_forward(many, many, many, 1.0, False)
    with pytest.raises(TypeError, match="share a dtype"):
        attention_forward(q.half(), k, v, 1.0, False)
    with pytest.raises(TypeError, match="float64"):
        attention_forward(q.double(), k.double(), v.double(), 1.0, False)
    with pytest.raises(ValueError, match=r"lse \(2, 5\)"):
        attention_backward(q, k, v, torch.zeros(2, 5, 8), torch.zeros(2, 6), torch.zeros(2, 5, 8), 1.0, False)
