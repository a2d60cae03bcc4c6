"""gui/pyqtgraph_parts.py: pyqtgraph imported through gui leaves out the parts the window
never uses, and still has every name, each the same object as with a plain import (each
check in a fresh interpreter: importing pyqtgraph is once per process)."""
from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import ROOT

PROBE = """
import json, sys, types
if sys.argv[1] == "through gui":
    import gui  # as every start of the program does
import pyqtgraph

def describe(value):
    if isinstance(value, types.ModuleType):
        return ["module", value.__name__]
    if isinstance(value, (type, types.FunctionType, types.BuiltinFunctionType)):
        return [type(value).__name__, value.__module__, value.__qualname__]
    if isinstance(value, (bool, int, float, str, type(None))):
        return [type(value).__name__, repr(value)]
    return [type(value).__name__]

loaded_at_import = sorted(m for m in sys.modules if m.startswith("pyqtgraph."))
multiprocess_ran = "pyqtgraph.multiprocess.processes" in sys.modules
names = dir(pyqtgraph)
print(json.dumps({
    "loaded_at_import": loaded_at_import,
    "multiprocess_ran": multiprocess_ran,
    "names": names,
    "described": {name: describe(getattr(pyqtgraph, name)) for name in names},
    "loader_is_its_own": type(pyqtgraph.__spec__.loader).__name__ == "SourceFileLoader"
                         and pyqtgraph.__loader__ is pyqtgraph.__spec__.loader,
    "finders_left": [type(f).__name__ for f in sys.meta_path if type(f).__name__ == "_Finder"],
}))
"""


def probe(how: str, code: str = PROBE) -> dict:
    out = subprocess.run([sys.executable, "-c", code, how], capture_output=True, text=True,
                         cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_pyqtgraph_has_every_name_as_the_same_object_through_gui():
    plain, through_gui = probe("plain"), probe("through gui")
    assert through_gui["names"] == plain["names"]
    differ = {name: (plain["described"][name], through_gui["described"][name])
              for name in plain["names"]
              if plain["described"][name] != through_gui["described"][name]}
    assert differ == {}
    assert through_gui["loader_is_its_own"] and plain["loader_is_its_own"]
    assert through_gui["finders_left"] == []  # the finder steps aside once pyqtgraph is in


def test_importing_pyqtgraph_through_gui_leaves_the_unused_parts_out():
    """The point of it: this fails if a pyqtgraph upgrade or a change here imports them."""
    from gui.pyqtgraph_parts import DEFERRED

    plain, through_gui = probe("plain"), probe("through gui")
    assert set(DEFERRED) <= set(plain["loaded_at_import"])  # they are what a plain import runs
    assert not set(DEFERRED) & set(through_gui["loaded_at_import"])
    assert "pyqtgraph.parametertree" in plain["loaded_at_import"]
    assert "pyqtgraph.parametertree" not in through_gui["loaded_at_import"]
    assert plain["multiprocess_ran"] and not through_gui["multiprocess_ran"]
    # 73 of the 144 pyqtgraph modules with pyqtgraph 0.14
    assert len(through_gui["loaded_at_import"]) < 0.6 * len(plain["loaded_at_import"])


USE_AFTER = """
import sys
import gui
import pyqtgraph as pg
from pyqtgraph.widgets.SpinBox import SpinBox  # imported directly, for real
assert type(sys.modules["pyqtgraph.widgets.SpinBox"]).__name__ == "module"
assert pg.SpinBox is SpinBox and pg.widgets.SpinBox.SpinBox is SpinBox
from pyqtgraph.widgets.ColorMapWidget import ColorMapWidget
assert pg.ColorMapWidget is ColorMapWidget
from pyqtgraph.parametertree import ParameterTree
assert issubclass(ColorMapWidget, ParameterTree)
assert pg.multiprocess.QtProcess.__module__ == "pyqtgraph.multiprocess.processes"
assert pg.colormap.get("viridis").name == "viridis"  # pyqtgraph's own files, through its loader
try:
    pg.NoSuchName
except AttributeError as error:
    assert "NoSuchName" in str(error)
else:
    raise AssertionError("a missing name was found")
print('{"ok": true}')
"""


def test_the_parts_left_out_are_the_real_modules_when_asked_for():
    assert probe("through gui", USE_AFTER) == {"ok": True}
