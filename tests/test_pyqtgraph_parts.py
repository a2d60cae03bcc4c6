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


def run_through_gui(code: str) -> None:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "ok", out.stdout


def test_star_import_of_pyqtgraph_gives_every_name_a_plain_import_gives():
    plain = probe("plain")["names"]
    run_through_gui(f"""
import gui
namespace = {{}}
exec("from pyqtgraph import *", namespace)
public = sorted(n for n in namespace if not n.startswith("_"))
expected = sorted(n for n in {plain!r} if not n.startswith("_"))
assert public == expected, sorted(set(public) ^ set(expected))[:10]
print("ok")
""")


def test_two_threads_asking_for_left_out_names_at_once_both_get_them():
    run_through_gui("""
import threading
import gui
import pyqtgraph as pg
start, found = threading.Barrier(2), {}
def ask(name):
    start.wait()
    found[name] = getattr(pg, name, None)
threads = [threading.Thread(target=ask, args=(n,)) for n in ("SpinBox", "ROI")]
for t in threads: t.start()
for t in threads: t.join()
assert found["SpinBox"].__name__ == "SpinBox" and found["ROI"].__name__ == "ROI", found
print("ok")
""")


def test_a_part_that_cannot_be_imported_is_an_attribute_error_and_is_tried_again():
    run_through_gui("""
import sys
import gui
import pyqtgraph as pg
class Broken:
    def find_spec(self, name, path=None, target=None):
        if name == "pyqtgraph.widgets.TableWidget":
            raise ImportError("broken on purpose")
broken = Broken()
sys.meta_path.insert(0, broken)
assert not hasattr(pg, "SpinBox") and not hasattr(pg, "NoSuchName")  # no ImportError
sys.meta_path.remove(broken)
assert pg.SpinBox.__name__ == "SpinBox" and pg.TableWidget.__name__ == "TableWidget"
assert not hasattr(pg, "NoSuchName")
print("ok")
""")


def test_only_pyqtgraphs_own_init_gets_stand_ins_and_a_failed_import_leaves_none():
    run_through_gui("""
import sys
import gui
from gui.pyqtgraph_parts import _StandIn
class ImportsDuringPyqtgraph:
    # While pyqtgraph's __init__ runs, another module imports a part it defers: for real.
    done = False
    def find_spec(self, name, path=None, target=None):
        if name == "pyqtgraph.graphicsItems.AxisItem" and not self.done:
            self.done = True
            exec("import pyqtgraph.widgets.SpinBox", {"__name__": "someone_else"})
probe = ImportsDuringPyqtgraph()
sys.meta_path.insert(0, probe)
import pyqtgraph as pg
sys.meta_path.remove(probe)
assert probe.done
assert sys.modules["pyqtgraph.widgets.SpinBox"].SpinBox is pg.SpinBox
# A pyqtgraph whose import fails leaves neither the finder nor a stand-in behind.
for name in [n for n in sys.modules if n == "pyqtgraph" or n.startswith("pyqtgraph.")]:
    del sys.modules[name]
from gui import pyqtgraph_parts
assert pyqtgraph_parts.install()
class Broken:
    def find_spec(self, name, path=None, target=None):
        if name == "pyqtgraph.graphicsItems.ViewBox":
            raise ImportError("broken on purpose")
sys.meta_path.insert(0, Broken())
try:
    import pyqtgraph
except ImportError:
    pass
else:
    raise AssertionError("pyqtgraph imported")
assert not [f for f in sys.meta_path if type(f).__name__ == "_Finder"]
assert not [n for n, m in sys.modules.items() if isinstance(m, _StandIn)]
print("ok")
""")
