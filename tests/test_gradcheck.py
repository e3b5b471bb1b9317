"""Every differentiable op passes tg.gradcheck in float64, and gradcheck catches a wrong backward.

Proves: for each op in the table below (arithmetic, pow, exp, log, sqrt, abs, clip,
the activations, softmax and log_softmax, the reductions, movement ops, indexing,
cat, stack, where, maximum/minimum, matmul, every loss of nn.functional,
layer_norm, embedding, linear, dropout under a fixed seed, and attention with
masks, causality and a custom scale), the analytical gradient of every input
agrees with float64 central differences. Inputs are drawn away from kinks and
poles by construction (positive inputs for log/sqrt, |x| >= 0.2 for abs/relu,
distinct values for max/maximum, values away from clip's bounds), since finite
differences are meaningless there. gradcheck itself is checked: a custom Function
whose backward is wrong makes it raise GradcheckError naming the worst element,
and a float32 input is refused with TypeError. A nan or inf gradient on either side never
passes (the masked sqrt inside where, poles sampled exactly, overflow, a nan input, a
detached output), as torch.autograd.gradcheck also fails there; well-behaved neighbours of
those functions pass; eps, atol, rtol, seed, fn and the inputs are checked, each refusal
naming gradcheck and the argument; the caller's tensors (values and .grad) are left alone.
"""
import re

import numpy as np
import pytest

import tinygrad_lite as tg
import tinygrad_lite.nn.functional as F
from tinygrad_lite import Tensor
from tinygrad_lite.autograd import Function


# ---------------------------------------------------------------- input makers
# Each takes a numpy Generator and returns a float64 array.

def normal(*shape):
    return lambda rng: rng.standard_normal(shape)


def positive(*shape):
    return lambda rng: rng.uniform(0.5, 2.0, shape)


def away_from_zero(*shape):
    """|x| in [0.2, 2]: relu, leaky_relu, abs and division have a kink or a pole at 0."""
    return lambda rng: rng.choice([-1.0, 1.0], shape) * rng.uniform(0.2, 2.0, shape)


def distinct(*shape, offset=0.0):
    """A shuffled grid with spacing 0.3: no ties for max/min (their gradient splits at ties)."""
    n = int(np.prod(shape))
    return lambda rng: (rng.permutation(n) * 0.3 - 0.15 * n + offset).reshape(shape)


def between(lo, hi, *shape):
    return lambda rng: rng.uniform(lo, hi, shape)


def away_from_clip_bounds(*shape):
    """Values at least 0.1 from clip's bounds -0.5 and 0.5, on both sides of each."""
    pieces = [(-2.0, -0.6), (-0.4, 0.4), (0.6, 2.0)]

    def make(rng):
        which = rng.integers(0, len(pieces), shape)
        lo, hi = np.array(pieces).T
        return rng.uniform(lo[which], hi[which])
    return make


def probabilities(*shape):
    def make(rng):
        w = rng.uniform(0.1, 1.0, shape)
        return w / w.sum(axis=1, keepdims=True)
    return make


# ---------------------------------------------------------------- fixed non-differentiable arguments

_fixed = np.random.default_rng(1234)
CLASS_TARGET = Tensor(np.array([2, 0, 3, 2], dtype=np.int64))
CLASS_TARGET_IGNORED = Tensor(np.array([2, -100, 3, 1], dtype=np.int64))
SPATIAL_TARGET = Tensor(np.array([[0, 2, 1], [1, -100, 2]], dtype=np.int64))
EMBED_INDICES = Tensor(np.array([[0, 2, 2], [4, 0, 2]], dtype=np.int64))
BOOL_INDEX = np.array([[True, False, True, True], [False, False, True, False], [True, True, False, False]])
WHERE_COND = Tensor(_fixed.random((3, 4)) < 0.5)
ATTN_BOOL_MASK = np.array([[True, False, True, True, False],
                           [False, False, False, False, False],   # a fully masked row
                           [True, True, True, False, True]])
POS_WEIGHT = Tensor(np.array([0.5, 2.0, 3.0]))


def _dropout(x):
    tg.manual_seed(7)  # every evaluation draws the same mask, so the function is smooth in x
    return F.dropout(x, p=0.4, training=True)


def _sdpa(**kw):
    return lambda q, k, v, *mask: F.scaled_dot_product_attention(q, k, v, attn_mask=mask[0] if mask else None, **kw)


# ---------------------------------------------------------------- the table: name -> (fn, input makers)

CASES = {
    # arithmetic, with broadcasting and the reflected forms
    "add_broadcast": (lambda a, b: a + b, [normal(2, 3), normal(3)]),
    "sub_broadcast": (lambda a, b: a - b, [normal(2, 1, 3), normal(4, 3)]),
    "mul": (lambda a, b: a * b, [normal(2, 3), normal(2, 3)]),
    "mul_self": (lambda a: a * a * a, [normal(5)]),
    "div": (lambda a, b: a / b, [normal(2, 3), away_from_zero(1, 3)]),
    "neg": (lambda a: -a, [normal(2, 3)]),
    "scalar_reflected": (lambda a: (2.0 - a) * 3.0 + 1.5 / a - a / 4.0, [away_from_zero(2, 3)]),
    "pow_int_exponent": (lambda a: a ** 3, [normal(2, 3)]),
    "pow_float_exponent": (lambda a: a ** 2.5, [positive(2, 3)]),
    "pow_tensor_exponent": (lambda a, b: a ** b, [positive(2, 3), normal(2, 3)]),
    "pow_reflected": (lambda a: 2.0 ** a, [normal(2, 3)]),
    # unary math
    "exp": (lambda a: a.exp(), [normal(2, 3)]),
    "log": (lambda a: a.log(), [positive(2, 3)]),
    "sqrt": (lambda a: a.sqrt(), [positive(2, 3)]),
    "abs": (lambda a: a.abs(), [away_from_zero(2, 3)]),
    "clip": (lambda a: a.clip(-0.5, 0.5), [away_from_clip_bounds(3, 4)]),
    "clip_low_only": (lambda a: a.clip(-0.5, None), [away_from_clip_bounds(3, 4)]),
    "clip_high_only": (lambda a: a.clip(None, 0.5), [away_from_clip_bounds(3, 4)]),
    # activations, as methods and through F
    "relu": (lambda a: a.relu(), [away_from_zero(2, 3)]),
    "sigmoid": (lambda a: a.sigmoid(), [normal(2, 3)]),
    "tanh": (lambda a: a.tanh(), [normal(2, 3)]),
    "gelu": (lambda a: a.gelu(), [normal(2, 3)]),
    "gelu_tanh": (lambda a: a.gelu(approximate="tanh"), [normal(2, 3)]),
    "leaky_relu": (lambda a: a.leaky_relu(0.1), [away_from_zero(2, 3)]),
    "F_relu": (F.relu, [away_from_zero(2, 3)]),
    "F_sigmoid": (F.sigmoid, [normal(2, 3)]),
    "F_tanh": (F.tanh, [normal(2, 3)]),
    "F_gelu": (F.gelu, [normal(2, 3)]),
    "F_leaky_relu": (lambda a: F.leaky_relu(a, negative_slope=0.2), [away_from_zero(2, 3)]),
    "softmax_last": (lambda a: a.softmax(-1), [normal(3, 4)]),
    "softmax_first": (lambda a: a.softmax(0), [normal(3, 4)]),
    "log_softmax": (lambda a: a.log_softmax(-1), [normal(3, 4)]),
    "F_softmax": (lambda a: F.softmax(a, axis=1), [normal(2, 3, 2)]),
    "F_log_softmax": (lambda a: F.log_softmax(a, axis=0), [normal(3, 4)]),
    # reductions
    "sum_all": (lambda a: a.sum(), [normal(2, 3)]),
    "sum_axis": (lambda a: a.sum(axis=1), [normal(2, 3, 2)]),
    "sum_axes_keepdim": (lambda a: a.sum(axis=(0, 2), keepdim=True), [normal(2, 3, 2)]),
    "sum_dim_alias": (lambda a: a.sum(dim=-1), [normal(2, 3)]),
    "mean_all": (lambda a: a.mean(), [normal(2, 3)]),
    "mean_axis": (lambda a: a.mean(axis=0), [normal(3, 4)]),
    "var_all": (lambda a: a.var(), [normal(2, 3)]),
    "var_axis_biased": (lambda a: a.var(axis=1, correction=0), [normal(3, 4)]),
    "var_axis_keepdim": (lambda a: a.var(axis=0, keepdim=True), [normal(3, 4)]),
    "logsumexp": (lambda a: a.logsumexp(1), [normal(3, 4)]),
    "logsumexp_keepdim": (lambda a: a.logsumexp(0, keepdim=True), [normal(3, 4)]),
    "max_all": (lambda a: a.max(), [distinct(3, 4)]),
    "max_axis": (lambda a: a.max(axis=1).values, [distinct(3, 4)]),
    "min_axis_keepdim": (lambda a: a.min(axis=0, keepdim=True).values, [distinct(3, 4)]),
    "amax_axes": (lambda a: a.amax(axis=(0, 2)), [distinct(3, 4, 2)]),
    "amin_axis_keepdim": (lambda a: a.amin(axis=-1, keepdim=True), [distinct(3, 4)]),
    # movement
    "reshape": (lambda a: a.reshape(3, -1), [normal(2, 3, 2)]),
    "transpose": (lambda a: a.transpose(0, 2), [normal(2, 3, 4)]),
    "permute": (lambda a: a.permute(2, 0, 1), [normal(2, 3, 4)]),
    "T": (lambda a: a.T, [normal(2, 3, 4)]),
    "expand": (lambda a: a.expand(2, 3, 4), [normal(3, 1)]),
    "squeeze": (lambda a: a.squeeze(1), [normal(3, 1, 2)]),
    "squeeze_all": (lambda a: a.squeeze(), [normal(1, 3, 1)]),
    "unsqueeze": (lambda a: a.unsqueeze(0), [normal(2, 3)]),
    "flatten": (lambda a: a.flatten(), [normal(2, 3, 2)]),
    # indexing (repeated indices scatter-add in backward)
    "index_int": (lambda a: a[1], [normal(3, 4)]),
    "index_slices": (lambda a: a[:, 1:4:2], [normal(3, 5)]),
    "index_none_ellipsis": (lambda a: a[..., None, ::2], [normal(2, 3, 4)]),
    "index_repeated_list": (lambda a: a[[0, 2, 0, 0]], [normal(3, 4)]),
    "index_int_array_2d": (lambda a: a[np.array([[0, 1], [1, 1]])], [normal(3, 2)]),
    "index_int_tensor": (lambda a: a[Tensor(np.array([2, 2, 1]))], [normal(3, 2)]),
    "index_bool_mask": (lambda a: a[BOOL_INDEX], [normal(3, 4)]),
    "index_advanced_pair": (lambda a: a[np.array([0, 2, 2]), np.array([1, 1, 3])], [normal(3, 4)]),
    # joining and selecting
    "cat": (lambda a, b: Tensor.cat([a, b, a], axis=1), [normal(2, 3), normal(2, 1)]),
    "stack": (lambda a, b: Tensor.stack([a, b], axis=1), [normal(2, 3), normal(2, 3)]),
    "where": (lambda a, b: Tensor.where(WHERE_COND, a, b), [normal(3, 4), normal(1, 4)]),
    "where_scalar": (lambda a: Tensor.where(WHERE_COND, a, 0.5), [normal(3, 4)]),
    "maximum": (lambda a, b: a.maximum(b), [distinct(3, 4), distinct(3, 4, offset=0.1)]),
    "minimum": (lambda a, b: a.minimum(b), [distinct(3, 4), distinct(3, 4, offset=0.1)]),
    # matmul
    "matmul": (lambda a, b: a @ b, [normal(2, 3), normal(3, 4)]),
    "matmul_batched_broadcast": (lambda a, b: a.matmul(b), [normal(2, 1, 3, 2), normal(3, 2, 4)]),
    "matmul_vector_matrix": (lambda a, b: a @ b, [normal(3), normal(3, 4)]),
    "matmul_matrix_vector": (lambda a, b: a @ b, [normal(2, 3), normal(3)]),
    "matmul_transposed_view": (lambda a, b: a.T @ b, [normal(3, 2), normal(3, 4)]),
    # losses
    "mse_loss_mean": (F.mse_loss, [normal(2, 3), normal(2, 3)]),
    "mse_loss_none": (lambda a, b: F.mse_loss(a, b, reduction="none"), [normal(2, 3), normal(2, 3)]),
    "cross_entropy_mean": (lambda z: F.cross_entropy(z, CLASS_TARGET), [normal(4, 5)]),
    "cross_entropy_sum": (lambda z: F.cross_entropy(z, CLASS_TARGET, reduction="sum"), [normal(4, 5)]),
    "cross_entropy_none": (lambda z: F.cross_entropy(z, CLASS_TARGET, reduction="none"), [normal(4, 5)]),
    "cross_entropy_ignore_smoothing": (
        lambda z: F.cross_entropy(z, CLASS_TARGET_IGNORED, label_smoothing=0.2), [normal(4, 5)]),
    "cross_entropy_spatial": (lambda z: F.cross_entropy(z, SPATIAL_TARGET), [normal(2, 3, 3)]),
    "cross_entropy_single_sample": (lambda z: F.cross_entropy(z, Tensor(np.array(1))), [normal(4)]),
    "cross_entropy_probabilities": (F.cross_entropy, [normal(3, 4), probabilities(3, 4)]),
    "cross_entropy_probabilities_smoothing": (
        lambda z, p: F.cross_entropy(z, p, label_smoothing=0.1), [normal(3, 4), probabilities(3, 4)]),
    "binary_cross_entropy": (F.binary_cross_entropy, [between(0.1, 0.9, 2, 3), between(0, 1, 2, 3)]),
    "binary_cross_entropy_none": (lambda p, y: F.binary_cross_entropy(p, y, reduction="none"),
                                  [between(0.1, 0.9, 2, 3), between(0, 1, 2, 3)]),
    "bce_with_logits": (F.binary_cross_entropy_with_logits, [normal(2, 3), between(0, 1, 2, 3)]),
    "bce_with_logits_pos_weight": (
        lambda z, y: F.binary_cross_entropy_with_logits(z, y, reduction="sum", pos_weight=POS_WEIGHT),
        [normal(2, 3), between(0, 1, 2, 3)]),
    # layers
    "layer_norm": (lambda x, w, b: F.layer_norm(x, 4, weight=w, bias=b), [normal(3, 4), normal(4), normal(4)]),
    "layer_norm_2d_shape": (lambda x: F.layer_norm(x, (2, 3)), [normal(2, 2, 3)]),
    "embedding_weight": (lambda w: F.embedding(EMBED_INDICES, w), [normal(5, 3)]),
    "linear": (F.linear, [normal(2, 3, 4), normal(5, 4), normal(5)]),
    "linear_no_bias": (F.linear, [normal(3, 4), normal(2, 4)]),
    "dropout_fixed_seed": (_dropout, [normal(4, 5)]),
    # attention
    "attention": (_sdpa(), [normal(2, 3, 4), normal(2, 5, 4), normal(2, 5, 2)]),
    "attention_bool_mask": (lambda q, k, v: _sdpa()(q, k, v, Tensor(ATTN_BOOL_MASK)),
                            [normal(2, 3, 4), normal(2, 5, 4), normal(2, 5, 2)]),
    "attention_float_mask": (_sdpa(), [normal(2, 3, 4), normal(2, 5, 4), normal(2, 5, 2), normal(3, 5)]),
    "attention_causal": (_sdpa(is_causal=True), [normal(1, 2, 4, 3), normal(1, 2, 3, 3), normal(1, 2, 3, 2)]),
    "attention_scale_broadcast": (_sdpa(scale=0.7), [normal(2, 3, 2), normal(1, 4, 2), normal(1, 4, 3)]),
}


@pytest.mark.parametrize("name", list(CASES))
def test_gradcheck_passes(name):
    fn, makers = CASES[name]
    rng = np.random.default_rng(sum(map(ord, name)))
    inputs = [Tensor(make(rng), requires_grad=True) for make in makers]
    assert all(t.dtype == np.float64 for t in inputs)
    assert tg.gradcheck(fn, *inputs) is True


# ---------------------------------------------------------------- gradcheck's own behaviour

class SquareWithWrongBackward(Function):
    """y = x^2, whose backward forgets the factor 2: it returns grad * x."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * x


class Square(Function):
    """y = x^2 with the right backward, 2 * x * grad."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return 2 * x * grad


NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def test_gradcheck_accepts_a_correct_custom_function():
    x = Tensor(np.array([0.5, -1.0, 0.25, 4.0, 1.5]), requires_grad=True)
    assert tg.gradcheck(Square.apply, x) is True


def _numbers(message):
    return [float(s) for s in NUMBER.findall(message)]


def _names_a_value_and_its_double(numbers):
    """The wrong backward returns half the true derivative: some pair (analytical, numerical) is (a, 2a)."""
    return any(a != 0 and np.isclose(b, 2 * a, rtol=1e-5) for a in numbers for b in numbers)


def test_gradcheck_catches_a_wrong_backward_and_names_the_worst_element():
    # scalar output: analytical dL/dx = x, numerical = 2x, so the error |x| is largest at index 3 (x = 4)
    x = Tensor(np.array([0.5, -1.0, 0.25, 4.0, 1.5]), requires_grad=True)
    with pytest.raises(tg.GradcheckError) as info:
        tg.gradcheck(lambda t: SquareWithWrongBackward.apply(t).sum(), x)
    assert isinstance(info.value, AssertionError)
    message = str(info.value)
    assert re.search(r"\(3,?\)|\[3\]", message), f"worst index 3 not named in: {message}"
    assert _names_a_value_and_its_double(_numbers(message)), f"analytical/numerical pair missing: {message}"


def test_gradcheck_catches_a_wrong_backward_in_the_second_input_only():
    a = Tensor(np.array([[0.3, -0.7], [1.1, 0.2]]), requires_grad=True)
    b = Tensor(np.array([[0.5, -2.5], [1.0, 0.75]]), requires_grad=True)
    with pytest.raises(tg.GradcheckError) as info:
        tg.gradcheck(lambda a, b: (a * 3.0 + SquareWithWrongBackward.apply(b)).sum(), a, b)
    message = str(info.value)
    # the worst element is b[0, 1] = -2.5; input a is fine
    assert re.search(r"input\D{0,3}1\b", message), f"input 1 not named in: {message}"
    assert re.search(r"\(0, 1\)|\[0, 1\]", message), f"worst index (0, 1) not named in: {message}"
    assert _names_a_value_and_its_double(_numbers(message)), f"analytical/numerical pair missing: {message}"


def test_gradcheck_catches_a_wrong_backward_on_a_tensor_valued_function():
    x = Tensor(np.array([[0.5, -1.0, 0.25], [4.0, 1.5, -0.3]]), requires_grad=True)
    with pytest.raises(tg.GradcheckError) as info:
        tg.gradcheck(SquareWithWrongBackward.apply, x)
    assert _names_a_value_and_its_double(_numbers(str(info.value))), str(info.value)


@pytest.mark.parametrize("dtype", [np.float32, np.float16])
def test_gradcheck_refuses_non_float64_inputs(dtype):
    x = Tensor(np.ones(3, dtype=dtype), requires_grad=True)
    with pytest.raises(TypeError):
        tg.gradcheck(lambda t: t * t, x)


# ---------------------------------------------------------------- non-finite gradients never pass
# (fn, values of the one input, torch's twin or None): each must fail. torch.autograd.gradcheck
# fails on the same functions at the same points, which the torch test below confirms.

def _where_sqrt(where, sqrt):
    """where(t > 5, sqrt(t - 1), 2 t): the unselected sqrt branch's backward is 0 / (2 * 0) = nan
    at t = 1, and 0 / nan = nan where t < 1, and where's backward passes that nan on."""
    return lambda t: where(t > 5, (t - 1).sqrt(), 2 * t)


_INF = float("inf")

MUST_FAIL = {
    "where_sqrt_at_branch_pole": (_where_sqrt(Tensor.where, None), [1.0, 7.0],
                                  lambda t: _torch().where(t > 5, (t - 1).sqrt(), 2 * t)),
    "where_sqrt_of_negative_unselected": (_where_sqrt(Tensor.where, None), [0.5, 7.0],
                                          lambda t: _torch().where(t > 5, (t - 1).sqrt(), 2 * t)),
    "sqrt_at_zero": (lambda t: t.sqrt(), [0.0, 1.0], lambda t: t.sqrt()),         # inf vs nan
    "log_at_zero": (lambda t: t.log(), [0.0, 2.0], lambda t: t.log()),            # inf vs nan
    "reciprocal_at_zero": (lambda t: 1.0 / t, [0.0, 2.0], lambda t: 1.0 / t),     # -inf vs nan
    "pow_half_at_zero": (lambda t: t ** 0.5, [0.0, 3.0], lambda t: t ** 0.5),
    "exp_overflow": (lambda t: t.exp(), [800.0, 1.0], lambda t: t.exp()),         # inf vs nan
    "nan_input": (lambda t: t * 2.0, [float("nan"), 1.0], lambda t: t * 2.0),     # nan vs nan
    "infinite_output": (lambda t: t + _INF, [1.0, 2.0], lambda t: t + _INF),      # 1 vs nan
    "detached_output": (lambda t: t.detach() * 2.0, [1.0, 2.0], lambda t: t.detach() * 2.0),  # 0 vs 2
    "wrong_backward": (lambda t: SquareWithWrongBackward.apply(t), [0.5, 4.0], None),
}

MUST_PASS = {
    # the same where, with every branch finite at the sampled points
    "where_sqrt_away_from_pole": (_where_sqrt(Tensor.where, None), [2.0, 7.0]),
    "constant_in_the_input": (lambda t: (t > 0).astype(tg.float64) * 3.0, [-1.0, 2.0]),
    "extra_non_tensor_argument": (lambda t, k: t * k, [1.5, -2.0], 3.0),
    "sqrt_away_from_zero": (lambda t: t.sqrt(), [0.25, 4.0]),
}


def _torch():
    return pytest.importorskip("torch", reason="the comparison runs torch.autograd.gradcheck")


@pytest.mark.parametrize("name", list(MUST_FAIL))
def test_gradcheck_fails_on_a_non_finite_or_wrong_gradient(name):
    fn, values, _ = MUST_FAIL[name]
    x = Tensor(np.array(values), requires_grad=True)
    with np.errstate(all="ignore"), pytest.raises(tg.GradcheckError) as info:
        tg.gradcheck(fn, x)
    assert re.search(r"input 0\b", str(info.value)) and re.search(r"\(\d+,\)", str(info.value)), str(info.value)


@pytest.mark.parametrize("name", [n for n, case in MUST_FAIL.items() if case[2] is not None])
def test_torch_gradcheck_fails_on_the_same_functions(name):
    torch = _torch()
    _, values, torch_fn = MUST_FAIL[name]
    x = torch.tensor(values, dtype=torch.float64, requires_grad=True)
    with np.errstate(all="ignore"):
        assert torch.autograd.gradcheck(torch_fn, (x,), raise_exception=False) is False


def test_gradcheck_names_the_non_finite_element():
    x = Tensor(np.array([3.0, 1.0, 7.0]), requires_grad=True)  # t = 1 (index 1) is the pole
    with np.errstate(all="ignore"), pytest.raises(tg.GradcheckError) as info:
        tg.gradcheck(_where_sqrt(Tensor.where, None), x)
    message = str(info.value)
    assert re.search(r"\(1,\)", message) and "nan" in message, message


@pytest.mark.parametrize("name", list(MUST_PASS))
def test_gradcheck_passes_well_behaved_functions(name):
    fn, values, *extra = MUST_PASS[name]
    assert tg.gradcheck(fn, Tensor(np.array(values), requires_grad=True), *extra) is True


def test_gradcheck_leaves_the_callers_tensors_alone():
    x = Tensor(np.array([[0.5, -1.0], [2.0, 3.0]]).T, requires_grad=True)  # a transposed view
    before = x.numpy().copy()
    x.grad = Tensor(np.full((2, 2), 7.0))
    assert tg.gradcheck(lambda t: (t * t).sum(), x)
    assert np.array_equal(x.numpy(), before)
    assert np.array_equal(x.grad.numpy(), np.full((2, 2), 7.0))


# ---------------------------------------------------------------- bad arguments
# (keyword arguments, exception type, words the message must hold)

_GOOD_X = np.array([0.5, 1.5])

BAD_ARGUMENTS = {
    "eps_zero": (dict(eps=0), ValueError, "eps"),
    "eps_negative": (dict(eps=-1e-6), ValueError, "eps"),
    "eps_nan": (dict(eps=float("nan")), ValueError, "eps"),
    "eps_inf": (dict(eps=_INF), ValueError, "eps"),
    "eps_string": (dict(eps="1e-6"), TypeError, "eps"),
    "eps_bool": (dict(eps=True), TypeError, "eps"),
    "eps_none": (dict(eps=None), TypeError, "eps"),
    "atol_negative": (dict(atol=-1e-5), ValueError, "atol"),
    "atol_nan": (dict(atol=float("nan")), ValueError, "atol"),
    "atol_inf": (dict(atol=_INF), ValueError, "atol"),
    "atol_list": (dict(atol=[1e-5]), TypeError, "atol"),
    "rtol_negative": (dict(rtol=-1e-3), ValueError, "rtol"),
    "rtol_nan": (dict(rtol=float("nan")), ValueError, "rtol"),
    "rtol_inf": (dict(rtol=_INF), ValueError, "rtol"),
    "rtol_string": (dict(rtol="0"), TypeError, "rtol"),
    "seed_float": (dict(seed=1.5), TypeError, "seed"),
    "seed_negative": (dict(seed=-1), ValueError, "seed"),
    "fn_not_callable": (dict(fn=3), TypeError, "fn"),
    "fn_returns_a_number": (dict(fn=lambda t: 3.0), TypeError, "fn"),
    "fn_returns_a_list": (dict(fn=lambda t: [t]), TypeError, "fn"),
    "float32_input": (dict(x=Tensor(_GOOD_X.astype(np.float32), requires_grad=True)), TypeError, "float64"),
    "no_input_requires_grad": (dict(x=Tensor(_GOOD_X)), ValueError, "requires_grad"),
    "numpy_input": (dict(x=_GOOD_X), ValueError, "ndarray"),
    "list_input": (dict(x=[0.5, 1.5]), ValueError, "list"),
}


@pytest.mark.parametrize("name", list(BAD_ARGUMENTS))
def test_gradcheck_refuses_bad_arguments_by_name(name):
    kwargs, error, word = BAD_ARGUMENTS[name]
    kwargs = dict(kwargs)
    fn = kwargs.pop("fn", lambda t: t * t)
    x = kwargs.pop("x", Tensor(_GOOD_X, requires_grad=True))
    with pytest.raises(error) as info:
        tg.gradcheck(fn, x, **kwargs)
    assert not isinstance(info.value, tg.GradcheckError)
    message = str(info.value)
    assert "gradcheck" in message and word in message, message


def test_gradcheck_refuses_a_function_whose_shape_changes():
    calls = []

    def fn(t):
        calls.append(1)
        return t * t if len(calls) == 1 else (t * t).sum()
    with pytest.raises(ValueError, match="gradcheck"):
        tg.gradcheck(fn, Tensor(_GOOD_X, requires_grad=True))
