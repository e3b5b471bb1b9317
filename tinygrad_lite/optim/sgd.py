"""Gradient descent: GD (the plain rule) and SGD (momentum, dampening, Nesterov, weight decay), as torch's."""
import numpy as np

from .optimizer import Optimizer


def _subtract_scaled(param, scale, grad, block=32768):
    """param -= scale * grad, in place. On contiguous numpy arrays it goes a cache-sized block at
    a time through one scratch block, instead of allocating a parameter-sized temporary."""
    if not (isinstance(param, np.ndarray) and param.flags.c_contiguous and grad.flags.c_contiguous
            and grad.shape == param.shape):
        param -= scale * grad
        return
    flat_param, flat_grad = param.reshape(-1), grad.reshape(-1)
    scratch = np.empty(min(block, param.size), param.dtype)
    for start in range(0, param.size, block):
        part = scratch[:len(flat_param[start:start + block])]
        np.multiply(flat_grad[start:start + block], scale, out=part)
        flat_param[start:start + block] -= part


class GD(Optimizer):
    """Plain gradient descent:  p <- p - lr * g  (the engine's own; torch's SGD with its defaults)."""

    def __init__(self, params, lr):
        super().__init__(params, dict(lr=lr))

    def _update(self, p, grad, state, group):
        _subtract_scaled(p.array, group["lr"], grad)


class SGD(Optimizer):
    """Stochastic gradient descent with momentum, torch's rule:

        g <- -g  (maximize)           g <- g + weight_decay * p
        b <- g                                    on the parameter's first step
        b <- momentum * b + (1 - dampening) * g   afterwards
        g <- g + momentum * b  (nesterov)   or   g <- b
        p <- p - lr * g

    With momentum = 0 this is plain gradient descent on g and no state is kept.
    Nesterov needs momentum > 0 and dampening = 0.
    """

    _required = ("lr", "momentum", "dampening", "weight_decay", "nesterov")

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, *,
                 maximize=False, foreach=None, differentiable=False, fused=None):
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                                      nesterov=nesterov, maximize=maximize, foreach=foreach,
                                      differentiable=differentiable, fused=fused))

    def _check_options(self, options):
        options = super()._check_options(options)
        merged = {**getattr(self, "defaults", {}), **options}
        if merged.get("nesterov") and (merged.get("momentum", 0) <= 0 or merged.get("dampening", 0) != 0):
            raise ValueError(f"{type(self).__name__}: Nesterov momentum requires a momentum and zero dampening")
        return options

    def _state_names(self, group):
        return ("momentum_buffer",) if group["momentum"] else ()

    def _update(self, p, grad, state, group):
        param = p.array
        if group["maximize"]:
            grad = -grad
        if group["weight_decay"]:
            grad = grad + group["weight_decay"] * param
        momentum = group["momentum"]
        if momentum:
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = state["momentum_buffer"] = self._zeros(p)
                buf.array[...] = grad
            else:
                buf.array *= momentum
                buf.array += (1 - group["dampening"]) * grad
            grad = grad + momentum * buf.array if group["nesterov"] else buf.array
        _subtract_scaled(param, group["lr"], grad)
