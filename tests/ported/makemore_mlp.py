"""A character-level MLP language model in the style of makemore (part 2): an embedding table C,
a context of three characters, a tanh hidden layer, cross_entropy, minibatches by index, plain
SGD on the parameters written out by hand (no nn.Module), and a learning rate step-down."""
import numpy as np
import torch
import torch.nn.functional as F

words = ["emma", "olivia", "ava", "isabella", "sophia", "charlotte", "mia", "amelia", "harper",
         "evelyn", "abigail", "emily", "elizabeth", "mila", "ella", "avery", "sofia", "camila"]
chars = sorted(list(set("".join(words))))
stoi = {s: i + 1 for i, s in enumerate(chars)}
stoi["."] = 0
itos = {i: s for s, i in stoi.items()}
vocab_size = len(itos)
block_size = 3


def build_dataset(words):
    X, Y = [], []
    for w in words:
        context = [0] * block_size
        for ch in w + ".":
            ix = stoi[ch]
            X.append(context)
            Y.append(ix)
            context = context[1:] + [ix]
    X = torch.tensor(X)
    Y = torch.tensor(Y)
    return X, Y


class Params(torch.nn.Module):
    """Holds the hand-made tensors so the test can hand both runs the same initial values."""

    def __init__(self, n_embd=10, n_hidden=64):
        super().__init__()
        g = torch.Generator().manual_seed(2147483647)
        self.C = torch.nn.Parameter(torch.randn((vocab_size, n_embd), generator=g))
        self.W1 = torch.nn.Parameter(torch.randn((n_embd * block_size, n_hidden), generator=g) * 0.2)
        self.b1 = torch.nn.Parameter(torch.randn(n_hidden, generator=g) * 0.01)
        self.W2 = torch.nn.Parameter(torch.randn((n_hidden, vocab_size), generator=g) * 0.01)
        self.b2 = torch.nn.Parameter(torch.randn(vocab_size, generator=g) * 0)


def build():
    return (Params(),)


def train(params):
    Xtr, Ytr = build_dataset(words)
    C, W1, b1, W2, b2 = params.C, params.W1, params.b1, params.W2, params.b2
    parameters = [C, W1, b1, W2, b2]
    for p in parameters:
        p.requires_grad = True
    batches = np.random.RandomState(0).randint(0, Xtr.shape[0], size=(10, 32))
    lossi = []
    for i in range(10):
        ix = torch.from_numpy(batches[i])
        Xb, Yb = Xtr[ix], Ytr[ix]
        emb = C[Xb]
        embcat = emb.view(emb.shape[0], -1)
        hpreact = embcat @ W1 + b1
        h = torch.tanh(hpreact)
        logits = h @ W2 + b2
        loss = F.cross_entropy(logits, Yb)
        for p in parameters:
            p.grad = None
        loss.backward()
        lr = 0.1 if i < 5 else 0.01
        for p in parameters:
            p.data += -lr * p.grad
        lossi.append(loss.item())
    return lossi
