"""The Data view: browse up to a million members, filter and sort them in SQL.

:class:`MemberTableModel` never holds the registry. It knows the row count and
fetches rows in pages of 200 when Qt first asks for them (``data()``), through
:mod:`dtks_desktop.services.core.browse`, and keeps the pages it fetched in an LRU.
Near the top a page's ids are fetched with the page (``ORDER BY .. LIMIT 200``);
deeper down, where the ``OFFSET`` walk costs more than the rows, the ids of ten
pages are fetched at once, so scrolling on from a deep position costs one index
walk per 2,000 rows.

Every query of the table runs as a :class:`~dtks_desktop.jobs.Job` off the GUI
thread. Measured at 1,000,000 members (``docs/benchmarks.md``): a first page
takes 2-100 ms, but a count can take 1.9 s (a four-digit NIK prefix matches
everyone) and a page 500,000 rows deep in No KK order 0.96 s on PostgreSQL --
more than the 200 ms a GUI thread may block. While a new filter
or sort loads, the old rows stay on screen; the new rows replace them in one
reset, and the count follows (the label says "menghitung…" meanwhile). The
small look-ups (region options, the office's kabupaten, one family for the
side panel, "is there any data") take well under 100 ms and run directly.
"""

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
from PySide6.QtGui import QBrush, QColor, QFont, QIcon, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QStyle,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from dtks_desktop.domain.masking import MaskPolicy, mask_nik, mask_no_kk, mask_numbers
from dtks_desktop.domain.workflow.registry import MEMBER_STATUS_LABELS, MemberStatus
from dtks_desktop.jobs import Job, JobRunner
from dtks_desktop.services.core import browse
from dtks_desktop.services.core import settings as settings_service
from dtks_desktop.services.core.browse import BrowseFilter, FamilyDetail, MemberRow
from dtks_desktop.services.core.common import Cancelled
from dtks_desktop.services.core.database import Database, QueryInterrupt
from dtks_desktop.services.core.users import Actor
from dtks_desktop.views.common import events
from dtks_desktop.views.common.context import AppContext
from dtks_desktop.views.common.widgets import fmt_int, user_message, fill_desa_combo, fill_kecamatan_combo
from dtks_desktop.views.common.latest import LatestJob
from dtks_desktop.views.common.widgets import desa_reads
from dtks_desktop.domain.formatting import tanggal

log = logging.getLogger(__name__)

PAGE_SIZE = browse.PAGE_SIZE  # rows per data() fetch
ID_BLOCK = 2_000  # ids per ORDER BY/OFFSET query deep down; a multiple of PAGE_SIZE
NEAR_ROWS = 10_000  # above this row a page fetches only its own ids
MAX_PAGES = 60  # LRU of row pages (12,000 rows)
MAX_ID_PAGES = 400  # LRU of the ids of pages (80,000 ids)
MAX_PENDING = 6  # page requests kept while scrolling fast (newest first)
DEBOUNCE_MS = 300

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
_INACTIVE = QColor("#6b6b6b")


def fmt_date(d: date | None) -> str:
    return tanggal(d) if d else ""


def _warning_icon() -> QIcon:
    return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)


# --------------------------------------------------------------------------- background work


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


def _page_info(s) -> tuple:
    """Worker (through ``Database.read``): has members, office kabupaten, its kecamatan, mask policy."""
    has_data = browse.has_members(s)
    kab_kode = browse.office_kab_kode(s)
    kecamatan = browse.kecamatan_options(s, kab_kode) if kab_kode else []
    return has_data, kab_kode, kecamatan, settings_service.mask_policy(s)


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


# --------------------------------------------------------------------------- the model


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
                return QBrush(_INACTIVE)
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
                    self._icon = _warning_icon()
                return self._icon
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            if row.status != MemberStatus.AKTIF:
                return QBrush(_INACTIVE)
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


# --------------------------------------------------------------------------- family panel


def _family_programmes_text(progs: list[browse.FamilyProgramme]) -> tuple[str, str]:
    """The panel's Program row: one line per programme and recipient ("PKH 2026-04, 2026-01 —
    SITI AMINAH"), and a tooltip that says how each list row was found."""
    if not progs:
        return "Tidak ada di daftar penerima program", ""
    groups: OrderedDict[tuple[str, int | None], list[str]] = OrderedDict()
    whom: dict[tuple[str, int | None], str] = {}
    tips = []
    for p in progs:
        key = (p.program, p.member_id)
        groups.setdefault(key, [])
        if p.periode and p.periode not in groups[key]:
            groups[key].append(p.periode)
        whom[key] = p.nama or "seluruh keluarga"
        period = f" periode {p.periode}" if p.periode else ""
        tips.append(f"{p.program}{period}: {whom[key]}, ditemukan menurut {p.via_label}")
    lines = [" ".join([prog, ", ".join(periods)]).strip() + f" — {whom[(prog, mid)]}"
             for (prog, mid), periods in groups.items()]
    return "\n".join(lines), "\n".join(dict.fromkeys(tips))


class FamilyPanel(QFrame):
    """The selected member's family: number, address, desil, status, who is on which programme list,
    and all members."""

    MEMBER_COLUMNS = ("NIK", "Nama", "Hubungan", "Tgl Lahir", "Status")  # JK is in the main table

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("familyPanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setMinimumWidth(360)
        self.detail: FamilyDetail | None = None
        self._nik_text = lambda nik: nik or ""
        self._no_kk_text = lambda kk: kk or ""

        self.title = QLabel("Keluarga")
        f = self.title.font()
        f.setBold(True)
        f.setPointSizeF(f.pointSizeF() * 1.15)
        self.title.setFont(f)
        self.hint = QLabel("Pilih seorang anggota di tabel untuk melihat keluarganya.")
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: palette(mid);")

        self.no_kk_label = QLabel()
        self.alamat_label = QLabel()
        self.dusun_label = QLabel()
        self.rtrw_label = QLabel()
        self.desa_label = QLabel()
        self.kecamatan_label = QLabel()
        self.desil_label = QLabel()
        self.status_label = QLabel()
        self.programmes_label = QLabel()
        self.programmes_label.setObjectName("familyProgrammes")
        for lbl in (self.no_kk_label, self.alamat_label, self.dusun_label, self.rtrw_label, self.desa_label,
                    self.kecamatan_label, self.desil_label, self.status_label, self.programmes_label):
            lbl.setWordWrap(True)
            lbl.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        form.addRow("No KK", self.no_kk_label)
        form.addRow("Alamat", self.alamat_label)
        form.addRow("Dusun", self.dusun_label)
        form.addRow("RT/RW", self.rtrw_label)
        form.addRow("Desa/Kel", self.desa_label)
        form.addRow("Kecamatan", self.kecamatan_label)
        form.addRow("Desil", self.desil_label)
        form.addRow("Status", self.status_label)
        form.addRow("Program", self.programmes_label)
        self.form_box = QWidget()
        self.form_box.setLayout(form)

        self.members_title = QLabel("Anggota keluarga")
        mf = self.members_title.font()
        mf.setBold(True)
        self.members_title.setFont(mf)
        self.members_table = QTableWidget(0, len(self.MEMBER_COLUMNS))
        self.members_table.setObjectName("familyMembers")
        self.members_table.setHorizontalHeaderLabels(list(self.MEMBER_COLUMNS))
        self.members_table.verticalHeader().hide()
        self.members_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.members_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.members_table.setWordWrap(False)
        self.members_table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.members_table.setAlternatingRowColors(True)
        self.members_table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.members_table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        mh = self.members_table.horizontalHeader()
        mh.setHighlightSections(False)
        for c in range(len(self.MEMBER_COLUMNS)):
            mh.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        mh.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)  # the name takes what is left

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.hint)
        layout.addWidget(self.form_box)
        layout.addWidget(self.members_title)
        layout.addWidget(self.members_table, 1)
        self.clear()

    def set_formatters(self, nik_text, no_kk_text) -> None:
        self._nik_text = nik_text
        self._no_kk_text = no_kk_text

    def clear(self, hint: str | None = None) -> None:
        self.detail = None
        self.title.setText("Keluarga")
        self.hint.setText(hint or "Pilih seorang anggota di tabel untuk melihat keluarganya.")
        self.hint.show()
        self.form_box.hide()
        self.members_title.hide()
        self.members_table.hide()
        self.members_table.setRowCount(0)

    def show_family(self, d: FamilyDetail, selected_member_id: int | None = None) -> None:
        self.detail = d
        head = d.head
        self.title.setText(f"Keluarga {head.nama}" if head else "Keluarga")
        self.hint.hide()
        self.no_kk_label.setText(self._no_kk_text(d.no_kk) or "-")
        self.alamat_label.setText(d.alamat or "-")
        self.dusun_label.setText(d.dusun or "-")
        self.rtrw_label.setText(f"{d.rt or '-'}/{d.rw or '-'}")
        self.desa_label.setText(d.desa or d.desa_kode or "-")
        self.kecamatan_label.setText(d.kecamatan or d.kecamatan_kode or "-")
        self.desil_label.setText("-" if d.desil is None else str(d.desil))
        self.status_label.setText(d.status_label)
        text, tip = _family_programmes_text(d.programmes)
        self.programmes_label.setText(text)
        self.programmes_label.setToolTip(tip)
        self.form_box.show()
        self.members_title.setText(f"Anggota keluarga ({len(d.members)})")
        self.members_title.show()
        t = self.members_table
        t.setRowCount(len(d.members))
        icon = None
        bold = QFont(t.font())
        bold.setBold(True)
        for r, m in enumerate(d.members):
            values = (self._nik_text(m.nik), m.nama, m.hubungan_label, fmt_date(m.tanggal_lahir), m.status_label)
            for c, v in enumerate(values):
                item = QTableWidgetItem(v)
                if c == 0 and m.flag_labels:
                    icon = icon or _warning_icon()
                    item.setIcon(icon)
                    item.setToolTip("\n".join(m.flag_labels))
                elif c == 1:
                    sex = {"L": "laki-laki", "P": "perempuan"}.get(m.jenis_kelamin or "", "")
                    item.setToolTip(f"{m.nama} ({sex})" if sex else m.nama)
                if m.status != MemberStatus.AKTIF:
                    item.setForeground(QBrush(_INACTIVE))
                if m.id == selected_member_id:
                    item.setFont(bold)
                t.setItem(r, c, item)
        t.show()


# --------------------------------------------------------------------------- the view


class DataView(QWidget):
    """Browse the registry: filter bar, the member table and the selected family."""

    demoRequested = Signal()  # "Buat data contoh" in the empty state

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.kab_kode: str | None = None
        self._applying = False
        self._sized = False

        # --- filter bar
        self.kecamatan_combo = QComboBox()
        self.kecamatan_combo.setObjectName("kecamatanCombo")
        self.kecamatan_combo.setMinimumContentsLength(16)
        self.kecamatan_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.desa_combo = QComboBox()
        self.desa_combo.setObjectName("desaCombo")
        self.desa_combo.setMinimumContentsLength(18)
        self.desa_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.status_combo = QComboBox()
        self.status_combo.setObjectName("statusCombo")
        self.status_combo.addItem("Semua status", None)
        for status, label in MEMBER_STATUS_LABELS.items():
            self.status_combo.addItem(label, str(status))
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("searchEdit")
        self.search_edit.setPlaceholderText("Cari NIK, No KK, atau nama…")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setMinimumWidth(220)
        self.clear_button = QPushButton("Hapus filter")
        self.count_label = QLabel()
        self.count_label.setObjectName("countLabel")
        self.count_label.setMinimumWidth(150)
        self.count_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

        bar = QHBoxLayout()
        bar.addWidget(QLabel("Kecamatan"))
        bar.addWidget(self.kecamatan_combo)
        bar.addWidget(QLabel("Desa/Kel"))
        bar.addWidget(self.desa_combo)
        bar.addWidget(QLabel("Status"))
        bar.addWidget(self.status_combo)
        bar.addWidget(self.search_edit, 1)
        bar.addWidget(self.clear_button)
        bar.addWidget(self.count_label)

        self.message_label = QLabel()
        self.message_label.setObjectName("dataMessage")
        self.message_label.setWordWrap(True)
        self.message_label.hide()

        # --- table
        self.model = MemberTableModel(ctx.db, ctx.actor, parent=self, start=False)
        self.table = QTableView()
        self.table.setObjectName("memberTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.setCornerButtonEnabled(False)
        vh = self.table.verticalHeader()
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # never measure a million rows
        vh.setDefaultSectionSize(self.fontMetrics().height() + 8)
        vh.hide()
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        hh.setHighlightSections(False)
        hh.setStretchLastSection(True)
        for i, (_title, _key, width) in enumerate(COLUMNS):
            self.table.setColumnWidth(i, width)
        hh.setSortIndicator(COL_NAMA, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)  # header clicks call model.sort(): SQL ORDER BY
        hh.sortIndicatorChanged.connect(self._on_sort_indicator)

        self.family_panel = FamilyPanel()
        self.family_panel.set_formatters(self.model.nik_text, self.model.no_kk_text)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.family_panel)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setCollapsible(0, False)

        content = QWidget()
        cl = QVBoxLayout(content)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.addLayout(bar)
        cl.addWidget(self.message_label)
        cl.addWidget(self.splitter, 1)

        # --- empty state
        self.empty_state = QWidget()
        self.empty_state.setObjectName("emptyState")
        el = QVBoxLayout(self.empty_state)
        el.addStretch(1)
        title = QLabel("Belum ada data")
        tf = title.font()
        tf.setPointSizeF(tf.pointSizeF() * 1.6)
        tf.setBold(True)
        title.setFont(tf)
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_text = QLabel(
            "Basis data ini belum berisi keluarga maupun anggota keluarga.\n"
            "Impor berkas DTKS dari SIKS-NG, atau buat data contoh untuk mencoba aplikasi."
        )
        self.empty_text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_text.setWordWrap(True)
        self.demo_button = QPushButton("Buat data contoh")
        self.demo_button.setObjectName("demoButton")
        self.demo_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.demo_button.clicked.connect(self.demoRequested)
        el.addWidget(title)
        el.addWidget(self.empty_text)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.demo_button)
        row.addStretch(1)
        el.addSpacing(12)
        el.addLayout(row)
        el.addStretch(2)

        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty_state)
        self.stack.addWidget(content)
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack)

        # --- behaviour
        self._page_reads = LatestJob(self)  # refresh(): what the page shows besides the table
        self._family_reads = LatestJob(self)  # the selected row's family
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self._apply_filter)
        self.search_edit.textChanged.connect(lambda _t: self._debounce.start())
        self.search_edit.returnPressed.connect(self._apply_filter)
        self.kecamatan_combo.currentIndexChanged.connect(self._on_kecamatan_changed)
        self.desa_combo.currentIndexChanged.connect(lambda _i: self._apply_filter())
        self.status_combo.currentIndexChanged.connect(lambda _i: self._apply_filter())
        self.clear_button.clicked.connect(self.clear_filters)
        self.model.countChanged.connect(self._update_count_label)
        self.model.loadingChanged.connect(lambda _b: self._update_count_label())
        self.model.queryApplied.connect(self._on_query_applied)
        self.model.loadFailed.connect(self._on_load_failed)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_row)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self, self.search_edit.setFocus)
        # Decisions come one per key press: refresh once the clerk pauses.
        events.follow(self, ctx.events, {events.REGISTRY, events.MATCHING, events.PROGRAMMES, events.SETTINGS},
                      self.refresh, delay_ms=800)

        self.refresh()

    # --- public

    def refresh(self) -> None:
        """Reload everything from the database (after an import, demo data, a settings change).

        What the page shows besides the table (empty or not, the kecamatan list, the mask policy) is
        read in a job; a newer refresh supersedes an older one. The table reloads once it is in.
        """
        self._family_reads.supersede()
        self._page_reads.start(self.ctx.db.read, _page_info, on_done=self._apply_page_info,
                               on_error=self._page_info_failed)

    def is_busy(self) -> bool:
        """A read of the page (besides the table's own) has not answered yet."""
        return self._page_reads.is_busy() or desa_reads(self.desa_combo).is_busy() or self._family_reads.is_busy()

    def _apply_page_info(self, info: tuple) -> None:
        has_data, self.kab_kode, kecamatan, policy = info
        self.model.set_mask_policy(policy)
        self.stack.setCurrentWidget(self.stack.widget(1) if has_data else self.empty_state)
        self._applying = True
        try:
            fill_kecamatan_combo(self.kecamatan_combo, kecamatan)
            self._fill_desa()
        finally:
            self._applying = False
        self.family_panel.clear()
        f = self.current_filter()
        if f != self.model.filter:
            self.model.set_filter(f)
        else:
            self.model.refresh()
        self._update_count_label()

    def _page_info_failed(self, exc: BaseException) -> None:
        self._on_load_failed(user_message(exc)[0])

    def current_filter(self) -> BrowseFilter:
        text = self.search_edit.text().strip() or None
        return BrowseFilter(
            kecamatan=self.kecamatan_combo.currentData(),
            desa=self.desa_combo.currentData(),
            status=self.status_combo.currentData(),
            text=text,
        )

    def clear_filters(self) -> None:
        self._applying = True
        try:
            self.search_edit.clear()
            self.status_combo.setCurrentIndex(0)
            self.kecamatan_combo.setCurrentIndex(0)
            self._fill_desa()
        finally:
            self._applying = False
        self._debounce.stop()
        self._apply_filter()

    def is_empty_state(self) -> bool:
        return self.stack.currentWidget() is self.empty_state

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        if not self._sized:  # the family panel gets about a quarter of the width, once
            self._sized = True
            w = max(self.splitter.width(), 900)
            panel = max(380, int(w * 0.28))
            self.splitter.setSizes([w - panel, panel])

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt API
        self.model.shutdown()
        super().closeEvent(event)

    # --- internals

    def _fill_desa(self) -> None:
        fill_desa_combo(self.ctx.db, self.kecamatan_combo, self.desa_combo)

    def _on_kecamatan_changed(self, _index: int) -> None:
        if self._applying:
            return
        self._fill_desa()
        self._apply_filter()

    def _apply_filter(self) -> None:
        if self._applying:
            return
        self._debounce.stop()
        self.model.set_filter(self.current_filter())
        self._update_count_label()

    def _on_sort_indicator(self, column: int, _order: Qt.SortOrder) -> None:
        if self.model.column_sort_key(column) is None:
            order = Qt.SortOrder.DescendingOrder if self.model.descending else Qt.SortOrder.AscendingOrder
            self.table.horizontalHeader().setSortIndicator(self.model.sort_column, order)

    def _on_query_applied(self) -> None:
        self.message_label.hide()
        self._family_reads.supersede()
        self.family_panel.clear()
        self._update_count_label()

    def _on_load_failed(self, message: str) -> None:
        self.message_label.setStyleSheet("color: #b00020;")
        self.message_label.setText(f"Data tidak dapat dimuat: {message}")
        self.message_label.show()

    def _update_count_label(self) -> None:
        n = self.model.member_count
        if n is None:
            rows = self.model.rowCount()
            if self.model.query_pending() or rows == 0:
                self.count_label.setText("Memuat…")
            else:  # the first rows are shown, the exact count is still running
                self.count_label.setText(f"≥ {fmt_int(rows)} anggota, menghitung…")
            return
        self.count_label.setText(f"{fmt_int(n)} anggota")
        if n == 0 and not self.model.is_loading() and not self.is_empty_state():
            self.message_label.setStyleSheet("")
            self.message_label.setText("Tidak ada anggota yang cocok dengan filter ini. Ubah atau hapus filter.")
            self.message_label.show()

    def _on_current_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = self.model.row_at(current.row()) if current.isValid() else None
        if row is None:
            if not current.isValid():
                self.family_panel.clear()
            return
        if self.family_panel.detail is not None and self.family_panel.detail.household_id == row.household_id:
            self.family_panel.show_family(self.family_panel.detail, row.id)
            return
        self.family_panel.clear("Memuat data keluarga…")
        member_id = row.id

        def shown(detail) -> None:
            self.family_panel.show_family(detail, member_id)

        def failed(exc: BaseException) -> None:
            self.family_panel.clear(user_message(exc)[0])  # FamilyNotFound says so in Indonesian

        self._family_reads.start(self.ctx.db.read, browse.family_detail, row.household_id,
                                 on_done=shown, on_error=failed)
