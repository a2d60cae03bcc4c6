"""Neuron Lab's window: Qt widgets and the worker thread that drives training."""
from gui import pyqtgraph_parts, qt_mirrors

qt_mirrors.install()  # before anything imports pyqtgraph: see gui/qt_mirrors.py
pyqtgraph_parts.install()  # the same: see gui/pyqtgraph_parts.py
