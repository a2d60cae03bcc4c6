"""The moment a window is on the screen: the turn of the event loop after its first paint."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget


class AfterFirstPaint(QObject):
    """Calls ``callback`` once, on the turn of the event loop after ``window`` is first
    painted.  Qt paints a window and all the widgets it shows in one pass, the window
    first, so by then the whole window is on the screen.  (A 0 ms timer started by
    ``show()`` fires before that pass.)"""

    def __init__(self, window: QWidget, callback) -> None:
        super().__init__(window)
        self._callback = callback
        window.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self._callback)
        return False
