"""Every public function rejects bad input with the designed exception and a message naming it.

One line per case: (id, a call with one bad argument, the exception type, what the message
must contain). The design fixes the types: ValueError for shapes and values out of range,
TypeError for dtypes and wrong kinds of argument, IndexError for indices and for dims out of
range (torch's "Dimension out of range"), RuntimeError for graph misuse, FileNotFoundError for missing files. Messages name the function or op, and
the shapes as Python tuples where shapes are the problem, so a raw numpy or Python error
(which names neither) fails here.

Already covered elsewhere, so not repeated: broadcasting in add/sub/mul/div, matmul's inner
dimensions, reshape, expand, cat and stack shapes, out-of-range indices, bad axes for
transpose/permute/squeeze/unsqueeze/sum/softmax/log_softmax, integer tensors requiring grad
and the mean of an integer tensor (tests/test_errors.py); backward twice without
retain_graph and backward of a non-scalar (tests/test_autograd.py); a wrong gradient in
gradcheck (tests/test_gradcheck.py); corrupt and truncated files in tg.load
(tests/test_serialization.py).
"""
import re

import numpy as np
import pytest

import tinygrad_lite as tg
import tinygrad_lite.nn as nn
import tinygrad_lite.nn.functional as F
import tinygrad_lite.optim as optim
from tinygrad_lite import Tensor


def f32(*shape):
    return Tensor(np.ones(shape, np.float32))


def f64(*shape, requires_grad=False):
    return Tensor(np.ones(shape), requires_grad=requires_grad)


def i64(*shape):
    return Tensor(np.zeros(shape, np.int64))


def param(*shape):
    return Tensor(np.ones(shape, np.float32), requires_grad=True)


def non_leaf():
    return param(2) * 2


def backward_twice():
    y = (param(2) * 2).sum()
    y.backward()
    y.backward()


def no_grad_backward():
    f32(2).sum().backward()


TENSOR_CASES = [
    ("Tensor from text", lambda: Tensor("abc"), TypeError, ["<U3"]),
    ("Tensor ragged list", lambda: Tensor([[1.0], [1.0, 2.0]]), ValueError, ["Tensor"]),
    ("Tensor complex", lambda: Tensor(np.array([1 + 2j])), TypeError, ["complex128"]),
    ("Tensor unknown device", lambda: Tensor([1.0], device="tpu"), ValueError, ["'tpu'"]),
    ("Tensor bad dtype", lambda: Tensor([1.0], dtype="not a dtype"), TypeError, ["dtype"]),
    ("item", lambda: f32(2, 3).item(), ValueError, ["item", "(2, 3)"]),
    ("len of 0-d", lambda: len(f32()), TypeError, ["0-d"]),
    ("bool of many", lambda: bool(f32(2, 3)), ValueError, ["(2, 3)"]),
    ("to unknown device", lambda: f32(2).to("tpu"), ValueError, ["'tpu'"]),
    ("astype complex", lambda: f32(2).astype(np.complex64), TypeError, ["complex64"]),
    ("requires_grad_ on int", lambda: i64(2).requires_grad_(), TypeError, ["int64"]),
    ("zeros negative", lambda: Tensor.zeros(-1, 2), ValueError, ["zeros", "(-1, 2)"]),
    ("ones negative", lambda: tg.ones(2, -3), ValueError, ["ones", "(2, -3)"]),
    ("full negative", lambda: tg.full((-2,), 1.0), ValueError, ["full", "(-2,)"]),
    ("randn negative", lambda: tg.randn(-2), ValueError, ["randn", "(-2,)"]),
    ("rand negative", lambda: tg.rand(3, -1), ValueError, ["rand", "(3, -1)"]),
    ("zeros non-int size", lambda: tg.zeros(2, "a"), TypeError, ["zeros"]),
    ("arange zero step", lambda: tg.arange(0, 5, 0), ValueError, ["arange", "step"]),
    ("eye negative", lambda: tg.eye(-1), ValueError, ["eye", "-1"]),
    ("zeros_like of a list", lambda: tg.zeros_like([1.0, 2.0]), TypeError, ["zeros_like"]),
    ("ones_like of a list", lambda: tg.ones_like([1.0, 2.0]), TypeError, ["ones_like"]),
    ("manual_seed negative", lambda: tg.manual_seed(-1), ValueError, ["manual_seed", "-1"]),
    ("manual_seed text", lambda: tg.manual_seed("x"), TypeError, ["manual_seed", "'x'"]),
]

MATH_CASES = [
    # exp, log, sqrt, sigmoid and tanh take integers as float32, relu keeps them: as torch
    ("relu of bool", lambda: (i64(2) > 0).relu(), TypeError, ["relu", "bool"]),
    ("neg of bool", lambda: -(i64(2) > 0), TypeError, ["neg", "bool"]),
    ("gelu of int", lambda: i64(2).gelu(), TypeError, ["gelu", "int64"]),
    ("gelu approximate", lambda: f32(2).gelu(approximate="erf"), ValueError, ["gelu", "'erf'"]),
    ("leaky_relu of int", lambda: i64(2).leaky_relu(), TypeError, ["leaky_relu", "int64"]),
    ("softmax of int", lambda: i64(2).softmax(), TypeError, ["softmax", "int64"]),
    ("log_softmax of int", lambda: i64(2).log_softmax(), TypeError, ["log_softmax", "int64"]),
    ("clip without bounds", lambda: f32(2).clip(), ValueError, ["clip"]),
    ("clip with a tensor bound that does not broadcast", lambda: f32(2, 3).clip(f32(4)), ValueError, ["clip"]),
    ("clip with a number and a tensor bound", lambda: f32(2, 3).clip(0.0, f32(3)), TypeError, ["clip"]),
    ("leaky_relu slope text", lambda: f32(2).leaky_relu("a"), TypeError, ["leaky_relu", "'a'"]),
    ("maximum shapes", lambda: f32(2, 3).maximum(f32(4)), ValueError, ["maximum", "(2, 3)", "(4,)"]),
    ("minimum shapes", lambda: f32(2, 3).minimum(f32(4)), ValueError, ["(2, 3)", "(4,)"]),
    ("pow shapes", lambda: f32(2, 3) ** f32(2), ValueError, ["pow", "(2, 3)", "(2,)"]),
    ("radd of an array", lambda: np.ones((4,)) + f32(2, 3), ValueError, ["add", "(4,)", "(2, 3)"]),
    ("eq shapes", lambda: f32(2, 3) == f32(4), ValueError, ["eq", "(2, 3)", "(4,)"]),
    ("lt shapes", lambda: f32(2, 3) < f32(4), ValueError, ["lt", "(2, 3)", "(4,)"]),
    ("where condition dtype", lambda: tg.where(f32(2), f32(2), f32(2)), TypeError, ["where", "float32"]),
    ("where shapes", lambda: tg.where(f32(2) > 0, f32(3), f32(2)), ValueError, ["where", "(2,)", "(3,)"]),
    ("matmul 0-d", lambda: f32() @ f32(2), ValueError, ["matmul", "()", "(2,)"]),
    ("matmul batch", lambda: f32(2, 3, 4) @ f32(3, 4, 5), ValueError, ["matmul", "(2, 3, 4)", "(3, 4, 5)"]),
    ("rmatmul of an array", lambda: np.ones((2, 3)) @ f32(4, 5), ValueError, ["matmul", "(2, 3)", "(4, 5)"]),
]

MOVEMENT_CASES = [
    ("transpose of 0-d", lambda: f32().transpose(0, 1), IndexError, ["transpose", "()"]),
    ("squeeze repeated axis", lambda: f32(1, 2).squeeze((0, 0)), ValueError, ["squeeze"]),
    ("reshape text", lambda: f32(2).reshape("a"), TypeError, ["reshape", "'a'"]),
    ("permute of 0-d", lambda: f32().permute(0), ValueError, ["permute", "()"]),
    ("index float", lambda: f32(3)[1.5], IndexError, ["index", "1.5"]),
    ("index float array", lambda: f32(3)[np.array([0.0])], IndexError, ["index", "float64"]),
    ("index text", lambda: f32(3)["a"], IndexError, ["index", "'a'"]),
    ("index of 0-d", lambda: f32()[0], IndexError, ["index", "()"]),
    ("cat of nothing", lambda: tg.cat([]), TypeError, ["cat"]),
    ("cat with a number", lambda: tg.cat([f32(2), 1.0]), TypeError, ["cat"]),
    ("cat of 0-d tensors", lambda: tg.cat([f32(), f32()]), ValueError, ["cat", "()"]),
    ("cat axis", lambda: tg.cat([f32(2), f32(2)], axis=1), IndexError, ["cat", "(2,)"]),
    ("stack of nothing", lambda: tg.stack([]), TypeError, ["stack"]),
    ("stack axis", lambda: tg.stack([f32(2), f32(2)], axis=3), IndexError, ["stack", "(2,)"]),
]

REDUCE_CASES = [
    ("sum repeated axis", lambda: f32(2, 3).sum(axis=(0, 0)), ValueError, ["sum"]),
    ("sum float axis", lambda: f32(2, 3).sum(axis=0.5), TypeError, ["sum", "0.5"]),
    ("mean axis", lambda: f32(2, 3).mean(axis=2), IndexError, ["mean", "(2, 3)"]),
    ("max axis", lambda: f32(2, 3).max(axis=-3), IndexError, ["max", "(2, 3)"]),
    ("max of empty", lambda: f32(0, 3).max(), ValueError, ["max", "(0, 3)"]),
    ("min axis", lambda: f32(2, 3).min(axis=2), IndexError, ["min", "(2, 3)"]),
    ("min of empty", lambda: f32(0).min(), ValueError, ["min", "(0,)"]),
    ("var of int", lambda: i64(3).var(), TypeError, ["var", "int64"]),
    ("var axis", lambda: f32(2, 3).var(axis=2), IndexError, ["var", "(2, 3)"]),
    ("logsumexp axis", lambda: f32(2, 3).logsumexp(axis=2), IndexError, ["logsumexp", "(2, 3)"]),
    ("argmax two axes", lambda: f32(2, 3).argmax(axis=(0, 1)), TypeError, ["argmax"]),
    ("argmax of empty", lambda: f32(0).argmax(), ValueError, ["argmax", "(0,)"]),
    ("argmin axis", lambda: f32(2, 3).argmin(axis=2), IndexError, ["argmin", "(2, 3)"]),
]

AUTOGRAD_CASES = [
    ("backward without grad", no_grad_backward, RuntimeError, ["backward", "does not require grad"]),
    ("backward grad shape", lambda: (param(2, 3) * 2).backward(f32(3)), ValueError, ["backward", "(3,)", "(2, 3)"]),
    ("backward twice", backward_twice, RuntimeError, ["retain_graph"]),
]

FUNCTIONAL_CASES = [
    ("F.relu of bool", lambda: F.relu(i64(2) > 0), TypeError, ["relu"]),
    ("F.gelu approximate", lambda: F.gelu(f32(2), approximate="fast"), ValueError, ["gelu", "'fast'"]),
    ("F.leaky_relu of int", lambda: F.leaky_relu(i64(2)), TypeError, ["leaky_relu"]),
    ("F.softmax axis", lambda: F.softmax(f32(2, 3), axis=2), IndexError, ["softmax", "(2, 3)"]),
    ("F.log_softmax of int", lambda: F.log_softmax(i64(2)), TypeError, ["log_softmax"]),
    ("F.dropout p", lambda: F.dropout(f32(2), p=1.5), ValueError, ["dropout", "1.5"]),
    ("F.linear shapes", lambda: F.linear(f32(2, 3), f32(4, 5)), ValueError, ["linear", "(2, 3)", "(4, 5)"]),
    ("F.linear bias", lambda: F.linear(f32(2, 3), f32(4, 3), f32(5)), ValueError, ["linear", "(5,)", "(4, 3)"]),
    ("F.layer_norm shape", lambda: F.layer_norm(f32(2, 3), (4,)), ValueError, ["layer_norm", "(2, 3)", "(4,)"]),
    ("F.layer_norm weight", lambda: F.layer_norm(f32(2, 3), 3, weight=f32(2)), ValueError,
     ["layer_norm", "(2,)", "(3,)"]),
    ("F.layer_norm of int", lambda: F.layer_norm(i64(2, 3), 3), TypeError, ["layer_norm", "int64"]),
    ("F.embedding float indices", lambda: F.embedding(f32(2), f32(4, 3)), TypeError, ["embedding", "float32"]),
    ("F.embedding index range", lambda: F.embedding(Tensor([0, 4]), f32(4, 3)), IndexError,
     ["embedding", "4", "(4, 3)"]),
    ("F.embedding weight rank", lambda: F.embedding(Tensor([0]), f32(4)), ValueError, ["embedding", "(4,)"]),
    ("F.mse_loss reduction", lambda: F.mse_loss(f32(2), f32(2), reduction="avg"), ValueError,
     ["mse_loss", "'avg'"]),
    ("F.mse_loss shapes", lambda: F.mse_loss(f32(2, 3), f32(4)), ValueError, ["mse_loss", "(2, 3)", "(4,)"]),
    ("F.mse_loss of ints", lambda: F.mse_loss(i64(2), i64(2)), TypeError, ["mse_loss", "int64"]),
    ("F.binary_cross_entropy dtypes", lambda: F.binary_cross_entropy(f32(2) * 0.5, f64(2)), TypeError,
     ["binary_cross_entropy", "float32", "float64"]),
    ("F.cross_entropy reduction", lambda: F.cross_entropy(f32(2, 3), Tensor([0, 1]), reduction="max"),
     ValueError, ["cross_entropy", "'max'"]),
    ("F.cross_entropy int logits", lambda: F.cross_entropy(i64(2, 3), Tensor([0, 1])), TypeError,
     ["cross_entropy", "int64"]),
    ("F.cross_entropy smoothing", lambda: F.cross_entropy(f32(2, 3), Tensor([0, 1]), label_smoothing=1.5),
     ValueError, ["cross_entropy", "1.5"]),
    ("F.cross_entropy 0-d logits", lambda: F.cross_entropy(f32(), Tensor(0)), ValueError, ["cross_entropy", "()"]),
    ("F.cross_entropy target shape", lambda: F.cross_entropy(f32(2, 3), Tensor([0, 1, 2])), ValueError,
     ["cross_entropy", "(2, 3)", "(3,)"]),
    ("F.cross_entropy target range", lambda: F.cross_entropy(f32(2, 3), Tensor([0, 3])), IndexError,
     ["cross_entropy", "3", "(2, 3)"]),
    ("F.cross_entropy prob shape", lambda: F.cross_entropy(f32(2, 3), f32(2, 4)), ValueError,
     ["cross_entropy", "(2, 3)", "(2, 4)"]),
    ("F.binary_cross_entropy range", lambda: F.binary_cross_entropy(Tensor([1.5]), Tensor([1.0])), ValueError,
     ["binary_cross_entropy", "[0, 1]"]),
    ("F.binary_cross_entropy shapes", lambda: F.binary_cross_entropy(f32(2) * 0.5, f32(3)), ValueError,
     ["binary_cross_entropy", "(3,)", "(2,)"]),
    ("F.binary_cross_entropy reduction", lambda: F.binary_cross_entropy(f32(2) * 0.5, f32(2), reduction=""),
     ValueError, ["binary_cross_entropy", "''"]),
    ("F.bce_with_logits shapes", lambda: F.binary_cross_entropy_with_logits(f32(2), f32(3)), ValueError,
     ["binary_cross_entropy_with_logits", "(3,)", "(2,)"]),
    ("F.bce_with_logits pos_weight", lambda: F.binary_cross_entropy_with_logits(f32(2, 3), f32(2, 3),
                                                                                pos_weight=f32(2)),
     ValueError, ["binary_cross_entropy_with_logits", "(2,)", "(2, 3)"]),
    ("F.bce_with_logits of int", lambda: F.binary_cross_entropy_with_logits(i64(2), f32(2)), TypeError,
     ["binary_cross_entropy_with_logits", "int64"]),
    ("F.sdpa rank", lambda: F.scaled_dot_product_attention(f32(4), f32(3, 4), f32(3, 4)), ValueError,
     ["scaled_dot_product_attention", "(4,)"]),
    ("F.sdpa head dims", lambda: F.scaled_dot_product_attention(f32(2, 4), f32(3, 5), f32(3, 4)), ValueError,
     ["scaled_dot_product_attention", "(2, 4)", "(3, 5)"]),
    ("F.sdpa batch", lambda: F.scaled_dot_product_attention(f32(2, 2, 4), f32(3, 3, 4), f32(3, 3, 4)),
     ValueError, ["scaled_dot_product_attention", "(2, 2, 4)", "(3, 3, 4)"]),
    ("F.sdpa dtypes", lambda: F.scaled_dot_product_attention(f32(2, 4), f64(3, 4), f32(3, 4)), TypeError,
     ["scaled_dot_product_attention", "float64"]),
    ("F.sdpa of int", lambda: F.scaled_dot_product_attention(i64(2, 4), i64(3, 4), i64(3, 4)), TypeError,
     ["scaled_dot_product_attention", "int64"]),
    ("F.sdpa mask and causal", lambda: F.scaled_dot_product_attention(
        f32(2, 4), f32(3, 4), f32(3, 4), attn_mask=f32(2, 3) > 0, is_causal=True), RuntimeError,
     ["scaled_dot_product_attention", "is_causal"]),
    ("F.sdpa mask shape", lambda: F.scaled_dot_product_attention(
        f32(2, 4), f32(3, 4), f32(3, 4), attn_mask=f32(4, 3) > 0), ValueError,
     ["scaled_dot_product_attention", "(4, 3)", "(2, 3)"]),
]

NN_CASES = [
    ("Linear negative size", lambda: nn.Linear(-1, 2), ValueError, ["Linear", "in_features", "-1"]),
    ("Linear float size", lambda: nn.Linear(2, 2.5), TypeError, ["Linear", "out_features", "2.5"]),
    ("Linear forward", lambda: nn.Linear(3, 2)(f32(4, 5)), ValueError, ["linear", "(4, 5)", "(2, 3)"]),
    ("Embedding negative size", lambda: nn.Embedding(-3, 2), ValueError, ["Embedding", "num_embeddings"]),
    ("Embedding forward float", lambda: nn.Embedding(4, 2)(f32(3)), TypeError, ["embedding", "float32"]),
    ("Embedding forward range", lambda: nn.Embedding(4, 2)(Tensor([9])), IndexError, ["embedding", "9"]),
    ("LayerNorm forward", lambda: nn.LayerNorm(4)(f32(2, 3)), ValueError, ["layer_norm", "(2, 3)", "(4,)"]),
    ("LayerNorm negative size", lambda: nn.LayerNorm(-1), ValueError, ["LayerNorm", "-1"]),
    ("LayerNorm float size", lambda: nn.LayerNorm(2.5), TypeError, ["LayerNorm", "2.5"]),
    ("Module.to unknown device", lambda: nn.Linear(2, 2).to("tpu"), ValueError, ["'tpu'"]),
    ("Dropout p", lambda: nn.Dropout(1.5), ValueError, ["Dropout", "1.5"]),
    ("Sequential non-module", lambda: nn.Sequential(nn.ReLU(), 3), TypeError, ["Sequential", "int"]),
    ("Sequential.append", lambda: nn.Sequential().append("relu"), TypeError, ["Sequential.append", "str"]),
    ("GELU approximate", lambda: nn.GELU("erf"), ValueError, ["GELU", "'erf'"]),
    ("ReLU forward of bool", lambda: nn.ReLU()(i64(2) > 0), TypeError, ["relu", "bool"]),
    ("MultiHeadAttention heads", lambda: nn.MultiHeadAttention(6, 4), ValueError,
     ["MultiHeadAttention", "d_model=6", "n_heads=4"]),
    ("MultiHeadAttention dropout", lambda: nn.MultiHeadAttention(4, 2, dropout=2.0), ValueError,
     ["MultiHeadAttention", "2.0"]),
    ("MultiHeadAttention forward", lambda: nn.MultiHeadAttention(4, 2)(f32(2, 3, 5)), ValueError,
     ["MultiHeadAttention", "(2, 3, 5)"]),
    ("Parameter of int", lambda: nn.Parameter(np.arange(3)), TypeError, ["Parameter", "int64"]),
    ("Module without forward", lambda: nn.Module()(f32(2)), NotImplementedError, ["Module", "forward"]),
    ("load_state_dict shape", lambda: nn.Linear(2, 3).load_state_dict({"weight": f32(3, 3), "bias": f32(3)}),
     ValueError, ["load_state_dict", "weight", "(3, 3)", "(3, 2)"]),
    ("load_state_dict missing", lambda: nn.Linear(2, 3).load_state_dict({"weight": f32(3, 2)}), ValueError,
     ["load_state_dict", "bias"]),
]

OPTIM_CASES = [
    ("GD empty params", lambda: optim.GD([], lr=0.1), ValueError, ["empty parameter list"]),
    ("GD single tensor", lambda: optim.GD(param(2), lr=0.1), TypeError, ["params", "Tensor"]),
    ("GD negative lr", lambda: optim.GD([param(2)], lr=-1.0), ValueError, ["learning rate", "-1.0"]),
    ("SGD non-tensor", lambda: optim.SGD([param(2), 3.0], lr=0.1), TypeError, ["parameter 1", "float"]),
    ("SGD int param", lambda: optim.SGD([i64(2)], lr=0.1), TypeError, ["parameter 0", "int64"]),
    ("SGD non-leaf", lambda: optim.SGD([non_leaf()], lr=0.1), ValueError, ["non-leaf", "parameter 0"]),
    ("SGD repeated param", lambda: (lambda p: optim.SGD([p, p], lr=0.1))(param(2)), ValueError,
     ["more than once"]),
    ("SGD negative momentum", lambda: optim.SGD([param(2)], lr=0.1, momentum=-0.5), ValueError,
     ["momentum", "-0.5"]),
    ("SGD nesterov", lambda: optim.SGD([param(2)], lr=0.1, nesterov=True), ValueError, ["Nesterov", "momentum"]),
    ("SGD weight_decay", lambda: optim.SGD([param(2)], lr=0.1, weight_decay=-1), ValueError, ["weight_decay"]),
    ("Adam beta1", lambda: optim.Adam([param(2)], betas=(1.0, 0.999)), ValueError, ["beta", "1.0"]),
    ("Adam beta2", lambda: optim.Adam([param(2)], betas=(0.9, -0.1)), ValueError, ["beta", "-0.1"]),
    ("Adam betas not a pair", lambda: optim.Adam([param(2)], betas=0.9), ValueError, ["betas", "0.9"]),
    ("Adam eps", lambda: optim.Adam([param(2)], eps=-1e-8), ValueError, ["eps", "-1e-08"]),
    ("Adam lr", lambda: optim.Adam([param(2)], lr=-0.1), ValueError, ["learning rate", "-0.1"]),
    ("AdamW weight_decay", lambda: optim.AdamW([param(2)], weight_decay=-0.01), ValueError,
     ["weight_decay", "-0.01"]),
    ("AdamW empty params", lambda: optim.AdamW([]), ValueError, ["empty parameter list"]),
    ("grad of another shape", lambda: setattr(param(2), "grad", f32(3)), ValueError, ["grad", "(2,)", "(3,)"]),
    ("load_state_dict not optimizer state", lambda: optim.SGD([param(2)], lr=0.1).load_state_dict({}),
     ValueError, ["SGD.load_state_dict", "param_groups"]),
    ("load_state_dict other params", lambda: optim.Adam([param(2)]).load_state_dict(
        optim.Adam([param(2), param(3)]).state_dict()), ValueError, ["Adam.load_state_dict", "2"]),
]


def gradcheck_float32():
    return tg.gradcheck(lambda x: x.sum(), param(2))


def gradcheck_no_grad():
    return tg.gradcheck(lambda x: x.sum(), f64(2))


IO_AND_CHECK_CASES = [
    ("gradcheck float32", gradcheck_float32, TypeError, ["gradcheck", "float64", "float32"]),
    ("gradcheck nothing to check", gradcheck_no_grad, ValueError, ["gradcheck", "requires grad"]),
    ("gradcheck of a non-function", lambda: tg.gradcheck(3, f64(2, requires_grad=True)), TypeError,
     ["gradcheck", "int"]),
]

CASES = (TENSOR_CASES + MATH_CASES + MOVEMENT_CASES + REDUCE_CASES + AUTOGRAD_CASES + FUNCTIONAL_CASES
         + NN_CASES + OPTIM_CASES + IO_AND_CHECK_CASES)


@pytest.mark.parametrize("call, error, mentions", [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_bad_input_raises_the_designed_error_naming_the_function(call, error, mentions):
    with pytest.raises(error) as caught:
        call()
    message = str(caught.value)
    for part in mentions:
        assert part in message, f"{type(caught.value).__name__}({message!r}) does not mention {part!r}"


# tg.save and tg.load touch the file system, so their cases take pytest's tmp_path.
SAVE_CASES = [
    ("not a dict", lambda: [f32(2)], TypeError, ["save", "list"]),
    ("name not a string", lambda: {1: f32(2)}, TypeError, ["save", "1"]),
    ("reserved name", lambda: {"__metadata__": f32(2)}, ValueError, ["save", "__metadata__"]),
    ("value not a tensor", lambda: {"w": [1.0, 2.0]}, TypeError, ["save", "'w'", "list"]),
]


@pytest.mark.parametrize("state, error, mentions", [case[1:] for case in SAVE_CASES],
                         ids=[case[0] for case in SAVE_CASES])
def test_save_rejects_what_safetensors_cannot_hold(tmp_path, state, error, mentions):
    with pytest.raises(error, match="(?s)" + "".join(f"(?=.*{re.escape(m)})" for m in mentions)):
        tg.save(state(), str(tmp_path / "model.safetensors"))
    assert not (tmp_path / "model.safetensors").exists()


def test_save_to_a_path_that_is_not_a_path_names_save():
    with pytest.raises(TypeError, match="^save: "):
        tg.save({"w": f32(2)}, None)


def test_save_into_a_missing_folder_names_save_and_the_folder(tmp_path):
    path = tmp_path / "missing" / "model.safetensors"
    with pytest.raises(FileNotFoundError, match="^save: "):
        tg.save({"w": f32(2)}, str(path))


def test_load_of_a_missing_file_names_load_and_the_path(tmp_path):
    path = tmp_path / "nothing.safetensors"
    with pytest.raises(FileNotFoundError, match=f"load.*{re.escape(repr(str(path)))}"):
        tg.load(str(path))


def test_load_of_a_file_that_is_not_safetensors_names_load(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    with pytest.raises(ValueError, match="^load: "):
        tg.load(str(path))


def test_load_of_a_folder_names_load(tmp_path):
    # tmp_path holds this test's name, "load" included: the message must *start* with the name
    with pytest.raises(IsADirectoryError, match=f"^load: {re.escape(repr(str(tmp_path)))}"):
        tg.load(str(tmp_path))
