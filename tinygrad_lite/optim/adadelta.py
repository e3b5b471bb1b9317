"""Adadelta, torch's rule."""
from .optimizer import Optimizer


class Adadelta(Optimizer):
    """Adadelta (Zeiler), torch's rule:

        g <- -g  (maximize)           g <- g + weight_decay * p
        s <- rho * s + (1 - rho) * g^2
        d = sqrt(u + eps) / sqrt(s + eps) * g
        u <- rho * u + (1 - rho) * d^2
        p <- p - lr * d
    """

    _required = ("lr", "rho", "eps", "weight_decay")

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *, capturable=False,
                 maximize=False, differentiable=False):
        super().__init__(params, dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize,
                                      capturable=capturable, foreach=foreach, differentiable=differentiable))

    def _check_options(self, options):
        options = super()._check_options(options)
        if options.get("rho", 0) > 1:
            raise ValueError(f"{type(self).__name__}: Invalid rho value: {options['rho']} (must be in [0, 1])")
        return options

    def _state_names(self, group):
        return ("step", "square_avg", "acc_delta")

    def _update(self, p, grad, state, group):
        xp, param = p._backend.xp, p.array
        if not state:
            state.update(step=0, square_avg=self._zeros(p), acc_delta=self._zeros(p))
        state["step"] += 1
        rho, eps = group["rho"], group["eps"]
        if group["maximize"]:
            grad = -grad
        if group["weight_decay"]:
            grad = grad + group["weight_decay"] * param
        square_avg, acc_delta = state["square_avg"].array, state["acc_delta"].array
        square_avg *= rho
        square_avg += (1 - rho) * grad * grad
        delta = xp.sqrt(acc_delta + eps) / xp.sqrt(square_avg + eps) * grad
        acc_delta *= rho
        acc_delta += (1 - rho) * delta * delta
        param -= group["lr"] * delta
