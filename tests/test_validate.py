"""The shared argument checks: what each accepts, what it returns, and the error it raises otherwise."""
import math

import numpy as np
import pytest

import tinygrad_lite as tg
from tinygrad_lite._validate import (check_alloc, check_bool, check_choice, check_index, check_number,
                                     check_shape, check_size)


@pytest.mark.parametrize("value, expected", [
    (0.5, 0.5), (2, 2.0), (np.float32(0.25), 0.25), (np.int64(3), 3.0), (np.array(1.5), 1.5), (tg.Tensor(2.0), 2.0),
])
def test_check_number_returns_a_float(value, expected):
    result = check_number(value, "lr", "SGD")
    assert result == expected and type(result) is float


@pytest.mark.parametrize("value, error, words", [
    (None, TypeError, ["SGD", "lr", "None"]),
    ("x", TypeError, ["SGD", "lr", "'x'"]),
    (1 + 2j, TypeError, ["SGD", "lr", "complex"]),
    ({}, TypeError, ["SGD", "lr", "dict"]),
    (np.array([1.0, 2.0]), TypeError, ["SGD", "lr", "ndarray"]),
    (True, TypeError, ["SGD", "lr", "bool"]),
    (math.nan, ValueError, ["SGD", "lr", "NaN"]),
    (math.inf, ValueError, ["SGD", "lr", "finite"]),
    (-1.0, ValueError, ["SGD", "lr", ">= 0", "-1.0"]),
    (2.0, ValueError, ["SGD", "lr", "<= 1", "2.0"]),
])
def test_check_number_refuses_with_the_function_and_the_argument_named(value, error, words):
    with pytest.raises(error) as info:
        check_number(value, "lr", "SGD", low=0, high=1)
    assert type(info.value) is error
    for word in words:
        assert word in str(info.value)


def test_check_number_options():
    assert check_number(math.inf, "eps", "f", finite=False) == math.inf
    assert check_number(None, "scale", "f", allow_none=True) is None
    assert check_number(True, "value", "f", allow_bool=True) == 1.0
    with pytest.raises(ValueError, match="> 0"):
        check_number(0.0, "eps", "f", low=0, low_open=True)
    with pytest.raises(ValueError, match="< 1"):
        check_number(1.0, "p", "f", high=1, high_open=True)


def test_check_size_takes_whole_numbers_in_range():
    assert check_size(np.int64(4), "in_features", "Linear") == 4
    assert type(check_size(np.int64(4), "in_features", "Linear")) is int
    with pytest.raises(TypeError, match="Linear: in_features must be an integer, not 2.5"):
        check_size(2.5, "in_features", "Linear")
    with pytest.raises(ValueError, match="Linear: in_features must be >= 0, not -1"):
        check_size(-1, "in_features", "Linear")
    with pytest.raises(ValueError, match="n_heads must be >= 1"):
        check_size(0, "n_heads", "MultiHeadAttention", low=1)
    with pytest.raises(ValueError, match="too large"):
        check_size(2 ** 70, "n", "eye")


def test_check_bool_choice_index():
    assert check_bool(np.True_, "bias", "Linear") is True
    with pytest.raises(TypeError, match="Linear: bias must be True or False"):
        check_bool("yes", "bias", "Linear")
    assert check_choice("sum", "reduction", "mse_loss", ("mean", "sum")) == "sum"
    with pytest.raises(ValueError, match=r"mse_loss: reduction must be one of \('mean', 'sum'\), not 'max'"):
        check_choice("max", "reduction", "mse_loss", ("mean", "sum"))
    with pytest.raises(TypeError, match="mse_loss: reduction"):
        check_choice(5, "reduction", "mse_loss", ("mean", "sum"))
    assert check_index(np.int32(2), "dim", "sum") == 2
    with pytest.raises(TypeError, match="sum: dim must be an integer"):
        check_index(1.0, "dim", "sum")


def test_check_shape_reads_varargs_or_one_sequence():
    assert check_shape((2, 3), "zeros") == (2, 3)
    assert check_shape(([2, np.int64(3)],), "zeros") == (2, 3)
    assert check_shape((), "zeros") == ()
    with pytest.raises(TypeError, match=r"zeros: sizes must be integers, got 'a'"):
        check_shape((2, "a"), "zeros")
    with pytest.raises(ValueError, match=r"zeros: sizes cannot be negative, got \(2, -1\)"):
        check_shape((2, -1), "zeros")


def test_check_alloc_refuses_what_cannot_fit_and_passes_what_can():
    assert check_alloc((1000, 1000), np.float32, "zeros") == 4_000_000
    assert check_alloc((10 ** 12, 0), np.float64, "zeros") == 0
    with pytest.raises(RuntimeError, match=r"zeros: not enough memory: a tensor of shape \(1000000000000, 1000\)"):
        check_alloc((10 ** 12, 1000), np.float32, "zeros")
