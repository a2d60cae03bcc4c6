"""Standardised features: each column moved to mean 0 and divided by its spread.

A neuron whose inputs are in the hundreds (heights in cm, weights in kg) starts with
``z = x . w + b`` in the hundreds too, where the sigmoid is flat and the gradient is zero:
it never learns.  Training on ``(x - mean) / std`` instead, with the mean and standard
deviation of the *training* rows, keeps ``z`` near 0 where the sigmoid has a slope.  The
transform belongs to the run: the neuron sees standardised inputs, while everything shown to
a person (predictions, the boundary, the answer to a typed row) is in the data's own units.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)
class Scaling:
    """How a run's inputs are standardised: ``(x - mean) / scale``, column by column.

    ``scale`` is the standard deviation of the training rows, or 1 for a column whose
    training rows all hold the same value (``constant``): that column is only centred.
    """

    mean: np.ndarray
    scale: np.ndarray
    constant: tuple[int, ...] = ()

    @classmethod
    def of(cls, features: np.ndarray) -> Scaling:
        """The scaling of these rows (the training rows of a run): NumPy's mean and
        population standard deviation, column by column."""
        x = np.asarray(features, dtype=np.float64)
        with np.errstate(all="ignore"):
            mean, std = x.mean(axis=0), x.std(axis=0)
        if not (np.isfinite(mean).all() and np.isfinite(std).all()):
            mean, std = _safe_moments(x)
        scale = np.where(std > 0, std, 1.0)
        return cls(_frozen(mean), _frozen(scale), tuple(np.flatnonzero(~(std > 0)).tolist()))

    @classmethod
    def from_lists(cls, mean, scale, constant, n_features: int) -> Scaling:
        """A saved scaling, every number checked (ValueError if it does not fit)."""
        values = []
        for what, numbers in (("means", mean), ("scales", scale)):
            if (not isinstance(numbers, list) or len(numbers) != n_features or not all(
                    isinstance(v, (int, float)) and not isinstance(v, bool) for v in numbers)):
                raise ValueError(f"the scaling's {what} are not {n_features} numbers")
            array = np.array(numbers, dtype=np.float64)
            if not np.isfinite(array).all():
                raise ValueError(f"the scaling's {what} are not all finite")
            values.append(array)
        if not (values[1] > 0).all():
            raise ValueError("the scaling's scales are not all positive")
        if (not isinstance(constant, list) or not all(
                isinstance(c, int) and not isinstance(c, bool) and 0 <= c < n_features
                for c in constant)):
            raise ValueError("the scaling's constant columns are not column numbers")
        return cls(_frozen(values[0]), _frozen(values[1]), tuple(sorted(set(constant))))

    def apply(self, features: np.ndarray) -> np.ndarray:
        """``features`` (rows in the data's units) as the neuron sees them."""
        with np.errstate(over="ignore", invalid="ignore"):
            return (np.asarray(features, dtype=np.float64) - self.mean) / self.scale

    def fold(self, weights: np.ndarray, bias: float) -> tuple[np.ndarray, float]:
        """The same neuron written for inputs in the data's units: ``w / scale`` and
        ``b - sum(w * mean / scale)`` (equal outputs, up to rounding)."""
        with np.errstate(over="ignore", invalid="ignore"):
            folded = np.asarray(weights, dtype=np.float64) / self.scale
            return folded, float(bias - np.dot(folded, self.mean))

    def as_json(self) -> dict:
        return {"mean": self.mean.tolist(), "scale": self.scale.tolist(),
                "constant": list(self.constant)}


def _safe_moments(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard deviation of columns whose values are near the largest float,
    where a plain sum overflows: each column divided by its largest magnitude first."""
    size = np.abs(x).max(axis=0) if x.shape[0] else np.ones(x.shape[1])
    size = np.where(size > 0, size, 1.0)
    unit = x / size
    mean_unit = unit.mean(axis=0)
    std_unit = unit.std(axis=0)
    with np.errstate(over="ignore"):
        mean = np.clip(mean_unit * size, x.min(axis=0), x.max(axis=0))
        std = np.minimum(std_unit * size, np.finfo(np.float64).max)
    return mean, std


def _frozen(array: np.ndarray) -> np.ndarray:
    copy = np.array(array, dtype=np.float64, copy=True)
    copy.setflags(write=False)
    return copy
