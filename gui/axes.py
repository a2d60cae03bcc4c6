"""The plots' axes: pyqtgraph's, without re-setting a label that has not changed.

pyqtgraph's ``AxisItem`` sets its label's HTML again (a text layout) every time its range
changes, although the label only changes when its units' SI prefix does: 209 times as
the window opened, 10-12 ms of every start (the 2-core Intel Xeon development machine),
and again with every move of a plot during a run.  :class:`Axis` sets it when its text
differs from the last set, and shortens it when the axis is shorter; everything else
pyqtgraph does on a change (the axis' size, its ticks) is done as before.  :class:`Plot`
is a pyqtgraph PlotWidget with these axes, and a :class:`Title` that gives way when the
plot is narrow.
"""
from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetricsF, QTextCursor

ORIENTATIONS = ("left", "bottom", "right", "top")


class Axis(pg.AxisItem):
    """A pyqtgraph axis that lays its label out again only when the label changes, and
    shortens it with "…" when the axis is shorter than it (its tooltip then says the
    whole label): pyqtgraph centres a label on its axis whatever its length, so a low plot
    cut both ends of its rotated label off."""

    _label_html: str | None = None  # the whole label, as pyqtgraph writes it
    _label_length = 0.0  # its length laid out
    _label_cut: str | None = None  # the shortened text shown (None: the whole)
    _label_whole = ""  # the whole label's text, and its font's metrics, once it was cut
    _label_metrics: QFontMetricsF | None = None
    _label_short: str | None = None  # a shorter wording, shown before cutting the whole

    def set_short_label(self, text: str | None) -> None:
        """A shorter wording of the label ("Error" for "Error, all training rows"), shown
        when the whole does not fit and this does (cut only if it does not fit either)."""
        if text != self._label_short:
            self._label_short = text
            self._label_cut = None
            if self._label_html is not None:
                self.label.setHtml(self._label_html)
                self._fit_label()

    def _updateLabel(self) -> None:  # noqa: N802 (pyqtgraph's name)
        html = self.labelString()
        if html != self._label_html:
            self._label_html = html
            self._label_cut = None
            self.label.setHtml(html)
            self._label_length = self.label.boundingRect().width()
            self._fit_label()
        self._adjustSize()
        self.picture = None
        self.update()

    def resizeEvent(self, ev=None) -> None:  # noqa: N802 (Qt's name)
        if self.label is not None and self._label_html is not None:
            self._fit_label()
        super().resizeEvent(ev)  # (places the label, centred on the axis)

    def label_text(self) -> str:
        """The label's text as shown."""
        return self.label.toPlainText()

    def _fit_label(self) -> None:
        vertical = self.orientation in ("left", "right")
        room = (self.size().height() if vertical else self.size().width())
        room -= 2 * self.label.document().documentMargin()
        cut = None
        if room < self._label_length and self.size().width() > 0 and self.size().height() > 0:
            if self._label_cut is None:  # the whole is shown: its text and font
                self._label_whole = self.label.toPlainText().strip()
                cursor = QTextCursor(self.label.document())
                cursor.setPosition(1)
                self._label_metrics = QFontMetricsF(cursor.charFormat().font())
            # the shorter wording when there is one: whole if it fits, else cut too
            cut = self._label_metrics.elidedText(self._label_short or self._label_whole,
                                                 Qt.TextElideMode.ElideRight, max(0.0, room))
        if cut != self._label_cut:
            self._label_cut = cut
            if cut is None:
                self.label.setHtml(self._label_html)
            else:
                style = ";".join(f"{key}: {value}" for key, value in self.labelStyle.items())
                text = cut.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                self.label.setHtml(f"<span style='{style}'>{text}</span>")
        tip = "" if cut is None else self._label_whole
        if tip != self.toolTip():
            self.setToolTip(tip)


class Title(pg.LabelItem):
    """A plot's title that never asks for more width than the plot has: when the plot is
    narrower than the title, the title ends in "…" where it is cut, and its tooltip says
    the whole of it.

    pyqtgraph's title asks for its whole text's width as the plot's least width, so a plot
    squeezed by a small window or a splitter laid its items out wider than itself, and the
    last of them (the boundary's colour scale) went off its right edge.

    Titles are plain text here (pyqtgraph takes HTML): the text is measured and cut as it
    reads, in the title's size (``size`` in pt or px; not bold or another family)."""

    _full: str | None = None
    _metrics: QFontMetricsF | None = None  # the title's font, known at setText
    _whole = 0.0  # the whole title's width in that font
    _fitting = False
    _laid_out = False  # given a size by its layout yet (before that, its width says nothing)
    _hints: tuple | None = None

    def setText(self, text, **args) -> None:  # noqa: N802 (pyqtgraph's name)
        if text == self._full and all(self.opts.get(k) == v for k, v in args.items()):
            return  # the same title (set again with every edit of the table): no new layout
        self._full = text
        self._metrics = None
        super().setText(text, **args)

    def full_text(self) -> str:
        """The whole title, whatever part of it is shown."""
        return self._full or ""

    def shown_text(self) -> str:
        return self.item.toPlainText()

    def whole_width(self) -> float:
        """The width the whole title's text takes, in its font."""
        if self._metrics is None:
            font = self.item.font()
            size = str(self.opts.get("size", ""))
            if size.endswith("pt"):
                font.setPointSizeF(float(size[:-2]))
            elif size.endswith("px"):
                font.setPixelSize(round(float(size[:-2])))
            self._metrics = QFontMetricsF(font)
            self._whole = self._metrics.horizontalAdvance(self._full or "")
        return self._whole

    def _fitted(self) -> str:
        if not self._laid_out:  # its first size fits it again
            return self._full
        room = max(0.0, self.width() - 2 * self.item.document().documentMargin())
        if self.whole_width() <= room:
            return self._full
        return self._metrics.elidedText(self._full, Qt.TextElideMode.ElideRight, room)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        self._laid_out |= event is not None  # pyqtgraph calls it with None after a new text
        if not self._fitting and self._full:
            shown = self._fitted()
            if shown != self.text:
                self._fitting = True
                try:
                    pg.LabelItem.setText(self, shown)  # the same style; the whole text is kept
                finally:
                    self._fitting = False
            tip = self._full if shown != self._full else ""
            if tip != self.toolTip():
                self.setToolTip(tip)
        super().resizeEvent(event)

    def updateMin(self) -> None:  # noqa: N802 (pyqtgraph's name)
        """pyqtgraph's hints, but a least width of nothing; the layout is told only when
        they change (pyqtgraph tells it at every resize)."""
        bounds = self.itemRect()
        hints = (bounds.width(), bounds.height())
        if hints == self._hints:
            return
        self._hints = hints
        self.setMinimumWidth(0)
        self.setMinimumHeight(bounds.height())
        self._sizeHint = {
            Qt.SizeHint.MinimumSize: (0, bounds.height()),
            Qt.SizeHint.PreferredSize: hints,
            Qt.SizeHint.MaximumSize: (-1, -1),
            Qt.SizeHint.MinimumDescent: (0, 0),
        }
        self.updateGeometry()


class Plot(pg.PlotWidget):
    """A pyqtgraph PlotWidget with an :class:`Axis` on every side, the left and the bottom
    shown, as pyqtgraph's own plot shows them.  ``axis_kinds`` gives a side another kind
    of :class:`Axis` (``{"left": ReadableAxis}``)."""

    def __init__(self, parent=None, axis_kinds: dict[str, type[Axis]] | None = None,
                 **kwargs) -> None:
        kinds = axis_kinds or {}
        title = kwargs.pop("title", None)  # set on the Title below
        super().__init__(parent, axisItems={side: kinds.get(side, Axis)(side)
                                            for side in ORIENTATIONS}, **kwargs)
        item = self.getPlotItem()
        for side in ("top", "right"):
            item.hideAxis(side)  # pyqtgraph shows every axis it is given
        # pyqtgraph's PlotItem makes its own title label; ours takes its place in the grid.
        theirs = item.titleLabel
        item.layout.removeItem(theirs)
        theirs.setParentItem(None)
        if theirs.scene() is not None:
            theirs.scene().removeItem(theirs)
        theirs.deleteLater()
        item.titleLabel = Title("", parent=item, size="11pt")  # pyqtgraph's title size
        item.layout.addItem(item.titleLabel, 0, 1)
        item.setTitle(title)
