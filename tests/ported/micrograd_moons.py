"""An MLP classifier on two moons in the style of micrograd's demo: labels +-1, a max-margin
(hinge) loss plus L2 regularisation, full-batch SGD with momentum and a decaying rate."""
import numpy as np
import torch
import torch.nn as nn


def make_moons(n_samples=100, noise=0.1, seed=1):
    """sklearn's two interleaving half circles, written with numpy."""
    rng = np.random.RandomState(seed)
    n_out = n_samples // 2
    n_in = n_samples - n_out
    outer = np.stack([np.cos(np.linspace(0, np.pi, n_out)), np.sin(np.linspace(0, np.pi, n_out))], 1)
    inner = np.stack([1 - np.cos(np.linspace(0, np.pi, n_in)), 1 - np.sin(np.linspace(0, np.pi, n_in)) - 0.5], 1)
    X = np.concatenate([outer, inner]) + rng.normal(scale=noise, size=(n_samples, 2))
    y = np.concatenate([np.zeros(n_out), np.ones(n_in)])
    return X, y


class MLP(nn.Module):
    def __init__(self, nin, nouts):
        super().__init__()
        sizes = [nin] + nouts
        self.layers = nn.ModuleList([nn.Linear(sizes[i], sizes[i + 1]) for i in range(len(nouts))])

    def forward(self, x):
        for i, layer in enumerate(self.layers):
            x = layer(x)
            if i != len(self.layers) - 1:
                x = torch.relu(x)
        return x


X_np, y_np = make_moons(n_samples=100, noise=0.1)
y_np = y_np * 2 - 1  # make y be -1 or 1


def loss_fn(model, X, y):
    scores = model(X).squeeze(1)
    # svm "max-margin" loss
    data_loss = torch.relu(1 + -y * scores).mean()
    # L2 regularization
    alpha = 1e-4
    reg_loss = alpha * sum((p * p).sum() for p in model.parameters())
    total_loss = data_loss + reg_loss
    accuracy = ((y > 0) == (scores > 0)).float().mean()
    return total_loss, accuracy


def build():
    return (MLP(2, [16, 16, 1]),)


def train(model):
    X = torch.tensor(X_np, dtype=torch.float32)
    y = torch.tensor(y_np, dtype=torch.float32)
    optimizer = torch.optim.SGD(model.parameters(), lr=1.0, momentum=0.9)
    losses = []
    for k in range(10):
        total_loss, acc = loss_fn(model, X, y)
        model.zero_grad()
        total_loss.backward()
        for group in optimizer.param_groups:
            group["lr"] = 0.1 - 0.09 * k / 100
        optimizer.step()
        losses.append(total_loss.item())
    return losses
