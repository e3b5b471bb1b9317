"""Tensor's linear-algebra methods as torch's: mm, bmm, outer/ger, dot, vdot, inner, mv, addmm, addmv, addr,
baddbmm, addbmm, cross, kron, det, inverse, logdet, slogdet, matrix_power, matrix_exp, pinverse, svd.

`TensorLinalg` is a base class of Tensor; it holds no state of its own (`__slots__ = ()`).
The products go through matmul (ops/matmul.MatMul, the fast path) or, for the add-a-product
family, ops/linalg.AddMatMul, which calls the same backend matmul. outer, cross and kron are
written with broadcast products, so their gradients are those of mul.
As torch: the operands of a product must share one dtype (TypeError otherwise) and bool is
refused; float16 is computed in float32 and rounded once.
"""
import warnings

import numpy as np

from . import _tensor as _t, dtypes
from ._validate import _UNSET, _axis_alias, check_number
from .ops import linalg as la


def _require(op, value, name):
    if not isinstance(value, _t.Tensor):
        raise TypeError(f"{op}: argument '{name}' must be a Tensor, not {type(value).__name__}")
    return value


def _one_dtype(op, **tensors):
    """The dtype every operand of a product shares, as torch requires (TypeError naming them otherwise)."""
    for name, t in tensors.items():
        _require(op, t, name)
    (first, a), *rest = tensors.items()
    for name, t in rest:
        if t.dtype != a.dtype:
            raise TypeError(f"{op}: {first} and {name} must have the same dtype, got {a.dtype} and {t.dtype}")
    if a.dtype == np.bool_:
        raise TypeError(f"{op}: not supported for bool tensors (as in torch); convert first, e.g. x.astype(tg.int64)")
    return a.dtype


def _ndim(op, name, t, ndim):
    if t.ndim != ndim:
        raise ValueError(f"{op}: {name} must be {ndim}-D, got shape {t.shape}")


def _scale(op, name, value, dtype):
    """beta or alpha: a real number (a bool counts as 0/1); a float only for float tensors, as add's alpha."""
    value = check_number(value, name, op, allow_bool=True)
    if dtype.kind != "f" and not float(value).is_integer():
        raise TypeError(f"{op}: {name} must be an integer for {dtype} tensors, got {value!r}")
    return value


def add_product(op, input, a, b, beta, alpha, names=("mat1", "mat2")):
    """beta input + alpha (a @ b) with the checks of torch's addmm family (a, b: 2-D or 3-D, already checked;
    `names` are theirs in `op`'s signature, for the messages)."""
    dtype = _one_dtype(op, input=input, **{names[0]: a, names[1]: b})
    beta, alpha = _scale(op, "beta", beta, dtype), _scale(op, "alpha", alpha, dtype)
    if a.shape[-1] != b.shape[-2]:
        raise ValueError(f"{op}: {a.shape} @ {b.shape}: inner dimensions {a.shape[-1]} and {b.shape[-2]} differ")
    shape = a.shape[:-1] + b.shape[-1:]
    if not _t._broadcastable(input.shape, shape) or np.broadcast_shapes(input.shape, shape) != shape:
        raise ValueError(f"{op}: input of shape {input.shape} does not broadcast to the product's shape {shape}")
    if dtype == dtypes.float16:
        out = la.AddMatMul.apply(*(t.astype(dtypes.float32) for t in (input, a, b)), beta=beta, alpha=alpha)
        return out.astype(dtypes.float16)
    return la.AddMatMul.apply(input, a, b, beta=beta, alpha=alpha)


class TensorLinalg:
    """See the module docstring."""

    __slots__ = ()

    def mm(self, mat2):
        """(n, k) @ (k, m) -> (n, m): the product of two matrices, without broadcasting (as tg.mm)."""
        from .functions import mm
        return mm(self, mat2)

    def bmm(self, mat2):
        """(b, n, k) @ (b, k, m) -> (b, n, m): a batch of matrix products (as tg.bmm)."""
        from .functions import bmm
        return bmm(self, mat2)

    def dot(self, tensor):
        """sum_i x_i y_i of two 1-D tensors of one size and dtype (as torch: no broadcasting);
        d x = g y, d y = g x."""
        _one_dtype("dot", input=self, tensor=tensor)
        if self.ndim != 1 or tensor.ndim != 1:
            raise ValueError(f"dot: 1-D tensors expected, got shapes {self.shape} and {tensor.shape}")
        if self.shape != tensor.shape:
            raise ValueError(f"dot: the tensors must have the same size, got {self.shape} and {tensor.shape}")
        return self.matmul(tensor)

    def vdot(self, other):
        """sum_i conj(x_i) y_i of two 1-D tensors; for real tensors, as here, dot."""
        _one_dtype("vdot", input=self, other=other)
        if self.ndim != 1 or other.ndim != 1 or self.shape != other.shape:
            raise ValueError(f"vdot: two 1-D tensors of one size expected, got shapes {self.shape} and {other.shape}")
        return self.matmul(other)

    def mv(self, vec):
        """(n, m) @ (m,) -> (n,): y_i = sum_j A_ij v_j;  dA = g v^T, dv = A^T g."""
        _one_dtype("mv", input=self, vec=vec)
        _ndim("mv", "input", self, 2), _ndim("mv", "vec", vec, 1)
        if self.shape[1] != vec.shape[0]:
            raise ValueError(f"mv: {self.shape} @ {vec.shape}: sizes {self.shape[1]} and {vec.shape[0]} differ")
        return self.matmul(vec)

    def outer(self, vec2):
        """The outer product of two 1-D tensors: out_ij = x_i y_j (dtypes promoted as mul's);
        d x_i = sum_j g_ij y_j, d y_j = sum_i g_ij x_i."""
        _require("outer", vec2, "vec2")
        if self.ndim != 1 or vec2.ndim != 1:
            raise ValueError(f"outer: 1-D tensors expected, got shapes {self.shape} and {vec2.shape}")
        return self.unsqueeze(1) * vec2.unsqueeze(0)

    def ger(self, vec2):
        """torch's older name of outer: out_ij = x_i y_j."""
        _require("ger", vec2, "vec2")
        if self.ndim != 1 or vec2.ndim != 1:
            raise ValueError(f"ger: 1-D tensors expected, got shapes {self.shape} and {vec2.shape}")
        return self.outer(vec2)

    def addmm(self, mat1, mat2, *, beta=1, alpha=1):
        """beta self + alpha (mat1 @ mat2); self broadcasts to (n, m). d self = beta g (summed back),
        d mat1 = alpha g mat2^T, d mat2 = alpha mat1^T g. beta = 0 ignores self's values (NaN included)."""
        _require("addmm", mat1, "mat1"), _require("addmm", mat2, "mat2")
        _ndim("addmm", "mat1", mat1, 2), _ndim("addmm", "mat2", mat2, 2)
        return add_product("addmm", self, mat1, mat2, beta, alpha)

    def baddbmm(self, batch1, batch2, *, beta=1, alpha=1):
        """beta self + alpha (batch1 @ batch2), one product per batch element; self broadcasts to (b, n, m).
        Gradients as addmm's, batch by batch."""
        _require("baddbmm", batch1, "batch1"), _require("baddbmm", batch2, "batch2")
        _ndim("baddbmm", "batch1", batch1, 3), _ndim("baddbmm", "batch2", batch2, 3)
        if batch1.shape[0] != batch2.shape[0]:
            raise ValueError(f"baddbmm: batch sizes differ: {batch1.shape} @ {batch2.shape}")
        return add_product("baddbmm", self, batch1, batch2, beta, alpha)

    def addbmm(self, batch1, batch2, *, beta=1, alpha=1):
        """beta self + alpha sum_b (batch1[b] @ batch2[b]); self broadcasts to (n, m).

        The sum of products is one product: batch1 laid out as (n, b k) times batch2 as (b k, m)."""
        _require("addbmm", batch1, "batch1"), _require("addbmm", batch2, "batch2")
        _ndim("addbmm", "batch1", batch1, 3), _ndim("addbmm", "batch2", batch2, 3)
        if batch1.shape[0] != batch2.shape[0] or batch1.shape[2] != batch2.shape[1]:
            raise ValueError(f"addbmm: {batch1.shape} @ {batch2.shape}: batch or inner sizes differ")
        b, n, k = batch1.shape
        a = batch1.permute(1, 0, 2).reshape(n, b * k)
        return add_product("addbmm", self, a, batch2.reshape(b * k, batch2.shape[2]), beta, alpha)

    def addmv(self, mat, vec, *, beta=1, alpha=1):
        """beta self + alpha (mat @ vec); self broadcasts to (n,). Gradients as addmm's."""
        _require("addmv", mat, "mat"), _require("addmv", vec, "vec")
        _ndim("addmv", "mat", mat, 2), _ndim("addmv", "vec", vec, 1)
        if self.ndim > 1 or not _t._broadcastable(self.shape, mat.shape[:1]):
            raise ValueError(f"addmv: input of shape {self.shape} does not broadcast to the product's shape "
                             f"{mat.shape[:1]}")
        column = self.unsqueeze(-1) if self.ndim == 1 else self
        return add_product("addmv", column, mat, vec.unsqueeze(-1), beta, alpha).squeeze(-1)

    def addr(self, vec1, vec2, *, beta=1, alpha=1):
        """beta self + alpha outer(vec1, vec2); self broadcasts to (n, m). d self = beta g (summed back),
        d vec1 = alpha g vec2, d vec2 = alpha g^T vec1: addmm's rules with vec1 a column and vec2 a row."""
        _require("addr", vec1, "vec1"), _require("addr", vec2, "vec2")
        _ndim("addr", "vec1", vec1, 1), _ndim("addr", "vec2", vec2, 1)
        return add_product("addr", self, vec1.unsqueeze(1), vec2.unsqueeze(0), beta, alpha, names=("vec1", "vec2"))

    def cross(self, other, dim=_UNSET, *, axis=_UNSET):
        """The cross product of 3-vectors along `dim`, self and other broadcast together:
        (a x b)_k = a_{k+1} b_{k+2} - a_{k+2} b_{k+1}, indices mod 3.

        As torch.cross, dim None (the default) means the first axis of size 3, with a warning that
        the default will become -1 (tg.linalg.cross's)."""
        from . import linalg
        a, b = linalg._cross_operands(self, other, "cross")
        dim = _axis_alias("cross", dim, axis, None)
        if dim is None:
            dim = next((i for i, n in enumerate(a.shape) if n == 3), None)
            if dim is None:
                raise ValueError(f"cross: no axis of size 3 in the broadcast shape {a.shape}")
            warnings.warn("cross: calling it without dim is deprecated, as in torch; pass dim or use "
                          "tg.linalg.cross (whose default is -1)", UserWarning, stacklevel=2)
        dim = _t._one_axis(dim, a.shape, "cross")
        if a.shape[dim] != 3:
            raise ValueError(f"cross: dim {dim} of the broadcast shape {a.shape} must have size 3")
        return linalg._cross(a, b, dim, "cross")

    def inner(self, other):
        """sum_i x[..., i] y[..., i] for every pair of x's and y's leading indices: out has shape
        x.shape[:-1] + y.shape[:-1] (a product when either is 0-d), a tensordot over the last axes."""
        _require("inner", other, "other")
        if self.ndim == 0 or other.ndim == 0:
            return self * other
        if self.shape[-1] != other.shape[-1]:
            raise ValueError(f"inner: the last dimensions differ: {self.shape} and {other.shape}")
        from .linalg_functions import tensordot
        _one_dtype("inner", input=self, other=other)
        return tensordot(self, other, ([self.ndim - 1], [other.ndim - 1]))

    def det(self):
        """det of each square matrix over the last two axes, as tg.linalg.det; dA = g cofactor(A)."""
        from . import linalg
        return linalg._square_op(self, "det", linalg.det)

    def inverse(self):
        """A^-1 of each square matrix over the last two axes, as tg.linalg.inv; dA = -A^-T g A^-T."""
        from . import linalg
        return linalg._inv(self, "inverse")

    def logdet(self):
        """log det A of each square matrix (NaN where det A < 0, -inf where it is 0, as torch); dA = g A^-T."""
        from . import linalg
        return linalg._logdet(self, "logdet")

    def slogdet(self):
        """(sign, logabsdet) of each square matrix, as tg.linalg.slogdet."""
        from . import linalg
        return linalg._square_op(self, "slogdet", linalg.slogdet)

    def matrix_power(self, n):
        """A^n of each square matrix over the last two axes, as tg.linalg.matrix_power."""
        from . import linalg
        return linalg.matrix_power(self, n)

    def matrix_exp(self):
        """exp(A) of each square matrix over the last two axes, as tg.linalg.matrix_exp."""
        from . import linalg
        return linalg._square_op(self, "matrix_exp", linalg.matrix_exp)

    def pinverse(self, rcond=1e-15):
        """The pseudo-inverse with singular values at or below rcond * max s counted as 0 (tg.linalg.pinv's rtol)."""
        from . import linalg
        from ._validate import check_number
        return linalg._pinv(self, None, check_number(rcond, "rcond", "pinverse", low=0), False, "pinverse")

    def svd(self, some=True, compute_uv=True):
        """torch.svd's older form: (U, S, V) with A = U diag(S) V^T (V, not V^T), the named tuple
        return_types.svd; some=True gives the reduced factors. With compute_uv=False, U and V are square
        zero matrices (as torch's) and only S is computed (and differentiable)."""
        from . import linalg, return_types
        from ._validate import check_bool
        some, compute_uv = check_bool(some, "some", "svd"), check_bool(compute_uv, "compute_uv", "svd")
        if not compute_uv:  # as torch: square zero matrices in place of U and V, whatever `some` is
            s = linalg.svdvals(self)
            m, n = self.shape[-2:]
            zeros = self._backend.xp.zeros
            return return_types.svd(_t.Tensor._wrap(zeros(self.shape[:-2] + (m, m), s.dtype), self._backend), s,
                                    _t.Tensor._wrap(zeros(self.shape[:-2] + (n, n), s.dtype), self._backend))
        u, s, vh = linalg.svd(self, full_matrices=not some)
        return return_types.svd(u, s, vh.transpose(-1, -2))

    def kron(self, other):
        """The Kronecker product: out[i_0 n_0 + j_0, i_1 n_1 + j_1, ...] = x[i_0, i_1, ...] y[j_0, j_1, ...],
        with n = y's shape (the shorter shape padded with leading 1s). Written as x, y reshaped to
        interleaved axes and multiplied, so d x and d y are those of mul (dtypes promoted as mul's)."""
        _require("kron", other, "other")
        if np.bool_ in (self.dtype, other.dtype) and self.dtype != other.dtype:
            other_dtype = other.dtype if self.dtype == np.bool_ else self.dtype
            raise TypeError(f"kron: not supported for a bool and a {other_dtype} tensor; convert first")
        ndim = max(self.ndim, other.ndim)
        if ndim == 0:
            return self * other
        sa = (1,) * (ndim - self.ndim) + self.shape
        sb = (1,) * (ndim - other.ndim) + other.shape
        a = self.reshape(*[s for n in sa for s in (n, 1)])
        b = other.reshape(*[s for n in sb for s in (1, n)])
        return (a * b).reshape(*[x * y for x, y in zip(sa, sb)])
