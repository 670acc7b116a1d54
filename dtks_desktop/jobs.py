"""Run a service call off the GUI thread: the one bridge between Qt and services.

A service function takes plain arguments plus ``progress`` (a callable
``progress(done, total, text="")``) and ``cancel`` (a callable returning True
when the user pressed Cancel) and either returns a result or raises. A
:class:`Job` runs it in the global QThreadPool and relays progress, the result
and errors to the GUI thread as Qt signals. :class:`JobRunner` keeps the jobs
alive until they finish.

The contract, held by every page:

* ``finished(result)``: the call returned. A call that takes ``cancel`` and still returned after
  Cancel committed before it saw the flag: its result is reported, never "nothing changed".
* ``cancelled()``: the call raised :class:`~dtks_desktop.services.core.common.Cancelled` (the
  services' one cancellation class, recognised by class, not by name), or a read without
  ``progress``/``cancel`` (``with_progress=False``) was cancelled: its result is discarded.
* ``failed(exc, traceback)``: anything else; the page shows ``exc``'s Indonesian message.

Views read the database only inside jobs: a worker function calls services with a session
the service layer opens (``Database.read``), never SQL of its own.
"""

from __future__ import annotations

import threading
import time
import traceback
from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from dtks_desktop.services.core.common import Cancelled


class _Signals(QObject):
    progress = Signal(int, int, str)  # done, total, text
    finished = Signal(object)  # result
    failed = Signal(object, str)  # exception, formatted traceback (for the log, not the user)
    cancelled = Signal()


class Job(QRunnable):
    """One call of ``fn(*args, progress=..., cancel=..., **kwargs)`` in a worker thread."""

    def __init__(self, fn: Callable[..., Any], *args: Any, with_progress: bool = True, **kwargs: Any) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.fn = fn
        self.args = args
        self.kwargs = kwargs
        self.with_progress = with_progress
        self.signals = _Signals()
        self._cancel = threading.Event()
        self._last_emit = 0.0
        self.started_at = 0.0
        self.done = threading.Event()

    # --- called from the GUI thread
    def cancel(self) -> None:
        self._cancel.set()

    @property
    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    # --- called from the worker thread
    def _progress(self, done: int, total: int, text: str = "") -> None:
        now = time.monotonic()
        # Throttle to ~20 updates a second so a fast loop does not flood the GUI.
        if now - self._last_emit >= 0.05 or done >= total:
            self._last_emit = now
            self.signals.progress.emit(int(done), int(total), text)

    def run(self) -> None:  # noqa: D401 - QRunnable API
        self.started_at = time.monotonic()
        try:
            kwargs = dict(self.kwargs)
            if self.with_progress:
                kwargs["progress"] = self._progress
                kwargs["cancel"] = self._cancel.is_set
            result = self.fn(*self.args, **kwargs)
        except Cancelled:
            # The services' one cancellation (dtks_desktop.services.core.common.Cancelled and its
            # subclasses): raised before the transaction committed, so nothing was changed.
            self.signals.cancelled.emit()
        except BaseException as exc:  # noqa: BLE001 - relayed to the GUI, which shows a message
            self.signals.failed.emit(exc, traceback.format_exc())
        else:
            if self._cancel.is_set() and not self.with_progress:
                # The function could not see the cancel flag (a read): Cancel discards its result.
                self.signals.cancelled.emit()
            else:
                # The function saw the flag and still finished (it committed before Cancel came):
                # report the result, never "nothing was changed".
                self.signals.finished.emit(result)
        finally:
            self.done.set()


class JobRunner(QObject):
    """Starts jobs and holds references to them until they end."""

    def __init__(self, parent: QObject | None = None, pool: QThreadPool | None = None) -> None:
        super().__init__(parent)
        self.pool = pool or QThreadPool.globalInstance()
        self._jobs: set[Job] = set()

    def start(self, job: Job) -> Job:
        self._jobs.add(job)
        for sig in (job.signals.finished, job.signals.failed, job.signals.cancelled):
            sig.connect(lambda *_a, j=job: self._jobs.discard(j))
        self.pool.start(job)
        return job

    def active(self) -> int:
        return len(self._jobs)

    def wait_all(self, timeout_ms: int = 30000) -> bool:
        return self.pool.waitForDone(timeout_ms)
