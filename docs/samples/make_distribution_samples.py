"""Sample distribution documents from demo data (issue 14): a BPNT period (cash, Rp 600.000 per KPM)
whose KPM are the family heads of the demo kabupaten, gathered into three desa, cleaned (every
seventh returned), with a distribution point and one-hour slots per desa; then every document
of ``dtks dist print``: Daftar Nominatif, Surat Undangan (six cards a page with a QR code),
Daftar Tanda Terima, BAST, the returned list, the recap for Dinas Sosial; and a BANPANGAN period
(beras 10 kg) for the recap for Disperindag/Bulog. PNG previews (pdfium, 60 dpi) of the first
page, and of the last page of the receipt list (totals and signatures).

    python docs/samples/make_distribution_samples.py
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from pypdf import PdfReader  # noqa: E402

from dtks_desktop.config import sqlite_url  # noqa: E402
from dtks_desktop.documents.raster import pdf_page_png  # noqa: E402
from dtks_desktop.services.core.database import open_database  # noqa: E402
from dtks_desktop.services.core.users import create_user  # noqa: E402
from dtks_desktop.services.distribution.printing import print_documents  # noqa: E402
from dtks_desktop.services.documents import officials, signers  # noqa: E402
from tests.distribution.fixtures_docs import demo_period  # noqa: E402

KEPALA = ("SUPARNO", "Hj. SITI MARYAM", "BAMBANG SUTRISNO")


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="dtks-dist-samples-"))
    db = open_database(sqlite_url(tmp / "contoh.sqlite"), create=True)
    with db.transaction() as s:
        admin = create_user(s, "admin", "rahasia-admin-1", "admin")
    cash = demo_period(db, admin, people=2000)
    goods = demo_period(db, admin, goods=True, load=False, period="Tahap 1 2027")
    with db.transaction() as s:
        kadis = signers.add_signer(s, admin, nama="Drs. SUGENG WIBOWO, M.Si.", nip="196805121990031004",
                                   pangkat="Pembina Utama Muda (IV/c)", jabatan="Kepala Dinas Sosial")
        signers.use_signer(s, admin, "default", kadis.id)
        for kode, nama in zip(cash["desa"], KEPALA):
            officials.set_officials(s, admin, kode, kepala=nama)
    desa = cash["desa"][0]
    made = []
    for what, name, period, where in (("nominatif", "dist_daftar_nominatif", cash, desa),
                                      ("undangan", "dist_surat_undangan", cash, desa),
                                      ("tanda-terima", "dist_daftar_tanda_terima", cash, desa),
                                      ("bast", "dist_bast", cash, desa),
                                      ("dikembalikan", "dist_daftar_dikembalikan", cash, desa),
                                      ("rekap", "dist_rekap_dinsos", cash, None),
                                      ("rekap", "dist_rekap_bulog", goods, None)):
        res = print_documents(db, admin, period["period_id"], what, tmp / name, desa=where)
        target = HERE / f"{name}.pdf"
        shutil.copyfile(res.files[0], target)
        pdf = target.read_bytes()
        pages = [1]
        if what == "tanda-terima":
            pages.append(len(PdfReader(str(target)).pages))
        for p in pages:
            (HERE / f"{name}-{p}.png").write_bytes(pdf_page_png(pdf, p - 1, dpi=60))
        made.append(f"{target.name} ({res.pages} halaman)")
    db.dispose()
    print("\n".join(made))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
