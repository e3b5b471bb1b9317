"""Parameter groups, state dicts and the further optimizers against torch.optim, step by step.

Every case builds the same optimizer in the engine and in torch, over two parameter
groups with options of their own, and runs 50 steps on the same float64 parameters and
random gradients (one parameter's grad is None now and then; another has none for the
first steps, so per-parameter step counts matter). Midway, the second group's lr is
changed through `param_groups` (as user code and schedulers do) and a new group is added
with `add_param_group`. Parameters must agree after every step to 1e-6 relative (float64;
torch runs its single-tensor path, foreach=False).

Beside parity: state_dict() has torch's layout and keys; a state saved mid-run and loaded
into a fresh optimizer continues identically; zero_grad(set_to_none=False) zeroes in place;
bad groups and options raise errors naming the optimizer.
"""
import numpy as np
import pytest

from helpers import torch

import tinygrad_lite as tg
import tinygrad_lite.optim as optim

SHAPES = [(3, 4), (5,), (2, 3), ()]
EXTRA_SHAPE = (4,)
STEPS = 50


def schedule(steps=STEPS, seed=0):
    """Initial arrays (the four grouped parameters and one added later) and per-step gradients."""
    rng = np.random.default_rng(seed)
    initial = [rng.standard_normal(s) for s in SHAPES + [EXTRA_SHAPE]]
    grads = []
    for t in range(steps):
        step = [rng.standard_normal(s) for s in SHAPES + [EXTRA_SHAPE]]
        if t % 7 == 3:
            step[1] = None
        if t < 5:
            step[2] = None
        grads.append(step)
    return initial, grads


def trajectory(module, make, options, initial, grads, as_tensor, set_grad, read):
    """Parameters after each step, for `module` (tg.optim or torch.optim)."""
    params = [as_tensor(a) for a in initial]
    first, second = options
    opt = make(module)([{"params": params[:2], **first}, {"params": params[2:4], **second}])
    history = []
    for t, step in enumerate(grads):
        if t == 20:
            opt.param_groups[1]["lr"] *= 0.5
        if t == 25:
            opt.add_param_group({"params": [params[4]], **first})
        for p, g in zip(params, step):
            set_grad(p, g)
        opt.step()
        history.append([read(p) for p in params])
    return history


def ours(make, options, initial, grads):
    def set_grad(p, g):
        p.grad = None if g is None else tg.Tensor(g)
    return trajectory(optim, make, options, initial, grads, lambda a: tg.Tensor(a.copy(), requires_grad=True),
                      set_grad, lambda p: p.numpy().copy())


def theirs(make, options, initial, grads):
    def set_grad(p, g):
        p.grad = None if g is None else torch.from_numpy(g.copy())
    return trajectory(torch.optim, make, options, initial, grads,
                      lambda a: torch.from_numpy(a.copy()).requires_grad_(), set_grad,
                      lambda p: p.detach().numpy().copy())


def _opt(name, **defaults):
    return lambda module: (lambda groups: getattr(module, name)(groups, foreach=False, **defaults))


# (id, builder, (options of group 0, options of group 1)); the builder's defaults apply to both
CASES = [
    ("SGD momentum groups", _opt("SGD", lr=0.05, momentum=0.9), ({}, {"lr": 0.01, "momentum": 0.5})),
    ("SGD nesterov maximize", _opt("SGD", lr=0.02, momentum=0.9, nesterov=True, maximize=True),
     ({"weight_decay": 0.1}, {})),
    ("SGD dampening", _opt("SGD", lr=0.05, momentum=0.8, dampening=0.3), ({}, {"weight_decay": 0.2})),
    ("Adam groups", _opt("Adam", lr=1e-2), ({}, {"lr": 3e-2, "betas": (0.8, 0.95), "eps": 1e-4})),
    ("Adam amsgrad", _opt("Adam", lr=1e-2, amsgrad=True), ({}, {"weight_decay": 0.1})),
    ("Adam maximize", _opt("Adam", lr=1e-2, maximize=True), ({"amsgrad": True}, {})),
    ("Adam decoupled_weight_decay", _opt("Adam", lr=1e-2, weight_decay=0.1, decoupled_weight_decay=True),
     ({}, {"weight_decay": 0.0})),
    ("AdamW amsgrad maximize", _opt("AdamW", lr=1e-2, amsgrad=True, maximize=True), ({}, {"weight_decay": 0.3})),
    ("RMSprop centered momentum", _opt("RMSprop", lr=1e-3, momentum=0.5, centered=True),
     ({}, {"alpha": 0.9, "maximize": True, "weight_decay": 0.1})),
    ("Adagrad", _opt("Adagrad", lr=0.1, lr_decay=0.01), ({"initial_accumulator_value": 0.5}, {"maximize": True})),
    ("Adadelta", _opt("Adadelta", lr=1.0), ({}, {"rho": 0.8, "eps": 1e-5, "weight_decay": 0.1})),
    ("Adadelta maximize", _opt("Adadelta", lr=0.5, maximize=True), ({}, {})),
    ("Adamax", _opt("Adamax", lr=2e-2), ({}, {"betas": (0.8, 0.99), "weight_decay": 0.1})),
    ("Adamax maximize", _opt("Adamax", lr=2e-2, maximize=True), ({}, {"eps": 1e-3})),
    ("NAdam", _opt("NAdam", lr=2e-2), ({}, {"momentum_decay": 0.01, "weight_decay": 0.1})),
    ("NAdam decoupled", _opt("NAdam", lr=2e-2, weight_decay=0.1, decoupled_weight_decay=True),
     ({"maximize": True}, {})),
    ("RAdam", _opt("RAdam", lr=1e-2), ({}, {"betas": (0.8, 0.9), "weight_decay": 0.1})),
    ("RAdam decoupled maximize", _opt("RAdam", lr=1e-2, weight_decay=0.1, decoupled_weight_decay=True,
                                      maximize=True), ({}, {})),
]
IDS = [c[0] for c in CASES]


@pytest.mark.parametrize("name, make, options", CASES, ids=IDS)
def test_groups_match_torch_for_50_steps(name, make, options):
    initial, grads = schedule()
    mine, expected = ours(make, options, initial, grads), theirs(make, options, initial, grads)
    for t, (a_step, b_step) in enumerate(zip(mine, expected)):
        for i, (a, b) in enumerate(zip(a_step, b_step)):
            np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-12,
                                       err_msg=f"{name}: parameter {i} after step {t + 1}")
    assert not np.array_equal(mine[-1][4], initial[4]), "the group added midway must have moved"


@pytest.mark.parametrize("name, make, options", CASES, ids=IDS)
def test_state_dict_mid_run_resumes_identically(name, make, options):
    """Ten steps, save, load into a fresh optimizer over the same values, ten more: equal to twenty in one go."""
    initial, grads = schedule(steps=20)
    params = [tg.Tensor(a.copy(), requires_grad=True) for a in initial[:4]]
    first, second = options
    build = make(optim)
    opt = build([{"params": params[:2], **first}, {"params": params[2:], **second}])
    for t, step in enumerate(grads):
        if t == 10:
            saved = opt.state_dict()
            copies = [tg.Tensor(p.numpy().copy(), requires_grad=True) for p in params]
            fresh = build([{"params": copies[:2], **first}, {"params": copies[2:], **second}])
            fresh.load_state_dict(saved)
        for p, g in zip(params, step):
            p.grad = None if g is None else tg.Tensor(g)
        opt.step()
        if t >= 10:
            for p, g in zip(copies, step):
                p.grad = None if g is None else tg.Tensor(g)
            fresh.step()
    for a, b in zip(params, copies):
        assert np.array_equal(a.numpy(), b.numpy())


@pytest.mark.parametrize("name, ours_make, torch_make", [
    ("SGD momentum", lambda p: optim.SGD(p, lr=0.1, momentum=0.9), lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9)),
    ("SGD", lambda p: optim.SGD(p, lr=0.1), lambda p: torch.optim.SGD(p, lr=0.1)),
    ("Adam", lambda p: optim.Adam(p), lambda p: torch.optim.Adam(p)),
    ("Adam amsgrad", lambda p: optim.Adam(p, amsgrad=True), lambda p: torch.optim.Adam(p, amsgrad=True)),
    ("AdamW", lambda p: optim.AdamW(p), lambda p: torch.optim.AdamW(p)),
    ("RMSprop", lambda p: optim.RMSprop(p, momentum=0.1, centered=True),
     lambda p: torch.optim.RMSprop(p, momentum=0.1, centered=True)),
    ("Adagrad", lambda p: optim.Adagrad(p), lambda p: torch.optim.Adagrad(p)),
    ("Adadelta", lambda p: optim.Adadelta(p), lambda p: torch.optim.Adadelta(p)),
    ("Adamax", lambda p: optim.Adamax(p), lambda p: torch.optim.Adamax(p)),
    ("NAdam", lambda p: optim.NAdam(p), lambda p: torch.optim.NAdam(p)),
    ("RAdam", lambda p: optim.RAdam(p), lambda p: torch.optim.RAdam(p)),
])
def test_state_dict_has_torchs_layout_and_keys(name, ours_make, torch_make):
    """Same top-level keys, group keys and values, params indices, and state entries as torch's."""
    mine = [tg.Tensor(np.ones((2, 3)), requires_grad=True), tg.Tensor(np.ones(4), requires_grad=True)]
    yours = [torch.ones((2, 3), dtype=torch.float64, requires_grad=True),
             torch.ones(4, dtype=torch.float64, requires_grad=True)]
    a, b = ours_make(mine), torch_make(yours)
    mine[0].grad, yours[0].grad = tg.Tensor(np.full((2, 3), 0.5)), torch.full((2, 3), 0.5, dtype=torch.float64)
    a.step()
    b.step()
    sa, sb = a.state_dict(), b.state_dict()
    assert sorted(sa) == sorted(sb) == ["param_groups", "state"]
    assert sa["param_groups"] == sb["param_groups"], name
    assert sorted(sa["state"]) == sorted(sb["state"])
    for i in sb["state"]:
        assert list(sa["state"][i]) == list(sb["state"][i]), f"{name}: state entries of parameter {i}"
        for key, value in sb["state"][i].items():
            mine_value = sa["state"][i][key]
            got = mine_value.numpy() if isinstance(mine_value, tg.Tensor) else np.asarray(mine_value)
            # torch keeps NAdam's mu_product in float32
            np.testing.assert_allclose(got, value.numpy(), rtol=1e-6, err_msg=f"{name}: {key}")


def test_param_groups_are_torchs_and_schedulable():
    w, b = tg.Tensor(np.ones(3), requires_grad=True), tg.Tensor(np.ones(2), requires_grad=True)
    opt = optim.SGD([{"params": [w]}, {"params": b, "lr": 0.5}], lr=0.1, momentum=0.9)
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.5]
    assert opt.param_groups[1]["params"][0] is b and opt.defaults["momentum"] == 0.9
    w.grad, b.grad = tg.Tensor(np.ones(3)), tg.Tensor(np.ones(2))
    opt.param_groups[0]["lr"] = 1.0  # takes effect at the next step
    opt.step()
    np.testing.assert_allclose(w.numpy(), np.zeros(3))
    np.testing.assert_allclose(b.numpy(), np.full(2, 0.5))
    assert set(opt.state) == {w, b} and "momentum_buffer" in opt.state[w]


def test_zero_grad_set_to_none_false_zeroes_in_place():
    p = tg.Tensor(np.ones(3), requires_grad=True)
    opt = optim.SGD([p], lr=0.1)
    p.grad = tg.Tensor(np.ones(3))
    grad = p.grad
    opt.zero_grad(set_to_none=False)
    assert p.grad is grad and np.array_equal(p.grad.numpy(), np.zeros(3))
    opt.zero_grad()
    assert p.grad is None


def test_step_closure_returns_the_loss():
    p = tg.Tensor(np.array([2.0]), requires_grad=True)
    opt = optim.SGD([p], lr=0.25)

    def closure():
        opt.zero_grad()
        loss = (p * p).sum()
        loss.backward()
        return loss
    loss = opt.step(closure)
    assert loss.item() == 4.0 and p.item() == 1.0


def test_load_state_dict_needs_matching_groups():
    a, b = tg.Tensor(np.ones(3), requires_grad=True), tg.Tensor(np.ones(2), requires_grad=True)
    two = optim.Adam([{"params": [a]}, {"params": [b]}])
    one = optim.Adam([tg.Tensor(np.ones(3), requires_grad=True), tg.Tensor(np.ones(2), requires_grad=True)])
    with pytest.raises(ValueError, match="Adam.load_state_dict: the state has 2 parameter groups"):
        one.load_state_dict(two.state_dict())
    with pytest.raises(ValueError, match="Adam.load_state_dict: missing keys"):
        one.load_state_dict({"state": {}})
    with pytest.raises(TypeError, match="Adam.load_state_dict"):
        one.load_state_dict([1, 2])


def _p(*shape):
    return tg.Tensor(np.ones(shape), requires_grad=True)


BAD = [
    (lambda: optim.SGD([{"params": [_p(2)], "lr": -1.0}], lr=0.1), ValueError, "SGD.*learning rate"),
    (lambda: optim.Adam([{"params": [_p(2)]}, {"params": [_p(2)], "betas": (0.9, 1.0)}]), ValueError,
     "Adam.*beta parameter at index 1"),
    (lambda: optim.SGD([{"params": [_p(2)]}, _p(2)], lr=0.1), TypeError, "SGD.add_param_group.*dict"),
    (lambda: optim.SGD([{"lr": 0.1}], lr=0.1), ValueError, "SGD.add_param_group.*'params'"),
    (lambda: (lambda q: optim.SGD([{"params": [q]}, {"params": [q]}], lr=0.1))(_p(2)), ValueError,
     "more than one parameter group"),
    (lambda: optim.SGD({_p(2)}, lr=0.1), TypeError, "SGD.*set"),
    (lambda: optim.SGD({"params": [_p(2)]}, lr=0.1), TypeError, "SGD.*dict"),
    (lambda: optim.Adam([_p(2)], amsgrad="yes"), TypeError, "Adam.*amsgrad"),
    (lambda: optim.SGD([_p(2)], lr=0.1, momentun=0.9), TypeError, "momentun"),
    (lambda: optim.Adadelta([_p(2)], rho=1.5), ValueError, "Adadelta.*rho"),
    (lambda: optim.NAdam([_p(2)], momentum_decay=-1.0), ValueError, "NAdam.*momentum_decay"),
    (lambda: optim.RAdam([_p(2)], eps=-1.0), ValueError, "RAdam.*epsilon"),
    (lambda: optim.Adamax([_p(2)], lr=-1.0), ValueError, "Adamax.*learning rate"),
    (lambda: optim.SGD([_p(2)], lr=0.1).step(closure=3), TypeError, "SGD.step.*closure"),
]


@pytest.mark.parametrize("make, error, match", BAD, ids=[m for _, _, m in BAD])
def test_bad_groups_and_options_raise_naming_the_optimizer(make, error, match):
    with pytest.raises(error, match=match):
        make()


def test_a_torch_style_custom_optimizer_ports_by_changing_imports():
    """A subclass written for torch (defaults dict, its own step over param_groups and self.state) runs as is."""
    def make(module, tensor):
        class SignSGD(module.optim.Optimizer):
            def __init__(self, params, lr=0.1):
                super().__init__(params, dict(lr=lr))

            def step(self):
                for group in self.param_groups:
                    for p in group["params"]:
                        if p.grad is None:
                            continue
                        state = self.state[p]
                        state["calls"] = state.get("calls", 0) + 1
                        with module.no_grad():
                            p.sub_(p.grad.sign() * group["lr"])
        p = tensor(np.array([1.0, -2.0, 3.0]))
        p.requires_grad_(True)
        opt = SignSGD([p], lr=0.5)
        for _ in range(3):
            opt.zero_grad()
            (p * p).sum().backward()
            opt.step()
        return p.detach().numpy(), opt.state_dict()["state"][0]["calls"], opt.state_dict()["param_groups"]

    ours, theirs = make(tg, tg.tensor), make(torch, torch.tensor)
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-12)
    assert ours[1:] == theirs[1:]


def test_named_parameters_as_torch():
    """optim.X(model.named_parameters()) keeps the names as "param_names", in the groups and the state dict."""
    ours = tg.nn.Linear(3, 2)
    theirs = torch.nn.Linear(3, 2)
    a = optim.SGD(ours.named_parameters(), lr=0.1, momentum=0.9)
    b = torch.optim.SGD(theirs.named_parameters(), lr=0.1, momentum=0.9)
    a.add_param_group({"params": [("extra", tg.Tensor(np.ones(2), requires_grad=True))], "lr": 0.5})
    b.add_param_group({"params": [("extra", torch.ones(2, requires_grad=True))], "lr": 0.5})
    assert a.state_dict()["param_groups"] == b.state_dict()["param_groups"]
    assert [list(g) for g in a.param_groups] == [list(g) for g in b.param_groups]
    with pytest.raises(ValueError, match="SGD.add_param_group.*with/without names"):
        a.add_param_group({"params": [tg.Tensor(np.ones(2), requires_grad=True)]})
    fresh = optim.SGD(tg.nn.Linear(3, 2).named_parameters(), lr=0.3)
    fresh.add_param_group({"params": [("extra", tg.Tensor(np.ones(2), requires_grad=True))]})
    fresh.load_state_dict(a.state_dict())
    assert fresh.state_dict()["param_groups"] == a.state_dict()["param_groups"]
