"""The main window: the data table, the parameters, the buttons and the error plot."""
from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import Qt, QThread, QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent, QIcon, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QProgressBar,
    QSplitter,
    QApplication,
    QVBoxLayout,
    QWidget,
)

from model import (
    Checkpoints,
    DataError,
    Training,
    TrainConfig,
    note_table,
    read_csv,
    split_rows,
)
from model.dataset import column_means
from model.session import Session
from resources import ICON, Example

from .boundary_plot import BoundaryPanel
from .data_panel import DataPanel
from . import menus, settings
from .error_plot import ErrorPlot
from .file_actions import FileActions
from .parameters import MAX_SPEED, ParametersBox  # noqa: F401 (MAX_SPEED: public name)
from .predict_panel import PredictPanel
from .table_model import DatasetTableModel
from .worker import THREADS, TrainingWorker


class MainWindow(QMainWindow):
    """Neuron Lab's window, with the reference note's table loaded."""

    #: Emitted once when a run ends, completed or stopped, after the plot holds all of it.
    training_finished = Signal()
    #: Internal: hand a run to the worker thread (queued).
    _start_run = Signal(int, object, int, float)
    _warm_up = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.resize(1400, 820)
        self.setAcceptDrops(True)
        self.setWindowIcon(QIcon(str(ICON)))
        self._training: Training | None = None
        self._run_id = 0
        self._running = False
        self._run_total = 0
        self._run_started = 0.0
        self._run_first_iteration = 0
        self._latest_neuron: tuple[np.ndarray, float] | None = None

        self.table_model = DatasetTableModel(note_table(), self)
        self._build_widgets()
        self._build_menus()
        self._build_thread()
        self._connect()
        self._dataset_replaced()
        self._update_buttons()
        self._restore_settings()
        self.update_title()
        self.show_message("Ready. Press Train (Ctrl+Return) to train the neuron on the table.")

    # -- construction ------------------------------------------------------------
    def _build_widgets(self) -> None:
        self.data_panel = DataPanel(self.table_model)
        self.table = self.data_panel.table
        self.add_row_button = self.data_panel.add_row_button
        self.delete_rows_button = self.data_panel.delete_rows_button

        self.parameters = ParametersBox()
        for name in ("alpha_spin", "iterations_spin", "seed_spin", "every_spin",
                     "test_fraction_spin", "speed_combo", "train_button", "stop_button",
                     "continue_button", "reset_button", "model_label"):
            setattr(self, name, getattr(self.parameters, name))


        self.predict_panel = PredictPanel()
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.parameters)
        left_layout.addWidget(self.predict_panel)
        left_layout.addWidget(self.data_panel, 1)

        self.boundary_panel = BoundaryPanel()
        self.boundary_plot = self.boundary_panel.plot
        self.error_plot = ErrorPlot()
        plots = QSplitter(Qt.Orientation.Vertical)
        plots.addWidget(self.error_plot)
        plots.addWidget(self.boundary_panel)
        plots.setSizes([380, 440])
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(plots)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([560, 840])
        self.setCentralWidget(splitter)

        self.progress = QProgressBar()
        self.progress.setMaximumWidth(200)
        self.progress.setTextVisible(False)
        self.status_label = QLabel()
        self.status_label.setMinimumWidth(
            self.status_label.fontMetrics().horizontalAdvance(
                "iteration 100,000,000 / 100,000,000   error 0.000000   99,999,999 it/s   999.9 s"
            )
        )
        bar = self.statusBar()
        bar.addPermanentWidget(self.status_label)
        bar.addPermanentWidget(self.progress)

        # Plots are redrawn at most ~30 times a second, however fast batches come.
        self._redraw = QTimer(self)
        self._redraw.setInterval(33)
        self._redraw.timeout.connect(self._redraw_plots)

    def _build_menus(self) -> None:
        self.file_actions = FileActions(self)
        self.file_actions.build_menu(self.menuBar().addMenu("&File"))
        menus.build(self)

    def _build_thread(self) -> None:
        self._thread = QThread(self)
        self._thread.setObjectName("trainingThread")
        THREADS.add(self._thread)
        self._worker = TrainingWorker()
        self._worker.moveToThread(self._thread)
        self._thread.finished.connect(self._worker.deleteLater)
        self._start_run.connect(self._worker.run)
        self._warm_up.connect(self._worker.warm_up)
        self._worker.checkpoints.connect(self._on_checkpoints)
        self._worker.finished.connect(self._on_run_finished)
        self._thread.start()
        self._warm_up.emit()  # compile or load the kernel now, off the GUI thread

    def _connect(self) -> None:
        self.train_button.clicked.connect(self.train)
        self.stop_button.clicked.connect(self.stop)
        self.continue_button.clicked.connect(self.continue_training)
        self.reset_button.clicked.connect(self.reset)
        self.table_model.edit_refused.connect(self._show_refusal)
        self.table_model.data_edited.connect(self._data_changed)
        self.table_model.dataset_replaced.connect(self._dataset_replaced)
        self.table_model.undo_stack.cleanChanged.connect(self.update_title)
        self.data_panel.message.connect(self.show_message)
        self.test_fraction_spin.valueChanged.connect(self._data_changed)
        self.seed_spin.valueChanged.connect(self._data_changed)
        self.boundary_plot.add_point_requested.connect(self.add_point)
        self.boundary_plot.delete_row_requested.connect(self.delete_row)
        # The keypad's Enter as well as Return (the menu's shortcut takes Return).
        QShortcut(QKeySequence("Ctrl+Enter"), self, activated=self.train)

    # -- actions -------------------------------------------------------------------
    def config(self) -> TrainConfig:
        return self.parameters.config()

    @Slot()
    def train(self) -> None:
        """A fresh, seeded run on a copy of the table as it is now."""
        if self._running:
            return
        try:
            training = Training(self.table_model.dataset(), self.config())
        except DataError as exc:
            self.show_message(f"Cannot train: {exc}", error=True)
            return
        self._training = training
        self.error_plot.clear_curves()
        self._launch(self.config().iterations)

    @Slot()
    def continue_training(self) -> None:
        """More iterations on the current neuron, on the same random stream."""
        if self._running or self._training is None or self._training.failed:
            return
        self._launch(self.iterations_spin.value())

    @Slot()
    def stop(self) -> None:
        if self._running:
            self._worker.request_stop()

    @Slot()
    def reset(self) -> None:
        if self._running:
            return
        self._training = None
        self._show_neuron(None)
        self.error_plot.clear_curves()
        self.progress.setValue(0)
        self.status_label.clear()
        self.model_label.clear()
        self._update_buttons()
        self.show_message("Reset: press Train to start again.")

    def _launch(self, iterations: int) -> None:
        assert self._training is not None
        self._run_id += 1
        self._running = True
        self._run_total = iterations
        self._run_first_iteration = self._training.iteration
        self._run_started = time.perf_counter()
        self.progress.setRange(0, 1000)
        self.progress.setValue(0)
        self._update_buttons()
        self.error_plot.expect_until(self._run_first_iteration + iterations)
        self._redraw.start()
        self.show_message("Training…")
        self._worker.clear_stop()
        self._start_run.emit(self._run_id, self._training, iterations, float(self.speed_combo.currentData()))

    # -- from the worker ---------------------------------------------------------------
    @Slot(int, object, object, object, int, object, float)
    def _on_checkpoints(self, run_id: int, iterations, train, test, iteration: int,
                        weights, bias: float) -> None:
        if run_id != self._run_id:
            return  # a stale batch from an earlier run
        self.error_plot.append(iterations, train, test)
        self._latest_neuron = (weights, bias)
        done = iteration - self._run_first_iteration
        self.progress.setValue(int(1000 * done / max(1, self._run_total)))
        elapsed = time.perf_counter() - self._run_started
        rate = done / elapsed if elapsed > 0 else 0.0
        error = f"error {train[-1]:.6g}" if len(train) else ""
        self.status_label.setText(
            f"iteration {iteration:,} / {self._run_first_iteration + self._run_total:,}   "
            f"{error}   {rate:,.0f} it/s   {elapsed:.1f} s"
        )

    @Slot(int, str)
    def _on_run_finished(self, run_id: int, reason: str) -> None:
        if run_id != self._run_id:
            return
        self._running = False
        self._redraw.stop()
        self.error_plot.refresh()
        training = self._training
        self._latest_neuron = None
        self._show_neuron(training)
        if reason == "finished":
            self.progress.setValue(1000)
            self.show_message(f"Finished {training.iteration:,} iterations.")
        elif reason == "stopped":
            self.show_message(f"Stopped at iteration {training.iteration:,}.")
        else:
            self.show_message(reason[:1].upper() + reason[1:], error=True)
        self._describe_model()
        self._update_buttons()
        self.training_finished.emit()

    # -- helpers -------------------------------------------------------------------------
    @Slot()
    def _redraw_plots(self) -> None:
        self.error_plot.refresh()
        if self._latest_neuron is not None:
            weights, bias = self._latest_neuron
            self._latest_neuron = None
            for view in (self.boundary_plot, self.table_model, self.predict_panel):
                view.set_neuron(weights, bias)
        self._redraw.setInterval(self.error_plot.redraw_interval_ms())

    def _describe_model(self) -> None:
        training = self._training
        if training is None:
            self.model_label.clear()
            return
        weights = ", ".join(f"{w:.4g}" for w in training.weights)
        train_acc, test_acc = training.accuracy()
        text = f"Weights [{weights}], bias {training.bias:.4g}"
        if train_acc is not None:
            text += f"\nAccuracy on training rows: {train_acc:.0%}"
        if test_acc is not None:
            text += f", on held-out rows: {test_acc:.0%}"
        self.model_label.setText(text)

    def _update_buttons(self) -> None:
        idle = not self._running
        has_model = self._training is not None
        self.train_button.setEnabled(idle)
        self.stop_button.setEnabled(self._running)
        self.continue_button.setEnabled(idle and has_model and not self._training.failed)
        self.reset_button.setEnabled(idle and has_model)

    def show_message(self, text: str, error: bool = False) -> None:
        self.statusBar().showMessage(text)
        self.statusBar().setStyleSheet("color: #b00020;" if error else "")

    @Slot(str)
    def _show_refusal(self, text: str) -> None:
        self.show_message(text, error=True)

    def _show_neuron(self, training: Training | None) -> None:
        weights = None if training is None else training.weights
        bias = 0.0 if training is None else training.bias
        for view in (self.boundary_plot, self.table_model, self.predict_panel):
            view.set_neuron(weights, bias)

    # -- the data ---------------------------------------------------------------------------
    @Slot()
    def _data_changed(self) -> None:
        """The table, or the share held out, changed: redraw the data where it is shown."""
        model = self.table_model
        _, test_rows = split_rows(model.rowCount(), self.test_fraction_spin.value(),
                                  self.seed_spin.value())
        mask = np.zeros(model.rowCount(), dtype=bool)
        mask[test_rows] = True
        model.set_held_out(mask)
        self.boundary_panel.set_data(model.values, model.names, mask)

    @Slot()
    def _dataset_replaced(self) -> None:
        names = self.table_model.names[:-1]
        self.boundary_panel.set_columns(names)
        self.predict_panel.set_features(names, column_means(self.table_model.values[:, :-1]))
        self._data_changed()
        self._show_neuron(self._training if self._training is not None
                          and len(self._training.weights) == len(names) else None)

    def load_example(self, example: Example) -> None:
        """Replace the table with an example data set (undoable)."""
        try:
            dataset = read_csv(example.path)
        except DataError as exc:
            self.show_message(f"Cannot load the example: {exc}", error=True)
            return
        self.table_model.set_dataset(dataset, text=f"Load {example.title}")
        self.show_message(f"{example.title}: {example.teaches}.")

    @Slot(float, float, float)
    def add_point(self, x: float, y: float, target: float) -> None:
        """A row at (x, y) on the boundary plot's plane, other features at their mean."""
        plane = self.boundary_plot.plane
        if plane is None:
            return
        values = np.append(np.asarray(plane.held, dtype=np.float64), target)
        values[plane.x_column] = x
        if plane.y_column is not None:
            values[plane.y_column] = y
        row = self.table_model.insert_row(values, text=f"Add a point of class {int(target)}")
        self.show_message(f"Added row {row + 1} (class {int(target)}); Ctrl+Z takes it back.")

    @Slot(int)
    def delete_row(self, row: int) -> None:
        if self.table_model.rowCount() <= 1:
            self.show_message("The table must keep at least one row.", error=True)
            return
        self.table_model.remove_rows([row])
        self.show_message(f"Deleted row {row + 1}; Ctrl+Z brings it back.")

    # -- closing -------------------------------------------------------------------------
    def shutdown(self) -> None:
        """Stop any run and wait for the worker thread to end."""
        self._run_id += 1  # whatever still arrives is stale
        self._worker.request_stop()
        self._thread.quit()
        self._thread.wait()

    def has_unsaved_edits(self) -> bool:
        return not self.table_model.undo_stack.isClean()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt)
        if self.has_unsaved_edits() and not self.file_actions.confirm_discard():
            event.ignore()
            return
        self._save_settings()
        self.shutdown()
        super().closeEvent(event)

    # -- settings ---------------------------------------------------------------------------
    _PARAMETERS = (("alpha", "alpha_spin", float), ("iterations", "iterations_spin", int),
                   ("seed", "seed_spin", int), ("every", "every_spin", int),
                   ("test_fraction", "test_fraction_spin", float))

    def _restore_settings(self) -> None:
        stored = settings.open_settings()
        geometry = stored.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = stored.value("window/state")
        if state is not None:
            self.restoreState(state)
        for key, name, kind in self._PARAMETERS:
            value = stored.value(f"parameters/{key}")
            if value is not None:
                try:
                    getattr(self, name).setValue(kind(value))
                except (TypeError, ValueError):
                    pass  # a hand-edited settings file: keep the default
        speed = stored.value("parameters/speed")
        if speed is not None and str(speed).isdigit() and int(speed) < self.speed_combo.count():
            self.speed_combo.setCurrentIndex(int(speed))

    def _save_settings(self) -> None:
        stored = settings.open_settings()
        stored.setValue("window/geometry", self.saveGeometry())
        stored.setValue("window/state", self.saveState())
        for key, name, _ in self._PARAMETERS:
            stored.setValue(f"parameters/{key}", getattr(self, name).value())
        stored.setValue("parameters/speed", self.speed_combo.currentIndex())
        stored.sync()

    # -- the document ------------------------------------------------------------------------
    @Slot()
    def update_title(self) -> None:
        self.setWindowTitle(f"{self.file_actions.document_name}[*] — Neuron Lab")
        self.setWindowModified(self.has_unsaved_edits())

    def is_running(self) -> bool:
        return self._running

    def training(self) -> Training | None:
        return self._training

    def current_session(self) -> Session:
        """The data, the parameters, the trained neuron and its error history."""
        history = None
        if self._training is not None:
            x, train = self.error_plot.points("train")
            _, test = self.error_plot.points("test")
            history = Checkpoints(x.astype(np.int64), train,
                                  test if self._training.has_test else None)
        return Session(self.table_model.dataset(), self.config(), self._training, history)

    def apply_session(self, session: Session) -> None:
        """Show a session: its data, parameters, neuron and error history."""
        c = session.config
        for key, name, _ in self._PARAMETERS:
            getattr(self, name).setValue(getattr(c, key))
        self._training = None
        self.table_model.set_dataset(session.dataset, text="Open session")
        self._training = session.training
        self.error_plot.clear_curves()
        if session.training is not None and session.history is not None:
            h = session.history
            self.error_plot.expect_until(max(session.training.iteration, 1))
            self.error_plot.append(h.iteration, h.train_error,
                                   h.test_error if h.test_error is not None else np.empty(0))
            self.error_plot.refresh()
        self._show_neuron(self._training)
        self._describe_model()
        self._update_buttons()

    # -- drag and drop ------------------------------------------------------------------------
    def dragEnterEvent(self, event) -> None:  # noqa: N802 (Qt)
        if any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802 (Qt)
        files = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        if files:
            event.acceptProposedAction()
            self.file_actions.open_path(files[0])

    # -- the clipboard ------------------------------------------------------------------------
    @Slot()
    def copy_cells(self) -> None:
        indexes = [self.data_panel.proxy.mapToSource(i)
                   for i in self.table.selectionModel().selectedIndexes()]
        if not indexes:
            self.show_message("Select cells to copy first.", error=True)
            return
        rows = sorted({i.row() for i in indexes})
        columns = sorted({i.column() for i in indexes})
        QApplication.clipboard().setText(self.table_model.copy_block(rows, columns))
        self.show_message(f"Copied {len(rows)} × {len(columns)} cells.")

    @Slot()
    def paste_cells(self) -> None:
        current = self.data_panel.proxy.mapToSource(self.table.currentIndex())
        top = current.row() if current.isValid() else self.table_model.rowCount()
        left = current.column() if current.isValid() else 0
        try:
            rows, columns = self.table_model.paste_block(top, left, QApplication.clipboard().text())
        except DataError as exc:
            self.show_message(f"Cannot paste: {exc}. Nothing was changed.", error=True)
            return
        self.show_message(f"Pasted {rows} × {columns} cells; Ctrl+Z takes them back.")
