"""The error plot as a person reads and handles it: ticks, fitting, log scale, wheel, legend."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from gui.error_plot import ReadableAxis, readable_number
from tests.gui_helpers import TIMEOUT, train


def _view(window):
    return window.error_plot.getPlotItem().getViewBox()


def test_ticks_read_as_numbers_not_exponents(qtbot):
    axis = ReadableAxis("bottom")
    assert axis.tickStrings([0, 1e6, 2e6], 1, 1e6) == ["0", "1M", "2M"]
    assert axis.tickStrings([2.5e6, 5e6], 1, 2.5e6 / 5) == ["2.5M", "5.0M"]
    assert axis.tickStrings([0, 20_000, 40_000], 1, 20_000) == ["0", "20,000", "40,000"]
    assert axis.tickStrings([0.2, 0.4], 1, 0.2) == ["0.2", "0.4"]
    assert axis.tickStrings([0.05, 0.1], 1, 0.05) == ["0.05", "0.10"]
    assert readable_number(12_345, 1) == "12,345"


def test_a_long_planned_run_has_readable_ticks(qtbot, window):
    window.error_plot.expect_until(100_000_000)
    axis = window.error_plot.getPlotItem().getAxis("bottom")
    low, high = _view(window).viewRange()[0]
    strings = [s for _, values in axis.tickValues(low, high, 600)
               for s in axis.tickStrings(values, 1, values[1] - values[0] if len(values) > 1 else 1)]
    assert strings and not any("e+" in s for s in strings)


def test_after_stop_the_axis_ends_at_the_data(qtbot, window):
    window.speed_combo.setCurrentIndex(window.speed_combo.findData(3_300))  # Stop lands early
    window.iterations_spin.setValue(1_000_000)
    window.train_button.click()
    qtbot.waitUntil(lambda: window.error_plot.points()[0].size > 5, timeout=TIMEOUT)
    with qtbot.waitSignal(window.training_finished, timeout=TIMEOUT):
        window.stop_button.click()
    x = window.error_plot.points()[0]
    low, high = _view(window).viewRange()[0]
    assert high < x[-1] * 1.1 + 100 and high >= x[-1]
    assert low <= 0
    message = window.statusBar().currentMessage()
    assert "Stopped" in message and f"at iteration {int(x[-1]):,}" in message


def test_the_final_message_names_the_last_error_and_its_iteration(qtbot, window):
    train(qtbot, window)
    _, errors = window.error_plot.points()
    message = window.statusBar().currentMessage()
    assert f"Last error {errors[-1]:.6g}, at iteration 9,900" in message
    assert f"error {errors[-1]:.6g} at 9,900" in window.status_label.text()


def test_log_scale_is_a_visible_switch(qtbot, window):
    train(qtbot, window)
    check = window.error_panel.log_check
    assert check.toolTip()
    check.click()
    axis = window.error_plot.getPlotItem().getAxis("left")
    assert axis.logMode and "log scale" in axis.labelText
    _, errors = window.error_plot.points()
    qtbot.waitUntil(lambda: _view(window).viewRange()[1][0] <= np.log10(errors.min())
                    <= np.log10(errors.max()) <= _view(window).viewRange()[1][1])
    check.click()
    assert not axis.logMode and "log scale" not in axis.labelText


def _wheel(plot, steps: int) -> None:
    centre = plot.viewport().rect().center()
    event = QWheelEvent(QPointF(centre), QPointF(plot.viewport().mapToGlobal(centre)), QPoint(0, 0),
                        QPoint(0, 120 * steps), Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                        Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(plot.viewport(), event)


def test_the_wheel_zooms_the_iterations_only_and_fit_brings_the_run_back(qtbot, window):
    train(qtbot, window)
    plot = window.error_plot
    (x_low, x_high), _ = _view(window).viewRange()
    _wheel(plot, 3)
    qtbot.waitUntil(lambda: _view(window).viewRange()[0][1] - _view(window).viewRange()[0][0]
                    < 0.9 * (x_high - x_low))
    # The error axis follows the part of the curve in view: the curve is never lost.
    (low, high), (y_low, y_high) = _view(window).viewRange()
    x, errors = plot.points()
    seen = errors[(x >= low) & (x <= high)]
    assert seen.size and y_low <= seen.min() and seen.max() <= y_high
    window.error_panel.fit_button.click()
    qtbot.waitUntil(lambda: _view(window).viewRange()[0][0] <= 0
                    and _view(window).viewRange()[0][1] >= x[-1])


def test_a_double_click_fits_the_run(qtbot, window):
    train(qtbot, window)
    plot = window.error_plot
    _view(window).setXRange(2000, 3000, padding=0)
    with qtbot.waitSignal(plot.fitted, timeout=TIMEOUT):
        qtbot.mouseDClick(plot.viewport(), Qt.MouseButton.LeftButton,
                          pos=plot.viewport().rect().center())
    x, _ = plot.points()
    qtbot.waitUntil(lambda: _view(window).viewRange()[0][1] >= x[-1])


def test_the_legend_stays_out_of_the_curves_way(qtbot, window):
    train(qtbot, window)
    plot = window.error_plot
    legend = plot.legend.sceneBoundingRect()
    data_area = _view(window).sceneBoundingRect()
    assert legend.width() > 0 and not legend.intersects(data_area)


def test_with_held_out_rows_both_names_stay_out_of_the_way(qtbot, window):
    window.test_fraction_spin.setValue(0.25)
    train(qtbot, window)
    plot = window.error_plot
    qtbot.waitUntil(lambda: plot.test_curve.isVisible())
    legend = plot.legend.sceneBoundingRect()
    assert len(plot.legend.items) == 2
    assert not legend.intersects(_view(window).sceneBoundingRect())
