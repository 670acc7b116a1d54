"""Excel workbooks through calamine (xlsx/xlsm, xls, xlsb, ods): memory estimate and limits,
choosing the sheet, converting cells, and the error cells and formulas without a cached value
that calamine hides (scanned from the sheet's XML)."""

from __future__ import annotations

import re
import sys
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from xml.etree import ElementTree

from dtks_desktop.domain.spreadsheet import CellError
from dtks_desktop.services.importing.readers.table import (
    ImportFileError,
    MAX_EXCEL_FILE_BYTES,
    Row,
    Table,
    XLSX_BYTES_PER_CELL,
    XLSX_BYTES_PER_XML_BYTE,
    XLSX_MEMORY_BUDGET,
    XLSX_MEMORY_SHARE_OF_FREE,
    _corrupt,
    _open_error,
    _password,
    _q,
    column_index,
    _only_cell_errors,
    _record_error_row,
)


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
