"""Where arrays live and who computes the hot paths, by device name.

"cpu"     numpy arrays, the readable numpy reference (always there)
"interp"  numpy arrays, the Triton kernels through Triton's CPU interpreter (needs triton, torch)
"cuda"    cupy arrays on an NVIDIA GPU, the compiled Triton kernels (needs cupy, triton, torch, a GPU)

Backends are built on first use, so importing the package never imports triton.
Importing it does tune glibc's malloc to keep freed buffers (see `allocator`).
"""
from . import allocator  # noqa: F401  (tunes malloc once, on import)
from .numpy import NumpyBackend



def _interp():
    from .interp import InterpBackend
    return InterpBackend()


def _cuda():
    from .cupy import CupyBackend
    return CupyBackend()


_FACTORIES = {"cpu": NumpyBackend, "interp": _interp, "cuda": _cuda}
_built = {}


def get_backend(device, op=None):
    """The backend for `device`; ValueError for an unknown name, RuntimeError (saying what
    to install) for a known device this machine cannot provide. Errors start with `op`, the
    function that was given the device, when it is named. A tg.device or a name with index 0
    ("cuda:0") names the device of its type."""
    if isinstance(device, str) and device not in _FACTORIES and device.endswith(":0"):
        device = device[:-2]
    if not isinstance(device, str) or device not in _FACTORIES:
        known = ", ".join(repr(name) for name in _FACTORIES)
        where = f"{op}: " if op else ""
        raise ValueError(f"{where}unknown device {device!r}: choose one of {known}")
    device = str(device)  # a plain name, whether given as a name or as a tg.device
    if device not in _built:
        try:
            _built[device] = _FACTORIES[device]()
        except RuntimeError as e:
            raise RuntimeError(f"{op}: {e}" if op else str(e)) from None
    return _built[device]


def available_devices():
    """The devices this machine can use now, in the order cpu, interp, cuda."""
    return [name for name in _FACTORIES if _usable(name)]


def _usable(name):
    try:
        get_backend(name)
        return True
    except RuntimeError:
        return False
