"""RMSprop, torch's rule (centered, momentum, weight decay, maximize)."""
from .optimizer import Optimizer


class RMSprop(Optimizer):
    """RMSprop (Hinton), torch's rule:

        g <- -g  (maximize)           g <- g + weight_decay * p
        s <- alpha * s + (1 - alpha) * g^2
        centered:  a <- alpha * a + (1 - alpha) * g,   d = sqrt(s - a^2) + eps
        otherwise:                                     d = sqrt(s) + eps
        momentum > 0:  b <- momentum * b + g / d,   p <- p - lr * b
        otherwise:                                  p <- p - lr * g / d
    """

    _required = ("lr", "alpha", "eps", "weight_decay", "momentum", "centered")

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False,
                 capturable=False, foreach=None, maximize=False, differentiable=False):
        super().__init__(params, dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered,
                                      weight_decay=weight_decay, capturable=capturable, foreach=foreach,
                                      maximize=maximize, differentiable=differentiable))


    def _state_names(self, group):
        return (("step", "square_avg") + (("momentum_buffer",) if group["momentum"] > 0 else ())
                + (("grad_avg",) if group["centered"] else ()))

    def _update(self, p, grad, state, group):
        xp, param = p._backend.xp, p.array
        if not state:
            state.update({name: 0 if name == "step" else self._zeros(p) for name in self._state_names(group)})
        state["step"] += 1
        alpha, lr = group["alpha"], group["lr"]
        if group["maximize"]:
            grad = -grad
        if group["weight_decay"]:
            grad = grad + group["weight_decay"] * param
        square_avg = state["square_avg"].array
        square_avg *= alpha
        square_avg += (1 - alpha) * grad * grad
        if group["centered"]:
            grad_avg = state["grad_avg"].array
            grad_avg += (grad - grad_avg) * (1 - alpha)
            denom = xp.sqrt(square_avg - grad_avg * grad_avg)
        else:
            denom = xp.sqrt(square_avg)
        denom += group["eps"]
        if group["momentum"] > 0:
            buf = state["momentum_buffer"].array
            buf *= group["momentum"]
            buf += grad / denom
            param -= lr * buf
        else:
            param -= lr * (grad / denom)
