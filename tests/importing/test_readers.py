"""Reading registry files: every fixture is generated here, in tmp_path (no binary fixtures).

Real .xls files and encrypted workbooks are OLE2 compound files; they are built by the small
CFB / BIFF8 writers below (only what calamine and the reader need).
"""

from __future__ import annotations

import datetime as dt
import shutil
import struct
import tracemalloc
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from dtks_desktop.domain.spreadsheet import CellError, clean_id
from dtks_desktop.services.importing import readers
from dtks_desktop.services.importing.readers import excel, sniffing
from dtks_desktop.services.importing.readers import (
    ImportFileError,
    column_index,
    column_letter,
    describe_location,
    open_table,
)

NIK = "3310216707810936"
NIK_FLOAT = 3310216707810930.0  # what Excel kept of NIK typed as a number

# --------------------------------------------------------------------------------------------
# Fixture writers
# --------------------------------------------------------------------------------------------

_ENDOFCHAIN, _FREESECT, _FATSECT, _NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF


def build_cfb(streams: list[tuple[str, bytes]]) -> bytes:
    """A minimal OLE2 compound file (512-byte sectors, one FAT sector, one directory sector).

    Streams are padded to 4096 bytes so that they live in regular sectors (no mini stream).
    """
    ss = 512
    streams = sorted(streams, key=lambda s: (len(s[0]), s[0].upper()))
    assert len(streams) <= 3
    fat = [_FATSECT, _ENDOFCHAIN]
    body, starts, sizes = [], [], []
    nxt = 2
    for _name, data in streams:
        data = data.ljust(4096, b"\0")
        n = (len(data) + ss - 1) // ss
        starts.append(nxt)
        sizes.append(len(data))
        fat += [nxt + i + 1 if i < n - 1 else _ENDOFCHAIN for i in range(n)]
        body.append(data.ljust(n * ss, b"\0"))
        nxt += n
    assert len(fat) <= 128
    fat += [_FREESECT] * (128 - len(fat))

    def entry(name, typ, *, child=_NOSTREAM, right=_NOSTREAM, start=_ENDOFCHAIN, size=0):
        raw = (name + "\0").encode("utf-16-le") if name else b""
        return (
            raw.ljust(64, b"\0")
            + struct.pack("<HBBIII", len(raw), typ, 1, _NOSTREAM, right, child)
            + b"\0" * 16
            + struct.pack("<IQQIQ", 0, 0, 0, start, size)
        )

    entries = [entry("Root Entry", 5, child=1 if streams else _NOSTREAM)]
    for i, (name, _data) in enumerate(streams):
        right = i + 2 if i + 1 < len(streams) else _NOSTREAM
        entries.append(entry(name, 2, right=right, start=starts[i], size=sizes[i]))
    while len(entries) < 4:
        entries.append(entry("", 0, start=0))
    header = (
        sniffing._OLE_MAGIC
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, _ENDOFCHAIN, 0, _ENDOFCHAIN, 0)
        + struct.pack("<I", 0)
        + struct.pack("<I", _FREESECT) * 108
    )
    assert len(header) == 512
    return header + struct.pack("<128I", *fat) + b"".join(entries) + b"".join(body)


def _rec(rtype: int, data: bytes) -> bytes:
    return struct.pack("<HH", rtype, len(data)) + data


def build_xls(rows: list[list], *, sheet="Sheet1", date_cells=(), encrypted=False) -> bytes:
    """A minimal BIFF8 workbook: shared strings, numbers; (r, c) in date_cells get a date XF."""
    strings: list[str] = []
    idx: dict[str, int] = {}
    for row in rows:
        for v in row:
            if isinstance(v, str) and v not in idx:
                idx[v] = len(strings)
                strings.append(v)

    def bof(kind):
        return _rec(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0x0DBB, 0x07CC, 0, 6))

    def xf(fmt):
        return _rec(0x00E0, struct.pack("<HHHBBBBIIH", 0, fmt, 1, 0x20, 0, 0, 0, 0, 0, 0x20C0))

    glob = bof(0x0005)
    if encrypted:
        glob += _rec(0x002F, struct.pack("<HHH", 1, 1, 1) + b"\0" * 48)  # FILEPASS (RC4)
    glob += _rec(0x0042, struct.pack("<H", 1200))
    glob += b"".join(xf(0) for _ in range(16)) + xf(14)  # XF 15 general, XF 16 date
    sst = struct.pack("<II", len(strings), len(strings))
    for s in strings:
        try:
            sst += struct.pack("<HB", len(s), 0) + s.encode("latin-1")
        except UnicodeEncodeError:
            sst += struct.pack("<HB", len(s), 1) + s.encode("utf-16-le")
    name = sheet.encode("latin-1")
    sheet_rec_len = len(_rec(0x0085, struct.pack("<IBBBB", 0, 0, 0, len(name), 0) + name))
    tail = _rec(0x00FC, sst) + _rec(0x000A, b"")
    pos = len(glob) + sheet_rec_len + len(tail)
    glob += _rec(0x0085, struct.pack("<IBBBB", pos, 0, 0, len(name), 0) + name) + tail
    ncols = max((len(r) for r in rows), default=0)
    sh = bof(0x0010) + _rec(0x0200, struct.pack("<IIHHH", 0, len(rows), 0, ncols, 0))
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if v is None:
                continue
            if isinstance(v, str):
                sh += _rec(0x00FD, struct.pack("<HHHI", r, c, 15, idx[v]))
            else:
                xf_index = 16 if (r, c) in date_cells else 15
                sh += _rec(0x0203, struct.pack("<HHHd", r, c, xf_index, float(v)))
    sh += _rec(0x000A, b"")
    return build_cfb([("Workbook", glob + sh)])


def write_dtks_xlsx(path: Path) -> Path:
    """A SIKS-NG-like export: merged title, print line, blank row, header in row 4, data with
    text and numeric NIKs, a date cell, a formula with a cached value, trailing blank rows."""
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("DTKS")
    datefmt = wb.add_format({"num_format": "dd-mm-yyyy"})
    bold = wb.add_format({"bold": True})
    ws.merge_range("A1:F1", "DATA TERPADU KESEJAHTERAAN SOSIAL", bold)
    ws.write("A2", "Dicetak dari SIKS-NG pada tanggal 12-03-2024")
    ws.write_row("A4", ["ID DTKS", "NOMOR NIK", "NOMOR KK", "NAMA", "TANGGAL LAHIR", "RT"])
    ws.write_row("A5", ["DT001", NIK, "3310210101010001", "Siti Aminah"])
    ws.write_datetime("E5", dt.datetime(1981, 7, 27), datefmt)
    ws.write_number("F5", 2)
    ws.write_string("A6", "DT002")
    ws.write_number("B6", NIK_FLOAT)
    ws.write_number("C6", 3310210101010000.0)
    ws.write_string("D6", "  Budi  ")
    ws.write_number("E6", 29000)  # a date typed as a General number: the serial
    ws.write_formula("F6", "=1+2", None, 3)
    ws.write_blank("A9", None, bold)  # formatted but empty: a trailing "blank row"
    ws.write_string("B10", "")
    wb.close()
    return path


def write_csv(path: Path, text: str, encoding: str = "utf-8", newline: str = "\r\n") -> Path:
    data = text.replace("\n", newline).encode(encoding)
    path.write_bytes(data)
    return path


def rows_of(path: Path, **kw) -> list[tuple[int, list]]:
    with open_table(path, **kw) as table:
        return list(table.iter_rows())


def raises_code(path: Path, code: str, **kw) -> ImportFileError:
    with pytest.raises(ImportFileError) as info:
        open_table(path, **kw)
    assert info.value.code == code, info.value.message
    assert f'"{path.name}"' in info.value.message  # every message names the file
    return info.value


# --------------------------------------------------------------------------------------------
# Column letters and locations
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("index", "letters"),
    [(0, "A"), (2, "C"), (25, "Z"), (26, "AA"), (27, "AB"), (51, "AZ"), (701, "ZZ"), (702, "AAA")],
    ids=["A", "C", "Z", "AA", "AB", "AZ", "ZZ", "AAA"],
)
def test_column_letters(index, letters):
    assert column_letter(index) == letters
    assert column_index(letters) == index
    assert column_index(letters.lower()) == index


def test_describe_location():
    assert describe_location("/x/data dtks.xlsx", 12, 2, "NOMOR  NIK") == (
        'Berkas "data dtks.xlsx", baris 12, kolom C (NOMOR NIK)'
    )
    assert describe_location("a.csv", 3) == 'Berkas "a.csv", baris 3'


# --------------------------------------------------------------------------------------------
# xlsx
# --------------------------------------------------------------------------------------------


def test_xlsx_values_types_and_row_numbers(tmp_path):
    path = write_dtks_xlsx(tmp_path / "dtks.xlsx")
    with open_table(path) as table:
        assert table.kind == "xlsx"
        assert table.sheet_names == ["DTKS"] and table.sheet_name == "DTKS"
        assert table.encoding is None and table.delimiter is None
        rows = list(table.iter_rows())
        assert table.estimated_rows >= 6
    numbers = [n for n, _ in rows]
    assert numbers == [1, 2, 4, 5, 6]  # blank row 3 and trailing rows 9-10 are not yielded
    title = rows[0][1]
    assert title[0] == "DATA TERPADU KESEJAHTERAAN SOSIAL" and title[1:] == [None] * 5
    assert rows[2][1] == ["ID DTKS", "NOMOR NIK", "NOMOR KK", "NAMA", "TANGGAL LAHIR", "RT"]
    r5, r6 = rows[3][1], rows[4][1]
    assert r5 == ["DT001", NIK, "3310210101010001", "Siti Aminah", dt.date(1981, 7, 27), 2.0]
    assert type(r6[1]) is float and r6[1] == NIK_FLOAT  # numeric NIK stays a number
    assert clean_id(r6[1]).excel_damaged  # ...so the domain rule sees the damage
    assert not clean_id(r5[1]).excel_damaged
    assert r6[3] == "  Budi  "  # text exactly as written
    assert r6[4] == 29000.0  # General-formatted date: the serial, for dates.py
    assert r6[5] == 3.0  # formula: cached value


def test_xlsx_error_cells_are_their_own_kind_of_value(tmp_path):
    """calamine gives an error cell as "": the reader finds it in the sheet XML and yields a
    CellError with the error text, never None. A row of nothing but error cells is skipped and
    reported (a formula filled down past the data)."""
    path = tmp_path / "galat.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    ws.write_row("A1", ["NIK", "NAMA", "HASIL"])
    ws.write_row("A2", [NIK, "Siti"])
    ws.write_formula("C2", "=NA()", None, "#N/A")
    ws.write_formula("C3", "=1/0", None, "#DIV/0!")
    ws.write_formula("A4", "=#REF!", None, "#REF!")
    ws.write_row("B4", ["Budi", "=1+1"])  # a formula with xlsxwriter's cached 0
    wb.close()
    with open_table(path) as table:
        rows = list(table.iter_rows())
        note = table.error_rows_note()
    assert rows == [(1, ["NIK", "NAMA", "HASIL"]), (2, [NIK, "Siti", CellError("#N/A")]),
                    (4, [CellError("#REF!"), "Budi", 0.0])]
    assert note is not None and "baris 3" in note and "galat.xlsx" in note


def test_csv_error_texts_and_formula_texts_are_cell_errors(tmp_path):
    """What Excel's "Save as CSV" writes for an error cell, and formula texts, are not data;
    ="digits" (the trick that keeps a NIK as text) is the text inside."""
    path = tmp_path / "galat.csv"
    path.write_text(f'NIK;NAMA;X\n#REF!;=A1&B1;="{NIK}"\n#N/A;Ani;a=b #1\n=NA();#VALUE!;\n', encoding="utf-8")
    with open_table(path) as table:
        rows = list(table.iter_rows())
        note = table.error_rows_note()
    assert rows == [(1, ["NIK", "NAMA", "X"]),
                    (2, [CellError("#REF!"), CellError("=A1&B1", formula=True), NIK]),
                    (3, [CellError("#N/A"), "Ani", "a=b #1"])]
    assert note is not None and "baris 4" in note


def test_xlsx_merged_title_ranges(tmp_path):
    path = write_dtks_xlsx(tmp_path / "dtks.xlsx")
    with open_table(path) as table:
        assert (1, 0, 1, 5) in table.merged_ranges


def test_xlsx_formula_without_cached_value_and_offset_columns(tmp_path):
    """openpyxl saves formulas without cached values; data starting in C3 keeps absolute
    column indexes and Excel row numbers; trailing formatted/None cells are ignored."""
    path = tmp_path / "rumus.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["C3"], ws["D3"], ws["E3"] = "NIK", "NAMA", "JUMLAH"
    ws["C4"], ws["D4"], ws["E4"] = NIK, "Ani", "=1+1"
    ws["C5"], ws["D5"] = True, dt.time(8, 30)
    ws["C20"].number_format = "@"  # formatted, empty
    wb.save(path)
    rows = rows_of(path)
    assert [n for n, _ in rows] == [3, 4, 5]
    assert rows[0][1] == [None, None, "NIK", "NAMA", "JUMLAH"]
    assert rows[1][1] == [None, None, NIK, "Ani", CellError("=1+1", formula=True)]  # no cached value
    assert rows[2][1][2:4] == ["TRUE", "08:30:00"]


def test_xlsx_picks_first_visible_sheet_with_data_and_sheet_argument(tmp_path):
    path = tmp_path / "lembar.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    hidden = wb.add_worksheet("Rahasia")
    hidden.write("A1", "x")
    hidden.hide()
    wb.add_worksheet("Kosong")
    data = wb.add_worksheet("Data")
    data.write_row("A1", ["NIK", "NAMA"])
    data.write_row("A2", [NIK, "Siti"])
    hidden.activate() if False else data.activate()
    wb.close()
    with open_table(path) as table:
        assert table.sheet_name == "Data"
        assert any("3 lembar" in n and '"Data"' in n for n in table.notes)
    assert rows_of(path, sheet="Rahasia") == [(1, ["x"])]
    assert rows_of(path, sheet=2)[1] == (2, [NIK, "Siti"])
    assert rows_of(path, sheet="data")[0][0] == 1  # case-insensitive fallback
    err = raises_code(path, "kosong", sheet="Kosong")
    assert 'Lembar "Kosong"' in err.message
    err = raises_code(path, "lembar_tidak_ada", sheet="Sheet9")
    assert '"Data"' in err.message


def test_xlsx_without_data_is_empty(tmp_path):
    path = tmp_path / "kosong.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    ws.write_blank("A1", None, wb.add_format({"bold": True}))
    wb.close()
    err = raises_code(path, "kosong")
    assert err.message == 'Berkas "kosong.xlsx" kosong'


def test_head_returns_first_rows(tmp_path):
    path = write_dtks_xlsx(tmp_path / "dtks.xlsx")
    with open_table(path) as table:
        head = table.head(3)
        assert [n for n, _ in head] == [1, 2, 4]
        assert len(list(table.iter_rows())) == 5  # can iterate again


def test_closed_table_cannot_be_iterated(tmp_path):
    table = open_table(write_dtks_xlsx(tmp_path / "dtks.xlsx"))
    table.close()
    with pytest.raises(ImportFileError) as info:
        list(table.iter_rows())
    assert info.value.code == "ditutup"


# --------------------------------------------------------------------------------------------
# xls, ods, and content that does not match the name
# --------------------------------------------------------------------------------------------

XLS_ROWS = [["DAFTAR KPM"], [], ["NIK", "NAMA", "TGL LAHIR"], [NIK_FLOAT, "Siti", 29000.0],
            [NIK, "Ani Ç", 12.0]]


def test_real_xls_is_read_by_calamine(tmp_path):
    path = tmp_path / "lama.xls"
    path.write_bytes(build_xls(XLS_ROWS, date_cells={(3, 2)}))
    with open_table(path) as table:
        assert table.kind == "xls" and not table.notes
        rows = list(table.iter_rows())
    assert [n for n, _ in rows] == [1, 3, 4, 5]
    assert rows[2][1] == [NIK_FLOAT, "Siti", dt.date(1979, 5, 25)]
    assert rows[3][1] == [NIK, "Ani Ç", 12.0]


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("xls_named_xlsx.xlsx", "xls", "xls"),
        ("xlsx_named_xls.xls", "xlsx", "xlsx"),
        ("xlsx_named_csv.csv", "xlsx", "xlsx"),
        ("xlsx_no_extension", "xlsx", "xlsx"),
    ],
    ids=["xls-as-xlsx", "xlsx-as-xls", "xlsx-as-csv", "no-extension"],
)
def test_kind_is_detected_from_content(tmp_path, name, content, kind):
    path = tmp_path / name
    if content == "xls":
        path.write_bytes(build_xls(XLS_ROWS))
    else:
        write_dtks_xlsx(tmp_path / "src.xlsx")
        shutil.copy(tmp_path / "src.xlsx", path)
    with open_table(path) as table:
        assert table.kind == kind
        rows = list(table.iter_rows())
        assert rows
        if path.suffix:
            assert any("dibaca sesuai isinya" in n for n in table.notes)


def test_ods_is_read(tmp_path):
    path = tmp_path / "calc.ods"
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="Data">'
        '<table:table-row><table:table-cell office:value-type="string"><text:p>NIK</text:p>'
        "</table:table-cell></table:table-row><table:table-row>"
        '<table:table-cell office:value-type="float" office:value="3310216707810930">'
        "<text:p>3310216707810930</text:p></table:table-cell></table:table-row>"
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", content)
        zf.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
            '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
            '<manifest:file-entry manifest:full-path="/" manifest:media-type='
            '"application/vnd.oasis.opendocument.spreadsheet"/></manifest:manifest>',
        )
    assert rows_of(path) == [(1, ["NIK"]), (2, [NIK_FLOAT])]


# --------------------------------------------------------------------------------------------
# Files that cannot be read
# --------------------------------------------------------------------------------------------


def _zip_bytes(tmp_path: Path, members: dict[str, bytes]) -> bytes:
    p = tmp_path / "_tmp.zip"
    with zipfile.ZipFile(p, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    data = p.read_bytes()
    p.unlink()
    return data


def _make_bad_file(tmp_path: Path, case: str) -> bytes:
    if case == "pdf":
        return b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n"
    if case == "png":
        return b"\x89PNG\r\n\x1a\n" + b"\0" * 64
    if case == "ole_header_only":
        return sniffing._OLE_MAGIC + b"\0" * 1024
    if case == "encrypted_ooxml":
        return build_cfb([("EncryptionInfo", b"\x04\x00\x04\x00\x40\x00\x00\x00"),
                          ("EncryptedPackage", b"\x00" * 5000)])
    if case == "encrypted_xls":
        return build_xls([["a"]], encrypted=True)
    if case == "word_doc":
        return build_cfb([("WordDocument", b"\xec\xa5" + b"\0" * 100)])
    if case == "docx":
        return _zip_bytes(tmp_path, {"[Content_Types].xml": b"<x/>", "word/document.xml": b"<w/>"})
    if case == "plain_zip":
        return _zip_bytes(tmp_path, {"laporan.txt": b"halo"})
    if case == "truncated_xlsx":
        src = write_dtks_xlsx(tmp_path / "_full.xlsx").read_bytes()
        return src[: len(src) // 2]
    if case == "zip_garbage":
        return b"PK\x03\x04" + b"\x13\x37" * 500
    if case == "broken_sheet_xml":
        src = write_dtks_xlsx(tmp_path / "_full.xlsx")
        with zipfile.ZipFile(src) as zf:
            members = {n: zf.read(n) for n in zf.namelist()}
        members["xl/worksheets/sheet1.xml"] = b"<worksheet><sheetData><row><c r='A1' t='s'>"
        return _zip_bytes(tmp_path, members)
    if case == "html":
        return b"<html><head><meta charset='utf-8'></head><body><table><tr><td>NIK</td></tr>" \
               b"</table></body></html>"
    if case == "xml2003":
        return (b'<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n<Workbook '
                b'xmlns="urn:schemas-microsoft-com:office:spreadsheet"></Workbook>')
    if case == "binary":
        return b"\x01\x02\x00\x00\x05" * 100
    raise AssertionError(case)


@pytest.mark.parametrize(
    ("case", "name", "code", "text"),
    [
        ("pdf", "data.xlsx", "bukan_lembar_kerja",
         'Berkas "data.xlsx" bukan lembar kerja Excel/CSV yang dapat dibaca '
         "(isinya tampak seperti PDF)"),
        ("pdf", "data.csv", "bukan_lembar_kerja", "PDF"),
        ("png", "foto.xls", "bukan_lembar_kerja", "gambar PNG"),
        ("ole_header_only", "rahasia.xlsx", "kata_sandi",
         'Berkas "rahasia.xlsx" dilindungi kata sandi; buka di Excel, hapus kata sandinya, '
         "simpan, lalu impor lagi"),
        ("encrypted_ooxml", "rahasia.xlsx", "kata_sandi", "dilindungi kata sandi"),
        ("encrypted_ooxml", "rahasia.xls", "kata_sandi", "dilindungi kata sandi"),
        ("encrypted_xls", "rahasia.xls", "kata_sandi", "dilindungi kata sandi"),
        ("ole_header_only", "aneh.xls", "rusak", "rusak"),
        ("word_doc", "surat.xls", "bukan_lembar_kerja", "dokumen Word lama"),
        ("docx", "surat.xlsx", "bukan_lembar_kerja", "dokumen Word"),
        ("plain_zip", "arsip.xlsx", "bukan_lembar_kerja", "arsip ZIP"),
        ("truncated_xlsx", "putus.xlsx", "rusak", 'Berkas "putus.xlsx" rusak'),
        ("zip_garbage", "sampah.xlsx", "rusak", "rusak"),
        ("broken_sheet_xml", "xml_rusak.xlsx", "rusak", "rusak"),
        ("html", "ekspor.xls", "html", "halaman web (HTML)"),
        ("xml2003", "ekspor.xls", "xml_2003", "XML Spreadsheet 2003"),
        ("binary", "data.csv", "bukan_lembar_kerja", "biner"),
    ],
    ids=[
        "pdf-renamed-xlsx", "pdf-renamed-csv", "png-renamed-xls", "ole2-header-named-xlsx",
        "encrypted-xlsx", "encrypted-xlsx-named-xls", "encrypted-xls-filepass",
        "ole2-garbage-named-xls", "word-doc-renamed", "docx-renamed", "plain-zip",
        "truncated-xlsx", "zip-garbage", "broken-sheet-xml", "html-as-xls", "xml-2003",
        "binary-csv",
    ],
)
def test_unreadable_files(tmp_path, case, name, code, text):
    path = tmp_path / name
    path.write_bytes(_make_bad_file(tmp_path, case))
    err = raises_code(path, code)
    assert text in err.message


@pytest.mark.parametrize(
    ("name", "content"),
    [("nol.xlsx", b""), ("nol.csv", b""), ("spasi.csv", b"\r\n  \r\n;;;\r\n\t\r\n"),
     ("bom.csv", b"\xef\xbb\xbf\r\n")],
    ids=["zero-bytes-xlsx", "zero-bytes-csv", "only-blank-rows", "only-bom"],
)
def test_empty_files(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    err = raises_code(path, "kosong")
    assert err.message == f'Berkas "{name}" kosong'


def test_blank_first_megabyte_then_data_is_not_empty(tmp_path):
    path = tmp_path / "jauh.csv"
    path.write_bytes(b";;;\n" * 300_000 + b"NIK;NAMA\n1;2\n")
    with open_table(path) as table:
        assert list(table.iter_rows()) == [(300_001, ["NIK", "NAMA"]), (300_002, ["1", "2"])]


def test_missing_file_folder_and_excel_lock_file(tmp_path):
    raises_code(tmp_path / "tidak_ada.xlsx", "tidak_ada")
    folder = tmp_path / "folder.xlsx"
    folder.mkdir()
    with pytest.raises(ImportFileError) as info:
        open_table(folder)
    assert info.value.code == "tidak_dapat_dibuka"
    lock = tmp_path / "~$dtks.xlsx"
    lock.write_bytes(b"\x0bBudi Santos" + b"\x20" * 150)
    raises_code(lock, "berkas_sementara")


def test_xlsx_over_memory_budget_is_refused_with_csv_advice(tmp_path):
    path = write_dtks_xlsx(tmp_path / "besar.xlsx")
    err = raises_code(path, "terlalu_besar", memory_budget=1000)
    assert "CSV" in err.message and "terlalu besar" in err.message
    with open_table(path, memory_budget=10**9) as table:  # the same file within the budget
        assert table.kind == "xlsx"


def test_xlsx_memory_estimate_uses_dimension_and_xml_size(tmp_path):
    path = tmp_path / "dim.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    for r in range(200):
        ws.write_row(r, 0, [f"v{r}-{c}" for c in range(10)])
    wb.close()
    with zipfile.ZipFile(path) as zf:
        estimate, rows, cols = excel._xlsx_estimate(zf, "xl/worksheets/sheet1.xml")
    assert (rows, cols) == (200, 10)
    assert estimate >= 200 * 10 * readers.XLSX_BYTES_PER_CELL


def test_available_memory_is_known_here():
    free = readers.available_memory()
    assert free is None or free > 0


# --------------------------------------------------------------------------------------------
# CSV
# --------------------------------------------------------------------------------------------

CSV_TEXT = (
    "DATA TERPADU KESEJAHTERAAN SOSIAL\n"
    "KABUPATEN KLATEN\n"
    "\n"
    "NIK{d}NAMA{d}ALAMAT{d}RT\n"
    "{nik}{d}José Ñoño{d}JL. MAWAR{d}002\n"
    "{nik2}{d}Siti{d}DUSUN II{d}\n"
)


@pytest.mark.parametrize(
    "delimiter", [";", ",", "|", "\t"], ids=["semicolon", "comma", "pipe", "tab"]
)
def test_csv_delimiters(tmp_path, delimiter):
    path = write_csv(tmp_path / "d.csv", CSV_TEXT.format(d=delimiter, nik=NIK, nik2="3310"))
    with open_table(path) as table:
        assert table.kind == "csv" and table.delimiter == delimiter
        rows = list(table.iter_rows())
    assert rows == [
        (1, ["DATA TERPADU KESEJAHTERAAN SOSIAL"]),
        (2, ["KABUPATEN KLATEN"]),
        (4, ["NIK", "NAMA", "ALAMAT", "RT"]),
        (5, [NIK, "José Ñoño", "JL. MAWAR", "002"]),  # leading zeros kept: values are text
        (6, ["3310", "Siti", "DUSUN II", ""]),
    ]


@pytest.mark.parametrize(
    ("encoding", "bom", "expected"),
    [
        ("utf-8", b"", "utf-8"),
        ("utf-8", b"\xef\xbb\xbf", "utf-8-sig"),
        ("cp1252", b"", "cp1252"),
        ("utf-16", b"", "utf-16"),
    ],
    ids=["utf8", "utf8-bom", "cp1252", "utf16-excel-unicode-text"],
)
def test_csv_encodings(tmp_path, encoding, bom, expected):
    text = CSV_TEXT.format(d="\t" if encoding == "utf-16" else ";", nik=NIK, nik2="1")
    path = tmp_path / "e.csv"
    path.write_bytes(bom + text.replace("\n", "\r\n").encode(encoding))
    with open_table(path) as table:
        assert table.encoding == expected
        rows = list(table.iter_rows())
        assert table.decode_fallback_count == 0 and table.decode_warning() is None
        if expected == "cp1252":
            assert any("Windows-1252" in n for n in table.notes)
    assert rows[2][1][0] == "NIK"  # no BOM left in the first header cell
    assert rows[3][1][1] == "José Ñoño"


def test_csv_mixed_encoding_loads_and_records_lines(tmp_path):
    lines = ["NIK;NAMA;ALAMAT".encode()]
    for i in range(2, 8):
        lines.append(f"{i};Nama {i};Jl. Ké {i}".encode())
    lines[3] = "4;José;Jl. Cañón".encode("cp1252")  # line 4 saved by another program
    lines.append('8;"Dua\r\nbaris é'.encode("utf-8")[:-2] + 'ñ";x'.encode("cp1252"))  # 8-9
    lines.append("10;Akhir;Jl. Ü".encode())
    path = tmp_path / "campur.csv"
    path.write_bytes(b"\r\n".join(lines) + b"\r\n")
    with open_table(path) as table:
        assert table.encoding == "utf-8"
        rows = list(table.iter_rows())
        assert [n for n, _ in rows] == [1, 2, 3, 4, 5, 6, 7, 8, 10]  # none lost or repeated
        assert rows[3][1] == ["4", "José", "Jl. Cañón"]
        assert rows[7][1] == ["8", "Dua\r\nbaris ñ", "x"]
        assert rows[8][1] == ["10", "Akhir", "Jl. Ü"]
        assert table.decode_fallback_lines == [4, 9]
        warning = table.decode_warning()
    assert warning is not None and '"campur.csv"' in warning and "baris 4, 9" in warning


def test_csv_mostly_cp1252_with_a_utf8_line(tmp_path):
    body = "NIK;NAMA\r\n" + "".join(f"{i};Ménez {i}\r\n" for i in range(2, 50))
    data = body.encode("cp1252") + "50;Ñandú\r\n".encode("utf-8")
    path = tmp_path / "win.csv"
    path.write_bytes(data)
    with open_table(path) as table:
        assert table.encoding == "cp1252"
        rows = list(table.iter_rows())
        assert rows[1][1] == ["2", "Ménez 2"] and rows[-1][1] == ["50", "Ñandú"]
        assert table.decode_fallback_lines == [50]


def test_csv_quoted_embedded_newlines_keep_line_numbers(tmp_path):
    text = 'NIK,NAMA,ALAMAT\n1,"Siti","Jl. Mawar\nRT 02\nRW 03"\n\n2,"Budi ""Bud""",x\n'
    path = write_csv(tmp_path / "kutip.csv", text)
    assert rows_of(path) == [
        (1, ["NIK", "NAMA", "ALAMAT"]),
        (2, ["1", "Siti", "Jl. Mawar\r\nRT 02\r\nRW 03"]),
        (6, ["2", 'Budi "Bud"', "x"]),
    ]


def test_csv_unclosed_quote_names_the_line(tmp_path):
    text = "NIK;NAMA\n1;Siti\n2;\"Budi\n" + "3;x\n" * 40000
    path = write_csv(tmp_path / "kutip.csv", text)
    with open_table(path) as table, pytest.raises(ImportFileError) as info:
        list(table.iter_rows())
    assert info.value.row == 3
    assert 'Berkas "kutip.csv", baris 3: tanda kutip' in info.value.message


@pytest.mark.parametrize("cell", ["B" * 10_000_000, '"' + "B" * 200_000 + '"'])
def test_csv_enormous_cell_is_called_too_long_not_an_open_quote(tmp_path, cell):
    # Issue 8: a 10 MB field on a line with no quote was reported as "tanda kutip tidak ditutup".
    text = "NIK;NAMA;ALAMAT\n3310011109860001;Siti;Jl. A\n3310011109860002;" + cell + ";Jl. B\n" + "3;x;y\n" * 10
    path = write_csv(tmp_path / "panjang.csv", text)
    with open_table(path) as table, pytest.raises(ImportFileError) as info:
        list(table.iter_rows())
    err = info.value
    assert (err.code, err.row, err.column) == ("sel_terlalu_panjang", 3, 1)
    assert err.message.startswith('Berkas "panjang.csv", baris 3, kolom B: isi sel terlalu panjang')
    assert "kutip" not in err.message


def test_csv_sep_line_title_lines_and_comma_in_text(tmp_path):
    text = "sep=;\nDAFTAR PENERIMA, TAHAP 1\nNIK;NAMA;ALAMAT\n1;Siti;Jl. A, RT 1\n2;Ani;Jl. B\n"
    path = write_csv(tmp_path / "sep.csv", text)
    with open_table(path) as table:
        assert table.delimiter == ";"
        rows = list(table.iter_rows())
    assert rows[0] == (2, ["DAFTAR PENERIMA, TAHAP 1"])
    assert rows[2] == (4, ["1", "Siti", "Jl. A, RT 1"])


def test_csv_detection_prefers_consistent_delimiter(tmp_path):
    # Every data line has exactly one comma in the address, but ";" splits into more columns
    # consistently, and the header has no comma at all.
    text = "NIK;NAMA;ALAMAT;RT\n" + "".join(f"{i};N{i};Jl. X, No {i};1\n" for i in range(30))
    with open_table(write_csv(tmp_path / "k.csv", text)) as table:
        assert table.delimiter == ";"


@pytest.mark.parametrize(
    ("name", "newline"), [("lf.csv", "\n"), ("cr.csv", "\r"), ("crlf.txt", "\r\n")],
    ids=["LF", "CR-only", "CRLF-txt"],
)
def test_csv_line_endings(tmp_path, name, newline):
    path = write_csv(tmp_path / name, "NIK;NAMA\n1;Siti\n\n2;Ani\n", newline=newline)
    assert rows_of(path) == [(1, ["NIK", "NAMA"]), (2, ["1", "Siti"]), (4, ["2", "Ani"])]


def test_csv_single_column(tmp_path):
    path = write_csv(tmp_path / "nik.csv", f"NIK\n{NIK}\nSITI, S.PD\n")
    with open_table(path) as table:
        assert table.delimiter is None
        assert list(table.iter_rows()) == [(1, ["NIK"]), (2, [NIK]), (3, ["SITI, S.PD"])]


def test_csv_named_xlsx_is_read_as_csv(tmp_path):
    path = write_csv(tmp_path / "ekspor.xlsx", "NIK;NAMA\n1;Siti\n")
    with open_table(path) as table:
        assert table.kind == "csv"
        assert any("isinya teks CSV" in n for n in table.notes)
        assert list(table.iter_rows())[1] == (2, ["1", "Siti"])


def test_csv_values_are_strings_exactly_as_written(tmp_path):
    path = write_csv(tmp_path / "v.csv", "NIK;NAMA;RT\n 3.31022E+15 ; Siti ;001\n")
    assert rows_of(path)[1][1] == [" 3.31022E+15 ", " Siti ", "001"]


def test_csv_estimated_rows(tmp_path):
    path = write_csv(tmp_path / "n.csv", "NIK;NAMA\n" + "".join(f"{i};x\n" for i in range(999)))
    with open_table(path) as table:
        assert table.estimated_rows == 1000


def test_csv_is_streamed(tmp_path):
    """Memory stays flat while iterating: the file is never read whole."""
    path = tmp_path / "besar.csv"
    line = f"{NIK};SITI AMINAH BINTI FULAN;JL. MAWAR NO 12;001;002;KLATEN;01-01-1980\n"
    path.write_text("NIK;NAMA;ALAMAT;RT;RW;KAB;TGL\n" + line * 60_000, encoding="utf-8")
    assert path.stat().st_size > 4_000_000
    with open_table(path) as table:
        tracemalloc.start()
        try:
            n = sum(1 for _ in table.iter_rows())
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert n == 60_001
    assert peak < 3_000_000, peak


def test_calamine_row_offset_behaviour_is_pinned(tmp_path):
    """python-calamine yields rows from row 1 but columns from the first used column; the
    reader relies on that (with a guard). If an upgrade changes it, this test says so."""
    path = tmp_path / "offset.xlsx"
    wb = openpyxl.Workbook()
    wb.active["D7"] = "NIK"
    wb.active["E8"] = "x"
    wb.save(path)
    assert rows_of(path) == [
        (7, [None, None, None, "NIK", None]),
        (8, [None, None, None, None, "x"]),
    ]
