"""tinygrad_lite.viz: the DOT text of a known graph, rendering (and its error without Graphviz),
and the narrated backward pass, whose norms are checked against numpy's own computation."""
import io
import re
import shutil

import numpy as np
import pytest

import tinygrad_lite as tg
from tinygrad_lite import viz
from tinygrad_lite.ops import elementwise, matmul, reduce

A = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], np.float32)
B = np.array([[0.5, -1.0, 2.0], [0.0, 1.5, -2.5]], np.float32)
C = np.array([0.25, -0.75, 1.0], np.float32)


def known_graph():
    """loss = (a * b + c).sum() with c broadcast over the rows of a * b."""
    a, b, c = (tg.Tensor(v, requires_grad=True) for v in (A, B, C))
    return (a * b + c).sum(), {"a": a, "b": b, "c": c}


def parse_dot(text):
    """{node id: label} and [(source, target, edge label or None)] from to_dot's output."""
    nodes = dict(re.findall(r'^\s*(n\d+) \[.*?label="((?:[^"\\]|\\.)*)"', text, re.M))
    edges = [(src, dst, label or None)
             for src, dst, label in re.findall(r'^\s*(n\d+) -> (n\d+)(?: \[label="(\d+)"\])?;', text, re.M)]
    return {k: v.replace("\\n", "\n") for k, v in nodes.items()}, edges


def node_named(nodes, first_line):
    (node_id,) = [k for k, label in nodes.items() if label.split("\n")[0] == first_line]
    return node_id


# ---- to_dot -------------------------------------------------------------------------------

def test_to_dot_has_one_node_per_op_and_leaf_and_the_edges_of_the_graph():
    loss, names = known_graph()
    text = viz.to_dot(loss, names=names)
    assert text.startswith("digraph") and text.rstrip().endswith("}")
    nodes, edges = parse_dot(text)
    assert sorted(label.split("\n")[0] for label in nodes.values()) == ["Add", "Mul", "Sum", "a", "b", "c"]
    a, b, c = (node_named(nodes, n) for n in "abc")
    mul, add, total = (node_named(nodes, n) for n in ("Mul", "Add", "Sum"))
    assert sorted(edges) == sorted([(a, mul, "0"), (b, mul, "1"), (mul, add, "0"), (c, add, "1"),
                                    (add, total, None)])
    assert nodes[a] == "a\n(2, 3) float32" and nodes[c] == "c\n(3,) float32"
    assert nodes[mul] == "Mul\n(2, 3) float32" and nodes[total] == "Sum\n() float32"
    assert re.search(rf"^\s*{total} \[.*peripheries=2", text, re.M), "the root is marked"


def test_to_dot_shows_gradient_norms_after_a_retained_backward():
    loss, names = known_graph()
    loss.backward(retain_graph=True)
    nodes, _ = parse_dot(viz.to_dot(loss, names=names))
    # d loss/da = b, d loss/db = a, d loss/dc = the number of rows, per element
    expected = {"a": np.linalg.norm(B), "b": np.linalg.norm(A), "c": np.linalg.norm(np.full(3, 2.0))}
    for name, value in expected.items():
        shown = float(re.search(r"\|grad\| = (\S+)", nodes[node_named(nodes, name)]).group(1))
        assert shown == pytest.approx(value, rel=1e-3), name


def test_to_dot_after_a_plain_backward_says_to_retain_the_graph():
    loss, _ = known_graph()
    loss.backward()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        viz.to_dot(loss)


def test_to_dot_draws_a_reused_input_twice_and_greys_constants():
    x = tg.Tensor([1.0, 2.0], requires_grad=True)
    k = tg.Tensor([3.0, 4.0])
    nodes, edges = parse_dot(viz.to_dot((x * x + k).sum(), names={"x": x, "k": k}))
    x_id, mul = node_named(nodes, "x"), node_named(nodes, "Mul")
    assert sorted(e for e in edges if e[1] == mul) == [(x_id, mul, "0"), (x_id, mul, "1")]
    text = viz.to_dot((x * x + k).sum(), names={"x": x, "k": k})
    assert re.search(r'label="k\\n\(2,\) float32", style=filled', text)


def test_to_dot_of_a_one_element_leaf_is_one_node_with_its_value():
    x = tg.Tensor([1.5], requires_grad=True)
    nodes, edges = parse_dot(viz.to_dot(x, names={"x": x}))
    assert list(nodes.values()) == ["x\n(1,) float32 = 1.5"] and edges == []


def test_to_dot_quotes_names():
    x = tg.Tensor([1.0], requires_grad=True)
    text = viz.to_dot(x.sum(), names={'say "hi"\\': x})
    assert 'label="say \\"hi\\"\\\\\\n(1,) float32 = 1"' in text


# ---- render ---------------------------------------------------------------------------------

def test_render_without_graphviz_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # a folder with no `dot` in it
    loss, _ = known_graph()
    with pytest.raises(RuntimeError, match=r"apt install graphviz.*brew install graphviz"):
        viz.render(loss, tmp_path / "graph.svg")
    assert not (tmp_path / "graph.svg").exists()


def test_render_rejects_other_formats(tmp_path):
    loss, _ = known_graph()
    with pytest.raises(ValueError, match=r"\.svg or \.png"):
        viz.render(loss, tmp_path / "graph.pdf")


@pytest.mark.skipif(shutil.which("dot") is None,
                    reason="Graphviz's `dot` is not installed (apt install graphviz / brew install graphviz)")
@pytest.mark.parametrize("suffix, magic", [(".svg", b"<svg"), (".png", b"\x89PNG\r\n\x1a\n")])
def test_render_writes_the_picture(tmp_path, suffix, magic):
    loss, names = known_graph()
    path = viz.render(loss, tmp_path / f"graph{suffix}", names=names)
    content = open(path, "rb").read()
    assert magic in content[:400]
    if suffix == ".svg":  # the labels made it into the picture
        for label in (b"Mul", b"Sum", b"(2, 3) float32"):
            assert label in content


# ---- trace ----------------------------------------------------------------------------------

def test_trace_narrates_each_backward_step_with_numpy_checked_norms():
    loss, names = known_graph()
    printed = io.StringIO()
    steps = viz.trace(loss, names=names, file=printed)
    ones = np.ones((2, 3))
    g = np.linalg.norm(ones)  # after the sum, every element's gradient is 1
    # backward visits Sum, then Add, then Mul: (op, input shapes, output shape, |g|, |d inputs|)
    expected = [
        ("Sum", ((2, 3),), (), 1.0, (g,)),
        ("Add", ((2, 3), (3,)), (2, 3), g, (g, np.linalg.norm(ones.sum(axis=0)))),  # c is summed over rows
        ("Mul", ((2, 3), (2, 3)), (2, 3), g, (np.linalg.norm(B), np.linalg.norm(A))),
    ]
    assert [s.op for s in steps] == [e[0] for e in expected]
    for step, (op, input_shapes, output_shape, g_norm, input_norms) in zip(steps, expected):
        assert step.input_shapes == input_shapes and step.output_shape == output_shape, op
        assert step.grad_norm == pytest.approx(g_norm, rel=1e-6), op
        assert step.input_grad_norms == pytest.approx(input_norms, rel=1e-6), op
    assert steps[2].rule == "out = a * b;  da = g * b, db = g * a."
    assert steps[0].rule == reduce.Sum.__doc__.splitlines()[0]

    lines = printed.getvalue().splitlines()
    assert len(lines) == 3
    for number, (line, step) in enumerate(zip(lines, steps), start=1):
        assert line.lstrip().startswith(f"{number}. {step.op}:") and step.rule in line
    assert "a (2, 3), b (2, 3) -> (2, 3)" in lines[2]
    assert f"|g| = {g:.4g}" in lines[1]


def test_trace_fills_the_same_gradients_as_backward():
    loss, names = known_graph()
    viz.trace(loss, file=io.StringIO())
    np.testing.assert_allclose(names["a"].grad.numpy(), B)
    np.testing.assert_allclose(names["b"].grad.numpy(), A)
    np.testing.assert_allclose(names["c"].grad.numpy(), np.full(3, 2.0))


def test_trace_of_a_sigmoid_layer_matches_the_hand_derivation():
    """E = 0.5 sum (t - sigmoid(W x + b))^2: the gradient reaching the sigmoid's input is
    (y - t) y (1 - y), and MatMul passes it on to W as its outer product with x."""
    x64, w64 = np.array([1.0, 2.0]), np.array([[0.1, 0.2], [0.3, 0.4]])
    b64, t64 = np.array([0.5, 0.6]), np.array([0.9, 0.8])
    x, t = tg.Tensor(x64, dtype=tg.float64), tg.Tensor(t64, dtype=tg.float64)
    W = tg.Tensor(w64, requires_grad=True, dtype=tg.float64)
    b = tg.Tensor(b64, requires_grad=True, dtype=tg.float64)
    E = 0.5 * ((t - (W @ x + b).sigmoid()) ** 2).sum()
    steps = viz.trace(E, names={"W": W, "b": b}, file=io.StringIO())
    y = 1 / (1 + np.exp(-(w64 @ x64 + b64)))
    delta = (y - t64) * y * (1 - y)
    by_op = {s.op: s for s in steps}
    assert by_op["Sigmoid"].grad_norm == pytest.approx(np.linalg.norm(y - t64), rel=1e-12)
    assert by_op["Sigmoid"].input_grad_norms[0] == pytest.approx(np.linalg.norm(delta), rel=1e-12)
    dW = np.outer(delta, x64)
    assert by_op["MatMul"].input_grad_norms[0] == pytest.approx(np.linalg.norm(dW), rel=1e-12)
    assert by_op["MatMul"].input_grad_norms[1] is None  # x needs no gradient
    assert by_op["MatMul"].rule == matmul.MatMul.__doc__.strip().splitlines()[0]
    assert by_op["Sigmoid"].rule == elementwise.Sigmoid.__doc__.splitlines()[0]


def test_trace_with_retain_graph_leaves_the_graph_drawable():
    loss, _ = known_graph()
    viz.trace(loss, retain_graph=True, file=io.StringIO())
    assert "Mul" in viz.to_dot(loss)


def test_trace_of_a_non_scalar_needs_grad():
    a = tg.Tensor(A, requires_grad=True)
    with pytest.raises(RuntimeError, match="grad="):
        viz.trace(a * 2, file=io.StringIO())
    steps = viz.trace(a * 2, grad=np.full((2, 3), 0.5, np.float32), file=io.StringIO())
    assert steps[0].grad_norm == pytest.approx(np.linalg.norm(np.full((2, 3), 0.5)))
    np.testing.assert_allclose(a.grad.numpy(), np.full((2, 3), 1.0))
    with pytest.raises(ValueError, match=r"\(3,\)"):
        viz.trace(a * 2, grad=np.ones(3, np.float32), file=io.StringIO())


def test_trace_of_a_tensor_without_grad_says_so():
    with pytest.raises(RuntimeError, match="does not require grad"):
        viz.trace(tg.Tensor([1.0]).sum(), file=io.StringIO())
