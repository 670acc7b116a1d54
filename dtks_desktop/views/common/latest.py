"""One kind of database call of a page, in a job, where the newest request wins.

A page that reads (or writes) the database outside a :class:`~dtks_desktop.views.common.paged_model.PagedModel`
keeps one :class:`LatestJob` per kind of call (the page's refresh, the family of the selected row,
the desa list of the chosen kecamatan, …)::

    self._family = LatestJob(self)
    self._family.start(self.ctx.db.read, browse.family_detail, household_id,
                       on_done=self._show_family, on_error=self._family_failed)

``start`` runs the call in a :class:`~dtks_desktop.jobs.Job` (the GUI thread never touches the
database) and supersedes every earlier call of the same ``LatestJob``: the result, failure or
cancel of an older call is dropped, so a late answer can never overwrite a newer one and a late
failure of an old request cannot clobber the new one. Callbacks run on the GUI thread, and never
after the owning widget is gone. ``on_error`` defaults to logging (a page that says nothing on a
failure should pass its own).
"""

from __future__ import annotations

import logging
from typing import Any, Callable

import shiboken6
from PySide6.QtCore import QDeadlineTimer, QObject, QThread, QCoreApplication, Signal

from dtks_desktop.jobs import Job

log = logging.getLogger(__name__)


class LatestJob(QObject):
    """Runs calls of one kind in jobs; only the newest call's outcome is delivered."""

    busyChanged = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._gen = 0
        self._running: set[Job] = set()
        self._busy = False  # the newest call has not answered yet

    # --- GUI thread

    def start(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        **kwargs: Any,
    ) -> int:
        """Run ``fn(*args, **kwargs)`` in a job; returns the call's generation."""
        from dtks_desktop.views.common.widgets import job_runner

        self._gen += 1
        gen = self._gen
        job = Job(fn, *args, with_progress=False, **kwargs)
        self._running.add(job)
        alive = lambda: shiboken6.isValid(self)  # noqa: E731

        def ended() -> bool:
            """Forget the job; True when this call is still the newest and its owner exists."""
            if not alive():
                return False
            self._running.discard(job)
            if gen != self._gen:
                return False
            self._set_busy(False)
            return True

        def finished(result: Any) -> None:
            if ended() and on_done is not None:
                on_done(result)

        def failed(exc: BaseException, tb: str) -> None:
            if not ended():
                log.info("A superseded call failed: %s", exc)
                return
            if on_error is not None:
                on_error(exc)
            else:
                log.error("Call %r failed:\n%s", getattr(fn, "__name__", fn), tb)

        def cancelled() -> None:
            ended()

        job.signals.finished.connect(finished)
        job.signals.failed.connect(failed)
        job.signals.cancelled.connect(cancelled)
        self._set_busy(True)
        job_runner().start(job)
        return gen

    def supersede(self) -> None:
        """Drop the outcome of every call started so far (e.g. the request no longer applies)."""
        self._gen += 1
        self._set_busy(False)

    def is_busy(self) -> bool:
        """The newest call has not answered yet."""
        return self._busy

    def wait_idle(self, timeout_ms: int = 30_000) -> bool:
        """Wait (processing events) until every started job has ended and been delivered."""
        deadline = QDeadlineTimer(timeout_ms)
        while self._running or self._busy:
            if deadline.hasExpired():
                return False
            QCoreApplication.processEvents()
            QThread.msleep(5)
        return True

    def _set_busy(self, value: bool) -> None:
        if value != self._busy:
            self._busy = value
            self.busyChanged.emit(value)
