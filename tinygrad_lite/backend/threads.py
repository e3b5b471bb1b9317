"""The CPU backend's threads: long elementwise chains and independent heads, spread over cores.

numpy runs each ufunc and each matrix product on the calling thread (products also use
the BLAS library's own threads), but it lets go of the GIL while it loops over the
elements. So Python threads can keep several cores busy with numpy, each on its own
part of the work:

* `elementwise(fn, *arrays)`: a chain of ufuncs (exact GELU is about thirty) applied to
  contiguous slices, one per thread, then joined. torch's CPU kernels split their
  loops the same way.
* `run_in_threads(work, groups)`: independent pieces of work that do matrix products
  themselves (attention's heads). BLAS is held to one thread meanwhile, so the threads
  do not oversubscribe the cores: small products split poorly across BLAS threads,
  while whole heads split perfectly.

The thread count is TINYGRAD_LITE_NUM_THREADS if set, else as many threads as BLAS is
configured to use (OPENBLAS_NUM_THREADS and friends), so one setting governs both.
"""
import os
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from threadpoolctl import ThreadpoolController

# Elements per thread below which a chain runs on the calling thread. Alone, exact GELU
# gains from splitting well below this; inside a training step it did not, as BLAS's
# threads (still spinning after the last matmul) compete for the same cores.
_MIN_PER_THREAD = 2 ** 20
_blas = ThreadpoolController().select(user_api="blas")
_blas_setting = threading.Lock()  # the BLAS thread count is process-wide: one holder at a time
_pool, _pool_size = None, 0


def num_threads():
    """Threads the CPU backend uses: TINYGRAD_LITE_NUM_THREADS, else BLAS's thread count."""
    setting = os.environ.get("TINYGRAD_LITE_NUM_THREADS")
    if not setting:
        return max([lib.num_threads for lib in _blas.lib_controllers], default=1)
    try:
        value = int(setting)
    except ValueError:
        value = 0
    if value < 1:
        raise ValueError(f"TINYGRAD_LITE_NUM_THREADS must be a positive integer, not {setting!r}")
    return value


def elementwise(fn, *arrays):
    """fn(*arrays) for an elementwise `fn` of same-shaped arrays, computed slice by slice in threads.

    fn must treat every element on its own (no reductions, no neighbours), so that
    applying it to slices and joining the results gives fn of the whole. fn may return
    one array or a tuple of them (each the arrays' shape); so does elementwise.
    """
    threads = min(num_threads(), arrays[0].size // _MIN_PER_THREAD)
    shape = arrays[0].shape
    if threads < 2 or not all(isinstance(a, np.ndarray) and a.shape == shape and a.flags.c_contiguous
                              for a in arrays):
        return fn(*arrays)
    flat = [a.reshape(-1) for a in arrays]
    bounds = np.linspace(0, flat[0].size, threads + 1).astype(int)
    slices = [slice(lo, hi) for lo, hi in zip(bounds[:-1], bounds[1:])]
    parts = list(_executor(threads).map(lambda s: fn(*(a[s] for a in flat)), slices))
    if isinstance(parts[0], tuple):
        return tuple(_joined(slices, outputs, shape) for outputs in zip(*parts))
    return _joined(slices, parts, shape)


def _joined(slices, parts, shape):
    """The slices' results `parts`, put back together into one array of `shape`."""
    out = np.empty(shape, parts[0].dtype)
    flat = out.reshape(-1)  # a view: out is new, so contiguous
    for s, part in zip(slices, parts):
        flat[s] = part
    return out


def run_in_threads(work, groups):
    """work(group) for each group, each on its own thread, with BLAS held to one thread
    meanwhile; just work(groups[0]) on this thread when there is one group."""
    if len(groups) == 1:
        work(groups[0])
        return
    with _blas_setting, _blas.limit(limits=1):
        list(_executor(len(groups)).map(work, groups))  # collecting the results re-raises a worker's exception


def _executor(threads):
    """The shared pool, grown when more threads are asked for: starting threads per call costs
    more than a small call."""
    global _pool, _pool_size
    if _pool_size < threads:
        _pool, _pool_size = ThreadPoolExecutor(threads, thread_name_prefix="tinygrad_lite"), threads
    return _pool


def _after_fork_in_child():
    """A forked child has none of the parent's threads, and maybe a lock one of them held."""
    global _blas_setting, _pool, _pool_size
    _blas_setting, _pool, _pool_size = threading.Lock(), None, 0


if hasattr(os, "register_at_fork"):  # POSIX
    os.register_at_fork(after_in_child=_after_fork_in_child)
