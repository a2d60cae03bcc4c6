"""Files shipped with Neuron Lab: example data sets, icons and the desktop launcher."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent
EXAMPLES = ROOT / "examples"

#: The table of the reference note: two features, eight rows, binary target.
NOTE_TABLE = EXAMPLES / "note.csv"
