"""The training jobs behind `tinygrad-lite train`: an MLP on handwritten digits, and a
small decoder-only transformer on digit sequences (sort, reverse, copy) or on a text file.

Each job writes into its output folder:

    metrics.json              the final numbers, the settings, the loss and accuracy history
    model.safetensors         the trained weights:  model.load_state_dict(tg.load(path))
    checkpoint.safetensors    weights, optimizer, schedule, step and random state, for resume=
    curves.png                loss and accuracy during training
    attention.png             (transformer) one head's attention on a sample sequence

A run is reproducible: `seed` fixes the initial weights, the data, its order, and
dropout. The batch of step s depends only on (seed, s), so a run resumed from its
checkpoint sees the same batches as one that never stopped, and ends with
bit-identical weights. Every job uses AdamW with a cosine schedule over all its
steps and clips the gradient norm at 1.
"""
from contextlib import contextmanager
import json
import math
import os
import time

import numpy as np

from . import data, nn, optim
from .autograd import no_grad
from .nn import functional as F
from .rng import manual_seed
from .serialization import load_checkpoint, save, save_checkpoint
from ._tensor import Tensor

MLP_SETTINGS = {
    "epochs": 30, "steps": None, "batch_size": 64, "lr": 3e-3, "weight_decay": 1e-4,
    "hidden": 128, "dropout": 0.1, "seed": 0,
}
"""Defaults of `train_mlp`; `steps`, when given, replaces epochs * (batches per epoch)."""

TRANSFORMER_SETTINGS = {
    "task": "sort", "text": None, "length": 8, "block_size": 64, "steps": 800, "batch_size": 32,
    "lr": 3e-3, "weight_decay": 0.01, "d_model": 32, "n_heads": 4, "n_layers": 2, "dropout": 0.0,
    "eval_size": 1000, "seed": 0,
}
"""Defaults of `train_transformer`. Digit tasks use `length` (digits per example); the
text task uses `text` (a file) and `block_size` (characters the model sees at once)."""

_CLIP_NORM = 1.0
_EVALUATIONS = 10   # points on the accuracy curve of a run
_FINAL_LOSS_STEPS = 10


# ---- the MLP on handwritten digits ------------------------------------------------------

def train_mlp(out="runs/mlp", device="cpu", resume=None, stop_after=None, progress=True, **settings):
    """Train an MLP 64 -> hidden -> hidden -> 10 (ReLU, dropout) on the 8x8 digits.

    The data: scikit-learn's 1,797 digits, 20% held out for testing (split by `seed`).
    Epoch e visits the training rows in the order `data.batches(..., seed=[seed, e])`.
    Returns the metrics written to metrics.json: test_accuracy, test_loss,
    train_accuracy, final_loss (the mean training loss of the last 10 steps), seconds,
    steps, and the history of the loss (every step) and test accuracy (every epoch).
    """
    s = _settings("mlp", MLP_SETTINGS, settings, resume)
    X, y = data.load_digits()
    X_train, X_test, y_train, y_test = data.train_test_split(X, y, test_fraction=0.2, seed=s["seed"])
    per_epoch = math.ceil(len(X_train) / s["batch_size"])
    total = s["steps"] or s["epochs"] * per_epoch

    manual_seed(s["seed"])
    h = s["hidden"]
    model = nn.Sequential(nn.Linear(64, h), nn.ReLU(), nn.Dropout(s["dropout"]),
                          nn.Linear(h, h), nn.ReLU(), nn.Dropout(s["dropout"]), nn.Linear(h, 10)).to(device)

    def loss_at(step):
        epoch, i = divmod(step, per_epoch)
        order = np.random.default_rng([s["seed"], epoch]).permutation(len(X_train))
        rows = order[i * s["batch_size"]:(i + 1) * s["batch_size"]]
        return F.cross_entropy(model(Tensor(X_train[rows], device=device)), y_train[rows])

    def evaluate():
        return {"test_accuracy": _accuracy(model, X_test, y_test, device)}

    run = _Run("mlp", out, s, model, total, device, resume)
    run.fit(loss_at, evaluate, eval_every=per_epoch, stop_after=stop_after, progress=progress)
    metrics = {
        "test_accuracy": _accuracy(model, X_test, y_test, device),
        "test_loss": _loss(model, X_test, y_test, device),
        "train_accuracy": _accuracy(model, X_train, y_train, device),
    }
    return run.finish(metrics, "test accuracy", title="MLP on the 8x8 digits")


def _accuracy(model, X, y, device):
    """The fraction of rows whose largest logit is the label (evaluation mode)."""
    return float((_logits(model, X, device).argmax(axis=-1).numpy() == y).mean())


def _loss(model, X, y, device):
    """The mean cross-entropy of the labels (evaluation mode)."""
    return F.cross_entropy(_logits(model, X, device), y).item()


def _logits(model, X, device):
    model.eval()
    with no_grad():
        logits = model(Tensor(X, device=device))
    model.train()
    return logits


# ---- the transformer ----------------------------------------------------------------------

def train_transformer(out="runs/transformer", device="cpu", resume=None, stop_after=None, progress=True,
                      **settings):
    """Train a decoder-only transformer (nn.TransformerLM) on a digit task or a text file.

    Digit tasks ("sort", "reverse", "copy"; layout in `data.digit_task`): step s trains
    on a fresh batch drawn with seed [seed, 0, s]; the test set is `eval_size` examples
    drawn with seed [seed, 1]. test_accuracy is the exact-sequence accuracy of greedy
    decoding: the model writes the whole answer, one token at a time, from the digits
    and the separator alone, and an answer counts only if every digit is right.

    task="text": a character-level model of the file `text`; the first 90% trains,
    the last 10% is held out. test_accuracy is the next-character accuracy on held-out
    windows; the metrics also hold a few sampled continuations ("samples").
    Returns the metrics written to metrics.json.
    """
    s = _settings("transformer", TRANSFORMER_SETTINGS, settings, resume)
    if s["task"] == "text":
        task = _TextTask(s)
    elif s["task"] in data.DIGIT_TASKS:
        task = _DigitTask(s)
    else:
        raise ValueError(f"train_transformer: unknown task {s['task']!r}; choose one of "
                         f"{data.DIGIT_TASKS + ('text',)}")

    manual_seed(s["seed"])
    model = nn.TransformerLM(task.vocab_size, s["d_model"], s["n_heads"], s["n_layers"], task.max_len,
                             dropout=s["dropout"]).to(device)

    def loss_at(step):
        inputs, targets = task.batch(step)
        logits = model(Tensor(inputs, device=device))
        return F.cross_entropy(logits.reshape(-1, task.vocab_size), targets.reshape(-1),
                               ignore_index=data.IGNORE_INDEX)

    run = _Run("transformer", out, s, model, s["steps"], device, resume)
    run.fit(loss_at, lambda: task.evaluate(model, device, quick=True),
            eval_every=max(1, s["steps"] // _EVALUATIONS), stop_after=stop_after, progress=progress)
    metrics = task.evaluate(model, device, quick=False)
    _plot_attention(model, task.sample(), task.token_labels, device, os.path.join(out, "attention.png"))
    return run.finish(metrics, task.accuracy_label, title=f"transformer: {task.title}")


class _DigitTask:
    """Batches, the test set and evaluation for sort / reverse / copy."""

    def __init__(self, s):
        self.s = s
        self.vocab_size = data.DIGIT_VOCAB_SIZE
        self.max_len = 2 * s["length"]
        self.test = data.digit_task(s["task"], s["eval_size"], s["length"], seed=[s["seed"], 1])
        self.title = f"{s['task']} {s['length']} digits"
        self.accuracy_label = "exact-answer accuracy (greedy)"

    def batch(self, step):
        s = self.s
        return data.digit_task(s["task"], s["batch_size"], s["length"], seed=[s["seed"], 0, step])

    def evaluate(self, model, device, quick):
        """Exact-sequence and per-digit accuracy of greedy answers, and the teacher-forced loss.
        `quick` uses the first 200 test examples (for the curve during training)."""
        inputs, targets = (a[:200] for a in self.test) if quick else self.test
        L = self.s["length"]
        answers = greedy_answers(model, inputs[:, :L + 1], L, device)
        right = answers == targets[:, L:]
        metrics = {"test_accuracy": float(right.all(axis=1).mean())}
        if not quick:
            metrics["token_accuracy"] = float(right.mean())
            metrics["test_loss"] = _lm_loss(model, inputs, targets, device)
        return metrics

    def sample(self):
        return self.test[0][:1]

    def token_labels(self, ids):
        return ["|" if t == data.SEPARATOR else str(t) for t in ids]


def greedy_answers(model, prompts, n_tokens, device="cpu"):
    """Continue each prompt (rows of token ids) by `n_tokens` tokens, each the most likely
    next token given everything before it; returns the (rows, n_tokens) new tokens."""
    model.eval()
    sequence = np.asarray(prompts, np.int64)
    with no_grad():
        for _ in range(n_tokens):
            logits = model(Tensor(sequence, device=device))[:, -1]
            sequence = np.concatenate([sequence, logits.argmax(axis=-1).numpy()[:, None]], axis=1)
    model.train()
    return sequence[:, -n_tokens:]


def _lm_loss(model, inputs, targets, device):
    """Mean next-token cross-entropy over the positions whose target is not ignored."""
    logits = _logits(model, inputs, device)
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1),
                           ignore_index=data.IGNORE_INDEX).item()


class _TextTask:
    """Batches, held-out windows, evaluation and samples for a character-level model of a file."""

    _HELD_OUT = 0.1
    _SAMPLES, _SAMPLE_CHARS, _TEMPERATURE = 3, 200, 0.8

    def __init__(self, s):
        if s["text"] is None:
            raise ValueError("train_transformer: task 'text' needs text=PATH (--text FILE), the file to learn")
        self.s = s
        self.text = data.char_text(s["text"])
        self.train_text, self.val_text = self.text.split(1 - self._HELD_OUT)
        self.vocab_size = self.text.vocab_size
        self.max_len = s["block_size"]
        n_val = max(1, s["eval_size"] // 10)
        self.val = self.val_text.random_windows(n_val, s["block_size"], seed=[s["seed"], 1])
        self.title = f"characters of {os.path.basename(s['text'])}"
        self.accuracy_label = "next-character accuracy"

    def batch(self, step):
        return self.train_text.random_windows(self.s["batch_size"], self.s["block_size"],
                                              seed=[self.s["seed"], 0, step])

    def evaluate(self, model, device, quick):
        """Next-character accuracy and loss on the held-out windows; samples at the end."""
        inputs, targets = self.val
        predicted = _logits(model, inputs, device).argmax(axis=-1).numpy()
        metrics = {"test_accuracy": float((predicted == targets).mean())}
        if not quick:
            metrics["test_loss"] = _lm_loss(model, inputs, targets, device)
            rng = np.random.default_rng([self.s["seed"], 2])
            prompts = self.text.ids[rng.integers(0, len(self.text.ids) - 1, size=self._SAMPLES)][:, None]
            generated = sample_tokens(model, prompts, self._SAMPLE_CHARS, self._TEMPERATURE, rng, device)
            metrics["samples"] = [self.text.decode(row) for row in generated]
        return metrics

    def sample(self):
        return self.val[0][:1]

    def token_labels(self, ids):
        return [repr(ch)[1:-1] for ch in self.text.decode(ids)]


def sample_tokens(model, prompts, n_tokens, temperature, rng, device="cpu"):
    """Extend each prompt by `n_tokens` tokens drawn from softmax(logits / temperature),
    the model seeing at most its last max_len tokens; returns prompts and continuations."""
    model.eval()
    sequence = np.asarray(prompts, np.int64)
    with no_grad():
        for _ in range(n_tokens):
            window = sequence[:, -model.max_len:]
            logits = model(Tensor(window, device=device))[:, -1].numpy().astype(np.float64) / temperature
            probs = np.exp(logits - logits.max(axis=1, keepdims=True))
            probs /= probs.sum(axis=1, keepdims=True)
            nxt = [rng.choice(len(p), p=p) for p in probs]
            sequence = np.concatenate([sequence, np.array(nxt, np.int64)[:, None]], axis=1)
    model.train()
    return sequence


def attention_maps(model, ids, device="cpu"):
    """The attention probabilities of every head for one sequence of ids, shape
    (n_layers, n_heads, T, T): [l, h, i] is how much position i attends to each of 0..i
    in head h of block l."""
    model.eval()
    maps = []
    with no_grad():
        ids = Tensor(np.asarray(ids, np.int64).reshape(1, -1), device=device)
        h = model.tok_emb(ids) + model.pos_emb(np.arange(ids.shape[1]))  # TransformerLM.forward's first step
        for block in model.blocks:
            maps.append(block.attn(block.ln1(h), need_weights=True)[1].numpy()[0])
            h = block(h)
    model.train()
    return np.stack(maps)


# ---- what every job shares -----------------------------------------------------------------

def _settings(job, defaults, given, resume):
    """The run's settings: the defaults updated by those given (None means "not given").

    Resuming continues the saved run with its saved settings; giving a different value
    for one of them is an error, since it would no longer be the same run.
    """
    unknown = sorted(set(given) - set(defaults))
    if unknown:
        raise TypeError(f"train {job}: unknown settings {unknown}; known: {sorted(defaults)}")
    given = {name: value for name, value in given.items() if value is not None}
    if resume is None:
        return {**defaults, **given}
    saved = load_checkpoint(resume, restore_rng=False)["extra"]
    if not isinstance(saved, dict) or saved.get("job") != job:
        raise ValueError(f"train {job}: {os.fspath(resume)!r} is not a checkpoint of a `train {job}` run")
    changed = [f"{name}={value!r} (saved: {saved['settings'][name]!r})"
               for name, value in given.items() if value != saved["settings"][name]]
    if changed:
        raise ValueError(f"train {job}: resuming continues the saved run with its own settings; "
                         f"drop {', '.join(changed)} or start a new run")
    return saved["settings"]


class _Run:
    """The optimizer and schedule, resuming, the loop with its progress bar, and the output files."""

    def __init__(self, job, out, settings, model, total_steps, device, resume):
        self.job, self.out, self.settings, self.model = job, os.fspath(out), settings, model
        self.total_steps, self.device = total_steps, device
        self.optimizer = optim.AdamW(model.parameters(), lr=settings["lr"], weight_decay=settings["weight_decay"])
        self.schedule = optim.CosineAnnealingLR(self.optimizer, T_max=max(total_steps, 1))
        self.step, self.seconds = 0, 0.0
        self.history = {"step": [], "loss": [], "eval_step": [], "accuracy": []}
        if resume is not None:
            saved = load_checkpoint(resume, model, self.optimizer, self.schedule)
            self.step = saved["step"]
            self.seconds, self.history = saved["extra"]["seconds"], saved["extra"]["history"]
        os.makedirs(self.out, exist_ok=True)

    def fit(self, loss_at, evaluate, eval_every, stop_after, progress):
        """Train from the current step up to the run's last step (or `stop_after`), recording the
        loss at every step and evaluate()["test_accuracy"] every `eval_every` steps."""
        tqdm = _require("tqdm", "a progress bar").tqdm
        stop = self.total_steps if stop_after is None else min(stop_after, self.total_steps)
        started = time.perf_counter()
        self.model.train()
        with tqdm(total=self.total_steps, initial=self.step, desc=f"train {self.job}", unit="step",
                  disable=not progress, dynamic_ncols=True) as bar:
            while self.step < stop:
                self.optimizer.zero_grad()
                loss = loss_at(self.step)
                loss.backward()
                optim.clip_grad_norm_(self.model.parameters(), _CLIP_NORM)
                self.optimizer.step()
                self.schedule.step()
                self.step += 1
                self.history["step"].append(self.step)
                self.history["loss"].append(loss.item())
                if self.step % eval_every == 0 or self.step == self.total_steps:
                    self.history["eval_step"].append(self.step)
                    self.history["accuracy"].append(evaluate()["test_accuracy"])
                    bar.set_postfix(loss=f"{loss.item():.4f}", acc=f"{self.history['accuracy'][-1]:.3f}")
                bar.update(1)
        self.seconds += time.perf_counter() - started
        save(self.model.state_dict(), os.path.join(self.out, "model.safetensors"))
        save_checkpoint(os.path.join(self.out, "checkpoint.safetensors"), self.model, self.optimizer,
                        self.schedule, step=self.step,
                        extra={"job": self.job, "settings": self.settings, "history": self.history,
                               "seconds": self.seconds})

    def finish(self, metrics, accuracy_label, title):
        """Write metrics.json and curves.png; return the metrics.

        Beside the job's own metrics: final_loss (the mean training loss of the last 10
        steps) and seconds (time spent in the training loop, over every resumed part)."""
        last = self.history["loss"][-_FINAL_LOSS_STEPS:]
        metrics = {
            "job": self.job, **metrics,
            "final_loss": float(np.mean(last)) if last else None,
            "seconds": self.seconds, "steps": self.step, "total_steps": self.total_steps,
            "device": self.device, "settings": self.settings, "history": self.history,
        }
        with open(os.path.join(self.out, "metrics.json"), "w") as f:
            json.dump(metrics, f, indent=1)
        _plot_curves(self.history, accuracy_label, title, os.path.join(self.out, "curves.png"))
        return metrics


@contextmanager
def blas_threads(n):
    """Inside the block, the BLAS library behind numpy's matmul (OpenBLAS, MKL) uses at most
    `n` threads; None leaves its own choice.

    These models multiply small matrices, where extra BLAS threads gain little; and
    when a machine has more busy threads than cores (another job, pytest -n), BLAS
    threads that spin while waiting for each other slow training down many times over.
    """
    if n is None:
        yield
        return
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=n, user_api="blas"):
        yield


# ---- plots ----------------------------------------------------------------------------------

def _figure(figsize):
    """A matplotlib Figure drawn straight to files: no pyplot, no window, no global backend switch
    (so a notebook that calls the training jobs keeps its inline plots)."""
    _require("matplotlib", "the plots")
    from matplotlib.figure import Figure
    return Figure(figsize=figsize)


def _plot_curves(history, accuracy_label, title, path):
    """Training loss (log scale) per step, and the accuracy at each evaluation."""
    fig = _figure(figsize=(10, 4))
    ax_loss, ax_acc = fig.subplots(1, 2)
    ax_loss.plot(history["step"], history["loss"], linewidth=0.8)
    ax_loss.set(xlabel="step", ylabel="training loss", yscale="log", title="loss")
    ax_acc.plot(history["eval_step"], history["accuracy"], marker="o")
    ax_acc.set(xlabel="step", ylabel=accuracy_label, ylim=(0, 1.02), title="accuracy")
    for ax in (ax_loss, ax_acc):
        ax.grid(alpha=0.3)
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def _plot_attention(model, ids, labels_of, device, path):
    """A heat map of one head's attention on one sequence (rows: queries, columns: keys).

    The head shown is the sharpest: the one whose rows have the largest mean maximum,
    i.e. that most often puts its weight on a single position. Only the second half of
    the rows count: early queries have few keys to choose from (the first only itself).
    """
    ids = np.asarray(ids).reshape(-1)
    maps = attention_maps(model, ids, device)
    late_rows = maps[:, :, len(ids) // 2:]
    layer, head = np.unravel_index(np.argmax(late_rows.max(axis=-1).mean(axis=-1)), maps.shape[:2])
    labels = labels_of(ids)
    size = max(4.0, 0.3 * len(ids))
    fig = _figure(figsize=(size + 1, size))
    ax = fig.subplots()
    image = ax.imshow(maps[layer, head], cmap="viridis", vmin=0.0, vmax=1.0)
    ax.set_xticks(range(len(ids)), labels, fontsize=7)
    ax.set_yticks(range(len(ids)), labels, fontsize=7)
    ax.set(xlabel="key (attended position)", ylabel="query position",
           title=f"attention of block {layer}, head {head} (the sharpest head)")
    fig.colorbar(image, ax=ax, fraction=0.046)
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def _require(module, purpose):
    """Import an optional dependency of the examples, or say how to install it."""
    import importlib
    try:
        return importlib.import_module(module)
    except ImportError:
        raise ImportError(f"{module} is needed for {purpose}: pip install 'tinygrad_lite[examples]'") from None
