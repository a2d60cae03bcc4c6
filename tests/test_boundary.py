"""Seeing the neuron decide: the boundary, clicks that edit the data, undo, predictions."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from gui.parameters import speed_index
from tests.gui_helpers import TIMEOUT, train
from model import Dataset, Plane, Training, TrainConfig, note_table, output_image, predict, read_csv
from model.boundary import boundary_line, contour_lines
from resources import EXAMPLES

EPS = np.finfo(np.float64).eps


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
    # The 0.5 line is drawn: the neuron's line crosses this picture, and the curve is it.
    ends = boundary_line(plot.plane, training.weights, training.bias)
    assert ends is not None and np.array_equal(plot.line_ends, ends)
    x, y = plot.line.getData()
    assert x.tolist() == ends[:, 0].tolist() and y.tolist() == ends[:, 1].tolist()
    assert plot.line in plot.getPlotItem().items  # one item, updated in place
    window.reset_button.click()
    assert plot.line_ends is None and len(plot.line.getData()[0]) == 0


def test_one_feature_boundary_is_upright_across_the_target_axis(qtbot, window):
    window.table_model.set_dataset(Dataset.from_arrays([[-3.0], [-1.0], [1.0], [3.0]], [0, 0, 1, 1]))
    window.alpha_spin.setValue(0.5)
    train(qtbot, window)
    plot, training = window.boundary_plot, window.document.run.state
    ends = plot.line_ends
    assert ends is not None
    assert ends[0, 0] == ends[1, 0]  # upright
    assert sorted(ends[:, 1].tolist()) == list(plot.plane.y_range)  # the whole height
    assert abs(float(training.predict(ends[:1, :1])[0]) - 0.5) < 1e-12


# -- the 0.5 line, exactly ---------------------------------------------------------------

def rows_at(plane, points):
    """Feature rows for points (x, y) of a plane, the other features held."""
    rows = np.tile(np.asarray(plane.held, dtype=np.float64), (len(points), 1))
    rows[:, plane.x_column] = points[:, 0]
    if plane.y_column is not None:
        rows[:, plane.y_column] = points[:, 1]
    return rows


def rounding_scale(plane, weights, bias):
    """The size of the terms summed into z anywhere in the view: rounding is relative to it."""
    w = np.abs(weights)
    others = np.ones(len(w), bool)
    others[plane.x_column] = False
    total = abs(bias) + w[plane.x_column] * max(map(abs, plane.x_range))
    if plane.y_column is not None:
        others[plane.y_column] = False
        total += w[plane.y_column] * max(map(abs, plane.y_range))
    return total + float(np.sum(w[others] * np.abs(plane.held[others])))


def check_line(plane, weights, bias):
    ends = boundary_line(plane, weights, bias)
    scale = rounding_scale(plane, weights, bias)
    (x0, x1), (y0, y1) = plane.x_range, plane.y_range
    corners = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]])
    z_corners = rows_at(plane, corners) @ weights + bias
    if ends is None:
        # Nowhere in the view is the output on both sides of 0.5 (beyond rounding).
        assert z_corners.min() >= -1e-12 * scale or z_corners.max() <= 1e-12 * scale
        return None
    assert ends.shape == (2, 2) and not np.array_equal(ends[0], ends[1])
    for x, y in ends:  # each end on the view's edge
        assert x0 <= x <= x1 and y0 <= y <= y1
        assert x in (x0, x1) or y in (y0, y1)
    t = np.linspace(0.0, 1.0, 9)[:, None]
    points = ends[0] + t * (ends[1] - ends[0])
    p = predict(rows_at(plane, points), weights, bias)
    np.testing.assert_allclose(p, 0.5, rtol=0, atol=1e-12 * scale + EPS)
    return ends


magnitudes = st.builds(lambda m, e: m * 10.0 ** e, st.floats(-1, 1), st.integers(-8, 8))


@given(st.integers(1, 4), st.data())
def test_the_line_is_where_the_output_is_one_half(n_features, data):
    features = np.array(data.draw(st.lists(
        st.lists(magnitudes, min_size=n_features, max_size=n_features), min_size=1, max_size=6)))
    x_column = data.draw(st.integers(0, n_features - 1))
    y_column = None if n_features == 1 else data.draw(st.integers(0, n_features - 1))
    plane = Plane.around(features, x_column, y_column)
    weights = np.array(data.draw(st.lists(magnitudes | st.just(0.0),
                                          min_size=n_features, max_size=n_features)))
    check_line(plane, weights, data.draw(magnitudes | st.just(0.0)))


def test_lines_through_the_view_that_the_data_puts_there():
    rs = np.random.RandomState(1)
    features = rs.randn(40, 3) * [1.0, 50.0, 1e-3] + [0.0, 1000.0, 0.0]
    plane = Plane.around(features, 0, 1)
    drawn = 0
    for _ in range(200):
        weights = rs.randn(3) * [1.0, 0.02, 100.0]
        # A bias that puts the 0.5 line through a random point of the view.
        point = rows_at(plane, np.array([[rs.uniform(*plane.x_range), rs.uniform(*plane.y_range)]]))
        drawn += check_line(plane, weights, -float(point[0] @ weights)) is not None
    assert drawn == 200


def test_the_line_on_a_one_feature_plane_is_upright_across_the_target():
    plane = Plane.around(np.array([[0.0], [1.0], [4.0]]), 0, None)
    ends = check_line(plane, np.array([2.0]), -3.0)
    assert ends.tolist() == [[1.5, plane.y_range[0]], [1.5, plane.y_range[1]]]


def test_the_same_column_on_both_axes_gives_a_level_line():
    plane = Plane(0, 0, (0.0, 4.0), (-2.0, 2.0), np.zeros(2))
    ends = check_line(plane, np.array([2.0, 7.0]), -1.0)
    assert sorted(ends.tolist()) == [[0.0, 0.5], [4.0, 0.5]]


def test_a_line_along_an_edge_is_that_edge():
    plane = Plane(0, 1, (0.0, 1.0), (0.0, 1.0), np.zeros(2))
    ends = boundary_line(plane, np.array([0.0, 1.0]), 0.0)
    assert sorted(ends.tolist()) == [[0.0, 0.0], [1.0, 0.0]]


@pytest.mark.parametrize("weights, bias, held", [
    ([0.0, 0.0], 0.0, [0.0, 0.0]),          # no weights, no bias: 0.5 everywhere, no line
    ([0.0, 0.0], 1.0, [0.0, 0.0]),          # no weights: the output is flat
    ([0.0, 0.0, 3.0], -1.0, [0.0, 0.0, 1.0]),  # only an unshown feature matters
    ([1e-300, 1e-300], 1.0, [0.0, 0.0]),    # weights about 0 against the bias
    ([1e-30, -1e-30], 0.0, [0.0, 0.0]),     # tiny weights, no bias: still a real line (below)
    ([1.0, 1.0], -10.0, [0.0, 0.0]),        # the line misses the view
    ([1.0, 1.0], 0.0, [0.0, 0.0]),          # the line only touches a corner
    ([1e300, 1e300, 1e300], 0.0, [0.0, 0.0, 1e300]),  # the held share overflows
    ([np.finfo(float).max, -np.finfo(float).max], 0.0, [0.0, 0.0]),  # huge weights
])
def test_no_line_without_warnings_where_there_is_none_to_draw(weights, bias, held):
    weights, held = np.array(weights), np.array(held)
    plane = Plane(0, 1, (0.0, 1.0), (0.0, 1.0), held)
    ends = boundary_line(plane, weights, bias)  # filterwarnings = error: none may be raised
    if weights.tolist() == [1e-30, -1e-30]:
        # Tiny weights that still divide the view are a real line (the diagonal).
        assert sorted(ends.tolist()) == [[0.0, 0.0], [1.0, 1.0]]
    elif weights[0] == np.finfo(float).max:
        assert ends is not None  # huge but finite weights: the diagonal again
        assert sorted(ends.tolist()) == [[0.0, 0.0], [1.0, 1.0]]
    else:
        assert ends is None


def test_subnormal_and_huge_views_give_a_line_or_none_without_warnings():
    for span in (1e-310, 1e-100, 1e300):
        features = np.array([[-span, -span], [span, span]])
        plane = Plane.around(features, 0, 1)
        for weights in ([1.0, -1.0], [1e3, 1.0], [5e-324, 5e-324]):
            check_line(plane, np.array(weights), 0.0)
        # Where z itself would overflow the line is still found (x = -y / 1e300: upright).
        ends = boundary_line(plane, np.array([1e300, 1.0]), 0.0)
        assert np.all(np.abs(ends[:, 0]) <= 2e-300 * max(map(abs, plane.y_range)))
        assert sorted(ends[:, 1].tolist()) == list(plane.y_range)


# -- contours of a grid, for outputs that are not a straight line ----------------------------

def test_contourpy_traces_the_same_line_on_a_neuron():
    rs = np.random.RandomState(7)
    features = rs.randn(30, 3)
    plane = Plane.around(features, 2, 0)
    weights, bias = np.array([1.5, -0.4, 0.8]), 0.2
    xs, ys, _ = plane.grid_features(150)
    lines = contour_lines(xs, ys, output_image(plane, weights, bias, 150))
    assert len(lines) == 1
    line = lines[0]
    # Its points are where the output is 0.5, to the accuracy of interpolating the sigmoid
    # linearly between grid points (about 1e-6 here) ...
    p = predict(rows_at(plane, line), weights, bias)
    np.testing.assert_allclose(p, 0.5, atol=1e-5)
    # ... and it runs between the same ends as the exact line, clipped to the grid's extent.
    grid = Plane(plane.x_column, plane.y_column, (xs[0], xs[-1]), (ys[0], ys[-1]), plane.held)
    exact = boundary_line(grid, weights, bias)
    contour_ends = sorted(line[[0, -1]].tolist())
    size = np.array([xs[-1] - xs[0], ys[-1] - ys[0]])
    np.testing.assert_allclose(np.array(contour_ends) / size, np.array(sorted(exact.tolist())) / size,
                               atol=1e-5)


def test_contourpy_is_exact_on_a_linear_field():
    xs, ys = np.linspace(-3.0, 5.0, 41), np.linspace(-1.0, 2.0, 31)
    a, b, c = 0.7, -2.0, 0.9
    field = a * xs[:, None] + b * ys[None, :] + c  # indexed [x, y], as output_image is
    (line,) = contour_lines(xs, ys, field, level=0.0)
    np.testing.assert_allclose(a * line[:, 0] + b * line[:, 1] + c, 0.0, atol=1e-13)
    plane = Plane(0, 1, (xs[0], xs[-1]), (ys[0], ys[-1]), np.zeros(2))
    exact = boundary_line(plane, np.array([a, b]), c)
    np.testing.assert_allclose(sorted(line[[0, -1]].tolist()), sorted(exact.tolist()), atol=1e-13)


def test_contour_lines_skip_nan_cells_and_may_be_none():
    xs = ys = np.linspace(0.0, 1.0, 20)
    values = np.add.outer(xs, ys) / 2  # 0.5 on the anti-diagonal
    values[3:8, 10:15] = np.nan
    assert len(contour_lines(xs, ys, values)) >= 1
    assert contour_lines(xs, ys, np.full((20, 20), 0.9)) == []
    assert contour_lines(xs, ys, np.full((20, 20), np.nan)) == []


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
    window.speed_combo.setCurrentIndex(speed_index(1_000))  # slow
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


def test_an_edit_of_a_row_not_drawn_leaves_the_drawn_points_alone(qtbot):
    """A big table draws an even sample of its rows; an edit elsewhere changes none of
    them, and pyqtgraph is not asked to make the points again (20-40 ms a time)."""
    from gui.boundary_plot import MAX_POINTS, BoundaryPlot

    plot = BoundaryPlot()
    qtbot.addWidget(plot)
    rows = 3 * MAX_POINTS + 1
    rng = np.random.default_rng(5)
    values = np.column_stack([rng.normal(size=(rows, 2)), np.arange(rows) % 2])
    held = np.zeros(rows, dtype=bool)
    names = ["a", "b", "y"]
    plot.set_data(values, names, held, 0, 1)
    drawn, shown = plot.points.data, plot._shown.copy()
    hidden = next(r for r in range(rows) if r not in set(shown.tolist()))
    values[hidden, 0] += 0.25
    plot.set_data(values, names, held, 0, 1)
    assert plot.points.data is drawn
    values[shown[3], 0] += 0.25  # a drawn row: its point moves
    held[shown[5]] = True  # and a drawn row held out: its point turns hollow
    plot.set_data(values, names, held, 0, 1)
    assert plot.points.data is not drawn
    assert plot.points.data["x"][3] == values[shown[3], 0]
    assert plot.points.data["brush"][5].color().alpha() == 0
