"""Convolution and pooling agree with PyTorch, and obey the laws that define them.

Parity: hypothesis draws the geometry (spatial lengths including 1, kernel, stride, padding,
dilation, groups including depthwise, batch of 1, unbatched input) and compares the forward
value and every gradient with torch, in float64 (exact up to summation order) and float32.
Laws, checked without torch: a delta kernel is the identity; convolution is linear in the input
and in the weight; conv_transpose is conv's adjoint (<conv(x), y> = <x, conv_T(y)>); float64
finite differences agree with the backward (tg.gradcheck).
"""
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from helpers import check_op, torch

import tinygrad_lite as tg
import tinygrad_lite.nn.functional as F

TF = torch.nn.functional


@st.composite
def conv_cases(draw, nd=2, transposed=False):
    """(x shape, w shape, keyword arguments) of a valid convolution with nd spatial axes."""
    groups = draw(st.sampled_from([1, 1, 2, 3]))
    cin = groups * draw(st.integers(1, 2))
    cout = groups * draw(st.integers(1, 2))
    kernel = tuple(draw(st.integers(1, 3)) for _ in range(nd))
    stride = tuple(draw(st.integers(1, 3)) for _ in range(nd))
    dilation = tuple(draw(st.integers(1, 2)) for _ in range(nd))
    padding = tuple(draw(st.integers(0, 2)) for _ in range(nd))
    spatial = tuple(draw(st.integers(1, 7)) for _ in range(nd))
    batch = draw(st.sampled_from([None, 1, 2]))  # None: unbatched input
    lead = () if batch is None else (batch,)
    kwargs = dict(stride=stride, padding=padding, dilation=dilation, groups=groups)
    if transposed:
        extra = tuple(draw(st.integers(0, max(s, d) - 1)) for s, d in zip(stride, dilation))
        out = [(n - 1) * s - 2 * p + d * (k - 1) + e + 1
               for n, s, p, d, k, e in zip(spatial, stride, padding, dilation, kernel, extra)]
        assume(all(o > 0 for o in out))
        kwargs["output_padding"] = extra
        return lead + (cin,) + spatial, (cin, cout // groups) + kernel, kwargs
    out = [(n + 2 * p - d * (k - 1) - 1) // s + 1 for n, p, d, k, s in zip(spatial, padding, dilation, kernel, stride)]
    assume(all(o > 0 for o in out))
    return lead + (cin,) + spatial, (cout, cin // groups) + kernel, kwargs


def _arrays(draw, *shapes, dtype=np.float64):
    seed = draw(st.integers(0, 2 ** 16))
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(s).astype(dtype) for s in shapes]


@pytest.mark.parametrize("nd", [1, 2, 3])
@settings(deadline=None)
@given(data=st.data())
def test_conv_matches_torch(nd, data):
    x_shape, w_shape, kw = data.draw(conv_cases(nd))
    with_bias = data.draw(st.booleans())
    x, w, b = _arrays(data.draw, x_shape, w_shape, (w_shape[0],))
    ours, theirs = (F.conv1d, F.conv2d, F.conv3d)[nd - 1], (TF.conv1d, TF.conv2d, TF.conv3d)[nd - 1]
    if with_bias:
        check_op(lambda x, w, b: ours(x, w, b, **kw), lambda x, w, b: theirs(x, w, b, **kw), x, w, b)
    else:
        check_op(lambda x, w: ours(x, w, **kw), lambda x, w: theirs(x, w, **kw), x, w)


@pytest.mark.parametrize("nd", [1, 2, 3])
@settings(deadline=None)
@given(data=st.data())
def test_conv_transpose_matches_torch(nd, data):
    x_shape, w_shape, kw = data.draw(conv_cases(nd, transposed=True))
    x, w, b = _arrays(data.draw, x_shape, w_shape, (w_shape[1] * kw["groups"],))
    ours = (F.conv_transpose1d, F.conv_transpose2d, F.conv_transpose3d)[nd - 1]
    theirs = (TF.conv_transpose1d, TF.conv_transpose2d, TF.conv_transpose3d)[nd - 1]
    check_op(lambda x, w, b: ours(x, w, b, **kw), lambda x, w, b: theirs(x, w, b, **kw), x, w, b)


@pytest.mark.filterwarnings("ignore:Using padding=.same.")
@pytest.mark.parametrize("padding", ["same", "valid"])
def test_string_padding_matches_torch(padding):
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal((2, 3, 7, 6)), rng.standard_normal((4, 3, 4, 3))  # even kernel: asymmetric 'same'
    check_op(lambda x, w: F.conv2d(x, w, padding=padding, dilation=(1, 2)),
             lambda x, w: TF.conv2d(x, w, padding=padding, dilation=(1, 2)), x, w)


def test_float32_and_float16_conv_match_torch():
    rng = np.random.default_rng(1)
    x, w = rng.standard_normal((2, 4, 8, 8)), rng.standard_normal((6, 2, 3, 3))
    check_op(lambda x, w: F.conv2d(x, w, padding=1, groups=2), lambda x, w: TF.conv2d(x, w, padding=1, groups=2),
             x.astype(np.float32), w.astype(np.float32), reduce_size=18)
    ours = F.conv2d(tg.Tensor(x.astype(np.float16)), tg.Tensor(w.astype(np.float16)), padding=1, groups=2)
    exact = TF.conv2d(torch.tensor(x.astype(np.float16)).double(), torch.tensor(w.astype(np.float16)).double(),
                      padding=1, groups=2)
    assert ours.dtype == np.float16  # computed in float32, rounded once: within float16's half-ulp plus a little
    np.testing.assert_allclose(ours.numpy().astype(np.float64), exact.numpy(), rtol=1e-3, atol=1e-3)


def test_delta_kernel_is_the_identity():
    x = np.random.default_rng(2).standard_normal((2, 3, 5, 4))
    delta = np.zeros((3, 1, 3, 3))
    delta[:, 0, 1, 1] = 1.0
    out = F.conv2d(tg.Tensor(x), tg.Tensor(delta), padding=1, groups=3)
    np.testing.assert_array_equal(out.numpy(), x)


def test_conv_is_linear_in_input_and_weight():
    rng = np.random.default_rng(3)
    x1, x2 = rng.standard_normal((2, 2, 6, 5)), rng.standard_normal((2, 2, 6, 5))
    w1, w2 = rng.standard_normal((3, 2, 3, 2)), rng.standard_normal((3, 2, 3, 2))

    def conv(x, w):
        return F.conv2d(tg.Tensor(x), tg.Tensor(w), stride=(2, 1), padding=(1, 0)).numpy()
    np.testing.assert_allclose(conv(2 * x1 - 3 * x2, w1), 2 * conv(x1, w1) - 3 * conv(x2, w1), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(conv(x1, w1 + 0.5 * w2), conv(x1, w1) + 0.5 * conv(x1, w2), rtol=1e-12, atol=1e-12)


@settings(deadline=None)
@given(data=st.data())
def test_conv_transpose_is_the_adjoint_of_conv(data):
    x_shape, w_shape, kw = data.draw(conv_cases(2))
    x, w = _arrays(data.draw, x_shape, w_shape)
    y_conv = F.conv2d(tg.Tensor(x), tg.Tensor(w), **kw)
    (y,) = _arrays(data.draw, y_conv.shape)
    spatial = x.shape[-2:]  # output_padding makes conv_T's output the input's size
    smallest = [(o - 1) * s - 2 * p + d * (k - 1) + 1
                for o, s, p, d, k in zip(y.shape[-2:], kw["stride"], kw["padding"], kw["dilation"], w.shape[2:])]
    extra = tuple(n - m for n, m in zip(spatial, smallest))
    back = F.conv_transpose2d(tg.Tensor(y), tg.Tensor(w), output_padding=extra, **kw)
    lhs, rhs = float((y_conv.numpy() * y).sum()), float((x * back.numpy()).sum())
    assert abs(lhs - rhs) <= 1e-9 * (1 + abs(lhs))


@pytest.mark.parametrize("make", [
    lambda x, w: F.conv2d(x, w, stride=2, padding=1, dilation=(1, 2)),
    lambda x, w: F.conv_transpose2d(x, w.permute(1, 0, 2, 3), stride=(1, 2), output_padding=(0, 1)),
], ids=["conv2d", "conv_transpose2d"])
def test_gradients_match_finite_differences(make):
    rng = np.random.default_rng(4)
    x = tg.Tensor(rng.standard_normal((1, 2, 4, 5)), requires_grad=True)
    w = tg.Tensor(rng.standard_normal((2, 2, 2, 3)), requires_grad=True)
    assert tg.gradcheck(make, x, w)


@st.composite
def pool_cases(draw, nd=2, dilated=True):
    kernel = tuple(draw(st.integers(1, 3)) for _ in range(nd))
    dilation = tuple(draw(st.integers(1, 2)) if dilated else 1 for _ in range(nd))
    padding = tuple(draw(st.integers(0, k // 2)) for k in kernel)  # torch: at most half the kernel
    stride = tuple(draw(st.integers(1, 3)) for _ in range(nd))
    spatial = tuple(draw(st.integers(1, 7)) for _ in range(nd))
    assume(all(n + 2 * p >= d * (k - 1) + 1 for n, p, d, k in zip(spatial, padding, dilation, kernel)))
    lead = draw(st.sampled_from([(3,), (2, 3)]))
    ceil_mode = draw(st.booleans())
    for n, k, s, p, d in zip(spatial, kernel, stride, padding, dilation):
        span = n + 2 * p - d * (k - 1) - 1
        out = (-(-span // s) if ceil_mode else span // s) + 1
        out -= ceil_mode and (out - 1) * s >= n + p
        # a window made of padding alone is undefined in torch (it can corrupt torch's heap): not drawn
        assume(all(any(0 <= o * s - p + j * d < n for j in range(k)) for o in range(out)))
    kw = dict(kernel_size=kernel, stride=stride, padding=padding, ceil_mode=ceil_mode)
    if dilated:
        kw["dilation"] = dilation
    return lead + spatial, kw


@pytest.mark.parametrize("nd", [1, 2, 3])
@settings(deadline=None)
@given(data=st.data())
def test_max_pool_matches_torch_with_indices(nd, data):
    shape, kw = data.draw(pool_cases(nd))
    (x,) = _arrays(data.draw, shape)
    ours, theirs = (F.max_pool1d, F.max_pool2d, F.max_pool3d)[nd - 1], (TF.max_pool1d, TF.max_pool2d, TF.max_pool3d)[nd - 1]
    check_op(lambda x: ours(x, **kw), lambda x: theirs(x, **kw), x)
    _, got = ours(tg.Tensor(x), return_indices=True, **kw)
    _, expected = theirs(torch.tensor(x), return_indices=True, **kw)
    np.testing.assert_array_equal(got.numpy(), expected.numpy())


@pytest.mark.parametrize("nd", [1, 2, 3])
@settings(deadline=None)
@given(data=st.data())
def test_avg_pool_matches_torch(nd, data):
    shape, kw = data.draw(pool_cases(nd, dilated=False))
    # torch's avg_pool3d alone refuses an input shorter than the kernel even when padding covers it
    assume(nd < 3 or all(n >= k for n, k in zip(shape[-3:], kw["kernel_size"])))
    kw["count_include_pad"] = data.draw(st.booleans())
    if nd > 1 and data.draw(st.booleans()):
        kw["divisor_override"] = data.draw(st.integers(1, 5))
    (x,) = _arrays(data.draw, shape)
    ours, theirs = (F.avg_pool1d, F.avg_pool2d, F.avg_pool3d)[nd - 1], (TF.avg_pool1d, TF.avg_pool2d, TF.avg_pool3d)[nd - 1]
    check_op(lambda x: ours(x, **kw), lambda x: theirs(x, **kw), x)


def test_max_pool_propagates_nan_and_pools_integers_as_torch():
    x = np.arange(16.0).reshape(1, 1, 4, 4)
    x[0, 0, 1, 1] = np.nan
    check_op(lambda t: F.max_pool2d(t, 2), lambda t: TF.max_pool2d(t, 2), x, grad=False)
    ints = np.arange(-8, 8, dtype=np.int64).reshape(1, 4, 4)
    got = F.max_pool2d(tg.Tensor(ints), 2, padding=1)
    np.testing.assert_array_equal(got.numpy(), TF.max_pool2d(torch.tensor(ints), 2, padding=1).numpy())


@pytest.mark.parametrize("output_size", [1, (3, 2), (5, 7), (None, 3)])
def test_adaptive_pools_match_torch(output_size):
    x = np.random.default_rng(5).standard_normal((2, 3, 5, 7))
    check_op(lambda t: F.adaptive_avg_pool2d(t, output_size), lambda t: TF.adaptive_avg_pool2d(t, output_size), x)
    check_op(lambda t: F.adaptive_max_pool2d(t, output_size), lambda t: TF.adaptive_max_pool2d(t, output_size), x)
    _, got = F.adaptive_max_pool2d(tg.Tensor(x), output_size, return_indices=True)
    np.testing.assert_array_equal(got.numpy(), TF.adaptive_max_pool2d(torch.tensor(x), output_size, True)[1].numpy())


def test_max_unpool_inverts_the_pool_as_torch():
    x = np.random.default_rng(6).standard_normal((2, 3, 6, 5))
    check_op(lambda t: F.max_unpool2d(*F.max_pool2d(t, 2, return_indices=True), 2, output_size=(6, 5)),
             lambda t: TF.max_unpool2d(*TF.max_pool2d(t, 2, return_indices=True), 2, output_size=(6, 5)), x)


@pytest.mark.parametrize("kw", [dict(kernel_size=2), dict(kernel_size=(2, 3), padding=1, stride=(1, 2), dilation=(2, 1))])
def test_unfold_and_fold_match_torch(kw):
    rng = np.random.default_rng(7)
    x = rng.standard_normal((2, 3, 6, 7))
    cols = check_op(lambda t: F.unfold(t, **kw), lambda t: TF.unfold(t, **kw), x)
    check_op(lambda c: F.fold(c, (6, 7), **kw), lambda c: TF.fold(c, (6, 7), **kw), rng.standard_normal(cols.shape))


def test_pixel_shuffle_lp_pool_match_torch():
    x = np.random.default_rng(8).standard_normal((2, 8, 3, 4))
    check_op(lambda t: F.pixel_shuffle(t, 2), lambda t: TF.pixel_shuffle(t, 2), x)
    check_op(lambda t: F.pixel_unshuffle(t, 1), lambda t: TF.pixel_unshuffle(t, 1), x)
    check_op(lambda t: F.lp_pool2d(t.abs() + 0.1, 3, 2), lambda t: TF.lp_pool2d(t.abs() + 0.1, 3, 2), x)


@pytest.mark.parametrize("call, error", [
    (lambda x, w: F.conv2d(x, w[:, :1]), ValueError),                       # channels do not fit
    (lambda x, w: F.conv2d(x, w, padding="same", stride=2), ValueError),
    (lambda x, w: F.conv2d(x, w, stride=0), ValueError),
    (lambda x, w: F.conv2d(x, w, padding=(1, 2, 3)), ValueError),
    (lambda x, w: F.conv2d(x.astype(tg.int64), w), TypeError),
    (lambda x, w: F.conv2d(x, w.astype(tg.float32)), TypeError),           # dtypes differ
    (lambda x, w: F.conv2d(x[..., :1, :1], w), ValueError),                  # kernel larger than the input
    (lambda x, w: F.max_pool2d(x, 2, padding=2), ValueError),                # padding over half the kernel
    (lambda x, w: F.conv2d(x.numpy(), w), TypeError),
], ids=["channels", "same-strided", "stride0", "padding-length", "int-input", "dtype-mismatch", "too-small",
        "pool-padding", "array"])
def test_bad_arguments_raise_errors_naming_the_function(call, error):
    x = tg.Tensor(np.zeros((1, 4, 5, 5)))
    w = tg.Tensor(np.zeros((2, 4, 3, 3)))
    with pytest.raises(error, match="conv2d|max_pool2d"):
        call(x, w)


def test_layers_match_torch_with_the_same_weights():
    rng = np.random.default_rng(9)
    x = rng.standard_normal((2, 4, 9, 8)).astype(np.float32)
    pairs = [
        (tg.nn.Conv2d(4, 6, 3, stride=2, padding=1, groups=2), torch.nn.Conv2d(4, 6, 3, stride=2, padding=1, groups=2)),
        (tg.nn.Conv2d(4, 6, 3, padding="same", padding_mode="reflect"),
         torch.nn.Conv2d(4, 6, 3, padding="same", padding_mode="reflect")),
        (tg.nn.Conv2d(4, 2, (3, 2), padding=2, padding_mode="circular", bias=False),
         torch.nn.Conv2d(4, 2, (3, 2), padding=2, padding_mode="circular", bias=False)),
        (tg.nn.ConvTranspose2d(4, 6, 4, 2, 1), torch.nn.ConvTranspose2d(4, 6, 4, 2, 1)),
    ]
    for ours, theirs in pairs:
        assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
        for (_, p), (_, q) in zip(ours.named_parameters(), theirs.named_parameters()):
            assert p.shape == tuple(q.shape)
            p.array[...] = q.detach().numpy()
        got, expected = ours(tg.Tensor(x)), theirs(torch.tensor(x))
        np.testing.assert_allclose(got.numpy(), expected.detach().numpy(), rtol=1e-5, atol=1e-5)
    ours, theirs = tg.nn.ConvTranspose2d(3, 2, 3, stride=2), torch.nn.ConvTranspose2d(3, 2, 3, stride=2)
    for size in [(19, 17), (20, 18)]:
        assert ours(tg.Tensor(x[:, :3]), output_size=size).shape == tuple(theirs(torch.tensor(x[:, :3]), size).shape)
    with pytest.raises(ValueError, match="output_size"):
        ours(tg.Tensor(x[:, :3]), output_size=(21, 17))


def test_layer_initialisation_follows_torchs_bounds():
    tg.manual_seed(0)
    conv = tg.nn.Conv2d(6, 8, (3, 5), groups=2)
    bound = 1 / np.sqrt(3 * 3 * 5)  # fan_in = in_channels / groups * kernel elements
    for p in (conv.weight, conv.bias):
        values = p.numpy()
        assert np.abs(values).max() <= bound and np.abs(values).max() > 0.8 * bound
    assert conv.weight.shape == (8, 3, 3, 5) and tg.nn.ConvTranspose1d(6, 8, 3, groups=2).weight.shape == (6, 4, 3)
