"""tg.save / tg.load and training checkpoints: bit-exact round trips, the safetensors format,
atomic writes, and clear errors for missing, truncated and corrupt files.

Also: a checkpoint that does not fit (model, optimizer, schedule or random state) raises and
leaves every weight, buffer, number and the random stream bit-identical; a process killed
by SIGTERM or SIGINT mid-write (made to stall there, so the kill always lands mid-write)
leaves the old file and no temporary, and still dies of that signal; a Python signal handler
still runs and the write completes; the next save sweeps temporaries of its target left by
dead processes and no others; every error of save/load/save_checkpoint/load_checkpoint
starts with the function's name (checked in folders whose names hold neither word).
"""
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
    assert opt2.param_groups[0]["lr"] == opt.param_groups[0]["lr"] and sched2.last_epoch == sched.last_epoch == 7


def test_checkpoint_numbers_come_back_exactly_with_their_types(tmp_path):
    model, opt, sched = _fresh(0)
    opt.param_groups[0]["lr"] = 0.1 + 0.2  # not a short decimal
    opt.param_groups[0]["eps"] = 5e-324
    _train(model, opt, sched, 1, seed=0)
    save_checkpoint(tmp_path / "c.safetensors", model, opt, sched)
    state = load_checkpoint(tmp_path / "c.safetensors", restore_rng=False)["optimizer"]
    for name, value in opt._flat_state_dict().items():  # the form a checkpoint holds
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


# ---- a checkpoint that does not fit changes nothing ---------------------------------------

def _snapshot(model, opt, sched):
    """Everything a load could change, as bytes and plain values: every weight, the optimizer's
    and the schedule's state and hyperparameters, and the engine's random state."""
    def plain(state):
        return {name: (v.dtype.str, v.shape, v.tobytes()) if isinstance(v, np.ndarray) else (type(v), v)
                for name, v in state.items()}
    return (plain({n: t.numpy() for n, t in model.state_dict().items()}), plain(opt._flat_state_dict()),
            plain(sched.state_dict()), repr(tg.rng.generator().bit_generator.state))


def _rewrite_checkpoint(source, target, edit_arrays=None, edit_header=None):
    """Copy checkpoint `source` to `target`, changing its arrays and/or its JSON header."""
    import json
    payload = source.read_bytes()
    arrays = safetensors_numpy.load(payload)
    size = int.from_bytes(payload[:8], "little")
    header = json.loads(json.loads(payload[8:8 + size])["__metadata__"]["tinygrad_lite"])
    if edit_arrays:
        edit_arrays(arrays)
    if edit_header:
        edit_header(header)
    target.write_bytes(safetensors_numpy.save(arrays, metadata={"tinygrad_lite": json.dumps(header)}))


def _wrong_buffer_shape(arrays):
    arrays["optimizer.state.2.exp_avg"] = np.zeros((5, 5), np.float32)


def _foreign_rng(header):
    header["rng_state"] = {"bit_generator": "MT19937", "state": {"key": [1, 2], "pos": 0}}


def _garbled_rng(header):
    header["rng_state"]["state"] = "not a state"


def _lr_not_a_number(header):
    import json
    groups = json.loads(header["optimizer_numbers"]["param_groups"])
    groups[0]["lr"] = "fast"
    header["optimizer_numbers"]["param_groups"] = json.dumps(groups)


def _no_rng(header):
    del header["rng_state"]


def _other_architecture(seed):
    tg.manual_seed(seed)
    model = nn.Sequential(nn.Linear(4, 16), nn.GELU(), nn.Dropout(0.2), nn.Linear(16, 5))  # 5 classes, not 3
    opt = optim.AdamW(model.parameters(), lr=1e-2)
    return model, opt, optim.CosineAnnealingLR(opt, T_max=10)


def _sgd_instead(seed):
    model, _, _ = _fresh(seed)
    opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    return model, opt, optim.CosineAnnealingLR(opt, T_max=10)


def _fewer_params(seed):
    model, _, _ = _fresh(seed)
    opt = optim.AdamW(list(model.parameters())[:2], lr=1e-2)
    return model, opt, optim.CosineAnnealingLR(opt, T_max=10)


def _other_schedule(seed):
    model, opt, _ = _fresh(seed)
    return model, opt, optim.StepLR(opt, step_size=3)


# name -> (how the objects to load into are made, how the file is damaged, the error, words in it)
MISFITS = {
    "model_of_another_shape": (_other_architecture, {}, ValueError, ["load_checkpoint", "model", "shape"]),
    "optimizer_of_another_kind": (_sgd_instead, {}, ValueError, ["SGD.load_state_dict", "momentum"]),
    "optimizer_with_fewer_params": (_fewer_params, {}, ValueError, ["AdamW.load_state_dict", "2"]),
    "schedule_of_another_kind": (_other_schedule, {}, ValueError, ["StepLR.load_state_dict", "step_size"]),
    "optimizer_buffer_of_another_shape": (_fresh, dict(edit_arrays=_wrong_buffer_shape), ValueError,
                                          ["state 2 exp_avg", "(5, 5)"]),
    "optimizer_number_not_a_number": (_fresh, dict(edit_header=_lr_not_a_number), TypeError, ["learning rate", "fast"]),
    "rng_state_of_another_generator": (_fresh, dict(edit_header=_foreign_rng), ValueError,
                                       ["load_checkpoint", "random state"]),
    "rng_state_garbled": (_fresh, dict(edit_header=_garbled_rng), ValueError, ["load_checkpoint", "random state"]),
    "rng_state_missing": (_fresh, dict(edit_header=_no_rng), ValueError, ["load_checkpoint", "rng_state"]),
}


@pytest.mark.parametrize("name", list(MISFITS))
def test_a_checkpoint_that_does_not_fit_leaves_everything_bit_identical(tmp_path, name):
    make, damage, error, words = MISFITS[name]
    model, opt, sched = _fresh(0)
    _train(model, opt, sched, 2, seed=1)
    save_checkpoint(tmp_path / "c.safetensors", model, opt, sched, step=2)
    path = tmp_path / "c.safetensors"
    if damage:
        path = tmp_path / "damaged.safetensors"
        _rewrite_checkpoint(tmp_path / "c.safetensors", path, **damage)

    target = make(5)  # other weights, other random stream
    _train(*target, 1, seed=3)  # and optimizer state of its own
    tg.manual_seed(77)
    tg.randn(3)  # the stream is somewhere in the middle
    before = _snapshot(*target)
    with pytest.raises(error) as info:
        load_checkpoint(path, *target)
    for word in words:
        assert word in str(info.value), f"{word!r} not in: {info.value}"
    assert _snapshot(*target) == before


def test_load_checkpoint_without_restore_rng_ignores_a_bad_random_state(tmp_path):
    model, opt, sched = _fresh(0)
    save_checkpoint(tmp_path / "c.safetensors", model, opt, sched)
    _rewrite_checkpoint(tmp_path / "c.safetensors", tmp_path / "d.safetensors", edit_header=_garbled_rng)
    other, opt2, sched2 = _fresh(1)
    load_checkpoint(tmp_path / "d.safetensors", other, opt2, sched2, restore_rng=False)
    for name, value in other.state_dict().items():
        assert_bit_identical(value.numpy(), model.state_dict()[name].numpy())


# ---- killed mid-write: no temporary left behind ---------------------------------------------

_SLOW_WRITER = '''
import os, signal, sys, time
import numpy as np
from tinygrad_lite import atomic_file, save

mode, folder = sys.argv[1], sys.argv[2]
if mode == "SIGINT_default_action":
    signal.signal(signal.SIGINT, signal.SIG_DFL)   # SIGINT ends the process without Python's cleanup

def stalled(f, payload):
    """Write part of the file, say so, then wait to be killed: the kill lands mid-write, every time."""
    f.write(payload[:4096])
    f.flush()
    print("writing", flush=True)
    time.sleep(60)

atomic_file._write_all = stalled
save({"x": np.zeros(1 << 16)}, os.path.join(folder, "w.safetensors"))
print("finished", flush=True)
'''


@pytest.mark.parametrize("mode, sig", [
    ("SIGTERM", "SIGTERM"),                       # default action: the process ends at once
    ("SIGINT_default_action", "SIGINT"),          # the same, for SIGINT set back to the OS default
    ("SIGINT_keyboard_interrupt", "SIGINT"),      # Python's own handler: KeyboardInterrupt
])
def test_a_write_killed_by_a_signal_leaves_the_old_file_and_no_temporary(tmp_path, mode, sig):
    import signal
    import subprocess
    import sys

    if os.name != "posix":
        pytest.skip("POSIX signals")
    number = getattr(signal, sig)
    script = tmp_path / "writer.py"
    script.write_text(_SLOW_WRITER)
    folder = tmp_path / "out"
    folder.mkdir()
    save({"x": np.ones(3)}, folder / "w.safetensors")
    before = (folder / "w.safetensors").read_bytes()

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the package, installed or not
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
    child = subprocess.Popen([sys.executable, str(script), mode, str(folder)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert child.stdout.readline().strip() == "writing", child.stderr.read()
        assert len(os.listdir(folder)) == 2  # the old file and the temporary being written
        child.send_signal(number)
        child.wait(timeout=30)
    finally:
        child.kill()
        child.wait()
        child.stdout.close()
        child.stderr.close()
    assert child.returncode == -number  # it died of the signal, as it would have without the cleanup
    assert os.listdir(folder) == ["w.safetensors"]
    assert (folder / "w.safetensors").read_bytes() == before


def test_a_python_signal_handler_runs_and_the_write_completes(tmp_path, monkeypatch):
    """A handler that only takes note (a graceful shutdown) must not cost the file being written."""
    import signal

    from tinygrad_lite import atomic_file

    if os.name != "posix":
        pytest.skip("POSIX signals")
    seen = []
    previous = signal.signal(signal.SIGTERM, lambda number, frame: seen.append(number))
    real_write = atomic_file._write_all

    def signalled(f, payload):
        os.kill(os.getpid(), signal.SIGTERM)
        real_write(f, payload)
    monkeypatch.setattr(atomic_file, "_write_all", signalled)
    try:
        handler = signal.getsignal(signal.SIGTERM)
        save({"x": np.arange(5.0)}, tmp_path / "w.safetensors")
        assert seen == [signal.SIGTERM]
        assert signal.getsignal(signal.SIGTERM) is handler  # left in place, not replaced
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert_bit_identical(load(tmp_path / "w.safetensors")["x"].numpy(), np.arange(5.0))
    assert os.listdir(tmp_path) == ["w.safetensors"]


def test_save_puts_the_signal_handlers_back_as_they_were(tmp_path):
    import signal
    names = [name for name in ("SIGTERM", "SIGINT", "SIGHUP") if hasattr(signal, name)]
    before = {name: signal.getsignal(getattr(signal, name)) for name in names}
    save({"x": np.ones(2)}, tmp_path / "w.safetensors")
    assert {name: signal.getsignal(getattr(signal, name)) for name in names} == before


def _dead_pid():
    import subprocess
    import sys
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()  # reaped: no process has this pid now
    return child.pid


def test_the_next_save_sweeps_temporaries_of_that_target_left_by_dead_processes(tmp_path):
    import uuid

    if os.name != "posix":
        pytest.skip("liveness of a pid is asked with os.kill(pid, 0), POSIX only")
    dead, alive = _dead_pid(), os.getppid()

    def temporary(target, pid):
        path = tmp_path / f".{target}.{pid}.{uuid.uuid4().hex}.tmp"
        path.write_bytes(b"half a file")
        return path.name

    stale = [temporary("w.safetensors", dead), temporary("w.safetensors", dead)]
    kept = [temporary("w.safetensors", alive),           # its writer may still be writing
            temporary("w.safetensors", os.getpid()),     # ours: another thread may be writing it
            temporary("other.safetensors", dead),        # another target's: swept when that one is saved
            ".w.safetensors.tmp", "w.safetensors.123.tmp"]  # not named as our temporaries are
    (tmp_path / ".w.safetensors.tmp").write_bytes(b"")
    (tmp_path / "w.safetensors.123.tmp").write_bytes(b"")
    save({"x": np.ones(2)}, tmp_path / "w.safetensors")
    assert sorted(os.listdir(tmp_path)) == sorted(kept + ["w.safetensors"])
    assert not any((tmp_path / name).exists() for name in stale)


# ---- every error names the function and the path ---------------------------------------------
# pytest's tmp_path holds the test's name, which may contain "load" or "save"; these tests use a
# folder of their own and check that the message *starts* with the function's name.

@pytest.fixture
def folder():
    import shutil
    import tempfile
    path = tempfile.mkdtemp(prefix="tgl-io-")
    yield path
    shutil.rmtree(path)


def _starts_with(error, op, path=None):
    message = str(error.value)
    assert message.startswith(f"{op}: "), message
    assert path is None or repr(os.fspath(path)) in message, message


def test_reading_a_folder_is_an_is_a_directory_error_naming_load_and_the_folder(folder):
    with pytest.raises(IsADirectoryError) as error:
        load(folder)
    _starts_with(error, "load", folder)
    assert error.value.errno == 21


def test_reading_a_missing_or_broken_file_names_load_and_the_path(folder):
    missing = os.path.join(folder, "missing.safetensors")
    with pytest.raises(FileNotFoundError) as error:
        load(missing)
    _starts_with(error, "load", missing)
    broken = os.path.join(folder, "broken.safetensors")
    with open(broken, "wb") as f:
        f.write(b"nothing like a tensor file")
    with pytest.raises(ValueError) as error:
        load(broken)
    _starts_with(error, "load", broken)


def test_an_unreadable_file_is_a_permission_error_naming_load(folder, monkeypatch):
    import tinygrad_lite.serialization as serialization
    path = os.path.join(folder, "w.safetensors")
    save({"x": np.ones(2)}, path)

    def refused(*args, **kwargs):
        raise PermissionError(13, "Permission denied")
    monkeypatch.setattr(serialization, "open", refused, raising=False)
    with pytest.raises(PermissionError) as error:
        load(path)
    _starts_with(error, "load", path)


@pytest.mark.parametrize("path, error", [(3, TypeError), (None, TypeError), (b"w.safetensors", TypeError),
                                         ("", ValueError)])
def test_a_path_that_is_not_a_path_is_refused_naming_the_function(path, error):
    model = nn.Linear(2, 2)
    for op, call in [("load", lambda: load(path)), ("save", lambda: save({"x": np.ones(2)}, path)),
                     ("load_checkpoint", lambda: load_checkpoint(path)),
                     ("save_checkpoint", lambda: save_checkpoint(path, model))]:
        with pytest.raises(error) as caught:
            call()
        _starts_with(caught, op)


@pytest.mark.parametrize("state, words", [
    ([np.zeros(2)], ["list"]), (None, ["NoneType"]), (np.zeros(2), ["ndarray"]),
    ({1: np.zeros(2)}, ["names must be strings"]), ({"w": [1.0, 2.0]}, ["'w'", "list"]),
    ({"w": 2.0}, ["'w'", "float"]), ({"w": None}, ["'w'", "NoneType"]),
])
def test_save_refuses_what_is_not_a_mapping_of_names_to_tensors_with_a_type_error(folder, state, words):
    path = os.path.join(folder, "w.safetensors")
    with pytest.raises(TypeError) as error:
        save(state, path)
    _starts_with(error, "save")
    for word in words:
        assert word in str(error.value)
    assert os.listdir(folder) == []


def test_save_accepts_any_mapping(folder):
    import types
    path = os.path.join(folder, "w.safetensors")
    save(types.MappingProxyType({"w": tg.Tensor(np.arange(3.0))}), path)
    assert_bit_identical(load(path)["w"].numpy(), np.arange(3.0))


def test_writing_onto_a_folder_or_into_a_missing_one_names_save_and_the_path(folder):
    os.mkdir(os.path.join(folder, "sub"))
    with pytest.raises(IsADirectoryError) as error:
        save({"x": np.ones(2)}, os.path.join(folder, "sub"))
    _starts_with(error, "save", os.path.join(folder, "sub"))
    missing = os.path.join(folder, "nope", "w.safetensors")
    with pytest.raises(FileNotFoundError) as error:
        save({"x": np.ones(2)}, missing)
    _starts_with(error, "save", missing)
    assert os.listdir(folder) == ["sub"]


@pytest.mark.parametrize("failure", [OSError(28, "No space left on device"), PermissionError(13, "Permission denied")])
def test_a_failing_write_keeps_its_error_type_and_names_save(folder, monkeypatch, failure):
    path = os.path.join(folder, "w.safetensors")
    real_open = os.open

    def refused(name, *args, **kwargs):
        if name.endswith(".tmp"):
            raise failure
        return real_open(name, *args, **kwargs)
    monkeypatch.setattr(os, "open", refused)
    with pytest.raises(type(failure)) as error:
        save({"x": np.ones(2)}, path)
    _starts_with(error, "save", path)
    assert failure.strerror in str(error.value) and error.value.errno == failure.errno
    assert os.listdir(folder) == []


def test_checkpoint_functions_name_themselves(folder):
    model = nn.Linear(2, 2)
    with pytest.raises(IsADirectoryError) as error:
        load_checkpoint(folder, model)
    _starts_with(error, "load_checkpoint", folder)
    path = os.path.join(folder, "c.safetensors")
    for bad, kind in [(dict(model=None), TypeError), (dict(model=model, optimizer="adam"), TypeError),
                      (dict(model=model, optimizer=nn.ReLU()), TypeError),
                      (dict(model=model, step="3"), TypeError), (dict(model=model, step=2.0), TypeError),
                      (dict(model=model, step=-1), ValueError), (dict(model=model, extra="notes"), TypeError),
                      (dict(model=model, extra=5), TypeError), (dict(model=model, extra={1: "a"}), TypeError)]:
        with pytest.raises(kind) as error:
            save_checkpoint(path, **bad)
        _starts_with(error, "save_checkpoint")
    opt = optim.SGD(model.parameters(), lr=0.1)
    save_checkpoint(path, model, opt, optim.StepLR(opt, 2))
    for bad in [dict(model=model.state_dict()), dict(optimizer=nn.ReLU()), dict(scheduler=opt),
                dict(optimizer=model)]:
        with pytest.raises(TypeError) as error:
            load_checkpoint(path, **bad)
        _starts_with(error, "load_checkpoint")
    assert os.listdir(folder) == ["c.safetensors"]


def test_a_torch_pickle_is_refused_with_the_way_to_convert_it(tmp_path):
    torch = pytest.importorskip("torch", reason="writes a file with torch.save")
    path = tmp_path / "model.pt"
    torch.save({"w": torch.ones(2)}, path)
    with pytest.raises(ValueError, match=r"torch\.save.*save_file"):
        tg.load(path)
    legacy = tmp_path / "legacy.pt"
    torch.save({"w": torch.ones(2)}, legacy, _use_new_zipfile_serialization=False)
    with pytest.raises(ValueError, match=r"torch\.save"):
        tg.load(legacy)


def test_a_state_dict_written_by_torch_loads_into_the_twin(tmp_path):
    torch = pytest.importorskip("torch", reason="writes the file with safetensors.torch")
    save_file = pytest.importorskip("safetensors.torch", reason="safetensors' torch helpers").save_file
    ref = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2))
    save_file(ref.state_dict(), tmp_path / "torch.safetensors")
    ours = tg.nn.Sequential(tg.nn.Linear(3, 4), tg.nn.ReLU(), tg.nn.Linear(4, 2))
    assert ours.load_state_dict(tg.load(tmp_path / "torch.safetensors")) == ([], [])
    x = np.random.default_rng(0).standard_normal((5, 3)).astype(np.float32)
    np.testing.assert_allclose(ours(tg.Tensor(x)).numpy(), ref(torch.tensor(x)).detach().numpy(), rtol=1e-6)
