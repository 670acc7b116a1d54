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

Modules: :mod:`.table` (the shared :class:`Table` / :class:`ImportFileError` /
:func:`describe_location` API), :mod:`.sniffing` (:func:`open_table`: the kind of file from its
content), :mod:`.excel` (calamine), :mod:`.csv_files` (CSV/TXT). This package's namespace is its
public API.
"""

from dtks_desktop.services.importing.readers.excel import available_memory
from dtks_desktop.services.importing.readers.sniffing import open_table
from dtks_desktop.services.importing.readers.table import (
    DECODE_FALLBACK_KEEP,
    MAX_EXCEL_FILE_BYTES,
    XLSX_BYTES_PER_CELL,
    XLSX_BYTES_PER_XML_BYTE,
    XLSX_MEMORY_BUDGET,
    ImportFileError,
    Row,
    Table,
    column_index,
    column_letter,
    describe_location,
)

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
