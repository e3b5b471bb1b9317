"""F.pad and F.interpolate agree with PyTorch, values and gradients, on every mode.

pad: constant (with a value, and negative amounts that crop), reflect, replicate and circular on
hypothesis-drawn shapes and amounts. interpolate: every mode on sizes and scale factors that
shrink and grow, with and without align_corners, in float64 and float32; integer images through
nearest. The layers (Upsample, the padding layers) call these functions: one parity check each.
"""
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from helpers import check_op, torch

import tinygrad_lite as tg
import tinygrad_lite.nn.functional as F

TF = torch.nn.functional


@settings(deadline=None)
@given(data=st.data(), mode=st.sampled_from(["constant", "reflect", "replicate", "circular"]))
def test_pad_matches_torch(data, mode):
    axes = data.draw(st.integers(1, 3))
    spatial = tuple(data.draw(st.integers(1, 5)) for _ in range(axes))
    shape = (2, 3) + spatial
    low = -1 if mode == "constant" else 0
    amounts = []
    for n in reversed(spatial):
        high = n - 1 if mode == "reflect" else n
        amounts += [data.draw(st.integers(low, high)), data.draw(st.integers(low, high))]
    assume(all(n + amounts[2 * i] + amounts[2 * i + 1] >= 0 for i, n in enumerate(reversed(spatial))))
    x = np.random.default_rng(data.draw(st.integers(0, 99))).standard_normal(shape)
    kw = {"value": 1.5} if mode == "constant" else {}
    check_op(lambda t: F.pad(t, tuple(amounts), mode=mode, **kw), lambda t: TF.pad(t, tuple(amounts), mode=mode, **kw), x)


def test_constant_pad_works_on_any_axis_and_dtype():
    x = np.arange(24).reshape(2, 3, 4)
    got = F.pad(tg.Tensor(x), (1, 0, 0, 2, 1, 1), value=7)
    np.testing.assert_array_equal(got.numpy(), TF.pad(torch.tensor(x), (1, 0, 0, 2, 1, 1), value=7).numpy())


@pytest.mark.parametrize("call", [
    lambda x: F.pad(x, (1,)), lambda x: F.pad(x, (3, 0), mode="reflect"), lambda x: F.pad(x, (1, 1), mode="wrap"),
    lambda x: F.pad(x, (1.5, 1)), lambda x: F.pad(x, (-3, -1)),
], ids=["odd-length", "reflect-too-far", "unknown-mode", "float-amount", "crops-everything"])
def test_bad_padding_raises_naming_pad(call):
    with pytest.raises((ValueError, TypeError), match="pad"):
        call(tg.Tensor(np.zeros((1, 2, 3))))


MODES = [("nearest", None), ("nearest-exact", None), ("bilinear", False), ("bilinear", True), ("bicubic", False),
         ("bicubic", True), ("area", None)]
RESIZES = [dict(size=(9, 4)), dict(size=(3, 11)), dict(scale_factor=2.0), dict(scale_factor=(1.7, 0.6)),
           dict(scale_factor=0.5, recompute_scale_factor=True)]


@pytest.mark.parametrize("mode, corners", MODES)
@pytest.mark.parametrize("resize", RESIZES, ids=repr)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_interpolate_matches_torch(mode, corners, resize, dtype):
    x = np.random.default_rng(0).standard_normal((2, 3, 5, 7)).astype(dtype)
    kw = dict(resize, mode=mode) if corners is None else dict(resize, mode=mode, align_corners=corners)
    check_op(lambda t: F.interpolate(t, **kw), lambda t: TF.interpolate(t, **kw), x, reduce_size=16)


@pytest.mark.parametrize("mode, shape", [("linear", (2, 3, 6)), ("nearest", (2, 3, 6)), ("trilinear", (1, 2, 3, 4, 5)),
                                         ("nearest", (1, 2, 3, 4, 5)), ("area", (1, 2, 6, 4, 5))])
def test_interpolate_1d_and_3d_match_torch(mode, shape):
    x = np.random.default_rng(1).standard_normal(shape)
    check_op(lambda t: F.interpolate(t, scale_factor=1.5, mode=mode), lambda t: TF.interpolate(t, scale_factor=1.5, mode=mode), x)


def test_nearest_resizes_integer_images_exactly():
    x = np.random.default_rng(2).integers(0, 255, (1, 3, 4, 5)).astype(np.uint8)
    got = F.interpolate(tg.Tensor(x), scale_factor=2.5)
    assert got.dtype == np.uint8
    np.testing.assert_array_equal(got.numpy(), TF.interpolate(torch.tensor(x), scale_factor=2.5).numpy())


@pytest.mark.parametrize("call, error", [
    (lambda x: F.interpolate(x), ValueError),                                   # neither size nor scale
    (lambda x: F.interpolate(x, size=3, scale_factor=2), ValueError),           # both
    (lambda x: F.interpolate(x, size=3, mode="linear"), ValueError),            # linear needs 3-d input
    (lambda x: F.interpolate(x, size=3, align_corners=True), ValueError),      # nearest has no corners
    (lambda x: F.interpolate(x, size=3, mode="cubic"), ValueError),
    (lambda x: F.interpolate(x[0, 0], size=3), ValueError),
], ids=["none", "both", "linear-4d", "corners-nearest", "mode", "2d-input"])
def test_bad_interpolate_arguments_raise(call, error):
    with pytest.raises(error, match="interpolate"):
        call(tg.Tensor(np.zeros((1, 2, 3, 4))))


def test_layers_call_the_functions_as_torch():
    x = np.random.default_rng(3).standard_normal((2, 3, 5, 4)).astype(np.float32)
    pairs = [(tg.nn.Upsample(scale_factor=2, mode="bilinear"), torch.nn.Upsample(scale_factor=2, mode="bilinear")),
             (tg.nn.UpsamplingBilinear2d(size=(7, 3)), torch.nn.UpsamplingBilinear2d(size=(7, 3))),
             (tg.nn.ReflectionPad2d((1, 2, 3, 0)), torch.nn.ReflectionPad2d((1, 2, 3, 0))),
             (tg.nn.ReplicationPad2d(2), torch.nn.ReplicationPad2d(2)), (tg.nn.CircularPad2d(1), torch.nn.CircularPad2d(1)),
             (tg.nn.ConstantPad3d(1, -2.0), torch.nn.ConstantPad3d(1, -2.0)), (tg.nn.ZeroPad2d((0, 1, 1, 0)), torch.nn.ZeroPad2d((0, 1, 1, 0))),
             (tg.nn.MaxPool2d(2, ceil_mode=True), torch.nn.MaxPool2d(2, ceil_mode=True)),
             (tg.nn.AvgPool2d(3, 1, 1, count_include_pad=False), torch.nn.AvgPool2d(3, 1, 1, count_include_pad=False)),
             (tg.nn.AdaptiveAvgPool2d((2, 1)), torch.nn.AdaptiveAvgPool2d((2, 1))),
             (tg.nn.PixelUnshuffle(1), torch.nn.PixelUnshuffle(1))]
    for ours, theirs in pairs:
        got, expected = ours(tg.Tensor(x)), theirs(torch.tensor(x))
        np.testing.assert_allclose(got.numpy(), expected.numpy(), rtol=1e-6, atol=1e-6, err_msg=type(ours).__name__)
