"""The "cuda" backend: cupy arrays on an NVIDIA GPU, hot paths run by the compiled Triton kernels.

Arrays live in GPU memory as cupy arrays; the ops' numpy calls dispatch to cupy
through numpy's array protocols, and array creation goes through `xp`. Kernels
take torch tensors: DLPack hands the same GPU memory back and forth, no copies.
"""
from types import SimpleNamespace

from .launch import KernelBackend

_INSTALL_HINT = "pip install 'tinygrad_lite[cuda]' (cupy-cuda12x, triton==3.7.1, torch==2.13.0 with CUDA)"


def _load():
    try:
        import cupy
        import torch
        from triton import knobs
    except ImportError as e:
        raise RuntimeError(f"device 'cuda' needs cupy, triton and torch ({e.name} is missing): "
                           f"{_INSTALL_HINT}") from None
    try:
        gpu = cupy.cuda.is_available() and torch.cuda.is_available()
    except Exception:  # cupy raises CUDA driver errors of several kinds when no driver is installed
        gpu = False
    if not gpu:
        raise RuntimeError("device 'cuda' needs an NVIDIA GPU that both cupy and torch can see, and none is; "
                           "use device='cpu', or 'interp' to run the Triton kernels on the CPU")
    if knobs.runtime.interpret:
        raise RuntimeError("device 'cuda' compiles the Triton kernels, but this process runs Triton's "
                           "interpreter (TRITON_INTERPRET=1); unset it")
    from ..kernels import activations, adam, attention, cross_entropy, layernorm, matmul, softmax
    kernels = SimpleNamespace(activations=activations, adam=adam, attention=attention,
                              cross_entropy=cross_entropy, layernorm=layernorm, matmul=matmul, softmax=softmax)
    return cupy, torch, kernels


class CupyBackend(KernelBackend):
    name = "cuda"

    def __init__(self):
        cupy, torch, kernels = _load()
        super().__init__(torch, kernels)
        self.xp = cupy

    def asarray(self, data, dtype=None):
        return self.xp.asarray(data, dtype=dtype)

    def to_numpy(self, array):
        return self.xp.asnumpy(array)

    def to_torch(self, array):
        return self.torch.from_dlpack(array)

    def from_torch(self, tensor):
        return self.xp.from_dlpack(tensor)
