"""The differentiable ops: one `Function` per op, grouped by kind.

elementwise  arithmetic, math functions, activations, casts, where
reduce       sum, mean, max/min, var, logsumexp
movement     reshape, permute, expand, indexing, cat, stack
matmul       matrix products
softmax      softmax and log-softmax
losses       mse, cross-entropy, binary cross-entropy (plain and with logits)
attention    scaled dot-product attention
norm         layer normalization
embedding    table lookup
"""
