"""Saving tensors and training checkpoints in the safetensors format.

    tg.save(model.state_dict(), "model.safetensors")
    model.load_state_dict(tg.load("model.safetensors"))

safetensors is a JSON header (each tensor's dtype, shape and byte range) followed
by the raw little-endian bytes. Loading it runs no code, unlike pickle, so a file
from a stranger can at worst hold wrong numbers; and the bytes are the values,
so a round trip is bit-exact. Files are written atomically: to a temporary file
in the same folder, flushed to disk, then renamed over the target, so a crash
or an error mid-write leaves the old file as it was.

A checkpoint (`save_checkpoint` / `load_checkpoint`) is one such file holding a
model's state, an optimizer's state, the step counter and the engine's random
state, enough to resume training and get bit-identical parameters.
"""
import contextlib
import json
import os
import uuid

import numpy as np

from . import dtypes, rng
from .tensor import Tensor

_CHECKPOINT_FORMAT = "tinygrad_lite.checkpoint/1"


def _safetensors_numpy():
    try:
        import safetensors.numpy
    except ImportError:
        raise ImportError("saving and loading tensors needs the safetensors package: "
                          "pip install safetensors") from None
    return safetensors.numpy


# ---- tensors ----------------------------------------------------------------------------

def save(state_dict, path):
    """Write {name: Tensor or numpy array} to `path` in the safetensors format, atomically.

    Names must be strings; values must have a dtype a Tensor can hold (float16,
    float32, float64, int64, bool). 0-d and empty arrays are fine.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"save: path must be a str or os.PathLike, got {type(path).__name__}")
    _write_atomically(path, _serialize(_arrays_of(state_dict, "save"), metadata=None))


def load(path):
    """Read a safetensors file written by `save` (or by any safetensors writer): {name: Tensor}.

    Names come back sorted. Raises FileNotFoundError when there is no file, and
    ValueError naming the path when the file is truncated or not safetensors.
    """
    arrays, _ = _read(path)
    return {name: Tensor(array) for name, array in arrays.items()}


def _arrays_of(state_dict, op):
    """{name: numpy array} from a state dict, or an error saying which entry cannot be saved."""
    if not isinstance(state_dict, dict):
        raise TypeError(f"{op}: expects a dict of name -> Tensor, not {type(state_dict).__name__}")
    arrays = {}
    for name, value in state_dict.items():
        if not isinstance(name, str):
            raise TypeError(f"{op}: names must be strings; got {name!r} ({type(name).__name__})")
        if name == "__metadata__":
            raise ValueError(f"{op}: the name '__metadata__' is reserved by the safetensors format; rename it")
        if isinstance(value, Tensor):
            array = value.numpy()
        elif isinstance(value, (np.ndarray, np.generic)):
            array = np.asarray(value)
        else:
            raise TypeError(f"{op}: {name!r} is a {type(value).__name__}; only Tensors and numpy arrays "
                            "can be saved")
        try:
            dtypes.check(array.dtype)
        except TypeError:
            raise TypeError(f"{op}: {name!r} has dtype {array.dtype}; tensors are saved as float16, "
                            "float32, float64, int64 or bool (convert it first)") from None
        arrays[name] = array if array.flags.c_contiguous else array.copy(order="C")  # 0-d stays 0-d
    return arrays


def _serialize(arrays, metadata):
    return _safetensors_numpy().save(arrays, metadata=metadata)


def _write_atomically(path, payload):
    """Write bytes to `path` so that a reader sees the old file or the whole new one, never a part."""
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"save: the folder {folder!r} for {path!r} does not exist")
    temporary = os.path.join(folder, f".{os.path.basename(path)}.{uuid.uuid4().hex}.tmp")
    # os.open with mode 0o666 lets the umask decide the permissions, as for any new file
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise
    _fsync_folder(folder)


def _fsync_folder(folder):
    """Make the rename itself durable (POSIX; Windows cannot open a folder, and needs no such step)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):  # some file systems cannot sync a folder; the rename still stands
            os.fsync(fd)
    finally:
        os.close(fd)


def _read(path):
    """({name: array} sorted by name, metadata dict) from a safetensors file."""
    path = os.fspath(path)
    try:
        with open(path, "rb") as f:
            payload = f.read()
    except FileNotFoundError:
        raise FileNotFoundError(f"load: no file at {path!r}") from None
    try:
        arrays = _safetensors_numpy().load(payload)
        metadata = _header_metadata(payload)
    except Exception as e:  # safetensors raises its own error type (a bare Exception subclass)
        raise ValueError(f"load: {path!r} is not a complete safetensors file ({e}); "
                         "it may be truncated or of another format") from None
    for name, array in arrays.items():
        try:
            dtypes.check(array.dtype)
        except TypeError:
            raise ValueError(f"load: {path!r} holds {name!r} as {array.dtype}, "
                             "which a Tensor cannot hold") from None
    return {name: arrays[name] for name in sorted(arrays)}, metadata


def _header_metadata(payload):
    """The optional "__metadata__" entry of a safetensors header: 8 bytes of little-endian
    header length, then the header as JSON."""
    size = int.from_bytes(payload[:8], "little")
    return json.loads(payload[8:8 + size]).get("__metadata__") or {}


# ---- training checkpoints ---------------------------------------------------------------

def save_checkpoint(path, model, optimizer=None, scheduler=None, step=0, extra=None):
    """Write a training checkpoint to `path` (one safetensors file, atomically).

    It holds `model.state_dict()` (arrays named "model.<name>"), `optimizer.state_dict()`
    (a flat dict of numbers and arrays: arrays named "optimizer.<name>", numbers kept
    exactly in the JSON header), `scheduler.state_dict()` (numbers), `step`, the
    engine's random state (the stream `tg.manual_seed` restarts, which dropout and
    init draw from), and `extra`: anything JSON can hold, e.g. the run's settings.
    """
    arrays = {f"model.{name}": value for name, value in model.state_dict().items()}
    optimizer_numbers = None
    if optimizer is not None:
        optimizer_numbers = {}
        for name, value in optimizer.state_dict().items():
            if isinstance(value, (np.ndarray, np.generic, Tensor)):
                arrays[f"optimizer.{name}"] = value
            elif value is None or isinstance(value, (bool, int, float, str)):
                optimizer_numbers[name] = value
            else:
                raise TypeError(f"save_checkpoint: optimizer state {name!r} is a {type(value).__name__}; "
                                "expected a number, a string or a numpy array")
    header = {
        "format": _CHECKPOINT_FORMAT,
        "step": int(step),
        "optimizer_numbers": optimizer_numbers,
        "scheduler": None if scheduler is None else scheduler.state_dict(),
        "rng_state": rng.generator().bit_generator.state,
        "extra": extra,
    }
    try:
        metadata = {"tinygrad_lite": json.dumps(header)}
    except TypeError as e:
        raise TypeError(f"save_checkpoint: extra and the scheduler state must be "
                        f"JSON-serializable ({e})") from None
    _write_atomically(path, _serialize(_arrays_of(arrays, "save_checkpoint"), metadata))


def load_checkpoint(path, model=None, optimizer=None, scheduler=None, restore_rng=True):
    """Read a checkpoint written by `save_checkpoint`, loading it into whichever of
    `model`, `optimizer` and `scheduler` are given.

    With restore_rng the engine's random stream continues exactly where it was
    when the checkpoint was saved. Returns a dict with "step", "extra", "model"
    ({name: Tensor}), "optimizer" and "scheduler" (their state dicts, or None).
    """
    path = os.fspath(path)
    arrays, metadata = _read(path)
    try:
        header = json.loads(metadata["tinygrad_lite"])
        if header["format"] != _CHECKPOINT_FORMAT:
            raise KeyError("format")
    except (KeyError, ValueError):
        raise ValueError(f"load_checkpoint: {path!r} is a safetensors file but not a checkpoint "
                         "written by save_checkpoint (use tg.load for plain tensor files)") from None
    model_state = {name[len("model."):]: Tensor(a) for name, a in arrays.items() if name.startswith("model.")}
    optimizer_state = None
    if header["optimizer_numbers"] is not None:
        optimizer_state = {name[len("optimizer."):]: a.copy() for name, a in arrays.items()
                           if name.startswith("optimizer.")}
        optimizer_state.update(header["optimizer_numbers"])
    for part, target, state in (("optimizer", optimizer, optimizer_state),
                                ("scheduler", scheduler, header["scheduler"])):
        if target is not None and state is None:
            raise ValueError(f"load_checkpoint: {path!r} holds no {part} state")
    if model is not None:
        model.load_state_dict(model_state)
    if optimizer is not None:
        optimizer.load_state_dict(optimizer_state)
    if scheduler is not None:
        scheduler.load_state_dict(header["scheduler"])
    if restore_rng:
        rng.generator().bit_generator.state = header["rng_state"]
    return {"step": header["step"], "extra": header["extra"], "model": model_state,
            "optimizer": optimizer_state, "scheduler": header["scheduler"]}
