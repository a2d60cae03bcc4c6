"""The data table: a Qt model that is a view over a NumPy array of the data set.

``data()`` reads one cell when Qt asks for it, so a million rows cost nothing until they
are scrolled into view; the prediction columns are computed the same way, from the current
weights, for the cells on screen only.  Every edit (a cell, rows added or removed, a new data
set) goes through the model's undo stack, whoever makes it: the table, the boundary plot, a
menu.  A refused edit keeps the old value and says why through ``edit_refused``.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QUndoCommand, QUndoStack

from model import DataError, Dataset, predict
from model.dataset import parse_cell

_Index = QModelIndex | QPersistentModelIndex
_TARGET_BRUSH = QBrush(QColor(255, 244, 214))
_HELD_OUT_BRUSH = QBrush(QColor(235, 235, 235))
_WRONG_COLOUR = QColor(176, 0, 32)
#: Role that gives a cell's number, for sorting numerically.
SORT_ROLE = Qt.ItemDataRole.UserRole
PREDICTION_HEADERS = ("ŷ (prediction)", "error (ŷ − y)²")


def format_number(value: float) -> str:
    """A cell's text: the shortest form that reads back as the same number."""
    number = float(value)
    if number.is_integer() and abs(number) < 1e15:
        return str(int(number))
    return repr(number)


class DatasetTableModel(QAbstractTableModel):
    """Feature columns, the target column, then the neuron's prediction and squared error."""

    #: A message for the person when an edit is refused.
    edit_refused = Signal(str)
    #: Emitted after any change to the values, the rows or the whole data set.
    data_edited = Signal()
    #: Emitted when the whole data set was replaced (loaded, or such a load undone).
    dataset_replaced = Signal()

    def __init__(self, dataset: Dataset, parent=None):
        super().__init__(parent)
        self.undo_stack = QUndoStack(self)
        self._names: list[str] = []
        self._values = np.empty((0, 0))
        self._weights: np.ndarray | None = None
        self._bias = 0.0
        self._held_out = np.zeros(0, dtype=bool)
        self._apply_dataset(dataset.column_names, _table(dataset))

    # -- reading -------------------------------------------------------------
    def dataset(self) -> Dataset:
        """The table as a checked :class:`Dataset` (a copy; raises DataError when empty)."""
        return Dataset.from_arrays(
            self._values[:, :-1], self._values[:, -1], self._names[:-1], self._names[-1]
        )

    @property
    def values(self) -> np.ndarray:
        """The table's numbers, features then target (read-only view)."""
        view = self._values.view()
        view.setflags(write=False)
        return view

    @property
    def names(self) -> list[str]:
        return list(self._names)

    @property
    def target_column(self) -> int:
        return len(self._names) - 1

    @property
    def n_data_columns(self) -> int:
        return len(self._names)

    # -- what the neuron thinks ------------------------------------------------
    def set_neuron(self, weights: np.ndarray | None, bias: float = 0.0) -> None:
        """Show the predictions of a neuron (None: no neuron, the columns are empty)."""
        if weights is not None and len(weights) != self.target_column:
            weights = None  # trained on other columns: its predictions mean nothing here
        self._weights = None if weights is None else np.array(weights, dtype=np.float64)
        self._bias = float(bias)
        if self.rowCount():
            first = self.index(0, self.n_data_columns)
            last = self.index(self.rowCount() - 1, self.n_data_columns + 1)
            self.dataChanged.emit(first, last, [Qt.ItemDataRole.DisplayRole])

    def set_held_out(self, mask: np.ndarray) -> None:
        """Mark the rows that a run holds out of training."""
        mask = np.asarray(mask, dtype=bool)
        if mask.shape == self._held_out.shape and np.array_equal(mask, self._held_out):
            return
        self._held_out = mask
        if self.rowCount():
            self.headerDataChanged.emit(Qt.Orientation.Vertical, 0, self.rowCount() - 1)
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(self.rowCount() - 1, self.columnCount() - 1),
                                  [Qt.ItemDataRole.BackgroundRole])

    def held_out(self) -> np.ndarray:
        return self._held_out.copy()

    # -- Qt's model interface ---------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802 (Qt)
        return 0 if parent.isValid() else int(self._values.shape[0])

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802 (Qt)
        return 0 if parent.isValid() else len(self._names) + len(PREDICTION_HEADERS)

    def _prediction(self, row: int) -> float | None:
        if self._weights is None:
            return None
        return float(predict(self._values[row:row + 1, :-1], self._weights, self._bias)[0])

    def _is_wrong(self, row: int, p: float) -> bool:
        target = self._values[row, -1]
        return target in (0.0, 1.0) and (p >= 0.5) != (target == 1.0)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        held = row < len(self._held_out) and self._held_out[row]
        if column >= self.n_data_columns:
            return self._prediction_data(row, column - self.n_data_columns, role, held)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return format_number(self._values[row, column])
        if role == SORT_ROLE:
            return float(self._values[row, column])
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole:
            if held:
                return _HELD_OUT_BRUSH
            if column == self.target_column:
                return _TARGET_BRUSH
        return None

    def _prediction_data(self, row: int, which: int, role: int, held: bool):
        p = self._prediction(row)
        if role == SORT_ROLE:
            if p is None:
                return float("-inf")
            return p if which == 0 else (p - self._values[row, -1]) ** 2
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole and held:
            return _HELD_OUT_BRUSH
        if p is None:
            return "—" if role == Qt.ItemDataRole.DisplayRole else None
        wrong = self._is_wrong(row, p)
        if role == Qt.ItemDataRole.DisplayRole:
            if which == 0:
                return f"{'✗ ' if wrong else ''}{p:.4f}"
            return f"{(p - self._values[row, -1]) ** 2:.4f}"
        if role == Qt.ItemDataRole.ForegroundRole and wrong:
            return QBrush(_WRONG_COLOUR)
        if role == Qt.ItemDataRole.ToolTipRole and wrong:
            return "The neuron gets this row wrong: its output is on the other side of 0.5"
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 (Qt)
                   role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Vertical:
            held = section < len(self._held_out) and self._held_out[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return f"{section + 1} ◦" if held else str(section + 1)
            if role == Qt.ItemDataRole.ToolTipRole and held:
                return "Held out: never used to train, only to measure the test error"
            return None
        if section >= self.columnCount():
            return None
        if section >= self.n_data_columns:
            if role == Qt.ItemDataRole.DisplayRole:
                return PREDICTION_HEADERS[section - self.n_data_columns]
            if role == Qt.ItemDataRole.ToolTipRole:
                return ("The neuron's output for this row (✗: on the wrong side of 0.5)"
                        if section == self.n_data_columns
                        else "This row's squared error: how far the output is from the target")
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

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() < self.n_data_columns:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: _Index, value, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        row, column = index.row(), index.column()
        if column >= self.n_data_columns:
            return False
        try:
            number = parse_cell(str(value), column == self.target_column)
        except DataError as exc:
            self.edit_refused.emit(
                f"Row {row + 1}, column '{self._names[column]}': {exc}; the old value was kept"
            )
            return False
        old = float(self._values[row, column])
        if number != old:
            self.undo_stack.push(_SetCell(self, row, column, old, number))
        return True

    # -- edits, each one undoable ---------------------------------------------------
    def insert_row(self, values: np.ndarray | None = None, row: int | None = None,
                   text: str = "Add row") -> int:
        """Insert a row (zeros by default) before ``row`` (at the end by default)."""
        row = self.rowCount() if row is None else row
        new = np.zeros(self.n_data_columns) if values is None else np.asarray(values, dtype=np.float64)
        self.undo_stack.push(_InsertRow(self, row, new, text))
        return row

    def remove_rows(self, rows: list[int], text: str | None = None) -> None:
        """Remove the given rows (any order)."""
        rows = sorted(set(rows))
        if rows:
            label = text or (f"Delete row {rows[0] + 1}" if len(rows) == 1 else f"Delete {len(rows)} rows")
            self.undo_stack.push(_RemoveRows(self, rows, label))

    def set_dataset(self, dataset: Dataset, text: str = "Load data") -> None:
        """Replace the whole table (undoable)."""
        self.undo_stack.push(_ReplaceData(self, dataset.column_names, _table(dataset), text))

    # -- the clipboard -------------------------------------------------------------------
    def copy_block(self, rows: list[int], columns: list[int]) -> str:
        """Cells as tab-separated text, as spreadsheets paste it; numbers in full."""
        lines = []
        for row in rows:
            cells = []
            for column in columns:
                if column < self.n_data_columns:
                    cells.append(format_number(self._values[row, column]))
                else:
                    p = self._prediction(row)
                    if p is None:
                        cells.append("")
                    else:
                        value = p if column == self.n_data_columns else (p - self._values[row, -1]) ** 2
                        cells.append(repr(float(value)))
            lines.append("\t".join(cells))
        return "\n".join(lines)

    def paste_block(self, top: int, left: int, text: str) -> tuple[int, int]:
        """Paste tab- (or comma-) separated text with its top-left cell at (top, left);
        rows are added as needed.  Every cell is checked first: one bad cell refuses the
        whole paste with :class:`DataError` and changes nothing.  One undo takes it back.
        Returns the number of rows and columns pasted."""
        lines = [line for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
                 if line.strip()]
        if not lines:
            raise DataError("the clipboard holds no cells to paste")
        separator = "\t" if "\t" in lines[0] else ("," if "," in lines[0] else ";" if ";" in lines[0] else "\t")
        block = [[cell.strip() for cell in line.split(separator)] for line in lines]
        width = max(len(cells) for cells in block)
        if left + width > self.n_data_columns:
            raise DataError(f"the block is {width} columns wide, but only "
                            f"{self.n_data_columns - left} columns from '{self._names[left]}' "
                            "on can take values")
        numbers = np.empty((len(block), width))
        for r, cells in enumerate(block):
            if len(cells) != width:
                raise DataError(f"pasted row {r + 1} has {len(cells)} cells, the first has {width}")
            for c, cell in enumerate(cells):
                column = left + c
                try:
                    numbers[r, c] = parse_cell(cell, column == self.target_column)
                except DataError as exc:
                    raise DataError(f"pasted row {r + 1}, column '{self._names[column]}': "
                                    f"{exc}") from None
        self.undo_stack.beginMacro(f"Paste {len(block)} × {width} cells")
        try:
            for r in range(len(block)):
                row = top + r
                if row >= self.rowCount():
                    self.insert_row(np.zeros(self.n_data_columns), text="Add row")
                for c in range(width):
                    if numbers[r, c] != self._values[row, left + c]:
                        self.undo_stack.push(_SetCell(self, row, left + c,
                                                      float(self._values[row, left + c]),
                                                      float(numbers[r, c])))
        finally:
            self.undo_stack.endMacro()
        return len(block), width

    # -- what the commands do -------------------------------------------------------------
    def _apply_cell(self, row: int, column: int, value: float) -> None:
        self._values[row, column] = value
        index = self.index(row, column)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole])
        if column == self.target_column:
            self.dataChanged.emit(self.index(row, self.n_data_columns),
                                  self.index(row, self.n_data_columns + 1))
        self.data_edited.emit()

    def _apply_insert(self, row: int, values: np.ndarray) -> None:
        self.beginInsertRows(QModelIndex(), row, row)
        try:
            self._values = np.insert(self._values, row, values, axis=0)
            self._held_out = np.insert(self._held_out, row, False)
        finally:
            self.endInsertRows()
        self.data_edited.emit()

    def _apply_remove(self, rows: list[int]) -> np.ndarray:
        removed = self._values[rows].copy()
        for first, last in reversed(_runs(rows)):
            self.beginRemoveRows(QModelIndex(), first, last)
            try:
                self._values = np.delete(self._values, np.s_[first:last + 1], axis=0)
                self._held_out = np.delete(self._held_out, np.s_[first:last + 1])
            finally:
                self.endRemoveRows()
        self.data_edited.emit()
        return removed

    def _apply_restore(self, rows: list[int], removed: np.ndarray) -> None:
        for row, values in zip(rows, removed):  # ascending, so each lands where it was
            self._apply_insert(row, values)

    def _apply_dataset(self, names, values: np.ndarray) -> None:
        self.beginResetModel()
        try:
            self._names = list(names)
            self._values = values.copy()
            self._held_out = np.zeros(values.shape[0], dtype=bool)
            if self._weights is not None and len(self._weights) != self.target_column:
                self._weights = None
        finally:
            self.endResetModel()
        self.dataset_replaced.emit()
        self.data_edited.emit()


def _table(dataset: Dataset) -> np.ndarray:
    return np.column_stack([dataset.features, dataset.target]).astype(np.float64)


def _runs(rows: list[int]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for r in rows:
        if runs and runs[-1][1] == r - 1:
            runs[-1] = (runs[-1][0], r)
        else:
            runs.append((r, r))
    return runs


class _SetCell(QUndoCommand):
    def __init__(self, model: DatasetTableModel, row: int, column: int, old: float, new: float):
        super().__init__(f"Edit row {row + 1}, {model.names[column]}")
        self._args = model, row, column, old, new

    def redo(self) -> None:
        model, row, column, _, new = self._args
        model._apply_cell(row, column, new)

    def undo(self) -> None:
        model, row, column, old, _ = self._args
        model._apply_cell(row, column, old)


class _InsertRow(QUndoCommand):
    def __init__(self, model: DatasetTableModel, row: int, values: np.ndarray, text: str):
        super().__init__(text)
        self._model, self._row, self._values = model, row, values

    def redo(self) -> None:
        self._model._apply_insert(self._row, self._values)

    def undo(self) -> None:
        self._model._apply_remove([self._row])


class _RemoveRows(QUndoCommand):
    def __init__(self, model: DatasetTableModel, rows: list[int], text: str):
        super().__init__(text)
        self._model, self._rows = model, rows
        self._removed = np.empty((0, 0))

    def redo(self) -> None:
        self._removed = self._model._apply_remove(self._rows)

    def undo(self) -> None:
        self._model._apply_restore(self._rows, self._removed)


class _ReplaceData(QUndoCommand):
    def __init__(self, model: DatasetTableModel, names, values: np.ndarray, text: str):
        super().__init__(text)
        self._model = model
        self._new = (list(names), values)
        self._old = (model.names, model.values.copy())

    def redo(self) -> None:
        self._model._apply_dataset(*self._new)

    def undo(self) -> None:
        self._model._apply_dataset(*self._old)
