"""pyqtgraph's parts the window never uses, imported when first asked for instead of with it.

``import pyqtgraph`` runs some eighty lines like ``from .widgets.ColorMapWidget import *``
so that each of its classes is ``pyqtgraph.Name``.  The window draws with a dozen of them;
about forty of those lines import modules nothing it uses needs (the parameter tree behind
ColorMapWidget, ScatterPlotWidget and DataFilterWidget, the ROI family, the histogram and
gradient editors, RemoteGraphicsView's multiprocess package with sockets and pickling...).
They took 113 million of the 1,980 million instructions the program runs before its window
is painted (valgrind, the same on every run), 30-40 ms of every start on the 2-core Intel
Xeon development machine.

:func:`install` puts a finder first on ``sys.meta_path`` before pyqtgraph is imported.
While pyqtgraph's own ``__init__`` runs, it answers for each module in :data:`DEFERRED` with
a stand-in whose ``__all__`` is empty, so that line binds nothing, and it loads
``pyqtgraph.multiprocess`` through the standard library's ``importlib.util.LazyLoader`` (the
module runs when something first uses it: RemoteGraphicsView uses it only when made).  Once
pyqtgraph is whole, the stand-ins leave ``sys.modules`` and pyqtgraph gets a module
``__getattr__`` and ``__dir__`` (PEP 562): the first name it is asked for and does not have
imports every module stood in for, for real, and binds their names in pyqtgraph as their
lines would have.  Anything asked of a stand-in itself comes from the real module.  So every
name of pyqtgraph is there when asked for, the same object as with a plain import
(tests/test_pyqtgraph_parts.py compares them all, in fresh interpreters).

Nothing is done if pyqtgraph is already imported; the finder steps aside once pyqtgraph is
imported.  A later pyqtgraph without one of these modules, or with a module here that
something it imports needs, still works: a module never asked for is never stood in for,
and one asked for through its stand-in is imported then.
"""
from __future__ import annotations

import importlib
import importlib.util
import sys
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

#: Modules pyqtgraph imports as modules and uses only when called: they run on first use.
LAZY = (f"{PACKAGE}.multiprocess",)


def install() -> bool:
    """Defer pyqtgraph's unused parts when it is imported; True if the finder was put in."""
    if PACKAGE in sys.modules:
        return False
    if not any(isinstance(finder, _Finder) for finder in sys.meta_path):
        sys.meta_path.insert(0, _Finder())
    return True


class _Finder:
    """Wraps pyqtgraph's import; stands in for :data:`DEFERRED` while it runs."""

    def __init__(self) -> None:
        self.importing = False
        self.stood_in: list[str] = []  # in the order pyqtgraph asked for them
        self.wanted: set[str] = set()  # asked of a stand-in: imported for real

    def find_spec(self, name, path=None, target=None):
        if name == PACKAGE and not self.importing:
            spec = self._real_spec(name, path, target)
            if spec is not None and spec.loader is not None:
                spec.loader = _Importing(self, spec.loader)
            return spec
        if not self.importing:
            return None
        if name in DEFERRED and name not in self.wanted:
            self.stood_in.append(name)
            return importlib.util.spec_from_loader(name, _StandInLoader())
        if name in LAZY:
            spec = self._real_spec(name, path, target)
            if spec is not None and spec.loader is not None:
                spec.loader = importlib.util.LazyLoader(spec.loader)
            return spec
        return None

    def _real_spec(self, name, path, target):
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None:
                return spec
        return None

    def finish(self, package: types.ModuleType) -> None:
        """pyqtgraph is whole: the stand-ins go, and its missing names come on demand."""
        if self in sys.meta_path:
            sys.meta_path.remove(self)
        for name in self.stood_in:
            module = sys.modules.get(name)
            if isinstance(module, _StandIn):
                del sys.modules[name]
            parent, _, child = name.rpartition(".")
            if isinstance(getattr(sys.modules.get(parent), child, None), _StandIn):
                delattr(sys.modules[parent], child)
        if self.stood_in:
            _give_missing_names(package, tuple(self.stood_in))


class _Importing:
    """pyqtgraph's own loader, with the stand-ins on while its ``__init__`` runs."""

    def __init__(self, finder: _Finder, loader) -> None:
        self._finder, self._loader = finder, loader

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module) -> None:
        module.__spec__.loader = module.__loader__ = self._loader  # pyqtgraph sees its own
        self._finder.importing = True
        try:
            self._loader.exec_module(module)
        finally:
            self._finder.importing = False
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
        if isinstance(finder, _Finder):
            finder.wanted.add(name)  # no stand-in for it again: this import is real
    return importlib.import_module(name)


def _give_missing_names(package: types.ModuleType, deferred: tuple[str, ...]) -> None:
    """pyqtgraph's module ``__getattr__`` and ``__dir__``: the first time a name is missing,
    the deferred modules are imported and their names bound, as their lines would have."""

    def load() -> None:
        namespace = vars(package)
        if namespace.get("__getattr__") is not missing:
            return  # loaded already
        del namespace["__getattr__"], namespace["__dir__"]
        for name in deferred:
            module = _real(name)
            exported = getattr(module, "__all__", None)
            if exported is None:
                exported = [n for n in vars(module) if not n.startswith("_")]
            for attribute in exported:
                namespace.setdefault(attribute, getattr(module, attribute))

    def missing(name: str):
        if not name.startswith("__"):
            load()
            if name in vars(package):
                return vars(package)[name]
        raise AttributeError(f"module {package.__name__!r} has no attribute {name!r}")

    def names() -> list[str]:
        load()
        return sorted(vars(package))

    package.__getattr__ = missing
    package.__dir__ = names
