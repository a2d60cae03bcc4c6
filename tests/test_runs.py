"""Kept runs: every Train is kept, drawn and tabulated; sweeps in the window."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from gui.main_window import MAX_SPEED
from gui.worker import running_threads
from model import Training, TrainConfig, note_table
from model.history import History
from model.runs import COMPACT_POINTS, EXACT_POINTS, RunBook
from model.training import initial_state
from tests.gui_helpers import TIMEOUT, train


@pytest.fixture
def fast(window):
    window.speed_combo.setCurrentIndex(MAX_SPEED)
    return window


def alone(config: TrainConfig):
    training = Training(note_table(), config)
    return training, training.advance()


def test_two_trains_are_two_kept_runs_drawn_side_by_side(qtbot, fast):
    w = fast
    train(qtbot, w)
    w.alpha_spin.setValue(1.0)
    train(qtbot, w)
    runs = list(w.document.runs)
    assert [(r.number, r.config.alpha) for r in runs] == [(1, 0.1), (2, 1.0)]
    names = [item.name() for item in w.error_plot.getPlotItem().listDataItems()]
    assert "train" in names and "run 1" in names and "run 2" not in names  # 2 is current
    # The kept curve is the headless run's, and the table says which is which.
    _, checkpoints = alone(TrainConfig(alpha=0.1))
    x, y = w.run_curves.items[1].getData()
    assert np.array_equal(x, checkpoints.iteration) and np.array_equal(y, checkpoints.train_error)
    model = w.runs_panel.model
    assert w.runs_table.objectName() == "runsTable"
    assert model.rowCount() == 2
    assert model.data(model.index(0, 3)) == "0.1" and model.data(model.index(1, 3)) == "1"
    assert model.data(model.index(1, 8)) == f"{checkpoints_final(1.0):.6g}"
    # The accuracies are the ones the worker measured at the run's end.
    first, _ = alone(TrainConfig(alpha=0.1))
    assert (runs[0].train_accuracy, runs[0].test_accuracy) == first.accuracy()


def checkpoints_final(alpha: float) -> float:
    return float(alone(TrainConfig(alpha=alpha))[1].train_error[-1])


def test_continue_extends_its_own_run(qtbot, fast):
    w = fast
    w.iterations_spin.setValue(1000)
    train(qtbot, w)
    train(qtbot, w, w.continue_button)
    assert len(w.document.runs) == 1
    kept = w.document.runs[0]
    assert kept.iterations == 2000 and kept.curve()[0][-1] == 1900


def test_selecting_a_run_restores_its_parameters_and_its_neuron(qtbot, fast):
    w = fast
    w.seed_spin.setValue(3)
    train(qtbot, w)
    w.alpha_spin.setValue(2.0)
    w.seed_spin.setValue(9)
    train(qtbot, w)
    w.runs_panel.select(1)
    assert w.alpha_spin.value() == 0.1 and w.seed_spin.value() == 3
    first, _ = alone(TrainConfig(seed=3))
    assert w.document.run.number == 1
    assert np.array_equal(w.document.run.state.weights, first.weights)
    assert np.array_equal(w.boundary_plot._weights, first.weights)
    # ... and Continue then goes on with that run.
    train(qtbot, w, w.continue_button)
    longer = Training(note_table(), TrainConfig(seed=3))
    longer.advance(20_000)
    assert np.array_equal(w.document.run.state.weights, longer.weights)


def test_delete_rename_hide_and_export(qtbot, fast, tmp_path):
    w = fast
    for alpha in (0.1, 0.5, 1.0):
        w.alpha_spin.setValue(alpha)
        train(qtbot, w)
    model = w.runs_panel.model
    model.setData(model.index(0, 2), "  slow  one ")
    assert w.document.runs.get(1).label == "slow one"
    qtbot.waitUntil(lambda: "slow one" in [label.text for _, label in w.error_plot.legend.items],
                    timeout=TIMEOUT)
    model.setData(model.index(1, 0), Qt.CheckState.Unchecked, Qt.ItemDataRole.CheckStateRole)
    qtbot.waitUntil(lambda: 2 not in w.run_curves.items, timeout=TIMEOUT)
    assert w.runs_panel.export_to(str(tmp_path / "runs.csv"))
    lines = (tmp_path / "runs.csv").read_text().splitlines()
    assert len(lines) == 4 and lines[1].startswith('1,"slow one",0.1,42')
    w.runs_panel.select(2)
    assert w.document.run.number == 2
    w.runs_panel.delete_selected()
    assert w.document.runs.numbers() == [1, 3] and w.document.run is None
    w.runs_panel.clear(ask=False)
    assert w.document.runs.numbers() == []


def test_a_sweep_in_the_window_equals_its_runs_one_by_one(qtbot, fast):
    w = fast
    w.iterations_spin.setValue(3000)
    with qtbot.waitSignal(w.training_finished, timeout=TIMEOUT):
        assert w.start_sweep([0.05, 0.5], [1, 2, 3]) is None
    runs = list(w.document.runs)
    assert [(r.config.alpha, r.config.seed) for r in runs] == [
        (0.05, 1), (0.05, 2), (0.05, 3), (0.5, 1), (0.5, 2), (0.5, 3)]
    assert [r.number for r in runs] == [1, 2, 3, 4, 5, 6]
    for run in runs:
        training, checkpoints = alone(TrainConfig(alpha=run.config.alpha, seed=run.config.seed,
                                                  iterations=3000))
        assert not run.running and run.exact
        got = run.checkpoints()
        assert np.array_equal(got.iteration, checkpoints.iteration)
        assert np.array_equal(got.train_error, checkpoints.train_error)
        assert np.array_equal(run.state.weights, training.weights)
    names = {item.name() for item in w.error_plot.getPlotItem().listDataItems()}
    assert {f"run {n}" for n in range(1, 7)} <= names
    assert w.train_button.isEnabled()
    w.runs_panel.bands_check.setChecked(True)
    assert len(w.run_curves.band_items) == 2 * 4  # per rate: band, two edges, median
    labels = [label.text for _, label in w.error_plot.legend.items]
    assert any(text.startswith("α = 0.05, 3 seeds") for text in labels)
    w.runs_panel.bands_check.setChecked(False)
    qtbot.waitUntil(lambda: "run 6" in [label.text for _, label in w.error_plot.legend.items],
                    timeout=TIMEOUT)


def test_stop_during_a_sweep_ends_every_run_and_thread(qtbot, fast):
    w = fast
    w.iterations_spin.setValue(100_000_000)
    w.every_spin.setValue(1_000_000)
    with qtbot.waitSignal(w.training_finished, timeout=TIMEOUT):
        w.start_sweep([0.1, 0.2], [1, 2])
        qtbot.waitUntil(lambda: any(len(r.curve()[0]) for r in w.document.runs), timeout=TIMEOUT)
        w.stop_button.click()
    assert not w.is_running() and not any(r.running for r in w.document.runs)
    assert all(r.iterations < 100_000_000 for r in w.document.runs)
    w.shutdown()
    assert running_threads() == []


def test_stepping_rewinding_and_a_new_sweep_wait_alike_for_a_run_and_for_a_sweep(qtbot, fast):
    """One state decides what waits while anything trains: a sweep is training too."""
    w = fast
    w.iterations_spin.setValue(100_000_000)
    w.every_spin.setValue(1_000_000)

    def usable() -> dict[str, bool]:
        return {"step": w.step_button.isEnabled(),
                "checkpoint": w.step_panel.checkpoint_button.isEnabled(),
                "sweep": w.runs_panel.sweep_button.isEnabled(),
                "rewind": w.rewind_cursor.enabled}

    everything = {"step": True, "checkpoint": True, "sweep": True, "rewind": True}
    nothing = dict.fromkeys(everything, False)
    assert usable() == everything
    for start in (lambda: w.train_button.click(), lambda: w.start_sweep([0.1, 0.2], [1])):
        with qtbot.waitSignal(w.training_finished, timeout=TIMEOUT):
            start()
            assert w.is_running() and usable() == nothing
            w.stop_button.click()
        assert usable() == everything


def test_a_long_kept_run_keeps_a_bounded_display_copy():
    book = RunBook()
    config = TrainConfig()
    history = History(False)
    from model import Checkpoints
    n = 3 * EXACT_POINTS * 10
    history.extend(Checkpoints(np.arange(n, dtype=np.int64) * 100, np.linspace(3, 1, n), None))
    kept = book.add(config, "00000000", initial_state(note_table(), config), history)
    exact_bytes = kept.nbytes
    kept.compact()
    x, y, _ = kept.curve()
    assert len(x) <= COMPACT_POINTS + 2 and x[0] == 0 and x[-1] == (n - 1) * 100
    assert kept.nbytes < exact_bytes / 5 and y.dtype == np.float32
    assert not kept.exact


def test_hovering_a_curve_names_its_run(qtbot, fast):
    w = fast
    train(qtbot, w)
    w.alpha_spin.setValue(1.0)
    train(qtbot, w)
    x, y = w.run_curves.items[1].getData()
    from pyqtgraph import Point
    text = w.run_curves.describe_point(Point(float(x[10]), float(y[10])), (1.0, 1e-3))
    assert text.startswith("run 1") and f"{x[10]:,.0f}" in text


def test_sessions_keep_the_runs_and_open_the_old_format(qtbot, fast, tmp_path):
    from model.session import load_session, parse_session, session_json
    w = fast
    w.iterations_spin.setValue(2000)
    for alpha in (0.1, 1.0):
        w.alpha_spin.setValue(alpha)
        train(qtbot, w)
    w.document.runs.rename(1, "gentle")
    w.document.runs.set_visible(1, False)
    path = tmp_path / "runs.neuronlab"
    assert w.save_session_to(str(path))
    before = [(r.number, r.label, r.visible, r.config, r.train_error, r.checkpoints().train_error.tolist())
              for r in w.document.runs]
    assert w.open_file(str(path))
    after = [(r.number, r.label, r.visible, r.config, r.train_error, r.checkpoints().train_error.tolist())
             for r in w.document.runs]
    assert after == before and w.document.run.number == 2
    # The reopened current run goes on exactly, and a new Train is run 3.
    train(qtbot, w, w.continue_button)
    longer = Training(note_table(), TrainConfig(alpha=1.0, iterations=2000))
    longer.advance(4000)
    assert np.array_equal(w.document.run.state.weights, longer.weights)
    train(qtbot, w)
    assert w.document.runs.numbers() == [1, 2, 3]
    # A session of format 2 (no kept runs) still opens.
    import json
    old = json.loads(session_json(load_session(path)))
    old["version"] = 2
    del old["runs"], old["current_run"]
    session = parse_session(json.dumps(old))
    assert session.runs == [] and session.training is not None


def test_a_kept_runs_curve_is_the_headless_runs(qtbot, fast):
    import json
    import subprocess
    import sys
    from pathlib import Path
    w = fast
    w.alpha_spin.setValue(0.3)
    w.seed_spin.setValue(5)
    w.iterations_spin.setValue(4000)
    train(qtbot, w)
    train(qtbot, w)  # a second run makes the first a kept, thin curve
    out = subprocess.run([sys.executable, str(Path(__file__).parent.parent / "main.py"),
                          "--headless", "--json", "--alpha", "0.3", "--seed", "5",
                          "--iterations", "4000"], capture_output=True, text=True, check=True,
                         timeout=120)
    headless = json.loads(out.stdout)["checkpoints"]
    kept = w.document.runs.get(1)
    assert kept.checkpoints().iteration.tolist() == headless["iteration"]
    assert kept.checkpoints().train_error.tolist() == headless["train_error"]
    x, y = w.run_curves.items[1].getData()
    assert x.tolist() == headless["iteration"] and y.tolist() == headless["train_error"]


def test_the_delete_key_deletes_the_selected_run(qtbot, fast):
    from PySide6.QtTest import QTest
    w = fast
    w.show()
    w.iterations_spin.setValue(500)
    for _ in range(3):
        train(qtbot, w)
    w.runs_panel.select(1)
    w.runs_table.setFocus()
    QTest.keyClick(w.runs_table, Qt.Key.Key_Delete)
    assert w.document.runs.numbers() == [2, 3]
    assert w.table_model.rowCount() == 8  # the data table kept its rows


def test_the_final_error_plot_appears_with_the_first_finished_run(qtbot, fast):
    """Before any run has finished there is nothing to plot: a greyed line says what will be
    there (and the window opens without building the plot)."""
    from gui.runs_panel import FinalErrorPlot

    w = fast
    panel = w.runs_panel
    assert panel.final_plot is None and w.findChild(FinalErrorPlot) is None
    assert panel.final_placeholder.isVisible()
    assert "once it has finished" in panel.final_placeholder.text()
    room = panel.final_placeholder.width()
    table_width = panel.table.width()
    train(qtbot, w)
    w.alpha_spin.setValue(0.5)
    train(qtbot, w)
    qtbot.waitUntil(lambda: panel.final_plot is not None
                    and len(panel.final_plot.points.data) == 2, timeout=TIMEOUT)
    assert w.findChild(FinalErrorPlot) is panel.final_plot and panel.final_plot.isVisible()
    assert not panel.final_placeholder.isVisible()
    assert abs(panel.final_plot.width() - room) <= 1  # the placeholder's room, no more
    # ... and both still grow with a wider window, as they did.
    w.resize(w.width() + 200, w.height())
    qtbot.waitUntil(lambda: panel.table.width() > table_width + 40
                    and panel.final_plot.width() > room + 30)
    x, y = panel.final_plot.points.getData()
    runs = list(w.document.runs)
    assert sorted(zip(x, y)) == sorted((np.log10(r.config.alpha), r.train_error) for r in runs)
    # The line joins each learning rate's median: here, each alone.
    mx, my = panel.final_plot.median.getData()
    assert list(mx) == sorted(x) and sorted(my) == sorted(y)
    # Deleting every run but the one shown keeps the plot, with that run alone.
    panel.clear()
    qtbot.waitUntil(lambda: len(panel.final_plot.points.data) == 1, timeout=TIMEOUT)
    # With no finished run to show (a session of none opened, say), the line is back.
    w.document.runs.restore([])
    qtbot.waitUntil(lambda: panel.final_placeholder.isVisible(), timeout=TIMEOUT)
    assert not panel.final_plot.isVisible()


def test_runs_that_come_together_fit_the_columns_once(qtbot, window, monkeypatch):
    """A sweep's runs are kept one by one; fitting the columns asks every row for its text
    (the table's fingerprint among them), so it waits for the last of them, however many."""
    table = window.runs_panel.table
    fitted: list[int] = []
    fit = table.resizeColumnsToContents
    monkeypatch.setattr(table, "resizeColumnsToContents",
                        lambda: (fitted.append(window.runs_panel.model.rowCount()), fit()))
    config = window.document.config
    for _ in range(12):  # more than the five runs after which widths are left as they are
        window.document.runs.add(config, "0000abcd", initial_state(note_table(), config),
                                 History(False))
    assert fitted == []
    qtbot.waitUntil(lambda: fitted == [12])
    label = window.runs_panel.model.headerData(2, Qt.Orientation.Horizontal)
    assert label == "Label" and table.columnWidth(2) < 100  # fitted: "run 12" is narrow
    window.document.runs.add(config, "0000abcd", initial_state(note_table(), config),
                             History(False))
    qtbot.waitUntil(lambda: not window.runs_panel._fit_timer.isActive())
    assert fitted == [12]  # the widths hold from then on


def test_the_tables_fingerprint_is_taken_from_a_copy_the_caller_already_has(monkeypatch):
    """Train and a sweep have just copied the table: hashing it needs no second copy."""
    from model.document import Document
    from model.runs import fingerprint

    document = Document(note_table())
    expected = fingerprint(document.dataset())
    given = document.dataset()
    copies: list[int] = []
    monkeypatch.setattr(document, "dataset", lambda: copies.append(1))
    assert document.table_fingerprint(given) == expected
    assert document.table_fingerprint() == expected  # kept until the next edit
    assert copies == []
