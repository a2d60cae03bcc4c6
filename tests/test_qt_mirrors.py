"""gui/qt_mirrors.py: pyqtgraph reads the same Qt through lazy mirrors, and fewer classes
are made at start-up (each check in a fresh interpreter: importing pyqtgraph is once per
process)."""
from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import ROOT

PROBE = """
import json, sys
if sys.argv[1] == "through gui":
    import gui  # installs the mirrors, as every start of the program does
import pyqtgraph
from pyqtgraph import Qt as mirrors
import PySide6
from PySide6 import QtCore, QtGui, QtOpenGLWidgets, QtWidgets

parts = ("QtCore", "QtGui", "QtWidgets")
# How many of each module's classes PySide6 has made (it makes one when first asked for).
made = {p: sum(1 for k in vars(getattr(PySide6, p)) if k.startswith("Q")) for p in parts}
# What pyqtgraph adds to its mirrors beyond PySide6's own names.
added = {p: sorted(k for k in vars(getattr(mirrors, p))
                   if not k.startswith("_") and not hasattr(getattr(PySide6, p), k))
         for p in parts}
differ = [f"{p}.{n}" for p in parts for n in dir(getattr(PySide6, p)) if not n.startswith("__")
          and getattr(getattr(mirrors, p), n) is not getattr(getattr(PySide6, p), n)]
print(json.dumps({
    "made": made, "added": added, "differ": differ,
    "mirror_type": type(mirrors.QtCore).__name__,
    "opengl_widget": mirrors.QtWidgets.QOpenGLWidget is QtOpenGLWidgets.QOpenGLWidget,
    "file_system_model": mirrors.QtGui.QFileSystemModel is QtWidgets.QFileSystemModel,
}))
"""


def probe(how: str) -> dict:
    out = subprocess.run([sys.executable, "-c", PROBE, how], capture_output=True, text=True,
                         cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_pyqtgraph_sees_every_qt_name_as_pyside6s_own_object_through_the_lazy_mirrors():
    plain, lazy = probe("plain"), probe("through gui")
    assert plain["mirror_type"] == "module" and lazy["mirror_type"] == "LazyMirror"
    assert lazy["differ"] == [] and plain["differ"] == []
    assert lazy["added"] == plain["added"]  # QOpenGLWidget, QFileSystemModel as pyqtgraph sets them
    assert lazy["opengl_widget"] and lazy["file_system_model"]


def test_importing_pyqtgraph_through_gui_makes_far_fewer_qt_classes():
    """The point of the mirrors: this fails if a pyqtgraph upgrade bypasses them."""
    plain = probe("plain")["made"]
    lazy = probe("through gui")["made"]
    for part in plain:
        assert lazy[part] < plain[part] / 2, (part, lazy[part], plain[part])


def test_install_leaves_an_already_imported_pyqtgraph_alone():
    import pyqtgraph  # noqa: F401  (the test process has it already, or has it now)

    from gui import qt_mirrors

    before = {k: sys.modules[k] for k in sys.modules if k.startswith("pyqtgraph.Qt.")}
    assert qt_mirrors.install() is False
    assert {k: sys.modules[k] for k in before} == before


def test_install_leaves_pyqtgraph_alone_when_its_mirror_packages_are_not_empty(tmp_path, monkeypatch):
    """A pyqtgraph that fills its mirror modules itself must get them, not ours."""
    from importlib.machinery import ModuleSpec

    import pyqtgraph  # noqa: F401  (its mirrors are in sys.modules: put back after the test)

    from gui import qt_mirrors

    for part in qt_mirrors.MIRRORED:
        name = f"pyqtgraph.Qt.{part}"
        monkeypatch.setitem(sys.modules, name, sys.modules[name])
        (tmp_path / "Qt" / part).mkdir(parents=True)
        (tmp_path / "Qt" / part / "__init__.py").write_text("" if part != "QtGui" else "x = 1\n")
    spec = ModuleSpec("pyqtgraph", None, is_package=True)
    spec.submodule_search_locations = [str(tmp_path)]
    monkeypatch.delitem(sys.modules, "pyqtgraph")
    monkeypatch.setattr(qt_mirrors.importlib.util, "find_spec", lambda name: spec)

    names = [f"pyqtgraph.Qt.{part}" for part in qt_mirrors.MIRRORED]
    before = [sys.modules[name] for name in names]
    assert qt_mirrors.install() is False
    assert [sys.modules[name] for name in names] == before
    (tmp_path / "Qt" / "QtGui" / "__init__.py").write_text("")
    assert qt_mirrors.install() is True  # the same folder with empty packages: installed
    for name, old in zip(names, before):
        assert sys.modules[name] is not old and isinstance(sys.modules[name], qt_mirrors.LazyMirror)
