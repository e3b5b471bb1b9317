"""torch's Tensor methods (views, splits, conversions, comparisons by name, Python protocols) against torch.

Values, shapes, dtypes and gradients go through `check_op`; beside parity: which results share
memory with their input (as torch's views do), and the errors torch raises, with our exception
types and the method's name in the message.
"""
import numpy as np
import pytest

from helpers import check_op, to_torch, torch

import tinygrad_lite as tg
from tinygrad_lite import Tensor

RNG = np.random.default_rng(0)
A = RNG.standard_normal((3, 4))
B = RNG.standard_normal((2, 3, 4))
A32 = A.astype(np.float32)


def _cat(parts):
    """Several outputs as one (differentiable on both sides), so check_op can compare them."""
    return (Tensor.cat if isinstance(parts[0], Tensor) else torch.cat)([p.reshape(-1) for p in parts])


# (name, engine fn, torch fn, arrays): one parity case each; gradients where torch has them.
CASES = [
    ("view", lambda x: x.view(4, 3), lambda x: x.view(4, 3), [A]),
    ("view -1", lambda x: x.view(-1, 2), lambda x: x.view(-1, 2), [A]),
    ("view tuple", lambda x: x.view((2, 6)), lambda x: x.view((2, 6)), [A]),
    ("view of transpose, split last", lambda x: x.t().view(2, 2, 3), lambda x: x.t().view(2, 2, 3), [A]),
    ("view_as", lambda x, y: x.view_as(y), lambda x, y: x.view_as(y), [A, A.reshape(2, 6)]),
    ("reshape_as", lambda x, y: x.t().reshape_as(y), lambda x, y: x.t().reshape_as(y), [A, A.reshape(6, 2)]),
    ("expand_as", lambda x, y: x.expand_as(y), lambda x, y: x.expand_as(y), [A[:1], B]),
    ("contiguous of transpose", lambda x: x.t().contiguous(), lambda x: x.t().contiguous(), [A]),
    ("contiguous", lambda x: x.contiguous() * 2, lambda x: x.contiguous() * 2, [A]),
    ("clone", lambda x: x.clone(), lambda x: x.clone(), [A]),
    ("clone of a strided transpose", lambda x: x.t()[::2].clone(), lambda x: x.t()[::2].clone(), [A]),
    ("clone of an expand", lambda x: x.expand(2, 3, 4).clone(), lambda x: x.expand(2, 3, 4).clone(), [A]),
    ("clone int", lambda x: x.clone(), lambda x: x.clone(), [np.arange(6).reshape(2, 3)]),
    ("split int", lambda x: _cat(x.split(3, 1)), lambda x: _cat(x.split(3, 1)), [A]),
    ("split sections", lambda x: _cat(x.split([1, 0, 2], 0)), lambda x: _cat(x.split([1, 0, 2], 0)), [A]),
    ("split last piece", lambda x: x.split(3, -1)[-1], lambda x: x.split(3, -1)[-1], [A]),
    ("chunk", lambda x: x.chunk(3, 1)[1], lambda x: x.chunk(3, 1)[1], [A]),
    ("chunk uneven", lambda x: _cat(x.chunk(4, 0)), lambda x: _cat(x.chunk(4, 0)), [np.arange(6.0)]),
    ("unbind", lambda x: x.unbind(1)[2], lambda x: x.unbind(1)[2], [A]),
    ("unbind all", lambda x: _cat(x.unbind(0)), lambda x: _cat(x.unbind(0)), [B]),
    ("narrow", lambda x: x.narrow(1, 1, 2), lambda x: x.narrow(1, 1, 2), [A]),
    ("narrow negative start", lambda x: x.narrow(-1, -3, 3), lambda x: x.narrow(-1, -3, 3), [A]),
    ("narrow empty", lambda x: x.narrow(0, 3, 0), lambda x: x.narrow(0, 3, 0), [A]),
    ("t", lambda x: x.t(), lambda x: x.t(), [A]),
    ("t 1-d", lambda x: x.t(), lambda x: x.t(), [A[0]]),
    ("t 0-d", lambda x: x.t(), lambda x: x.t(), [np.array(2.0)]),
    ("mT", lambda x: x.mT, lambda x: x.mT, [B]),
    ("unflatten", lambda x: x.unflatten(1, (2, 2)), lambda x: x.unflatten(1, (2, 2)), [A]),
    ("unflatten -1", lambda x: x.unflatten(-1, (-1, 2)), lambda x: x.unflatten(-1, (-1, 2)), [B]),
    ("float", lambda x: x.float(), lambda x: x.float(), [A]),
    ("double", lambda x: x.double(), lambda x: x.double(), [A32]),
    ("half", lambda x: x.half(), lambda x: x.half(), [A32]),
    ("long", lambda x: x.long(), lambda x: x.long(), [A * 3]),
    ("int", lambda x: x.int(), lambda x: x.int(), [A * 3]),
    ("short", lambda x: x.short(), lambda x: x.short(), [A * 3]),
    ("bool", lambda x: x.bool(), lambda x: x.bool(), [np.array([0.0, 1.5, -0.0, np.nan])]),
    ("int to float", lambda x: x.float(), lambda x: x.float(), [np.arange(4)]),
    ("type(dtype)", lambda x: x.type(tg.float32), lambda x: x.type(torch.float32), [A]),
    ("type(name)", lambda x: x.type("torch.LongTensor"), lambda x: x.type("torch.LongTensor"), [A * 3]),
    ("to(dtype)", lambda x: x.to(tg.float32), lambda x: x.to(torch.float32), [A]),
    ("to(device, dtype)", lambda x: x.to("cpu", tg.float16), lambda x: x.to("cpu", torch.float16), [A]),
    ("to(other)", lambda x, y: x.to(y), lambda x, y: x.to(y), [A, A32]),
    ("to(dtype=, device=)", lambda x: x.to(dtype=tg.float32, device="cpu"),
     lambda x: x.to(dtype=torch.float32, device="cpu"), [A]),
    ("to(copy=True)", lambda x: x.to(tg.float64, copy=True), lambda x: x.to(torch.float64, copy=True), [A]),
    ("eq", lambda x, y: x.eq(y), lambda x, y: x.eq(y), [A, np.where(A > 0, A, 0.0)]),
    ("ne scalar", lambda x: x.ne(0.5), lambda x: x.ne(0.5), [np.array([0.5, 1.0])]),
    ("lt", lambda x, y: x.lt(y), lambda x, y: x.lt(y), [A, A[:1]]),
    ("le", lambda x: x.le(0), lambda x: x.le(0), [A]),
    ("gt int", lambda x: x.gt(1), lambda x: x.gt(1), [np.arange(4)]),
    ("ge", lambda x, y: x.ge(y), lambda x, y: x.ge(y), [A, A32]),
    ("masked_fill", lambda x: x.masked_fill(x > 0, -1.5), lambda x: x.masked_fill(x > 0, -1.5), [A]),
    ("masked_fill broadcast mask", lambda x: x.masked_fill(Tensor(np.array([True, False, True, False])), 2.0),
     lambda x: x.masked_fill(torch.tensor([True, False, True, False]), 2.0), [A]),
    ("masked_fill mask broadcasts self", lambda x: x.masked_fill(Tensor(A > 0), 2.0),
     lambda x: x.masked_fill(torch.from_numpy(A > 0), 2.0), [A[0]]),
    ("masked_fill 0-d tensor value", lambda x, v: x.masked_fill(x < 0, v), lambda x, v: x.masked_fill(x < 0, v),
     [A, np.array(0.25)]),
    ("masked_fill int keeps dtype", lambda x: x.masked_fill(x > 1, 2.7), lambda x: x.masked_fill(x > 1, 2.7),
     [np.arange(4)]),
    ("masked_fill float32 with inf", lambda x: x.masked_fill(x > 0, float("-inf")),
     lambda x: x.masked_fill(x > 0, float("-inf")), [A32]),
]


@pytest.mark.parametrize("name, ours, theirs, arrays", CASES, ids=[c[0] for c in CASES])
def test_matches_torch(name, ours, theirs, arrays):
    check_op(ours, theirs, *arrays)


def test_facts():
    x, tx = Tensor(B), to_torch(B)
    assert (x.dim(), x.ndimension(), x.numel()) == (tx.dim(), tx.ndimension(), tx.numel()) == (3, 3, 24)
    assert Tensor(np.array(1.0)).numel() == 1 and Tensor(np.zeros((2, 0))).numel() == 0
    for f in (lambda t: t, lambda t: t.transpose(0, 1), lambda t: t[:, 1:], lambda t: t[:, :1],
              lambda t: t.expand(2, 3, 4) if t.shape[0] == 1 else t[::2]):
        assert f(x).is_contiguous() == f(tx).is_contiguous()


@pytest.mark.filterwarnings("ignore:To copy construct")  # torch's advice on new_tensor(tensor)
def test_new_tensors_take_dtype_and_device_unless_given():
    for source in (A32, np.arange(3), np.array([True])):
        x, tx = Tensor(source), to_torch(source)
        pairs = [(x.new_zeros(2, 3), tx.new_zeros(2, 3)), (x.new_ones((2,)), tx.new_ones((2,))),
                 (x.new_empty(0, 2), tx.new_empty(0, 2)), (x.new_full((2, 2), 3.7), tx.new_full((2, 2), 3.7)),
                 (x.new_tensor([1.5, 2.7]), tx.new_tensor([1.5, 2.7])),
                 (x.new_zeros((), dtype=tg.float64), tx.new_zeros((), dtype=torch.float64)),
                 (x.new_tensor(Tensor([1, 2]), dtype=tg.float16), tx.new_tensor(torch.tensor([1, 2]), dtype=torch.float16))]
        for ours, theirs in pairs:
            assert ours.shape == tuple(theirs.shape) and ours.dtype == theirs.numpy().dtype
            np.testing.assert_array_equal(ours.numpy(), theirs.numpy())  # new_empty is (0, 2): no values
            assert ours.device == x.device and ours.is_leaf and not ours.requires_grad
    grad = Tensor(A32).new_ones(2, requires_grad=True)
    assert grad.requires_grad and grad.is_leaf


def test_new_tensor_is_a_copy():
    data = np.zeros(3, np.float32)
    t = Tensor(A32).new_tensor(data)
    data[0] = 5
    assert t.numpy()[0] == 0


@pytest.mark.parametrize("name, make", [
    ("view", lambda x: x.view(4, 3)), ("view_as", lambda x: x.view_as(x.reshape(-1))),
    ("narrow", lambda x: x.narrow(1, 1, 2)), ("split", lambda x: x.split(2, 1)[1]),
    ("chunk", lambda x: x.chunk(2, 0)[0]), ("unbind", lambda x: x.unbind(1)[3]), ("t", lambda x: x.t()),
    ("mT", lambda x: x.mT), ("unflatten", lambda x: x.unflatten(1, (2, 2))),
    ("contiguous when contiguous", lambda x: x.contiguous()),
])
def test_views_share_memory_as_torch(name, make):
    ours, theirs = Tensor(A.copy()), to_torch(A)
    view, tview = make(ours), make(theirs)
    assert np.shares_memory(view.array, ours.array)
    with tg.no_grad():
        view.fill_(7.0)
    tview.data.fill_(7.0)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


@pytest.mark.filterwarnings("ignore:To copy construct")  # torch's advice on new_tensor(tensor)
@pytest.mark.parametrize("name, make", [
    ("clone", lambda x: x.clone()), ("contiguous of transpose", lambda x: x.t().contiguous()),
    ("to(copy=True)", lambda x: x.to(x.dtype, copy=True)), ("new_tensor", lambda x: x.new_tensor(x)),
])
def test_copies_do_not_share_memory(name, make):
    x = Tensor(A.copy())
    out = make(x)
    assert not np.shares_memory(out.array, x.array)
    assert out.is_contiguous() == make(to_torch(A)).is_contiguous() is True


def test_clone_keeps_the_layout_as_torch():
    for f in (lambda t: t.t(), lambda t: t[:, ::2], lambda t: t, lambda t: t[:1].expand(2, 4),
              lambda t: t.t()[::2], lambda t: t.unsqueeze(1).expand(3, 2, 4).permute(2, 0, 1),
              lambda t: t.unsqueeze(0).permute(2, 0, 1), lambda t: t[:0].t()):
        ours, theirs = f(Tensor(A)).clone(), f(to_torch(A)).clone()
        assert ours.is_contiguous() == theirs.is_contiguous()
        big = [i for i, n in enumerate(theirs.shape) if n != 1]  # a size-1 axis's stride means nothing
        assert not ours.numel() or [ours.array.strides[i] for i in big] == [8 * theirs.stride()[i] for i in big]
        np.testing.assert_array_equal(ours.fill_(1.0).numpy(), np.ones(tuple(theirs.shape)))


def test_same_dtype_conversions_return_self_as_torch():
    x = Tensor(A32)
    tx = to_torch(A32)
    assert (x.float() is x) == (tx.float() is tx) is True
    assert (x.to(tg.float32) is x) and (x.to("cpu") is x) and (x.to(x) is x) and x.contiguous() is x


def test_type_names_match_torch():
    for dtype in (np.float32, np.float64, np.float16, np.int64, np.int32, np.int16, np.int8, np.uint8, np.bool_):
        array = np.zeros(2, dtype)
        assert Tensor(array).type() == to_torch(array).type()


def test_view_refuses_what_needs_a_copy():
    x, tx = Tensor(A), to_torch(A)
    with pytest.raises(RuntimeError, match="view.*reshape"):
        x.t().view(-1)
    with pytest.raises(RuntimeError, match="view size is not compatible"):
        tx.t().view(-1)
    with pytest.raises(RuntimeError, match="view_as"):
        x.t().view_as(Tensor(np.zeros(12)))
    np.testing.assert_array_equal(x.t().reshape(-1).numpy(), tx.t().reshape(-1).numpy())


@pytest.mark.parametrize("name, call, error, word", [
    ("view wrong size", lambda x: x.view(5, 2), ValueError, "view"),
    ("view two -1", lambda x: x.view(-1, -1), ValueError, "view"),
    ("view float size", lambda x: x.view(2.0, 6), TypeError, "view"),
    ("view not a dtype", lambda x: x.view("wide"), TypeError, "view"),
    ("view_as not a tensor", lambda x: x.view_as((3, 4)), TypeError, "view_as"),
    ("reshape_as wrong size", lambda x: x.reshape_as(Tensor(np.zeros(5))), ValueError, "reshape_as"),
    ("expand_as too small", lambda x: x.expand_as(Tensor(np.zeros(4))), ValueError, "expand_as"),
    ("split sections sum", lambda x: x.split([1, 1], 0), ValueError, "split"),
    ("split size 0", lambda x: x.split(0, 0), ValueError, "split"),
    ("split dim", lambda x: x.split(1, 2), IndexError, "split"),
    ("split float", lambda x: x.split(1.5), TypeError, "split"),
    ("chunk 0", lambda x: x.chunk(0), ValueError, "chunk"),
    ("chunk dim", lambda x: x.chunk(2, -3), IndexError, "chunk"),
    ("unbind dim", lambda x: x.unbind(2), IndexError, "unbind"),
    ("narrow past end", lambda x: x.narrow(0, 2, 2), ValueError, "narrow"),
    ("narrow start", lambda x: x.narrow(0, 4, 0), IndexError, "narrow"),
    ("narrow negative length", lambda x: x.narrow(0, 0, -1), ValueError, "narrow"),
    ("t 3-d", lambda x: x.unsqueeze(0).t(), ValueError, "t:"),
    ("mT 1-d", lambda x: x[0].mT, ValueError, "mT"),
    ("unflatten product", lambda x: x.unflatten(1, (3, 2)), ValueError, "unflatten"),
    ("unflatten empty", lambda x: x.unflatten(1, ()), TypeError, "unflatten"),
    ("new_full int size", lambda x: x.new_full(3, 1.0), TypeError, "new_full"),
    ("new_zeros negative", lambda x: x.new_zeros(-1, 2), ValueError, "new_zeros"),
    ("new_ones bad dtype", lambda x: x.new_ones(2, dtype="nope"), TypeError, "new_ones"),
    ("to unknown device", lambda x: x.to("tpu"), ValueError, "Tensor.to"),
    ("to None", lambda x: x.to(None), TypeError, "Tensor.to"),
    ("to three positionals", lambda x: x.to("cpu", tg.float32, tg.float32), TypeError, "Tensor.to"),
    ("type unknown name", lambda x: x.type("torch.NopeTensor"), TypeError, "type"),
    ("eq None", lambda x: x.eq(None), TypeError, "eq"),
    ("lt string", lambda x: x.lt("a"), TypeError, "lt"),
    ("gt broadcast", lambda x: x.gt(Tensor(np.zeros(3))), ValueError, "gt"),
    ("masked_fill int mask", lambda x: x.masked_fill(Tensor(np.ones((3, 4), np.int64)), 1.0), TypeError, "masked_fill"),
    ("masked_fill 1-d value", lambda x: x.masked_fill(x > 0, Tensor(np.ones(2))), ValueError, "masked_fill"),
    ("masked_fill string value", lambda x: x.masked_fill(x > 0, "a"), TypeError, "masked_fill"),
    ("masked_fill mask shape", lambda x: x.masked_fill(Tensor(np.ones(3, bool)), 1.0), ValueError, "masked_fill"),
    ("masked_fill nan into int", lambda x: x.long().masked_fill(x > 0, float("nan")), (ValueError, TypeError),
     "masked_fill"),
    ("contains string", lambda x: "a" in x, TypeError, "contains"),
    ("format spec of a matrix", lambda x: format(x, ".2f"), TypeError, "format"),
])
def test_errors_name_the_method(name, call, error, word):
    with pytest.raises(error, match=word):
        call(Tensor(A))


def test_torch_raises_where_we_raise():
    """The same calls are errors in torch too (the exception types differ by design: ValueError for shapes)."""
    tx = to_torch(A)
    for call in (lambda x: x.split([1, 1], 0), lambda x: x.narrow(0, 2, 2), lambda x: x.unsqueeze(0).t(),
                 lambda x: x[0].mT, lambda x: x.unflatten(1, (3, 2)), lambda x: x.chunk(0),
                 lambda x: x.masked_fill(torch.ones(3, 4, dtype=torch.int64), 1.0), lambda x: "a" in x,
                 lambda x: format(x, ".2f"), lambda x: iter(x[0, 0])):
        with pytest.raises((RuntimeError, TypeError, ValueError, IndexError)):
            call(tx)


def test_masked_fill_gradient_reaches_the_value():
    x, v = Tensor(A, requires_grad=True), Tensor(np.array(0.5), requires_grad=True)
    tx, tv = to_torch(A, True), to_torch(np.array(0.5), True)
    x.masked_fill(x > 0, v).sum().backward()
    tx.masked_fill(tx > 0, tv).sum().backward()
    np.testing.assert_allclose(v.grad.numpy(), tv.grad.numpy())
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy())


def test_integer_conversions_drop_out_of_the_graph_as_torch():
    x, tx = Tensor(A, requires_grad=True), to_torch(A, True)
    for f in (lambda t: t.long(), lambda t: t.bool(), lambda t: t.int()):
        assert f(x).requires_grad == f(tx).requires_grad is False


def test_grad_fn_and_detach_():
    x, tx = Tensor(A, requires_grad=True), to_torch(A, True)
    assert x.grad_fn is None and tx.grad_fn is None
    y, ty = x * 2, tx * 2
    assert y.grad_fn is not None and ty.grad_fn is not None
    assert "Mul" in repr(y.grad_fn) and "Mul" in y.grad_fn.name() and "Mul" in ty.grad_fn.name()
    assert y.grad_fn == y.grad_fn
    assert y.detach_() is y and ty.detach_() is ty
    assert (y.grad_fn, y.requires_grad, y.is_leaf) == (ty.grad_fn, ty.requires_grad, ty.is_leaf) == (None, False, True)
    with tg.no_grad():
        assert (x * 2).grad_fn is None
    for view in (lambda t: t[0], lambda t: t.view(12), lambda t: t.t(), lambda t: t.narrow(0, 0, 1)):
        with pytest.raises(RuntimeError, match="detach_.*detach()"):
            view(x).detach_()
        with pytest.raises(RuntimeError, match="detach views in-place"):
            view(tx).detach_()
    assert x.reshape(2, 6).reshape(4, 3).sum().detach_().is_leaf  # a reduction's result is no view


def test_iteration_and_membership():
    x, tx = Tensor(B), to_torch(B)
    rows = list(x)
    assert len(rows) == 2
    for ours, theirs in zip(rows, tx):
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    with pytest.raises(TypeError, match="iteration over a 0-d tensor"):
        iter(Tensor(np.array(1.0)))
    assert [r.item() for r in Tensor(np.arange(3))] == [0, 1, 2]
    for element in (B[1, 2, 3], 1e9, Tensor(B[0, 0]), Tensor(np.array(5.0))):
        theirs = element if not isinstance(element, Tensor) else to_torch(element.numpy())
        assert (element in x) == (theirs in tx)
    g = Tensor(A, requires_grad=True)
    assert sum(row.sum() for row in g).requires_grad  # iteration keeps the graph, as torch's


def test_format_matches_torch():
    for value in (1.23456, -0.5, 3):
        array = np.array(value)
        for spec in (".2f", "", ">10", "e"):
            if isinstance(value, int) and spec in (".2f", "e"):
                continue
            assert format(Tensor(array), spec) == format(to_torch(array), spec)
    assert f"{Tensor(np.array(2.5)):.1f}" == "2.5"
    assert format(Tensor(A), "") == str(Tensor(A))


def test_contiguous_and_clone_gradients_pass_through():
    x = Tensor(A, requires_grad=True)
    y = x.t().contiguous()
    (y * Tensor(A.T)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), A)
    c = x.clone()
    assert c.grad_fn is not None and not np.shares_memory(c.array, x.array)


def test_devices_as_torch_spells_them():
    x = Tensor(A32, requires_grad=True)
    assert x.to(tg.device("cpu")) is x and x.to("cpu:0") is x
    moved = x.to("interp", tg.float64)
    assert (moved.device, moved.dtype) == ("interp", np.float64)
    back = moved.to(x)
    assert (back.device, back.dtype) == ("cpu", np.float32)
    (back * 3).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.full(A.shape, 3, np.float32))
    assert x.new_zeros(2, device="interp").device == "interp"


# ---- properties over shapes and memory layouts ------------------------------------------

from hypothesis import given, strategies as st  # noqa: E402

from strategies import shapes  # noqa: E402


@st.composite
def laid_out(draw):
    """(engine tensor, torch tensor) with the same values and the same kind of layout:
    a permutation of the axes, then a step along the first."""
    shape = draw(shapes(min_dims=1, max_dims=4, min_side=0))
    perm = draw(st.permutations(range(len(shape))))
    step = draw(st.integers(1, 2))
    base = np.arange(np.prod(shape), dtype=np.float64).reshape(shape)
    ours, theirs = Tensor(base).permute(perm)[::step], to_torch(base).permute(perm)[::step]
    return ours, theirs


@given(laid_out(), st.data())
def test_view_copies_never_and_refuses_as_torch(pair, data):
    ours, theirs = pair
    n, shape = ours.numel(), ours.shape
    targets = [(-1,), shape[::-1], (n, 1), shape[:1] + (-1,) if shape else (-1,)]
    if len(shape) >= 2:
        targets.append((shape[0] * shape[1],) + shape[2:])
    target = data.draw(st.sampled_from(targets))
    try:
        expected = theirs.view(target)
    except RuntimeError as e:  # the strides refuse (RuntimeError), or the shape does (ValueError here)
        with pytest.raises(RuntimeError if "stride" in str(e) else ValueError, match="view"):
            ours.view(target)
        return
    got = ours.view(target)
    assert got.shape == tuple(expected.shape) and (n == 0 or np.shares_memory(got.array, ours.array))
    np.testing.assert_array_equal(got.numpy(), expected.numpy())
    assert got.is_contiguous() == expected.is_contiguous() and ours.is_contiguous() == theirs.is_contiguous()


@given(laid_out(), st.data())
def test_split_chunk_unbind_match_torch(pair, data):
    ours, theirs = pair
    dim = data.draw(st.integers(-ours.ndim, ours.ndim - 1))
    n = ours.shape[dim]
    size, chunks = data.draw(st.integers(1, n + 1)), data.draw(st.integers(1, n + 2))
    sections = data.draw(st.lists(st.integers(0, n), min_size=1, max_size=3).filter(lambda s: sum(s) <= n))
    sections = sections + [n - sum(sections)]
    for f in (lambda t: t.split(size, dim), lambda t: t.chunk(chunks, dim), lambda t: t.unbind(dim),
              lambda t: t.split(sections, dim)):
        got, expected = f(ours), f(theirs)
        assert len(got) == len(expected)
        for g, e in zip(got, expected):
            assert g.shape == tuple(e.shape)
            np.testing.assert_array_equal(g.numpy(), e.numpy())
            assert not g.numel() or np.shares_memory(g.array, ours.array)


@pytest.mark.parametrize("dtype, data", [(np.int64, [float("nan")]), (np.int64, [1e30]), (np.int64, [-float("inf")]),
                                         (np.int8, [200.0]), (np.int32, [1.0, -3e9])])
def test_new_tensor_refuses_floats_an_integer_dtype_cannot_hold(dtype, data):
    with pytest.raises(RuntimeError):
        to_torch(np.zeros(2, dtype)).new_tensor(data)
    with pytest.raises(ValueError, match="new_tensor"):
        Tensor(np.zeros(2, dtype)).new_tensor(data)


def test_new_tensor_refuses_two_to_the_63_into_int64():
    """torch wraps 2.0**63 to -2**63 here (a silent wrong answer); the engine refuses it."""
    with pytest.raises(ValueError, match="new_tensor"):
        Tensor(np.zeros(2, np.int64)).new_tensor([2.0 ** 63])
    assert Tensor(np.zeros(2, np.int64)).new_tensor([2.0 ** 62]).item() == 2 ** 62


def test_methods_on_every_device(device):
    """The methods keep a tensor on its device, and gradients come back to it."""
    x = Tensor(A, requires_grad=True, device=device)
    pieces = x.t().contiguous().split([1, 3], 0) + x.chunk(2, 1) + (x.view(2, 6).view_as(x), x.narrow(0, 1, 1),
                                                                    x.clone(), x.masked_fill(x > 0, 0.5).mT)
    assert all(p.device == device for p in pieces) and x.new_zeros(2).device == device
    assert x.t().contiguous().is_contiguous() and x.to(tg.float32).device == device
    sum(p.sum() for p in pieces).backward()
    tx = to_torch(A, True)
    tpieces = tx.t().contiguous().split([1, 3], 0) + tx.chunk(2, 1) + (tx.view(2, 6).view_as(tx), tx.narrow(0, 1, 1),
                                                                        tx.clone(), tx.masked_fill(tx > 0, 0.5).mT)
    sum(p.sum() for p in tpieces).backward()
    assert x.grad.device == device
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy())


@given(laid_out())
def test_clone_layout_matches_torch(pair):
    ours, theirs = pair
    c, tc = ours.clone(), theirs.clone()
    big = [i for i, n in enumerate(tc.shape) if n != 1]
    assert c.is_contiguous() == tc.is_contiguous()
    assert not c.numel() or [c.array.strides[i] for i in big] == [8 * tc.stride()[i] for i in big]
    np.testing.assert_array_equal(c.numpy(), tc.numpy())


def test_data_is_a_detached_tensor_sharing_memory_as_torch():
    ours, theirs = Tensor(A.copy(), requires_grad=True), to_torch(A).requires_grad_(True)
    (ours * ours).sum().backward()
    (theirs * theirs).sum().backward()
    for x in (ours, theirs):
        d = x.data
        assert not d.requires_grad and d.grad_fn is None and d.is_leaf
        x.data -= 0.1 * x.grad  # the optimizer's update: allowed outside no_grad, not recorded
        x.data.mul_(2.0)
    np.testing.assert_allclose(ours.numpy(), theirs.detach().numpy(), rtol=1e-6)
    assert ours.requires_grad and np.shares_memory(ours.data.array, ours.array)


def test_assigning_data_replaces_the_values_as_torch():
    ours, theirs = Tensor(A.copy(), requires_grad=True), to_torch(A).requires_grad_(True)
    ours.data, theirs.data = Tensor(np.ones(5)), torch.ones(5, dtype=torch.float64)
    assert ours.shape == tuple(theirs.shape) and ours.requires_grad and theirs.requires_grad
    np.testing.assert_array_equal(ours.numpy(), theirs.detach().numpy())
    with pytest.raises(TypeError, match="data"):
        ours.data = np.zeros(3)
    with pytest.raises(TypeError, match="data"):
        ours.data = Tensor([1, 2])


def test_size_is_a_method_as_torch():
    ours, theirs = Tensor(A), to_torch(A)
    assert ours.size() == theirs.size() and ours.size(-1) == theirs.size(-1) and ours.size(0) == theirs.size(0)
    assert ours.size().numel() == theirs.size().numel() == ours.numel()
    assert ours.size()[1:] == theirs.size()[1:] and isinstance(ours.size()[1:], tg.Size)
    with pytest.raises(IndexError, match="size"):
        ours.size(A.ndim)
    with pytest.raises(IndexError, match="size"):
        Tensor(1.0).size(0)


@pytest.mark.parametrize("name, args", [("neg", ()), ("negative", ()), ("positive", ()), ("pow", (2.5,)),
                                         ("pow", (A[0] ** 2,)), ("float_power", (3,))])
def test_sign_and_power_methods_match_torch(name, args):
    base = np.abs(A) + 0.5  # pow with a fractional exponent needs a positive base
    check_op(lambda t: getattr(t, name)(*[Tensor(a) if isinstance(a, np.ndarray) else a for a in args]),
             lambda t: getattr(t, name)(*[torch.tensor(a) if isinstance(a, np.ndarray) else a for a in args]), base)
    check_op(lambda t: getattr(tg, name)(t, *args) if args and not isinstance(args[0], np.ndarray) else
             getattr(tg, name)(t), lambda t: getattr(torch, name)(t, *args) if args and not
             isinstance(args[0], np.ndarray) else getattr(torch, name)(t), base) if name != "pow" else None


@pytest.mark.parametrize("dtype", [tg.int32, tg.float16, tg.int64, tg.uint8, tg.float32])
def test_view_as_another_dtype_reads_the_same_bytes_as_torch(dtype):
    ours, theirs = Tensor(A.astype(np.float32)), torch.tensor(A.astype(np.float32))
    got, expected = ours.view(dtype), theirs.view(getattr(torch, np.dtype(dtype).name))
    assert got.shape == tuple(expected.shape)
    np.testing.assert_array_equal(got.numpy(), expected.numpy())
    assert np.shares_memory(got.array, ours.array)
    with pytest.raises(RuntimeError, match="view"):
        ours.T.view(tg.float16)  # the last axis is not contiguous


def test_where_as_a_method_takes_the_tensor_as_the_true_branch_as_torch():
    cond = A > 0
    check_op(lambda t, o: t.where(Tensor(cond), o), lambda t, o: t.where(torch.tensor(cond), o), A, A.T.copy().T * 2)
    check_op(lambda t: t.where(Tensor(cond), 0.5), lambda t: t.where(torch.tensor(cond), 0.5), A)
    check_op(lambda t: Tensor.where(Tensor(cond), t, -t), lambda t: torch.where(torch.tensor(cond), t, -t), A)
