"""A strip above the table that holds an error until it no longer applies.

A status-bar message is gone at the next menu hover; an error the person must act on (an
edit refused, a file that cannot be read, a run that cannot start) stays here, in red, until
the next successful edit or action replaces it, or until it is dismissed.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton


class MessageStrip(QFrame):
    """An error message with a ✕ to dismiss it; hidden when there is none."""

    #: the person dismissed the message
    dismissed = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent, objectName="messageStrip")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("#messageStrip { background: #fdecee; border: 1px solid #e8a0a8; "
                           "border-radius: 3px; } #messageStrip QLabel { color: #8a0018; }")
        self.label = QLabel(objectName="messageText", wordWrap=True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.close_button = QToolButton(objectName="dismissMessage", text="✕", autoRaise=True)
        self.close_button.setToolTip("Dismiss this message")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 2, 2)
        layout.addWidget(QLabel("⚠"))
        layout.addWidget(self.label, 1)
        layout.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        self.close_button.clicked.connect(self.dismiss)
        self.setVisible(False)

    def text(self) -> str:
        """The message held ("" when none)."""
        return self.label.text() if not self.isHidden() else ""

    def show_error(self, text: str) -> None:
        self.label.setText(text)
        self.setToolTip(text)
        self.setVisible(True)

    @Slot()
    def clear(self) -> None:
        """The error no longer applies (a later edit or action succeeded)."""
        if not self.isHidden():
            self.label.clear()
            self.setVisible(False)

    @Slot()
    def dismiss(self) -> None:
        self.clear()
        self.dismissed.emit()
