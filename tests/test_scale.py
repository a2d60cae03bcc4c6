"""Large tables: the checkpoint's error on every core, chunk sizes, and the checkpoint advice.

Every expected number is computed here with NumPy, the note's way (one row at a time,
added in row order from 0), never copied from one machine's output.
"""
from __future__ import annotations

import threading

import numpy as np
import pytest

from model import Dataset, Training, TrainConfig, checkpoint_cost, compiled, kernel, note_table, row_errors


def note_error(x: np.ndarray, y: np.ndarray, w: np.ndarray, b: float) -> float:
    """The note's cumulative error: per row, its prediction and squared error, added in order."""
    total = 0
    with np.errstate(over="ignore", invalid="ignore"):
        for r in range(x.shape[0]):
            prediction = 1 / (1 + np.exp(-(np.dot(x[r], w) + b)))
            total = total + np.square(prediction - y[r])
    return float(total)


def sequential_error(x: np.ndarray, y: np.ndarray, w: np.ndarray, b: float) -> float:
    """The kernel's own single loop, as it sums a checkpoint on a small table."""
    n = max(x.shape[0], 1)
    steps = np.empty(2, dtype=np.intp), np.empty(1, dtype=np.intp), np.full(2, 8, dtype=np.intp)
    return compiled._squared_error(kernel.primitives(), x, y, w, b, np.empty(n), np.empty(n), *steps)


def table(rows: int, features: int = 2, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Random rows, with some far out so that ``exp`` overflows and underflows here and there."""
    rs = np.random.RandomState(seed)
    x = rs.randn(rows, features) * 3
    far = rs.rand(rows) < 0.01
    x[far] *= 400
    return x, rs.rand(rows)


def sum_on_several_threads(monkeypatch) -> None:
    """Sum every checkpoint on several threads, however small the table and the machine."""
    monkeypatch.setattr(row_errors, "cores", lambda: 3)
    monkeypatch.setattr(row_errors, "PARALLEL_MIN_ROWS", 2)
    monkeypatch.setattr(row_errors, "MIN_BLOCK_ROWS", 1)


@pytest.fixture
def parallel_everywhere(monkeypatch):
    sum_on_several_threads(monkeypatch)


@pytest.fixture
def parallel_never(monkeypatch):
    monkeypatch.setattr(row_errors, "PARALLEL_MIN_ROWS", 1 << 62)


def test_a_large_table_is_summed_on_several_threads_bit_for_bit(monkeypatch):
    at_least_two = max(2, row_errors.cores())
    monkeypatch.setattr(row_errors, "cores", lambda: at_least_two)
    rows = row_errors.PARALLEL_MIN_ROWS + 1237
    assert row_errors.threads_for(rows) > 1
    x, y = table(rows)
    w, b = np.array([0.31, -0.72]), 0.05
    expected = note_error(x, y, w, b)
    assert sequential_error(x, y, w, b) == expected
    with row_errors.RowErrors() as errors:
        assert errors.squared_error(x, y, w, b) == expected
        for parts in (2, 3, 7):
            assert errors.squared_error(x, y, w, b, parts=parts) == expected


@pytest.mark.parametrize("rows", [1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 33, 63, 64, 65, 127, 129, 1000, 1001])
def test_block_boundaries_anywhere_give_the_same_sum(rows):
    x, y = table(rows, features=3, seed=rows)
    w, b = np.array([0.2, -0.5, 0.9]), -0.3
    expected = note_error(x, y, w, b)
    assert sequential_error(x, y, w, b) == expected
    with row_errors.RowErrors(threads=4) as errors:
        for parts in (1, 2, 3, 4, 5, 8):
            assert errors.squared_error(x, y, w, b, parts=parts) == expected, parts


@pytest.mark.parametrize("features", range(1, compiled.INLINE_DOT_MAX + 3))
def test_each_width_of_row_gives_the_notes_sum(features):
    """Short rows' dot products are done inline where ddot is found to add them in a plain
    order, longer ones by ddot: both must give the note's numbers."""
    x, y = table(600, features=features, seed=features)
    w = np.random.RandomState(features).randn(features)
    expected = note_error(x, y, w, 0.4)
    assert sequential_error(x, y, w, 0.4) == expected
    with row_errors.RowErrors(threads=2) as errors:
        assert errors.squared_error(x, y, w, 0.4, parts=2) == expected


def test_the_inline_dot_product_is_used_only_where_ddot_adds_that_way():
    prims = kernel.primitives()
    form, largest = prims[compiled._DOT_FORM], prims[compiled._DOT_FORM_MAX]
    assert 0 <= largest <= compiled.INLINE_DOT_MAX
    if largest:
        rs = np.random.RandomState(5)
        for d in range(1, largest + 1):
            assert compiled._dot_form_agrees(prims[compiled._DDOT], form, *compiled._dot_samples(d, rs))
    assert compiled.dot_form(0) == (compiled._CALL, 0)


def test_a_non_finite_row_makes_the_sum_non_finite_as_in_one_loop():
    x, y = table(200)
    x[150, 1] = np.nan
    w, b = np.array([0.1, 0.2]), 0.0
    with row_errors.RowErrors(threads=2) as errors:
        assert np.isnan(errors.squared_error(x, y, w, b, parts=2))
    assert np.isnan(sequential_error(x, y, w, b))


def test_the_kernel_pauses_after_a_checkpoints_step():
    x, y = np.array([[1.0, 2.0], [0.5, -1.0]]), np.array([1.0, 0.0])
    w, b = np.array([0.1, 0.2]), np.zeros(1)
    out = np.empty(3, dtype=np.int64), np.empty(3), np.empty(3), np.empty((3, 3))
    done, written, status = kernel.train_chunk(
        kernel.primitives(), x, y, np.zeros((0, 2)), np.zeros(0), w, b, 0.1,
        np.array([0, 1, 0, 1, 0], dtype=np.int64), 1, 3, *out, True,
    )
    # Steps 1, 2 and 3 are taken; 3 is a checkpoint, whose errors are left to the caller.
    assert (done, written, status) == (3, 0, kernel.CHECKPOINT_DUE)
    assert b[0] != 0.0  # the bias reached the caller with the step applied


def runs_alike(a: Training, b: Training, iterations: int, chunk: int | None = None):
    first, second = a.advance(iterations, chunk), b.advance(iterations, chunk)
    assert first.iteration.tolist() == second.iteration.tolist()
    assert first.train_error.tolist() == second.train_error.tolist()
    if a.has_test:
        assert first.test_error.tolist() == second.test_error.tolist()
    assert a.weights.tolist() == b.weights.tolist() and a.bias == b.bias
    assert a.iteration == b.iteration and a.stop_reason == b.stop_reason
    return first


@pytest.mark.parametrize("every,chunk,test_fraction", [
    (1, None, 0.0), (7, None, 0.3), (5, 3, 0.0), (4, 4, 0.25), (13, 1, 0.0), (50, 101, 0.1),
])
def test_a_run_summed_on_several_threads_equals_the_kernels_own(
        monkeypatch, every, chunk, test_fraction):
    x, y = table(300, seed=every)
    data = Dataset.from_arrays(x, y)
    config = TrainConfig(alpha=0.3, iterations=400, seed=11, every=every, test_fraction=test_fraction)
    monkeypatch.setattr(row_errors, "PARALLEL_MIN_ROWS", 1 << 62)
    alone = Training(data, config)
    sum_on_several_threads(monkeypatch)
    shared = Training(data, config)
    assert len(runs_alike(shared, alone, 400, chunk)) == len(range(0, 400, every))
    runs_alike(shared, alone, 123, chunk)  # continuing


def test_a_large_run_equals_the_same_run_on_one_thread_and_the_note(monkeypatch):
    at_least_two = max(2, row_errors.cores())
    monkeypatch.setattr(row_errors, "cores", lambda: at_least_two)
    x, y = table(row_errors.PARALLEL_MIN_ROWS + 5000)
    data = Dataset.from_arrays(x, y)
    config = TrainConfig(alpha=0.2, iterations=600, seed=4, every=150)
    parallel = Training(data, config)
    first = parallel.advance(1)  # iteration 0 is a checkpoint, the last step taken
    assert first.train_error[0] == note_error(parallel._x, parallel._y, parallel.weights, parallel.bias)
    rest = parallel.advance(450)  # ends on iteration 450, a checkpoint
    assert rest.train_error[-1] == note_error(parallel._x, parallel._y, parallel.weights, parallel.bias)
    monkeypatch.setattr(row_errors, "PARALLEL_MIN_ROWS", 1 << 62)
    alone = Training(data, config)
    expected = alone.advance(451)
    assert np.concatenate([first.train_error, rest.train_error]).tolist() == expected.train_error.tolist()
    assert parallel.weights.tolist() == alone.weights.tolist() and parallel.bias == alone.bias


def test_an_error_that_stops_being_finite_stops_both_paths_alike(monkeypatch):
    x, y = table(200)
    data = Dataset.from_arrays(x, y)
    config = TrainConfig(iterations=500, every=10, test_fraction=0.3)
    monkeypatch.setattr(row_errors, "PARALLEL_MIN_ROWS", 1 << 62)
    alone = Training(data, config)
    sum_on_several_threads(monkeypatch)
    shared = Training(data, config)
    runs_alike(shared, alone, 55)
    for training in (shared, alone):
        training._test_x[-1, 0] = np.nan  # as if a held-out row could not be summed
    runs_alike(shared, alone, 100)
    assert shared.failed and "iteration 60" in shared.stop_reason


def test_no_helper_thread_outlives_its_run(parallel_everywhere):
    x, y = table(500)
    training = Training(Dataset.from_arrays(x, y), TrainConfig(iterations=5000, every=3))
    chunks = training.run(chunk=40)
    next(chunks)
    assert any(t.name.startswith("row-errors") for t in threading.enumerate())
    chunks.close()  # a driver stopping early
    assert not any(t.name.startswith("row-errors") for t in threading.enumerate())
    training.advance(100)
    assert not any(t.name.startswith("row-errors") for t in threading.enumerate())


def test_runs_in_several_threads_at_once_keep_their_own_numbers(parallel_everywhere):
    x, y = table(400)
    data = Dataset.from_arrays(x, y)
    configs = [TrainConfig(iterations=600, every=2, seed=s) for s in range(4)]
    results: dict[int, list] = {}

    def train(k):
        got = Training(data, configs[k]).advance(chunk=17)
        results[k] = got.train_error.tolist()

    threads = [threading.Thread(target=train, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for k, config in enumerate(configs):
        assert results[k] == Training(data, config).advance().train_error.tolist()


# -- chunk sizes -------------------------------------------------------------------
SHAPES = [(d, rows, test, every)
          for d in (1, 2, 8, 40)
          for rows, test in ((1, 0), (8, 0), (1000, 0), (20_000, 5_000), (1_000_000, 0),
                             (700_000, 300_000), (10_000_000, 0))
          for every in (1, 7, 100, 1000, 100_000, 100_000_000)]


def test_a_chunk_is_bounded_in_time_and_never_a_few_steps_of_overhead():
    for shape in SHAPES:
        chunk_is_bounded(*shape)


def chunk_is_bounded(d, rows, test, every):
    chunk = checkpoint_cost.chunk_size(d, rows, test, every)
    assert 1 <= chunk <= checkpoint_cost.MAX_CHUNK
    step = checkpoint_cost.step_seconds(d, rows)
    check = checkpoint_cost.checkpoint_seconds(d, rows, test)
    checkpoints = -(-chunk // every)  # at most this many in a chunk, wherever it starts
    # A chunk stays within its time, but for one checkpoint that alone takes longer.
    assert chunk * step + checkpoints * check <= checkpoint_cost.CHUNK_SECONDS + check
    if check > checkpoint_cost.CHUNK_SECONDS:  # each chunk then pays for a checkpoint
        assert chunk >= min(every, checkpoint_cost.MAX_CHUNK, 0.9 * checkpoint_cost.CHUNK_SECONDS / step)
    if rows <= 1000 and d <= 8:
        assert chunk >= 1000  # small data: thousands of steps for each return to Python


def test_training_chunk_sizes_follow_the_table():
    x, y = table(50_000)
    data = Dataset.from_arrays(x, y)
    often = Training(data, TrainConfig(every=10)).chunk_size()
    rarely = Training(data, TrainConfig(every=10_000)).chunk_size()
    assert 1 <= often < rarely <= checkpoint_cost.MAX_CHUNK
    assert Training(note_table(), TrainConfig(every=1)).chunk_size() >= 10_000


# -- checkpoint advice ----------------------------------------------------------------
def test_the_advice_speaks_only_when_checkpoints_dominate():
    assert checkpoint_cost.advice(0.2, 1_000_000, 100) is None
    assert checkpoint_cost.advice(0.5, 1_000_000, 100) is None
    sentence = checkpoint_cost.advice(0.9, 1_000_000, 100)
    assert "1,000,000 rows" in sentence and "90 %" in sentence and "Checkpoint every" in sentence
    assert "now 100" in sentence and "\n" not in sentence


@pytest.mark.parametrize("share", [0.51, 0.75, 0.9, 0.99, 0.9999, 1.0])
@pytest.mark.parametrize("every", [1, 3, 100, 12_345])
def test_the_suggested_interval_brings_checkpoints_down_to_a_fifth(share, every):
    sentence = checkpoint_cost.advice(share, 5000, every)
    suggested = int(sentence.split(" to ")[1].split(" or more")[0].replace(",", ""))
    str_lead = str(suggested)[0]
    assert str_lead in "125" and set(str(suggested)[1:]) <= {"0"}
    # share = c / (c + every * s), so c / s = every * share / (1 - share).
    if share < 1.0:
        ratio = every * share / (1 - share)
        assert ratio / (ratio + suggested) <= 0.2 + 1e-9 or suggested == 10**8


def test_a_run_knows_when_checkpoints_take_its_time():
    small = Training(note_table(), TrainConfig())
    assert small.checkpoint_advice() is None
    small.advance()
    assert small.checkpoint_advice() is None and 0 <= small.checkpoint_share() < 0.5
    assert small.step_seconds > 0
    x, y = table(20_000)
    large = Training(Dataset.from_arrays(x, y), TrainConfig(iterations=300, every=1))
    assert large.checkpoint_share() > 0.9  # before it runs: the estimate
    large.advance()
    assert large.checkpoint_share() > 0.5 and large.checkpoint_seconds > 0
    assert "20,000 rows" in large.checkpoint_advice()
