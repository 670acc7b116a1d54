"""The Data view's family panel: the selected member's family, its programmes and matching outcomes."""

from __future__ import annotations

from collections import OrderedDict

from PySide6.QtCore import (
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QFrame,
    QHeaderView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from dtks_desktop.domain.workflow.registry import MemberStatus
from dtks_desktop.services.core import browse
from dtks_desktop.services.core.browse import FamilyDetail
from dtks_desktop.views.common.widgets import ErrorLabel
from dtks_desktop.views.core.members import INACTIVE, warning_icon, fmt_date


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

    #: "Cetak surat keterangan…" pressed for the family shown (its household id)
    certificateRequested = Signal(int)

    def __init__(self, parent: QWidget | None = None, *, can_print: bool = False) -> None:
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

        self.certificate_button = QPushButton("Cetak surat keterangan…")
        self.certificate_button.setObjectName("certificateButton")
        self.certificate_button.setToolTip("Surat Keterangan Terdaftar DTKS untuk keluarga ini: bernomor, dengan kode "
                                           "keaslian; NIK dan No KK disamarkan")
        self.certificate_button.clicked.connect(self._request_certificate)
        self._can_print = can_print
        self.actions_box = QWidget()
        actions = QHBoxLayout(self.actions_box)
        actions.setContentsMargins(0, 0, 0, 0)
        actions.addWidget(self.certificate_button)
        actions.addStretch(1)

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.hint)
        layout.addWidget(self.form_box)
        layout.addWidget(self.members_title)
        layout.addWidget(self.members_table, 1)
        layout.addWidget(self.actions_box)
        self.action_message = ErrorLabel()
        self.action_message.setObjectName("familyActionMessage")
        layout.addWidget(self.action_message)
        self.clear()

    def _request_certificate(self) -> None:
        if self.detail is not None:
            self.certificateRequested.emit(self.detail.household_id)

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
        self.actions_box.hide()

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
                    icon = icon or warning_icon()
                    item.setIcon(icon)
                    item.setToolTip("\n".join(m.flag_labels))
                elif c == 1:
                    sex = {"L": "laki-laki", "P": "perempuan"}.get(m.jenis_kelamin or "", "")
                    item.setToolTip(f"{m.nama} ({sex})" if sex else m.nama)
                if m.status != MemberStatus.AKTIF:
                    item.setForeground(QBrush(INACTIVE))
                if m.id == selected_member_id:
                    item.setFont(bold)
                t.setItem(r, c, item)
        t.show()
        self.actions_box.setVisible(self._can_print)
