"""Optimizers, learning-rate schedules and gradient clipping, with torch.optim's semantics.

An optimizer holds a list of parameters (tensors) and, per parameter, a little
state: a step count and the running averages its rule keeps. `step()` reads each
parameter's `.grad` and updates `.array` in place, in the parameter's own dtype;
the update works on plain arrays, so no graph is recorded. A parameter whose grad
is None is skipped and its step count does not advance, as in torch.

    opt = optim.Adam(model.parameters(), lr=1e-3)
    sched = optim.CosineAnnealingLR(opt, T_max=1000)
    for batch in data:
        opt.zero_grad()
        loss_fn(model, batch).backward()
        optim.clip_grad_norm_(model.parameters(), max_norm=1.0)
        opt.step()
        sched.step()

Checkpoints. `opt.state_dict()` is a flat dict of Python numbers and numpy arrays
(so it can be written as safetensors, whose entries must be named arrays):

    "num_params"            how many parameters the optimizer holds
    "lr", "momentum", ...   the hyperparameters (each class's `hyperparameters`)
    "state.<i>.step"        how many updates parameter i has received
    "state.<i>.<buffer>"    parameter i's running averages, e.g. "state.0.exp_avg"

Parameter i is the i-th tensor passed to the constructor; a parameter that never
had a gradient has no "state.<i>.*" entries. Numbers may come back as 0-d arrays
(as from a safetensors file); `load_state_dict` accepts either. Schedules keep
their own small `state_dict()` of numbers in the same style.
"""
from collections.abc import Mapping
import math

import numpy as np

from ._validate import _describe, _scalar_of, check_number
from ._tensor import Tensor


def _subtract_scaled(param, scale, grad, block=32768):
    """param -= scale * grad, in place. On contiguous numpy arrays it goes a cache-sized block at
    a time through one scratch block, instead of allocating a parameter-sized temporary."""
    if not (isinstance(param, np.ndarray) and param.flags.c_contiguous and grad.flags.c_contiguous
            and grad.shape == param.shape):
        param -= scale * grad
        return
    flat_param, flat_grad = param.reshape(-1), grad.reshape(-1)
    scratch = np.empty(min(block, param.size), param.dtype)
    for start in range(0, param.size, block):
        part = scratch[:len(flat_param[start:start + block])]
        np.multiply(flat_grad[start:start + block], scale, out=part)
        flat_param[start:start + block] -= part


def _tensor_list(params, op):
    """`params` (an iterable of Tensors) as a list, or a TypeError naming `op` and the first non-Tensor."""
    try:
        params = list(params)
    except TypeError:
        raise TypeError(f"{op}: params must be an iterable of Tensors (e.g. model.parameters()), "
                        f"not {type(params).__name__}") from None
    for i, p in enumerate(params):
        if not isinstance(p, Tensor):
            raise TypeError(f"{op}: parameter {i} is a {type(p).__name__}, not a Tensor")
    return params


def _check_params(params, op):
    """The parameters as a list, or an error naming `op` and saying what is wrong with them."""
    if isinstance(params, Tensor):
        raise TypeError(f"{op}: params must be an iterable of Tensors (e.g. model.parameters()), "
                        "not a single Tensor: wrap it in a list")
    params = _tensor_list(params, op)
    if not params:
        raise ValueError(f"{op}: optimizer got an empty parameter list")
    for i, p in enumerate(params):
        if p.dtype.kind != "f":
            raise TypeError(f"{op}: parameter {i} has dtype {p.dtype}; only floating-point tensors can be optimized")
        if not p.is_leaf:
            raise ValueError(f"{op}: can't optimize a non-leaf Tensor: parameter {i} was computed from other "
                             "tensors; pass the leaves, or a .detach()ed copy with requires_grad=True")
    if len({id(p) for p in params}) != len(params):
        raise ValueError(f"{op}: a parameter appears more than once in params; it would be updated twice per step")
    return params


def _op(owner):
    """The name errors give: a function's name (a str), or the class of the optimizer or schedule."""
    return owner if isinstance(owner, str) else type(owner).__name__


def _number(owner, name, value):
    """float(value) for a real number (inf allowed, as torch allows it), else a TypeError or (NaN) ValueError."""
    return check_number(value, name, _op(owner), finite=False)


def _non_negative(owner, name, value):
    """float(value), or a ValueError when it is negative or NaN (torch's `not 0.0 <= value`)."""
    value = _number(owner, name, value)
    if not 0.0 <= value:
        raise ValueError(f"{_op(owner)}: Invalid {name} value: {value} (must be >= 0)")
    return value


def _beta(owner, index, value):
    value = _number(owner, f"beta parameter at index {index}", value)
    if not 0.0 <= value < 1.0:
        raise ValueError(f"{_op(owner)}: Invalid beta parameter at index {index}: {value} (must be in [0, 1))")
    return value


def _read_numbers(obj, state_dict, names, what):
    """{name: state_dict[name]} converted to the type of obj.<name>; a ValueError names missing keys."""
    missing = [name for name in names if name not in state_dict]
    if missing:
        raise ValueError(f"{what}.load_state_dict: missing keys {missing} "
                         "(was this state saved by a different kind of optimizer or schedule?)")
    return {name: _convert(type(getattr(obj, name)), state_dict[name], name, what) for name in names}


def _convert(kind, value, name, what):
    """A state-dict entry as a `kind` (int, float or bool), or a TypeError/ValueError naming
    load_state_dict and the entry. Nothing is changed on the way: int(2.7) would be 2 and
    bool("False") True, so an int entry takes only a whole number >= 0 (2 or 2.0), a flag only a
    bool, and a float entry only a real number (not NaN, not a string). A 0-d array (as read
    from a safetensors file) or a 0-d Tensor counts as the number it holds."""
    op, value = f"{what}.load_state_dict", _scalar_of(value)
    if kind is bool:
        if not isinstance(value, (bool, np.bool_)):
            raise TypeError(f"{op}: {name!r} must be a bool (True or False), not {_describe(value)}")
        return bool(value)
    if kind is int:
        number = check_number(value, repr(name), op, finite=False)  # TypeError for a str, a bool, None
        if not number.is_integer() or number < 0:
            raise ValueError(f"{op}: {name!r} must be a whole number >= 0, not {value!r}")
        return int(value)  # from the value itself: a float past 2**53 has lost the digits
    return check_number(value, repr(name), op, finite=False)


class Optimizer:
    """Base class: the parameter list, the per-parameter state, step/zero_grad/state_dict.

    A subclass lists its `hyperparameters` (attribute names, stored in the state
    dict), the names of its per-parameter buffers (`_buffer_names`), and its rule
    (`_update`, given the parameter, its gradient array and its state).
    """

    hyperparameters = ("lr",)

    def __init__(self, params):
        self.params = _check_params(params, type(self).__name__)
        self.state = {}  # parameter index -> {"step": int, buffer name: array}

    def zero_grad(self):
        """Forget every parameter's gradient (set it to None, as torch does by default)."""
        for p in self.params:
            p.grad = None

    def step(self):
        """Update every parameter that has a gradient, in place."""
        with_grad = [(i, p) for i, p in enumerate(self.params) if p.grad is not None]
        for i, p in with_grad:  # check them all first, so that a bad grad leaves every parameter as it was
            if tuple(p.grad.shape) != p.shape:
                raise ValueError(f"{type(self).__name__}.step: parameter {i} has shape {p.shape} "
                                 f"but its grad has shape {tuple(p.grad.shape)}")
        for i, p in with_grad:
            state = self.state.get(i)
            if state is None:
                state = self.state[i] = {"step": 0, **self._init_state(p)}
            state["step"] += 1
            self._update(p, p.grad.array.astype(p.dtype, copy=False), state)
            p._bump_version()  # an op that saved p for a backward not yet run would now be wrong

    def _update(self, p, grad, state):
        raise NotImplementedError  # abstract

    def _buffer_names(self, hyper):
        """Names of the arrays kept per parameter under the hyperparameters `hyper`."""
        return ()

    def _hyper(self):
        return {name: getattr(self, name) for name in self.hyperparameters}

    def _init_state(self, p):
        """Fresh buffers for parameter `p`: zeros of its shape and dtype, on its device."""
        xp = p._backend.xp
        return {name: xp.zeros_like(p.array) for name in self._buffer_names(self._hyper())}

    def state_dict(self):
        """The hyperparameters and per-parameter state, as copies (layout in the module docstring)."""
        out = {"num_params": len(self.params), **self._hyper()}
        for i, state in sorted(self.state.items()):
            backend = self.params[i]._backend
            for name, value in state.items():
                out[f"state.{i}.{name}"] = value if name == "step" else np.array(backend.to_numpy(value))
        return out

    def load_state_dict(self, state_dict):
        """Restore hyperparameters and state saved by `state_dict()` (copies them in).

        The parameters must be the same in number and shapes; otherwise a ValueError
        lists every mismatch and nothing is changed. Buffers are cast to each
        parameter's dtype, as torch does.
        """
        self._prepare_load_state_dict(state_dict)()

    def _prepare_load_state_dict(self, state_dict):
        """Check `state_dict` as load_state_dict does and return the change, to be run later: a
        caller loading several objects (a checkpoint) checks them all before changing any."""
        what = type(self).__name__
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"{what}.load_state_dict: state_dict must be a mapping, got {type(state_dict).__name__}")
        if "num_params" not in state_dict:
            raise ValueError(f"{what}.load_state_dict: missing key 'num_params' (is this an optimizer state dict?)")
        num_params = _convert(int, state_dict["num_params"], "num_params", what)
        if num_params != len(self.params):
            raise ValueError(f"{what}.load_state_dict: the state is for {num_params} "
                             f"parameters, this optimizer has {len(self.params)}")
        hyper = _read_numbers(self, state_dict, self.hyperparameters, what)
        state, problems = self._read_state(state_dict, ("step",) + tuple(self._buffer_names(hyper)))
        if problems:
            raise ValueError(f"{what}.load_state_dict: " + "; ".join(problems))

        def assign():  # plain assignments: they cannot fail halfway
            for name, value in hyper.items():
                setattr(self, name, value)
            self.state = state
        return assign

    def _read_state(self, state_dict, names):
        """The "state.<i>.<name>" entries as {i: {name: value}} on the parameters' devices, and
        a list of what is wrong with the state dict (unexpected or missing keys, wrong shapes)."""
        grouped, problems = {}, []
        for key, value in state_dict.items():
            if key == "num_params" or key in self.hyperparameters:
                continue
            kind, _, rest = key.partition(".")
            index, _, name = rest.partition(".")
            if kind == "state" and index.isdigit() and int(index) < len(self.params) and name in names:
                grouped.setdefault(int(index), {})[name] = value
            else:
                problems.append(f"unexpected key {key!r}")
        state = {}
        for i, saved in sorted(grouped.items()):
            missing = [f"state.{i}.{name}" for name in names if name not in saved]
            if missing:
                problems.append(f"missing keys {missing}")
                continue
            p = self.params[i]
            state[i] = {"step": _convert(int, saved["step"], f"state.{i}.step", type(self).__name__)}
            for name in names[1:]:
                array = np.asarray(saved[name])
                if array.shape != p.shape:
                    problems.append(f"state.{i}.{name} has shape {array.shape} but parameter {i} "
                                    f"has shape {p.shape}")
                    continue
                if array.dtype.kind not in "fiub":
                    problems.append(f"state.{i}.{name} has dtype {array.dtype}, not a number type")
                    continue
                state[i][name] = p._backend.asarray(np.array(array, dtype=p.dtype))
        return state, problems


class GD(Optimizer):
    """Plain gradient descent:  p <- p - lr * g."""

    def __init__(self, params, lr):
        self.lr = _non_negative(self, "learning rate", lr)
        super().__init__(params)

    def _update(self, p, grad, state):
        param = p.array
        param -= self.lr * grad


class SGD(Optimizer):
    """Stochastic gradient descent with momentum, torch's rule:

        g <- g + weight_decay * p
        b <- g                                on the parameter's first step
        b <- momentum * b + (1 - dampening) * g   afterwards
        g <- g + momentum * b  (nesterov)   or   g <- b
        p <- p - lr * g

    With momentum = 0 this is plain gradient descent on g (no buffer is kept).
    Nesterov needs momentum > 0 and dampening = 0.
    """

    hyperparameters = ("lr", "momentum", "dampening", "nesterov", "weight_decay")

    def __init__(self, params, lr, momentum=0, dampening=0, nesterov=False, weight_decay=0):
        self.lr = _non_negative(self, "learning rate", lr)
        self.momentum = _non_negative(self, "momentum", momentum)
        self.dampening = _number(self, "dampening", dampening)
        self.nesterov = bool(nesterov)
        self.weight_decay = _non_negative(self, "weight_decay", weight_decay)
        if self.nesterov and (self.momentum <= 0 or self.dampening != 0):
            raise ValueError("SGD: Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params)

    def _buffer_names(self, hyper):
        return ("momentum_buffer",) if hyper["momentum"] else ()

    def _update(self, p, grad, state):
        param = p.array
        if self.weight_decay:
            grad = grad + self.weight_decay * param
        if self.momentum:
            buf = state["momentum_buffer"]
            if state["step"] == 1:
                buf[...] = grad
            else:
                buf *= self.momentum
                buf += (1 - self.dampening) * grad
            grad = grad + self.momentum * buf if self.nesterov else buf
        _subtract_scaled(param, self.lr, grad)


class Adam(Optimizer):
    """Adam (Kingma & Ba), torch's rule, with L2 weight decay folded into the gradient:

        g <- g + weight_decay * p
        m <- beta1 * m + (1 - beta1) * g           v <- beta2 * v + (1 - beta2) * g^2
        p <- p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)

    t counts this parameter's updates. The update runs as one fused in-place call,
    `backend.adam_step`, which the GPU backends implement as a single kernel.
    """

    hyperparameters = ("lr", "beta1", "beta2", "eps", "weight_decay")
    decoupled = False  # AdamW decays the weights directly instead of through g

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0):
        self.lr = _non_negative(self, "learning rate", lr)
        self.eps = _non_negative(self, "epsilon", eps)
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ValueError(f"{type(self).__name__}: betas must be a pair (beta1, beta2), not {betas!r}")
        self.beta1, self.beta2 = _beta(self, 0, betas[0]), _beta(self, 1, betas[1])
        self.weight_decay = _non_negative(self, "weight_decay", weight_decay)
        super().__init__(params)

    def _buffer_names(self, hyper):
        return ("exp_avg", "exp_avg_sq")

    def _update(self, p, grad, state):
        p._backend.adam_step(p.array, grad, state["exp_avg"], state["exp_avg_sq"],
                             lr=self.lr, beta1=self.beta1, beta2=self.beta2, eps=self.eps,
                             weight_decay=self.weight_decay, step=state["step"], decoupled=self.decoupled)


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter), torch's rule:

        p <- p * (1 - lr * weight_decay)
        m <- beta1 * m + (1 - beta1) * g           v <- beta2 * v + (1 - beta2) * g^2
        p <- p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
    """

    decoupled = True

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay)


class RMSprop(Optimizer):
    """RMSprop (Hinton), torch's rule:

        g <- g + weight_decay * p
        s <- alpha * s + (1 - alpha) * g^2
        centered:  a <- alpha * a + (1 - alpha) * g,   d = sqrt(s - a^2) + eps
        otherwise:                                     d = sqrt(s) + eps
        momentum > 0:  b <- momentum * b + g / d,   p <- p - lr * b
        otherwise:                                  p <- p - lr * g / d
    """

    hyperparameters = ("lr", "alpha", "eps", "weight_decay", "momentum", "centered")

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False):
        self.lr = _non_negative(self, "learning rate", lr)
        self.alpha = _non_negative(self, "alpha", alpha)
        self.eps = _non_negative(self, "epsilon", eps)
        self.weight_decay = _non_negative(self, "weight_decay", weight_decay)
        self.momentum = _non_negative(self, "momentum", momentum)
        self.centered = bool(centered)
        super().__init__(params)

    def _buffer_names(self, hyper):
        return (("square_avg",) + (("momentum_buffer",) if hyper["momentum"] > 0 else ())
                + (("grad_avg",) if hyper["centered"] else ()))

    def _update(self, p, grad, state):
        xp, param = p._backend.xp, p.array
        if self.weight_decay:
            grad = grad + self.weight_decay * param
        square_avg = state["square_avg"]
        square_avg *= self.alpha
        square_avg += (1 - self.alpha) * grad * grad
        if self.centered:
            grad_avg = state["grad_avg"]
            grad_avg += (grad - grad_avg) * (1 - self.alpha)
            denom = xp.sqrt(square_avg - grad_avg * grad_avg)
        else:
            denom = xp.sqrt(square_avg)
        denom += self.eps
        if self.momentum > 0:
            buf = state["momentum_buffer"]
            buf *= self.momentum
            buf += grad / denom
            param -= self.lr * buf
        else:
            param -= self.lr * (grad / denom)


class Adagrad(Optimizer):
    """Adagrad (Duchi et al.), torch's rule, with t this parameter's update count:

        g <- g + weight_decay * p
        lr_t = lr / (1 + (t - 1) * lr_decay)
        s <- s + g^2                 (s starts at initial_accumulator_value)
        p <- p - lr_t * g / (sqrt(s) + eps)
    """

    hyperparameters = ("lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps")

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10):
        self.lr = _non_negative(self, "learning rate", lr)
        self.lr_decay = _non_negative(self, "lr_decay", lr_decay)
        self.weight_decay = _non_negative(self, "weight_decay", weight_decay)
        self.initial_accumulator_value = _non_negative(self, "initial_accumulator_value", initial_accumulator_value)
        self.eps = _non_negative(self, "epsilon", eps)
        super().__init__(params)

    def _buffer_names(self, hyper):
        return ("sum",)

    def _init_state(self, p):
        return {"sum": p._backend.xp.full_like(p.array, self.initial_accumulator_value)}

    def _update(self, p, grad, state):
        xp, param = p._backend.xp, p.array
        if self.weight_decay:
            grad = grad + self.weight_decay * param
        lr_t = self.lr / (1 + (state["step"] - 1) * self.lr_decay)
        total = state["sum"]
        total += grad * grad
        param -= lr_t * (grad / (xp.sqrt(total) + self.eps))


# ---- learning-rate schedules --------------------------------------------------------------

class LRScheduler:
    """Base class: sets `optimizer.lr = lr_at(t)` at t = 0 (on construction) and at each `step()`.

    Each schedule is a closed form in t = `last_epoch`, the number of `step()` calls,
    and `base_lr`, the optimizer's lr when the schedule was made. It agrees with
    torch.optim.lr_scheduler's values (torch computes them recursively, so the
    two differ by rounding only) as long as nothing else changes the lr.
    """

    hyperparameters = ()

    def __init__(self, optimizer):
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(self).__name__}: {type(optimizer).__name__} is not an Optimizer")
        self.optimizer = optimizer
        self.base_lr = optimizer.lr
        self.last_epoch = 0
        self._set_lr()

    def lr_at(self, t):
        raise NotImplementedError  # abstract

    def step(self):
        """Advance one step (call it after `optimizer.step()`) and set the optimizer's lr."""
        self.last_epoch += 1
        self._set_lr()

    def _set_lr(self):
        self.last_lr = float(self.lr_at(self.last_epoch))
        self.optimizer.lr = self.last_lr

    def get_last_lr(self):
        """The lr this schedule set last, as a float (torch returns a list, one per param group)."""
        return self.last_lr

    def state_dict(self):
        """{"last_epoch", "base_lr", "last_lr", and the schedule's hyperparameters}: Python numbers."""
        names = ("last_epoch", "base_lr", "last_lr") + self.hyperparameters
        return {name: getattr(self, name) for name in names}

    def load_state_dict(self, state_dict):
        """Restore the position in the schedule (the optimizer's lr comes from its own state dict)."""
        self._prepare_load_state_dict(state_dict)()

    def _prepare_load_state_dict(self, state_dict):
        """Check `state_dict` and return the change, to be run later (see Optimizer's)."""
        what = type(self).__name__
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"{what}.load_state_dict: state_dict must be a mapping, got {type(state_dict).__name__}")
        names = ("last_epoch", "base_lr", "last_lr") + self.hyperparameters
        values = _read_numbers(self, state_dict, names, what)
        for name in self.hyperparameters:  # step_size, T_max, warmup_steps: lr_at divides by them
            if type(getattr(self, name)) is int and values[name] < 1:
                raise ValueError(f"{what}.load_state_dict: {name!r} must be a positive integer, not {values[name]}")
        return lambda: self.__dict__.update(values)


def _positive_int(owner, name, value):
    """int(value) for a whole number >= 1 (an int, or a float such as 3.0), else an error naming the schedule."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        whole = int(value)
    else:
        number = _number(owner, name, value)
        if not number.is_integer():
            raise ValueError(f"{_op(owner)}: {name} must be a positive integer, not {value!r}")
        whole = int(number)
    if whole < 1:
        raise ValueError(f"{_op(owner)}: {name} must be a positive integer, not {value!r}")
    return whole


def _step_index(owner, t):
    """t as an int >= 0: the number of steps a schedule has taken."""
    if isinstance(t, bool) or not isinstance(t, (int, np.integer)):
        raise TypeError(f"{_op(owner)}.lr_at: t must be an int (a step count), not {type(t).__name__} {t!r}")
    if t < 0:
        raise ValueError(f"{_op(owner)}.lr_at: t must be >= 0, not {t}")
    return int(t)


class StepLR(LRScheduler):
    """lr_t = base_lr * gamma ** floor(t / step_size): decay by gamma every step_size steps."""

    hyperparameters = ("step_size", "gamma")

    def __init__(self, optimizer, step_size, gamma=0.1):
        self.step_size = _positive_int(self, "step_size", step_size)
        self.gamma = _number(self, "gamma", gamma)
        super().__init__(optimizer)

    def lr_at(self, t):
        return self.base_lr * self.gamma ** (_step_index(self, t) // self.step_size)


class CosineAnnealingLR(LRScheduler):
    """lr_t = eta_min + (base_lr - eta_min) * (1 + cos(pi * t / T_max)) / 2.

    The lr falls from base_lr to eta_min over T_max steps; past T_max it follows
    the same cosine back up (period 2 T_max), as torch's CosineAnnealingLR does.
    """

    hyperparameters = ("T_max", "eta_min")

    def __init__(self, optimizer, T_max, eta_min=0):
        self.T_max = _positive_int(self, "T_max", T_max)
        self.eta_min = _number(self, "eta_min", eta_min)
        super().__init__(optimizer)

    def lr_at(self, t):
        t = _step_index(self, t)
        return self.eta_min + (self.base_lr - self.eta_min) * (1 + math.cos(math.pi * t / self.T_max)) / 2


class LinearWarmup(LRScheduler):
    """lr_t = base_lr * min(1, (t + 1) / warmup_steps): a linear ramp reaching base_lr at t = warmup_steps - 1.

    This is torch's LinearLR(optimizer, start_factor=1/warmup_steps, end_factor=1.0,
    total_iters=warmup_steps - 1); the first step already uses base_lr / warmup_steps
    (never 0, which would waste a step).
    """

    hyperparameters = ("warmup_steps",)

    def __init__(self, optimizer, warmup_steps):
        self.warmup_steps = _positive_int(self, "warmup_steps", warmup_steps)
        super().__init__(optimizer)

    def lr_at(self, t):
        return self.base_lr * min(1.0, (_step_index(self, t) + 1) / self.warmup_steps)


# ---- gradient clipping ----------------------------------------------------------------------

def _vector_norm(array, norm_type, xp):
    """||x||_p = (sum |x_i|^p)^(1/p) over all elements; max |x_i| for p = inf.

    fp16 gradients are accumulated in fp32."""
    x = xp.abs(array.astype(np.promote_types(array.dtype, np.float32), copy=False))
    if x.size == 0:
        return 0.0
    if norm_type == math.inf:
        return float(x.max())
    if norm_type == 2.0:
        return float(xp.sqrt((x * x).sum()))
    return float((x ** norm_type).sum() ** (1.0 / norm_type))


def clip_grad_norm_(params, max_norm, norm_type=2.0, error_if_nonfinite=False):
    """Scale the gradients in place so that their joint norm is at most `max_norm`; return that norm.

        total = || (||g_1||_p, ||g_2||_p, ...) ||_p     (the p-norm of all gradients as one vector)
        g_i <- g_i * min(1, max_norm / (total + 1e-6))

    as torch.nn.utils.clip_grad_norm_. `params` is a Tensor or an iterable of them;
    parameters without a gradient are ignored. `norm_type` is p > 0 or inf. With
    `error_if_nonfinite`, a NaN or infinite total raises instead of scaling.
    """
    params = [params] if isinstance(params, Tensor) else _tensor_list(params, "clip_grad_norm_")
    norm_type = _number("clip_grad_norm_", "norm_type", norm_type)
    if not norm_type > 0:
        raise ValueError(f"clip_grad_norm_: norm_type must be > 0 or inf, not {norm_type}")
    max_norm = _non_negative("clip_grad_norm_", "max_norm", max_norm)
    grads = [p.grad for p in params if p.grad is not None]
    if not grads:
        return 0.0
    norms = np.array([_vector_norm(g.array, norm_type, g._backend.xp) for g in grads])
    total = _vector_norm(norms, norm_type, np)
    if error_if_nonfinite and not math.isfinite(total):
        raise RuntimeError(f"clip_grad_norm_: the total norm of order {norm_type} of the gradients is "
                           f"{total}; pass error_if_nonfinite=False to clip anyway")
    coef = min(max_norm / (total + 1e-6), 1.0)  # min() keeps a NaN total's NaN, as torch's clamp
    for g in grads:
        g.array *= coef
    return total
