"""Neural-network building blocks: Module and Parameter, layers, attention, a small transformer.

`tinygrad_lite.nn.functional` holds the functional forms and `tinygrad_lite.nn.init`
the weight initialisers.
"""
from . import functional, init
from .attention import MultiHeadAttention
from .layers import GELU, Dropout, Embedding, LayerNorm, Linear, ReLU, Sequential, Sigmoid, Tanh
from .module import Module, Parameter
from .transformer import TransformerBlock, TransformerLM

__all__ = [
    "functional", "init", "Module", "Parameter",
    "Linear", "Embedding", "LayerNorm", "Dropout", "Sequential", "ReLU", "Sigmoid", "Tanh", "GELU",
    "MultiHeadAttention", "TransformerBlock", "TransformerLM",
]
