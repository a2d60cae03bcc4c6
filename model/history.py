"""A run's history: every checkpoint it recorded, kept by the model, drawn by the views.

The error plot, sessions and exports all read the same :class:`History`; nothing is read
back from a plot's buffers.
"""
from __future__ import annotations

import numpy as np

from .training import Checkpoints


class _Buffer:
    """A growing column in a preallocated array that doubles when full."""

    def __init__(self, dtype) -> None:
        self.data = np.empty(1024, dtype=dtype)
        self.n = 0

    def extend(self, values: np.ndarray) -> None:
        need = self.n + len(values)
        if need > len(self.data):
            grown = np.empty(max(need, 2 * len(self.data)), dtype=self.data.dtype)
            grown[: self.n] = self.data[: self.n]
            self.data = grown
        self.data[self.n:need] = values
        self.n = need

    def view(self) -> np.ndarray:
        view = self.data[: self.n]
        view.flags.writeable = False
        return view


class History:
    """The checkpoints of one run, in the order they were recorded.

    ``with_test`` says whether the run holds rows out (then every checkpoint has a
    held-out error too).
    """

    def __init__(self, with_test: bool) -> None:
        self.with_test = with_test
        self._iteration = _Buffer(np.int64)
        self._train = _Buffer(np.float64)
        self._test = _Buffer(np.float64)

    @classmethod
    def of(cls, checkpoints: Checkpoints) -> History:
        history = cls(checkpoints.test_error is not None)
        history.extend(checkpoints)
        return history

    def __len__(self) -> int:
        return self._iteration.n

    def extend(self, checkpoints: Checkpoints) -> None:
        """Add a batch of checkpoints, which must come after those already here."""
        if not len(checkpoints):
            return
        if len(self) and checkpoints.iteration[0] <= self._iteration.data[self._iteration.n - 1]:
            raise ValueError("checkpoints must be added in order")
        self._iteration.extend(checkpoints.iteration)
        self._train.extend(checkpoints.train_error)
        if self.with_test:
            self._test.extend(checkpoints.test_error)

    @property
    def iteration(self) -> np.ndarray:
        """The checkpoints' iterations (a read-only view: it does not grow with the history)."""
        return self._iteration.view()

    @property
    def train_error(self) -> np.ndarray:
        return self._train.view()

    @property
    def test_error(self) -> np.ndarray | None:
        return self._test.view() if self.with_test else None

    def checkpoints(self) -> Checkpoints:
        """Everything recorded, as an independent copy."""
        return Checkpoints(self.iteration.copy(), self.train_error.copy(),
                           None if self.test_error is None else self.test_error.copy())
