"""What the import page's parts share: labels, colours, table set-up, cell texts, the preview state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableView,
    QWidget,
)

from dtks_desktop.services.importing import mapping as M
from dtks_desktop.services.importing.mapping import MappingProblem, Preset
from dtks_desktop.services.importing.run import (
    Preview,
)
from dtks_desktop.views.core.audit_view import local_time
from dtks_desktop.domain.formatting import tanggal, tanggal_jam



FILE_FILTER = (
    "Berkas data (*.xlsx *.xlsm *.xls *.xlsb *.ods *.csv *.txt *.tsv);;"
    "Excel (*.xlsx *.xlsm *.xls *.xlsb);;CSV (*.csv *.txt *.tsv);;Semua berkas (*)"
)


PREVIEW_ROWS = 20


NONE_TEXT = "(tidak ada)"


CHOOSE = "__pilih__"  # combo data of the "choose one" placeholder of a duplicated field


RED = "#b00020"


GREEN = "#1b5e20"


AMBER = "#7f6000"


# Same colours as the .xlsx report, so that the screen and the paper look alike.
SEVERITY_STYLE = {
    "error": ("Ditolak", QColor("#FFC7CE"), QColor("#9C0006")),
    "warning": ("Peringatan", QColor("#FFEB9C"), QColor("#7F6000")),
}


TABLE_KIND_LABELS = {
    "xlsx": "Excel (.xlsx)",
    "xls": "Excel 97-2003 (.xls)",
    "xlsb": "Excel biner (.xlsb)",
    "ods": "OpenDocument (.ods)",
    "csv": "CSV (teks)",
}


ENCODING_LABELS = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 (dengan BOM)",
    "cp1252": "Windows-1252",
    "utf-16": "UTF-16",
}


DELIMITER_LABELS = {";": "titik koma ( ; )", ",": "koma ( , )", "\t": "tab", "|": "garis tegak ( | )"}


def row_height(widget: QWidget) -> int:
    return widget.fontMetrics().height() + 8


def setup_table(view: QTableView, row_height: int) -> None:
    """Fixed row heights, whole-row selection, no editing: what every table here shares."""
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.setCornerButtonEnabled(False)
    vh = view.verticalHeader()
    vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    vh.setDefaultSectionSize(row_height)
    vh.hide()
    hh = view.horizontalHeader()
    hh.setHighlightSections(False)
    hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    hh.setMinimumSectionSize(40)


def cell_text(value: object) -> str:
    """A preview cell as the clerk wrote it: 62.0 -> "62", dates as dd-mm-yyyy."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Ya" if value else "Tidak"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        if value.hour or value.minute or value.second:
            return tanggal_jam(value)
        return tanggal(value)
    if isinstance(value, date):
        return tanggal(value)
    return " ".join(str(value).split())


def fmt_when(at: datetime | None) -> str:
    t = local_time(at)
    return tanggal_jam(t) if t else ""


def elide_middle(text: str, n: int = 70) -> str:
    return text if len(text) <= n else text[: n // 2 - 1] + "…" + text[-(n // 2 - 1):]


@dataclass
class PreviewState:
    """One successful preview, as the page shows it (the file is closed again)."""

    path: Path
    preview: Preview
    preset: Preset
    problems: list[MappingProblem]
    choices: dict[str, int | None]
    chosen_by_user: bool

    @property
    def match(self) -> M.HeaderMatch:
        return self.preview.match

    @property
    def kind(self) -> str:
        return self.preview.kind

    @property
    def data_rows_estimate(self) -> int:
        """Rows below the header: the progress bar's total (exact for Excel, estimated for CSV)."""
        return max(self.preview.table.estimated_rows - self.match.data_start_row + 1, 0)


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
