"""NAdam, torch's rule: Adam with Nesterov momentum and a momentum schedule."""
from .optimizer import Optimizer


class NAdam(Optimizer):
    """NAdam (Dozat), torch's rule, t this parameter's update count:

        g <- -g  (maximize)
        g <- g + weight_decay * p                 (decoupled_weight_decay: p <- p * (1 - lr * weight_decay))
        mu_t = beta1 * (1 - 0.5 * 0.96^(t * momentum_decay))       P_t = mu_1 * ... * mu_t
        m <- beta1 * m + (1 - beta1) * g           v <- beta2 * v + (1 - beta2) * g^2
        d = sqrt(v / (1 - beta2^t)) + eps
        p <- p - lr * (1 - mu_t) / (1 - P_t) * g / d - lr * mu_{t+1} / (1 - P_t * mu_{t+1}) * m / d

    P_t is kept per parameter as "mu_product", a Python float.
    """

    _required = ("lr", "betas", "eps", "weight_decay", "momentum_decay")
    _scalar_state = ("mu_product",)

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, momentum_decay=4e-3,
                 decoupled_weight_decay=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                                      momentum_decay=momentum_decay, decoupled_weight_decay=decoupled_weight_decay,
                                      maximize=maximize, foreach=foreach, capturable=capturable,
                                      differentiable=differentiable))


    def _state_names(self, group):
        return ("step", "mu_product", "exp_avg", "exp_avg_sq")

    def _update(self, p, grad, state, group):
        xp, param = p._backend.xp, p.array
        if not state:
            state.update(step=0, mu_product=1.0, exp_avg=self._zeros(p), exp_avg_sq=self._zeros(p))
        state["step"] += 1
        t, (beta1, beta2), lr = state["step"], group["betas"], group["lr"]
        if group["maximize"]:
            grad = -grad
        if group["weight_decay"]:
            if group["decoupled_weight_decay"]:
                param *= 1 - lr * group["weight_decay"]
            else:
                grad = grad + group["weight_decay"] * param
        mu = beta1 * (1.0 - 0.5 * 0.96 ** (t * group["momentum_decay"]))
        mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((t + 1) * group["momentum_decay"]))
        state["mu_product"] = mu_product = float(state["mu_product"]) * mu
        exp_avg, exp_avg_sq = state["exp_avg"].array, state["exp_avg_sq"].array
        exp_avg += (grad - exp_avg) * (1 - beta1)
        exp_avg_sq *= beta2
        exp_avg_sq += (1 - beta2) * grad * grad
        denom = xp.sqrt(exp_avg_sq / (1 - beta2 ** t)) + group["eps"]
        param -= (lr * (1.0 - mu) / (1.0 - mu_product)) * (grad / denom)
        param -= (lr * mu_next / (1.0 - mu_product * mu_next)) * (exp_avg / denom)
