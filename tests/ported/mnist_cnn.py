"""A convolutional network on 28x28 images in the style of pytorch/examples' mnist: two
convolutions, max pooling, dropout, log_softmax + nll_loss, Adadelta with StepLR, batches
from a TensorDataset through a DataLoader, the model saved with torch.save and reloaded with
torch.load(map_location=..., weights_only=True). The images are synthetic (numpy): two blobs of
ink whose positions depend on the class, so the network has something to learn."""
import os
import tempfile

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.optim.lr_scheduler import StepLR
from torch.utils.data import DataLoader, TensorDataset


class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, 1)
        self.conv2 = nn.Conv2d(8, 16, 3, 1)
        self.dropout1 = nn.Dropout(0.0)  # pytorch/examples uses 0.25 and 0.5; 0 keeps the runs comparable
        self.dropout2 = nn.Dropout(0.0)
        self.fc1 = nn.Linear(2304, 32)
        self.fc2 = nn.Linear(32, 10)

    def forward(self, x):
        x = self.conv1(x)
        x = F.relu(x)
        x = self.conv2(x)
        x = F.relu(x)
        x = F.max_pool2d(x, 2)
        x = self.dropout1(x)
        x = torch.flatten(x, 1)
        x = self.fc1(x)
        x = F.relu(x)
        x = self.dropout2(x)
        x = self.fc2(x)
        output = F.log_softmax(x, dim=1)
        return output


def make_images(n, seed):
    rng = np.random.RandomState(seed)
    labels = rng.randint(0, 10, size=n)
    images = rng.rand(n, 1, 28, 28).astype(np.float32) * 0.1
    for i, c in enumerate(labels):
        r, col = 4 + 2 * c, 22 - 2 * c
        images[i, 0, r:r + 4, 4:8] = 1.0
        images[i, 0, 20:24, col:col + 4] = 1.0
    images = (images - 0.1307) / 0.3081  # the mnist example's Normalize
    return torch.from_numpy(images), torch.from_numpy(labels.astype(np.int64))


def train_epoch(model, device, train_loader, optimizer, epoch, losses):
    model.train()
    for batch_idx, (data, target) in enumerate(train_loader):
        data, target = data.to(device), target.to(device)
        optimizer.zero_grad()
        output = model(data)
        loss = F.nll_loss(output, target)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())


def test(model, device, test_loader):
    model.eval()
    test_loss = 0
    correct = 0
    with torch.no_grad():
        for data, target in test_loader:
            data, target = data.to(device), target.to(device)
            output = model(data)
            test_loss += F.nll_loss(output, target, reduction='sum').item()
            pred = output.argmax(dim=1, keepdim=True)
            correct += pred.eq(target.view_as(pred)).sum().item()
    return test_loss / len(test_loader.dataset), correct


def build():
    return (Net(),)


def train(model):
    device = torch.device("cpu")
    train_loader = DataLoader(TensorDataset(*make_images(64, 0)), batch_size=16, shuffle=False)
    test_loader = DataLoader(TensorDataset(*make_images(32, 1)), batch_size=32)
    optimizer = optim.Adadelta(model.parameters(), lr=1.0)
    scheduler = StepLR(optimizer, step_size=1, gamma=0.7)
    losses = []
    for epoch in range(1, 3):
        train_epoch(model, device, train_loader, optimizer, epoch, losses)
        test_loss, correct = test(model, device, test_loader)
        losses.append(test_loss)
        scheduler.step()
    # the example's --save-model, and an inference script's reload of it
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "mnist_cnn.pt")
        torch.save(model.state_dict(), path)
        restored = Net()
        restored.load_state_dict(torch.load(path, map_location=device, weights_only=True))
        restored_loss, _ = test(restored, device, test_loader)
    assert restored_loss == losses[-1]
    return losses
