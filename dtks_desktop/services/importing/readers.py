"""Reading registry files: Excel (xlsx/xlsm, xls, and via calamine also xlsb/ods) and CSV/TXT.

This is the reading half of the importer. It turns a file into rows of plain values and says,
in Indonesian, why a file cannot be read. It knows nothing about the database.

Values in a row (see DOMAIN.md section 2.5, why the type matters):

- ``str``: a text cell, exactly as written (not stripped). Every CSV value is a ``str``.
- ``float`` / ``int``: a NUMERIC spreadsheet cell. A NIK that arrives as a float went through a
  spreadsheet number and lost its last digit; pass it as it is to
  :func:`dtks_desktop.domain.spreadsheet.clean_id`, which reports the damage.
- ``datetime.date`` / ``datetime.datetime``: a cell formatted as a date. A date cell that
  calamine cannot recognise as a date (unusual number format) arrives as a number, the Excel
  serial; :func:`dtks_desktop.services.importing.dates.parse_date` handles it.
- ``None``: an empty cell. Formula cells arrive with their cached value.
- :class:`~dtks_desktop.domain.spreadsheet.CellError`: a cell that lost its value, never taken
  for an empty one. In an .xlsx: an error cell (``#REF!``, ``#N/A``, ``#VALUE!``...) or a
  formula saved without a cached value (written by a program, never recalculated). calamine
  gives both as an empty string, so the sheet's XML is scanned for them once (a byte search
  for ``t="e"`` and ``<f``, about 1 s per 100 MB of XML). In a CSV: a text that is exactly an
  Excel error (what "Save as CSV" writes for an error cell) or a formula text (``=A2&B2``);
  ``="3310011109860001"`` (the trick that keeps digits as text) gives the text inside.
  Not recognised (calamine gives no way to tell, they arrive as None): error cells of .xls,
  .xlsb and .ods files.
  A row whose only values are such cells (a formula filled down past the data) is not
  yielded; :meth:`Table.error_rows_note` reports those rows.
- Rare cell types are turned into text: booleans into ``"TRUE"``/``"FALSE"``, times into
  ``"HH:MM:SS"``, durations into their ``str()``.

Row numbers are what the user sees: the Excel row number, or the physical line number in the
CSV where the record starts (a quoted field with an embedded newline makes a record span more
than one line). Rows whose values are all empty or blank are never yielded, anywhere in the
file (so trailing blank rows do not count), and the remaining rows keep their real numbers.
Column indexes are 0-based absolute positions: index 2 is column C even when columns A and B
are empty.

Memory: CSV is streamed line by line whatever its size (about 20 MB for a 180 MB file).
calamine (the fast Excel reader) loads a whole sheet at once, so :func:`open_table` first
estimates the peak memory of that load from the workbook's metadata (the sheet's
``<dimension>`` in the first 4 KB of its XML, and the uncompressed sizes of the sheet XML and
shared strings listed in the zip directory) and refuses a workbook whose estimate exceeds the
budget, asking for a CSV copy instead. The budget is :data:`XLSX_MEMORY_BUDGET` (2.5 GB),
lowered to 60 % of the physical memory that is free at that moment.

Measured on the development machine (python-calamine 0.9.1, 17 DTKS-like columns):

- 200,000 rows (xlsx 19-21 MB): peak RSS 280-340 MB, estimate 340-385 MB, 4-7 s to load and
  read (most of it in calamine's load, which cannot report progress);
- 1,000,000 rows (xlsx 103 MB): peak RSS 1.63 GB, estimate 1.94 GB, 21 s load + 2 s read.

So a full Excel sheet of a kabupaten (1,048,576 rows x 17 columns) is accepted on a PC with
about 3.2 GB of free memory and refused, with a clear message, on a smaller one.
Excel files over :data:`MAX_EXCEL_FILE_BYTES` (300 MB) are refused without looking further.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import struct
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from xml.etree import ElementTree

from dtks_desktop.domain.spreadsheet import CellError, cell_error_of_text

__all__ = [
    "ImportFileError",
    "Table",
    "Row",
    "open_table",
    "column_letter",
    "column_index",
    "describe_location",
    "available_memory",
    "XLSX_MEMORY_BUDGET",
    "XLSX_BYTES_PER_CELL",
    "XLSX_BYTES_PER_XML_BYTE",
    "MAX_EXCEL_FILE_BYTES",
    "DECODE_FALLBACK_KEEP",
]

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

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")

# Magic numbers of files people pick by mistake, with an Indonesian description.
_FOREIGN_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "PDF"),
    (b"\x89PNG", "gambar PNG"),
    (b"\xff\xd8\xff", "gambar JPEG"),
    (b"GIF8", "gambar GIF"),
    (b"BM", "gambar BMP"),
    (b"Rar!", "arsip RAR"),
    (b"7z\xbc\xaf\x27\x1c", "arsip 7-Zip"),
    (b"\x1f\x8b", "arsip GZIP"),
    (b"MZ", "program Windows (.exe)"),
    (b"{\\rtf", "dokumen RTF"),
    (b"SQLite format 3\x00", "basis data SQLite"),
)


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
            return _iter_calamine(self._sheet, self._cell_errors, self)
        assert self._csv is not None
        self.decode_fallback_lines = []
        self.decode_fallback_count = 0
        self.error_rows, self.error_row_count = [], 0
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


# --------------------------------------------------------------------------------------------
# open_table
# --------------------------------------------------------------------------------------------


def open_table(
    path: str | os.PathLike[str],
    *,
    sheet: str | int | None = None,
    memory_budget: int | None = None,
) -> Table:
    """Open a registry file for reading, detecting its kind from its content.

    ``sheet``: a sheet name or 0-based index; by default the first visible worksheet that has
    data. ``memory_budget``: ceiling in bytes for loading an Excel sheet (default
    :data:`XLSX_MEMORY_BUDGET`, lowered to 60 % of the free memory when that is known; an
    explicit value is used as it is).

    Raises :class:`ImportFileError` with one of these codes:
    ``tidak_ada`` (not found), ``tidak_dapat_dibuka`` (permission, locked, a folder),
    ``kosong``, ``bukan_lembar_kerja`` (PDF, Word, image... renamed), ``html`` (a web page saved
    as .xls), ``xml_2003`` (XML Spreadsheet 2003), ``kata_sandi`` (password protected),
    ``rusak`` (corrupt), ``terlalu_besar`` (too big for memory), ``lembar_tidak_ada``
    (no such sheet), ``berkas_sementara`` (an Excel lock file ``~$...``); while reading a CSV
    also ``sel_terlalu_panjang`` (one cell longer than ``csv.field_size_limit()``).
    """
    p = Path(path)
    try:
        st = p.stat()
    except FileNotFoundError:
        raise ImportFileError(
            f"Berkas {_q(p)} tidak ditemukan", code="tidak_ada", path=p
        ) from None
    except OSError as exc:
        raise _open_error(p, exc) from exc
    if p.is_dir():
        raise ImportFileError(
            f"{_q(p)} adalah folder, bukan berkas; pilih berkas Excel atau CSV di dalamnya",
            code="tidak_dapat_dibuka",
            path=p,
        )
    if st.st_size == 0:
        raise ImportFileError(f"Berkas {_q(p)} kosong", code="kosong", path=p)
    try:
        with open(p, "rb") as f:
            head = f.read(_SAMPLE_BYTES)
    except OSError as exc:
        raise _open_error(p, exc) from exc

    ext = p.suffix.lower()
    if p.name.startswith("~$") and not head.startswith(_ZIP_MAGICS + (_OLE_MAGIC,)):
        raise ImportFileError(
            f"Berkas {_q(p)} adalah berkas sementara yang dibuat Excel saat sebuah lembar kerja "
            "sedang dibuka, bukan data; pilih berkas aslinya (tanpa ~$ di depan namanya)",
            code="berkas_sementara",
            path=p,
        )

    if head.startswith(_ZIP_MAGICS):
        kind = _zip_kind(p)
        return _open_calamine(p, kind, ext, sheet, memory_budget, st.st_size)
    if head.startswith(_OLE_MAGIC):
        kind = _ole_kind(p, ext)
        return _open_calamine(p, kind, ext, sheet, memory_budget, st.st_size)
    for magic, what in _FOREIGN_MAGIC:
        if head.startswith(magic):
            if len(magic) <= 2 and magic != b"\x1f\x8b" and not _looks_binary(head):
                continue  # a text file that happens to start with "BM" or "MZ"
            raise _not_a_sheet(p, what)
    return _open_csv(p, head, st.st_size, ext)


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


# --------------------------------------------------------------------------------------------
# Content detection: zip (xlsx/ods) and OLE2/CFB (xls, encrypted xlsx)
# --------------------------------------------------------------------------------------------


def _zip_kind(p: Path) -> str:
    try:
        with zipfile.ZipFile(p) as zf:
            names = set(zf.namelist())
            mimetype = b""
            if "mimetype" in names:
                mimetype = zf.read("mimetype")[:100]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError):
        raise _corrupt(p, "arsip ZIP di dalamnya tidak utuh") from None
    except OSError as exc:
        raise _open_error(p, exc) from exc
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "xl/workbook.bin" in names:
        return "xlsb"
    if mimetype.startswith(b"application/vnd.oasis.opendocument.spreadsheet"):
        return "ods"
    if "word/document.xml" in names:
        raise _not_a_sheet(p, "dokumen Word")
    if any(n.startswith("ppt/") for n in names):
        raise _not_a_sheet(p, "presentasi PowerPoint")
    if mimetype.startswith(b"application/vnd.oasis.opendocument.text"):
        raise _not_a_sheet(p, "dokumen teks OpenDocument")
    if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
        raise _corrupt(p, "bagian xl/workbook.xml tidak ada")
    raise _not_a_sheet(p, "arsip ZIP biasa")


def _cfb_stream_names(p: Path, limit: int = 4096) -> set[str] | None:
    """Names of the entries of an OLE2 compound file, or None when it cannot be parsed.

    Only the header, the FAT sectors needed for the directory chain and the directory itself
    are read (a few kilobytes), whatever the size of the file.
    """
    try:
        with open(p, "rb") as f:
            hdr = f.read(512)
            if len(hdr) < 512 or not hdr.startswith(_OLE_MAGIC):
                return None
            shift = struct.unpack_from("<H", hdr, 0x1E)[0]
            if shift not in (9, 12):
                return None
            ss = 1 << shift
            size = os.fstat(f.fileno()).st_size
            first_dir = struct.unpack_from("<I", hdr, 0x30)[0]
            first_difat, n_difat = struct.unpack_from("<II", hdr, 0x44)
            difat = list(struct.unpack_from("<109I", hdr, 0x4C))
            per = ss // 4
            sec = first_difat
            for _ in range(min(n_difat, 10_000)):
                if sec >= 0xFFFFFFFA:
                    break
                f.seek((sec + 1) * ss)
                block = f.read(ss)
                if len(block) < ss:
                    return None
                vals = struct.unpack(f"<{per}I", block)
                difat.extend(vals[:-1])
                sec = vals[-1]

            def fat_next(s: int) -> int:
                idx, off = divmod(s, per)
                if idx >= len(difat) or difat[idx] >= 0xFFFFFFFA:
                    raise ValueError("sector outside FAT")
                f.seek((difat[idx] + 1) * ss + off * 4)
                raw = f.read(4)
                if len(raw) < 4:
                    raise ValueError("truncated FAT")
                return struct.unpack("<I", raw)[0]

            names: set[str] = set()
            sec = first_dir
            seen = 0
            while sec < 0xFFFFFFFA and seen < limit:
                if (sec + 1) * ss >= size:
                    return None
                f.seek((sec + 1) * ss)
                block = f.read(ss)
                for off in range(0, len(block) - 127, 128):
                    name_len = struct.unpack_from("<H", block, off + 0x40)[0]
                    etype = block[off + 0x42]
                    if etype in (1, 2, 5) and 2 <= name_len <= 64:
                        names.add(block[off : off + name_len - 2].decode("utf-16-le", "replace"))
                seen += 1
                sec = fat_next(sec)
            return names
    except (OSError, ValueError, struct.error):
        return None


def _ole_kind(p: Path, ext: str) -> str:
    names = _cfb_stream_names(p)
    if names is not None:
        upper = {n.upper() for n in names}
        if "ENCRYPTIONINFO" in upper or "ENCRYPTEDPACKAGE" in upper:
            raise _password(p)
        if "WORKBOOK" in upper or "BOOK" in upper:
            return "xls"
        if "WORDDOCUMENT" in upper:
            raise _not_a_sheet(p, "dokumen Word lama (.doc)")
        if "POWERPOINT DOCUMENT" in upper:
            raise _not_a_sheet(p, "presentasi PowerPoint lama (.ppt)")
    # Unreadable or unknown compound file. An .xlsx is never a compound file unless Excel
    # encrypted it, so for that name the password is by far the likeliest explanation.
    if ext in (".xlsx", ".xlsm", ".xlsb"):
        raise _password(p)
    raise _corrupt(p, "struktur berkas Excel lama (.xls) tidak dapat dibaca")


# --------------------------------------------------------------------------------------------
# Excel through calamine
# --------------------------------------------------------------------------------------------

_KIND_EXTENSIONS = {
    "xlsx": (".xlsx", ".xlsm", ".xltx", ".xltm"),
    "xls": (".xls", ".xla"),
    "xlsb": (".xlsb",),
    "ods": (".ods",),
}
_KIND_LABEL = {
    "xlsx": "Excel (.xlsx)",
    "xls": "Excel 97-2003 (.xls)",
    "xlsb": "Excel biner (.xlsb)",
    "ods": "OpenDocument (.ods)",
}


def available_memory() -> int | None:
    """Free physical memory in bytes (Windows and Linux), or None when unknown."""
    try:
        if sys.platform == "win32":
            import ctypes

            class _MemStatus(ctypes.Structure):
                _fields_ = [
                    ("dwLength", ctypes.c_ulong),
                    ("dwMemoryLoad", ctypes.c_ulong),
                    ("ullTotalPhys", ctypes.c_ulonglong),
                    ("ullAvailPhys", ctypes.c_ulonglong),
                    ("ullTotalPageFile", ctypes.c_ulonglong),
                    ("ullAvailPageFile", ctypes.c_ulonglong),
                    ("ullTotalVirtual", ctypes.c_ulonglong),
                    ("ullAvailVirtual", ctypes.c_ulonglong),
                    ("ullAvailExtendedVirtual", ctypes.c_ulonglong),
                ]

            stat = _MemStatus()
            stat.dwLength = ctypes.sizeof(_MemStatus)
            kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
            if kernel32.GlobalMemoryStatusEx(ctypes.byref(stat)):
                return int(stat.ullAvailPhys)
            return None
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except Exception:  # noqa: BLE001 - unknown platform or restricted: no dynamic limit
        return None
    return None


_DIMENSION_RE = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?\"")


def _xlsx_sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> zip member of its XML (best effort; {} when the workbook is unusual)."""
    try:
        wb = ElementTree.fromstring(zf.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        return {}
    targets = {}
    for rel in rels:
        rid, target = rel.get("Id"), rel.get("Target")
        if rid and target:
            target = target.lstrip("/")
            targets[rid] = target if target.startswith("xl/") else "xl/" + target
    out = {}
    for el in wb.iter():
        if el.tag.endswith("}sheet") or el.tag == "sheet":
            rid = next((v for k, v in el.attrib.items() if k.endswith("}id")), None)
            name = el.get("name")
            if name and rid in targets:
                out[name] = targets[rid]
    return out


def _xlsx_estimate(zf: zipfile.ZipFile, part: str | None) -> tuple[int, int | None, int | None]:
    """(estimated peak bytes, rows, columns) of loading one sheet; rows/cols from <dimension>."""
    infos = {i.filename: i for i in zf.infolist()}
    if part is None or part not in infos:
        sheets = [
            i for n, i in infos.items() if n.startswith("xl/worksheets/") and n.endswith(".xml")
        ]
        info = max(sheets, key=lambda i: i.file_size, default=None)
    else:
        info = infos[part]
    xml_bytes = info.file_size if info is not None else 0
    sst = infos.get("xl/sharedStrings.xml")
    xml_bytes += sst.file_size if sst is not None else 0
    rows = cols = None
    if info is not None:
        try:
            with zf.open(info) as fh:
                m = _DIMENSION_RE.search(fh.read(4096))
        except (zipfile.BadZipFile, OSError, EOFError, ValueError):
            m = None
        if m and m.group(3):
            rows = int(m.group(4)) - int(m.group(2)) + 1
            cols = column_index(m.group(3).decode()) - column_index(m.group(1).decode()) + 1
    estimate = int(xml_bytes * XLSX_BYTES_PER_XML_BYTE)
    if rows is not None and cols is not None and rows > 0 and cols > 0:
        estimate = max(estimate, rows * cols * XLSX_BYTES_PER_CELL)
    return estimate, rows, cols


def _gb(n: float) -> str:
    return f"{n / (1024 ** 3):.1f}".replace(".", ",")


def _check_memory(
    p: Path, kind: str, sheet: str | int | None, memory_budget: int | None, file_size: int
) -> None:
    if kind == "xls":
        return  # at most 65,536 rows x 256 columns: always fits
    if file_size > MAX_EXCEL_FILE_BYTES:
        raise _too_large(p, None, None, file_size * 10, None, by_file_size=True)
    if kind != "xlsx":
        # xlsb / ods: no cheap dimension; compressed data, roughly 10x when loaded.
        estimate, rows, cols = file_size * 10, None, None
    else:
        try:
            with zipfile.ZipFile(p) as zf:
                parts = _xlsx_sheet_parts(zf)
                part = None
                if isinstance(sheet, str):
                    part = parts.get(sheet)
                elif isinstance(sheet, int) and 0 <= sheet < len(parts):
                    part = list(parts.values())[sheet]
                elif parts:
                    # Default sheet: the largest one is the one to worry about.
                    part = max(parts.values(), key=lambda n: _member_size(zf, n))
                estimate, rows, cols = _xlsx_estimate(zf, part)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError):
            raise _corrupt(p, "arsip ZIP di dalamnya tidak utuh") from None
    budget = memory_budget
    free = None
    if budget is None:
        budget = XLSX_MEMORY_BUDGET
        free = available_memory()
        if free is not None:
            budget = min(budget, int(free * XLSX_MEMORY_SHARE_OF_FREE))
    if estimate > budget:
        raise _too_large(p, rows, cols, estimate, free)


def _member_size(zf: zipfile.ZipFile, name: str) -> int:
    try:
        return zf.getinfo(name).file_size
    except KeyError:
        return 0


def _too_large(
    p: Path,
    rows: int | None,
    cols: int | None,
    estimate: int,
    free: int | None,
    *,
    by_file_size: bool = False,
) -> ImportFileError:
    if by_file_size:
        what = f"berkas Excel sebesar {_gb(p.stat().st_size)} GB"
    elif rows and cols:
        what = f"{rows:,} baris x {cols} kolom".replace(",", ".")
        what += f", perlu sekitar {_gb(estimate)} GB memori"
    else:
        what = f"perlu sekitar {_gb(estimate)} GB memori"
    if free is not None and not by_file_size:
        what += f", tersedia {_gb(free)} GB"
    return ImportFileError(
        f"Berkas {_q(p)} terlalu besar untuk dibaca sebagai Excel di komputer ini ({what}). "
        "Buka berkas di Excel, pilih Simpan Sebagai > CSV UTF-8 (dipisahkan koma), lalu impor "
        "berkas CSV itu: berkas CSV sebesar apa pun dapat dibaca",
        code="terlalu_besar",
        path=p,
    )


def _load_workbook(p: Path, kind: str, ext: str):  # -> CalamineWorkbook
    import python_calamine as pc

    try:
        if ext in _KIND_EXTENSIONS.get(kind, ()) or ext not in sum(_KIND_EXTENSIONS.values(), ()):
            # calamine chooses the format from a known extension and sniffs an unknown one.
            return pc.CalamineWorkbook.from_path(str(p))
        # Content and name disagree (an .xls that is really .xlsx): let calamine sniff it.
        with open(p, "rb") as f:
            return pc.CalamineWorkbook.from_filelike(f)
    except pc.PasswordError:
        raise _password(p) from None
    except (pc.CalamineError, ValueError, OSError) as exc:
        if isinstance(exc, PermissionError):
            raise _open_error(p, exc) from exc
        raise _corrupt(p, _calamine_detail(exc)) from None


def _calamine_detail(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:120] if text else type(exc).__name__


def _open_calamine(
    p: Path,
    kind: str,
    ext: str,
    sheet: str | int | None,
    memory_budget: int | None,
    file_size: int,
) -> Table:
    import python_calamine as pc

    _check_memory(p, kind, sheet, memory_budget, file_size)
    wb = _load_workbook(p, kind, ext)
    names = list(wb.sheet_names)
    notes = []
    expected = _KIND_EXTENSIONS.get(kind, ())
    if ext and ext not in expected:
        notes.append(
            f"Berkas {_q(p)} bernama {ext} tetapi isinya {_KIND_LABEL[kind]}; dibaca sesuai isinya"
        )

    def load(index: int):
        try:
            return wb.get_sheet_by_index(index)
        except pc.PasswordError:
            raise _password(p) from None
        except (pc.CalamineError, ValueError) as exc:
            raise _corrupt(p, _calamine_detail(exc)) from None

    chosen = None
    chosen_index = None
    if sheet is not None:
        if isinstance(sheet, int) and not isinstance(sheet, bool):
            if not 0 <= sheet < len(names):
                raise _no_sheet(p, str(sheet + 1), names)
            chosen_index = sheet
        else:
            if sheet not in names:
                wanted = str(sheet).strip().lower()
                matches = [i for i, n in enumerate(names) if n.strip().lower() == wanted]
                if not matches:
                    raise _no_sheet(p, str(sheet), names)
                chosen_index = matches[0]
            else:
                chosen_index = names.index(sheet)
        chosen = load(chosen_index)
        if not _sheet_has_data(chosen):
            raise ImportFileError(
                f'Lembar "{names[chosen_index]}" di berkas {_q(p)} kosong', code="kosong", path=p
            )
    else:
        metas = list(getattr(wb, "sheets_metadata", []) or [])
        order = list(range(len(names)))
        if len(metas) == len(names):
            visible = [
                i
                for i, m in enumerate(metas)
                if str(m.visible).endswith("Visible") and str(m.typ).endswith("WorkSheet")
            ]
            order = visible + [i for i in order if i not in visible]
        for i in order:
            sh = load(i)
            if _sheet_has_data(sh):
                chosen, chosen_index = sh, i
                break
            del sh
        if chosen is None:
            raise ImportFileError(f"Berkas {_q(p)} kosong", code="kosong", path=p)
        if len(names) > 1:
            notes.append(
                f'Berkas {_q(p)} berisi {len(names)} lembar; yang dibaca lembar '
                f'"{names[chosen_index]}"'
            )

    assert chosen_index is not None
    merged: list[tuple[int, int, int, int]] = []
    try:
        for (r0, c0), (r1, c1) in chosen.merged_cell_ranges or ():
            merged.append((r0 + 1, c0, r1 + 1, c1))
    except Exception:  # noqa: BLE001 - merged ranges are informative only
        merged = []
    end = chosen.end
    cell_errors = _xlsx_cell_errors(p, names[chosen_index]) if kind == "xlsx" else {}
    return Table(
        path=p,
        kind=kind,
        sheet_names=names,
        sheet_name=names[chosen_index],
        estimated_rows=(end[0] + 1) if end else 0,
        notes=notes,
        merged_ranges=merged,
        _cell_errors=cell_errors,
        _sheet=chosen,
        _workbook=wb,
    )


def _no_sheet(p: Path, wanted: str, names: list[str]) -> ImportFileError:
    listed = ", ".join(f'"{n}"' for n in names)
    return ImportFileError(
        f'Lembar "{wanted}" tidak ada di berkas {_q(p)}; lembar yang ada: {listed}',
        code="lembar_tidak_ada",
        path=p,
    )


def _sheet_has_data(sheet) -> bool:
    if sheet.start is None or sheet.height == 0:
        return False
    for _row_no, _values in _iter_calamine(sheet):
        return True
    return False


_PLAIN_TYPES = frozenset({str, float, int, date, datetime, type(None)})


def _convert_rare(v: object) -> object:
    if v is True:
        return "TRUE"
    if v is False:
        return "FALSE"
    if isinstance(v, dtime):
        return v.isoformat(timespec="seconds")
    if isinstance(v, timedelta):
        return str(v)
    if isinstance(v, (date, datetime, int, float, str)):  # subclasses of plain types
        return v
    return str(v)


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


def _iter_calamine(sheet, errors: dict[tuple[int, int], CellError] | None = None,
                   table: Table | None = None) -> Iterator[Row]:
    start = sheet.start
    if start is None:
        return
    r0, c0 = start
    pad = [None] * c0
    plain = _PLAIN_TYPES
    by_row: dict[int, list[tuple[int, CellError]]] = {}
    for (r, c), ce in (errors or {}).items():
        by_row.setdefault(r, []).append((c, ce))
    # python-calamine 0.9 yields rows from row 0 (leading empty rows included) but columns
    # only from the first used column. If a version yields from the first used row instead,
    # that row is not empty: detect it on the first row and shift the numbering.
    row_no = 0
    first = True
    for raw in sheet.iter_rows():
        row_no += 1
        if first:
            first = False
            if r0 > 0 and any(v != "" for v in raw):
                row_no = r0 + 1
        vals = [None if v == "" else (v if type(v) in plain else _convert_rare(v)) for v in raw]
        if c0:
            vals = pad + vals
        cells = by_row.get(row_no) if by_row else None
        if cells:
            for c, ce in cells:
                if c >= len(vals):
                    vals.extend([None] * (c + 1 - len(vals)))
                if vals[c] is None:  # calamine gives errors as "": never replace a real value
                    vals[c] = ce
            if _only_cell_errors(vals):
                _record_error_row(table, row_no)
                continue
        for v in vals:
            if v is not None and (v.__class__ is not str or not v.isspace()):
                break
        else:
            continue  # blank row
        yield row_no, vals
    # calamine's range ends at the last cell with a value: rows below it held only formulas
    # without a value.
    for r in sorted(r for r in by_row if r > row_no):
        _record_error_row(table, r)


# --------------------------------------------------------------------------------------------
# Error cells and formulas without a cached value in an .xlsx sheet (calamine hides them)
# --------------------------------------------------------------------------------------------

_SCAN_CHUNK = 1 << 22
_TAG_END = (b" ", b">", b"/", b"\t", b"\n", b"\r")  # what follows a tag name
_SHEETDATA_RE = re.compile(rb"<(\w+:)?sheetData[\s>/]")
_REF_RE = re.compile(rb"""\sr\s*=\s*["']([A-Z]{1,3})(\d+)["']""")
_T_RE = re.compile(rb"""\st\s*=\s*["'](\w+)["']""")


def _xml_unescape(b: bytes) -> str:
    t = b.decode("utf-8", "replace")
    if "&" in t:
        t = (t.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'")
             .replace("&amp;", "&"))
    return t


def _xlsx_cell_errors(p: Path, sheet_name: str) -> dict[tuple[int, int], CellError]:
    """(Excel row number, 0-based column) -> CellError for the error cells and the formula cells
    without a cached value of one sheet of an .xlsx. {} when the sheet XML cannot be found."""
    try:
        with zipfile.ZipFile(p) as zf:
            part = _xlsx_sheet_parts(zf).get(sheet_name)
            if part is None:
                return {}
            out = _scan_sheet_xml(zf, part)
            if out is None:  # cells without an "r" reference: count them instead (slower, rare)
                out = _scan_sheet_xml_counting(zf, part)
            return out
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, KeyError, ElementTree.ParseError):
        return {}


def _cell_bounds(data: bytes, at: int, c_open: bytes, c_close: bytes) -> tuple[int, int, int] | None:
    """(start of the <c tag, end of that tag, end of the cell) around position ``at``."""
    start = data.rfind(c_open, 0, at)
    while start >= 0 and data[start + len(c_open): start + len(c_open) + 1] not in _TAG_END:
        start = data.rfind(c_open, 0, start)
    if start < 0:
        return None
    tag_end = data.find(b">", start)
    if tag_end < 0:
        return None
    if data[tag_end - 1: tag_end] == b"/":
        return start, tag_end + 1, tag_end + 1
    end = data.find(c_close, tag_end)
    if end < 0:
        return None
    return start, tag_end + 1, end + len(c_close)


def _scan_sheet_xml(zf: zipfile.ZipFile, part: str) -> dict[tuple[int, int], CellError] | None:
    out: dict[tuple[int, int], CellError] = {}
    prefix = None
    rest = b""
    with zf.open(part) as fh:
        while True:
            chunk = fh.read(_SCAN_CHUNK)
            data = rest + chunk
            if prefix is None:
                m = _SHEETDATA_RE.search(data)
                if m is None:
                    if not chunk:
                        return out
                    rest = data
                    continue
                prefix = m.group(1) or b""
                c_open, c_close = b"<" + prefix + b"c", b"</" + prefix + b"c>"
                f_open, v_open = b"<" + prefix + b"f", b"<" + prefix + b"v"
                row_close = b"</" + prefix + b"row>"
            if chunk:
                cut = data.rfind(row_close)
                if cut < 0:
                    cut = data.rfind(c_close)
                if cut < 0:
                    rest = data
                    continue
                cut = data.find(b">", cut) + 1
                data, rest = data[:cut], data[cut:]
            found: dict[int, tuple[int, int, int]] = {}
            for needle in (b't="e"', b"t='e'"):
                i = data.find(needle)
                while i >= 0:
                    b = _cell_bounds(data, i, c_open, c_close)
                    if b is not None and data.find(b">", b[0]) >= i:  # the attribute is on a <c> tag
                        found[b[0]] = b
                    i = data.find(needle, i + 5)
            i = data.find(f_open)
            while i >= 0:
                nxt = data[i + len(f_open): i + len(f_open) + 1]
                if nxt in _TAG_END:
                    b = _cell_bounds(data, i, c_open, c_close)
                    if b is not None and b[0] not in found:
                        found[b[0]] = b
                i = data.find(f_open, i + 2)
            for start, tag_end, end in found.values():
                tag = data[start:tag_end]
                ref = _REF_RE.search(tag)
                if ref is None:
                    return None
                ce = _cell_error_of_xml(tag, data[tag_end:end], f_open, v_open, prefix)
                if ce is not None:
                    col = column_index(ref.group(1).decode())
                    out[(int(ref.group(2)), col)] = ce
            if not chunk:
                return out


def _cell_error_of_xml(tag: bytes, body: bytes, f_open: bytes, v_open: bytes, prefix: bytes) -> CellError | None:
    t = _T_RE.search(tag)
    typ = t.group(1) if t else b"n"
    v = None
    vi = body.find(v_open)
    if vi >= 0 and body[vi + len(v_open): vi + len(v_open) + 1] in (b">", b" ", b"/"):
        close = body.find(b">", vi)
        if body[close - 1: close] != b"/":
            v_end = body.find(b"</" + prefix + b"v>", close)
            v = body[close + 1: v_end if v_end >= 0 else len(body)]
    if typ == b"e":
        return CellError(_xml_unescape(v).strip() if v else "#GALAT")
    if typ == b"str" or typ == b"inlineStr":
        return None  # a formula whose result is text, possibly "" (a computed empty cell)
    if v is not None and v.strip():
        return None  # cached value present
    fi = body.find(f_open)
    if fi < 0:
        return None
    close = body.find(b">", fi)
    if body[close - 1: close] == b"/":
        formula = ""  # shared formula continued from another cell
    else:
        f_end = body.find(b"</" + prefix + b"f>", close)
        formula = _xml_unescape(body[close + 1: f_end if f_end >= 0 else len(body)])
    return CellError("=" + formula if formula else "=(rumus bersama)", formula=True)


def _scan_sheet_xml_counting(zf: zipfile.ZipFile, part: str) -> dict[tuple[int, int], CellError]:
    """Same as :func:`_scan_sheet_xml` for sheets whose cells carry no "r" reference."""
    out: dict[tuple[int, int], CellError] = {}
    row = 0
    col = -1
    with zf.open(part) as fh:
        for ev, el in ElementTree.iterparse(fh, events=("start", "end")):
            name = el.tag.rsplit("}", 1)[-1]
            if ev == "start":
                if name == "row":
                    r = el.get("r")
                    row = int(r) if r and r.isdigit() else row + 1
                    col = -1
                elif name == "c":
                    r = el.get("r")
                    m = re.fullmatch(r"([A-Z]{1,3})(\d+)", r or "")
                    col = column_index(m.group(1)) if m else col + 1
                continue
            if name == "c":
                typ = el.get("t", "n")
                f = v = None
                for child in el:
                    cname = child.tag.rsplit("}", 1)[-1]
                    if cname == "f":
                        f = child.text or ""
                    elif cname == "v":
                        v = child.text or ""
                if typ == "e":
                    out[(row, col)] = CellError((v or "").strip() or "#GALAT")
                elif f is not None and typ not in ("str", "inlineStr") and not (v or "").strip():
                    out[(row, col)] = CellError("=" + f if f else "=(rumus bersama)", formula=True)
                el.clear()
            elif name == "row":
                el.clear()
    return out


# --------------------------------------------------------------------------------------------
# CSV
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _CsvPlan:
    encoding: str  # main encoding: utf-8, utf-8-sig, cp1252, utf-16, utf-16-le, utf-16-be
    skip_bytes: int  # BOM length
    delimiter: str  # _NO_DELIMITER for a one-column file
    skip_lines: int  # a leading "sep=;" line
    universal_newlines: bool  # CR-only line ends or UTF-16: read through TextIOWrapper


def _detect_text_encoding(sample: bytes) -> tuple[str, int] | None:
    """(encoding, BOM length) of a text sample, or None when it is not text."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", 3
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", 0  # the utf-16 codec reads and removes the BOM itself
    chunk = sample[:8192]
    if b"\x00" in chunk:
        even = chunk[0::2].count(0)
        odd = chunk[1::2].count(0)
        half = len(chunk) // 2
        if odd > half * 0.3 and even < half * 0.05:
            return "utf-16-le", 0
        if even > half * 0.3 and odd < half * 0.05:
            return "utf-16-be", 0
        return None
    # Only whole lines: the sample may end inside a multi-byte character.
    cut = sample.rfind(b"\n")
    body = sample if cut < 0 or len(sample) < _SAMPLE_BYTES else sample[: cut + 1]
    try:
        body.decode("utf-8")
        return "utf-8", 0
    except UnicodeDecodeError:
        pass
    good = bad = 0
    for line in body.splitlines():
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            good += 1
        except UnicodeDecodeError:
            bad += 1
    return ("utf-8", 0) if good >= bad else ("cp1252", 0)


def _decode_sample(sample: bytes, encoding: str, skip: int) -> str:
    body = sample[skip:]
    if encoding.startswith("utf-16"):
        if len(body) % 2:
            body = body[:-1]
        return body.decode(encoding, "replace")
    return body.decode("utf-8", _ERR_UTF8_FALLBACK)


def _count_fields(lines: list[str], delimiter: str) -> list[int]:
    counts = []
    reader = csv.reader(lines, delimiter=delimiter, quotechar='"', strict=False)
    try:
        for row in reader:
            if not row or not any(v.strip() for v in row):
                continue
            counts.append(len(row))
            if len(counts) >= 200:
                break
    except csv.Error:
        pass
    return counts


def _detect_delimiter(lines: list[str]) -> str | None:
    """The delimiter that splits the most lines into the same number (>= 2) of fields.

    Lines with one field (titles such as "DATA TERPADU KESEJAHTERAAN SOSIAL") are ignored,
    and at least two lines must agree (unless the sample has a single line). Ties go to the
    delimiter giving more columns, then to the order ; , tab |. None: one column.
    """
    best: tuple[int, int, int] | None = None
    best_delim = None
    nonblank = sum(1 for line in lines if line.strip())
    for rank, d in enumerate(_DELIMITERS):
        if not any(d in line for line in lines):
            continue
        counts = [c for c in _count_fields(lines, d) if c >= 2]
        if not counts:
            continue
        freq: dict[int, int] = {}
        for c in counts:
            freq[c] = freq.get(c, 0) + 1
        modal, support = max(freq.items(), key=lambda kv: (kv[1], kv[0]))
        if support < 2 and nonblank > 1:
            continue  # one line with a comma in a one-column file is not a delimiter
        key = (support, modal, -rank)
        if best is None or key > best:
            best, best_delim = key, d
    if best_delim is None:
        # Only blank rows sampled (";;;;" exported from Excel): the delimiter that fills them.
        seen = [(sum(d in line for line in lines), -rank, d) for rank, d in enumerate(_DELIMITERS)]
        hits, _rank, d = max(seen)
        if hits >= 2:
            best_delim = d
    return best_delim


def _open_csv(p: Path, sample: bytes, size: int, ext: str) -> Table:
    lowered = sample[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    detected = _detect_text_encoding(sample)
    if detected is None:
        raise _not_a_sheet(p, "berkas biner yang tidak dikenal")
    encoding, skip = detected
    if encoding.startswith("utf-16"):
        decoded = _decode_sample(sample[:8192], encoding, skip)
        lowered = decoded.lstrip("\ufeff \t\r\n").lower().encode()
    if lowered.startswith((b"<!doctype html", b"<html", b"<table", b"<meta", b"<head")) or (
        lowered.startswith(b"<") and b"<table" in lowered
    ):
        raise ImportFileError(
            f"Berkas {_q(p)} berisi halaman web (HTML), bukan lembar kerja Excel asli. Buka "
            "berkas ini di Excel, pilih Simpan Sebagai > Buku Kerja Excel (.xlsx), lalu impor "
            "berkas .xlsx itu",
            code="html",
            path=p,
        )
    if lowered.startswith(b"<?xml"):
        if b"urn:schemas-microsoft-com:office:spreadsheet" in sample[:65536]:
            raise ImportFileError(
                f"Berkas {_q(p)} berformat XML Spreadsheet 2003. Buka berkas ini di Excel, pilih "
                "Simpan Sebagai > Buku Kerja Excel (.xlsx), lalu impor berkas .xlsx itu",
                code="xml_2003",
                path=p,
            )
        raise _not_a_sheet(p, "dokumen XML")

    text = _decode_sample(sample, encoding, skip)
    if not _has_content(p, text, size, len(sample), encoding):
        raise ImportFileError(f"Berkas {_q(p)} kosong", code="kosong", path=p)

    lines = text.splitlines(keepends=True)
    if len(sample) < size and lines:
        lines = lines[:-1]  # the last sampled line may be cut
    skip_lines = 0
    delimiter = None
    first = lines[0].rstrip("\r\n") if lines else ""
    if first.lower().startswith("sep=") and len(first) == 5:
        delimiter = first[4]
        skip_lines = 1
    if delimiter is None:
        delimiter = _detect_delimiter(lines[:400])

    universal = encoding.startswith("utf-16") or (b"\r" in sample and b"\n" not in sample)
    nl = max(text.count("\n"), text.count("\r") if universal else 0)
    if len(sample) >= size:
        estimated = nl + (0 if text.endswith(("\n", "\r")) else 1)
    else:
        estimated = int(size / max(1, len(sample)) * max(1, nl))

    notes = []
    if ext in (".xlsx", ".xls", ".xlsm", ".xlsb", ".ods"):
        notes.append(f"Berkas {_q(p)} bernama {ext} tetapi isinya teks CSV; dibaca sebagai CSV")
    if encoding == "cp1252":
        notes.append(f"Berkas {_q(p)} dibaca dengan pengodean Windows-1252 (bukan UTF-8)")
    plan = _CsvPlan(
        encoding=encoding,
        skip_bytes=skip,
        delimiter=delimiter or _NO_DELIMITER,
        skip_lines=skip_lines,
        universal_newlines=universal,
    )
    return Table(
        path=p,
        kind="csv",
        sheet_names=[],
        sheet_name=None,
        encoding=encoding,
        delimiter=delimiter,
        estimated_rows=estimated,
        notes=notes,
        _csv=plan,
    )


_BLANK_BYTES = b" \t\r\n\f\v;,|\"'"


def _has_content(p: Path, text: str, size: int, sampled: int, encoding: str) -> bool:
    """True when the file has a non-blank row (anything beyond spaces, delimiters, quotes)."""
    if text.translate({ord(c): None for c in " \t\r\n\f\v;,|\"'\ufeff\x1f"}):
        return True
    if sampled >= size or encoding.startswith("utf-16"):
        return False
    with open(p, "rb") as f:
        f.seek(sampled)
        while True:
            chunk = f.read(_READ_BUFFER)
            if not chunk:
                return False
            if chunk.translate(None, _BLANK_BYTES):
                return True


def _record_fallback(table: Table, line_no: int) -> None:
    table.decode_fallback_count += 1
    if len(table.decode_fallback_lines) < DECODE_FALLBACK_KEEP:
        table.decode_fallback_lines.append(line_no)


def _lines_fallback(f: io.BufferedReader, table: Table, base: int) -> Iterator[str]:
    """UTF-8 lines; the bad bytes of a line that is not valid UTF-8 are read as cp1252."""
    n = base
    for raw in f:
        n += 1
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError:
            _record_fallback(table, n)
            yield raw.decode("utf-8", _ERR_UTF8_FALLBACK)


def _lines_cp1252(f: io.BufferedReader, table: Table, base: int) -> Iterator[str]:
    """cp1252 lines; a non-ASCII line that is valid UTF-8 is read as UTF-8 (and recorded)."""
    n = base
    for raw in f:
        n += 1
        if raw.isascii():
            yield raw.decode("ascii")
            continue
        try:
            s = raw.decode("utf-8")
        except UnicodeDecodeError:
            yield raw.decode("cp1252", _ERR_LATIN1)
        else:
            _record_fallback(table, n)
            yield s


_QUOTED_RE = re.compile(r'"[^"]*(?:""[^"]*)*"?')


def _long_field(text: str, delimiter: str, limit: int) -> tuple[int, int] | None:
    """(0-based column, length) of the first field of one CSV line longer than ``limit``."""
    text = text.rstrip("\r\n")
    pos, col, n = 0, 0, len(text)
    while pos <= n:
        start = _QUOTED_RE.match(text, pos).end() if text.startswith('"', pos) else pos
        end = text.find(delimiter, start)
        if end < 0:
            end = n
        if end - pos > limit:
            return col, end - pos
        pos, col = end + 1, col + 1
    return None


def _physical_line(path: Path, line_no: int, encoding: str) -> str | None:
    """Line ``line_no`` (1-based) of a byte-oriented text file, decoded leniently."""
    try:
        with open(path, "rb") as f:
            for n, raw in enumerate(f, start=1):
                if n == line_no:
                    return raw.decode("cp1252" if encoding == "cp1252" else "utf-8", "replace")
    except OSError:
        return None
    return None


def _too_long_error(path: Path, line: int, delimiter: str, encoding: str | None) -> ImportFileError:
    """One physical line holds a cell over the csv module's limit: say so, with its column."""
    limit = csv.field_size_limit()
    found = None
    if encoding is not None:
        text = _physical_line(path, line, encoding)
        found = _long_field(text, delimiter, limit) if text is not None else None
    where = describe_location(path, line, found[0] if found else None)
    size = f"{found[1]:,}".replace(",", ".") + " karakter" if found else None
    msg = (f"{where}: isi sel terlalu panjang ({size}; paling banyak " if size else
           f"{where}: ada sel yang terlalu panjang (paling banyak ")
    msg += (f"{limit:,}".replace(",", ".") + " karakter). Berkas ini tampaknya rusak atau bukan hasil ekspor "
            "yang benar: periksa baris itu, perbaiki atau kosongkan sel tersebut, lalu impor lagi")
    return ImportFileError(msg, code="sel_terlalu_panjang", path=path, row=line,
                           column=found[0] if found else None)


def _csv_records(
    lines: Iterator[str], delimiter: str, base: int, state: list[int], path: Path, encoding: str | None = None,
    table: Table | None = None,
) -> Iterator[Row]:
    """Records of ``lines`` as (start line, fields); ``state[0]`` = last line consumed.

    ``encoding``: how the file's bytes are decoded when ``lines`` are its physical lines
    (None when they are not, e.g. CR-only line ends or UTF-16): used to find the column of a
    cell that is too long.
    """
    reader = csv.reader(lines, delimiter=delimiter, quotechar='"', strict=False)
    prev = base
    try:
        for row in reader:
            start = prev + 1
            prev = state[0] = base + reader.line_num
            for v in row:
                if v and not v.isspace():
                    break
            else:
                continue  # blank line, or only delimiters
            joined = "".join(row)
            if "#" in joined or "=" in joined or "Err:" in joined:
                row = [cell_error_of_text(v) if ("#" in v or "=" in v or "Err:" in v) else v for v in row]
                if table is not None and _only_cell_errors(row):
                    _record_error_row(table, start)
                    continue
            yield start, row
    except csv.Error as exc:
        line = prev + 1
        if "field larger than field limit" in str(exc) and base + reader.line_num <= line:
            # The limit was reached within the record's first line: a record spans lines only
            # inside quotes, so this is one enormous cell, not a quote left open.
            raise _too_long_error(path, line, delimiter, encoding) from None
        if "field larger than field limit" in str(exc):
            msg = (
                f"Berkas {_q(path)}, baris {line}: tanda kutip (\") tidak ditutup, sehingga sisa "
                "berkas terbaca sebagai satu sel. Perbaiki tanda kutip pada baris itu, lalu "
                "impor lagi"
            )
        else:
            msg = f"Berkas {_q(path)}, baris {line}: susunan CSV tidak dapat dibaca ({exc})"
        raise ImportFileError(msg, code="rusak", path=path, row=line) from None


def _iter_csv(table: Table, plan: _CsvPlan) -> Iterator[Row]:
    p = table.path
    try:
        fb = open(p, "rb", buffering=_READ_BUFFER)
    except OSError as exc:
        raise _open_error(p, exc) from exc
    try:
        fb.seek(plan.skip_bytes)
        if plan.universal_newlines:
            # CR-only line ends or UTF-16: the text layer splits lines; decoding problems are
            # replaced (UTF-16) or read as cp1252, without line attribution.
            enc = plan.encoding
            utf16 = enc.startswith("utf-16")
            text = io.TextIOWrapper(
                fb,
                encoding=enc if utf16 else "utf-8",
                errors="replace" if utf16 else _ERR_UTF8_FALLBACK,
                newline="",
            )
            for _ in range(plan.skip_lines):
                text.readline()
            yield from _csv_records(text, plan.delimiter, plan.skip_lines, [0], p, None, table)
            return
        for _ in range(plan.skip_lines):
            fb.readline()
        base = plan.skip_lines
        state = [base]
        if plan.encoding != "cp1252":
            # Fast path: strict UTF-8 decoding in C. At the first line that is not UTF-8,
            # restart after the last complete record with the line-by-line fallback.
            try:
                yield from _csv_records(map(bytes.decode, fb), plan.delimiter, base, state, p, plan.encoding,
                                        table)
                return
            except UnicodeDecodeError:
                pass
            fb.seek(plan.skip_bytes)
            for _ in range(state[0]):
                if not fb.readline():
                    break
            base = state[0]
            lines = _lines_fallback(fb, table, base)
            yield from _csv_records(lines, plan.delimiter, base, state, p, plan.encoding, table)
        else:
            yield from _csv_records(_lines_cp1252(fb, table, base), plan.delimiter, base, state, p, plan.encoding,
                                    table)
    except OSError as exc:
        raise _open_error(p, exc) from exc
    finally:
        fb.close()


