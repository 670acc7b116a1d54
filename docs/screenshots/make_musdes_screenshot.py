"""Render the Musdes/Muskel page offscreen to ``docs/screenshots/musdes.png``.

    QT_QPA_PLATFORM=offscreen python docs/screenshots/make_musdes_screenshot.py

A temporary SQLite database is filled with the demo kabupaten (``demo.loader``, fictitious), the
matching is run, and the desa with the most families gets field findings for most of them (a
few deceased, moved or well-off), a proposed family, its village officials and a Camat as
signatory. A clerk's meeting is recorded with its daftar hadir; the page is then shown in the
main window at 1280x800 with that desa selected and one decision changed from the keyboard.
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
    _TMP = Path(tempfile.mkdtemp(prefix="dtks-musdes-shots-"))
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
    p.add_argument("--people", type=int, default=4000)
    args = p.parse_args(argv)

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setStyle("Fusion")
    QMessageBox.exec = lambda box: print(f"  (pesan) {box.text()}") or QMessageBox.StandardButton.Ok
    from sqlalchemy import func, select

    from dtks_desktop import config
    from dtks_desktop.db.models import Household, Member
    from dtks_desktop.demo.loader import load_demo
    from dtks_desktop.services.core import settings
    from dtks_desktop.services.core.database import open_database
    from dtks_desktop.services.core.users import create_user
    from dtks_desktop.services.documents import officials, signers
    from dtks_desktop.services.matching.run import run_matching
    from dtks_desktop.services.musdes import meetings
    from dtks_desktop.services.musdes.common import Participant
    from dtks_desktop.services.verification import findings, proposals
    from dtks_desktop.views.common.context import AppContext
    from dtks_desktop.views.musdes.decisions_table import COL_DECISION
    from dtks_desktop.views.shell.main_window import KEY_MUSDES, MainWindow

    print("Demo kabupaten, matching, findings…")
    db = open_database(config.sqlite_url(_TMP / "dtks.sqlite"))
    with db.transaction() as s:
        admin = create_user(s, "admin", "rahasia-admin-1", "admin", full_name="Siti Rahmawati, S.Kom")
        sri = create_user(s, "sri.wahyuni", "rahasia-sri-1", "operator", full_name="Sri Wahyuni", by=admin)
        settings.put(s, admin, settings.OFFICE_NAME, "Dinas Sosial Kabupaten Klaten")
    load_demo(db, admin, people=args.people, seed=4)
    run_matching(db, admin)
    with db.sessions() as s:
        desa = s.execute(select(Household.desa_kode, func.count()).where(Household.desa_kode.like("%.2%"))
                         .group_by(Household.desa_kode).order_by(func.count().desc())).first()[0]
        fams = s.execute(select(Household.id).where(Household.desa_kode == desa).order_by(Household.id)).scalars().all()
        members = {}
        for hid, mid, hub in s.execute(select(Member.household_id, Member.id, Member.hubungan)
                                       .join(Household).where(Household.desa_kode == desa)):
            members.setdefault(hid, []).append((mid, hub))
    rnd = random.Random(7)
    today = date.today()
    visit = today - timedelta(days=6)
    with db.transaction() as s:
        for hid in fams[: int(len(fams) * 0.8)]:
            kel = "mampu" if rnd.random() < 0.06 else "layak"
            ms = []
            for mid, hub in members.get(hid, []):
                x = rnd.random()
                keb = "meninggal" if x < 0.03 else ("pindah_dalam_negeri" if x < 0.06 else "ada")
                ms.append(findings.MemberEntry(mid, keb))
            findings.save_family(s, admin, findings.FamilyEntry(hid, kel, tanggal_kunjungan=visit,
                                                                petugas="Siti Aminah", members=ms))
        proposals.create_proposal(s, admin, proposals.ProposalInput(
            desa, [proposals.ProposedPerson("SUMARNI", "3310014101920003", hubungan=1)], alamat="Dukuh Krajan",
            rt="002", rw="003", alasan="janda lansia, belum terdaftar"))
        officials.set_officials(s, admin, desa, kepala="SUPARNO", ketua_bpd="H. MUHAMMAD YUSUF",
                                sekretaris="RINA WULANDARI")
        sig = signers.add_signer(s, admin, nama="SUGENG RIYANTO, S.Sos., M.Si.", nip="197003121990031004",
                                 pangkat="Pembina (IV/a)", jabatan="Camat")
        signers.use_signer(s, admin, "berita_acara_musdes", sig.id)
        m = meetings.create_meeting(s, sri, desa, today - timedelta(days=2), "09:00", "Balai Desa")
        meetings.set_participants(s, sri, m.id, [
            Participant("SUPARNO", "perangkat_desa", "Kepala Desa"),
            Participant("RINA WULANDARI", "perangkat_desa", "Sekretaris Desa"),
            Participant("H. MUHAMMAD YUSUF", "bpd", "Ketua BPD"),
            Participant("KH. ABDUL GHONI", "tokoh_agama", "Ulama"),
            Participant("H. SUTOYO", "tokoh_masyarakat", ""),
            Participant("SAMIRAN", "rt_rw", "Ketua RW 03"),
            Participant("SITI AMINAH", "psm_tksk", "PSM"),
            Participant("DWI LESTARI", "pendamping_pkh", "Pendamping PKH")])

    ctx = AppContext(db, sri)
    window = MainWindow(ctx)
    window.resize(1280, 800)
    window.show()
    window.show_page(KEY_MUSDES)
    view = window.page(KEY_MUSDES)
    view.wait_idle()
    view.kec.setCurrentIndex(view.kec.findData(desa.rsplit(".", 1)[0]))
    view.wait_idle()
    view.desa.setCurrentIndex(view.desa.findData(desa))
    view.wait_idle()
    # One decision changed from the keyboard: the third row moved away.
    r = 2
    view.table.setFocus()
    view.table.setCurrentIndex(view.model.index(r, COL_DECISION))
    view.model.setData(view.model.index(r, COL_DECISION), "hapus:pindah")
    view.wait_idle()
    view.table.setCurrentIndex(view.model.index(r + 1, COL_DECISION))
    settle(app, 0.5)
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "musdes.png"
    pix = window.grab()
    if not pix.save(str(path)):
        raise SystemExit(f"cannot write {path}")
    print(f"  {path}  {pix.width()}x{pix.height()}  (desa {desa}, {view.model.total} keputusan)")
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
