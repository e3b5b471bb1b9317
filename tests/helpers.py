"""The parity helper: run an engine function and its torch twin on the same arrays.

`check_op(our_fn, torch_fn, *arrays)` checks, in one call:
  * the forward value, its shape and its dtype;
  * the gradient of every floating-point input, for the same random upstream
    gradient in both engines (so every output element counts, not only their sum).

Tolerances come from the dtype (see `tolerance`) and loosen by sqrt(K) when the
op reduces over K elements (pass `reduce_size=K`).
"""
import math

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="parity tests compare with PyTorch: pip install -e '.[test]'")

import tinygrad_lite as tg  # noqa: E402

# (rtol, atol) per dtype, as the design fixes them.
_TOLERANCES = {
    np.dtype(np.float64): (1e-10, 1e-10),
    np.dtype(np.float32): (1e-5, 1e-6),
    np.dtype(np.float16): (1e-3, 1e-3),
}


def tolerance(dtype, reduce_size=1):
    """(rtol, atol) for comparing results of `dtype`, loosened by sqrt(reduce_size)."""
    dtype = np.dtype(dtype)
    if dtype.kind in "iub":
        return 0.0, 0.0
    rtol, atol = _TOLERANCES[dtype]
    scale = math.sqrt(max(reduce_size, 1))
    return rtol * scale, atol * scale


def to_torch(array, requires_grad=False):
    t = torch.from_numpy(np.array(array, copy=True, order="C"))  # keeps 0-d arrays 0-d
    return t.requires_grad_(requires_grad)


def assert_close(ours, theirs, rtol, atol, what):
    ours = np.asarray(ours)
    theirs = np.asarray(theirs)
    assert ours.shape == theirs.shape, f"{what}: shape {ours.shape} != torch's {theirs.shape}"
    if ours.dtype.kind in "iub" or theirs.dtype.kind in "iub":
        np.testing.assert_array_equal(ours, theirs, err_msg=what)
        return
    np.testing.assert_allclose(
        ours.astype(np.float64), theirs.astype(np.float64), rtol=rtol, atol=atol, err_msg=what
    )


def _is_float(array):
    return isinstance(array, np.ndarray) and array.dtype.kind == "f"


def check_op(our_fn, torch_fn, *arrays, grad=True, reduce_size=1, rtol=None, atol=None,
             device="cpu", seed=0):
    """Compare `our_fn(*tensors)` with `torch_fn(*torch_tensors)`.

    `arrays` are numpy arrays (or Python scalars passed through unchanged);
    floating-point arrays require grad when `grad` is true (or `grad` is a tuple of
    booleans, one per array). Returns the engine's output tensor.
    """
    flags = grad if isinstance(grad, (tuple, list)) else [grad] * len(arrays)
    flags = [bool(f) and _is_float(a) for f, a in zip(flags, arrays)]
    ours_in = [tg.Tensor(a, requires_grad=f, device=device) if isinstance(a, np.ndarray) else a
               for a, f in zip(arrays, flags)]
    theirs_in = [to_torch(a, f) if isinstance(a, np.ndarray) else a for a, f in zip(arrays, flags)]

    ours = our_fn(*ours_in)
    theirs = torch_fn(*theirs_in)
    out_dtype = ours.dtype
    base_rtol, base_atol = tolerance(out_dtype, reduce_size)
    rtol = base_rtol if rtol is None else rtol
    atol = base_atol if atol is None else atol

    theirs_np = theirs.detach().numpy()
    assert ours.dtype == theirs_np.dtype, f"dtype {ours.dtype} != torch's {theirs_np.dtype}"
    assert_close(ours.numpy(), theirs_np, rtol, atol, "forward")

    if not any(flags) or not ours.requires_grad:
        assert not any(flags) or not theirs.requires_grad, "torch tracks a gradient we do not"
        return ours
    upstream = np.random.default_rng(seed).standard_normal(ours.shape).astype(ours.dtype)
    ours.backward(tg.Tensor(upstream, device=device))
    theirs.backward(to_torch(upstream))
    for i, (t_ours, t_theirs, f) in enumerate(zip(ours_in, theirs_in, flags)):
        if not f:
            continue
        g_theirs = t_theirs.grad
        g_ours = t_ours.grad
        if g_theirs is None:
            assert g_ours is None or not np.any(g_ours.numpy()), f"input {i}: torch has no gradient"
            continue
        assert g_ours is not None, f"input {i}: no gradient reached it"
        assert g_ours.dtype == t_ours.dtype, f"input {i}: grad dtype {g_ours.dtype} != {t_ours.dtype}"
        assert_close(g_ours.numpy(), g_theirs.numpy(), rtol, atol, f"gradient of input {i}")
    return ours


def check_raises(our_fn, torch_fn, *arrays, error=ValueError, match=None, device="cpu"):
    """Both engines reject the input; ours with `error` (and `match`, a regex)."""
    with pytest.raises(Exception):
        torch_fn(*[to_torch(a) if isinstance(a, np.ndarray) else a for a in arrays])
    with pytest.raises(error, match=match):
        our_fn(*[tg.Tensor(a, device=device) if isinstance(a, np.ndarray) else a for a in arrays])
