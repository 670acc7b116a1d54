"""The side-by-side comparison of a member and their civil-registry candidates, differences marked."""

from __future__ import annotations

import re

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    Qt,
    Signal,
)
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from dtks_desktop.domain.formatting import angka, tanggal
from dtks_desktop.domain.workflow.matching import Decision
from dtks_desktop.services.core import browse
from dtks_desktop.services.matching import common as match_common
from dtks_desktop.services.matching.review import CandidateView, FieldComparison, ReviewItem
from dtks_desktop.views.matching.common import (
    DIFF_BG,
    DIFF_FG,
    escape,
    fmt_score,
    Masker,
    MUTED,
    NEAR_BG,
    NEAR_FG,
    STATUS_COLORS,
)


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
            self.proposal.setText(f"{heading}: <span style='color:#bf360c'>{escape(m.nik(cand.nik))}</span>")
            nik_fc = next((f for f in cand.fields if f.field == "nik"), None)
            why = _note_text(nik_fc) if nik_fc is not None else ""
            if item.status == "nik_orang_lain" and cand.chosen:
                why = "NIK di DTKS milik orang lain"
            self.proposal_sub.setText(
                f"NIK di berkas DTKS: {self._nik_diff_html(written, cand.nik)}"
                + (f" &nbsp;— {escape(why[:1].lower() + why[1:] if why[:3] != 'NIK' else why)}" if why else "")
                + ("" if cand.chosen else ("<br>Bukan usulan mesin: Enter memilih kandidat ini dan mengganti NIK "
                                           "anggota." if self.explicit else
                                           "<br>Bukan usulan mesin. Tekan angka kandidat untuk memilihnya."))
            )
            self.proposal_box.show()
        elif item.status == "ganda" and item.ganda_of_label:
            self.proposal.setText("Data ganda")
            self.proposal_sub.setText(f"Sama dengan anggota DTKS lain: <b>{escape(item.ganda_of_label)}</b><br>"
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
            return escape(self.masker.nik(written))
        out = []
        for i, ch in enumerate(written):
            same = i < len(proposed) and proposed[i] == ch
            out.append(escape(ch) if same else f"<b style='color:{DIFF_FG}; background:{DIFF_BG}'>{escape(ch)}</b>")
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
            row.dtks.setText(escape(dtks_v or "-"))
            row.civil.setText(escape(civil_v) if cand is not None else "")
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
