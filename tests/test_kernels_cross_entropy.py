"""The fused cross-entropy Triton kernels against torch, run through Triton's interpreter.

`block_size` is drawn small, so the online log-sum-exp pass spans several chunks
of the vocabulary with a ragged last one; class counts are not multiples of it.
"""
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

pytest.importorskip("triton", reason="the Triton kernels need triton: pip install -e '.[kernels]'")
torch = pytest.importorskip("torch", reason="the Triton kernels take torch tensors: pip install -e '.[kernels]'")
F = torch.nn.functional

from tinygrad_lite.backend.numpy import NumpyBackend  # noqa: E402
from tinygrad_lite.kernels.cross_entropy import cross_entropy_backward, cross_entropy_forward  # noqa: E402

from kernel_guards import guarded_outputs  # noqa: E402

IGNORE = -100
block_sizes = st.sampled_from([None, 8, 16])
smoothings = st.sampled_from([0.0, 0.1, 0.37])


def random_logits(seed, n, c, dtype=torch.float32, scale=3.0):
    gen = torch.Generator().manual_seed(seed)
    return (torch.randn(n, c, generator=gen, dtype=torch.float64) * scale).to(dtype)


def class_targets(seed, n, c, ignored_every=3):
    """Random classes; every `ignored_every`-th row (from row 1) is ignored."""
    target = torch.randint(0, c, (n,), generator=torch.Generator().manual_seed(seed))
    target[1::ignored_every] = IGNORE
    return target


def torch_reference(logits, target, row_grad, smoothing):
    """Per-row losses and the logits' gradient by torch autograd in float64, from the same inputs."""
    z = logits.double().requires_grad_()
    q = target.double() if target.is_floating_point() else target
    losses = F.cross_entropy(z, q, reduction="none", ignore_index=IGNORE, label_smoothing=smoothing)
    losses.backward(row_grad.double())
    return losses.detach(), z.grad


def assert_close(ours, theirs, rtol, atol):
    torch.testing.assert_close(ours.double(), theirs.double(), rtol=rtol, atol=atol)


@given(n=st.integers(1, 6), c=st.integers(1, 50), block_size=block_sizes, smoothing=smoothings,
       seed=st.integers(0, 2**16))
def test_class_targets_match_torch(n, c, block_size, smoothing, seed):
    logits = random_logits(seed, n, c)
    target = class_targets(seed, n, c)
    row_grad = random_logits(seed + 1, n, 1)[:, 0]
    losses = cross_entropy_forward(logits, target, IGNORE, smoothing, block_size)
    dlogits = cross_entropy_backward(logits, target, row_grad, IGNORE, smoothing, block_size)
    losses_ref, dlogits_ref = torch_reference(logits, target, row_grad, smoothing)
    assert losses.dtype == dlogits.dtype == torch.float32
    tol = 1e-5 * math.sqrt(c)
    assert_close(losses, losses_ref, tol, tol)
    assert_close(dlogits, dlogits_ref, tol, tol)


@given(n=st.integers(1, 5), c=st.integers(1, 50), block_size=block_sizes, smoothing=smoothings,
       seed=st.integers(0, 2**16))
def test_probability_targets_match_torch(n, c, block_size, smoothing, seed):
    logits = random_logits(seed, n, c)
    target = torch.softmax(random_logits(seed + 1, n, c), dim=1)
    row_grad = random_logits(seed + 2, n, 1)[:, 0]
    losses = cross_entropy_forward(logits, target, IGNORE, smoothing, block_size)
    dlogits = cross_entropy_backward(logits, target, row_grad, IGNORE, smoothing, block_size)
    losses_ref, dlogits_ref = torch_reference(logits, target, row_grad, smoothing)
    tol = 1e-5 * math.sqrt(c)
    assert_close(losses, losses_ref, tol, tol)
    assert_close(dlogits, dlogits_ref, tol, tol)


@given(n=st.integers(1, 6), c=st.integers(2, 40), block_size=block_sizes, seed=st.integers(0, 2**16))
def test_gradient_is_softmax_minus_onehot_and_loss_nonnegative(n, c, block_size, seed):
    logits = random_logits(seed, n, c, scale=10.0)
    target = class_targets(seed, n, c)
    row_grad = torch.full((n,), 0.25)
    dlogits = cross_entropy_backward(logits, target, row_grad, IGNORE, 0.0, block_size)
    kept = target != IGNORE
    onehot = F.one_hot(torch.where(kept, target, 0), c).double()
    expected = (torch.softmax(logits.double(), dim=1) - onehot) * 0.25 * kept[:, None]
    assert_close(dlogits, expected, 1e-6, 1e-7)
    losses = cross_entropy_forward(logits, target, IGNORE, 0.0, block_size)
    assert torch.all(losses >= 0)


@pytest.mark.parametrize("block_size", [None, 4])
@pytest.mark.parametrize("smoothing", [0.0, 0.2])
def test_logits_of_1e4_keep_full_precision(block_size, smoothing):
    """At |logits| ~ 1e4 the float32 spacing is ~1e-3; a loss formed as lse - z_t would be off by
    that much. The kernels stay at float32's relative precision of the loss itself."""
    logits = torch.tensor([[1e4, -1e4, 0.0, 1e4 - 1.5, 3.0, -2.0, 1e4 - 0.25],
                           [-1e4, -1e4 + 2.0, -1e4 + 0.5, -1e4, -1e4, -1e4 + 7.0, -1e4],
                           [1e4, 1e4, 1e4, 1e4, 1e4, 1e4, 1e4]])
    target = torch.tensor([6, 2, 4])
    row_grad = torch.tensor([1.0, -0.5, 2.0])
    losses = cross_entropy_forward(logits, target, IGNORE, smoothing, block_size)
    dlogits = cross_entropy_backward(logits, target, row_grad, IGNORE, smoothing, block_size)
    losses_ref, dlogits_ref = torch_reference(logits, target, row_grad, smoothing)
    assert torch.isfinite(losses).all() and torch.isfinite(dlogits).all()
    assert_close(losses, losses_ref, 1e-6, 1e-6)
    assert_close(dlogits, dlogits_ref, 1e-6, 1e-7)


def test_ignored_rows_give_exactly_zero():
    logits = random_logits(5, 4, 9)
    target = torch.tensor([IGNORE, 3, IGNORE, 8])
    losses = cross_entropy_forward(logits, target, IGNORE, 0.1)
    dlogits = cross_entropy_backward(logits, target, torch.ones(4), IGNORE, 0.1)
    assert torch.equal(losses[[0, 2]], torch.zeros(2))
    assert torch.equal(dlogits[[0, 2]], torch.zeros(2, 9))
    assert torch.all(losses[[1, 3]] > 0)


@pytest.mark.parametrize("soft", [False, True], ids=["classes", "probabilities"])
def test_called_with_their_defaults_match_torch(soft):
    """Every argument after the required ones left out: ignore_index=-100, label_smoothing=0 and the
    default block, as torch's F.cross_entropy defaults are."""
    logits = random_logits(21, 5, 37)
    target = torch.softmax(random_logits(22, 5, 37), dim=1) if soft else class_targets(21, 5, 37)
    row_grad = random_logits(23, 5, 1)[:, 0]
    losses = cross_entropy_forward(logits, target)
    dlogits = cross_entropy_backward(logits, target, row_grad)
    z = logits.double().requires_grad_()
    losses_ref = F.cross_entropy(z, target.double() if soft else target, reduction="none")
    losses_ref.backward(row_grad.double())
    tol = 1e-5 * math.sqrt(37)
    assert_close(losses, losses_ref.detach(), tol, tol)
    assert_close(dlogits, z.grad, tol, tol)
    if not soft:
        assert torch.equal(dlogits[1::3], torch.zeros_like(dlogits[1::3]))  # rows of -100 are ignored


@pytest.mark.parametrize("block_size", [None, 8])
@pytest.mark.parametrize("soft", [False, True], ids=["classes", "probabilities"])
def test_outputs_stay_inside_their_buffers(block_size, soft):
    """The losses and dlogits lie inside guard values (dlogits with gaps between rows): on 37
    classes (past a block of 32, or mid-chunk of 8) the stores write every row exactly."""
    logits = random_logits(31, 5, 37)
    target = torch.softmax(random_logits(32, 5, 37), dim=1) if soft else class_targets(31, 5, 37)
    row_grad = random_logits(33, 5, 1)[:, 0]
    with guarded_outputs() as guards:
        losses = cross_entropy_forward(logits, target, IGNORE, 0.1, block_size)
        dlogits = cross_entropy_backward(logits, target, row_grad, IGNORE, 0.1, block_size)
    assert guards.count == 2
    losses_ref, dlogits_ref = torch_reference(logits, target, row_grad, 0.1)
    tol = 1e-5 * math.sqrt(37)
    assert_close(losses, losses_ref, tol, tol)
    assert_close(dlogits, dlogits_ref, tol, tol)


@pytest.mark.parametrize("dtype, tol", [(torch.float16, 1e-3), (torch.bfloat16, 1.6e-2)])
@pytest.mark.parametrize("block_size", [None, 16])
def test_low_precision_logits_match_torch(dtype, tol, block_size):
    logits = random_logits(9, 5, 61, dtype)
    target = class_targets(9, 5, 61)
    row_grad = torch.linspace(-1, 1, 5)
    losses = cross_entropy_forward(logits, target, IGNORE, 0.1, block_size)
    dlogits = cross_entropy_backward(logits, target, row_grad, IGNORE, 0.1, block_size)
    assert losses.dtype == dlogits.dtype == dtype
    losses_ref, dlogits_ref = torch_reference(logits, target, row_grad, 0.1)  # float64 on the rounded logits
    assert_close(losses, losses_ref, tol, tol)
    assert_close(dlogits, dlogits_ref, tol, tol)


@pytest.mark.parametrize("soft", [False, True])
def test_agrees_with_the_numpy_backend(soft):
    logits = random_logits(11, 6, 23)
    target = torch.softmax(random_logits(12, 6, 23), dim=1) if soft else class_targets(11, 6, 23)
    row_grad = random_logits(13, 6, 1)[:, 0]
    ours = cross_entropy_forward(logits, target, IGNORE, 0.3)
    ours_grad = cross_entropy_backward(logits, target, row_grad, IGNORE, 0.3)
    theirs = NumpyBackend.cross_entropy(logits.numpy(), target.numpy(), IGNORE, 0.3)
    theirs_grad = NumpyBackend.cross_entropy_backward(logits.numpy(), target.numpy(), row_grad.numpy(), IGNORE, 0.3)
    np.testing.assert_allclose(ours.numpy(), theirs, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ours_grad.numpy(), theirs_grad, rtol=1e-5, atol=1e-6)


def test_bad_input_is_rejected():
    logits = torch.zeros(3, 5)
    with pytest.raises(ValueError, match=r"logits must be 2-D \(N, C\), got shape \(3, 5, 1\)"):
        cross_entropy_forward(logits[..., None], torch.zeros(3, dtype=torch.int64))
    with pytest.raises(TypeError, match="float64"):
        cross_entropy_forward(logits.double(), torch.zeros(3, dtype=torch.int64))
    with pytest.raises(ValueError, match=r"\[0, 5\).*got values in \[0, 5\]"):
        cross_entropy_forward(logits, torch.tensor([0, 5, IGNORE]))
    with pytest.raises(ValueError, match=r"shape \(3,\)"):
        cross_entropy_forward(logits, torch.zeros(4, dtype=torch.int64))
    with pytest.raises(ValueError, match=r"logits' shape \(3, 5\)"):
        cross_entropy_forward(logits, torch.zeros(3, 4))
    with pytest.raises(ValueError, match="label_smoothing"):
        cross_entropy_forward(logits, torch.zeros(3, dtype=torch.int64), label_smoothing=1.5)
    with pytest.raises(ValueError, match=r"row_grad must have shape \(3,\)"):
        cross_entropy_backward(logits, torch.zeros(3, dtype=torch.int64), torch.ones(2))
