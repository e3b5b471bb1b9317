"""Elementwise activations and their gradients: one forward kernel, one backward kernel.

Both kernels are flat: the tensor is read as one run of `n` elements, each program
takes BLOCK of them, and a mask switches off the lanes past `n` in the last block,
so every size is legal. Values are loaded in their own dtype (float16, bfloat16 or
float32), computed in float32 and stored in the output's dtype. Which activation a
kernel applies is a compile-time constant (`ACTIVATION`), so each activation gets
its own specialised machine code with no branch left in it.

The math, forward and backward (the backward is given the forward's input x, or
its output y where that is cheaper, as the numpy reference does):

    relu(x)        = max(x, 0)                      d/dx = [x > 0]        (0 at the kink, as torch)
    leaky_relu(x)  = x if x > 0 else slope x        d/dx = 1 if x > 0 else slope
    sigmoid(x)     = 1 / (1 + e^-x)                 d/dx = y (1 - y)
    silu(x)        = x sigmoid(x)                   d/dx = s (1 + x (1 - s)),  s = sigmoid(x)
    tanh(x)                                         d/dx = 1 - y^2
    gelu(x)        = x Phi(x) = x/2 (1 + erf(x / sqrt 2))
                                                    d/dx = Phi(x) + x phi(x),  phi(x) = e^(-x^2/2) / sqrt(2 pi)
    gelu_tanh(x)   = x/2 (1 + tanh(u)),  u = sqrt(2/pi) (x + 0.044715 x^3)

Evaluating them without overflow or cancellation:

* sigmoid. 1 / (1 + e^-x) overflows e^-x for x < -88 in float32 (harmlessly, to
  1/inf = 0), but the backward and the tanh below want it accurate on both sides.
  With e = e^-|x| <= 1 nothing can overflow: sigmoid(x) = 1/(1+e) for x >= 0 and
  e/(1+e) for x < 0 (multiply top and bottom by e^x).
* tanh. Triton has no tanh that also runs in its interpreter, and the identity
  tanh(x) = 2 sigmoid(2x) - 1 cancels near 0 (tanh(1e-4) would keep only 3 digits).
  So, as Cephes' tanhf does: for |x| >= 0.625, tanh|x| = (1 - e)/(1 + e) with
  e = e^(-2|x|) <= 0.29, where 1 - e cannot cancel; for |x| < 0.625 an odd
  polynomial x + x^3 P(x^2) (Cephes' minimax coefficients, within 1 ulp of float32).
* gelu_tanh. 1 + tanh(u) = 2 / (1 + e^(-2u)) = 2 sigmoid(2u), so
      gelu_tanh(x) = x sigmoid(2u),
  which never forms 1 + tanh(u) (that sum cancels to nothing for very negative x).
  Differentiating x s(2u) with s' = s (1 - s):
      d/dx = s + 2 x s (1 - s) u',   u' = sqrt(2/pi) (1 + 3 * 0.044715 x^2),   s = sigmoid(2u).
* gelu (exact) uses erf as torch does; 1 + erf(x/sqrt 2) loses relative accuracy for
  x < -4, where gelu(x) itself is below 1e-4 in size.
* The ends, as the numpy reference: gelu(-inf) = -0 and gelu(inf) = inf (both forms),
  with derivative 0 at -inf and 1 at inf. Where a factor is 0 (Phi(-inf), phi(+-inf),
  sigmoid(2u) (1 - sigmoid(2u)) once |x| passes about 10) the product is 0: x = -inf is
  raised to the lowest finite float32 first, and a term whose small factor is 0 is 0, so
  no 0 * inf = nan appears. float16 and bfloat16 compute in float32, where x^3 of any
  float16 value is finite.

`activate` and `activation_grad` are @triton.jit functions that other kernels call
too: the matmul kernel applies `activate` to its accumulator as a fused epilogue.
"""
import math

import torch
import triton
import triton.language as tl

from ._runtime import as_element_type, empty, interpreting

_SQRT_2_OVER_PI = tl.constexpr(math.sqrt(2.0 / math.pi))
_GELU_TANH_CUBIC = tl.constexpr(0.044715)
_SQRT_HALF = tl.constexpr(math.sqrt(0.5))
_INV_SQRT_2PI = tl.constexpr(1.0 / math.sqrt(2.0 * math.pi))
_FLOAT32_LOWEST = tl.constexpr(-3.4028234663852886e38)

# Names of the activations as the kernels know them ("gelu" with approximate="tanh" is "gelu_tanh").
KERNEL_ACTIVATIONS = ("none", "relu", "leaky_relu", "sigmoid", "tanh", "gelu", "gelu_tanh", "silu")
_FLOAT_DTYPES = (torch.float16, torch.bfloat16, torch.float32)
# Under the interpreter small blocks make a small test tensor span several programs.
_BLOCK = 128 if interpreting() else 1024


@triton.jit
def stable_sigmoid(x):
    """1 / (1 + e^-x) with e = e^-|x| <= 1, so no exp() overflows."""
    e = tl.exp(-tl.abs(x))
    return tl.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


@triton.jit
def tanh_f32(x):
    """tanh of float32 x: an odd polynomial below |x| = 0.625, (1 - e)/(1 + e) with e = e^(-2|x|) above."""
    z = tl.abs(x)
    e = tl.exp(-2.0 * z)
    large = (1.0 - e) / (1.0 + e)
    large = tl.where(x < 0, -large, large)
    xs = tl.where(z < 0.625, x, 0.0)  # the polynomial branch never sees large x, which could overflow x^3
    x2 = xs * xs
    p = -5.70498872745e-3 * x2 + 2.06390887954e-2
    p = p * x2 - 5.37397155531e-2
    p = p * x2 + 1.33314422036e-1
    p = p * x2 - 3.33332819422e-1
    small = p * x2 * xs + xs
    return tl.where(z < 0.625, small, large)


@triton.jit
def finite_below(x):
    """x with -inf raised to the lowest float32 (NaN kept): where it multiplies a 0, -big * 0 = -0, not nan."""
    return tl.maximum(x, _FLOAT32_LOWEST, propagate_nan=tl.PropagateNan.ALL)


@triton.jit
def activate(x, slope, ACTIVATION: tl.constexpr):
    """ACTIVATION(x) on a float32 block; `slope` is leaky_relu's negative slope (ignored otherwise)."""
    if ACTIVATION == "relu":
        y = tl.where(x < 0, 0.0, x)  # written so that NaN passes through, as in torch
    elif ACTIVATION == "leaky_relu":
        y = tl.where(x > 0, x, x * slope)
    elif ACTIVATION == "sigmoid":
        y = stable_sigmoid(x)
    elif ACTIVATION == "tanh":
        y = tanh_f32(x)
    elif ACTIVATION == "gelu":
        y = 0.5 * finite_below(x) * (1.0 + tl.math.erf(x * _SQRT_HALF))
    elif ACTIVATION == "gelu_tanh":
        u = _SQRT_2_OVER_PI * (x + _GELU_TANH_CUBIC * x * x * x)
        y = finite_below(x) * stable_sigmoid(2.0 * u)
    elif ACTIVATION == "silu":
        y = x * stable_sigmoid(x)
    else:
        y = x
    return y


@triton.jit
def activation_grad(saved, grad, slope, ACTIVATION: tl.constexpr):
    """dL/dx from dL/dy = grad, given the input x (relu, leaky_relu, gelu*, silu) or the output y (sigmoid, tanh)."""
    if ACTIVATION == "relu":
        dx = tl.where(saved <= 0, 0.0, grad)  # at x = NaN the gradient passes, as in torch
    elif ACTIVATION == "leaky_relu":
        dx = tl.where(saved > 0, grad, grad * slope)
    elif ACTIVATION == "sigmoid":
        dx = grad * saved * (1.0 - saved)
    elif ACTIVATION == "tanh":
        dx = grad * (1.0 - saved * saved)
    elif ACTIVATION == "gelu":
        cdf = 0.5 * (1.0 + tl.math.erf(saved * _SQRT_HALF))
        pdf = _INV_SQRT_2PI * tl.exp(-0.5 * saved * saved)
        dx = grad * (cdf + tl.where(pdf == 0.0, 0.0, saved * pdf))
    elif ACTIVATION == "gelu_tanh":
        x = saved
        u = _SQRT_2_OVER_PI * (x + _GELU_TANH_CUBIC * x * x * x)
        du = _SQRT_2_OVER_PI * (1.0 + 3.0 * _GELU_TANH_CUBIC * x * x)
        s = stable_sigmoid(2.0 * u)
        ds = s * (1.0 - s)
        dx = grad * (s + tl.where(ds == 0.0, 0.0, 2.0 * x * ds * du))
    elif ACTIVATION == "silu":
        s = stable_sigmoid(saved)
        dx = grad * (s * (1.0 + saved * (1.0 - s)))
    else:
        dx = grad
    return dx


@triton.jit
def _activation_forward_kernel(x_ptr, y_ptr, n, slope, ACTIVATION: tl.constexpr, BLOCK: tl.constexpr):
    offsets = tl.program_id(0).to(tl.int64) * BLOCK + tl.arange(0, BLOCK)
    mask = offsets < n
    x = tl.load(x_ptr + offsets, mask=mask, other=0.0).to(tl.float32)
    y = activate(x, slope, ACTIVATION)
    tl.store(y_ptr + offsets, as_element_type(y, y_ptr), mask=mask)


@triton.jit
def _activation_backward_kernel(saved_ptr, grad_ptr, dx_ptr, n, slope, ACTIVATION: tl.constexpr,
                                BLOCK: tl.constexpr):
    offsets = tl.program_id(0).to(tl.int64) * BLOCK + tl.arange(0, BLOCK)
    mask = offsets < n
    saved = tl.load(saved_ptr + offsets, mask=mask, other=0.0).to(tl.float32)
    grad = tl.load(grad_ptr + offsets, mask=mask, other=0.0).to(tl.float32)
    dx = activation_grad(saved, grad, slope, ACTIVATION)
    tl.store(dx_ptr + offsets, as_element_type(dx, dx_ptr), mask=mask)


def kernel_activation(name, params):
    """(kernel name, slope) for an activation `name` and its keyword parameters.

    relu, sigmoid, tanh take none; leaky_relu takes `slope` (default 0.01); gelu takes
    `approximate` ("none", the default, or "tanh"). `name=None` means no activation.
    """
    params = dict(params)
    kernel_name, slope = name, 0.0
    if name is None:
        kernel_name = "none"
    elif name == "leaky_relu":
        slope = float(params.pop("slope", 0.01))
    elif name == "gelu":
        approximate = params.pop("approximate", "none")
        if approximate not in ("none", "tanh"):
            raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
        kernel_name = "gelu_tanh" if approximate == "tanh" else "gelu"
    elif name not in ("relu", "sigmoid", "tanh", "silu"):
        raise ValueError(f"unknown activation {name!r}: choose one of relu, leaky_relu, sigmoid, tanh, gelu, silu")
    if params:
        raise TypeError(f"activation {name!r} takes no parameter(s) {sorted(params)}")
    return kernel_name, slope


def _check_float(op, what, t):
    if t.dtype not in _FLOAT_DTYPES:
        raise TypeError(f"{op}: {what} must be float16, bfloat16 or float32 (computed in float32), got {t.dtype}")


def _launch(kernel, out, *args, name, slope):
    n = out.numel()
    if n:
        kernel[(triton.cdiv(n, _BLOCK),)](*args, out, n, slope, ACTIVATION=name, BLOCK=_BLOCK)
    return out


def activation_forward(name, x, **params):
    """y = name(x), elementwise, in x's dtype and shape (a new contiguous tensor).

    name: "relu", "leaky_relu" (slope=0.01), "sigmoid", "tanh", "gelu" (approximate="none"|"tanh"), "silu".
    """
    kname, slope = kernel_activation(name, params)
    _check_float(name, "x", x)
    x = x.contiguous()
    return _launch(_activation_forward_kernel, empty(x.shape, x.dtype, x.device), x, name=kname, slope=slope)


def activation_backward(name, x_or_y, grad, **params):
    """dL/dx for dL/dy = grad, in grad's dtype, mirroring the numpy reference's `<name>_backward`.

    `x_or_y` is the forward's input x for relu, leaky_relu, gelu and silu, and its output y
    for sigmoid and tanh (their derivatives y(1 - y) and 1 - y^2 need nothing else).
    """
    kname, slope = kernel_activation(name, params)
    _check_float(f"{name}_backward", "the saved tensor", x_or_y)
    _check_float(f"{name}_backward", "grad", grad)
    if x_or_y.shape != grad.shape:
        raise ValueError(f"{name}_backward: saved tensor {tuple(x_or_y.shape)} and grad {tuple(grad.shape)} "
                         "must have the same shape")
    saved, grad = x_or_y.contiguous(), grad.contiguous()
    return _launch(_activation_backward_kernel, empty(grad.shape, grad.dtype, grad.device), saved, grad,
                   name=kname, slope=slope)
