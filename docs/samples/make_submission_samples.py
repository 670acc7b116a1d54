"""Sample submission-batch outputs from demo data (issue 13): a removal batch (usulan hapus) of two
desa whose Musdes is final, approved by a second supervisor and exported: the upload .xlsx, the
Surat Pengantar, the recap per kecamatan/desa and the draft Surat Pengesahan; PNG previews of the
first page (pdftoppm -r 50).

    python docs/samples/make_submission_samples.py
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1]))

from make_musdes_samples import PEOPLE, findings_for, pick  # noqa: E402

from dtks_desktop.config import sqlite_url  # noqa: E402
from dtks_desktop.demo.loader import load_demo  # noqa: E402
from dtks_desktop.services.core import settings  # noqa: E402
from dtks_desktop.services.core.database import open_database  # noqa: E402
from dtks_desktop.services.core.users import create_user  # noqa: E402
from dtks_desktop.services.documents import officials, signers  # noqa: E402
from dtks_desktop.services.matching.run import run_matching  # noqa: E402
from dtks_desktop.services.musdes import meetings, printing  # noqa: E402
from dtks_desktop.services.submission import approval, batches, outputs  # noqa: E402


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="dtks-submission-samples-"))
    db = open_database(sqlite_url(tmp / "contoh.sqlite"), create=True)
    with db.transaction() as s:
        admin = create_user(s, "admin", "rahasia-admin-1", "admin")
        op = create_user(s, "operator1", "rahasia-operator", "operator", full_name="Sri Wahyuni", by=admin)
        sup = create_user(s, "kabid", "rahasia-kabid-1", "supervisor", full_name="Ir. HARYANTO", by=admin)
    load_demo(db, admin, people=2000)
    run_matching(db, admin)
    with db.transaction() as s:
        settings.put(s, admin, "verify.putaran", "2026-12")
        desa, kel = pick(s, False), pick(s, True)
        kadis = signers.add_signer(s, admin, nama="Drs. SUGENG WIBOWO, M.Si.", nip="196805121990031004",
                                   pangkat="Pembina Utama Muda (IV/c)", jabatan="Kepala Dinas Sosial")
        signers.use_signer(s, admin, "surat_pengantar_batch", kadis.id)
        signers.use_signer(s, admin, "rekap_batch", kadis.id)
        camat = signers.add_signer(s, admin, nama="SUGENG RIYANTO, S.Sos., M.Si.", nip="197003121990031004",
                                   pangkat="Pembina (IV/a)", jabatan="Camat")
        signers.use_signer(s, admin, "berita_acara_musdes", camat.id)
        for kode in (desa, kel):
            officials.set_officials(s, admin, kode, kepala="SUPARNO", ketua_bpd="H. MUHAMMAD YUSUF",
                                    sekretaris="RINA WULANDARI")
    for kode in (desa, kel):
        findings_for(db, admin, kode)
        with db.transaction() as s:
            m = meetings.create_meeting(s, admin, kode, date(2026, 12, 4), "09:00", "Balai Desa")
            meetings.set_participants(s, admin, m.id, PEOPLE)
        printing.print_desa(db, admin, kode, tmp / f"ba-{kode}.pdf")
        with db.transaction() as s:
            meetings.finalize(s, admin, kode, date.today())
    with db.transaction() as s:
        v = batches.create_batch(s, op, "kemensos", "PKH", "hapus")
        approval.submit(s, op, v.id)
    with db.transaction() as s:
        approval.approve(s, sup, v.id, note="Sesuai berita acara")
    res = outputs.export_batch(db, op, v.id, tmp / "keluar")
    names = {"unggah.xlsx": "batch_unggah_kemensos.xlsx", "surat-pengantar.pdf": "batch_surat_pengantar.pdf",
             "rekap.pdf": "batch_rekap.pdf", "draf-pengesahan.pdf": "batch_draf_pengesahan.pdf"}
    for f in res.files:
        suffix = f.name.split(f"-{v.kind}-", 1)[1]
        target = HERE / names[suffix]
        shutil.copyfile(f, target)
        if target.suffix == ".pdf":
            subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", str(target),
                            str(target.with_suffix(""))], check=True)
        print(target.name)
    print("batch", v.id, v.rows, "rows", v.excluded, "nomor", res.nomor)
    db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
