"""Render the Pengajuan page offscreen to ``docs/screenshots/submission.png``.

    QT_QPA_PLATFORM=offscreen python docs/screenshots/make_submission_screenshot.py

A temporary SQLite database is filled with the demo kabupaten (``demo.loader``, fictitious) and
the matching is run; the three desa with the most families of one kecamatan get field findings
(a few deceased or moved), a proposed family, a Musdes whose Berita Acara is printed and comes
back (final decisions). Then, all through the services: an operator builds a BPNT removal batch
for the first desa, a supervisor approves it and it is exported; the operator builds the BPNT
removal batch of the whole kecamatan (the first desa's people are left out: already in another
open batch) and submits it, and a PKH new-proposal batch stays a draft. The page is shown in the
main window at 1280x800 to a second supervisor with the submitted batch selected.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

OUT = Path(__file__).resolve().parent
if __name__ == "__main__":  # not again in the importer's spawned worker processes
    _TMP = Path(tempfile.mkdtemp(prefix="dtks-submission-shots-"))
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["DTKS_DATA_DIR"] = str(_TMP / "data")
    os.environ["DTKS_CONFIG_DIR"] = str(_TMP / "config")
    os.environ.pop("DTKS_DATABASE_URL", None)

from PySide6.QtWidgets import QApplication, QMessageBox  # noqa: E402


def settle(app: QApplication, seconds: float = 0.3) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", type=Path, default=OUT)
    p.add_argument("--people", type=int, default=8000)
    args = p.parse_args(argv)

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setStyle("Fusion")
    QMessageBox.exec = lambda box: print(f"  (pesan) {box.text()}") or QMessageBox.StandardButton.Ok
    from sqlalchemy import func, select

    from dtks_desktop import config
    from dtks_desktop.db.models import Household, Member
    from dtks_desktop.domain.submission import KIND_LABELS, TARGET_LABELS, Kind, Target
    from dtks_desktop.demo.loader import load_demo
    from dtks_desktop.services.core import settings
    from dtks_desktop.services.core.database import open_database
    from dtks_desktop.services.core.users import create_user
    from dtks_desktop.services.documents import officials, signers
    from dtks_desktop.services.matching.run import run_matching
    from dtks_desktop.services.musdes import meetings, printing
    from dtks_desktop.services.submission import approval, batches, outputs
    from dtks_desktop.services.verification import findings, proposals
    from dtks_desktop.views.common.context import AppContext
    from dtks_desktop.views.shell.main_window import KEY_SUBMISSION, MainWindow

    print("Demo kabupaten, matching, findings, Musdes…")
    db = open_database(config.sqlite_url(_TMP / "dtks.sqlite"))
    with db.transaction() as s:
        admin = create_user(s, "admin", "rahasia-admin-1", "admin", full_name="Siti Rahmawati, S.Kom")
        sri = create_user(s, "sri.wahyuni", "rahasia-sri-1", "operator", full_name="Sri Wahyuni", by=admin)
        budi = create_user(s, "budi.kabid", "rahasia-budi-1", "supervisor", full_name="Budi Santoso, S.Sos", by=admin)
        dewi = create_user(s, "dewi.kadis", "rahasia-dewi-1", "supervisor", full_name="Dewi Lestari, M.Si", by=admin)
        settings.put(s, admin, settings.OFFICE_NAME, "Dinas Sosial Kabupaten Klaten")
    load_demo(db, admin, people=args.people, seed=4)
    run_matching(db, admin)
    with db.sessions() as s:
        per_desa = s.execute(select(Household.desa_kode, func.count()).where(Household.desa_kode.like("%.2%"))
                             .group_by(Household.desa_kode).order_by(func.count().desc())).all()
        kec = per_desa[0][0].rsplit(".", 1)[0]
        desas = [d for d, _n in per_desa if d.startswith(kec + ".")][:3]
        fams = {d: s.execute(select(Household.id).where(Household.desa_kode == d).order_by(Household.id))
                .scalars().all() for d in desas}
        members = {}
        for hid, mid in s.execute(select(Member.household_id, Member.id).join(Household)
                                  .where(Household.desa_kode.in_(desas))):
            members.setdefault(hid, []).append(mid)
    rnd = random.Random(7)
    today = date.today()
    visit = today - timedelta(days=12)
    with db.transaction() as s:
        sig = signers.add_signer(s, admin, nama="SUGENG RIYANTO, S.Sos., M.Si.", nip="197003121990031004",
                                 pangkat="Pembina (IV/a)", jabatan="Camat")
        signers.use_signer(s, admin, "berita_acara_musdes", sig.id)
        for n, d in enumerate(desas):
            for hid in fams[d][: int(len(fams[d]) * 0.8)]:
                ms = []
                for mid in members.get(hid, []):
                    x = rnd.random()
                    keb = "meninggal" if x < 0.05 else ("pindah_dalam_negeri" if x < 0.11 else "ada")
                    ms.append(findings.MemberEntry(mid, keb))
                findings.save_family(s, admin, findings.FamilyEntry(hid, "layak", tanggal_kunjungan=visit,
                                                                    petugas="Siti Aminah", members=ms))
            nama, nik = (("SUMARNI", "3310014101520003"), ("PAIJO", "3310010101480007"),
                         ("TUKINEM", "3310014502550011"))[n]
            proposals.create_proposal(s, admin, proposals.ProposalInput(
                d, [proposals.ProposedPerson(nama, nik, hubungan=1)], alamat="Dukuh Krajan", rt="002", rw="003",
                alasan="lansia tunggal, belum terdaftar"))
            officials.set_officials(s, admin, d, kepala="SUPARNO", ketua_bpd="H. MUHAMMAD YUSUF",
                                    sekretaris="RINA WULANDARI")
    for n, d in enumerate(desas):
        with db.transaction() as s:
            meetings.create_meeting(s, sri, d, today - timedelta(days=8 - n), "09:00", "Balai Desa")
        printing.print_desa(db, sri, d, _TMP / f"ba_{n}.pdf")
        with db.transaction() as s:
            meetings.finalize(s, budi, d, today - timedelta(days=5 - n))

    print("Batches…")
    with db.transaction() as s:
        first = batches.create_batch(s, sri, "kemensos", "BPNT", "hapus", desa=desas[0])
        approval.submit(s, sri, first.id)
    with db.transaction() as s:
        approval.approve(s, budi, first.id, note="Sesuai Berita Acara")
    outputs.export_batch(db, sri, first.id, _TMP / "kirim")
    with db.transaction() as s:
        second = batches.create_batch(s, sri, "kemensos", "BPNT", "hapus", kecamatan=kec)
        approval.submit(s, sri, second.id)
    with db.transaction() as s:
        try:
            batches.create_batch(s, sri, "kemensos", "PKH", "usulan_baru", kecamatan=kec)
        except Exception as exc:  # noqa: BLE001 - no new proposals in the scope: only the two batches
            print(f"  (no PKH batch: {exc})")

    ctx = AppContext(db, dewi)
    window = MainWindow(ctx)
    window.resize(1280, 800)
    window.show()
    window.show_page(KEY_SUBMISSION)
    view = window.page(KEY_SUBMISSION)
    view.wait_idle()
    row = next(r for r, b in enumerate(view.batches) if b.id == second.id)
    view.list.selectRow(row)
    view.wait_idle()
    settle(app, 0.5)
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "submission.png"
    pix = window.grab()
    if not pix.save(str(path)):
        raise SystemExit(f"cannot write {path}")
    print(f"  {path}  {pix.width()}x{pix.height()}  (kecamatan {kec}, batch #{second.id}: {second.rows} baris)")
    window.close()

    # The operator's "Buat batch…" dialog, scope one kecamatan.
    from dtks_desktop.views.submission.dialogs import CreateBatchDialog
    from dtks_desktop.views.submission.submission_view import SubmissionView

    page = SubmissionView(AppContext(db, sri))
    page.wait_idle()
    dlg = CreateBatchDialog(db, [(t, label) for t, label in ((x.value, TARGET_LABELS[x]) for x in Target)],
                            page.programmes, [(k.value, KIND_LABELS[k]) for k in Kind], page.kecamatan)
    dlg.programme.setCurrentIndex(dlg.programme.findData("BPNT"))
    dlg.kind.setCurrentIndex(dlg.kind.findData("hapus"))
    dlg.kec.setCurrentIndex(dlg.kec.findData(kec))
    dlg.show()
    settle(app, 0.8)
    path = args.out / "submission_create.png"
    if not dlg.grab().save(str(path)):
        raise SystemExit(f"cannot write {path}")
    print(f"  {path}")
    dlg.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
