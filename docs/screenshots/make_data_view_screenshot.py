"""Render the Data view offscreen to ``docs/screenshots/data_view.png``.

A temporary SQLite database is filled with a few thousand members from the demo
generator (``services.demo``: synthetic families of Kabupaten Klaten, names as
written in a SIKS-NG export, some NIKs damaged by Excel), one kecamatan is
chosen in the filter bar and a row whose family has a damaged NIK is selected,
so that the family panel is filled.

    QT_QPA_PLATFORM=offscreen python docs/screenshots/make_data_view_screenshot.py [--out PATH]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication  # noqa: E402

from dtks_desktop.config import sqlite_url  # noqa: E402
from dtks_desktop.services.database import Database, open_database  # noqa: E402
from dtks_desktop.services.demo import DemoConfig, generate  # noqa: E402
from dtks_desktop.services.registry import FamilyRecord, MemberRecord, bulk_add_families  # noqa: E402
from dtks_desktop.services.users import Actor  # noqa: E402
from dtks_desktop.views.context import AppContext  # noqa: E402

OUT = Path(__file__).resolve().parent / "data_view.png"
STATUS = {"died_flagged": "meninggal", "moved_out": "pindah"}


def demo_families(people: int, seed: int) -> list[FamilyRecord]:
    """The demo registry as the importer would store it (names as written, damaged NIKs flagged)."""
    ds = generate(DemoConfig(people=people, seed=seed, dukcapil_ratio=1.0, programmes=()))
    written: dict[int, object] = {}
    for row in ds.registry_rows:
        if row.person is not None and row.expect == "import" and row.duplicate_of is None:
            written.setdefault(id(row.person), row)
    families = []
    for fam in ds.families:
        members = []
        for p in fam.members:
            row = written.get(id(p))
            nama = row.nama.strip() if row is not None and isinstance(row.nama, str) and row.nama.strip() else p.name
            nik, flags = p.nik, None
            if row is not None and "nik_excel" in row.corruptions:
                nik, flags = p.nik[:15] + "0", "nik_rusak_excel"
            members.append(
                MemberRecord(
                    nama=" ".join(nama.split()), nik=nik, nik_flags=flags, tempat_lahir=p.birth_place.title(),
                    tanggal_lahir=p.birth_date, jenis_kelamin=p.sex, nama_ibu=p.mother_name, hubungan=p.relation,
                    status=STATUS.get(p.status, "aktif"),
                )
            )
        families.append(
            FamilyRecord(no_kk=fam.no_kk, desa_kode=fam.desa_code, alamat=fam.alamat, dusun=fam.dusun, rt=fam.rt,
                         rw=fam.rw, desil=fam.desil, members=members)
        )
    return families


def build(path: Path, people: int, seed: int) -> Database:
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    db = open_database(sqlite_url(path))
    with db.transaction() as s:
        bulk_add_families(s, demo_families(people, seed))
    return db


def wait(app: QApplication, cond, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        app.processEvents()
        if time.monotonic() > deadline:
            raise TimeoutError("the Data view did not finish loading")
        time.sleep(0.005)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", type=Path, default=OUT)
    p.add_argument("--people", type=int, default=4000)
    p.add_argument("--seed", type=int, default=3)
    p.add_argument("--kecamatan", default="Klaten Tengah", help="kecamatan chosen in the filter bar")
    p.add_argument("--width", type=int, default=1920)  # a 1080p office screen
    p.add_argument("--height", type=int, default=940)
    args = p.parse_args(argv)

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setStyle("Fusion")
    from dtks_desktop.views.data_view import DataView

    db = build(Path(tempfile.gettempdir()) / "dtks_screenshot_data_view.sqlite", args.people, args.seed)
    actor = Actor(2, "operator1", "operator", "Sri Wahyuni")
    view = DataView(AppContext(db, actor))
    view.setWindowTitle("DTKS Desktop — Data Keluarga & Anggota")
    view.resize(args.width, args.height)
    view.show()
    model = view.model
    wait(app, lambda: not model.is_loading() and model.member_count)

    i = view.kecamatan_combo.findText(args.kecamatan)
    view.kecamatan_combo.setCurrentIndex(i if i > 0 else 1)
    wait(app, lambda: model.filter.kecamatan is not None and not model.is_loading() and model.member_count)
    view.splitter.setSizes([int(args.width * 0.72), int(args.width * 0.28)])

    # A head of a family of four or more in which one NIK was damaged by Excel.
    target = None
    for r in range(min(model.rowCount(), 200)):
        row = model.row_at(r)
        if row is None or row.hubungan != 1:
            continue
        view.table.selectRow(r)
        app.processEvents()
        d = view.family_panel.detail
        if d and len(d.members) >= 4 and any(m.nik_flags for m in d.members):
            target = r
            break
    if target is None:
        view.table.selectRow(0)
    else:
        view.table.scrollTo(model.index(max(0, target - 3), 0), view.table.ScrollHint.PositionAtTop)
    for _ in range(20):
        app.processEvents()
        time.sleep(0.01)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    if not view.grab().save(str(args.out)):
        raise SystemExit(f"cannot write {args.out}")
    print(f"{args.out} ({model.member_count} anggota, baris {target})")
    model.wait_idle()
    view.close()
    db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
