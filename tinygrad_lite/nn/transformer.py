"""A pre-norm transformer block and a small decoder-only language model (GPT-style)."""
import numpy as np

from .. import dtypes
from ..tensor import Tensor
from .attention import MultiHeadAttention
from .layers import GELU, Dropout, Embedding, LayerNorm, Linear, Sequential
from .module import Module


class TransformerBlock(Module):
    """One pre-norm transformer block on x of shape (B, T, d_model):

        x = x + dropout(attn(ln1(x)))
        x = x + dropout(mlp(ln2(x))),     mlp = Linear(d_model, d_ff) -> GELU -> Linear(d_ff, d_model)

    Normalising before each sublayer (rather than after the residual sum) keeps the
    residual path an identity, which lets deep stacks train without warm-up tricks.
    d_ff defaults to 4 * d_model; attention is causal unless causal=False.
    """

    def __init__(self, d_model, n_heads, d_ff=None, dropout=0.0, causal=True, dtype=dtypes.float32):
        d_ff = 4 * d_model if d_ff is None else d_ff
        self.ln1 = LayerNorm(d_model, dtype=dtype)
        self.attn = MultiHeadAttention(d_model, n_heads, causal=causal, dropout=dropout, dtype=dtype)
        self.ln2 = LayerNorm(d_model, dtype=dtype)
        self.mlp = Sequential(Linear(d_model, d_ff, dtype=dtype), GELU(), Linear(d_ff, d_model, dtype=dtype))
        self.drop = Dropout(dropout)

    def forward(self, x):
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
                 dtype=dtypes.float32):
        self.vocab_size, self.max_len = vocab_size, max_len
        self.tok_emb = Embedding(vocab_size, d_model, dtype=dtype)
        self.pos_emb = Embedding(max_len, d_model, dtype=dtype)
        self.drop = Dropout(dropout)
        self.blocks = [TransformerBlock(d_model, n_heads, d_ff, dropout, dtype=dtype) for _ in range(n_layers)]
        self.ln_f = LayerNorm(d_model, dtype=dtype)
        self.head = Linear(d_model, vocab_size, dtype=dtype)

    def forward(self, idx):
        idx = idx if isinstance(idx, Tensor) else Tensor(np.asarray(idx))
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
