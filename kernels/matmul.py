"""Tiled matrix multiplication C = act(A @ B + bias), batched, with a fused epilogue.

Tiling. C (M x N) is cut into BLOCK_M x BLOCK_N tiles and each program computes
one. Its tile needs a BLOCK_M-row strip of A and a BLOCK_N-column strip of B; the
program walks the K axis BLOCK_K at a time, loading a BLOCK_M x BLOCK_K tile of A
and a BLOCK_K x BLOCK_N tile of B and adding their product into a float32
accumulator held in registers:

    acc = 0;  for k0 in 0, BLOCK_K, 2 BLOCK_K, ...:  acc += A[m, k0:k0+BK] @ B[k0:k0+BK, n]

For float16/bfloat16 tiles `tl.dot` runs on the tensor cores. Accumulating in
float32 even then keeps a long sum from losing its small terms (float16 has 11 bits
of mantissa: past a sum of 2048 ones, adding one more changes nothing). The result
is rounded to the inputs' dtype once, at the end.

Edges. Rows of A past M and columns of B past N are not masked on load: their
indices wrap around (`% M`, `% N`), so every load reads real, in-bounds memory, and
the wrapped rows/columns only produce entries of C that the masked store then
drops. The K axis cannot wrap (it is summed), so tiles there are masked with
`other=0`, which adds nothing to the sum. With these, any M, N, K is legal.

Grouped ("super-grouped") program order. Programs run roughly in the order of
their ids, a few waves at a time, and tiles of A and B that neighbouring programs
share can then come from the L2 cache instead of DRAM. Numbering tiles row by row
(pid -> (pid // n_tiles_n, pid % n_tiles_n)) makes one wave of, say, 9 programs on a
9 x 9 grid of tiles compute one full row of C: 1 strip of A but all 9 strips of B,
10 strips in all. Numbering them column-major inside groups of GROUP_M rows of tiles
makes the same 9 programs compute a 3 x 3 square: 3 strips of A and 3 of B, 6 in
all, for the same 9 tiles of output. Concretely, with G = GROUP_M:

    group        = pid // (G * n_tiles_n)          (which band of G tile-rows)
    first_m      = group * G
    rows_in_band = min(n_tiles_m - first_m, G)     (the last band may be shorter)
    pid_m        = first_m + (pid % (G * n_tiles_n)) % rows_in_band
    pid_n        = (pid % (G * n_tiles_n)) // rows_in_band

Batches. A leading batch axis goes on the grid's second axis; each operand brings
its own batch stride, and a stride of 0 reuses one matrix for every batch
(broadcasting, without a copy). All strides are passed in, so a transposed view
(x.T, x.transpose(-1, -2)) is read as it lies, with no copy either.

Epilogue. While the tile is still in registers, in float32: add the bias (one value
per column, as in a linear layer: C[i, j] += bias[j]) and apply an activation (the
`activate` function of the activations kernels), then round and store once. Fusing
saves a round trip of C through memory per step.

Precision. On NVIDIA GPUs `tl.dot` of float32 tiles defaults to TF32 (10-bit
mantissa); `input_precision="ieee"` asks for true float32 products so results agree
with torch's float32 matmul. Triton's interpreter multiplies bfloat16 bit patterns
as integers, so under the interpreter bfloat16 tiles are converted to float32 before
`tl.dot` (exact: every bfloat16 is a float32); compiled code keeps bfloat16 tensor cores.
"""
import torch
import triton
import triton.language as tl

from ._runtime import as_element_type, empty, interpreting
from .activations import activate, kernel_activation

_DOT_DTYPES = (torch.float16, torch.bfloat16, torch.float32)
_MAX_GRID_BATCH = 65535  # the CUDA limit on a grid's second axis


def _config(bm, bn, bk, warps, stages, group=8):
    return triton.Config({"BLOCK_M": bm, "BLOCK_N": bn, "BLOCK_K": bk, "GROUP_M": group},
                         num_warps=warps, num_stages=stages)


# Candidates for autotuning on a GPU, per input dtype. num_stages is the depth of the
# software pipeline: that many K-tiles of A and B in flight through shared memory.
# Each one compiles without register spills for sm_80 and sm_90, with or without an
# epilogue, both when every size and stride is a multiple of 16 (vectorised loads)
# and when none is (one load per element, which needs far more registers); and
# each fits sm_80's 164 KB of shared memory. Bigger tiles (128 x 256; 128 x 128 at
# 4 warps; 128 x 64 x 64 at 4 warps for unaligned operands) spill.
# float16/bfloat16 run on the tensor cores (mma on sm_80, wgmma on sm_90).
HALF_CONFIGS = [
    _config(128, 128, 64, 8, 4),
    _config(128, 128, 64, 8, 3),
    _config(128, 64, 64, 8, 4),
    _config(64, 128, 64, 4, 4),
    _config(128, 64, 32, 4, 4),
    _config(64, 128, 32, 4, 4),
    _config(64, 64, 32, 4, 5),
]
# float32 with input_precision="ieee" multiplies on the FMA units, not the tensor
# cores, so each thread does its share of BLOCK_M * BLOCK_N multiply-adds itself:
# more warps per tile keep that share (and the accumulators) small.
FLOAT32_CONFIGS = [
    _config(128, 128, 32, 16, 3),
    _config(128, 64, 32, 8, 3),
    _config(64, 128, 32, 8, 3),
    _config(64, 64, 32, 4, 3),
]
# The interpreter cannot benchmark and runs one program at a time: one config, with
# blocks big enough for few programs, yet small enough that test shapes span several
# tiles and more than one group of tile-rows. Every dot dimension stays >= 16.
INTERPRETER_CONFIGS = [_config(32, 32, 32, 4, 2, group=2)]

MATMUL_CONFIGS = INTERPRETER_CONFIGS if interpreting() else HALF_CONFIGS + FLOAT32_CONFIGS


def _configs_for_dtype(configs, named_args, **kwargs):
    """Benchmark only the candidates made for the inputs' dtype."""
    wanted = FLOAT32_CONFIGS if named_args["a_ptr"].dtype == torch.float32 else HALF_CONFIGS
    return [config for config in configs if any(config is w for w in wanted)]


@triton.autotune(configs=MATMUL_CONFIGS, key=["M", "N", "K", "HAS_BIAS", "ACTIVATION"],
                 prune_configs_by=None if interpreting() else {"early_config_prune": _configs_for_dtype})
@triton.jit
def matmul_kernel(
    a_ptr, b_ptr, c_ptr, bias_ptr,
    M, N, K,
    stride_ab, stride_am, stride_ak,
    stride_bb, stride_bk, stride_bn,
    stride_cb, stride_cm, stride_cn,
    stride_bias, slope,
    HAS_BIAS: tl.constexpr, ACTIVATION: tl.constexpr,
    INPUT_PRECISION: tl.constexpr, DOT_IN_FP32: tl.constexpr,
    BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr, BLOCK_K: tl.constexpr, GROUP_M: tl.constexpr,
):
    # Which tile of C: grouped order (see the module docstring).
    pid = tl.program_id(0)
    n_tiles_m = tl.cdiv(M, BLOCK_M)
    n_tiles_n = tl.cdiv(N, BLOCK_N)
    tiles_per_group = GROUP_M * n_tiles_n
    first_m = (pid // tiles_per_group) * GROUP_M
    rows_in_band = min(n_tiles_m - first_m, GROUP_M)
    pid_m = first_m + (pid % tiles_per_group) % rows_in_band
    pid_n = (pid % tiles_per_group) // rows_in_band

    # Which matrix of the batch; 64-bit so that batch * stride cannot overflow.
    batch = tl.program_id(1).to(tl.int64)
    a_ptr += batch * stride_ab
    b_ptr += batch * stride_bb
    c_ptr += batch * stride_cb

    offs_m = pid_m * BLOCK_M + tl.arange(0, BLOCK_M)
    offs_n = pid_n * BLOCK_N + tl.arange(0, BLOCK_N)
    offs_k = tl.arange(0, BLOCK_K)
    rows = offs_m % M  # wrapped: always in bounds, the store masks them out
    cols = offs_n % N
    # Element offsets (32-bit) are rebuilt each step rather than carrying tiles of
    # 64-bit pointers through the loop: half the registers when loads cannot be vectorised.
    acc = tl.zeros((BLOCK_M, BLOCK_N), dtype=tl.float32)
    for k0 in range(0, K, BLOCK_K):
        ks = k0 + offs_k
        a = tl.load(a_ptr + (rows[:, None] * stride_am + ks[None, :] * stride_ak), mask=ks[None, :] < K, other=0.0)
        b = tl.load(b_ptr + (ks[:, None] * stride_bk + cols[None, :] * stride_bn), mask=ks[:, None] < K, other=0.0)
        if DOT_IN_FP32:
            a = a.to(tl.float32)
            b = b.to(tl.float32)
        acc = tl.dot(a, b, acc, input_precision=INPUT_PRECISION)

    if HAS_BIAS:
        bias = tl.load(bias_ptr + offs_n * stride_bias, mask=offs_n < N, other=0.0)
        acc += bias.to(tl.float32)[None, :]
    acc = activate(acc, slope, ACTIVATION)

    c = c_ptr + offs_m[:, None] * stride_cm + offs_n[None, :] * stride_cn
    tl.store(c, as_element_type(acc, c_ptr), mask=(offs_m[:, None] < M) & (offs_n[None, :] < N))


def _as_batched(t):
    """A 2-D matrix as a batch of one (which the launcher shares with every batch)."""
    return t.unsqueeze(0) if t.dim() == 2 else t


def _check(a, b, bias):
    if a.dim() not in (2, 3) or b.dim() not in (2, 3):
        raise ValueError(f"matmul: operands must be 2-D or 3-D (batch, rows, cols), got "
                         f"{tuple(a.shape)} @ {tuple(b.shape)}")
    if a.shape[-1] != b.shape[-2]:
        raise ValueError(f"matmul: inner dimensions differ: {tuple(a.shape)} @ {tuple(b.shape)}")
    if a.dim() == 3 and b.dim() == 3 and a.shape[0] != b.shape[0] and 1 not in (a.shape[0], b.shape[0]):
        raise ValueError(f"matmul: batch sizes do not broadcast: {tuple(a.shape)} @ {tuple(b.shape)}")
    for name, t in (("a", a), ("b", b)) + ((("bias", bias),) if bias is not None else ()):
        if t.dtype not in _DOT_DTYPES:
            raise TypeError(f"matmul: {name} must be float16, bfloat16 or float32, got {t.dtype}")
    if a.dtype != b.dtype:
        raise TypeError(f"matmul: a and b must have the same dtype, got {a.dtype} and {b.dtype}")
    if bias is not None and tuple(bias.shape) != (b.shape[-1],):
        raise ValueError(f"matmul: bias must have shape ({b.shape[-1]},), one value per output column, "
                         f"got {tuple(bias.shape)}")
    if a.device != b.device or (bias is not None and bias.device != a.device):
        raise ValueError(f"matmul: operands must be on one device, got a on {a.device}, b on {b.device}"
                         + (f", bias on {bias.device}" if bias is not None else ""))
    # elements between the first and the last of one matrix (of a, of b, of the output C)
    reaches = [sum((size - 1) * stride for size, stride in zip(t.shape[-2:], t.stride()[-2:])) for t in (a, b)]
    if max(*reaches, a.shape[-2] * b.shape[-1]) >= 2 ** 31:
        raise ValueError(f"matmul: {tuple(a.shape)} @ {tuple(b.shape)} has a matrix spanning 2**31 elements "
                         "or more; offsets inside one matrix are 32-bit: split the product")


def matmul(a, b, bias=None, activation=None, **activation_params):
    """C = activation(A @ B + bias), accumulated in float32, returned in the inputs' dtype.

    a: (M, K) or (B, M, K); b: (K, N) or (B, K, N); any strides (transposed views
    need no copy). A 2-D operand, or a batch of size 1, is shared by every batch.
    bias: None or (N,), added to every row. activation: None, "relu", "leaky_relu"
    (slope=0.01), "sigmoid", "tanh" or "gelu" (approximate="none"|"tanh"), applied
    in float32 before rounding. Inputs float16, bfloat16 or float32 (float32 is
    multiplied in true float32, not TF32). Returns a new contiguous (M, N) tensor,
    or (B, M, N) if either operand is 3-D.
    """
    act, slope = kernel_activation(activation, activation_params)
    _check(a, b, bias)
    batched = a.dim() == 3 or b.dim() == 3
    a3, b3 = _as_batched(a), _as_batched(b)
    n_batch = b3.shape[0] if a3.shape[0] == 1 else a3.shape[0]  # broadcast: 1 against 0 is 0, not 1
    if n_batch > _MAX_GRID_BATCH:
        raise ValueError(f"matmul: a batch of {n_batch} matrices exceeds the {_MAX_GRID_BATCH} the grid allows: "
                         f"{tuple(a.shape)} @ {tuple(b.shape)}")
    (_, m, k), n = a3.shape, b3.shape[-1]
    c = empty((n_batch, m, n), a.dtype, a.device, any_row_stride=True)
    if c.numel():
        stride_ab = a3.stride(0) if a3.shape[0] > 1 else 0
        stride_bb = b3.stride(0) if b3.shape[0] > 1 else 0
        grid = lambda meta: (triton.cdiv(m, meta["BLOCK_M"]) * triton.cdiv(n, meta["BLOCK_N"]), n_batch)
        matmul_kernel[grid](
            a3, b3, c, bias if bias is not None else c,
            m, n, k,
            stride_ab, a3.stride(1), a3.stride(2),
            stride_bb, b3.stride(1), b3.stride(2),
            c.stride(0), c.stride(1), c.stride(2),
            bias.stride(0) if bias is not None else 0, slope,
            HAS_BIAS=bias is not None, ACTIVATION=act,
            INPUT_PRECISION="ieee" if a.dtype == torch.float32 else None,  # None: the default, for 16-bit
            DOT_IN_FP32=interpreting() and a.dtype == torch.bfloat16,
        )
    return c if batched else c[0]
