"""torch's free functions (tg.sum, tg.mm, tg.add, ...) against torch's functions of the same names.

One table of calls, each compared with check_op (values, dtype, gradients of every input); the
axis= spellings are compared with torch's dim=. A second table checks that every function refuses
a list or a numpy array as `input` with a TypeError naming itself, as torch's do.
"""
import math

import numpy as np
import pytest
from hypothesis import given, strategies as st

from helpers import check_op, check_raises, to_torch, torch
from strategies import broadcast_pair, float_dtypes, grid_values, views

import tinygrad_lite as tg
from tinygrad_lite import functions

RNG = np.random.default_rng(0)


def f64(*shape, low=-2.0, high=2.0):
    return RNG.uniform(low, high, shape)


def away(*shape):
    """Values at least 0.1 away from 0 (no ties at the kinks of abs and relu)."""
    values = RNG.uniform(0.1, 2.0, shape)
    return values * RNG.choice([-1.0, 1.0], shape)


def ints(*shape):
    return RNG.integers(-3, 4, shape).astype(np.int64)


TORCH_DTYPES = {tg.float32: torch.float32, tg.float64: torch.float64, tg.int64: torch.int64}


def _torch_kwargs(kwargs):
    """The same call for torch: axis= spelled dim=, engine dtypes as torch's."""
    renamed = {"axis": "dim", "axis0": "dim0", "axis1": "dim1"}
    return {renamed.get(k, k): TORCH_DTYPES.get(v, v) if k == "dtype" else v for k, v in kwargs.items()}


def case(name, *arrays, pick=None, reduce_size=1, id=None, **kwargs):
    """One call of `name` on `arrays` (numpy arrays, or numbers passed through) with `kwargs`."""
    return pytest.param(name, arrays, kwargs, pick, reduce_size, id=id or name)


CASES = [
    case("exp", f64(3, 4)), case("log", f64(3, 4, low=0.1)), case("sqrt", f64(3, 4, low=0.1)),
    case("abs", away(3, 4)), case("tanh", f64(3, 4)), case("sigmoid", f64(3, 4)), case("relu", away(3, 4)),
    case("neg", f64(3, 4)), case("exp", f64(3).astype(np.float32), id="exp-float32"),
    case("exp", ints(3, 4), id="exp-int"), case("sigmoid", ints(3, 4) > 0, id="sigmoid-bool"),
    case("relu", ints(3, 4), id="relu-int"), case("abs", ints(3, 4), id="abs-int"), case("neg", ints(3, 4), id="neg-int"),
    case("tanh", f64(3, 4).astype(np.float16), id="tanh-float16"),
    case("sum", ints(3, 4) > 0, dim=1, id="sum-bool"), case("amax", ints(3, 4), axis=1, id="amax-int"),
    case("mean", f64(3, 4).astype(np.float32), dim=0, reduce_size=3, id="mean-float32"),
    case("maximum", f64(3, 4).astype(np.float32), f64(4), id="maximum-promotes"),
    case("mul", f64(3, 4).astype(np.float16), 3.5, id="mul-float16-number"),
    case("softmax", f64(3, 4), dim=1, reduce_size=4), case("softmax", f64(3, 4), axis=0, id="softmax-axis"),
    case("softmax", f64(3, 4), dim=-1, dtype=tg.float32, id="softmax-dtype", reduce_size=4),
    case("log_softmax", f64(3, 4), dim=-1, reduce_size=4), case("log_softmax", f64(3, 4), axis=0, id="log_softmax-axis"),
    case("matmul", f64(2, 3), f64(3, 4), reduce_size=3), case("matmul", f64(3), f64(2, 3, 4), id="matmul-1d", reduce_size=3),
    case("mm", f64(2, 3), f64(3, 4), reduce_size=3), case("bmm", f64(2, 3, 4), f64(2, 4, 5), reduce_size=4),
    case("flatten", f64(2, 3, 4), start_dim=1), case("flatten", f64(2, 3, 4), id="flatten-all"),
    case("reshape", f64(2, 3), shape=(3, 2)), case("reshape", f64(2, 3), (-1,), id="reshape-positional"),
    case("transpose", f64(2, 3, 4), 0, 2), case("transpose", f64(2, 3), axis0=0, axis1=1, id="transpose-axis"),
    case("permute", f64(2, 3, 4), (2, 0, 1)), case("t", f64(2, 3)), case("t", f64(3), id="t-1d"),
    case("squeeze", f64(2, 1, 3)), case("squeeze", f64(2, 1, 3), dim=1, id="squeeze-dim"),
    case("squeeze", f64(2, 1, 3), axis=1, id="squeeze-axis"),
    case("unsqueeze", f64(2, 3), dim=1), case("unsqueeze", f64(2, 3), axis=-1, id="unsqueeze-axis"),
    case("sum", f64(3, 4), reduce_size=12), case("sum", f64(3, 4), dim=1, reduce_size=4, id="sum-dim"),
    case("sum", f64(3, 4), axis=0, keepdim=True, reduce_size=3, id="sum-axis-keepdim"),
    case("sum", ints(3, 4), dim=(0, 1), id="sum-int"),
    case("sum", f64(3, 4), 1, dtype=tg.float32, reduce_size=4, id="sum-dtype"),
    case("mean", f64(3, 4), dim=1, reduce_size=4), case("mean", f64(3, 4), axis=0, id="mean-axis", reduce_size=3),
    case("max", f64(3, 4)), case("max", f64(3, 4), dim=1, pick=0, id="max-dim-values"),
    case("max", f64(3, 4), axis=1, keepdim=True, pick=1, id="max-axis-indices"),
    case("max", f64(3, 4), f64(3, 4), id="max-other"),
    case("min", f64(3, 4)), case("min", f64(3, 4), 0, pick=0, id="min-dim-values"),
    case("amax", f64(3, 4), dim=(0, 1)), case("amax", f64(3, 4), axis=1, id="amax-axis"),
    case("amin", f64(3, 4), dim=0), case("amin", f64(3, 4), axis=-1, keepdim=True, id="amin-axis"),
    case("argmax", f64(3, 4)), case("argmax", f64(3, 4), dim=1, id="argmax-dim"),
    case("argmin", f64(3, 4), axis=0, id="argmin-axis"),
    case("var", f64(3, 4), reduce_size=12), case("var", f64(3, 4), dim=1, correction=0, id="var-dim", reduce_size=4),
    case("var", f64(3, 4), 0, False, True, id="var-unbiased-positional", reduce_size=3),
    case("var", f64(3, 4), axis=1, id="var-axis", reduce_size=4),
    case("logsumexp", f64(3, 4), dim=1, reduce_size=4),
    case("logsumexp", f64(3, 4), axis=0, keepdim=True, id="logsumexp-axis", reduce_size=3),
    case("maximum", f64(3, 4), f64(4)), case("minimum", f64(3, 4), f64(3, 1)),
    case("clamp", f64(3, 4), min=-0.5, max=0.5), case("clamp", ints(3, 4), max=1, id="clamp-int"),
    case("clip", f64(3, 4), min=-0.5), case("clip", f64(3, 4), -0.5, 0.5, id="clip-positional"),
    case("clamp", f64(3, 4), f64(4, low=-1, high=0), f64(3, 1, low=0, high=1), id="clamp-tensors"),
    case("clamp", np.array([1.0, np.nan, 3.0, 2.0]), np.array([2.0, 0.0, np.nan, 2.0]), None, id="clamp-tensor-nan"),
    case("clip", f64(3, 4), None, f64(3, 4), id="clip-tensor-max"),
    case("clamp", f64(3, 4).astype(np.float32), f64(4), id="clamp-tensor-promotes"),
    case("clamp", ints(3, 4), ints(4) > 0, id="clamp-bool-bound"), case("clamp", ints(4) > 0, ints(4) > 1, id="clamp-bool"),
    case("pow", f64(3, 4, low=0.1), f64(3, 4)), case("pow", f64(3, 4), 2, id="pow-number-exponent"),
    case("pow", 2.0, f64(3, 4), id="pow-number-base"),
    case("add", f64(3, 4), f64(4)), case("add", f64(3, 4), f64(3, 4), alpha=-2.5, id="add-alpha"),
    case("add", ints(3, 4), ints(3, 4), alpha=3, id="add-int-alpha"),
    case("add", f64(3, 4), 1.5, alpha=2, id="add-number-alpha"), case("add", 1.5, f64(3, 4), id="add-number-input"),
    case("add", ints(3, 4) > 0, ints(3, 4) > 0, alpha=2, id="add-bool-alpha"),
    case("add", f64(3, 4), ints(3, 4), alpha=2.5, id="add-int-other-float-alpha"),
    case("sub", f64(3, 4), f64(4)), case("sub", f64(3, 4), f64(3, 4), alpha=0.5, id="sub-alpha"),
    case("sub", 2, f64(3, 4), id="sub-number-input"),
    case("mul", f64(3, 4), f64(3, 1)), case("mul", 3, f64(3, 4), id="mul-number-input"),
    case("div", f64(3, 4), away(4)), case("div", ints(3, 4), 2, id="div-int"),
    case("div", 1.0, away(3, 4), id="div-number-input"),
    case("eq", ints(3, 4), ints(3, 4)), case("ne", ints(3, 4), 1), case("lt", f64(3, 4), f64(4)),
    case("le", ints(3, 4), ints(4)), case("gt", f64(3, 4), 0.5), case("ge", ints(3, 4), ints(3, 4)),
    case("full_like", f64(3, 4), 2.5), case("full_like", ints(3, 4), 2.5, id="full_like-int-truncates"),
    case("full_like", f64(3, 4), 7, dtype=tg.int64, id="full_like-dtype"),
]


@pytest.mark.parametrize("name, arrays, kwargs, pick, reduce_size", CASES)
def test_function_matches_torch(name, arrays, kwargs, pick, reduce_size):
    def ours(*args):
        result = getattr(tg, name)(*args, **kwargs)
        return result if pick is None else result[pick]

    def theirs(*args):
        result = getattr(torch, name)(*args, **_torch_kwargs(kwargs))
        return result if pick is None else result[pick]

    check_op(ours, theirs, *arrays, reduce_size=reduce_size)


def test_numel_matches_torch():
    x = f64(3, 4, 0)
    assert tg.numel(tg.Tensor(x)) == torch.numel(to_torch(x)) == 0
    assert tg.numel(tg.Tensor(f64(3, 4))) == 12
    assert isinstance(tg.numel(tg.Tensor(f64(3, 4))), int)


def test_every_function_is_exported_by_the_package():
    for name in functions.__all__:
        assert getattr(tg, name) is getattr(functions, name), name
        assert name in tg.__all__, name
        assert hasattr(torch, name), f"{name} is not one of torch's functions"


# The arguments after `input` that make a valid call of each function (numpy arrays become tensors).
REST = {"matmul": (f64(4, 2),), "mm": (f64(4, 2),), "bmm": (f64(3, 4, 2),), "reshape": ((12,),),
        "transpose": (0, 1), "permute": ((1, 0, 2),), "unsqueeze": (0,), "softmax": (0,), "log_softmax": (0,),
        "logsumexp": (0,), "maximum": (f64(3, 4),), "minimum": (f64(3, 4),), "pow": (f64(3, 4),),
        "add": (f64(3, 4),), "sub": (f64(3, 4),), "mul": (f64(3, 4),), "div": (f64(3, 4),),
        "eq": (f64(3, 4),), "ne": (f64(3, 4),), "lt": (f64(3, 4),), "le": (f64(3, 4),), "gt": (f64(3, 4),),
        "ge": (f64(3, 4),), "full_like": (1.0,), "clamp": (0.0,), "clip": (0.0,), "t": (), "lerp": (f64(3, 4), 0.5)}


@pytest.mark.parametrize("bad", ["list", "ndarray"])
@pytest.mark.parametrize("name", functions.__all__)
def test_every_function_refuses_a_non_tensor_input(name, bad):
    value = f64(3, 4) if name != "bmm" else f64(2, 3, 4)
    value = value[0] if name == "t" else value
    value = value.tolist() if bad == "list" else value
    rest = REST.get(name, ())
    with pytest.raises(TypeError):
        getattr(torch, name)(value, *[to_torch(r) if isinstance(r, np.ndarray) else r for r in rest])
    with pytest.raises(TypeError, match=rf"^{name}: argument 'input' must be a Tensor, not "):
        getattr(tg, name)(value, *[tg.Tensor(r) if isinstance(r, np.ndarray) else r for r in rest])


@pytest.mark.parametrize("name, a, b, error", [
    ("mm", f64(2, 3, 4), f64(4, 2), ValueError), ("mm", f64(3), f64(3, 2), ValueError),
    ("mm", f64(2, 3), f64(4, 2), ValueError), ("mm", f64(2, 3), f64(3, 2).astype(np.float32), TypeError),
    ("bmm", f64(2, 3), f64(3, 2), ValueError), ("bmm", f64(2, 3, 4), f64(3, 4, 2), ValueError),
    ("bmm", f64(2, 3, 4), f64(2, 5, 2), ValueError),
])
def test_mm_and_bmm_refuse_what_torch_refuses(name, a, b, error):
    check_raises(getattr(tg, name), getattr(torch, name), a, b, error=error, match=rf"^{name}: ")


def test_t_refuses_three_dimensions():
    check_raises(tg.t, torch.t, f64(2, 3, 4), error=ValueError, match="^t: ")


@pytest.mark.parametrize("a, b", [(ints(3), ints(3)), (ints(3) > 0, ints(3) > 0)], ids=["int", "bool"])
@pytest.mark.parametrize("name", ["add", "sub"])
def test_add_and_sub_refuse_a_float_alpha_for_integers(name, a, b):
    check_raises(lambda a, b: getattr(tg, name)(a, b, alpha=0.5),
                 lambda a, b: getattr(torch, name)(a, b, alpha=0.5), a, b, error=TypeError, match=name)


@pytest.mark.parametrize("alpha", [1, 2, 0.5])
def test_sub_refuses_a_bool_tensor_whatever_alpha(alpha):
    check_raises(lambda a, b: tg.sub(a, b, alpha=alpha), lambda a, b: torch.sub(a, b, alpha=alpha),
                 f64(3), ints(3) > 0, error=TypeError, match="^sub: ")


@pytest.mark.parametrize("name", ["add", "sub"])
def test_add_and_sub_refuse_a_bool_alpha_for_numbers(name):
    check_raises(lambda a, b: getattr(tg, name)(a, b, alpha=True),
                 lambda a, b: getattr(torch, name)(a, b, alpha=True), f64(3), f64(3), error=TypeError, match=name)


@pytest.mark.parametrize("name", ["add", "sub"])
@given(data=st.data())
def test_alpha_broadcasts_like_torch(name, data):
    dtype = data.draw(float_dtypes)
    shape_a, shape_b = data.draw(broadcast_pair())
    a, b = data.draw(views(shape_a, dtype)), data.draw(views(shape_b, dtype))
    alpha = data.draw(st.sampled_from([-2, 0.5, 3.0]))
    check_op(lambda a, b: getattr(tg, name)(a, b, alpha=alpha), lambda a, b: getattr(torch, name)(a, b, alpha=alpha),
             a, b, reduce_size=math.prod(np.broadcast_shapes(shape_a, shape_b)))


@given(data=st.data())
def test_clamp_tensor_bounds_broadcast_and_tie_like_torch(data):
    """Values on a coarse grid: ties between input and bounds, and empty bounds, are common."""
    dtype = data.draw(float_dtypes)
    shape_x, shape_bound = data.draw(broadcast_pair())
    x = data.draw(grid_values(shape_x, dtype))
    lo, hi = data.draw(grid_values(shape_bound, dtype)), data.draw(grid_values(shape_bound, dtype))
    check_op(tg.clamp, torch.clamp, x, lo, hi, reduce_size=math.prod(np.broadcast_shapes(shape_x, shape_bound)))


@pytest.mark.parametrize("name", ["clamp", "clip"])
def test_clamp_needs_a_bound(name):
    check_raises(getattr(tg, name), getattr(torch, name), f64(3), error=ValueError, match=rf"^{name}: ")


def test_clamp_tensor_bounds_ties_and_refusals():
    """Ties route the gradient as torch's: to input at a tie with a bound (and at x == lo == hi), to hi
    when lo > hi, to nobody when x < lo == hi. torch refuses a number beside a Tensor bound."""
    x = np.array([1.0, 2.0, 3.0, 2.5, -1.0, 0.0, 1.0, 0.5, 2.0])
    lo = np.array([2.0, 2.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0])
    hi = np.array([2.5, 2.5, 2.5, 2.5, 0.0, 0.0, 0.0, 0.0, 0.0])
    check_op(lambda x, lo, hi: tg.clamp(x, lo, hi), lambda x, lo, hi: torch.clamp(x, lo, hi), x, lo, hi)
    ties = np.round(RNG.standard_normal((2, 6, 5)))  # many ties between x, lo and hi, broadcast
    check_op(lambda x, lo, hi: tg.clamp(x, lo, hi), lambda x, lo, hi: torch.clamp(x, lo, hi),
             ties[0], ties[1, 0], ties[1, :, :1])
    check_raises(lambda x, lo: tg.clamp(x, lo, 1.0), lambda x, lo: torch.clamp(x, lo, 1.0), f64(3), f64(3),
                 error=TypeError, match="^clamp: ")
    check_raises(lambda x, lo: tg.clamp(x, lo), lambda x, lo: torch.clamp(x, lo), f64(2, 3), f64(3, 1),
                 error=ValueError, match="^clamp: cannot broadcast")


@pytest.mark.parametrize("name", ["softmax", "log_softmax", "logsumexp"])
def test_dim_is_required_where_torch_requires_it(name):
    check_raises(getattr(tg, name), getattr(torch, name), f64(3, 4), error=TypeError, match=rf"^{name}: .*dim")


@pytest.mark.parametrize("name", ["eq", "ne", "lt", "le", "gt", "ge"])
def test_comparisons_refuse_what_is_not_a_number(name):
    check_raises(lambda a: getattr(tg, name)(a, None), lambda a: getattr(torch, name)(a, None), f64(3),
                 error=TypeError, match=rf"^{name}: ")


def test_dim_and_axis_together_are_refused():
    with pytest.raises(TypeError, match="^sum: got both dim"):
        tg.sum(tg.Tensor(f64(3, 4)), dim=0, axis=1)
