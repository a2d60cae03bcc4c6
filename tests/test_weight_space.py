"""Weight space: parameters at every checkpoint, the error landscape and its path,
rewinding to a checkpoint, and branching a new run from there."""
from __future__ import annotations

import io
import json
from contextlib import redirect_stdout

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from cli import run_headless
from gui.main_window import MAX_SPEED
from model import Checkpoints, Training, TrainConfig, note_table
from model.history import MAX_PARAMETERS, History
from model.landscape import Grid, branch_state, error_grid, gradient, principal_plane
from tests.gui_helpers import TIMEOUT, train
from tests.note_oracle import NoteNeuron


def oracle_params(iterations: int, every: int, alpha: float = 0.1, seed: int = 42):
    table = note_table()
    neuron = NoteNeuron(2, alpha, seed)
    out = []
    for i in range(iterations):
        k = neuron.random.randint(8)
        neuron._update(*neuron._gradients(table.features[k], table.target[k]))
        if i % every == 0:
            out.append(list(neuron.weights) + [neuron.bias])
    return np.array(out)


def test_the_headless_checkpoints_hold_the_parameters_after_each_update():
    out = io.StringIO()
    with redirect_stdout(out):
        assert run_headless(["--json", "--iterations", "2000", "--every", "50"]) == 0
    checkpoints = json.loads(out.getvalue())["checkpoints"]
    expected = oracle_params(2000, 50)
    assert np.array_equal(np.array(checkpoints["weights"]), expected[:, :2])
    assert np.array_equal(np.array(checkpoints["bias"]), expected[:, 2])


def test_the_parameter_history_stays_bounded_for_wide_tables():
    width = 101
    history = History(False)
    n = MAX_PARAMETERS // width + 5000
    history.extend(Checkpoints(np.arange(n, dtype=np.int64), np.zeros(n), None,
                               np.zeros((n, width))))
    assert history.params.size <= MAX_PARAMETERS and history.stride == 2
    assert len(history.params) == len(history)


def test_the_landscape_is_the_error_at_the_centres_of_its_pixels():
    table = note_table()
    params = np.array([0.3, -0.2, 0.1])
    grid = Grid(0, 2, (-1.0, 2.0), (-3.0, 1.0), params, 16)
    usual = error_grid(table.features, table.target, grid)
    precise = error_grid(table.features, table.target, grid, precise=True)
    a, b = grid.centres()
    for i, j in ((0, 0), (5, 11), (15, 15)):
        w = params.copy()
        w[0], w[2] = a[i], b[j]
        z = table.features @ w[:2] + w[2]
        expected = np.sum((1 / (1 + np.exp(-z)) - table.target) ** 2)
        assert precise[i, j] == pytest.approx(expected, rel=1e-12)
        assert usual[i, j] == pytest.approx(expected, rel=1e-5)


def plain_grid(x, y, grid):
    """Every cell's error as NumPy computes the note's formula, one cell at a time."""
    a, b = grid.centres()
    out = np.empty((a.size, b.size))
    with np.errstate(all="ignore"):
        for i in range(a.size):
            for j in range(b.size):
                if grid.directions is None:
                    p = np.array(grid.params, dtype=np.float64)
                    p[grid.across], p[grid.up] = a[i], b[j]
                else:
                    p = grid.params + a[i] * grid.directions[0] + b[j] * grid.directions[1]
                out[i, j] = np.sum((1 / (1 + np.exp(-(x @ p[:-1] + p[-1]))) - y) ** 2)
    return out


@given(rows=st.integers(1, 60), features=st.integers(1, 3), cells=st.integers(1, 20),
       scale=st.sampled_from([0.1, 1.0, 30.0, 400.0, 1e4]),
       targets=st.sampled_from(["binary", "any"]), plane=st.booleans(),
       seed=st.integers(0, 2 ** 32 - 1))
def test_every_cell_of_a_landscape_is_the_notes_error_there(rows, features, cells, scale,
                                                             targets, plane, seed):
    """Small and huge numbers (single precision, double, and NumPy for what fits neither),
    targets other than 0 and 1, planes of the path: each cell is NumPy's value there, to a
    few parts in a million (precise: in ten thousand billion), and a grid's values do not
    depend on how many threads shared it."""
    rs = np.random.default_rng(seed)
    x = rs.normal(size=(rows, features)) * scale
    y = (rs.random(rows) < 0.5).astype(float) if targets == "binary" else rs.random(rows)
    params = rs.normal(size=features + 1) * 2
    directions = rs.normal(size=(2, features + 1)) if plane else None
    across, up = rs.choice(features + 1, 2, replace=False)
    grid = Grid(int(across), int(up), (-3.0, 2.0), (-1.0, 4.0), params, cells, directions)
    expected = plain_grid(x, y, grid)
    noise = 1e-14 * rows  # NumPy's own rounding where 1 / (1 + exp(-z)) is nearly y
    for precise, rel in ((False, 1e-5), (True, 1e-10)):
        values = error_grid(x, y, grid, precise=precise)
        np.testing.assert_allclose(values, expected, rtol=rel, atol=noise)
        assert np.array_equal(error_grid(x, y, grid, threads=1, precise=precise),
                              error_grid(x, y, grid, threads=2, precise=precise))


def test_a_landscape_of_an_infinite_parameter_is_the_notes_too():
    table = note_table()
    grid = Grid(0, 1, (-1.0, 1.0), (-1.0, 1.0), np.array([0.0, 0.0, np.inf]), 8)
    np.testing.assert_array_equal(error_grid(table.features, table.target, grid),
                                  plain_grid(table.features, table.target, grid))


def test_the_gradient_is_the_errors_slope():
    table = note_table()
    params = np.array([0.3, -0.2, 0.1])

    def error(p):
        z = table.features @ p[:2] + p[2]
        return np.sum((1 / (1 + np.exp(-z)) - table.target) ** 2)
    g = gradient(table.features, table.target, params)
    for i in range(3):
        step = np.zeros(3)
        step[i] = 1e-6
        assert g[i] == pytest.approx((error(params + step) - error(params - step)) / 2e-6,
                                     rel=1e-5)


def test_a_branch_from_a_checkpoint_equals_a_run_that_never_stopped():
    run = Training(note_table(), TrainConfig(iterations=3000, every=100))
    checkpoints = run.advance()
    k = 12  # the checkpoint at iteration 1,200
    start = branch_state(run.snapshot(), 8, int(checkpoints.iteration[k]), checkpoints.params[k])
    branch = Training.resume(note_table(), start)
    branch.advance(3000 - 1201)
    assert np.array_equal(branch.weights, run.weights) and branch.bias == run.bias


def test_the_principal_plane_of_a_straight_path_explains_it_all():
    path = np.outer(np.linspace(0, 1, 20), [1.0, 2.0, -1.0])
    _, directions, share = principal_plane(path)
    assert share[0] == pytest.approx(1.0)
    assert abs(directions[0] @ np.array([1, 2, -1]) / np.sqrt(6)) == pytest.approx(1.0)


# -- the window ------------------------------------------------------------------------------
@pytest.fixture
def trained(qtbot, window):
    window.speed_combo.setCurrentIndex(MAX_SPEED)
    window.iterations_spin.setValue(3000)
    train(qtbot, window)
    return window


def test_rewinding_shows_that_checkpoints_model_everywhere(qtbot, trained):
    w = trained
    expected = oracle_params(3000, 100)[12]
    assert w.rewind_to(1200) is None
    weights, bias = w.shown_parameters()
    assert np.array_equal(weights, expected[:2]) and bias == expected[2]
    assert np.array_equal(w.boundary_plot._weights, expected[:2])
    p = w.table_model.predictions()[0]
    features = w.document.values[:, :-1]  # the same array the table's column is made from
    assert np.array_equal(p, 1 / (1 + np.exp(-(features @ expected[:2] + expected[2]))))
    assert w.predict_panel.prediction() == pytest.approx(
        1 / (1 + np.exp(-(w.predict_panel.features() @ expected[:2] + expected[2]))))
    assert "rewound" in w.model_label.text()
    assert w.rewind_cursor.line.isVisible() and w.rewind_cursor.line.value() == 1200
    # Arrow keys move by one checkpoint; Esc comes back to the run as it is.
    w.show()
    w.error_plot.setFocus()
    QTest.keyClick(w.error_plot, Qt.Key.Key_Right)
    assert w.document.rewound_iteration() == 1300
    QTest.keyClick(w.error_plot, Qt.Key.Key_Left)
    QTest.keyClick(w.error_plot, Qt.Key.Key_Left)
    assert w.document.rewound_iteration() == 1100
    QTest.keyClick(w.error_plot, Qt.Key.Key_Escape)
    assert w.document.rewound is None and not w.rewind_cursor.line.isVisible()
    assert np.array_equal(w.shown_parameters()[0], w.document.run.state.weights)


def test_on_a_big_table_the_rewound_accuracy_is_measured_once_the_rewinding_pauses(
        qtbot, trained, monkeypatch):
    """Each measure is a pass over every row (20-45 ms at a million rows): the arrow keys
    move at once, and the accuracy of the checkpoint they stop at follows."""
    import gui.views
    import model.document

    w = trained
    monkeypatch.setattr(gui.views, "LIVE_ACCURACY_ROWS", 4)  # the note's 8 rows count as big
    measured = []
    real = model.document.Run.accuracy
    monkeypatch.setattr(model.document.Run, "accuracy", lambda run, *args: (
        measured.append(args) or real(run, *args)))
    w.show()
    for iteration in (1200, 1300, 1400, 1500):
        assert w.rewind_to(iteration) is None
        assert "measuring" in w.model_label.text() and "Accuracy on" not in w.model_label.text()
    assert [args for args in measured if args] == []
    qtbot.waitUntil(lambda: "Accuracy on training rows" in w.model_label.text(), timeout=TIMEOUT)
    weights, bias = w.shown_parameters()
    rewound = [args for args in measured if args]
    assert len(rewound) == 1 and np.array_equal(rewound[0][0], weights) and rewound[0][1] == bias
    accuracy = w.document.run.accuracy(weights, bias)[0]
    assert f"Accuracy on training rows: {accuracy:.0%}" in w.model_label.text()
    assert "At iteration 1,500 (rewound)" in w.model_label.text()


def test_the_landscape_draws_the_error_and_the_path(qtbot, trained):
    w = trained
    panel = w.landscape_panel
    w.plot_tabs.setCurrentWidget(panel)
    w.show()
    panel.refresh()
    panel.wait()
    qtbot.waitUntil(lambda: panel.errors is not None, timeout=TIMEOUT)
    assert w.landscape_plot.objectName() == "landscapePlot"
    assert panel.axes() == (0, 1)  # w1 across, w2 up
    run = w.document.run
    x, y = panel.path.getData()
    params = run.history.params
    assert np.array_equal(x[1:], params[:, 0]) and np.array_equal(y[1:], params[:, 1])
    assert x[0] == run.state.initial_weights[0]
    grid = panel.grid
    assert np.array_equal(grid.params, np.append(run.state.weights, run.state.bias))
    # Every pixel is the error at its centre (to the landscape's few parts in a million).
    np.testing.assert_allclose(panel.image.image,
                               plain_grid(note_table().features, note_table().target, grid),
                               rtol=1e-5, atol=1e-13)


def test_continue_after_a_rewind_branches_a_new_run(qtbot, trained):
    w = trained
    w.rewind_to(1200)
    w.iterations_spin.setValue(2000)
    train(qtbot, w, w.continue_button)
    fresh = Training(note_table(), TrainConfig())
    fresh.advance(1201 + 2000)
    run = w.document.run
    assert run.state.iteration == 3201 and run.number == 2
    assert np.array_equal(run.state.weights, fresh.weights) and run.state.bias == fresh.bias
    first = w.document.runs.get(1)
    assert first.iterations == 3000  # the run branched from is kept as it was
    # The branch's curve is the past up to the checkpoint, then its own.
    assert run.history.iteration[12] == 1200 and run.history.iteration[13] == 1300
    # The landscape draws both paths, to compare them: the branch's, and the original's.
    panel = w.landscape_panel
    w.plot_tabs.setCurrentWidget(panel)
    w.show()
    panel.refresh()
    shown = [item for item in panel.other_paths if item.isVisible()]
    assert [item.opts["name"] for item in shown] == ["path of run 1"]
    x, _ = shown[0].getData()
    assert np.array_equal(x[1:], first.params()[:, 0])


def test_sessions_keep_the_parameters_for_rewinding(qtbot, trained, tmp_path):
    w = trained
    path = tmp_path / "rewind.neuronlab"
    assert w.save_session_to(str(path))
    assert w.open_file(str(path))
    assert w.rewind_to(1200) is None
    assert np.array_equal(w.shown_parameters()[0], oracle_params(3000, 100)[12][:2])


def test_a_run_can_start_from_parameters_chosen_on_the_landscape(qtbot, trained):
    w = trained
    chosen = np.array([-1.0, 2.0, 0.5])
    assert w.start_from(chosen) is None
    run = w.document.run
    assert run.state.iteration == 0 and np.array_equal(run.state.initial_weights, chosen[:2])
    assert "chosen start" in w.document.runs.get(run.number).label
    w.iterations_spin.setValue(1000)
    train(qtbot, w, w.continue_button)
    # The note's loop from the same start: the seed's stream, only the start differs.
    table = note_table()
    neuron = NoteNeuron(2, 0.1, 42)
    neuron.weights, neuron.bias = chosen[:2].copy(), chosen[2]
    for _ in range(1000):
        k = neuron.random.randint(8)
        neuron._update(*neuron._gradients(table.features[k], table.target[k]))
    assert np.array_equal(w.document.run.state.weights, neuron.weights)
    assert w.document.run.state.bias == neuron.bias
    # A click on the landscape asks for the same, with the clicked parameters.
    panel = w.landscape_panel
    w.plot_tabs.setCurrentWidget(panel)
    w.show()
    panel.refresh()
    got = panel.params_at(0.25, -0.75)
    assert got[0] == 0.25 and got[1] == -0.75 and got[2] == w.document.run.state.bias


def test_the_paths_plane_and_the_drawn_row(qtbot, trained):
    w = trained
    panel = w.landscape_panel
    w.plot_tabs.setCurrentWidget(panel)
    w.show()
    panel.plane_check.setChecked(True)
    panel.refresh()
    panel.wait()
    qtbot.waitUntil(lambda: panel.grid is not None and panel.grid.directions is not None,
                    timeout=TIMEOUT)
    assert "variance" in panel.note.text()
    x, y = panel.path.getData()
    params = np.vstack([np.append(w.document.run.state.initial_weights,
                                  w.document.run.state.initial_bias), w.document.run.history.params])
    shown = np.append(*w.shown_parameters())
    assert np.allclose(np.column_stack([x, y]), (params - shown) @ panel.grid.directions.T)
    panel.plane_check.setChecked(False)
    with qtbot.waitSignal(w.training_finished, timeout=TIMEOUT):
        w.step()
    panel.row_check.setChecked(True)
    panel.refresh()
    assert f"row {w.document.step.row + 1} alone" in panel.note.text()


def test_a_long_path_is_drawn_through_an_even_sample_of_its_checkpoints(qtbot, window):
    from gui.landscape_plot import PATH_POINTS

    window.speed_combo.setCurrentIndex(MAX_SPEED)
    window.every_spin.setValue(1)
    window.iterations_spin.setValue(3 * PATH_POINTS)
    train(qtbot, window)
    panel = window.landscape_panel
    window.plot_tabs.setCurrentWidget(panel)
    panel.refresh()
    x, y = panel.path.getData()
    run = window.document.run
    history = run.history.params
    assert len(x) == PATH_POINTS
    assert x[0] == run.state.initial_weights[0] and y[0] == run.state.initial_weights[1]
    assert (x[-1], y[-1]) == (history[-1, 0], history[-1, 1])
    drawn = set(zip(x[1:].tolist(), y[1:].tolist()))
    assert drawn <= set(zip(history[:, 0].tolist(), history[:, 1].tolist()))


def test_an_even_sample_keeps_the_ends_and_spreads_evenly():
    from model.sampling import even_indices

    assert even_indices(5, 10).tolist() == [0, 1, 2, 3, 4]
    index = even_indices(1_000_001, 1000)
    assert index.size == 1000 and index[0] == 0 and index[-1] == 1_000_000
    gaps = np.diff(index)
    assert (gaps > 0).all() and gaps.max() - gaps.min() <= 1
