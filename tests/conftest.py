"""Shared pytest setup: hypothesis profiles and the device list every op test runs on.

Profiles (choose with HYPOTHESIS_PROFILE=...):
  ci        few examples, no deadline: keeps the suite inside CI's time (the default)
  dev       hypothesis' usual 100 examples
  thorough  1,000 examples per property, for a long local run
"""
import os

# Triton kernels run on the CPU through Triton's interpreter, which must be switched
# on before any kernel module is imported. A GPU run sets TRITON_INTERPRET=0 itself.
os.environ.setdefault("TRITON_INTERPRET", "1")

import pytest  # noqa: E402
from hypothesis import HealthCheck, settings  # noqa: E402

try:  # pytest-xdist already runs one process per core; torch's own thread pool only adds contention
    import torch

    torch.set_num_threads(1)
except ImportError:
    pass

# The `device` fixture is the same for every example of a test, so hypothesis' warning
# about function-scoped fixtures does not apply.
_QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture]
settings.register_profile("ci", max_examples=25, deadline=None, derandomize=True,
                          suppress_health_check=_QUIET)
settings.register_profile("dev", max_examples=100, deadline=None, suppress_health_check=_QUIET)
settings.register_profile("thorough", max_examples=1000, deadline=None, suppress_health_check=_QUIET)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

def _devices():
    """"cpu" always; "interp" (Triton kernels through the interpreter) where triton and torch
    are installed; "cuda" where a GPU is visible."""
    from tinygrad_lite.backend import available_devices
    return available_devices()


# Devices the engine's op tests run on.
DEVICES = _devices()


@pytest.fixture(params=DEVICES)
def device(request):
    return request.param
