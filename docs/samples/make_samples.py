"""Sample PDFs of every document type, made from demo data, with PNG previews.

    python docs/samples/make_samples.py            # writes docs/samples/*.pdf and *.png

A fresh SQLite database in a temporary folder gets the demo kabupaten (300 people) and one
matching run, an office profile as an administrator sets it (address, phone, e-mail, website,
post code, a logo), a signatory chosen for every type, and the Kepala Desa of the worksheet's
desa. Then every document type is issued on A4 and on F4 (``office set kertas=…``): surat
keterangan, agenda surat, the matching summary and village lists (landscape), the field
verification worksheet (landscape). The first two pages of each are rendered with
``pdftoppm -r 50`` as previews (the PDFs hold every page).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from dtks_desktop.config import sqlite_url  # noqa: E402
from dtks_desktop.db.models import Household, Member, Region  # noqa: E402
from dtks_desktop.demo.loader import load_demo  # noqa: E402
from dtks_desktop.domain.family import hubungan_label  # noqa: E402
from dtks_desktop.domain.masking import mask_nik  # noqa: E402
from dtks_desktop.domain.office import Signer  # noqa: E402
from dtks_desktop.services.core import settings  # noqa: E402
from dtks_desktop.services.core.database import open_database  # noqa: E402
from dtks_desktop.services.core.users import create_user  # noqa: E402
from dtks_desktop.services.documents import issued, register  # noqa: E402
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


def _logo(path: Path) -> Path:
    """A made-up emblem (a shield with a star and rice stalks): shows where the office's logo goes."""
    from PIL import Image, ImageDraw

    im = Image.new("RGBA", (300, 360), (255, 255, 255, 0))
    d = ImageDraw.Draw(im)
    d.polygon([(150, 8), (292, 48), (280, 230), (150, 352), (20, 230), (8, 48)], fill=(0, 94, 48),
              outline=(212, 175, 55), width=10)
    d.polygon([(150, 60), (165, 110), (218, 110), (175, 140), (192, 192), (150, 160), (108, 192), (125, 140),
               (82, 110), (135, 110)], fill=(212, 175, 55))
    for x in (70, 230):
        for k in range(6):
            d.ellipse((x - 12, 200 + k * 18, x + 12, 214 + k * 18), fill=(230, 200, 80))
    im.save(path, "PNG")
    return path


def _pngs(pdf: Path) -> None:
    """PNG previews of the first two pages (``name-1.png``, ``name-2.png``): enough to see the layout."""
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "2", str(pdf), str(pdf.with_suffix(""))],
                   check=True)
    for png in pdf.parent.glob(pdf.stem + "-*.png"):  # pdftoppm pads the number on long documents
        number = png.stem.rsplit("-", 1)[1]
        if number != number.lstrip("0"):
            png.rename(png.with_name(f"{pdf.stem}-{int(number)}.png"))


def main() -> int:
    from dtks_desktop.services.documents import office, officials, signers
    from dtks_desktop.services.verification.assign import assign
    from dtks_desktop.services.verification.worksheets import write_worksheet_pdf

    tmp = Path(tempfile.mkdtemp(prefix="dtks-samples-"))
    db = open_database(sqlite_url(tmp / "contoh.sqlite"), create=True)
    with db.transaction() as s:
        admin = create_user(s, "admin", "rahasia-admin-1", "admin", full_name="Admin Dinsos")
    load_demo(db, admin, people=300)
    run_matching(db, admin)
    # The office profile as an administrator sets it (dtks office set …), a logo and a signatory
    # chosen for every document type (dtks signer add / dtks signer use default …).
    with db.transaction() as s:
        office.set_values(s, admin, {"alamat": "Jl. Pemuda No. 294", "telepon": "(0272) 321046",
                                     "email": "dinsos@klatenkab.go.id", "website": "dinsos.klatenkab.go.id",
                                     "kode_pos": "57424", "logo": str(_logo(tmp / "logo.png"))})
        kadis = signers.add_signer(s, admin, nama=SIGNER.nama, nip=SIGNER.nip, pangkat=SIGNER.pangkat,
                                   jabatan=SIGNER.jabatan)
        signers.use_signer(s, admin, "default", kadis.id)
    with db.sessions() as s:
        family = _family(s)
        kec = family["kecamatan"]
        desa = s.scalars(select(Household.desa_kode).order_by(Household.desa_kode)).first()
        counts = dict(s.execute(select(Household.desa_kode, func.count()).group_by(Household.desa_kode)).all())
    small = min((k for k, n in counts.items() if n >= 2), key=lambda k: (counts[k], k))
    with db.transaction() as s:
        officials.set_officials(s, admin, small, kepala="SUPARNO HADI WIBOWO", sekretaris="ENDAH LESTARI")
        assign(s, admin, small, "Budi Santoso", peran="PSM")
    with db.transaction() as s:
        for i, purpose in enumerate(["Undangan rapat koordinasi PKH", "Laporan bulanan penyaluran BPNT",
                                     "Permohonan data Disdukcapil", "Surat tugas verifikasi lapangan",
                                     "Undangan musyawarah desa Sengon"]):
            register.take_number(s, admin, "surat_keluar", purpose, when=DAY)
    with db.transaction() as s:
        entry = register.list_register(s, year=2026, doc_type="surat_keluar")[1]
        register.void(s, admin, entry.nomor, "surat tidak jadi dikirim", year=2026)
    made: list[Path] = []
    for kertas in ("A4", "F4"):  # every document takes the paper from the office profile
        with db.transaction() as s:
            office.set_values(s, admin, {"kertas": kertas})
        with db.transaction() as s:
            sk = issued.issue(s, admin, "surat_keterangan", family, purpose=f"SK terdaftar DTKS {family['nama']}",
                              when=DAY)
            target = OUT / f"surat_keterangan_{kertas}.pdf"
            target.write_bytes(sk.pdf)
            made.append(target)
        with db.transaction() as s:
            ag = issued.print_agenda(s, admin, year=2026, when=DAY)
            target = OUT / f"agenda_surat_{kertas}.pdf"
            target.write_bytes(ag.doc.pdf)
            made.append(target)
        target = OUT / f"rekap_pemadanan_{kertas}.pdf"
        reports.write_summary_pdf(db, target, when=DAY, actor=admin)
        made.append(target)
        target = OUT / f"daftar_pemadanan_desa_{kertas}.pdf"
        reports.write_village_lists_pdf(db, target, desa=desa[:8], actor=admin, when=DAY)
        made.append(target)
        target = OUT / f"lembar_kerja_verifikasi_{kertas}.pdf"
        with db.transaction() as s:
            write_worksheet_pdf(s, admin, small, target, when=DAY)
        made.append(target)
    for old in list(OUT.glob("*.png")) + [OUT / "lembar_kerja_verifikasi.pdf"]:
        old.unlink(missing_ok=True)
    for pdf in made:
        _pngs(pdf)
        print(pdf.name)
    db.dispose()
    print(f"Contoh dokumen ditulis ke {OUT} (kecamatan contoh: {kec})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
