"""Rewinding: a cursor on the error plot that picks a checkpoint of the current run.

Click on the error plot (or drag the cursor) to show the model of the nearest checkpoint
everywhere; with the plot focused, Left and Right move the cursor one checkpoint, Home and
End to the first and the last, and Esc goes back to the run as it is now.  The document
owns which checkpoint is shown (:meth:`model.document.Document.rewind_to`); this only draws
the cursor where the document says and asks it to move.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, Qt, Signal

from model.document import Document

from .error_plot import ErrorPlot

_KEYS = {Qt.Key.Key_Left: -1, Qt.Key.Key_Right: 1}


class RewindCursor(QObject):
    """The error plot's rewind cursor."""

    #: a message for the status bar, and whether it is an error
    message = Signal(str, bool)

    def __init__(self, document: Document, plot: ErrorPlot, parent=None) -> None:
        super().__init__(parent)
        self.document, self.plot = document, plot
        self.line = pg.InfiniteLine(angle=90, movable=True,
                                    pen=pg.mkPen((200, 0, 60), width=1.5,
                                                 style=Qt.PenStyle.DashLine),
                                    hoverPen=pg.mkPen((200, 0, 60), width=3))
        self.line.setObjectName("rewindCursor")
        self.line.setZValue(5)
        self.line.hide()
        plot.getPlotItem().addItem(self.line, ignoreBounds=True)
        self.line.sigPositionChangeFinished.connect(self._dragged)
        plot.scene().sigMouseClicked.connect(self._clicked)
        plot.installEventFilter(self)
        plot.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        # No tooltip of its own on the plot: it would replace the hover's (which run, which
        # iteration); the tab's tooltip says how to rewind.
        self.enabled = True
        document.shown_changed.connect(self.follow)
        document.run_changed.connect(self.follow)
        self.follow()  # the document may already show a checkpoint rewound to

    def set_enabled(self, enabled: bool) -> None:
        """Off while a run trains (the run shows where it is)."""
        self.enabled = enabled
        self.line.setMovable(enabled)

    def follow(self) -> None:
        """Draw the cursor at the checkpoint the document shows (hidden at the latest)."""
        iteration = self.document.rewound_iteration()
        if iteration is None:
            self.line.hide()
        else:
            self.line.setValue(iteration)
            self.line.show()

    def rewind_to(self, iteration: float | None) -> None:
        if not self.enabled:
            return
        reason = self.document.rewind_to(None if iteration is None else int(round(iteration)))
        if reason:
            self.message.emit(reason, True)
            return
        shown = self.document.rewound_iteration()
        self.message.emit("Showing the run as it is now." if shown is None else
                          f"Rewound to iteration {shown:,}: every view shows that checkpoint's "
                          "model. Continue branches a new run from here; Esc comes back.", False)

    def _dragged(self) -> None:
        self.rewind_to(self.line.value())

    def _clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton or event.double():
            return
        view = self.plot.getPlotItem().getViewBox()
        if not view.sceneBoundingRect().contains(event.scenePos()):
            return
        x = view.mapSceneToView(event.scenePos()).x()
        if self.plot.getPlotItem().ctrl.logXCheck.isChecked():
            x = 10 ** x
        self.rewind_to(x)

    def step(self, by: int) -> None:
        """Move the cursor ``by`` checkpoints (from the latest when not rewound)."""
        run = self.document.run
        if run is None or not len(run.history):
            return
        iterations = run.history.iteration
        now = self.document.rewound
        index = (len(iterations) if now is None else now) + by
        index = int(np.clip(index, 0, len(iterations) - 1))
        self.rewind_to(iterations[index])

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt)
        if (watched is self.plot and event.type() == QEvent.Type.ShortcutOverride
                and event.key() == Qt.Key.Key_Escape and self.document.rewound is not None):
            event.accept()  # Esc here comes back from a rewind (it is not Stop)
            return True
        if watched is self.plot and event.type() == QEvent.Type.KeyPress:
            key = event.key()
            if key in _KEYS:
                self.step(_KEYS[key])
                return True
            if key == Qt.Key.Key_Home:
                self.step(-10**12)
                return True
            if key == Qt.Key.Key_End:
                self.step(10**12)
                return True
            if key == Qt.Key.Key_Escape and self.document.rewound is not None:
                self.rewind_to(None)
                return True
        return False
