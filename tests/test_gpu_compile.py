"""Every Triton kernel compiles ahead of time for an A100 (sm_80) and an H100 (sm_90), no GPU needed.

`tinygrad-lite kernels` runs once for both targets (in a separate process: compiling
needs Triton without the interpreter this suite switches on) and writes its JSON;
the tests read it. They check what the interpreter cannot: that each launch the GPU
path makes (every autotune config of matmul, the configs the other launchers pick
at the benchmark shapes, every dtype) compiles; that the matmul, attention and
cross-entropy kernels keep every value in registers in float16/bfloat16; that every
float16/bfloat16 `tl.dot` runs on the tensor cores; that no program asks for more
shared memory than the GPU has.
"""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("triton", reason="the kernels are Triton kernels: pip install -e '.[kernels]'")
pytest.importorskip("torch", reason="the kernel launchers take torch tensors: pip install -e '.[kernels]'")

from tinygrad_lite.gpu_report import GPUS, occupancy, parse_ptxas  # noqa: E402
from tinygrad_lite.kernels.matmul import FLOAT32_CONFIGS, HALF_CONFIGS  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TARGETS = ("sm_80", "sm_90")
DTYPES = ("float16", "bfloat16", "float32")
HALF = ("float16", "bfloat16")
FAMILIES = ("matmul", "attention", "cross_entropy", "softmax", "layernorm", "activations", "adam")
# Shared memory one program may use: the CUDA C++ Programming Guide's per-block maxima
# (163 KiB on compute capability 8.0, 227 KiB on 9.0).
SHARED_PER_PROGRAM = {"sm_80": 163 * 1024, "sm_90": 227 * 1024}


def run_report(cache, *args):
    """`python -m tinygrad_lite kernels ...` with Triton's interpreter off and its cache in `cache`."""
    env = {**os.environ, "TRITON_INTERPRET": "0", "TRITON_CACHE_DIR": str(cache),
           "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run([sys.executable, "-m", "tinygrad_lite", "kernels", *args], capture_output=True,
                          text=True, timeout=900, cwd=ROOT, env=env)


@pytest.fixture(scope="module")
def compiled(tmp_path_factory):
    """(the JSON report for both targets, its printed output, the cache folder it compiled into)."""
    folder = tmp_path_factory.mktemp("gpu_report")
    result = run_report(folder / "triton_cache", "--target", "all", "--json", str(folder / "report.json"))
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-5000:]
    return json.loads((folder / "report.json").read_text()), result.stdout, folder / "triton_cache"


@pytest.fixture(scope="module")
def rows(compiled):
    return compiled[0]["rows"]


def test_every_kernel_compiles_for_every_target_and_dtype(compiled, rows):
    report, out, _ = compiled
    assert report["not_launched"] == []
    assert [r for r in rows if "error" in r] == []
    for family in FAMILIES:
        for target in TARGETS:
            assert {r["dtype"] for r in rows if r["family"] == family and r["target"] == target} == set(DTYPES)
    for target in TARGETS:
        assert f"{target}: {GPUS[target].name}" in out


def test_every_matmul_autotune_config_is_compiled(rows):
    for target in TARGETS:
        for dtype, configs in (("float16", HALF_CONFIGS), ("bfloat16", HALF_CONFIGS), ("float32", FLOAT32_CONFIGS)):
            compiled = {(r["config"], r["num_warps"], r["num_stages"]) for r in rows
                        if r["kernel"] == "matmul_kernel" and r["dtype"] == dtype and r["target"] == target}
            wanted = {(f"{c.kwargs['BLOCK_M']}x{c.kwargs['BLOCK_N']}x{c.kwargs['BLOCK_K']} g{c.kwargs['GROUP_M']} "
                       f"w{c.num_warps} s{c.num_stages}", c.num_warps, c.num_stages) for c in configs}
            assert compiled == wanted


def test_matmul_attention_and_cross_entropy_do_not_spill_in_half_precision(rows):
    checked = [r for r in rows if r["family"] in ("matmul", "attention", "cross_entropy") and r["dtype"] in HALF]
    assert len({r["kernel"] for r in checked}) == 7  # matmul, 4 attention kernels, 2 cross-entropy kernels
    spilling = [(r["kernel"], r["workload"], r["config"], r["dtype"], r["target"], r["spill_bytes"])
                for r in checked if r["spill_stores"] or r["spill_loads"]]
    assert spilling == []


def test_half_precision_dots_run_on_the_tensor_cores(rows):
    dots = [r for r in rows if r["uses_dot"]]
    # every matmul launch and every attention kernel but the D = rowsum(dO * O) one multiplies tiles
    assert {r["kernel"] for r in dots} == {"matmul_kernel", "_attention_forward_kernel", "_attention_dkdv_kernel",
                                           "_attention_dq_kernel"}
    assert all(r["uses_dot"] for r in rows if r["family"] == "matmul")
    for r in dots:
        if r["dtype"] in HALF:
            where = (r["kernel"], r["workload"], r["config"], r["dtype"], r["target"])
            assert r["mma"] > 0 if r["target"] == "sm_80" else r["wgmma"] + r["mma"] > 0, where


def test_shared_memory_fits_every_program(rows):
    for r in rows:
        total = r["dynamic_shared"] + r["static_shared"]
        assert total <= SHARED_PER_PROGRAM[r["target"]], (r["kernel"], r["config"], r["dtype"], r["target"], total)


def test_roofline_of_the_square_matmul_follows_the_datasheets(rows):
    # H100 SXM: 989 TFLOPS float16 on the tensor cores, 3.35 TB/s; A100 SXM: 312 TFLOPS, 2.039 TB/s.
    flops, nbytes = 2 * 4096 ** 3, 3 * 4096 * 4096 * 2
    for target, peak, bandwidth in (("sm_90", 989e12, 3.35e12), ("sm_80", 312e12, 2.039e12)):
        row = next(r for r in rows if r["workload"] == "4096^3" and r["dtype"] == "float16" and r["target"] == target)
        assert row["bound"] == "compute"
        assert row["roofline_us"] == pytest.approx(max(flops / peak, nbytes / bandwidth) * 1e6)


def test_occupancy_takes_the_scarcest_resource():
    a100 = GPUS["sm_80"]
    # 128 registers: 4096 a warp, 16 warps of them per SM, 2 programs of 8 warps (shared allows 2 as well).
    assert occupancy(a100, registers=128, shared=64 * 1024, warps=8) == (2, "registers")
    # 129 registers round up to 136: 4352 a warp, 15 warps, 1 program of 8.
    assert occupancy(a100, registers=129, shared=0, warps=8) == (1, "registers")
    # 100 KiB of shared memory (+1 KiB CUDA keeps per program) fits once in 164 KiB.
    assert occupancy(a100, registers=32, shared=100 * 1024, warps=4) == (1, "shared")
    # 16 registers, 1 warp: the 32-program cap; 16 warps: 64 warps make 4 programs.
    assert occupancy(a100, registers=16, shared=0, warps=1) == (32, "programs")
    assert occupancy(GPUS["sm_90"], registers=16, shared=0, warps=16) == (4, "warps")


def test_spills_are_read_from_the_ptxas_report():
    # ptxas -v's report for a kernel that spills (as it prints it for sm_80)
    log = ("ptxas info    : Compiling entry function '_attention_dkdv_kernel' for 'sm_80'\n"
           "ptxas info    : Function properties for _attention_dkdv_kernel\n"
           "    8 bytes stack frame, 8 bytes spill stores, 12 bytes spill loads\n"
           "ptxas info    : Used 128 registers, used 1 barriers, 384 bytes cmem[0]\n")
    assert parse_ptxas(log) == {"registers": 128, "stack": 8, "spill_stores": 8, "spill_loads": 12}
    with pytest.raises(RuntimeError, match="unexpected ptxas report"):
        parse_ptxas("ptxas fatal   : Unresolved extern function 'foo'\n")


def test_a_second_report_reads_the_cache_and_agrees(compiled, rows, tmp_path):
    _, _, cache = compiled
    again = run_report(cache, "--target", "sm_90", "--json", str(tmp_path / "again.json"))
    assert again.returncode == 0, again.stdout[-5000:] + again.stderr[-5000:]
    assert json.loads((tmp_path / "again.json").read_text())["rows"] == [r for r in rows if r["target"] == "sm_90"]
