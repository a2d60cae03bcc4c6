"""What checkpoints cost: the chunk sizes made from it, and a word when they dominate.

Each checkpoint sums the error over every row, so with many rows and a short checkpoint
interval a run spends nearly all its time measuring rather than learning.  The figures
below are what one step and one row of a checkpoint cost, measured on the 2-core
development machine (a Xeon) and rounded up.  Only their size matters: they set how
many iterations a chunk holds, and estimate the share of time spent in checkpoints
where the kernel does steps and checkpoints in one call (over large tables the two are
timed apart).
"""
from __future__ import annotations

from . import row_errors

#: Seconds a chunk aims at.  A driver stops between chunks, so this bounds the time Stop
#: takes, with room for a machine several times slower and one checkpoint over a table
#: too large to sum in that time (its chunk then holds exactly one checkpoint).
CHUNK_SECONDS = 0.02

#: The most iterations in one chunk (their random indices are drawn at once).
MAX_CHUNK = 1 << 19

# One step: its fixed cost and what each feature adds; and, on a table too large for the
# caches, what fetching the drawn row from memory adds.
_STEP = 45e-9
_STEP_PER_FEATURE = 5e-9
_STEP_FROM_MEMORY = 130e-9
_STEP_FROM_MEMORY_PER_FEATURE = 3e-9
_CACHED_BYTES = 8 << 20
# One row of a checkpoint (its ddot call, its share of the exp loop, the subtraction and
# the square) and what each feature adds; the in-order sum, which no helper can share;
# handing blocks to the helper threads and back, once per pass.
_ROW = 9e-9
_ROW_PER_FEATURE = 1e-9
_SUM_PER_ROW = 1.2e-9
_HAND_OFF = 60e-6

#: Above this share of the time spent in checkpoints, :func:`advice` speaks up.
ADVICE_SHARE = 0.5


def step_seconds(features: int, rows: int) -> float:
    """The cost of one step (one drawn row and an update) on a table of ``rows`` rows."""
    cost = _STEP + _STEP_PER_FEATURE * features
    if rows * features * 8 > _CACHED_BYTES:
        cost += _STEP_FROM_MEMORY + _STEP_FROM_MEMORY_PER_FEATURE * features
    return cost


def pass_seconds(features: int, rows: int) -> float:
    """The cost of summing the error over ``rows`` rows once (on every core if worth it)."""
    if rows == 0:
        return 0.0
    per_row = _ROW + _ROW_PER_FEATURE * features
    threads = row_errors.threads_for(rows)
    if threads == 1:
        return rows * per_row
    return _HAND_OFF + rows * (per_row / threads + _SUM_PER_ROW)


def checkpoint_seconds(features: int, train_rows: int, test_rows: int) -> float:
    """The cost of one checkpoint: the training rows' error and the held-out rows'."""
    return pass_seconds(features, train_rows) + pass_seconds(features, test_rows)


def chunk_size(features: int, train_rows: int, test_rows: int, every: int,
               seconds: float = CHUNK_SECONDS) -> int:
    """Iterations per chunk so that a chunk takes about ``seconds``, checkpoints included.

    When even one checkpoint takes longer than that, a chunk holds at most one (exactly
    one when the checkpoint interval allows): a chunk of a handful of steps between two
    checkpoints would cost its fixed overhead for next to no work.
    """
    step = step_seconds(features, train_rows)
    check = checkpoint_seconds(features, train_rows, test_rows)
    chunk = seconds / (step + check / every)
    if chunk < every:
        chunk = min(every, seconds / step)
    return int(max(1, min(MAX_CHUNK, chunk)))


def advice(share: float, rows: int, every: int) -> str | None:
    """A plain sentence when checkpoints take more than :data:`ADVICE_SHARE` of the time.

    ``share`` is the fraction of the time spent summing the error over ``rows`` rows
    once every ``every`` iterations.  The sentence suggests an interval that would
    bring the share down to about a fifth.
    """
    if not (share > ADVICE_SHARE) or rows <= 0:
        return None
    percent = min(99, int(round(share * 100)))
    # share = c / (c + every * s): the interval at which checkpoints take a fifth.
    suggested = _round_up_nicely(every * 4.0 * share / max(1.0 - share, 1e-9))
    return (
        f"Checking the error over {rows:,} {'row' if rows == 1 else 'rows'} takes "
        f"{percent} % of the time: raise Checkpoint every (now {every:,}) to "
        f"{suggested:,} or more to train faster."
    )


def _round_up_nicely(value: float) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50, ... that is at least ``value`` (at most 10**8,
    the largest interval a run takes)."""
    nice = 1
    while nice < value and nice < 10**8:
        lead, zeros = int(str(nice)[0]), len(str(nice)) - 1
        nice = (2 if lead == 1 else 5 if lead == 2 else 10) * 10**zeros
    return nice
