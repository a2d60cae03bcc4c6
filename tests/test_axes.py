"""gui/axes.py: the plots' axes lay their label out again only when it changes, and show
what pyqtgraph's own axis shows."""
from __future__ import annotations

import pyqtgraph as pg

from gui.axes import ORIENTATIONS, Axis
from tests.gui_helpers import train


def changes(axis: pg.AxisItem) -> list[int]:
    """A list that grows by one each time the axis' label text is set."""
    count: list[int] = []
    axis.label.document().contentsChanged.connect(lambda: count.append(1))
    return count


def test_a_range_change_that_keeps_the_label_does_not_set_it_again(qtbot):
    axis = Axis("left")
    axis.setLabel("Error, all training rows")
    count = changes(axis)
    for top in range(2, 60):
        axis.setRange(0.0, float(top))
    assert count == []
    assert axis.label.toPlainText().strip() == "Error, all training rows"
    # pyqtgraph's own axis sets it every time.
    plain = pg.AxisItem("left")
    plain.setLabel("Error, all training rows")
    plain_count = changes(plain)
    for top in range(2, 60):
        plain.setRange(0.0, float(top))
    assert len(plain_count) > 50


def test_the_label_follows_every_change_as_pyqtgraphs_own_does(qtbot):
    """Units with an SI prefix that comes and goes with the range, a new text, a new style."""
    ours, plain = Axis("bottom"), pg.AxisItem("bottom")
    steps = [
        lambda a: a.setLabel("Voltage", units="V"),
        lambda a: a.setRange(0.0, 0.002),  # mV
        lambda a: a.setRange(0.0, 0.003),
        lambda a: a.setRange(0.0, 5.0),  # V again
        lambda a: a.setRange(0.0, 7000.0),  # kV
        lambda a: a.setLabel("Current", units="A", color="#c00"),
        lambda a: a.setRange(0.0, 0.5),
        lambda a: a.enableAutoSIPrefix(False),
        lambda a: a.setRange(0.0, 0.004),
    ]
    for step in steps:
        step(ours)
        step(plain)
        assert ours.label.toHtml() == plain.label.toHtml()
        assert ours.labelString() == plain.labelString()
    assert "Current" in ours.label.toPlainText()


def test_every_plot_in_the_window_has_these_axes_on_every_side_showing_two(qtbot, window):
    train(qtbot, window)  # the final-error plot too
    qtbot.waitUntil(lambda: window.runs_panel.final_plot is not None)
    plots = window.findChildren(pg.PlotWidget)
    assert {p.objectName() for p in plots} >= {"errorPlot", "boundaryPlot", "sigmoidPlot",
                                               "landscapePlot", "finalErrorPlot"}
    for plot in plots:
        item = plot.getPlotItem()
        assert all(isinstance(item.getAxis(side), Axis) for side in ORIENTATIONS), plot
        # As pyqtgraph's own plot: the left and the bottom axes, not the top and the right.
        shown = {side for side in ORIENTATIONS if item.getAxis(side).isVisible()}
        assert shown == {"left", "bottom"}, (plot.objectName(), shown)
    bar = window.boundary_plot.colour_bar
    assert isinstance(bar.axis, Axis) and isinstance(bar.label_axis, Axis)


def test_the_same_title_set_again_is_not_laid_out_again(qtbot):
    """The boundary plot sets its title with every edit of the table."""
    from gui.axes import Plot

    plot = Plot()
    qtbot.addWidget(plot)
    item = plot.getPlotItem()
    item.setTitle("Where the neuron says 0 and 1", size="11pt")
    count: list[int] = []
    item.titleLabel.item.document().contentsChanged.connect(lambda: count.append(1))
    item.setTitle("Where the neuron says 0 and 1", size="11pt")
    assert count == []
    item.setTitle("Where the neuron says 0 and 1", size="8pt")  # a new style
    item.setTitle("Rows on the sigmoid", size="8pt")  # a new text
    assert len(count) >= 2
    assert item.titleLabel.full_text() == "Rows on the sigmoid"


def test_a_titles_tooltip_follows_what_is_cut_and_its_text_never_spills(qtbot):
    from gui.axes import Plot

    plot = Plot()
    qtbot.addWidget(plot)
    plot.resize(420, 300)
    plot.show()
    qtbot.waitExposed(plot)
    title = plot.getPlotItem().titleLabel
    long = "Where the neuron says 0 and 1 (2,000 of 3,000 rows drawn) and a good deal more"
    plot.getPlotItem().setTitle(long)
    qtbot.waitUntil(lambda: title.shown_text().endswith("…"))
    assert title.toolTip() == long
    plot.getPlotItem().setTitle("Short")  # it fits: nothing cut, no tooltip
    qtbot.waitUntil(lambda: title.shown_text() == "Short")
    assert title.toolTip() == ""
    plot.getPlotItem().setTitle(long)
    margins = 2 * title.item.document().documentMargin()
    for width in (200, 110, 60, 30, 20):  # down to a title of no width at all
        plot.resize(width, 300)
        qtbot.waitUntil(lambda w=width: plot.width() == w)
        qtbot.waitUntil(lambda: title.item.boundingRect().width() <= title.width() + margins + 0.5)
        assert title.toolTip() == long


def test_a_title_given_when_the_plot_is_made_is_shown(qtbot):
    from gui.axes import Plot

    plot = Plot(title="Given at once")
    qtbot.addWidget(plot)
    assert plot.getPlotItem().titleLabel.full_text() == "Given at once"
    assert plot.getPlotItem().titleLabel.isVisible()


def test_a_label_longer_than_its_axis_is_shortened_and_its_tooltip_says_the_whole(qtbot):
    """pyqtgraph centres a label on its axis whatever its length: a low plot cut both ends
    of the rotated label off ("rror, all training row")."""
    from gui.axes import Plot

    plot = Plot()
    qtbot.addWidget(plot)
    axis = plot.getPlotItem().getAxis("left")
    plot.getPlotItem().setLabel("left", "Error, all training rows")
    plot.resize(400, 400)
    plot.show()
    qtbot.waitExposed(plot)
    qtbot.waitUntil(lambda: axis.size().height() > 300)
    assert axis.label_text().strip() == "Error, all training rows" and axis.toolTip() == ""
    whole = axis.label.boundingRect().width()
    margins = 2 * axis.label.document().documentMargin()
    for height in (150, 110, 70, 40):
        plot.resize(400, height)
        qtbot.waitUntil(lambda: axis.size().height() < whole - margins)
        qtbot.waitUntil(lambda: axis.label.boundingRect().width() <= axis.size().height() + 0.5)
        shown = axis.label_text()
        assert shown.endswith("…") or shown == ""  # (nothing, when not even "…" fits)
        assert axis.toolTip() == "Error, all training rows"
        # centred on the axis, inside it
        top = axis.mapRectToScene(axis.label.mapRectToParent(axis.label.boundingRect())).top()
        assert top >= axis.sceneBoundingRect().top() - 0.5
    plot.resize(400, 150)
    qtbot.waitUntil(lambda: axis.label_text().endswith("…"))
    plot.getPlotItem().setLabel("left", "Error")  # a new label that fits
    qtbot.waitUntil(lambda: axis.label_text().strip() == "Error")
    assert axis.toolTip() == ""
    plot.getPlotItem().setLabel("left", "Error, all training rows")  # one that does not
    qtbot.waitUntil(lambda: axis.label_text().endswith("…"))
    assert axis.toolTip() == "Error, all training rows"
    plot.resize(400, 400)
    qtbot.waitUntil(lambda: axis.label_text().strip() == "Error, all training rows")
    assert axis.toolTip() == ""


def test_a_shorter_wording_comes_before_the_label_is_cut(qtbot):
    from gui.axes import Plot

    plot = Plot()
    qtbot.addWidget(plot)
    axis = plot.getPlotItem().getAxis("left")
    plot.getPlotItem().setLabel("left", "Error, all training rows")
    axis.set_short_label("Error")
    plot.resize(400, 110)
    plot.show()
    qtbot.waitExposed(plot)
    qtbot.waitUntil(lambda: axis.label_text() == "Error")  # the whole does not fit; this does
    assert axis.toolTip() == "Error, all training rows"
    plot.resize(400, 50)  # not even the shorter one fits: it is cut
    qtbot.waitUntil(lambda: axis.label_text() in ("E…", "Er…", "Err…", "Erro…", "…", ""))
    plot.resize(400, 400)
    qtbot.waitUntil(lambda: axis.label_text().strip() == "Error, all training rows")
    assert axis.toolTip() == ""
