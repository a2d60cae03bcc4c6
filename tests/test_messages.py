"""Messages a person can read: refusals that stay where the table is, a counter kept apart."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette

from tests.gui_helpers import train


def _strip(window):
    return window.message_strip


def test_a_refused_edit_stays_above_the_table_with_the_cell_marked(qtbot, window):
    model = window.table_model
    index = model.index(2, 1)
    normal = model.data(index, Qt.ItemDataRole.BackgroundRole)
    assert not model.setData(index, "abc")
    strip = _strip(window)
    assert strip.isVisible() and "not a number" in strip.text() and "Row 3" in strip.text()
    assert model.data(index, Qt.ItemDataRole.BackgroundRole) != normal
    assert "not a number" in model.data(index, Qt.ItemDataRole.ToolTipRole)
    # A menu hover replaces the status bar's message; the refusal stays where it is.
    window.statusBar().showMessage("Open a CSV file")
    window.statusBar().clearMessage()
    assert strip.isVisible() and "not a number" in strip.text()


def test_the_next_successful_edit_clears_the_refusal_and_the_mark(qtbot, window):
    model = window.table_model
    index = model.index(2, 1)
    normal = model.data(index, Qt.ItemDataRole.BackgroundRole)
    assert not model.setData(index, "abc")
    assert model.setData(model.index(0, 0), "4")
    assert not _strip(window).isVisible() and _strip(window).text() == ""
    assert model.data(index, Qt.ItemDataRole.BackgroundRole) == normal
    assert model.refused_cell() is None


def test_a_refusal_can_be_dismissed(qtbot, window):
    model = window.table_model
    assert not model.setData(model.index(0, 2), "1.5")
    assert _strip(window).isVisible()
    _strip(window).close_button.click()
    assert not _strip(window).isVisible() and model.refused_cell() is None


def test_a_file_error_stays_until_a_file_action_succeeds(qtbot, window, tmp_path):
    assert not window.open_file(str(tmp_path / "missing.csv"))
    assert "no such file" in _strip(window).text()
    good = tmp_path / "good.csv"
    good.write_text("a,y\n0,0\n1,1\n")
    assert window.open_file(str(good))
    assert not _strip(window).isVisible()


def test_the_counter_never_turns_red_and_stays_apart_from_long_messages(qtbot, window):
    train(qtbot, window)
    counter = window.status_label
    assert counter.text().startswith("iteration 10,000")
    ordinary = counter.palette().color(QPalette.ColorRole.WindowText)
    window.show_message("Cannot do that: " + "a very long reason " * 30, True)
    assert counter.palette().color(QPalette.ColorRole.WindowText) == ordinary
    assert window.statusBar().styleSheet() == ""
    for width in (1400, 900):
        window.resize(width, 600)
        qtbot.waitUntil(lambda w=width: window.width() <= w)
        bar = window.statusBar()
        shown = bar.shown_message()
        assert shown.endswith("…")  # cut short, the whole text in the tooltip
        assert bar.toolTip().startswith("Cannot do that")
        assert 6 + bar.fontMetrics().horizontalAdvance(shown) < counter.geometry().left()
        assert counter.isVisible() and counter.geometry().right() <= bar.width()


def test_an_idle_bar_shows_no_empty_counter_and_reset_hides_it_again(qtbot, window):
    assert not window.status_label.isVisible()
    train(qtbot, window)
    assert window.status_label.isVisible()
    window.reset_button.click()
    assert not window.status_label.isVisible()


def test_a_run_put_away_with_its_table_leaves_no_counter_behind(qtbot, window):
    train(qtbot, window)
    assert window.status_label.isVisible()
    window.file_actions.new_table()
    qtbot.waitUntil(lambda: not window.status_label.isVisible())
    assert window.status_label.text() == ""
    assert window.error_plot.getPlotItem().getViewBox().viewRange()[0][1] <= 1.5
