"""One paged query model for every list a page fills from the database.

A :class:`PagedModel` is a column spec plus a *fetcher*::

    def fetch(query, offset, limit, first) -> Page: ...   # runs in a worker thread (a Job)

``query`` is whatever the page filters by (a dataclass, a tuple); ``first`` is True for the first
page of a :meth:`PagedModel.load`, when the fetcher also counts (``Page.total``) and may bring
anything else the page shows once per load (``Page.extra``: counts per kind, the choices of a
filter combo). The fetcher opens its own session through a service; the model never touches the
database.

The rules, held here once:

* :meth:`~PagedModel.load` empties the model at once and fetches the first page in a job;
  ``fetchMore`` (the view asks when it scrolls to the end) fetches the next one.
* Starting a load supersedes the previous one: a page, a failure or a cancellation of an older
  load is ignored (a late failure of an old load cannot stop paging on a fresh one).
* A failed page stops paging until the next load and emits ``loadFailed`` with an Indonesian text.
* Fewer rows than counted (deleted meanwhile) stops paging; with a ``key`` a row already shown
  is not added twice (rows decided on another PC shift the pages).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Callable, Hashable, Sequence

import shiboken6
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import QApplication

from dtks_desktop.jobs import Job, JobRunner

Row = Any


@dataclass(frozen=True)
class Column:
    """One column: its header, width, and how a row shows in it."""

    title: str
    width: int = 100
    header_tip: str | None = None
    text: Callable[[Row], Any] | None = None  # DisplayRole
    tip: Callable[[Row], Any] | None = None  # ToolTipRole
    align_right: bool = False


@dataclass
class Page:
    """What a fetcher returns: the rows, and with the first page the count and extras."""

    rows: list
    total: int | None = None
    extra: Any = None


Fetcher = Callable[[Any, int, int, bool], Page]


def _fetch_page(fetcher: Fetcher, query: Any, offset: int, limit: int, first: bool) -> Page:
    """Worker: one call of the fetcher (a Job without progress; a read)."""
    page = fetcher(query, offset, limit, first)
    if not isinstance(page, Page):
        raise TypeError(f"a fetcher returns a Page, not {type(page).__name__}")
    return page


class PagedModel(QAbstractTableModel):
    """Rows of a query, fetched a page at a time in jobs; see the module docstring."""

    loaded = Signal()  # the first page and the count of a load() are here
    countChanged = Signal()  # total or the number of rows changed
    loadFailed = Signal(str)  # Indonesian message

    #: The text of a failure that carries no Indonesian message of its own.
    failed_text = "Daftar tidak dapat dimuat."

    def __init__(
        self,
        columns: Sequence[Column],
        fetcher: Fetcher,
        *,
        page_size: int | Callable[[], int] = 200,
        key: Callable[[Row], Hashable] | None = None,
        runner: JobRunner | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self._fetcher = fetcher
        self._page_size = page_size
        self._key = key
        self._runner = runner
        self._rows: list[Row] = []
        self._gen = 0
        self.query: Any = None
        self.active = False  # a query is loaded (load(None) clears)
        self.total: int | None = None  # rows of the current query, once counted
        self.extra: Any = None  # the first page's extras
        self.error: str | None = None  # the last failure of the current load
        self._loading_first = False
        self._loading_more = False
        self._jobs: list[Job] = []

    # --------------------------------------------------------------- public
    def load(self, query: Any) -> None:
        """Start again with ``query`` (the rows go at once; the first page follows).

        ``None`` only empties the model.
        """
        self._gen += 1
        for job in self._jobs:
            job.cancel()  # its result is no longer wanted (a read: cancel discards it)
        self.beginResetModel()
        self._rows = []
        self.query = query
        self.active = query is not None
        self.total = None
        self.extra = None
        self.error = None
        self._loading_more = False
        self.endResetModel()
        self._loading_first = self.active
        if self.active:
            self._start(0, True)
        self.countChanged.emit()

    def reload(self) -> None:
        self.load(self.query)

    def is_loading(self) -> bool:
        return self._loading_first or self._loading_more

    def row_at(self, row: int) -> Row | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rows(self) -> list[Row]:
        return list(self._rows)

    def row_of(self, key: Hashable) -> int:
        """The row whose ``key(row)`` is ``key`` (-1 when not loaded)."""
        if self._key is None:
            raise TypeError("row_of needs a model built with key=")
        for i, r in enumerate(self._rows):
            if self._key(r) == key:
                return i
        return -1

    def remove_row_of(self, key: Hashable) -> int:
        """Take one row out locally (it left the query, e.g. decided); returns the row it had or -1."""
        row = self.row_of(key)
        if row < 0:
            return -1
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._rows[row]
        self.endRemoveRows()
        if self.total is not None:
            self.total = max(self.total - 1, len(self._rows))
        self.countChanged.emit()
        return row

    def wait_idle(self, timeout_ms: int = 30000) -> bool:
        """Process events until no page is loading (tests, screenshots)."""
        deadline = time.monotonic() + timeout_ms / 1000
        while time.monotonic() < deadline:
            QApplication.processEvents()
            if not self.is_loading() and all(j.done.is_set() for j in self._jobs):
                QApplication.processEvents()
                return True
            time.sleep(0.002)
        return False

    # --------------------------------------------------------------- paging
    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> bool:  # noqa: B008, N802
        if parent.isValid() or not self.active or self.total is None or self.is_loading():
            return False
        return len(self._rows) < self.total

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> None:  # noqa: B008, N802
        if not self.canFetchMore(parent):
            return
        self._loading_more = True
        self._start(len(self._rows), False)

    def page_size(self) -> int:
        size = self._page_size
        return int(size() if callable(size) else size)

    def _start(self, offset: int, first: bool) -> None:
        gen = self._gen
        job = Job(_fetch_page, self._fetcher, self.query, offset, self.page_size(), first, with_progress=False)
        self._jobs = [j for j in self._jobs if not j.done.is_set()]
        self._jobs.append(job)
        # The model may be gone when a page comes back (its page was closed): then nothing happens.
        alive = lambda: shiboken6.isValid(self)  # noqa: E731
        job.signals.finished.connect(lambda page, g=gen, o=offset, f=first: alive() and self._on_page(g, o, f, page))
        job.signals.failed.connect(lambda exc, _tb, g=gen: alive() and self._on_failed(g, exc))
        job.signals.cancelled.connect(lambda g=gen: alive() and self._on_cancelled(g))
        self._job_runner().start(job)

    def _job_runner(self) -> JobRunner:
        if self._runner is None:
            from dtks_desktop.views.common.widgets import job_runner

            self._runner = job_runner()
        return self._runner

    def _on_page(self, gen: int, offset: int, first: bool, page: Page) -> None:
        if gen != self._gen:
            return  # an older load
        if first:
            self.total = page.total
            self.extra = page.extra
        self._loading_first = False
        self._loading_more = False
        rows = list(page.rows)
        if self._key is not None:
            known = {self._key(r) for r in self._rows}
            rows = [r for r in rows if self._key(r) not in known]
        elif offset != len(self._rows):
            rows = []  # the model changed under this page; the next fetchMore asks again
        if rows:
            self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(rows) - 1)
            self._rows.extend(rows)
            self.endInsertRows()
        if not page.rows and self.total is not None and len(self._rows) < self.total:
            self.total = len(self._rows)  # fewer rows than counted (deleted meanwhile): stop asking
        if self.total is None or len(self._rows) > self.total:
            self.total = len(self._rows)
        self.countChanged.emit()
        if first:
            self.loaded.emit()

    def _on_failed(self, gen: int, exc: BaseException) -> None:
        if gen != self._gen:
            return  # an older load failed late: the newer one's rows stay, and it keeps paging
        self._loading_first = False
        self._loading_more = False
        self.total = len(self._rows)  # stop paging until the next load()
        self.error = self.failure_message(exc)
        self.countChanged.emit()
        self.loadFailed.emit(self.error)

    def _on_cancelled(self, gen: int) -> None:
        if gen != self._gen:
            return
        self._loading_first = False
        self._loading_more = False

    def failure_message(self, exc: BaseException) -> str:
        from dtks_desktop.views.common.widgets import user_message

        message = getattr(exc, "message", None)
        if isinstance(message, str) and message:
            return message
        text, _hint = user_message(exc)
        return self.failed_text if text.startswith("Terjadi kesalahan yang tidak terduga") else text

    # --------------------------------------------------------------- Qt model API
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        col = self.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return col.title
        if role == Qt.ItemDataRole.ToolTipRole:
            return col.header_tip
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.row_at(index.row())
        if row is None or not 0 <= index.column() < len(self.columns):
            return None
        return self.cell(row, index.column(), role)

    def cell(self, row: Row, column: int, role: int) -> Any:
        """What ``row`` shows in ``column`` for ``role``; subclasses add roles and call this."""
        col = self.columns[column]
        if role == Qt.ItemDataRole.DisplayRole:
            return col.text(row) if col.text is not None else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return col.tip(row) if col.tip is not None else None
        if role == Qt.ItemDataRole.TextAlignmentRole and col.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return row
        return None

    def apply_widths(self, view: Any) -> None:
        """Give a QTableView the columns' widths."""
        for i, col in enumerate(self.columns):
            view.setColumnWidth(i, col.width)
