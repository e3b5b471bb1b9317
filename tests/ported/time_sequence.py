"""Sine-wave prediction in the style of pytorch/examples' time_sequence_prediction: two stacked
LSTMCells and a Linear head stepping through a sequence split into columns, in float64
(`.double()`), MSELoss, the example's LBFGS with a closure (OPTIMIZER = "Adam" is this copy's
flag for a first-order run), then predicting `future` steps past the input with no_grad."""
import numpy as np
import torch
import torch.nn as nn
import torch.optim as optim

OPTIMIZER = "LBFGS"
HIDDEN = 12


class Sequence(nn.Module):
    def __init__(self):
        super(Sequence, self).__init__()
        self.lstm1 = nn.LSTMCell(1, HIDDEN)
        self.lstm2 = nn.LSTMCell(HIDDEN, HIDDEN)
        self.linear = nn.Linear(HIDDEN, 1)

    def forward(self, input, future=0):
        outputs = []
        h_t = torch.zeros(input.size(0), HIDDEN, dtype=torch.double)
        c_t = torch.zeros(input.size(0), HIDDEN, dtype=torch.double)
        h_t2 = torch.zeros(input.size(0), HIDDEN, dtype=torch.double)
        c_t2 = torch.zeros(input.size(0), HIDDEN, dtype=torch.double)

        for input_t in input.split(1, dim=1):
            h_t, c_t = self.lstm1(input_t, (h_t, c_t))
            h_t2, c_t2 = self.lstm2(h_t, (h_t2, c_t2))
            output = self.linear(h_t2)
            outputs += [output]
        for i in range(future):  # if we should predict the future
            h_t, c_t = self.lstm1(output, (h_t, c_t))
            h_t2, c_t2 = self.lstm2(h_t, (h_t2, c_t2))
            output = self.linear(h_t2)
            outputs += [output]
        outputs = torch.cat(outputs, dim=1)
        return outputs


def make_data(T=20, L=30, N=8):
    """generate_sine_wave.py: N sine waves with random shifts."""
    x = np.empty((N, L), np.int64)
    x[:] = np.array(range(L)) + np.random.RandomState(2).randint(-4 * T, 4 * T, N).reshape(N, 1)
    return np.sin(x / 1.0 / T).astype('float64')


def build():
    return (Sequence().double(),)


def train(seq):
    data = make_data()
    input = torch.from_numpy(data[3:, :-1])
    target = torch.from_numpy(data[3:, 1:])
    test_input = torch.from_numpy(data[:3, :-1])
    test_target = torch.from_numpy(data[:3, 1:])
    criterion = nn.MSELoss()
    if OPTIMIZER == "LBFGS":
        optimizer = optim.LBFGS(seq.parameters(), lr=0.8, max_iter=4)
    else:
        optimizer = optim.Adam(seq.parameters(), lr=0.05)
    losses = []
    for i in range(6):
        def closure():
            optimizer.zero_grad()
            out = seq(input)
            loss = criterion(out, target)
            losses.append(loss.item())
            loss.backward()
            return loss
        optimizer.step(closure)
        with torch.no_grad():
            future = 5
            pred = seq(test_input, future=future)
            loss = criterion(pred[:, :-future], test_target)
            losses.append(loss.item())
            y = pred.detach().numpy()
            assert y.shape == (3, test_input.size(1) + future)
    return losses
