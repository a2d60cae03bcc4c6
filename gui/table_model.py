"""The data table: a Qt model over the document's array, with the neuron's predictions.

The document (:class:`model.document.Document`) owns the numbers; this model shows them
and turns the person's edits into undoable commands that call the document.  ``data()``
reads a cell only when Qt asks for it.  The prediction and error columns are computed with
NumPy for a block of rows at a time, once per neuron, never per cell; sorting is one
``numpy.argsort`` over a whole column and a map from the view's rows to the data's rows,
so a click on a header of a million-row table costs one sort, not millions of comparisons.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont, QUndoCommand, QUndoStack

from model import DataError, Dataset, predict
from model.dataset import parse_cell
from model.document import Change, Document

_Index = QModelIndex | QPersistentModelIndex
_TARGET_BRUSH = QBrush(QColor(255, 244, 214))
_HELD_OUT_BRUSH = QBrush(QColor(235, 235, 235))
#: The row the latest step drew (a soft yellow, like a highlighter).
_STEP_BRUSH = QBrush(QColor(255, 236, 140))
_WRONG_BRUSH = QBrush(QColor(176, 0, 32))
_REFUSED_BRUSH = QBrush(QColor(250, 205, 210))  # the cell whose edit was just refused
_BLOCK = 1024  # rows whose predictions are computed together
PREDICTION_HEADERS = ("ŷ (prediction)", "error (ŷ − y)²")
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


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
    #: The view's order went back to the data's own (rows were added or removed).
    sort_cleared = Signal()

    def __init__(self, document: Document, undo_stack: QUndoStack, parent=None):
        super().__init__(parent)
        self.document = document
        self.undo_stack = undo_stack
        self._order: np.ndarray | None = None  # view row -> data row, when sorted
        self._step_row: int | None = None  # data row the latest step drew
        self._weights: np.ndarray | None = None
        self._bias = 0.0
        self._scaling = None
        self._blocks: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self._held_out = np.zeros(document.n_rows, dtype=bool)
        #: (data row, column, why) of the last refused edit, until the next edit succeeds
        self._refused: tuple[int, int, str] | None = None
        document.table_about_to_change.connect(self._about_to_change)
        document.table_changed.connect(self._changed)

    # -- reading -------------------------------------------------------------
    def dataset(self) -> Dataset:
        """The table as a checked :class:`Dataset` (a copy; raises DataError when empty)."""
        return self.document.dataset()

    @property
    def values(self) -> np.ndarray:
        """The table's numbers, features then target, in the data's order (read-only)."""
        return self.document.values

    @property
    def names(self) -> list[str]:
        return self.document.names

    @property
    def target_column(self) -> int:
        return self.document.n_features

    @property
    def n_data_columns(self) -> int:
        return self.document.n_features + 1

    def data_row(self, view_row: int) -> int:
        """The data set's row shown at ``view_row``."""
        return int(self._order[view_row]) if self._order is not None else view_row

    def view_row(self, data_row: int) -> int:
        if self._order is None:
            return data_row
        return int(np.flatnonzero(self._order == data_row)[0])

    # -- what the neuron thinks ------------------------------------------------
    def set_neuron(self, weights: np.ndarray | None, bias: float = 0.0, scaling=None) -> None:
        """Show the predictions of a neuron (None: no neuron, the columns are empty);
        ``scaling`` when it was trained on standardised features (the table's values are
        standardised on their way to it, so ŷ answers for the rows as shown)."""
        if weights is not None and len(weights) != self.target_column:
            weights = None  # trained on other columns: its predictions mean nothing here
        self._weights = None if weights is None else np.array(weights, dtype=np.float64)
        self._bias = float(bias)
        self._scaling = scaling
        self._blocks.clear()
        if self.rowCount():
            self.dataChanged.emit(self.index(0, self.n_data_columns),
                                  self.index(self.rowCount() - 1, self.n_data_columns + 1),
                                  [Qt.ItemDataRole.DisplayRole])

    def _block(self, row: int) -> tuple[np.ndarray, np.ndarray] | None:
        """Predictions and squared errors of the block of data rows holding ``row``."""
        if self._weights is None:
            return None
        key = row // _BLOCK
        if key not in self._blocks:
            values = self.document.values[key * _BLOCK:(key + 1) * _BLOCK]
            p = predict(self._seen(values[:, :-1]), self._weights, self._bias)
            with np.errstate(over="ignore", invalid="ignore"):
                self._blocks[key] = (p, np.square(p - values[:, -1]))
        return self._blocks[key]

    def _seen(self, features: np.ndarray) -> np.ndarray:
        """Features as the neuron takes them (standardised, when it was trained so)."""
        return features if self._scaling is None else self._scaling.apply(features)

    def predictions(self) -> tuple[np.ndarray, np.ndarray] | None:
        """Every row's prediction and squared error (None without a neuron)."""
        if self._weights is None:
            return None
        values = self.document.values
        p = predict(self._seen(values[:, :-1]), self._weights, self._bias)
        with np.errstate(over="ignore", invalid="ignore"):
            return p, np.square(p - values[:, -1])

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

    def set_step_row(self, row: int | None) -> None:
        """Highlight the data row the latest step drew (None: no highlight)."""
        if row is not None and not 0 <= row < self.rowCount():
            row = None
        if row == self._step_row:
            return
        old, self._step_row = self._step_row, row
        for changed in (old, row):
            if changed is not None and changed < self.rowCount():
                view_row = self.view_row(changed)
                self.dataChanged.emit(self.index(view_row, 0),
                                      self.index(view_row, self.columnCount() - 1),
                                      [Qt.ItemDataRole.BackgroundRole])

    @property
    def step_row(self) -> int | None:
        return self._step_row

    # -- Qt's model interface ---------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802 (Qt)
        return 0 if parent.isValid() else self.document.n_rows

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802 (Qt)
        return 0 if parent.isValid() else self.n_data_columns + len(PREDICTION_HEADERS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row, column = self.data_row(index.row()), index.column()
        held = row < len(self._held_out) and self._held_out[row]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT
        refused = self._refused is not None and self._refused[:2] == (row, column)
        if refused and role == Qt.ItemDataRole.BackgroundRole:
            return _REFUSED_BRUSH
        if refused and role == Qt.ItemDataRole.ToolTipRole:
            return self._refused[2]
        if role == Qt.ItemDataRole.BackgroundRole:
            if row == self._step_row:
                return _STEP_BRUSH
            if held:
                return _HELD_OUT_BRUSH
            return _TARGET_BRUSH if column == self.target_column else None
        if column >= self.n_data_columns:
            return self._prediction_data(row, column - self.n_data_columns, role)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return format_number(self.document.values[row, column])
        return None

    def _prediction_data(self, row: int, which: int, role: int):
        block = self._block(row)
        if block is None:
            return "—" if role == Qt.ItemDataRole.DisplayRole else None
        p = float(block[0][row % _BLOCK])
        target = self.document.values[row, -1]
        wrong = target in (0.0, 1.0) and (p >= 0.5) != (target == 1.0)
        if role == Qt.ItemDataRole.DisplayRole:
            if which == 0:
                return f"{'✗ ' if wrong else ''}{p:.4f}"
            return f"{float(block[1][row % _BLOCK]):.4f}"
        if role == Qt.ItemDataRole.ForegroundRole and wrong:
            return _WRONG_BRUSH
        if role == Qt.ItemDataRole.ToolTipRole and wrong:
            return "The neuron gets this row wrong: its output is on the other side of 0.5"
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 (Qt)
                   role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Vertical:
            if not 0 <= section < self.rowCount():
                return None
            row = self.data_row(section)
            held = row < len(self._held_out) and self._held_out[row]
            if role == Qt.ItemDataRole.DisplayRole:
                return f"{row + 1} ◦" if held else str(row + 1)
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
        labels = self.document.target_labels if target else None
        if role == Qt.ItemDataRole.DisplayRole:
            name = self.document.column_name(section)
            if labels is not None:
                return f"{name} (1 = {labels[1]})"
            return f"{name} (target)" if target and "target" not in name.lower() else name
        if role == Qt.ItemDataRole.ToolTipRole:
            if labels is not None:
                return (f"The target, read from text: 0 = {labels[0]}, 1 = {labels[1]}. "
                        "Edit › Swap which class is 1 turns it round.")
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
        row, column = self.data_row(index.row()), index.column()
        if column >= self.n_data_columns:
            return False
        labels = self.document.target_labels if column == self.target_column else None
        try:
            if labels is not None and str(value).strip() in labels:
                number = float(labels.index(str(value).strip()))  # a class typed by its name
            else:
                number = parse_cell(str(value), column == self.target_column)
        except DataError as exc:
            text = f"Row {row + 1}, column '{self.names[column]}': {exc}; the old value was kept"
            self.clear_refusal()
            self._refused = (row, column, text)
            self.dataChanged.emit(index, index, [Qt.ItemDataRole.BackgroundRole])
            self.edit_refused.emit(text)
            return False
        self.clear_refusal()
        old = float(self.document.values[row, column])
        if number != old:
            self.undo_stack.push(_SetCell(self.document, row, column, old, number))
        return True

    def refused_cell(self) -> tuple[int, int] | None:
        """(data row, column) of the cell whose last edit was refused (None: none)."""
        return None if self._refused is None else self._refused[:2]

    def clear_refusal(self) -> None:
        """Unmark the refused cell (an edit succeeded, or the message was dismissed)."""
        if self._refused is None:
            return
        row, column, _ = self._refused
        self._refused = None
        if row < self.rowCount() and column < self.columnCount():
            index = self.index(self.view_row(row), column)
            self.dataChanged.emit(index, index, [Qt.ItemDataRole.BackgroundRole])

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Order the view by a column (-1: the data's own order), with one argsort."""
        self.layoutAboutToBeChanged.emit()
        old = self._order
        persistent = self.persistentIndexList()
        data_rows = [int(old[i.row()]) if old is not None else i.row() for i in persistent]
        if column < 0 or column >= self.columnCount():
            self._order = None
        else:
            if column < self.n_data_columns:
                keys = np.array(self.document.values[:, column])
            else:
                both = self.predictions()
                keys = (np.zeros(self.rowCount()) if both is None
                        else np.nan_to_num(both[column - self.n_data_columns], nan=-np.inf))
            if order == Qt.SortOrder.DescendingOrder:
                keys = -keys
            self._order = np.argsort(keys, kind="stable")
        where = np.empty(self.rowCount(), dtype=np.int64)
        where[self._order if self._order is not None else np.arange(self.rowCount())] = \
            np.arange(self.rowCount())
        self.changePersistentIndexList(
            persistent, [self.index(int(where[r]), i.column()) for r, i in zip(data_rows, persistent)])
        self.layoutChanged.emit()

    # -- the document changed ------------------------------------------------------------
    def _about_to_change(self, change: Change) -> None:
        if change.kind == "cells":
            return
        if self._order is not None or change.kind == "reset":
            self.beginResetModel()
        elif change.kind == "insert":
            self.beginInsertRows(QModelIndex(), change.first, change.last)
        else:
            self.beginRemoveRows(QModelIndex(), change.first, change.last)

    def _changed(self, change: Change) -> None:
        self._blocks.clear()
        if change.kind == "cells":
            self.clear_refusal()  # the table changed: the refused edit is behind the person
        else:
            self._refused = None  # the rows moved: every row is repainted below
        if change.kind != "cells":
            self._step_row = None  # its number now names another row
        n = self.document.n_rows
        if change.kind == "cells":
            columns = (*change.columns, self.n_data_columns, self.n_data_columns + 1)
            top, bottom = (change.first, change.last) if self._order is None else (0, n - 1)
            self.dataChanged.emit(self.index(top, min(columns)), self.index(bottom, max(columns)))
            if self.target_column in change.columns:  # its texts may have swapped
                self.headerDataChanged.emit(Qt.Orientation.Horizontal, self.target_column,
                                            self.target_column)
            return
        if change.kind == "insert":
            count = change.last - change.first + 1
            self._held_out = np.insert(self._held_out, change.first, np.zeros(count, dtype=bool))
        elif change.kind == "remove":
            self._held_out = np.delete(self._held_out, np.s_[change.first:change.last + 1])
        else:
            self._held_out = np.zeros(n, dtype=bool)
            if self._weights is not None and len(self._weights) != self.target_column:
                self._weights = None
        if self._order is not None or change.kind == "reset":
            was_sorted = self._order is not None
            self._order = None
            self.endResetModel()
            if was_sorted:
                self.sort_cleared.emit()
        elif change.kind == "insert":
            self.endInsertRows()
        else:
            self.endRemoveRows()

    # -- edits, each one undoable ---------------------------------------------------
    def insert_row(self, values: np.ndarray | None = None, row: int | None = None,
                   text: str = "Add row") -> int:
        """Insert a row (zeros by default) before data row ``row`` (at the end by default)."""
        row = self.rowCount() if row is None else row
        new = np.zeros(self.n_data_columns) if values is None else np.asarray(values, dtype=np.float64)
        self.undo_stack.push(_InsertRows(self.document, row, new[None, :], text))
        return row

    def remove_rows(self, rows: list[int], text: str | None = None) -> None:
        """Remove the given data rows (any order)."""
        rows = sorted(set(rows))
        if rows:
            label = text or (f"Delete row {rows[0] + 1}" if len(rows) == 1 else f"Delete {len(rows)} rows")
            self.undo_stack.push(_RemoveRows(self.document, rows, label))

    def set_dataset(self, dataset: Dataset, text: str = "Load data",
                    file_name: str | None = None) -> None:
        """Replace the whole table (undoable).  With ``file_name``, the document is named so
        from then on, and undoing the replacement gives the old table its own name back."""
        values = np.column_stack([dataset.features, dataset.target]).astype(np.float64)
        self.undo_stack.push(_ReplaceTable(self.document, list(dataset.column_names), values, text,
                                           dataset.target_labels, file_name))

    def swap_classes(self) -> str:
        """Turn a text target round, so the other text is 1 (undoable); the message to show.
        :class:`DataError` when the target is numbers."""
        labels = self.document.target_labels
        if labels is None:
            raise DataError("only a target read from two text values can be swapped")
        self.undo_stack.push(_SwapClasses(self.document, f"Make {labels[0]!r} class 1"))
        return (f"'{self.names[self.target_column]}': now 1 = {labels[0]}, 0 = {labels[1]}; "
                "Ctrl+Z turns it back.")

    # -- the clipboard -------------------------------------------------------------------
    def copy_block(self, rows: list[int], columns: list[int]) -> str:
        """Data rows' cells as tab-separated text, as spreadsheets paste it; numbers in full."""
        both = self.predictions() if max(columns) >= self.n_data_columns else None
        lines = []
        for row in rows:
            cells = []
            for column in columns:
                if column < self.n_data_columns:
                    cells.append(format_number(self.document.values[row, column]))
                elif both is None:
                    cells.append("")
                else:
                    cells.append(repr(float(both[column - self.n_data_columns][row])))
            lines.append("\t".join(cells))
        return "\n".join(lines)

    def paste_block(self, top: int, left: int, text: str) -> tuple[int, int]:
        """Paste tab- (or comma-) separated text with its top-left cell at the view's row
        ``top`` and column ``left``: the block's rows go into the rows shown from there down
        (in a sorted view too), and rows are added at the end as needed.  Every cell is
        checked first: one bad cell refuses the whole paste with :class:`DataError` and
        changes nothing.  It is one command (one undo).
        Returns the number of rows and columns pasted."""
        if not 0 <= left < self.n_data_columns:
            raise DataError("the ŷ and error columns are computed: paste into the data's "
                            "columns (features or target)")
        lines = [line for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
                 if line.strip()]
        if not lines:
            raise DataError("the clipboard holds no cells to paste")
        first = lines[0]
        separator = "\t" if "\t" in first else "," if "," in first else ";" if ";" in first else "\t"
        block = [[cell.strip() for cell in line.split(separator)] for line in lines]
        width = max(len(cells) for cells in block)
        if left + width > self.n_data_columns:
            raise DataError(f"the block is {width} columns wide, but only "
                            f"{self.n_data_columns - left} columns from '{self.names[left]}' "
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
                    raise DataError(f"pasted row {r + 1}, column '{self.names[column]}': "
                                    f"{exc}") from None
        shown = range(max(0, top), min(self.rowCount(), max(0, top) + len(block)))
        rows = [self.data_row(r) for r in shown]
        self.undo_stack.push(_WriteRows(self.document, rows, left, numbers,
                                        f"Paste {len(block)} × {width} cells"))
        return len(block), width


class _SetCell(QUndoCommand):
    """One cell's new value: the commonest edit, so it keeps plain numbers, not arrays (an
    undo history of thousands of edits stays small)."""

    def __init__(self, document: Document, row: int, column: int, old: float, new: float):
        super().__init__(f"Edit row {row + 1}, {document.column_name(column)}")
        self._args = document, row, column, old, new

    def redo(self) -> None:
        document, row, column, _, new = self._args
        document.write_rows([row], column, np.array([[new]]))

    def undo(self) -> None:
        document, row, column, old, _ = self._args
        document.write_rows([row], column, np.array([[old]]))


class _WriteRows(QUndoCommand):
    """Values written into some rows of the data, adding rows at the end where needed."""

    def __init__(self, document: Document, rows: list[int], left: int, block: np.ndarray,
                 text: str):
        super().__init__(text)
        self._args = document, rows, left, block
        self._old = np.empty((0, 0))

    @property
    def nbytes(self) -> int:
        return self._args[3].nbytes + self._old.nbytes

    def redo(self) -> None:
        document, rows, left, block = self._args
        self._old = document.write_rows(rows, left, block)

    def undo(self) -> None:
        document, rows, left, block = self._args
        document.unwrite_rows(rows, left, self._old, block.shape[0] - len(rows))


class _InsertRows(QUndoCommand):
    def __init__(self, document: Document, row: int, values: np.ndarray, text: str):
        super().__init__(text)
        self._document, self._row, self._values = document, row, values
        self._ids = None  # the new rows' ids, kept so that a redo gives them back

    @property
    def nbytes(self) -> int:
        return self._values.nbytes

    def redo(self) -> None:
        self._ids = self._document.insert_rows(self._row, self._values, self._ids)

    def undo(self) -> None:
        self._document.remove_rows(list(range(self._row, self._row + len(self._values))))


class _RemoveRows(QUndoCommand):
    def __init__(self, document: Document, rows: list[int], text: str):
        super().__init__(text)
        self._document, self._rows = document, rows
        self._removed = np.empty((0, 0))
        self._ids = np.empty(0, dtype=np.int64)

    @property
    def nbytes(self) -> int:
        return self._removed.nbytes + self._ids.nbytes

    def redo(self) -> None:
        self._ids = self._document.row_ids[self._rows].copy()  # back with their rows on undo
        self._removed = self._document.remove_rows(self._rows)

    def undo(self) -> None:
        self._document.restore_rows(self._rows, self._removed, self._ids)


class _ReplaceTable(QUndoCommand):
    def __init__(self, document: Document, names: list[str], values: np.ndarray, text: str,
                 labels: tuple[str, str] | None = None, file_name: str | None = None):
        super().__init__(text)
        self._document = document
        self._new = (names, values, None, labels)
        self._old = (document.names, document.values.copy(), document.row_ids.copy(),
                     document.target_labels)
        self._file_name = file_name
        self._old_file = (document.path, document.name)

    @property
    def nbytes(self) -> int:
        return self._new[1].nbytes + self._old[1].nbytes

    def redo(self) -> None:
        self._document.replace_table(*self._new)
        if self._file_name is not None:
            self._document.set_file(None, self._file_name)

    def undo(self) -> None:
        self._document.replace_table(*self._old)
        if self._file_name is not None:
            self._document.set_file(*self._old_file)


class _SwapClasses(QUndoCommand):
    """Which of a text target's two values is 1."""

    def __init__(self, document: Document, text: str):
        super().__init__(text)
        self._document = document
        self._old = np.empty(0)

    @property
    def nbytes(self) -> int:
        return self._old.nbytes

    def redo(self) -> None:
        self._old = self._document.swap_target_labels()

    def undo(self) -> None:
        self._document.swap_target_labels(self._old)
