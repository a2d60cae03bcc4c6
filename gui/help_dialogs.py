"""Help: a short guided tour of the note's lesson, and the keyboard shortcuts.

Both dialogs are built from the window as it is: the tour has a page on Step only when the
window has a Step button, and the shortcuts are read from the menus' own actions, so the
list cannot drift from what the keys do.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

#: The tour, page by page: a title and a few sentences (rich text).
_PAGES = [
    ("The table",
     "<p>Each row is one example: the <b>feature</b> columns are what the neuron sees, the "
     "shaded <b>target</b> column is the answer it should learn to give, between 0 and 1.</p>"
     "<p>When the program starts, the note's table is loaded: eight rows, two features. "
     "Double-click a cell to change it, <b>Add row</b> for more; Ctrl+Z undoes any edit. "
     "The <b>Examples</b> menu has other tables, each with one lesson.</p>"),
    ("Train",
     "<p>Press <b>Train</b> (Ctrl+Return). The neuron starts from random weights fixed by the "
     "<b>seed</b>, then, each iteration, takes one random row, makes its prediction ŷ, and "
     "moves each weight and the bias a little against the gradient of that row's squared "
     "error. The <b>learning rate</b> sets how little.</p>"
     "<p>The same seed always gives the same run, number for number.</p>"),
    ("The error curve",
     "<p>Every checkpoint (every 100 iterations by default) the upper plot adds the error "
     "summed over all the training rows. It falls quickly, then slowly, and stays noisy: each "
     "step learns from one row, and what helps that row can hurt another.</p>"
     "<p>Wheel over the plot to zoom in on the iterations; double-click or <b>Zoom to fit</b> to see the "
     "whole run; <b>Log scale</b> shows the slow end of the decline.</p>"),
    ("The boundary",
     "<p>The lower plot shows where the neuron says 0 (blue) and 1 (orange) over two features; "
     "the black line is where ŷ = 0.5. A single neuron's boundary is always a straight line, "
     "which is why XOR defeats it.</p>"
     "<p>Click the plot to add a row of class 1, Shift+click for class 0, Ctrl+click to delete "
     "the nearest one, and train again to see the line move.</p>"),
    ("Continue and Reset",
     "<p><b>Continue</b> trains the same neuron for more iterations on the same random stream: "
     "a run of 10,000 then 10,000 more is exactly a run of 20,000. <b>Reset</b> forgets the "
     "neuron; the next Train starts again from the seed.</p>"
     "<p><b>Held-out share</b> keeps some rows out of training: their error, the orange curve, "
     "tells how the neuron does on data it never learned from.</p>"),
]
_STEP_PAGE = (
    "Step",
    "<p><b>Step</b> (F10) takes one iteration at a time and shows its numbers in the <i>One "
    "step</i> tab: the row drawn, z, the prediction, the error, each part of the gradient, and "
    "the new weights. Stepping N times is exactly a run of N iterations. <b>Guess first</b> "
    "asks which way each weight will move before the step; the <b>Slow motion</b> speeds show "
    "every step of a run.</p>")
_MORE_PAGES = [
    ("Compare runs",
     "<p>Every Train is kept in the run table under the error curve: select a run to show it "
     "again, tick it to draw its curve, double-click to rename. <b>Train several…</b> "
     "(Ctrl+Shift+T) trains a grid of learning rates and seeds on every core; <b>Bands</b> "
     "draws each rate's median and range.</p>"),
    ("Weight space and rewinding",
     "<p>The <i>Weight space</i> tab draws the error over two parameters and the path the "
     "training took on it. Click the error curve to rewind: every view shows that "
     "checkpoint's model (← → move, Esc comes back), and Continue branches a new run from "
     "there. Click the landscape to start a run from that point.</p>"),
    ("When it cannot learn",
     "<p>With inputs in the hundreds (heights, weights) every prediction is 0 or 1 and the "
     "gradient vanishes: the window says so. Tick <b>Standardise features</b> to train on "
     "each feature minus its mean, divided by its spread; the table and the plots stay in "
     "your data's units.</p>"),
]

#: Keys that are not in a menu.
_OTHER_KEYS = [
    ("Train (keypad Enter)", "Ctrl+Enter"),
    ("Delete the selected rows of the table", "Delete"),
    ("Edit the current cell", "F2, or start typing"),
    ("Boundary plot: add a row of class 1 / class 0", "Click / Shift+click"),
    ("Boundary plot: delete the nearest row", "Ctrl+click"),
    ("Error plot: zoom the iterations / show the whole run", "Wheel / double-click"),
    ("Error plot: rewind to a checkpoint / one checkpoint back or on", "Click / ← →"),
    ("Come back from a rewind", "Esc"),
    ("Run table: delete the selected runs", "Delete"),
    ("Landscape: start a new run from a point", "Click"),
]


def tour_pages(window: QWidget) -> list[tuple[str, str]]:
    """The tour's pages for ``window``: Step only when the window has a Step button."""
    pages = list(_PAGES)
    if window.findChild(QPushButton, "stepButton") is not None:
        pages.insert(4, _STEP_PAGE)
    return pages + _MORE_PAGES


class TourDialog(QDialog):
    """The guided tour: a page at a time, with Back and Next."""

    def __init__(self, pages: list[tuple[str, str]], parent=None) -> None:
        super().__init__(parent, objectName="tourDialog")
        self.setWindowTitle("A short tour of Neuron Lab")
        self.pages = pages
        self.page = 0
        self.title = QLabel(objectName="tourTitle")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        self.text = QLabel(objectName="tourText", wordWrap=True, textFormat=Qt.TextFormat.RichText)
        self.text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.text.setMinimumSize(420, 180)
        self.counter = QLabel()
        self.back_button = QPushButton("< &Back")
        self.next_button = QPushButton("&Next >")
        close = QPushButton("&Close")
        buttons = QHBoxLayout()
        buttons.addWidget(self.counter)
        buttons.addStretch(1)
        for button in (self.back_button, self.next_button, close):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.text, 1)
        layout.addLayout(buttons)
        self.back_button.clicked.connect(lambda: self.show_page(self.page - 1))
        self.next_button.clicked.connect(lambda: self.show_page(self.page + 1))
        close.clicked.connect(self.close)
        self.show_page(0)

    def show_page(self, page: int) -> None:
        self.page = max(0, min(page, len(self.pages) - 1))
        title, text = self.pages[self.page]
        self.title.setText(title)
        self.text.setText(text)
        self.counter.setText(f"{self.page + 1} of {len(self.pages)}")
        self.back_button.setEnabled(self.page > 0)
        self.next_button.setEnabled(self.page < len(self.pages) - 1)
        (self.next_button if self.page < len(self.pages) - 1 else self.back_button).setDefault(True)


def shortcuts(window: QMainWindow) -> list[tuple[str, str]]:
    """(what, keys) for every menu entry with a shortcut, in menu order, then the others."""
    found: list[tuple[str, str]] = []

    def walk(menu: QMenu, path: str) -> None:
        for action in menu.actions():
            name = action.text().replace("&", "").rstrip("…")
            if action.menu() is not None:
                walk(action.menu(), f"{path}{name} › ")
            elif action.shortcuts():
                keys = ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText)
                                 for k in action.shortcuts())
                found.append((f"{path}{name}", keys))

    for action in window.menuBar().actions():
        if action.menu() is not None:
            walk(action.menu(), action.text().replace("&", "") + " › ")
    return found + _OTHER_KEYS


class ShortcutsDialog(QDialog):
    """The keyboard shortcuts, in a table."""

    def __init__(self, rows: list[tuple[str, str]], parent=None) -> None:
        super().__init__(parent, objectName="shortcutsDialog")
        self.setWindowTitle("Keyboard shortcuts")
        self.table = QTableWidget(len(rows), 2)  # a few dozen fixed rows: items are fine
        self.table.setHorizontalHeaderLabels(["What", "Keys"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for row, (what, keys) in enumerate(rows):
            self.table.setItem(row, 0, QTableWidgetItem(what))
            self.table.setItem(row, 1, QTableWidgetItem(keys))
        self.table.resizeColumnsToContents()
        self.table.setMinimumSize(520, 380)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        box.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(box)


def _show(window: QMainWindow, dialog: QDialog) -> QDialog:
    """Show ``dialog`` beside the window (not modal: the tour is read while trying things),
    replacing an open one of the same kind."""
    for old in window.findChildren(QDialog, dialog.objectName()):
        if old is not dialog:
            old.close()
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog


def show_tour(window: QMainWindow) -> QDialog:
    return _show(window, TourDialog(tour_pages(window), window))


def show_shortcuts(window: QMainWindow) -> QDialog:
    return _show(window, ShortcutsDialog(shortcuts(window), window))
