"""Module's torch API: buffers, registration, traversal, hooks, modes, dtypes, and the containers,
compared with torch on twin models (same structure, same names, same state_dict keys)."""
from collections import OrderedDict

import numpy as np
import pytest

from helpers import torch

import tinygrad_lite as tg
from tinygrad_lite import nn

TNN = torch.nn


def _twins():
    """The same small model in both engines: a container of each kind, a buffer of each kind."""
    def build(lib, ns):
        class Net(ns.Module):
            def __init__(self):
                super().__init__()
                self.blocks = ns.ModuleList([ns.Linear(4, 4), ns.Linear(4, 4)])
                self.heads = ns.ModuleDict({"a": ns.Linear(4, 2), "b": ns.Linear(4, 3)})
                self.seq = ns.Sequential(OrderedDict(first=ns.Linear(4, 4), act=ns.ReLU()))
                self.scales = ns.ParameterList([ns.Parameter(lib.ones(4)), ns.Parameter(lib.ones(4))])
                self.register_buffer("mask", lib.ones(4))
                self.register_buffer("scratch", lib.zeros(2), persistent=False)

            def forward(self, x):
                for block in self.blocks:
                    x = block(x) * self.scales[0]
                return self.heads["a"](self.seq(x * self.mask))
        return Net()
    return build(tg, nn), build(torch, TNN)


def _copy_weights(ours, theirs):
    for name, t in theirs.state_dict().items():
        ours.get_parameter(name).array[...] = t.numpy() if name in dict(ours.named_parameters()) else 0
    return ours


def test_names_and_state_dict_keys_match_torch():
    ours, theirs = _twins()
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert [n for n, _ in ours.named_buffers()] == [n for n, _ in theirs.named_buffers()]
    assert list(ours.state_dict()) == list(theirs.state_dict())  # torch's order; the non-persistent buffer is in neither
    assert [n for n, _ in ours.named_modules()] == [n for n, _ in theirs.named_modules()]
    assert [n for n, _ in ours.named_children()] == [n for n, _ in theirs.named_children()]
    assert [n for n, _ in ours.named_parameters(recurse=False)] == []
    assert len(list(ours.blocks.parameters(recurse=False))) == len(list(theirs.blocks.parameters(recurse=False)))


def test_a_torch_state_dict_loads_and_gives_torchs_output():
    ours, theirs = _twins()
    state = {k: v.detach().numpy() for k, v in theirs.state_dict().items()}
    state["mask"] = np.full(4, 0.5, np.float32)
    theirs.mask.fill_(0.5)
    result = ours.load_state_dict(state)
    assert result.missing_keys == [] and result.unexpected_keys == []
    x = np.random.default_rng(0).standard_normal((3, 4)).astype(np.float32)
    np.testing.assert_allclose(ours(tg.Tensor(x)).numpy(), theirs(torch.tensor(x)).detach().numpy(), rtol=1e-5)
    missing = ours.load_state_dict({k: v for k, v in state.items() if k != "mask"}, strict=False)
    assert missing.missing_keys == ["mask"]


def test_buffers_move_and_cast_with_the_model_but_are_not_parameters():
    ours, _ = _twins()
    assert all(id(b) not in {id(p) for p in ours.parameters()} for b in ours.buffers())
    ours.double()
    assert ours.mask.dtype == np.float64 and all(p.dtype == np.float64 for p in ours.parameters())
    ours.float()
    assert ours.mask.dtype == np.float32
    ours.to("interp")
    assert ours.mask.device == "interp" and ours.get_buffer("mask") is ours.mask
    ours.to("cpu")
    ours.mask = tg.zeros(4)  # assigning to a buffer's name replaces the buffer, as torch
    assert "mask" in ours.state_dict() and not ours.state_dict()["mask"].numpy().any()


def test_apply_visits_children_first_then_the_module_as_torch():
    ours, theirs = _twins()
    seen_ours, seen_theirs = [], []
    ours.apply(lambda m: seen_ours.append(type(m).__name__))
    theirs.apply(lambda m: seen_theirs.append(type(m).__name__))
    assert seen_ours == seen_theirs


def test_forward_hooks_change_inputs_and_outputs_and_can_be_removed():
    layer, calls = nn.Linear(2, 2), []
    pre = layer.register_forward_pre_hook(lambda m, args: (args[0] * 0,))
    post = layer.register_forward_hook(lambda m, args, out: calls.append(out.shape) or out + 1)
    out = layer(tg.ones(3, 2))
    np.testing.assert_allclose(out.numpy(), np.broadcast_to(layer.bias.numpy() + 1, (3, 2)))
    assert calls == [(3, 2)]
    pre.remove()
    post.remove()
    post.remove()  # a second remove does nothing, as torch's handle
    np.testing.assert_allclose(layer(tg.zeros(1, 2)).numpy(), layer.bias.numpy()[None])


def test_zero_grad_set_to_none_and_requires_grad_as_torch():
    layer = nn.Linear(2, 2)
    (layer(tg.ones(1, 2)).sum()).backward()
    layer.zero_grad(set_to_none=False)
    assert layer.weight.grad is not None and not layer.weight.grad.numpy().any()
    layer.zero_grad()
    assert layer.weight.grad is None
    layer.requires_grad_(False)
    assert not any(p.requires_grad for p in layer.parameters())


def test_containers_index_slice_and_grow_as_torch():
    ours, theirs = nn.ModuleList([nn.ReLU(), nn.Tanh()]), TNN.ModuleList([TNN.ReLU(), TNN.Tanh()])
    ours.append(nn.Sigmoid()).extend([nn.GELU()])
    theirs.append(TNN.Sigmoid()).extend([TNN.GELU()])
    ours.insert(1, nn.Identity())
    theirs.insert(1, TNN.Identity())
    assert [type(m).__name__ for m in ours] == [type(m).__name__ for m in theirs]
    assert [type(m).__name__ for m in ours[1:3]] == [type(m).__name__ for m in theirs[1:3]]
    assert type(ours[-1]).__name__ == "GELU" and len(ours) == len(theirs) == 5
    seq = nn.Sequential(OrderedDict(lin=nn.Linear(2, 3), act=nn.ReLU()))
    assert seq.lin is seq[0] and seq["act"] is seq[1] and [n for n, _ in seq.named_parameters()] == ["lin.weight",
                                                                                                       "lin.bias"]
    d = nn.ModuleDict({"x": nn.ReLU()})
    d["y"] = nn.Tanh()
    assert list(d.keys()) == ["x", "y"] and "y" in d and len(d) == 2
    with pytest.raises(TypeError, match="ModuleList"):
        nn.ModuleList([nn.ReLU(), 3])
    with pytest.raises(IndexError, match="ModuleList"):
        ours[9]


def test_registration_checks_names_and_kinds():
    layer = nn.Linear(2, 2)
    with pytest.raises(KeyError, match="register_buffer"):
        layer.register_buffer("a.b", tg.zeros(1))
    with pytest.raises(TypeError, match="register_buffer"):
        layer.register_buffer("w", np.zeros(1))
    with pytest.raises(TypeError, match="register_parameter"):
        layer.register_parameter("w", tg.zeros(1))
    with pytest.raises(AttributeError, match="get_submodule"):
        layer.get_submodule("nothing")
    layer.add_module("inner", nn.ReLU())
    layer.register_parameter("extra", None)
    assert layer.get_submodule("inner") is layer.inner and [n for n, _ in layer.named_children()] == ["inner"]
