"""The error plot: the summed squared error over the rows, growing as training runs.

A run of 100 million iterations has a million checkpoints.  Handing them all to the curve
on every redraw would make pyqtgraph reduce a million points each time (clipping,
downsampling, bounds) on the GUI thread.  Instead each series keeps, as checkpoints
arrive, the minimum and the maximum of fixed buckets of consecutive points (the same
"peak" picture pyqtgraph draws), so a redraw costs the new points and a few thousand
buckets, however long the run.  Small series, and a view zoomed in to a few thousand
points, are drawn point for point.
"""
from __future__ import annotations

import math
import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from model.history import History

from .axes import Axis, Plot

TRAIN_PEN = pg.mkPen(color=(31, 119, 180), width=1)  # blue
TEST_PEN = pg.mkPen(color=(230, 120, 20), width=1)  # orange: readable beside blue for everyone

#: Up to this many points a series is drawn point for point; beyond, as the minimum and
#: maximum of each bucket, between MAX_BUCKETS / 2 and MAX_BUCKETS buckets (a few per pixel
#: of any screen's width).
RAW_POINTS = 4096
MAX_BUCKETS = 2048


class _Envelope:
    """The minimum and the maximum of each bucket of ``size`` consecutive points, kept up
    to date as points arrive: each new point is looked at once, and when there are more
    than :data:`MAX_BUCKETS` buckets, neighbours merge (the size doubles)."""

    def __init__(self) -> None:
        self.size = 1
        self.count = 0  # complete buckets
        self.low = np.empty(MAX_BUCKETS + 1)
        self.high = np.empty(MAX_BUCKETS + 1)

    @property
    def covered(self) -> int:
        """Points summed up in complete buckets (the rest are the tail)."""
        return self.count * self.size

    def update(self, y: np.ndarray) -> None:
        """Take in the points of ``y`` not yet in a complete bucket."""
        while (whole := (len(y) - self.covered) // self.size) > 0:
            take = min(whole, MAX_BUCKETS + 1 - self.count)
            start = self.covered
            block = y[start:start + take * self.size].reshape(take, self.size)
            self.low[self.count:self.count + take] = block.min(axis=1)
            self.high[self.count:self.count + take] = block.max(axis=1)
            self.count += take
            if self.count > MAX_BUCKETS:
                self._merge()

    def _merge(self) -> None:
        pairs = self.count // 2  # an odd last bucket goes back to the tail
        self.low[:pairs] = np.minimum(self.low[0:2 * pairs:2], self.low[1:2 * pairs:2])
        self.high[:pairs] = np.maximum(self.high[0:2 * pairs:2], self.high[1:2 * pairs:2])
        self.count = pairs
        self.size *= 2

    def curve(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Points to draw for the series ``x``, ``y`` this envelope has seen: each bucket
        as a vertical stroke from its minimum to its maximum at its first x, then the tail
        point for point."""
        covered = self.covered
        tail = len(y) - covered
        xs = np.empty(2 * self.count + tail)
        ys = np.empty(2 * self.count + tail)
        starts = x[0:covered:self.size]
        xs[0:2 * self.count:2] = starts
        xs[1:2 * self.count:2] = starts
        ys[0:2 * self.count:2] = self.low[:self.count]
        ys[1:2 * self.count:2] = self.high[:self.count]
        xs[2 * self.count:] = x[covered:]
        ys[2 * self.count:] = y[covered:]
        return xs, ys


def _peaks(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The same picture as :class:`_Envelope` for any stretch of points, computed at once."""
    size = -(-len(y) // MAX_BUCKETS)
    count = len(y) // size
    block = y[:count * size].reshape(count, size)
    xs = np.repeat(x[0:count * size:size], 2)
    ys = np.empty(2 * count)
    ys[0::2] = block.min(axis=1)
    ys[1::2] = block.max(axis=1)
    return np.concatenate([xs, x[count * size:]]), np.concatenate([ys, y[count * size:]])


class _FloatIterations:
    """The history's iterations as float64 (pyqtgraph searches x when clipping), converted
    once per new checkpoint, not on every redraw; rebuilt when the history was thinned."""

    def __init__(self) -> None:
        self.x = np.empty(1024)
        self.n = 0
        self.stride = 1

    def of(self, history: History) -> np.ndarray:
        source = history.iteration
        if history.stride != self.stride or len(source) < self.n:
            self.n, self.stride = 0, history.stride
        if len(source) > len(self.x):
            # Copy only the filled part (np.resize would also fill the new half by repeating
            # the data: ten times slower, a 20 ms pause at a million checkpoints).
            grown = np.empty(max(len(source), 2 * len(self.x)))
            grown[:self.n] = self.x[:self.n]
            self.x = grown
        self.x[self.n:len(source)] = source[self.n:]
        self.n = len(source)
        return self.x[: self.n]


class _Series:
    """What one curve draws of a series of the history, and its envelope."""

    def __init__(self) -> None:
        self.envelope = _Envelope()
        self.stride = 1

    def shown(self, x: np.ndarray, y: np.ndarray, stride: int,
              x_range: tuple[float, float] | None) -> tuple[np.ndarray, np.ndarray]:
        """What to hand the curve: every point if there are few, else the envelope; for a
        view zoomed in on part of the series (``x_range``), that part alone, likewise."""
        if len(y) <= RAW_POINTS:
            return x, y
        if stride != self.stride:  # the history was thinned: its points moved
            self.envelope, self.stride = _Envelope(), stride
        self.envelope.update(y)
        if x_range is not None:
            # One point beyond each side, so that the line runs on to the view's edges.
            first = max(0, int(np.searchsorted(x, x_range[0])) - 1)
            last = min(len(y), int(np.searchsorted(x, x_range[1], side="right")) + 1)
            if first > 0 or last < len(y):
                part_x, part_y = x[first:last], y[first:last]
                return (part_x, part_y) if len(part_y) <= RAW_POINTS else _peaks(part_x, part_y)
        return self.envelope.curve(x, y)


def readable_number(value: float, spacing: float) -> str:
    """A tick's text that a person reads at a glance: ``2,000,000`` or ``2.5M``, never
    ``2e+06``; as many decimals as the ticks' ``spacing`` needs."""
    if value == 0:
        return "0"
    if abs(value) >= 1e6:
        decimals = max(0, math.ceil(-math.log10(spacing / 1e6))) if spacing > 0 else 1
        return f"{value / 1e6:,.{min(decimals, 3)}f}M"
    if spacing > 0:
        decimals = max(0, math.ceil(-math.log10(spacing) - 1e-9))
        return f"{value:,.{decimals}f}"
    return f"{value:,.0f}" if abs(value) >= 1 else f"{value:.3g}"  # a log axis' 10^k


class ReadableAxis(Axis):
    """An axis whose ticks read 2,000,000 or 2.5M (and 0.01, 0.1, 1, 10 on a log scale)."""

    def tickStrings(self, values, scale, spacing):  # noqa: N802 (pyqtgraph)
        if self.logMode:
            return [readable_number(10 ** v * scale, 0) for v in values]
        return [readable_number(v * scale, spacing * scale) for v in values]


class ErrorPlot(Plot):
    """A plot with a ``train`` and a ``test`` curve, each created once and updated in place.

    The mouse wheel zooms the iterations only (the error axis follows what is in view);
    a double-click, or :meth:`fit`, shows every checkpoint again."""

    #: the view was fitted to the data (double-click or :meth:`fit`)
    fitted = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent, background="w",
                         axis_kinds={"bottom": ReadableAxis, "left": ReadableAxis})
        self.setObjectName("errorPlot")
        item = self.getPlotItem()
        item.setLabel("bottom", "Iterations")
        item.setLabel("left", "Error, all training rows")
        item.getAxis("left").set_short_label("Error")
        # Errors are read as they are: no "(x0.001)" scaling of the axis behind the numbers.
        item.getAxis("left").enableAutoSIPrefix(False)
        item.getAxis("bottom").enableAutoSIPrefix(False)
        item.setTitle("Error as the neuron learns", justify="left")
        item.setClipToView(True)
        item.setDownsampling(auto=True, mode="peak")
        view = item.getViewBox()
        # Zooming both axes with the wheel lost the curve: only the iterations zoom, and the
        # error axis fits whatever part of the curve is in view.
        view.setMouseEnabled(x=True, y=False)
        item.setAutoVisible(y=True)
        self.setToolTip("Wheel: zoom the iterations · drag: move along them · "
                        "double-click: show the whole run")
        # The legend sits in the title's row, right, where it can never cover the curve.
        # With many kept runs it grows down over the plot: a see-through white keeps the
        # curves under it visible.
        self.legend = pg.LegendItem(colCount=2, brush=pg.mkBrush(255, 255, 255, 150), pen=None,
                                    verSpacing=0)
        self.legend.layout.setContentsMargins(0, 0, 0, 0)
        self.legend.setParentItem(item)
        self.legend.anchor(itemPos=(1, 0), parentPos=(1, 0), offset=(-6, 4))
        self.train_curve = item.plot(pen=TRAIN_PEN, name="train")
        self.train_curve.setObjectName("train")
        self.test_curve = item.plot(pen=TEST_PEN, name="test")
        self.test_curve.setObjectName("test")
        # The legend names the held-out curve only while there is one.
        self.legend.addItem(self.train_curve, "train")
        self._test_in_legend = False
        self._history: History | None = None
        self._per_row: tuple[int, int] | None = None
        self._x = _FloatIterations()
        self._train = _Series()
        self._test = _Series()
        self._shown: tuple = (np.empty(0), np.empty(0), None)
        self._dirty = False
        self._refreshing = False
        # Zooming in (or out) redraws from the full series, at the new view's resolution.
        item.getViewBox().sigXRangeChanged.connect(self._view_changed)
        #: How long the last paint took, in seconds: redraws are paced by it.
        self.last_paint_seconds = 0.0

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt)
        started = time.perf_counter()
        super().paintEvent(event)
        self.last_paint_seconds = time.perf_counter() - started

    def redraw_interval_ms(self) -> int:
        """Milliseconds to wait before the next redraw during a run: ~30 a second, but
        never more than a fifth of the GUI thread's time on painting this plot."""
        return int(min(250, max(33, 5000 * self.last_paint_seconds)))

    @Slot()
    def fit(self) -> None:
        """Show every checkpoint: both axes fitted to the data."""
        self.getPlotItem().enableAutoRange(x=True, y=True)
        self.fitted.emit()

    def mouseDoubleClickEvent(self, event) -> None:  # noqa: N802 (Qt)
        super().mouseDoubleClickEvent(event)
        self.fit()

    def set_log_scale(self, on: bool) -> None:
        """The error axis on a logarithmic scale (equal ratios take equal heights)."""
        item = self.getPlotItem()
        item.setLogMode(y=on)
        self._label_error_axis()
        item.enableAutoRange(y=True)

    def log_scale(self) -> bool:
        return bool(self.getPlotItem().getAxis("left").logMode)

    def _label_error_axis(self) -> None:
        if self.log_scale():  # short: the axis is low in a small window
            text = "Error (log scale)" if self._per_row is None else "Mean error per row (log scale)"
        else:
            text = ("Error, all training rows" if self._per_row is None
                    else "Mean error per row")  # the legend says which curve is which
        axis = self.getPlotItem().getAxis("left")
        # (said whole in the axis' tooltip when only this fits)
        axis.set_short_label("Error (log)" if self.log_scale() else "Error")
        self.getPlotItem().setLabel("left", text)

    def expect_until(self, last_iteration: int) -> None:
        """Fix the x axis to end at ``last_iteration``: the curve grows into a still frame
        (and the axes are not recomputed on every redraw)."""
        item = self.getPlotItem()
        item.enableAutoRange(x=False, y=True)
        item.setXRange(0, max(1, last_iteration), padding=0.02)

    def show(self, history: History | None, rows: tuple[int, int] | None = None) -> None:
        """Draw ``history`` (None: nothing), now and at every :meth:`refresh`.

        ``rows`` (training rows, held-out rows) is given when some rows are held out: the
        two sums are over different numbers of rows, so both curves are then drawn as the
        mean error per row, which can be compared, and the axis says so.  Without held-out
        rows the curve is the note's own sum."""
        self._history = history
        self._per_row = rows if rows is not None and rows[1] > 0 else None
        self._label_error_axis()
        self._x, self._train, self._test = _FloatIterations(), _Series(), _Series()
        self._dirty = True
        self.refresh()
        if history is None:  # nothing to show: no axes left over from a run put away
            item = self.getPlotItem()
            item.setRange(xRange=(0, 1), yRange=(0, 1), padding=0)
            item.enableAutoRange(x=True, y=True)

    def clear_curves(self) -> None:
        self.show(None)

    def mark_changed(self) -> None:
        """The history grew: the next :meth:`refresh` redraws."""
        self._dirty = True

    def refresh(self) -> None:
        """Hand the curves what there is to draw of the history, if anything changed."""
        if not self._dirty or self._refreshing:
            return
        self._dirty = False
        history = self._history
        x = self._x.of(history) if history is not None else np.empty(0)
        train = history.train_error if history is not None else np.empty(0)
        test = history.test_error if history is not None else None
        if self._per_row is not None:
            train = train / self._per_row[0]
            test = test / self._per_row[1] if test is not None else None
        self._shown = (x, train, test)
        stride = history.stride if history is not None else 1
        self._refreshing = True  # setData can move the view, which asks for a refresh
        try:
            x_range = self._zoomed_range()
            self.train_curve.setData(*self._train.shown(x, train, stride, x_range))
            if test is not None:
                self.test_curve.setData(*self._test.shown(x, test, stride, x_range))
            else:
                self.test_curve.setData(np.empty(0), np.empty(0))
        finally:
            self._refreshing = False
        has_test = test is not None and len(test) > 0
        self.test_curve.setVisible(has_test)
        if has_test != self._test_in_legend:
            if has_test:
                self.legend.addItem(self.test_curve, "test")
            else:
                self.legend.removeItem(self.test_curve)
            self._test_in_legend = has_test

    def _zoomed_range(self) -> tuple[float, float] | None:
        """The x range shown, or None when it holds every checkpoint (the usual case)."""
        x = self._shown[0]
        if len(x) == 0:
            return None
        low, high = self.getPlotItem().getViewBox().viewRange()[0]
        return None if low <= x[0] and x[-1] <= high else (low, high)

    def _view_changed(self, *args) -> None:
        if len(self._shown[0]) > RAW_POINTS:
            self._dirty = True
            self.refresh()

    def points(self, name: str = "train") -> tuple[np.ndarray, np.ndarray]:
        """The checkpoints drawn at the last refresh for ``name`` (``train`` or ``test``)."""
        x, train, test = self._shown
        if name == "train":
            return x.copy(), train.copy()
        if test is None:
            return np.empty(0), np.empty(0)
        return x.copy(), test.copy()


class ErrorPanel(QWidget):
    """The error plot (``errorPlot``) under a row with a log-scale switch and a Fit button."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.plot = ErrorPlot()
        self.log_check = QCheckBox("Lo&g scale", objectName="logScaleCheck")
        self.log_check.setToolTip("Draw the error on a logarithmic scale: equal ratios take equal "
                                  "heights, so the slow decline late in a run stays visible")
        self.fit_button = QPushButton("&Zoom to fit", objectName="fitButton")
        self.fit_button.setToolTip("Show the whole run again after zooming (or double-click the plot)")
        hint = QLabel("wheel: zoom the iterations · double-click: fit", wordWrap=True)
        hint.setStyleSheet("color: #555;")
        row = QHBoxLayout()
        row.setContentsMargins(4, 0, 4, 0)
        row.addWidget(hint, 1)
        row.addWidget(self.log_check)
        row.addWidget(self.fit_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(row)
        layout.addWidget(self.plot, 1)
        self.log_check.toggled.connect(self.plot.set_log_scale)
        self.fit_button.clicked.connect(self.plot.fit)
