"""The fused Adam/AdamW kernel against torch.optim, under Triton's interpreter.

Several steps are taken side by side with torch.optim.Adam / AdamW on the same
parameters and gradients; parameters and both moment estimates must agree to
1e-6 in float32. Sizes are drawn so that the last block is partial.
"""
import numpy as np
import pytest

pytest.importorskip("triton", reason="the kernels are Triton kernels: pip install -e '.[kernels]'")
torch = pytest.importorskip("torch", reason="the kernels run on torch tensors: pip install -e '.[kernels]'")

from hypothesis import given, strategies as st  # noqa: E402

from tinygrad_lite.backend.numpy import NumpyBackend  # noqa: E402
from tinygrad_lite.kernels.adam import adam_step  # noqa: E402

from kernel_guards import guarded_like  # noqa: E402


def run_kernel(param, grads, *, lr, betas, eps, weight_decay, decoupled, state_dtype=torch.float32):
    """Apply adam_step once per gradient in `grads`; return param and the two moments."""
    param = param.clone()
    exp_avg = torch.zeros(param.shape, dtype=state_dtype)
    exp_avg_sq = torch.zeros(param.shape, dtype=state_dtype)
    for step, grad in enumerate(grads, start=1):
        adam_step(param, grad, exp_avg, exp_avg_sq, lr=lr, beta1=betas[0], beta2=betas[1], eps=eps,
                  weight_decay=weight_decay, step=step, decoupled=decoupled)
    return param, exp_avg, exp_avg_sq


def run_torch(param, grads, *, lr, betas, eps, weight_decay, decoupled):
    param = param.clone().requires_grad_()
    optimizer_class = torch.optim.AdamW if decoupled else torch.optim.Adam
    optimizer = optimizer_class([param], lr=lr, betas=betas, eps=eps, weight_decay=weight_decay)
    for grad in grads:
        param.grad = grad.clone()
        optimizer.step()
    state = optimizer.state[param]
    return param.detach(), state["exp_avg"], state["exp_avg_sq"]


@given(
    n=st.integers(1, 400),
    steps=st.integers(1, 6),
    lr=st.floats(1e-4, 1e-1),
    beta1=st.sampled_from([0.0, 0.5, 0.9]),
    beta2=st.sampled_from([0.9, 0.99, 0.999]),
    eps=st.sampled_from([1e-8, 1e-6, 1e-3]),
    weight_decay=st.sampled_from([0.0, 1e-2, 0.1]),
    decoupled=st.booleans(),
    grad_scale=st.sampled_from([1e-4, 1.0, 100.0]),
    seed=st.integers(0, 2 ** 31 - 1),
)
def test_matches_torch_optim(n, steps, lr, beta1, beta2, eps, weight_decay, decoupled, grad_scale, seed):
    g = torch.Generator().manual_seed(seed)
    param = torch.randn(n, generator=g)
    grads = [torch.randn(n, generator=g) * grad_scale for _ in range(steps)]
    hyper = dict(lr=lr, betas=(beta1, beta2), eps=eps, weight_decay=weight_decay, decoupled=decoupled)
    for ours, theirs, what in zip(run_kernel(param, grads, **hyper), run_torch(param, grads, **hyper),
                                  ["param", "exp_avg", "exp_avg_sq"]):
        torch.testing.assert_close(ours, theirs, rtol=1e-6, atol=1e-6, msg=lambda m: f"{what}: {m}")


def test_update_ignores_gradient_scale():
    """m / sqrt(v) is unchanged when every gradient is multiplied by c > 0 (exactly, but for eps)."""
    g = torch.Generator().manual_seed(3)
    param = torch.randn(300, generator=g)
    grads = [torch.randn(300, generator=g) for _ in range(4)]
    hyper = dict(lr=1e-2, betas=(0.9, 0.999), eps=1e-12, weight_decay=0.0, decoupled=False)
    small, _, _ = run_kernel(param, grads, **hyper)
    large, _, _ = run_kernel(param, [grad * 1000 for grad in grads], **hyper)
    torch.testing.assert_close(small, large, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("decoupled", [False, True], ids=["adam", "adamw"])
def test_half_precision_parameters_follow_the_float64_reference(decoupled):
    """bfloat16 parameter and gradient, float32 moments: the numpy reference in float64, then rounded."""
    g = torch.Generator().manual_seed(4)
    param = torch.randn(257, generator=g).to(torch.bfloat16)
    grads = [torch.randn(257, generator=g).to(torch.bfloat16) for _ in range(3)]
    hyper = dict(lr=1e-2, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.1, decoupled=decoupled)
    ours, exp_avg, exp_avg_sq = run_kernel(param, grads, **hyper)

    p, m, v = param.double().numpy(), np.zeros(257), np.zeros(257)
    for step, grad in enumerate(grads, start=1):
        NumpyBackend.adam_step(p, grad.double().numpy(), m, v, lr=1e-2, beta1=0.9, beta2=0.999, eps=1e-8,
                               weight_decay=0.1, step=step, decoupled=decoupled)
        p[:] = torch.from_numpy(p).to(torch.bfloat16).double().numpy()  # the kernel stores bfloat16 each step
    torch.testing.assert_close(ours.double(), torch.from_numpy(p), rtol=1.6e-2, atol=1e-2)
    torch.testing.assert_close(exp_avg.double(), torch.from_numpy(m), rtol=1e-6, atol=1e-6)
    torch.testing.assert_close(exp_avg_sq.double(), torch.from_numpy(v), rtol=1e-6, atol=1e-6)


def test_non_contiguous_gradient():
    g = torch.Generator().manual_seed(5)
    param = torch.randn(6, 7, generator=g)
    grad = torch.randn(7, 6, generator=g).T
    hyper = dict(lr=1e-2, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, decoupled=False)
    ours = run_kernel(param, [grad], **hyper)
    expected = run_kernel(param, [grad.contiguous()], **hyper)
    for a, b in zip(ours, expected):
        torch.testing.assert_close(a, b, rtol=0, atol=0)


@pytest.mark.parametrize("decoupled", [False, True], ids=["adam", "adamw"])
def test_updates_stay_inside_their_buffers(decoupled):
    """param, exp_avg and exp_avg_sq, updated in place, lie inside guard values (and so does the
    gradient, which must not be written at all): 3 blocks of the interpreter's 128 and 5 more."""
    g = torch.Generator().manual_seed(8)
    n = 389
    start, grads = torch.randn(n, generator=g), [torch.randn(n, generator=g) for _ in range(2)]
    hyper = dict(lr=1e-2, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.1, decoupled=decoupled)
    (param, check_param), (exp_avg, check_m), (exp_avg_sq, check_v) = (
        guarded_like(t) for t in (start, torch.zeros(n), torch.zeros(n)))
    for step, grad in enumerate(grads, start=1):
        guarded_grad, check_grad = guarded_like(grad)
        adam_step(param, guarded_grad, exp_avg, exp_avg_sq, lr=1e-2, beta1=0.9, beta2=0.999, eps=1e-8,
                  weight_decay=0.1, step=step, decoupled=decoupled)
        check_grad()
        assert torch.equal(guarded_grad, grad)
    for check in (check_param, check_m, check_v):
        check()
    for ours, theirs in zip((param, exp_avg, exp_avg_sq), run_torch(start, grads, **hyper)):
        torch.testing.assert_close(ours, theirs, rtol=1e-6, atol=1e-6)


def test_rejects_bad_arguments():
    p = torch.zeros(4)
    hyper = dict(lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0, decoupled=False)
    with pytest.raises(ValueError, match=r"grad has shape \(5,\), param has \(4,\)"):
        adam_step(p, torch.zeros(5), torch.zeros(4), torch.zeros(4), step=1, **hyper)
    with pytest.raises(ValueError, match="must be contiguous"):
        adam_step(torch.zeros(4, 2).T, torch.zeros(2, 4), torch.zeros(2, 4), torch.zeros(2, 4), step=1, **hyper)
    with pytest.raises(TypeError, match="float16, bfloat16 or float32"):
        adam_step(p, torch.zeros(4, dtype=torch.int64), torch.zeros(4), torch.zeros(4), step=1, **hyper)
    with pytest.raises(ValueError, match="step counts from 1"):
        adam_step(p, p, torch.zeros(4), torch.zeros(4), step=0, **hyper)
