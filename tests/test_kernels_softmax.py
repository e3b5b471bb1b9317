"""The softmax / log-softmax Triton kernels against torch, run through Triton's interpreter.

Rows are short, but `block_size` is drawn small too, so both code paths run: one
block holding the whole row, and the online (running max and sum) pass over
several chunks with a ragged last chunk.
"""
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

pytest.importorskip("triton", reason="the Triton kernels need triton: pip install -e '.[kernels]'")
torch = pytest.importorskip("torch", reason="the Triton kernels take torch tensors: pip install -e '.[kernels]'")

from tinygrad_lite.kernels.softmax import (  # noqa: E402
    log_softmax_backward, log_softmax_forward, softmax_backward, softmax_forward,
)

from kernel_guards import guarded_outputs  # noqa: E402

# block_size None: one block per row; small powers of two: the chunked online pass.
block_sizes = st.sampled_from([None, 8, 16])
# (rtol, atol) of low-precision results: rounding to the dtype dominates.
LOW_PRECISION = {torch.float16: (1e-3, 1e-3), torch.bfloat16: (1.6e-2, 1.6e-2)}


def random_rows(seed, rows, n, dtype=torch.float32, scale=3.0):
    gen = torch.Generator().manual_seed(seed)
    return (torch.randn(rows, n, generator=gen, dtype=torch.float64) * scale).to(dtype)


def torch_reference(x, grad, log):
    """Forward and input gradient computed by torch in float64 from the same (rounded) inputs."""
    x64 = x.double().requires_grad_()
    y = torch.log_softmax(x64, dim=1) if log else torch.softmax(x64, dim=1)
    y.backward(grad.double())
    return y.detach(), x64.grad


def assert_close(ours, theirs, rtol, atol):
    torch.testing.assert_close(ours.double(), theirs.double(), rtol=rtol, atol=atol)


@given(rows=st.integers(1, 4), n=st.integers(1, 50), block_size=block_sizes, log=st.booleans(),
       seed=st.integers(0, 2**16))
def test_forward_and_backward_match_torch_float32(rows, n, block_size, log, seed):
    x = random_rows(seed, rows, n)
    grad = random_rows(seed + 1, rows, n)
    forward, backward = (log_softmax_forward, log_softmax_backward) if log else (softmax_forward, softmax_backward)
    y = forward(x, block_size)
    dx = backward(y, grad, block_size)
    y_ref, dx_ref = torch_reference(x, grad, log)
    assert y.dtype == dx.dtype == torch.float32 and y.shape == dx.shape == x.shape
    tol = 1e-5 * math.sqrt(n)  # the row sums reduce over n terms
    assert_close(y, y_ref, tol, tol)
    assert_close(dx, dx_ref, tol, tol)


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16])
@pytest.mark.parametrize("log", [False, True])
@pytest.mark.parametrize("block_size", [None, 16])
def test_low_precision_inputs_match_torch(dtype, log, block_size):
    x = random_rows(0, 3, 53, dtype)
    grad = random_rows(1, 3, 53, dtype, scale=1.0)
    forward, backward = (log_softmax_forward, log_softmax_backward) if log else (softmax_forward, softmax_backward)
    y = forward(x, block_size)
    dx = backward(y, grad, block_size)
    assert y.dtype == dx.dtype == dtype
    rtol, atol = LOW_PRECISION[dtype]
    y_ref = torch.log_softmax(x.double(), dim=1) if log else torch.softmax(x.double(), dim=1)
    assert_close(y, y_ref, rtol, atol)
    # The backward is held to the formula evaluated in float64 on the same rounded y.
    y64, g64 = y.double(), grad.double()
    dx_ref = g64 - y64.exp() * g64.sum(1, keepdim=True) if log else y64 * (g64 - (g64 * y64).sum(1, keepdim=True))
    assert_close(dx, dx_ref, rtol, atol)


@given(rows=st.integers(1, 4), n=st.integers(1, 50), block_size=block_sizes, seed=st.integers(0, 2**16))
def test_rows_sum_to_one(rows, n, block_size, seed):
    y = softmax_forward(random_rows(seed, rows, n, scale=10.0), block_size)
    assert torch.all(y >= 0)
    torch.testing.assert_close(y.double().sum(1), torch.ones(rows, dtype=torch.float64), rtol=0, atol=1e-6 * n)


@given(n=st.integers(1, 40), block_size=block_sizes, shift=st.integers(-64, 64), log=st.booleans(),
       seed=st.integers(0, 2**16))
def test_shift_invariance_is_exact(n, block_size, shift, log, seed):
    """softmax(x + c) = softmax(x): on a grid of multiples of 1/8 adding an integer is exact in
    float32, every x_i - m is then the same number, so the kernel's results agree bit for bit."""
    x = torch.round(random_rows(seed, 3, n) * 8) / 8
    forward = log_softmax_forward if log else softmax_forward
    assert torch.equal(forward(x + shift, block_size), forward(x, block_size))


@pytest.mark.parametrize("block_size", [None, 4])
def test_extreme_logits_stay_finite_and_exact(block_size):
    x = torch.tensor([[1e4, -1e4, 0.0, 1e4 - 1.0, -1e4, 3.0],
                      [-1e4, -1e4 + 2.0, -1e4, -1e4, -1e4 + 0.5, -1e4]])
    grad = random_rows(7, *x.shape)
    for log in (False, True):
        forward, backward = (log_softmax_forward, log_softmax_backward) if log else (softmax_forward, softmax_backward)
        y = forward(x, block_size)
        dx = backward(y, grad, block_size)
        y_ref, dx_ref = torch_reference(x, grad, log)
        assert torch.isfinite(y).all() and torch.isfinite(dx).all()
        assert_close(y, y_ref, 1e-6, 1e-6)
        assert_close(dx, dx_ref, 1e-6, 1e-6)


def test_long_row_takes_the_chunked_path_by_default():
    """A row longer than one block (8192) runs the online pass with the default chunk size."""
    x = random_rows(3, 2, 8192 + 37, scale=20.0)
    grad = random_rows(4, 2, 8192 + 37)
    for log in (False, True):
        forward, backward = (log_softmax_forward, log_softmax_backward) if log else (softmax_forward, softmax_backward)
        y = forward(x)
        y_ref, dx_ref = torch_reference(x, grad, log)
        assert_close(y, y_ref, 1e-5, 1e-6)
        assert_close(backward(y, grad), dx_ref, 1e-5, 1e-5)


def test_empty_input_gives_empty_output():
    assert softmax_forward(torch.empty(0, 5)).shape == (0, 5)
    assert log_softmax_backward(torch.empty(3, 0), torch.empty(3, 0)).shape == (3, 0)


def test_bad_input_is_rejected_with_the_shapes():
    with pytest.raises(ValueError, match=r"softmax_forward: .*\(2, 3, 4\)"):
        softmax_forward(torch.zeros(2, 3, 4))
    with pytest.raises(TypeError, match="float64"):
        log_softmax_forward(torch.zeros(2, 3, dtype=torch.float64))
    with pytest.raises(ValueError, match=r"\(2, 3\) and \(2, 4\)"):
        softmax_backward(torch.zeros(2, 3), torch.zeros(2, 4))
    with pytest.raises(ValueError, match="power of two"):
        softmax_forward(torch.zeros(2, 30), block_size=12)


@pytest.mark.parametrize("block_size", [None, 16])
@pytest.mark.parametrize("log", [False, True])
def test_outputs_stay_inside_their_buffers(block_size, log):
    """y and dx lie inside guard values, with gaps between rows: the masked stores write each
    row of 37 (ending mid-block, or mid-chunk of 16) exactly, and nothing past it."""
    x, grad = random_rows(5, 3, 37), random_rows(6, 3, 37)
    forward, backward = (log_softmax_forward, log_softmax_backward) if log else (softmax_forward, softmax_backward)
    with guarded_outputs() as guards:
        y = forward(x, block_size)
        dx = backward(y, grad, block_size)
    assert guards.count == 2
    y_ref, dx_ref = torch_reference(x, grad, log)
    tol = 1e-5 * math.sqrt(37)
    assert_close(y, y_ref, tol, tol)
    assert_close(dx, dx_ref, tol, tol)
