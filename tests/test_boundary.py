"""Seeing the neuron decide: the boundary, clicks that edit the data, undo, predictions."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from tests.gui_helpers import TIMEOUT, train
from model import Dataset, Plane, Training, TrainConfig, note_table, output_image, predict, read_csv
from resources import EXAMPLES






def click(w, x, y, modifier=Qt.KeyboardModifier.NoModifier):
    """A real mouse click on the boundary plot at data coordinates (x, y)."""
    plot = w.boundary_plot
    view = plot.getPlotItem().getViewBox()
    pos = plot.mapFromScene(view.mapViewToScene(QPointF(x, y)))
    QTest.mouseClick(plot.viewport(), Qt.MouseButton.LeftButton, modifier, pos)
    # Between two clicks of a person the event loop turns, and the window redraws what an
    # edit changed (once per turn, however many edits came).
    QApplication.processEvents()


# -- the model's picture ---------------------------------------------------------------

def test_output_image_is_predict_at_every_grid_point():
    rs = np.random.RandomState(0)
    features = rs.randn(30, 4)
    plane = Plane.around(features, x_column=2, y_column=0)
    weights, bias = rs.randn(4), 0.3
    image = output_image(plane, weights, bias, resolution=50)
    xs, ys, rows = plane.grid_features(50)
    assert image.shape == (50, 50)
    for i in (0, 17, 49):
        for j in (0, 23, 49):
            row = plane.held.copy()
            row[2], row[0] = xs[i], ys[j]
            assert rows[j * 50 + i].tolist() == row.tolist()  # the cell's own features
            np.testing.assert_allclose(image[i, j], predict(row[None, :], weights, bias)[0],
                                       rtol=1e-15)
    assert np.array_equal(image.T.ravel(), predict(rows, weights, bias))
    # the features not shown are held at their mean
    assert np.allclose(rows[:, [1, 3]], features.mean(axis=0)[[1, 3]])


def test_boundary_image_equals_the_trained_neurons_predictions(qtbot, window):
    train(qtbot, window)
    plot, training = window.boundary_plot, window.document.run.state
    _, _, rows = plot.plane.grid_features(plot.output.shape[0])
    assert np.array_equal(plot.output.T.ravel(), training.predict(rows))
    assert np.array_equal(plot.image.image, plot.output)
    # The 0.5 contour is drawn: the neuron's line crosses this picture.
    plot.contour.generatePath()  # (pyqtgraph makes it lazily, at paint time)
    assert plot.contour.path is not None and not plot.contour.path.isEmpty()


# -- clicks, rows and undo -----------------------------------------------------------------

def test_clicks_add_and_delete_rows_and_undo_restores_them(qtbot, window):
    model = window.table_model
    original = model.values.copy()
    click(window, 2.0, 3.0)
    assert model.rowCount() == 9 and model.values[8, 2] == 1.0
    assert model.values[8, :2] == pytest.approx([2.0, 3.0], abs=0.05)
    click(window, 4.5, 3.5, Qt.KeyboardModifier.ShiftModifier)
    assert model.rowCount() == 10 and model.values[9, 2] == 0.0
    click(window, 5.5, 1.0, Qt.KeyboardModifier.ControlModifier)  # nearest is row 7 (5.5, 1)
    assert model.rowCount() == 9
    assert [5.5, 1.0, 1.0] not in model.values.tolist()
    assert window.boundary_plot.points.data.shape[0] == 9  # the plot shows the same rows
    for _ in range(3):
        window.data_panel.undo_action.trigger()
    assert model.values.tolist() == original.tolist()
    window.data_panel.redo_action.trigger()
    assert model.rowCount() == 9
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert model.values.tolist() == original.tolist()


def test_every_kind_of_edit_is_undoable(qtbot, window):
    model = window.table_model
    original = model.values.copy()
    assert model.setData(model.index(1, 0), "9")
    window.add_row_button.click()
    window.table.selectRow(0)
    window.delete_rows_button.click()
    window.load_example(EXAMPLES[2])
    assert model.rowCount() == 60
    stack = model.undo_stack
    assert stack.count() == 4
    while stack.canUndo():
        stack.undo()
    assert model.values.tolist() == original.tolist()
    while stack.canRedo():
        stack.redo()
    assert model.rowCount() == 60


def test_clicks_on_a_one_feature_data_set_use_the_target_axis(qtbot, window):
    model = window.table_model
    model.set_dataset(Dataset.from_arrays([[0.0], [1.0], [2.0], [3.0]], [0, 0, 1, 1]))
    qtbot.waitUntil(lambda: not window.boundary_panel.y_combo.isEnabled())
    click(window, 1.5, 0.5)
    assert model.rowCount() == 5 and model.values[4, 0] == pytest.approx(1.5, abs=0.05)
    train(qtbot, window)
    assert window.boundary_plot.output.shape == (120, 120)


# -- predictions in the table ----------------------------------------------------------------

def test_prediction_columns_follow_the_neuron_and_mark_wrong_rows(qtbot, window):
    model = window.table_model
    assert model.data(model.index(0, 3)) == "—"
    train(qtbot, window)
    p = window.document.run.state.predict(note_table().features)
    for row in range(8):
        y = note_table().target[row]
        wrong = (p[row] >= 0.5) != (y == 1.0)
        assert model.data(model.index(row, 3)) == f"{'✗ ' if wrong else ''}{p[row]:.4f}"
        assert model.data(model.index(row, 4)) == f"{(p[row] - y) ** 2:.4f}"
        assert (model.data(model.index(row, 3), Qt.ItemDataRole.ForegroundRole) is not None) == wrong
    assert any(model.data(model.index(r, 3)).startswith("✗") for r in range(8))


def test_predictions_update_live_during_a_run(qtbot, window):
    model = window.table_model
    window.speed_combo.setCurrentIndex(0)  # slow
    seen = set()
    window.train_button.click()
    qtbot.waitUntil(lambda: seen.add(model.data(model.index(0, 3))) or len(seen - {"—"}) >= 3,
                    timeout=TIMEOUT)
    with qtbot.waitSignal(window.training_finished, timeout=TIMEOUT):
        window.stop_button.click()


def test_sorting_by_prediction_keeps_the_data_in_order(qtbot, window):
    train(qtbot, window)
    view_model = window.table.model()
    window.table.sortByColumn(3, Qt.SortOrder.AscendingOrder)
    shown = [float(view_model.data(view_model.index(r, 3)).lstrip("✗ ")) for r in range(8)]
    assert shown == sorted(shown)
    assert window.table_model.values.tolist() == np.column_stack(
        [note_table().features, note_table().target]).tolist()
    # Deleting a sorted row deletes that row of the data, not the one in its place.
    lowest = int(np.argmin(window.document.run.state.predict(note_table().features)))
    window.table.selectRow(0)
    window.delete_rows_button.click()
    assert window.table_model.rowCount() == 7
    expected = np.delete(np.column_stack([note_table().features, note_table().target]), lowest, 0)
    assert window.table_model.values.tolist() == expected.tolist()


# -- held-out rows, accuracy, the predict panel ---------------------------------------------------

def test_held_out_rows_are_marked_and_drawn_hollow(qtbot, window):
    window.test_fraction_spin.setValue(0.25)
    model = window.table_model
    qtbot.waitUntil(lambda: model.held_out().sum() == 2)  # redrawn once the event loop turns
    mask = model.held_out()
    for row in range(8):
        label = model.headerData(row, Qt.Orientation.Vertical)
        assert label.endswith("◦") == bool(mask[row])
    brushes = [b.color().alpha() for b in window.boundary_plot.points.data["brush"]]
    assert [alpha == 0 for alpha in brushes] == mask.tolist()
    train(qtbot, window)
    assert window.document.run.test_rows.tolist() == np.flatnonzero(mask).tolist()
    assert window.error_plot.points("test")[0].size == 100
    assert "held-out rows" in window.model_label.text()


def test_accuracy_shown_on_a_hand_checked_case(qtbot, window):
    window.table_model.set_dataset(Dataset.from_arrays([[-3.0], [-1.0], [1.0], [3.0]], [0, 0, 1, 1]))
    window.alpha_spin.setValue(0.5)
    window.iterations_spin.setValue(5000)
    train(qtbot, window)
    assert "Accuracy on training rows: 100%" in window.model_label.text()


def test_predict_panel_answers_with_the_current_neuron(qtbot, window):
    panel = window.predict_panel
    assert "train the neuron first" in panel.answer.text()
    train(qtbot, window)
    panel._spins[0].setValue(3.0)
    panel._spins[1].setValue(4.0)
    p = float(window.document.run.state.predict(np.array([[3.0, 4.0]]))[0])
    assert panel.answer.text() == f"ŷ = {p:.4f} → class {1 if p >= 0.5 else 0}"


# -- examples ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.file)
def test_every_example_loads_and_trains(example):
    data = read_csv(example.path)
    assert data.n_rows >= 8 and data.n_features == 2 and data.is_binary
    training = Training(data, TrainConfig(iterations=20_000))
    checkpoints = training.advance()
    assert len(checkpoints) == 200 and np.all(np.isfinite(checkpoints.train_error))


def test_examples_teach_what_they_say():
    def accuracy(name):
        training = Training(read_csv(next(e.path for e in EXAMPLES if e.file == name)),
                            TrainConfig(iterations=50_000))
        training.advance()
        return training.accuracy()[0]

    assert accuracy("separable.csv") == 1.0
    assert accuracy("xor.csv") < 0.8
    assert accuracy("circle.csv") < 0.8
    assert 0.6 < accuracy("overlap.csv") < 1.0


def test_xor_fails_until_a_few_clicks_make_it_separable(qtbot, window):
    xor = next(e for e in EXAMPLES if e.file == "xor.csv")
    window.load_example(xor)
    window.iterations_spin.setValue(50_000)
    train(qtbot, window)
    assert window.document.run.accuracy()[0] < 0.8
    # Ctrl+click away the cluster of class 1 around (-1, 1): what is left is separable.
    model = window.table_model
    corner = [r for r, (x, y, t) in enumerate(model.values) if x < 0 < y and t == 1.0]
    for row in sorted(corner, reverse=True):
        x, y = model.values[row, :2]
        click(window, x, y, Qt.KeyboardModifier.ControlModifier)
    assert model.rowCount() == 60 - len(corner)
    assert not any(x < 0 < y and t == 1.0 for x, y, t in model.values)
    train(qtbot, window)
    assert window.document.run.accuracy()[0] == 1.0


def test_table_model_with_predictions_and_held_out_rows_passes_qt_checks(qtbot, window, qtmodeltester):
    window.test_fraction_spin.setValue(0.25)
    train(qtbot, window)
    qtmodeltester.check(window.table_model)


@given(st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=1, max_size=6))
def test_the_planes_span_is_always_drawable(values):
    """A span that is zero, subnormal or overflowing would make the view's scale infinite
    (the drawing library then crashes); whatever the data, the span stays sane."""
    features = np.array([values, values[::-1]], dtype=np.float64).T
    plane = Plane.around(features, 0, 1)
    for low, high in (plane.x_range, plane.y_range):
        assert np.isfinite(low) and np.isfinite(high)
        assert 1e-100 <= high - low <= 1e301
        assert np.isfinite(1000 / (high - low))
