"""In-place updates, item assignment and retain_grad, compared with torch.

Each program runs twice, once with `lib` = tinygrad_lite and once with `lib` = torch; the values
it returns and the gradients of its leaves must agree. Where torch raises, the engine raises.
"""
import numpy as np
import pytest
from hypothesis import given, strategies as st

import tinygrad_lite as tg

torch = pytest.importorskip("torch", reason="torch is the reference for these tests")

import strategies  # noqa: E402
from helpers import check_op  # noqa: E402


def leaf(lib, values, requires_grad=True):
    return lib.tensor(np.asarray(values, np.float64), requires_grad=requires_grad)


def run_both(program, *arrays):
    """program(lib, *leaves) -> a tensor; the outputs and the leaves' gradients must agree."""
    results = []
    for lib in (tg, torch):
        leaves = [leaf(lib, a) for a in arrays]
        out = program(lib, *leaves)
        out.sum().backward() if out.requires_grad else None
        results.append((np.asarray(out.detach().numpy()),
                        [None if x.grad is None else np.asarray(x.grad.numpy()) for x in leaves]))
    (ours, our_grads), (theirs, their_grads) = results
    np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)
    for g, h in zip(our_grads, their_grads):
        assert (g is None) == (h is None)
        if g is not None:
            np.testing.assert_allclose(g, h, rtol=1e-10, atol=1e-12)


X = np.array([[0.5, -1.25, 2.0], [1.5, 0.75, -0.3]])
W = np.array([0.2, -0.7, 1.1])


# ---- in-place on tensors in the graph -------------------------------------------------------
PROGRAMS = {
    "add_then_mul": lambda lib, x, w: (x * 2).add_(1).mul_(3),
    "alpha": lambda lib, x, w: (x * 1).add_(w, alpha=2).sub_(w, alpha=-0.5),
    "relu_after_linear": lambda lib, x, w: (x * w + 0.1).relu_(),
    "pow_saves_old_value": lambda lib, x, w: (x * 1).pow_(2),
    "mul_by_requiring": lambda lib, x, w: (x * 1).mul_(w).div_(w + 3),
    "masked_fill_minus_inf": lambda lib, x, w: (x * w).masked_fill_(lib.tensor([True, False, False]), -1e4).softmax(-1),
    "read_before_update": lambda lib, x, w: _read_before(x, w),
    "buffer_takes_a_gradient": lambda lib, x, w: _buffer(lib, x, w),
    "unary": lambda lib, x, w: sum(getattr(x * 0.5 + 1.5, name)() * x for name in (
        "sin_", "cos_", "exp_", "sqrt_", "log_", "tanh_", "sigmoid_", "reciprocal_", "square_", "neg_", "abs_")),
    "rounding": lambda lib, x, w: (x * 3).floor_() + (x * 3).ceil_() + (x * 3).round_() + (x * 3).trunc_() + x,
    "clamp": lambda lib, x, w: (x * 1).clamp_(-0.5, 1.0) + (x * 2).clamp_min_(0.0) + (x * 2).clamp_max_(0.7),
    "addcmul_addcdiv": lambda lib, x, w: (x * 1).addcmul_(x, w, value=0.5).addcdiv_(w, x + 4, value=-2),
    "lerp_number": lambda lib, x, w: (x * 1).lerp_(w.expand(2, 3), 0.25),
    "lerp_tensor": lambda lib, x, w: (x * 1).lerp_(w * 2, w.sigmoid()),
    "fill_with_tensor": lambda lib, x, w: (x * 1).fill_(w[1]) * x,
    "copy_": lambda lib, x, w: (x * 1).copy_(w * 3) * x,
    "zero_": lambda lib, x, w: (x * 1).zero_() + x,
    "operators": lambda lib, x, w: _operators(x, w),
}


def _read_before(x, w):
    y = x * 2
    z = y + 1          # reads y before the update: its gradient is the old y's
    y.mul_(w)
    return z * 3 + y


def _buffer(lib, x, w):
    buf = lib.zeros(2, 3, dtype=lib.float64)
    buf.add_(w)
    buf.mul_(x)
    return buf


def _operators(x, w):
    y = x * 1
    y += w
    y *= w
    y -= x
    y /= 2
    y **= 2
    return y


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_in_place_program_matches_torch(name):
    run_both(PROGRAMS[name], X, W)


def test_in_place_returns_self_and_keeps_dtype():
    x = tg.tensor([1.5, -2.0], requires_grad=True)
    y = x * 1
    assert y.add_(tg.tensor([1.0, 2.0], dtype=tg.float64)) is y
    assert y.dtype == tg.float32
    y.sum().backward()
    assert x.grad.dtype == tg.float32


def test_gradient_of_the_old_value_saved_by_an_earlier_op_raises():
    for lib in (tg, torch):
        x = leaf(lib, W)
        y = x * 1
        z = y * y            # saves y's values
        y.add_(1)
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            z.sum().backward()


@pytest.mark.parametrize("update", [lambda x: x.add_(1), lambda x: x.mul_(2), lambda x: x.relu_(),
                                    lambda x: x.__setitem__(0, 1.0), lambda x: x[0].mul_(2)])
def test_leaf_that_requires_grad_refuses_in_place_as_torch(update):
    for lib in (tg, torch):
        x = leaf(lib, W)
        with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
            update(x)


def test_leaf_update_under_no_grad_is_allowed_and_not_recorded():
    x = leaf(tg, W)
    with tg.no_grad():
        x.mul_(2)
        x[0] = 5.0
    assert x.is_leaf and x.requires_grad
    np.testing.assert_allclose(x.numpy(), [5.0, -1.4, 2.2])


# ---- views -----------------------------------------------------------------------------------
VIEW_PROGRAMS = {
    "slice_of_nonleaf": lambda lib, x, w: _view_slice(x),
    "transpose_rows": lambda lib, x, w: _view_transpose(x, w),
    "view_of_buffer": lambda lib, x, w: _view_buffer(lib, w),
    "view_of_a_0d_tensor": lambda lib, x, w: _view_of_scalar(x, w),
    "diagonal": lambda lib, x, w: _view_diagonal(x, w),
}


def _view_of_scalar(x, w):
    y = x.sum() * 1
    v = y.reshape(1)
    v.mul_(w[0]).add_(w[1])
    return y * 2 + v.sum()


def _view_diagonal(x, w):
    y = x[:, :2] * w[:2]
    y.T[0].mul_(x[1, 2])
    y.diagonal().add_(w[2]).exp_()
    return y * y


def _view_slice(x):
    y = x * 2
    v = y[:, 1:]
    v.mul_(3)
    return y * v.sum()


def _view_transpose(x, w):
    y = x * 1
    y[:, 1] = 0
    y[0] *= y[1].detach().clone()
    t = y.T
    t[2].mul_(w[0])
    t[0].sin_()
    return y * y


def _view_buffer(lib, w):
    buf = lib.zeros(2, 3, dtype=lib.float64)
    buf[1] = w
    buf.view(6)[0:2].copy_(w[1:] * 2)
    buf[1:].mul_(w)
    return buf


@pytest.mark.parametrize("name", sorted(VIEW_PROGRAMS))
def test_in_place_on_a_view_matches_torch(name):
    run_both(VIEW_PROGRAMS[name], X, W)


def test_view_outside_the_graph_given_a_value_that_requires_grad_refuses():
    """torch records it into the base; the engine cannot reach the base of a view made outside the
    graph, and refuses rather than leave the base without the gradient."""
    w = leaf(tg, W)
    buf = tg.zeros(2, 3, dtype=tg.float64)
    with pytest.raises(RuntimeError, match="shares its memory"):
        buf[1].add_(w)
    base = tg.zeros(2, 3, dtype=tg.float64)
    view = base[0]
    with pytest.raises(RuntimeError, match="shares its memory"):
        base.mul_(w)
    del view
    base.mul_(w)  # no view left: recorded
    assert base.requires_grad


def test_view_made_before_its_base_changed_refuses_backward():
    """torch rebuilds such a view's graph; the engine refuses rather than give the old one's gradient."""
    x = leaf(tg, W)
    y = x * 2
    v = y[0:2]
    y.mul_(3)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        v.sum().backward()


# ---- item assignment -------------------------------------------------------------------------
SETITEM_PROGRAMS = {
    "number": lambda lib, x, w: _set(x * 1, (0, 1), 7.0),
    "row_broadcast": lambda lib, x, w: _set(x * 1, 1, w * 2),
    "column": lambda lib, x, w: _set(x * 1, (slice(None), 2), w[:2] + 1),
    "mask": lambda lib, x, w: _set(x * 1, lib.tensor([[True, False, True], [False, True, False]]), w[0] * 5),
    "index_array": lambda lib, x, w: _set(x * 1, (lib.tensor([1, 0]), lib.tensor([2, 2])), w[1:] * 3),
    "leading_ones": lambda lib, x, w: _set(x * 1, 0, (w * 4).reshape(1, 3)),
    "ellipsis_none": lambda lib, x, w: _set(x * 1, (Ellipsis, None, 0), w[2]),
    "buffer": lambda lib, x, w: _set(lib.zeros(2, 3, dtype=lib.float64), (1, slice(0, 3)), w.exp()) * x,
    "twice": lambda lib, x, w: _set(_set(x * 1, 0, w), (slice(None), 0), x[1, 1] * w[2]),
}


def _set(t, index, value):
    t[index] = value
    return t


@pytest.mark.parametrize("name", sorted(SETITEM_PROGRAMS))
def test_setitem_matches_torch(name):
    run_both(SETITEM_PROGRAMS[name], X, W)


def test_setitem_converts_values_as_torch():
    for dtype in ("int64", "int8", "bool", "float16"):
        ours, theirs = tg.zeros(4, dtype=getattr(tg, dtype)), torch.zeros(4, dtype=getattr(torch, dtype))
        for t in (ours, theirs):
            t[0] = 1.7
            t[1:3] = 1
            t[3] = True
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    ours, theirs = tg.zeros(3, dtype=tg.int64), torch.zeros(3, dtype=torch.int64)
    ours[0:2] = tg.tensor([1.5, -2.5])
    theirs[0:2] = torch.tensor([1.5, -2.5])
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


@pytest.mark.parametrize("value, index, error", [
    (1000, 0, ValueError), (float("nan"), 0, ValueError), ([1, 2], slice(0, 2), TypeError),
    ("a", 0, TypeError), (None, 0, TypeError), (np.ones(2), slice(0, 2), TypeError)])
def test_setitem_refuses_what_torch_refuses(value, index, error):
    """torch raises RuntimeError for a number the dtype cannot hold; the engine's error for a bad value is ValueError."""
    for lib, expected in ((tg, error), (torch, RuntimeError if error is ValueError else error)):
        with pytest.raises(expected):
            lib.zeros(3, dtype=lib.int8)[index] = value


def test_setitem_refuses_a_value_that_does_not_broadcast_and_a_mismatched_index_put():
    with pytest.raises(ValueError, match="setitem"):
        tg.zeros(3)[0:2] = tg.ones(3)
    for lib in (tg, torch):
        with pytest.raises(RuntimeError, match="dtypes match"):
            lib.zeros(3, dtype=lib.int64)[[0]] = lib.tensor([1.5])


def test_setitem_under_no_grad_writes_in_place():
    x = tg.tensor([[1.0, 2.0], [3.0, 4.0]])
    view = x[0]
    with tg.no_grad():
        x[0, 1] = 9.0
    assert view.tolist() == [1.0, 9.0]


@given(st.lists(st.integers(1, 4), min_size=1, max_size=3), st.data())
def test_setitem_of_a_slice_along_each_axis_matches_torch(shape, data):
    axis = data.draw(st.integers(0, len(shape) - 1))
    start = data.draw(st.integers(0, shape[axis] - 1))
    index = (slice(None),) * axis + (slice(start, None),)
    value_shape = data.draw(st.sampled_from([(), (1,), tuple(shape[axis + 1:])]))
    x0 = np.linspace(-1, 1, int(np.prod(shape))).reshape(shape)
    v0 = np.linspace(0.3, 0.9, int(np.prod(value_shape))).reshape(value_shape)
    run_both(lambda lib, x, v: _set(x * 1, index, v * 2) * x, x0, v0)


# ---- out-of-place arithmetic with torch's arguments -------------------------------------------
@pytest.mark.parametrize("call", [
    lambda x, w: x.add(w, alpha=3), lambda x, w: x.sub(w, alpha=0.5), lambda x, w: x.mul(w),
    lambda x, w: x.addcmul(x, w, value=2), lambda x, w: x.addcdiv(x, w + 2, value=-1),
    lambda x, w: x.lerp(w * 3, 0.3), lambda x, w: x.lerp(w * 3, w)])
def test_arithmetic_methods_match_torch(call):
    run_both(lambda lib, x, w: call(x, w), X, W)


def test_argument_errors_are_torch_s():
    x = tg.zeros(3)
    with pytest.raises(ValueError, match="add_"):
        x.add_(tg.ones(2, 3))
    with pytest.raises(RuntimeError, match="can't be cast"):
        tg.zeros(3, dtype=tg.int64).add_(1.5)
    with pytest.raises(RuntimeError, match="read-only"):
        tg.zeros(3).expand(2, 3).add_(1)
    with pytest.raises(TypeError, match="lerp"):
        tg.zeros(3, dtype=tg.int64).lerp_(tg.ones(3, dtype=tg.int64), 0.5)
    with pytest.raises(RuntimeError, match="addcdiv"):
        tg.zeros(3, dtype=tg.int64).addcdiv_(tg.ones(3, dtype=tg.int64), tg.ones(3, dtype=tg.int64))
    with pytest.raises(RuntimeError, match="can't be cast"):
        tg.zeros(3, dtype=tg.int64).sqrt_()
    with pytest.raises(ValueError, match="masked_fill_"):
        tg.zeros(3).masked_fill_(tg.ones(2, 3, dtype=tg.bool_), 1.0)


def test_integer_in_place_keeps_integers_as_torch():
    for lib in (tg, torch):
        x = lib.tensor([-3, 2, 5])
        x.add_(2, alpha=3).mul_(2).neg_().abs_().clamp_(0, 20).square_()
        assert x.tolist() == [36, 256, 400] and x.dtype == lib.int64


# ---- retain_grad -------------------------------------------------------------------------------
def test_retain_grad_keeps_a_non_leaf_gradient_as_torch():
    grads = []
    for lib in (tg, torch):
        x = leaf(lib, W)
        y = x * 2
        y.retain_grad()
        z = y * y
        z.retain_grad()
        (z.sum() * 3).backward(retain_graph=True)
        (z.sum() * 3).backward()
        assert y.retains_grad and not x.retains_grad
        grads.append([np.asarray(t.grad.numpy()) for t in (x, y, z)])
    for ours, theirs in zip(*grads):
        np.testing.assert_allclose(ours, theirs)


def test_retain_grad_moves_with_an_in_place_update_and_refuses_without_grad():
    for lib in (tg, torch):
        y = leaf(lib, W) * 2
        y.retain_grad()
        y.mul_(3)
        (y * y).sum().backward()
        np.testing.assert_allclose(np.asarray(y.grad.numpy()), 2 * W * 6)
        x = leaf(lib, W)
        x.retain_grad()  # a no-op on a leaf
        with pytest.raises(RuntimeError, match="requires_grad=False"):
            lib.zeros(3).retain_grad()


# ---- hypothesis: shapes, layouts and dtypes --------------------------------------------------
BINARY_IN_PLACE = {
    "add_": (lambda y, o: y.add_(o, alpha=2), lambda y, o: y.add_(o, alpha=2)),
    "sub_": (lambda y, o: y.sub_(o), lambda y, o: y.sub_(o)),
    "mul_": (lambda y, o: y.mul_(o), lambda y, o: y.mul_(o)),
    "div_": (lambda y, o: y.div_(o * o + 1), lambda y, o: y.div_(o * o + 1)),
    "addcmul_": (lambda y, o: y.addcmul_(o, o, value=-0.5), lambda y, o: y.addcmul_(o, o, value=-0.5)),
    "lerp_": (lambda y, o: y.lerp_(o, 0.3), lambda y, o: y.lerp_(o, 0.3)),
}


@st.composite
def target_and_other(draw):
    """A shape, and one that broadcasts to it (size-1 axes, fewer axes, 0-d)."""
    a, b = draw(strategies.broadcast_pair(max_dims=3, max_side=4))
    return np.broadcast_shapes(a, b), b


@pytest.mark.parametrize("name", sorted(BINARY_IN_PLACE))
@given(shapes=target_and_other(), data=st.data())
def test_binary_in_place_on_a_non_leaf_over_broadcast_shapes_and_layouts(name, shapes, data):
    target, other = shapes
    dtype = data.draw(st.sampled_from([np.float32, np.float64]))
    x = data.draw(strategies.views(target, dtype))
    o = data.draw(strategies.views(other, dtype))
    if name == "lerp_" and other != target:  # torch's lerp_ wants end of self's shape (no broadcast of end)
        o = np.broadcast_to(o, target).copy()
    ours, theirs = BINARY_IN_PLACE[name]
    check_op(lambda x, o: ours(x * 1, o), lambda x, o: theirs(x * 1, o), x, o)


@given(shape=strategies.shapes(min_dims=1, max_dims=3, max_side=4), data=st.data())
def test_in_place_on_a_strided_view_of_a_non_leaf_matches_torch(shape, data):
    """y[..., ::2].mul_(w), then every element of y (the base) reaches the loss."""
    x = data.draw(strategies.views(shape, np.float64))
    w = data.draw(strategies.arrays((len(range(0, shape[-1], 2)),), np.float64))

    def program(x, w):
        y = x * 1
        y[..., ::2].mul_(w).add_(1)
        return y * y

    check_op(program, program, x, w)


def test_view_of_a_base_stored_column_major_maps_its_positions():
    stored = np.asfortranarray(np.arange(12.0).reshape(3, 4))
    results = []
    for lib in (tg, torch):
        w = leaf(lib, np.linspace(-1, 1, 4))
        base = lib.tensor(stored) * w      # elementwise: keeps the column-major layout in numpy
        base[1].mul_(w * 2)
        base[:, 2].sin_()
        base.sum().backward()
        results.append((base.detach().numpy(), w.grad.numpy()))
    np.testing.assert_allclose(results[0][0], results[1][0])
    np.testing.assert_allclose(results[0][1], results[1][1])


def test_float16_in_place_keeps_float16_and_matches_torch():
    x = np.linspace(-2, 2, 6).astype(np.float16).reshape(2, 3)
    w = np.linspace(0.5, 1.5, 3).astype(np.float16)
    check_op(lambda x, w: (x * 1).add_(w).mul_(w).relu_(), lambda x, w: (x * 1).add_(w).mul_(w).relu_(), x, w)


def test_float64_value_into_float32_non_leaf_gives_each_its_own_dtype_of_gradient():
    x = np.linspace(-1, 1, 3).astype(np.float32)
    w = np.linspace(0.5, 1.5, 3)
    out = check_op(lambda x, w: (x * 1).add_(w * w), lambda x, w: (x * 1).add_(w * w), x, w)
    assert out.dtype == np.float32


def test_chained_in_place_ops_that_save_their_result_compute_what_the_out_of_place_chain_computes():
    """torch refuses sigmoid_().mul_(2) at backward (sigmoid saved the memory mul_ overwrote); the engine
    keeps the value each op saved, so the gradient is that of sigmoid(y) * 2 (a listed difference)."""
    x = np.linspace(-1, 1, 4)
    check_op(lambda x: (x * 1).sigmoid_().mul_(2).exp_().tanh_(), lambda x: ((x * 1).sigmoid() * 2).exp().tanh(), x)


def test_clamp_in_place_with_tensor_bounds_matches_torch():
    lo, hi = np.array([-0.5, 0.0, 0.6]), np.array([0.5, 1.0, 0.7])
    run_both(lambda lib, x, lo, hi: (x * 1).clamp_(lo, hi) * x + (x * 1).clamp_min_(lo) + (x * 1).clamp_max_(hi),
             X, lo, hi)


def test_clamp_in_place_refuses_a_float_bound_for_an_integer_tensor():
    for lib in (tg, torch):
        with pytest.raises(RuntimeError, match="can't be cast"):
            lib.zeros(3, dtype=lib.int64).clamp_(0.5)
        assert lib.tensor([-2, 5]).clamp_(1).tolist() == [1, 5]


def test_update_through_a_detached_tensor_is_seen_by_an_op_that_saved_the_original():
    for lib in (tg, torch):
        x = leaf(lib, W)
        y = x * 1
        z = y * y
        y.detach().add_(1)
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            z.sum().backward()


def test_in_place_updates_and_item_assignment_on_every_device(device):
    """The same program on each device: values and gradients stay there and equal the cpu's."""
    def program(device):
        x = tg.tensor(X, requires_grad=True, device=device)
        w = tg.tensor(W, requires_grad=True, device=device)
        y = x * 1
        y.add_(w, alpha=2).relu_()
        y[0, 1:] = w[:2] * 3
        y.T[2].mul_(w[1])
        y[tg.tensor([True, False], device=device)] = 0.5
        (y * y).sum().backward()
        return [t.to("cpu").numpy() for t in (y.detach(), x.grad, w.grad)], (y.device, x.grad.device)

    ours, where = program(device)
    assert where == (device, device)
    for got, expected in zip(ours, program("cpu")[0]):
        np.testing.assert_allclose(got, expected, rtol=1e-12)


@given(shape=strategies.shapes(min_dims=1, max_dims=3, max_side=4), data=st.data())
def test_setitem_with_index_arrays_and_masks_matches_torch(shape, data):
    """Distinct positions (torch leaves the winner of a repeated one unspecified); the value broadcasts."""
    picks = data.draw(st.lists(st.integers(-shape[0], shape[0] - 1), min_size=0, max_size=shape[0],
                               unique_by=lambda i: i % shape[0]))
    mask = data.draw(strategies.arrays(shape, np.bool_))
    use_mask = data.draw(st.booleans())
    x0 = np.linspace(-1, 1, int(np.prod(shape))).reshape(shape)
    value_shape = data.draw(st.sampled_from([(), (1,)] + ([] if use_mask else [tuple(shape[1:])])))
    v0 = np.linspace(0.2, 0.8, int(np.prod(value_shape))).reshape(value_shape)

    def program(lib, x, v):
        index = lib.tensor(mask) if use_mask else lib.tensor(picks, dtype=lib.int64)
        return _set(x * 2, index, v * 3) * x

    run_both(program, x0, v0)
