"""The layer-norm kernels against torch, under Triton's interpreter.

The reference is torch's layer_norm in float64 on the same (already rounded)
inputs, differentiated by autograd. Row lengths are drawn past the interpreter's
block cap (MAX_BLOCK_D), so rows are read in several blocks, and the row counts
split the dweight/dbias reduction into several chunks of rows.
"""
import math

import pytest

pytest.importorskip("triton", reason="the kernels are Triton kernels: pip install -e '.[kernels]'")
torch = pytest.importorskip("torch", reason="the kernels run on torch tensors: pip install -e '.[kernels]'")

from hypothesis import given, strategies as st  # noqa: E402

from tinygrad_lite.kernels.layernorm import MAX_BLOCK_D, layer_norm_backward, layer_norm_forward  # noqa: E402

from kernel_guards import guarded_outputs  # noqa: E402

EPS = 1e-5
TOLERANCE = {torch.float32: (1e-5, 1e-6), torch.float16: (1e-3, 1e-3), torch.bfloat16: (1.6e-2, 1.6e-2)}


def torch_reference(x, weight, bias, grad):
    """y, mean, rstd, dx, dweight, dbias in float64 (dweight/dbias as if weight/bias were ones/zeros when None)."""
    d = x.shape[1]
    x64 = x.double().requires_grad_()
    w64 = (weight.double() if weight is not None else torch.ones(d, dtype=torch.float64)).requires_grad_()
    b64 = (bias.double() if bias is not None else torch.zeros(d, dtype=torch.float64)).requires_grad_()
    y = torch.nn.functional.layer_norm(x64, (d,), w64, b64, EPS)
    y.backward(grad.double())
    mean = x64.detach().mean(1, keepdim=True)
    rstd = 1 / torch.sqrt(x64.detach().var(1, unbiased=False, keepdim=True) + EPS)
    return y.detach(), mean, rstd, x64.grad, w64.grad, b64.grad


def check_against_torch(x, weight, bias, grad):
    dtype = x.dtype
    rtol, atol = TOLERANCE[dtype]
    n, d = x.shape
    y, mean, rstd = layer_norm_forward(x, weight, bias, EPS)
    dx, dweight, dbias = layer_norm_backward(x, weight, mean, rstd, grad)
    ref_y, ref_mean, ref_rstd, ref_dx, ref_dw, ref_db = torch_reference(x, weight, bias, grad)

    assert y.dtype == dtype and dx.dtype == dtype
    assert mean.shape == rstd.shape == (n, 1) and mean.dtype == rstd.dtype == torch.float32
    assert dweight.shape == dbias.shape == (d,)
    close = lambda ours, ref, scale=1: torch.testing.assert_close(  # noqa: E731
        ours.double(), ref.to(ours.dtype).double(), rtol=rtol * scale, atol=atol * scale)
    close(y, ref_y)
    close(mean, ref_mean, math.sqrt(d))
    close(rstd, ref_rstd, math.sqrt(d))
    close(dx, ref_dx, math.sqrt(d))
    close(dweight, ref_dw, math.sqrt(n))  # sums over the n rows
    close(dbias, ref_db, math.sqrt(n))


@st.composite
def problems(draw, dtypes=(torch.float32,)):
    dtype = draw(st.sampled_from(dtypes))
    n = draw(st.integers(1, 12))
    d = draw(st.integers(1, 3 * MAX_BLOCK_D - 1))
    g = torch.Generator().manual_seed(draw(st.integers(0, 2 ** 31 - 1)))
    shift = draw(st.sampled_from([0.0, 3.0]))
    x = (torch.randn(n, d, generator=g) * 2 + shift).to(dtype)
    if draw(st.booleans()):  # rows that are not contiguous with each other: a column slice
        x = torch.cat([x, torch.zeros(n, 3, dtype=dtype)], dim=1)[:, :d]
    weight = torch.randn(d, generator=g).to(dtype) if draw(st.booleans()) else None
    bias = torch.randn(d, generator=g).to(dtype) if draw(st.booleans()) else None
    grad = torch.randn(n, d, generator=g).to(dtype)
    return x, weight, bias, grad


@given(problem=problems())
def test_float32_matches_torch(problem):
    check_against_torch(*problem)


@given(problem=problems(dtypes=(torch.float16, torch.bfloat16)))
def test_half_precision_matches_torch(problem):
    check_against_torch(*problem)


def test_rows_longer_than_a_block_and_many_row_chunks():
    """A row of several blocks plus a partial one; enough rows for several dweight/dbias chunks."""
    g = torch.Generator().manual_seed(0)
    n, d = 37, 2 * MAX_BLOCK_D + 3
    x, grad = torch.randn(n, d, generator=g), torch.randn(n, d, generator=g)
    weight, bias = torch.randn(d, generator=g), torch.randn(d, generator=g)
    check_against_torch(x, weight, bias, grad)


@pytest.mark.parametrize("affine", [False, True], ids=["plain", "weight_and_bias"])
def test_outputs_stay_inside_their_buffers(affine):
    """y, mean, rstd, dx and the partial dweight/dbias sums lie inside guard values (y and dx with
    gaps between rows): rows one past a block and a half, in row chunks that end part-way."""
    g = torch.Generator().manual_seed(6)
    n, d = 9, MAX_BLOCK_D + MAX_BLOCK_D // 2 + 1
    x, grad = torch.randn(n, d, generator=g), torch.randn(n, d, generator=g)
    weight, bias = (torch.randn(d, generator=g), torch.randn(d, generator=g)) if affine else (None, None)
    with guarded_outputs() as guards:
        check_against_torch(x, weight, bias, grad)
    assert guards.count == 6


def test_variance_is_two_pass_accurate_for_a_large_mean():
    """Rows near 1000 with spread 1: E[x^2] - E[x]^2 in float32 (x^2 ~ 1e6, spaced 0.06 apart) would
    get the variance wrong by several percent; the mean of (x - mean)^2 keeps it to float32 accuracy."""
    g = torch.Generator().manual_seed(1)
    x = 1000 + torch.randn(4, 50, generator=g)
    y, _, rstd = layer_norm_forward(x, None, None, EPS)
    ref_y, _, ref_rstd, *_ = torch_reference(x, None, None, torch.zeros_like(x))
    torch.testing.assert_close(rstd.double(), ref_rstd, rtol=1e-4, atol=0)
    torch.testing.assert_close(y.double(), ref_y, rtol=1e-3, atol=1e-3)


def test_constant_row_is_normalised_to_zero():
    y, mean, rstd = layer_norm_forward(torch.full((2, 5), 3.0), None, None, EPS)
    assert torch.equal(y, torch.zeros(2, 5))
    torch.testing.assert_close(mean, torch.full((2, 1), 3.0))
    torch.testing.assert_close(rstd, torch.full((2, 1), 1 / math.sqrt(EPS)))


def test_no_rows():
    x = torch.empty(0, 4)
    y, mean, rstd = layer_norm_forward(x, None, None, EPS)
    assert y.shape == (0, 4) and mean.shape == rstd.shape == (0, 1)
    dx, dweight, dbias = layer_norm_backward(x, torch.ones(4), mean, rstd, x)
    assert dx.shape == (0, 4)
    assert torch.equal(dweight, torch.zeros(4)) and torch.equal(dbias, torch.zeros(4))


def test_rejects_bad_arguments():
    x = torch.randn(3, 4)
    with pytest.raises(ValueError, match=r"\(N, D\) matrix of rows, got shape \(12,\)"):
        layer_norm_forward(x.reshape(12), None, None, EPS)
    with pytest.raises(ValueError, match=r"weight must have shape \(4,\)"):
        layer_norm_forward(x, torch.ones(5), None, EPS)
    with pytest.raises(ValueError, match="empty"):
        layer_norm_forward(torch.empty(3, 0), None, None, EPS)
    with pytest.raises(TypeError, match="float16, bfloat16 or float32"):
        layer_norm_forward(x.double(), None, None, EPS)
    _, mean, rstd = layer_norm_forward(x, None, None, EPS)
    with pytest.raises(ValueError, match=r"grad \(3, 5\) must match x \(3, 4\)"):
        layer_norm_backward(x, None, mean, rstd, torch.randn(3, 5))
    with pytest.raises(ValueError, match="one value per row"):
        layer_norm_backward(x, None, mean[:2], rstd[:2], torch.randn(3, 4))
