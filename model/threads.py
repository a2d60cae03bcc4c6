"""Thread priorities: training threads give way to a window's own thread."""
from __future__ import annotations

import os
import sys
import threading


def lower_priority(by: int) -> bool:
    """Lower the calling thread's scheduling priority by ``by`` nice steps (at most to 19).

    Linux keeps a nice value per thread, so only this thread (and the threads it starts
    later) is affected.  Returns False where that is not possible (another system, or not
    allowed): the work is the same, only scheduled as before."""
    if by <= 0 or not sys.platform.startswith("linux"):
        return False
    try:
        tid = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, tid, min(19, os.getpriority(os.PRIO_PROCESS, tid) + by))
    except (OSError, AttributeError):
        return False
    return True
