"""The Edit, Train, View, Examples and Help menus (the File menu is file_actions')."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMessageBox

from resources import EXAMPLES

if TYPE_CHECKING:
    from .main_window import MainWindow


def _action(window, menu, text, slot, shortcut=None, tip=""):
    action = QAction(text, window)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    if tip:
        action.setStatusTip(tip)
    action.triggered.connect(slot)
    menu.addAction(action)
    return action


def build(window: MainWindow) -> None:
    bar = window.menuBar()
    stack = window.table_model.undo_stack

    edit = bar.addMenu("&Edit")
    window.undo_action = stack.createUndoAction(window, "&Undo")
    window.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
    window.redo_action = stack.createRedoAction(window, "&Redo")
    window.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
    edit.addAction(window.undo_action)
    edit.addAction(window.redo_action)
    edit.addSeparator()
    window.copy_action = _action(window, edit, "&Copy", window.copy_cells,
                                 QKeySequence.StandardKey.Copy,
                                 "Copy the selected cells as tab-separated text")
    window.paste_action = _action(window, edit, "&Paste", window.paste_cells,
                                  QKeySequence.StandardKey.Paste,
                                  "Paste cells copied from a spreadsheet at the current cell")
    edit.addSeparator()
    _action(window, edit, "&Add row", window.data_panel.add_row, "Ctrl+Shift+N")
    _action(window, edit, "&Delete selected rows", window.data_panel.delete_selected_rows)

    train = bar.addMenu("&Train")
    _action(window, train, "&Train", window.train, "Ctrl+Return",
            "A fresh run from the seed on the table as it is now")
    _action(window, train, "&Stop", window.stop, "Esc")
    _action(window, train, "&Continue", window.continue_training, "Ctrl+Shift+Return",
            "Train the current neuron further on the same random stream")
    _action(window, train, "&Reset", window.reset, tip="Forget the trained neuron")

    view = bar.addMenu("&View")
    for text, widget in (("&Ask the neuron", window.predict_panel),
                         ("&Decision boundary", window.boundary_panel)):
        action = QAction(text, window, checkable=True, checked=True)
        action.toggled.connect(widget.setVisible)
        view.addAction(action)

    examples = bar.addMenu("E&xamples")
    examples.setToolTipsVisible(True)
    for example in EXAMPLES:
        action = QAction(f"{example.title} — {example.teaches}", window)
        action.setToolTip(example.teaches)
        action.triggered.connect(lambda checked=False, e=example: window.load_example(e))
        examples.addAction(action)

    help_menu = bar.addMenu("&Help")
    _action(window, help_menu, "&About Neuron Lab", lambda: show_about(window))


def show_about(window) -> None:
    from model import __version__

    QMessageBox.about(
        window, "About Neuron Lab",
        f"<h3>Neuron Lab {__version__}</h3>"
        "<p>Learn how a neural network learns: a single sigmoid neuron, written from scratch "
        "in NumPy, trained on your own data while you watch.</p>"
        "<p>The neuron follows the reference note on Real Python's “How to Build a Neural "
        "Network &amp; Make Predictions”, number for number.</p>")
