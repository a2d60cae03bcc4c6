"""Neuron Lab: watch a single neuron learn.

``python main.py`` opens the window; ``python main.py --headless [...]`` trains without one
(``--help`` lists the options).
"""
from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if "--headless" in args:
        try:
            from cli import run_headless  # NumPy and numba: a second or so, Ctrl+C included

            return run_headless([a for a in args if a != "--headless"])
        except KeyboardInterrupt:  # while importing: run_headless handles its own
            sys.stderr.write("neuron-lab --headless: interrupted\n")
            return 130
    from gui.app import run_gui

    return run_gui(args)


if __name__ == "__main__":
    sys.exit(main())
