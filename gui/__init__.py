"""Neuron Lab's window: Qt widgets and the worker thread that drives training."""
