"""Matching reports: the summary per kecamatan/desa and the lists the villages must fix.

Runs on SQLite and, with DTKS_TEST_DATABASE_URL, on PostgreSQL. The PDF checks read the text
with pdftotext and render the first page with pdftoppm (poppler-utils; CI installs it).
"""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from reportlab.lib.units import mm

from dtks_desktop.db.bulk import bulk_insert
from dtks_desktop.documents.layout import Column, PageTable, TableSpec, paged_tables
from dtks_desktop.documents.letterhead import make_letterhead
from dtks_desktop.services.matching import reports as R
from dtks_desktop.services.core import settings
from dtks_desktop.services.core.registry import FamilyRecord, MemberRecord, bulk_add_families

SENGON, KOTESAN = "33.10.01.2001", "33.10.01.2003"  # Kecamatan Prambanan
GENTAN = "33.10.02.2001"  # Kecamatan Gantiwarno
BARENGLOR = "33.10.24.1002"  # a kelurahan in Klaten Utara
SEMARANG = "33.74.01.1001"  # another kota: never in Klaten's summary

needs_poppler = pytest.mark.skipif(not (shutil.which("pdftotext") and shutil.which("pdftoppm")),
                                   reason="poppler-utils (pdftotext, pdftoppm) not installed")


def nik(i: int) -> str:
    return f"331001{(i % 28) + 1:02d}0190{i:04d}"


def make_registry(db, statuses: dict[str, list[str]], *, decisions: dict[int, str] | None = None,
                  no_nik: set[int] = frozenset(), per_family: int = 4):
    """Families in the given villages, one member per status; returns [(member id, nik, status)]."""
    fams, plan, i = [], [], 0
    for desa, sts in statuses.items():
        for k in range(0, len(sts), per_family):
            part = sts[k:k + per_family]
            members = []
            for s in part:
                i += 1
                members.append(MemberRecord(f"WARGA {i:04d}", nik=None if i in no_nik else nik(i),
                                            tanggal_lahir=date(1990, 1, (i % 28) + 1),
                                            hubungan=1 if not members else 3))
                plan.append((i, s))
            fams.append(FamilyRecord(no_kk=f"33100101012{i:05d}", desa_kode=desa, alamat=f"Dk. Krajan {i}",
                                     rt=f"{(k // per_family) % 9 + 1:03d}", rw="002", members=members))
    with db.transaction() as s:
        res = bulk_add_families(s, fams)
        rows, out = [], []
        for offset, (i, st) in enumerate(plan):
            mid = res.first_member_id + offset
            proposed = nik(i)[:-4] + "9999" if st == "usulan_koreksi" else None
            rows.append((mid, st, 1.0, proposed, 9, (decisions or {}).get(i), 1))
            out.append((mid, None if i in no_nik else nik(i), st, proposed))
        bulk_insert(s, "match_results", ["member_id", "status", "score", "nik_matched", "priority", "decision",
                                         "version"], rows)
    return out


@pytest.fixture
def office(db, admin):
    with db.transaction() as s:
        settings.put(s, admin, settings.KAB_KODE, "33.10")
        settings.put(s, admin, settings.OFFICE_NAME, "Dinas Sosial Kabupaten Klaten")
    return admin


@pytest.fixture
def matched(db, office):
    return make_registry(db, {
        SENGON: ["padan"] * 5 + ["padan_catatan", "usulan_koreksi", "tidak_padan", "tidak_padan"],
        KOTESAN: ["padan"] * 3 + ["ganda", "nik_orang_lain", "tidak_padan"],
        GENTAN: ["padan"] * 2 + ["usulan_koreksi"],
        BARENGLOR: ["padan", "tidak_padan"],
        SEMARANG: ["tidak_padan"] * 3,
    })


def pdf_text(path: Path, first: int | None = None, last: int | None = None) -> str:
    args = ["pdftotext", "-layout"]
    if first:
        args += ["-f", str(first), "-l", str(last or first)]
    return subprocess.run(args + [str(path), "-"], capture_output=True, text=True, check=True).stdout


def render_first_page(pdf: Path, tmp_path: Path) -> Path:
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
                   check=True)
    pngs = sorted(tmp_path.glob("page*.png"))
    assert pngs and pngs[0].stat().st_size > 5000
    return pngs[0]


# --- summary -----------------------------------------------------------------------------------


def test_summary_rows_per_desa_with_kecamatan_and_totals(db, matched):
    with db.sessions() as s:
        rows = R.summary_rows(s, "33.10")
    assert [(r.kecamatan, r.desa) for r in rows] == [("Prambanan", "Sengon"), ("Prambanan", "Kotesan"),
                                                      ("Gantiwarno", "Gentan"), ("Klaten Utara", "Barenglor")]
    sengon = rows[0]
    assert sengon.total == 9 and sengon.counts["padan"] == 5 and sengon.counts["tidak_padan"] == 2
    assert sengon.padan == 6 and round(sengon.padan_pct, 1) == 66.7
    groups, total = R.group_summary(rows)
    assert [(g.nama, g.subtotal.total) for g in groups] == [("Prambanan", 15), ("Gantiwarno", 3), ("Klaten Utara", 2)]
    assert total.total == 20 and total.counts["tidak_padan"] == 4 and total.counts["ganda"] == 1


def test_corrected_niks_have_their_own_column_and_count_as_padan(db, office):
    """A correction accepted by a clerk or restored by the machine is no longer "usulan koreksi"."""
    make_registry(db, {SENGON: ["padan", "usulan_koreksi", "usulan_koreksi", "usulan_koreksi", "nik_orang_lain"]},
                  decisions={2: "otomatis", 3: "diterima", 4: "ditolak", 5: "diterima"})
    with db.sessions() as s:
        (row,) = R.summary_rows(s, "33.10")
    assert row.counts[R.DIKOREKSI] == 3 and row.counts["usulan_koreksi"] == 1 and row.counts["nik_orang_lain"] == 0
    assert row.total == 5 and row.padan == 4 and round(row.padan_pct) == 80


def test_summary_xlsx_totals(db, matched, tmp_path):
    res = R.write_summary_xlsx(db, tmp_path / "rekap.xlsx")
    assert res.rows == 4 and res.villages == 4
    wb = load_workbook(res.path, read_only=True)
    ws = wb["Per desa"]
    rows = [r for r in ws.iter_rows(values_only=True)]
    assert rows[0][0] == R.TITLE_SUMMARY and rows[1][0] == "Kabupaten Klaten"
    head = rows[4]
    assert head[:4] == ("No", "Kecamatan", "Desa/Kelurahan", "Jumlah ART") and head[-1] == "% Padan"
    assert list(head[4:11]) == [R.REPORT_LABELS[s] for s in R.REPORT_COLUMNS]
    assert head[6] == "NIK dikoreksi"
    body = {r[2]: r for r in rows[5:]}
    assert body["Sengon"][3:11] == (9, 5, 1, 0, 1, 0, 0, 2)
    assert body["Jumlah Kecamatan Prambanan"][3] == 15
    total = rows[-1]
    assert total[2] == "JUMLAH KABUPATEN KLATEN" and total[3] == 20 and total[10] == 4
    assert abs(total[11] - 12 / 20) < 1e-9  # 11 padan + 1 padan dengan catatan
    # The per-desa rows add up to the total in every status column.
    desa_rows = [r for r in rows[5:-1] if isinstance(r[0], int)]
    for c in range(3, 11):
        assert sum(r[c] for r in desa_rows) == total[c]
    kec = [r for r in wb["Per kecamatan"].iter_rows(min_row=6, values_only=True)]
    assert [(r[1], r[2], r[3]) for r in kec] == [("Prambanan", 2, 15), ("Gantiwarno", 1, 3),
                                                  ("Klaten Utara", 1, 2), ("JUMLAH", 4, 20)]


@needs_poppler
def test_summary_pdf_letterhead_title_numbering_signature(db, matched, office, tmp_path):
    with db.transaction() as s:
        settings.put(s, office, R.KEPALA_NAMA, "Drs. BAMBANG SUTRISNO, M.Si.")
        settings.put(s, office, R.KEPALA_NIP, "196801121993031007")
    res = R.write_summary_pdf(db, tmp_path / "rekap.pdf", when=date(2026, 8, 17))
    text = pdf_text(res.path)
    assert "PEMERINTAH KABUPATEN KLATEN" in text and "DINAS SOSIAL" in text
    assert R.TITLE_SUMMARY in text and "17 Agustus 2026" in text
    assert "Kecamatan Prambanan" in text and "Jumlah Kec. Prambanan" in text and "JUMLAH" in text
    assert f"Halaman 1 dari {res.pages}" in text
    assert "Klaten, 17 Agustus 2026" in text and "KEPALA DINAS SOSIAL" in text
    assert "Drs. BAMBANG SUTRISNO, M.Si." in text and "NIP. 196801121993031007" in text
    assert "Semarang" not in text and "Miroto" not in text
    render_first_page(res.path, tmp_path)


@needs_poppler
def test_summary_pdf_leaves_blank_signature_lines_when_not_set(db, matched, tmp_path):
    res = R.write_summary_pdf(db, tmp_path / "rekap.pdf")
    text = pdf_text(res.path)
    assert "(......" in text and "NIP. ......" in text


def test_no_match_results_is_a_clear_error_and_writes_nothing(db, office, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    for fn in (R.write_summary_pdf, R.write_summary_xlsx, R.write_village_lists_pdf, R.write_village_lists_xlsx):
        target = out / f"{fn.__name__}.out"
        with pytest.raises(R.ReportError) as exc:
            fn(db, target)
        assert "pemadanan" in exc.value.message or "tidak padan" in exc.value.message
        assert not target.exists()
    assert list(out.iterdir()) == []


# --- lists for the villages --------------------------------------------------------------------


@needs_poppler
def test_village_lists_pdf_masks_every_nik(db, matched, tmp_path):
    res = R.write_village_lists_pdf(db, tmp_path / "desa.pdf", desa="33.10")
    listed = [(mid, n, st, prop) for mid, n, st, prop in matched if st in ("tidak_padan", "usulan_koreksi")]
    in_klaten = listed[:-3]  # the Semarang rows are not in kabupaten 33.10
    assert res.rows == len(in_klaten) == 6 and res.villages == 4
    text = pdf_text(res.path)
    assert R.TITLE_VILLAGE in text
    for _, full, _, proposed in matched:  # no full NIK anywhere, listed or not
        assert full not in text
        assert proposed is None or proposed not in text
    for _, full, st, proposed in in_klaten:
        assert f"{full[:4]}********{full[-4:]}" in text
        if st == "usulan_koreksi":
            # The cell wraps: "Usulan NIK: 3310********9999" / "— mohon konfirmasi".
            assert f"Usulan NIK: {proposed[:4]}********{proposed[-4:]}" in text
    assert text.count("mohon konfirmasi") == sum(1 for *_, st, _ in in_klaten if st == "usulan_koreksi")
    assert text.count("Mohon cek KTP/KK dan perbaiki") == 4  # R.ACTION_FIX, wrapped before "NIK"
    # One section per village, numbered on its own, Desa vs Kelurahan wording.
    assert text.count("Halaman 1 dari 1") == 4
    page1 = pdf_text(res.path, 1)
    assert "Desa" in page1 and ": Sengon" in page1 and "Kepala Desa Sengon" in page1
    last = pdf_text(res.path, res.pages)
    assert "Kelurahan" in last and ": Barenglor" in last and "Lurah Barenglor" in last and "NIP." in last
    assert "Sengon" not in last  # a page break per village
    render_first_page(res.path, tmp_path)


def test_village_list_actions_follow_the_clerks_decisions(db, office, tmp_path):
    rows = make_registry(db, {SENGON: ["usulan_koreksi", "usulan_koreksi", "usulan_koreksi", "tidak_padan"]},
                         decisions={1: "diterima", 2: "ditolak"}, no_nik={4})
    res = R.write_village_lists_xlsx(db, tmp_path / "desa.xlsx")
    ws = load_workbook(res.path, read_only=True).active
    data = [r for r in ws.iter_rows(min_row=6, values_only=True)]
    assert [r[3] for r in data] == ["WARGA 0002", "WARGA 0003", "WARGA 0004"]  # the accepted proposal is done
    assert data[0][10] == R.ACTION_FIX  # proposal rejected: the village checks the KTP/KK
    p3 = rows[2][3]
    assert data[1][10] == f"Usulan NIK: {p3[:4]}********{p3[-4:]} — mohon konfirmasi"
    assert data[2][4] == "(kosong)" and data[2][10] == R.ACTION_FILL


def test_village_lists_xlsx_masked_with_office_policy_and_filtered(db, matched, office, tmp_path):
    with db.transaction() as s:
        settings.put(s, office, settings.MASK_KEEP_START, "6")
        settings.put(s, office, settings.MASK_KEEP_END, "2")
    res = R.write_village_lists_xlsx(db, tmp_path / "kec.xlsx", desa="33.10.01")  # a kecamatan: its villages
    assert (res.rows, res.villages) == (4, 2)
    ws = load_workbook(res.path, read_only=True).active
    rows = [r for r in ws.iter_rows(values_only=True)]
    assert rows[4][:5] == ("No", "Kecamatan", "Desa/Kelurahan", "Nama", "NIK")
    data = rows[5:]
    assert {r[2] for r in data} == {"Sengon", "Kotesan"} and {r[1] for r in data} == {"Prambanan"}
    full = {n for _, n, _, _ in matched}
    for r in data:
        assert r[4] not in full and r[4][6:14] == "********" and r[6][6:14] == "********"
        assert r[8] == "001/002" or r[8].endswith("/002")
    one = R.write_village_lists_xlsx(db, tmp_path / "one.xlsx", desa=GENTAN)
    ws = load_workbook(one.path, read_only=True).active
    assert ws["A2"].value == "Desa Gentan, Kecamatan Gantiwarno" and one.rows == 1
    with pytest.raises(R.ReportError, match="tidak valid"):
        R.write_village_lists_xlsx(db, tmp_path / "bad.xlsx", desa="Sengon")


@needs_poppler
def test_long_village_list_one_table_per_page_and_no_lonely_signature(db, office, tmp_path):
    make_registry(db, {SENGON: ["tidak_padan", "usulan_koreksi"] * 120})
    calls = []
    res = R.write_village_lists_pdf(db, tmp_path / "sengon.pdf", progress=lambda d, t, x="": calls.append(d))
    assert res.rows == 240 and res.villages == 1 and res.pages > 8
    text = pdf_text(res.path)
    assert f"Halaman {res.pages} dari {res.pages}" in text
    assert "WARGA 0001" in text and "WARGA 0240" in text
    for p in range(2, res.pages + 1):
        page = pdf_text(res.path, p)
        assert "(lanjutan)" in page and "Yang perlu dilakukan" in page  # running header and table header
        assert "Tidak padan" in page or "Usulan koreksi" in page  # every page carries rows
    assert "Diperiksa oleh" in pdf_text(res.path, res.pages)
    assert calls and calls[-1] == 1


def test_cancel_writes_no_file(db, matched, tmp_path):
    from dtks_desktop.services.core.common import Cancelled

    out = tmp_path / "out"
    out.mkdir()
    calls = []
    with pytest.raises(Cancelled):  # cancelled while the second village is laid out
        R.write_village_lists_pdf(db, out / "desa.pdf", cancel=lambda: calls.append(1) or len(calls) > 3)
    assert list(out.iterdir()) == []


# --- building blocks ---------------------------------------------------------------------------


def test_paged_tables_fit_their_pages():
    spec = TableSpec([Column("No", 10 * mm), Column("Nama", 30 * mm, wrap=True)])
    rows = [[str(i), "NAMA YANG PANJANG SEKALI " * (i % 3 + 1)] for i in range(300)]
    flows = paged_tables(spec, rows, first_space=200, page_space=500, last_reserve=120)
    tables = [f for f in flows if isinstance(f, PageTable)]
    assert sum(len(t.rows) for t in tables) == 300
    heights = [t.table().wrap(1000, 10_000)[1] for t in tables]  # the real reportlab table's height
    assert heights[0] <= 200 and all(h <= 500 for h in heights[1:])
    assert heights[-1] + 120 <= 500  # room for the signature under the last table


def test_letterhead_from_office_settings():
    h = make_letterhead("Dinas Sosial Kabupaten Klaten", "Kabupaten Klaten")
    assert (h.pemerintah, h.dinas, h.tempat, h.jabatan) == (
        "PEMERINTAH KABUPATEN KLATEN", "DINAS SOSIAL", "Klaten", ("KEPALA DINAS SOSIAL", "KABUPATEN KLATEN"))
    k = make_letterhead("Dinas Sosial, Pemberdayaan Perempuan dan Perlindungan Anak", "Kota Semarang")
    assert k.pemerintah == "PEMERINTAH KOTA SEMARANG" and k.tempat == "Semarang"
    assert k.jabatan[0] == "KEPALA DINAS SOSIAL, PEMBERDAYAAN PEREMPUAN DAN PERLINDUNGAN ANAK"
    blank = make_letterhead(None, None)
    assert blank.pemerintah is None and blank.dinas == "DINAS SOSIAL" and blank.kepala_nama is None


def test_unwritable_target_is_a_clear_error(db, matched, tmp_path):
    missing = tmp_path / "tidak-ada"
    for fn in (R.write_summary_pdf, R.write_summary_xlsx, R.write_village_lists_pdf, R.write_village_lists_xlsx):
        with pytest.raises(R.ReportError, match="tidak dapat ditulis"):
            fn(db, missing / "laporan.out")
    assert not missing.exists()


# --- issued through the letter register (issue 11) -----------------------------------------------


@needs_poppler
def test_printed_reports_are_numbered_stamped_stored_and_verifiable(db, matched, office, tmp_path):
    from dtks_desktop.services.documents import issued, register

    summary = R.write_summary_pdf(db, tmp_path / "rekap.pdf", when=date(2026, 8, 17), actor=office)
    lists = R.write_village_lists_pdf(db, tmp_path / "desa.pdf", desa="33.10", actor=office, when=date(2026, 8, 17))
    assert (summary.nomor, lists.nomor) == ("400.9.2/1/Dinsos/2026", "400.9.2/2/Dinsos/2026")
    text = pdf_text(summary.path)
    assert R.TITLE_SUMMARY in text and "Nomor: 400.9.2/1/Dinsos/2026" in text and "Kode keaslian: DS-" in text
    assert f"Halaman {summary.pages} dari {summary.pages}" in text
    village_text = pdf_text(lists.path)
    assert village_text.count("Nomor: 400.9.2/2/Dinsos/2026") == lists.villages == 4
    assert village_text.count("Halaman 1 dari 1") == 4  # still numbered per village
    with db.sessions() as s:
        for res, doc_type in ((summary, "rekap_pemadanan"), (lists, "daftar_pemadanan_desa")):
            verdict = issued.verify_file(s, office, res.path)
            assert verdict.genuine and verdict.type == doc_type and verdict.nomor == res.nomor
        entries = {e.nomor: e for e in register.list_register(s)}
    assert entries["400.9.2/1/Dinsos/2026"].document_id == summary.document_id
    with db.transaction() as s:
        assert issued.reprint(s, office, lists.document_id) == lists.path.read_bytes()


def test_an_issued_report_that_cannot_be_written_takes_no_number(db, matched, office, tmp_path):
    from dtks_desktop.services.documents import issued, register

    with pytest.raises(R.ReportError):
        R.write_summary_pdf(db, tmp_path / "tidak-ada" / "rekap.pdf", actor=office)
    with db.sessions() as s:
        assert register.list_register(s) == [] and issued.list_documents(s) == []


@needs_poppler
def test_reports_follow_the_office_paper_f4(db, matched, office, tmp_path):
    import re as _re

    with db.transaction() as s:
        settings.put(s, office, "office.kertas", "F4")
    for res in (R.write_summary_pdf(db, tmp_path / "rekap.pdf", actor=office),
                R.write_village_lists_pdf(db, tmp_path / "desa.pdf", desa="33.10")):
        info = subprocess.run(["pdfinfo", str(res.path)], capture_output=True, text=True, check=True).stdout
        w, h = map(float, _re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
        assert (round(w / 72 * 25.4), round(h / 72 * 25.4)) == (330, 215)  # F4 landscape
        assert f"Halaman 1 dari " in pdf_text(res.path)
