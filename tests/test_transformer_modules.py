"""nn.MultiheadAttention and the Transformer stack agree with torch's when a torch state_dict is loaded:
the same parameter names in the same order, the same outputs and attention weights, the same
gradients for every parameter and input; masks in both of torch's forms."""
import copy
import warnings

import numpy as np
import pytest

from helpers import torch

import tinygrad_lite as tg

TNN = torch.nn


def _load(ours, theirs):
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    result = ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    assert not result.missing_keys and not result.unexpected_keys


def _compare(ours, theirs, arrays, call_ours, call_theirs, rtol=1e-4, atol=1e-5):
    """Outputs and the gradients of every parameter and input, for the same upstream gradient."""
    xs = [tg.Tensor(a, requires_grad=a.dtype.kind == "f") for a in arrays]
    ts = [torch.tensor(a, requires_grad=a.dtype.kind == "f") for a in arrays]
    got, expected = call_ours(ours, *xs), call_theirs(theirs, *ts)
    np.testing.assert_allclose(got.numpy(), expected.detach().numpy(), rtol=rtol, atol=atol)
    up = np.random.default_rng(0).standard_normal(got.shape).astype(np.float32)
    got.backward(tg.Tensor(up))
    expected.backward(torch.tensor(up))
    for (name, p), (_, q) in zip(ours.named_parameters(), theirs.named_parameters()):
        np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=rtol, atol=atol, err_msg=name)
    for x, t in zip(xs, ts):
        if t.grad is not None:
            np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), rtol=rtol, atol=atol)


@pytest.mark.parametrize("kw", [{}, {"batch_first": True}, {"kdim": 5, "vdim": 3}, {"bias": False},
                                {"add_bias_kv": True, "add_zero_attn": True}], ids=repr)
@pytest.mark.parametrize("mask_kind", ["bool", "float", "none"])
def test_multihead_attention_matches_torch(kw, mask_kind):
    torch.manual_seed(0)
    ours, theirs = tg.nn.MultiheadAttention(8, 2, **kw), TNN.MultiheadAttention(8, 2, **kw)
    _load(ours, theirs)
    rng = np.random.default_rng(1)
    q = rng.standard_normal((4, 3, 8)).astype(np.float32)
    k = rng.standard_normal((6, 3, kw.get("kdim", 8))).astype(np.float32)
    v = rng.standard_normal((6, 3, kw.get("vdim", 8))).astype(np.float32)
    if kw.get("batch_first"):
        q, k, v = (np.ascontiguousarray(a.transpose(1, 0, 2)) for a in (q, k, v))
    causal = np.triu(np.ones((4, 6), bool), 1)
    mask = {"bool": causal, "float": np.where(causal, -1e9, 0.0).astype(np.float32), "none": None}[mask_kind]
    pad = np.zeros((3, 6), bool)
    pad[1, 4:] = True
    arrays = [q, k, v, pad] + ([mask] if mask is not None else [])

    def run(lib):
        def call(module, q, k, v, pad, mask=None):
            out, weights = module(q, k, v, key_padding_mask=pad, attn_mask=mask)
            return out + weights.sum() * 0.1  # both outputs reach the gradient
        return call
    _compare(ours, theirs, arrays, run(tg), run(torch))


def test_per_head_weights_and_unbatched_input_match_torch():
    torch.manual_seed(1)
    ours, theirs = tg.nn.MultiheadAttention(6, 3), TNN.MultiheadAttention(6, 3)
    _load(ours, theirs)
    x = np.random.default_rng(2).standard_normal((5, 6)).astype(np.float32)
    got = ours(tg.Tensor(x), tg.Tensor(x), tg.Tensor(x), average_attn_weights=False)
    expected = theirs(torch.tensor(x), torch.tensor(x), torch.tensor(x), average_attn_weights=False)
    for g, e in zip(got, expected):
        assert g.shape == tuple(e.shape)
        np.testing.assert_allclose(g.numpy(), e.detach().numpy(), rtol=1e-5, atol=1e-6)
    assert ours(tg.Tensor(x), tg.Tensor(x), tg.Tensor(x), need_weights=False)[1] is None


@pytest.mark.filterwarnings("ignore:enable_nested_tensor")
@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("batch_first", [False, True])
def test_transformer_matches_torch(norm_first, batch_first):
    torch.manual_seed(2)
    kw = dict(dim_feedforward=16, dropout=0.0, norm_first=norm_first, batch_first=batch_first, activation="gelu")
    ours, theirs = tg.nn.Transformer(8, 2, 2, 1, **kw), TNN.Transformer(8, 2, 2, 1, **kw)
    assert sorted(ours.state_dict()) == sorted(theirs.state_dict())
    _load(ours, theirs)
    rng = np.random.default_rng(3)
    src, tgt = rng.standard_normal((5, 2, 8)).astype(np.float32), rng.standard_normal((4, 2, 8)).astype(np.float32)
    if batch_first:
        src, tgt = np.ascontiguousarray(src.transpose(1, 0, 2)), np.ascontiguousarray(tgt.transpose(1, 0, 2))
    mask = TNN.Transformer.generate_square_subsequent_mask(4).numpy()
    np.testing.assert_array_equal(tg.nn.Transformer.generate_square_subsequent_mask(4).numpy(), mask)
    _compare(ours, theirs, [src, tgt, mask], lambda m, s, t, k: m(s, t, tgt_mask=k),
             lambda m, s, t, k: m(s, t, tgt_mask=k), rtol=1e-4, atol=1e-4)


def test_encoder_layers_are_independent_copies():
    layer = tg.nn.TransformerEncoderLayer(8, 2, 16)
    encoder = tg.nn.TransformerEncoder(layer, 2)
    first, second = encoder.layers[0].linear1.weight, encoder.layers[1].linear1.weight
    assert first is not second and first.array is not second.array
    np.testing.assert_array_equal(first.numpy(), second.numpy())
    assert first._backend is layer.linear1.weight._backend  # the copies stay on the layer's device
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        copy.deepcopy(tg.nn.Linear(2, 2))
    with pytest.raises(RuntimeError, match="deepcopy"):
        copy.deepcopy(tg.ones(2, requires_grad=True) * 2)


@pytest.mark.parametrize("call, error", [
    (lambda: tg.nn.MultiheadAttention(7, 2), ValueError),
    (lambda: tg.nn.TransformerEncoderLayer(8, 2, activation="tanh"), ValueError),
    (lambda: tg.nn.MultiheadAttention(8, 2)(tg.ones(3, 1, 8), tg.ones(3, 1, 8), tg.ones(3, 1, 4)), ValueError),
    (lambda: tg.nn.MultiheadAttention(8, 2)(tg.ones(3, 1, 8), tg.ones(3, 1, 8), tg.ones(3, 1, 8),
                                            attn_mask=tg.ones(2, 2)), ValueError),
], ids=["heads", "activation", "value-size", "mask-shape"])
def test_bad_configurations_raise(call, error):
    with pytest.raises(error, match="MultiheadAttention|TransformerEncoderLayer"):
        call()
