"""The member table of the Data view: a window over a million rows, pages and counts read in jobs."""

from __future__ import annotations

import logging

from collections import OrderedDict
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QIcon
from PySide6.QtWidgets import (
    QApplication,
    QStyle,
)

from dtks_desktop.domain.masking import MaskPolicy, mask_nik, mask_no_kk, mask_numbers
from dtks_desktop.domain.workflow.registry import MemberStatus
from dtks_desktop.jobs import Job, JobRunner
from dtks_desktop.services.core import browse
from dtks_desktop.services.core.browse import BrowseFilter, MemberRow
from dtks_desktop.services.core.common import Cancelled
from dtks_desktop.services.core.database import Database, QueryInterrupt
from dtks_desktop.services.core.users import Actor
from dtks_desktop.views.common.widgets import user_message
from dtks_desktop.domain.formatting import tanggal

log = logging.getLogger(__name__)


PAGE_SIZE = browse.PAGE_SIZE  # rows per data() fetch


ID_BLOCK = 2_000  # ids per ORDER BY/OFFSET query deep down; a multiple of PAGE_SIZE


NEAR_ROWS = 10_000  # above this row a page fetches only its own ids


MAX_PAGES = 60  # LRU of row pages (12,000 rows)


MAX_ID_PAGES = 400  # LRU of the ids of pages (80,000 ids)


MAX_PENDING = 6  # page requests kept while scrolling fast (newest first)


# (header, sort key or None, width). The widths fit the longest usual value of each column in the
# 9 pt UI font ("Orang tua/mertua", "Klaten Tengah", "BPNT (keluarga)", "Padan dengan catatan") and add
# up to what the table gets on a 1920-pixel screen beside the family panel, so that Pemadanan, the
# last column, is not cut off.
COLUMNS: tuple[tuple[str, str | None, int], ...] = (
    ("NIK", "nik", 156),  # room for the warning icon of a damaged NIK
    ("Nama", "nama", 170),
    ("JK", None, 32),
    ("Tgl Lahir", "tanggal_lahir", 78),
    ("Hubungan", None, 116),
    ("Status", "status", 92),
    ("No KK", "no_kk", 132),
    ("Desa/Kel", "desa", 106),
    ("Kecamatan", "desa", 96),  # region code order groups each kecamatan, then its desa
    ("RT/RW", None, 58),
    ("Desil", None, 42),
    ("Program", None, 106),  # programme lists the member (or the family) is on: "BPNT, PKH"
    ("Pemadanan", None, 150),
)


(COL_NIK, COL_NAMA, COL_JK, COL_TGL, COL_HUB, COL_STATUS, COL_KK, COL_DESA, COL_KEC, COL_RTRW,
 COL_DESIL, COL_PROG, COL_MATCH) = range(len(COLUMNS))  # fmt: skip


ROW_ROLE = Qt.ItemDataRole.UserRole + 1  # the MemberRow of a loaded row


LOADING_TEXT = "Memuat…"


INACTIVE = QColor("#6b6b6b")


def fmt_date(d: date | None) -> str:
    return tanggal(d) if d else ""


def warning_icon() -> QIcon:
    return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)


def _id_window(page: int) -> tuple[int, int]:
    """(first page, number of pages) whose ids one query fetches when ``page`` is needed."""
    if page * PAGE_SIZE < NEAR_ROWS:
        return page, 1
    per = ID_BLOCK // PAGE_SIZE
    return page - page % per, per


def _load_page(db: Database, gen: int, f: BrowseFilter, sort: str, descending: bool, page: int,
               page_ids: list[int] | None) -> tuple:
    """Worker: the page's rows, and the ids of its window unless they are known.

    Never raises: the outcome, error included, goes back to the GUI thread as a value.
    """
    try:
        fetched, rows = db.read(_page_rows, f, sort, descending, page, page_ids)
        return gen, page, fetched, rows, None
    except Exception as exc:  # noqa: BLE001 - shown to the user by the model
        log.exception("Loading page %s of the Data view failed", page)
        return gen, page, {}, None, exc


def _page_rows(s, f: BrowseFilter, sort: str, descending: bool, page: int, page_ids: list[int] | None) -> tuple:
    """(ids fetched per page, the page's rows) in one session (through ``Database.read``)."""
    fetched: dict[int, list[int]] = {}
    ids = page_ids
    if ids is None:
        first, n = _id_window(page)
        window = browse.member_ids(s, f, sort, descending, first * PAGE_SIZE, n * PAGE_SIZE)
        for i in range(n):
            chunk = window[i * PAGE_SIZE:(i + 1) * PAGE_SIZE]
            if chunk or i == 0:
                fetched[first + i] = chunk
        ids = fetched.get(page, [])
    return fetched, browse.member_rows(s, ids)


def _count(db: Database, gen: int, f: BrowseFilter, interrupt: QueryInterrupt) -> tuple:
    """Worker: the exact count, or None when a newer query interrupted it. Never raises."""
    try:
        return gen, db.read_interruptible(interrupt, browse.count_members, f), None
    except Cancelled:
        return gen, None, None
    except Exception as exc:  # noqa: BLE001
        if interrupt.cancelled:
            return gen, None, None
        log.exception("Counting members for the Data view failed")
        return gen, None, exc


class MemberTableModel(QAbstractTableModel):
    """Windowed, SQL-sorted view of the members that match a :class:`BrowseFilter`.

    ``rowCount()`` is the number of matching members; ``data()`` of a row that is not
    loaded yet returns a placeholder and queues its page, which a job fetches; the page
    then arrives with ``dataChanged``. A new filter or sort (:meth:`set_filter`,
    :meth:`set_sort`, :meth:`sort`, :meth:`refresh`) keeps the old rows on screen until
    the first page of the new query is there, then resets the model once.
    """

    countChanged = Signal()  # the exact count is known (or changed)
    loadingChanged = Signal(bool)
    queryApplied = Signal()  # rows of a new filter/sort are on screen
    loadFailed = Signal(str)  # Indonesian message

    def __init__(self, db: Database, actor: Actor, *, mask_policy: MaskPolicy | None = None,
                 parent: QObject | None = None, start: bool = True) -> None:
        super().__init__(parent)
        self._db = db
        self._actor = actor
        self._mask: MaskPolicy | None = None
        self.set_mask_policy(mask_policy)
        self._runner = JobRunner(self)
        self._icon: QIcon | None = None
        # What is on screen.
        self._filter = BrowseFilter()
        self._sort = "nama"
        self._desc = False
        self._sort_column = COL_NAMA
        self._rows = 0
        self._count: int | None = None
        self._pages: OrderedDict[int, list[MemberRow]] = OrderedDict()
        self._page_ids: OrderedDict[int, list[int]] = OrderedDict()
        self._gen = 0  # generation on screen
        # What was asked for and is loading.
        self._want_gen = 0
        self._want: tuple[BrowseFilter, str, bool, int] = (self._filter, self._sort, self._desc, self._sort_column)
        self._staged_count: int | None = None
        self._count_running = False
        self._count_interrupt: QueryInterrupt | None = None
        self._pending: list[int] = []
        self._failed_pages: set[int] = set()
        self._inflight: tuple[int, int] | None = None  # (generation, page)
        self._pump_scheduled = False
        self._loading = False
        self._jobs: list[Job] = []
        if start:
            self._start_query()

    # --- public API

    @property
    def filter(self) -> BrowseFilter:
        return self._want[0]

    @property
    def sort_key(self) -> str:
        return self._want[1]

    @property
    def descending(self) -> bool:
        return self._want[2]

    @property
    def sort_column(self) -> int:
        return self._want[3]

    @property
    def member_count(self) -> int | None:
        """Exact number of matching members; None while it is being counted."""
        return self._count if self._gen == self._want_gen else None

    def is_loading(self) -> bool:
        return self._loading

    def query_pending(self) -> bool:
        """True while a new filter/sort is loading and the previous rows are still shown."""
        return self._gen != self._want_gen

    def masks_nik(self) -> bool:
        return self._mask is not None

    def set_mask_policy(self, policy: MaskPolicy | None) -> None:
        self._mask = None if self._actor.may_see_full_nik else (policy or MaskPolicy())

    def set_filter(self, f: BrowseFilter) -> None:
        if f != self._want[0]:
            self._want = (f, *self._want[1:])
            self._start_query()

    def set_sort(self, key: str, descending: bool = False, column: int | None = None) -> None:
        if key not in browse.SORT_KEYS:
            raise ValueError(f"Kunci urutan tidak dikenal: {key!r}")
        if column is None:
            column = next(i for i, c in enumerate(COLUMNS) if c[1] == key)
        f, old_key, old_desc, _old_col = self._want
        self._want = (f, key, descending, column)
        if (key, descending) != (old_key, old_desc):
            # Another order of the same rows: the count on screen stays valid.
            same_rows = f == self._filter and self._gen == self._want_gen and self._count is not None
            self._start_query(recount=not same_rows)

    def refresh(self) -> None:
        """Query again (data changed elsewhere); the filter and the sort stay."""
        self._start_query()

    def row_at(self, row: int) -> MemberRow | None:
        """The loaded row at ``row``, or None when its page is not loaded."""
        page = self._pages.get(row // PAGE_SIZE)
        if page is None:
            return None
        i = row % PAGE_SIZE
        return page[i] if i < len(page) else None

    def column_sort_key(self, column: int) -> str | None:
        return COLUMNS[column][1] if 0 <= column < len(COLUMNS) else None

    def wait_idle(self, timeout_ms: int = 30000) -> bool:
        """Process events until nothing of this model is loading (tests, benchmarks)."""
        import time

        deadline = time.monotonic() + timeout_ms / 1000
        while time.monotonic() < deadline:
            QApplication.processEvents()
            if not self._loading and all(j.done.is_set() for j in self._jobs):
                QApplication.processEvents()
                return True
            time.sleep(0.002)
        return False

    def shutdown(self) -> None:
        """Ignore running jobs from now on and interrupt a running count (the view closes)."""
        self._want_gen += 1
        self._pending.clear()
        if self._count_interrupt is not None:
            self._count_interrupt.cancel()

    # --- Qt model API

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._rows

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            if role == Qt.ItemDataRole.DisplayRole:
                return COLUMNS[section][0]
            if role == Qt.ItemDataRole.ToolTipRole:
                key = COLUMNS[section][1]
                if key is None:
                    return "Kolom ini tidak dapat diurutkan"
                if section == COL_KEC:
                    return "Klik untuk mengurutkan menurut wilayah (kecamatan, lalu desa/kelurahan)"
                return f"Klik untuk mengurutkan menurut {COLUMNS[section][0]}"
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return section + 1
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r, c = index.row(), index.column()
        if r >= self._rows:
            return None
        row = self.row_at(r)
        if row is None:
            self._request(r // PAGE_SIZE)
            if role == Qt.ItemDataRole.DisplayRole and c == COL_NAMA:
                return LOADING_TEXT
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(INACTIVE)
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, c)
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.ToolTipRole:
            if c == COL_NIK and row.nik_flags:
                return "\n".join(browse.nik_flag_labels(row.nik_flags))
            if c == COL_NAMA:
                return row.nama
            if c == COL_HUB:
                return browse.hubungan_label(row.hubungan)
            if c == COL_PROG:
                return self._programme_tip(row)
            if c == COL_MATCH:
                return self._match_tip(row)
            return None
        if role == Qt.ItemDataRole.DecorationRole:
            if c == COL_NIK and row.nik_flags:
                if self._icon is None:
                    self._icon = warning_icon()
                return self._icon
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            if row.status != MemberStatus.AKTIF:
                return QBrush(INACTIVE)
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if c in (COL_JK, COL_RTRW, COL_DESIL):
                return int(Qt.AlignmentFlag.AlignCenter)
            return int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft)
        return None

    def _display(self, row: MemberRow, c: int) -> str:
        if c == COL_NIK:
            return self.nik_text(row.nik)
        if c == COL_NAMA:
            return row.nama
        if c == COL_JK:
            return row.jenis_kelamin or ""
        if c == COL_TGL:
            return fmt_date(row.tanggal_lahir)
        if c == COL_HUB:
            return browse.hubungan_label(row.hubungan)
        if c == COL_STATUS:
            return browse.member_status_label(row.status)
        if c == COL_KK:
            return self.no_kk_text(row.no_kk)
        if c == COL_DESA:
            return row.desa or (row.desa_kode or "")
        if c == COL_KEC:
            return row.kecamatan or ""
        if c == COL_RTRW:
            return f"{row.rt or '-'}/{row.rw or '-'}"
        if c == COL_DESIL:
            return "" if row.desil is None else str(row.desil)
        if c == COL_PROG:
            return row.programmes_text
        if c == COL_MATCH:
            return browse.match_status_label(row.pemadanan, row.keputusan)
        return ""

    def _programme_tip(self, row: MemberRow) -> str | None:
        lines = browse.programme_lines(row.programmes, row.family_programmes)
        if not lines:
            return None
        return "Terdaftar di daftar penerima program:\n" + "\n".join(f"• {x}" for x in lines)

    def _match_tip(self, row: MemberRow) -> str:
        if not row.pemadanan:
            return "Belum dipadankan dengan data Dukcapil. Jalankan pemadanan di halaman Pemadanan."
        skor = "" if row.skor is None else f", skor {row.skor:.1f}".replace(".", ",")
        lines = [f"Hasil pemadanan dengan data Dukcapil: {browse.match_status_label(row.pemadanan, row.keputusan)}{skor}."]
        # The explanation quotes NIKs and No KKs: masked like the NIK column for this user.
        why = [self.free_text(x) for x in row.pemadanan_alasan]
        if why:
            lines.append(why[0])
            if row.alasan_calon_terdekat:
                lines.append("Dibandingkan dengan calon terdekat di Dukcapil:")
            lines += [f"• {x}" for x in why[1:]]
        lines.append("Rinciannya di halaman Pemadanan.")
        return "\n".join(lines)

    def nik_text(self, nik: str | None) -> str:
        """A NIK as this user may see it (masked for roles without full-NIK access)."""
        if self._mask is not None:
            return mask_nik(nik, self._mask)
        return nik or ""

    def no_kk_text(self, no_kk: str | None) -> str:
        if self._mask is not None:
            return mask_no_kk(no_kk, self._mask)
        return no_kk or ""

    def free_text(self, text: str | None) -> str:
        """Text from a service that may quote NIKs or No KKs, masked for this user."""
        if self._mask is not None:
            return mask_numbers(text, self._mask)
        return text or ""

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Header click: query again in the new order (never sorts in Python)."""
        key = self.column_sort_key(column)
        if key is None:
            return  # not sortable; the view puts the indicator back
        self.set_sort(key, order == Qt.SortOrder.DescendingOrder, column)

    # --- loading

    def _set_loading(self, value: bool) -> None:
        if value != self._loading:
            self._loading = value
            self.loadingChanged.emit(value)

    def _update_loading(self) -> None:
        self._set_loading(
            self._gen != self._want_gen or self._count_running or self._inflight is not None or bool(self._pending)
        )

    def _start_job(self, job: Job, on_done) -> None:
        self._jobs = [j for j in self._jobs if not j.done.is_set()]
        self._jobs.append(job)
        job.signals.finished.connect(on_done)
        self._runner.start(job)

    def _start_query(self, recount: bool = True) -> None:
        """Begin loading the wanted filter/sort; the current rows stay until it arrives."""
        self._want_gen += 1
        gen = self._want_gen
        self._pending.clear()
        self._failed_pages.clear()
        self._staged_count = None if recount else self._count
        if self._count_interrupt is not None:
            self._count_interrupt.cancel()
        f, sort, desc, _col = self._want
        self._start_job(Job(_load_page, self._db, gen, f, sort, desc, 0, None, with_progress=False),
                        self._on_first_page)
        if not recount:
            self._count_running = False
            self._update_loading()
            return
        interrupt = QueryInterrupt()
        self._count_interrupt = interrupt
        self._count_running = True
        self._start_job(Job(_count, self._db, gen, f, interrupt, with_progress=False), self._on_count)
        self._update_loading()

    def _on_first_page(self, result: tuple) -> None:
        gen, page, fetched, rows, error = result
        if gen != self._want_gen:
            return
        f, sort, desc, col = self._want
        self.beginResetModel()
        self._filter, self._sort, self._desc, self._sort_column = f, sort, desc, col
        self._gen = gen
        self._pages.clear()
        self._page_ids.clear()
        self._inflight = None
        if error is not None:
            self._rows, self._count = 0, None
        else:
            self._page_ids.update(fetched)
            self._pages[page] = rows
            if len(rows) < PAGE_SIZE:  # everything fits on the first page: the count is exact
                self._count = len(rows)
            else:
                self._count = self._staged_count
            self._rows = self._count if self._count is not None else len(rows)
        self.endResetModel()
        self.queryApplied.emit()
        if error is not None:
            self.loadFailed.emit(user_message(error)[0])
        elif self._count is not None:
            self.countChanged.emit()
        self._update_loading()
        self._pump()

    def _on_count(self, result: tuple) -> None:
        gen, count, error = result
        if gen != self._want_gen:
            return
        self._count_running = False
        if error is not None:
            self.loadFailed.emit(user_message(error)[0])
        elif count is not None:
            if self._gen != gen:  # the first page is not on screen yet
                self._staged_count = count
            else:
                self._apply_count(count)
        self._update_loading()

    def _apply_count(self, count: int) -> None:
        if count > self._rows:
            self.beginInsertRows(QModelIndex(), self._rows, count - 1)
            self._rows = count
            self.endInsertRows()
        elif count < self._rows:
            self.beginRemoveRows(QModelIndex(), count, self._rows - 1)
            self._rows = count
            self.endRemoveRows()
        self._count = count
        self.countChanged.emit()

    def _request(self, page: int) -> None:
        if (page in self._pages or page in self._failed_pages or self._gen != self._want_gen
                or self._inflight == (self._gen, page)):
            return
        if page in self._pending:
            self._pending.remove(page)
        self._pending.append(page)
        del self._pending[:-MAX_PENDING]
        if not self._pump_scheduled:  # data() runs inside a paint: start work afterwards
            self._pump_scheduled = True
            QTimer.singleShot(0, self._pump)

    def _pump(self) -> None:
        self._pump_scheduled = False
        if self._inflight is None and self._pending and self._gen == self._want_gen:
            page = self._pending.pop()  # newest first: what the user looks at now
            ids = self._page_ids.get(page)
            if ids is not None:
                self._page_ids.move_to_end(page)
            self._inflight = (self._gen, page)
            self._start_job(
                Job(_load_page, self._db, self._gen, self._filter, self._sort, self._desc, page, ids,
                    with_progress=False),
                self._on_page,
            )
        self._update_loading()

    def _on_page(self, result: tuple) -> None:
        gen, page, fetched, rows, error = result
        if self._inflight == (gen, page):
            self._inflight = None
        if gen == self._gen == self._want_gen:
            if error is not None:
                self._failed_pages.add(page)
                self.loadFailed.emit(user_message(error)[0])
            else:
                self._store(page, fetched, rows)
        self._pump()

    def _store(self, page: int, fetched: dict[int, list[int]], rows: list[MemberRow]) -> None:
        for p, ids in fetched.items():
            self._page_ids[p] = ids
            self._page_ids.move_to_end(p)
        while len(self._page_ids) > MAX_ID_PAGES:
            self._page_ids.popitem(last=False)
        self._pages[page] = rows
        self._pages.move_to_end(page)
        while len(self._pages) > MAX_PAGES:
            self._pages.popitem(last=False)
        first = page * PAGE_SIZE
        last = min(first + PAGE_SIZE, self._rows) - 1
        if last >= first:
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(COLUMNS) - 1))
