"""The package's own names, as torch's: tg.device, tg.cuda, the grad modes and the default dtype.

Each behaviour is checked against torch doing the same thing. The default dtype is global
(as torch's), so the tests that change it restore it, in torch and in the engine, afterwards.
"""
import threading

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="these tests compare with PyTorch: pip install -e '.[test]'")

import tinygrad_lite as tg  # noqa: E402
import tinygrad_lite.nn as nn  # noqa: E402
from tinygrad_lite import Tensor  # noqa: E402
from tinygrad_lite.backend import available_devices  # noqa: E402

needs_interp = pytest.mark.skipif("interp" not in available_devices(),
                                  reason="the interp device needs triton and torch: pip install -e '.[kernels]'")


def torch_dtype(dtype):
    return {tg.float16: torch.float16, tg.float32: torch.float32, tg.float64: torch.float64,
            tg.int64: torch.int64, tg.int32: torch.int32, tg.bool_: torch.bool}[dtype]


# ---- tg.device ---------------------------------------------------------------------------

@pytest.mark.parametrize("args", [("cpu",), ("cuda",), ("cuda:0",), ("cuda", 0), ("cpu", 0), ("cpu:0",)])
def test_device_type_index_and_text_as_torch(args):
    ours, theirs = tg.device(*args), torch.device(*args)
    assert (ours.type, ours.index) == (theirs.type, theirs.index)
    assert str(ours) == str(theirs)
    assert repr(ours) == repr(theirs)
    assert tg.device(ours) == ours and tg.device(str(ours)) == ours  # a device or its text rebuild it


def test_interp_device_and_equality_with_names():
    d = tg.device("interp")
    assert (d.type, d.index) == ("interp", None)
    assert tg.device("cpu") == "cpu" and tg.device("cpu:0") == "cpu:0" and tg.device("cpu") != tg.device("cpu:0")
    assert Tensor([1.0]).device == tg.device("cpu") == "cpu"  # a tg.device, equal to its name
    assert isinstance(Tensor([1.0]).device, tg.device) and Tensor([1.0]).device.type == torch.ones(1).device.type
    assert tg.device("cuda", 0) == tg.device("cuda:0")
    assert hash(tg.device("cpu")) == hash("cpu")


@pytest.mark.parametrize("name", ["foo", "cuda:x", "cpu:-1", "cpu:0:1", "", "cuda:"])
def test_bad_device_names_raise_value_error_naming_device(name):
    with pytest.raises(RuntimeError):
        torch.device(name)
    with pytest.raises(ValueError, match="^device: "):
        tg.device(name)


def test_bad_device_arguments():
    with pytest.raises(RuntimeError):
        torch.device("cuda", -1)
    with pytest.raises(ValueError, match="^device: .*negative"):
        tg.device("cuda", -1)
    with pytest.raises(ValueError, match="^device: "):
        tg.device("cuda:0", 0)  # an index twice
    with pytest.raises(TypeError, match="^device: "):
        tg.device(None)
    with pytest.raises(TypeError, match="^device: "):
        tg.device("cpu", 1.5)
    with pytest.raises(ValueError, match="^device: .*index 0"):
        tg.device("cuda:1")  # the engine holds one device of each type


def test_tensors_and_modules_take_a_device():
    x = Tensor([1.0, 2.0], device=tg.device("cpu"))
    assert x.device == "cpu" and isinstance(x.device, str) and x.device.type == "cpu"
    assert x.to(tg.device("cpu")).device == "cpu"
    assert x.to(tg.device("cpu:0")).device == "cpu"
    assert x.to("cpu:0").device == "cpu"
    assert tg.zeros(2, device=tg.device("cpu")).device == "cpu"
    assert tg.tensor([1.0], device=tg.device("cpu:0")).device == "cpu"
    model = nn.Linear(2, 3).to(tg.device("cpu"))
    assert all(p.device == "cpu" for p in model.parameters())
    with pytest.raises(ValueError, match="Tensor.to"):
        x.to("cpu:1")


@needs_interp
def test_tensors_move_to_a_device_object():
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = x.to(tg.device("interp"))
    assert y.device == "interp" and not y.is_cuda
    (y * y).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 4.0])
    assert nn.Linear(2, 3).to(tg.device("interp:0")).weight.device == "interp"


# ---- tg.cuda -----------------------------------------------------------------------------

def test_cuda_availability_matches_the_backend():
    available = tg.cuda.is_available()
    assert isinstance(available, bool)
    assert available == ("cuda" in available_devices())
    assert tg.cuda.device_count() == (1 if available else 0)
    if not torch.cuda.is_available():  # no GPU for torch means none for the engine (it needs torch's)
        assert not available and tg.cuda.device_count() == torch.cuda.device_count() == 0


def test_is_cuda_is_false_on_the_cpu():
    assert Tensor([1.0]).is_cuda is torch.tensor([1.0]).is_cuda is False


# ---- grad modes --------------------------------------------------------------------------

def _modes(lib):
    return lib.is_grad_enabled(), lib.is_inference_mode_enabled()


def _graph_recorded(lib):
    x = lib.ones(2, requires_grad=True)
    return (x * 2).requires_grad


@pytest.mark.parametrize("lib", ["tg", "torch"])
def test_inference_mode_records_no_graph(lib):
    lib = tg if lib == "tg" else torch
    with lib.inference_mode():
        assert _modes(lib) == (False, True)
        assert not _graph_recorded(lib)
        with lib.inference_mode(False):
            assert _modes(lib) == (True, False) and _graph_recorded(lib)
        with lib.no_grad(), lib.inference_mode(False):
            assert _modes(lib) == (True, False)  # mode=False turns recording on, even inside no_grad
    assert _modes(lib) == (True, False) and _graph_recorded(lib)


def test_grad_mode_managers_as_torch():
    """Each manager and decorator, in torch and in the engine, reports the same modes."""
    def run(lib):
        seen = []

        @lib.inference_mode
        def bare():
            seen.append(_modes(lib))

        @lib.inference_mode()
        def called():
            seen.append(_modes(lib))

        @lib.no_grad
        def no_grad_bare():
            seen.append(_modes(lib))

        @lib.enable_grad
        def enable_bare():
            seen.append(_modes(lib))

        @lib.enable_grad()
        def enable_called():
            seen.append(_modes(lib))

        bare(), called(), no_grad_bare()
        with lib.no_grad():
            enable_bare(), enable_called()
            seen.append(_modes(lib))
        seen.append(_modes(lib))
        return seen

    assert run(tg) == run(torch)


@pytest.mark.parametrize("lib", ["tg", "torch"])
def test_set_grad_enabled_as_call_and_as_context(lib):
    lib = tg if lib == "tg" else torch
    try:
        lib.set_grad_enabled(False)
        assert not lib.is_grad_enabled() and not _graph_recorded(lib)
        lib.set_grad_enabled(True)
        assert lib.is_grad_enabled() and _graph_recorded(lib)
        with lib.set_grad_enabled(False):
            assert not lib.is_grad_enabled() and not _graph_recorded(lib)
            with lib.set_grad_enabled(True):
                assert _graph_recorded(lib)
            assert not lib.is_grad_enabled()
        assert lib.is_grad_enabled()
    finally:
        lib.set_grad_enabled(True)


def test_set_grad_enabled_and_inference_mode_refuse_non_bools():
    with pytest.raises(TypeError):
        torch.set_grad_enabled(1)
    with pytest.raises(TypeError, match="set_grad_enabled"):
        tg.set_grad_enabled(1)
    with pytest.raises(TypeError, match="inference_mode"):
        tg.inference_mode("yes")
    with pytest.raises(TypeError, match="no_grad"):
        tg.no_grad(5)
    assert tg.is_grad_enabled()


def test_grad_modes_are_per_thread():
    seen = []
    with tg.inference_mode():
        worker = threading.Thread(target=lambda: seen.append(_modes(tg)))
        worker.start()
        worker.join()
    assert seen == [(True, False)]


def test_decorated_function_restores_the_mode_on_error():
    @tg.inference_mode()
    def fails():
        raise KeyError("boom")

    with pytest.raises(KeyError):
        fails()
    assert _modes(tg) == (True, False)


# ---- default dtype -----------------------------------------------------------------------

@pytest.fixture
def default_float64():
    """Both libraries' default dtype set to float64 for the test, float32 again after it."""
    torch.set_default_dtype(torch.float64)
    tg.set_default_dtype(tg.float64)
    try:
        yield
    finally:
        torch.set_default_dtype(torch.float32)
        tg.set_default_dtype(tg.float32)


def test_default_dtype_starts_float32():
    assert tg.get_default_dtype() == tg.float32
    assert torch.get_default_dtype() == torch_dtype(tg.get_default_dtype())


DEFAULT_DTYPE_CASES = {
    "python float": lambda lib: lib.tensor(1.5),
    "list of floats": lambda lib: lib.tensor([1.5, 2.0]),
    "Tensor of floats": lambda lib: (Tensor if lib is tg else torch.tensor)([1.5]),
    "zeros": lambda lib: lib.zeros(2, 3),
    "ones": lambda lib: lib.ones(2),
    "rand": lambda lib: lib.rand(2),
    "randn": lambda lib: lib.randn(2),
    "full with a float": lambda lib: lib.full((2,), 1.5),
    "eye": lambda lib: lib.eye(2),
    "arange with float args": lambda lib: lib.arange(0, 1, 0.25),
    "int tensor * float": lambda lib: lib.tensor([1, 2]) * 2.5,
    "float + int tensor": lambda lib: 2.5 + lib.tensor([1, 2]),
    "int tensor / int tensor": lambda lib: lib.tensor([1, 2]) / lib.tensor([2, 4]),
    "int tensor / int": lambda lib: lib.tensor([1, 2]) / 2,
    "bool tensor / int": lambda lib: lib.tensor([True, False]) / 2,
    "exp of an int tensor": lambda lib: lib.tensor([1, 2]).exp(),
    "sigmoid of an int tensor": lambda lib: lib.tensor([1, 2]).sigmoid(),
    # the default does not reach what has a dtype already
    "arange with ints": lambda lib: lib.arange(3),
    "int list": lambda lib: lib.tensor([1, 2]),
    "float32 tensor * float": lambda lib: lib.tensor([1.0], dtype=lib.float32) * 2.5,
    "float16 tensor * float": lambda lib: lib.tensor([1.0], dtype=lib.float16) * 2.5,
    "numpy float32 array": lambda lib: lib.tensor(np.ones(2, np.float32)),
    "zeros with a dtype": lambda lib: lib.zeros(2, dtype=lib.float32),
}


@pytest.mark.parametrize("case", DEFAULT_DTYPE_CASES)
def test_default_dtype_float64_reaches_each_place_as_in_torch(case, default_float64):
    ours, theirs = DEFAULT_DTYPE_CASES[case](tg), DEFAULT_DTYPE_CASES[case](torch)
    assert torch_dtype(ours.dtype) == theirs.dtype
    if case not in ("rand", "randn"):
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-15, atol=0)


def test_default_dtype_float64_keeps_python_floats_exact(default_float64):
    assert tg.tensor(0.1).item() == 0.1  # not rounded to float32 on the way
    assert (tg.tensor([1]) / 3).item() == torch.tensor([1]).div(3).item() == 1 / 3


def test_default_dtype_float16(default_float64):
    tg.set_default_dtype(tg.float16)
    torch.set_default_dtype(torch.float16)
    for case in ("zeros", "python float", "int tensor * float", "int tensor / int"):
        assert torch_dtype(DEFAULT_DTYPE_CASES[case](tg).dtype) == DEFAULT_DTYPE_CASES[case](torch).dtype
    assert tg.get_default_dtype() == tg.float16


@pytest.mark.parametrize("bad", [tg.int64, tg.bool_, tg.int32, "x", None, 5])
def test_set_default_dtype_refuses_non_floats(bad):
    twin = {tg.int64: torch.int64, tg.bool_: torch.bool, tg.int32: torch.int32}.get(bad, bad)
    with pytest.raises(TypeError):
        torch.set_default_dtype(twin)
    with pytest.raises(TypeError, match="set_default_dtype"):
        tg.set_default_dtype(bad)
    assert tg.get_default_dtype() == tg.float32


def test_default_dtype_is_global_across_threads(default_float64):
    seen = []
    worker = threading.Thread(target=lambda: seen.append((tg.get_default_dtype(), tg.zeros(1).dtype)))
    worker.start()
    worker.join()
    assert seen == [(tg.float64, tg.float64)]


LAYERS = [
    ("Linear", lambda m: m.nn.Linear(2, 3), "weight"),
    ("Embedding", lambda m: m.nn.Embedding(4, 3), "weight"),
    ("LayerNorm", lambda m: m.nn.LayerNorm(3), "weight"),
]


@pytest.mark.parametrize("name, make, field", LAYERS, ids=[c[0] for c in LAYERS])
def test_layers_take_the_default_dtype_as_torch(name, make, field, default_float64):
    ours, theirs = getattr(make(tg), field), getattr(make(torch), field)
    assert ours.dtype.name == str(theirs.dtype).removeprefix("torch.") == "float64"


def test_attention_and_transformer_take_the_default_dtype(default_float64):
    assert all(p.dtype == tg.float64 for p in tg.nn.MultiHeadAttention(8, 2).parameters())
    assert all(p.dtype == tg.float64 for p in tg.nn.TransformerLM(11, 8, 2, 1, 16).parameters())
