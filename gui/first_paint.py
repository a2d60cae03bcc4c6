"""The moment a window is on the screen: the turn of the event loop after its first paint."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget


class AfterFirstPaint(QObject):
    """Calls ``callback`` once, on the turn of the event loop after ``window`` is first
    painted.  Qt paints a window and all the widgets it shows in one pass, the window
    first, so by then the whole window is on the screen.  (A 0 ms timer started by
    ``show()`` fires before that pass.)  ``at_paint``, if given, is called at the paint
    itself, before anything else of that turn is handled."""

    def __init__(self, window: QWidget, callback, at_paint=None) -> None:
        super().__init__(window)
        self._callback, self._at_paint = callback, at_paint
        window.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            if self._at_paint is not None:
                self._at_paint()
            QTimer.singleShot(0, self._callback)
        return False
