"""The data table with its buttons: a sortable view over :class:`DatasetTableModel`."""
from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from .table_model import SORT_ROLE, DatasetTableModel


class DataPanel(QGroupBox):
    """The table (``dataTable``), Add row and Delete rows."""

    #: a message for the status bar
    message = Signal(str, bool)

    def __init__(self, model: DatasetTableModel, parent=None) -> None:
        super().__init__("Data", parent)
        self.model = model
        # Sorting goes through a proxy, so the data set keeps its own order; the proxy
        # sorts only when asked (a header click), not on every prediction update.
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(model)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setDynamicSortFilter(False)
        self.table = QTableView(objectName="dataTable")
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setDefaultSectionSize(92)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # start in the data's order
        self.table.setSortingEnabled(True)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.setToolTip("Your data: double-click a cell to change it; click a header to "
                              "sort. The target column is shaded; held-out rows are grey (◦).")
        self.add_row_button = QPushButton("Add row")
        self.add_row_button.setToolTip("Add a row of zeros at the end of the table")
        self.delete_rows_button = QPushButton("Delete rows")
        self.delete_rows_button.setToolTip("Delete the selected rows (Delete)")
        self.delete_rows_button.setEnabled(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_row_button)
        buttons.addWidget(self.delete_rows_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(buttons)

        self.add_row_button.clicked.connect(self.add_row)
        self.delete_rows_button.clicked.connect(self.delete_selected_rows)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.table,
                  activated=self.delete_selected_rows)

    def selected_rows(self) -> list[int]:
        """The selected rows, as rows of the data set (not of the sorted view)."""
        return sorted(self.proxy.mapToSource(index).row()
                      for index in self.table.selectionModel().selectedRows())

    @Slot()
    def add_row(self) -> None:
        row = self.model.insert_row()
        index = self.proxy.mapFromSource(self.model.index(row, 0))
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
    def _selection_changed(self) -> None:
        self.delete_rows_button.setEnabled(self.table.selectionModel().hasSelection())
