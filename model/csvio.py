"""Reading and writing data sets as CSV text.

The format: one row per line, every cell a number, the target the last column unless the
person picks another; a header row is optional (recognised by a cell that is not a
number); comma, semicolon or tab separate the cells (found on their own); a UTF-8
byte-order mark, CRLF line ends, quoted fields, blank lines and ``#`` comment lines are all
accepted.

A file is read in two passes at most: NumPy's own parser (``numpy.loadtxt``) reads a good
file fast; only when it refuses, or a value is out of range, does a careful line-by-line
pass find the line and the column to name in the message.
"""
from __future__ import annotations

import csv
import io
import os
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .dataset import Dataset, default_names, parse_cell
from .errors import DataError

_DELIMITERS = (",", ";", "\t")


@dataclass(frozen=True)
class Table:
    """Named columns of finite numbers read from a file, before a target is chosen."""

    names: list[str]
    values: np.ndarray
    text: str  # the file's text, kept to name a line in a later message
    header_line: int | None  # 1-based line of the header, if there is one
    delimiter: str = ","
    source: str | None = None

    def line_of(self, row: int) -> int:
        """The file line (1-based) that holds data row ``row``."""
        seen = -1
        for number, line in enumerate(self.text.split("\n"), start=1):
            if _is_data_line(line) and number != self.header_line:
                seen += 1
                if seen == row:
                    return number
        raise IndexError(row)

    def dataset(self, target: int | str | None = None) -> Dataset:
        """The table as a data set with ``target`` (index or name; default the last column)
        as the target; a target value outside [0, 1] is reported with its line."""
        column = _column_index(self.names, target)
        y = self.values[:, column]
        bad = np.flatnonzero(~((y >= 0.0) & (y <= 1.0)))
        if bad.size:
            line = self.line_of(int(bad[0]))
            cell = _cells(self.text.split("\n")[line - 1], self.delimiter)[column]
            try:
                parse_cell(cell, True, self.names[column] if self.header_line else None)
            except DataError as exc:
                raise DataError(exc.message, line=line, column=column + 1,
                                source=self.source) from None
        features = np.delete(self.values, column, axis=1)
        names = [n for i, n in enumerate(self.names) if i != column]
        return Dataset.from_arrays(features, y, names, self.names[column])


def _column_index(names: list[str], target: int | str | None) -> int:
    if target is None:
        return len(names) - 1
    if isinstance(target, str):
        if target not in names:
            raise DataError(f"there is no column named '{target}'")
        return names.index(target)
    if not -len(names) <= target < len(names):
        raise DataError(f"there is no column {target + 1}")
    return target % len(names)


def _is_data_line(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


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


def _cells(line: str, delimiter: str) -> list[str]:
    return [c.strip() for c in next(csv.reader([line], delimiter=delimiter, skipinitialspace=True), [])]


def parse_table(text: str, source: str | None = None) -> Table:
    """Parse CSV text into a :class:`Table`; raise :class:`DataError` naming line and column."""
    if text.startswith("\ufeff"):
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    first = next((i for i, line in enumerate(lines) if _is_data_line(line)), None)
    if first is None:
        raise DataError("there are no rows to read", source=source)
    delimiter = _guess_delimiter(lines[first])
    first_cells = _cells(lines[first], delimiter)
    header = first_cells if not all(_is_number(c) for c in first_cells) else None
    header_line = first + 1 if header is not None else None
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "no data": the careful pass says it better
            values = np.loadtxt(io.StringIO(text), delimiter=delimiter, comments="#",
                                skiprows=first + 1 if header else 0, ndmin=2, quotechar='"',
                                dtype=np.float64)
        ok = values.size > 0 and values.shape[1] == len(first_cells) and np.isfinite(values).all()
    except ValueError:
        ok = False
    if not ok:
        values = _careful_pass(lines, first, delimiter, header, source)
    if values.shape[1] < 2:
        raise DataError(
            "there is only one column; the data needs at least one feature column and "
            "the target column (the last one)", line=first + 1, source=source)
    names = header if header is not None else [*default_names(values.shape[1] - 1), "y"]
    return Table(list(names), values, text, header_line, delimiter, source)


def _careful_pass(lines: list[str], first: int, delimiter: str, header: list[str] | None,
                  source: str | None) -> np.ndarray:
    """Read line by line, and raise at the first thing wrong, naming its line and column."""
    width = len(header) if header is not None else len(_cells(lines[first], delimiter))
    rows: list[list[float]] = []
    for index in range(first + (1 if header is not None else 0), len(lines)):
        line = lines[index]
        if not _is_data_line(line):
            continue
        try:
            cells = _cells(line, delimiter)
        except csv.Error as exc:
            raise DataError(f"the row cannot be read as CSV ({exc})", line=index + 1,
                            source=source) from None
        if len(cells) != width:
            raise DataError(
                f"this row has {len(cells)} cells, but the {'header' if header else 'first row'}"
                f" has {width}", line=index + 1, source=source)
        row = []
        for c, cell in enumerate(cells):
            try:
                row.append(parse_cell(cell, False, header[c] if header else None))
            except DataError as exc:
                raise DataError(exc.message, line=index + 1, column=c + 1, source=source) from None
        rows.append(row)
    if not rows:
        raise DataError("there is a header but no rows of numbers", line=first + 1, source=source)
    return np.array(rows, dtype=np.float64).reshape(len(rows), width)


def parse_csv_text(text: str, source: str | None = None, target: int | str | None = None) -> Dataset:
    """Parse CSV text into a :class:`Dataset` (target: the last column by default)."""
    return parse_table(text, source).dataset(target)


def read_table(path: str | Path) -> Table:
    """Read a CSV file into a :class:`Table`; raise :class:`DataError` if it cannot."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DataError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise DataError(f"{path}: is a folder, not a file") from None
    except OSError as exc:
        raise DataError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    return parse_table_bytes(raw, source=path.name)


def parse_table_bytes(raw: bytes, source: str | None = None) -> Table:
    """A file's bytes as a :class:`Table`: UTF-8 text (a byte-order mark is fine)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError("the file is not UTF-8 text", line=line, source=source) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise DataError("the file holds a NUL byte: it is not a text file", line=line,
                        source=source)
    return parse_table(text, source=source)


def parse_csv_bytes(raw: bytes, source: str | None = None,
                    target: int | str | None = None) -> Dataset:
    """A file's bytes as a :class:`Dataset` (see :func:`read_csv`)."""
    return parse_table_bytes(raw, source).dataset(target)


def read_csv(path: str | Path, target: int | str | None = None) -> Dataset:
    """Read a CSV file into a :class:`Dataset`; raise :class:`DataError` if it cannot."""
    return read_table(path).dataset(target)


def to_csv_text(dataset: Dataset) -> str:
    """The data set as CSV text with a header row; numbers are written exactly (repr)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(dataset.column_names)
    for row, target in zip(dataset.features.tolist(), dataset.target.tolist()):
        writer.writerow([repr(v) for v in row] + [repr(target)])
    return out.getvalue()


def write_text_atomically(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path`` so that a crash or a full disk never leaves a broken file:
    the text goes to a temporary file beside it, which then replaces the old file."""
    path = Path(path)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except OSError as exc:
        try:
            temporary.unlink()
        except OSError:
            pass
        raise DataError(f"{path}: cannot be written ({exc.strerror or exc})") from None


def write_csv(path: str | Path, dataset: Dataset) -> None:
    """Save a data set as CSV (atomically, see :func:`write_text_atomically`)."""
    write_text_atomically(path, to_csv_text(dataset))


__all__ = ["Table", "parse_csv_bytes", "parse_table_bytes", "parse_csv_text", "parse_table",
           "read_csv", "read_table", "to_csv_text", "write_csv", "write_text_atomically"]
