"""x[index] reads every index the way torch does: values, shapes and gradients, for any mix of items.

Hypothesis draws index tuples of ints, slices, None, one Ellipsis, int lists / numpy arrays /
Tensors (broadcasting together), bool masks over one or two axes and Python bools, in any order,
for 0-d to 4-d views; the result and the gradient of the input (scatter-added where an element
is picked twice) must equal torch's. The cases where torch and numpy part ways are also pinned
one by one: an int beside an index array is a basic index in torch (`x[1, :, [0, 2]]` is (3, 2),
numpy says (2, 3)); a short top-level list holding sequences is a tuple (`x[[[0, 1], [1, 0]]]`);
a uint8 array is a mask; negative and zero steps raise ValueError.
"""
import re
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import check_op, torch
from strategies import shapes, views

import tinygrad_lite as tg
from tinygrad_lite import Tensor


def as_torch_index(index):
    """The same index for torch: numpy arrays and engine Tensors become torch tensors; lists stay lists."""
    if isinstance(index, tuple):
        return tuple(as_torch_index(i) for i in index)
    if isinstance(index, list):
        return [as_torch_index(i) for i in index]
    if isinstance(index, np.ndarray):
        return torch.from_numpy(index.copy())
    if isinstance(index, Tensor):
        return torch.from_numpy(index.numpy().copy())
    if isinstance(index, slice):
        return slice(*(as_torch_index(b) for b in (index.start, index.stop, index.step)))
    return index


def compare_with_torch(x, index):
    """torch's x[index] and ours agree in value and gradient, or both raise the same exception type."""
    torch_index = as_torch_index(index)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # both warn on the deprecated readings (list as tuple, uint8 mask)
        try:
            torch.from_numpy(x.copy())[torch_index]
        except (IndexError, ValueError, TypeError) as e:
            with pytest.raises(type(e)):
                Tensor(x)[index]
            return
        check_op(lambda t: t[index], lambda t: t[torch_index], x)


# ---------------------------------------------------------------- generated index tuples

@st.composite
def torch_indices(draw, shape):
    """An index for a tensor of `shape` mixing every kind of item torch accepts, valid by construction.

    The index arrays broadcast to one shape B; masks keep 1 or B[-1] elements, so their nonzero()
    arrays broadcast too; a Python False (an empty index) appears only when nothing must broadcast with it."""
    ndim = len(shape)
    ellipsis = draw(st.none() | st.tuples(st.integers(0, ndim), st.integers(0, ndim)).map(sorted))
    stop = ndim if ellipsis else draw(st.integers(0, ndim))  # the axes after `stop` are left implicit
    kinds, dim = [], 0
    while dim < stop:
        if ellipsis and dim == ellipsis[0]:
            kinds.append(("...", dim))
            dim = ellipsis[1]
            if dim >= stop:
                break
        span = 2 if dim + 1 < stop and not (ellipsis and ellipsis[0] <= dim + 1 < ellipsis[1]) else 1
        kind = draw(st.sampled_from(["int", "slice", "full", "array", "mask"] + ["mask2"] * (span == 2)))
        kinds.append((kind, dim))
        dim += 2 if kind == "mask2" else 1
    if ellipsis and not any(k == "..." for k, _ in kinds):
        kinds.append(("...", dim))
    for _ in range(draw(st.integers(0, 2))):
        kinds.insert(draw(st.integers(0, len(kinds))), (draw(st.sampled_from(["None", "bool"])), None))

    broadcast = tuple(draw(st.lists(st.integers(1, 3), min_size=1, max_size=2)))
    n_advanced = sum(k in ("array", "mask", "mask2", "bool") for k, _ in kinds)
    parts = []
    for kind, dim in kinds:
        if kind == "...":
            parts.append(Ellipsis)
        elif kind == "None":
            parts.append(None)
        elif kind == "bool":
            parts.append(True if n_advanced > 1 else draw(st.booleans()))
        elif kind == "int":
            parts.append(draw(st.integers(-shape[dim], shape[dim] - 1)))
        elif kind == "full":
            parts.append(slice(None))
        elif kind == "slice":
            bound = st.none() | st.integers(-shape[dim] - 1, shape[dim] + 1)
            parts.append(slice(draw(bound), draw(bound), draw(st.none() | st.integers(1, 3))))
        elif kind == "array":
            own = tuple(n if draw(st.booleans()) else 1 for n in broadcast[draw(st.integers(0, len(broadcast) - 1)):])
            values = np.array(draw(st.lists(st.integers(-shape[dim], shape[dim] - 1), min_size=int(np.prod(own)),
                                            max_size=int(np.prod(own))))).reshape(own)
            form = draw(st.sampled_from(["list", "numpy", "tensor"]))
            parts.append(values.tolist() if form == "list" else Tensor(values) if form == "tensor" else values)
        else:
            mask_shape = tuple(shape[dim:dim + (2 if kind == "mask2" else 1)])
            size = int(np.prod(mask_shape))
            counts = [c for c in {1, broadcast[-1]} if c <= size] if n_advanced > 1 else list(range(size + 1))
            chosen = draw(st.permutations(range(size)))[:draw(st.sampled_from(counts))]
            mask = np.zeros(size, dtype=bool)
            mask[list(chosen)] = True
            mask = mask.reshape(mask_shape)
            parts.append(Tensor(mask) if draw(st.booleans()) else mask)
    if len(parts) == 1 and draw(st.booleans()):
        return parts[0]  # a lone item, not in a tuple: torch's other path
    return tuple(parts)


@given(data=st.data())
def test_generated_indices_match_torch_in_value_and_gradient(data):
    x = data.draw(views(shapes(max_side=4), np.float64))
    index = data.draw(torch_indices(x.shape))
    compare_with_torch(x, index)


@given(data=st.data())
def test_generated_indices_on_float32_match_torch(data):
    x = data.draw(views(shapes(min_dims=2, max_dims=3, max_side=4), np.float32))
    compare_with_torch(x, data.draw(torch_indices(x.shape)))


@given(data=st.data())
def test_an_out_of_range_position_raises_index_error_naming_the_shape(data):
    shape = data.draw(shapes(min_dims=1, max_dims=3, max_side=4))
    x = np.zeros(shape)
    axis = data.draw(st.integers(0, len(shape) - 1))
    size = shape[axis]
    bad = data.draw(st.sampled_from([size, size + 2, -size - 1]))
    form = data.draw(st.sampled_from(["int", "list", "numpy"]))
    item = bad if form == "int" else [0, bad] if form == "list" else np.array([bad, 0])
    index = tuple([slice(None)] * axis + [item])
    with pytest.raises(IndexError):
        torch.zeros(shape)[as_torch_index(index)]
    with pytest.raises(IndexError, match=re.escape(str(tuple(shape)))):
        Tensor(x)[index]


# ---------------------------------------------------------------- where torch and numpy differ

rng = np.random.default_rng(0)
X3 = rng.standard_normal((2, 3, 4))
X2 = rng.standard_normal((2, 3))
MASK23 = np.array([[True, False, True], [False, False, True]])

PINNED = [  # (id, array, index)
    ("int and list split by a slice", X3, (1, slice(None), [0, 2])),
    ("list, int, list", X3, ([0, 1], 1, [0, 1])),
    ("int then two lists", X3, (0, [0, 1], [0, 1])),
    ("two lists then int", X3, ([0, 1], [0, 1], 0)),
    ("list, slice, int", X3, ([0, 1], slice(None), 1)),
    ("list, slice, list", X3, ([1, 0], slice(None), [3, 1])),
    ("None between lists", X3, ([0, 1], None, [0, 1])),
    ("None, list, None, int", X3, (None, [0, 1], None, 0)),
    ("int, Ellipsis, list", X3, (0, Ellipsis, [0, 1])),
    ("list, Ellipsis, int", X3, ([0, 1], Ellipsis, 0)),
    ("top-level list of lists is a tuple", X2, [[0, 1], [1, 0]]),
    ("top-level list with one list", X3, [[0, 1]]),
    ("top-level list of numpy arrays", X2, [np.array([0, 1]), np.array([1, 0])]),
    ("top-level list with a slice", X2, [0, slice(None)]),
    ("top-level list with None", X2, [0, None]),
    ("top-level list of tuples", X2, [(0, 1), (1, 2)]),
    ("top-level 2-d numpy array is one index", X2, np.array([[0, 1], [1, 0]])),
    ("top-level 2-d Tensor is one index", X2, Tensor(np.array([[0, 1], [1, 0]]))),
    ("32 nested lists are one index", X2, [[0]] * 32),
    ("three nested lists are a tuple", X3, [[0]] * 3),
    ("empty list", X3, []),
    ("nested empty list", X3, [[]]),
    ("int list with a bool", X3, [1, True]),
    ("bool list is a mask", X3, [True, False]),
    ("uint8 array is a mask", X3, np.array([1, 0], dtype=np.uint8)),
    ("int32 array", X3, np.array([1, 0], dtype=np.int32)),
    ("0-d int array is an int", X3, np.array(1)),
    ("0-d int Tensor is an int", X3, Tensor(np.array(1))),
    ("0-d int Tensor beside a list", X3, (Tensor(np.array(1)), slice(None), [0, 2])),
    ("0-d bool array", X3, np.array(True)),
    ("True", X3, True),
    ("False", X3, False),
    ("list and True", X3, ([0, 1], True)),
    ("0-d bool Tensor False and a list", X3, (Tensor(np.array(False)), [0])),
    ("2-d mask", X3, MASK23),
    ("2-d mask then a list", X3, (MASK23, [0, 1, 2])),
    ("mask after a slice", X3, (slice(None), np.ones((3, 4), dtype=bool))),
    ("two masks broadcast", X3, (np.array([True, False]), np.array([True, True, True]))),
    ("two masks paired", X3, (np.array([True, False]), np.array([True, False, True]))),
    ("mask, slice, list", X3, (np.array([True, True]), slice(None), [1, 3])),
    ("Tensor bounds in a slice", X3, slice(Tensor(np.array(1)), None)),
    ("numpy int step", X3, slice(None, None, np.int64(2))),
    ("slice past the end", X3, slice(5, 2)),
    ("empty tuple", X3, ()),
    ("0-d: empty tuple", np.array(2.5), ()),
    ("0-d: None", np.array(2.5), None),
    ("0-d: Ellipsis", np.array(2.5), Ellipsis),
    ("0-d: True", np.array(2.5), True),
    ("every axis an int", X3, (1, 2, 3)),
    ("every axis an int, then None", X3, (1, 2, 3, None)),
    ("repeated picks", X3, ([0, 0, 1, 0], slice(None), [1, 1, 1, 1])),
]


@pytest.mark.parametrize("array, index", [case[1:] for case in PINNED], ids=[case[0] for case in PINNED])
def test_pinned_index_matches_torch(device, array, index):
    torch_index = as_torch_index(index)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_op(lambda t: t[index], lambda t: t[torch_index], array, device=device)


def test_int_beside_an_index_array_is_a_basic_index():
    # Written out once: numpy gives (2, 3) here, torch (3, 2): the int selects before the list applies.
    out = Tensor(X3)[1, :, [0, 2]]
    assert out.shape == (3, 2)
    np.testing.assert_array_equal(out.numpy(), X3[1][:, [0, 2]])


def test_a_list_of_lists_warns_that_it_is_read_as_a_tuple():
    with pytest.warns(UserWarning, match="tuple") as caught:
        out = Tensor(X2)[[[0, 1], [1, 0]]]
    assert out.shape == (2,)
    assert caught[0].filename == __file__, "the warning should point at the caller's line"


def test_a_uint8_index_warns_that_it_is_a_mask():
    with pytest.warns(UserWarning, match="mask"):
        out = Tensor(X3)[np.array([1, 0], dtype=np.uint8)]
    assert out.shape == (1, 3, 4)


ERRORS = [  # (id, index, exception, what the message must mention); torch raises the same type
    ("negative step", slice(None, None, -1), ValueError, "step must be greater than zero"),
    ("negative step on a later axis", (slice(None), slice(None, None, -2)), ValueError, "step"),
    ("zero step", slice(None, None, 0), ValueError, "step"),
    ("float slice bound", slice(1.0, None), TypeError, "slice"),
    ("int past the end", 2, IndexError, "(2, 3, 4)"),
    ("negative int past the start", (0, -4), IndexError, "(2, 3, 4)"),
    ("list past the end", (slice(None), [0, 3]), IndexError, "(2, 3, 4)"),
    ("too many indices", (0, 0, 0, 0), IndexError, "(2, 3, 4)"),
    ("mask of the wrong shape", np.ones(3, dtype=bool), IndexError, "(2, 3, 4)"),
    ("arrays that do not broadcast", ([0, 1], [0, 1, 2]), IndexError, "(2, 3, 4)"),
    ("float array", np.array([0.0]), IndexError, "float64"),
    ("float", 1.0, IndexError, "1.0"),
    ("numpy bool scalar", np.bool_(True), IndexError, "True"),
]


@pytest.mark.parametrize("index, error, mention", [case[1:] for case in ERRORS], ids=[case[0] for case in ERRORS])
def test_bad_index_raises_like_torch_and_names_index(index, error, mention):
    with pytest.raises(error):
        torch.from_numpy(X3.copy())[as_torch_index(index)]
    with pytest.raises(error, match=re.escape(mention)) as caught:
        Tensor(X3)[index]
    assert "index" in str(caught.value)


def test_more_than_one_ellipsis_raises_index_error():
    # torch accepts some of these with surprising results (x[..., 0, ...] selects the last axis);
    # the engine refuses them, as numpy does (see the table of differences).
    with pytest.raises(IndexError, match="Ellipsis"):
        Tensor(X3)[..., 0, ...]


def test_indexing_keeps_integer_and_bool_dtypes():
    x = np.arange(24).reshape(2, 3, 4)
    for dtype in (np.int64, np.bool_):
        a = x.astype(dtype)
        out = tg.Tensor(a)[1, :, [0, 2]]
        assert out.dtype == dtype
        np.testing.assert_array_equal(out.numpy(), torch.from_numpy(a)[1, :, [0, 2]].numpy())
