"""The GPU suite: each Triton kernel launcher (tinygrad_lite.kernels, torch tensors in and out)
against its torch twin (cuBLAS for matmul, torch's fused kernels elsewhere), in one run.

Times are triton.testing.do_bench medians (it warms up, flushes the L2 cache between runs,
and syncs the device). Work per case:
  matmul      2 M N K FLOPs; fp16 and bf16 vs torch, fp32 vs torch in IEEE fp32
              (allow_tf32=False: the kernel multiplies fp32 exactly, never in TF32) and,
              as a second baseline, torch in TF32 (allow_tf32=True), the precision the
              kernel gives up for accuracy
  softmax, layer norm   read x, write y: 2 N D element bytes (forward)
  cross-entropy         read the logits once: N C element bytes (+ the targets; forward)
  adam                  param, grad, exp_avg, exp_avg_sq read, three written: 28 B per fp32 parameter
  attention   forward 4 B H L S E FLOPs (half of it causal), forward + backward 3.5 times that
              (the backward recomputes the probabilities), vs torch's scaled_dot_product_attention
% of peak uses the NVIDIA datasheet figures in tinygrad_lite.gpu_report.GPUS (A100 80GB SXM,
H100 SXM: dense tensor-core FLOP/s per dtype, CUDA-core fp32, DRAM bandwidth); on another
GPU that column stays empty.
"""
import math

from .common import Record

FULL = {"matmul": (1024, 2048, 4096, 8192), "rows": (8192, 4096), "vocab": 50304, "adam": 124_000_000,
        "attention": ((4, 16, 1024, 64), (4, 16, 4096, 64))}
QUICK = {**FULL, "matmul": (4096,), "attention": ((4, 16, 2048, 64),)}
TINY = {"matmul": (256,), "rows": (256, 512), "vocab": 1024, "adam": 1_000_000, "attention": ((1, 2, 256, 64),)}


def _peaks(name):
    """The datasheet Gpu entry matching torch's device name, or None."""
    from tinygrad_lite.gpu_report import GPUS

    for gpu in GPUS.values():
        if gpu.name.split()[1] in name:  # "A100" / "H100"
            return gpu
    return None


def run(config, log=print):
    """Every GPU case at `config`'s sizes: (meta, records), or None (with the reason printed) without a GPU."""
    try:
        import torch
        import triton
        from triton.testing import do_bench
    except ImportError as e:
        log(f"bench gpu: skipped: {e} (pip install 'tinygrad_lite[cuda]')")
        return None
    if not torch.cuda.is_available():
        log("bench gpu: skipped: no CUDA GPU visible to torch on this machine")
        return None
    from tinygrad_lite.kernels import _runtime
    if _runtime.interpreting():
        log("bench gpu: skipped: TRITON_INTERPRET is set, so kernels would run on the CPU; unset it")
        return None
    from tinygrad_lite.kernels import adam, attention, cross_entropy, layernorm, matmul, softmax

    name = torch.cuda.get_device_name()
    gpu = _peaks(name)
    dev = "cuda"
    F = torch.nn.functional

    def ms(fn):
        return do_bench(fn, return_mode="median") / 1e3  # do_bench reports milliseconds

    def record(case, shapes, dtype, fn, baseline, base_fn, work, unit, peak):
        return Record(case, shapes, str(dtype).replace("torch.", ""), name, ms(fn), baseline, ms(base_fn),
                      work=work, unit=unit, peak=peak or 0.0)

    def peak_flops(dtype):
        if gpu is None:
            return None
        return gpu.fp32_flops if dtype == torch.float32 else gpu.tensor_flops[str(dtype).replace("torch.", "")]

    bandwidth = gpu.bandwidth if gpu else None
    records = []
    for n in config["matmul"]:
        for dtype in (torch.float16, torch.bfloat16, torch.float32):
            a, b = (torch.randn(n, n, device=dev, dtype=dtype) for _ in range(2))
            torch.backends.cuda.matmul.allow_tf32 = False
            records.append(record("matmul", f"({n}, {n}) @ ({n}, {n})", dtype, lambda: matmul.matmul(a, b),
                                  "torch (cuBLAS)", lambda: a @ b, 2 * n ** 3, "FLOP/s", peak_flops(dtype)))
            if dtype == torch.float32:
                torch.backends.cuda.matmul.allow_tf32 = True
                records.append(record("matmul", f"({n}, {n}) @ ({n}, {n})", dtype, lambda: matmul.matmul(a, b),
                                      "torch TF32", lambda: a @ b, 2 * n ** 3, "FLOP/s", peak_flops(dtype)))
                torch.backends.cuda.matmul.allow_tf32 = False
    N, D = config["rows"]
    V = config["vocab"]
    for dtype in (torch.float16, torch.float32):
        size = torch.finfo(dtype).bits // 8
        x = torch.randn(N, D, device=dev, dtype=dtype)
        w, bias = torch.ones(D, device=dev, dtype=dtype), torch.zeros(D, device=dev, dtype=dtype)
        records.append(record("softmax", f"({N}, {D})", dtype, lambda: softmax.softmax_forward(x), "torch",
                              lambda: torch.softmax(x, -1), 2 * N * D * size, "B/s", bandwidth))
        records.append(record("layer norm", f"({N}, {D})", dtype,
                              lambda: layernorm.layer_norm_forward(x, w, bias, 1e-5), "torch",
                              lambda: F.layer_norm(x, (D,), w, bias, 1e-5), 2 * N * D * size, "B/s", bandwidth))
        logits = torch.randn(N, V, device=dev, dtype=dtype)
        target = torch.randint(0, V, (N,), device=dev)
        records.append(record("cross-entropy", f"({N}, {V})", dtype,
                              lambda: cross_entropy.cross_entropy_forward(logits, target), "torch",
                              lambda: F.cross_entropy(logits, target, reduction="none"),
                              N * V * size + 8 * N, "B/s", bandwidth))
    n = config["adam"]
    p, g, m, v = (torch.randn(n, device=dev) for _ in range(4))
    v.abs_()
    tp = torch.randn(n, device=dev, requires_grad=True)
    tp.grad = torch.randn(n, device=dev)
    for label, kwargs in (("torch Adam fused", {"fused": True}), ("torch Adam default", {})):
        topt = torch.optim.Adam([tp], lr=1e-3, **kwargs)
        records.append(record("adam step", f"({n:,},)", torch.float32,
                              lambda: adam.adam_step(p, g, m, v, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8,
                                                     weight_decay=0.0, step=10, decoupled=False),
                              label, topt.step, 28 * n, "B/s", bandwidth))
    for B, H, T, E in config["attention"]:
        for dtype in (torch.float16, torch.bfloat16):
            q, k, vv, dout = (torch.randn(B, H, T, E, device=dev, dtype=dtype) for _ in range(4))
            tq, tk, tv = (t.clone().requires_grad_() for t in (q, k, vv))
            scale = 1.0 / math.sqrt(E)
            for causal in (False, True):
                flops = 4 * B * H * T * T * E * (0.5 if causal else 1.0)
                shapes = f"({B}, {H}, {T}, {E}){', causal' if causal else ''}"

                def kernel_both(causal=causal):
                    out, lse = attention.attention_forward(q, k, vv, scale, causal)
                    attention.attention_backward(q, k, vv, out, lse, dout, scale, causal)

                def torch_both(causal=causal):
                    out = F.scaled_dot_product_attention(tq, tk, tv, is_causal=causal)
                    torch.autograd.grad(out, (tq, tk, tv), dout)

                records.append(record("attention fwd", shapes, dtype,
                                      lambda c=causal: attention.attention_forward(q, k, vv, scale, c),
                                      "torch sdpa", lambda c=causal: F.scaled_dot_product_attention(
                                          q, k, vv, is_causal=c), flops, "FLOP/s", peak_flops(dtype)))
                records.append(record("attention fwd+bwd", shapes, dtype, kernel_both, "torch sdpa", torch_both,
                                      3.5 * flops, "FLOP/s", peak_flops(dtype)))
    for r in records:
        log(f"  {r.name} [{r.shapes}, {r.dtype}] vs {r.baseline}: ratio {r.ratio:.3g}")
    meta = {"gpu": name, "peaks": gpu.name + " datasheet" if gpu else "unknown GPU: no peak",
            "torch": torch.__version__, "triton": triton.__version__,
            "timing": "triton.testing.do_bench median (L2 flushed between runs)"}
    return meta, records


def describe(meta):
    """The lines above the table: the GPU, the peak figures used, the libraries, the method."""
    return (f"GPU: {meta['gpu']} (peaks: {meta['peaks']}); torch {meta['torch']}, triton {meta['triton']}; "
            f"{meta['timing']}")
