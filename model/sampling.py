"""An even sample of a long series: what a picture draws of more rows or points than it can
show.  Every picture that samples uses this one rule, so they agree on which rows they draw."""
from __future__ import annotations

import numpy as np


def even_indices(n: int, at_most: int) -> np.ndarray:
    """Indices of at most ``at_most`` of ``n`` items, evenly spread, the first and the last
    included, increasing; all of them when ``n <= at_most``."""
    if n <= at_most:
        return np.arange(n, dtype=np.int64)
    return np.linspace(0, n - 1, at_most).round().astype(np.int64)
