"""Neuron Lab's window: Qt widgets and the worker thread that drives training."""
from gui import qt_mirrors

qt_mirrors.install()  # before anything imports pyqtgraph: see gui/qt_mirrors.py
