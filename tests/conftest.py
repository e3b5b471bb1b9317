"""Shared pytest setup: hypothesis profiles and the device list every op test runs on.

Profiles (choose with HYPOTHESIS_PROFILE=...):
  ci        few examples, no deadline: keeps the suite inside CI's time (the default)
  dev       hypothesis' usual 100 examples
  thorough  1,000 examples per property, for a long local run
"""
import os

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", max_examples=25, deadline=None, derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile("thorough", max_examples=1000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# Devices the engine's op tests run on. More join as their backends are built.
DEVICES = ["cpu"]


@pytest.fixture(params=DEVICES)
def device(request):
    return request.param
