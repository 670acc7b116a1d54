"""The worksheet PDF as a document of the engine: one page for a small desa, the Kepala Desa's
name from the village officials, the office profile's kop and paper, issued (stored, SHA-256,
authenticity code; not numbered), and a long one that keeps rows whole and the signature with
the last family."""

from __future__ import annotations

import hashlib
import subprocess
from datetime import date

from pypdf import PdfReader

from dtks_desktop.db.models import IssuedDocument
from dtks_desktop.documents.engine import DocContext
from dtks_desktop.documents.types import lembar_kerja_verifikasi as T
from dtks_desktop.domain.masking import MaskPolicy
from dtks_desktop.domain.office import OfficeProfile
from dtks_desktop.services.documents import issued, office, officials
from dtks_desktop.services.verification.worksheets import SheetFamily, SheetMember, WorksheetData, \
    write_worksheet_pdf

from tests.verification.conftest import DESA


def _text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_small_desa_worksheet_is_one_page_with_the_kepala_desa_named(desa, admin, operator, tmp_path):
    with desa.transaction() as s:
        officials.set_officials(s, admin, DESA, kepala="SUPARNO HADI")
    with desa.transaction() as s:
        res = write_worksheet_pdf(s, operator, DESA, tmp_path / "lk.pdf", when=date(2026, 12, 4))
    assert res.pages == 1 and res.families == 3 and res.warnings == ()
    text = _text(tmp_path / "lk.pdf")
    assert "Halaman 1 dari 1" in text and "Halaman 2" not in text
    assert "SUPARNO HADI" in text and "Kepala Desa" in text and "Mengetahui," in text
    assert "PEMERINTAH KABUPATEN KLATEN" in text and "DINAS SOSIAL" in text
    code = issued.CODE_RE.search(text)
    assert code is not None  # the authenticity code in the footer
    with desa.sessions() as s:
        doc = s.get(IssuedDocument, res.document_id)
        assert doc.doc_type == "lembar_kerja_verifikasi" and doc.nomor is None
        assert doc.sha256 == hashlib.sha256((tmp_path / "lk.pdf").read_bytes()).hexdigest()
        assert issued.verify_file(s, operator, tmp_path / "lk.pdf").genuine


def test_worksheet_without_kepala_desa_warns_and_leaves_dotted_lines(desa, operator, tmp_path):
    with desa.transaction() as s:
        res = write_worksheet_pdf(s, operator, DESA, tmp_path / "lk.pdf")
    assert len(res.warnings) == 1 and "Kepala Desa" in res.warnings[0] and "village-officials" in res.warnings[0]
    assert "....." in _text(tmp_path / "lk.pdf")


def test_worksheet_takes_the_office_paper_and_logo(desa, admin, operator, tmp_path):
    from tests.documents.conftest import make_logo

    logo = make_logo(tmp_path / "logo.png")
    with desa.transaction() as s:
        office.set_values(s, admin, {"kertas": "F4", "logo": str(logo), "alamat": "Jl. Pemuda No. 294"})
    with desa.transaction() as s:
        write_worksheet_pdf(s, operator, DESA, tmp_path / "lk.pdf")
    page = PdfReader(tmp_path / "lk.pdf").pages[0]
    w, h = float(page.mediabox.width), float(page.mediabox.height)
    assert (round(w / 72 * 25.4), round(h / 72 * 25.4)) == (330, 215)  # F4 landscape
    assert len(page.images) == 1
    assert "Jl. Pemuda No. 294" in _text(tmp_path / "lk.pdf")


def _data(sizes: list[int]) -> WorksheetData:
    fams = []
    for i, n in enumerate(sizes, 1):
        f = SheetFamily(i, f"KEL-{i}", f"33100127101{i:05d}", f"Dukuh {i}", None, "001", "002", "Budi")
        f.members = [SheetMember(i * 10 + k, f"3310{i:06d}{k:02d}", f"WARGA {i} {k}", f"33100112057{k:05d}",
                                 1 if k == 0 else 3, "L", date(1980, 1, 1), "padan", None, None) for k in range(n)]
        fams.append(f)
    return WorksheetData(DESA, "Keputran", "Kemalang", "2026-12", None, None, fams, False, MaskPolicy(), "op",
                         "SUPARNO")


def _pages(sizes: list[int]) -> list:
    from dtks_desktop.documents.layout import PageBreak

    ctx = DocContext(profile=OfficeProfile(pemerintah="PEMERINTAH KABUPATEN KLATEN"), when=date(2026, 12, 4),
                     orientation="landscape")
    story, pages = T.layout(ctx, _data(sizes))
    tables = [f for f in story if isinstance(f, T._WorksheetPage)]
    assert len(tables) == pages["Budi"] == 1 + sum(isinstance(f, PageBreak) for f in story)
    return tables


def test_two_small_families_and_the_signature_share_one_page():
    assert len(_pages([2, 4])) == 1


def test_the_sample_that_showed_the_bug_is_one_page():
    # docs/samples (Desa Keputran): a 2-member and a 4-member family, one member of each with a
    # three-line "Menurut Dukcapil" cell, went onto two pages although all of it fits on one.
    ctx = DocContext(profile=OfficeProfile(pemerintah="PEMERINTAH KABUPATEN KLATEN"), when=date(2026, 12, 4),
                     orientation="landscape")
    data = _data([2, 4])
    for m in (data.families[0].members[0], data.families[1].members[2]):
        m.status, m.dukcapil_nama, m.dukcapil_tanggal_lahir = "padan_catatan", "RIYANTO SAPUTRA", date(1990, 9, 29)
    _, pages = T.layout(ctx, data)
    assert pages == {"Budi": 1}


def test_long_worksheet_keeps_families_whole_and_the_signature_with_the_last_family():
    tables = _pages([3, 5, 2, 4, 6, 1, 3, 4, 2, 5, 3, 7, 2, 4, 3, 5, 2, 6, 4, 3, 2, 4, 5, 3, 1, 2])
    assert len(tables) >= 3
    for t in tables:  # every page starts with a family heading (no family split needlessly)
        assert 0 in t.family_rows
    last = tables[-1]
    assert last.family_rows and len(last.rows) >= 2  # the signature never stands alone
    frame_h = DocContext(profile=OfficeProfile(), when=date(2026, 12, 4), orientation="landscape").height
    for t in tables[1:]:
        assert t.height <= frame_h


def _group(*heights: float):
    rows = [([f"r{h}"], h) for h in heights]
    return rows, (["lanjutan"], 10.0)


def test_the_signature_moves_only_when_it_does_not_fit():
    groups = [_group(10, 20, 20), _group(10, 20, 20)]
    # Both families and the signature fit: one page.
    assert [len(r) for r, _ in T.paginate(groups, 200, 300, 30)] == [6]
    # The families fit but the signature does not: the last family moves with it, whole.
    pages = T.paginate(groups, 100, 300, 30)
    assert [(len(r), fi) for r, fi in pages] == [(3, [0]), (3, [0])]
    # One long family and no room for the signature: its last members go on under its heading.
    pages = T.paginate([_group(10, *[20] * 8)], 180, 300, 30)
    assert len(pages) == 2 and pages[1][0][0] == (["lanjutan"], 10.0) and len(pages[1][0]) == 4
