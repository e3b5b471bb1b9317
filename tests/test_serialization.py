"""tg.save / tg.load and training checkpoints: bit-exact round trips, the safetensors format,
atomic writes, and clear errors for missing, truncated and corrupt files."""
import os

import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

import tinygrad_lite as tg
import tinygrad_lite.nn as nn
import tinygrad_lite.nn.functional as F
import tinygrad_lite.optim as optim
from tinygrad_lite import load, save
from tinygrad_lite.serialization import load_checkpoint, save_checkpoint

safetensors_numpy = pytest.importorskip("safetensors.numpy", reason="the file format: pip install safetensors")

DTYPES = [np.float16, np.float32, np.float64, np.int64, np.bool_]


def assert_bit_identical(ours, expected):
    """Same dtype, same shape and the same bytes (so NaN payloads, -0.0 and infinities count)."""
    ours, expected = np.asarray(ours), np.asarray(expected)
    assert ours.dtype == expected.dtype and ours.shape == expected.shape
    assert ours.tobytes() == expected.tobytes()


arrays = st.sampled_from(DTYPES).flatmap(
    lambda dtype: hnp.arrays(dtype, hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4)))
names = st.text(min_size=1, max_size=12).filter(lambda name: name != "__metadata__")  # reserved by the format
state_dicts = st.dictionaries(names, arrays, max_size=6)


@given(state=state_dicts)
def test_round_trip_is_bit_exact_for_every_dtype_and_shape(tmp_path_factory, state):
    path = tmp_path_factory.mktemp("rt") / "state.safetensors"
    save({name: tg.Tensor(a) for name, a in state.items()}, path)
    loaded = load(path)
    assert set(loaded) == set(state)
    for name, array in state.items():
        assert isinstance(loaded[name], tg.Tensor)
        assert_bit_identical(loaded[name].numpy(), array)


def test_zero_dim_empty_and_transposed_arrays_keep_their_shape(tmp_path):
    state = {
        "scalar_bool": np.array(True), "scalar_f64": np.array(-0.0), "scalar_f16": np.float16(65504),
        "empty": np.zeros((0, 3), np.float32), "transposed": np.arange(6.0).reshape(2, 3).T,
        "special": np.array([np.nan, np.inf, -np.inf, -0.0, 5e-324]),
    }
    save(state, tmp_path / "s.safetensors")
    loaded = load(tmp_path / "s.safetensors")
    for name, array in state.items():
        assert_bit_identical(loaded[name].numpy(), np.asarray(array))


def test_the_file_is_plain_safetensors_both_ways(tmp_path):
    ours = {"w": np.arange(6, dtype=np.float32).reshape(2, 3), "n": np.array([1, -2], np.int64)}
    save(ours, tmp_path / "ours.safetensors")
    read_by_reference = safetensors_numpy.load_file(str(tmp_path / "ours.safetensors"))
    for name, array in ours.items():
        assert_bit_identical(read_by_reference[name], array)

    theirs = {"b": np.array([True, False]), "x": np.linspace(0, 1, 5)}
    safetensors_numpy.save_file(theirs, str(tmp_path / "theirs.safetensors"))
    loaded = load(tmp_path / "theirs.safetensors")
    for name, array in theirs.items():
        assert_bit_identical(loaded[name].numpy(), array)


def test_torch_reads_our_file():
    torch = pytest.importorskip("torch", reason="reading with torch needs torch: pip install -e '.[test]'")
    safetensors_torch = pytest.importorskip("safetensors.torch", reason="safetensors' torch reader")
    import tempfile
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "m.safetensors")
        weight = np.random.default_rng(0).standard_normal((3, 4)).astype(np.float32)
        save({"weight": weight}, path)
        loaded = safetensors_torch.load_file(path)
    assert loaded["weight"].dtype == torch.float32
    assert_bit_identical(loaded["weight"].numpy(), weight)


def test_a_model_survives_save_and_load(tmp_path):
    tg.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 5), nn.ReLU(), nn.Linear(5, 2))
    save(model.state_dict(), tmp_path / "m.safetensors")
    tg.manual_seed(1)
    other = nn.Sequential(nn.Linear(3, 5), nn.ReLU(), nn.Linear(5, 2))
    other.load_state_dict(load(tmp_path / "m.safetensors"))
    x = tg.randn(4, 3)
    assert_bit_identical(other(x).numpy(), model(x).numpy())


# ---- atomic writes ----------------------------------------------------------------------

def test_a_failing_write_leaves_the_old_file_intact_and_no_temporary_behind(tmp_path, monkeypatch):
    path = tmp_path / "w.safetensors"
    save({"x": np.ones(3)}, path)
    before = path.read_bytes()

    def disk_full(fd):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OSError, match="No space left"):
        save({"x": np.zeros(1000)}, path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["w.safetensors"]


def test_an_interrupted_write_leaves_the_old_file_intact(tmp_path, monkeypatch):
    path = tmp_path / "w.safetensors"
    save({"x": np.ones(3)}, path)
    before = path.read_bytes()

    def interrupted(src, dst):
        raise KeyboardInterrupt
    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        save({"x": np.zeros(3)}, path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["w.safetensors"]


def test_an_unsaveable_value_is_rejected_before_anything_is_written(tmp_path):
    path = tmp_path / "w.safetensors"
    save({"x": np.ones(3)}, path)
    before = path.read_bytes()
    with pytest.raises(TypeError, match=r"'bad' is a list"):
        save({"x": np.zeros(3), "bad": [1, 2]}, path)
    with pytest.raises(TypeError, match=r"'c' has dtype complex64"):
        save({"c": np.zeros(2, np.complex64)}, path)
    with pytest.raises(TypeError, match="names must be strings"):
        save({3: np.zeros(2)}, path)
    with pytest.raises(TypeError, match="expects a dict"):
        save([np.zeros(2)], path)
    with pytest.raises(ValueError, match="'__metadata__' is reserved"):
        save({"__metadata__": np.zeros(2)}, path)
    assert path.read_bytes() == before and os.listdir(tmp_path) == ["w.safetensors"]


def test_saving_into_a_missing_folder_says_which(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        save({"x": np.ones(1)}, tmp_path / "nope" / "w.safetensors")


# ---- bad files --------------------------------------------------------------------------

def test_a_missing_file_is_a_file_not_found_error_naming_it(tmp_path):
    with pytest.raises(FileNotFoundError, match="missing.safetensors"):
        load(tmp_path / "missing.safetensors")


@pytest.mark.parametrize("keep", [0, 3, 8, 40, -1, -9])
def test_a_truncated_file_is_a_value_error_naming_it(tmp_path, keep):
    path = tmp_path / "t.safetensors"
    save({"a": np.arange(10.0), "b": np.ones((2, 2), np.float16)}, path)
    payload = path.read_bytes()
    path.write_bytes(payload[:keep] if keep >= 0 else payload[:len(payload) + keep])
    with pytest.raises(ValueError, match=r"t\.safetensors.*not a complete safetensors file"):
        load(path)


@pytest.mark.parametrize("payload", [
    b"this is not a tensor file at all",
    (20).to_bytes(8, "little") + b"{not json either!!!}",
    (2).to_bytes(8, "little") + b"{}" + b"trailing bytes",
])
def test_a_corrupt_file_is_a_value_error_naming_it(tmp_path, payload):
    path = tmp_path / "c.safetensors"
    path.write_bytes(payload)
    with pytest.raises(ValueError, match=r"c\.safetensors"):
        load(path)


def test_a_dtype_tensors_cannot_hold_is_reported_on_load(tmp_path):
    path = str(tmp_path / "complex.safetensors")
    safetensors_numpy.save_file({"z": np.ones(2, np.complex64)}, path)
    with pytest.raises(ValueError, match=r"complex\.safetensors.*'z' as complex64"):
        load(path)


# ---- checkpoints ------------------------------------------------------------------------

def _model():
    return nn.Sequential(nn.Linear(4, 16), nn.GELU(), nn.Dropout(0.2), nn.Linear(16, 3))


def _train(model, opt, sched, steps, seed):
    """`steps` AdamW steps on fixed random data; dropout draws from the engine's stream."""
    model.train()
    for step in range(steps):
        rng = np.random.default_rng([seed, step])
        x = tg.Tensor(rng.standard_normal((8, 4)).astype(np.float32))
        y = rng.integers(0, 3, size=8)
        opt.zero_grad()
        F.cross_entropy(model(x), y).backward()
        opt.step()
        sched.step()


def _fresh(seed):
    tg.manual_seed(seed)
    model = _model()
    opt = optim.AdamW(model.parameters(), lr=1e-2)
    return model, opt, optim.CosineAnnealingLR(opt, T_max=10)


def test_resuming_from_a_checkpoint_is_bit_identical_to_not_stopping(tmp_path):
    model, opt, sched = _fresh(0)
    _train(model, opt, sched, 4, seed=1)
    save_checkpoint(tmp_path / "c.safetensors", model, opt, sched, step=4, extra={"note": "half way"})
    _train(model, opt, sched, 3, seed=2)
    uninterrupted = {name: t.numpy().copy() for name, t in model.state_dict().items()}

    resumed, opt2, sched2 = _fresh(99)  # different weights and random stream until loaded
    info = load_checkpoint(tmp_path / "c.safetensors", resumed, opt2, sched2)
    assert info["step"] == 4 and info["extra"] == {"note": "half way"}
    _train(resumed, opt2, sched2, 3, seed=2)
    for name, value in resumed.state_dict().items():
        assert_bit_identical(value.numpy(), uninterrupted[name])
    assert opt2.lr == opt.lr and sched2.last_epoch == sched.last_epoch == 7


def test_checkpoint_numbers_come_back_exactly_with_their_types(tmp_path):
    model, opt, sched = _fresh(0)
    opt.lr = 0.1 + 0.2  # not a short decimal
    opt.eps = 5e-324
    _train(model, opt, sched, 1, seed=0)
    save_checkpoint(tmp_path / "c.safetensors", model, opt, sched)
    state = load_checkpoint(tmp_path / "c.safetensors", restore_rng=False)["optimizer"]
    for name, value in opt.state_dict().items():
        if isinstance(value, np.ndarray):
            assert_bit_identical(state[name], value)
        else:
            assert type(state[name]) is type(value) and state[name] == value, name


def test_load_checkpoint_restores_the_random_stream(tmp_path):
    model, opt, sched = _fresh(3)
    save_checkpoint(tmp_path / "c.safetensors", model)
    expected = tg.randn(5).numpy()
    tg.manual_seed(1234)
    load_checkpoint(tmp_path / "c.safetensors")
    assert_bit_identical(tg.randn(5).numpy(), expected)


def test_checkpoint_errors(tmp_path):
    model, opt, sched = _fresh(0)
    save(model.state_dict(), tmp_path / "plain.safetensors")
    with pytest.raises(ValueError, match="not a checkpoint"):
        load_checkpoint(tmp_path / "plain.safetensors", model)
    save_checkpoint(tmp_path / "model_only.safetensors", model)
    with pytest.raises(ValueError, match="holds no optimizer state"):
        load_checkpoint(tmp_path / "model_only.safetensors", model, opt)
    with pytest.raises(TypeError, match="JSON"):
        save_checkpoint(tmp_path / "bad.safetensors", model, extra={"x": object()})
    assert not (tmp_path / "bad.safetensors").exists()
