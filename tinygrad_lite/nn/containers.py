"""Containers, as torch's: Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict.

Each holds its members in a plain list or dict and names them as torch does ("0", "1", ... for
the lists, the keys for the dicts), so "layers.0.weight" means the same in both engines and a
torch state_dict loads. A Module finds what a container holds through `_members`.
"""
from collections import OrderedDict
from collections.abc import Iterable, Mapping

from .module import Module, Parameter


def _check(value, kind, op):
    if not isinstance(value, kind):
        raise TypeError(f"{op}: {type(value).__name__} is not a {kind.__name__}")
    return value


def _index(index, length, op):
    """A list position as Python reads it (negative from the end), or IndexError naming op."""
    if not isinstance(index, int) or isinstance(index, bool):
        raise TypeError(f"{op}: indices must be ints or slices, not {type(index).__name__}")
    if not -length <= index < length:
        raise IndexError(f"{op}: index {index} is out of range for {length} members")
    return index % length


class NoSuchKey(KeyError, ValueError):
    """A key a container does not hold: a KeyError, as torch raises, and a ValueError."""


def _key(key, op):
    if not isinstance(key, str):
        raise TypeError(f"{op}: keys must be str, not {type(key).__name__}")
    if not key or "." in key:
        raise KeyError(f"{op}: a key must be non-empty and hold no '.', got {key!r}")
    return key


class _ListOf(Module):
    """A list of members of one kind (`kind`), named by position."""

    kind = Module

    def __init__(self, members=None):
        name = type(self).__name__
        if members is not None and (not isinstance(members, Iterable) or isinstance(members, (Mapping, str))):
            raise TypeError(f"{name}: takes an iterable of {self.kind.__name__}s, not {type(members).__name__}")
        self._list = [_check(m, self.kind, name) for m in ([] if members is None else members)]

    def _members(self):
        for i, member in enumerate(self._list):
            yield str(i), member

    def __getitem__(self, index):
        if isinstance(index, slice):
            return type(self)(self._list[index])
        return self._list[_index(index, len(self._list), type(self).__name__)]

    def __setitem__(self, index, member):
        op = type(self).__name__
        self._list[_index(index, len(self._list), op)] = _check(member, self.kind, op)

    def __delitem__(self, index):
        if isinstance(index, slice):
            del self._list[index]
        else:
            del self._list[_index(index, len(self._list), type(self).__name__)]

    def __len__(self):
        return len(self._list)

    def __iter__(self):
        return iter(self._list)

    def __add__(self, other):
        return type(self)(list(self._list) + list(_check(other, _ListOf, type(self).__name__)._list))

    def append(self, member):
        """Add `member` at the end; returns self."""
        self._list.append(_check(member, self.kind, f"{type(self).__name__}.append"))
        return self

    def extend(self, members):
        """Add every member of the iterable `members` at the end; returns self."""
        op = f"{type(self).__name__}.extend"
        if not isinstance(members, Iterable) or isinstance(members, (Mapping, str)):
            raise TypeError(f"{op}: takes an iterable, not {type(members).__name__}")
        self._list.extend(_check(m, self.kind, op) for m in list(members))
        return self

    def insert(self, index, member):
        """Put `member` before position `index`."""
        op = f"{type(self).__name__}.insert"
        if not isinstance(index, int) or isinstance(index, bool):
            raise TypeError(f"{op}: index must be an int, not {type(index).__name__}")
        self._list.insert(index, _check(member, self.kind, op))

    def pop(self, index=-1):
        """Remove and return the member at `index` (the last by default)."""
        return self._list.pop(_index(index, len(self._list), f"{type(self).__name__}.pop"))


class ModuleList(_ListOf):
    """Modules in a list, named "0", "1", ... (model.layers[2], for layer in model.layers).
    It has no forward: the model that holds it decides how its members are called."""

    kind = Module

    def extra_repr(self):
        return "" if self._list else "[]"


class ParameterList(_ListOf):
    """Parameters in a list, named "0", "1", ...; each is a parameter of the model that holds it."""

    kind = Parameter

    def extra_repr(self):
        return "\n".join(f"({i}): Parameter of shape {tuple(p.shape)} ({p.dtype})" for i, p in enumerate(self._list))


class Sequential(_ListOf):
    """Modules applied one after the other: Sequential(a, b, c)(x) = c(b(a(x))).

    The modules are named "0", "1", ... as in torch ("0.weight"), or by the keys of an OrderedDict
    given alone (Sequential(OrderedDict(conv=..., act=...)) -> "conv.weight"). A Sequential can be
    indexed (an int gives a module, a slice a Sequential), iterated, measured with len(), and
    grown with append, extend and insert.
    """

    kind = Module

    def __init__(self, *modules):
        if len(modules) == 1 and isinstance(modules[0], Mapping):
            names = [_key(k, "Sequential") for k in modules[0]]
            super().__init__(list(modules[0].values()))
            self._names = names
        else:
            for i, module in enumerate(modules):
                if not isinstance(module, Module):
                    raise TypeError(f"Sequential: argument {i} is a {type(module).__name__}, not a Module")
            super().__init__(list(modules))
            self._names = None

    def _members(self):
        if self._names is None or len(self._names) != len(self._list):
            self._names = None  # grown or shrunk since: positions name the members, as torch renumbers
            yield from super()._members()
        else:
            yield from zip(self._names, self._list)

    def __getitem__(self, index):
        if isinstance(index, str):
            if self._names is None or index not in self._names:
                raise NoSuchKey(f"Sequential: no member named {index!r}")
            return self._list[self._names.index(index)]
        if isinstance(index, slice):
            if self._names is not None:
                return Sequential(OrderedDict(zip(self._names[index], self._list[index])))
            return Sequential(*self._list[index])
        return super().__getitem__(index)

    def __getattr__(self, name):  # seq.conv for a member named "conv", as torch allows
        names = self.__dict__.get("_names")
        if names is not None and name in names:
            return self._list[names.index(name)]
        raise AttributeError(f"'Sequential' object has no attribute {name!r}")

    def forward(self, x):
        for module in self._list:
            x = module(x)
        return x


class _DictOf(Module):
    """A dict of members of one kind (`kind`), named by key, in insertion order."""

    kind = Module

    def __init__(self, members=None):
        self._dict = {}
        if members is not None:
            self.update(members)

    def _members(self):
        yield from self._dict.items()

    def __getitem__(self, key):
        if key not in self._dict:
            raise NoSuchKey(f"{type(self).__name__}: no member named {key!r}")
        return self._dict[key]

    def __getattr__(self, name):
        # as torch: members are attributes too (model.transformer.wte is model.transformer["wte"]);
        # called only when normal lookup fails, so methods and instance attributes come first
        members = self.__dict__.get("_dict", {})
        if name in members:
            return members[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute {name!r}")

    def __setattr__(self, name, value):
        # as torch: assigning a member as an attribute adds it (model.heads.lm = nn.Linear(...)),
        # so parameters() finds it; private names and other values stay plain attributes
        if not name.startswith("_") and isinstance(value, self.kind):
            self[name] = value
        else:
            super().__setattr__(name, value)

    def __delattr__(self, name):
        if name in self.__dict__.get("_dict", {}):
            del self._dict[name]
        else:
            super().__delattr__(name)

    def __setitem__(self, key, member):
        op = type(self).__name__
        self._dict[_key(key, op)] = _check(member, self.kind, op)

    def __delitem__(self, key):
        self.pop(key)

    def __contains__(self, key):
        return key in self._dict

    def __len__(self):
        return len(self._dict)

    def __iter__(self):
        return iter(self._dict)

    def keys(self):
        return self._dict.keys()

    def values(self):
        return self._dict.values()

    def items(self):
        return self._dict.items()

    def pop(self, key):
        """Remove and return the member named `key`."""
        if not isinstance(key, str):
            raise TypeError(f"{type(self).__name__}.pop: keys are str, not {type(key).__name__}")
        if key not in self._dict:
            raise NoSuchKey(f"{type(self).__name__}.pop: no member named {key!r}")
        return self._dict.pop(key)

    def clear(self):
        self._dict.clear()

    def update(self, members):
        """Add (or replace) members from a mapping or an iterable of (key, member) pairs."""
        op = f"{type(self).__name__}.update"
        if isinstance(members, Mapping):
            pairs = list(members.items())
        elif isinstance(members, Iterable) and not isinstance(members, (str, bytes)):
            pairs = list(members)
            if not all(isinstance(p, (tuple, list)) and len(p) == 2 for p in pairs):
                raise TypeError(f"{op}: an iterable of members must hold (key, member) pairs")
        else:
            raise TypeError(f"{op}: takes a mapping or (key, member) pairs, not {type(members).__name__}")
        for key, member in pairs:
            self._dict[_key(key, op)] = _check(member, self.kind, op)


class ModuleDict(_DictOf):
    """Modules in a dict, named by their keys (model.heads["lm"] -> "heads.lm.weight")."""

    kind = Module


class ParameterDict(_DictOf):
    """Parameters in a dict, named by their keys."""

    kind = Parameter

    def extra_repr(self):
        return "\n".join(f"({k}): Parameter of shape {tuple(p.shape)} ({p.dtype})" for k, p in self._dict.items())


__all__ = ["Sequential", "ModuleList", "ModuleDict", "ParameterList", "ParameterDict"]
