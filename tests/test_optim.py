"""Optimizers, schedules and gradient clipping against torch.optim, step by step.

Parity: every optimizer and option combination runs 50 steps beside its torch twin
on the same parameters (several shapes, a 0-d one included) and the same random
gradients, with one parameter's grad set to None now and then and another's absent
for the first steps (so per-parameter step counts matter). Parameters agree after
every step to 1e-10 in float64 and 1e-6 in float32. torch runs its single-tensor
code path (foreach=False), the textbook one. Its CPU kernels fuse p + alpha * g
into one fused multiply-add where numpy rounds twice, so float32 results differ by
an ulp or so; the learning rates keep |p| below 4, where 1e-6 is four ulps.

Beside parity: schedules against torch's schedulers; clip_grad_norm_ against
torch.nn.utils.clip_grad_norm_; a checkpoint taken mid-run and loaded into a fresh
optimizer continues bit-identically; updates stay in place and in the parameter's
dtype; argument errors match torch's; Adam's update with eps = 0 is invariant
under scaling every gradient by c > 0.
"""
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import torch

import tinygrad_lite as tg
import tinygrad_lite.optim as optim
from tinygrad_lite.backend.numpy import NumpyBackend

SHAPES = [(3, 4), (5,), (2, 3, 2), ()]
STEPS = 50
TOLERANCE = {np.float64: 1e-10, np.float32: 1e-6}


def gradient_schedule(dtype, steps=STEPS, seed=0):
    """Initial parameters and, per step, a gradient per parameter or None.

    Parameter 1 has no grad every 7th step; parameter 2 none for the first 5 steps."""
    rng = np.random.default_rng(seed)
    initial = [rng.standard_normal(s).astype(dtype) for s in SHAPES]
    grads = []
    for t in range(steps):
        step = [rng.standard_normal(s).astype(dtype) for s in SHAPES]
        if t % 7 == 3:
            step[1] = None
        if t < 5:
            step[2] = None
        grads.append(step)
    return initial, grads


def make_ours(initial):
    return [tg.Tensor(a, requires_grad=True) for a in initial]


def feed_ours(params, grads):
    for p, g in zip(params, grads):
        p.grad = None if g is None else tg.Tensor(g)


def feed_torch(params, grads):
    for p, g in zip(params, grads):
        p.grad = None if g is None else torch.from_numpy(g.copy())


def run(make_opt, initial, grads):
    """Our parameters after each step."""
    params = make_ours(initial)
    opt = make_opt(params)
    history = []
    for g in grads:
        feed_ours(params, g)
        opt.step()
        history.append([p.numpy().copy() for p in params])
    return history


# (name, our optimizer, torch's) with the same hyperparameters.
CASES = [
    ("GD", lambda p: optim.GD(p, lr=0.1), lambda p: torch.optim.SGD(p, lr=0.1, foreach=False)),
    ("SGD", lambda p: optim.SGD(p, lr=0.1), lambda p: torch.optim.SGD(p, lr=0.1, foreach=False)),
    ("SGD momentum", lambda p: optim.SGD(p, lr=0.02, momentum=0.9),
     lambda p: torch.optim.SGD(p, lr=0.02, momentum=0.9, foreach=False)),
    ("SGD dampening", lambda p: optim.SGD(p, lr=0.05, momentum=0.8, dampening=0.3),
     lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.8, dampening=0.3, foreach=False)),
    ("SGD nesterov", lambda p: optim.SGD(p, lr=0.02, momentum=0.9, nesterov=True),
     lambda p: torch.optim.SGD(p, lr=0.02, momentum=0.9, nesterov=True, foreach=False)),
    ("SGD weight_decay", lambda p: optim.SGD(p, lr=0.1, weight_decay=0.05),
     lambda p: torch.optim.SGD(p, lr=0.1, weight_decay=0.05, foreach=False)),
    ("SGD all", lambda p: optim.SGD(p, lr=0.05, momentum=0.7, nesterov=True, weight_decay=0.1),
     lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.7, nesterov=True, weight_decay=0.1, foreach=False)),
    ("Adam", lambda p: optim.Adam(p, lr=1e-2), lambda p: torch.optim.Adam(p, lr=1e-2, foreach=False)),
    ("Adam betas eps", lambda p: optim.Adam(p, lr=3e-2, betas=(0.8, 0.95), eps=1e-4),
     lambda p: torch.optim.Adam(p, lr=3e-2, betas=(0.8, 0.95), eps=1e-4, foreach=False)),
    ("Adam weight_decay", lambda p: optim.Adam(p, lr=1e-2, weight_decay=0.1),
     lambda p: torch.optim.Adam(p, lr=1e-2, weight_decay=0.1, foreach=False)),
    ("AdamW", lambda p: optim.AdamW(p, lr=1e-2), lambda p: torch.optim.AdamW(p, lr=1e-2, foreach=False)),
    ("AdamW weight_decay", lambda p: optim.AdamW(p, lr=1e-2, weight_decay=0.3),
     lambda p: torch.optim.AdamW(p, lr=1e-2, weight_decay=0.3, foreach=False)),
    ("RMSprop", lambda p: optim.RMSprop(p), lambda p: torch.optim.RMSprop(p, foreach=False)),
    ("RMSprop centered", lambda p: optim.RMSprop(p, lr=1e-3, alpha=0.9, centered=True),
     lambda p: torch.optim.RMSprop(p, lr=1e-3, alpha=0.9, centered=True, foreach=False)),
    ("RMSprop momentum", lambda p: optim.RMSprop(p, lr=1e-3, momentum=0.9),
     lambda p: torch.optim.RMSprop(p, lr=1e-3, momentum=0.9, foreach=False)),
    ("RMSprop all", lambda p: optim.RMSprop(p, lr=1e-3, alpha=0.95, eps=1e-6, weight_decay=0.1,
                                            momentum=0.5, centered=True),
     lambda p: torch.optim.RMSprop(p, lr=1e-3, alpha=0.95, eps=1e-6, weight_decay=0.1, momentum=0.5,
                                   centered=True, foreach=False)),
    ("Adagrad", lambda p: optim.Adagrad(p, lr=0.1), lambda p: torch.optim.Adagrad(p, lr=0.1, foreach=False)),
    ("Adagrad lr_decay", lambda p: optim.Adagrad(p, lr=0.1, lr_decay=0.05),
     lambda p: torch.optim.Adagrad(p, lr=0.1, lr_decay=0.05, foreach=False)),
    ("Adagrad all", lambda p: optim.Adagrad(p, lr=0.1, lr_decay=0.01, weight_decay=0.1,
                                            initial_accumulator_value=0.5, eps=1e-6),
     lambda p: torch.optim.Adagrad(p, lr=0.1, lr_decay=0.01, weight_decay=0.1, initial_accumulator_value=0.5,
                                   eps=1e-6, foreach=False)),
]
CASE_IDS = [name for name, _, _ in CASES]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name, ours, theirs", CASES, ids=CASE_IDS)
def test_matches_torch_for_50_steps(name, ours, theirs, dtype):
    initial, grads = gradient_schedule(dtype)
    history = run(ours, initial, grads)
    params = [torch.from_numpy(a.copy()).requires_grad_() for a in initial]
    opt = theirs(params)
    for t, g in enumerate(grads):
        feed_torch(params, g)
        opt.step()
        for i, (p, mine) in enumerate(zip(params, history[t])):
            assert mine.dtype == dtype
            diff = np.max(np.abs(mine - p.detach().numpy()), initial=0.0)
            assert diff <= TOLERANCE[dtype], f"{name}: parameter {i} differs by {diff:.3g} after step {t + 1}"
    moved = [not np.array_equal(a, b) for a, b in zip(initial, history[-1])]
    assert all(moved), "every parameter received gradients, so every one must have moved"


@pytest.mark.parametrize("name, ours, theirs", CASES, ids=CASE_IDS)
def test_updates_in_place_in_the_parameters_dtype(name, ours, theirs):
    initial, grads = gradient_schedule(np.float32, steps=6)
    params = make_ours(initial)
    arrays = [p.array for p in params]
    opt = ours(params)
    for g in grads:
        feed_ours(params, g)
        opt.step()
    for p, array in zip(params, arrays):
        assert p.array is array, "the update must write into the parameter's own array"
        assert p.dtype == np.float32
    for i, entries in opt.state_dict()["state"].items():
        for key, value in entries.items():
            if isinstance(value, tg.Tensor):
                assert value.dtype == np.float32, f"state {i} {key} was kept as {value.dtype}"


def test_skips_parameters_without_grad_and_zero_grad_clears():
    params = make_ours([np.ones(3), np.ones(2)])
    opt = optim.Adam(params, lr=0.1)
    params[0].grad = tg.Tensor(np.ones(3))
    opt.step()
    assert np.array_equal(params[1].numpy(), np.ones(2))
    assert 1 not in opt.state_dict()["state"] and opt.state_dict()["state"][0]["step"] == 1
    opt.zero_grad()
    assert all(p.grad is None for p in params)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("weight_decay, decoupled", [(0.0, False), (0.1, False), (0.1, True)])
def test_adam_step_in_blocks_matches_whole_arrays_bit_for_bit_and_torch(monkeypatch, dtype, weight_decay,
                                                                         decoupled):
    """The cpu update runs block by block. Blocks of 64 make 3 steps of a 1000-element parameter
    cross 16 blocks, the last one partial; a transposed (non-contiguous) parameter takes the
    whole-array path. Blocking must not change a bit, and the result must match torch."""
    import tinygrad_lite.backend.numpy as numpy_backend

    rng = np.random.default_rng(7)
    shapes = [(1000,), (30, 17)]
    initial = [rng.standard_normal(s).astype(dtype) for s in shapes]
    grads = [[rng.standard_normal(s).astype(dtype) for s in shapes] for _ in range(3)]
    make = optim.AdamW if decoupled else optim.Adam

    def run_ours(block):
        monkeypatch.setattr(numpy_backend, "_ADAM_BLOCK", block)
        params = [tg.Tensor(initial[0].copy(), requires_grad=True),
                  tg.Tensor(np.ascontiguousarray(initial[1].T).T, requires_grad=True)]
        assert not params[1].array.flags.c_contiguous
        opt = make(params, lr=1e-2, weight_decay=weight_decay)
        for step_grads in grads:
            for p, g in zip(params, step_grads):
                p.grad = tg.Tensor(g)
            opt.step()
        return [p.numpy() for p in params]

    blocked, whole = run_ours(64), run_ours(10 ** 9)
    theirs = [torch.from_numpy(a.copy()).requires_grad_() for a in initial]
    topt = (torch.optim.AdamW if decoupled else torch.optim.Adam)(theirs, lr=1e-2, weight_decay=weight_decay,
                                                                 foreach=False)
    for step_grads in grads:
        for tp, g in zip(theirs, step_grads):
            tp.grad = torch.from_numpy(g.copy())
        topt.step()
    for ours_blocked, ours_whole, tp in zip(blocked, whole, theirs):
        assert np.array_equal(ours_blocked, ours_whole)
        np.testing.assert_allclose(ours_blocked, tp.detach().numpy(), rtol=0, atol=TOLERANCE[dtype])


def test_adam_runs_through_the_backends_fused_update(monkeypatch):
    """Adam and AdamW must call backend.adam_step: that is where the GPU backends plug in their kernel."""
    calls = []
    reference = NumpyBackend.adam_step

    def spy(*args, **kwargs):
        calls.append(kwargs["decoupled"])
        return reference(*args, **kwargs)

    monkeypatch.setattr(NumpyBackend, "adam_step", staticmethod(spy))
    for cls in (optim.Adam, optim.AdamW):
        params = make_ours([np.ones(3)])
        params[0].grad = tg.Tensor(np.ones(3))
        cls(params).step()
    assert calls == [False, True]


# ---- learning-rate schedules --------------------------------------------------------------

SCHEDULES = [
    ("StepLR", lambda o: optim.StepLR(o, step_size=7, gamma=0.5),
     lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=7, gamma=0.5)),
    ("StepLR step_size 1", lambda o: optim.StepLR(o, step_size=1),
     lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=1)),
    ("CosineAnnealingLR", lambda o: optim.CosineAnnealingLR(o, T_max=30),
     lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=30)),
    ("CosineAnnealingLR past T_max", lambda o: optim.CosineAnnealingLR(o, T_max=8, eta_min=0.01),
     lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=8, eta_min=0.01)),
    ("LinearWarmup", lambda o: optim.LinearWarmup(o, warmup_steps=10),
     lambda o: torch.optim.lr_scheduler.LinearLR(o, start_factor=1 / 10, end_factor=1.0, total_iters=9)),
    ("LinearWarmup 1 step", lambda o: optim.LinearWarmup(o, warmup_steps=1),
     lambda o: torch.optim.lr_scheduler.LinearLR(o, start_factor=1.0, end_factor=1.0, total_iters=0)),
]


@pytest.mark.parametrize("name, ours, theirs", SCHEDULES, ids=[s[0] for s in SCHEDULES])
def test_schedule_matches_torch_for_30_steps(name, ours, theirs):
    our_opt = optim.GD(make_ours([np.zeros(2)]), lr=0.5)
    their_opt = torch.optim.SGD([torch.zeros(2, requires_grad=True)], lr=0.5)
    our_sched, their_sched = ours(our_opt), theirs(their_opt)
    for t in range(31):
        expected = their_sched.get_last_lr()[0]
        assert abs(our_sched.get_last_lr()[0] - expected) <= 1e-12, f"{name}: lr at step {t}"
        assert [our_opt.param_groups[0]["lr"]] == our_sched.get_last_lr()
        their_opt.step()  # torch warns when a scheduler steps before its optimizer
        our_sched.step()
        their_sched.step()


def test_schedule_state_dict_resumes_the_schedule():
    def fresh():
        opt = optim.SGD(make_ours([np.zeros(2)]), lr=0.5)
        return opt, optim.CosineAnnealingLR(opt, T_max=12, eta_min=0.05)

    opt, sched = fresh()
    for _ in range(5):
        sched.step()
    saved_opt, saved_sched = opt.state_dict(), sched.state_dict()
    uninterrupted = []
    for _ in range(10):
        sched.step()
        uninterrupted.append(opt.param_groups[0]["lr"])

    opt, sched = fresh()
    opt.load_state_dict(saved_opt)
    sched.load_state_dict({k: np.asarray(v) for k, v in saved_sched.items()})
    resumed = []
    for _ in range(10):
        sched.step()
        resumed.append(opt.param_groups[0]["lr"])
    assert resumed == uninterrupted


# ---- gradient clipping ----------------------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.5, math.inf])
@pytest.mark.parametrize("max_norm", [0.5, 1e3])
def test_clip_grad_norm_matches_torch(dtype, norm_type, max_norm):
    initial, grads = gradient_schedule(dtype, steps=4)
    g = grads[3]  # parameter 1 has no grad at this step
    ours, theirs = make_ours(initial), [torch.from_numpy(a.copy()).requires_grad_() for a in initial]
    feed_ours(ours, g)
    feed_torch(theirs, g)
    total = optim.clip_grad_norm_(ours, max_norm, norm_type=norm_type)
    expected = torch.nn.utils.clip_grad_norm_(theirs, max_norm, norm_type=norm_type, foreach=False)
    assert isinstance(total, float)
    rtol, atol = (1e-10, 1e-10) if dtype == np.float64 else (1e-5, 1e-6)
    np.testing.assert_allclose(total, expected.item(), rtol=rtol)
    for p, q in zip(ours, theirs):
        assert (p.grad is None) == (q.grad is None)
        if p.grad is not None:
            assert p.grad.dtype == dtype
            np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=rtol, atol=atol)
    assert (total > max_norm) == (max_norm < 1e3), "the small max_norm must clip, the large one must not"


def test_clip_grad_norm_edge_cases():
    p = tg.Tensor(np.ones(3), requires_grad=True)
    assert optim.clip_grad_norm_([p], 1.0) == 0.0  # no gradients at all
    p.grad = tg.Tensor(np.array([3.0, 4.0, 0.0]))
    assert optim.clip_grad_norm_(p, 1.0) == 5.0  # a single tensor is accepted
    np.testing.assert_allclose(p.grad.numpy(), [3 / (5 + 1e-6), 4 / (5 + 1e-6), 0.0], rtol=1e-15)
    p.grad = tg.Tensor(np.array([np.nan, 1.0, 1.0]))
    with pytest.raises(RuntimeError, match="error_if_nonfinite"):
        optim.clip_grad_norm_(p, 1.0, error_if_nonfinite=True)
    with pytest.raises(ValueError, match="norm_type"):
        optim.clip_grad_norm_(p, 1.0, norm_type=0)


# ---- checkpoints ----------------------------------------------------------------------------

@pytest.mark.parametrize("name, ours, theirs", CASES, ids=CASE_IDS)
def test_state_dict_round_trip_is_bit_identical(name, ours, theirs):
    """10 steps, save, load into a fresh optimizer, 10 more == 20 uninterrupted steps.

    The saved dict must not change while the first optimizer runs on. Its flat form (for
    checkpoints) is reloaded with every number as a 0-d array, as it comes back from a
    safetensors file, into a second fresh optimizer, which must agree too."""
    initial, grads = gradient_schedule(np.float32, steps=20)
    uninterrupted = run(ours, initial, grads)[-1]

    params = make_ours(initial)
    opt = ours(params)
    for g in grads[:10]:
        feed_ours(params, g)
        opt.step()
    saved, flat = opt.state_dict(), opt._flat_state_dict()
    at_step_10 = [p.numpy().copy() for p in params]
    snapshot = {(i, k): np.array(v.numpy() if isinstance(v, tg.Tensor) else v, copy=True)
                for i, entries in saved["state"].items() for k, v in entries.items()}
    assert all(isinstance(v, (int, np.ndarray)) for k, v in flat.items() if k != "param_groups")
    for g in grads[10:]:  # keep going: the saved dict must not move with the live state
        feed_ours(params, g)
        opt.step()
    assert all(np.array_equal(snapshot[i, k], np.asarray(saved["state"][i][k].numpy() if k != "step"
                                                                 else saved["state"][i][k])) for i, k in snapshot)

    for source in (saved, {k: v if k == "param_groups" else np.asarray(v) for k, v in flat.items()}):
        resumed = make_ours(at_step_10)
        fresh = ours(resumed)
        fresh.load_state_dict(source)
        for g in grads[10:]:
            feed_ours(resumed, g)
            fresh.step()
        for a, b in zip(resumed, uninterrupted):
            assert np.array_equal(a.numpy(), b)


def test_state_dict_restores_hyperparameters_and_layout():
    params = make_ours([np.ones((2, 3))])
    opt = optim.SGD(params, lr=0.1, momentum=0.9)
    params[0].grad = tg.Tensor(np.ones((2, 3)))
    opt.step()
    saved = opt.state_dict()
    assert sorted(saved) == ["param_groups", "state"] and sorted(saved["state"][0]) == ["momentum_buffer"]
    other = optim.SGD(make_ours([np.ones((2, 3))]), lr=0.7)
    other.load_state_dict(saved)
    assert (other.param_groups[0]["lr"], other.param_groups[0]["momentum"]) == (0.1, 0.9)
    assert np.array_equal(other.state_dict()["state"][0]["momentum_buffer"].numpy(), np.ones((2, 3)))


def test_load_state_dict_names_mismatches():
    params = make_ours([np.ones((2, 3)), np.ones(4)])
    opt = optim.Adam(params)
    for p in params:
        p.grad = tg.Tensor(np.ones(p.shape))
    opt.step()
    saved = opt.state_dict()

    with pytest.raises(ValueError, match=r"groups hold \[2\] parameters, this optimizer's hold \[1\]"):
        optim.Adam(make_ours([np.ones((2, 3))])).load_state_dict(saved)
    with pytest.raises(ValueError, match=r"state 1 exp_avg has shape \(4,\) but the parameter has shape \(5,\)"):
        optim.Adam(make_ours([np.ones((2, 3)), np.ones(5)])).load_state_dict(saved)
    with pytest.raises(ValueError, match="missing keys"):
        optim.SGD(params, lr=0.1, momentum=0.9).load_state_dict(saved)
    groups = [{**g, "alpha": 0.9, "momentum": 0.0, "centered": False} for g in saved["param_groups"]]
    with pytest.raises(ValueError, match=r"unexpected state \['exp_avg', 'exp_avg_sq'\] for parameter 0"):
        optim.RMSprop(params).load_state_dict({**saved, "param_groups": groups})
    incomplete = {**saved, "state": {0: saved["state"][0], 1: {"step": 1, "exp_avg": saved["state"][1]["exp_avg"]}}}
    fresh = optim.Adam(params, lr=0.5)
    with pytest.raises(ValueError, match=r"missing state \['exp_avg_sq'\] for parameter 1"):
        fresh.load_state_dict(incomplete)
    assert fresh.param_groups[0]["lr"] == 0.5 and fresh.state == {}, "a failed load must change nothing"


# ---- argument checks --------------------------------------------------------------------------

BAD_ARGUMENTS = [
    ("GD", {"lr": -0.1}, "learning rate"),
    ("SGD", {"lr": -0.1}, "learning rate"),
    ("SGD", {"lr": 0.1, "momentum": -0.5}, "momentum"),
    ("SGD", {"lr": 0.1, "weight_decay": -1.0}, "weight_decay"),
    ("SGD", {"lr": 0.1, "nesterov": True}, "Nesterov"),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "dampening": 0.1, "nesterov": True}, "Nesterov"),
    ("Adam", {"lr": -1e-3}, "learning rate"),
    ("Adam", {"lr": float("nan")}, "learning rate"),
    ("Adam", {"eps": -1e-8}, "epsilon"),
    ("Adam", {"betas": (1.0, 0.999)}, "beta parameter at index 0"),
    ("Adam", {"betas": (0.9, -0.1)}, "beta parameter at index 1"),
    ("Adam", {"weight_decay": -0.1}, "weight_decay"),
    ("AdamW", {"betas": (0.9, 1.5)}, "beta parameter at index 1"),
    ("RMSprop", {"alpha": -0.9}, "alpha"),
    ("RMSprop", {"eps": -1.0}, "epsilon"),
    ("RMSprop", {"momentum": -0.9}, "momentum"),
    ("Adagrad", {"lr_decay": -0.1}, "lr_decay"),
    ("Adagrad", {"initial_accumulator_value": -1.0}, "initial_accumulator_value"),
    ("Adagrad", {"eps": -1e-10}, "epsilon"),
]


@pytest.mark.parametrize("cls, kwargs, match", BAD_ARGUMENTS, ids=[f"{c}-{list(k)[-1]}" for c, k, _ in
                                                                 BAD_ARGUMENTS])
def test_bad_hyperparameters_raise_like_torch(cls, kwargs, match):
    torch_cls = torch.optim.SGD if cls == "GD" else getattr(torch.optim, cls)
    with pytest.raises(ValueError):
        torch_cls([torch.zeros(2, requires_grad=True)], **kwargs)
    with pytest.raises(ValueError, match=match):
        getattr(optim, cls)(make_ours([np.zeros(2)]), **kwargs)


def test_bad_params_raise_like_torch():
    with pytest.raises(ValueError, match="empty parameter list"):
        optim.Adam([])
    with pytest.raises(ValueError):
        torch.optim.Adam([])
    with pytest.raises(TypeError, match="not a single Tensor"):
        optim.Adam(tg.Tensor(np.zeros(2), requires_grad=True))
    with pytest.raises(TypeError):
        torch.optim.Adam(torch.zeros(2, requires_grad=True))
    leaf = tg.Tensor(np.zeros(2), requires_grad=True)
    with pytest.raises(ValueError, match="non-leaf"):
        optim.Adam([leaf * 2])
    with pytest.raises(ValueError, match="non-leaf"):
        torch.optim.Adam([torch.zeros(2, requires_grad=True) * 2])
    with pytest.raises(TypeError, match="int64"):
        optim.Adam([tg.Tensor([1, 2])])
    with pytest.raises(ValueError, match="more than once"):
        optim.Adam([leaf, leaf])
    with pytest.raises(ValueError, match=r"grad has shape \(3,\), the tensor \(2,\)"):
        leaf.grad = tg.Tensor(np.zeros(3))  # refused where it is assigned, as torch refuses it
    with pytest.raises(RuntimeError, match="same size"):
        torch.zeros(2, requires_grad=True).grad = torch.zeros(3)
    leaf.grad = tg.Tensor(np.zeros(2))
    leaf.array = np.zeros(3)  # replacing the values behind the gradient's back: step still checks
    with pytest.raises(ValueError, match=r"shape \(3,\) but its grad has shape \(2,\)"):
        optim.Adam([leaf]).step()


def test_bad_schedule_arguments():
    opt = optim.GD(make_ours([np.zeros(2)]), lr=0.1)
    with pytest.raises(ValueError, match="step_size"):
        optim.StepLR(opt, step_size=0)
    with pytest.raises(ValueError, match="T_max"):
        optim.CosineAnnealingLR(opt, T_max=0)
    with pytest.raises(ValueError, match="warmup_steps"):
        optim.LinearWarmup(opt, warmup_steps=2.5)
    with pytest.raises(TypeError, match="not an Optimizer"):
        optim.StepLR(torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1), step_size=1)


# ---- invariants -------------------------------------------------------------------------------

@given(scale=st.floats(1e-3, 1e3), decoupled=st.booleans())
def test_adam_update_is_invariant_to_gradient_scale(scale, decoupled):
    """With eps = 0, m / sqrt(v) is homogeneous of degree 0 in g: scaling every
    gradient by c > 0 leaves every update unchanged. AdamW's decoupled weight decay
    does not touch g, so the invariance holds with it too."""
    initial, grads = gradient_schedule(np.float64, steps=15)
    make = (lambda p: optim.AdamW(p, lr=0.05, eps=0.0, weight_decay=0.2)) if decoupled else \
        (lambda p: optim.Adam(p, lr=0.05, eps=0.0))
    scaled = [[None if g is None else g * scale for g in step] for step in grads]
    for a, b in zip(run(make, initial, grads)[-1], run(make, initial, scaled)[-1]):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sgd_update_in_blocks_is_bit_identical_to_the_formula(dtype):
    from tinygrad_lite.optim.sgd import _subtract_scaled

    rng = np.random.default_rng(11)
    param, grad = rng.standard_normal((13, 7)).astype(dtype), rng.standard_normal((13, 7)).astype(dtype)
    want = param - dtype(0.03) * grad
    blocked = param.copy()
    _subtract_scaled(blocked, 0.03, grad, block=5)  # 19 blocks, the last one partial
    strided = np.asfortranarray(param)  # not C-contiguous: the whole-array path
    _subtract_scaled(strided, 0.03, grad)
    assert np.array_equal(blocked, want) and np.array_equal(strided, want)
