"""Adam and AdamW, torch's rules; the default configuration runs the backend's fused update."""
from .optimizer import Optimizer


class Adam(Optimizer):
    """Adam (Kingma & Ba), torch's rule, t this parameter's update count:

        g <- -g  (maximize)
        g <- g + weight_decay * p                 (decoupled_weight_decay: p <- p * (1 - lr * weight_decay))
        m <- beta1 * m + (1 - beta1) * g           v <- beta2 * v + (1 - beta2) * g^2
        v_max <- max(v_max, v)  and v -> v_max below   (amsgrad)
        p <- p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)

    Without amsgrad the update runs as one fused in-place call, `backend.adam_step`
    (one Triton kernel on the GPU backends; cache-sized numpy blocks on the CPU).
    """

    _required = ("lr", "betas", "eps", "weight_decay", "amsgrad")

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *,
                 foreach=None, maximize=False, capturable=False, differentiable=False, fused=None,
                 decoupled_weight_decay=False):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                                      maximize=maximize, foreach=foreach, capturable=capturable,
                                      differentiable=differentiable, fused=fused,
                                      decoupled_weight_decay=decoupled_weight_decay))


    def _state_names(self, group):
        return ("step", "exp_avg", "exp_avg_sq") + (("max_exp_avg_sq",) if group["amsgrad"] else ())

    def _update(self, p, grad, state, group):
        if not state:
            state.update(step=0, exp_avg=self._zeros(p), exp_avg_sq=self._zeros(p))
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = self._zeros(p)
        state["step"] += 1
        if group["maximize"]:
            grad = -grad
        beta1, beta2 = group["betas"]
        lr, eps, weight_decay, decoupled = group["lr"], group["eps"], group["weight_decay"], \
            group["decoupled_weight_decay"]
        if not group["amsgrad"]:
            p._backend.adam_step(p.array, grad, state["exp_avg"].array, state["exp_avg_sq"].array,
                                 lr=lr, beta1=beta1, beta2=beta2, eps=eps, weight_decay=weight_decay,
                                 step=state["step"], decoupled=decoupled)
            return
        xp, param, t = p._backend.xp, p.array, state["step"]
        exp_avg, exp_avg_sq, max_sq = state["exp_avg"].array, state["exp_avg_sq"].array, state["max_exp_avg_sq"].array
        if weight_decay and decoupled:
            param *= 1 - lr * weight_decay
        elif weight_decay:
            grad = grad + weight_decay * param
        exp_avg += (grad - exp_avg) * (1 - beta1)
        exp_avg_sq *= beta2
        exp_avg_sq += (1 - beta2) * grad * grad
        xp.maximum(max_sq, exp_avg_sq, out=max_sq)
        denom = xp.sqrt(max_sq) / (1 - beta2 ** t) ** 0.5 + eps
        param -= (lr / (1 - beta1 ** t)) * exp_avg / denom


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter), torch's rule:

        p <- p * (1 - lr * weight_decay), then Adam's update without weight decay in g.
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False, *,
                 maximize=False, foreach=None, capturable=False, differentiable=False, fused=None):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                         foreach=foreach, maximize=maximize, capturable=capturable,
                         differentiable=differentiable, fused=fused, decoupled_weight_decay=True)
