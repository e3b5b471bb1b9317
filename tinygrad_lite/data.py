"""Small data sets for the examples and the tests, and a batch iterator.

Everything here returns plain numpy arrays (features float32, labels and tokens
int64); wrap a batch with `Tensor(batch)` to feed a model. Every function that
draws random numbers takes a `seed`, so a data set and its batch order are the
same on every run.

    X, y = load_digits()                                   # 1,797 handwritten digits, 8x8 pixels
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_fraction=0.2, seed=0)
    for xb, yb in batches(X_train, y_train, batch_size=64, seed=0): ...

    inputs, targets = digit_task("sort", n=32, length=8, seed=0)   # for a decoder-only LM
    text = char_text("poem.txt"); x, y = text.random_windows(16, 64, seed=0)
"""
import codecs
import os

import numpy as np

from ._validate import check_alloc, check_number, check_size

IGNORE_INDEX = -100
"""Target value that cross-entropy skips (F.cross_entropy's default ignore_index)."""

SEPARATOR = 10
"""The token between the input digits and the answer in `digit_task` (digits are tokens 0-9)."""

DIGIT_VOCAB_SIZE = 11
"""Tokens of `digit_task`: the digits 0-9 and SEPARATOR."""

DIGIT_TASKS = ("sort", "reverse", "copy")


# ---- tables of features and labels ------------------------------------------------------

def load_digits():
    """The 8x8 handwritten digits that scikit-learn ships inside its wheel (no download).

    Returns X, float32 of shape (1797, 64): the pixel intensities 0..16 divided by
    16, so every feature lies in [0, 1]; and y, int64 of shape (1797,): the digit 0-9.
    """
    try:
        from sklearn.datasets import load_digits as sklearn_load_digits
    except ImportError:
        raise ImportError("load_digits reads the digits that scikit-learn ships; install it with "
                          "pip install 'tinygrad_lite[examples]'") from None
    digits = sklearn_load_digits()
    return (digits.data / 16.0).astype(np.float32), digits.target.astype(np.int64)


def train_test_split(*arrays, test_fraction=0.2, seed=0):
    """Shuffle the rows of equally long arrays with `seed` and cut off the last `test_fraction`.

    Returns train and test parts in the order a1_train, a1_test, a2_train, a2_test, ...
    The test part has round(test_fraction * n) rows, at least one and fewer than n.
    """
    arrays = [np.asarray(a) for a in arrays]
    n = _common_length(arrays, "train_test_split")
    test_fraction = check_number(test_fraction, "test_fraction", "train_test_split")
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"train_test_split: test_fraction must lie strictly between 0 and 1, not {test_fraction}")
    if n < 2:
        raise ValueError(f"train_test_split: need at least 2 rows to split, got {n}")
    n_test = min(max(round(test_fraction * n), 1), n - 1)
    order = _rng_from_seed(seed, "train_test_split").permutation(n)
    train, test = order[:n - n_test], order[n - n_test:]
    return [part for a in arrays for part in (a[train], a[test])]


def two_moons(n=200, noise=0.1, seed=0):
    """Two interleaving half circles in the plane, a classic non-linearly separable task.

    Class 0: (cos t, sin t); class 1: (1 - cos t, 0.5 - sin t), for t evenly spaced in
    [0, pi], ceil(n/2) points in class 0 and floor(n/2) in class 1, then N(0, noise^2)
    added to each coordinate and the rows shuffled.
    Returns X, float32 of shape (n, 2), and y, int64 of shape (n,).
    """
    if check_number(n, "n", "two_moons", integer=True) < 2:
        raise ValueError(f"two_moons: n must be at least 2 (one point per moon), not {n}")
    if check_number(noise, "noise", "two_moons") < 0:
        raise ValueError(f"two_moons: noise is a standard deviation and cannot be negative, got {noise}")
    check_alloc((n, 2), np.float64, "two_moons", copies=4)  # the points, the noise, their sum, the shuffle
    rng = _rng_from_seed(seed, "two_moons")
    n_upper, n_lower = (n + 1) // 2, n // 2
    t_upper, t_lower = np.linspace(0, np.pi, n_upper), np.linspace(0, np.pi, n_lower)
    upper = np.stack([np.cos(t_upper), np.sin(t_upper)], axis=1)
    lower = np.stack([1 - np.cos(t_lower), 0.5 - np.sin(t_lower)], axis=1)
    X = np.concatenate([upper, lower]) + rng.normal(0.0, noise, size=(n, 2))
    y = np.concatenate([np.zeros(n_upper, np.int64), np.ones(n_lower, np.int64)])
    order = rng.permutation(n)
    return X[order].astype(np.float32), y[order]


# ---- digit sequences for a decoder-only language model ---------------------------------

def digit_task(task, n, length=8, seed=0):
    """`n` examples of a sequence task on random digits, laid out for next-token prediction.

    task: "sort" (the digits in ascending order), "reverse" or "copy".
    One example with length L = 3 and task "sort" is the token sequence

        x1 x2 x3 SEP y1 y2 y3          e.g.  7 2 5 10 2 5 7   (SEPARATOR is 10)

    The model reads every token but the last and predicts the next one, so

        inputs  = x1 x2 x3 SEP y1 y2             (2L tokens)
        targets = -   -   -  y1 y2 y3            (2L tokens; - is IGNORE_INDEX)

    The loss counts only the answer positions: predicting the random input
    digits is impossible and would only add noise. Returns int64 arrays inputs
    and targets of shape (n, 2L). `seed`: an int, a list of ints, or a numpy Generator.
    """
    _check_task(task, "digit_task")
    length = check_number(length, "length", "digit_task", integer=True)
    n = check_number(n, "n", "digit_task", integer=True)
    if length < 1 or n < 0:
        raise ValueError(f"digit_task: need length >= 1 and n >= 0, got length={length}, n={n}")
    check_alloc((n, 2 * length + 1), np.int64, "digit_task", copies=4)
    digits = _rng_from_seed(seed, "digit_task").integers(0, 10, size=(n, length), dtype=np.int64)
    answers = _solve(task, digits)
    separator = np.full((n, 1), SEPARATOR, np.int64)
    sequence = np.concatenate([digits, separator, answers], axis=1)
    inputs, targets = sequence[:, :-1], sequence[:, 1:].copy()
    targets[:, :length] = IGNORE_INDEX
    return inputs, targets


def solve_digit_task(task, digits):
    """The answer of `task` for each row of an (n, L) array of digits."""
    _check_task(task, "solve_digit_task")
    digits = np.asarray(digits)
    if digits.ndim != 2 or (digits.size and digits.dtype.kind not in "iu"):
        raise ValueError(f"solve_digit_task: digits must be an (n, L) array of integers, "
                         f"not {digits.dtype} of shape {digits.shape}")
    return _solve(task, digits)


def _check_task(task, op):
    if not isinstance(task, str):
        raise TypeError(f"{op}: task must be a str, one of {DIGIT_TASKS}, not {type(task).__name__}")
    if task not in DIGIT_TASKS:
        raise ValueError(f"{op}: unknown task {task!r}; choose one of {DIGIT_TASKS}")


def _solve(task, digits):
    if task == "sort":
        return np.sort(digits, axis=1)
    if task == "reverse":
        return digits[:, ::-1].copy()
    if task == "copy":
        return digits.copy()
    raise AssertionError(task)  # unreachable: the callers check the task


# ---- characters of a text file ----------------------------------------------------------

class CharText:
    """A text as a sequence of character ids, for a character-level language model.

    vocab: the distinct characters of the text, sorted, unless given (e.g. the vocab of
           the whole text, for a part of it); character vocab[i] has id i.
    ids:   the whole text encoded, int64.
    """

    def __init__(self, text, source="<text>", vocab=None):
        if not isinstance(text, str):
            raise TypeError(f"CharText: text must be a str, not {type(text).__name__}")
        if vocab is not None and (isinstance(vocab, str) or not hasattr(vocab, "__iter__")):
            raise TypeError(f"CharText: vocab must be a list of characters, not {type(vocab).__name__}")
        if vocab is not None and not all(isinstance(ch, str) and len(ch) == 1 for ch in vocab):
            raise TypeError(f"CharText: vocab must hold single characters, not {list(vocab)[:5]!r}...")
        if len(text) < 2:
            raise ValueError(f"char_text: {source} holds {len(text)} characters; "
                             "a language model needs at least 2 (an input and its next character)")
        self.source = source
        self.vocab = sorted(set(text)) if vocab is None else list(vocab)
        self._index = {ch: i for i, ch in enumerate(self.vocab)}
        self.ids = self.encode(text)

    @property
    def vocab_size(self):
        return len(self.vocab)

    def encode(self, text):
        """The ids of the characters of `text` (int64), or a ValueError naming a character not in the vocab."""
        if not isinstance(text, str):
            raise TypeError(f"CharText.encode: text must be a str, not {type(text).__name__}")
        try:
            return np.array([self._index[ch] for ch in text], np.int64)
        except KeyError as e:
            raise ValueError(f"char_text: character {e.args[0]!r} does not occur in {self.source}, "
                             "so it has no id") from None

    def decode(self, ids):
        """The text spelled by `ids` (any iterable of ints in [0, vocab_size))."""
        raw = np.asarray(ids.numpy() if hasattr(ids, "numpy") else ids)
        if raw.size and raw.dtype.kind not in "iu":
            raise TypeError(f"CharText.decode: ids must be integers, not {raw.dtype}")
        ids = raw.astype(np.int64).reshape(-1)
        bad = (ids < 0) | (ids >= self.vocab_size)
        if bad.any():
            raise ValueError(f"char_text: id {ids[bad][0]} is outside the vocab of {self.vocab_size} characters")
        return "".join(self.vocab[i] for i in ids)

    def random_windows(self, batch_size, length, seed=0):
        """`batch_size` windows of `length` characters at random offsets, and the same windows
        shifted by one character: inputs[b, t] is followed in the text by targets[b, t].

        Returns int64 arrays inputs and targets of shape (batch_size, length).
        `seed`: an int, a list of ints, or a numpy Generator.
        """
        batch_size = check_size(batch_size, "batch_size", "random_windows")
        if not 1 <= check_number(length, "length", "random_windows", integer=True) < len(self.ids):
            raise ValueError(f"char_text: windows of {length} characters (plus the next one) do not fit "
                             f"in {self.source}, which holds {len(self.ids)}")
        check_alloc((batch_size, length + 1), np.int64, "random_windows", copies=3)
        starts = _rng_from_seed(seed, "random_windows").integers(0, len(self.ids) - length, size=batch_size)
        window = starts[:, None] + np.arange(length + 1)
        chunks = self.ids[window]
        return chunks[:, :-1], chunks[:, 1:]

    def split(self, fraction):
        """(head, tail): the first `fraction` of the text and the rest, both with this vocab."""
        cut = round(check_number(fraction, "fraction", "CharText.split", low=0.0, high=1.0) * len(self.ids))
        text = self.decode(self.ids)
        return (CharText(text[:cut], f"the first {fraction:.0%} of {self.source}", self.vocab),
                CharText(text[cut:], f"the last {1 - fraction:.0%} of {self.source}", self.vocab))


def char_text(path, encoding="utf-8"):
    """The text file at `path` as a `CharText` (vocab, encode/decode, random windows)."""
    try:
        path = os.fspath(path)
    except TypeError:
        raise TypeError(f"char_text: path must be a str or os.PathLike, not {type(path).__name__}") from None
    if not isinstance(encoding, str):
        raise TypeError(f"char_text: encoding must be a str such as 'utf-8', not {type(encoding).__name__}")
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise ValueError(f"char_text: unknown encoding {encoding!r}") from None
    try:
        with open(path, encoding=encoding) as f:
            text = f.read()
    except FileNotFoundError:
        raise FileNotFoundError(f"char_text: no text file at {path!r}") from None
    except IsADirectoryError:
        raise IsADirectoryError(f"char_text: {path!r} is a folder, not a text file") from None
    except UnicodeDecodeError as e:
        raise ValueError(f"char_text: {path!r} is not {encoding} text ({e.reason} at byte {e.start}); "
                         "pass encoding=... for another encoding") from None
    return CharText(text, source=repr(path))


# ---- batches ----------------------------------------------------------------------------

def batches(*arrays, batch_size, shuffle=True, seed=0, drop_last=False):
    """Iterate over equally long arrays in matching batches of rows: yields tuples (a1[idx], a2[idx], ...).

    With shuffle, the rows are visited in the order of a permutation drawn from
    `seed` (an int, a list of ints, or a numpy Generator); otherwise in order. The
    last batch is smaller when batch_size does not divide the length, unless drop_last.
    """
    arrays = [np.asarray(a) for a in arrays]
    n = _common_length(arrays, "batches")
    if check_number(batch_size, "batch_size", "batches", integer=True) < 1:
        raise ValueError(f"batches: batch_size must be at least 1, not {batch_size}")
    order = _rng_from_seed(seed, "batches").permutation(n) if shuffle else np.arange(n)
    stop = n - n % batch_size if drop_last else n
    return _batches(arrays, order, batch_size, stop)  # checked now, when called; batches come as iterated


def _batches(arrays, order, batch_size, stop):
    for start in range(0, stop, batch_size):
        idx = order[start:start + batch_size]
        yield tuple(a[idx] for a in arrays)


def _rng_from_seed(seed, op):
    """A numpy Generator from `seed`: an int >= 0, a non-empty sequence of them, or a Generator (used as is)."""
    if isinstance(seed, np.random.Generator):
        return seed
    items = np.asarray(seed, dtype=object).reshape(-1) if isinstance(seed, (list, tuple, np.ndarray)) else [seed]
    if len(items) == 0:
        raise ValueError(f"{op}: seed must be an int or a non-empty sequence of ints, not {seed!r}")
    for item in items:
        check_number(item, "seed", op, integer=True, low=0)
    return np.random.default_rng([int(item) for item in items] if isinstance(seed, (list, tuple, np.ndarray))
                                 else int(seed))


def _common_length(arrays, op):
    if not arrays:
        raise ValueError(f"{op}: give at least one array")
    if any(a.ndim == 0 for a in arrays):
        raise ValueError(f"{op}: arrays need a first axis of rows; got shapes {tuple(a.shape for a in arrays)}")
    lengths = {len(a) for a in arrays}
    if len(lengths) != 1:
        raise ValueError(f"{op}: arrays must have the same number of rows; got shapes "
                         f"{tuple(a.shape for a in arrays)}")
    return lengths.pop()
