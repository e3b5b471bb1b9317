"""The loss functions (F.*), their nn.*Loss modules, the dropout variants and
scaled_dot_product_attention's dropout_p / enable_gqa, against torch.

Losses: value, dtype and the gradient of every float input match torch (check_op) on hypothesis
shapes for every reduction, with class weights, ignore_index, (N, C, d...) inputs and label
smoothing; float64 finite differences (tg.gradcheck) confirm each backward; float16 computes in
float32; bad arguments raise errors naming the function. Dropout variants are checked by their
structure (whole channels, exactly) and their statistics (fixed seeds, bounds of several standard
deviations).
"""
import warnings

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from helpers import check_op, to_torch, torch
from strategies import arrays, float_dtypes, shapes, views

import tinygrad_lite as tg
import tinygrad_lite.nn as nn
import tinygrad_lite.nn.functional as F
from tinygrad_lite import Tensor
from tinygrad_lite.backend import available_devices

TF = torch.nn.functional
TNN = torch.nn
REDUCTIONS = ["mean", "sum", "none"]


def _quiet(fn):
    """fn with warnings silenced (kl_div's 'mean' warns in both engines)."""
    def call(*args, **kwargs):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn(*args, **kwargs)
    return call


def _classes(data, shape, n_classes, ignore=False):
    values = st.integers(0, n_classes - 1) | (st.just(-100) if ignore else st.integers(0, n_classes - 1))
    flat = data.draw(st.lists(values, min_size=int(np.prod(shape)), max_size=int(np.prod(shape))), label="target")
    return np.array(flat, np.int64).reshape(shape)


# ---- classification -------------------------------------------------------------------------

@given(data=st.data(), dtype=float_dtypes, reduction=st.sampled_from(REDUCTIONS), weighted=st.booleans(),
       spatial=st.integers(0, 2), ignore=st.booleans())
def test_nll_loss_matches_torch(device, data, dtype, reduction, weighted, spatial, ignore):
    n, c = data.draw(st.integers(1, 4), label="N"), data.draw(st.integers(1, 5), label="C")
    rest = data.draw(shapes(spatial, spatial, 1, 3), label="d")
    x = data.draw(views((n, c) + rest, dtype), label="input")
    t = _classes(data, (n,) + rest, c, ignore)
    w = data.draw(arrays((c,), dtype, 0.1, 2.0), label="weight") if weighted else None
    check_op(lambda x, t: F.nll_loss(x, t, None if w is None else Tensor(w, device=device), reduction=reduction),
             lambda x, t: TF.nll_loss(x, t, None if w is None else to_torch(w), reduction=reduction),
             x, t, reduce_size=x.size, device=device)


def test_nll_loss_of_one_unbatched_row_and_of_only_ignored_targets_match_torch():
    x = np.log(np.array([0.2, 0.5, 0.3], np.float32))
    check_op(lambda a, t: F.nll_loss(a, t), lambda a, t: TF.nll_loss(a, t), x, np.array(1))
    rows = np.zeros((2, 3), np.float32)
    ours = F.nll_loss(Tensor(rows), Tensor(np.array([-100, -100])))
    assert np.isnan(ours.item()) and np.isnan(TF.nll_loss(to_torch(rows), torch.tensor([-100, -100])).item())


def test_a_mean_over_only_ignored_targets_is_nan_with_zero_gradients_and_no_numpy_warning():
    x = np.random.default_rng(14).standard_normal((2, 4))
    w = np.array([0.5, 1.0, 2.0, 1.0])
    for smoothing in (0.0, 0.2):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            check_op(lambda x, t: F.cross_entropy(x, t, Tensor(w), label_smoothing=smoothing),
                     lambda x, t: TF.cross_entropy(x, t, to_torch(w), label_smoothing=smoothing),
                     x, np.array([-100, -100]))


@given(data=st.data(), dtype=float_dtypes, reduction=st.sampled_from(REDUCTIONS), spatial=st.integers(0, 2),
       smoothing=st.sampled_from([0.0, 0.25]), ignore=st.booleans())
def test_cross_entropy_with_class_weights_matches_torch(device, data, dtype, reduction, spatial, smoothing, ignore):
    n, c = data.draw(st.integers(1, 4), label="N"), data.draw(st.integers(1, 5), label="C")
    rest = data.draw(shapes(spatial, spatial, 1, 3), label="d")
    x = data.draw(views((n, c) + rest, dtype), label="input")
    t = _classes(data, (n,) + rest, c, ignore)
    w = data.draw(arrays((c,), dtype, 0.1, 2.0), label="weight")
    check_op(lambda x, t: F.cross_entropy(x, t, Tensor(w, device=device), reduction=reduction,
                                          label_smoothing=smoothing),
             lambda x, t: TF.cross_entropy(x, t, to_torch(w), reduction=reduction, label_smoothing=smoothing),
             x, t, reduce_size=x.size, device=device)


@given(data=st.data(), dtype=float_dtypes, reduction=st.sampled_from(REDUCTIONS), spatial=st.integers(0, 1),
       smoothing=st.sampled_from([0.0, 0.3]))
def test_cross_entropy_of_probabilities_with_class_weights_matches_torch(device, data, dtype, reduction, spatial,
                                                                         smoothing):
    n, c = data.draw(st.integers(1, 4), label="N"), data.draw(st.integers(1, 5), label="C")
    shape = (n, c) + data.draw(shapes(spatial, spatial, 1, 3), label="d")
    x = data.draw(views(shape, dtype), label="input")
    q = data.draw(arrays(shape, dtype, 0.0, 1.0), label="probabilities")
    w = data.draw(arrays((c,), dtype, 0.1, 2.0), label="weight")
    check_op(lambda x, q: F.cross_entropy(x, q, Tensor(w, device=device), reduction=reduction,
                                          label_smoothing=smoothing),
             lambda x, q: TF.cross_entropy(x, q, to_torch(w), reduction=reduction, label_smoothing=smoothing),
             x, q, reduce_size=x.size, device=device)


@given(data=st.data(), dtype=float_dtypes, reduction=st.sampled_from(REDUCTIONS))
def test_binary_cross_entropy_with_weight_matches_torch(device, data, dtype, reduction):
    shape = data.draw(shapes(1, 3), label="shape")
    p = data.draw(arrays(shape, dtype, 0.02, 0.98), label="p")
    y = data.draw(arrays(shape, dtype, 0.0, 1.0), label="y")
    w = data.draw(arrays(shape[-1:], dtype, 0.0, 2.0), label="weight")
    check_op(lambda p, y: F.binary_cross_entropy(p, y, Tensor(w, device=device), reduction=reduction),
             lambda p, y: TF.binary_cross_entropy(p, y, to_torch(w), reduction=reduction),
             p, y, reduce_size=p.size, device=device)
    check_op(lambda z, y: F.binary_cross_entropy_with_logits(z, y, Tensor(w, device=device), reduction=reduction,
                                                             pos_weight=Tensor(w + 0.5, device=device)),
             lambda z, y: TF.binary_cross_entropy_with_logits(z, y, to_torch(w), reduction=reduction,
                                                              pos_weight=to_torch(w + 0.5)),
             p * 8 - 4, y, reduce_size=p.size, device=device)


@pytest.mark.parametrize("p_exponent", [1, 2])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_multi_margin_loss_matches_torch(p_exponent, reduction):
    rng = np.random.default_rng(1)
    x = rng.standard_normal((5, 4))
    t = np.array([0, 3, 1, 1, 2])
    w = rng.uniform(0.2, 2.0, 4)
    check_op(lambda x, t: F.multi_margin_loss(x, t, p=p_exponent, margin=0.8, weight=Tensor(w), reduction=reduction),
             lambda x, t: TF.multi_margin_loss(x, t, p=p_exponent, margin=0.8, weight=to_torch(w),
                                               reduction=reduction), x, t)
    check_op(lambda x, t: F.multi_margin_loss(x, t), lambda x, t: TF.multi_margin_loss(x, t), x[0], np.array(2))


# ---- regression and pointwise losses --------------------------------------------------------

PAIR_LOSSES = {
    "l1_loss": ({}, {}),
    "smooth_l1_loss": ({"beta": 0.5}, {"beta": 0.0}),
    "huber_loss": ({"delta": 0.5}, {"delta": 2.0}),
    "mse_loss": ({}, {}),
}


@pytest.mark.parametrize("name", sorted(PAIR_LOSSES))
@given(data=st.data(), dtype=float_dtypes, reduction=st.sampled_from(REDUCTIONS), which=st.integers(0, 1),
       weighted=st.booleans())
def test_difference_losses_match_torch(device, name, data, dtype, reduction, which, weighted):
    shape = data.draw(shapes(0, 3), label="shape")
    x = data.draw(views(shape, dtype), label="input")
    y = data.draw(views(shape, dtype), label="target")
    kw = dict(PAIR_LOSSES[name][which], reduction=reduction)
    if weighted and name != "smooth_l1_loss":  # torch's smooth_l1_loss has no weight
        w = data.draw(arrays(shape, dtype, 0.1, 2.0), label="weight")
        check_op(lambda x, y, w: getattr(F, name)(x, y, weight=w, **kw),
                 lambda x, y, w: getattr(TF, name)(x, y, weight=w, **kw), x, y, w, reduce_size=x.size, device=device)
    else:
        check_op(lambda x, y: getattr(F, name)(x, y, **kw), lambda x, y: getattr(TF, name)(x, y, **kw),
                 x, y, reduce_size=x.size, device=device)


def test_difference_losses_broadcast_with_torchs_warning_and_take_torchs_dtypes():
    x, y = np.arange(6.0, dtype=np.float32).reshape(2, 3), np.array([1.0, 2.0, 9.0], np.float32)
    for name in ("l1_loss", "smooth_l1_loss", "huber_loss"):
        with pytest.warns(UserWarning, match="target size"):
            ours = getattr(F, name)(Tensor(x), Tensor(y))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            np.testing.assert_allclose(ours.numpy(), getattr(TF, name)(to_torch(x), to_torch(y)).numpy(), rtol=1e-6)
        for a, b in ((x, x.astype(np.float64)), (x.astype(np.float64), x)):  # promoted, or (huber) the input's
            check_op(getattr(F, name), getattr(TF, name), a, b, grad=False)  # torch's huber backward fails here


@pytest.mark.parametrize("log_target", [False, True])
@pytest.mark.parametrize("reduction", REDUCTIONS + ["batchmean"])
@given(data=st.data(), dtype=float_dtypes)
def test_kl_div_matches_torch(log_target, reduction, data, dtype):
    shape = data.draw(shapes(1, 3), label="shape")
    x = data.draw(arrays(shape, dtype, -4, 0), label="log q")
    t = data.draw(arrays(shape, dtype, -3, 0) if log_target else arrays(shape, dtype, 0.01, 1), label="target")
    kw = dict(reduction=reduction, log_target=log_target)
    check_op(_quiet(lambda x, t: F.kl_div(x, t, **kw)), _quiet(lambda x, t: TF.kl_div(x, t, **kw)),
             x, t, reduce_size=x.size)


def test_kl_div_mean_warns_as_torch_and_a_zero_target_contributes_zero():
    with pytest.warns(UserWarning, match="batchmean"):
        F.kl_div(Tensor([[-1.0, -2.0]]), Tensor([[0.5, 0.5]]))
    out = F.kl_div(Tensor([[-1.0, -2.0]]), Tensor([[0.0, 1.0]]), reduction="none")
    np.testing.assert_array_equal(out.numpy(), [[0.0, 2.0]])


@pytest.mark.parametrize("log_input", [True, False])
@pytest.mark.parametrize("full", [False, True])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_poisson_nll_loss_matches_torch(log_input, full, reduction):
    rng = np.random.default_rng(2)
    x = rng.uniform(0.1, 3.0, (3, 4)) if not log_input else rng.standard_normal((3, 4))
    counts = rng.integers(1, 7, (3, 4)).astype(np.float64)  # >= 1: torch's target gradient at 0 is nan (full)
    kw = dict(log_input=log_input, full=full, reduction=reduction)
    check_op(lambda x, t: F.poisson_nll_loss(x, t, **kw), lambda x, t: TF.poisson_nll_loss(x, t, **kw), x, counts)


@given(data=st.data(), dtype=float_dtypes, reduction=st.sampled_from(REDUCTIONS), log_input=st.booleans(),
       full=st.booleans())
def test_poisson_and_gaussian_nll_losses_match_torch_on_hypothesis_shapes(device, data, dtype, reduction, log_input,
                                                                          full):
    shape = data.draw(shapes(1, 3), label="shape")
    x = data.draw(views(shape, dtype, -2, 2) if log_input else views(shape, dtype, 0.05, 4), label="input")
    counts = data.draw(arrays(shape, dtype, 1, 6), label="target").round()  # >= 1: see the test above
    kw = dict(log_input=log_input, full=full, reduction=reduction)
    check_op(lambda x, t: F.poisson_nll_loss(x, t, **kw), lambda x, t: TF.poisson_nll_loss(x, t, **kw),
             x, counts, reduce_size=x.size, device=device)
    y = data.draw(views(shape, dtype), label="target")
    var_shape = data.draw(st.sampled_from([shape, shape[:-1], shape[:-1] + (1,)]), label="var shape")
    var = data.draw(arrays(var_shape, dtype, 0.1, 3), label="var")
    kw = dict(full=full, reduction=reduction)
    check_op(lambda x, y, v: F.gaussian_nll_loss(x, y, v, **kw), lambda x, y, v: TF.gaussian_nll_loss(x, y, v, **kw),
             x, y, var, reduce_size=x.size, device=device)


def test_losses_refuse_a_target_on_another_device():
    other = [d for d in available_devices() if d != "cpu"]
    if not other:
        pytest.skip("only the cpu device is available here (interp needs triton)")
    x, y = Tensor(np.zeros((2, 3), np.float32)), Tensor(np.zeros((2, 3), np.float32), device=other[0])
    for name in ("l1_loss", "smooth_l1_loss", "huber_loss", "kl_div", "poisson_nll_loss", "soft_margin_loss",
                 "multilabel_soft_margin_loss"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with pytest.raises(RuntimeError, match=name):
                getattr(F, name)(x, y)


@pytest.mark.parametrize("var_shape", [(3, 4), (3, 1), (3,)])
@pytest.mark.parametrize("full", [False, True])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_gaussian_nll_loss_matches_torch_for_each_shape_of_var(var_shape, full, reduction):
    rng = np.random.default_rng(3)
    x, y = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    var = rng.uniform(0.1, 2.0, var_shape)
    var.flat[0] = 1e-9  # below eps: clamped in value, its gradient as if not clamped (torch's rule)
    kw = dict(full=full, reduction=reduction)
    check_op(lambda x, y, v: F.gaussian_nll_loss(x, y, v, **kw), lambda x, y, v: TF.gaussian_nll_loss(x, y, v, **kw),
             x, y, var, rtol=1e-8, atol=1e-8)
    check_op(lambda x, y: F.gaussian_nll_loss(x, y, 0.5, **kw), lambda x, y: TF.gaussian_nll_loss(x, y, 0.5, **kw),
             x, y)


@given(data=st.data(), dtype=float_dtypes, reduction=st.sampled_from(REDUCTIONS))
def test_margin_losses_match_torch(device, data, dtype, reduction):
    shape = data.draw(shapes(1, 3), label="shape")
    a, b = data.draw(views(shape, dtype), label="input1"), data.draw(views(shape, dtype), label="input2")
    sign = data.draw(arrays(shape, dtype, -1, 1), label="target").round()
    sign[sign == 0] = 1
    margin = data.draw(st.sampled_from([0.0, 0.5]), label="margin")
    check_op(lambda a, b, s: F.margin_ranking_loss(a, b, s, margin=margin, reduction=reduction),
             lambda a, b, s: TF.margin_ranking_loss(a, b, s, margin=margin, reduction=reduction),
             a, b, sign, grad=(True, True, False), reduce_size=a.size, device=device)
    check_op(lambda a, s: F.hinge_embedding_loss(a, s, margin=margin + 0.5, reduction=reduction),
             lambda a, s: TF.hinge_embedding_loss(a, s, margin=margin + 0.5, reduction=reduction),
             a, sign, grad=(True, False), reduce_size=a.size, device=device)
    check_op(lambda a, s: F.soft_margin_loss(a, s, reduction=reduction),
             lambda a, s: TF.soft_margin_loss(a, s, reduction=reduction),
             a, sign, grad=(True, False), reduce_size=a.size, device=device)
    labels = (sign > 0).astype(dtype)
    w = data.draw(arrays(shape[-1:], dtype, 0.1, 2.0), label="weight")
    check_op(lambda a, y: F.multilabel_soft_margin_loss(a, y, Tensor(w, device=device), reduction=reduction),
             lambda a, y: TF.multilabel_soft_margin_loss(a, y, to_torch(w), reduction=reduction),
             a, labels, reduce_size=a.size, device=device)


@given(data=st.data(), dtype=float_dtypes, reduction=st.sampled_from(REDUCTIONS), batched=st.booleans())
def test_cosine_embedding_loss_matches_torch(data, dtype, reduction, batched):
    n, d = data.draw(st.integers(1, 4), label="N"), data.draw(st.integers(1, 5), label="D")
    shape = (n, d) if batched else (d,)
    a, b = data.draw(views(shape, dtype), label="input1"), data.draw(views(shape, dtype), label="input2")
    # a zero vector's cosine divides by sqrt(1e-12): its gradient (~1e6) agrees only to rounding order
    assume(np.all((a * a).sum(-1) > 1e-2) and np.all((b * b).sum(-1) > 1e-2))
    target = np.array(data.draw(st.lists(st.sampled_from([1.0, -1.0]), min_size=n, max_size=n)), dtype)
    target = target if batched else np.array(target[0])
    check_op(lambda a, b, t: F.cosine_embedding_loss(a, b, t, margin=0.2, reduction=reduction),
             lambda a, b, t: TF.cosine_embedding_loss(a, b, t, margin=0.2, reduction=reduction),
             a, b, target, grad=(True, True, False), reduce_size=a.size)


@given(data=st.data(), dtype=float_dtypes, reduction=st.sampled_from(REDUCTIONS), p=st.sampled_from([1, 2, 3]),
       swap=st.booleans(), batched=st.booleans())
def test_triplet_margin_loss_matches_torch(data, dtype, reduction, p, swap, batched):
    n, d = data.draw(st.integers(1, 4), label="N"), data.draw(st.integers(1, 5), label="D")
    shape = (n, d) if batched else (d,)
    a, pos, neg = (data.draw(views(shape, dtype), label=name) for name in ("anchor", "positive", "negative"))
    kw = dict(margin=1.5, p=p, swap=swap, reduction=reduction)
    check_op(lambda a, b, c: F.triplet_margin_loss(a, b, c, **kw),
             lambda a, b, c: TF.triplet_margin_loss(a, b, c, **kw),
             a, pos, neg, reduce_size=a.size)


# ---- float64 finite differences -------------------------------------------------------------

_R = np.random.default_rng(4)
_X, _Y, _Z = (Tensor(_R.standard_normal((3, 4)), requires_grad=True) for _ in range(3))
_T = Tensor(np.array([0, 3, -100]))
_SIGN = Tensor(np.array([[1.0, -1.0, 1.0, -1.0]] * 3))
_W4 = Tensor(_R.uniform(0.5, 2.0, 4))
GRADCHECK = {
    "nll_loss": (lambda x: F.nll_loss(x, _T, _W4), [_X]),
    "cross_entropy weighted smoothed": (lambda x: F.cross_entropy(x, _T, _W4, label_smoothing=0.2), [_X]),
    "cross_entropy (N, C, d)": (lambda x: F.cross_entropy(x.reshape(3, 2, 2), Tensor([[0, 1], [1, 1], [0, 0]]),
                                                          Tensor([0.5, 2.0])), [_X]),
    "l1_loss": (lambda x, y: F.l1_loss(x, y), [_X, _Y]),
    "smooth_l1_loss": (lambda x, y: F.smooth_l1_loss(x, y, beta=0.7, reduction="sum"), [_X, _Y]),
    "huber_loss": (lambda x, y: F.huber_loss(x, y, delta=0.6, reduction="none"), [_X, _Y]),
    "huber_loss weighted": (lambda x, y, w: F.huber_loss(x, y, weight=w), [_X, _Y, _Z]),
    "kl_div": (lambda x, y: F.kl_div(x, y.exp(), reduction="batchmean"), [_X, _Y]),
    "kl_div log_target": (lambda x, y: F.kl_div(x, y, reduction="sum", log_target=True), [_X, _Y]),
    "poisson_nll_loss": (lambda x, y: F.poisson_nll_loss(x, y.exp() + 1.5, full=True), [_X, _Y]),
    "gaussian_nll_loss": (lambda x, y, v: F.gaussian_nll_loss(x, y, v.exp(), full=True), [_X, _Y, _Z]),
    "margin_ranking_loss": (lambda x, y: F.margin_ranking_loss(x, y, _SIGN, margin=0.1), [_X, _Y]),
    "hinge_embedding_loss": (lambda x: F.hinge_embedding_loss(x, _SIGN, margin=0.3), [_X]),
    "soft_margin_loss": (lambda x: F.soft_margin_loss(x, _SIGN), [_X]),
    "multilabel_soft_margin_loss": (lambda x, y: F.multilabel_soft_margin_loss(x, y.sigmoid(), _W4), [_X, _Y]),
    "cosine_embedding_loss": (lambda x, y: F.cosine_embedding_loss(x, y, Tensor([1.0, -1.0, -1.0]), margin=-0.5),
                              [_X, _Y]),
    "triplet_margin_loss": (lambda x, y, z: F.triplet_margin_loss(x, y, z, margin=3.0, swap=True), [_X, _Y, _Z]),
    "multi_margin_loss": (lambda x: F.multi_margin_loss(x, Tensor([0, 3, 1]), p=2, margin=2.0, weight=_W4), [_X]),
}


@pytest.mark.parametrize("name", sorted(GRADCHECK))
def test_loss_gradients_match_finite_differences(name):
    fn, inputs = GRADCHECK[name]
    assert tg.gradcheck(fn, *inputs)


# ---- float16 ----------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["l1_loss", "smooth_l1_loss", "huber_loss", "kl_div", "poisson_nll_loss",
                                  "soft_margin_loss", "margin_ranking_loss"])
def test_float16_losses_compute_in_float32_and_round_once(name):
    rng = np.random.default_rng(5)
    n = 70_000  # a float16 sum of this many terms of about 1 overflows (> 65,504); a float16 count is inf
    x, y = rng.uniform(0.5, 1.5, n), np.ones(n)
    args = (x, x + 0.9, y) if name == "margin_ranking_loss" else (x, y)
    fn = _quiet(getattr(F, name))
    ours = fn(*(Tensor(a.astype(np.float16)) for a in args))
    reference = fn(*(Tensor(a.astype(np.float16).astype(np.float32)) for a in args))
    assert ours.dtype == np.float16
    assert np.isfinite(ours.item())
    assert ours.item() == np.float16(reference.item())
    total = fn(*(Tensor(a.astype(np.float16)) for a in args[:2]), *[Tensor(a.astype(np.float16)) for a in args[2:]],
               reduction="sum") if name != "kl_div" else None
    if total is not None:
        assert total.item() == np.inf or abs(total.item() - n * reference.item()) <= 1e-3 * n * reference.item()


def test_float16_nll_loss_and_weighted_cross_entropy_match_float32():
    rng = np.random.default_rng(6)
    x = rng.standard_normal((50, 4))
    t = rng.integers(0, 4, 50)
    w = Tensor(np.array([0.5, 1.0, 1.5, 2.0], np.float16))
    for fn in (lambda a: F.nll_loss(a.log_softmax(1), Tensor(t), w),
               lambda a: F.cross_entropy(a, Tensor(t), w, label_smoothing=0.1)):
        half = fn(Tensor(x.astype(np.float16)))
        single = fn(Tensor(x.astype(np.float16).astype(np.float32)))
        assert half.dtype == np.float16
        np.testing.assert_allclose(half.item(), single.item(), rtol=2e-3)


# ---- bad arguments ----------------------------------------------------------------------------

_A = Tensor(np.zeros((2, 3), np.float32))
BAD = [
    ("nll_loss float target", lambda: F.nll_loss(_A, Tensor([0.5, 1.0])), TypeError, "nll_loss"),
    ("nll_loss target shape", lambda: F.nll_loss(_A, Tensor([0, 1, 2])), ValueError, "nll_loss"),
    ("nll_loss target range", lambda: F.nll_loss(_A, Tensor([0, 3])), IndexError, "nll_loss"),
    ("nll_loss weight shape", lambda: F.nll_loss(_A, Tensor([0, 1]), Tensor([1.0, 2.0])), ValueError, "nll_loss"),
    ("nll_loss weight requires grad",
     lambda: F.nll_loss(_A, Tensor([0, 1]), Tensor([1.0, 2.0, 3.0], requires_grad=True)), RuntimeError, "nll_loss"),
    ("nll_loss reduction", lambda: F.nll_loss(_A, Tensor([0, 1]), reduction="avg"), ValueError, "nll_loss"),
    ("cross_entropy weight shape", lambda: F.cross_entropy(_A, Tensor([0, 1]), Tensor([1.0])), ValueError,
     "cross_entropy"),
    ("l1_loss shapes", lambda: F.l1_loss(_A, Tensor(np.zeros((4,)))), ValueError, "l1_loss"),
    ("l1_loss weight shape", lambda: F.l1_loss(_A, _A, weight=Tensor([1.0])), ValueError, "l1_loss"),
    ("l1_loss of ints", lambda: F.l1_loss(Tensor([1, 2]), Tensor([1, 2])), TypeError, "l1_loss"),
    ("l1_loss array input", lambda: F.l1_loss(np.zeros(3), Tensor(np.zeros(3))), TypeError, "l1_loss"),
    ("smooth_l1_loss beta", lambda: F.smooth_l1_loss(_A, _A, beta=-1.0), ValueError, "smooth_l1_loss"),
    ("huber_loss delta", lambda: F.huber_loss(_A, _A, delta=0.0), ValueError, "huber_loss"),
    ("kl_div reduction", lambda: F.kl_div(_A, _A, reduction="batch"), ValueError, "kl_div"),
    ("gaussian_nll_loss var shape", lambda: F.gaussian_nll_loss(_A, _A, Tensor(np.ones((3, 2)))), ValueError,
     "gaussian_nll_loss"),
    ("gaussian_nll_loss negative var", lambda: F.gaussian_nll_loss(_A, _A, -1.0), ValueError, "gaussian_nll_loss"),
    ("margin_ranking_loss dims", lambda: F.margin_ranking_loss(_A, _A, Tensor([1.0, 1.0])), ValueError,
     "margin_ranking_loss"),
    ("soft_margin_loss target grad",
     lambda: F.soft_margin_loss(_A, Tensor(np.ones((2, 3), np.float32), requires_grad=True)), RuntimeError,
     "soft_margin_loss"),
    ("cosine_embedding_loss target rank", lambda: F.cosine_embedding_loss(_A, _A, _A), ValueError,
     "cosine_embedding_loss"),
    ("cosine_embedding_loss input rank", lambda: F.cosine_embedding_loss(_A, _A, Tensor(1.0)), ValueError,
     "cosine_embedding_loss"),
    ("triplet_margin_loss margin", lambda: F.triplet_margin_loss(_A, _A, _A, margin=0.0), ValueError,
     "triplet_margin_loss"),
    ("multi_margin_loss p", lambda: F.multi_margin_loss(_A, Tensor([0, 1]), p=3), ValueError, "multi_margin_loss"),
    ("multi_margin_loss target range", lambda: F.multi_margin_loss(_A, Tensor([0, 5])), IndexError,
     "multi_margin_loss"),
    ("module reduction", lambda: nn.L1Loss(reduction="avg"), ValueError, "L1Loss"),
    ("module weight", lambda: nn.NLLLoss(weight=[1.0, 2.0]), TypeError, "NLLLoss"),
    ("module forward", lambda: nn.CrossEntropyLoss()(_A, Tensor([0.5, 0.5])), ValueError, "CrossEntropyLoss"),
    ("dropout1d rank", lambda: F.dropout1d(Tensor(np.ones((2, 3, 4, 5)))), ValueError, "dropout1d"),
    ("dropout2d p", lambda: F.dropout2d(Tensor(np.ones((2, 3, 4, 5))), p=1.5), ValueError, "dropout2d"),
    ("feature_alpha_dropout rank", lambda: F.feature_alpha_dropout(Tensor(np.ones(3)), training=True), ValueError,
     "feature_alpha_dropout"),
    ("dropout2d rank", lambda: F.dropout2d(Tensor(np.ones(3))), ValueError, "dropout2d"),
]


@pytest.mark.parametrize("case", BAD, ids=[case[0] for case in BAD])
def test_bad_arguments_raise_errors_naming_the_function(case):
    _, call, error, name = case
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(error, match=name):
            call()


# ---- the modules ------------------------------------------------------------------------------

def _module_cases():
    rng = np.random.default_rng(7)
    x, y = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    t = np.array([0, 2, 1, 2])
    w = rng.uniform(0.5, 2.0, 3)
    sign = np.sign(y)
    p = 1 / (1 + np.exp(-x))
    return [
        ("L1Loss", {"reduction": "sum"}, (x, y)),
        ("MSELoss", {}, (x, y)),
        ("NLLLoss", {"weight": w, "ignore_index": 1}, (np.log(p), t)),
        ("CrossEntropyLoss", {"weight": w, "label_smoothing": 0.1}, (x, t)),
        ("BCELoss", {"weight": w}, (p, (y > 0).astype(np.float64))),
        ("BCEWithLogitsLoss", {"weight": w, "pos_weight": w + 1}, (x, (y > 0).astype(np.float64))),
        ("SmoothL1Loss", {"beta": 0.5}, (x, y)),
        ("HuberLoss", {"delta": 0.4, "reduction": "none"}, (x, y)),
        ("KLDivLoss", {"reduction": "batchmean", "log_target": True}, (x, y)),
        ("PoissonNLLLoss", {"full": True}, (x, np.abs(y) * 3 + 1)),
        ("GaussianNLLLoss", {"full": True}, (x, y, np.abs(y) + 0.1)),
        ("MarginRankingLoss", {"margin": 0.2}, (x, y, sign)),
        ("HingeEmbeddingLoss", {"margin": 0.5}, (x, sign)),
        ("SoftMarginLoss", {}, (x, sign)),
        ("MultiLabelSoftMarginLoss", {"weight": w}, (x, (y > 0).astype(np.float64))),
        ("CosineEmbeddingLoss", {"margin": 0.1}, (x, y, sign[:, 0])),
        ("TripletMarginLoss", {"margin": 2.0, "p": 1.0, "swap": True}, (x, y, x * y)),
        ("MultiMarginLoss", {"p": 2, "weight": w}, (x, t)),
    ]


@pytest.mark.parametrize("name, kwargs, inputs", _module_cases(), ids=[c[0] for c in _module_cases()])
def test_loss_modules_match_torchs(name, kwargs, inputs):
    ours = getattr(nn, name)(**{k: Tensor(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()})
    theirs = getattr(TNN, name)(**{k: to_torch(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()})
    flags = tuple(a.dtype.kind == "f" and name not in ("SoftMarginLoss",) or i == 0 for i, a in enumerate(inputs))
    if name in ("MarginRankingLoss", "HingeEmbeddingLoss", "CosineEmbeddingLoss"):
        flags = tuple(i < len(inputs) - 1 for i in range(len(inputs)))
    check_op(ours, theirs, *inputs, grad=flags)
    assert isinstance(ours, nn.Module) and list(ours.parameters()) == []


def test_loss_modules_keep_torchs_arguments_and_legacy_reduction():
    loss = nn.CrossEntropyLoss(weight=Tensor([1.0, 2.0]), ignore_index=3, label_smoothing=0.2)
    assert (loss.ignore_index, loss.label_smoothing, loss.reduction) == (3, 0.2, "mean")
    np.testing.assert_array_equal(loss.weight.numpy(), [1.0, 2.0])
    theirs = TNN.CrossEntropyLoss(weight=torch.tensor([1.0, 2.0]))
    assert list(loss.state_dict()) == list(theirs.state_dict()) == ["weight"]  # a buffer, not a parameter
    assert list(nn.NLLLoss().state_dict()) == list(TNN.NLLLoss().state_dict()) == []
    both = nn.BCEWithLogitsLoss(weight=Tensor([1.0]), pos_weight=Tensor([2.0]))
    assert sorted(both.state_dict()) == sorted(TNN.BCEWithLogitsLoss(weight=torch.ones(1),
                                                                     pos_weight=torch.ones(1)).state_dict())
    for size_average, reduce, expected in ((None, False, "none"), (False, None, "sum"), (True, True, "mean")):
        with pytest.warns(UserWarning, match="deprecated"):
            ours = nn.MSELoss(size_average=size_average, reduce=reduce)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            assert ours.reduction == expected == TNN.MSELoss(size_average=size_average, reduce=reduce).reduction
    with pytest.warns(UserWarning, match="deprecated"):
        out = F.l1_loss(Tensor([1.0, -3.0]), Tensor([0.0, 0.0]), size_average=False)
    assert out.item() == 4.0


# ---- dropout variants ---------------------------------------------------------------------------

@pytest.mark.parametrize("fn, shape, channel_axes", [
    (F.dropout1d, (6, 40, 7), 2), (F.dropout1d, (40, 7), 1), (F.dropout2d, (6, 40, 3, 4), 2),
    (F.dropout3d, (6, 40, 2, 3, 2), 2), (F.dropout3d, (40, 2, 3, 2), 1),
])
def test_channel_dropout_zeroes_whole_channels_and_scales_the_rest(device, fn, shape, channel_axes):
    tg.manual_seed(0)
    p = 0.3
    x = Tensor(np.random.default_rng(8).uniform(1.0, 2.0, shape).astype(np.float32), requires_grad=True,
               device=device)
    out = fn(x, p)
    kept = (out.numpy() != 0).reshape(int(np.prod(shape[:channel_axes])), -1)  # x is never 0
    per_channel = kept[:, 0]
    assert np.all(kept == per_channel[:, None]), "every element of a channel shares its channel's decision"
    np.testing.assert_allclose(out.numpy()[out.numpy() != 0], x.numpy()[out.numpy() != 0] / (1 - p), rtol=1e-6)
    n = per_channel.size  # 240 or 40 channels: a rate of zeros within 4 standard deviations of p
    assert abs(np.mean(~per_channel) - p) <= 4 * np.sqrt(p * (1 - p) / n)
    out.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.where(out.numpy() != 0, 1 / (1 - p), 0.0), rtol=1e-6)


def test_channel_dropout_outside_training_p0_p1_and_inplace():
    x = Tensor(np.ones((2, 3, 4), np.float32))
    for fn in (F.dropout1d, F.dropout2d, F.dropout3d, F.dropout, F.alpha_dropout, F.feature_alpha_dropout):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            assert fn(x, 0.5, training=False) is x
            assert fn(x, 0.0, training=True) is x
            np.testing.assert_array_equal(fn(x, 1.0, training=True).numpy(), np.zeros((2, 3, 4)))
    y = Tensor(np.ones((2, 3, 4), np.float32))
    tg.manual_seed(1)
    assert F.dropout1d(y, 0.5, inplace=True) is y
    assert set(np.unique(y.numpy())) <= {0.0, 2.0}
    z = Tensor(np.ones(1000, np.float32))
    tg.manual_seed(1)
    assert F.dropout(z, 0.5, inplace=True) is z and set(np.unique(z.numpy())) == {0.0, 2.0}


def test_dropout2d_of_3d_input_is_channel_dropout_of_n_c_l_with_torchs_warning():
    tg.manual_seed(2)
    with pytest.warns(UserWarning, match="3D input"):
        out = F.dropout2d(Tensor(np.ones((4, 30, 5), np.float32)), 0.5).numpy()
    assert np.all(out == out[:, :, :1])


@pytest.mark.parametrize("fn, shape", [(F.alpha_dropout, (200_000,)), (F.feature_alpha_dropout, (2000, 100, 3))])
def test_alpha_dropout_keeps_a_standard_normal_input_standard(fn, shape):
    tg.manual_seed(3)
    x = np.random.default_rng(9).standard_normal(shape)
    out = fn(Tensor(x), 0.2, training=True).numpy()
    units = int(np.prod(shape[:2])) if len(shape) > 1 else shape[0]  # independent decisions
    assert abs(out.mean()) < 6 / np.sqrt(units) + 6 / np.sqrt(out.size)
    assert abs(out.std() - 1.0) < 0.03
    alpha = 1.7580993408473766  # dropped units all take one value, a alpha' (p - 1), a as in torch
    a = 1 / np.sqrt((alpha ** 2 * 0.2 + 1) * 0.8)
    dropped = np.isclose(out, a * alpha * (0.2 - 1), rtol=1e-12, atol=0)
    assert abs(dropped.mean() - 0.2) < 6 * np.sqrt(0.2 * 0.8 / units)
    np.testing.assert_allclose(out[~dropped], a * x[~dropped] + a * alpha * 0.2, rtol=1e-9)
    if len(shape) > 1:
        assert np.all(dropped == dropped[:, :, :1])


def test_dropout_modules_follow_train_and_eval():
    x = Tensor(np.ones((4, 50, 3), np.float32))
    for module in (nn.Dropout1d(0.4), nn.Dropout2d(0.4), nn.Dropout3d(0.4), nn.AlphaDropout(0.4),
                   nn.FeatureAlphaDropout(0.4), nn.Dropout(0.4, inplace=False)):
        tg.manual_seed(4)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            assert not np.array_equal(module(x).numpy(), x.numpy())
            module.eval()
            assert module(x) is x
    assert "inplace=True" in repr(nn.Dropout2d(0.1, inplace=True))


# ---- scaled_dot_product_attention: dropout_p and enable_gqa ------------------------------------

def _qkv(rng, hq=4, hkv=2, lq=3, s=5, e=8, ev=6):
    return (rng.standard_normal((2, hq, lq, e)), rng.standard_normal((2, hkv, s, e)),
            rng.standard_normal((2, hkv, s, ev)))


@pytest.mark.parametrize("causal", [False, True])
def test_sdpa_enable_gqa_matches_torch(device, causal):
    q, k, v = _qkv(np.random.default_rng(10))
    kw = dict(is_causal=causal, enable_gqa=True)
    check_op(lambda q, k, v: F.scaled_dot_product_attention(q, k, v, **kw),
             lambda q, k, v: TF.scaled_dot_product_attention(q, k, v, **kw), q, k, v, device=device)


def test_sdpa_dropout_drops_attention_weights_and_is_exact_given_the_mask():
    rng = np.random.default_rng(11)
    q, k, v = _qkv(rng, hkv=4)
    mask = rng.random((3, 5)) > 0.3
    mask[1] = False  # a query that may attend nothing gets zeros
    tg.manual_seed(5)
    out = F.scaled_dot_product_attention(Tensor(q), Tensor(k), Tensor(v), attn_mask=Tensor(mask), dropout_p=0.4)
    tg.manual_seed(5)
    keep = (tg.rng.generator().random((2, 4, 3, 5)) >= 0.4) / 0.6  # the engine's draw, made again
    scores = np.where(mask, q @ k.swapaxes(-1, -2) / np.sqrt(8), -np.inf)
    weights = np.exp(scores - scores.max(-1, keepdims=True, initial=-1e300))
    with np.errstate(invalid="ignore"):  # the fully masked row: 0 / 0, zero after nan_to_num
        weights = np.nan_to_num(weights / weights.sum(-1, keepdims=True))
    np.testing.assert_allclose(out.numpy(), (weights * keep) @ v, rtol=1e-10, atol=1e-12)
    assert np.all(out.numpy()[:, :, 1] == 0)


def test_sdpa_dropout_is_unbiased_and_its_gradient_matches_finite_differences():
    rng = np.random.default_rng(12)
    q, k, v = (Tensor(a, requires_grad=True) for a in _qkv(rng, hkv=4, lq=2, s=3, e=4, ev=2))
    plain = F.scaled_dot_product_attention(q, k, v).numpy()
    tg.manual_seed(6)
    draws = np.mean([F.scaled_dot_product_attention(q, k, v, dropout_p=0.5).numpy() for _ in range(400)], axis=0)
    assert np.abs(draws - plain).max() < 0.5  # a mean of 400 draws; each weight's noise has sd <= 1/sqrt(400) * |v|

    def seeded(q, k, v):
        tg.manual_seed(7)
        return F.scaled_dot_product_attention(q, k, v, attn_mask=Tensor(np.tril(np.ones((2, 3), bool))),
                                              dropout_p=0.3, enable_gqa=True)
    assert tg.gradcheck(seeded, q, k, v)


def test_sdpa_default_arguments_keep_the_fast_path_and_mask_with_causal_is_refused():
    rng = np.random.default_rng(13)
    q, k, v = (Tensor(a) for a in _qkv(rng, hkv=4))
    np.testing.assert_array_equal(F.scaled_dot_product_attention(q, k, v, dropout_p=0.0, enable_gqa=False).numpy(),
                                  F.scaled_dot_product_attention(q, k, v).numpy())
    with pytest.raises(RuntimeError, match="scaled_dot_product_attention"):
        F.scaled_dot_product_attention(q, k, v, attn_mask=Tensor(np.ones((3, 5), bool)), is_causal=True)
    with pytest.raises(ValueError, match="scaled_dot_product_attention"):
        F.scaled_dot_product_attention(q, Tensor(np.zeros((2, 3, 5, 8))), Tensor(np.zeros((2, 3, 5, 6))),
                                       enable_gqa=True)
    with pytest.raises(ValueError, match="dropout_p"):
        F.scaled_dot_product_attention(q, k, v, dropout_p=1.5)
