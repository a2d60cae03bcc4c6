"""The main window: builds the panels and wires them to the document and the runs.

Who owns what: the :class:`model.document.Document` owns the table, the parameters, the
current run (its state and history) and the file; the undo stack owns the edit history
(and so whether there are unsaved edits); the :class:`RunController` owns the training
thread and which run is current.  Everything else here only shows what those hold.
"""
from __future__ import annotations

import functools

import numpy as np
from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent, QGuiApplication, QIcon, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QMainWindow,
    QProgressBar,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from model import DataError, note_table, read_csv
from model.document import Document
from resources import ICON, Example

from . import menus, settings
from .data_panel import DataPanel
from .edit_history import EditHistory
from .file_actions import FileActions
from .first_paint import AfterFirstPaint
from .parameters import MAX_SPEED, ParametersBox  # noqa: F401 (MAX_SPEED: public name)
from .predict_panel import PredictPanel
from .run_controller import RunController
from .sweep import SweepController, SweepDialog
from .status_bar import StatusBar
from .table_model import DatasetTableModel
from .views import TableViews, show_run_buttons
from .worker import TRACE_PACE

#: The main splitter's first sizes: room for the table's five columns at 1,200 px wide.
MAIN_SIZES = [600, 800]

#: What a person does to the window: with ``plots_later``, any of these arriving before the
#: plots are built builds them first.
_INPUT = frozenset({QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick,
                    QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride, QEvent.Type.Shortcut,
                    QEvent.Type.Wheel, QEvent.Type.ContextMenu, QEvent.Type.DragEnter,
                    QEvent.Type.Drop})


def _with_plots(method):
    """What needs the plots' half of the window builds it first, if it is still to come."""
    @functools.wraps(method)
    def with_plots(self, *args, **kwargs):
        self.build_plots()
        return method(self, *args, **kwargs)

    return with_plots


class MainWindow(QMainWindow):
    """Neuron Lab's window, with the reference note's table loaded.

    ``plots_later`` (how ``python main.py`` opens it): the window is shown with its table,
    controls and menus first, and the plots' half (pyqtgraph, the plots and what draws
    them) is built on the turn after that first paint, or at once if something is asked of
    the window before then.  Importing pyqtgraph and building the plots cost about as much
    as all the rest of the window (590 million instructions of 1,284 million over a bare
    window, the 2-core Intel Xeon development machine), so the window is on the screen
    0.3 s sooner there, and whole about 20 ms later (counted).  Without it, ``MainWindow()``
    is whole when made."""

    #: Emitted once when a run ends, completed or stopped, after the plot holds all of it.
    training_finished = Signal()
    #: Emitted once, on the turn after the whole window, plots included, is first painted.
    completed = Signal()

    def __init__(self, plots_later: bool = False) -> None:
        super().__init__()
        self.resize(_first_size())
        self.setAcceptDrops(True)
        self.setWindowIcon(QIcon(str(ICON)))
        self.document = Document(note_table())
        self.undo_stack = EditHistory(self)
        self.table_model = DatasetTableModel(self.document, self.undo_stack, self)
        self.runs = RunController(self.document, self)
        self.sweeps = SweepController(self.document, self)
        self._plots_built = self._completed = False
        self._painted = False  # (known with plots_later: set at the first paint)
        self._input_watch: _BuildOnInput | None = None
        self._build_controls()
        self.file_actions = FileActions(self, self.document, self.table_model, self.runs,
                                        {"Error plot": lambda: self.plots_part("error_plot"),
                                         "Boundary plot": lambda: self.plots_part("boundary_plot")},
                                        self.parameters.cannot_show)
        self.file_actions.build_menu(self.menuBar().addMenu("&File"))
        menus.build(self)
        self._connect()
        stored = settings.open_settings()
        if stored.value("window/geometry") is not None:
            self.restoreGeometry(stored.value("window/geometry"))
            self.resize(self.size().boundedTo(_first_size(1.0)))  # a smaller screen now
        if stored.value("window/splitter") is not None:
            self.main_splitter.restoreState(stored.value("window/splitter"))
        self.parameters.restore(stored)
        self.document.set_config(self.parameters.config())
        self.table_views = TableViews(self.document, self.table_model, self.predict_panel,
                                      self.parameters, self._update_run_buttons, self)
        self.table_views.refresh()
        self.update_title()
        self.show_message("Ready. Press Train (Ctrl+Return) to train the neuron on the table.")
        self.completed.connect(self.runs.window_shown)  # then the kernel loads, off this thread
        if plots_later:
            AfterFirstPaint(self, self._build_plots_if_open, at_paint=self._first_painted)
        else:
            self.build_plots()

    def _first_painted(self) -> None:
        # From the first paint on, a person's input builds the plots before it is handled.
        self._painted = True
        if not self._plots_built:
            self._input_watch = _BuildOnInput(self)

    @Slot()
    def _build_plots_if_open(self) -> None:
        if self.isVisible():  # not for a window closed at once: it would only wait
            self.build_plots()

    def _build_controls(self) -> None:
        """The left half (the parameters, Ask the neuron, the table), the status bar, and a
        place for the plots."""
        self.data_panel = DataPanel(self.table_model)
        self.table = self.data_panel.table
        self.message_strip = self.data_panel.message_strip
        self.add_row_button = self.data_panel.add_row_button
        self.delete_rows_button = self.data_panel.delete_rows_button
        self.parameters = ParametersBox()
        for name in ("alpha_spin", "iterations_spin", "seed_spin", "every_spin",
                     "test_fraction_spin", "speed_combo", "train_button", "stop_button",
                     "continue_button", "reset_button", "model_label"):
            setattr(self, name, getattr(self.parameters, name))
        self.predict_panel = PredictPanel()
        # The parameters and the predict box scroll when the window is too small for them,
        # so that the table keeps a few rows in sight.
        controls = QWidget()
        controls_layout = QVBoxLayout(controls)
        controls_layout.setContentsMargins(0, 0, 0, 0)
        controls_layout.addWidget(self.parameters)
        controls_layout.addWidget(self.predict_panel)
        self.controls_scroll = _FittingScrollArea()
        self.controls_scroll.setWidget(controls)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.controls_scroll)
        left_layout.addWidget(self.data_panel, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.main_splitter = splitter
        splitter.addWidget(left)
        splitter.addWidget(QWidget(objectName="plotsToCome"))  # build_plots puts them here
        # Both sides give and take width as the window changes size (the left a little less).
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes(MAIN_SIZES)
        self.setCentralWidget(splitter)
        # Shown only while a run goes.
        self.progress = QProgressBar(maximumWidth=200, maximum=1000, textVisible=False, visible=False)
        self.setStatusBar(StatusBar())
        self.status_label = self.statusBar().counter
        self.statusBar().addPermanentWidget(self.progress)

    def build_plots(self) -> None:
        """The plots' half of the window and what keeps it drawn (once; at once when made
        without ``plots_later``)."""
        if self._plots_built:
            return
        self._plots_built = True  # once, even if it fails: not a second half-built copy
        if self._input_watch is not None:
            self._input_watch.stop()
            self._input_watch = None
        try:
            self._build_plots()
        except Exception as error:
            # Built later than the rest of the window, a failure would otherwise only be
            # written where a person does not look; the collector must come back on too.
            self.show_message(f"The plots could not be made ({type(error).__name__}: "
                              f"{error}). Please report this.", True)
            self._complete()
            raise

    def _build_plots(self) -> None:
        from .boundary_plot import BoundaryPanel
        from .error_plot import ErrorPanel
        from .landscape_plot import LandscapePanel
        from .rewind import RewindCursor
        from .run_curves import RunCurves
        from .runs_panel import RunsPanel
        from .sigmoid_plot import SigmoidPlot
        from .step_panel import StepPanel
        from .views import RunViews, StepViews

        self.boundary_panel = BoundaryPanel()
        self.boundary_plot = self.boundary_panel.plot
        self.error_panel = ErrorPanel()
        self.error_plot = self.error_panel.plot
        # One step at a time: the worked step in a tab of its own over the error curve (Step
        # shows it; Train shows the curve again), every row on the sigmoid beside the boundary.
        self.step_panel = StepPanel()
        self.step_button = self.step_panel.step_button
        self.sigmoid_plot = SigmoidPlot()
        self.plot_tabs = QTabWidget(objectName="plotTabs")
        self.runs_panel = RunsPanel(self.document)
        self.runs_table = self.runs_panel.table
        curve_split = QSplitter(Qt.Orientation.Vertical)
        curve_split.addWidget(self.error_panel)
        curve_split.addWidget(self.runs_panel)
        curve_split.setStretchFactor(0, 3)
        curve_split.setStretchFactor(1, 1)
        curve_split.setSizes([250, 170])
        self.curve_splitter = curve_split
        self.plot_tabs.addTab(curve_split, "Error &curve")
        self.plot_tabs.addTab(self.step_panel, "&One step")
        self.landscape_panel = LandscapePanel(self.document)
        self.landscape_plot = self.landscape_panel.plot
        self.plot_tabs.addTab(self.landscape_panel, "&Weight space")
        self.plot_tabs.setTabToolTip(2, "The error over two parameters, and the path the "
                                        "training took on it")
        self.plot_tabs.setTabToolTip(0, "The error over all rows at every checkpoint. Click the "
                                        "curve to rewind to a checkpoint (← → move, Esc comes "
                                        "back); Continue from there branches a new run.")
        self.plot_tabs.setTabToolTip(1, "One step of learning with all its numbers (Step: F10)")
        pictures = QSplitter(Qt.Orientation.Horizontal)
        pictures.addWidget(self.boundary_panel)
        pictures.addWidget(self.sigmoid_plot)
        # It gives way in a small window (a plot's own size hint is generous; so does the
        # final-error plot, in gui/runs_panel.py).
        self.sigmoid_plot.setMinimumSize(120, 120)
        pictures.setStretchFactor(0, 3)
        pictures.setStretchFactor(1, 2)
        pictures.setSizes([480, 320])
        self.picture_splitter = pictures
        plots = QSplitter(Qt.Orientation.Vertical)
        plots.addWidget(self.plot_tabs)
        plots.addWidget(pictures)
        plots.setSizes([420, 400])
        self.plot_splitter = plots
        stored = settings.open_settings()
        for key, splitter in self._splitters()[1:]:
            if stored.value(key) is not None:
                splitter.restoreState(stored.value(key))
        # In the place kept for them, at the same size: on the screen, the table does not
        # move when they come.  (A splitter keeps a side's stretch in its widget's policy.)
        self.main_splitter.replaceWidget(1, plots).deleteLater()
        self.main_splitter.setStretchFactor(1, 3)
        # and its sizes set again, with the plots' own least size (a side left collapsed
        # stays collapsed)
        if stored.value("window/splitter") is not None:
            self.main_splitter.restoreState(stored.value("window/splitter"))
        else:
            self.main_splitter.setSizes(MAIN_SIZES)
        self.run_views = RunViews(self.document, self.runs, self.error_plot,
                                  (self.boundary_plot, self.table_model, self.predict_panel,
                                   self.sigmoid_plot),
                                  self.parameters, self._update_run_buttons, self)
        self.run_curves = RunCurves(self.document, self.error_plot, self)
        self.rewind_cursor = RewindCursor(self.document, self.error_plot, self)
        self.runs_panel.can_show = lambda: ("Wait for the training to end (or press Stop)."
                                            if self.is_running() else None)
        self.step_views = StepViews(self.document, self.step_panel, self.table_model,
                                    self.boundary_panel, self.sigmoid_plot, self)
        self.step_views.table_view = self.table
        self._connect_plots()
        self.table_views.attach_plots(self.run_views, self.boundary_panel, self.sigmoid_plot)
        self.run_views.run_changed()
        self._training_changed()
        if self._painted:
            # Painted now rather than on a later turn: the moment the window is complete.
            QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
            plots.repaint()
            QTimer.singleShot(0, self._complete)
        else:  # (shown, perhaps, but not painted yet)
            AfterFirstPaint(self, self._complete)

    @Slot()
    def _complete(self) -> None:
        if not self._completed:
            self._completed = True
            self.completed.emit()

    def plots_part(self, name: str) -> QWidget:
        """The window's widget ``name`` (an attribute's name), the plots' half built first
        if it is still to come."""
        self.build_plots()
        return getattr(self, name)

    def show_panel(self, name: str, shown: bool) -> None:
        """View's entries: show or hide the panel ``name`` (an attribute's name)."""
        self.plots_part(name).setVisible(shown)

    def is_complete(self) -> bool:
        """Whether the whole window, plots included, has been painted (``completed``)."""
        return self._completed

    def _connect(self) -> None:
        """What the left half, the menus and the status bar answer to."""
        doc = self.document
        doc.file_changed.connect(self.update_title)
        self.parameters.changed.connect(lambda: doc.set_config(self.parameters.config()))
        self.parameters.clamped.connect(lambda text: self.show_message(text, True))
        self.train_button.clicked.connect(self.train)
        self.stop_button.clicked.connect(self.stop)
        self.continue_button.clicked.connect(self.continue_training)
        self.reset_button.clicked.connect(self.reset)
        self.sweeps.message.connect(self.show_message)
        self.sweeps.running_changed.connect(self._sweep_running)
        self.runs.status.connect(self.status_label.setText)
        # The counter describes the run shown (none after Reset, or when put away with the
        # table it belonged to), and the checkpoint rewound to.
        doc.run_changed.connect(self._describe_shown)
        doc.shown_changed.connect(self._describe_shown)
        self.runs.message.connect(self.show_message)
        self.runs.fraction.connect(lambda f: self.progress.setValue(int(1000 * f)))
        self.runs.running_changed.connect(self.progress.setVisible)
        self.table_model.edit_refused.connect(lambda text: self.show_message(text, True))
        # An error stays above the table until the next edit or a later action succeeds.
        doc.table_changed.connect(lambda change: self.message_strip.clear())
        self.runs.running_changed.connect(lambda running: running and self.message_strip.clear())
        self.message_strip.dismissed.connect(self.table_model.clear_refusal)
        self.data_panel.message.connect(self.show_message)
        self.file_actions.message.connect(self._file_message)
        self.undo_stack.cleanChanged.connect(self.update_title)
        self.undo_stack.trimmed.connect(self.show_message)
        # The keypad's Enter as well as Return (the menu's shortcut takes Return).
        QShortcut(QKeySequence("Ctrl+Enter"), self, activated=self.train)

    def _connect_plots(self) -> None:
        """What the plots and the views that draw them answer to."""
        self.run_views.message.connect(self.show_message)
        self.run_views.finished.connect(self.run_curves.fit_x)
        self.runs.running_changed.connect(self.run_curves.set_training)
        # Every view shows the run's end before training_finished is announced (the step
        # views otherwise redraw on the next turn of the event loop).
        self.run_views.finished.connect(self.step_views.refresh)
        self.run_views.finished.connect(self.training_finished)
        self.step_panel.step_requested.connect(self.step)
        self.runs_panel.message.connect(self.show_message)
        self.rewind_cursor.message.connect(self.show_message)
        self.landscape_panel.message.connect(self.show_message)
        self.landscape_panel.start_requested.connect(self.start_from)
        self.runs_panel.sweep_requested.connect(self.open_sweep_dialog)
        self.runs_panel.bands_toggled.connect(self.run_curves.set_bands)
        self.sweeps.grew.connect(self.run_curves.mark_changed)
        self.sweeps.ended.connect(self.run_curves.fit_x)
        self.sweeps.ended.connect(self.training_finished)
        self.step_panel.message.connect(self.show_message)
        # What waits while anything trains, a run or a sweep alike: one place decides it.
        self.runs.running_changed.connect(self._training_changed)
        self.sweeps.running_changed.connect(self._training_changed)
        # A run that ended (or was stopped early) is shown whole: the axis ends at its data.
        self.runs.ended.connect(lambda end: self.error_plot.fit())
        self.boundary_plot.add_point_requested.connect(self.add_point)
        self.boundary_plot.delete_row_requested.connect(self.delete_row)

    # -- actions ---------------------------------------------------------------------------
    @Slot()
    @_with_plots
    def train(self) -> None:
        """A fresh, seeded run on a copy of the table as it is now."""
        if self.is_running():
            return
        self._show_tab_for_pace()
        self.runs.train(self.parameters.pace())

    @Slot(bool)
    @_with_plots
    def step(self, to_checkpoint: bool = False) -> None:
        """One iteration with every number shown (or the iterations to the next checkpoint,
        the last one shown); the first after Reset, or before any run, starts a fresh model."""
        if self.is_running():
            return
        self.plot_tabs.setCurrentIndex(1)
        self.runs.step(to_checkpoint)

    def _show_tab_for_pace(self) -> None:
        # At the slow-motion pace the step panel follows the run; else the curve matters.
        slow = 0 < self.parameters.pace() <= TRACE_PACE
        self.plot_tabs.setCurrentIndex(1 if slow else 0)

    @Slot()
    @_with_plots
    def continue_training(self) -> None:
        """More iterations of the current run, on the same random stream."""
        if self.is_running():
            return
        self._show_tab_for_pace()
        self.runs.continue_run(self.iterations_spin.value(), self.parameters.pace())

    @Slot()
    @_with_plots
    def stop(self) -> None:
        """Stop the run or the sweep (Esc); with nothing running, Esc ends a rewind."""
        if not self.is_running() and self.document.rewound is not None:
            self.rewind_cursor.rewind_to(None)
            return
        self.runs.stop()
        self.sweeps.stop()

    @_with_plots
    def start_sweep(self, alphas, seeds, jobs: int | None = None) -> str | None:
        """Train every learning rate in ``alphas`` with every seed in ``seeds`` (the other
        parameters as set), in parallel, as "Train several…" does; each run is kept,
        numbered learning rate by learning rate, seed by seed.  Returns why it could not
        start (None when it started); ``training_finished`` is emitted once at the end."""
        if self.runs.running:
            return self._refuse("Wait for the run to end (or press Stop) first.")
        self.plot_tabs.setCurrentIndex(0)
        return self.sweeps.start(alphas, seeds, jobs)

    @Slot()
    @_with_plots
    def open_sweep_dialog(self) -> None:
        if self.is_running():
            self._refuse("Wait for the training to end (or press Stop) first.")
            return
        dialog = SweepDialog(self.iterations_spin.value(), self)
        if dialog.exec() and (values := dialog.values()) is not None:
            self.start_sweep(*values, jobs=dialog.jobs_spin.value())

    def _describe_shown(self) -> None:
        if self.runs.running:
            return  # the run's own counter
        run = self.document.run
        if run is None:
            self.status_label.clear()
            return
        kept = self.document.runs.get(run.number)
        name = f"{kept.label}: " if kept is not None else ""
        history, at = run.history, self.document.rewound
        if at is not None:
            self.status_label.setText(f"{name}rewound to iteration {int(history.iteration[at]):,} "
                                      f"of {run.state.iteration:,}   error "
                                      f"{history.train_error[at]:.6g}")
        elif len(history):
            self.status_label.setText(f"{name}iteration {run.state.iteration:,}   error "
                                      f"{history.train_error[-1]:.6g} at "
                                      f"{int(history.iteration[-1]):,}")
        else:
            self.status_label.setText(f"{name}iteration {run.state.iteration:,}")

    def _refuse(self, text: str) -> str:
        self.show_message(text, True)
        return text

    def _update_run_buttons(self) -> None:
        show_run_buttons(self.parameters, self.document, self.runs, self.sweeps.running)

    @Slot(bool)
    def _sweep_running(self, running: bool) -> None:
        self._update_run_buttons()
        self.progress.setVisible(False)

    def _training_changed(self) -> None:
        """Stepping, checkpoints, rewinding and a new sweep wait while a run or a sweep
        trains."""
        idle = not self.is_running()
        self.step_button.setEnabled(idle)
        self.step_panel.checkpoint_button.setEnabled(idle)
        self.runs_panel.sweep_button.setEnabled(idle)
        self.rewind_cursor.set_enabled(idle)

    @Slot()
    @_with_plots
    def reset(self) -> None:
        if not self.runs.running:
            self.runs.forget()
            self.progress.setValue(0)
            self.status_label.clear()
            self.show_message("Reset: press Train to start again.")

    def show_message(self, text: str, error: bool = False) -> None:
        """``text`` in the status bar; an error also in the strip above the table, where it
        stays (a menu hover does not wipe it) until it no longer applies or is dismissed."""
        self.statusBar().showMessage(text)
        if error:
            self.message_strip.show_error(text)

    @Slot(str, bool)
    def _file_message(self, text: str, error: bool) -> None:
        if not error:
            self.message_strip.clear()  # a file action succeeded: an older file error is past
        self.show_message(text, error)

    @_with_plots
    def rewind_to(self, iteration: int | None) -> str | None:
        """Show the model of the current run's checkpoint at ``iteration`` everywhere (the
        boundary, the table's columns, Ask the neuron, the landscape, the sigmoid view, the
        weights line); None comes back to the run as it is now.  Returns why it cannot."""
        if self.is_running():
            return self._refuse("Rewinding waits for the run to end (or Stop).")
        reason = self.document.rewind_to(iteration)
        if reason:
            self.show_message(reason, True)
        return reason

    @Slot(object)
    @_with_plots
    def start_from(self, params) -> str | None:
        """A new run starting from the weights and bias ``params`` (a click on the
        landscape); Continue trains it."""
        if self.is_running():
            return self._refuse("Wait for the run to end (or press Stop) first.")
        reason = self.document.start_from(params)
        if reason:
            return self._refuse(reason)
        kept = self.document.runs.get(self.document.run.number)
        self.show_message(f"{kept.label}: the neuron starts at the point clicked; Continue "
                          "trains it from there (Train starts from the seed again).")
        return None

    def shown_parameters(self) -> tuple[np.ndarray, float] | None:
        """The weights and the bias of the model shown (a rewound checkpoint's, or the
        run's latest); None without a run."""
        return self.document.shown_parameters()

    @_with_plots
    def open_file(self, path: str) -> bool:
        """Open a data file or a session, as File > Open does, without a dialog (a data
        file's target is its last column, the one File > Open offers first)."""
        return self.file_actions.open_path(str(path), ask=False)

    @_with_plots
    def save_session_to(self, path: str) -> bool:
        """Save the session as File > Save session does (during a run too)."""
        return self.file_actions.write_session(path)

    # -- the data ------------------------------------------------------------------------------
    @_with_plots
    def load_example(self, example: Example) -> None:
        """Replace the table with an example data set (undoable)."""
        try:
            dataset = read_csv(example.path)
        except DataError as exc:
            self.show_message(f"Cannot load the example: {exc}", error=True)
            return
        self.table_model.set_dataset(dataset, text=f"Load {example.title}",
                                     file_name=example.title)
        self.undo_stack.mark_saved()  # the table is the example's, nothing is edited yet
        self.show_message(f"{example.title}: {example.teaches}.")

    @Slot(float, float, float)
    @_with_plots
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

    # -- the document's file and closing ---------------------------------------------------------
    @Slot()
    def update_title(self) -> None:
        self.setWindowTitle(f"{self.document.name}[*] — Neuron Lab")
        self.setWindowModified(self.has_unsaved_edits())

    def has_unsaved_edits(self) -> bool:
        return self.undo_stack.has_unsaved_edits()

    def is_running(self) -> bool:
        return self.runs.running or self.sweeps.running

    def shutdown(self) -> None:
        """Stop any run and wait for the worker threads to end."""
        self.runs.shutdown()
        self.sweeps.shutdown()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt)
        if self.has_unsaved_edits() and not self.file_actions.confirm_discard():
            event.ignore()
            return
        stored = settings.open_settings()
        stored.setValue("window/geometry", self.saveGeometry())
        for key, splitter in self._splitters():
            stored.setValue(key, splitter.saveState())
        self.parameters.save(stored)
        stored.sync()
        self.shutdown()
        super().closeEvent(event)

    def _splitters(self) -> list:
        """The splitters whose places are kept, by their settings' keys (the plots' two
        once they are built)."""
        kept = [("window/splitter", self.main_splitter)]
        if self._plots_built:
            kept += [("window/plots", self.plot_splitter), ("window/pictures", self.picture_splitter)]
        return kept

    def dragEnterEvent(self, event) -> None:  # noqa: N802 (Qt)
        if any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802 (Qt)
        files = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        if files:
            event.acceptProposedAction()
            self.file_actions.open_path(files[0])


def _first_size(share: float = 0.94) -> QSize:
    """1400 × 820, or less on a smaller screen: ``share`` of the room the desktop leaves."""
    screen = QGuiApplication.primaryScreen()
    if screen is None:
        return QSize(1400, 820)
    room = screen.availableGeometry().size()
    return QSize(min(1400, int(room.width() * share)), min(820, int(room.height() * share)))


class _FittingScrollArea(QScrollArea):
    """A scroll area that asks for all of its contents' height (Qt's asks for at most
    24 lines), so it scrolls only when the window is really too small."""

    def __init__(self) -> None:
        super().__init__(widgetResizable=True, frameShape=QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # The table below takes the extra height; this takes what its contents ask for.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)

    def setWidget(self, widget: QWidget) -> None:  # noqa: N802 (Qt)
        super().setWidget(widget)
        widget.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt)
        # The contents grew or shrank (a feature added to the predict box): a scroll area
        # does not pass that on by itself, so the panel would keep the old height.
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()
        return super().eventFilter(watched, event)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt)
        inner = self.widget().sizeHint() if self.widget() is not None else QSize()
        return QSize(inner.width() + self.verticalScrollBar().sizeHint().width(), inner.height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt)
        inner = self.widget().minimumSizeHint() if self.widget() is not None else QSize()
        return QSize(inner.width() + self.verticalScrollBar().sizeHint().width(), 80)


class _BuildOnInput(QObject):
    """Builds the window's plots when a person's input arrives, before the input is handled
    (watching every event of the program, until stopped)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        QApplication.instance().installEventFilter(self)

    def stop(self) -> None:
        QApplication.instance().removeEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt's name)
        if event.type() in _INPUT:
            self._window.build_plots()  # it stops this
        return False
