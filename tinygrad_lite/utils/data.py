"""Datasets, samplers and DataLoader, as torch.utils.data.

    ds = TensorDataset(x, y)                        # ds[i] == (x[i], y[i])
    train, val = random_split(ds, [0.8, 0.2], generator=tg.Generator().manual_seed(0))
    for xb, yb in DataLoader(train, batch_size=32, shuffle=True):
        ...

The pieces fit as in torch: a Dataset maps an index to a sample; a Sampler yields
indices (SequentialSampler, RandomSampler, SubsetRandomSampler, WeightedRandomSampler);
a BatchSampler groups them into lists; DataLoader fetches each list's samples and
merges them with `collate_fn` (default_collate: Tensors, numpy arrays and numbers are
stacked into a Tensor with a new leading batch axis; tuples, lists and dicts are collated
field by field). An IterableDataset yields its samples itself and is batched in order.

Randomness comes from the engine's streams: the default one (tg.manual_seed) or a
tg.Generator given as `generator=`, so shuffling is reproducible, but the orders are not
torch's. DataLoader runs in the calling process; num_workers > 0 is accepted and says
so once with a warning.
"""
import bisect
import math
import numbers
import warnings
from collections.abc import Mapping, Sequence

import numpy as np

from .. import rng
from .._tensor import Tensor
from .._validate import _describe, check_number
from ..from_data import tensor as _to_tensor

__all__ = ["Dataset", "IterableDataset", "TensorDataset", "ConcatDataset", "Subset", "random_split",
           "Sampler", "SequentialSampler", "RandomSampler", "SubsetRandomSampler", "WeightedRandomSampler",
           "BatchSampler", "DataLoader", "default_collate", "default_convert", "get_worker_info"]


def _count(value, name, op, low=1):
    """An int >= low (a bool is refused), or an error naming `op` and the argument."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{op}: {name} must be an integer, not {_describe(value)}")
    if value < low:
        raise ValueError(f"{op}: {name} must be an integer >= {low}, not {value}")
    return int(value)


def _flag(value, name, op):
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{op}: {name} must be a bool (True or False), not {_describe(value)}")
    return bool(value)


def _sized(data_source, op):
    """`data_source` if it is a dataset-like thing with a length (not a str or a dict), else a TypeError."""
    if isinstance(data_source, (str, bytes)) or not hasattr(data_source, "__len__"):
        raise TypeError(f"{op}: data_source must be a dataset with a length, not {_describe(data_source)}")
    return data_source


def _indices(indices, op):
    """`indices` if it is a sequence of integers (a list, a tuple, a numpy array or a Tensor), else an error."""
    if isinstance(indices, (np.ndarray, Tensor)):
        if indices.dtype.kind not in "iu":
            raise TypeError(f"{op}: indices must hold integers, not {indices.dtype}")
        return indices
    if not isinstance(indices, Sequence) or isinstance(indices, (str, bytes)):
        raise TypeError(f"{op}: indices must be a sequence of ints, not {_describe(indices)}")
    for i in indices:
        if isinstance(i, bool) or not isinstance(i, (int, np.integer)):
            raise TypeError(f"{op}: indices must be ints, not {_describe(i)}")
    return indices


def _length(dataset, op):
    try:
        return len(dataset)
    except TypeError:
        raise TypeError(f"{op}: the dataset ({type(dataset).__name__}) has no length (__len__)") from None


# ---- datasets ----------------------------------------------------------------------------

class Dataset:
    """A map-style dataset: subclasses define __getitem__(index) and usually __len__. `a + b` concatenates."""

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__")

    def __add__(self, other):
        return ConcatDataset([self, other])


class IterableDataset(Dataset):
    """A dataset that yields its samples itself: subclasses define __iter__. DataLoader batches them in order."""

    def __iter__(self):
        raise NotImplementedError(f"{type(self).__name__} must define __iter__")

    def __add__(self, other):
        raise TypeError("IterableDataset: + concatenates map-style datasets only")


class TensorDataset(Dataset):
    """Sample i is (t[i] for t in tensors): tensors that share their first dimension."""

    def __init__(self, *tensors):
        for i, t in enumerate(tensors):
            if not isinstance(t, Tensor):
                raise TypeError(f"TensorDataset: argument {i} is {_describe(t)}, not a Tensor")
            if t.ndim == 0:
                raise ValueError(f"TensorDataset: argument {i} is 0-d; each tensor needs a first dimension to index")
        if tensors and any(t.shape[0] != tensors[0].shape[0] for t in tensors):
            raise ValueError(f"TensorDataset: Size mismatch between tensors: first dimensions "
                             f"{[t.shape[0] for t in tensors]}")
        self.tensors = tensors

    def __getitem__(self, index):
        return tuple(t[index] for t in self.tensors)

    def __len__(self):
        return self.tensors[0].shape[0] if self.tensors else 0


class ConcatDataset(Dataset):
    """The datasets one after another: index i falls in the first dataset whose cumulative size exceeds i."""

    def __init__(self, datasets):
        if isinstance(datasets, Dataset) or not isinstance(datasets, (list, tuple)):
            raise TypeError(f"ConcatDataset: datasets must be a list of datasets, not {_describe(datasets)}")
        self.datasets = list(datasets)
        if not self.datasets:
            raise ValueError("ConcatDataset: datasets should not be an empty iterable")
        for i, d in enumerate(self.datasets):
            if isinstance(d, IterableDataset):
                raise TypeError(f"ConcatDataset: does not support IterableDataset (dataset {i})")
        self.cumulative_sizes = []
        total = 0
        for d in self.datasets:
            total += _length(d, "ConcatDataset")
            self.cumulative_sizes.append(total)

    def __len__(self):
        return self.cumulative_sizes[-1]

    def __getitem__(self, idx):
        if isinstance(idx, bool) or not isinstance(idx, (int, np.integer)):
            raise TypeError(f"ConcatDataset: index must be an integer, not {_describe(idx)}")
        if idx < 0:
            if -idx > len(self):
                raise IndexError(f"ConcatDataset: index {idx} is out of range for length {len(self)}")
            idx = len(self) + idx
        if idx >= len(self):
            raise IndexError(f"ConcatDataset: index {idx} is out of range for length {len(self)}")
        which = bisect.bisect_right(self.cumulative_sizes, idx)
        start = self.cumulative_sizes[which - 1] if which else 0
        return self.datasets[which][idx - start]


class Subset(Dataset):
    """The samples of `dataset` at `indices`, in that order: subset[i] == dataset[indices[i]]."""

    def __init__(self, dataset, indices):
        if isinstance(dataset, (str, bytes)) or not hasattr(dataset, "__getitem__"):
            raise TypeError(f"Subset: dataset must support indexing (__getitem__), not {_describe(dataset)}")
        self.dataset = dataset
        self.indices = _indices(indices, "Subset")

    def __getitem__(self, idx):
        if isinstance(idx, list):
            return [self.dataset[self.indices[i]] for i in idx]
        return self.dataset[self.indices[idx]]

    def __len__(self):
        return len(self.indices)


def random_split(dataset, lengths, generator=None):
    """Split `dataset` into non-overlapping Subsets of the given lengths, from one random permutation.

    lengths: counts that sum to len(dataset), or fractions that sum to 1: each gets
    floor(n * fraction) samples and the remainder goes out one by one, round robin from
    the first (as torch's). generator: a tg.Generator, else the default stream."""
    n = _length(dataset, "random_split")
    if isinstance(lengths, (str, Mapping)) or not isinstance(lengths, (Sequence, np.ndarray)):
        raise TypeError(f"random_split: lengths must be a list of ints or of fractions, not {_describe(lengths)}")
    lengths = list(lengths)
    if not lengths:
        raise ValueError("random_split: lengths is empty")
    values = [check_number(x, "lengths", "random_split") for x in lengths]
    if math.isclose(sum(values), 1) and sum(values) <= 1:
        for i, frac in enumerate(values):
            if not 0 <= frac <= 1:
                raise ValueError(f"random_split: Fraction at index {i} is not between 0 and 1")
        counts = [int(math.floor(n * frac)) for frac in values]
        for i in range(n - sum(counts)):
            counts[i % len(counts)] += 1
        if any(c == 0 for c in counts):
            warnings.warn("random_split: a split has length 0", UserWarning, stacklevel=2)
    else:
        counts = [_count(x, "lengths", "random_split", low=0) for x in lengths]
    if sum(counts) != n:
        raise ValueError(f"random_split: Sum of input lengths ({sum(counts)}) does not equal the length of the "
                         f"input dataset ({n})")
    order = rng._numpy_generator(generator, "random_split").permutation(n).tolist()
    out, start = [], 0
    for count in counts:
        out.append(Subset(dataset, order[start:start + count]))
        start += count
    return out


# ---- samplers ----------------------------------------------------------------------------

class Sampler:
    """Yields indices into a dataset: subclasses define __iter__ (and __len__ when they know it)."""

    def __iter__(self):
        raise NotImplementedError(f"{type(self).__name__} must define __iter__")


class SequentialSampler(Sampler):
    """0, 1, ..., len(data_source) - 1."""

    def __init__(self, data_source):
        self.data_source = _sized(data_source, "SequentialSampler")

    def __iter__(self):
        return iter(range(len(self.data_source)))

    def __len__(self):
        return len(self.data_source)


class RandomSampler(Sampler):
    """A random order of the indices: a permutation (several in a row when num_samples exceeds the
    dataset, the last one cut short), or with replacement num_samples uniform draws."""

    def __init__(self, data_source, replacement=False, num_samples=None, generator=None):
        self.data_source = _sized(data_source, "RandomSampler")
        self.replacement = _flag(replacement, "replacement", "RandomSampler")
        if num_samples is not None:
            _count(num_samples, "num_samples", "RandomSampler")
        self._num_samples = num_samples
        if self.num_samples < 1:
            raise ValueError(f"RandomSampler: num_samples should be a positive integer value, but got "
                             f"num_samples={self.num_samples} (an empty dataset)")
        rng._numpy_generator(generator, "RandomSampler")
        self.generator = generator

    @property
    def num_samples(self):
        """How many indices one pass yields (len(data_source) unless given)."""
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __iter__(self):
        n, draws = len(self.data_source), rng._numpy_generator(self.generator, "RandomSampler")
        if self.replacement:
            yield from draws.integers(0, n, size=self.num_samples).tolist()
            return
        for _ in range(self.num_samples // n if n else 0):
            yield from draws.permutation(n).tolist()
        if n:
            yield from draws.permutation(n).tolist()[:self.num_samples % n]

    def __len__(self):
        return self.num_samples


class SubsetRandomSampler(Sampler):
    """The given indices in a random order."""

    def __init__(self, indices, generator=None):
        indices = _indices(indices, "SubsetRandomSampler")
        rng._numpy_generator(generator, "SubsetRandomSampler")
        self.indices, self.generator = indices, generator

    def __iter__(self):
        for i in rng._numpy_generator(self.generator, "SubsetRandomSampler").permutation(len(self.indices)).tolist():
            yield self.indices[i]

    def __len__(self):
        return len(self.indices)


class WeightedRandomSampler(Sampler):
    """num_samples indices drawn with probability weights[i] / sum(weights) (with or without replacement)."""

    def __init__(self, weights, num_samples, replacement=True, generator=None):
        op = "WeightedRandomSampler"
        self.num_samples = _count(num_samples, "num_samples", op)
        self.replacement = _flag(replacement, "replacement", op)
        try:
            w = np.asarray(weights.numpy() if isinstance(weights, Tensor) else weights, dtype=np.float64)
        except (TypeError, ValueError):
            raise TypeError(f"{op}: weights must be a sequence of numbers, not {_describe(weights)}") from None
        if w.ndim != 1 or w.size == 0:
            raise ValueError(f"{op}: weights must be a non-empty 1-d sequence, got shape {w.shape}")
        if not np.all(np.isfinite(w)) or np.any(w < 0) or w.sum() <= 0:
            raise ValueError(f"{op}: weights must be finite, >= 0 and not all zero")
        if not self.replacement and self.num_samples > np.count_nonzero(w):
            raise ValueError(f"{op}: cannot draw {self.num_samples} samples without replacement from "
                             f"{np.count_nonzero(w)} non-zero weights")
        rng._numpy_generator(generator, op)
        self.weights, self.generator = w, generator

    def __iter__(self):
        draws = rng._numpy_generator(self.generator, "WeightedRandomSampler")
        yield from draws.choice(len(self.weights), size=self.num_samples, replace=self.replacement,
                                p=self.weights / self.weights.sum()).tolist()

    def __len__(self):
        return self.num_samples


class BatchSampler(Sampler):
    """Groups another sampler's indices into lists of batch_size (the last one shorter unless drop_last)."""

    def __init__(self, sampler, batch_size, drop_last):
        if isinstance(sampler, (str, bytes, Mapping)) or not hasattr(sampler, "__iter__"):
            raise TypeError(f"BatchSampler: sampler must be an iterable of indices, not {_describe(sampler)}")
        self.sampler = sampler
        self.batch_size = _count(batch_size, "batch_size", "BatchSampler")
        self.drop_last = _flag(drop_last, "drop_last", "BatchSampler")

    def __iter__(self):
        batch = []
        for index in self.sampler:
            batch.append(index)
            if len(batch) == self.batch_size:
                yield batch
                batch = []
        if batch and not self.drop_last:
            yield batch

    def __len__(self):
        n = len(self.sampler)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)


# ---- collation -----------------------------------------------------------------------------

def _is_namedtuple(x):
    return isinstance(x, tuple) and hasattr(x, "_fields")


def default_collate(batch):
    """Merge a list of samples into a batch, as torch's default_collate:

    Tensors -> stacked along a new first axis; numpy arrays -> Tensors, stacked; numpy
    scalars and Python floats / ints / bools -> a 1-d Tensor (floats as float64, ints as
    int64, as torch's); str and bytes -> the list as it is; dicts -> a dict of collated
    fields; tuples -> a list of collated fields (named tuples stay named tuples); lists ->
    a list of collated fields (every sample must have the same length)."""
    if not isinstance(batch, (list, tuple)) or not batch:
        raise TypeError(f"default_collate: batch must be a non-empty list of samples, not {_describe(batch)}")
    elem = batch[0]
    if isinstance(elem, Tensor):
        if any(not isinstance(b, Tensor) or b.shape != elem.shape for b in batch):
            raise ValueError(f"default_collate: stack expects each tensor to be equal size, got "
                             f"{[getattr(b, 'shape', type(b).__name__) for b in batch]}")
        return Tensor.stack(list(batch), 0)
    if isinstance(elem, (np.ndarray, np.generic)) and not isinstance(elem, (np.str_, np.bytes_)):
        if elem.dtype.kind in "OSUV":
            raise TypeError(f"default_collate: batch must contain tensors, numpy arrays, numbers, dicts or "
                            f"lists; found a numpy array of {elem.dtype}")
        if isinstance(elem, np.generic) or elem.ndim == 0:
            return _to_tensor(np.stack([np.asarray(b) for b in batch]))
        return default_collate([Tensor(np.asarray(b)) for b in batch])
    if isinstance(elem, numbers.Integral):  # bools too: a bool tensor, as torch's
        return _to_tensor(list(batch))
    if isinstance(elem, float):
        return _to_tensor(list(batch), dtype=np.float64)
    if isinstance(elem, (str, bytes)):
        return batch
    if isinstance(elem, Mapping):
        try:
            return type(elem)({key: default_collate([d[key] for d in batch]) for key in elem})
        except TypeError:
            return {key: default_collate([d[key] for d in batch]) for key in elem}
    if _is_namedtuple(elem):
        return type(elem)(*(default_collate(list(samples)) for samples in zip(*batch)))
    if isinstance(elem, Sequence):
        if any(len(b) != len(elem) for b in batch):
            raise ValueError("default_collate: each element in list of batch should be of equal size")
        return [default_collate(list(samples)) for samples in zip(*batch)]
    raise TypeError(f"default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; "
                    f"found {type(elem).__name__}")


def default_convert(data):
    """Numpy arrays and scalars (not of strings) in `data` become Tensors, inside tuples, lists and
    dicts too; tuples become lists (as torch's); everything else is returned as it is
    (DataLoader's collation when batch_size is None)."""
    if isinstance(data, (np.ndarray, np.generic)) and not isinstance(data, (np.str_, np.bytes_)):
        return data if data.dtype.kind in "OSUV" else Tensor(np.asarray(data))
    if isinstance(data, Mapping):
        return {key: default_convert(value) for key, value in data.items()}
    if _is_namedtuple(data):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, (list, tuple)):  # a tuple becomes a list, as torch's
        return [default_convert(d) for d in data]
    return data


# ---- the loader ------------------------------------------------------------------------------

def get_worker_info():
    """None: the calling process loads every batch (torch returns None there too), so an
    IterableDataset that shards its stream by worker reads all of it."""
    return None


_WARNED_WORKERS = []


class DataLoader:
    """Iterate over `dataset` in batches, as torch's DataLoader.

    batch_size (None: no batching, each sample converted by default_convert), shuffle
    (a RandomSampler with `generator`), or a `sampler`, or a `batch_sampler` yielding
    lists of indices; drop_last drops a short final batch; collate_fn merges a list of
    samples (default_collate). An IterableDataset is read in order and batched.
    num_workers > 0 runs in this process (a warning says so once); pin_memory, timeout,
    worker_init_fn, prefetch_factor, persistent_workers and in_order change nothing here.
    """

    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None, num_workers=0,
                 collate_fn=None, pin_memory=False, drop_last=False, timeout=0, worker_init_fn=None,
                 multiprocessing_context=None, generator=None, *, prefetch_factor=None, persistent_workers=False,
                 pin_memory_device="", in_order=True):
        op = "DataLoader"
        if isinstance(dataset, (str, bytes)) or not (hasattr(dataset, "__getitem__") or hasattr(dataset, "__iter__")):
            raise TypeError(f"{op}: dataset must support indexing (__getitem__) or iteration, not "
                            f"{_describe(dataset)}")
        if batch_size is not None:
            batch_size = _count(batch_size, "batch_size", op)
        if shuffle is not None:
            shuffle = _flag(shuffle, "shuffle", op)
        drop_last = _flag(drop_last, "drop_last", op)
        self.num_workers = _count(num_workers, "num_workers", op, low=0)
        check_number(timeout, "timeout", op, low=0)
        for name, value in (("pin_memory", pin_memory), ("persistent_workers", persistent_workers),
                            ("in_order", in_order)):
            _flag(value, name, op)
        if not isinstance(pin_memory_device, str):
            raise TypeError(f"{op}: pin_memory_device must be a str, not {_describe(pin_memory_device)}")
        if prefetch_factor is not None:
            _count(prefetch_factor, "prefetch_factor", op, low=0)
        if multiprocessing_context is not None and multiprocessing_context not in ("fork", "spawn", "forkserver"):
            raise ValueError(f"{op}: multiprocessing_context must be None, 'fork', 'spawn' or 'forkserver', "
                             f"not {multiprocessing_context!r}")
        if self.num_workers == 0 and (prefetch_factor is not None or persistent_workers
                                      or multiprocessing_context is not None):
            raise ValueError(f"{op}: prefetch_factor, persistent_workers and multiprocessing_context need "
                             "num_workers > 0, as in torch")
        for name, fn in (("collate_fn", collate_fn), ("worker_init_fn", worker_init_fn)):
            if fn is not None and not callable(fn):
                raise TypeError(f"{op}: {name} must be a function, not {_describe(fn)}")
        rng._numpy_generator(generator, op)
        for name, s in (("sampler", sampler), ("batch_sampler", batch_sampler)):
            if s is not None and (isinstance(s, (str, bytes, Mapping)) or not hasattr(s, "__iter__")):
                raise TypeError(f"{op}: {name} must be an iterable of indices, not {_describe(s)}")
        if isinstance(batch_sampler, (list, tuple)):  # a literal list of batches: check it here, not mid-epoch
            for batch in batch_sampler:
                _indices(batch, f"{op}: batch_sampler")
        self._iterable = isinstance(dataset, IterableDataset)
        if self._iterable:
            if shuffle:
                raise ValueError(f"{op}: with an IterableDataset, shuffle must not be set (got {shuffle})")
            if sampler is not None or batch_sampler is not None:
                raise ValueError(f"{op}: with an IterableDataset, sampler and batch_sampler must not be set")
        if sampler is not None and shuffle:
            raise ValueError(f"{op}: sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError(f"{op}: batch_sampler option is mutually exclusive with batch_size, shuffle, "
                                 "sampler, and drop_last")
            batch_size, drop_last = None, False
        elif batch_size is None and drop_last:
            raise ValueError(f"{op}: batch_size=None option disables auto-batching and is mutually exclusive "
                             "with drop_last")
        if self.num_workers > 0 and not _WARNED_WORKERS:
            _WARNED_WORKERS.append(True)
            warnings.warn(f"DataLoader: num_workers={self.num_workers} is accepted, but batches are loaded in "
                          "the calling process (the engine has no worker processes)", UserWarning, stacklevel=2)
        if sampler is None and not self._iterable:
            sampler = RandomSampler(dataset, generator=generator) if shuffle else SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None and not self._iterable:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.dataset, self.batch_size, self.drop_last = dataset, batch_size, drop_last
        self.sampler, self.batch_sampler, self.generator = sampler, batch_sampler, generator
        self.collate_fn = collate_fn if collate_fn is not None else \
            (default_collate if batch_size is not None or batch_sampler is not None else default_convert)
        self.pin_memory, self.timeout, self.worker_init_fn = pin_memory, timeout, worker_init_fn
        self.prefetch_factor, self.persistent_workers = prefetch_factor, persistent_workers

    def __iter__(self):
        if self._iterable:
            yield from self._iterate_stream()
        elif self.batch_sampler is not None:
            for indices in self.batch_sampler:
                yield self.collate_fn([self.dataset[i] for i in indices])
        else:
            for index in self.sampler:
                yield self.collate_fn(self.dataset[index])

    def _iterate_stream(self):
        if self.batch_size is None:
            for sample in self.dataset:
                yield self.collate_fn(sample)
            return
        batch = []
        for sample in self.dataset:
            batch.append(sample)
            if len(batch) == self.batch_size:
                yield self.collate_fn(batch)
                batch = []
        if batch and not self.drop_last:
            yield self.collate_fn(batch)

    def __len__(self):
        """The number of batches (of samples when batch_size is None)."""
        if self._iterable:
            n = _length(self.dataset, "DataLoader")
            if self.batch_size is None:
                return n
            return n // self.batch_size if self.drop_last else -(-n // self.batch_size)
        return len(self.batch_sampler if self.batch_sampler is not None else self.sampler)
