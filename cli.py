"""Training without a window: ``python main.py --headless``.

The command line around :mod:`model`: arguments, printing and exit codes live here, so
that the core only computes.  Prints a short summary, or with ``--json`` one JSON object
(the format is fixed by the project's design notes and relied upon by other tools).  Bad
arguments or bad data end the program with status 2 and one line on stderr.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any, NoReturn

from model import kernel, numpy_primitives
from model.csvio import read_csv
from model.dataset import Dataset
from model.errors import DataError
from model.examples import note_table
from model.training import MAX_ITERATIONS, MAX_SEED, MAX_TEST_FRACTION, Training, TrainConfig

PROG = "neuron-lab --headless"


def one_line(text: str) -> str:
    """``text`` on one line, whatever line breaks a file name or a cell smuggled in."""
    return " ".join(text.splitlines())


class _Parser(argparse.ArgumentParser):
    """argparse, but a mistake is one line on stderr and exit status 2."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"{PROG}: error: {one_line(message)} (see --help)\n")
        sys.exit(2)


def _parser() -> argparse.ArgumentParser:
    defaults = TrainConfig()
    p = _Parser(
        prog=PROG,
        description="Train the neuron without a window and print what happened.",
    )
    p.add_argument("--data", metavar="FILE.csv", help="CSV data, last column the target "
                   "(default: the reference note's table)")
    p.add_argument("--alpha", type=float, default=defaults.alpha,
                   help=f"learning rate (default {defaults.alpha})")
    p.add_argument("--iterations", type=int, default=defaults.iterations,
                   help=f"training steps, 1 to {MAX_ITERATIONS:,} (default {defaults.iterations})")
    p.add_argument("--seed", type=int, default=defaults.seed,
                   help=f"random seed, 0 to {MAX_SEED} (default {defaults.seed})")
    p.add_argument("--every", type=int, default=defaults.every,
                   help=f"record the error every K steps (default {defaults.every})")
    p.add_argument("--test-fraction", type=float, default=defaults.test_fraction,
                   help=f"share of rows held out, 0 to {MAX_TEST_FRACTION} (default 0)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    return p


def _floats(values: Any) -> list[float]:
    return [float(v) for v in values]


def result_json(
    training: Training, dataset: Dataset, checkpoints: Any, data_path: str | None, seconds: float
) -> dict[str, Any]:
    """The headless run's JSON object, as a dict."""
    config = training.config
    train_accuracy, test_accuracy = training.accuracy()
    return {
        "config": {
            "data": data_path,
            "alpha": config.alpha,
            "iterations": config.iterations,
            "seed": config.seed,
            "every": config.every,
            "test_fraction": config.test_fraction,
        },
        "data": {
            "rows": dataset.n_rows,
            "features": list(dataset.feature_names),
            "target": dataset.target_name,
            "train_rows": int(training.train_rows.shape[0]),
            "test_rows": int(training.test_rows.shape[0]),
        },
        "initial": {
            "weights": _floats(training.initial_weights),
            "bias": training.initial_bias,
            "first_prediction": training.initial_first_prediction,
        },
        "checkpoints": {
            "iteration": [int(i) for i in checkpoints.iteration],
            "train_error": _floats(checkpoints.train_error),
            "test_error": None if checkpoints.test_error is None else _floats(checkpoints.test_error),
        },
        "final": {
            "weights": _floats(training.weights),
            "bias": training.bias,
            "iterations_done": training.iteration,
            "stop_reason": training.stop_reason,
            "train_accuracy": train_accuracy,
            "test_accuracy": test_accuracy,
        },
        "timing": {"train_seconds": seconds},
        # Which exp and dot product the numbers came from (NumPy's own, or plain code and
        # why), so that a person can tell whether they are the note's to the last bit.
        "kernel": numpy_primitives.describe(),
        "kernel_routines": numpy_primitives.primitives_report(),
    }


def _summary(result: dict[str, Any]) -> str:
    cfg, data, ck, final = result["config"], result["data"], result["checkpoints"], result["final"]
    lines = [
        f"Data: {cfg['data'] or 'the reference note table'} — {data['rows']} rows, "
        f"features {', '.join(data['features'])}, target {data['target']}"
        + (f" ({data['test_rows']} held out)" if data["test_rows"] else ""),
        f"Run: learning rate {cfg['alpha']}, {cfg['iterations']:,} iterations, seed {cfg['seed']}",
        f"Before training: prediction for row 1 = {result['initial']['first_prediction']:.6f}",
    ]
    if ck["iteration"]:
        lines.append(
            f"Error over the training rows: {ck['train_error'][0]:.6f} at iteration "
            f"{ck['iteration'][0]:,}, {ck['train_error'][-1]:.6f} at {ck['iteration'][-1]:,} "
            f"({len(ck['iteration'])} checkpoints)"
        )
        if ck["test_error"] is not None:
            lines.append(f"Error over the held-out rows at the end: {ck['test_error'][-1]:.6f}")
    weights = ", ".join(f"{w:.6g}" for w in final["weights"])
    lines.append(f"Final weights: [{weights}], bias {final['bias']:.6g}")
    for label, key in (("training", "train_accuracy"), ("held-out", "test_accuracy")):
        if final[key] is not None:
            lines.append(f"Accuracy on the {label} rows: {final[key]:.1%}")
    if final["stop_reason"]:
        lines.append(f"Note: {final['stop_reason']}")
    lines.append(f"Training took {result['timing']['train_seconds']:.3f} s")
    lines.append(f"Computed with {result['kernel']}")
    return "\n".join(lines)


def run_headless(argv: list[str]) -> int:
    """Run the headless command with ``argv`` (without ``--headless``); return the exit status."""
    args = _parser().parse_args(argv)
    try:
        dataset = read_csv(args.data) if args.data else note_table()
        config = TrainConfig(
            alpha=args.alpha,
            iterations=args.iterations,
            seed=args.seed,
            every=args.every,
            test_fraction=args.test_fraction,
        )
        training = Training(dataset, config)
    except DataError as exc:
        sys.stderr.write(f"{PROG}: error: {one_line(str(exc))}\n")
        return 2
    kernel.warm_up()  # load the compiled kernel before the clock starts
    started = time.perf_counter()
    checkpoints = training.advance()
    seconds = time.perf_counter() - started
    result = result_json(training, dataset, checkpoints, args.data, seconds)
    if args.json:
        print(json.dumps(result, allow_nan=False))
    else:
        print(_summary(result))
    return 0
