"""Learning-rate schedules, as torch.optim.lr_scheduler: the same classes, arguments and lr sequences.

A scheduler sets `group["lr"]` in each of its optimizer's param groups: once when it is
made (step 0) and at each `step()`, called after `optimizer.step()`:

    opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    sched = optim.lr_scheduler.CosineAnnealingLR(opt, T_max=100)
    for batch in data:
        ...; opt.step(); sched.step()

Most schedules are written in torch's chainable form: the new lr is computed from the
group's current lr (lr_t = lr_{t-1} * gamma, ...), so schedules can be stacked
(ChainedScheduler) and a user's own change to a group's lr carries forward, exactly as
in torch. The first lr of each group is remembered as `group["initial_lr"]` and in
`base_lrs`. `last_epoch` counts the steps taken. `state_dict()` holds the scheduler's
plain values (every attribute but the optimizer and functions); `load_state_dict`
checks them (kinds of value, missing and unexpected keys) before it changes anything.
"""
from bisect import bisect_right
from collections import Counter
from collections.abc import Mapping
import math
import warnings

import numpy as np

from .._validate import _describe, _scalar_of, check_number
from .optimizer import Optimizer

__all__ = ["LRScheduler", "LambdaLR", "MultiplicativeLR", "StepLR", "MultiStepLR", "ConstantLR", "LinearLR",
           "ExponentialLR", "SequentialLR", "PolynomialLR", "CosineAnnealingLR", "ChainedScheduler",
           "ReduceLROnPlateau", "CyclicLR", "CosineAnnealingWarmRestarts", "OneCycleLR", "LinearWarmup"]


def _real(op, name, value):
    return check_number(value, name, op, finite=False)


def _int(op, name, value, low):
    """An int >= low (a whole float such as 3.0 is taken too), else an error naming `op`."""
    value = _scalar_of(value)
    number = check_number(value, name, op, finite=False)
    if not number.is_integer() or number < low:
        raise ValueError(f"{op}: {name} must be an integer >= {low}, not {value!r}")
    return int(number)


def _per_group(op, name, optimizer, value):
    """One value per param group: a list/tuple of that length, or one number repeated (torch's _format_param)."""
    if isinstance(value, (list, tuple)):
        if len(value) != len(optimizer.param_groups):
            raise ValueError(f"{op}: expected {len(optimizer.param_groups)} values for {name}, got {len(value)}")
        return [_real(op, name, v) for v in value]
    return [_real(op, name, value)] * len(optimizer.param_groups)


def _check_optimizer(op, optimizer):
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"{op}: {type(optimizer).__name__} is not an Optimizer")


class LRScheduler:
    """Base class: remembers each group's initial lr, steps `last_epoch` and writes `get_lr()` into the groups.

    step() advances last_epoch by one and sets every group's lr to get_lr(); with an
    explicit `epoch` (deprecated in torch, with a warning) it jumps there and uses the
    schedule's closed form where it has one.
    """

    _positive = ()  # names of arguments that must be integers >= 1

    def __init__(self, optimizer, last_epoch=-1):
        op = type(self).__name__
        _check_optimizer(op, optimizer)
        self.optimizer = optimizer
        last_epoch = _int(op, "last_epoch", last_epoch, -1)
        if last_epoch == -1:
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", group["lr"])
        else:
            for i, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise ValueError(f"{op}: param 'initial_lr' is not specified in param_groups[{i}] when resuming "
                                   "with last_epoch >= 0 (load the optimizer's state first)")
        self.base_lrs = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._initial_step()

    def _initial_step(self):
        self._step_count = 0
        self._is_initial = True
        try:
            self.step()
        finally:
            self._is_initial = False

    def get_lr(self):
        """The lr of each group at `last_epoch` (called by step())."""
        raise NotImplementedError  # abstract

    def get_last_lr(self):
        """The lrs this scheduler set last, one per param group (a list, as torch's)."""
        return self._last_lr

    def step(self, epoch=None):
        """Advance one step (after `optimizer.step()`) and set each group's lr."""
        self._step_count += 1
        if epoch is not None:
            warnings.warn(f"{type(self).__name__}.step: passing an epoch is deprecated (as in torch); "
                          "the closed form is used where there is one", UserWarning, stacklevel=2)
        self._update_lr(epoch)

    def _update_lr(self, epoch=None):
        if epoch is None:
            self.last_epoch += 1
            values = self.get_lr()
        else:
            self.last_epoch = _int(f"{type(self).__name__}.step", "epoch", epoch, 0)
            values = self._get_closed_form_lr() if hasattr(self, "_get_closed_form_lr") else self.get_lr()
        for group, lr in zip(self.optimizer.param_groups, values):
            group["lr"] = lr
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    # ---- state dicts ------------------------------------------------------------------------
    _not_saved = ("optimizer",)

    def state_dict(self):
        """Every attribute but the optimizer (and functions), as torch's: plain numbers, lists and dicts."""
        return {k: (list(v) if isinstance(v, list) else v) for k, v in self.__dict__.items()
                if k not in self._not_saved}

    def load_state_dict(self, state_dict):
        """Restore a state from `state_dict()`; every entry is checked against the current one first."""
        self._prepare_load_state_dict(state_dict)()

    def _prepare_load_state_dict(self, state_dict):
        """Check `state_dict` and return the change, to be run later (see Optimizer's)."""
        op = f"{type(self).__name__}.load_state_dict"
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"{op}: state_dict must be a mapping, got {type(state_dict).__name__}")
        current = LRScheduler.state_dict(self)  # the own values (SequentialLR's inner ones are checked apart)
        missing = sorted(set(current) - set(state_dict))
        if missing:
            raise ValueError(f"{op}: missing keys {missing} "
                             "(was this state saved by a different kind of schedule?)")
        unexpected = sorted(set(state_dict) - set(current))
        if unexpected:
            raise ValueError(f"{op}: unexpected keys {unexpected}")
        values = {name: _like(current[name], state_dict[name], name, op) for name in current}
        for name, low in (("last_epoch", -1), ("_step_count", 0)):  # a SequentialLR's waiting schedules sit at -1
            if name in values and values[name] < low:
                raise ValueError(f"{op}: {name!r} must be a whole number >= {low}, not {values[name]}")
        for name in self._positive:
            if values[name] < 1:
                raise ValueError(f"{op}: {name!r} must be a positive integer, not {values[name]}")
        return lambda: self.__dict__.update(values)


_LRScheduler = LRScheduler  # torch's older name, still used by custom schedulers written for torch


def _like(current, value, name, op):
    """`value` as the same kind of thing as `current` (a state-dict entry), or a TypeError/ValueError.
    Nothing is changed on the way: int(2.7) would be 2 and bool("False") True, so an int takes
    only a whole number, a flag only a bool, a float only a real number (a 0-d array counts)."""
    value = _scalar_of(value)
    if isinstance(current, (bool, np.bool_)):
        if not isinstance(value, (bool, np.bool_)):
            raise TypeError(f"{op}: {name!r} must be a bool (True or False), not {_describe(value)}")
        return bool(value)
    if isinstance(current, int):
        number = check_number(value, repr(name), op, finite=False)
        if not number.is_integer():
            raise ValueError(f"{op}: {name!r} must be a whole number, not {value!r}")
        return int(value)
    if isinstance(current, float):
        return check_number(value, repr(name), op, finite=False)
    if isinstance(current, Counter):
        if not isinstance(value, Mapping):
            raise TypeError(f"{op}: {name!r} must be a dict, not {_describe(value)}")
        return Counter({int(k): int(v) for k, v in value.items()})
    if isinstance(current, list):
        value = value.tolist() if isinstance(value, np.ndarray) else value
        if not isinstance(value, (list, tuple)) or len(value) != len(current):
            raise ValueError(f"{op}: {name!r} must be a list of {len(current)} values, not {value!r}")
        return [_like(c, v, f"{name}[{i}]", op) for i, (c, v) in enumerate(zip(current, value))]
    if isinstance(current, str) and not isinstance(value, str):
        raise TypeError(f"{op}: {name!r} must be a str, not {_describe(value)}")
    return value


def _milestones(op, milestones):
    """A list of step counts >= 0, or an error naming `op`."""
    if not isinstance(milestones, (list, tuple, range)):
        raise TypeError(f"{op}: milestones must be a list of ints, not {_describe(milestones)}")
    return [_int(op, "milestones", m, 0) for m in milestones]


def _group_lrs(optimizer):
    return [group["lr"] for group in optimizer.param_groups]


class LambdaLR(LRScheduler):
    """lr_t = initial_lr * lr_lambda(t): a function of the step count (one per group, or one for all)."""

    _not_saved = ("optimizer", "lr_lambdas")

    def __init__(self, optimizer, lr_lambda, last_epoch=-1):
        _check_optimizer(type(self).__name__, optimizer)
        self.lr_lambdas = _lambdas(type(self).__name__, optimizer, lr_lambda)
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        return [base_lr * _factor(self, fn) for fn, base_lr in zip(self.lr_lambdas, self.base_lrs)]


def _factor(sched, fn):
    """lr_lambda(last_epoch), checked to be a number."""
    return _real(type(sched).__name__, "the value of lr_lambda", fn(sched.last_epoch))


def _lambdas(op, optimizer, lr_lambda):
    fns = list(lr_lambda) if isinstance(lr_lambda, (list, tuple)) else [lr_lambda] * len(optimizer.param_groups)
    if len(fns) != len(optimizer.param_groups):
        raise ValueError(f"{op}: Expected {len(optimizer.param_groups)} lr_lambdas, but got {len(fns)}")
    for fn in fns:
        if not callable(fn):
            raise TypeError(f"{op}: lr_lambda should be a function, but got {type(fn).__name__}")
    return fns


class MultiplicativeLR(LRScheduler):
    """lr_t = lr_{t-1} * lr_lambda(t) for t >= 1."""

    _not_saved = ("optimizer", "lr_lambdas")

    def __init__(self, optimizer, lr_lambda, last_epoch=-1):
        _check_optimizer(type(self).__name__, optimizer)
        self.lr_lambdas = _lambdas(type(self).__name__, optimizer, lr_lambda)
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        if self._is_initial:
            return _group_lrs(self.optimizer)
        return [group["lr"] * _factor(self, fn) for fn, group in zip(self.lr_lambdas, self.optimizer.param_groups)]


class StepLR(LRScheduler):
    """lr_t = lr_{t-1} * gamma when t is a multiple of step_size, else lr_{t-1}

    (closed form: initial_lr * gamma^floor(t / step_size))."""

    _positive = ("step_size",)

    def __init__(self, optimizer, step_size, gamma=0.1, last_epoch=-1):
        self.step_size = _int(type(self).__name__, "step_size", step_size, 1)
        self.gamma = _real(type(self).__name__, "gamma", gamma)
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return _group_lrs(self.optimizer)
        return [group["lr"] * self.gamma for group in self.optimizer.param_groups]

    def _get_closed_form_lr(self):
        return [base_lr * self.gamma ** (self.last_epoch // self.step_size) for base_lr in self.base_lrs]


class MultiStepLR(LRScheduler):
    """lr_t = lr_{t-1} * gamma^(how many times t appears in milestones)."""

    def __init__(self, optimizer, milestones, gamma=0.1, last_epoch=-1):
        op = type(self).__name__
        self.milestones = Counter(_milestones(op, milestones))
        self.gamma = _real(op, "gamma", gamma)
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        if self.last_epoch not in self.milestones:
            return _group_lrs(self.optimizer)
        return [group["lr"] * self.gamma ** self.milestones[self.last_epoch] for group in self.optimizer.param_groups]

    def _get_closed_form_lr(self):
        milestones = sorted(self.milestones.elements())
        return [base_lr * self.gamma ** bisect_right(milestones, self.last_epoch) for base_lr in self.base_lrs]


class ConstantLR(LRScheduler):
    """lr_t = initial_lr * factor for t < total_iters, then initial_lr (factor in [0, 1])."""

    def __init__(self, optimizer, factor=1.0 / 3, total_iters=5, last_epoch=-1):
        op = type(self).__name__
        self.factor = _real(op, "factor", factor)
        if not 0 <= self.factor <= 1.0:
            raise ValueError(f"{op}: Constant multiplicative factor expected to be between 0 and 1, got {factor}")
        self.total_iters = _int(op, "total_iters", total_iters, 0)
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        if self.last_epoch == 0:
            return [group["lr"] * self.factor for group in self.optimizer.param_groups]
        if self.last_epoch != self.total_iters:
            return _group_lrs(self.optimizer)
        return [group["lr"] * (1.0 / self.factor) for group in self.optimizer.param_groups]

    def _get_closed_form_lr(self):
        return [base_lr * (self.factor + (self.last_epoch >= self.total_iters) * (1 - self.factor))
                for base_lr in self.base_lrs]


class LinearLR(LRScheduler):
    """The factor on initial_lr goes linearly from start_factor (t = 0) to end_factor (t = total_iters):

        lr_t = initial_lr * (start + (end - start) * min(t, total_iters) / total_iters)
    """

    def __init__(self, optimizer, start_factor=1.0 / 3, end_factor=1.0, total_iters=5, last_epoch=-1):
        op = type(self).__name__
        self.start_factor = _real(op, "start_factor", start_factor)
        self.end_factor = _real(op, "end_factor", end_factor)
        if not 0 < self.start_factor <= 1.0:
            raise ValueError(f"{op}: Starting multiplicative factor expected to be greater than 0 and less or "
                             f"equal to 1, got {start_factor}")
        if not 0 <= self.end_factor <= 1.0:
            raise ValueError(f"{op}: Ending multiplicative factor expected to be between 0 and 1, got {end_factor}")
        self.total_iters = _int(op, "total_iters", total_iters, 0)
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        if self.last_epoch == 0:
            return [group["lr"] * self.start_factor for group in self.optimizer.param_groups]
        if self._is_initial or self.last_epoch > self.total_iters:
            return _group_lrs(self.optimizer)
        change = self.end_factor - self.start_factor
        return [group["lr"] * (1.0 + change / (self.total_iters * self.start_factor + (self.last_epoch - 1) * change))
                for group in self.optimizer.param_groups]

    def _get_closed_form_lr(self):
        return [base_lr * (self.start_factor + (self.end_factor - self.start_factor)
                           * min(self.total_iters, self.last_epoch) / self.total_iters) for base_lr in self.base_lrs]


class LinearWarmup(LinearLR):
    """lr_t = initial_lr * min(1, (t + 1) / warmup_steps): a linear ramp reaching initial_lr at t = warmup_steps - 1.

    The engine's own name for LinearLR(optimizer, start_factor=1/warmup_steps, end_factor=1.0,
    total_iters=warmup_steps - 1); the first step already uses initial_lr / warmup_steps."""

    def __init__(self, optimizer, warmup_steps, last_epoch=-1):
        warmup_steps = _int(type(self).__name__, "warmup_steps", warmup_steps, 1)
        super().__init__(optimizer, start_factor=1.0 / warmup_steps, end_factor=1.0,
                         total_iters=warmup_steps - 1, last_epoch=last_epoch)


class ExponentialLR(LRScheduler):
    """lr_t = lr_{t-1} * gamma (closed form: initial_lr * gamma^t)."""

    def __init__(self, optimizer, gamma, last_epoch=-1):
        self.gamma = _real(type(self).__name__, "gamma", gamma)
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        if self._is_initial:
            return _group_lrs(self.optimizer)
        return [group["lr"] * self.gamma for group in self.optimizer.param_groups]

    def _get_closed_form_lr(self):
        return [base_lr * self.gamma ** self.last_epoch for base_lr in self.base_lrs]


class PolynomialLR(LRScheduler):
    """lr_t = initial_lr * (1 - min(t, total_iters) / total_iters)^power (computed step to step, as torch)."""

    _positive = ("total_iters",)

    def __init__(self, optimizer, total_iters=5, power=1.0, last_epoch=-1):
        self.total_iters = _int(type(self).__name__, "total_iters", total_iters, 1)
        self.power = _real(type(self).__name__, "power", power)
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        if self._is_initial or self.last_epoch > self.total_iters:
            return _group_lrs(self.optimizer)
        factor = ((1.0 - self.last_epoch / self.total_iters)
                  / (1.0 - (self.last_epoch - 1) / self.total_iters)) ** self.power
        return [group["lr"] * factor for group in self.optimizer.param_groups]

    def _get_closed_form_lr(self):
        return [base_lr * (1.0 - min(self.total_iters, self.last_epoch) / self.total_iters) ** self.power
                for base_lr in self.base_lrs]


class CosineAnnealingLR(LRScheduler):
    """lr_t = eta_min + (initial_lr - eta_min) * (1 + cos(pi * t / T_max)) / 2, in torch's step-to-step form:

        lr_t = eta_min + (lr_{t-1} - eta_min) * (1 + cos(pi t / T_max)) / (1 + cos(pi (t - 1) / T_max))

    Past T_max the lr follows the cosine back up (period 2 T_max), as torch's does."""

    _positive = ("T_max",)

    def __init__(self, optimizer, T_max, eta_min=0.0, last_epoch=-1):
        self.T_max = _int(type(self).__name__, "T_max", T_max, 1)
        self.eta_min = _real(type(self).__name__, "eta_min", eta_min)
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        t, groups = self.last_epoch, self.optimizer.param_groups
        if self._is_initial:
            return _group_lrs(self.optimizer)
        if self._step_count == 1 and t > 0:
            return [self.eta_min + (base_lr - self.eta_min) * (1 + math.cos(t * math.pi / self.T_max)) / 2
                    for base_lr in self.base_lrs]
        if (t - 1 - self.T_max) % (2 * self.T_max) == 0:
            return [group["lr"] + (base_lr - self.eta_min) * (1 - math.cos(math.pi / self.T_max)) / 2
                    for base_lr, group in zip(self.base_lrs, groups)]
        return [(1 + math.cos(math.pi * t / self.T_max)) / (1 + math.cos(math.pi * (t - 1) / self.T_max))
                * (group["lr"] - self.eta_min) + self.eta_min for group in groups]

    def _get_closed_form_lr(self):
        return [self.eta_min + (base_lr - self.eta_min) * (1 + math.cos(math.pi * self.last_epoch / self.T_max)) / 2
                for base_lr in self.base_lrs]


class CosineAnnealingWarmRestarts(LRScheduler):
    """SGDR: lr = eta_min + (initial_lr - eta_min) * (1 + cos(pi * T_cur / T_i)) / 2, where T_cur counts the
    steps since the last restart and the period T_i starts at T_0 and is multiplied by T_mult at each restart."""

    def __init__(self, optimizer, T_0, T_mult=1, eta_min=0.0, last_epoch=-1):
        op = type(self).__name__
        for name, value, low in (("T_0", T_0, 1), ("T_mult", T_mult, 1)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
                raise ValueError(f"{op}: Expected integer {name} >= {low}, but got {value!r}")
        self.T_0 = self.T_i = int(T_0)
        self.T_mult = int(T_mult)
        self.eta_min = _real(op, "eta_min", eta_min)
        self.T_cur = _int(op, "last_epoch", last_epoch, -1)
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        return [self.eta_min + (base_lr - self.eta_min) * (1 + math.cos(math.pi * self.T_cur / self.T_i)) / 2
                for base_lr in self.base_lrs]

    def step(self, epoch=None):
        """Advance one step (or jump to `epoch`, which may be fractional: T_cur = epoch within its period)."""
        if epoch is None and self.last_epoch < 0:
            epoch = 0
        if epoch is None:
            epoch = self.last_epoch + 1
            self.T_cur = self.T_cur + 1
            if self.T_cur >= self.T_i:
                self.T_cur = self.T_cur % self.T_i
                self.T_i = self.T_i * self.T_mult
        else:
            epoch = check_number(epoch, "epoch", f"{type(self).__name__}.step")
            if epoch < 0:
                raise ValueError(f"{type(self).__name__}.step: Expected non-negative epoch, but got {epoch}")
            if epoch >= self.T_0:
                if self.T_mult == 1:
                    self.T_cur = epoch % self.T_0
                else:
                    n = int(math.log((epoch / self.T_0 * (self.T_mult - 1) + 1), self.T_mult))
                    self.T_cur = epoch - self.T_0 * (self.T_mult ** n - 1) / (self.T_mult - 1)
                    self.T_i = self.T_0 * self.T_mult ** n
            else:
                self.T_i = self.T_0
                self.T_cur = epoch
        self.last_epoch = math.floor(epoch)
        for group, lr in zip(self.optimizer.param_groups, self.get_lr()):
            group["lr"] = lr
        self._last_lr = _group_lrs(self.optimizer)


def _momentum_setup(op, optimizer, base_momentum, max_momentum):
    """For CyclicLR and OneCycleLR: whether the optimizer's momentum is beta1, and the per-group bounds."""
    if "momentum" not in optimizer.defaults and "betas" not in optimizer.defaults:
        raise ValueError(f"{op}: optimizer must support momentum or beta1 with `cycle_momentum` option enabled")
    return ("betas" in optimizer.defaults, _per_group(op, "base_momentum", optimizer, base_momentum),
            _per_group(op, "max_momentum", optimizer, max_momentum))


def _set_momentum(group, use_beta1, value):
    if use_beta1:
        group["betas"] = (value, *group["betas"][1:])
    else:
        group["momentum"] = value


class CyclicLR(LRScheduler):
    """The lr cycles between base_lr and max_lr (Smith): up over step_size_up steps, down over step_size_down,
    the amplitude scaled per cycle ("triangular": 1, "triangular2": 1/2^(cycle-1)) or per step
    ("exp_range": gamma^t), or by scale_fn. With cycle_momentum the momentum (or beta1) cycles the other way."""

    _not_saved = ("optimizer", "_scale_fn_custom")

    def __init__(self, optimizer, base_lr, max_lr, step_size_up=2000, step_size_down=None, mode="triangular",
                 gamma=1.0, scale_fn=None, scale_mode="cycle", cycle_momentum=True, base_momentum=0.8,
                 max_momentum=0.9, last_epoch=-1):
        op = type(self).__name__
        _check_optimizer(op, optimizer)
        last_epoch = _int(op, "last_epoch", last_epoch, -1)
        base_lrs = _per_group(op, "base_lr", optimizer, base_lr)
        if last_epoch == -1:
            for lr, group in zip(base_lrs, optimizer.param_groups):
                group["lr"] = lr
        self.max_lrs = _per_group(op, "max_lr", optimizer, max_lr)
        up = check_number(step_size_up, "step_size_up", op)
        down = up if step_size_down is None else check_number(step_size_down, "step_size_down", op)
        if up <= 0 or down < 0:
            raise ValueError(f"{op}: step_size_up must be > 0 and step_size_down >= 0, got {up} and {down}")
        self.total_size = up + down
        self.step_ratio = up / self.total_size
        if not isinstance(mode, str) or mode not in ("triangular", "triangular2", "exp_range"):
            raise ValueError(f"{op}: mode must be 'triangular', 'triangular2' or 'exp_range', not {mode!r}")
        if scale_fn is not None and not callable(scale_fn):
            raise TypeError(f"{op}: scale_fn must be a function, not {_describe(scale_fn)}")
        if scale_mode not in ("cycle", "iterations"):
            raise ValueError(f"{op}: scale_mode must be 'cycle' or 'iterations', not {scale_mode!r}")
        self.mode = mode
        self.gamma = _real(op, "gamma", gamma)
        self._scale_fn_custom = scale_fn
        self.scale_mode = scale_mode if scale_fn is not None else \
            {"triangular": "cycle", "triangular2": "cycle", "exp_range": "iterations"}[mode]
        self.cycle_momentum = bool(cycle_momentum)
        if self.cycle_momentum:
            self.use_beta1, self.base_momentums, self.max_momentums = _momentum_setup(
                op, optimizer, base_momentum, max_momentum)
            if last_epoch == -1:
                for high, low, group in zip(self.max_momentums, self.base_momentums, optimizer.param_groups):
                    _set_momentum(group, self.use_beta1, high)
                    group["max_momentum"], group["base_momentum"] = high, low
        super().__init__(optimizer, last_epoch)
        self.base_lrs = base_lrs

    def scale_fn(self, x):
        """The amplitude's scale at cycle (or step) x."""
        x = _real(f"{type(self).__name__}.scale_fn", "x", x)
        if self._scale_fn_custom is not None:
            return _real(type(self).__name__, "the value of scale_fn", self._scale_fn_custom(x))
        if self.mode == "triangular":
            return 1.0
        if self.mode == "triangular2":
            return 1 / (2.0 ** (x - 1))
        return self.gamma ** x

    def get_lr(self):
        cycle = math.floor(1 + self.last_epoch / self.total_size)
        x = 1.0 + self.last_epoch / self.total_size - cycle
        scale_factor = x / self.step_ratio if x <= self.step_ratio else (x - 1) / (self.step_ratio - 1)
        scale = self.scale_fn(cycle if self.scale_mode == "cycle" else self.last_epoch)
        lrs = [base_lr + (max_lr - base_lr) * scale_factor * scale
               for base_lr, max_lr in zip(self.base_lrs, self.max_lrs)]
        if self.cycle_momentum:
            for low, high, group in zip(self.base_momentums, self.max_momentums, self.optimizer.param_groups):
                _set_momentum(group, self.use_beta1, high - (high - low) * scale_factor * scale)
        return lrs


class OneCycleLR(LRScheduler):
    """The 1cycle policy (Smith & Topin): the lr rises from max_lr / div_factor to max_lr over the first
    pct_start of total_steps, then anneals ("cos" or "linear") to initial_lr / final_div_factor; with
    three_phase it first comes back down to initial_lr symmetrically. Momentum (or beta1) moves the other way."""

    def __init__(self, optimizer, max_lr, total_steps=None, epochs=None, steps_per_epoch=None, pct_start=0.3,
                 anneal_strategy="cos", cycle_momentum=True, base_momentum=0.85, max_momentum=0.95,
                 div_factor=25.0, final_div_factor=1e4, three_phase=False, last_epoch=-1):
        op = type(self).__name__
        _check_optimizer(op, optimizer)
        last_epoch = _int(op, "last_epoch", last_epoch, -1)
        for name, value in (("epochs", epochs), ("steps_per_epoch", steps_per_epoch)):
            if value is not None:
                _int(op, name, value, 1)
        if total_steps is not None:
            self.total_steps = _int(op, "total_steps", total_steps, 1)
        elif epochs is not None and steps_per_epoch is not None:
            self.total_steps = _int(op, "epochs", epochs, 1) * _int(op, "steps_per_epoch", steps_per_epoch, 1)
        else:
            raise ValueError(f"{op}: You must define either total_steps OR (epochs AND steps_per_epoch)")
        pct_start = _real(op, "pct_start", pct_start)
        if not 0 <= pct_start <= 1:
            raise ValueError(f"{op}: Expected float between 0 and 1 pct_start, but got {pct_start}")
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(f"{op}: anneal_strategy must be one of 'cos' or 'linear', instead got {anneal_strategy!r}")
        self._anneal_func_type = anneal_strategy
        up = float(pct_start * self.total_steps) - 1
        if three_phase:
            self._schedule_phases = [
                dict(end_step=up, start_lr="initial_lr", end_lr="max_lr",
                     start_momentum="max_momentum", end_momentum="base_momentum"),
                dict(end_step=float(2 * pct_start * self.total_steps) - 2, start_lr="max_lr", end_lr="initial_lr",
                     start_momentum="base_momentum", end_momentum="max_momentum"),
                dict(end_step=self.total_steps - 1, start_lr="initial_lr", end_lr="min_lr",
                     start_momentum="max_momentum", end_momentum="max_momentum")]
        else:
            self._schedule_phases = [
                dict(end_step=up, start_lr="initial_lr", end_lr="max_lr",
                     start_momentum="max_momentum", end_momentum="base_momentum"),
                dict(end_step=self.total_steps - 1, start_lr="max_lr", end_lr="min_lr",
                     start_momentum="base_momentum", end_momentum="max_momentum")]
        max_lrs = _per_group(op, "max_lr", optimizer, max_lr)
        div_factor, final_div_factor = _real(op, "div_factor", div_factor), _real(op, "final_div_factor",
                                                                                   final_div_factor)
        if last_epoch == -1:
            for max_lr_i, group in zip(max_lrs, optimizer.param_groups):
                group["initial_lr"] = max_lr_i / div_factor
                group["max_lr"] = max_lr_i
                group["min_lr"] = group["initial_lr"] / final_div_factor
        self.cycle_momentum = bool(cycle_momentum)
        if self.cycle_momentum:
            self.use_beta1, bases, highs = _momentum_setup(op, optimizer, base_momentum, max_momentum)
            if last_epoch == -1:
                for high, low, group in zip(highs, bases, optimizer.param_groups):
                    _set_momentum(group, self.use_beta1, high)
                    group["max_momentum"], group["base_momentum"] = high, low
        super().__init__(optimizer, last_epoch)

    def _anneal(self, start, end, pct):
        if self._anneal_func_type == "cos":
            return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)
        return (end - start) * pct + start

    def get_lr(self):
        step = self.last_epoch
        if step > self.total_steps:
            raise ValueError(f"{type(self).__name__}.step: Tried to step {step} times. The specified number of "
                             f"total steps is {self.total_steps}")
        lrs = []
        for group in self.optimizer.param_groups:
            start = 0.0
            for i, phase in enumerate(self._schedule_phases):
                end = phase["end_step"]
                if step <= end or i == len(self._schedule_phases) - 1:
                    pct = (step - start) / (end - start)
                    lrs.append(self._anneal(group[phase["start_lr"]], group[phase["end_lr"]], pct))
                    if self.cycle_momentum:
                        _set_momentum(group, self.use_beta1, self._anneal(
                            group[phase["start_momentum"]], group[phase["end_momentum"]], pct))
                    break
                start = phase["end_step"]
        return lrs


def _check_schedulers(op, schedulers, optimizer):
    schedulers = list(schedulers) if isinstance(schedulers, (list, tuple)) else schedulers
    if not isinstance(schedulers, list):
        raise TypeError(f"{op}: schedulers must be a list of schedulers, not {_describe(schedulers)}")
    if not schedulers:
        raise ValueError(f"{op} expects at least one scheduler, but got no scheduler.")
    if optimizer is None:
        optimizer = getattr(schedulers[0], "optimizer", None)
    _check_optimizer(op, optimizer)
    for i, s in enumerate(schedulers):
        if not isinstance(s, LRScheduler):
            raise TypeError(f"{op}: the scheduler at index {i} is a {type(s).__name__}, not an LRScheduler")
        if isinstance(s, ReduceLROnPlateau):
            raise ValueError(f"{op} does not support `ReduceLROnPlateau` (its step needs a metric), "
                             f"but got one at index {i}")
        if s.optimizer is not optimizer:
            raise ValueError(f"{op} expects all schedulers to belong to the same optimizer, but the scheduler "
                             f"at index {i} has another")
    return schedulers, optimizer


class SequentialLR(LRScheduler):
    """Runs schedulers one after another: schedulers[i] from step milestones[i-1] on (restarted at 0 there)."""

    _not_saved = ("optimizer", "_schedulers")

    def __init__(self, optimizer, schedulers, milestones, last_epoch=-1):
        op = type(self).__name__
        _check_optimizer(op, optimizer)
        schedulers, _ = _check_schedulers(op, schedulers, optimizer)
        milestones = _milestones(op, milestones)
        if len(milestones) != len(schedulers) - 1:
            raise ValueError(f"{op}: expects number of schedulers provided to be one more than the number of "
                             f"milestone points, but got {len(schedulers)} schedulers and {len(milestones)} milestones")
        self._schedulers = schedulers
        self._milestones = milestones
        self.last_epoch = _int(op, "last_epoch", last_epoch, -1) + 1
        self.optimizer = optimizer
        for group in optimizer.param_groups:
            group["lr"] = group["initial_lr"]
        self._undo(self)
        idx = bisect_right(self._milestones, 0)
        self._schedulers[idx]._initial_step()
        self._last_lr = schedulers[idx].get_last_lr()

    @staticmethod
    def _undo(sched):
        """Step every inner scheduler back by one: their constructors each took a step already."""
        for s in getattr(sched, "_schedulers", ()):
            if hasattr(s, "_schedulers"):
                SequentialLR._undo(s)
            else:
                s.last_epoch -= 1

    def step(self):
        """Advance one step: the scheduler whose turn it is steps (restarting at 0 at its milestone)."""
        self.last_epoch += 1
        idx = bisect_right(self._milestones, self.last_epoch)
        scheduler = self._schedulers[idx]
        if idx > 0 and self._milestones[idx - 1] == self.last_epoch:
            scheduler._update_lr(0)
        else:
            scheduler.step()
        self._last_lr = scheduler.get_last_lr()

    def state_dict(self):
        """The sequence's own values and each inner scheduler's state dict under "_schedulers"."""
        return {**super().state_dict(), "_schedulers": [s.state_dict() for s in self._schedulers]}

    def _prepare_load_state_dict(self, state_dict):
        op = f"{type(self).__name__}.load_state_dict"
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"{op}: state_dict must be a mapping, got {type(state_dict).__name__}")
        inner = state_dict.get("_schedulers")
        if not isinstance(inner, (list, tuple)) or len(inner) != len(self._schedulers):
            raise ValueError(f"{op}: '_schedulers' must be a list of {len(self._schedulers)} state dicts")
        changes = [s._prepare_load_state_dict(d) for s, d in zip(self._schedulers, inner)]
        own = LRScheduler._prepare_load_state_dict(self, {k: v for k, v in state_dict.items() if k != "_schedulers"})

        def apply():
            own()
            for change in changes:
                change()
        return apply


class ChainedScheduler(SequentialLR):
    """Steps every scheduler in the list at each step, so their factors multiply (chainable forms)."""

    def __init__(self, schedulers, optimizer=None):
        op = type(self).__name__
        schedulers, optimizer = _check_schedulers(op, schedulers, optimizer)
        self._schedulers = schedulers
        self.optimizer = optimizer
        self._last_lr = _group_lrs(schedulers[-1].optimizer)

    def step(self):
        """Step each scheduler in turn."""
        for scheduler in self._schedulers:
            scheduler.step()
        self._last_lr = _group_lrs(self._schedulers[-1].optimizer)


class ReduceLROnPlateau(LRScheduler):
    """Multiply the lr by factor when a metric has stopped improving for more than `patience` steps.

    Improvement (mode "min", threshold_mode "rel"): metric < best * (1 - threshold); "abs": metric <
    best - threshold; mode "max" mirrors these. After a reduction, `cooldown` steps pass before bad
    steps count again. The lr never goes below min_lr, and a change smaller than eps is skipped."""

    def __init__(self, optimizer, mode="min", factor=0.1, patience=10, threshold=1e-4, threshold_mode="rel",
                 cooldown=0, min_lr=0, eps=1e-8):
        op = type(self).__name__
        self.factor = _real(op, "factor", factor)
        if self.factor >= 1.0:
            raise ValueError(f"{op}: Factor should be < 1.0, got {factor}")
        _check_optimizer(op, optimizer)
        self.optimizer = optimizer
        if isinstance(min_lr, (list, tuple)):
            self.default_min_lr = None
            self.min_lrs = _per_group(op, "min_lr", optimizer, min_lr)
        else:
            self.default_min_lr = _real(op, "min_lr", min_lr)
            self.min_lrs = [self.default_min_lr] * len(optimizer.param_groups)
        self.patience = _int(op, "patience", patience, 0)
        self.cooldown = _int(op, "cooldown", cooldown, 0)
        self.eps = _real(op, "eps", eps)
        self.last_epoch = 0
        self._last_lr = _group_lrs(optimizer)
        if mode not in ("min", "max"):
            raise ValueError(f"{op}: mode {mode!r} is unknown (use 'min' or 'max')")
        if threshold_mode not in ("rel", "abs"):
            raise ValueError(f"{op}: threshold mode {threshold_mode!r} is unknown (use 'rel' or 'abs')")
        self.mode, self.threshold, self.threshold_mode = mode, _real(op, "threshold", threshold), threshold_mode
        self.mode_worse = math.inf if mode == "min" else -math.inf
        self.best = self.mode_worse
        self.cooldown_counter = 0
        self.num_bad_epochs = 0

    def step(self, metrics, epoch=None):
        """Record this step's metric (a number or a one-element Tensor) and reduce the lr if it has plateaued."""
        current = _real(f"{type(self).__name__}.step", "metrics", metrics)
        if epoch is None:
            epoch = self.last_epoch + 1
        else:
            epoch = _int(f"{type(self).__name__}.step", "epoch", epoch, 0)
            warnings.warn(f"{type(self).__name__}.step: passing an epoch is deprecated (as in torch)",
                          UserWarning, stacklevel=2)
        self.last_epoch = epoch
        if self._is_better(current, self.best):
            self.best = current
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0
        if self.num_bad_epochs > self.patience:
            self._reduce_lr()
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0
        self._last_lr = _group_lrs(self.optimizer)

    @property
    def in_cooldown(self):
        """Whether steps are still being waited out after a reduction."""
        return self.cooldown_counter > 0

    def _reduce_lr(self):
        if len(self.optimizer.param_groups) != len(self.min_lrs):
            if self.default_min_lr is None:
                raise RuntimeError(f"{type(self).__name__}.step: the optimizer has {len(self.optimizer.param_groups)} "
                                   f"param groups but min_lrs has {len(self.min_lrs)}; set min_lrs to match")
            self.min_lrs = [self.default_min_lr] * len(self.optimizer.param_groups)
        for group, min_lr in zip(self.optimizer.param_groups, self.min_lrs):
            old = float(group["lr"])
            new = max(old * self.factor, min_lr)
            if old - new > self.eps:
                group["lr"] = new

    def _is_better(self, a, best):
        if self.mode == "min":
            return a < best * (1.0 - self.threshold) if self.threshold_mode == "rel" else a < best - self.threshold
        return a > best * (self.threshold + 1.0) if self.threshold_mode == "rel" else a > best + self.threshold
