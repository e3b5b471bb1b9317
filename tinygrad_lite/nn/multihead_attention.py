"""nn.MultiheadAttention with torch's signature, parameter names and semantics.

    q = query W_q^T + b_q,  k = key W_k^T + b_k,  v = value W_v^T + b_v     (E = embed_dim, H heads of E / H)
    head_h = softmax(q_h k_h^T / sqrt(E / H) + mask) v_h
    out = [head_1 | ... | head_H] W_o^T + b_o

W_q, W_k, W_v are the three row blocks of `in_proj_weight` (3E, E) when query, key and value share
the embedding size, else the separate `q_proj_weight`, `k_proj_weight`, `v_proj_weight`; W_o is
`out_proj.weight`: torch's names, so a torch state_dict loads. Masks follow torch: a bool
attn_mask or key_padding_mask marks with True the positions NOT to attend; a float one is added
to the scores. A query left with no key to attend gets NaN, as in torch.
"""
import math

import numpy as np

from .._tensor import Tensor
from .._validate import check_bool, check_size
from . import functional as F, init
from .layers import Linear, _check_dtype, _check_parameters
from .module import Module, Parameter


def _additive(mask, dtype, op, name):
    """A mask as scores to add: a bool one (True = may not attend) becomes -inf / 0."""
    if mask is None:
        return None
    if not isinstance(mask, Tensor):
        raise TypeError(f"{op}: {name} must be a Tensor or None, not {type(mask).__name__}")
    if mask.dtype == np.bool_:
        return Tensor.where(mask, -math.inf, 0.0).astype(dtype)
    if mask.dtype.kind != "f":
        raise TypeError(f"{op}: {name} must be bool or floating-point, not {mask.dtype}")
    return mask.astype(dtype)


class MultiheadAttention(Module):
    """Attention of `query` over `key`/`value` in num_heads heads (see the module docstring).

    MultiheadAttention(embed_dim, num_heads, dropout=0.0, bias=True, add_bias_kv=False,
                       add_zero_attn=False, kdim=None, vdim=None, batch_first=False)
    forward(query, key, value, key_padding_mask=None, need_weights=True, attn_mask=None,
            average_attn_weights=True, is_causal=False) -> (output, weights or None)

    Inputs are (L, N, E) (or (N, L, E) with batch_first, or (L, E) unbatched); attn_mask is
    (L, S) or (N * num_heads, L, S); key_padding_mask is (N, S). weights are the attention
    probabilities, averaged over heads (N, L, S) or per head (N, num_heads, L, S).
    """

    def __init__(self, embed_dim, num_heads, dropout=0.0, bias=True, add_bias_kv=False, add_zero_attn=False,
                 kdim=None, vdim=None, batch_first=False, dtype=None):
        op = "MultiheadAttention"
        self.embed_dim = check_size(embed_dim, "embed_dim", op, low=1)
        self.num_heads = check_size(num_heads, "num_heads", op, low=1)
        if embed_dim % num_heads:
            raise ValueError(f"{op}: embed_dim ({embed_dim}) must be divisible by num_heads ({num_heads})")
        self.kdim = embed_dim if kdim is None else check_size(kdim, "kdim", op, low=1)
        self.vdim = embed_dim if vdim is None else check_size(vdim, "vdim", op, low=1)
        self.head_dim = embed_dim // num_heads
        self.dropout = F._probability(dropout, "dropout", op)
        self.batch_first = check_bool(batch_first, "batch_first", op)
        self.add_zero_attn = check_bool(add_zero_attn, "add_zero_attn", op)
        bias, add_bias_kv = check_bool(bias, "bias", op), check_bool(add_bias_kv, "add_bias_kv", op)
        dtype = _check_dtype(dtype, op)
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        e = embed_dim
        _check_parameters([(3 * e, max(e, self.kdim, self.vdim)), (e, e), (2 * e,)], dtype, op)
        if self._qkv_same_embed_dim:
            self.in_proj_weight = Parameter(np.zeros((3 * e, e)), dtype=dtype)
            self.q_proj_weight = self.k_proj_weight = self.v_proj_weight = None
            init.xavier_uniform_(self.in_proj_weight)
        else:
            self.in_proj_weight = None
            self.q_proj_weight = Parameter(np.zeros((e, e)), dtype=dtype)
            self.k_proj_weight = Parameter(np.zeros((e, self.kdim)), dtype=dtype)
            self.v_proj_weight = Parameter(np.zeros((e, self.vdim)), dtype=dtype)
            for w in (self.q_proj_weight, self.k_proj_weight, self.v_proj_weight):
                init.xavier_uniform_(w)
        self.in_proj_bias = Parameter(np.zeros(3 * e), dtype=dtype) if bias else None
        if add_bias_kv:
            self.bias_k, self.bias_v = Parameter(np.zeros((1, 1, e)), dtype=dtype), Parameter(np.zeros((1, 1, e)), dtype=dtype)
            for extra in (self.bias_k, self.bias_v):  # torch's xavier_normal_ of a (1, 1, E) tensor: std 1/sqrt(E)
                init.normal_(extra, 0.0, 1.0 / math.sqrt(e))
        else:
            self.bias_k = self.bias_v = None
        # own parameters before the child's, so that parameters() has torch's order
        self.out_proj = Linear(e, e, bias=bias, dtype=dtype)
        if bias:
            init.zeros_(self.out_proj.bias)

    def _projections(self):
        e = self.embed_dim
        if self._qkv_same_embed_dim:
            w = self.in_proj_weight
            weights = (w[:e], w[e:2 * e], w[2 * e:])
        else:
            weights = (self.q_proj_weight, self.k_proj_weight, self.v_proj_weight)
        b = self.in_proj_bias
        biases = (None, None, None) if b is None else (b[:e], b[e:2 * e], b[2 * e:])
        return weights, biases

    def forward(self, query, key, value, key_padding_mask=None, need_weights=True, attn_mask=None,
                average_attn_weights=True, is_causal=False):
        op = "MultiheadAttention"
        for name, t in (("query", query), ("key", key), ("value", value)):
            if not isinstance(t, Tensor):
                raise TypeError(f"{op}: {name} must be a Tensor, not {type(t).__name__}")
        need_weights = check_bool(need_weights, "need_weights", op)
        average = check_bool(average_attn_weights, "average_attn_weights", op)
        is_causal = check_bool(is_causal, "is_causal", op)
        unbatched = query.ndim == 2
        if unbatched:
            query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
            key_padding_mask = None if key_padding_mask is None else key_padding_mask.unsqueeze(0)
        elif self.batch_first:
            query, key, value = (t.transpose(0, 1) for t in (query, key, value))
        if query.ndim != 3 or key.ndim != 3 or value.ndim != 3:
            raise ValueError(f"{op}: query, key and value must all be 2-d (unbatched) or all 3-d")
        (L, N, e), S = query.shape, key.shape[0]
        if e != self.embed_dim or key.shape[2] != self.kdim or value.shape[2] != self.vdim:
            raise ValueError(f"{op}: expected query (..., {self.embed_dim}), key (..., {self.kdim}), value "
                             f"(..., {self.vdim}); got {query.shape}, {key.shape}, {value.shape}")
        if key.shape[:2] != value.shape[:2] or key.shape[1] != N:
            raise ValueError(f"{op}: key {key.shape} and value {value.shape} must match in length and batch, "
                             f"and the batch of query {query.shape}")
        if is_causal and attn_mask is None:
            raise RuntimeError(f"{op}: is_causal is a hint that attn_mask is the causal mask; pass the mask too, "
                               "as torch requires")
        (wq, wk, wv), (bq, bk, bv) = self._projections()
        q, k, v = F.linear(query, wq, bq), F.linear(key, wk, bk), F.linear(value, wv, bv)
        mask = _additive(attn_mask, q.dtype, op, "attn_mask")
        padding = _additive(key_padding_mask, q.dtype, op, "key_padding_mask")
        if self.bias_k is not None:
            k = Tensor.cat([k, self.bias_k.expand(1, N, e)], 0)
            v = Tensor.cat([v, self.bias_v.expand(1, N, e)], 0)
            mask = None if mask is None else F.pad(mask, (0, 1))
            padding = None if padding is None else F.pad(padding, (0, 1))
        H, d = self.num_heads, self.head_dim
        # (length, N, E) -> (N * H, length, d): head h of sequence n is row n * H + h, as torch
        q, k, v = (t.reshape(t.shape[0], N * H, d).transpose(0, 1) for t in (q, k, v))
        if self.add_zero_attn:
            zeros = Tensor(np.zeros((N * H, 1, d)), dtype=k.dtype, device=k.device)
            k, v = Tensor.cat([k, zeros], 1), Tensor.cat([v, zeros], 1)
            mask = None if mask is None else F.pad(mask, (0, 1))
            padding = None if padding is None else F.pad(padding, (0, 1))
        S = k.shape[1]
        scores = (q * (1.0 / math.sqrt(d))) @ k.transpose(1, 2)                       # (N H, L, S)
        if mask is not None:
            if mask.shape not in ((L, S), (N * H, L, S)):
                raise ValueError(f"{op}: attn_mask must be ({L}, {S}) or ({N * H}, {L}, {S}), got {mask.shape}")
            scores = scores + mask
        if padding is not None:
            if padding.shape != (N, S):
                raise ValueError(f"{op}: key_padding_mask must be ({N}, {S}), got {padding.shape}")
            scores = (scores.reshape(N, H, L, S) + padding.reshape(N, 1, 1, S)).reshape(N * H, L, S)
        weights = scores.softmax(-1)
        attended = F.dropout(weights, self.dropout, self.training) if self.dropout > 0 else weights
        out = (attended @ v).transpose(0, 1).reshape(L, N, e)
        out = self.out_proj(out)
        if unbatched:
            out = out.squeeze(1)
        elif self.batch_first:
            out = out.transpose(0, 1)
        if not need_weights:
            return out, None
        weights = weights.reshape(N, H, L, S)
        if average:
            weights = weights.mean(1)
        return out, (weights.squeeze(0) if unbatched else weights)

    def extra_repr(self):
        return f"embed_dim={self.embed_dim}, num_heads={self.num_heads}, batch_first={self.batch_first}"

