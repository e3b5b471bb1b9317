"""Fused softmax cross-entropy on (N, C) logits: per-row losses, and the gradient written directly.

The loss
--------
With z the logits of one row, p = softmax(z) and q' the smoothed target

    q'_c = (1 - eps) q_c + eps / C        (q one-hot at the class t, or given probabilities),

the loss is loss = -sum_c q'_c log p_c. Write log p_c = z_c - lse, with
lse = log sum_c exp(z_c) = m + log l, m = max_c z_c, l = sum_c exp(z_c - m):

    loss = sum_c q'_c (lse - z_c) = sum_c q'_c (m - z_c) + (log l) sum_c q'_c.

For a class index t, sum_c q'_c = 1 and the sum splits into the target's term and
the smoothing term:

    loss = log l + (1 - eps) (m - z_t) + (eps / C) sum_c (m - z_c).

Every term is >= 0 (m - z_c >= 0, l >= 1), so no cancellation can occur: at
logits of 1e4 the loss is as accurate as at logits of 1. Computing lse - z_t
instead would subtract two numbers near 1e4 and keep only ~1e-3 absolute accuracy.

One online pass over the vocabulary
-----------------------------------
The row is read once, in chunks of BLOCK columns, keeping four running numbers:
the maximum m, l = sum exp(z_c - m), W = sum w_c (m - z_c) and Q = sum w_c, where
w_c = q'_c (probability targets) or 1 (class targets, where W feeds the smoothing
term). When a chunk raises the maximum from m_old to m_new:

    l <- l exp(m_old - m_new) + sum_chunk exp(z_c - m_new)      (each old term was exp(z_c - m_old))
    W <- W + Q (m_new - m_old) + sum_chunk w_c (m_new - z_c)    (each old term was w_c (m_old - z_c))

The first rescales multiplicatively, the second shifts additively; both keep
their terms non-negative. No softmax is stored: the loss needs only m, l, W, Q and z_t.

The gradient: softmax - onehot
------------------------------
d lse / dz_c = exp(z_c - lse) = p_c, so

    d loss / dz_c = p_c sum_j q'_j - q'_c,

which for a class index (sum q' = 1) is p_c - (1 - eps) [c = t] - eps / C: softmax
minus the (smoothed) one-hot. The backward kernel multiplies it by the row's
upstream gradient (the engine applies the reduction: 1/count for "mean", 1 for
"sum", g_n for "none") and writes it, after recomputing m and l with the same
online pass. It never forms p from a stored lse: exp(z_c - lse) with lse rounded
to float32 near 1e4 would carry that rounding (~1e-3 relative) into every p_c,
whereas p_c = exp(z_c - m) / l only ever exponentiates the exact difference z_c - m.

Rows whose class target equals `ignore_index` get loss 0 and gradient 0.
Probability targets have no ignored rows (torch's rule). Logits may be float32,
float16 or bfloat16; arithmetic is float32; results have the logits' dtype.
"""
import torch
import triton
import triton.language as tl

from ._runtime import as_element_type, empty

_MAX_BLOCK = 2048  # columns per chunk of the online pass (8 per thread at 8 warps: no spills)
_DTYPES = (torch.float32, torch.float16, torch.bfloat16)


@triton.jit
def _online_row_stats(z_row, q_row, n_cols, smoothing, BLOCK: tl.constexpr, SOFT: tl.constexpr):
    """(m, l, W, Q) of one row in one pass: see the module docstring.

    SOFT: the weights are the smoothed probabilities q'_c read from q_row; else 1.
    """
    cols = tl.arange(0, BLOCK)
    m = float("-inf")
    l = 0.0
    w_sum = 0.0
    q_sum = 0.0
    for start in range(0, n_cols, BLOCK):
        mask = start + cols < n_cols
        z = tl.load(z_row + start + cols, mask=mask, other=float("-inf")).to(tl.float32)
        if SOFT:
            q = tl.load(q_row + start + cols, mask=mask, other=0.0).to(tl.float32)
            w = tl.where(mask, q * (1.0 - smoothing) + smoothing / n_cols, 0.0)
        else:
            w = tl.where(mask, 1.0, 0.0)
        m_new = tl.maximum(m, tl.max(z, axis=0))
        growth = tl.where(start == 0, 0.0, m_new - m)  # before the first chunk Q = 0 and m = -inf
        l = l * tl.exp(m - m_new) + tl.sum(tl.exp(z - m_new), axis=0)
        w_sum = w_sum + q_sum * growth + tl.sum(w * tl.where(mask, m_new - z, 0.0), axis=0)
        q_sum = q_sum + tl.sum(w, axis=0)
        m = m_new
    return m, l, w_sum, q_sum


@triton.jit
def _ce_forward_kernel(z_ptr, target_ptr, loss_ptr, n_cols, stride_z, stride_t, ignore_index, smoothing,
                       BLOCK: tl.constexpr, SOFT: tl.constexpr):
    """One program per row: its loss (0 for an ignored row)."""
    row = tl.program_id(0).to(tl.int64)
    z_row = z_ptr + row * stride_z
    if SOFT:
        m, l, w_sum, q_sum = _online_row_stats(z_row, target_ptr + row * stride_t, n_cols, smoothing,
                                               BLOCK, True)
        loss = w_sum + tl.log(l) * q_sum
    else:
        m, l, w_sum, q_sum = _online_row_stats(z_row, z_row, n_cols, smoothing, BLOCK, False)  # no weights read
        t = tl.load(target_ptr + row * stride_t)
        valid = t != ignore_index
        z_t = tl.load(z_row + tl.where(valid, t, 0)).to(tl.float32)
        loss = tl.log(l) + (1.0 - smoothing) * (m - z_t) + smoothing / n_cols * w_sum
        loss = tl.where(valid, loss, 0.0)
    tl.store(loss_ptr + row, as_element_type(loss, loss_ptr))


@triton.jit
def _ce_backward_kernel(z_ptr, target_ptr, row_grad_ptr, dz_ptr, n_cols, stride_z, stride_t, stride_dz,
                        ignore_index, smoothing, BLOCK: tl.constexpr, SOFT: tl.constexpr):
    """One program per row: dz = (softmax(z) sum(q') - q') * row_grad, after one online pass for m, l."""
    row = tl.program_id(0).to(tl.int64)
    z_row = z_ptr + row * stride_z
    target_row = target_ptr + row * stride_t  # the class index, or the row of probabilities
    dz_row = dz_ptr + row * stride_dz
    g = tl.load(row_grad_ptr + row).to(tl.float32)
    m, l, w_sum, q_sum = _online_row_stats(z_row, target_row, n_cols, smoothing, BLOCK, SOFT)
    if not SOFT:
        t = tl.load(target_row)
        g = tl.where(t != ignore_index, g, 0.0)
        q_sum = 1.0
    cols = tl.arange(0, BLOCK)
    for start in range(0, n_cols, BLOCK):
        mask = start + cols < n_cols
        z = tl.load(z_row + start + cols, mask=mask, other=float("-inf")).to(tl.float32)
        p = tl.exp(z - m) / l
        if SOFT:
            q = tl.load(target_row + start + cols, mask=mask, other=0.0).to(tl.float32)
            q_smooth = q * (1.0 - smoothing) + smoothing / n_cols
        else:
            q_smooth = tl.where(start + cols == t, 1.0 - smoothing, 0.0) + smoothing / n_cols
        dz = (p * q_sum - q_smooth) * g
        tl.store(dz_row + start + cols, as_element_type(dz, dz_ptr), mask=mask)


def _check(op, logits, target, ignore_index, label_smoothing):
    """Validate the arguments; returns True for probability targets."""
    if logits.dim() != 2:
        raise ValueError(f"{op}: logits must be 2-D (N, C), got shape {tuple(logits.shape)}")
    if logits.dtype not in _DTYPES:
        raise TypeError(f"{op}: logits dtype {logits.dtype} is not supported; use float32, float16 or bfloat16")
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"{op}: label_smoothing must lie in [0, 1], got {label_smoothing}")
    n, c = logits.shape
    if c == 0:
        raise ValueError(f"{op}: logits of shape {(n, c)} have no classes")
    if target.is_floating_point():
        if tuple(target.shape) != (n, c):
            raise ValueError(f"{op}: probability targets must have the logits' shape {(n, c)}, "
                             f"got {tuple(target.shape)}")
        return True
    if target.dtype not in (torch.int64, torch.int32):
        raise TypeError(f"{op}: class targets must be int64 or int32, got {target.dtype}")
    if tuple(target.shape) != (n,):
        raise ValueError(f"{op}: class targets must have shape {(n,)} for logits {(n, c)}, "
                         f"got {tuple(target.shape)}")
    kept = target[target != ignore_index]
    if kept.numel() and (kept.min() < 0 or kept.max() >= c):
        raise ValueError(f"{op}: class targets must lie in [0, {c}) or equal ignore_index={ignore_index}; "
                         f"got values in [{int(kept.min())}, {int(kept.max())}]")
    return False


def _block(n_cols, block_size):
    block = min(triton.next_power_of_2(n_cols), _MAX_BLOCK) if block_size is None else block_size
    if block <= 0 or block & (block - 1):
        raise ValueError(f"cross_entropy: block_size must be a power of two, got {block_size}")
    return block, min(8, max(1, block // 256))


def cross_entropy_forward(logits, target, ignore_index=-100, label_smoothing=0.0, block_size=None):
    """Per-row losses (N,) of softmax cross-entropy: loss_n = -sum_c q'_nc log softmax(z_n)_c.

    `target` is (N,) class indices (int64/int32; rows equal to `ignore_index` get 0)
    or (N, C) probabilities. `block_size` (a power of two) overrides the columns per
    chunk. The result has the logits' dtype.
    """
    soft = _check("cross_entropy_forward", logits, target, ignore_index, label_smoothing)
    logits, target = logits.contiguous(), target.contiguous()
    n, c = logits.shape
    losses = empty((n,), logits.dtype, logits.device)
    if n == 0:
        return losses
    block, num_warps = _block(c, block_size)
    _ce_forward_kernel[(n,)](logits, target, losses, c, logits.stride(0), target.stride(0),
                             ignore_index, float(label_smoothing), BLOCK=block, SOFT=soft, num_warps=num_warps)
    return losses


def cross_entropy_backward(logits, target, row_grad, ignore_index=-100, label_smoothing=0.0, block_size=None):
    """dlogits (N, C) = (softmax(z) * rowsum(q') - q') * row_grad[:, None], 0 on ignored rows.

    For class indices this is (softmax - smoothed one-hot) * row_grad. `row_grad` (N,)
    is the upstream gradient of each row's loss. The result has the logits' dtype.
    """
    soft = _check("cross_entropy_backward", logits, target, ignore_index, label_smoothing)
    n, c = logits.shape
    if tuple(row_grad.shape) != (n,):
        raise ValueError(f"cross_entropy_backward: row_grad must have shape {(n,)}, got {tuple(row_grad.shape)}")
    logits, target, row_grad = logits.contiguous(), target.contiguous(), row_grad.contiguous()
    dlogits = empty(logits.shape, logits.dtype, logits.device, any_row_stride=True)
    if n == 0:
        return dlogits
    block, num_warps = _block(c, block_size)
    _ce_backward_kernel[(n,)](logits, target, row_grad, dlogits, c, logits.stride(0), target.stride(0),
                              dlogits.stride(0), ignore_index, float(label_smoothing),
                              BLOCK=block, SOFT=soft, num_warps=num_warps)
    return dlogits
