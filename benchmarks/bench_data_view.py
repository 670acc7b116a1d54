"""Benchmark of the Data view (issue 2) on a registry of N members.

Builds -- or reuses, keyed by size -- a database of synthetic but realistic
families in Kabupaten Klaten through the real bulk path
(``services.registry.bulk_add_families``), then times the real
``views.core.members.MemberTableModel`` (the Data view's table) under ``QT_QPA_PLATFORM=offscreen``:
first rows, filters, searches, every sort, a jump to row 500,000; and the load
of the region reference data into an empty migrated database.

Since the Data view shows each member's programmes and matching outcome, the
database also gets (``--no-programmes`` to leave them out) programme lists
linked to the registry by the real ``services.programmes.link_programmes``
(PKH for a fifth of the families in two periods, BPNT for a third, PBI-JK for
two fifths of heads and spouses; 3 % of the rows without NIK, found by No KK)
and a ``match_results`` row for every member whose ``reasons`` are real
explanations: the matching engine's output for the demo kabupaten
(``services.demo_loader`` + ``run_matching`` on 1,500 people), dealt out with
the shares of that run's statuses.

Usage::

    python benchmarks/bench_data_view.py                        # 1,000,000 members, SQLite in /tmp
    python benchmarks/bench_data_view.py --members 100000
    python benchmarks/bench_data_view.py --db sqlite \\
        --db postgresql+psycopg://postgres@127.0.0.1/dtks_bench  # both, one table

``--db sqlite`` is the default SQLite file ``/tmp/dtks_bench_<N>.sqlite``. A
PostgreSQL database is emptied and refilled when it does not hold exactly N
members. Prints a Markdown table (operation, seconds per database).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Callable, Iterator

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from sqlalchemy import func, select, text  # noqa: E402

from dtks_desktop.config import sqlite_url  # noqa: E402
from dtks_desktop.db.bulk import bulk_insert  # noqa: E402
from dtks_desktop.db.models import Household, ImportBatch, MatchResult, Member, ProgrammeLink, Region  # noqa: E402
from dtks_desktop.services.core.database import Database, open_database  # noqa: E402
from dtks_desktop.services.core.registry import FamilyRecord, MemberRecord, bulk_add_families  # noqa: E402

KAB = "33.10"  # Kabupaten Klaten

# --------------------------------------------------------------------------- synthetic families

MALE = (
    "Slamet", "Sutrisno", "Suparno", "Sugiyono", "Bambang", "Joko", "Djoko", "Agus", "Budi", "Wahyu",
    "Heru", "Eko", "Dwi", "Tri", "Suyatno", "Sukirno", "Paijo", "Sarjono", "Suwarno", "Purwanto",
    "Haryanto", "Sutarno", "Mulyono", "Wagiman", "Tukiman", "Parman", "Kasno", "Rudi", "Andi",
    "Yusuf", "Ahmad", "Muhammad", "Moch.", "Muh.", "Soekarno", "Tjipto", "Sumardi", "Darmanto",
    "Supriyadi", "Hartono", "Widodo", "Triyono", "Sugeng", "Gunawan", "Ari", "Fajar", "Rizky",
    "Dimas", "Bayu", "Aditya", "Yoga", "Nur", "Iwan", "Teguh", "Wiyono", "Sukardi", "Wardoyo",
)  # fmt: skip
FEMALE = (
    "Sri", "Siti", "Suparmi", "Sumiyati", "Sutarmi", "Wartini", "Parmi", "Tumini", "Sukini",
    "Ngatini", "Suminah", "Rubiyem", "Sarinah", "Endang", "Rina", "Dewi", "Lestari", "Wulan",
    "Yuni", "Ani", "Nanik", "Tri", "Dwi", "Puji", "Rahayu", "Wahyuni", "Kartini", "Mulyani",
    "Suwarni", "Ngadiyem", "Painem", "Tukinem", "Sumarni", "Partini", "Indah", "Putri", "Ayu",
    "Fitri", "Nur", "Aisyah", "Hj.", "Soemirah", "Djumiati", "Tjahyani", "Ratna", "Yanti",
)  # fmt: skip
SECOND_M = (
    "Purnomo", "Santoso", "Setiawan", "Nugroho", "Prasetyo", "Saputra", "Wibowo", "Hidayat",
    "Kurniawan", "Utomo", "Susilo", "Sulistyo", "Budiman", "Riyanto", "Sutrisno", "Maryono",
    "Subagyo", "Mulyadi", "Wijaya", "Hartanto", "Suharto", "Prabowo", "Firmansyah", "Pamungkas",
)  # fmt: skip
SECOND_F = (
    "Wahyuni", "Rahayu", "Lestari", "Handayani", "Susanti", "Rahmawati", "Wulandari", "Pratiwi",
    "Astuti", "Suryani", "Haryati", "Ningsih", "Widayati", "Hartini", "Kusumawati", "Purwanti",
    "Setyowati", "Maryani", "Anggraini", "Safitri",
)  # fmt: skip
PLACES = ("Klaten", "Klaten", "Klaten", "Sukoharjo", "Boyolali", "Surakarta", "Yogyakarta", "Sleman",
          "Wonogiri", "Jakarta")  # fmt: skip
DUSUN = ("Krajan", "Ngemplak", "Sidorejo", "Karangasem", "Gondang", "Kebonan", "Ngaran", "Jetis",
         "Bendan", "Tegalrejo", "Sambirejo", "Pundung")  # fmt: skip
STATUS_WEIGHTS = (("aktif", 930), ("meninggal", 25), ("pindah", 20), ("tidak_ditemukan", 10), ("ganda", 10),
                  ("dihapus", 5))  # fmt: skip


def _name(rng: random.Random, female: bool) -> str:
    firsts, seconds = (FEMALE, SECOND_F) if female else (MALE, SECOND_M)
    first = rng.choice(firsts)
    r = rng.random()
    if r < 0.55:
        name = f"{first} {rng.choice(seconds)}"
    elif r < 0.65:
        name = f"{first} {rng.choice(firsts).rstrip('.')} {rng.choice(seconds)}"
    else:
        name = first if first not in ("Moch.", "Muh.", "Hj.") else f"{first} {rng.choice(seconds)}"
    return name.upper() if rng.random() < 0.7 else name


def _nik(rng: random.Random, kec_digits: str, born: date, female: bool, serial: int) -> str:
    day = born.day + (40 if female else 0)
    return f"{kec_digits}{day:02d}{born.month:02d}{born.year % 100:02d}{serial % 9999 + 1:04d}"


def synthetic_families(n_members: int, desa_codes: list[str], seed: int = 20260101) -> Iterator[FamilyRecord]:
    """Families of 1-7 members (about 3.3 on average) until ``n_members`` members exist."""
    rng = random.Random(seed)
    statuses = [s for s, _ in STATUS_WEIGHTS]
    weights = [w for _, w in STATUS_WEIGHTS]
    today = date(2026, 1, 1)
    made = 0
    serial = 0
    while made < n_members:
        desa = rng.choice(desa_codes)
        kec_digits = desa[:8].replace(".", "")
        size = min(n_members - made, rng.choices((1, 2, 3, 4, 5, 6, 7), (8, 18, 27, 26, 13, 6, 2))[0])
        head_female = rng.random() < 0.18
        head_born = today - timedelta(days=rng.randint(22 * 365, 85 * 365))
        members: list[MemberRecord] = []
        for i in range(size):
            if i == 0:
                hub, female, born = 1, head_female, head_born
            elif i == 1 and size > 2 and not head_female:
                hub, female = 2, True
                born = head_born + timedelta(days=rng.randint(-2 * 365, 5 * 365))
            elif i == size - 1 and size >= 5 and rng.random() < 0.4:
                hub, female = 6, rng.random() < 0.6
                born = head_born - timedelta(days=rng.randint(20 * 365, 30 * 365))
            else:
                hub, female = (3 if rng.random() < 0.9 else 5), rng.random() < 0.5
                lo = head_born + timedelta(days=18 * 365)
                hi = min(today - timedelta(days=30), head_born + timedelta(days=42 * 365))
                if lo > hi:
                    lo = head_born + timedelta(days=16 * 365)
                born = lo + timedelta(days=rng.randint(0, (hi - lo).days))
            serial += 1
            nik = _nik(rng, kec_digits, born, female, serial)
            flags = None
            r = rng.random()
            if r < 0.01:
                nik = nik[:15] + "0"
                flags = "nik_rusak_excel"
            elif r < 0.015:
                flags = "nik_tgl_lahir_beda"
            members.append(
                MemberRecord(
                    nama=_name(rng, female),
                    nik=nik if rng.random() > 0.003 else None,
                    nik_flags=flags,
                    tempat_lahir=rng.choice(PLACES),
                    tanggal_lahir=born if rng.random() > 0.002 else None,
                    jenis_kelamin="P" if female else "L",
                    nama_ibu=_name(rng, True),
                    hubungan=hub,
                    status=rng.choices(statuses, weights)[0],
                )
            )
        made += size
        kk_date = today - timedelta(days=rng.randint(0, 20 * 365))
        serial += 1
        no_kk = f"{kec_digits}{kk_date.day:02d}{kk_date.month:02d}{kk_date.year % 100:02d}{serial % 9999 + 1:04d}"
        yield FamilyRecord(
            no_kk=no_kk,
            desa_kode=desa,
            alamat=f"{rng.choice(('Jl.', 'Dk.', 'Dsn.'))} {rng.choice(DUSUN)} No. {rng.randint(1, 120)}",
            dusun=rng.choice(DUSUN),
            rt=f"{rng.randint(1, 12):03d}",
            rw=f"{rng.randint(1, 8):03d}",
            desil=rng.choice((1, 1, 2, 2, 3, 3, 4, 4, 5, 6, 7, 8, 9, 10, None)),
            status="terdaftar",
            members=members,
        )


def desa_codes(db: Database, kab: str = KAB) -> list[str]:
    with db.sessions() as s:
        return list(
            s.execute(
                select(Region.kode).where(Region.kode.startswith(kab + "."), Region.level == 4).order_by(Region.kode)
            ).scalars()
        )


def member_count(db: Database) -> int:
    with db.sessions() as s:
        return int(s.execute(select(func.count()).select_from(Member)).scalar_one())


def fill(db: Database, members: int, *, chunk_families: int = 50_000, log: Callable[[str], None] = print) -> None:
    """Append synthetic families with ``members`` members in total (one transaction per chunk)."""
    codes = desa_codes(db)
    t0 = time.perf_counter()
    batch: list[FamilyRecord] = []
    done = 0

    def flush() -> None:
        nonlocal done
        with db.transaction() as s:
            r = bulk_add_families(s, batch)
        done += r.members
        log(f"  {done:,} anggota ({time.perf_counter() - t0:.0f} s)")
        batch.clear()

    for fam in synthetic_families(members, codes):
        batch.append(fam)
        if len(batch) >= chunk_families:
            flush()
    if batch:
        flush()
    analyze(db)


def analyze(db: Database) -> None:
    """Statistics for the planner, as the app's maintenance would keep them."""
    with db.engine.connect() as conn:
        if db.dialect == "postgresql":
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            for table in ("households", "members", "match_results", "programme_links"):
                conn.exec_driver_sql(f"VACUUM ANALYZE {table}")
        else:
            conn.exec_driver_sql("ANALYZE")
            conn.commit()


def empty_data(db: Database) -> None:
    with db.engine.begin() as conn:
        if db.dialect == "postgresql":
            conn.execute(text("TRUNCATE members, households, programme_recipients RESTART IDENTITY CASCADE"))
        else:
            for table in ("programme_links", "programme_recipients", "match_results", "members", "households"):
                conn.execute(text(f"DELETE FROM {table}"))


def prepare(url: str, members: int, log: Callable[[str], None] = print, *, programmes: bool = True) -> Database:
    """Open ``url`` (migrating it) and make sure it holds exactly ``members`` members
    (with programme links and matching outcomes unless ``programmes`` is false)."""
    db = open_database(url)
    have = member_count(db)
    if have != members:
        log(f"Membangun basis data {db.description}: {members:,} anggota (ada {have:,})")
        if have:
            empty_data(db)
        fill(db, members, log=log)
    if programmes and not has_links(db):
        add_programmes_and_outcomes(db, log=log)
    return db


# --------------------------------------------------------------------------- programmes and outcomes


def has_links(db: Database) -> bool:
    with db.sessions() as s:
        return s.execute(select(ProgrammeLink.id).limit(1)).first() is not None


def demo_reasons(people: int = 1500) -> dict[str, list[tuple[float, str]]]:
    """Real (score, reasons) of the matching engine per status: the demo kabupaten through the
    importer and ``run_matching``, in a throw-away SQLite database."""
    from dtks_desktop.demo.loader import load_demo
    from dtks_desktop.services.matching.run import run_matching
    from dtks_desktop.services.core.users import create_user

    with tempfile.TemporaryDirectory(prefix="dtks-bench-reasons-") as tmp:
        db = open_database(sqlite_url(Path(tmp) / "demo.sqlite"))
        with db.transaction() as s:
            admin = create_user(s, "admin", "rahasia-admin-1", "admin")
        load_demo(db, admin, people=people, seed=11)
        run_matching(db, admin)
        out: dict[str, list[tuple[float, str]]] = {}
        with db.sessions() as s:
            for status, score, reasons in s.execute(select(MatchResult.status, MatchResult.score, MatchResult.reasons)):
                out.setdefault(status, []).append((score or 0.0, reasons))
        db.dispose()
    return out


def add_programmes_and_outcomes(db: Database, *, seed: int = 5, log: Callable[[str], None] = print) -> None:
    """Programme lists (linked by the real service) and a matching outcome for every member."""
    from dtks_desktop.services.matching.programmes import link_programmes
    from dtks_desktop.services.core.users import create_user

    t0 = time.perf_counter()
    rng = random.Random(seed)
    examples = demo_reasons()
    statuses = sorted(examples)
    weights = [len(examples[st]) for st in statuses]
    log(f"  contoh alasan pemadanan: {dict(zip(statuses, weights))} ({time.perf_counter() - t0:.0f} s)")

    def outcomes() -> Iterator[tuple]:
        with db.sessions() as s:
            ids = s.execute(select(Member.id).order_by(Member.id)).scalars().all()
        for mid in ids:
            st = rng.choices(statuses, weights)[0]
            score, reasons = rng.choice(examples[st])
            yield mid, 1, st, score, reasons, 9, 1

    with db.transaction() as s:
        n = bulk_insert(s, "match_results", ("member_id", "run_id", "status", "score", "reasons", "priority",
                                             "version"), outcomes())
    log(f"  {n:,} hasil pemadanan ({time.perf_counter() - t0:.0f} s)")

    # Heads and spouses: who the lists name.
    with db.sessions() as s:
        people = s.execute(
            select(Member.household_id, Member.hubungan, Member.nik, Member.nama, Member.tanggal_lahir, Household.no_kk,
                   Household.desa_kode)
            .join(Household, Household.id == Member.household_id)
            .where(Member.hubungan.in_((1, 2)), Member.status == "aktif")
            .order_by(Member.household_id, Member.hubungan)
        ).all()
    families: dict[int, list] = {}
    for row in people:
        families.setdefault(row.household_id, []).append(row)

    def row_of(program: str, periode: str | None, p) -> tuple:
        if rng.random() < 0.03:  # no NIK on the list: found by No KK (+ name)
            return program, periode, None, p.no_kk, p.nama, p.tanggal_lahir, p.desa_kode
        return program, periode, p.nik, p.no_kk, p.nama, p.tanggal_lahir, p.desa_kode

    rows: list[tuple] = []
    for fam in families.values():
        head, spouse = fam[0], (fam[1] if len(fam) > 1 else fam[0])
        if rng.random() < 0.20:
            rows += [row_of("PKH", per, spouse) for per in ("2026-04", "2026-07")]
        if rng.random() < 0.35:
            rows.append(row_of("BPNT", "2026-07", head))
        for p in fam:
            if rng.random() < 0.40:
                rows.append(row_of("PBI_JK", None, p))
    from dtks_desktop.domain.names import search_key

    with db.transaction() as s:
        admin = create_user(s, "bench_admin", "rahasia-bench-1", "admin")
        batch = ImportBatch(kind="program", program="BENCH", file_name="bench_programmes.csv", file_sha256="0" * 64,
                            file_size=0)
        s.add(batch)
        s.flush()
        bulk_insert(s, "programme_recipients",
                    ("batch_id", "source_row", "program", "periode", "nik", "no_kk", "nama", "nama_key",
                     "tanggal_lahir", "desa_kode"),
                    ((batch.id, i + 2, prog, per, nik, kk, nama, search_key(nama), tgl, desa)
                     for i, (prog, per, nik, kk, nama, tgl, desa) in enumerate(rows)))
    log(f"  {len(rows):,} baris daftar program ({time.perf_counter() - t0:.0f} s)")
    summary = link_programmes(db, admin)
    log(f"  {summary.links:,} hubungan program, {summary.members:,} anggota, {summary.households:,} keluarga "
        f"({summary.seconds:.0f} s untuk pencocokan, {time.perf_counter() - t0:.0f} s seluruhnya)")
    analyze(db)


def resolve_url(spec: str, members: int) -> str:
    if spec == "sqlite":
        return sqlite_url(Path(tempfile.gettempdir()) / f"dtks_bench_{members}.sqlite")
    return spec


# --------------------------------------------------------------------------- measuring


class Bench:
    """Times the real DataView / MemberTableModel on one database."""

    def __init__(self, db: Database, repeat: int = 3) -> None:
        from PySide6.QtWidgets import QApplication

        from dtks_desktop.services.core.users import Actor

        self.app = QApplication.instance() or QApplication([])
        self.db = db
        self.repeat = repeat
        self.actor = Actor(1, "bench", "operator", "Benchmark")
        self.results: dict[str, float] = {}
        self.view = None
        n = member_count(db)
        self.deep = min(500_000, n // 2)
        with db.sessions() as s:
            self.sample_nik = s.execute(
                select(Member.nik).where(Member.id >= n // 8, Member.nik.is_not(None)).order_by(Member.id).limit(1)
            ).scalar_one()

    # -- helpers

    def _idle(self) -> None:
        assert self.view.model.wait_idle(120_000), "model did not finish loading"

    def _visible_loaded(self) -> bool:
        m = self.view.model
        top = self.view.table.rowAt(0)
        return m.rowCount() == 0 or (top >= 0 and m.row_at(top) is not None)

    def _until(self, cond: Callable[[], bool], timeout: float = 120.0) -> None:
        deadline = time.perf_counter() + timeout
        while not cond():
            self.app.processEvents()
            if time.perf_counter() > deadline:
                raise TimeoutError("timed out")
            time.sleep(0.002)

    def record(self, name: str, samples: list[float]) -> None:
        self.results[name] = statistics.median(samples)

    def timed(self, name: str, setup: Callable[[], None], action: Callable[[], None],
              done: Callable[[], bool]) -> None:
        samples = []
        for _ in range(self.repeat):
            setup()
            self._idle()
            t0 = time.perf_counter()
            action()
            self._until(done)
            samples.append(time.perf_counter() - t0)
        self.record(name, samples)

    # -- the measurements

    def run(self) -> dict[str, float]:
        from PySide6.QtCore import Qt

        from dtks_desktop.services.core.browse import BrowseFilter
        from dtks_desktop.views.common.context import AppContext
        from dtks_desktop.views.core.data_view import DataView
        from dtks_desktop.views.core.members import COLUMNS

        ctx = AppContext(self.db, self.actor)
        first, counted = [], []
        for _ in range(self.repeat):
            if self.view is not None:
                self.view.model.wait_idle()
                self.view.close()
                self.view.deleteLater()
                self.app.processEvents()
            t0 = time.perf_counter()
            self.view = DataView(ctx)
            self.view.resize(1600, 900)
            self.view.show()
            self._until(lambda: self.view.model.rowCount() > 0 and self._visible_loaded())
            first.append(time.perf_counter() - t0)
            self._until(lambda: self.view.model.member_count is not None)
            counted.append(time.perf_counter() - t0)
        self.record("Buka tampilan Data: baris pertama tampil", first)
        self.record("Buka tampilan Data: jumlah anggota diketahui", counted)
        v, m = self.view, self.view.model

        t0 = time.perf_counter()
        v.refresh()
        self.results["refresh() di GUI thread (kab kantor, opsi wilayah, cek data)"] = time.perf_counter() - t0

        def reset() -> None:
            m.set_sort("nama", False)
            m.set_filter(BrowseFilter())

        def apply(f: BrowseFilter) -> Callable[[], None]:
            return lambda: m.set_filter(f)

        def shown(f: BrowseFilter) -> Callable[[], bool]:
            return lambda: m.filter == f and not m.is_loading() and self._visible_loaded()

        filters = [
            ("Filter kecamatan", BrowseFilter(kecamatan="33.10.05")),
            ("Filter desa", BrowseFilter(kecamatan="33.10.05", desa="33.10.05.2003")),
            ("Filter status (meninggal)", BrowseFilter(status="meninggal")),
            ("Filter kecamatan + status aktif", BrowseFilter(kecamatan="33.10.05", status="aktif")),
            ("Cari nama (awalan \"sri w\")", BrowseFilter(text="sri w")),
            ("Cari nama ejaan lama (\"Djoko\")", BrowseFilter(text="Djoko")),
            ("Cari NIK lengkap (16 digit)", BrowseFilter(text=self.sample_nik)),
            ("Cari awalan NIK/No KK 8 digit", BrowseFilter(text=self.sample_nik[:8])),
            ("Cari awalan 6 digit (kode kecamatan)", BrowseFilter(text=self.sample_nik[:6])),
            ("Cari awalan 4 digit \"3310\" (semua cocok)", BrowseFilter(text="3310")),
        ]
        for name, f in filters:
            rows = []
            total = []
            for _ in range(self.repeat):
                reset()
                self._idle()
                t0 = time.perf_counter()
                m.set_filter(f)
                self._until(lambda f=f: m.filter == f and m._gen == m._want_gen and self._visible_loaded())
                rows.append(time.perf_counter() - t0)
                self._until(lambda: m.member_count is not None and not m.is_loading())
                total.append(time.perf_counter() - t0)
            self.record(f"{name}: baris tampil", rows)
            self.record(f"{name}: baris + jumlah", total)

        keys = [(i, c[1], c[0]) for i, c in enumerate(COLUMNS) if c[1] and c[0] != "Kecamatan"]
        for col, key, title in keys:
            for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
                desc = order == Qt.SortOrder.DescendingOrder
                label = f"Urutkan {title} ({'turun' if desc else 'naik'})"

                def setup(key=key, desc=desc) -> None:
                    m.set_filter(BrowseFilter())
                    m.set_sort("status" if key != "status" else "nama", False)

                self.timed(label, setup, lambda col=col, order=order: v.table.sortByColumn(col, order),
                           lambda key=key, desc=desc: m.sort_key == key and m.descending == desc
                           and m._gen == m._want_gen and self._visible_loaded())

        from PySide6.QtWidgets import QAbstractItemView

        deep, next_ = self.deep, self.deep + 400
        deep_label = f"{deep:,}".replace(",", ".")
        for key, title in (("nama", "Nama"), ("no_kk", "No KK")):
            def setup_scroll(key=key) -> None:
                v.table.scrollToTop()
                m.set_filter(BrowseFilter())
                m.set_sort(key, False)
                m.refresh()  # nothing cached: the jump pays the full OFFSET walk
                self._idle()

            def action() -> None:
                v.table.scrollTo(m.index(deep, 0), QAbstractItemView.ScrollHint.PositionAtTop)

            self.timed(f"Gulir ke baris {deep_label} (urut {title})", setup_scroll, action,
                       lambda: m.row_at(deep) is not None and self._visible_loaded())

            def setup_next(key=key) -> None:
                setup_scroll(key)
                action()
                self._until(lambda: m.row_at(deep) is not None)
                self._idle()

            self.timed(f"Gulir lanjut 400 baris dari baris {deep_label} (urut {title})", setup_next,
                       lambda: v.table.scrollTo(m.index(next_, 0), QAbstractItemView.ScrollHint.PositionAtTop),
                       lambda: m.row_at(next_) is not None and self._visible_loaded())

        reset()
        self._idle()
        samples = []
        for r in (10, 20, 30):
            want = m.row_at(r).household_id
            t0 = time.perf_counter()
            v.table.selectRow(r)
            # The family is read in a job (no database read on the GUI thread): until it is shown.
            self._until(lambda: v.family_panel.detail is not None and v.family_panel.detail.household_id == want)
            samples.append(time.perf_counter() - t0)
        self.record("Pilih baris: panel keluarga terisi (dibaca di job)", samples)
        v.model.wait_idle()
        v.close()
        v.deleteLater()
        self.view = None
        self.app.processEvents()
        return self.results


def region_load_seconds(url: str) -> float:
    """ensure_regions_loaded into an empty, migrated database (a fresh one next to ``url``)."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    from dtks_desktop.db.engine import make_engine
    from dtks_desktop.db.migrate import upgrade
    from dtks_desktop.services.core.regions import ensure_regions_loaded

    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        path = Path(tempfile.gettempdir()) / "dtks_bench_regions.sqlite"
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        target = sqlite_url(path)
    else:
        name = "dtks_bench_regions"
        admin = create_engine(u.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}")
            conn.exec_driver_sql(f"CREATE DATABASE {name}")
        admin.dispose()
        target = u.set(database=name).render_as_string(hide_password=False)
    engine = make_engine(target)
    upgrade(engine)
    t0 = time.perf_counter()
    result = ensure_regions_loaded(engine)
    seconds = time.perf_counter() - t0
    assert not result.already_loaded and result.rows > 90_000
    engine.dispose()
    return seconds


def markdown_table(results: dict[str, dict[str, float]], members: int) -> str:
    names = list(results)
    header = "| Operasi | " + " | ".join(f"{n} (detik)" for n in names) + " |"
    sep = "|---|" + "---:|" * len(names)
    ops: list[str] = []
    for r in results.values():
        for op in r:
            if op not in ops:
                ops.append(op)
    lines = [f"Anggota: {members:,}".replace(",", "."), "", header, sep]
    for op in ops:
        cells = [f"{results[n][op]:.3f}" if op in results[n] else "-" for n in names]
        lines.append(f"| {op} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--members", type=int, default=1_000_000, help="jumlah anggota (default 1.000.000)")
    p.add_argument("--db", action="append", metavar="URL",
                   help="basis data; 'sqlite' = berkas SQLite di /tmp (default). Boleh diulang.")
    p.add_argument("--repeat", type=int, default=3, help="ulangan per operasi; median dilaporkan")
    p.add_argument("--build-only", action="store_true", help="hanya bangun basis data")
    p.add_argument("--no-programmes", action="store_true",
                   help="tanpa daftar program dan hasil pemadanan (seperti pengukuran sebelum kolom Program)")
    args = p.parse_args(argv)
    results: dict[str, dict[str, float]] = {}
    for spec in args.db or ["sqlite"]:
        url = resolve_url(spec, args.members)
        db = prepare(url, args.members, log=lambda msg: print(msg, file=sys.stderr), programmes=not args.no_programmes)
        name = "SQLite" if db.dialect == "sqlite" else "PostgreSQL"
        if args.build_only:
            print(f"{db.description}: {member_count(db):,} anggota")
            db.dispose()
            continue
        print(f"Mengukur {db.description} …", file=sys.stderr)
        r = Bench(db, args.repeat).run()
        r["Muat data wilayah Kemendagri ke basis data kosong"] = region_load_seconds(url)
        results[name] = r
        db.dispose()
    if results:
        print(markdown_table(results, args.members), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
