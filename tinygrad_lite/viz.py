"""See what backward does: the graph as DOT text or a picture, and a narrated backward pass.

    loss = ((x @ W.T + b).sigmoid() - t).sum()
    print(to_dot(loss, names={"x": x, "W": W, "b": b}))   # paste into any DOT viewer
    render(loss, "graph.svg")                              # needs Graphviz's `dot` program
    steps = trace(loss)                                    # runs backward, printing each step

The graph is the one the ops recorded: every op output keeps the `Function` that
made it and that function's inputs. A backward pass without `retain_graph=True`
frees those links as it goes (to release the saved arrays), so call `to_dot` and
`render` before `backward()`, or after `backward(retain_graph=True)`; on a freed
graph they raise a RuntimeError that says so. Gradient norms appear on the leaves
once a backward pass has filled their `.grad`.
"""
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from . import autograd
from ._tensor import Tensor

_INSTALL_HINT = ("install Graphviz (Debian/Ubuntu: apt install graphviz; macOS: brew install graphviz; "
                 "conda: conda install graphviz), or paste the text of to_dot(tensor) into any DOT viewer")
_FORMATS = ("svg", "png")


def norm(array):
    """The Euclidean (Frobenius) norm sqrt(sum x^2) of an array, computed in float64."""
    values = np.asarray(array)
    if values.dtype.kind not in "biuf":
        raise TypeError(f"norm: expects an array of real numbers, not {type(array).__name__} of {values.dtype}")
    return float(np.sqrt(np.sum(np.square(values.astype(np.float64)))))


def rule(function):
    """The local gradient rule of an op: the first line of its Function's docstring,
    e.g. "out = a * b;  da = g * b, db = g * a." for Mul."""
    if not (isinstance(function, type) and issubclass(function, autograd.Function)):
        raise TypeError(f"rule: expects an op (a Function subclass such as the Mul of ops.elementwise), "
                        f"not {type(function).__name__}")
    return (function.__doc__ or function.__name__).strip().splitlines()[0]


def _tensor(tensor, name, op):
    if not isinstance(tensor, Tensor):
        raise TypeError(f"{op}: {name} must be a Tensor, not {type(tensor).__name__}")
    return tensor


def _graph(root):
    """Every tensor reachable from `root` through the recorded inputs, inputs before their
    consumers, or a RuntimeError if a backward pass has already freed part of the graph."""
    order = _topological_order(root)
    for node in order:
        ctx = node._ctx
        if ctx is not None and ctx.freed:
            raise RuntimeError(
                f"cannot draw the graph: backward() freed it (at {ctx.function.__name__}); draw it before "
                "calling backward(), or call backward(retain_graph=True)")
    return order


def _topological_order(root):
    """Nodes reachable from `root`, constants included, each after all of its inputs
    (iterative DFS), inputs in the order the ops took them: the order to draw them in."""
    order, visited = [], set()
    stack = [(root, False)]
    while stack:
        node, inputs_done = stack.pop()
        if inputs_done:
            order.append(node)
            continue
        if id(node) in visited:
            continue
        visited.add(id(node))
        stack.append((node, True))
        if node._ctx is not None:
            stack.extend((p, False) for p in reversed(node._ctx.parents) if id(p) not in visited)
    return order


def _names_by_id(names, op):
    """{id(tensor): name} from a mapping name -> Tensor (None: no names)."""
    if names is None:
        return {}
    if not isinstance(names, Mapping):
        raise TypeError(f"{op}: names must be a dict of name -> Tensor, not {type(names).__name__}")
    for name, t in names.items():
        _tensor(t, f"names[{name!r}]", op)
    return {id(t): str(name) for name, t in names.items()}


def _quote(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _describe(tensor):
    return f"{tensor.shape} {tensor.dtype}"


def to_dot(tensor, names=None):
    """The backward graph of `tensor` as Graphviz DOT text.

    One box per op (its name, output shape and dtype; the root has a double border)
    and one ellipse per leaf tensor (its name from `names`, shape, dtype, its value if
    it has one element and, once a backward pass has computed it, the norm of its
    gradient; leaves that need no gradient are grey). An edge A -> B means "A's value
    is an input of B"; when an op has several inputs the edge is labelled with the
    input's position (0 = a, 1 = b).

    names: optional mapping name -> Tensor for the leaves (e.g. dict(model.named_parameters())).
    Call it before backward(), or after backward(retain_graph=True): a backward pass
    without retain_graph frees the graph's links (RuntimeError here).
    """
    labels = _names_by_id(names, "to_dot")
    nodes = _graph(_tensor(tensor, "tensor", "to_dot"))
    ids = {id(t): f"n{i}" for i, t in enumerate(nodes)}
    lines = ["digraph backward {", '  node [fontname="Helvetica", fontsize=10];',
             '  edge [fontname="Helvetica", fontsize=9];']
    for t in nodes:
        node_id = ids[id(t)]
        if t._ctx is None:
            text = _describe(t)
            if t.numel() == 1:
                text += f" = {t.numpy().reshape(()).item():.4g}"
            if id(t) in labels:
                text = f"{labels[id(t)]}\n{text}"
            if t.grad is not None:
                text += f"\n|grad| = {norm(t.grad.numpy()):.4g}"
            style = "" if t.requires_grad else ', style=filled, fillcolor="#dddddd"'
            lines.append(f"  {node_id} [shape=ellipse, label={_quote(text)}{style}];")
        else:
            border = ", peripheries=2" if t is tensor else ""
            text = f"{t._ctx.function.__name__}\n{_describe(t)}"
            lines.append(f"  {node_id} [shape=box, label={_quote(text)}{border}];")
    for t in nodes:
        if t._ctx is None:
            continue
        parents = t._ctx.parents
        for position, p in enumerate(parents):
            edge_label = f" [label={_quote(str(position))}]" if len(parents) > 1 else ""
            lines.append(f"  {ids[id(p)]} -> {ids[id(t)]}{edge_label};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def render(tensor, path, names=None):
    """Draw the backward graph of `tensor` into `path` (.svg or .png) with Graphviz's `dot`.

    Returns the path. Raises a RuntimeError saying how to install Graphviz when the
    `dot` program is not on PATH, and a ValueError for another file extension. The
    same rules as for `to_dot` apply: draw before backward() or with retain_graph=True.
    """
    try:
        path = os.fspath(path)
    except TypeError:
        raise TypeError(f"render: path must be a str or os.PathLike, not {type(path).__name__}") from None
    fmt = os.path.splitext(path)[1].lstrip(".").lower()
    if fmt not in _FORMATS:
        raise ValueError(f"render: {path!r} must end in .svg or .png")
    try:
        text = to_dot(tensor, names)
    except (TypeError, RuntimeError) as e:
        raise type(e)(f"render: {e}") from None
    dot = shutil.which("dot")
    if dot is None:
        raise RuntimeError(f"render: the Graphviz program `dot` is not on PATH; {_INSTALL_HINT}")
    done = subprocess.run([dot, f"-T{fmt}", "-o", path], input=text.encode(), capture_output=True)
    if done.returncode != 0:
        raise RuntimeError(f"render: dot failed (exit {done.returncode}): {done.stderr.decode().strip()}")
    return path


@dataclass
class Step:
    """One op's backward, as `trace` saw it.

    grad_norm is |dL/d(output)|, the gradient the op received; input_grad_norms holds
    |dL/d(input i)| for each input (None where no gradient was asked for). The input
    gradients are this op's contributions: a tensor used by several ops sums them.
    """
    op: str
    input_shapes: tuple
    output_shape: tuple
    rule: str
    grad_norm: float
    input_grad_norms: tuple

    def line(self, number, input_names=None):
        """The printed form: number, op, input shapes (named where known) -> output shape, rule, norms."""
        if isinstance(number, bool) or not isinstance(number, (int, np.integer)):
            raise TypeError(f"Step.line: number must be an int, not {type(number).__name__}")
        if input_names is not None and (isinstance(input_names, (str, Mapping)) or not hasattr(input_names, "__len__")
                                        or not all(n is None or isinstance(n, str) for n in input_names)):
            raise TypeError("Step.line: input_names must be a list of names (str or None), one per input")
        names = input_names or [None] * len(self.input_shapes)
        inputs = ", ".join(f"{name} {shape}" if name else str(shape)
                           for name, shape in zip(names, self.input_shapes))
        contributions = ", ".join("-" if n is None else f"{n:.4g}" for n in self.input_grad_norms)
        return (f"{number:>3}. {self.op}: {inputs} -> {self.output_shape}  |  {self.rule}  |  "
                f"|g| = {self.grad_norm:.4g} -> |d inputs| = [{contributions}]")


def trace(loss, grad=None, retain_graph=False, names=None, file=None):
    """Run loss's backward pass and print one line per op, in the order backward visits them.

    Each line shows the op, its inputs' shapes (with their names from `names`, a
    mapping name -> Tensor), its output shape, the local gradient rule it applies (the
    first line of its Function's docstring), the norm of the gradient it received and
    the norms of the gradients it passes to its inputs. Leaves' `.grad` are filled
    exactly as by loss.backward(grad, retain_graph). `grad` is dL/d(loss), needed only
    for a loss with more than one element. Prints to `file` (default: standard output)
    and returns the list of `Step`s.
    """
    _tensor(loss, "loss", "trace")
    if grad is not None and not isinstance(grad, Tensor) and np.asarray(grad).dtype.kind not in "biuf":
        raise TypeError(f"trace: grad must be a Tensor or an array of real numbers, not {type(grad).__name__}")
    if file is not None and not callable(getattr(file, "write", None)):
        raise TypeError(f"trace: file must be a writable text file (with a write method), not {type(file).__name__}")
    labels = _names_by_id(names, "trace")
    g = loss._seed_gradient(grad, "trace")
    out = sys.stdout if file is None else file
    steps = []

    def observe(node, node_grad, input_grads):
        ctx = node._ctx
        to_numpy = ctx.backend.to_numpy
        step = Step(op=ctx.function.__name__,
                    input_shapes=tuple(p.shape for p in ctx.parents),
                    output_shape=node.shape,
                    rule=rule(ctx.function),
                    grad_norm=norm(to_numpy(node_grad)),
                    input_grad_norms=tuple(None if ig is None or not p.requires_grad else norm(to_numpy(ig))
                                           for p, ig in zip(ctx.parents, input_grads)))
        steps.append(step)
        print(step.line(len(steps), [labels.get(id(p)) for p in ctx.parents]), file=out)

    autograd.backward(loss, g, retain_graph=retain_graph, observer=observe)
    return steps
