"""What went wrong in a run that "finished" but learned nothing, in plain sentences.

The commonest silent failure of a sigmoid neuron is saturation: when ``z = x . w + b`` is
large (inputs in the hundreds, or weights blown up by a large learning rate) the output is 0
or 1 to the last bit, the sigmoid's slope ``p (1 - p)`` there is 0, and so is every gradient:
the weights stop moving and the error is a flat line.  :func:`run_warnings` looks at a run's
neuron and error history and says what happened, why, and what to do about it.
"""
from __future__ import annotations

import numpy as np

from .dataset import Dataset
from .neuron import sigmoid
from .training import RunState

#: A row's gradient counts as vanished when the sigmoid's slope there is below this
#: (|z| above about 18: the output is within 1e-8 of 0 or 1).
VANISHED_SLOPE = 1e-8
#: Below this |z| the slope is above VANISHED_SLOPE (4.1e-8 at 17).
_NEAR = 17.0
#: Saturation is worth a warning when at least this share of the training rows is stuck.
STUCK_SHARE = 0.1
#: Inputs bigger than this (in magnitude) are what standardising is for.
LARGE_INPUT = 10.0
#: A learning rate above this is large for this neuron.
LARGE_ALPHA = 1.0
#: The error counts as flat when it changes by less than this share of itself.
FLAT = 1e-9


def run_warnings(dataset: Dataset, state: RunState, train_rows: np.ndarray,
                 errors: np.ndarray | None = None,
                 iterations: np.ndarray | None = None) -> list[str]:
    """Plain sentences about a run that cannot learn (empty when there is nothing to say).

    ``dataset`` is the data the run trained on, ``train_rows`` its training rows,
    ``errors`` the training error at the checkpoints so far (``iterations`` their
    iteration numbers), or just the first and the last.
    """
    if state.iteration == 0 or train_rows.size == 0:
        return []
    return warnings_with(saturation(dataset, state, train_rows), dataset, state, errors,
                         iterations)


def warnings_with(saturated: str | None, dataset: Dataset, state: RunState,
                  errors: np.ndarray | None = None,
                  iterations: np.ndarray | None = None) -> list[str]:
    """:func:`run_warnings`, the sentence about saturation (a pass over every training
    row, :func:`saturation`) given: the worker works it out at a run's end, from the
    outputs it measures the accuracy with, so that the window does not go over a million
    rows again while Stop waits."""
    if state.iteration == 0:
        return []
    warnings = [saturated] if saturated else []
    flat = _flat(errors, iterations)
    if flat:
        warnings.append(flat)
    if state.scaling is not None and state.scaling.constant:
        names = ", ".join(f"'{dataset.feature_names[c]}'" for c in state.scaling.constant)
        warnings.append(
            f"Standardising: {names} has the same value in every training row (its standard "
            "deviation is 0), so it was only centred, not divided (divided by 1); it tells "
            "the rows apart no more than before.")
    return warnings


def saturation(dataset: Dataset, state: RunState, train_rows: np.ndarray,
               z: np.ndarray | None = None) -> str | None:
    """The sentence about saturated rows, or None when too few are stuck.  ``z``: each
    training row's ``x·w + b`` as the run sees the row (standardised when it is), when it
    is at hand (:meth:`model.training.Training.train_z`)."""
    if train_rows.size == 0:
        return None
    every_row = train_rows.size == dataset.n_rows and np.array_equal(
        train_rows, np.arange(train_rows.size))
    y = dataset.target if every_row else dataset.target[train_rows]

    def rows() -> np.ndarray:  # in the data's units; no copy when every row trains in order
        return dataset.features if every_row else dataset.features[train_rows]

    with np.errstate(over="ignore", invalid="ignore"):
        if z is None:
            x = rows()
            seen = x if state.scaling is None else state.scaling.apply(x)
            z = seen @ state.weights + state.bias
        # Only where |z| > 17 (or z is NaN) can the slope be below VANISHED_SLOPE (it is
        # 4.1e-8 at 17): the sigmoid is worked out for those rows alone.
        far = np.flatnonzero(~(np.abs(z) <= _NEAR))
        p = sigmoid(z[far])  # what predict gives, from the same z
    stuck_far = (p * (1.0 - p) < VANISHED_SLOPE) & (np.abs(p - y[far]) >= 0.5)
    if stuck_far.sum() < max(1, STUCK_SHARE * train_rows.size):
        return None
    slope = np.ones_like(z)
    slope[far] = p * (1.0 - p)
    stuck = np.zeros(z.shape, dtype=bool)
    stuck[far] = stuck_far
    return _saturated(dataset, state, rows(), z, slope, stuck)


def end_of_run(training) -> tuple[tuple[float | None, float | None], str | None]:
    """What a run's end needs measured over every row, in one pass: the training and
    held-out accuracy (:meth:`model.training.Training.accuracy`) and the sentence about
    saturation (:func:`saturation`), both from the same outputs."""
    z = training.train_z()
    return (training.accuracy(z),
            saturation(training.dataset, training.snapshot(), training.train_rows, z))


def _saturated(dataset: Dataset, state: RunState, x: np.ndarray, z: np.ndarray,
               slope: np.ndarray, stuck: np.ndarray) -> str:
    n_stuck, n = int(stuck.sum()), stuck.size
    finite = np.abs(z[stuck & np.isfinite(z)])
    largest = f" (|z| up to {finite.max():.3g})" if finite.size else ""
    zero = "exactly 0" if (slope[stuck] == 0).all() else "practically 0"
    who = "every one of" if n_stuck == n else f"{n_stuck:,} of"
    text = (f"The neuron is saturated: for {who} the {n:,} training rows it answers 0 or 1 "
            f"on the wrong side, because z = x·w + b is so large{largest} that the sigmoid "
            f"is flat there. Its slope σ'(z) = p(1 − p) is {zero}, so the gradient vanishes "
            "and these rows cannot move the weights: the neuron stopped learning.")
    remedies = []
    big = np.abs(x).max(axis=0) if x.size else np.zeros(0)
    if state.scaling is None and big.size and big.max() > LARGE_INPUT:
        column = int(np.argmax(big))
        remedies.append(
            f"the inputs are large ('{dataset.feature_names[column]}' reaches "
            f"{big[column]:.4g}): tick Standardise features (--standardize) to train on "
            "features of mean 0 and standard deviation 1, which keeps z small")
    alpha = state.config.alpha
    if alpha > LARGE_ALPHA:
        remedies.append(f"the learning rate {alpha:g} is large: steps that big throw the "
                        "weights far out; try 0.1")
    if not remedies:
        remedies.append("tick Standardise features (--standardize) or try a smaller "
                        "learning rate")
    return text + " Remedy: " + "; ".join(remedies) + "."


def _flat(errors: np.ndarray | None, iterations: np.ndarray | None) -> str | None:
    """A sentence when the training error stopped changing (over the second half of the
    checkpoints, or between the first and the last when only those are known)."""
    if errors is None or len(errors) < 2:
        return None
    errors = np.asarray(errors, dtype=np.float64)
    tail = errors[len(errors) // 2:] if len(errors) > 2 else errors
    if not np.isfinite(tail).all():
        return None
    last = float(tail[-1])
    if last <= 1e-12 or float(tail.max() - tail.min()) > FLAT * abs(last):
        return None  # learned it all, or still changing
    changed = np.flatnonzero(np.abs(errors - last) > FLAT * abs(last))
    if changed.size == 0:
        since = "from the first checkpoint on"
    elif iterations is not None and len(iterations) == len(errors):
        since = f"from iteration {int(iterations[changed[-1] + 1]):,} on"
    else:
        since = "at the end"
    return (f"The training error stopped changing: it stayed at {last:.6g} {since}. The run "
            "finished, but the neuron was no longer learning anything.")
