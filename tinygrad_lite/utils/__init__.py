"""tg.utils, as torch.utils: data (Dataset, DataLoader, samplers, default_collate)."""
from . import data  # noqa: F401
