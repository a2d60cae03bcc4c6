"""The neuron's output over a plane of two feature columns: the decision-boundary picture.

For the single neuron the set where the output is 0.5 is a straight line, computed exactly by
:func:`boundary_line`.  For outputs that are not a function of one linear combination (the
networks of a later issue), :func:`contour_lines` traces the 0.5 contour of a grid of outputs.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .dataset import column_means
from .neuron import predict


#: A picture spans at most this far from 0 and at least this much: beyond either, the
#: scale from data to pixels overflows (and the drawing library can crash).
LIMIT = 1e300
MIN_SPAN = 1e-100


@dataclass(frozen=True)
class Plane:
    """Which two features span the picture, over what ranges, and where the rest are held.

    ``y_column`` is ``None`` for a data set with one feature: the picture then varies
    along x only (and the points are drawn at the height of their target).
    """

    x_column: int
    y_column: int | None
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    held: np.ndarray  # a value for every feature: the others' means; x and y's are 0 (overwritten)

    @classmethod
    def around(cls, features: np.ndarray, x_column: int, y_column: int | None,
               margin: float = 0.15) -> Plane:
        """A plane that shows all the rows with a margin, other features at their mean."""
        def span(values: np.ndarray) -> tuple[float, float]:
            low = float(np.clip(values.min(), -LIMIT, LIMIT))
            high = float(np.clip(values.max(), -LIMIT, LIMIT))
            size = max(abs(low), abs(high))
            if high - low < max(size * 1e-9, MIN_SPAN):
                # No spread worth drawing (one value, or subnormal differences): a plain
                # window around it, since a vanishing span makes the view's scale infinite.
                pad = max(size * margin, 1.0)
            else:
                pad = (high - low) * margin
            return low - pad, high + pad

        y_range = span(features[:, y_column]) if y_column is not None else (-0.1, 1.1)
        # Only the features off the plane are held (x and y are overwritten): a table with
        # none needs no means (5 ms a column at a million rows, at every edit), and a plane
        # whose held values do not change with an edit of x or y keeps its view.
        held = np.zeros(features.shape[1])
        on_plane = [x_column] if y_column is None else [x_column, y_column]
        if features.shape[1] > len(set(on_plane)):
            held = np.clip(column_means(features), -LIMIT, LIMIT)
            held[on_plane] = 0.0
        return cls(x_column, y_column, span(features[:, x_column]), y_range, held)

    def grid_features(self, resolution: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Cell-centre coordinates along x and y, and the feature rows of every cell
        (``resolution`` x ``resolution`` rows, x varying fastest)."""
        xs = _centres(*self.x_range, resolution)
        ys = _centres(*self.y_range, resolution)
        rows = np.tile(np.asarray(self.held, dtype=np.float64), (resolution * resolution, 1))
        gx, gy = np.meshgrid(xs, ys)  # shape (y, x)
        rows[:, self.x_column] = gx.ravel()
        if self.y_column is not None:
            rows[:, self.y_column] = gy.ravel()
        return xs, ys, rows


def _centres(low: float, high: float, n: int) -> np.ndarray:
    step = (high - low) / n
    return low + step * (np.arange(n) + 0.5)


def output_image(plane: Plane, weights: np.ndarray, bias: float, resolution: int = 120) -> np.ndarray:
    """``predict`` at every cell of the plane, as an array indexed ``[x, y]``."""
    _, _, rows = plane.grid_features(resolution)
    return predict(rows, weights, bias).reshape(resolution, resolution).T


def boundary_line(plane: Plane, weights: np.ndarray, bias: float) -> np.ndarray | None:
    """The part of the line where the neuron's output is 0.5 that lies in the plane's view.

    On the plane, ``z = w . x + b`` is ``a * x + b * y + c`` with ``a`` and ``b`` the weights
    of the two features shown and ``c`` the bias plus the held features' share; the output
    is 0.5 exactly where that is 0.  Returns the ends of that line clipped to the plane's
    rectangle, ``[[x0, y0], [x1, y1]]`` (each on the rectangle's edge), or ``None`` when
    there is nothing to draw: the line misses the view (or only touches a corner), or the
    output does not change across the view beyond rounding (both weights about 0).

    With one feature (``y_column`` is None) the picture's y is the target, which the
    output does not depend on: the line is upright.  When both axes show the same column
    the picture follows y (as :meth:`Plane.grid_features` does).
    """
    w = np.asarray(weights, dtype=np.float64)
    x_col, y_col = plane.x_column, plane.y_column
    a = 0.0 if x_col == y_col else float(w[x_col])
    b = 0.0 if y_col is None else float(w[y_col])
    others = np.ones(len(w), dtype=bool)
    others[x_col] = False
    if y_col is not None:
        others[y_col] = False
    with np.errstate(over="ignore", invalid="ignore"):
        c = float(bias) + float(np.dot(w[others], np.asarray(plane.held, dtype=np.float64)[others]))
    (x0, x1), (y0, y1) = plane.x_range, plane.y_range
    if not all(math.isfinite(v) for v in (a, b, c, x0, x1, y0, y1)):
        return None  # the output is 0 or 1 (or undefined) everywhere here
    # Scaled so that no product below can overflow (|x|, |y| < 1e300 on a plane).
    scale = max(abs(a), abs(b), abs(c))
    if scale == 0.0:
        return None
    a, b, c = a / scale, b / scale, c / scale
    # How much z changes across the view, against the rounding in z itself: below that
    # the output is flat here and where it crosses 0.5 is rounding noise.
    change = abs(a) * (x1 - x0) + abs(b) * (y1 - y0)
    size = abs(a) * max(abs(x0), abs(x1)) + abs(b) * max(abs(y0), abs(y1)) + abs(c)
    if not change > 64 * np.finfo(np.float64).eps * size:
        return None

    def z(x: float, y: float) -> float:
        return math.fsum((a * x, b * y, c))

    corners = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
    values = [z(x, y) for x, y in corners]
    points: list[tuple[float, float]] = []
    for i in range(4):
        (px, py), (_, qy) = corners[i], corners[(i + 1) % 4]
        fp, fq = values[i], values[(i + 1) % 4]
        if fp == 0.0:
            points.append((px, py))
        elif fq != 0.0 and (fp < 0.0) != (fq < 0.0):
            # The line crosses this edge (z changes sign along it, so the weight along the
            # edge is not 0): solved for the free coordinate, kept on the edge against rounding.
            if py == qy:
                points.append((min(max(-math.fsum((b * py, c)) / a, x0), x1), py))
            else:
                points.append((px, min(max(-math.fsum((a * px, c)) / b, y0), y1)))
    if len(points) < 2:
        return None
    # Two points, except where rounding made a near-corner crossing count twice: then
    # the two farthest apart (in units of the view) are the segment's ends.
    width, height = x1 - x0, y1 - y0
    ends = max(((p, q) for i, p in enumerate(points) for q in points[i + 1:]),
               key=lambda pq: ((pq[0][0] - pq[1][0]) / width) ** 2
               + ((pq[0][1] - pq[1][1]) / height) ** 2)
    return np.array(ends, dtype=np.float64)


def contour_lines(xs: np.ndarray, ys: np.ndarray, values: np.ndarray,
                  level: float = 0.5) -> list[np.ndarray]:
    """The lines where a grid of outputs crosses ``level`` (0.5: the decision boundary).

    ``values[i, j]`` is the output at ``(xs[i], ys[j])`` (the layout of
    :func:`output_image`); NaN cells are left out.  Returns a list of ``(n, 2)`` arrays of
    ``(x, y)`` points, one per connected piece of the contour (possibly none).

    For outputs that are not a straight line's (networks); a single neuron's boundary is
    :func:`boundary_line`, exact and cheap.  This traces the whole grid with contourpy's
    compiled marching squares: a few milliseconds for a 120 x 120 grid, more for finer
    ones, so the GUI must call it off the GUI thread (on a worker) and draw only the
    result.
    """
    from contourpy import LineType, contour_generator  # only where contours are needed

    z = np.ma.masked_invalid(np.asarray(values, dtype=np.float64).T)  # contourpy wants [y, x]
    generator = contour_generator(np.asarray(xs, dtype=np.float64), np.asarray(ys, dtype=np.float64),
                                  z, name="serial", line_type=LineType.Separate)
    return [np.asarray(line, dtype=np.float64) for line in generator.lines(level)]
