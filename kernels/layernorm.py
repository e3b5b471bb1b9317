"""Layer normalisation over the rows of an (N, D) matrix: forward, and backward in two kernels.

Forward. Each row x (D values) is centred and scaled to unit variance, then given
a learned scale w and shift b (both optional, one value per column):

    mean = sum_j x_j / D,   var = sum_j (x_j - mean)^2 / D,   rstd = 1 / sqrt(var + eps)
    xhat = (x - mean) rstd,   y = xhat * w + b

One program normalises one row, in float32 whatever x's dtype. The variance is
taken in a second pass over the row, of (x - mean)^2, rather than as
E[x^2] - E[x]^2 in one pass: that difference cancels catastrophically when |mean|
is large against the spread (for a row near 1000 with spread 1, x^2 ~ 1e6 is held
to 0.06 in float32, and the variance comes out several percent wrong). A row is
read in blocks of BLOCK_D columns, looping when D > BLOCK_D: three loops (mean;
variance; normalise and store), with BLOCK_D = next_power_of_2(D) capped at
MAX_BLOCK_D (4096 on a GPU, spread over up to 16 warps: at most 8 float32 values
of a block per thread). A row is small next to the caches, so the second and third
loops mostly read it from L1/L2 rather than DRAM. The forward saves mean and rstd
(float32, shape (N, 1)) for the backward.

Backward. Let gy = dL/dxhat = dL/dy * w (dL/dy itself without a weight). Each
xhat_i depends on the whole row through mean and rstd = (var + eps)^(-1/2):

    d mean / dx_j = 1/D,   d var / dx_j = 2 (x_j - mean) / D   (the sum of x_i - mean is 0),
    d rstd / dx_j = -rstd^3 (x_j - mean) / D,
    d xhat_i / dx_j = rstd (delta_ij - 1/D) - (x_i - mean) rstd^3 (x_j - mean) / D
                    = rstd (delta_ij - 1/D - xhat_i xhat_j / D),

and summing gy_i times that over i:

    dx_j = rstd * (gy_j - mean_i(gy_i) - xhat_j * mean_i(gy_i xhat_i))

(the two means remove what normalisation cannot change: a shift of the row, and a
scaling of xhat). Per row that is one loop for the two means, and one to write dx:
`_layer_norm_backward_dx_kernel`, one program per row.

The parameter gradients sum over rows instead of along them:

    dw_j = sum_rows dL/dy_j * xhat_j        db_j = sum_rows dL/dy_j

A second kernel, `_layer_norm_backward_dwdb_kernel`, reduces them column-wise:
program (c, r) takes BLOCK_D columns of the r-th chunk of `rows_per_program` rows,
sums that chunk into row r of a float32 (chunks, D) array of partial sums, and
`partials.sum(0)` (torch) adds the chunks. Splitting the rows into chunks gives the
GPU enough programs to fill it when D is small (about 1024 programs are aimed
for); writing partials, instead of accumulating with atomics, keeps the result
deterministic: the same bits on every run. This pass reads x and dL/dy a second
time, one more read of both than a kernel fused with the dx one would make, in
exchange for two kernels that each do one simple thing.
"""
import torch
import triton
import triton.language as tl

from ._runtime import as_element_type, empty, interpreting

_FLOAT_DTYPES = (torch.float16, torch.bfloat16, torch.float32)
# Small caps under the interpreter make small test rows span several blocks.
MAX_BLOCK_D = 32 if interpreting() else 4096
# The column reduction for dw, db: tile shape, and about how many programs to launch.
_REDUCE_BLOCK_N, _REDUCE_BLOCK_D, _REDUCE_PROGRAMS = (4, 16, 8) if interpreting() else (16, 128, 1024)


@triton.jit
def _layer_norm_forward_kernel(x_ptr, y_ptr, w_ptr, b_ptr, mean_ptr, rstd_ptr, stride_x, stride_y, D, eps,
                               HAS_WEIGHT: tl.constexpr, HAS_BIAS: tl.constexpr, BLOCK_D: tl.constexpr):
    row = tl.program_id(0).to(tl.int64)
    x_row = x_ptr + row * stride_x
    y_row = y_ptr + row * stride_y

    total = tl.zeros((BLOCK_D,), dtype=tl.float32)
    for d0 in range(0, D, BLOCK_D):
        cols = d0 + tl.arange(0, BLOCK_D)
        total += tl.load(x_row + cols, mask=cols < D, other=0.0).to(tl.float32)
    mean = tl.sum(total, axis=0) / D

    squares = tl.zeros((BLOCK_D,), dtype=tl.float32)
    for d0 in range(0, D, BLOCK_D):
        cols = d0 + tl.arange(0, BLOCK_D)
        x = tl.load(x_row + cols, mask=cols < D, other=0.0).to(tl.float32)
        centred = tl.where(cols < D, x - mean, 0.0)
        squares += centred * centred
    rstd = 1.0 / tl.sqrt(tl.sum(squares, axis=0) / D + eps)
    tl.store(mean_ptr + row, mean)
    tl.store(rstd_ptr + row, rstd)

    for d0 in range(0, D, BLOCK_D):
        cols = d0 + tl.arange(0, BLOCK_D)
        in_row = cols < D
        x = tl.load(x_row + cols, mask=in_row, other=0.0).to(tl.float32)
        y = (x - mean) * rstd
        if HAS_WEIGHT:
            y = y * tl.load(w_ptr + cols, mask=in_row, other=0.0).to(tl.float32)
        if HAS_BIAS:
            y = y + tl.load(b_ptr + cols, mask=in_row, other=0.0).to(tl.float32)
        tl.store(y_row + cols, as_element_type(y, y_ptr), mask=in_row)


@triton.jit
def _layer_norm_backward_dx_kernel(x_ptr, w_ptr, mean_ptr, rstd_ptr, grad_ptr, dx_ptr,
                                   stride_x, stride_grad, stride_dx, D,
                                   HAS_WEIGHT: tl.constexpr, BLOCK_D: tl.constexpr):
    row = tl.program_id(0).to(tl.int64)
    x_row = x_ptr + row * stride_x
    grad_row = grad_ptr + row * stride_grad
    dx_row = dx_ptr + row * stride_dx
    mean = tl.load(mean_ptr + row).to(tl.float32)
    rstd = tl.load(rstd_ptr + row).to(tl.float32)

    # mean(gy * xhat) and mean(gy) over the row; masked lanes load 0 and add nothing.
    sum_gy_xhat = tl.zeros((BLOCK_D,), dtype=tl.float32)
    sum_gy = tl.zeros((BLOCK_D,), dtype=tl.float32)
    for d0 in range(0, D, BLOCK_D):
        cols = d0 + tl.arange(0, BLOCK_D)
        in_row = cols < D
        x = tl.load(x_row + cols, mask=in_row, other=0.0).to(tl.float32)
        gy = tl.load(grad_row + cols, mask=in_row, other=0.0).to(tl.float32)
        if HAS_WEIGHT:
            gy = gy * tl.load(w_ptr + cols, mask=in_row, other=0.0).to(tl.float32)
        sum_gy_xhat += gy * ((x - mean) * rstd)
        sum_gy += gy
    mean_gy_xhat = tl.sum(sum_gy_xhat, axis=0) / D
    mean_gy = tl.sum(sum_gy, axis=0) / D

    for d0 in range(0, D, BLOCK_D):
        cols = d0 + tl.arange(0, BLOCK_D)
        in_row = cols < D
        x = tl.load(x_row + cols, mask=in_row, other=0.0).to(tl.float32)
        gy = tl.load(grad_row + cols, mask=in_row, other=0.0).to(tl.float32)
        if HAS_WEIGHT:
            gy = gy * tl.load(w_ptr + cols, mask=in_row, other=0.0).to(tl.float32)
        xhat = (x - mean) * rstd
        dx = rstd * (gy - mean_gy - xhat * mean_gy_xhat)
        tl.store(dx_row + cols, as_element_type(dx, dx_ptr), mask=in_row)


@triton.jit
def _layer_norm_backward_dwdb_kernel(x_ptr, mean_ptr, rstd_ptr, grad_ptr, dw_partial_ptr, db_partial_ptr,
                                     stride_x, stride_grad, N, D, rows_per_program,
                                     BLOCK_N: tl.constexpr, BLOCK_D: tl.constexpr):
    cols = tl.program_id(0) * BLOCK_D + tl.arange(0, BLOCK_D)
    chunk = tl.program_id(1)
    first_row = chunk * rows_per_program
    end_row = min(first_row + rows_per_program, N)

    dw = tl.zeros((BLOCK_N, BLOCK_D), dtype=tl.float32)
    db = tl.zeros((BLOCK_N, BLOCK_D), dtype=tl.float32)
    for r0 in range(first_row, end_row, BLOCK_N):
        rows = (r0 + tl.arange(0, BLOCK_N)).to(tl.int64)
        in_rows = rows < end_row
        mask = in_rows[:, None] & (cols < D)[None, :]
        x = tl.load(x_ptr + rows[:, None] * stride_x + cols[None, :], mask=mask, other=0.0).to(tl.float32)
        g = tl.load(grad_ptr + rows[:, None] * stride_grad + cols[None, :], mask=mask, other=0.0).to(tl.float32)
        mean = tl.load(mean_ptr + rows, mask=in_rows, other=0.0).to(tl.float32)
        rstd = tl.load(rstd_ptr + rows, mask=in_rows, other=0.0).to(tl.float32)
        dw += g * ((x - mean[:, None]) * rstd[:, None])  # masked lanes: g = 0
        db += g

    out = chunk.to(tl.int64) * D + cols
    tl.store(dw_partial_ptr + out, tl.sum(dw, axis=0), mask=cols < D)
    tl.store(db_partial_ptr + out, tl.sum(db, axis=0), mask=cols < D)


def _row_block(d):
    """(BLOCK_D, num_warps) for a row kernel over rows of d elements: 8 values a thread at most
    (more, at 4096 columns and 8 warps, spills registers in the backward on sm_90)."""
    block = min(triton.next_power_of_2(d), MAX_BLOCK_D)
    return block, min(max(block // 256, 1), 16)


def _unit_column_stride(t):
    return t if t.stride(1) == 1 else t.contiguous()


def _check_rows(op, x2d, weight, bias=None):
    if x2d.dim() != 2:
        raise ValueError(f"{op}: expects an (N, D) matrix of rows, got shape {tuple(x2d.shape)}")
    if x2d.shape[1] == 0:
        raise ValueError(f"{op}: rows of {tuple(x2d.shape)} are empty: there is nothing to normalise")
    for name, t in (("x", x2d), ("weight", weight), ("bias", bias)):
        if t is None:
            continue
        if t.dtype not in _FLOAT_DTYPES:
            raise TypeError(f"{op}: {name} must be float16, bfloat16 or float32, got {t.dtype}")
        if name != "x" and tuple(t.shape) != (x2d.shape[1],):
            raise ValueError(f"{op}: {name} must have shape ({x2d.shape[1]},) for x {tuple(x2d.shape)}, "
                             f"got {tuple(t.shape)}")


def layer_norm_forward(x2d, weight, bias, eps):
    """Normalise each row of x2d (N, D): y = (x - mean) * rstd * weight + bias.

    weight and bias are None or (D,). Returns y (x's dtype, contiguous), and mean
    and rstd of each row as float32 (N, 1) tensors.
    """
    _check_rows("layer_norm", x2d, weight, bias)
    x2d = _unit_column_stride(x2d)
    n, d = x2d.shape
    y = empty((n, d), x2d.dtype, x2d.device, any_row_stride=True)
    mean = empty((n, 1), torch.float32, x2d.device)
    rstd = empty((n, 1), torch.float32, x2d.device)
    if n:
        block, warps = _row_block(d)
        _layer_norm_forward_kernel[(n,)](
            x2d, y, weight.contiguous() if weight is not None else x2d, bias.contiguous() if bias is not None else x2d,
            mean, rstd, x2d.stride(0), y.stride(0), d, float(eps),
            HAS_WEIGHT=weight is not None, HAS_BIAS=bias is not None, BLOCK_D=block, num_warps=warps,
        )
    return y, mean, rstd


def layer_norm_backward(x2d, weight, mean, rstd, grad):
    """Gradients of layer_norm_forward: (dx, dweight, dbias) for dL/dy = grad (N, D).

    mean and rstd are the forward's (any shape holding N values). dx has x's dtype;
    dweight and dbias are (D,) in weight's dtype (x's when there is no weight).
    They are returned even without a weight or bias: they are the gradients those
    parameters would get.
    """
    _check_rows("layer_norm_backward", x2d, weight)
    if grad.shape != x2d.shape:
        raise ValueError(f"layer_norm_backward: grad {tuple(grad.shape)} must match x {tuple(x2d.shape)}")
    n, d = x2d.shape
    if mean.numel() != n or rstd.numel() != n:
        raise ValueError(f"layer_norm_backward: mean {tuple(mean.shape)} and rstd {tuple(rstd.shape)} "
                         f"must hold one value per row of x {tuple(x2d.shape)}")
    x2d, grad = _unit_column_stride(x2d), _unit_column_stride(grad)
    mean, rstd = mean.reshape(n).contiguous(), rstd.reshape(n).contiguous()
    param_dtype = weight.dtype if weight is not None else x2d.dtype
    dx = empty((n, d), x2d.dtype, x2d.device, any_row_stride=True)
    if n == 0:
        zeros = torch.zeros(d, dtype=param_dtype, device=x2d.device)
        return dx, zeros, zeros.clone()

    block, warps = _row_block(d)
    _layer_norm_backward_dx_kernel[(n,)](
        x2d, weight.contiguous() if weight is not None else x2d, mean, rstd, grad, dx,
        x2d.stride(0), grad.stride(0), dx.stride(0), d,
        HAS_WEIGHT=weight is not None, BLOCK_D=block, num_warps=warps,
    )

    column_blocks = triton.cdiv(d, _REDUCE_BLOCK_D)
    chunks_wanted = triton.cdiv(_REDUCE_PROGRAMS, column_blocks)
    rows_per_program = max(triton.cdiv(triton.cdiv(n, chunks_wanted), _REDUCE_BLOCK_N), 1) * _REDUCE_BLOCK_N
    chunks = triton.cdiv(n, rows_per_program)
    dw_partial = empty((chunks, d), torch.float32, x2d.device)
    db_partial = empty((chunks, d), torch.float32, x2d.device)
    _layer_norm_backward_dwdb_kernel[(column_blocks, chunks)](
        x2d, mean, rstd, grad, dw_partial, db_partial,
        x2d.stride(0), grad.stride(0), n, d, rows_per_program,
        BLOCK_N=_REDUCE_BLOCK_N, BLOCK_D=_REDUCE_BLOCK_D,
    )
    return dx, dw_partial.sum(0).to(param_dtype), db_partial.sum(0).to(param_dtype)
