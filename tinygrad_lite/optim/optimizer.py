"""The Optimizer base class: parameter groups, per-parameter state, step, zero_grad, state dicts.

As torch.optim.Optimizer. The constructor takes an iterable of Tensors, or of dicts
(parameter groups) each with a "params" entry and any options that differ from the
constructor's defaults:

    opt = optim.SGD([{"params": body.parameters()},
                     {"params": head.parameters(), "lr": 1e-2}], lr=1e-3, momentum=0.9)
    opt.param_groups[1]["lr"] = 5e-3      # takes effect at the next step, as in torch

`opt.state` maps each parameter (the Tensor itself) to a dict of its buffers (Tensors)
and, for most rules, its step count. `step()` reads each parameter's `.grad` and updates
its array in place, in the parameter's own dtype; no graph is recorded. A parameter
whose grad is None is skipped and its state does not advance, as in torch.

state_dict() has torch's layout:

    {"state": {i: {"step": int, "exp_avg": Tensor, ...}},         i: the parameter's position,
     "param_groups": [{"lr": ..., ..., "params": [i, ...]}, ...]}    counting through the groups

with copies of the buffers; a parameter that never had a gradient has no entry (Adagrad
makes its state at construction, as torch's). load_state_dict checks everything (group
sizes, buffer shapes, option types) before it changes anything, and casts buffers to
each parameter's dtype. For safetensors checkpoints the same state flattens to named
arrays and numbers (`_flat_state_dict`), which load_state_dict also accepts.
"""
from collections import defaultdict
from collections.abc import Mapping
import json

import numpy as np

from .._validate import _describe, _scalar_of, check_number
from .._tensor import Tensor
from ..autograd import enable_grad

# torch's implementation switches, kept in the groups so that state dicts have torch's keys;
# the engine has one implementation per rule, so they select nothing here.
IMPLEMENTATION_FLAGS = ("foreach", "capturable", "differentiable", "fused")
# options that are numbers >= 0 (with the word torch's messages use), and options that are bools
_NON_NEGATIVE = {"lr": "learning rate", "eps": "epsilon", "weight_decay": "weight_decay", "momentum": "momentum",
                 "alpha": "alpha", "lr_decay": "lr_decay", "initial_accumulator_value": "initial_accumulator_value",
                 "momentum_decay": "momentum_decay", "rho": "rho"}
_FLAGS = ("maximize", "amsgrad", "decoupled_weight_decay", "centered", "nesterov")


def _number(op, name, value):
    """float(value) for a real number (inf allowed, as torch allows it), else a TypeError or (NaN) ValueError."""
    return check_number(value, name, op, finite=False)


def _non_negative(op, name, value):
    """float(value), or a ValueError when it is negative or NaN (torch's `not 0.0 <= value`)."""
    value = _number(op, name, value)
    if not 0.0 <= value:
        raise ValueError(f"{op}: Invalid {name} value: {value} (must be >= 0)")
    return value


def _betas(op, betas):
    """(beta1, beta2), each in [0, 1), or an error naming `op`."""
    if not isinstance(betas, (tuple, list)) or len(betas) != 2:
        raise ValueError(f"{op}: betas must be a pair (beta1, beta2), not {betas!r}")
    out = []
    for index, value in enumerate(betas):
        value = _number(op, f"beta parameter at index {index}", value)
        if not 0.0 <= value < 1.0:
            raise ValueError(f"{op}: Invalid beta parameter at index {index}: {value} (must be in [0, 1))")
        out.append(value)
    return tuple(out)


def _flag(op, name, value, allow_none=False):
    """A bool option (a 0-d bool array counts), or a TypeError: bool("False") would be True."""
    value = _scalar_of(value)
    if value is None and allow_none:
        return None
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{op}: {name!r} must be a bool (True or False), not {_describe(value)}")
    return bool(value)


def _count(op, name, value):
    """A whole number >= 0 (2 or 2.0, or a 0-d array or Tensor holding one), as an int."""
    value = _scalar_of(value)
    number = check_number(value, repr(name), op, finite=False)
    if not number.is_integer() or number < 0:
        raise ValueError(f"{op}: {name!r} must be a whole number >= 0, not {value!r}")
    return int(value)


def _tensor_list(params, op):
    """`params` (an iterable of Tensors) as a list, or a TypeError naming `op` and the first non-Tensor."""
    if isinstance(params, Tensor):
        raise TypeError(f"{op}: params must be an iterable of Tensors (e.g. model.parameters()), "
                        "not a single Tensor: wrap it in a list")
    try:
        params = list(params)
    except TypeError:
        raise TypeError(f"{op}: params must be an iterable of Tensors (e.g. model.parameters()), "
                        f"not {type(params).__name__}") from None
    for i, p in enumerate(params):
        if not isinstance(p, Tensor):
            raise TypeError(f"{op}: parameter {i} is a {type(p).__name__}, not a Tensor")
    return params


def _refuse_set(params, op):
    if isinstance(params, (set, frozenset)):
        raise TypeError(f"{op}: params must be an ordered collection (a list), not a set: "
                        "the order of a set changes between runs")


class Optimizer:
    """Base class of the optimizers: parameter groups, state, step/zero_grad/state_dict.

    A subclass passes its `defaults` (every option and its default), lists the options
    whose values state dicts must carry (`_required`), checks option values
    (`_check_options`), names each parameter's state entries (`_state_names`) and
    writes its rule in `_update(p, grad, state, group)`: `grad` is the gradient array in
    the parameter's dtype, `state` the parameter's dict (empty before its first step).
    """

    def __init__(self, params, defaults):
        op = type(self).__name__
        if not isinstance(defaults, Mapping):
            raise TypeError(f"{op}: defaults must be a dict of option -> value, not {type(defaults).__name__}")
        self.defaults = self._check_options(dict(defaults))
        self.state = defaultdict(dict)
        self.param_groups = []
        if isinstance(params, Tensor):
            _tensor_list(params, op)  # raises: a single Tensor
        _refuse_set(params, op)
        if isinstance(params, Mapping):
            raise TypeError(f"{op}: params must be an iterable of Tensors or a list of dicts "
                            "(parameter groups), not a dict: wrap the group in a list")
        try:
            groups = list(params)
        except TypeError:
            raise TypeError(f"{op}: params must be an iterable of Tensors or of dicts (parameter groups), "
                            f"not {type(params).__name__}") from None
        if not groups:
            raise ValueError(f"{op}: optimizer got an empty parameter list")
        if not isinstance(groups[0], Mapping):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    # ---- options ----------------------------------------------------------------------------
    _required = ("lr",)

    def _check_options(self, options):
        """`options` with every known value checked and cleaned (a subclass adds its own constraints)."""
        op = type(self).__name__
        for name, value in options.items():
            if name in _NON_NEGATIVE:
                options[name] = _non_negative(op, _NON_NEGATIVE[name], value)
            elif name in _FLAGS:
                options[name] = _flag(op, name, value)
            elif name in IMPLEMENTATION_FLAGS:
                options[name] = _flag(op, name, value, allow_none=True)
            elif name == "betas":
                options[name] = _betas(op, value)
            elif name == "dampening":
                options[name] = _number(op, name, value)
        return options

    def add_param_group(self, param_group):
        """Add a group: a dict with "params" (a Tensor, an iterable of them, or of (name, Tensor) pairs as
        model.named_parameters() gives, kept as "param_names") and options that override the defaults.
        Its parameters must be floating-point leaves not in another group."""
        op = f"{type(self).__name__}.add_param_group"
        if not isinstance(param_group, Mapping):
            raise TypeError(f"{op}: a parameter group must be a dict with a 'params' entry, "
                            f"not {type(param_group).__name__}")
        if "params" not in param_group:
            raise ValueError(f"{op}: the parameter group has no 'params' entry")
        params = param_group["params"]
        _refuse_set(params, op)
        if not isinstance(params, Tensor):
            try:
                params = list(params)
            except TypeError:
                raise TypeError(f"{op}: params must be an iterable of Tensors (e.g. model.parameters()), "
                                f"not {type(params).__name__}") from None
        named = {}
        if isinstance(params, list) and params and all(
                isinstance(x, tuple) and len(x) == 2 and isinstance(x[0], str) for x in params):
            named = {"param_names": [name for name, _ in params]}
            params = [p for _, p in params]
        if self.param_groups and bool(named) != ("param_names" in self.param_groups[0]):
            raise ValueError(f"{op}: all optimizer param groups should be with/without names "
                             "(pass model.named_parameters() to every group, or to none)")
        group = {"params": [params] if isinstance(params, Tensor) else _tensor_list(params, op),
                 **{k: v for k, v in param_group.items() if k not in ("params", "param_names")}, **named}
        for i, p in enumerate(group["params"]):
            if p.dtype.kind != "f":
                raise TypeError(f"{op}: parameter {i} has dtype {p.dtype}; only floating-point tensors "
                                "can be optimized")
            if not p.is_leaf:
                raise ValueError(f"{op}: can't optimize a non-leaf Tensor: parameter {i} was computed from other "
                                 "tensors; pass the leaves, or a .detach()ed copy with requires_grad=True")
        if len({id(p) for p in group["params"]}) != len(group["params"]):
            raise ValueError(f"{op}: a parameter appears more than once in the group; "
                             "it would be updated twice per step")
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in seen for p in group["params"]):
            raise ValueError(f"{op}: some parameters appear in more than one parameter group")
        options = self._check_options({k: v for k, v in group.items() if k in self.defaults})
        group.update(options)
        for name, default in self.defaults.items():
            group.setdefault(name, default)
        self.param_groups.append(group)

    # ---- the update ---------------------------------------------------------------------------
    def zero_grad(self, set_to_none=True):
        """Forget every parameter's gradient: set it to None (the default, as torch's), or
        with set_to_none=False fill it with zeros in place."""
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                else:
                    p.grad.array[...] = 0

    def step(self, closure=None):
        """Update every parameter that has a gradient, in place, by the group's options.

        closure: None, or a function that recomputes the loss (run with grad enabled);
        its result is returned, as torch's."""
        loss = None
        if closure is not None:
            if not callable(closure):
                raise TypeError(f"{type(self).__name__}.step: closure must be callable, "
                                f"not {type(closure).__name__}")
            with enable_grad():
                loss = closure()
        with_grad = [(group, p) for group in self.param_groups for p in group["params"] if p.grad is not None]
        for i, (_, p) in enumerate(with_grad):  # check them all first: a bad grad leaves every parameter as it was
            if tuple(p.grad.shape) != p.shape:
                raise ValueError(f"{type(self).__name__}.step: a parameter has shape {p.shape} "
                                 f"but its grad has shape {tuple(p.grad.shape)}")
        for group, p in with_grad:
            self._update(p, p.grad.array.astype(p.dtype, copy=False), self.state[p], group)
            p._bump_version()  # an op that saved p for a backward not yet run would now be wrong
        return loss

    def _update(self, p, grad, state, group):
        raise NotImplementedError  # abstract

    _scalar_state = ()  # state entries that are Python floats rather than buffers

    def _state_names(self, group):
        """The names of a parameter's state entries under `group`'s options ("step" first if kept)."""
        return ()

    @staticmethod
    def _zeros(p):
        """A buffer: a zero Tensor of p's shape and dtype on p's device."""
        return Tensor._wrap(p._backend.xp.zeros_like(p.array), p._backend)

    # ---- state dicts ------------------------------------------------------------------------------
    def _index(self):
        """[(position, parameter)] counting through the groups, as torch numbers them."""
        return list(enumerate(p for group in self.param_groups for p in group["params"]))

    def state_dict(self):
        """{"state": {i: {name: value}}, "param_groups": [{options..., "params": [i, ...]}]}, as torch's;
        buffers are copied Tensors, step counts ints."""
        groups, start = [], 0
        for group in self.param_groups:
            saved = {k: v for k, v in group.items() if k != "params"}
            saved["params"] = list(range(start, start + len(group["params"])))
            start += len(group["params"])
            groups.append(saved)
        state = {}
        for i, p in self._index():
            if self.state.get(p):
                state[i] = {name: value.clone() if isinstance(value, Tensor) else value
                            for name, value in self.state[p].items()}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict):
        """Restore options and state saved by `state_dict()` (copies them in).

        The groups must match this optimizer's in number and sizes, and the buffers the
        parameters' shapes; otherwise an error lists what is wrong and nothing changes.
        Buffers are cast to each parameter's dtype, as torch does."""
        self._prepare_load_state_dict(state_dict)()

    def _prepare_load_state_dict(self, state_dict):
        """Check `state_dict` as load_state_dict does and return the change, to be run later: a
        caller loading several objects (a checkpoint) checks them all before changing any."""
        op = f"{type(self).__name__}.load_state_dict"
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"{op}: state_dict must be a mapping, got {type(state_dict).__name__}")
        if isinstance(state_dict.get("param_groups"), str):
            state_dict = _unflatten(state_dict, op)
        missing = [key for key in ("state", "param_groups") if key not in state_dict]
        if missing:
            raise ValueError(f"{op}: missing keys {missing} (is this an optimizer state dict?)")
        saved_groups, saved_state = state_dict["param_groups"], state_dict["state"]
        if not isinstance(saved_groups, (list, tuple)) or not all(isinstance(g, Mapping) for g in saved_groups):
            raise TypeError(f"{op}: 'param_groups' must be a list of dicts")
        if not isinstance(saved_state, Mapping):
            raise TypeError(f"{op}: 'state' must be a dict of parameter index -> dict")
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(f"{op}: the state has {len(saved_groups)} parameter groups, "
                             f"this optimizer has {len(self.param_groups)}")
        sizes = [len(g.get("params", ())) for g in saved_groups]
        if sizes != [len(g["params"]) for g in self.param_groups]:
            raise ValueError(f"{op}: the state's parameter groups hold {sizes} parameters, "
                             f"this optimizer's hold {[len(g['params']) for g in self.param_groups]}")
        # saved ids map to this optimizer's parameters in order, group by group, as torch's
        index = {_scalar_of(i): p for saved, group in zip(saved_groups, self.param_groups)
                 for i, p in zip(saved["params"], group["params"])}
        new_groups = []
        for group, saved in zip(self.param_groups, saved_groups):
            lacking = [name for name in self._required if name not in saved]
            if lacking:
                raise ValueError(f"{op}: missing keys {lacking} in a parameter group "
                                 "(was this state saved by a different kind of optimizer?)")
            options = {k: v for k, v in saved.items() if k not in ("params", "param_names")}
            try:
                options.update(self._check_options({k: v for k, v in options.items() if k in self.defaults}))
            except (TypeError, ValueError) as e:
                raise type(e)(f"{op}: {e}") from None
            new = {**{k: v for k, v in self.defaults.items() if k not in options}, **options}
            names = {"param_names": group["param_names"]} if "param_names" in group else {}
            new_groups.append({"params": group["params"], **names, **new})
        group_of = {id(p): new for new in new_groups for p in new["params"]}
        state, problems = {}, []
        for key, entries in saved_state.items():
            position = _scalar_of(key)
            if isinstance(position, str) and position.isdigit():
                position = int(position)
            if (not isinstance(position, (int, np.integer)) or isinstance(position, (bool, np.bool_))
                    or position not in index):
                problems.append(f"state for unknown parameter {key!r}")
                continue
            p = index[position]
            names = self._state_names(group_of[id(p)])
            entries = dict(entries)
            unexpected = sorted(set(entries) - set(names))
            lacking = [n for n in names if n not in entries]
            if unexpected:
                problems.append(f"unexpected state {unexpected} for parameter {position}")
            if lacking:
                problems.append(f"missing state {lacking} for parameter {position}")
            if unexpected or lacking:
                continue
            state[p] = {}
            for name in names:
                value = entries[name]
                if name == "step":
                    state[p][name] = _count(op, f"state {position} step", value)
                    continue
                if name in self._scalar_state:
                    state[p][name] = _number(op, f"state {position} {name}", value)
                    continue
                array = np.asarray(value.numpy() if isinstance(value, Tensor) else value)
                if array.shape != p.shape:
                    problems.append(f"state {position} {name} has shape {array.shape} but the parameter "
                                    f"has shape {p.shape}")
                elif array.dtype.kind not in "fiub":
                    problems.append(f"state {position} {name} has dtype {array.dtype}, not a number type")
                else:
                    state[p][name] = Tensor._wrap(p._backend.asarray(np.array(array, dtype=p.dtype)), p._backend)
        if problems:
            raise ValueError(f"{op}: " + "; ".join(problems))

        def assign():  # plain assignments: they cannot fail halfway
            for group, new in zip(self.param_groups, new_groups):
                group.clear()
                group.update(new)
            self.state = defaultdict(dict, state)
        return assign

    def _flat_state_dict(self):
        """state_dict() as named arrays and plain numbers, for a safetensors checkpoint:
        "param_groups" -> the groups as JSON text, "state.<i>.<name>" -> a numpy array or an int."""
        saved = self.state_dict()
        try:
            flat = {"param_groups": json.dumps(saved["param_groups"])}
        except TypeError as e:
            raise TypeError(f"{type(self).__name__}.state_dict: a parameter group holds a value JSON "
                            f"cannot write ({e})") from None
        for i, entries in saved["state"].items():
            for name, value in entries.items():
                flat[f"state.{i}.{name}"] = value.numpy() if isinstance(value, Tensor) else value
        return flat

    def __repr__(self):
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines += [f"    {k}: {v}" for k, v in sorted(group.items()) if k != "params"]
        return "\n".join(lines + [")"])


def _unflatten(flat, op):
    """The nested state dict from `_flat_state_dict`'s form (JSON lists become tuples where torch keeps tuples)."""
    try:
        groups = json.loads(flat["param_groups"])
    except ValueError:
        raise ValueError(f"{op}: 'param_groups' is not the JSON text of a list of groups") from None
    if not isinstance(groups, list) or not all(isinstance(g, dict) for g in groups):
        raise TypeError(f"{op}: 'param_groups' must be a list of dicts")
    for g in groups:
        if isinstance(g.get("betas"), list):
            g["betas"] = tuple(g["betas"])
    state, problems = {}, []
    for key, value in flat.items():
        if key == "param_groups":
            continue
        kind, _, rest = key.partition(".")
        position, _, name = rest.partition(".")
        if kind != "state" or not position.isdigit() or not name:
            problems.append(f"unexpected key {key!r}")
            continue
        state.setdefault(int(position), {})[name] = value
    if problems:
        raise ValueError(f"{op}: " + "; ".join(problems))
    return {"state": state, "param_groups": groups}

