"""pyqtgraph's parts the window never uses, imported when first asked for instead of with it.

``import pyqtgraph`` runs some eighty lines like ``from .widgets.ColorMapWidget import *``
so that each of its classes is ``pyqtgraph.Name``.  The window draws with a dozen of them;
about forty of those lines import modules nothing it uses needs (the parameter tree behind
ColorMapWidget, ScatterPlotWidget and DataFilterWidget, the ROI family, the histogram and
gradient editors, RemoteGraphicsView's multiprocess package with sockets and pickling...).
Leaving them out takes 104 of the 1,981 million instructions the program ran before its
window was painted (valgrind, the same on every run; bench/bench_startup.py
--instructions), 30-35 ms of every start on the 2-core Intel Xeon development machine.

:func:`install` puts a finder first on ``sys.meta_path`` before pyqtgraph is imported.
While pyqtgraph's own ``__init__`` runs, on the thread importing it, the finder answers for
each module in :data:`DEFERRED` that ``__init__`` itself imports with a stand-in whose
``__all__`` is empty, so that its line binds nothing; and it loads ``pyqtgraph.multiprocess``
for RemoteGraphicsView through the standard library's ``importlib.util.LazyLoader``: the
package runs when any attribute of it is first read (RemoteGraphicsView reads it only when
made; so does code that walks ``sys.modules`` reading modules' attributes, and on Python
3.11 two threads doing that at once are not safe).  Once pyqtgraph is whole, or its import
failed, the finder and the stand-ins leave ``sys.modules``.  pyqtgraph then has a module
``__getattr__`` and ``__dir__`` (PEP 562): the first name it is asked for and lacks imports
every module stood in for, for real, and binds their names in pyqtgraph as their lines would
have (tests/test_pyqtgraph_parts.py compares every name with a plain import, in fresh
interpreters).  Asking for ``__all__`` (``from pyqtgraph import *``) and ``dir(pyqtgraph)``
do the same; so does ``from pyqtgraph import some_submodule`` for a submodule not imported
yet, as Python first asks pyqtgraph whether it has that name.  Anything asked of a stand-in
comes from the real module, imported then.

Nothing is done if pyqtgraph is already imported.  A later pyqtgraph without one of these
modules still works: a module never asked for is never stood in for.
"""
from __future__ import annotations

import importlib
import importlib.util
import sys
import threading
import types

PACKAGE = "pyqtgraph"

#: Modules pyqtgraph's ``__init__`` imports with ``from .X import *``, only to offer their
#: names as ``pyqtgraph.Name``, and that nothing the window uses imports.
DEFERRED = tuple(f"{PACKAGE}.{name}" for name in (
    "graphicsItems.ArrowItem", "graphicsItems.BoxplotItem", "graphicsItems.ColorBarItem",
    "graphicsItems.CurvePoint", "graphicsItems.DateAxisItem", "graphicsItems.ErrorBarItem",
    "graphicsItems.GradientEditorItem", "graphicsItems.GradientLegend",
    "graphicsItems.HistogramLUTItem", "graphicsItems.IsocurveItem",
    "graphicsItems.PColorMeshItem", "graphicsItems.ROI", "graphicsItems.ScaleBar",
    "graphicsItems.TargetItem", "graphicsItems.VTickGroup", "imageview",
    "widgets.BusyCursor", "widgets.CheckTable", "widgets.ColorButton",
    "widgets.ColorMapWidget", "widgets.ComboBox", "widgets.DataFilterWidget",
    "widgets.DataTreeWidget", "widgets.DiffTreeWidget", "widgets.FeedbackButton",
    "widgets.GradientWidget", "widgets.HistogramLUTWidget", "widgets.JoystickButton",
    "widgets.LayoutWidget", "widgets.ProgressDialog",
    "widgets.RawImageWidget", "widgets.ScatterPlotWidget", "widgets.SpinBox",
    "widgets.TableWidget", "widgets.TreeWidget", "widgets.ValueLabel", "widgets.VerticalLabel",
))

#: Modules pyqtgraph's modules import as modules and use only when called: they run on
#: first use.
LAZY = (f"{PACKAGE}.multiprocess",)


def install() -> bool:
    """Defer pyqtgraph's unused parts when it is imported; True if the finder was put in."""
    if PACKAGE in sys.modules:
        return False
    if not any(_is_finder(finder) for finder in sys.meta_path):
        sys.meta_path.insert(0, _Finder())
    return True


def _is_finder(finder) -> bool:
    # By name, so that a second copy of this module (reloaded) sees the first one's finder.
    kind = type(finder)
    return kind.__name__ == "_Finder" and kind.__module__ == __name__


class _Finder:
    """Wraps pyqtgraph's import; stands in for :data:`DEFERRED` while its ``__init__`` runs."""

    def __init__(self) -> None:
        self.importing_thread: int | None = None  # the thread running pyqtgraph's __init__
        self.stood_in: list[str] = []  # in the order pyqtgraph asked for them
        self.wanted: set[str] = set()  # asked of a stand-in: imported for real

    def find_spec(self, name, path=None, target=None):
        if name == PACKAGE and self.importing_thread is None:
            spec = self._real_spec(name, path, target)
            if spec is not None and spec.loader is not None:
                spec.loader = _Importing(self, spec.loader)
            return spec
        if self.importing_thread != threading.get_ident():
            return None
        importer = _importer()
        if name in DEFERRED and name not in self.wanted and importer == PACKAGE:
            self.stood_in.append(name)
            return importlib.util.spec_from_loader(name, _StandInLoader())
        if name in LAZY and importer.startswith(PACKAGE + "."):
            spec = self._real_spec(name, path, target)
            if spec is not None and spec.loader is not None:
                spec.loader = importlib.util.LazyLoader(spec.loader)
            return spec
        return None

    def _real_spec(self, name, path, target):
        """What the finders after this one find (install() puts in only one of these)."""
        for finder in sys.meta_path:
            if finder is not self and hasattr(finder, "find_spec"):
                spec = finder.find_spec(name, path, target)
                if spec is not None:
                    return spec
        return None

    def finish(self, package: types.ModuleType | None) -> None:
        """pyqtgraph is whole (or its import failed: None): the finder and the stand-ins
        go, and pyqtgraph's missing names come on demand."""
        self.importing_thread = None
        if self in sys.meta_path:
            sys.meta_path.remove(self)
        for name in self.stood_in:
            if isinstance(sys.modules.get(name), _StandIn):
                del sys.modules[name]
            parent, _, child = name.rpartition(".")
            if isinstance(getattr(sys.modules.get(parent), child, None), _StandIn):
                delattr(sys.modules[parent], child)
        if package is not None and self.stood_in:
            _give_missing_names(package, tuple(self.stood_in))


def _importer() -> str:
    """The name of the module whose import statement is being carried out."""
    frame = sys._getframe(2)
    while frame is not None and frame.f_code.co_filename.startswith("<frozen importlib"):
        frame = frame.f_back
    return frame.f_globals.get("__name__", "") if frame is not None else ""


class _Importing:
    """pyqtgraph's own loader, with the stand-ins on while its ``__init__`` runs."""

    def __init__(self, finder: _Finder, loader) -> None:
        self._finder, self._loader = finder, loader

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module) -> None:
        module.__spec__.loader = module.__loader__ = self._loader  # pyqtgraph sees its own
        self._finder.importing_thread = threading.get_ident()
        try:
            self._loader.exec_module(module)
        except BaseException:
            self._finder.finish(None)
            raise
        self._finder.finish(module)

    def __getattr__(self, name):  # get_resource_reader, is_package and the rest
        return getattr(self._loader, name)


class _StandIn(types.ModuleType):
    """Stands in for a deferred module: binds nothing for ``import *``; anything else asked
    of it comes from the real module, imported then."""

    def __getattr__(self, name):
        if name.startswith("__"):  # what the import system looks for (__path__ and such)
            raise AttributeError(name)
        return getattr(_real(self.__name__), name)


class _StandInLoader:
    def create_module(self, spec):
        return _StandIn(spec.name)

    def exec_module(self, module) -> None:
        module.__all__ = []


def _real(name: str) -> types.ModuleType:
    """The module itself, imported now if only its stand-in is there."""
    if isinstance(sys.modules.get(name), _StandIn):
        del sys.modules[name]
    for finder in sys.meta_path:
        if _is_finder(finder):
            finder.wanted.add(name)  # no stand-in for it again: this import is real
    return importlib.import_module(name)


def _give_missing_names(package: types.ModuleType, deferred: tuple[str, ...]) -> None:
    """pyqtgraph's module ``__getattr__`` and ``__dir__``: the first time a name is missing,
    the deferred modules are imported and their names bound, as their lines would have."""
    lock = threading.RLock()  # another thread asking meanwhile waits for the names
    loading = []  # not empty while this thread imports them (they may ask pyqtgraph too)

    def load() -> None:
        with lock:
            namespace = vars(package)
            if loading or namespace.get("__getattr__") is not missing:
                return  # being loaded by this very thread, or loaded already
            loading.append(True)
            try:
                modules = [_real(name) for name in deferred]  # an ImportError leaves all
            finally:
                loading.clear()
            for module in modules:
                exported = getattr(module, "__all__", None)
                if exported is None:
                    exported = [n for n in vars(module) if not n.startswith("_")]
                for attribute in exported:
                    namespace.setdefault(attribute, getattr(module, attribute))
            del namespace["__getattr__"], namespace["__dir__"]  # every name is there now

    def missing(name: str):
        if name == "__all__" or not name.startswith("__"):
            try:
                load()
            except ImportError as error:  # hasattr() and getattr(x, n, default) expect this
                raise AttributeError(f"module {package.__name__!r} could not import the part "
                                     f"that has {name!r}: {error}") from error
            if name != "__all__" and name in vars(package):
                return vars(package)[name]
        raise AttributeError(f"module {package.__name__!r} has no attribute {name!r}")

    def names() -> list[str]:
        load()
        return sorted(vars(package))

    package.__getattr__ = missing
    package.__dir__ = names
