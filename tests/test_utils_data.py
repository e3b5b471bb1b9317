"""tg.utils.data against torch.utils.data.

Where no randomness is involved the engine must give what torch gives: default_collate's
structure, values and dtypes for Tensors, numpy arrays, numbers, strings, tuples, named
tuples, lists and dicts; DataLoader's batches in order (batch_size, drop_last,
batch_size=None, a BatchSampler, an IterableDataset); ConcatDataset and Subset indexing;
random_split's lengths (counts and fractions). Random orders are the engine's own: they
must be permutations (or draws) of the right indices, reproducible under tg.manual_seed
and under a tg.Generator, and different from one epoch to the next.
"""
import collections
import warnings

import numpy as np
import pytest

from helpers import torch

import tinygrad_lite as tg
from tinygrad_lite.utils import data
from tinygrad_lite.utils.data import (BatchSampler, ConcatDataset, DataLoader, Dataset, IterableDataset,
                                      RandomSampler, SequentialSampler, Subset, SubsetRandomSampler,
                                      TensorDataset, WeightedRandomSampler, default_collate, random_split)

Point = collections.namedtuple("Point", "x y")


def as_plain(value):
    """A batch as nested Python/numpy values, whichever library made it: arrays keep their dtype name."""
    if isinstance(value, (tg.Tensor, torch.Tensor)):
        array = value.numpy() if isinstance(value, tg.Tensor) else value.detach().numpy()
        return ("tensor", str(array.dtype), array.tolist())
    if isinstance(value, dict):
        return {k: as_plain(v) for k, v in value.items()}
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return (type(value).__name__, [as_plain(v) for v in value])
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, [as_plain(v) for v in value])
    return value


SAMPLES = {
    "floats": [1.5, 2.5, -1.0],
    "ints": [1, 2, 3],
    "bools": [True, False, True],
    "strings": ["a", "bc", "d"],
    "numpy arrays": [np.arange(6, dtype=np.float32).reshape(2, 3) + i for i in range(3)],
    "numpy int arrays": [np.arange(4) * i for i in range(3)],
    "numpy scalars": [np.float64(1.5), np.float64(2.0), np.float64(-3.0)],
    "tuples": [(np.ones(2) * i, i, float(i)) for i in range(3)],
    "lists": [[i, float(i) / 2] for i in range(3)],
    "dicts": [{"x": np.full(3, i, np.float32), "label": i, "name": f"s{i}"} for i in range(3)],
    "named tuples": [Point(np.ones(2) * i, i) for i in range(3)],
    "nested": [{"pair": (np.ones(1) * i, [i, i + 1])} for i in range(3)],
}


@pytest.mark.parametrize("name", list(SAMPLES))
def test_default_collate_matches_torch(name):
    batch = SAMPLES[name]
    ours = default_collate(batch)
    theirs = torch.utils.data.default_collate(batch)
    assert as_plain(ours) == as_plain(theirs)


def test_default_collate_stacks_tensors_like_torch():
    arrays = [np.arange(6.0).reshape(2, 3) * i for i in range(4)]
    ours = default_collate([tg.tensor(a) for a in arrays])
    theirs = torch.utils.data.default_collate([torch.tensor(a) for a in arrays])
    assert as_plain(ours) == as_plain(theirs) and ours.shape == (4, 2, 3)
    pairs = [(tg.tensor(a), i) for i, a in enumerate(arrays)]
    ours = default_collate(pairs)
    theirs = torch.utils.data.default_collate([(torch.tensor(a), i) for i, a in enumerate(arrays)])
    assert as_plain(ours) == as_plain(theirs)


def _datasets(n=10):
    x = np.arange(n * 3, dtype=np.float32).reshape(n, 3)
    y = np.arange(n) % 3
    return TensorDataset(tg.tensor(x), tg.tensor(y)), torch.utils.data.TensorDataset(torch.tensor(x),
                                                                                       torch.tensor(y))


@pytest.mark.parametrize("kwargs", [dict(batch_size=3), dict(batch_size=3, drop_last=True), dict(batch_size=10),
                                    dict(batch_size=None), dict(batch_size=4, num_workers=0),
                                    dict(sampler=[9, 0, 3, 3]), dict(batch_size=2, sampler=range(7, 2, -1))])
def test_dataloader_without_shuffle_gives_torchs_batches(kwargs):
    ours, theirs = _datasets()
    a, b = DataLoader(ours, **kwargs), torch.utils.data.DataLoader(theirs, **kwargs)
    assert len(a) == len(b)
    assert [as_plain(x) for x in a] == [as_plain(x) for x in b]


def test_dataloader_batch_sampler_and_collate_fn():
    ours, theirs = _datasets()
    batches = [[0, 5], [2], [9, 8, 7]]
    a = DataLoader(ours, batch_sampler=batches, collate_fn=lambda samples: len(samples))
    b = torch.utils.data.DataLoader(theirs, batch_sampler=batches, collate_fn=lambda samples: len(samples))
    assert list(a) == list(b) == [2, 1, 3]
    ours_sampler = BatchSampler(SequentialSampler(range(10)), 4, drop_last=False)
    theirs_sampler = torch.utils.data.BatchSampler(torch.utils.data.SequentialSampler(range(10)), 4, False)
    assert list(ours_sampler) == list(theirs_sampler) and len(ours_sampler) == len(theirs_sampler)
    assert len(BatchSampler(range(10), 4, drop_last=True)) == 2


class Counting(IterableDataset):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        return iter({"i": i, "v": np.full(2, i, np.float64)} for i in range(self.n))

    def __len__(self):
        return self.n


class TorchCounting(torch.utils.data.IterableDataset):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        return iter({"i": i, "v": np.full(2, i, np.float64)} for i in range(self.n))

    def __len__(self):
        return self.n


@pytest.mark.parametrize("kwargs", [dict(batch_size=3), dict(batch_size=3, drop_last=True), dict(batch_size=None)])
def test_iterable_dataset_batches_in_order_like_torch(kwargs):
    a, b = DataLoader(Counting(7), **kwargs), torch.utils.data.DataLoader(TorchCounting(7), **kwargs)
    assert len(a) == len(b)
    assert [as_plain(x) for x in a] == [as_plain(x) for x in b]


def test_concat_and_subset_index_like_torch():
    ours, theirs = _datasets(4)
    ours2, theirs2 = _datasets(3)
    a, b = ConcatDataset([ours, ours2]), torch.utils.data.ConcatDataset([theirs, theirs2])
    assert len(a) == len(b) == 7 and a.cumulative_sizes == b.cumulative_sizes
    for i in list(range(7)) + [-1, -7]:
        assert as_plain(a[i]) == as_plain(b[i])
    assert len(ours + ours2) == 7
    s, t = Subset(a, [6, 0, 3]), torch.utils.data.Subset(b, [6, 0, 3])
    assert len(s) == len(t) and [as_plain(s[i]) for i in range(3)] == [as_plain(t[i]) for i in range(3)]
    with pytest.raises(IndexError, match="ConcatDataset"):
        a[7]


@pytest.mark.parametrize("lengths", [[3, 7], [0.3, 0.7], [0.5, 0.25, 0.25], [0.34, 0.33, 0.33], [1.0], [10, 0]])
def test_random_split_lengths_are_torchs_and_the_subsets_partition(lengths):
    ours, theirs = _datasets()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a split of length 0
        a = random_split(ours, lengths, generator=tg.Generator().manual_seed(1))
        b = torch.utils.data.random_split(theirs, lengths, generator=torch.Generator().manual_seed(1))
    assert [len(s) for s in a] == [len(s) for s in b]
    assert sorted(i for s in a for i in s.indices) == list(range(10))


def test_shuffling_is_a_permutation_reproducible_under_manual_seed_and_generators():
    ours, _ = _datasets(20)

    tg.manual_seed(5)
    loader = DataLoader(ours, batch_size=6, shuffle=True)
    first = [x for xb, _ in loader for x in xb.numpy()[:, 0].tolist()]
    second = [x for xb, _ in loader for x in xb.numpy()[:, 0].tolist()]
    assert sorted(first) == sorted(second) == [3.0 * i for i in range(20)]
    assert first != second, "each epoch draws a new order"
    tg.manual_seed(5)
    assert [x for xb, _ in DataLoader(ours, batch_size=6, shuffle=True) for x in xb.numpy()[:, 0].tolist()] == first
    g1, g2 = tg.Generator().manual_seed(3), tg.Generator().manual_seed(3)
    assert list(RandomSampler(range(20), generator=g1)) == list(RandomSampler(range(20), generator=g2))
    assert sorted(SubsetRandomSampler([4, 8, 15, 16]), key=int) == [4, 8, 15, 16]


def test_random_sampler_replacement_and_num_samples():
    tg.manual_seed(0)
    long = list(RandomSampler(range(4), num_samples=10))
    assert len(long) == 10 and sorted(long[:4]) == sorted(long[4:8]) == [0, 1, 2, 3] and len(set(long[8:])) == 2
    drawn = list(RandomSampler(range(3), replacement=True, num_samples=200))
    assert len(drawn) == 200 and set(drawn) == {0, 1, 2}
    assert len(RandomSampler(range(4), num_samples=10)) == 10


def test_weighted_random_sampler():
    tg.manual_seed(0)
    drawn = list(WeightedRandomSampler([0.0, 1.0, 3.0, 0.0], num_samples=400))
    assert set(drawn) == {1, 2} and 0.6 < drawn.count(2) / 400 < 0.9
    unique = list(WeightedRandomSampler([1.0, 1.0, 5.0], num_samples=3, replacement=False))
    assert sorted(unique) == [0, 1, 2]


def test_num_workers_runs_in_process_and_warns_once():
    ours, _ = _datasets()
    data._WARNED_WORKERS.clear()
    with pytest.warns(UserWarning, match="num_workers=2.*calling process"):
        loader = DataLoader(ours, batch_size=5, num_workers=2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        DataLoader(ours, batch_size=5, num_workers=2)
    assert len(list(loader)) == 2


def test_map_style_dataset_subclass():
    class Squares(Dataset):
        def __len__(self):
            return 5

        def __getitem__(self, i):
            return np.float32(i * i), {"i": i}

    batches = list(DataLoader(Squares(), batch_size=2))
    assert batches[0][0].tolist() == [0.0, 1.0] and batches[0][1]["i"].tolist() == [0, 1]
    assert batches[-1][0].tolist() == [16.0]


BAD = [
    (lambda: DataLoader(_datasets()[0], batch_size=0), ValueError, "DataLoader.*batch_size"),
    (lambda: DataLoader(_datasets()[0], batch_size=2.5), TypeError, "DataLoader.*batch_size"),
    (lambda: DataLoader(_datasets()[0], shuffle=True, sampler=[0, 1]), ValueError, "DataLoader.*mutually exclusive"),
    (lambda: DataLoader(_datasets()[0], batch_size=2, batch_sampler=[[0]]), ValueError,
     "DataLoader.*batch_sampler"),
    (lambda: DataLoader(Counting(3), shuffle=True), ValueError, "DataLoader.*IterableDataset"),
    (lambda: DataLoader(_datasets()[0], generator=3), TypeError, "DataLoader.*generator"),
    (lambda: DataLoader(5), TypeError, "DataLoader.*dataset"),
    (lambda: TensorDataset(tg.ones(3, 2), tg.ones(4)), ValueError, "TensorDataset.*Size mismatch"),
    (lambda: TensorDataset(np.ones(3)), TypeError, "TensorDataset.*not a Tensor"),
    (lambda: random_split(range(10), [3, 3]), ValueError, "random_split.*Sum of input lengths"),
    (lambda: random_split(range(10), [1.5, -0.5]), ValueError, "random_split"),
    (lambda: random_split(range(10), 5), TypeError, "random_split.*lengths"),
    (lambda: RandomSampler(range(3), num_samples=0), ValueError, "RandomSampler.*num_samples"),
    (lambda: RandomSampler(range(3), replacement="yes"), TypeError, "RandomSampler.*replacement"),
    (lambda: WeightedRandomSampler([1.0, -1.0], 2), ValueError, "WeightedRandomSampler.*weights"),
    (lambda: WeightedRandomSampler([1.0, 0.0], 2, replacement=False), ValueError, "WeightedRandomSampler"),
    (lambda: BatchSampler(range(3), 0, False), ValueError, "BatchSampler.*batch_size"),
    (lambda: default_collate([object(), object()]), TypeError, "default_collate"),
    (lambda: default_collate([tg.ones(2), tg.ones(3)]), ValueError, "default_collate.*equal size"),
    (lambda: default_collate([[1, 2], [3]]), ValueError, "default_collate.*equal size"),
    (lambda: ConcatDataset([]), ValueError, "ConcatDataset"),
    (lambda: ConcatDataset([Counting(2)]), TypeError, "ConcatDataset.*IterableDataset"),
]


@pytest.mark.parametrize("make, error, match", BAD, ids=[m for _, _, m in BAD])
def test_bad_arguments_raise_naming_the_function(make, error, match):
    with pytest.raises(error, match=match):
        make()


def test_an_iterable_dataset_that_shards_by_worker_reads_everything():
    """The usual torch pattern: get_worker_info() is None in the loading process, so one worker reads all."""
    class Sharded(IterableDataset):
        def __iter__(self):
            info = data.get_worker_info()
            start, step = (0, 1) if info is None else (info.id, info.num_workers)
            return iter(range(start, 10, step))

    assert data.get_worker_info() is None is torch.utils.data.get_worker_info()
    assert [int(x) for batch in DataLoader(Sharded(), batch_size=4) for x in batch.tolist()] == list(range(10))
