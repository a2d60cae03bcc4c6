"""The status bar: ordinary messages on the left, the run's counter on the right, apart.

Qt draws a status message as far as it goes and cuts it off where the permanent widgets
begin, so a long message ran into the iteration counter.  Here the message is cut short
with an ellipsis before a gap (the whole text is the bar's tooltip), and the counter sits in
its own sunken frame in the window's ordinary text colour: errors are shown in red in the
message strip above the table, never by colouring the bar, so the counter never turns red.
"""
from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QPainter, QPalette
from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QStatusBar

#: The counter is at least as wide as a usual run's line, so it does not jump as it counts.
_COUNTER_WIDTH = "iteration 100,000 / 100,000   error 0.000000   9,999,999 it/s   99.9 s"
_GAP = 12  # pixels between the message's ellipsis and the counter's frame


class _Counter(QLabel):
    """The run's line; hidden while empty, so an idle bar shows no empty frame."""

    def setText(self, text: str) -> None:  # noqa: N802 (Qt)
        super().setText(text)
        self.setVisible(bool(text))

    def clear(self) -> None:
        super().clear()
        self.setVisible(False)


class StatusBar(QStatusBar):
    """A status bar whose ``counter`` label shows the run's iteration, error and speed."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.counter = _Counter(objectName="statusCounter")
        self.counter.setFrameShape(QFrame.Shape.StyledPanel)
        self.counter.setFrameShadow(QFrame.Shadow.Sunken)
        self.counter.setContentsMargins(6, 0, 6, 0)
        self.counter.setMinimumWidth(self.counter.fontMetrics().horizontalAdvance(_COUNTER_WIDTH) + 16)
        self.counter.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Preferred)
        self.counter.setToolTip("The run: iteration reached / where it ends, the last error, speed, time")
        self.addPermanentWidget(self.counter)
        self.counter.setVisible(False)
        self.messageChanged.connect(self.setToolTip)

    def message_width(self) -> int:
        """Pixels the message may take: up to a gap before the first permanent widget."""
        lefts = [w.geometry().left() for w in (self.counter,) if w.isVisible()]
        right = min(lefts) if lefts else self.width()
        return max(0, right - _GAP - 6)

    def shown_message(self) -> str:
        """The message as drawn: cut short with an ellipsis when it does not fit."""
        return self.fontMetrics().elidedText(self.currentMessage(), Qt.TextElideMode.ElideRight,
                                             self.message_width())

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt)
        if not self.currentMessage():
            super().paintEvent(event)
            return
        painter = QPainter(self)
        painter.setPen(self.palette().color(QPalette.ColorRole.WindowText))
        rect = QRect(6, 0, self.message_width(), self.height())
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
                                   | Qt.TextFlag.TextSingleLine), self.shown_message())
        painter.end()
