"""The malloc tuning done on import (tinygrad_lite.backend.allocator).

Proves: on glibc the import tuned malloc (both thresholds accepted); the opt-out setting
is honoured, in a fresh interpreter, and leaves nothing tuned.
"""
import subprocess
import sys

import pytest

from tinygrad_lite.backend import allocator


def _is_glibc():
    import platform
    return platform.libc_ver()[0] == "glibc"


@pytest.mark.skipif(not _is_glibc(), reason="malloc tuning applies to glibc only")
def test_import_tunes_glibc_malloc():
    assert allocator.MALLOC_TUNED is True


def test_opt_out_leaves_malloc_alone():
    code = "import tinygrad_lite.backend.allocator as a; print(a.MALLOC_TUNED)"
    env = {"TINYGRAD_LITE_MALLOC_TUNING": "0", "PATH": ""}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
