"""Starting the window: ``python main.py``."""
from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication


def run_gui(argv: list[str]) -> int:
    app = QApplication.instance() or QApplication([sys.argv[0], *argv])
    app.setApplicationName("Neuron Lab")
    app.setOrganizationName("Neuron Lab")
    app.setDesktopFileName("neuron-lab")
    from PySide6.QtGui import QIcon

    from resources import ICON

    app.setWindowIcon(QIcon(str(ICON)))

    from .main_window import MainWindow

    window = MainWindow()
    app.aboutToQuit.connect(window.shutdown)
    window.show()
    return app.exec()
