"""gui/colour_bar.py: the colour scales beside the boundary and the landscape show the
colouring their image has, linear or log, and are no longer whole plots of their own."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QGraphicsScene  # noqa: TC002 (a type in a signature)

from gui.colour_bar import ColourBar
from tests.gui_helpers import TIMEOUT, train


def strip_colours(bar: ColourBar, scene: QGraphicsScene) -> np.ndarray:
    """The strip as drawn: one RGB row per pixel, top first, from its middle column."""
    rect = bar.strip.sceneBoundingRect()
    image = QImage(int(rect.width()), int(rect.height()), QImage.Format.Format_RGB888)
    image.fill(0)
    painter = QPainter(image)
    scene.render(painter, QRectF(image.rect()), rect)
    painter.end()
    x = image.width() // 2
    return np.array([image.pixelColor(x, y).getRgb()[:3] for y in range(image.height())])


def test_the_strip_draws_the_lookup_table_lowest_at_the_bottom(qtbot):
    lut = np.zeros((256, 3), dtype=np.uint8)
    lut[:, 0] = np.arange(256)  # red rises with the value
    lut[:, 2] = 255 - np.arange(256)
    bar = ColourBar("a label", width=20)
    view = pg.GraphicsView()  # closed and deleted with the test, as a window is
    qtbot.addWidget(view)
    view.setCentralItem(bar)
    view.resize(120, 300)
    scene = view.scene()
    image = pg.ImageItem(lut=lut, levels=(2.0, 5.0))
    bar.show_colouring_of(image)
    colours = strip_colours(bar, scene)[3:-3]  # inside the frame
    assert colours[0, 0] > 240 and colours[0, 2] < 15  # the top: the highest value's colour
    assert colours[-1, 0] < 15 and colours[-1, 2] > 240  # the bottom: the lowest's
    assert np.all(np.diff(colours[:, 0].astype(int)) <= 0)  # and in order between
    assert bar.axis.range == [2.0, 5.0] and bar.levels == (2.0, 5.0)
    # The axis of values stands beside the strip, as high as it.
    axis_rect, strip_rect = bar.axis.geometry(), bar.strip.geometry()  # in the bar's frame
    assert axis_rect.left() == pytest.approx(strip_rect.right())
    assert axis_rect.top() == pytest.approx(strip_rect.top())
    assert axis_rect.height() == pytest.approx(strip_rect.height())


def test_the_landscapes_scale_shows_the_images_own_colouring_linear_and_log(qtbot, window):
    window.iterations_spin.setValue(3000)
    train(qtbot, window)
    panel = window.landscape_panel
    window.plot_tabs.setCurrentWidget(panel)
    panel.refresh()
    panel.wait()
    qtbot.waitUntil(lambda: panel.errors is not None, timeout=TIMEOUT)
    bar, image = panel.colour_bar, panel.image
    assert np.array_equal(bar.lut, image.lut)
    assert bar.levels == tuple(float(v) for v in image.levels)
    linear = bar.lut.copy()
    panel.log_check.setChecked(True)
    assert np.array_equal(bar.lut, image.lut)  # the log colouring, shown as the image has it
    assert not np.array_equal(bar.lut, linear)
    assert bar.levels == tuple(float(v) for v in image.levels)
    scene = panel.plot.scene()
    drawn = strip_colours(bar, scene)[3:-3]
    middle = drawn[len(drawn) // 2].astype(int)
    # Half way up the strip (half way between the levels), the colour of the log table's
    # middle entry, not the linear one's.
    assert np.abs(middle - bar.lut[128, :3].astype(int)).max() <= 12
    assert np.abs(middle - linear[128, :3].astype(int)).max() > 12


def test_the_boundarys_scale_is_the_neurons_output_from_0_to_1(qtbot, window):
    plot = window.boundary_plot
    bar = plot.colour_bar
    assert np.array_equal(bar.lut, plot.image.lut) and bar.levels == (0.0, 1.0)
    assert bar.label_axis.labelText == "neuron output ŷ"
    # Beside the picture, to its right, as high as the picture's view.
    view = plot.getPlotItem().getViewBox().sceneBoundingRect()
    strip = bar.strip.sceneBoundingRect()
    assert strip.left() > view.right()
    assert strip.top() == pytest.approx(view.top(), abs=1)
    assert strip.bottom() == pytest.approx(view.bottom(), abs=1)
    assert strip.contains(QPointF(strip.center()))


def test_neither_scale_builds_a_plot_of_its_own(qtbot, window):
    """pyqtgraph's ColorBarItem is a plot with a view box, axes and menus: 15-19 ms of every
    start each."""
    for plot in (window.boundary_plot, window.landscape_plot):
        assert not any(isinstance(item, pg.ColorBarItem) for item in plot.scene().items())
        assert sum(isinstance(item, pg.ViewBox) for item in plot.scene().items()) == 1
