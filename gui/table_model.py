"""The data table: a Qt model that is a view over a NumPy array of the data set.

``data()`` reads one cell when Qt asks for it, so a million rows cost nothing until they
are scrolled into view.  Edits are checked; a refused edit keeps the old value and says why
through :attr:`DatasetTableModel.edit_refused`.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont

from model import DataError, Dataset
from model.dataset import parse_cell

_Index = QModelIndex | QPersistentModelIndex
_TARGET_BRUSH = QBrush(QColor(255, 244, 214))


def format_number(value: float) -> str:
    """A cell's text: the shortest form that reads back as the same number."""
    number = float(value)
    if number.is_integer() and abs(number) < 1e15:
        return str(int(number))
    return repr(number)


class DatasetTableModel(QAbstractTableModel):
    """Rows of feature values and a target; the last column is the target."""

    #: A message for the person when an edit is refused.
    edit_refused = Signal(str)
    #: Emitted after any change to the values or the rows.
    data_edited = Signal()

    def __init__(self, dataset: Dataset, parent=None):
        super().__init__(parent)
        self._names: list[str] = []
        self._values = np.empty((0, 0))
        self.set_dataset(dataset)

    # -- the data set --------------------------------------------------------
    def set_dataset(self, dataset: Dataset) -> None:
        self.beginResetModel()
        try:
            self._names = list(dataset.column_names)
            self._values = np.column_stack([dataset.features, dataset.target]).astype(np.float64)
        finally:
            self.endResetModel()

    def dataset(self) -> Dataset:
        """The table as a checked :class:`Dataset` (a copy; raises DataError when empty)."""
        return Dataset.from_arrays(
            self._values[:, :-1], self._values[:, -1], self._names[:-1], self._names[-1]
        )

    @property
    def target_column(self) -> int:
        return len(self._names) - 1

    # -- Qt's model interface -------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802 (Qt)
        return 0 if parent.isValid() else int(self._values.shape[0])

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802 (Qt)
        return 0 if parent.isValid() else len(self._names)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return format_number(self._values[row, column])
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole and column == self.target_column:
            return _TARGET_BRUSH
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal:
            if section >= len(self._names):
                return None
            target = section == self.target_column
            if role == Qt.ItemDataRole.DisplayRole:
                return f"{self._names[section]} (target)" if target else self._names[section]
            if role == Qt.ItemDataRole.ToolTipRole:
                return ("The target: the answer the neuron learns to give, between 0 and 1"
                        if target else "A feature: one input of the neuron")
            if role == Qt.ItemDataRole.FontRole and target:
                font = QFont()
                font.setBold(True)
                return font
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return str(section + 1)
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable

    def setData(self, index: _Index, value, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        row, column = index.row(), index.column()
        try:
            number = parse_cell(str(value), column == self.target_column)
        except DataError as exc:
            self.edit_refused.emit(
                f"Row {row + 1}, column '{self._names[column]}': {exc}; the old value was kept"
            )
            return False
        if number == self._values[row, column]:
            return True
        self._values[row, column] = number
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole])
        self.data_edited.emit()
        return True

    # -- rows ------------------------------------------------------------------
    def insert_row(self, row: int | None = None, values: np.ndarray | None = None) -> int:
        """Insert a row (zeros by default) before ``row`` (at the end by default)."""
        row = self.rowCount() if row is None else row
        new = np.zeros(len(self._names)) if values is None else np.asarray(values, dtype=np.float64)
        self.beginInsertRows(QModelIndex(), row, row)
        try:
            self._values = np.insert(self._values, row, new, axis=0)
        finally:
            self.endInsertRows()
        self.data_edited.emit()
        return row

    def remove_rows(self, rows: list[int]) -> None:
        """Remove the given rows (any order); contiguous runs are removed together."""
        for first, last in reversed(_runs(sorted(set(rows)))):
            self.beginRemoveRows(QModelIndex(), first, last)
            try:
                self._values = np.delete(self._values, np.s_[first:last + 1], axis=0)
            finally:
                self.endRemoveRows()
        if rows:
            self.data_edited.emit()


def _runs(rows: list[int]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for r in rows:
        if runs and runs[-1][1] == r - 1:
            runs[-1] = (runs[-1][0], r)
        else:
            runs.append((r, r))
    return runs
