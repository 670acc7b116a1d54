"""Mapping a period from RT up to the kabupaten, and the distribution points with their time slots.

:func:`tree`: kabupaten → kecamatan → desa → RW → RT, each node with its KPM, lengkap and
dikembalikan counts and the value (rupiah, or the quantity of goods) of its lengkap KPM.

A distribution point (kantor pos, balai desa, …) serves one desa on one date from ``jam_mulai`` to
``jam_selesai`` in slots of ``slot_menit`` minutes. :func:`assign_slots` spreads the lengkap KPM of
each desa over its points' slots in RW/RT/name order: ``kuota_slot`` KPM per slot where set, else
evenly (the points' slots filled in turn, as equal as the numbers allow), so an invitation carries a
place and a time. A KPM no slot can take (every quota full) keeps no slot and is counted.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import case, func, select, update
from sqlalchemy.orm import Session

from dtks_desktop.db.models import DistKpm, DistPoint, Region
from dtks_desktop.domain.distribution import POINT_KIND_LABELS, BenefitKind, CleanStatus, PointKind
from dtks_desktop.domain.permissions import Capability
from dtks_desktop.domain.workflow.distribution import PeriodStatus, ReceiptStatus
from dtks_desktop.services.core import audit, settings
from dtks_desktop.services.core.permissions import require
from dtks_desktop.services.core.users import Actor
from dtks_desktop.services.distribution.common import DistError, benefit_of, period_row, region_names

__all__ = ["MapNode", "tree", "PointView", "add_point", "list_points", "remove_point", "assign_slots", "slots_of",
           "parse_time", "parse_date"]

#: Periods whose points and slots may still change.
_OPEN = frozenset({PeriodStatus.DRAF.value, PeriodStatus.SIAP.value, PeriodStatus.PENYALURAN.value})


@dataclass
class MapNode:
    level: str  # "kabupaten" | "kecamatan" | "desa" | "rw" | "rt"
    kode: str
    nama: str
    kpm: int = 0
    lengkap: int = 0
    dikembalikan: int = 0
    nilai: int | Decimal = 0
    children: list["MapNode"] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"level": self.level, "kode": self.kode, "nama": self.nama, "kpm": self.kpm, "lengkap": self.lengkap,
                "dikembalikan": self.dikembalikan,
                "nilai": self.nilai if isinstance(self.nilai, int) else float(self.nilai),
                "children": [c.as_dict() for c in self.children]}


def tree(session: Session, period_id: int) -> MapNode:
    """The period's KPM counted per kecamatan, desa, RW and RT (see the module's description)."""
    p = period_row(session, period_id)
    b = benefit_of(p)
    zero = 0 if b.kind == BenefitKind.TUNAI else Decimal(0)
    c = DistKpm.clean_status
    q = (select(DistKpm.desa_kode, DistKpm.rw, DistKpm.rt, func.count(),
                func.sum(case((c == CleanStatus.LENGKAP.value, 1), else_=0)),
                func.sum(case((c == CleanStatus.DIKEMBALIKAN.value, 1), else_=0)))
         .where(DistKpm.period_id == p.id).group_by(DistKpm.desa_kode, DistKpm.rw, DistKpm.rt))
    rows = session.execute(q).all()
    names = region_names(session, {r[0] for r in rows if r[0]})
    kab = settings.office_kab(session) or ""
    kab_name = session.execute(select(Region.nama).where(Region.kode == kab)).scalar_one_or_none() or kab
    root = MapNode("kabupaten", kab, kab_name or "Kabupaten/kota", nilai=zero)
    index: dict[tuple, MapNode] = {}

    def node(key: tuple, parent: MapNode, level: str, kode: str, nama: str) -> MapNode:
        n = index.get(key)
        if n is None:
            n = index[key] = MapNode(level, kode, nama, nilai=zero)
            parent.children.append(n)
        return n

    for desa, rw, rt, n, lengkap, kembali in rows:
        lengkap, kembali = int(lengkap or 0), int(kembali or 0)
        if desa:
            kec = desa.rsplit(".", 1)[0]
            dname, kname = names.get(desa, (desa, ""))
        else:
            kec, dname, kname = "", "Desa tidak dikenal", "Tanpa kecamatan"
        k_node = node((kec,), root, "kecamatan", kec, kname or kec)
        d_node = node((kec, desa), k_node, "desa", desa or "", dname)
        w_node = node((kec, desa, rw), d_node, "rw", rw or "", f"RW {rw or '-'}")
        t_node = node((kec, desa, rw, rt), w_node, "rt", rt or "", f"RT {rt or '-'}")
        value = b.value_of(lengkap)
        for x in (root, k_node, d_node, w_node, t_node):
            x.kpm += int(n)
            x.lengkap += lengkap
            x.dikembalikan += kembali
            x.nilai += value

    def order(n: MapNode) -> None:
        n.children.sort(key=lambda c: (c.kode == "", c.nama if n.level == "kabupaten" or n.level == "kecamatan"
                                       else c.kode))
        for ch in n.children:
            order(ch)
    order(root)
    return root


# --- distribution points -----------------------------------------------------------------------------

@dataclass(frozen=True)
class PointView:
    id: int
    period_id: int
    desa_kode: str
    desa_nama: str
    kecamatan_nama: str
    kind: str
    kind_label: str
    nama: str
    alamat: str | None
    tanggal: date
    jam_mulai: time
    jam_selesai: time
    slot_menit: int
    kuota_slot: int | None
    slots: int
    kpm: int  # KPM assigned to this point

    def as_dict(self) -> dict:
        return {"id": self.id, "period_id": self.period_id, "desa_kode": self.desa_kode, "desa": self.desa_nama,
                "kecamatan": self.kecamatan_nama, "kind": self.kind, "kind_label": self.kind_label, "nama": self.nama,
                "alamat": self.alamat, "tanggal": self.tanggal.isoformat(), "jam_mulai": self.jam_mulai.strftime("%H:%M"),
                "jam_selesai": self.jam_selesai.strftime("%H:%M"), "slot_menit": self.slot_menit,
                "kuota_slot": self.kuota_slot, "slots": self.slots, "kpm": self.kpm}


def parse_time(value) -> time:
    if isinstance(value, time):
        return value
    text = str(value or "").strip().replace(".", ":")
    for fmt in ("%H:%M", "%H:%M:%S", "%H"):
        try:
            return datetime.strptime(text, fmt).time()
        except ValueError:
            pass
    raise DistError(f"Jam '{value}' tidak dikenal; tulis JJ:MM, mis. 08:00.")


def parse_date(value) -> date:
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    for fmt in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            pass
    raise DistError(f"Tanggal '{value}' tidak dikenal; tulis TTTT-BB-HH atau HH-BB-TTTT, mis. 2027-02-15.")


def slots_of(pt: DistPoint) -> list[tuple[time, time]]:
    """The point's time slots, from ``jam_mulai`` in steps of ``slot_menit`` (the last may be shorter)."""
    start = datetime.combine(pt.tanggal, pt.jam_mulai)
    end = datetime.combine(pt.tanggal, pt.jam_selesai)
    out = []
    step = timedelta(minutes=max(1, int(pt.slot_menit or 60)))
    while start < end:
        nxt = min(start + step, end)
        out.append((start.time(), nxt.time()))
        start = nxt
    return out


def _view(session: Session, pt: DistPoint, counts: dict[int, int] | None = None) -> PointView:
    names = region_names(session, {pt.desa_kode})
    dname, kname = names.get(pt.desa_kode, (pt.desa_kode, ""))
    if counts is None:
        counts = {pt.id: session.execute(select(func.count()).where(DistKpm.point_id == pt.id)).scalar_one()}
    try:
        kind_label = POINT_KIND_LABELS[PointKind(pt.kind)]
    except ValueError:
        kind_label = pt.kind
    return PointView(pt.id, pt.period_id, pt.desa_kode, dname, kname, pt.kind, kind_label, pt.nama, pt.alamat,
                     pt.tanggal, pt.jam_mulai, pt.jam_selesai, pt.slot_menit, pt.kuota_slot, len(slots_of(pt)),
                     int(counts.get(pt.id, 0)))


def _kind(value) -> PointKind:
    text = str(value or "").strip().lower().replace(" ", "_").replace("/", "_")
    for k in PointKind:
        if text in (k.value, POINT_KIND_LABELS[k].lower().replace(" ", "_").replace("/", "_")):
            return k
    if text in ("pos", "kantorpos"):
        return PointKind.KANTOR_POS
    if text in ("balai", "balai_kelurahan", "kantor_desa", "kantor_kelurahan"):
        return PointKind.BALAI_DESA
    if text in ("kecamatan",):
        return PointKind.KANTOR_KECAMATAN
    raise DistError(f"Jenis titik salur '{value}' tidak dikenal. Pilih: " + ", ".join(k.value for k in PointKind) + ".")


def add_point(session: Session, actor: Actor, period_id: int, desa: str, kind, nama: str, tanggal, jam_mulai,
              jam_selesai, *, alamat: str | None = None, slot_menit: int = 60,
              kuota_slot: int | None = None) -> PointView:
    """A distribution point of one desa (``DIST_MANAGE``, audited)."""
    require(session, actor, Capability.DIST_MANAGE, detail=f"titik salur tahap #{period_id}")
    p = period_row(session, period_id)
    if p.status not in _OPEN:
        raise DistError(f"Tahap {p.programme} {p.period} sudah {p.status}; titik salur tidak dapat diubah.")
    kab = settings.office_kab(session)
    region = session.execute(select(Region.kode, Region.nama).where(Region.kode == desa, Region.level == 4)).first()
    if region is None or (kab and not desa.startswith(kab + ".")):
        raise DistError(f"Kode desa/kelurahan '{desa}' tidak dikenal di kabupaten ini (contoh kode: 33.10.01.2001).")
    k = _kind(kind)
    nm = " ".join(str(nama or "").split())
    if not nm:
        raise DistError("Nama titik salur kosong (mis. \"Balai Desa Jogonalan\").")
    d, t0, t1 = parse_date(tanggal), parse_time(jam_mulai), parse_time(jam_selesai)
    if t1 <= t0:
        raise DistError(f"Jam selesai {t1:%H:%M} harus sesudah jam mulai {t0:%H:%M}.")
    if not 5 <= int(slot_menit) <= 600:
        raise DistError(f"Lama satu sesi {slot_menit} menit tidak wajar (5-600 menit).")
    if kuota_slot is not None and not 1 <= int(kuota_slot) <= 100_000:
        raise DistError(f"Kuota per sesi {kuota_slot} tidak wajar (paling sedikit 1).")
    pt = DistPoint(period_id=p.id, desa_kode=desa, kind=k.value, nama=nm[:200],
                   alamat=(" ".join(str(alamat).split())[:300] or None) if alamat else None, tanggal=d, jam_mulai=t0,
                   jam_selesai=t1, slot_menit=int(slot_menit), kuota_slot=int(kuota_slot) if kuota_slot else None,
                   created_by=actor.id)
    session.add(pt)
    session.flush()
    audit.record(session, actor, "dist.point.add", entity_type="dist_point", entity_id=pt.id,
                 summary=f"Titik salur {nm} ({region[1]}) {d:%d-%m-%Y} {t0:%H:%M}-{t1:%H:%M}, tahap {p.programme} "
                         f"{p.period}",
                 new={"period": p.id, "desa": desa, "kind": k.value, "nama": nm, "tanggal": d, "jam_mulai": t0,
                      "jam_selesai": t1, "slot_menit": int(slot_menit), "kuota_slot": kuota_slot})
    return _view(session, pt, {})


def list_points(session: Session, period_id: int, *, desa: str | None = None) -> list[PointView]:
    period_row(session, period_id)
    q = select(DistPoint).where(DistPoint.period_id == period_id)
    if desa:
        q = q.where(DistPoint.desa_kode == desa)
    pts = list(session.execute(q.order_by(DistPoint.desa_kode, DistPoint.tanggal, DistPoint.jam_mulai,
                                          DistPoint.id)).scalars())
    counts = dict(session.execute(select(DistKpm.point_id, func.count()).where(DistKpm.period_id == period_id,
                                                                              DistKpm.point_id.is_not(None))
                                  .group_by(DistKpm.point_id)).all())
    return [_view(session, pt, counts) for pt in pts]


def remove_point(session: Session, actor: Actor, point_id: int) -> None:
    """Remove a point; its KPM lose their slot (assign again). Refused once a KPM of it received aid."""
    require(session, actor, Capability.DIST_MANAGE, detail=f"hapus titik salur #{point_id}")
    pt = session.get(DistPoint, point_id)
    if pt is None:
        raise DistError(f"Titik salur #{point_id} tidak ada.", "Lihat daftarnya: dtks dist point list ID.")
    served = session.execute(select(func.count()).where(DistKpm.point_id == pt.id,
                                                        DistKpm.receipt_status != ReceiptStatus.BELUM.value)).scalar_one()
    if served:
        raise DistError(f"Titik salur {pt.nama} sudah dipakai mencatat {served} penerimaan; tidak dapat dihapus.")
    n = session.execute(update(DistKpm).where(DistKpm.point_id == pt.id)
                        .values(point_id=None, slot_mulai=None, slot_selesai=None)
                        .execution_options(synchronize_session=False)).rowcount
    audit.record(session, actor, "dist.point.remove", entity_type="dist_point", entity_id=pt.id,
                 summary=f"Titik salur {pt.nama} ({pt.desa_kode}) dihapus; {n} KPM kehilangan jadwal",
                 old={"period": pt.period_id, "desa": pt.desa_kode, "nama": pt.nama, "kpm": n})
    session.delete(pt)
    session.flush()


@dataclass(frozen=True)
class _Slot:
    point_id: int
    start: time
    end: time
    cap: int | None


def assign_slots(session: Session, actor: Actor, period_id: int, *, desa: str | None = None) -> int:
    """Spread the lengkap KPM of each desa (or of ``desa``) over its points' slots; the number of KPM
    given a slot. A KPM that already received aid keeps its slot; the others are assigned afresh."""
    require(session, actor, Capability.DIST_MANAGE, detail=f"jadwal tahap #{period_id}")
    p = period_row(session, period_id, lock=True)
    if p.status not in _OPEN:
        raise DistError(f"Tahap {p.programme} {p.period} sudah {p.status}; jadwal tidak dapat diubah.")
    q = select(DistPoint).where(DistPoint.period_id == p.id)
    if desa:
        q = q.where(DistPoint.desa_kode == desa)
    points: dict[str, list[DistPoint]] = defaultdict(list)
    for pt in session.execute(q.order_by(DistPoint.tanggal, DistPoint.jam_mulai, DistPoint.id)).scalars():
        points[pt.desa_kode].append(pt)
    if not points:
        raise DistError("Belum ada titik salur" + (f" untuk desa {desa}" if desa else "") + " pada tahap ini.",
                        "Tambahkan dulu: dtks dist point add ID --desa KODE ….")
    kq = (select(DistKpm.id, DistKpm.desa_kode)
          .where(DistKpm.period_id == p.id, DistKpm.clean_status == CleanStatus.LENGKAP.value,
                 DistKpm.receipt_status == ReceiptStatus.BELUM.value, DistKpm.desa_kode.in_(list(points)))
          .order_by(DistKpm.desa_kode, DistKpm.rw.asc().nulls_last(), DistKpm.rt.asc().nulls_last(), DistKpm.nama,
                    DistKpm.id))
    per_desa: dict[str, list[int]] = defaultdict(list)
    for kid, d in session.execute(kq):
        per_desa[d].append(kid)
    # clear the slots of the KPM to be assigned (and of the lengkap KPM of these desa without a point now)
    clear = (update(DistKpm).where(DistKpm.period_id == p.id, DistKpm.receipt_status == ReceiptStatus.BELUM.value,
                                   DistKpm.desa_kode.in_(list(points)))
             .values(point_id=None, slot_mulai=None, slot_selesai=None).execution_options(synchronize_session=False))
    session.execute(clear)
    groups: dict[tuple[int, time, time], list[int]] = defaultdict(list)
    assigned = unplaced = 0
    for d, ids in per_desa.items():
        slots = [_Slot(pt.id, a, b, pt.kuota_slot) for pt in points[d] for a, b in slots_of(pt)]
        if not slots:
            unplaced += len(ids)
            continue
        capped = sum(s.cap for s in slots if s.cap) if all(s.cap for s in slots) else None
        take = ids if capped is None else ids[:capped]
        unplaced += len(ids) - len(take)
        # contiguous blocks in RW/RT order: slot i gets its share (quota, or an even split of the rest)
        free = [s for s in slots if not s.cap]
        fixed = sum(s.cap for s in slots if s.cap)
        rest = max(0, len(take) - fixed)
        even, extra = divmod(rest, len(free)) if free else (0, 0)
        pos = 0
        fi = 0
        for s in slots:
            if s.cap:
                n = s.cap
            else:
                n = even + (1 if fi < extra else 0)
                fi += 1
            block = take[pos:pos + n]
            pos += len(block)
            if block:
                groups[(s.point_id, s.start, s.end)].extend(block)
        assigned += pos
    for (pid, a, b), ids in groups.items():
        for i in range(0, len(ids), 2000):
            session.execute(update(DistKpm).where(DistKpm.id.in_(ids[i:i + 2000]))
                            .values(point_id=pid, slot_mulai=a, slot_selesai=b)
                            .execution_options(synchronize_session=False))
    audit.record(session, actor, "dist.slots", entity_type="dist_period", entity_id=p.id,
                 summary=f"Jadwal tahap {p.programme} {p.period}: {assigned} KPM di {len(per_desa)} desa"
                         + (f", {unplaced} tanpa jadwal (kuota penuh)" if unplaced else ""),
                 new={"desa": desa, "assigned": assigned, "unplaced": unplaced})
    session.flush()
    return assigned
