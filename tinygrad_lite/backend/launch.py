"""Hot paths as Triton kernel launches, shared by the "interp" and "cuda" backends.

`KernelBackend` keeps the numpy backend's interface and overrides each hot path
with a kernel launch. Kernels take torch tensors, so a subclass says only how its
arrays become torch tensors and back (`to_torch` / `from_torch`). Whatever a
kernel does not cover—float64, a broadcast batch the kernel cannot stride over, an
attention mask other than causal—falls back to the reference implementation,
which is exact, so results never depend on which path ran.
"""
import math

import numpy as np

from .numpy import NumpyBackend

_KERNEL_DTYPES = (np.dtype(np.float32), np.dtype(np.float16))


def _kernel_dtype(*arrays):
    """Kernels take float32 and float16 (and bfloat16, which numpy lacks); float64 stays on the reference."""
    return all(a.dtype in _KERNEL_DTYPES for a in arrays) and len({a.dtype for a in arrays}) == 1


def _rows(x, axis):
    """x with `axis` moved last and the rest flattened: the (rows, n) layout row-wise kernels take."""
    moved = np.moveaxis(x, axis, -1)
    return moved.reshape(-1, moved.shape[-1]), moved.shape


def _unrows(y, moved_shape, axis):
    return np.moveaxis(y.reshape(moved_shape), -1, axis)


class KernelBackend(NumpyBackend):
    """The hot paths of NumpyBackend, launched as Triton kernels (see the module docstring)."""

    def __init__(self, torch, kernels):
        self.torch = torch
        self.k = kernels  # namespace with the kernel modules: matmul, softmax, cross_entropy, ...

    def to_torch(self, array):
        raise NotImplementedError  # abstract

    def from_torch(self, tensor):
        raise NotImplementedError  # abstract

    # ---- matmul ---------------------------------------------------------------------
    def matmul(self, a, b):
        """C = A @ B with the tiled Triton kernel; batch axes are flattened into one. An empty operand
        (nothing to launch) takes the reference path."""
        if not _kernel_dtype(a, b) or a.size == 0 or b.size == 0:
            return super().matmul(a, b)
        batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
        n_batch = math.prod(batch)

        def as_kernel_operand(x):
            t = self.to_torch(x)
            if x.ndim == 2 or n_batch == 0:
                return t
            return t.expand(*batch, *x.shape[-2:]).reshape(n_batch, *x.shape[-2:])

        c = self.k.matmul.matmul(as_kernel_operand(a), as_kernel_operand(b))
        return self.from_torch(c).reshape(*batch, a.shape[-2], b.shape[-1])

    # ---- softmax --------------------------------------------------------------------
    def _row_kernel(self, kernel, axis, *arrays):
        """Run a row-wise kernel over `axis` (the caller has checked dtypes and that x is not empty)."""
        rows = [_rows(x, axis) for x in arrays]
        out = kernel(*[self.to_torch(np.ascontiguousarray(r)) for r, _ in rows])
        return _unrows(self.from_torch(out), rows[0][1], axis)

    def softmax(self, x, axis):
        if not _kernel_dtype(x) or x.size == 0:
            return super().softmax(x, axis)
        return self._row_kernel(self.k.softmax.softmax_forward, axis, x)

    def softmax_backward(self, y, grad, axis):
        if not _kernel_dtype(y, grad) or y.size == 0:
            return super().softmax_backward(y, grad, axis)
        return self._row_kernel(self.k.softmax.softmax_backward, axis, y, grad)

    def log_softmax(self, x, axis):
        if not _kernel_dtype(x) or x.size == 0:
            return super().log_softmax(x, axis)
        return self._row_kernel(self.k.softmax.log_softmax_forward, axis, x)

    def log_softmax_backward(self, out, grad, axis):
        if not _kernel_dtype(out, grad) or out.size == 0:
            return super().log_softmax_backward(out, grad, axis)
        return self._row_kernel(self.k.softmax.log_softmax_backward, axis, out, grad)

    # ---- cross-entropy --------------------------------------------------------------
    def cross_entropy(self, logits, target, ignore_index, label_smoothing):
        if not _kernel_dtype(logits):
            return super().cross_entropy(logits, target, ignore_index, label_smoothing)
        losses = self.k.cross_entropy.cross_entropy_forward(
            self.to_torch(logits), self.to_torch(target.astype(logits.dtype) if target.ndim == 2 else target),
            ignore_index, label_smoothing)
        return self.from_torch(losses)

    def cross_entropy_backward(self, logits, target, row_grad, ignore_index, label_smoothing):
        if not _kernel_dtype(logits):
            return super().cross_entropy_backward(logits, target, row_grad, ignore_index, label_smoothing)
        t = self.to_torch(target.astype(logits.dtype) if target.ndim == 2 else target)
        dlogits = self.k.cross_entropy.cross_entropy_backward(
            self.to_torch(logits), t, self.to_torch(np.ascontiguousarray(row_grad, logits.dtype)),
            ignore_index, label_smoothing)
        return self.from_torch(dlogits)

    # ---- attention ------------------------------------------------------------------
    @staticmethod
    def _flash_attention_applies(q, k, v, bias):
        """The flash kernel handles causal or no masking, equal batch axes, head dims up to 128,
        and up to 65535 batch x head rows (CUDA's limit on the grid's second axis)."""
        return (bias is None and _kernel_dtype(q, k, v) and q.ndim >= 3
                and q.shape[:-2] == k.shape[:-2] == v.shape[:-2]
                and max(q.shape[-1], v.shape[-1]) <= 128 and math.prod(q.shape[:-2]) <= 65535)

    def attention(self, q, k, v, bias, scale, causal, keep_probs=False, out=None):
        if not self._flash_attention_applies(q, k, v, bias):
            return super().attention(q, k, v, bias, scale, causal, keep_probs, out)
        result, lse = self.k.attention.attention_forward(
            self.to_torch(q), self.to_torch(k), self.to_torch(v), scale, causal)
        result, lse = self.from_torch(result), self.from_torch(lse)
        if out is not None:
            out[...] = result
        return (result if out is None else out), lse, None  # the kernel's backward recomputes P

    def attention_backward(self, q, k, v, bias, scale, causal, out, lse, grad, bias_grad=False, kept=None,
                           into=None):
        # bias_grad comes only with a bias, which the flash kernel does not take: the reference builds dS.
        if not self._flash_attention_applies(q, k, v, bias):
            return super().attention_backward(q, k, v, bias, scale, causal, out, lse, grad, bias_grad, kept, into)
        t = self.to_torch
        grads = self.k.attention.attention_backward(
            t(q), t(k), t(v), t(np.ascontiguousarray(out)), t(lse), t(np.ascontiguousarray(grad)), scale, causal)
        grads = [self.from_torch(g) for g in grads]
        if into is not None:
            for target, g in zip(into, grads):
                target[...] = g
            grads = into
        return (*grads, None)

    # ---- layer norm -----------------------------------------------------------------
    def layer_norm(self, x, weight, bias, eps):
        if not _kernel_dtype(x, *[p for p in (weight, bias) if p is not None]):
            return super().layer_norm(x, weight, bias, eps)
        t = self.to_torch
        y, mean, rstd = self.k.layernorm.layer_norm_forward(
            t(np.ascontiguousarray(x)), None if weight is None else t(weight),
            None if bias is None else t(bias), eps)
        return self.from_torch(y), self.from_torch(mean), self.from_torch(rstd)

    def layer_norm_backward(self, x, weight, mean, rstd, grad):
        if not _kernel_dtype(x, grad, *([weight] if weight is not None else [])):
            return super().layer_norm_backward(x, weight, mean, rstd, grad)
        t = self.to_torch
        dx, dw, db = self.k.layernorm.layer_norm_backward(
            t(np.ascontiguousarray(x)), None if weight is None else t(weight), t(mean), t(rstd),
            t(np.ascontiguousarray(grad)))
        return self.from_torch(dx), self.from_torch(dw), self.from_torch(db)

    # ---- activations ----------------------------------------------------------------
    def _activation(self, name, x, fallback, **params):
        if not _kernel_dtype(x):
            return fallback(x, **params)
        return self.from_torch(self.k.activations.activation_forward(name, self.to_torch(x), **params))

    def _activation_grad(self, name, saved, grad, fallback, **params):
        if not _kernel_dtype(saved, grad):
            return fallback(saved, grad, **params)
        return self.from_torch(self.k.activations.activation_backward(
            name, self.to_torch(saved), self.to_torch(grad), **params))

    def relu(self, x):
        return self._activation("relu", x, super().relu)

    def relu_backward(self, x, grad):
        return self._activation_grad("relu", x, grad, super().relu_backward)

    def leaky_relu(self, x, slope):
        return self._activation("leaky_relu", x, super().leaky_relu, slope=slope)

    def leaky_relu_backward(self, x, grad, slope):
        return self._activation_grad("leaky_relu", x, grad, super().leaky_relu_backward, slope=slope)

    def sigmoid(self, x):
        return self._activation("sigmoid", x, super().sigmoid)

    def sigmoid_backward(self, y, grad):
        return self._activation_grad("sigmoid", y, grad, super().sigmoid_backward)

    def tanh(self, x):
        return self._activation("tanh", x, super().tanh)

    def silu(self, x):
        return self._activation("silu", x, super().silu)

    def silu_backward(self, x, grad):
        return self._activation_grad("silu", x, grad, super().silu_backward)

    def tanh_backward(self, y, grad):
        return self._activation_grad("tanh", y, grad, super().tanh_backward)

    def gelu(self, x, approximate):
        return self._activation("gelu", x, super().gelu, approximate=approximate)

    def gelu_with_derivative(self, x, approximate):
        """The kernel's forward, and None: its backward kernel recomputes the derivative from x."""
        return self.gelu(x, approximate), None

    def gelu_backward(self, x, y, grad, approximate):
        reference = super().gelu_backward  # the kernel recomputes from x alone; the reference also takes y

        def fallback(x, grad, approximate):
            return reference(x, y, grad, approximate)

        return self._activation_grad("gelu", x, grad, fallback, approximate=approximate)

    # ---- Adam -----------------------------------------------------------------------
    def adam_step(self, param, grad, exp_avg, exp_avg_sq, **hyper):
        """The fused in-place update; the kernel writes straight into the arrays' memory."""
        arrays = (param, grad, exp_avg, exp_avg_sq)
        if not (_kernel_dtype(*arrays) and all(a.flags.c_contiguous for a in arrays)):
            return super().adam_step(param, grad, exp_avg, exp_avg_sq, **hyper)
        self.k.adam.adam_step(*(self.to_torch(a) for a in arrays), **hyper)
