"""Where arrays live and who computes the hot paths, by device name."""
from .numpy import NumpyBackend

_BACKENDS = {"cpu": NumpyBackend()}


def get_backend(device):
    """The backend object for `device` ("cpu"), or a ValueError naming the known devices."""
    if isinstance(device, str) and device in _BACKENDS:
        return _BACKENDS[device]
    known = ", ".join(repr(name) for name in _BACKENDS)
    raise ValueError(f"unknown device {device!r}: this build knows {known}")
