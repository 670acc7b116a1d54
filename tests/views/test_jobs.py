"""The one job contract: results, errors and Cancel reach the GUI thread as signals."""

import threading

from dtks_desktop.jobs import Job, JobRunner
from dtks_desktop.services.core.common import Cancelled, check_cancel


def _run(qtbot, job, cancel_early=False):
    seen = {}
    job.signals.finished.connect(lambda r: seen.setdefault("finished", r))
    job.signals.failed.connect(lambda e, tb: seen.setdefault("failed", e))
    job.signals.cancelled.connect(lambda: seen.setdefault("cancelled", True))
    job.signals.progress.connect(lambda d, t, x: seen.setdefault("progress", []).append((d, t, x)))
    if cancel_early:
        job.cancel()
    runner = JobRunner()
    runner.start(job)
    qtbot.waitUntil(lambda: bool(seen.keys() & {"finished", "failed", "cancelled"}), timeout=10_000)
    return seen


def test_result_and_progress(qtbot):
    def work(n, *, progress, cancel):
        for i in range(n + 1):
            progress(i, n, "menghitung")
        return n * 2

    seen = _run(qtbot, Job(work, 5))
    assert seen["finished"] == 10 and seen["progress"][-1] == (5, 5, "menghitung")


def test_service_that_honours_cancel_reports_cancelled(qtbot):
    def work(*, progress, cancel):
        check_cancel(cancel)
        return "never"

    seen = _run(qtbot, Job(work), cancel_early=True)
    assert seen == {"cancelled": True}


def test_a_write_that_finished_before_cancel_reports_its_result(qtbot):
    gate = threading.Event()

    def work(*, progress, cancel):
        gate.wait(5)
        return "committed"

    job = Job(work)
    job.signals.progress.connect(lambda *a: None)
    seen = {}
    job.signals.finished.connect(lambda r: seen.setdefault("finished", r))
    job.signals.cancelled.connect(lambda: seen.setdefault("cancelled", True))
    JobRunner().start(job)
    job.cancel()
    gate.set()
    qtbot.waitUntil(lambda: bool(seen), timeout=10_000)
    assert seen == {"finished": "committed"}


def test_cancel_discards_a_read_that_cannot_see_the_flag(qtbot):
    gate = threading.Event()

    def read():
        gate.wait(5)
        return "rows"

    job = Job(read, with_progress=False)
    seen = {}
    job.signals.finished.connect(lambda r: seen.setdefault("finished", r))
    job.signals.cancelled.connect(lambda: seen.setdefault("cancelled", True))
    JobRunner().start(job)
    job.cancel()
    gate.set()
    qtbot.waitUntil(lambda: bool(seen), timeout=10_000)
    assert seen == {"cancelled": True}


def test_errors_are_relayed_not_raised(qtbot):
    def work(*, progress, cancel):
        raise ValueError("Berkas rusak")

    seen = _run(qtbot, Job(work))
    assert isinstance(seen["failed"], ValueError)


def test_cancelled_exception_class_is_the_services_one():
    assert issubclass(Cancelled, Exception)


def test_a_subclass_of_cancelled_reports_cancelled(qtbot):
    from dtks_desktop.demo.generator import DemoCancelled

    def work(*, progress, cancel):
        raise DemoCancelled()

    seen = _run(qtbot, Job(work), cancel_early=True)
    assert seen == {"cancelled": True}


def test_cancellation_is_recognised_by_class_not_by_name(qtbot):
    class SomethingCancelled(Exception):  # not the services' Cancelled
        pass

    def work(*, progress, cancel):
        raise SomethingCancelled("query interrupted")

    seen = _run(qtbot, Job(work), cancel_early=True)
    assert isinstance(seen["failed"], SomethingCancelled) and "cancelled" not in seen
