"""PySide6's look at every module imported after it, made a file read.

Once PySide6 is loaded, an import hook of its own looks at every module imported after it
(``shibokensupport.feature.feature_imported``), to learn whether the module may switch on
PySide6's ``__feature__`` options (``snake_case``, ``true_property``): a module may if its
source contains the word "PySide6".  Its check, ``_mod_uses_pyside``, asks
``inspect.getsource`` for the module's whole text, which goes through ``linecache``: the
file is decoded, split into lines, kept in memory for the rest of the process, and joined
again.  The window imports some 300 modules after PySide6, pyqtgraph's 223 among them, and
those checks took 40-50 ms of every start (the 2-core Intel Xeon development machine).

:func:`install` gives the hook a check that reads the module's source file as bytes and
looks for the same word, without the copy in ``linecache``.  It gives the same answer for
every source file that is valid in its encoding when that encoding writes ASCII as ASCII:
UTF-8, Python's rule for source, and the encodings a file may declare, UTF-16 aside.  (A
file whose bytes do not decode made PySide6's check say no, and makes this one say yes
if the word is there.)  Anything else (an extension module, a module without a file, a
file that cannot be read) goes to PySide6's own check, as before.
tests/test_feature_scan.py holds the two checks equal on every module the window imports.

Nothing is replaced unless PySide6's check is the one described here: a function of that
name that calls ``inspect.getsource`` and looks for "PySide6".  A later PySide6 that checks
otherwise is left as it is.
"""
from __future__ import annotations

import sys

#: Where PySide6 keeps the hook's check, and the check's name.
_FEATURE_MODULE, _CHECK = "shibokensupport.feature", "_mod_uses_pyside"
_WORD = "PySide6"


def install() -> bool:
    """Give PySide6's import hook the quicker check; True if it was given.

    Call it once PySide6 is imported (its hook is loaded with it)."""
    feature = sys.modules.get(_FEATURE_MODULE)
    pyside_check = getattr(feature, _CHECK, None)
    if getattr(pyside_check, "_reads_the_file", False):
        return True  # installed already
    if not _is_the_known_check(pyside_check):
        return False

    def uses_pyside(module) -> bool:
        path = getattr(module, "__file__", None)
        if isinstance(path, str) and path.endswith(".py"):
            try:
                with open(path, "rb") as source:
                    return _WORD.encode() in source.read()
            except OSError:
                pass
        return pyside_check(module)

    uses_pyside._reads_the_file = True
    uses_pyside.pyside_check = pyside_check
    setattr(feature, _CHECK, uses_pyside)
    return True


def _is_the_known_check(check) -> bool:
    code = getattr(check, "__code__", None)
    return code is not None and "getsource" in code.co_names and _WORD in code.co_consts
