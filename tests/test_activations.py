"""The activation functions and modules, and F.one_hot / normalize / cosine_similarity /
pairwise_distance, agree with PyTorch: values, dtypes and gradients.

Values for the parity tests are drawn from [-8, 8] and compared at every point, kinks included:
the engine follows torch's convention of which side of a kink (x = 0, a threshold, +-3) a tie
belongs to, so a drawn 0 must give torch's gradient. The float64 finite-difference checks keep
their values at least 0.05 from each kink (`KINKS`), where the derivative jumps. Extreme inputs
(|x| up to 1e4) must stay finite where torch's are (softplus, logsigmoid, mish never overflow).
"""
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import check_op, to_torch, tolerance, torch
from strategies import arrays, away_from, broadcast_pair, float_dtypes, shapes, views

import tinygrad_lite as tg
import tinygrad_lite.nn as nn
import tinygrad_lite.nn.functional as F
from tinygrad_lite import Tensor

TF = torch.nn.functional


def pair(ours, theirs, kinks=()):
    return ours, theirs, kinks


# name -> (ours(t), torch's(t), the kinks where the derivative jumps)
UNARY = {
    "silu": pair(F.silu, TF.silu),
    "elu": pair(lambda t: F.elu(t, alpha=0.7), lambda t: TF.elu(t, alpha=0.7), (0,)),
    "selu": pair(F.selu, TF.selu, (0,)),
    "celu": pair(lambda t: F.celu(t, alpha=1.3), lambda t: TF.celu(t, alpha=1.3), (0,)),
    "softplus": pair(F.softplus, TF.softplus),
    "softplus_beta_threshold": pair(lambda t: F.softplus(t, beta=2.0, threshold=3.0),
                                    lambda t: TF.softplus(t, beta=2.0, threshold=3.0), (1.5,)),
    "softsign": pair(F.softsign, TF.softsign),
    "mish": pair(F.mish, TF.mish),
    "hardtanh": pair(lambda t: F.hardtanh(t, -0.5, 1.5), lambda t: TF.hardtanh(t, -0.5, 1.5), (-0.5, 1.5)),
    "relu6": pair(F.relu6, TF.relu6, (0, 6)),
    "hardsigmoid": pair(F.hardsigmoid, TF.hardsigmoid, (-3, 3)),
    "hardswish": pair(F.hardswish, TF.hardswish, (-3, 3)),
    "logsigmoid": pair(F.logsigmoid, TF.logsigmoid),
    "tanhshrink": pair(F.tanhshrink, TF.tanhshrink),
    "hardshrink": pair(lambda t: F.hardshrink(t, 0.4), lambda t: TF.hardshrink(t, 0.4), (-0.4, 0.4)),
    "softshrink": pair(lambda t: F.softshrink(t, 0.4), lambda t: TF.softshrink(t, 0.4), (-0.4, 0.4)),
    "threshold": pair(lambda t: F.threshold(t, 0.25, -2.0), lambda t: TF.threshold(t, 0.25, -2.0), (0.25,)),
    "leaky_relu": pair(lambda t: F.leaky_relu(t, 0.2), lambda t: TF.leaky_relu(t, 0.2), (0,)),
    "rrelu_eval": pair(lambda t: F.rrelu(t, 0.1, 0.3), lambda t: TF.rrelu(t, 0.1, 0.3), (0,)),
    "tensor.hardshrink": pair(lambda t: t.hardshrink(0.3), lambda t: t.hardshrink(0.3), (-0.3, 0.3)),
}
# torch computes these as several float16 ops, each rounded: one more rounding than the engine's
COMPOSITE_IN_TORCH = {"softsign", "tanhshrink"}


@pytest.mark.parametrize("name", sorted(UNARY))
@given(data=st.data())
def test_unary_activation_matches_torch(device, name, data):
    ours, theirs, _ = UNARY[name]
    dtype = data.draw(float_dtypes)
    x = data.draw(views(data.draw(shapes()), dtype, low=-8, high=8))
    out = check_op(ours, theirs, x, device=device)
    assert out.dtype == dtype


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_activation_at_kinks_and_special_values(name):
    ours, theirs, kinks = UNARY[name]
    values = [*kinks, 0.0, -0.0, 1e-30, -1e-30, 3.0, -3.0, 6.0, 20.0, -20.0]
    check_op(ours, theirs, np.array(values, np.float64))
    check_op(ours, theirs, np.array(values, np.float32))


@pytest.mark.parametrize("name", sorted(UNARY))
def test_extreme_inputs_stay_finite_and_match_torch(name):
    ours, theirs, _ = UNARY[name]
    for dtype in (np.float32, np.float64):
        x = np.array([-1e4, -1000.0, -100.0, -50.0, -30.0, 30.0, 50.0, 100.0, 1000.0, 1e4], dtype)
        out = check_op(ours, theirs, x)
        assert np.isfinite(out.numpy()).all()


@pytest.mark.parametrize("name", sorted(UNARY))
@given(data=st.data())
def test_wide_range_inputs_match_torch(name, data):
    # magnitudes spread log-uniformly over 1e-3 .. 1e4, both signs: the tails where exp overflows
    ours, theirs, _ = UNARY[name]
    dtype = data.draw(float_dtypes)
    shape = data.draw(shapes(max_dims=2))
    exponents = data.draw(arrays(shape, np.float64, low=-3, high=4))
    signs = data.draw(arrays(shape, np.bool_))
    x = np.asarray(np.where(signs, 1.0, -1.0) * 10.0 ** exponents, dtype=dtype)
    out = check_op(ours, theirs, x)
    assert np.isfinite(out.numpy()).all()


@pytest.mark.parametrize("name", sorted(UNARY))
def test_float16_matches_torch(name):
    ours, theirs, _ = UNARY[name]
    x = np.concatenate([np.linspace(-8, 8, 41), [-1e4, 1e4, -300.0, 300.0]]).astype(np.float16)
    loose = 4e-3 if name in COMPOSITE_IN_TORCH else None
    out = check_op(ours, theirs, x, rtol=loose, atol=loose)
    assert out.dtype == np.float16


@pytest.mark.parametrize("name", sorted(UNARY))
@given(data=st.data())
def test_unary_gradcheck_float64(name, data):
    ours, _, kinks = UNARY[name]
    x = data.draw(away_from(kinks, data.draw(shapes(max_dims=2)), np.float64, low=-5, high=5, margin=0.05))
    assert tg.gradcheck(ours, Tensor(x, requires_grad=True))


@pytest.mark.parametrize("name", sorted(UNARY))
def test_size_zero_input_matches_torch(name):
    ours, theirs, _ = UNARY[name]
    check_op(ours, theirs, np.zeros((0, 3)))
    check_op(ours, theirs, np.zeros((2, 0, 4), np.float32))


def test_size_zero_inputs_of_the_other_functions_match_torch():
    empty = np.zeros((2, 0, 4))
    check_op(lambda t: F.glu(t, -1), lambda t: TF.glu(t, -1), empty)
    check_op(lambda t: F.softmin(t, 1), lambda t: TF.softmin(t, 1), empty)
    check_op(lambda t: F.normalize(t, dim=1), lambda t: TF.normalize(t, dim=1), empty)
    check_op(lambda a, b: F.cosine_similarity(a, b, dim=2), lambda a, b: TF.cosine_similarity(a, b, dim=2), empty, empty)
    check_op(F.pairwise_distance, TF.pairwise_distance, empty, empty)
    check_op(F.prelu, TF.prelu, np.zeros((0, 3)), np.array([0.2, 0.3, 0.4]))


@pytest.mark.parametrize("name", sorted(UNARY))
def test_infinities_give_torchs_values_and_gradients_quietly(name):
    ours, theirs, _ = UNARY[name]
    x = np.array([np.inf, -np.inf, np.nan, 0.0, 1.0])
    t_ours, t_theirs = Tensor(x, requires_grad=True), to_torch(x, True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # torch warns of nothing here; no numpy warning may escape
        y = ours(t_ours)
        y.backward(tg.ones(5, dtype=tg.float64))
    y_theirs = theirs(t_theirs)
    y_theirs.backward(torch.ones(5, dtype=torch.float64))
    np.testing.assert_allclose(y.numpy(), y_theirs.detach().numpy(), equal_nan=True, rtol=1e-12)
    grad, grad_theirs = t_ours.grad.numpy(), t_theirs.grad.numpy()
    if name == "softsign":  # torch's composite formula gives NaN at +-inf; the derivative's limit there is 0
        np.testing.assert_array_equal(grad[:2], [0.0, 0.0])
        grad, grad_theirs = grad[2:], grad_theirs[2:]
    np.testing.assert_allclose(grad, grad_theirs, equal_nan=True, rtol=1e-12)


def test_nan_propagates_as_in_torch():
    x = np.array([np.nan, -1.0, 2.0])
    for name, (ours, theirs, _) in UNARY.items():
        np.testing.assert_array_equal(np.isnan(ours(Tensor(x)).numpy()), np.isnan(theirs(to_torch(x)).numpy()),
                                      err_msg=name)


# ---------------------------------------------------------------- dtypes and bad input

@pytest.mark.parametrize("name", ["hardtanh", "relu6", "threshold"])
def test_integer_input_keeps_its_dtype_as_torch(name):
    ours, theirs, _ = UNARY[name]
    x = np.array([-7, -1, 0, 1, 3, 9], np.int64)
    out = ours(Tensor(x))
    assert out.dtype == np.int64
    np.testing.assert_array_equal(out.numpy(), theirs(to_torch(x)).numpy())


@pytest.mark.parametrize("name", ["softsign", "tanhshrink"])
def test_integer_input_becomes_the_default_float(name):
    ours, theirs, _ = UNARY[name]
    check_op(ours, theirs, np.array([-7, -1, 0, 1, 3, 9], np.int64))


@pytest.mark.parametrize("fn", [F.silu, F.elu, F.selu, F.celu, F.softplus, F.mish, F.hardsigmoid, F.hardswish,
                                F.logsigmoid, F.hardshrink, F.softshrink, F.rrelu, F.glu],
                         ids=lambda f: f.__name__)
def test_integer_input_is_refused_naming_the_function(fn):
    with pytest.raises(TypeError, match=fn.__name__):
        fn(Tensor(np.array([1, 2], np.int64)))


@pytest.mark.parametrize("call", [
    lambda v: F.silu(v), lambda v: F.softsign(v), lambda v: F.hardtanh(v), lambda v: F.threshold(v, 0.0, 1.0),
    lambda v: F.prelu(v, Tensor([0.25])), lambda v: F.hardshrink(v), lambda v: F.glu(v),
    lambda v: nn.ELU()(v), lambda v: nn.Flatten()(v), lambda v: nn.Softmax(0)(v),
], ids=["silu", "softsign", "hardtanh", "threshold", "prelu", "hardshrink", "glu", "ELU", "Flatten", "Softmax"])
def test_a_non_tensor_input_is_a_type_error(call):
    with pytest.raises(TypeError, match="must be a Tensor"):
        call([1.0, 2.0])


@pytest.mark.parametrize("call, error, match", [
    (lambda x: F.hardtanh(x, 2.0, 1.0), ValueError, "hardtanh.*min_val"),
    (lambda x: F.rrelu(x, 0.5, 0.1), ValueError, "rrelu.*lower"),
    (lambda x: F.softshrink(x, -1.0), ValueError, "softshrink.*lambd"),
    (lambda x: F.celu(x, alpha=0.0), ValueError, "celu.*alpha"),
    (lambda x: F.elu(x, alpha="big"), TypeError, "elu.*alpha"),
    (lambda x: F.softplus(x, beta=float("nan")), ValueError, "softplus.*beta"),
    (lambda x: F.silu(x, inplace="yes"), TypeError, "silu.*inplace"),
    (lambda x: F.glu(x[:, :3]), ValueError, r"glu.*\(2, 3\)"),
    (lambda x: F.glu(x, dim=2), IndexError, "glu"),
    (lambda x: F.glu(x[0, 0]), ValueError, "glu"),
    (lambda x: F.prelu(x, Tensor(np.ones(3, np.float32))), ValueError, "prelu.*channel"),
    (lambda x: F.prelu(x, Tensor(np.ones((1, 4), np.float32))), ValueError, "prelu.*1-d"),
    (lambda x: F.prelu(x, Tensor(np.ones(4))), TypeError, "prelu.*dtype"),
    (lambda x: F.prelu(x, np.ones(4, np.float32)), TypeError, "prelu.*weight"),
    (lambda x: F.prelu(x[0], Tensor(np.ones(4, np.float32))), ValueError, "prelu"),
    (lambda x: F.softmin(x, dim=3), IndexError, "softmin"),
], ids=["hardtanh", "rrelu", "softshrink", "celu", "elu", "softplus", "inplace", "glu odd", "glu dim", "glu 0-d",
        "prelu channels", "prelu 2-d weight", "prelu dtype", "prelu array", "prelu 1-d input", "softmin"])
def test_bad_arguments_raise_clean_errors(call, error, match):
    with pytest.raises(error, match=match):
        call(Tensor(np.ones((2, 4), np.float32)))


# ---------------------------------------------------------------- glu, prelu, rrelu, softmin

@given(data=st.data())
def test_glu_matches_torch_along_any_dim(device, data):
    dtype = data.draw(float_dtypes)
    shape = list(data.draw(shapes(min_dims=1, max_dims=3)))
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    shape[dim] *= 2
    x = data.draw(views(tuple(shape), dtype, low=-6, high=6))
    keyword = data.draw(st.sampled_from(["dim", "axis"]))
    check_op(lambda t: F.glu(t, **{keyword: dim}), lambda t: TF.glu(t, dim=dim), x, device=device)
    assert tg.gradcheck(lambda t: F.glu(t, dim), Tensor(x.astype(np.float64), requires_grad=True))


@given(data=st.data())
def test_prelu_matches_torch_with_one_or_per_channel_weights(device, data):
    dtype = data.draw(float_dtypes)
    shape = data.draw(shapes(min_dims=0, max_dims=4))
    channels = shape[1] if len(shape) > 1 else 1
    n = data.draw(st.sampled_from([1, channels]))
    x = data.draw(views(shape, dtype, low=-4, high=4))
    w = data.draw(views((n,), dtype, low=-1, high=1))
    check_op(F.prelu, TF.prelu, x, w, device=device)
    check_op(lambda a, b: a.prelu(b), lambda a, b: a.prelu(b), x, w, device=device)


def test_prelu_gradcheck_and_float16():
    x = np.array([[-2.0, 0.5, -0.3], [1.5, -1.2, 2.0]])
    w = np.array([0.25, -0.5, 1.5])
    assert tg.gradcheck(F.prelu, Tensor(x, requires_grad=True), Tensor(w, requires_grad=True))
    check_op(F.prelu, TF.prelu, x.astype(np.float16), w.astype(np.float16))
    check_op(F.prelu, TF.prelu, x, np.array([0.1]))  # one weight shared by every channel
    check_op(F.prelu, TF.prelu, np.array(-1.5), np.array(0.3))  # a 0-d input and weight


def test_prelu_module_learns_its_slopes():
    tg.manual_seed(0)
    layer = nn.PReLU(3, init=0.1)
    assert layer.weight.shape == (3,) and np.allclose(layer.weight.numpy(), 0.1)
    x = np.array([[-1.0, 2.0, -3.0], [-0.5, -1.0, 4.0]], np.float32)
    theirs = torch.nn.PReLU(3, init=0.1)
    out = layer(Tensor(x))
    out.sum().backward()
    theirs(to_torch(x)).sum().backward()
    np.testing.assert_allclose(layer.weight.grad.numpy(), theirs.weight.grad.numpy(), rtol=1e-6)
    assert [name for name, _ in layer.named_parameters()] == ["weight"]
    assert repr(layer) == "PReLU(num_parameters=3)" and layer.init == 0.1


def test_rrelu_training_draws_slopes_in_range_and_differentiates_through_them():
    tg.manual_seed(1)
    x = Tensor(np.linspace(-3, 3, 61), requires_grad=True)
    out = F.rrelu(x, 0.1, 0.4, training=True)
    out.sum().backward()
    xs, ys, grads = x.numpy(), out.numpy(), x.grad.numpy()
    negative = xs < 0
    slopes = ys[negative] / xs[negative]
    assert np.all((slopes >= 0.1) & (slopes <= 0.4)) and len(np.unique(slopes.round(12))) > 10
    np.testing.assert_allclose(grads[negative], slopes, rtol=1e-12)  # the gradient is the drawn slope
    np.testing.assert_array_equal(grads[xs > 0], 1.0)
    np.testing.assert_array_equal(ys[xs > 0], xs[xs > 0])
    layer = nn.RReLU(0.1, 0.4)
    layer.eval()
    check_op(layer, lambda t: TF.rrelu(t, 0.1, 0.4, training=False), np.linspace(-3, 3, 13))


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_softmin_matches_torch(dim):
    x = np.random.default_rng(0).standard_normal((3, 4)) * 5
    check_op(lambda t: F.softmin(t, dim=dim), lambda t: TF.softmin(t, dim=dim), x)
    check_op(lambda t: F.softmin(t, axis=dim), lambda t: TF.softmin(t, dim=dim), x.astype(np.float32))
    check_op(lambda t: nn.Softmin(dim)(t), lambda t: torch.nn.Softmin(dim)(t), x)


def test_softmin_without_dim_warns_and_picks_torchs_axis():
    x = np.random.default_rng(1).standard_normal((3, 4))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        check_op(lambda t: F.softmin(t), lambda t: TF.softmin(t, dim=1), x)
    assert any("softmin" in str(w.message) for w in caught)


# ---------------------------------------------------------------- modules

MODULES = [  # (ours, torch's): each module computes its functional form
    (nn.SiLU(), torch.nn.SiLU()), (nn.ELU(0.5), torch.nn.ELU(0.5)), (nn.SELU(), torch.nn.SELU()),
    (nn.CELU(2.0), torch.nn.CELU(2.0)), (nn.Softplus(2.0, 5.0), torch.nn.Softplus(2.0, 5.0)),
    (nn.Softsign(), torch.nn.Softsign()), (nn.Mish(), torch.nn.Mish()),
    (nn.Hardtanh(-2.0, 2.0), torch.nn.Hardtanh(-2.0, 2.0)), (nn.ReLU6(), torch.nn.ReLU6()),
    (nn.Hardsigmoid(), torch.nn.Hardsigmoid()), (nn.Hardswish(), torch.nn.Hardswish()),
    (nn.LogSigmoid(), torch.nn.LogSigmoid()), (nn.GLU(), torch.nn.GLU()), (nn.GLU(0), torch.nn.GLU(0)),
    (nn.Softmin(1), torch.nn.Softmin(1)), (nn.Softmax(0), torch.nn.Softmax(0)),
    (nn.LogSoftmax(1), torch.nn.LogSoftmax(1)), (nn.Threshold(0.1, 20.0), torch.nn.Threshold(0.1, 20.0)),
    (nn.Tanhshrink(), torch.nn.Tanhshrink()), (nn.Hardshrink(1.0), torch.nn.Hardshrink(1.0)),
    (nn.Softshrink(1.0), torch.nn.Softshrink(1.0)), (nn.LeakyReLU(0.3), torch.nn.LeakyReLU(0.3)),
    (nn.ReLU(), torch.nn.ReLU()), (nn.Identity(54, unused="x"), torch.nn.Identity(54, unused="x")),
    (nn.Flatten(), torch.nn.Flatten()), (nn.Flatten(0, 1), torch.nn.Flatten(0, 1)),
    (nn.Unflatten(1, (2, 3)), torch.nn.Unflatten(1, (2, 3))), (nn.Softmax2d(), torch.nn.Softmax2d()),
    (nn.Unflatten(axis=-2, unflattened_size=(3, -1)), torch.nn.Unflatten(-2, (3, -1))),
]


@pytest.mark.parametrize("ours, theirs", MODULES, ids=[type(m).__name__ for m, _ in MODULES])
def test_module_matches_torch_and_prints_as_torch(ours, theirs):
    x = np.random.default_rng(2).standard_normal((4, 6, 2)) * 3
    check_op(ours, theirs, x)
    assert repr(ours) == repr(theirs)


@pytest.mark.parametrize("cls", [nn.ReLU, nn.SiLU, nn.ELU, nn.SELU, nn.CELU, nn.Mish, nn.Hardtanh, nn.ReLU6,
                                 nn.Hardsigmoid, nn.Hardswish, nn.RReLU, nn.LeakyReLU],
                         ids=lambda c: c.__name__)
def test_inplace_modules_overwrite_their_input_with_torchs_values_and_gradients(cls):
    x = np.linspace(-4, 4, 9)
    twin = getattr(torch.nn, cls.__name__)
    ours, theirs = cls(inplace=True).eval(), twin(inplace=True).eval()  # eval: RReLU's fixed slope
    x_ours, x_theirs = Tensor(x, requires_grad=True), to_torch(x, True)
    h_ours, h_theirs = x_ours * 1.5, x_theirs * 1.5  # a non-leaf, as in-place ops need
    y_ours, y_theirs = ours(h_ours), theirs(h_theirs)
    assert y_ours is h_ours  # the input itself, overwritten
    np.testing.assert_allclose(h_ours.numpy(), h_theirs.detach().numpy(), rtol=1e-12)
    (y_ours * y_ours).sum().backward()
    (y_theirs * y_theirs).sum().backward()
    np.testing.assert_allclose(x_ours.grad.numpy(), x_theirs.grad.numpy(), rtol=1e-12)


INPLACE_FUNCTIONS = {  # torch's F.<name>_: (our call, torch's call)
    "relu_": (F.relu_, TF.relu_), "elu_": (lambda t: F.elu_(t, 0.5), lambda t: TF.elu_(t, 0.5)),
    "selu_": (F.selu_, TF.selu_), "celu_": (lambda t: F.celu_(t, 2.0), lambda t: TF.celu_(t, 2.0)),
    "hardtanh_": (lambda t: F.hardtanh_(t, -1.5, 2.0), lambda t: TF.hardtanh_(t, -1.5, 2.0)),
    "rrelu_": (lambda t: F.rrelu_(t, 0.1, 0.2), lambda t: TF.rrelu_(t, 0.1, 0.2)),
    "threshold_": (lambda t: F.threshold_(t, 0.5, -3.0), lambda t: TF.threshold_(t, 0.5, -3.0)),
    "leaky_relu_": (lambda t: F.leaky_relu_(t, 0.3), lambda t: TF.leaky_relu_(t, 0.3)),
}


@pytest.mark.parametrize("name", sorted(INPLACE_FUNCTIONS))
def test_inplace_functions_match_torch_and_refuse_a_leaf_that_requires_grad(name):
    ours, theirs = INPLACE_FUNCTIONS[name]
    x = np.linspace(-4, 4, 9) + 0.05
    x_ours, x_theirs = Tensor(x, requires_grad=True), to_torch(x, True)
    h_ours, h_theirs = x_ours.exp(), x_theirs.exp() - 10.0
    h_ours = h_ours - 10.0
    assert ours(h_ours) is h_ours
    theirs(h_theirs)
    np.testing.assert_allclose(h_ours.numpy(), h_theirs.detach().numpy(), rtol=1e-12)
    (h_ours * 3.0).sum().backward()
    (h_theirs * 3.0).sum().backward()
    np.testing.assert_allclose(x_ours.grad.numpy(), x_theirs.grad.numpy(), rtol=1e-12)
    with pytest.raises(RuntimeError, match="leaf"):
        ours(Tensor(x, requires_grad=True))
    plain = Tensor(x.copy())
    ours(plain)  # no graph: the values are simply overwritten
    np.testing.assert_allclose(plain.numpy(), theirs(to_torch(x)).numpy(), rtol=1e-12)


def test_an_op_that_saved_the_overwritten_values_refuses_its_backward():
    x = Tensor(np.linspace(-2, 2, 5), requires_grad=True)
    h = x * 1.0
    y = h * h  # saves h for its backward
    F.elu(h, inplace=True)
    with pytest.raises(RuntimeError, match="in place"):
        y.sum().backward()


@pytest.mark.parametrize("cls, kwargs, match", [
    (nn.ELU, {"alpha": "x"}, "ELU"), (nn.CELU, {"alpha": 0}, "CELU"), (nn.Hardtanh, {"min_val": 3.0}, "Hardtanh"),
    (nn.RReLU, {"lower": 0.9}, "RReLU"), (nn.Softshrink, {"lambd": -1.0}, "Softshrink"),
    (nn.PReLU, {"num_parameters": 0}, "PReLU"), (nn.PReLU, {"dtype": tg.int64}, "PReLU"),
    (nn.Softmax, {"dim": 1.5}, "Softmax"), (nn.Softmax, {"dim": 1, "axis": 1}, "Softmax"),
    (nn.Flatten, {"start_dim": "x"}, "Flatten"), (nn.Unflatten, {"dim": 1, "unflattened_size": 3}, "Unflatten"),
    (nn.CosineSimilarity, {"eps": "x"}, "CosineSimilarity"), (nn.ReLU, {"inplace": 1}, "ReLU"),
], ids=lambda v: v.__name__ if isinstance(v, type) else None)
def test_module_settings_are_checked_when_made(cls, kwargs, match):
    with pytest.raises((TypeError, ValueError), match=match):
        cls(**kwargs)


def test_module_forward_refuses_a_dim_out_of_range_naming_the_module():
    with pytest.raises(IndexError, match=r"Softmax.*\(2, 3\)"):
        nn.Softmax(dim=2)(tg.ones(2, 3))
    with pytest.raises(IndexError, match=r"GLU.*\(2, 4\)"):
        nn.GLU(dim=-3)(tg.ones(2, 4))


# ---------------------------------------------------------------- one_hot

def test_one_hot_matches_torch():
    t = np.array([[0, 3], [2, 1], [3, 3]], np.int64)
    for kwargs in ({}, {"num_classes": 6}):
        ours = F.one_hot(Tensor(t), **kwargs)
        theirs = TF.one_hot(to_torch(t), **kwargs)
        assert ours.dtype == np.int64 and ours.shape == tuple(theirs.shape)
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    assert F.one_hot(Tensor(np.zeros(0, np.int64)), 3).shape == (0, 3)
    np.testing.assert_array_equal(F.one_hot(tg.tensor(2), 3).numpy(), [0, 0, 1])


@pytest.mark.parametrize("values, kwargs, error", [
    ([1, 2], {"num_classes": 2}, IndexError), ([-1, 2], {}, IndexError), ([], {}, ValueError),
    ([1, 2], {"num_classes": -3}, ValueError), ([1, 2], {"num_classes": 2.5}, TypeError),
], ids=["too large", "negative", "empty without num_classes", "num_classes < -1", "float num_classes"])
def test_one_hot_refuses_what_torch_refuses(values, kwargs, error):
    t = np.array(values, np.int64)
    with pytest.raises(Exception):
        TF.one_hot(to_torch(t), **kwargs)
    with pytest.raises(error, match="one_hot"):
        F.one_hot(Tensor(t), **kwargs)


@pytest.mark.parametrize("dtype", [np.int32, np.float32, np.bool_])
def test_one_hot_takes_only_int64_as_torch(dtype):
    with pytest.raises(TypeError, match="one_hot"):
        F.one_hot(Tensor(np.array([1, 0], dtype)))


# ---------------------------------------------------------------- normalize, cosine_similarity, pairwise_distance

P_VALUES = [2.0, 1.0, 3.0, 0.5, float("inf"), 0.0]


@pytest.mark.parametrize("p", P_VALUES)
@given(data=st.data())
def test_normalize_matches_torch(p, data):
    dtype = data.draw(float_dtypes)
    shape = data.draw(shapes(min_dims=1, max_dims=3))
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    x = data.draw(views(shape, dtype, low=-3, high=3))
    if p in (0.5, float("inf")):  # kinks where |x| ties or x = 0: torch's gradient there is one choice of many
        x = data.draw(views(shape, dtype, low=0.1, high=3)) * np.where(np.arange(x.size) % 2, -1, 1).reshape(shape)
        x = x + np.arange(x.size).reshape(shape).astype(dtype) * 0.01
    x = np.where(np.abs(x) < 1e-3, 0, x).astype(dtype)  # |x|^p underflows: both engines' gradients are noise
    keyword = data.draw(st.sampled_from(["dim", "axis"]))
    check_op(lambda t: F.normalize(t, p=p, **{keyword: dim}), lambda t: TF.normalize(t, p=p, dim=dim), x,
             reduce_size=shape[dim])


def test_normalize_of_zero_rows_and_its_gradient_match_torch():
    x = np.array([[0.0, 0.0, 0.0], [1e-14, 0.0, -2e-14], [3.0, -4.0, 0.0]])
    for p in (1.0, 2.0, 3.0):
        check_op(lambda t: F.normalize(t, p=p), lambda t: TF.normalize(t, p=p), x)
    check_op(F.normalize, TF.normalize, x[2:].astype(np.float16))  # (eps = 1e-12 is 0 in float16)
    assert tg.gradcheck(lambda t: F.normalize(t, dim=0), Tensor(x[2:] + 0.5, requires_grad=True))


@given(data=st.data())
def test_cosine_similarity_matches_torch_on_broadcast_shapes(device, data):
    dtype = data.draw(float_dtypes)
    s1, s2 = data.draw(broadcast_pair(min_dims=1, max_dims=3))
    ndim = max(len(s1), len(s2))
    dim = data.draw(st.integers(-ndim, ndim - 1))
    a = data.draw(views(s1, dtype))
    b = data.draw(views(s2, dtype))
    keyword = data.draw(st.sampled_from(["dim", "axis"]))
    # the gradient is a difference of terms of size 1/||x||, which cancel where x is short:
    # its rounding error scales with 1/||x||, so the absolute tolerance does too
    shape = np.broadcast_shapes(s1, s2)
    norms = [np.sqrt((np.broadcast_to(v, shape).astype(np.float64) ** 2).sum(axis=dim)) for v in (a, b)]
    shortest = min(float(n.min()) for n in norms) if np.prod(shape) else 1.0
    rtol, atol = tolerance(dtype, 5)
    check_op(lambda u, v: F.cosine_similarity(u, v, **{keyword: dim}),
             lambda u, v: TF.cosine_similarity(u, v, dim=dim), a, b, device=device,
             rtol=rtol, atol=atol / max(min(shortest, 1.0), 1e-3))


def test_cosine_similarity_of_zero_and_tiny_vectors_follows_torchs_gradient():
    # eps clamps the norms' values only: the gradient is that of the unclamped norm (0 at a zero vector)
    a = np.array([[0.0, 0.0, 0.0], [1e-10, -2e-10, 0.0], [1.0, 2.0, 3.0]])
    b = np.array([[1.0, -1.0, 2.0], [3.0, 1.0, -1.0], [1e-12, 0.0, 0.0]])
    check_op(F.cosine_similarity, TF.cosine_similarity, a, b)
    check_op(lambda u, v: nn.CosineSimilarity(dim=0)(u, v), lambda u, v: torch.nn.CosineSimilarity(0)(u, v), a, b)
    assert tg.gradcheck(lambda u, v: F.cosine_similarity(u, v, dim=0), Tensor(a[2:] + 0.3, requires_grad=True),
                        Tensor(b[:1], requires_grad=True))


def test_cosine_similarity_dtypes_follow_torch():
    a, b = np.array([[1, 2, 3]], np.int64), np.array([[1.0, 0.5, -1.0]], np.float16)
    check_op(F.cosine_similarity, TF.cosine_similarity, a, b, rtol=2e-3, atol=2e-3)
    check_op(F.cosine_similarity, TF.cosine_similarity, b, b.astype(np.float64))
    check_op(lambda u, v: F.cosine_similarity(u, v, dim=0), lambda u, v: TF.cosine_similarity(u, v, dim=0),
             np.array(2.0), np.array(-3.0))
    with pytest.raises(TypeError, match="cosine_similarity"):
        F.cosine_similarity(Tensor(a), Tensor(a))
    with pytest.raises(ValueError, match="cosine_similarity"):
        F.cosine_similarity(tg.ones(2, 3), tg.ones(4))


@pytest.mark.parametrize("p", [2.0, 1.0, 3.0, 0.5, -1.0, float("inf"), 0.0])
@given(data=st.data())
def test_pairwise_distance_matches_torch(p, data):
    dtype = data.draw(float_dtypes)
    s1, s2 = data.draw(broadcast_pair(min_dims=1, max_dims=3))
    a = data.draw(views(s1, dtype))
    b = data.draw(views(s2, dtype))
    if p == float("inf"):  # no ties among |x1 - x2|, where the max's gradient is one choice of many
        a = a + np.arange(a.size).reshape(a.shape).astype(dtype) * 0.37
    keepdim = data.draw(st.booleans())
    check_op(lambda u, v: F.pairwise_distance(u, v, p=p, keepdim=keepdim),
             lambda u, v: TF.pairwise_distance(u, v, p=p, keepdim=keepdim), a, b, reduce_size=5)


def test_pairwise_distance_edges_and_module():
    a = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    check_op(F.pairwise_distance, TF.pairwise_distance, a, a)  # x1 = x2: eps keeps the gradient finite
    check_op(F.pairwise_distance, TF.pairwise_distance, np.array(1.5), np.array(-2.0))
    check_op(lambda u, v: nn.PairwiseDistance(1.0, 1e-3, True)(u, v),
             lambda u, v: torch.nn.PairwiseDistance(1.0, 1e-3, True)(u, v), a, a[::-1])
    assert repr(nn.PairwiseDistance()) == repr(torch.nn.PairwiseDistance()) and nn.PairwiseDistance(3).norm == 3.0
    ints = np.array([[1, 2, 3]], np.int64)
    check_op(F.pairwise_distance, TF.pairwise_distance, ints, ints * 2)
    assert tg.gradcheck(lambda u, v: F.pairwise_distance(u, v, p=3.0), Tensor(a, requires_grad=True),
                        Tensor(a[::-1] * 0.7, requires_grad=True))
    with pytest.raises(ValueError, match="pairwise_distance"):
        F.pairwise_distance(tg.ones(2, 3), tg.ones(2, 4))


TOP_LEVEL = {  # torch's top-level names: (our call, torch's call, the inputs)
    "selu": (lambda t: tg.selu(t), lambda t: torch.selu(t)),
    "celu": (lambda t: tg.celu(t, 0.5), lambda t: torch.celu(t, 0.5)),
    "rrelu": (lambda t: tg.rrelu(t, 0.2, 0.4), lambda t: torch.rrelu(t, 0.2, 0.4)),
    "threshold": (lambda t: tg.threshold(t, 0.1, 2.0), lambda t: torch.threshold(t, 0.1, 2.0)),
    "hardshrink": (lambda t: tg.hardshrink(t, 0.7), lambda t: torch.hardshrink(t, 0.7)),
    "prelu": (lambda t: tg.prelu(t, tg.tensor([0.3], dtype=t.dtype)),
              lambda t: torch.prelu(t, torch.tensor([0.3], dtype=t.dtype))),
    "cosine_similarity": (lambda t: tg.cosine_similarity(t, t * t, dim=0),
                          lambda t: torch.cosine_similarity(t, t * t, dim=0)),
    "pairwise_distance": (lambda t: tg.pairwise_distance(t, t * t), lambda t: torch.pairwise_distance(t, t * t)),
}


@pytest.mark.parametrize("name", sorted(TOP_LEVEL))
def test_torchs_top_level_names_match_torch(name):
    ours, theirs = TOP_LEVEL[name]
    check_op(ours, theirs, np.linspace(-3, 3, 12).reshape(3, 4) + 0.05)
    assert name in tg.__all__


@pytest.mark.parametrize("name", ["selu_", "celu_", "rrelu_", "threshold_"])
def test_torchs_top_level_in_place_names_overwrite_their_input(name):
    args = (0.1, 2.0) if name == "threshold_" else ()
    x = np.linspace(-3, 3, 7)
    ours, theirs = Tensor(x), to_torch(x)
    assert getattr(tg, name)(ours, *args) is ours
    getattr(torch, name)(theirs, *args)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12)


@pytest.mark.parametrize("p", [2.0, 1.0, 3.0, 0.5, float("inf"), 0.0])
@given(data=st.data())
def test_pdist_matches_torch(p, data):
    dtype = data.draw(float_dtypes)
    shape = data.draw(shapes(min_dims=2, max_dims=2))
    x = data.draw(views(shape, dtype))
    check_op(lambda t: F.pdist(t, p), lambda t: TF.pdist(t, p), x, reduce_size=shape[1])


def test_pdist_edges():
    x = np.array([[1.0, 2.0, 3.0], [1.0, 2.0, 3.0], [0.0, 1.0, 5.0]])
    check_op(F.pdist, TF.pdist, x)  # two equal rows: distance 0, gradient 0 there
    check_op(lambda t: F.pdist(t, float("inf")), lambda t: TF.pdist(t, float("inf")),
             np.array([[1.0, -1.0, 0.5], [0.0, 0.0, 0.0]]))  # a tie for the max: torch's pdist gradient
    assert tg.gradcheck(lambda t: F.pdist(t, 3.0), Tensor(x[[0, 2]] * 1.1, requires_grad=True))
    assert F.pdist(Tensor(x[:1])).shape == (0,) and F.pdist(Tensor(np.ones((3, 0)))).tolist() == [0.0, 0.0, 0.0]
    for bad, error in [(x[0], ValueError), (x.astype(np.int64), TypeError)]:
        with pytest.raises(error, match="pdist"):
            F.pdist(Tensor(bad))
    with pytest.raises(ValueError, match="pdist"):
        F.pdist(Tensor(x), -1.0)


def test_softmax2d_needs_a_channel_axis():
    with pytest.raises(ValueError, match=r"Softmax2d.*\(2, 3\)"):
        nn.Softmax2d()(tg.ones(2, 3))
    assert repr(nn.CosineSimilarity()) == repr(torch.nn.CosineSimilarity())


def test_gumbel_softmax_hard_samples_follow_the_softmax_of_the_logits():
    # the Gumbel-max trick: argmax(logits + g) is class i with probability softmax(logits)_i
    tg.manual_seed(3)
    logits = np.log(np.array([0.5, 0.3, 0.15, 0.05]))
    n = 20000
    samples = F.gumbel_softmax(Tensor(np.tile(logits, (n, 1))), tau=0.3, hard=True).numpy()
    assert set(np.unique(samples)) <= {0.0, 1.0} and np.all(samples.sum(axis=1) == 1)
    np.testing.assert_allclose(samples.mean(axis=0), [0.5, 0.3, 0.15, 0.05], atol=0.015)  # 4 sigma at n = 20000


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_gumbel_softmax_soft_sums_to_one_and_hard_passes_the_soft_gradient(dim):
    x = np.random.default_rng(4).standard_normal((3, 4, 5))
    upstream = Tensor(np.random.default_rng(5).standard_normal((3, 4, 5)))
    results = {}
    for hard in (False, True):
        tg.manual_seed(7)  # the same noise for both
        t = Tensor(x, requires_grad=True)
        y = F.gumbel_softmax(t, tau=0.7, hard=hard, axis=dim)
        (y * upstream).sum().backward()
        results[hard] = y.numpy(), t.grad.numpy()
    soft, hard = results[False][0], results[True][0]
    np.testing.assert_allclose(soft.sum(axis=dim), 1.0, rtol=1e-12)
    expected = (soft == soft.max(axis=dim, keepdims=True)).astype(np.float64)
    np.testing.assert_allclose(hard, expected, atol=1e-15)
    np.testing.assert_allclose(results[True][1], results[False][1], rtol=1e-12, atol=1e-15)


def test_gumbel_softmax_checks_its_arguments():
    x = tg.randn(2, 3)
    for kwargs, error in [({"tau": 0.0}, ValueError), ({"tau": "x"}, TypeError), ({"hard": 1}, TypeError),
                          ({"dim": 2}, IndexError), ({"dim": 1, "axis": 1}, TypeError)]:
        with pytest.raises(error, match="gumbel_softmax"):
            F.gumbel_softmax(x, **kwargs)
    with pytest.raises(TypeError, match="gumbel_softmax"):
        F.gumbel_softmax(Tensor(np.array([1, 2])))
    assert F.gumbel_softmax(Tensor(np.ones(3, np.float16)), hard=True).dtype == np.float16

