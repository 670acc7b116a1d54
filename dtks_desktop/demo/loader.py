"""Fill an empty database with the synthetic demo kabupaten ("Buat data contoh").

The demo goes through the same path as real data: the generator writes a
SIKS-NG export, a Disdukcapil extract and programme lists (with their realistic
damage) to a temporary folder, and the importer loads them — so a new user sees
import batches, flagged NIKs and problem reports exactly as with real files.
Demo data is fiktif and marked as such in the audit log.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from sqlalchemy import func, select

from dtks_desktop.db.models import Member
from dtks_desktop.domain.formatting import angka
from dtks_desktop.domain.regions import kabupaten_display, parse_kabupaten_code
from dtks_desktop.services.core import audit, settings
from dtks_desktop.demo import generator as demo
from dtks_desktop.services.core.common import CancelFlag, DataKind, Progress, changes, check_cancel
from dtks_desktop.services.core.database import Database
from dtks_desktop.services.core.permissions import Capability, require
from dtks_desktop.services.importing.run import run_import
from dtks_desktop.services.core.users import Actor


class DemoLoadError(Exception):
    pass


@dataclass
class DemoLoadResult:
    households: int
    members: int
    rejected: int
    kab: str
    seed: int
    seconds: float
    batches: list[int] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)

    def summary_text(self) -> str:
        return (f"Data contoh (fiktif) dimuat: {angka(self.members)} anggota dalam {angka(self.households)} keluarga, "
                f"kabupaten {self.kab}, dalam {angka(self.seconds, 1)} detik. {angka(self.rejected)} baris contoh "
                "sengaja rusak dan ditolak; lihat halaman Impor Data untuk laporannya.")


@changes(DataKind.REGISTRY, DataKind.DUKCAPIL, DataKind.PROGRAMMES, DataKind.MATCHING, DataKind.SETTINGS)
def load_demo(
    db: Database,
    actor: Actor,
    *,
    people: int = 2000,
    seed: int = 1,
    kab: str | None = None,
    progress: Progress | None = None,
    cancel: CancelFlag | None = None,
) -> DemoLoadResult:
    """Generate and import a demo kabupaten. Refuses a database that already holds members.

    Each file is imported in its own transaction; cancelling stops before the next file
    and whatever was already imported stays (each import is complete on its own).
    """
    require(db, actor, Capability.DEMO_LOAD)
    t0 = time.perf_counter()
    with db.sessions() as s:
        if s.execute(select(func.count()).select_from(Member)).scalar_one():
            raise DemoLoadError("Basis data sudah berisi data; data contoh hanya untuk basis data kosong.")
        office = settings.office_kab(s)
    # The demo is of the office's kabupaten/kota (its imports refuse any other one).
    wanted = (parse_kabupaten_code(kab) or kab) if kab else None
    if office and wanted and wanted != office:
        raise DemoLoadError(f"Basis data ini untuk {kabupaten_display(office)}; data contoh hanya dapat dibuat "
                            f"untuk kabupaten/kota itu (--kab {office}), bukan {kab}.")
    kab = wanted or office or "33.10"
    say = progress or (lambda d, t, x="": None)
    say(0, 100, "Membuat berkas data contoh")
    try:
        cfg = demo.DemoConfig(people=people, seed=seed, kab=kab, dukcapil_ratio=1.5)
    except ValueError as exc:
        raise DemoLoadError(str(exc)) from None
    kab_code = kab if "." in kab else f"{kab[:2]}.{kab[2:]}"

    with tempfile.TemporaryDirectory(prefix="dtks-demo-") as tmp:
        try:
            files = demo.generate_files(Path(tmp) / "demo", cfg, xlsx=False,
                                        progress=lambda d, t: say(int(30 * d / max(t, 1)), 100, "Membuat berkas"),
                                        cancel=cancel)
        except ValueError as exc:
            raise DemoLoadError(str(exc)) from None
        check_cancel(cancel)
        with db.transaction() as s:
            if not settings.office_kab(s):
                settings.set_office_kab(s, actor, kab_code, reason="Data contoh (fiktif)")
            audit.record(s, actor, "demo.load", summary=f"Data contoh (fiktif) dimuat: {people} orang, seed {seed}",
                         new={"people": people, "seed": seed, "kab": kab_code})
        steps = [("dukcapil", files["dukcapil"], None), ("dtks", files["dtks_csv"], None)]
        steps += [("program", files[k], k.split("_", 1)[1]) for k in sorted(files) if k.startswith("program_")]
        batches, members, rejected = [], 0, 0
        for i, (kind, path, program) in enumerate(steps):
            check_cancel(cancel)
            base, span = 30 + 70 * i // len(steps), 70 // len(steps)

            def sub(d: int, t: int, text: str = "", base=base, span=span, kind=kind) -> None:
                say(base + int(span * d / max(t, 1)), 100, f"Impor {kind}: {text}")

            r = run_import(db, actor, path, kind=kind, program=program, kab=kab_code, progress=sub, cancel=cancel)
            batches.append(r.batch_id)
            if kind == "dtks":
                members, rejected = r.imported, r.rejected
    with db.sessions() as s:
        from dtks_desktop.db.models import Household

        households = s.execute(select(func.count()).select_from(Household)).scalar_one()
    say(100, 100, "Selesai")
    return DemoLoadResult(households, members, rejected, kab_code, seed, round(time.perf_counter() - t0, 2), batches)
