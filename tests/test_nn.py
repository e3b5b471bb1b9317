"""tinygrad_lite.nn: Module, Parameter, the layers, attention, the transformer and nn.init.

Proves: parameters are found through attributes, lists, tuples, dicts and nested
modules, in definition order, a shared parameter once; their names are torch's for
the equivalent torch modules (so a state dict loads into torch unchanged);
`to(device)` moves every parameter and gradient to each available device;
state_dict/load_state_dict round-trip, and a bad state dict is rejected with every
mismatch named in one ValueError and nothing copied; train()/eval() reach every
module and Dropout follows them. Each layer's forward and the gradients of its input
and of every parameter match torch with the same weights: Linear, Embedding,
LayerNorm, the activation modules, and MultiHeadAttention against a hand-written torch
module with the same fused weights (causal or not, with masks) and against
torch.nn.MultiheadAttention's per-head weights. The transformer is causal. nn.init
draws within its bounds with the right spread, the fans and gains agree with torch's,
and tg.manual_seed makes initialisation reproducible.
"""
import math
import re

import numpy as np
import pytest

from helpers import assert_close, to_torch, tolerance, torch

import tinygrad_lite as tg
import tinygrad_lite.nn as nn
from tinygrad_lite import Tensor

TNN = torch.nn


def copy_weights(ours, theirs):
    """Load our module's weights into a torch module; torch's strict loading checks every name."""
    theirs.load_state_dict({name: to_torch(t.numpy()) for name, t in ours.state_dict().items()})
    return theirs


def assert_module_matches_torch(ours, theirs, x, reduce_size, kwargs=None, torch_kwargs=None, seed=0):
    """Forward, then backward of a random upstream gradient: the output, the input's
    gradient (for a float input) and every parameter's gradient agree with torch's.
    `kwargs` and `torch_kwargs` go to the two forwards."""
    x_ours = Tensor(x, requires_grad=x.dtype.kind == "f")
    x_theirs = to_torch(x, requires_grad=x.dtype.kind == "f")
    out, out_torch = ours(x_ours, **(kwargs or {})), theirs(x_theirs, **(torch_kwargs or {}))
    rtol, atol = tolerance(out.dtype, reduce_size)
    assert out.dtype == out_torch.detach().numpy().dtype
    assert_close(out.numpy(), out_torch.detach().numpy(), rtol, atol, "forward")
    upstream = np.random.default_rng(seed).standard_normal(out.shape).astype(out.dtype)
    out.backward(Tensor(upstream))
    out_torch.backward(to_torch(upstream))
    if x.dtype.kind == "f":
        assert_close(x_ours.grad.numpy(), x_theirs.grad.numpy(), rtol, atol, "gradient of the input")
    torch_params = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():
        assert_close(p.grad.numpy(), torch_params[name].grad.numpy(), rtol, atol, f"gradient of {name}")


# ---------------------------------------------------------------- Parameter

def test_parameter_is_a_leaf_that_requires_grad_and_copies_its_data():
    data = np.array([1.0, 2.0])
    p = nn.Parameter(data)
    data[0] = 5.0
    assert isinstance(p, Tensor) and p.requires_grad and p.is_leaf
    assert p.dtype == np.float64 and p.numpy().tolist() == [1.0, 2.0]
    assert nn.Parameter([1.0, 2.0]).dtype == np.float32
    assert repr(p).startswith("Parameter containing:")


def test_parameter_rejects_integers_with_a_type_error():
    with pytest.raises(TypeError, match="floating-point"):
        nn.Parameter(np.arange(3))


def test_ops_on_parameters_give_plain_tensors():
    p = nn.Parameter(np.ones(3))
    assert type(p * 2) is Tensor and type(p.detach()) is Tensor


# ---------------------------------------------------------------- discovery and names

class Leaf(nn.Module):
    def __init__(self, size):
        self.w = nn.Parameter(np.ones(size))


class Holder(nn.Module):
    """Parameters in every kind of place a user might put them."""

    def __init__(self):
        self.a = nn.Parameter(np.zeros(1))
        self.leaf = Leaf(2)
        self.items = [Leaf(3), nn.Parameter(np.zeros(4)), "not a module", [Leaf(5)]]
        self.pair = (Leaf(6),)
        self.table = {"x": Leaf(7), "y": {"z": nn.Parameter(np.zeros(8))}}
        self.count = 3


def test_parameters_are_found_everywhere_in_torchs_order():
    # torch's order: the module's own parameters (here also those in its lists and dicts), in the
    # order they were assigned, then each child module's, in turn
    names = [name for name, _ in Holder().named_parameters()]
    assert names == ["a", "items.1", "table.y.z", "leaf.w", "items.0.w", "items.3.0.w", "pair.0.w", "table.x.w"]
    assert [p.numel() for p in Holder().parameters()] == [1, 4, 8, 2, 3, 5, 6, 7]


def test_shared_parameters_and_modules_are_counted_once():
    m = Holder()
    m.again = m.leaf                      # a module held twice
    m.tied = m.items[0].w                 # a parameter held twice
    names = [name for name, _ in m.named_parameters()]
    assert len(names) == len(set(id(p) for p in m.parameters())) == 8
    # a shared parameter keeps its first name in torch's order: "tied" is the module's own, so it
    # comes before the child's "items.0.w"; the module held twice keeps its first name, "leaf"
    assert "again.w" not in names and "tied" in names and "items.0.w" not in names
    assert [name for name, _ in m.named_modules()].count("again") == 0
    # the state dict keeps every name, as torch's does for tied weights
    sd = m.state_dict()
    assert "again.w" in sd and "tied" in sd and len(sd) == 10


def test_a_module_that_points_back_at_its_parent_does_not_recurse_forever():
    outer = Holder()
    outer.leaf.parent = outer
    assert len(list(outer.parameters())) == 8
    assert len(outer.state_dict()) == 8


def test_modules_and_children():
    m = Holder()
    assert [name for name, _ in m.named_children()] == ["leaf", "items.0", "items.3.0", "pair.0", "table.x"]
    assert len(list(m.modules())) == 6 and next(m.modules()) is m


@pytest.mark.parametrize("build", [
    lambda lib: lib.Linear(3, 2),
    lambda lib: lib.Linear(3, 2, bias=False),
    lambda lib: lib.LayerNorm((2, 3)),
    lambda lib: lib.LayerNorm(4, elementwise_affine=False),
    lambda lib: lib.Embedding(5, 2),
    lambda lib: lib.Sequential(lib.Linear(4, 3), lib.ReLU(), lib.Sequential(lib.Tanh(), lib.Linear(3, 1))),
], ids=["linear", "linear-no-bias", "layernorm", "layernorm-no-affine", "embedding", "nested-sequential"])
def test_names_and_shapes_match_torch(build):
    ours, theirs = build(nn), build(TNN)
    assert [(n, p.shape) for n, p in ours.named_parameters()] == \
        [(n, tuple(p.shape)) for n, p in theirs.named_parameters()]


def test_list_and_dict_names_match_torch_module_list_and_dict():
    class Ours(nn.Module):
        def __init__(self):
            self.layers = [nn.Linear(2, 2), nn.Linear(2, 1)]
            self.heads = {"a": nn.Linear(1, 1)}

    class Theirs(TNN.Module):
        def __init__(self):
            super().__init__()
            self.layers = TNN.ModuleList([TNN.Linear(2, 2), TNN.Linear(2, 1)])
            self.heads = TNN.ModuleDict({"a": TNN.Linear(1, 1)})

    assert [n for n, _ in Ours().named_parameters()] == [n for n, _ in Theirs().named_parameters()]


def test_sequential_indexing_length_iteration_and_append():
    a, b, c = nn.ReLU(), nn.Linear(2, 2), nn.Tanh()
    seq = nn.Sequential(a, b)
    assert len(seq) == 2 and seq[0] is a and seq[-1] is b and list(seq) == [a, b]
    assert isinstance(seq[1:], nn.Sequential) and list(seq[1:]) == [b]
    seq.append(c)
    assert seq[2] is c and [n for n, _ in seq.named_parameters()] == ["1.weight", "1.bias"]
    with pytest.raises(TypeError, match="not a Module"):
        nn.Sequential(nn.ReLU(), lambda x: x)


def test_repr_names_children_and_settings():
    text = repr(nn.Sequential(nn.Linear(3, 2), nn.Dropout(0.25)))
    assert "(0): Linear(in_features=3, out_features=2, bias=True)" in text
    assert "(1): Dropout(p=0.25)" in text


# ---------------------------------------------------------------- state dicts

def _mlp(seed, dtype=tg.float32):
    tg.manual_seed(seed)
    return nn.Sequential(nn.Linear(4, 3, dtype=dtype), nn.ReLU(), nn.Linear(3, 2, dtype=dtype))


def test_state_dict_round_trip_reproduces_the_model():
    source, target = _mlp(0), _mlp(1)
    x = Tensor(np.random.default_rng(0).standard_normal((5, 4)).astype(np.float32))
    assert not np.allclose(source(x).numpy(), target(x).numpy())
    weight_array = target[0].weight.array
    result = target.load_state_dict(source.state_dict())
    assert result.missing_keys == [] and result.unexpected_keys == []
    np.testing.assert_array_equal(source(x).numpy(), target(x).numpy())
    assert target[0].weight.array is weight_array, "loading copies into the existing arrays"


def test_state_dict_is_detached_and_shares_memory():
    model = _mlp(0)
    sd = model.state_dict()
    assert list(sd) == ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert all(type(t) is Tensor and not t.requires_grad for t in sd.values())
    with tg.no_grad():
        model[0].bias.array[...] = 7.0
    assert np.all(sd["0.bias"].numpy() == 7.0)


def test_state_dict_loads_into_torch_and_back():
    ours = _mlp(0, tg.float64)
    theirs = copy_weights(ours, TNN.Sequential(TNN.Linear(4, 3), TNN.ReLU(), TNN.Linear(3, 2)).double())
    x = np.random.default_rng(1).standard_normal((2, 4))
    np.testing.assert_allclose(ours(Tensor(x)).numpy(), theirs(torch.from_numpy(x)).detach().numpy(), rtol=1e-12)
    again = _mlp(5, tg.float64)
    again.load_state_dict({name: t.detach().numpy() for name, t in theirs.state_dict().items()})
    np.testing.assert_array_equal(again(Tensor(x)).numpy(), ours(Tensor(x)).numpy())


def test_load_state_dict_reports_every_mismatch_and_copies_nothing():
    model = _mlp(0)
    before = {name: t.numpy().copy() for name, t in model.state_dict().items()}
    bad = {name: t.numpy().copy() for name, t in _mlp(1).state_dict().items()}
    del bad["0.bias"]                                            # missing
    bad["extra.weight"] = np.zeros(2, np.float32)                # unexpected
    bad["2.weight"] = np.zeros((3, 2), np.float32)               # wrong shape
    bad["2.bias"] = bad["2.bias"].astype(np.float64)             # wrong dtype
    with pytest.raises(ValueError) as info:
        model.load_state_dict(bad)
    message = str(info.value)
    assert "4 mismatch" in message
    assert re.search(r"missing key '0\.bias'", message)
    assert re.search(r"unexpected key 'extra\.weight'", message)
    assert "'2.weight': shape (3, 2) in the state dict, (2, 3) in the model" in message
    assert "'2.bias': dtype float64 in the state dict, float32 in the model" in message
    for name, t in model.state_dict().items():
        np.testing.assert_array_equal(t.numpy(), before[name], err_msg=name)


def test_load_state_dict_not_strict_ignores_names_but_not_shapes():
    model = _mlp(0)
    partial = {"0.weight": _mlp(1)[0].weight, "junk": np.zeros(1)}
    result = model.load_state_dict(partial, strict=False)
    assert result.missing_keys == ["0.bias", "2.weight", "2.bias"] and result.unexpected_keys == ["junk"]
    np.testing.assert_array_equal(model[0].weight.numpy(), _mlp(1)[0].weight.numpy())
    with pytest.raises(ValueError, match="shape"):
        model.load_state_dict({"0.weight": np.zeros((1, 1), np.float32)}, strict=False)


# ---------------------------------------------------------------- modes, grads, devices

def test_train_and_eval_reach_every_module():
    model = nn.TransformerLM(vocab_size=5, d_model=4, n_heads=2, n_layers=2, max_len=3, dropout=0.1)
    assert all(m.training for m in model.modules())
    assert model.eval() is model and not any(m.training for m in model.modules())
    model.train()
    assert all(m.training for m in model.modules())


def test_dropout_zeroes_and_rescales_in_training_and_is_the_identity_in_eval():
    tg.manual_seed(0)
    layer = nn.Dropout(0.25)
    x = Tensor(np.ones((200, 100), np.float32), requires_grad=True)
    y = layer(x)
    values = y.numpy()
    assert set(np.unique(values)) <= {0.0, np.float32(1 / 0.75)}
    assert abs((values == 0).mean() - 0.25) < 0.01           # 20,000 draws: std of the rate ~0.003
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), values)    # the same mask for the gradient
    layer.eval()
    assert layer(x) is x
    with pytest.raises(ValueError, match="probability"):
        nn.Dropout(1.5)


def test_attention_dropout_acts_only_in_training():
    tg.manual_seed(0)
    attn = nn.MultiHeadAttention(8, 2, dropout=0.5)
    x = Tensor(np.random.default_rng(0).standard_normal((2, 5, 8)).astype(np.float32))
    assert not np.allclose(attn(x).numpy(), attn(x).numpy())
    attn.eval()
    np.testing.assert_array_equal(attn(x).numpy(), attn(x).numpy())


def test_zero_grad_forgets_every_gradient():
    model = _mlp(0)
    model(Tensor(np.ones((1, 4), np.float32))).sum().backward()
    assert all(p.grad is not None for p in model.parameters())
    model.zero_grad()
    assert all(p.grad is None for p in model.parameters())


def test_to_moves_every_parameter_and_its_gradient_keeping_shared_ones_shared(device):
    tg.manual_seed(0)
    model = nn.TransformerLM(vocab_size=7, d_model=8, n_heads=2, n_layers=1, max_len=4)
    model.tied = (model.head.weight,)
    tokens = np.random.default_rng(0).integers(0, 7, size=(2, 4))
    expected = model(tokens).numpy()
    model(tokens).sum().backward()
    grads = {name: p.grad.numpy() for name, p in model.named_parameters()}
    assert model.to(device) is model
    assert model.tied[0] is model.head.weight
    for name, p in model.named_parameters():
        assert type(p) is nn.Parameter and p.is_leaf and p.requires_grad and p.device == device, name
        assert p.grad.device == device and np.array_equal(p.grad.numpy(), grads[name]), name
    out = model(tokens)
    assert out.device == device
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-5, atol=1e-5)


def test_to_an_unknown_device_is_an_error():
    with pytest.raises(ValueError, match="unknown device"):
        Holder().to("tpu")


def test_forward_must_be_defined():
    with pytest.raises(NotImplementedError, match="forward"):
        nn.Module()(1)


# ---------------------------------------------------------------- layers against torch

@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("bias", [True, False])
def test_linear_matches_torch(dtype, bias):
    tg.manual_seed(0)
    ours = nn.Linear(5, 3, bias=bias, dtype=dtype)
    theirs = copy_weights(ours, TNN.Linear(5, 3, bias=bias, dtype=torch.from_numpy(np.zeros(0, dtype)).dtype))
    x = np.random.default_rng(1).standard_normal((2, 4, 5)).astype(dtype)
    assert_module_matches_torch(ours, theirs, x, reduce_size=5 * 8)


def test_embedding_matches_torch_including_repeated_indices():
    tg.manual_seed(0)
    ours = nn.Embedding(6, 3, dtype=tg.float64)
    theirs = copy_weights(ours, TNN.Embedding(6, 3).double())
    assert_module_matches_torch(ours, theirs, np.array([[0, 5, 5], [2, 0, 1]]), reduce_size=4)


@pytest.mark.parametrize("shape, affine", [(4, True), ((3, 4), True), (4, False)])
def test_layer_norm_matches_torch(shape, affine):
    tg.manual_seed(0)
    ours = nn.LayerNorm(shape, elementwise_affine=affine, dtype=tg.float64)
    with tg.no_grad():  # move the weights off 1 and 0 so they matter
        for p in ours.parameters():
            nn.init.normal_(p)
    theirs = copy_weights(ours, TNN.LayerNorm(shape, elementwise_affine=affine).double())
    x = np.random.default_rng(2).standard_normal((2, 3, 4)) * 3 + 1
    assert_module_matches_torch(ours, theirs, x, reduce_size=24)


@pytest.mark.parametrize("name", ["ReLU", "Sigmoid", "Tanh", "GELU"])
def test_activation_modules_match_torch(name):
    x = np.random.default_rng(3).standard_normal((3, 4))
    assert_module_matches_torch(getattr(nn, name)(), getattr(TNN, name)(), x, reduce_size=1)


def test_gelu_tanh_approximation_matches_torch():
    x = np.random.default_rng(3).standard_normal((3, 4))
    assert_module_matches_torch(nn.GELU("tanh"), TNN.GELU("tanh"), x, reduce_size=1)


def test_linear_init_follows_torch_defaults():
    tg.manual_seed(0)
    layer = nn.Linear(400, 300)
    bound = 1 / math.sqrt(400)
    for p in (layer.weight, layer.bias):
        values = p.numpy()
        assert values.min() >= -bound and values.max() <= bound
    w = layer.weight.numpy()
    assert w.max() > 0.99 * bound and w.min() < -0.99 * bound
    assert abs(w.std() - bound / math.sqrt(3)) < 0.01 * bound   # U(-b, b) has std b / sqrt(3)


def test_embedding_and_layer_norm_init():
    tg.manual_seed(0)
    table = nn.Embedding(300, 200).weight.numpy()
    assert abs(table.mean()) < 0.01 and abs(table.std() - 1) < 0.01
    norm = nn.LayerNorm(5)
    assert np.all(norm.weight.numpy() == 1) and np.all(norm.bias.numpy() == 0)


# ---------------------------------------------------------------- multi-head attention

class TorchMultiHeadAttention(TNN.Module):
    """The same computation in torch, written out: fused projection, heads, sdpa, merge."""

    def __init__(self, d_model, n_heads, causal):
        super().__init__()
        self.n_heads, self.causal = n_heads, causal
        self.qkv = TNN.Linear(d_model, 3 * d_model)
        self.out = TNN.Linear(d_model, d_model)

    def forward(self, x, attn_mask=None):
        B, T, d = x.shape
        q, k, v = self.qkv(x).split(d, dim=-1)
        q, k, v = (t.view(B, T, self.n_heads, d // self.n_heads).transpose(1, 2) for t in (q, k, v))
        if self.causal and attn_mask is not None:
            allowed = torch.ones(T, T, dtype=torch.bool).tril()
            attn_mask = (attn_mask & allowed if attn_mask.dtype == torch.bool
                         else attn_mask.masked_fill(~allowed, -math.inf))
        heads = TNN.functional.scaled_dot_product_attention(
            q, k, v, attn_mask=attn_mask, is_causal=self.causal and attn_mask is None)
        return self.out(heads.transpose(1, 2).reshape(B, T, d))


def _attention_pair(causal, d_model=8, n_heads=2, seed=0):
    tg.manual_seed(seed)
    ours = nn.MultiHeadAttention(d_model, n_heads, causal=causal, dtype=tg.float64)
    return ours, copy_weights(ours, TorchMultiHeadAttention(d_model, n_heads, causal).double())


@pytest.mark.parametrize("causal", [False, True])
def test_attention_matches_a_torch_module_with_the_same_fused_weights(causal):
    ours, theirs = _attention_pair(causal)
    x = np.random.default_rng(4).standard_normal((2, 5, 8))
    assert_module_matches_torch(ours, theirs, x, reduce_size=64)


def _mask(kind, shape=(2, 1, 5, 5), seed=6):
    """None, a random bool mask in which every query may attend the first key, or a float mask."""
    rng = np.random.default_rng(seed)
    if kind == "bool":
        mask = rng.random(shape) < 0.6
        mask[..., 0] = True
        return mask
    return None if kind is None else rng.standard_normal(shape)


@pytest.mark.parametrize("causal", [False, True])
@pytest.mark.parametrize("kind", ["bool", "float"])
def test_attention_with_a_mask_matches_torch(causal, kind):
    ours, theirs = _attention_pair(causal)
    x = np.random.default_rng(5).standard_normal((2, 5, 8))
    mask = _mask(kind)
    assert_module_matches_torch(ours, theirs, x, reduce_size=64, kwargs={"attn_mask": mask},
                                torch_kwargs={"attn_mask": torch.from_numpy(mask)})


@pytest.mark.parametrize("causal", [False, True])
def test_attention_weights_match_torch_multihead_attention(causal):
    """need_weights gives torch.nn.MultiheadAttention's per-head weights, and the same output."""
    tg.manual_seed(0)
    ours = nn.MultiHeadAttention(8, 2, causal=causal, dtype=tg.float64)
    theirs = TNN.MultiheadAttention(8, 2, batch_first=True).double()
    with torch.no_grad():
        theirs.in_proj_weight.copy_(to_torch(ours.qkv.weight.numpy()))
        theirs.in_proj_bias.copy_(to_torch(ours.qkv.bias.numpy()))
        theirs.out_proj.weight.copy_(to_torch(ours.out.weight.numpy()))
        theirs.out_proj.bias.copy_(to_torch(ours.out.bias.numpy()))
    x = np.random.default_rng(7).standard_normal((3, 6, 8))
    forbidden = torch.ones(6, 6, dtype=torch.bool).triu(1) if causal else None  # torch: True = masked
    out_t, weights_t = theirs(*(to_torch(x),) * 3, attn_mask=forbidden, need_weights=True,
                              average_attn_weights=False)
    out, weights = ours(Tensor(x), need_weights=True)
    assert weights.shape == (3, 2, 6, 6)
    assert_close(weights.numpy(), weights_t.detach().numpy(), 1e-10, 1e-12, "weights")
    assert_close(out.numpy(), out_t.detach().numpy(), 1e-10, 1e-12, "output")
    np.testing.assert_allclose(out.numpy(), ours(Tensor(x)).numpy(), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("causal", [False, True])
@pytest.mark.parametrize("kind", [None, "bool", "float"])
def test_attention_weights_path_gives_the_fused_paths_output_and_gradients(causal, kind):
    """need_weights computes softmax(scores) @ v itself; it must agree with the sdpa path."""
    ours, _ = _attention_pair(causal)
    x, mask = np.random.default_rng(8).standard_normal((2, 5, 8)), _mask(kind)
    results = []
    for need_weights in (False, True):
        ours.zero_grad()
        x_t = Tensor(x, requires_grad=True)
        out = ours(x_t, attn_mask=mask, need_weights=need_weights)
        out = out[0] if need_weights else out
        (out * out).sum().backward()
        results.append([out.numpy(), x_t.grad.numpy()] + [p.grad.numpy() for p in ours.parameters()])
    for fused, explicit in zip(*results):
        np.testing.assert_allclose(explicit, fused, rtol=1e-10, atol=1e-12)


def test_attention_fully_masked_query_gets_zero_weights_like_sdpa():
    ours, _ = _attention_pair(causal=False)
    x = Tensor(np.random.default_rng(9).standard_normal((1, 3, 8)))
    mask = np.ones((3, 3), bool)
    mask[1] = False
    out, weights = ours(x, attn_mask=mask, need_weights=True)
    assert np.all(weights.numpy()[0, :, 1] == 0)
    np.testing.assert_allclose(out.numpy(), ours(x, attn_mask=mask).numpy(), rtol=1e-12, atol=1e-14)


def test_attention_rejects_bad_shapes():
    with pytest.raises(ValueError, match="multiple of n_heads"):
        nn.MultiHeadAttention(10, 3)
    with pytest.raises(ValueError, match=r"\(2, 8\) must be \(batch, length, 8\)"):
        nn.MultiHeadAttention(8, 2)(Tensor(np.zeros((2, 8), np.float32)))


# ---------------------------------------------------------------- the transformer

def test_transformer_is_causal_position_t_ignores_later_tokens():
    tg.manual_seed(0)
    model = nn.TransformerLM(vocab_size=7, d_model=8, n_heads=2, n_layers=2, max_len=6)
    tokens = np.random.default_rng(0).integers(0, 7, size=(2, 6))
    changed = tokens.copy()
    changed[:, 4:] = (changed[:, 4:] + 1) % 7
    a, b = model(tokens).numpy(), model(changed).numpy()
    assert a.shape == (2, 6, 7)
    np.testing.assert_array_equal(a[:, :4], b[:, :4])
    assert not np.allclose(a[:, 4:], b[:, 4:])


def test_transformer_names_and_errors():
    model = nn.TransformerLM(vocab_size=7, d_model=8, n_heads=2, n_layers=2, max_len=4)
    names = [n for n, _ in model.named_parameters()]
    assert names[:3] == ["tok_emb.weight", "pos_emb.weight", "blocks.0.ln1.weight"]
    assert "blocks.1.attn.qkv.weight" in names and names[-2:] == ["head.weight", "head.bias"]
    with pytest.raises(ValueError, match="exceeds max_len=4"):
        model(np.zeros((1, 5), np.int64))
    with pytest.raises(ValueError, match=r"\(batch, length\)"):
        model(np.zeros(3, np.int64))


# ---------------------------------------------------------------- nn.init

@pytest.mark.parametrize("shape", [(3, 5), (4, 3, 2, 5), (6, 1)])
def test_fans_and_gains_match_torch(shape):
    assert nn.init._calculate_fan_in_and_fan_out(Tensor(np.zeros(shape))) == \
        TNN.init._calculate_fan_in_and_fan_out(torch.zeros(shape))
    for nonlinearity, param in [("linear", None), ("sigmoid", None), ("tanh", None), ("relu", None),
                                ("leaky_relu", None), ("leaky_relu", math.sqrt(5))]:
        assert nn.init.calculate_gain(nonlinearity, param) == pytest.approx(
            TNN.init.calculate_gain(nonlinearity, param), rel=1e-15)


def test_fans_need_two_dimensions():
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        nn.init._calculate_fan_in_and_fan_out(Tensor(np.zeros(3)))


def _uniform_stats(values, bound):
    """Within [-bound, bound], reaching both ends, with U(-b, b)'s std b / sqrt(3)."""
    assert values.min() >= -bound and values.max() <= bound
    assert values.max() > 0.99 * bound and values.min() < -0.99 * bound
    assert abs(values.std() - bound / math.sqrt(3)) < 0.02 * bound   # 60,000 draws: ~0.3% noise


@pytest.mark.parametrize("a, mode, nonlinearity", [
    (0.0, "fan_in", "relu"), (math.sqrt(5), "fan_in", "leaky_relu"), (0.0, "fan_out", "leaky_relu")])
def test_kaiming_uniform_bounds(a, mode, nonlinearity):
    t = Tensor(np.zeros((300, 200)))
    nn.init.kaiming_uniform_(t, a=a, mode=mode, nonlinearity=nonlinearity)
    fan = 200 if mode == "fan_in" else 300
    _uniform_stats(t.numpy(), TNN.init.calculate_gain(nonlinearity, a) * math.sqrt(3 / fan))


def test_xavier_uniform_bounds():
    t = Tensor(np.zeros((300, 200), np.float32))
    nn.init.xavier_uniform_(t, gain=2.0)
    _uniform_stats(t.numpy(), 2.0 * math.sqrt(6 / 500))


def test_normal_uniform_constant_fills():
    t = Tensor(np.zeros((200, 300)))
    assert nn.init.normal_(t, mean=2.0, std=0.5) is t
    assert abs(t.numpy().mean() - 2.0) < 0.01 and abs(t.numpy().std() - 0.5) < 0.01
    nn.init.uniform_(t, -3.0, -1.0)
    _uniform_stats(t.numpy() + 2.0, 1.0)
    assert np.all(nn.init.zeros_(t).numpy() == 0) and np.all(nn.init.ones_(t).numpy() == 1)
    assert np.all(nn.init.constant_(t, 0.5).numpy() == 0.5)
    with pytest.raises(ValueError, match="lower bound"):
        nn.init.uniform_(t, 1.0, 0.0)


def test_initialisation_is_reproducible_under_manual_seed():
    def weights(seed):
        tg.manual_seed(seed)
        model = nn.TransformerLM(vocab_size=5, d_model=4, n_heads=2, n_layers=1, max_len=3)
        return [p.numpy() for p in model.parameters()]

    first, again, other = weights(3), weights(3), weights(4)
    assert all(np.array_equal(a, b) for a, b in zip(first, again))
    assert not any(np.array_equal(a, b) for a, b in zip(first, other) if a.std() > 0)
