"""The matmul kernel against torch, under Triton's interpreter.

References are torch's matmul in float64 on the same (already rounded) inputs, so
the only error allowed is the kernel's own: float32 accumulation, and for
float16/bfloat16 the final rounding to the dtype. Shapes are drawn so that they are
rarely multiples of the interpreter's 32 x 32 x 32 tiles, span several tiles and
more than one group of tile-rows, and operands come in transposed and strided
layouts that the kernel reads through their strides.
"""
import math

import pytest

pytest.importorskip("triton", reason="the kernels are Triton kernels: pip install -e '.[kernels]'")
torch = pytest.importorskip("torch", reason="the kernels run on torch tensors: pip install -e '.[kernels]'")

from hypothesis import given, strategies as st  # noqa: E402

from tinygrad_lite.kernels.matmul import MATMUL_CONFIGS, matmul  # noqa: E402

from kernel_guards import guarded_outputs  # noqa: E402

F = torch.nn.functional
HALF_TOLERANCE = {torch.float16: 1e-3, torch.bfloat16: 1.6e-2}
LAYOUTS = st.sampled_from(["contiguous", "transposed", "strided"])
sides = st.integers(1, 70)

# activation name, its parameters, torch's version
EPILOGUES = [
    (None, {}, lambda c: c),
    ("relu", {}, torch.relu),
    ("leaky_relu", {"slope": 0.1}, lambda c: F.leaky_relu(c, 0.1)),
    ("sigmoid", {}, torch.sigmoid),
    ("tanh", {}, torch.tanh),
    ("gelu", {}, F.gelu),
    ("gelu", {"approximate": "tanh"}, lambda c: F.gelu(c, approximate="tanh")),
]
EPILOGUE_IDS = ["none", "relu", "leaky_relu", "sigmoid", "tanh", "gelu", "gelu_tanh"]


def in_layout(t, layout):
    """The values of t (..., R, C) stored as laid out: row-major, column-major, or every other column."""
    if layout == "transposed":
        return t.transpose(-1, -2).contiguous().transpose(-1, -2)
    if layout == "strided":
        return torch.repeat_interleave(t, 2, dim=-1)[..., ::2]
    return t


def random(shape, generator, dtype=torch.float32):
    """Uniform values in [-1, 1): entries of a product stay near sqrt(K) / 3."""
    return (torch.rand(shape, generator=generator) * 2 - 1).to(dtype)


def assert_matmul_close(c, reference, dtype, k):
    """c against a float64 reference: float32 within float32 rounding of a K-term sum,
    float16/bfloat16 within the rounding of the result to the dtype."""
    assert c.dtype == dtype and c.shape == reference.shape
    if dtype == torch.float32:
        rtol, atol = 1e-5 * math.sqrt(k), 1e-6 * math.sqrt(k)
    else:
        rtol = atol = HALF_TOLERANCE[dtype]
    torch.testing.assert_close(c.double(), reference, rtol=rtol, atol=atol)


@given(m=sides, k=sides, n=sides, layout_a=LAYOUTS, layout_b=LAYOUTS, seed=st.integers(0, 2 ** 31 - 1))
def test_float32_matches_torch(m, k, n, layout_a, layout_b, seed):
    g = torch.Generator().manual_seed(seed)
    a = in_layout(random((m, k), g), layout_a)
    b = in_layout(random((k, n), g), layout_b)
    assert_matmul_close(matmul(a, b), a.double() @ b.double(), torch.float32, k)


@given(dtype=st.sampled_from(list(HALF_TOLERANCE)), m=sides, k=sides, n=sides, layout_a=LAYOUTS,
       seed=st.integers(0, 2 ** 31 - 1))
def test_half_precision_accumulates_in_float32(dtype, m, k, n, layout_a, seed):
    g = torch.Generator().manual_seed(seed)
    a = in_layout(random((m, k), g, dtype), layout_a)
    b = random((k, n), g, dtype)
    assert_matmul_close(matmul(a, b), a.double() @ b.double(), dtype, k)


@st.composite
def batched_operands(draw):
    """a, b with a batch axis on either or both: equal batches, a batch of 1, a 2-D operand,
    or an expanded (stride-0) batch, in any pairing."""
    g = torch.Generator().manual_seed(draw(st.integers(0, 2 ** 31 - 1)))
    batch = draw(st.integers(1, 3))
    m, k, n = draw(st.integers(1, 40)), draw(st.integers(1, 40)), draw(st.integers(1, 40))

    def operand(rows, cols):
        kind = draw(st.sampled_from(["batched", "single", "matrix", "expanded"]))
        if kind == "batched":
            return in_layout(random((batch, rows, cols), g), draw(LAYOUTS))
        if kind == "single":
            return random((1, rows, cols), g)
        if kind == "matrix":
            return in_layout(random((rows, cols), g), draw(LAYOUTS))
        return random((1, rows, cols), g).expand(batch, rows, cols)

    return operand(m, k), operand(k, n)


@given(operands=batched_operands())
def test_batched_and_broadcast_batches(operands):
    a, b = operands
    assert_matmul_close(matmul(a, b), torch.matmul(a.double(), b.double()), torch.float32, a.shape[-1])


@pytest.mark.parametrize("activation, params, torch_activation", EPILOGUES, ids=EPILOGUE_IDS)
@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16], ids=["fp32", "bf16"])
@pytest.mark.parametrize("with_bias", [True, False], ids=["bias", "no_bias"])
def test_fused_epilogue(activation, params, torch_activation, dtype, with_bias):
    g = torch.Generator().manual_seed(0)
    a = random((2, 37, 45), g, dtype) * 3
    b = in_layout(random((45, 50), g, dtype), "transposed")
    bias = random((50,), g, dtype) if with_bias else None
    c = matmul(a, b, bias=bias, activation=activation, **params)
    pre = a.double() @ b.double() + (bias.double() if with_bias else 0)
    assert_matmul_close(c, torch_activation(pre), dtype, 45)


def test_strided_bias():
    g = torch.Generator().manual_seed(1)
    a, b, bias = random((5, 6), g), random((6, 7), g), random((14,), g)[::2]
    torch.testing.assert_close(matmul(a, b, bias=bias).double(), a.double() @ b.double() + bias.double())


def test_grouped_order_reaches_every_tile():
    """Tile-rows that leave the last group short, and tile-columns that wrap: every entry is written right."""
    config = MATMUL_CONFIGS[0].kwargs
    m = (2 * config["GROUP_M"] + 1) * config["BLOCK_M"] - 3
    n = 3 * config["BLOCK_N"] + 5
    g = torch.Generator().manual_seed(2)
    a, b = random((m, 20), g), random((20, n), g)
    assert_matmul_close(matmul(a, b), a.double() @ b.double(), torch.float32, 20)


def test_empty_inner_dimension_gives_bias_through_the_activation():
    bias = torch.tensor([-1.0, 0.5, 2.0])
    c = matmul(torch.empty(4, 0), torch.empty(0, 3), bias=bias, activation="relu")
    torch.testing.assert_close(c, torch.relu(bias).expand(4, 3))


@pytest.mark.parametrize("a_batch, b_batch", [(1, 3), (3, 1), (None, 3), (3, None)],
                         ids=["1@3", "3@1", "matrix@3", "3@matrix"])
def test_a_batch_of_one_is_shared_by_a_batch_of_three(a_batch, b_batch):
    """A batch of 1 (or a 2-D operand) broadcasts against a batch of 3: every one of the 3
    products uses the shared matrix, as torch.matmul's broadcasting does."""
    g = torch.Generator().manual_seed(3)
    a = random(((a_batch,) if a_batch else ()) + (33, 37), g)
    b = random(((b_batch,) if b_batch else ()) + (37, 35), g)
    c = matmul(a, b)
    assert c.shape == (3, 33, 35)
    assert_matmul_close(c, torch.matmul(a.double(), b.double()), torch.float32, 37)


def test_a_batch_of_one_against_an_empty_batch_is_empty():
    """Batches of 1 and 0 broadcast to 0 (not to 1, which would launch over the empty operand's memory)."""
    for a, b in [(torch.empty(0, 1, 1), torch.ones(1, 1, 3)), (torch.ones(1, 2, 1), torch.empty(0, 1, 3)),
                 (torch.empty(0, 1, 1), torch.ones(1, 3))]:
        assert matmul(a, b).shape == torch.matmul(a, b).shape


@pytest.mark.parametrize("dtype", [torch.float32, torch.float16], ids=["fp32", "fp16"])
@pytest.mark.parametrize("epilogue", [False, True], ids=["plain", "bias_gelu"])
def test_output_stays_inside_its_buffer(dtype, epilogue):
    """C lies inside guard values, with gaps between its rows and between its matrices: on
    33 x 35 tiles of a 32 x 32 grid (one row and three columns past a tile edge) the store
    mask writes every entry of C and nothing beyond, for a broadcast batch too."""
    g = torch.Generator().manual_seed(4)
    a, b = random((2, 33, 37), g, dtype), random((1, 37, 35), g, dtype)
    bias = random((35,), g, dtype) if epilogue else None
    with guarded_outputs() as guards:
        c = matmul(a, b, bias=bias, activation="gelu" if epilogue else None)
    assert guards.count == 1 and c.stride(1) != c.shape[2]  # the rows of C did lie apart
    pre = torch.matmul(a.double(), b.double()) + (bias.double() if epilogue else 0)
    assert_matmul_close(c, F.gelu(pre) if epilogue else pre, dtype, 37)


def test_empty_output():
    assert matmul(torch.empty(0, 5), torch.empty(5, 3)).shape == (0, 3)
    assert matmul(torch.empty(2, 0, 5), torch.empty(5, 3)).shape == (2, 0, 3)


def test_rejects_bad_operands():
    a, b = torch.randn(2, 3), torch.randn(4, 5)
    with pytest.raises(ValueError, match=r"matmul: inner dimensions differ: \(2, 3\) @ \(4, 5\)"):
        matmul(a, b)
    with pytest.raises(ValueError, match="batch sizes do not broadcast"):
        matmul(torch.randn(2, 3, 4), torch.randn(3, 4, 5))
    with pytest.raises(ValueError, match="2-D or 3-D"):
        matmul(torch.randn(3), torch.randn(3, 2))
    with pytest.raises(ValueError, match=r"bias must have shape \(5,\)"):
        matmul(torch.randn(2, 4), b, bias=torch.randn(4))
    with pytest.raises(TypeError, match="same dtype"):
        matmul(torch.randn(2, 4), b.half())
    with pytest.raises(TypeError, match="float16, bfloat16 or float32"):
        matmul(torch.ones(2, 4, dtype=torch.int64), torch.ones(4, 5, dtype=torch.int64))
    with pytest.raises(ValueError, match="unknown activation"):
        matmul(torch.randn(2, 4), b, activation="softplus")
    with pytest.raises(ValueError, match="one device"):
        matmul(torch.randn(2, 4), torch.randn(4, 5, device="meta"))
