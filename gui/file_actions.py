"""The File menu's work: data files, sessions, recent files, exports, and unsaved edits.

Every file mistake (a file that cannot be read, a damaged session, a folder that cannot be
written) ends in one message in the status bar, and the data already open stays as it was.
The dialogs are methods (``ask_open_path`` and the like), so that tests can answer them.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np
from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMenu, QMessageBox, QWidget

from model import DataError, Dataset, TrainConfig, read_table, write_csv, write_text_atomically
from model.document import Document
from model.export import run_script
from model.session import SUFFIX, load_session, save_session

from . import settings
from .run_controller import RunController
from .table_model import DatasetTableModel

NEW_TABLE_ROWS = 4
CSV_FILTER = "CSV data (*.csv *.tsv *.txt);;All files (*)"
SESSION_FILTER = f"Neuron Lab sessions (*{SUFFIX});;All files (*)"


class FileActions(QObject):
    """Builds the File menu and does what its entries say, on the document.

    ``plots`` give the widgets that Export can save as pictures, by menu label (each a
    function that returns it: the window's plots may be built after its menus).
    """

    #: a message for the status bar, and whether it is an error
    message = Signal(str, bool)

    def __init__(self, window: QWidget, document: Document, table_model: DatasetTableModel,
                 runs: RunController, plots: dict[str, Callable[[], QWidget]],
                 cannot_show: Callable[[TrainConfig], str | None] = lambda config: None) -> None:
        super().__init__(window)
        self.cannot_show = cannot_show
        self.window = window
        self.document = document
        self.table_model = table_model
        self.runs = runs
        self.plots = plots

    @property
    def session_path(self) -> Path | None:
        return self.document.path

    def _say(self, text: str, error: bool = False) -> None:
        self.message.emit(text, error)

    # -- the menu ------------------------------------------------------------------
    def build_menu(self, menu: QMenu) -> None:
        def add(text, slot, shortcut=None, tip=""):
            action = QAction(text, self.window)
            if shortcut is not None:
                action.setShortcut(QKeySequence(shortcut))
            action.setStatusTip(tip)
            action.triggered.connect(slot)
            menu.addAction(action)
            return action

        self.new_table_action = add("&New table", self.new_table, QKeySequence.StandardKey.New,
                                    "Start from a small empty table (Ctrl+Z brings the old one back)")
        self.open_data_action = add("&Open data…", self.open_data, QKeySequence.StandardKey.Open,
                                    "Read a CSV file into the table")
        add("Save data &as…", self.save_data_as, "Ctrl+Shift+E", "Write the table to a CSV file")
        menu.addSeparator()
        add("Open &session…", self.open_session, "Ctrl+Shift+O",
            "Open a saved session: data, parameters, trained neuron and its errors")
        self.save_action = add("&Save session", self.save_session, QKeySequence.StandardKey.Save,
                               "Save the data, parameters, trained neuron and its errors")
        add("Save session as…", self.save_session_as, QKeySequence.StandardKey.SaveAs)
        self.recent_menu = menu.addMenu("Open &recent")
        self._fill_recent(settings.recent_files())
        menu.addSeparator()
        export = menu.addMenu("&Export")
        entries = [(f"{label} as PNG or SVG…", lambda checked=False, p=plot: self.export_plot(p()))
                   for label, plot in self.plots.items()]
        for text, slot in (
            *entries,
            ("Error history as CSV…", self.export_history),
            ("Run as a Python script…", self.export_script),
        ):
            action = QAction(text, self.window)
            action.triggered.connect(slot)
            export.addAction(action)
        menu.addSeparator()
        add("&Quit", self.window.close, QKeySequence.StandardKey.Quit)

    def _fill_recent(self, files: list[str]) -> None:
        self.recent_menu.clear()
        for path in files:
            action = QAction(Path(path).name, self.window)
            action.setStatusTip(path)
            action.triggered.connect(lambda checked=False, p=path: self.open_path(p))
            self.recent_menu.addAction(action)
        self.recent_menu.setEnabled(bool(files))

    def _remember(self, path: Path) -> None:
        self._fill_recent(settings.remember_file(str(path)))
        settings.remember_folder(str(path))  # a file dropped or reopened counts as used too

    # -- dialogs (tests replace these) -------------------------------------------------
    # Dialogs open in the folder last used (else Documents, else home), not in whatever
    # folder the program was started from.
    def ask_open_path(self, caption: str, filter: str) -> str | None:
        path, _ = QFileDialog.getOpenFileName(self.window, caption, settings.start_folder(), filter)
        if path:
            settings.remember_folder(path)
        return path or None

    def ask_save_path(self, caption: str, filter: str, suggested: str = "") -> str | None:
        start = str(Path(settings.start_folder()) / suggested)
        path, _ = QFileDialog.getSaveFileName(self.window, caption, start, filter)
        if path:
            settings.remember_folder(path)
        return path or None

    def ask_target(self, names: list[str]) -> int | None:
        """Which column is the target (the last one is offered first)."""
        if len(names) <= 2:
            return len(names) - 1
        labels = target_labels(names)
        label, ok = QInputDialog.getItem(self.window, "Choose the target",
                                         "Which column should the neuron learn to predict?",
                                         labels, len(labels) - 1, False)
        return labels.index(label) if ok else None

    def confirm_discard(self) -> bool:
        """Ask what to do with unsaved edits; True when it is fine to go on."""
        answer = QMessageBox.question(
            self.window, "Unsaved edits",
            "The data has edits that are not saved. Save them in a session first?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Save)
        if answer == QMessageBox.StandardButton.Save:
            return self.save_session()
        return answer == QMessageBox.StandardButton.Discard

    # -- data files -------------------------------------------------------------------------
    @Slot()
    def new_table(self) -> None:
        """A small table of zeros to type into: two features, a target, four rows.  One
        undoable step, so nothing needs asking: Ctrl+Z brings the previous table back."""
        dataset = Dataset.from_arrays(np.zeros((NEW_TABLE_ROWS, 2)), np.zeros(NEW_TABLE_ROWS),
                                      ["x1", "x2"], "y")
        history = self.table_model.undo_stack
        had_edits = history.has_unsaved_edits()
        self.table_model.set_dataset(dataset, text="New table", file_name="New table")
        if not had_edits:
            history.mark_saved()  # nothing to lose: quitting now need not ask
        self._say("A new table: double-click a cell to type a value, Add row for more rows; "
                  "Ctrl+Z brings back the previous table.")

    @Slot()
    def open_data(self) -> None:
        path = self.ask_open_path("Open data", CSV_FILTER)
        if path:
            self.open_csv(path)

    def open_path(self, path: str, ask: bool = True) -> bool:
        """Open a session or a data file, by its name (recent files, drag and drop).
        Without ``ask``, nothing is asked: a data file's target is its last column."""
        if path.endswith(SUFFIX):
            return self.open_session_file(path)
        return self.open_csv(path, ask)

    def open_csv(self, path: str, ask: bool = True) -> bool:
        try:
            table = read_table(path)
            target = self.ask_target(table.names) if ask else len(table.names) - 1
            if target is None:
                return False
            dataset = table.dataset(target)
        except DataError as exc:
            self._say(f"Cannot open the data: {exc}. The table was not changed.", True)
            if not Path(path).exists():
                self._fill_recent(settings.forget_file(str(path)))
            return False
        # Named after the file, as one undo step: undoing it gives the old name back too.
        self.table_model.set_dataset(dataset, text=f"Open {Path(path).name}",
                                     file_name=Path(path).name)
        self.table_model.undo_stack.mark_saved()  # the table is the file's: nothing edited yet
        self._remember(Path(path))
        labels = dataset.target_labels
        mapping = (f" read from its text as 0 = {labels[0]}, 1 = {labels[1]} (Edit › Swap "
                   "which class is 1 turns it round)" if labels else "")
        self._say(f"Opened {Path(path).name}: {dataset.n_rows:,} rows, "
                  f"target '{dataset.target_name}'{mapping}.")
        return True

    @Slot()
    def save_data_as(self) -> bool:
        path = self.ask_save_path("Save data as", CSV_FILTER, "data.csv")
        if not path:
            return False
        try:
            write_csv(path, self.document.dataset())
        except DataError as exc:
            self._say(f"Cannot save the data: {exc}", True)
            return False
        self._remember(Path(path))
        self._say(f"Saved the data to {Path(path).name}.")
        return True

    # -- sessions -----------------------------------------------------------------------------
    @Slot()
    def open_session(self) -> None:
        path = self.ask_open_path("Open session", SESSION_FILTER)
        if path:
            self.open_session_file(path)

    def open_session_file(self, path: str) -> bool:
        if self.runs.running:
            self._say("Stop the run before opening a session.", True)
            return False
        try:
            session = load_session(path)
            problem = self.cannot_show(session.config)
            if problem:
                raise DataError(f"the session's parameters do not fit this window: {problem}")
        except DataError as exc:
            self._say(f"Cannot open the session: {exc}. Nothing was changed.", True)
            if not Path(path).exists():
                self._fill_recent(settings.forget_file(str(path)))
            return False
        self.document.open_session(session)
        self.table_model.undo_stack.forget()
        self.document.set_file(Path(path))
        self._remember(Path(path))
        self._say(f"Opened the session {Path(path).name}.")
        return True

    @Slot()
    def save_session(self) -> bool:
        if self.session_path is None:
            return self.save_session_as()
        return self.write_session(self.session_path)

    @Slot()
    def save_session_as(self) -> bool:
        path = self.ask_save_path("Save session", SESSION_FILTER, f"session{SUFFIX}")
        if not path:
            return False
        if not path.endswith(SUFFIX):
            path += SUFFIX
        return self.write_session(path)

    def write_session(self, path: str | Path) -> bool:
        """Save the session to ``path`` (at any moment, during a run too)."""
        path = Path(path)
        try:
            save_session(path, self.document.session())
        except DataError as exc:
            self._say(f"Cannot save the session: {exc}. Nothing was written.", True)
            return False
        self.table_model.undo_stack.mark_saved()
        self.document.set_file(path)
        self._remember(path)
        self._say(f"Saved the session to {path.name}.")
        return True

    # -- exports ----------------------------------------------------------------------------------
    def export_plot(self, plot) -> bool:
        """The plot as it is on screen, as a PNG image or an SVG drawing."""
        path = self.ask_save_path("Export plot", "PNG image (*.png);;SVG drawing (*.svg)",
                                  f"{plot.objectName()}.png")
        if not path:
            return False
        if path.lower().endswith(".svg"):
            ok = _render_svg(plot, path)
        else:
            ok = plot.grab().save(path, "PNG")
        if not ok:
            self._say(f"Cannot export the plot to {path}.", True)
            return False
        self._say(f"Exported the plot to {Path(path).name}.")
        return True

    def export_history(self) -> bool:
        run = self.document.run
        if run is None or not len(run.history):
            self._say("There is no error history yet: train first.", True)
            return False
        history = run.history.checkpoints()
        x, train = history.iteration, history.train_error
        test = history.test_error if history.test_error is not None else []
        path = self.ask_save_path("Export error history", CSV_FILTER, "errors.csv")
        if not path:
            return False
        header = "iteration,train_error" + (",test_error" if len(test) else "")
        lines = [header] + [
            ",".join([str(int(i)), repr(float(e))] + ([repr(float(test[k]))] if len(test) else []))
            for k, (i, e) in enumerate(zip(x, train))
        ]
        return self._write_text(path, "\n".join(lines) + "\n", "the error history")

    def export_script(self) -> bool:
        training = self.document.training()
        if training is None:
            self._say("There is no run to export yet: train first.", True)
            return False
        path = self.ask_save_path("Export run as script", "Python script (*.py)", "neuron_run.py")
        if not path:
            return False
        return self._write_text(path, run_script(training), "the script")

    def _write_text(self, path: str, text: str, what: str) -> bool:
        try:
            write_text_atomically(path, text)
        except DataError as exc:
            self._say(f"Cannot export {what}: {exc}", True)
            return False
        self._say(f"Exported {what} to {Path(path).name}.")
        return True


def target_labels(names: list[str]) -> list[str]:
    """The columns as the target dialog lists them: a name that occurs more than once is
    told apart by its column number, so the choice maps back to the right column."""
    return [f"{name} (column {i + 1})" if names.count(name) > 1 else name
            for i, name in enumerate(names)]


def _render_svg(widget, path: str) -> bool:
    from PySide6.QtGui import QPainter
    from PySide6.QtSvg import QSvgGenerator

    generator = QSvgGenerator()
    generator.setFileName(path)
    generator.setSize(widget.size())
    generator.setViewBox(widget.rect())
    generator.setTitle(widget.objectName())
    painter = QPainter()
    if not painter.begin(generator):
        return False
    try:
        widget.render(painter)
    finally:
        painter.end()
    return Path(path).exists() and Path(path).stat().st_size > 0


__all__ = ["FileActions"]
