"""The guards of tests/kernel_guards.py catch what they are for, on a row-copy kernel with planted bugs.

Each kernel family's tests run its launchers inside `guarded_outputs()`; these tests
show that a store mask one element too wide (into the next row's gap, or past the
buffer) and one element too narrow (an output element never written) both fail.
"""
import pytest

pytest.importorskip("triton", reason="the kernels are Triton kernels: pip install -e '.[kernels]'")
torch = pytest.importorskip("torch", reason="the kernels run on torch tensors: pip install -e '.[kernels]'")

import triton  # noqa: E402
import triton.language as tl  # noqa: E402

from kernel_guards import guarded_like, guarded_outputs  # noqa: E402
from tinygrad_lite.kernels._runtime import empty  # noqa: E402


@triton.jit
def _copy_rows_kernel(x_ptr, y_ptr, n_cols, stride_x, stride_y, EXTRA: tl.constexpr, BLOCK: tl.constexpr):
    """y[row] = x[row]; the store mask is `cols < n_cols + EXTRA` (EXTRA = 0 is right)."""
    row = tl.program_id(0)
    cols = tl.arange(0, BLOCK)
    x = tl.load(x_ptr + row * stride_x + cols, mask=cols < n_cols, other=0.0)
    tl.store(y_ptr + row * stride_y + cols, x, mask=cols < n_cols + EXTRA)


def copy_rows(x, extra=0):
    y = empty(x.shape, x.dtype, x.device, any_row_stride=True)
    _copy_rows_kernel[(x.shape[0],)](x, y, x.shape[1], x.stride(0), y.stride(0),
                                     EXTRA=extra, BLOCK=triton.next_power_of_2(x.shape[1] + 1))
    return y


def test_a_correct_mask_passes_the_guards():
    x = torch.randn(3, 5)
    with guarded_outputs():
        y = copy_rows(x)
    assert torch.equal(y, x)


def test_a_store_one_past_each_row_is_caught():
    x = torch.randn(3, 5)
    with pytest.raises(AssertionError, match="wrote outside"):
        with guarded_outputs():
            copy_rows(x, extra=1)


def test_an_element_never_written_is_caught():
    x = torch.randn(3, 5)
    with pytest.raises(AssertionError, match="unwritten"):
        with guarded_outputs():
            copy_rows(x, extra=-1)


def test_a_write_next_to_an_argument_is_caught():
    t, check = guarded_like(torch.ones(4))
    t.as_strided((5,), (1,))[4] = 2.0  # one element past the end: the guard's first element
    with pytest.raises(AssertionError, match="wrote outside"):
        check()
