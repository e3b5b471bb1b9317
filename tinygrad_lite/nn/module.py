"""Module and Parameter: how a model finds, names, saves and loads its weights.

A Module finds its parameters by looking at its own attributes, in the order they
were first assigned: a Parameter is a weight, a Module is a child searched in turn,
and lists, tuples and dicts are looked into (recursively) for both. Names join the
attribute path with dots, as torch's do:

    self.blocks = [Block(), Block()]    ->  "blocks.0.attn.qkv.weight", "blocks.1.attn.qkv.weight"
    self.heads = {"lm": Linear(4, 2)}   ->  "heads.lm.weight", "heads.lm.bias"

There is nothing to register: assigning is enough. Other attributes (numbers, plain
Tensors, arrays) are not part of the model's state: they are neither saved nor moved.
A parameter reached along two paths (shared, or tied weights) is one parameter:
`parameters()` yields it once, under the first name, while `state_dict()` lists it
under every name, as torch does. Torch lists a module's own parameters before its
children's; here the order is that of the attributes (the names are the same).
"""
from collections import namedtuple
from collections.abc import Mapping

import numpy as np

from ..backend import get_backend
from .._tensor import Tensor


class Parameter(Tensor):
    """A tensor that is a model's weight: a floating-point leaf that requires grad.

    Parameter(data, dtype=None, device=None) copies `data` (a Tensor, a numpy array
    or nested lists); `device` defaults to the device of a Tensor `data`, else "cpu".
    """

    def __init__(self, data, dtype=None, device=None):
        if device is None:
            device = data.device if isinstance(data, Tensor) else "cpu"
        try:
            super().__init__(data, dtype=dtype, device=device)
        except (TypeError, ValueError, RuntimeError) as e:  # said as Tensor's; say it as ours
            message = str(e)
            raise type(e)("Parameter: " + message.removeprefix("Tensor: ")) from None
        if self.dtype.kind != "f":
            raise TypeError(f"Parameter: a parameter must be floating-point to have a gradient, not "
                            f"{self.dtype}; pass dtype=tg.float32 (or float64)")
        self.requires_grad = True

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()


IncompatibleKeys = namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])


def _check_prefix(prefix, op):
    if not isinstance(prefix, str):
        raise TypeError(f"{op}: prefix must be a str, not {type(prefix).__name__}")


def _join(prefix, name):
    return f"{prefix}.{name}" if prefix else name


def _members_of(name, value):
    """(path, value) for every Parameter or Module in `value`, looking into lists, tuples and dicts."""
    if isinstance(value, (Parameter, Module)):
        yield name, value
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from _members_of(f"{name}.{i}", item)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _members_of(f"{name}.{key}", item)


class Module:
    """Base class of layers and models: subclass it, assign parameters and sub-modules
    as attributes, and write `forward`. Calling the module calls `forward`.

        class MLP(nn.Module):
            def __init__(self):
                self.hidden = nn.Linear(4, 8)
                self.out = nn.Linear(8, 1)

            def forward(self, x):
                return self.out(self.hidden(x).relu())

    Calling `super().__init__()` is allowed but not required.
    """

    training = True  # per instance once train()/eval() is called

    def forward(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} must define forward(...) to be called")

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    # ---- what the module holds ---------------------------------------------------------
    def _members(self):
        """(name, Parameter or Module) held directly by this module, in definition order."""
        for name, value in vars(self).items():
            yield from _members_of(name, value)

    def named_modules(self, prefix=""):
        """(name, module) for this module ("" or `prefix`) and every module below it, each once."""
        _check_prefix(prefix, "named_modules")
        seen = set()

        def walk(module, path):
            if id(module) in seen:
                return
            seen.add(id(module))
            yield path, module
            for name, value in module._members():
                if isinstance(value, Module):
                    yield from walk(value, _join(path, name))

        yield from walk(self, prefix)

    def modules(self):
        """This module and every module below it, each once."""
        return (module for _, module in self.named_modules())

    def named_children(self):
        """(name, module) for the modules held directly by this one, each once."""
        seen = set()
        for name, value in self._members():
            if isinstance(value, Module) and id(value) not in seen:
                seen.add(id(value))
                yield name, value

    def children(self):
        """The modules held directly by this one, each once."""
        return (module for _, module in self.named_children())

    def _all_named_parameters(self, prefix="", path=()):
        """(name, parameter) along every path, shared ones repeated; `path` (the modules above)
        stops a module that holds one of its ancestors from recursing forever."""
        path = path + (id(self),)
        for name, value in self._members():
            full = _join(prefix, name)
            if isinstance(value, Parameter):
                yield full, value
            elif id(value) not in path:
                yield from value._all_named_parameters(full, path)

    def named_parameters(self, prefix=""):
        """(name, parameter) for every parameter, in definition order, a shared one once (first name)."""
        _check_prefix(prefix, "named_parameters")
        seen = set()
        for name, p in self._all_named_parameters(prefix):
            if id(p) not in seen:
                seen.add(id(p))
                yield name, p

    def parameters(self):
        """Every parameter, each once: what an optimizer should update."""
        return (p for _, p in self.named_parameters())

    # ---- saving and loading -----------------------------------------------------------
    def state_dict(self):
        """{name: tensor} for every parameter name (tied weights under each of their names).

        The tensors are detached views of the parameters: they share their memory and
        carry no graph, ready for `tg.save`.
        """
        return {name: p.detach() for name, p in self._all_named_parameters()}

    def load_state_dict(self, state_dict, strict=True):
        """Copy the values of `state_dict` ({name: Tensor or array}) into the parameters, in place.

        Every name must match (unless strict=False, which ignores missing and unexpected
        names), and every shape and dtype must equal the parameter's. All mismatches are
        collected and reported in one ValueError; nothing is copied unless all checks pass.
        Returns (missing_keys, unexpected_keys).
        """
        return self._prepare_load_state_dict(state_dict, strict)()

    def _prepare_load_state_dict(self, state_dict, strict=True):
        """Check `state_dict` as load_state_dict does and return the copy, to be run later: a
        caller loading several objects (a checkpoint) checks them all before changing any."""
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"load_state_dict: state_dict must be a mapping of name -> Tensor, "
                            f"got {type(state_dict).__name__}")
        own = dict(self._all_named_parameters())
        missing = [name for name in own if name not in state_dict]
        unexpected = [name for name in state_dict if name not in own]
        problems = []
        if strict:
            problems += [f"missing key {name!r} (parameter of shape {own[name].shape})" for name in missing]
            problems += [f"unexpected key {name!r}" for name in unexpected]
        values = {}
        for name, p in own.items():
            if name not in state_dict:
                continue
            value = state_dict[name]
            array = value.numpy() if isinstance(value, Tensor) else np.asarray(value)
            if array.shape != p.shape:
                problems.append(f"{name!r}: shape {array.shape} in the state dict, {p.shape} in the model")
            elif array.dtype != p.dtype:
                problems.append(f"{name!r}: dtype {array.dtype} in the state dict, {p.dtype} in the model")
            else:
                values[name] = p._backend.asarray(array)  # on the parameter's device before anything changes
        if problems:
            raise ValueError(f"load_state_dict: {len(problems)} mismatch(es) for {type(self).__name__}:\n  "
                             + "\n  ".join(problems))

        def copy_in():  # same shapes, dtypes and devices: in-place copies that cannot fail
            for name, array in values.items():
                own[name].array[...] = array
            return IncompatibleKeys(missing, unexpected)
        return copy_in

    # ---- modes and housekeeping ---------------------------------------------------------
    def train(self, mode=True):
        """Set training mode (True) or evaluation mode (False) here and in every module below."""
        if not isinstance(mode, (bool, np.bool_)):
            raise TypeError(f"{type(self).__name__}.train: mode must be True or False, not {mode!r}")
        for module in self.modules():
            module.training = bool(mode)
        return self

    def eval(self):
        """Evaluation mode: dropout becomes the identity. Same as train(False)."""
        return self.train(False)

    def zero_grad(self):
        """Forget every parameter's gradient (set it to None), before the next backward."""
        for p in self.parameters():
            p.grad = None

    def to(self, device):
        """Move every parameter (and its gradient) to `device`, in place; returns self.

        Lists and dicts are updated in place, a tuple holding a moved parameter is
        rebuilt, and a shared parameter stays shared.
        """
        get_backend(device, f"{type(self).__name__}.to")  # an unknown device fails here, before anything moves
        moved = {}

        def move(value):
            if isinstance(value, Parameter):
                if id(value) not in moved:
                    new = value.to(device)
                    if new is not value:
                        grad = value.grad
                        new = Parameter._wrap(new.array, new._backend, requires_grad=value.requires_grad)
                        new.grad = None if grad is None else grad.to(device)
                    moved[id(value)] = new
                return moved[id(value)]
            if isinstance(value, list):
                value[:] = [move(item) for item in value]
            elif isinstance(value, dict):
                for key in value:
                    value[key] = move(value[key])
            elif isinstance(value, tuple):
                items = [move(item) for item in value]
                if any(new is not old for new, old in zip(items, value)):
                    return tuple(items)
            return value

        for module in self.modules():
            for name, value in list(vars(module).items()):
                setattr(module, name, move(value))
        return self

    # ---- printing -----------------------------------------------------------------------
    def extra_repr(self):
        """The layer's settings, shown inside its parentheses by repr (e.g. "in_features=4, ...")."""
        return ""

    def __repr__(self):
        children = [f"({name}): " + repr(module).replace("\n", "\n  ") for name, module in self.named_children()]
        if not children:
            return f"{type(self).__name__}({self.extra_repr()})"
        lines = ([self.extra_repr()] if self.extra_repr() else []) + children
        return f"{type(self).__name__}(\n  " + "\n  ".join(lines) + "\n)"
