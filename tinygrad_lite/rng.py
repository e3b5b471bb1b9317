"""The engine's random number generator: one seeded stream for randn, rand, init and dropout."""
import numpy as np

_generator = np.random.default_rng()


def manual_seed(seed):
    """Restart the random stream from `seed`, making everything random reproducible."""
    global _generator
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
        raise TypeError(f"manual_seed: the seed must be an integer, got {seed!r}")
    if seed < 0:
        raise ValueError(f"manual_seed: the seed must not be negative, got {seed}")
    _generator = np.random.default_rng(seed)


def generator():
    """The current numpy Generator."""
    return _generator
