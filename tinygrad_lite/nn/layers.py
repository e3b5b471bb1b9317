"""The standard layers, initialised as torch initialises them by default.

Each layer holds its Parameters and calls one function of `nn.functional`; the
math is in those functions' docstrings. The weights are drawn from the seeded
generator, so after `tg.manual_seed(s)` a model's initial weights are reproducible.
"""
import math

import numpy as np

from .. import dtypes
from .._validate import check_alloc, check_bool, check_choice, check_number, check_size
from .._tensor import Tensor
from . import functional as F, init
from .functional_embedding import _padding_idx
from .containers import Sequential  # noqa: F401  (its home is containers.py; imported here too)
from .module import Module, Parameter


def _check_size(value, name, layer, low=0):
    """A size argument: an int (TypeError otherwise) of at least `low` (ValueError otherwise)."""
    return check_size(value, name, layer, low=low)


def _check_dtype(dtype, layer):
    """A floating-point dtype for a layer's parameters (TypeError otherwise); None is the default
    float dtype (tg.get_default_dtype(), float32 unless set), as torch's layers take it."""
    if dtype is None:
        return dtypes.get_default_dtype()
    try:
        dtype = dtypes.check(dtype)
    except TypeError as e:
        raise TypeError(f"{layer}: dtype: {e}") from None
    if dtype.kind != "f":
        raise TypeError(f"{layer}: parameters must be floating-point to have gradients, not {dtype}")
    return dtype


def _parameter_count(shapes):
    """How many numbers parameters of these shapes hold (exact Python ints: no overflow)."""
    return sum(math.prod(shape) for shape in shapes)


def _check_parameters(shapes, dtype, layer, repeat=1):
    """Refuse (RuntimeError) `repeat` sets of parameters of these shapes whose bytes exceed the
    memory available, before any of them is allocated."""
    check_alloc((repeat * _parameter_count(shapes),), dtype, layer)


class Linear(Module):
    """y = x W^T + b, with W of shape (out_features, in_features) and b of shape (out_features,).

    Initialisation (torch's): W ~ U(-1/sqrt(in), 1/sqrt(in)), which is kaiming_uniform_
    with a = sqrt(5); b ~ U(-1/sqrt(in), 1/sqrt(in)) (0 when in_features is 0).
    """

    def __init__(self, in_features, out_features, bias=True, dtype=None):
        self.in_features = _check_size(in_features, "in_features", "Linear")
        self.out_features = _check_size(out_features, "out_features", "Linear")
        bias = check_bool(bias, "bias", "Linear")
        dtype = _check_dtype(dtype, "Linear")
        _check_parameters([(self.out_features, self.in_features), (self.out_features * bias,)], dtype, "Linear")
        self.weight = Parameter(np.zeros((self.out_features, self.in_features)), dtype=dtype)
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        self.bias = None
        if bias:
            self.bias = Parameter(np.zeros(self.out_features), dtype=dtype)
            bound = 1.0 / math.sqrt(self.in_features) if self.in_features else 0.0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, x):
        return F.linear(x, self.weight, self.bias)

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


def _set_table(layer, weight, dtype, op):
    """layer.weight, an embedding layer's (num_embeddings, embedding_dim) table: `weight` when one is
    given (checked), else a new table drawn as torch draws it (reset_table)."""
    shape = (layer.num_embeddings, layer.embedding_dim)
    if weight is None:
        _check_parameters([shape], dtype, op)
        layer.weight = Parameter(np.zeros(shape), dtype=dtype)
        reset_table(layer)
        return
    if not isinstance(weight, Tensor):
        raise TypeError(f"{op}: _weight must be a Tensor or None, not {type(weight).__name__}")
    if weight.dtype.kind != "f":
        raise TypeError(f"{op}: _weight must be floating-point, not {weight.dtype}")
    if weight.shape != shape:
        raise ValueError(f"{op}: shape of weight {weight.shape} does not match num_embeddings and "
                         f"embedding_dim {shape}")
    layer.weight = Parameter(weight)


def reset_table(layer):
    """An embedding table drawn as torch draws it: W ~ N(0, 1), the padding_idx row (if any) 0."""
    init.normal_(layer.weight)
    if layer.padding_idx is not None:
        layer.weight.array[layer.padding_idx] = 0


class Embedding(Module):
    """out[..., :] = W[indices[...], :], a lookup in a (num_embeddings, embedding_dim) table.

    Initialisation (torch's): W ~ N(0, 1), with the padding_idx row (if any) set to 0; that row gets no
    gradient. max_norm, norm_type, scale_grad_by_freq and sparse as F.embedding. _weight: a
    (num_embeddings, embedding_dim) tensor to use as the table; _freeze: the table requires no grad.
    """

    def __init__(self, num_embeddings, embedding_dim, padding_idx=None, max_norm=None, norm_type=2.0,
                 scale_grad_by_freq=False, sparse=False, _weight=None, _freeze=False, device=None, dtype=None):
        self.num_embeddings = _check_size(num_embeddings, "num_embeddings", "Embedding")
        self.embedding_dim = _check_size(embedding_dim, "embedding_dim", "Embedding")
        self.padding_idx = _padding_idx(padding_idx, self.num_embeddings, "Embedding")
        self.max_norm = None if max_norm is None else check_number(max_norm, "max_norm", "Embedding")
        self.norm_type = check_number(norm_type, "norm_type", "Embedding", finite=False)
        self.scale_grad_by_freq = check_bool(scale_grad_by_freq, "scale_grad_by_freq", "Embedding")
        self.sparse = check_bool(sparse, "sparse", "Embedding")
        _freeze = check_bool(_freeze, "_freeze", "Embedding")
        dtype = _check_dtype(dtype, "Embedding")
        _set_table(self, _weight, dtype, "Embedding")
        self.weight.requires_grad = not _freeze
        if device is not None:
            self.to(device)

    def reset_parameters(self):
        """W ~ N(0, 1), then the padding row to 0."""
        reset_table(self)

    @classmethod
    def from_pretrained(cls, embeddings, freeze=True, padding_idx=None, max_norm=None, norm_type=2.0,
                        scale_grad_by_freq=False, sparse=False):
        """An Embedding whose table is `embeddings` (2-d: (num_embeddings, embedding_dim)), frozen (no
        gradient) unless freeze=False. The table is used as it is: the padding row keeps its values."""
        if not isinstance(embeddings, Tensor):
            raise TypeError(f"Embedding.from_pretrained: embeddings must be a Tensor, not {type(embeddings).__name__}")
        if embeddings.ndim != 2:
            raise ValueError(f"Embedding.from_pretrained: embeddings parameter is expected to be 2-dimensional, "
                             f"not of shape {embeddings.shape}")
        freeze = check_bool(freeze, "freeze", "Embedding.from_pretrained")
        rows, cols = embeddings.shape
        return cls(rows, cols, padding_idx=padding_idx, max_norm=max_norm, norm_type=norm_type,
                   scale_grad_by_freq=scale_grad_by_freq, sparse=sparse, _weight=embeddings, _freeze=freeze)

    def forward(self, input):
        return F.embedding(input, self.weight, self.padding_idx, self.max_norm, self.norm_type,
                           self.scale_grad_by_freq, self.sparse)

    def extra_repr(self):
        s = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.padding_idx is not None:
            s += f", padding_idx={self.padding_idx}"
        if self.max_norm is not None:
            s += f", max_norm={self.max_norm}"
        if self.norm_type != 2:
            s += f", norm_type={self.norm_type}"
        if self.scale_grad_by_freq:
            s += ", scale_grad_by_freq=True"
        if self.sparse:
            s += ", sparse=True"
        return s


class LayerNorm(Module):
    """y = (x - mean) / sqrt(var + eps) * weight + bias over the trailing `normalized_shape` axes.

    With elementwise_affine=False there is no weight and no bias; bias=False keeps the
    weight only. Initialisation: weight = 1, bias = 0 (the identity after normalising).
    """

    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, bias=True, dtype=None):
        self.normalized_shape = F._normalized_shape(normalized_shape, "LayerNorm")
        self.eps = check_number(eps, "eps", "LayerNorm")
        self.elementwise_affine = check_bool(elementwise_affine, "elementwise_affine", "LayerNorm")
        bias = check_bool(bias, "bias", "LayerNorm")
        dtype = _check_dtype(dtype, "LayerNorm")
        _check_parameters([self.normalized_shape] * (elementwise_affine + (elementwise_affine and bias)), dtype,
                          "LayerNorm")
        self.weight = Parameter(np.ones(self.normalized_shape), dtype=dtype) if elementwise_affine else None
        self.bias = Parameter(np.zeros(self.normalized_shape), dtype=dtype) if elementwise_affine and bias else None

    def forward(self, x):
        return F.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"


class Dropout(Module):
    """In training, zero each element with probability p and scale the rest by 1/(1 - p);
    in evaluation (after `eval()`), the identity. inplace=True overwrites the input."""

    def __init__(self, p=0.5, inplace=False):
        self.p = F._probability(p, "p", "Dropout")
        self.inplace = check_bool(inplace, "inplace", "Dropout")

    def forward(self, x):
        return F.dropout(x, self.p, self.training, self.inplace)

    def extra_repr(self):
        return f"p={self.p}, inplace=True" if self.inplace else f"p={self.p}"


class ReLU(Module):
    """max(x, 0); inplace=True overwrites the input (x.relu_())."""

    def __init__(self, inplace=False):
        self.inplace = check_bool(inplace, "inplace", "ReLU")

    def forward(self, x):
        return F.relu(x, inplace=self.inplace)

    def extra_repr(self):
        return "inplace=True" if self.inplace else ""


class Sigmoid(Module):
    """1 / (1 + exp(-x))."""

    def forward(self, x):
        return F.sigmoid(x)


class Tanh(Module):
    """tanh(x)."""

    def forward(self, x):
        return F.tanh(x)


class GELU(Module):
    """x * Phi(x) (approximate="none"), or 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) ("tanh")."""

    def __init__(self, approximate="none"):
        self.approximate = check_choice(approximate, "approximate", "GELU", ("none", "tanh"))

    def forward(self, x):
        return F.gelu(x, approximate=self.approximate)

    def extra_repr(self):
        return f"approximate={self.approximate!r}"
