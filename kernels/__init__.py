"""Hand-written Triton kernels for the engine's hot paths, installed as `tinygrad_lite.kernels`.

Each kernel family lives in its own module here; a kernel knows nothing of tensors
or autograd, only of arrays passed to it by a backend.
"""
