"""The error plot: the summed squared error over the rows, growing as training runs."""
from __future__ import annotations

import time

import numpy as np
import pyqtgraph as pg

TRAIN_PEN = pg.mkPen(color=(31, 119, 180), width=1)  # blue
TEST_PEN = pg.mkPen(color=(230, 120, 20), width=1)  # orange: readable beside blue for everyone


class _GrowingSeries:
    """x and y in preallocated float64 buffers that double when full."""

    def __init__(self) -> None:
        self.x = np.empty(1024)
        self.y = np.empty(1024)
        self.n = 0

    def clear(self) -> None:
        self.n = 0

    def extend(self, x: np.ndarray, y: np.ndarray) -> None:
        need = self.n + len(x)
        if need > len(self.x):
            size = max(need, 2 * len(self.x))
            self.x = np.resize(self.x, size)
            self.y = np.resize(self.y, size)
        self.x[self.n:need] = x
        self.y[self.n:need] = y
        self.n = need


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
        self._train = _GrowingSeries()
        self._test = _GrowingSeries()
        self._dirty = False
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

    def clear_curves(self) -> None:
        self._train.clear()
        self._test.clear()
        self._dirty = True
        self.refresh()

    def append(self, iterations: np.ndarray, train: np.ndarray, test: np.ndarray) -> None:
        """Add checkpoints; the curves are redrawn by :meth:`refresh`."""
        if len(iterations) == 0:
            return
        x = iterations.astype(np.float64)
        self._train.extend(x, train)
        if len(test):
            self._test.extend(x, test)
        self._dirty = True

    def refresh(self) -> None:
        """Hand the buffers' filled parts to the curves, if anything changed."""
        if not self._dirty:
            return
        self._dirty = False
        self.train_curve.setData(self._train.x[: self._train.n], self._train.y[: self._train.n])
        self.test_curve.setData(self._test.x[: self._test.n], self._test.y[: self._test.n])
        has_test = self._test.n > 0
        self.test_curve.setVisible(has_test)
        if has_test != self._test_in_legend:
            if has_test:
                self.legend.addItem(self.test_curve, "test")
            else:
                self.legend.removeItem(self.test_curve)
            self._test_in_legend = has_test

    def points(self, name: str = "train") -> tuple[np.ndarray, np.ndarray]:
        """The checkpoints plotted so far for ``name`` (``train`` or ``test``)."""
        series = self._train if name == "train" else self._test
        return series.x[: series.n].copy(), series.y[: series.n].copy()
