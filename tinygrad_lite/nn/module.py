"""Module and Parameter: how a model finds, names, saves and loads its weights.

A Module finds its parameters by looking at its own attributes, in the order they
were first assigned: a Parameter is a weight, a Module is a child searched in turn,
and lists, tuples and dicts are looked into (recursively) for both. Names join the
attribute path with dots, as torch's do:

    self.blocks = [Block(), Block()]    ->  "blocks.0.attn.qkv.weight", "blocks.1.attn.qkv.weight"
    self.heads = {"lm": Linear(4, 2)}   ->  "heads.lm.weight", "heads.lm.bias"

There is nothing to register: assigning is enough. Other attributes (numbers, plain
Tensors, arrays) are not part of the model's state: they are neither saved nor moved,
unless a Tensor is registered as a buffer (`register_buffer`): state that is not learned
(batch norm's running statistics, a causal mask), which moves with the model and, when
persistent, is saved in its state_dict next to the parameters, as in torch.
A parameter reached along two paths (shared, or tied weights) is one parameter:
`parameters()` yields it once, under the first name, while `state_dict()` lists it
under every name, as torch does. The order is torch's: a module's own parameters (and, in
state_dict, its persistent buffers), in the order they were assigned, then each child's in
turn, so an optimizer's state indexes the same parameters in both engines.
"""
import itertools
from collections import namedtuple
from collections.abc import Mapping

import numpy as np

from ..backend import get_backend
from .._tensor import Tensor
from ..autograd import is_grad_enabled
from ..ops.movement import Reshape


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


def _check_flag(value, name, op):
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{op}: {name} must be True or False, not {value!r}")
    return bool(value)


def _check_name(module, name, op):
    """A new member's name: a non-empty str without dots that is not a method of the module."""
    if not isinstance(name, str):
        raise TypeError(f"{op}: the name must be a str, not {type(name).__name__}")
    if not name or "." in name:
        raise KeyError(f"{op}: the name must be non-empty and hold no '.', got {name!r}")
    if hasattr(type(module), name) and name not in module.__dict__:
        raise KeyError(f"{op}: attribute {name!r} already exists")


class NoSuchMember(AttributeError, ValueError):
    """A dotted name that names no submodule, parameter or buffer: an AttributeError, as torch raises,
    and a ValueError (a value the call cannot take)."""


_hook_ids = itertools.count()


class RemovableHandle:
    """What register_*_hook returns: remove() takes the hook away (again: nothing happens)."""

    def __init__(self, hooks, key):
        self._hooks, self._key = hooks, key

    def remove(self):
        self._hooks.pop(self._key, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


def _call_with_backward_hooks(module, hooks, backward_hooks, args, kwargs):
    """forward(*args) with each positional input that requires grad passed through an identity node, whose
    gradient (the gradient with respect to that input, from this call only) register_hook catches; the
    outputs' hooks catch grad_output first (they are newer), and the last input's hook calls the module's
    backward hooks with both."""
    slots = [i for i, a in enumerate(args) if isinstance(a, Tensor) and a.requires_grad]
    args = tuple(Reshape.apply(a, shape=a.shape) if i in slots else a for i, a in enumerate(args))
    output = module.forward(*args, **kwargs)
    for hook in list(hooks["forward"].values()):
        changed = hook(module, args, output)
        if changed is not None:
            output = changed
    outputs = output if isinstance(output, tuple) else (output,)
    grad_output = [None] * len(outputs)
    grad_input = [None] * len(args)
    pending = set(slots)

    def catch_output(j):
        def hook(grad):
            grad_output[j] = grad
            waiting.discard(j)
            if not slots and not waiting:  # no input needs a gradient: torch calls the hooks with Nones
                for backward_hook in list(backward_hooks.values()):
                    backward_hook(module, tuple(grad_input), tuple(grad_output))
        return hook

    def catch_input(i):
        def hook(grad):
            grad_input[i] = grad
            pending.discard(i)
            if pending:
                return None
            given = tuple(grad_input)
            for backward_hook in list(backward_hooks.values()):
                changed = backward_hook(module, given, tuple(grad_output))
                if changed is not None:
                    if len(slots) > 1:
                        raise RuntimeError(f"register_full_backward_hook: {type(module).__name__} has several tensor "
                                           "inputs; replacing grad_input is supported for one tensor input only")
                    given = tuple(changed) if isinstance(changed, (tuple, list)) else (changed,)
            return given[i]
        return hook

    waiting = {j for j, out in enumerate(outputs) if isinstance(out, Tensor) and out.requires_grad}
    for j in waiting:
        outputs[j].register_hook(catch_output(j))
    for i in slots:
        args[i].register_hook(catch_input(i))
    return output


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
        hooks = self.__dict__.get("_hooks")
        if not hooks:
            return self.forward(*args, **kwargs)
        for hook in list(hooks["forward_pre"].values()):
            changed = hook(self, args)
            if changed is not None:
                args = changed if isinstance(changed, tuple) else (changed,)
        backward_hooks = hooks.get("backward")
        if backward_hooks and is_grad_enabled():
            return _call_with_backward_hooks(self, hooks, backward_hooks, args, kwargs)
        output = self.forward(*args, **kwargs)
        for hook in list(hooks["forward"].values()):
            changed = hook(self, args, output)
            if changed is not None:
                output = changed
        return output

    # ---- hooks ----------------------------------------------------------------------------
    def _add_hook(self, kind, hook, op):
        if not callable(hook):
            raise TypeError(f"{op}: hook must be callable, not {type(hook).__name__}")
        hooks = self.__dict__.setdefault("_hooks", {"forward_pre": {}, "forward": {}})
        key = next(_hook_ids)
        hooks.setdefault(kind, {})[key] = hook
        return RemovableHandle(hooks[kind], key)

    def register_forward_pre_hook(self, hook):
        """Call hook(module, args) before each forward; a non-None result replaces the positional
        arguments (a tuple, or one value). Returns a handle whose remove() takes the hook away."""
        return self._add_hook("forward_pre", hook, "register_forward_pre_hook")

    def register_full_backward_hook(self, hook):
        """Call hook(module, grad_input, grad_output) once the gradients with respect to the module's
        tensor inputs are computed: grad_output holds the gradients of its outputs, grad_input those of
        its positional tensor inputs (None for one that needs no gradient). A non-None result (a tuple
        like grad_input) replaces grad_input, for a module with one tensor input (with several, the
        first gradients have flowed on before the last is known: a replacement raises RuntimeError).
        Built on Tensor.register_hook; returns a handle whose remove() takes the hook away."""
        return self._add_hook("backward", hook, "register_full_backward_hook")

    def register_forward_hook(self, hook):
        """Call hook(module, args, output) after each forward; a non-None result replaces the output.
        Returns a handle whose remove() takes the hook away."""
        return self._add_hook("forward", hook, "register_forward_hook")

    # ---- registering what torch registers -------------------------------------------------
    def register_buffer(self, name, tensor, persistent=True):
        """Hold `tensor` (or None) as the buffer `name`: state that moves with the model and, when
        `persistent`, is saved in state_dict, but is not a parameter (an optimizer never sees it).
        Assigning another Tensor to the name later replaces the buffer, as in torch."""
        _check_name(self, name, "register_buffer")
        if tensor is not None and (not isinstance(tensor, Tensor) or isinstance(tensor, Parameter)):
            raise TypeError(f"register_buffer: buffer {name!r} must be a Tensor (not a Parameter) or None, "
                            f"not {type(tensor).__name__}")
        if not isinstance(persistent, (bool, np.bool_)):
            raise TypeError(f"register_buffer: persistent must be True or False, not {persistent!r}")
        self.__dict__.setdefault("_buffers", {})[name] = bool(persistent)
        object.__setattr__(self, name, tensor)

    def register_parameter(self, name, param):
        """Hold `param` (a Parameter, or None for an absent one) under `name`: the same as assigning it."""
        _check_name(self, name, "register_parameter")
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(f"register_parameter: {name!r} must be a Parameter or None, not {type(param).__name__}")
        object.__setattr__(self, name, param)

    def add_module(self, name, module):
        """Hold `module` (or None) as the child `name`: the same as assigning it."""
        _check_name(self, name, "add_module")
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"add_module: {name!r} must be a Module or None, not {type(module).__name__}")
        object.__setattr__(self, name, module)

    register_module = add_module

    def get_submodule(self, target):
        """The module at dotted path `target` ("" is this module): "encoder.layers.0"."""
        return self._lookup(target, "get_submodule", Module)

    def get_parameter(self, target):
        """The parameter at dotted path `target`: "encoder.layers.0.weight"."""
        return self._lookup(target, "get_parameter", Parameter)

    def get_buffer(self, target):
        """The buffer at dotted path `target`: "norm.running_mean"."""
        if not isinstance(target, str):
            raise TypeError(f"get_buffer: target must be a dotted name (str), not {type(target).__name__}")
        module_path, _, name = target.rpartition(".")
        module = self._lookup(module_path, "get_buffer", Module)
        if name not in module.__dict__.get("_buffers", {}):
            raise NoSuchMember(f"get_buffer: {type(module).__name__} has no buffer {name!r}")
        return getattr(module, name)

    def _lookup(self, target, op, kind):
        if not isinstance(target, str):
            raise TypeError(f"{op}: target must be a dotted name (str), not {type(target).__name__}")
        if target == "":
            if kind is Module:
                return self
            raise NoSuchMember(f"{op}: an empty name is not a parameter")
        members = dict(self.named_modules()) if kind is Module else dict(self._all_named_parameters())
        if target not in members:
            raise NoSuchMember(f"{op}: {type(self).__name__} has no {kind.__name__.lower()} {target!r}")
        return members[target]

    def apply(self, fn):
        """Call fn(module) on every child (recursively, children first) and then on this module, as
        torch does (used to initialise weights: model.apply(init_weights)); returns self."""
        if not callable(fn):
            raise TypeError(f"apply: fn must be callable, not {type(fn).__name__}")
        for child in self.children():
            child.apply(fn)
        fn(self)
        return self

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
        members = list(self._members())
        for name, value in members:  # as torch: a module's own parameters, then its children's
            if isinstance(value, Parameter):
                yield _join(prefix, name), value
        for name, value in members:
            if isinstance(value, Module) and id(value) not in path:
                yield from value._all_named_parameters(_join(prefix, name), path)

    def named_parameters(self, prefix="", recurse=True, remove_duplicate=True):
        """(name, parameter) for every parameter, in definition order, a shared one once (first name);
        recurse=False: only this module's own; remove_duplicate=False: a shared one under every name."""
        _check_prefix(prefix, "named_parameters")
        recurse = _check_flag(recurse, "recurse", "named_parameters")
        remove_duplicate = _check_flag(remove_duplicate, "remove_duplicate", "named_parameters")
        found = self._all_named_parameters(prefix) if recurse else (
            (_join(prefix, name), value) for name, value in self._members() if isinstance(value, Parameter))
        seen = set()
        for name, p in found:
            if not remove_duplicate or id(p) not in seen:
                seen.add(id(p))
                yield name, p

    def parameters(self, recurse=True):
        """Every parameter, each once: what an optimizer should update (recurse=False: this module's own)."""
        return (p for _, p in self.named_parameters(recurse=recurse))

    def _own_buffers(self):
        """(name, buffer) registered on this module itself (None ones skipped), with their persistence."""
        for name, persistent in self.__dict__.get("_buffers", {}).items():
            value = self.__dict__.get(name)
            if isinstance(value, Tensor):
                yield name, value, persistent

    def named_buffers(self, prefix="", recurse=True, remove_duplicate=True):
        """(name, buffer) for every registered buffer, this module's first, then its children's."""
        _check_prefix(prefix, "named_buffers")
        recurse = _check_flag(recurse, "recurse", "named_buffers")
        modules = self.named_modules(prefix) if recurse else [(prefix, self)]
        seen = set()
        for path, module in modules:
            for name, value, _ in module._own_buffers():
                if not remove_duplicate or id(value) not in seen:
                    seen.add(id(value))
                    yield _join(path, name), value

    def buffers(self, recurse=True):
        """Every registered buffer (running statistics, masks), each once."""
        return (b for _, b in self.named_buffers(recurse=recurse))

    def _state(self, prefix="", path=()):
        """(name, tensor) of everything state_dict holds, in torch's order: this module's parameters
        (tied ones under each name), then its persistent buffers, then each child's, recursively."""
        path = path + (id(self),)
        members = list(self._members())
        for name, value in members:
            if isinstance(value, Parameter):
                yield _join(prefix, name), value
        for name, value, persistent in self._own_buffers():
            if persistent:
                yield _join(prefix, name), value
        for name, value in members:
            if isinstance(value, Module) and id(value) not in path:
                yield from value._state(_join(prefix, name), path)

    def requires_grad_(self, requires_grad=True):
        """Make every parameter require grad (or not: freezing a model); returns self."""
        flag = _check_flag(requires_grad, "requires_grad", "requires_grad_")
        for p in self.parameters():
            p.requires_grad_(flag)
        return self

    # ---- saving and loading -----------------------------------------------------------
    def state_dict(self, *, prefix="", keep_vars=False):
        """{name: tensor} for every parameter name (tied weights under each of their names) and every
        persistent buffer, each name preceded by `prefix`.

        The tensors are detached views of the parameters and buffers: they share their memory
        and carry no graph, ready for `tg.save` (keep_vars=True gives the tensors themselves).
        """
        _check_prefix(prefix, "state_dict")
        keep_vars = _check_flag(keep_vars, "keep_vars", "state_dict")
        return {prefix + name: t if keep_vars else t.detach() for name, t in self._state()}

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
        strict = _check_flag(strict, "strict", "load_state_dict")
        own = dict(self._state())
        missing = [name for name in own if name not in state_dict]
        unexpected = [name for name in state_dict if name not in own]
        problems = []
        if strict:
            problems += [f"missing key {name!r} (of shape {own[name].shape})" for name in missing]
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

    def zero_grad(self, set_to_none=True):
        """Forget every parameter's gradient before the next backward: set it to None (torch's
        default), or with set_to_none=False fill it with zeros in place."""
        set_to_none = _check_flag(set_to_none, "set_to_none", "zero_grad")
        for p in self.parameters():
            if set_to_none or p.grad is None:
                p.grad = None
            else:
                p.grad.array[...] = 0

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
            buffers = module.__dict__.get("_buffers", {})
            for name, value in list(vars(module).items()):
                if name in buffers and isinstance(value, Tensor):
                    object.__setattr__(module, name, value.to(device))
                else:
                    setattr(module, name, move(value))
        return self

    def _cast(self, dtype, op):
        """Every floating-point parameter and buffer (and gradient) converted to `dtype`, in place."""
        for module in self.modules():
            buffers = module.__dict__.get("_buffers", {})
            for name, value in vars(module).items():
                tensors = [value] if isinstance(value, Tensor) and (isinstance(value, Parameter) or name in buffers) \
                    else [v for _, v in _members_of(name, value) if isinstance(v, Parameter)]
                for t in tensors:
                    if t.dtype.kind == "f" and t.dtype != dtype:
                        t.array = t.array.astype(dtype)
                        if t._grad is not None:
                            t._grad = t._grad.astype(dtype)
        return self

    def float(self):
        """Floating-point parameters and buffers as float32, in place; returns self."""
        return self._cast(np.dtype(np.float32), "float")

    def double(self):
        """Floating-point parameters and buffers as float64, in place; returns self."""
        return self._cast(np.dtype(np.float64), "double")

    def half(self):
        """Floating-point parameters and buffers as float16, in place; returns self."""
        return self._cast(np.dtype(np.float16), "half")

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
