"""Checking rows on every core.

Row checks are pure Python and CPU-bound (about 35 µs a row), so a large file is
checked by worker processes while this process keeps reading the file. Records
come back in file order, so everything after (duplicates within the file, the
store) behaves exactly as with one process. Small files are checked in-process:
starting workers costs about a second.

Workers are started with the "spawn" method on every platform: it is what
Windows does anyway, and forking a process that holds database connections or a
Qt event loop is unsafe.

Workers die with their parent: each one watches the process that started it and
exits as soon as that process is gone, even when it was killed without a chance to
stop them (Task Manager, SIGKILL, a crash). Otherwise two idle workers (~150 MB each)
and multiprocessing's resource tracker would stay behind.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import threading
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from itertools import islice
from typing import Iterable, Iterator

from dtks_desktop.domain.regions import default_region_codes
from dtks_desktop.services.core.common import CancelFlag, Cancelled
from dtks_desktop.services.core.regions import RegionResolver
from dtks_desktop.services.importing import mapping as M
from dtks_desktop.services.importing.rows import PersonRecord, RegionContext, RowProcessor, from_wire, to_wire

PARALLEL_FROM_ROWS = 40_000
CHUNK = 4_000

_worker: RowProcessor | None = None


def worker_count() -> int:
    override = os.environ.get("DTKS_IMPORT_WORKERS")
    if override:
        return max(0, int(override))
    # Two workers at most: with four, a 1M-row import peaked at 1.58 GB (the main process holds
    # every checked record until the commit while the workers are alive), over the 1.5 GB budget.
    return max(1, min(2, (os.cpu_count() or 1)))


def _exit_with_parent() -> None:
    """In a worker: exit as soon as the parent process is gone.

    ``multiprocessing.parent_process().sentinel`` is what the spawn start method gives every
    child on every platform: on Windows a handle of the parent process, signalled when it
    exits; elsewhere the read end of a pipe whose write end only the parent holds, so it
    reads end-of-file when the parent dies, however it died. A daemon thread waits on it and
    ends the process: the worker's main thread may be blocked on the task queue, which a dead
    parent never closes.
    """
    parent = mp.parent_process()
    if parent is None:  # not started by multiprocessing (a test calling _init directly)
        return

    def watch() -> None:
        parent.join()  # returns only when the sentinel is ready: the parent has exited
        os._exit(1)

    threading.Thread(target=watch, name="dtks-parent-watch", daemon=True).start()


def _init(kind: str, match: M.HeaderMatch, kab_kode: str, regions: list[tuple[str, str]], program: str | None,
          periode: str | None) -> None:
    global _worker
    _exit_with_parent()
    resolver = RegionResolver(kab_kode, regions)
    _worker = RowProcessor(kind, match, RegionContext(kab_kode, resolver, default_region_codes()),
                           program=program, periode=periode)


def _check_chunk(rows: list[tuple[int, list]]) -> list[tuple]:
    proc = _worker
    assert proc is not None
    return [to_wire(proc.process(n, v)) for n, v in rows]


def check_rows(
    rows: Iterable[tuple[int, list]],
    proc: RowProcessor,
    regions: list[tuple[str, str]],
    *,
    estimated_rows: int,
    cancel: CancelFlag | None = None,
) -> Iterator[PersonRecord]:
    """Yield checked records in file order; duplicates within the file are marked here.

    ``proc`` is this process's processor (used directly for small files, and for the
    duplicate marks always); ``regions`` are the (kode, nama) pairs of the kabupaten
    for the workers' own resolvers.
    """
    workers = worker_count()
    if workers <= 1 or estimated_rows < PARALLEL_FROM_ROWS:
        for n, values in rows:
            rec = proc.process(n, values)
            proc.mark_duplicates(rec)
            yield rec
        return
    ctx = mp.get_context("spawn")
    it = iter(rows)
    ex = ProcessPoolExecutor(
        max_workers=workers, mp_context=ctx, initializer=_init,
        initargs=(proc.kind, proc.match, proc.regions.kab_kode, regions, proc.program, proc.periode),
    )
    try:
        pending: deque = deque()
        while True:
            chunk = list(islice(it, CHUNK))
            if chunk:
                pending.append(ex.submit(_check_chunk, chunk))
            if not pending:
                break
            if len(pending) > 2 * workers or not chunk:
                for t in pending.popleft().result():
                    rec = from_wire(t)
                    proc.mark_duplicates(rec)
                    yield rec
                if cancel is not None and cancel():
                    raise Cancelled()
    finally:
        ex.shutdown(wait=True, cancel_futures=True)
