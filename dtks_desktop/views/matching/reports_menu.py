"""The Pemadanan page's "Laporan" menu: the matching summary and the village lists
(``services/matching/reports.py``, as ``dtks match report``), written in a job with progress; a PDF is an
issued document (number from the letter register, authenticity code). A mixin of ``ReviewView``, which owns
the ``reportFinished`` signal, the filters (``current_region``, the desa/kecamatan combos) and ``_say``."""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QMenu, QPushButton

from dtks_desktop.domain.formatting import angka
from dtks_desktop.domain.permissions import Capability, can
from dtks_desktop.views.common import events
from dtks_desktop.jobs import Job
from dtks_desktop.views.common.widgets import start_job, user_message


class ReportsMixin:
    def _build_report_button(self, ctx) -> None:
        self.report_button = QPushButton("Laporan")  # the menu indicator draws the ▾
        self.report_button.setObjectName("reportButton")
        self.report_button.setToolTip("Rekap hasil pemadanan dan daftar perbaikan NIK per desa (PDF bernomor atau "
                                      "Excel); NIK dan No KK disamarkan")
        self.report_menu = QMenu(self.report_button)
        self.report_actions: dict[tuple[str, str], object] = {}
        may_print = can(ctx.actor, Capability.DOCS_PRINT)
        for kind, fmt, label in (("summary", "pdf", "Rekap per kecamatan/desa (PDF)…"),
                                 ("summary", "xlsx", "Rekap per kecamatan/desa (Excel)…"),
                                 ("desa", "pdf", "Daftar per desa (PDF)…"),
                                 ("desa", "xlsx", "Daftar per desa (Excel)…")):
            if fmt == "pdf" and not may_print:  # a PDF is an issued document (numbered, stored)
                continue
            action = self.report_menu.addAction(label)
            action.triggered.connect(lambda _c=False, k=kind, f=fmt: self._ask_report(k, f))
            self.report_actions[(kind, fmt)] = action
        self.report_button.setMenu(self.report_menu)
        self.report_handle = None
        self.last_report = None

    def report_region(self) -> str | None:
        """The village lists' region: the desa filtered, else the kecamatan, else every desa."""
        return self.current_region()

    def report_region_label(self) -> str:
        if self.desa_combo.currentData():
            return self.desa_combo.currentText()
        if self.kecamatan_combo.currentData():
            return f"Kecamatan {self.kecamatan_combo.currentText()}"
        return "semua desa/kelurahan"

    def _ask_report(self, kind: str, fmt: str) -> None:
        if kind == "summary":
            title, name = "Simpan rekap hasil pemadanan", "rekap_pemadanan"
        else:
            region = self.report_region()
            title = f"Simpan daftar perbaikan NIK — {self.report_region_label()}"
            name = "daftar_pemadanan_" + (region.replace(".", "") if region else "semua_desa")
        filt = "Dokumen PDF (*.pdf)" if fmt == "pdf" else "Buku kerja Excel (*.xlsx)"
        path, _ = QFileDialog.getSaveFileName(self, title, f"{name}.{fmt}", filt)
        if path:
            if not path.lower().endswith("." + fmt):
                path += "." + fmt
            self.write_report(kind, fmt, path)

    def write_report(self, kind: str, fmt: str, path: str) -> None:
        """Write one report to ``path`` in a job with progress; the result shows under the filters.
        A PDF is an issued document (number from the letter register, authenticity code)."""
        from dtks_desktop.services.matching import reports

        db, actor = self.ctx.db, self.ctx.actor
        if kind == "summary":
            if fmt == "pdf":
                job = Job(reports.write_summary_pdf, db, path, actor=actor, with_progress=False)
            else:
                job = Job(reports.write_summary_xlsx, db, path, with_progress=False)
            title = "Menyusun rekap hasil pemadanan"
        else:
            desa = self.report_region()
            if fmt == "pdf":
                job = Job(reports.write_village_lists_pdf, db, path, desa, actor=actor)
            else:
                job = Job(reports.write_village_lists_xlsx, db, path, desa, with_progress=False)
            title = f"Menyusun daftar perbaikan NIK ({self.report_region_label()})"
        self.report_button.setEnabled(False)
        self.report_handle = start_job(self, job, title, lambda res: self._report_done(kind, res),
                                       on_error=self._report_failed, on_cancel=self._report_cancelled)

    def _report_done(self, kind: str, res) -> None:
        self.report_button.setEnabled(True)
        self.last_report = res
        if kind == "summary":
            text = f"Rekap pemadanan {angka(res.villages)} desa/kelurahan ditulis ke {res.path}"
        else:
            text = (f"Daftar perbaikan NIK: {angka(res.rows)} orang di {angka(res.villages)} desa/kelurahan ditulis "
                    f"ke {res.path} (NIK dan No KK disamarkan)")
        if res.pages:
            text += f", {angka(res.pages)} halaman"
        if res.nomor:
            text += f"; nomor {res.nomor}"
        text += "."
        if res.warnings:
            self._say(text + " " + " ".join(res.warnings), "error")
        else:
            self._say_report(text)
        if res.document_id is not None:
            self.ctx.events.changed({events.DOCUMENTS, events.AUDIT}, source=self)
        self.reportFinished.emit()

    def _say_report(self, text: str) -> None:
        """The report's result stays under the filters (the decision feedback changes at every key)."""
        self.message_label.setStyleSheet("color: #1b5e20;")
        self.message_label.setText(text)
        self.message_label.setVisible(True)

    def _report_failed(self, exc: BaseException) -> None:
        self.report_button.setEnabled(True)
        message, hint = user_message(exc)
        self._say(f"{message} {hint}".strip(), "error")
        self.reportFinished.emit()

    def _report_cancelled(self) -> None:
        self.report_button.setEnabled(True)
        self._say("Laporan dibatalkan; tidak ada berkas yang ditulis.", "error")
        self.reportFinished.emit()

