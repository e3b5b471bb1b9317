"""Every Triton kernel compiled ahead of time for an A100 (sm_80) and an H100 (sm_90), without a GPU.

Much of what a GPU would reveal only by running a kernel, its compiler already
knows. Triton lowers a kernel to PTX, and NVIDIA's assembler `ptxas` turns that into
machine code for one architecture, reporting the registers each thread needs and
any it could not fit ("spills" to local memory, which is slow). Both run on a CPU.
This module calls each kernel launcher at the benchmark shapes below on "meta"
tensors (shapes without data), records every launch instead of running it, and
compiles each one for each target with `triton.compile(..., target=GPUTarget(...))`:
the same specialisation (dtypes, constants, 16-byte alignment) a real launch makes.
For matmul, which autotunes, every candidate config is compiled. From the results:

  registers / thread, spill bytes   ptxas' report (ptxas -v, as Triton runs it)
  shared memory / program           Triton's dynamic allocation + the static part (cuobjdump; on
                                    sm_90 ptxas puts 1 KiB there in every kernel that uses any)
  tensor cores                      `mma.sync` (sm_80 and up) or `wgmma.mma_async` (sm_90) in the PTX
  programs / SM (occupancy)         the fewest that any one resource allows:
      registers   floor(floor(65536 / (32 * regs rounded up to 8)) / warps)   (allocated per warp, 256 at a time)
      shared      floor(shared per SM / (shared per program + 1 KiB reserved by CUDA))
      warps       floor(64 / warps)        and at most 32 programs
  roofline time                     max(FLOPs / peak FLOP/s, bytes / peak bandwidth)

The roofline counts compulsory traffic (each input read once, each output written
once) and the useful arithmetic (2 FLOPs per multiply-add of each `tl.dot`, over the
(query, key) pairs that take part in attention; a nominal few per element
elsewhere), so it is a lower bound on the time: a static estimate, not a measurement. The FLOP peak is the tensor cores' for the dtype when
the PTX uses them, else the float32 CUDA-core peak (float32 `tl.dot` in "ieee"
precision runs there).

Compiling needs Triton without its interpreter, so the compiles run in worker
processes started with TRITON_INTERPRET=0, whatever the calling process uses.
Triton caches compiled kernels on disk (TRITON_CACHE_DIR, default ~/.triton/cache),
and the ptxas figures are stored beside them, so a second report is quick.
"""
import contextlib
import importlib.metadata
import importlib.util
import io
import json
import math
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from functools import partial
from types import SimpleNamespace

INSTALL_HINT = "compiling the kernels needs triton and torch: pip install 'tinygrad_lite[kernels]'"


@dataclass(frozen=True)
class Gpu:
    """The limits and peaks of one GPU; per-SM limits from the CUDA C++ Programming Guide
    (compute capabilities table), peaks and bandwidth from NVIDIA's A100 and H100 datasheets."""
    name: str
    capability: int
    sms: int
    shared_per_program: int  # the most shared memory one program (CUDA block) may use, in bytes
    shared_per_sm: int
    tensor_flops: dict  # dtype -> dense tensor-core FLOP/s
    fp32_flops: float  # CUDA-core float32 FLOP/s
    bandwidth: float  # DRAM bytes/s


REGISTERS_PER_SM = 65536
WARPS_PER_SM = 64
PROGRAMS_PER_SM = 32
RESERVED_SHARED = 1024  # CUDA keeps 1 KiB of shared memory per resident block for itself
GPUS = {
    # NVIDIA A100 Tensor Core GPU datasheet, A100 80GB SXM: FP16/BF16 tensor 312 TFLOPS dense,
    # TF32 156, FP32 19.5, HBM2e 2,039 GB/s; 108 SMs; 164 KiB shared per SM, 163 KiB per block.
    "sm_80": Gpu("NVIDIA A100 SXM", 80, 108, 166912, 167936,
                 {"float16": 312e12, "bfloat16": 312e12, "float32": 156e12}, 19.5e12, 2.039e12),
    # NVIDIA H100 Tensor Core GPU datasheet, H100 SXM: FP16/BF16 tensor 989 TFLOPS dense
    # (1,979 with sparsity), TF32 494, FP32 67, HBM3 3.35 TB/s; 132 SMs; 228 KiB shared per SM,
    # 227 KiB per block.
    "sm_90": Gpu("NVIDIA H100 SXM", 90, 132, 232448, 233472,
                 {"float16": 989e12, "bfloat16": 989e12, "float32": 494e12}, 67e12, 3.35e12),
}
TARGETS = tuple(GPUS)

# The benchmark shapes: one training step of a GPT-2-small-sized model (8 sequences of
# 1024 tokens, width 768, 12 heads of 64, a 50304-token vocabulary, 124M parameters),
# the square 4096 product that matmuls are usually compared with cuBLAS on, and the
# same product at 4095, where no size or stride is a multiple of 16 (so no load is vectorised).
SQUARE = 4096
BATCH, CONTEXT, WIDTH, HEADS, HEAD_DIM, VOCAB, PARAMS = 8, 1024, 768, 12, 64, 50304, 124_000_000
TOKENS = BATCH * CONTEXT
DTYPES = ("float16", "bfloat16", "float32")
# Nominal arithmetic per element of the elementwise and row kernels (an exp or erf counted
# as one): far below what their memory traffic allows, so their estimates are bandwidth bounds.
FLOPS_PER_ELEMENT = {"activation": 4, "adam": 14, "softmax": 5, "cross_entropy": 8, "layer_norm": 8}


@dataclass(frozen=True)
class Workload:
    """One launcher call at a benchmark shape, and the (FLOPs, bytes) of each kernel it launches."""
    family: str
    name: str
    dtype: str
    call: object  # () -> None: runs the launcher (on meta tensors)
    costs: dict  # kernel name -> (flops, bytes)


# Each family's launcher calls for one dtype, as (name, call, costs): meta(*shape) makes a tensor
# of that dtype (float32 with dtype="float32"), s is its size in bytes, k holds the kernel modules.

def _matmul(k, meta, s):
    for n in (SQUARE, SQUARE - 1):
        yield f"{n}^3", partial(k.matmul.matmul, meta(n, n), meta(n, n)), \
            {"matmul_kernel": (2 * n ** 3, 3 * n * n * s)}
    m, d, h = TOKENS, WIDTH, 4 * WIDTH  # the MLP's first layer: gelu(x W^T + b), W stored (h, d) as in torch
    yield f"{m}x{d} @ W^T({h}x{d}) + b, gelu", partial(k.matmul.matmul, meta(m, d), meta(h, d).T, meta(h), "gelu"), \
        {"matmul_kernel": (2 * m * d * h, (m * d + d * h + m * h + h) * s)}


def _attention(k, meta, s):
    bh, L, E = BATCH * HEADS, CONTEXT, HEAD_DIM
    shape = (BATCH, HEADS, L, E)
    for causal in (True, False):
        pairs = bh * (L * (L + 1) // 2 if causal else L * L)  # (query, key) pairs that take part
        tag = f"B={BATCH} H={HEADS} L=S={L} E={E}" + (" causal" if causal else "")
        qkv = [meta(*shape) for _ in range(3)]
        yield f"forward {tag}", partial(k.attention.attention_forward, *qkv, E ** -0.5, causal), \
            {"_attention_forward_kernel": (4 * pairs * E, 4 * bh * L * E * s + 4 * bh * L)}
        read = 4 * bh * L * E * s + 8 * bh * L  # q, k, v, dout; lse and delta (float32)
        lse = meta(BATCH, HEADS, L, dtype="float32")
        yield f"backward {tag}", \
            partial(k.attention.attention_backward, *qkv, meta(*shape), lse, meta(*shape), E ** -0.5, causal), \
            {"_attention_delta_kernel": (2 * bh * L * E, 2 * bh * L * E * s + 4 * bh * L),
             "_attention_dkdv_kernel": (8 * pairs * E, read + 2 * bh * L * E * s),  # s, dv, dp, dk: 4 products
             "_attention_dq_kernel": (6 * pairs * E, read + bh * L * E * s)}  # s, dp, dq: 3 products


def _cross_entropy(k, meta, s):
    import torch

    n = TOKENS * VOCAB
    flops = FLOPS_PER_ELEMENT["cross_entropy"] * n
    classes = torch.zeros(TOKENS, dtype=torch.int64)  # real values: the launcher checks their range
    for target, kind, target_bytes in ((classes, "class indices", 8 * TOKENS),
                                       (meta(TOKENS, VOCAB), "probabilities", n * s)):
        yield f"forward {TOKENS}x{VOCAB}, {kind}", \
            partial(k.cross_entropy.cross_entropy_forward, meta(TOKENS, VOCAB), target), \
            {"_ce_forward_kernel": (flops, n * s + target_bytes + TOKENS * s)}
        yield f"backward {TOKENS}x{VOCAB}, {kind}", \
            partial(k.cross_entropy.cross_entropy_backward, meta(TOKENS, VOCAB), target, meta(TOKENS)), \
            {"_ce_backward_kernel": (flops, 2 * n * s + target_bytes + TOKENS * s)}


def _softmax(k, meta, s):
    for rows, cols in ((BATCH * HEADS * CONTEXT, CONTEXT), (TOKENS, VOCAB)):  # attention scores; a vocabulary
        n = rows * cols
        flops = FLOPS_PER_ELEMENT["softmax"] * n
        for name in ("softmax", "log_softmax"):
            yield f"{name} forward {rows}x{cols}", partial(getattr(k.softmax, f"{name}_forward"), meta(rows, cols)), \
                {"_softmax_forward_kernel": (flops, 2 * n * s)}
            yield f"{name} backward {rows}x{cols}", \
                partial(getattr(k.softmax, f"{name}_backward"), meta(rows, cols), meta(rows, cols)), \
                {"_softmax_backward_kernel": (flops, 3 * n * s)}


def _layernorm(k, meta, s):
    for rows, cols in ((TOKENS, WIDTH), (TOKENS // 8, 8192)):  # the model's width; a row wider than a block
        n = rows * cols
        flops = FLOPS_PER_ELEMENT["layer_norm"] * n
        yield f"forward {rows}x{cols}", \
            partial(k.layernorm.layer_norm_forward, meta(rows, cols), meta(cols), meta(cols), 1e-5), \
            {"_layer_norm_forward_kernel": (flops, (2 * n + 2 * cols) * s + 8 * rows)}
        stats = [meta(rows, 1, dtype="float32") for _ in range(2)]  # mean, rstd
        yield f"backward {rows}x{cols}", \
            partial(k.layernorm.layer_norm_backward, meta(rows, cols), meta(cols), *stats, meta(rows, cols)), \
            {"_layer_norm_backward_dx_kernel": (flops, (3 * n + cols) * s + 8 * rows),
             "_layer_norm_backward_dwdb_kernel": (flops, 2 * n * s + 8 * rows + 8 * cols)}


def _activations(k, meta, s):
    n = TOKENS * 4 * WIDTH  # the MLP's hidden activations
    flops = FLOPS_PER_ELEMENT["activation"] * n
    for name, params in (("relu", {}), ("leaky_relu", {}), ("sigmoid", {}), ("tanh", {}), ("gelu", {}),
                         ("gelu", {"approximate": "tanh"}), ("silu", {})):
        label = name + "".join(f" ({v})" for v in params.values())
        yield f"{label} forward {n}", partial(k.activations.activation_forward, name, meta(n), **params), \
            {"_activation_forward_kernel": (flops, 2 * n * s)}
        yield f"{label} backward {n}", \
            partial(k.activations.activation_backward, name, meta(n), meta(n), **params), \
            {"_activation_backward_kernel": (flops, 3 * n * s)}


def _adam(k, meta, s):
    hyper = {"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "step": 1}
    for name, decay, decoupled in (("Adam", 0.0, False), ("Adam + L2", 0.01, False), ("AdamW", 0.01, True)):
        yield f"{name} step, {PARAMS} parameters", \
            partial(k.adam.adam_step, *[meta(PARAMS) for _ in range(4)], weight_decay=decay, decoupled=decoupled,
                    **hyper), \
            {"adam_kernel": (FLOPS_PER_ELEMENT["adam"] * PARAMS, 7 * PARAMS * s)}  # read 4 arrays, write 3


# The kernel modules and, for each, the launcher calls at the benchmark shapes.
FAMILIES = {"matmul": _matmul, "attention": _attention, "cross_entropy": _cross_entropy, "softmax": _softmax,
            "layernorm": _layernorm, "activations": _activations, "adam": _adam}


def _workloads(k):
    """Every launcher call the report compiles, for every dtype; k holds the kernel modules."""
    import torch

    for dtype in DTYPES:
        def meta(*shape, dtype=dtype):
            return torch.empty(shape, dtype=getattr(torch, dtype), device="meta")  # a shape, no memory

        for family, calls in FAMILIES.items():
            for name, call, costs in calls(k, meta, getattr(torch, dtype).itemsize):
                yield Workload(family, name, dtype, call, costs)


# ---- recording launches ----------------------------------------------------------------

class _Recorder:
    """Stands in for a kernel while a launcher runs: `kernel[grid](*args, **kwargs)` is recorded, not run."""

    def __init__(self, kernel, launches):
        self.kernel, self.launches = kernel, launches

    def __getitem__(self, grid):
        return lambda *args, **kwargs: self.launches.append((self.kernel, grid, args, kwargs))


def _record(module, call):
    """The launches `call()` makes of the kernels in `module`, as (kernel, grid, args, kwargs)."""
    from triton.runtime.autotuner import Autotuner
    from triton.runtime.jit import JITFunction

    kernels = {name: v for name, v in vars(module).items() if isinstance(v, (JITFunction, Autotuner))}
    launches = []
    try:
        for name, kernel in kernels.items():
            setattr(module, name, _Recorder(kernel, launches))
        call()
    finally:
        for name, kernel in kernels.items():
            setattr(module, name, kernel)
    return launches


def _expand_autotune(kernel, grid, args, kwargs):
    """(jit function, grid, args, kwargs with the config) for each config an autotuner would try."""
    from triton.runtime.autotuner import Autotuner

    if not isinstance(kernel, Autotuner):
        return [(kernel, grid, args, kwargs)]
    configs = kernel.configs
    if kernel.early_config_prune:
        configs = kernel.early_config_prune(configs, dict(zip(kernel.arg_names, args)), **kwargs)
    return [(kernel.fn, grid, args, {**kwargs, **config.all_kwargs()}) for config in configs]


def _kernel_names(module):
    """The kernels a module defines (jit functions named *kernel; the others are helpers they call)."""
    from triton.runtime.autotuner import Autotuner
    from triton.runtime.jit import JITFunction

    names = []
    for name, v in vars(module).items():
        fn = v.fn if isinstance(v, Autotuner) else v
        if isinstance(fn, JITFunction) and fn.__module__ == module.__name__ and name.endswith("kernel"):
            names.append(name)
    return names


def _specialize(fn, args, kwargs, backend):
    """(bound arguments, signature, constexprs, attrs, options) of a launch, as `fn[grid](*args, **kwargs)`
    would compile it: argument types, constants, and which integers and pointers are multiples of 16."""
    from triton.runtime.jit import create_function_from_signature

    binder = create_function_from_signature(fn.signature, fn.params, backend)
    bound, specialization, options = binder(*args, **kwargs)
    options, signature, constexprs, attrs = fn._pack_args(backend, kwargs, bound, specialization, options)
    return bound, signature, constexprs, attrs, options


# ---- the plan: what to compile ---------------------------------------------------------

_PLAN = None  # built once per process: (rows, jobs, kernels not launched)


def _plan(targets):
    """(rows, jobs, not_launched): a row per (workload, kernel launch, target), a job per distinct
    compilation, and the names of the kernels that no workload launches."""
    global _PLAN
    if _PLAN is not None:
        return _PLAN
    from triton.backends.compiler import GPUTarget
    from triton.compiler import make_backend

    k = SimpleNamespace(**{family: importlib.import_module(f"tinygrad_lite.kernels.{family}") for family in FAMILIES})
    backends = {t: make_backend(GPUTarget("cuda", GPUS[t].capability, 32)) for t in targets}
    rows, jobs, job_of_key = [], [], {}
    for work in _workloads(k):
        describe = {"family": work.family, "workload": work.name, "dtype": work.dtype}
        try:
            found = []
            for fn, grid, args, kwargs in [one for launch in _record(getattr(k, work.family), work.call)
                                           for one in _expand_autotune(*launch)]:
                for target in targets:
                    bound, signature, constexprs, attrs, options = _specialize(fn, args, kwargs, backends[target])
                    key = (target, fn.__module__, fn.__name__, repr(signature), repr(constexprs), repr(attrs),
                           repr(options))
                    if key not in job_of_key:
                        job_of_key[key] = len(jobs)
                        jobs.append((fn, signature, constexprs, attrs, options, target))
                    grid_size = grid(bound) if callable(grid) else grid
                    found.append({**describe, "kernel": fn.__name__, "target": target,
                                  "config": _describe_config(kwargs, options), "num_warps": options.num_warps,
                                  "num_stages": options.num_stages, "programs": math.prod(grid_size),
                                  "cost": work.costs.get(fn.__name__), "job": job_of_key[key]})
        except Exception as e:  # the launcher fails at its benchmark shape: a finding, reported per target
            found = [{**describe, "kernel": "(launcher)", "target": t, "config": "", "error": _message(e)}
                     for t in targets]
        rows += found
    launched = {row["kernel"] for row in rows}
    defined = [f"{module.__name__}.{name}" for module in vars(k).values() for name in _kernel_names(module)]
    _PLAN = rows, jobs, [name for name in defined if name.rsplit(".", 1)[1] not in launched]
    return _PLAN


def _message(e):
    """An exception as one line: its type and the first line of its message."""
    text = str(e).strip()
    return f"{type(e).__name__}: {text.splitlines()[0] if text else ''}"


def _describe_config(kwargs, options):
    """Tile sizes (the BLOCK*/GROUP* constants), warps and pipeline stages, e.g. "128x64x32 g8 w4 s3"."""
    blocks = [str(v) for name, v in kwargs.items() if name.startswith("BLOCK") and isinstance(v, int)]
    groups = [f"g{v}" for name, v in kwargs.items() if name.startswith("GROUP")]
    return " ".join(["x".join(blocks)] + groups + [f"w{options.num_warps}", f"s{options.num_stages}"])


# ---- compiling one job -----------------------------------------------------------------

_STATS_FILE = "tinygrad_lite_ptxas.json"


def _compile_job(targets, index):
    """Compile job `index` of the plan; its resources as a dict, or {"error": message}."""
    import triton
    from triton import knobs
    from triton.backends.compiler import GPUTarget
    from triton.compiler import ASTSource
    from triton.runtime.cache import get_cache_manager

    fn, signature, constexprs, attrs, options, target = _plan(targets)[1][index]
    gpu_target = GPUTarget("cuda", GPUS[target].capability, 32)

    def compile_with_log(always):
        log = io.StringIO()
        with knobs.nvidia.scope(), knobs.compilation.scope(), contextlib.redirect_stdout(log):
            knobs.nvidia.dump_ptxas_log = True
            knobs.compilation.always_compile = always
            compiled = triton.compile(ASTSource(fn, signature, constexprs, attrs), target=gpu_target,
                                      options=options.__dict__)
        return compiled, log.getvalue()

    try:
        compiled, log = compile_with_log(always=False)
        cache = get_cache_manager(compiled.hash)
        stats_path = cache.get_file(_STATS_FILE)
        if "ptxas info" in log or stats_path is None:
            if "ptxas info" not in log:  # cached by a plain launch, which kept no ptxas report
                compiled, log = compile_with_log(always=True)
            stats = {**parse_ptxas(log), **_static_resources(compiled.asm["cubin"])}
            cache.put(json.dumps(stats), _STATS_FILE, binary=False)
        else:
            with open(stats_path) as f:
                stats = json.load(f)
    except Exception as e:  # a compile error is a result to report, not a crash of the report
        return {"error": _message(e)}
    ptx = compiled.asm["ptx"]
    return {**stats, "dynamic_shared": compiled.metadata.shared,
            "wgmma": len(re.findall(r"^\s*wgmma\.mma_async", ptx, re.M)),
            "mma": len(re.findall(r"^\s*mma\.sync", ptx, re.M)),
            "uses_dot": "tt.dot" in compiled.asm["ttir"]}


def parse_ptxas(log):
    """Registers per thread, stack frame and spilled bytes from the report of `ptxas -v`."""
    regs = re.search(r"Used (\d+) registers", log)
    frame = re.search(r"(\d+) bytes stack frame, (\d+) bytes spill stores, (\d+) bytes spill loads", log)
    if not (regs and frame):
        raise RuntimeError(f"unexpected ptxas report: {log!r}")
    return {"registers": int(regs.group(1)), "stack": int(frame.group(1)),
            "spill_stores": int(frame.group(2)), "spill_loads": int(frame.group(3))}


def _static_resources(cubin):
    """Static shared memory of the machine code, from `cuobjdump --dump-resource-usage`."""
    from triton import knobs

    with tempfile.NamedTemporaryFile(suffix=".cubin") as f:
        f.write(cubin)
        f.flush()
        out = subprocess.run([knobs.nvidia.cuobjdump.path, "--dump-resource-usage", f.name],
                             capture_output=True, text=True, check=True).stdout
    usage = re.search(r"SHARED:(\d+)", out)
    if usage is None:
        raise RuntimeError(f"unexpected cuobjdump report: {out!r}")
    return {"static_shared": int(usage.group(1))}


# ---- occupancy and roofline ------------------------------------------------------------

def occupancy(gpu, registers, shared, warps):
    """(programs per SM, the resource that limits them) for programs of `warps` warps using
    `registers` per thread and `shared` bytes of shared memory (see the module docstring)."""
    registers_per_warp = 32 * (math.ceil(max(registers, 1) / 8) * 8)
    limits = {  # on a tie the first is named: the hardware's caps before the kernel's appetite
        "warps": WARPS_PER_SM // warps,
        "programs": PROGRAMS_PER_SM,
        "registers": (REGISTERS_PER_SM // registers_per_warp) // warps,
        "shared": gpu.shared_per_sm // (shared + RESERVED_SHARED),
    }
    limiter = min(limits, key=limits.get)
    return limits[limiter], limiter


def roofline_seconds(gpu, flops, nbytes, dtype, tensor_cores):
    """(seconds, "compute" or "memory"): the larger of FLOPs at peak and bytes at full bandwidth."""
    peak = gpu.tensor_flops[dtype] if tensor_cores else gpu.fp32_flops
    compute, memory = flops / peak, nbytes / gpu.bandwidth
    return max(compute, memory), ("compute" if compute > memory else "memory")


def _finish(row, result):
    """The row with its compile results, occupancy and roofline filled in."""
    gpu = GPUS[row["target"]]
    row = {**row, **result}
    cost = row.pop("cost")
    del row["job"]
    if "error" in row:
        return row
    shared = row["dynamic_shared"] + row["static_shared"]
    programs, limiter = occupancy(gpu, row["registers"], shared, row["num_warps"])
    tensor_cores = bool(row["wgmma"] or row["mma"])
    row.update(shared=shared, shared_limit=gpu.shared_per_program, shared_fits=shared <= gpu.shared_per_program,
               spill_bytes=row["spill_stores"] + row["spill_loads"], tensor_cores=tensor_cores,
               programs_per_sm=programs, warps_per_sm=programs * row["num_warps"], occupancy_limiter=limiter)
    if cost is not None and programs:
        seconds, bound = roofline_seconds(gpu, *cost, row["dtype"], tensor_cores)
        row.update(flops=cost[0], bytes=cost[1], roofline_us=seconds * 1e6, bound=bound,
                   waves=row["programs"] / (programs * gpu.sms))
    return row


# ---- running it all --------------------------------------------------------------------

def _worker(targets, index, count, out_path):
    """Compile jobs index, index + count, ... of the plan; write their results (and, from the
    first worker, the rows and the kernels no workload launches) to out_path as JSON."""
    rows, jobs, not_launched = _plan(targets)
    results = {i: _compile_job(targets, i) for i in range(index, len(jobs), count)}
    with open(out_path, "w") as f:
        json.dump({"rows": rows if index == 0 else None, "not_launched": not_launched, "results": results}, f)


def build_report(targets=TARGETS, workers=None):
    """Compile every kernel launch of the benchmark workloads for `targets`.

    Returns {"rows": [...], "not_launched": [...]}: a row per (workload, kernel, config,
    dtype, target) with registers, spills, shared memory, tensor cores, occupancy and
    roofline time (see the module docstring), or an "error"; and the kernels defined
    in the kernel modules that no workload launches. The compiles run in `workers`
    fresh processes (default: one per available core, up to 8) with Triton's interpreter off.
    """
    targets = tuple(targets)
    unknown = [t for t in targets if t not in GPUS]
    if unknown:
        raise ValueError(f"unknown target(s) {unknown}; choose from {list(GPUS)}")
    if workers is None:  # one per core, up to 8: each worker holds torch and Triton in memory
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
        workers = min(cores, 8)
    env = {**os.environ, "TRITON_INTERPRET": "0"}
    code = "import sys; from tinygrad_lite.gpu_report import _worker; _worker(sys.argv[1].split(','), " \
           "int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])"
    with tempfile.TemporaryDirectory() as tmp:
        paths = [os.path.join(tmp, f"worker{i}.json") for i in range(workers)]
        procs = [subprocess.Popen([sys.executable, "-c", code, ",".join(targets), str(i), str(workers), path],
                                  env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
                 for i, path in enumerate(paths)]
        outputs = [p.communicate()[0] for p in procs]
        for p, out in zip(procs, outputs):
            if p.returncode:
                raise RuntimeError(f"a compile worker failed (exit {p.returncode}):\n{out}")
        parts = []
        for path in paths:
            with open(path) as f:
                parts.append(json.load(f))
    results = {int(i): r for part in parts for i, r in part["results"].items()}
    return {"rows": [row if "error" in row else _finish(row, results[row["job"]]) for row in parts[0]["rows"]],
            "not_launched": parts[0]["not_launched"]}


COLUMNS = ("kernel", "workload", "dtype", "config", "regs", "spill B", "smem KiB", "TC", "programs/SM",
           "limit", "roofline us", "bound")


def _cells(row):
    if "error" in row:
        return [row["kernel"], row["workload"], row["dtype"], row["config"], "ERROR: " + row["error"]]
    tc = "wgmma" if row["wgmma"] else "mma" if row["mma"] else "-"
    return [row["kernel"].strip("_"), row["workload"], row["dtype"], row["config"], str(row["registers"]),
            str(row["spill_bytes"]), f"{row['shared'] / 1024:.1f}" + ("" if row["shared_fits"] else " (too big)"),
            tc, f"{row['programs_per_sm']} ({row['warps_per_sm']} warps)", row["occupancy_limiter"],
            f"{row['roofline_us']:.1f}" if "roofline_us" in row else "-", row.get("bound", "-")]


def _header(target):
    gpu = GPUS[target]
    return (f"{target}: {gpu.name} ({gpu.sms} SMs; shared memory {gpu.shared_per_program // 1024} KiB per program) "
            "-- a static estimate from the compiled code, not a measurement")


def format_table(rows, target):
    """A plain-text table of one target's rows."""
    lines = [[*COLUMNS]] + [_cells(r) for r in rows if r["target"] == target]
    widths = [max(len(line[i]) for line in lines if i < len(line)) for i in range(len(COLUMNS))]
    text = ["  ".join(cell.ljust(w) for cell, w in zip(line, widths)).rstrip() for line in lines]
    return "\n".join([_header(target), *text[:1], "  ".join("-" * w for w in widths), *text[1:]])


def format_markdown(rows, target):
    """One target's rows as a Markdown table, under a heading and a summary of what was found."""
    gpu = GPUS[target]
    mine = [r for r in rows if r["target"] == target]
    ok = [r for r in mine if "error" not in r]
    half_dots = [r for r in ok if r["uses_dot"] and r["dtype"] != "float32"]
    version = importlib.metadata.version("triton")
    lines = [
        f"## {target}: {gpu.name} -- a static estimate, not a measurement", "",
        f"Written by `tinygrad-lite kernels --target {target} --markdown PATH` (Triton {version}) on a machine "
        f"without a GPU: each kernel launch was compiled for {target} and read from ptxas' and cuobjdump's "
        f"reports; nothing ran. {len(mine)} launches of {len({r['kernel'] for r in mine})} kernels: "
        f"{len(mine) - len(ok)} failed to compile, {sum(1 for r in ok if r['spill_bytes'])} with register spills, "
        f"{sum(not r['shared_fits'] for r in ok)} need more than the {gpu.shared_per_program // 1024} KiB of shared "
        f"memory a program may use, {sum(not r['tensor_cores'] for r in half_dots)} of the "
        f"{len(half_dots)} float16/bfloat16 `tl.dot` launches lack tensor-core instructions.", "",
        f"Shapes: a GPT-2-small training step ({BATCH} x {CONTEXT} tokens, width {WIDTH}, {HEADS} heads of "
        f"{HEAD_DIM}, vocabulary {VOCAB}, {PARAMS // 10 ** 6}M parameters), and {SQUARE}^3 and {SQUARE - 1}^3 "
        "matmuls (every autotune config). Columns: registers per thread; spilled bytes (stores + loads); shared "
        "memory per program; tensor-core instructions in the PTX; programs resident per SM (their warps, of 64) "
        "and the resource that limits them; roofline = max(FLOPs / peak, bytes / bandwidth) with "
        f"{gpu.tensor_flops['float16'] / 1e12:g} TFLOPS float16/bfloat16 (tensor cores, dense), "
        f"{gpu.fp32_flops / 1e12:g} TFLOPS float32 and {gpu.bandwidth / 1e12:g} TB/s (NVIDIA's datasheet), "
        "counting each input read once and each output written once: a lower bound on the time.", "",
        "| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in _cells(r)) + " |" for r in mine]
    return "\n".join(lines) + "\n"


def main(targets=TARGETS, json_path=None, markdown_path=None):
    """`tinygrad-lite kernels`: print the tables. Exit code 1 if a kernel fails to compile, needs
    more shared memory than the target has, or is launched by no workload; 2 if triton or torch is missing."""
    missing = [m for m in ("triton", "torch") if importlib.util.find_spec(m) is None]
    if missing:
        print(f"tinygrad-lite kernels: {', '.join(missing)} not installed; {INSTALL_HINT}")
        return 2
    report = build_report(targets)
    rows = report["rows"]
    print("\n\n".join(format_table(rows, t) for t in targets))
    if json_path:
        with open(json_path, "w") as f:
            json.dump({"targets": {t: vars(GPUS[t]) for t in targets}, **report}, f, indent=1)
    if markdown_path:
        with open(markdown_path, "w") as f:
            f.write("\n".join(format_markdown(rows, t) for t in targets))
    failed = [r for r in rows if "error" in r or not r["shared_fits"]]
    spilling = [r for r in rows if r.get("spill_bytes")]
    print(f"\n{len(rows)} kernel launches compiled for {', '.join(targets)}: {len(failed)} failed to compile "
          f"or overflow shared memory, {len(spilling)} with register spills")
    if report["not_launched"]:
        print(f"not in the report (no workload launches them): {', '.join(report['not_launched'])}")
    return 1 if failed or report["not_launched"] else 0
