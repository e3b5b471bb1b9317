"""tg.cuda: whether the "cuda" device is there, as torch.cuda answers it.

The answer is the cuda backend's own: True only where cupy, triton and torch are
installed and a GPU is visible to both (see backend/cupy.py). Asking never raises.
"""
from .backend import get_backend


def is_available():
    """True where tensors can live on device "cuda" (cupy, triton, torch and a GPU are there)."""
    try:
        get_backend("cuda")  # builds the backend once; it raises RuntimeError, saying why, where it cannot
    except RuntimeError:
        return False
    return True


def device_count():
    """The number of cuda devices the engine can use: 1 where is_available(), else 0
    (the engine uses one GPU, device "cuda:0")."""
    return 1 if is_available() else 0


__all__ = ["is_available", "device_count"]
