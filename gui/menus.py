"""The Edit, Train, View, Examples and Help menus (the File menu is file_actions').

Each menu entry calls a public method of the window or of the panel that owns the action;
nothing here keeps state or sets anything on the window.
"""
from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMessageBox

from resources import EXAMPLES


def _show_help(window: QMainWindow, page: str) -> None:
    """Help's dialogs, imported the first time one is asked for rather than as the window
    opens (5 ms of every start on the 2-core Intel Xeon development machine)."""
    from . import help_dialogs

    getattr(help_dialogs, page)(window)


def _action(window, menu, text, slot, shortcut=None, tip=""):
    action = QAction(text, window)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    if tip:
        action.setStatusTip(tip)
    action.triggered.connect(slot)
    menu.addAction(action)
    return action


def build(window: QMainWindow) -> None:
    """The menus of ``window`` (a :class:`gui.main_window.MainWindow`)."""
    bar = window.menuBar()
    edit = bar.addMenu("&Edit")
    for action in window.data_panel.edit_actions():
        if action is None:
            edit.addSeparator()
        else:
            edit.addAction(action)

    train = bar.addMenu("&Train")
    _action(window, train, "&Train", window.train, "Ctrl+Return",
            "A fresh run from the seed on the table as it is now")
    _action(window, train, "&Stop", window.stop, "Esc")
    _action(window, train, "&Continue", window.continue_training, "Ctrl+Shift+Return",
            "Train the current neuron further on the same random stream")
    _action(window, train, "&Reset", window.reset, tip="Forget the trained neuron")
    train.addSeparator()
    _action(window, train, "S&tep", lambda: window.step(False), "F10",
            "One iteration, with every number of the chain rule shown")
    _action(window, train, "Step to the next c&heckpoint", lambda: window.step(True), "Shift+F10",
            "The iterations up to the next checkpoint; the last one is shown")
    _action(window, train, "Train se&veral…", window.open_sweep_dialog, "Ctrl+Shift+T",
            "Train a grid of learning rates × seeds at once, on every core")
    train.addSeparator()
    _action(window, train, "Restore the &note's settings", window.parameters.restore_note_settings,
            tip="Learning rate 0.1, 10,000 iterations, seed 42, a checkpoint every 100, "
                "nothing held out, the watching pace: the note's numbers again")

    view = bar.addMenu("&View")
    for text, panel in (("&Ask the neuron", "predict_panel"),
                        ("&Decision boundary", "boundary_panel"),
                        ("&Sigmoid view", "sigmoid_plot")):
        action = QAction(text, window, checkable=True, checked=True)
        action.toggled.connect(lambda shown, panel=panel: window.show_panel(panel, shown))
        view.addAction(action)

    examples = bar.addMenu("E&xamples")
    examples.setToolTipsVisible(True)
    for example in EXAMPLES:
        action = QAction(f"{example.title} — {example.teaches}", window)
        action.setToolTip(example.teaches)
        action.triggered.connect(lambda checked=False, e=example: window.load_example(e))
        examples.addAction(action)

    help_menu = bar.addMenu("&Help")
    _action(window, help_menu, "A short &tour…", lambda: _show_help(window, "show_tour"), "F1",
            "The table, Train, the error curve, the boundary, Continue and Reset, a page each")
    _action(window, help_menu, "&Keyboard shortcuts…", lambda: _show_help(window, "show_shortcuts"),
            "Ctrl+/", "Every key the program knows")
    help_menu.addSeparator()
    _action(window, help_menu, "&About Neuron Lab", lambda: show_about(window))


def about_text() -> str:
    from model import __version__, numpy_primitives

    return (f"<h3>Neuron Lab {__version__}</h3>"
            "<p>Learn how a neural network learns: a single sigmoid neuron, written from scratch "
            "in NumPy, trained on your own data while you watch.</p>"
            "<p>The neuron follows the reference note on Real Python's “How to Build a Neural "
            "Network &amp; Make Predictions”, number for number.</p>"
            f"<p>On this computer the training uses {numpy_primitives.describe()}.</p>")


def show_about(window) -> None:
    QMessageBox.about(window, "About Neuron Lab", about_text())
