"""Helpers for training, as torch.nn.utils: gradient clipping, parameters as one vector, and (in
`rnn`) packing variable-length sequences for the recurrent layers."""
import numpy as np

from ..._tensor import Tensor
from ..._validate import check_number
from ...autograd import no_grad
from ...optim import clip_grad_norm_
from ...optim.optimizer import _tensor_list
from . import rnn

__all__ = ["clip_grad_norm_", "clip_grad_value_", "parameters_to_vector", "vector_to_parameters", "rnn"]


def _tensors(parameters, op):
    """A Tensor or an iterable of Tensors, as a list (TypeError naming `op` otherwise), as clip_grad_norm_ takes them."""
    return [parameters] if isinstance(parameters, Tensor) else _tensor_list(parameters, op)


def clip_grad_value_(parameters, clip_value, foreach=None):
    """Clamp every gradient in place to [-clip_value, clip_value]: g <- min(max(g, -c), c).

    Parameters without a gradient are skipped; `foreach` is accepted for torch's signature (one
    loop serves every device here)."""
    op = "clip_grad_value_"
    parameters = _tensors(parameters, op)
    clip_value = check_number(clip_value, "clip_value", op, finite=False)
    if foreach is not None and not isinstance(foreach, (bool, np.bool_)):
        raise TypeError(f"{op}: foreach must be None, True or False, not {type(foreach).__name__}")
    for p in parameters:
        if p.grad is not None:
            p.grad.array[...] = p.grad._backend.xp.clip(p.grad.array, -clip_value, clip_value)


def parameters_to_vector(parameters):
    """All parameters flattened and joined into one 1-d tensor: cat(p_1.reshape(-1), p_2.reshape(-1), ...).

    Differentiable: the vector's gradient flows back to each parameter."""
    op = "parameters_to_vector"
    parameters = _tensors(parameters, op)
    if not parameters:
        raise ValueError(f"{op}: expected at least one parameter")
    devices = {p.device for p in parameters}
    if len(devices) > 1:
        raise ValueError(f"{op}: the parameters are on different devices {sorted(map(str, devices))}")
    return Tensor.cat([p.reshape(-1) for p in parameters], dim=0)


def vector_to_parameters(vec, parameters):
    """Copy consecutive slices of the 1-d `vec` into the parameters, in place and outside the graph:
    p_k <- vec[n_1 + ... + n_{k-1} : n_1 + ... + n_k].reshape(p_k.shape)."""
    op = "vector_to_parameters"
    if not isinstance(vec, Tensor):
        raise TypeError(f"{op}: expected vec to be a Tensor, but got {type(vec).__name__}")
    parameters = _tensors(parameters, op)
    if vec.ndim != 1:
        raise ValueError(f"{op}: vec must be 1-d, got shape {vec.shape}")
    total = sum(p.numel() for p in parameters)
    if vec.shape[0] != total:
        raise ValueError(f"{op}: vec has {vec.shape[0]} elements but the parameters hold {total}")
    start = 0
    with no_grad():
        for p in parameters:
            if vec.device != p.device:
                raise ValueError(f"{op}: vec is on {vec.device} but a parameter is on {p.device}")
            piece = vec.array[start:start + p.numel()].reshape(p.shape)
            p.array[...] = piece.astype(p.dtype, copy=False)
            start += p.numel()
