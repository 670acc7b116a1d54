"""Realisation of a distribution period: target, received, failed, remaining and value per desa,
kecamatan and in total; the lists of failed and remaining KPM; the progress over time; the .xlsx
export and the PDF report (document type ``laporan_realisasi`` on the documents engine).

Definitions (exact, no rounding): ``target`` = KPM lengkap after the PT Pos cleaning, plus any KPM
already served whose data was returned later (so a receipt is never outside the target);
``diterima`` / ``gagal`` = KPM whose receipt is recorded ``diterima`` / ``gagal_salur``;
``sisa = target - diterima - gagal``; ``nilai`` = the benefit times ``diterima`` (rupiah, or the
quantity of goods in its unit). Every number comes from one GROUP BY over the receipts recorded,
so the totals reconcile with them exactly (tests/distribution/test_report.py).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from dtks_desktop.db.models import DistKpm, DistPeriod
from dtks_desktop.domain.distribution import BenefitKind, CleanStatus, quantity, rupiah
from dtks_desktop.domain.formatting import tanggal_jam
from dtks_desktop.domain.permissions import Capability
from dtks_desktop.domain.spreadsheet import csv_safe
from dtks_desktop.domain.workflow.distribution import ReceiptStatus
from dtks_desktop.services.core import audit
from dtks_desktop.services.core.permissions import require
from dtks_desktop.services.core.users import Actor
from dtks_desktop.services.distribution.common import (
    DistError, KpmRow, PeriodView, benefit_of, ensure_parent, kpm_rows, os_reason, period_row, region_names,
    view_of,
)

__all__ = ["Line", "Realisation", "realisation", "failed_rows", "remaining_rows", "progress_series", "export_xlsx",
           "print_report", "DOC_TYPE"]

DOC_TYPE = "laporan_realisasi"
NO_DESA = "(desa tidak dikenal)"


def _number(v: int | Decimal) -> int | float:
    """A JSON number: int rupiah, or the quantity (int when whole)."""
    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral() else float(v)
    return int(v)


@dataclass(frozen=True)
class Line:
    """One line of the realisation: a desa, a kecamatan, or the total."""

    kode: str
    desa: str
    kecamatan: str
    target: int
    diterima: int
    gagal: int
    nilai: int | Decimal  # benefit x diterima
    nilai_label: str = ""
    nilai_target: int | Decimal = 0  # benefit x target

    @property
    def sisa(self) -> int:
        return self.target - self.diterima - self.gagal

    @property
    def persen(self) -> float:
        """Share of the target received (0-100)."""
        return 100.0 * self.diterima / self.target if self.target else 0.0

    def as_dict(self) -> dict:
        return dict(kode=self.kode, desa=self.desa, kecamatan=self.kecamatan, target=self.target,
                    diterima=self.diterima, gagal=self.gagal, sisa=self.sisa, nilai=_number(self.nilai),
                    nilai_label=self.nilai_label, persen=round(self.persen, 2))


@dataclass(frozen=True)
class Realisation:
    period: PeriodView
    total: Line
    desa: list[Line]
    kecamatan: list[Line]
    satuan: str  # "rupiah" | the goods' unit ("kg")
    kecamatan_filter: str | None = None
    fail_reasons: dict[str, int] = field(default_factory=dict)  # FailReason value -> KPM
    at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))

    def as_dict(self) -> dict:
        t = self.total.as_dict()
        del t["kode"], t["desa"], t["kecamatan"]  # the total's keys: target, diterima, gagal, sisa, nilai, …
        return {"total": t,
                "desa": [d.as_dict() for d in self.desa], "kecamatan": [k.as_dict() for k in self.kecamatan],
                "period": self.period.as_dict(), "satuan": self.satuan, "kecamatan_filter": self.kecamatan_filter,
                "fail_reasons": dict(self.fail_reasons), "at": self.at.isoformat()}


def _label(p: DistPeriod, v: int | Decimal) -> str:
    b = benefit_of(p)
    return rupiah(v) if b.kind == BenefitKind.TUNAI else f"{quantity(v)} {b.unit} {b.goods}"


def _in_target():
    return or_(DistKpm.clean_status == CleanStatus.LENGKAP.value,
               DistKpm.receipt_status != ReceiptStatus.BELUM.value)


def _kec_filter(q, kecamatan: str | None):
    if kecamatan:
        return q.where(DistKpm.desa_kode.like(f"{kecamatan.strip()}.%"))
    return q


def realisation(session: Session, period_id: int, *, kecamatan: str | None = None) -> Realisation:
    """The realisation of the period (or of one kecamatan: ``kecamatan`` a code like ``33.10.01``)."""
    p = period_row(session, period_id)
    b = benefit_of(p)
    r = DistKpm.receipt_status
    q = (select(DistKpm.desa_kode, func.sum(case((_in_target(), 1), else_=0)),
                func.sum(case((r == ReceiptStatus.DITERIMA.value, 1), else_=0)),
                func.sum(case((r == ReceiptStatus.GAGAL_SALUR.value, 1), else_=0)))
         .where(DistKpm.period_id == period_id).group_by(DistKpm.desa_kode))
    groups = [(kode, int(t or 0), int(d or 0), int(g or 0)) for kode, t, d, g in session.execute(_kec_filter(q, kecamatan))]
    names = region_names(session, {k for k, *_ in groups if k})

    def line(kode, desa, kec, t, d, g) -> Line:
        v = b.value_of(d)
        return Line(kode, desa, kec, t, d, g, v, _label(p, v), b.value_of(t))

    desa_lines = []
    for kode, t, d, g in groups:
        if t == 0 and d == 0 and g == 0:
            continue  # a desa whose KPM were all returned: no target
        dn, kn = names.get(kode, (kode, "")) if kode else (NO_DESA, "")
        desa_lines.append(line(kode or "", dn, kn, t, d, g))
    desa_lines.sort(key=lambda x: (x.kecamatan, x.desa, x.kode))
    per_kec: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for d in desa_lines:
        key = (d.kode.rsplit(".", 1)[0] if d.kode else "", d.kecamatan)
        acc = per_kec[key]
        acc[0] += d.target
        acc[1] += d.diterima
        acc[2] += d.gagal
    kec_lines = [line(k, "", kn, *acc) for (k, kn), acc in sorted(per_kec.items(), key=lambda x: (x[0][1], x[0][0]))]
    tt = [sum(x.target for x in desa_lines), sum(x.diterima for x in desa_lines), sum(x.gagal for x in desa_lines)]
    total = line("", "", "", *tt)
    fq = (select(DistKpm.fail_reason, func.count()).where(DistKpm.period_id == period_id,
                                                          r == ReceiptStatus.GAGAL_SALUR.value)
          .group_by(DistKpm.fail_reason))
    reasons = {str(k or ""): int(n) for k, n in session.execute(_kec_filter(fq, kecamatan))}
    satuan = "rupiah" if b.kind == BenefitKind.TUNAI else (b.unit or "")
    return Realisation(view_of(session, p), total, desa_lines, kec_lines, satuan, kecamatan or None, reasons)


def _list(session: Session, actor: Actor | None, period_id: int, status: str, desa: str | None,
          full: bool | None, kecamatan: str | None = None) -> list[KpmRow]:
    period_row(session, period_id)
    q = select(DistKpm).where(DistKpm.period_id == period_id, DistKpm.receipt_status == status)
    if status == ReceiptStatus.BELUM.value:
        q = q.where(DistKpm.clean_status == CleanStatus.LENGKAP.value)
    if desa:
        q = q.where(DistKpm.desa_kode == desa)
    q = _kec_filter(q, kecamatan).order_by(DistKpm.desa_kode, DistKpm.rw, DistKpm.rt, DistKpm.nama, DistKpm.id)
    return kpm_rows(session, list(session.execute(q).scalars()), actor=actor, full=full)


def failed_rows(session: Session, actor: Actor | None, period_id: int, *, desa: str | None = None,
                kecamatan: str | None = None, full: bool | None = None) -> list[KpmRow]:
    """KPM recorded gagal salur, by desa, RW, RT, name (NIK masked by the actor's role, or ``full``)."""
    return _list(session, actor, period_id, ReceiptStatus.GAGAL_SALUR.value, desa, full, kecamatan)


def remaining_rows(session: Session, actor: Actor | None, period_id: int, *, desa: str | None = None,
                   kecamatan: str | None = None, full: bool | None = None) -> list[KpmRow]:
    """KPM lengkap who have not received yet (nor failed), by desa, RW, RT, name."""
    return _list(session, actor, period_id, ReceiptStatus.BELUM.value, desa, full, kecamatan)


def progress_series(session: Session, period_id: int, *, desa: str | None = None) -> list[tuple[datetime, int]]:
    """Cumulative KPM diterima at the end of each local clock hour with receipts (hour start, count),
    in order; the last count equals ``realisation(...).total.diterima`` (of the desa when given)."""
    period_row(session, period_id)
    q = select(DistKpm.received_at).where(DistKpm.period_id == period_id,
                                          DistKpm.receipt_status == ReceiptStatus.DITERIMA.value)
    if desa:
        q = q.where(DistKpm.desa_kode == desa)
    per_hour: dict[datetime, int] = defaultdict(int)
    unknown = 0
    for (t,) in session.execute(q):
        if t is None:
            unknown += 1
            continue
        t = (t if t.tzinfo else t.replace(tzinfo=timezone.utc)).astimezone()
        per_hour[t.replace(minute=0, second=0, microsecond=0)] += 1
    out, n = [], 0
    for hour in sorted(per_hour):
        n += per_hour[hour]
        out.append((hour, n))
    if unknown:  # receipts without a time (imported) count from the start
        out = [(h, c + unknown) for h, c in out] or [(datetime.now().astimezone().replace(minute=0, second=0,
                                                                                           microsecond=0), unknown)]
    return out


# --- the .xlsx ---------------------------------------------------------------------------------------

_LIST_HEADERS = ["No", "Kecamatan", "Desa/Kelurahan", "RW", "RT", "Nama", "NIK", "No KK", "Alamat"]


def _stem(p: DistPeriod) -> str:
    return f"{p.programme} {p.period}"


def _when(t: datetime | None) -> str:
    if t is None:
        return ""
    return tanggal_jam(t if t.tzinfo else t.replace(tzinfo=timezone.utc), lokal=True)


def export_xlsx(session: Session, actor: Actor, period_id: int, out) -> Path:
    """Write the realisation workbook: sheets Rekap, Per desa, Gagal salur, Belum menerima (NIK and
    No KK masked: a list handed out). Written under a temporary name, then renamed."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    require(session, actor, Capability.DOCS_PRINT, detail=f"realisasi tahap #{period_id} (xlsx)")
    out = Path(out)
    if out.suffix.lower() != ".xlsx":
        raise DistError(f"Berkas keluaran {out.name} harus berakhiran .xlsx.")
    p = period_row(session, period_id)
    ensure_parent(out)  # before the write-only workbook is begun
    rep = realisation(session, period_id)
    money = rep.satuan == "rupiah"
    unit = "Rp" if money else rep.satuan
    wb = Workbook(write_only=True)
    bold = Font(bold=True)

    def head(ws, values):
        from openpyxl.cell import WriteOnlyCell

        cells = []
        for v in values:
            c = WriteOnlyCell(ws, value=v)
            c.font = bold
            cells.append(c)
        ws.append(cells)

    def num(v):
        return _number(v)

    ws = wb.create_sheet("Rekap")
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 40
    ws.append(["Laporan realisasi penyaluran"])
    for k, v in (("Program", f"{rep.period.programme} — {rep.period.programme_name}"), ("Tahap", p.period),
                 ("Bantuan per KPM", rep.period.benefit_label), ("Status tahap", rep.period.status_label),
                 ("Dihitung pada", _when(rep.at))):
        ws.append([k, csv_safe(v)])
    ws.append([])
    head(ws, ["Jumlah", "KPM"])
    t = rep.total
    for k, v in (("Target (KPM lengkap)", t.target), ("Diterima", t.diterima), ("Gagal salur", t.gagal),
                 ("Sisa (belum menerima)", t.sisa)):
        ws.append([k, v])
    ws.append([f"Nilai tersalur ({unit})", num(t.nilai)])
    ws.append([f"Nilai target ({unit})", num(t.nilai_target)])
    ws.append(["Persentase diterima", round(t.persen, 2)])
    if rep.fail_reasons:
        from dtks_desktop.domain.distribution import FAIL_REASON_LABELS

        ws.append([])
        head(ws, ["Alasan gagal salur", "KPM"])
        for k, n in sorted(rep.fail_reasons.items(), key=lambda x: -x[1]):
            ws.append([FAIL_REASON_LABELS.get(k, k), n])

    ws = wb.create_sheet("Per desa")
    for col, width in zip("ABCDEFGHIJ", (6, 22, 26, 15, 10, 10, 10, 10, 18, 10)):
        ws.column_dimensions[col].width = width
    head(ws, ["No", "Kecamatan", "Desa/Kelurahan", "Kode desa", "Target", "Diterima", "Gagal salur", "Sisa",
              f"Nilai ({unit})", "% diterima"])
    for i, d in enumerate(rep.desa, 1):
        ws.append([i, csv_safe(d.kecamatan), csv_safe(d.desa), d.kode, d.target, d.diterima, d.gagal, d.sisa,
                   num(d.nilai), round(d.persen, 2)])
    ws.append(["", "JUMLAH", "", "", t.target, t.diterima, t.gagal, t.sisa, num(t.nilai), round(t.persen, 2)])

    def person_sheet(title: str, rows: list[KpmRow], extra_head: list[str], extra) -> None:
        s = wb.create_sheet(title)
        for col, width in zip("ABCDEFGHIJKLM", (7, 20, 22, 5, 5, 30, 20, 20, 30, 22, 30, 17, 20)):
            s.column_dimensions[col].width = width
        head(s, _LIST_HEADERS + extra_head)
        for i, r in enumerate(rows, 1):
            s.append([i, csv_safe(r.kecamatan_nama), csv_safe(r.desa_nama), r.rw, r.rt, csv_safe(r.nama), r.nik,
                      r.no_kk, csv_safe(r.alamat), *extra(r)])

    person_sheet("Gagal salur", failed_rows(session, actor, period_id, full=False),
                 ["Alasan", "Catatan", "Dicatat", "Petugas"],
                 lambda r: [r.fail_label or "", csv_safe(r.fail_note or ""), _when(r.received_at), r.recorded_by or ""])
    person_sheet("Belum menerima", remaining_rows(session, actor, period_id, full=False), ["Titik salur / jadwal"],
                 lambda r: [f"{r.slot_mulai:%H:%M}-{r.slot_selesai:%H:%M}" if r.slot_mulai and r.slot_selesai else ""])
    tmp = out.with_name(f".{out.name}.tmp")
    try:
        wb.save(tmp)
        tmp.replace(out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise DistError(f"Berkas {out} tidak dapat ditulis: {os_reason(exc)}.") from None
    return out


# --- the PDF ------------------------------------------------------------------------------------------

def report_data(session: Session, actor: Actor, period_id: int) -> dict:
    """The plain values the ``laporan_realisasi`` document lays out (stored with the issued document)."""
    from dtks_desktop.domain.distribution import FAIL_REASON_LABELS

    rep = realisation(session, period_id)
    failed = failed_rows(session, actor, period_id, full=False)
    series = progress_series(session, period_id)
    t = rep.total
    return {
        "period_id": period_id, "programme": rep.period.programme, "programme_name": rep.period.programme_name,
        "period": rep.period.period, "benefit": rep.period.benefit_label, "status": rep.period.status_label,
        "satuan": rep.satuan, "dihitung": _when(rep.at),
        "total": {**t.as_dict(), "nilai_label": t.nilai_label, "nilai_target_label": _label(
            period_row(session, period_id), t.nilai_target)},
        "kecamatan": [[k.kecamatan, k.target, k.diterima, k.gagal, k.sisa, k.nilai_label] for k in rep.kecamatan],
        "desa": [[d.kecamatan, d.desa, d.target, d.diterima, d.gagal, d.sisa, d.nilai_label] for d in rep.desa],
        "alasan": [[FAIL_REASON_LABELS.get(k, k), n] for k, n in sorted(rep.fail_reasons.items(), key=lambda x: -x[1])],
        "gagal": [[r.desa_nama, f"{r.rt}/{r.rw}", r.nama, r.nik, r.fail_label or "", r.fail_note or ""]
                  for r in failed],
        "progres": [[h.strftime("%d-%m %H:00"), n] for h, n in series],
    }


def print_report(session: Session, actor: Actor, period_id: int, out) -> Path:
    """Issue the realisation report (document ``laporan_realisasi``, signed by the signatory chosen for
    it) in the caller's transaction and write its PDF to ``out``."""
    from dtks_desktop.services.documents import issued

    require(session, actor, Capability.DOCS_PRINT, detail=f"realisasi tahap #{period_id} (pdf)")
    out = Path(out)
    if out.suffix.lower() != ".pdf":
        raise DistError(f"Berkas keluaran {out.name} harus berakhiran .pdf.")
    p = period_row(session, period_id)
    ensure_parent(out)
    data = report_data(session, actor, period_id)
    doc = issued.issue(session, actor, DOC_TYPE, data, purpose=f"Realisasi {_stem(p)}")
    audit.record(session, actor, "dist.report", entity_type="dist_period", entity_id=p.id,
                 summary=f"Laporan realisasi {_stem(p)} dicetak ({doc.pages} halaman)",
                 new=dict(document_id=doc.id, diterima=data["total"][ReceiptStatus.DITERIMA.value], file=out.name))
    try:
        return issued.save_pdf(doc.pdf, out)
    except issued.DocumentError as exc:
        raise DistError(exc.message, exc.hint) from None

