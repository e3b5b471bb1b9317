"""torch's free functions for gather and scatter (tg.gather, tg.scatter, tg.index_select, tg.nonzero, ...).

Each is the Tensor method of the same name where one exists (see functions.unary_from_method); as in
`functions`, `input` must be a Tensor.
"""

__all__ = []
