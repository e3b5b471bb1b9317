"""Guard values around kernel outputs: a write one element past an edge fails the test that made it.

A masked store with an off-by-one mask writes next to its output, into memory that
belongs to something else; nothing notices until, much later, the heap is found
corrupt. Here every buffer a kernel launcher allocates (kernels/_runtime.py `empty`)
is carved out of a larger buffer filled with a sentinel bit pattern (a NaN with a
payload no arithmetic produces): GUARD elements before and after it, and, where the
launcher passes the kernel its strides, GAP elements between consecutive rows (and
between consecutive matrices of a batch). After the launch every guard must still
hold the sentinel, bit for bit, and no element of the output may (every output
element must have been written).

    with guarded_outputs() as guards:
        y = softmax_forward(x)
    # on leaving the block: guards.count buffers were checked

`guarded_like(t)` gives a guarded copy of `t` and its check, for kernels that update
their arguments in place (Adam).
"""
import contextlib
import math

import torch

from tinygrad_lite.kernels._runtime import output_allocator

GUARD = 67  # elements before and after each buffer: more than one tile row of the usual blocks
GAP = 3  # elements between rows: odd, so no row starts on a block boundary it would have had
# A NaN whose payload no arithmetic produces (arithmetic NaNs are the canonical quiet ones).
SENTINEL_BITS = {2: 0x7DBA, 4: 0x7FBADBAD, 8: 0x7FF4BADBADBADBAD}
_BITS_TYPE = {2: torch.int16, 4: torch.int32, 8: torch.int64}


def _bits(t):
    return t.view(_BITS_TYPE[t.element_size()])


class _Guarded:
    """One output: the big buffer, the view handed out, and which elements of the buffer the view covers."""

    def __init__(self, shape, dtype, device, any_row_stride):
        strides = [1] * len(shape)
        for i in range(len(shape) - 2, -1, -1):
            strides[i] = strides[i + 1] * shape[i + 1] + (GAP if any_row_stride else 0)
        span = sum((n - 1) * s for n, s in zip(shape, strides)) + 1
        total = GUARD + span + GUARD
        self.buffer = torch.empty(total, dtype=dtype, device=device)
        _bits(self.buffer).fill_(SENTINEL_BITS[self.buffer.element_size()])
        self.view = self.buffer.as_strided(shape, strides, GUARD)
        covered = torch.zeros(total, dtype=torch.bool)
        covered.as_strided(shape, strides, GUARD).fill_(True)
        self.covered = covered
        self.shape, self.any_row_stride = tuple(shape), any_row_stride

    def check(self, written=True):
        sentinel = _bits(self.buffer).cpu() == SENTINEL_BITS[self.buffer.element_size()]
        clobbered = (~sentinel & ~self.covered).nonzero().flatten()
        where = f"output of shape {self.shape} ({'rows apart' if self.any_row_stride else 'contiguous'})"
        assert clobbered.numel() == 0, (
            f"a kernel wrote outside its {where}: buffer positions {clobbered[:8].tolist()} "
            f"(the output spans {GUARD}..{self.buffer.numel() - GUARD - 1})")
        if written:
            unwritten = (sentinel & self.covered).nonzero().flatten()
            assert unwritten.numel() == 0, (
                f"a kernel left {unwritten.numel()} elements of its {where} unwritten, "
                f"e.g. buffer positions {unwritten[:8].tolist()}")


class GuardedOutputs:
    """The allocator `guarded_outputs` installs: hands out guarded buffers and remembers them."""

    def __init__(self):
        self.buffers = []

    def __call__(self, shape, dtype, device, any_row_stride):
        if math.prod(shape) == 0:
            return torch.empty(shape, dtype=dtype, device=device)
        guarded = _Guarded(shape, dtype, device, any_row_stride)
        self.buffers.append(guarded)
        return guarded.view

    @property
    def count(self):
        return len(self.buffers)

    def check(self, written=True):
        for guarded in self.buffers:
            guarded.check(written)


@contextlib.contextmanager
def guarded_outputs(written=True):
    """Kernel outputs allocated inside the block are guarded; on leaving it the guards are checked
    (and, with `written`, that every output element was written)."""
    guards = GuardedOutputs()
    with output_allocator(guards):
        yield guards
    assert guards.count, "no kernel output was allocated inside the block"
    guards.check(written)


def guarded_like(t):
    """(copy, check): a contiguous copy of `t` lying inside a guarded buffer, for kernels that
    write their arguments in place, and a function that checks the guards around it."""
    guarded = _Guarded(tuple(t.shape), t.dtype, t.device, any_row_stride=False)
    guarded.view.copy_(t)
    return guarded.view, lambda: guarded.check(written=False)
