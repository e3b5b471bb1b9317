"""torch's free functions for linear algebra (tg.einsum, tg.outer, tg.dot, tg.addmm, tg.cross, ...).

Each is the Tensor method of the same name where one exists (see functions.unary_from_method); as in
`functions`, `input` must be a Tensor. einsum, tensordot and cdist, which torch has only as functions,
are written here.
"""
import math
import string

import numpy as np

from . import _tensor as _t, dtypes, linalg
from ._validate import _UNSET, check_choice, check_number
from .functions import _tensor, binary_from_method, unary_from_method
from .ops import linalg as la

__all__ = ["einsum", "outer", "ger", "dot", "vdot", "inner", "mv", "det", "inverse", "logdet", "slogdet", "addmm",
           "addmv", "addr", "baddbmm", "addbmm", "tensordot", "cross", "kron", "cdist", "matrix_power", "matrix_exp",
           "pinverse", "svd", "chain_matmul"]

kron = binary_from_method("kron", __name__)
inner = binary_from_method("inner", __name__)
det, inverse, logdet, slogdet, matrix_exp = (unary_from_method(name, __name__)
                                             for name in ("det", "inverse", "logdet", "slogdet", "matrix_exp"))


def matrix_power(input, n):
    """A^n of each square matrix (see tg.linalg.matrix_power)."""
    return _tensor("matrix_power", input).matrix_power(n)


def pinverse(input, rcond=1e-15):
    """The pseudo-inverse with singular values at or below rcond * max s counted as 0 (see tg.linalg.pinv)."""
    return _tensor("pinverse", input).pinverse(rcond)


def svd(input, some=True, compute_uv=True):
    """torch.svd's older form: (U, S, V) with A = U diag(S) V^T (see Tensor.svd)."""
    return _tensor("svd", input).svd(some, compute_uv)


def chain_matmul(*matrices):
    """matrices[0] @ matrices[1] @ ... in the cheapest order: torch's older name of tg.linalg.multi_dot
    (which also takes a vector at either end)."""
    for i, m in enumerate(matrices):
        _tensor("chain_matmul", m, f"matrices[{i}]")
        if m.ndim != 2:
            raise ValueError(f"chain_matmul: matrices[{i}] must be 2-D, got shape {m.shape}")
    if len(matrices) == 1:
        return matrices[0]
    if not matrices:
        raise ValueError("chain_matmul: expects at least one matrix")
    return linalg.multi_dot(list(matrices))


def outer(input, vec2):
    """The outer product of two 1-D tensors: out_ij = input_i vec2_j (see Tensor.outer)."""
    return _tensor("outer", input).outer(vec2)


def ger(input, vec2):
    """torch's older name of outer: out_ij = input_i vec2_j."""
    return _tensor("ger", input).ger(vec2)


def dot(input, tensor):
    """sum_i input_i tensor_i of two 1-D tensors of one size and dtype (see Tensor.dot)."""
    return _tensor("dot", input).dot(tensor)


def vdot(input, other):
    """sum_i conj(input_i) other_i of two 1-D tensors; dot for real tensors."""
    return _tensor("vdot", input).vdot(other)


def mv(input, vec):
    """(n, m) @ (m,) -> (n,), the matrix-vector product (see Tensor.mv)."""
    return _tensor("mv", input).mv(vec)


def addmm(input, mat1, mat2, *, beta=1, alpha=1):
    """beta input + alpha (mat1 @ mat2), input broadcast to (n, m): see Tensor.addmm."""
    return _tensor("addmm", input).addmm(mat1, mat2, beta=beta, alpha=alpha)


def addmv(input, mat, vec, *, beta=1, alpha=1):
    """beta input + alpha (mat @ vec), input broadcast to (n,): see Tensor.addmv."""
    return _tensor("addmv", input).addmv(mat, vec, beta=beta, alpha=alpha)


def addr(input, vec1, vec2, *, beta=1, alpha=1):
    """beta input + alpha outer(vec1, vec2), input broadcast to (n, m): see Tensor.addr."""
    return _tensor("addr", input).addr(vec1, vec2, beta=beta, alpha=alpha)


def baddbmm(input, batch1, batch2, *, beta=1, alpha=1):
    """beta input + alpha (batch1 @ batch2) batch by batch, input broadcast to (b, n, m): see Tensor.baddbmm."""
    return _tensor("baddbmm", input).baddbmm(batch1, batch2, beta=beta, alpha=alpha)


def addbmm(input, batch1, batch2, *, beta=1, alpha=1):
    """beta input + alpha sum_b batch1[b] @ batch2[b], input broadcast to (n, m): see Tensor.addbmm."""
    return _tensor("addbmm", input).addbmm(batch1, batch2, beta=beta, alpha=alpha)


def cross(input, other, dim=_UNSET, *, axis=_UNSET):
    """The cross product of 3-vectors along `dim` (None: the first axis of size 3, with torch's
    deprecation warning); see Tensor.cross and tg.linalg.cross (default -1)."""
    return _tensor("cross", input).cross(other, dim, axis=axis)


# ---- einsum ------------------------------------------------------------------------------
_LETTERS = string.ascii_uppercase + string.ascii_lowercase  # torch's sublist numbers 0..51 name these


def einsum(equation, *operands):
    """Einstein summation: out[output labels] = sum over the other labels of prod_k operand_k[labels_k].

    `equation` is 'ij,jk->ik' (letters a-z, A-Z; '...' for the broadcast axes; spaces ignored);
    without '->' the output is '...' and then the labels used exactly once, in alphabetical order.
    A label repeated within one operand takes its diagonal ('ii->i'); a label of size 1 broadcasts
    against the same label elsewhere. The operands follow as arguments or as one list, and torch's
    sublist form einsum(op1, [0, 1], op2, [1, 2], [0, 2]) (integers 0..51 for labels, Ellipsis
    for '...') is read too. The operands share one dtype (as torch); float16 computes in float32.

    Forward: the array module's einsum. Backward (ops/linalg.Einsum): the result is linear in each
    operand, so the gradient of operand k is the einsum of the upstream gradient g (labels: the
    output's) with every other operand, written out to operand k's labels:
        d operand_k[L_k] = sum_{labels not in L_k} g[out] prod_{j != k} operand_j[L_j],
    broadcast along labels summed only within operand k, and placed on the diagonal where a
    label repeats within operand k (its off-diagonal elements took no part, gradient 0)."""
    if not isinstance(equation, str):
        equation, operands = _from_sublists((equation,) + operands)
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    if not operands:
        raise ValueError("einsum: needs at least one operand")
    for i, x in enumerate(operands):
        _tensor("einsum", x, f"operands[{i}]")
    dtype = operands[0].dtype
    if any(x.dtype != dtype for x in operands):
        raise TypeError(f"einsum: the operands must share one dtype (as torch), got {[str(x.dtype) for x in operands]}")
    if dtype == np.bool_:
        raise TypeError("einsum: not supported for bool tensors (as in torch); convert first, e.g. x.astype(tg.int64)")
    inputs, output = _parse(equation, operands)
    sizes = _label_sizes(inputs, operands)
    operands = [x.expand(*(sizes[label] for label in labels)) if x.shape != tuple(sizes[label] for label in labels)
                else x for x, labels in zip(operands, inputs)]
    if dtype == dtypes.float16:
        out = la.Einsum.apply(*(x.astype(dtypes.float32) for x in operands), inputs=inputs, output=output)
        return out.astype(dtypes.float16)
    return la.Einsum.apply(*operands, inputs=inputs, output=output)


def _from_sublists(args):
    """torch's sublist form (op, sublist, op, sublist, ..., [output sublist]) as (equation, operands)."""
    operands, terms = list(args[0::2]), list(args[1::2])
    output = None
    if len(args) % 2:  # an odd count: the last item is the output sublist
        output, operands = operands[-1], operands[:-1]

    def term(sublist):
        if not isinstance(sublist, (list, tuple)):
            raise TypeError(f"einsum: a sublist must be a list of label numbers, got {sublist!r}")
        text = ""
        for item in sublist:
            if item is Ellipsis:
                text += "..."
            elif isinstance(item, (int, np.integer)) and not isinstance(item, bool) and 0 <= item < len(_LETTERS):
                text += _LETTERS[item]
            else:
                raise ValueError(f"einsum: sublist labels must be integers in [0, 52) or Ellipsis, got {item!r}")
        return text

    equation = ",".join(term(t) for t in terms) + ("" if output is None else "->" + term(output))
    return equation, tuple(operands)


def _parse(equation, operands):
    """(each operand's labels, the output's labels) with '...' spelled out as letters the equation does not use."""
    equation = equation.replace(" ", "")
    lhs, arrow, out = equation.partition("->")
    terms = lhs.split(",")
    if len(terms) != len(operands):
        raise ValueError(f"einsum: the equation {equation!r} names {len(terms)} operands, but {len(operands)} "
                         "were given")
    for term in terms + ([out] if arrow else []):
        body = term.replace("...", "", 1)
        if any(c not in _LETTERS for c in body):
            raise ValueError(f"einsum: invalid subscript {term!r} in {equation!r}: use letters a-z, A-Z and one '...'")
    spare = [c for c in _LETTERS if c not in equation]
    ellipsis_dims = []
    for term, x in zip(terms, operands):
        named = len(term.replace("...", ""))
        if "..." in term and x.ndim < named or "..." not in term and x.ndim != named:
            raise ValueError(f"einsum: subscript {term!r} names {named} axes, but the operand has shape {x.shape}")
        ellipsis_dims.append(x.ndim - named if "..." in term else 0)
    ell = "".join(spare[:max(ellipsis_dims, default=0)])
    inputs = [term.replace("...", ell[len(ell) - e:] if e else "") for term, e in zip(terms, ellipsis_dims)]
    if arrow:
        output = out.replace("...", ell)
        if len(set(output)) != len(output):
            raise ValueError(f"einsum: the output subscript {out!r} repeats a label")
        missing = [c for c in output if not any(c in term for term in inputs)]
        if missing:
            raise ValueError(f"einsum: the output label {missing[0]!r} appears in no operand of {equation!r}")
    else:
        counts = {}
        for term in terms:
            for c in term.replace("...", ""):
                counts[c] = counts.get(c, 0) + 1
        output = ell + "".join(sorted(c for c, n in counts.items() if n == 1))
    return inputs, output


def _label_sizes(inputs, operands):
    """The size of each label: the same in every place it appears, or 1 where it broadcasts."""
    sizes = {}
    for labels, x in zip(inputs, operands):
        own = {}
        for label, n in zip(labels, x.shape):
            if own.setdefault(label, n) != n:
                raise ValueError(f"einsum: label {label!r} repeats within one operand with sizes {own[label]} and "
                                 f"{n} (a diagonal needs equal sizes); shape {x.shape}")
            if sizes.get(label, 1) == 1:
                sizes[label] = n
            elif n not in (1, sizes[label]):
                raise ValueError(f"einsum: label {label!r} has sizes {sizes[label]} and {n}, which do not broadcast")
    return sizes


# ---- tensordot, cdist ----------------------------------------------------------------------
def tensordot(a, b, dims=2):
    """Contract axes of a with axes of b: out[free_a, free_b] = sum_c a[free_a, c] b[c, free_b].

    dims = n (an int): a's last n axes with b's first n; dims = (axes of a, axes of b): those
    pairs, in order. Written as one matrix product of a and b with their axes permuted and
    folded ((free_a, c) @ (c, free_b)), so it takes matmul's fast path and gradients."""
    op = "tensordot"
    _tensor(op, a, "a"), _tensor(op, b, "b")
    if a.dtype != b.dtype:
        raise TypeError(f"{op}: a and b must have the same dtype (as torch), got {a.dtype} and {b.dtype}")
    if a.dtype == np.bool_:
        raise TypeError(f"{op}: not supported for bool tensors (as in torch); convert first")
    if isinstance(dims, _t.Tensor):
        dims = dims.tolist()
    if isinstance(dims, (int, np.integer)) and not isinstance(dims, bool):
        if not 0 <= dims <= min(a.ndim, b.ndim):
            raise ValueError(f"{op}: dims = {dims} must be in [0, {min(a.ndim, b.ndim)}] for shapes "
                             f"{a.shape} and {b.shape}")
        axes_a, axes_b = list(range(a.ndim - dims, a.ndim)), list(range(dims))
    elif isinstance(dims, (list, tuple)) and len(dims) == 2:
        axes_a, axes_b = ([d] if isinstance(d, (int, np.integer)) else d for d in dims)
        if not isinstance(axes_a, (list, tuple)) or not isinstance(axes_b, (list, tuple)) or len(axes_a) != len(axes_b):
            raise ValueError(f"{op}: dims must name as many axes of a as of b, got {dims!r}")
        axes_a = [_t._one_axis(d, a.shape, op, name="dims") for d in axes_a]
        axes_b = [_t._one_axis(d, b.shape, op, name="dims") for d in axes_b]
        if len(set(axes_a)) != len(axes_a) or len(set(axes_b)) != len(axes_b):
            raise ValueError(f"{op}: dims {dims!r} repeats an axis")
    else:
        raise TypeError(f"{op}: dims must be an int or a pair of lists of axes, got {dims!r}")
    for i, j in zip(axes_a, axes_b):
        if a.shape[i] != b.shape[j]:
            raise ValueError(f"{op}: contracted axes differ in size: a {a.shape} axis {i}, b {b.shape} axis {j}")
    free_a = [i for i in range(a.ndim) if i not in axes_a]
    free_b = [j for j in range(b.ndim) if j not in axes_b]
    k = math.prod(a.shape[i] for i in axes_a)
    left = a.permute(*free_a, *axes_a).reshape(math.prod(a.shape[i] for i in free_a), k)
    right = b.permute(*axes_b, *free_b).reshape(k, math.prod(b.shape[j] for j in free_b))
    return left.matmul(right).reshape(*[a.shape[i] for i in free_a], *[b.shape[j] for j in free_b])


_COMPUTE_MODES = ("use_mm_for_euclid_dist_if_necessary", "use_mm_for_euclid_dist", "donot_use_mm_for_euclid_dist")


def cdist(x1, x2, p=2.0, compute_mode="use_mm_for_euclid_dist_if_necessary"):
    """The p-norm distance between every row of x1 (..., P, M) and every row of x2 (..., R, M):
    out[..., i, j] = ||x1[..., i, :] - x2[..., j, :]||_p, shape (..., P, R), batch axes broadcast.

    Computed as vector_norm of the difference of every pair (compute_mode is accepted and does
    not change the arithmetic), so the gradient is vector_norm's: 0 where two rows coincide."""
    op = "cdist"
    _tensor(op, x1, "x1"), _tensor(op, x2, "x2")
    p = check_number(p, "p", op, low=0, finite=False)
    check_choice(compute_mode, "compute_mode", op, _COMPUTE_MODES)
    if x1.dtype != x2.dtype:
        raise TypeError(f"{op}: x1 and x2 must have the same dtype (as torch), got {x1.dtype} and {x2.dtype}")
    if x1.dtype.kind != "f":
        raise TypeError(f"{op}: only floating-point tensors are supported, got {x1.dtype}")
    if x1.ndim < 2 or x2.ndim < 2 or x1.shape[-1] != x2.shape[-1]:
        raise ValueError(f"{op}: x1 and x2 must be (..., P, M) and (..., R, M), got {x1.shape} and {x2.shape}")
    if not _t._broadcastable(x1.shape[:-2], x2.shape[:-2]):
        raise ValueError(f"{op}: batch shapes {x1.shape[:-2]} and {x2.shape[:-2]} do not broadcast")
    if x1.dtype == dtypes.float16:  # differences and norm in float32, rounded once
        return cdist(x1.astype(dtypes.float32), x2.astype(dtypes.float32), p).astype(dtypes.float16)
    return linalg._vector_norm(op, x1.unsqueeze(-2) - x2.unsqueeze(-3), p, -1, False, None)
