"""Small and large windows: the table keeps rows in sight, headers are whole, nothing is cut."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics, QGuiApplication
from PySide6.QtWidgets import QLabel

from gui.main_window import MainWindow


def _resize(qtbot, window, width, height):
    window.resize(width, height)
    qtbot.waitUntil(lambda: (window.width(), window.height()) == (width, height))
    qtbot.waitUntil(lambda: window.table.viewport().height() > 0)


def _rows_in_sight(table) -> int:
    height = table.viewport().height()
    return sum(1 for row in range(table.model().rowCount())
               if table.rowViewportPosition(row) + table.rowHeight(row) <= height)


def test_a_small_window_keeps_four_rows_of_the_table_in_sight(qtbot, window):
    _resize(qtbot, window, 1400, 820)
    wide_left = window.main_splitter.sizes()[0]
    _resize(qtbot, window, 900, 600)
    assert _rows_in_sight(window.table) >= 4
    assert window.main_splitter.sizes()[0] < wide_left  # the left panel gives width too
    assert window.main_splitter.sizes()[1] > 400  # and the plots keep a usable width


def test_headers_are_whole_even_in_bold_and_nothing_scrolls_sideways_at_1600(qtbot, window):
    _resize(qtbot, window, 1600, 900)
    header = window.table.horizontalHeader()
    bold = header.font()
    bold.setBold(True)
    metrics = QFontMetrics(bold)
    model = window.table_model
    for column in range(model.columnCount()):
        text = model.headerData(column, Qt.Orientation.Horizontal)
        assert header.sectionSize(column) >= metrics.horizontalAdvance(text) + 20, text
    assert window.table.horizontalScrollBar().maximum() == 0


def test_columns_fit_the_names_of_newly_opened_data(qtbot, window, tmp_path):
    path = tmp_path / "long.csv"
    path.write_text("height in centimetres,outcome\n165,0\n170,1\n")
    assert window.open_file(str(path))
    header = window.table.horizontalHeader()
    bold = header.font()
    bold.setBold(True)
    qtbot.waitUntil(lambda: header.sectionSize(0) >= QFontMetrics(bold).horizontalAdvance(
        "height in centimetres"))
    assert header.sectionSize(1) >= QFontMetrics(bold).horizontalAdvance("outcome (target)")


def test_the_boundary_hint_wraps_instead_of_being_cut_off(qtbot, window):
    _resize(qtbot, window, 900, 600)
    hint = next(label for label in window.boundary_panel.findChildren(QLabel)
                if "Shift+click" in label.text())
    assert hint.wordWrap()
    assert hint.height() >= hint.heightForWidth(hint.width())


def test_the_first_window_fits_the_screen(qtbot):
    window = MainWindow()
    qtbot.addWidget(window)
    try:
        room = QGuiApplication.primaryScreen().availableGeometry()
        assert window.width() <= room.width() and window.height() <= room.height()
        assert window.width() <= 1400 and window.height() <= 820
    finally:
        window.shutdown()


def test_a_narrow_plot_shortens_its_title_and_keeps_its_colour_scale_inside(qtbot, window):
    """pyqtgraph's title asked for its whole width: a narrow boundary plot laid its items
    out wider than itself and the colour scale, last in the row, went off its edge."""
    _resize(qtbot, window, 900, 600)
    sizes = window.picture_splitter.sizes()
    window.picture_splitter.setSizes([1, sum(sizes) - 1])  # as narrow as it goes
    plot = window.boundary_plot
    title = plot.getPlotItem().titleLabel
    whole = title.whole_width()
    qtbot.waitUntil(lambda: 0 < title.width() < whole)  # beside the axis and the scale
    qtbot.waitUntil(lambda: title.shown_text().endswith("…"))
    assert title.full_text() == "Where the neuron says 0 and 1"
    assert title.toolTip() == title.full_text()
    scale = plot.colour_bar.sceneBoundingRect()
    assert scale.width() > 0
    assert scale.right() <= plot.sceneRect().right() + 1  # inside the plot's own width
    assert title.sceneBoundingRect().right() <= plot.sceneRect().right() + 1
    # Given room again, the whole title comes back.
    _resize(qtbot, window, 1600, 900)
    window.picture_splitter.setSizes([700, 300])
    qtbot.waitUntil(lambda: title.shown_text() == title.full_text())
    assert title.toolTip() == ""


def test_no_axis_label_is_longer_than_its_axis_in_a_small_window(qtbot, window):
    """At 900 x 600 the error plot's axis is lower than "Error, all training rows"."""
    import pyqtgraph as pg

    from gui.axes import Axis

    window.speed_combo.setCurrentIndex(window.speed_combo.count() - 1)
    with qtbot.waitSignal(window.training_finished, timeout=20_000):
        window.train_button.click()
    _resize(qtbot, window, 900, 600)

    def axes():
        for plot in window.findChildren(pg.PlotWidget):
            if plot.isVisible():
                for side in ("left", "bottom"):
                    axis = plot.getPlotItem().getAxis(side)
                    if isinstance(axis, Axis) and axis.isVisible() and axis.label.isVisible():
                        yield axis

    def length(axis):
        return axis.size().height() if axis.orientation == "left" else axis.size().width()

    error_axis = window.error_plot.getPlotItem().getAxis("left")
    assert error_axis in list(axes())
    try:
        qtbot.waitUntil(lambda: all(a.label_text() == "" or  # no room even for "…"
                                    a.label.boundingRect().width() <= length(a) + 0.5
                                    for a in axes()))
    except Exception:
        raise AssertionError([(a.label_text(), a.label.boundingRect().width(), length(a))
                              for a in axes()]) from None
    assert error_axis.label_text() == "Error"  # its shorter wording
    assert error_axis.toolTip() == "Error, all training rows"
