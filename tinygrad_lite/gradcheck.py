"""Gradient checking by float64 central differences.

For a scalar L(x), the derivative along element i is approximated by

    dL/dx_i  ~  (L(x + eps e_i) - L(x - eps e_i)) / (2 eps),

whose error is O(eps^2). A tensor-valued function is reduced to a scalar with a
fixed random projection L = sum(f(x) * r), so every output element is checked.

The check passes only when, for every element, both gradients are finite and

    |analytical - numerical| <= atol + rtol * |numerical|.

A nan or inf on either side fails, as it does in torch.autograd.gradcheck: a nan
gradient (0 * inf inside a masked branch, a kink sampled exactly) is a wrong
answer, never a pass.
"""
import math
import numbers

import numpy as np

from .autograd import no_grad
from ._tensor import Tensor


class GradcheckError(AssertionError):
    """The analytical gradient (from backward) disagrees with the numerical one."""


def _check_tolerance(name, value, positive):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"gradcheck: {name} must be a real number, got {type(value).__name__} {value!r}")
    value = float(value)
    if not math.isfinite(value) or value < 0 or (positive and value == 0):
        bound = "> 0" if positive else ">= 0"
        raise ValueError(f"gradcheck: {name} must be finite and {bound}, got {value!r}")
    return value


def _leaf_copies(inputs):
    """Fresh float64 leaves for the inputs that require grad, other arguments as given:
    the check perturbs and differentiates its own copies, so the caller's tensors (their
    values and .grad) are left as they were."""
    args, checked = [], []
    for position, t in enumerate(inputs):
        if isinstance(t, Tensor) and t.requires_grad:
            if t.dtype != np.float64:
                raise TypeError(f"gradcheck: input {position} requires grad but is {t.dtype}; inputs that "
                                "require grad must be float64 (float32 central differences are too coarse "
                                "to mean anything): pass x.astype(tg.float64)")
            leaf = Tensor._wrap(t.array.copy(), t._backend, requires_grad=True)
            args.append(leaf)
            checked.append((position, leaf))
        else:
            args.append(t)
    if not checked:
        kinds = ", ".join(type(t).__name__ if not isinstance(t, Tensor) else f"Tensor({t.dtype})"
                          for t in inputs) or "none"
        raise ValueError(f"gradcheck: no input requires grad (none is a Tensor with requires_grad=True; "
                         f"inputs: {kinds}); nothing to check")
    return args, checked


def gradcheck(fn, *inputs, eps=1e-6, atol=1e-5, rtol=1e-3, seed=0):
    """Check the gradient of `fn(*inputs)` w.r.t. every input that requires grad.

    Inputs that require grad must be float64 tensors; other arguments are passed to
    `fn` unchanged. `eps` must be finite and > 0, `atol` and `rtol` finite and >= 0.
    Returns True, or raises GradcheckError naming the input, the worst element, and
    both values (a nan or inf on either side is always the worst).
    """
    if not callable(fn):
        raise TypeError(f"gradcheck: fn must be callable, got {type(fn).__name__} {fn!r}")
    eps = _check_tolerance("eps", eps, positive=True)
    atol = _check_tolerance("atol", atol, positive=False)
    rtol = _check_tolerance("rtol", rtol, positive=False)
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"gradcheck: seed must be an int, got {type(seed).__name__} {seed!r}")
    if seed < 0:
        raise ValueError(f"gradcheck: seed must be >= 0, got {seed}")
    args, checked = _leaf_copies(inputs)

    out = fn(*args)
    if not isinstance(out, Tensor):
        raise TypeError(f"gradcheck: fn must return a Tensor, got {type(out).__name__}")
    projection = np.random.default_rng(seed).standard_normal(out.shape)

    def scalar_loss():
        with no_grad():
            value = fn(*args)
        if not isinstance(value, Tensor):
            raise TypeError(f"gradcheck: fn must return a Tensor, got {type(value).__name__}")
        if value.shape != out.shape:
            raise ValueError(f"gradcheck: fn returned shape {value.shape} for a perturbed input, "
                             f"{out.shape} for the original")
        return float((value.numpy().astype(np.float64) * projection).sum())

    if out.requires_grad:  # otherwise no gradient reaches any input: the analytical gradient is 0
        out.backward(Tensor(projection.astype(out.dtype)))

    for position, t in checked:
        analytical = np.zeros(t.shape) if t.grad is None else t.grad.numpy().astype(np.float64)
        numerical = np.zeros(t.shape)
        flat = t.array.reshape(-1)  # a view of our own copy: perturb it in place
        for i in range(flat.size):
            original = flat[i]
            try:
                flat[i] = original + eps
                upper = scalar_loss()
                flat[i] = original - eps
                lower = scalar_loss()
            finally:
                flat[i] = original
            numerical.flat[i] = (upper - lower) / (2 * eps)
        _compare(position, t.shape, analytical, numerical, atol, rtol)
    return True


def _compare(position, shape, analytical, numerical, atol, rtol):
    """Raise GradcheckError at the worst element; a non-finite value on either side is worst."""
    if not analytical.size:
        return
    with np.errstate(invalid="ignore", over="ignore"):
        excess = np.abs(analytical - numerical) - (atol + rtol * np.abs(numerical))
    bad = ~(np.isfinite(analytical) & np.isfinite(numerical))
    excess = np.where(bad, np.inf, excess)
    if excess.max() <= 0:
        return
    worst = np.unravel_index(int(np.argmax(excess)), shape)
    why = "a non-finite gradient never passes" if bad[worst] else f"atol={atol}, rtol={rtol}"
    raise GradcheckError(
        f"gradcheck: input {position} (shape {shape}): at index {tuple(int(i) for i in worst)} "
        f"backward gives {analytical[worst]:.10g} but central differences give "
        f"{numerical[worst]:.10g} ({why})")
