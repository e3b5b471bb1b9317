"""Scaled dot-product attention with a hand-derived backward."""
from ..autograd import Function, unbroadcast


class Attention(Function):
    """out = softmax(q k^T * scale + bias) v;  dv = P^T g, dS = P (g v^T - rowsum(g out)), dq = dS k scale, dk = dS^T q scale.

    q: (..., L, E), k: (..., S, E), v: (..., S, Ev); batch axes broadcast.
    `bias` is an additive (..., L, S) array (0 = attend, -inf = masked, or any
    float mask) or None; when it is a Tensor it is differentiable, with
    d(bias) = dS, the gradient of the scores. `causal` masks the keys after each
    query without building a mask, so kernels can skip those tiles. The output and each row's
    log-sum-exp are saved, and the backward recomputes the probabilities from them; the
    numpy backend also keeps the probabilities when they are no larger than q, k and v
    (short sequences), and then reuses them.
    """

    array_args = (3,)  # bias: a plain array when it is not differentiated

    @staticmethod
    def forward(ctx, q, k, v, bias, *, scale, causal):
        out, lse, kept = ctx.backend.attention(q, k, v, bias, scale, causal, keep_probs=_recording(ctx))
        ctx.save_for_backward(q, k, v, bias, out, lse, kept)
        ctx.scale, ctx.causal = scale, causal
        return out

    @staticmethod
    def backward(ctx, grad):
        q, k, v, bias, out, lse, kept = ctx.saved_tensors
        bias_grad = ctx.needs_grad(3)  # a float mask that requires grad: its gradient is dS
        dq, dk, dv, ds = ctx.backend.attention_backward(
            q, k, v, bias, ctx.scale, ctx.causal, out, lse, grad, bias_grad=bias_grad, kept=kept)
        return ctx.by_position(unbroadcast(dq, q.shape), unbroadcast(dk, k.shape), unbroadcast(dv, v.shape),
                               unbroadcast(ds, bias.shape) if bias_grad else None)


class PackedSelfAttention(Function):
    """Multi-head self-attention read straight from a fused projection, heads merged on the way out.

    qkv: (B, T, 3 d) = [q | k | v], each d = heads * E wide, head h at features
    h E .. (h+1) E of its third (the layout of nn.MultiHeadAttention's projection);
    out: (B, T, d) with out[b, t, h E:(h+1) E] = attention of head h at position t.
    The same numbers as splitting qkv into (B, heads, T, E) tensors, calling Attention
    and merging the heads back, with the same backward (see Attention). As one op it
    moves no data to do so: the backend reads q, k and v from qkv where they lie
    (strided views), writes each head's output into its columns of the merged output,
    and writes dq, dk, dv into their columns of one new gradient of qkv. The split
    through index ops would copy the heads out and back and, in the backward, build a
    zero (B, T, 3 d) array per index op and add the three up.
    """

    @staticmethod
    def forward(ctx, qkv, *, heads, scale, causal):
        q, k, v = _split_heads(qkv, heads)
        B, T, three_d = qkv.shape
        merged = ctx.xp.empty((B, T, three_d // 3), qkv.dtype)
        out = merged.reshape(B, T, heads, three_d // (3 * heads)).transpose(0, 2, 1, 3)  # the heads, in place
        out, lse, kept = ctx.backend.attention(q, k, v, None, scale, causal, keep_probs=_recording(ctx), out=out)
        ctx.save_for_backward(qkv, out, lse, kept)
        ctx.heads, ctx.scale, ctx.causal = heads, scale, causal
        return merged

    @staticmethod
    def backward(ctx, grad):
        qkv, out, lse, kept = ctx.saved_tensors
        q, k, v = _split_heads(qkv, ctx.heads)
        B, T, three_d = qkv.shape
        grad_heads = grad.reshape(B, T, ctx.heads, three_d // (3 * ctx.heads)).transpose(0, 2, 1, 3)
        dqkv = ctx.xp.empty((B, T, 3, ctx.heads, three_d // (3 * ctx.heads)), qkv.dtype)
        into = [dqkv[:, :, i].transpose(0, 2, 1, 3) for i in range(3)]  # dq, dk, dv, written in place
        ctx.backend.attention_backward(q, k, v, None, ctx.scale, ctx.causal, out, lse, grad_heads, kept=kept,
                                       into=into)
        return dqkv.reshape(B, T, three_d)


def _recording(ctx):
    """Whether this forward will be differentiated: then the backend may keep what its backward reuses."""
    return any(ctx.needs_input_grad)


def _split_heads(qkv, heads):
    """Views q, k, v of shape (B, heads, T, E) into a (B, T, 3 heads E) array."""
    B, T, three_d = qkv.shape
    parts = qkv.reshape(B, T, 3, heads, three_d // (3 * heads))
    return tuple(parts[:, :, i].transpose(0, 2, 1, 3) for i in range(3))
