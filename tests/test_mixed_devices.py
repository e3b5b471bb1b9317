"""Tensors on two devices in one call raise, as torch does, everywhere.

Every public function that takes several tensors is called with all of them on "cpu"
but one on "interp" (which keeps numpy arrays too, so nothing but the check can stop
the mix). Each must raise RuntimeError("<function>: expected all tensors to be on the
same device, but found at least two devices, cpu and interp") and return nothing; the
same call with every tensor on one device works, so the error is the mix's alone.
"""
import numpy as np
import pytest

import tinygrad_lite as tg
import tinygrad_lite.nn as nn
import tinygrad_lite.nn.functional as F
from tinygrad_lite import Tensor
from tinygrad_lite.backend import available_devices

pytestmark = pytest.mark.skipif("interp" not in available_devices(),
                                reason="needs the 'interp' device (pip install triton torch)")

RNG = np.random.default_rng(0)


def _f(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


def _p(*shape):
    return RNG.uniform(0.1, 0.9, shape).astype(np.float32)


def _i(high, *shape):
    return RNG.integers(0, high, shape)


def _linear(x, w, b):
    return F.linear(x, w, b)


# name: (function named in the error, call, arrays). Each array becomes a Tensor; the table runs
# the call once per array with that one on "interp".
CASES = {
    "add": ("add", lambda a, b: a + b, [_f(2, 3), _f(2, 3)]),
    "radd (a python-level reflected call)": ("add", lambda a, b: b.__radd__(a), [_f(2, 3), _f(2, 3)]),
    "sub": ("sub", lambda a, b: a - b, [_f(2, 3), _f(3)]),
    "mul": ("mul", lambda a, b: a * b, [_f(2, 3), _f(2, 3)]),
    "div": ("div", lambda a, b: a / b, [_f(2, 3), _p(2, 3)]),
    "pow": ("pow", lambda a, b: a ** b, [_p(2, 3), _f(2, 3)]),
    "int add (promotion path)": ("add", lambda a, b: a + b, [_i(5, 2, 3), _f(2, 3)]),
    "maximum": ("maximum", lambda a, b: a.maximum(b), [_f(2, 3), _f(2, 3)]),
    "minimum": ("minimum", lambda a, b: a.minimum(b), [_f(2, 3), _f(2, 3)]),
    "lt": ("lt", lambda a, b: a < b, [_f(2, 3), _f(2, 3)]),
    "eq": ("eq", lambda a, b: a == b, [_f(2, 3), _f(2, 3)]),
    "matmul": ("matmul", lambda a, b: a @ b, [_f(2, 3), _f(3, 4)]),
    "matmul batched": ("matmul", lambda a, b: a.matmul(b), [_f(2, 2, 3), _f(3, 4)]),
    "matmul vector": ("matmul", lambda a, b: a @ b, [_f(3), _f(3, 4)]),
    "add_": ("add_", lambda a, b: a.add_(b), [_f(2, 3), _f(2, 3)]),
    "cat": ("cat", lambda a, b, c: tg.cat([a, b, c]), [_f(2, 3), _f(1, 3), _f(4, 3)]),
    "stack": ("stack", lambda a, b: tg.stack([a, b], dim=1), [_f(2, 3), _f(2, 3)]),
    "where": ("where", lambda c, a, b: tg.where(c, a, b), [_f(2, 3) > 0, _f(2, 3), _f(2, 3)]),
    "where with a number": ("where", lambda c, a: tg.where(c, a, 0.0), [_f(2, 3) > 0, _f(2, 3)]),
    "linear": ("linear", F.linear, [_f(2, 4), _f(3, 4), _f(3)]),
    "linear float64 weight (composed path)": ("linear", F.linear, [_f(2, 4), _f(3, 4).astype(np.float64)]),
    "layer_norm": ("layer_norm", lambda x, w, b: F.layer_norm(x, (4,), w, b), [_f(2, 4), _f(4), _f(4)]),
    "embedding": ("embedding", F.embedding, [_i(5, 2, 3), _f(5, 4)]),
    "mse_loss": ("mse_loss", F.mse_loss, [_f(2, 3), _f(2, 3)]),
    "cross_entropy classes": ("cross_entropy", F.cross_entropy, [_f(4, 3), _i(3, 4)]),
    "cross_entropy probabilities": ("cross_entropy", F.cross_entropy, [_f(4, 3), _p(4, 3)]),
    "binary_cross_entropy": ("binary_cross_entropy", F.binary_cross_entropy, [_p(2, 3), _p(2, 3)]),
    "binary_cross_entropy_with_logits": (
        "binary_cross_entropy_with_logits",
        lambda z, y, w: F.binary_cross_entropy_with_logits(z, y, pos_weight=w), [_f(2, 3), _p(2, 3), _p(3)]),
    "scaled_dot_product_attention": (
        "scaled_dot_product_attention", F.scaled_dot_product_attention, [_f(2, 3, 4), _f(2, 5, 4), _f(2, 5, 4)]),
    "scaled_dot_product_attention mask": (
        "scaled_dot_product_attention",
        lambda q, k, v, m: F.scaled_dot_product_attention(q, k, v, attn_mask=m),
        [_f(2, 3, 4), _f(2, 5, 4), _f(2, 5, 4), _f(3, 5) > -1]),
}
RUNS = [(name, i) for name, (_, _, arrays) in CASES.items() for i in range(len(arrays))]


def _tensors(arrays, on_interp=None):
    return [Tensor(a, device="interp" if i == on_interp else "cpu") for i, a in enumerate(arrays)]


@pytest.mark.parametrize("name, position", RUNS, ids=[f"{n}-{i}" for n, i in RUNS])
def test_one_tensor_on_another_device_raises_naming_the_function_and_both_devices(name, position):
    op, call, arrays = CASES[name]
    call(*_tensors(arrays))  # on one device the call works: the error below is the mix's
    mixed = _tensors(arrays, on_interp=position)
    first, other = ("interp", "cpu") if position == 0 else ("cpu", "interp")
    with pytest.raises(RuntimeError) as info:
        call(*mixed)
    message = str(info.value)
    assert message.startswith(f"{op}: expected all tensors to be on the same device"), message
    assert f"{first} and {other}" in message or f"{other} and {first}" in message, message


# Modules whose parameters sit on one device, called with an input on the other.
MODULES = {
    "Linear": ("linear", lambda: nn.Linear(4, 3), _f(2, 4)),
    "LayerNorm": ("layer_norm", lambda: nn.LayerNorm(4), _f(2, 4)),
    "Embedding": ("embedding", lambda: nn.Embedding(5, 4), _i(5, 2, 3)),
    "MultiHeadAttention": ("linear", lambda: nn.MultiHeadAttention(4, 2), _f(2, 3, 4)),
    "TransformerLM": ("TransformerLM", lambda: nn.TransformerLM(5, 4, 2, 1, 3), _i(5, 2, 3)),
}


@pytest.mark.parametrize("name", list(MODULES))
@pytest.mark.parametrize("model_device, input_device", [("cpu", "interp"), ("interp", "cpu")])
def test_a_module_on_one_device_refuses_an_input_on_another(name, model_device, input_device):
    op, factory, x = MODULES[name]
    model = factory().to(model_device)
    model(Tensor(x, device=model_device))
    with pytest.raises(RuntimeError, match=rf"^{op}: expected all tensors to be on the same device"):
        model(Tensor(x, device=input_device))


def test_a_mask_given_as_an_array_goes_to_the_inputs_device():
    """Array-likes are not on a device: data arguments given as arrays follow the inputs."""
    q, k, v = (Tensor(_f(2, 3, 4), device="interp") for _ in range(3))
    mask = np.tril(np.ones((3, 3), bool))
    out = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
    assert out.device == "interp"
    loss = F.cross_entropy(Tensor(_f(4, 3), device="interp"), _i(3, 4))
    assert loss.device == "interp"
