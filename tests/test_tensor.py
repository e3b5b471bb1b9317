"""The Tensor itself: creation, data types, conversions, seeding, and the attributes users read.

Proves: every creation function (as `Tensor.x` and `tg.x`) gives the shape, dtype,
values and device that torch's namesake gives; Python floats become float32, ints
int64, bools bool, numpy arrays keep their dtype and `dtype=` overrides; binary ops
promote dtypes exactly as torch does (gradients keep each input's dtype); numpy(),
item(), tolist(), astype() (differentiable), detach() and to("cpu") convert without
changing values; manual_seed makes randn/rand reproducible and randn looks normal on
a large sample; is_leaf follows torch; integer tensors cannot require grad
(TypeError); an unknown device is a ValueError that lists the known ones.
"""
import subprocess
import sys

import numpy as np
import pytest

from helpers import check_op, torch

import tinygrad_lite as tg
from tinygrad_lite import Tensor


# ---------------------------------------------------------------- data type rules

@pytest.mark.parametrize("data, dtype, shape", [
    (1.5, np.float32, ()),
    ([1.0, 2.0], np.float32, (2,)),
    ([[1.0], [2.5], [3.0]], np.float32, (3, 1)),
    ([1, 2.5], np.float32, (2,)),
    (3, np.int64, ()),
    ([[1, 2], [3, 4]], np.int64, (2, 2)),
    (True, np.bool_, ()),
    ([True, False], np.bool_, (2,)),
], ids=repr)
def test_python_data_gets_torch_default_dtype(device, data, dtype, shape):
    x = Tensor(data, device=device)
    assert x.dtype == dtype and x.dtype == torch.tensor(data).numpy().dtype
    assert x.shape == shape
    np.testing.assert_array_equal(x.numpy(), np.array(data, dtype=dtype))


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64, np.int32, np.int64, np.bool_])
def test_numpy_array_keeps_its_dtype(device, dtype):
    array = np.arange(6).reshape(2, 3).astype(dtype)
    x = Tensor(array, device=device)
    assert x.dtype == dtype
    assert x.shape == (2, 3)
    np.testing.assert_array_equal(x.numpy(), array)


@pytest.mark.parametrize("data, dtype", [
    ([1, 2], tg.float32),
    ([1.5, 2.5], tg.float64),
    (np.ones(3, dtype=np.float64), tg.float32),
    (np.arange(3.0, dtype=np.float32), tg.float16),
    ([0.0, 1.0], tg.bool_),
    (np.array([3.0, 4.0]), tg.int64),
], ids=repr)
def test_dtype_argument_overrides_the_inferred_dtype(device, data, dtype):
    x = Tensor(data, dtype=dtype, device=device)
    assert x.dtype == dtype
    np.testing.assert_array_equal(x.numpy(), np.array(data).astype(dtype))


def test_public_dtypes_are_numpy_dtypes():
    for ours, numpys in [(tg.float16, np.float16), (tg.float32, np.float32), (tg.float64, np.float64),
                         (tg.int64, np.int64), (tg.bool_, np.bool_)]:
        assert np.dtype(ours) == np.dtype(numpys)


def test_nn_functional_and_optim_come_with_the_package():
    """As torch.nn, torch.nn.functional and torch.optim: no import beyond the package's own,
    in a fresh interpreter (this one has imported the submodules already)."""
    code = ("import tinygrad_lite as tg; tg.optim.SGD; tg.optim.Adam; tg.nn.Linear; tg.nn.functional.relu; "
            "tg.nn.init")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_shape_ndim_size_describe_the_data(device):
    x = Tensor(np.zeros((2, 3, 4)), device=device)
    assert x.shape == (2, 3, 4) and isinstance(x.shape, tuple)
    assert x.ndim == 3
    assert x.numel() == 24 and x.size() == (2, 3, 4) and x.size(-1) == 4 and x.size(dim=0) == 2
    assert x.size().numel() == 24 and isinstance(x.size(), tg.Size) and Tensor(2.0, device=device).numel() == 1
    assert x.device == device


# ---------------------------------------------------------------- dtype promotion

PROMOTIONS = [
    # (left dtype, right dtype, op): torch's promotion decides the result dtype
    (np.float32, np.float64, "add"),
    (np.float64, np.float32, "mul"),
    (np.float16, np.float32, "sub"),
    (np.int64, np.float32, "add"),
    (np.float32, np.int64, "mul"),
    (np.int64, np.float64, "div"),
    (np.int64, np.int64, "add"),
    (np.int64, np.int64, "mul"),
    (np.int64, np.int64, "div"),    # true division: int / int -> float32
]
BINARY = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
}


def sample(dtype, shape, seed):
    """Values that are nonzero (safe divisors) and exactly representable in every dtype used here."""
    rng = np.random.default_rng(seed)
    values = rng.integers(1, 5, size=shape) * rng.choice([-1, 1], size=shape)
    return values.astype(dtype)


@pytest.mark.parametrize("left, right, op", PROMOTIONS, ids=lambda v: getattr(v, "__name__", str(v)))
def test_binary_ops_promote_like_torch_and_keep_gradient_dtypes(device, left, right, op):
    # check_op compares the result dtype with torch's and each input gradient's dtype with the input's.
    check_op(BINARY[op], BINARY[op], sample(left, (2, 3), 0), sample(right, (3,), 1), device=device)


@pytest.mark.parametrize("dtype", [np.int64, np.float16, np.float32, np.float64])
@pytest.mark.parametrize("scalar", [2, 2.5])
@pytest.mark.parametrize("op", ["add", "mul", "div", "rmul", "rsub", "rdiv"])
def test_python_scalar_keeps_tensor_dtype_like_torch(device, dtype, scalar, op):
    fn = {
        "add": lambda t: t + scalar, "mul": lambda t: t * scalar, "div": lambda t: t / scalar,
        "rmul": lambda t: scalar * t, "rsub": lambda t: scalar - t, "rdiv": lambda t: scalar / t,
    }[op]
    out = check_op(fn, fn, sample(dtype, (4,), 2), device=device)
    if np.dtype(dtype).kind == "f":
        assert out.dtype == dtype


def test_comparisons_give_bool_tensors_without_grad(device):
    rng = np.random.default_rng(3)
    a, b = rng.standard_normal((3, 4)), rng.standard_normal((4,))
    for compare in [lambda x, y: x == y, lambda x, y: x != y, lambda x, y: x < y,
                    lambda x, y: x <= y, lambda x, y: x > y, lambda x, y: x >= y]:
        out = check_op(compare, compare, a, b, device=device)
        assert out.dtype == np.bool_ and not out.requires_grad


def test_tensor_hash_is_identity_based(device):
    a, b = Tensor([1.0], device=device), Tensor([1.0], device=device)
    assert len({a, b, a}) == 2
    assert {a: "a", b: "b"}[b] == "b"


# ---------------------------------------------------------------- creation functions

def shape_forms(shape):
    """The two ways a creation function accepts a shape: varargs and one tuple."""
    return [shape, (shape,)]


@pytest.mark.parametrize("name", ["zeros", "ones"])
@pytest.mark.parametrize("args", shape_forms((2, 3)) + [(4,), ((),)], ids=repr)
def test_zeros_ones_match_torch(device, name, args):
    for make in (getattr(Tensor, name), getattr(tg, name)):
        x = make(*args, device=device)
        want = getattr(torch, name)(*args).numpy()
        assert x.dtype == want.dtype == np.float32
        assert x.shape == want.shape
        np.testing.assert_array_equal(x.numpy(), want)
        assert x.device == device and not x.requires_grad and x.is_leaf


@pytest.mark.parametrize("name", ["zeros", "ones", "rand", "randn"])
@pytest.mark.parametrize("dtype", [tg.float16, tg.float32, tg.float64])
def test_creation_functions_take_dtype_and_requires_grad(device, name, dtype):
    for make in (getattr(Tensor, name), getattr(tg, name)):
        x = make(3, 2, dtype=dtype, requires_grad=True, device=device)
        assert x.shape == (3, 2) and x.dtype == dtype
        assert x.requires_grad and x.is_leaf and x.grad is None


def test_integer_zeros_and_ones(device):
    x = Tensor.zeros(2, 2, dtype=tg.int64, device=device)
    assert x.dtype == np.int64
    np.testing.assert_array_equal(tg.ones(3, dtype=tg.int64, device=device).numpy(), [1, 1, 1])


@pytest.mark.parametrize("name", ["rand", "randn"])
@pytest.mark.parametrize("args", shape_forms((3, 5)) + [(7,)], ids=repr)
def test_rand_randn_shapes_and_default_dtype(device, name, args):
    for make in (getattr(Tensor, name), getattr(tg, name)):
        x = make(*args, device=device)
        assert x.shape == getattr(torch, name)(*args).shape
        assert x.dtype == np.float32


@pytest.mark.parametrize("shape, value", [((2, 3), 1.5), ((4,), -2.0), ((2, 2), 7), ((), 3.0)], ids=repr)
def test_full_matches_torch(device, shape, value):
    want = torch.full(shape, value).numpy()
    for make in (Tensor.full, tg.full):
        x = make(shape, value, device=device)
        assert x.dtype == want.dtype and x.shape == want.shape
        np.testing.assert_array_equal(x.numpy(), want)


@pytest.mark.parametrize("args", [(5,), (2, 10, 3), (3, -4, -2), (0.0, 1.0, 0.25), (5.0,), (1, 2)], ids=repr)
def test_arange_matches_torch(device, args):
    want = torch.arange(*args).numpy()
    for make in (Tensor.arange, tg.arange):
        x = make(*args, device=device)
        assert x.dtype == want.dtype
        np.testing.assert_array_equal(x.numpy(), want)


@pytest.mark.parametrize("args", [(3,), (2, 4), (4, 2), (1,)], ids=repr)
def test_eye_matches_torch(device, args):
    want = torch.eye(*args).numpy()
    for make in (Tensor.eye, tg.eye):
        x = make(*args, device=device)
        assert x.dtype == want.dtype == np.float32
        np.testing.assert_array_equal(x.numpy(), want)


@pytest.mark.parametrize("dtype", [np.float16, np.float64, np.int64])
def test_zeros_like_ones_like_keep_shape_and_dtype(device, dtype):
    source = Tensor(np.full((2, 3, 1), 5).astype(dtype), device=device)
    for name, fill in [("zeros_like", 0), ("ones_like", 1)]:
        for make in (getattr(Tensor, name), getattr(tg, name)):
            x = make(source)
            assert x.shape == (2, 3, 1) and x.dtype == dtype
            assert str(x.device) == str(source.device)
            np.testing.assert_array_equal(x.numpy(), np.full((2, 3, 1), fill, dtype=dtype))


# ---------------------------------------------------------------- conversions

def test_numpy_returns_an_array_with_the_values(device):
    data = np.arange(6, dtype=np.float64).reshape(3, 2)
    out = Tensor(data, device=device).numpy()
    assert isinstance(out, np.ndarray) and out.dtype == np.float64
    np.testing.assert_array_equal(out, data)


@pytest.mark.parametrize("data, kind", [(2.5, float), ([[3.25]], float), (7, int), ([9], int), (True, bool)],
                         ids=repr)
def test_item_returns_a_python_number(device, data, kind):
    value = Tensor(data, device=device).item()
    assert type(value) is kind
    assert value == torch.tensor(data).item()


@pytest.mark.parametrize("data", [[[1.5, 2.0], [3.0, 4.25]], [1, 2, 3], 2.5, [[True], [False]]], ids=repr)
def test_tolist_matches_torch(device, data):
    ours, theirs = Tensor(data, device=device).tolist(), torch.tensor(data).tolist()
    assert ours == theirs
    assert repr(ours) == repr(theirs)  # the same Python types inside: floats stay floats, ints ints


@pytest.mark.parametrize("source, target", [
    (np.float32, np.float64), (np.float64, np.float32), (np.float32, np.float16), (np.float64, np.int64),
], ids=str)
def test_astype_casts_like_torch_and_is_differentiable(device, source, target):
    x = (np.random.default_rng(4).standard_normal((3, 4)) * 3).astype(source)
    torch_dtype = torch.from_numpy(np.zeros(1, dtype=target)).dtype
    out = check_op(lambda t: t.astype(target), lambda t: t.to(torch_dtype), x, device=device)
    assert out.dtype == target


def test_astype_gradient_flows_back_in_the_source_dtype(device):
    x = Tensor(np.array([1.0, 2.0, 3.0], dtype=np.float32), requires_grad=True, device=device)
    (x.astype(tg.float64) * 2.0).sum().backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 2.0, 2.0])


def test_detach_keeps_values_and_drops_the_graph(device):
    x = Tensor([1.0, 2.0], requires_grad=True, device=device)
    y = x * 3.0
    d = y.detach()
    np.testing.assert_array_equal(d.numpy(), y.numpy())
    assert d.dtype == y.dtype and d.shape == y.shape
    assert not d.requires_grad and d.is_leaf and d.grad is None


def test_to_cpu_keeps_values_dtype_and_gradient_tracking(device):
    x = Tensor(np.arange(4, dtype=np.float64), requires_grad=True, device=device)
    y = x.to("cpu")
    assert str(y.device) == "cpu" and y.dtype == np.float64
    np.testing.assert_array_equal(y.numpy(), np.arange(4))
    assert y.requires_grad


# ---------------------------------------------------------------- random numbers

@pytest.mark.parametrize("name", ["randn", "rand"])
def test_manual_seed_makes_random_tensors_reproducible(device, name):
    make = getattr(Tensor, name)
    tg.manual_seed(1234)
    first, second = make(3, 4, device=device).numpy(), make(3, 4, device=device).numpy()
    tg.manual_seed(1234)
    np.testing.assert_array_equal(make(3, 4, device=device).numpy(), first)
    np.testing.assert_array_equal(make(3, 4, device=device).numpy(), second)
    assert not np.array_equal(first, second), "consecutive draws repeat"
    tg.manual_seed(4321)
    assert not np.array_equal(make(3, 4, device=device).numpy(), first), "different seeds give the same draw"


def test_randn_sample_looks_standard_normal(device):
    tg.manual_seed(0)
    x = Tensor.randn(200_000, dtype=tg.float64, device=device).numpy()
    # Bounds are 4 to 5 standard errors wide for n = 200,000.
    assert abs(x.mean()) < 0.01
    assert abs(x.std() - 1.0) < 0.01
    assert abs(np.mean(np.abs(x) < 1.0) - 0.6827) < 0.005
    assert abs(np.mean(x ** 3)) < 0.05          # symmetric
    assert abs(np.mean(x ** 4) - 3.0) < 0.12    # normal tails
    assert len(np.unique(x)) > 199_000


def test_rand_sample_looks_uniform_on_zero_one(device):
    tg.manual_seed(0)
    x = Tensor.rand(200_000, device=device).numpy()
    assert x.dtype == np.float32
    assert x.min() >= 0.0 and x.max() < 1.0
    assert abs(x.mean() - 0.5) < 0.003
    assert abs(x.var() - 1 / 12) < 0.002
    counts, _ = np.histogram(x, bins=10, range=(0.0, 1.0))
    assert np.all(np.abs(counts - 20_000) < 800)


# ---------------------------------------------------------------- leaves, requires_grad, devices

def test_is_leaf_follows_torch(device):
    x = Tensor([1.0, 2.0], requires_grad=True, device=device)
    c = Tensor([3.0, 4.0], device=device)
    assert x.is_leaf and c.is_leaf
    assert not (x * 2).is_leaf
    assert not (x + c).is_leaf
    assert (c * 2).is_leaf, "torch: a result that does not require grad is a leaf"
    assert x.detach().is_leaf


@pytest.mark.parametrize("make", [
    lambda d: Tensor([1, 2], requires_grad=True, device=d),
    lambda d: Tensor(np.array([True, False]), requires_grad=True, device=d),
    lambda d: Tensor(np.arange(3, dtype=np.int32), requires_grad=True, device=d),
    lambda d: Tensor.zeros(2, dtype=tg.int64, requires_grad=True, device=d),
    lambda d: Tensor.ones(2, 2, dtype=tg.bool_, requires_grad=True, device=d),
], ids=["int list", "bool array", "int32 array", "int64 zeros", "bool ones"])
def test_integer_and_bool_tensors_cannot_require_grad(device, make):
    with pytest.raises(RuntimeError):
        torch.tensor([1, 2], requires_grad=True)
    with pytest.raises(TypeError):
        make(device)


@pytest.mark.parametrize("make", [
    lambda: Tensor([1.0], device="tpu"),
    lambda: Tensor.zeros(2, device="tpu"),
    lambda: tg.randn(2, device="tpu"),
    lambda: Tensor([1.0]).to("tpu"),
], ids=["Tensor", "zeros", "randn", "to"])
def test_unknown_device_raises_value_error_listing_known_devices(make):
    with pytest.raises(ValueError, match="cpu"):
        make()
