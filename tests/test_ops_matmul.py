"""Matrix multiplication matches PyTorch: values, shapes, dtypes and both gradients.

Proves, in float32 and float64, through both `a @ b` and `a.matmul(b)`: 2-D
products, batched products, batch dimensions that broadcast (size-1 axes and
different ranks), every 1-D case (vec @ vec, vec @ mat, mat @ vec, vec @ batch,
batch @ vec) and non-contiguous operands (transposed, strided and reversed views,
and `.T` / `.transpose` taken inside the graph). Mismatched shapes raise a
ValueError that names "matmul" and both shapes as Python tuples, as torch also refuses.
Matmul is smooth, so values need no care; tolerances loosen by sqrt(K) for the K-long dot products.
"""
import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import check_op, check_raises, torch
from strategies import views

FLOATS = [np.float32, np.float64]
CALLS = {
    "@": lambda a, b: a @ b,
    "matmul": lambda a, b: a.matmul(b),
}

# `device` is a plain string, identical for every example, so sharing it across examples is safe.
side = st.integers(1, 6)


@st.composite
def broadcast_batches(draw):
    """Two batch shapes that broadcast: different ranks, size-1 axes on either side."""
    full = draw(st.lists(st.integers(1, 3), min_size=0, max_size=3))
    a, b = [], []
    for size in full:
        choice = draw(st.sampled_from(["both", "a_one", "b_one"]))
        a.append(1 if choice == "a_one" else size)
        b.append(1 if choice == "b_one" else size)
    a = a[draw(st.integers(0, len(a))):]  # drop leading axes of one operand: ranks differ
    if draw(st.booleans()):
        a, b = b, a
    return tuple(a), tuple(b)


def check_matmul(call, a, b, device):
    k = a.shape[-1]
    out = check_op(CALLS[call], torch.matmul, a, b, reduce_size=k, device=device)
    assert out.shape == np.matmul(a, b).shape
    return out


@pytest.mark.parametrize("call", CALLS)
@pytest.mark.parametrize("dtype", FLOATS)
@given(data=st.data())
def test_2d_matmul_matches_torch(device, call, dtype, data):
    m, k, n = data.draw(side), data.draw(side), data.draw(side)
    check_matmul(call, data.draw(views((m, k), dtype)), data.draw(views((k, n), dtype)), device)


@pytest.mark.parametrize("call", CALLS)
@pytest.mark.parametrize("dtype", FLOATS)
@given(data=st.data())
def test_batched_matmul_matches_torch(device, call, dtype, data):
    batch = tuple(data.draw(st.lists(st.integers(1, 3), min_size=1, max_size=2)))
    m, k, n = data.draw(side), data.draw(side), data.draw(side)
    check_matmul(call, data.draw(views(batch + (m, k), dtype)), data.draw(views(batch + (k, n), dtype)), device)


@pytest.mark.parametrize("call", CALLS)
@pytest.mark.parametrize("dtype", FLOATS)
@given(data=st.data())
def test_matmul_broadcasts_batch_dims_and_reduces_their_gradient(device, call, dtype, data):
    batch_a, batch_b = data.draw(broadcast_batches())
    m, k, n = data.draw(side), data.draw(side), data.draw(side)
    # The gradient of a broadcast operand sums over the batch copies as well as over k.
    copies = int(np.prod(np.broadcast_shapes(batch_a, batch_b)))
    a = data.draw(views(batch_a + (m, k), dtype))
    b = data.draw(views(batch_b + (k, n), dtype))
    out = check_op(CALLS[call], torch.matmul, a, b, reduce_size=k * copies, device=device)
    assert out.shape == np.matmul(a, b).shape


@pytest.mark.parametrize("call", CALLS)
@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("shape_a, shape_b", [
    ((5,), (5,)),            # vec @ vec -> 0-d
    ((1,), (1,)),
    ((4,), (4, 3)),          # vec @ mat
    ((3, 4), (4,)),          # mat @ vec
    ((4,), (2, 4, 3)),       # vec @ batch of matrices
    ((2, 1, 3, 4), (4,)),    # batch of matrices @ vec
    ((1,), (1, 7)),
], ids=str)
def test_one_dimensional_operands_match_torch(device, call, dtype, shape_a, shape_b):
    rng = np.random.default_rng(0)
    a = rng.standard_normal(shape_a).astype(dtype)
    b = rng.standard_normal(shape_b).astype(dtype)
    out = check_matmul(call, a, b, device)
    if len(shape_a) == len(shape_b) == 1:
        assert out.shape == ()


@pytest.mark.parametrize("dtype", FLOATS)
@given(data=st.data())
def test_transposes_taken_inside_the_graph_match_torch(device, dtype, data):
    m, k, n = data.draw(side), data.draw(side), data.draw(side)
    a = data.draw(views((k, m), dtype))
    b = data.draw(views((n, k), dtype))
    check_op(lambda x, y: x.T @ y.T, lambda x, y: x.T @ y.T, a, b, reduce_size=k, device=device)
    batched_a = data.draw(views((2, k, m), dtype))
    check_op(lambda x, y: x.transpose(-1, -2).matmul(y.T), lambda x, y: x.transpose(-1, -2).matmul(y.T),
             batched_a, b, reduce_size=2 * k, device=device)


@pytest.mark.parametrize("dtype", FLOATS)
def test_matmul_of_a_tensor_with_itself_accumulates_both_gradients(device, dtype):
    a = np.random.default_rng(1).standard_normal((4, 4)).astype(dtype)
    check_op(lambda x: x @ x, lambda x: x @ x, a, reduce_size=4, device=device)
    check_op(lambda x: x @ x.T, lambda x: x @ x.T, a, reduce_size=4, device=device)


@pytest.mark.parametrize("dtype", FLOATS)
def test_matmul_with_only_one_operand_requiring_grad(device, dtype):
    rng = np.random.default_rng(2)
    a = rng.standard_normal((3, 4)).astype(dtype)
    b = rng.standard_normal((4, 2)).astype(dtype)
    check_op(lambda x, y: x @ y, torch.matmul, a, b, grad=(True, False),
             reduce_size=4, device=device)
    check_op(lambda x, y: x @ y, torch.matmul, a, b, grad=(False, True), reduce_size=4, device=device)


@pytest.mark.parametrize("call", CALLS)
@pytest.mark.parametrize("shape_a, shape_b", [
    ((2, 3), (4, 5)),
    ((3,), (4,)),
    ((3,), (4, 5)),
    ((2, 3), (4,)),
    ((2, 3, 4), (3, 4, 5)),      # batch dims 2 and 3 do not broadcast
    ((2, 2, 3), (5, 3, 4)),
    ((5, 3), (2, 4, 3)),         # inner sizes differ after broadcasting
], ids=str)
def test_shape_mismatch_raises_value_error_naming_matmul_and_both_shapes(device, call, shape_a, shape_b):
    a, b = np.ones(shape_a), np.ones(shape_b)
    mentions = ["matmul", str(shape_a), str(shape_b)]
    every_mention = "(?s)" + "".join(f"(?=.*{re.escape(m)})" for m in mentions)
    check_raises(CALLS[call], torch.matmul, a, b, error=ValueError, match=every_mention, device=device)


def test_zero_dimensional_operand_raises_value_error(device):
    mentions = ["matmul", "()", "(3,)"]
    every_mention = "(?s)" + "".join(f"(?=.*{re.escape(m)})" for m in mentions)
    check_raises(lambda a, b: a @ b, torch.matmul, np.array(2.0), np.ones(3), error=ValueError,
                 match=every_mention, device=device)
