"""The kept runs on the error plot: a thin curve in its own colour for each run but the
current one (which the plot draws bold as ``train``/``test``), named ``run N``, with its
label in the legend; or, with "Bands", per learning rate the median curve over the seeds
and a band from the lowest to the highest.  Hovering near a curve says which run it is, the
iteration and the error.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, Qt, QTimer, Slot
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import QToolTip

from model.document import Document
from model.runs import KeptRun
from model.sampling import even_indices

from .error_plot import TEST_PEN, TRAIN_PEN, ErrorPlot
from .runs_panel import PALETTE

#: A kept curve is drawn from at most this many points (its even sample, always with the
#: last): enough for a curve a few hundred pixels wide, cheap with dozens of runs.
DRAWN_POINTS = 1000
#: Beyond this many entries the legend takes two columns, then three.
LEGEND_ROWS = 3
#: Milliseconds between redraws of a sweep's growing curves.
SWEEP_REDRAW_MS = 200
#: The legend names at most this many kept runs, the newest.
LEGEND_RUNS = 4


_PENS = [pg.mkPen(rgb, width=1) for rgb in PALETTE]
_BOLD = pg.mkPen(TRAIN_PEN.color(), width=2.5)


def _sample(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    index = even_indices(len(x), DRAWN_POINTS)
    return np.asarray(x[index], dtype=np.float64), np.asarray(y[index], dtype=np.float64)


class RunCurves(QObject):
    """Draws the document's kept runs on ``plot`` and keeps them up to date."""

    def __init__(self, document: Document, plot: ErrorPlot, parent=None) -> None:
        super().__init__(parent)
        self.document, self.plot = document, plot
        self.items: dict[int, pg.PlotDataItem] = {}
        self.band_items: list = []
        self.bands = False
        self.training = False
        self._drawn: dict[int, tuple] = {}
        self._free: list[pg.PlotDataItem] = []
        self._legend_rows: list = []  # (sample, label) rows of the legend this owns
        self._timer = QTimer(self, interval=0, singleShot=True, timeout=self.redraw)
        # A sweep's growing curves are redrawn a few times a second: plenty to watch them
        # grow, and the GUI thread stays free.
        self._growing = QTimer(self, interval=SWEEP_REDRAW_MS, singleShot=True,
                               timeout=self.redraw)
        document.runs.changed.connect(self._timer.start)
        document.runs.updated.connect(lambda number: self._timer.start())
        document.run_changed.connect(self._timer.start)
        plot.scene().sigMouseMoved.connect(self._hover)
        # A legend entry with no line of its own: "… and N more runs".
        self._more = pg.PlotDataItem(pen=None)
        if len(document.runs):  # made after runs were kept (the window's plots come later)
            self._timer.start()

    @Slot(bool)
    def set_training(self, on: bool) -> None:
        """Whether the current run is training (its curve is drawn thin meanwhile)."""
        if on != self.training:
            self.training = on
            self.redraw()

    def set_bands(self, on: bool) -> None:
        self.bands = bool(on)
        self.redraw()

    def mark_changed(self) -> None:
        """A running sweep's curves grew: redraw soon (at most a few times a second)."""
        if not self._growing.isActive():
            self._growing.start()

    def shown_runs(self) -> list[KeptRun]:
        """The kept runs drawn as their own curve (visible, not the current run)."""
        current = self.document.run
        columns = tuple(self.document.names)
        # Runs on a table of other columns are listed, never drawn beside this data's.
        return [r for r in self.document.runs if r.visible and r.fits(columns)
                and not (current is not None and current.number == r.number)]

    def _per_row(self, run: KeptRun, errors: np.ndarray) -> np.ndarray:
        # The plot draws mean errors per row while the current run holds rows out: kept
        # runs are drawn in the same units, each divided by its own training rows.
        if getattr(self.plot, "_per_row", None) is None:
            return errors
        rows = run.train_rows or 1
        return errors / rows

    @Slot()
    def redraw(self) -> None:
        item = self.plot.getPlotItem()
        for band in self.band_items:
            item.removeItem(band)
        self.band_items = []
        runs = [] if self.bands else self.shown_runs()
        wanted = {r.number for r in runs}
        for number in list(self.items):
            if number not in wanted:
                # Hidden and kept for the next run: pyqtgraph items added to and removed
                # from a plot over and over leave signal connections behind.
                curve = self.items.pop(number)
                self._drawn.pop(number, None)
                curve.setData(np.empty(0), np.empty(0))
                curve.hide()
                curve.opts["name"] = None
                self._free.append(curve)
        for run in runs:
            curve = self.items.get(run.number)
            if curve is None:
                if self._free:
                    curve = self._free.pop()
                    curve.show()
                else:
                    curve = pg.PlotDataItem()
                    curve.setZValue(-1)  # under the current run's bold curves
                    item.addItem(curve)  # unnamed here: the legend gets the label
                curve.setPen(_PENS[run.colour])
                curve.opts["name"] = f"run {run.number}"
                curve.setObjectName(f"run {run.number}")
                self.items[run.number] = curve
            x, train, _ = run.curve()
            per_row = getattr(self.plot, "_per_row", None)
            signature = (len(x), float(x[-1]) if len(x) else None, id(train), per_row)
            if self._drawn.get(run.number) != signature:  # only a curve that changed
                self._drawn[run.number] = signature
                curve.setData(*_sample(x, self._per_row(run, train)))
        # The legend names the newest kept runs (the table lists them all).
        entries = [(self.items[r.number], r.label) for r in runs[-LEGEND_RUNS:]]
        if len(runs) > LEGEND_RUNS:
            entries.append((self._more, f"… and {len(runs) - LEGEND_RUNS} more (see the table)"))
        if self.bands:
            entries += self._draw_bands()
        self._set_legend(entries)
        # The current run is drawn bold once there are others to tell it from, in its own
        # colour from the table (its held-out curve dashed in the same colour).
        current = self.document.run
        kept = None if current is None else self.document.runs.get(current.number)
        if (runs or self.bands) and kept is not None:
            # Bold, except while the run trains: a line wider than a pixel took 4-6 ms to
            # paint (1 ms thin), 20-50 ms with a run sharing the cores, at 30 paints a second.
            colour, wide = PALETTE[kept.colour], not self.training
            self.plot.train_curve.setPen(pg.mkPen(colour, width=2.5 if wide else 1))
            self.plot.test_curve.setPen(pg.mkPen(colour, width=2 if wide else 1,
                                                 style=Qt.PenStyle.DashLine))
        else:
            self.plot.train_curve.setPen(TRAIN_PEN)
            self.plot.test_curve.setPen(TEST_PEN)

    def _set_legend(self, entries: list[tuple]) -> None:
        """Show ``entries`` (item, text) in the legend after its own rows, reusing the rows
        already there (made anew, each row would leave signal connections behind)."""
        legend = self.plot.legend
        # Rows whose item left the plot were taken out of the legend with it.
        rows = self._legend_rows = [row for row in self._legend_rows
                                    if any(row is entry for entry in legend.items)]
        while len(rows) < len(entries):
            item, text = entries[len(rows)]
            legend.addItem(item, text)
            rows.append(legend.items[-1])
        while len(rows) > len(entries):
            sample, _ = rows.pop()
            legend.removeItem(sample.item)
        for (sample, label), (item, text) in zip(rows, entries):
            if sample.item is not item:
                sample.item = item
                sample.update()
            if label.text != text:
                label.setText(text)
        # Two columns at least: the current run's train and test share one row of the title.
        columns = max(2, 1 + (len(legend.items) - 1) // LEGEND_ROWS if legend.items else 1)
        if columns != legend.columnCount:
            legend.setColumnCount(columns)

    def _draw_bands(self) -> list[tuple]:
        """Per learning rate, the median curve and the min–max band; their legend entries."""
        item, entries = self.plot.getPlotItem(), []
        shown = [r for r in self.document.runs if r.visible and len(r.curve()[0])]
        # The newest sweep's runs when there is one (its runs share iterations and data),
        # else every run shown.
        sweeps = [r.sweep for r in shown if r.sweep is not None]
        if sweeps:
            shown = [r for r in shown if r.sweep == max(sweeps)]
        groups: dict[float, list[KeptRun]] = {}
        for run in shown:
            groups.setdefault(run.config.alpha, []).append(run)
        for position, (alpha, runs) in enumerate(sorted(groups.items())):
            x, median, low, high = band(runs, self._per_row)
            pen = PALETTE[position % len(PALETTE)]
            lower = pg.PlotDataItem(x, low, pen=pg.mkPen(pen + (60,), width=0.5))
            upper = pg.PlotDataItem(x, high, pen=pg.mkPen(pen + (60,), width=0.5))
            fill = pg.FillBetweenItem(lower, upper, brush=pg.mkBrush(pen + (45,)))
            middle = pg.PlotDataItem(x, median, pen=pg.mkPen(pen, width=2))
            for part in (fill, lower, upper, middle):
                part.setZValue(-1)
                item.addItem(part)
                self.band_items.append(part)
            middle.opts["name"] = f"α = {alpha:g}"
            middle.setObjectName(f"median α={alpha:g}")
            entries.append((middle, f"α = {alpha:g}, {len(runs)} seeds (median, min–max)"))
        return entries

    def fit_x(self) -> None:
        """Widen the x axis to hold every curve drawn (after a run or a sweep ended)."""
        ends = [float(r.curve()[0][-1]) for r in self.shown_runs() if len(r.curve()[0])]
        run = self.document.run
        if run is not None:
            ends.append(float(max(run.state.iteration, 1)))
        if ends:
            self.plot.expect_until(max(ends))

    # -- hovering ----------------------------------------------------------------------------
    def _hover(self, position) -> None:
        view = self.plot.getPlotItem().getViewBox()
        if not view.sceneBoundingRect().contains(position):
            return
        text = self.describe_point(view.mapSceneToView(position), view.viewPixelSize())
        if text is None:
            QToolTip.hideText()
        else:
            QToolTip.showText(QCursor.pos(), text, self.plot)

    def describe_point(self, here, pixel: tuple[float, float]) -> str | None:
        """Which run's curve passes within 10 pixels of ``here`` (in the plot's coordinates),
        at which iteration and error; None when none does."""
        candidates = [(r.label, c) for r in self.shown_runs() if (c := self.items.get(r.number))]
        current = self.document.run
        if current is not None:
            kept = self.document.runs.get(current.number)
            name = kept.label if kept is not None else "the current run"
            candidates.append((f"{name} (current)", self.plot.train_curve))
        best = None
        for label, curve in candidates:
            x, y = curve.getData()
            if x is None or len(x) == 0:
                continue
            with np.errstate(invalid="ignore", over="ignore"):
                d = np.hypot((x - here.x()) / pixel[0], (y - here.y()) / pixel[1])
            d[~np.isfinite(d)] = np.inf
            i = int(np.argmin(d))
            if d[i] < 10 and (best is None or d[i] < best[0]):
                log_x, log_y = curve.opts.get("logMode", (False, False))
                best = (d[i], label, 10 ** x[i] if log_x else x[i], 10 ** y[i] if log_y else y[i])
        if best is None:
            return None
        _, label, px, py = best
        return f"{label}\niteration {px:,.0f}\nerror {py:.6g}"


def band(runs: list[KeptRun], scale=lambda run, e: e
         ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Over the runs' common iterations: the median, the lowest and the highest training
    error (each run's curve interpolated onto the first run's iterations)."""
    x = np.asarray(runs[0].curve()[0], dtype=np.float64)
    end = min(float(r.curve()[0][-1]) for r in runs)
    x = x[x <= end]
    ys = np.array([np.interp(x, np.asarray(r.curve()[0], dtype=np.float64),
                             scale(r, np.asarray(r.curve()[1], dtype=np.float64)))
                   for r in runs])
    return x, np.median(ys, axis=0), ys.min(axis=0), ys.max(axis=0)


__all__ = ["RunCurves", "band"]
