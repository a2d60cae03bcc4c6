"""The kept runs: a sortable table of every run, and final error against learning rate.

The table (``runsTable``) lists the document's :class:`model.runs.RunBook`: a colour swatch
with a checkbox that shows or hides the run's curve, its number and label (double-click to
rename), its parameters, the data it saw (a fingerprint, marked ✎ when the table has been
edited since), its final errors and accuracies, its speed and time; a tooltip gives every
parameter.  Selecting a row shows that run everywhere (its parameters in the boxes, its
neuron in the pictures and its curve bold).  Delete removes the selected runs.
"""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QSize,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QBrush, QColor, QFont, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from model.csvio import write_text_atomically
from model.document import Document
from model.runs import KeptRun

from .axes import Plot

#: The runs' colours (a ten-colour qualitative palette, as matplotlib's tab10).
PALETTE = [(31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189),
           (140, 86, 75), (227, 119, 194), (127, 127, 127), (188, 189, 34), (23, 190, 207)]

HEADERS = ["Show", "#", "Label", "α", "Seed", "Iterations", "Held out", "Data",
           "Train error", "Test error", "Train acc.", "Test acc.", "it/s", "Seconds"]
_TIPS = ["Tick to draw this run's curve", "The run's number", "Double-click to rename",
         "Learning rate", "Seed", "Iterations trained", "Share of rows held out",
         "Fingerprint of the table it saw; ✎: the table was edited since",
         "Error over the training rows at its last checkpoint",
         "Error over the held-out rows at its last checkpoint",
         "Share of training rows on the right side of 0.5",
         "Share of held-out rows on the right side of 0.5",
         "Iterations per second of its own training time", "Seconds of training"]
_LABEL = 2
SORT_ROLE = Qt.ItemDataRole.UserRole


def colour(run: KeptRun) -> QColor:
    return QColor(*PALETTE[run.colour])


def _text(value, spec: str) -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else "∞"
    return format(value, spec)


class RunsTableModel(QAbstractTableModel):
    """The document's kept runs as rows."""

    def __init__(self, document: Document, parent=None) -> None:
        super().__init__(parent)
        self.document = document
        self._runs: list[KeptRun] = list(document.runs)
        self._current: int | None = None if document.run is None else document.run.number
        document.runs.changed.connect(self._reset)
        document.runs.updated.connect(self._updated)
        document.run_changed.connect(self._current_changed)
        document.table_changed.connect(self._table_changed)

    def run_at(self, row: int) -> KeptRun | None:
        return self._runs[row] if 0 <= row < len(self._runs) else None

    def row_of(self, number: int | None) -> int | None:
        return next((i for i, r in enumerate(self._runs) if r.number == number), None)

    def _reset(self) -> None:
        self.beginResetModel()
        self._runs = list(self.document.runs)
        self.endResetModel()

    def _updated(self, number: int) -> None:
        row = self.row_of(number)
        if row is not None:
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(HEADERS) - 1))

    def _current_changed(self) -> None:
        # Only the rows of the run shown before and now change (the bold one).
        run = self.document.run
        now = None if run is None else run.number
        for number in {self._current, now} - {None}:
            self._updated(number)
        self._current = now

    def _table_changed(self, change) -> None:
        if self._runs:
            self.dataChanged.emit(self.index(0, 7), self.index(len(self._runs) - 1, 7))

    def table_print(self) -> str:
        return self.document.table_fingerprint()  # the document hashes once per edit

    # -- Qt's model interface --------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 (Qt)
        return 0 if parent.isValid() else len(self._runs)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802 (Qt)
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return _TIPS[section]
        return None

    def flags(self, index):
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == 0:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        if index.column() == _LABEL:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def values(self, run: KeptRun) -> list:
        c = run.config
        return [run.visible, run.number, run.label, c.alpha, c.seed, run.iterations,
                c.test_fraction, run.fingerprint, run.train_error, run.test_error,
                run.train_accuracy, run.test_accuracy, run.rate, run.seconds]

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        run = self.run_at(index.row())
        if run is None:
            return None
        column = index.column()
        values = self.values(run)
        if role == SORT_ROLE:
            value = values[column]
            if value is None or (isinstance(value, float) and math.isnan(value)):
                return -math.inf
            return value if not isinstance(value, bool) else int(value)
        if role == Qt.ItemDataRole.CheckStateRole and column == 0:
            return Qt.CheckState.Checked if run.visible else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.DecorationRole and column == 0:
            return colour(run)
        if role == Qt.ItemDataRole.ToolTipRole:
            return run.parameters_text() + ("\nstill training" if run.running else "")
        if role == Qt.ItemDataRole.FontRole:
            current = self.document.run
            if current is not None and current.number == run.number:
                font = QFont()
                font.setBold(True)
                return font
            return None
        if role == Qt.ItemDataRole.ForegroundRole and column == 7 and \
                run.fingerprint != self.table_print():
            return QBrush(QColor(150, 90, 0))
        if role == Qt.ItemDataRole.TextAlignmentRole and column not in (0, _LABEL, 7):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if column == 0:
                return ""
            if column == _LABEL:
                return run.label + (" (training…)" if run.running and
                                    role == Qt.ItemDataRole.DisplayRole else "")
            if column == 7:
                edited = run.fingerprint != self.table_print()
                return run.fingerprint + (" ✎" if edited else "")
            specs = {1: "d", 3: "g", 4: "d", 5: ",d", 6: "g", 8: ".6g", 9: ".6g", 10: ".1%",
                     11: ".1%", 12: ",.0f", 13: ".2f"}
            return _text(values[column], specs[column])
        return None

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        run = self.run_at(index.row())
        if run is None:
            return False
        if role == Qt.ItemDataRole.CheckStateRole and index.column() == 0:
            checked = value in (Qt.CheckState.Checked, Qt.CheckState.Checked.value, 2, True)
            self.document.runs.set_visible(run.number, checked)
            return True
        if role == Qt.ItemDataRole.EditRole and index.column() == _LABEL:
            text = " ".join(str(value).split())
            if not text:
                return False
            self.document.runs.rename(run.number, text)
            return True
        return False

    # -- export ------------------------------------------------------------------------------
    def csv_text(self) -> str:
        """Every run as a CSV table (plain numbers, every digit)."""
        lines = [",".join(["number", "label", "alpha", "seed", "iterations", "every",
                           "test_fraction", "data", "edited_since", "train_error",
                           "test_error", "train_accuracy", "test_accuracy",
                           "iterations_per_second", "seconds", "sweep"])]
        for run in self._runs:
            c = run.config
            label = '"' + run.label.replace('"', '""') + '"'
            cells = [run.number, label, repr(c.alpha), c.seed, run.iterations, c.every,
                     repr(c.test_fraction), run.fingerprint,
                     int(run.fingerprint != self.table_print()), run.train_error,
                     run.test_error, run.train_accuracy, run.test_accuracy, run.rate,
                     run.seconds, run.sweep]
            lines.append(",".join("" if v is None else (repr(v) if isinstance(v, float) else str(v))
                                  for v in cells))
        return "\n".join(lines) + "\n"


#: One brush per palette colour and one pen, the same objects every time: pyqtgraph's
#: symbol atlas keys on their identity and would grow with new ones on every redraw.
_BRUSHES = [pg.mkBrush(*rgb) for rgb in PALETTE]
_OUTLINE = pg.mkPen(40, 40, 40)


def _finished(run: KeptRun) -> bool:
    """Whether ``run`` has a final error to plot."""
    return run.train_error is not None and math.isfinite(run.train_error)


class FinalErrorPlot(Plot):
    """Each kept run's final training error against its learning rate (log scale)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent, background="w", enableMenu=False)
        self.setObjectName("finalErrorPlot")
        item = self.getPlotItem()
        item.setTitle("Final error by learning rate", size="9pt")
        item.setLabel("bottom", "learning rate α")
        item.setLabel("left", "final error")
        item.getAxis("left").set_short_label("error")
        item.setLogMode(x=True, y=False)
        item.showGrid(x=True, y=True, alpha=0.2)
        item.getAxis("left").enableAutoSIPrefix(False)
        item.getAxis("bottom").enableAutoSIPrefix(False)
        self.points = pg.ScatterPlotItem(size=7, pxMode=True)
        self.median = pg.PlotCurveItem(pen=pg.mkPen((60, 60, 60), width=1.5))
        item.addItem(self.median)
        item.addItem(self.points)
        self.setToolTip("One point per kept run; the line joins each learning rate's median")

    def show_runs(self, runs: list[KeptRun]) -> None:
        done = [r for r in runs if _finished(r)]
        if not done:
            self.points.setData([])
            self.median.setData(np.empty(0), np.empty(0))
            return
        self.points.setData(
            x=np.log10([r.config.alpha for r in done]), y=[r.train_error for r in done],
            brush=[_BRUSHES[r.colour] for r in done], pen=_OUTLINE)
        alphas = sorted({r.config.alpha for r in done})
        medians = [float(np.median([r.train_error for r in done if r.config.alpha == a]))
                   for a in alphas]
        self.median.setData(np.log10(alphas), medians)
        # One tick per learning rate tried (at most eight): log axes otherwise label their
        # minor ticks into an unreadable row.
        ticks = alphas if len(alphas) <= 5 else alphas[::-(-len(alphas) // 5)]
        self.getPlotItem().getAxis("bottom").setTicks(
            [[(float(np.log10(a)), f"{a:g}") for a in ticks], []])


class _Placeholder(QLabel):
    """Stands where the final-error plot is when it has nothing to show, asking for the
    room the plot asks for (so the panel is laid out the same with either)."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return QSize(600, 480)  # what FinalErrorPlot().sizeHint() gives


class RunsPanel(QWidget):
    """The run table, its buttons, and the final-error plot."""

    #: a message for the status bar, and whether it is an error
    message = Signal(str, bool)
    #: the person asked for the sweep dialog
    sweep_requested = Signal()
    #: show median curves and min–max bands per learning rate instead of each run
    bands_toggled = Signal(bool)

    def __init__(self, document: Document, parent=None) -> None:
        super().__init__(parent)
        self.document = document
        self.model = RunsTableModel(document, self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView(objectName="runsTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.setTabKeyNavigation(False)  # Tab goes on to the next control (as the data's)
        self.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(
            self.table.fontMetrics().height() + 6)
        # Columns fit their contents when runs come or go, not on every change (fitting asks
        # every row for its text), and once however many came at once (a sweep's runs
        # come one by one: 8 ms each at a million rows).
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self._rows_fitted = 0  # how many runs the table had when its columns were last fitted
        self._fit_timer = QTimer(self, singleShot=True, interval=0, timeout=self._fit_columns)
        self.model.modelReset.connect(self._fit_timer.start)
        self.table.setToolTip("Every run kept: select one to show it, tick to draw its curve, "
                              "double-click a label to rename, Delete to remove")
        self.sweep_button = QPushButton("Train several…", objectName="sweepButton")
        self.sweep_button.setToolTip("Train many runs at once, a learning rate × seed grid, on "
                                     "every core")
        self.delete_button = QPushButton("Delete")
        self.delete_button.setToolTip("Delete the selected runs (Delete)")
        self.clear_button = QPushButton("Clear all")
        self.clear_button.setToolTip("Delete every kept run but the one shown")
        self.export_button = QPushButton("Export CSV…")
        self.export_button.setToolTip("Write the run table as a CSV file")
        self.bands_check = QCheckBox("Bands", objectName="bandsCheck")
        self.bands_check.setToolTip("Per learning rate, draw the median curve over the seeds "
                                    "and a band from the lowest to the highest")
        buttons = QHBoxLayout()
        for widget in (self.sweep_button, self.bands_check):
            buttons.addWidget(widget)
        buttons.addStretch(1)
        for widget in (self.delete_button, self.clear_button, self.export_button):
            buttons.addWidget(widget)
        #: Each finished run's final error by learning rate: made when a run first has
        #: finished.  While no run has, there is nothing to plot, and a greyed line in its
        #: place says what will be there (and the window opens with a plot less to build:
        #: 12-15 ms on the 2-core Intel Xeon).
        self.final_plot: FinalErrorPlot | None = None
        self.final_placeholder = _Placeholder("Final error by learning rate: a point for each "
                                              "run once it has finished")
        self.final_placeholder.setObjectName("finalErrorPlaceholder")
        self.final_placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.final_placeholder.setWordWrap(True)
        self.final_placeholder.setEnabled(False)  # greyed, as a hint is
        self.final_stack = QStackedWidget()  # the placeholder or the plot
        self.final_stack.addWidget(self.final_placeholder)
        self.final_stack.setMinimumSize(120, 60)
        # Runs change in bursts (a sweep's); the plot follows once per turn of the event loop.
        self._final_timer = QTimer(self, singleShot=True, interval=0,
                                   timeout=self._show_final_errors)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.table)
        split.addWidget(self.final_stack)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(split, 1)
        self._selecting = False
        self.table.selectionModel().currentRowChanged.connect(self._row_chosen)
        self.delete_button.clicked.connect(self.delete_selected)
        self.clear_button.clicked.connect(lambda: self.clear())
        self.export_button.clicked.connect(self._export_clicked)
        self.sweep_button.clicked.connect(self.sweep_requested)
        self.bands_check.toggled.connect(self.bands_toggled)
        # Delete here deletes runs; the window's own Delete (rows of the data table) must not
        # take the key first, so the table claims it (see eventFilter).
        self.table.installEventFilter(self)
        document.runs.changed.connect(self._runs_changed)
        document.runs.updated.connect(lambda number: self._runs_changed())
        document.run_changed.connect(self.select_current)
        if len(document.runs):  # made after runs were kept (the window's plots come later)
            self._runs_changed()

    def _fit_columns(self) -> None:
        # Fitting asks every row for its text: done until a fit has seen five runs (a
        # sweep's come all at once), after which the widths hold (and can be dragged);
        # again once the table has been emptied.
        rows = self.model.rowCount()
        if rows == 0:
            self._rows_fitted = 0
        elif self._rows_fitted < 5:
            self.table.resizeColumnsToContents()
            self._rows_fitted = rows

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt)
        if watched is self.table and event.type() in (QEvent.Type.ShortcutOverride,
                                                       QEvent.Type.KeyPress):
            if event.matches(QKeySequence.StandardKey.Delete) or event.key() == Qt.Key.Key_Delete:
                event.accept()
                if event.type() == QEvent.Type.KeyPress:
                    self.delete_selected()
                return True
        return super().eventFilter(watched, event)

    # -- what the person does ----------------------------------------------------------------
    @Slot(QModelIndex, QModelIndex)
    def _row_chosen(self, current: QModelIndex, previous: QModelIndex) -> None:
        if self._selecting or not current.isValid():
            return
        run = self.model.run_at(self.proxy.mapToSource(current).row())
        if run is None:
            return
        why_not = self.can_show()
        if why_not is None:
            why_not = self.document.show_kept(run.number)
        if why_not:
            self.message.emit(why_not, True)
            self.select_current()
        else:
            self.message.emit(f"Showing {run.label}: its parameters, its neuron and its curve.",
                              False)

    #: set by the window: why runs cannot be switched now (None when they can)
    can_show = staticmethod(lambda: None)

    def select(self, number: int) -> None:
        """Select the row of run ``number`` (as a click does)."""
        row = self.model.row_of(number)
        if row is not None:
            index = self.proxy.mapFromSource(self.model.index(row, 1))
            self.table.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows)

    def select_current(self) -> None:
        """Select the current run's row, without showing anything anew."""
        run = self.document.run
        row = None if run is None else self.model.row_of(run.number)
        self._selecting = True
        try:
            if row is None:
                if self.table.selectionModel().hasSelection():
                    self.table.clearSelection()
            else:
                index = self.proxy.mapFromSource(self.model.index(row, 1))
                self.table.selectionModel().setCurrentIndex(
                    index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows)
                self.table.scrollTo(index)
        finally:
            self._selecting = False

    def selected_numbers(self) -> list[int]:
        rows = {self.proxy.mapToSource(i).row() for i in self.table.selectionModel().selectedRows()}
        return [self.model.run_at(r).number for r in sorted(rows) if self.model.run_at(r)]

    @Slot()
    def delete_selected(self) -> None:
        """Delete the selected runs (the current one too: then no run is shown)."""
        if self.can_show():
            self.message.emit("Wait for the training to end (or press Stop) first.", True)
            return
        numbers = self.selected_numbers()
        if not numbers:
            self.message.emit("Select the runs to delete first.", True)
            return
        current = self.document.run
        if current is not None and current.number in numbers:
            self.document.set_run(None)
        self.document.runs.remove(numbers)
        self.message.emit(f"Deleted {len(numbers)} run{'s' if len(numbers) > 1 else ''}.", False)

    @Slot()
    def clear(self, ask: bool = True) -> None:
        """Delete every kept run but the one shown (asking first, when there are several)."""
        if ask and len(self.document.runs) > 2 and QMessageBox.question(
                self, "Clear the runs", f"Delete all {len(self.document.runs) - 1} kept runs "
                "but the one shown? This cannot be undone.") != QMessageBox.StandardButton.Yes:
            return
        if self.can_show():
            self.message.emit("Wait for the training to end (or press Stop) first.", True)
            return
        current = self.document.run
        keep = {r.number for r in self.document.runs if r.running
                or (current is not None and current.number == r.number)}
        gone = [r.number for r in self.document.runs if r.number not in keep]
        self.document.runs.remove(gone)
        if gone:
            self.message.emit(f"Cleared {len(gone)} kept runs.", False)

    def export_to(self, path: str) -> bool:
        try:
            write_text_atomically(path, self.model.csv_text())
        except OSError as exc:
            self.message.emit(f"Cannot write {path}: {exc.strerror or exc}", True)
            return False
        self.message.emit(f"Wrote the run table to {path}.", False)
        return True

    @Slot()
    def _export_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export the run table", "runs.csv",
                                              "CSV files (*.csv);;All files (*)")
        if path:
            self.export_to(path)

    def _runs_changed(self) -> None:
        self._final_timer.start()
        self.select_current()

    @Slot()
    def _show_final_errors(self) -> None:
        # Only runs on a table of these columns: errors on other data are not comparable.
        columns = tuple(self.document.names)
        runs = [r for r in self.document.runs if r.fits(columns)]
        finished = any(_finished(r) for r in runs)
        if finished and self.final_plot is None:
            self.final_plot = FinalErrorPlot()
            self.final_stack.addWidget(self.final_plot)
        if self.final_plot is not None:
            self.final_plot.show_runs(runs)
        self.final_stack.setCurrentWidget(self.final_plot if finished else self.final_placeholder)
