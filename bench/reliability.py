"""What was tried and what held: runs the fuzzing, fault, numerics and soak tests, and the
hostile-input tests (special and huge files, non-UTF-8 names, NaN outputs, huge arguments,
Ctrl+C), and prints their counts.

    python bench/reliability.py          # CI sizes (a few minutes)
    python bench/reliability.py --long   # the longer local run
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TESTS = ["tests/test_fuzz.py", "tests/test_faults.py", "tests/test_numerics.py", "tests/test_soak.py",
         "tests/test_hostile_sessions.py", "tests/test_hostile_files.py",
         "tests/test_hostile_headless.py"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--long", action="store_true", help="fuzz and soak for longer")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.json"
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", NEURON_LAB_REPORT=str(report))
        if args.long:
            env["NEURON_LAB_FUZZ"] = "long"
        started = time.perf_counter()
        run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *TESTS],
                             cwd=ROOT, env=env, capture_output=True, text=True)
        seconds = time.perf_counter() - started
        wrote_report = report.exists()
        counts = json.loads(report.read_text()) if wrote_report else {}
    summary = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else "(no output)"
    crashed = run.returncode not in (0, 1) or not wrote_report  # pytest itself died
    failed = run.returncode != 0
    print(f"Reliability run ({'long' if args.long else 'CI'} sizes), {seconds:.0f} s: {summary}")
    width = max([42, *map(len, counts)])
    for key in sorted(counts):
        print(f"  {key:<{width}} {counts[key]:>8,}")
    lost = counts.get("faults injected", 0) - counts.get("faults survived with no data lost", 0)
    print(f"  {'crashes':<{width}} {int(crashed):>8,}")
    print(f"  {'failed checks':<{width}} {int(failed and not crashed):>8,}")
    print(f"  {'data lost':<{width}} {lost:>8,}")
    if failed:
        print(run.stdout[-4000:])
        sys.exit(1)


if __name__ == "__main__":
    main()
