"""Printing a distribution period's documents (issue 14 item 4): one PDF per desa/kelurahan
(nominatif, undangan, tanda-terima, bast, dikembalikan) or one for the kabupaten (rekap), each an
issued document (stored, SHA-256, authenticity code and QR code in its footer); the recap and
the BAST take a number from the letter register.

Every list that leaves the office shows masked NIKs (the office's ``mask_policy``), whoever
prints. KPM printed: those cleaned ``lengkap`` (``dikembalikan`` for the returned list), by RW,
RT and name.

Speed: the receipt lists and invitations of a 100,000-KPM kabupaten are ~23,000 pages. They are
drawn on the canvas (``documents/dist_common``, ``qrfast``) and, for a large run, by two worker
processes each with its own database session, desa by desa. A worker draws a desa's document
before it opens the transaction that issues it (``documents/dist_render``: the footer's code is
stamped last), so on SQLite the write lock is held only to store it, and both workers draw at
the same time. Files are named for a clerk (``Tanda_Terima_BPNT_Tahap_1_2027_Prambanan_Kebonalas.pdf``)
and written atomically; the result lists them in desa-code order whatever worker made them.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import re
import unicodedata
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from dtks_desktop.db.models import DistKpm, DistPeriod, DistPoint, Region
from dtks_desktop.documents import types as doc_types
from dtks_desktop.documents.dist_render import prepare
from dtks_desktop.documents.engine import DocContext
from dtks_desktop.documents.types import (bast_penyaluran, daftar_dikembalikan, daftar_nominatif, daftar_tanda_terima,
                                          rekap_penyaluran, surat_undangan)
from dtks_desktop.domain.distribution import BenefitKind, CleanStatus, POINT_KIND_LABELS, PointKind, quantity
from dtks_desktop.domain.formatting import angka, hari_tanggal, tanggal
from dtks_desktop.domain.masking import mask_nik
from dtks_desktop.domain.permissions import Capability
from dtks_desktop.domain.regions import village_terms
from dtks_desktop.domain.terbilang import rupiah as rupiah_terbilang
from dtks_desktop.domain.terbilang import terbilang
from dtks_desktop.domain.workflow.distribution import PeriodStatus, ReceiptStatus
from dtks_desktop.services.core import settings
from dtks_desktop.services.core.common import CancelFlag, Cancelled, DataKind, Progress, changes, check_cancel
from dtks_desktop.services.core.permissions import require
from dtks_desktop.services.core.users import Actor
from dtks_desktop.services.distribution.common import DistError, benefit_of, os_reason, period_row, view_of
from dtks_desktop.services.distribution.tokens import make_token
from dtks_desktop.services.documents import issued
from dtks_desktop.services.documents.office import load_profile
from dtks_desktop.services.documents.officials import officials_of
from dtks_desktop.services.documents.signers import missing_signer_warning, signer_for

__all__ = ["WHATS", "PrintResult", "print_documents", "worker_count", "PARALLEL_FROM_KPM"]

for _m in (daftar_nominatif, rekap_penyaluran, surat_undangan, daftar_tanda_terima, bast_penyaluran,
           daftar_dikembalikan):
    doc_types.register(_m)


@dataclass(frozen=True)
class _What:
    module: object
    label: str  # Indonesian, for messages
    file: str  # file name prefix
    clean: str  # which KPM: CleanStatus value


WHATS: dict[str, _What] = {
    "nominatif": _What(daftar_nominatif, "Daftar nominatif", "Daftar_Nominatif", CleanStatus.LENGKAP.value),
    "rekap": _What(rekap_penyaluran, "Rekapitulasi penyaluran", "Rekap_Penyaluran", CleanStatus.LENGKAP.value),
    "undangan": _What(surat_undangan, "Surat undangan", "Undangan", CleanStatus.LENGKAP.value),
    "tanda-terima": _What(daftar_tanda_terima, "Daftar tanda terima", "Tanda_Terima", CleanStatus.LENGKAP.value),
    "bast": _What(bast_penyaluran, "Berita acara serah terima", "BAST", CleanStatus.LENGKAP.value),
    "dikembalikan": _What(daftar_dikembalikan, "Daftar KPM dikembalikan", "Dikembalikan",
                          CleanStatus.DIKEMBALIKAN.value),
}

#: From this many KPM in the run, desa are shared out to worker processes.
PARALLEL_FROM_KPM = 4000


def worker_count() -> int:
    override = os.environ.get("DTKS_PRINT_WORKERS")
    if override:
        return max(0, int(override))
    return max(1, min(2, os.cpu_count() or 1))


@dataclass
class PrintResult:
    period_id: int
    what: str
    files: list[Path] = field(default_factory=list)
    pages: int = 0
    documents: list[int] = field(default_factory=list)  # issued document ids
    nomor: list[str] = field(default_factory=list)  # register numbers (rekap, bast)
    kpm: int = 0
    warnings: list[str] = field(default_factory=list)
    workers: int = 0  # worker processes used (0: this process)

    def as_dict(self) -> dict:
        d = asdict(self)
        d["files"] = [str(p) for p in self.files]
        return d


def _slug(text: str) -> str:
    s = unicodedata.normalize("NFKD", text or "")
    s = "".join(c for c in s if not unicodedata.combining(c))
    return re.sub(r"[^A-Za-z0-9]+", "_", s).strip("_") or "x"


def _num_key(v: str | None) -> tuple:
    v = (v or "").strip()
    return (0, int(v), "") if v.isdigit() else (1, 0, v)


def _benefit_texts(period: DistPeriod) -> dict:
    b = benefit_of(period)
    if b.kind == BenefitKind.TUNAI:
        return {"benefit_kind": b.kind.value, "benefit": b.label(), "benefit_long": rupiah_terbilang(int(b.cash or 0))}
    return {"benefit_kind": b.kind.value, "benefit": b.label(), "benefit_long": f"{b.goods} {quantity(b.qty)} {b.unit}"}


def total_text(period: DistPeriod, n: int) -> str:
    """The total for ``n`` KPM in words: ``Rp 150.000.000 (seratus lima puluh juta rupiah)`` or
    ``2.500 kg beras (dua ribu lima ratus kg)``."""
    b = benefit_of(period)
    if b.kind == BenefitKind.TUNAI:
        return rupiah_terbilang(int(b.cash or 0) * n)
    q = Decimal(b.qty or 0) * n
    words = f" ({terbilang(int(q))} {b.unit})" if q == q.to_integral() else ""
    return f"{quantity(q)} {b.unit} {b.goods}{words}"


def _nilai(period: DistPeriod, n: int) -> str:
    b = benefit_of(period)
    if b.kind == BenefitKind.TUNAI:
        return angka(int(b.cash or 0) * n)
    return quantity(Decimal(b.qty or 0) * n)


def _where(dusun: str | None, alamat: str | None) -> str:
    """``Dusun Krajan, Jl. Mawar 3``; the address alone when it already names the dusun."""
    dusun, alamat = (dusun or "").strip(), (alamat or "").strip()
    if dusun and dusun.casefold() in alamat.casefold():
        return alamat
    return ", ".join(x for x in (dusun and f"Dusun {dusun}", alamat) if x)


def _jam(t) -> str:
    return f"{t.hour:02d}.{t.minute:02d}" if t else ""


# --- gathering ----------------------------------------------------------------------------------------

def _base(session: Session, period: DistPeriod) -> dict:
    view = view_of(session, period)
    profile = load_profile(session)
    kab = ""
    if profile.kab_kode:
        kab = session.execute(select(Region.nama).where(Region.kode == profile.kab_kode)).scalar_one_or_none() or ""
    return {"period_id": period.id, "programme": period.programme, "programme_name": view.programme_name,
            "period": period.period, "kabupaten": kab, "pemerintah": profile.pemerintah.upper(),
            "dinas": " ".join(x for x in ((profile.dinas or "DINAS SOSIAL").upper(), kab.upper()) if x),
            **_benefit_texts(period)}


def _scope(session: Session, period_id: int, clean: str, desa: str | None) -> list[tuple[str, str, str, int]]:
    """[(desa code, desa name, kecamatan name, KPM)] of the run, by code."""
    q = (select(DistKpm.desa_kode, func.count()).where(DistKpm.period_id == period_id, DistKpm.clean_status == clean,
                                                       DistKpm.desa_kode.is_not(None))
         .group_by(DistKpm.desa_kode))
    code = (desa or "").strip()
    if code:
        q = q.where((DistKpm.desa_kode == code) | DistKpm.desa_kode.like(code + ".%"))
    counts = dict(session.execute(q).all())
    if code and not counts:
        known = session.execute(select(Region.nama).where(Region.kode == code)).scalar_one_or_none()
        if known is None:
            raise DistError(f"Kode desa/kecamatan tidak dikenal: {code}.", "Tulis kode Kemendagri bertitik, "
                                                                          "mis. 33.10.01.2001.")
    names = dict(session.execute(select(Region.kode, Region.nama).where(
        Region.kode.in_(set(counts) | {k.rsplit(".", 1)[0] for k in counts}))).all())
    return [(k, names.get(k, k), names.get(k.rsplit(".", 1)[0], ""), counts[k]) for k in sorted(counts)]


def _rows(session: Session, period_id: int, desa_kode: str, clean: str):
    cols = (DistKpm.id, DistKpm.nama, DistKpm.nik, DistKpm.no_kk, DistKpm.alamat, DistKpm.dusun, DistKpm.rt,
            DistKpm.rw, DistKpm.point_id, DistKpm.slot_mulai, DistKpm.slot_selesai, DistKpm.clean_reasons,
            DistKpm.receipt_status)
    rows = session.execute(select(*cols).where(DistKpm.period_id == period_id, DistKpm.desa_kode == desa_kode,
                                               DistKpm.clean_status == clean)).all()
    return sorted(rows, key=lambda r: (_num_key(r.rw), _num_key(r.rt), (r.nama or "").casefold(), r.id))


def _points(session: Session, period_id: int, desa_kode: str) -> dict[int, DistPoint]:
    return {p.id: p for p in session.execute(select(DistPoint).where(DistPoint.period_id == period_id,
                                                                     DistPoint.desa_kode == desa_kode)
                                             .order_by(DistPoint.tanggal, DistPoint.jam_mulai, DistPoint.id)).scalars()}


def _point_name(p: DistPoint) -> str:
    if p.nama:
        return p.nama
    try:
        return POINT_KIND_LABELS[PointKind(p.kind)]
    except ValueError:
        return p.kind


def _desa_common(session: Session, base: dict, desa: tuple[str, str, str, int], when: date) -> dict:
    kode, nama, kec, _ = desa
    t = village_terms(kode)
    o = officials_of(session, kode, nama)
    return {**base, "desa_kode": kode, "desa": nama, "kecamatan": kec, "unit": t.unit, "head": t.head,
            "kepala": o.kepala or "", "tanggal": when.isoformat()}


def _desa_data(session: Session, what: str, period: DistPeriod, base: dict, desa: tuple, when: date,
               secret: bytes | None, policy) -> dict:
    """The ``data`` of one desa's document (plain values; stored with the issued document)."""
    data = _desa_common(session, base, desa, when)
    spec = WHATS[what]
    rows = _rows(session, period.id, desa[0], spec.clean)
    points = _points(session, period.id, desa[0])
    data["jumlah"] = len(rows)
    data["total"] = total_text(period, len(rows))
    used = [points[i] for i in dict.fromkeys(r.point_id for r in rows if r.point_id in points)] or list(points.values())
    data["tempat"] = "; ".join(dict.fromkeys(_point_name(p) for p in used))
    days = sorted({p.tanggal for p in used})
    data["hari_tanggal"] = "; ".join(hari_tanggal(d) for d in days)
    data["tanggal_text"] = tanggal(days[-1], long=True) if len(days) == 1 else ""
    if what == "nominatif":
        data["rows"] = [[r.nama, mask_nik(r.nik, policy), mask_nik(r.no_kk, policy), r.alamat or "", r.dusun or "",
                         r.rt or "", r.rw or ""] for r in rows]
    elif what == "dikembalikan":
        from dtks_desktop.services.distribution.common import reason_labels

        data["rows"] = [[r.nama, mask_nik(r.nik, policy), mask_nik(r.no_kk, policy), r.alamat or "", r.dusun or "",
                         r.rt or "", r.rw or "", "; ".join(reason_labels(r.clean_reasons)) or "-"] for r in rows]
    elif what == "tanda-terima":
        data["rows"] = [[i, r.nama, _where(r.dusun, r.alamat),
                         mask_nik(r.nik, policy), r.rt or "", r.rw or ""] for i, r in enumerate(rows, 1)]
    elif what == "undangan":
        assert secret is not None
        cards = []
        for i, r in enumerate(rows, 1):
            p = points.get(r.point_id)
            if p is None:
                raise DistError(f"KPM {r.nama} ({data['desa']}) belum punya tempat penyaluran.",
                                "Tetapkan titik dan slot dulu: dtks dist point add …, lalu dtks dist slots ID.")
            mulai, selesai = r.slot_mulai or p.jam_mulai, r.slot_selesai or p.jam_selesai
            cards.append([str(i), r.nama, mask_nik(r.nik, policy),
                          _where(r.dusun, r.alamat),
                          f"RT {r.rt or '-'}/RW {r.rw or '-'}, {data['unit']} {data['desa']}\nKec. {data['kecamatan']}",
                          _point_name(p), p.alamat or "", hari_tanggal(p.tanggal),
                          f"{_jam(mulai)}–{_jam(selesai)} WIB", make_token(secret, period.id, r.id)])
        data["cards"] = cards
    elif what == "bast":
        data["target"] = len(rows)
        data["target_nilai"] = total_text(period, len(rows))
        got = sum(1 for r in rows if r.receipt_status == ReceiptStatus.DITERIMA.value)
        failed = sum(1 for r in rows if r.receipt_status == ReceiptStatus.GAGAL_SALUR.value)
        data["realisasi"] = ({"received": f"{angka(got)} KPM", "failed": f"{angka(failed)} KPM",
                              "remaining": f"{angka(len(rows) - got - failed)} KPM",
                              "value": total_text(period, got)}
                             if got or failed else None)
        data["daftar"] = f"Daftar Tanda Terima {base['programme']} {base['period']} {data['unit']} {data['desa']}"
        if days:
            data["tanggal"] = days[-1].isoformat()
    return data


def _rekap_data(session: Session, period: DistPeriod, base: dict, desa: str | None) -> dict:
    c = DistKpm.clean_status
    q = (select(DistKpm.desa_kode, func.count(),
                func.sum(case((c == CleanStatus.DIKEMBALIKAN.value, 1), else_=0)),
                func.sum(case((c == CleanStatus.LENGKAP.value, 1), else_=0)))
         .where(DistKpm.period_id == period.id).group_by(DistKpm.desa_kode))
    code = (desa or "").strip()
    if code:
        q = q.where((DistKpm.desa_kode == code) | DistKpm.desa_kode.like(code + ".%"))
    counts = {k: (int(n), int(kb or 0), int(lk or 0)) for k, n, kb, lk in session.execute(q).all()}
    known = [k for k in counts if k]
    names = dict(session.execute(select(Region.kode, Region.nama).where(
        Region.kode.in_(set(known) | {k.rsplit(".", 1)[0] for k in known}))).all())
    rows, kec_tot = [], {}
    for k in sorted(known):
        kec = names.get(k.rsplit(".", 1)[0], k.rsplit(".", 1)[0])
        n, kb, lk = counts[k]
        rows.append([kec, names.get(k, k), n, kb, lk, _nilai(period, lk)])
        t = kec_tot.setdefault(kec, [0, 0, 0])
        t[0], t[1], t[2] = t[0] + n, t[1] + kb, t[2] + lk
    if None in counts:
        n, kb, lk = counts[None]
        rows.append(["(tidak dikenal)", "(desa tidak dikenal)", n, kb, lk, _nilai(period, lk)])
        kec_tot["(tidak dikenal)"] = [n, kb, lk]
    total = [sum(v[i] for v in kec_tot.values()) for i in range(3)]
    goods = base["benefit_kind"] == BenefitKind.BARANG.value
    b = benefit_of(period)
    return {**base, "untuk": ("Dinas Perindustrian dan Perdagangan / Perum Bulog: jumlah KPM dan kebutuhan "
                              f"{b.goods} per kecamatan dan desa" if goods else
                              "Dinas Sosial: jumlah KPM dan nilai bantuan tunai per kecamatan dan desa"),
            "nilai_title": f"{(b.goods or '').capitalize()} ({b.unit})" if goods else "Nilai (Rp)",
            "rows": rows, "kecamatan": {k: [*v, _nilai(period, v[2])] for k, v in kec_tot.items()},
            "total": [*total, _nilai(period, total[2])], "total_text": total_text(period, total[2])}


# --- issuing one document --------------------------------------------------------------------------------

def _ctx(profile, module, when: date, signer) -> DocContext:
    return DocContext(profile=profile, when=when, signer=signer, orientation=module.ORIENTATION)


OFFICE_SIGNED = ("daftar_nominatif", "rekap_penyaluran", "bast_penyaluran")


def _run_context(session: Session, what: str) -> dict:
    """What every document of the run shares, read once: the office profile, the signatory, the
    masking policy."""
    code = WHATS[what].module.CODE
    return {"profile": load_profile(session), "signer": signer_for(session, code) if code in OFFICE_SIGNED else None,
            "policy": settings.mask_policy(session)}


def _issue(db, actor: Actor, what: str, data: dict, when: date, out: Path, run: dict, *, purpose: str,
           footer: str) -> tuple[int, int, str | None]:
    """Draw (outside the transaction when the type takes no number), issue and write ``out``.
    Returns (document id, pages, number)."""
    module = WHATS[what].module
    code = module.CODE
    profile, signer = run["profile"], run["signer"]
    from dtks_desktop.services.documents.register import DOC_TYPES

    numbered = DOC_TYPES[code].numbered

    def draw(nomor: str | None):
        ctx = _ctx(profile, module, when, signer)
        ctx.nomor = nomor
        if hasattr(module, "plan"):
            planned = module.plan(ctx, data)
            return prepare(lambda: module.story(ctx, data, planned), pagesize=ctx.pagesize,
                           title=module.TITLE.title(), author=ctx.head.dinas,
                           footer_left=f"{footer}{' — ' + nomor if nomor else ''}",
                           section_pages={module.SECTION: module.page_count(planned)})
        return prepare(lambda: module.story(ctx, data), pagesize=ctx.pagesize, title=module.TITLE.title(),
                       author=ctx.head.dinas, footer_left=f"{footer}{' — ' + nomor if nomor else ''}")

    ready = None if numbered else draw(None)

    def render_fn(nomor, stamp):
        return (ready if ready is not None else draw(nomor)).finish(stamp)

    tmp = out.with_name(out.name + ".tmp")
    try:
        with db.transaction() as s:
            params = {"data": data, "when": when.isoformat(), "kertas": profile.kertas,
                      "signer": asdict(signer) if signer else None}
            doc = issued.issue_with(s, actor, code, params, render_fn, purpose=purpose, when=when)
            try:
                tmp.write_bytes(doc.pdf)
            except OSError as exc:  # the transaction rolls back: no document issued without its file
                raise DistError(f'Berkas "{out}" tidak dapat ditulis ({os_reason(exc)}); dokumen ini tidak dicatat.',
                                "Pilih folder lain yang dapat ditulis, lalu cetak lagi.") from None
            result = (doc.id, doc.pages, doc.nomor)
        try:
            os.replace(tmp, out)
        except OSError as exc:
            raise DistError(f'Berkas "{out}" tidak dapat ditulis ({os_reason(exc)}); dokumennya sudah tercatat '
                            f"(#{result[0]}) tetapi berkasnya tidak tersimpan.",
                            "Tutup berkas itu bila sedang dibuka, lalu cetak lagi.") from None
    finally:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
    return result



def _file_name(what: str, base: dict, desa: tuple | None) -> str:
    parts = [WHATS[what].file, base["programme"], base["period"]]
    if desa is not None:
        parts += [desa[2], desa[1]]
    return _slug("_".join(parts)) + ".pdf"


def _one_desa(db, actor: Actor, what: str, period_id: int, base: dict, run: dict, desa: tuple, when: date,
              outdir: Path, secret: bytes | None) -> tuple[str, int, int, str | None, int]:
    with db.sessions() as s:
        period = period_row(s, period_id)
        data = _desa_data(s, what, period, base, desa, when, secret, run["policy"])
    out = outdir / _file_name(what, base, desa)
    label = WHATS[what].label
    doc_id, pages, nomor = _issue(db, actor, what, data, when, out, run,
                                  purpose=f"{label} {base['programme']} {base['period']} {data['unit']} {desa[1]} "
                                          f"({desa[0]})",
                                  footer=f"{label} {base['programme']} {base['period']} — {data['unit']} {desa[1]}")
    return str(out), pages, doc_id, nomor, desa[3]


# --- worker processes ----------------------------------------------------------------------------------

_worker_db = None
_worker_actor: Actor | None = None


def _worker_init(url: str, actor: Actor) -> None:
    global _worker_db, _worker_actor
    from dtks_desktop.db.engine import make_engine, session_factory
    from dtks_desktop.services.core.database import Database
    from dtks_desktop.services.importing.parallel import _exit_with_parent

    _exit_with_parent()
    engine = make_engine(url, create=False)
    _worker_db = Database(url=url, engine=engine, sessions=session_factory(engine))
    _worker_actor = actor


def _worker_desa(what: str, period_id: int, base: dict, run: dict, desa: tuple, when: date, outdir: str,
                 secret: bytes | None):
    return _one_desa(_worker_db, _worker_actor, what, period_id, base, run, desa, when, Path(outdir), secret)


# --- the service ---------------------------------------------------------------------------------------

def _check(session: Session, actor: Actor, period_id: int, what: str, desa: str | None) -> tuple[DistPeriod, list]:
    require(session, actor, Capability.DOCS_PRINT, detail=f"cetak dokumen penyaluran {what}")
    if what not in WHATS:
        raise DistError(f"Jenis cetakan '{what}' tidak dikenal.", "Pilih salah satu: " + ", ".join(WHATS) + ".")
    period = period_row(session, period_id)
    if period.status == PeriodStatus.BATAL.value:
        raise DistError(f"Tahap #{period_id} ({period.programme} {period.period}) sudah dibatalkan; "
                        "dokumennya tidak dicetak.")
    spec = WHATS[what]
    scope = _scope(session, period_id, spec.clean, desa)
    if what != "rekap" and not scope:
        where = f" di {desa}" if desa else ""
        if spec.clean == CleanStatus.LENGKAP.value:
            raise DistError(f"Belum ada KPM lengkap{where} pada tahap #{period_id}; {spec.label.lower()} tidak dicetak.",
                            "Jalankan pembersihan dulu: dtks dist clean ID.")
        raise DistError(f"Tidak ada KPM yang dikembalikan{where} pada tahap #{period_id}.")
    if what == "undangan":
        q = (select(DistKpm.desa_kode, func.count()).where(DistKpm.period_id == period_id,
                                                           DistKpm.clean_status == spec.clean,
                                                           DistKpm.desa_kode.in_([d[0] for d in scope]),
                                                           DistKpm.point_id.is_(None))
             .group_by(DistKpm.desa_kode))
        missing = session.execute(q).all()
        if missing:
            names = {d[0]: d[1] for d in scope}
            listed = ", ".join(f"{names.get(k, k)} ({n} KPM)" for k, n in sorted(missing)[:8])
            more = f" dan {len(missing) - 8} desa lain" if len(missing) > 8 else ""
            raise DistError(f"Undangan tidak dicetak: KPM belum punya tempat dan jam penyaluran di {listed}{more}.",
                            "Tambahkan titik penyaluran (dtks dist point add …) lalu bagi slot (dtks dist slots ID).")
    return period, scope


def _warnings(session: Session, what: str, scope: list) -> list[str]:
    out = []
    code = WHATS[what].module.CODE
    if code in ("daftar_nominatif", "rekap_penyaluran", "bast_penyaluran"):
        w = missing_signer_warning(session, code)
        if w:
            out.append(w)
    if what in ("tanda-terima", "bast", "dikembalikan"):
        empty = [d for d in scope if not officials_of(session, d[0], d[1]).kepala]
        if empty:
            names = ", ".join(f"{d[1]} ({d[0]})" for d in empty[:6]) + (f" dan {len(empty) - 6} lainnya"
                                                                        if len(empty) > 6 else "")
            out.append(f"Peringatan: nama Kepala Desa/Lurah belum diisi untuk {len(empty)} desa/kelurahan ({names}); "
                       "kolom tanda tangannya dicetak titik-titik. Isi di Kantor & Dokumen › Perangkat desa, atau: "
                       "dtks village-officials set KODE --kepala \"NAMA\".")
    return out


@changes(DataKind.DOCUMENTS, DataKind.AUDIT)
def print_documents(db, actor: Actor, period_id: int, what: str, outdir, *, desa: str | None = None,
                    when: date | None = None, progress: Progress | None = None, cancel: CancelFlag | None = None,
                    workers: int | None = None) -> PrintResult:
    """Print ``what`` of the period into ``outdir``: one PDF per desa (or one for the kabupaten for
    ``rekap``), each an issued document. ``desa``: a desa or kecamatan code. Every check is made
    before the first document is issued; cancelling stops between desa (those printed stay,
    each one whole: issued and written, or neither)."""
    what = (what or "").strip().lower()
    when = when or date.today()
    out = Path(outdir)
    with db.transaction() as s:
        period, scope = _check(s, actor, period_id, what, desa)
        warnings = _warnings(s, what, scope)
        secret = issued._secret(s) if what == "undangan" else None  # made once, before any worker reads it
        base = _base(s, period)
        run = _run_context(s, what)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DistError(f'Folder "{out}" tidak dapat dibuat atau dipakai ({os_reason(exc)}). Tidak ada yang dicetak.',
                        "Pilih folder lain.") from None
    result = PrintResult(period_id=period_id, what=what, warnings=warnings)
    if what == "rekap":
        with db.sessions() as s:
            data = _rekap_data(s, period_row(s, period_id), base, desa)
        target = out / _file_name(what, base, None)
        doc_id, pages, nomor = _issue(db, actor, what, data, when, target, run,
                                      purpose=f"Rekapitulasi penyaluran {base['programme']} {base['period']}",
                                      footer=f"Rekapitulasi penyaluran {base['programme']} {base['period']}")
        result.files, result.pages, result.documents, result.kpm = [target], pages, [doc_id], int(data["total"][2])
        result.nomor = [nomor] if nomor else []
        return result
    total_kpm = sum(d[3] for d in scope)
    n_workers = worker_count() if workers is None else workers
    parallel = n_workers > 1 and len(scope) > 1 and total_kpm >= PARALLEL_FROM_KPM and db.dialect in ("sqlite",
                                                                                                     "postgresql")
    if parallel and db.dialect == "sqlite" and ":memory:" in db.url:
        parallel = False
    done: list[tuple] = []
    kpm_done = 0

    def tick(text: str) -> None:
        if progress:
            progress(kpm_done, total_kpm, text)

    tick(f"{WHATS[what].label}: {len(scope)} desa, {angka(total_kpm)} KPM")
    if not parallel:
        for d in scope:
            check_cancel(cancel)
            done.append(_one_desa(db, actor, what, period_id, base, run, d, when, out, secret))
            kpm_done += d[3]
            tick(f"{d[1]} selesai ({len(done)}/{len(scope)} desa)")
    else:
        result.workers = n_workers
        ex = ProcessPoolExecutor(max_workers=n_workers, mp_context=mp.get_context("spawn"), initializer=_worker_init,
                                 initargs=(db.url, actor))
        try:
            # largest desa first keeps both workers busy to the end; results are put back in code order
            order = sorted(range(len(scope)), key=lambda i: (-scope[i][3], scope[i][0]))
            futures = {i: ex.submit(_worker_desa, what, period_id, base, run, scope[i], when, str(out), secret)
                       for i in order}
            got: dict[int, tuple] = {}
            for i in order:
                if cancel is not None and cancel():
                    for f in futures.values():
                        f.cancel()
                    raise Cancelled("Dibatalkan; dokumen desa yang sudah selesai tetap tersimpan.")
                got[i] = futures[i].result()
                kpm_done += scope[i][3]
                tick(f"{scope[i][1]} selesai ({len(got)}/{len(scope)} desa)")
            done = [got[i] for i in range(len(scope))]
        finally:
            ex.shutdown(wait=True, cancel_futures=True)
    for path, pages, doc_id, nomor, kpm in done:
        result.files.append(Path(path))
        result.pages += pages
        result.documents.append(doc_id)
        result.kpm += kpm
        if nomor:
            result.nomor.append(nomor)
    if progress:
        progress(total_kpm, total_kpm, f"{len(done)} berkas, {angka(result.pages)} halaman")
    return result
