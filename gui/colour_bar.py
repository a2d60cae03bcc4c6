"""A colour scale beside an image: which value each colour of the image stands for.

pyqtgraph's ``ColorBarItem`` is a whole plot (a view box, four axes, a context menu of its
own) and took 15-19 ms to build, twice on every start (the 2-core Intel Xeon development
machine); :class:`ColourBar` is a painted strip between two axes and takes about 1 ms.

It shows the lookup table and the levels its image is coloured with, read from the image
itself (what ``ImageItem.setLookupTable`` and ``setLevels`` set), so the strip is the image's
own colouring: the image is the one owner of it.  A log-coloured image (a lookup table
spaced on a log scale over linear levels) gets a strip coloured the same way, against the
same linear axis.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QGraphicsGridLayout, QGraphicsWidget, QSizePolicy

from .axes import Axis

#: Where the scale goes in a PlotItem's grid: the view box's row, right of the right axis.
_ROW, _COLUMN = 2, 5
#: Room for the tick values, in pixels, as pyqtgraph's colour bar gives them.
_VALUES_WIDTH = 45


class _Strip(QGraphicsWidget):
    """The colours, lowest at the bottom, in a thin frame."""

    def __init__(self, width: int) -> None:
        super().__init__()
        self.setMinimumWidth(width)
        self.setMaximumWidth(width)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Expanding)
        self._image: QImage | None = None

    def set_colours(self, lut: np.ndarray) -> None:
        """``lut``: n colours (RGB or RGBA, 0-255), the lowest value's first."""
        rgba = np.full((len(lut), 4), 255, dtype=np.uint8)
        rgba[:, : lut.shape[1]] = lut
        column = np.ascontiguousarray(rgba[::-1])  # one pixel wide, the highest on top
        self._image = QImage(column.data, 1, len(column), 4, QImage.Format.Format_RGBA8888).copy()
        self.update()

    def paint(self, painter: QPainter, option, widget=None) -> None:  # noqa: ARG002 (Qt's)
        rect = self.rect()
        if self._image is not None:
            painter.drawImage(rect, self._image, QRectF(self._image.rect()))
        painter.setPen(pg.mkPen(pg.getConfigOption("foreground"), width=0))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(rect)


class ColourBar(QGraphicsWidget):
    """A labelled colour scale: the label on the left, the values on the right."""

    def __init__(self, label: str, width: int = 15) -> None:
        super().__init__()
        self.strip = _Strip(width)
        self.label_axis = Axis("left", showValues=False)
        self.label_axis.setStyle(tickLength=0)
        self.label_axis.setTicks([])
        self.label_axis.setLabel(label)
        self.axis = Axis("right")
        self.axis.setWidth(_VALUES_WIDTH)
        layout = QGraphicsGridLayout()
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addItem(self.label_axis, 0, 0)
        layout.addItem(self.strip, 0, 1)
        layout.addItem(self.axis, 0, 2)
        self.setLayout(layout)
        self.lut = np.zeros((0, 3), dtype=np.uint8)
        self.levels = (0.0, 1.0)

    def place_in(self, plot_item: pg.PlotItem) -> None:
        """Put the scale at the right of ``plot_item``'s view, as high as the view."""
        plot_item.layout.addItem(self, _ROW, _COLUMN)
        plot_item.layout.setColumnFixedWidth(_COLUMN - 1, 5)  # a gap after the plot's axis

    def show_colouring_of(self, image: pg.ImageItem) -> None:
        """The colouring ``image`` has now (call it after changing it): its lookup table
        over its levels, ``lut[0]`` for ``levels[0]`` and below, ``lut[-1]`` for
        ``levels[1]`` and above."""
        self.lut = np.asarray(image.lut, dtype=np.uint8)
        self.levels = (float(image.levels[0]), float(image.levels[1]))
        self.strip.set_colours(self.lut)
        self.axis.setRange(*self.levels)

    def set_label(self, text: str) -> None:
        self.label_axis.setLabel(text)
