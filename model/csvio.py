"""Reading and writing data sets as CSV text.

The format: one row per line, every cell a number, the target the last column unless the
person picks another; the target may instead hold exactly two distinct text values (``yes``
and ``no``, two species), read as 0 and 1 (in sorted order: the second is 1); a header row is
optional (recognised by a cell that is not a number, where the next line has a number);
comma, semicolon or tab separate the cells (found on their own); a UTF-8 byte-order mark, CRLF
line ends, quoted fields, blank lines and ``#`` comment lines are all accepted.

A file is checked before it is read (a regular file, at most ``MAX_CSV_BYTES``, text in
its first block: see :mod:`model.files`), then parsed a block of lines at a time by NumPy's
own parser (``numpy.loadtxt``); only a block it refuses, or whose values are out of range,
is read again line by line, to find the line and the column to name in the message.  The
file's text is held once: its lines are never all split out at the same time.
"""
from __future__ import annotations

import csv
import io
import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import numpy as np

from .dataset import Dataset, default_names, parse_cell
from .errors import DataError
from .files import MAX_CSV_BYTES, read_file_bytes, remove_stale_temporaries

_DELIMITERS = (",", ";", "\t")
#: Characters of text handed to NumPy's parser at a time (cut at a line end): small enough
#: that a refused block is quick to read again line by line, large enough that the blocks
#: cost nothing (a block this size also stays in the processor's cache, which makes NumPy
#: faster than with the whole text at once).
_BLOCK = 1 << 16


@dataclass
class TextColumn:
    """The one column of a file that holds text: a target of two values, or refused.

    ``labels`` maps each text to its code in the table's values (0, 1: in the order the
    texts first appear); ``line`` and ``cell`` are where the first text is.
    """

    column: int
    line: int
    cell: str
    labels: dict[str, int] = field(default_factory=dict)

    def add(self, labels: list[str], line: int, name: str | None, source: str | None) -> None:
        """Learn ``labels`` (new ones in order of appearance); a third value is refused."""
        for label in labels:
            if label in self.labels:
                continue
            if len(self.labels) == 2:
                a, b = self.labels
                where = f" ({name!r})" if name else ""
                raise DataError(
                    f"{label!r}{where} is a third text value besides {a!r} and {b!r}: a text "
                    "column can only be the target, with exactly two values (one read as 0, the "
                    "other as 1)", line=line, column=self.column + 1, source=source)
            self.labels[label] = len(self.labels)


@dataclass(frozen=True)
class Table:
    """Named columns of finite numbers read from a file, before a target is chosen."""

    names: list[str]
    values: np.ndarray
    text: str  # the file's text, kept to name a line in a later message
    header_line: int | None  # 1-based line of the header, if there is one
    delimiter: str = ","
    source: str | None = None
    text_column: TextColumn | None = None  # the column that holds text, if one does

    def line_of(self, row: int) -> int:
        """The file line (1-based) that holds data row ``row``."""
        seen = -1
        for number, line in _numbered_lines(self.text):
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
        labels = None
        if self.text_column is not None:
            y, labels = self._text_target(column)
        bad = np.flatnonzero(~((y >= 0.0) & (y <= 1.0)))
        if bad.size:
            line = self.line_of(int(bad[0]))
            text = next(text for number, text in _numbered_lines(self.text) if number == line)
            cell = _cells(text, self.delimiter)[column]
            try:
                parse_cell(cell, True, self.names[column] if self.header_line else None)
            except DataError as exc:
                raise DataError(exc.message, line=line, column=column + 1,
                                source=self.source) from None
        features = np.delete(self.values, column, axis=1)
        names = [n for i, n in enumerate(self.names) if i != column]
        return Dataset.from_arrays(features, y, names, self.names[column], target_labels=labels)

    def _text_target(self, column: int) -> tuple[np.ndarray, tuple[str, str]]:
        """The text column as the target: 0 and 1 by the texts' sorted order (the second is
        1), or :class:`DataError` when the text is in a feature or has only one value."""
        text = self.text_column
        name = f" ({self.names[text.column]!r})" if self.header_line else ""
        if text.column != column:
            raise DataError(
                f"{text.cell!r}{name} is not a number: a feature must be a number; only the "
                "target column may hold text (exactly two values, read as 0 and 1)",
                line=text.line, column=text.column + 1, source=self.source)
        if len(text.labels) < 2:
            raise DataError(
                f"the target{name} holds one text value only, {text.cell!r}: a text target "
                "needs exactly two (one read as 0, the other as 1)", line=text.line,
                column=column + 1, source=self.source)
        low, high = sorted(text.labels)
        y = (self.values[:, column] == text.labels[high]).astype(np.float64)
        return y, (low, high)


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


def _numbered_lines(text: str, start: int = 0, number: int = 1) -> Iterator[tuple[int, str]]:
    """``(line number, line)`` for the lines of ``text`` from offset ``start`` (which begins
    line ``number``), split a block at a time so that they never all exist at once."""
    while True:
        end = text.find("\n", start + _BLOCK)
        last = end < 0
        block = text[start:] if last else text[start:end + 1]
        lines = block.split("\n")
        if not last:
            lines.pop()  # the empty piece after the block's final line end
        for line in lines:
            yield number, line
            number += 1
        if last:
            return
        start = end + 1


def _clean(text: str) -> str:
    """``text`` without a byte-order mark, with every line end a ``\n`` (the same object
    when there is nothing to change, so a big file is not copied for nothing)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def parse_table(text: str, source: str | None = None) -> Table:
    """Parse CSV text into a :class:`Table`; raise :class:`DataError` naming line and column."""
    text = _clean(text)
    start, number = 0, 1  # where the first line of data or header starts, and its number
    while True:
        end = text.find("\n", start)
        line = text[start:] if end < 0 else text[start:end]
        if _is_data_line(line):
            break
        if end < 0:
            raise DataError("there are no rows to read", source=source)
        start, number = end + 1, number + 1
    delimiter = _guess_delimiter(line)
    first_cells = _cells(line, delimiter)
    header = first_cells if _is_header(first_cells, text, len(text) if end < 0 else end + 1,
                                       delimiter) else None
    if len(first_cells) < 2:
        raise DataError(
            "there is only one column; the data needs at least one feature column and "
            "the target column (the last one)", line=number, source=source)
    if header is not None:
        rows_start, rows_line = (len(text) if end < 0 else end + 1), number + 1
    else:
        rows_start, rows_line = start, number
    reading = _Reading()
    values = _read_rows(text, rows_start, rows_line, delimiter, header, len(first_cells), source,
                        reading)
    if values.shape[0] == 0:
        raise DataError("there is a header but no rows of numbers", line=number, source=source)
    names = header if header is not None else [*default_names(values.shape[1] - 1), "y"]
    return Table(list(names), values, text, number if header is not None else None, delimiter,
                 source, reading.text)


def _is_header(cells: list[str], text: str, after: int, delimiter: str) -> bool:
    """Whether the first line (``cells``) is a header: some cell is not a number, and (when
    others are numbers: a first row with a text target, say) the next line has a number where
    this one has text."""
    numbers = [_is_number(c) for c in cells]
    if all(numbers):
        return False
    if not any(numbers):
        return True
    for _, line in _numbered_lines(text, after):
        if _is_data_line(line):
            following = _cells(line, delimiter)
            return any(not numbers[i] and _is_number(following[i])
                       for i in range(min(len(cells), len(following))))
    return True


@dataclass
class _Reading:
    """What reading the rows has found so far: the column of text, if any."""

    text: TextColumn | None = None


def _read_rows(text: str, start: int, number: int, delimiter: str, header: list[str] | None,
               width: int, source: str | None, reading: _Reading) -> np.ndarray:
    """The rows of numbers of ``text`` from offset ``start`` (line ``number``), read a block
    at a time into one array; :class:`DataError` at the first thing wrong."""
    values = np.empty((text.count("\n", start) + 1, width))  # room for every line
    filled = 0
    while start < len(text):
        end = text.find("\n", start + _BLOCK)
        end = len(text) if end < 0 else end + 1
        block = text[start:end]
        rows = _fast_block(block, delimiter, width, reading)
        if rows is None:
            rows = _careful_pass(block, number, delimiter, header, width, source, reading, filled)
        values[filled:filled + rows.shape[0]] = rows
        filled += rows.shape[0]
        number += block.count("\n")
        start = end
    return values[:filled]


def _fast_block(block: str, delimiter: str, width: int, reading: _Reading) -> np.ndarray | None:
    """The rows of ``block`` read by NumPy's parser, or ``None`` when it refuses them or a
    value is not finite (then the careful pass says what is wrong, or reads what NumPy's
    parser does not, such as ``1_000``)."""
    if reading.text is not None:
        return _fast_text_block(block, delimiter, width, reading.text)
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "no data": a block of comments, say
            rows = np.loadtxt(io.StringIO(block), delimiter=delimiter, comments="#", ndmin=2,
                              quotechar='"', dtype=np.float64)
    except ValueError:
        return None
    if rows.size == 0:
        return None  # blank lines and comments only, or an odd row: let the careful pass look
    if rows.shape[1] != width or not np.isfinite(rows).all():
        return None
    return rows


def _fast_text_block(block: str, delimiter: str, width: int, text: TextColumn) -> np.ndarray | None:
    """:func:`_fast_block` for a file with a text column: every cell read as text by NumPy's
    parser, the other columns then converted to numbers, the text column to its codes.
    ``None`` (the careful pass then reads the block) at anything unexpected."""
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cells = np.loadtxt(io.StringIO(block), delimiter=delimiter, comments="#", ndmin=2,
                               quotechar='"', dtype=str)
            if cells.size == 0 or cells.shape[1] != width:
                return None
            rows = np.empty(cells.shape, dtype=np.float64)
            others = [c for c in range(width) if c != text.column]
            rows[:, others] = cells[:, others].astype(np.float64)
    except ValueError:
        return None
    unique, first, inverse = np.unique(cells[:, text.column], return_index=True,
                                       return_inverse=True)
    labels = [u.strip() for u in unique.tolist()]
    new = [labels[i] for i in np.argsort(first, kind="stable") if labels[i] not in text.labels]
    if (any(not label or _is_number(label) for label in labels)
            or len(text.labels) + len(dict.fromkeys(new)) > 2):
        return None  # a number or an empty cell among the text, or a third value
    for label in new:
        text.labels.setdefault(label, len(text.labels))
    rows[:, text.column] = np.array([text.labels[label] for label in labels],
                                    dtype=np.float64)[inverse.reshape(-1)]
    if not np.isfinite(rows).all():
        return None
    return rows


def _careful_pass(block: str, number: int, delimiter: str, header: list[str] | None, width: int,
                  source: str | None, reading: _Reading, rows_before: int) -> np.ndarray:
    """Read ``block`` (starting at line ``number``) line by line, and raise at the first thing
    wrong, naming its line and column."""
    rows: list[list[float]] = []
    for line_number, line in _numbered_lines(block, 0, number):
        if not _is_data_line(line):
            continue
        try:
            cells = _cells(line, delimiter)
        except csv.Error as exc:
            raise DataError(f"the row cannot be read as CSV ({exc})", line=line_number,
                            source=source) from None
        if len(cells) != width:
            raise DataError(
                f"this row has {len(cells)} cells, but the {'header' if header else 'first row'}"
                f" has {width}", line=line_number, source=source)
        row = []
        for c, cell in enumerate(cells):
            name = header[c] if header else None
            text = reading.text
            if text is not None and c == text.column:
                if not cell or _is_number(cell):
                    shown = repr(cell) + (f" ({name!r})" if name else "")
                    raise DataError(
                        f"{shown} is not text like the rest of this column ({text.cell!r} on "
                        f"line {text.line}): a text target needs one of its two values in "
                        "every row", line=line_number, column=c + 1, source=source)
                text.add([cell], line_number, name, source)
                row.append(float(text.labels[cell]))
                continue
            try:
                row.append(parse_cell(cell, False, name))
            except DataError as exc:
                if not cell or _is_number(cell) or rows_before + len(rows):
                    # Empty, a number that is not finite, or text below rows of numbers.
                    raise DataError(exc.message, line=line_number, column=c + 1,
                                    source=source) from None
                row.append(_first_text(reading, cell, c, name, line_number, source))
        rows.append(row)
    return np.array(rows, dtype=np.float64).reshape(len(rows), width)


def _first_text(reading: _Reading, cell: str, column: int, name: str | None, line: int,
                source: str | None) -> float:
    """A text cell in the first row: the start of the file's text column, when it is the
    first such column; else :class:`DataError`."""
    shown = repr(cell) + (f" ({name!r})" if name else "")
    if reading.text is not None:
        other = reading.text
        raise DataError(
            f"{shown} is not a number: only one column, the target, may hold text (column "
            f"{other.column + 1} already does)", line=line, column=column + 1, source=source)
    reading.text = TextColumn(column, line, cell)
    reading.text.add([cell], line, name, source)
    return 0.0


def parse_csv_text(text: str, source: str | None = None, target: int | str | None = None) -> Dataset:
    """Parse CSV text into a :class:`Dataset` (target: the last column by default)."""
    return parse_table(text, source).dataset(target)


def read_table(path: str | Path) -> Table:
    """Read a CSV file into a :class:`Table`; raise :class:`DataError` if it cannot.

    Only a regular file of at most ``MAX_CSV_BYTES`` is read (a folder, a device, a pipe or
    a bigger file is refused before reading), and one whose first block is not text is
    refused before the rest is read."""
    path = Path(path)
    raw = read_file_bytes(path, MAX_CSV_BYTES, "data file")
    text = _decode(raw, path.name)
    del raw  # the text alone from here on
    text = _clean(text)
    return parse_table(text, source=path.name)


def _decode(raw: bytes, source: str | None) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError("the file is not UTF-8 text", line=line, source=source) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise DataError("the file holds a NUL byte: it is not a text file", line=line,
                        source=source)
    return text


def parse_table_bytes(raw: bytes, source: str | None = None) -> Table:
    """A file's bytes as a :class:`Table`: UTF-8 text (a byte-order mark is fine)."""
    return parse_table(_decode(raw, source), source=source)


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
    labels = dataset.target_labels
    if labels is not None and not dataset.is_binary:
        labels = None  # a target edited off 0 and 1: only numbers can say it
    for row, target in zip(dataset.features.tolist(), dataset.target.tolist()):
        writer.writerow([repr(v) for v in row]
                        + [repr(target) if labels is None else labels[int(target)]])
    return out.getvalue()


def write_text_atomically(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path`` so that a crash or a full disk never leaves a broken file:
    the text goes to a temporary file beside it, which then replaces the old file.

    Temporary files of earlier saves of the same file that were killed before they could
    finish (their process is gone) are removed first."""
    path = Path(path)
    remove_stale_temporaries(path)
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


__all__ = ["Table", "TextColumn", "parse_csv_bytes", "parse_table_bytes", "parse_csv_text", "parse_table",
           "read_csv", "read_table", "to_csv_text", "write_csv", "write_text_atomically"]
