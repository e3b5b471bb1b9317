"""What the kernel modules need to know about where they run.

Triton's interpreter (TRITON_INTERPRET=1) executes a kernel on the CPU, one program
at a time, with numpy. `@triton.jit` decides between interpreting and compiling when
it decorates a kernel, from the same setting read here, so kernel modules ask once,
at import time, and pick their block sizes and autotuning configs from the answer.

Every buffer a launcher allocates for a kernel to write comes from `empty`, so that
tests can hand out buffers of their own (`output_allocator`): guarded ones, lying
inside larger buffers filled with a sentinel, which show any write past an edge.
"""
import contextlib

import torch
import triton
import triton.language as tl
from triton import knobs


def interpreting():
    """True when Triton kernels run through Triton's CPU interpreter (TRITON_INTERPRET set)."""
    return bool(knobs.runtime.interpret)


_INTERPRETING = tl.constexpr(interpreting())


@triton.jit
def as_element_type(x, ptr):
    """float32 `x` converted to the element type of `ptr`, rounded to nearest (ties to even).

    Compiled code rounds so by itself. The interpreter truncates float32 -> bfloat16
    (it drops the low 16 bits), so there the rounding is done first, on the bits:
    adding 0x7FFF, plus 1 when the bit that survives last is odd, carries into the
    kept half exactly when the dropped half is above one half (or equal to it with
    an odd last bit). NaNs are left alone: the carry could turn one into infinity.
    """
    if _INTERPRETING and ptr.dtype.element_ty == tl.bfloat16:
        bits = x.to(tl.uint32, bitcast=True)
        rounded = (bits + (0x7FFF + ((bits >> 16) & 1))) & 0xFFFF0000
        x = tl.where(x != x, x, rounded.to(tl.float32, bitcast=True))
    return x.to(ptr.dtype.element_ty)


_allocate = None  # None: torch.empty; see output_allocator


def empty(shape, dtype, device, any_row_stride=False):
    """A new, uninitialised tensor of `shape` for a kernel to write.

    `any_row_stride=True` says the launcher hands the kernel every stride but the last
    (which is 1), so the tensor's rows may lie apart in memory; otherwise it must be
    contiguous. Plain torch.empty, unless a test installed an allocator."""
    if _allocate is None:
        return torch.empty(shape, dtype=dtype, device=device)
    return _allocate(tuple(shape), dtype, device, any_row_stride)


@contextlib.contextmanager
def output_allocator(allocate):
    """Within the block, `empty` returns allocate(shape, dtype, device, any_row_stride).

    For tests (tests/kernel_guards.py): not thread-safe, and not for production use."""
    global _allocate
    previous, _allocate = _allocate, allocate
    try:
        yield allocate
    finally:
        _allocate = previous
