"""The one paged query model, on a fake fetcher: pages in jobs, a newer load supersedes."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt

from dtks_desktop.jobs import JobRunner
from dtks_desktop.services.core.users import UserError
from dtks_desktop.views.common.paged_model import Column, Page, PagedModel

WAIT = 10_000


class FakeFetcher:
    """Rows ``f"{query}-{i}"``; a gate per (query, offset) holds a call; a query can fail."""

    def __init__(self, sizes: dict[str, int]) -> None:
        self.sizes = dict(sizes)
        self.gates: dict[tuple[str, int], threading.Event] = {}
        self.fail: dict[tuple[str, int], BaseException] = {}
        self.calls: list[tuple[str, int, int, bool]] = []
        self.lock = threading.Lock()

    def hold(self, query: str, offset: int) -> threading.Event:
        gate = self.gates[(query, offset)] = threading.Event()
        return gate

    def __call__(self, query: str, offset: int, limit: int, first: bool) -> Page:
        with self.lock:
            self.calls.append((query, offset, limit, first))
        gate = self.gates.get((query, offset))
        if gate is not None:
            assert gate.wait(WAIT / 1000)
        if (query, offset) in self.fail:
            raise self.fail[(query, offset)]
        n = self.sizes[query]
        rows = [f"{query}-{i}" for i in range(offset, min(offset + limit, n))]
        return Page(rows, n if first else None, {"query": query} if first else None)


COLUMNS = [Column("Nilai", 120, text=lambda r: r.upper(), tip=lambda r: f"tip {r}"), Column("Panjang", 60,
           text=lambda r: str(len(r)), align_right=True)]


@pytest.fixture()
def make(qtbot):
    runner = JobRunner()

    def build(fetcher, **kw) -> PagedModel:
        return PagedModel(COLUMNS, fetcher, runner=runner, **kw)

    yield build
    runner.wait_all(WAIT)


def rows(model: PagedModel) -> list[str]:
    return model.rows()


def test_first_page_count_extras_then_pages_on_fetch_more(qtbot, make):
    fetch = FakeFetcher({"a": 25})
    model = make(fetch, page_size=10)
    with qtbot.waitSignal(model.loaded, timeout=WAIT):
        model.load("a")
    assert rows(model) == [f"a-{i}" for i in range(10)]
    assert model.total == 25 and model.extra == {"query": "a"} and model.canFetchMore()
    model.fetchMore()
    assert not model.canFetchMore()  # one page at a time
    assert model.wait_idle(WAIT)
    model.fetchMore()
    assert model.wait_idle(WAIT)
    assert rows(model) == [f"a-{i}" for i in range(25)] and not model.canFetchMore()
    assert [c[1:] for c in fetch.calls] == [(0, 10, True), (10, 10, False), (20, 10, False)]
    # the column spec
    assert model.columnCount() == 2 and model.headerData(0, Qt.Orientation.Horizontal) == "Nilai"
    assert model.index(3, 0).data() == "A-3" and model.index(3, 0).data(Qt.ItemDataRole.ToolTipRole) == "tip a-3"
    assert model.index(3, 1).data(Qt.ItemDataRole.TextAlignmentRole) & int(Qt.AlignmentFlag.AlignRight)
    assert model.index(3, 0).data(Qt.ItemDataRole.UserRole) == "a-3"


def test_a_newer_load_supersedes_an_older_one(qtbot, make):
    fetch = FakeFetcher({"old": 5, "new": 3})
    gate = fetch.hold("old", 0)
    model = make(fetch)
    model.load("old")
    model.load("new")
    qtbot.waitUntil(lambda: rows(model) == ["new-0", "new-1", "new-2"], timeout=WAIT)
    gate.set()  # the old page arrives late
    qtbot.waitUntil(lambda: all(j.done.is_set() for j in model._jobs), timeout=WAIT)
    qtbot.wait(50)
    assert rows(model) == ["new-0", "new-1", "new-2"] and model.total == 3 and model.query == "new"


def test_a_page_load_that_fails_after_a_newer_one_started_leaves_the_newer_rows(qtbot, make):
    fetch = FakeFetcher({"old": 50, "new": 30})
    gate = fetch.hold("old", 0)
    fetch.fail[("old", 0)] = UserError("Basis data tidak dapat dibaca.")
    model = make(fetch, page_size=10)
    failures: list[str] = []
    model.loadFailed.connect(failures.append)
    model.load("old")
    model.load("new")
    qtbot.waitUntil(lambda: model.rowCount() == 10 and not model.is_loading(), timeout=WAIT)
    gate.set()  # now the old load fails
    qtbot.waitUntil(lambda: all(j.done.is_set() for j in model._jobs), timeout=WAIT)
    qtbot.wait(50)
    assert failures == []
    assert rows(model) == [f"new-{i}" for i in range(10)] and model.total == 30
    assert model.canFetchMore()  # paging on the fresh load goes on
    model.fetchMore()
    assert model.wait_idle(WAIT) and model.rowCount() == 20


def test_a_failed_page_of_the_current_load_stops_paging_with_a_message(qtbot, make):
    fetch = FakeFetcher({"a": 30})
    fetch.fail[("a", 10)] = UserError("Koneksi ke server terputus.")
    model = make(fetch, page_size=10)
    with qtbot.waitSignal(model.loaded, timeout=WAIT):
        model.load("a")
    with qtbot.waitSignal(model.loadFailed, timeout=WAIT) as sig:
        model.fetchMore()
    assert sig.args == ["Koneksi ke server terputus."] and model.error == "Koneksi ke server terputus."
    assert rows(model) == [f"a-{i}" for i in range(10)] and not model.canFetchMore()
    with qtbot.waitSignal(model.loaded, timeout=WAIT):
        model.reload()  # the next load starts afresh
    assert model.error is None and model.canFetchMore()


def test_an_unexplained_failure_gets_the_models_text(qtbot, make):
    fetch = FakeFetcher({"a": 3})
    fetch.fail[("a", 0)] = RuntimeError("boom")
    model = make(fetch)
    model.failed_text = "Daftar contoh tidak dapat dimuat."
    with qtbot.waitSignal(model.loadFailed, timeout=WAIT) as sig:
        model.load("a")
    assert sig.args == ["Daftar contoh tidak dapat dimuat."] and model.rowCount() == 0


def test_fewer_rows_than_counted_stops_asking(qtbot, make):
    fetch = FakeFetcher({"a": 10})
    model = make(fetch, page_size=5)
    with qtbot.waitSignal(model.loaded, timeout=WAIT):
        model.load("a")
    fetch.sizes["a"] = 5  # the other five were deleted meanwhile
    model.fetchMore()
    assert model.wait_idle(WAIT)
    assert model.rowCount() == 5 and model.total == 5 and not model.canFetchMore()


def test_keyed_rows_are_removed_locally_and_never_shown_twice(qtbot, make):
    fetch = FakeFetcher({"a": 12})
    model = make(fetch, page_size=5, key=lambda r: r)
    with qtbot.waitSignal(model.loaded, timeout=WAIT):
        model.load("a")
    assert model.remove_row_of("a-1") == 1 and model.total == 11 and model.row_of("a-1") == -1
    model.fetchMore()  # asks from offset 4: a-4 is shown already and is not added again
    assert model.wait_idle(WAIT)
    assert rows(model) == ["a-0", "a-2", "a-3", "a-4", "a-5", "a-6", "a-7", "a-8"]


def test_load_none_empties_without_a_job_and_page_size_is_read_at_fetch_time(qtbot, make):
    fetch = FakeFetcher({"a": 8})
    size = [3]
    model = make(fetch, page_size=lambda: size[0])
    model.load(None)
    assert not model.is_loading() and model.rowCount() == 0 and not model.canFetchMore() and fetch.calls == []
    size[0] = 4
    with qtbot.waitSignal(model.loaded, timeout=WAIT):
        model.load("a")
    assert model.rowCount() == 4
