"""RAdam, torch's rule: Adam whose adaptive step is rectified while the variance estimate is young."""
import math

from .optimizer import Optimizer


class RAdam(Optimizer):
    """RAdam (Liu et al.), torch's rule, t this parameter's update count:

        g <- -g  (maximize)
        g <- g + weight_decay * p                 (decoupled_weight_decay: p <- p * (1 - lr * weight_decay))
        m <- beta1 * m + (1 - beta1) * g           v <- beta2 * v + (1 - beta2) * g^2
        rho_inf = 2 / (1 - beta2) - 1              rho_t = rho_inf - 2 t beta2^t / (1 - beta2^t)
        rho_t > 5:  r = sqrt((rho_t - 4)(rho_t - 2) rho_inf / ((rho_inf - 4)(rho_inf - 2) rho_t))
                    p <- p - lr * m / (1 - beta1^t) * r * sqrt(1 - beta2^t) / (sqrt(v) + eps)
        otherwise:  p <- p - lr * m / (1 - beta1^t)
    """

    _required = ("lr", "betas", "eps", "weight_decay")

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 decoupled_weight_decay=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, maximize=maximize,
                                      foreach=foreach, capturable=capturable,
                                      decoupled_weight_decay=decoupled_weight_decay, differentiable=differentiable))

    def _state_names(self, group):
        return ("step", "exp_avg", "exp_avg_sq")

    def _update(self, p, grad, state, group):
        xp, param = p._backend.xp, p.array
        if not state:
            state.update(step=0, exp_avg=self._zeros(p), exp_avg_sq=self._zeros(p))
        state["step"] += 1
        t, (beta1, beta2), lr = state["step"], group["betas"], group["lr"]
        if group["maximize"]:
            grad = -grad
        if group["weight_decay"]:
            if group["decoupled_weight_decay"]:
                param *= 1 - lr * group["weight_decay"]
            else:
                grad = grad + group["weight_decay"] * param
        exp_avg, exp_avg_sq = state["exp_avg"].array, state["exp_avg_sq"].array
        exp_avg += (grad - exp_avg) * (1 - beta1)
        exp_avg_sq *= beta2
        exp_avg_sq += (1 - beta2) * grad * grad
        bias_correction2 = 1 - beta2 ** t
        corrected = exp_avg / (1 - beta1 ** t)
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * t * beta2 ** t / bias_correction2
        if rho_t > 5.0:
            rect = math.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
            adaptive = bias_correction2 ** 0.5 / (xp.sqrt(exp_avg_sq) + group["eps"])
            param -= corrected * lr * adaptive * rect
        else:
            param -= corrected * lr
