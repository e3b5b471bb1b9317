"""torch's free functions for linear algebra (tg.einsum, tg.outer, tg.dot, tg.addmm, tg.cross, ...).

Each is the Tensor method of the same name where one exists (see functions.unary_from_method); as in
`functions`, `input` must be a Tensor.
"""

__all__ = []
