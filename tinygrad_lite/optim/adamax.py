"""Adamax, torch's rule: Adam with the infinity norm in place of the second moment."""
from .optimizer import Optimizer


class Adamax(Optimizer):
    """Adamax (Kingma & Ba), torch's rule, t this parameter's update count:

        g <- -g  (maximize)           g <- g + weight_decay * p
        m <- beta1 * m + (1 - beta1) * g
        u <- max(beta2 * u, |g| + eps)
        p <- p - lr / (1 - beta1^t) * m / u
    """

    _required = ("lr", "betas", "eps", "weight_decay")

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, foreach=None, *,
                 maximize=False, differentiable=False, capturable=False):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, foreach=foreach,
                                      maximize=maximize, differentiable=differentiable, capturable=capturable))

    def _state_names(self, group):
        return ("step", "exp_avg", "exp_inf")

    def _update(self, p, grad, state, group):
        xp, param = p._backend.xp, p.array
        if not state:
            state.update(step=0, exp_avg=self._zeros(p), exp_inf=self._zeros(p))
        state["step"] += 1
        beta1, beta2 = group["betas"]
        if group["maximize"]:
            grad = -grad
        if group["weight_decay"]:
            grad = grad + group["weight_decay"] * param
        exp_avg, exp_inf = state["exp_avg"].array, state["exp_inf"].array
        exp_avg += (grad - exp_avg) * (1 - beta1)
        exp_inf *= beta2
        xp.maximum(exp_inf, xp.abs(grad) + group["eps"], out=exp_inf)
        param -= (group["lr"] / (1 - beta1 ** state["step"])) * (exp_avg / exp_inf)
