"""The headless command against hostile input: huge numbers, outputs that are not numbers,
file names that are not UTF-8, Ctrl+C, a closed pipe, runs that would print millions of
checkpoints.  Exit 0 with valid JSON, or one line on stderr and a stated status; never a
traceback, never the memory of a list per checkpoint."""
from __future__ import annotations

import io
import json
import math
import os
import signal
import subprocess
import sys
import tracemalloc
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

import cli
from cli import MAX_JSON_CHECKPOINTS, run_headless
from model import Training
from tests import reliability
from tests.conftest import ROOT


def headless(*args, env=None, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "--headless", *args],
                          capture_output=True, cwd=ROOT, timeout=300,
                          env=None if env is None else {**os.environ, **env}, **kwargs)


def in_process(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        status = run_headless(list(args))
    return status, out.getvalue(), err.getvalue()


def strict_json(text: str):
    """The JSON object in ``text``, refusing NaN and Infinity as a strict parser would."""
    def refuse(name):
        raise AssertionError(f"{name} is not JSON")

    return json.loads(text, parse_constant=refuse)


def one_error_line(stderr: str | bytes, *words: str) -> None:
    if isinstance(stderr, bytes):
        stderr = stderr.decode("utf-8", "backslashreplace")
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in stderr, stderr
    for word in words:
        assert word in lines[0]


# -- huge numbers in the arguments ----------------------------------------------------------------

@pytest.mark.parametrize("every", [str(2**63), str(2**64 + 5), "100000001"])
def test_a_huge_checkpoint_interval_is_refused_with_its_range(every):
    out = headless("--every", every)
    assert out.returncode == 2 and out.stdout == b""
    one_error_line(out.stderr, "checkpoint interval", "between 1 and 100,000,000")
    reliability.count("headless: huge --every, empty --data refused")


def test_an_empty_data_file_name_is_refused_not_replaced_by_the_note():
    status, out, err = in_process("--data", "")
    assert status == 2 and out == ""
    one_error_line(err, "--data", "empty")
    reliability.count("headless: huge --every, empty --data refused")


# -- numbers that are not numbers -------------------------------------------------------------------

def test_a_prediction_that_is_not_a_number_is_null_with_a_warning(monkeypatch):
    monkeypatch.setattr(Training, "first_prediction", lambda self: math.nan)
    status, out, err = in_process("--json", "--iterations", "300")
    assert status == 0 and err == ""
    result = strict_json(out)
    assert result["initial"]["first_prediction"] is None
    assert any("first_prediction" in w and "null" in w for w in result["warnings"])
    status, out, err = in_process("--iterations", "300")  # the summary says so in words
    assert status == 0 and "not a number" in out
    reliability.count("headless: NaN outputs, valid JSON")


def test_huge_inputs_give_valid_json_whatever_the_processor_rounds(tmp_path):
    """1.7e308 times a weight overflows, or not, depending on the processor's fused
    multiply-add; either way the JSON is valid and each null is explained."""
    data = tmp_path / "huge.csv"
    data.write_text("a,b,y\n1.7e308,-1.7e308,1\n0,0,0\n")
    for seed in ("93", "1", "7"):
        out = headless("--data", str(data), "--seed", seed, "--json")
        assert out.returncode == 0, out.stderr
        result = strict_json(out.stdout)
        assert out.stderr == b""
        if result["initial"]["first_prediction"] is None:
            assert any("first_prediction" in w for w in result["warnings"])
        reliability.count("headless: NaN outputs, valid JSON")


def test_ordinary_json_is_exactly_what_json_dumps_gives_and_has_no_warnings():
    out = headless("--json", "--iterations", "1000", "--every", "10", "--test-fraction", "0.25")
    assert out.returncode == 0, out.stderr
    text = out.stdout.decode()
    result = strict_json(text)
    assert text == json.dumps(result, allow_nan=False) + "\n"
    assert result["warnings"] == []
    assert result["checkpoints"]["iteration"] == list(range(0, 1000, 10))
    assert len(result["checkpoints"]["test_error"]) == 100


# -- names that are not UTF-8, and terminals that are not UTF-8 --------------------------------------

@pytest.fixture
def latin1_named_file(tmp_path):
    path = os.path.join(os.fsencode(tmp_path), b"donn\xe9es.csv")  # Latin-1, not UTF-8
    try:
        with open(path, "wb") as out:
            out.write(b"a,b,y\n1,2,0\n3,4,1\n")
    except OSError:
        pytest.skip("this file system takes only UTF-8 names")
    return path


def test_a_file_name_that_is_not_utf8_is_printed_with_its_bytes_escaped(latin1_named_file):
    strict = {"PYTHONIOENCODING": "utf-8"}  # strict errors, as in a UTF-8 locale
    out = headless("--data", latin1_named_file, env=strict)
    assert out.returncode == 0, out.stderr
    assert b"donn\\xe9es.csv" in out.stdout
    out = headless("--data", latin1_named_file, "--json", env=strict)
    assert out.returncode == 0, out.stderr
    result = strict_json(out.stdout)
    assert result["config"]["data"].endswith("donn\\xe9es.csv")
    assert any("not UTF-8" in w for w in result["warnings"])
    missing = latin1_named_file.replace(b".csv", b"-gone.csv")
    out = headless("--data", missing, env=strict)
    assert out.returncode == 2
    one_error_line(out.stderr, "donn\\xe9es-gone.csv", "no such file")
    reliability.count("headless: non-UTF-8 names or terminals")


def test_a_terminal_that_takes_only_ascii_gets_escapes_not_a_crash():
    out = headless(env={"PYTHONIOENCODING": "ascii"})
    assert out.returncode == 0, out.stderr
    assert b"\\u2014" in out.stdout  # the summary's dash
    reliability.count("headless: non-UTF-8 names or terminals")


# -- Ctrl+C and a closed pipe -----------------------------------------------------------------------

def test_ctrl_c_during_training_is_one_line_and_status_130(monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt
        yield

    monkeypatch.setattr(Training, "run", interrupted)
    status, out, err = in_process("--iterations", "1000")
    assert status == 130 and out == ""
    assert err == "neuron-lab --headless: interrupted\n"


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="needs Linux's /proc")
def test_ctrl_c_in_a_real_run_is_one_line_and_status_130():
    run = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "--headless",
                            "--iterations", "100000000", "--every", "1"],
                           cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           # as from a terminal, even when the tests run in the background
                           # (where a shell starts them with Ctrl+C ignored)
                           preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    maps = Path(f"/proc/{run.pid}/maps")
    try:
        # Interrupt once the program is under way (numba being loaded, or training), not
        # while Python itself starts, which is not the program's to handle.
        while run.poll() is None and "numba" not in maps.read_text():
            pass
        run.send_signal(signal.SIGINT)
        out, err = run.communicate(timeout=120)
    finally:
        run.kill()
    assert run.returncode == 130, err
    assert err.decode() == "neuron-lab --headless: interrupted\n"
    reliability.count("headless: Ctrl+C, one line, status 130")


def test_a_reader_that_closes_the_pipe_early_is_not_a_traceback():
    run = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "--headless", "--json",
                            "--iterations", "2000000", "--every", "1"],
                           cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert run.stdout.read(100)
    run.stdout.close()  # like `| head -c 100`
    with run.stderr:
        err = run.stderr.read()
    run.wait(timeout=120)
    assert err == b"" and run.returncode == 141
    reliability.count("headless: output pipe closed early, quiet")


# -- millions of checkpoints ------------------------------------------------------------------------

def test_json_refuses_up_front_to_print_more_checkpoints_than_its_limit():
    status, out, err = in_process("--json", "--every", "1", "--iterations", "100000000")
    assert status == 2 and out == ""
    one_error_line(err, "100,000,000 checkpoints", f"{MAX_JSON_CHECKPOINTS:,}", "--every to 20")
    # At the limit exactly, it goes ahead (only the count is checked here).
    assert cli.planned_checkpoints(100_000_000, 20) == MAX_JSON_CHECKPOINTS
    reliability.count("headless: too many checkpoints refused")


class _Discard(io.TextIOBase):
    """stdout that counts what is written and keeps none of it."""

    encoding = "utf-8"

    def __init__(self):
        self.written = 0

    def write(self, text: str) -> int:
        self.written += len(text)
        return len(text)


@pytest.mark.parametrize("as_json", [False, True])
def test_memory_does_not_grow_with_the_checkpoints(as_json):
    """Before, every checkpoint became three Python objects: 7.6 GB for 100 million (145 MB
    for the million here).  The summary now keeps two checkpoints; the JSON keeps arrays,
    and writes them in pieces."""
    iterations = 1_000_000
    sink, err = _Discard(), io.StringIO()
    tracemalloc.start()
    try:
        with redirect_stdout(sink), redirect_stderr(err):
            status = run_headless(["--every", "1", "--iterations", str(iterations)]
                                  + (["--json"] if as_json else []))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert status == 0, err.getvalue()
    arrays = 3 * 8 * iterations if as_json else 0  # iteration, train and test error
    assert peak < arrays + 64e6, f"{peak / 1e6:.0f} MB"
    if as_json:
        assert sink.written > 20 * iterations  # every checkpoint was printed
    reliability.count("headless: 1M checkpoints, memory bounded")
