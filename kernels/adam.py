"""One fused Adam / AdamW step: param, exp_avg and exp_avg_sq updated in place, in one pass.

Adam keeps two running averages per parameter, of the gradient (m) and of its
square (v), and moves each parameter by m / sqrt(v): a step whose size does not
depend on the gradient's scale. At step t (counting from 1), with learning rate lr,
decay rates b1, b2, weight decay wd and a small eps:

    Adam  (L2 penalty):   g <- g + wd p
    AdamW (decoupled):    p <- p (1 - lr wd)
    m <- m + (g - m)(1 - b1)           (= b1 m + (1 - b1) g: a lerp from m towards g)
    v <- b2 v + (1 - b2) g^2
    p <- p - lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)

m and v start at 0, so early on they are biased towards 0 by the factors 1 - b1^t
and 1 - b2^t; dividing by those factors ("bias correction") removes the bias. The
corrections depend only on t, so the launcher computes them once on the host, in
double precision, and passes step_size = lr / (1 - b1^t) and sqrt(1 - b2^t) as
scalars, exactly as torch's single-tensor Adam does. Every expression follows
torch's order of operations, so float32 results agree with torch.optim.Adam/AdamW
to a few units in the last place. That includes the lerp: torch evaluates
m + w (g - m) when w = 1 - b1 < 1/2 and g - (g - m)(1 - w) otherwise (each form
is exact at the end it starts from); the two differ in rounding by up to an ulp
of g - m.

Written naively this is 5 elementwise passes over memory, each reading and writing
whole tensors; fused, each element of the four tensors is read once and the three
states written once. Each program updates BLOCK consecutive elements (a mask covers
the last block), computing in float32 whatever the storage dtype.
"""
import torch
import triton
import triton.language as tl

from ._runtime import as_element_type, interpreting

_FLOAT_DTYPES = (torch.float16, torch.bfloat16, torch.float32)
# Under the interpreter small blocks make a small test tensor span several programs.
_BLOCK = 128 if interpreting() else 1024


@triton.jit
def adam_kernel(param_ptr, grad_ptr, exp_avg_ptr, exp_avg_sq_ptr, n,
                weight_decay, decay_factor, one_minus_beta1, beta2, one_minus_beta2,
                step_size, bias_correction2_sqrt, eps,
                WEIGHT_DECAY: tl.constexpr, BLOCK: tl.constexpr):
    """WEIGHT_DECAY: "none", "l2" (Adam: g += wd p) or "decoupled" (AdamW: p *= decay_factor = 1 - lr wd)."""
    offsets = tl.program_id(0).to(tl.int64) * BLOCK + tl.arange(0, BLOCK)
    mask = offsets < n
    p = tl.load(param_ptr + offsets, mask=mask).to(tl.float32)
    g = tl.load(grad_ptr + offsets, mask=mask).to(tl.float32)
    m = tl.load(exp_avg_ptr + offsets, mask=mask).to(tl.float32)
    v = tl.load(exp_avg_sq_ptr + offsets, mask=mask).to(tl.float32)

    if WEIGHT_DECAY == "l2":
        g = g + weight_decay * p
    elif WEIGHT_DECAY == "decoupled":
        p = p * decay_factor
    # m moves towards g by w = 1 - b1, evaluated as torch's lerp does: from the nearer end.
    if one_minus_beta1 < 0.5:
        m = m + one_minus_beta1 * (g - m)
    else:
        m = g - (g - m) * (1.0 - one_minus_beta1)
    v = v * beta2 + one_minus_beta2 * g * g
    denom = tl.sqrt(v) / bias_correction2_sqrt + eps
    p = p - step_size * m / denom

    tl.store(param_ptr + offsets, as_element_type(p, param_ptr), mask=mask)
    tl.store(exp_avg_ptr + offsets, as_element_type(m, exp_avg_ptr), mask=mask)
    tl.store(exp_avg_sq_ptr + offsets, as_element_type(v, exp_avg_sq_ptr), mask=mask)


def adam_step(param, grad, exp_avg, exp_avg_sq, *, lr, beta1, beta2, eps, weight_decay, step, decoupled):
    """One Adam (decoupled=False) or AdamW (decoupled=True) step; updates param, exp_avg, exp_avg_sq in place.

    All four tensors have the same shape; the three updated ones must be contiguous
    (they are written in place), grad may be any view. Any mix of float16, bfloat16
    and float32 storage; the arithmetic is float32. `step` counts from 1.
    """
    tensors = {"param": param, "grad": grad, "exp_avg": exp_avg, "exp_avg_sq": exp_avg_sq}
    for name, t in tensors.items():
        if t.dtype not in _FLOAT_DTYPES:
            raise TypeError(f"adam_step: {name} must be float16, bfloat16 or float32, got {t.dtype}")
        if t.shape != param.shape:
            raise ValueError(f"adam_step: {name} has shape {tuple(t.shape)}, param has {tuple(param.shape)}")
        if name != "grad" and not t.is_contiguous():
            raise ValueError(f"adam_step: {name} {tuple(t.shape)} must be contiguous to be updated in place")
    if step < 1:
        raise ValueError(f"adam_step: step counts from 1, got {step}")
    n = param.numel()
    if n == 0:
        return
    lr, beta1, beta2, eps, weight_decay = (float(v) for v in (lr, beta1, beta2, eps, weight_decay))
    mode = "none" if not weight_decay else "decoupled" if decoupled else "l2"
    adam_kernel[(triton.cdiv(n, _BLOCK),)](
        param, grad.contiguous(), exp_avg, exp_avg_sq, n,
        weight_decay, 1.0 - lr * weight_decay, 1.0 - beta1, beta2, 1.0 - beta2,
        lr / (1.0 - beta1 ** step), (1.0 - beta2 ** step) ** 0.5, eps,
        WEIGHT_DECAY=mode, BLOCK=_BLOCK,
    )
