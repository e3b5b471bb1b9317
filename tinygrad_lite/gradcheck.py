"""Gradient checking by float64 central differences.

For a scalar L(x), the derivative along element i is approximated by

    dL/dx_i  ~  (L(x + eps e_i) - L(x - eps e_i)) / (2 eps),

whose error is O(eps^2). A tensor-valued function is reduced to a scalar with a
fixed random projection L = sum(f(x) * r), so every output element is checked.
"""
import numpy as np

from .autograd import no_grad
from .tensor import Tensor


class GradcheckError(AssertionError):
    """The analytical gradient (from backward) disagrees with the numerical one."""


def gradcheck(fn, *inputs, eps=1e-6, atol=1e-5, rtol=1e-3, seed=0):
    """Check the gradient of `fn(*inputs)` w.r.t. every input that requires grad.

    Inputs that require grad must be float64 tensors. Returns True, or raises
    GradcheckError naming the input, the worst element, and both values.
    """
    if not callable(fn):
        raise TypeError(f"gradcheck: fn must be callable, got {type(fn).__name__} {fn!r}")
    checked = [t for t in inputs if isinstance(t, Tensor) and t.requires_grad]
    for t in checked:
        if t.dtype != np.float64:
            raise TypeError(f"gradcheck: inputs that require grad must be float64 (got {t.dtype}); "
                            "float32 central differences are too coarse to mean anything")
    if not checked:
        raise ValueError("gradcheck: no input requires grad; nothing to check")

    out = fn(*inputs)
    projection = np.random.default_rng(seed).standard_normal(out.shape)

    def scalar_loss():
        with no_grad():
            return float((fn(*inputs).numpy() * projection).sum())

    for t in checked:
        t.grad = None
    out.backward(Tensor(projection.astype(out.dtype)))

    for position, t in enumerate(inputs):
        if not (isinstance(t, Tensor) and t.requires_grad):
            continue
        analytical = np.zeros(t.shape) if t.grad is None else t.grad.numpy().astype(np.float64)
        numerical = np.zeros(t.shape)
        if not (t.data.flags.c_contiguous and t.data.flags.writeable):
            t.data = t.data.copy()
        flat = t.data.reshape(-1)  # a view: perturb the input in place, then restore it
        for i in range(flat.size):
            original = flat[i]
            flat[i] = original + eps
            upper = scalar_loss()
            flat[i] = original - eps
            lower = scalar_loss()
            flat[i] = original
            numerical.flat[i] = (upper - lower) / (2 * eps)
        excess = np.abs(analytical - numerical) - (atol + rtol * np.abs(numerical))
        if excess.size and excess.max() > 0:
            worst = np.unravel_index(int(np.argmax(excess)), t.shape)
            raise GradcheckError(
                f"gradcheck: input {position} (shape {t.shape}): at index {tuple(int(i) for i in worst)} "
                f"backward gives {analytical[worst]:.10g} but central differences give "
                f"{numerical[worst]:.10g} (atol={atol}, rtol={rtol})")
    return True
