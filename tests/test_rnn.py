"""Recurrent layers (nn.RNN, LSTM, GRU and their cells) and nn.utils (rnn packing, clipping, vectors).

Parity: a torch layer's state_dict is copied into the engine's twin (the names are the same), and
outputs, final states and the gradient of every parameter, input and initial state are compared in
float64, over layers, directions, batch_first, proj_size and relu. Invariants beside parity: a
packed batch gives each sequence what it gets alone; an unbatched input gives the batch of one; an
LSTM whose forget gate is saturated at 1 and input gate at 0 carries its cell state unchanged.
Backward is confirmed by float64 finite differences on tiny cells and layers.
"""
import warnings

import numpy as np
import pytest

import tinygrad_lite as tg
import tinygrad_lite.nn as nn
from tinygrad_lite import Tensor
from tinygrad_lite.nn.utils import rnn as rnn_utils

try:
    import torch
except ImportError:  # parity tests skip; the invariants still run
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="parity tests compare with PyTorch: pip install -e '.[test]'")
TOL = dict(rtol=1e-9, atol=1e-10)


def _twin(torch_layer, layer):
    """Copy torch's parameters into `layer` by name (strict: the names must be the same)."""
    layer.load_state_dict({k: Tensor(v.detach().numpy()) for k, v in torch_layer.state_dict().items()})


def _close(ours, theirs, what):
    np.testing.assert_allclose(ours.numpy(), theirs.detach().numpy(), err_msg=what, **TOL)


def _states(h):
    return list(h) if isinstance(h, tuple) else [h]


# ---- layers: parity with torch -------------------------------------------------------------

CONFIGS = [
    ("RNN", dict()), ("RNN", dict(nonlinearity="relu", num_layers=2)),
    ("RNN", dict(bidirectional=True, batch_first=True)), ("LSTM", dict()),
    ("LSTM", dict(num_layers=2, bidirectional=True)), ("LSTM", dict(proj_size=2, batch_first=True)),
    ("LSTM", dict(proj_size=2, num_layers=2, bidirectional=True, bias=False)), ("GRU", dict()),
    ("GRU", dict(num_layers=2, bidirectional=True, batch_first=True)), ("GRU", dict(bias=False)),
]


@needs_torch
@pytest.mark.parametrize("kind,kwargs", CONFIGS, ids=[f"{k}-{kw}" for k, kw in CONFIGS])
@pytest.mark.parametrize("with_hx", [False, True])
def test_layer_matches_torch(kind, kwargs, with_hx):
    rng = np.random.default_rng(0)
    torch_layer = getattr(torch.nn, kind)(4, 3, **kwargs).double()
    layer = getattr(nn, kind)(4, 3, dtype=tg.float64, **kwargs)
    assert [n for n, _ in layer.named_parameters()] == [n for n, _ in torch_layer.named_parameters()]
    assert [tuple(p.shape) for p in layer.parameters()] == [tuple(p.shape) for p in torch_layer.parameters()]
    _twin(torch_layer, layer)
    steps, batch = 5, 2
    x = rng.standard_normal((batch, steps, 4) if kwargs.get("batch_first") else (steps, batch, 4))
    rows = kwargs.get("num_layers", 1) * (2 if kwargs.get("bidirectional") else 1)
    hx = None
    if with_hx:
        out = kwargs.get("proj_size", 0) or 3
        hx = [rng.standard_normal((rows, batch, out))] + ([rng.standard_normal((rows, batch, 3))] if kind == "LSTM" else [])
    tx = torch.tensor(x, requires_grad=True)
    gx = Tensor(x, requires_grad=True)
    th = None if hx is None else [torch.tensor(h, requires_grad=True) for h in hx]
    gh = None if hx is None else [Tensor(h, requires_grad=True) for h in hx]

    def arg(states):
        return None if states is None else (tuple(states) if kind == "LSTM" else states[0])

    t_out, t_final = torch_layer(tx, arg(th))
    g_out, g_final = layer(gx, arg(gh))
    _close(g_out, t_out, "output")
    for i, (ours, theirs) in enumerate(zip(_states(g_final), _states(t_final))):
        _close(ours, theirs, f"final state {i}")
    weights = [rng.standard_normal(t_out.shape)] + [rng.standard_normal(s.shape) for s in _states(t_final)]
    t_loss = sum((t * torch.tensor(w)).sum() for t, w in zip([t_out, *_states(t_final)], weights))
    g_loss = sum((t * Tensor(w)).sum() for t, w in zip([g_out, *_states(g_final)], weights))
    t_loss.backward()
    g_loss.backward()
    _close(gx.grad, tx.grad, "input grad")
    for name, p in layer.named_parameters():
        _close(p.grad, torch_layer.get_parameter(name).grad, f"grad of {name}")
    for i, (ours, theirs) in enumerate(zip(gh or [], th or [])):
        _close(ours.grad, theirs.grad, f"grad of initial state {i}")


@needs_torch
@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
def test_default_float32_layer_matches_torch(kind):
    """The default dtype: float32 parameters, and float32 outputs and gradients within float32's tolerance."""
    torch_layer = getattr(torch.nn, kind)(4, 3, num_layers=2, bidirectional=True)
    layer = getattr(nn, kind)(4, 3, num_layers=2, bidirectional=True)
    _twin(torch_layer, layer)
    x = np.random.default_rng(12).standard_normal((6, 2, 4)).astype(np.float32)
    t_out, _ = torch_layer(torch.tensor(x))
    g_out, _ = layer(Tensor(x))
    assert g_out.dtype == np.float32 and all(p.dtype == np.float32 for p in layer.parameters())
    np.testing.assert_allclose(g_out.numpy(), t_out.detach().numpy(), rtol=1e-5, atol=1e-6)
    t_out.square().sum().backward()
    (g_out * g_out).sum().backward()
    for name, p in layer.named_parameters():
        np.testing.assert_allclose(p.grad.numpy(), torch_layer.get_parameter(name).grad.numpy(), rtol=1e-4, atol=1e-5,
                                   err_msg=name)


@needs_torch
@pytest.mark.parametrize("kind,kwargs", [("RNN", {}), ("LSTM", dict(proj_size=2)), ("GRU", {})])
def test_unbatched_input_matches_torch(kind, kwargs):
    torch_layer = getattr(torch.nn, kind)(3, 4, num_layers=2, bidirectional=True, **kwargs).double()
    layer = getattr(nn, kind)(3, 4, num_layers=2, bidirectional=True, dtype=tg.float64, **kwargs)
    _twin(torch_layer, layer)
    x = np.random.default_rng(1).standard_normal((6, 3))
    t_out, t_final = torch_layer(torch.tensor(x))
    g_out, g_final = layer(Tensor(x))
    assert g_out.shape == tuple(t_out.shape)
    _close(g_out, t_out, "output")
    for ours, theirs in zip(_states(g_final), _states(t_final)):
        assert ours.shape == tuple(theirs.shape)
        _close(ours, theirs, "final state")


# ---- packed sequences ----------------------------------------------------------------------

PACKED = [("RNN", {}), ("LSTM", dict(bidirectional=True)), ("LSTM", dict(proj_size=2, num_layers=2)),
          ("GRU", dict(bidirectional=True, num_layers=2))]


@needs_torch
@pytest.mark.parametrize("kind,kwargs", PACKED, ids=[f"{k}-{kw}" for k, kw in PACKED])
def test_packed_batch_matches_torch(kind, kwargs):
    rng = np.random.default_rng(2)
    torch_layer = getattr(torch.nn, kind)(3, 4, **kwargs).double()
    layer = getattr(nn, kind)(3, 4, dtype=tg.float64, **kwargs)
    _twin(torch_layer, layer)
    lengths = [2, 5, 1, 5]
    x = rng.standard_normal((5, 4, 3))
    tx, gx = torch.tensor(x, requires_grad=True), Tensor(x, requires_grad=True)
    t_packed = torch.nn.utils.rnn.pack_padded_sequence(tx, lengths, enforce_sorted=False)
    g_packed = rnn_utils.pack_padded_sequence(gx, lengths, enforce_sorted=False)
    np.testing.assert_array_equal(g_packed.batch_sizes.numpy(), t_packed.batch_sizes.numpy())
    _close(g_packed.data, t_packed.data, "packed data")
    rows = layer.num_layers * (2 if layer.bidirectional else 1)
    hx = [rng.standard_normal((rows, 4, kwargs.get("proj_size", 0) or 4))]
    hx += [rng.standard_normal((rows, 4, 4))] if kind == "LSTM" else []
    th, gh = [torch.tensor(h, requires_grad=True) for h in hx], [Tensor(h, requires_grad=True) for h in hx]
    t_out, t_final = torch_layer(t_packed, tuple(th) if kind == "LSTM" else th[0])
    g_out, g_final = layer(g_packed, tuple(gh) if kind == "LSTM" else gh[0])
    assert isinstance(g_out, rnn_utils.PackedSequence)
    t_pad, t_len = torch.nn.utils.rnn.pad_packed_sequence(t_out, padding_value=-1.0)
    g_pad, g_len = rnn_utils.pad_packed_sequence(g_out, padding_value=-1.0)
    np.testing.assert_array_equal(g_len.numpy(), t_len.numpy())
    _close(g_pad, t_pad, "padded output")
    for ours, theirs in zip(_states(g_final), _states(t_final)):
        _close(ours, theirs, "final state")
    w = rng.standard_normal(t_pad.shape)
    ((t_pad * torch.tensor(w)).sum() + sum(s.sum() for s in _states(t_final))).backward()
    ((g_pad * Tensor(w)).sum() + sum(s.sum() for s in _states(g_final))).backward()
    _close(gx.grad, tx.grad, "input grad")
    for name, p in layer.named_parameters():
        _close(p.grad, torch_layer.get_parameter(name).grad, f"grad of {name}")
    for ours, theirs in zip(gh, th):
        _close(ours.grad, theirs.grad, "grad of an initial state")


@pytest.mark.parametrize("kind,kwargs", PACKED, ids=[f"{k}-{kw}" for k, kw in PACKED])
def test_packed_batch_gives_each_sequence_what_it_gets_alone(kind, kwargs):
    rng = np.random.default_rng(3)
    tg.manual_seed(0)
    layer = getattr(nn, kind)(3, 4, dtype=tg.float64, **kwargs)
    lengths = [3, 1, 4]
    sequences = [Tensor(rng.standard_normal((n, 3))) for n in lengths]
    rows = layer.num_layers * (2 if layer.bidirectional else 1)
    hx = [rng.standard_normal((rows, 3, kwargs.get("proj_size", 0) or 4))]
    hx += [rng.standard_normal((rows, 3, 4))] if kind == "LSTM" else []

    def arg(states, i=None):
        states = [Tensor(s if i is None else s[:, i]) for s in states]
        return tuple(states) if kind == "LSTM" else states[0]

    out, final = layer(rnn_utils.pack_sequence(sequences, enforce_sorted=False), arg(hx))
    padded, got_lengths = rnn_utils.pad_packed_sequence(out, batch_first=True)
    assert got_lengths.tolist() == lengths
    for i, s in enumerate(sequences):
        alone_out, alone_final = layer(s, arg(hx, i))  # unbatched: one sequence
        np.testing.assert_allclose(padded.numpy()[i, :lengths[i]], alone_out.numpy(), rtol=1e-12, atol=1e-12)
        assert not padded.numpy()[i, lengths[i]:].any()
        for ours, alone in zip(_states(final), _states(alone_final)):
            np.testing.assert_allclose(ours.numpy()[:, i], alone.numpy(), rtol=1e-12, atol=1e-12)


@needs_torch
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("padding_side", ["right", "left"])
def test_pad_sequence_matches_torch(batch_first, padding_side):
    rng = np.random.default_rng(4)
    arrays = [rng.standard_normal((n, 2)) for n in (3, 1, 4)]
    ts = [torch.tensor(a, requires_grad=True) for a in arrays]
    gs = [Tensor(a, requires_grad=True) for a in arrays]
    t = torch.nn.utils.rnn.pad_sequence(ts, batch_first=batch_first, padding_value=7.0, padding_side=padding_side)
    g = rnn_utils.pad_sequence(gs, batch_first=batch_first, padding_value=7.0, padding_side=padding_side)
    _close(g, t, "padded")
    w = rng.standard_normal(t.shape)
    (t * torch.tensor(w)).sum().backward()
    (g * Tensor(w)).sum().backward()
    for ours, theirs in zip(gs, ts):
        _close(ours.grad, theirs.grad, "grad")


@needs_torch
@pytest.mark.parametrize("enforce_sorted", [True, False])
def test_pack_and_pad_round_trip_matches_torch(enforce_sorted):
    rng = np.random.default_rng(5)
    lengths = [4, 4, 2, 1] if enforce_sorted else [2, 4, 1, 4]
    arrays = [rng.standard_normal((n, 2)) for n in lengths]
    t_packed = torch.nn.utils.rnn.pack_sequence([torch.tensor(a) for a in arrays], enforce_sorted=enforce_sorted)
    g_packed = rnn_utils.pack_sequence([Tensor(a) for a in arrays], enforce_sorted=enforce_sorted)
    _close(g_packed.data, t_packed.data, "data")
    np.testing.assert_array_equal(g_packed.batch_sizes.numpy(), t_packed.batch_sizes.numpy())
    assert (g_packed.sorted_indices is None) == (t_packed.sorted_indices is None)
    t_pad, t_len = torch.nn.utils.rnn.pad_packed_sequence(t_packed, batch_first=True, total_length=6)
    g_pad, g_len = rnn_utils.pad_packed_sequence(g_packed, batch_first=True, total_length=6)
    _close(g_pad, t_pad, "padded")
    np.testing.assert_array_equal(g_len.numpy(), t_len.numpy())


# ---- cells ---------------------------------------------------------------------------------

CELLS = [("RNNCell", {}), ("RNNCell", dict(nonlinearity="relu")), ("LSTMCell", {}), ("GRUCell", {}),
         ("GRUCell", dict(bias=False))]


@needs_torch
@pytest.mark.parametrize("kind,kwargs", CELLS, ids=[f"{k}-{kw}" for k, kw in CELLS])
@pytest.mark.parametrize("batched", [True, False])
def test_cell_matches_torch(kind, kwargs, batched):
    rng = np.random.default_rng(6)
    torch_cell = getattr(torch.nn, kind)(3, 4, **kwargs).double()
    cell = getattr(nn, kind)(3, 4, dtype=tg.float64, **kwargs)
    assert [n for n, _ in cell.named_parameters()] == [n for n, _ in torch_cell.named_parameters()]
    _twin(torch_cell, cell)
    lead = (2,) if batched else ()
    x = rng.standard_normal(lead + (3,))
    hx = [rng.standard_normal(lead + (4,)) for _ in range(2 if kind == "LSTMCell" else 1)]
    th = [torch.tensor(h, requires_grad=True) for h in hx]
    gh = [Tensor(h, requires_grad=True) for h in hx]
    t_new = torch_cell(torch.tensor(x), tuple(th) if kind == "LSTMCell" else th[0])
    g_new = cell(Tensor(x), tuple(gh) if kind == "LSTMCell" else gh[0])
    for ours, theirs in zip(_states(g_new), _states(t_new)):
        _close(ours, theirs, "new state")
    sum((s * (i + 1)).sum() for i, s in enumerate(_states(t_new))).backward()
    sum((s * (i + 1)).sum() for i, s in enumerate(_states(g_new))).backward()
    for name, p in cell.named_parameters():
        _close(p.grad, torch_cell.get_parameter(name).grad, f"grad of {name}")
    for ours, theirs in zip(gh, th):
        _close(ours.grad, theirs.grad, "grad of the state")
    t_zero, g_zero = torch_cell(torch.tensor(x)), cell(Tensor(x))  # hx omitted: zeros
    for ours, theirs in zip(_states(g_zero), _states(t_zero)):
        _close(ours, theirs, "new state from zeros")


# ---- invariants and finite differences -----------------------------------------------------

def test_saturated_lstm_carries_its_cell_state_unchanged():
    """f = sigmoid(+big) = 1 and i = sigmoid(-big) = 0 give c_t = c_{t-1} at every step, whatever the input."""
    tg.manual_seed(0)
    hidden = 3
    layer = nn.LSTM(2, hidden, dtype=tg.float64)
    bias = np.zeros(4 * hidden)
    bias[:hidden] = -1e3            # input gate closed
    bias[hidden:2 * hidden] = 1e3   # forget gate open
    layer.bias_ih_l0.data.array[...] = bias
    c0 = np.array([[[0.5, -2.0, 3.0]]])
    x = Tensor(np.random.default_rng(7).standard_normal((6, 1, 2)))
    out, (h_n, c_n) = layer(x, (Tensor(np.zeros((1, 1, hidden))), Tensor(c0)))
    np.testing.assert_array_equal(c_n.numpy(), c0)
    cell = nn.LSTMCell(2, hidden, dtype=tg.float64)
    cell.bias_ih.data.array[...] = bias
    h, c = cell(x[0], (Tensor(np.ones((1, hidden))), Tensor(c0[0])))
    np.testing.assert_array_equal(c.numpy(), c0[0])


@pytest.mark.parametrize("kind", ["RNNCell", "LSTMCell", "GRUCell"])
def test_cell_gradcheck(kind):
    tg.manual_seed(1)
    cell = getattr(nn, kind)(2, 3, dtype=tg.float64)
    rng = np.random.default_rng(8)
    x = Tensor(rng.standard_normal((2, 2)), requires_grad=True)
    states = [Tensor(rng.standard_normal((2, 3)), requires_grad=True) for _ in range(2 if kind == "LSTMCell" else 1)]
    params = list(cell.parameters())

    def fn(x, *tensors):
        hx = tuple(tensors[:len(states)]) if kind == "LSTMCell" else tensors[0]
        return sum(s.sum() * (i + 1) for i, s in enumerate(_states(cell(x, hx))))

    assert tg.gradcheck(fn, x, *states, *params)


@pytest.mark.parametrize("kind,kwargs", [("LSTM", dict(bidirectional=True, proj_size=1)), ("GRU", {})])
def test_layer_gradcheck(kind, kwargs):
    tg.manual_seed(2)
    layer = getattr(nn, kind)(2, 2, dtype=tg.float64, **kwargs)
    x = Tensor(np.random.default_rng(9).standard_normal((3, 1, 2)), requires_grad=True)

    def fn(x, *params):
        out, _ = layer(x)
        return (out * out).sum()

    assert tg.gradcheck(fn, x, *layer.parameters())


def test_initialisation_is_uniform_in_torch_bound():
    tg.manual_seed(3)
    layer = nn.LSTM(5, 16, num_layers=2, bidirectional=True, proj_size=4)
    bound = 1 / np.sqrt(16)
    for name, p in layer.named_parameters():
        values = p.numpy()
        assert np.abs(values).max() <= bound, name
        assert values.std() > bound / 4, name  # spread over the interval, not a constant


def test_dropout_between_layers_only_in_training():
    tg.manual_seed(4)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        layer = nn.GRU(3, 4, num_layers=2, dropout=0.5, dtype=tg.float64)
    x = Tensor(np.random.default_rng(10).standard_normal((4, 2, 3)))
    eval_out = layer.eval()(x)[0].numpy()
    np.testing.assert_array_equal(layer(x)[0].numpy(), eval_out)
    layer.dropout = 0.0
    np.testing.assert_array_equal(layer.train()(x)[0].numpy(), eval_out)
    layer.dropout = 0.5
    first, second = layer(x)[0].numpy(), layer(x)[0].numpy()
    assert not np.array_equal(first, second) and not np.array_equal(first, eval_out)
    layer.dropout = 1.0  # every input of layer 2 dropped: its output depends on no input
    np.testing.assert_array_equal(layer(x)[0].numpy(), layer(x * 2)[0].numpy())


def test_dropout_with_one_layer_warns_as_torch():
    with pytest.warns(UserWarning, match="num_layers=1"):
        nn.LSTM(2, 3, dropout=0.2)


# ---- errors ----------------------------------------------------------------------------------

@pytest.mark.parametrize("make,call,error,match", [
    (lambda: nn.LSTM(3, 4), lambda m: m(Tensor(np.zeros((5, 2, 2), np.float32))), ValueError, "LSTM: input.size"),
    (lambda: nn.GRU(3, 4), lambda m: m(Tensor(np.zeros((5, 2, 3), np.float32)), Tensor(np.zeros((1, 3, 4), np.float32))),
     ValueError, r"GRU: expected hidden state h_0 of shape \(1, 2, 4\)"),
    (lambda: nn.LSTM(3, 4), lambda m: m(Tensor(np.zeros((5, 2, 3), np.float32)), Tensor(np.zeros((1, 2, 4), np.float32))),
     TypeError, "LSTM: hx must be a tuple"),
    (lambda: nn.RNN(3, 4), lambda m: m(Tensor(np.zeros((5, 2, 3), np.float64))), TypeError, "RNN: input has dtype"),
    (lambda: nn.RNN(3, 4), lambda m: m(Tensor(np.zeros((3,), np.float32))), ValueError, "RNN: expected a 2-d"),
    (lambda: nn.LSTMCell(3, 4), lambda m: m(Tensor(np.zeros((2, 5), np.float32))), ValueError, "LSTMCell: input has 5"),
    (lambda: nn.GRUCell(3, 4), lambda m: m(Tensor(np.zeros((2, 3), np.float32)), Tensor(np.zeros((4,), np.float32))),
     ValueError, "GRUCell: expected hidden state"),
])
def test_forward_errors_name_the_layer(make, call, error, match):
    with pytest.raises(error, match=match):
        call(make())


@pytest.mark.parametrize("make,error,match", [
    (lambda: nn.LSTM(3, 4, dropout=1.5), ValueError, "LSTM: dropout"),
    (lambda: nn.GRU(3, 4, dropout=-0.1), ValueError, "GRU: dropout"),
    (lambda: nn.RNN(3, 4, dropout=True), TypeError, "RNN: dropout"),
    (lambda: nn.LSTM(3, 4, proj_size=4), ValueError, "LSTM: proj_size"),
    (lambda: nn.RNN(3, 4, nonlinearity="sigmoid"), ValueError, "RNN: nonlinearity"),
    (lambda: nn.RNN(3, 0), ValueError, "RNN: hidden_size"),
    (lambda: nn.GRU(3, 4, num_layers=0), ValueError, "GRU: num_layers"),
    (lambda: nn.LSTMCell(3.5, 4), TypeError, "LSTMCell: input_size"),
])
def test_constructor_errors_name_the_layer(make, error, match):
    with pytest.raises(error, match=match):
        make()


def test_packing_errors():
    x = Tensor(np.zeros((3, 2, 1)))
    with pytest.raises(ValueError, match="pack_padded_sequence: lengths must be sorted"):
        rnn_utils.pack_padded_sequence(x, [1, 3])
    with pytest.raises(ValueError, match="pack_padded_sequence: every length"):
        rnn_utils.pack_padded_sequence(x, [3, 0])
    with pytest.raises(ValueError, match="pack_padded_sequence: a length"):
        rnn_utils.pack_padded_sequence(x, [4, 1])
    with pytest.raises(ValueError, match="pack_padded_sequence: expected len"):
        rnn_utils.pack_padded_sequence(x, [3])
    packed = rnn_utils.pack_padded_sequence(x, [3, 1])
    with pytest.raises(ValueError, match="pad_packed_sequence: total_length"):
        rnn_utils.pad_packed_sequence(packed, total_length=2)


# ---- nn.utils ------------------------------------------------------------------------------

def test_nn_utils_is_reachable_after_import():
    assert tg.nn.utils.rnn.pack_sequence is rnn_utils.pack_sequence
    assert tg.nn.utils.clip_grad_norm_ is tg.optim.clip_grad_norm_


@needs_torch
def test_clip_grad_value_and_parameter_vectors_match_torch():
    rng = np.random.default_rng(11)
    arrays = [rng.standard_normal((2, 3)), rng.standard_normal(4)]
    grads = [3 * rng.standard_normal(a.shape) for a in arrays]
    ours = [nn.Parameter(a, dtype=tg.float64) for a in arrays]
    theirs = [torch.nn.Parameter(torch.tensor(a)) for a in arrays]
    for p, q, g in zip(ours, theirs, grads):
        p.grad, q.grad = Tensor(g), torch.tensor(g)
    tg.nn.utils.clip_grad_value_(ours, 1.5)
    torch.nn.utils.clip_grad_value_(theirs, 1.5)
    for p, q in zip(ours, theirs):
        _close(p.grad, q.grad, "clipped grad")
    for p in ours:
        p.grad = None
    vec = tg.nn.utils.parameters_to_vector(ours)
    _close(vec, torch.nn.utils.parameters_to_vector(theirs), "vector")
    (vec * Tensor(np.arange(10.0))).sum().backward()
    np.testing.assert_array_equal(np.concatenate([p.grad.numpy().ravel() for p in ours]), np.arange(10.0))
    new = rng.standard_normal(10)
    tg.nn.utils.vector_to_parameters(Tensor(new), ours)
    torch.nn.utils.vector_to_parameters(torch.tensor(new), theirs)
    for p, q in zip(ours, theirs):
        _close(p, q, "copied parameter")
    with pytest.raises(ValueError, match="vector_to_parameters: vec has 9 elements"):
        tg.nn.utils.vector_to_parameters(Tensor(new[:9]), ours)
