"""Recurrent layers as torch.nn's: RNN, LSTM, GRU and their one-step cells.

Each step is written with the engine's differentiable tensor ops (matmul, sigmoid, tanh, slicing,
cat), so autograd derives backpropagation through time. With x_t the input and h_{t-1} the state
(W_* of shape (gates * hidden, in), torch's gate order and names):

    RNN   h_t = act(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)               act = tanh or relu
    LSTM  i, f, g, o = split(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)      (four blocks of hidden)
          c_t = sigmoid(f) * c_{t-1} + sigmoid(i) * tanh(g)
          h_t = sigmoid(o) * tanh(c_t)            (then h_t <- W_hr h_t with proj_size > 0)
    GRU   r = sigmoid(W_ir x_t + b_ir + W_hr h_{t-1} + b_hr),  z likewise
          n = tanh(W_in x_t + b_in + r * (W_hn h_{t-1} + b_hn))
          h_t = (1 - z) * n + z * h_{t-1}

Every weight and bias starts as U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)), as torch's. The
sequence is held as one tensor per time step, so that backpropagation through a step never
touches the others. A PackedSequence runs step t on its b_t live rows:
a sequence that ends keeps its final state, and in the reverse direction a sequence starts at
its own last step.
"""
import math
import warnings

import numpy as np

from .._tensor import Tensor
from .._validate import check_alloc, check_bool, check_choice, check_number
from . import functional as F, init
from .layers import _check_dtype, _check_parameters, _check_size, _parameter_count
from .module import Module, Parameter
from .utils.rnn import PackedSequence

__all__ = ["RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"]

_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


def _rnn_step(mode):
    """The one-step update for `mode`: (xw, state, w_hh, b_hh, w_hr) -> new state, where xw is the
    input's precomputed W_ih x + b_ih and a state is (h,) or, for the LSTM, (h, c)."""
    def rnn(xw, state, w_hh, b_hh, w_hr):
        pre = xw + F.linear(state[0], w_hh, b_hh)
        return (pre.tanh() if mode == "RNN_TANH" else pre.relu(),)

    def lstm(xw, state, w_hh, b_hh, w_hr):
        h, c = state
        gates = xw + F.linear(h, w_hh, b_hh)
        n = c.shape[-1]
        i, f = gates[..., :n].sigmoid(), gates[..., n:2 * n].sigmoid()
        g, o = gates[..., 2 * n:3 * n].tanh(), gates[..., 3 * n:].sigmoid()
        c = f * c + i * g
        h = o * c.tanh()
        return (h if w_hr is None else h.matmul(w_hr.T), c)

    def gru(xw, state, w_hh, b_hh, w_hr):
        h = state[0]
        hw = F.linear(h, w_hh, b_hh)
        n = h.shape[-1]
        r = (xw[..., :n] + hw[..., :n]).sigmoid()
        z = (xw[..., n:2 * n] + hw[..., n:2 * n]).sigmoid()
        candidate = (xw[..., 2 * n:] + r * hw[..., 2 * n:]).tanh()
        return ((1 - z) * candidate + z * h,)

    return {"RNN_TANH": rnn, "RNN_RELU": rnn, "LSTM": lstm, "GRU": gru}[mode]


def _float_input(x, name, what, dtype):
    if not isinstance(x, Tensor):
        raise TypeError(f"{name}: {what} must be a Tensor, not {type(x).__name__}")
    if x.dtype != dtype:
        raise TypeError(f"{name}: {what} has dtype {x.dtype} but the layer's parameters are {dtype}; "
                        f"convert one of them (input.to({dtype}) or layer.to(...))")
    return x


def _check_common(layer, input_size, hidden_size, bias, dtype):
    layer.input_size = _check_size(input_size, "input_size", type(layer).__name__)
    layer.hidden_size = _check_size(hidden_size, "hidden_size", type(layer).__name__, low=1)
    layer.bias = check_bool(bias, "bias", type(layer).__name__)
    return _check_dtype(dtype, type(layer).__name__)


class RNNBase(Module):
    """What RNN, LSTM and GRU share: torch's parameters, argument checks and the time loop.

    Parameters, for layer k and direction suffix s ('' or '_reverse'): weight_ih_l{k}{s} of shape
    (gates * hidden_size, in_k), weight_hh_l{k}{s} (gates * hidden_size, out), bias_ih_l{k}{s} and
    bias_hh_l{k}{s} (gates * hidden_size,), and for an LSTM with proj_size > 0 weight_hr_l{k}{s}
    (proj_size, hidden_size); in_0 = input_size, in_k = out * num_directions, out = proj_size or
    hidden_size.
    """

    def __init__(self, mode, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
                 bidirectional=False, proj_size=0, dtype=None):
        name = type(self).__name__
        self.mode = check_choice(mode, "mode", name, tuple(_GATES))
        dtype = _check_common(self, input_size, hidden_size, bias, dtype)
        self.num_layers = _check_size(num_layers, "num_layers", name, low=1)
        self.batch_first = check_bool(batch_first, "batch_first", name)
        self.dropout = check_number(dropout, "dropout", name, low=0.0, high=1.0)  # a bool is refused, as torch
        self.bidirectional = check_bool(bidirectional, "bidirectional", name)
        self.proj_size = _check_size(proj_size, "proj_size", name)
        if self.proj_size >= self.hidden_size:
            raise ValueError(f"{name}: proj_size ({self.proj_size}) has to be smaller than hidden_size "
                             f"({self.hidden_size})")
        gate_size = _GATES[mode] * self.hidden_size
        out = self.proj_size or self.hidden_size
        directions = 2 if self.bidirectional else 1
        per_layer = [(gate_size, out)] + [(gate_size,)] * (2 * self.bias) + [(self.proj_size, self.hidden_size)]
        first = [(gate_size, self.input_size)] + per_layer
        later = [(gate_size, out * directions)] + per_layer
        count = _parameter_count(first) + (self.num_layers - 1) * _parameter_count(later)
        check_alloc((directions * count,), dtype, name)  # before any allocation (or a loop over huge num_layers)
        bound = 1.0 / math.sqrt(self.hidden_size)
        self._names = []  # per (layer, direction): the names of (w_ih, w_hh, b_ih, b_hh, w_hr)
        for layer in range(self.num_layers):
            width = self.input_size if layer == 0 else out * directions
            for suffix in ("", "_reverse")[:directions]:
                names = [f"weight_ih_l{layer}{suffix}", f"weight_hh_l{layer}{suffix}", f"bias_ih_l{layer}{suffix}",
                         f"bias_hh_l{layer}{suffix}", f"weight_hr_l{layer}{suffix}"]
                sizes = [(gate_size, width), (gate_size, out), (gate_size,), (gate_size,),
                         (self.proj_size, self.hidden_size)]
                present = [True, True, self.bias, self.bias, self.proj_size > 0]
                for param, shape, here in zip(names, sizes, present):
                    if here:
                        setattr(self, param, Parameter(np.zeros(shape), dtype=dtype))
                        init.uniform_(getattr(self, param), -bound, bound)
                self._names.append([p if here else None for p, here in zip(names, present)])
        if self.dropout > 0 and self.num_layers == 1:
            warnings.warn(f"{name}: dropout adds dropout after every layer but the last, so non-zero dropout "
                          f"with num_layers=1 does nothing (dropout={self.dropout})", stacklevel=2)

    def flatten_parameters(self):
        """Nothing to do, and kept for torch programs that call it: torch packs the weights into one
        buffer for cuDNN; here each step's products read the parameters as they are."""

    def _weights(self, index):
        return [None if n is None else getattr(self, n) for n in self._names[index]]

    def extra_repr(self):
        text = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size:
            text += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            text += f", num_layers={self.num_layers}"
        if self.mode == "RNN_RELU":
            text += ", nonlinearity='relu'"
        for flag, default in (("bias", True), ("batch_first", False), ("bidirectional", False)):
            if getattr(self, flag) != default:
                text += f", {flag}={getattr(self, flag)}"
        if self.dropout:
            text += f", dropout={self.dropout}"
        return text

    # ---- the forward pass --------------------------------------------------------------------

    def _state_shapes(self, batch):
        """The expected shape(s) of the initial state for `batch` rows (None: unbatched)."""
        rows = self.num_layers * (2 if self.bidirectional else 1)
        lead = (rows,) if batch is None else (rows, batch)
        shapes = [lead + (self.proj_size or self.hidden_size,)]
        return shapes + [lead + (self.hidden_size,)] if self.mode == "LSTM" else shapes

    def _initial_states(self, hx, batch, dtype, device):
        name = type(self).__name__
        shapes = self._state_shapes(batch)
        if hx is None:
            return [Tensor.zeros(*shape, dtype=dtype, device=device) for shape in shapes]
        if self.mode == "LSTM":
            if not isinstance(hx, (tuple, list)) or len(hx) != 2:
                raise TypeError(f"{name}: hx must be a tuple (h_0, c_0) of Tensors, not {type(hx).__name__}")
            states = list(hx)
        else:
            states = [hx]
        for which, state, shape in zip(("h_0", "c_0"), states, shapes):
            _float_input(state, name, which, dtype)
            if state.shape != shape:
                raise ValueError(f"{name}: expected hidden state {which} of shape {shape}, got {state.shape}")
            if state.device != device:
                raise ValueError(f"{name}: {which} is on {state.device} but the input is on {device}")
        return states

    def _run(self, input, hx):
        """(output, final states) for any input form; the output keeps the input's form."""
        name = type(self).__name__
        dtype = next(iter(self.parameters())).dtype
        packed = isinstance(input, PackedSequence)
        if packed:
            data = _float_input(input.data, name, "the packed data", dtype)
            if data.ndim != 2:
                raise ValueError(f"{name}: packed data must be 2-d (sum of batch sizes, input_size), got {data.shape}")
            sizes = [int(b) for b in input.batch_sizes.tolist()]
            batch, unbatched = sizes[0], False
        else:
            input = _float_input(input, name, "input", dtype)
            if input.ndim not in (2, 3):
                raise ValueError(f"{name}: expected a 2-d (unbatched) or 3-d (batched) input, got shape {input.shape}")
            unbatched = input.ndim == 2
            x = input.unsqueeze(1) if unbatched else (input.transpose(0, 1) if self.batch_first else input)
            steps, batch = x.shape[:2]
            sizes = [batch] * steps
            data = x.reshape(steps * batch, x.shape[2])
        if data.shape[-1] != self.input_size:
            raise ValueError(f"{name}: input.size(-1) must be equal to input_size: expected {self.input_size}, "
                             f"got {data.shape[-1]}")
        states = self._initial_states(hx, None if unbatched else batch, dtype, data.device)
        if unbatched:
            states = [s.unsqueeze(1) for s in states]
        order = packed and input.sorted_indices is not None
        if order:  # the caller's batch order -> longest-first
            states = [s[:, np.asarray(input.sorted_indices.tolist())] for s in states]
        directions = 2 if self.bidirectional else 1
        finals = [[] for _ in states]
        # a list of one tensor per time step from here on: slicing one big tensor at every step
        # would cost each step's backward a gradient of the whole tensor
        steps = list(data.split(sizes, dim=0))
        for layer in range(self.num_layers):
            outputs = []
            for d in range(directions):
                index = layer * directions + d
                out, last = self._direction(steps, [s[index] for s in states], self._weights(index), d == 1)
                outputs.append(out)
                for kept, state in zip(finals, last):
                    kept.append(state)
            steps = outputs[0] if directions == 1 else [Tensor.cat(pair, dim=1) for pair in zip(*outputs)]
            if self.training and self.dropout > 0 and layer < self.num_layers - 1:
                steps = [F.dropout(x, self.dropout, training=True) for x in steps]
        data = Tensor.cat(steps, dim=0) if len(steps) > 1 else steps[0]
        finals = [Tensor.stack(kept, dim=0) for kept in finals]
        if order:  # back to the caller's order
            finals = [s[:, np.asarray(input.unsorted_indices.tolist())] for s in finals]
        if packed:
            output = PackedSequence(data, input.batch_sizes, input.sorted_indices, input.unsorted_indices)
        else:
            output = data.reshape(len(sizes), batch, data.shape[-1])
            if unbatched:
                output, finals = output.squeeze(1), [s.squeeze(1) for s in finals]
            elif self.batch_first:
                output = output.transpose(0, 1)
        return output, finals

    def _direction(self, steps, state, weights, reverse):
        """Run one layer in one direction over `steps` (step t: a tensor of the b_t live rows).

        Returns (the outputs, one tensor per step; the final state per batch row). Forward: rows that stop at step t
        (those past sizes[t + 1]) keep that step's state. Reverse: the time loop runs backwards and the
        batch grows, each new row starting from its initial state."""
        w_ih, w_hh, b_ih, b_hh, w_hr = weights
        step = _rnn_step(self.mode)
        sizes = [x.shape[0] for x in steps]
        outputs, done = [None] * len(sizes), []
        times = range(len(sizes) - 1, -1, -1) if reverse else range(len(sizes))
        current = [s[:sizes[times[0]]] for s in state]
        for t in times:
            b = sizes[t]
            have = current[0].shape[0]
            if have < b:  # reverse: sequences whose last step is t start here
                current = [Tensor.cat([c, s[have:b]], dim=0) for c, s in zip(current, state)]
            elif have > b:  # forward: sequences that ended at t - 1 are finished
                done.append([c[b:] for c in current])
                current = [c[:b] for c in current]
            current = list(step(F.linear(steps[t], w_ih, b_ih), current, w_hh, b_hh, w_hr))
            outputs[t] = current[0]
        done.append(current)
        last = [Tensor.cat([piece[i] for piece in reversed(done)], dim=0) if len(done) > 1 else done[0][i]
                for i in range(len(current))]
        return outputs, last


class RNN(RNNBase):
    """Elman RNN over a sequence: h_t = act(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh), act = tanh or relu.

    Input (L, N, H_in) ((N, L, H_in) with batch_first, (L, H_in) unbatched) or a PackedSequence;
    returns (output, h_n): output holds the last layer's h_t for every t (both directions side by
    side), h_n each layer's and direction's final state, (num_layers * num_directions, N, H_out).
    """

    def __init__(self, input_size, hidden_size, num_layers=1, nonlinearity="tanh", bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, dtype=None):
        check_choice(nonlinearity, "nonlinearity", "RNN", ("tanh", "relu"))
        self.nonlinearity = nonlinearity
        super().__init__("RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU", input_size, hidden_size, num_layers,
                         bias, batch_first, dropout, bidirectional, dtype=dtype)

    def forward(self, input, hx=None):
        """(output, h_n) from the input sequence and the initial state hx (zeros when None)."""
        output, (h,) = self._run(input, hx)
        return output, h


class LSTM(RNNBase):
    """Long short-term memory: with [i, f, g, o] = x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh,

        c_t = sigmoid(f) * c_{t-1} + sigmoid(i) * tanh(g),   h_t = sigmoid(o) * tanh(c_t)

    (and h_t <- h_t W_hr^T when proj_size > 0). Returns (output, (h_n, c_n)); hx is (h_0, c_0).
    """

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
                 bidirectional=False, proj_size=0, dtype=None):
        super().__init__("LSTM", input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         proj_size, dtype=dtype)

    def forward(self, input, hx=None):
        """(output, (h_n, c_n)) from the input sequence and the initial states hx = (h_0, c_0) (zeros when None)."""
        output, (h, c) = self._run(input, hx)
        return output, (h, c)


class GRU(RNNBase):
    """Gated recurrent unit: with r, z = sigmoid of their blocks of x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh,

        n_t = tanh(x_t W_in^T + b_in + r * (h_{t-1} W_hn^T + b_hn)),   h_t = (1 - z) * n_t + z * h_{t-1}

    Returns (output, h_n), as RNN.
    """

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
                 bidirectional=False, dtype=None):
        super().__init__("GRU", input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         dtype=dtype)

    def forward(self, input, hx=None):
        """(output, h_n) from the input sequence and the initial state hx (zeros when None)."""
        output, (h,) = self._run(input, hx)
        return output, h


class RNNCellBase(Module):
    """What the cells share: weight_ih (gates * hidden, input_size), weight_hh (gates * hidden, hidden),
    bias_ih and bias_hh (gates * hidden,), all U(-1/sqrt(hidden), 1/sqrt(hidden)); one step of the
    matching layer on input (N, H_in) or (H_in)."""

    def __init__(self, mode, input_size, hidden_size, bias=True, dtype=None):
        name = type(self).__name__
        self.mode = check_choice(mode, "mode", name, tuple(_GATES))
        dtype = _check_common(self, input_size, hidden_size, bias, dtype)
        gate_size = _GATES[mode] * self.hidden_size
        shapes = [(gate_size, self.input_size), (gate_size, self.hidden_size)] + [(gate_size,)] * (2 * self.bias)
        _check_parameters(shapes, dtype, name)
        bound = 1.0 / math.sqrt(self.hidden_size)
        for param, shape in zip(("weight_ih", "weight_hh", "bias_ih", "bias_hh"), shapes):
            setattr(self, param, Parameter(np.zeros(shape), dtype=dtype))
            init.uniform_(getattr(self, param), -bound, bound)
        if not self.bias:
            self.bias_ih = self.bias_hh = None

    def extra_repr(self):
        text = f"{self.input_size}, {self.hidden_size}"
        if not self.bias:
            text += ", bias=False"
        if self.mode == "RNN_RELU":
            text += ", nonlinearity='relu'"
        return text

    def _step(self, input, hx):
        name = type(self).__name__
        dtype = self.weight_ih.dtype
        input = _float_input(input, name, "input", dtype)
        if input.ndim not in (1, 2):
            raise ValueError(f"{name}: expected a 1-d (unbatched) or 2-d (batched) input, got shape {input.shape}")
        if input.shape[-1] != self.input_size:
            raise ValueError(f"{name}: input has {input.shape[-1]} features, expected input_size = {self.input_size}")
        unbatched = input.ndim == 1
        x = input.unsqueeze(0) if unbatched else input
        shape = (x.shape[0], self.hidden_size)
        count = 2 if self.mode == "LSTM" else 1
        if hx is None:
            states = [Tensor.zeros(*shape, dtype=dtype, device=x.device) for _ in range(count)]
        else:
            if self.mode == "LSTM":
                if not isinstance(hx, (tuple, list)) or len(hx) != 2:
                    raise TypeError(f"{name}: hx must be a tuple (h_0, c_0) of Tensors, not {type(hx).__name__}")
                states = list(hx)
            else:
                states = [hx]
            for i, state in enumerate(states):
                which = ("h_0", "c_0")[i]
                _float_input(state, name, which, dtype)
                if state.shape != shape[unbatched:]:
                    raise ValueError(f"{name}: expected hidden state {which} of shape {shape[unbatched:]}, "
                                     f"got {state.shape}")
            states = [s.unsqueeze(0) if unbatched else s for s in states]
        xw = F.linear(x, self.weight_ih, self.bias_ih)
        new = _rnn_step(self.mode)(xw, states, self.weight_hh, self.bias_hh, None)
        return [s.squeeze(0) if unbatched else s for s in new]


class RNNCell(RNNCellBase):
    """One Elman step: h' = act(x W_ih^T + b_ih + h W_hh^T + b_hh), act = tanh or relu; returns h'."""

    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh", dtype=None):
        check_choice(nonlinearity, "nonlinearity", "RNNCell", ("tanh", "relu"))
        self.nonlinearity = nonlinearity
        super().__init__("RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU", input_size, hidden_size, bias,
                         dtype=dtype)

    def forward(self, input, hx=None):
        """h' from the input and the state hx (zeros when None)."""
        return self._step(input, hx)[0]


class LSTMCell(RNNCellBase):
    """One LSTM step: [i, f, g, o] = x W_ih^T + b_ih + h W_hh^T + b_hh,
    c' = sigmoid(f) * c + sigmoid(i) * tanh(g), h' = sigmoid(o) * tanh(c'); returns (h', c')."""

    def __init__(self, input_size, hidden_size, bias=True, dtype=None):
        super().__init__("LSTM", input_size, hidden_size, bias, dtype=dtype)

    def forward(self, input, hx=None):
        """(h', c') from the input and hx = (h, c) (zeros when None)."""
        h, c = self._step(input, hx)
        return h, c


class GRUCell(RNNCellBase):
    """One GRU step: r, z = sigmoid(blocks of x W_ih^T + b_ih + h W_hh^T + b_hh),
    n = tanh(x W_in^T + b_in + r * (h W_hn^T + b_hn)), h' = (1 - z) * n + z * h; returns h'."""

    def __init__(self, input_size, hidden_size, bias=True, dtype=None):
        super().__init__("GRU", input_size, hidden_size, bias, dtype=dtype)

    def forward(self, input, hx=None):
        """h' from the input and the state hx (zeros when None)."""
        return self._step(input, hx)[0]
