"""What the Pemadanan page's parts share: status and priority labels and colours, texts, NIK masking."""

from __future__ import annotations



from PySide6.QtCore import (
    Qt,
)
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap

from dtks_desktop.domain.formatting import angka
from dtks_desktop.domain.masking import MaskPolicy, mask_nik, mask_numbers
from dtks_desktop.domain.workflow.matching import (DECISION_COLOURS, MATCH_STATUS_COLOURS, MATCH_STATUS_LABELS,
                                                   MATCH_STATUS_SHORT, Decision)



PREVIEW_DEBOUNCE_MS = 150


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


#: priority -> (short label, colour, explanation)
PRIORITY_STYLE: dict[int, tuple[str, str, str]] = {
    0: ("Utama", "#c62828", "NIK rusak oleh Excel dan ada usulan NIK pengganti: periksa lebih dulu"),
    1: ("Tinggi", "#ef6c00", "Ada usulan koreksi NIK"),
    2: ("Tinggi", "#ef6c00", "NIK di DTKS tercatat atas nama orang lain di Dukcapil"),
    3: ("Sedang", "#8e24aa", "Kemungkinan data ganda di DTKS"),
    4: ("Biasa", "#757575", "Tidak ditemukan di data Dukcapil"),
}


_LOW_PRIORITY = ("Rendah", "#558b2f", "Sudah padan; hanya perlu dilihat sekilas")


DIFF_BG = "#fde2e1"  # clearly different


DIFF_FG = "#8e0000"


NEAR_BG = "#fff2c6"  # a small difference (typo, one digit, Excel damage): weight still positive


NEAR_FG = "#6d4c00"


MUTED = "#6b6b6b"


def fmt_score(score: float | None) -> str:
    return "-" if score is None else angka(score, 1)


def dot_icon(color: str, size: int = 12) -> QIcon:
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


def escape(text: str) -> str:
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
