"""The plots' axes: pyqtgraph's, without re-setting a label that has not changed.

pyqtgraph's ``AxisItem`` sets its label's HTML again (a text layout) every time its range
changes, although the label only changes when its units' SI prefix does: 209 times as
the window opened, 10-12 ms of every start (the 2-core Intel Xeon development machine),
and again with every move of a plot during a run.  :class:`Axis` sets it when its text
differs from the last set; everything else pyqtgraph does on a change (the axis' size,
its ticks) is done as before.  :class:`Plot` is a pyqtgraph PlotWidget with these axes.
"""
from __future__ import annotations

import pyqtgraph as pg

ORIENTATIONS = ("left", "bottom", "right", "top")


class Axis(pg.AxisItem):
    """A pyqtgraph axis that lays its label out again only when the label changes."""

    _label_html: str | None = None

    def _updateLabel(self) -> None:  # noqa: N802 (pyqtgraph's name)
        html = self.labelString()
        if html != self._label_html:
            self._label_html = html
            self.label.setHtml(html)
        self._adjustSize()
        self.picture = None
        self.update()


class Plot(pg.PlotWidget):
    """A pyqtgraph PlotWidget with an :class:`Axis` on every side, the left and the bottom
    shown, as pyqtgraph's own plot shows them.  ``axis_kinds`` gives a side another kind
    of :class:`Axis` (``{"left": ReadableAxis}``)."""

    def __init__(self, parent=None, axis_kinds: dict[str, type[Axis]] | None = None,
                 **kwargs) -> None:
        kinds = axis_kinds or {}
        super().__init__(parent, axisItems={side: kinds.get(side, Axis)(side)
                                            for side in ORIENTATIONS}, **kwargs)
        item = self.getPlotItem()
        for side in ("top", "right"):
            item.hideAxis(side)  # pyqtgraph shows every axis it is given
