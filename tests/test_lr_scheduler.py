"""tg.optim.lr_scheduler against torch.optim.lr_scheduler: the same lr sequence, step for step.

Each schedule is built on an engine optimizer and on a torch optimizer with the same two
param groups (lrs 0.1 and 0.03), and stepped 60 times (optimizer first, then schedule, as
torch asks). get_last_lr(), every group's lr and, for the cycling schedules, every group's
momentum or beta1 must agree to 1e-12 relative at every step. Midway through one run the
user scales a group's lr by hand: the chainable schedules must carry the change forward
as torch's do. Beside parity: state_dict() taken mid-run resumes the same sequence in a
fresh scheduler; ReduceLROnPlateau follows a metric; bad arguments raise errors naming
the schedule.
"""
import math
import warnings

import numpy as np
import pytest

from helpers import torch

import tinygrad_lite as tg
import tinygrad_lite.optim as optim
from tinygrad_lite.optim import lr_scheduler

STEPS = 60


def _optimizers(kind):
    """An engine optimizer and torch's, each with two param groups (lrs 0.1 and 0.03)."""
    ours = [tg.Tensor(np.zeros(2), requires_grad=True), tg.Tensor(np.zeros(3), requires_grad=True)]
    theirs = [torch.zeros(2, requires_grad=True), torch.zeros(3, requires_grad=True)]
    kwargs = {"SGD": dict(momentum=0.9), "Adam": {}}[kind]
    make = lambda module, ps: getattr(module, kind)([{"params": [ps[0]]}, {"params": [ps[1]], "lr": 0.03}],
                                                    lr=0.1, **kwargs)
    return make(optim, ours), make(torch.optim, theirs)


def _momenta(opt):
    return [g["betas"][0] if "betas" in g else g["momentum"] for g in opt.param_groups]


CASES = [
    ("StepLR", "SGD", lambda m, o: m.StepLR(o, step_size=7, gamma=0.5)),
    ("MultiStepLR", "SGD", lambda m, o: m.MultiStepLR(o, milestones=[5, 12, 12, 40], gamma=0.3)),
    ("ExponentialLR", "SGD", lambda m, o: m.ExponentialLR(o, gamma=0.95)),
    ("CosineAnnealingLR", "SGD", lambda m, o: m.CosineAnnealingLR(o, T_max=17, eta_min=0.001)),
    ("CosineAnnealingWarmRestarts", "SGD", lambda m, o: m.CosineAnnealingWarmRestarts(o, T_0=5, T_mult=2,
                                                                                     eta_min=0.002)),
    ("LambdaLR", "SGD", lambda m, o: m.LambdaLR(o, lr_lambda=[lambda t: 0.9 ** t, lambda t: 1 / (1 + t)])),
    ("MultiplicativeLR", "SGD", lambda m, o: m.MultiplicativeLR(o, lr_lambda=lambda t: 0.97)),
    ("LinearLR", "SGD", lambda m, o: m.LinearLR(o, start_factor=0.25, end_factor=0.9, total_iters=20)),
    ("ConstantLR", "SGD", lambda m, o: m.ConstantLR(o, factor=0.5, total_iters=8)),
    ("PolynomialLR", "SGD", lambda m, o: m.PolynomialLR(o, total_iters=40, power=2.0)),
    ("OneCycleLR SGD", "SGD", lambda m, o: m.OneCycleLR(o, max_lr=[0.5, 0.2], total_steps=STEPS + 1)),
    ("OneCycleLR Adam linear three_phase", "Adam",
     lambda m, o: m.OneCycleLR(o, max_lr=0.01, epochs=7, steps_per_epoch=9, anneal_strategy="linear",
                               three_phase=True)),
    ("CyclicLR triangular", "SGD", lambda m, o: m.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=6)),
    ("CyclicLR triangular2 Adam", "Adam",
     lambda m, o: m.CyclicLR(o, base_lr=[0.001, 0.002], max_lr=0.01, step_size_up=4, step_size_down=7,
                             mode="triangular2")),
    ("CyclicLR exp_range", "SGD",
     lambda m, o: m.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=5, mode="exp_range", gamma=0.97)),
    ("SequentialLR", "SGD",
     lambda m, o: m.SequentialLR(o, [m.LinearLR(o, start_factor=0.1, total_iters=10), m.ExponentialLR(o, 0.9),
                                     m.StepLR(o, 4)], milestones=[10, 30])),
    ("ChainedScheduler", "SGD",
     lambda m, o: m.ChainedScheduler([m.ConstantLR(o, factor=0.1, total_iters=5), m.ExponentialLR(o, 0.97)])),
]
IDS = [c[0] for c in CASES]


def _close(a, b):
    return all(math.isclose(x, y, rel_tol=1e-12, abs_tol=1e-15) for x, y in zip(a, b)) and len(a) == len(b)


@pytest.mark.parametrize("nudge", [False, True], ids=["plain", "user_scales_lr"])
@pytest.mark.parametrize("name, kind, make", CASES, ids=IDS)
def test_lr_sequence_matches_torch(name, kind, make, nudge):
    ours, theirs = _optimizers(kind)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch's "the optimizer stepped before the scheduler" notes
        mine, yours = make(lr_scheduler, ours), make(torch.optim.lr_scheduler, theirs)
        for t in range(STEPS):
            assert _close(mine.get_last_lr(), yours.get_last_lr()), f"{name}: lr at step {t}"
            assert _close([g["lr"] for g in ours.param_groups], [g["lr"] for g in theirs.param_groups])
            assert _close(_momenta(ours), _momenta(theirs)), f"{name}: momentum at step {t}"
            if nudge and t == 25:
                ours.param_groups[0]["lr"] *= 0.5
                theirs.param_groups[0]["lr"] *= 0.5
            ours.step()
            theirs.step()
            mine.step()
            yours.step()


@pytest.mark.parametrize("name, kind, make", CASES, ids=IDS)
def test_state_dict_resumes_the_sequence(name, kind, make):
    ours, _ = _optimizers(kind)
    sched = make(lr_scheduler, ours)
    for _ in range(23):
        sched.step()
    saved_opt, saved = ours.state_dict(), sched.state_dict()
    expected = []
    for _ in range(20):
        sched.step()
        expected.append(sched.get_last_lr())
    fresh_opt, _ = _optimizers(kind)
    fresh = make(lr_scheduler, fresh_opt)
    fresh_opt.load_state_dict(saved_opt)
    fresh.load_state_dict(saved)
    resumed = []
    for _ in range(20):
        fresh.step()
        resumed.append(fresh.get_last_lr())
    assert resumed == expected


@pytest.mark.parametrize("mode, threshold_mode, cooldown, min_lr", [
    ("min", "rel", 0, 0.0), ("min", "abs", 2, 0.004), ("max", "rel", 1, [0.01, 0.0]), ("max", "abs", 0, 0.0)])
def test_reduce_lr_on_plateau_matches_torch(mode, threshold_mode, cooldown, min_lr):
    ours, theirs = _optimizers("SGD")
    kwargs = dict(mode=mode, factor=0.5, patience=2, threshold=0.01, threshold_mode=threshold_mode,
                  cooldown=cooldown, min_lr=min_lr)
    mine, yours = lr_scheduler.ReduceLROnPlateau(ours, **kwargs), torch.optim.lr_scheduler.ReduceLROnPlateau(
        theirs, **kwargs)
    rng = np.random.default_rng(3)
    metrics = np.concatenate([np.linspace(1, 0.5, 10), 0.5 + 0.01 * rng.standard_normal(50)])
    for t, metric in enumerate(metrics):
        mine.step(tg.tensor(metric) if t % 2 else float(metric))
        yours.step(float(metric))
        assert _close(mine.get_last_lr(), yours.get_last_lr()), f"lr after metric {t}"
        assert mine.num_bad_epochs == yours.num_bad_epochs and mine.cooldown_counter == yours.cooldown_counter
    assert mine.get_last_lr() != [0.1, 0.03], "the plateau must have reduced the lr"


def test_existing_names_keep_working():
    """optim.StepLR, optim.CosineAnnealingLR and optim.LinearWarmup as before (now torch's classes)."""
    opt = optim.SGD([tg.Tensor(np.zeros(2), requires_grad=True)], lr=0.5)
    assert optim.StepLR is lr_scheduler.StepLR and optim.CosineAnnealingLR is lr_scheduler.CosineAnnealingLR
    warm = optim.LinearWarmup(opt, warmup_steps=4)
    lrs = [warm.get_last_lr()[0]]
    for _ in range(5):
        warm.step()
        lrs.append(warm.get_last_lr()[0])
    np.testing.assert_allclose(lrs, [0.125, 0.25, 0.375, 0.5, 0.5, 0.5], rtol=1e-12)


def _opt():
    return optim.SGD([tg.Tensor(np.zeros(2), requires_grad=True)], lr=0.1)


BAD = [
    (lambda: lr_scheduler.StepLR(_opt(), step_size=0), ValueError, "StepLR.*step_size"),
    (lambda: lr_scheduler.StepLR("sgd", step_size=2), TypeError, "StepLR.*not an Optimizer"),
    (lambda: lr_scheduler.ConstantLR(_opt(), factor=2.0), ValueError, "ConstantLR.*factor"),
    (lambda: lr_scheduler.LinearLR(_opt(), start_factor=0.0), ValueError, "LinearLR.*Starting"),
    (lambda: lr_scheduler.MultiStepLR(_opt(), milestones=3), TypeError, "MultiStepLR.*milestones"),
    (lambda: lr_scheduler.LambdaLR(_opt(), lr_lambda=[len, len]), ValueError, "LambdaLR.*Expected 1 lr_lambdas"),
    (lambda: lr_scheduler.LambdaLR(_opt(), lr_lambda=lambda t: "x"), TypeError, "LambdaLR.*lr_lambda"),
    (lambda: lr_scheduler.CosineAnnealingWarmRestarts(_opt(), T_0=0), ValueError, "CosineAnnealingWarmRestarts.*T_0"),
    (lambda: lr_scheduler.OneCycleLR(_opt(), max_lr=0.1), ValueError, "OneCycleLR.*total_steps"),
    (lambda: lr_scheduler.CyclicLR(_opt(), 0.01, 0.1, mode="sine"), ValueError, "CyclicLR.*mode"),
    (lambda: lr_scheduler.CyclicLR(optim.Adagrad([tg.Tensor(np.zeros(2), requires_grad=True)]), 0.01, 0.1),
     ValueError, "CyclicLR.*momentum"),
    (lambda: lr_scheduler.ReduceLROnPlateau(_opt(), mode="up"), ValueError, "ReduceLROnPlateau.*mode"),
    (lambda: lr_scheduler.ReduceLROnPlateau(_opt(), factor=1.0), ValueError, "ReduceLROnPlateau.*Factor"),
    (lambda: lr_scheduler.ReduceLROnPlateau(_opt()).step("loss"), TypeError, "ReduceLROnPlateau.step.*metrics"),
    (lambda: lr_scheduler.SequentialLR(_opt(), [lr_scheduler.StepLR(_opt(), 2)], milestones=[3]), ValueError,
     "SequentialLR"),
    (lambda: lr_scheduler.ChainedScheduler([]), ValueError, "ChainedScheduler"),
    (lambda: lr_scheduler.StepLR(_opt(), 2, last_epoch=4), ValueError, "StepLR.*initial_lr"),
    (lambda: (lambda s: [s.step() for _ in range(5)])(lr_scheduler.OneCycleLR(_opt(), 0.1, total_steps=3)),
     ValueError, "OneCycleLR.step.*total steps"),
    (lambda: lr_scheduler.StepLR(_opt(), 2).load_state_dict({"last_epoch": 1}), ValueError,
     "StepLR.load_state_dict: missing keys"),
    (lambda: (lambda s: s.load_state_dict({**s.state_dict(), "last_epoch": 2.5}))(lr_scheduler.StepLR(_opt(), 2)),
     ValueError, "StepLR.load_state_dict: 'last_epoch'"),
]


@pytest.mark.parametrize("make, error, match", BAD, ids=[m for _, _, m in BAD])
def test_bad_arguments_raise_naming_the_schedule(make, error, match):
    with pytest.raises(error, match=match):
        make()


def test_a_torch_style_custom_scheduler_ports_by_changing_imports():
    """A subclass written for torch (its own get_lr over base_lrs and last_epoch) gives torch's lrs, and resumes."""
    def make(module, opt):
        class Warmup(module.optim.lr_scheduler._LRScheduler):
            def __init__(self, optimizer, warmup, last_epoch=-1):
                self.warmup = warmup
                super().__init__(optimizer, last_epoch)

            def get_lr(self):
                return [base_lr * min(1.0, (self.last_epoch + 1) / self.warmup) for base_lr in self.base_lrs]
        return Warmup(opt, 4)

    ours, theirs = _optimizers("SGD")
    mine, yours = make(tg, ours), make(torch, theirs)
    for _ in range(8):
        assert _close(mine.get_last_lr(), yours.get_last_lr())
        ours.step()
        theirs.step()
        mine.step()
        yours.step()
    again = make(tg, _optimizers("SGD")[0])
    again.load_state_dict(mine.state_dict())
    assert again.last_epoch == mine.last_epoch == 8 and again.warmup == 4
