"""embedding's options, embedding_bag and bilinear (functions and modules) against torch: outputs, the
gradients of the table (and of per_sample_weights and both bilinear inputs), the in-place renorm of
max_norm, the initialisations, and the errors."""
import numpy as np
import pytest

from helpers import torch

import tinygrad_lite as tg
import tinygrad_lite.nn as nn
import tinygrad_lite.nn.functional as F
from tinygrad_lite import Tensor

TF = torch.nn.functional
RNG = np.random.default_rng(0)
TABLE = RNG.normal(size=(7, 4))
IDX = np.array([[0, 2, 6, 2], [3, 3, 3, 1], [6, 0, 5, 4]])


def _pair(table=TABLE):
    return Tensor(table.copy(), requires_grad=True), torch.tensor(table.copy(), requires_grad=True)


def _backward(out, seed):
    (out * seed).sum().backward()


def _compare(ours, theirs, w, tw, extra=()):
    np.testing.assert_allclose(ours.numpy(), theirs.detach().numpy(), rtol=1e-12, atol=1e-12)
    seed = RNG.normal(size=ours.shape)
    _backward(ours, Tensor(seed))
    _backward(theirs, torch.tensor(seed))
    tgrad = tw.grad.to_dense() if tw.grad.is_sparse else tw.grad
    np.testing.assert_allclose(w.grad.numpy(), tgrad.numpy(), rtol=1e-12, atol=1e-12)
    for a, b in extra:
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("options", [
    {}, {"padding_idx": 3}, {"padding_idx": -1}, {"padding_idx": 0, "scale_grad_by_freq": True},
    {"scale_grad_by_freq": True}, {"sparse": True}, {"padding_idx": 2, "sparse": True}])
@pytest.mark.parametrize("idx", [IDX, IDX[0], np.array(5), np.zeros((2, 0), np.int64)])
def test_embedding_options_match_torch(options, idx):
    if options.get("sparse") and idx.ndim == 0:
        pytest.skip("torch's sparse backward fails on a 0-d index (IndexError inside its engine)")
    w, tw = _pair()
    _compare(F.embedding(Tensor(idx), w, **options), TF.embedding(torch.tensor(idx), tw, **options), w, tw)


@pytest.mark.parametrize("max_norm, norm_type", [(1.0, 2.0), (0.5, 1.0), (1.2, float("inf")), (10.0, 2.0),
                                                 (1.5, 3.0)])
def test_max_norm_renormalises_the_looked_up_rows_in_place_as_torch(max_norm, norm_type):
    w, tw = _pair(TABLE * 2)
    idx = IDX[:2]  # rows 4 and 5 are not looked up: they keep their norms
    ours = F.embedding(Tensor(idx), w, max_norm=max_norm, norm_type=norm_type)
    theirs = TF.embedding(torch.tensor(idx), tw, max_norm=max_norm, norm_type=norm_type)
    np.testing.assert_allclose(w.detach().numpy(), tw.detach().numpy(), rtol=1e-12)
    assert not np.array_equal(w.detach().numpy(), TABLE * 2) or max_norm == 10.0
    _compare(ours, theirs, w, tw)


def test_embedding_module_options_and_initialisation():
    tg.manual_seed(0)
    e = nn.Embedding(6, 3, padding_idx=-2, max_norm=1.0, scale_grad_by_freq=True)
    assert e.padding_idx == torch.nn.Embedding(6, 3, padding_idx=-2).padding_idx == 4
    assert np.all(e.weight.numpy()[4] == 0) and np.all(e.weight.numpy()[:4] != 0)
    assert repr(e) == repr(torch.nn.Embedding(6, 3, padding_idx=-2, max_norm=1.0, scale_grad_by_freq=True))
    out = e(Tensor([[4, 1, 1]]))
    out.sum().backward()
    assert np.all(e.weight.grad.numpy()[4] == 0) and np.all(e.weight.grad.numpy()[1] == 1.0)  # 2 uses / 2
    assert np.all(np.linalg.norm(e.weight.numpy()[[1]], axis=1) <= 1.0 + 1e-6)


def test_from_pretrained_matches_torch():
    table = TABLE.astype(np.float32)
    for freeze in (True, False):
        ours = nn.Embedding.from_pretrained(Tensor(table), freeze=freeze, padding_idx=1)
        theirs = torch.nn.Embedding.from_pretrained(torch.tensor(table), freeze=freeze, padding_idx=1)
        assert ours.weight.requires_grad == theirs.weight.requires_grad == (not freeze)
        np.testing.assert_array_equal(ours(Tensor(IDX)).numpy(), theirs(torch.tensor(IDX)).detach().numpy())
        assert ours.padding_idx == theirs.padding_idx
    weight = Tensor(table)
    e = nn.Embedding(7, 4, _weight=weight)
    np.testing.assert_array_equal(e.weight.numpy(), table)
    assert nn.Embedding(7, 4, _weight=weight, _freeze=True).weight.requires_grad is False


def test_embedding_errors():
    w = Tensor(TABLE)
    for bad in (7, -8):
        with pytest.raises(AssertionError):
            TF.embedding(torch.tensor([0]), torch.tensor(TABLE), padding_idx=bad)
        with pytest.raises(ValueError, match="padding_idx"):
            F.embedding(Tensor([0]), w, padding_idx=bad)
        with pytest.raises(ValueError, match="padding_idx"):
            nn.Embedding(7, 4, padding_idx=bad)
    with pytest.raises(ValueError, match="Embedding"):
        nn.Embedding(3, 4, _weight=Tensor(TABLE))
    with pytest.raises(ValueError, match="2-dimensional"):
        nn.Embedding.from_pretrained(Tensor(np.zeros(3)))
    with pytest.raises(IndexError, match="embedding"):
        F.embedding(Tensor([7]), w)
    with pytest.raises(TypeError, match="embedding"):
        F.embedding(Tensor([0]), w, scale_grad_by_freq="yes")


BAGS_1D = [  # (indices, offsets, include_last_offset)
    ([1, 2, 4, 5, 4, 3, 2, 6], [0, 4], False), ([1, 2, 4, 5, 4, 3, 2, 6], [0, 0, 3, 8], False),
    ([1, 2, 4, 5, 4, 3, 2, 6], [0, 3, 8], True), ([1, 2, 4, 5, 4, 3, 2, 6], [0, 2, 2, 8], True),
    ([], [0, 0], False), ([3], [0], False)]


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
@pytest.mark.parametrize("bags", BAGS_1D)
@pytest.mark.parametrize("padding_idx", [None, 2])
def test_embedding_bag_1d_matches_torch(mode, bags, padding_idx):
    idx, offsets, last = bags
    w, tw = _pair()
    ours = F.embedding_bag(Tensor(np.array(idx, np.int64)), w, Tensor(np.array(offsets, np.int64)), mode=mode,
                           include_last_offset=last, padding_idx=padding_idx)
    theirs = TF.embedding_bag(torch.tensor(idx, dtype=torch.int64), tw, torch.tensor(offsets), mode=mode,
                              include_last_offset=last, padding_idx=padding_idx)
    _compare(ours, theirs, w, tw)


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
@pytest.mark.parametrize("options", [{}, {"padding_idx": 3}, {"scale_grad_by_freq": True}, {"max_norm": 1.0},
                                     {"sparse": True}])
def test_embedding_bag_2d_matches_torch(mode, options):
    if mode == "max" and (options.get("scale_grad_by_freq") or options.get("sparse")):
        pytest.skip("torch refuses these options in max mode (tested in test_embedding_bag_errors)")
    if options.get("scale_grad_by_freq"):
        pytest.skip("torch's CPU embedding_bag scales by miscounted frequencies: see "
                    "test_embedding_bag_scale_grad_by_freq_is_embeddings")
    w, tw = _pair()
    ours = F.embedding_bag(Tensor(IDX), w, mode=mode, **options)
    theirs = TF.embedding_bag(torch.tensor(IDX), tw, mode=mode, **options)
    _compare(ours, theirs, w, tw)


@pytest.mark.parametrize("mode", ["sum", "mean"])
def test_embedding_bag_scale_grad_by_freq_is_embeddings(mode):
    """The bag's gradient is that of embedding(scale_grad_by_freq=True) reduced over each bag, as torch's
    documentation says (torch's own CPU kernel divides by other counts)."""
    w, w2 = Tensor(TABLE, requires_grad=True), Tensor(TABLE, requires_grad=True)
    seed = Tensor(RNG.normal(size=(3, 4)))
    _backward(F.embedding_bag(Tensor(IDX), w, mode=mode, scale_grad_by_freq=True), seed)
    rows = F.embedding(Tensor(IDX), w2, scale_grad_by_freq=True)
    _backward(rows.sum(1) if mode == "sum" else rows.mean(1), seed)
    np.testing.assert_allclose(w.grad.numpy(), w2.grad.numpy(), rtol=1e-12)
    counts = np.bincount(IDX.reshape(-1), minlength=7)
    assert counts[3] == 3 and not np.allclose(w.grad.numpy()[3], 0)


@pytest.mark.parametrize("padding_idx", [None, 3])
def test_per_sample_weights_match_torch(padding_idx):
    w, tw = _pair()
    psw = RNG.normal(size=IDX.shape)
    p, tp = Tensor(psw, requires_grad=True), torch.tensor(psw, requires_grad=True)
    ours = F.embedding_bag(Tensor(IDX), w, mode="sum", per_sample_weights=p, padding_idx=padding_idx)
    theirs = TF.embedding_bag(torch.tensor(IDX), tw, mode="sum", per_sample_weights=tp, padding_idx=padding_idx)
    _compare(ours, theirs, w, tw, [(p, tp)])
    flat, offsets = IDX.reshape(-1), np.array([0, 5, 5, 9])
    w, tw = _pair()
    p, tp = Tensor(psw.reshape(-1), requires_grad=True), torch.tensor(psw.reshape(-1), requires_grad=True)
    ours = F.embedding_bag(Tensor(flat), w, Tensor(offsets), mode="sum", per_sample_weights=p)
    theirs = TF.embedding_bag(torch.tensor(flat), tw, torch.tensor(offsets), mode="sum", per_sample_weights=tp)
    _compare(ours, theirs, w, tw, [(p, tp)])


def test_embedding_bag_module_matches_torch():
    table = TABLE.astype(np.float32)
    for mode in ("sum", "mean", "max"):
        ours = nn.EmbeddingBag.from_pretrained(Tensor(table), mode=mode, freeze=False)
        theirs = torch.nn.EmbeddingBag.from_pretrained(torch.tensor(table), mode=mode, freeze=False)
        assert repr(ours) == repr(theirs) and ours.weight.requires_grad
        idx, offsets = [1, 2, 4, 5, 4, 3, 2, 6], [0, 2, 5]
        np.testing.assert_allclose(ours(Tensor(idx), Tensor(offsets)).numpy(),
                                   theirs(torch.tensor(idx), torch.tensor(offsets)).detach().numpy(), rtol=1e-6)
    tg.manual_seed(0)
    bag = nn.EmbeddingBag(5, 3, padding_idx=0)
    assert np.all(bag.weight.numpy()[0] == 0) and bag.weight.requires_grad
    assert [n for n, _ in bag.named_parameters()] == [n for n, _ in torch.nn.EmbeddingBag(5, 3).named_parameters()]


def test_embedding_bag_errors():
    w = Tensor(TABLE)
    cases = [  # (keyword arguments, engine's error); torch raises too, some with other types
        ({"input": Tensor(IDX), "offsets": Tensor([0, 1])}, ValueError),
        ({"input": Tensor([1, 2, 3])}, ValueError),
        ({"input": Tensor([1, 2, 3]), "offsets": Tensor([1, 2])}, ValueError),
        ({"input": Tensor([1, 2, 3]), "offsets": Tensor([0, 5])}, ValueError),
        ({"input": Tensor(IDX), "mode": "mean", "per_sample_weights": Tensor(np.ones(IDX.shape))},
         NotImplementedError),
        ({"input": Tensor(IDX), "mode": "max", "scale_grad_by_freq": True}, ValueError),
        ({"input": Tensor(IDX), "mode": "median"}, ValueError),
        ({"input": Tensor(IDX), "mode": "max", "sparse": True}, ValueError),
    ]
    for kwargs, error in cases:
        torch_kwargs = {k: (torch.tensor(v.numpy()) if isinstance(v, Tensor) else v) for k, v in kwargs.items()}
        with pytest.raises((RuntimeError, ValueError, NotImplementedError)):
            TF.embedding_bag(weight=torch.tensor(TABLE), **torch_kwargs)
        with pytest.raises(error, match="embedding_bag"):
            F.embedding_bag(weight=w, **kwargs)


@pytest.mark.parametrize("batch", [(), (5,), (2, 3)])
@pytest.mark.parametrize("bias", [True, False])
def test_bilinear_matches_torch(batch, bias):
    x1, x2 = RNG.normal(size=batch + (3,)), RNG.normal(size=batch + (4,))
    a, b = RNG.normal(size=(2, 3, 4)), RNG.normal(size=2)
    ours = [Tensor(v, requires_grad=True) for v in (x1, x2, a, b)]
    theirs = [torch.tensor(v, requires_grad=True) for v in (x1, x2, a, b)]
    out = F.bilinear(*ours[:3], ours[3] if bias else None)
    tout = TF.bilinear(*theirs[:3], theirs[3] if bias else None)
    used = 4 if bias else 3
    _compare(out, tout, ours[2], theirs[2], list(zip(ours[:used], theirs[:used])))


def test_bilinear_gradcheck():
    x1, x2, a, b = (Tensor(RNG.normal(size=s), requires_grad=True) for s in ((2, 3), (2, 4), (5, 3, 4), (5,)))
    assert tg.gradcheck(F.bilinear, x1, x2, a, b)


def test_bilinear_module_matches_torch():
    tg.manual_seed(0)
    torch.manual_seed(0)
    ours, theirs = nn.Bilinear(20, 30, 40), torch.nn.Bilinear(20, 30, 40)
    assert repr(ours) == repr(theirs)
    for (name, p), (tname, tp) in zip(ours.named_parameters(), theirs.named_parameters()):
        assert name == tname and p.shape == tuple(tp.shape)
        bound = 1 / np.sqrt(20)
        assert np.abs(p.numpy()).max() <= bound and np.abs(p.numpy()).max() > 0.9 * bound
    assert nn.Bilinear(2, 3, 4, bias=False).bias is None
    with pytest.raises(ValueError, match="bilinear"):
        ours(Tensor(np.zeros((2, 20), np.float32)), Tensor(np.zeros((3, 30), np.float32)))
    with pytest.raises(ValueError, match="bilinear"):
        ours(Tensor(np.zeros((2, 21), np.float32)), Tensor(np.zeros((2, 30), np.float32)))


def test_every_option_runs_on_every_device(device):
    """The same lookups on `device` as on the cpu, gradients included."""
    def run(dev):
        w = Tensor(TABLE.copy(), requires_grad=True, device=dev)
        p = Tensor(np.linspace(-1, 1, 8), requires_grad=True, device=dev)
        idx, offsets = Tensor(np.array([1, 2, 4, 5, 4, 3, 2, 6]), device=dev), Tensor(np.array([0, 3]), device=dev)
        outs = [F.embedding(Tensor(IDX, device=dev), w, padding_idx=2, max_norm=1.5, scale_grad_by_freq=True),
                F.embedding_bag(idx, w, offsets, mode="sum", per_sample_weights=p, padding_idx=4),
                F.embedding_bag(Tensor(IDX, device=dev), w, mode="max"),
                F.embedding_bag(Tensor(IDX, device=dev), w, mode="mean", scale_grad_by_freq=True),
                F.bilinear(Tensor(TABLE[:2, :3], device=dev), Tensor(TABLE[2:4, :2], device=dev),
                           w[:6].reshape(2, 3, 4)[:, :, :2])]
        sum(o.sum() for o in outs).backward()
        assert all(o.device == w.device for o in outs)
        return [o.numpy() for o in outs] + [w.grad.numpy(), p.grad.numpy(), w.detach().numpy()]
    for a, b in zip(run(device), run("cpu")):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)
