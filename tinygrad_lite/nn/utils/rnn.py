"""Variable-length sequences for the recurrent layers, as torch.nn.utils.rnn.

A batch of sequences of different lengths L_1 >= L_2 >= ... >= L_B is *packed* by time step:
step t holds the rows of the b_t sequences still running (b_t = #{i : L_i > t}), so

    data = [x_1[0], x_2[0], ..., x_b0[0],  x_1[1], ..., x_b1[1],  ...]      batch_sizes = (b_0, b_1, ...)

and a recurrent layer runs step t on a batch of b_t rows, never on padding. When the batch is
not sorted by length, `sorted_indices` says which sequence is the j-th longest, and
`unsorted_indices` (its inverse) puts results back in the caller's order. Every function here is
an index gather, so gradients flow back to the padded tensor (or the sequences) unchanged.
"""
from collections import namedtuple

import numpy as np

from ..._tensor import Tensor
from ..._validate import check_alloc, check_bool, check_choice, check_number, check_size

__all__ = ["PackedSequence", "pad_sequence", "pack_padded_sequence", "pad_packed_sequence", "pack_sequence"]


class PackedSequence(namedtuple("PackedSequence", ["data", "batch_sizes", "sorted_indices", "unsorted_indices"])):
    """A packed batch: `data` (sum_t b_t, *), `batch_sizes` (b_0, b_1, ...) as an int64 Tensor, and the
    permutations `sorted_indices` / `unsorted_indices` (None when the batch was already sorted).

    Made by pack_padded_sequence / pack_sequence, not by hand (as torch's)."""

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        if unsorted_indices is None and sorted_indices is not None:
            unsorted_indices = _invert(sorted_indices)
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)


def _int64(values):
    return Tensor(np.asarray(values, dtype=np.int64))


def _invert(permutation):
    order = np.asarray(permutation.array if isinstance(permutation, Tensor) else permutation, dtype=np.int64)
    inverse = np.empty_like(order)
    inverse[order] = np.arange(order.size)
    return _int64(inverse)


def _tensor_list(sequences, op):
    if isinstance(sequences, Tensor):
        sequences = list(sequences.unbind(0)) if sequences.ndim > 0 else None
    if not isinstance(sequences, (list, tuple)) or any(not isinstance(s, Tensor) for s in sequences):
        raise TypeError(f"{op}: sequences must be a list of Tensors, not {type(sequences).__name__}")
    if not sequences:
        raise ValueError(f"{op}: received an empty list of sequences")
    first = sequences[0]
    for s in sequences:
        if s.ndim == 0:
            raise ValueError(f"{op}: each sequence must have a time axis (at least 1-d), got shape ()")
        if s.shape[1:] != first.shape[1:] or s.dtype != first.dtype:
            raise ValueError(f"{op}: every sequence must have the same trailing shape and dtype, got "
                             f"{first.shape} ({first.dtype}) and {s.shape} ({s.dtype})")
    return list(sequences)


def pad_sequence(sequences, batch_first=False, padding_value=0.0, padding_side="right"):
    """Stack sequences of shapes (L_i, *) into one (T, B, *) tensor, T = max L_i ((B, T, *) with
    batch_first), filling out[t, i] = padding_value for t >= L_i (with padding_side='left', the
    padding comes first and each sequence ends at T)."""
    op = "pad_sequence"
    sequences = _tensor_list(sequences, op)
    batch_first = check_bool(batch_first, "batch_first", op)
    padding_value = check_number(padding_value, "padding_value", op, finite=False, allow_bool=True)
    check_choice(padding_side, "padding_side", op, ("right", "left"))
    longest = max(s.shape[0] for s in sequences)
    rows = []
    for s in sequences:
        pad = Tensor.full((longest - s.shape[0],) + s.shape[1:], padding_value, dtype=s.dtype, device=s.device)
        rows.append(Tensor.cat([s, pad] if padding_side == "right" else [pad, s], dim=0))
    return Tensor.stack(rows, dim=0 if batch_first else 1)


def _lengths(lengths, batch, op):
    if isinstance(lengths, Tensor):
        lengths = lengths.tolist()
    elif isinstance(lengths, np.ndarray):
        lengths = lengths.tolist()
    if not isinstance(lengths, (list, tuple)):
        raise TypeError(f"{op}: lengths must be a list or 1-d Tensor of ints, not {type(lengths).__name__}")
    lengths = [check_size(n, "lengths", op) for n in lengths]
    if len(lengths) != batch:
        raise ValueError(f"{op}: expected len(lengths) to be equal to the batch size {batch}, got {len(lengths)}")
    return np.asarray(lengths, dtype=np.int64)


def pack_padded_sequence(input, lengths, batch_first=False, enforce_sorted=True):
    """Pack a padded (T, B, *) tensor ((B, T, *) with batch_first) whose i-th sequence has
    lengths[i] steps: a PackedSequence of data[row(t, j)] = input[t, sorted_indices[j]] for every
    step t and every j < b_t. With enforce_sorted, lengths must already be non-increasing."""
    op = "pack_padded_sequence"
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}: input must be a Tensor, not {type(input).__name__}")
    batch_first = check_bool(batch_first, "batch_first", op)
    enforce_sorted = check_bool(enforce_sorted, "enforce_sorted", op)
    if input.ndim < 2:
        raise ValueError(f"{op}: input must be at least 2-d (T, B, *), got shape {input.shape}")
    if batch_first:
        input = input.transpose(0, 1)
    steps, batch = input.shape[:2]
    lengths = _lengths(lengths, batch, op)
    if batch == 0 or lengths.min() <= 0:
        raise ValueError(f"{op}: every length must be greater than 0, got lengths {lengths.tolist()}")
    if lengths.max() > steps:
        raise ValueError(f"{op}: a length ({lengths.max()}) exceeds the input's {steps} time steps")
    if enforce_sorted:
        if np.any(np.diff(lengths) > 0):
            raise ValueError(f"{op}: lengths must be sorted in decreasing order when enforce_sorted is True, "
                             f"got {lengths.tolist()}; pass enforce_sorted=False to pack an unsorted batch")
        order, sorted_indices = np.arange(batch), None
    else:
        order = np.argsort(-lengths, kind="stable")
        sorted_indices = _int64(order)
    sorted_lengths = lengths[order]
    batch_sizes = (sorted_lengths[None, :] > np.arange(sorted_lengths[0])[:, None]).sum(axis=1)
    rows = np.concatenate([t * batch + order[:b] for t, b in enumerate(batch_sizes)])
    data = input.reshape((steps * batch,) + input.shape[2:])[rows]
    return PackedSequence(data, _int64(batch_sizes), sorted_indices)


def _packed_arg(sequence, op):
    if not isinstance(sequence, PackedSequence):
        raise TypeError(f"{op}: sequence must be a PackedSequence, not {type(sequence).__name__}")
    return sequence


def _sizes_of(sequence):
    """(batch_sizes as a numpy array, unsorted_indices as one, or None)."""
    sizes = np.asarray(sequence.batch_sizes.tolist(), dtype=np.int64)
    unsorted = sequence.unsorted_indices
    return sizes, None if unsorted is None else np.asarray(unsorted.tolist(), dtype=np.int64)


def pad_packed_sequence(sequence, batch_first=False, padding_value=0.0, total_length=None):
    """Undo pack_padded_sequence: (padded, lengths), padded of shape (T, B, *) ((B, T, *) with
    batch_first) in the batch's original order, T = total_length or the longest length, and
    padded[t, i] = padding_value past sequence i's length; lengths is an int64 Tensor."""
    op = "pad_packed_sequence"
    sequence = _packed_arg(sequence, op)
    batch_first = check_bool(batch_first, "batch_first", op)
    padding_value = check_number(padding_value, "padding_value", op, finite=False, allow_bool=True)
    sizes, unsorted = _sizes_of(sequence)
    longest, batch = len(sizes), int(sizes[0])
    if total_length is not None:
        total_length = check_size(total_length, "total_length", op)
        if total_length < longest:
            raise ValueError(f"{op}: total_length ({total_length}) must be at least the longest sequence's "
                             f"length ({longest})")
    steps = longest if total_length is None else total_length
    data = sequence.data
    check_alloc((steps, batch) + data.shape[1:], data.dtype, op)
    if unsorted is None:
        unsorted = np.arange(batch)
    # the packed row of (t, i), or the padding row (index len(data)) past sequence i's end
    offsets = np.concatenate([[0], np.cumsum(sizes)])
    position = np.broadcast_to(unsorted, (steps, batch))
    t = np.arange(steps)[:, None]
    running = np.concatenate([sizes, np.zeros(steps - longest, np.int64)])[:, None] > position
    rows = np.where(running, offsets[np.minimum(t, longest - 1)] + position, data.shape[0])
    pad = Tensor.full((1,) + data.shape[1:], padding_value, dtype=data.dtype, device=data.device)
    padded = Tensor.cat([data, pad], dim=0)[rows.reshape(-1)].reshape((steps, batch) + data.shape[1:])
    sorted_lengths = (sizes[None, :] > np.arange(batch)[:, None]).sum(axis=1)
    lengths = _int64(sorted_lengths[unsorted])
    return (padded.transpose(0, 1) if batch_first else padded), lengths


def pack_sequence(sequences, enforce_sorted=True):
    """Pack a list of sequences of shapes (L_i, *): pack_padded_sequence(pad_sequence(sequences),
    [L_1, ..., L_B], enforce_sorted=enforce_sorted)."""
    op = "pack_sequence"
    sequences = _tensor_list(sequences, op)
    enforce_sorted = check_bool(enforce_sorted, "enforce_sorted", op)
    lengths = [s.shape[0] for s in sequences]
    try:
        return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)
    except ValueError as e:
        raise ValueError(f"{op}: " + str(e).removeprefix("pack_padded_sequence: ")) from None
