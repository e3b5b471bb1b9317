"""The engine's random number generator: one seeded stream for randn, rand, init and dropout."""
import numpy as np

_generator = np.random.default_rng()


def manual_seed(seed):
    """Restart the random stream from `seed`, making everything random reproducible."""
    global _generator
    _generator = np.random.default_rng(seed)


def generator():
    """The current numpy Generator."""
    return _generator
