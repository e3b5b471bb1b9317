"""Neural-network building blocks: Module and Parameter, layers, attention, a small transformer.

`tinygrad_lite.nn.functional` holds the functional forms and `tinygrad_lite.nn.init`
the weight initialisers.
"""
from . import functional, init, utils
from .activation import *  # noqa: F401,F403 - SiLU, ELU, ..., Softmax, LeakyReLU
from .activation import __all__ as _activations
from .attention import MultiHeadAttention
from .containers import ModuleDict, ModuleList, ParameterDict, ParameterList, Sequential
from .conv import *  # noqa: F401,F403 - Conv1d ... ConvTranspose3d
from .conv import __all__ as _convolutions
from .distance import CosineSimilarity, PairwiseDistance
from .dropout import *  # noqa: F401,F403 - Dropout1d/2d/3d, AlphaDropout, FeatureAlphaDropout
from .dropout import __all__ as _dropouts
from .flatten import Flatten, Identity, Unflatten
from .layers import GELU, Dropout, Embedding, LayerNorm, Linear, ReLU, Sigmoid, Tanh
from .loss import *  # noqa: F401,F403 - L1Loss, MSELoss, CrossEntropyLoss, ..., TripletMarginLoss
from .loss import __all__ as _losses
from .encoder_decoder import (Transformer, TransformerDecoder, TransformerDecoderLayer, TransformerEncoder,
                              TransformerEncoderLayer)
from .module import Module, Parameter
from .normalization import *  # noqa: F401,F403 - BatchNorm1d/2d/3d, InstanceNorm1d/2d/3d, GroupNorm, ...
from .normalization import __all__ as _normalization
from .multihead_attention import MultiheadAttention
from .pooling import *  # noqa: F401,F403 - MaxPool2d, AvgPool2d, ..., Upsample, the padding layers
from .pooling import __all__ as _pooling
from .rnn import *  # noqa: F401,F403 - RNN, LSTM, GRU and their cells
from .rnn import __all__ as _recurrent
from .sparse import Bilinear, EmbeddingBag
from .transformer import TransformerBlock, TransformerLM

__all__ = [
    "functional", "init", "Module", "Parameter",
    "Linear", "Embedding", "EmbeddingBag", "Bilinear", "LayerNorm", "Dropout", "Sequential", "ModuleList", "ModuleDict", "ParameterList",
    "ParameterDict", "ReLU", "Sigmoid", "Tanh", "GELU",
    "MultiHeadAttention", "TransformerBlock", "TransformerLM", "MultiheadAttention", "Transformer", "TransformerEncoder",
    "TransformerEncoderLayer", "TransformerDecoder", "TransformerDecoderLayer",
    "CosineSimilarity", "PairwiseDistance", "Flatten", "Identity", "Unflatten", *_activations,
    *_convolutions, *_pooling, *_losses, *_dropouts, *_recurrent, "utils",
    *_normalization,
]
