"""Benchmarks: the engine against numpy and torch on the CPU, the Triton kernels against torch/cuBLAS
on a GPU, as ratios measured in one run (`tinygrad-lite bench cpu|gpu`)."""
