"""The edit history: Qt's undo stack with a memory budget, and whether edits are unsaved.

Each command keeps what it needs to undo itself (a replaced table keeps the old one), so
an undo history of large tables grows without end: eight loads of a million-row file held
half a gigabyte.  Past :data:`BUDGET` bytes the history is cleared (the person is told why)
and the edits it held still count as unsaved, so closing still asks.
"""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

#: The most memory the undo history may hold: room for many edits of ordinary tables and
#: for several undoable loads of a million-row table.
BUDGET = 512 * 2**20


class EditHistory(QUndoStack):
    """Undo and redo for the table's edits, within a memory budget."""

    #: the history was cleared to stay within the budget: a message saying so
    trimmed = Signal(str)

    def __init__(self, parent=None, budget: int = BUDGET) -> None:
        super().__init__(parent)
        self.budget = budget
        self._unsaved_beyond_undo = False

    def push(self, command: QUndoCommand) -> None:
        super().push(command)
        held = self.held_bytes()
        if held > self.budget:
            self._unsaved_beyond_undo = True  # the edit just made, at least
            self.clear()
            self.trimmed.emit(f"The undo history was cleared: it held {held / 2**20:,.0f} MB, "
                              f"more than the {self.budget / 2**20:,.0f} MB it may keep. The "
                              "edits stay, unsaved.")

    def held_bytes(self) -> int:
        """Memory held by the commands' saved values."""
        return sum(getattr(self.command(i), "nbytes", 0) for i in range(self.count()))

    def has_unsaved_edits(self) -> bool:
        return self._unsaved_beyond_undo or not self.isClean()

    def mark_saved(self) -> None:
        """Everything now is what the file holds."""
        self._unsaved_beyond_undo = False
        self.setClean()

    def forget(self) -> None:
        """A new document (a session opened): no history, nothing unsaved."""
        self._unsaved_beyond_undo = False
        self.clear()
