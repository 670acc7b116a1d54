"""The shared API of the readers: :class:`Table` (an opened file), :class:`ImportFileError`,
cell locations (:func:`column_letter`, :func:`describe_location`), the memory and size limits,
and the error helpers every format uses."""

from __future__ import annotations

import codecs
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from dtks_desktop.domain.spreadsheet import CellError

if TYPE_CHECKING:
    from dtks_desktop.services.importing.readers.csv_files import _CsvPlan


#: A row as yielded by :meth:`Table.iter_rows`: (row number as the user sees it, values).
Row = tuple[int, list[object]]

#: Default ceiling for the estimated peak memory of loading one Excel sheet with calamine.
XLSX_MEMORY_BUDGET = 2_500 * 1024 * 1024
#: Share of the currently free physical memory that one sheet load may use.
XLSX_MEMORY_SHARE_OF_FREE = 0.6
#: Estimated peak bytes per cell (measured: 82-99 bytes/cell on 200,000 x 17 DTKS-like rows).
XLSX_BYTES_PER_CELL = 100
#: Estimated peak bytes per byte of uncompressed sheet XML + shared strings (measured 1.75-2.0).
XLSX_BYTES_PER_XML_BYTE = 2.0
#: Excel files larger than this are refused before anything is decompressed. An xlsx this
#: large holds more cells than a sheet can have (1,048,576 rows) at any realistic width.
MAX_EXCEL_FILE_BYTES = 300 * 1024 * 1024
#: How many line numbers of lines that needed the fallback encoding are kept (all are counted).
DECODE_FALLBACK_KEEP = 1000

_SAMPLE_BYTES = 1 << 20  # encoding / delimiter / row-count sample of a CSV
_READ_BUFFER = 1 << 20
_DELIMITERS = (";", ",", "\t", "|")
_NO_DELIMITER = "\x1f"  # ASCII unit separator: never in real data; used for one-column files
_SHEET_EMPTY_SCAN = 200  # rows inspected before loading the next sheet when picking one


# --------------------------------------------------------------------------------------------
# Errors and locations
# --------------------------------------------------------------------------------------------


class ImportFileError(Exception):
    """A file cannot be read. ``message`` is Indonesian and names the file.

    ``code`` is a stable identifier (``"pdf"``-like codes are listed in :func:`open_table`);
    ``row`` is the row/line number and ``column`` the 0-based column index when they are known.
    """

    def __init__(
        self,
        message: str,
        *,
        code: str = "tidak_terbaca",
        path: str | os.PathLike[str] | None = None,
        row: int | None = None,
        column: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.path = Path(path) if path is not None else None
        self.row = row
        self.column = column

    @property
    def column_letter(self) -> str | None:
        return None if self.column is None else column_letter(self.column)

    def __str__(self) -> str:
        return self.message


def column_letter(index: int) -> str:
    """Excel column letters of a 0-based column index: 0 -> A, 25 -> Z, 26 -> AA."""
    if index < 0:
        raise ValueError(f"column index must be >= 0, got {index}")
    n = index + 1
    letters = ""
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_index(letters: str) -> int:
    """0-based column index of Excel column letters: A -> 0, AA -> 26."""
    s = letters.strip().upper()
    if not s or not s.isascii() or not s.isalpha():
        raise ValueError(f"not a column letter: {letters!r}")
    n = 0
    for ch in s:
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def describe_location(
    file_name: str | os.PathLike[str] | None,
    row: int | None = None,
    column: int | None = None,
    header: str | None = None,
) -> str:
    """Indonesian location prefix for messages: ``Berkas "a.xlsx", baris 12, kolom C (NIK)``.

    Use it for every per-value message (a date or NIK problem) so that all import messages
    name the file, the row and the column the same way.
    """
    parts = []
    if file_name is not None:
        parts.append(f'Berkas "{Path(file_name).name}"')
    if row is not None:
        parts.append(f"baris {row}")
    if column is not None:
        col = f"kolom {column_letter(column)}"
        if header:
            col += f" ({' '.join(str(header).split())})"
        parts.append(col)
    return ", ".join(parts)


def _q(path: Path) -> str:
    return f'"{path.name}"'


# --------------------------------------------------------------------------------------------
# Decoding helpers (registered once; names are unique to this module)
# --------------------------------------------------------------------------------------------

_ERR_LATIN1 = "dtks_importing_cp1252_latin1"
_ERR_UTF8_FALLBACK = "dtks_importing_utf8_cp1252"


def _latin1_handler(exc: UnicodeError) -> tuple[str, int]:
    # cp1252 leaves 0x81, 0x8D, 0x8F, 0x90, 0x9D undefined: keep them as latin-1 characters.
    assert isinstance(exc, UnicodeDecodeError)
    return exc.object[exc.start : exc.end].decode("latin-1"), exc.end


def _utf8_fallback_handler(exc: UnicodeError) -> tuple[str, int]:
    # Bytes that are not valid UTF-8 are read as cp1252 (only those bytes: the valid UTF-8 in
    # the same line stays UTF-8).
    assert isinstance(exc, UnicodeDecodeError)
    return exc.object[exc.start : exc.end].decode("cp1252", _ERR_LATIN1), exc.end


codecs.register_error(_ERR_LATIN1, _latin1_handler)
codecs.register_error(_ERR_UTF8_FALLBACK, _utf8_fallback_handler)


# --------------------------------------------------------------------------------------------
# Table
# --------------------------------------------------------------------------------------------


@dataclass(eq=False)
class Table:
    """An opened file: metadata plus :meth:`iter_rows`. Open it with :func:`open_table`.

    - ``kind``: ``"xlsx"`` (also .xlsm), ``"xls"``, ``"csv"`` (also .txt/.tsv), or the rarer
      ``"xlsb"`` / ``"ods"`` (read by calamine like xlsx).
    - ``sheet_names``: all sheets of a workbook ([] for CSV); ``sheet_name`` the one read.
    - ``encoding`` / ``delimiter``: CSV only (None for Excel). ``encoding`` is the main encoding
      of the file: ``"utf-8"``, ``"utf-8-sig"``, ``"cp1252"``, ``"utf-16"``. ``delimiter`` is
      None for a one-column CSV.
    - ``estimated_rows``: rows/lines in the sheet/file including title and header rows; exact
      for Excel, estimated from the first megabyte for a large CSV. For a progress bar: compare
      it with the row number of the current row.
    - ``notes``: Indonesian notes about how the file was read (for the import report).
    - ``decode_fallback_lines`` / ``decode_fallback_count``: CSV lines that were not in the
      main encoding (a UTF-8 file with some Windows-1252 bytes, or the reverse). Filled while
      iterating; :meth:`decode_warning` turns them into a message.
    - ``merged_ranges``: merged cells of the sheet as 1-based inclusive
      ``(first_row, first_col_index, last_row, last_col_index)``; column indexes 0-based.
    """

    path: Path
    kind: str
    sheet_names: list[str] = field(default_factory=list)
    sheet_name: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    estimated_rows: int = 0
    notes: list[str] = field(default_factory=list)
    decode_fallback_lines: list[int] = field(default_factory=list)
    decode_fallback_count: int = 0
    merged_ranges: list[tuple[int, int, int, int]] = field(default_factory=list)
    error_rows: list[int] = field(default_factory=list)
    error_row_count: int = 0
    # --- private ---
    _cell_errors: dict[tuple[int, int], CellError] = field(default_factory=dict, repr=False)
    _sheet: object = field(default=None, repr=False)
    _workbook: object = field(default=None, repr=False)
    _csv: _CsvPlan | None = field(default=None, repr=False)

    @property
    def file_name(self) -> str:
        return self.path.name

    def iter_rows(self) -> Iterator[Row]:
        """Yield ``(row_number, values)`` for every non-blank row. Can be called again."""
        if self.kind in ("xlsx", "xls", "xlsb", "ods"):
            if self._sheet is None:
                raise ImportFileError(
                    f"Berkas {_q(self.path)} sudah ditutup; buka lagi untuk membacanya",
                    code="ditutup",
                    path=self.path,
                )
            self.error_rows, self.error_row_count = [], 0
            from dtks_desktop.services.importing.readers.excel import _iter_calamine

            return _iter_calamine(self._sheet, self._cell_errors, self)
        assert self._csv is not None
        self.decode_fallback_lines = []
        self.decode_fallback_count = 0
        self.error_rows, self.error_row_count = [], 0
        from dtks_desktop.services.importing.readers.csv_files import _iter_csv

        return _iter_csv(self, self._csv)

    def head(self, n: int = 30) -> list[Row]:
        """The first ``n`` non-blank rows (for header detection and previews)."""
        out: list[Row] = []
        if n <= 0:
            return out
        it = self.iter_rows()
        try:
            for item in it:
                out.append(item)
                if len(out) >= n:
                    break
        finally:
            close = getattr(it, "close", None)
            if close is not None:
                close()
        return out

    def decode_warning(self) -> str | None:
        """Indonesian warning about lines read in a second encoding, or None.

        Call it after iterating: the lines are found while reading.
        """
        if not self.decode_fallback_count:
            return None
        other = "Windows-1252" if self.encoding != "cp1252" else "UTF-8"
        shown = self.decode_fallback_lines[:10]
        lines = ", ".join(str(n) for n in shown)
        more = self.decode_fallback_count - len(shown)
        if more > 0:
            lines += f" dan {more} baris lainnya"
        return (
            f"Berkas {_q(self.path)}: {self.decode_fallback_count} baris berisi huruf dengan "
            f"pengodean {other} (berkas ini campuran), yaitu baris {lines}. Huruf seperti é atau "
            "ñ pada baris itu sudah dibaca sebaik mungkin; mohon periksa ejaan nama dan alamatnya"
        )

    def error_rows_note(self) -> str | None:
        """Indonesian note about rows skipped because they held only error/formula cells, or None.

        Call it after iterating.
        """
        if not self.error_row_count:
            return None
        shown = ", ".join(str(n) for n in self.error_rows[:10])
        more = self.error_row_count - min(len(self.error_rows), 10)
        if more > 0:
            shown += f" dan {more} baris lainnya"
        return (f"Berkas {_q(self.path)}: {self.error_row_count} baris hanya berisi galat Excel atau rumus "
                f"tanpa nilai (tanpa data lain) dan dilewati, yaitu baris {shown}")

    def close(self) -> None:
        """Free the loaded sheet (Excel). The table cannot be iterated afterwards."""
        wb = self._workbook
        self._sheet = None
        self._workbook = None
        if wb is not None:
            try:
                wb.close()  # type: ignore[attr-defined]
            except Exception:  # noqa: BLE001 - already closed or not closable: nothing to free
                pass

    def __enter__(self) -> Table:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _open_error(p: Path, exc: OSError) -> ImportFileError:
    if isinstance(exc, PermissionError):
        msg = (
            f"Berkas {_q(p)} tidak dapat dibuka: akses ditolak. Mungkin berkas sedang dibuka di "
            "Excel atau program lain; tutup dulu, lalu coba lagi"
        )
    else:
        msg = f"Berkas {_q(p)} tidak dapat dibuka ({exc.strerror or exc})"
    return ImportFileError(msg, code="tidak_dapat_dibuka", path=p)


def _not_a_sheet(p: Path, what: str) -> ImportFileError:
    return ImportFileError(
        f"Berkas {_q(p)} bukan lembar kerja Excel/CSV yang dapat dibaca "
        f"(isinya tampak seperti {what})",
        code="bukan_lembar_kerja",
        path=p,
    )


def _corrupt(p: Path, detail: str | None = None) -> ImportFileError:
    msg = (
        f"Berkas {_q(p)} rusak dan tidak dapat dibaca"
        + (f" ({detail})" if detail else "")
        + ". Mungkin unduhannya terputus atau berkasnya terpotong; coba buka di Excel. Jika Excel "
        "dapat membukanya, simpan ulang sebagai .xlsx lalu impor lagi; jika tidak, minta berkas "
        "yang baru"
    )
    return ImportFileError(msg, code="rusak", path=p)


def _password(p: Path) -> ImportFileError:
    return ImportFileError(
        f"Berkas {_q(p)} dilindungi kata sandi; buka di Excel, hapus kata sandinya, simpan, "
        "lalu impor lagi",
        code="kata_sandi",
        path=p,
    )


def _looks_binary(sample: bytes) -> bool:
    chunk = sample[:8192]
    return b"\x00" in chunk


def _only_cell_errors(vals: list) -> bool:
    """True when every non-blank value of a row is a CellError (and there is one)."""
    seen = False
    for v in vals:
        if v is None:
            continue
        if v.__class__ is CellError:
            seen = True
        elif v.__class__ is not str or (v and not v.isspace()):
            return False
    return seen


def _record_error_row(table: Table | None, row_no: int) -> None:
    if table is None:
        return
    table.error_row_count += 1
    if len(table.error_rows) < DECODE_FALLBACK_KEEP:
        table.error_rows.append(row_no)
