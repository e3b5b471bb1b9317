"""Reverse-mode automatic differentiation: Function, the graph walk, no_grad, unbroadcast.

Every differentiable op is a `Function` subclass with two static methods written
side by side:

    forward(ctx, *arrays, **kwargs) -> array       the value, from plain arrays
    backward(ctx, grad) -> array or tuple          dL/d(input) for each tensor input,
                                                   given grad = dL/d(output)

`Function.apply` unwraps tensors to arrays, runs `forward`, and—when gradients are
being recorded—remembers the inputs on a `Context` attached to the output tensor.
`backward()` then walks those contexts from the loss back to the leaves, newest op
first, applying the chain rule at each node and summing the contributions of every
path (a value used twice receives two gradients).
"""
import functools
import heapq
import itertools
import sys
import threading
import weakref

import numpy as np


class _ThreadState(threading.local):
    """Per-thread switches; the class attributes are each new thread's defaults (read as
    plain attributes: a getattr default would raise and catch on every op)."""

    grad_enabled = True
    inference_mode = False
    detect_anomaly = False


_state = _ThreadState()


def is_grad_enabled():
    """True unless inside `no_grad()`, `inference_mode()` or `set_grad_enabled(False)`."""
    return _state.grad_enabled


def is_inference_mode_enabled():
    """True inside `inference_mode()`."""
    return _state.inference_mode


class _GradMode:
    """A context manager that sets the grad mode on entry and restores it on exit, and a
    decorator that runs a function inside it: `@no_grad()` or, as torch allows, `@no_grad`."""

    def __new__(cls, orig_func=None):
        if orig_func is None:
            return super().__new__(cls)
        if not callable(orig_func):
            raise TypeError(f"{cls.__name__}: expected no argument (or a function to decorate), not {orig_func!r}")
        return cls()(orig_func)

    _settings = (None, None)  # the (grad_enabled, inference_mode) pair to switch to; None keeps one as it is

    def __enter__(self):
        grad, inference = self._settings
        self._previous = (_state.grad_enabled, _state.inference_mode)
        if grad is not None:
            _state.grad_enabled = grad
        if inference is not None:
            _state.inference_mode = inference

    def __exit__(self, *exc):
        _state.grad_enabled, _state.inference_mode = self._previous

    def _clone(self):
        return type(self)()

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self._clone():  # a fresh manager per call, so recursion and threads keep their own state
                return fn(*args, **kwargs)
        return wrapper


class no_grad(_GradMode):
    """Context manager (and decorator) in which ops record no graph.

    Use it for inference and for optimizer updates: outputs have
    `requires_grad=False` and keep no references to their inputs.
    """

    _settings = (False, None)


class enable_grad(_GradMode):
    """Context manager (and decorator) that turns recording back on inside `no_grad()`."""

    _settings = (True, None)


class inference_mode(_GradMode):
    """inference_mode(mode=True): context manager (and decorator) in which ops record no
    graph, as `no_grad()`; `is_inference_mode_enabled()` is True inside. With mode=False it
    turns inference mode off and recording on, as torch's does (even inside `no_grad()`)."""

    def __new__(cls, mode=True):
        if callable(mode) and not isinstance(mode, bool):  # @inference_mode without parentheses
            return cls()(mode)
        if not isinstance(mode, bool):
            raise TypeError(f"inference_mode: mode must be True or False, not {mode!r}")
        self = object.__new__(cls)
        self.mode = mode
        return self

    @property
    def _settings(self):
        return (False, True) if self.mode else (True, False)

    def _clone(self):
        return inference_mode(self.mode)


class set_grad_enabled:
    """set_grad_enabled(mode): turn graph recording on or off at once (a plain call), or for a
    `with` block, after which the previous mode comes back."""

    def __init__(self, mode):
        if not isinstance(mode, bool):
            raise TypeError(f"set_grad_enabled: mode must be True or False, not {mode!r}")
        self._previous = _state.grad_enabled
        _state.grad_enabled = mode

    def __enter__(self):
        return None  # the mode was set when the object was made, so that a plain call works too

    def __exit__(self, *exc):
        _state.grad_enabled = self._previous


def is_anomaly_enabled():
    """True inside `detect_anomaly()`."""
    return _state.detect_anomaly


class detect_anomaly:
    """Context manager in which a nan or inf raises at once, naming the op that made it.

    Forward: the first op whose output holds a nan/inf raises, with its input and
    output shapes. Backward: the first op whose backward returns a nan/inf
    gradient raises, naming that op and the input whose gradient went bad. Each
    check reads the whole array, so use it to find a problem, not to train.
    """

    def __enter__(self):
        self._previous = is_anomaly_enabled()
        _state.detect_anomaly = True

    def __exit__(self, *exc):
        _state.detect_anomaly = self._previous


def _finite(array):
    return array.dtype.kind != "f" or bool(np.isfinite(array).all())


def unbroadcast(grad, shape):
    """Sum `grad` down to `shape`: the backward of numpy broadcasting.

    Broadcasting copies an input along new leading axes and along axes of size 1,
    so each copy's gradient flows back to the same element and must be summed.
    """
    if grad.shape == shape or grad.shape == tuple(shape):
        return grad
    extra = grad.ndim - len(shape)
    axes = tuple(range(extra)) + tuple(
        i + extra for i, n in enumerate(shape) if n == 1 and grad.shape[i + extra] != 1
    )
    return grad.sum(axis=axes, keepdims=True).reshape(shape) if axes else grad.reshape(shape)


class Context:
    """What a node of the graph remembers between forward and backward."""

    saved_tensors = ()
    saved_versions = ()     # (input tensor, its version when saved): see save_for_backward
    output_backend = None   # set by an op whose output lives on another device (ToDevice)
    freed = False
    positions = None        # the position among apply's arguments of each parent (None: every argument is one)
    retains_grad = False    # set by Tensor.retain_grad: backward keeps this node's gradient in its .grad
    previous = None         # an in-place update's node: the tensor holding the value it overwrote

    def __init__(self, function, parents, backend):
        self.function = function
        self.parents = parents                 # the Tensor inputs, in order
        self.backend = backend
        self.needs_input_grad = tuple([p._requires_grad for p in parents])
        self.sequence = next(_op_counter)      # ops made later have larger numbers: see backward()

    @property
    def xp(self):
        """The array module of the backend (numpy on "cpu")."""
        return self.backend.xp

    def save_for_backward(self, *arrays):
        """Keep `arrays` for backward. Inputs among them are watched: if one is changed in
        place before the backward runs, the backward refuses (its gradient would be wrong)."""
        self.saved_tensors = arrays
        self.saved_versions = [(p, p._versions[0]) for p in self.parents for a in arrays if a is p.array]

    def check_saved_versions(self):
        for tensor, version in self.saved_versions:
            if tensor._versions[0] != version:
                raise RuntimeError(
                    f"backward: one of the variables needed for gradient computation has been modified by an "
                    f"inplace operation: {self.function.__name__} saved its input of shape {tensor.shape} "
                    f"(or is a view of it), and that tensor was modified in place afterwards (version {version} -> "
                    f"{tensor._versions[0]}), so its gradient would be wrong. Modify a copy instead "
                    "(x = x + y rather than x += y), or run backward() before the in-place update.")

    def by_position(self, *grads):
        """Gradients given one per positional argument of apply (None for one that was no
        Tensor: an absent optional input, a plain array), narrowed to the parents, in order:
        what backward() expects. An op with optional inputs returns this, so a gradient
        always lands on the input it belongs to, whichever inputs are there."""
        return grads if self.positions is None else tuple([grads[i] for i in self.positions])

    def needs_grad(self, position):
        """Whether the positional argument at `position` is a parent that requires grad."""
        positions = self.positions
        if positions is None:
            return position < len(self.needs_input_grad) and self.needs_input_grad[position]
        return position in positions and self.needs_input_grad[positions.index(position)]

    def free(self):
        """Forget the saved arrays and the inputs, so their memory can be reclaimed.

        The node stays in the graph, marked freed, so that a second backward
        through it can say what went wrong instead of computing garbage.
        """
        fields = self.__dict__
        self.__dict__ = {name: fields[name] for name in _KEPT_AFTER_FREE if name in fields}
        self.parents, self.freed = [], True


_KEPT_AFTER_FREE = ("function", "backend", "needs_input_grad", "output_backend", "sequence", "previous",
                    "retains_grad")
_op_counter = itertools.count(1)


class Function:
    """Base class of every differentiable op (see the module docstring)."""

    returns_view = False  # True for ops whose output may share its first input's memory
    array_args = ()       # positions of apply's arguments that may be plain arrays (never differentiated)

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError  # abstract

    @staticmethod
    def backward(ctx, grad):
        raise NotImplementedError  # abstract

    @classmethod
    def apply(cls, *args, **kwargs):
        """Run the op on `args` (tensors and plain values) and, when recording, link the output
        to its inputs. This is every op's path, so it does only what it must.

        A plain array may stand only at the positions in `array_args` (inputs that are never
        differentiated, such as a condition or class indices): anywhere else it is refused,
        because an input that is not a Tensor is not a parent, and a backward that returned
        one gradient per tensor slot would hand its gradients to the wrong parents."""
        tensors = [a for a in args if isinstance(a, _Tensor)]
        all_tensors = len(tensors) == len(args)
        if not all_tensors:  # plain values among the arguments: only where the op allows them
            _check_plain_arguments(cls, args, tensors)
        backend = tensors[0]._backend
        if len(tensors) > 1:
            for t in tensors:
                if t._backend is not backend:
                    check_same_device(tensors, cls.__name__)
        record = _state.grad_enabled and any([t._requires_grad for t in tensors])
        ctx = Context(cls, tensors if record else [], backend)
        if record and not all_tensors:
            ctx.positions = [i for i, a in enumerate(args) if isinstance(a, _Tensor)]
        arrays = [a.array if isinstance(a, _Tensor) else a for a in args]
        result = cls.forward(ctx, *arrays, **kwargs)
        if isinstance(result, np.generic):  # numpy ufuncs turn 0-d arrays into scalars; a tensor holds an array
            result = np.asarray(result)
        if _state.detect_anomaly and not _finite(result):
            shapes = ", ".join(str(t.shape) for t in tensors)
            raise RuntimeError(f"detect_anomaly: {cls.__name__} produced nan or inf in its output of shape "
                               f"{tuple(result.shape)} (inputs of shapes {shapes})")
        # An op's output lives on its inputs' device, unless the op moves it (ToDevice).
        out = _Tensor._wrap(result, ctx.output_backend or backend, record)
        if record:
            out._ctx = ctx
        if cls.returns_view and np.may_share_memory(result, arrays[0]):
            out._versions = args[0]._versions  # one memory, one count of in-place updates
            if record:  # the view's node reads its input's memory: a later in-place update makes it stale
                ctx.saved_versions = [*ctx.saved_versions, (args[0], args[0]._versions[0])]
        return out


def _check_plain_arguments(function, args, tensors):
    for i, a in enumerate(args):
        if not isinstance(a, _Tensor) and i not in function.array_args and _is_array(a):
            raise TypeError(f"{function.__name__}: argument {i} must be a Tensor, not {type(a).__name__} "
                            "(wrap arrays with Tensor(...))")
    if not tensors:
        raise TypeError(f"{function.__name__}: needs at least one Tensor argument")


def _is_array(value):
    """A numpy (or cupy) array or scalar, or a list: data that would have to be a Tensor to get a gradient."""
    return isinstance(value, (np.ndarray, np.generic, list)) or (hasattr(value, "__array_namespace__"))


def check_same_device(tensors, op):
    """Refuse tensors on different devices, as torch does (RuntimeError naming `op` and two devices)."""
    backend = tensors[0]._backend
    for t in tensors[1:]:
        if t._backend is not backend:
            raise RuntimeError(f"{op}: expected all tensors to be on the same device, but found at least "
                               f"two devices, {backend.name} and {t._backend.name}")


_Tensor = None  # _tensor.py sets it to its Tensor class (it imports this module, so cannot be imported here)


def _check_gradients(ctx, grad, input_grads):
    for i, (parent, pg) in enumerate(zip(ctx.parents, input_grads)):
        if pg is not None and not _finite(pg):
            incoming = "finite" if _finite(grad) else "already nan/inf"
            raise RuntimeError(
                f"detect_anomaly: the backward of {ctx.function.__name__} produced nan or inf in the gradient "
                f"of its input {i} (shape {parent.shape}); the gradient it received (shape "
                f"{tuple(grad.shape)}) was {incoming}")


def backward(root, grad, retain_graph=False, observer=None):
    """Accumulate d(root)/d(leaf) * grad into every leaf that requires grad.

    A node's gradient is complete once every op that used it has passed its share
    back. Those ops were all made after it (an op's inputs exist before it runs), so
    nodes are taken newest op first, from a heap keyed by the order in which their
    ops ran, and leaves last: each node is visited once, when its gradient is whole,
    and no separate sort of the graph is needed.
    `observer(node, grad, input_grads)`, if given, sees every op's backward step
    as it happens (`tinygrad_lite.viz.trace` narrates them).
    """
    grads = {id(root): grad}
    tiebreak = itertools.count()  # leaves share a key; the heap must never compare tensors
    pending = [(0, next(tiebreak), root)]  # the key does not matter for the only entry
    anomaly = is_anomaly_enabled()
    while pending:
        node = heapq.heappop(pending)[2]
        g = grads.pop(id(node))
        if _tensor_hooks and id(node) in _tensor_hooks:  # one dict test per node when no hook exists
            g = _run_tensor_hooks(node, g)
        ctx = node._ctx
        if ctx is None:  # a leaf: keep the gradient
            _accumulate_leaf_grad(node, g)
            continue
        if ctx.freed:
            raise RuntimeError(
                f"backward: trying to backward through the graph a second time (through "
                f"{ctx.function.__name__}); its saved values were freed after the first backward. "
                "Pass retain_graph=True to the first backward() if you need to call it twice."
            )
        if ctx.saved_versions:
            ctx.check_saved_versions()
        if ctx.retains_grad:
            _accumulate_leaf_grad(node, g.copy())  # a copy: g flows on, and may be updated in place
        input_grads = ctx.function.backward(ctx, g)
        if type(input_grads) is not tuple:
            input_grads = (input_grads,)
        if anomaly:
            _check_gradients(ctx, g, input_grads)
        if observer is not None:
            observer(node, g, input_grads)
        if len(input_grads) != len(ctx.parents):
            raise RuntimeError(f"{ctx.function.__name__}.backward returned {len(input_grads)} "
                               f"gradients for {len(ctx.parents)} inputs")
        for parent, pg in zip(ctx.parents, input_grads):
            if pg is None:
                continue
            if parent._ctx is not None and parent._ctx.sequence > ctx.sequence:
                parent = _as_seen_by(parent, ctx)
            if not parent._requires_grad:
                continue
            if pg.shape != parent.array.shape:
                raise RuntimeError(f"{ctx.function.__name__}.backward: gradient of shape {pg.shape} "
                                   f"for an input of shape {parent.shape}")
            if pg.dtype != parent.array.dtype:
                pg = pg.astype(parent.array.dtype)
            key = id(parent)
            total = grads.get(key)
            if total is None:
                grads[key] = pg
                heapq.heappush(pending, (-parent._ctx.sequence if parent._ctx is not None else 0, next(tiebreak),
                                         parent))  # newest op first, leaves last
            elif _sole_reference(total, 2):  # grads[key] and the local total
                total += pg
            else:
                grads[key] = total + pg
            del total
        input_grads = pg = None  # so that the arrays' reference counts show only the graph's own
        if not retain_graph:
            ctx.free()


_tensor_hooks = {}  # id(tensor) -> {handle id: hook}, for the tensors given a hook by register_hook


class RemovableHandle:
    """What register_hook returns: remove() takes the hook off again (a second remove() does nothing)."""

    _ids = itertools.count()

    def __init__(self, hooks_dict):
        self.hooks_dict_ref, self.id = hooks_dict, next(RemovableHandle._ids)

    def remove(self):
        self.hooks_dict_ref.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


def register_hook(tensor, hook):
    """Call hook(grad) each time backward computes the gradient of `tensor` (a leaf or not); a hook
    that returns a tensor replaces the gradient that flows on (and that a leaf accumulates). Hooks run
    in the order they were registered, each given the previous one's result. Returns a handle whose
    remove() takes the hook off. The hooks live as long as the tensor does."""
    if not callable(hook):
        raise TypeError(f"register_hook: hook must be callable, not {type(hook).__name__}")
    if not tensor._requires_grad:
        raise RuntimeError("register_hook: cannot register a hook on a tensor that doesn't require gradient")
    key = id(tensor)
    hooks = _tensor_hooks.get(key)
    if hooks is None:
        hooks = _tensor_hooks[key] = {}
        weakref.finalize(tensor, _tensor_hooks.pop, key, None)  # ids are reused once a tensor is gone
    handle = RemovableHandle(hooks)
    hooks[handle.id] = hook
    return handle


def _run_tensor_hooks(tensor, g):
    """g after the tensor's hooks: each gets the gradient as a Tensor and may return a replacement."""
    for hook in list(_tensor_hooks[id(tensor)].values()):
        result = hook(_Tensor._wrap(g, tensor._backend))
        if result is None:
            continue
        if not isinstance(result, _Tensor):
            raise TypeError(f"register_hook: a hook must return a Tensor or None, not {type(result).__name__}")
        if result.shape != tuple(g.shape):
            raise RuntimeError(f"register_hook: hook {getattr(hook, '__name__', hook)!r} has changed the size of "
                               f"value: the gradient is {tuple(g.shape)}, the hook returned {result.shape}")
        g = result.array if result.dtype == g.dtype else result.array.astype(g.dtype)
    return g


def _as_seen_by(tensor, ctx):
    """The tensor holding the value that `ctx`'s op read from `tensor`.

    An op runs after its inputs' nodes exist, so an input whose node is newer than the op was
    updated in place after the op read it (see _tensor_inplace.assign_in_place): each such update
    keeps the overwritten value, with its node, as `previous`; the op's gradient belongs to the
    newest of those values that is older than the op."""
    node = tensor._ctx
    while node is not None and node.sequence > ctx.sequence:
        if node.previous is None:
            raise RuntimeError(f"backward: an input of {ctx.function.__name__} (shape {tensor.shape}) was "
                               "replaced after the op read it, and its earlier value is lost")
        tensor = node.previous
        node = tensor._ctx
    return tensor


_leaf_grad_lock = threading.Lock()


def _accumulate_leaf_grad(leaf, g):
    """leaf.grad += g. Backward passes in several threads may share a leaf (one model, many
    batches); the read-modify-write of .grad is done under a lock so no contribution is lost.
    Only this step is locked: the rest of the walk touches nothing another thread can see."""
    with _leaf_grad_lock:
        if leaf._grad is not None:
            leaf._grad = _Tensor._wrap(_array(leaf._grad.array + g), leaf._backend)
        elif _sole_reference(g, 2):  # the caller's g and this parameter
            leaf._grad = _Tensor._wrap(g, leaf._backend)
        else:  # a copy: .grad must not share memory with another gradient or the caller's seed
            leaf._grad = _Tensor._wrap(_array(g.copy()), leaf._backend)


def _array(value):
    """A 0-d numpy array for a numpy scalar (arithmetic on 0-d arrays returns scalars, and a
    tensor's data is always an array); anything else as it is."""
    return np.array(value) if isinstance(value, np.generic) else value


def _sole_reference(array, holders):
    """True when `array` is referenced by the `holders` references the caller accounts for and
    nothing else, and is no view: nobody else can see it, so it may be updated in place or
    handed out as is, saving a copy. An array someone else holds (another input's gradient,
    a saved tensor, the caller's seed, the base of a view) always has more references, and
    gets copied."""
    if isinstance(array, np.generic):  # a numpy scalar (ops on 0-d arrays give them): immutable
        return False
    return getattr(array, "base", None) is None and sys.getrefcount(array) - _CALL_REFERENCES <= holders


def _count_call_references():
    """What a call like _sole_reference's adds to the count (its parameter, getrefcount's
    argument), measured on this interpreter rather than assumed: newer CPythons borrow some
    references on the stack."""
    def same_call(array, holders):
        return sys.getrefcount(array)

    probe = np.empty(0)  # held by this one local
    return same_call(probe, 1) - 1


_CALL_REFERENCES = _count_call_references()
