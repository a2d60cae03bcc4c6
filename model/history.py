"""A run's history: the checkpoints it recorded, kept by the model, drawn by the views.

The error plot, sessions and exports all read the same :class:`History`; nothing is read
back from a plot's buffers.  Memory is bounded: past :data:`MAX_KEPT` checkpoints the
history keeps every second one, then every fourth, and so on (evenly thinned, the first
always kept), and says how many recorded checkpoints one kept point stands for.
"""
from __future__ import annotations

import numpy as np

from .training import Checkpoints

#: At most this many checkpoints are kept (24 bytes each with held-out rows): a run of
#: 100,000,000 iterations with a checkpoint at every one stays within about 24 MB.
MAX_KEPT = 1_000_000
#: The parameters kept at the checkpoints (weights and bias, 8 bytes each) stay within
#: this many numbers: a million checkpoints of a two-feature neuron, fewer for more features
#: (the history is then thinned sooner, evenly, as above).
MAX_PARAMETERS = 3_000_000


class _Buffer:
    """A growing column (or block of ``width`` columns) in a preallocated array that
    doubles when full."""

    def __init__(self, dtype, width: int | None = None, size: int = 1024) -> None:
        self.data = np.empty(size if width is None else (size, width), dtype=dtype)
        self.n = 0

    def extend(self, values: np.ndarray) -> None:
        need = self.n + len(values)
        if need > len(self.data):
            grown = np.empty((max(need, 2 * len(self.data)),) + self.data.shape[1:],
                             dtype=self.data.dtype)
            grown[: self.n] = self.data[: self.n]
            self.data = grown
        self.data[self.n:need] = values
        self.n = need

    def view(self) -> np.ndarray:
        view = self.data[: self.n]
        view.flags.writeable = False
        return view

    def halve(self) -> None:
        """Keep every second value (the first, the third, ...)."""
        kept = self.data[: self.n : 2].copy()
        self.data[: len(kept)] = kept
        self.n = len(kept)


class History:
    """The checkpoints of one run, in the order they were recorded.

    ``with_test`` says whether the run holds rows out (then every checkpoint has a
    held-out error too).
    """

    def __init__(self, with_test: bool, max_kept: int = MAX_KEPT, expect: int = 0,
                 width: int = 0) -> None:
        """``expect`` checkpoints (with ``width`` parameters each) may be reserved up front:
        a long run's buffers then never grow (growing copies them all, tens of milliseconds
        for a million checkpoints, on the thread that records them)."""
        self.with_test = with_test
        self.max_kept = max_kept
        #: one kept checkpoint stands for this many recorded ones (1 until thinned)
        self.stride = 1
        self._recorded = 0
        size = max(1024, min(expect, max_kept if not width else
                             min(max_kept, max(1024, MAX_PARAMETERS // width))) + 1)
        self._iteration = _Buffer(np.int64, size=size)
        self._train = _Buffer(np.float64, size=size)
        self._test = _Buffer(np.float64, size=size if with_test else 1)
        #: the weights and bias at each checkpoint (made with the first checkpoints that
        #: bring them; None while none did)
        self._params: _Buffer | None = None
        self._reserve = (size, width)

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
        if self._params is None and not len(self) and checkpoints.params is not None:
            width = checkpoints.params.shape[1]
            size, reserved = self._reserve
            self._params = _Buffer(np.float64, width, size if reserved == width else 1024)
            self.max_kept = min(self.max_kept, max(1024, MAX_PARAMETERS // width))
        keep = slice(None)
        if self.stride > 1:
            keep = (np.arange(self._recorded, self._recorded + len(checkpoints)) % self.stride) == 0
        self._recorded += len(checkpoints)
        self._iteration.extend(checkpoints.iteration[keep])
        self._train.extend(checkpoints.train_error[keep])
        if self.with_test:
            self._test.extend(checkpoints.test_error[keep])
        if self._params is not None:
            if checkpoints.params is None or checkpoints.params.shape[1] != self._params.data.shape[1]:
                self._params = None  # a stretch without them: the history has none
            else:
                self._params.extend(checkpoints.params[keep])
        while len(self) > self.max_kept:
            self.stride *= 2
            for buffer in (self._iteration, self._train, self._test, self._params):
                if buffer is not None:
                    buffer.halve()

    @property
    def recorded(self) -> int:
        """How many checkpoints the run recorded (kept or thinned away)."""
        return self._recorded

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

    @property
    def params(self) -> np.ndarray | None:
        """The weights then the bias at each checkpoint kept (None when not recorded)."""
        return None if self._params is None else self._params.view()

    def checkpoints(self) -> Checkpoints:
        """Everything recorded, as an independent copy."""
        return Checkpoints(self.iteration.copy(), self.train_error.copy(),
                           None if self.test_error is None else self.test_error.copy(),
                           None if self._params is None else self.params.copy())
