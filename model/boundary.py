"""The neuron's output over a plane of two feature columns: the decision-boundary picture."""
from __future__ import annotations

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
    held: np.ndarray  # a value for every feature (the mean); x and y are overwritten

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
        return cls(x_column, y_column, span(features[:, x_column]), y_range,
                   np.clip(column_means(features), -LIMIT, LIMIT))

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
