"""torch's free functions for cumulative and sorting ops (tg.cumsum, tg.sort, tg.topk, tg.unique, ...).

Each is the Tensor method of the same name where one exists (see functions.unary_from_method); as in
`functions`, `input` must be a Tensor.
"""

__all__ = []
