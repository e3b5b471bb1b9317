"""The "interp" backend: numpy arrays, hot paths run by the Triton kernels through Triton's interpreter.

The interpreter executes each kernel on the CPU, one program at a time, with
exact float32 arithmetic: slow, but the same kernel source that runs on a GPU,
steppable in a debugger, and testable on any laptop. Kernels take torch tensors;
`torch.from_numpy` shares the numpy array's memory, so nothing is copied.
"""
import os
import sys

import numpy as np

from .launch import KernelBackend

_INSTALL_HINT = "pip install 'tinygrad_lite[kernels]' (triton==3.7.1 and torch==2.13.0)"


def _load_kernels():
    """Import the kernel modules with Triton's interpreter switched on.

    `@triton.jit` decides between interpreting and compiling when the kernel
    module is imported, so the switch must be set first; a process that already
    compiled the kernels for a GPU cannot interpret them as well.
    """
    already = "tinygrad_lite.kernels.matmul" in sys.modules
    os.environ.setdefault("TRITON_INTERPRET", "1")
    try:
        import torch
        from triton import knobs
    except ImportError as e:
        raise RuntimeError(f"device 'interp' needs triton and torch ({e.name} is missing): {_INSTALL_HINT}") from None
    if not already:
        knobs.runtime.interpret = True
    if not knobs.runtime.interpret:
        raise RuntimeError("device 'interp' needs Triton's interpreter, but this process compiles Triton kernels "
                           "for a GPU (TRITON_INTERPRET=0); use a separate process for 'interp'")
    from types import SimpleNamespace

    from ..kernels import activations, adam, attention, cross_entropy, layernorm, matmul, softmax
    return torch, SimpleNamespace(activations=activations, adam=adam, attention=attention,
                                  cross_entropy=cross_entropy, layernorm=layernorm, matmul=matmul,
                                  softmax=softmax)


class InterpBackend(KernelBackend):
    name = "interp"
    xp = np

    def __init__(self):
        super().__init__(*_load_kernels())

    def to_torch(self, array):
        # torch shares memory only with writable arrays with positive strides; copy the others.
        if not array.flags.writeable or any(s < 0 for s in array.strides):
            array = np.array(array)
        return self.torch.from_numpy(array)

    def from_torch(self, tensor):
        return tensor.numpy()
