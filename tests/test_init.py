"""nn.init against torch.nn.init: the fans, gains, bounds and standard deviations exactly, the
distributions by a two-sample Kolmogorov-Smirnov distance against torch's own draws (fixed seeds,
a bound that a correct sampler exceeds with probability about 1e-6), and the structured fills
(orthogonal, dirac, eye, sparse) by what they promise."""
import math
import warnings

import numpy as np
import pytest

from helpers import torch

import tinygrad_lite as tg
import tinygrad_lite.nn as nn
import tinygrad_lite.nn.functional as F
from tinygrad_lite import Tensor

TI = torch.nn.init
SHAPES = [(3, 5), (5, 3), (4, 3, 2), (6, 4, 3, 3), (2, 8, 1, 2, 3), (1, 1), (7, 1, 5)]
NONLINEARITIES = ["linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
                  "conv_transpose3d", "sigmoid", "tanh", "relu", "leaky_relu", "selu"]


def _ks_limit(n, m, alpha=1e-6):
    """The two-sample KS distance that samples of one distribution exceed with probability ~alpha."""
    return math.sqrt(-math.log(alpha / 2) / 2) * math.sqrt((n + m) / (n * m))


def _ks(a, b):
    a, b = np.sort(np.ravel(a)), np.sort(np.ravel(b))
    grid = np.concatenate([a, b])
    return np.abs(np.searchsorted(a, grid, "right") / a.size - np.searchsorted(b, grid, "right") / b.size).max()


def _same_distribution(ours, theirs):
    ours, theirs = np.asarray(ours, np.float64), theirs.detach().double().numpy()
    assert _ks(ours, theirs) < _ks_limit(ours.size, theirs.size)


def _pair(shape, fill, seed=0):
    """The engine's and torch's tensor of `shape`, each filled by fill(tensor, module)."""
    tg.manual_seed(seed)
    torch.manual_seed(seed)
    ours = fill(Tensor(np.zeros(shape, np.float32)), nn.init)
    theirs = fill(torch.zeros(shape), TI)
    return ours.numpy(), theirs


@pytest.mark.parametrize("shape", SHAPES)
def test_fans_match_torch(shape):
    assert nn.init._calculate_fan_in_and_fan_out(Tensor(np.zeros(shape))) == \
        TI._calculate_fan_in_and_fan_out(torch.zeros(shape))
    for mode in ("fan_in", "fan_out", "FAN_IN"):
        assert nn.init._calculate_correct_fan(Tensor(np.zeros(shape)), mode) == \
            TI._calculate_correct_fan(torch.zeros(shape), mode)


@pytest.mark.parametrize("nonlinearity", NONLINEARITIES)
def test_every_gain_matches_torch(nonlinearity):
    for param in (None, 0.2, 3, math.sqrt(5)):
        assert nn.init.calculate_gain(nonlinearity, param) == TI.calculate_gain(nonlinearity, param)


def test_gain_errors_match_torch():
    for nonlinearity, param in [("softplus", None), ("identity", None), ("leaky_relu", "x"), ("leaky_relu", True)]:
        with pytest.raises(ValueError):
            TI.calculate_gain(nonlinearity, param)
        with pytest.raises(ValueError, match="calculate_gain"):
            nn.init.calculate_gain(nonlinearity, param)


@pytest.mark.parametrize("shape", [(40, 30), (20, 6, 3, 3), (50, 4, 7)])
@pytest.mark.parametrize("a, mode, nonlinearity", [
    (0, "fan_in", "relu"), (math.sqrt(5), "fan_in", "leaky_relu"), (0.1, "fan_out", "leaky_relu"),
    (0, "fan_out", "tanh"), (0, "fan_in", "selu"), (0, "fan_in", "conv2d")])
def test_kaiming_matches_torch_in_distribution(shape, a, mode, nonlinearity):
    fan = TI._calculate_correct_fan(torch.zeros(shape), mode)
    std = TI.calculate_gain(nonlinearity, a) / math.sqrt(fan)
    ours, theirs = _pair(shape, lambda t, m: m.kaiming_uniform_(t, a=a, mode=mode, nonlinearity=nonlinearity))
    bound = math.sqrt(3) * std
    assert np.abs(ours).max() <= np.float32(bound)
    _same_distribution(ours, theirs)
    ours, theirs = _pair(shape, lambda t, m: m.kaiming_normal_(t, a=a, mode=mode, nonlinearity=nonlinearity))
    _same_distribution(ours, theirs)
    assert abs(ours.std() - std) < 6 * std / math.sqrt(2 * ours.size)   # the std's own sampling error


@pytest.mark.parametrize("shape", [(40, 30), (20, 6, 3, 3), (50, 4, 7)])
@pytest.mark.parametrize("gain", [1.0, 0.5, 2.5])
def test_xavier_matches_torch_in_distribution(shape, gain):
    fan_in, fan_out = TI._calculate_fan_in_and_fan_out(torch.zeros(shape))
    std = gain * math.sqrt(2 / (fan_in + fan_out))
    ours, theirs = _pair(shape, lambda t, m: m.xavier_uniform_(t, gain=gain))
    assert np.abs(ours).max() <= np.float32(math.sqrt(3) * std)
    _same_distribution(ours, theirs)
    ours, theirs = _pair(shape, lambda t, m: m.xavier_normal_(t, gain=gain))
    _same_distribution(ours, theirs)


@pytest.mark.parametrize("mean, std, a, b", [(0, 1, -2, 2), (1, 2, 0, 1), (0, 1, 1.5, 3), (-3, 0.5, -2, 2),
                                             (0, 0.02, -0.04, 0.04)])
def test_trunc_normal_matches_torch_in_distribution(mean, std, a, b):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (-3, 0.5) lies over 2 std from [a, b]: both warn
        ours, theirs = _pair((100, 100), lambda t, m: m.trunc_normal_(t, mean=mean, std=std, a=a, b=b))
    assert ours.min() >= np.float32(a) and ours.max() <= np.float32(b)
    _same_distribution(ours, theirs)


def test_trunc_normal_warns_as_torch_when_the_mean_is_far():
    with pytest.warns(UserWarning, match="more than 2 std"):
        nn.init.trunc_normal_(Tensor(np.zeros((3, 3))), mean=5.0, std=1.0, a=-2.0, b=2.0)


@pytest.mark.parametrize("fill", [
    lambda t, m: m.uniform_(t, -0.5, 2.0), lambda t, m: m.normal_(t, 1.0, 3.0), lambda t, m: m.sparse_(t, 0.3, 0.5)])
def test_simple_fills_match_torch_in_distribution(fill):
    ours, theirs = _pair((60, 50), fill)
    _same_distribution(ours, theirs)


def test_sparse_zeroes_the_right_number_per_column():
    for rows, sparsity in [(10, 0.1), (7, 0.5), (6, 0.0), (5, 1.0)]:
        t = nn.init.sparse_(Tensor(np.zeros((rows, 9))), sparsity, std=1.0)
        assert ((t.numpy() == 0).sum(0) == math.ceil(sparsity * rows)).all()


@pytest.mark.parametrize("shape", [(3, 5), (5, 3), (4, 4), (6, 2, 3), (3, 2, 2, 2), (1, 7)])
@pytest.mark.parametrize("gain", [1.0, 2.0])
def test_orthogonal_columns_or_rows_are_orthonormal(shape, gain):
    w = nn.init.orthogonal_(Tensor(np.zeros(shape)), gain=gain).numpy().reshape(shape[0], -1)
    small = min(w.shape)
    gram = w @ w.T if w.shape[0] <= w.shape[1] else w.T @ w
    np.testing.assert_allclose(gram, gain ** 2 * np.eye(small), atol=1e-12)


def test_orthogonal_is_haar_as_torch():
    """Each entry of a Haar-random orthogonal matrix has one law; compare it with torch's."""
    ours, theirs = _pair((2000, 3), lambda t, m: m.orthogonal_(t))
    _same_distribution(ours, theirs)


@pytest.mark.parametrize("shape", [(3, 5), (5, 3), (4, 4), (0, 2)])
def test_eye_matches_torch(shape):
    ours = nn.init.eye_(Tensor(np.full(shape, 7.0, np.float32))).numpy()
    np.testing.assert_array_equal(ours, TI.eye_(torch.full(shape, 7.0)).numpy())


@pytest.mark.parametrize("shape, groups", [((4, 4, 3), 1), ((6, 3, 3, 5), 2), ((4, 6, 3, 3, 3), 2),
                                           ((3, 2, 4, 4), 1), ((2, 5, 1, 2), 1)])
def test_dirac_matches_torch(shape, groups):
    ours = nn.init.dirac_(Tensor(np.full(shape, 7.0, np.float32)), groups=groups).numpy()
    np.testing.assert_array_equal(ours, TI.dirac_(torch.full(shape, 7.0), groups=groups).numpy())


@pytest.mark.parametrize("dims", [1, 2, 3])
def test_a_convolution_with_dirac_weights_is_the_identity(dims):
    conv = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}[dims]
    w = nn.init.dirac_(Tensor(np.zeros((4, 4) + (3,) * dims)))
    x = Tensor(np.random.default_rng(0).normal(size=(2, 4) + (5,) * dims))
    np.testing.assert_allclose(conv(x, w, padding=1).numpy(), x.numpy(), atol=1e-12)


def test_generator_makes_fills_reproducible():
    def fill(fn, seed):
        return fn(Tensor(np.zeros((5, 6))), generator=tg.Generator().manual_seed(seed)).numpy()
    for fn in (nn.init.uniform_, nn.init.normal_, nn.init.xavier_uniform_, nn.init.xavier_normal_,
               nn.init.kaiming_uniform_, nn.init.kaiming_normal_, nn.init.orthogonal_, nn.init.trunc_normal_):
        np.testing.assert_array_equal(fill(fn, 3), fill(fn, 3))
        assert not np.array_equal(fill(fn, 3), fill(fn, 4))


def test_zero_element_tensors_warn_as_torch():
    for fn in (nn.init.kaiming_uniform_, nn.init.kaiming_normal_):
        with pytest.warns(UserWarning, match="zero-element"):
            assert fn(Tensor(np.zeros((0, 3)))).shape == (0, 3)
    assert nn.init.orthogonal_(Tensor(np.zeros((0, 3)))).shape == (0, 3)


def test_errors_match_torch():
    cases = [  # (call on the engine's module, call on torch's), both must raise ValueError
        (lambda m, z: m.eye_(z((2, 3, 4))), ValueError),
        (lambda m, z: m.dirac_(z((2, 3))), ValueError),
        (lambda m, z: m.dirac_(z((3, 3, 3)), groups=2), ValueError),
        (lambda m, z: m.orthogonal_(z((3,))), ValueError),
        (lambda m, z: m.sparse_(z((3, 3, 3)), 0.5), ValueError),
        (lambda m, z: m.xavier_uniform_(z((3,))), ValueError),
        (lambda m, z: m.kaiming_normal_(z((3, 4)), mode="fan_avg"), ValueError),
        (lambda m, z: m.kaiming_uniform_(z((3, 4)), nonlinearity="softplus"), ValueError),
    ]
    for call, error in cases:
        with pytest.raises(error):
            call(TI, torch.zeros)
        with pytest.raises(error):
            call(nn.init, lambda s: Tensor(np.zeros(s)))


def test_fills_bump_the_version_and_record_no_graph():
    p = nn.Parameter(np.zeros((3, 4), np.float32))
    before = p._versions[0]
    nn.init.xavier_uniform_(p)
    assert p._versions[0] > before and p.is_leaf and p.requires_grad and p.grad_fn is None


@pytest.mark.parametrize("make, make_torch", [
    (lambda: nn.Linear(30, 40), lambda: torch.nn.Linear(30, 40)),
    (lambda: nn.Conv2d(4, 6, 3), lambda: torch.nn.Conv2d(4, 6, 3)),
    (lambda: nn.Embedding(50, 40), lambda: torch.nn.Embedding(50, 40)),
    (lambda: nn.EmbeddingBag(50, 40), lambda: torch.nn.EmbeddingBag(50, 40)),
    (lambda: nn.Bilinear(20, 30, 40), lambda: torch.nn.Bilinear(20, 30, 40)),
    (lambda: nn.Conv1d(6, 8, 5, groups=2), lambda: torch.nn.Conv1d(6, 8, 5, groups=2)),
    (lambda: nn.ConvTranspose2d(6, 4, 3), lambda: torch.nn.ConvTranspose2d(6, 4, 3)),
    (lambda: nn.LSTM(20, 30, num_layers=2), lambda: torch.nn.LSTM(20, 30, num_layers=2)),
    (lambda: nn.GRU(20, 30), lambda: torch.nn.GRU(20, 30)),
    (lambda: nn.MultiheadAttention(32, 4), lambda: torch.nn.MultiheadAttention(32, 4)),
    (lambda: nn.LayerNorm(30), lambda: torch.nn.LayerNorm(30)),
])
def test_default_layer_initialisations_match_torch_in_distribution(make, make_torch):
    tg.manual_seed(0)
    torch.manual_seed(0)
    ours, theirs = dict(make().named_parameters()), dict(make_torch().named_parameters())
    assert ours.keys() == theirs.keys()
    for name in ours:
        _same_distribution(ours[name].numpy(), theirs[name])
