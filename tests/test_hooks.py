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


# ---- Module.register_full_backward_hook -------------------------------------------------------

def _linear(lib):
    lin = lib.nn.Linear(3, 2)
    with lib.no_grad():
        lin.weight.copy_(lib.tensor(np.arange(6.0, dtype=np.float32).reshape(2, 3) / 7))
        lin.bias.copy_(lib.tensor(np.array([0.1, -0.2], np.float32)))
    return lin


def _module_run(lib, hook, x_requires_grad=True):
    lin = _linear(lib)
    seen = []
    handle = lin.register_full_backward_hook(lambda m, gi, go: hook(m, gi, go, seen, lin))
    x = lib.tensor(np.linspace(-1, 1, 6, dtype=np.float32).reshape(2, 3), requires_grad=x_requires_grad)
    (lin(x) ** 2).sum().backward()
    handle.remove()
    (lin(x) ** 2).sum().backward()  # removed: no more calls
    return seen, (x.grad.numpy() if x_requires_grad else None), lin.weight.grad.numpy()


def _module_same(hook, x_requires_grad=True):
    ours, theirs = _module_run(tg, hook, x_requires_grad), _module_run(torch, hook, x_requires_grad)
    assert len(ours[0]) == len(theirs[0]) == 1
    for a, b in zip(ours[0][0], theirs[0][0]):
        assert (a is None) == (b is None)
        if a is not None:
            np.testing.assert_allclose(a, b, rtol=1e-6)
    for a, b in zip(ours[1:], theirs[1:]):
        if a is not None:
            np.testing.assert_allclose(a, b, rtol=1e-6)


def _record(m, gi, go, seen, lin):
    assert m is lin and isinstance(gi, tuple) and isinstance(go, tuple)
    seen.append([g if g is None else g.numpy().copy() for g in gi + go])


def test_full_backward_hook_sees_torchs_grad_input_and_grad_output():
    _module_same(_record)


def test_full_backward_hook_replaces_grad_input():
    _module_same(lambda m, gi, go, seen, lin: _record(m, gi, go, seen, lin) or (gi[0] * 3,))


@pytest.mark.filterwarnings("ignore:Full backward hook is firing")
def test_full_backward_hook_without_input_gradients_gets_none():
    _module_same(_record, x_requires_grad=False)


def test_full_backward_hook_on_a_two_input_module_matches_torch():
    def run(lib):
        lib.manual_seed(0)
        bil = lib.nn.Bilinear(3, 2, 4)
        with lib.no_grad():
            bil.weight.copy_(lib.tensor(np.linspace(-1, 1, 24, dtype=np.float32).reshape(4, 3, 2)))
            bil.bias.zero_()
        seen = []
        bil.register_full_backward_hook(lambda m, gi, go: seen.append([g.numpy().copy() for g in gi + go]))
        x1 = lib.tensor(np.linspace(-1, 2, 6, dtype=np.float32).reshape(2, 3), requires_grad=True)
        x2 = lib.tensor(np.linspace(1, 3, 4, dtype=np.float32).reshape(2, 2), requires_grad=True)
        (bil(x1, x2) ** 2).sum().backward()
        return seen
    ours, theirs = run(tg), run(torch)
    assert len(ours) == len(theirs) == 1
    for a, b in zip(ours[0], theirs[0]):
        np.testing.assert_allclose(a, b, rtol=1e-5)


def test_full_backward_hook_refuses_a_bad_hook():
    with pytest.raises(TypeError, match="register_full_backward_hook"):
        tg.nn.Linear(2, 2).register_full_backward_hook(None)


def test_retain_grad_keeps_the_hooked_gradient_as_torch():
    for lib in (tg, torch):
        x = lib.tensor(X, requires_grad=True)
        h = x * 3
        h.retain_grad()
        h.register_hook(lambda g: g * 2)
        (h ** 2).sum().backward()
        np.testing.assert_allclose(h.grad.numpy(), 4 * 3 * X, rtol=1e-12)
        np.testing.assert_allclose(x.grad.numpy(), 3 * 4 * 3 * X, rtol=1e-12)
