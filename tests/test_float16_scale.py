"""float16 reductions and losses past 65,504 elements, against torch computing in float32.

65,504 is float16's largest finite value: a count of more terms is infinite in
float16, so g / count is 0, and a float16 running sum of that many ones overflows.
Every reduction and loss here reduces over 70,000 elements; the engine must accumulate
and scale in float32 (forward and backward) and round the result to float16 once,
which is what torch computing in float32 and casting the result to float16 gives.

torch's own float16 CPU kernels are no reference here: they give inf for a mean of
squares whose terms pass 65,504 and nan for cross-entropy averaged over 70,000 rows.

Tolerances are normwise, relative to the largest magnitude of the reference: an output
within one float16 rounding at that scale (1e-3); a gradient within 1e-2 (the backward
reads float16 outputs such as softmax's, rounded once already), plus two subnormal steps
(a gradient of a mean over 70,000 terms is ~1.4e-5, a float16 subnormal spaced 6e-8
apart). A zero gradient where torch's is not fails by the whole scale, and is also
checked element by element.
"""
import numpy as np
import pytest

from helpers import torch

import tinygrad_lite.nn.functional as F
from tinygrad_lite import Tensor
from tinygrad_lite.backend import available_devices

TF = torch.nn.functional
N = 70_000  # > 65,504
SUBNORMAL_STEP = float(np.finfo(np.float16).smallest_subnormal)


def _normal(seed, *shape, scale=1.0):
    return (np.random.default_rng(seed).standard_normal(shape) * scale).astype(np.float16)


def _uniform(seed, low, high, *shape):
    return np.random.default_rng(seed).uniform(low, high, shape).astype(np.float16)


def _classes(seed, high, *shape):
    return np.random.default_rng(seed).integers(0, high, shape)


def _simplex(seed, *shape):
    w = np.random.default_rng(seed).uniform(0.1, 1.0, shape)
    return (w / w.sum(-1, keepdims=True)).astype(np.float16)


# name: (engine function, torch function, float16 inputs (differentiated) and other arguments).
# Torch runs on the same values in float32; class indices pass through unchanged.
CASES = {
    "sum": (lambda x: x.sum(), lambda x: x.sum(), [_uniform(0, 0, 1e-3, N)]),
    "mean": (lambda x: x.mean(), lambda x: x.mean(), [_normal(1, N)]),
    "mean of ones (the report)": (lambda x: x.mean(), lambda x: x.mean(), [np.ones(N, np.float16)]),
    "mean axis": (lambda x: x.mean(axis=1), lambda x: x.mean(dim=1), [_normal(2, 2, N)]),
    "var": (lambda x: x.var(), lambda x: x.var(), [_normal(3, N, scale=30.0)]),
    "var axis": (lambda x: x.var(axis=1), lambda x: x.var(dim=1), [_normal(4, 2, N)]),
    "logsumexp": (lambda x: x.logsumexp(axis=0), lambda x: x.logsumexp(dim=0), [_normal(5, N)]),
    "softmax": (lambda x: F.softmax(x, dim=-1), lambda x: TF.softmax(x, dim=-1), [_normal(6, 2, N)]),
    "log_softmax": (lambda x: F.log_softmax(x, dim=-1), lambda x: TF.log_softmax(x, dim=-1), [_normal(7, 2, N)]),
    "layer_norm": (lambda x, w, b: F.layer_norm(x, (N,), w, b), lambda x, w, b: TF.layer_norm(x, (N,), w, b),
                   [_normal(8, 2, N, scale=4.0), _normal(9, N), _normal(10, N)]),
    "linear (weight and bias gradients sum over rows)": (
        lambda x, w, b: F.linear(x, w, b).mean(), lambda x, w, b: TF.linear(x, w, b).mean(),
        [_normal(11, N, 3), _normal(12, 2, 3), _normal(13, 2)]),
    "linear (K past 65,504)": (F.linear, TF.linear, [_normal(14, 2, N, scale=0.1), _normal(15, 3, N, scale=0.1)]),
    "mse_loss": (F.mse_loss, TF.mse_loss, [_normal(16, N), _normal(17, N)]),
    "mse_loss large differences": (F.mse_loss, TF.mse_loss, [_normal(18, N, scale=100.0), _normal(19, N)]),
    "mse_loss sum": (lambda a, b: F.mse_loss(a, b, reduction="sum"),
                     lambda a, b: TF.mse_loss(a, b, reduction="sum"), [_normal(20, N, scale=0.1), _normal(21, N, scale=0.1)]),
    "cross_entropy rows": (F.cross_entropy, TF.cross_entropy, [_normal(22, N, 3), _classes(23, 3, N)]),
    "cross_entropy classes": (F.cross_entropy, TF.cross_entropy, [_normal(24, 2, N), _classes(25, N, 2)]),
    "cross_entropy smoothing": (lambda z, t: F.cross_entropy(z, t, label_smoothing=0.1),
                                lambda z, t: TF.cross_entropy(z, t, label_smoothing=0.1),
                                [_normal(26, N, 3), _classes(27, 3, N)]),
    "cross_entropy probabilities": (F.cross_entropy, TF.cross_entropy, [_normal(28, N, 3), _simplex(29, N, 3)]),
    "binary_cross_entropy": (F.binary_cross_entropy, TF.binary_cross_entropy,
                             [_uniform(30, 0.05, 0.95, N), _uniform(31, 0, 1, N)]),
    "binary_cross_entropy_with_logits": (F.binary_cross_entropy_with_logits, TF.binary_cross_entropy_with_logits,
                                         [_normal(32, N, scale=3.0), _uniform(33, 0, 1, N)]),
    "scaled_dot_product_attention over 70,000 keys": (
        F.scaled_dot_product_attention, TF.scaled_dot_product_attention,
        [_normal(36, 1, 2, 4), _normal(37, 1, N, 4), _normal(38, 1, N, 3)]),
    "binary_cross_entropy_with_logits pos_weight": (
        lambda z, y: F.binary_cross_entropy_with_logits(z, y, pos_weight=np.full(3, 2.0, np.float16)),
        lambda z, y: TF.binary_cross_entropy_with_logits(z, y, pos_weight=torch.full((3,), 2.0)),
        [_normal(34, N, 3), _uniform(35, 0, 1, N, 3)]),
}


# Also run on "interp", whose Triton kernels take the float16 row-wise hot paths; the cases whose
# kernels the interpreter runs one program per row (70,000 rows) or per tile would take minutes.
INTERP_CASES = ["sum", "mean", "mean of ones (the report)", "var", "softmax", "log_softmax",
                "cross_entropy classes", "mse_loss", "binary_cross_entropy_with_logits"]
RUNS = [(name, "cpu") for name in CASES] + [(name, "interp") for name in INTERP_CASES if "interp" in available_devices()]


def _close(ours, theirs, rtol, atol, what):
    """|ours - theirs| <= rtol * max|theirs| + atol everywhere, and nonzero where theirs is clearly so."""
    ours, theirs = np.asarray(ours, np.float64), np.asarray(theirs, np.float64)
    assert ours.shape == theirs.shape, f"{what}: shape {ours.shape} != {theirs.shape}"
    scale = float(np.abs(theirs).max()) if theirs.size else 0.0
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=rtol * scale + atol, err_msg=what)
    clearly = np.abs(theirs) > 4 * SUBNORMAL_STEP
    assert np.all(ours[clearly] != 0), f"{what}: zero where torch is not"


@pytest.mark.parametrize("name, device", RUNS, ids=[f"{n}-{d}" for n, d in RUNS])
def test_float16_past_65504_elements_matches_torch_in_float32(name, device):
    ours_fn, torch_fn, arrays = CASES[name]
    ours_in = [Tensor(a, requires_grad=a.dtype == np.float16, device=device) for a in arrays]
    theirs_in = [torch.from_numpy(a.astype(np.float32)).requires_grad_() if a.dtype == np.float16
                 else torch.from_numpy(a) for a in arrays]
    out = ours_fn(*ours_in)
    ref = torch_fn(*theirs_in)
    assert out.dtype == np.float16, f"{name}: the output is {out.dtype}"
    expected = ref.detach().numpy().astype(np.float16)
    assert np.all(np.isfinite(expected)), "the case must stay inside float16's range"
    _close(out.numpy(), expected, 1e-3, SUBNORMAL_STEP, "forward")
    upstream = np.random.default_rng(99).uniform(0.5, 1.5, out.shape).astype(np.float16)
    out.backward(Tensor(upstream, device=device))
    ref.backward(torch.from_numpy(upstream.astype(np.float32)))
    for i, (t_ours, t_theirs) in enumerate(zip(ours_in, theirs_in)):
        if not t_ours.requires_grad:
            continue
        assert t_ours.grad is not None and t_ours.grad.dtype == np.float16, f"input {i}"
        expected = t_theirs.grad.numpy().astype(np.float16)
        assert np.all(np.isfinite(expected)), "the case must stay inside float16's range"
        _close(t_ours.grad.numpy(), expected, 1e-2, 2 * SUBNORMAL_STEP, f"gradient of input {i}")


def test_torch_float16_on_the_cpu_agrees_for_the_reported_mean():
    """The reference in float32 is what torch's own float16 gives for the report's case."""
    x = torch.ones(N, dtype=torch.float16, requires_grad=True)
    x.mean().backward()
    ours = Tensor(np.ones(N, np.float16), requires_grad=True)
    ours.mean().backward()
    np.testing.assert_array_equal(ours.grad.numpy(), x.grad.numpy())
