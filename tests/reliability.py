"""Counting what the reliability tests tried, for ``make reliability``'s report.

Tests add to the counters; at the end of the session the totals are written as JSON to
the file named by NEURON_LAB_REPORT (when set).  NEURON_LAB_FUZZ=long gives the fuzzing
and soak tests their longer, local-run sizes.
"""
from __future__ import annotations

import json
import os
from collections import Counter

LONG = os.environ.get("NEURON_LAB_FUZZ") == "long"
COUNTS: Counter[str] = Counter()


def count(what: str, n: int = 1) -> None:
    COUNTS[what] += n


def write_report() -> None:
    path = os.environ.get("NEURON_LAB_REPORT")
    if path:
        with open(path, "w") as out:
            json.dump(dict(COUNTS), out, indent=1, sort_keys=True)
