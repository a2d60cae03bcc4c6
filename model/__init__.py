"""Neuron Lab's core: the neuron, its training, data sets and files. Knows nothing of Qt."""
from __future__ import annotations

__version__ = "0.2.0"

from .boundary import Plane, output_image
from .csvio import (
    Table,
    parse_csv_text,
    parse_table,
    read_csv,
    read_table,
    to_csv_text,
    write_csv,
    write_text_atomically,
)
from .dataset import Dataset
from .errors import DataError
from .examples import note_table
from .neuron import Neuron, predict, sigmoid
from .training import Checkpoints, RunState, Training, TrainConfig, accuracy, split_rows

__all__ = [
    "Checkpoints",
    "Plane",
    "RunState",
    "accuracy",
    "output_image",
    "predict",
    "DataError",
    "Dataset",
    "Neuron",
    "TrainConfig",
    "Training",
    "note_table",
    "parse_csv_text",
    "read_csv",
    "sigmoid",
    "split_rows",
    "to_csv_text",
    "Table",
    "parse_table",
    "read_table",
    "write_csv",
    "write_text_atomically",
]
