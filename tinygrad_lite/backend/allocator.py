"""Keep freed array memory in the process instead of handing it back to the OS at once.

A training step allocates and frees the same large numpy buffers (activations,
gradients, temporaries) over and over. glibc's malloc serves blocks above its mmap
threshold with fresh mmap()s and trims freed memory at the top of its heap back to the
OS, so each new buffer starts as untouched pages: the first write to every 4 KiB page
faults into the kernel, which zeroes it. On the machines this project is measured on
that costs 0.5-2 ms per MB, as much as the arithmetic of a 512 x 512 matmul.

So, like the caching allocators of GPU frameworks, the cpu backend asks malloc to keep
what it frees: blocks up to 32 MiB come from the heap, and up to 256 MiB of free heap is
kept for reuse. This changes only when memory goes back to the OS, never what any
computation returns. It applies to glibc (Linux) only, once, when tinygrad_lite is
imported; set TINYGRAD_LITE_MALLOC_TUNING=0 before the import to leave malloc alone.
"""
import ctypes
import ctypes.util
import os

_M_TRIM_THRESHOLD = -1  # mallopt parameter numbers, from glibc's <malloc.h>
_M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 32 * 2 ** 20  # glibc's largest documented value on 64-bit systems
TRIM_THRESHOLD = 256 * 2 ** 20


def keep_freed_memory():
    """Raise glibc's mmap and trim thresholds; True if malloc took both, False where it is not glibc
    or TINYGRAD_LITE_MALLOC_TUNING=0."""
    if os.environ.get("TINYGRAD_LITE_MALLOC_TUNING", "1") == "0":
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # not glibc: musl, macOS, Windows
        return False
    return bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD))


MALLOC_TUNED = keep_freed_memory()
