"""torch's free functions that draw random numbers or make tensors (tg.randint, tg.randperm, tg.multinomial, tg.bernoulli, tg.linspace, tg.empty, ...).

Each is the Tensor method of the same name where one exists (see functions.unary_from_method); as in
`functions`, `input` must be a Tensor.
"""

__all__ = []
