"""Multi-head self-attention with a fused query/key/value projection."""
import math

import numpy as np

from .._validate import check_bool, check_size
from ..ops.attention import PackedSelfAttention
from .._tensor import Tensor
from . import functional as F
from .layers import Linear, _check_dtype, _check_parameters
from .module import Module


class MultiHeadAttention(Module):
    """Multi-head self-attention over x of shape (B, T, d_model).

        [q | k | v] = x W_qkv^T + b_qkv                    one fused (3 d_model, d_model) projection
        head_h = softmax(q_h k_h^T / sqrt(d_head) + mask) v_h,   h = 1..n_heads, d_head = d_model / n_heads
        out = [head_1 | ... | head_H] W_out^T + b_out

    The fused weight `qkv.weight` stacks W_q, W_k and W_v (rows 0..d, d..2d, 2d..3d),
    and head h reads features h*d_head .. (h+1)*d_head of each: the layout of torch's
    nn.MultiheadAttention `in_proj_weight` and of GPT-2's `c_attn`. With causal=True,
    position i attends positions 0..i only. `dropout` zeroes attention probabilities
    in training.

    forward(x, attn_mask=None, need_weights=False):
        attn_mask: bool (True = may attend) or float (added to the scores), broadcastable
        to (B, n_heads, T, T); combined with the causal mask when causal=True.
        need_weights=True returns (out, weights), weights of shape (B, n_heads, T, T):
        the attention probabilities (before dropout), differentiable. weights[b, h] is
        head h's T x T map for sequence b, ready to plot.
    """

    def __init__(self, d_model, n_heads, causal=False, dropout=0.0, bias=True, dtype=None):
        op = "MultiHeadAttention"
        d_model, n_heads = check_size(d_model, "d_model", op, low=1), check_size(n_heads, "n_heads", op, low=1)
        if d_model % n_heads:
            raise ValueError(f"{op}: d_model={d_model} must be a multiple of n_heads={n_heads}")
        causal, bias = check_bool(causal, "causal", op), check_bool(bias, "bias", op)
        dropout = F._probability(dropout, "dropout", op)
        dtype = _check_dtype(dtype, op)
        _check_parameters(self._parameter_shapes(d_model, bias), dtype, op)
        self.d_model, self.n_heads, self.d_head = d_model, n_heads, d_model // n_heads
        self.causal, self.dropout = causal, dropout
        self.qkv = Linear(d_model, 3 * d_model, bias=bias, dtype=dtype)
        self.out = Linear(d_model, d_model, bias=bias, dtype=dtype)

    @staticmethod
    def _parameter_shapes(d_model, bias=True):
        """The shapes of the parameters of a MultiHeadAttention(d_model, ...): the fused projection and the output's."""
        return [(3 * d_model, d_model), (3 * d_model * bias,), (d_model, d_model), (d_model * bias,)]

    def forward(self, x, attn_mask=None, need_weights=False):
        F._tensor_arg(x, "MultiHeadAttention", "x", 1)
        need_weights = check_bool(need_weights, "need_weights", "MultiHeadAttention")
        if x.ndim != 3 or x.shape[-1] != self.d_model:
            raise ValueError(f"MultiHeadAttention: input {x.shape} must be (batch, length, {self.d_model})")
        B, T, _ = x.shape
        if attn_mask is not None:
            self._check_mask_shape(attn_mask, (B, self.n_heads, T, T))
        qkv = self.qkv(x)
        dropout = self.dropout if self.training else 0.0
        if attn_mask is None and not (need_weights or dropout):
            # One op reads the heads from the projection and writes them back merged
            heads = PackedSelfAttention.apply(qkv, heads=self.n_heads, scale=1.0 / math.sqrt(self.d_head),
                                              causal=self.causal)
            return self.out(heads)
        # (B, T, 3 d) -> (B, T, 3, H, d_head) -> (3, B, H, T, d_head): one (T, d_head) matrix per head
        qkv = qkv.reshape(B, T, 3, self.n_heads, self.d_head).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        if need_weights or dropout:  # the fused op neither returns nor drops probabilities: form them here
            weights = self._weights(q, k, self._mask(attn_mask, T))
            heads = F.dropout(weights, dropout, training=True) @ v
        else:
            heads = F.scaled_dot_product_attention(q, k, v, attn_mask=self._mask(attn_mask, T))
        merged = heads.permute(0, 2, 1, 3).reshape(B, T, self.d_model)
        out = self.out(merged)
        return (out, weights) if need_weights else out

    @staticmethod
    def _check_mask_shape(attn_mask, scores):
        """A ValueError unless the mask broadcasts to the scores' shape (B, n_heads, T, T)."""
        try:
            shape = attn_mask.shape if isinstance(attn_mask, Tensor) else np.shape(attn_mask)
            np.broadcast_shapes(shape, scores)
        except ValueError:
            shape = getattr(attn_mask, "shape", type(attn_mask).__name__)
            raise ValueError(f"MultiHeadAttention: attn_mask {shape} does not broadcast to the scores "
                             f"(batch, heads, length, length) = {scores}") from None

    def _mask(self, attn_mask, T):
        """The user's mask combined with the causal one (either may be absent). A bool mask
        comes back as a numpy array."""
        causal = np.tril(np.ones((T, T), bool)) if self.causal else None
        if attn_mask is None:
            return causal
        attn_mask = F._data_arg(attn_mask, "MultiHeadAttention", "attn_mask", self.qkv.weight)
        if attn_mask.dtype == np.bool_:
            mask = attn_mask.numpy()
            return mask if causal is None else mask & causal
        if causal is None:
            return attn_mask
        return Tensor.where(causal, attn_mask, -math.inf)

    def _weights(self, q, k, mask):
        """softmax(q k^T / sqrt(d_head) + mask) over the keys, (B, H, T, T).

        A bool mask sets forbidden scores to the dtype's lowest finite value and then
        zeroes their probabilities, so a query that may attend no key gets all-zero
        weights (and output), as scaled_dot_product_attention does.
        """
        scores = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(self.d_head))
        if mask is None:
            return scores.softmax(-1)
        if isinstance(mask, np.ndarray) and mask.dtype == np.bool_:
            lowest = float(np.finfo(scores.dtype).min)
            allowed = Tensor(mask.astype(scores.dtype), device=scores.device)
            return Tensor.where(mask, scores, lowest).softmax(-1) * allowed
        return (scores + mask.astype(scores.dtype)).softmax(-1)

    def extra_repr(self):
        return (f"d_model={self.d_model}, n_heads={self.n_heads}, causal={self.causal}, "
                f"dropout={self.dropout}")
