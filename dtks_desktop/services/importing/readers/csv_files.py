"""CSV/TXT files: encoding and delimiter detection on a sample, streamed reading with per-line
decoding fallbacks, and the "cell too long" error."""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from dtks_desktop.domain.spreadsheet import cell_error_of_text
from dtks_desktop.services.importing.readers.table import (
    DECODE_FALLBACK_KEEP,
    ImportFileError,
    Row,
    Table,
    _DELIMITERS,
    _ERR_LATIN1,
    _ERR_UTF8_FALLBACK,
    _NO_DELIMITER,
    _READ_BUFFER,
    _SAMPLE_BYTES,
    _not_a_sheet,
    _open_error,
    _q,
    describe_location,
    _only_cell_errors,
    _record_error_row,
)


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
