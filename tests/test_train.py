"""`tinygrad-lite train`: each job runs a few steps with tiny settings and writes its files;
a run stopped and resumed from its checkpoint ends bit-identical to one that never stopped."""
import json

import numpy as np
import pytest

import tinygrad_lite as tg
from tinygrad_lite import data
from tinygrad_lite.cli import main
from tinygrad_lite import load
from tinygrad_lite.train import attention_maps, greedy_answers

pytest.importorskip("tqdm", reason="the progress bar: pip install 'tinygrad_lite[examples]'")
pytest.importorskip("matplotlib", reason="the plots: pip install 'tinygrad_lite[examples]'")
pytest.importorskip("safetensors", reason="the checkpoints: pip install safetensors")

TINY_TRANSFORMER = ["--d-model", "8", "--heads", "2", "--layers", "1", "--batch-size", "4",
                    "--eval-size", "10", "--no-progress"]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def train(*args):
    return main(["train", *map(str, args)])


def read_metrics(folder):
    return json.loads((folder / "metrics.json").read_text())


def assert_outputs(folder, pictures, steps):
    for name in ("metrics.json", "model.safetensors", "checkpoint.safetensors"):
        assert (folder / name).is_file(), name
    for name in pictures:
        assert (folder / name).read_bytes()[:8] == PNG_MAGIC, name
    metrics = read_metrics(folder)
    for key in ("test_accuracy", "final_loss", "seconds", "history", "settings"):
        assert key in metrics, key
    assert 0.0 <= metrics["test_accuracy"] <= 1.0 and metrics["final_loss"] > 0 and metrics["seconds"] > 0
    assert metrics["steps"] == steps and metrics["history"]["step"] == list(range(1, steps + 1))
    assert len(metrics["history"]["loss"]) == steps and metrics["history"]["accuracy"]
    return metrics


def test_train_mlp_writes_metrics_checkpoint_and_plot(tmp_path, capsys):
    pytest.importorskip("sklearn", reason="the digits ship with scikit-learn")
    assert train("mlp", "--out", tmp_path, "--steps", 3, "--hidden", 16, "--no-progress") == 0
    metrics = assert_outputs(tmp_path, ["curves.png"], steps=3)
    assert "test_loss" in metrics and "train_accuracy" in metrics
    weights = load(tmp_path / "model.safetensors")
    assert weights["0.weight"].shape == (16, 64) and weights["6.weight"].shape == (10, 16)
    assert "test accuracy" in capsys.readouterr().out


@pytest.mark.parametrize("task", ["sort", "reverse", "copy"])
def test_train_transformer_on_a_digit_task_writes_metrics_and_attention(tmp_path, task):
    code = train("transformer", "--task", task, "--length", 3, "--steps", 3, "--out", tmp_path, *TINY_TRANSFORMER)
    assert code == 0
    metrics = assert_outputs(tmp_path, ["curves.png", "attention.png"], steps=3)
    assert metrics["settings"]["task"] == task and "token_accuracy" in metrics


def test_train_transformer_on_a_text_file_prints_samples(tmp_path, capsys):
    text = tmp_path / "poem.txt"
    text.write_text("so much depends upon a red wheel barrow glazed with rain water\n" * 4)
    out = tmp_path / "run"
    code = train("transformer", "--task", "text", "--text", text, "--block-size", 8, "--steps", 3,
                 "--out", out, *TINY_TRANSFORMER)
    assert code == 0
    metrics = assert_outputs(out, ["curves.png", "attention.png"], steps=3)
    assert len(metrics["samples"]) == 3
    assert all(set(sample) <= set(text.read_text()) for sample in metrics["samples"])
    printed = capsys.readouterr().out
    assert "--- sample 1 ---" in printed and metrics["samples"][0] in printed


@pytest.mark.parametrize("job, args", [
    # batches of 512 make an epoch 3 steps long, so the stop falls mid-epoch and 7 steps cross two epochs
    ("mlp", ["--batch-size", 512, "--hidden", 16, "--dropout", 0.3, "--no-progress"]),
    ("transformer", ["--length", 3, "--dropout", 0.2, *TINY_TRANSFORMER]),
])
def test_resuming_is_bit_identical_to_an_uninterrupted_run(tmp_path, job, args):
    if job == "mlp":
        pytest.importorskip("sklearn", reason="the digits ship with scikit-learn")
    whole, parts = tmp_path / "whole", tmp_path / "parts"
    assert train(job, "--steps", 7, "--out", whole, *args) == 0
    assert train(job, "--steps", 7, "--stop-after", 4, "--out", parts, *args) == 0
    assert read_metrics(parts)["steps"] == 4
    assert train(job, "--resume", parts / "checkpoint.safetensors", "--no-progress") == 0

    expected, resumed = load(whole / "model.safetensors"), load(parts / "model.safetensors")
    assert expected.keys() == resumed.keys()
    for name in expected:
        assert resumed[name].numpy().tobytes() == expected[name].numpy().tobytes(), name
    assert read_metrics(parts)["history"]["loss"] == read_metrics(whole)["history"]["loss"]


def test_resuming_with_a_changed_setting_is_refused(tmp_path, capsys):
    assert train("transformer", "--steps", 2, "--length", 3, "--out", tmp_path, *TINY_TRANSFORMER) == 0
    code = train("transformer", "--resume", tmp_path / "checkpoint.safetensors", "--lr", 0.5)
    assert code == 2
    assert "resuming continues the saved run" in capsys.readouterr().out


def test_an_unknown_device_is_reported(tmp_path, capsys):
    assert train("mlp", "--device", "tpu", "--out", tmp_path) == 2
    assert "unknown device 'tpu'" in capsys.readouterr().out


def test_bad_text_settings_are_reported(tmp_path, capsys):
    assert train("transformer", "--task", "text", "--out", tmp_path, "--no-progress") == 2
    assert "needs text=PATH" in capsys.readouterr().out
    missing = tmp_path / "nowhere.txt"
    assert train("transformer", "--task", "text", "--text", missing, "--out", tmp_path, "--no-progress") == 2
    assert "nowhere.txt" in capsys.readouterr().out


def _tiny_model(seed=0):
    tg.manual_seed(seed)
    return tg.nn.TransformerLM(data.DIGIT_VOCAB_SIZE, 8, 2, 2, 8)


def test_greedy_answers_are_the_argmax_at_every_position_they_fill():
    # For a causal model, feeding the decoded sequence back in must reproduce each choice.
    model = _tiny_model()
    prompts = data.digit_task("sort", 5, length=3, seed=0)[0][:, :4]
    answers = greedy_answers(model, prompts, 3)
    full = np.concatenate([prompts, answers], axis=1)
    logits = model(tg.Tensor(full[:, :-1])).numpy()
    np.testing.assert_array_equal(logits[:, 3:].argmax(axis=-1), answers)


def test_attention_maps_are_causal_and_each_row_sums_to_one():
    model = _tiny_model()
    maps = attention_maps(model, [1, 2, 3, 10, 1, 2])
    assert maps.shape == (2, 2, 6, 6)  # layers, heads, queries, keys
    np.testing.assert_allclose(maps.sum(axis=-1), 1.0, rtol=1e-5)
    assert np.all(np.triu(maps, k=1) == 0)
