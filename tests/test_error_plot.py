"""The error plot draws a long run as the envelope of its checkpoints, kept up to date as
they arrive, and the checkpoints themselves where there are few of them (or when zoomed in)."""
from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from gui.error_plot import MAX_BUCKETS, RAW_POINTS, ErrorPlot, _Envelope
from model import Checkpoints
from model.history import History


def random_walk(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rs = np.random.RandomState(seed)
    return np.arange(n, dtype=np.float64) * 100, 5 + np.cumsum(rs.randn(n))


def fill(plot: ErrorPlot, x: np.ndarray, y: np.ndarray, chunk: int = 7919,
         history: History | None = None) -> History:
    """Record checkpoints in a history in batches as a run does, redrawing now and then."""
    if history is None:
        history = History(with_test=False)
        plot.show(history)
    plot.expect_until(int(x[-1]))
    for start in range(0, len(x), chunk):
        at = x[start:start + chunk].astype(np.int64)
        history.extend(Checkpoints(at, y[start:start + chunk], None))
        plot.mark_changed()
        if start % (5 * chunk) == 0:
            plot.refresh()
    plot.refresh()
    return history


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(1, 3000), min_size=1, max_size=40), st.integers(0, 2**31))
def test_the_envelope_is_the_min_and_max_of_each_bucket_however_points_arrive(chunks, seed):
    y = np.random.RandomState(seed % 2**32).randn(sum(chunks))
    envelope = _Envelope()
    end = 0
    for size in chunks:
        end += size
        envelope.update(y[:end])
    count, size = envelope.count, envelope.size
    assert count <= MAX_BUCKETS and end - envelope.covered < 2 * size
    blocks = y[:count * size].reshape(count, size)
    assert np.array_equal(envelope.low[:count], blocks.min(axis=1))
    assert np.array_equal(envelope.high[:count], blocks.max(axis=1))


def test_a_long_run_is_drawn_as_its_envelope(qtbot):
    plot = ErrorPlot()
    qtbot.addWidget(plot)
    x, y = random_walk(300_000)
    fill(plot, x, y)
    shown_x, shown_y = plot.train_curve.getOriginalDataset()
    assert len(shown_y) <= 2 * MAX_BUCKETS + 2 * plot._train.envelope.size
    assert shown_y.min() == y.min() and shown_y.max() == y.max()
    assert shown_x[0] == x[0] and shown_x[-1] == x[-1]
    # Each bucket is a stroke from its minimum to its maximum at its first checkpoint.
    size = plot._train.envelope.size
    for b in (0, 17, 1000):
        assert shown_x[2 * b] == shown_x[2 * b + 1] == x[b * size]
        assert [shown_y[2 * b], shown_y[2 * b + 1]] == [y[b * size:(b + 1) * size].min(),
                                                        y[b * size:(b + 1) * size].max()]
    # Every checkpoint is still kept, for saving and exporting.
    kept_x, kept_y = plot.points()
    assert kept_x.tolist() == x.tolist() and kept_y.tolist() == y.tolist()


def test_a_short_run_is_drawn_point_for_point(qtbot):
    plot = ErrorPlot()
    qtbot.addWidget(plot)
    x, y = random_walk(RAW_POINTS)
    fill(plot, x, y, chunk=1000)
    shown_x, shown_y = plot.train_curve.getOriginalDataset()
    assert shown_x.tolist() == x.tolist() and shown_y.tolist() == y.tolist()


def test_zooming_in_draws_the_checkpoints_in_view(qtbot):
    plot = ErrorPlot()
    qtbot.addWidget(plot)
    x, y = random_walk(200_000, seed=3)
    fill(plot, x, y)
    view = plot.getPlotItem().getViewBox()
    view.setXRange(x[50_000], x[51_000], padding=0)
    shown_x, shown_y = plot.train_curve.getOriginalDataset()
    first, last = np.searchsorted(shown_x, [x[50_000], x[51_000]])
    assert shown_x[first:last + 1].tolist() == x[50_000:51_001].tolist()
    assert shown_y[first:last + 1].tolist() == y[50_000:51_001].tolist()
    # A wider view shows the envelope of what it holds: its extremes, in few points.
    view.setXRange(x[20_000], x[120_000], padding=0)
    shown_x, shown_y = plot.train_curve.getOriginalDataset()
    assert len(shown_y) <= 2 * MAX_BUCKETS + 100
    assert shown_y.min() <= y[20_000:120_000].min() and shown_y.max() >= y[20_000:120_000].max()
    # Back to the whole run: the envelope again.
    view.setXRange(x[0], x[-1])
    assert plot.train_curve.getOriginalDataset()[1].max() == y.max()


def test_clearing_starts_a_new_envelope(qtbot):
    plot = ErrorPlot()
    qtbot.addWidget(plot)
    fill(plot, *random_walk(50_000))
    plot.clear_curves()
    x, y = random_walk(100, seed=1)
    history = fill(plot, x, y)
    assert plot.train_curve.getOriginalDataset()[1].tolist() == y.tolist()
    more_x, more_y = random_walk(20_000, seed=2)
    fill(plot, more_x + x[-1] + 100, more_y, history=history)  # the run continues
    shown_y = plot.train_curve.getOriginalDataset()[1]
    assert len(shown_y) <= 2 * MAX_BUCKETS + 100
    assert shown_y.max() == max(y.max(), more_y.max()) and shown_y.min() == min(y.min(), more_y.min())
