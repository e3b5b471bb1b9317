"""tinygrad_lite: a deep learning engine small enough to read, tested against PyTorch.

    import tinygrad_lite as tg
    x = tg.Tensor([[1.0, 2.0]], requires_grad=True)
    (x @ x.T).sum().backward()
    x.grad          # Tensor([[2., 4.]])
"""
from .autograd import (detect_anomaly, enable_grad, inference_mode, is_grad_enabled, is_inference_mode_enabled,
                       no_grad, set_grad_enabled)
from .dtypes import bool_, float16, float32, float64, get_default_dtype, int8, int16, int32, int64, set_default_dtype, uint8
from ._device import device
from . import cuda  # noqa: F401  (tg.cuda.is_available(), tg.cuda.device_count(), as torch.cuda)
from .gradcheck import GradcheckError, gradcheck
from .rng import Generator, default_generator, get_rng_state, initial_seed, manual_seed, seed, set_rng_state
from .serialization import load, save
from ._tensor import Tensor
from .from_data import as_tensor, from_numpy, tensor
from . import functions
from .functions import (  # noqa: A004, F401  (listed in __all__ from functions.__all__; torch's names
    # sum, max, min, abs, pow shadow the builtins here only)
    abs, add, amax, amin, argmax, argmin, bmm, clamp, clip, div, eq, exp, flatten, full_like, ge, gt, le,
    lerp, log, log_softmax, logsumexp, lt, matmul, max, maximum, mean, min, minimum, mm, mul, ne, neg, numel,
    permute, pow, relu, reshape, sigmoid, softmax, sqrt, squeeze, sub, sum, t, tanh, transpose, unsqueeze, var,
)
from . import math_functions
from .math_functions import *  # noqa: F401, F403  (tg.sin, tg.atan2, ...: the names in math_functions.__all__)
from . import viz  # noqa: F401  (tg.viz: graph pictures and narrated backward passes)
from ._size import Size
from . import logic_functions
from .logic_functions import *  # noqa: F401, F403
from . import shape_functions
from .shape_functions import *  # noqa: F401, F403
from . import index_functions
from .index_functions import *  # noqa: F401, F403
from . import scan_functions
from .scan_functions import *  # noqa: F401, F403
from . import random_functions
from .random_functions import *  # noqa: F401, F403
from . import reduce_functions
from .reduce_functions import *  # noqa: F401, F403
from . import linalg_functions
from .linalg_functions import *  # noqa: F401, F403
from . import linalg  # noqa: F401  (tg.linalg.vector_norm, matrix_norm, norm, cross, svdvals: torch.linalg)
from . import return_types  # noqa: F401  (tg.return_types.max, ...: the named tuples ops return, as torch's)
# tg.nn (with tg.nn.functional) and tg.optim without another import, as torch.nn and torch.optim;
# both import the modules above, never this package's namespace, so there is no circle.
from . import nn, optim  # noqa: F401
from . import utils  # noqa: F401  (tg.utils.data: Dataset, DataLoader, samplers, as torch.utils.data)
from . import activation_functions
from .activation_functions import *  # noqa: F401, F403  (tg.selu, tg.prelu, tg.cosine_similarity, ...)

# torch's other names for the dtypes (tg.float is float32, as torch.float; they shadow the
# builtins only as attributes of this package).
float = float32  # noqa: A001
double = float64
half = float16
long = int64
int = int32  # noqa: A001
short = int16
bool = bool_  # noqa: A001

zeros = Tensor.zeros
ones = Tensor.ones
full = Tensor.full
randn = Tensor.randn
rand = Tensor.rand
arange = Tensor.arange
eye = Tensor.eye
zeros_like = Tensor.zeros_like
ones_like = Tensor.ones_like
where = index_functions.where  # also where(condition): nonzero(as_tuple=True), as torch.where
cat = Tensor.cat
stack = Tensor.stack

__version__ = "0.1.0"

__all__ = [
    "Tensor", "no_grad", "enable_grad", "is_grad_enabled", "detect_anomaly", "manual_seed", "gradcheck", "GradcheckError",
    "float16", "float32", "float64", "int64", "int32", "int16", "int8", "uint8", "bool_",
    "float", "double", "half", "long", "int", "short", "bool", "tensor", "from_numpy", "as_tensor",
    "zeros", "ones", "full", "randn", "rand", "arange", "eye", "zeros_like", "ones_like",
    "where", "cat", "stack", *functions.__all__, *math_functions.__all__, *logic_functions.__all__, *shape_functions.__all__, *index_functions.__all__, *scan_functions.__all__, *random_functions.__all__, *reduce_functions.__all__, *linalg_functions.__all__, *activation_functions.__all__, "save", "load", "viz", "return_types", "nn", "optim",
    "device", "cuda", "inference_mode", "set_grad_enabled", "is_inference_mode_enabled",
    "get_default_dtype", "set_default_dtype", "Size", "Generator", "default_generator", "initial_seed", "seed",
    "get_rng_state", "set_rng_state",
]
