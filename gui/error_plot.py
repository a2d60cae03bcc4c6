"""The error plot: the summed squared error over the rows, growing as training runs."""
from __future__ import annotations

import time

import numpy as np
import pyqtgraph as pg

from model.history import History

TRAIN_PEN = pg.mkPen(color=(31, 119, 180), width=1)  # blue
TEST_PEN = pg.mkPen(color=(230, 120, 20), width=1)  # orange: readable beside blue for everyone


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
            self.x = np.resize(self.x, max(len(source), 2 * len(self.x)))
        self.x[self.n:len(source)] = source[self.n:]
        self.n = len(source)
        return self.x[: self.n]


class ErrorPlot(pg.PlotWidget):
    """A plot with a ``train`` and a ``test`` curve, each created once and updated in place."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent, background="w")
        self.setObjectName("errorPlot")
        item = self.getPlotItem()
        item.setLabel("bottom", "Iterations")
        item.setLabel("left", "Error for all training instances")
        item.setTitle("Error as the neuron learns")
        item.setClipToView(True)
        item.setDownsampling(auto=True, mode="peak")
        self.legend = item.addLegend(offset=(-10, 10), brush=pg.mkBrush(255, 255, 255, 220))
        self.train_curve = item.plot(pen=TRAIN_PEN, name="train")
        self.train_curve.setObjectName("train")
        self.test_curve = item.plot(pen=TEST_PEN, name="test")
        self.test_curve.setObjectName("test")
        # The legend names the held-out curve only while there is one.
        self.legend.removeItem(self.test_curve)
        self._test_in_legend = False
        self._history: History | None = None
        self._x = _FloatIterations()
        self._dirty = False
        self._shown: tuple = (np.empty(0), np.empty(0), None)
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

    def expect_until(self, last_iteration: int) -> None:
        """Fix the x axis to end at ``last_iteration``: the curve grows into a still frame
        (and the axes are not recomputed on every redraw)."""
        item = self.getPlotItem()
        item.enableAutoRange(x=False, y=True)
        item.setXRange(0, max(1, last_iteration), padding=0.02)

    def show(self, history: History | None) -> None:
        """Draw ``history`` (None: nothing), now and at every :meth:`refresh`."""
        self._history = history
        self._x = _FloatIterations()
        self._dirty = True
        self.refresh()

    def clear_curves(self) -> None:
        self.show(None)

    def mark_changed(self) -> None:
        """The history grew: the next :meth:`refresh` redraws."""
        self._dirty = True

    def refresh(self) -> None:
        """Hand the buffers' filled parts to the curves, if anything changed."""
        if not self._dirty:
            return
        self._dirty = False
        history = self._history
        x = self._x.of(history) if history is not None else np.empty(0)
        train = history.train_error if history is not None else np.empty(0)
        test = history.test_error if history is not None else None
        self.train_curve.setData(x, train)
        self.test_curve.setData(x if test is not None else np.empty(0),
                                test if test is not None else np.empty(0))
        self._shown = (x, train, test)
        has_test = test is not None and len(test) > 0
        self.test_curve.setVisible(has_test)
        if has_test != self._test_in_legend:
            if has_test:
                self.legend.addItem(self.test_curve, "test")
            else:
                self.legend.removeItem(self.test_curve)
            self._test_in_legend = has_test

    def points(self, name: str = "train") -> tuple[np.ndarray, np.ndarray]:
        """The checkpoints drawn at the last refresh for ``name`` (``train`` or ``test``)."""
        x, train, test = self._shown
        if name == "train":
            return x.copy(), train.copy()
        if test is None:
            return np.empty(0), np.empty(0)
        return x.copy(), test.copy()
