"""The "Pemadanan" page: run the matching and let a clerk review what the machine could not decide.

Layout:

* **Top**: "Jalankan pemadanan" (``run_matching`` as a :class:`~dtks_desktop.jobs.Job` with the
  shared progress dialog), the filters (status, kecamatan, desa/kelurahan), "N menunggu" and
  "Terima massal…"; under it a strip with the number of members per status of the last run.
* **Left**: the review queue, a :class:`ReviewQueueModel` paged from
  ``services.matching.review.review_queue`` (200 rows per ``fetchMore``, in jobs).
* **Right**: :class:`ComparisonPanel`, the selected member next to a civil-registry candidate,
  one row per field, differences highlighted, each field's note and weight; the proposed NIK in
  large type; a candidate selector when there are several.
* **Bottom right**: the decision buttons with their keys.

The whole review works from the keyboard (the shortcuts belong to the work area, never to the
filter bar, so typing in a combo box cannot decide anything):

=================  ===========================================================
Enter, A           Terima: accept the proposal/link of the candidate shown
T, Delete          Tolak: reject it
1, 2, 3            show candidate 1/2/3 (then Enter accepts that candidate)
N, Down            next item (without deciding)
P, Up              previous item
Ctrl+Z             Urungkan: undo the user's last decision (``undo_last``)
B, Backspace       Buka kembali, in "Sudah diputuskan petugas": revert that decision (``reopen``)
=================  ===========================================================

The status filter also offers "Dipulihkan otomatis" (the machine's restorations of
spreadsheet-damaged NIKs: Enter confirms, T puts the file's NIK back) and "Sudah diputuskan
petugas" (decided results, any of which can be reopened).

After a decision the item leaves the queue and the next one is selected. Decisions go through
``decide`` (which audits); the view never writes SQL. Short calls (one item, one decision,
undo) run directly; the queue pages, its count, the bulk preview, the matching run and the bulk
accept run as jobs.
"""

from __future__ import annotations

import json
import logging
import re

import shiboken6
from dataclasses import dataclass
from typing import Any, Callable

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QIcon, QKeySequence, QPainter, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from dtks_desktop.domain.formatting import angka, tanggal, tanggal_jam
from dtks_desktop.domain.masking import MaskPolicy, mask_nik, mask_numbers
from dtks_desktop.domain.permissions import Capability, can, sees_full_nik
from dtks_desktop.domain.workflow.matching import (DECISION_COLOURS, MATCH_STATUS_COLOURS, MATCH_STATUS_LABELS,
                                                   MATCH_STATUS_SHORT, Decision)
from dtks_desktop.jobs import Job
from dtks_desktop.services.core import browse
from dtks_desktop.services.core import settings as settings_service
from dtks_desktop.services.core.database import Database
from dtks_desktop.services.matching import common as match_common
from dtks_desktop.services.matching import decisions as match_decisions
from dtks_desktop.services.matching import review as match_review
from dtks_desktop.services.matching import run as match_run
from dtks_desktop.services.matching.review import CandidateView, FieldComparison, QueueItem, ReviewItem
from dtks_desktop.services.matching.run import MatchSummary
from dtks_desktop.views.core.audit_view import local_time
from dtks_desktop.views.common import events
from dtks_desktop.views.common.context import AppContext
from dtks_desktop.views.common.paged_model import Column, Page, PagedModel
from dtks_desktop.views.common.latest import LatestJob
from dtks_desktop.views.common.widgets import desa_reads
from dtks_desktop.views.common.widgets import ID, job_runner, show_exception, start_job, user_message, fill_desa_combo, fill_kecamatan_combo

log = logging.getLogger(__name__)

PAGE = 200  # queue rows per review_queue() call
PREVIEW_DEBOUNCE_MS = 150

# --------------------------------------------------------------------------- vocabulary

STATUS_ORDER = tuple(MATCH_STATUS_LABELS)  # one source: domain/workflow/matching.py
STATUS_LABELS: dict[str, str] = MATCH_STATUS_LABELS
STATUS_COLORS: dict[str, str] = MATCH_STATUS_COLOURS  # one source: domain/workflow/matching.py
#: Shorter labels for the queue's Status column (the full label is its tooltip).
STATUS_SHORT: dict[str, str] = MATCH_STATUS_SHORT
#: What "Terima" and "Tolak" mean for an item of each status (shown under the buttons).
STATUS_HELP: dict[str, str] = {
    "usulan_koreksi": "Terima: NIK anggota diganti dengan NIK usulan dari Dukcapil. "
                      "Tolak: NIK tetap seperti di DTKS, usulan dibuang.",
    "nik_orang_lain": "NIK di DTKS tercatat atas nama orang lain di Dukcapil. Terima: NIK diganti dengan NIK "
                      "kandidat yang ditampilkan. Tolak: NIK tetap, perlu diperiksa ke desa.",
    "ganda": "Anggota ini tampaknya orang yang sama dengan anggota lain di DTKS. Terima: tandai sebagai ganda "
             "(NIK tidak diubah). Tolak: bukan orang yang sama.",
    "tidak_padan": "Tidak ditemukan di data Dukcapil. Terima: setujui hasil ini. Tolak: hasil ini salah "
                   "(pilih kandidat dengan tombol 1, 2, 3 bila ada).",
    "padan_catatan": "NIK ditemukan di Dukcapil dengan sedikit perbedaan. Terima: tautan benar. "
                     "Tolak: bukan orang yang sama.",
    "padan": "NIK dan identitas cocok dengan Dukcapil.",
}
#: Statuses offered in the filter after "Semua yang perlu diperiksa".
FILTER_STATUSES = ("usulan_koreksi", "nik_orang_lain", "ganda", "tidak_padan", "padan_catatan")
AUTO_COLOR = DECISION_COLOURS[Decision.OTOMATIS]
AUTO_TOOLTIP = ("NIK yang hanya kehilangan digit terakhir karena spreadsheet (atau angka sisanya masih memuat "
                "NIK Dukcapil) dan identitasnya cocok: dipulihkan mesin. Periksa sekilas; Tolak mengembalikan NIK "
                "seperti di berkas.")
AUTO_HELP = ("NIK ini dipulihkan otomatis oleh mesin: NIK di berkas rusak oleh spreadsheet dan orang di "
             "Dukcapil ini satu-satunya yang cocok. Terima: pemulihan benar (dikonfirmasi). Tolak: pemulihan "
             "salah, NIK dikembalikan seperti di berkas dan perlu diperiksa ke desa.")
DECIDED_COLOR = DECISION_COLOURS[Decision.DITERIMA]
DECIDED_TOOLTIP = "Hasil yang sudah diterima atau ditolak petugas; tombol B membuka kembali satu keputusan."
DECIDED_HELP = ("Sudah diputuskan petugas ({keputusan}). Buka kembali (B): keputusan ini dibatalkan, NIK yang "
                "diubah karenanya dikembalikan, dan hasil ini kembali ke antrean untuk diputuskan lagi.")
#: Statuses that "Terima massal…" offers (the score means something for them).
BULK_STATUSES = ("usulan_koreksi", "padan_catatan", "nik_orang_lain")
BULK_DEFAULT_SCORE = 25.0

#: priority -> (short label, colour, explanation)
PRIORITY_STYLE: dict[int, tuple[str, str, str]] = {
    0: ("Utama", "#c62828", "NIK rusak oleh Excel dan ada usulan NIK pengganti: periksa lebih dulu"),
    1: ("Tinggi", "#ef6c00", "Ada usulan koreksi NIK"),
    2: ("Tinggi", "#ef6c00", "NIK di DTKS tercatat atas nama orang lain di Dukcapil"),
    3: ("Sedang", "#8e24aa", "Kemungkinan data ganda di DTKS"),
    4: ("Biasa", "#757575", "Tidak ditemukan di data Dukcapil"),
}
_LOW_PRIORITY = ("Rendah", "#558b2f", "Sudah padan; hanya perlu dilihat sekilas")

# One row per field of the comparison grid: (key, label, service field or None).
GRID_FIELDS: tuple[tuple[str, str, str | None], ...] = (
    ("nik", "NIK", "nik"),
    ("nama", "Nama", "nama"),
    ("tanggal_lahir", "Tanggal lahir", "tanggal_lahir"),
    ("jenis_kelamin", "Jenis kelamin", "jenis_kelamin"),
    ("nama_ibu", "Nama ibu", "nama_ibu"),
    ("no_kk", "No KK", "no_kk"),
    ("desa", "Desa/Kelurahan", "desa"),
    ("kecamatan", "Kecamatan", None),  # part of the "desa" comparison in the service
)
_ID_FIELDS = ("nik", "no_kk")

DIFF_BG = "#fde2e1"  # clearly different
DIFF_FG = "#8e0000"
NEAR_BG = "#fff2c6"  # a small difference (typo, one digit, Excel damage): weight still positive
NEAR_FG = "#6d4c00"
MUTED = "#6b6b6b"

# Queue columns: (header, width)
QUEUE_COLUMNS: tuple[tuple[str, int], ...] = (
    ("", 26),  # Prioritas: a coloured dot (the header's and the cell's tooltip say what it means)
    ("Nama", 150),
    ("NIK di berkas", 130),
    ("Status", 112),
    ("Skor", 44),
    ("Desa", 110),
)
QCOL_PRIO, QCOL_NAMA, QCOL_NIK, QCOL_STATUS, QCOL_SKOR, QCOL_DESA = range(len(QUEUE_COLUMNS))
ITEM_ROLE = Qt.ItemDataRole.UserRole + 1  # the QueueItem of a row


def fmt_score(score: float | None) -> str:
    return "-" if score is None else angka(score, 1)


def _dot_icon(color: str, size: int = 12) -> QIcon:
    pm = QPixmap(size, size)
    pm.fill(Qt.GlobalColor.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(color))
    p.drawEllipse(1, 1, size - 2, size - 2)
    p.end()
    return QIcon(pm)


def priority_style(priority: int) -> tuple[str, str, str]:
    return PRIORITY_STYLE.get(priority, _LOW_PRIORITY)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class Masker:
    """NIK/No KK as this user may see them; also hides NIK-like numbers inside free text."""

    def __init__(self, policy: MaskPolicy | None) -> None:
        self.policy = policy

    @property
    def active(self) -> bool:
        return self.policy is not None

    def nik(self, value: str | None) -> str:
        if not value:
            return ""
        return mask_nik(value, self.policy) if self.policy is not None else value

    def text(self, text: str | None) -> str:
        """Notes from the service quote NIKs and No KKs ("3310… ↔ 3310…"): mask those too."""
        if not text:
            return ""
        if self.policy is None:
            return text
        return mask_numbers(text, self.policy)


# --------------------------------------------------------------------------- background work


def _fetch_queue(db: Database, query: tuple[str | None, str | None], offset: int, limit: int,
                 first: bool) -> Page:
    """Worker (the queue's fetcher): one page of the queue, its count with the first page."""
    status, desa = query
    count = db.read(match_review.count_queue, status=status, desa=desa) if first else None
    items = db.read(match_review.review_queue, status=status, desa=desa, offset=offset, limit=limit)
    return Page(items, count)


def _bulk_preview(db: Database, actor, gen: int, status: str, min_score: float) -> tuple[int, int]:
    return gen, db.read(match_decisions.bulk_accept_preview, status, min_score, actor=actor)


def _overview(s) -> tuple:
    """Worker (through ``Database.read``): what refresh() shows besides the queue."""
    kab_kode = browse.office_kab_kode(s)
    kecamatan = browse.kecamatan_options(s, kab_kode) if kab_kode else []
    run = match_run.latest_run(s)
    run_info = None
    if run is not None:
        try:
            counts = json.loads(run.counts_json) if run.counts_json else {}
        except ValueError:
            counts = {}
        run_info = (run.id, run.finished_at or run.started_at, run.username, counts)
    return kab_kode, kecamatan, run_info, settings_service.mask_policy(s)




# --------------------------------------------------------------------------- the queue model


class ReviewQueueModel(PagedModel):
    """The undecided results of a filter, in the service's order, paged (:class:`PagedModel`).

    :meth:`load` counts and fetches the first page in a job; the view's ``fetchMore`` (when the
    clerk scrolls or steps to the end of what is loaded) fetches the next page. A decided item is
    removed locally (:meth:`remove_member`), so the rows on screen stay the prefix of the queue in
    the database and the next page starts at ``len(rows)``; a row already shown is not added again.
    """

    def __init__(self, db: Database, masker: Masker, parent: QObject | None = None) -> None:
        columns = [Column(title, width) for title, width in QUEUE_COLUMNS]
        super().__init__(columns, lambda q, o, n, f: _fetch_queue(db, q, o, n, f),
                         page_size=lambda: PAGE, key=lambda it: it.member_id, parent=parent)
        self.masker = masker
        self._icons: dict[tuple[str, int], QIcon] = {}
        self.query = (None, None)

    def load(self, status: str | None = None, desa: str | None = None) -> None:  # type: ignore[override]
        """Start again with this filter (the rows go at once; the first page follows)."""
        super().load((status, desa))

    @property
    def status(self) -> str | None:
        return self.query[0]

    @property
    def desa(self) -> str | None:
        return self.query[1]

    def item_at(self, row: int) -> QueueItem | None:
        return self.row_at(row)

    def remove_member(self, member_id: int) -> int:
        """Take a decided item out of the queue; returns the row it had (or -1)."""
        return self.remove_row_of(member_id)

    def failure_message(self, exc: BaseException) -> str:
        return user_message(exc)[0]

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return QUEUE_COLUMNS[section][0]
        if role == Qt.ItemDataRole.AccessibleTextRole and section == QCOL_PRIO:
            return "Prioritas"
        if role == Qt.ItemDataRole.ToolTipRole:
            return {
                QCOL_PRIO: "Prioritas (warna): merah = periksa lebih dulu, jingga = tinggi, ungu = sedang, "
                           "abu-abu = biasa. Yang paling penting ada di atas.",
                QCOL_NIK: "NIK seperti tertulis di berkas DTKS",
                QCOL_SKOR: "Skor kecocokan dengan data Dukcapil: makin tinggi makin yakin orang yang sama",
            }.get(section)
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def _icon(self, color: str, size: int = 12) -> QIcon:
        icon = self._icons.get((color, size))
        if icon is None:
            icon = self._icons[(color, size)] = _dot_icon(color, size)
        return icon

    def cell(self, it: QueueItem, c: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            if c == QCOL_PRIO:
                return None
            if c == QCOL_NAMA:
                return it.nama
            if c == QCOL_NIK:
                return self.masker.nik(it.nik_raw or it.nik) or "(kosong)"
            if c == QCOL_STATUS:
                return STATUS_SHORT.get(it.status) or it.status_label
            if c == QCOL_SKOR:
                return fmt_score(it.score)
            if c == QCOL_DESA:
                return it.desa_nama or it.desa_kode or ""
            return None
        if role == ITEM_ROLE:
            return it
        if role == Qt.ItemDataRole.AccessibleTextRole and c == QCOL_PRIO:
            return f"Prioritas {priority_style(it.priority)[0].lower()}"
        if role == Qt.ItemDataRole.DecorationRole:
            if c == QCOL_PRIO:
                return self._icon(priority_style(it.priority)[1], 14)
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            if c == QCOL_NIK and not (it.nik_raw or it.nik):
                return QBrush(QColor(MUTED))
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            if c == QCOL_PRIO:
                label, _color, why = priority_style(it.priority)
                return f"Prioritas {label.lower()}: {why}"
            if c == QCOL_STATUS:
                return it.status_label or STATUS_LABELS.get(it.status, it.status)
            text = self.masker.text(it.ringkasan)
            return f"{it.nama}\n{text}" if text else it.nama
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if c == QCOL_SKOR:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        return None


# --------------------------------------------------------------------------- the comparison


_QUOTED_VALUES = re.compile(r"\s*\(([^()]*?)↔([^()]*?)\)")
_PERCENT = re.compile(r",\s*(\d+%)\s*$")


def _note_text(fc: FieldComparison) -> str:
    """The service's note, short: without its "Label: " prefix (the row names the field) and
    without the "(DTKS ↔ Dukcapil)" values, which stand side by side in the grid already."""
    note = fc.note or ""
    head, sep, rest = note.partition(": ")
    if sep and len(head) <= 24:
        note = rest

    def keep_percent(m: re.Match) -> str:
        pct = _PERCENT.search(m.group(2))
        return f" ({pct.group(1)} mirip)" if pct else ""

    note = _QUOTED_VALUES.sub(keep_percent, note).strip()
    return note[:1].upper() + note[1:]


@dataclass
class _Row:
    name: QLabel
    dtks: QLabel
    civil: QLabel
    note: QLabel
    weight: QLabel


class ComparisonPanel(QFrame):
    """The selected member (Data DTKS) next to one civil-registry candidate, field by field."""

    candidateChanged = Signal(int)  # index into item.candidates

    def __init__(self, masker: Masker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("comparisonPanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.masker = masker
        self.item: ReviewItem | None = None
        self.candidate_index = -1
        self.explicit = False  # the clerk chose the candidate (keys 1/2/3 or a click)
        self.rows: dict[str, _Row] = {}

        self.title = QLabel()
        tf = self.title.font()
        tf.setBold(True)
        tf.setPointSizeF(tf.pointSizeF() * 1.25)
        self.title.setFont(tf)
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.subtitle = QLabel()
        self.subtitle.setStyleSheet(f"color: {MUTED};")
        self.subtitle.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status_badge = QLabel()
        self.status_badge.setObjectName("statusBadge")
        self.summary = QLabel()
        self.summary.setObjectName("ringkasan")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)

        # The proposed NIK, large: what the clerk accepts with Enter.
        self.proposal = QLabel()
        self.proposal.setObjectName("proposalLabel")
        pf = self.proposal.font()
        pf.setPointSizeF(pf.pointSizeF() * 1.45)
        pf.setBold(True)
        self.proposal.setFont(pf)
        self.proposal.setTextFormat(Qt.TextFormat.RichText)
        self.proposal.setWordWrap(True)
        self.proposal.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.proposal_sub = QLabel()
        self.proposal_sub.setObjectName("proposalSub")
        self.proposal_sub.setTextFormat(Qt.TextFormat.RichText)
        self.proposal_sub.setWordWrap(True)
        self.proposal_box = QFrame()
        self.proposal_box.setObjectName("proposalBox")
        self.proposal_box.setStyleSheet(
            "QFrame#proposalBox { background: #fff8e1; border: 1px solid #ffcc80; border-radius: 4px; }"
        )
        pl = QVBoxLayout(self.proposal_box)
        pl.setContentsMargins(10, 6, 10, 6)
        pl.setSpacing(2)
        pl.addWidget(self.proposal)
        pl.addWidget(self.proposal_sub)

        # Candidates (only when there are several).
        self.candidate_label = QLabel("Kandidat dari Dukcapil (tekan 1, 2, 3 untuk memilih):")
        self.candidate_group = QButtonGroup(self)
        self.candidate_group.setExclusive(True)
        self.candidate_group.idClicked.connect(self._on_candidate_clicked)
        self.candidate_row = QHBoxLayout()
        self.candidate_row.setSpacing(14)
        self.candidate_box = QWidget()
        cbl = QVBoxLayout(self.candidate_box)
        cbl.setContentsMargins(0, 0, 0, 0)
        cbl.setSpacing(2)
        cbl.addWidget(self.candidate_label)
        cbl.addLayout(self.candidate_row)
        self.candidate_buttons: list[QRadioButton] = []

        # The grid.
        self.grid_box = QFrame()
        self.grid_box.setObjectName("comparisonGrid")
        self.grid = QGridLayout(self.grid_box)
        self.grid.setContentsMargins(0, 4, 0, 4)
        self.grid.setHorizontalSpacing(4)
        self.grid.setVerticalSpacing(3)
        bold = QFont(self.font())
        bold.setBold(True)
        self.header_dtks = QLabel("Data DTKS")
        self.header_civil = QLabel("Dukcapil (kandidat 1)")
        self.header_note = QLabel("Catatan · bobot")
        self.header_note.setToolTip("Bobot: sumbangan kolom itu pada skor (positif = mendukung orang yang sama)")
        for col, lbl in enumerate((QLabel(""), self.header_dtks, self.header_civil, self.header_note)):
            lbl.setFont(bold)
            lbl.setStyleSheet("border-bottom: 1px solid palette(mid); padding: 2px 4px;")
            self.grid.addWidget(lbl, 0, col)
        small = QFont(self.font())
        small.setPointSizeF(max(small.pointSizeF() * 0.82, 6.5))
        id_width = QFontMetrics(bold).horizontalAdvance("0000000000000000") + 10
        for r, (key, label, _f) in enumerate(GRID_FIELDS, start=1):
            name = QLabel(label)
            name.setStyleSheet(f"color: {MUTED}; padding: 3px 4px;")
            dtks, civil = QLabel(), QLabel()
            for v in (dtks, civil):
                v.setTextFormat(Qt.TextFormat.RichText)  # values escaped; the NIK's differing digits marked
                v.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                v.setWordWrap(True)
                v.setMinimumWidth(id_width)
                v.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
            note = QLabel()
            note.setTextFormat(Qt.TextFormat.PlainText)
            note.setWordWrap(True)
            note.setMinimumWidth(80)
            weight = QLabel()
            weight.setFont(small)
            weight.setStyleSheet(f"color: {MUTED};")
            weight.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            cell = QWidget()
            cl = QHBoxLayout(cell)
            cl.setContentsMargins(4, 3, 4, 2)
            cl.setSpacing(6)
            cl.addWidget(note, 1, Qt.AlignmentFlag.AlignTop)
            cl.addWidget(weight, 0, Qt.AlignmentFlag.AlignTop)
            self.grid.addWidget(name, r, 0)
            self.grid.addWidget(dtks, r, 1)
            self.grid.addWidget(civil, r, 2)
            self.grid.addWidget(cell, r, 3)
            self.rows[key] = _Row(name, dtks, civil, note, weight)
        self.grid.setColumnStretch(1, 2)
        self.grid.setColumnStretch(2, 2)
        self.grid.setColumnStretch(3, 3)

        self.legend = QLabel(
            f"<span style='background:{DIFF_BG}; color:{DIFF_FG}; font-weight:bold'>&nbsp;berbeda&nbsp;</span>"
            f"&nbsp;&nbsp;<span style='background:{NEAR_BG}; color:{NEAR_FG}; font-weight:bold'>"
            "&nbsp;sedikit berbeda (salah ketik, satu digit)&nbsp;</span>"
            "&nbsp;&nbsp;bobot: sumbangan kolom itu pada skor"
        )
        self.legend.setWordWrap(True)
        self.legend.setFont(small)
        self.extra = QLabel()
        self.extra.setObjectName("catatan")
        self.extra.setTextFormat(Qt.TextFormat.PlainText)
        self.extra.setWordWrap(True)

        self.empty = QLabel()
        self.empty.setObjectName("comparisonEmpty")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setStyleSheet(f"color: {MUTED}; padding: 24px;")

        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(self.status_badge, 0, Qt.AlignmentFlag.AlignTop)

        self.body = QWidget()
        bl = QVBoxLayout(self.body)
        bl.setContentsMargins(0, 0, 0, 0)
        bl.addLayout(head)
        bl.addWidget(self.subtitle)
        bl.addWidget(self.summary)
        bl.addWidget(self.proposal_box)
        bl.addWidget(self.candidate_box)
        bl.addWidget(self.grid_box)
        bl.addWidget(self.legend)
        bl.addWidget(self.extra)
        bl.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.empty)
        layout.addWidget(self.body)
        self.clear()

    # --- public
    def clear(self, text: str = "Pilih satu baris di antrean untuk membandingkan datanya.") -> None:
        self.item = None
        self.candidate_index = -1
        self.explicit = False
        self.body.hide()
        self.empty.setText(text)
        self.empty.show()

    def show_item(self, item: ReviewItem, candidate_index: int | None = None) -> None:
        self.item = item
        self.empty.hide()
        self.body.show()
        sub = []
        if item.id_dtks:
            sub.append(f"ID DTKS {item.id_dtks}")
        hub = browse.hubungan_label(item.hubungan) if item.hubungan else ""
        if hub:
            sub.append(hub)
        self.title.setText(item.nama)
        self.subtitle.setText(" · ".join(sub))
        self.subtitle.setVisible(bool(sub))
        color = STATUS_COLORS.get(item.status, MUTED)
        self.status_badge.setText(f"{item.status_label} · skor {fmt_score(item.score)}")
        self.status_badge.setStyleSheet(
            f"QLabel#statusBadge {{ background: {color}; color: white; border-radius: 3px; padding: 3px 8px; "
            "font-weight: bold; }"
        )
        self.summary.setText(self.masker.text(item.ringkasan))
        self.summary.setVisible(bool(item.ringkasan))
        extra = [self.masker.text(c) for c in item.catatan]
        if item.nik_flags:  # (a code without a label comes back as "nik tidak sah")
            extra += [f"NIK di berkas: {re.sub(r'^nik ', 'NIK ', t)}" for t in browse.nik_flag_labels(item.nik_flags)]
        self.extra.setText("\n".join(extra))
        self.extra.setVisible(bool(extra))
        self._build_candidates(item)
        self.explicit = False
        self.select_candidate(self.default_candidate(item) if candidate_index is None else candidate_index)

    @staticmethod
    def default_candidate(item: ReviewItem) -> int:
        """The machine's proposal/link, else the best-scoring candidate."""
        for i, c in enumerate(item.candidates):
            if c.chosen:
                return i
        return 0 if item.candidates else -1

    def candidate(self) -> CandidateView | None:
        if self.item is None or not (0 <= self.candidate_index < len(self.item.candidates)):
            return None
        return self.item.candidates[self.candidate_index]

    def select_candidate(self, index: int, *, explicit: bool = False) -> bool:
        """Show candidate ``index`` (0-based); False when there is no such candidate.

        ``explicit``: the clerk chose it, so "Terima" links this candidate (``pilih``) when it is
        not the machine's proposal. Candidates only shown (the default) are never chosen silently.
        """
        item = self.item
        if item is None:
            return False
        if not item.candidates:
            self.candidate_index = -1
            self._fill_grid(item, None)
            self._fill_proposal(item, None)
            return index < 0
        if not (0 <= index < len(item.candidates)):
            return False
        self.candidate_index = index
        self.explicit = self.explicit or explicit
        for i, b in enumerate(self.candidate_buttons):
            b.setChecked(i == self.candidate_index)
        self._fill_grid(item, self.candidate())
        self._fill_proposal(item, self.candidate())
        self.candidateChanged.emit(self.candidate_index)
        return True

    def cell_state(self, key: str) -> str:
        """"diff", "near" or "" for a grid row (tests, screenshots)."""
        return self.rows[key].civil.property("diffState") or ""

    # --- building
    def _build_candidates(self, item: ReviewItem) -> None:
        for b in self.candidate_buttons:  # gone at once, not only at the next turn of the event loop
            self.candidate_group.removeButton(b)
            self.candidate_row.removeWidget(b)
            b.hide()
            b.deleteLater()
        self.candidate_buttons = []
        for i, c in enumerate(item.candidates):
            text = f"{i + 1} · skor {fmt_score(c.score)}"
            text += " (usulan mesin)" if c.chosen else " (bukan usulan)"
            b = QRadioButton(text)
            b.setObjectName(f"candidate{i + 1}")
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys 1/2/3; the queue keeps the focus
            tip = [f"NIK {self.masker.nik(c.nik)}", c.nama or ""]
            if c.nik_ganda:
                tip.append("NIK ini tercatat lebih dari sekali di data Dukcapil")
            if not c.in_snapshot:
                tip.append("Orang ini tidak ada lagi di data Dukcapil terbaru")
            b.setToolTip("\n".join(t for t in tip if t))
            self.candidate_group.addButton(b, i)
            self.candidate_row.addWidget(b)
            self.candidate_buttons.append(b)
        # Several candidates, or one the machine did not propose: the clerk picks with 1, 2, 3.
        self.candidate_box.setVisible(len(item.candidates) > 1 or any(not c.chosen for c in item.candidates))

    def _on_candidate_clicked(self, index: int) -> None:
        self.select_candidate(index, explicit=True)

    def picks_other_candidate(self) -> bool:
        """"Terima" would link a candidate other than the machine's proposal (action ``pilih``)."""
        cand = self.candidate()
        return (self.explicit and cand is not None and not cand.chosen and self.item is not None
                and self.item.status != "ganda")

    def _fill_proposal(self, item: ReviewItem, cand: CandidateView | None) -> None:
        m = self.masker
        written = item.nik_raw or item.nik
        restored = item.decision == match_common.AUTO
        if cand is not None and (item.status in ("usulan_koreksi", "nik_orang_lain") or restored
                                 or self.picks_other_candidate()):
            heading = "Usulan NIK" if cand.chosen else f"NIK kandidat {self.candidate_index + 1}"
            if cand.chosen and restored:
                heading = "NIK dipulihkan otomatis"
            elif cand.chosen and item.decision == Decision.DITERIMA:
                heading = "NIK diterima"
            elif cand.chosen and item.decision == Decision.DITOLAK:
                heading = "Usulan NIK (ditolak)"
            self.proposal.setText(f"{heading}: <span style='color:#bf360c'>{_escape(m.nik(cand.nik))}</span>")
            nik_fc = next((f for f in cand.fields if f.field == "nik"), None)
            why = _note_text(nik_fc) if nik_fc is not None else ""
            if item.status == "nik_orang_lain" and cand.chosen:
                why = "NIK di DTKS milik orang lain"
            self.proposal_sub.setText(
                f"NIK di berkas DTKS: {self._nik_diff_html(written, cand.nik)}"
                + (f" &nbsp;— {_escape(why[:1].lower() + why[1:] if why[:3] != 'NIK' else why)}" if why else "")
                + ("" if cand.chosen else ("<br>Bukan usulan mesin: Enter memilih kandidat ini dan mengganti NIK "
                                           "anggota." if self.explicit else
                                           "<br>Bukan usulan mesin. Tekan angka kandidat untuk memilihnya."))
            )
            self.proposal_box.show()
        elif item.status == "ganda" and item.ganda_of_label:
            self.proposal.setText("Data ganda")
            self.proposal_sub.setText(f"Sama dengan anggota DTKS lain: <b>{_escape(item.ganda_of_label)}</b><br>"
                                      "Dua baris DTKS menunjuk ke satu orang di Dukcapil.")
            self.proposal_box.show()
        else:
            self.proposal_box.hide()
        # The summary says the same as the box: show it only when the box is hidden.
        self.summary.setVisible(bool(item.ringkasan) and self.proposal_box.isHidden())

    def _nik_diff_html(self, written: str | None, proposed: str | None) -> str:
        """The written NIK with the digits that differ from the proposal in red."""
        if not written:
            return "<i>(kosong)</i>"
        if self.masker.active or not proposed or not (written.isdigit() and len(written) == len(proposed)):
            return _escape(self.masker.nik(written))
        out = []
        for i, ch in enumerate(written):
            same = i < len(proposed) and proposed[i] == ch
            out.append(_escape(ch) if same else f"<b style='color:{DIFF_FG}; background:{DIFF_BG}'>{_escape(ch)}</b>")
        return "".join(out)

    def _fill_grid(self, item: ReviewItem, cand: CandidateView | None) -> None:
        m = self.masker
        n = self.candidate_index + 1
        self.header_civil.setText(f"Dukcapil (kandidat {n})" if cand is not None else "Dukcapil")
        by_field = {fc.field: fc for fc in cand.fields} if cand is not None else {}
        desa_fc = by_field.get("desa")
        for key, _label, f in GRID_FIELDS:
            row = self.rows[key]
            fc = by_field.get(f) if f else None
            if key == "kecamatan":
                dtks_v = item.kecamatan_nama or "-"
                civil_v = (cand.kecamatan_nama or "-") if cand is not None else ""
                moved = desa_fc is not None and desa_fc.level == "pindah_kec"
                state = "diff" if moved else ""
                note = "Pindah kecamatan" if moved else ("Sama" if cand is not None and civil_v == dtks_v else "")
                weight = ""
            elif fc is not None:
                dtks_v, civil_v = fc.member_value, fc.civil_value
                state = ("near" if fc.weight > 0 else "diff") if fc.differs else ""
                if not state and fc.level == "kosong" and "-" not in (dtks_v, civil_v) and dtks_v != civil_v:
                    state = "diff"  # not comparable (a NIK or No KK damaged by Excel), yet not the same
                note = _note_text(fc)
                weight = f"{'+' if fc.weight > 0 else ''}{angka(fc.weight, 1)}" if fc.level != "kosong" else ""
            else:  # no candidate: the member's own values only
                dtks_v = self._member_value(item, key)
                civil_v, state, note, weight = "", "", "", ""
            if key in _ID_FIELDS:
                dtks_v = m.nik(dtks_v) if dtks_v not in ("", "-") else dtks_v
                civil_v = m.nik(civil_v) if civil_v not in ("", "-") else civil_v
            row.dtks.setText(_escape(dtks_v or "-"))
            row.civil.setText(_escape(civil_v) if cand is not None else "")
            row.note.setText(m.text(note))
            row.weight.setText(weight)
            row.weight.setVisible(bool(weight))
            for lbl in (row.dtks, row.civil):
                lbl.setProperty("diffState", state)
                if state == "diff":
                    lbl.setStyleSheet(f"background: {DIFF_BG}; color: {DIFF_FG}; font-weight: bold; padding: 3px 4px;")
                elif state == "near":
                    lbl.setStyleSheet(f"background: {NEAR_BG}; color: {NEAR_FG}; font-weight: bold; padding: 3px 4px;")
                else:
                    lbl.setStyleSheet("padding: 3px 4px;")
            if key == "nik" and item.status == "usulan_koreksi" and not m.active and fc is not None and fc.differs:
                row.dtks.setText(self._nik_diff_html(fc.member_value, fc.civil_value))
        if cand is None:
            self.header_civil.setText("Dukcapil (tidak ada kandidat)")

    @staticmethod
    def _member_value(item: ReviewItem, key: str) -> str:
        v: Any = {
            "nik": item.nik_raw or item.nik, "nama": item.nama, "tanggal_lahir": item.tanggal_lahir,
            "jenis_kelamin": item.jenis_kelamin, "nama_ibu": item.nama_ibu, "no_kk": item.no_kk,
            "desa": item.desa_nama or item.desa_kode,
        }.get(key)
        if v is None or v == "":
            return "-"
        if key == "tanggal_lahir":
            return tanggal(v)
        if key == "jenis_kelamin":
            return {"L": "Laki-laki", "P": "Perempuan"}.get(v, str(v))
        return str(v)


# --------------------------------------------------------------------------- bulk accept


class BulkAcceptDialog(QDialog):
    """"Terima massal…": a status and a minimum score; shows how many would be accepted."""

    def __init__(self, db: Database, parent: QWidget | None = None, *, actor, status: str | None = None,
                 min_score: float = BULK_DEFAULT_SCORE) -> None:
        super().__init__(parent)
        self._db = db
        self._actor = actor
        self.setWindowTitle("Terima massal")
        self.setMinimumWidth(520)
        self.count: int | None = None
        self._gen = 0
        self._jobs: list[Job] = []

        intro = QLabel(
            "Terima sekaligus semua hasil dengan status tertentu yang skornya setinggi atau lebih tinggi dari "
            "batas di bawah. Gunakan hanya untuk skor yang tinggi: hasil dengan skor rendah sebaiknya diperiksa "
            "satu per satu."
        )
        intro.setWordWrap(True)
        self.status_combo = QComboBox()
        self.status_combo.setObjectName("bulkStatus")
        for s in BULK_STATUSES:
            self.status_combo.addItem(STATUS_LABELS[s], s)
        if status in BULK_STATUSES:
            self.status_combo.setCurrentIndex(BULK_STATUSES.index(status))
        self.score_spin = QDoubleSpinBox()
        self.score_spin.setObjectName("bulkMinScore")
        self.score_spin.setLocale(ID)
        self.score_spin.setDecimals(1)
        self.score_spin.setRange(-100.0, 200.0)
        self.score_spin.setSingleStep(1.0)
        self.score_spin.setValue(min_score)
        self.score_spin.setToolTip("Skor kecocokan paling rendah yang ikut diterima")
        form = QFormLayout()
        form.addRow("Status", self.status_combo)
        form.addRow("Skor paling rendah", self.score_spin)
        scale = QLabel("Sebagai pegangan: bila nama, tanggal lahir, nama ibu dan desa semuanya sama, skornya "
                       "biasanya 25 atau lebih. Skor di bawah 15 berarti banyak yang berbeda.")
        scale.setWordWrap(True)
        scale.setStyleSheet(f"color: {MUTED};")
        form.addRow("", scale)

        self.preview_label = QLabel("Menghitung…")
        self.preview_label.setObjectName("bulkPreview")
        pf = self.preview_label.font()
        pf.setBold(True)
        pf.setPointSizeF(pf.pointSizeF() * 1.3)
        self.preview_label.setFont(pf)
        self.effect_label = QLabel()
        self.effect_label.setWordWrap(True)
        self.effect_label.setStyleSheet(f"color: {MUTED};")

        self.buttons = QDialogButtonBox()
        self.accept_button = self.buttons.addButton("Terima", QDialogButtonBox.ButtonRole.AcceptRole)
        self.accept_button.setObjectName("bulkAcceptButton")
        self.cancel_button = self.buttons.addButton("Batal", QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.accept_button.setEnabled(False)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addSpacing(6)
        layout.addLayout(form)
        layout.addSpacing(6)
        layout.addWidget(self.preview_label)
        layout.addWidget(self.effect_label)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(PREVIEW_DEBOUNCE_MS)
        self._debounce.timeout.connect(self._refresh_preview)
        self.status_combo.currentIndexChanged.connect(lambda _i: self._changed())
        self.score_spin.valueChanged.connect(lambda _v: self._changed())
        self._refresh_preview()

    @property
    def status(self) -> str:
        return self.status_combo.currentData()

    @property
    def min_score(self) -> float:
        return round(self.score_spin.value(), 1)

    def is_loading(self) -> bool:
        return self._debounce.isActive() or not all(j.done.is_set() for j in self._jobs) or self.count is None

    def wait_idle(self, timeout_ms: int = 30000) -> bool:
        import time

        deadline = time.monotonic() + timeout_ms / 1000
        while time.monotonic() < deadline:
            QApplication.processEvents()
            if not self.is_loading():
                return True
            time.sleep(0.002)
        return False

    def _changed(self) -> None:
        self.count = None
        self.accept_button.setEnabled(False)
        self.preview_label.setText("Menghitung…")
        self._debounce.start()

    def _refresh_preview(self) -> None:
        self._debounce.stop()
        self._gen += 1
        job = Job(_bulk_preview, self._db, self._actor, self._gen, self.status, self.min_score, with_progress=False)
        self._jobs = [j for j in self._jobs if not j.done.is_set()] + [job]
        job.signals.finished.connect(self._on_preview)
        job.signals.failed.connect(lambda exc, _tb: self._on_preview_failed(exc))
        job_runner().start(job)

    def _on_preview(self, result: tuple[int, int]) -> None:
        gen, count = result
        if gen != self._gen:
            return
        self.count = count
        noun = "usulan" if self.status in ("usulan_koreksi", "nik_orang_lain") else "hasil"
        self.preview_label.setText(f"{angka(count)} {noun} akan diterima")
        if self.status in ("usulan_koreksi", "nik_orang_lain"):
            effect = "NIK anggota-anggota itu diganti dengan NIK usulan dari Dukcapil."
        else:
            effect = "Tautan ke data Dukcapil dinyatakan benar; NIK tidak berubah."
        self.effect_label.setText(
            effect + " Setiap perubahan dicatat di log audit atas nama Anda dan dapat dibatalkan seluruhnya "
            "dengan \"Urungkan (Ctrl+Z)\"." if count else "Tidak ada hasil yang memenuhi syarat ini."
        )
        self.accept_button.setText(f"Terima {angka(count)} {noun}" if count else "Terima")
        self.accept_button.setEnabled(count > 0)

    def _on_preview_failed(self, exc: BaseException) -> None:
        self.count = 0
        self.preview_label.setText("Jumlah tidak dapat dihitung")
        self.effect_label.setText(user_message(exc)[0])
        self.accept_button.setEnabled(False)


# --------------------------------------------------------------------------- the view


class SummaryStrip(QLabel):
    """Members per status after the last run: a coloured dot, the label and the number (wraps)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("summaryStrip")
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setWordWrap(True)
        self.setStyleSheet("QLabel#summaryStrip { background: palette(alternate-base); border-radius: 4px; "
                           "padding: 4px 8px; }")
        self.counts: dict[str, int] = {}

    def set_counts(self, counts: dict[str, int], head: str) -> None:
        self.counts = {s: int(counts.get(s, 0)) for s in STATUS_ORDER}
        parts = []
        restored = int(counts.get(match_common.AUTO_COUNT_KEY, 0) or 0)
        for s in STATUS_ORDER:
            extra = ""
            if s == match_common.RESTORED_STATUS and restored:
                extra = f" ({angka(restored)} dipulihkan otomatis)"
            parts.append(f"<span style='white-space:nowrap'><span style='color:{STATUS_COLORS[s]}'>●</span>"
                         f"&nbsp;{STATUS_LABELS[s]}:&nbsp;<b>{angka(self.counts[s])}</b>{extra}</span>")
        self.setText(f"<span style='color:{MUTED}'>{_escape(head)}</span>&nbsp; " + " &nbsp;&nbsp; ".join(parts))

    def set_empty(self, text: str) -> None:
        self.counts = {}
        self.setText(f"<span style='color:{MUTED}'>{_escape(text)}</span>")


class ReviewView(QWidget):
    """The "Pemadanan" page: run the matching, review the queue, decide from the keyboard."""

    #: A decision on this member was made or undone (its NIK may have changed): the Data view may
    #: refresh. 0 means several members at once ("Terima massal" or the undo of one).
    decided = Signal(int)
    #: A matching run finished (results written).
    matchingFinished = Signal()
    #: "Terima massal" accepted this many results (``decided(0)`` follows).
    bulkAccepted = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.may_decide = can(ctx.actor, Capability.MATCH_DECIDE)
        self.may_bulk = can(ctx.actor, Capability.MATCH_BULK)
        self.kab_kode: str | None = None
        self.run_handle = None
        self.bulk_handle = None
        self.bulk_dialog: BulkAcceptDialog | None = None
        self.last_summary: MatchSummary | None = None
        self._applying = False
        self._sized = False
        self._has_results = False  # a matching run exists
        self._select_after_load: int | None = None  # member id, or -row-1 for a row
        self._await_page = False  # every loaded row was decided; select the first of the next page
        self._history: list[int] = []  # member ids decided here, for the selection after "Urungkan"
        self._detail_for: int | None = None  # member whose comparison is being read
        self._overview_reads = LatestJob(self)  # refresh(): filters' options, last run, mask policy
        #: Decisions, undos and reopenings, written one after another in jobs (FIFO): the clerk may
        #: go on to the next item while a write runs, and "Urungkan" always follows the decisions
        #: before it. Each entry: (fn, args, on_done, on_error).
        self._writes: list[tuple] = []
        self._write_job: Job | None = None
        self._pending_members: set[int] = set()  # decided here, write not answered yet
        self._reload_after_writes: int | None = None  # a failed write's member, shown again afterwards
        self._detail_jobs: list[Job] = []
        # Masked by the default policy until refresh() reads the office's (no row is shown before).
        self.masker = Masker(None if sees_full_nik(ctx.actor) else MaskPolicy())

        # --- top bar
        self.run_button = QPushButton("Jalankan pemadanan")
        self.run_button.setObjectName("runButton")
        self.run_button.setToolTip("Cocokkan data DTKS dengan data Dukcapil terbaru. Keputusan petugas "
                                   "yang sudah ada tidak diubah.")
        self.status_combo = QComboBox()
        self.status_combo.setObjectName("statusFilter")
        self.status_combo.addItem("Semua yang perlu diperiksa", None)
        for s in FILTER_STATUSES:
            self.status_combo.addItem(_dot_icon(STATUS_COLORS[s]), STATUS_LABELS[s], s)
        self.status_combo.addItem(_dot_icon(AUTO_COLOR), match_common.AUTO_LABEL, match_common.AUTO_FILTER)
        self.status_combo.setItemData(self.status_combo.count() - 1, AUTO_TOOLTIP, Qt.ItemDataRole.ToolTipRole)
        self.status_combo.addItem(_dot_icon(DECIDED_COLOR), match_common.DECIDED_LABEL, match_common.DECIDED_FILTER)
        self.status_combo.setItemData(self.status_combo.count() - 1, DECIDED_TOOLTIP, Qt.ItemDataRole.ToolTipRole)
        self.kecamatan_combo = QComboBox()
        self.kecamatan_combo.setObjectName("kecamatanFilter")
        self.kecamatan_combo.setMinimumContentsLength(12)
        self.kecamatan_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.desa_combo = QComboBox()
        self.desa_combo.setObjectName("desaFilter")
        self.desa_combo.setMinimumContentsLength(14)
        self.desa_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.count_label = QLabel()
        self.count_label.setObjectName("queueCount")
        cf = self.count_label.font()
        cf.setBold(True)
        self.count_label.setFont(cf)
        self.count_label.setMinimumWidth(120)
        self.count_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.bulk_button = QPushButton("Terima massal…")
        self.bulk_button.setObjectName("bulkButton")
        self.bulk_button.setToolTip("Terima sekaligus usulan dengan skor tinggi")

        top = QHBoxLayout()
        top.addWidget(self.run_button, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.bulk_button, 0, Qt.AlignmentFlag.AlignTop)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Status"))
        bar.addWidget(self.status_combo)
        bar.addSpacing(8)
        bar.addWidget(QLabel("Kecamatan"))
        bar.addWidget(self.kecamatan_combo)
        bar.addSpacing(8)
        bar.addWidget(QLabel("Desa/Kel"))
        bar.addWidget(self.desa_combo)
        bar.addStretch(1)
        bar.addWidget(self.count_label)

        self.summary_strip = SummaryStrip()
        self.message_label = QLabel()
        self.message_label.setObjectName("reviewMessage")
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message_label.hide()

        # --- the queue
        self.model = ReviewQueueModel(ctx.db, self.masker, self)
        self.table = QTableView()
        self.table.setObjectName("reviewQueue")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.setCornerButtonEnabled(False)
        self.table.setTabKeyNavigation(False)
        self.table.setIconSize(QSize(14, 14))
        vh = self.table.verticalHeader()
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vh.setDefaultSectionSize(self.fontMetrics().height() + 8)
        vh.hide()
        hh = self.table.horizontalHeader()
        hh.setHighlightSections(False)
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        hh.setStretchLastSection(True)
        for i, (_title, width) in enumerate(QUEUE_COLUMNS):
            self.table.setColumnWidth(i, width)

        # --- comparison + decisions
        self.comparison = ComparisonPanel(self.masker)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.comparison)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)

        self.accept_button = QPushButton("Terima (Enter)")
        self.accept_button.setObjectName("acceptButton")
        self.reject_button = QPushButton("Tolak (T)")
        self.reject_button.setObjectName("rejectButton")
        self.prev_button = QPushButton("Sebelumnya (P)")
        self.next_button = QPushButton("Berikutnya (N)")
        self.next_button.setObjectName("nextButton")
        self.undo_button = QPushButton("Urungkan (Ctrl+Z)")
        self.undo_button.setObjectName("undoButton")
        self.reopen_button = QPushButton("Buka kembali (B)")
        self.reopen_button.setObjectName("reopenButton")
        self.reopen_button.setToolTip("Batalkan keputusan ini (tidak harus yang terakhir); hasilnya kembali ke antrean")
        self.reopen_button.hide()
        self.accept_button.setStyleSheet(
            "QPushButton#acceptButton { background: #2e7d32; color: white; font-weight: bold; padding: 6px 14px; }"
            "QPushButton#acceptButton:disabled { background: #a5c8a7; }")
        self.reject_button.setStyleSheet(
            "QPushButton#rejectButton { background: #c62828; color: white; font-weight: bold; padding: 6px 14px; }"
            "QPushButton#rejectButton:disabled { background: #e0a9a9; }")
        for b in (self.accept_button, self.reject_button, self.prev_button, self.next_button, self.undo_button,
                  self.reopen_button):
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # every action has its key; focus stays in the queue
        self.accept_button.setToolTip("Terima usulan/tautan kandidat yang ditampilkan (tombol Enter atau A)")
        self.reject_button.setToolTip("Tolak usulan/tautan ini (tombol T atau Delete)")
        self.next_button.setToolTip("Lewati, ke baris berikutnya (tombol N atau panah bawah)")
        self.prev_button.setToolTip("Ke baris sebelumnya (tombol P atau panah atas)")
        self.undo_button.setToolTip("Batalkan keputusan terakhir Anda (Ctrl+Z)")
        actions = QHBoxLayout()
        actions.addWidget(self.accept_button)
        actions.addWidget(self.reject_button)
        actions.addSpacing(16)
        actions.addWidget(self.prev_button)
        actions.addWidget(self.next_button)
        actions.addStretch(1)
        actions.addWidget(self.reopen_button)
        actions.addWidget(self.undo_button)
        self.action_help = QLabel()
        self.action_help.setObjectName("actionHelp")
        self.action_help.setWordWrap(True)
        self.key_help = QLabel("Juga: A = Terima · Delete = Tolak · 1, 2, 3 = pilih kandidat · "
                               "↑ ↓ = pindah baris · B = buka kembali (di \"Sudah diputuskan petugas\")")
        self.key_help.setStyleSheet(f"color: {MUTED};")
        self.key_help.setWordWrap(True)
        self.feedback = QLabel()
        self.feedback.setObjectName("feedback")
        self.feedback.setWordWrap(True)
        self.feedback.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(scroll, 1)
        rl.addWidget(self.action_help)
        rl.addLayout(actions)
        rl.addWidget(self.key_help)
        rl.addWidget(self.feedback)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 4)
        self.splitter.setStretchFactor(1, 5)
        self.splitter.setCollapsible(0, False)
        self.splitter.setCollapsible(1, False)
        # The shortcuts live on the work area (queue + comparison + buttons), not on the filter bar.
        self.work_area = self.splitter

        top.addWidget(self.summary_strip, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(bar)
        layout.addWidget(self.message_label)
        layout.addWidget(self.splitter, 1)

        # --- keyboard
        self.shortcuts: dict[str, list[QShortcut]] = {}
        self._add_keys("terima", (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_A), self.accept_current)
        self._add_keys("tolak", (Qt.Key.Key_T, Qt.Key.Key_Delete), self.reject_current)
        self._add_keys("berikutnya", (Qt.Key.Key_N, Qt.Key.Key_Down), self.select_next)
        self._add_keys("sebelumnya", (Qt.Key.Key_P, Qt.Key.Key_Up), self.select_previous)
        self._add_keys("buka", (Qt.Key.Key_B, Qt.Key.Key_Backspace), self.reopen_current)
        self._add_keys("urungkan", (QKeySequence.StandardKey.Undo,), self.undo)
        for n, key in enumerate((Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_3)):
            self._add_keys(f"kandidat{n + 1}", (key,), lambda i=n: self.choose_candidate(i))

        # --- behaviour
        self.run_button.clicked.connect(lambda: self.run_matching())
        self.bulk_button.clicked.connect(self.open_bulk_dialog)
        self.accept_button.clicked.connect(self.accept_current)
        self.reject_button.clicked.connect(self.reject_current)
        self.next_button.clicked.connect(self.select_next)
        self.prev_button.clicked.connect(self.select_previous)
        self.undo_button.clicked.connect(self.undo)
        self.reopen_button.clicked.connect(self.reopen_current)
        self.status_combo.currentIndexChanged.connect(lambda _i: self._apply_filter())
        self.kecamatan_combo.currentIndexChanged.connect(self._on_kecamatan_changed)
        self.desa_combo.currentIndexChanged.connect(lambda _i: self._apply_filter())
        self.model.countChanged.connect(self._update_count)
        self.model.loaded.connect(self._on_loaded)
        self.model.rowsInserted.connect(lambda *_a: self._on_rows_inserted())
        self.model.loadFailed.connect(lambda text: self._say(f"Antrean tidak dapat dimuat: {text}", "error"))
        self.table.selectionModel().currentRowChanged.connect(self._on_current_row)
        self.comparison.candidateChanged.connect(lambda _i: self._update_buttons())

        if not self.may_decide:
            for w in (self.run_button, self.bulk_button, self.accept_button, self.reject_button, self.undo_button):
                w.setEnabled(False)
                w.setToolTip("Peran Anda hanya dapat melihat hasil pemadanan.")
            self.key_help.setText("Peran Anda hanya dapat melihat hasil pemadanan; keputusan dibuat oleh operator.")
        events.follow(self, ctx.events, {events.REGISTRY, events.DUKCAPIL, events.MATCHING, events.SETTINGS},
                      self.refresh)
        self.refresh()

    # ------------------------------------------------------------------ public
    def refresh(self) -> None:
        """Reload the filters' options, the last run's counts and the queue (data changed elsewhere).

        Read in a job; the queue loads when it is here.
        """
        self._overview_reads.start(self.ctx.db.read, _overview, on_done=self._refreshed,
                                   on_error=self._refresh_failed)

    @property
    def _refreshing(self) -> int:
        """1 while a refresh() read is under way (the newest one), else 0."""
        return int(self._overview_reads.is_busy())

    def _refresh_failed(self, exc: BaseException) -> None:
        self.comparison.clear(user_message(exc)[0])

    def _refreshed(self, result: tuple) -> None:
        self.kab_kode, kecamatan, run_info, policy = result
        if self.masker.policy is not None:
            self.masker.policy = policy
        self._applying = True
        try:
            fill_kecamatan_combo(self.kecamatan_combo, kecamatan)
            self._fill_desa()
        finally:
            self._applying = False
        if run_info is None:
            self.summary_strip.set_empty("Pemadanan belum pernah dijalankan. Klik \"Jalankan pemadanan\" untuk "
                                         "mencocokkan data DTKS dengan data Dukcapil.")
        else:
            run_id, at, who, counts = run_info
            t = local_time(at)
            when = tanggal_jam(t) if t else ""
            self.summary_strip.set_counts(counts, f"Pemadanan terakhir {when}" + (f" oleh {who}:" if who else ":"))
        self._has_results = run_info is not None
        self.reload_queue()

    def reload_queue(self, select_member: int | None = None, select_row: int | None = None) -> None:
        if select_member is not None:
            self._select_after_load = select_member
        elif select_row is not None:
            self._select_after_load = -select_row - 1
        else:
            self._select_after_load = None
        self.comparison.clear("Memuat antrean…")
        self.model.load(self.status_combo.currentData(), self.current_region())
        self._update_buttons()

    def current_region(self) -> str | None:
        return self.desa_combo.currentData() or self.kecamatan_combo.currentData()

    def current_item(self) -> QueueItem | None:
        idx = self.table.currentIndex()
        return self.model.item_at(idx.row()) if idx.isValid() else None

    def wait_idle(self, timeout_ms: int = 30000) -> bool:
        """Process events until the overview, the queue's page and the comparison are here (tests,
        screenshots). Pages the table asks for afterwards are not waited for."""
        import time

        deadline = time.monotonic() + timeout_ms / 1000

        def settle(done: Callable[[], bool]) -> bool:
            while not done():
                if time.monotonic() >= deadline:
                    return False
                QApplication.processEvents()
                time.sleep(0.002)
            return True

        ok = settle(lambda: not self._overview_reads.is_busy() and not desa_reads(self.desa_combo).is_busy())
        ok = ok and self.model.wait_idle(max(1, int((deadline - time.monotonic()) * 1000)))
        ok = ok and settle(lambda: self._write_job is None and not self._writes)
        ok = ok and settle(lambda: not self._overview_reads.is_busy() and not desa_reads(self.desa_combo).is_busy())
        ok = ok and self.model.wait_idle(max(1, int((deadline - time.monotonic()) * 1000)))
        ok = ok and settle(lambda: self._detail_for is None and all(j.done.is_set() for j in self._detail_jobs))
        QApplication.processEvents()
        return ok

    # ------------------------------------------------------------------ run, bulk
    def run_matching(self, full: bool = False) -> None:
        if not self.may_decide or (self.run_handle is not None and not self.run_handle.finished):
            return
        job = Job(match_run.run_matching, self.ctx.db, self.ctx.actor, full=bool(full))
        self.run_button.setEnabled(False)
        self.run_handle = start_job(self, job, "Menjalankan pemadanan", self._run_done,
                                    on_error=self._run_failed, on_cancel=self._run_cancelled)

    def _run_done(self, summary: MatchSummary) -> None:
        self.run_button.setEnabled(self.may_decide)
        self.last_summary = summary
        self.refresh()
        self._say(f"Pemadanan selesai dalam {angka(summary.seconds, 1)} detik: {angka(summary.members_matched)} "
                  f"anggota dipadankan, {angka(summary.skipped_unchanged)} tidak berubah, "
                  f"{angka(summary.skipped_decided)} sudah diputuskan petugas."
                  + (f"\n{angka(summary.restored_auto)} NIK yang rusak oleh spreadsheet dipulihkan otomatis "
                     f"(filter Status: \"{match_common.AUTO_LABEL}\")." if summary.restored_auto else "")
                  + ("\n" + "\n".join(summary.notes) if summary.notes else ""), "ok")
        self.ctx.events.changed(summary.changes, source=self)
        self.matchingFinished.emit()

    def _run_failed(self, exc: BaseException) -> None:
        self.run_button.setEnabled(self.may_decide)
        show_exception(self, exc, "Pemadanan gagal")

    def _run_cancelled(self) -> None:
        self.run_button.setEnabled(self.may_decide)
        self._say("Pemadanan dibatalkan; hasil sebelumnya tetap dipakai.", "info")

    def open_bulk_dialog(self) -> BulkAcceptDialog | None:
        if not self.may_bulk:
            return None
        status = self.status_combo.currentData()
        dialog = BulkAcceptDialog(self.ctx.db, self, actor=self.ctx.actor, status=status if status in BULK_STATUSES else None)
        dialog.accepted.connect(lambda d=dialog: self._bulk_confirmed(d.status, d.min_score))
        dialog.finished.connect(lambda _r, d=dialog: self._bulk_closed(d))
        self.bulk_dialog = dialog
        dialog.open()
        return dialog

    def _bulk_closed(self, dialog: BulkAcceptDialog) -> None:
        if self.bulk_dialog is dialog:
            self.bulk_dialog = None
        dialog.deleteLater()
        self.table.setFocus()

    def _bulk_confirmed(self, status: str, min_score: float) -> None:
        job = Job(match_decisions.bulk_accept, self.ctx.db, self.ctx.actor, status, min_score, with_progress=False)
        self.bulk_handle = start_job(self, job, "Menerima massal", self._bulk_done, cancellable=False)

    def _bulk_done(self, count: int) -> None:
        self._history.clear()  # "Urungkan" now reverts the whole bulk accept
        self._say(f"{angka(count)} hasil diterima sekaligus. \"Urungkan (Ctrl+Z)\" membatalkan seluruhnya.", "ok")
        self.reload_queue(select_row=0)
        self.bulkAccepted.emit(count)
        self._decided(0, match_decisions.bulk_accept.changes)

    # ------------------------------------------------------------------ decisions
    def _decided(self, member_id: int, changes: frozenset[str]) -> None:
        """A decision (or its undo) was saved: tell the other pages what it changed, then the listeners."""
        self.ctx.events.changed(changes, source=self)
        self.decided.emit(member_id)

    def in_decided_list(self) -> bool:
        return self.status_combo.currentData() == match_common.DECIDED_FILTER

    def reopen_current(self) -> None:
        """B / Backspace in "Sudah diputuskan petugas": revert that decision (not only the last)."""
        item = self.comparison.item
        if item is None or not self.may_decide:
            return
        if not self.in_decided_list():
            self._say(f"Pilih status \"{match_common.DECIDED_LABEL}\" untuk membuka kembali keputusan lama; "
                      "keputusan terakhir dapat diurungkan dengan Ctrl+Z.", "info")
            return
        member_id = item.member_id
        if member_id in self._pending_members:
            return  # a second press before the first was saved
        # The next item is shown at once; the write runs in a job (see _write).
        self._take_out(member_id)

        def done(text: str) -> None:
            self._say(text, "ok")
            self._decided(member_id, match_decisions.reopen.changes)

        def failed(exc: BaseException) -> None:
            show_exception(self, exc, "Keputusan tidak dapat dibuka kembali")

        self._write(member_id, match_decisions.reopen, (self.ctx.db, self.ctx.actor, member_id), done, failed)

    def accept_current(self) -> None:
        item = self.comparison.item
        if item is None or not self.may_decide:
            return
        if self.in_decided_list():
            self._say("Hasil ini sudah diputuskan. Tekan B untuk membuka kembali keputusannya.", "info")
            return
        if self.comparison.picks_other_candidate():
            self._decide(item.member_id, "pilih", candidate_nik=self.comparison.candidate().nik)
        else:
            self._decide(item.member_id, "terima")

    def reject_current(self) -> None:
        item = self.comparison.item
        if item is None or not self.may_decide:
            return
        if self.in_decided_list():
            self._say("Hasil ini sudah diputuskan. Tekan B untuk membuka kembali keputusannya.", "info")
            return
        self._decide(item.member_id, "tolak")

    def choose_candidate(self, index: int) -> None:
        """Keys 1/2/3: show that candidate; Enter then accepts it."""
        if self.comparison.item is None:
            return
        if not self.comparison.select_candidate(index, explicit=True):
            n = len(self.comparison.item.candidates)
            self._say(f"Tidak ada kandidat {index + 1}; anggota ini punya {n} kandidat." if n else
                      "Anggota ini tidak punya kandidat dari Dukcapil.", "info")

    def _decide(self, member_id: int, action: str, **kwargs: Any) -> None:
        """Decide on ``member_id`` (bound now, whatever is shown when the write ends)."""
        if member_id in self._pending_members:
            return  # a second press before the first was saved
        item = self.comparison.item
        nama = item.nama if item is not None and item.member_id == member_id else f"#{member_id}"
        self._take_out(member_id)

        def failed(exc: BaseException) -> None:
            log.info("Decision on member %s failed: %s", member_id, exc)
            show_exception(self, exc, "Keputusan tidak dapat disimpan")

        self._write(member_id, match_decisions.decide, (self.ctx.db, self.ctx.actor, member_id, action),
                    lambda result: self._decision_saved(member_id, nama, result), failed, **kwargs)

    def _take_out(self, member_id: int) -> None:
        """Take a decided item out of the list and show the next one while its write runs."""
        self._pending_members.add(member_id)
        row = self.model.row_of(member_id)
        removed = self.model.remove_member(member_id)
        self.comparison.item = None  # no key can act on the decided item any more
        self._select_row(removed if removed >= 0 else max(row, 0))

    def _write(self, member_id: int | None, fn: Callable[..., Any], args: tuple,
               on_done: Callable[[Any], None], on_error: Callable[[BaseException], None], **kwargs: Any) -> None:
        """Queue a write; writes run one at a time, in the order the clerk made them."""
        self._writes.append((member_id, fn, args, kwargs, on_done, on_error))
        self._next_write()

    def _next_write(self) -> None:
        if self._write_job is not None or not self._writes:
            return
        member_id, fn, args, kwargs, on_done, on_error = self._writes.pop(0)
        job = Job(fn, *args, with_progress=False, **kwargs)
        alive = lambda: shiboken6.isValid(self)  # noqa: E731 - the page may be closed meanwhile

        def ended() -> None:
            self._write_job = None
            self._pending_members.discard(member_id)  # type: ignore[arg-type]
            self._next_write()
            if self._write_job is None and self._reload_after_writes is not None:
                # A write failed: its item goes back, once no other write can change the list.
                target, self._reload_after_writes = self._reload_after_writes, None
                self.reload_queue(select_member=target)

        def finished(result: Any) -> None:
            if alive():
                ended()
                on_done(result)

        def failed(exc: BaseException, _tb: str = "") -> None:
            if alive():
                if member_id is not None:  # its item was taken out: it comes back
                    self._reload_after_writes = member_id
                ended()
                on_error(exc)

        job.signals.finished.connect(finished)
        job.signals.failed.connect(failed)
        job.signals.cancelled.connect(lambda: failed(Exception("Dibatalkan.")))
        self._write_job = job
        job_runner().start(job)

    def _decision_saved(self, member_id: int, nama: str, result: Any) -> None:
        self._history.append(member_id)
        if result.decision == Decision.DITOLAK and result.nik_before != result.nik_after:
            text = (f"Ditolak: {nama} — NIK dikembalikan {self.masker.nik(result.nik_before) or '(kosong)'} → "
                    f"{self.masker.nik(result.nik_after) or '(kosong, seperti di berkas)'}.")
        elif result.decision == Decision.DITOLAK:
            text = f"Ditolak: {nama}."
        elif result.nik_before != result.nik_after:
            text = (f"Diterima: {nama} — NIK diganti {self.masker.nik(result.nik_before) or '(kosong)'} → "
                    f"{self.masker.nik(result.nik_after)}.")
        else:
            text = f"Diterima: {nama}."
        self._say(text + " Ctrl+Z untuk mengurungkan.", "ok")
        self._decided(member_id, result.changes)

    def undo(self) -> None:
        if not self.may_decide:
            return
        # After the decisions still being written (the writes run in order).
        self._write(None, match_decisions.undo_last, (self.ctx.db, self.ctx.actor), self._undone,
                    lambda exc: show_exception(self, exc, "Tidak dapat diurungkan"))

    def _undone(self, text: str | None) -> None:
        if text is None:
            self._say("Tidak ada keputusan yang dapat diurungkan.", "info")
            return
        member_id = self._history.pop() if self._history else None
        self._say(f"{text} Data kembali ke antrean.", "ok")
        row = self.table.currentIndex().row()
        self.reload_queue(select_member=member_id) if member_id is not None else \
            self.reload_queue(select_row=max(row, 0))
        self._decided(member_id or 0, match_decisions.undo_last.changes)

    # ------------------------------------------------------------------ navigation
    def select_next(self) -> None:
        self._step(+1)

    def select_previous(self) -> None:
        self._step(-1)

    def _step(self, delta: int) -> None:
        n = self.model.rowCount()
        if n == 0:
            return
        row = self.table.currentIndex().row()
        target = 0 if row < 0 else row + delta
        if target >= n:
            if self.model.canFetchMore():
                self._select_after_load = None
                self.model.fetchMore()
            target = n - 1
        self._select_row(max(target, 0))

    def _select_row(self, row: int) -> None:
        n = self.model.rowCount()
        if n == 0:
            self.table.setCurrentIndex(QModelIndex())
            if self.model.canFetchMore():  # every loaded row was decided: the next page
                self._await_page = True
                self.model.fetchMore()
            self._show_empty()
            return
        row = min(max(row, 0), n - 1)
        index = self.model.index(row, QCOL_NAMA)
        self.table.setCurrentIndex(index)
        self.table.selectRow(row)
        self.table.scrollTo(index)
        if row >= n - 5 and self.model.canFetchMore():  # stepping near the end: fetch the next page now
            self.model.fetchMore()
        if self.current_item() is not None and (
                self.comparison.item is None or self.comparison.item.member_id != self.current_item().member_id):
            self._show_current()

    def _on_current_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self._show_current()

    def _show_current(self) -> None:
        it = self.current_item()
        if it is None:
            return
        if self.comparison.item is not None and self.comparison.item.member_id == it.member_id:
            return
        if self._detail_for == it.member_id:
            return  # already on its way
        # The comparison is read in a job; until it is here no decision can act on the old item.
        self.comparison.item = None
        self._detail_for = it.member_id
        job = Job(self.ctx.db.read, match_review.review_item, it.member_id, with_progress=False)
        alive = lambda: shiboken6.isValid(self)  # noqa: E731 - the page may be closed meanwhile
        job.signals.finished.connect(lambda item, m=it.member_id: alive() and self._detail_loaded(m, item))
        job.signals.failed.connect(lambda exc, _tb, m=it.member_id: alive() and self._detail_failed(m, exc))
        job.signals.cancelled.connect(lambda m=it.member_id: alive() and self._detail_failed(m, None))
        self._detail_jobs = [j for j in self._detail_jobs if not j.done.is_set()] + [job]
        job_runner().start(job)
        self._update_buttons()

    def _detail_current(self, member_id: int) -> bool:
        if self._detail_for != member_id:
            return False
        self._detail_for = None
        it = self.current_item()
        return it is not None and it.member_id == member_id

    def _detail_failed(self, member_id: int, exc: BaseException | None) -> None:
        if not self._detail_current(member_id):
            return
        if exc is not None:
            self.comparison.clear(user_message(exc)[0])
        self._update_buttons()

    def _detail_loaded(self, member_id: int, item: ReviewItem) -> None:
        if not self._detail_current(member_id):
            if self._detail_for is None:
                self._show_current()  # the selection moved on meanwhile
            return
        self.comparison.show_item(item)
        auto = item.decision == match_common.AUTO
        if item.decision in (Decision.DITERIMA, Decision.DITOLAK):
            self.action_help.setText(DECIDED_HELP.format(keputusan=item.decision))
        else:
            self.action_help.setText(AUTO_HELP if auto else STATUS_HELP.get(item.status, ""))
        self._update_buttons()

    def _show_empty(self) -> None:
        if self.model.is_loading():
            self.comparison.clear("Memuat antrean…")
        elif not self._has_results:
            self.comparison.clear("Belum ada hasil pemadanan.\n\nKlik \"Jalankan pemadanan\" di atas untuk "
                                  "mencocokkan data DTKS dengan data Dukcapil. Yang perlu diperiksa akan muncul "
                                  "di daftar sebelah kiri.")
        elif self.in_decided_list():
            self.comparison.clear("Belum ada keputusan petugas untuk pilihan wilayah ini.")
        elif self.status_combo.currentData() == match_common.AUTO_FILTER:
            self.comparison.clear("Tidak ada NIK yang dipulihkan otomatis (dan belum diperiksa) untuk pilihan "
                                  "wilayah ini.")
        elif self.status_combo.currentData() is None and self.current_region() is None:
            self.comparison.clear("Tidak ada yang perlu diperiksa. Semua hasil pemadanan sudah diputuskan.")
        else:
            self.comparison.clear("Tidak ada yang perlu diperiksa untuk pilihan status dan wilayah ini.")
        self.action_help.setText("")
        self._update_buttons()

    def _on_rows_inserted(self) -> None:
        if self._await_page and not self.table.currentIndex().isValid():
            self._await_page = False
            self._select_row(0)

    def _on_loaded(self) -> None:
        self._await_page = False
        target = self._select_after_load
        self._select_after_load = None
        if self.model.rowCount() == 0:
            self._show_empty()
            return
        row = 0
        if target is not None:
            if target >= 0:
                r = self.model.row_of(target)
                row = r if r >= 0 else 0
            else:
                row = -target - 1
        self.comparison.item = None
        self._select_row(row)
        if self.isVisible() and not self._focus_elsewhere():
            self.table.setFocus()

    def _focus_elsewhere(self) -> bool:
        w = QApplication.focusWidget()
        return w is not None and w is not self.table and self.isAncestorOf(w) and not self.splitter.isAncestorOf(w)

    # ------------------------------------------------------------------ filters
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
        self.reload_queue()

    # ------------------------------------------------------------------ state
    def _update_count(self) -> None:
        total = self.model.total
        if total is None:
            self.count_label.setText("Memuat…")
        else:
            noun = {match_common.AUTO_FILTER: "dipulihkan", match_common.DECIDED_FILTER: "diputuskan"}.get(
                self.status_combo.currentData(), "menunggu")
            self.count_label.setText(f"{angka(total)} {noun}")

    def _update_buttons(self) -> None:
        has = self.comparison.item is not None
        decided_list = self.in_decided_list()
        for b in (self.accept_button, self.reject_button):
            b.setEnabled(has and self.may_decide and not decided_list)
            b.setVisible(not decided_list)
        self.reopen_button.setVisible(decided_list)
        self.reopen_button.setEnabled(has and self.may_decide)
        n = self.model.rowCount()
        row = self.table.currentIndex().row()
        self.next_button.setEnabled(n > 0 and (row < n - 1 or self.model.canFetchMore()))
        self.prev_button.setEnabled(n > 0 and row > 0)
        if has and self.comparison.picks_other_candidate():
            self.accept_button.setText(f"Terima kandidat {self.comparison.candidate_index + 1} (Enter)")
        else:
            self.accept_button.setText("Terima (Enter)")
        self.bulk_button.setEnabled(self.may_bulk and self._has_results)

    def _say(self, text: str, kind: str = "info") -> None:
        color = {"ok": "#1b5e20", "error": "#b00020"}.get(kind, "")
        if kind in ("ok", "info") and text:
            self.feedback.setStyleSheet(f"color: {color};" if color else "")
            self.feedback.setText(text)
            self.message_label.hide()
            return
        self.message_label.setStyleSheet(f"color: {color};" if color else "")
        self.message_label.setText(text)
        self.message_label.setVisible(bool(text))

    def _add_keys(self, name: str, keys, slot: Callable[[], None]) -> None:
        made = []
        for key in keys:
            sc = QShortcut(QKeySequence(key), self.work_area)
            sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            sc.setAutoRepeat(name in ("berikutnya", "sebelumnya"))
            sc.activated.connect(slot)
            made.append(sc)
        self.shortcuts[name] = made

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        if not self._sized:
            self._sized = True
            w = max(self.splitter.width(), 900)
            left = max(400, int(w * 0.44))
            self.splitter.setSizes([left, w - left])
        QTimer.singleShot(0, self.table.setFocus)
