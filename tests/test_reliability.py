"""Clear answers instead of silent wrong numbers: anomaly detection, in-place updates
against saved tensors, memory that a graph gives back after backward, and loads that
are all or nothing (a module's, an optimizer's or a schedule's load_state_dict that
fails on an entry in the middle leaves every weight, buffer and number bit-identical)."""
import gc
import tracemalloc
import weakref

import numpy as np
import pytest

import tinygrad_lite as tg
import tinygrad_lite.nn as nn
import tinygrad_lite.nn.functional as F
import tinygrad_lite.optim as optim
from tinygrad_lite import Tensor


# ---------------------------------------------------------------- detect_anomaly

def test_anomaly_in_forward_names_the_op_and_shapes():
    x = Tensor([[1.0, 0.0, 2.0]], requires_grad=True)
    with tg.detect_anomaly():
        with pytest.raises(RuntimeError, match=r"Log produced nan or inf.*\(1, 3\)"):
            x.log()


def test_anomaly_in_backward_names_the_op_whose_gradient_went_bad():
    x = Tensor([0.0, 4.0], requires_grad=True)
    with tg.detect_anomaly():
        y = x.sqrt()  # finite forward: sqrt(0) = 0; its gradient 1 / (2 sqrt(0)) is not
        with pytest.raises(RuntimeError, match=r"backward of Sqrt.*input 0 \(shape \(2,\)\).*was finite"):
            y.sum().backward()


def test_without_detect_anomaly_nan_passes_through_as_in_torch():
    x = Tensor([0.0, 4.0], requires_grad=True)
    x.sqrt().sum().backward()
    assert np.isinf(x.grad.numpy()[0]) and x.grad.numpy()[1] == pytest.approx(0.25)


def test_detect_anomaly_is_restored_on_exit():
    with tg.detect_anomaly():
        pass
    Tensor([0.0]).log()  # -inf, and no error outside the context


# ---------------------------------------------------------------- in-place updates and saved tensors

def test_in_place_update_of_a_saved_input_makes_backward_refuse():
    x = Tensor([1.0, 2.0], requires_grad=True)
    w = Tensor([3.0, 4.0])
    loss = (x * w).sum()  # Mul saves w to compute dx = g * w
    w += 1.0
    with pytest.raises(RuntimeError, match=r"Mul saved its input of shape \(2,\).*modified in place"):
        loss.backward()


def test_in_place_update_of_an_unsaved_input_is_harmless():
    x = Tensor([1.0, 2.0], requires_grad=True)
    b = Tensor([3.0, 4.0])
    loss = (x + b).sum()  # Add saves nothing: its gradient does not depend on b
    b.add_(1.0)
    loss.backward()
    np.testing.assert_array_equal(x.grad.numpy(), [1.0, 1.0])


def test_optimizer_step_between_forward_and_backward_is_caught():
    layer = nn.Linear(3, 2)
    opt = optim.SGD(layer.parameters(), lr=0.1)
    x = Tensor(np.ones((4, 3), np.float32), requires_grad=True)
    layer(x).sum().backward()  # the weights have gradients now
    stale = layer(x).sum()     # MatMul saves weight.T, a view of the weight, to compute dx
    opt.step()                 # ... and the step changes the weight in place
    with pytest.raises(RuntimeError, match="modified in place"):
        stale.backward()
    fresh = layer(x).sum()     # a graph recorded after the step is fine
    fresh.backward()


def test_in_place_methods_match_their_out_of_place_forms():
    base = np.array([[1.0, -2.0], [3.0, 0.5]], np.float32)
    for method, other, expected in [("add_", 2.0, base + 2), ("sub_", [1.0, 1.0], base - 1),
                                    ("mul_", 3.0, base * 3), ("div_", 2.0, base / 2)]:
        t = Tensor(base)
        assert getattr(t, method)(other) is t
        np.testing.assert_array_equal(t.numpy(), expected)
    t = Tensor(base)
    t.zero_()
    np.testing.assert_array_equal(t.numpy(), np.zeros_like(base))
    t.copy_([5.0, 6.0])
    np.testing.assert_array_equal(t.numpy(), [[5.0, 6.0], [5.0, 6.0]])
    assert t.dtype == np.float32


def test_in_place_update_of_a_tensor_that_requires_grad_says_what_to_do():
    w = Tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="no_grad"):
        w += 1.0
    with tg.no_grad():
        w -= 0.5
    np.testing.assert_array_equal(w.numpy(), [0.5, 1.5])


def test_in_place_update_of_a_view_changes_the_original_and_is_seen_by_saved_tensors():
    x = Tensor(np.zeros((2, 3)), requires_grad=True)
    w = Tensor(np.ones((2, 3)))
    loss = (x * w).sum()         # Mul saves w
    w.reshape(3, 2).add_(1.0)    # a view of w's memory
    np.testing.assert_array_equal(w.numpy(), 2 * np.ones((2, 3)))
    with pytest.raises(RuntimeError, match="modified in place"):
        loss.backward()


def test_in_place_update_of_a_broadcast_view_is_refused():
    x = Tensor(np.zeros(3, np.float32))
    with pytest.raises(RuntimeError, match="read-only view"):
        x.expand(2, 3).add_(1.0)


def test_in_place_update_that_would_change_the_shape_is_a_shape_error():
    x = Tensor(np.zeros(3, np.float32))
    with pytest.raises(ValueError, match=r"add_.*\(2, 3\).*\(3,\)"):
        x.add_(np.ones((2, 3), np.float32))


# ---------------------------------------------------------------- memory

def test_backward_frees_the_graphs_intermediate_arrays():
    x = Tensor(np.random.default_rng(0).standard_normal((8, 16)), requires_grad=True)
    w = Tensor(np.random.default_rng(1).standard_normal((16, 16)), requires_grad=True)
    hidden = (x @ w).tanh()
    loss = (hidden * hidden).mean()
    watched = [weakref.ref(hidden.array)] + [weakref.ref(a) for a in hidden._ctx.saved_tensors]
    del hidden
    gc.collect()
    assert all(ref() is not None for ref in watched), "the graph must hold them until backward"
    loss.backward()
    gc.collect()
    assert all(ref() is None for ref in watched), "backward without retain_graph must let them go"


def test_retain_graph_keeps_the_intermediate_arrays():
    x = Tensor(np.ones((4, 4)), requires_grad=True)
    hidden = x.exp()
    loss = hidden.sum()
    ref = weakref.ref(hidden._ctx.saved_tensors[0])
    del hidden
    loss.backward(retain_graph=True)
    gc.collect()
    assert ref() is not None
    loss.backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * np.e)


def test_a_thousand_training_steps_do_not_grow_memory():
    tg.manual_seed(0)
    model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 3))
    opt = optim.Adam(model.parameters(), lr=1e-3)
    x = Tensor(np.random.default_rng(0).standard_normal((32, 8)).astype(np.float32))
    y = np.random.default_rng(1).integers(0, 3, 32)

    def steps(n):
        for _ in range(n):
            loss = F.cross_entropy(model(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()

    steps(10)  # optimizer state and caches exist from here on
    tracemalloc.start()
    try:
        steps(100)
        gc.collect()
        after_100 = tracemalloc.get_traced_memory()[0]
        steps(900)
        gc.collect()
        after_1000 = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    # One step's arrays are a few KB; a leak of one array per step would add ~900 of them.
    assert after_1000 - after_100 < 64 * 1024


# ---------------------------------------------------------------- a load that fails changes nothing

def _bytes_of(state):
    return {name: (np.asarray(v).dtype.str, np.asarray(v).shape, np.asarray(v).tobytes())
            if isinstance(v, (np.ndarray, Tensor)) else (type(v), v) for name, v in state.items()}


def _three_layers(seed):
    tg.manual_seed(seed)
    return nn.Sequential(nn.Linear(3, 4), nn.Linear(4, 4), nn.Linear(4, 2))


@pytest.mark.parametrize("spoil, error", [
    (lambda s: s.update({"1.weight": s["1.weight"].numpy()[:, :3]}), ValueError),           # shape, middle layer
    (lambda s: s.update({"1.bias": s["1.bias"].numpy().astype(np.float64)}), ValueError),   # dtype, middle layer
    (lambda s: s.pop("1.bias"), ValueError),                                                 # missing, middle
    (lambda s: s.update({"1.extra": s["0.bias"]}), ValueError),                              # unexpected
], ids=["shape", "dtype", "missing", "unexpected"])
def test_module_load_state_dict_with_a_mismatch_in_the_middle_changes_no_weight(spoil, error):
    source = _three_layers(0).state_dict()
    spoil(source)
    model = _three_layers(1)
    before = _bytes_of(model.state_dict())
    with pytest.raises(error, match="load_state_dict"):
        model.load_state_dict(source)
    assert _bytes_of(model.state_dict()) == before


def test_module_load_state_dict_refuses_a_non_mapping_by_name():
    model = _three_layers(0)
    before = _bytes_of(model.state_dict())
    with pytest.raises(TypeError, match="load_state_dict.*list"):
        model.load_state_dict(list(model.state_dict().values()))
    assert _bytes_of(model.state_dict()) == before


def _adam_after_a_step(seed):
    model = _three_layers(seed)
    opt = optim.Adam(model.parameters(), lr=1e-2 * (seed + 1))
    x = Tensor(np.random.default_rng(seed).standard_normal((5, 3)).astype(np.float32))
    model(x).sum().backward()
    opt.step()
    return opt


@pytest.mark.parametrize("spoil, error", [
    (lambda s: s["state"][3].update({"exp_avg_sq": np.zeros((9,), np.float32)}), ValueError),  # a middle buffer
    (lambda s: s["state"][2].pop("exp_avg"), ValueError),
    (lambda s: s["state"][4].update({"step": "three"}), TypeError),
    (lambda s: s["state"][1].update({"exp_avg": np.array(["a"] * 4)}), ValueError),
    (lambda s: s["param_groups"][0].update({"lr": "fast"}), TypeError),
    (lambda s: s["state"].update({9: {"step": 1}}), ValueError),                 # state of no parameter
    (lambda s: s["state"][4].update({"step": 2.7}), ValueError),             # int(2.7) would silently be 2
    (lambda s: s["state"][4].update({"step": np.array(2.5)}), ValueError),   # as read from a safetensors file
    (lambda s: s["state"][4].update({"step": -1}), ValueError),
    (lambda s: s["state"][4].update({"step": True}), TypeError),
    (lambda s: s["param_groups"][0].update({"params": [0, 1]}), ValueError),  # a group of another size
    (lambda s: s.update({"param_groups": 6}), TypeError),
    (lambda s: s["param_groups"][0].update({"lr": "0.01"}), TypeError),  # float("0.01") would accept a string
    (lambda s: s["param_groups"][0].update({"eps": float("nan")}), ValueError),
], ids=["buffer_shape", "buffer_missing", "step_not_a_number", "buffer_of_strings", "lr_not_a_number",
        "unexpected_state", "step_not_whole", "step_0d_array_not_whole", "step_negative", "step_bool",
        "group_size", "groups_not_a_list", "lr_str", "eps_nan"])
def test_optimizer_load_state_dict_with_a_mismatch_in_the_middle_changes_nothing(spoil, error):
    source = _adam_after_a_step(0).state_dict()
    spoil(source)
    opt = _adam_after_a_step(1)
    before = _bytes_of(opt._flat_state_dict())
    with pytest.raises(error, match="Adam.load_state_dict"):
        opt.load_state_dict(source)
    assert _bytes_of(opt._flat_state_dict()) == before


@pytest.mark.parametrize("make, flag", [
    (lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True), "nesterov"),
    (lambda ps: optim.RMSprop(ps, lr=0.1, centered=True), "centered"),
], ids=["SGD.nesterov", "RMSprop.centered"])
@pytest.mark.parametrize("value", ["False", "True", 0, 1, 0.0, None, np.array([True])],
                         ids=["str_False", "str_True", "int_0", "int_1", "float_0", "None", "1d_array"])
def test_optimizer_load_state_dict_takes_only_bools_for_flags(make, flag, value):
    """bool("False") is True: a flag must be a bool (or a 0-d bool array), else nothing changes."""
    params = [Tensor(np.ones(3), requires_grad=True)]
    opt = make(params)
    params[0].grad = Tensor(np.full(3, 0.5))
    opt.step()
    saved = opt.state_dict()
    source = {**saved, "param_groups": [{**saved["param_groups"][0], flag: value}]}
    before = _bytes_of(opt._flat_state_dict())
    with pytest.raises(TypeError, match=f"{type(opt).__name__}.load_state_dict: .*'{flag}'"):
        opt.load_state_dict(source)
    assert _bytes_of(opt._flat_state_dict()) == before
    # a 0-d bool array, as from a safetensors file
    opt.load_state_dict({**saved, "param_groups": [{**saved["param_groups"][0], flag: np.array(True)}]})
    assert opt.param_groups[0][flag] is True


def test_optimizer_load_state_dict_takes_whole_floats_for_counts():
    """2.0 (or a 0-d float array) is the count 2: nothing is lost, so it is accepted as an int."""
    params = [Tensor(np.ones(3), requires_grad=True)]
    opt = optim.Adam(params)
    params[0].grad = Tensor(np.full(3, 0.5))
    opt.step()
    saved = opt.state_dict()
    opt.load_state_dict({**saved, "state": {0: {**saved["state"][0], "step": np.array(4.0)}}})
    assert opt.state[params[0]]["step"] == 4 and type(opt.state[params[0]]["step"]) is int


@pytest.mark.parametrize("entry, value, error", [
    ("last_epoch", 7.5, ValueError), ("last_epoch", -2, ValueError), ("last_epoch", True, TypeError),
    ("last_epoch", "7", TypeError), ("step_size", 2.5, ValueError), ("step_size", 0, ValueError),
    ("gamma", "0.5", TypeError), ("gamma", float("nan"), ValueError),
])
def test_schedule_load_state_dict_refuses_what_int_or_float_would_change(entry, value, error):
    opt = optim.SGD([Tensor(np.zeros(2), requires_grad=True)], lr=0.5)
    sched = optim.StepLR(opt, step_size=2, gamma=0.5)
    sched.step()
    before = dict(sched.state_dict())
    with pytest.raises(error, match=f"StepLR.load_state_dict: '{entry}'"):
        sched.load_state_dict({**before, entry: value})
    assert sched.state_dict() == before and [opt.param_groups[0]["lr"]] == before["_last_lr"]


def test_schedule_load_state_dict_with_a_bad_value_changes_nothing():
    opt = optim.SGD([Tensor(np.zeros(2), requires_grad=True)], lr=0.5)
    sched = optim.StepLR(opt, step_size=2, gamma=0.5)
    sched.step()
    before = dict(sched.state_dict())
    with pytest.raises(TypeError, match="StepLR.load_state_dict.*'gamma'"):
        sched.load_state_dict({**before, "last_epoch": 7, "gamma": "half"})
    assert sched.state_dict() == before
    with pytest.raises(TypeError, match="StepLR.load_state_dict.*mapping"):
        sched.load_state_dict([before])
