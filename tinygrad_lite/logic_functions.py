"""torch's free functions for integer division, bitwise and logical ops and predicates (tg.remainder, tg.bitwise_and, tg.logical_not, tg.isnan, tg.isclose, ...).

Each is the Tensor method of the same name where one exists (see functions.unary_from_method); as in
`functions`, `input` must be a Tensor.
"""

__all__ = []
