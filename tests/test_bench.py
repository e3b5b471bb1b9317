"""`tinygrad-lite bench cpu` runs every case end to end and writes the JSON it promises.
Only the shape of the output is checked here: speed is measured by the benchmarks, never asserted."""
import json
import math

import pytest

pytest.importorskip("torch", reason="the CPU benchmarks compare with PyTorch: pip install -e '.[test]'")

from tinygrad_lite.cli import main  # noqa: E402

NUMBER = (int, float)
RECORD_FIELDS = {"name": str, "shapes": str, "dtype": str, "device": str, "engine_s": NUMBER, "baseline": str,
                 "baseline_s": NUMBER, "ratio": NUMBER, "work": NUMBER, "unit": str, "achieved": NUMBER,
                 "peak": NUMBER, "pct_peak": NUMBER, "note": str}
CASES = ["matmul fwd+bwd", "mlp train step", "transformer block step", "attention fwd+bwd",
         "attention peak memory", "small ops fwd+bwd", "adam step"]


def test_bench_cpu_writes_one_record_per_comparison(tmp_path, capsys):
    path = tmp_path / "bench.json"
    plot = tmp_path / "bench.png"
    assert main(["bench", "cpu", "--tiny", "--json", str(path), "--plot", str(plot)]) == 0
    out = capsys.readouterr().out
    result = json.loads(path.read_text())
    meta, records = result["meta"], result["records"]
    for key in ("cpu", "cores", "numpy", "torch", "blas_threads", "torch_threads", "peak_flops",
                "peak_bandwidth", "timing", "seconds"):
        assert key in meta, key
    assert meta["peak_flops"] > 0 and meta["peak_bandwidth"] > 0
    for record in records:
        assert set(record) == set(RECORD_FIELDS), record
        for field, kind in RECORD_FIELDS.items():
            assert isinstance(record[field], kind), (field, record[field])
        assert record["engine_s"] > 0 and record["baseline_s"] > 0
        assert math.isclose(record["ratio"], record["engine_s"] / record["baseline_s"])
        assert record["device"] == "cpu" and record["dtype"] == "float32"
    names = [r["name"] for r in records]
    for case in CASES:
        assert any(case in name for name in names), case
    baselines = {r["baseline"] for r in records if r["name"] == "matmul fwd+bwd"}
    assert baselines == {"numpy", "torch"}
    assert "ratio" in out and "matmul fwd+bwd" in out  # the table was printed
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_bench_gpu_skips_with_a_reason_without_a_gpu(capsys):
    torch = pytest.importorskip("torch")
    if torch.cuda.is_available():
        pytest.skip("a CUDA GPU is present: the GPU suite would run for minutes")
    assert main(["bench", "gpu", "--tiny"]) == 0
    assert "skipped" in capsys.readouterr().out
