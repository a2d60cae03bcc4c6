"""A table of numbers to learn from: feature columns and one target column."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from .errors import DataError


def _describe(value: float) -> str:
    if np.isnan(value):
        return "NaN"
    if np.isinf(value):
        return "infinity" if value > 0 else "minus infinity"
    return repr(float(value))


def _checked_arrays(
    features, target, feature_names: Sequence[str] | None, target_name: str
) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """Read-only float64 copies of the features and the target, and the feature names;
    :class:`DataError` saying what is wrong if a value is bad."""
    try:
        y = np.array(target, dtype=np.float64).reshape(-1)
        x = np.array(features, dtype=np.float64, order="C", ndmin=2)
    except (TypeError, ValueError) as exc:
        raise DataError(f"the data must be numbers only ({exc})") from None
    if y.shape[0] == 0 or x.size == 0 and x.shape[-1] != 0:
        raise DataError("the data has no rows")
    if x.ndim != 2:
        raise DataError("the features must be a table of rows and columns")
    if x.shape[1] == 0:
        raise DataError("the data needs at least one feature column beside the target")
    if x.shape[0] != y.shape[0]:
        raise DataError(
            f"there are {x.shape[0]} rows of features but {y.shape[0]} target values"
        )
    names = tuple(feature_names) if feature_names is not None else default_names(x.shape[1])
    if len(names) != x.shape[1]:
        raise DataError(f"{len(names)} feature names were given for {x.shape[1]} columns")
    bad = ~np.isfinite(x)
    if bad.any():
        row, col = np.argwhere(bad)[0]
        raise DataError(
            f"row {row + 1}, column {names[col]!r}: {_describe(x[row, col])} is not "
            "allowed, every value must be a finite number"
        )
    bad_y = ~((y >= 0.0) & (y <= 1.0))  # also catches NaN
    if bad_y.any():
        row = int(np.flatnonzero(bad_y)[0])
        raise DataError(
            f"row {row + 1}, target {target_name!r}: {_describe(y[row])} is outside "
            "[0, 1]; the neuron's output is a sigmoid, so targets must lie between 0 and 1"
        )
    x.setflags(write=False)
    y.setflags(write=False)
    return x, y, names


@dataclass(frozen=True)
class Dataset:
    """Rows of feature values and a target in [0, 1] for each row.

    Every way of making one checks every value (:class:`DataError` if one is bad): the
    constructor, :meth:`from_arrays`, :func:`model.read_csv` and ``dataclasses.replace``
    alike.  The arrays are then float64, C-contiguous, read-only copies, so a training run
    can share them without copying and nobody can change them behind its back.

    Attributes
    ----------
    features
        ``(n, d)`` float64 array, ``d >= 1``.
    target
        ``(n,)`` float64 array of values in [0, 1].
    feature_names
        ``d`` column names (``x1``, ``x2``, ... when none are given).
    target_name
        The target column's name.
    row_ids
        ``(n,)`` int64 array: a whole number per row that stays with the row while rows
        are added and deleted around it (``0 .. n-1`` when none are given).  Whether a row
        is held out of training is decided from its id and the seed.
    target_labels
        For a target read from two text values: the text of 0, then of 1 (None for a
        target of numbers).
    """

    features: np.ndarray
    target: np.ndarray
    feature_names: tuple[str, ...] | None = None
    target_name: str = "y"
    row_ids: np.ndarray | None = None
    target_labels: tuple[str, str] | None = None

    @classmethod
    def from_arrays(
        cls,
        features: Sequence[Sequence[float]] | np.ndarray,
        target: Sequence[float] | np.ndarray,
        feature_names: Sequence[str] | None = None,
        target_name: str = "y",
        row_ids: Sequence[int] | np.ndarray | None = None,
        target_labels: Sequence[str] | None = None,
    ) -> Dataset:
        """Check the values and build a data set; raise :class:`DataError` if they are bad."""
        return cls(features, target, feature_names, target_name, row_ids,
                   None if target_labels is None else tuple(target_labels))

    def __post_init__(self) -> None:
        # Here rather than in a factory, so that no path (dataclasses.replace included)
        # can make a data set whose values were not checked.
        x, y, names = _checked_arrays(self.features, self.target, self.feature_names, self.target_name)
        object.__setattr__(self, "features", x)
        object.__setattr__(self, "target", y)
        object.__setattr__(self, "feature_names", names)
        object.__setattr__(self, "row_ids", _checked_ids(self.row_ids, y.shape[0]))
        object.__setattr__(self, "target_labels", checked_labels(self.target_labels))

    @property
    def n_rows(self) -> int:
        return int(self.features.shape[0])

    @property
    def n_features(self) -> int:
        return int(self.features.shape[1])

    @property
    def column_names(self) -> tuple[str, ...]:
        """Feature names followed by the target name."""
        return (*self.feature_names, self.target_name)

    @property
    def is_binary(self) -> bool:
        """True when every target is exactly 0 or 1, so accuracy makes sense."""
        return bool(np.all((self.target == 0.0) | (self.target == 1.0)))


def _checked_ids(row_ids, n_rows: int) -> np.ndarray:
    """A read-only int64 copy of the row ids (``0 .. n-1`` for None)."""
    if row_ids is None:
        ids = np.arange(n_rows, dtype=np.int64)
    else:
        try:
            ids = np.array(row_ids, dtype=np.int64).reshape(-1)
        except (TypeError, ValueError, OverflowError) as exc:
            raise DataError(f"the row ids must be whole numbers ({exc})") from None
        if ids.shape[0] != n_rows:
            raise DataError(f"{ids.shape[0]} row ids were given for {n_rows} rows")
        if ids.size and ids.min() < 0:
            raise DataError("the row ids must not be negative")
    ids.setflags(write=False)
    return ids


def checked_labels(labels) -> tuple[str, str] | None:
    """The texts a target's 0 and 1 stand for, checked: two different, non-empty texts."""
    if labels is None:
        return None
    labels = tuple(labels)
    if (len(labels) != 2 or not all(isinstance(t, str) and t.strip() for t in labels)
            or labels[0] == labels[1]):
        raise DataError(f"a text target needs two different texts for 0 and 1, not {labels!r}")
    return labels


def parse_cell(text: str, is_target: bool, name: str | None = None) -> float:
    """One cell's text as a number, or :class:`DataError` saying what is wrong with it.

    The one check shared by the CSV reader and the table editor: a finite number, and
    for the target a value in [0, 1].  ``name`` (the column's) is quoted when given.
    """
    text = text.strip()
    label = f"{text!r} ({name!r})" if name else repr(text)
    try:
        value = float(text)
    except ValueError:
        raise DataError(f"{label} is not a number") from None
    if not math.isfinite(value):
        raise DataError(f"{label} is not allowed, every value must be a finite number")
    if is_target and not 0.0 <= value <= 1.0:
        raise DataError(f"the target {label} is outside [0, 1]: targets must lie between 0 and 1")
    return value


#: Up to this many columns, :func:`column_means` goes a column at a time (see there).
_MEANS_BY_COLUMN = 8


def column_means(features: np.ndarray) -> np.ndarray:
    """Each column's mean, computed so that it cannot overflow (values near 1e308 would
    overflow a plain sum).

    A few columns are taken one at a time: the table's features are a strided view (rows
    of features then the target), and NumPy reduces such a view along its rows a few values
    at a time, 80 ms for a million rows of two features against 10 ms a column at a time
    (the 2-core Intel Xeon development machine); every edit of a big table asked for the
    means.  Many columns are reduced together, which is then the quicker."""
    count = features.shape[0]
    if count == 0:
        return np.zeros(features.shape[1])
    if features.shape[1] <= _MEANS_BY_COLUMN:
        columns = [features[:, j] for j in range(features.shape[1])]
        with np.errstate(over="ignore", invalid="ignore"):
            means = np.array([(column / count).sum() for column in columns])
        lows = np.array([column.min() for column in columns])
        highs = np.array([column.max() for column in columns])
    else:
        with np.errstate(over="ignore", invalid="ignore"):
            means = (features / count).sum(axis=0)
        lows, highs = features.min(axis=0), features.max(axis=0)
    # Rounding can still carry a sum of values near 1e308 past the largest float; a mean
    # lies between its column's extremes, so that is where it is put back.
    return np.clip(np.nan_to_num(means, nan=0.0), lows, highs)


def default_names(n_features: int) -> tuple[str, ...]:
    """Names for columns that came without a header: x1, x2, ..."""
    return tuple(f"x{i + 1}" for i in range(n_features))
