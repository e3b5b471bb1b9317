"""Bad arguments to nn layers, nn.init and the hyperparameters of nn.functional, and empty batches.

Every constructor argument of every nn module is checked before anything is built: a
wrong kind (a str, a float where a size goes, None, a complex number) is a TypeError, a
wrong value (negative, NaN, out of range) a ValueError, and parameters whose bytes
exceed the memory available a RuntimeError raised before the first is allocated; each
message starts with the class or function and names the argument. The same holds for
the hyperparameters of nn.functional (p, eps, negative_slope, label_smoothing, reduction,
ignore_index, scale, ...). Attention and the transformer take empty batches and empty
sequences, as torch does: correctly shaped empty (or zero) outputs, and a backward.
"""
import numpy as np
import pytest

from helpers import to_torch, torch

import tinygrad_lite as tg
import tinygrad_lite.nn as nn
import tinygrad_lite.nn.functional as F
from tinygrad_lite import Tensor

TF = torch.nn.functional
HUGE = 10 ** 7  # a 10^7 x 10^7 float32 weight needs 364 TiB

# (label, call, error, the function named first, the argument named)
CONSTRUCTORS = [
    ("Linear str", lambda: nn.Linear("8", 2), TypeError, "Linear", "in_features"),
    ("Linear float", lambda: nn.Linear(8, 2.0), TypeError, "Linear", "out_features"),
    ("Linear negative", lambda: nn.Linear(-1, 2), ValueError, "Linear", "in_features"),
    ("Linear bias str", lambda: nn.Linear(2, 2, bias="yes"), TypeError, "Linear", "bias"),
    ("Linear int dtype", lambda: nn.Linear(2, 2, dtype=tg.int64), TypeError, "Linear", "floating-point"),
    ("Linear too large", lambda: nn.Linear(HUGE, HUGE), RuntimeError, "Linear", "memory"),
    ("Embedding None", lambda: nn.Embedding(None, 2), TypeError, "Embedding", "num_embeddings"),
    ("Embedding negative", lambda: nn.Embedding(4, -2), ValueError, "Embedding", "embedding_dim"),
    ("Embedding too large", lambda: nn.Embedding(HUGE, HUGE), RuntimeError, "Embedding", "memory"),
    ("LayerNorm str shape", lambda: nn.LayerNorm("4"), TypeError, "LayerNorm", "normalized_shape"),
    ("LayerNorm negative shape", lambda: nn.LayerNorm((2, -1)), ValueError, "LayerNorm", "normalized_shape"),
    ("LayerNorm eps str", lambda: nn.LayerNorm(4, eps="1e-5"), TypeError, "LayerNorm", "eps"),
    ("LayerNorm eps None", lambda: nn.LayerNorm(4, eps=None), TypeError, "LayerNorm", "eps"),
    ("LayerNorm eps complex", lambda: nn.LayerNorm(4, eps=1j), TypeError, "LayerNorm", "eps"),
    ("LayerNorm eps nan", lambda: nn.LayerNorm(4, eps=float("nan")), ValueError, "LayerNorm", "eps"),
    ("LayerNorm affine str", lambda: nn.LayerNorm(4, elementwise_affine="no"), TypeError, "LayerNorm",
     "elementwise_affine"),
    ("Dropout None", lambda: nn.Dropout(None), TypeError, "Dropout", "p"),
    ("Dropout str", lambda: nn.Dropout("0.5"), TypeError, "Dropout", "p"),
    ("Dropout range", lambda: nn.Dropout(1.5), ValueError, "Dropout", "p"),
    ("Dropout nan", lambda: nn.Dropout(float("nan")), ValueError, "Dropout", "p"),
    ("GELU None", lambda: nn.GELU(None), TypeError, "GELU", "approximate"),
    ("GELU unknown", lambda: nn.GELU("fast"), ValueError, "GELU", "approximate"),
    ("Sequential non-module", lambda: nn.Sequential(nn.ReLU(), 3), TypeError, "Sequential", "argument 1"),
    ("MultiHeadAttention str (the report)", lambda: nn.MultiHeadAttention("8", 2), TypeError, "MultiHeadAttention",
     "d_model"),
    ("MultiHeadAttention heads float", lambda: nn.MultiHeadAttention(8, 2.0), TypeError, "MultiHeadAttention",
     "n_heads"),
    ("MultiHeadAttention no heads", lambda: nn.MultiHeadAttention(8, 0), ValueError, "MultiHeadAttention", "n_heads"),
    ("MultiHeadAttention not a multiple", lambda: nn.MultiHeadAttention(8, 3), ValueError, "MultiHeadAttention",
     "n_heads"),
    ("MultiHeadAttention dropout", lambda: nn.MultiHeadAttention(8, 2, dropout=-0.1), ValueError,
     "MultiHeadAttention", "dropout"),
    ("MultiHeadAttention causal str", lambda: nn.MultiHeadAttention(8, 2, causal="yes"), TypeError,
     "MultiHeadAttention", "causal"),
    ("MultiHeadAttention too large", lambda: nn.MultiHeadAttention(HUGE, 2), RuntimeError, "MultiHeadAttention",
     "memory"),
    ("TransformerBlock d_ff", lambda: nn.TransformerBlock(8, 2, d_ff=0), ValueError, "TransformerBlock", "d_ff"),
    ("TransformerBlock causal", lambda: nn.TransformerBlock(8, 2, causal=None), TypeError, "TransformerBlock",
     "causal"),
    ("TransformerBlock too large", lambda: nn.TransformerBlock(8, 2, d_ff=HUGE ** 2), RuntimeError,
     "TransformerBlock", "memory"),
    ("TransformerLM negative layers", lambda: nn.TransformerLM(10, 8, 2, -1, 4), ValueError, "TransformerLM",
     "n_layers"),
    ("TransformerLM float layers", lambda: nn.TransformerLM(10, 8, 2, 2.0, 4), TypeError, "TransformerLM",
     "n_layers"),
    ("TransformerLM 10**12 layers", lambda: nn.TransformerLM(10, 8, 2, 10 ** 12, 4), RuntimeError, "TransformerLM",
     "memory"),
    ("TransformerLM vocab 0", lambda: nn.TransformerLM(0, 8, 2, 1, 4), ValueError, "TransformerLM", "vocab_size"),
    ("TransformerLM max_len None", lambda: nn.TransformerLM(10, 8, 2, 1, None), TypeError, "TransformerLM",
     "max_len"),
    ("TransformerLM dropout str", lambda: nn.TransformerLM(10, 8, 2, 1, 4, dropout="0"), TypeError,
     "TransformerLM", "dropout"),
    ("TransformerLM dtype", lambda: nn.TransformerLM(10, 8, 2, 1, 4, dtype="int64"), TypeError, "TransformerLM",
     "floating-point"),
    ("Module.train str", lambda: nn.Linear(2, 2).train("no"), TypeError, "Linear.train", "mode"),
    ("init.uniform_ str", lambda: nn.init.uniform_(Tensor.zeros(2), "a"), TypeError, "uniform_", "a"),
    ("init.uniform_ order", lambda: nn.init.uniform_(Tensor.zeros(2), 1.0, 0.0), ValueError, "uniform_", "a="),
    ("init.normal_ std", lambda: nn.init.normal_(Tensor.zeros(2), std=-1.0), ValueError, "normal_", "std"),
    ("init.normal_ array", lambda: nn.init.normal_(np.zeros(2)), TypeError, "normal_", "tensor"),
    ("init.constant_ None", lambda: nn.init.constant_(Tensor.zeros(2), None), TypeError, "constant_", "val"),
    ("init.kaiming mode", lambda: nn.init.kaiming_uniform_(Tensor.zeros(2, 2), mode="in"), ValueError,
     "kaiming_uniform_", "mode"),
    ("init.xavier gain", lambda: nn.init.xavier_uniform_(Tensor.zeros(2, 2), gain="1"), TypeError,
     "xavier_uniform_", "gain"),
    ("init.calculate_gain", lambda: nn.init.calculate_gain(None), TypeError, "calculate_gain", "nonlinearity"),
]


@pytest.mark.parametrize("label, call, error, op, argument", CONSTRUCTORS, ids=[c[0] for c in CONSTRUCTORS])
def test_a_bad_constructor_argument_raises_naming_the_class_and_argument(label, call, error, op, argument):
    with pytest.raises(error) as info:
        call()
    message = str(info.value)
    assert message.startswith(f"{op}:") and argument in message, message


def test_the_reported_transformer_sizes_fail_at_once_and_build_nothing():
    """10**12 layers is refused by arithmetic, before any block is made (this returns at once)."""
    with pytest.raises(RuntimeError, match="TransformerLM: not enough memory"):
        nn.TransformerLM(vocab_size=10, d_model=8, n_heads=2, n_layers=10 ** 12, max_len=4)
    model = nn.TransformerLM(vocab_size=10, d_model=8, n_heads=2, n_layers=0, max_len=4)  # zero layers: allowed
    assert model(np.zeros((1, 3), np.int64)).shape == (1, 3, 10)


X = Tensor(np.ones((2, 4), np.float32))
LOGITS, CLASSES = Tensor(np.zeros((3, 4), np.float32)), Tensor(np.array([0, 1, 2]))
Q = Tensor(np.ones((2, 3, 4), np.float32))

# function: (call with the hyperparameter `value`, the argument's name)
HYPERPARAMETERS = {
    "dropout": (lambda v: F.dropout(X, p=v), "p"),
    "dropout training": (lambda v: F.dropout(X, 0.5, training=v), "training"),
    "leaky_relu": (lambda v: F.leaky_relu(X, v), "negative_slope"),
    "gelu": (lambda v: F.gelu(X, approximate=v), "approximate"),
    "layer_norm eps": (lambda v: F.layer_norm(X, (4,), eps=v), "eps"),
    "layer_norm normalized_shape": (lambda v: F.layer_norm(X, v), "normalized_shape"),
    "mse_loss": (lambda v: F.mse_loss(X, X, reduction=v), "reduction"),
    "cross_entropy reduction": (lambda v: F.cross_entropy(LOGITS, CLASSES, reduction=v), "reduction"),
    "cross_entropy ignore_index": (lambda v: F.cross_entropy(LOGITS, CLASSES, ignore_index=v), "ignore_index"),
    "cross_entropy label_smoothing": (lambda v: F.cross_entropy(LOGITS, CLASSES, label_smoothing=v),
                                      "label_smoothing"),
    "binary_cross_entropy": (lambda v: F.binary_cross_entropy(X * 0.5, X, reduction=v), "reduction"),
    "binary_cross_entropy_with_logits": (lambda v: F.binary_cross_entropy_with_logits(X, X, reduction=v),
                                         "reduction"),
    "scaled_dot_product_attention scale": (lambda v: F.scaled_dot_product_attention(Q, Q, Q, scale=v), "scale"),
    "scaled_dot_product_attention is_causal": (lambda v: F.scaled_dot_product_attention(Q, Q, Q, is_causal=v),
                                               "is_causal"),
}
# Values of the wrong kind for every hyperparameter (but None for scale, whose default it is, and a
# str for approximate, which is one: its unknown value is a ValueError).
WRONG_KINDS = {"None": None, "str": "0.5", "complex": 0.5j, "list": [0.5]}
HYPER_CASES = [(name, kind) for name in HYPERPARAMETERS for kind in WRONG_KINDS
               if (name, kind) not in (("gelu", "str"), ("scaled_dot_product_attention scale", "None"))]


@pytest.mark.parametrize("name, kind", HYPER_CASES, ids=[f"{n}-{k}" for n, k in HYPER_CASES])
def test_a_hyperparameter_of_the_wrong_kind_raises_naming_the_function_and_argument(name, kind):
    call, argument = HYPERPARAMETERS[name]
    with pytest.raises((TypeError, ValueError)) as info:
        call(WRONG_KINDS[kind])
    message = str(info.value)
    assert message.startswith(name.split(" ")[0] + ":") and argument in message, message


OUT_OF_RANGE = [
    ("dropout", F.dropout, lambda v: F.dropout(X, p=v), [-0.1, 1.5, float("nan")]),
    ("cross_entropy", F.cross_entropy, lambda v: F.cross_entropy(LOGITS, CLASSES, label_smoothing=v),
     [-0.1, 1.5, float("nan")]),
    ("layer_norm", F.layer_norm, lambda v: F.layer_norm(X, (4,), eps=v), [float("nan"), float("inf")]),
    ("scaled_dot_product_attention", None, lambda v: F.scaled_dot_product_attention(Q, Q, Q, scale=v),
     [float("nan"), float("inf")]),
]


@pytest.mark.parametrize("name, _, call, values", OUT_OF_RANGE, ids=[c[0] for c in OUT_OF_RANGE])
def test_a_hyperparameter_out_of_range_is_a_value_error(name, _, call, values):
    for value in values:
        with pytest.raises(ValueError, match=rf"^{name}:"):
            call(value)


def test_a_python_int_or_numpy_number_is_a_fine_hyperparameter():
    """What torch accepts as a number is accepted: ints for floats, numpy scalars."""
    np.testing.assert_array_equal(F.dropout(X, 0).numpy(), X.numpy())
    np.testing.assert_allclose(F.leaky_relu(X * -1, np.float32(0.5)).numpy(), -0.5)
    F.layer_norm(X, (4,), eps=1)
    F.cross_entropy(LOGITS, CLASSES, ignore_index=np.int64(1), label_smoothing=0)
    F.scaled_dot_product_attention(Q, Q, Q, scale=1)


# ---- empty batches and sequences -----------------------------------------------------------

@pytest.mark.parametrize("q_shape, kv_len", [((0, 3, 4), 5), ((2, 0, 4), 5), ((2, 3, 4), 0), ((0, 0, 4), 0)])
def test_attention_on_empty_inputs_matches_torch(device, q_shape, kv_len):
    rng = np.random.default_rng(0)
    q = rng.standard_normal(q_shape).astype(np.float32)
    k = rng.standard_normal((q_shape[0], kv_len, 4)).astype(np.float32)
    v = rng.standard_normal((q_shape[0], kv_len, 6)).astype(np.float32)
    ours = [Tensor(a, requires_grad=True, device=device) for a in (q, k, v)]
    theirs = [to_torch(a, True) for a in (q, k, v)]
    out = F.scaled_dot_product_attention(*ours)
    ref = TF.scaled_dot_product_attention(*theirs)
    np.testing.assert_array_equal(out.numpy(), ref.detach().numpy())  # empty, or zeros where no key exists
    out.sum().backward()
    ref.sum().backward()
    for a, b in zip(ours, theirs):
        np.testing.assert_array_equal(a.grad.numpy(), b.grad.numpy())


@pytest.mark.parametrize("shape", [(0, 3), (2, 0)])
@pytest.mark.parametrize("need_weights", [False, True])
def test_multi_head_attention_on_an_empty_batch_or_sequence(device, shape, need_weights):
    mha = nn.MultiHeadAttention(8, 2, causal=True).to(device)
    x = Tensor(np.zeros(shape + (8,), np.float32), requires_grad=True, device=device)
    result = mha(x, need_weights=need_weights)
    out, weights = result if need_weights else (result, None)
    assert out.shape == shape + (8,)
    if need_weights:
        assert weights.shape == (shape[0], 2, shape[1], shape[1])
    out.sum().backward()
    assert x.grad.shape == x.shape
    assert mha.qkv.weight.grad is not None and not np.any(mha.qkv.weight.grad.numpy())  # nothing flowed in


@pytest.mark.parametrize("shape", [(0, 3), (2, 0)])
def test_transformer_on_an_empty_batch_gives_empty_logits_and_a_zero_gradient(shape):
    tg.manual_seed(0)
    model = nn.TransformerLM(vocab_size=7, d_model=8, n_heads=2, n_layers=2, max_len=4)
    logits = model(np.zeros(shape, np.int64))
    assert logits.shape == shape + (7,) and logits.dtype == np.float32
    logits.sum().backward()
    for name, p in model.named_parameters():
        assert p.grad is not None and p.grad.shape == p.shape and not np.any(p.grad.numpy()), name
