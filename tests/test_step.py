"""One step at a time: the chain rule's numbers, steps equal a run, the step panel, the
sigmoid view, the step on the boundary plot, and the headless trace."""
from __future__ import annotations

import io
import json
import math
from contextlib import redirect_stdout

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QPointF, Qt

from cli import run_headless
from gui.parameters import speed_index
from model import Training, TrainConfig, note_table
from model.boundary import boundary_line
from model.step import sigmoid_points, step_details
from model.worked_step import number, to_html, to_markdown
from tests.gui_helpers import TIMEOUT
from tests.note_oracle import NoteNeuron


def step(qtbot, window, to_checkpoint: bool = False) -> None:
    with qtbot.waitSignal(window.training_finished, timeout=TIMEOUT):
        window.step(to_checkpoint)


# -- the numbers of one step ----------------------------------------------------------------
def test_the_first_step_on_the_notes_table_checked_by_hand():
    """Seed 42: the starting parameters are NumPy's first three normal draws for that seed,
    w = (0.4967141530112327, -0.13826430117118466), b = 0.6476885381006925; the fourth
    number of the stream picks row 7 of 8, x = (5.5, 1), y = 1.  By hand:
    z = 5.5 * 0.49671415 - 0.13826430 + 0.64768854 = 3.24135208;
    p = 1 / (1 + e^-3.24135208) = 0.96236112;  E = (p - 1)^2 = 0.00141669;
    dE/dp = 2 (p - 1) = -0.07527777;  dp/dz = p (1 - p) = 0.03622220;
    dE/dz = -0.07527777 * 0.03622220 = -0.00272673;
    dE/dw = (-0.00272673 * 5.5, -0.00272673 * 1) = (-0.01499699, -0.00272673); dE/db = dE/dz;
    w <- w - 0.1 dE/dw = (0.49821385, -0.13799163);  b <- 0.64796121."""
    training = Training(note_table(), TrainConfig())
    details, _ = training.step()
    assert details.row + 1 == 7
    assert details.inputs.tolist() == [5.5, 1.0] and details.target == 1.0
    expected = {
        "z": 3.24135208, "prediction": 0.96236112, "error": 0.00141669,
        "d_error_d_prediction": -0.07527777, "d_prediction_d_z": 0.03622220,
        "d_error_d_z": -0.00272673, "gradient_bias": -0.00272673, "bias": 0.64796121,
    }
    for name, value in expected.items():
        assert getattr(details, name) == pytest.approx(value, abs=1e-8), name
    assert details.gradient_weights == pytest.approx([-0.01499699, -0.00272673], abs=1e-8)
    assert details.weights == pytest.approx([0.49821385, -0.13799163], abs=1e-8)
    # The chain rule's product, and the update, hold exactly as written.
    assert details.d_error_d_z == details.d_error_d_prediction * details.d_prediction_d_z
    assert details.gradient_bias == details.d_error_d_z
    assert details.bias == details.bias_before - details.gradient_bias * 0.1


def test_the_kernels_weights_after_a_step_are_the_details_new_weights():
    training = Training(note_table(), TrainConfig(alpha=0.3, seed=7))
    for _ in range(300):
        details, _ = training.step()
        assert np.array_equal(training.weights, details.weights)
        assert training.bias == details.bias


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), alpha=st.floats(1e-3, 5.0), steps=st.integers(1, 250),
       every=st.integers(1, 60))
def test_stepping_n_times_equals_a_run_of_n_iterations(seed, alpha, steps, every):
    config = TrainConfig(alpha=alpha, seed=seed, every=every)
    stepped, run = Training(note_table(), config), Training(note_table(), config)
    iterations, errors = [], []
    for _ in range(steps):
        _, checkpoints = stepped.step()
        iterations += checkpoints.iteration.tolist()
        errors += checkpoints.train_error.tolist()
    whole = run.advance(steps)
    assert np.array_equal(stepped.weights, run.weights) and stepped.bias == run.bias
    assert iterations == whole.iteration.tolist() and errors == whole.train_error.tolist()
    # ... and both are the note's loop, run here.
    oracle = NoteNeuron(2, alpha, seed)
    table = note_table()
    oracle.train(table.features, table.target, steps, every)
    assert np.array_equal(stepped.weights, oracle.weights) and stepped.bias == oracle.bias


def test_the_step_draws_the_row_the_run_would_draw():
    """Peeking at the next row leaves the random stream as it was."""
    training = Training(note_table(), TrainConfig(seed=3))
    rows = []
    for _ in range(50):
        k = training.next_row()
        assert training.next_row() == k
        details, _ = training.step()
        rows.append(details.row)
    random = np.random.RandomState(3)
    for _ in range(3):
        random.randn()
    assert rows == [int(random.randint(8)) for _ in range(50)]


def test_a_saturated_row_gives_a_zero_slope_and_leaves_the_weights_alone():
    details = step_details(0, 0, np.array([165.0, 66.0]), 0.0, np.array([1.0, 1.0]), 0.0, 0.1)
    assert details.prediction == 1.0 and details.d_prediction_d_z == 0.0
    assert np.array_equal(details.weights, details.weights_before)
    assert details.bias == details.bias_before


def test_the_worked_step_writes_every_number_and_all_digits_on_request():
    training = Training(note_table(), TrainConfig())
    details, _ = training.step()
    short = to_html(details, ["x1", "x2"])
    for value in (details.z, details.prediction, details.error, details.d_error_d_prediction,
                  details.d_prediction_d_z, details.gradient_bias, details.bias,
                  *details.gradient_weights, *details.weights):
        assert number(value) in short
    full = to_markdown(details, ["x1", "x2"])
    for value in (details.z, details.bias, *details.weights):
        assert repr(float(value)).replace("-", "−") in full
    assert "row 7" in short and "↑" in short  # w1 went up in this step


def test_the_sigmoid_points_are_every_rows_z_and_its_sigmoid():
    table = note_table()
    w, b = np.array([0.3, -1.2]), 0.4
    z, p = sigmoid_points(table.features, w, b)
    assert np.array_equal(z, table.features @ w + b)
    assert np.array_equal(p, 1 / (1 + np.exp(-(table.features @ w + b))))


# -- the window --------------------------------------------------------------------------------
def test_three_steps_from_a_fresh_model_show_each_steps_numbers(qtbot, window):
    assert window.step_button.objectName() == "stepButton"
    assert window.step_panel.objectName() == "stepPanel"
    oracle = Training(note_table(), TrainConfig())
    for i in range(3):
        step(qtbot, window)
        expected, _ = oracle.step()
        shown = window.document.step
        assert shown.iteration == i and shown.row == expected.row
        assert np.array_equal(shown.weights, expected.weights) and shown.bias == expected.bias
        # The model shown is the step's result, and the panel writes the step's numbers.
        assert np.array_equal(window.document.run.state.weights, shown.weights)
        text = window.step_panel.html()
        assert f"row {expected.row + 1}" in text
        for value in (shown.z, shown.prediction, shown.d_error_d_prediction,
                      shown.d_prediction_d_z, *shown.gradient_weights, shown.gradient_bias,
                      *shown.weights, shown.bias):
            assert number(value) in text
    assert window.plot_tabs.currentWidget() is window.step_panel


def test_step_goes_on_from_a_run_and_starts_fresh_after_reset(qtbot, window):
    window.speed_combo.setCurrentIndex(speed_index(0))
    window.iterations_spin.setValue(200)
    with qtbot.waitSignal(window.training_finished, timeout=TIMEOUT):
        window.train_button.click()
    step(qtbot, window)
    reference = Training(note_table(), TrainConfig(iterations=200))
    reference.advance(201)
    assert window.document.run.state.iteration == 201
    assert np.array_equal(window.document.run.state.weights, reference.weights)
    window.reset_button.click()
    step(qtbot, window)
    assert window.document.run.state.iteration == 1
    assert window.document.step.weights_before.tolist() == \
        Training(note_table(), TrainConfig()).initial_weights.tolist()


def test_step_to_the_next_checkpoint_stops_right_after_it(qtbot, window):
    step(qtbot, window)  # iteration 0, a checkpoint
    step(qtbot, window, to_checkpoint=True)
    run = window.document.run
    assert run.state.iteration == 101 and window.document.step.iteration == 100
    assert run.history.iteration.tolist() == [0, 100]


def test_the_drawn_row_is_highlighted_and_ringed(qtbot, window):
    window.show()
    step(qtbot, window)
    row = window.document.step.row
    model = window.table_model
    brush = model.data(model.index(row, 0), Qt.ItemDataRole.BackgroundRole)
    other = model.data(model.index((row + 1) % 8, 0), Qt.ItemDataRole.BackgroundRole)
    assert brush is not None and brush != other
    x, y = note_table().features[row]
    assert window.boundary_plot.ring.data["x"].tolist() == [x]
    assert window.boundary_plot.ring.data["y"].tolist() == [y]
    assert window.sigmoid_plot.ring.data["x"].tolist() == pytest.approx(
        [x * window.document.run.state.weights[0] + y * window.document.run.state.weights[1]
         + window.document.run.state.bias])


def test_the_ghost_line_is_the_boundary_before_the_step_and_the_arrow_points_to_the_new_one(
        qtbot, window):
    window.alpha_spin.setValue(2.0)  # big steps: the line visibly moves
    window.seed_spin.setValue(1)
    for _ in range(6):
        step(qtbot, window)
        plot, shown = window.boundary_plot, window.document.step
        expected = boundary_line(plot.plane, shown.weights_before, shown.bias_before)
        if expected is None or plot.line_ends is None:
            continue
        assert np.array_equal(plot.ghost_ends, expected)
        if plot.arrow_ends is None:
            continue
        start, end = plot.arrow_ends
        assert np.allclose(start, expected.mean(axis=0))
        # The arrow heads toward the line as it is now: |z| of the new neuron is smaller at
        # the arrow's end than at its start, or its sign flips (the end is past the line).
        state = window.document.run.state
        z_start, z_end = (_z_on_plane(plot.plane, point, state.weights, state.bias)
                          for point in (start, end))
        assert abs(z_end) < abs(z_start) or np.sign(z_end) != np.sign(z_start)
        return
    pytest.fail("no step moved a visible line")


def _z_on_plane(plane, point, weights, bias) -> float:
    features = np.array(plane.held, dtype=float)
    features[plane.x_column], features[plane.y_column] = point
    return float(features @ weights + bias)


def test_the_sigmoid_view_places_every_row_at_z_and_sigma_z(qtbot, window):
    step(qtbot, window)
    state = window.document.run.state
    shown, z, p = window.sigmoid_plot.points_shown()
    x = window.document.values[:, :-1]
    assert shown.tolist() == list(range(8))
    assert np.array_equal(z, x @ state.weights + state.bias)
    assert np.array_equal(p, 1 / (1 + np.exp(-z)))
    assert window.sigmoid_plot.objectName() == "sigmoidPlot"
    # Drawn one scatter per look: each holds exactly the rows of its target colour.
    drawn = {}
    for (colour, held), scatter in window.sigmoid_plot.groups.items():
        xs = scatter.data["x"].tolist()
        assert not held and xs  # nothing held out here
        drawn[colour] = sorted(xs)
    target = window.document.values[:, -1]
    assert drawn == {int(t * 64): sorted(z[target == t].tolist()) for t in np.unique(target)}


def test_a_big_tables_sigmoid_view_draws_an_even_sample_and_says_so(qtbot):
    from gui.sigmoid_plot import MAX_POINTS, SigmoidPlot

    plot = SigmoidPlot()
    qtbot.addWidget(plot)
    rows = 3 * MAX_POINTS + 1
    values = np.column_stack([np.linspace(-3, 3, rows), np.arange(rows) % 2])
    plot.set_data(values, np.zeros(rows, dtype=bool))
    plot.set_neuron(np.array([2.0]), 0.5)
    shown, z, _ = plot.points_shown()
    assert shown.size == MAX_POINTS and shown[0] == 0 and shown[-1] == rows - 1
    assert np.array_equal(z, values[shown, 0] * 2.0 + 0.5)
    assert sum(len(s.data) for s in plot.groups.values()) == MAX_POINTS
    assert f"{MAX_POINTS:,} of {rows:,}" in plot.getPlotItem().titleLabel.full_text()


def test_guess_first_keeps_score(qtbot, window):
    panel = window.step_panel
    panel.guess_check.setChecked(True)
    panel.set_guesses(["up", "up", "down"])
    step(qtbot, window)
    s = window.document.step
    actual = ["up" if m > 0 else "down" for m in (*(s.weights - s.weights_before),
                                                  s.bias - s.bias_before)]
    right = sum(g == a for g, a in zip(["up", "up", "down"], actual))
    assert panel.score == (right, 3)
    assert "you said" in panel.html()
    assert all(box.currentText() == "?" for box in panel.guess_boxes)  # asked afresh


def test_export_worked_step_writes_markdown_and_html(qtbot, window, tmp_path):
    step(qtbot, window)
    s = window.document.step
    assert window.step_panel.export_to(str(tmp_path / "step.md"))
    assert window.step_panel.export_to(str(tmp_path / "step.html"))
    md = (tmp_path / "step.md").read_text(encoding="utf-8")
    page = (tmp_path / "step.html").read_text(encoding="utf-8")
    assert repr(s.bias).replace("-", "−") in md and "| dE/dz |" in md
    assert page.startswith("<!DOCTYPE html>") and repr(s.bias).replace("-", "−") in page


def test_slow_motion_shows_each_step_while_the_run_goes(qtbot, window):
    window.speed_combo.setCurrentIndex(speed_index(5))
    window.iterations_spin.setValue(3)
    seen = []
    window.document.run_progressed.connect(
        lambda _: window.document.step is not None and seen.append(window.document.step.iteration))
    with qtbot.waitSignal(window.training_finished, timeout=TIMEOUT):
        window.train_button.click()
    assert seen[-3:] == [0, 1, 2] or sorted(set(seen)) == [0, 1, 2]
    assert window.document.step.iteration == 2
    assert window.plot_tabs.currentWidget() is window.step_panel


def test_a_fast_run_clears_the_step(qtbot, window):
    step(qtbot, window)
    window.speed_combo.setCurrentIndex(speed_index(0))
    with qtbot.waitSignal(window.training_finished, timeout=TIMEOUT):
        window.continue_button.click()
    assert window.document.step is None
    assert "Press <b>Step</b>" in window.step_panel.html()
    # The Error curve tab holds the plot with the runs under it.
    assert window.plot_tabs.currentIndex() == 0 and window.plot_tabs.currentWidget().isAncestorOf(
        window.error_plot)


# -- headless ----------------------------------------------------------------------------------
def _trace(*args: str) -> list[dict]:
    out = io.StringIO()
    with redirect_stdout(out):
        assert run_headless(["--trace", *args]) == 0
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_the_headless_trace_equals_the_panels_steps(qtbot, window):
    lines = _trace("3")
    assert len(lines) == 3
    for line in lines:
        step(qtbot, window)
        assert json.loads(json.dumps(window.document.step.as_json())) == line
    assert set(lines[0]) >= {"row", "z", "prediction", "error", "dE_dp", "dp_dz",
                             "gradient_weights", "gradient_bias", "weights", "bias"}


def test_the_trace_follows_the_parameters_given():
    lines = _trace("5", "--alpha", "0.5", "--seed", "9")
    training = Training(note_table(), TrainConfig(alpha=0.5, seed=9))
    training.advance(5)
    assert lines[-1]["weights"] == training.weights.tolist() and lines[-1]["bias"] == training.bias
    assert [line["iteration"] for line in lines] == [0, 1, 2, 3, 4]
    assert all(math.isfinite(line["z"]) for line in lines)


@pytest.mark.parametrize("args", [["--trace", "0"], ["--trace", "x"], ["--trace", "2", "--json"]])
def test_bad_trace_requests_get_one_line_and_status_2(args, capsys):
    try:
        code = run_headless(args)
    except SystemExit as exit_:  # argparse's own refusals end the process the same way
        code = exit_.code
    assert code == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_a_fast_runs_batches_do_not_redraw_the_step_views(qtbot, window):
    """They show the latest step; a Max run has none to show, so its twenty batches a
    second leave them (and their paints) alone."""
    views = window.step_views
    refreshed, batches = [], []
    original = views.refresh

    def counted():
        refreshed.append(1)
        original()
    views._timer.timeout.disconnect()
    views._timer.timeout.connect(counted)
    window.document.run_progressed.connect(lambda _: batches.append(1))
    window.iterations_spin.setValue(20_000_000)
    with qtbot.waitSignal(window.training_finished, timeout=20_000):
        window.train_button.click()
    assert len(batches) >= 10 and len(refreshed) <= 3


@given(spans=st.lists(st.tuples(st.floats(-1e6, 1e6), st.floats(0, 1e6)), min_size=1, max_size=40))
def test_the_sigmoid_views_span_holds_every_row_and_stays_near_what_they_need(spans):
    from gui.sigmoid_plot import _Z_SPAN, curve_span

    current = None
    for low, width in spans:
        high = low + width
        current = curve_span(low, high, current)
        need_low, need_high = min(-_Z_SPAN, low), max(_Z_SPAN, high)
        assert current[0] <= need_low and need_high <= current[1]
        assert current[1] - current[0] <= 2 * (need_high - need_low)
        if (need_low, need_high) == (-_Z_SPAN, _Z_SPAN):
            assert current == (-_Z_SPAN, _Z_SPAN)


def test_the_sigmoid_views_span_changes_now_and_then_as_a_run_spreads_the_rows():
    """Each change redraws the curve, its shading and the axis: not at every redraw."""
    from gui.sigmoid_plot import curve_span

    current, changes = None, 0
    for high in np.linspace(5, 100, 1000):  # the rows spread out a little at each redraw
        span = curve_span(-3.0, float(high), current)
        changes += span != current
        current = span
    assert changes <= 15


def _rows_under_the_legend(plot) -> int:
    """How many drawn rows' centres lie within the legend's rectangle on the screen."""
    if not plot.legend.isVisible():
        return 0
    legend = plot.legend.sceneBoundingRect()
    view = plot.getPlotItem().getViewBox()
    count = 0
    for scatter in plot.groups.values():
        for x, y in zip(scatter.data["x"].tolist(), scatter.data["y"].tolist()):
            count += legend.contains(view.mapViewToScene(QPointF(x, y)))
    return count


def test_the_sigmoid_legend_keeps_off_the_rows_in_a_narrow_plot(qtbot):
    """Rows the neuron is sure are 1 sit top right; in a narrow plot the legend, top left,
    reached over them.  It says less when that clears them, and goes when nothing does."""
    from gui.sigmoid_plot import SigmoidPlot

    plot = SigmoidPlot()
    qtbot.addWidget(plot)
    plot.resize(520, 320)
    plot.show()
    qtbot.waitExposed(plot)
    values = np.column_stack([np.linspace(2.5, 3.0, 12), np.ones(12)])
    plot.set_data(values, np.zeros(12, dtype=bool))
    plot.set_neuron(np.array([1.0]), 0.0)  # z from 2.5 to 3: sigma(z) from 0.92 to 0.95
    labels = lambda: [label.text for _, label in plot.legend.items]  # noqa: E731
    qtbot.waitUntil(lambda: labels() == ["σ′(z), the slope", "σ(z)"])
    assert plot.legend.isVisible() and _rows_under_the_legend(plot) == 0
    words_seen = set()
    for width in (260, 230, 200, 170, 150, 130, 110, 90):
        plot.resize(width, 320)
        qtbot.waitUntil(lambda w=width: plot.getPlotItem().getViewBox().width() < w - 20)
        assert _rows_under_the_legend(plot) == 0
        if plot.legend.isVisible():
            words_seen.add(tuple(labels()))
    assert ("σ′(z)", "σ(z)") in words_seen  # shorter words where the long ones would cover
    assert not plot.legend.isVisible()  # 90 pixels: no room at all
    plot.resize(520, 320)
    qtbot.waitUntil(lambda: plot.legend.isVisible() and labels() == ["σ′(z), the slope", "σ(z)"])
    # With no neuron there are no rows to cover: the legend only has to fit the plot.
    plot.set_neuron(None)
    plot.resize(90, 320)
    view = plot.getPlotItem().getViewBox()
    qtbot.waitUntil(lambda: not plot.legend.isVisible()
                    or plot.legend.sceneBoundingRect().right() <= view.sceneBoundingRect().right())
