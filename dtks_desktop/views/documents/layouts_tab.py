"""Tab "Format berkas" (administrators: office.settings): the columns of the files the office
exchanges (services/core/layouts.py), and the provincial programmes batches may carry.

Left: pick a format (``batch.kemensos``, its programmes ``batch.kemensos.PKH`` …, later the
PT Pos lists), see whether it is the built-in one, the office's own or follows its target's;
edit the columns (header and field, add / remove / up / down), Simpan or Kembalikan. Right: the
provincial programmes (each gets a format of its own under ``batch.provinsi``). Every read and
write runs in a job through the services, which check the capability and validate.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from dtks_desktop.domain.submission import KEMENSOS_PROGRAMMES, split_programme_codes
from dtks_desktop.jobs import Job
from dtks_desktop.services.core import layouts as L
from dtks_desktop.services.submission import batches
from dtks_desktop.views.common.context import AppContext
from dtks_desktop.views.common.widgets import ErrorLabel, ask_yes_no, start_job, user_message

COL_HEADER, COL_FIELD, COL_NOTE = 0, 1, 2


def load(db) -> tuple[list[dict], list[str], bool]:
    """Worker: every format with its columns, the provincial programmes and whether they are the office's."""
    with db.sessions() as s:
        infos = [L.show(s, scope.key) for scope in L.available(s)]
        return infos, batches.programmes_for(s, "provinsi"), batches.provinsi_programmes_configured(s)


def save(db, actor, key: str, columns: list[tuple[str, str]]) -> dict:
    with db.transaction() as s:
        L.set_layout(s, actor, key, columns)
        return L.show(s, key)


def reset(db, actor, key: str) -> dict:
    with db.transaction() as s:
        L.reset_layout(s, actor, key)
        return L.show(s, key)


def save_programmes(db, actor, codes: list[str]) -> list[str]:
    with db.transaction() as s:
        return batches.set_provinsi_programmes(s, actor, codes)


def state_text(info: dict) -> str:
    if info["is_default"]:
        return "Format bawaan aplikasi."
    if info["own"]:
        return "Format diatur kantor."
    return f"Mengikuti format {info['configured']} (belum diatur sendiri)."


class LayoutsTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.infos: dict[str, dict] = {}
        self.current: dict | None = None
        self.dirty = False
        self.programmes_dirty = False
        self._filling = False

        self.scope_combo = QComboBox()
        self.scope_combo.setObjectName("layoutScopeCombo")
        self.scope_combo.setMinimumWidth(420)
        self.scope_combo.activated.connect(self._scope_chosen)
        self.state = QLabel()
        self.state.setObjectName("layoutState")

        self.table = QTableWidget(0, 3)
        self.table.setObjectName("layoutTable")
        self.table.setHorizontalHeaderLabels(("Judul kolom di berkas", "Isian", "Keterangan"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setDefaultSectionSize(28)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(COL_HEADER, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_FIELD, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_NOTE, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemChanged.connect(self._edited)
        self.table.itemSelectionChanged.connect(self._buttons)

        self.add_button = QPushButton("Tambah kolom")
        self.remove_button = QPushButton("Hapus kolom")
        self.up_button = QPushButton("Naik")
        self.down_button = QPushButton("Turun")
        self.reset_button = QPushButton("Kembalikan bawaan")
        self.save_button = QPushButton("Simpan format")
        self.save_button.setDefault(True)
        self.add_button.clicked.connect(self.add_row)
        self.remove_button.clicked.connect(self.remove_row)
        self.up_button.clicked.connect(lambda: self.move_row(-1))
        self.down_button.clicked.connect(lambda: self.move_row(1))
        self.reset_button.clicked.connect(lambda: self.reset())
        self.save_button.clicked.connect(self.save)

        self.programmes = QListWidget()
        self.programmes.setObjectName("provinsiProgrammes")
        self.programme_edit = QLineEdit()
        self.programme_edit.setPlaceholderText("Kode, mis. RTLH atau BANSOS_LANSIA")
        self.programme_edit.returnPressed.connect(self.add_programme)
        self.programme_add = QPushButton("Tambah")
        self.programme_add.clicked.connect(self.add_programme)
        self.programme_remove = QPushButton("Hapus")
        self.programme_remove.clicked.connect(self.remove_programme)
        self.programme_save = QPushButton("Simpan program")
        self.programme_save.clicked.connect(self.save_programmes)
        self.programme_note = QLabel()
        self.programme_note.setWordWrap(True)
        self.programmes.itemSelectionChanged.connect(self._buttons)

        self.message = ErrorLabel()

        intro = QLabel("Kolom berkas yang dikirim ke Kemensos, Dinas Sosial Provinsi dan mitra lain: judul kolom dan "
                       "isinya, berurutan. Format per program dipakai bila diatur; bila tidak, format tujuannya. NIK, "
                       "No KK dan kode ditulis sebagai teks. Saat berkas dibaca, judul dicocokkan tanpa membedakan "
                       "huruf besar/kecil, spasi dan tanda baca.")
        intro.setWordWrap(True)
        pick = QHBoxLayout()
        pick.addWidget(QLabel("Format berkas:"))
        pick.addWidget(self.scope_combo, 1)
        edit_buttons = QHBoxLayout()
        for b in (self.add_button, self.remove_button, self.up_button, self.down_button):
            edit_buttons.addWidget(b)
        edit_buttons.addStretch(1)
        edit_buttons.addWidget(self.reset_button)
        edit_buttons.addWidget(self.save_button)
        left = QVBoxLayout()
        left.addWidget(intro)
        left.addLayout(pick)
        left.addWidget(self.state)
        left.addWidget(self.table, 1)
        left.addLayout(edit_buttons)

        add_row = QHBoxLayout()
        add_row.addWidget(self.programme_edit, 1)
        add_row.addWidget(self.programme_add)
        prog_buttons = QHBoxLayout()
        prog_buttons.addWidget(self.programme_remove)
        prog_buttons.addStretch(1)
        prog_buttons.addWidget(self.programme_save)
        prog_intro = QLabel("Program yang diajukan ke Dinas Sosial Provinsi (pilihan saat membuat batch). Program "
                            "nasional ke Kemensos tetap: " + ", ".join(KEMENSOS_PROGRAMMES) + ".")
        prog_intro.setWordWrap(True)
        prog_box = QGroupBox("Program provinsi")
        prog_layout = QVBoxLayout(prog_box)
        prog_layout.addWidget(prog_intro)
        prog_layout.addWidget(self.programmes, 1)
        prog_layout.addLayout(add_row)
        prog_layout.addLayout(prog_buttons)
        prog_layout.addWidget(self.programme_note)
        prog_box.setMaximumWidth(330)

        body = QHBoxLayout()
        body.addLayout(left, 1)
        body.addWidget(prog_box)
        column = QVBoxLayout(self)
        column.addLayout(body, 1)
        column.addWidget(self.message)
        self._buttons()
        self.reload()

    # --- loading ------------------------------------------------------------------------------

    def reload(self, keep: str | None = None) -> None:
        keep = keep or (self.current or {}).get("key")
        start_job(self, Job(load, self.ctx.db, with_progress=False), "Memuat format berkas",
                  lambda result: self._loaded(result, keep), on_error=self._failed)

    def _loaded(self, result, keep: str | None) -> None:
        infos, programmes, own = result
        self.infos = {i["key"]: i for i in infos}
        self.scope_combo.clear()
        for i in infos:
            indent = "      " if i["parent"] else ""
            self.scope_combo.addItem(f"{indent}{i['label']}  [{i['key']}]", i["key"])
        index = self.scope_combo.findData(keep) if keep else -1
        self.scope_combo.setCurrentIndex(max(0, index))
        if not (self.dirty and self.current and self.current["key"] == self.scope_combo.currentData()):
            self._show(self.infos.get(self.scope_combo.currentData()))  # unsaved edits of this format stay
        self.programmes.clear()
        self.programmes.addItems(programmes)
        self.programme_note.setText("" if own else "Belum diatur kantor: daftar bawaan.")
        self.programmes_dirty = False
        self._buttons()

    def _failed(self, exc: BaseException) -> None:
        message = getattr(exc, "message", None)
        if not message:
            message, hint = user_message(exc)
            message = f"{message} {hint}".strip()
        self.message.show_error(message)
        self._buttons()

    def _scope_chosen(self, _index: int) -> None:
        key = self.scope_combo.currentData()
        if self.current and key == self.current["key"]:
            return
        if self.dirty and not ask_yes_no(self, "Perubahan belum disimpan",
                                         f"Format {self.current['key']} sudah diubah tetapi belum disimpan. "
                                         "Buang perubahan itu?", yes="Buang"):
            self.scope_combo.setCurrentIndex(self.scope_combo.findData(self.current["key"]))
            return
        self.message.clear_error()
        self._show(self.infos.get(key))

    def _show(self, info: dict | None) -> None:
        self.current = info
        self._filling = True
        self.table.setRowCount(0)
        if info is not None:
            for c in info["columns"]:
                self._append(c["header"], c["field"])
            self.state.setText(state_text(info))
            self.reset_button.setEnabled(info["own"])
        self._filling = False
        self.dirty = False
        self._buttons()

    # --- editing ------------------------------------------------------------------------------

    def _field_combo(self, field: str) -> QComboBox:
        combo = QComboBox()
        for name, label in self.current["fields"].items():
            combo.addItem(f"{label} ({name})", name)
        combo.setCurrentIndex(max(0, combo.findData(field)))
        combo.currentIndexChanged.connect(self._combo_changed)
        return combo

    def _append(self, header: str, field: str, row: int | None = None) -> int:
        row = self.table.rowCount() if row is None else row
        was = self._filling
        self._filling = True
        self.table.insertRow(row)
        self.table.setItem(row, COL_HEADER, QTableWidgetItem(header))
        self.table.setCellWidget(row, COL_FIELD, self._field_combo(field))
        note = QTableWidgetItem()
        note.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
        self.table.setItem(row, COL_NOTE, note)
        self._note(row)
        self._filling = was
        return row

    def _note(self, row: int) -> None:
        field = self.field_at(row)
        marks = [m for m, on in (("teks", field in self.current["text_fields"]),
                                 ("wajib", field in self.current["required"])) if on]
        item = self.table.item(row, COL_NOTE)
        if item is not None:
            item.setText(", ".join(marks))
            item.setForeground(QColor("#555555"))

    def field_at(self, row: int) -> str:
        combo = self.table.cellWidget(row, COL_FIELD)
        return combo.currentData() if combo is not None else ""

    def columns(self) -> list[tuple[str, str]]:
        """The columns as edited: (header, field) per row."""
        return [((self.table.item(r, COL_HEADER).text() if self.table.item(r, COL_HEADER) else ""), self.field_at(r))
                for r in range(self.table.rowCount())]

    def _combo_changed(self, _i: int) -> None:
        for r in range(self.table.rowCount()):
            self._note(r)
        self._edited()

    def _edited(self, *_a) -> None:
        if not self._filling:
            self.dirty = True
            self._buttons()

    def add_row(self) -> None:
        if self.current is None:
            return
        used = {f for _h, f in self.columns()}
        field = next((f for f in self.current["fields"] if f not in used), next(iter(self.current["fields"])))
        row = self._append(self.current["fields"][field].upper().replace(" ", "_"), field,
                           self.table.currentRow() + 1 if self.table.currentRow() >= 0 else None)
        self.table.selectRow(row)
        self.dirty = True
        self._buttons()

    def remove_row(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)
            self.dirty = True
            self._buttons()

    def move_row(self, step: int) -> None:
        row = self.table.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.table.rowCount():
            return
        header, field = self.columns()[row]
        self._filling = True
        self.table.removeRow(row)
        self._append(header, field, target)
        self._filling = False
        self.table.selectRow(target)
        self.dirty = True
        self._buttons()

    def _buttons(self) -> None:
        has = self.current is not None
        row = self.table.currentRow() if has else -1
        selected = has and row >= 0 and bool(self.table.selectedItems())
        self.add_button.setEnabled(has)
        self.remove_button.setEnabled(selected and self.table.rowCount() > 1)
        self.up_button.setEnabled(selected and row > 0)
        self.down_button.setEnabled(selected and row < self.table.rowCount() - 1)
        self.save_button.setEnabled(has and self.dirty)
        self.reset_button.setEnabled(has and (self.current or {}).get("own", False))
        self.programme_remove.setEnabled(bool(self.programmes.selectedItems()))
        self.programme_save.setEnabled(self.programmes_dirty)

    # --- saving -------------------------------------------------------------------------------

    def save(self) -> None:
        if self.current is None:
            return
        key = self.current["key"]
        self.save_button.setEnabled(False)
        start_job(self, Job(save, self.ctx.db, self.ctx.actor, key, self.columns(), with_progress=False),
                  "Menyimpan format", self._saved, on_error=self._failed)

    def _saved(self, info: dict) -> None:
        self.message.show_ok(f"Format {info['key']} disimpan: {len(info['columns'])} kolom.")
        self.ctx.events.changed(L.set_layout.changes, source=self.window())
        self.dirty = False
        self.reload(keep=info["key"])

    def reset(self, confirm: bool = True) -> None:
        if self.current is None:
            return
        key = self.current["key"]
        back = f"format {self.current['parent']}" if self.current["parent"] else "format bawaan aplikasi"
        if confirm and not ask_yes_no(self, "Kembalikan format",
                                      f"Hapus format {key} yang diatur kantor dan kembali ke {back}?",
                                      yes="Kembalikan"):
            return
        start_job(self, Job(reset, self.ctx.db, self.ctx.actor, key, with_progress=False),
                  "Mengembalikan format", self._reset_done, on_error=self._failed)

    def _reset_done(self, info: dict) -> None:
        now = "format bawaan" if info["is_default"] else f"format {info['configured']}"
        self.message.show_ok(f"Format {info['key']} kini memakai {now}.")
        self.ctx.events.changed(L.reset_layout.changes, source=self.window())
        self.dirty = False
        self.reload(keep=info["key"])

    # --- provincial programmes ----------------------------------------------------------------

    def programme_codes(self) -> list[str]:
        return [self.programmes.item(i).text() for i in range(self.programmes.count())]

    def add_programme(self) -> None:
        have = set(self.programme_codes())
        for code in split_programme_codes(self.programme_edit.text()):
            if code.upper() not in have:
                self.programmes.addItem(code.upper())
                have.add(code.upper())
        self.programme_edit.clear()
        self.programmes_dirty = True
        self._buttons()

    def remove_programme(self) -> None:
        for item in self.programmes.selectedItems():
            self.programmes.takeItem(self.programmes.row(item))
        self.programmes_dirty = True
        self._buttons()

    def save_programmes(self) -> None:
        self.programme_save.setEnabled(False)
        start_job(self, Job(save_programmes, self.ctx.db, self.ctx.actor, self.programme_codes(),
                            with_progress=False), "Menyimpan program provinsi", self._programmes_saved,
                  on_error=self._programmes_failed)

    def _programmes_saved(self, codes: list[str]) -> None:
        self.message.show_ok("Program provinsi disimpan: " + ", ".join(codes) + ".")
        self.ctx.events.changed(batches.set_provinsi_programmes.changes, source=self.window())
        self.reload()

    def _programmes_failed(self, exc: BaseException) -> None:
        self.programmes_dirty = True
        self._failed(exc)
