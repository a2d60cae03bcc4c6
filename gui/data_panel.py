"""The data table with its buttons and its edit actions (undo, redo, copy, paste, rows).

The view shows :class:`DatasetTableModel` directly: a header click sorts the view through
the model's own row map, so the data set keeps its order.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QFontMetrics, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from model import DataError

from .message_strip import MessageStrip
from .table_model import DatasetTableModel

#: Rows read to size a column to its contents (the header's width counts as well); the
#: table may have millions of rows, and a few dozen show what its numbers look like.
_SAMPLE_ROWS = 50
_MIN_ROWS_SHOWN = 4  # however small the window, the table shows this many rows


class DataPanel(QGroupBox):
    """The table (``dataTable``), Add row and Delete rows, and the Edit menu's actions."""

    #: a message for the status bar, and whether it is an error
    message = Signal(str, bool)

    def __init__(self, model: DatasetTableModel, parent=None) -> None:
        super().__init__("Data", parent)
        self.model = model
        self.table = QTableView(objectName="dataTable")
        self.table.setModel(model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        # Tab leaves the table (the arrow keys move in it), so the keyboard alone reaches
        # what comes after it; while a cell is edited, Tab still goes on to the next cell.
        self.table.setTabKeyNavigation(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setDefaultSectionSize(92)
        header.setStretchLastSection(True)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # start in the data's order
        self.table.setSortingEnabled(True)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows = self.table.verticalHeader().defaultSectionSize()
        self.table.setMinimumHeight(header.sizeHint().height() + _MIN_ROWS_SHOWN * rows + 4
                                    + self.table.horizontalScrollBar().sizeHint().height())
        self.table.setToolTip("Your data: double-click a cell to change it; click a header to "
                              "sort. The target column is shaded; held-out rows are grey (◦).")
        model.sort_cleared.connect(lambda: header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder))
        self.add_row_button = QPushButton("Add row")
        self.add_row_button.setToolTip("Add a row of zeros at the end of the table")
        self.delete_rows_button = QPushButton("Delete rows")
        self.delete_rows_button.setToolTip("Delete the selected rows (Delete)")
        self.delete_rows_button.setEnabled(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_row_button)
        buttons.addWidget(self.delete_rows_button)
        buttons.addStretch(1)
        #: errors (a refused edit above all) stay here, above the table, until they are past
        self.message_strip = MessageStrip()
        layout = QVBoxLayout(self)
        layout.addWidget(self.message_strip)
        layout.addWidget(self.table)
        layout.addLayout(buttons)

        self.add_row_button.clicked.connect(self.add_row)
        self.delete_rows_button.clicked.connect(self.delete_selected_rows)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.table,
                  activated=self.delete_selected_rows)
        self._build_actions()
        # Columns are sized to their names and numbers when the columns may have changed
        # (once per event-loop turn however many signals came in).
        self._fit_timer = QTimer(self, interval=0, singleShot=True, timeout=self.fit_columns)
        for signal in (model.modelReset, model.columnsInserted, model.headerDataChanged):
            signal.connect(self._fit_timer.start)
        self.fit_columns()

    @Slot()
    def fit_columns(self) -> None:
        """Each column as wide as its header (in bold: a selected row's headers are drawn
        bold) with room for the sort arrow, or its widest number among the first rows."""
        header = self.table.horizontalHeader()
        bold = header.font()
        bold.setBold(True)
        heading = QFontMetrics(bold)
        cells = self.table.fontMetrics()
        rows = min(self.model.rowCount(), _SAMPLE_ROWS)
        for column in range(self.model.columnCount()):
            name = str(self.model.headerData(column, Qt.Orientation.Horizontal) or "")
            width = heading.horizontalAdvance(name) + 34  # margins and the sort indicator
            texts = [str(self.model.data(self.model.index(row, column)) or "") for row in range(rows)]
            if column >= self.model.n_data_columns:
                texts.append("✗ 0.0000")  # what a prediction looks like once there is one
            if texts:
                width = max(width, max(cells.horizontalAdvance(t) for t in texts) + 16)
            header.resizeSection(column, min(width, 260))

    def _build_actions(self) -> None:
        stack = self.model.undo_stack
        self.undo_action = stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = stack.createRedoAction(self, "&Redo")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])

        def action(text, slot, shortcut=None, tip=""):
            act = QAction(text, self)
            if shortcut is not None:
                act.setShortcut(QKeySequence(shortcut))
            act.setStatusTip(tip)
            act.triggered.connect(slot)
            return act

        self.copy_action = action("&Copy", self.copy_cells, QKeySequence.StandardKey.Copy,
                                  "Copy the selected cells as tab-separated text")
        self.paste_action = action("&Paste", self.paste_cells, QKeySequence.StandardKey.Paste,
                                   "Paste cells copied from a spreadsheet at the current cell")
        self.add_row_action = action("&Add row", self.add_row, "Ctrl+Shift+N")
        self.delete_rows_action = action("&Delete selected rows", self.delete_selected_rows)
        self.swap_classes_action = action(
            "S&wap which class is 1", self.swap_classes,
            tip="For a target read from two text values: the other one becomes 1")

    def edit_actions(self) -> list[QAction | None]:
        """The Edit menu, in order (None: a separator)."""
        return [self.undo_action, self.redo_action, None, self.copy_action, self.paste_action,
                None, self.add_row_action, self.delete_rows_action, None,
                self.swap_classes_action]

    def selected_rows(self) -> list[int]:
        """The selected rows, as rows of the data set (not of the sorted view)."""
        return sorted(self.model.data_row(index.row())
                      for index in self.table.selectionModel().selectedRows())

    @Slot()
    def add_row(self) -> None:
        row = self.model.insert_row()
        index = self.model.index(self.model.view_row(row), 0)
        self.table.scrollTo(index)
        self.table.setCurrentIndex(index)

    @Slot()
    def delete_selected_rows(self) -> None:
        rows = self.selected_rows()
        if not rows:
            return
        if len(rows) >= self.model.rowCount():
            self.message.emit("The table must keep at least one row.", True)
            return
        self.model.remove_rows(rows)

    @Slot()
    def swap_classes(self) -> None:
        try:
            self.message.emit(self.model.swap_classes(), False)
        except DataError as exc:
            self.message.emit(f"Cannot swap the classes: {exc}.", True)

    @Slot()
    def copy_cells(self) -> None:
        indexes = self.table.selectionModel().selectedIndexes()
        if not indexes:
            self.message.emit("Select cells to copy first.", True)
            return
        rows = sorted({self.model.data_row(i.row()) for i in indexes})
        columns = sorted({i.column() for i in indexes})
        QApplication.clipboard().setText(self.model.copy_block(rows, columns))
        self.message.emit(f"Copied {len(rows)} × {len(columns)} cells.", False)

    @Slot()
    def paste_cells(self) -> None:
        current = self.table.currentIndex()
        top = current.row() if current.isValid() else self.model.rowCount()
        left = current.column() if current.isValid() else 0
        try:
            rows, columns = self.model.paste_block(top, left, QApplication.clipboard().text())
        except DataError as exc:
            self.message.emit(f"Cannot paste: {exc}. Nothing was changed.", True)
            return
        self.message.emit(f"Pasted {rows} × {columns} cells; Ctrl+Z takes them back.", False)

    @Slot()
    def _selection_changed(self) -> None:
        self.delete_rows_button.setEnabled(self.table.selectionModel().hasSelection())
