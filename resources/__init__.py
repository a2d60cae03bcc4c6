"""Files shipped with Neuron Lab: example data sets, icons and the desktop launcher."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent
EXAMPLES_DIR = ROOT / "examples"

#: The application's icon and its desktop launcher.
ICON = ROOT / "neuron-lab.svg"
DESKTOP_FILE = ROOT / "neuron-lab.desktop"

#: The table of the reference note: two features, eight rows, binary target.
NOTE_TABLE = EXAMPLES_DIR / "note.csv"


@dataclass(frozen=True)
class Example:
    file: str
    title: str
    teaches: str

    @property
    def path(self) -> Path:
        return EXAMPLES_DIR / self.file


#: The example data sets, in menu order (made by tools/make_examples.py).
EXAMPLES = (
    Example("note.csv", "The note's table",
            "eight rows from the reference note; small and noisy, so the error never gets far"),
    Example("separable.csv", "Two separable clouds",
            "a straight line splits them, so a single neuron learns them completely"),
    Example("xor.csv", "XOR",
            "opposite corners share a class; no straight line splits them, so one neuron cannot"),
    Example("circle.csv", "Circle inside a ring",
            "one class surrounds the other; a neuron's boundary is a straight line, so it fails"),
    Example("overlap.csv", "Noisy, overlapping clouds",
            "the classes overlap, so even the best line gets some rows wrong"),
)
