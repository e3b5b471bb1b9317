"""torch's top-level names for some activations and distances: tg.selu, tg.celu, tg.rrelu,
tg.threshold, tg.prelu, tg.hardshrink (and the in-place selu_, celu_, rrelu_, threshold_),
tg.cosine_similarity and tg.pairwise_distance.

Each is the nn.functional function of the same name (torch.selu is F.selu, ...): the math,
the checks and the tests are there. The functional forms also take inplace=, which torch's
top-level names do not; a call in torch's spelling means the same here.
"""
from .nn.functional_activations import celu, celu_, hardshrink, prelu, rrelu, rrelu_, selu, selu_, threshold, threshold_
from .nn.functional_utilities import cosine_similarity, pairwise_distance

__all__ = ["selu", "celu", "rrelu", "threshold", "prelu", "hardshrink", "selu_", "celu_", "rrelu_", "threshold_",
           "cosine_similarity", "pairwise_distance"]
