"""Sample PDFs of every document type, made from demo data, with PNG previews.

    python docs/samples/make_samples.py            # writes docs/samples/*.pdf and *.png

A fresh SQLite database in a temporary folder gets the demo kabupaten (300 people) and one
matching run; then each document type is issued through the letter register on A4 and on F4
(the matching reports as landscape lists on the same papers), and every page is rendered with
``pdftoppm -r 50`` for the previews.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from dataclasses import replace
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from dtks_desktop.config import sqlite_url  # noqa: E402
from dtks_desktop.db.models import Household, Member, Region  # noqa: E402
from dtks_desktop.demo.loader import load_demo  # noqa: E402
from dtks_desktop.domain.family import hubungan_label  # noqa: E402
from dtks_desktop.domain.masking import mask_nik  # noqa: E402
from dtks_desktop.domain.office import OfficeProfile, Signer  # noqa: E402
from dtks_desktop.services.core import settings  # noqa: E402
from dtks_desktop.services.core.database import open_database  # noqa: E402
from dtks_desktop.services.core.users import create_user  # noqa: E402
from dtks_desktop.services.documents import issued, register  # noqa: E402
from dtks_desktop.services.documents.office import load_profile  # noqa: E402
from dtks_desktop.services.matching import reports  # noqa: E402
from dtks_desktop.services.matching.run import run_matching  # noqa: E402

OUT = Path(__file__).resolve().parent
DAY = date(2026, 12, 4)
SIGNER = Signer(1, "Drs. SUGENG RIYANTO, M.Si.", "196805121994031007", "Pembina Tingkat I (IV/b)",
                "Kepala Dinas Sosial")


def _family(session) -> dict:
    policy = settings.mask_policy(session)
    from sqlalchemy import func

    size = (select(Member.household_id, func.count().label("n")).group_by(Member.household_id).subquery())
    hh = session.scalars(select(Household).join(size, size.c.household_id == Household.id)
                         .where(size.c.n >= 4).order_by(Household.id)).first()
    members = session.scalars(select(Member).where(Member.household_id == hh.id).order_by(Member.hubungan,
                                                                                          Member.id)).all()
    head = members[0]
    desa = session.get(Region, hh.desa_kode)
    kec = session.get(Region, hh.desa_kode[:8])
    kab = session.get(Region, hh.desa_kode[:5])
    return {"nama": head.nama, "nik": mask_nik(head.nik, policy), "no_kk": mask_nik(hh.no_kk, policy),
            "alamat": hh.alamat or "",
            "desa": f"Desa {desa.nama.title()}" if desa else hh.desa_kode,
            "kecamatan": kec.nama.title() if kec else "", "kabupaten": kab.nama.title() if kab else "",
            "keperluan": "pendaftaran sekolah anak",
            "anggota": [[m.nama, mask_nik(m.nik, policy), hubungan_label(m.hubungan)] for m in members]}


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="dtks-samples-"))
    db = open_database(sqlite_url(tmp / "contoh.sqlite"), create=True)
    with db.transaction() as s:
        admin = create_user(s, "admin", "rahasia-admin-1", "admin", full_name="Admin Dinsos")
    load_demo(db, admin, people=300)
    with db.transaction() as s:
        settings.put(s, admin, settings.OFFICE_NAME, "Dinas Sosial Kabupaten Klaten")
    run_matching(db, admin)
    with db.sessions() as s:
        base = load_profile(s)
        family = _family(s)
        kec = family["kecamatan"]
    base = replace(base, alamat=base.alamat or "Jl. Pemuda No. 294", telepon="(0272) 321046",
                   email="dinsos@klatenkab.go.id", website="dinsos.klatenkab.go.id", kode_pos="57424")
    made: list[Path] = []
    for kertas in ("A4", "F4"):
        profile = replace(base, kertas=kertas)
        with db.transaction() as s:
            for i, purpose in enumerate(["Undangan rapat koordinasi PKH", "Laporan bulanan penyaluran BPNT",
                                         "Permohonan data Disdukcapil", "Surat tugas verifikasi lapangan",
                                         "Undangan musyawarah desa Sengon"]):
                register.take_number(s, admin, "surat_keluar", f"{purpose} ({kertas})", when=DAY)
        with db.transaction() as s:
            entry = register.list_register(s, year=2026, doc_type="surat_keluar")[1]
            register.void(s, admin, entry.nomor, "surat tidak jadi dikirim", year=2026)
        with db.transaction() as s:
            sk = issued.issue(s, admin, "surat_keterangan", family, purpose=f"SK terdaftar DTKS {family['nama']}",
                              when=DAY, signer=SIGNER, profile=profile)
            target = OUT / f"surat_keterangan_{kertas}.pdf"
            target.write_bytes(sk.pdf)
            made.append(target)
        with db.transaction() as s:
            rows = [[e.nomor, e.created_at.strftime("%d-%m-%Y"), register.DOC_TYPES[e.doc_type].label, e.purpose,
                     e.created_by, "Batal" if e.voided_at else "Berlaku"]
                    for e in reversed(register.list_register(s, year=2026))]
            ag = issued.issue(s, admin, "agenda_surat", {"year": 2026, "rows": rows}, when=DAY, signer=SIGNER,
                              profile=profile)
            target = OUT / f"agenda_surat_{kertas}.pdf"
            target.write_bytes(ag.pdf)
            made.append(target)
    with db.sessions() as s:
        desa = s.scalars(select(Household.desa_kode).order_by(Household.desa_kode)).first()
    for kertas in ("A4", "F4"):  # the matching reports take the paper from the office settings
        with db.transaction() as s:
            settings.put(s, admin, "office.kertas", kertas)
        target = OUT / f"rekap_pemadanan_{kertas}.pdf"
        reports.write_summary_pdf(db, target, when=DAY, actor=admin)
        made.append(target)
        target = OUT / f"daftar_pemadanan_desa_{kertas}.pdf"
        reports.write_village_lists_pdf(db, target, desa=desa[:8], actor=admin, when=DAY)
        made.append(target)
    for old in OUT.glob("*.png"):
        old.unlink()
    for pdf in made:
        subprocess.run(["pdftoppm", "-r", "50", "-png", str(pdf), str(pdf.with_suffix(""))], check=True)
        print(pdf.name)
    db.dispose()
    print(f"Contoh dokumen ditulis ke {OUT} (kecamatan contoh: {kec})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
