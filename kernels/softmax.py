"""Row-wise softmax and log-softmax over the last axis of a (rows, n) tensor, forward and backward.

Why subtract the maximum
------------------------
softmax(x)_i = exp(x_i) / sum_j exp(x_j). For any constant c,

    exp(x_i - c) / sum_j exp(x_j - c) = exp(-c) exp(x_i) / (exp(-c) sum_j exp(x_j)) = softmax(x)_i,

so the result does not depend on c. Choosing c = m = max_j x_j makes every
exponent <= 0: no exp() overflows, and the largest term is exp(0) = 1, so the sum
is at least 1 and the division is safe. Logits of 1e4 are then as easy as logits
of 1. In log space, log_softmax(x)_i = (x_i - m) - log(l) with l = sum_j exp(x_j - m);
both terms are computed from small numbers, never from log(exp(1e4)).

One block when the row fits
---------------------------
When the row has at most `_MAX_ONE_BLOCK` elements, one program loads it whole,
takes m and l with two reductions over registers, and writes the result: one
read and one write of the row, the minimum.

Online softmax over chunks when it does not
-------------------------------------------
A longer row is read in chunks x^(1), x^(2), ... of BLOCK columns. After the
first k chunks keep the running maximum m_k and the running sum l_k, taken
relative to that maximum:

    m_k = max(m_{k-1}, max_i x^(k)_i)
    l_k = sum over the columns seen so far of exp(x_j - m_k).

When the next chunk raises the maximum from m_old to m_new, every term already in
l was computed as exp(x_j - m_old); multiplying it by exp(m_old - m_new) turns it
into exp(x_j - m_new). Hence the update

    l_new = l_old * exp(m_old - m_new) + sum_i exp(x^(k)_i - m_new),

which starts from m_0 = -inf, l_0 = 0 (exp(-inf - m_new) = 0 drops the empty
start; every chunk holds at least one real column, so m_new is finite). The
factor exp(m_old - m_new) <= 1, so nothing overflows. After the last chunk m and l
are exactly the row's maximum and sum of exp(x_j - m), found in one read; a
second read writes exp(x_i - m) / l (or x_i - m - log l).

Backward
--------
For y = softmax(x) the Jacobian is dy_i/dx_j = y_i (delta_ij - y_j), so with the
upstream gradient g:

    dx_i = sum_j g_j y_j (delta_ij - y_i) = y_i (g_i - sum_j g_j y_j).

For out = log_softmax(x), d out_i/dx_j = delta_ij - softmax(x)_j, so

    dx_i = g_i - softmax(x)_i sum_j g_j = g_i - exp(out_i) sum_j g_j.

Both need one row reduction (sum_j g_j y_j, or sum_j g_j) before the
elementwise step: in registers when the row fits, one extra read when it does not.

Inputs may be float32, float16 or bfloat16; all arithmetic is float32, the
result has the input's dtype.
"""
import torch
import triton
import triton.language as tl

from ._runtime import as_element_type, empty

# A row of up to this many elements is held in registers by one program.
_MAX_ONE_BLOCK = 8192
# Columns per chunk when a row is longer.
_CHUNK = 4096
_DTYPES = (torch.float32, torch.float16, torch.bfloat16)


@triton.jit
def _softmax_forward_kernel(x_ptr, y_ptr, n_cols, stride_x, stride_y,
                            BLOCK: tl.constexpr, ONE_BLOCK: tl.constexpr, LOG: tl.constexpr):
    """One program per row: y = softmax(x) (or log_softmax(x) when LOG)."""
    row = tl.program_id(0).to(tl.int64)
    x_row = x_ptr + row * stride_x
    y_row = y_ptr + row * stride_y
    cols = tl.arange(0, BLOCK)
    if ONE_BLOCK:
        mask = cols < n_cols
        x = tl.load(x_row + cols, mask=mask, other=float("-inf")).to(tl.float32)
        m = tl.max(x, axis=0)
        e = tl.exp(x - m)  # padding columns: exp(-inf) = 0
        l = tl.sum(e, axis=0)
        y = (x - m) - tl.log(l) if LOG else e / l
        tl.store(y_row + cols, as_element_type(y, y_ptr), mask=mask)
    else:
        m = float("-inf")
        l = 0.0
        for start in range(0, n_cols, BLOCK):
            mask = start + cols < n_cols
            x = tl.load(x_row + start + cols, mask=mask, other=float("-inf")).to(tl.float32)
            m_new = tl.maximum(m, tl.max(x, axis=0))
            l = l * tl.exp(m - m_new) + tl.sum(tl.exp(x - m_new), axis=0)
            m = m_new
        log_l = tl.log(l)
        for start in range(0, n_cols, BLOCK):
            mask = start + cols < n_cols
            x = tl.load(x_row + start + cols, mask=mask, other=float("-inf")).to(tl.float32)
            y = (x - m) - log_l if LOG else tl.exp(x - m) / l
            tl.store(y_row + start + cols, as_element_type(y, y_ptr), mask=mask)


@triton.jit
def _softmax_backward_kernel(out_ptr, g_ptr, dx_ptr, n_cols, stride_out, stride_g, stride_dx,
                             BLOCK: tl.constexpr, ONE_BLOCK: tl.constexpr, LOG: tl.constexpr):
    """One program per row: dx = y (g - sum(g y)), or dx = g - exp(out) sum(g) when LOG."""
    row = tl.program_id(0).to(tl.int64)
    out_row = out_ptr + row * stride_out
    g_row = g_ptr + row * stride_g
    dx_row = dx_ptr + row * stride_dx
    cols = tl.arange(0, BLOCK)
    if ONE_BLOCK:
        mask = cols < n_cols
        out = tl.load(out_row + cols, mask=mask, other=0.0).to(tl.float32)
        g = tl.load(g_row + cols, mask=mask, other=0.0).to(tl.float32)
        if LOG:
            dx = g - tl.exp(out) * tl.sum(g, axis=0)
        else:
            dx = out * (g - tl.sum(g * out, axis=0))
        tl.store(dx_row + cols, as_element_type(dx, dx_ptr), mask=mask)
    else:
        partial = tl.zeros([BLOCK], dtype=tl.float32)  # per-lane partial sums, reduced once
        for start in range(0, n_cols, BLOCK):
            mask = start + cols < n_cols
            g = tl.load(g_row + start + cols, mask=mask, other=0.0).to(tl.float32)
            if LOG:
                partial += g
            else:
                partial += g * tl.load(out_row + start + cols, mask=mask, other=0.0).to(tl.float32)
        total = tl.sum(partial, axis=0)
        for start in range(0, n_cols, BLOCK):
            mask = start + cols < n_cols
            out = tl.load(out_row + start + cols, mask=mask, other=0.0).to(tl.float32)
            g = tl.load(g_row + start + cols, mask=mask, other=0.0).to(tl.float32)
            dx = g - tl.exp(out) * total if LOG else out * (g - total)
            tl.store(dx_row + start + cols, as_element_type(dx, dx_ptr), mask=mask)


def _check(op, *tensors):
    """Each tensor 2-D, of one float dtype the kernels take, all of the first one's shape."""
    first = tensors[0]
    for t in tensors:
        if t.dim() != 2:
            raise ValueError(f"{op}: expected a 2-D (rows, n) tensor, got shape {tuple(t.shape)}")
        if t.shape != first.shape:
            raise ValueError(f"{op}: shapes differ: {tuple(first.shape)} and {tuple(t.shape)}")
        if t.dtype not in _DTYPES:
            raise TypeError(f"{op}: dtype {t.dtype} is not supported; use float32, float16 or bfloat16")


def _plan(n_cols, block_size):
    """(BLOCK, ONE_BLOCK, num_warps) for rows of n_cols elements.

    `block_size` (a power of two) overrides the largest block held at once; the
    tests use a small one to run the chunked path on short rows.
    """
    limit = _MAX_ONE_BLOCK if block_size is None else block_size
    if limit <= 0 or limit & (limit - 1):
        raise ValueError(f"softmax: block_size must be a power of two, got {block_size}")
    if n_cols <= limit:
        block, one_block = triton.next_power_of_2(n_cols), True
    else:
        block, one_block = (_CHUNK if block_size is None else block_size), False
    return block, one_block, min(16, max(4, block // 512))


def _forward(op, x2d, log, block_size):
    _check(op, x2d)
    x = x2d.contiguous()
    y = empty(x.shape, x.dtype, x.device, any_row_stride=True)
    rows, n_cols = x.shape
    if rows == 0 or n_cols == 0:
        return y
    block, one_block, num_warps = _plan(n_cols, block_size)
    _softmax_forward_kernel[(rows,)](x, y, n_cols, x.stride(0), y.stride(0),
                                     BLOCK=block, ONE_BLOCK=one_block, LOG=log, num_warps=num_warps)
    return y


def _backward(op, out2d, grad2d, log, block_size):
    _check(op, out2d, grad2d)
    out, grad = out2d.contiguous(), grad2d.contiguous()
    dx = empty(out.shape, out.dtype, out.device, any_row_stride=True)
    rows, n_cols = out.shape
    if rows == 0 or n_cols == 0:
        return dx
    block, one_block, num_warps = _plan(n_cols, block_size)
    _softmax_backward_kernel[(rows,)](out, grad, dx, n_cols, out.stride(0), grad.stride(0), dx.stride(0),
                                      BLOCK=block, ONE_BLOCK=one_block, LOG=log, num_warps=num_warps)
    return dx


def softmax_forward(x2d, block_size=None):
    """y[r, i] = exp(x[r, i] - m_r) / sum_j exp(x[r, j] - m_r), m_r = max_j x[r, j]; y has x's dtype."""
    return _forward("softmax_forward", x2d, False, block_size)


def softmax_backward(y2d, grad2d, block_size=None):
    """dx = y * (g - rowsum(g * y)), from the forward's output y and the upstream gradient g."""
    return _backward("softmax_backward", y2d, grad2d, False, block_size)


def log_softmax_forward(x2d, block_size=None):
    """out[r, i] = (x[r, i] - m_r) - log sum_j exp(x[r, j] - m_r); out has x's dtype."""
    return _forward("log_softmax_forward", x2d, True, block_size)


def log_softmax_backward(out2d, grad2d, block_size=None):
    """dx = g - exp(out) * rowsum(g), from the forward's output `out` and the upstream gradient g."""
    return _backward("log_softmax_backward", out2d, grad2d, True, block_size)
