"""Speed of the compiled kernel against the reference note's own per-iteration loop.

Both run in this one process on the note's table (seed 42, learning rate 0.1, an error
checkpoint every 100 iterations), so the ratio holds on a noisy, shared machine.  The
kernel is loaded before its clock starts; the time a fresh process needs to load it from
the disk cache is measured separately.

    python bench/bench_kernel.py [--iterations 1000000] [--note-iterations 100000]
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from model import Training, TrainConfig, kernel, note_table  # noqa: E402


class NoteNetwork:
    """The note's class, written out for comparison (a global seed, one row per step)."""

    def __init__(self, alpha):
        self.weights = np.array([np.random.randn(), np.random.randn()])
        self.bias = np.random.randn()
        self.alpha = alpha

    def _sigmoid(self, x):
        return 1 / (1 + np.exp(-x))

    def _sigmoid_deriv(self, x):
        return self._sigmoid(x) * (1 - self._sigmoid(x))

    def predict(self, input_vector):
        layer_1 = np.dot(input_vector, self.weights) + self.bias
        return self._sigmoid(layer_1)

    def _compute_gradients(self, input_vector, target):
        layer_1 = np.dot(input_vector, self.weights) + self.bias
        prediction = self._sigmoid(layer_1)
        derror_dprediction = 2 * (prediction - target)
        dprediction_dlayer1 = self._sigmoid_deriv(layer_1)
        dlayer1_dbias = 1
        dlayer1_dweights = (0 * self.weights) + (1 * input_vector)
        derror_dbias = derror_dprediction * dprediction_dlayer1 * dlayer1_dbias
        derror_dweights = derror_dprediction * dprediction_dlayer1 * dlayer1_dweights
        return derror_dbias, derror_dweights

    def _update_parameters(self, derror_dbias, derror_dweights):
        self.bias = self.bias - (derror_dbias * self.alpha)
        self.weights = self.weights - (derror_dweights * self.alpha)

    def train(self, input_vectors, targets, iterations):
        cumulative_errors = []
        for current_iteration in range(iterations):
            random_data_index = np.random.randint(len(input_vectors))
            input_vector = input_vectors[random_data_index]
            target = targets[random_data_index]
            derror_dbias, derror_dweights = self._compute_gradients(input_vector, target)
            self._update_parameters(derror_dbias, derror_dweights)
            if current_iteration % 100 == 0:
                cumulative_error = 0
                for data_instance_index in range(len(input_vectors)):
                    data_point = input_vectors[data_instance_index]
                    target = targets[data_instance_index]
                    prediction = self.predict(data_point)
                    error = np.square(prediction - target)
                    cumulative_error = cumulative_error + error
                cumulative_errors.append(cumulative_error)
        return cumulative_errors


def time_note(iterations: int) -> tuple[float, list[float], np.ndarray]:
    data = note_table()
    np.random.seed(42)
    network = NoteNetwork(0.1)
    started = time.perf_counter()
    errors = network.train(np.array(data.features), np.array(data.target), iterations)
    return time.perf_counter() - started, errors, network.weights


def time_kernel(iterations: int) -> tuple[float, Training, np.ndarray]:
    kernel.warm_up()
    training = Training(note_table(), TrainConfig(iterations=iterations))
    started = time.perf_counter()
    checkpoints = training.advance()
    return time.perf_counter() - started, training, checkpoints.train_error


def load_time_in_fresh_process() -> tuple[float, float]:
    """Seconds to import numba (with the compiled module) and then to load the kernel from
    numba's disk cache, in a fresh process: what the worker thread does as the window opens."""
    code = (
        "import time, sys; sys.path.insert(0, %r)\n"
        "from model import kernel\n"
        "t = time.perf_counter(); import model.compiled; u = time.perf_counter()\n"
        "kernel.warm_up(); print(u - t, time.perf_counter() - u)\n" % str(ROOT)
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    imported, loaded = map(float, out.stdout.split())
    return imported, loaded


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=1_000_000, help="kernel iterations")
    parser.add_argument("--note-iterations", type=int, default=100_000,
                        help="iterations of the note's loop (its rate is per iteration)")
    args = parser.parse_args()

    note_seconds, note_errors, note_weights = time_note(args.note_iterations)
    kernel_seconds, training, kernel_errors = time_kernel(args.iterations)
    same = Training(note_table(), TrainConfig(iterations=args.note_iterations))
    same_errors = same.advance().train_error
    identical = same_errors.tolist() == [float(e) for e in note_errors] and (
        same.weights.tolist() == note_weights.tolist()
    )

    note_rate = args.note_iterations / note_seconds
    kernel_rate = args.iterations / kernel_seconds
    print(f"note's loop : {args.note_iterations:>11,} iterations in {note_seconds:8.3f} s "
          f"= {note_rate:>14,.0f} it/s")
    print(f"kernel      : {args.iterations:>11,} iterations in {kernel_seconds:8.3f} s "
          f"= {kernel_rate:>14,.0f} it/s")
    print(f"ratio       : {kernel_rate / note_rate:,.0f} x the note's loop (goal: at least 100 x)")
    print(f"same numbers: {'yes' if identical else 'NO'} "
          f"(every checkpoint and the weights after {args.note_iterations:,} iterations)")
    imported, loaded = load_time_in_fresh_process()
    print(f"kernel load in a fresh process: importing numba {imported:.3f} s, then the kernel "
          f"from the disk cache {loaded:.3f} s")


if __name__ == "__main__":
    main()
