"""clip_grad_norm_: scale gradients so that their joint norm is at most a bound, as torch.nn.utils's."""
import math

import numpy as np

from .._tensor import Tensor
from .optimizer import _non_negative, _number, _tensor_list


def _vector_norm(array, norm_type, xp):
    """||x||_p = (sum |x_i|^p)^(1/p) over all elements; max |x_i| for p = inf.

    fp16 gradients are accumulated in fp32."""
    x = xp.abs(array.astype(np.promote_types(array.dtype, np.float32), copy=False))
    if x.size == 0:
        return 0.0
    if norm_type == math.inf:
        return float(x.max())
    if norm_type == 2.0:
        return float(xp.sqrt((x * x).sum()))
    return float((x ** norm_type).sum() ** (1.0 / norm_type))


def clip_grad_norm_(params, max_norm, norm_type=2.0, error_if_nonfinite=False):
    """Scale the gradients in place so that their joint norm is at most `max_norm`; return that norm.

        total = || (||g_1||_p, ||g_2||_p, ...) ||_p     (the p-norm of all gradients as one vector)
        g_i <- g_i * min(1, max_norm / (total + 1e-6))

    as torch.nn.utils.clip_grad_norm_. `params` is a Tensor or an iterable of them;
    parameters without a gradient are ignored. `norm_type` is p > 0 or inf. With
    `error_if_nonfinite`, a NaN or infinite total raises instead of scaling.
    """
    params = [params] if isinstance(params, Tensor) else _tensor_list(params, "clip_grad_norm_")
    norm_type = _number("clip_grad_norm_", "norm_type", norm_type)
    if not norm_type > 0:
        raise ValueError(f"clip_grad_norm_: norm_type must be > 0 or inf, not {norm_type}")
    max_norm = _non_negative("clip_grad_norm_", "max_norm", max_norm)
    grads = [p.grad for p in params if p.grad is not None]
    if not grads:
        return 0.0
    norms = np.array([_vector_norm(g.array, norm_type, g._backend.xp) for g in grads])
    total = _vector_norm(norms, norm_type, np)
    if error_if_nonfinite and not math.isfinite(total):
        raise RuntimeError(f"clip_grad_norm_: the total norm of order {norm_type} of the gradients is "
                           f"{total}; pass error_if_nonfinite=False to clip anyway")
    coef = min(max_norm / (total + 1e-6), 1.0)  # min() keeps a NaN total's NaN, as torch's clamp
    for g in grads:
        g.array *= coef
    return total
