"""Tensor.register_hook against torch: the gradient each hook sees, replacement of the gradient that
flows on (leaves and non-leaves), order, removal, and the errors."""
import numpy as np
import pytest

from helpers import torch

import tinygrad_lite as tg

X = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]])


def _run(lib, make_hooks):
    """Builds loss = sum(tanh(x * w) ** 2) + sum(x * w) with hooks from make_hooks(x, h, seen);
    returns what the hooks saw and x's, w's gradients."""
    x = lib.tensor(X, requires_grad=True)
    w = lib.tensor(X[::-1].copy(), requires_grad=True)
    h = x * w
    seen = []
    make_hooks(x, h, seen)
    ((h.tanh() ** 2).sum() + h.sum()).backward()
    return [np.asarray(s) for s in seen], x.grad.numpy(), w.grad.numpy()


def _same(make_hooks):
    ours, theirs = _run(tg, make_hooks), _run(torch, make_hooks)
    assert len(ours[0]) == len(theirs[0])
    for a, b in zip(ours[0], theirs[0]):
        np.testing.assert_allclose(a, b, rtol=1e-12)
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-12)
    np.testing.assert_allclose(ours[2], theirs[2], rtol=1e-12)


def test_a_hook_on_a_non_leaf_sees_its_whole_gradient():
    _same(lambda x, h, seen: h.register_hook(lambda g: seen.append(g.numpy().copy())))


def test_a_hook_on_a_non_leaf_replaces_the_gradient_flowing_on():
    _same(lambda x, h, seen: h.register_hook(lambda g: g * 3))


def test_a_hook_on_a_leaf_replaces_what_it_accumulates():
    def hooks(x, h, seen):
        x.register_hook(lambda g: seen.append(g.numpy().copy()))
        x.register_hook(lambda g: g + 1)
        x.register_hook(lambda g: seen.append(g.numpy().copy()))  # sees the previous hook's result
    _same(hooks)


def test_hooks_run_in_order_and_chain():
    def hooks(x, h, seen):
        h.register_hook(lambda g: g * 2)
        h.register_hook(lambda g: seen.append(g.numpy().copy()))
        h.register_hook(lambda g: g - 1)
    _same(hooks)


def test_a_removed_hook_is_not_called():
    def hooks(x, h, seen):
        h.register_hook(lambda g: g * 5).remove()
        handle = x.register_hook(lambda g: seen.append(1))
        handle.remove()
        handle.remove()  # a second remove does nothing
    _same(hooks)


def test_a_hook_on_the_root_sees_the_seed():
    for lib in (tg, torch):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = (x * 3).sum()
        seen = []
        y.register_hook(lambda g: seen.append(float(g)) or g * 2)
        y.backward()
        assert seen == [1.0] and x.grad.tolist() == [6.0, 6.0]


def test_a_hook_survives_retain_graph_and_runs_each_backward():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    calls = []
    x.register_hook(lambda g: calls.append(g.tolist()))
    y.backward(retain_graph=True)
    y.backward()
    assert calls == [[2.0, 4.0], [2.0, 4.0]] and x.grad.tolist() == [4.0, 8.0]


def test_hook_errors():
    with pytest.raises(RuntimeError, match="doesn't require gradient"):
        tg.tensor([1.0]).register_hook(lambda g: g)
    with pytest.raises(TypeError, match="register_hook"):
        tg.tensor([1.0], requires_grad=True).register_hook(3)
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    x.register_hook(lambda g: g.sum())
    with pytest.raises(RuntimeError, match="changed the size"):
        (x * 2).sum().backward()
    y = tg.tensor([1.0, 2.0], requires_grad=True)
    y.register_hook(lambda g: 3.0)
    with pytest.raises(TypeError, match="register_hook"):
        (y * 2).sum().backward()


def test_hooks_go_with_their_tensor():
    """A hook belongs to its tensor: a tensor made later in the same memory slot has none."""
    calls = []
    for _ in range(3):
        x = tg.tensor([1.0], requires_grad=True)
        if not calls:
            x.register_hook(lambda g: calls.append(1))
        (x * 2).sum().backward()
        del x
    assert calls == [1]
