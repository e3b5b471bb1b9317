"""Scaled dot-product attention with a hand-derived backward."""
from ..autograd import Function, unbroadcast


class Attention(Function):
    """out = softmax(q k^T * scale + bias) v;  dv = P^T g, dS = P (g v^T - rowsum(g out)), dq = dS k scale, dk = dS^T q scale.

    q: (..., L, E), k: (..., S, E), v: (..., S, Ev); batch axes broadcast.
    `bias` is an additive (..., L, S) array (0 = attend, -inf = masked, or any
    float mask) or None; when it is a Tensor it is differentiable, with
    d(bias) = dS, the gradient of the scores. `causal` masks the keys after each
    query without building a mask, so kernels can skip those tiles. Only the output and each row's
    log-sum-exp are saved; the backward recomputes the probabilities from them.
    """

    @staticmethod
    def forward(ctx, q, k, v, bias, *, scale, causal):
        out, lse = ctx.backend.attention(q, k, v, bias, scale, causal)
        ctx.save_for_backward(q, k, v, bias, out, lse)
        ctx.scale, ctx.causal = scale, causal
        return out

    @staticmethod
    def backward(ctx, grad):
        q, k, v, bias, out, lse = ctx.saved_tensors
        bias_grad = len(ctx.parents) == 4  # a differentiable float mask: its gradient is dS
        dq, dk, dv, ds = ctx.backend.attention_backward(
            q, k, v, bias, ctx.scale, ctx.causal, out, lse, grad, bias_grad=bias_grad)
        grads = [unbroadcast(g, p.shape) for g, p in zip((dq, dk, dv), ctx.parents)]
        if bias_grad:
            grads.append(unbroadcast(ds, ctx.parents[3].shape))
        return tuple(grads)
