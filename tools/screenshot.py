"""Make the README's screenshot: the window after a real training run, grabbed offscreen.

    python tools/screenshot.py [docs/screenshot.png]
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QEventLoop  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshot.png"
    app = QApplication.instance() or QApplication([])
    from gui.main_window import MAX_SPEED, MainWindow

    window = MainWindow()
    window.resize(1200, 720)
    window.show()
    window.speed_combo.setCurrentIndex(MAX_SPEED)
    loop = QEventLoop()
    window.training_finished.connect(loop.quit)
    window.train_button.click()
    loop.exec()
    app.processEvents()
    out.parent.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(out))
    window.close()
    print(out)


if __name__ == "__main__":
    main()
