"""The error landscape: the error over two of the neuron's parameters, and the path
gradient descent took on it.

``landscapePlot`` shows, as a heat map with contour lines, the summed squared error over the
run's training rows as a function of two parameters (``w1`` across and ``w2`` up by default;
any two of the weights and the bias can be chosen, the others held at the values of the model
shown), sampled at the centres of its pixels.  Over it: the ``path`` through those two
parameters at every checkpoint, the model shown as a point, and the negative gradient there
as an arrow: the way one step of full-batch descent would go.  The grid is computed on a
thread of Qt's pool (a big table is summed over an even sample of its rows, and the title
says so); a newer request makes an older result stale.
"""
from __future__ import annotations

import threading

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, QRectF, QRunnable, QThreadPool, QTimer, Signal, Slot
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from model.document import Document

from .axes import Plot
from .colour_bar import ColourBar
from .runs_panel import PALETTE
from model.landscape import (
    MAX_ROWS,
    Grid,
    error_grid,
    gradient,
    parameter_names,
    principal_plane,
    sample_rows,
)
from model.sampling import even_indices
from model.threads import lower_priority

from .worker import NICENESS

RESOLUTION = 128
#: A path is drawn (and its principal plane found) through at most this many of its
#: checkpoints, evenly spread, the first and the last included: a million-checkpoint path
#: took over a second to paint and its plane 150-240 ms, on the window's thread.
PATH_POINTS = 4000
#: Contour levels drawn over the heat map.
LEVELS = 12
_COLOURS = pg.colormap.get("viridis")


class _Done(QObject):
    ready = Signal(int, object, object)  # generation, grid, errors


_lowered = threading.local()


class _Job(QRunnable):
    def __init__(self, generation: int, x, y, grid: Grid, done: _Done) -> None:
        super().__init__()
        self.generation, self.x, self.y, self.grid, self.done = generation, x, y, grid, done

    def run(self) -> None:
        if not getattr(_lowered, "done", False):
            # A picture gives way to the window's own thread, as training does (and so do
            # the threads this one starts to share the grid: they inherit its priority).
            _lowered.done = lower_priority(NICENESS) or True
        try:
            errors = error_grid(self.x, self.y, self.grid)
        except Exception:  # noqa: BLE001 - a failed picture must not end the program
            errors = None
        self.done.ready.emit(self.generation, self.grid, errors)


def _drawn(path: np.ndarray) -> np.ndarray:
    """The checkpoints of ``path`` that are drawn (see :data:`PATH_POINTS`)."""
    return path[even_indices(len(path), PATH_POINTS)]


def _log_lookup(low: float, high: float) -> np.ndarray:
    """A lookup table that colours linear values ``low..high`` on a log scale."""
    low = max(low, high * 1e-9, 1e-300)
    values = np.linspace(low, high, 256)
    positions = (np.log(values) - np.log(low)) / max(np.log(high) - np.log(low), 1e-300)
    return _COLOURS.map(np.clip(positions, 0, 1), mode="byte")


class LandscapePanel(QWidget):
    """Two combo boxes choosing the parameters, a log-scale box, and the plot."""

    message = Signal(str, bool)
    #: the weights then the bias a person clicked, to start a new run from
    start_requested = Signal(object)

    def __init__(self, document: Document, parent=None) -> None:
        super().__init__(parent)
        self.document = document
        self.plot = Plot(background="w", enableMenu=False)
        self.plot.setObjectName("landscapePlot")
        item = self.plot.getPlotItem()
        item.setTitle("Error over two parameters")
        for axis in ("bottom", "left"):
            item.getAxis(axis).enableAutoSIPrefix(False)  # the parameters' own numbers
        item.getViewBox().setMouseEnabled(x=False, y=False)
        self.image = pg.ImageItem(axisOrder="col-major")
        self.image.setZValue(-10)
        item.addItem(self.image)
        self.contours = pg.PlotCurveItem(pen=pg.mkPen((255, 255, 255, 150), width=1),
                                         connect="finite")
        item.addItem(self.contours)
        self.path = pg.PlotDataItem(pen=pg.mkPen((230, 60, 40), width=2))
        self.path.setObjectName("path")
        self.path.opts["name"] = "path"
        item.addItem(self.path)
        # Other kept runs' paths (thin, in their colours), to compare a branch with its
        # original, or runs of other learning rates: made once, reused.
        self.other_paths: list[pg.PlotDataItem] = []
        self.point = pg.ScatterPlotItem(size=11, pen=pg.mkPen("k", width=1.5),
                                        brush=pg.mkBrush(255, 255, 255))
        item.addItem(self.point)
        self.arrow = pg.PlotCurveItem(pen=pg.mkPen((255, 255, 255), width=2), connect="finite")
        item.addItem(self.arrow)
        self.image.setLookupTable(_COLOURS.getLookupTable(0.0, 1.0, 256))
        self.image.setLevels((0.0, 1.0))
        self.colour_bar = ColourBar("error over the training rows", width=12)
        self.colour_bar.show_colouring_of(self.image)
        self.colour_bar.place_in(item)
        self.across = QComboBox(objectName="landscapeAcross")
        self.up = QComboBox(objectName="landscapeUp")
        self.across.setToolTip("The parameter along the horizontal axis")
        self.up.setToolTip("The parameter along the vertical axis; the others are held at the "
                           "values of the model shown")
        self.log_check = QCheckBox("Lo&g colours", objectName="landscapeLog")
        self.log_check.setToolTip("Colour the error on a log scale (the values stay the error)")
        self.plane_check = QCheckBox("Path's pla&ne", objectName="landscapePlane")
        self.plane_check.setToolTip("Instead of two parameters, the plane of the path's two "
                                    "principal directions (for more than two parameters): "
                                    "the share of the path's variance it holds is printed")
        self.row_check = QCheckBox("&Drawn row only", objectName="landscapeRow")
        self.row_check.setToolTip("While stepping: the error of the single row the last step "
                                  "learned from, the surface that step went down")
        top = QHBoxLayout()
        for text, combo in (("Across:", self.across), ("Up:", self.up)):
            label = QLabel(text)
            label.setBuddy(combo)
            top.addWidget(label)
            top.addWidget(combo, 1)
        options = QHBoxLayout()  # a row of its own: the panel stays narrow in a small window
        for check in (self.log_check, self.plane_check, self.row_check):
            options.addWidget(check)
        options.addStretch(1)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #555;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(options)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.note)
        self.errors: np.ndarray | None = None
        self.grid: Grid | None = None
        self._plane = None
        self._shown_params = np.zeros(3)
        self._axes = (0, 1)
        self._generation = 0
        self._stale = True
        self._done = _Done()
        self._done.ready.connect(self._ready)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._timer = QTimer(self, interval=250, singleShot=True, timeout=self.refresh)
        self._set_axes(2)
        self.across.currentIndexChanged.connect(self.schedule)
        self.up.currentIndexChanged.connect(self.schedule)
        self.log_check.toggled.connect(self._colour)
        self.plane_check.toggled.connect(self.schedule)
        self.row_check.toggled.connect(self.schedule)
        item.scene().sigMouseClicked.connect(self._clicked)
        self.plot.setToolTip("Click to put the neuron there (those two parameters, the others "
                             "as shown): a new run starts from it, and Continue trains it")
        document.run_changed.connect(self.schedule)
        document.run_progressed.connect(lambda checkpoints: self.schedule())
        document.shown_changed.connect(self.schedule)

    # -- inputs ------------------------------------------------------------------------------
    def _set_axes(self, n_features: int) -> None:
        names = parameter_names(n_features)
        if [self.across.itemText(i) for i in range(self.across.count())] == names:
            return
        for combo, index in ((self.across, 0), (self.up, 1 if n_features > 1 else n_features)):
            combo.blockSignals(True)
            combo.clear()
            combo.addItems(names)
            combo.setCurrentIndex(index)
            combo.blockSignals(False)

    def axes(self) -> tuple[int, int]:
        return self.across.currentIndex(), self.up.currentIndex()

    @Slot()
    def schedule(self) -> None:
        """Redraw soon (a few times a second at most during a run); while the panel is
        hidden, only once it is shown again."""
        if not self.isVisible():
            self._stale = True
        elif not self._timer.isActive():
            self._timer.start()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt)
        super().showEvent(event)
        if self._stale:
            self._stale = False
            self.refresh()

    def wait(self) -> None:
        """Wait for the grid being computed (for scripts and tests)."""
        self._pool.waitForDone()

    # -- drawing -----------------------------------------------------------------------------
    @Slot()
    def refresh(self) -> None:
        """Draw the path and the point now, and ask for the grid around them."""
        run = self.document.run
        shown = self.document.shown_parameters()
        if run is None or shown is None:
            self._clear("Train, or Step, to see the error landscape and the path on it.")
            return
        d = run.state.weights.shape[0]
        self._set_axes(d)
        a, b = self.axes()
        params = np.append(shown[0], shown[1])
        history = run.history.params
        path = _drawn(np.vstack([run.state.initial_weights.tolist() + [run.state.initial_bias],
                                 history if history is not None else np.empty((0, d + 1))]))
        names = parameter_names(d)
        plane = None
        if self.plane_check.isChecked() and len(path) >= 3:
            centre, directions, share = principal_plane(path)
            plane = (params, directions)
            coords = (path - params) @ directions.T
            point, labels = np.zeros(2), ("path's 1st direction", "path's 2nd direction")
            plane_note = (f"The path's plane holds {share[0]:.0%} + {share[1]:.0%} of its "
                          "variance. ")
        elif a == b:
            self._clear("Choose two different parameters.")
            return
        else:
            coords = path[:, [a, b]]
            point, labels, plane_note = params[[a, b]], (names[a], names[b]), ""
        self.path.setData(coords[:, 0], coords[:, 1])
        self._draw_other_paths(run, params, plane, a, b)
        self.point.setData([point[0]], [point[1]])
        ends = np.vstack([coords, point[None, :]])
        (x0, x1), (y0, y1) = self._span(ends[:, 0]), self._span(ends[:, 1])
        old = self.grid
        if (old is not None and (old.across, old.up, old.directions is None) == (a, b, plane is None)
                and plane is None and old.x_range[0] <= point[0] <= old.x_range[1]
                and old.y_range[0] <= point[1] <= old.y_range[1]):
            # The point is still in the picture: keep the frame (the valley stays where it was).
            (x0, x1), (y0, y1) = old.x_range, old.y_range
        rows, sampled = sample_rows(run.train_rows)
        x = run.dataset.features[rows]
        if run.state.scaling is not None:
            x = run.state.scaling.apply(x)
        y = run.dataset.target[rows]
        step = self.document.step
        row_only = self.row_check.isChecked() and step is not None and self.document.rewound is None
        self.row_check.setEnabled(step is not None)
        if row_only:
            x, y, sampled = step.inputs[None, :], np.array([step.target]), False
        grid = Grid(a, b, (x0, x1), (y0, y1), params, RESOLUTION,
                    None if plane is None else plane[1])
        self._plane = plane
        self.plot.getPlotItem().setLabel("bottom", labels[0])
        self.plot.getPlotItem().setLabel("left", labels[1])
        self.across.setEnabled(plane is None)
        self.up.setEnabled(plane is None)
        self.colour_bar.set_label(f"error of row {step.row + 1}" if row_only
                                  else "error over the training rows")
        held = [f"{names[i]} = {params[i]:.4g}" for i in range(d + 1)
                if plane is None and i not in (a, b)]
        self.note.setText(plane_note
                          + ("Held at the model shown: " + ", ".join(held) + ". " if held else "")
                          + (f"The error of row {step.row + 1} alone. " if row_only else "")
                          + (f"Summed over an even sample of {MAX_ROWS:,} training rows. " if sampled
                             else "")
                          + "White arrow: the way the error falls fastest (its negative gradient).")
        self._shown_params, self._axes = params, (a, b)
        # The negative gradient, drawn a tenth of the view long.
        full = -gradient(x, y, params)
        g = full[[a, b]] if plane is None else plane[1] @ full
        scale = np.array([x1 - x0, y1 - y0])
        length = np.hypot(*(g / scale))
        if np.isfinite(length) and length > 0:
            unit = g / scale / length  # in the view's proportions
            tip = point + unit * 0.12 * scale
            heads = [point + (unit * 0.12 - 0.03 * np.array(
                [np.cos(t) * unit[0] - np.sin(t) * unit[1],
                 np.sin(t) * unit[0] + np.cos(t) * unit[1]])) * scale for t in (0.5, -0.5)]
            self.arrow.setData(np.array([point[0], tip[0], np.nan, heads[0][0], tip[0], heads[1][0]]),
                               np.array([point[1], tip[1], np.nan, heads[0][1], tip[1], heads[1][1]]))
        else:
            self.arrow.setData(np.empty(0), np.empty(0))
        self._generation += 1
        self._pool.start(_Job(self._generation, x, y, grid, self._done))

    def _draw_other_paths(self, run, params, plane, a: int, b: int) -> None:
        """The paths of the other kept runs shown on the error plot (at most eight, the
        newest), on the same two parameters or the same plane."""
        columns = tuple(self.document.names)
        others = [r for r in self.document.runs if r.visible and r.number != run.number
                  and r.fits(columns) and r.params() is not None
                  and r.state.weights.shape == run.state.weights.shape][-8:]
        while len(self.other_paths) < len(others):
            item = pg.PlotDataItem()
            item.setZValue(-1)
            self.plot.getPlotItem().addItem(item)
            self.other_paths.append(item)
        for item, kept in zip(self.other_paths, others):
            start = np.append(kept.state.initial_weights, kept.state.initial_bias)[None, :]
            path = _drawn(np.vstack([start, np.asarray(kept.params(), dtype=np.float64)]))
            xy = path[:, [a, b]] if plane is None else (path - params) @ plane[1].T
            item.setPen(pg.mkPen(PALETTE[kept.colour], width=1))
            item.setData(xy[:, 0], xy[:, 1])
            item.opts["name"] = f"path of run {kept.number}"
            item.show()
        for item in self.other_paths[len(others):]:
            item.setData(np.empty(0), np.empty(0))
            item.hide()

    def _clicked(self, event) -> None:
        from PySide6.QtCore import Qt

        if event.button() != Qt.MouseButton.LeftButton or event.double() or self.grid is None:
            return
        view = self.plot.getPlotItem().getViewBox()
        if not view.sceneBoundingRect().contains(event.scenePos()):
            return
        spot = view.mapSceneToView(event.scenePos())
        event.accept()
        self.start_requested.emit(self.params_at(spot.x(), spot.y()))

    def params_at(self, u: float, v: float) -> np.ndarray:
        """The weights then the bias at a point of the picture."""
        params = np.array(self._shown_params, dtype=np.float64)
        if self._plane is not None:
            return params + u * self._plane[1][0] + v * self._plane[1][1]
        a, b = self._axes
        params[a], params[b] = u, v
        return params

    @staticmethod
    def _span(values: np.ndarray) -> tuple[float, float]:
        low, high = float(np.min(values)), float(np.max(values))
        pad = max(0.5, 0.35 * (high - low))
        return low - pad, high + pad

    def _clear(self, text: str) -> None:
        self.path.setData(np.empty(0), np.empty(0))
        for item in self.other_paths:
            item.setData(np.empty(0), np.empty(0))
            item.hide()
        self.point.setData([])
        self.arrow.setData(np.empty(0), np.empty(0))
        self.image.clear()
        self.contours.setData(np.empty(0), np.empty(0))
        self.errors = self.grid = None
        self.note.setText(text)

    @Slot(int, object, object)
    def _ready(self, generation: int, grid: Grid, errors) -> None:
        if generation != self._generation or errors is None:
            return  # stale: a newer picture was asked for
        self.grid, self.errors = grid, errors
        (x0, x1), (y0, y1) = grid.x_range, grid.y_range
        self.image.setImage(errors, autoLevels=False)
        self.image.setRect(QRectF(x0, y0, x1 - x0, y1 - y0))
        self.plot.getPlotItem().getViewBox().setRange(QRectF(x0, y0, x1 - x0, y1 - y0),
                                                      padding=0)
        self._colour()
        self._draw_contours()

    def _colour(self) -> None:
        errors = self.errors
        if errors is None:
            return
        finite = errors[np.isfinite(errors)]
        if not finite.size:
            return
        low, high = float(finite.min()), float(finite.max())
        if high <= low:
            high = low + 1.0
        if self.log_check.isChecked() and high > 0:
            self.image.setLookupTable(_log_lookup(max(low, 0.0), high))
        else:
            self.image.setLookupTable(_COLOURS.getLookupTable(0.0, 1.0, 256))
        self.image.setLevels((low, high))
        self.colour_bar.show_colouring_of(self.image)

    def _draw_contours(self) -> None:
        errors, grid = self.errors, self.grid
        a_values, b_values = grid.centres()
        finite = errors[np.isfinite(errors)]
        if finite.size < 4:
            self.contours.setData(np.empty(0), np.empty(0))
            return
        low, high = float(finite.min()), float(finite.max())
        if self.log_check.isChecked() and low > 0:
            levels = np.geomspace(low, high, LEVELS + 2)[1:-1]
        else:
            levels = np.linspace(low, high, LEVELS + 2)[1:-1]
        import contourpy  # when a landscape is first drawn, not as the window opens (4 ms)

        generator = contourpy.contour_generator(a_values, b_values, errors.T)
        xs, ys = [], []
        for level in levels:
            for line in generator.lines(level):
                xs += [line[:, 0], [np.nan]]
                ys += [line[:, 1], [np.nan]]
        if xs:
            self.contours.setData(np.concatenate(xs), np.concatenate(ys))
        else:
            self.contours.setData(np.empty(0), np.empty(0))
