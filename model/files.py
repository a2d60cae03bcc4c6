"""Reading a file that a person named, checked before it is read.

Anything can be named as a data file or a session: a device that never ends
(``/dev/zero``), a named pipe that blocks until someone writes to it, a folder, a sparse
file of gigabytes, a picture.  :func:`read_file_bytes` looks at what the name is before it
reads anything, refuses files larger than a stated limit, and looks at the first block
before it reads the rest, so that each of these is a clear message at once rather than a
program that hangs or fills the memory.

:func:`remove_stale_temporaries` is the other half of writing a file atomically: a save
killed between writing its temporary file and renaming it leaves the temporary behind,
and the next save of the same file removes it.
"""
from __future__ import annotations

import codecs
import os
import re
import stat
from pathlib import Path

from .errors import DataError

#: The largest data file read: far more rows than the window can show usefully, and small
#: enough that reading it (about three times its size in memory, briefly) fits an
#: ordinary computer.
MAX_CSV_BYTES = 1 << 30  # 1 GiB
#: The largest session file read.  A session's text is about twice the size of its table as
#: CSV, and JSON is parsed into Python objects (some ten times the text in memory).
MAX_SESSION_BYTES = 256 << 20  # 256 MiB

#: Read (and checked for text) before the rest of a file.
FIRST_BLOCK = 1 << 16

_KINDS = (
    (stat.S_ISDIR, "is a folder, not a file"),
    (stat.S_ISFIFO, "is a named pipe, not a file"),
    (stat.S_ISCHR, "is a device, not a file"),
    (stat.S_ISBLK, "is a device, not a file"),
    (stat.S_ISSOCK, "is a socket, not a file"),
)


def describe_size(size: int) -> str:
    """``size`` bytes in the largest binary unit that keeps it above 1, e.g. ``2.0 GiB``."""
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}".replace(".0 ", " ")
    return f"{size} bytes"


def _not_a_regular_file(path: Path, mode: int) -> DataError:
    for test, words in _KINDS:
        if test(mode):
            return DataError(f"{path}: {words}; only regular files can be opened")
    return DataError(f"{path}: is not a regular file; only regular files can be opened")


def _nonblocking(path: str, flags: int) -> int:
    # A named pipe put there after the check must not block the open.
    return os.open(path, flags | getattr(os, "O_NONBLOCK", 0))


def check_first_block(block: bytes, complete: bool, source: str | None) -> None:
    """Refuse, with the line, a file whose first block is not UTF-8 text or holds a NUL.

    ``complete`` says the block is the whole file (so a character cut at its end is an
    error, not the start of the next block)."""
    nul = block.find(b"\x00")
    try:
        codecs.getincrementaldecoder("utf-8")().decode(block[: nul if nul >= 0 else len(block)],
                                                       final=complete or nul >= 0)
    except UnicodeDecodeError as exc:
        line = block[: exc.start].count(b"\n") + 1
        raise DataError("the file is not UTF-8 text", line=line, source=source) from None
    if nul >= 0:
        line = block[:nul].count(b"\n") + 1
        raise DataError("the file holds a NUL byte: it is not a text file", line=line, source=source)


def _read_rest(stream, data: bytes, limit: int, too_large: str) -> bytes:
    """``data`` and the rest of ``stream``, a block at a time, never more than ``limit``."""
    parts, total = [data], len(data)
    while block := stream.read(1 << 20):
        total += len(block)
        if total > limit:
            raise DataError(too_large)
        parts.append(block)
    return b"".join(parts)


def read_file_bytes(path: str | Path, limit: int, kind: str) -> bytes:
    """The bytes of the regular file ``path``, no larger than ``limit`` bytes.

    Raises :class:`DataError` with a plain message, before reading it, for a name that is
    missing, a folder, a device, a pipe or a socket, or a file larger than ``limit`` (``kind``
    names the file in that message: "data file", "session"); and after reading only its
    first block, for a file that is not UTF-8 text.
    """
    path = Path(path)
    try:
        before = os.stat(path)
        if not stat.S_ISREG(before.st_mode):
            raise _not_a_regular_file(path, before.st_mode)
        with open(path, "rb", opener=_nonblocking) as stream:
            status = os.fstat(stream.fileno())
            if not stat.S_ISREG(status.st_mode):  # replaced between the two looks
                raise _not_a_regular_file(path, status.st_mode)
            if status.st_size > limit:
                raise DataError(
                    f"{path}: the file is {describe_size(status.st_size)}, larger than the "
                    f"{describe_size(limit)} Neuron Lab reads as a {kind}")
            first = stream.read(FIRST_BLOCK)
            check_first_block(first, len(first) < FIRST_BLOCK, path.name)
            if len(first) < FIRST_BLOCK:
                return first
            # The whole file again from the start, into one buffer of its measured size
            # (re-reading the first block costs nothing; joining two parts would copy it all).
            stream.seek(0)
            data = stream.read(status.st_size + 1)
            if len(data) > status.st_size:  # it grew since it was measured (or is like /proc)
                data = _read_rest(stream, data, limit, f"{path}: the file grew past the "
                                  f"{describe_size(limit)} Neuron Lab reads as a {kind}")
    except FileNotFoundError:
        raise DataError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise DataError(f"{path}: is a folder, not a file") from None
    except OSError as exc:
        raise DataError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    return data


def _process_is_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, and belongs to someone else
    except OSError:
        return True  # cannot tell: keep its file
    return True


def remove_stale_temporaries(path: Path) -> list[Path]:
    """Remove the temporary files ``.<name>.<pid>.tmp`` beside ``path`` that a save killed
    before it finished left behind: those whose process is gone.  Returns what was removed.

    A temporary of a process still running (a save under way in another window) is kept.
    Only on POSIX systems, where asking whether a process exists is harmless.
    """
    if os.name != "posix":
        return []
    pattern = re.compile(re.escape(f".{path.name}.") + r"([0-9]{1,10})\.tmp")
    removed = []
    try:
        entries = list(os.scandir(path.parent))
    except OSError:
        return []
    for entry in entries:
        match = pattern.fullmatch(entry.name)
        if match is None:
            continue
        pid = int(match.group(1))
        if pid == os.getpid() or pid <= 0 or _process_is_alive(pid):
            continue
        try:
            if entry.is_file(follow_symlinks=False):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except OSError:
            pass  # someone else removed it, or it cannot be: never a reason to fail a save
    return removed


__all__ = ["FIRST_BLOCK", "MAX_CSV_BYTES", "MAX_SESSION_BYTES", "check_first_block", "describe_size",
           "read_file_bytes", "remove_stale_temporaries"]
