"""The differentiable ops: one `Function` per op, grouped by kind.

elementwise  arithmetic, math functions, activations, casts, where
activations  silu, elu/selu/celu, softplus, softsign, mish, hardtanh, hardsigmoid, hardswish, logsigmoid, glu,
             prelu, threshold, tanhshrink, hardshrink, softshrink
distance     the vector p-norm along an axis (normalize, cosine_similarity, pairwise_distance, pdist)
math         sin ... atanh, log2 ... exp2, rsqrt, reciprocal, square, erf, erfc
rounding     sign, floor, ceil, round, trunc, frac (piecewise constant)
binary_math  atan2, hypot, logaddexp, xlogy
integer      div(rounding_mode=), fmod, remainder, fmax, fmin, copysign, nan_to_num; the shifts' array code
reduce       sum, mean, max/min, var, logsumexp
reduce_more  prod, std, the vector p-norms
movement     reshape, permute, expand, indexing, cat, stack
inplace      the nodes of in-place updates (InPlace) and of item assignment x[index] = value (IndexPut)
gather       gather and scatter along an axis (scatter_add, scatter_reduce; index_select, index_add, ... use them)
shape        tril/triu, roll, flip, tile, take (repeat_interleave), diagonal, diag_embed, unfold
scan         cumsum, cumprod, logcumsumexp; the picks of sort, topk, cummax, median (values at chosen positions)
matmul       matrix products
linalg       einsum, addmm's family, singular values, inverse, determinant, solve
decompositions  cholesky, eigh, the SVD's vectors, QR, pseudo-inverse
softmax      softmax and log-softmax
losses       mse, cross-entropy, binary cross-entropy (plain and with logits)
attention    scaled dot-product attention
norm         layer normalization
embedding    table lookup
"""
