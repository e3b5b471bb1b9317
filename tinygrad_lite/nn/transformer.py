"""A pre-norm transformer block and a small decoder-only language model (GPT-style)."""
import numpy as np

from .._validate import check_bool, check_size
from . import functional as F
from .attention import MultiHeadAttention
from .layers import (GELU, Dropout, Embedding, LayerNorm, Linear, Sequential, _check_dtype, _check_parameters,
                     _parameter_count)
from .module import Module


class TransformerBlock(Module):
    """One pre-norm transformer block on x of shape (B, T, d_model):

        x = x + dropout(attn(ln1(x)))
        x = x + dropout(mlp(ln2(x))),     mlp = Linear(d_model, d_ff) -> GELU -> Linear(d_ff, d_model)

    Normalising before each sublayer (rather than after the residual sum) keeps the
    residual path an identity, which lets deep stacks train without warm-up tricks.
    d_ff defaults to 4 * d_model; attention is causal unless causal=False.
    """

    def __init__(self, d_model, n_heads, d_ff=None, dropout=0.0, causal=True, dtype=None):
        d_model, d_ff = _check_block_args("TransformerBlock", d_model, n_heads, d_ff, dropout)
        causal = check_bool(causal, "causal", "TransformerBlock")
        dtype = _check_dtype(dtype, "TransformerBlock")
        _check_parameters(self._parameter_shapes(d_model, d_ff), dtype, "TransformerBlock")
        self.ln1 = LayerNorm(d_model, dtype=dtype)
        self.attn = MultiHeadAttention(d_model, n_heads, causal=causal, dropout=dropout, dtype=dtype)
        self.ln2 = LayerNorm(d_model, dtype=dtype)
        self.mlp = Sequential(Linear(d_model, d_ff, dtype=dtype), GELU(), Linear(d_ff, d_model, dtype=dtype))
        self.drop = Dropout(dropout)

    @staticmethod
    def _parameter_shapes(d_model, d_ff):
        """The shapes of a block's parameters: two layer norms, the attention, the MLP."""
        return ([(d_model,)] * 4 + MultiHeadAttention._parameter_shapes(d_model)
                + [(d_ff, d_model), (d_ff,), (d_model, d_ff), (d_model,)])

    def forward(self, x):
        F._tensor_arg(x, "TransformerBlock", "x", 1)
        x = x + self.drop(self.attn(self.ln1(x)))
        return x + self.drop(self.mlp(self.ln2(x)))


class TransformerLM(Module):
    """A decoder-only language model: token ids (B, T) -> next-token logits (B, T, vocab_size).

        h = tok_emb[idx] + pos_emb[0..T-1]          learned position embeddings
        h = block_n(... block_1(dropout(h)))        n_layers causal TransformerBlocks
        logits = head(ln_f(h))                      a final LayerNorm, then Linear(d_model, vocab_size)

    Position t's logits depend on tokens 0..t only, so training on every position at
    once with cross_entropy(logits, idx shifted by one) is next-token prediction.
    Sequences may be at most `max_len` long.
    """

    def __init__(self, vocab_size, d_model, n_heads, n_layers, max_len, d_ff=None, dropout=0.0,
                 dtype=None):
        op = "TransformerLM"
        vocab_size, max_len = check_size(vocab_size, "vocab_size", op, low=1), check_size(max_len, "max_len", op, low=1)
        n_layers = check_size(n_layers, "n_layers", op)
        d_model, d_ff = _check_block_args(op, d_model, n_heads, d_ff, dropout)
        dtype = _check_dtype(dtype, op)
        # Every parameter's bytes, counted before the first is made: a model that cannot fit is refused at once
        outer = [(vocab_size, d_model), (max_len, d_model), (d_model,), (d_model,), (vocab_size, d_model),
                 (vocab_size,)]
        count = _parameter_count(outer) + n_layers * _parameter_count(TransformerBlock._parameter_shapes(d_model, d_ff))
        _check_parameters([(count,)], dtype, op)
        self.vocab_size, self.max_len = vocab_size, max_len
        self.tok_emb = Embedding(vocab_size, d_model, dtype=dtype)
        self.pos_emb = Embedding(max_len, d_model, dtype=dtype)
        self.drop = Dropout(dropout)
        self.blocks = [TransformerBlock(d_model, n_heads, d_ff, dropout, dtype=dtype) for _ in range(n_layers)]
        self.ln_f = LayerNorm(d_model, dtype=dtype)
        self.head = Linear(d_model, vocab_size, dtype=dtype)

    def forward(self, idx):
        idx = F._data_arg(idx, "TransformerLM", "idx", self.tok_emb.weight)
        if idx.dtype.kind not in "iu":
            raise TypeError(f"TransformerLM: token ids must be integers, not {idx.dtype}")
        if idx.ndim != 2:
            raise ValueError(f"TransformerLM: token ids must be (batch, length), not {idx.shape}")
        T = idx.shape[1]
        if T > self.max_len:
            raise ValueError(f"TransformerLM: sequence length {T} exceeds max_len={self.max_len}")
        h = self.drop(self.tok_emb(idx) + self.pos_emb(np.arange(T)))
        for block in self.blocks:
            h = block(h)
        return self.head(self.ln_f(h))

    def extra_repr(self):
        return f"vocab_size={self.vocab_size}, max_len={self.max_len}"


def _check_block_args(op, d_model, n_heads, d_ff, dropout):
    """(d_model, d_ff) after checking the sizes and the dropout probability shared by the block and the model."""
    d_model = check_size(d_model, "d_model", op, low=1)
    n_heads = check_size(n_heads, "n_heads", op, low=1)
    if d_model % n_heads:
        raise ValueError(f"{op}: d_model={d_model} must be a multiple of n_heads={n_heads}")
    d_ff = 4 * d_model if d_ff is None else check_size(d_ff, "d_ff", op, low=1)
    F._probability(dropout, "dropout", op)
    return d_model, d_ff
