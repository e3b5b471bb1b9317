"""Saving tensors and training checkpoints in the safetensors format.

    tg.save(model.state_dict(), "model.safetensors")
    model.load_state_dict(tg.load("model.safetensors"))

safetensors is a JSON header (each tensor's dtype, shape and byte range) followed
by the raw little-endian bytes. Loading it runs no code, unlike pickle, so a file
from a stranger can at worst hold wrong numbers; and the bytes are the values,
so a round trip is bit-exact. Files are written atomically (atomic_file.py): to a
temporary file in the same folder, flushed to disk, then renamed over the target,
so a crash, a kill or an error mid-write leaves the old file as it was, and no
temporary behind.

Every error names the function that raised it (save, load, save_checkpoint,
load_checkpoint) and the path. A file system error keeps its type, as torch's
do: loading a folder is an IsADirectoryError, a missing file a FileNotFoundError.

A checkpoint (`save_checkpoint` / `load_checkpoint`) is one such file holding a
model's state, an optimizer's state, the step counter and the engine's random
state, enough to resume training and get bit-identical parameters.
"""
import errno
import json
import os
from collections.abc import Mapping

import numpy as np

from . import dtypes, rng
from .atomic_file import os_error, write_atomically
from ._tensor import Tensor
from .backend import get_backend

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
    path = _check_path(path, "save")
    write_atomically(path, _serialize(_arrays_of(state_dict, "save"), metadata=None), "save")


def load(path, map_location=None, *, weights_only=True):
    """Read a safetensors file written by `save` (or by any safetensors writer): {name: Tensor}.

    Names come back sorted. `map_location` (a device name or tg.device; None: the CPU) is where
    the tensors are made, as torch's `torch.load(path, map_location="cpu")`. `weights_only` is
    accepted for torch's programs; the file never holds anything but tensors, so it changes
    nothing. Raises FileNotFoundError when there is no file, IsADirectoryError for a folder, and
    ValueError naming the path when the file is truncated or not safetensors.
    """
    if map_location is not None and not isinstance(map_location, str):
        raise TypeError(f"load: map_location must be a device name or tg.device, not {type(map_location).__name__}")
    if not isinstance(weights_only, bool):
        raise TypeError(f"load: weights_only must be a bool, not {type(weights_only).__name__}")
    device = "cpu" if map_location is None else map_location
    get_backend(device, "load")  # an unknown or missing device is refused before the file is read
    arrays, _ = _read(_check_path(path, "load"), "load")
    return {name: Tensor(array, device=device) for name, array in arrays.items()}


def _check_path(path, op):
    """`path` as a str, or a TypeError/ValueError naming `op`."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{op}: path must be a str or os.PathLike, got {type(path).__name__}")
    path = os.fspath(path)
    if not isinstance(path, str):  # a PathLike may give bytes
        raise TypeError(f"{op}: path must be a str or os.PathLike of str, got {type(path).__name__}")
    if not path:
        raise ValueError(f"{op}: path is empty")
    return path


def _arrays_of(state_dict, op):
    """{name: numpy array} from a state dict, or an error saying which entry cannot be saved."""
    if not isinstance(state_dict, Mapping):
        raise TypeError(f"{op}: expects a dict (a mapping of name -> Tensor), not {type(state_dict).__name__}")
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


def _read(path, op):
    """({name: array} sorted by name, metadata dict) from a safetensors file; errors name `op`."""
    try:
        with open(path, "rb") as f:
            payload = f.read()
    except FileNotFoundError:
        raise os_error(FileNotFoundError, errno.ENOENT, f"{op}: no file at {path!r}") from None
    except IsADirectoryError:
        raise os_error(IsADirectoryError, errno.EISDIR, f"{op}: {path!r} is a folder, not a file") from None
    except OSError as e:
        raise os_error(type(e), e.errno, f"{op}: cannot read {path!r} ({e.strerror or e})") from None
    # torch.save's formats: a zip archive, or (before torch 1.6) a pickle that starts with its magic
    # number; a safetensors file starts with its header's length, which these bytes cannot be
    too_long = int.from_bytes(payload[:8], "little") > len(payload) - 8
    if too_long and (payload[:4] == b"PK\x03\x04" or payload[:4] == b"\x80\x02\x8a\x0a"):
        raise ValueError(f"{op}: {path!r} was written by torch.save (a pickle); the engine reads only safetensors, "
                         "which cannot run code. Convert it with torch itself: "
                         "from safetensors.torch import save_file; "
                         "save_file(torch.load(path, map_location='cpu'), 'model.safetensors')")
    try:
        arrays = _safetensors_numpy().load(payload)
        metadata = _header_metadata(payload)
    except Exception as e:  # safetensors raises its own error type (a bare Exception subclass)
        raise ValueError(f"{op}: {path!r} is not a complete safetensors file ({e}); "
                         "it may be truncated or of another format") from None
    for name, array in arrays.items():
        try:
            dtypes.check(array.dtype)
        except TypeError:
            raise ValueError(f"{op}: {path!r} holds {name!r} as {array.dtype}, "
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

    It holds `model.state_dict()` (arrays named "model.<name>"), the optimizer's state
    (flattened: its buffers as arrays named "optimizer.state.<i>.<name>", its param groups
    and step counts kept exactly in the JSON header), `scheduler.state_dict()` (numbers), `step`, the
    engine's random state (the stream `tg.manual_seed` restarts, which dropout and
    init draw from), and `extra`: a dict of anything JSON can hold, e.g. the run's settings.
    """
    path = _check_path(path, "save_checkpoint")
    for part, target in (("model", model), ("optimizer", optimizer), ("scheduler", scheduler)):
        kind = _kinds()[part]
        if (target is not None or part == "model") and not isinstance(target, kind):
            raise TypeError(f"save_checkpoint: {part} must be a {kind.__name__}, got {type(target).__name__}")
    if isinstance(step, bool) or not isinstance(step, (int, np.integer)):
        raise TypeError(f"save_checkpoint: step must be an int, got {type(step).__name__} {step!r}")
    if step < 0:
        raise ValueError(f"save_checkpoint: step must be >= 0, got {step}")
    if extra is not None and not (isinstance(extra, dict) and all(isinstance(k, str) for k in extra)):
        raise TypeError(f"save_checkpoint: extra must be None or a dict with str keys, got {type(extra).__name__}")
    arrays = {f"model.{name}": value for name, value in model.state_dict().items()}
    optimizer_numbers = None
    if optimizer is not None:
        optimizer_numbers = {}
        for name, value in optimizer._flat_state_dict().items():  # the groups as JSON text, the buffers as arrays
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
    write_atomically(path, _serialize(_arrays_of(arrays, "save_checkpoint"), metadata), "save_checkpoint")


def load_checkpoint(path, model=None, optimizer=None, scheduler=None, restore_rng=True):
    """Read a checkpoint written by `save_checkpoint`, loading it into whichever of
    `model`, `optimizer` and `scheduler` are given.

    All or nothing: the model's names, shapes and dtypes, the optimizer's and the
    scheduler's state and the random state are all checked before any of them is
    changed, so a checkpoint that does not fit raises and leaves every object (and
    the random stream) exactly as it was.
    With restore_rng the engine's random stream continues exactly where it was
    when the checkpoint was saved. Returns a dict with "step", "extra", "model"
    ({name: Tensor}), "optimizer" and "scheduler" (their state dicts, or None).
    """
    path = _check_path(path, "load_checkpoint")
    arrays, metadata = _read(path, "load_checkpoint")
    try:
        header = json.loads(metadata["tinygrad_lite"])
        if header["format"] != _CHECKPOINT_FORMAT:
            raise KeyError("format")
    except (KeyError, ValueError, TypeError):
        raise ValueError(f"load_checkpoint: {path!r} is a safetensors file but not a checkpoint "
                         "written by save_checkpoint (use tg.load for plain tensor files)") from None
    missing = [key for key in _HEADER_KEYS if key not in header]
    if missing:
        raise ValueError(f"load_checkpoint: {path!r} is a damaged checkpoint: its header lacks {missing}")
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
    # Check everything first, change things after: each prepare raises on a mismatch and
    # returns the change, whose steps are plain assignments that cannot fail halfway.
    changes = [_prepare_load(target, state, part, path) for part, target, state in (
        ("model", model, model_state), ("optimizer", optimizer, optimizer_state),
        ("scheduler", scheduler, header["scheduler"])) if target is not None]
    if restore_rng:
        changes.append(_prepare_rng_state(header["rng_state"], path))
    for change in changes:
        change()
    return {"step": header["step"], "extra": header["extra"], "model": model_state,
            "optimizer": optimizer_state, "scheduler": header["scheduler"]}


_HEADER_KEYS = ("step", "optimizer_numbers", "scheduler", "rng_state", "extra")


def _prepare_load(target, state, part, path):
    """The checked, not yet applied load of `state` into a Module, Optimizer or LRScheduler."""
    kind = _kinds()[part]
    if not isinstance(target, kind):
        raise TypeError(f"load_checkpoint: {part} must be a {kind.__name__}, got {type(target).__name__}")
    try:
        return target._prepare_load_state_dict(state)
    except (TypeError, ValueError) as e:
        raise type(e)(f"load_checkpoint: the {part} state in {path!r} does not fit: {e}") from None


def _kinds():
    from .nn.module import Module  # here, not at the top: serialization sits below nn and optim
    from .optim import LRScheduler, Optimizer
    return {"model": Module, "optimizer": Optimizer, "scheduler": LRScheduler}


def _prepare_rng_state(state, path):
    """Try the saved random state on a scratch generator of the same kind; return the restore."""
    bit_generator = rng.generator().bit_generator
    try:
        type(bit_generator)().state = state
    except (TypeError, ValueError, KeyError) as e:
        raise ValueError(f"load_checkpoint: {path!r} holds a random state this engine cannot restore "
                         f"({type(e).__name__}: {e}); pass restore_rng=False to load without it") from None

    def restore():
        rng.generator().bit_generator.state = state
    return restore
