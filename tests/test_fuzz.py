"""Fuzzing the readers: whatever bytes come in, the result is a valid data set (or session)
or the project's error with a message; never another exception, never a NaN let through."""
from __future__ import annotations

import io
import json
from contextlib import redirect_stderr, redirect_stdout

import numpy as np
import pytest
from hypothesis import example, given, note
from hypothesis import strategies as st

from cli import run_headless
from model import DataError, Dataset, Training, TrainConfig, note_table
from model.csvio import parse_csv_bytes
from model.session import Session, parse_session, session_json
from tests import reliability

CELLS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-10**30, 10**30).map(str),
    st.sampled_from(["", " ", "nan", "NaN", "inf", "-inf", "1e999", "-1e999", "1e-320",
                     "0x1p3", "1_000", "one", '"1"', '"1,5"', "'2'", "١٢", "\x00", "#", "\ufeff1"]),
    st.text(max_size=12),
)
SEPARATORS = st.sampled_from([",", ";", "\t", " ", ", "])
LINE_ENDS = st.sampled_from(["\n", "\r\n", "\r"])


@st.composite
def near_valid_csv(draw) -> bytes:
    """A CSV file that is right, or nearly: cells, rows and bytes changed here and there."""
    width = draw(st.integers(1, 5))
    sep, end = draw(SEPARATORS), draw(LINE_ENDS)
    lines = []
    if draw(st.booleans()):
        lines.append(sep.join(draw(st.lists(st.text(max_size=6), min_size=width, max_size=width))))
    for _ in range(draw(st.integers(0, 12))):
        row = [repr(draw(st.floats(-1e6, 1e6))) for _ in range(width - 1)]
        row.append(draw(st.sampled_from(["0", "1", "0.5"])))
        if draw(st.integers(0, 4)) == 0:  # a damaged cell
            row[draw(st.integers(0, width - 1))] = draw(CELLS)
        if draw(st.integers(0, 8)) == 0:  # a ragged row
            row = row[: draw(st.integers(0, width))] if draw(st.booleans()) else row + ["1"]
        lines.append(sep.join(row))
    if draw(st.integers(0, 8)) == 0:
        lines.insert(draw(st.integers(0, len(lines))), draw(st.sampled_from(["", "# note", "   "])))
    if draw(st.integers(0, 10)) == 0:
        lines.append("9," * draw(st.integers(1000, 20000)) + "1")  # a very long line
    text = end.join(lines) + draw(st.sampled_from(["", end]))
    raw = text.encode(draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "latin-1", "utf-16"])),
                      errors="replace")
    if raw and draw(st.integers(0, 5)) == 0:  # a cut file
        raw = raw[: draw(st.integers(0, len(raw)))]
    return raw


def check_dataset(data: Dataset) -> None:
    assert data.n_rows >= 1 and data.n_features >= 1
    assert np.all(np.isfinite(data.features))
    assert np.all((data.target >= 0) & (data.target <= 1))
    assert len(data.feature_names) == data.n_features


def read_or_refuse(raw: bytes) -> None:
    reliability.count("csv inputs fuzzed")
    try:
        data = parse_csv_bytes(raw, source="fuzz.csv")
    except DataError as exc:
        reliability.count("csv inputs refused with a message")
        assert str(exc).startswith("fuzz.csv") and exc.message
        if exc.line is not None:
            assert 1 <= exc.line <= raw.count(b"\n") + raw.count(b"\r") + 1
        return
    check_dataset(data)
    reliability.count("csv inputs read")


@given(near_valid_csv())
def test_near_valid_csv_is_read_or_refused_with_a_message(raw):
    note(repr(raw[:300]))
    read_or_refuse(raw)


@given(st.binary(max_size=2000))
def test_arbitrary_bytes_are_read_or_refused_with_a_message(raw):
    read_or_refuse(raw)


def _valid_session() -> dict:
    training = Training(note_table(), TrainConfig(iterations=300, test_fraction=0.25))
    history = training.advance()
    return json.loads(session_json(Session(note_table(), training.config, training, history)))


VALID_SESSION = _valid_session()
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-10**20, 10**20) | st.floats(allow_nan=False)
    | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=12,
)


def _paths(document, prefix=()):
    yield prefix
    if isinstance(document, dict):
        for key, value in document.items():
            yield from _paths(value, prefix + (key,))
    elif isinstance(document, list) and document:
        yield from _paths(document[0], prefix + (0,))


SESSION_PATHS = [p for p in _paths(VALID_SESSION) if p]


@given(st.lists(st.tuples(st.sampled_from(SESSION_PATHS), st.booleans(), JSON_VALUES),
                max_size=3),
       st.integers(0, 3))
@example([(("run", "history", "iteration"), False, False)], 0)  # found by the long run
@example([(("run", "state", "random_state", "key"), False, [])], 0)
@example([(("run", "state", "random_state", "key"), False, 4294967296.0)], 0)
def test_damaged_sessions_are_read_or_refused_with_a_message(changes, cut):
    document = json.loads(json.dumps(VALID_SESSION))
    for path, remove, value in changes:
        parent = document
        try:
            for key in path[:-1]:
                parent = parent[key]
            if remove and isinstance(parent, dict):
                parent.pop(path[-1], None)
            else:
                parent[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue
    text = json.dumps(document)
    if cut:
        text = text[: len(text) * cut // 4]
    reliability.count("session files fuzzed")
    try:
        session = parse_session(text, source="fuzz.neuronlab")
    except DataError as exc:
        reliability.count("session files refused with a message")
        assert exc.message
        return
    check_dataset(session.dataset)
    if session.training is not None:
        assert np.all(np.isfinite(session.training.weights))
        session.training.advance(50)  # a session that opens can be trained on
    reliability.count("session files read")


@given(st.text(max_size=300))
def test_arbitrary_text_as_a_session_is_refused_with_a_message(text):
    reliability.count("session files fuzzed")
    with pytest.raises(DataError):
        parse_session(text)
    reliability.count("session files refused with a message")


@given(near_valid_csv())
def test_headless_run_on_any_file_exits_0_or_2_with_one_line(tmp_path_factory, raw):
    path = tmp_path_factory.mktemp("fuzz") / "data.csv"
    path.write_bytes(raw)
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        status = run_headless(["--data", str(path), "--iterations", "200", "--json"])
    reliability.count("headless runs on fuzzed files")
    assert status in (0, 2)
    if status == 0:
        result = json.loads(out.getvalue())
        assert all(np.isfinite(result["checkpoints"]["train_error"]))
        assert err.getvalue() == ""
    else:
        assert out.getvalue() == "" and len(err.getvalue().strip().splitlines()) == 1
