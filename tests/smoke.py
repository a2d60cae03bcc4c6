"""What ``--smoke-test`` must print: the window shown, its plots drawn, then the note's run,
bit for bit."""
from __future__ import annotations

import json
import subprocess

from model import note_table
from tests.note_oracle import note_run


def notes_run() -> dict:
    table = note_table()
    return note_run(table.features, table.target, alpha=0.1, iterations=10_000, seed=42)


def check_smoke_test(out: subprocess.CompletedProcess) -> None:
    """``out``: a finished ``neuron-lab --smoke-test``, run offscreen."""
    assert out.returncode == 0, out.stderr
    assert "Traceback" not in out.stderr and "Fatal" not in out.stderr, out.stderr
    lines = [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]
    assert len(lines) == 3 and lines[0] == {"smoke_test": "shown", "shown": True}, out.stdout
    # the plots built after the window was shown, and on the screen before training starts
    assert lines[1]["smoke_test"] == "complete" and lines[1]["plots"] >= 3, out.stdout
    got, want = lines[2], notes_run()
    assert got["smoke_test"] == "trained" and got["shown"]
    assert got["checkpoints"] == {"iteration": want["iteration"], "train_error": want["train_error"]}
    assert got["weights"] == want["weights"] and got["bias"] == want["bias"]
