"""The sigmoid view: every row placed on the neuron's S-curve at ``(z, sigmoid(z))``.

Beside the curve it draws the sigmoid's slope ``sigma'(z) = sigma(z)(1 - sigma(z))``, the
factor every gradient is multiplied by: a row far out on either flat end (confidently right,
or wrong but saturated) has a slope near 0 and barely moves the weights.  Rows are coloured
by their target (held-out rows hollow), and the row the latest step drew is ringed.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from model.neuron import sigmoid
from model.sampling import even_indices
from model.step import sigmoid_points

from .axes import Plot
from .boundary_plot import _point_style

#: The curve spans at least this range of z, wider when the rows lie further out.
_Z_SPAN = 6.0
#: Once rows lie beyond it, the span grows past them by this share of itself, so that it
#: changes now and then as a run spreads the rows out, not at every redraw: each change
#: redraws the curve, the slope's shading and the axis, 5 ms and up to 30 ms with a
#: million-row run beside it, ten times a second (a 2-core Intel Xeon).
_ROOM = 0.25
#: At most this many rows are placed on the curve (an even sample of a bigger table, and
#: the title says so): every point is redrawn whenever the neuron moves, ten times a
#: second during a run, and 5,000 took pyqtgraph about 15 ms a time; the plot is small.
MAX_POINTS = 2000
#: Pixels between the legend and the corner of the plot it sits in.
_LEGEND_GAP = 6
#: A drawn row's radius in pixels: a row this close to the legend counts as under it.
_POINT_RADIUS = 5
#: The legend's words for the slope and the curve, and the shorter ones of a narrow plot.
_LEGEND_WORDS = {"long": ("σ′(z), the slope", "σ(z)"), "short": ("σ′(z)", "σ(z)")}


def curve_span(low: float, high: float,
               current: tuple[float, float] | None = None) -> tuple[float, float]:
    """The range of z the curve spans for rows from ``low`` to ``high``: ±_Z_SPAN when
    they fit in it; else ``current`` while they fit in it and it is at most twice as wide
    as they need; else what they need, with room to grow on the side that went past."""
    low, high = min(-_Z_SPAN, low), max(_Z_SPAN, high)
    if (low, high) == (-_Z_SPAN, _Z_SPAN):
        return low, high
    if (current is not None and current[0] <= low and high <= current[1]
            and current[1] - current[0] <= 2 * (high - low)):
        return current
    room = _ROOM * (high - low)
    return (low - room if low < -_Z_SPAN else low, high + room if high > _Z_SPAN else high)


class SigmoidPlot(Plot):
    """``sigmoid(z)`` and its slope, with the rows on the curve."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent, background="w", enableMenu=False)
        self.setObjectName("sigmoidPlot")
        item = self.getPlotItem()
        item.setTitle("Rows on the sigmoid")
        item.setLabel("bottom", "z = x·w + b")
        item.setLabel("left", "ŷ = σ(z)")
        item.showGrid(x=True, y=True, alpha=0.15)
        item.setMouseEnabled(x=False, y=False)
        item.hideButtons()
        self.legend = item.addLegend(offset=(_LEGEND_GAP, _LEGEND_GAP), labelTextSize="8pt")
        self.legend.setBrush(pg.mkBrush(255, 255, 255, 200))
        #: which words the legend shows ("long" or "short"), and their widths once seen
        self.legend_words = "long"
        self._legend_widths: dict[str, float] = {}  # by words
        item.getViewBox().sigResized.connect(self._fit_legend)
        self.slope_fill_base = pg.PlotCurveItem(pen=None)
        self.slope = pg.PlotCurveItem(pen=pg.mkPen((120, 120, 120), width=1.5,
                                                   style=pg.QtCore.Qt.PenStyle.DashLine),
                                      name=_LEGEND_WORDS["long"][0])
        self.slope_fill = pg.FillBetweenItem(self.slope_fill_base, self.slope,
                                             brush=pg.mkBrush(120, 120, 120, 40))
        self.curve = pg.PlotCurveItem(pen=pg.mkPen((20, 20, 20), width=2),
                                      name=_LEGEND_WORDS["long"][1])
        item.addItem(self.slope_fill)
        item.addItem(self.slope_fill_base)
        item.addItem(self.slope)
        item.addItem(self.curve)
        # One scatter per look (target colour, held out or not), each with a single pen
        # and brush: a pen and a brush per point cost pyqtgraph 70 ms a redraw for the
        # 5,000 points of a big table, ten times a second during a run.  Made as looks
        # appear, and kept (emptied) when a look is gone.
        self.groups: dict[tuple, pg.ScatterPlotItem] = {}
        self._members: list[tuple[tuple, np.ndarray]] = []  # (look, indices into shown)
        self.ring = pg.ScatterPlotItem(size=18, pxMode=True, symbol="o",
                                       pen=pg.mkPen((200, 0, 60), width=2.5),
                                       brush=pg.mkBrush(0, 0, 0, 0))
        item.addItem(self.ring)
        self.setToolTip("Each row at its z and its prediction σ(z). The dashed curve is the "
                        "slope σ′(z): rows where it is near 0 barely change the weights.")
        self._values = np.empty((0, 0))
        self._held_out = np.zeros(0, dtype=bool)
        self._weights: np.ndarray | None = None
        self._bias = 0.0
        self._scaling = None
        self._step_row: int | None = None
        self._shown = np.empty(0, dtype=np.int64)
        self._z = np.empty(0)
        self._z_span: tuple[float, float] | None = None
        self._draw_span(-_Z_SPAN, _Z_SPAN)

    # -- inputs ------------------------------------------------------------------------
    def set_data(self, values: np.ndarray, held_out: np.ndarray) -> None:
        """The table's rows (features then the target) and which are held out."""
        self._values = values
        self._held_out = held_out if len(held_out) == len(values) else np.zeros(len(values), bool)
        n = len(values)
        self._shown = even_indices(n, MAX_POINTS)
        if n > MAX_POINTS:  # smaller, so that the note fits the plot's width
            self.getPlotItem().setTitle(f"Rows on the sigmoid ({MAX_POINTS:,} of {n:,} drawn)",
                                        size="8pt")
        else:
            self.getPlotItem().setTitle("Rows on the sigmoid", size="11pt")
        looks = (np.column_stack([np.round(values[self._shown, -1] * 64),
                                  self._held_out[self._shown]])
                 if n and values.ndim == 2 else np.empty((0, 2)))
        keys, which = np.unique(looks, axis=0, return_inverse=True)
        which = np.asarray(which).reshape(-1)
        self._members = [((int(k[0]), bool(k[1])), np.flatnonzero(which == i))
                         for i, k in enumerate(keys)]
        self._redraw()

    def set_neuron(self, weights: np.ndarray | None, bias: float = 0.0, scaling=None) -> None:
        """The neuron shown; ``scaling`` when it was trained on standardised inputs (then
        each row is standardised on its way in, and z is the neuron's own)."""
        self._weights = None if weights is None else np.asarray(weights, dtype=np.float64)
        self._bias = float(bias)
        self._scaling = scaling
        self._redraw()

    def _inputs(self, rows: np.ndarray) -> np.ndarray:
        return rows if self._scaling is None else self._scaling.apply(rows)

    def set_step_row(self, row: int | None) -> None:
        """Ring the row the latest step drew (None: no ring)."""
        self._step_row = row
        self._draw_ring()

    # -- what is drawn -----------------------------------------------------------------
    def points_shown(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The rows drawn (their indices), and their ``z`` and ``sigmoid(z)``."""
        return self._shown.copy(), self._z.copy(), sigmoid(self._z)

    def _fits(self) -> bool:
        return (self._weights is not None and self._values.ndim == 2
                and self._values.shape[1] == len(self._weights) + 1 and len(self._values) > 0)

    def _redraw(self) -> None:
        if not self._fits():
            self._z = np.empty(0)
            self._draw_points(np.empty(0), np.empty(0))
            self._draw_ring()
            self._draw_span(-_Z_SPAN, _Z_SPAN)
            self._fit_legend()
            return
        rows = self._values[self._shown]
        z, p = sigmoid_points(self._inputs(rows[:, :-1]), self._weights, self._bias)
        self._z = z
        finite = z[np.isfinite(z)]
        self._draw_span(*curve_span(float(finite.min()) if finite.size else 0.0,
                                    float(finite.max()) if finite.size else 0.0, self._z_span))
        self._draw_points(z, p)
        self._draw_ring()
        self._fit_legend()

    def _draw_points(self, z: np.ndarray, p: np.ndarray) -> None:
        """Each look's rows at (z, p), where both are finite; the other scatters empty."""
        drawn = set()
        for look, members in (self._members if len(z) else []):
            keep = members[np.isfinite(z[members]) & np.isfinite(p[members])]
            scatter = self.groups.get(look)
            if scatter is None:
                pen, brush = _point_style(look[0] / 64, look[1])
                scatter = pg.ScatterPlotItem(size=8, pxMode=True, pen=pen, brush=brush)
                self.getPlotItem().addItem(scatter)
                self.ring.setZValue(1)  # the ring stays over every scatter
                self.groups[look] = scatter
            scatter.setData(x=z[keep], y=p[keep])
            drawn.add(look)
        for look, scatter in self.groups.items():
            if look not in drawn:
                scatter.setData(x=np.empty(0), y=np.empty(0))

    def _fit_legend(self) -> None:
        """Keep the legend, top left, off the rows.  Left of z = 0 that corner has none
        (sigma(z) < 0.5 there), but a narrow plot's legend reaches past, over the rows the
        neuron is surest are 1: then it says only "σ′(z)" and "σ(z)" (the tooltip says the
        rest) if that clears them, and goes if nothing does."""
        view = self.getPlotItem().getViewBox()
        (x0, x1), (y0, y1) = view.viewRange()
        if view.width() <= 0 or view.height() <= 0 or x1 <= x0 or y1 <= y0:
            return  # not laid out yet
        if not len(self._z):  # no rows to cover: the whole legend, if it fits the plot
            if self.legend_words == "long" and "long" not in self._legend_widths:
                width = self.legend.boundingRect().width()  # as it is: no measuring at start
            else:
                width = self._legend_width("long")
            fits = _LEGEND_GAP + width <= view.width()
            if fits:
                self._show_legend_words("long")
            self.legend.setVisible(fits)
            return
        across = (self._z - x0) / (x1 - x0) * view.width()
        down = (y1 - sigmoid(self._z)) / (y1 - y0) * view.height()

        def clear(words: str) -> bool:
            right = _LEGEND_GAP + self._legend_width(words) + _POINT_RADIUS
            bottom = _LEGEND_GAP + self.legend.boundingRect().height() + _POINT_RADIUS
            return right <= view.width() and not np.any((across <= right) & (down <= bottom))

        fits = next((words for words in _LEGEND_WORDS if clear(words)), None)
        if fits is not None:
            self._show_legend_words(fits)
        self.legend.setVisible(fits is not None)

    def _legend_width(self, words: str) -> float:
        """The legend's width with these words, measured the first time they are asked for."""
        if words not in self._legend_widths:
            shown = self.legend_words
            self._set_legend_words(words)
            self._legend_widths[words] = self.legend.boundingRect().width()
            self._set_legend_words(shown)
        return self._legend_widths[words]

    def _show_legend_words(self, words: str) -> None:
        if words != self.legend_words:
            self._set_legend_words(words)

    def _set_legend_words(self, words: str) -> None:
        self.legend_words = words
        slope, curve = _LEGEND_WORDS[words]
        for sample, label in self.legend.items:
            label.setText(slope if sample.item is self.slope else curve)
        # The legend's size now, not at the next turn; from nothing, so that it can shrink.
        self.legend.resize(0, 0)
        self.legend.layout.activate()
        self.legend.updateSize()

    def _draw_span(self, low: float, high: float) -> None:
        """The curve over ``low`` to ``high`` (a :func:`curve_span`), with a margin."""
        self._z_span = (low, high)
        pad = 0.05 * (high - low)
        self._draw_curve(low - pad, high + pad)

    def _draw_curve(self, low: float, high: float) -> None:
        if getattr(self, "_span", None) == (low, high):
            return  # the same curve: nothing to redraw
        self._span = (low, high)
        z = np.linspace(low, high, 400)
        s = sigmoid(z)
        self.curve.setData(z, s)
        self.slope.setData(z, s * (1 - s))
        self.slope_fill_base.setData(z, np.zeros_like(z))
        self.getPlotItem().setXRange(low, high, padding=0)
        self.getPlotItem().setYRange(-0.05, 1.05, padding=0)

    def _draw_ring(self) -> None:
        row = self._step_row
        if row is None or not self._fits() or not 0 <= row < len(self._values):
            self.ring.setData([])
            return
        z, p = sigmoid_points(self._inputs(self._values[row:row + 1, :-1]), self._weights,
                              self._bias)
        if np.isfinite(z[0]) and np.isfinite(p[0]):
            self.ring.setData(x=z, y=p)
        else:
            self.ring.setData([])
