"""Extreme numbers: learning rates and inputs at the edges, tiny and degenerate data sets.
No warning leaks, no NaN reaches a plot, and a run whose numbers break stops and says so."""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gui.main_window import MAX_SPEED, MainWindow
from tests.gui_helpers import TIMEOUT
from model import Dataset, Training, TrainConfig
from tests import reliability


DATA = {
    "huge inputs": ([[1e300, -1e300], [-1e300, 1e300], [1e300, 1e300]], [0, 1, 1]),
    "huge and tiny mixed": ([[1e300, 1e-300], [-1e-300, -1e300]], [1, 0]),
    "subnormal inputs": ([[5e-324, -5e-324], [1e-310, 2e-310]], [0, 1]),
    "a single row": ([[1.0, 2.0]], [1]),
    "all targets equal": ([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], [1, 1, 1]),
    "a constant column": ([[7.0, 1.0], [7.0, 2.0], [7.0, 3.0]], [0, 1, 0]),
    "one feature": ([[-1.0], [1.0]], [0, 1]),
}
ALPHAS = [0.0001, 0.1, 10.0, 1e300]


@pytest.mark.parametrize("alpha", ALPHAS)
@pytest.mark.parametrize("name", DATA)
def test_extreme_runs_stay_finite_and_quiet(name, alpha):
    features, target = DATA[name]
    data = Dataset.from_arrays(features, target)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        training = Training(data, TrainConfig(alpha=alpha, iterations=3000, every=10))
        checkpoints = training.advance()
        predictions = training.predict(data.features)
        accuracy = training.accuracy()
    reliability.count("extreme runs")
    assert np.all(np.isfinite(checkpoints.train_error))
    assert np.all(np.isfinite(training.weights)) and np.isfinite(training.bias)
    assert len(checkpoints) == 300 or training.failed
    if training.failed:
        assert "stopped at iteration" in training.stop_reason
    assert predictions.shape == (data.n_rows,) and accuracy[0] is None or 0 <= accuracy[0] <= 1


@pytest.mark.parametrize("name", ["huge inputs", "subnormal inputs", "a single row", "one feature"])
def test_the_window_shows_extreme_runs_without_nan(qtbot, name):
    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    features, target = DATA[name]
    w.table_model.set_dataset(Dataset.from_arrays(features, target))
    w.speed_combo.setCurrentIndex(MAX_SPEED)
    w.alpha_spin.setValue(10.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with qtbot.waitSignal(w.training_finished, timeout=TIMEOUT):
            w.train_button.click()
    x, y = w.error_plot.points()
    assert len(y) == 100 and np.all(np.isfinite(y))
    curve_y = w.error_plot.train_curve.getOriginalDataset()[1]
    assert np.all(np.isfinite(curve_y))
    image = w.boundary_plot.output
    assert image.shape == (120, 120)
    texts = [w.table_model.data(w.table_model.index(r, 3)) for r in range(w.table_model.rowCount())]
    assert all("nan" not in t.lower() for t in texts), texts
    reliability.count("extreme runs")
    w.close()


def test_column_means_of_values_near_the_largest_float_do_not_overflow():
    from model.dataset import column_means

    top = np.finfo(np.float64).max
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        means = column_means(np.array([[top, -top], [top, -top], [top, -top]]))
    assert means.tolist() == [top, -top]


@given(st.integers(1, 40).flatmap(lambda rows: st.integers(1, 12).flatmap(
    lambda features: st.lists(st.lists(st.floats(-1e6, 1e6), min_size=features + 1,
                                       max_size=features + 1),
                              min_size=rows, max_size=rows))))
def test_column_means_are_each_columns_mean(rows):
    """Each column's mean, whatever the layout of the array it is given (the table's
    features are a strided view of its values), a few columns or many."""
    from model.dataset import column_means

    values = np.array(rows, dtype=np.float64)
    features = values[:, :-1]
    expected = [math.fsum(features[:, j]) / len(features) for j in range(features.shape[1])]
    assert column_means(features) == pytest.approx(expected, rel=1e-12, abs=1e-6)
    assert np.array_equal(column_means(features), column_means(np.ascontiguousarray(features)))
    assert np.all((features.min(axis=0) <= column_means(features))
                  & (column_means(features) <= features.max(axis=0)))
