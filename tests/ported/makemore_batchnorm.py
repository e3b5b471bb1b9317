"""A deeper character MLP in the style of makemore (part 3): hand-written Linear, BatchNorm1d and
Tanh layers (plain classes with __call__ and parameters(), no nn.Module), kaiming-style scaling
by fan_in**0.5, the last layer made less confident under torch.no_grad(), running statistics
updated under torch.no_grad(), retain_grad() on every layer's output to inspect the activation
gradients, and the update-to-data ratios (lr * grad).std() / data.std() in log10.
The initial weights come from numpy, so both libraries start from the same values."""
import numpy as np
import torch
import torch.nn.functional as F

rng = np.random.RandomState(2147483647)


def randn(*shape):
    return torch.from_numpy(rng.standard_normal(shape).astype(np.float32))


class Linear:

    def __init__(self, fan_in, fan_out, bias=True):
        self.weight = randn(fan_in, fan_out) / fan_in**0.5
        self.bias = torch.zeros(fan_out) if bias else None

    def __call__(self, x):
        self.out = x @ self.weight
        if self.bias is not None:
            self.out += self.bias
        return self.out

    def parameters(self):
        return [self.weight] + ([] if self.bias is None else [self.bias])


class BatchNorm1d:

    def __init__(self, dim, eps=1e-5, momentum=0.1):
        self.eps = eps
        self.momentum = momentum
        self.training = True
        self.gamma = torch.ones(dim)
        self.beta = torch.zeros(dim)
        self.running_mean = torch.zeros(dim)
        self.running_var = torch.ones(dim)

    def __call__(self, x):
        if self.training:
            xmean = x.mean(0, keepdim=True)
            xvar = x.var(0, keepdim=True)  # batch variance (unbiased, as makemore's)
        else:
            xmean = self.running_mean
            xvar = self.running_var
        xhat = (x - xmean) / torch.sqrt(xvar + self.eps)
        self.out = self.gamma * xhat + self.beta
        if self.training:
            with torch.no_grad():
                self.running_mean = (1 - self.momentum) * self.running_mean + self.momentum * xmean
                self.running_var = (1 - self.momentum) * self.running_var + self.momentum * xvar
        return self.out

    def parameters(self):
        return [self.gamma, self.beta]


class Tanh:
    def __call__(self, x):
        self.out = torch.tanh(x)
        return self.out

    def parameters(self):
        return []


vocab_size, block_size, n_embd, n_hidden = 27, 3, 10, 32
stats = []  # what the lecture plots: activation gradients, update ratios, running statistics


def build():
    return ()


def train():
    # contexts and a next character that depends on them, so there is something to learn
    context = rng.randint(0, vocab_size, size=(200, block_size))
    Xtr = torch.from_numpy(context.astype(np.int64))
    Ytr = torch.from_numpy(((context[:, -1] + 1) % vocab_size).astype(np.int64))
    C = randn(vocab_size, n_embd)
    layers = [
        Linear(n_embd * block_size, n_hidden, bias=False), BatchNorm1d(n_hidden), Tanh(),
        Linear(n_hidden, n_hidden, bias=False), BatchNorm1d(n_hidden), Tanh(),
        Linear(n_hidden, vocab_size, bias=False), BatchNorm1d(vocab_size),
    ]
    with torch.no_grad():
        layers[-1].gamma *= 0.1  # last layer: make less confident
        for layer in layers[:-1]:
            if isinstance(layer, Linear):
                layer.weight *= 5 / 3  # tanh's gain
    parameters = [C] + [p for layer in layers for p in layer.parameters()]
    for p in parameters:
        p.requires_grad = True

    lossi, ud = [], []
    batches = rng.randint(0, Xtr.shape[0], size=(8, 32))
    for i in range(8):
        ix = torch.from_numpy(batches[i])
        Xb, Yb = Xtr[ix], Ytr[ix]
        emb = C[Xb]
        x = emb.view(emb.shape[0], -1)
        for layer in layers:
            x = layer(x)
        loss = F.cross_entropy(x, Yb)
        for layer in layers:
            layer.out.retain_grad()
        for p in parameters:
            p.grad = None
        loss.backward()
        lr = 1.0  # (the lecture's 0.1 runs 200,000 steps; this runs eight)
        for p in parameters:
            p.data += -lr * p.grad
        lossi.append(loss.item())
        with torch.no_grad():
            ud.append([((lr * p.grad).std() / p.data.std()).log10().item() for p in parameters])
    for layer in layers[:-1]:
        if isinstance(layer, Tanh):
            t = layer.out.grad
            stats.extend([t.mean().item(), t.std().item()])
            stats.append((layer.out.abs() > 0.97).type_as(layer.out).mean().item())  # saturation
        if isinstance(layer, BatchNorm1d):
            stats.extend(layer.running_mean.flatten().tolist() + layer.running_var.flatten().tolist())
    stats.extend(u for row in ud for u in row)
    return lossi
