"""The kernel devices: choosing them, moving tensors, and training on "interp" as on "cpu".

"interp" runs the Triton kernels through Triton's interpreter on numpy memory;
every op test in the suite already runs on it (the `device` fixture). This file
checks what those do not: device errors, gradients across `.to()`, whole training
runs agreeing with the numpy reference, the fused Adam kernel being the one that
updates parameters, and attention's memory growing linearly, not quadratically,
with the sequence length: the kernels' and the numpy reference's.
"""
import tracemalloc

import numpy as np
import pytest

import tinygrad_lite as tg
import tinygrad_lite.nn as nn
import tinygrad_lite.nn.functional as F
import tinygrad_lite.optim as optim
from tinygrad_lite import Tensor
from tinygrad_lite.backend import available_devices

needs_interp = pytest.mark.skipif("interp" not in available_devices(),
                                  reason="the interp device needs triton and torch: pip install -e '.[kernels]'")


def test_unknown_device_names_the_known_ones():
    with pytest.raises(ValueError, match="'cpu'.*'interp'.*'cuda'"):
        Tensor([1.0], device="tpu")


@pytest.mark.skipif("cuda" in available_devices(), reason="this machine has a GPU")
def test_cuda_without_a_gpu_says_what_is_missing():
    with pytest.raises(RuntimeError, match="device 'cuda' needs"):
        Tensor([1.0], device="cuda")


@needs_interp
def test_to_moves_values_and_gradients_between_devices():
    x = Tensor(np.arange(6, dtype=np.float32).reshape(2, 3), requires_grad=True)
    y = x.to("interp")
    assert y.device == "interp" and x.device == "cpu"
    (y * y).sum().backward()
    assert x.grad.device == "cpu"
    np.testing.assert_array_equal(x.grad.numpy(), 2 * x.numpy())


@needs_interp
def test_mixing_devices_in_one_op_is_an_error():
    with pytest.raises(RuntimeError, match="add: expected all tensors to be on the same device"):
        Tensor([1.0]) + Tensor([1.0], device="interp")


def _train(model_fn, batches, device, steps, lr=1e-2):
    """Losses of `steps` AdamW steps of a fresh model (same seed on every device)."""
    tg.manual_seed(0)
    model = model_fn().to(device)
    opt = optim.AdamW(model.parameters(), lr=lr)
    losses = []
    for inputs, targets in batches[:steps]:
        loss = F.cross_entropy(model(Tensor(inputs, device=device)).reshape(-1, model.n_out), targets.reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return np.array(losses)


class _MLP(nn.Module):
    n_out = 10

    def __init__(self):
        self.net = nn.Sequential(nn.Linear(20, 32), nn.GELU(), nn.LayerNorm(32), nn.Linear(32, 10))

    def forward(self, x):
        return self.net(x)


class _LM(nn.Module):
    n_out = 11

    def __init__(self):
        self.lm = nn.TransformerLM(vocab_size=11, d_model=16, n_heads=2, n_layers=1, max_len=8)

    def forward(self, idx):
        return self.lm(idx)


@needs_interp
def test_mlp_trains_on_interp_with_the_losses_of_cpu():
    rng = np.random.default_rng(1)
    batch = (rng.standard_normal((16, 20)).astype(np.float32), rng.integers(0, 10, 16))
    batches = [batch] * 4  # one batch, learned by heart: the loss must fall
    cpu = _train(_MLP, batches, "cpu", steps=4)
    interp = _train(_MLP, batches, "interp", steps=4)
    assert cpu[-1] < cpu[0]
    np.testing.assert_allclose(interp, cpu, rtol=1e-4, atol=1e-5)


@needs_interp
def test_transformer_trains_on_interp_with_the_losses_of_cpu():
    rng = np.random.default_rng(2)
    batches = []
    for _ in range(3):
        start = rng.integers(0, 11, (4, 1))
        seq = (start + np.arange(9)) % 11  # counting mod 11: next token = this token + 1
        batches.append((seq[:, :-1], seq[:, 1:]))
    cpu = _train(_LM, batches, "cpu", steps=3)
    interp = _train(_LM, batches, "interp", steps=3)
    np.testing.assert_allclose(interp, cpu, rtol=1e-4, atol=1e-5)


@needs_interp
def test_adam_on_interp_updates_through_the_fused_kernel(monkeypatch):
    from tinygrad_lite.kernels import adam as adam_kernel

    calls = []
    real = adam_kernel.adam_step
    monkeypatch.setattr(adam_kernel, "adam_step", lambda *a, **k: calls.append(1) or real(*a, **k))
    w = Tensor(np.ones(5, np.float32), requires_grad=True, device="interp")
    w.grad = Tensor(np.full(5, 0.5, np.float32), device="interp")
    optim.Adam([w], lr=0.1).step()
    assert calls == [1]
    np.testing.assert_allclose(w.numpy(), 0.9, rtol=1e-6)  # the first Adam step moves each weight by lr


def _attention_peak_bytes(device, length, dim=16, differentiable_mask=False):
    """Peak bytes allocated through Python (numpy) during attention forward + backward;
    causal, or with a float mask that requires grad (its gradient is L x S)."""
    rng = np.random.default_rng(0)
    q, k, v = (Tensor(rng.standard_normal((1, 1, length, dim)).astype(np.float32), requires_grad=True,
                      device=device) for _ in range(3))
    mask = Tensor(np.zeros((length, length), np.float32), requires_grad=True, device=device) \
        if differentiable_mask else None
    tracemalloc.start()
    try:
        F.scaled_dot_product_attention(q, k, v, attn_mask=mask, is_causal=mask is None).sum().backward()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_cpu_attention_memory_grows_linearly_with_length():
    # Doubling L and S quadruples an L x S matrix. A differentiable mask needs one, its
    # gradient, which shows the measurement sees it. Without one, the numpy reference
    # holds one block of query rows against all keys at a time, about 2**18 scores
    # (256 rows of 1024 keys, 128 of 2048): doubling L doubles it.
    def growth(**kw):
        return _attention_peak_bytes("cpu", 2048, **kw) / _attention_peak_bytes("cpu", 1024, **kw)

    assert growth(differentiable_mask=True) > 3.0
    assert growth() < 2.5


@needs_interp
def test_flash_attention_memory_grows_linearly_with_length():
    # The kernels hold no L x S matrix at all, from the smallest lengths on.
    # A first call warms Triton's caches, whose one-time allocations would blur the comparison.
    _attention_peak_bytes("interp", 16)
    assert _attention_peak_bytes("interp", 128) / _attention_peak_bytes("interp", 64) < 2.5
