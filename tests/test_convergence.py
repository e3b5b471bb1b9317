"""Convergence parity: the same model, data and optimizer rule give torch's loss curve.

Two models are built with tinygrad_lite.nn: an MLP (64 -> 32 -> 10 with ReLU) and a
one-block TransformerLM (vocab 11, d_model 16, 2 heads, length 8). Their initial
weights are copied into equivalent torch models (by name, through torch's strict
load_state_dict, so the names must match exactly). Both are then trained for 30 steps
in float64 on the same batches with cross-entropy, using tinygrad_lite.optim's SGD
(with momentum) or Adam against torch.optim's. At every step the losses agree within a
relative 1e-8: forward, backward and update of every layer stay in step with torch's
for the whole run, not only at initialisation. The loss must also fall, so the runs
are training something.
"""
import numpy as np
import pytest

from helpers import to_torch, torch

import tinygrad_lite as tg
import tinygrad_lite.nn as nn
import tinygrad_lite.nn.functional as F
import tinygrad_lite.optim as optim

TNN = torch.nn
STEPS = 30
RTOL = 1e-8

OPTIMIZERS = {
    "sgd-momentum": (lambda params: optim.SGD(params, lr=0.1, momentum=0.9),
                     lambda params: torch.optim.SGD(params, lr=0.1, momentum=0.9)),
    "adam": (lambda params: optim.Adam(params, lr=1e-2),
             lambda params: torch.optim.Adam(params, lr=1e-2)),
}


@pytest.fixture(autouse=True)
def one_torch_thread():
    """These tensors are tiny: torch's thread pool would only add contention, so use one thread."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def copy_weights(ours, theirs):
    theirs.load_state_dict({name: to_torch(t.numpy()) for name, t in ours.state_dict().items()})
    return theirs


def loss_curves(ours, theirs, batches, optimizer):
    """Train both models on `batches` ((inputs, targets) arrays) and return both loss curves."""
    make_ours, make_theirs = OPTIMIZERS[optimizer]
    opt, opt_torch = make_ours(ours.parameters()), make_theirs(theirs.parameters())
    curve, curve_torch = [], []
    for inputs, targets in batches:
        opt.zero_grad()
        logits = ours(tg.Tensor(inputs))
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))
        loss.backward()
        opt.step()
        curve.append(loss.item())

        opt_torch.zero_grad()
        logits_torch = theirs(torch.from_numpy(inputs))
        loss_torch = TNN.functional.cross_entropy(logits_torch.reshape(-1, logits_torch.shape[-1]),
                                                  torch.from_numpy(targets).reshape(-1))
        loss_torch.backward()
        opt_torch.step()
        curve_torch.append(loss_torch.item())
    return np.array(curve), np.array(curve_torch)


def assert_same_curve(curve, curve_torch):
    relative = np.abs(curve - curve_torch) / np.abs(curve_torch)
    worst = int(relative.argmax())
    assert relative.max() <= RTOL, (f"step {worst}: loss {curve[worst]!r} vs torch's {curve_torch[worst]!r} "
                                    f"(relative difference {relative[worst]:.2e})")
    assert curve[-5:].mean() < 0.9 * curve[:5].mean(), f"the loss did not fall: {curve}"


# ---------------------------------------------------------------- the MLP

def mlp_batches(seed=0, batch=16):
    """Inputs with labels from a fixed random linear teacher, so there is something to learn."""
    rng = np.random.default_rng(seed)
    teacher = rng.standard_normal((64, 10))
    batches = []
    for _ in range(STEPS):
        x = rng.standard_normal((batch, 64))
        batches.append((x, (x @ teacher).argmax(axis=1)))
    return batches


@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
def test_mlp_follows_torch_loss_curve(optimizer):
    tg.manual_seed(0)
    ours = nn.Sequential(nn.Linear(64, 32, dtype=tg.float64), nn.ReLU(), nn.Linear(32, 10, dtype=tg.float64))
    theirs = copy_weights(ours, TNN.Sequential(TNN.Linear(64, 32), TNN.ReLU(), TNN.Linear(32, 10)).double())
    assert_same_curve(*loss_curves(ours, theirs, mlp_batches(), optimizer))


# ---------------------------------------------------------------- the transformer

VOCAB, D_MODEL, HEADS, LENGTH = 11, 16, 2, 8


class TorchAttention(TNN.Module):
    """Causal multi-head self-attention with a fused (3d, d) projection, as nn.MultiHeadAttention."""

    def __init__(self):
        super().__init__()
        self.qkv = TNN.Linear(D_MODEL, 3 * D_MODEL)
        self.out = TNN.Linear(D_MODEL, D_MODEL)

    def forward(self, x):
        B, T, d = x.shape
        q, k, v = (t.view(B, T, HEADS, d // HEADS).transpose(1, 2) for t in self.qkv(x).split(d, dim=-1))
        heads = TNN.functional.scaled_dot_product_attention(q, k, v, is_causal=True)
        return self.out(heads.transpose(1, 2).reshape(B, T, d))


class TorchBlock(TNN.Module):
    def __init__(self):
        super().__init__()
        self.ln1 = TNN.LayerNorm(D_MODEL)
        self.attn = TorchAttention()
        self.ln2 = TNN.LayerNorm(D_MODEL)
        self.mlp = TNN.Sequential(TNN.Linear(D_MODEL, 4 * D_MODEL), TNN.GELU(), TNN.Linear(4 * D_MODEL, D_MODEL))

    def forward(self, x):
        x = x + self.attn(self.ln1(x))
        return x + self.mlp(self.ln2(x))


class TorchLM(TNN.Module):
    def __init__(self):
        super().__init__()
        self.tok_emb = TNN.Embedding(VOCAB, D_MODEL)
        self.pos_emb = TNN.Embedding(LENGTH, D_MODEL)
        self.blocks = TNN.ModuleList([TorchBlock()])
        self.ln_f = TNN.LayerNorm(D_MODEL)
        self.head = TNN.Linear(D_MODEL, VOCAB)

    def forward(self, idx):
        h = self.tok_emb(idx) + self.pos_emb(torch.arange(idx.shape[1]))
        for block in self.blocks:
            h = block(h)
        return self.head(self.ln_f(h))


def counting_batches(seed=0, batch=8):
    """Rows t, t + s, t + 2s, ... (mod 11) with a random start t and a stride s of 1 or 2:
    the stride shows only in the context, so attention has something to learn."""
    rng = np.random.default_rng(seed)
    batches = []
    for _ in range(STEPS):
        start = rng.integers(0, VOCAB, size=(batch, 1))
        stride = rng.integers(1, 3, size=(batch, 1))
        tokens = (start + stride * np.arange(LENGTH + 1)) % VOCAB
        batches.append((tokens[:, :-1], tokens[:, 1:]))
    return batches


@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
def test_transformer_follows_torch_loss_curve(optimizer):
    tg.manual_seed(0)
    ours = nn.TransformerLM(VOCAB, D_MODEL, HEADS, n_layers=1, max_len=LENGTH, dtype=tg.float64)
    theirs = copy_weights(ours, TorchLM().double())
    assert_same_curve(*loss_curves(ours, theirs, counting_batches(), optimizer))
