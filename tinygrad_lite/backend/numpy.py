"""The "cpu" backend: numpy arrays, and the hot paths written out as the textbook has them.

These methods are the reference implementations: every Triton kernel is held
against them. Each works on plain arrays, in the dtype it is given, and states
its math. Ops call them through `ctx.backend`, so a faster backend only has to
override the methods it accelerates.

Most read exactly like their formulas. Three are arranged for speed and say how in
their docstrings, with the formula still stated first: attention goes a block of
queries at a time (`numpy_attention`), exact GELU and the Adam update go a
cache-sized block at a time through reused buffers, and long elementwise chains may
be split over threads (`threads`).
"""
import functools
import math

import numpy as np

from . import numpy_attention
from . import threads
from .special import normal_cdf, normal_lower_tail, normal_pdf

_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_GELU_TANH_CUBIC = 0.044715


class NumpyBackend:
    name = "cpu"
    xp = np

    # ---- moving arrays --------------------------------------------------------------
    @staticmethod
    def asarray(data, dtype=None):
        return np.asarray(data, dtype=dtype)

    @staticmethod
    def to_numpy(array):
        return array

    # ---- matmul ---------------------------------------------------------------------
    @staticmethod
    def matmul(a, b):
        """C[..., i, j] = sum_k A[..., i, k] B[..., k, j] (batch axes broadcast); float16 sums in float32."""
        if a.dtype == np.float16 and b.dtype == np.float16:
            return np.matmul(_wide(a), _wide(b)).astype(np.float16)
        return np.matmul(a, b)

    # ---- softmax --------------------------------------------------------------------
    @staticmethod
    def softmax(x, axis):
        """softmax(x)_i = exp(x_i - m) / sum_j exp(x_j - m), with m = max_j x_j.

        Subtracting the row maximum changes nothing mathematically (it cancels)
        but keeps exp() from overflowing: the largest term becomes exp(0) = 1.
        float16 computes in float32 (as every hot path here): a float16 sum of more than
        65,504 ones is infinite.
        """
        dtype, x = x.dtype, _wide(x)
        shifted = x - x.max(axis=axis, keepdims=True, initial=-np.inf)
        e = np.exp(shifted)
        return (e / e.sum(axis=axis, keepdims=True)).astype(dtype, copy=False)

    @staticmethod
    def softmax_backward(y, grad, axis):
        """dL/dx_i = y_i (g_i - sum_j g_j y_j): the Jacobian diag(y) - y y^T applied to g."""
        dtype, y, grad = grad.dtype, _wide(y), _wide(grad)
        return (y * (grad - (grad * y).sum(axis=axis, keepdims=True))).astype(dtype, copy=False)

    @staticmethod
    def log_softmax(x, axis):
        """log_softmax(x)_i = x_i - logsumexp(x) = (x_i - m) - log sum_j exp(x_j - m)."""
        dtype, x = x.dtype, _wide(x)
        shifted = x - x.max(axis=axis, keepdims=True, initial=-np.inf)
        return (shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))).astype(dtype, copy=False)

    @staticmethod
    def log_softmax_backward(out, grad, axis):
        """dL/dx_i = g_i - softmax(x)_i sum_j g_j, with softmax = exp(out)."""
        dtype, out, grad = grad.dtype, _wide(out), _wide(grad)
        return (grad - np.exp(out) * grad.sum(axis=axis, keepdims=True)).astype(dtype, copy=False)

    # ---- cross-entropy on (N, C) logits ---------------------------------------------
    @staticmethod
    def cross_entropy(logits, target, ignore_index, label_smoothing):
        """Per-row losses of softmax cross-entropy on (N, C) logits.

        With q the target distribution (one-hot, or given probabilities) smoothed as
        q' = (1 - eps) q + eps / C:   loss_n = -sum_c q'_c log softmax(z_n)_c.
        Rows whose class target equals `ignore_index` get loss 0. float16 logits give
        float32 losses (the caller sums them in float32, then rounds).
        """
        n, c = logits.shape
        logits = _wide(logits)
        log_probs = NumpyBackend.log_softmax(logits, axis=1)
        if target.ndim == 1:  # class indices
            valid = target != ignore_index
            picked = -log_probs[np.arange(n), np.where(valid, target, 0)]
            loss = (1.0 - label_smoothing) * picked
            if label_smoothing:
                loss = loss - label_smoothing / c * log_probs.sum(axis=1)
            return np.where(valid, loss, 0).astype(logits.dtype)
        q = _wide(target) * (1.0 - label_smoothing) + label_smoothing / c
        return -(q * log_probs).sum(axis=1)

    @staticmethod
    def cross_entropy_backward(logits, target, row_grad, ignore_index, label_smoothing):
        """dloss_n/dz_n = softmax(z_n) sum_c q'_c - q'_n  (= softmax - onehot for hard targets).
        In the logits' dtype, computed in float32 for float16."""
        n, c = logits.shape
        dtype, logits, row_grad = logits.dtype, _wide(logits), _wide(row_grad)
        probs = NumpyBackend.softmax(logits, axis=1)
        if target.ndim == 1:
            valid = target != ignore_index
            grad = probs
            grad[np.arange(n), np.where(valid, target, 0)] -= 1.0 - label_smoothing
            if label_smoothing:
                grad -= label_smoothing / c
            return (grad * np.where(valid, row_grad, 0)[:, None]).astype(dtype, copy=False)
        q = _wide(target) * (1.0 - label_smoothing) + label_smoothing / c
        return ((probs * q.sum(axis=1, keepdims=True) - q) * row_grad[:, None]).astype(dtype, copy=False)

    # ---- scaled dot-product attention -----------------------------------------------
    @staticmethod
    def attention(q, k, v, bias, scale, causal, keep_probs=False, out=None):
        """out = softmax(q k^T * scale + bias) v, row-wise over the keys.

        `bias` is None or an additive array broadcastable to (..., L, S): 0 where a
        query may attend, -inf where it may not, or any float. `causal` masks the
        keys after each query. Returns (out, lse, kept): the output, the row
        log-sum-exp of the scores (all the backward needs to rebuild the
        probabilities) and what the backward may use instead of rebuilding them,
        to pass back as attention_backward's `kept`. kept is None unless
        `keep_probs` (a forward that will be differentiated) and the probabilities
        cost no more memory than the inputs. A row with every key masked has
        lse = -inf; its output is 0, as torch defines it. Computed a block of
        queries at a time, never holding more of the L x S scores than that
        (see numpy_attention). `out`, if given, receives the output (any strides).
        float16 computes in float32 and rounds the output once (lse and kept stay float32).
        """
        if q.dtype == np.float16:
            result, lse, kept = numpy_attention.attention_forward(_wide(q), _wide(k), _wide(v), _wide(bias), scale,
                                                                  causal, keep_probs, None)
            if out is None:
                return result.astype(np.float16), lse, kept
            out[...] = result
            return out, lse, kept
        return numpy_attention.attention_forward(q, k, v, bias, scale, causal, keep_probs, out)

    @staticmethod
    def attention_backward(q, k, v, bias, scale, causal, out, lse, grad, bias_grad=False, kept=None, into=None):
        """Gradients of attention through the softmax, recomputing P from lse.

            P = exp(S - lse)            dV = P^T dO          dP = dO V^T
            dS = P * (dP - D),  D = rowsum(P * dP) = rowsum(dO * O)   (the softmax backward)
            dQ = dS K * scale           dK = dS^T Q * scale  d(bias) = dS

        Returns (dq, dk, dv, ds); ds, the full (..., L, S) dS, only when `bias_grad`
        (a differentiable bias), else None. `kept`: the forward's third item, if any;
        `into`: three arrays (any strides) to receive dq, dk, dv. float16 computes in float32.
        """
        if q.dtype == np.float16:
            *grads, ds = numpy_attention.attention_backward(
                _wide(q), _wide(k), _wide(v), _wide(bias), scale, causal, _wide(out), _wide(lse), _wide(grad),
                bias_grad, kept, None)
            grads = [g.astype(np.float16) for g in grads]
            if into is not None:
                for target, g in zip(into, grads):
                    target[...] = g
                grads = into
            return (*grads, None if ds is None else ds.astype(np.float16))
        return numpy_attention.attention_backward(q, k, v, bias, scale, causal, out, lse, grad, bias_grad, kept,
                                                  into)

    # ---- layer norm over the last axis of a (N, D) array -----------------------------
    @staticmethod
    def layer_norm(x, weight, bias, eps):
        """y = (x - mean) / sqrt(var + eps) * w + b, with the biased variance of each row.

        Returns y, the row means and the reciprocal standard deviations (rstd),
        which the backward reuses. The variance is the mean of (x - mean)^2 (two
        passes, so a large mean cannot cancel it away); row sums go through einsum,
        which reads each row once and writes no temporary. float16 computes in float32 and
        rounds y once; mean and rstd stay float32 for the backward.
        """
        if x.dtype == np.float16:
            y, mean, rstd = NumpyBackend.layer_norm(_wide(x), _wide(weight), _wide(bias), eps)
            return y.astype(np.float16), mean, rstd
        D = x.shape[1]
        mean = (_row_sums(x)[:, None] / D).astype(x.dtype, copy=False)
        y = x - mean
        rstd = _row_sums(y, y)[:, None]
        rstd /= D
        rstd += eps
        np.sqrt(rstd, out=rstd)
        np.reciprocal(rstd, out=rstd)
        y *= rstd  # xhat, and then y in place: every step writes into the one new array
        if weight is not None:
            y *= weight
        if bias is not None:
            y += bias
        return y, mean, rstd.astype(x.dtype, copy=False)

    @staticmethod
    def layer_norm_backward(x, weight, mean, rstd, grad):
        """With xhat = (x - mean) rstd and gy = grad * w, over a row of D elements:

            dx = rstd * (gy - mean(gy) - xhat * mean(gy * xhat))
            dw = sum_rows grad * xhat        db = sum_rows grad

        The two row means are einsum row sums (no gy * xhat temporary), and rstd is
        folded into each term: dx = gy rstd - xhat (rstd mean(gy xhat)) - rstd mean(gy).
        float16 computes in float32 (mean and rstd come in float32) and rounds each gradient once.
        """
        if x.dtype == np.float16:
            grads = NumpyBackend.layer_norm_backward(_wide(x), _wide(weight), mean, rstd, _wide(grad))
            return tuple(g.astype(np.float16) for g in grads)
        D = x.shape[1]
        xhat = x - mean
        xhat *= rstd
        gy = grad * weight if weight is not None else grad
        gy_mean, gy_xhat_mean = _row_sums(gy)[:, None], _row_sums(gy, xhat)[:, None]
        dw = np.einsum("nd,nd->d", grad, xhat)
        db = grad.sum(axis=0)
        scale = rstd / D
        dx = np.multiply(gy, rstd)
        xhat *= gy_xhat_mean * scale
        dx -= xhat
        dx -= gy_mean * scale
        return dx, dw, db

    # ---- activations ----------------------------------------------------------------
    @staticmethod
    def relu(x):
        """relu(x) = max(x, 0)."""
        return np.maximum(x, 0)

    @staticmethod
    def relu_backward(x, grad):
        """d relu/dx = 0 where x <= 0, else 1 (0 at the kink; a nan input passes the gradient, as torch).

        Multiplying by the 0/1 mask is one pass where np.where branches on every element;
        only an inf or nan in the gradient (inf * 0 = nan) needs the select."""
        keep = ~(x <= 0)
        if not np.isfinite(grad).all():
            return np.where(keep, grad, grad.dtype.type(0))
        return grad * keep

    @staticmethod
    def leaky_relu(x, slope):
        """leaky_relu(x) = x if x > 0 else slope * x."""
        return np.where(x > 0, x, x * slope).astype(x.dtype)

    @staticmethod
    def leaky_relu_backward(x, grad, slope):
        return np.where(x > 0, grad, grad * slope).astype(grad.dtype)

    @staticmethod
    def sigmoid(x):
        """sigmoid(x) = 1 / (1 + e^-x), evaluated so that no exp() overflows:

        with e = exp(-|x|) <= 1:  sigmoid(x) = 1 / (1 + e) for x >= 0, e / (1 + e) for x < 0.
        """
        e = np.exp(-np.abs(x))
        return np.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype)

    @staticmethod
    def sigmoid_backward(y, grad):
        """d sigmoid/dx = y (1 - y), from the output y."""
        return grad * y * (1 - y)

    @staticmethod
    def silu(x):
        """silu(x) = x sigmoid(x), with the sigmoid that never overflows (silu(-inf) = -inf * 0 = NaN, as torch)."""
        with np.errstate(invalid="ignore"):
            return x * NumpyBackend.sigmoid(x)

    @staticmethod
    def silu_backward(x, grad):
        """d silu/dx = s (1 + x (1 - s)), s = sigmoid(x), from the input x."""
        s = NumpyBackend.sigmoid(x)
        with np.errstate(invalid="ignore"):  # at x = +-inf, as torch: NaN
            return grad * (s * (1 + x * (1 - s)))

    @staticmethod
    def tanh(x):
        """tanh(x) = (e^x - e^-x) / (e^x + e^-x)."""
        return np.tanh(x)

    @staticmethod
    def tanh_backward(y, grad):
        """d tanh/dx = 1 - y^2, from the output y."""
        return grad * (1 - y * y)

    @staticmethod
    def gelu(x, approximate):
        """gelu(x) = x Phi(x), Phi the standard normal CDF; or its tanh approximation
        0.5 x (1 + tanh(u)), u = sqrt(2/pi) (x + 0.044715 x^3), computed as x sigmoid(2u)
        (the same number: 1 + tanh(u) = 2 sigmoid(2u)) so that nothing cancels for x << 0.
        float16 computes in float32 (x^3 overflows float16 past |x| = 40) and rounds once.
        At the ends, the limits: gelu(-inf) = -0 and gelu(inf) = inf.
        Large arrays run in slices on all cores (`threads.elementwise`)."""
        return threads.elementwise(functools.partial(_gelu, approximate=approximate), x)

    @staticmethod
    def gelu_with_derivative(x, approximate):
        """(gelu(x), d gelu/dx), for a forward that keeps the derivative for its backward.

        Exact float16/float32 GELU computes Phi(-|x|) = t M(t) exp(-x^2/2) / sqrt(2 pi)
        (see `special`), and phi(x) = exp(-x^2/2) / sqrt(2 pi) comes with it: the
        derivative Phi(x) + x phi(x) costs a few more passes here, where the backward
        alone would need a division and a second exp. The backward is then one product."""
        if approximate == "tanh" or x.dtype not in (np.float16, np.float32):
            y = NumpyBackend.gelu(x, approximate)

            def derivative(x, y):
                return _gelu_derivative(x, y, approximate).astype(x.dtype, copy=False)

            return y, threads.elementwise(derivative, x, y)
        return threads.elementwise(functools.partial(_gelu, approximate=approximate, derivative=True), x)

    @staticmethod
    def gelu_backward(x, y, grad, approximate):
        """d gelu/dx = Phi(x) + x phi(x); for the tanh form, with s = sigmoid(2u):
        s + 2 x s (1 - s) du/dx,  du/dx = sqrt(2/pi) (1 + 3 * 0.044715 x^2),
        where s (1 - s) = sigmoid(2u) sigmoid(-2u) keeps float32 accurate in the tails.
        float16 computes in float32 (x^2 and x^3 overflow float16) and rounds once. Where
        s (1 - s) or phi(x) is 0 (|x| past about 10, and +-inf), the term it multiplies is 0:
        the derivative is 0 at -inf and 1 at inf, never 0 * inf = nan.

        y = gelu(x), the forward's output, gives back Phi(x) = y / x in one division,
        where a second erfc would cost some thirty passes. It is exact to rounding
        wherever y is a normal number; at |x| < 4 * tiny, where y/x would lose digits,
        Phi is taken as 1/2 (off by |x| phi(0) < 1e-37)."""
        def backward(x, y, grad):
            derivative = _gelu_derivative(x, y, approximate)
            derivative *= grad
            return derivative.astype(grad.dtype, copy=False)

        return threads.elementwise(backward, x, y, grad)

    # ---- the Adam update, in place ---------------------------------------------------
    @staticmethod
    def adam_step(param, grad, exp_avg, exp_avg_sq, *, lr, beta1, beta2, eps, weight_decay, step,
                  decoupled):
        """One Adam (decoupled=False) or AdamW (decoupled=True) step, updating the arrays in place.

            Adam:  g <- g + wd p                      AdamW:  p <- p (1 - lr wd)
            m <- b1 m + (1 - b1) g                    v <- b2 v + (1 - b2) g^2
            p <- p - lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)

        The operations follow torch's order, so float64 results agree with torch's to an
        ulp or two (torch's vectorized loops fuse some multiply-adds). The update is a
        chain of elementwise steps; run on whole arrays, each step would
        stream every array through memory again and allocate a temporary as large as the
        parameter. So contiguous arrays are updated one cache-sized block at a time,
        with two scratch blocks reused for every temporary: each element is read and
        written once, as a fused kernel would.
        """
        hyper = dict(lr=lr, beta1=beta1, beta2=beta2, eps=eps, weight_decay=weight_decay, step=step,
                     decoupled=decoupled)
        arrays = (param, grad, exp_avg, exp_avg_sq)
        if not all(isinstance(a, np.ndarray) and a.flags.c_contiguous for a in arrays):  # strided, or cupy
            _adam_block(*arrays, np.empty_like(param), np.empty_like(param), **hyper)
            return
        flat = [a.reshape(-1) for a in arrays]  # views: the updates land in the arrays
        block = min(_ADAM_BLOCK, param.size)
        scratch = np.empty(block, param.dtype), np.empty(block, param.dtype)
        for start in range(0, param.size, block):
            part = [a[start:start + block] for a in flat]
            _adam_block(*part, *(s[:len(part[0])] for s in scratch), **hyper)


def _wide(array):
    """float16 as float32 (the dtype it computes in); anything else, and None, unchanged."""
    return array.astype(np.float32) if array is not None and array.dtype == np.float16 else array


def _row_sums(a, b=None):
    """sum_d a[n, d] (or sum_d a[n, d] b[n, d]) for each row n, accumulated in float32 at least."""
    operands = (a,) if b is None else (a, b)
    subscripts = "nd->n" if b is None else "nd,nd->n"
    if a.dtype == np.float16:
        return np.einsum(subscripts, *operands, dtype=np.float32)
    return np.einsum(subscripts, *operands)


def _gelu(x, approximate, derivative=False):
    """NumpyBackend.gelu on one slice; with `derivative` (exact float16/float32 only),
    the pair (gelu(x), d gelu/dx) of NumpyBackend.gelu_with_derivative."""
    lowest = np.finfo(x.dtype).min  # x = -inf is raised to it where it multiplies 0, giving -0, not nan
    if approximate == "tanh":
        wide = _wide(x)
        with np.errstate(over="ignore"):  # x^3 past the dtype's range: u = +-inf, sigmoid(2u) = 1 or 0
            u = _SQRT_2_OVER_PI * (wide + _GELU_TANH_CUBIC * wide * wide * wide)
        return (np.maximum(wide, lowest) * NumpyBackend.sigmoid(2 * u)).astype(x.dtype, copy=False)
    if x.dtype not in (np.float16, np.float32):
        return np.maximum(x, lowest) * normal_cdf(x)
    # Phi(x) = 1 - h for x >= 0 and h for x < 0, from one lower tail h = Phi(-|x|), where
    # all the work is and nothing cancels; then gelu = x Phi(x) and, when asked, the
    # derivative Phi(x) + x phi(x) from the exp(-x^2/2) the tail leaves behind. x = -inf
    # is raised to the lowest finite value first, so that it gives -big * 0 = -0, not nan;
    # for the derivative x = inf is lowered to the highest too, so that x phi(x) = big * 0 = 0.
    # The twenty-odd steps go a cache-sized block at a time, through buffers made once.
    flat = x.reshape(-1)
    out = np.empty(flat.shape, np.float32)
    slope = np.empty(flat.shape, np.float32) if derivative else None
    n = min(_GELU_BLOCK, flat.size)
    tail, work = np.empty(n, np.float32), (np.empty(n, np.float32), np.empty(n, np.float32))
    steps = np.empty(n, np.float32)
    highest = np.finfo(x.dtype).max
    for start in range(0, flat.size, _GELU_BLOCK):
        xs, ys = flat[start:start + _GELU_BLOCK], out[start:start + _GELU_BLOCK]
        m = len(xs)
        h = normal_lower_tail(xs, out=tail[:m], work=(work[0][:m], work[1][:m]))
        # Phi(x) = h + step (1 - 2h), step = 1 for x >= 0 (-0 too: h(0) = 1/2 either way), else 0:
        # 1 - h or exactly h. Arithmetic, because a select on the sign of x runs several
        # times slower here (copysign, masked copies: measured), branching on every element.
        step = np.greater_equal(xs, 0, out=steps[:m], casting="unsafe")
        cdf = np.multiply(h, np.float32(-2), out=work[0][:m])
        cdf += 1
        cdf *= step
        cdf += h
        np.maximum(xs, lowest, out=ys)
        if derivative:
            gauss = work[1][:m]                    # exp(-x^2 / 2), left by normal_lower_tail
            gauss *= np.minimum(ys, highest, out=step)  # x, finite (step is spent)
            gauss *= np.float32(1.0 / math.sqrt(2.0 * math.pi))
            np.add(cdf, gauss, out=slope[start:start + _GELU_BLOCK])
        ys *= cdf
    y = out.reshape(x.shape).astype(x.dtype, copy=False)
    return (y, slope.reshape(x.shape).astype(x.dtype, copy=False)) if derivative else y


_GELU_BLOCK = 32768  # elements per block of exact GELU's float32 steps: its arrays stay near the core


def _gelu_derivative(x, y, approximate):
    """d gelu/dx on one slice, as a new array (see NumpyBackend.gelu_backward), from x and y = gelu(x),
    in float32 for float16 x (in x's dtype otherwise)."""
    tiny = np.finfo(x.dtype).tiny
    x, y = _wide(x), _wide(y)
    if approximate == "tanh":
        with np.errstate(over="ignore"):  # x^2, x^3 past the range: u = +-inf, and x du = inf where s (1 - s) = 0
            u = _SQRT_2_OVER_PI * (x + _GELU_TANH_CUBIC * x * x * x)
            x_du = 2 * x * (_SQRT_2_OVER_PI * (1 + 3 * _GELU_TANH_CUBIC * x * x))
        s = NumpyBackend.sigmoid(2 * u)
        term = np.multiply(s, NumpyBackend.sigmoid(-2 * u), out=np.empty_like(x))  # out=: 0-d stays an array
        np.multiply(term, x_du, out=term, where=term != 0)  # 0 stays 0 (0 * inf would be nan)
        term += s
        return term
    with np.errstate(divide="ignore", invalid="ignore"):
        cdf = np.divide(y, x, out=np.empty_like(x))  # out=: a 0-d x still gives an array
    cdf[np.abs(x) < 4 * tiny] = 0.5  # where y / x loses digits, or is 0 / 0
    cdf[x == np.inf] = 1.0           # inf / inf
    pdf = normal_pdf(x)
    d = np.multiply(pdf, x, out=np.zeros_like(x), where=pdf != 0)  # x phi(x) = 0 where phi(x) is, at +-inf too
    d += cdf
    return d


# Elements per block of the Adam update: two float32 scratch blocks and the four arrays'
# blocks (6 x 128 KiB) stay within a core's L2 cache.
_ADAM_BLOCK = 32768


def _adam_block(param, grad, exp_avg, exp_avg_sq, scratch, denom, *, lr, beta1, beta2, eps, weight_decay,
                step, decoupled):
    """NumpyBackend.adam_step on one block, each temporary written into `scratch` or `denom`."""
    if weight_decay and decoupled:
        param *= 1 - lr * weight_decay
    elif weight_decay:
        grad = np.add(grad, np.multiply(param, weight_decay, out=scratch), out=scratch)
    np.subtract(grad, exp_avg, out=denom)       # m <- m + (g - m)(1 - b1)
    denom *= 1 - beta1
    exp_avg += denom
    np.multiply(grad, 1 - beta2, out=denom)    # v <- b2 v + (1 - b2) g g
    denom *= grad
    exp_avg_sq *= beta2
    exp_avg_sq += denom
    np.sqrt(exp_avg_sq, out=denom)             # denom = sqrt(v) / sqrt(1 - b2^t) + eps
    denom /= (1 - beta2 ** step) ** 0.5
    denom += eps
    np.multiply(exp_avg, lr / (1 - beta1 ** step), out=scratch)  # p <- p - step_size m / denom
    scratch /= denom
    param -= scratch
