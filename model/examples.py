"""The data sets shipped with Neuron Lab, read as data sets."""
from __future__ import annotations

from resources import NOTE_TABLE

from .csvio import read_csv
from .dataset import Dataset


def note_table() -> Dataset:
    """The reference note's eight-row table, the default data set."""
    return read_csv(NOTE_TABLE)
