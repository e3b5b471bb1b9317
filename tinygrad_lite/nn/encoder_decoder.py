"""The transformer of "Attention Is All You Need" with torch's modules, arguments and parameter names:
TransformerEncoderLayer, TransformerEncoder, TransformerDecoderLayer, TransformerDecoder, Transformer.

An encoder layer is self-attention then a feed-forward block, each wrapped in a residual:

    post-norm (norm_first=False):  x = norm1(x + sa(x));        x = norm2(x + ff(x))
    pre-norm  (norm_first=True):   x = x + sa(norm1(x));        x = x + ff(norm2(x))
    ff(x) = linear2(dropout(activation(linear1(x))))

A decoder layer adds cross-attention over the encoder's output (`memory`) between the two.
The stacks repeat a deep copy of one layer, as torch's do, so parameter names
("layers.0.self_attn.in_proj_weight", ...) match and a torch state_dict loads.
"""
import copy
import math

import numpy as np

from .._tensor import Tensor
from .._validate import check_alloc, check_bool, check_number, check_size
from ..backend import get_backend
from . import functional as F, init
from .containers import ModuleList
from .layers import Dropout, LayerNorm, Linear, _check_dtype, _check_parameters
from .module import Module
from .multihead_attention import MultiheadAttention

_ACTIVATIONS = {"relu": F.relu, "gelu": F.gelu}


def _activation(activation, op):
    if isinstance(activation, str):
        if activation not in _ACTIVATIONS:
            raise ValueError(f"{op}: activation should be 'relu' or 'gelu' (or a callable), not {activation!r}")
        return _ACTIVATIONS[activation]
    if not callable(activation):
        raise TypeError(f"{op}: activation must be 'relu', 'gelu' or a callable, not {type(activation).__name__}")
    return activation


def _check_settings(op, d_model, nhead, dim_feedforward, dropout, layer_norm_eps, activation, dtype, layers=1,
                    attentions=1, flags=()):
    """Every setting of a transformer layer (or `layers` of them), refused in the words of `op` before
    anything is built: sizes, the dropout probability, eps, the activation, and the parameters' memory."""
    for name, value in (("d_model", d_model), ("nhead", nhead), ("dim_feedforward", dim_feedforward)):
        check_size(value, name, op, low=1)
    if d_model % nhead:
        raise ValueError(f"{op}: d_model ({d_model}) must be divisible by nhead ({nhead})")
    F._probability(dropout, "dropout", op)
    check_number(layer_norm_eps, "layer_norm_eps", op, low=0.0)
    _activation(activation, op)
    for name, value in flags:
        check_bool(value, name, op)
    dtype = _check_dtype(dtype, op)
    per_layer = [(4 * d_model * d_model + 4 * d_model,)] * attentions + [(2 * d_model * dim_feedforward,)]
    _check_parameters(per_layer, dtype, op, repeat=max(layers, 1))
    return dtype


class TransformerEncoderLayer(Module):
    """Self-attention and a feed-forward block with residuals and layer norms (see the module docstring).

    forward(src, src_mask=None, src_key_padding_mask=None, is_causal=False); src is (S, N, E), or
    (N, S, E) with batch_first."""

    def __init__(self, d_model, nhead, dim_feedforward=2048, dropout=0.1, activation="relu", layer_norm_eps=1e-5,
                 batch_first=False, norm_first=False, bias=True, dtype=None):
        dtype = _check_settings(type(self).__name__, d_model, nhead, dim_feedforward, dropout, layer_norm_eps,
                                activation, dtype, flags=(("batch_first", batch_first), ("norm_first", norm_first),
                                                          ("bias", bias)))
        self.self_attn = MultiheadAttention(d_model, nhead, dropout=dropout, bias=bias, batch_first=batch_first,
                                            dtype=dtype)
        self._feed_forward_parts(d_model, dim_feedforward, dropout, activation, layer_norm_eps, norm_first, bias,
                                 dtype, norms=2)

    def _feed_forward_parts(self, d_model, dim_feedforward, dropout, activation, eps, norm_first, bias, dtype, norms):
        op = type(self).__name__
        self.linear1 = Linear(d_model, dim_feedforward, bias=bias, dtype=dtype)
        self.dropout = Dropout(dropout)
        self.linear2 = Linear(dim_feedforward, d_model, bias=bias, dtype=dtype)
        self.norm_first = check_bool(norm_first, "norm_first", op)
        for i in range(1, norms + 1):
            setattr(self, f"norm{i}", LayerNorm(d_model, eps=eps, bias=bias, dtype=dtype))
        for i in range(1, norms + 1):
            setattr(self, f"dropout{i}", Dropout(dropout))
        self.activation = _activation(activation, op)

    def _ff_block(self, x):
        return self.dropout2(self.linear2(self.dropout(self.activation(self.linear1(x)))))

    def _sa_block(self, x, mask, padding, is_causal):
        x = self.self_attn(x, x, x, attn_mask=mask, key_padding_mask=padding, need_weights=False,
                           is_causal=is_causal)[0]
        return self.dropout1(x)

    def forward(self, src, src_mask=None, src_key_padding_mask=None, is_causal=False):
        x = src
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), src_mask, src_key_padding_mask, is_causal)
            return x + self._ff_block(self.norm2(x))
        x = self.norm1(x + self._sa_block(x, src_mask, src_key_padding_mask, is_causal))
        return self.norm2(x + self._ff_block(x))


class TransformerDecoderLayer(TransformerEncoderLayer):
    """Self-attention over the target, cross-attention over `memory`, and a feed-forward block.

    forward(tgt, memory, tgt_mask=None, memory_mask=None, tgt_key_padding_mask=None,
            memory_key_padding_mask=None, tgt_is_causal=False, memory_is_causal=False)."""

    def __init__(self, d_model, nhead, dim_feedforward=2048, dropout=0.1, activation="relu", layer_norm_eps=1e-5,
                 batch_first=False, norm_first=False, bias=True, dtype=None):
        dtype = _check_settings(type(self).__name__, d_model, nhead, dim_feedforward, dropout, layer_norm_eps,
                                activation, dtype, attentions=2, flags=(("batch_first", batch_first),
                                                                        ("norm_first", norm_first), ("bias", bias)))
        self.self_attn = MultiheadAttention(d_model, nhead, dropout=dropout, bias=bias, batch_first=batch_first,
                                            dtype=dtype)
        self.multihead_attn = MultiheadAttention(d_model, nhead, dropout=dropout, bias=bias, batch_first=batch_first,
                                                 dtype=dtype)
        self._feed_forward_parts(d_model, dim_feedforward, dropout, activation, layer_norm_eps, norm_first, bias,
                                 dtype, norms=3)

    def _ff_block(self, x):
        return self.dropout3(self.linear2(self.dropout(self.activation(self.linear1(x)))))

    def _mha_block(self, x, memory, mask, padding, is_causal):
        x = self.multihead_attn(x, memory, memory, attn_mask=mask, key_padding_mask=padding, need_weights=False,
                                is_causal=is_causal)[0]
        return self.dropout2(x)

    def forward(self, tgt, memory, tgt_mask=None, memory_mask=None, tgt_key_padding_mask=None,
                memory_key_padding_mask=None, tgt_is_causal=False, memory_is_causal=False):
        x = tgt
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), tgt_mask, tgt_key_padding_mask, tgt_is_causal)
            x = x + self._mha_block(self.norm2(x), memory, memory_mask, memory_key_padding_mask, memory_is_causal)
            return x + self._ff_block(self.norm3(x))
        x = self.norm1(x + self._sa_block(x, tgt_mask, tgt_key_padding_mask, tgt_is_causal))
        x = self.norm2(x + self._mha_block(x, memory, memory_mask, memory_key_padding_mask, memory_is_causal))
        return self.norm3(x + self._ff_block(x))


def _clones(layer, num_layers, norm, op, kind):
    """num_layers deep copies of `layer`, refused before any is made if their parameters do not fit."""
    if not isinstance(layer, kind):
        raise TypeError(f"{op}: the layer must be a {kind.__name__}, not {type(layer).__name__}")
    if norm is not None and not isinstance(norm, Module):
        raise TypeError(f"{op}: norm must be a Module or None, not {type(norm).__name__}")
    num_layers = check_size(num_layers, "num_layers", op)
    params = list(layer.parameters())
    if params:
        _check_parameters([p.shape for p in params], params[0].dtype, op, repeat=num_layers)
    return ModuleList([copy.deepcopy(layer) for _ in range(num_layers)])


class TransformerEncoder(Module):
    """num_layers deep copies of `encoder_layer` applied in turn, then `norm` if given."""

    def __init__(self, encoder_layer, num_layers, norm=None, enable_nested_tensor=True, mask_check=True):
        self.layers = _clones(encoder_layer, num_layers, norm, "TransformerEncoder", TransformerEncoderLayer)
        self.num_layers, self.norm = num_layers, norm

    def forward(self, src, mask=None, src_key_padding_mask=None, is_causal=None):
        x = src
        for layer in self.layers:
            x = layer(x, src_mask=mask, src_key_padding_mask=src_key_padding_mask, is_causal=bool(is_causal))
        return self.norm(x) if self.norm is not None else x


class TransformerDecoder(Module):
    """num_layers deep copies of `decoder_layer` applied in turn (each attending `memory`), then `norm`."""

    def __init__(self, decoder_layer, num_layers, norm=None):
        self.layers = _clones(decoder_layer, num_layers, norm, "TransformerDecoder", TransformerDecoderLayer)
        self.num_layers, self.norm = num_layers, norm

    def forward(self, tgt, memory, tgt_mask=None, memory_mask=None, tgt_key_padding_mask=None,
                memory_key_padding_mask=None, tgt_is_causal=None, memory_is_causal=False):
        x = tgt
        for layer in self.layers:
            x = layer(x, memory, tgt_mask, memory_mask, tgt_key_padding_mask, memory_key_padding_mask,
                      bool(tgt_is_causal), memory_is_causal)
        return self.norm(x) if self.norm is not None else x


class Transformer(Module):
    """An encoder-decoder transformer: out = decoder(tgt, encoder(src)). Every parameter with more than
    one axis starts xavier-uniform, as torch's Transformer initialises them."""

    def __init__(self, d_model=512, nhead=8, num_encoder_layers=6, num_decoder_layers=6, dim_feedforward=2048,
                 dropout=0.1, activation="relu", custom_encoder=None, custom_decoder=None, layer_norm_eps=1e-5,
                 batch_first=False, norm_first=False, bias=True, dtype=None):
        op = "Transformer"
        for name, value in (("num_encoder_layers", num_encoder_layers), ("num_decoder_layers", num_decoder_layers)):
            check_size(value, name, op)
        dtype = _check_settings(op, d_model, nhead, dim_feedforward, dropout, layer_norm_eps, activation, dtype,
                                layers=num_encoder_layers + num_decoder_layers, attentions=2,
                                flags=(("batch_first", batch_first), ("norm_first", norm_first), ("bias", bias)))
        for name, value in (("custom_encoder", custom_encoder), ("custom_decoder", custom_decoder)):
            if value is not None and not isinstance(value, Module):
                raise TypeError(f"{op}: {name} must be a Module or None, not {type(value).__name__}")
        settings = dict(dim_feedforward=dim_feedforward, dropout=dropout, activation=activation,
                        layer_norm_eps=layer_norm_eps, batch_first=batch_first, norm_first=norm_first, bias=bias,
                        dtype=dtype)
        self.encoder = custom_encoder if custom_encoder is not None else TransformerEncoder(
            TransformerEncoderLayer(d_model, nhead, **settings), num_encoder_layers,
            LayerNorm(d_model, eps=layer_norm_eps, bias=bias, dtype=dtype))
        self.decoder = custom_decoder if custom_decoder is not None else TransformerDecoder(
            TransformerDecoderLayer(d_model, nhead, **settings), num_decoder_layers,
            LayerNorm(d_model, eps=layer_norm_eps, bias=bias, dtype=dtype))
        for p in self.parameters():
            if p.ndim > 1:
                init.xavier_uniform_(p)
        self.d_model, self.nhead, self.batch_first = d_model, nhead, batch_first

    def forward(self, src, tgt, src_mask=None, tgt_mask=None, memory_mask=None, src_key_padding_mask=None,
                tgt_key_padding_mask=None, memory_key_padding_mask=None, src_is_causal=None, tgt_is_causal=None,
                memory_is_causal=False):
        memory = self.encoder(src, mask=src_mask, src_key_padding_mask=src_key_padding_mask, is_causal=src_is_causal)
        return self.decoder(tgt, memory, tgt_mask=tgt_mask, memory_mask=memory_mask,
                            tgt_key_padding_mask=tgt_key_padding_mask,
                            memory_key_padding_mask=memory_key_padding_mask, tgt_is_causal=tgt_is_causal,
                            memory_is_causal=memory_is_causal)

    @staticmethod
    def generate_square_subsequent_mask(sz, device="cpu", dtype=None):
        """The causal mask of size (sz, sz): 0 on and below the diagonal, -inf above it."""
        op = "generate_square_subsequent_mask"
        sz = check_size(sz, "sz", op)
        dtype = _check_dtype(dtype, op)
        check_alloc((sz, sz), dtype, op, copies=2)
        try:
            get_backend(device, op)
        except (TypeError, ValueError) as e:
            raise type(e)(f"{op}: {e}") from None
        return Tensor(np.triu(np.full((sz, sz), -math.inf), k=1), dtype=dtype, device=device)


__all__ = ["TransformerEncoderLayer", "TransformerEncoder", "TransformerDecoderLayer", "TransformerDecoder",
           "Transformer"]
