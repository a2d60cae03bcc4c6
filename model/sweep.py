"""Sweeps: many runs of the neuron, one per learning rate and seed, trained in parallel.

:func:`parse_alphas` and :func:`parse_seeds` read what a person types (``0.01, 0.1, 1``, a
log range ``0.001:1:7``, seeds ``1-10,42``).  :func:`sweep_configs` makes one
:class:`TrainConfig` per combination, each learning rate in the order given and, within it,
each seed in the order given.  :func:`run_sweep` trains them on ``jobs`` threads at once:
the compiled kernel releases the GIL, so they run on every core; each run is a
:class:`Training` of its own, so each gives exactly what it gives alone.
"""
from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, replace
from typing import Callable

import numpy as np

from .dataset import Dataset
from .errors import DataError
from .row_errors import cores
from .threads import lower_priority
from .training import MAX_SEED, Checkpoints, Training, TrainConfig

#: The most runs one sweep may have: a sweep is for comparing, and a thousand curves is
#: already more than a plot can show.
MAX_RUNS = 1000
#: The most values a log range ``a:b:n`` may give.
MAX_RANGE = MAX_RUNS


def _items(text: str, what: str) -> list[str]:
    items = [item.strip() for item in str(text).split(",")]
    if not any(items):
        raise DataError(f"{what} is empty: give a value, or several separated by commas")
    if "" in items:
        raise DataError(f"{what}: {text!r} has an empty item between commas")
    return items


def _positive(text: str, what: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise DataError(f"{what}: {text!r} is not a number") from None
    if not (math.isfinite(value) and value > 0):
        raise DataError(f"{what}: {text!r} is not a positive number")
    return value


def parse_alphas(text: str) -> list[float]:
    """Learning rates from ``text``: numbers separated by commas, and log ranges
    ``start:stop:count`` (``count`` rates evenly spaced on a log scale, both ends included).
    Raises :class:`DataError` with a one-line reason."""
    values: list[float] = []
    what = "the learning rates"
    for item in _items(text, what):
        if ":" in item:
            parts = item.split(":")
            if len(parts) != 3:
                raise DataError(f"{what}: {item!r} is not a log range start:stop:count")
            start, stop = (_positive(p, what) for p in parts[:2])
            try:
                count = int(parts[2])
            except ValueError:
                raise DataError(f"{what}: the count in {item!r} is not a whole number") from None
            if not 2 <= count <= MAX_RANGE:
                raise DataError(f"{what}: the count in {item!r} must be from 2 to {MAX_RANGE:,}")
            values += [float(v) for v in np.geomspace(start, stop, count)]
        else:
            values.append(_positive(item, what))
        if len(values) > MAX_RUNS:
            break
    return values


def parse_seeds(text: str) -> list[int]:
    """Seeds from ``text``: whole numbers separated by commas, and ranges ``first-last``
    (both included).  Raises :class:`DataError` with a one-line reason."""
    values: list[int] = []
    what = "the seeds"

    def seed(part: str, item: str) -> int:
        if not part.strip().isdigit():
            raise DataError(f"{what}: {item!r} is not a whole number or a range like 1-10")
        value = int(part)
        if value > MAX_SEED:
            raise DataError(f"{what}: {value} is more than the largest seed, {MAX_SEED}")
        return value

    for item in _items(text, what):
        if "-" in item.strip()[1:]:
            first_text, _, last_text = item.partition("-")
            first, last = seed(first_text, item), seed(last_text, item)
            if last < first:
                raise DataError(f"{what}: the range {item!r} runs backwards")
            if last - first + 1 > MAX_RUNS:
                raise DataError(f"{what}: the range {item!r} has more than {MAX_RUNS:,} seeds")
            values += range(first, last + 1)
        else:
            values.append(seed(item, item))
        if len(values) > MAX_RUNS:
            break
    return values


def sweep_configs(base: TrainConfig, alphas: list[float], seeds: list[int]) -> list[TrainConfig]:
    """One configuration per learning rate and seed: each rate in the order given and,
    within it, each seed in the order given.  Raises :class:`DataError` when there are
    more than :data:`MAX_RUNS`."""
    if len(alphas) * len(seeds) > MAX_RUNS:
        raise DataError(f"{len(alphas)} learning rates × {len(seeds)} seeds make "
                        f"{len(alphas) * len(seeds):,} runs, more than the {MAX_RUNS:,} a sweep "
                        "may have")
    configs = [replace(base, alpha=alpha, seed=seed) for alpha in alphas for seed in seeds]
    for config in configs:
        config.validate()
    return configs


def default_jobs() -> int:
    """Every core this process may use."""
    return cores()


@dataclass
class SweepResult:
    """One run of a sweep: its training (at its end, or where it stopped) and the seconds
    its own training took (without waiting for a free thread)."""

    index: int
    training: Training
    seconds: float = 0.0
    stopped: bool = False


def run_sweep(dataset: Dataset, configs: list[TrainConfig], jobs: int | None = None,
              stop: threading.Event | None = None,
              on_chunk: Callable[[int, Training, Checkpoints], None] | None = None,
              niceness: int = 0) -> list[SweepResult]:
    """Train one run per config, ``jobs`` at a time (default: every core).

    ``on_chunk(index, training, checkpoints)`` is called on the run's own thread after each
    chunk; runs never share a :class:`Training`, so a callback that touches only its own
    run's record needs no lock.  Setting ``stop`` ends every run after its current chunk
    and leaves the runs not yet started untrained.  The results are in the configs' order.
    ``niceness`` lowers the training threads' priority (a window passes it, so that its
    own thread stays responsive while every core trains).
    """
    from . import kernel

    kernel.warm_up()  # load the compiled kernel once, before any clock starts
    stop = stop or threading.Event()
    results = [SweepResult(i, Training(dataset, config)) for i, config in enumerate(configs)]

    lowered: set[int] = set()

    def work(result: SweepResult) -> None:
        if niceness and threading.get_native_id() not in lowered:
            lowered.add(threading.get_native_id())
            lower_priority(niceness)
        if stop.is_set():
            result.stopped = True
            return
        started = time.perf_counter()
        for part in result.training.run():
            if on_chunk is not None:
                on_chunk(result.index, result.training, part)
            if stop.is_set():
                result.stopped = True
                break
        result.seconds = time.perf_counter() - started

    jobs = max(1, min(jobs or default_jobs(), len(results)))
    if jobs == 1 and not niceness:
        for result in results:
            work(result)
        return results
    # Imported here, not at the top: 2 ms of the window's start-up otherwise.
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="sweep") as pool:
        futures = [pool.submit(work, result) for result in results]
        try:
            for future in futures:
                future.result()
        except BaseException:
            stop.set()  # Ctrl+C, or a bug: the others end after their chunk
            raise
    return results
