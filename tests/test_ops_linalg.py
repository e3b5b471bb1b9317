"""Linear algebra agrees with PyTorch: einsum, outer/ger, dot, vdot, mv, mm, bmm, addmm, addmv, baddbmm,
addbmm, tensordot, cross (tg.cross, Tensor.cross, tg.linalg.cross), kron, cdist.

Each is checked with check_op (value, shape, dtype, the gradient of every input) on hypothesis
sizes that include 0 and 1, in memory layouts that are not contiguous, and with float64 finite
differences (tg.gradcheck). einsum is checked over a table of equations that covers the ways it is
written: matrix products, batches, transposes, traces and diagonals (a label repeated within one
operand), outer products, reductions, ellipses that broadcast, three operands, implicit output, the
list of operands and torch's sublist form. Beside: beta = 0 ignores NaN in addmm's input; integer
products keep their dtype; float16 is computed in float32; the refusals torch makes (mixed dtypes,
2-D arguments to dot) are errors naming the function.
"""
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import check_op, to_torch, torch
from strategies import distinct_values, float_dtypes, maybe_transposed, views

import tinygrad_lite as tg

sizes = st.integers(0, 4)


def normal(shape, seed=0, dtype=np.float64):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


# ---------------------------------------------------------------- einsum

EQUATIONS = [  # (equation, operand shapes)
    ("ij,jk->ik", [(2, 3), (3, 4)]),
    ("ij,jk", [(2, 3), (3, 4)]),
    ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]),
    ("ij->ji", [(2, 3)]),
    ("ii->i", [(3, 3)]),
    ("ii", [(3, 3)]),
    ("iij->j", [(3, 3, 2)]),
    ("i,i->", [(4,), (4,)]),
    ("i,j->ij", [(3,), (4,)]),
    ("ij->", [(2, 3)]),
    ("ij->j", [(2, 3)]),
    ("bi,bi->b", [(3, 4), (3, 4)]),
    ("ijk,ikl->jl", [(2, 3, 4), (2, 4, 5)]),
    ("i,i,i->", [(4,), (4,), (4,)]),
    ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 2)]),
    ("...ij,...jk->...ik", [(2, 1, 3, 4), (5, 4, 2)]),
    ("...ij->...ji", [(2, 3, 4)]),
    ("i...->...", [(3, 2, 2)]),
    ("ij,j", [(3, 1), (3,)]),  # label j: size 1 broadcasts against 3
    ("bn,anm,bm->ba", [(2, 3), (4, 3, 5), (2, 5)]),
    ("ij,jk->ik", [(2, 0), (0, 3)]),  # an empty contraction: zeros
    ("ij,ij->ij", [(0, 3), (0, 3)]),
    ("ii->", [(1, 1)]),
    ("Ab,bA->", [(2, 3), (3, 2)]),  # upper-case labels
    (" ij , jk -> ik ", [(2, 3), (3, 2)]),  # spaces are ignored
]


@pytest.mark.parametrize("equation, shapes", EQUATIONS, ids=[e for e, _ in EQUATIONS])
@given(data=st.data())
def test_einsum_matches_torch(equation, shapes, data):
    dtype = data.draw(float_dtypes)
    xs = [data.draw(views(shape, dtype)) for shape in shapes]
    k = max([1] + [n for shape in shapes for n in shape])
    check_op(lambda *ts: tg.einsum(equation, *ts), lambda *ts: torch.einsum(equation, *ts), *xs,
             reduce_size=k * k)


@pytest.mark.parametrize("equation, shapes", [e for e in EQUATIONS if 0 not in sum(e[1], ())],
                         ids=[e for e, s in EQUATIONS if 0 not in sum(s, ())])
def test_einsum_gradcheck_float64(equation, shapes):
    xs = [tg.Tensor(normal(shape, i), requires_grad=True) for i, shape in enumerate(shapes)]
    assert tg.gradcheck(lambda *ts: tg.einsum(equation, *ts), *xs)


def test_einsum_list_and_sublist_forms():
    a, b = normal((2, 3)), normal((3, 4), 1)
    check_op(lambda x, y: tg.einsum("ij,jk->ik", [x, y]), lambda x, y: torch.einsum("ij,jk->ik", [x, y]), a, b)
    check_op(lambda x, y: tg.einsum(x, [0, 1], y, [1, 2], [0, 2]),
             lambda x, y: torch.einsum(x, [0, 1], y, [1, 2], [0, 2]), a, b)
    check_op(lambda x, y: tg.einsum(x, [0, 1], y, [1, 2]), lambda x, y: torch.einsum(x, [0, 1], y, [1, 2]), a, b)
    c = normal((5, 2, 3))
    check_op(lambda x: tg.einsum(x, [Ellipsis, 0, 1], [Ellipsis, 1]),
             lambda x: torch.einsum(x, [Ellipsis, 0, 1], [Ellipsis, 1]), c)


@pytest.mark.parametrize("dtype", [np.int64, np.int32])
def test_einsum_of_integers_keeps_the_dtype(dtype):
    a, b = (np.arange(6).reshape(2, 3) - 2).astype(dtype), (np.arange(12).reshape(3, 4) % 5).astype(dtype)
    check_op(lambda x, y: tg.einsum("ij,jk->ik", x, y), lambda x, y: torch.einsum("ij,jk->ik", x, y), a, b)


def test_einsum_float16_is_computed_in_float32():
    # 3000 terms of 0.25: a float16 running sum stops growing once 0.25 is under half its spacing
    a, b = np.full((1, 3000), 0.5, np.float16), np.full((3000, 1), 0.5, np.float16)
    out = tg.einsum("ij,jk->ik", tg.Tensor(a), tg.Tensor(b))
    assert out.dtype == np.float16 and out.item() == 750.0


@pytest.mark.parametrize("call, error", [
    (lambda a, b: tg.einsum("ij,jk->ik", a), ValueError),            # two terms, one operand
    (lambda a, b: tg.einsum("ijk,jk->ik", a, b), ValueError),        # three labels for a 2-D operand
    (lambda a, b: tg.einsum("ij,jk->iz", a, b), ValueError),         # an output label no operand has
    (lambda a, b: tg.einsum("ij,jk->ii", a, b), ValueError),         # a repeated output label
    (lambda a, b: tg.einsum("ij,ik->jk", a, b), ValueError),         # sizes 2 and 3 under one label
    (lambda a, b: tg.einsum("i1,jk->ik", a, b), ValueError),         # not a letter
    (lambda a, b: tg.einsum("ij,jk->ik", a, b.double()), TypeError),  # mixed dtypes, as torch
    (lambda a, b: tg.einsum("ij,jk->ik", a, [[1.0]]), TypeError),    # not a Tensor
    (lambda a, b: tg.einsum("ij"), ValueError),                      # no operand
], ids=["count", "rank", "unknown", "repeat", "sizes", "letter", "dtypes", "list", "none"])
def test_einsum_bad_input_raises_naming_einsum(call, error):
    with pytest.raises(error, match="einsum"):
        call(tg.ones(2, 3), tg.ones(3, 4))


# ---------------------------------------------------------------- vectors: outer, ger, dot, vdot, mv

@pytest.mark.parametrize("name", ["outer", "ger"])
@given(n=sizes, m=sizes, data=st.data())
def test_outer(name, n, m, data):
    dtype = data.draw(float_dtypes)
    x, y = data.draw(views((n,), dtype)), data.draw(views((m,), dtype))
    check_op(lambda a, b: getattr(tg, name)(a, b), lambda a, b: getattr(torch, name)(a, b), x, y)
    check_op(lambda a, b: getattr(a, name)(b), lambda a, b: getattr(a, name)(b), x, y)


@pytest.mark.parametrize("name", ["dot", "vdot"])
@given(n=sizes, data=st.data())
def test_dot(name, n, data):
    dtype = data.draw(float_dtypes)
    x, y = data.draw(views((n,), dtype)), data.draw(views((n,), dtype))
    check_op(lambda a, b: getattr(tg, name)(a, b), lambda a, b: getattr(torch, name)(a, b), x, y, reduce_size=n)


@given(n=sizes, m=sizes, data=st.data())
def test_mv_mm_bmm(n, m, data):
    dtype = data.draw(float_dtypes)
    a, v = data.draw(views((n, m), dtype)), data.draw(views((m,), dtype))
    check_op(lambda x, y: tg.mv(x, y), lambda x, y: torch.mv(x, y), a, v, reduce_size=m)
    check_op(lambda x, y: x.mv(y), lambda x, y: x.mv(y), a, v, reduce_size=m)
    b = data.draw(views((m, 3), dtype))
    check_op(lambda x, y: x.mm(y), lambda x, y: x.mm(y), a, b, reduce_size=m)
    c, d = data.draw(views((2, n, m), dtype)), data.draw(views((2, m, 3), dtype))
    check_op(lambda x, y: x.bmm(y), lambda x, y: x.bmm(y), c, d, reduce_size=m)


def test_vector_products_gradcheck_float64():
    x, y = (tg.Tensor(normal((4,), i), requires_grad=True) for i in range(2))
    m = tg.Tensor(normal((3, 4), 2), requires_grad=True)
    assert tg.gradcheck(lambda a, b: a.outer(b), x, y)
    assert tg.gradcheck(lambda a, b: tg.dot(a, b), x, y)
    assert tg.gradcheck(lambda a, b: tg.mv(a, b), m, y)


@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.uint8])
def test_integer_products_keep_the_dtype(dtype):
    x, y = np.arange(4).astype(dtype), (np.arange(4) % 3).astype(dtype)
    check_op(lambda a, b: tg.dot(a, b), lambda a, b: torch.dot(a, b), x, y)
    check_op(lambda a, b: tg.outer(a, b), lambda a, b: torch.outer(a, b), x, y)
    m = np.arange(8).reshape(2, 4).astype(dtype)
    check_op(lambda a, b: tg.mv(a, b), lambda a, b: torch.mv(a, b), m, y)


def test_vector_products_refuse_what_torch_refuses():
    v, w = tg.ones(3), tg.ones(3, dtype=tg.float64)
    for call, error in [(lambda: tg.dot(v, w), TypeError), (lambda: tg.dot(tg.ones(2, 3), tg.ones(2, 3)), ValueError),
                        (lambda: tg.dot(v, tg.ones(4)), ValueError), (lambda: tg.mv(tg.ones(2, 3), tg.ones(4)), ValueError),
                        (lambda: tg.outer(tg.ones(2, 2), v), ValueError), (lambda: tg.vdot(v, w), TypeError),
                        (lambda: tg.dot(tg.ones(3, dtype=tg.bool_), tg.ones(3, dtype=tg.bool_)), TypeError)]:
        with pytest.raises(error, match=r"dot|mv|outer|vdot"):
            call()


# ---------------------------------------------------------------- addmm, addmv, baddbmm, addbmm

SCALES = [(1, 1), (0.5, 2.0), (0, 1), (1, 0), (-1.5, 0.25)]


@pytest.mark.parametrize("beta, alpha", SCALES)
@given(n=sizes, k=sizes, m=sizes, data=st.data())
def test_addmm(beta, alpha, n, k, m, data):
    dtype = data.draw(float_dtypes)
    shape = data.draw(st.sampled_from([(n, m), (m,), (1, m), (n, 1), ()]))
    x, a, b = data.draw(views(shape, dtype)), data.draw(views((n, k), dtype)), data.draw(views((k, m), dtype))
    check_op(lambda i, p, q: tg.addmm(i, p, q, beta=beta, alpha=alpha),
             lambda i, p, q: torch.addmm(i, p, q, beta=beta, alpha=alpha), x, a, b, reduce_size=k)
    check_op(lambda i, p, q: i.addmm(p, q, beta=beta, alpha=alpha),
             lambda i, p, q: i.addmm(p, q, beta=beta, alpha=alpha), x, a, b, reduce_size=k)


@pytest.mark.parametrize("beta, alpha", SCALES)
@given(n=sizes, k=sizes, data=st.data())
def test_addmv(beta, alpha, n, k, data):
    dtype = data.draw(float_dtypes)
    # torch gives a broadcast input ((1,) or ()) back in its own shape when mat is empty: the engine
    # gives the product's shape (n,), as every broadcast does (see the page of differences)
    shape = data.draw(st.sampled_from([(n,), (1,), ()] if n * k else [(n,)]))
    x, a, v = data.draw(views(shape, dtype)), data.draw(views((n, k), dtype)), data.draw(views((k,), dtype))
    check_op(lambda i, p, q: tg.addmv(i, p, q, beta=beta, alpha=alpha),
             lambda i, p, q: torch.addmv(i, p, q, beta=beta, alpha=alpha), x, a, v, reduce_size=k)


@pytest.mark.parametrize("name", ["baddbmm", "addbmm"])
@pytest.mark.parametrize("beta, alpha", SCALES)
@given(b=sizes, n=sizes, k=sizes, data=st.data())
def test_batched_add_products(name, beta, alpha, b, n, k, data):
    dtype = data.draw(float_dtypes)
    m = 3
    out = (b, n, m) if name == "baddbmm" else (n, m)
    shape = data.draw(st.sampled_from([out, out[-1:], (1,) * len(out), ()]))
    x, p, q = data.draw(views(shape, dtype)), data.draw(views((b, n, k), dtype)), data.draw(views((b, k, m), dtype))
    check_op(lambda i, u, v: getattr(tg, name)(i, u, v, beta=beta, alpha=alpha),
             lambda i, u, v: getattr(torch, name)(i, u, v, beta=beta, alpha=alpha), x, p, q, reduce_size=b * k)


def test_add_products_on_every_device(device):
    x, a, b = normal((2, 4)), normal((2, 3), 1), normal((3, 4), 2)
    check_op(lambda i, p, q: tg.addmm(i, p, q, beta=0.5, alpha=2), lambda i, p, q: torch.addmm(i, p, q, beta=0.5,
             alpha=2), x, a, b, device=device)
    x3, a3, b3 = normal((2, 2, 4)), normal((2, 2, 3), 1), normal((2, 3, 4), 2)
    check_op(lambda i, p, q: tg.baddbmm(i, p, q, alpha=3), lambda i, p, q: torch.baddbmm(i, p, q, alpha=3),
             x3, a3, b3, device=device)


def test_add_products_gradcheck_float64():
    x, a, b = (tg.Tensor(normal(s, i), requires_grad=True) for i, s in enumerate([(2, 4), (2, 3), (3, 4)]))
    assert tg.gradcheck(lambda i, p, q: tg.addmm(i, p, q, beta=0.5, alpha=-2), x, a, b)
    x3, a3, b3 = (tg.Tensor(normal(s, i), requires_grad=True) for i, s in enumerate([(4,), (2, 2, 3), (2, 3, 4)]))
    assert tg.gradcheck(lambda i, p, q: tg.baddbmm(i, p, q, beta=2), x3, a3, b3)
    assert tg.gradcheck(lambda i, p, q: tg.addbmm(i, p, q, alpha=0.5), x3, a3, b3)


def test_beta_zero_ignores_nan_and_inf_in_input_as_torch():
    x = np.array([[np.nan, np.inf], [-np.inf, 1.0]])
    a, b = normal((2, 3)), normal((3, 2), 1)
    out = check_op(lambda i, p, q: tg.addmm(i, p, q, beta=0), lambda i, p, q: torch.addmm(i, p, q, beta=0), x, a, b)
    assert np.isfinite(out.numpy()).all()


def test_add_products_of_integers_and_float16():
    x, a, b = (np.arange(6).reshape(2, 3) % 4, np.arange(8).reshape(2, 4) - 3, np.arange(12).reshape(4, 3) % 5)
    check_op(lambda i, p, q: tg.addmm(i, p, q, beta=2, alpha=3), lambda i, p, q: torch.addmm(i, p, q, beta=2, alpha=3),
             x, a, b)
    with pytest.raises(TypeError, match="addmm"):
        tg.addmm(tg.Tensor(x), tg.Tensor(a), tg.Tensor(b), alpha=0.5)  # torch truncates it to 0 silently
    h = [np.full(s, 0.5, np.float16) for s in [(1, 1), (1, 3000), (3000, 1)]]
    out = tg.addmm(*(tg.Tensor(v) for v in h), beta=2)
    assert out.dtype == np.float16 and out.item() == 751.0


def test_add_products_refuse_what_torch_refuses():
    f, d = tg.ones(2, 2), tg.ones(2, 2, dtype=tg.float64)
    for call, error in [(lambda: tg.addmm(f, f, d), TypeError), (lambda: tg.addmm(d, f, f), TypeError),
                        (lambda: tg.addmm(tg.ones(3, 2), f, f), ValueError), (lambda: tg.addmm(f, f, tg.ones(3, 2)), ValueError),
                        (lambda: tg.baddbmm(f, f, f), ValueError), (lambda: tg.addmv(f, f, tg.ones(3)), ValueError),
                        (lambda: tg.addmm(f, f, f, beta="x"), TypeError)]:
        with pytest.raises(error, match=r"addmm|baddbmm|addmv"):
            call()


# ---------------------------------------------------------------- tensordot

TENSORDOTS = [  # (a shape, b shape, dims)
    ((2, 3, 4), (3, 4, 5), 2), ((2, 3), (3, 4), 1), ((2, 3), (4, 5), 0), ((2, 3, 4), (4, 3), ([1, 2], [1, 0])),
    ((3, 4), (4, 3), ([0, 1], [1, 0])), ((2, 0, 3), (0, 3, 2), 2), ((3,), (3,), 1), ((2, 3), (3, 2), [[1], [0]]),
]


@pytest.mark.parametrize("a_shape, b_shape, dims", TENSORDOTS, ids=repr)
@given(data=st.data())
def test_tensordot(a_shape, b_shape, dims, data):
    dtype = data.draw(float_dtypes)
    a, b = data.draw(views(a_shape, dtype)), data.draw(views(b_shape, dtype))
    check_op(lambda x, y: tg.tensordot(x, y, dims), lambda x, y: torch.tensordot(x, y, dims), a, b, reduce_size=12)


def test_tensordot_gradcheck_and_errors():
    a, b = tg.Tensor(normal((2, 3, 4)), requires_grad=True), tg.Tensor(normal((4, 3), 1), requires_grad=True)
    assert tg.gradcheck(lambda x, y: tg.tensordot(x, y, ([1, 2], [1, 0])), a, b)
    for dims, error in [(3, ValueError), (([0], [0]), ValueError), (([0, 0], [1, 1]), ValueError), ("x", TypeError),
                        (([3], [0]), IndexError)]:
        with pytest.raises(error, match="tensordot"):
            tg.tensordot(a, b, dims)


# ---------------------------------------------------------------- cross, kron

@given(data=st.data())
def test_cross_broadcasts_along_any_axis(data):
    dtype = data.draw(float_dtypes)
    ndim = data.draw(st.integers(1, 3))
    dim = data.draw(st.integers(-ndim, ndim - 1))
    shape = [data.draw(st.integers(0, 3)) for _ in range(ndim)]
    shape[dim] = 3
    other = [n if data.draw(st.booleans()) else 1 for n in shape]
    other[dim] = 3
    a, b = data.draw(views(tuple(shape), dtype)), data.draw(views(tuple(other), dtype))
    check_op(lambda x, y: tg.linalg.cross(x, y, dim=dim), lambda x, y: torch.linalg.cross(x, y, dim=dim), a, b)
    check_op(lambda x, y: tg.cross(x, y, dim), lambda x, y: torch.cross(x, y, dim), a, b)
    check_op(lambda x, y: x.cross(y, dim=dim), lambda x, y: x.cross(y, dim=dim), a, b)


def test_cross_without_dim_takes_the_first_axis_of_size_3_with_a_warning():
    a, b = normal((3, 3, 2)), normal((3, 3, 2), 1)
    with pytest.warns(UserWarning, match="dim"):
        check_op(lambda x, y: tg.cross(x, y), lambda x, y: torch.cross(x, y, dim=0), a, b)
    check_op(lambda x, y: tg.linalg.cross(x[..., 0], y[..., 0]), lambda x, y: torch.linalg.cross(x[..., 0], y[..., 0]),
             a, b)
    assert tg.gradcheck(lambda x, y: tg.linalg.cross(x, y, dim=1), tg.Tensor(a, requires_grad=True),
                        tg.Tensor(b, requires_grad=True))
    with pytest.raises(ValueError, match="cross"):
        tg.linalg.cross(tg.ones(2, 4), tg.ones(2, 4))
    with pytest.raises(TypeError, match="cross"):
        tg.linalg.cross(tg.ones(3, dtype=tg.bool_), tg.ones(3, dtype=tg.bool_))


@given(data=st.data())
def test_kron(data):
    dtype = data.draw(float_dtypes)
    a_shape = tuple(data.draw(st.lists(st.integers(0, 3), max_size=3)))
    b_shape = tuple(data.draw(st.lists(st.integers(1, 3), max_size=3)))
    a, b = data.draw(views(a_shape, dtype)), data.draw(views(b_shape, dtype))
    check_op(lambda x, y: tg.kron(x, y), lambda x, y: torch.kron(x, y), a, b)
    check_op(lambda x, y: x.kron(y), lambda x, y: x.kron(y), a, b)


def test_kron_gradcheck_and_integers():
    assert tg.gradcheck(lambda x, y: tg.kron(x, y), tg.Tensor(normal((2, 3)), requires_grad=True),
                        tg.Tensor(normal((3,), 1), requires_grad=True))
    check_op(lambda x, y: tg.kron(x, y), lambda x, y: torch.kron(x, y), np.arange(4).reshape(2, 2), np.eye(2, dtype=np.int64))


# ---------------------------------------------------------------- cdist

@pytest.mark.parametrize("p", [2.0, 1.0, math.inf, 0.5, 3.0])
@given(data=st.data())
def test_cdist(p, data):
    dtype = data.draw(float_dtypes)
    batch = data.draw(st.sampled_from([(), (2,), (1, 2)]))
    n, r, m = data.draw(sizes), data.draw(sizes), data.draw(st.integers(1, 4))
    # distinct values: no two rows coincide, where the gradient has a kink
    x1 = data.draw(distinct_values(batch + (n, m), dtype).flatmap(maybe_transposed))
    x2 = data.draw(distinct_values(batch + (r, m), dtype, low=3.1, high=6).flatmap(maybe_transposed))
    check_op(lambda a, b: tg.cdist(a, b, p), lambda a, b: torch.cdist(a, b, p), x1, x2, reduce_size=m,
             rtol=1e-4 if dtype == np.float32 else None, atol=1e-5 if dtype == np.float32 else None)


def test_cdist_gradcheck_and_zero_distance():
    x1, x2 = tg.Tensor(normal((3, 2)), requires_grad=True), tg.Tensor(normal((4, 2), 1), requires_grad=True)
    assert tg.gradcheck(lambda a, b: tg.cdist(a, b), x1, x2)
    same = normal((2, 3))
    check_op(lambda a, b: tg.cdist(a, b), lambda a, b: torch.cdist(a, b), same, same.copy())  # 0 on the diagonal
    with pytest.raises(ValueError, match="cdist"):
        tg.cdist(tg.ones(2, 3), tg.ones(2, 4))
    with pytest.raises(ValueError, match="cdist"):
        tg.cdist(tg.ones(2, 3), tg.ones(2, 3), p=-1)
    with pytest.raises(TypeError, match="cdist"):
        tg.cdist(tg.ones(2, 3), tg.ones(2, 3, dtype=tg.float64))


# ---------------------------------------------------------------- inner, vecdot, multi_dot, inv, det, solve

@pytest.mark.parametrize("a_shape, b_shape", [((3,), (3,)), ((2, 3), (4, 3)), ((2, 1, 3), (3,)), ((), (2, 3)),
                                              ((2, 0), (3, 0)), ((0, 2), (2,))], ids=repr)
def test_inner(a_shape, b_shape):
    a, b = normal(a_shape), normal(b_shape, 1)
    check_op(lambda x, y: tg.inner(x, y), lambda x, y: torch.inner(x, y), a, b)
    check_op(lambda x, y: x.inner(y), lambda x, y: x.inner(y), a.astype(np.float32), b.astype(np.float32))


@pytest.mark.parametrize("a_shape, b_shape, dim", [((3,), (3,), -1), ((2, 3), (3,), -1), ((2, 3), (2, 1), 0),
                                                   ((4, 1, 3), (2, 3), -1), ((2, 0), (0,), -1)], ids=repr)
def test_vecdot(a_shape, b_shape, dim):
    a, b = normal(a_shape), normal(b_shape, 1)
    check_op(lambda x, y: tg.linalg.vecdot(x, y, dim=dim), lambda x, y: torch.linalg.vecdot(x, y, dim=dim), a, b)
    check_op(lambda x, y: tg.linalg.vecdot(x, y, axis=dim), lambda x, y: torch.linalg.vecdot(x, y, dim=dim), a, b)


@pytest.mark.parametrize("shapes", [[(2, 3), (3, 4)], [(3,), (3, 4), (4, 2), (2,)], [(5, 2), (2, 6), (6, 1), (1, 3)],
                                    [(2, 3), (3, 4), (4,)]], ids=repr)
def test_multi_dot_and_linalg_matmul(shapes):
    xs = [normal(s, i) for i, s in enumerate(shapes)]
    check_op(lambda *ts: tg.linalg.multi_dot(list(ts)), lambda *ts: torch.linalg.multi_dot(list(ts)), *xs)
    check_op(lambda x, y: tg.linalg.matmul(x, y), lambda x, y: torch.linalg.matmul(x, y), *xs[:2])


def invertible(shape, seed=0):
    """Well-conditioned square matrices: the identity scaled up plus noise."""
    return normal(shape, seed) * 0.3 + 2 * np.eye(shape[-1])


@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 4), (1, 1), (2, 1, 2, 2), (0, 3, 3), (0, 0)], ids=repr)
def test_inv_and_det(shape):
    a = invertible(shape)
    for dtype in (np.float64, np.float32):
        check_op(lambda x: tg.linalg.inv(x), lambda x: torch.linalg.inv(x), a.astype(dtype), reduce_size=16)
        check_op(lambda x: tg.linalg.det(x), lambda x: torch.linalg.det(x), a.astype(dtype), reduce_size=16)
    if 0 not in shape:
        assert tg.gradcheck(lambda x: tg.linalg.inv(x), tg.Tensor(a, requires_grad=True))
        assert tg.gradcheck(lambda x: tg.linalg.det(x), tg.Tensor(a, requires_grad=True))


def test_det_gradient_of_a_singular_matrix_is_the_cofactor_matrix():
    # rank 2: det A^-T is 0 * inf, yet the cofactor matrix (torch's answer) is finite and non-zero
    a = np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 0.0, 1.0]])
    out = check_op(lambda x: tg.linalg.det(x), lambda x: torch.linalg.det(x), a)
    assert abs(out.item()) < 1e-12


def test_inv_and_solve_of_a_singular_matrix_raise_naming_the_function():
    singular = tg.Tensor([[1.0, 2.0], [2.0, 4.0]])
    with pytest.raises(ValueError, match="inv"):
        tg.linalg.inv(singular)
    with pytest.raises(ValueError, match="solve"):
        tg.linalg.solve(singular, tg.ones(2))
    with pytest.raises(ValueError, match="inv"):
        tg.linalg.inv(tg.ones(2, 3))
    with pytest.raises(TypeError, match="det"):
        tg.linalg.det(tg.Tensor([[1, 2], [3, 4]]))


@pytest.mark.parametrize("a_shape, b_shape", [((3, 3), (3, 2)), ((3, 3), (3,)), ((2, 3, 3), (2, 3)),
                                              ((2, 1, 3, 3), (4, 3, 1)), ((3, 3), (2, 3, 5)), ((2, 2), (2, 0))],
                         ids=repr)
@pytest.mark.parametrize("left", [True, False])
def test_solve(a_shape, b_shape, left):
    a, b = invertible(a_shape), normal(b_shape, 1)
    if not left:
        if len(b_shape) == len(a_shape) - 1 or len(b_shape) == 1:
            return  # torch reads a vector B only with left=True
        b = np.swapaxes(b, -1, -2).copy()
    check_op(lambda x, y: tg.linalg.solve(x, y, left=left), lambda x, y: torch.linalg.solve(x, y, left=left), a, b)
    assert tg.gradcheck(lambda x, y: tg.linalg.solve(x, y, left=left), tg.Tensor(a, requires_grad=True),
                        tg.Tensor(b, requires_grad=True))


@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 4), (1, 1), (0, 2, 2)], ids=repr)
def test_det_inverse_logdet_slogdet_methods_and_functions(shape):
    a = invertible(shape)
    a = a @ np.swapaxes(a, -1, -2)  # positive definite: det > 0, so logdet is finite
    for name in ("det", "inverse", "logdet"):
        check_op(lambda x: getattr(tg, name)(x), lambda x: getattr(torch, name)(x), a, reduce_size=16)
        check_op(lambda x: getattr(x, name)(), lambda x: getattr(x, name)(), a.astype(np.float32), reduce_size=16)
    for part in ("sign", "logabsdet"):  # sign is piecewise constant: no gradient here, a zero one in torch
        check_op(lambda x: getattr(tg.linalg.slogdet(x), part), lambda x: getattr(torch.linalg.slogdet(x), part), -a,
                 grad=part == "logabsdet")
        check_op(lambda x: getattr(x.slogdet(), part), lambda x: getattr(x.slogdet(), part), a, grad=part == "logabsdet")
    if 0 not in shape:
        assert tg.gradcheck(lambda x: tg.linalg.slogdet(x).logabsdet, tg.Tensor(-a, requires_grad=True))
        assert tg.gradcheck(lambda x: x.logdet(), tg.Tensor(a, requires_grad=True))


def test_logdet_of_a_negative_determinant_is_nan_and_slogdet_is_a_named_tuple():
    a = np.array([[0.0, 1.0], [1.0, 0.0]])  # det -1
    check_op(lambda x: tg.logdet(x), lambda x: torch.logdet(x), a, grad=False)
    out = tg.slogdet(tg.Tensor(a))
    assert isinstance(out, tg.return_types.slogdet) and out._fields == ("sign", "logabsdet")
    assert out.sign.item() == -1 and out.logabsdet.item() == 0


# ---------------------------------------------------------------- cholesky, eigh, eigvalsh, matrix_power

def positive_definite(shape, seed=0):
    m = normal(shape, seed)
    return m @ np.swapaxes(m, -1, -2) + np.eye(shape[-1])


@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 4), (1, 1), (0, 2, 2)], ids=repr)
@pytest.mark.parametrize("upper", [False, True])
def test_cholesky(shape, upper):
    a = positive_definite(shape)
    for dtype in (np.float64, np.float32):
        check_op(lambda x: tg.linalg.cholesky(x, upper=upper), lambda x: torch.linalg.cholesky(x, upper=upper),
                 a.astype(dtype), reduce_size=16)
    if 0 not in shape:  # through A = M M^T + I, so that every perturbation keeps A symmetric
        eye = np.eye(shape[-1])
        assert tg.gradcheck(lambda m: tg.linalg.cholesky(m @ m.transpose(-1, -2) + tg.Tensor(eye), upper=upper),
                            tg.Tensor(normal(shape), requires_grad=True))
    with pytest.raises(ValueError, match="cholesky"):
        tg.linalg.cholesky(-tg.Tensor(positive_definite((3, 3))))


@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 4), (1, 1)], ids=repr)
@pytest.mark.parametrize("uplo", ["L", "U"])
def test_eigh_and_eigvalsh(shape, uplo):
    a = normal(shape) + 0.1 * np.arange(shape[-1] ** 2).reshape(shape[-2:])  # not symmetric: one triangle is read
    for dtype in (np.float64, np.float32):
        x = a.astype(dtype)
        check_op(lambda t: tg.linalg.eigvalsh(t, uplo), lambda t: torch.linalg.eigvalsh(t, uplo), x, reduce_size=16)
        check_op(lambda t: tg.linalg.eigh(t, uplo).eigenvalues, lambda t: torch.linalg.eigh(t, uplo).eigenvalues, x,
                 reduce_size=16)
        # an eigenvector's sign is arbitrary: compare what does not depend on it
        check_op(lambda t: tg.linalg.eigh(t, uplo).eigenvectors ** 2, lambda t: torch.linalg.eigh(t, uplo).eigenvectors ** 2,
                 x, reduce_size=64, rtol=1e-4 if dtype == np.float32 else None, atol=1e-5 if dtype == np.float32 else None)
    result = tg.linalg.eigh(tg.Tensor(a), uplo)
    assert isinstance(result, tg.return_types.linalg_eigh) and result._fields == ("eigenvalues", "eigenvectors")
    sym = tg.Tensor(a + np.swapaxes(a, -1, -2), requires_grad=True)
    assert tg.gradcheck(lambda t: tg.linalg.eigvalsh(t + t.transpose(-1, -2)), sym)
    assert tg.gradcheck(lambda t: tg.linalg.eigh(t + t.transpose(-1, -2)).eigenvectors ** 2, sym)


@pytest.mark.parametrize("n", [0, 1, 2, 3, 5, -1, -2])
def test_matrix_power(n):
    a = invertible((2, 3, 3))
    check_op(lambda x: tg.linalg.matrix_power(x, n), lambda x: torch.linalg.matrix_power(x, n), a, grad=n != 0)
    if n:
        assert tg.gradcheck(lambda x: tg.linalg.matrix_power(x, n), tg.Tensor(a, requires_grad=True))
    check_op(lambda x: tg.linalg.matrix_power(x, n), lambda x: torch.linalg.matrix_power(x, n),
             np.arange(9).reshape(3, 3) % 4 if n >= 0 else a)  # integer matrices keep their dtype
    with pytest.raises(TypeError, match="matrix_power"):
        tg.linalg.matrix_power(tg.Tensor(a), 1.5)


@pytest.mark.parametrize("shape", [(4, 3), (3, 4), (3, 3), (2, 5, 3), (1, 1), (0, 2, 3)], ids=repr)
def test_svd(shape):
    a = normal(shape)
    for dtype in (np.float64, np.float32):
        x = a.astype(dtype)
        tol = {} if dtype == np.float64 else {"rtol": 1e-4, "atol": 1e-5}
        check_op(lambda t: tg.linalg.svd(t, full_matrices=False).S, lambda t: torch.linalg.svd(t, full_matrices=False).S,
                 x, **tol)
        # a singular vector's sign is arbitrary (torch and numpy may choose differently): compare what does not
        # depend on it, the squared entries and the product U diag(S) Vh
        for part in ("U", "Vh"):
            check_op(lambda t: getattr(tg.linalg.svd(t, False), part) ** 2,
                     lambda t: getattr(torch.linalg.svd(t, False), part) ** 2, x, **tol)
        check_op(lambda t: _rebuilt(tg.linalg.svd(t, False)), lambda t: _rebuilt(torch.linalg.svd(t, False)), x, **tol)
    if 0 not in shape:
        for part in ("U", "Vh"):
            assert tg.gradcheck(lambda t: getattr(tg.linalg.svd(t, full_matrices=False), part) ** 2,
                                tg.Tensor(a, requires_grad=True))


def _rebuilt(usv):
    u, s, vh = usv
    return (u * s.unsqueeze(-2)) @ vh


def test_svd_full_matrices():
    a = normal((4, 2))
    ours, theirs = tg.linalg.svd(tg.Tensor(a)), torch.linalg.svd(to_torch(a))
    assert isinstance(ours, tg.return_types.linalg_svd) and ours._fields == ("U", "S", "Vh")
    for o, t in zip(ours, theirs):
        assert o.shape == tuple(t.shape)
    np.testing.assert_allclose(np.abs(ours.U.numpy()[:, :2]), np.abs(theirs.U.numpy()[:, :2]), rtol=1e-10, atol=1e-12)
    u = tg.linalg.svd(tg.Tensor(a, requires_grad=True)).U  # square U of a tall matrix: no gradient, as torch
    with pytest.raises(RuntimeError, match="full_matrices=False"):
        u.sum().backward()


@pytest.mark.parametrize("shape", [(4, 3), (3, 3), (2, 5, 3), (3, 4), (1, 1), (0, 3, 2)], ids=repr)
@pytest.mark.parametrize("mode", ["reduced", "complete", "r"])
def test_qr(shape, mode):
    a = normal(shape)
    differentiable = mode == "reduced" or (mode == "complete" and shape[-2] == shape[-1])
    grad = differentiable and shape[-2] >= shape[-1]  # wide matrices: no gradient here (see differences)
    for dtype in (np.float64, np.float32):
        x = a.astype(dtype)
        check_op(lambda t: tg.linalg.qr(t, mode).R, lambda t: torch.linalg.qr(t, mode).R, x, grad=grad, reduce_size=16)
        if mode != "r":
            check_op(lambda t: tg.linalg.qr(t, mode).Q, lambda t: torch.linalg.qr(t, mode).Q, x, grad=grad,
                     reduce_size=16)
    if grad and 0 not in shape:
        for part in ("Q", "R"):
            assert tg.gradcheck(lambda t: getattr(tg.linalg.qr(t, mode), part), tg.Tensor(a, requires_grad=True))


def test_qr_gradients_torch_refuses_are_refused():
    for mode in ("r", "complete"):
        with pytest.raises(RuntimeError, match="qr"):
            tg.linalg.qr(tg.Tensor(normal((4, 3)), requires_grad=True), mode).R.sum().backward()
    q = tg.linalg.qr(tg.Tensor(normal((3, 4)), requires_grad=True)).Q
    with pytest.raises(RuntimeError, match="wide"):
        q.sum().backward()
    with pytest.raises(ValueError, match="qr"):
        tg.linalg.qr(tg.ones(2, 2), mode="full")


# ---------------------------------------------------------------- addr, pinv, matrix_rank, lstsq

@pytest.mark.parametrize("beta, alpha", SCALES)
@given(n=sizes, m=sizes, data=st.data())
def test_addr(beta, alpha, n, m, data):
    dtype = data.draw(float_dtypes)
    shape = data.draw(st.sampled_from([(n, m), (m,), (1, m), (n, 1), ()]))
    x, u, v = data.draw(views(shape, dtype)), data.draw(views((n,), dtype)), data.draw(views((m,), dtype))
    check_op(lambda i, p, q: tg.addr(i, p, q, beta=beta, alpha=alpha),
             lambda i, p, q: torch.addr(i, p, q, beta=beta, alpha=alpha), x, u, v)
    check_op(lambda i, p, q: i.addr(p, q, beta=beta, alpha=alpha), lambda i, p, q: i.addr(p, q, beta=beta, alpha=alpha),
             x, u, v)


def low_rank(shape, rank, seed=0):
    return normal(shape[:-1] + (rank,), seed) @ normal(shape[:-2] + (rank, shape[-1]), seed + 1)


@pytest.mark.parametrize("a", [normal((4, 3)), normal((3, 4)), normal((2, 3, 3)), low_rank((4, 3), 2), low_rank((2, 3, 5), 1),
                               np.zeros((2, 3))], ids=["tall", "wide", "batch", "rank 2", "rank 1", "zero"])
def test_pinv_and_matrix_rank(a):
    check_op(lambda x: tg.linalg.pinv(x), lambda x: torch.linalg.pinv(x), a, rtol=1e-8, atol=1e-9)
    check_op(lambda x: tg.linalg.pinv(x, rtol=1e-3), lambda x: torch.linalg.pinv(x, rtol=1e-3), a.astype(np.float32),
             rtol=1e-4, atol=1e-5)
    check_op(lambda x: tg.linalg.matrix_rank(x), lambda x: torch.linalg.matrix_rank(x), a)
    check_op(lambda x: tg.linalg.matrix_rank(x, atol=1.0), lambda x: torch.linalg.matrix_rank(x, atol=1.0), a)
    if np.linalg.matrix_rank(a).min() == min(a.shape[-2:]):  # the gradient exists where the rank is locally constant
        assert tg.gradcheck(lambda x: tg.linalg.pinv(x), tg.Tensor(a, requires_grad=True))


LSTSQ_FIELDS = ("solution", "residuals", "rank", "singular_values")


@pytest.mark.parametrize("a_shape, b_shape", [((5, 3), (5, 2)), ((3, 5), (3, 2)), ((2, 5, 3), (2, 5, 2)), ((5, 3), (5,)),
                                              ((2, 5, 3), (1, 5, 2)), ((2, 5, 3), (2, 5))], ids=repr)
@pytest.mark.parametrize("driver", [None, "gels", "gelsy", "gelsd", "gelss"])
def test_lstsq(a_shape, b_shape, driver):
    if driver == "gels" and a_shape[-2] < a_shape[-1]:
        return  # gels assumes a full-rank tall or square A
    a, b = normal(a_shape), normal(b_shape, 1)
    ours, theirs = tg.linalg.lstsq(tg.Tensor(a), tg.Tensor(b), driver=driver), torch.linalg.lstsq(
        to_torch(a), to_torch(b), driver=driver)
    assert isinstance(ours, tg.return_types.linalg_lstsq) and ours._fields == LSTSQ_FIELDS
    for name, o, t in zip(LSTSQ_FIELDS, ours, theirs):
        assert o.shape == tuple(t.shape) and o.dtype == t.numpy().dtype, name
        np.testing.assert_allclose(o.numpy(), t.numpy(), rtol=1e-9, atol=1e-10, err_msg=name)
    check_op(lambda x, y: tg.linalg.lstsq(x, y, driver=driver).solution,
             lambda x, y: torch.linalg.lstsq(x, y, driver=driver).solution, a, b, rtol=1e-8, atol=1e-9)
    assert tg.gradcheck(lambda x, y: tg.linalg.lstsq(x, y, driver=driver).solution, tg.Tensor(a, requires_grad=True),
                        tg.Tensor(b, requires_grad=True))


def test_lstsq_refuses_what_torch_refuses():
    with pytest.raises(ValueError, match="lstsq"):
        tg.linalg.lstsq(tg.ones(5, 3), tg.ones(2, 5, 1))
    with pytest.raises(ValueError, match="lstsq"):
        tg.linalg.lstsq(tg.ones(5, 3), tg.ones(4, 1))
    with pytest.raises(ValueError, match="lstsq"):
        tg.linalg.lstsq(tg.ones(5, 3), tg.ones(5, 1), driver="magic")


# ---------------------------------------------------------------- solve_triangular, matrix_exp, cond

@pytest.mark.parametrize("upper", [True, False])
@pytest.mark.parametrize("left", [True, False])
@pytest.mark.parametrize("unitriangular", [False, True])
def test_solve_triangular(upper, left, unitriangular):
    a, b = invertible((2, 3, 3)), normal((2, 3, 2) if left else (2, 2, 3), 1)
    call = dict(upper=upper, left=left, unitriangular=unitriangular)
    check_op(lambda x, y: tg.linalg.solve_triangular(x, y, **call), lambda x, y: torch.linalg.solve_triangular(x, y, **call),
             a, b)
    assert tg.gradcheck(lambda x, y: tg.linalg.solve_triangular(x, y, **call), tg.Tensor(a, requires_grad=True),
                        tg.Tensor(b, requires_grad=True))


@pytest.mark.parametrize("shape, scale", [((3, 3), 0.5), ((2, 4, 4), 3.0), ((1, 1), 1.0), ((0, 2, 2), 1.0)], ids=repr)
def test_matrix_exp(shape, scale):
    a = normal(shape) * scale
    check_op(lambda x: tg.linalg.matrix_exp(x), lambda x: torch.linalg.matrix_exp(x), a, rtol=1e-9, atol=1e-9)
    check_op(lambda x: tg.linalg.matrix_exp(x), lambda x: torch.linalg.matrix_exp(x), a.astype(np.float32),
             rtol=1e-4, atol=1e-4)
    if 0 not in shape:
        assert tg.gradcheck(lambda x: tg.linalg.matrix_exp(x), tg.Tensor(a, requires_grad=True))


def test_matrix_exp_of_a_rotation_generator_is_a_rotation():
    theta = 0.7
    out = tg.linalg.matrix_exp(tg.Tensor([[0.0, -theta], [theta, 0.0]], dtype=tg.float64)).numpy()
    np.testing.assert_allclose(out, [[math.cos(theta), -math.sin(theta)], [math.sin(theta), math.cos(theta)]],
                               rtol=1e-14, atol=1e-15)


@pytest.mark.parametrize("p", [None, 2, -2, "fro", "nuc", 1, -1, math.inf, -math.inf], ids=repr)
def test_cond(p):
    a = invertible((2, 3, 3))
    torch_backward_works = p in (None, 2, -2, "nuc")  # torch's fails for the others (an in-place update of inv's output)
    check_op(lambda x: tg.linalg.cond(x, p), lambda x: torch.linalg.cond(x, p), a, rtol=1e-9, atol=1e-9,
             grad=torch_backward_works)
    if p not in (1, -1, math.inf, -math.inf):  # sums of |A| have kinks at 0 and ties in max: no smooth gradient
        assert tg.gradcheck(lambda x: tg.linalg.cond(x, p), tg.Tensor(a, requires_grad=True))
    if p in (None, 2, -2):
        wide = normal((3, 5))
        check_op(lambda x: tg.linalg.cond(x, p), lambda x: torch.linalg.cond(x, p), wide, rtol=1e-9, atol=1e-9)


# ---------------------------------------------------------------- torch's older and method spellings

def test_matrix_power_matrix_exp_pinverse_as_methods_and_functions():
    a = invertible((2, 3, 3))
    for name, args in (("matrix_power", (3,)), ("matrix_power", (-2,)), ("matrix_exp", ()), ("pinverse", ())):
        check_op(lambda x: getattr(tg, name)(x, *args), lambda x: getattr(torch, name)(x, *args), a, rtol=1e-9, atol=1e-9)
        check_op(lambda x: getattr(x, name)(*args), lambda x: getattr(x, name)(*args), a, rtol=1e-9, atol=1e-9)
    check_op(lambda x: x.pinverse(1e-3), lambda x: x.pinverse(1e-3), low_rank((4, 3), 2), rtol=1e-8, atol=1e-9)


@pytest.mark.parametrize("some", [True, False])
@pytest.mark.parametrize("compute_uv", [True, False])
def test_legacy_svd(some, compute_uv):
    a = normal((4, 3))
    ours, theirs = tg.svd(tg.Tensor(a), some, compute_uv), torch.svd(to_torch(a), some, compute_uv)
    assert isinstance(ours, tg.return_types.svd) and ours._fields == ("U", "S", "V")
    for o, t in zip(ours, theirs):
        assert o.shape == tuple(t.shape)
    check_op(lambda x: x.svd(some, compute_uv).S, lambda x: x.svd(some, compute_uv).S, a)
    if compute_uv:  # signs are free: compare |V| and the rebuilt matrix
        np.testing.assert_allclose(np.abs(ours.V.numpy()), np.abs(theirs.V.numpy()), rtol=1e-10, atol=1e-12)
        k = 3
        np.testing.assert_allclose((ours.U.numpy()[:, :k] * ours.S.numpy()) @ ours.V.numpy().T, a, rtol=1e-10,
                                   atol=1e-12)
    else:
        assert not ours.U.numpy().any() and not ours.V.numpy().any()


def test_chain_matmul():
    xs = [normal(s, i) for i, s in enumerate([(2, 3), (3, 4), (4, 2)])]
    with pytest.warns(UserWarning):  # torch's deprecation warning
        check_op(lambda *ts: tg.chain_matmul(*ts), lambda *ts: torch.chain_matmul(*ts), *xs)
    with pytest.raises(ValueError, match="chain_matmul"):
        tg.chain_matmul(tg.ones(3))
