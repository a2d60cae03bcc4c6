"""The compiled kernel follows the note's loop, and the readable neuron, exactly."""
from __future__ import annotations

import os
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model import Dataset, Neuron, Training, TrainConfig, split_rows
from model import numpy_primitives
from tests.exactness import FALLBACK_RTOL, assert_same_as_note, oracle, program


@st.composite
def problems(draw):
    n_rows = draw(st.integers(1, 12))
    n_features = draw(st.integers(1, 5))
    values = st.floats(-8, 8, allow_nan=False, width=64)
    x = draw(st.lists(st.lists(values, min_size=n_features, max_size=n_features),
                      min_size=n_rows, max_size=n_rows))
    y = draw(st.lists(st.sampled_from([0.0, 1.0, 0.25, 0.5]), min_size=n_rows, max_size=n_rows))
    config = TrainConfig(
        alpha=draw(st.sampled_from([1e-4, 0.01, 0.1, 0.5, 2.0])),
        iterations=draw(st.integers(1, 400)),
        seed=draw(st.integers(0, 2**32 - 1)),
        every=draw(st.integers(1, 60)),
        test_fraction=draw(st.sampled_from([0.0, 0.0, 0.3])),
    )
    return Dataset.from_arrays(x, y), config


def readable_run(data: Dataset, config: TrainConfig):
    train, test = split_rows(data.n_rows, config.test_fraction, config.seed)
    neuron = Neuron(data.n_features, config.alpha, np.random.RandomState(config.seed))
    at, train_error, test_error = neuron.train(
        data.features[train], data.target[train], config.iterations, config.every,
        data.features[test], data.target[test],
    )
    return neuron, at, train_error, test_error


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_kernel_equals_the_note_loop_on_generated_problems(problem):
    data, config = problem
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ours, note = program(data, config), oracle(data, config)
    assert_same_as_note(ours, note)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_kernel_matches_the_readable_neuron(problem):
    data, config = problem
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        neuron, at, train_error, test_error = readable_run(data, config)
        training = Training(data, config)
        checkpoints = training.advance()
    assert checkpoints.iteration.tolist() == at
    rtol = 0 if numpy_primitives.exact() else FALLBACK_RTOL
    np.testing.assert_allclose(checkpoints.train_error, train_error, rtol=rtol, atol=0)
    if test_error:
        np.testing.assert_allclose(checkpoints.test_error, test_error, rtol=rtol, atol=0)
    else:
        assert checkpoints.test_error is None
    np.testing.assert_allclose(training.weights, neuron.weights, rtol=rtol, atol=0)
    np.testing.assert_allclose(training.bias, neuron.bias, rtol=rtol, atol=0)


def test_kernel_uses_numpys_own_exp_and_dot_here():
    """On this platform the kernel found NumPy's routines, so it is exact, not just close."""
    if os.environ.get(numpy_primitives.PLAIN_SWITCH):
        pytest.skip("the plain kernel was asked for")
    assert numpy_primitives.exact(), numpy_primitives.describe()


def test_exact_routines_agree_with_numpy_on_many_arguments():
    rs = np.random.RandomState(3)
    data = Dataset.from_arrays(rs.randn(300, 7) * 3, rs.rand(300))
    config = TrainConfig(alpha=0.3, iterations=3000, seed=5, every=7)
    assert_same_as_note(program(data, config), oracle(data, config))
