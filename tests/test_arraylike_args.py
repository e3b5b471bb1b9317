"""Array-likes (numpy arrays, lists, Python and numpy scalars) where a Tensor is expected.

Every nn.functional function, loss and nn module is called with each of its tensor
arguments replaced by an array-like, one at a time. Two outcomes are allowed:

  * an input a gradient may flow to (x, weight, bias, q, k, v, logits, ...): a
    TypeError naming the function and the argument, as torch raises;
  * a data argument (targets, class and embedding indices, masks, pos_weight): the
    array-like is converted, and value and gradients match torch called with tensors,
    every gradient on the tensor it belongs to.

Below the functions, Function.apply itself: a plain array in a tensor slot is refused,
and an op with optional inputs (a bias given without a weight) maps gradients by position.
"""
import numpy as np
import pytest

from helpers import assert_close, to_torch, tolerance, torch

import tinygrad_lite as tg
import tinygrad_lite.nn as nn
import tinygrad_lite.nn.functional as F
from tinygrad_lite import Tensor
from tinygrad_lite.ops.attention import Attention
from tinygrad_lite.ops.matmul import Linear as LinearOp
from tinygrad_lite.ops.norm import LayerNorm as LayerNormOp

TF = torch.nn.functional
RNG = np.random.default_rng(0)


def normal(*shape):
    return RNG.standard_normal(shape)


def probs(*shape):
    return RNG.uniform(0.05, 0.95, shape)


def simplex(*shape):
    w = RNG.uniform(0.1, 1.0, shape)
    return w / w.sum(-1, keepdims=True)


def ints(high, *shape):
    return RNG.integers(0, high, shape)


def _bool_mask(*shape):
    mask = RNG.random(shape) < 0.7
    mask[..., 0] = True  # every query may attend a key
    return mask


# name: (engine function, torch function, arrays, argument names, kinds). Kinds: "tensor" for an input
# that must be a Tensor, "data" for one that may be an array-like, "const" for data that neither engine
# differentiates (given as a Tensor, it does not require grad). Float arrays are float64.
FUNCTIONS = {
    "relu": (F.relu, TF.relu, [normal(3, 4)], ["input"], ["tensor"]),
    "sigmoid": (F.sigmoid, torch.sigmoid, [normal(3, 4)], ["input"], ["tensor"]),
    "tanh": (F.tanh, torch.tanh, [normal(3, 4)], ["input"], ["tensor"]),
    "gelu": (F.gelu, TF.gelu, [normal(3, 4)], ["input"], ["tensor"]),
    "leaky_relu": (lambda x: F.leaky_relu(x, 0.2), lambda x: TF.leaky_relu(x, 0.2), [normal(3, 4)],
                   ["input"], ["tensor"]),
    "softmax": (lambda x: F.softmax(x, dim=-1), lambda x: TF.softmax(x, dim=-1), [normal(3, 4)],
                ["input"], ["tensor"]),
    "log_softmax": (lambda x: F.log_softmax(x, dim=-1), lambda x: TF.log_softmax(x, dim=-1), [normal(3, 4)],
                    ["input"], ["tensor"]),
    "dropout": (lambda x: F.dropout(x, 0.5, training=False), lambda x: TF.dropout(x, 0.5, training=False),
                [normal(3, 4)], ["input"], ["tensor"]),
    "linear": (F.linear, TF.linear, [normal(2, 3, 4), normal(5, 4), normal(5)], ["input", "weight", "bias"],
               ["tensor"] * 3),
    "layer_norm": (lambda x, w, b: F.layer_norm(x, (4,), w, b), lambda x, w, b: TF.layer_norm(x, (4,), w, b),
                   [normal(3, 4), normal(4), normal(4)], ["input", "weight", "bias"], ["tensor"] * 3),
    "embedding": (F.embedding, TF.embedding, [ints(6, 2, 3), normal(6, 4)], ["indices", "weight"],
                  ["data", "tensor"]),
    "mse_loss": (F.mse_loss, TF.mse_loss, [normal(3, 4), normal(3, 4)], ["input", "target"], ["tensor", "data"]),
    "cross_entropy": (F.cross_entropy, TF.cross_entropy, [normal(5, 4), ints(4, 5)], ["input", "target"],
                      ["tensor", "data"]),
    "cross_entropy probabilities": (F.cross_entropy, TF.cross_entropy, [normal(5, 4), simplex(5, 4)],
                                    ["input", "target"], ["tensor", "data"]),
    "binary_cross_entropy": (F.binary_cross_entropy, TF.binary_cross_entropy, [probs(3, 4), probs(3, 4)],
                             ["input", "target"], ["tensor", "data"]),
    "binary_cross_entropy_with_logits": (
        lambda z, y, w: F.binary_cross_entropy_with_logits(z, y, pos_weight=w),
        lambda z, y, w: TF.binary_cross_entropy_with_logits(z, y, pos_weight=w),
        [normal(3, 4), probs(3, 4), probs(4) + 0.5], ["input", "target", "pos_weight"], ["tensor", "data", "const"]),
    "scaled_dot_product_attention": (
        lambda q, k, v, m: F.scaled_dot_product_attention(q, k, v, attn_mask=m),
        lambda q, k, v, m: TF.scaled_dot_product_attention(q, k, v, attn_mask=m),
        [normal(2, 3, 4), normal(2, 5, 4), normal(2, 5, 4), _bool_mask(3, 5)],
        ["query", "key", "value", "attn_mask"], ["tensor", "tensor", "tensor", "data"]),
    "scaled_dot_product_attention float mask": (
        lambda q, k, v, m: F.scaled_dot_product_attention(q, k, v, attn_mask=m),
        lambda q, k, v, m: TF.scaled_dot_product_attention(q, k, v, attn_mask=m),
        [normal(2, 3, 4), normal(2, 5, 4), normal(2, 5, 4), normal(3, 5)],
        ["query", "key", "value", "attn_mask"], ["tensor", "tensor", "tensor", "data"]),
}

# The array-likes an argument is replaced with.
FORMS = {
    "numpy": lambda a: a,
    "list": lambda a: a.tolist(),
}
SCALAR_FORMS = {
    "python float": lambda a: 0.5,
    "numpy scalar": lambda a: np.float64(0.5),
}

CASES = [(name, i, form) for name, (_, _, arrays, _, _) in FUNCTIONS.items() for i in range(len(arrays))
         for form in FORMS]


def _differentiable(array, kind):
    return array.dtype.kind == "f" and kind != "const"


def _engine_inputs(arrays, kinds, replaced, value):
    """Tensors for every array (floats require grad, but for "const"), except `replaced`, which is `value`."""
    return [value if i == replaced else Tensor(a, requires_grad=_differentiable(a, kind))
            for i, (a, kind) in enumerate(zip(arrays, kinds))]


@pytest.mark.parametrize("name, position, form", CASES, ids=[f"{n}-{p}-{f}" for n, p, f in CASES])
def test_an_array_like_argument_is_converted_or_refused_by_name(name, position, form):
    ours_fn, torch_fn, arrays, names, kinds = FUNCTIONS[name]
    value = FORMS[form](arrays[position])
    inputs = _engine_inputs(arrays, kinds, position, value)
    if kinds[position] == "tensor":
        with pytest.raises(TypeError) as info:
            ours_fn(*inputs)
        message = str(info.value)
        op = name.split(" ")[0]
        assert message.startswith(op) and f"'{names[position]}'" in message, message
        return
    out = ours_fn(*inputs)
    theirs_in = [to_torch(a, requires_grad=_differentiable(a, kind) and i != position)
                 for i, (a, kind) in enumerate(zip(arrays, kinds))]
    theirs = torch_fn(*theirs_in)
    rtol, atol = tolerance(np.float64, 20)
    assert out.dtype == np.float64
    assert_close(out.numpy(), theirs.detach().numpy(), rtol, atol, "forward")
    upstream = RNG.standard_normal(out.shape)
    out.backward(Tensor(upstream))
    theirs.backward(to_torch(upstream))
    for i, (t_ours, t_theirs) in enumerate(zip(inputs, theirs_in)):
        if i == position or not isinstance(t_ours, Tensor) or not t_ours.requires_grad:
            continue
        assert t_ours.grad is not None, f"{names[i]}: no gradient"
        assert_close(t_ours.grad.numpy(), t_theirs.grad.numpy(), rtol, atol, f"gradient of {names[i]}")


SCALAR_CASES = [(name, i, form) for name, (_, _, arrays, _, kinds) in FUNCTIONS.items()
                for i in range(len(arrays)) if kinds[i] == "tensor" for form in SCALAR_FORMS]


@pytest.mark.parametrize("name, position, form", SCALAR_CASES, ids=[f"{n}-{p}-{f}" for n, p, f in SCALAR_CASES])
def test_a_number_where_a_tensor_input_goes_is_a_type_error_naming_the_function(name, position, form):
    ours_fn, _, arrays, names, kinds = FUNCTIONS[name]
    inputs = _engine_inputs(arrays, kinds, position, SCALAR_FORMS[form](arrays[position]))
    with pytest.raises(TypeError, match=rf"^{name.split(' ')[0]}: argument '{names[position]}'"):
        ours_fn(*inputs)


def test_the_reported_case_q_as_numpy_is_refused_instead_of_shifting_gradients():
    q, k, v = normal(2, 3, 4), normal(2, 3, 4), normal(2, 3, 4)
    k_t, v_t = Tensor(k, requires_grad=True), Tensor(v, requires_grad=True)
    with pytest.raises(TypeError, match="scaled_dot_product_attention: argument 'query'"):
        F.scaled_dot_product_attention(q, k_t, v_t)
    assert k_t.grad is None and v_t.grad is None


# ---- nn modules -------------------------------------------------------------------------

def _x(*shape):
    return normal(*shape).astype(np.float32)


# name: (module factory, tensor input (refused as an array-like), expected function named in the message)
MODULE_INPUTS = {
    "Linear": (lambda: nn.Linear(4, 3), _x(2, 4), "linear"),
    "LayerNorm": (lambda: nn.LayerNorm(4), _x(2, 4), "layer_norm"),
    "Dropout": (lambda: nn.Dropout(0.5), _x(2, 4), "dropout"),
    "ReLU": (nn.ReLU, _x(2, 4), "relu"),
    "Sigmoid": (nn.Sigmoid, _x(2, 4), "sigmoid"),
    "Tanh": (nn.Tanh, _x(2, 4), "tanh"),
    "GELU": (nn.GELU, _x(2, 4), "gelu"),
    "Sequential": (lambda: nn.Sequential(nn.Linear(4, 3), nn.ReLU()), _x(2, 4), "linear"),
    "MultiHeadAttention": (lambda: nn.MultiHeadAttention(4, 2), _x(2, 3, 4), "MultiHeadAttention"),
    "TransformerBlock": (lambda: nn.TransformerBlock(4, 2), _x(2, 3, 4), "TransformerBlock"),
}
MODULE_CASES = [(name, form) for name in MODULE_INPUTS for form in ("numpy", "list", "python float")]


@pytest.mark.parametrize("name, form", MODULE_CASES, ids=[f"{n}-{f}" for n, f in MODULE_CASES])
def test_a_module_refuses_an_array_like_input_naming_the_function(name, form):
    factory, x, op = MODULE_INPUTS[name]
    value = {"numpy": x, "list": x.tolist(), "python float": 0.5}[form]
    with pytest.raises(TypeError, match=rf"^{op}: argument"):
        factory()(value)


def _same_as_tensor_call(module, call_with):
    """module(array-like) must equal module(Tensor(array-like)), gradients of the parameters included."""
    results = []
    for wrap in (lambda a: a, Tensor):
        module.zero_grad()
        out = call_with(module, wrap)
        out.sum().backward()
        results.append((out.numpy(), {n: p.grad.numpy() for n, p in module.named_parameters()}))
    (out_a, grads_a), (out_t, grads_t) = results
    np.testing.assert_array_equal(out_a, out_t)
    assert grads_a.keys() == grads_t.keys()
    for n in grads_a:
        np.testing.assert_array_equal(grads_a[n], grads_t[n], err_msg=n)


# Data arguments of modules: indices and masks, which an array-like may give.
@pytest.mark.parametrize("form", ["numpy", "list"])
def test_module_data_arguments_accept_array_likes_as_tensors(form):
    tg.manual_seed(0)
    convert = (lambda a: a) if form == "numpy" else (lambda a: a.tolist())
    idx = ints(7, 2, 3)
    _same_as_tensor_call(nn.Embedding(7, 4), lambda m, wrap: m(wrap(convert(idx))))
    _same_as_tensor_call(nn.TransformerLM(7, 4, 2, 1, 5), lambda m, wrap: m(wrap(convert(idx))))
    x = Tensor(_x(2, 3, 4))
    mask = _bool_mask(3, 3)
    _same_as_tensor_call(nn.MultiHeadAttention(4, 2), lambda m, wrap: m(x, attn_mask=wrap(convert(mask))))


def test_module_embedding_matches_torch_with_numpy_indices():
    tg.manual_seed(0)
    ours = nn.Embedding(7, 4, dtype=tg.float64)
    theirs = torch.nn.Embedding(7, 4, dtype=torch.float64)
    with torch.no_grad():
        theirs.weight.copy_(to_torch(ours.weight.numpy()))
    idx = ints(7, 2, 3)
    out = ours(idx)
    out_t = theirs(torch.from_numpy(idx))
    np.testing.assert_allclose(out.numpy(), out_t.detach().numpy())
    out.sum().backward()
    out_t.sum().backward()
    np.testing.assert_allclose(ours.weight.grad.numpy(), theirs.weight.grad.numpy())


# ---- Function.apply: gradients land by position -------------------------------------------

def test_apply_refuses_a_plain_array_in_a_tensor_slot():
    q, k, v = (Tensor(normal(2, 3, 4), requires_grad=True) for _ in range(3))
    with pytest.raises(TypeError, match="Attention: argument 0 must be a Tensor"):
        Attention.apply(q.numpy(), k, v, None, scale=0.5, causal=False)
    with pytest.raises(TypeError, match="Linear: argument 1 must be a Tensor"):
        LinearOp.apply(q, [[1.0] * 4] * 5)
    with pytest.raises(TypeError, match="needs at least one Tensor"):
        LayerNormOp.apply(None, None, None, norm_size=4, eps=1e-5)


def test_layer_norm_with_a_bias_but_no_weight_puts_each_gradient_on_its_input():
    x, b = normal(3, 4), normal(4)
    x_t, b_t = Tensor(x, requires_grad=True), Tensor(b, requires_grad=True)
    out = F.layer_norm(x_t, (4,), None, b_t)
    xt, bt = to_torch(x, True), to_torch(b, True)
    ref = TF.layer_norm(xt, (4,), None, bt)
    upstream = normal(3, 4)
    out.backward(Tensor(upstream))
    ref.backward(to_torch(upstream))
    np.testing.assert_allclose(x_t.grad.numpy(), xt.grad.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(b_t.grad.numpy(), bt.grad.numpy(), rtol=1e-10, atol=1e-12)
    # The op itself, given (x, None, b): parents x and b, gradients by argument position.
    x2, b2 = Tensor(x, requires_grad=True), Tensor(b, requires_grad=True)
    LayerNormOp.apply(x2, None, b2, norm_size=4, eps=1e-5).backward(Tensor(upstream))
    np.testing.assert_allclose(b2.grad.numpy(), bt.grad.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(x2.grad.numpy(), xt.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_attention_with_a_plain_array_mask_gives_q_k_v_their_own_gradients():
    q, k, v, bias = normal(2, 3, 4), normal(2, 5, 4), normal(2, 5, 6), normal(3, 5)
    ours = [Tensor(a, requires_grad=True) for a in (q, k, v)]
    out = Attention.apply(*ours, bias, scale=0.5, causal=False)
    theirs = [to_torch(a, True) for a in (q, k, v)]
    ref = TF.scaled_dot_product_attention(*theirs, attn_mask=to_torch(bias), scale=0.5)
    upstream = normal(2, 3, 6)
    out.backward(Tensor(upstream))
    ref.backward(to_torch(upstream))
    for name, a, b in zip("qkv", ours, theirs):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-10, atol=1e-12, err_msg=name)


def test_pos_weight_that_requires_grad_is_refused_as_torch_does():
    z, y = Tensor(normal(2, 3), requires_grad=True), Tensor(probs(2, 3))
    w = Tensor(probs(3), requires_grad=True)
    with pytest.raises(RuntimeError):
        TF.binary_cross_entropy_with_logits(to_torch(z.numpy()), to_torch(y.numpy()),
                                            pos_weight=to_torch(w.numpy(), True)).backward()
    with pytest.raises(RuntimeError, match="binary_cross_entropy_with_logits: .*pos_weight"):
        F.binary_cross_entropy_with_logits(z, y, pos_weight=w)
