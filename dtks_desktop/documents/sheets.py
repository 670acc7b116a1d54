""".xlsx cells that stay what they are: text is text, numbers are numbers.

xlsxwriter's ``write``/``write_row`` turn a string that starts with ``=`` into a live formula
and one that starts with ``http://`` into a link; a name or an address from the database must
never become either in a report that leaves the office. :class:`SafeSheets` writes every value
by its type: text with ``write_string`` (never a formula, a link or a number), numbers with
``write_number``, dates with ``write_datetime``. Text that a spreadsheet would read as a formula
(``domain.spreadsheet.looks_like_formula``) also gets Excel's quote prefix, so that editing the
cell in Excel (F2, Enter) keeps it text; the prefix is not shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time
from decimal import Decimal

from dtks_desktop.domain.spreadsheet import looks_like_formula


class SafeSheets:
    """Safe cell writing for one xlsxwriter workbook.

    Create the formats of data cells with :meth:`format` so that their quote-prefixed twin can
    be made when needed; a format made elsewhere (or None) still gets a string cell.
    """

    def __init__(self, workbook) -> None:
        self._wb = workbook
        self._props: dict[int, dict] = {}
        self._quoted: dict[int | None, object] = {}

    def format(self, props: dict | None = None):
        fmt = self._wb.add_format(dict(props or {}))
        self._props[id(fmt)] = dict(props or {})
        return fmt

    def _quoted_format(self, fmt):
        key = None if fmt is None else id(fmt)
        quoted = self._quoted.get(key)
        if quoted is None:
            props = {} if fmt is None else self._props.get(key)
            if props is None:  # a format we cannot copy: a string cell is still never a formula
                return fmt
            quoted = self._quoted[key] = self._wb.add_format({**props, "quote_prefix": True})
        return quoted

    def write(self, ws, row: int, col: int, value, fmt=None) -> None:
        if value is None or value == "":
            if fmt is not None:
                ws.write_blank(row, col, None, fmt)
        elif isinstance(value, bool):
            ws.write_boolean(row, col, value, fmt)
        elif isinstance(value, (int, float, Decimal)):
            ws.write_number(row, col, value, fmt)
        elif isinstance(value, (datetime, date, time)):
            ws.write_datetime(row, col, value, fmt)
        else:
            text = str(value)
            ws.write_string(row, col, text, self._quoted_format(fmt) if looks_like_formula(text) else fmt)

    def write_row(self, ws, row: int, col: int, values: Iterable, fmt=None) -> None:
        for i, value in enumerate(values):
            self.write(ws, row, col + i, value, fmt)
