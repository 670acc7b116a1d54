"""Sample Musdes/Muskel documents from demo data (issue 12): the Berita Acara with desa wording and
with kelurahan wording (each with Lampiran I–III and the daftar hadir), the lampiran and the daftar
hadir on their own pages, and an SPTJM; PNG previews of the first two pages (pdftoppm -r 50).

    python docs/samples/make_musdes_samples.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from sqlalchemy import func, select  # noqa: E402

from dtks_desktop.config import sqlite_url  # noqa: E402
from dtks_desktop.db.models import Household, Member  # noqa: E402
from dtks_desktop.demo.loader import load_demo  # noqa: E402
from dtks_desktop.services.core import settings  # noqa: E402
from dtks_desktop.services.core.database import open_database  # noqa: E402
from dtks_desktop.services.core.users import create_user  # noqa: E402
from dtks_desktop.services.documents import officials, signers  # noqa: E402
from dtks_desktop.services.matching.run import run_matching  # noqa: E402
from dtks_desktop.services.musdes import meetings, printing  # noqa: E402
from dtks_desktop.services.musdes.common import Participant  # noqa: E402
from dtks_desktop.services.verification import findings, proposals  # noqa: E402

PEOPLE = [Participant("H. MUHAMMAD YUSUF", "bpd", "Ketua BPD"), Participant("RINA WULANDARI", "perangkat_desa",
          "Sekretaris"), Participant("KH. ABDUL GHONI", "tokoh_agama", "Ulama"),
          Participant("H. SUTOYO", "tokoh_masyarakat", "Sesepuh"), Participant("SAMIRAN", "rt_rw", "Ketua RW 01"),
          Participant("SITI AMINAH", "psm_tksk", "PSM"), Participant("DEWI KARTIKA", "pendamping_pkh", "Pendamping PKH")]


def pick(session, kelurahan: bool) -> str:
    q = (select(Household.desa_kode, func.count()).group_by(Household.desa_kode).order_by(func.count().desc()))
    for kode, _ in session.execute(q):
        if (kode[9] == "1") == kelurahan:
            return kode
    raise SystemExit("no desa of that kind in the demo data")


def findings_for(db, admin, desa: str) -> None:
    with db.sessions() as s:
        fams = s.execute(select(Household.id).where(Household.desa_kode == desa).order_by(Household.id).limit(12)
                         ).scalars().all()
        members = {h: s.execute(select(Member.id).where(Member.household_id == h).order_by(Member.id)).scalars().all()
                   for h in fams}
    visit = date(2026, 12, 1)
    words = ["meninggal", "pindah dalam negeri", "ada", "tidak ditemukan", "ganda", "ada"]
    with db.transaction() as s:
        for i, h in enumerate(fams):
            ms = members[h]
            entries = [findings.MemberEntry(m, "ada") for m in ms]
            if i < len(words) and ms:
                entries[-1] = findings.MemberEntry(ms[-1], words[i])
            if i in (6, 7) and ms:
                entries[0] = findings.MemberEntry(ms[0], "ada", koreksi_nama="NAMA DIPERBAIKI " + str(i))
            findings.save_family(s, admin, findings.FamilyEntry(h, "mampu" if i in (8, 9) else "layak",
                                                                tanggal_kunjungan=visit, petugas="Siti Aminah",
                                                                members=entries))
        proposals.create_proposal(s, admin, proposals.ProposalInput(
            desa, [proposals.ProposedPerson("WARSITO", "3310010101900002", hubungan=1),
                   proposals.ProposedPerson("SUMIYATI", "3310014101920003", hubungan=2)],
            no_kk="3310019999990001", alamat="Dukuh Tegal", rt="004", rw="001", alasan="keluarga miskin baru"))


def png(pdf: Path) -> None:
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "2", str(pdf), str(pdf.with_suffix(""))],
                   check=True)


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="dtks-musdes-samples-"))
    db = open_database(sqlite_url(tmp / "contoh.sqlite"), create=True)
    with db.transaction() as s:
        admin = create_user(s, "admin", "rahasia-admin-1", "admin")
    load_demo(db, admin, people=2000)
    run_matching(db, admin)
    with db.transaction() as s:
        settings.put(s, admin, "verify.putaran", "2026-12")
        desa, kel = pick(s, False), pick(s, True)
        others = [k for k in s.execute(select(Household.desa_kode).distinct()).scalars() if k not in (desa, kel)]
        sig = signers.add_signer(s, admin, nama="SUGENG RIYANTO, S.Sos., M.Si.", nip="197003121990031004",
                                 pangkat="Pembina (IV/a)", jabatan="Camat")
        signers.use_signer(s, admin, "berita_acara_musdes", sig.id)
        officials.set_officials(s, admin, desa, kepala="SUPARNO", ketua_bpd="H. MUHAMMAD YUSUF",
                                sekretaris="RINA WULANDARI")
        officials.set_officials(s, admin, kel, kepala="Drs. BAMBANG SETIAWAN", ketua_bpd="AGUS SALIM",
                                sekretaris="DEWI LESTARI")
        officials.set_officials(s, admin, others[0], kepala="WIDODO")
    findings_for(db, admin, desa)
    findings_for(db, admin, kel)
    for kode in (desa, kel):
        with db.transaction() as s:
            m = meetings.create_meeting(s, admin, kode, date(2026, 12, 4), "09:00",
                                        "Balai " + ("Kelurahan" if kode == kel else "Desa"))
            meetings.set_participants(s, admin, m.id, PEOPLE)
    outs = {"musdes_berita_acara_desa.pdf": desa, "musdes_berita_acara_kelurahan.pdf": kel}
    for name, kode in outs.items():
        res = printing.print_desa(db, admin, kode, HERE / name)
        print(name, res.nomor, res.pages, "pages")
    # the lampiran and the daftar hadir of the desa on their own (the issued documents as stored)
    from dtks_desktop.db.models import IssuedDocument
    with db.sessions() as s:
        for doc_type, name in (("lampiran_musdes", "musdes_lampiran.pdf"), ("daftar_hadir_musdes",
                                                                          "musdes_daftar_hadir.pdf")):
            doc = s.execute(select(IssuedDocument).where(IssuedDocument.doc_type == doc_type)
                            .order_by(IssuedDocument.id)).scalars().first()
            (HERE / name).write_bytes(doc.pdf)
    printing.print_sptjm(db, admin, others[0], HERE / "musdes_sptjm.pdf", when=date(2026, 12, 4))
    for name in ("musdes_berita_acara_desa.pdf", "musdes_berita_acara_kelurahan.pdf", "musdes_lampiran.pdf",
                 "musdes_daftar_hadir.pdf", "musdes_sptjm.pdf"):
        png(HERE / name)
    db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
