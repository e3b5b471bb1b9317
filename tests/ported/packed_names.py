"""A character-level name classifier in the style of the PyTorch tutorials' RNN classifiers,
batched the way real code batches variable-length sequences: zero-padded index tensors,
nn.Embedding(padding_idx=0), pack_padded_sequence(enforce_sorted=False) into a bidirectional
GRU, the final hidden states of both directions concatenated into a Linear head,
CrossEntropyLoss, Adam, gradient clipping, and pad_packed_sequence for per-step outputs."""
import numpy as np
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence, pad_sequence

names = {
    0: ["smith", "jones", "taylor", "brown", "wilson", "evans", "thomas", "roberts"],
    1: ["rossi", "russo", "ferrari", "esposito", "bianchi", "romano", "colombo", "ricci"],
    2: ["tanaka", "suzuki", "sato", "watanabe", "ito", "yamamoto", "nakamura", "kobayashi"],
}
letters = sorted(set("".join(n for group in names.values() for n in group)))
stoi = {c: i + 1 for i, c in enumerate(letters)}  # 0 is the padding index


class NameClassifier(nn.Module):
    def __init__(self, n_letters, n_hidden, n_classes):
        super().__init__()
        self.embedding = nn.Embedding(n_letters + 1, 8, padding_idx=0)
        self.rnn = nn.GRU(8, n_hidden, batch_first=True, bidirectional=True)
        self.head = nn.Linear(2 * n_hidden, n_classes)

    def forward(self, padded, lengths):
        packed = pack_padded_sequence(self.embedding(padded), lengths, batch_first=True, enforce_sorted=False)
        packed_out, hidden = self.rnn(packed)
        # hidden: (num_layers * 2, batch, n_hidden); the last layer's two directions
        features = torch.cat([hidden[-2], hidden[-1]], dim=1)
        per_step, out_lengths = pad_packed_sequence(packed_out, batch_first=True)
        return self.head(features), per_step, out_lengths


def batch_of(items):
    seqs = [torch.tensor([stoi[c] for c in name], dtype=torch.long) for name, _ in items]
    lengths = torch.tensor([len(s) for s in seqs])
    labels = torch.tensor([label for _, label in items])
    return pad_sequence(seqs, batch_first=True, padding_value=0), lengths, labels


def build():
    return (NameClassifier(len(letters), 16, len(names)),)


def train(model):
    data = [(n, label) for label, group in names.items() for n in group]
    order = np.random.RandomState(0).permutation(len(data))
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.02)
    losses = []
    for step in range(10):
        picked = [data[i] for i in np.roll(order, -6 * step)[:12]]
        padded, lengths, labels = batch_of(picked)
        logits, per_step, out_lengths = model(padded, lengths)
        assert out_lengths.tolist() == lengths.tolist()
        assert per_step.shape[:2] == padded.shape
        loss = criterion(logits, labels)
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        losses.append(loss.item())
    return losses
