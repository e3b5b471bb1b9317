"""Elementwise chains split across threads (tinygrad_lite.backend.threads).

Proves: splitting a large array into per-thread slices gives bit-for-bit the result of one
call on the whole array (GELU forward, backward and forward-with-derivative, both forms,
float32 and float64, with an odd size so the slices are uneven); small or non-contiguous arrays run in one call; the
TINYGRAD_LITE_NUM_THREADS setting is honoured and a bad value is refused with its name;
run_in_threads runs every group, re-raises a worker's error and restores BLAS's threads;
float32 GELU over many threads' slices and blocks matches the float64 path.
"""
import numpy as np
import pytest

from tinygrad_lite.backend import threads
from tinygrad_lite.backend.numpy import NumpyBackend


@pytest.fixture(autouse=True)
def small_slices(monkeypatch):
    """Split arrays of a few thousand elements, so the tests stay small and fast."""
    monkeypatch.setattr(threads, "_MIN_PER_THREAD", 4096)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("approximate", ["none", "tanh"])
def test_threaded_gelu_is_bit_identical_to_one_call(monkeypatch, dtype, approximate):
    rng = np.random.default_rng(0)
    x = (rng.standard_normal(3 * threads._MIN_PER_THREAD + 7) * 4).astype(dtype).reshape(-1, 1)
    grad = rng.standard_normal(x.shape).astype(dtype)
    y = NumpyBackend.gelu(x, approximate)
    monkeypatch.setenv("TINYGRAD_LITE_NUM_THREADS", "3")
    split = (NumpyBackend.gelu(x, approximate), NumpyBackend.gelu_backward(x, y, grad, approximate),
             *NumpyBackend.gelu_with_derivative(x, approximate))
    monkeypatch.setenv("TINYGRAD_LITE_NUM_THREADS", "1")
    whole = (NumpyBackend.gelu(x, approximate), NumpyBackend.gelu_backward(x, y, grad, approximate),
             *NumpyBackend.gelu_with_derivative(x, approximate))
    for a, b in zip(split, whole):
        assert a.shape == x.shape and a.dtype == dtype
        assert np.array_equal(a, b)


def test_small_and_strided_arrays_run_in_one_call(monkeypatch):
    monkeypatch.setenv("TINYGRAD_LITE_NUM_THREADS", "4")
    calls = []

    def double(a):
        calls.append(a.shape)
        return a * 2

    small = np.ones(100)
    assert np.array_equal(threads.elementwise(double, small), small * 2) and calls == [(100,)]
    calls.clear()
    strided = np.ones((4 * threads._MIN_PER_THREAD, 2))[:, 0]
    assert np.array_equal(threads.elementwise(double, strided), strided * 2) and calls == [strided.shape]
    calls.clear()
    big = np.arange(4 * threads._MIN_PER_THREAD, dtype=np.float64).reshape(4, -1)
    assert np.array_equal(threads.elementwise(double, big), big * 2)
    assert len(calls) == 4 and sum(n for (n,) in calls) == big.size


@pytest.mark.parametrize("value", ["0", "-2", "two"])
def test_bad_thread_setting_is_refused_by_name(monkeypatch, value):
    monkeypatch.setenv("TINYGRAD_LITE_NUM_THREADS", value)
    with pytest.raises(ValueError, match="TINYGRAD_LITE_NUM_THREADS"):
        threads.num_threads()


def test_thread_setting_is_honoured(monkeypatch):
    monkeypatch.setenv("TINYGRAD_LITE_NUM_THREADS", "3")
    assert threads.num_threads() == 3
    monkeypatch.delenv("TINYGRAD_LITE_NUM_THREADS")
    assert threads.num_threads() >= 1


def test_run_in_threads_runs_every_group_reraises_and_restores_blas():
    before = threads._blas.info()
    seen = []

    def work(group):
        seen.append(group)
        if group == "bad":
            raise ValueError("this group failed")

    threads.run_in_threads(work, ["a", "b", "c"])
    assert sorted(seen) == ["a", "b", "c"]
    with pytest.raises(ValueError, match="this group failed"):
        threads.run_in_threads(work, ["ok", "bad"])
    assert threads._blas.info() == before  # BLAS's thread count is back as it was


def test_float32_gelu_over_many_blocks_matches_float64(monkeypatch):
    # Large enough for several threads' slices and several blocks in each, the last one partial;
    # the float64 path (Cody's erf) is the reference.
    import tinygrad_lite.backend.numpy as numpy_backend

    monkeypatch.setenv("TINYGRAD_LITE_NUM_THREADS", "2")
    monkeypatch.setattr(numpy_backend, "_GELU_BLOCK", 1000)
    x = (np.random.default_rng(3).standard_normal(2 * threads._MIN_PER_THREAD + 12345) * 5).astype(np.float32)
    got = NumpyBackend.gelu(x, "none")
    want = NumpyBackend.gelu(x.astype(np.float64), "none")
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7)


# ---------------------------------------------------------------- backward from many threads into one leaf

@pytest.fixture
def frequent_thread_switches():
    """Switch threads every microsecond, so that a read-modify-write of .grad that is not
    atomic is interrupted often (at the default 5 ms the race shows only sometimes)."""
    import sys
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(before)


def _concurrent_backward(weight, bias, n_threads, rounds):
    """Each thread runs `rounds` backward passes through graphs of its own that share the
    leaves: loss = sum((w * k + w) * seed) + sum(b * k), with k = thread number + 1 and
    seed = 1, so d loss/dw = k + 1 and d loss/db = k in every pass: integers, exact in float64."""
    import threading

    import tinygrad_lite as tg

    start = threading.Barrier(n_threads)
    errors = []

    def work(k):
        try:
            start.wait()
            seed = tg.Tensor(np.ones(weight.shape))
            for _ in range(rounds):
                ((weight * float(k) + weight) * seed).sum().backward()   # weight used twice in one graph
                (bias * float(k)).backward(tg.Tensor(np.ones(bias.shape)))
        except BaseException as error:  # noqa: BLE001 - re-raised in the main thread below
            errors.append(error)

    workers = [threading.Thread(target=work, args=(k,)) for k in range(1, n_threads + 1)]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    assert not errors, errors
    ks = np.arange(1, n_threads + 1)
    return float(rounds * (ks + 1).sum()), float(rounds * ks.sum())


def test_concurrent_backward_into_a_shared_leaf_loses_no_contribution(frequent_thread_switches):
    import tinygrad_lite as tg
    from tinygrad_lite import optim

    weight = tg.Tensor(np.zeros((4, 3)), requires_grad=True)
    bias = tg.Tensor(np.zeros(3), requires_grad=True)
    opt = optim.GD([weight, bias], lr=1.0)
    for _ in range(3):  # accumulate, step, zero_grad, again: the optimizer sees every contribution
        want_w, want_b = _concurrent_backward(weight, bias, n_threads=8, rounds=150)
        assert weight.grad.dtype == np.float64
        np.testing.assert_array_equal(weight.grad.numpy(), np.full((4, 3), want_w))
        np.testing.assert_array_equal(bias.grad.numpy(), np.full(3, want_b))
        before = weight.numpy().copy()
        opt.step()
        np.testing.assert_array_equal(weight.numpy(), before - want_w)
        opt.zero_grad()
        assert weight.grad is None and bias.grad is None
