"""torch's free functions for the further reductions (tg.std, tg.prod, tg.norm, tg.any, ...).

Each is the Tensor method of the same name where one exists (see functions.unary_from_method); as in
`functions`, `input` must be a Tensor.
"""

__all__ = []
