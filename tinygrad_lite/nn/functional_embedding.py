"""torch.nn.functional's lookups in a table: embedding (with its options), embedding_bag, and bilinear.

embedding is one op (ops/embedding.py); embedding_bag gathers each bag's rows into a padded
(bags, longest bag, dim) block and reduces it, so its gradient is that of the gather and the reduction;
bilinear is one batched matmul and a sum.
"""
import numpy as np

from .._tensor import Tensor
from .._validate import check_bool, check_choice, check_number
from ..autograd import check_same_device, no_grad
from ..ops.embedding import Embedding

__all__ = ["embedding", "embedding_bag", "bilinear"]


def _weight_arg(weight, op):
    if not isinstance(weight, Tensor):
        raise TypeError(f"{op}: argument 'weight' must be a Tensor, not {type(weight).__name__}")
    if weight.ndim != 2:
        raise ValueError(f"{op}: weight must be (num_embeddings, dim), not {weight.shape}")
    return weight


def _index_arg(value, op, name, weight, rows=None):
    """Integer indices (a Tensor on weight's device, or an array-like) as a numpy array, each in
    [0, rows) when `rows` is given (IndexError naming the index otherwise)."""
    if isinstance(value, Tensor):
        check_same_device([weight, value], op)
        idx = value.numpy()
    else:
        try:
            idx = np.asarray(value)
        except (TypeError, ValueError) as e:
            raise TypeError(f"{op}: {name} must be a Tensor of integers, not {type(value).__name__}") from e
    if idx.dtype.kind not in "iu":
        raise TypeError(f"{op}: {name} must be integers, not {idx.dtype}")
    if rows is not None and idx.size and (idx.min() < 0 or idx.max() >= rows):
        bad = idx[(idx < 0) | (idx >= rows)].flat[0]
        raise IndexError(f"{op}: index {bad} is out of range for a table of {rows} rows (weight {weight.shape})")
    return idx.astype(np.int64, copy=False)


def _padding_idx(padding_idx, rows, op):
    """padding_idx as a row number in [0, rows) (a negative one counts from the end), or None."""
    if padding_idx is None:
        return None
    padding_idx = check_number(padding_idx, "padding_idx", op, integer=True)
    if not -rows <= padding_idx < rows:
        raise ValueError(f"{op}: padding_idx must be within num_embeddings ({rows}), not {padding_idx}")
    return padding_idx % rows


def _renorm_rows_(weight, idx, max_norm, norm_type, op):
    """Rescale in place (no graph) each row of weight that idx names and whose norm_type-norm exceeds
    max_norm, to norm max_norm / (norm + 1e-7) * norm, as torch's embedding_renorm_."""
    max_norm = check_number(max_norm, "max_norm", op)
    rows = np.unique(idx)
    if rows.size == 0:
        return
    with no_grad():
        table = weight.array
        picked = table[weight._backend.asarray(rows)]
        norms = weight._backend.xp.linalg.norm(picked.astype(np.float64), ord=norm_type, axis=1)
        scale = weight._backend.xp.where(norms > max_norm, max_norm / (norms + 1e-7), 1.0)
        table[weight._backend.asarray(rows)] = (picked * scale[:, None]).astype(table.dtype)
        weight._versions[0] += 1


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False,
              sparse=False):
    """out[..., :] = weight[input[...], :]: row lookup in a (num_embeddings, dim) table.

    `input` (integers, never differentiated) may be a Tensor or an array-like. padding_idx: that row
    gets no gradient. max_norm: first, each looked-up row whose norm_type-norm exceeds max_norm is
    rescaled in place to norm max_norm. scale_grad_by_freq: each row's gradient is divided by how often
    it occurs in `input`. sparse=True is accepted; the gradient is dense (there are no sparse tensors)."""
    _weight_arg(weight, "embedding")
    idx = _index_arg(input, "embedding", "indices", weight, weight.shape[0])
    padding_idx = _padding_idx(padding_idx, weight.shape[0], "embedding")
    norm_type = check_number(norm_type, "norm_type", "embedding", finite=False)
    scale_grad_by_freq = check_bool(scale_grad_by_freq, "scale_grad_by_freq", "embedding")
    check_bool(sparse, "sparse", "embedding")
    if max_norm is not None:
        _renorm_rows_(weight, idx, max_norm, norm_type, "embedding")
    if padding_idx is None and not scale_grad_by_freq:
        return Embedding.apply(weight, indices=idx)  # the defaults' path
    return Embedding.apply(weight, indices=idx, padding_idx=padding_idx, scale_grad_by_freq=scale_grad_by_freq)


def _bags(idx, offsets, include_last_offset, op, weight):
    """(starts, ends) of each bag in the flat index list."""
    if idx.ndim == 2:
        if offsets is not None:
            raise ValueError(f"{op}: if input is 2D, then offsets has to be None, as input is treated is a "
                             "mini-batch of fixed length sequences")
        starts = np.arange(idx.shape[0]) * idx.shape[1]
        return starts, starts + idx.shape[1]
    if idx.ndim != 1:
        raise ValueError(f"{op}: input has to be 1D or 2D Tensor, but got Tensor of dimension {idx.ndim}")
    if offsets is None:
        raise ValueError(f"{op}: offsets has to be a 1D Tensor but got None")
    offsets = _index_arg(offsets, op, "offsets", weight)
    if offsets.ndim != 1:
        raise ValueError(f"{op}: offsets has to be a 1D Tensor, not of shape {offsets.shape}")
    if offsets.size and offsets[0] != 0:
        raise ValueError(f"{op}: offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start "
                         f"from position 0. However, got {offsets[0]}")
    if offsets.size and offsets[-1] > idx.size:
        raise ValueError(f"{op}: offsets[-1] can not be greater than input's length {idx.size} but got "
                         f"offsets[-1] of {offsets[-1]}")
    if np.any(np.diff(offsets) < 0):
        raise ValueError(f"{op}: offsets must be non-decreasing, got {offsets.tolist()}")
    if include_last_offset:
        if offsets.size == 0:
            raise ValueError(f"{op}: include_last_offset needs at least one offset")
        return offsets[:-1], offsets[1:]
    return offsets, np.append(offsets[1:], idx.size).astype(np.int64)


def embedding_bag(input, weight, offsets=None, max_norm=None, norm_type=2, scale_grad_by_freq=False, mode="mean",
                  sparse=False, per_sample_weights=None, include_last_offset=False, padding_idx=None):
    """out[b] = reduce over the bag b of weight[input[i]] (mode "sum", "mean" or "max").

    The bags' rows are gathered into one (bags, longest bag, dim) block, padded with a zero row that
    a mask leaves out, and reduced along the bag axis (memory: bags x longest bag x dim).

    Bags: the rows of a 2-d input, or input[offsets[b]:offsets[b+1]] of a 1-d one (the last bag runs to
    the end unless include_last_offset, where offsets has one more entry than there are bags). Entries
    equal to padding_idx are left out of their bag (and of its count for "mean"); an empty bag gives 0.
    per_sample_weights (mode "sum" only) multiplies each row before the sum: out[b] = sum w[i] weight[input[i]].
    max_norm, norm_type, scale_grad_by_freq and sparse as in embedding; "max" sends each output's gradient
    to the row that gave the maximum."""
    op = "embedding_bag"
    _weight_arg(weight, op)
    idx = _index_arg(input, op, "input", weight, weight.shape[0])
    mode = check_choice(mode, "mode", op, ("sum", "mean", "max"))
    padding_idx = _padding_idx(padding_idx, weight.shape[0], op)
    norm_type = check_number(norm_type, "norm_type", op, finite=False)
    scale_grad_by_freq = check_bool(scale_grad_by_freq, "scale_grad_by_freq", op)
    check_bool(sparse, "sparse", op)
    include_last_offset = check_bool(include_last_offset, "include_last_offset", op)
    if scale_grad_by_freq and mode == "max":
        raise ValueError(f"{op}: max mode does not support scaling the gradient by the frequency")
    if sparse and mode == "max":
        raise ValueError(f"{op}: max mode does not support sparse weights")
    if per_sample_weights is not None:
        if not isinstance(per_sample_weights, Tensor):
            raise TypeError(f"{op}: per_sample_weights must be a Tensor or None, not {type(per_sample_weights).__name__}")
        if mode != "sum":
            raise NotImplementedError(f"{op}: per_sample_weights was not None. per_sample_weights is only "
                                      f"supported for mode='sum' (got mode='{mode}'). Please open a feature request "
                                      "on the PyTorch GitHub.")
        if per_sample_weights.shape != idx.shape:
            raise ValueError(f"{op}: per_sample_weights {per_sample_weights.shape} must have the shape of the "
                             f"input {idx.shape}")
        check_same_device([weight, per_sample_weights], op)
    starts, ends = _bags(idx, offsets, include_last_offset, op, weight)
    flat = idx.reshape(-1)
    if max_norm is not None:
        _renorm_rows_(weight, flat[starts.min(initial=0):ends.max(initial=0)], max_norm, norm_type, op)
    # positions[b, j]: the j-th kept entry of bag b, or n (a sentinel) past the bag's end
    n, lengths = flat.size, ends - starts
    width = int(lengths.max(initial=0))
    positions = starts[:, None] + np.arange(width)[None, :]
    kept = positions < ends[:, None]
    positions = np.where(kept, positions, n)
    if padding_idx is not None:
        kept &= np.append(flat, -1)[positions] != padding_idx
        positions = np.where(kept, positions, n)
    looked_up = embedding(flat, weight, scale_grad_by_freq=scale_grad_by_freq)  # (n, D), as torch counts rows
    rows = Tensor.cat([looked_up, weight.new_zeros(1, weight.shape[1])])[positions]  # (B, L, D); row n is 0
    backend = weight._backend
    mask = Tensor._wrap(backend.asarray(kept[:, :, None]), backend)
    if mode == "max":
        best = rows.masked_fill(~mask, -np.inf).max(dim=1).values if width else rows.sum(dim=1)
        return best.masked_fill(~mask.any(dim=1), 0.0)
    if per_sample_weights is not None:
        w = Tensor.cat([per_sample_weights.reshape(-1), per_sample_weights.new_zeros(1)])
        rows = rows * w[positions].unsqueeze(-1)
    total = rows.masked_fill(~mask, 0.0).sum(dim=1)
    if mode == "sum":
        return total
    counts = np.maximum(kept.sum(1), 1).astype(weight.dtype)[:, None]
    return total / Tensor._wrap(backend.asarray(counts), backend)


def bilinear(input1, input2, weight, bias=None):
    """y[..., o] = sum_ij input1[..., i] weight[o, i, j] input2[..., j] + bias[o].

    input1 (..., in1) and input2 (..., in2) share their leading axes; weight is (out, in1, in2)."""
    op = "bilinear"
    for name, t in (("input1", input1), ("input2", input2), ("weight", weight)):
        if not isinstance(t, Tensor):
            raise TypeError(f"{op}: argument '{name}' must be a Tensor, not {type(t).__name__}")
    if bias is not None and not isinstance(bias, Tensor):
        raise TypeError(f"{op}: argument 'bias' must be a Tensor or None, not {type(bias).__name__}")
    check_same_device([t for t in (input1, input2, weight, bias) if t is not None], op)
    if weight.ndim != 3:
        raise ValueError(f"{op}: weight must be (out_features, in1_features, in2_features), not {weight.shape}")
    if input1.ndim == 0 or input1.shape[:-1] != input2.shape[:-1] or input2.ndim == 0:
        raise ValueError(f"{op}: input1 {input1.shape} and input2 {input2.shape} must have the same leading "
                         "(batch) dimensions")
    if input1.shape[-1] != weight.shape[1] or input2.shape[-1] != weight.shape[2]:
        raise ValueError(f"{op}: input1 {input1.shape} and input2 {input2.shape} do not fit weight {weight.shape} "
                         "(in1_features and in2_features are its last two sizes)")
    if bias is not None and bias.shape != (weight.shape[0],):
        raise ValueError(f"{op}: bias must be ({weight.shape[0]},), not {bias.shape}")
    # (..., 1, 1, in1) @ (out, in1, in2) -> (..., out, 1, in2), then times input2 and summed over in2
    left = (input1.unsqueeze(-2).unsqueeze(-2) @ weight).squeeze(-2)
    out = (left * input2.unsqueeze(-2)).sum(dim=-1)
    return out if bias is None else out + bias
