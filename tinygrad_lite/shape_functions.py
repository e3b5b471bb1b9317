"""torch's free functions for the shape ops (tg.tril, tg.roll, tg.flip, tg.movedim, ...).

Each is the Tensor method of the same name where one exists (see functions.unary_from_method); as in
`functions`, `input` must be a Tensor.
"""

__all__ = []
