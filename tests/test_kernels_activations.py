"""The activation kernels against torch, under Triton's interpreter.

Forward values are compared with torch's function evaluated in float64 on the same
(already rounded) inputs; backward values with torch's own backward formulas
(aten's threshold_backward, sigmoid_backward, ...) given the same saved tensor,
which is exactly what each kernel's contract says it computes. Sizes are drawn so
that the last block is partial and tensors span several programs.
"""
import pytest

pytest.importorskip("triton", reason="the kernels are Triton kernels: pip install -e '.[kernels]'")
torch = pytest.importorskip("torch", reason="the kernels run on torch tensors: pip install -e '.[kernels]'")

from hypothesis import given, strategies as st  # noqa: E402

from tinygrad_lite.kernels.activations import activation_backward, activation_forward  # noqa: E402

from kernel_guards import guarded_outputs  # noqa: E402

F = torch.nn.functional
aten = torch.ops.aten

# name, parameters, torch forward, torch backward(grad, x, y), backward saves the output y?
ACTIVATIONS = [
    ("relu", {}, torch.relu, lambda g, x, y: aten.threshold_backward(g, x, 0), False),
    ("leaky_relu", {"slope": 0.2}, lambda x: F.leaky_relu(x, 0.2),
     lambda g, x, y: aten.leaky_relu_backward(g, x, 0.2, False), False),
    ("sigmoid", {}, torch.sigmoid, lambda g, x, y: aten.sigmoid_backward(g, y), True),
    ("tanh", {}, torch.tanh, lambda g, x, y: aten.tanh_backward(g, y), True),
    ("gelu", {}, F.gelu, lambda g, x, y: aten.gelu_backward(g, x), False),
    ("gelu", {"approximate": "tanh"}, lambda x: F.gelu(x, approximate="tanh"),
     lambda g, x, y: aten.gelu_backward(g, x, approximate="tanh"), False),
    ("silu", {}, F.silu, lambda g, x, y: aten.silu_backward(g, x), False),
]
IDS = ["relu", "leaky_relu", "sigmoid", "tanh", "gelu", "gelu_tanh", "silu"]
TOLERANCE = {torch.float32: (1e-5, 1e-6), torch.float16: (1e-3, 1e-3), torch.bfloat16: (1.6e-2, 1.6e-2)}
DTYPES = st.sampled_from(list(TOLERANCE))


def assert_close(ours, reference, dtype):
    """ours (in `dtype`) against a float64 reference rounded to `dtype`, at the dtype's tolerance."""
    rtol, atol = TOLERANCE[dtype]
    assert ours.dtype == dtype and ours.shape == reference.shape
    torch.testing.assert_close(ours.double(), reference.to(dtype).double(), rtol=rtol, atol=atol, equal_nan=True)


@st.composite
def inputs(draw):
    """(x, grad): a drawn size spanning 1-5 blocks of the interpreter's 128, values at a drawn scale.

    Scales reach tiny values (tanh's polynomial branch must keep relative accuracy
    there) and large ones (saturating sigmoid/tanh, vanishing gelu).
    """
    dtype = draw(DTYPES)
    n = draw(st.integers(1, 600))
    scale = draw(st.sampled_from([1e-3, 1.0, 4.0, 30.0]))
    generator = torch.Generator().manual_seed(draw(st.integers(0, 2 ** 31 - 1)))
    x = (torch.randn(n, generator=generator) * scale).to(dtype)
    grad = torch.randn(n, generator=generator).to(dtype)
    if draw(st.booleans()) and n % 2 == 0:  # a non-contiguous view: every other column of (n/2, 2) stored as (2, n/2)
        x = x.reshape(2, n // 2).T
        grad = grad.reshape(2, n // 2).T
    return x, grad


@pytest.mark.parametrize("name, params, forward, backward, saves_output", ACTIVATIONS, ids=IDS)
@given(data=inputs())
def test_forward_matches_torch(name, params, forward, backward, saves_output, data):
    x, _ = data
    assert_close(activation_forward(name, x, **params), forward(x.double()), x.dtype)


@pytest.mark.parametrize("name, params, forward, backward, saves_output", ACTIVATIONS, ids=IDS)
@given(data=inputs())
def test_backward_matches_torch(name, params, forward, backward, saves_output, data):
    x, grad = data
    y = forward(x.float()).to(x.dtype)  # the saved output, rounded as the forward would store it
    saved = y if saves_output else x
    ours = activation_backward(name, saved, grad, **params)
    assert_close(ours, backward(grad.double(), x.double(), y.double()), grad.dtype)


@pytest.mark.parametrize("name, params, forward, backward, saves_output", ACTIVATIONS, ids=IDS)
def test_special_values_follow_torch(name, params, forward, backward, saves_output):
    """The kink at 0, signed zeros, NaN, and values that overflow a naive exp(); infinities where defined."""
    values = [0.0, -0.0, float("nan"), 1e-30, -1e-30, 88.0, -88.0, 1e4, -1e4]
    if name != "gelu":  # torch's gelu gives NaN at +-inf, ours the limits: test_gelu_limits_at_the_ends
        values += [float("inf"), float("-inf")]
    x = torch.tensor(values)
    grad = torch.linspace(-2, 2, len(values))
    y = forward(x)
    assert_close(activation_forward(name, x, **params), y.double(), torch.float32)
    saved = y if saves_output else x
    expected = backward(grad.double(), x.double(), y.double())
    assert_close(activation_backward(name, saved, grad, **params), expected, torch.float32)


@pytest.mark.parametrize("approximate", ["none", "tanh"])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float16, torch.bfloat16], ids=["fp32", "fp16", "bf16"])
def test_gelu_limits_at_the_ends(dtype, approximate):
    """gelu(x) -> x, gelu'(x) -> 1 as x -> inf; gelu(x) -> -0, gelu'(x) -> 0 as x -> -inf: at the
    dtype's largest values (where x^2 overflows float32 for bf16, and x^3 for fp16 would overflow
    fp16) and at +-inf, never 0 * inf = nan. A NaN stays NaN."""
    big = torch.finfo(dtype).max
    magnitudes = torch.tensor([1e4, big, float("inf")], dtype=dtype)
    x = torch.cat([magnitudes, -magnitudes, torch.tensor([float("nan")], dtype=dtype)])
    y = activation_forward("gelu", x, approximate=approximate)
    dx = activation_backward("gelu", x, torch.ones_like(x), approximate=approximate)
    assert torch.equal(y[:3], magnitudes) and torch.equal(y[3:6], torch.zeros(3, dtype=dtype))
    assert torch.signbit(y[3:6]).all()  # -0, as the numpy reference gives
    assert torch.equal(dx[:6], torch.tensor([1.0] * 3 + [0.0] * 3, dtype=dtype))
    assert torch.isnan(y[6]) and torch.isnan(dx[6])


@pytest.mark.parametrize("dtype", [torch.float32, torch.float16], ids=["fp32", "fp16"])
@pytest.mark.parametrize("name, params, forward, backward, saves_output", ACTIVATIONS, ids=IDS)
def test_outputs_stay_inside_their_buffers(name, params, forward, backward, saves_output, dtype):
    """y and dx lie inside guard values: on 3 blocks of the interpreter's 128 and 5 more
    elements the last block's mask writes exactly the 5."""
    g = torch.Generator().manual_seed(7)
    x = (torch.randn(389, generator=g) * 3).to(dtype)
    grad = torch.randn(389, generator=g).to(dtype)
    with guarded_outputs() as guards:
        y = activation_forward(name, x, **params)
        dx = activation_backward(name, y if saves_output else x, grad, **params)
    assert guards.count == 2
    assert_close(y, forward(x.double()), dtype)
    assert_close(dx, backward(grad.double(), x.double(), y.double()), dtype)


def test_output_keeps_shape_and_backward_takes_grad_dtype():
    x = torch.randn(3, 4, 5).transpose(0, 2)
    y = activation_forward("tanh", x)
    assert y.shape == x.shape and y.is_contiguous()
    torch.testing.assert_close(y, torch.tanh(x))
    dx = activation_backward("relu", x, torch.ones(5, 4, 3, dtype=torch.float16))
    assert dx.dtype == torch.float16
    torch.testing.assert_close(dx, (x > 0).to(torch.float16))


def test_empty_tensor():
    x = torch.empty(0, 3)
    assert activation_forward("gelu", x).shape == (0, 3)
    assert activation_backward("sigmoid", x, x).shape == (0, 3)


def test_rejects_bad_arguments():
    x = torch.randn(4)
    with pytest.raises(ValueError, match="unknown activation 'swish'"):
        activation_forward("swish", x)
    with pytest.raises(ValueError, match="approximate must be"):
        activation_forward("gelu", x, approximate="erf")
    with pytest.raises(TypeError, match="takes no parameter"):
        activation_forward("relu", x, slope=0.1)
    with pytest.raises(TypeError, match="float16, bfloat16 or float32"):
        activation_forward("relu", torch.arange(4))
    with pytest.raises(TypeError, match="float16, bfloat16 or float32"):
        activation_forward("tanh", x.double())
    with pytest.raises(ValueError, match=r"\(4,\) and grad \(5,\)"):
        activation_backward("relu", x, torch.randn(5))
