"""gui/feature_scan.py: PySide6's import hook gets the same answer for every module, from a
file read instead of inspect.getsource (checked in a fresh interpreter, as the program
starts: the hook sees each module once per process)."""
from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import ROOT

PROBE = """
import json, linecache, sys
import gui.app  # installs the quicker check, as every start of the program does
import gui.main_window  # the window's modules
# and the plots' (built once the window is on the screen), pyqtgraph's among them
import gui.boundary_plot, gui.error_plot, gui.landscape_plot, gui.rewind  # noqa: E401
import gui.run_curves, gui.runs_panel, gui.sigmoid_plot, gui.step_panel  # noqa: E401
feature = sys.modules["shibokensupport.feature"]
quick = feature._mod_uses_pyside
# (before the comparison below, which asks PySide6's own check too)
in_linecache = sum("pyqtgraph" in f for f in linecache.cache)
differ, used, checked = [], [], 0
imported = dict(sys.modules)  # (asking a lazily loaded module below runs it, and its imports)
for name, module in imported.items():
    try:
        own = quick.pyside_check(module)
    except Exception as error:  # PySide6's own check lets these through: so must ours
        own = type(error).__name__
    try:
        ours = quick(module)
    except Exception as error:
        ours = type(error).__name__
    checked += 1
    if ours != own:
        differ.append([name, ours, own])
    if own is True:
        used.append(name)
# The modules the hook was asked about (those imported through ``import``; not, e.g., a
# package's submodule named in ``from . import x``) and what it recorded for them.
hooked = {n: v for n, v in feature.pyside_feature_dict.items() if n in imported}
print(json.dumps({
    "quick": getattr(quick, "_reads_the_file", False), "checked": checked, "differ": differ,
    "uses_pyside": used,
    "hook_saw_pyqtgraph": sum(n.startswith("pyqtgraph.") for n in hooked),
    "hook_answers": [n for n, v in hooked.items() if (v == 0) != (n in used)],
    "pyqtgraph_sources_in_linecache": in_linecache,
}))
"""


def probe() -> dict:
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                         cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_the_quicker_check_answers_as_pyside6s_own_for_every_module_the_window_imports():
    found = probe()
    assert found["quick"], "gui.app did not install the quicker check"
    assert found["checked"] > 300
    assert found["differ"] == []
    # Both answers occur: the window's own modules and pyqtgraph's Qt shim name PySide6.
    assert "gui.app" in found["uses_pyside"] and "pyqtgraph.Qt" in found["uses_pyside"]
    assert len(found["uses_pyside"]) < found["checked"] / 2
    # The hook asked it about pyqtgraph's modules, and recorded what it answered ...
    assert found["hook_saw_pyqtgraph"] > 50  # the window's share of pyqtgraph: pyqtgraph_parts
    assert found["hook_answers"] == []
    # ... without going through inspect.getsource, which keeps each file in linecache.
    assert found["pyqtgraph_sources_in_linecache"] == 0


def test_install_leaves_a_check_it_does_not_know_alone(monkeypatch):
    import PySide6.QtCore  # noqa: F401  (loads the hook's module)

    from gui import feature_scan

    feature = sys.modules["shibokensupport.feature"]

    def other_check(module):  # e.g. a later PySide6 that decides differently
        return False

    monkeypatch.setattr(feature, "_mod_uses_pyside", other_check)
    assert feature_scan.install() is False
    assert feature._mod_uses_pyside is other_check


def test_install_wraps_pysides_check_once(monkeypatch):
    import PySide6.QtCore  # noqa: F401

    from gui import feature_scan

    feature = sys.modules["shibokensupport.feature"]
    own = getattr(feature._mod_uses_pyside, "pyside_check", feature._mod_uses_pyside)
    monkeypatch.setattr(feature, "_mod_uses_pyside", own)
    assert feature_scan.install() is True
    quick = feature._mod_uses_pyside
    assert quick is not own and quick.pyside_check is own
    assert feature_scan.install() is True
    assert feature._mod_uses_pyside is quick  # not wrapped a second time
