"""pyqtgraph's copies of Qt's modules, filled as names are used instead of all at import.

pyqtgraph keeps modules of its own that mirror PySide6's QtCore, QtGui and QtWidgets
(``pyqtgraph.Qt.QtCore`` and so on: empty packages in its source), and fills them when it
is imported by copying every name across (``_copy_attrs`` in ``pyqtgraph/Qt/__init__.py``:
``if not hasattr(mirror, name): setattr(mirror, name, getattr(qt_module, name))``).
PySide6 makes a class's Python type the first time the class is asked for, so that copy
made all 721 of them on every start, 110-170 ms here, though the window uses about a fifth.
Started as a person starts it, the window comes up 70-95 ms sooner with the mirrors below
(medians of the paired differences over 25 to 40 interleaved launches, on the 2-core
Intel Xeon development machine).

:func:`install` puts in their place, before pyqtgraph is imported, mirrors that fetch a
name from PySide6 when it is first asked for and keep it.  While pyqtgraph's copying loop
asks whether a name is there, the answer is yes without fetching it; pyqtgraph's own
additions (``QtWidgets.QOpenGLWidget`` and the like) are set on the mirrors as before.
Everything pyqtgraph reads through them is then PySide6's own object, as with its copy
(tests/test_qt_mirrors.py compares every name).

Nothing is replaced if pyqtgraph is already imported, or if its mirror packages are no
longer empty files (a pyqtgraph that fills them itself): pyqtgraph then does as it always
did.  If the copying function were renamed, the mirrors would simply fetch every name as
it asks, as slowly as before and as correctly.
"""
from __future__ import annotations

import importlib
import importlib.util
import os
import sys
import types

#: The PySide6 modules pyqtgraph mirrors, by the name of the mirror's last part.
MIRRORED = ("QtCore", "QtGui", "QtWidgets")

#: pyqtgraph's function that copies the names, and the module it is in.
_COPIER = ("_copy_attrs", "pyqtgraph.Qt")


class LazyMirror(types.ModuleType):
    """A module that answers for ``PySide6.<name>``, fetching each name on first use."""

    def __init__(self, name: str, source: str) -> None:
        super().__init__(name)
        self.__dict__["_source_name"] = source

    def __getattr__(self, name: str):
        caller = sys._getframe(1)
        if (caller.f_code.co_name, caller.f_globals.get("__name__")) == _COPIER:
            return None  # "yes, it is there": fetched when something uses it
        value = getattr(importlib.import_module(self.__dict__["_source_name"]), name)
        setattr(self, name, value)
        return value


def install() -> bool:
    """Put lazy mirrors where pyqtgraph will look for its own; True if they were put."""
    if "pyqtgraph" in sys.modules or not _mirror_packages_are_empty():
        return False
    for part in MIRRORED:
        name = f"pyqtgraph.Qt.{part}"
        sys.modules[name] = LazyMirror(name, f"PySide6.{part}")
    return True


def _mirror_packages_are_empty() -> bool:
    if getattr(sys, "frozen", False):
        # A bundle holds no source files to look at; it carries the pyqtgraph it was built
        # with, and make bundle-test opens its window.
        return True
    spec = importlib.util.find_spec("pyqtgraph")
    if spec is None or not spec.submodule_search_locations:
        return False
    folder = os.path.join(spec.submodule_search_locations[0], "Qt")
    try:
        return all(os.path.getsize(os.path.join(folder, part, "__init__.py")) == 0
                   for part in MIRRORED)
    except OSError:
        return False
