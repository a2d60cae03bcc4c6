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
from functools import partial
from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from model.dataset import column_means
from model.document import Change, Document

from .parameters import ParametersBox
from .predict_panel import PredictPanel
from .run_controller import RunController
from .table_model import DatasetTableModel
from .worker import RunEnd, RunEnded

if TYPE_CHECKING:  # the plots' modules (and pyqtgraph) are imported when the plots are built
    from .boundary_plot import BoundaryPanel
    from .error_plot import ErrorPlot
    from .sigmoid_plot import SigmoidPlot
    from .step_panel import StepPanel


#: During a run, the neuron's pictures are drawn one per turn of the event loop, this far apart.
STAGE_MS = 8
#: Above this many rows the accuracy is not measured on the window's thread during a run
#: (a pass over a million rows took 20 ms there, ten times a second), nor at every
#: checkpoint the rewinding passes through.
LIVE_ACCURACY_ROWS = 200_000
#: Milliseconds the rewinding must pause before a big table's accuracy is measured.
ACCURACY_PAUSE_MS = 150


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
                 neuron_views: tuple, parameters: ParametersBox,
                 update_buttons: Callable[[], None], parent=None) -> None:
        super().__init__(parent)
        self.document, self.runs, self.error_plot = document, runs, error_plot
        self.neuron_views, self.parameters = neuron_views, parameters
        #: the window's: Train, Stop, Continue and Reset as the run (and any sweep) allow
        self.update_buttons = update_buttons
        self._neuron_dirty = False
        self._neuron_drawn = 0.0
        self._redraw = QTimer(self, interval=33, timeout=self._redraw_run)
        # The neuron's pictures are drawn half a frame after the curve, not with it: Qt
        # paints every widget marked since its last paint in one go, and the curve, the
        # boundary and the table in one paint held the GUI thread two to three times as long
        # as the curve alone (the longest pauses of the window during a run).
        self._neuron_timer = QTimer(self, singleShot=True, timeout=self._draw_neuron)
        # And during a run each picture in a turn of its own (STAGE_MS apart), so that each
        # paint covers one of them: drawn together, the boundary, the table, the sigmoid
        # view and the labels made one paint of 10-15 ms right after the 5-15 ms of
        # updating them, the longest pauses left.  They all show the same model.
        self._stages: list = []
        self._stage_timer = QTimer(self, singleShot=True, interval=STAGE_MS,
                                   timeout=self._next_stage)
        # Rewound on a big table, the shown model's accuracy is measured once the rewinding
        # pauses (each measure is a pass over every row, 20-45 ms at a million rows on a
        # 2-core Intel Xeon, and the arrow keys step through checkpoints faster than that).
        self._accuracy_timer = QTimer(self, singleShot=True, interval=ACCURACY_PAUSE_MS,
                                      timeout=lambda: self.describe_model(measure=True))
        document.run_changed.connect(self.run_changed)
        document.run_progressed.connect(self._progressed)
        document.shown_changed.connect(self._shown_changed)
        runs.running_changed.connect(self._running_changed)
        runs.ended.connect(self._ended)

    def _shown_changed(self) -> None:
        self.show_neuron()
        self.describe_model()
        self.update_buttons()

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
            self._neuron_dirty = False
            # the weights line follows the run too
            self._stages = self._neuron_drawings() + [self.describe_model]
            self._next_stage()

    @Slot()
    def _next_stage(self) -> None:
        if not self.runs.running:  # once it has ended, _ended has drawn everything
            self._stages = []
            return
        if self._stages:
            self._stages.pop(0)()
        if self._stages:
            self._stage_timer.start()

    @Slot(object)
    def _ended(self, end: RunEnded) -> None:
        self._redraw.stop()
        self._neuron_timer.stop()
        self._stage_timer.stop()
        self._stages = []
        # A run stopped early fills the plot's width again, instead of its planned length.
        self.error_plot.expect_until(max(end.state.iteration, 1))
        self.error_plot.refresh()
        self.show_neuron()
        self.describe_model()
        done = end.state.iteration
        advice = f" {self.runs.advice}" if self.runs.advice else ""
        history = self.document.run.history if self.document.run is not None else None
        # The last checkpoint is usually before the last iteration: name both.
        last = (f" Last error {history.train_error[-1]:.6g}, at iteration "
                f"{int(history.iteration[-1]):,}." if history is not None and len(history) else "")
        step = self.document.step
        warnings = self.document.run.warnings() if self.document.run is not None else []
        if end.how is RunEnd.FINISHED and step is not None and step.iteration + 1 == done:
            self.message.emit(f"Step {done:,}: learned from row {step.row + 1}; its numbers are "
                              "in the One step tab. F10 takes the next.", False)
        elif warnings and end.how is not RunEnd.CRASHED:
            # A run that "finished" without learning must not look like a success.
            how = "Finished" if end.how is RunEnd.FINISHED else "Stopped at"
            self.message.emit(f"{how} {done:,} iterations, but the neuron stopped learning: "
                              f"{warnings[0]}", True)
        elif end.how is RunEnd.FINISHED:
            self.message.emit(f"Finished {done:,} iterations.{last}{advice}", False)
        elif end.how is RunEnd.STOPPED:
            self.message.emit(f"Stopped at iteration {done:,}.{last}", False)
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
        for draw in self._neuron_drawings():
            draw()

    def _neuron_drawings(self) -> list:
        """One call per neuron view, each showing the model shown now."""
        state = self.document.run.state if self.document.run_fits_table() else None
        # The model shown: the run's latest, or the checkpoint rewound to.
        weights, bias = self.document.shown_parameters() if state is not None else (None, 0.0)
        if state is not None and state.scaling is not None:
            # Trained on standardised inputs: the views stay in the data's units.
            return [partial(view.set_neuron, weights, bias, state.scaling)
                    for view in self.neuron_views]
        return [partial(view.set_neuron, weights, bias) for view in self.neuron_views]

    def describe_model(self, measure: bool = False) -> None:
        """The label under the parameters: the model shown, its accuracy, any warnings.
        ``measure``: the rewinding paused, measure a big table's accuracy now."""
        self._accuracy_timer.stop()
        run, label = self.document.run, self.parameters.model_label
        idle = not self.runs.running
        self.parameters.show_warnings(run.warnings() if run is not None and idle else [])
        if run is None:
            label.clear()
            return
        shown_w, shown_b = self.document.shown_parameters()
        weights = ", ".join(f"{w:.4g}" for w in shown_w)
        rewound = self.document.rewound_iteration()
        big = run.dataset.n_rows > LIVE_ACCURACY_ROWS
        later = idle and big and rewound is not None and not measure
        if (not idle and big) or later:
            # A pass over every row on the window's thread, ten times a second: too slow
            # for a big table during a run (the worker measures it when the run ends), or
            # at each checkpoint the rewinding passes through.
            train_acc = test_acc = None
        else:
            # The run's own model (not rewound): the accuracy measured at its end, if any.
            train_acc, test_acc = (run.accuracy() if rewound is None
                                   else run.accuracy(shown_w, shown_b))
        text = f"Weights [{weights}], bias {shown_b:.4g}"
        if rewound is not None:
            text = f"At iteration {rewound:,} (rewound): " + text
        if run.state.scaling is not None:
            text += " (on standardised features)"
        if train_acc is not None:
            text += f"\nAccuracy on training rows: {train_acc:.0%}"
        if test_acc is not None:
            text += f", on held-out rows: {test_acc:.0%}"
        if not idle and big:
            text += f"\nAccuracy: measured when the run ends ({run.dataset.n_rows:,} rows)"
        elif later:
            text += f"\nAccuracy: measuring ({run.dataset.n_rows:,} rows)…"
            self._accuracy_timer.start()
        label.setText(text)


def show_run_buttons(p: ParametersBox, document: Document, runs: RunController,
                     busy_elsewhere: bool) -> None:
    """Train, Stop, Continue and Reset, each enabled when it can do something now
    (``busy_elsewhere``: something else, a sweep, trains)."""
    idle = not runs.running and not busy_elsewhere
    p.train_button.setEnabled(idle)
    p.stop_button.setEnabled(not idle)
    why_not = runs.why_not_continue()
    p.continue_button.setEnabled(idle and why_not is None)
    p.continue_button.setToolTip(why_not or p.CONTINUE_TIP)
    p.reset_button.setEnabled(idle and document.run is not None)


class TableViews(QObject):
    """Redraws what shows the table once per event-loop turn after edits or new parameters:
    the table's held-out rows, Ask the neuron's features and the run buttons, and once the
    window's plots are built (``attach_plots``), the boundary plot and the sigmoid view."""

    def __init__(self, document: Document, table_model: DatasetTableModel,
                 predict_panel: PredictPanel, parameters: ParametersBox,
                 update_buttons: Callable[[], None], parent=None) -> None:
        super().__init__(parent)
        self.document, self.table_model = document, table_model
        self.predict_panel, self.parameters = predict_panel, parameters
        self.update_buttons = update_buttons
        self.boundary_panel: BoundaryPanel | None = None
        self.sigmoid_plot: SigmoidPlot | None = None
        self.run_views: RunViews | None = None
        self._columns_changed = True
        self._timer = QTimer(self, interval=0, singleShot=True, timeout=self.refresh)
        document.table_changed.connect(self._table_changed)
        document.config_changed.connect(self._config_changed)

    def attach_plots(self, run_views: RunViews, boundary_panel: BoundaryPanel,
                     sigmoid_plot: SigmoidPlot) -> None:
        """The window's plots are built: they show the table from now on, and now."""
        self.run_views, self.boundary_panel = run_views, boundary_panel
        self.sigmoid_plot = sigmoid_plot
        if not self._columns_changed:  # else refresh sets the columns everywhere
            boundary_panel.set_columns(self.document.names[:-1])
            run_views.show_neuron()
        self.refresh()

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
            if self.boundary_panel is not None:
                self.boundary_panel.set_columns(names)
            self.predict_panel.set_features(names, column_means(doc.values[:, :-1]))
            if self.run_views is not None:
                self.run_views.show_neuron()
        mask = doc.held_out()
        self.table_model.set_held_out(mask)
        if self.boundary_panel is not None:
            self.boundary_panel.set_data(doc.values, doc.names, mask)
        if self.sigmoid_plot is not None:
            self.sigmoid_plot.set_data(doc.values, mask)
        self.update_buttons()


class StepViews(QObject):
    """What shows the latest step: the step panel, the drawn row's highlight in the table,
    the boundary plot's ghost line, arrow and ring, and the sigmoid view's ring.  Redrawn
    once per event-loop turn after the run moved (a fast run has no step to show: they
    clear; a step, or a run at the slow-motion pace, fills them)."""

    def __init__(self, document: Document, step_panel: StepPanel, table_model: DatasetTableModel,
                 boundary_panel: BoundaryPanel, sigmoid_plot: SigmoidPlot, parent=None) -> None:
        super().__init__(parent)
        self.document, self.step_panel, self.table_model = document, step_panel, table_model
        self.boundary_panel, self.sigmoid_plot = boundary_panel, sigmoid_plot
        #: set by the window: the data table's view, to scroll the drawn row into sight
        self.table_view = None
        self._timer = QTimer(self, interval=0, singleShot=True, timeout=self.refresh)
        document.run_changed.connect(self._timer.start)
        # A run's progress changes these only when it brings a new step (a slow-motion
        # pace): a fast run's twenty batches a second would repaint them all for nothing.
        self._step = None
        document.run_progressed.connect(self._progressed)
        document.shown_changed.connect(self._timer.start)
        document.table_changed.connect(self._table_changed)
        # Shows the document as it is when made (the window's plots may come after a table
        # or a session was opened).
        step_panel.set_parameter_count(document.n_features)
        if document.run is not None:
            self._timer.start()

    def _progressed(self, checkpoints) -> None:
        if self.document.step is not self._step:
            self._timer.start()

    def _table_changed(self, change: Change) -> None:
        if change.kind == "reset":
            self.step_panel.set_parameter_count(self.document.n_features)
        self._timer.start()

    @Slot()
    def refresh(self) -> None:
        doc = self.document
        self._step = doc.step
        step = doc.step if doc.run_fits_table() and doc.rewound is None else None
        names = [] if doc.run is None else list(doc.run.dataset.column_names[:-1])
        scaled = doc.run is not None and doc.run.state.scaling is not None
        self.step_panel.show_step(step, names, scaled)
        # A row number means the same row only while the table has as many rows as the run's.
        row = None
        if step is not None and doc.run is not None and doc.run.dataset.n_rows == doc.n_rows:
            row = step.row
        self.table_model.set_step_row(row)
        if row is not None and self.table_view is not None:
            # The drawn row in sight in the table, as it is on the plots.
            self.table_view.scrollTo(self.table_model.index(self.table_model.view_row(row), 0))
        self.boundary_panel.set_step(step if row is not None else None,
                                     None if doc.run is None else doc.run.state.scaling)
        self.sigmoid_plot.set_step_row(row)
