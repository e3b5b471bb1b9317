"""Dtype rules against torch, table by table: every case runs in both engines.

  * promotion: every pair of the nine dtypes (bool, uint8, int8, int16, int32, int64,
    float16, float32, float64), as tensors with dimensions and as 0-d tensors, through
    + - * / ** maximum minimum == < where; and every dtype against scalars of every
    kind, Python's and numpy's (a numpy scalar promotes as the Python number it holds);
  * in-place updates: add_ sub_ mul_ div_ and += -= *= /= for every (tensor dtype,
    operand dtype) pair: the result must be castable to the tensor's dtype, as torch's
    can_cast says, or the update raises naming the method; fill_ and copy_ convert as
    torch's do;
  * clip's result dtype and bound checks, integer powers, Python conversions
    (float/int/index), and the dtypes a tensor refuses to hold.

Where torch raises, the engine must raise too (TypeError, ValueError or RuntimeError, the
message naming the op); where torch answers, the engine gives the same dtype and values.
"""
import operator
from itertools import product

import numpy as np
import pytest

from helpers import assert_close, to_torch, tolerance, torch

import tinygrad_lite as tg
from tinygrad_lite import Tensor, dtypes

# numpy warns where it divides by zero or meets inf - inf; torch computes the same values silently
pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")

DTYPES = [np.bool_, np.uint8, np.int8, np.int16, np.int32, np.int64, np.float16, np.float32, np.float64]
NAMES = [np.dtype(d).name for d in DTYPES]

# Scalars of every kind; a numpy scalar stands for the Python number it holds.
SCALARS = [True, False, 3, -2, 2.5, -0.5, np.bool_(True), np.int64(3), np.int8(-2), np.uint8(7),
           np.float64(0.5), np.float32(1.5), np.float16(2.0)]


def python_number(value):
    """The Python number torch is given for a scalar (numpy scalars as the number they hold)."""
    return value.item() if isinstance(value, np.generic) else value


def sample(dtype, zero_dim=False):
    """A few values of `dtype`: small, of both signs where the dtype has them, no zeros in floats."""
    values = {"b": [True, False, True], "u": [1, 2, 3], "i": [-2, 1, 3], "f": [-1.5, 0.5, 2.25]}
    array = np.array(values[np.dtype(dtype).kind], dtype=dtype)
    return array[1].reshape(()) if zero_dim else array


def numpy_dtype(torch_dtype):
    return torch.empty(0, dtype=torch_dtype).numpy().dtype


def assert_same(ours, theirs, what):
    """Same dtype, same values (exact for integers and bools; the dtype's tolerance for floats)."""
    theirs = theirs.detach().numpy() if isinstance(theirs, torch.Tensor) else np.asarray(theirs)
    ours = ours.numpy() if isinstance(ours, Tensor) else np.asarray(ours)
    assert ours.dtype == theirs.dtype, f"{what}: dtype {ours.dtype}, torch's {theirs.dtype}"
    assert_close(ours, theirs, *tolerance(ours.dtype), what)


def parity(ours, theirs, what, op):
    """Run torch's twin first: if it raises, ours must raise a designed error naming `op`;
    otherwise the results must agree. Returns ours, or None when both raised."""
    try:
        expected = theirs()
    except Exception:
        with pytest.raises((TypeError, ValueError, RuntimeError), match=op):
            ours()
        return None
    got = ours()
    assert_same(got, expected, what)
    return got


# ---------------------------------------------------------------- promotion

BINARY = {
    # name: (ours, torch's, the op named in our error messages)
    "add": (operator.add, operator.add, "add"),
    "sub": (operator.sub, operator.sub, "sub"),
    "mul": (operator.mul, operator.mul, "mul"),
    "truediv": (operator.truediv, operator.truediv, "div"),
    "pow": (operator.pow, operator.pow, "pow"),
    "maximum": (Tensor.maximum, torch.maximum, "maximum"),
    "minimum": (Tensor.minimum, torch.minimum, "minimum"),
    "eq": (operator.eq, operator.eq, "eq"),
    "lt": (operator.lt, operator.lt, "lt"),
}


@pytest.mark.parametrize("left", DTYPES, ids=NAMES)
@pytest.mark.parametrize("right", DTYPES, ids=NAMES)
def test_binary_ops_promote_every_dtype_pair_as_torch(left, right):
    for zero_left, zero_right in product([False, True], repeat=2):
        a, b = sample(left, zero_left), sample(right, zero_right)
        ranks = f"{left.__name__}{'(0-d)' * zero_left} with {right.__name__}{'(0-d)' * zero_right}"
        expected = numpy_dtype(torch.result_type(to_torch(a), to_torch(b)))
        rank = (lambda z: dtypes.ZERO_DIM if z else dtypes.DIMS)
        assert dtypes.result_type((a.dtype, rank(zero_left)), (b.dtype, rank(zero_right))) == expected, ranks
        for name, (ours, theirs, op) in BINARY.items():
            parity(lambda: ours(Tensor(a), Tensor(b)), lambda: theirs(to_torch(a), to_torch(b)),
                   f"{name}: {ranks}", op)


@pytest.mark.parametrize("dtype", DTYPES, ids=NAMES)
@pytest.mark.parametrize("scalar", SCALARS, ids=lambda s: f"{type(s).__name__}({s})")
def test_scalar_operands_promote_as_python_numbers(dtype, scalar):
    number = python_number(scalar)
    for zero_dim in (False, True):
        x = sample(dtype, zero_dim)
        what = f"{np.dtype(dtype).name}{'(0-d)' * zero_dim} with {scalar!r}"
        expected = numpy_dtype(torch.result_type(to_torch(x), number))
        assert dtypes.result_type((x.dtype, dtypes.ZERO_DIM if zero_dim else dtypes.DIMS),
                                  (dtypes.scalar_array(scalar, "test").dtype, dtypes.SCALAR)) == expected, what
        for name, (ours, theirs, op) in BINARY.items():
            if name in ("maximum", "minimum"):  # torch's take tensors only; the engine's, numbers too
                parity(lambda: ours(Tensor(x), scalar),
                       lambda: theirs(to_torch(x), torch.tensor(number, dtype=torch.result_type(to_torch(x), number))),
                       f"{name}: {what}", op)
                continue
            if name in ("eq", "lt") and _out_of_range(number, x.dtype):
                continue  # torch wraps the number into the dtype first: see the exact comparison test
            parity(lambda: ours(Tensor(x), scalar), lambda: theirs(to_torch(x), number), f"{name}: {what}", op)
            parity(lambda: ours(scalar, Tensor(x)), lambda: theirs(number, to_torch(x)), f"reflected {name}: {what}", op)


def _out_of_range(number, dtype):
    """An integer that an integer dtype cannot hold (bools are not integers here)."""
    return (isinstance(number, int) and not isinstance(number, bool) and dtype.kind in "iu"
            and not np.iinfo(dtype).min <= number <= np.iinfo(dtype).max)


@pytest.mark.parametrize("dtype", DTYPES, ids=NAMES)
def test_where_promotes_tensor_and_scalar_branches_as_torch(dtype):
    cond = np.array([True, False, True])
    for other in [sample(d) for d in DTYPES] + SCALARS:
        x = sample(dtype)
        theirs_other = to_torch(other) if isinstance(other, np.ndarray) else python_number(other)
        ours_other = Tensor(other) if isinstance(other, np.ndarray) else other
        what = f"where({np.dtype(dtype).name}, {other!r})"
        parity(lambda: tg.where(Tensor(cond), Tensor(x), ours_other),
               lambda: torch.where(to_torch(cond), to_torch(x), theirs_other), what, "where")
        parity(lambda: tg.where(Tensor(cond), ours_other, Tensor(x)),
               lambda: torch.where(to_torch(cond), theirs_other, to_torch(x)), what, "where")


def test_numpy_float64_scalar_keeps_float32_everywhere_a_scalar_enters():
    x = Tensor(np.array([0.25, 1.0, 3.0], np.float32))
    half = np.float64(0.5)
    results = [x + half, half + x, x - half, half - x, x * half, half * x, x / half, half / x,
               x ** half, half ** x, x.maximum(half), x.minimum(half), x.clip(half), x.clip(None, half),
               tg.where(x > half, x, half), tg.where(x > half, half, x)]
    assert [r.dtype for r in results] == [np.float32] * len(results)
    with tg.no_grad():
        for update in (x.add_, x.sub_, x.mul_, x.div_):
            assert update(half) is x and x.dtype == np.float32


UNARY = {
    # name: (ours, torch's, the op named in our error messages)
    "exp": (Tensor.exp, torch.exp, "exp"),
    "log": (Tensor.log, torch.log, "log"),
    "sqrt": (Tensor.sqrt, torch.sqrt, "sqrt"),
    "sigmoid": (Tensor.sigmoid, torch.sigmoid, "sigmoid"),
    "tanh": (Tensor.tanh, torch.tanh, "tanh"),
    "abs": (Tensor.abs, torch.abs, "abs"),
    "neg": (operator.neg, operator.neg, "neg"),
    "relu": (Tensor.relu, torch.relu, "relu"),
    "gelu": (Tensor.gelu, torch.nn.functional.gelu, "gelu"),
    "leaky_relu": (Tensor.leaky_relu, torch.nn.functional.leaky_relu, "leaky_relu"),
}


@pytest.mark.parametrize("dtype", DTYPES, ids=NAMES)
@pytest.mark.parametrize("name", UNARY)
def test_unary_ops_take_every_dtype_as_torch(name, dtype):
    # exp, log, sqrt, sigmoid and tanh make float32 of integers and bools; abs, neg and relu
    # keep an integer dtype; gelu and leaky_relu take floats only; bools refuse -, abs, relu
    ours, theirs, op = UNARY[name]
    for zero_dim in (False, True):
        x = sample(dtype, zero_dim)
        parity(lambda: ours(Tensor(x)), lambda: theirs(to_torch(x)), f"{name}({x.dtype}{'(0-d)' * zero_dim})", op)


# ---------------------------------------------------------------- in-place updates

IN_PLACE = {
    "add_": lambda x, y: x.add_(y),
    "sub_": lambda x, y: x.sub_(y),
    "mul_": lambda x, y: x.mul_(y),
    "div_": lambda x, y: x.div_(y),
    "+=": lambda x, y: x.__iadd__(y),
    "-=": lambda x, y: x.__isub__(y),
    "*=": lambda x, y: x.__imul__(y),
    "/=": lambda x, y: x.__itruediv__(y),
}
_METHOD_NAMES = {"+=": "add_", "-=": "sub_", "*=": "mul_", "/=": "div_"}


def _in_place_parity(method, target, operand, what):
    """Apply `method` to a tensor holding `target` with `operand` in both engines."""
    update = IN_PLACE[method]
    name = _METHOD_NAMES.get(method, method)
    theirs_operand = to_torch(operand) if isinstance(operand, np.ndarray) else python_number(operand)
    ours_operand = Tensor(operand) if isinstance(operand, np.ndarray) else operand
    theirs_x, ours_x = to_torch(target), Tensor(target)
    try:
        update(theirs_x, theirs_operand)
    except Exception:
        with pytest.raises((TypeError, ValueError, RuntimeError), match=name):
            update(ours_x, ours_operand)
        assert np.array_equal(ours_x.numpy(), target), f"{what}: a refused update changed the tensor"
        return
    assert update(ours_x, ours_operand) is ours_x, f"{what}: an in-place update returns the tensor itself"
    assert_same(ours_x, theirs_x, what)


@pytest.mark.parametrize("method", IN_PLACE)
@pytest.mark.parametrize("dtype", DTYPES, ids=NAMES)
def test_in_place_update_casts_its_result_as_torch(method, dtype):
    for other in DTYPES:
        for zero_dim in (False, True):
            _in_place_parity(method, sample(dtype), sample(other, zero_dim),
                             f"{np.dtype(dtype).name}.{method}({np.dtype(other).name}{'(0-d)' * zero_dim})")
    for scalar in SCALARS:
        _in_place_parity(method, sample(dtype), scalar, f"{np.dtype(dtype).name}.{method}({scalar!r})")


def test_in_place_refusal_names_the_method_and_both_dtypes():
    x = Tensor([1, 3])
    with pytest.raises(RuntimeError, match=r"mul_: result type float32 can't be cast to .* int64"):
        x.mul_(0.5)
    with pytest.raises(RuntimeError, match=r"add_: result type int64 can't be cast to .* bool"):
        Tensor([True, False]).add_(1)
    np.testing.assert_array_equal(x.numpy(), [1, 3])


FILL_VALUES = [2.7, -2.7, 0.5, -0.5, 300, -1, -300, 1e6, 1e300, float("nan"), float("inf"), True, 0,
               np.float64(2.5), np.int64(-3), np.bool_(False), 2 ** 62]


@pytest.mark.parametrize("dtype", DTYPES, ids=NAMES)
def test_fill_converts_its_value_as_torch(dtype):
    for value in FILL_VALUES + [np.array(2.5), np.array(-7)]:
        ours_value = Tensor(value) if isinstance(value, np.ndarray) else value
        theirs_value = to_torch(value) if isinstance(value, np.ndarray) else python_number(value)
        ours_x = Tensor(sample(dtype))
        parity(lambda: ours_x.fill_(ours_value), lambda: to_torch(sample(dtype)).fill_(theirs_value),
               f"{np.dtype(dtype).name}.fill_({value!r})", "fill_")


def test_fill_refuses_a_tensor_with_dimensions_and_non_numbers():
    for bad, error in ((Tensor([1.0]), ValueError), ("a", TypeError), (None, TypeError), ([1], TypeError)):
        with pytest.raises(error, match="fill_"):
            Tensor([1.0, 2.0]).fill_(bad)


@pytest.mark.parametrize("dtype", DTYPES, ids=NAMES)
def test_copy_converts_any_source_as_torch(dtype):
    # torch's copy_ casts whatever it is given (values kept in every dtype's range: a float
    # past an integer dtype's range has no defined conversion, in C or in numpy)
    sources = {"b": [True, False, True], "u": [0, 7, 100], "i": [-3, 0, 100], "f": [1.7, -2.7, 100.0]}
    for source_dtype in DTYPES:
        source = np.array(sources[np.dtype(source_dtype).kind], dtype=source_dtype)
        if np.dtype(dtype).kind == "u" and source.dtype.kind == "f":
            source = np.abs(source)  # negative floats into unsigned are undefined too
        ours_x = Tensor(sample(dtype))
        parity(lambda: ours_x.copy_(Tensor(source)), lambda: to_torch(sample(dtype)).copy_(to_torch(source)),
               f"{np.dtype(dtype).name}.copy_({source.dtype})", "copy_")


def test_copy_of_python_floats_into_float64_keeps_every_digit():
    x = Tensor(np.zeros(2))
    x.copy_([0.1, 1 / 3])
    np.testing.assert_array_equal(x.numpy(), to_torch(np.zeros(2)).copy_(torch.tensor([0.1, 1 / 3], dtype=torch.float64)))
    x.fill_(0.1)
    np.testing.assert_array_equal(x.numpy(), to_torch(np.zeros(2)).fill_(0.1))


# ---------------------------------------------------------------- clip, powers, bools

CLIP_BOUNDS = [(0, 2), (0.5, 2.5), (np.float64(0.5), None), (None, np.int64(1)), (-1, 5), (0, 1000),
               (-1e6, 1e6), (70000.0, None), (float("nan"), None), (None, float("inf")), (True, None), (2, 0)]


@pytest.mark.parametrize("dtype", DTYPES, ids=NAMES)
def test_clip_result_dtype_and_bounds_follow_torch_clamp(dtype):
    for lo, hi in CLIP_BOUNDS:
        x = sample(dtype)
        what = f"{np.dtype(dtype).name}.clip({lo!r}, {hi!r})"
        if np.dtype(dtype) == np.uint8 and isinstance(lo, int) and lo < 0:
            continue  # torch wraps -1 to 255 before clamping (a difference we keep: see below)
        parity(lambda: Tensor(x).clip(lo, hi),
               lambda: torch.clamp(to_torch(x), python_number(lo), python_number(hi)), what, "clip")


def test_clip_of_uint8_with_a_negative_bound_wraps_it_as_torch_does():
    # torch converts -1 to uint8 as 255 (its checked conversion lets negatives wrap into
    # unsigned types), so clamp(x, -1, 5) gives 5 everywhere; the engine converts the same way
    x = np.array([0, 1, 200], np.uint8)
    assert_same(Tensor(x).clip(-1, 5), torch.clamp(to_torch(x), -1, 5), "uint8 clip(-1, 5)")


def test_integer_powers_follow_torch():
    bases = np.array([-3, -1, 0, 1, 2, 5])
    for exponent in (np.array([-2, -1, 0, 1, 2, 3]), np.array([-1]), np.array(3)):
        assert_same(Tensor(bases) ** Tensor(exponent), to_torch(bases) ** to_torch(exponent),
                    f"int64 ** {exponent}")
    for scalar in (2, 0, -1, 2.5, True):
        parity(lambda: Tensor(bases) ** scalar, lambda: to_torch(bases) ** scalar, f"int64 ** {scalar}", "pow")
        parity(lambda: scalar ** Tensor(bases), lambda: scalar ** to_torch(bases), f"{scalar} ** int64", "pow")


BOOL_REFUSALS = {
    "-x": (lambda x: -x, "neg"),
    "x - x": (lambda x: x - x, "sub"),
    "x - 1": (lambda x: x - 1, "sub"),
    "1 - x": (lambda x: 1 - x, "sub"),
    "abs": (lambda x: x.abs(), "abs"),
    "clip(True, True)": (lambda x: x.clip(True, True), "clip"),
}


@pytest.mark.parametrize("name", BOOL_REFUSALS)
def test_bool_tensors_refuse_what_torch_refuses(name):
    fn, op = BOOL_REFUSALS[name]
    with pytest.raises(Exception):
        fn(to_torch(np.array([True, False])))
    with pytest.raises(TypeError, match=op):
        fn(Tensor([True, False]))


def test_minimum_at_the_most_negative_integer_and_on_bools():
    lowest = np.iinfo(np.int64).min
    for a, b in ((np.array([5, -7]), np.array(lowest)), (np.array([lowest, 0]), np.array([lowest + 1, lowest])),
                 (np.array([True, False]), np.array([False, False]))):
        for ours, theirs in ((Tensor.minimum, torch.minimum), (Tensor.maximum, torch.maximum)):
            assert_same(ours(Tensor(a), Tensor(b)), theirs(to_torch(a), to_torch(b)), f"{theirs.__name__}({a}, {b})")
    assert_same(Tensor([5, -7]).minimum(int(lowest)), np.array([lowest, lowest]), "minimum with a Python int")


def test_comparison_with_an_integer_the_dtype_cannot_hold_is_exact():
    # torch wraps 1000 into int8 (-24) first and says 1 < 1000 is False; the engine compares exactly
    for x in (np.array([1, -128, 127], np.int8), np.array([0, 1, 255], np.uint8)):
        for value in (1000, -1000, -2, 256, 2 ** 40):
            for op in (operator.lt, operator.le, operator.gt, operator.ge, operator.eq, operator.ne):
                exact = np.array([op(int(v), value) for v in x])
                np.testing.assert_array_equal(op(Tensor(x), value).numpy(), exact, err_msg=f"{op.__name__} {value}")


@pytest.mark.parametrize("other", [None, "a", object()], ids=["None", "str", "object"])
def test_comparison_with_a_non_number_is_pythons_answer_as_torch(other):
    for op in (operator.eq, operator.ne, operator.lt, operator.ge):
        try:
            expected = op(to_torch(np.array([1.0, 2.0])), other)
        except TypeError:
            with pytest.raises(TypeError):
                op(Tensor([1.0, 2.0]), other)
            continue
        assert op(Tensor([1.0, 2.0]), other) is expected


# ---------------------------------------------------------------- Python conversions

CONVERSIONS = [np.array(2.5), np.array([[-2.5]]), np.array([7]), np.array(True), np.array([3], np.uint8),
               np.array([1.0, 2.0]), np.zeros((0,)), np.array(np.nan), np.array(np.inf), np.array([4], np.int8)]


@pytest.mark.parametrize("array", CONVERSIONS, ids=lambda a: f"{a.dtype}{a.shape}")
@pytest.mark.parametrize("convert", [float, int, operator.index, lambda t: [10, 20, 30, 40, 50, 60, 70, 80][t]],
                         ids=["float", "int", "index", "list index"])
def test_python_conversions_follow_torch(array, convert):
    try:
        expected = convert(to_torch(array))
    except Exception as error:
        with pytest.raises(type(error)):
            convert(Tensor(array))
        return
    got = convert(Tensor(array))
    assert type(got) is type(expected) and (got == expected or (got != got and expected != expected))


# ---------------------------------------------------------------- dtypes a tensor holds

@pytest.mark.parametrize("dtype", [np.uint16, np.uint32, np.uint64])
def test_wide_unsigned_dtypes_are_refused_with_what_to_use(dtype):
    with pytest.raises(RuntimeError):  # torch has no promotion rules for them
        torch.tensor([1], dtype=getattr(torch, np.dtype(dtype).name)) + torch.tensor([1], dtype=torch.int8)
    for make in (lambda: Tensor(np.array([1], dtype)), lambda: Tensor([1], dtype=dtype),
                 lambda: Tensor([1.0]).astype(dtype), lambda: Tensor([1.0]) + np.array([1], dtype)):
        with pytest.raises(TypeError, match=f"{np.dtype(dtype).name}.*tg.int64"):
            make()


@pytest.mark.parametrize("dtype", DTYPES, ids=NAMES)
def test_every_supported_dtype_round_trips(dtype):
    x = sample(dtype)
    t = Tensor(x)
    assert t.dtype == x.dtype and np.array_equal(t.numpy(), x)
    assert Tensor([1.0]).astype(dtype).dtype == np.dtype(dtype)
    assert getattr(tg, np.dtype(dtype).name if dtype is not np.bool_ else "bool_") == np.dtype(dtype)


def test_astype_none_is_refused_naming_astype():
    with pytest.raises(TypeError, match="astype"):
        Tensor([1.0]).astype(None)


def test_explicit_dtype_converts_python_floats_without_a_float32_stop():
    for values in ([0.1, 1 / 3], 0.1):
        assert_same(Tensor(values, dtype=tg.float64), torch.tensor(values, dtype=torch.float64), repr(values))


@pytest.mark.parametrize("data, dtype", [(300, np.int8), ([float("nan")], np.int64), ([1.7, -2.7], np.int64),
                                         ([-1], np.uint8), ([1e6], np.float16), ([2.5], np.bool_)], ids=repr)
def test_python_data_converts_to_an_explicit_dtype_as_torch_tensor(data, dtype):
    parity(lambda: Tensor(data, dtype=dtype), lambda: torch.tensor(data, dtype=getattr(
        torch, "bool" if dtype is np.bool_ else np.dtype(dtype).name)), f"Tensor({data!r}, dtype={dtype})", "Tensor")


def test_python_integers_past_int64_are_refused():
    for make in (lambda: Tensor([1]) + 2 ** 64, lambda: Tensor([1.0]) * 2 ** 70, lambda: Tensor([2 ** 64])):
        with pytest.raises((TypeError, ValueError)):
            make()
