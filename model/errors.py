"""The one error type that the model raises for input a person can get wrong."""
from __future__ import annotations


class DataError(ValueError):
    """Bad data or a bad parameter, with a message meant for a person.

    Parameters
    ----------
    message
        What is wrong, in plain words.
    line, column
        Where, when the data came from a file (1-based); ``None`` when unknown.
    source
        The file's name, when there is one.
    """

    def __init__(
        self,
        message: str,
        line: int | None = None,
        column: int | None = None,
        source: str | None = None,
    ):
        self.message = message
        self.line = line
        self.column = column
        self.source = source
        super().__init__(self._render())

    def _render(self) -> str:
        where = [self.source] if self.source else []
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column is not None:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.message}" if where else self.message
