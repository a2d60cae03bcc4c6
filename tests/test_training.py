"""Training in chunks: stopping, continuing, held-out rows, and numbers that blow up."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model import Checkpoints, Dataset, Training, TrainConfig, note_table, predict, split_rows
from model.training import ChunkSizes, above_half, accuracy, accuracy_of


def run(config: TrainConfig, data: Dataset | None = None, chunk: int | None = None):
    training = Training(data or note_table(), config)
    return training, training.advance(chunk=chunk)


@settings(max_examples=25, deadline=None)
@given(chunk=st.integers(1, 5000), every=st.integers(1, 300), iterations=st.integers(1, 5000))
def test_chunk_size_does_not_change_the_result(chunk, every, iterations):
    config = TrainConfig(iterations=iterations, every=every, seed=7)
    whole, expected = run(config)
    pieces, got = run(config, chunk=chunk)
    assert got.iteration.tolist() == expected.iteration.tolist()
    assert got.train_error.tolist() == expected.train_error.tolist()
    assert pieces.weights.tolist() == whole.weights.tolist() and pieces.bias == whole.bias


def test_chunks_shrink_to_the_aim_when_they_run_long_and_grow_back_by_quarters():
    sizes = ChunkSizes(8000, seconds=0.02)
    sizes.took(8000, 0.08)  # four times the aim: a quarter of the size at once
    assert sizes.next == 2000
    sizes.took(2000, 0.025)  # near the aim: kept
    assert sizes.next == 2000
    grown = []
    for _ in range(10):  # quick chunks: a quarter more each time, up to the largest
        sizes.took(sizes.next, 0.001)
        grown.append(sizes.next)
    assert grown[:3] == [2500, 3125, 3906] and grown[-1] == 8000 and max(grown) == 8000
    sizes.took(5, 0.001)  # a run's last chunk, shorter than asked: says nothing of the size
    assert sizes.next == 8000
    sizes.took(8000, 1e9)
    assert sizes.next == 1  # never below one iteration


def test_a_run_on_a_slow_machine_takes_smaller_chunks_and_the_same_steps(monkeypatch):
    """Each chunk's time sets the next one's size; the run is the same, bit for bit."""
    import model.training

    config = TrainConfig(iterations=20_000, every=100, seed=3)
    whole, expected = run(config, chunk=4000)
    clock = iter(np.arange(0, 1e6, 0.05))  # every chunk seems to take 50 ms
    monkeypatch.setattr(model.training.time, "perf_counter", lambda: float(next(clock)))
    slow = Training(note_table(), config)
    parts = list(slow.run(chunk=4000))
    assert len(parts) > 5 * (20_000 // 4000)
    got = Checkpoints.concatenate(parts, False)
    assert got.iteration.tolist() == expected.iteration.tolist()
    assert got.train_error.tolist() == expected.train_error.tolist()
    assert slow.weights.tolist() == whole.weights.tolist() and slow.bias == whole.bias


@pytest.mark.parametrize("first,more,every", [(10_000, 5_000, 100), (300, 701, 3), (7, 13, 1)])
def test_continuing_equals_one_long_run(first, more, every):
    long, expected = run(TrainConfig(iterations=first + more, every=every))
    training = Training(note_table(), TrainConfig(iterations=first, every=every))
    a = training.advance()
    b = training.advance(more)
    assert training.iteration == first + more
    assert np.concatenate([a.iteration, b.iteration]).tolist() == expected.iteration.tolist()
    assert np.concatenate([a.train_error, b.train_error]).tolist() == expected.train_error.tolist()
    assert training.weights.tolist() == long.weights.tolist() and training.bias == long.bias


def test_stopping_between_chunks_keeps_a_consistent_state():
    training = Training(note_table(), TrainConfig(iterations=10_000))
    chunks = training.run(chunk=1000)
    next(chunks)
    next(chunks)
    chunks.close()  # the driver stops here
    assert training.iteration == 2000
    rest = training.advance(8000)
    _, expected = run(TrainConfig(iterations=10_000))
    assert rest.train_error.tolist() == expected.train_error[20:].tolist()


def test_test_fraction_zero_equals_no_split():
    plain, expected = run(TrainConfig(test_fraction=0.0))
    assert plain.test_rows.size == 0 and expected.test_error is None
    train, test = split_rows(8, 0.0, 42)
    assert train.tolist() == list(range(8)) and test.size == 0


def test_held_out_rows_are_chosen_by_their_own_generator():
    train_a, test_a = split_rows(100, 0.25, seed=1)
    train_b, test_b = split_rows(100, 0.25, seed=1)
    # Each row is decided on its own, so the count is about a quarter, not exactly.
    assert test_a.tolist() == test_b.tolist() and 23 <= len(test_a) <= 27
    assert sorted(train_a.tolist() + test_a.tolist()) == list(range(100))
    assert split_rows(100, 0.25, seed=2)[1].tolist() != test_a.tolist()
    # The weights' stream is untouched: the initial weights do not depend on the split.
    held = Training(note_table(), TrainConfig(test_fraction=0.5))
    assert held.initial_weights.tolist() == Training(note_table(), TrainConfig()).initial_weights.tolist()


def test_held_out_rows_never_enter_an_update():
    rs = np.random.RandomState(0)
    x = rs.randn(40, 2)
    y = (x[:, 0] > 0).astype(float)
    config = TrainConfig(test_fraction=0.5, iterations=2000, seed=3)
    train, test = split_rows(40, 0.5, 3)
    # Wildly different held-out rows: if any entered an update the weights would change.
    wild_x = x.copy()
    wild_x[test] = 1e3
    wild_y = y.copy()
    wild_y[test] = 1.0 - y[test]
    a = Training(Dataset.from_arrays(x, y), config)
    b = Training(Dataset.from_arrays(wild_x, wild_y), config)
    ca, cb = a.advance(), b.advance()
    assert a.weights.tolist() == b.weights.tolist() and a.bias == b.bias
    assert ca.train_error.tolist() == cb.train_error.tolist()
    assert ca.test_error.tolist() != cb.test_error.tolist()
    # ... and the run on the training rows alone is the same run.
    only = Training(Dataset.from_arrays(x[train], y[train]), TrainConfig(iterations=2000, seed=3))
    only.advance()
    assert only.weights.tolist() == a.weights.tolist()


def test_extreme_inputs_saturate_quietly():
    data = Dataset.from_arrays([[1e300, -1e300], [-1e300, 1e300], [0.0, 5e-324]], [0, 1, 1])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        training = Training(data, TrainConfig(iterations=500, every=1))
        checkpoints = training.advance()
        predictions = training.predict(data.features)
    assert np.all(np.isfinite(checkpoints.train_error))
    assert np.all(np.isfinite(predictions))


def test_huge_inputs_saturate_or_stop_with_the_reason():
    """With inputs near the largest float, whether ``x . w`` overflows depends on the CPU
    (a fused multiply-add keeps the intermediate in range; separate ones may not).  Either
    outcome is right, as long as it is clean: no warning, nothing that is not a number in
    the history, and a run that cannot go on stops and says why."""
    data = Dataset.from_arrays([[1.0, 2.0], [1.7e308, -1.7e308]], [0.0, 1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        training = Training(data, TrainConfig(iterations=10_000, every=1, seed=81))
        checkpoints = training.advance()
        predictions = training.predict(data.features)
    assert np.all(np.isfinite(checkpoints.train_error))
    assert np.all(np.isfinite(training.weights)) and np.isfinite(training.bias)
    assert not np.any(np.isnan(predictions)) or training.failed
    if training.failed:
        assert training.stop_reason.startswith("stopped at iteration")
        assert "learning rate" in training.stop_reason
        assert len(checkpoints) < 10_000
    else:
        assert len(checkpoints) == 10_000 and training.iteration == 10_000


def test_kernel_refuses_a_step_that_would_make_the_weights_non_finite():
    from model import kernel

    w, b = np.array([np.nan]), np.zeros(1)
    out = np.empty(4, dtype=np.int64), np.empty(4), np.empty(4), np.empty((4, 2))
    done, written, status = kernel.train_chunk(
        kernel.primitives(), np.ones((1, 1)), np.ones(1), np.zeros((0, 1)), np.zeros(0),
        w, b, 0.1, np.zeros(4, dtype=np.int64), 0, 1, *out,
    )
    assert (done, written, status) == (0, 0, kernel.NONFINITE_STEP)
    assert b[0] == 0.0  # the step was not applied


def test_kernel_stops_at_a_checkpoint_whose_error_is_not_finite():
    from model import kernel

    w, b = np.array([0.5]), np.zeros(1)
    out = np.empty(4, dtype=np.int64), np.empty(4), np.empty(4), np.empty((4, 2))
    done, written, status = kernel.train_chunk(
        kernel.primitives(), np.ones((1, 1)), np.ones(1), np.array([[np.nan]]), np.ones(1),
        w, b, 0.1, np.zeros(4, dtype=np.int64), 0, 1, *out,
    )
    assert (done, written, status) == (1, 0, kernel.NONFINITE_ERROR)


def test_a_run_whose_numbers_stop_being_finite_stops_and_says_why():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        training = Training(note_table(), TrainConfig(iterations=10_000))
        first = training.advance(500)
        training._w[0] = np.inf  # as if a step had overflowed
        checkpoints = training.advance(500)
    assert training.failed
    assert "iteration 500" in training.stop_reason and "learning rate" in training.stop_reason
    assert len(first) == 5 and np.all(np.isfinite(checkpoints.train_error))
    assert len(training.advance(100)) == 0  # a failed run does not go on


def test_accuracy_on_a_hand_checked_case():
    data = Dataset.from_arrays([[-3.0], [-1.0], [1.0], [3.0]], [0, 0, 1, 1])
    training = Training(data, TrainConfig(alpha=0.5, iterations=5000, seed=0))
    training.advance()
    assert training.predict(data.features)[0] < 0.5 < training.predict(data.features)[3]
    assert training.accuracy() == (1.0, None)
    # Targets that are not all 0 or 1 have no accuracy.
    soft = Training(Dataset.from_arrays([[1.0], [2.0]], [0.2, 0.7]), TrainConfig(iterations=10))
    assert soft.accuracy() == (None, None)


@pytest.mark.parametrize(
    "config, words",
    [
        (TrainConfig(alpha=0.0), "learning rate"),
        (TrainConfig(alpha=float("nan")), "learning rate"),
        (TrainConfig(iterations=0), "iterations"),
        (TrainConfig(iterations=100_000_001), "iterations"),
        (TrainConfig(seed=-1), "seed"),
        (TrainConfig(seed=2**32), "seed"),
        (TrainConfig(every=0), "checkpoint"),
        (TrainConfig(test_fraction=0.95), "test fraction"),
    ],
)
def test_bad_parameters_are_refused_with_a_plain_message(config, words):
    from model import DataError

    with pytest.raises(DataError, match=words):
        Training(note_table(), config)


# -- held-out rows that stay put --------------------------------------------------------------

@pytest.mark.parametrize("seed", [0, 1, 42, 2**32 - 1])
@pytest.mark.parametrize("fraction", [0.1, 0.25, 0.5, 0.9])
def test_a_row_added_or_deleted_leaves_every_other_rows_held_out_status(seed, fraction):
    ids = np.arange(50)
    held = set(ids[split_rows(50, fraction, seed, ids)[1]].tolist())
    for kept in (np.delete(ids, 17), np.insert(ids, 10, 1000), np.append(ids, 50)):
        now = set(kept[split_rows(kept.size, fraction, seed, kept)[1]].tolist())
        assert now - {1000, 50} == held & set(kept.tolist())


def test_about_the_asked_share_is_held_out_and_one_row_always_trains():
    for seed in range(200):
        assert 1 <= split_rows(8, 0.25, seed)[1].size <= 3
        assert 20 <= split_rows(100, 0.25, seed)[1].size <= 30
        assert split_rows(2, 0.9, seed)[0].size >= 1
    assert split_rows(1, 0.9, 3)[1].size == 0


def test_the_run_holds_out_the_rows_its_ids_say():
    rs = np.random.RandomState(1)
    x = rs.randn(30, 2)
    y = (x[:, 0] > 0).astype(float)
    ids = np.arange(100, 130)[::-1]
    data = Dataset.from_arrays(x, y, row_ids=ids)
    training = Training(data, TrainConfig(test_fraction=0.3, seed=5))
    assert training.test_rows.tolist() == split_rows(30, 0.3, 5, ids)[1].tolist()
    assert training.test_rows.tolist() != split_rows(30, 0.3, 5)[1].tolist()


@given(seed=st.integers(0, 2 ** 32 - 1), scale=st.sampled_from([1e-300, 1e-15, 1e-12, 1.0, 1e300]))
def test_which_side_of_half_each_output_is_on_is_what_predict_says(seed, scale):
    """above_half decides by the sign of z except within a hair of 0: it must agree with
    predict(...) >= 0.5 everywhere, at z exactly 0, just either side of it, and where z is
    huge, infinite or NaN."""
    rs = np.random.default_rng(seed)
    x = rs.normal(size=(400, 2)) * scale
    w = rs.normal(size=2)
    b = float(rs.normal()) * scale
    x[:50, 1] = -(x[:50, 0] * w[0] + b) / w[1]  # z at or within rounding of 0
    x[50:60] = np.nextafter(x[50:60], np.inf)
    x[60:64] = [[np.inf, 0.0], [-np.inf, 0.0], [np.nan, 1.0], [1e308, 1e308]]
    with np.errstate(all="ignore"):
        expected = predict(x, w, b) >= 0.5
    assert np.array_equal(above_half(x, w, b), expected)
    y = (rs.random(400) < 0.5).astype(float)
    assert accuracy_of(x, y, w, b) == accuracy(predict(x, w, b), y)
