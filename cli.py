"""Training without a window: ``python main.py --headless``.

The command line around :mod:`model`: arguments, printing and exit codes live here, so
that the core only computes.  Prints a short summary, or with ``--json`` one JSON object
(the format is fixed by the project's design notes and relied upon by other tools).  Bad
arguments or bad data end the program with status 2 and one line on stderr; Ctrl+C with
status 130 and one line.

Memory does not grow with the number of checkpoints beyond what is printed: the summary
keeps only the first and the last, and the JSON keeps them in arrays and writes them a
piece at a time (never a Python object per number).  The JSON prints at most
``MAX_JSON_CHECKPOINTS``; a run that would print more is refused before it starts.
"""
from __future__ import annotations

import argparse
import io
import json
import math
import os
import sys
import time
from dataclasses import dataclass
from typing import Any, NoReturn, TextIO

import numpy as np

from model import kernel, numpy_primitives
from model.csvio import read_csv
from model.dataset import Dataset
from model.diagnosis import run_warnings
from model.errors import DataError
from model.examples import note_table
from model.sweep import default_jobs, parse_alphas, parse_seeds, run_sweep, sweep_configs
from model.training import (
    MAX_ITERATIONS,
    MAX_SEED,
    MAX_TEST_FRACTION,
    ParameterColumns,
    Training,
    TrainConfig,
)

PROG = "neuron-lab --headless"

#: The most checkpoints ``--json`` prints: about 250 MB of JSON, and arrays of 120 MB
#: while it is written.  (With the default interval of 100, the longest run has a million.)
MAX_JSON_CHECKPOINTS = 5_000_000

#: Exit statuses besides 0 and 2: interrupted by Ctrl+C (SIGINT), and the reader of the
#: output went away (SIGPIPE): the shell's numbers for a program those signals ended.
INTERRUPTED = 130
PIPE_CLOSED = 141

#: Numbers written at a time when the checkpoints are printed as JSON.
_PIECE = 1 << 16


def printable(text: str) -> str:
    """``text`` as any stream can print it: the bytes of a file name that are not UTF-8
    (which Python keeps as lone surrogates) as ``\\xNN``, as a shell would show them."""
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # surrogates that did not come from a file name
        raw = text.encode("utf-8", "backslashreplace")
    return raw.decode("utf-8", "backslashreplace")


def one_line(text: str) -> str:
    """``text`` on one line, whatever line breaks a file name or a cell smuggled in."""
    return " ".join(printable(text).splitlines())


def _emit(stream: TextIO, text: str) -> None:
    """Write ``text``; characters the stream's encoding lacks (an ASCII terminal, say) are
    written as backslash escapes rather than ending the program."""
    text = printable(text)
    encoding = getattr(stream, "encoding", None)
    if encoding:
        try:
            text.encode(encoding)
        except UnicodeEncodeError:
            text = text.encode(encoding, "backslashreplace").decode(encoding)
        except LookupError:
            pass
    stream.write(text)


def _error(message: str) -> int:
    _emit(sys.stderr, f"{PROG}: error: {one_line(message)}\n")
    return 2


class _Parser(argparse.ArgumentParser):
    """argparse, but a mistake is one line on stderr and exit status 2."""

    def error(self, message: str) -> NoReturn:
        _emit(sys.stderr, f"{PROG}: error: {one_line(message)} (see --help)\n")
        sys.exit(2)


def _parser() -> argparse.ArgumentParser:
    defaults = TrainConfig()
    p = _Parser(
        prog=PROG,
        description="Train the neuron without a window and print what happened.",
        epilog=f"--json prints at most {MAX_JSON_CHECKPOINTS:,} checkpoints (iterations / every); "
               "a run that would print more is refused before it starts: raise --every. "
               "Numbers that are not finite are printed as null, with a sentence in \"warnings\". "
               f"Exit status: 0 done, 2 bad arguments or data, {INTERRUPTED} interrupted (Ctrl+C).",
    )
    p.add_argument("--data", metavar="FILE.csv", help="CSV data, last column the target "
                   "(default: the reference note's table)")
    p.add_argument("--alpha", default=str(defaults.alpha),
                   help=f"learning rate (default {defaults.alpha}); several separated by commas, "
                        "or a log range start:stop:count, train one run each")
    p.add_argument("--iterations", type=int, default=defaults.iterations,
                   help=f"training steps, 1 to {MAX_ITERATIONS:,} (default {defaults.iterations})")
    p.add_argument("--seed", default=str(defaults.seed),
                   help=f"random seed, 0 to {MAX_SEED} (default {defaults.seed}); several "
                        "separated by commas, and ranges like 1-10, train one run each")
    p.add_argument("--jobs", type=int, metavar="J",
                   help="with several learning rates or seeds, train J runs at once "
                        "(default: one per core)")
    p.add_argument("--every", type=int, default=defaults.every,
                   help=f"record the error every K steps, 1 to {MAX_ITERATIONS:,} "
                        f"(default {defaults.every})")
    p.add_argument("--test-fraction", type=float, default=defaults.test_fraction,
                   help=f"share of rows held out, 0 to {MAX_TEST_FRACTION} (default 0)")
    p.add_argument("--standardize", action="store_true",
                   help="train on features standardised by the training rows' mean and "
                        "standard deviation (predictions stay in the data's units)")
    p.add_argument("--json", action="store_true",
                   help=f"print one JSON object (at most {MAX_JSON_CHECKPOINTS:,} checkpoints)")
    p.add_argument("--trace", type=int, metavar="N",
                   help=f"print the first N steps (1 to {MAX_TRACE:,}) of the run, one JSON "
                        "object per line with every number of the step (the row drawn, z, "
                        "the prediction, the error, dE_dp, dp_dz, the gradients and the new "
                        "weights and bias), and nothing else")
    return p


#: The most steps ``--trace`` prints (each is a line of a few hundred characters).
MAX_TRACE = 1_000_000


def _trace(training: Training, steps: int) -> int:
    """The first ``steps`` steps of ``training``, one JSON line each; non-finite numbers
    are null, as in the --json output."""
    for _ in range(steps):
        if training.failed:
            break
        details, _ = training.step()
        _emit(sys.stdout, json.dumps(_nulls(details.as_json()), allow_nan=False) + "\n")
    if training.failed:
        _emit(sys.stderr, f"{PROG}: {training.stop_reason}\n")
    return 0


def _nulls(value):
    """``value`` with every float that is not finite replaced by None (JSON null)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, list):
        return [_nulls(v) for v in value]
    if isinstance(value, dict):
        return {k: _nulls(v) for k, v in value.items()}
    return value


def planned_checkpoints(iterations: int, every: int) -> int:
    """How many checkpoints a run of ``iterations`` records (iterations 0, every, 2 every, ...)."""
    return (iterations - 1) // every + 1


# -- the run ------------------------------------------------------------------------------------

@dataclass
class _Record(ParameterColumns):
    """What a run recorded: all its checkpoints (for the JSON) or only the first and the
    last (for the summary), in constant memory."""

    keep_all: bool
    capacity: int
    with_test: bool
    count: int = 0
    first: tuple[int, float] | None = None
    last: tuple[int, float, float | None] | None = None

    def __post_init__(self) -> None:
        size = self.capacity if self.keep_all else 0
        self.iteration = np.empty(size, dtype=np.int64)
        self.train_error = np.empty(size)
        self.test_error = np.empty(size) if self.with_test else None
        #: the weights then the bias at each checkpoint (made with the first ones recorded)
        self.params: np.ndarray | None = None

    def add(self, part) -> None:
        n = len(part)
        if n == 0:
            return
        if self.keep_all:
            if self.params is None and part.params is not None:
                self.params = np.empty((self.iteration.shape[0], part.params.shape[1]))
            if self.count + n > self.iteration.shape[0]:  # never, when the plan was right
                self._grow(self.count + n)
            end = self.count + n
            self.iteration[self.count:end] = part.iteration
            self.train_error[self.count:end] = part.train_error
            if self.test_error is not None:
                self.test_error[self.count:end] = part.test_error
            if self.params is not None:
                self.params[self.count:end] = part.params
        if self.first is None:
            self.first = (int(part.iteration[0]), float(part.train_error[0]))
        test = None if part.test_error is None else float(part.test_error[-1])
        self.last = (int(part.iteration[-1]), float(part.train_error[-1]), test)
        self.count += n

    def diagnosis(self, training: Training) -> list[str]:
        """Sentences about a run that stopped learning (see :mod:`model.diagnosis`)."""
        if self.keep_all:
            errors = self.train_error[:self.count]
            iterations = self.iteration[:self.count]
        else:
            errors = None if self.first is None else np.array([self.first[1], self.last[1]])
            iterations = None
        return run_warnings(training.dataset, training.snapshot(), training.train_rows,
                            errors, iterations)

    def _grow(self, size: int) -> None:
        self.iteration = np.resize(self.iteration, size)
        self.train_error = np.resize(self.train_error, size)
        if self.test_error is not None:
            self.test_error = np.resize(self.test_error, size)
        if self.params is not None:
            grown = np.empty((size, self.params.shape[1]))
            grown[:self.count] = self.params[:self.count]
            self.params = grown


def _train(training: Training, keep_all: bool) -> tuple[_Record, float]:
    """Run ``training`` to its end; the record and the seconds the training took."""
    config = training.config
    record = _Record(keep_all, planned_checkpoints(config.iterations, config.every), training.has_test)
    kernel.warm_up()  # load the compiled kernel before the clock starts
    started = time.perf_counter()
    for part in training.run():
        record.add(part)
    return record, time.perf_counter() - started


# -- the JSON object ------------------------------------------------------------------------------

def _finite(value: float | None, where: str, warnings: list[str]) -> float | None:
    """``value``, or ``None`` (JSON's null) with a warning when it is not a finite number."""
    if value is None or math.isfinite(value):
        return value
    kind = "not a number (NaN)" if math.isnan(value) else "infinite"
    warnings.append(f"{where} is {kind}, which JSON cannot hold: it is written as null.")
    return None


def _finite_list(values: np.ndarray, where: str, warnings: list[str]) -> list[float | None]:
    return [_finite(float(v), f"{where}[{i}]", warnings) for i, v in enumerate(values)]


def _shown_path(path: str | None, warnings: list[str]) -> str | None:
    if path is None:
        return None
    shown = printable(path)
    if shown != path:
        warnings.append("The data file's name is not UTF-8 text: its other bytes are written "
                        "as \\xNN in config.data.")
    return shown


# Stand-ins for the checkpoint arrays in the object given to json.dumps: a string that
# holds a NUL, which JSON escapes, so that no text from a file can look the same.
_ARRAYS = ("iteration", "train_error", "test_error", "weights", "bias")
_STAND_IN = {name: f"\x00{name}\x00" for name in _ARRAYS}


def result_json(training: Training, dataset: Dataset, record: _Record, data_path: str | None,
                seconds: float) -> dict[str, Any]:
    """The headless run's JSON object, as a dict whose checkpoint lists are stand-ins (the
    arrays are in ``record``: see :func:`_write_json`)."""
    config = training.config
    warnings: list[str] = []
    train_accuracy, test_accuracy = training.accuracy()
    result = {
        "config": {
            "data": _shown_path(data_path, warnings),
            "alpha": config.alpha,
            "iterations": config.iterations,
            "seed": config.seed,
            "every": config.every,
            "test_fraction": config.test_fraction,
            "standardize": config.standardize,
        },
        "data": {
            "rows": dataset.n_rows,
            "features": list(dataset.feature_names),
            "target": dataset.target_name,
            "train_rows": int(training.train_rows.shape[0]),
            "test_rows": int(training.test_rows.shape[0]),
        },
        "initial": {
            "weights": _finite_list(training.initial_weights, "initial.weights", warnings),
            "bias": _finite(training.initial_bias, "initial.bias", warnings),
            "first_prediction": _finite(training.initial_first_prediction,
                                        "initial.first_prediction", warnings),
        },
        "checkpoints": {
            "iteration": _STAND_IN["iteration"],
            "train_error": _STAND_IN["train_error"],
            "test_error": None if record.test_error is None else _STAND_IN["test_error"],
            # The parameters right after each checkpoint's update (one list per checkpoint).
            "weights": _STAND_IN["weights"] if record.params is not None else [],
            "bias": _STAND_IN["bias"] if record.params is not None else [],
        },
        "final": {
            "weights": _finite_list(training.weights, "final.weights", warnings),
            "bias": _finite(training.bias, "final.bias", warnings),
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
        "warnings": warnings,
    }
    if dataset.target_labels is not None:
        # A target read from two text values: the text of 0, then of 1.
        result["data"]["target_labels"] = list(dataset.target_labels)
    if training.scaling is not None:
        # How the inputs were standardised (only then: the note's run prints what it did).
        result["data"]["scaling"] = training.scaling.as_json()
        # The same neuron for inputs in the data's own units, for checking by hand.
        weights, bias = training.scaling.fold(training.weights, training.bias)
        result["final"]["original_units"] = {
            "weights": _finite_list(weights, "final.original_units.weights", warnings),
            "bias": _finite(bias, "final.original_units.bias", warnings)}
    warnings.extend(record.diagnosis(training))
    for name in ("train_error", "test_error", "weights", "bias"):
        values = getattr(record, name)
        if values is not None and not np.isfinite(values[:record.count]).all():
            warnings.append(f"Some of checkpoints.{name} are not finite numbers, which JSON "
                            "cannot hold: they are written as null.")
    return result


def _array_pieces(values: np.ndarray):
    """``values`` as the text of a JSON array, in pieces: the same text ``json.dumps`` gives
    for the list (floats as ``repr``), with null for a number that is not finite.  A 2-D
    array is a list of lists, one per row."""
    if values.ndim == 2:
        yield "["
        for start in range(0, values.shape[0], _PIECE // max(1, values.shape[1])):
            rows = values[start:start + _PIECE // max(1, values.shape[1])]
            text = ", ".join("[" + ", ".join(repr(v) if math.isfinite(v) else "null"
                                             for v in row) + "]" for row in rows.tolist())
            yield (", " if start else "") + text
        yield "]"
        return
    yield "["
    for start in range(0, values.shape[0], _PIECE):
        piece = values[start:start + _PIECE]
        if piece.dtype.kind != "f":
            items = map(str, piece.tolist())
        elif np.isfinite(piece).all():
            items = map(repr, piece.tolist())
        else:
            items = (repr(v) if math.isfinite(v) else "null" for v in piece.tolist())
        yield (", " if start else "") + ", ".join(items)
    yield "]"


def _write_json(stream: TextIO, result: dict[str, Any], record: _Record, end: str = "\n") -> None:
    """``result`` as ``json.dumps`` would write it, the checkpoint arrays put in piece by piece."""
    text = json.dumps(result, allow_nan=False)
    for name in _ARRAYS:
        values = getattr(record, name)
        if values is None or (name in ("weights", "bias") and record.params is None):
            continue
        before, marker, text = text.partition(json.dumps(_STAND_IN[name]))
        assert marker, name
        stream.write(before)
        for piece in _array_pieces(values[:record.count]):
            stream.write(piece)
    stream.write(text + end)


# -- the summary ---------------------------------------------------------------------------------

def _number(value: float | None, spec: str) -> str:
    if value is None or math.isnan(value):
        return "not a number"
    return format(value, spec)


def _summary(training: Training, dataset: Dataset, record: _Record, data_path: str | None,
             seconds: float) -> str:
    config = training.config
    test_rows = int(training.test_rows.shape[0])
    lines = [
        f"Data: {data_path or 'the reference note table'} — {dataset.n_rows} rows, "
        f"features {', '.join(dataset.feature_names)}, target {dataset.target_name}"
        + (f" (0 = {dataset.target_labels[0]}, 1 = {dataset.target_labels[1]})"
           if dataset.target_labels else "")
        + (f" ({test_rows} held out)" if test_rows else ""),
        f"Run: learning rate {config.alpha}, {config.iterations:,} iterations, seed {config.seed}"
        + (", standardised features" if config.standardize else ""),
        f"Before training: prediction for row 1 = "
        f"{_number(training.initial_first_prediction, '.6f')}",
    ]
    if record.first is not None and record.last is not None:
        (i0, e0), (i1, e1, test) = record.first, record.last
        lines.append(
            f"Error over the training rows: {_number(e0, '.6f')} at iteration {i0:,}, "
            f"{_number(e1, '.6f')} at {i1:,} ({record.count:,} checkpoints)"
        )
        if test is not None:
            lines.append(f"Error over the held-out rows at the end: {_number(test, '.6f')}")
    weights = ", ".join(_number(w, ".6g") for w in training.weights.tolist())
    lines.append(f"Final weights: [{weights}], bias {_number(training.bias, '.6g')}")
    for label, value in zip(("training", "held-out"), training.accuracy()):
        if value is not None:
            lines.append(f"Accuracy on the {label} rows: {value:.1%}")
    if training.stop_reason:
        lines.append(f"Note: {training.stop_reason}")
    if training.scaling is not None:
        lines.append("Trained on standardised features (each column minus its mean over "
                     "the training rows, divided by its standard deviation)")
    for warning in record.diagnosis(training):
        lines.append(f"Warning: {warning}")
    lines.append(f"Training took {seconds:.3f} s")
    lines.append(f"Computed with {numpy_primitives.describe()}")
    return "\n".join(lines)


# -- the command --------------------------------------------------------------------------------

def run_headless(argv: list[str]) -> int:
    """Run the headless command with ``argv`` (without ``--headless``); return the exit status."""
    try:
        return _run(argv)
    except KeyboardInterrupt:
        _emit(sys.stderr, f"{PROG}: interrupted\n")
        return INTERRUPTED
    except BrokenPipeError:
        # Whoever read the output stopped (``| head``): nothing more to say, and nowhere to
        # say it.  Python's own flush at exit must not complain about the closed pipe either.
        _silence_stdout()
        return PIPE_CLOSED


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        pass  # not a real file (a test's StringIO): nothing to silence


def _run_sweep(args, configs: list[TrainConfig]) -> int:
    """Several runs, trained ``--jobs`` at a time; one summary line per run, or with
    ``--json`` the ``runs`` object."""
    if args.trace is not None:
        raise DataError("--trace follows one run: give one learning rate and one seed")
    if args.jobs is not None and args.jobs < 1:
        raise DataError(f"--jobs must be 1 or more, not {args.jobs}")
    planned = len(configs) * planned_checkpoints(configs[0].iterations, configs[0].every)
    if args.json and planned > MAX_JSON_CHECKPOINTS:
        raise DataError(
            f"--json would print {planned:,} checkpoints over {len(configs)} runs, more than the "
            f"{MAX_JSON_CHECKPOINTS:,} it prints at most: raise --every, or ask for fewer runs")
    dataset = read_csv(args.data) if args.data is not None else note_table()
    capacity = planned_checkpoints(configs[0].iterations, configs[0].every)
    records: list[_Record | None] = [None] * len(configs)

    def on_chunk(index: int, training: Training, part) -> None:
        # Called on the run's own thread; each run touches only its own record.
        if records[index] is None:
            records[index] = _Record(args.json, capacity, training.has_test)
        records[index].add(part)

    kernel.warm_up()
    started = time.perf_counter()
    results = run_sweep(dataset, configs, args.jobs or default_jobs(), on_chunk=on_chunk)
    wall = time.perf_counter() - started
    for index, result in enumerate(results):
        if records[index] is None:
            records[index] = _Record(args.json, capacity, result.training.has_test)
    if args.json:
        out = sys.stdout
        out.write('{"runs": [')
        for index, result in enumerate(results):
            if index:
                out.write(", ")
            _write_json(out, result_json(result.training, dataset, records[index], args.data,
                                         result.seconds), records[index], end="")
        out.write("], " + json.dumps({"timing": {"wall_seconds": wall}})[1:] + "\n")
    else:
        lines = [f"{len(results)} runs on {args.data or 'the reference note table'} "
                 f"({args.jobs or default_jobs()} at a time), {wall:.3f} s in all:"]
        for result in results:
            t, record = result.training, records[result.index]
            last = "—" if record.last is None else _number(record.last[1], ".6f")
            accuracy = t.accuracy()[0]
            lines.append(f"  learning rate {t.config.alpha:<10g} seed {t.config.seed:<10} "
                         f"final error {last:<12} "
                         + ("" if accuracy is None else f"accuracy {accuracy:.1%}  ")
                         + f"{result.seconds:.3f} s")
        _emit(sys.stdout, "\n".join(lines) + "\n")
    sys.stdout.flush()
    return 0


def _run(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    if args.data is not None and not args.data:
        return _error("--data was given an empty file name; leave --data out to use the "
                      "reference note's table")
    try:
        alphas, seeds = parse_alphas(args.alpha), parse_seeds(args.seed)
        config = TrainConfig(alpha=alphas[0], iterations=args.iterations, seed=seeds[0],
                             every=args.every, test_fraction=args.test_fraction,
                             standardize=args.standardize)
        config.validate()
        if len(alphas) * len(seeds) > 1:
            return _run_sweep(args, sweep_configs(config, alphas, seeds))
        if args.jobs is not None and args.jobs < 1:
            raise DataError(f"--jobs must be 1 or more, not {args.jobs}")
        planned = planned_checkpoints(config.iterations, config.every)
        if args.json and planned > MAX_JSON_CHECKPOINTS:
            least = -(-config.iterations // MAX_JSON_CHECKPOINTS)
            raise DataError(
                f"--json would print {planned:,} checkpoints, more than the "
                f"{MAX_JSON_CHECKPOINTS:,} it prints at most: raise --every to {least:,} or "
                "more (or leave out --json for a summary)")
        if args.trace is not None and not 1 <= args.trace <= MAX_TRACE:
            raise DataError(f"--trace must be a whole number of steps from 1 to {MAX_TRACE:,}, "
                            f"not {args.trace}")
        if args.trace is not None and args.json:
            raise DataError("--trace and --json are two kinds of output: give one of them")
        dataset = read_csv(args.data) if args.data is not None else note_table()
        training = Training(dataset, config)
    except DataError as exc:
        return _error(str(exc))
    if args.trace is not None:
        code = _trace(training, args.trace)
        sys.stdout.flush()
        return code
    record, seconds = _train(training, keep_all=args.json)
    if args.json:
        _write_json(sys.stdout, result_json(training, dataset, record, args.data, seconds), record)
    else:
        summary = _summary(training, dataset, record, args.data, seconds)
        _emit(sys.stdout, summary + "\n")
    sys.stdout.flush()  # a closed pipe is found here, not at exit
    return 0
