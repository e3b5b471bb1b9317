"""A row-by-row recurrent classifier in the style of pytorch/examples' mnist_rnn: each 28x28
image is a sequence of 28 rows fed to a batch_first LSTM, the last output goes through
BatchNorm1d, dropout and two Linear layers to log_softmax + nll_loss; Adadelta with StepLR.
The images are synthetic (numpy): a bar whose row depends on the class."""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.optim.lr_scheduler import StepLR


class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.rnn = nn.LSTM(input_size=28, hidden_size=32, batch_first=True)
        self.batchnorm = nn.BatchNorm1d(32)
        self.dropout1 = nn.Dropout2d(0.0)  # the example's 0.25; 0 keeps the runs comparable
        self.dropout2 = nn.Dropout2d(0.0)
        self.fc1 = nn.Linear(32, 16)
        self.fc2 = nn.Linear(16, 10)

    def forward(self, input):
        # Shape of input is (batch_size,1, 28, 28)
        # converting shape of input to (batch_size, 28, 28)
        # as required by RNN when batch_first is set True
        input = input.reshape(-1, 28, 28)
        output, hidden = self.rnn(input)

        # RNN output shape is (seq_len, batch, input_size)
        # Get last output of RNN
        output = output[:, -1, :]
        output = self.batchnorm(output)
        output = self.dropout1(output)
        output = self.fc1(output)
        output = F.relu(output)
        output = self.dropout2(output)
        output = self.fc2(output)
        output = F.log_softmax(output, dim=1)
        return output


def make_images(n, seed):
    rng = np.random.RandomState(seed)
    labels = rng.randint(0, 10, size=n)
    images = rng.rand(n, 1, 28, 28).astype(np.float32) * 0.2
    for i, c in enumerate(labels):
        images[i, 0, 2 + 2 * c:4 + 2 * c, 6:22] = 1.0
    return torch.from_numpy(images), torch.from_numpy(labels.astype(np.int64))


def build():
    return (Net(),)


def train(model):
    data_all, target_all = make_images(64, 0)
    optimizer = optim.Adadelta(model.parameters(), lr=1.0)
    scheduler = StepLR(optimizer, step_size=1, gamma=0.7)
    losses = []
    for epoch in range(1, 4):
        model.train()
        for batch_idx in range(4):
            data = data_all[16 * batch_idx:16 * (batch_idx + 1)]
            target = target_all[16 * batch_idx:16 * (batch_idx + 1)]
            optimizer.zero_grad()
            output = model(data)
            loss = F.nll_loss(output, target)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        scheduler.step()
    return losses
