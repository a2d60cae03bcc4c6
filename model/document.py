"""The document: what a person is working on, owned in one place and observed by the views.

A :class:`Document` holds the table (column names and a float64 array, features then the
target), the training parameters, the current run (a :class:`Run`: the table it started
on, its latest state and its history), and the file it belongs to.  It changes only
through its methods, and each change is announced through an :class:`Event`: the window's
views subscribe and redraw, they never keep copies of their own.  Nothing here knows
about Qt; the edits' undo history is the GUI's (an undo command calls these methods).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

import numpy as np

from .dataset import Dataset
from .diagnosis import run_warnings, warnings_with
from .errors import DataError
from .events import Event
from .history import History
from .runs import KeptRun, RunBook, fingerprint
from .session import Session
from .step import StepDetails
from .training import (
    Checkpoints,
    RunState,
    Training,
    TrainConfig,
    above_half,
    accuracy,
    initial_state,
    run_split,
    split_rows,
)
from .landscape import chosen_start


@dataclass(frozen=True)
class Change:
    """What an edit of the table did, so that a view can update just that part.

    ``kind`` is ``"cells"`` (values in ``rows`` x ``columns`` changed), ``"insert"`` or
    ``"remove"`` (the contiguous rows ``first``..``last``), or ``"reset"`` (anything,
    the columns too).
    """

    kind: Literal["cells", "insert", "remove", "reset"]
    first: int = 0
    last: int = -1
    columns: tuple[int, ...] = ()


@dataclass
class Run:
    """The current run as the window knows it: the table it trains on (copied when it
    started), its latest state (handed over by the worker at a chunk boundary), and every
    checkpoint recorded so far.  It is only ever replaced or extended on the GUI thread."""

    dataset: Dataset
    state: RunState
    history: History
    #: its number in the document's kept runs (None until it is kept)
    number: int | None = None
    #: False when its history came from a kept run's display copy (rewinding is then only
    #: approximate, and branching from it is refused)
    exact: bool = True
    train_rows: np.ndarray = field(init=False)
    test_rows: np.ndarray = field(init=False)
    #: (iteration, accuracies) measured by the worker at the run's end
    _accuracy: tuple | None = field(default=None, init=False, repr=False)
    #: (iteration, the sentence about saturation or None) worked out there too
    _saturation: tuple | None = field(default=None, init=False, repr=False)
    _warnings: tuple | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.train_rows, self.test_rows = run_split(self.dataset, self.state.config)

    @classmethod
    def fresh(cls, dataset: Dataset, state: RunState) -> Run:
        """A run about to start from ``state``, with an empty history of the right kind,
        its room reserved for the checkpoints the run plans."""
        run = cls(dataset, state, History(with_test=False))
        c = state.config
        run.history = History(with_test=run.has_test, expect=(c.iterations - 1) // c.every + 1,
                              width=state.weights.shape[0] + 1)
        return run

    @property
    def has_test(self) -> bool:
        return self.test_rows.size > 0

    def accuracy(self, weights=None, bias=None) -> tuple[float | None, float | None]:
        """Share of training and of held-out rows on the right side of 0.5 (None where it
        does not apply), for the run's state or the parameters given (a rewound model).
        At a run's end the worker has measured it already (:meth:`Document.run_ended`)."""
        if weights is None and self._accuracy is not None and \
                self._accuracy[0] == self.state.iteration:
            return self._accuracy[1]
        x, y = self.dataset.features, self.dataset.target
        if weights is None:
            weights, bias = self.state.weights, self.state.bias
        features = x if self.state.scaling is None else self.state.scaling.apply(x)
        # which side of 0.5 each output is on, as p >= 0.5 says (see above_half)
        p = above_half(features, np.asarray(weights), float(bias)).astype(np.float64)
        return (accuracy(p[self.train_rows], y[self.train_rows]),
                accuracy(p[self.test_rows], y[self.test_rows]))

    def warnings(self) -> list[str]:
        """Plain sentences when the run stopped learning: saturated predictions, vanished
        gradients, a flat error (see :mod:`model.diagnosis`); empty when all is well.
        Worked out once per state of the run (a pass over every training row)."""
        cached = self._warnings
        if cached is None or cached[0] is not self.state or cached[1] != len(self.history):
            errors, iterations = self.history.train_error, self.history.iteration
            if self._saturation is not None and self._saturation[0] == self.state.iteration:
                found = warnings_with(self._saturation[1], self.dataset, self.state, errors,
                                      iterations)
            else:
                found = run_warnings(self.dataset, self.state, self.train_rows, errors,
                                     iterations)
            cached = self._warnings = (self.state, len(self.history), found)
        return list(cached[2])


class Document:
    """The table, the parameters, the run and the file.

    Events (each called with no argument unless said):

    - ``table_about_to_change(change)`` and ``table_changed(change)``: around every edit
      of the table (a bulk edit is one ``"cells"`` change, or one ``"reset"``);
    - ``config_changed``: the parameters were set;
    - ``run_changed``: a run started, was replaced or forgotten (not on every batch);
    - ``run_progressed(checkpoints or None)``: the current run has a newer state, and
      these new checkpoints (and, after a step taken one at a time, :attr:`step`);
    - ``file_changed``: the document's file or name changed.
    """

    def __init__(self, dataset: Dataset, name: str = "The note's table") -> None:
        self.table_about_to_change = Event()
        self.table_changed = Event()
        self._table_print: str | None = None
        self.table_changed.connect(self._table_edited)
        self.config_changed = Event()
        self.run_changed = Event()
        self.run_progressed = Event()
        self.file_changed = Event()
        self._names = list(dataset.column_names)
        self._values = _table(dataset)
        # Each row's id stays with it while rows are added and deleted around it, so that
        # whether it is held out (decided from its id and the seed) never changes under it.
        self._ids = np.array(dataset.row_ids, dtype=np.int64)
        self._next_id = _next_id(self._ids)
        self._labels = dataset.target_labels
        self._config = TrainConfig()
        self._run: Run | None = None
        self._step: StepDetails | None = None
        #: the checkpoint shown instead of the run's latest state (an index into its history)
        self._rewound: int | None = None
        #: announced when the model shown changes without the run changing (a rewind)
        self.shown_changed = Event()
        #: every run made, to compare (the current one among them)
        self.runs = RunBook()
        self._path: Path | None = None
        self._name = name

    # -- the table -----------------------------------------------------------------
    @property
    def values(self) -> np.ndarray:
        """The table's numbers, features then target (a read-only view)."""
        view = self._values.view()
        view.flags.writeable = False
        return view

    @property
    def names(self) -> list[str]:
        return list(self._names)

    def column_name(self, column: int) -> str:
        return self._names[column]

    @property
    def n_rows(self) -> int:
        return int(self._values.shape[0])

    @property
    def n_features(self) -> int:
        return len(self._names) - 1

    @property
    def row_ids(self) -> np.ndarray:
        """Each row's id (a read-only view): whole numbers that stay with their rows."""
        view = self._ids.view()
        view.flags.writeable = False
        return view

    def dataset(self) -> Dataset:
        """The table as a checked :class:`Dataset` (a copy)."""
        return Dataset.from_arrays(self._values[:, :-1], self._values[:, -1],
                                   self._names[:-1], self._names[-1], self._ids, self._labels)

    @property
    def target_labels(self) -> tuple[str, str] | None:
        """The texts the target's 0 and 1 stand for (None: the target is numbers)."""
        return self._labels

    def swap_target_labels(self, old: np.ndarray | None = None) -> np.ndarray:
        """Turn a text target round: the other text becomes 1 (each target ``y`` becomes
        ``1 - y``, or ``old`` when undoing).  One ``"cells"`` change of the target column.
        Returns the target column as it was, for undoing."""
        if self._labels is None:
            raise DataError("the target is numbers, not two text values: there is nothing to swap")
        column = len(self._names) - 1
        before = self._values[:, column].copy()
        change = Change("cells", 0, self.n_rows - 1, (column,))
        self.table_about_to_change.emit(change)
        self._labels = (self._labels[1], self._labels[0])
        self._values[:, column] = 1.0 - before if old is None else old
        self.table_changed.emit(change)
        return before

    def held_out(self) -> np.ndarray:
        """Which rows the parameters as set now would hold out of training."""
        mask = np.zeros(self.n_rows, dtype=bool)
        c = self._config
        mask[split_rows(self.n_rows, c.test_fraction, c.seed, self._ids)[1]] = True
        return mask

    def write_rows(self, rows: list[int], left: int, block: np.ndarray) -> np.ndarray:
        """Write the rows of ``block`` into the data rows ``rows`` (in any order) from column
        ``left`` on; block rows beyond ``len(rows)`` become new rows at the end.  At most two
        changes (the new rows, then the cells).  Returns the old values of ``rows``, for
        :meth:`unwrite_rows`."""
        block = np.atleast_2d(np.asarray(block, dtype=np.float64))
        rows = [int(r) for r in rows]
        width = block.shape[1]
        if (left < 0 or left + width > len(self._names) or len(rows) > block.shape[0]
                or any(not 0 <= r < self.n_rows for r in rows)):
            raise DataError("the block does not fit the table")
        old = self._values[rows, left:left + width].copy()
        added = block.shape[0] - len(rows)
        if added:
            at = self.n_rows
            self._insert(at, np.zeros((added, len(self._names))), None)
            rows = rows + list(range(at, at + added))
        change = Change("cells", min(rows), max(rows), tuple(range(left, left + width)))
        self.table_about_to_change.emit(change)
        self._values[rows, left:left + width] = block
        self.table_changed.emit(change)
        return old

    def unwrite_rows(self, rows: list[int], left: int, old: np.ndarray, added: int) -> None:
        """Undo :meth:`write_rows`: the old values back, the ``added`` rows at the end gone."""
        if added:
            self._remove_range(self.n_rows - added, self.n_rows - 1)
        if rows:
            rows = [int(r) for r in rows]
            change = Change("cells", min(rows), max(rows), tuple(range(left, left + old.shape[1])))
            self.table_about_to_change.emit(change)
            self._values[rows, left:left + old.shape[1]] = old
            self.table_changed.emit(change)

    def insert_rows(self, at: int, rows: np.ndarray, ids: np.ndarray | None = None) -> np.ndarray:
        """Insert ``rows`` (each features then target) before row ``at``, with the row ids
        ``ids`` (new ones by default: pass back the returned ids to redo an insertion
        exactly).  Returns the rows' ids."""
        return self._insert(at, np.atleast_2d(np.asarray(rows, dtype=np.float64)), ids)

    def remove_rows(self, rows: list[int]) -> np.ndarray:
        """Remove the given rows; returns them (in ascending row order) for undoing
        (their ids: :attr:`row_ids` before the removal)."""
        rows = sorted(set(rows))
        removed = self._values[rows].copy()
        for first, last in reversed(_runs(rows)):
            self._remove_range(first, last)
        return removed

    def restore_rows(self, rows: list[int], values: np.ndarray,
                     ids: np.ndarray | None = None) -> None:
        """Undo :meth:`remove_rows`: put ``values`` back at the sorted ``rows``, with the
        ids they had (``ids``, in the same order) so they are held out as before."""
        rows = sorted(rows)
        start = 0
        for first, last in _runs(rows):
            count = last - first + 1
            self._insert(first, values[start:start + count],
                         None if ids is None else ids[start:start + count])
            start += count

    def replace_table(self, names: list[str], values: np.ndarray,
                      ids: np.ndarray | None = None,
                      labels: tuple[str, str] | None = None) -> None:
        """Replace the whole table (columns too): one ``"reset"`` change.  The rows get the
        ids ``ids`` (``0 .. n-1`` by default, as a file read headless gets); ``labels`` are
        the texts of a text target's 0 and 1."""
        change = Change("reset")
        values = np.array(values, dtype=np.float64, copy=True)
        ids = (np.arange(values.shape[0], dtype=np.int64) if ids is None
               else np.array(ids, dtype=np.int64))
        self.table_about_to_change.emit(change)
        self._names = list(names)
        self._values = values
        self._ids = ids
        self._next_id = max(self._next_id, _next_id(ids))
        self._labels = labels
        self.table_changed.emit(change)

    def _insert(self, at: int, rows: np.ndarray, ids: np.ndarray | None) -> np.ndarray:
        if ids is None:
            ids = np.arange(self._next_id, self._next_id + rows.shape[0], dtype=np.int64)
        ids = np.asarray(ids, dtype=np.int64)
        self._next_id = max(self._next_id, _next_id(ids))
        change = Change("insert", at, at + rows.shape[0] - 1)
        self.table_about_to_change.emit(change)
        self._values = np.concatenate([self._values[:at], rows, self._values[at:]])
        self._ids = np.concatenate([self._ids[:at], ids, self._ids[at:]])
        self.table_changed.emit(change)
        return ids.copy()

    def _remove_range(self, first: int, last: int) -> None:
        change = Change("remove", first, last)
        self.table_about_to_change.emit(change)
        self._values = np.delete(self._values, np.s_[first:last + 1], axis=0)
        self._ids = np.delete(self._ids, np.s_[first:last + 1])
        self.table_changed.emit(change)

    # -- the parameters -------------------------------------------------------------
    @property
    def config(self) -> TrainConfig:
        return self._config

    def set_config(self, config: TrainConfig) -> None:
        if config != self._config:
            self._config = config
            self.config_changed.emit()

    # -- the run -----------------------------------------------------------------------
    @property
    def run(self) -> Run | None:
        return self._run

    def set_run(self, run: Run | None) -> None:
        previous = self._run
        self._run = run
        self._step = None
        self._rewound = None
        if previous is not None and (run is None or previous.number != run.number):
            kept = self.runs.get(previous.number)
            if kept is not None and not kept.running:
                kept.compact()  # no longer the current run: a display copy is enough
        self.run_changed.emit()

    # -- kept runs -------------------------------------------------------------------------
    def keep_run(self, run: Run, on_table: bool = True) -> KeptRun:
        """Make ``run`` (about to be trained) a kept run, or find the one it continues.
        ``on_table``: the run trains on the table as it is now (then its fingerprint is the
        table's, hashed once per edit, not once per run)."""
        print_ = self.table_fingerprint(run.dataset) if on_table else fingerprint(run.dataset)
        kept = self.runs.get(run.number)
        if kept is None:
            kept = self.runs.add(run.state.config, print_, run.state,
                                 run.history, running=True, train_rows=int(run.train_rows.size),
                                 columns=tuple(run.dataset.column_names))
            run.number = kept.number
        else:
            kept.running = True
            if kept.history is not run.history:
                kept.attach(run.history)
            kept.fingerprint = print_
            self.runs.touch(kept)
        return kept

    def run_ended(self, seconds: float, accuracies=None, saturation: str | None = None) -> None:
        """The current run's training ended after ``seconds`` more of training; its
        ``accuracies`` (training, held-out) and ``saturation`` (the sentence about it, or
        None: see :func:`model.diagnosis.end_of_run`), measured by the worker, when it sent
        them."""
        run = self._run
        if run is not None and accuracies is not None:
            run._accuracy = (run.state.iteration, tuple(accuracies))
            run._saturation = (run.state.iteration, saturation)
        kept = None if run is None else self.runs.get(run.number)
        if kept is None:
            return
        self.update_kept(kept, run.state, seconds,
                         run.accuracy() if run.state.weights.shape[0] == run.dataset.n_features
                         else (None, None))
        kept.running = False
        self.runs.touch(kept)

    @staticmethod
    def update_kept(kept: KeptRun, state: RunState, seconds: float, accuracies) -> None:
        """A kept run's state, time, final errors and ``accuracies`` (training, held-out)
        after its training."""
        kept.state = state
        kept.seconds += seconds
        _, train, test = kept.curve()
        kept.train_error = float(train[-1]) if len(train) else None
        kept.test_error = float(test[-1]) if test is not None and len(test) else None
        kept.train_accuracy, kept.test_accuracy = accuracies

    def show_kept(self, number: int) -> str | None:
        """Make kept run ``number`` the current run: its parameters in the boxes, its neuron
        in every view, its curve bold; Continue then goes on with it.  Returns why it cannot
        (None when it could)."""
        kept = self.runs.get(number)
        if kept is None:
            return "There is no such run."
        if self._run is not None and self._run.number == number:
            return None
        if kept.running:
            return f"{kept.label} is still training."
        if kept.state.weights.shape[0] != self.n_features:
            return (f"{kept.label} was trained on {kept.state.weights.shape[0]} features; the "
                    f"table has {self.n_features}.")
        checkpoints = kept.checkpoints()
        history = History(checkpoints.test_error is not None)
        history.extend(checkpoints)
        run = Run(self.dataset(), kept.state, history, number=kept.number, exact=kept.exact)
        self.set_config(kept.config)
        self.set_run(run)
        return None

    # -- rewinding -----------------------------------------------------------------------------
    @property
    def rewound(self) -> int | None:
        """The index (into the current run's history) of the checkpoint shown, or None when
        the run's latest state is shown."""
        return self._rewound

    def rewind_to(self, iteration: int | None) -> str | None:
        """Show the model of the current run's checkpoint at ``iteration`` (the nearest one
        at or before it); None goes back to the latest state.  Returns why it cannot."""
        run = self._run
        if iteration is None:
            if self._rewound is not None:
                self._rewound = None
                self.shown_changed.emit()
            return None
        if run is None or not len(run.history):
            return "There is no run to rewind: press Train."
        if run.history.params is None:
            return "This run's checkpoints have no parameters kept (an older session)."
        index = int(np.searchsorted(run.history.iteration, iteration, side="right")) - 1
        index = max(0, min(index, len(run.history) - 1))
        if index == len(run.history) - 1 and run.history.iteration[index] + 1 == run.state.iteration:
            index_or_none = None  # the last checkpoint is the state now
        else:
            index_or_none = index
        if index_or_none != self._rewound:
            self._rewound = index_or_none
            self.shown_changed.emit()
        return None

    def rewound_iteration(self) -> int | None:
        return None if self._rewound is None else int(self._run.history.iteration[self._rewound])

    def shown_parameters(self) -> tuple[np.ndarray, float] | None:
        """The weights and the bias of the model shown (None without a run)."""
        run = self._run
        if run is None:
            return None
        if self._rewound is not None:
            params = run.history.params[self._rewound]
            return np.array(params[:-1]), float(params[-1])
        return np.array(run.state.weights), float(run.state.bias)

    def rewound_checkpoints(self) -> Checkpoints | None:
        """The current run's checkpoints up to the one rewound to (None when not rewound)."""
        if self._rewound is None:
            return None
        h, k = self._run.history, self._rewound + 1
        return Checkpoints(h.iteration[:k].copy(), h.train_error[:k].copy(),
                           None if h.test_error is None else h.test_error[:k].copy(),
                           h.params[:k].copy())

    def start_from(self, params: np.ndarray) -> str | None:
        """A new run at iteration 0 starting from the weights and bias ``params`` a person
        chose (its random stream the seed's), kept and shown; Continue trains it.  Returns
        why it cannot (None when it could)."""
        try:
            dataset = self.dataset()
            state = initial_state(dataset, self._config)
        except DataError as exc:
            return f"Cannot start there: {exc}"
        params = np.asarray(params, dtype=np.float64)
        if params.shape != (dataset.n_features + 1,) or not np.isfinite(params).all():
            return "Cannot start there: the parameters do not fit the table's columns."
        state = chosen_start(state, params)
        first = state.predict(dataset.features[:1])[0]
        state = replace(state, first_prediction=float(first))
        run = Run.fresh(dataset, state)
        self.set_run(run)
        kept = self.keep_run(run)
        kept.running = False
        kept.label = f"run {kept.number} (chosen start)"
        self.runs.touch(kept)
        return None

    def table_fingerprint(self, dataset: Dataset | None = None) -> str:
        """The table's fingerprint (:func:`model.runs.fingerprint`), computed once per edit;
        from ``dataset`` when the caller has one with the table's values as they are now
        (Train and a sweep have just made one: a second copy of a million rows takes 15 ms)."""
        if self._table_print is None:
            self._table_print = fingerprint(self.dataset() if dataset is None else dataset)
        return self._table_print

    def _table_edited(self, change: Change) -> None:
        self._table_print = None

    @property
    def step(self) -> StepDetails | None:
        """Every number of the current run's latest step, when it was taken one at a time
        (Step, or a run at the slow-motion pace); None otherwise."""
        return self._step

    def record_progress(self, checkpoints: Checkpoints | None, state: RunState,
                        step: StepDetails | None = None) -> None:
        """New checkpoints of the current run (if any), its state after them, and the
        details of its latest step when they were computed (else the old ones are dropped,
        as they no longer describe the neuron shown)."""
        if self._run is None:
            return
        if checkpoints is not None:
            self._run.history.extend(checkpoints)
        if step is not None or state.iteration != self._run.state.iteration:
            self._step = step
            self._rewound = None  # a run that moves on shows where it is
        self._run.state = state
        self.run_progressed.emit(checkpoints)

    def run_fits_table(self) -> bool:
        """True when the current run's neuron has a weight for each of the table's features."""
        return self._run is not None and self._run.state.weights.shape[0] == self.n_features

    def training(self) -> Training | None:
        """The current run as a :class:`Training` of its own, positioned where the run is
        (for exporting or saving; the worker's own is never shared)."""
        return None if self._run is None else Training.resume(self._run.dataset, self._run.state)

    # -- sessions ----------------------------------------------------------------------------
    def session(self) -> Session:
        """The table, the parameters, the run and its history, consistent with each other
        at any moment, during a run too (the run's state and history are updated together)."""
        run = self._run
        current = None if run is None else run.number
        # A sweep still training has no final state yet: its runs are not saved.
        kept = [r for r in self.runs if not r.running or r.number == current]
        return Session(self.dataset(), self._config, self.training(),
                       None if run is None else run.history.checkpoints(), kept, current)

    def open_session(self, session: Session) -> None:
        """Show a session: its table, parameters, run and history."""
        self._run = None
        self.replace_table(list(session.dataset.column_names), _table(session.dataset),
                           session.dataset.row_ids, session.dataset.target_labels)
        self.set_config(session.config)
        run = None
        if session.training is not None:
            t = session.training
            history = (History(t.has_test) if session.history is None
                       else History.of(session.history))
            run = Run(t.dataset, t.snapshot(), history)
        self.runs.restore(session.runs)
        kept = self.runs.get(session.current) if run is not None else None
        if kept is not None:
            run.number = kept.number
            kept.state = run.state
            kept.attach(run.history)
        self.set_run(run)

    # -- the file --------------------------------------------------------------------------
    @property
    def path(self) -> Path | None:
        return self._path

    @property
    def name(self) -> str:
        return self._name

    def set_file(self, path: Path | None, name: str | None = None) -> None:
        self._path = path
        self._name = name or (path.name if path is not None else self._name)
        self.file_changed.emit()


def _table(dataset: Dataset) -> np.ndarray:
    return np.column_stack([dataset.features, dataset.target]).astype(np.float64)


def _next_id(ids: np.ndarray) -> int:
    """The first id above all of ``ids`` (ids are never reused while a table is open, so
    an added row never takes over a deleted row's fate)."""
    return int(ids.max()) + 1 if ids.size else 0


def _runs(rows: list[int]) -> list[tuple[int, int]]:
    """Sorted rows as contiguous (first, last) ranges."""
    runs: list[tuple[int, int]] = []
    for r in rows:
        if runs and runs[-1][1] == r - 1:
            runs[-1] = (runs[-1][0], r)
        else:
            runs.append((r, r))
    return runs
