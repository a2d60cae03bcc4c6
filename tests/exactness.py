"""Compare the program's training with the note's loop, in this process, on this machine.

Imported by the tests, and run as ``python -m tests.exactness`` by the dispatch test, which
starts it under other CPU dispatch paths of NumPy and OpenBLAS and reads the one JSON
object it prints: which routines NumPy and the kernel used, and for each case whether the
kernel's numbers equal the oracle's bit for bit (and, if not, how far apart they are).
"""
from __future__ import annotations

import json
import sys

import numpy as np

from model import Dataset, Training, TrainConfig, note_table, split_rows
from tests.note_oracle import NoteNeuron, note_run


def oracle(data: Dataset, config: TrainConfig) -> dict:
    """The note's loop on the same training and held-out rows as the program's run."""
    train, test = split_rows(data.n_rows, config.test_fraction, config.seed)
    run = note_run(
        data.features[train], data.target[train], config.alpha, config.iterations, config.seed,
        config.every, data.features[test] if test.size else None,
        data.target[test] if test.size else None,
    )
    # The first prediction is the note's, for the table's first row (held out or not).
    run["first_prediction"] = float(
        NoteNeuron(data.n_features, config.alpha, config.seed).predict(data.features[0]))
    return run


def program(data: Dataset, config: TrainConfig) -> dict:
    """The program's run (the compiled kernel, in chunks), as plain Python numbers."""
    training = Training(data, config)
    checkpoints = training.advance()
    return {
        "first_prediction": training.initial_first_prediction,
        "iteration": checkpoints.iteration.tolist(),
        "train_error": checkpoints.train_error.tolist(),
        "test_error": None if checkpoints.test_error is None else checkpoints.test_error.tolist(),
        "weights": training.weights.tolist(),
        "bias": training.bias,
    }


def farthest(a: dict, b: dict, first_only: bool = False) -> float:
    """The largest relative difference between two runs' numbers (0.0 when identical);
    ``first_only``: of the first prediction and the first checkpoint's errors alone."""
    worst = 0.0
    keys = ("first_prediction", "train_error", "test_error")
    if not first_only:
        keys += ("weights", "bias")
    for key in keys:
        x = np.atleast_1d(np.asarray(a[key] if a[key] is not None else [], dtype=np.float64))
        y = np.atleast_1d(np.asarray(b[key] if b[key] is not None else [], dtype=np.float64))
        if first_only and key != "first_prediction":
            x, y = x[:1], y[:1]
        if x.shape != y.shape:
            return float("inf")
        if x.size:
            scale = np.maximum(np.abs(x), np.abs(y))
            diff = np.abs(x - y) / np.where(scale == 0, 1.0, scale)
            worst = max(worst, float(diff.max()))
    return worst


#: Where the kernel cannot call NumPy's own routines it uses plain code, whose ``exp`` and
#: dot product are each within a unit or two in the last place of NumPy's.  One step then
#: agrees with the note's to about this; a long run need not, since per-example descent
#: amplifies any difference (a 3,000-step run with a large learning rate ends up far away).
FALLBACK_RTOL = 1e-12


def assert_same_as_note(ours: dict, note: dict) -> None:
    """Bit for bit when the kernel calls NumPy's routines; with its plain code (it says so)
    the same checkpoints, and the first prediction and first checkpoint very close."""
    from model import numpy_primitives

    if numpy_primitives.exact():
        assert ours == note, f"the kernel ({numpy_primitives.describe()}) left the note's path"
    else:
        assert ours["iteration"] == note["iteration"]
        gap = farthest(ours, note, first_only=True)
        assert gap <= FALLBACK_RTOL, f"{numpy_primitives.describe()}: {gap:.3g} from the note"


def ulps_apart(a, b) -> int:
    """How many units in the last place separate two lists (or two numbers) at most."""
    x = np.atleast_1d(np.asarray(a, dtype=np.float64))
    y = np.atleast_1d(np.asarray(b, dtype=np.float64))
    assert x.shape == y.shape, (a, b)
    return int(np.max(np.abs(x - y) / np.spacing(np.maximum(np.abs(x), np.abs(y)))).round())


def cases() -> dict[str, tuple[Dataset, TrainConfig]]:
    """The default run and a few that reach further: more inputs, held-out rows, big steps."""
    rs = np.random.RandomState(11)
    wide = Dataset.from_arrays(rs.randn(60, 5) * 3, (rs.rand(60) > 0.5).astype(float))
    steep = Dataset.from_arrays(rs.randn(30, 3) * 40, rs.rand(30))
    return {
        "the note's table": (note_table(), TrainConfig()),
        "5 inputs, held-out rows": (wide, TrainConfig(alpha=0.3, iterations=4000, seed=5, every=7,
                                                      test_fraction=0.25)),
        "saturating sigmoids": (steep, TrainConfig(alpha=2.0, iterations=2000, seed=9, every=3)),
    }


def machine() -> dict:
    """Which of NumPy's dispatched CPU features are on, and which BLAS kernel runs."""
    from model import numpy_primitives

    try:
        from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__
    except ImportError:  # NumPy 1.x
        from numpy.core._multiarray_umath import __cpu_dispatch__, __cpu_features__
    try:
        import threadpoolctl

        blas = [f"{i['internal_api']} {i.get('architecture')}" for i in threadpoolctl.threadpool_info()
                if i.get("user_api") == "blas"]
    except ImportError:
        blas = []
    return {
        "kernel_uses": numpy_primitives.describe(),
        "exact_routines": numpy_primitives.exact(),
        "numpy_features": sorted(f for f in __cpu_dispatch__ if __cpu_features__.get(f)),
        "blas": blas,
    }


def report() -> dict:
    out = {"machine": machine(), "cases": {}}
    for name, (data, config) in cases().items():
        a, b = program(data, config), oracle(data, config)
        out["cases"][name] = {
            "identical": a == b,
            "farthest": farthest(a, b),
            "first_steps": farthest(a, b, first_only=True),
            "weights": b["weights"],
        }
    return out


if __name__ == "__main__":
    json.dump(report(), sys.stdout)
