"""The main window, driven as a person would: buttons, spin boxes and the table."""
from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import Qt, QTimer

from tests.gui_helpers import TIMEOUT, train
from gui.main_window import MAX_SPEED, MainWindow
from gui.parameters import DEFAULT_SPEED, speed_index
from gui.worker import running_threads
from model import Dataset, Training, TrainConfig, note_table

MAX = MAX_SPEED




def set_max_speed(w):
    assert "Max" in w.speed_combo.itemText(MAX)
    w.speed_combo.setCurrentIndex(MAX)



def expected_run(config: TrainConfig, data: Dataset | None = None):
    training = Training(data or note_table(), config)
    return training, training.advance()


def test_window_keeps_its_contracts(window):
    w = window
    names = ["dataTable", "alphaSpin", "iterationsSpin", "seedSpin", "everySpin",
             "testFractionSpin", "speedCombo", "trainButton", "stopButton", "errorPlot",
             "boundaryPlot"]
    for name in names:
        assert w.findChild(object, name) is not None, name
    assert w.iterations_spin.maximum() == 100_000_000
    assert w.seed_spin.maximum() == 2**32 - 1
    w.seed_spin.setValue(2**32 - 1)
    assert w.seed_spin.value() == 2**32 - 1
    assert w.alpha_spin.decimals() == 4
    assert any("Max" in w.speed_combo.itemText(i) for i in range(w.speed_combo.count()))
    model = w.table.model()
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers[:3] == ["x1", "x2", "y (target)"] and model.rowCount() == 8
    assert headers[3:] == ["ŷ (prediction)", "error (ŷ − y)²"]  # read-only, after the target
    assert model.setData(model.index(0, 1), "2.5")  # editable through the view's own model
    assert w.table_model.dataset().features[0, 1] == 2.5
    assert not model.setData(model.index(0, 3), "0.5")
    for spin in (w.alpha_spin, w.iterations_spin, w.seed_spin, w.every_spin, w.test_fraction_spin):
        assert spin.toolTip()


def test_table_model_passes_qt_model_checks(window, qtmodeltester):
    qtmodeltester.check(window.table_model)


def test_train_with_defaults_plots_what_the_headless_run_prints(qtbot, window):
    set_max_speed(window)
    train(qtbot, window)
    x, y = window.error_plot.points("train")
    training, expected = expected_run(TrainConfig())
    assert x.tolist() == expected.iteration.astype(float).tolist()
    assert y.tolist() == expected.train_error.tolist()
    curve_x, curve_y = window.error_plot.train_curve.getOriginalDataset()
    assert curve_y.tolist() == expected.train_error.tolist()
    assert window.error_plot.points("test")[0].size == 0
    assert "Finished 10,000" in window.statusBar().currentMessage()
    assert "0.1283" in window.model_label.text()


def test_default_pace_draws_the_notes_run_over_about_three_seconds(qtbot, window):
    window.speed_combo.setCurrentIndex(DEFAULT_SPEED)
    started = time.perf_counter()
    train(qtbot, window)
    assert 2.0 < time.perf_counter() - started < 6.0


def test_stop_mid_run_takes_effect_quickly(qtbot, window):
    set_max_speed(window)
    window.iterations_spin.setValue(100_000_000)
    window.train_button.click()
    qtbot.waitUntil(lambda: window.error_plot.points()[0].size > 100, timeout=TIMEOUT)
    assert window.stop_button.isEnabled() and not window.train_button.isEnabled()
    with qtbot.waitSignal(window.training_finished, timeout=TIMEOUT):
        clicked = time.perf_counter()
        window.stop_button.click()
    assert time.perf_counter() - clicked < 0.5
    assert "Stopped" in window.statusBar().currentMessage()
    done = window.document.run.state.iteration
    assert 0 < done < 100_000_000
    # Everything the run did is plotted, and equals the same run done headless.
    x, y = window.error_plot.points()
    _, expected = expected_run(TrainConfig(iterations=done))
    assert y.tolist() == expected.train_error.tolist()
    assert window.train_button.isEnabled() and window.continue_button.isEnabled()


def test_escape_stops_a_run(qtbot, window):
    window.speed_combo.setCurrentIndex(speed_index(1_000))  # slow
    window.activateWindow()
    qtbot.waitActive(window)
    window.train_button.click()
    with qtbot.waitSignal(window.training_finished, timeout=TIMEOUT):
        qtbot.keyClick(window.table, Qt.Key.Key_Escape)
    assert window.document.run.state.iteration < 10_000


def test_continue_equals_one_longer_run(qtbot, window):
    set_max_speed(window)
    window.iterations_spin.setValue(3000)
    train(qtbot, window)
    window.iterations_spin.setValue(2000)
    train(qtbot, window, window.continue_button)
    x, y = window.error_plot.points()
    training, expected = expected_run(TrainConfig(iterations=5000))
    assert x.tolist() == expected.iteration.astype(float).tolist()
    assert y.tolist() == expected.train_error.tolist()
    assert window.document.run.state.weights.tolist() == training.weights.tolist()


def test_editing_a_cell_during_a_run_does_not_change_that_run(qtbot, window):
    window.speed_combo.setCurrentIndex(speed_index(100_000))  # fast, so that the edit lands mid-run
    window.iterations_spin.setValue(30_000)
    window.train_button.click()
    qtbot.waitUntil(lambda: window.error_plot.points()[0].size > 0, timeout=TIMEOUT)
    model = window.table_model
    with qtbot.waitSignal(window.training_finished, timeout=TIMEOUT):
        assert model.setData(model.index(0, 0), "100")
    _, expected = expected_run(TrainConfig(iterations=30_000))
    assert window.error_plot.points()[1].tolist() == expected.train_error.tolist()
    assert model.dataset().features[0, 0] == 100.0  # the edit itself was kept


def test_refused_edits_keep_the_old_value_and_say_why(qtbot, window):
    model = window.table_model
    for column, text, words in [(0, "abc", "not a number"), (1, "nan", "finite"),
                                (2, "1.5", "between 0 and 1")]:
        index = model.index(2, column)
        before = model.data(index)
        with qtbot.waitSignal(model.edit_refused, timeout=1000) as blocker:
            assert not model.setData(index, text)
        assert words in blocker.args[0]
        assert model.data(index) == before
        assert words in window.statusBar().currentMessage()


def test_rows_can_be_added_and_deleted(qtbot, window):
    model = window.table_model
    window.add_row_button.click()
    assert model.rowCount() == 9
    assert model.setData(model.index(8, 0), "7") and model.setData(model.index(8, 2), "1")
    assert model.dataset().features[8].tolist() == [7.0, 0.0]
    window.table.selectRow(0)
    window.delete_rows_button.click()
    assert model.rowCount() == 8 and model.dataset().features[0].tolist() == [2.0, 1.0]


def test_two_quick_train_clicks_start_one_run(qtbot, window):
    set_max_speed(window)
    finished = []
    window.training_finished.connect(lambda: finished.append(1))
    with qtbot.waitSignal(window.training_finished, timeout=TIMEOUT):
        window.train_button.click()
        window.train_button.click()
    assert window.runs.run_id == 1 and finished == [1]
    x, _ = window.error_plot.points()
    assert len(x) == 100


def test_closing_mid_run_stops_the_worker_and_waits(qtbot):
    w = MainWindow()
    w.speed_combo.setCurrentIndex(MAX)
    w.iterations_spin.setValue(100_000_000)
    w.show()
    w.train_button.click()
    qtbot.waitUntil(lambda: w.error_plot.points()[0].size > 0, timeout=TIMEOUT)
    started = time.perf_counter()
    w.close()
    assert time.perf_counter() - started < 2.0
    assert not running_threads()
    w.deleteLater()


def test_gui_thread_stays_responsive_during_a_max_speed_run(qtbot, window):
    set_max_speed(window)
    window.iterations_spin.setValue(100_000_000)
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    window.train_button.click()
    timer.start()
    qtbot.waitUntil(lambda: len(ticks) > 1 and ticks[-1] - ticks[0] > 3.0, timeout=TIMEOUT)
    timer.stop()
    with qtbot.waitSignal(window.training_finished, timeout=TIMEOUT):
        window.stop_button.click()
    gaps = np.diff(ticks)
    assert gaps.max() < 0.250, f"longest stall {gaps.max() * 1000:.0f} ms"
    assert window.error_plot.points()[0].size > 1000
