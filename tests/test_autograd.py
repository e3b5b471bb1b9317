"""Backward semantics: what `backward()` computes, where gradients land, and when it refuses.

Proves: a value used twice gets the sum of both gradients; leaves accumulate across
backward calls and `x.grad = None` resets them; `retain_graph=True` allows a second
backward and without it the second backward raises a RuntimeError naming
"retain_graph"; a non-scalar needs an explicit upstream gradient (else RuntimeError
naming "scalar") and uses it; a 100,000-op chain backpropagates without
RecursionError to the exact gradient; no_grad (context manager and decorator, nested)
stops tracking; detach cuts the graph; an output requires grad iff an input does;
only leaves get `.grad`; broadcast gradients are summed back to each input's shape;
a gradient has its input's dtype. Expected values are worked out by hand or by torch.
"""
import weakref

import numpy as np
import pytest

from helpers import check_op, torch

import tinygrad_lite as tg
from tinygrad_lite import Tensor


def leaf(values, dtype=np.float64, device="cpu"):
    return Tensor(np.asarray(values, dtype=dtype), requires_grad=True, device=device)


# ---------------------------------------------------------------- reuse and accumulation

def test_reused_value_in_product_gets_both_gradients(device):
    x = leaf([1.0, -2.0, 3.0], device=device)
    (x * x).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, -4.0, 6.0])


def test_reused_value_in_sum_gets_both_gradients(device):
    x = leaf([1.0, -2.0, 3.0], device=device)
    (x + x).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 2.0, 2.0])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_diamond_graph_matches_torch(device, dtype):
    # x feeds a, and both x and a feed the output: every path's gradient must be summed.
    def graph(x):
        a = x * 2.0
        return a * a + a * x - x / 3.0

    x = np.random.default_rng(0).standard_normal((3, 4)).astype(dtype)
    check_op(graph, graph, x, device=device)


def test_gradients_accumulate_into_leaves_across_backward_calls(device):
    x = leaf([1.0, 2.0], device=device)
    (x * 2.0).sum().backward()
    (x * 3.0).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [5.0, 5.0])


def test_setting_grad_to_none_resets_accumulation(device):
    x = leaf([1.0, 2.0], device=device)
    (x * 2.0).sum().backward()
    x.grad = None
    assert x.grad is None
    (x * 3.0).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 3.0])


# ---------------------------------------------------------------- retain_graph and upstream gradients

def test_retain_graph_allows_a_second_backward(device):
    x = leaf([1.0, 2.0, 3.0], device=device)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_array_equal(x.grad.numpy(), [4.0, 8.0, 12.0])


def test_second_backward_through_a_freed_graph_raises_naming_retain_graph(device):
    x = leaf([1.0, 2.0, 3.0], device=device)
    y = (x * x).sum()
    y.backward()
    theirs = (torch.tensor([1.0, 2.0], requires_grad=True) ** 2).sum()
    theirs.backward()
    with pytest.raises(RuntimeError):
        theirs.backward()
    with pytest.raises(RuntimeError, match="retain_graph"):
        y.backward()


def test_backward_of_non_scalar_without_grad_raises_naming_scalar(device):
    x = leaf([1.0, 2.0], device=device)
    with pytest.raises(RuntimeError, match="scalar"):
        (x * 2.0).backward()
    with pytest.raises(RuntimeError):
        (torch.tensor([1.0, 2.0], requires_grad=True) * 2.0).backward()


def test_backward_of_a_tensor_that_does_not_require_grad_raises(device):
    with pytest.raises(RuntimeError):
        Tensor([1.0, 2.0], device=device).sum().backward()


def test_explicit_upstream_gradient_is_used(device):
    x = leaf([[1.0, 2.0], [3.0, 4.0]], device=device)
    upstream = np.array([[1.0, -1.0], [0.5, 2.0]])
    (x * 3.0).backward(Tensor(upstream, device=device))
    np.testing.assert_array_equal(x.grad.numpy(), 3.0 * upstream)


def test_explicit_upstream_gradient_on_a_scalar_scales_it(device):
    x = leaf([1.0, 2.0], device=device)
    (x * x).sum().backward(Tensor(np.array(0.5), device=device))
    np.testing.assert_array_equal(x.grad.numpy(), [1.0, 2.0])


# ---------------------------------------------------------------- deep graphs

CHAIN = 100_000


# The graph walk is the same on every device, so the deep chains run on "cpu" only.
def test_hundred_thousand_op_product_chain_backpropagates():
    x = leaf([2.0], device="cpu")
    y = x
    for _ in range(CHAIN):
        y = y * 1.0000001
    y.sum().backward()  # a recursive walk would raise RecursionError long before this depth
    want = 1.0000001 ** CHAIN
    np.testing.assert_allclose(y.numpy(), [2.0 * want], rtol=1e-9)
    np.testing.assert_allclose(x.grad.numpy(), [want], rtol=1e-9)


def test_hundred_thousand_op_sum_chain_counts_every_use():
    x = leaf([1.5, -0.5], device="cpu")
    y = x
    for _ in range(CHAIN):
        y = y + x
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [CHAIN + 1.0, CHAIN + 1.0])


# ---------------------------------------------------------------- no_grad and detach

def test_no_grad_context_stops_tracking(device):
    x = leaf([1.0, 2.0], device=device)
    assert tg.is_grad_enabled()
    with tg.no_grad():
        assert not tg.is_grad_enabled()
        y = (x * 2.0).sum()
    assert tg.is_grad_enabled()
    assert not y.requires_grad and y.is_leaf
    with pytest.raises(RuntimeError):
        y.backward()
    assert x.grad is None


def test_no_grad_decorator_stops_tracking(device):
    @tg.no_grad()
    def double(t):
        assert not tg.is_grad_enabled()
        return t * 2.0

    x = leaf([1.0, 2.0], device=device)
    y = double(x)
    assert not y.requires_grad
    assert tg.is_grad_enabled()
    np.testing.assert_array_equal(y.numpy(), [2.0, 4.0])


def test_nested_no_grad_restores_tracking_only_at_the_outermost_exit(device):
    x = leaf([1.0], device=device)
    with tg.no_grad():
        with tg.no_grad():
            assert not tg.is_grad_enabled()
        assert not tg.is_grad_enabled()
        assert not (x * 2.0).requires_grad
    assert tg.is_grad_enabled()
    assert (x * 2.0).requires_grad


def test_no_grad_restores_tracking_after_an_exception():
    with pytest.raises(KeyError):
        with tg.no_grad():
            raise KeyError("inside")
    assert tg.is_grad_enabled()


def test_detach_cuts_the_graph(device):
    x = leaf([1.0, 2.0, 3.0], device=device)
    d = x.detach()
    assert not d.requires_grad
    (d * x).sum().backward()  # d is a constant: the gradient is d, not 2x
    np.testing.assert_array_equal(x.grad.numpy(), [1.0, 2.0, 3.0])


# ---------------------------------------------------------------- requires_grad and leaves

OPS = {
    "add": lambda a, b: a + b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "matmul": lambda a, b: a @ b.T,
    "cat": lambda a, b: Tensor.cat([a, b], axis=0),
    "where": lambda a, b: Tensor.where(a > b, a, b),
    "maximum": lambda a, b: a.maximum(b),
    "sum then add": lambda a, b: a.sum() + b.exp().mean(),
    "index then mul": lambda a, b: a[0, :2] * b[1:, ::2].reshape(-1),
}


@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("a_grad, b_grad", [(False, False), (True, False), (False, True), (True, True)])
def test_output_requires_grad_iff_an_input_does(device, op, a_grad, b_grad):
    rng = np.random.default_rng(1)
    a = Tensor(rng.standard_normal((2, 3)) + 3.0, requires_grad=a_grad, device=device)
    b = Tensor(rng.standard_normal((2, 3)) + 3.0, requires_grad=b_grad, device=device)
    out = OPS[op](a, b)
    assert out.requires_grad == (a_grad or b_grad)
    assert out.is_leaf == (not (a_grad or b_grad))


def test_only_leaves_get_grad(device):
    x = leaf([1.0, 2.0], device=device)
    hidden = x * 2.0
    out = (hidden * hidden).sum()
    out.backward()
    assert x.grad is not None
    assert hidden.grad is None and out.grad is None
    assert not hidden.is_leaf


def test_constants_in_the_graph_get_no_grad(device):
    x = leaf([1.0, 2.0], device=device)
    c = Tensor([3.0, 4.0], device=device)
    (x * c).sum().backward()
    assert c.grad is None


# ---------------------------------------------------------------- broadcasting and dtypes

@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape_a, shape_b", [
    ((3, 1), (4,)),
    ((2, 1, 4), (3, 1)),
    ((1,), (2, 3)),
    ((), (2, 2)),
    ((5, 1, 1), (1, 2, 1)),
], ids=str)
@pytest.mark.parametrize("op", ["add", "mul"])
def test_broadcast_gradients_are_reduced_to_each_input_shape(device, dtype, shape_a, shape_b, op):
    rng = np.random.default_rng(2)
    a = rng.standard_normal(shape_a).astype(dtype)
    b = rng.standard_normal(shape_b).astype(dtype)
    copies = int(np.prod(np.broadcast_shapes(shape_a, shape_b)))
    ta = Tensor(a, requires_grad=True, device=device)
    tb = Tensor(b, requires_grad=True, device=device)
    OPS[op](ta, tb).sum().backward()
    assert ta.grad.shape == shape_a and tb.grad.shape == shape_b
    check_op(OPS[op], OPS[op], a, b, reduce_size=copies, device=device)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_gradient_has_the_input_dtype(device, dtype):
    x = leaf([0.5, 1.5, -2.0], dtype=dtype, device=device)
    (x * x).sum().backward()
    assert x.grad.dtype == dtype
    np.testing.assert_array_equal(x.grad.numpy(), np.array([1.0, 3.0, -4.0], dtype=dtype))


def test_mixed_precision_gradients_keep_each_input_dtype(device):
    x = leaf([1.0, 2.0], dtype=np.float32, device=device)
    w = leaf([3.0, 4.0], dtype=np.float64, device=device)
    (x * w).sum().backward()
    assert x.grad.dtype == np.float32 and w.grad.dtype == np.float64
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 4.0])
    np.testing.assert_array_equal(w.grad.numpy(), [1.0, 2.0])


def test_grad_is_a_tensor_of_the_leaf_shape(device):
    x = leaf(np.ones((2, 3)), device=device)
    (x * 2.0).sum().backward()
    assert isinstance(x.grad, Tensor)
    assert x.grad.shape == (2, 3)
    assert not x.grad.requires_grad


def test_leaf_gradients_never_share_memory_with_each_other_or_the_seed():
    # Add's backward hands the same array to both inputs; the seed passes straight through x + 0.
    # The walk gives a leaf its gradient array without a copy only when nothing else holds it.
    a = Tensor(np.ones((3, 4)), requires_grad=True)
    b = Tensor(np.ones((3, 4)), requires_grad=True)
    (a + b).backward(Tensor(np.full((3, 4), 2.0)))
    assert not np.shares_memory(a.grad.numpy(), b.grad.numpy())
    seed = Tensor(np.arange(12.0).reshape(3, 4))
    x = Tensor(np.ones((3, 4)), requires_grad=True)
    (x + 0).backward(seed)
    assert not np.shares_memory(x.grad.numpy(), seed.numpy())
    x.grad.numpy()[...] = -1.0
    assert np.array_equal(seed.numpy(), np.arange(12.0).reshape(3, 4))
    w = Tensor(np.ones((4, 2)), requires_grad=True)
    y = x.reshape(4, 3).T @ w  # x's gradient arrives as a view through reshape and transpose
    y.backward(Tensor(np.ones((3, 2))))
    assert not np.shares_memory(x.grad.numpy(), w.grad.numpy())


def test_gradients_accumulated_in_place_stay_correct_and_unaliased():
    # x feeds four paths; their gradients are summed, in place where nobody else holds the sum.
    x_np = np.array([[1.0, -2.0], [3.0, 0.5]])
    x = Tensor(x_np, requires_grad=True)
    y = (x * 2) + (x * x) + x.exp() + (x @ x)
    y.sum().backward()
    ones = np.ones((2, 2))
    expected = 2 + 2 * x_np + np.exp(x_np) + ones @ x_np.T + x_np.T @ ones
    np.testing.assert_allclose(x.grad.numpy(), expected, rtol=1e-12)
    first = x.grad
    held = first.numpy().copy()
    y2 = (x * 2) + (x * 3)
    y2.sum().backward()
    np.testing.assert_array_equal(first.numpy(), held)  # a gradient someone holds is never overwritten
    np.testing.assert_allclose(x.grad.numpy(), expected + 5, rtol=1e-12)


def test_a_fresh_gradient_array_becomes_the_leaf_gradient_without_a_copy(monkeypatch):
    # The arrays matmul's backward makes are held by nobody else, so they become .grad as they are.
    from tinygrad_lite.backend.numpy import NumpyBackend

    made = []  # weak references: a strong one would itself count as another holder

    def recording_matmul(a, b):
        product = np.matmul(a, b)
        made.append(weakref.ref(product))
        return product

    monkeypatch.setattr(NumpyBackend, "matmul", staticmethod(recording_matmul))
    a, b = Tensor(np.ones((3, 4)), requires_grad=True), Tensor(np.ones((4, 2)), requires_grad=True)
    (a @ b).backward(Tensor(np.ones((3, 2))))
    assert any(a.grad.array is m() for m in made) and any(b.grad.array is m() for m in made)
    np.testing.assert_array_equal(a.grad.numpy(), np.full((3, 4), 2.0))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_a_0d_value_used_many_times_gets_every_gradient(dtype):
    # Ops on 0-d arrays return numpy scalars, which cannot be summed into in place.
    x = Tensor(np.array(3.0, dtype=dtype), requires_grad=True)
    (x * 2.0 + x * 3.0 + x * 4.0).backward()
    assert x.grad.numpy() == 9.0
    w = Tensor(np.array(1.5, dtype=dtype), requires_grad=True)
    ((w * w) * w).backward()
    tw = torch.tensor(1.5, dtype=torch.float64, requires_grad=True)
    ((tw * tw) * tw).backward()
    np.testing.assert_allclose(w.grad.numpy(), tw.grad.numpy(), rtol=1e-6)
