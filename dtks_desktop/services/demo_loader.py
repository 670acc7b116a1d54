"""Fill a database with the synthetic demo kabupaten ("Buat data contoh").

The families come from :mod:`services.demo` (the same generator that writes the
demo files), stored through the registry's bulk path in one transaction, with
the office's kabupaten set so the Data view opens on it. Demo data is fiktif and
is marked as such in the audit log.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass

from sqlalchemy import func, select

from ..db.models import Member
from ..domain.formatting import angka
from . import audit, demo, settings
from .common import CancelFlag, Progress, check_cancel
from .database import Database
from .registry import FamilyRecord, MemberRecord, bulk_add_families
from .users import Actor


class DemoLoadError(Exception):
    pass


@dataclass(frozen=True)
class DemoLoadResult:
    households: int
    members: int
    kab: str
    seed: int
    seconds: float

    def as_dict(self) -> dict:
        return asdict(self)

    def summary_text(self) -> str:
        return (f"Data contoh dimuat: {angka(self.households)} keluarga, {angka(self.members)} anggota "
                f"(kabupaten {self.kab}, seed {self.seed}) dalam {angka(self.seconds, 1)} detik.")


def families_from_dataset(dataset: "demo.DemoDataset") -> list[FamilyRecord]:
    """The registry families as the office holds them (true values, ID DTKS per person)."""
    id_by_person: dict[int, str] = {}
    for row in dataset.registry_rows:
        if row.person is not None and row.duplicate_of is None:
            id_by_person.setdefault(id(row.person), row.id_dtks)
    out: list[FamilyRecord] = []
    for f in dataset.families:
        members = [
            MemberRecord(
                nama=p.name,
                nik=p.nik,
                nik_raw=p.nik,
                id_dtks=id_by_person.get(id(p)),
                tempat_lahir=p.birth_place,
                tanggal_lahir=p.birth_date,
                jenis_kelamin=p.sex,
                nama_ibu=p.mother_name,
                hubungan=p.relation,
            )
            for p in f.members
        ]
        out.append(FamilyRecord(no_kk=f.no_kk, desa_kode=f.desa_code, alamat=f.alamat, dusun=f.dusun, rt=f.rt,
                                rw=f.rw, desil=f.desil, members=members))
    return out


def load_demo(
    db: Database,
    actor: Actor,
    *,
    people: int = 2000,
    seed: int = 1,
    kab: str = "33.10",
    progress: Progress | None = None,
    cancel: CancelFlag | None = None,
) -> DemoLoadResult:
    """Generate and store a demo kabupaten. Refuses a database that already holds members."""
    t0 = time.perf_counter()
    with db.sessions() as s:
        if s.execute(select(func.count()).select_from(Member)).scalar_one():
            raise DemoLoadError("Basis data sudah berisi data; data contoh hanya untuk basis data kosong.")
    if progress:
        progress(0, 100, "Membuat data contoh")

    def gen_progress(done: int, total: int) -> None:
        if progress and total:
            progress(int(40 * done / total), 100, "Membuat data contoh")

    try:
        dataset = demo.generate(demo.DemoConfig(people=people, seed=seed, kab=kab), progress=gen_progress,
                                cancel=cancel)
    except ValueError as exc:
        raise DemoLoadError(str(exc)) from None
    check_cancel(cancel)
    families = families_from_dataset(dataset)

    def store_progress(done: int, total: int, text: str = "") -> None:
        if progress and total:
            progress(40 + int(60 * done / total), 100, text or "Menyimpan")

    with db.transaction() as s:
        res = bulk_add_families(s, families, progress=store_progress, cancel=cancel)
        kab_code = dataset.config.kab if "." in dataset.config.kab else f"{kab[:2]}.{kab[2:]}"
        if not settings.get(s, settings.KAB_KODE):
            settings.put(s, actor, settings.KAB_KODE, kab_code)
        audit.record(s, actor, "demo.load", summary=f"Data contoh (fiktif) dimuat: {res.households} keluarga, "
                     f"{res.members} anggota", new={"people": people, "seed": seed, "kab": kab_code})
    if progress:
        progress(100, 100, "Selesai")
    return DemoLoadResult(res.households, res.members, kab_code, seed, time.perf_counter() - t0)
