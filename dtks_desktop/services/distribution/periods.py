"""Distribution periods (tahap): the programme, what each KPM receives, and the KPM list.

A period is made from one source (DOMAIN.md §3.4):

* a submission batch whose results came back (``hasil_diterima``), kind ``usulan_baru`` or
  ``perbaikan``: its rows with result ``ditetapkan``, one KPM per family (the row's person
  receives), with the current identity and address from the registry; a ``hapus`` batch is
  refused (those families leave the programme);
* a KPM list file from Kemensos/Bulog (:mod:`.kpm_import`): every row is listed; a person whose
  NIK is not in the registry is listed with ``in_registry`` False (never added to the registry;
  the cleaning returns it as ``tidak_terdaftar``). Identity and address stay as listed (a blank RT
  is returned for completion, not filled from the registry).

One transaction: the period and all its KPM, or nothing. Audited (``dist.period.create``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dtks_desktop.db.models import (DistKpm, DistPeriod, Household, Member, SubmissionBatch, SubmissionBatchRow,
                                    utcnow)
from dtks_desktop.domain.distribution import (
    NATIONAL_PROGRAMMES, PROGRAMMES_KEY, Benefit, CleanStatus, SourceKind, cash_benefit, normalise_programme,
    parse_cash, parse_goods,
)
from dtks_desktop.domain.permissions import Capability
from dtks_desktop.domain.submission import Kind, Result
from dtks_desktop.domain.workflow import TransitionError
from dtks_desktop.domain.workflow.distribution import PERIOD, PeriodStatus, ReceiptStatus
from dtks_desktop.domain.workflow.registry import MemberStatus
from dtks_desktop.domain.workflow.submission import BatchStatus
from dtks_desktop.services.core import audit, settings, workflow
from dtks_desktop.services.core.common import CancelFlag, Progress, check_cancel
from dtks_desktop.services.core.permissions import require
from dtks_desktop.services.core.users import Actor
from dtks_desktop.services.distribution.common import DistError, KpmRow, PeriodView, kpm_rows, period_row, view_of
from dtks_desktop.services.distribution.kpm_import import KpmFile, Problem, read_kpm_file

__all__ = ["programmes", "add_programme", "create_period", "CreateResult", "list_periods", "get_period",
           "cancel_period", "kpm_page", "count_kpm", "kpm_list", "registry_lookup", "chunks"]

CHUNK = 2000


def chunks(items: list, n: int = CHUNK):
    for i in range(0, len(items), n):
        yield items[i:i + n]


# --- programmes ----------------------------------------------------------------------------------------

def _extra_programmes(session: Session) -> dict[str, str]:
    raw = settings.get(session, PROGRAMMES_KEY, "") or ""
    try:
        extra = json.loads(raw) if raw.strip() else {}
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in extra.items()} if isinstance(extra, dict) else {}


def programmes(session: Session) -> dict[str, str]:
    """code -> name: the national programmes, then those the admin added."""
    return {**NATIONAL_PROGRAMMES, **{k: v for k, v in _extra_programmes(session).items()
                                      if k not in NATIONAL_PROGRAMMES}}


def add_programme(session: Session, actor: Actor, code: str, name: str) -> None:
    """Add a programme of the office (admin: ``SETTINGS_CHANGE``; audited as a setting change)."""
    require(session, actor, Capability.SETTINGS_CHANGE, detail=f"program {code}")
    c = normalise_programme(code)
    nm = " ".join(str(name or "").split())
    if not c or len(c) > 60 or not all(ch.isalnum() or ch in "-_" for ch in c):
        raise DistError(f"Kode program '{code}' tidak valid: huruf, angka, - atau _, paling panjang 60.")
    if not nm:
        raise DistError("Nama program kosong.")
    if c in NATIONAL_PROGRAMMES:
        raise DistError(f"{c} adalah program nasional ({NATIONAL_PROGRAMMES[c]}); tidak perlu ditambahkan.")
    extra = _extra_programmes(session)
    extra[c] = nm[:200]
    settings.put(session, actor, PROGRAMMES_KEY, json.dumps(extra, ensure_ascii=False, sort_keys=True),
                 reason=f"Program {c} ditambahkan", capability=Capability.SETTINGS_CHANGE)


# --- creating a period ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class CreateResult:
    id: int
    kpm: int
    in_registry: int
    tidak_terdaftar: int
    rejected: int
    problems: tuple[Problem, ...] = ()
    skipped: int = 0  # batch rows left out: another member of the same family, a NIK already listed
    period: PeriodView | None = field(default=None, compare=False)

    def as_dict(self) -> dict:
        return {"id": self.id, "kpm": self.kpm, "in_registry": self.in_registry,
                "tidak_terdaftar": self.tidak_terdaftar, "rejected": self.rejected,
                "problems": [p.as_dict() for p in self.problems],
                "skipped": self.skipped, "period": self.period.as_dict() if self.period else None}


def _benefit(cash, goods) -> Benefit:
    if (cash is None or cash == "") == (goods is None or goods == ""):
        raise DistError("Sebutkan tepat satu bentuk bantuan: tunai (--cash RUPIAH) atau barang "
                        '(--goods "beras:10:kg").')
    try:
        return cash_benefit(parse_cash(cash)) if cash not in (None, "") else parse_goods(goods)
    except ValueError as exc:
        raise DistError(str(exc)) from None


def registry_lookup(session: Session, niks) -> dict[str, tuple[Member, Household]]:
    """NIK -> (member, household) of the registry; a member removed from the registry (dihapus) only
    when no other member carries the NIK; the lowest id first."""
    out: dict[str, tuple[Member, Household]] = {}
    wanted = sorted({n for n in niks if n})
    for part in chunks(wanted):
        rows = session.execute(select(Member, Household).join(Household, Member.household_id == Household.id)
                               .where(Member.nik.in_(part)).order_by(Member.id)).all()
        for m, h in rows:
            have = out.get(m.nik)
            if have is None or (have[0].status == MemberStatus.DIHAPUS.value
                                and m.status != MemberStatus.DIHAPUS.value):
                out[m.nik] = (m, h)
    return out


def _from_batch(session: Session, batch_id: int) -> tuple[list[dict], list[Problem], int]:
    b = session.get(SubmissionBatch, batch_id)
    if b is None:
        raise DistError(f"Batch pengajuan #{batch_id} tidak ada.", "Lihat daftarnya: dtks batch list.")
    if b.kind == Kind.HAPUS.value:
        raise DistError(f"Batch #{b.id} berisi usulan hapus: keluarganya keluar dari program, bukan penerima "
                        "bantuan.", "Pilih batch usulan baru atau perbaikan data yang hasilnya sudah kembali.")
    if b.status != BatchStatus.HASIL_DITERIMA.value:
        raise DistError(f"Hasil batch #{b.id} belum kembali (status {b.status}).",
                        "Impor dulu hasil dari Kemensos/provinsi (dtks batch results), lalu buat tahapnya.")
    brows = list(session.execute(select(SubmissionBatchRow).where(SubmissionBatchRow.batch_id == b.id,
                                                                  SubmissionBatchRow.result == Result.DITETAPKAN.value)
                                 .order_by(SubmissionBatchRow.desa_kode, SubmissionBatchRow.id)).scalars())
    if not brows:
        raise DistError(f"Batch #{b.id} tidak berisi orang yang ditetapkan; tidak ada KPM untuk tahap ini.")
    mids = [r.member_id for r in brows if r.member_id]
    members: dict[int, tuple[Member, Household]] = {}
    for part in chunks(mids):
        for m, h in session.execute(select(Member, Household).join(Household, Member.household_id == Household.id)
                                    .where(Member.id.in_(part))).all():
            members[m.id] = (m, h)
    out: list[dict] = []
    problems: list[Problem] = []
    families: dict[object, str] = {}
    niks: set[str] = set()
    skipped = 0
    for r in brows:
        reg = members.get(r.member_id) if r.member_id else None
        if reg is not None:
            m, h = reg
            rec = dict(member_id=m.id, household_id=h.id, in_registry=True, nik=m.nik or r.nik, no_kk=h.no_kk or r.no_kk,
                       nama=m.nama, alamat=h.alamat or r.alamat, dusun=h.dusun, rt=h.rt or r.rt, rw=h.rw or r.rw,
                       desa_kode=h.desa_kode or r.desa_kode)
        else:
            rec = dict(member_id=None, household_id=None, in_registry=False, nik=r.nik, no_kk=r.no_kk, nama=r.nama,
                       alamat=r.alamat, dusun=None, rt=r.rt, rw=r.rw, desa_kode=r.desa_kode)
        family = rec["household_id"] or (f"kk:{rec['no_kk']}" if rec["no_kk"] else f"row:{r.id}")
        if family in families:
            skipped += 1
            problems.append(Problem(None, None, f"{rec['nama']}: satu keluarga dengan {families[family]}; "
                                                "satu KPM per keluarga, tidak dimuat.", "warning"))
            continue
        if rec["nik"] and rec["nik"] in niks:
            skipped += 1
            problems.append(Problem(None, None, f"{rec['nama']}: NIK {rec['nik']} sudah dimuat; tidak dimuat dua kali.",
                                    "warning"))
            continue
        families[family] = rec["nama"]
        if rec["nik"]:
            niks.add(rec["nik"])
        rec["desa_text"] = None
        out.append(rec)
    return out, problems, skipped


def _from_file(session: Session, f: KpmFile) -> list[dict]:
    """The file's KPM as listed (identity and address as the sender wrote them: what PT Pos gets and
    the cleaning judges), linked to the registry person with the same NIK."""
    reg = registry_lookup(session, [k.nik for k in f.rows])
    out: list[dict] = []
    for k in f.rows:
        hit = reg.get(k.nik) if k.nik else None
        out.append(dict(member_id=hit[0].id if hit else None, household_id=hit[1].id if hit else None,
                        in_registry=hit is not None, nik=k.nik, no_kk=k.no_kk, nama=k.nama, alamat=k.alamat,
                        dusun=k.dusun, rt=k.rt, rw=k.rw, desa_kode=k.desa_kode, desa_text=k.desa_text))
    return out


def create_period(db, actor: Actor, programme: str, period: str, *, cash=None, goods=None,
                  from_batch: int | None = None, from_file=None, progress: Progress | None = None,
                  cancel: CancelFlag | None = None) -> CreateResult:
    """Create a period with its KPM list (see the module's description)."""
    require(db, actor, Capability.DIST_MANAGE, detail=f"tahap {programme} {period}")
    benefit = _benefit(cash, goods)
    if (from_batch is None) == (from_file is None):
        raise DistError("Sebutkan tepat satu sumber daftar KPM: batch pengajuan (--from-batch ID) atau berkas "
                        "(--from-file BERKAS).")
    name = " ".join(str(period or "").split())
    if not name or len(name) > 100:
        raise DistError("Nama tahap kosong atau terlalu panjang (paling banyak 100 huruf), mis. \"Tahap 1 2027\".")
    code = normalise_programme(programme)
    report = progress or (lambda *a: None)
    with db.sessions() as s:
        known = programmes(s)
        if code not in known:
            raise DistError(f"Program '{programme}' tidak dikenal. Program yang dikenal: {', '.join(known)}.",
                            "Administrator dapat menambahkannya: dtks dist programme add KODE NAMA.")
        listed: KpmFile | None = None
        if from_file is not None:
            listed = read_kpm_file(s, from_file, kab_kode=settings.office_kab(s), progress=progress, cancel=cancel)
    if listed is not None and not listed.rows:
        first = f" {listed.problems[0].message}" if listed.problems else ""
        raise DistError(f'Berkas "{listed.path.name}" tidak berisi KPM yang dapat dimuat.{first}')
    check_cancel(cancel)
    problems: list[Problem] = list(listed.problems) if listed else []
    try:
        with db.transaction() as s:
            # "Tahap 1 2027" and "tahap 1 2027" are one period to the office: compared ignoring case
            dup = s.execute(select(DistPeriod.id, DistPeriod.period).where(
                DistPeriod.programme == code, func.lower(DistPeriod.period) == name.lower())).first()
            if dup is not None:
                raise DistError(f"Tahap {code} {dup[1]} sudah ada (#{dup[0]}).",
                                "Pakai tahap itu, atau beri nama lain (mis. \"Tahap 2 2027\").")
            skipped = 0
            if listed is None:
                recs, more, skipped = _from_batch(s, int(from_batch))
                problems += more
            else:
                recs = _from_file(s, listed)
            p = DistPeriod(programme=code, period=name, benefit_kind=benefit.kind.value, cash=benefit.cash,
                           goods=benefit.goods, goods_qty=benefit.qty, goods_unit=benefit.unit,
                           source=(SourceKind.BATCH if listed is None else SourceKind.FILE).value,
                           source_batch_id=int(from_batch) if listed is None else None,
                           source_file=listed.path.name[:260] if listed else None,
                           source_sha256=listed.sha256 if listed else None,
                           status=PeriodStatus.DRAF.value, created_by=actor.id)
            s.add(p)
            s.flush()
            total = len(recs)
            for i, part in enumerate(chunks(recs, 5000)):
                check_cancel(cancel)
                report(i * 5000, total, "Menyimpan daftar KPM")
                s.execute(insert(DistKpm), [dict(r, period_id=p.id, urut=i * 5000 + j + 1,
                                                 clean_status=CleanStatus.BELUM.value, clean_round=0,
                                                 receipt_status=ReceiptStatus.BELUM.value)
                                            for j, r in enumerate(part)])
            n_reg = sum(1 for r in recs if r["in_registry"])
            rejected = listed.rejected if listed else 0
            audit.record(s, actor, "dist.period.create", entity_type="dist_period", entity_id=p.id,
                         summary=f"Tahap {code} {name} dibuat: {total} KPM ({total - n_reg} tidak terdaftar, "
                                 f"{rejected} baris ditolak)",
                         new={"programme": code, "period": name, "benefit": benefit.label(),
                              "source": p.source, "batch": p.source_batch_id, "file": p.source_file,
                              "sha256": p.source_sha256, "kpm": total, "in_registry": n_reg, "rejected": rejected})
            s.flush()
            view = view_of(s, p)
            pid = p.id
    except IntegrityError:
        raise DistError(f"Tahap {code} {name} sudah ada (dibuat bersamaan di komputer lain).") from None
    report(total, total, "Selesai")
    return CreateResult(id=pid, kpm=total, in_registry=n_reg, tidak_terdaftar=total - n_reg, rejected=rejected,
                        problems=tuple(problems), skipped=skipped, period=view)


# --- reading periods -----------------------------------------------------------------------------------

def list_periods(session: Session) -> list[PeriodView]:
    rows = session.execute(select(DistPeriod).order_by(DistPeriod.id.desc())).scalars().all()
    return [view_of(session, p) for p in rows]


def get_period(session: Session, period_id: int) -> PeriodView:
    return view_of(session, period_row(session, period_id))


def cancel_period(session: Session, actor: Actor, period_id: int, reason: str) -> PeriodView:
    """Cancel a period not yet distributing (``draf``/``siap`` → ``batal``; leads, with a reason)."""
    require(session, actor, Capability.DIST_CLOSE, detail=f"batalkan tahap #{period_id}")
    p = period_row(session, period_id, lock=True)
    try:
        workflow.apply(session, actor, PERIOD, p, PeriodStatus.BATAL.value, reason=reason, action="dist.period.cancel",
                       summary=f"Tahap {p.programme} {p.period} dibatalkan")
    except TransitionError as exc:
        raise DistError(exc.message) from None
    p.closed_at = utcnow()
    session.flush()
    return view_of(session, p)


# --- the KPM list --------------------------------------------------------------------------------------

#: The list order: desa, RW, RT (a KPM without them last, on every database), then the list's order.
PLACE_ORDER = (DistKpm.desa_kode.asc().nulls_last(), DistKpm.rw.asc().nulls_last(), DistKpm.rt.asc().nulls_last(),
               DistKpm.id)


def _filtered(q, period_id, desa, rw, rt, clean, receipt, text):
    q = q.where(DistKpm.period_id == period_id)
    if desa:
        q = q.where(DistKpm.desa_kode == desa) if desa.count(".") == 3 else q.where(DistKpm.desa_kode.startswith(desa + "."))
    if rw:
        q = q.where(DistKpm.rw == str(rw).zfill(3) if str(rw).isdigit() else DistKpm.rw == rw)
    if rt:
        q = q.where(DistKpm.rt == str(rt).zfill(3) if str(rt).isdigit() else DistKpm.rt == rt)
    if clean:
        q = q.where(DistKpm.clean_status == clean)
    if receipt:
        q = q.where(DistKpm.receipt_status == receipt)
    t = " ".join(str(text or "").split())
    if t:
        if t.isdigit():
            q = q.where(DistKpm.nik == t) if len(t) == 16 else q.where(DistKpm.nik.endswith(t))
        else:
            q = q.where(func.upper(DistKpm.nama).contains(t.upper()))
    return q


def kpm_page(session: Session, actor: Actor, period_id: int, *, desa: str | None = None, rw: str | None = None,
             rt: str | None = None, clean: str | None = None, receipt: str | None = None, text: str | None = None,
             offset: int = 0, limit: int = 200) -> list[KpmRow]:
    """A page of the period's KPM (desa, RW, RT, list order), NIK masked unless the role sees full NIKs.
    ``text``: a name part, a full NIK or the NIK's last digits."""
    period_row(session, period_id)
    q = _filtered(select(DistKpm), period_id, desa, rw, rt, clean, receipt, text)
    q = q.order_by(*PLACE_ORDER).offset(max(0, offset)).limit(max(0, limit))
    return kpm_rows(session, list(session.execute(q).scalars()), actor=actor)


def count_kpm(session: Session, period_id: int, *, desa: str | None = None, rw: str | None = None,
              rt: str | None = None, clean: str | None = None, receipt: str | None = None,
              text: str | None = None) -> int:
    q = _filtered(select(func.count()).select_from(DistKpm), period_id, desa, rw, rt, clean, receipt, text)
    return int(session.execute(q).scalar_one())


def kpm_list(session: Session, actor: Actor, period_id: int, *, offset: int = 0, limit: int = 200,
             with_count: bool = False, **filters) -> tuple[list[KpmRow], int | None]:
    """One page of :func:`kpm_page` and, with ``with_count``, the :func:`count_kpm` of the same
    filters, read in the same session (the page and its total agree)."""
    rows = kpm_page(session, actor, period_id, offset=offset, limit=limit, **filters)
    return rows, (count_kpm(session, period_id, **filters) if with_count else None)
