"""Which kind of file this is, from its content (not its name): :func:`open_table` reads the
first bytes and hands the file to the Excel reader (zip: xlsx/xlsm/xlsb/ods; OLE2: xls or an
encrypted workbook) or the CSV reader, and refuses PDFs, images, web pages and the like."""

from __future__ import annotations

import os
import struct
import zipfile
from pathlib import Path

from dtks_desktop.services.importing.readers.table import (
    ImportFileError,
    Table,
    _SAMPLE_BYTES,
    _corrupt,
    _looks_binary,
    _not_a_sheet,
    _open_error,
    _password,
    _q,
)
from dtks_desktop.services.importing.readers.excel import _open_calamine
from dtks_desktop.services.importing.readers.csv_files import _open_csv


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
