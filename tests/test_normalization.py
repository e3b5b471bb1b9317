"""The normalization layers and functions agree with PyTorch: batch_norm, instance_norm, group_norm,
rms_norm, local_response_norm and nn.BatchNorm1d/2d/3d, InstanceNorm1d/2d/3d, GroupNorm, RMSNorm,
LocalResponseNorm.

Values: forward and gradients on hypothesis shapes (batch of one in evaluation, size-1 spatial
axes, float32/float64), values drawn from a seeded normal so that no channel is constant (a
constant channel has variance 0, where 1 / sqrt(eps) amplifies rounding). State: the running
statistics after several training steps equal torch's, buffer for buffer, with momentum and
with momentum=None (the cumulative average); state_dict keys are torch's and a torch
state_dict loads. Gradients also against float64 finite differences. Invariant: in training
the batch-norm output before the affine has mean 0 and variance 1 per channel.
"""
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import assert_close, check_op, to_torch, tolerance, torch

import tinygrad_lite as tg
import tinygrad_lite.nn as nn
import tinygrad_lite.nn.functional as F

TF = torch.nn.functional
float_dtypes = st.sampled_from([np.float32, np.float64])


def normal(shape, dtype, seed, scale=1.0, shift=0.0):
    return (np.random.default_rng(seed).standard_normal(shape) * scale + shift).astype(dtype)


@st.composite
def batch_shapes(draw, min_spatial=0, max_spatial=3):
    """(N, C, *spatial): N 1..4, C 1..3, spatial axes of 1..3 (size-1 axes included)."""
    n = draw(st.integers(1, 4))
    c = draw(st.integers(1, 3))
    spatial = draw(st.lists(st.integers(1, 3), min_size=min_spatial, max_size=max_spatial))
    return (n, c, *spatial)


def per_channel_count(shape):
    return shape[0] * math.prod(shape[2:])


def atol_for(x, axes, eps, reduce_size):
    """The dtype's atol (loosened by sqrt(K)) times 1 / sqrt(var + eps) of the least spread group:
    the gradient's terms n g - sum g - x_hat sum(g x_hat) cancel, and 1 / sigma amplifies what
    rounding is left (in torch's float32 as in ours)."""
    variance = x.astype(np.float64).var(axis=axes).min() if x.size else 1.0
    return tolerance(x.dtype, reduce_size)[1] / math.sqrt(variance + eps)


# ---- F.batch_norm ---------------------------------------------------------------------------

@given(batch_shapes(), float_dtypes, st.integers(0, 2 ** 16), st.booleans())
def test_batch_norm_training_matches_torch(shape, dtype, seed, affine):
    if per_channel_count(shape) == 1:
        shape = (2,) + shape[1:]
    c = shape[1]
    x = normal(shape, dtype, seed, scale=2.0, shift=0.5)
    mean0, var0 = normal((c,), dtype, seed + 1), np.abs(normal((c,), dtype, seed + 2)) + 0.5
    ours_stats = [tg.Tensor(mean0.copy()), tg.Tensor(var0.copy())]
    theirs_stats = [to_torch(mean0), to_torch(var0)]
    params = [normal((c,), dtype, seed + 3), normal((c,), dtype, seed + 4)] if affine else []
    check_op(lambda x, *p: F.batch_norm(x, *ours_stats, *p, training=True, momentum=0.3),
             lambda x, *p: TF.batch_norm(x, *theirs_stats, *p, training=True, momentum=0.3),
             x, *params, reduce_size=per_channel_count(shape),
             atol=atol_for(x, (0, *range(2, x.ndim)), 1e-5, per_channel_count(shape)))
    for ours, theirs in zip(ours_stats, theirs_stats):
        rtol, atol = tolerance(dtype, per_channel_count(shape))
        assert_close(ours.numpy(), theirs.numpy(), rtol, atol, "running statistics")


@given(batch_shapes(), float_dtypes, st.integers(0, 2 ** 16))
def test_batch_norm_eval_matches_torch_batch_of_one_included(shape, dtype, seed):
    shape = (1,) + shape[1:] if seed % 2 else shape  # a batch of one is legal in evaluation
    c = shape[1]
    x = normal(shape, dtype, seed)
    mean, var = normal((c,), dtype, seed + 1), np.abs(normal((c,), dtype, seed + 2)) + 0.1
    w, b = normal((c,), dtype, seed + 3), normal((c,), dtype, seed + 4)
    check_op(lambda x, w, b: F.batch_norm(x, tg.Tensor(mean), tg.Tensor(var), w, b, False, 0.1, 1e-3),
             lambda x, w, b: TF.batch_norm(x, to_torch(mean), to_torch(var), w, b, False, 0.1, 1e-3), x, w, b)


def test_batch_norm_without_running_statistics_on_a_permuted_view():
    base = normal((6, 4, 3), np.float64, 0)
    x = tg.Tensor(base, requires_grad=True)
    out = F.batch_norm(x.permute(2, 1, 0), None, None, training=True)  # a non-contiguous (3, 4, 6) view
    xt = torch.from_numpy(base).requires_grad_(True)
    expected = TF.batch_norm(xt.permute(2, 1, 0), None, None, training=True)
    assert_close(out.detach().numpy(), expected.detach().numpy(), 1e-10, 1e-10, "forward")
    upstream = normal((3, 4, 6), np.float64, 1)
    out.backward(tg.Tensor(upstream))
    expected.backward(torch.from_numpy(upstream))
    assert_close(x.grad.numpy(), xt.grad.numpy(), 1e-10, 1e-10, "gradient")


@given(batch_shapes(min_spatial=1), st.integers(0, 2 ** 16))
def test_batch_norm_output_has_zero_mean_unit_variance_per_channel(shape, seed):
    if per_channel_count(shape) == 1:
        shape = (2,) + shape[1:]
    x = normal(shape, np.float64, seed, scale=3.0, shift=-2.0)
    y = F.batch_norm(tg.Tensor(x), None, None, training=True, eps=0.0).numpy()
    axes = (0,) + tuple(range(2, len(shape)))
    np.testing.assert_allclose(y.mean(axes), 0.0, atol=1e-12)
    np.testing.assert_allclose(y.var(axes), 1.0, rtol=1e-10)


def test_batch_norm_gradcheck():
    x = tg.Tensor(normal((3, 2, 4), np.float64, 1), requires_grad=True)
    w = tg.Tensor(normal((2,), np.float64, 2), requires_grad=True)
    b = tg.Tensor(normal((2,), np.float64, 3), requires_grad=True)
    assert tg.gradcheck(lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True), x, w, b)
    assert tg.gradcheck(lambda x: F.batch_norm(x, None, None, training=True) ** 2, x)


def test_batch_norm_float16_computes_in_float32():
    x = normal((4, 3, 5), np.float16, 0, scale=4.0)
    ours = F.batch_norm(tg.Tensor(x), None, None, training=True)
    assert ours.dtype == np.float16
    expected = TF.batch_norm(torch.from_numpy(x.astype(np.float32)), None, None, training=True).half()
    assert_close(ours.numpy(), expected.numpy(), 1e-3, 1e-3, "float16")


@pytest.mark.parametrize("call, match", [
    (lambda x: F.batch_norm(x, tg.zeros(4), tg.ones(4)), "batch_norm: running_mean of shape"),
    (lambda x: F.batch_norm(x, None, None, tg.ones(2), training=True), "batch_norm: weight"),
    (lambda x: F.batch_norm(x, None, None), "batch_norm: running_mean and running_var"),
    (lambda x: F.batch_norm(x[:1, :, :1], None, None, training=True),
     "batch_norm: Expected more than 1 value per channel when training"),
    (lambda x: F.group_norm(x, 2), "group_norm: num_groups"),
    (lambda x: F.instance_norm(x[:, :, :1]), "instance_norm: Expected more than 1 spatial element"),
    (lambda x: F.rms_norm(x, (4,)), "rms_norm: input"),
    (lambda x: F.local_response_norm(x[0], 2), "local_response_norm: expected 3D"),
    (lambda x: nn.BatchNorm2d(3)(x), "BatchNorm2d.forward: expected 4D input"),
    (lambda x: nn.BatchNorm1d(4)(x), "BatchNorm1d.forward: expected input's size at dim 1"),
    (lambda x: nn.InstanceNorm1d(4, affine=True)(x), "InstanceNorm1d.forward: expected input's size at dim 1"),
    (lambda x: nn.InstanceNorm1d(4, affine=True)(x[0]), "InstanceNorm1d.forward: expected input's size at dim 0"),
    (lambda x: nn.GroupNorm(2, 3), "GroupNorm: num_channels"),
])
def test_clean_errors_name_the_function(call, match):
    with pytest.raises(ValueError, match=match):
        call(tg.Tensor(normal((2, 3, 5), np.float32, 0)))


def test_training_with_one_value_per_channel_raises_as_torch():
    x = normal((1, 3), np.float32, 0)
    with pytest.raises(ValueError, match="Expected more than 1 value per channel when training"):
        torch.nn.BatchNorm1d(3)(torch.from_numpy(x))
    with pytest.raises(ValueError, match="Expected more than 1 value per channel when training"):
        nn.BatchNorm1d(3)(tg.Tensor(x))
    out = nn.BatchNorm1d(3).eval()(tg.Tensor(x))  # evaluation uses the running statistics: fine
    assert_close(out.numpy(), torch.nn.BatchNorm1d(3).eval()(torch.from_numpy(x)).detach().numpy(), 1e-5, 1e-6, "eval")


def test_batch_norm_refuses_integer_input_and_non_tensors():
    with pytest.raises(TypeError, match="batch_norm"):
        F.batch_norm(tg.Tensor(np.ones((2, 3), np.int64)), None, None, training=True)
    with pytest.raises(TypeError, match="batch_norm"):
        F.batch_norm(tg.Tensor(np.ones((2, 3), np.float32)), np.zeros(3), np.ones(3))


# ---- the BatchNorm modules: running statistics, state_dict -----------------------------------

MODULES = [("BatchNorm1d", (4, 3)), ("BatchNorm1d", (4, 3, 5)), ("BatchNorm2d", (2, 3, 4, 1)),
           ("BatchNorm3d", (2, 3, 2, 1, 3))]


@pytest.mark.parametrize("name, shape", MODULES)
@pytest.mark.parametrize("momentum", [0.1, None, 0.7])
@pytest.mark.parametrize("affine", [True, False])
def test_running_statistics_trajectory_equals_torch(name, shape, momentum, affine):
    ours = getattr(nn, name)(3, momentum=momentum, affine=affine).double()
    theirs = getattr(torch.nn, name)(3, momentum=momentum, affine=affine).double()
    for step in range(4):
        x = normal(shape, np.float64, step, scale=step + 1.0, shift=step)
        out = ours(tg.Tensor(x))
        expected = theirs(torch.from_numpy(x))
        assert_close(out.numpy(), expected.detach().numpy(), 1e-10, 1e-10, f"step {step} output")
        for key, value in theirs.state_dict().items():
            assert_close(ours.state_dict()[key].numpy(), value.numpy(), 1e-10, 1e-10, f"step {step} {key}")
    ours.eval()
    theirs.eval()
    x = normal((1,) + shape[1:], np.float64, 9)
    assert_close(ours(tg.Tensor(x)).numpy(), theirs(torch.from_numpy(x)).detach().numpy(), 1e-10, 1e-10, "eval")


def test_without_tracking_evaluation_uses_batch_statistics():
    ours, theirs = nn.BatchNorm2d(3, track_running_stats=False).eval(), torch.nn.BatchNorm2d(
        3, track_running_stats=False).eval()
    assert list(ours.state_dict()) == list(theirs.state_dict()) == ["weight", "bias"]
    x = normal((2, 3, 2, 2), np.float32, 0)
    assert_close(ours(tg.Tensor(x)).numpy(), theirs(torch.from_numpy(x)).detach().numpy(), 1e-5, 1e-5, "eval")


def test_state_dict_has_torchs_keys_dtypes_and_a_torch_state_dict_loads():
    theirs = torch.nn.BatchNorm2d(3)
    theirs.train()
    for step in range(3):  # running statistics and counter that are not the defaults
        theirs(torch.from_numpy(normal((2, 3, 2, 2), np.float32, step, scale=2.0, shift=1.0)))
    with torch.no_grad():
        theirs.weight.mul_(1.5)
        theirs.bias.add_(0.25)
    ours = nn.BatchNorm2d(3)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert ours.num_batches_tracked.dtype == np.int64
    assert [p for p, _ in ours.named_parameters()] == ["weight", "bias"]  # buffers are never parameters
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    assert int(ours.num_batches_tracked.item()) == 3
    x = normal((2, 3, 2, 2), np.float32, 7)
    for mode in (False, True):
        ours.train(mode)
        theirs.train(mode)
        assert_close(ours(tg.Tensor(x)).numpy(), theirs(torch.from_numpy(x)).detach().numpy(), 1e-5, 1e-5, str(mode))
        for key, value in theirs.state_dict().items():
            assert_close(ours.state_dict()[key].numpy(), value.numpy(), 1e-6, 1e-6, key)


def test_buffers_move_with_the_model_and_reset():
    model = nn.BatchNorm1d(3).double()
    assert model.running_mean.dtype == model.running_var.dtype == np.float64
    assert model.num_batches_tracked.dtype == np.int64
    model(tg.Tensor(normal((4, 3), np.float64, 0, shift=2.0)))
    assert model.running_mean.numpy().any() and int(model.num_batches_tracked.item()) == 1
    model.reset_running_stats()
    np.testing.assert_array_equal(model.running_mean.numpy(), 0.0)
    np.testing.assert_array_equal(model.running_var.numpy(), 1.0)
    assert int(model.num_batches_tracked.item()) == 0


# ---- instance norm -----------------------------------------------------------------------------

@given(batch_shapes(min_spatial=1), float_dtypes, st.integers(0, 2 ** 16), st.booleans())
def test_instance_norm_matches_torch(shape, dtype, seed, affine):
    if math.prod(shape[2:]) == 1:
        shape = shape[:2] + (2,) + shape[3:]
    c = shape[1]
    x = normal(shape, dtype, seed, scale=2.0)
    params = [normal((c,), dtype, seed + 3), normal((c,), dtype, seed + 4)] if affine else []
    mean0, var0 = np.zeros(c, dtype), np.ones(c, dtype)
    ours_stats, theirs_stats = [tg.Tensor(mean0.copy()), tg.Tensor(var0.copy())], [to_torch(mean0), to_torch(var0)]
    check_op(lambda x, *p: F.instance_norm(x, *ours_stats, *p, momentum=0.2),
             lambda x, *p: TF.instance_norm(x, *theirs_stats, *p, momentum=0.2),
             x, *params, reduce_size=math.prod(shape[2:]),
             atol=atol_for(x, tuple(range(2, x.ndim)), 1e-5, math.prod(shape[2:])))
    for ours, theirs in zip(ours_stats, theirs_stats):
        assert_close(ours.numpy(), theirs.numpy(), *tolerance(dtype, math.prod(shape)), "running statistics")


@pytest.mark.parametrize("name, shape", [("InstanceNorm1d", (2, 3, 5)), ("InstanceNorm1d", (3, 5)),
                                         ("InstanceNorm2d", (2, 3, 2, 3)), ("InstanceNorm3d", (3, 2, 2, 2))])
@pytest.mark.parametrize("track", [False, True])
def test_instance_norm_modules_match_torch(name, shape, track):
    ours = getattr(nn, name)(3, affine=True, track_running_stats=track).double()
    theirs = getattr(torch.nn, name)(3, affine=True, track_running_stats=track).double()
    assert list(ours.state_dict()) == list(theirs.state_dict())
    for step in range(3):
        x = normal(shape, np.float64, step, scale=step + 1.0, shift=step)
        assert_close(ours(tg.Tensor(x)).numpy(), theirs(torch.from_numpy(x)).detach().numpy(), 1e-10, 1e-10, "train")
        for key, value in theirs.state_dict().items():
            assert_close(ours.state_dict()[key].numpy(), value.numpy(), 1e-10, 1e-10, key)
    ours.eval()
    theirs.eval()
    x = normal(shape, np.float64, 5)
    assert_close(ours(tg.Tensor(x)).numpy(), theirs(torch.from_numpy(x)).detach().numpy(), 1e-10, 1e-10, "eval")


# ---- group norm, rms norm, local response norm ---------------------------------------------

@given(batch_shapes(), float_dtypes, st.integers(0, 2 ** 16), st.booleans())
def test_group_norm_matches_torch(shape, dtype, seed, affine):
    c = shape[1] * 2  # 2..6 channels, so that a proper divisor exists
    shape = (shape[0], c) + shape[2:]
    # groups of at least 2 elements (a group of one normalizes to 0, where torch's gradient is rounding noise)
    divisors = [g for g in range(1, c + 1) if c % g == 0 and c // g * math.prod(shape[2:]) > 1]
    groups = divisors[seed % len(divisors)]
    x = normal(shape, dtype, seed, scale=2.0)
    params = [normal((c,), dtype, seed + 3), normal((c,), dtype, seed + 4)] if affine else []
    check_op(lambda x, *p: F.group_norm(x, groups, *p, eps=1e-3), lambda x, *p: TF.group_norm(x, groups, *p, eps=1e-3),
             x, *params, reduce_size=math.prod(shape[1:]),
             atol=atol_for(x.reshape(shape[0], groups, -1), 2, 1e-3, math.prod(shape[1:])))


@given(st.lists(st.integers(1, 4), min_size=1, max_size=4), st.integers(1, 3), float_dtypes,
       st.integers(0, 2 ** 16), st.booleans(), st.sampled_from([None, 1e-3]))
def test_rms_norm_matches_torch(shape, trailing, dtype, seed, affine, eps):
    trailing = min(trailing, len(shape))
    norm_shape = tuple(shape[len(shape) - trailing:])
    x = normal(tuple(shape), dtype, seed)
    params = [normal(norm_shape, dtype, seed + 1)] if affine else []
    check_op(lambda x, *w: F.rms_norm(x, norm_shape, *w, eps=eps),
             lambda x, *w: TF.rms_norm(x, norm_shape, *w, eps=eps),
             x, *params, reduce_size=math.prod(norm_shape))


@given(batch_shapes(min_spatial=1), float_dtypes, st.integers(0, 2 ** 16), st.integers(1, 5))
def test_local_response_norm_matches_torch(shape, dtype, seed, size):
    x = normal(shape, dtype, seed)
    check_op(lambda x: F.local_response_norm(x, size, alpha=0.5, beta=0.75, k=1.5),
             lambda x: TF.local_response_norm(x, size, alpha=0.5, beta=0.75, k=1.5), x, reduce_size=size)


def test_group_norm_of_one_element_groups_is_zero_with_zero_gradient():
    x = tg.Tensor(normal((2, 3), np.float64, 0), requires_grad=True)
    out = F.group_norm(x, 3)
    (out * tg.Tensor(normal((2, 3), np.float64, 1))).sum().backward()
    np.testing.assert_array_equal(out.numpy(), 0.0)
    np.testing.assert_array_equal(x.grad.numpy(), 0.0)
    assert_close(out.numpy(), TF.group_norm(torch.from_numpy(x.numpy()), 3).numpy(), 0, 0, "forward")
    with pytest.raises(ValueError, match="group_norm: Expected more than 1 value per channel"):
        F.group_norm(tg.Tensor(normal((1, 3), np.float64, 0)), 3)


def test_gradcheck_group_instance_rms_and_local_response_norm():
    x = tg.Tensor(normal((2, 4, 3), np.float64, 0), requires_grad=True)
    w = tg.Tensor(normal((4,), np.float64, 1), requires_grad=True)
    b = tg.Tensor(normal((4,), np.float64, 2), requires_grad=True)
    assert tg.gradcheck(lambda x, w, b: F.group_norm(x, 2, w, b), x, w, b)
    assert tg.gradcheck(lambda x, w, b: F.instance_norm(x, weight=w, bias=b), x, w, b)
    assert tg.gradcheck(lambda x, w: F.rms_norm(x, (3,), w[:3]), x, w)
    assert tg.gradcheck(lambda x: F.local_response_norm(x, 3, alpha=0.5, k=1.0), x)


@pytest.mark.parametrize("ours, theirs", [
    (lambda: nn.GroupNorm(2, 4), lambda: torch.nn.GroupNorm(2, 4)),
    (lambda: nn.GroupNorm(1, 4, affine=False), lambda: torch.nn.GroupNorm(1, 4, affine=False)),
    (lambda: nn.RMSNorm((3,)), lambda: torch.nn.RMSNorm((3,))),
    (lambda: nn.RMSNorm(3, eps=1e-2, elementwise_affine=False),
     lambda: torch.nn.RMSNorm(3, eps=1e-2, elementwise_affine=False)),
    (lambda: nn.LocalResponseNorm(3), lambda: torch.nn.LocalResponseNorm(3)),
])
def test_group_rms_and_local_response_modules_match_torch(ours, theirs):
    ours, theirs = ours(), theirs()
    assert list(ours.state_dict()) == list(theirs.state_dict())
    state = {k: v.numpy() * 1.5 + 0.25 for k, v in theirs.state_dict().items()}
    theirs.load_state_dict({k: torch.from_numpy(v) for k, v in state.items()})
    ours.load_state_dict(state)
    x = normal((2, 4, 3), np.float32, 0)
    assert_close(ours(tg.Tensor(x)).numpy(), theirs(torch.from_numpy(x)).detach().numpy(), 1e-5, 1e-6, "output")


def test_float16_inputs_compute_in_float32():
    x = normal((2, 4, 3), np.float16, 0, scale=3.0)
    x32 = torch.from_numpy(x.astype(np.float32))
    for ours, theirs in [(lambda t: F.group_norm(t, 2), lambda t: TF.group_norm(t, 2)),
                         (lambda t: F.instance_norm(t), lambda t: TF.instance_norm(t)),
                         (lambda t: F.rms_norm(t, (3,)), lambda t: TF.rms_norm(t, (3,)))]:
        out = ours(tg.Tensor(x))
        assert out.dtype == np.float16
        assert_close(out.numpy(), theirs(x32).half().numpy(), 1e-3, 1e-3, "float16")


@pytest.mark.parametrize("ours, theirs, shape", [
    (lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True),
     lambda x, w, b: TF.batch_norm(x, None, None, w, b, training=True), (0, 3, 2)),
    (lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True),
     lambda x, w, b: TF.batch_norm(x, None, None, w, b, training=True), (2, 3, 0)),
    (lambda x, w, b: F.group_norm(x, 3, w, b), lambda x, w, b: TF.group_norm(x, 3, w, b), (0, 3, 2)),
])
def test_inputs_without_elements_give_empty_outputs_and_zero_parameter_gradients(ours, theirs, shape):
    check_op(ours, theirs, np.zeros(shape, np.float32), normal((3,), np.float32, 0), normal((3,), np.float32, 1))


def test_an_empty_batch_leaves_the_running_statistics_as_torch():
    ours, theirs = nn.BatchNorm1d(3), torch.nn.BatchNorm1d(3)
    ours(tg.Tensor(np.zeros((0, 3), np.float32)))
    theirs(torch.zeros(0, 3))
    for key, value in theirs.state_dict().items():
        assert_close(ours.state_dict()[key].numpy(), value.numpy(), 0, 0, key)
    assert F.rms_norm(tg.Tensor(np.zeros((2, 0), np.float32)), (0,)).shape == (2, 0)
    with pytest.raises(ValueError, match="rms_norm: normalized_shape"):
        F.rms_norm(tg.Tensor(np.ones((2, 3), np.float32)), ())
