"""Sessions: the data, the parameters, the trained neuron and its error history in one file.

The file is JSON (never pickle), documented in ``docs/session-format.md``::

    {"format": "neuron-lab-session", "version": 3,
     "data": {"columns": [...], "rows": [[...], ...], "row_ids": [...]},
     "parameters": {"alpha", "iterations", "seed", "every", "test_fraction"},
     "run": null or {"data": "table" or {"columns", "rows"}, "state": {...},
                     "history": {"iteration", "train_error", "test_error" or null}},
     "runs": [kept runs, see model.runs.kept_json], "current_run": its number or null}

Numbers are written exactly (JSON floats round-trip in Python), and the run's full random
state is kept, so training continued after opening a session is the same as training
continued without ever having closed it.  Writing is atomic.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .csvio import write_text_atomically
from .dataset import Dataset
from .errors import DataError
from .files import MAX_SESSION_BYTES, read_file_bytes
from .history import History
from .runs import KeptRun, kept_from_json, kept_json
from .training import Checkpoints, Training, TrainConfig

FORMAT = "neuron-lab-session"
VERSION = 3
SUFFIX = ".neuronlab"


@dataclass
class Session:
    """What a session file holds."""

    dataset: Dataset
    config: TrainConfig
    training: Training | None = None
    history: Checkpoints | None = None
    #: every kept run (format 3 on; older files have none)
    runs: list[KeptRun] = field(default_factory=list)
    #: the kept run that ``training`` is (None: none is)
    current: int | None = None


def _table_json(dataset: Dataset) -> dict[str, Any]:
    rows = np.column_stack([dataset.features, dataset.target]).tolist()
    table = {"columns": list(dataset.column_names), "rows": rows,
             "row_ids": dataset.row_ids.tolist()}
    if dataset.target_labels is not None:
        table["target_labels"] = list(dataset.target_labels)
    return table


def _row_ids(ids: Any, n_rows: int) -> np.ndarray | None:
    """The saved row ids (None when the file has none: format 1), or ValueError."""
    if ids is None:
        return None
    if (not isinstance(ids, list) or len(ids) != n_rows
            or not all(isinstance(i, int) and not isinstance(i, bool) and 0 <= i < 2**62
                       for i in ids)):
        raise ValueError(f"the row ids are not {n_rows} whole numbers from 0 to 2**62")
    array = np.array(ids, dtype=np.int64)
    if np.unique(array).size != n_rows:
        raise ValueError("two rows have the same id")
    return array


def _table_from_json(table: Any, what: str) -> Dataset:
    try:
        columns = [str(c) for c in table["columns"]]
        values = np.array(table["rows"], dtype=np.float64)
        if len(columns) < 2:
            raise ValueError("a table needs at least one feature column and the target")
        if values.ndim != 2 or values.shape[1] != len(columns):
            raise ValueError("the rows do not match the columns")
        ids = _row_ids(table.get("row_ids"), values.shape[0])
        labels = table.get("target_labels")
        if labels is not None and (not isinstance(labels, list)
                                   or not all(isinstance(t, str) for t in labels)):
            raise ValueError("the target's texts are not a list of two texts")
    except (KeyError, TypeError, ValueError, OverflowError, IndexError, AttributeError) as exc:
        raise DataError(f"the {what} in the session is damaged ({exc})") from None
    return Dataset.from_arrays(values[:, :-1], values[:, -1], columns[:-1], columns[-1], ids,
                               labels)


def _numbers(values: Any, what: str, whole: bool = False) -> list:
    """A list of finite numbers (whole ones, if asked), or ValueError saying what it is not."""
    kinds = (int,) if whole else (int, float)
    if not isinstance(values, list) or not all(
        isinstance(v, kinds) and not isinstance(v, bool) and np.isfinite(v) for v in values
    ):
        raise ValueError(f"the {what} in the history are not a list of numbers")
    if whole and not all(0 <= v < 2**63 for v in values):
        raise ValueError(f"the {what} in the history are out of range")
    return values


def _params(values: Any, n: int, width: int) -> np.ndarray | None:
    """The parameters at each checkpoint (missing before format 3: None), or ValueError."""
    if values is None:
        return None
    if (not isinstance(values, list) or len(values) != n
            or not all(isinstance(row, list) and len(row) == width for row in values)):
        raise ValueError(f"the parameters in the history are not {n} lists of {width} numbers")
    array = np.array(values, dtype=np.float64).reshape(n, width)
    if not np.isfinite(array).all():
        raise ValueError("the parameters in the history are not all finite")
    return array


def session_json(session: Session) -> str:
    """The session as the text of a session file."""
    c = session.config
    run = None
    if session.training is not None:
        training = session.training
        same = (training.dataset.column_names == session.dataset.column_names
                and np.array_equal(training.dataset.features, session.dataset.features)
                and np.array_equal(training.dataset.target, session.dataset.target)
                and np.array_equal(training.dataset.row_ids, session.dataset.row_ids)
                and training.dataset.target_labels == session.dataset.target_labels)
        history = session.history or Checkpoints.concatenate([], training.has_test)
        run = {
            "data": "table" if same else _table_json(training.dataset),
            "state": training.state(),
            "history": {
                "iteration": history.iteration.tolist(),
                "train_error": history.train_error.tolist(),
                "test_error": None if history.test_error is None else history.test_error.tolist(),
                "params": None if history.params is None else history.params.tolist(),
            },
        }
    document = {
        "format": FORMAT,
        "version": VERSION,
        "data": _table_json(session.dataset),
        "parameters": {"alpha": c.alpha, "iterations": c.iterations, "seed": c.seed,
                       "every": c.every, "test_fraction": c.test_fraction,
                       "standardize": c.standardize},
        "run": run,
        # The current run's curve is the run's history above: not written twice.
        "runs": [kept_json(r, with_curve=r.number != session.current or run is None)
                 for r in session.runs],
        "current_run": session.current if run is not None else None,
    }
    import json  # here and below, not at the top: 2-3 ms of the window's start-up otherwise

    return json.dumps(document, allow_nan=False, indent=1)


def parse_session(text: str, source: str | None = None) -> Session:
    """A session from the text of a session file; :class:`DataError` if it is damaged,
    not a session, or from a newer version of Neuron Lab."""
    import json

    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(f"this is not a session file, or it is damaged ({exc.msg})",
                        line=exc.lineno, column=exc.colno, source=source) from None
    except RecursionError:
        raise DataError("the session file is damaged (its values are nested too deeply)",
                        source=source) from None
    except ValueError as exc:  # e.g. an integer of thousands of digits
        raise DataError(f"the session file is damaged ({exc})", source=source) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise DataError("this is not a Neuron Lab session file", source=source)
    version = document.get("version")
    if not isinstance(version, int) or version < 1:
        raise DataError("the session file is damaged (no version)", source=source)
    if version > VERSION:
        raise DataError(f"this session was saved by a newer Neuron Lab (format {version}; "
                        f"this one reads up to {VERSION}): please update", source=source)
    try:
        dataset = _table_from_json(document["data"], "data")
        config = TrainConfig(**document["parameters"])
        config.validate()
        training = history = None
        run = document.get("run")
        if run is not None:
            run_data = dataset if run["data"] == "table" else _table_from_json(run["data"], "run's data")
            state = run["state"]
            if (version == 1 and isinstance(state, dict) and isinstance(state.get("config"), dict)
                    and state["config"].get("test_fraction")):
                # Format 1 chose held-out rows another way: the run keeps that way, so
                # that it continues exactly as it would have.
                state = {**state, "config": {**state["config"], "legacy_split": True}}
            training = Training.restore(run_data, state)
            h = run["history"]
            history = Checkpoints(
                np.array(_numbers(h["iteration"], "iterations", whole=True), dtype=np.int64),
                np.array(_numbers(h["train_error"], "training errors"), dtype=np.float64),
                None if h["test_error"] is None
                else np.array(_numbers(h["test_error"], "held-out errors"), dtype=np.float64),
                _params(h.get("params"), len(h["iteration"]),
                        training.weights.shape[0] + 1),
            )
            if len(history.train_error) != len(history) or (
                history.test_error is not None and len(history.test_error) != len(history)
            ):
                raise ValueError("the error history is uneven")
        runs, current = _kept_runs(document, training is not None) if version >= 3 else ([], None)
    except DataError as exc:
        raise DataError(exc.message, source=source) from None
    except (KeyError, TypeError, ValueError, OverflowError, IndexError, RecursionError) as exc:
        raise DataError(f"the session file is damaged ({exc})", source=source) from None
    return Session(dataset, config, training, history, runs, current)


def _kept_runs(document: dict, has_run: bool) -> tuple[list[KeptRun], int | None]:
    saved = document.get("runs", [])
    if not isinstance(saved, list):
        raise ValueError("the kept runs are not a list")
    current = document.get("current_run")
    if current is not None and (not has_run or not isinstance(current, int)
                                or isinstance(current, bool)):
        raise ValueError("the current run's number does not fit")
    runs = []
    for item in saved:
        is_current = isinstance(item, dict) and item.get("number") == current
        # The current run's curve is the session's run history (attached when opened).
        runs.append(kept_from_json(item, History(False) if is_current else None))
    numbers = [r.number for r in runs]
    if len(set(numbers)) != len(numbers):
        raise ValueError("two kept runs have the same number")
    if current is not None and current not in numbers:
        current = None
    return runs, current


def save_session(path: str | Path, session: Session) -> None:
    """Write a session file atomically."""
    write_text_atomically(path, session_json(session))


def load_session(path: str | Path) -> Session:
    """Read a session file; :class:`DataError` with a clear message if it cannot.

    Only a regular file of at most ``MAX_SESSION_BYTES`` is read, and one whose first block
    is not text is refused before the rest is read (see :func:`model.files.read_file_bytes`).
    """
    path = Path(path)
    raw = read_file_bytes(path, MAX_SESSION_BYTES, "session")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise DataError("this is not a session file (it is not UTF-8 text)", source=path.name) from None
    del raw
    return parse_session(text, source=path.name)
