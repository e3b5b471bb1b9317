"""Flash attention (FlashAttention-2 style): forward and backward without ever forming the L x S scores.

Shapes: q (..., L, E), k (..., S, E), v (..., S, Ev), the leading axes equal and
flattened into one batch-head axis. out = softmax(q k^T * scale) v, row by row,
optionally causal: query i attends key j only when j <= i (torch's
tril(ones(L, S)), aligned at the top-left also when L != S).

Forward: online softmax over key tiles
--------------------------------------
One program owns a tile of BLOCK_M query rows and walks the keys in tiles of
BLOCK_N. For a row with scores s_j = q . k_j * scale the answer is

    out = sum_j exp(s_j - m) v_j / l,      m = max_j s_j,  l = sum_j exp(s_j - m).

Keep, after the tiles seen so far, the running maximum m, the running sum l and
the unnormalised accumulator acc = sum_j exp(s_j - m) v_j. A new tile with scores
s_t raises the maximum to m_new = max(m, max_t s_t); every old term was
computed with exp(. - m), and exp(s_j - m) * exp(m - m_new) = exp(s_j - m_new), so

    alpha = exp(m - m_new)
    l     <- l * alpha + sum_t exp(s_t - m_new)
    acc   <- acc * alpha + exp(s_t - m_new) @ v_t.

After the last tile out = acc / l (one division per row instead of one per
score: the FA2 ordering), and the row's log-sum-exp lse = m + log l is saved
(float32, one number per query) with out; nothing else is. Masked scores (keys
past S, keys after the query when causal) are -inf, so exp() gives them weight 0.
The first key tile holds key 0, which every row may attend (the padding rows
past L too: they are not masked), so m is finite from the first tile on and
exp(m - m_new) never meets -inf - (-inf). A causal query tile stops at the last
key it can see, min(S, start_m + BLOCK_M): tiles above the diagonal are never
read. With no keys at all (S = 0) there is nothing to launch: out = 0 and
lse = -inf, as the engine's reference defines an empty softmax.

Backward: recompute P from lse
------------------------------
With S = q k^T * scale, P = softmax(S) = exp(S - lse) and out = P V, the
upstream gradient dO gives

    dV = P^T dO                       (out is linear in V)
    dP = dO V^T
    dS = P * (dP - D),  D_i = sum_j P_ij dP_ij        (the softmax backward, row by row)
    dQ = dS K * scale,  dK = dS^T Q * scale            (S is bilinear in Q and K).

D needs no P: D_i = sum_j P_ij (dO_i . v_j) = dO_i . (sum_j P_ij v_j) = dO_i . O_i,
one dot product per row, computed first by a small kernel. Then P_ij =
exp(S_ij - lse_i) is rebuilt tile by tile from q, k and the saved lse, and two
kernels share the work without atomics and without an L x S buffer:

* dK, dV: a program owns a key tile and walks the query tiles (causal: only
  those at or below the diagonal, i >= start_n), accumulating
  dV += P^T dO and dK += dS^T Q in registers.
* dQ: a program owns a query tile and walks the key tiles (causal: up to the
  diagonal), accumulating dQ += dS K.

P is recomputed twice, a few flops in exchange for no global memory traffic.

Precision: q, k, v may be float32, float16 or bfloat16; scores, softmax and all
accumulators are float32; P and dS are rounded to the input dtype before their
tensor-core products, as FlashAttention does. float32 products use
input_precision="ieee" (Triton's default would be TF32). Head dims are padded to
a power of two of at least 16 (tl.dot's minimum) with masked loads.
"""
import math

import torch
import triton
import triton.language as tl

from ._runtime import as_element_type, empty, interpreting

_DTYPES = (torch.float32, torch.float16, torch.bfloat16)
_MAX_HEAD_DIM = 128
_MAX_BATCH_HEADS = 65535  # CUDA's limit on a grid's second axis, which walks batch x heads
_INTERPRETING = interpreting()


@triton.jit
def _dot(a, b, acc, DOT_F32: tl.constexpr, PRECISION: tl.constexpr):
    """acc + a @ b. DOT_F32 casts the operands to float32 first: the interpreter mis-multiplies bfloat16."""
    if DOT_F32:
        a = a.to(tl.float32)
        b = b.to(tl.float32)
    return tl.dot(a, b, acc, input_precision=PRECISION)


@triton.jit
def _visible(query, key, S, CAUSAL: tl.constexpr):
    """Mask of the (query, key) pairs that take part; query and key are index vectors
    expanded to broadcast against each other (a column and a row, either way round).

    Padding query rows (past L) are not masked: they were loaded as zeros, so their
    scores are 0 and finite, their dO rows are zero (they add nothing to dK, dV),
    and their results are never stored."""
    ok = key < S
    if CAUSAL:
        ok = ok & (key <= query)
    return ok


@triton.jit
def _attention_forward_kernel(
        q_ptr, k_ptr, v_ptr, out_ptr, lse_ptr,
        stride_qb, stride_ql, stride_kb, stride_ks, stride_vb, stride_vs, stride_ob, stride_ol,
        L, S, scale, E: tl.constexpr, EV: tl.constexpr,
        BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr, E_PAD: tl.constexpr, EV_PAD: tl.constexpr,
        CAUSAL: tl.constexpr, DOT_F32: tl.constexpr, PRECISION: tl.constexpr):
    start_m = tl.program_id(0) * BLOCK_M
    bh = tl.program_id(1).to(tl.int64)
    offs_m = start_m + tl.arange(0, BLOCK_M)
    offs_e = tl.arange(0, E_PAD)
    offs_ev = tl.arange(0, EV_PAD)
    q = tl.load(q_ptr + bh * stride_qb + offs_m[:, None] * stride_ql + offs_e[None, :],
                mask=(offs_m[:, None] < L) & (offs_e[None, :] < E), other=0.0)
    m_i = tl.full([BLOCK_M], float("-inf"), tl.float32)
    l_i = tl.zeros([BLOCK_M], tl.float32)
    acc = tl.zeros([BLOCK_M, EV_PAD], tl.float32)
    hi = S
    if CAUSAL:
        hi = tl.minimum(S, start_m + BLOCK_M)
    for start_n in range(0, hi, BLOCK_N):
        offs_n = start_n + tl.arange(0, BLOCK_N)
        k = tl.load(k_ptr + bh * stride_kb + offs_n[:, None] * stride_ks + offs_e[None, :],
                    mask=(offs_n[:, None] < S) & (offs_e[None, :] < E), other=0.0)
        v = tl.load(v_ptr + bh * stride_vb + offs_n[:, None] * stride_vs + offs_ev[None, :],
                    mask=(offs_n[:, None] < S) & (offs_ev[None, :] < EV), other=0.0)
        s = _dot(q, tl.trans(k), tl.zeros([BLOCK_M, BLOCK_N], tl.float32), DOT_F32, PRECISION) * scale
        s = tl.where(_visible(offs_m[:, None], offs_n[None, :], S, CAUSAL), s, float("-inf"))
        m_new = tl.maximum(m_i, tl.max(s, axis=1))
        alpha = tl.exp(m_i - m_new)
        p = tl.exp(s - m_new[:, None])
        l_i = l_i * alpha + tl.sum(p, axis=1)
        acc = _dot(as_element_type(p, v_ptr), v, acc * alpha[:, None], DOT_F32, PRECISION)
        m_i = m_new
    out = acc / l_i[:, None]
    tl.store(out_ptr + bh * stride_ob + offs_m[:, None] * stride_ol + offs_ev[None, :],
             as_element_type(out, out_ptr), mask=(offs_m[:, None] < L) & (offs_ev[None, :] < EV))
    tl.store(lse_ptr + bh * L + offs_m, m_i + tl.log(l_i), mask=offs_m < L)


@triton.jit
def _attention_delta_kernel(out_ptr, dout_ptr, delta_ptr, stride_ob, stride_ol, stride_db, stride_dl,
                            L, EV: tl.constexpr, BLOCK_M: tl.constexpr, EV_PAD: tl.constexpr):
    """D_i = dO_i . O_i for a tile of query rows."""
    bh = tl.program_id(1).to(tl.int64)
    offs_m = tl.program_id(0) * BLOCK_M + tl.arange(0, BLOCK_M)
    offs_ev = tl.arange(0, EV_PAD)
    mask = (offs_m[:, None] < L) & (offs_ev[None, :] < EV)
    o = tl.load(out_ptr + bh * stride_ob + offs_m[:, None] * stride_ol + offs_ev[None, :], mask=mask, other=0.0)
    do = tl.load(dout_ptr + bh * stride_db + offs_m[:, None] * stride_dl + offs_ev[None, :], mask=mask, other=0.0)
    delta = tl.sum(o.to(tl.float32) * do.to(tl.float32), axis=1)
    tl.store(delta_ptr + bh * L + offs_m, delta, mask=offs_m < L)


@triton.jit
def _attention_dkdv_kernel(
        q_ptr, k_ptr, v_ptr, dout_ptr, lse_ptr, delta_ptr, dk_ptr, dv_ptr,
        stride_qb, stride_ql, stride_kb, stride_ks, stride_vb, stride_vs, stride_db, stride_dl,
        stride_dkb, stride_dks, stride_dvb, stride_dvs,
        L, S, scale, E: tl.constexpr, EV: tl.constexpr,
        BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr, E_PAD: tl.constexpr, EV_PAD: tl.constexpr,
        CAUSAL: tl.constexpr, DOT_F32: tl.constexpr, PRECISION: tl.constexpr):
    """dK, dV of one key tile, walking the query tiles that can see it. Works with transposed tiles:
    sT = K Q^T (BLOCK_N, BLOCK_M), so P^T and dS^T come out directly."""
    start_n = tl.program_id(0) * BLOCK_N
    bh = tl.program_id(1).to(tl.int64)
    offs_n = start_n + tl.arange(0, BLOCK_N)
    offs_e = tl.arange(0, E_PAD)
    offs_ev = tl.arange(0, EV_PAD)
    k = tl.load(k_ptr + bh * stride_kb + offs_n[:, None] * stride_ks + offs_e[None, :],
                mask=(offs_n[:, None] < S) & (offs_e[None, :] < E), other=0.0)
    v = tl.load(v_ptr + bh * stride_vb + offs_n[:, None] * stride_vs + offs_ev[None, :],
                mask=(offs_n[:, None] < S) & (offs_ev[None, :] < EV), other=0.0)
    dk = tl.zeros([BLOCK_N, E_PAD], tl.float32)
    dv = tl.zeros([BLOCK_N, EV_PAD], tl.float32)
    lo = 0
    if CAUSAL:  # queries before start_n see none of these keys
        lo = (start_n // BLOCK_M) * BLOCK_M
    for start_m in range(lo, L, BLOCK_M):
        offs_m = start_m + tl.arange(0, BLOCK_M)
        q = tl.load(q_ptr + bh * stride_qb + offs_m[:, None] * stride_ql + offs_e[None, :],
                    mask=(offs_m[:, None] < L) & (offs_e[None, :] < E), other=0.0)
        do = tl.load(dout_ptr + bh * stride_db + offs_m[:, None] * stride_dl + offs_ev[None, :],
                     mask=(offs_m[:, None] < L) & (offs_ev[None, :] < EV), other=0.0)
        lse = tl.load(lse_ptr + bh * L + offs_m, mask=offs_m < L, other=0.0)
        delta = tl.load(delta_ptr + bh * L + offs_m, mask=offs_m < L, other=0.0)
        s_t = _dot(k, tl.trans(q), tl.zeros([BLOCK_N, BLOCK_M], tl.float32), DOT_F32, PRECISION) * scale
        visible_t = _visible(offs_m[None, :], offs_n[:, None], S, CAUSAL)
        p_t = tl.where(visible_t, tl.exp(s_t - lse[None, :]), 0.0)
        dv = _dot(as_element_type(p_t, dout_ptr), do, dv, DOT_F32, PRECISION)
        dp_t = _dot(v, tl.trans(do), tl.zeros([BLOCK_N, BLOCK_M], tl.float32), DOT_F32, PRECISION)
        ds_t = p_t * (dp_t - delta[None, :])
        dk = _dot(as_element_type(ds_t, q_ptr), q, dk, DOT_F32, PRECISION)
    dk = dk * scale
    tl.store(dk_ptr + bh * stride_dkb + offs_n[:, None] * stride_dks + offs_e[None, :],
             as_element_type(dk, dk_ptr), mask=(offs_n[:, None] < S) & (offs_e[None, :] < E))
    tl.store(dv_ptr + bh * stride_dvb + offs_n[:, None] * stride_dvs + offs_ev[None, :],
             as_element_type(dv, dv_ptr), mask=(offs_n[:, None] < S) & (offs_ev[None, :] < EV))


@triton.jit
def _attention_dq_kernel(
        q_ptr, k_ptr, v_ptr, dout_ptr, lse_ptr, delta_ptr, dq_ptr,
        stride_qb, stride_ql, stride_kb, stride_ks, stride_vb, stride_vs, stride_db, stride_dl,
        stride_dqb, stride_dql,
        L, S, scale, E: tl.constexpr, EV: tl.constexpr,
        BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr, E_PAD: tl.constexpr, EV_PAD: tl.constexpr,
        CAUSAL: tl.constexpr, DOT_F32: tl.constexpr, PRECISION: tl.constexpr):
    """dQ of one query tile, walking the key tiles it can see."""
    start_m = tl.program_id(0) * BLOCK_M
    bh = tl.program_id(1).to(tl.int64)
    offs_m = start_m + tl.arange(0, BLOCK_M)
    offs_e = tl.arange(0, E_PAD)
    offs_ev = tl.arange(0, EV_PAD)
    q = tl.load(q_ptr + bh * stride_qb + offs_m[:, None] * stride_ql + offs_e[None, :],
                mask=(offs_m[:, None] < L) & (offs_e[None, :] < E), other=0.0)
    do = tl.load(dout_ptr + bh * stride_db + offs_m[:, None] * stride_dl + offs_ev[None, :],
                 mask=(offs_m[:, None] < L) & (offs_ev[None, :] < EV), other=0.0)
    lse = tl.load(lse_ptr + bh * L + offs_m, mask=offs_m < L, other=0.0)
    delta = tl.load(delta_ptr + bh * L + offs_m, mask=offs_m < L, other=0.0)
    dq = tl.zeros([BLOCK_M, E_PAD], tl.float32)
    hi = S
    if CAUSAL:
        hi = tl.minimum(S, start_m + BLOCK_M)
    for start_n in range(0, hi, BLOCK_N):
        offs_n = start_n + tl.arange(0, BLOCK_N)
        k = tl.load(k_ptr + bh * stride_kb + offs_n[:, None] * stride_ks + offs_e[None, :],
                    mask=(offs_n[:, None] < S) & (offs_e[None, :] < E), other=0.0)
        v = tl.load(v_ptr + bh * stride_vb + offs_n[:, None] * stride_vs + offs_ev[None, :],
                    mask=(offs_n[:, None] < S) & (offs_ev[None, :] < EV), other=0.0)
        s = _dot(q, tl.trans(k), tl.zeros([BLOCK_M, BLOCK_N], tl.float32), DOT_F32, PRECISION) * scale
        p = tl.where(_visible(offs_m[:, None], offs_n[None, :], S, CAUSAL), tl.exp(s - lse[:, None]), 0.0)
        dp = _dot(do, tl.trans(v), tl.zeros([BLOCK_M, BLOCK_N], tl.float32), DOT_F32, PRECISION)
        ds = p * (dp - delta[:, None])
        dq = _dot(as_element_type(ds, k_ptr), k, dq, DOT_F32, PRECISION)
    dq = dq * scale
    tl.store(dq_ptr + bh * stride_dqb + offs_m[:, None] * stride_dql + offs_e[None, :],
             as_element_type(dq, dq_ptr), mask=(offs_m[:, None] < L) & (offs_e[None, :] < E))


# Tiles (BLOCK_M, BLOCK_N, num_warps, num_stages) per kernel and larger padded head dim, chosen by
# compiling for sm_80 and sm_90 and reading ptxas' register and spill counts. float16/bfloat16
# products run on the tensor cores and stay spill-free on both up to head dims of 128.
_TENSOR_CORE_TILES = {
    "forward": {16: (128, 64, 4, 3), 32: (128, 64, 4, 3), 64: (128, 64, 8, 3), 128: (128, 64, 8, 3)},
    "dkdv": {16: (64, 64, 4, 2), 32: (64, 64, 4, 2), 64: (32, 64, 4, 2), 128: (32, 32, 4, 2)},
    "dq": {16: (64, 64, 4, 2), 32: (64, 64, 4, 2), 64: (64, 64, 4, 2), 128: (64, 32, 4, 2)},
}
# float32 products ("ieee") run on the CUDA cores, whose operands take far more registers: small tiles.
_CUDA_CORE_TILES = {
    "forward": {16: (32, 32, 4, 1), 32: (32, 32, 4, 1), 64: (32, 32, 4, 1), 128: (16, 32, 8, 1)},
    "dkdv": {16: (32, 64, 8, 2), 32: (32, 64, 8, 2), 64: (16, 64, 8, 2), 128: (16, 32, 4, 1)},
    "dq": {16: (64, 32, 8, 2), 32: (64, 32, 8, 2), 64: (64, 32, 8, 2), 128: (16, 32, 8, 1)},
}
# The interpreter gets small tiles of unequal sizes, so that short test sequences still span
# several tiles and the causal diagonal cuts them unevenly.
_INTERPRETER_TILES = {"forward": (32, 16, 4, 1), "dkdv": (16, 32, 4, 1), "dq": (32, 16, 4, 1)}


def _config(kernel, dtype, head_pad):
    """(BLOCK_M, BLOCK_N, num_warps, num_stages) of "forward", "dkdv" or "dq" for max(E_PAD, EV_PAD)."""
    if _INTERPRETING:
        return _INTERPRETER_TILES[kernel]
    return (_CUDA_CORE_TILES if dtype == torch.float32 else _TENSOR_CORE_TILES)[kernel][head_pad]


def _dot_flags(dtype):
    """(DOT_F32, PRECISION): float32 operands under the interpreter; IEEE float32 products on a GPU."""
    return _INTERPRETING, ("ieee" if dtype == torch.float32 or _INTERPRETING else "tf32")


def _flatten(op, q, k, v):
    """Check shapes and dtypes, and view q, k, v as (BH, L, E), (BH, S, E), (BH, S, Ev) with unit last stride."""
    for name, t in (("q", q), ("k", k), ("v", v)):
        if t.dim() < 3:
            raise ValueError(f"{op}: {name} must be (..., length, head_dim), got shape {tuple(t.shape)}")
        if t.dtype not in _DTYPES:
            raise TypeError(f"{op}: dtype {t.dtype} is not supported; use float32, float16 or bfloat16")
    if not (q.dtype == k.dtype == v.dtype):
        raise TypeError(f"{op}: q, k, v must share a dtype, got {q.dtype}, {k.dtype}, {v.dtype}")
    if not (q.shape[:-2] == k.shape[:-2] == v.shape[:-2]) or k.shape[-2] != v.shape[-2] \
            or q.shape[-1] != k.shape[-1]:
        raise ValueError(f"{op}: expected q (..., L, E), k (..., S, E), v (..., S, Ev) with equal leading "
                         f"axes; got {tuple(q.shape)}, {tuple(k.shape)}, {tuple(v.shape)}")
    if max(q.shape[-1], v.shape[-1]) > _MAX_HEAD_DIM:
        raise ValueError(f"{op}: head dims up to {_MAX_HEAD_DIM} are supported, got q {tuple(q.shape)}, "
                         f"v {tuple(v.shape)}")
    if math.prod(q.shape[:-2]) > _MAX_BATCH_HEADS:
        raise ValueError(f"{op}: at most {_MAX_BATCH_HEADS} batch x head rows per launch (the grid's second "
                         f"axis), got {math.prod(q.shape[:-2])} from q {tuple(q.shape)}; split the batch")
    return [_rows(t) for t in (q, k, v)]


def _rows(t):
    """t as (BH, length, dim), copying only when the last axis is not contiguous or the batch axes don't fold."""
    t = t.reshape(math.prod(t.shape[:-2]), t.shape[-2], t.shape[-1])
    return t if t.stride(-1) == 1 else t.contiguous()


def _pad(dim):
    return max(16, triton.next_power_of_2(dim))


def attention_forward(q, k, v, scale, causal):
    """(out, lse): out = softmax(q k^T * scale [causal: keys j <= query i]) v, lse the rows' log-sum-exp.

    q (..., L, E), k (..., S, E), v (..., S, Ev) -> out (..., L, Ev) in q's dtype,
    lse (..., L) in float32. With no keys (S = 0) out is 0 and lse -inf.
    """
    q3, k3, v3 = _flatten("attention_forward", q, k, v)
    bh, L, E = q3.shape
    S, EV = k3.shape[1], v3.shape[2]
    if not (bh and L and S):  # nothing to launch; an empty softmax gives out = 0, lse = -inf
        out = torch.zeros((*q.shape[:-1], EV), dtype=q.dtype, device=q.device)
        return out, torch.full(q.shape[:-1], float("-inf"), dtype=torch.float32, device=q.device)
    out = empty((bh, L, EV), q.dtype, q.device, any_row_stride=True)
    lse = empty((bh, L), torch.float32, q.device)
    e_pad, ev_pad = _pad(E), _pad(EV)
    block_m, block_n, warps, stages = _config("forward", q.dtype, max(e_pad, ev_pad))
    dot_f32, precision = _dot_flags(q.dtype)
    _attention_forward_kernel[(triton.cdiv(L, block_m), bh)](
        q3, k3, v3, out, lse,
        q3.stride(0), q3.stride(1), k3.stride(0), k3.stride(1), v3.stride(0), v3.stride(1),
        out.stride(0), out.stride(1), L, S, float(scale), E=E, EV=EV,
        BLOCK_M=block_m, BLOCK_N=block_n, E_PAD=e_pad, EV_PAD=ev_pad, CAUSAL=bool(causal),
        DOT_F32=dot_f32, PRECISION=precision, num_warps=warps, num_stages=stages)
    return out.reshape(*q.shape[:-1], EV), lse.reshape(q.shape[:-1])


def attention_backward(q, k, v, out, lse, dout, scale, causal):
    """(dq, dk, dv) of attention, from the forward's out and lse and the upstream gradient dout.

    dV = P^T dO, dS = P * (dO V^T - rowsum(dO * O)), dQ = dS K scale, dK = dS^T Q scale,
    with P = exp(q k^T scale - lse) rebuilt tile by tile. Results have the inputs' dtype.
    """
    q3, k3, v3 = _flatten("attention_backward", q, k, v)
    bh, L, E = q3.shape
    S, EV = k3.shape[1], v3.shape[2]
    if tuple(out.shape) != (*q.shape[:-1], EV) or tuple(dout.shape) != tuple(out.shape) \
            or tuple(lse.shape) != tuple(q.shape[:-1]):
        raise ValueError(f"attention_backward: expected out and dout {(*q.shape[:-1], EV)} and lse "
                         f"{tuple(q.shape[:-1])}; got {tuple(out.shape)}, {tuple(dout.shape)}, {tuple(lse.shape)}")
    if not (bh and L and S):  # no scores, no gradient
        return torch.zeros_like(q), torch.zeros_like(k), torch.zeros_like(v)
    o3 = _rows(out.to(q.dtype))
    do3 = _rows(dout.to(q.dtype))
    lse2 = lse.to(torch.float32).reshape(bh, L).contiguous()
    dq, dk, dv = (empty(t.shape, t.dtype, t.device, any_row_stride=True) for t in (q3, k3, v3))
    e_pad, ev_pad = _pad(E), _pad(EV)
    dot_f32, precision = _dot_flags(q.dtype)
    delta = empty((bh, L), torch.float32, q.device)
    block_m = _config("dq", q.dtype, max(e_pad, ev_pad))[0]
    _attention_delta_kernel[(triton.cdiv(L, block_m), bh)](
        o3, do3, delta, o3.stride(0), o3.stride(1), do3.stride(0), do3.stride(1), L, EV=EV,
        BLOCK_M=block_m, EV_PAD=ev_pad)
    strides = (q3.stride(0), q3.stride(1), k3.stride(0), k3.stride(1), v3.stride(0), v3.stride(1),
               do3.stride(0), do3.stride(1))
    block_m, block_n, warps, stages = _config("dkdv", q.dtype, max(e_pad, ev_pad))
    _attention_dkdv_kernel[(triton.cdiv(S, block_n), bh)](
        q3, k3, v3, do3, lse2, delta, dk, dv, *strides,
        dk.stride(0), dk.stride(1), dv.stride(0), dv.stride(1), L, S, float(scale), E=E, EV=EV,
        BLOCK_M=block_m, BLOCK_N=block_n, E_PAD=e_pad, EV_PAD=ev_pad, CAUSAL=bool(causal),
        DOT_F32=dot_f32, PRECISION=precision, num_warps=warps, num_stages=stages)
    block_m, block_n, warps, stages = _config("dq", q.dtype, max(e_pad, ev_pad))
    _attention_dq_kernel[(triton.cdiv(L, block_m), bh)](
        q3, k3, v3, do3, lse2, delta, dq, *strides,
        dq.stride(0), dq.stride(1), L, S, float(scale), E=E, EV=EV,
        BLOCK_M=block_m, BLOCK_N=block_n, E_PAD=e_pad, EV_PAD=ev_pad, CAUSAL=bool(causal),
        DOT_F32=dot_f32, PRECISION=precision, num_warps=warps, num_stages=stages)
    return dq.reshape(q.shape), dk.reshape(k.shape), dv.reshape(v.shape)
