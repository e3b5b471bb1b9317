"""Neural-network building blocks; `tinygrad_lite.nn.functional` holds the functional forms."""
from . import functional

__all__ = ["functional"]
