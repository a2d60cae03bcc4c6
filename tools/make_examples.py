"""Generate the example data sets in resources/examples/ (run once; the CSVs are kept).

    python tools/make_examples.py
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from resources import EXAMPLES, EXAMPLES_DIR  # noqa: E402


def clouds(rs, centre_a, centre_b, spread, n):
    a = rs.normal(centre_a, spread, size=(n, 2))
    b = rs.normal(centre_b, spread, size=(n, 2))
    return np.vstack([a, b]), np.r_[np.zeros(n), np.ones(n)]


def xor(rs, n=15):
    corners = [(-1, -1, 0), (1, 1, 0), (-1, 1, 1), (1, -1, 1)]
    x = np.vstack([rs.normal((cx, cy), 0.25, size=(n, 2)) for cx, cy, _ in corners])
    y = np.concatenate([np.full(n, label, dtype=float) for _, _, label in corners])
    return x, y


def circle(rs, inner=30, outer=50):
    def ring(n, r0, r1):
        angle = rs.uniform(0, 2 * np.pi, n)
        radius = np.sqrt(rs.uniform(r0**2, r1**2, n))
        return np.c_[radius * np.cos(angle), radius * np.sin(angle)]

    x = np.vstack([ring(inner, 0.0, 1.0), ring(outer, 2.0, 2.6)])
    return x, np.r_[np.ones(inner), np.zeros(outer)]


MAKERS = {
    "separable.csv": lambda rs: clouds(rs, (-1.5, -1.0), (1.5, 1.0), 0.6, 40),
    "xor.csv": xor,
    "circle.csv": circle,
    "overlap.csv": lambda rs: clouds(rs, (-0.7, -0.4), (0.7, 0.4), 1.1, 50),
}


def main() -> None:
    rs = np.random.RandomState(2026)
    for example in EXAMPLES:
        if example.file not in MAKERS:
            continue  # the note's table is typed in, not generated
        x, y = MAKERS[example.file](rs)
        lines = [f"# {example.title}: {example.teaches}", "x1,x2,y"]
        lines += [f"{a:.3f},{b:.3f},{int(t)}" for (a, b), t in zip(x, y)]
        (EXAMPLES_DIR / example.file).write_text("\n".join(lines) + "\n")
        print(EXAMPLES_DIR / example.file, len(y), "rows")


if __name__ == "__main__":
    main()
