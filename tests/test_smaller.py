"""Smaller things a learner meets: out-of-range values, file dialogs, New table, Help, README."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox, QPushButton

from gui import help_dialogs, settings

ROOT = Path(__file__).resolve().parent.parent


def _action(window, text: str) -> QAction:
    return next(a for a in window.findChildren(QAction) if a.text().replace("&", "") == text)


def _type(qtbot, spin, text: str) -> None:
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin, text)
    qtbot.keyClick(spin, Qt.Key.Key_Return)


# -- a value out of range is set to the nearest allowed one, and that is said -------------------
def test_a_learning_rate_of_1000_becomes_10_and_the_window_says_so(qtbot, window):
    _type(qtbot, window.alpha_spin, "1000")
    assert window.alpha_spin.value() == 10.0
    message = window.message_strip.text()
    assert "learning rate goes from 0.0001 to 10" in message and "1,000 was set to 10" in message
    assert "From 0.0001 to 10." in window.alpha_spin.toolTip()


def test_a_value_in_range_is_taken_as_typed_without_a_word(qtbot, window):
    _type(qtbot, window.alpha_spin, "0.5")
    assert window.alpha_spin.value() == 0.5 and not window.message_strip.isVisible()


def test_too_many_iterations_are_said_too(qtbot, window):
    _type(qtbot, window.iterations_spin, "200000000")
    assert window.iterations_spin.value() == 100_000_000
    assert "200,000,000 was set to 100,000,000" in window.message_strip.text()


# -- file dialogs start where the person was last ------------------------------------------------
def test_file_dialogs_open_in_the_last_folder_used(qtbot, window, tmp_path, monkeypatch):
    asked = []
    chosen = tmp_path / "data" / "two.csv"
    chosen.parent.mkdir()
    chosen.write_text("a,y\n0,0\n1,1\n")

    def open_name(parent, caption, folder, filter):
        asked.append(folder)
        return str(chosen), filter

    def save_name(parent, caption, start, filter):
        asked.append(start)
        return "", filter

    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(open_name))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_name))
    window.file_actions.open_data()
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    assert asked[0] in (documents, str(Path.home()))
    assert asked[0] != str(Path.cwd()) or Path.cwd() in (Path(documents), Path.home())
    window.file_actions.open_data()
    assert asked[1] == str(chosen.parent)
    window.file_actions.save_data_as()
    assert asked[2] == str(chosen.parent / "data.csv")
    assert settings.start_folder() == str(chosen.parent)
    dropped = tmp_path / "elsewhere" / "dropped.csv"
    dropped.parent.mkdir()
    dropped.write_text("a,y\n0,0\n1,1\n")
    assert window.open_file(str(dropped))
    assert settings.start_folder() == str(dropped.parent)


# -- New table -----------------------------------------------------------------------------------
def test_new_table_gives_a_small_table_without_asking_and_undo_brings_the_old_one_back(
        qtbot, window, monkeypatch):
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: pytest_fail("asked"))
    before = window.document.values.copy()
    assert window.table_model.setData(window.table_model.index(0, 0), "9")  # an unsaved edit
    _action(window, "New table").trigger()
    model = window.table_model
    assert (model.rowCount(), model.n_data_columns) == (4, 3)
    assert window.document.names == ["x1", "x2", "y"]
    assert window.windowTitle().startswith("New table")
    assert window.isWindowModified()  # the edit before it is not saved: quitting still asks
    window.undo_stack.undo()
    assert window.document.values[0, 0] == 9.0 and window.document.values.shape == before.shape
    assert window.windowTitle().startswith("The note's table")  # its own name back
    window.undo_stack.redo()
    assert window.windowTitle().startswith("New table")
    window.undo_stack.undo()
    window.undo_stack.undo()
    assert (window.document.values == before).all()


def test_new_table_on_an_unedited_table_leaves_nothing_unsaved(qtbot, window):
    _action(window, "New table").trigger()
    assert not window.isWindowModified()
    assert _action(window, "New table").shortcut().toString() == "Ctrl+N"


def pytest_fail(why):
    raise AssertionError(why)


# -- Help ------------------------------------------------------------------------------------------
def test_the_tour_walks_through_the_lesson_page_by_page(qtbot, window):
    _action(window, "A short tour…").trigger()
    dialog = window.findChild(QDialog, "tourDialog")
    assert dialog is not None and dialog.isVisible()
    titles = [dialog.title.text()]
    while dialog.next_button.isEnabled():
        dialog.next_button.click()
        titles.append(dialog.title.text())
    expected = ["The table", "Train", "The error curve", "The boundary", "Continue and Reset",
                "Compare runs", "Weight space and rewinding", "When it cannot learn"]
    assert [t for t in titles if t != "Step"] == expected
    has_step = window.findChild(QPushButton, "stepButton") is not None
    assert ("Step" in titles) == has_step
    assert dialog.counter.text() == f"{len(titles)} of {len(titles)}"
    dialog.back_button.click()
    assert dialog.title.text() == titles[-2]
    dialog.close()


def test_the_shortcuts_list_is_read_from_the_menus(qtbot, window):
    rows = dict(help_dialogs.shortcuts(window))
    assert rows["Train › Train"] == "Ctrl+Return"
    assert rows["File › New table"] == "Ctrl+N"
    assert rows["Help › A short tour"] == "F1"
    assert "Ctrl+click" in rows.values()
    _action(window, "Keyboard shortcuts…").trigger()
    dialog = window.findChild(QDialog, "shortcutsDialog")
    assert dialog.isVisible() and dialog.table.rowCount() == len(rows)
    dialog.close()


def test_alt_keys_of_the_controls_shown_together_differ(qtbot, window):
    """Alt+L went to the learning rate or to the log box, depending on the press: with each
    plot tab showing, no two labels or buttons on the screen, tabs or menus share an Alt key
    (Alt+F went to Fit or to the File menu by turns)."""
    import re

    from PySide6.QtWidgets import QAbstractButton, QLabel

    def alt_key(text: str) -> str | None:
        found = re.search(r"&([^&])", text.replace("&&", ""))
        return found.group(1).lower() if found else None

    for index in range(window.plot_tabs.count()):
        window.plot_tabs.setCurrentIndex(index)
        qtbot.waitUntil(lambda: window.plot_tabs.currentWidget().isVisible())
        keys: dict[str, list[str]] = {}
        for widget in window.findChildren(QAbstractButton) + window.findChildren(QLabel):
            key = alt_key(widget.text())
            if key and widget.isVisible():
                keys.setdefault(key, []).append(widget.text())
        for tab in range(window.plot_tabs.count()):
            keys.setdefault(alt_key(window.plot_tabs.tabText(tab)), []).append("tab")
        for menu in window.menuBar().actions():
            keys.setdefault(alt_key(menu.text()), []).append(menu.text())
        shared = {key: texts for key, texts in keys.items() if len(texts) > 1}
        assert shared == {}, (window.plot_tabs.tabText(index), shared)


# -- the README tells what XOR really does -------------------------------------------------------
def test_the_readme_gives_xors_accuracy_as_the_program_reaches_it():
    readme = (ROOT / "README.md").read_text()
    for iterations in ("10000", "50000"):  # the note's run, and the README picture's
        done = subprocess.run([sys.executable, str(ROOT / "main.py"), "--headless", "--json",
                               "--iterations", iterations, "--data",
                               str(ROOT / "resources" / "examples" / "xor.csv")],
                              capture_output=True, text=True, check=True, cwd=ROOT)
        accuracy = json.loads(done.stdout)["final"]["train_accuracy"]
        assert f"{accuracy:.0%}".replace("%", " %") in readme
    assert "near 50" not in readme


def test_typing_a_decimal_into_the_boxes_gives_what_was_typed(qtbot, window):
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    window.show()
    for spin, text, value in ((window.alpha_spin, "0.0125", 0.0125),
                              (window.alpha_spin, "0.25", 0.25),
                              (window.test_fraction_spin, "0.25", 0.25)):
        spin.setFocus()
        spin.selectAll()
        QTest.keyClicks(spin, text)  # one keystroke at a time, as a person types
        QTest.keyClick(spin, Qt.Key.Key_Tab)
        assert spin.value() == value, (spin.objectName(), text, spin.value())
    assert window.document.config.alpha == 0.25 and window.document.config.test_fraction == 0.25


def test_tab_leaves_the_tables_and_goes_on_to_the_next_cell_only_while_one_is_edited(qtbot, window):
    """The keyboard alone reaches what comes after a table (it had to know Ctrl+Tab)."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QAbstractItemView, QApplication

    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    table, model = window.table, window.table.model()
    table.setFocus()
    table.setCurrentIndex(model.index(0, 0))
    qtbot.waitUntil(table.hasFocus)
    QTest.keyClick(table, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.add_row_button)
    # Editing a cell, Tab keeps the value typed and edits the next cell.
    table.setFocus()
    table.setCurrentIndex(model.index(0, 0))
    table.edit(model.index(0, 0))
    editor = QApplication.focusWidget()
    assert table.state() == QAbstractItemView.State.EditingState and editor is not table
    editor.selectAll()
    QTest.keyClicks(editor, "7")
    QTest.keyClick(editor, Qt.Key.Key_Tab)
    assert window.document.values[0, 0] == 7.0
    assert table.currentIndex() == model.index(0, 1)
    assert table.state() == QAbstractItemView.State.EditingState
    # The runs table lets Tab go on too.
    assert not window.runs_table.tabKeyNavigation()
