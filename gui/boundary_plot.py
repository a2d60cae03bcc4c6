"""The decision boundary: the neuron's output over two features, the 0.5 line, and the data.

The 0.5 line is computed exactly in the model (:func:`model.boundary.boundary_line`: for one
neuron it is a straight line) and drawn as a two-point curve, so a redraw during a run costs
the GUI thread no contour tracing.

Blue means the neuron says 0, orange that it says 1 (a pair that colour-blind people tell
apart); the colour bar says so.  Data points are coloured by their target, held-out rows
hollow.  A click adds a point of class 1, Shift+click one of class 0, Ctrl+click deletes the
nearest point: each is asked of the window through a signal, which edits the data set.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, Signal, Slot
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from model import Plane, output_image
from model.boundary import boundary_line
from model.sampling import even_indices
from model.step import StepDetails

from .axes import Plot
from .colour_bar import ColourBar

BLUE = (31, 119, 180)
ORANGE = (230, 120, 20)
COLOUR_MAP = pg.ColorMap([0.0, 0.5, 1.0], [BLUE, (247, 247, 247), ORANGE], name="neuron")


def _pale(rgb: tuple[int, int, int]) -> tuple[int, int, int]:
    return tuple(int(round(0.45 * c + 0.55 * 255)) for c in rgb)


#: The background's colours are paler than the points', so a point stays visible (and its
#: class readable) over the region of its own class.
PALE_MAP = pg.ColorMap([0.0, 0.5, 1.0], [_pale(BLUE), (250, 250, 250), _pale(ORANGE)],
                       name="neuron-pale")
RESOLUTION = 120
#: At most this many rows are drawn as points (an even sample of a larger table, and the
#: title says so): beyond that the picture says no more, and the plot is repainted with
#: every move of the neuron (5,000 points made each paint 13-30 ms during a run).
MAX_POINTS = 2000


def target_colour(value: float) -> tuple[int, int, int]:
    r, g, b, _ = COLOUR_MAP.map(np.array([value]), mode="byte")[0]
    return int(r), int(g), int(b)


_STYLES: dict[tuple[int, bool], tuple] = {}


def _point_style(target: float, held: bool) -> tuple:
    """The pen and brush of a point, the same objects every time: pyqtgraph caches drawn
    symbols by the identity of their pen and brush, so new objects on every redraw would
    grow its cache without end.  Colours are taken in 64 steps, so there are few."""
    key = (int(round(target * 64)), held)
    if key not in _STYLES:
        colour = target_colour(key[0] / 64)
        _STYLES[key] = (
            pg.mkPen(colour if held else (40, 40, 40), width=2 if held else 1),
            pg.mkBrush(255, 255, 255, 0) if held else pg.mkBrush(colour),
        )
    return _STYLES[key]


class BoundaryPlot(Plot):
    """Heat map of the output, the 0.5 line and the rows, over a :class:`Plane`."""

    #: x, y and the class (1.0 or 0.0) of a point the person clicked into existence
    add_point_requested = Signal(float, float, float)
    #: the row the person Ctrl+clicked, to be deleted
    delete_row_requested = Signal(int)

    def __init__(self, parent=None) -> None:
        # No context menu: clicks edit the data (and not building the menu saves start-up time).
        super().__init__(parent, background="w", enableMenu=False)
        self.setObjectName("boundaryPlot")
        item = self.getPlotItem()
        item.setTitle("Where the neuron says 0 and 1")
        item.getViewBox().setMouseEnabled(x=False, y=False)
        self.image = pg.ImageItem(axisOrder="col-major")
        self.image.setLookupTable(PALE_MAP.getLookupTable(0.0, 1.0, 256))
        self.image.setLevels((0.0, 1.0))
        self.image.setZValue(-10)
        # An image first, so that setRect() later scales 120 cells, not an empty image.
        self.image.setImage(np.full((RESOLUTION, RESOLUTION), 0.5), levels=(0.0, 1.0))
        item.addItem(self.image)
        # The 0.5 line: one curve item, created once and given its two ends on each redraw.
        self.line = pg.PlotCurveItem(pen=pg.mkPen((20, 20, 20), width=2), antialias=True)
        self.line.setObjectName("boundaryLine")
        self.line.setZValue(-5)  # over the picture, under the points
        item.addItem(self.line, ignoreBounds=True)
        self.points = pg.ScatterPlotItem(size=9, pxMode=True)
        item.addItem(self.points)
        # The latest step: the line before it (a faint dashed ghost), an arrow showing which
        # way the step moved the line, and a ring around the row it learned from.
        self.ghost = pg.PlotCurveItem(pen=pg.mkPen((20, 20, 20, 110), width=1.5,
                                                   style=Qt.PenStyle.DashLine), antialias=True)
        self.ghost.setObjectName("ghostLine")
        self.ghost.setZValue(-6)
        item.addItem(self.ghost, ignoreBounds=True)
        self.arrow = pg.PlotCurveItem(pen=pg.mkPen((200, 0, 60), width=2), antialias=True)
        self.arrow.setZValue(-4)
        item.addItem(self.arrow, ignoreBounds=True)
        self.ring = pg.ScatterPlotItem(size=20, pxMode=True, pen=pg.mkPen((200, 0, 60), width=2.5),
                                       brush=pg.mkBrush(0, 0, 0, 0))
        item.addItem(self.ring, ignoreBounds=True)
        self._before: tuple[np.ndarray, float] | None = None
        self._ring_xy: tuple[float, float] | None = None
        #: The ghost line's ends and the arrow's shaft (start, end), or None when not drawn.
        self.ghost_ends: np.ndarray | None = None
        self.arrow_ends: np.ndarray | None = None
        self.colour_bar = ColourBar("neuron output ŷ", width=15)
        self.colour_bar.show_colouring_of(self.image)
        self.colour_bar.place_in(item)
        item.scene().sigMouseClicked.connect(self._clicked)
        self.setToolTip("Click: add a point of class 1 · Shift+click: class 0 · "
                        "Ctrl+click: delete the nearest point")
        self._plane: Plane | None = None
        self._xy = np.empty((0, 2))
        self._looks = np.empty((0, 2))  # the drawn rows' targets, and whether held out
        self._shown = np.empty(0, dtype=np.int64)
        self._weights: np.ndarray | None = None
        self._bias = 0.0
        self.output = np.full((RESOLUTION, RESOLUTION), 0.5)
        #: The ends of the 0.5 line drawn, ``[[x0, y0], [x1, y1]]``, or None when none is.
        self.line_ends: np.ndarray | None = None

    @property
    def plane(self) -> Plane | None:
        return self._plane

    def set_data(self, values: np.ndarray, names: list[str], held_out: np.ndarray,
                 x_column: int, y_column: int | None) -> None:
        """Show the rows (features then target) over the plane of two feature columns."""
        features, target = values[:, :-1], values[:, -1]
        if len(values) == 0:
            self.points.setData([])
            self._xy, self._looks = np.empty((0, 2)), np.empty((0, 2))
            return
        plane = Plane.around(features, x_column, y_column)
        if self._plane is None or (plane.x_column, plane.y_column, plane.x_range, plane.y_range) != (
            self._plane.x_column, self._plane.y_column, self._plane.x_range, self._plane.y_range
        ) or not np.array_equal(plane.held, self._plane.held):
            self._plane = plane
            rect = QRectF(plane.x_range[0], plane.y_range[0],
                          plane.x_range[1] - plane.x_range[0], plane.y_range[1] - plane.y_range[0])
            self.image.setRect(rect)
            self.getPlotItem().getViewBox().setRange(rect, padding=0)
        item = self.getPlotItem()
        item.setLabel("bottom", names[x_column])
        item.setLabel("left", names[y_column] if y_column is not None else f"{names[-1]} (target)")
        n = len(values)
        self._shown = even_indices(n, MAX_POINTS)
        if len(held_out) != n:
            held_out = np.zeros(n, dtype=bool)
        ys = features[self._shown, y_column] if y_column is not None else target[self._shown]
        xy = np.column_stack([features[self._shown, x_column], ys])
        looks = np.column_stack([target[self._shown], held_out[self._shown]])
        # An edit of a big table mostly changes rows that are not drawn: the points stay,
        # and pyqtgraph is not asked to make them again (20-40 ms for 2,000 points).
        if not (np.array_equal(xy, self._xy, equal_nan=True)
                and np.array_equal(looks, self._looks, equal_nan=True)):
            self._xy, self._looks = xy, looks
            brushes, pens = [], []
            for value, held in zip(looks[:, 0].tolist(), looks[:, 1].tolist()):
                pen, brush = _point_style(value, bool(held))
                pens.append(pen)
                brushes.append(brush)
            self.points.setData(pos=self._xy, brush=brushes, pen=pens)
        if n > MAX_POINTS:  # smaller, so that the note fits the plot's width
            item.setTitle(f"Where the neuron says 0 and 1 ({MAX_POINTS:,} of {n:,} rows drawn)",
                          size="8pt")
        else:
            item.setTitle("Where the neuron says 0 and 1", size="11pt")
        self._redraw_output()

    def set_neuron(self, weights: np.ndarray | None, bias: float = 0.0, scaling=None) -> None:
        """Redraw the heat map and the 0.5 line for a neuron (None: no neuron yet).  A
        neuron trained on standardised features (``scaling``) is drawn in the data's units:
        the same neuron written for unscaled inputs (:meth:`model.scaling.Scaling.fold`)."""
        if weights is not None and scaling is not None:
            weights, bias = scaling.fold(weights, bias)
        self._weights = None if weights is None else np.asarray(weights, dtype=np.float64)
        self._bias = float(bias)
        self._redraw_output()

    def _redraw_output(self) -> None:
        plane = self._plane
        if plane is None or self._weights is None or len(self._weights) != len(plane.held):
            self.output = np.full((RESOLUTION, RESOLUTION), 0.5)
            self.image.setImage(self.output, levels=(0.0, 1.0), autoLevels=False)
            self._set_line(None)
            return
        self.output = output_image(plane, self._weights, self._bias, RESOLUTION)
        self.image.setImage(self.output, levels=(0.0, 1.0), autoLevels=False)
        self._set_line(boundary_line(plane, self._weights, self._bias))
        self._draw_step()

    def set_step(self, before: tuple[np.ndarray, float] | None,
                 ring: tuple[float, float] | None) -> None:
        """Show the latest step: the parameters ``before`` it (a ghost of their 0.5 line and
        an arrow from it to the line now) and the drawn row's position ``ring``."""
        self._before = before
        self._ring_xy = ring
        self._draw_step()

    def _draw_step(self) -> None:
        plane = self._plane
        ring = self._ring_xy
        self.ring.setData([] if ring is None or not np.all(np.isfinite(ring))
                          else [{"pos": ring}])
        self.ghost_ends = self.arrow_ends = None
        before = self._before
        if (plane is None or before is None or self._weights is None
                or len(before[0]) != len(plane.held)):
            self.ghost.setData(x=np.empty(0), y=np.empty(0))
            self.arrow.setData(x=np.empty(0), y=np.empty(0))
            return
        ghost = boundary_line(plane, before[0], before[1])
        self.ghost_ends = ghost
        if ghost is None:
            self.ghost.setData(x=np.empty(0), y=np.empty(0))
        else:
            self.ghost.setData(x=ghost[:, 0], y=ghost[:, 1])
        self.arrow_ends = _arrow(plane, ghost, self.line_ends)
        if self.arrow_ends is None:
            self.arrow.setData(x=np.empty(0), y=np.empty(0))
        else:
            xy = _arrow_path(plane, self.arrow_ends)
            self.arrow.setData(x=xy[:, 0], y=xy[:, 1], connect="finite")

    def _set_line(self, ends: np.ndarray | None) -> None:
        self.line_ends = ends
        if ends is None:
            self.line.setData(x=np.empty(0), y=np.empty(0))
        else:
            self.line.setData(x=ends[:, 0], y=ends[:, 1])

    # -- clicks --------------------------------------------------------------------
    def _clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton or self._plane is None:
            return
        view = self.getPlotItem().getViewBox()
        if not view.sceneBoundingRect().contains(event.scenePos()):
            return
        point: QPointF = view.mapSceneToView(event.scenePos())
        event.accept()
        modifiers = event.modifiers()
        if modifiers & Qt.KeyboardModifier.ControlModifier:
            row = self.nearest_row(point.x(), point.y())
            if row is not None:
                self.delete_row_requested.emit(row)
        else:
            cls = 0.0 if modifiers & Qt.KeyboardModifier.ShiftModifier else 1.0
            self.add_point_requested.emit(point.x(), point.y(), cls)

    def nearest_row(self, x: float, y: float) -> int | None:
        """The row drawn nearest to (x, y), distances measured relative to the view."""
        if self._plane is None or len(self._xy) == 0:
            return None
        width = self._plane.x_range[1] - self._plane.x_range[0]
        height = self._plane.y_range[1] - self._plane.y_range[0]
        d = ((self._xy[:, 0] - x) / width) ** 2 + ((self._xy[:, 1] - y) / height) ** 2
        return int(self._shown[np.argmin(d)])


def _arrow(plane: Plane, ghost: np.ndarray | None, line: np.ndarray | None) -> np.ndarray | None:
    """Where the arrow of a step goes: from the middle of the old line to the nearest point
    of the new one (in the view's proportions), at least a little long so that its
    direction shows; None when either line is missing or they coincide."""
    if ghost is None or line is None:
        return None
    scale = np.array([plane.x_range[1] - plane.x_range[0], plane.y_range[1] - plane.y_range[0]])
    start = ghost.mean(axis=0) / scale
    a, b = line[0] / scale, line[1] / scale
    direction = b - a
    length2 = float(direction @ direction)
    if length2 == 0.0:
        return None
    foot = a + direction * float((start - a) @ direction) / length2
    move = foot - start
    distance = float(np.hypot(*move))
    if not np.isfinite(distance) or distance < 1e-9:
        return None
    end = start + move * max(1.0, 0.08 / distance)
    return np.array([start, end]) * scale


def _arrow_path(plane: Plane, ends: np.ndarray) -> np.ndarray:
    """The shaft and the two strokes of the head, as one path broken by NaN."""
    scale = np.array([plane.x_range[1] - plane.x_range[0], plane.y_range[1] - plane.y_range[0]])
    start, end = ends[0] / scale, ends[1] / scale
    back = (start - end) / np.hypot(*(start - end)) * 0.035
    heads = []
    for angle in (0.45, -0.45):
        c, s = np.cos(angle), np.sin(angle)
        heads.append(end + np.array([c * back[0] - s * back[1], s * back[0] + c * back[1]]))
    gap = np.array([np.nan, np.nan])
    return np.array([start, end, gap, heads[0], end, heads[1]]) * scale


class BoundaryPanel(QWidget):
    """The boundary plot with two combo boxes choosing the features it spans."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.plot = BoundaryPlot()
        self.x_combo = QComboBox(objectName="boundaryXCombo")
        self.x_combo.setToolTip("The feature along the horizontal axis")
        self.y_combo = QComboBox(objectName="boundaryYCombo")
        self.y_combo.setToolTip("The feature along the vertical axis; the others are held at their mean")
        choose = QHBoxLayout()
        for text, combo in (("&Across:", self.x_combo), ("&Up:", self.y_combo)):
            label = QLabel(text)
            label.setBuddy(combo)
            choose.addWidget(label)
            choose.addWidget(combo, 1)
        hint = QLabel("click: add class 1 · Shift+click: class 0 · Ctrl+click: delete")
        hint.setStyleSheet("color: #555;")
        hint.setWordWrap(True)  # a narrow window wraps it instead of cutting it off
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(choose)
        layout.addWidget(self.plot, 1)
        layout.addWidget(hint)
        self._values = np.empty((0, 0))
        self._names: list[str] = []
        self._held_out = np.zeros(0, bool)
        self._step: StepDetails | None = None
        self._step_scaling = None
        self.x_combo.currentIndexChanged.connect(self._redraw)
        self.y_combo.currentIndexChanged.connect(self._redraw)

    def set_columns(self, feature_names: list[str]) -> None:
        """New feature columns: the first two are shown."""
        for combo in (self.x_combo, self.y_combo):
            combo.blockSignals(True)
            combo.clear()
            combo.addItems(feature_names)
            combo.blockSignals(False)
        self.x_combo.setCurrentIndex(0)
        self.y_combo.setCurrentIndex(1 if len(feature_names) > 1 else -1)
        self.y_combo.setEnabled(len(feature_names) > 1)

    def set_data(self, values: np.ndarray, names: list[str], held_out: np.ndarray) -> None:
        self._values, self._names, self._held_out = values, names, held_out
        self._redraw()

    def columns(self) -> tuple[int, int | None]:
        x = max(0, self.x_combo.currentIndex())
        y = self.y_combo.currentIndex() if self.y_combo.isEnabled() else -1
        return x, (y if y >= 0 else None)

    def set_step(self, step: StepDetails | None, scaling=None) -> None:
        """Show the latest step on the plot (None: no step to show); ``scaling`` when the
        run trains on standardised features (the line before the step is then drawn in the
        data's units, as the line now is)."""
        self._step = step
        self._step_scaling = scaling
        self._show_step()

    @Slot()
    def _redraw(self) -> None:
        if self._values.size:
            self.plot.set_data(self._values, self._names, self._held_out, *self.columns())
        self._show_step()

    def _show_step(self) -> None:
        step, values = self._step, self._values
        if step is None or values.ndim != 2 or not 0 <= step.row < len(values):
            self.plot.set_step(None, None)
            return
        x, y = self.columns()
        row = values[step.row]
        ring = (float(row[x]), float(row[y] if y is not None else row[-1]))
        before = (step.weights_before, step.bias_before)
        if self._step_scaling is not None:
            before = self._step_scaling.fold(*before)
        self.plot.set_step(before, ring)
