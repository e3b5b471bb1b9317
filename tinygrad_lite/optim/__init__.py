"""Optimizers, learning-rate schedules and gradient clipping, as torch.optim.

    opt = optim.Adam(model.parameters(), lr=1e-3)
    sched = optim.lr_scheduler.CosineAnnealingLR(opt, T_max=1000)
    for batch in data:
        opt.zero_grad()
        loss_fn(model, batch).backward()
        optim.clip_grad_norm_(model.parameters(), max_norm=1.0)
        opt.step()
        sched.step()

One file per job: optimizer.py (the base class: param groups, state, state dicts), one
file per update rule, lr_scheduler.py (the schedules, also importable from here as
before) and clip.py.
"""
from . import lr_scheduler
from .adadelta import Adadelta
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .adamax import Adamax
from .clip import clip_grad_norm_
from .lr_scheduler import *  # noqa: F401, F403  (StepLR, CosineAnnealingLR, ...: optim.StepLR as before)
from .nadam import NAdam
from .optimizer import Optimizer
from .radam import RAdam
from .rmsprop import RMSprop
from .sgd import GD, SGD

__all__ = ["Optimizer", "GD", "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Adamax", "NAdam", "RAdam",
           "clip_grad_norm_", "lr_scheduler", *lr_scheduler.__all__]
