"""tg.Size: a tensor's shape as x.size() gives it, torch.Size's counterpart."""
import math
from collections.abc import Sequence

import numpy as np


class Size(tuple):
    """A tuple of axis lengths; numel() is their product (1 for the shape of a 0-d tensor).

    x.size() returns one; x.shape stays a plain tuple (it is read on every op, and a tuple
    costs nothing to make). Both compare equal to a tuple of the same lengths, as in torch."""

    __slots__ = ()

    def __new__(cls, sizes=()):
        if not isinstance(sizes, (Sequence, np.ndarray)) or isinstance(sizes, str):
            raise TypeError(f"Size: takes a sequence of ints, not {type(sizes).__name__}")
        sizes = tuple(sizes)
        if not all(isinstance(n, (int, np.integer)) and not isinstance(n, bool) for n in sizes):
            raise TypeError(f"Size: the lengths must be ints, got {sizes!r}")
        return super().__new__(cls, (int(n) for n in sizes))

    def numel(self):
        """The number of elements a tensor of this shape holds."""
        return math.prod(self)

    def __repr__(self):
        return f"tinygrad_lite.Size({list(self)})"

    def __getitem__(self, index):
        item = tuple.__getitem__(self, index)
        return Size(item) if isinstance(index, slice) else item
