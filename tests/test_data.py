"""The built-in data sets and the batch iterator: shapes, dtypes, layouts, seeding, errors."""
import sys
from collections import Counter

import numpy as np
import pytest

from tinygrad_lite import data


# ---- digits -----------------------------------------------------------------------------

def test_load_digits_is_sklearns_digits_scaled_to_unit_interval():
    sklearn_datasets = pytest.importorskip("sklearn.datasets", reason="the digits ship with scikit-learn")
    X, y = data.load_digits()
    reference = sklearn_datasets.load_digits()
    assert X.shape == (1797, 64) and X.dtype == np.float32
    assert y.shape == (1797,) and y.dtype == np.int64
    assert X.min() == 0.0 and X.max() == 1.0
    np.testing.assert_array_equal(X * 16, reference.data)  # x / 16 * 16 is exact in float32 for 0..16
    np.testing.assert_array_equal(y, reference.target)
    assert set(y.tolist()) == set(range(10))


def test_load_digits_without_sklearn_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)  # makes the import raise ImportError
    with pytest.raises(ImportError, match=r"pip install 'tinygrad_lite\[examples\]'"):
        data.load_digits()


# ---- train/test split -------------------------------------------------------------------

def test_train_test_split_partitions_the_rows_and_keeps_them_aligned():
    X = np.arange(50, dtype=np.float32).reshape(25, 2)
    y = np.arange(25)
    X_train, X_test, y_train, y_test = data.train_test_split(X, y, test_fraction=0.2, seed=3)
    assert len(X_test) == 5 and len(X_train) == 20
    assert sorted(np.concatenate([y_train, y_test]).tolist()) == list(range(25))
    np.testing.assert_array_equal(X_train[:, 0], 2 * y_train)  # each row still has its own label
    np.testing.assert_array_equal(X_test[:, 0], 2 * y_test)


def test_train_test_split_depends_only_on_the_seed():
    y = np.arange(100)
    first = data.train_test_split(y, seed=1)
    again = data.train_test_split(y, seed=1)
    other = data.train_test_split(y, seed=2)
    np.testing.assert_array_equal(first[1], again[1])
    assert not np.array_equal(first[1], other[1])


@pytest.mark.parametrize("arrays, fraction, match", [
    ((np.zeros(4), np.zeros(5)), 0.2, r"same number of rows.*\(4,\).*\(5,\)"),
    ((np.zeros(4),), 1.0, "strictly between 0 and 1"),
    ((np.zeros(1),), 0.5, "at least 2 rows"),
])
def test_train_test_split_rejects_bad_input(arrays, fraction, match):
    with pytest.raises(ValueError, match=match):
        data.train_test_split(*arrays, test_fraction=fraction)


# ---- two moons --------------------------------------------------------------------------

def test_two_moons_without_noise_lies_on_the_two_half_circles():
    X, y = data.two_moons(n=101, noise=0.0, seed=0)
    assert X.shape == (101, 2) and X.dtype == np.float32 and y.dtype == np.int64
    assert Counter(y.tolist()) == {0: 51, 1: 50}
    upper, lower = X[y == 0].astype(np.float64), X[y == 1].astype(np.float64)
    np.testing.assert_allclose(np.hypot(upper[:, 0], upper[:, 1]), 1.0, atol=1e-6)
    assert (upper[:, 1] >= -1e-6).all()
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1.0, lower[:, 1] - 0.5), 1.0, atol=1e-6)
    assert (lower[:, 1] <= 0.5 + 1e-6).all()


def test_two_moons_noise_has_the_requested_spread_and_the_seed_fixes_it():
    clean, y_clean = data.two_moons(n=2000, noise=0.0, seed=5)
    noisy, y_noisy = data.two_moons(n=2000, noise=0.1, seed=5)
    np.testing.assert_array_equal(y_clean, y_noisy)  # same seed: same shuffle
    assert abs(float(np.std(noisy - clean)) - 0.1) < 0.01
    np.testing.assert_array_equal(noisy, data.two_moons(n=2000, noise=0.1, seed=5)[0])


def test_two_moons_rejects_bad_arguments():
    with pytest.raises(ValueError, match="at least 2"):
        data.two_moons(n=1)
    with pytest.raises(ValueError, match="negative"):
        data.two_moons(n=10, noise=-0.1)


# ---- digit sequence tasks ---------------------------------------------------------------

def _reference_answer(task, digits):
    digits = list(digits)
    return {"sort": sorted(digits), "reverse": digits[::-1], "copy": digits}[task]


@pytest.mark.parametrize("task", data.DIGIT_TASKS)
def test_digit_task_layout_is_prompt_separator_answer(task):
    L = 6
    inputs, targets = data.digit_task(task, n=40, length=L, seed=1)
    assert inputs.shape == targets.shape == (40, 2 * L)
    assert inputs.dtype == targets.dtype == np.int64
    assert (inputs[:, L] == data.SEPARATOR).all()
    assert ((inputs[:, :L] >= 0) & (inputs[:, :L] <= 9)).all()
    assert (targets[:, :L] == data.IGNORE_INDEX).all()  # no loss on the prompt
    # teacher forcing: the answer tokens the model reads are the targets one step earlier
    np.testing.assert_array_equal(inputs[:, L + 1:], targets[:, L:-1])
    for prompt, answer in zip(inputs[:, :L], targets[:, L:]):
        assert answer.tolist() == _reference_answer(task, prompt.tolist())


def test_digit_task_is_fixed_by_its_seed_and_rejects_unknown_tasks():
    a = data.digit_task("sort", n=8, seed=4)[0]
    np.testing.assert_array_equal(a, data.digit_task("sort", n=8, seed=4)[0])
    assert not np.array_equal(a, data.digit_task("sort", n=8, seed=5)[0])
    with pytest.raises(ValueError, match="unknown task 'add'"):
        data.digit_task("add", n=2)
    with pytest.raises(ValueError, match="length"):
        data.digit_task("copy", n=2, length=0)


# ---- characters of a text file ----------------------------------------------------------

TEXT = "the cat sat on the mat.\nthe end\n"


def test_char_text_vocab_and_round_trip(tmp_path):
    path = tmp_path / "t.txt"
    path.write_text(TEXT, encoding="utf-8")
    text = data.char_text(path)
    assert text.vocab == sorted(set(TEXT)) and text.vocab_size == len(set(TEXT))
    assert text.ids.dtype == np.int64 and len(text.ids) == len(TEXT)
    assert text.decode(text.ids) == TEXT
    assert text.decode(text.encode("mat")) == "mat"


def test_char_text_windows_are_slices_of_the_text_and_their_next_characters(tmp_path):
    path = tmp_path / "t.txt"
    path.write_text(TEXT, encoding="utf-8")
    text = data.char_text(path)
    inputs, targets = text.random_windows(batch_size=16, length=5, seed=0)
    assert inputs.shape == targets.shape == (16, 5)
    for x, y in zip(inputs, targets):
        window = text.decode(x) + text.decode(y[-1:])
        assert window in TEXT
        assert text.decode(y) == window[1:]
    np.testing.assert_array_equal(inputs, text.random_windows(16, 5, seed=0)[0])


def test_char_text_errors_name_the_problem(tmp_path):
    with pytest.raises(FileNotFoundError, match="missing.txt"):
        data.char_text(tmp_path / "missing.txt")
    (tmp_path / "one.txt").write_text("a")
    with pytest.raises(ValueError, match="at least 2"):
        data.char_text(tmp_path / "one.txt")
    (tmp_path / "bin.txt").write_bytes(b"\xff\xfe\xfa abc")
    with pytest.raises(ValueError, match="not utf-8 text"):
        data.char_text(tmp_path / "bin.txt")
    text = data.CharText("abc")
    with pytest.raises(ValueError, match="'z' does not occur"):
        text.encode("az")
    with pytest.raises(ValueError, match="id 3 is outside"):
        text.decode([0, 3])
    with pytest.raises(ValueError, match="do not fit"):
        text.random_windows(2, length=3)


# ---- batches ----------------------------------------------------------------------------

def test_batches_visit_every_row_once_in_aligned_batches():
    X = np.arange(23 * 2).reshape(23, 2)
    y = np.arange(23)
    seen = []
    sizes = []
    for xb, yb in data.batches(X, y, batch_size=5, seed=0):
        np.testing.assert_array_equal(xb[:, 0], 2 * yb)
        seen += yb.tolist()
        sizes.append(len(yb))
    assert sorted(seen) == list(range(23)) and seen != list(range(23))
    assert sizes == [5, 5, 5, 5, 3]


def test_batches_without_shuffle_keep_order_and_drop_last_drops_the_remainder():
    y = np.arange(10)
    assert [b.tolist() for (b,) in data.batches(y, batch_size=4, shuffle=False)] == [
        [0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert [len(b) for (b,) in data.batches(y, batch_size=4, drop_last=True)] == [4, 4]


def test_batches_order_is_fixed_by_the_seed():
    y = np.arange(50)
    first = np.concatenate([b for (b,) in data.batches(y, batch_size=7, seed=9)])
    again = np.concatenate([b for (b,) in data.batches(y, batch_size=7, seed=9)])
    other = np.concatenate([b for (b,) in data.batches(y, batch_size=7, seed=10)])
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)


def test_batches_reject_mismatched_arrays_and_bad_sizes():
    with pytest.raises(ValueError, match=r"batches: .*\(3, 2\).*\(4,\)"):
        next(data.batches(np.zeros((3, 2)), np.zeros(4), batch_size=2))
    with pytest.raises(ValueError, match="batch_size must be at least 1"):
        next(data.batches(np.zeros(3), batch_size=0))


def test_char_text_split_keeps_the_vocab_of_the_whole_text():
    text = data.CharText("aaaaaaaabc")
    head, tail = text.split(0.8)
    assert head.decode(head.ids) == "aaaaaaaa" and tail.decode(tail.ids) == "bc"
    assert head.vocab == tail.vocab == ["a", "b", "c"]
    np.testing.assert_array_equal(tail.ids, text.ids[8:])  # same ids as in the whole text
