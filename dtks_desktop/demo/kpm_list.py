"""A synthetic KPM list (daftar KPM) as Kemensos or Bulog sends it for a distribution period, made
from the registry in a database, with the damage such lists carry, and its ground truth.

The list names the recipient of each chosen family (the wife where there is one, else the head):
NIK, No KK, name, address, RT, RW, dusun and the desa either as a 10-digit code (Kemensos layout)
or by name with the kecamatan (Bulog layout). What goes wrong in real lists, each at a rate drawn
per file so no two files look alike:

* people not in the registry (``tidak_terdaftar``): made-up recipients with plausible NIKs of the
  kabupaten, to be listed and never added;
* an empty RT, RW or address (``rt_kosong``, ``rw_kosong``, ``alamat_kosong``): returned for completion;
* a second recipient of the same family (``kk_ganda``): one KPM per No KK;
* a recipient who has died (registry status ``meninggal``), when the registry has any;
* the same person twice (``duplikat``): the second row is refused at import;
* NIKs that went through a spreadsheet (``nik_excel``): refused at import, the file and row named;
* harmless variety the importer must read: RT as ``1`` / ``01`` / ``RT 001``, desa names in capitals
  or with ``Ds.``/``Kel.`` before them, names in title case.

The ground truth (``<name>.truth.csv``) says for every data row what a correct importer and
cleaner must make of it: ``lengkap``, ``dikembalikan:<reasons>``, ``tidak_terdaftar`` or
``ditolak:<why>``. ``lengkap`` assumes the office's default rules (dusun not required) and that the
recipient's NIK is padan (the list is made from the registry; an unpadan NIK is the registry's own
state and is marked ``padan?`` in the truth's note column).
"""

from __future__ import annotations

import csv
import random
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from dtks_desktop.db.models import Household, Member, Region
from dtks_desktop.domain.nik import is_plausible_nik

__all__ = ["KpmListConfig", "KpmListResult", "write_kpm_list", "LAYOUTS"]

#: header per field, per layout (as the senders write them).
LAYOUTS: dict[str, dict[str, str]] = {
    "kemensos": {"no": "NO", "nik": "NIK_PENERIMA", "no_kk": "NO_KK", "nama": "NAMA_PENERIMA",
                 "alamat": "ALAMAT", "rt": "RT", "rw": "RW", "dusun": "DUSUN",
                 "kode_wilayah": "KODE_WILAYAH", "desa": "KELURAHAN", "kecamatan": "KECAMATAN"},
    "bulog": {"no": "No", "nik": "NIK", "no_kk": "No KK", "nama": "Nama KPM", "alamat": "Alamat",
              "rt": "RT", "rw": "RW", "dusun": "Dusun/Lingkungan", "desa": "Desa/Kelurahan",
              "kecamatan": "Kecamatan"},
}


@dataclass(frozen=True)
class KpmListConfig:
    programme: str = "BANPANGAN"
    count: int | None = None  # families chosen from the registry (None: 60-80 % of desil 1-4)
    seed: int = 1
    layout: str = "kemensos"  # "kemensos" | "bulog"
    damage: bool = True


@dataclass
class KpmListResult:
    path: Path
    truth: Path
    rows: int
    expect: dict[str, int] = field(default_factory=dict)  # outcome -> rows

    def as_dict(self) -> dict:
        return {"path": str(self.path), "truth": str(self.truth), "rows": self.rows, "expect": dict(self.expect)}


@dataclass
class _Row:
    nik: str
    no_kk: str
    nama: str
    alamat: str
    rt: str
    rw: str
    dusun: str
    desa_kode: str
    member_id: int | None
    expect: list[str] = field(default_factory=list)  # reasons; empty = lengkap
    outcome: str | None = None  # "tidak_terdaftar" | "ditolak:<why>"
    note: str = ""


def _rt_text(value: str, r: random.Random) -> str:
    """RT/RW as villages write it (the importer must read all of these as the same number)."""
    if not value or not value.isdigit():
        return value
    n = int(value)
    x = r.random()
    if x < 0.55:
        return f"{n:03d}"
    if x < 0.8:
        return str(n)
    if x < 0.92:
        return f"{n:02d}"
    return f"RT {n:03d}" if r.random() < 0.5 else f"0{n}"


def _desa_text(name: str, kelurahan: bool, r: random.Random) -> str:
    x = r.random()
    if x < 0.6:
        return name.upper()
    if x < 0.8:
        return name.title()
    return ("Kel. " if kelurahan else "Ds. ") + name.title()


def _choose(session: Session, cfg: KpmListConfig, r: random.Random) -> list[tuple[Household, Member]]:
    homes = list(session.execute(
        select(Household).where(Household.status != "dihapus", Household.desa_kode.is_not(None))
        .order_by(Household.id)).scalars())
    poor = [h for h in homes if h.desil is None or h.desil <= 4] or homes
    k = cfg.count if cfg.count is not None else int(len(poor) * (0.6 + r.random() * 0.2))
    picked = sorted(r.sample(poor, min(max(k, 1), len(poor))), key=lambda h: h.id)
    ids = [h.id for h in picked]
    members: dict[int, list[Member]] = {}
    for i in range(0, len(ids), 5000):
        for m in session.execute(select(Member).where(Member.household_id.in_(ids[i:i + 5000]))
                                 .order_by(Member.household_id, Member.id)).scalars():
            members.setdefault(m.household_id, []).append(m)
    out = []
    for h in picked:
        ms = [m for m in members.get(h.id, []) if m.status != "dihapus" and m.nik]
        if not ms:
            continue
        wife = next((m for m in ms if m.hubungan == 2 and m.jenis_kelamin == "P" and m.status == "aktif"), None)
        head = next((m for m in ms if m.hubungan == 1), None)
        out.append((h, wife or head or ms[0]))
    return out


def _fake_nik(prefix6: str, r: random.Random, taken: set[str]) -> str:
    while True:
        day = r.randint(1, 28) + (40 if r.random() < 0.5 else 0)
        nik = f"{prefix6}{day:02d}{r.randint(1, 12):02d}{r.randint(50, 99):02d}{r.randint(1, 40):04d}"
        if nik not in taken:
            taken.add(nik)
            return nik


def write_kpm_list(session: Session, out: str | Path, cfg: KpmListConfig = KpmListConfig()) -> KpmListResult:
    """Write the list (``.xlsx`` or ``.csv`` by the suffix of ``out``) and its ground truth."""
    if cfg.layout not in LAYOUTS:
        raise ValueError(f"layout {cfg.layout!r}: pilih kemensos atau bulog")
    r = random.Random(cfg.seed)
    out = Path(out)
    chosen = _choose(session, cfg, r)
    if not chosen:
        raise ValueError("Basis data belum berisi keluarga DTKS; muat data contoh dulu (dtks demo-load).")
    regions = dict(session.execute(select(Region.kode, Region.nama).where(Region.level >= 3)).all())
    rows = [_Row(nik=m.nik or "", no_kk=h.no_kk or "", nama=m.nama, alamat=h.alamat or "", rt=h.rt or "",
                 rw=h.rw or "", dusun=h.dusun or "", desa_kode=h.desa_kode, member_id=m.id,
                 expect=["meninggal"] if m.status == "meninggal" else [])
            for h, m in chosen]
    seen: set[str] = set()
    for row in rows:
        if row.nik in seen:  # two registry people under one NIK (the registry's own damage): one KPM per NIK
            row.outcome = "ditolak:duplikat"
        seen.add(row.nik)
        if not is_plausible_nik(row.nik):  # the registry's own NIK fails the NIK checks (serial 0000, …)
            row.expect.append("nik_tidak_valid")
        if not row.alamat:
            row.expect.append("alamat_kosong")
        if not row.rt:
            row.expect.append("rt_kosong")
        if not row.rw:
            row.expect.append("rw_kosong")
    taken = {x.nik for x in rows}
    rnd = r.random
    if cfg.damage:
        n = len(rows)
        # a second recipient of an already listed family (another adult member)
        by_hh = {h.id: (h, m) for h, m in chosen}
        seconds = []
        for hid in r.sample(sorted(by_hh), min(len(by_hh), max(1, int(n * (0.003 + rnd() * 0.007))))):
            h, m0 = by_hh[hid]
            other = session.execute(select(Member).where(Member.household_id == hid, Member.id != m0.id,
                                                         Member.nik.is_not(None), Member.status == "aktif")
                                    .order_by(Member.id).limit(1)).scalar_one_or_none()
            if other is not None and other.nik not in taken:
                taken.add(other.nik)
                seconds.append(_Row(nik=other.nik, no_kk=h.no_kk or "", nama=other.nama, alamat=h.alamat or "",
                                    rt=h.rt or "", rw=h.rw or "", dusun=h.dusun or "", desa_kode=h.desa_kode,
                                    member_id=other.id, expect=["kk_ganda"]))
        # recipients not in the registry, in the kabupaten's desa
        fakes = []
        for _ in range(max(1, int(n * (0.01 + rnd() * 0.02)))):
            src = rows[r.randrange(n)]
            fakes.append(_Row(nik=_fake_nik(src.desa_kode.replace(".", "")[:6], r, taken), no_kk="",
                              nama=rows[r.randrange(n)].nama.split(" ")[0] + " " + rows[r.randrange(n)].nama.split(" ")[-1],
                              alamat=src.alamat, rt=src.rt, rw=src.rw, dusun=src.dusun, desa_kode=src.desa_kode,
                              member_id=None, outcome="tidak_terdaftar"))
            fakes[-1].no_kk = fakes[-1].nik[:6] + fakes[-1].nik[6:12][::-1] + f"{r.randint(1, 9999):04d}"
        for e in fakes:
            rows.insert(r.randrange(len(rows) + 1), e)
        for e in seconds:  # after the family's first recipient: the later one is the second KPM of the KK
            first = next(i for i, x in enumerate(rows) if x.no_kk == e.no_kk)
            rows.insert(r.randrange(first + 1, len(rows) + 1), e)
        n = len(rows)
        plain = [i for i, x in enumerate(rows) if not x.expect and x.outcome is None]
        for i in r.sample(plain, min(len(plain), max(1, int(n * (0.01 + rnd() * 0.02))))):
            rows[i].rt, rows[i].expect = "", ["rt_kosong"]
        plain = [i for i, x in enumerate(rows) if not x.expect and x.outcome is None]
        for i in r.sample(plain, min(len(plain), max(1, int(n * (0.004 + rnd() * 0.01))))):
            rows[i].rw, rows[i].expect = "", ["rw_kosong"]
        plain = [i for i, x in enumerate(rows) if not x.expect and x.outcome is None]
        for i in r.sample(plain, min(len(plain), max(1, int(n * (0.003 + rnd() * 0.006))))):
            rows[i].alamat, rows[i].expect = "", ["alamat_kosong"]
        # the same person twice: the later row is refused
        plain = [i for i, x in enumerate(rows) if x.outcome is None]
        for i in r.sample(plain, min(len(plain), max(1, int(n * (0.002 + rnd() * 0.004))))):
            o = rows[i]
            d = _Row(**{**o.__dict__, "expect": list(o.expect)})
            d.outcome = "ditolak:duplikat"
            rows.insert(r.randrange(i + 1, len(rows) + 1), d)
        if rnd() < 0.6:  # this file went through a spreadsheet that kept NIKs as numbers for some rows
            # never the first of a repeated NIK or No KK: its repeat would then stand alone
            once, kk = Counter(x.nik for x in rows), Counter(x.no_kk for x in rows)
            plain = [i for i, x in enumerate(rows) if x.outcome is None and once[x.nik] == 1 and kk[x.no_kk] == 1]
            for i in r.sample(plain, min(len(plain), max(1, int(len(rows) * (0.002 + rnd() * 0.008))))):
                v = int(rows[i].nik)
                rows[i].nik = f"{v:.5E}".replace(".", ",", 1) if rnd() < 0.5 else f"{v // 10 * 10}.0"
                rows[i].outcome = "ditolak:nik_excel"
        for x in rows:
            if rnd() < 0.05:
                x.nama = x.nama.title()
    hdr = LAYOUTS[cfg.layout]
    fields = list(hdr)
    kel = {k: nm for k, nm in regions.items()}

    def values(i: int, x: _Row) -> dict[str, str]:
        kode = x.desa_kode
        kec = kode.rsplit(".", 1)[0]
        kelurahan = kode.split(".")[-1].startswith("1")
        return {"no": str(i), "nik": x.nik, "no_kk": x.no_kk, "nama": x.nama, "alamat": x.alamat,
                "rt": _rt_text(x.rt, r) if cfg.damage else x.rt, "rw": _rt_text(x.rw, r) if cfg.damage else x.rw,
                "dusun": x.dusun, "kode_wilayah": kode.replace(".", ""),
                "desa": _desa_text(kel.get(kode, kode), kelurahan, r) if cfg.damage else kel.get(kode, kode),
                "kecamatan": kel.get(kec, kec).upper()}

    table = [values(i, x) for i, x in enumerate(rows, 1)]
    if out.suffix.lower() == ".csv":
        with out.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow([hdr[f] for f in fields])
            for v in table:
                w.writerow([v[f] for f in fields])
    else:
        wb = Workbook(write_only=True)
        ws = wb.create_sheet(f"KPM {cfg.programme}"[:31])
        ws.append([hdr[f] for f in fields])
        text = {"nik", "no_kk", "rt", "rw", "kode_wilayah"}
        for v in table:
            # identifiers as text cells, except those that went through a spreadsheet as numbers
            ws.append([v[f] if f in text or not v[f].isdigit() else int(v[f]) if f == "no" else v[f]
                       for f in fields])
        wb.save(out)
    truth = out.with_suffix(".truth.csv")
    expect: dict[str, int] = {}
    with truth.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["file_row", "nik_in_file", "member_id", "expect", "note"])
        for i, x in enumerate(rows, 2):
            outcome = x.outcome or ("dikembalikan:" + ",".join(sorted(set(x.expect))) if x.expect else "lengkap")
            key = outcome.split(":")[0] if outcome.startswith("dikembalikan") else outcome
            expect[key] = expect.get(key, 0) + 1
            w.writerow([i, x.nik, x.member_id or "", outcome, x.note])
    return KpmListResult(path=out, truth=truth, rows=len(rows), expect=expect)
