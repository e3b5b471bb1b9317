"""A WGAN with gradient penalty in the style of the common "improved WGAN" training scripts,
on 2-D points (eight Gaussians): MLP generator and critic, the critic's loss
D(fake) - D(real) + lambda * (||grad_x D(x_hat)||_2 - 1)^2 at points x_hat between real and
fake, the gradient taken with torch.autograd.grad(create_graph=True) so the penalty trains
the critic, two critic steps per generator step, Adam with betas (0.5, 0.9).
The noise and the mixing weights come from numpy, so both libraries see the same draws."""
import numpy as np
import torch
import torch.nn as nn
from torch import autograd

DIM, LAMBDA, CRITIC_ITERS, BATCH = 32, 0.1, 2, 16


class Generator(nn.Module):
    def __init__(self):
        super(Generator, self).__init__()
        self.main = nn.Sequential(
            nn.Linear(2, DIM), nn.ReLU(True),
            nn.Linear(DIM, DIM), nn.ReLU(True),
            nn.Linear(DIM, 2),
        )

    def forward(self, noise):
        return self.main(noise)


class Discriminator(nn.Module):
    def __init__(self):
        super(Discriminator, self).__init__()
        self.main = nn.Sequential(
            nn.Linear(2, DIM), nn.ReLU(True),
            nn.Linear(DIM, DIM), nn.ReLU(True),
            nn.Linear(DIM, 1),
        )

    def forward(self, inputs):
        return self.main(inputs).view(-1)


def calc_gradient_penalty(netD, real_data, fake_data, alpha):
    alpha = alpha.expand(real_data.size())
    interpolates = alpha * real_data + ((1 - alpha) * fake_data)
    interpolates = interpolates.detach().requires_grad_(True)
    disc_interpolates = netD(interpolates)
    gradients = autograd.grad(outputs=disc_interpolates, inputs=interpolates,
                              grad_outputs=torch.ones(disc_interpolates.size()),
                              create_graph=True, retain_graph=True, only_inputs=True)[0]
    return ((gradients.norm(2, dim=1) - 1) ** 2).mean() * LAMBDA


rng = np.random.RandomState(0)
centers = np.array([(np.cos(a), np.sin(a)) for a in np.arange(8) * np.pi / 4]) * 2


def draw(*shape):
    return torch.from_numpy(rng.randn(*shape).astype(np.float32))


def build():
    return Generator(), Discriminator()


def train(netG, netD):
    optimizerD = torch.optim.Adam(netD.parameters(), lr=1e-3, betas=(0.5, 0.9))
    optimizerG = torch.optim.Adam(netG.parameters(), lr=1e-3, betas=(0.5, 0.9))
    one = torch.tensor(1.0)
    mone = one * -1
    losses = []
    for iteration in range(4):
        for p in netD.parameters():
            p.requires_grad = True
        for iter_d in range(CRITIC_ITERS):
            real = torch.from_numpy((centers[rng.randint(8, size=BATCH)] + 0.02 * rng.randn(BATCH, 2)).astype(np.float32))
            netD.zero_grad()
            D_real = netD(real).mean()
            D_real.backward(mone)
            fake = netG(draw(BATCH, 2)).detach()
            D_fake = netD(fake).mean()
            D_fake.backward(one)
            gradient_penalty = calc_gradient_penalty(netD, real, fake, torch.from_numpy(rng.rand(BATCH, 1).astype(np.float32)))
            gradient_penalty.backward()
            D_cost = D_fake - D_real + gradient_penalty
            optimizerD.step()
            losses.append(D_cost.item())
        for p in netD.parameters():
            p.requires_grad = False  # to avoid computation
        netG.zero_grad()
        G = netD(netG(draw(BATCH, 2))).mean()
        G.backward(mone)
        optimizerG.step()
        losses.append(-G.item())
    return losses
