"""EmbeddingBag (reduced lookups in a table) and Bilinear (x1^T A x2 + b), torch's modules of those names.

The math is in nn.functional's embedding_bag and bilinear."""
import math

import numpy as np

from .._tensor import Tensor
from .._validate import check_bool, check_choice, check_number
from . import functional as F, init
from .functional_embedding import _padding_idx
from .layers import _check_dtype, _check_parameters, _check_size, _set_table, reset_table
from .module import Module, Parameter

__all__ = ["EmbeddingBag", "Bilinear"]


class EmbeddingBag(Module):
    """out[b] = sum, mean or max over bag b of W[input[i]] (see F.embedding_bag), W of shape
    (num_embeddings, embedding_dim), initialised N(0, 1) with the padding_idx row (if any) 0, as torch's."""

    def __init__(self, num_embeddings, embedding_dim, max_norm=None, norm_type=2.0, scale_grad_by_freq=False,
                 mode="mean", sparse=False, _weight=None, include_last_offset=False, padding_idx=None,
                 device=None, dtype=None):
        op = "EmbeddingBag"
        self.num_embeddings = _check_size(num_embeddings, "num_embeddings", op)
        self.embedding_dim = _check_size(embedding_dim, "embedding_dim", op)
        self.max_norm = None if max_norm is None else check_number(max_norm, "max_norm", op)
        self.norm_type = check_number(norm_type, "norm_type", op, finite=False)
        self.scale_grad_by_freq = check_bool(scale_grad_by_freq, "scale_grad_by_freq", op)
        self.mode = check_choice(mode, "mode", op, ("sum", "mean", "max"))
        self.sparse = check_bool(sparse, "sparse", op)
        self.include_last_offset = check_bool(include_last_offset, "include_last_offset", op)
        self.padding_idx = _padding_idx(padding_idx, self.num_embeddings, op)
        dtype = _check_dtype(dtype, op)
        _set_table(self, _weight, dtype, op)
        if device is not None:
            self.to(device)

    def reset_parameters(self):
        """W ~ N(0, 1), then the padding row to 0."""
        reset_table(self)

    @classmethod
    def from_pretrained(cls, embeddings, freeze=True, max_norm=None, norm_type=2.0, scale_grad_by_freq=False,
                        mode="mean", sparse=False, include_last_offset=False, padding_idx=None):
        """An EmbeddingBag whose table is `embeddings` (2-d), frozen unless freeze=False."""
        if not isinstance(embeddings, Tensor):
            raise TypeError(f"EmbeddingBag.from_pretrained: embeddings must be a Tensor, not "
                            f"{type(embeddings).__name__}")
        if embeddings.ndim != 2:
            raise ValueError(f"EmbeddingBag.from_pretrained: embeddings parameter is expected to be 2-dimensional, "
                             f"not of shape {embeddings.shape}")
        freeze = check_bool(freeze, "freeze", "EmbeddingBag.from_pretrained")
        bag = cls(*embeddings.shape, max_norm=max_norm, norm_type=norm_type, scale_grad_by_freq=scale_grad_by_freq,
                  mode=mode, sparse=sparse, _weight=embeddings, include_last_offset=include_last_offset,
                  padding_idx=padding_idx)
        bag.weight.requires_grad = not freeze
        return bag

    def forward(self, input, offsets=None, per_sample_weights=None):
        return F.embedding_bag(input, self.weight, offsets, self.max_norm, self.norm_type, self.scale_grad_by_freq,
                               self.mode, self.sparse, per_sample_weights, self.include_last_offset,
                               self.padding_idx)

    def extra_repr(self):
        s = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.max_norm is not None:
            s += f", max_norm={self.max_norm}"
        if self.norm_type != 2:
            s += f", norm_type={self.norm_type}"
        if self.scale_grad_by_freq:
            s += ", scale_grad_by_freq=True"
        s += f", mode='{self.mode}'"
        if self.padding_idx is not None:
            s += f", padding_idx={self.padding_idx}"
        return s


class Bilinear(Module):
    """y = x1^T A x2 + b: y[..., o] = sum_ij x1[..., i] A[o, i, j] x2[..., j] + b[o].

    Initialisation (torch's): A and b ~ U(-1/sqrt(in1_features), 1/sqrt(in1_features))."""

    def __init__(self, in1_features, in2_features, out_features, bias=True, device=None, dtype=None):
        op = "Bilinear"
        self.in1_features = _check_size(in1_features, "in1_features", op)
        self.in2_features = _check_size(in2_features, "in2_features", op)
        self.out_features = _check_size(out_features, "out_features", op)
        bias = check_bool(bias, "bias", op)
        dtype = _check_dtype(dtype, op)
        shape = (self.out_features, self.in1_features, self.in2_features)
        _check_parameters([shape, (self.out_features * bias,)], dtype, op)
        self.weight = Parameter(np.zeros(shape), dtype=dtype)
        self.bias = Parameter(np.zeros(self.out_features), dtype=dtype) if bias else None
        self.reset_parameters()
        if device is not None:
            self.to(device)

    def reset_parameters(self):
        """A and b ~ U(-1/sqrt(in1_features), 1/sqrt(in1_features)) (0 when in1_features is 0)."""
        bound = 1.0 / math.sqrt(self.in1_features) if self.in1_features else 0.0
        init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input1, input2):
        return F.bilinear(input1, input2, self.weight, self.bias)

    def extra_repr(self):
        return (f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
                f"out_features={self.out_features}, bias={self.bias is not None}")
