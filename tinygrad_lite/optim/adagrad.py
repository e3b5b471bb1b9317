"""Adagrad, torch's rule (lr decay, weight decay, an initial accumulator, maximize)."""
from .._tensor import Tensor
from .optimizer import Optimizer


class Adagrad(Optimizer):
    """Adagrad (Duchi et al.), torch's rule, with t this parameter's update count:

        g <- -g  (maximize)           g <- g + weight_decay * p
        lr_t = lr / (1 + (t - 1) * lr_decay)
        s <- s + g^2                 (s starts at initial_accumulator_value)
        p <- p - lr_t * g / (sqrt(s) + eps)

    As torch's, every parameter's state is made at construction (step 0), and s starts at the
    constructor's initial_accumulator_value (a group's own value is not used, as in torch).
    """

    _required = ("lr", "lr_decay", "eps", "weight_decay", "initial_accumulator_value")

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10,
                 foreach=None, *, maximize=False, differentiable=False, fused=None):
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value, foreach=foreach,
                                      maximize=maximize, differentiable=differentiable, fused=fused))
        for group in self.param_groups:
            for p in group["params"]:
                self._init(p, self.state[p], group)


    def _state_names(self, group):
        return ("step", "sum")

    def _init(self, p, state, group):
        start = p._backend.xp.full_like(p.array, self.defaults["initial_accumulator_value"])
        state.update(step=0, sum=Tensor._wrap(start, p._backend))

    def _update(self, p, grad, state, group):
        xp, param = p._backend.xp, p.array
        if not state:
            self._init(p, state, group)
        state["step"] += 1
        if group["maximize"]:
            grad = -grad
        if group["weight_decay"]:
            grad = grad + group["weight_decay"] * param
        lr_t = group["lr"] / (1 + (state["step"] - 1) * group["lr_decay"])
        total = state["sum"].array
        total += grad * grad
        param -= lr_t * (grad / (xp.sqrt(total) + group["eps"]))
