"""Files exchanged with PT Pos and the desa: the returned list, the completed file, the final list.

* :func:`export_returned`: the KPM returned by the cleaning, one sheet per desa (NIK masked), with
  the reasons and an ``ID KPM`` column; the desa completes the blanks and sends it back;
* :func:`import_completed`: that file back (layout ``ptpos.kembali``; .xlsx any sheet, or .csv):
  each row names its KPM by ``ID KPM`` (or by full NIK); its non-empty cells replace the KPM's
  identity/address (a masked NIK is left as it is); the KPM named are checked again as a new round
  (:func:`.cleaning.run_round`). The same file (SHA-256) twice is refused, naming its round;
* :func:`export_for_ptpos`: the lengkap KPM in the layout ``ptpos.kirim`` (.xlsx or .csv), full
  NIK: PT Pos checks the KTP at the counter against it (the data handover of the official list).

The column layouts are configurable (the office's ``layout.<scope>`` settings, issue 13's shared
layouts); :data:`DEFAULT_LAYOUTS` are the built-in ones. Everything reads and writes its columns
through :func:`layout` and :func:`header_map`.
"""

from __future__ import annotations

import csv
import os
import re
from collections import defaultdict
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from dtks_desktop.db.models import DistCleanRound, DistKpm, DistPoint
from dtks_desktop.domain.distribution import CleanStatus
from dtks_desktop.domain.masking import mask_nik
from dtks_desktop.domain.permissions import Capability
from dtks_desktop.domain.regions import repair_code
from dtks_desktop.domain.spreadsheet import clean_id, clean_rt_rw, clean_text, csv_safe
from dtks_desktop.domain.workflow.distribution import PeriodStatus, ReceiptStatus
from dtks_desktop.services.core import audit, settings
from dtks_desktop.services.core import layouts as L
from dtks_desktop.services.core.common import CancelFlag, Progress, check_cancel
from dtks_desktop.services.core.permissions import require
from dtks_desktop.services.core.users import Actor
from dtks_desktop.services.distribution.cleaning import CleanResult, run_round
from dtks_desktop.services.distribution.common import (DistError, benefit_of, ensure_parent, os_reason,
                                                       period_row, reason_labels,
                                                       region_names, username)
from dtks_desktop.services.distribution.kpm_import import Problem, file_sha256
from dtks_desktop.services.distribution.periods import PLACE_ORDER, registry_lookup

__all__ = ["KIRIM", "KEMBALI", "DEFAULT_LAYOUTS", "FIELD_LABELS", "TEXT_FIELDS", "layout", "header_map",
           "export_returned", "import_completed", "export_for_ptpos"]

KIRIM = "ptpos.kirim"  # the list sent to PT Pos
KEMBALI = "ptpos.kembali"  # the returned list and the completed file that comes back

#: What a column of these files may hold (field -> Indonesian label).
FIELD_LABELS: dict[str, str] = {
    "no": "Nomor urut", "id": "ID KPM", "kode_desa": "Kode desa/kelurahan", "kecamatan": "Kecamatan",
    "desa": "Desa/Kelurahan", "dusun": "Dusun/lingkungan", "rw": "RW", "rt": "RT", "alamat": "Alamat",
    "no_kk": "No KK", "nik": "NIK", "nama": "Nama penerima", "program": "Program", "tahap": "Tahap",
    "bantuan": "Bantuan per KPM", "titik": "Titik salur", "jadwal": "Jadwal", "alasan": "Alasan dikembalikan",
}
#: Written as text cells (never numbers: a NIK must keep its 16 digits).
TEXT_FIELDS = frozenset({"id", "kode_desa", "nik", "no_kk", "rt", "rw"})

#: The built-in layouts: (header, field), in column order.
DEFAULT_LAYOUTS: dict[str, tuple[tuple[str, str], ...]] = {
    KIRIM: (("NO", "no"), ("ID_KPM", "id"), ("KODE_WILAYAH", "kode_desa"), ("KECAMATAN", "kecamatan"),
            ("DESA_KELURAHAN", "desa"), ("DUSUN", "dusun"), ("RW", "rw"), ("RT", "rt"), ("ALAMAT", "alamat"),
            ("NO_KK", "no_kk"), ("NIK", "nik"), ("NAMA_PENERIMA", "nama"), ("PROGRAM", "program"),
            ("TAHAP", "tahap"), ("BANTUAN", "bantuan"), ("TITIK_SALUR", "titik"), ("JADWAL", "jadwal")),
    KEMBALI: (("No", "no"), ("ID KPM", "id"), ("Kode Desa", "kode_desa"), ("Kecamatan", "kecamatan"),
              ("Desa/Kelurahan", "desa"), ("NIK", "nik"), ("Nama", "nama"), ("No KK", "no_kk"), ("Alamat", "alamat"),
              ("Dusun", "dusun"), ("RT", "rt"), ("RW", "rw"), ("Alasan dikembalikan", "alasan")),
}
#: The fields a completed file may change on the KPM.
EDITABLE = ("nik", "nama", "no_kk", "alamat", "dusun", "rt", "rw", "kode_desa", "desa")


_SCOPE_LABELS = {KIRIM: "Daftar KPM untuk PT Pos (penyaluran)",
                 KEMBALI: "Daftar KPM dikembalikan / dilengkapi (PT Pos dan desa)"}
#: A file of either kind names its KPM by one of these and carries a name.
_REQUIRED = {KIRIM: frozenset({"nik", "nama"}), KEMBALI: frozenset()}

for _scope in (KIRIM, KEMBALI):
    L.register(L.Scope(key=_scope, label=_SCOPE_LABELS[_scope], fields=dict(FIELD_LABELS),
                       default=tuple(L.Column(h, f) for h, f in DEFAULT_LAYOUTS[_scope]), text_fields=TEXT_FIELDS,
                       required=_REQUIRED[_scope]))


def layout(session: Session, scope: str) -> list[tuple[str, str]]:
    """(header, field) of the file of ``scope`` in column order: the office's layout
    (``services.core.layouts``, ``dtks layout set ptpos.kirim …``), else :data:`DEFAULT_LAYOUTS`."""
    return [(c.header, c.field) for c in L.layout(session, scope)]


def _key(text: object) -> str:
    return re.sub(r"[^A-Z0-9]", "", str(text or "").upper())


def header_map(session: Session, scope: str, headers: list) -> dict[str, int]:
    """field -> column index of a header row of a file in ``scope``'s layout (headers matched
    case/space/punctuation-insensitively against the layout's header and the field's label)."""
    want: dict[str, str] = {}
    for h, f in [*layout(session, scope), *DEFAULT_LAYOUTS[scope]]:
        want.setdefault(_key(h), f)
    for f, label in FIELD_LABELS.items():
        want.setdefault(_key(label), f)
    out: dict[str, int] = {}
    for i, h in enumerate(headers):
        f = want.get(_key(h))
        if f and f not in out:
            out[f] = i
    return out


# --- writing ---------------------------------------------------------------------------------------------

def _sheet_name(name: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", " ", name).strip()[:31] or "Desa"
    out, n = base, 2
    while out.lower() in used:
        suffix = f" ({n})"
        out, n = base[:31 - len(suffix)] + suffix, n + 1
    used.add(out.lower())
    return out


def _tmp(path: Path) -> Path:
    return path.with_name(f".{path.name}.tmp-{os.getpid()}")


def _value(f: str, k: DistKpm, ctx: dict):
    names = ctx["names"]
    desa, kec = names.get(k.desa_kode, (k.desa_text or "", "")) if k.desa_kode else (k.desa_text or "", "")
    if f == "no":
        return ctx["no"]
    if f == "id":
        return str(k.id)
    if f == "kode_desa":
        return k.desa_kode or ""
    if f == "kecamatan":
        return kec
    if f == "desa":
        return desa
    if f == "nik":
        return ctx["nik"](k.nik)
    if f == "no_kk":
        return ctx["nik"](k.no_kk)
    if f in ("nama", "alamat", "dusun", "rt", "rw"):
        return getattr(k, f) or ""
    if f == "program":
        return ctx["programme"]
    if f == "tahap":
        return ctx["period"]
    if f == "bantuan":
        return ctx["benefit"]
    if f == "titik":
        pt = ctx["points"].get(k.point_id)
        return pt.nama if pt else ""
    if f == "jadwal":
        pt = ctx["points"].get(k.point_id)
        if not pt or not k.slot_mulai:
            return ""
        return f"{pt.tanggal:%d-%m-%Y} {k.slot_mulai:%H:%M}-{k.slot_selesai:%H:%M}" if k.slot_selesai else ""
    if f == "alasan":
        return "; ".join(reason_labels(k.clean_reasons))
    return ""


def _write_xlsx(path: Path, sheets: list[tuple[str, list[str], list[list], list[tuple[str, str]]]]) -> None:
    """``sheets``: (name, title lines, rows of values, (header, field) columns of the rows)."""
    import xlsxwriter

    from dtks_desktop.documents.sheets import SafeSheets

    wb = xlsxwriter.Workbook(str(path), {"constant_memory": False})
    try:
        safe = SafeSheets(wb)
        bold = wb.add_format({"bold": True})
        head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
        text = safe.format({"num_format": "@"})
        for name, titles, rows, cols in sheets:
            ws = wb.add_worksheet(name)
            r = 0
            for t in titles:
                safe.write(ws, r, 0, t, bold if r == 0 else None)
                r += 1
            if titles:
                r += 1
            for j, (h, f) in enumerate(cols):
                ws.write_string(r, j, h, head)
                ws.set_column(j, j, 20 if f in TEXT_FIELDS or f in ("nama", "alamat", "alasan", "jadwal") else 12,
                              text if f in TEXT_FIELDS else None)
            ws.freeze_panes(r + 1, 0)
            for values in rows:
                r += 1
                for j, ((_, f), v) in enumerate(zip(cols, values)):
                    safe.write(ws, r, j, v if f not in TEXT_FIELDS or v is None else str(v),
                               text if f in TEXT_FIELDS else None)
    finally:
        wb.close()


def _write_csv(path: Path, cols: list[tuple[str, str]], rows: list[list]) -> None:
    with open(path, "w", newline="", encoding="utf-8-sig") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow([h for h, _ in cols])
        for values in rows:
            w.writerow([csv_safe(v) if isinstance(v, str) else v for v in values])


def _context(session: Session, p, rows: list[DistKpm], *, full: bool) -> dict:
    policy = settings.mask_policy(session)
    points = {pt.id: pt for pt in session.execute(select(DistPoint).where(DistPoint.period_id == p.id)).scalars()}
    return {"names": region_names(session, {k.desa_kode for k in rows if k.desa_kode}),
            "nik": (lambda v: v or "") if full else (lambda v: mask_nik(v, policy) if v else ""),
            "programme": p.programme, "period": p.period, "benefit": benefit_of(p).label(), "points": points, "no": 0}


def _finish(tmp: Path, out: Path) -> Path:
    try:
        os.replace(tmp, out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise DistError(f"Berkas {out} tidak dapat ditulis: {os_reason(exc)}. Tutup berkas itu bila sedang "
                        "dibuka di Excel.") from None
    return out


def export_returned(session: Session, actor: Actor, period_id: int, out, *, desa: str | None = None) -> Path:
    """The returned KPM (.xlsx, one sheet per desa, NIK masked, with the reasons) in layout ``ptpos.kembali``."""
    require(session, actor, Capability.DIST_MANAGE, detail=f"daftar dikembalikan tahap #{period_id}")
    p = period_row(session, period_id)
    out = Path(out)
    if out.suffix.lower() != ".xlsx":
        raise DistError(f"Daftar dikembalikan ditulis sebagai .xlsx, bukan {out.suffix or 'tanpa akhiran'}: {out.name}.")
    q = select(DistKpm).where(DistKpm.period_id == p.id, DistKpm.clean_status == CleanStatus.DIKEMBALIKAN.value)
    if desa:
        q = q.where(DistKpm.desa_kode == desa)
    rows = list(session.execute(q.order_by(*PLACE_ORDER)).scalars())
    if not rows:
        where = f" di desa {desa}" if desa else ""
        raise DistError(f"Tidak ada KPM dikembalikan{where} pada tahap {p.programme} {p.period}.",
                        "Jalankan pembersihan dulu (dtks dist clean)." if p.status == PeriodStatus.DRAF.value else "")
    cols = layout(session, KEMBALI)
    ctx = _context(session, p, rows, full=False)
    per: dict[str | None, list[DistKpm]] = defaultdict(list)
    for k in rows:
        per[k.desa_kode].append(k)
    used: set[str] = {"ringkasan"}
    sheets = []
    summary: list[list] = []
    for code in sorted(per, key=lambda c: (c is None, ctx["names"].get(c, ("", ""))[1], ctx["names"].get(c, ("", ""))[0])):
        ks = per[code]
        dname, kname = ctx["names"].get(code, ("Desa tidak dikenal", "")) if code else ("Desa tidak dikenal", "")
        values = []
        for i, k in enumerate(ks, 1):
            ctx["no"] = i
            values.append([_value(f, k, ctx) for _, f in cols])
        titles = [f"DAFTAR KPM DIKEMBALIKAN UNTUK DILENGKAPI - {p.programme} {p.period}",
                  f"Desa/Kelurahan {dname}" + (f", Kecamatan {kname}" if kname else "") + f" ({len(ks)} KPM)",
                  "Lengkapi atau perbaiki sel yang kosong/salah; NIK yang disamarkan biarkan bila benar, tulis NIK "
                  "lengkap bila salah. Jangan ubah kolom ID KPM. Kembalikan berkas ini ke Dinas Sosial."]
        sheets.append((_sheet_name(dname, used), titles, values, cols))
        summary.append([dname, kname, len(ks)])
    ensure_parent(out)
    tmp = _tmp(out)
    sheets.insert(0, ("Ringkasan", [f"RINGKASAN KPM DIKEMBALIKAN - {p.programme} {p.period}",
                                    f"{len(rows)} KPM di {len(per)} desa/kelurahan; satu lembar per desa/kelurahan."],
                      summary + [["Jumlah", "", len(rows)]],
                      [("Desa/Kelurahan", "desa"), ("Kecamatan", "kecamatan"), ("KPM dikembalikan", "jumlah")]))
    _write_xlsx(tmp, sheets)
    _finish(tmp, out)
    audit.record(session, actor, "dist.export.returned", entity_type="dist_period", entity_id=p.id,
                 summary=f"Daftar dikembalikan {p.programme} {p.period}: {len(rows)} KPM, {len(per)} desa → {out.name}",
                 new={"file": out.name, "kpm": len(rows), "desa": desa})
    session.commit()  # the audit event of a file that left the office, whatever the caller does next
    return out


def export_for_ptpos(session: Session, actor: Actor, period_id: int, out) -> Path:
    """The lengkap KPM for PT Pos in layout ``ptpos.kirim`` (.xlsx or .csv; full NIK)."""
    require(session, actor, Capability.DIST_MANAGE, detail=f"berkas PT Pos tahap #{period_id}")
    p = period_row(session, period_id)
    out = Path(out)
    if out.suffix.lower() not in (".xlsx", ".csv"):
        raise DistError(f"Berkas untuk PT Pos ditulis sebagai .xlsx atau .csv, bukan {out.suffix or 'tanpa akhiran'}.")
    rows = list(session.execute(select(DistKpm).where(DistKpm.period_id == p.id,
                                                      DistKpm.clean_status == CleanStatus.LENGKAP.value)
                                .order_by(*PLACE_ORDER)).scalars())
    if not rows:
        raise DistError(f"Belum ada KPM lengkap pada tahap {p.programme} {p.period}.",
                        "Jalankan pembersihan dulu (dtks dist clean).")
    cols = layout(session, KIRIM)
    ctx = _context(session, p, rows, full=True)
    values = []
    for i, k in enumerate(rows, 1):
        ctx["no"] = i
        values.append([_value(f, k, ctx) for _, f in cols])
    ensure_parent(out)
    tmp = _tmp(out)
    if out.suffix.lower() == ".csv":
        _write_csv(tmp, cols, values)
    else:
        _write_xlsx(tmp, [("KPM", [], values, cols)])
    _finish(tmp, out)
    audit.record(session, actor, "dist.export.ptpos", entity_type="dist_period", entity_id=p.id,
                 summary=f"Berkas PT Pos {p.programme} {p.period}: {len(rows)} KPM lengkap (NIK lengkap) → {out.name}",
                 new={"file": out.name, "kpm": len(rows)})
    session.commit()
    return out


# --- the completed file ----------------------------------------------------------------------------------

def _read_completed(session: Session, path: Path) -> list[tuple[str | None, int, dict, dict[str, int], dict]]:
    """(sheet, row number, {field: value}, {field: column}, {column: header}) of every data row of every
    sheet that has a header of the layout (ID KPM or NIK, and at least one other field)."""
    from dtks_desktop.services.importing.mapping.fields import HEADER_SCAN_ROWS
    from dtks_desktop.services.importing.readers import ImportFileError, open_table

    first = open_table(path)
    names = list(first.sheet_names)
    if names:  # a workbook: every sheet (the returned list has one per desa)
        first.close()
    out = []
    found = False
    for name in names or [None]:
        table = open_table(path, sheet=name) if name is not None else first
        try:
            header = None
            for number, values in table.iter_rows():
                if header is None:
                    cols = header_map(session, KEMBALI, list(values))
                    if ("id" in cols or "nik" in cols) and len(cols) >= 3:
                        header = (cols, {i: str(v) for i, v in enumerate(values) if v not in (None, "")})
                        found = True
                    elif number > HEADER_SCAN_ROWS:
                        break
                    continue
                cols, heads = header
                n = len(values)
                out.append((name, number, {f: (values[i] if i < n else None) for f, i in cols.items()}, cols, heads))
        finally:
            table.close()
    if not found:
        expected = ", ".join(h for h, _ in layout(session, KEMBALI))
        raise ImportFileError(f'Berkas "{path.name}": judul kolom daftar yang dilengkapi tidak ditemukan (perlu '
                              f"kolom ID KPM atau NIK). Judul yang diharapkan: {expected}.",
                              code="judul_tidak_ditemukan", path=path)
    return out


_MASKED = re.compile(r"[^0-9]")


def import_completed(db, actor: Actor, period_id: int, path, *, progress: Progress | None = None,
                     cancel: CancelFlag | None = None) -> CleanResult:
    """The completed file back (see the module's description): update the KPM it names, check them again."""
    from dtks_desktop.services.core.regions import RegionNotFound, RegionResolver
    from dtks_desktop.services.importing.readers import column_letter, describe_location

    require(db, actor, Capability.DIST_MANAGE, detail=f"berkas dilengkapi tahap #{period_id}")
    p_path = Path(path)
    if not p_path.is_file():
        raise DistError(f"Berkas {p_path} tidak ditemukan.")
    digest = file_sha256(p_path)
    with db.sessions() as s:
        p = period_row(s, period_id)
        prev = s.execute(select(DistCleanRound).where(DistCleanRound.period_id == period_id,
                                                      DistCleanRound.file_sha256 == digest)).scalar_one_or_none()
        if prev is not None:
            raise DistError(f'Berkas "{p_path.name}" sudah diimpor pada ronde {prev.round_no} '
                            f"({prev.created_at:%d-%m-%Y %H:%M}, oleh {username(s, prev.created_by) or '-'}"
                            f'{", sebagai " + prev.file_name if prev.file_name and prev.file_name != p_path.name else ""}). '
                            "Tidak ada yang diubah.", "Impor berkas yang baru dilengkapi.")
        raw = _read_completed(s, p_path)
        kab = settings.office_kab(s)
        resolver = RegionResolver.from_db(s, kab) if kab else None
    check_cancel(cancel)
    problems: list[Problem] = []

    def problem(sheet, number, cols, heads, f, message, level="error"):
        i = cols.get(f)
        loc = describe_location(p_path.name, number, i, heads.get(i) if i is not None else None)
        if sheet:
            loc += f" (lembar {sheet})"
        problems.append(Problem(number, f"{column_letter(i)} ({heads.get(i, f)})" if i is not None else None,
                                f"{loc}: {message}", level))

    with db.transaction() as s:
        p = period_row(s, period_id, lock=True)
        kpms: dict[int, DistKpm] = {}
        by_nik: dict[str, int] = {}
        named: list[int] = []
        changed = 0
        ids = {i for i in (_id_of(r[2].get("id")) for r in raw) if i is not None}
        niks = {clean_id(r[2].get("nik")).value for r in raw if r[2].get("nik") not in (None, "")}
        q = select(DistKpm).where(DistKpm.period_id == p.id)
        for part in _parts(sorted(ids)):
            for k in s.execute(q.where(DistKpm.id.in_(part))).scalars():
                kpms[k.id] = k
        for part in _parts(sorted(n for n in niks if n)):
            for k in s.execute(q.where(DistKpm.nik.in_(part))).scalars():
                kpms[k.id] = k
                by_nik[k.nik] = k.id
        all_niks = None
        seen: dict[int, int] = {}
        new_niks: list[str] = []
        for sheet, number, rec, cols, heads in raw:
            check_cancel(cancel)
            id_text = clean_text(rec.get("id")) or ""
            nik_c = clean_id(rec.get("nik")) if rec.get("nik") not in (None, "") else None
            full_nik = nik_c.value if nik_c and not nik_c.excel_damaged and nik_c.value and nik_c.value.isdigit() \
                and len(nik_c.value) == 16 and not _MASKED.search(str(rec.get("nik")).strip()) else None
            k = None
            if id_text:
                kid = _id_of(id_text)
                k = kpms.get(kid) if kid is not None else None
                if k is None:
                    problem(sheet, number, cols, heads, "id", f"ID KPM {id_text} bukan KPM tahap {p.programme} {p.period}.")
                    continue
            elif full_nik:
                kid = by_nik.get(full_nik)
                k = kpms.get(kid) if kid else None
                if k is None:
                    problem(sheet, number, cols, heads, "nik", f"NIK {full_nik} bukan KPM tahap {p.programme} {p.period}.")
                    continue
            else:
                if any(clean_text(v) for v in rec.values()):
                    problem(sheet, number, cols, heads, "id" if "id" in cols else "nik",
                            "baris ini tidak menyebut ID KPM atau NIK lengkap; tidak diproses.")
                continue
            if k.id in seen:
                problem(sheet, number, cols, heads, "id" if "id" in cols else "nik",
                        f"KPM {k.nama} sudah ada di baris {seen[k.id]}; baris ini tidak diproses.")
                continue
            seen[k.id] = number
            if k.receipt_status != ReceiptStatus.BELUM.value:
                problem(sheet, number, cols, heads, "id" if "id" in cols else "nik",
                        f"{k.nama} sudah tercatat {k.receipt_status}; datanya tidak diubah.", "warning")
                continue
            if nik_c is not None and nik_c.excel_damaged:
                problem(sheet, number, cols, heads, "nik", "NIK rusak karena disimpan sebagai angka di Excel (digit "
                                                           "terakhir hilang); baris ini tidak diproses. Simpan kolom "
                                                           "NIK sebagai teks.")
                continue
            new: dict[str, object] = {}
            if full_nik and full_nik != k.nik:
                if all_niks is None:
                    all_niks = set(s.execute(select(DistKpm.nik).where(DistKpm.period_id == p.id,
                                                                       DistKpm.nik.is_not(None))).scalars())
                if full_nik in all_niks:
                    problem(sheet, number, cols, heads, "nik", f"NIK {full_nik} sudah dipakai KPM lain tahap ini; "
                                                               "NIK tidak diubah.")
                    continue
                new["nik"] = full_nik
            for f in ("nama", "alamat", "dusun"):
                v = clean_text(rec.get(f))
                if v and v != (getattr(k, f) or ""):
                    new[f] = v[:{"nama": 200, "alamat": 300, "dusun": 120}[f]]
            for f in ("rt", "rw"):
                v = clean_rt_rw(rec.get(f))
                if v and v[:5] != (getattr(k, f) or ""):
                    new[f] = v[:5]
            if rec.get("no_kk") not in (None, ""):
                kk = clean_id(rec.get("no_kk"))
                if kk.value and kk.value.isdigit() and not kk.excel_damaged and kk.value != k.no_kk \
                        and not _MASKED.search(str(rec.get("no_kk")).strip()):
                    new["no_kk"] = kk.value[:20]
            code = repair_code(rec.get("kode_desa")) if rec.get("kode_desa") not in (None, "") else None
            desa_name = clean_text(rec.get("desa"))
            if code and code.count(".") == 3:
                if kab and not code.startswith(kab + "."):
                    problem(sheet, number, cols, heads, "kode_desa", f"kode desa {code} bukan wilayah kabupaten ini; "
                                                                     "desa tidak diubah.", "warning")
                elif code != k.desa_kode:
                    new["desa_kode"] = code
            elif desa_name and not k.desa_kode and resolver is not None:
                try:
                    new["desa_kode"] = resolver.desa(desa_name, clean_text(rec.get("kecamatan")) or None).kode \
                        if clean_text(rec.get("kecamatan")) else resolver.desa(desa_name).kode
                except RegionNotFound:
                    problem(sheet, number, cols, heads, "desa", f"desa '{desa_name}' tidak dikenal di kabupaten ini.",
                            "warning")
            named.append(k.id)
            if new:
                old = {f: getattr(k, f) for f in new}
                for f, v in new.items():
                    setattr(k, f, v)
                if "nik" in new:
                    all_niks.discard(old["nik"])
                    all_niks.add(new["nik"])
                    new_niks.append(new["nik"])
                changed += 1
                audit.record(s, actor, "dist.kpm.update", entity_type="dist_kpm", entity_id=k.id,
                             summary=f"{k.nama}: data dilengkapi dari {p_path.name}"[:300],
                             old=old, new=new)
        if not named:
            first = f" {problems[0].message}" if problems else ""
            raise DistError(f'Berkas "{p_path.name}" tidak menyebut KPM tahap {p.programme} {p.period} yang dapat '
                            f"diperiksa ulang.{first}")
        if new_niks:
            s.flush()
            reg = registry_lookup(s, new_niks)
            for kid in named:
                k = kpms[kid]
                if k.nik in reg:  # a corrected NIK found in the registry: that person (the link of a KPM
                    m, h = reg[k.nik]  # whose NIK the registry does not know yet stays as it was)
                    k.member_id, k.household_id, k.in_registry = m.id, h.id, True
        s.flush()
        return run_round(s, actor, p, only=named, file_name=p_path.name[:260], file_sha256=digest, updated=changed,
                         problems=tuple(problems), progress=progress, cancel=cancel)


def _id_of(value) -> int | None:
    """The KPM id of an ``ID KPM`` cell (``"12"``, ``12``, ``12.0``), or None."""
    text = clean_text(value) or ""
    if text.endswith(".0"):
        text = text[:-2]
    return int(text) if text.isascii() and text.isdigit() and len(text) < 13 else None


def _parts(items: list, n: int = 2000):
    for i in range(0, len(items), n):
        yield items[i:i + n]
