"""Sub-pixel super-resolution in the style of pytorch/examples' super_resolution: four
convolutions with orthogonal init scaled by the ReLU gain, nn.PixelShuffle to upscale,
MSELoss, Adam, and PSNR = 10 log10(1 / mse) on a held-out batch under torch.no_grad()."""
from math import log10

import numpy as np
import torch
import torch.nn as nn
import torch.nn.init as init
import torch.optim as optim


class Net(nn.Module):
    def __init__(self, upscale_factor):
        super(Net, self).__init__()
        self.relu = nn.ReLU()
        self.conv1 = nn.Conv2d(1, 16, (5, 5), (1, 1), (2, 2))
        self.conv2 = nn.Conv2d(16, 16, (3, 3), (1, 1), (1, 1))
        self.conv3 = nn.Conv2d(16, 8, (3, 3), (1, 1), (1, 1))
        self.conv4 = nn.Conv2d(8, upscale_factor ** 2, (3, 3), (1, 1), (1, 1))
        self.pixel_shuffle = nn.PixelShuffle(upscale_factor)
        self._initialize_weights()

    def forward(self, x):
        x = self.relu(self.conv1(x))
        x = self.relu(self.conv2(x))
        x = self.relu(self.conv3(x))
        x = self.pixel_shuffle(self.conv4(x))
        return x

    def _initialize_weights(self):
        init.orthogonal_(self.conv1.weight, init.calculate_gain('relu'))
        init.orthogonal_(self.conv2.weight, init.calculate_gain('relu'))
        init.orthogonal_(self.conv3.weight, init.calculate_gain('relu'))
        init.orthogonal_(self.conv4.weight)


def make_pairs(n, seed, upscale_factor=2, size=16):
    """Smooth random images (targets) and their block-averaged low-resolution inputs."""
    rng = np.random.RandomState(seed)
    yy, xx = np.mgrid[0:size, 0:size] / size
    f = rng.rand(n, 4, 1, 1) * 6
    target = 0.5 + 0.25 * (np.sin(f[:, 0] * xx + f[:, 1]) + np.cos(f[:, 2] * yy + f[:, 3]))
    low = target.reshape(n, size // upscale_factor, upscale_factor, size // upscale_factor, upscale_factor).mean((2, 4))
    return torch.from_numpy(low[:, None].astype(np.float32)), torch.from_numpy(target[:, None].astype(np.float32))


def build():
    return (Net(upscale_factor=2),)


def train(model):
    criterion = nn.MSELoss()
    optimizer = optim.Adam(model.parameters(), lr=0.01)
    inputs, targets = make_pairs(32, 0)
    test_input, test_target = make_pairs(8, 1)
    losses = []
    for epoch in range(1, 4):
        for i in range(0, 32, 8):
            input, target = inputs[i:i + 8], targets[i:i + 8]
            optimizer.zero_grad()
            loss = criterion(model(input), target)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        with torch.no_grad():
            prediction = model(test_input)
            mse = criterion(prediction, test_target)
            psnr = 10 * log10(1 / mse.item())
            losses.append(1 / psnr)  # (falls as the PSNR rises)
    return losses
