"""Reading and writing data sets as CSV text.

The format: one row per line, the last column the target, every cell a number; a header
row is optional (it is recognised by a cell that is not a number); comma, semicolon or
tab separate the cells; blank lines and lines starting with ``#`` are skipped.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np

from .dataset import Dataset, default_names, parse_cell
from .errors import DataError

_DELIMITERS = (",", ";", "\t")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _guess_delimiter(line: str) -> str:
    counts = [(line.count(d), d) for d in _DELIMITERS]
    count, delimiter = max(counts)
    return delimiter if count else ","


def parse_csv_text(text: str, source: str | None = None) -> Dataset:
    """Parse CSV text into a :class:`Dataset`; raise :class:`DataError` naming line and column."""
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.splitlines()
    numbered = [
        (i + 1, line)
        for i, line in enumerate(lines)
        if line.strip() and not line.lstrip().startswith("#")
    ]
    if not numbered:
        raise DataError("there are no rows to read", source=source)
    delimiter = _guess_delimiter(numbered[0][1])
    reader = csv.reader(
        (line for _, line in numbered), delimiter=delimiter, skipinitialspace=True
    )
    rows: list[list[str]] = []
    try:
        for cells in reader:
            rows.append(cells)
    except csv.Error as exc:
        line_no = numbered[min(reader.line_num, len(numbered)) - 1][0]
        raise DataError(f"the row cannot be read as CSV ({exc})", line=line_no, source=source) from None
    first_line, first = numbered[0][0], [c.strip() for c in rows[0]]
    header = None
    if not all(_is_number(c) for c in first):
        header = first
        rows, numbered = rows[1:], numbered[1:]
        if not rows:
            raise DataError(
                "there is a header but no rows of numbers", line=first_line, source=source
            )
    width = len(header) if header is not None else len(rows[0])
    if width < 2:
        raise DataError(
            "there is only one column; the data needs at least one feature column and "
            "the target column (the last one)",
            line=first_line,
            source=source,
        )
    values = np.empty((len(rows), width), dtype=np.float64)
    for r, ((line_no, _), cells) in enumerate(zip(numbered, rows)):
        if len(cells) != width:
            raise DataError(
                f"this row has {len(cells)} cells, but the {'header' if header else 'first row'}"
                f" has {width}",
                line=line_no,
                source=source,
            )
        for c, cell in enumerate(cells):
            try:
                values[r, c] = parse_cell(cell, c == width - 1, header[c] if header else None)
            except DataError as exc:
                raise DataError(exc.message, line=line_no, column=c + 1, source=source) from None
    names = header if header is not None else [*default_names(width - 1), "y"]
    return Dataset.from_arrays(values[:, :-1], values[:, -1], names[:-1], names[-1])


def read_csv(path: str | Path) -> Dataset:
    """Read a CSV file into a :class:`Dataset`; raise :class:`DataError` if it cannot."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DataError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise DataError(f"{path}: is a folder, not a file") from None
    except OSError as exc:
        raise DataError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError("the file is not UTF-8 text", line=line, source=path.name) from None
    return parse_csv_text(text, source=path.name)


def to_csv_text(dataset: Dataset) -> str:
    """The data set as CSV text with a header row; numbers are written exactly (repr)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(dataset.column_names)
    for row, target in zip(dataset.features.tolist(), dataset.target.tolist()):
        writer.writerow([repr(v) for v in row] + [repr(target)])
    return out.getvalue()
