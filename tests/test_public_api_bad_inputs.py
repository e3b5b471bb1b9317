"""Every public function, method and class, called with bad arguments built from its signature.

The public surface is found by introspection, not listed by hand: the names of the scanned
modules (their `__all__`, or the functions and classes they define), each class's constructor,
public methods, properties and (for Tensor) operators. A new public function is therefore
tested the day it lands, and a new module must be sorted into SCANNED or INTERNAL below.

For each function, every parameter in turn gets each value of a battery chosen by the
parameter's kind (a size, a hyperparameter, a tensor, a path, ...): None, a str, a complex
number, a dict, NaN, inf, -1, 10**12, 2.5 for an integer, a tensor of the wrong dtype or
shape, a numpy array, an empty tuple, a bool. The other arguments get valid values from a
table keyed by parameter name (VALID), with per-function entries (OVERRIDES) where a name
is not enough. A call must then either succeed (only for values marked "may be accepted":
torch takes a numpy array, or True as 1, in many places) or raise TypeError, ValueError,
IndexError, RuntimeError or an OSError such as FileNotFoundError, with a message that names
the function (for a method: the method or its class; for a class: the class). A raw
AttributeError, ZeroDivisionError, MemoryError, an error raised by numpy, or a message that
does not name the function fails, and the call is printed.

When the table cannot build a valid call for a function (a required parameter without an
entry, or the valid call itself raises), the test fails for that function: extend VALID or
OVERRIDES. One test case per function; its assertion lists every bad call that failed.
"""
import contextlib
import dataclasses
import importlib
import inspect
import io
import itertools
import math
import pkgutil
import re
import shutil
import signal
import warnings

import numpy as np
import pytest

import tinygrad_lite as tg
from tinygrad_lite import Tensor

# ---- which modules are public ------------------------------------------------------------

SCANNED = {  # module -> the short name used in test ids and in OVERRIDES keys
    "tinygrad_lite": "tg",
    "tinygrad_lite.nn": "nn",
    "tinygrad_lite.nn.functional": "F",
    "tinygrad_lite.nn.functional_activations": "F",
    "tinygrad_lite.nn.functional_utilities": "F",
    "tinygrad_lite.nn.init": "init",
    "tinygrad_lite.optim": "optim",
    "tinygrad_lite.data": "data",
    "tinygrad_lite.serialization": "serialization",
    "tinygrad_lite.viz": "viz",
    "tinygrad_lite.gradcheck": "gradcheck",
    "tinygrad_lite.rng": "rng",
    "tinygrad_lite.check": "check",
    "tinygrad_lite.cli": "cli",
    "tinygrad_lite.cuda": "cuda",
    "tinygrad_lite.linalg": "linalg",
    "tinygrad_lite.utils.data": "utils.data",
    "tinygrad_lite.nn.utils": "nn.utils",
    "tinygrad_lite.nn.utils.rnn": "nn.utils.rnn",
}

INTERNAL = {  # module prefix -> why its names are not called here
    "tinygrad_lite.nn.functional_norm": "batch_norm, group_norm, ...: re-exported by nn.functional (scanned there)",
    "tinygrad_lite.nn.normalization": "the normalization layers, re-exported by tinygrad_lite.nn",
    "tinygrad_lite.autograd": "the graph machinery; its public names (no_grad, ...) are re-exported by tinygrad_lite",
    "tinygrad_lite._tensor": "Tensor, re-exported by tinygrad_lite and scanned as a class",
    "tinygrad_lite.dtypes": "the dtype constants, re-exported by tinygrad_lite; the rest serves Tensor",
    "tinygrad_lite.backend": "array modules and hot paths behind the ops; never given user input directly",
    "tinygrad_lite.ops": "the differentiable Functions; reached only through checked Tensor and F entries",
    "tinygrad_lite.kernels": "Triton kernels behind the backends",
    "tinygrad_lite.nn.module": "Module and Parameter, re-exported by tinygrad_lite.nn",
    "tinygrad_lite.nn.layers": "the layers, re-exported by tinygrad_lite.nn",
    "tinygrad_lite.nn.activation": "the activation modules, re-exported by tinygrad_lite.nn",
    "tinygrad_lite.nn.distance": "CosineSimilarity and PairwiseDistance, re-exported by tinygrad_lite.nn",
    "tinygrad_lite.nn.flatten": "Identity, Flatten and Unflatten, re-exported by tinygrad_lite.nn",
    "tinygrad_lite._tensor_activations": "a base class of Tensor, scanned as Tensor's methods",
    "tinygrad_lite.nn.attention": "MultiHeadAttention, re-exported by tinygrad_lite.nn",
    "tinygrad_lite.nn.transformer": "TransformerBlock and TransformerLM, re-exported by tinygrad_lite.nn",
    "tinygrad_lite.train": "the `train` command's jobs: each call trains a model for minutes",
    "tinygrad_lite.gpu_report": "the `kernels` command: compiles every kernel in worker processes",
    "tinygrad_lite.__main__": "runs the command line",
    "tinygrad_lite.atomic_file": "how save and save_checkpoint write a file; reached through them",
    "tinygrad_lite.math_functions": "tg.sin, tg.atan2, ...: re-exported by tinygrad_lite and scanned there",
    "tinygrad_lite.from_data": "tensor, from_numpy and as_tensor, re-exported by tinygrad_lite",
    "tinygrad_lite.functions": "torch's free functions (tg.sum, tg.mm, ...), re-exported by tinygrad_lite",
    "tinygrad_lite.logic_functions": "re-exported by tinygrad_lite and scanned there",
    "tinygrad_lite.shape_functions": "re-exported by tinygrad_lite and scanned there",
    "tinygrad_lite.index_functions": "re-exported by tinygrad_lite and scanned there",
    "tinygrad_lite.scan_functions": "re-exported by tinygrad_lite and scanned there",
    "tinygrad_lite.random_functions": "re-exported by tinygrad_lite and scanned there",
    "tinygrad_lite.reduce_functions": "re-exported by tinygrad_lite and scanned there",
    "tinygrad_lite.linalg_functions": "re-exported by tinygrad_lite and scanned there",
    "tinygrad_lite.activation_functions": "tg.selu, tg.prelu, ...: re-exported by tinygrad_lite and scanned there",
    "tinygrad_lite._tensor_inplace": "a base class of Tensor, scanned as Tensor's methods",
    "tinygrad_lite._tensor_logic": "a base class of Tensor, scanned as Tensor's methods",
    "tinygrad_lite._tensor_shape": "a base class of Tensor, scanned as Tensor's methods",
    "tinygrad_lite._tensor_index": "a base class of Tensor, scanned as Tensor's methods",
    "tinygrad_lite._tensor_scan": "a base class of Tensor, scanned as Tensor's methods",
    "tinygrad_lite._tensor_random": "a base class of Tensor, scanned as Tensor's methods",
    "tinygrad_lite._tensor_reduce": "a base class of Tensor, scanned as Tensor's methods",
    "tinygrad_lite._tensor_linalg": "a base class of Tensor, scanned as Tensor's methods",
    "tinygrad_lite._size": "tg.Size, re-exported by tinygrad_lite",
    "tinygrad_lite.nn.conv": "the convolution layers, re-exported by tinygrad_lite.nn",
    "tinygrad_lite.nn.loss": "the loss modules, re-exported by tinygrad_lite.nn",
    "tinygrad_lite.nn.dropout": "the channel and alpha dropout modules, re-exported by tinygrad_lite.nn",
    "tinygrad_lite.nn.functional_losses": "the loss functions, re-exported by nn.functional (scanned there)",
    "tinygrad_lite.nn.functional_dropout": "the dropout variants, re-exported by nn.functional (scanned there)",
    "tinygrad_lite.nn.functional_embedding": "embedding, embedding_bag, bilinear: re-exported by nn.functional",
    "tinygrad_lite.nn.sparse": "EmbeddingBag and Bilinear, re-exported by tinygrad_lite.nn",
    "tinygrad_lite.nn.pooling": "the pooling, padding and resizing layers, re-exported by tinygrad_lite.nn",
    "tinygrad_lite.nn.rnn": "RNN, LSTM, GRU and their cells, re-exported by tinygrad_lite.nn",
    "tinygrad_lite.nn.functional_conv": "convolution and pooling functions, re-exported by nn.functional",
    "tinygrad_lite.nn.functional_resample": "pad and interpolate, re-exported by nn.functional",
    **{f"tinygrad_lite.optim.{m}": "an optimizer, schedule or clip_grad_norm_, re-exported by tinygrad_lite.optim"
       for m in ("optimizer", "sgd", "adam", "adamax", "nadam", "radam", "rmsprop", "adagrad", "adadelta", "clip",
                 "lr_scheduler")},
    "tinygrad_lite.nn.containers": "Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict, re-exported by nn",
    "tinygrad_lite.nn.multihead_attention": "MultiheadAttention, re-exported by tinygrad_lite.nn",
    "tinygrad_lite.nn.encoder_decoder": "Transformer and its encoder and decoder layers, re-exported by nn",
    "tinygrad_lite.utils": "the package that holds tg.utils.data (scanned)",
    "tinygrad_lite.return_types": "the named tuples that max, min and friends return (records, as torch.return_types)",
}

# Classes whose instances the library makes for the user (records, exceptions): their
# constructors are not called here; their methods are.
RECORDS = {"Step", "Input", "Case", "IncompatibleKeys", "PackedSequence"}

# Public names that take no input from a user, with the reason.
NOT_CALLED = {
    "nn.Identity": "ignores its constructor's arguments and returns its input unchanged, as torch's: nothing to refuse",
    **{f"check.{name}": "a building block of the check command's case table, written in check.py"
       for name in ("randn", "away", "positive", "prob", "distinct", "ties", "simplex", "binary", "ints",
                    "mask", "const", "run_case", "Input", "Case")},
}

# Abstract pieces: calling them raises NotImplementedError by design (checked below), and their
# inherited methods are called on an instance of the stand-in subclass.
ABSTRACT = {"Module.forward", "LRScheduler", "LRScheduler.get_lr"}
STAND_IN = {"_NormBase": "BatchNorm2d", "_BatchNorm": "BatchNorm2d", "_InstanceNorm": "InstanceNorm2d",
            "_ListOf": "ModuleList", "_DictOf": "ModuleDict", "_ConvNd": "Conv2d", "_Conv": "Conv2d", "_ConvTranspose": "ConvTranspose2d", "_Pool": "MaxPool2d",
            "_MaxUnpool": "MaxUnpool2d", "_Pad": "ZeroPad2d",
            "Module": "Linear", "Optimizer": "SGD", "LRScheduler": "StepLR", "_Elementwise": "ELU", "_AlongDim": "Softmax",
            "_Loss": "L1Loss", "_WeightedLoss": "NLLLoss", "_DropoutNd": "Dropout1d"}

# Tensor's operators, called as methods; the names their messages may use.
OPERATORS = {
    "__add__": ("add",), "__radd__": ("add",), "__iadd__": ("add", "add_"),
    "__sub__": ("sub",), "__rsub__": ("sub",), "__isub__": ("sub", "sub_"),
    "__mul__": ("mul",), "__rmul__": ("mul",), "__imul__": ("mul", "mul_"),
    "__truediv__": ("div",), "__rtruediv__": ("div",), "__itruediv__": ("div", "div_"),
    "__floordiv__": ("floordiv", "floor_divide"), "__rfloordiv__": ("floordiv", "floor_divide"),
    "__ifloordiv__": ("floordiv", "floor_divide"),
    "__mod__": ("mod", "remainder"), "__rmod__": ("mod", "remainder"), "__imod__": ("mod", "remainder"),
    "__pow__": ("pow",), "__rpow__": ("pow",), "__ipow__": ("pow", "pow_"),
    "__matmul__": ("matmul",), "__rmatmul__": ("matmul",), "__imatmul__": ("matmul",),
    "__neg__": ("neg",), "__pos__": ("pos",), "__abs__": ("abs",), "__invert__": ("invert", "not", "bitwise_not"),
    "__and__": ("and", "bitwise_and"), "__or__": ("or", "bitwise_or"), "__xor__": ("xor", "bitwise_xor"),
    "__rand__": ("and", "bitwise_and"), "__ror__": ("or", "bitwise_or"), "__rxor__": ("xor", "bitwise_xor"),
    "__iand__": ("and", "bitwise_and"), "__ior__": ("or", "bitwise_or"), "__ixor__": ("xor", "bitwise_xor"),
    "__lshift__": ("bitwise_left_shift",), "__rlshift__": ("bitwise_left_shift",),
    "__ilshift__": ("bitwise_left_shift",), "__rshift__": ("bitwise_right_shift",),
    "__rrshift__": ("bitwise_right_shift",), "__irshift__": ("bitwise_right_shift",),
    "__eq__": ("eq",), "__ne__": ("ne",), "__lt__": ("lt",), "__le__": ("le",), "__gt__": ("gt",), "__ge__": ("ge",),
    "__getitem__": ("index", "getitem"), "__setitem__": ("index", "setitem"),
    "__len__": ("len",), "__bool__": ("bool",), "__float__": ("float",), "__int__": ("int",),
    "__index__": ("index",), "__array__": ("__array__", "array", "numpy"), "__iter__": ("iter",), "__contains__": ("contains",),
}

# Names that are everyday words: a message must use them as the function's name ("step:",
# "SGD.step", "to(") rather than merely contain the word.
AMBIGUOUS = {"to", "index", "size", "float", "int", "bool", "len", "array", "step", "load", "save", "line",
             "rule", "norm", "split", "item", "type", "shape", "dtype", "not", "and", "or", "iter",
             "contains", "run", "main", "mask", "const", "T", "eval", "train", "numpy"}

# Functions that need an outside program: without it, the valid call must say so (RuntimeError).
NEEDS_PROGRAM = {"viz.render": "dot"}

ACCEPTED = (TypeError, ValueError, IndexError, RuntimeError, OSError)
CALL_SECONDS = 2.0  # a bad call that runs this long is doing the work it should have refused
VALID_CALL_SECONDS = 60.0  # a valid call may import a library first (scikit-learn for load_digits)

# Other names a function's messages may use: max(other) is torch's elementwise maximum.
ALIASES = {"Tensor.max": ("maximum",), "Tensor.min": ("minimum",), "TensorReduce.max": ("maximum",),
           "TensorReduce.min": ("minimum",), "tg.max": ("maximum",), "tg.min": ("minimum",)}

# ---- valid arguments ---------------------------------------------------------------------


def f32(*shape, fill=None):
    """A float32 tensor of distinct values in (-1, 1) (or `fill`)."""
    n = math.prod(shape)
    values = np.full(n, fill, np.float32) if fill is not None else np.linspace(-0.9, 0.9, max(n, 1))[:n]
    return Tensor(values.astype(np.float32).reshape(shape))


def i64(*shape, high=4):
    return Tensor((np.arange(math.prod(shape)) % high).reshape(shape).astype(np.int64))


def param_with_grad(*shape):
    p = tg.nn.Parameter(np.linspace(-1, 1, math.prod(shape)).reshape(shape).astype(np.float32))
    p.grad = f32(*shape, fill=0.5)
    return p


def graph_scalar():
    """A scalar that depends on a leaf, with its graph kept."""
    w = Tensor(np.linspace(-1, 1, 8).reshape(2, 4).astype(np.float32), requires_grad=True)
    return (w * w).sum()


def graph_tensor():
    w = Tensor(np.linspace(-1, 1, 8).reshape(2, 4).astype(np.float32), requires_grad=True)
    return w * 2.0


def sgd():
    return tg.optim.SGD([param_with_grad(2, 4)], lr=0.1)


_SHARED = []


def shared_sgd():
    """One optimizer for the schedulers that SequentialLR and ChainedScheduler combine (they must share it)."""
    if not _SHARED:
        _SHARED.append(sgd())
    return _SHARED[0]


def saved_file(ctx):
    path = ctx.tmp / "tensors.safetensors"
    tg.save({"w": f32(2, 4)}, path)
    return str(path)


def checkpoint_file(ctx):
    path = ctx.tmp / "checkpoint.safetensors"
    model = tg.nn.Linear(4, 3)
    optimizer = tg.optim.SGD(list(model.parameters()), lr=0.1)
    tg.serialization.save_checkpoint(path, model, optimizer, tg.optim.StepLR(optimizer, 2))
    return str(path)


def text_file(ctx):
    path = ctx.tmp / "text.txt"
    path.write_text("hello world, hello tensors\n")
    return str(path)


class _Function:
    """A stand-in op for viz.rule: a class with a docstring, as every Function is."""


def _with_buffer():
    """A Linear holding a buffer named "mask", for Module.get_buffer."""
    layer = tg.nn.Linear(4, 3)
    layer.register_buffer("mask", f32(3))
    return layer


def _op_function():
    from tinygrad_lite.ops import elementwise
    return elementwise.Mul


# By parameter name: how to make a valid value. Each factory takes the call's context.
VALID = {
    # tensors
    "x": lambda c: f32(2, 4), "input": lambda c: f32(2, 4), "t": lambda c: f32(2, 4),
    "tensor": lambda c: f32(2, 4), "pred": lambda c: f32(2, 4), "z": lambda c: f32(2, 4),
    "logits": lambda c: f32(2, 4), "other": lambda c: f32(2, 4), "source": lambda c: f32(2, 4),
    "target": lambda c: f32(2, 4, fill=0.5), "y": lambda c: f32(2, 4, fill=0.5), "p": lambda c: f32(2, 4, fill=0.5),
    "a": lambda c: f32(2, 4), "b": lambda c: f32(2, 4), "cond": lambda c: f32(2, 4) > 0,
    "q": lambda c: f32(2, 3, 4), "k": lambda c: f32(2, 3, 4), "v": lambda c: f32(2, 3, 4),
    "weight": lambda c: f32(4), "bias": lambda c: f32(4), "grad": lambda c: f32(2, 4),
    "attn_mask": lambda c: Tensor(np.tril(np.ones((3, 3), bool))), "pos_weight": lambda c: f32(4, fill=2.0),
    "indices": lambda c: i64(2, 3, high=10), "idx": lambda c: i64(2, 5, high=11),
    "tensors": lambda c: [f32(2, 4), f32(2, 4)], "data": lambda c: np.ones((2, 4), np.float32),
    "loss": lambda c: graph_scalar(),
    # sizes and axes
    "shape": lambda c: (2, 4), "n": lambda c: 3, "m": lambda c: 4, "start": lambda c: 5,
    "in_features": lambda c: 4, "out_features": lambda c: 3, "num_embeddings": lambda c: 10,
    "embedding_dim": lambda c: 4, "normalized_shape": lambda c: 4, "d_model": lambda c: 8, "n_heads": lambda c: 2,
    "n_layers": lambda c: 1, "max_len": lambda c: 8, "vocab_size": lambda c: 11, "d_ff": lambda c: 16,
    "step_size": lambda c: 2, "T_max": lambda c: 10, "warmup_steps": lambda c: 3, "batch_size": lambda c: 2,
    "length": lambda c: 3, "high": lambda c: 5, "index": lambda c: 0, "dims": lambda c: (1, 0),
    "number": lambda c: 1, "seed": lambda c: 0, "scale": lambda c: 0.5,
    # hyperparameters and settings
    "lr": lambda c: 0.01, "value": lambda c: 1.5, "max_norm": lambda c: 1.0, "fraction": lambda c: 0.5,
    "nonlinearity": lambda c: "relu", "task": lambda c: "sort", "device": lambda c: "cpu",
    "ndarray": lambda c: np.ones((2, 4), np.float32),
    "dtype": lambda c: tg.float64, "text": lambda c: "hello world", "vocab": lambda c: list(" dehlorw"),
    "ids": lambda c: [0, 1, 2], "digits": lambda c: np.arange(12).reshape(3, 4) % 10,
    "arrays": lambda c: (np.arange(12.0).reshape(6, 2),), "array": lambda c: np.ones(3),
    "names": lambda c: {}, "input_names": lambda c: ["a", "b"], "copy": lambda c: True,
    "stop": lambda c: 8, "lo": lambda c: -0.5, "hi": lambda c: 0.5, "unbiased": lambda c: True,
    "correction": lambda c: 1, "param": lambda c: 0.2, "cases": lambda c: [_relu_case()],
    "file": lambda c: io.StringIO(), "extra": lambda c: {"note": "x"},
    "prefix": lambda c: "model", "encoding": lambda c: "utf-8", "argv": lambda c: ["check", "--only", "no such case"],
    # objects
    "params": lambda c: [param_with_grad(2, 4)], "optimizer": lambda c: sgd(),
    "scheduler": lambda c: tg.optim.StepLR(sgd(), 2), "model": lambda c: tg.nn.Linear(4, 3),
    "module": lambda c: tg.nn.ReLU(), "modules": lambda c: (tg.nn.Linear(4, 3), tg.nn.ReLU()),
    "fn": lambda c: (lambda x: (x * x).sum()), "inputs": lambda c: (Tensor(np.linspace(-1, 1, 3), requires_grad=True),),
    "function": lambda c: _op_function(), "state_dict": lambda c: c.self.state_dict(),
    "path": lambda c: str(c.tmp / "out.safetensors"),
    "generator": lambda c: tg.Generator().manual_seed(0),
    # resizing: examples for the battery (a valid call gives size alone: the two exclude each other)
    "scale_factor": lambda c: 2.0, "align_corners": lambda c: True, "recompute_scale_factor": lambda c: True,
    "exponent": lambda c: 2.0,
    # optimizers and schedules
    "defaults": lambda c: {"lr": 0.1}, "param_group": lambda c: {"params": [param_with_grad(2, 4)]},
    "closure": lambda c: (lambda: None), "foreach": lambda c: False, "fused": lambda c: False,
    "epoch": lambda c: 1, "lr_lambda": lambda c: (lambda t: 0.5), "milestones": lambda c: [2, 4],
    "gamma": lambda c: 0.5, "T_0": lambda c: 5, "metrics": lambda c: 1.0,
    # tg.utils.data
    "dataset": lambda c: tg.utils.data.TensorDataset(f32(6, 2), i64(6, high=3)), "data_source": lambda c: range(6),
    "datasets": lambda c: [tg.utils.data.TensorDataset(f32(3, 2)), tg.utils.data.TensorDataset(f32(2, 2))],
    "lengths": lambda c: [4, 2], "sampler": lambda c: range(6), "drop_last": lambda c: False,
    "weights": lambda c: [1.0, 2.0, 3.0], "num_samples": lambda c: 4, "batch": lambda c: [f32(2, 4), f32(2, 4)],
    "shuffle": lambda c: False, "batch_sampler": lambda c: [[0, 1], [2]],
    "collate_fn": lambda c: tg.utils.data.default_collate, "worker_init_fn": lambda c: (lambda worker_id: None),
    "multiprocessing_context": lambda c: "spawn", "prefetch_factor": lambda c: 2,
}

# Per function: entries that replace or add to VALID (passed even for optional parameters).
OVERRIDES = {
    # normalization (F.*_norm and the layers of nn/normalization.py)
    **{f"{kind}{n}d": {"num_features": lambda c: 2} for kind in ("BatchNorm", "InstanceNorm") for n in (1, 2, 3)},
    **{f"{kind}.forward": {"input": lambda c: f32(2, 2, 3, 3)} for kind in ("_BatchNorm", "_InstanceNorm")},
    "GroupNorm": {"num_groups": lambda c: 2, "num_channels": lambda c: 4},
    "GroupNorm.forward": {"input": lambda c: f32(2, 4, 3)}, "LocalResponseNorm": {"size": lambda c: 2},
    "LocalResponseNorm.forward": {"input": lambda c: f32(2, 4, 3)},
    "RMSNorm": {"eps": lambda c: 1e-5}, "F.rms_norm": {"eps": lambda c: 1e-5},
    "F.batch_norm": {"running_mean": lambda c: f32(4, fill=0.0), "running_var": lambda c: f32(4, fill=0.5)},
    "F.instance_norm": {"input": lambda c: f32(2, 4, 3), "running_mean": lambda c: f32(4, fill=0.0),
                        "running_var": lambda c: f32(4, fill=0.5)},
    "F.group_norm": {"num_groups": lambda c: 2},
    "F.local_response_norm": {"input": lambda c: f32(2, 4, 3), "size": lambda c: 2},
    # recurrent layers (4 input features, hidden 3; unbatched sequences (2, 4)) and nn.utils
    **{key: {"input_size": lambda c: 4, "hidden_size": lambda c: 3} for key in (
        "RNN", "LSTM", "GRU", "RNNCell", "LSTMCell", "GRUCell")},
    "RNNBase": {"mode": lambda c: "LSTM", "input_size": lambda c: 4, "hidden_size": lambda c: 3},
    "RNNCellBase": {"mode": lambda c: "GRU", "input_size": lambda c: 4, "hidden_size": lambda c: 3},
    "RNN.forward": {"hx": lambda c: f32(1, 3)}, "GRU.forward": {"hx": lambda c: f32(1, 3)},
    "LSTM.forward": {"hx": lambda c: (f32(1, 3), f32(1, 3))},
    "RNNCell.forward": {"input": lambda c: f32(2, 4), "hx": lambda c: f32(2, 3)},
    "GRUCell.forward": {"input": lambda c: f32(2, 4), "hx": lambda c: f32(2, 3)},
    "LSTMCell.forward": {"input": lambda c: f32(2, 4), "hx": lambda c: (f32(2, 3), f32(2, 3))},
    "nn.utils.clip_grad_value_": {"parameters": lambda c: [param_with_grad(2, 4)], "clip_value": lambda c: 0.5},
    "nn.utils.parameters_to_vector": {"parameters": lambda c: [param_with_grad(2, 4)]},
    "nn.utils.vector_to_parameters": {"vec": lambda c: f32(8), "parameters": lambda c: [param_with_grad(2, 4)]},
    "nn.utils.rnn.pad_sequence": {"sequences": lambda c: [f32(3, 2), f32(1, 2)]},
    "nn.utils.rnn.pack_sequence": {"sequences": lambda c: [f32(3, 2), f32(1, 2)]},
    "nn.utils.rnn.pack_padded_sequence": {"input": lambda c: f32(3, 2, 2), "lengths": lambda c: [3, 1]},
    "nn.utils.rnn.pad_packed_sequence": {
        "sequence": lambda c: tg.nn.utils.rnn.pack_sequence([f32(3, 2), f32(1, 2)]), "total_length": lambda c: 4},
    # losses (F.* and the nn.*Loss modules: constructor keys are the class, forward keys Class.forward)
    **{key: {"size_average": lambda c: True, "reduce": lambda c: True} for key in (
        "F.l1_loss", "F.mse_loss", "F.smooth_l1_loss", "F.kl_div", "F.poisson_nll_loss", "F.hinge_embedding_loss",
        "F.soft_margin_loss", "L1Loss", "MSELoss", "SmoothL1Loss", "KLDivLoss", "PoissonNLLLoss",
        "HingeEmbeddingLoss", "SoftMarginLoss", "MarginRankingLoss", "CosineEmbeddingLoss", "TripletMarginLoss")},
    **{key: {"size_average": lambda c: True, "reduce": lambda c: True, "weight": lambda c: f32(4, fill=0.5)}
       for key in ("NLLLoss", "CrossEntropyLoss", "BCELoss", "BCEWithLogitsLoss", "MultiLabelSoftMarginLoss",
                   "MultiMarginLoss", "F.multilabel_soft_margin_loss", "F.binary_cross_entropy_with_logits")},
    **{key: {"size_average": lambda c: True, "reduce": lambda c: True, "weight": lambda c: f32(4, fill=0.5),
             "target": lambda c: i64(2, high=4)}
       for key in ("F.nll_loss", "F.multi_margin_loss", "NLLLoss.forward", "CrossEntropyLoss.forward",
                   "MultiMarginLoss.forward")},
    "F.mse_loss": {"size_average": lambda c: True, "reduce": lambda c: True, "weight": lambda c: f32(2, 4, fill=0.5)},
    "F.l1_loss": {"size_average": lambda c: True, "reduce": lambda c: True, "weight": lambda c: f32(2, 4, fill=0.5)},
    "F.huber_loss": {"weight": lambda c: f32(2, 4, fill=0.5)},
    "F.binary_cross_entropy": {"input": lambda c: f32(2, 4, fill=0.3), "weight": lambda c: f32(4, fill=0.5),
                               "size_average": lambda c: True, "reduce": lambda c: True},
    "BCELoss.forward": {"input": lambda c: f32(2, 4, fill=0.3)},
    **{key: {"var": lambda c: f32(2, 4, fill=0.5)} for key in ("F.gaussian_nll_loss", "GaussianNLLLoss.forward")},
    **{key: {"target": lambda c: f32(2, 4, fill=1.0), "size_average": lambda c: True, "reduce": lambda c: True}
       for key in ("F.hinge_embedding_loss", "F.soft_margin_loss", "HingeEmbeddingLoss.forward",
                   "SoftMarginLoss.forward")},
    **{key: {"input1": lambda c: f32(2, 4), "input2": lambda c: f32(2, 4), "target": lambda c: f32(2, 4, fill=1.0),
             "size_average": lambda c: True, "reduce": lambda c: True}
       for key in ("F.margin_ranking_loss", "MarginRankingLoss.forward")},
    **{key: {"input1": lambda c: f32(2, 4), "input2": lambda c: f32(2, 4), "target": lambda c: f32(2, fill=1.0),
             "size_average": lambda c: True, "reduce": lambda c: True}
       for key in ("F.cosine_embedding_loss", "CosineEmbeddingLoss.forward")},
    **{key: {"anchor": lambda c: f32(2, 4), "positive": lambda c: f32(2, 4, fill=0.5),
             "negative": lambda c: f32(2, 4, fill=-0.5), "size_average": lambda c: True, "reduce": lambda c: True}
       for key in ("F.triplet_margin_loss", "TripletMarginLoss.forward")},
    "PoissonNLLLoss.forward": {"log_input": lambda c: f32(2, 4)},
    "F.scaled_dot_product_attention": {"query": lambda c: f32(2, 3, 4), "key": lambda c: f32(2, 3, 4),
                                       "value": lambda c: f32(2, 3, 4)},
    # MultiheadAttention and the Transformer stack (d_model 8, 2 heads; sequences (length, batch, 8))
    "MultiheadAttention": {"embed_dim": lambda c: 8, "num_heads": lambda c: 2, "kdim": lambda c: 8, "vdim": lambda c: 8},
    "MultiheadAttention.forward": {"query": lambda c: f32(3, 2, 8), "key": lambda c: f32(4, 2, 8),
                                   "value": lambda c: f32(4, 2, 8), "key_padding_mask": lambda c: f32(2, 4) > 0,
                                   "attn_mask": lambda c: f32(3, 4) > 0},
    **{key: {"d_model": lambda c: 8, "nhead": lambda c: 2, "dim_feedforward": lambda c: 16}
       for key in ("TransformerEncoderLayer", "TransformerDecoderLayer")},
    "Transformer": {"d_model": lambda c: 8, "nhead": lambda c: 2, "num_encoder_layers": lambda c: 1,
                    "num_decoder_layers": lambda c: 1, "dim_feedforward": lambda c: 16,
                    "custom_encoder": lambda c: tg.nn.TransformerEncoder(tg.nn.TransformerEncoderLayer(8, 2, 16), 1),
                    "custom_decoder": lambda c: tg.nn.TransformerDecoder(tg.nn.TransformerDecoderLayer(8, 2, 16), 1)},
    "Transformer.generate_square_subsequent_mask": {"sz": lambda c: 4},
    "TransformerEncoder": {"encoder_layer": lambda c: tg.nn.TransformerEncoderLayer(8, 2, 16),
                           "num_layers": lambda c: 1, "norm": lambda c: tg.nn.LayerNorm(8)},
    "TransformerDecoder": {"decoder_layer": lambda c: tg.nn.TransformerDecoderLayer(8, 2, 16),
                           "num_layers": lambda c: 1, "norm": lambda c: tg.nn.LayerNorm(8)},
    **{f"{key}.forward": {"src": lambda c: f32(3, 2, 8), "tgt": lambda c: f32(4, 2, 8), "memory": lambda c: f32(3, 2, 8),
                          "src_mask": lambda c: f32(3, 3), "tgt_mask": lambda c: f32(4, 4), "mask": lambda c: f32(3, 3),
                          "memory_mask": lambda c: f32(4, 3), "src_key_padding_mask": lambda c: f32(2, 3) > 0.5,
                          "tgt_key_padding_mask": lambda c: f32(2, 4) > 0.5,
                          "memory_key_padding_mask": lambda c: f32(2, 3) > 0.5, "is_causal": lambda c: False,
                          "src_is_causal": lambda c: False, "tgt_is_causal": lambda c: False,
                          "memory_is_causal": lambda c: False}
       for key in ("TransformerEncoderLayer", "TransformerDecoderLayer", "TransformerEncoder", "TransformerDecoder",
                   "Transformer")},
    "tg.lerp": {"end": lambda c: f32(2, 4), "weight": lambda c: 0.5},
    # Module's registration, lookup, traversal and hooks; the containers
    "Module.add_module": {"name": lambda c: "extra", "module": lambda c: tg.nn.ReLU()},
    "Module.register_buffer": {"name": lambda c: "extra", "tensor": lambda c: f32(2)},
    "Module.register_parameter": {"name": lambda c: "extra", "param": lambda c: param_with_grad(2)},
    "Module.get_submodule": {"target": lambda c: ""},
    "Module.get_parameter": {"target": lambda c: "weight"},
    "Module.get_buffer": {"target": lambda c: "mask"},
    "Module.apply": {"fn": lambda c: (lambda module: None)},
    **{f"Module.{name}": {"hook": lambda c: (lambda *args: None)}
       for name in ("register_forward_hook", "register_forward_pre_hook")},
    "Module.register_full_backward_hook": {"hook": lambda c: (lambda *args: None)},
    "ModuleList": {"members": lambda c: [tg.nn.ReLU()]}, "ParameterList": {"members": lambda c: [param_with_grad(2)]},
    "ModuleDict": {"members": lambda c: {"a": tg.nn.ReLU()}},
    "ParameterDict": {"members": lambda c: {"a": param_with_grad(2)}},
    "_ListOf.append": {"member": lambda c: tg.nn.ReLU()}, "_ListOf.extend": {"members": lambda c: [tg.nn.ReLU()]},
    "_ListOf.insert": {"index": lambda c: 0, "member": lambda c: tg.nn.ReLU()}, "_ListOf.pop": {"index": lambda c: 0},
    "_DictOf.pop": {"key": lambda c: "a"}, "_DictOf.update": {"members": lambda c: {"b": tg.nn.ReLU()}},
    # convolution, pooling, padding and resizing (nn.functional and the layers that call it)
    **{key: {"input": lambda c: f32(1, 2, 4, 4)} for key in ("_Conv.forward", "_Pool.forward", "_Pad.forward")},
    "_ConvTranspose.forward": {"input": lambda c: f32(1, 2, 4, 4), "output_size": lambda c: (5, 5)},
    "_MaxUnpool.forward": {"input": lambda c: f32(1, 2, 2, 2), "indices": lambda c: i64(1, 2, 2, 2),
                           "output_size": lambda c: (4, 4)},
    **{f"F.conv{n}d": {"input": lambda c, n=n: f32(1, 2, *(5,) * n), "weight": lambda c, n=n: f32(3, 2, *(2,) * n),
                       "bias": lambda c: f32(3), "stride": lambda c: 1, "padding": lambda c: 1}
       for n in (1, 2, 3)},
    **{f"F.conv_transpose{n}d": {"input": lambda c, n=n: f32(1, 2, *(3,) * n),
                                 "weight": lambda c, n=n: f32(2, 3, *(2,) * n), "bias": lambda c: f32(3),
                                 "stride": lambda c: 2, "output_padding": lambda c: 1} for n in (1, 2, 3)},
    **{f"{kind}{n}d": {"input": lambda c, n=n: f32(1, 2, *(4,) * n), "kernel_size": lambda c: 2,
                       "stride": lambda c: 2, "divisor_override": lambda c: 3}
       for kind in ("F.max_pool", "F.avg_pool", "MaxPool", "AvgPool") for n in (1, 2, 3)},
    **{f"{kind}{n}d": {"input": lambda c, n=n: f32(1, 2, *(2,) * n), "indices": lambda c, n=n: i64(1, 2, *(2,) * n),
                       "kernel_size": lambda c: 2, "stride": lambda c: 2, "output_size": lambda c, n=n: (4,) * n}
       for kind in ("F.max_unpool", "MaxUnpool") for n in (1, 2, 3)},
    **{f"{kind}{n}d": {"input": lambda c, n=n: f32(1, 2, *(4,) * n), "output_size": lambda c: 2}
       for kind in ("F.adaptive_avg_pool", "F.adaptive_max_pool", "AdaptiveAvgPool", "AdaptiveMaxPool")
       for n in (1, 2, 3)},
    **{f"{kind}{n}d": {"input": lambda c, n=n: f32(1, 2, *(4,) * n, fill=0.5), "norm_type": lambda c: 2,
                       "kernel_size": lambda c: 2, "stride": lambda c: 2} for kind in ("F.lp_pool", "LPPool") for n in (1, 2)},
    **{key: {"input": lambda c: f32(1, 2, 4, 4), "kernel_size": lambda c: 2} for key in ("F.unfold", "Unfold")},
    **{key: {"input": lambda c: f32(1, 8, 9), "output_size": lambda c: (4, 4), "kernel_size": lambda c: 2}
       for key in ("F.fold", "Fold")},
    **{key: {"input": lambda c: f32(1, 4, 2, 2), "upscale_factor": lambda c: 2} for key in ("F.pixel_shuffle", "PixelShuffle")},
    **{key: {"input": lambda c: f32(1, 1, 4, 4), "downscale_factor": lambda c: 2}
       for key in ("F.pixel_unshuffle", "PixelUnshuffle")},
    **{key: {"input": lambda c: f32(1, 2, 4, 4), "pad": lambda c: (1, 1), "value": lambda c: 0.5} for key in ("F.pad",)},
    **{key: {"input": lambda c: f32(1, 2, 4, 4), "size": lambda c: 3}
       for key in ("F.interpolate", "F.upsample", "F.upsample_nearest", "F.upsample_bilinear", "Upsample",
                   "UpsamplingNearest2d", "UpsamplingBilinear2d", "Upsample.forward")},
    **{f"{kind}{n}d": {"input": lambda c, n=n: f32(1, 2, *(4,) * n), "padding": lambda c: 1, "value": lambda c: 0.5}
       for kind in ("ZeroPad", "ConstantPad", "ReflectionPad", "ReplicationPad", "CircularPad") for n in (1, 2, 3)},
    **{f"{kind}{n}d": {"in_channels": lambda c: 2, "out_channels": lambda c: 4, "kernel_size": lambda c: 2,
                       "input": lambda c, n=n: f32(1, 2, *(4,) * n), "output_size": lambda c, n=n: (5,) * n}
       for kind in ("Conv", "ConvTranspose") for n in (1, 2, 3)},
    **{f"{where}.{name}": {"dim": lambda c: 1} for where in ("TensorScan", "tg")
       for name in ("cumsum", "cumprod", "cummax", "cummin", "logcumsumexp", "cumsum_", "cumprod_")},
    **{f"{where}.{name}": {"k": lambda c: 2} for where in ("TensorScan", "tg") for name in ("topk", "kthvalue")},
    **{f"{where}.{name}": {"q": lambda c: 0.25} for where in ("TensorScan", "tg") for name in ("quantile", "nanquantile")},
    "TensorScan.bincount": {"weights": lambda c: f32(5)},
    "tg.bincount": {"input": lambda c: i64(5), "weights": lambda c: f32(5)},
    "tg.isin": {"elements": lambda c: f32(2, 4), "test_elements": lambda c: f32(3)},
    **{f"{where}.histogram": {"bins": lambda c: 4, "range": lambda c: (-1.0, 1.0), "weight": lambda c: f32(2, 4)}
       for where in ("TensorScan", "tg")},
    **{f"tg.{name}": {"dx": lambda c: 0.5} for name in ("trapezoid", "trapz", "cumulative_trapezoid")},
    **{f"{where}.diff": {"prepend": lambda c: f32(2, 1), "append": lambda c: f32(2, 2)} for where in ("TensorScan", "tg")},
    "tg.searchsorted": {"sorted_sequence": lambda c: f32(5), "side": lambda c: "left",
                        "sorter": lambda c: Tensor(np.arange(5))},
    "tg.bucketize": {"boundaries": lambda c: f32(5)},
    "F.threshold": {"threshold": lambda c: 0.5}, "Threshold": {"threshold": lambda c: 0.5},
    "F.threshold_": {"threshold": lambda c: 0.5}, "Softmax2d.forward": {"input": lambda c: f32(2, 3, 4)},
    "tg.threshold": {"threshold": lambda c: 0.5}, "tg.threshold_": {"threshold": lambda c: 0.5},
    **{f"tg.{name}": {"x1": lambda c: f32(2, 4), "x2": lambda c: f32(2, 4)}
       for name in ("cosine_similarity", "pairwise_distance")},
    "Unflatten": {"dim": lambda c: 1, "unflattened_size": lambda c: (2, 2)},
    "F.one_hot": {"tensor": lambda c: i64(2, 3)},
    **{key: {"x1": lambda c: f32(2, 4), "x2": lambda c: f32(2, 4)}
       for key in ("F.cosine_similarity", "F.pairwise_distance", "CosineSimilarity.forward",
                   "PairwiseDistance.forward")},
    # integer division, bitwise and logical ops, predicates, clamp (Tensor's TensorLogic methods, tg.*)
    **{f"{prefix}{name}": {"rounding_mode": lambda c: "floor"} for prefix in ("TensorLogic.", "TensorInplace.", "tg.")
       for name in ("div", "divide")},
    **{f"TensorLogic.{name}": {"other": lambda c: i64(2, 4)} for name in (
        "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_left_shift", "bitwise_right_shift",
        "__and__", "__or__", "__xor__", "__lshift__", "__rshift__", "__rand__", "__ror__", "__rxor__",
        "__rlshift__", "__rrshift__", "__iand__", "__ior__", "__ixor__", "__ilshift__", "__irshift__")},
    **{f"tg.{name}": {"input": lambda c: i64(2, 4), "other": lambda c: i64(2, 4)} for name in (
        "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_left_shift", "bitwise_right_shift", "bitwise_not")},
    **{f"{prefix}nan_to_num": {"posinf": lambda c: 1.0, "neginf": lambda c: -1.0}
       for prefix in ("TensorLogic.", "tg.")},
    **{key: {"min": lambda c: -0.5, "max": lambda c: 0.5} for key in ("TensorLogic.clamp", "TensorLogic.clip")},
    **{key: {"min": lambda c: f32(2, 4), "max": lambda c: f32(2, 4)} for key in (
        "TensorLogic.clamp_min", "TensorLogic.clamp_max", "tg.clamp_min", "tg.clamp_max")},
    "TensorRandom.full": {"size": lambda c: (2, 4), "fill_value": lambda c: 1.5},
    "TensorRandom.arange": {"end": lambda c: 8},
    "tg.set_rng_state": {"new_state": lambda c: tg.get_rng_state()},  # where the stream is: a no-op
    "Generator.set_state": {"new_state": lambda c: tg.Generator().get_state()},
    "TensorRandom.geometric_": {"p": lambda c: 0.5},
    "TensorRandom.random_": {"to": lambda c: 5},
    "tg.randint": {"low": lambda c: 0, "high": lambda c: 5, "size": lambda c: (2, 3)},
    "tg.randint_like": {"low": lambda c: 0, "high": lambda c: 5},
    "tg.multinomial": {"input": lambda c: f32(2, 4, fill=0.5), "num_samples": lambda c: 2},
    "TensorRandom.multinomial": {"num_samples": lambda c: 2},
    "tg.bernoulli": {"input": lambda c: f32(2, 4, fill=0.5), "p": lambda c: 0.5},
    "tg.normal": {"mean": lambda c: 0.0, "std": lambda c: 1.0, "size": lambda c: (2, 3)},
    "tg.poisson": {"input": lambda c: f32(2, 4, fill=1.5)},
    **{f"tg.{name}": {"end": lambda c: 8, "steps": lambda c: 5} for name in ("linspace", "logspace")},
    "Tensor.reshape": {"shape": lambda c: (4, 2)},
    "Tensor.expand": {"shape": lambda c: (3, 2, 4)},
    "Tensor.permute": {"dims": lambda c: (1, 0)},
    "Tensor.unsqueeze": {"dim": lambda c: 0},
    "Tensor.matmul": {"other": lambda c: f32(4, 3)},
    "Tensor.__matmul__": {"other": lambda c: f32(4, 3)},
    "Tensor.__rmatmul__": {"other": lambda c: f32(3, 2)},
    "Tensor.where": {"cond": lambda c: f32(2, 4) > 0},
    # gathers and scatters on f32(2, 4) along dim 1 (TensorIndex methods, their in-place forms, tg.*)
    **{f"{prefix}{name}": entry for prefix in ("TensorIndex.", "tg.") for names, entry in [
        (("gather", "take_along_dim"), {"dim": lambda c: 1, "index": lambda c: i64(2, 3, high=4),
                                        "indices": lambda c: i64(2, 3, high=4)}),
        (("index_select",), {"dim": lambda c: 1, "index": lambda c: i64(3, high=4)}),
        (("take",), {"index": lambda c: i64(3, high=8)}),
        (("masked_select",), {"mask": lambda c: f32(2, 4) > 0}),
        (("scatter", "scatter_"), {"dim": lambda c: 1, "index": lambda c: i64(2, 3, high=4), "src": lambda c: f32(2, 3),
                                   "reduce": lambda c: "add"}),
        (("scatter_add", "scatter_add_", "scatter_reduce", "scatter_reduce_"),
         {"dim": lambda c: 1, "index": lambda c: i64(2, 3, high=4), "src": lambda c: f32(2, 3),
          "reduce": lambda c: "amax"}),
        (("index_add", "index_add_", "index_copy", "index_copy_"),
         {"dim": lambda c: 1, "index": lambda c: i64(2, high=4), "source": lambda c: f32(2, 2)}),
        (("index_fill", "index_fill_"), {"dim": lambda c: 1, "index": lambda c: i64(2, high=4), "value": lambda c: 1.5}),
        (("masked_scatter", "masked_scatter_"), {"mask": lambda c: f32(2, 4) > 0, "source": lambda c: f32(2, 4)}),
        (("index_reduce", "index_reduce_"), {"dim": lambda c: 1, "index": lambda c: i64(2, high=4),
                                             "source": lambda c: f32(2, 2), "reduce": lambda c: "amax"}),
        (("put", "put_"), {"index": lambda c: i64(3, high=8), "source": lambda c: f32(3)}),
        (("index_put", "index_put_"), {"indices": lambda c: (i64(3, high=2),), "values": lambda c: f32(4)}),
        (("nonzero_static",), {"size": lambda c: 3}),
        (("select_scatter",), {"src": lambda c: f32(4), "dim": lambda c: 0, "index": lambda c: 1}),
        (("slice_scatter",), {"src": lambda c: f32(2, 2), "dim": lambda c: 1, "start": lambda c: 1, "end": lambda c: 3}),
        (("diagonal_scatter",), {"src": lambda c: f32(1), "offset": lambda c: 3}),
    ] for name in names},
    "tg.where": {"condition": lambda c: f32(2, 4) > 0},
    "Tensor.__getitem__": {"index": lambda c: 0},
    "Tensor.__setitem__": {"index": lambda c: 0, "value": lambda c: 1.5},
    **{f"TensorInplace.{name}": {"tensor1": lambda c: f32(2, 4), "tensor2": lambda c: f32(2, 4, fill=2.0),
                                 "value": lambda c: 0.5}
       for name in ("addcmul", "addcmul_", "addcdiv", "addcdiv_")},
    **{f"TensorInplace.{name}": {"end": lambda c: f32(2, 4, fill=0.5), "weight": lambda c: 0.25}
       for name in ("lerp", "lerp_")},
    "TensorInplace.clamp_": {"min": lambda c: -0.5, "max": lambda c: 0.5},
    "TensorInplace.clamp_min_": {"min": lambda c: -0.5}, "TensorInplace.clamp_max_": {"max": lambda c: 0.5},
    "TensorInplace.masked_fill_": {"mask": lambda c: f32(2, 4) > 0, "value": lambda c: 1.5},
    "TensorInplace.pow_": {"exponent": lambda c: 2}, "TensorInplace.__ipow__": {"exponent": lambda c: 2},
    "TensorInplace.div_": {"rounding_mode": lambda c: "floor"},
    "Tensor.astype": {"dtype": lambda c: tg.float64},
    # linear algebra and further reductions: operands of the shapes each product needs
    **{f"{where}.{name}": {arg: lambda c: f32(4)} for where in ("TensorLinalg", "tg")
       for name, arg in (("dot", "tensor"), ("vdot", "other"), ("outer", "vec2"), ("ger", "vec2"), ("mv", "vec"))},
    **{f"tg.{name}": {"input": lambda c: f32(4), arg: lambda c: f32(4)}
       for name, arg in (("dot", "tensor"), ("vdot", "other"), ("outer", "vec2"), ("ger", "vec2"))},
    "tg.mv": {"input": lambda c: f32(2, 4), "vec": lambda c: f32(4)},
    "TensorLinalg.mm": {"mat2": lambda c: f32(4, 3)},
    "TensorLinalg.bmm": {"mat2": lambda c: f32(2, 4, 5)},
    **{f"{where}.addmm": {"mat1": lambda c: f32(2, 3), "mat2": lambda c: f32(3, 4)} for where in ("TensorLinalg", "tg")},
    "TensorLinalg.addmv": {"mat": lambda c: f32(4, 3), "vec": lambda c: f32(3)},
    **{f"{where}.{name}": {"batch1": lambda c: f32(5, 2, 3), "batch2": lambda c: f32(5, 3, 4)}
       for where in ("TensorLinalg", "tg") for name in ("baddbmm", "addbmm")},
    "tg.addmv": {"input": lambda c: f32(4), "mat": lambda c: f32(4, 3), "vec": lambda c: f32(3)},
    "tg.baddbmm": {"input": lambda c: f32(5, 2, 4), "batch1": lambda c: f32(5, 2, 3), "batch2": lambda c: f32(5, 3, 4)},
    "TensorLinalg.cross": {"other": lambda c: f32(2, 3)},
    **{f"{where}.cross": {"input": lambda c: f32(2, 3), "other": lambda c: f32(2, 3)} for where in ("tg", "linalg")},
    "tg.einsum": {"equation": lambda c: "ij,jk->ik", "operands": lambda c: (f32(2, 3), f32(3, 4))},
    "tg.cdist": {"x1": lambda c: f32(3, 4), "x2": lambda c: f32(5, 4)},
    **{f"linalg.{name}": {"A": lambda c: f32(3, 4)} for name in ("matrix_norm", "svdvals", "svd", "qr")},
    **{f"linalg.{name}": {"A": lambda c: f32(3, 4), "atol": lambda c: 1e-6, "rtol": lambda c: 1e-5}
       for name in ("pinv", "matrix_rank")},
    "tg.chain_matmul": {"matrices": lambda c: (f32(2, 4), f32(4, 3), f32(3, 2))},
    "linalg.lstsq": {"A": lambda c: f32(4, 3), "B": lambda c: f32(4, 2), "rcond": lambda c: 1e-5,
                     "driver": lambda c: "gelsd"},
    **{f"{where}.addr": {"vec1": lambda c: f32(2), "vec2": lambda c: f32(4)} for where in ("TensorLinalg", "tg")},
    **{f"{where}.cov": {"fweights": lambda c: i64(4, high=3), "aweights": lambda c: f32(4, fill=0.5)}
       for where in ("TensorReduce", "tg")},
    "linalg.norm": {"A": lambda c: f32(3, 4), "ord": lambda c: "fro"},
    "linalg.matmul": {"other": lambda c: f32(4, 3)},
    "linalg.multi_dot": {"tensors": lambda c: [f32(2, 4), f32(4, 3), f32(3)]},
    **{f"linalg.{name}": {"A": lambda c: Tensor((np.eye(3) * 2 + np.linspace(-0.5, 0.5, 9).reshape(3, 3)).astype(np.float32))}
       for name in ("inv", "det")},
    "linalg.solve": {"A": lambda c: Tensor((np.eye(3) * 2 + np.linspace(-0.5, 0.5, 9).reshape(3, 3)).astype(np.float32)),
                     "B": lambda c: f32(3, 2)},
    **{f"linalg.{name}": {"A": lambda c: Tensor((np.eye(3) * 2 + np.linspace(-0.5, 0.5, 9).reshape(3, 3)).astype(np.float32))}
       for name in ("slogdet", "cholesky", "eigh", "eigvalsh", "matrix_power", "matrix_exp")},
    **{f"tg.{name}": {"input": lambda c: Tensor((np.eye(3) * 2 + np.linspace(-0.5, 0.5, 9).reshape(3, 3)).astype(np.float32))}
       for name in ("matrix_power", "matrix_exp")},
    "linalg.solve_triangular": {"A": lambda c: Tensor((np.eye(3) * 2 + np.linspace(-0.5, 0.5, 9).reshape(3, 3)).astype(np.float32)),
                                "B": lambda c: f32(3, 2), "upper": lambda c: True},
    "linalg.cond": {"A": lambda c: Tensor((np.eye(3) * 2 + np.linspace(-0.5, 0.5, 9).reshape(3, 3)).astype(np.float32)),
                    "p": lambda c: "fro"},
    **{f"tg.{name}": {"input": lambda c: Tensor((np.eye(3) * 2 + np.linspace(-0.5, 0.5, 9).reshape(3, 3)).astype(np.float32))}
       for name in ("det", "inverse", "logdet", "slogdet")},
    # the shape ops (TensorShape's methods and their tg.* functions)
    **{f"{prefix}{name}": {"shifts": lambda c: 1} for prefix in ("TensorShape.", "tg.") for name in ("roll",)},
    **{f"{prefix}{name}": {"source": lambda c: 0, "destination": lambda c: 1}
       for prefix in ("TensorShape.", "tg.") for name in ("movedim", "moveaxis")},
    **{f"{prefix}{name}": {"dim0": lambda c: 0, "dim1": lambda c: 1}
       for prefix in ("TensorShape.", "tg.") for name in ("swapaxes", "swapdims")},
    **{f"{prefix}broadcast_to": {"size": lambda c: (3, 2, 4)} for prefix in ("TensorShape.", "tg.")},
    **{f"{prefix}tensor_split": {"indices_or_sections": lambda c: 2} for prefix in ("TensorShape.", "tg.")},
    **{f"{prefix}repeat_interleave": {"repeats": lambda c: 2, "output_size": lambda c: 16}
       for prefix in ("TensorShape.", "tg.")},
    "TensorShape.repeat": {"sizes": lambda c: (2, 1)},
    "TensorShape.unfold": {"dimension": lambda c: 1, "size": lambda c: 2, "step": lambda c: 1},
    "tg.meshgrid": {"tensors": lambda c: (f32(3), f32(4)), "indexing": lambda c: "ij"},
    "tg.broadcast_tensors": {"tensors": lambda c: (f32(2, 4), f32(1, 4))},
    **{f"{prefix}{name}": {"indices_or_sections": lambda c: 2}
       for prefix in ("TensorShape.", "tg.") for name in ("hsplit", "vsplit", "dsplit")},
    "tg.dsplit": {"input": lambda c: f32(2, 2, 4), "indices_or_sections": lambda c: 2},
    **{f"tg.{name}": {"row": lambda c: 3, "col": lambda c: 4, "dtype": lambda c: tg.int32}
       for name in ("tril_indices", "triu_indices")},
    "tg.block_diag": {"tensors": lambda c: (f32(2, 4), f32(3))},
    "tg.cartesian_prod": {"tensors": lambda c: (f32(3), f32(2))},
    "tg.split": {"split_size_or_sections": lambda c: 2},
    "tg.chunk": {"chunks": lambda c: 2},
    "tg.narrow": {"dim": lambda c: 1, "start": lambda c: 1, "length": lambda c: 2},
    "tg.unflatten": {"dim": lambda c: 1, "sizes": lambda c: (2, 2)},
    **{f"{prefix}select": {"dim": lambda c: 1, "index": lambda c: 1} for prefix in ("TensorShape.", "tg.")},
    **{f"{prefix}narrow_copy": {"dim": lambda c: 1, "start": lambda c: 1, "length": lambda c: 2}
       for prefix in ("TensorShape.", "tg.")},
    "tg.combinations": {"input": lambda c: f32(4)},
    "tg.vander": {"x": lambda c: f32(3), "N": lambda c: 4},
    **{f"TensorShape.{name}": {"dim0": lambda c: 0, "dim1": lambda c: 1}
       for name in ("transpose_", "swapaxes_", "swapdims_")},
    "TensorShape.unsqueeze_": {"dim": lambda c: 0},
    "tg.broadcast_shapes": {"shapes": lambda c: ((2, 1), (3,))},
    **{f"{prefix}as_strided": {"size": lambda c: (2, 2), "stride": lambda c: (1, 2), "storage_offset": lambda c: 1}
       for prefix in ("TensorShape.", "tg.")},
    **{f"tg.{name}": {"dim": lambda c: 1} for name in ("softmax", "log_softmax", "logsumexp", "unsqueeze")},
    "tg.transpose": {"dim0": lambda c: 0, "dim1": lambda c: 1},
    "tg.reshape": {"shape": lambda c: (4, 2)},
    "tg.matmul": {"other": lambda c: f32(4, 3)},
    "tg.mm": {"mat2": lambda c: f32(4, 3)},
    "tg.bmm": {"input": lambda c: f32(2, 3, 4), "mat2": lambda c: f32(2, 4, 5)},
    "tg.clamp": {"min": lambda c: -0.5, "max": lambda c: 0.5},
    "tg.clip": {"min": lambda c: -0.5, "max": lambda c: 0.5},
    "tg.pow": {"exponent": lambda c: f32(2, 4)},
    "tg.full_like": {"fill_value": lambda c: 1.5},
    "TensorMethods.__contains__": {"element": lambda c: 0.5},
    "TensorMethods.register_hook": {"hook": lambda c: (lambda grad: None)},
    "TensorMethods.chunk": {"chunks": lambda c: 2},
    "TensorMethods.split": {"split_size_or_sections": lambda c: 2},
    "TensorMethods.narrow": {"dim": lambda c: 1, "start": lambda c: 1, "length": lambda c: 2},
    "TensorMethods.unflatten": {"dim": lambda c: 1, "sizes": lambda c: (2, 2)},
    "TensorMethods.masked_fill": {"mask": lambda c: f32(2, 4) > 0, "value": lambda c: 1.5},
    "TensorMethods.new_zeros": {"size": lambda c: (2, 3)},
    "TensorMethods.new_ones": {"size": lambda c: (2, 3)},
    "TensorMethods.new_empty": {"size": lambda c: (2, 3)},
    "TensorMethods.new_full": {"size": lambda c: (2, 3), "fill_value": lambda c: 1.5},
    "TensorMethods.to": {"args": lambda c: ("cpu",)},
    "tg.save": {"state_dict": lambda c: {"w": f32(2, 4)}, "path": lambda c: str(c.tmp / "saved.safetensors")},
    "tg.load": {"path": saved_file, "map_location": lambda c: "cpu"},
    "serialization.save_checkpoint": {"path": lambda c: str(c.tmp / "ck.safetensors")},
    "serialization.load_checkpoint": {"path": checkpoint_file},
    "F.linear": {"weight": lambda c: f32(3, 4), "bias": lambda c: f32(3)},
    "F.layer_norm": {"normalized_shape": lambda c: (4,)},
    "F.cross_entropy": {"target": lambda c: i64(2, high=4), "weight": lambda c: f32(4, fill=0.5),
                        "size_average": lambda c: True, "reduce": lambda c: True},
    "Linear": {}, "LayerNorm": {},
    "MultiHeadAttention.forward": {"x": lambda c: f32(2, 5, 8), "attn_mask": lambda c: Tensor(np.ones((5, 5), bool))},
    "TransformerBlock.forward": {"x": lambda c: f32(2, 5, 8)},
    "TransformerLM.forward": {"idx": lambda c: i64(2, 5, high=11)},
    "Sequential.forward": {"x": lambda c: f32(2, 4)},
    "Sequential.__getitem__": {"index": lambda c: 0},
    "Module.load_state_dict": {"state_dict": lambda c: c.self.state_dict()},
    "Module.to": {"device": lambda c: "cpu"},
    "Parameter": {"data": lambda c: np.ones((2, 4), np.float32)},
    "Tensor": {"data": lambda c: np.ones((2, 4), np.float32)},
    "init.kaiming_uniform_": {"tensor": lambda c: f32(3, 4)},
    "init.xavier_uniform_": {"tensor": lambda c: f32(3, 4)},
    "init.calculate_gain": {"nonlinearity": lambda c: "leaky_relu"},
    "Embedding": {"padding_idx": lambda c: 1, "_weight": lambda c: f32(10, 4)},
    "Embedding.forward": {"input": lambda c: i64(2, 3, high=10)},
    "Embedding.from_pretrained": {"embeddings": lambda c: f32(10, 4), "padding_idx": lambda c: 1},
    "EmbeddingBag": {"padding_idx": lambda c: 1, "_weight": lambda c: f32(10, 4)},
    "EmbeddingBag.forward": {"input": lambda c: i64(6, high=10), "offsets": lambda c: Tensor(np.array([0, 2])),
                             "per_sample_weights": lambda c: f32(6)},
    "EmbeddingBag.from_pretrained": {"embeddings": lambda c: f32(10, 4), "padding_idx": lambda c: 1},
    "F.embedding": {"input": lambda c: i64(2, 3, high=10), "weight": lambda c: f32(10, 4),
                    "padding_idx": lambda c: 1},
    "F.embedding_bag": {"input": lambda c: i64(6, high=10), "weight": lambda c: f32(10, 4),
                        "offsets": lambda c: Tensor(np.array([0, 2])), "per_sample_weights": lambda c: f32(6),
                        "mode": lambda c: "sum", "padding_idx": lambda c: 1},
    "Bilinear": {"in1_features": lambda c: 3, "in2_features": lambda c: 2, "out_features": lambda c: 4},
    "Bilinear.forward": {"input1": lambda c: f32(2, 3), "input2": lambda c: f32(2, 2)},
    "F.bilinear": {"input1": lambda c: f32(2, 3), "input2": lambda c: f32(2, 2), "weight": lambda c: f32(4, 3, 2),
                   "bias": lambda c: f32(4)},
    "init.constant_": {"val": lambda c: 0.5},
    "init.dirac_": {"tensor": lambda c: f32(4, 2, 3, 3)},
    "init.sparse_": {"tensor": lambda c: f32(6, 4), "sparsity": lambda c: 0.5},
    "init.kaiming_normal_": {"tensor": lambda c: f32(3, 4)},
    "init.xavier_normal_": {"tensor": lambda c: f32(3, 4)},
    "init.orthogonal_": {"tensor": lambda c: f32(3, 4)},
    "init.eye_": {"tensor": lambda c: f32(3, 4)},
    "viz.to_dot": {"tensor": lambda c: graph_tensor()},
    "viz.render": {"tensor": lambda c: graph_tensor(), "path": lambda c: str(c.tmp / "graph.svg")},
    "viz.norm": {"array": lambda c: np.ones(3)},
    "Step.line": {"number": lambda c: 1},
    "SequentialLR": {"optimizer": lambda c: shared_sgd(), "milestones": lambda c: [2],
                     "schedulers": lambda c: [tg.optim.StepLR(shared_sgd(), 2), tg.optim.StepLR(shared_sgd(), 3)]},
    "ChainedScheduler": {"schedulers": lambda c: [tg.optim.StepLR(shared_sgd(), 2),
                                                  tg.optim.ExponentialLR(shared_sgd(), 0.9)]},
    "OneCycleLR": {"max_lr": lambda c: 0.1, "total_steps": lambda c: 10, "epochs": lambda c: 2,
                   "steps_per_epoch": lambda c: 5},
    "CyclicLR": {"base_lr": lambda c: 0.01, "max_lr": lambda c: 0.1, "step_size_down": lambda c: 3,
                 "scale_fn": lambda c: (lambda x: 1.0)},
    "CyclicLR.scale_fn": {"x": lambda c: 1},
    "TensorDataset": {"tensors": lambda c: (f32(6, 2), i64(6, high=3))},
    "Subset": {"indices": lambda c: [0, 2]}, "SubsetRandomSampler": {"indices": lambda c: [0, 2]},
    "data.train_test_split": {"arrays": lambda c: (np.arange(12.0).reshape(6, 2), np.arange(6))},
    "data.batches": {"arrays": lambda c: (np.arange(12.0).reshape(6, 2), np.arange(6)), "batch_size": lambda c: 2},
    "data.char_text": {"path": text_file},
    "data.solve_digit_task": {"digits": lambda c: np.arange(12).reshape(3, 4) % 10},
    "CharText.encode": {"text": lambda c: "hello"},
    "CharText.random_windows": {"batch_size": lambda c: 2, "length": lambda c: 3},
    "check.run": {"only": lambda c: "F.relu", "dtypes": lambda c: ("float64",)},
    "cli.main": {"argv": lambda c: ["check", "--only", "F.relu", "--dtype", "float64"]},
    "no_grad": {"orig_func": lambda c: (lambda: None)}, "enable_grad": {"orig_func": lambda c: (lambda: None)},
    "set_grad_enabled": {"mode": lambda c: True},  # True, the suite's mode: a valid call changes nothing
    "tg.set_default_dtype": {"d": lambda c: tg.float32},  # float32, the suite's default
    "device": {"type": lambda c: "cpu", "index": lambda c: 0},
}

# Per class: how to make `self` for its methods when its constructor's valid call is not it.
SELF = {
    "Tensor": lambda c: f32(2, 4),
    "device": lambda c: tg.device("cuda:0"),
    "Parameter": lambda c: param_with_grad(2, 4),
    "Sequential": lambda c: tg.nn.Sequential(tg.nn.Linear(4, 3), tg.nn.ReLU()),
    "CharText": lambda c: tg.data.CharText("hello world"),
    "Step": lambda c: tg.viz.Step("Mul", ((2,), (2,)), (2,), "out = a * b", 1.0, (1.0, None)),
}

# Per method: a different `self` than its class's.
METHOD_SELF = {
    "EmbeddingBag.forward": lambda c: tg.nn.EmbeddingBag(10, 4, mode="sum"),
    "Module.get_buffer": lambda c: _with_buffer(),
    "TensorScan.bincount": lambda c: i64(5),
    **{f"TensorLogic.{name}": lambda c: i64(2, 4) for name in (
        "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_left_shift", "bitwise_right_shift", "__invert__",
        "__and__", "__or__", "__xor__", "__lshift__", "__rshift__", "__rand__", "__ror__", "__rxor__",
        "__rlshift__", "__rrshift__", "__iand__", "__ior__", "__ixor__", "__ilshift__", "__irshift__")},
    "Tensor.item": lambda c: f32(1),
    "TensorInplace.retain_grad": lambda c: graph_tensor(),
    "TensorMethods.register_hook": lambda c: graph_tensor(),
    "Tensor.__bool__": lambda c: f32(1),
    "Tensor.__float__": lambda c: f32(1),
    "Tensor.__int__": lambda c: f32(1),
    "Tensor.__index__": lambda c: i64(1),
    "Tensor.backward": lambda c: graph_scalar(),
    "Tensor.expand": lambda c: f32(2, 1),
    "Tensor.__neg__": lambda c: f32(2, 4),
    "Tensor.requires_grad_": lambda c: f32(2, 4),
    **{f"TensorLinalg.{name}": lambda c: f32(4) for name in ("dot", "vdot", "outer", "ger")},
    "TensorLinalg.mv": lambda c: f32(2, 4), "TensorLinalg.bmm": lambda c: f32(2, 3, 4),
    "TensorLinalg.addmv": lambda c: f32(4), "TensorLinalg.baddbmm": lambda c: f32(5, 2, 4),
    "TensorLinalg.cross": lambda c: f32(2, 3),
    **{f"TensorLinalg.{name}": lambda c: Tensor((np.eye(3) * 2 + np.linspace(-0.5, 0.5, 9).reshape(3, 3)).astype(np.float32))
       for name in ("det", "inverse", "logdet", "slogdet", "matrix_power", "matrix_exp")},
    "TensorRandom.multinomial": lambda c: f32(2, 4, fill=0.5),
    "TensorShape.dsplit": lambda c: f32(2, 2, 4),
    "TensorRandom.bernoulli": lambda c: f32(2, 4, fill=0.5),
}


def _relu_case():
    return next(case for case in tg.check.CASES if case.name.startswith("F.relu"))


# Per function and parameter: bad values (by label) that are legal there after all.
LEGAL = {
    ("tg.lerp", "weight"): {"Tensor float32 (2, 4)"},  # a tensor weight, as torch
    ("utils.data.default_convert", "data"): {"None", "(1+2j)", "{}"},  # anything else passes through, as torch's
    ("SubsetRandomSampler", "indices"): {"()"}, ("SequentialSampler", "data_source"): {"()"},  # empty, as torch
    # a Tensor (or a dict keyed by index) is a dataset and a sampler in torch too; a list of str collates to itself
    **{(name, arg): {"a Tensor", "{}"} for name, arg in (("Subset", "dataset"), ("SequentialSampler", "data_source"),
                                                         ("RandomSampler", "data_source"), ("DataLoader", "dataset"))},
    ("BatchSampler", "sampler"): {"a Tensor"}, ("DataLoader", "sampler"): {"a Tensor"},
    ("DataLoader", "batch_size"): {"None"},  # no batching, as torch's
    ("utils.data.default_collate", "batch"): {"['x']"},
    **{(f"{kind}{n}d", "momentum"): {"None"}  # None: the cumulative average, as torch
       for kind in ("BatchNorm", "InstanceNorm") for n in (1, 2, 3)},
    ("ParameterList", "members"): {"[]"},  # an empty list, as torch allows
    **{(key, param): {"None"} for key, param in (  # None: an absent member, as torch allows
        ("Module.register_buffer", "tensor"), ("Module.register_parameter", "param"), ("Module.add_module", "module"))},
    **{(f"TensorMath.{name}", "exponent"): {"Tensor float32 (2, 4)"} for name in ("pow", "float_power")},  # tensor powers
    **{(name, "n"): {"-1", "1000000000000"}  # the inverse's power; a huge power is only squarings
       for name in ("linalg.matrix_power", "TensorLinalg.matrix_power", "tg.matrix_power")},
    ("Fold", "output_size"): {"5"}, ("F.fold", "output_size"): {"5"},  # an int for both axes, as torch
    **{(f"{where}.diff", "n"): {"1000000000000"} for where in ("TensorScan", "tg")},  # an empty result, as torch's
    **{(f"{prefix}{name}", "value"): {"5"} for prefix in ("TensorIndex.", "tg.")  # an int fills, as in torch
       for name in ("index_fill", "index_fill_")},
    **{(f"{prefix}{name}", "src"): {"5"} for prefix in ("TensorIndex.", "tg.")  # scatter(dim, index, 5): the value form
       for name in ("scatter", "scatter_")},
    **{(f"{prefix}nonzero_static", "size"): {"5"} for prefix in ("TensorIndex.", "tg.")},  # any row count, as torch
    **{(f"TensorInplace.{name}", param): {"Tensor float32 (2, 4)"} for name, param in (  # Tensor bounds, as torch
        ("clamp_", "min"), ("clamp_", "max"), ("clamp_min_", "min"), ("clamp_max_", "max"),
        ("lerp", "weight"), ("lerp_", "weight"))},
    ("Tensor.reshape", "shape"): {"-1"},
    **{(f"{prefix}tensor_split", "indices_or_sections"): {"()"} for prefix in ("TensorShape.", "tg.")},  # no index: one piece, as torch
    **{(f"tg.atleast_{k}d", "tensors"): {"[]"} for k in (1, 2, 3)},  # no tensors give (), as torch
    **{(f"{prefix}{name}", "indices_or_sections"): {"()"} for prefix in ("TensorShape.", "tg.")
       for name in ("hsplit", "vsplit", "dsplit")},  # no index: one piece, as torch
    ("tg.broadcast_shapes", "shapes"): {"5"},  # an int is a 1-d shape, as torch reads it
    ("tg.reshape", "shape"): {"-1"},
    ("Tensor.expand", "shape"): {"-1"},
    ("TensorMethods.view", "shape"): {"-1"},
    **{(f"TensorMethods.new_{kind}", "size"): {"()"} for kind in ("zeros", "ones", "empty")},  # a 0-d tensor
    ("TensorMethods.__contains__", "element"): {"Tensor float32 (2, 4)"},  # any equal element, as torch
    ("optim.clip_grad_norm_", "params"): {"[]", "{}"},  # nothing to clip, as in torch
    ("nn.utils.clip_grad_value_", "parameters"): {"[]", "{}"},  # nothing to clip, as in torch
    ("CharText.decode", "ids"): {"5"},  # one id
    **{(f"tg.{name}", "start"): {"1000000000000"} for name in ("linspace", "logspace")},  # a value, not a size
    # numpy's conversion protocol: np.asarray(t, dtype) may ask for any dtype numpy knows
    ("Tensor.__array__", "dtype"): {"np.complex64", "object", "{}"},
}

# ---- the batteries of bad values ---------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Bad:
    value: object
    label: str
    may_accept: bool = False  # True: a legal value in some functions; success is fine


def _bad(value, label=None, ok=False):
    return Bad(value, label or repr(value), ok)


SIZE_NAMES = {"shape", "n", "m", "in_features", "out_features", "num_embeddings", "embedding_dim",
              "normalized_shape", "d_model", "n_heads", "n_layers", "max_len", "vocab_size", "d_ff",
              "step_size", "T_max", "warmup_steps", "batch_size", "length", "high", "block_size"}
# Sizes that decide how much memory a call allocates: 10**12 of them cannot fit.
ALLOC_NAMES = {"shape", "n", "m", "in_features", "out_features", "num_embeddings", "embedding_dim",
               "normalized_shape", "d_model", "n_layers", "max_len", "vocab_size", "d_ff", "length", "start"}
AXIS_NAMES = {"dim", "axis", "dim0", "dim1", "axis0", "axis1", "start_dim", "end_dim", "dims", "index"}
CHOICE_NAMES = {"reduction", "approximate", "mode", "nonlinearity", "task", "device", "rounding_mode"}
PATH_NAMES = {"path"}


def battery(name, example, default, ctx):
    """The bad values for a parameter called `name` whose valid values look like `example`."""
    none_ok = default is None or name in AXIS_NAMES
    common = [_bad(None, ok=none_ok), _bad(1 + 2j), _bad({}, "{}")]
    if name in PATH_NAMES:
        return common + [_bad(12), _bad(()), _bad(str(ctx.tmp), "a folder"),
                         _bad(str(ctx.tmp / "missing" / "file"), "a path in a missing folder")]
    if name in AXIS_NAMES or name in SIZE_NAMES or name in ALLOC_NAMES or (
            isinstance(example, (int, np.integer)) and not isinstance(example, bool)):
        size = (name in SIZE_NAMES or name in ALLOC_NAMES) and name != "start"  # arange's start may be 2.5
        return common + [
            _bad("x"), _bad(2.5, ok=not size), _bad(math.nan, ok=not size), _bad(math.inf, ok=not size),
            _bad(-1, ok=not size or name == "start"), _bad(10 ** 12, ok=name not in ALLOC_NAMES),
            _bad(True, ok=True), _bad((), ok=name in ("shape", "normalized_shape") or name in AXIS_NAMES),
            _bad(np.array([1, 2]), "np.array([1, 2])",
                 ok=name in ("index", "dims", "shape", "normalized_shape", "seed")),  # a seed may be a sequence
            _bad(f32(2), "Tensor float32 (2,)", ok=name == "index"),
        ]
    if isinstance(example, bool):  # torch reads most flags by truth value: only raw errors fail
        return [_bad(None, ok=True), _bad("x", ok=True), _bad(1 + 2j, ok=True), _bad({}, "{}", ok=True),
                _bad(math.nan, ok=True)]
    if isinstance(example, float):
        return common + [
            _bad("x"), _bad(math.nan, ok=True), _bad(math.inf, ok=True), _bad(-math.inf, ok=True),
            _bad(-1.0, ok=True), _bad(1e12, ok=True), _bad(True, ok=True), _bad(()),
            _bad(np.array([1.0, 2.0]), "np.array([1.0, 2.0])"), _bad(f32(2, 4), "Tensor float32 (2, 4)"),
        ]
    if isinstance(example, str):  # a choice among names must be one of them; free text may be anything
        choice = name in CHOICE_NAMES
        return [_bad(None, ok=none_ok or not choice), _bad(1 + 2j, ok=not choice), _bad({}, "{}", ok=not choice),
                _bad("x", ok=not choice), _bad(5, ok=not choice), _bad((), ok=not choice),
                _bad(True, ok=not choice), _bad(f32(2), "Tensor float32 (2,)", ok=not choice)]
    if isinstance(example, Tensor):
        wrong_dtype = i64(*example.shape) if example.dtype.kind == "f" else f32(*example.shape)
        return common + [
            _bad("x"), _bad(()), _bad(1.5, ok=True), _bad([[1.0, 2.0]], "[[1.0, 2.0]]", ok=True),
            _bad(np.ones(example.shape, np.float32), "np.ones(shape)", ok=True),
            _bad(wrong_dtype, f"Tensor {wrong_dtype.dtype} of the same shape", ok=True),
            _bad(Tensor(np.ones(example.shape, bool)), "Tensor bool of the same shape", ok=True),
            _bad(f32(), "Tensor float32 ()", ok=True), _bad(f32(5), "Tensor float32 (5,)", ok=True),
            _bad(f32(0, 7), "Tensor float32 (0, 7)", ok=True),
            _bad(f32(3, 3, 3, 3), "Tensor float32 (3, 3, 3, 3)", ok=True),
            _bad(f32(*example.shape, fill=math.nan), "Tensor of NaN", ok=True),
        ]
    if isinstance(example, (list, tuple)) and example and all(isinstance(v, Tensor) for v in example):
        return common + [_bad("x"), _bad([]), _bad(["x"], "['x']"), _bad([example[0], "x"], "[Tensor, 'x']"),
                         _bad([i64(2, 4)], "[Tensor int64]", ok=True), _bad(f32(2, 4), "a Tensor", ok=True),
                         _bad([f32(2, 4), f32(3)], "[Tensor (2, 4), Tensor (3,)]", ok=True)]
    if isinstance(example, (list, tuple)):
        return common + [_bad("x", ok=True), _bad((), ok=True), _bad(("x", "y"), "('x', 'y')", ok=True),
                         _bad((math.nan, 1.0), "(nan, 1.0)", ok=True), _bad((-1, 10 ** 12), "(-1, 10**12)", ok=True),
                         _bad((1j,), "(1j,)"), _bad(5)]
    if isinstance(example, np.ndarray):
        return common + [_bad("x", ok=True), _bad((), ok=True),
                         _bad(np.array(["a", "b"]), "np.array(['a', 'b'])", ok=True),
                         _bad(np.ones(()), "np.ones(())", ok=True), _bad(np.full(3, math.nan), "NaNs", ok=True),
                         _bad(f32(3), "Tensor float32 (3,)", ok=True)]
    if isinstance(example, dict):
        return [_bad(None, ok=default is None), _bad("x"), _bad(5), _bad([], ok=True), _bad({}, "{}", ok=True),
                _bad({"w": "x"}, "{'w': 'x'}", ok=True), _bad({5: f32(2)}, "{5: Tensor}", ok=True)]
    if isinstance(example, np.dtype):
        return [_bad(None, ok=True), _bad("x"), _bad(5), _bad(1 + 2j), _bad(np.complex64, "np.complex64"),
                _bad({}, "{}"), _bad(object, "object")]
    if callable(example) and not isinstance(example, type):
        return [_bad(None, ok=default is None), _bad("x"), _bad(5), _bad(f32(2), "a Tensor"),
                _bad(lambda *a: "x", "a function returning 'x'", ok=True)]
    # Modules, optimizers, files, op classes: anything that is not what was asked for.
    return [_bad(None, ok=default is None), _bad("x"), _bad(5), _bad(1 + 2j), _bad(f32(2), "a Tensor"),
            _bad({}, "{}"), _bad(tg.nn.ReLU(), "a ReLU module", ok=True)]


# ---- finding the public surface ----------------------------------------------------------


@dataclasses.dataclass
class Target:
    key: str             # "F.relu", "Tensor.sum", "SGD" (a constructor), "SGD.step"
    call: object         # the function to call; for methods, the unbound function (self first)
    names: tuple         # what an error message may call it
    cls: type = None     # for methods and properties: the class whose instance is `self`
    kind: str = "function"  # "function", "method", "property"
    module: str = ""


def _snake(name):
    return re.sub(r"(?<!^)(?=[A-Z][a-z])", "_", name).lower()


def _defined_in_package(obj):
    return getattr(obj, "__module__", "") and obj.__module__.startswith("tinygrad_lite")


def _module_names(module_name):
    module = importlib.import_module(module_name)
    names = getattr(module, "__all__", None)
    if names is None:
        # a module's own names, and those of the parts it re-exports (nn.functional_conv, ... for F)
        names = [n for n, obj in vars(module).items()
                 if not n.startswith("_") and getattr(obj, "__module__", None) is not None
                 and (obj.__module__ == module_name or obj.__module__.startswith(module_name + "_"))]
    elif module_name == "tinygrad_lite":  # the top level also exposes aliases outside __all__
        names = list(names) + [n for n, obj in vars(module).items()
                               if not n.startswith("_") and n not in names and callable(obj)
                               and _defined_in_package(obj) and not inspect.ismodule(obj)]
    return module, names


def _class_targets(cls, seen):
    targets = [Target(cls.__name__, cls, (cls.__name__, _snake(cls.__name__)), module=cls.__module__)]
    for attr in sorted(dir(cls)):
        if attr.startswith("_") and not (cls is Tensor and attr in OPERATORS):
            continue
        home = next((k for k in cls.__mro__ if attr in vars(k)), None)
        if home is None or home is object or not _defined_in_package(home):
            continue
        raw = vars(home)[attr]
        function = raw.__func__ if isinstance(raw, staticmethod) else raw
        if id(function) in seen:
            continue
        seen.add(id(function))
        owner = home.__name__
        names = OPERATORS.get(attr, (attr,)) + (owner, _snake(owner), cls.__name__)
        key = f"{owner}.{attr}"
        if isinstance(raw, staticmethod):
            targets.append(Target(key, raw.__func__, names, module=home.__module__))
        elif isinstance(raw, (property, type(Tensor.grad))):
            targets.append(Target(key, attr, names, cls=home, kind="property"))
        elif inspect.isfunction(raw):
            targets.append(Target(key, raw, names, cls=home, kind="method"))
    return targets


def public_targets():
    seen, targets = set(), []
    for module_name, short in SCANNED.items():
        module, names = _module_names(module_name)
        for name in names:
            obj = getattr(module, name)
            if inspect.ismodule(obj) or not callable(obj) or id(obj) in seen or f"{short}.{name}" in NOT_CALLED:
                continue
            seen.add(id(obj))
            if inspect.isclass(obj):
                if obj.__name__ in RECORDS or issubclass(obj, BaseException):
                    for target in _class_targets(obj, seen)[1:]:
                        targets.append(target)
                    continue
                targets.extend(_class_targets(obj, seen))
            else:
                display = getattr(obj, "__name__", name)
                targets.append(Target(f"{short}.{name}", obj, (display, name), module=module_name))
    return targets


TARGETS = public_targets()


def test_every_module_is_scanned_or_declared_internal():
    """A new module must be sorted: scanned here, or internal with a reason."""
    unsorted = []
    for info in pkgutil.walk_packages(tg.__path__, "tinygrad_lite."):
        name = info.name
        if name in SCANNED or any(name == p or name.startswith(p + ".") for p in INTERNAL):
            continue
        if any(part.startswith("_") for part in name.split(".")[1:]):
            continue
        unsorted.append(name)
    assert not unsorted, f"add these modules to SCANNED or INTERNAL in {__file__}: {unsorted}"


def test_the_surface_is_found():
    keys = {t.key for t in TARGETS}
    for expected in ("F.relu", "TensorReduce.sum", "Tensor.__getitem__", "SGD", "SGD.step" if "SGD.step" in keys
                     else "Optimizer.step", "Linear", "Linear.forward", "TensorRandom.zeros", "tg.load", "init.uniform_",
                     "data.batches", "viz.to_dot", "StepLR", "MultiHeadAttention"):
        assert expected in keys, f"{expected} was not found among the public names"
    assert len(TARGETS) > 150


# ---- calling -----------------------------------------------------------------------------


class _TooSlow(BaseException):
    pass


@contextlib.contextmanager
def _time_limit(seconds):
    if not hasattr(signal, "setitimer"):
        yield
        return

    def stop(signum, frame):
        raise _TooSlow()

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class Context:
    def __init__(self, target, tmp):
        self.target, self.tmp, self.self = target, tmp, None


def _factory(target, name):
    overrides = OVERRIDES.get(target.key, {})
    if name in overrides:
        return overrides[name]
    return VALID.get(name)


def _signature(target):
    if target.kind == "property":
        return None
    try:
        sig = inspect.signature(target.call)
    except (TypeError, ValueError):
        return None
    params = list(sig.parameters.values())
    if target.kind == "method":
        params = params[1:]
    return params


def _make_self(target, ctx):
    if target.key in METHOD_SELF:
        return METHOD_SELF[target.key](ctx)
    name = STAND_IN.get(target.cls.__name__, target.cls.__name__)
    if target.cls is not object and issubclass(Tensor, target.cls):
        name = "Tensor"  # a base class of Tensor (a mixin of its methods): its methods run on a Tensor
    if name in SELF:
        return SELF[name](ctx)
    cls = next(t.call for t in TARGETS if t.key == name)
    constructor = next(t for t in TARGETS if t.key == name)
    args, kwargs, _ = _build(constructor, ctx)
    return cls(*args, **kwargs)


def _build(target, ctx, bad_param=None, bad=None):
    """(args, kwargs, missing): a valid call with `bad` in place of parameter `bad_param`."""
    params = _signature(target) or []
    has_varargs = any(p.kind == p.VAR_POSITIONAL for p in params)
    overrides = OVERRIDES.get(target.key, {})
    args, kwargs, missing = [], {}, []
    for p in params:
        if p.kind == p.VAR_KEYWORD:
            continue
        if p.name == bad_param:
            value, given = (bad.value,) if p.kind == p.VAR_POSITIONAL else bad.value, True
        else:
            required = p.default is p.empty and p.kind != p.VAR_POSITIONAL
            factory = _factory(target, p.name)
            given = required or p.name in overrides or (p.kind == p.VAR_POSITIONAL and factory is not None)
            if p.kind == p.VAR_POSITIONAL and factory is None:
                given = False
            if given and factory is None:
                missing.append(p.name)
                continue
            if given:
                value = factory(ctx)
                if p.kind == p.VAR_POSITIONAL and not isinstance(value, tuple):
                    value = (value,)
            elif has_varargs and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and \
                    any(q.kind == q.VAR_POSITIONAL for q in params[params.index(p):]):
                value, given = p.default, True  # a positional before *args must be passed to reach it
        if not given:
            continue
        if p.kind == p.VAR_POSITIONAL:
            args.extend(value)
        elif p.kind == p.POSITIONAL_ONLY or (has_varargs and p.kind == p.POSITIONAL_OR_KEYWORD):
            args.append(value)
        else:
            kwargs[p.name] = value
    return args, kwargs, missing


def _invoke(target, ctx, args, kwargs, seconds=CALL_SECONDS):
    """Run one call (consuming a generator's first items) inside the time limit, quietly."""
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()), \
            contextlib.redirect_stderr(io.StringIO()), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        with _time_limit(seconds):
            if target.kind == "property":
                return getattr(ctx.self, target.call)
            fn = target.call
            if target.kind == "method":  # an abstract method is called as the base class defines it
                fn = (lambda *a, **k: target.call(ctx.self, *a, **k)) if target.key in ABSTRACT else \
                    getattr(ctx.self, target.call.__name__)
            result = fn(*args, **kwargs)
            if inspect.isgenerator(result):
                result = list(itertools.islice(result, 3))
            return result


def _names_function(message, names):
    for name in names:
        if not name:
            continue
        for spelling in {name, name.rstrip("_")} - {""}:
            word = re.escape(spelling)
            if spelling in AMBIGUOUS:
                pattern = rf"(?<![A-Za-z0-9_]){word}(\(\))?\s*[:(]|\.{word}(?![A-Za-z0-9])"
            else:
                pattern = rf"(?<![A-Za-z0-9]){word}(?![A-Za-z0-9])"
            if re.search(pattern, message, re.IGNORECASE):
                return True
    return False


def _raw(error):
    """Why `error` is not a designed one, or None if it is."""
    if isinstance(error, _TooSlow):
        return f"still running after {CALL_SECONDS} s (a huge size not refused?)"
    if isinstance(error, RecursionError) or type(error).__module__.startswith("numpy"):
        return f"raw {type(error).__module__}.{type(error).__name__}: {error}"
    if not isinstance(error, ACCEPTED):
        return f"raw {type(error).__name__}: {error}"
    return None


def _names_for(target, ctx):
    names = list(target.names) + list(ALIASES.get(target.key, ()))
    if target.key.endswith(".forward") and isinstance(ctx.self, tg.nn.Module):
        for m in ctx.self.modules():  # a layer inside may be the one that refuses
            names += [type(m).__name__, _snake(type(m).__name__)]
    return names


def _prepare(target, ctx):
    """A fresh `self` for a method or property (calls may change it)."""
    ctx.self = _make_self(target, ctx) if target.kind in ("method", "property") else None


def _check_bad_call(target, ctx, param, bad):
    _prepare(target, ctx)
    args, kwargs, _ = _build(target, ctx, param, bad)
    try:
        result = _invoke(target, ctx, args, kwargs)
    except (KeyboardInterrupt, GeneratorExit):
        raise
    except SystemExit as e:
        if target.module == "tinygrad_lite.cli" and e.code == 2:
            return None  # the command line reports a usage error with exit code 2
        return f"SystemExit({e.code})"
    except BaseException as e:
        why = _raw(e)
        if why:
            return why
        if not _names_function(str(e), _names_for(target, ctx)):
            return f"{type(e).__name__} that does not name {target.names[0]!r}: {e}"
        return None
    if result is NotImplemented:  # an operator's refusal in Python's protocol (t == None is False), as torch's
        return None
    if not bad.may_accept:
        return "accepted (no error), but this value is never valid here"
    return None


def _valid_call(target, ctx, args, kwargs):
    try:
        _invoke(target, ctx, args, kwargs, VALID_CALL_SECONDS)
    except BaseException as e:  # noqa: B902 - the table must build a call that works
        if isinstance(e, KeyboardInterrupt):
            raise
        pytest.fail(f"{target.key}: the valid call built from the table raised {type(e).__name__}: {e}; "
                    f"fix VALID/OVERRIDES[{target.key!r}] (or the function)")


def _call_text(target, param, bad):
    return f"{target.key}({param}={bad.label})"


@pytest.mark.parametrize("target", TARGETS, ids=[t.key for t in TARGETS])
def test_bad_arguments_raise_designed_errors(target, tmp_path):
    ctx = Context(target, tmp_path)
    _prepare(target, ctx)
    if target.kind == "property":
        _invoke(target, ctx, (), {})
        return
    if target.key in ABSTRACT:
        args, kwargs, _ = _build(target, ctx)
        with pytest.raises(NotImplementedError):
            _invoke(target, ctx, args, kwargs)
        return
    params = _signature(target)
    assert params is not None, f"{target.key}: no signature to build calls from"
    args, kwargs, missing = _build(target, ctx)
    assert not missing, (f"{target.key}: no valid value for parameter(s) {missing}; add them to VALID "
                         f"(by name) or OVERRIDES[{target.key!r}] in {__file__}")
    program = NEEDS_PROGRAM.get(target.key)
    if program and shutil.which(program) is None:
        with pytest.raises(RuntimeError, match=re.escape(program)):
            _invoke(target, ctx, args, kwargs)
    else:
        _valid_call(target, ctx, args, kwargs)
    _prepare(target, ctx)  # a fresh self for the factories below (state_dict reads it)

    failures, unknown = [], []
    for p in params:
        if p.kind == p.VAR_KEYWORD:
            continue
        factory = _factory(target, p.name)
        example = factory(ctx) if factory is not None and (p.default in (None, p.empty) or p.name in AXIS_NAMES
                                                          or p.kind == p.VAR_POSITIONAL) else p.default
        if p.kind == p.VAR_POSITIONAL and isinstance(example, tuple) and example:
            example = example[0]
        if example is p.empty or (example is None and p.name not in AXIS_NAMES):
            unknown.append(p.name)  # without an example the parameter's kind, and so its battery, is unknown
            continue
        legal = LEGAL.get((target.key, p.name), set())
        for bad in battery(p.name, example, p.default, ctx):
            if bad.label in legal:
                bad = dataclasses.replace(bad, may_accept=True)
            why = _check_bad_call(target, ctx, p.name, bad)
            if why:
                failures.append(f"{_call_text(target, p.name, bad)}: {why}")
    assert not unknown, (f"{target.key}: parameter(s) {unknown} default to None and have no entry in VALID or "
                         f"OVERRIDES[{target.key!r}]: add a valid value, so that their bad values can be chosen")
    assert not failures, f"{len(failures)} bad call(s) of {target.key}:\n  " + "\n  ".join(failures)
