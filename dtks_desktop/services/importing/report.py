"""The problem report of an import, as an .xlsx the clerk can send back to the village.

NIK and No KK values are masked (UU PDP 27/2022): the report leaves the office.
The row number and column tell the village exactly which cell to fix.
"""

from __future__ import annotations

import re
from pathlib import Path

import xlsxwriter
from sqlalchemy import select

from dtks_desktop.config import data_dir
from dtks_desktop.db.models import ImportBatch, ImportProblem
from dtks_desktop.documents.sheets import SafeSheets
from dtks_desktop.domain.formatting import angka, tanggal_jam
from dtks_desktop.domain.masking import is_identifier, mask_identifier
from dtks_desktop.services.core import settings
from dtks_desktop.services.core.database import Database

SEVERITY_LABEL = {"error": "Ditolak", "warning": "Peringatan"}


def default_report_path(batch_id: int, file_name: str, folder: Path | None = None) -> Path:
    folder = folder or (data_dir() / "laporan-impor")
    folder.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(file_name).stem)[:60]
    return folder / f"laporan_impor_{batch_id}_{stem}.xlsx"


def write_report(db: Database, batch_id: int, target: Path) -> Path:
    """Write every problem of one batch to ``target`` (.xlsx). Returns the path."""
    with db.sessions() as s:
        batch = s.get(ImportBatch, batch_id)
        if batch is None:
            raise LookupError(f"Batch impor #{batch_id} tidak ada.")
        policy = settings.mask_policy(s)
        problems = s.execute(
            select(ImportProblem.source_row, ImportProblem.column, ImportProblem.field, ImportProblem.severity,
                   ImportProblem.code, ImportProblem.message, ImportProblem.value, ImportProblem.id_dtks,
                   ImportProblem.nama)
            .where(ImportProblem.batch_id == batch_id)
            .order_by(ImportProblem.severity, ImportProblem.source_row, ImportProblem.id)
        ).all()
        info = (batch.file_name, batch.started_at, batch.username, batch.rows_read, batch.rejected, batch.warnings)
    tmp = target.with_suffix(".tmp.xlsx")
    wb = xlsxwriter.Workbook(str(tmp), {"constant_memory": True})
    try:
        sw = SafeSheets(wb)  # values, names and headers come from the village's file: never a formula
        bold = wb.add_format({"bold": True})
        title = wb.add_format({"bold": True, "font_size": 13})
        head = wb.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1, "text_wrap": True, "valign": "top"})
        err = sw.format({"font_color": "#9C0006", "bg_color": "#FFC7CE", "border": 1})
        warn = sw.format({"font_color": "#7F6000", "bg_color": "#FFEB9C", "border": 1})
        ws = wb.add_worksheet("Masalah")
        ws.write(0, 0, f"Laporan impor: {info[0]}", title)
        ws.write(1, 0, f"Batch #{batch_id}, diimpor {tanggal_jam(info[1], lokal=True)} oleh "
                       f"{info[2] or '-'}. {angka(info[3])} baris dibaca, {angka(info[4])} ditolak, "
                       f"{angka(info[5])} dengan peringatan.")
        ws.write(2, 0, "Baris yang DITOLAK tidak masuk ke basis data: perbaiki di berkas asal lalu kirim ulang. "
                       "NIK dan No KK disamarkan.", bold)
        headers = ["No", "Baris di berkas", "Kolom", "Jenis", "Keterangan", "Nilai tertulis", "ID DTKS", "Nama",
                   "Kode masalah"]
        widths = [6, 10, 24, 12, 70, 24, 18, 28, 26]
        for c, (h, w) in enumerate(zip(headers, widths)):
            ws.set_column(c, c, w)
            ws.write(4, c, h, head)
        ws.freeze_panes(5, 0)
        # Per-cell formats cost ~3x the time of plain cells at 100,000s of rows: colour only the
        # "Jenis" column and write the rest plain.
        for i, (row, column, fld, sev, code, message, value, idd, nama) in enumerate(problems, start=1):
            r = 4 + i
            if value and is_identifier(fld, code):
                value = mask_identifier(value, policy)
            sw.write_row(ws, r, 0, (i, row, column))
            ws.write_string(r, 3, SEVERITY_LABEL.get(sev, sev), err if sev == "error" else warn)
            sw.write_row(ws, r, 4, (message, value, idd, nama, code))
        if problems:
            ws.autofilter(4, 0, 4 + len(problems), len(headers) - 1)
    finally:
        wb.close()
    tmp.replace(target)
    return target
