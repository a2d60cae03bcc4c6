"""Long use: hundreds of start/stop/continue/reset cycles and edits in one window.

Every run ends with exactly one ``training_finished``, no thread is left running, and the
memory Python holds does not grow from cycle to cycle (every run is kept until deleted, by
design, so the test deletes them every ten cycles, as a person clearing the run table).
"""
from __future__ import annotations

import gc
import tracemalloc

import numpy as np

from tests.gui_helpers import TIMEOUT
from gui.main_window import MAX_SPEED
from gui.worker import running_threads
from tests import reliability

CYCLES = 1000 if reliability.LONG else 150




def test_hundreds_of_cycles_end_cleanly_and_do_not_grow(qtbot, window):
    finished = []
    window.training_finished.connect(lambda: finished.append(window.runs.run_id))
    model = window.table_model
    rs = np.random.RandomState(0)
    window.speed_combo.setCurrentIndex(MAX_SPEED)
    window.iterations_spin.setValue(2000)
    sizes = []
    runs = 0
    tracemalloc.start()
    try:
        for cycle in range(CYCLES):
            action = cycle % 5
            if action in (0, 1):  # a run, left to finish or stopped at once
                with qtbot.waitSignal(window.training_finished, timeout=TIMEOUT):
                    window.train_button.click()
                    if action == 1:
                        window.stop_button.click()
                runs += 1
            elif action == 2 and window.continue_button.isEnabled():
                with qtbot.waitSignal(window.training_finished, timeout=TIMEOUT):
                    window.continue_button.click()
                runs += 1
            elif action == 3:
                window.reset_button.click()
            # an edit every cycle: a cell, a row added, a row taken back
            row = int(rs.randint(model.rowCount()))
            assert model.setData(model.index(row, 0), repr(float(rs.randn())))
            if cycle % 7 == 0:
                model.insert_row()
                window.data_panel.undo_action.trigger()
            if cycle % 10 == 9:
                # Every run is kept, by design, until the person deletes it: deleting them
                # must give their memory back (the current run stays).
                window.runs_panel.clear(ask=False)
                assert len(window.document.runs) <= 1
            reliability.count("window cycles run")
            if cycle in (CYCLES // 3, CYCLES - 1):
                gc.collect()
                sizes.append(tracemalloc.get_traced_memory()[0])
    finally:
        tracemalloc.stop()
    reliability.count("training runs in the soak test", runs)
    # Exactly one training_finished per run, each for its own run.
    assert len(finished) == runs and len(set(finished)) == runs
    assert len(running_threads()) == 1  # only this window's worker thread, idle
    assert window.close() and not running_threads()
    # Memory must not grow: well under a kilobyte a cycle between the first third and the
    # end (the undo history keeps every edit by design, about 150 bytes each).
    growth = sizes[1] - sizes[0]
    assert growth < 1000 * (CYCLES - CYCLES // 3), f"grew by {growth:,} bytes"
