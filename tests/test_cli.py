"""`tinygrad-lite check` (tinygrad_lite.cli.main): it runs every public op beside torch,
passes on the engine as it is, and fails loudly when an op's value or gradient is wrong,
when an op raises, or when torch is missing.
"""
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("torch", reason="`check` compares with PyTorch: pip install -e '.[test]'")

import tinygrad_lite as tg  # noqa: E402
from tinygrad_lite.cli import main  # noqa: E402

# Written out here, not taken from check.py, so that dropping an op from the table fails this test.
PUBLIC_OPS = [
    "add", "radd", "sub", "rsub", "mul", "rmul", "truediv", "rtruediv", "pow", "rpow", "neg",
    "eq", "ne", "lt", "le", "gt", "ge", "maximum", "minimum", "matmul",
    "exp", "log", "sqrt", "abs", "clip", "relu", "sigmoid", "tanh", "gelu", "leaky_relu",
    "softmax", "log_softmax", "astype",
    "T", "transpose", "permute", "reshape", "flatten", "expand", "squeeze", "unsqueeze", "getitem",
    "cat", "stack", "where",
    "tril", "triu", "roll", "flip", "rot90", "repeat", "tile", "repeat_interleave", "movedim", "swapaxes",
    "diagonal", "diag_embed", "diag", "trace", "unfold", "meshgrid", "hstack", "vstack",
    "select", "narrow_copy", "ravel", "diagflat", "block_diag", "cartesian_prod", "combinations", "concat",
    "sum", "mean", "max", "min", "amax", "amin", "var", "logsumexp", "argmax", "argmin",
    "zeros", "ones", "full", "arange", "eye", "zeros_like", "ones_like",
    "F.relu", "F.sigmoid", "F.tanh", "F.gelu", "F.leaky_relu", "F.softmax", "F.log_softmax", "F.dropout",
    "F.linear", "F.layer_norm", "F.embedding", "F.mse_loss", "F.cross_entropy", "F.binary_cross_entropy",
    "F.binary_cross_entropy_with_logits", "F.scaled_dot_product_attention",
    "F.silu", "F.elu", "F.selu", "F.celu", "F.softplus", "F.softsign", "F.mish", "F.hardtanh", "F.relu6",
    "F.hardsigmoid", "F.hardswish", "F.logsigmoid", "F.glu", "F.prelu", "prelu", "F.rrelu", "F.softmin",
    "F.threshold", "F.tanhshrink", "F.hardshrink", "hardshrink", "F.softshrink", "F.normalize",
    "F.cosine_similarity", "F.pairwise_distance", "F.pdist",
]
# Options whose cases must be there too (a case name contains the text).
OPTIONS = ["ignore_index", "label_smoothing", "probabilities", "pos_weight", "causal", "bool mask",
           "float mask", "fully masked row", "keepdim", "ties", "int tensor", "mse_loss sum", "mse_loss none"]


def run_check(capsys, *args):
    code = main(["check", *args])
    return code, capsys.readouterr().out


def op_column(out):
    """The first word of every table row (the op's name)."""
    return {line.split()[0] for line in out.splitlines() if line.strip()}


def test_check_passes_on_every_public_op_in_float64(capsys):
    code, out = run_check(capsys, "--dtype", "float64")
    assert code == 0, out
    missing = [op for op in PUBLIC_OPS if op not in op_column(out)]
    assert not missing, f"ops missing from the table: {missing}"
    rows = [line for line in out.splitlines() if " float64 " in line]
    assert all(line.rstrip().endswith(" ok") for line in rows)
    for option in OPTIONS:
        assert any(option in line for line in rows), option
    assert f"{len(rows)} cases (float64; seed 0;" in out and f"{len(rows)} ok, 0 FAIL" in out


def test_check_passes_in_float32_with_another_seed(capsys):
    code, out = run_check(capsys, "--dtype", "float32", "--seed", "7")
    assert code == 0, out
    assert "seed 7" in out and " 0 FAIL" in out


def test_wrong_forward_value_fails_the_check(capsys, monkeypatch):
    exp = tg.Tensor.exp
    monkeypatch.setattr(tg.Tensor, "exp", lambda self: exp(self) * 1.0001)
    code, out = run_check(capsys, "--dtype", "float64", "--only", "exp")
    assert code == 1
    assert any(line.startswith("exp ") and "FAIL  forward" in line for line in out.splitlines()), out
    assert "FAIL: exp (float64)" in out


def test_wrong_gradient_alone_fails_the_check(capsys, monkeypatch):
    # x - x.detach() is 0 forward but passes the gradient through: the value stays right,
    # the gradient gains 0.5 * upstream.
    tanh = tg.Tensor.tanh
    monkeypatch.setattr(tg.Tensor, "tanh", lambda self: tanh(self) + (self - self.detach()) * 0.5)
    code, out = run_check(capsys, "--dtype", "float32", "--only", "tanh")
    assert code == 1
    row = next(line for line in out.splitlines() if line.startswith("tanh "))
    assert "FAIL  grad 0" in row, out


def test_an_op_that_raises_is_a_failed_row(capsys, monkeypatch):
    def broken(self, *args, **kwargs):
        raise RuntimeError("deliberately broken")
    monkeypatch.setattr(tg.Tensor, "sqrt", broken)
    code, out = run_check(capsys, "--dtype", "float64", "--only", "sqrt")
    assert code == 1
    assert "FAIL  RuntimeError: deliberately broken" in out


def test_without_torch_it_says_how_to_install_it_and_exits_2(capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)  # makes `import torch` raise ImportError
    code, out = run_check(capsys)
    assert code == 2
    assert "pip install 'tinygrad_lite[test]'" in out and "pip install torch==2.13.0" in out


def test_python_dash_m_runs_the_same_command():
    root = str(Path(__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([root, os.environ.get("PYTHONPATH", "")])}
    command = [sys.executable, "-m", "tinygrad_lite", "check", "--dtype", "float64", "--only", "F.linear"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=root, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "F.linear" in result.stdout and "0 FAIL" in result.stdout


def test_only_that_matches_no_case_exits_2(capsys):
    code, out = run_check(capsys, "--only", "no such op")
    assert code == 2 and "no case" in out
