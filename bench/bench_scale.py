"""Training at a million rows: the checkpoint's error pass, Stop, and time in checkpoints.

A seeded random table of a million rows and two features.  In this one run:

* one checkpoint's error pass of the kernel (on every core, and on one) against NumPy's
  own vectorised ``((1/(1+exp(-(X@w+b))) - y)**2).sum()`` on the same data, best of
  tries in alternate rounds (goal: at most 0.5 x NumPy), and whether the parallel sum
  is bit for bit the sequential one;
* where summing on every core starts to pay (the rows at which the parallel pass beats
  the kernel's single loop);
* Stop: a thread drives ``Training.run()`` as the window's worker does, a stop flag is set
  at random moments, and the time until the generator hands back is measured (goal: at
  most 100 ms);
* the share of the time spent in checkpoints for a few checkpoint intervals, with the
  sentence a person would be shown.

    python bench/bench_scale.py [--rows 1000000] [--rounds 6] [--stops 20]
"""
from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from machine import cpu_model  # noqa: E402
from model import Dataset, Training, TrainConfig, kernel, row_errors  # noqa: E402


def table(rows: int) -> tuple[np.ndarray, np.ndarray]:
    rs = np.random.RandomState(10)
    x = rs.randn(rows, 2)
    y = (x[:, 0] - 0.5 * x[:, 1] + 0.3 * rs.randn(rows) > 0).astype(np.float64)
    return x, y


def best_of(functions: dict, repeat: int) -> dict:
    """Best time of each function, tried in turn ``repeat`` times (interleaved, so that a
    busy moment on a shared machine does not fall on one of them only)."""
    times = {name: float("inf") for name in functions}
    for _ in range(repeat):
        for name, fn in functions.items():
            started = time.perf_counter()
            fn()
            times[name] = min(times[name], time.perf_counter() - started)
    return times


def error_pass(x, y, rounds: int) -> None:
    w, b = np.array([0.7, -0.4]), 0.2
    results = {}

    def numpy_pass():
        results["numpy"] = ((1 / (1 + np.exp(-(x @ w + b))) - y) ** 2).sum()

    times = {"numpy": float("inf"), "parallel": float("inf"), "sequential": float("inf")}
    with row_errors.RowErrors() as errors:
        def parallel():
            results["parallel"] = errors.squared_error(x, y, w, b)

        def sequential():
            results["sequential"] = errors.squared_error(x, y, w, b, parts=1)

        # NumPy's ``x @ w`` runs on OpenBLAS's threads, which spin for a while after it
        # returns; timed right after, the kernel's helper thread would be measured fighting
        # them for a core.  So the two are timed in alternate rounds, with a pause between.
        for _ in range(rounds):
            times["numpy"] = min(times["numpy"], best_of({"numpy": numpy_pass}, 3)["numpy"])
            time.sleep(0.5)
            for name, seconds in best_of({"parallel": parallel, "sequential": sequential}, 3).items():
                times[name] = min(times[name], seconds)
    threads = min(errors.threads, row_errors.threads_for(x.shape[0]))
    print(f"error over {x.shape[0]:,} rows, best of {3 * rounds} each:")
    print(f"  NumPy vectorised      : {times['numpy'] * 1e3:7.2f} ms")
    print(f"  kernel, one thread    : {times['sequential'] * 1e3:7.2f} ms "
          f"= {times['sequential'] / times['numpy']:.2f} x NumPy")
    print(f"  kernel, {threads} thread(s)  : {times['parallel'] * 1e3:7.2f} ms "
          f"= {times['parallel'] / times['numpy']:.2f} x NumPy (goal: at most 0.5 x)")
    print(f"  same bits, parallel and one thread: "
          f"{'yes' if results['parallel'] == results['sequential'] else 'NO'}  "
          f"(NumPy's pairwise sum differs by {abs(results['numpy'] - results['sequential']):.1e})")


def break_even(x, y, repeat: int) -> None:
    w, b = np.array([0.7, -0.4]), 0.2
    print(f"where summing on every core pays (threshold now {row_errors.PARALLEL_MIN_ROWS:,} rows):")
    with row_errors.RowErrors() as errors:
        for rows in (4_096, 8_192, 16_384, 32_768, 65_536, 131_072):
            xs, ys = x[:rows], y[:rows]
            parts = min(errors.threads, max(2, rows // row_errors.MIN_BLOCK_ROWS))
            times = best_of({
                "one": lambda xs=xs, ys=ys: errors.squared_error(xs, ys, w, b, parts=1),
                "all": lambda xs=xs, ys=ys, parts=parts: errors.squared_error(
                    xs, ys, w, b, parts=parts),
            }, repeat * 10)
            print(f"  {rows:>8,} rows: one thread {times['one'] * 1e6:8.1f} us, "
                  f"{parts} threads {times['all'] * 1e6:8.1f} us ({times['all'] / times['one']:.2f} x)")


def stop_latency(data: Dataset, every: int, stops: int) -> None:
    rs = np.random.RandomState(3)
    latencies = []
    chunk = 0
    for k in range(stops):
        training = Training(data, TrainConfig(iterations=100_000_000, every=every, seed=k))
        chunk = training.chunk_size()
        stop, seen = threading.Event(), []

        def drive(training=training, chunk=chunk, stop=stop, seen=seen):
            for _ in training.run(chunk=chunk):  # as the window's worker drives it
                if stop.is_set():
                    seen.append(time.perf_counter())
                    break

        driver = threading.Thread(target=drive)
        driver.start()
        time.sleep(rs.uniform(0.05, 0.4))
        asked = time.perf_counter()
        stop.set()
        driver.join()
        latencies.append(seen[0] - asked)
    latencies.sort()
    print(f"Stop at {data.n_rows:,} rows, every {every:,} ({chunk:,} iterations a chunk), "
          f"{stops} stops at random moments: median {np.median(latencies) * 1e3:.1f} ms, "
          f"worst {latencies[-1] * 1e3:.1f} ms (goal: at most 100 ms)")


def checkpoint_shares(data: Dataset, seconds: float) -> None:
    print(f"time spent in checkpoints at {data.n_rows:,} rows (about {seconds:g} s of training each):")
    for every in (100, 1_000, 10_000, 100_000):
        training = Training(data, TrainConfig(iterations=100_000_000, every=every))
        started = time.perf_counter()
        for _ in training.run():
            if time.perf_counter() - started > seconds:
                break
        rate = training.iteration / (time.perf_counter() - started)
        print(f"  every {every:>7,}: {training.checkpoint_share():6.1%} of the time, "
              f"{rate:>12,.0f} it/s, chunk {training.chunk_size():,}")
        advice = training.checkpoint_advice()
        if advice:
            print(f"      \"{advice}\"")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=6, help="rounds of three tries of each pass")
    parser.add_argument("--stops", type=int, default=20, help="stops at random moments")
    args = parser.parse_args()

    kernel.warm_up()
    print(f"CPU: {cpu_model()}, {row_errors.cores()} core(s) for this process "
          f"({os.cpu_count()} in the machine)")
    x, y = table(args.rows)
    data = Dataset.from_arrays(x, y)
    error_pass(x, y, args.rounds)
    break_even(x, y, args.rounds)
    stop_latency(data, 1_000, args.stops)
    checkpoint_shares(data, 0.5)


if __name__ == "__main__":
    main()
