"""tinygrad_lite.nn.functional against torch.nn.functional.

Proves, in float32 and float64 on hypothesis shapes (odd sizes, size-1 axes,
transposed views), that the value, dtype and the gradient of every float input
match torch for: linear, layer_norm, embedding, mse_loss, cross_entropy (class
indices for (C,), (N, C) and (N, C, d...), probabilities, ignore_index, label
smoothing, every reduction, logits of +-1e4), binary_cross_entropy (gradient with
respect to the target too), binary_cross_entropy_with_logits (pos_weight, logits of
+-100) and the activations. Dropout is checked by its properties (identity when not
training, 1/(1-p) scaling, one mask for value and gradient, the rate of zeros,
reproducibility under tg.manual_seed). Bad input raises the documented errors.
"""
import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import check_op, check_raises, torch
from strategies import arrays, away_from_zero, float_dtypes, shapes, views

import tinygrad_lite as tg
import tinygrad_lite.nn.functional as F
from tinygrad_lite import Tensor

TF = torch.nn.functional
REDUCTIONS = ["mean", "sum", "none"]

# The `device` fixture is constant across a test's examples, so sharing it is safe.

def _size(shape):
    return int(np.prod(shape, dtype=np.int64))


def _probabilities(rng, shape, axis, dtype):
    """Rows of positive numbers summing to 1 along `axis`."""
    w = rng.uniform(0.1, 1.0, size=shape)
    return (w / w.sum(axis=axis, keepdims=True)).astype(dtype)


# ---------------------------------------------------------------- linear

@given(data=st.data(), dtype=float_dtypes, with_bias=st.booleans())
def test_linear_matches_torch_on_batched_inputs(device, data, dtype, with_bias):
    batch = data.draw(shapes(min_dims=0, max_dims=2), label="batch")
    n_in, n_out = data.draw(st.integers(0, 5), label="in"), data.draw(st.integers(0, 5), label="out")
    inputs = [data.draw(views(batch + (n_in,), dtype, -1, 1), label="x"),
              data.draw(views((n_out, n_in), dtype, -1, 1), label="weight")]
    if with_bias:
        inputs.append(data.draw(arrays((n_out,), dtype, -1, 1), label="bias"))
    check_op(F.linear, TF.linear, *inputs, reduce_size=n_in * max(_size(batch), 1), device=device)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_linear_without_bias_keyword_matches_torch(device, dtype):
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal((2, 3, 4)).astype(dtype), rng.standard_normal((5, 4)).astype(dtype)
    check_op(lambda a, b: F.linear(a, b, bias=None), lambda a, b: TF.linear(a, b, bias=None),
             x, w, reduce_size=24, device=device)


def test_linear_with_a_0d_bias_and_mixed_dtypes_matches_torch(device):
    rng = np.random.default_rng(1)
    x, w = rng.standard_normal((2, 3, 4)), rng.standard_normal((5, 4))
    check_op(F.linear, TF.linear, x, w, np.array(0.5), reduce_size=12, device=device)
    # float32 input, float64 weight: the composed path promotes to float64, as x @ w.T + b does
    ours = F.linear(tg.Tensor(x.astype(np.float32)), tg.Tensor(w), tg.Tensor(np.ones(5)))
    assert ours.dtype == np.float64
    np.testing.assert_allclose(ours.numpy(), x.astype(np.float32).astype(np.float64) @ w.T + 1, rtol=1e-12)


# ---------------------------------------------------------------- layer_norm

@given(data=st.data(), dtype=float_dtypes, n_norm_axes=st.integers(1, 2), as_int=st.booleans(),
       with_weight=st.booleans(), with_bias=st.booleans())
def test_layer_norm_matches_torch(device, data, dtype, n_norm_axes, as_int, with_weight, with_bias):
    batch = data.draw(shapes(min_dims=0, max_dims=2), label="batch")
    norm_shape = data.draw(shapes(min_dims=n_norm_axes, max_dims=n_norm_axes, min_side=2), label="normalized")
    x = data.draw(arrays(batch + norm_shape, np.float64, -1, 1), label="x")
    # A ramp across the normalized axes keeps every group's variance far from 0, where
    # 1/sqrt(var + eps) would amplify rounding differences between the two engines.
    x = (x + np.linspace(-2, 2, _size(norm_shape)).reshape(norm_shape)).astype(dtype)
    normalized_shape = norm_shape[0] if (as_int and n_norm_axes == 1) else norm_shape
    inputs = [x]
    if with_weight:
        inputs.append(data.draw(arrays(norm_shape, dtype, 0.5, 2), label="weight"))
    if with_bias:
        inputs.append(data.draw(arrays(norm_shape, dtype, -1, 1), label="bias"))

    def call(fn, shape_arg):
        def run(x, *affine):
            weight = affine[0] if with_weight else None
            bias = affine[-1] if with_bias else None
            return fn(x, shape_arg, weight=weight, bias=bias, eps=1e-5)
        return run

    reduce_size = _size(norm_shape) * max(_size(batch), 1)
    check_op(call(F.layer_norm, normalized_shape), call(TF.layer_norm, norm_shape), *inputs,
             reduce_size=reduce_size, device=device)


# ---------------------------------------------------------------- embedding

@given(data=st.data(), dtype=float_dtypes)
def test_embedding_matches_torch(device, data, dtype):
    vocab, dim = data.draw(st.integers(1, 4), label="vocab"), data.draw(st.integers(1, 5), label="dim")
    idx = data.draw(arrays(shapes(min_dims=1, max_dims=2), np.int64, 0, vocab - 1), label="indices")
    weight = data.draw(arrays((vocab, dim), dtype), label="weight")
    check_op(F.embedding, TF.embedding, idx, weight, reduce_size=idx.size, device=device)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_embedding_weight_gradient_scatter_adds_repeated_indices(device, dtype):
    idx = np.array([[1, 1, 3], [1, 0, 3]], dtype=np.int64)
    weight = np.random.default_rng(1).standard_normal((4, 3)).astype(dtype)
    check_op(F.embedding, TF.embedding, idx, weight, device=device)
    w = Tensor(weight, requires_grad=True, device=device)
    F.embedding(Tensor(idx, device=device), w).sum().backward()
    # row r's gradient counts how often r was looked up (upstream all ones)
    np.testing.assert_array_equal(w.grad.numpy(), np.array([[1] * 3, [3] * 3, [0] * 3, [2] * 3], dtype=dtype))


def test_embedding_index_out_of_range_raises_index_error(device):
    weight = Tensor(np.ones((4, 2), np.float32), device=device)
    with pytest.raises(IndexError):
        F.embedding(Tensor(np.array([0, 4]), device=device), weight)


# ---------------------------------------------------------------- mse_loss

@given(data=st.data(), dtype=float_dtypes, reduction=st.sampled_from(REDUCTIONS))
def test_mse_loss_matches_torch(device, data, dtype, reduction):
    shape = data.draw(shapes(min_dims=0, max_dims=3), label="shape")
    pred, target = data.draw(views(shape, dtype), label="pred"), data.draw(views(shape, dtype), label="target")
    check_op(lambda a, b: F.mse_loss(a, b, reduction=reduction),
             lambda a, b: TF.mse_loss(a, b, reduction=reduction),
             pred, target, reduce_size=max(_size(shape), 1), device=device)


# ---------------------------------------------------------------- cross_entropy

def _ce(fn, **kw):
    return lambda logits, target: fn(logits, target, **kw)


@given(data=st.data(), dtype=float_dtypes, reduction=st.sampled_from(REDUCTIONS),
       label_smoothing=st.sampled_from([0.0, 0.1, 0.4]))
def test_cross_entropy_class_indices_matches_torch(device, data, dtype, reduction, label_smoothing):
    # (C,) with a 0-d target, (N, C) with (N,), (N, C, d1[, d2]) with (N, d1[, d2])
    n_extra = data.draw(st.integers(-1, 2), label="layout")
    classes = data.draw(st.integers(1, 5), label="C")
    if n_extra < 0:
        logits_shape, target_shape = (classes,), ()
    else:
        n = data.draw(st.integers(1, 4), label="N")
        extra = data.draw(shapes(min_dims=n_extra, max_dims=n_extra, max_side=3), label="d")
        logits_shape, target_shape = (n, classes) + extra, (n,) + extra
    logits = data.draw(views(logits_shape, dtype, -5, 5), label="logits")
    target = np.asarray(data.draw(arrays(target_shape, np.int64, 0, classes - 1), label="target"))
    kw = dict(reduction=reduction, label_smoothing=label_smoothing)
    check_op(_ce(F.cross_entropy, **kw), _ce(TF.cross_entropy, **kw), logits, target,
             reduce_size=_size(logits_shape), device=device)


@given(data=st.data(), dtype=float_dtypes, reduction=st.sampled_from(REDUCTIONS),
       label_smoothing=st.sampled_from([0.0, 0.2]), spatial=st.booleans())
def test_cross_entropy_probability_targets_match_torch(device, data, dtype, reduction, label_smoothing, spatial):
    n, classes = data.draw(st.integers(1, 4), label="N"), data.draw(st.integers(1, 5), label="C")
    shape = (n, classes, 3) if spatial else (n, classes)
    logits = data.draw(views(shape, dtype, -5, 5), label="logits")
    target = _probabilities(np.random.default_rng(data.draw(st.integers(0, 2**32 - 1))), shape, 1, dtype)
    kw = dict(reduction=reduction, label_smoothing=label_smoothing)
    # logits only here; the gradient reaching the target has its own test below
    check_op(_ce(F.cross_entropy, **kw), _ce(TF.cross_entropy, **kw), logits, target,
             grad=(True, False), reduce_size=_size(shape), device=device)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_cross_entropy_probability_target_receives_gradient_like_torch(device, dtype):
    rng = np.random.default_rng(2)
    logits = rng.standard_normal((3, 4)).astype(dtype)
    target = _probabilities(rng, (3, 4), 1, dtype)
    check_op(F.cross_entropy, TF.cross_entropy, logits, target, reduce_size=12, device=device)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("label_smoothing", [0.0, 0.3])
@pytest.mark.parametrize("ignore_index", [-100, 1])
def test_cross_entropy_ignore_index_matches_torch(device, dtype, reduction, label_smoothing, ignore_index):
    # ignore_index=1 is also a valid class: rows labelled 1 must drop out entirely
    rng = np.random.default_rng(3)
    logits = rng.standard_normal((6, 4)).astype(dtype)
    target = np.array([0, ignore_index, 3, ignore_index, 2, 1 if ignore_index != 1 else 0], dtype=np.int64)
    kw = dict(reduction=reduction, ignore_index=ignore_index, label_smoothing=label_smoothing)
    check_op(_ce(F.cross_entropy, **kw), _ce(TF.cross_entropy, **kw), logits, target,
             reduce_size=24, device=device)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_cross_entropy_ignore_index_on_spatial_targets_matches_torch(device, dtype):
    rng = np.random.default_rng(4)
    logits = rng.standard_normal((2, 3, 4)).astype(dtype)
    target = np.array([[0, -100, 2, 1], [-100, -100, 1, 2]], dtype=np.int64)
    check_op(F.cross_entropy, TF.cross_entropy, logits, target, reduce_size=24, device=device)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("label_smoothing", [0.0, 0.2])
def test_cross_entropy_all_rows_ignored_matches_torch(device, dtype, reduction, label_smoothing):
    # torch: mean over zero rows is nan (0/0), sum is 0, none is all zeros; the gradient is 0
    logits = np.random.default_rng(5).standard_normal((3, 4)).astype(dtype)
    target = np.full(3, -100, dtype=np.int64)
    kw = dict(reduction=reduction, label_smoothing=label_smoothing)
    out = check_op(_ce(F.cross_entropy, **kw), _ce(TF.cross_entropy, **kw), logits, target, device=device)
    if reduction == "mean":
        assert np.isnan(out.item())


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("label_smoothing", [0.0, 0.1])
def test_cross_entropy_extreme_logits_stay_finite_and_match_torch(device, dtype, reduction, label_smoothing):
    logits = np.array([[1e4, -1e4, 0.0], [-1e4, -1e4, 1e4], [1e4, 1e4, -1e4]], dtype=dtype)
    target = np.array([1, 2, 0], dtype=np.int64)
    kw = dict(reduction=reduction, label_smoothing=label_smoothing)
    out = check_op(_ce(F.cross_entropy, **kw), _ce(TF.cross_entropy, **kw), logits, target, device=device)
    assert np.all(np.isfinite(out.numpy()))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_cross_entropy_extreme_logits_with_probability_targets_stay_finite(device, dtype):
    logits = np.array([[1e4, -1e4, 0.0], [-1e4, 3.0, 1e4]], dtype=dtype)
    target = np.array([[0.2, 0.3, 0.5], [1.0, 0.0, 0.0]], dtype=dtype)
    out = check_op(F.cross_entropy, TF.cross_entropy, logits, target, grad=(True, False), device=device)
    assert np.isfinite(out.item())


# ---------------------------------------------------------------- binary cross-entropy

@given(data=st.data(), dtype=float_dtypes, reduction=st.sampled_from(REDUCTIONS))
def test_binary_cross_entropy_matches_torch_including_target_gradient(device, data, dtype, reduction):
    shape = data.draw(shapes(min_dims=0, max_dims=3), label="shape")
    # p kept inside (0, 1): at the ends log(p) is clamped and the gradient is huge
    p = data.draw(views(shape, dtype, 0.05, 0.95), label="p")
    y = data.draw(views(shape, dtype, 0.0, 1.0), label="y")
    check_op(lambda a, b: F.binary_cross_entropy(a, b, reduction=reduction),
             lambda a, b: TF.binary_cross_entropy(a, b, reduction=reduction),
             p, y, reduce_size=max(_size(shape), 1), device=device)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_binary_cross_entropy_at_probabilities_0_and_1_is_finite_like_torch(device, dtype):
    # torch clamps log(p) and log(1 - p) at -100, so a confident wrong answer costs 100
    p = np.array([0.0, 1.0, 0.0, 1.0], dtype=dtype)
    y = np.array([0.0, 1.0, 1.0, 0.0], dtype=dtype)
    out = check_op(lambda a, b: F.binary_cross_entropy(a, b, reduction="none"),
                   lambda a, b: TF.binary_cross_entropy(a, b, reduction="none"), p, y, grad=False, device=device)
    assert np.all(np.isfinite(out.numpy()))


@given(data=st.data(), dtype=float_dtypes, reduction=st.sampled_from(REDUCTIONS), weighted=st.booleans())
def test_binary_cross_entropy_with_logits_matches_torch(device, data, dtype, reduction, weighted):
    n, classes = data.draw(st.integers(1, 4), label="N"), data.draw(st.integers(1, 4), label="C")
    z = data.draw(views((n, classes), dtype, -6, 6), label="z")
    y = data.draw(views((n, classes), dtype, 0.0, 1.0), label="y")
    inputs, flags = [z, y], [True, True]
    if weighted:
        inputs.append(data.draw(arrays((classes,), dtype, 0.25, 4.0), label="pos_weight"))
        flags.append(False)

    def call(fn):
        return lambda z, y, *pw: fn(z, y, reduction=reduction, pos_weight=pw[0] if pw else None)

    check_op(call(F.binary_cross_entropy_with_logits), call(TF.binary_cross_entropy_with_logits),
             *inputs, grad=tuple(flags), reduce_size=n * classes, device=device)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True])
def test_binary_cross_entropy_with_logits_of_100_stays_finite(device, dtype, reduction, weighted):
    z = np.array([100.0, -100.0, 100.0, -100.0, 100.0, -100.0], dtype=dtype)
    y = np.array([1.0, 0.0, 0.0, 1.0, 0.5, 0.5], dtype=dtype)
    pos_weight = [np.array([2.0], dtype=dtype)] if weighted else []

    def call(fn):
        return lambda z, y, *pw: fn(z, y, reduction=reduction, pos_weight=pw[0] if pw else None)

    out = check_op(call(F.binary_cross_entropy_with_logits), call(TF.binary_cross_entropy_with_logits),
                   z, y, *pos_weight, grad=(True, True, False), reduce_size=6, device=device)
    assert np.all(np.isfinite(out.numpy()))


# ---------------------------------------------------------------- activations

ACTIVATIONS = {
    "relu": (F.relu, TF.relu),
    "sigmoid": (F.sigmoid, torch.sigmoid),
    "tanh": (F.tanh, torch.tanh),
    "gelu": (F.gelu, TF.gelu),
    "gelu_tanh": (lambda x: F.gelu(x, approximate="tanh"), lambda x: TF.gelu(x, approximate="tanh")),
    "leaky_relu": (lambda x: F.leaky_relu(x, negative_slope=0.2), lambda x: TF.leaky_relu(x, negative_slope=0.2)),
    "leaky_relu_default": (F.leaky_relu, TF.leaky_relu),
    "softmax_last": (lambda x: F.softmax(x, dim=-1), lambda x: TF.softmax(x, dim=-1)),
    "softmax_first": (lambda x: F.softmax(x, axis=0), lambda x: TF.softmax(x, dim=0)),
    "log_softmax_last": (lambda x: F.log_softmax(x, dim=-1), lambda x: TF.log_softmax(x, dim=-1)),
    "log_softmax_first": (lambda x: F.log_softmax(x, axis=0), lambda x: TF.log_softmax(x, dim=0)),
}


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
@given(data=st.data(), dtype=float_dtypes)
def test_activation_matches_torch(device, name, data, dtype):
    ours, theirs = ACTIVATIONS[name]
    shape = data.draw(shapes(min_dims=1, max_dims=3), label="shape")
    # values kept at least 0.1 away from 0: relu and leaky_relu have a kink there
    x = data.draw(away_from_zero(shape, dtype, -6, 6), label="x")
    reduce_size = shape[-1] if "softmax" in name else 1
    check_op(ours, theirs, x, reduce_size=max(reduce_size, shape[0]), device=device)


# ---------------------------------------------------------------- dropout

@pytest.mark.parametrize("p", [0.0, 0.3, 0.9])
def test_dropout_not_training_is_identity(device, p):
    data = np.random.default_rng(6).standard_normal((4, 5)).astype(np.float32)
    check_op(lambda x: F.dropout(x, p=p, training=False),
             lambda x: TF.dropout(x, p=p, training=False), data, device=device)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("p", [0.2, 0.5, 0.75])
def test_dropout_scales_survivors_and_backward_uses_the_same_mask(device, dtype, p):
    tg.manual_seed(0)
    data = np.random.default_rng(7).uniform(1.0, 2.0, size=(64, 33)).astype(dtype)  # no zeros of its own
    x = Tensor(data, requires_grad=True, device=device)
    out = F.dropout(x, p=p, training=True)
    assert out.dtype == dtype and out.shape == data.shape
    values = out.numpy()
    kept = values != 0
    assert 0 < kept.sum() < kept.size
    np.testing.assert_allclose(values[kept], data[kept] / np.asarray(1 - p, dtype), rtol=4 * np.finfo(dtype).eps)
    upstream = np.random.default_rng(8).standard_normal(data.shape).astype(dtype)
    out.backward(Tensor(upstream, device=device))
    expected = np.where(kept, upstream / np.asarray(1 - p, dtype), 0)
    np.testing.assert_allclose(x.grad.numpy(), expected, rtol=4 * np.finfo(dtype).eps)


@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
def test_dropout_zeroes_a_fraction_p_of_a_large_tensor(device, p):
    tg.manual_seed(1)
    n = 200_000
    out = F.dropout(Tensor(np.ones(n, np.float32), device=device), p=p, training=True).numpy()
    # the fraction's standard deviation is sqrt(p(1-p)/n) <= 0.0012; allow ~6 of them
    assert abs(np.mean(out == 0) - p) < 0.007


def test_dropout_p0_is_identity_while_training(device):
    data = np.random.default_rng(9).standard_normal((5, 7)).astype(np.float32)
    x = Tensor(data, requires_grad=True, device=device)
    out = F.dropout(x, p=0.0, training=True)
    np.testing.assert_array_equal(out.numpy(), data)
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.ones_like(data))


def test_dropout_p1_zeroes_everything_with_finite_zero_gradient(device):
    x = Tensor(np.random.default_rng(10).standard_normal((5, 7)), requires_grad=True, device=device)
    out = F.dropout(x, p=1.0, training=True)
    np.testing.assert_array_equal(out.numpy(), np.zeros((5, 7)))
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.zeros((5, 7)))


def test_dropout_is_reproducible_under_manual_seed(device):
    data = np.ones((50, 40), np.float32)

    def masks(seed):
        tg.manual_seed(seed)
        first = F.dropout(Tensor(data, device=device), p=0.5).numpy()
        second = F.dropout(Tensor(data, device=device), p=0.5).numpy()
        return first, second

    a1, a2 = masks(123)
    b1, b2 = masks(123)
    np.testing.assert_array_equal(a1, b1)
    np.testing.assert_array_equal(a2, b2)
    assert not np.array_equal(a1, a2), "two draws after one seed gave the same mask"
    c1, _ = masks(124)
    assert not np.array_equal(a1, c1), "different seeds gave the same mask"


@pytest.mark.parametrize("p", [-0.1, 1.5])
def test_dropout_probability_outside_0_1_raises_value_error(device, p):
    with pytest.raises(ValueError):
        F.dropout(Tensor(np.ones(3, np.float32), device=device), p=p, training=True)


# ---------------------------------------------------------------- errors

LOSSES_WITH_REDUCTION = {
    "mse_loss": (F.mse_loss, TF.mse_loss, lambda: np.ones((2, 3), np.float32)),
    "cross_entropy": (F.cross_entropy, TF.cross_entropy, lambda: np.array([0, 2], np.int64)),
    "binary_cross_entropy": (F.binary_cross_entropy, TF.binary_cross_entropy,
                             lambda: np.full((2, 3), 0.5, np.float32)),
    "binary_cross_entropy_with_logits": (F.binary_cross_entropy_with_logits,
                                         TF.binary_cross_entropy_with_logits,
                                         lambda: np.full((2, 3), 0.5, np.float32)),
}


@pytest.mark.parametrize("name", sorted(LOSSES_WITH_REDUCTION))
def test_unknown_reduction_raises_value_error(device, name):
    ours, theirs, make_target = LOSSES_WITH_REDUCTION[name]
    pred = np.full((2, 3), 0.5, np.float32)
    check_raises(lambda a, b: ours(a, b, reduction="average"), lambda a, b: theirs(a, b, reduction="average"),
                 pred, make_target(), error=ValueError, device=device)


@pytest.mark.parametrize("bad_target", [[0, 3], [-1, 0], [0, -2]], ids=["too_big", "minus_one", "minus_two"])
def test_cross_entropy_target_out_of_range_raises_index_error(device, bad_target):
    logits = np.zeros((2, 3), np.float32)
    check_raises(F.cross_entropy, TF.cross_entropy, logits, np.array(bad_target, np.int64),
                 error=IndexError, device=device)


@pytest.mark.parametrize("bad_p", [1.5, -0.25])
def test_binary_cross_entropy_probability_outside_0_1_raises_value_error(device, bad_p):
    p = np.array([0.5, bad_p], np.float32)
    check_raises(F.binary_cross_entropy, TF.binary_cross_entropy, p, np.array([0.0, 1.0], np.float32),
                 error=ValueError, device=device)


def _names(op, *shapes_):
    """A regex that requires the op's name and every shape, written as a Python tuple."""
    return "".join(f"(?=.*{re.escape(str(s))})" for s in (op,) + shapes_)


SHAPE_MISMATCHES = {  # case: (op name, ours, torch's, input shapes, the shapes the message must name)
    "linear_in_features": ("linear", F.linear, TF.linear, [(2, 3), (4, 5)], [(2, 3), (4, 5)]),
    "linear_bias": ("linear", F.linear, TF.linear, [(2, 3), (4, 3), (5,)], [(4, 3), (5,)]),
    "mse_loss": ("mse_loss", F.mse_loss, TF.mse_loss, [(2, 3), (3, 2)], [(2, 3), (3, 2)]),
    "binary_cross_entropy": ("binary_cross_entropy", F.binary_cross_entropy, TF.binary_cross_entropy,
                             [(2, 3), (3, 2)], [(2, 3), (3, 2)]),
    "binary_cross_entropy_with_logits": ("binary_cross_entropy_with_logits", F.binary_cross_entropy_with_logits,
                                         TF.binary_cross_entropy_with_logits, [(2, 3), (3, 2)], [(2, 3), (3, 2)]),
    "cross_entropy_probabilities": ("cross_entropy", F.cross_entropy, TF.cross_entropy,
                                    [(4, 3), (4, 2)], [(4, 3), (4, 2)]),
}


@pytest.mark.filterwarnings("ignore:Using a target size")  # torch warns before it raises
@pytest.mark.parametrize("case", sorted(SHAPE_MISMATCHES))
def test_shape_mismatch_raises_value_error_naming_op_and_shapes(device, case):
    name, ours, theirs, input_shapes, named_shapes = SHAPE_MISMATCHES[case]
    arrays_ = [np.full(s, 0.5, np.float32) for s in input_shapes]
    check_raises(ours, theirs, *arrays_, error=ValueError, match=_names(name, *named_shapes), device=device)


def test_cross_entropy_class_target_of_wrong_batch_size_raises_value_error(device):
    check_raises(F.cross_entropy, TF.cross_entropy, np.zeros((4, 3), np.float32), np.zeros(5, np.int64),
                 error=ValueError, match=_names("cross_entropy", (4, 3), (5,)), device=device)


def test_layer_norm_shape_mismatch_raises_value_error(device):
    x = np.zeros((2, 3), np.float32)
    check_raises(lambda a: F.layer_norm(a, 4), lambda a: TF.layer_norm(a, [4]), x,
                 error=ValueError, match=_names("layer_norm", (2, 3), (4,)), device=device)
    check_raises(lambda a, w: F.layer_norm(a, 3, weight=w), lambda a, w: TF.layer_norm(a, [3], weight=w),
                 x, np.ones(4, np.float32), error=ValueError, match="layer_norm", device=device)
