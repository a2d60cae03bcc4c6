"""What draws the document: the run's views and the table's views, kept up to date.

:class:`RunViews` follows the current run: it appends each batch of checkpoints to the
error plot, redraws the plots and the neuron's predictions at most ~30 times a second
during a run, and describes the neuron when the run ends.  :class:`TableViews` redraws
what shows the table (held-out rows, the boundary plot's points, the features of the
predict panel) once per turn of the event loop, however many edits came in that turn.
Neither keeps any state of the document's: they read it when they draw.
"""
from __future__ import annotations

import time

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from model.dataset import column_means
from model.document import Change, Document

from .boundary_plot import BoundaryPanel
from .error_plot import ErrorPlot
from .parameters import ParametersBox
from .predict_panel import PredictPanel
from .run_controller import RunController
from .table_model import DatasetTableModel
from .worker import RunEnd, RunEnded


def _how_long(seconds: float | None) -> str:
    """A word on how long a paced run takes, when that is more than a couple of minutes."""
    if seconds is None or seconds <= 120:
        return ""
    minutes = seconds / 60
    span = f"{minutes / 60:,.1f} hours" if minutes >= 90 else f"{minutes:,.0f} minutes"
    return f" At this pace the run takes about {span}: Speed › Max goes as fast as it can."


class RunViews(QObject):
    """The error plot, the neuron's pictures and the run buttons, following the run."""

    #: a message for the status bar, and whether it is an error
    message = Signal(str, bool)
    #: the current run ended and every view shows all of it
    finished = Signal()

    def __init__(self, document: Document, runs: RunController, error_plot: ErrorPlot,
                 neuron_views: tuple, parameters: ParametersBox, parent=None) -> None:
        super().__init__(parent)
        self.document, self.runs, self.error_plot = document, runs, error_plot
        self.neuron_views, self.parameters = neuron_views, parameters
        self._neuron_dirty = False
        self._neuron_drawn = 0.0
        self._redraw = QTimer(self, interval=33, timeout=self._redraw_run)
        # The neuron's pictures are drawn half a frame after the curve, not with it: Qt
        # paints every widget marked since its last paint in one go, and the curve, the
        # boundary and the table in one paint held the GUI thread two to three times as long
        # as the curve alone (the longest pauses of the window during a run).
        self._neuron_timer = QTimer(self, singleShot=True, timeout=self._draw_neuron)
        document.run_changed.connect(self.run_changed)
        document.run_progressed.connect(self._progressed)
        runs.running_changed.connect(self._running_changed)
        runs.ended.connect(self._ended)

    @Slot(bool)
    def _running_changed(self, running: bool) -> None:
        self.update_buttons()
        if running:
            self.error_plot.expect_until(self.runs.planned_end())
            self._redraw.start()
            self.message.emit("Training…" + _how_long(self.runs.planned_seconds()), False)

    def _progressed(self, checkpoints) -> None:
        self.error_plot.mark_changed()
        self._neuron_dirty = True

    @Slot()
    def _redraw_run(self) -> None:
        self.error_plot.refresh()
        # The neuron's pictures (the boundary image, the table's predictions, the answer)
        # change less visibly than the curve: about ten times a second is enough.
        now = time.perf_counter()
        if self._neuron_dirty and now - self._neuron_drawn >= 0.1 and not self._neuron_timer.isActive():
            self._neuron_drawn = now
            self._neuron_timer.start(self._redraw.interval() // 2)
        self._redraw.setInterval(self.error_plot.redraw_interval_ms())

    @Slot()
    def _draw_neuron(self) -> None:
        if self.runs.running:  # once it has ended, _ended has drawn it
            self.show_neuron()

    @Slot(object)
    def _ended(self, end: RunEnded) -> None:
        self._redraw.stop()
        self._neuron_timer.stop()
        # A run stopped early fills the plot's width again, instead of its planned length.
        self.error_plot.expect_until(max(end.state.iteration, 1))
        self.error_plot.refresh()
        self.show_neuron()
        self.describe_model()
        done = end.state.iteration
        advice = f" {self.runs.advice}" if self.runs.advice else ""
        if end.how is RunEnd.FINISHED:
            self.message.emit(f"Finished {done:,} iterations.{advice}", False)
        elif end.how is RunEnd.STOPPED:
            self.message.emit(f"Stopped at iteration {done:,}.", False)
        else:
            self.message.emit(end.message[:1].upper() + end.message[1:], True)
        self.finished.emit()

    def run_changed(self) -> None:
        """A run started, was opened or forgotten: draw it from its history."""
        run = self.document.run
        if run is not None and len(run.history):
            self.error_plot.expect_until(max(run.state.iteration, 1))
        rows = None if run is None else (run.train_rows.size, run.test_rows.size)
        self.error_plot.show(None if run is None else run.history, rows)
        self.show_neuron()
        self.describe_model()
        self.update_buttons()

    def show_neuron(self) -> None:
        """The current run's neuron on the boundary plot, the table and the predict panel
        (none when it was trained on other columns than the table has now)."""
        self._neuron_dirty = False
        state = self.document.run.state if self.document.run_fits_table() else None
        for view in self.neuron_views:
            view.set_neuron(None if state is None else state.weights,
                            0.0 if state is None else state.bias)

    def describe_model(self) -> None:
        run, label = self.document.run, self.parameters.model_label
        if run is None:
            label.clear()
            return
        weights = ", ".join(f"{w:.4g}" for w in run.state.weights)
        train_acc, test_acc = run.accuracy()
        text = f"Weights [{weights}], bias {run.state.bias:.4g}"
        if train_acc is not None:
            text += f"\nAccuracy on training rows: {train_acc:.0%}"
        if test_acc is not None:
            text += f", on held-out rows: {test_acc:.0%}"
        label.setText(text)

    def update_buttons(self) -> None:
        p, idle, run = self.parameters, not self.runs.running, self.document.run
        p.train_button.setEnabled(idle)
        p.stop_button.setEnabled(not idle)
        why_not = self.runs.why_not_continue()
        p.continue_button.setEnabled(idle and why_not is None)
        p.continue_button.setToolTip(why_not or p.CONTINUE_TIP)
        p.reset_button.setEnabled(idle and run is not None)


class TableViews(QObject):
    """Redraws what shows the table once per event-loop turn after edits or new parameters."""

    def __init__(self, document: Document, table_model: DatasetTableModel,
                 boundary_panel: BoundaryPanel, predict_panel: PredictPanel,
                 parameters: ParametersBox, run_views: RunViews, parent=None) -> None:
        super().__init__(parent)
        self.document, self.table_model = document, table_model
        self.boundary_panel, self.predict_panel = boundary_panel, predict_panel
        self.parameters, self.run_views = parameters, run_views
        self._columns_changed = True
        self._timer = QTimer(self, interval=0, singleShot=True, timeout=self.refresh)
        document.table_changed.connect(self._table_changed)
        document.config_changed.connect(self._config_changed)

    def _table_changed(self, change: Change) -> None:
        self._columns_changed |= change.kind == "reset"
        self._timer.start()

    def _config_changed(self) -> None:
        self.parameters.set_config(self.document.config)
        self._timer.start()

    @Slot()
    def refresh(self) -> None:
        doc = self.document
        if self._columns_changed:
            self._columns_changed = False
            names = doc.names[:-1]
            self.boundary_panel.set_columns(names)
            self.predict_panel.set_features(names, column_means(doc.values[:, :-1]))
            self.run_views.show_neuron()
        mask = doc.held_out()
        self.table_model.set_held_out(mask)
        self.boundary_panel.set_data(doc.values, doc.names, mask)
        self.run_views.update_buttons()
