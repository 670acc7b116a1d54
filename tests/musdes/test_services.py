"""Musdes services: prefill from findings, decide and the padan override, totals, printing (text
checked with pdftotext), finalize and replacing a final meeting, and the bad input of issue 12."""

from __future__ import annotations

import subprocess
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from dtks_desktop.db.models import AuditEvent, IssuedDocument, MusdesMeeting
from dtks_desktop.services.documents import officials, signers
from dtks_desktop.services.musdes import decisions, meetings, printing
from dtks_desktop.services.musdes.common import MusdesError, Participant
from tests.musdes.conftest import DESA, KELURAHAN, MEETING_DAY, OTHER_DESA, ids

PEOPLE = [Participant("SUPARNO", "perangkat_desa", "Kepala Desa"), Participant("KH. ABDUL GHONI", "toga", "Ulama"),
          Participant("SAMIRAN", "RT/RW", "Ketua RW 01"), Participant("H. SUTOYO", "Tokoh Masyarakat")]


def pdftext(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def create(db, actor, desa=DESA, day=MEETING_DAY):
    with db.transaction() as s:
        m = meetings.create_meeting(s, actor, desa, day, "09:00", "Balai Desa")
        return meetings.set_participants(s, actor, m.id, PEOPLE)


def by_id(db, meeting_id) -> dict:
    with db.sessions() as s:
        return {r.id_dtks if r.member_id else r.nama: r for r in decisions.list_decisions(s, meeting_id)}


def test_prefill_from_findings_matching_and_proposals(world, admin):
    m = create(world, admin)
    assert (m.kind, m.kind_label, m.ketua, m.notulis) == ("musdes", "Musyawarah Desa", "SUPARNO", "RINA WULANDARI")
    assert [p.unsur for p in m.participants] == ["perangkat_desa", "tokoh_agama", "rt_rw", "tokoh_masyarakat"]
    rows = by_id(world, m.id)
    assert (rows["V1"].decision, rows["V1"].reason, rows["V1"].source) == ("hapus", "meninggal", "verifikasi")
    assert (rows["V4"].decision, rows["V4"].reason) == ("hapus", "mampu")  # family kelayakan mampu
    assert rows["V3"].decision == "perbaikan_data" and "nama" in rows["V3"].note
    assert rows["V2"].decision == rows["V5"].decision == "tetap"
    assert rows["WARSITO"].decision == "usulan_baru" and rows["WARSITO"].padan
    assert rows["SITI KHOTIJAH"].decision == "tetap" and rows["SITI KHOTIJAH"].decision_label == "Tidak diusulkan"
    assert "3310********0001" == rows["V1"].nik_masked
    with world.sessions() as s:
        t = decisions.totals(s, m.id)
    assert (t.tetap, t.usulan_baru, t.hapus, t.perbaikan_data) == (3, 1, 2, 1)
    assert t.hapus_by_reason["meninggal"] == 1 and t.hapus_by_reason["mampu"] == 1
    assert (t.members, t.families) == (7, 4)


def test_decide_override_rule_and_audit(world, admin):
    m = create(world, admin)
    rows = by_id(world, m.id)
    siti = rows["SITI KHOTIJAH"]
    with world.transaction() as s, pytest.raises(MusdesError, match="tidak padan"):
        decisions.decide(s, admin, m.id, None, "usulan_baru", row_id=siti.id)
    with world.transaction() as s:
        r = decisions.decide(s, admin, m.id, None, "usulan_baru", row_id=siti.id,
                             override_reason="KTP-el baru terbit, belum masuk data Dukcapil")
        assert r.override_reason.startswith("KTP-el") and r.source == "petugas"
        decisions.decide(s, admin, m.id, ids(world)["V2"], "hapus", reason="pindah")
    with world.sessions() as s:
        t = decisions.totals(s, m.id)
        ev = s.execute(select(AuditEvent).where(AuditEvent.action == "musdes.decide").order_by(AuditEvent.id)).scalars().all()
    assert (t.usulan_baru, t.hapus, t.hapus_by_reason["pindah"]) == (2, 3, 1)
    assert ev[0].reason.startswith("KTP-el") and "pengecualian" in ev[0].summary


@pytest.mark.parametrize("decision, reason, message", [
    ("hapus", None, "perlu alasan"), ("hapus", "bosan", "Alasan hapus 'bosan' tidak dikenal"),
    ("buang", None, "Keputusan 'buang' tidak dikenal"), ("tetap", "meninggal", "hanya untuk keputusan hapus")])
def test_decide_refuses_unknown_words(world, admin, decision, reason, message):
    m = create(world, admin)
    with world.transaction() as s, pytest.raises(MusdesError, match=message):
        decisions.decide(s, admin, m.id, ids(world)["V2"], decision, reason=reason)


def test_a_family_of_another_desa_is_refused(world, admin):
    m = create(world, admin)
    with world.transaction() as s:
        with pytest.raises(MusdesError, match="bukan Desa Sengon"):
            decisions.decide(s, admin, m.id, ids(world)["V9"], "hapus", reason="pindah")
        with pytest.raises(MusdesError, match="bukan Desa Sengon"):
            decisions.member_ids_for(s, m.id, "V9")


def test_meeting_dates_before_findings_or_in_future_are_refused(world, admin):
    with world.transaction() as s:
        with pytest.raises(MusdesError, match="lebih awal dari temuan verifikasi"):
            meetings.create_meeting(s, admin, DESA, date(2026, 12, 1), "09:00", "Balai Desa")
        with pytest.raises(MusdesError, match="masa depan"):
            meetings.create_meeting(s, admin, DESA, date.today() + timedelta(days=1), "09:00", "Balai Desa")
        with pytest.raises(MusdesError, match="Jam musyawarah"):
            meetings.create_meeting(s, admin, DESA, MEETING_DAY, "25:99", "Balai Desa")


def test_desa_without_findings_is_allowed_with_a_warning(world, admin):
    m = create(world, admin, desa=KELURAHAN)
    assert m.kind == "muskel" and m.kind_label == "Musyawarah Kelurahan"
    assert any("belum punya temuan" in w and "SPTJM" in w for w in m.warnings)


def test_print_desa_pdf_text_numbers_and_status(world, admin, tmp_path):
    m = create(world, admin)
    out = tmp_path / "ba.pdf"
    res = printing.print_desa(world, admin, DESA, out)
    text = pdftext(out)
    assert res.nomor == "400.9.2/1/BA-Musdes/2026" and len(res.document_ids) == 3 and res.pages >= 4
    assert "BERITA ACARA MUSYAWARAH DESA" in text and "Nomor: 400.9.2/1/BA-Musdes/2026" in text
    assert ("Pada hari ini Jumat tanggal empat bulan Desember tahun dua ribu dua puluh enam (04-12-2026)"
            in " ".join(text.split()))
    assert "Kepala Desa Sengon" in text and "Ketua BPD" in text and "Mengetahui," in text
    assert "Camat Prambanan" in text and "KH. ABDUL GHONI" in text and "H. SUTOYO" in text
    assert "Demikian Berita Acara ini dibuat dengan sebenarnya" in text
    assert "Meninggal dunia" in text and "Mampu (graduasi mandiri)" in text
    assert "LAMPIRAN I" in text and "LAMPIRAN II" in text and "LAMPIRAN III" in text
    assert "3310********0002" in text and "3310010101900002" not in text and "3310011205700001" not in text
    assert "DAFTAR HADIR MUSYAWARAH DESA" in text and "Halaman 1 dari" in text and "Kode keaslian: DS-" in text
    with world.sessions() as s:
        assert meetings.get_meeting(s, m.id).status == "dicetak"
        docs = s.execute(select(IssuedDocument.doc_type).order_by(IssuedDocument.id)).scalars().all()
    assert docs == ["berita_acara_musdes", "lampiran_musdes", "daftar_hadir_musdes"]
    # a decision changed after printing sends the meeting back to draf
    with world.transaction() as s:
        decisions.decide(s, admin, m.id, ids(world)["V5"], "hapus", reason="pindah")
        assert meetings.get_meeting(s, m.id).status == "draf"


def test_kelurahan_wording(world, admin, tmp_path):
    create(world, admin, desa=KELURAHAN)
    out = tmp_path / "muskel.pdf"
    printing.print_desa(world, admin, KELURAHAN, out)
    text = pdftext(out).split("DAFTAR HADIR")[0]  # the participants' own titles follow
    assert "BERITA ACARA MUSYAWARAH KELURAHAN" in text and "Lurah" in text and "Ketua LPM" in text
    assert "Kepala Desa" not in text and "Musyawarah Desa" not in text


def test_printing_refuses_without_village_head_or_signatory(world, admin, tmp_path):
    create(world, admin)
    with world.transaction() as s:
        officials.set_officials(s, admin, DESA, kepala="")
    out = tmp_path / "ba.pdf"
    with pytest.raises(MusdesError) as e:
        printing.print_desa(world, admin, DESA, out)
    assert "Kepala Desa Sengon belum diisi" in e.value.message and "village-officials set" in e.value.hint
    with world.transaction() as s:
        officials.set_officials(s, admin, DESA, kepala="SUPARNO")
        signers.use_signer(s, admin, "berita_acara_musdes", None)
    with pytest.raises(MusdesError) as e:
        printing.print_desa(world, admin, DESA, out)
    assert "Penanda tangan" in e.value.message and "signer use berita_acara_musdes" in e.value.hint
    assert not out.exists() and not list(tmp_path.glob("*.pdf*"))
    with world.sessions() as s:
        assert s.execute(select(IssuedDocument)).first() is None


def test_sptjm_for_a_village_without_meeting(world, admin, tmp_path):
    out = tmp_path / "sptjm.pdf"
    printing.print_sptjm(world, admin, OTHER_DESA, out)
    text = " ".join(pdftext(out).split())
    assert "SURAT PERNYATAAN TANGGUNG JAWAB MUTLAK" in text and "WIDODO" in text and "METERAI" in text
    assert "tidak melaksanakan Musyawarah Desa" in text
    create(world, admin)
    with pytest.raises(MusdesError, match="SPTJM hanya untuk"):
        printing.print_sptjm(world, admin, DESA, tmp_path / "x.pdf")


def test_print_kecamatan_and_cancel(world, admin, tmp_path):
    create(world, admin)
    res = printing.print_kecamatan(world, admin, "33.10.01", tmp_path / "kec")
    assert [r.desa_kode for r in res] == [DESA] and res[0].path.exists()
    create(world, admin, desa=KELURAHAN)
    from dtks_desktop.services.core.common import Cancelled
    with pytest.raises(Cancelled):
        printing.print_kecamatan(world, admin, "33.10.20", tmp_path / "kec2", cancel=lambda: True)
    assert not list((tmp_path / "kec2").glob("*.pdf"))


def test_finalize_makes_decisions_final_and_a_new_meeting_replaces_it(world, admin, tmp_path):
    m = create(world, admin)
    with world.transaction() as s, pytest.raises(MusdesError, match="Cetak berita acara dulu"):
        meetings.finalize(s, admin, DESA, date(2026, 12, 5))
    printing.print_desa(world, admin, DESA, tmp_path / "ba.pdf")
    scan = tmp_path / "scan.pdf"
    scan.write_bytes((tmp_path / "ba.pdf").read_bytes())
    with world.transaction() as s, pytest.raises(MusdesError, match="lebih awal"):
        meetings.finalize(s, admin, DESA, date(2026, 12, 3))
    bad = tmp_path / "scan.jpg"
    bad.write_bytes(b"\xff\xd8 not a pdf")
    with world.transaction() as s, pytest.raises(MusdesError, match="bukan berkas PDF"):
        meetings.finalize(s, admin, DESA, date(2026, 12, 5), bad)
    with world.transaction() as s:
        f = meetings.finalize(s, admin, DESA, date(2026, 12, 5), scan)
    assert f.status == "final" and f.returned_at == date(2026, 12, 5) and len(f.scan_sha256) == 64
    with world.transaction() as s, pytest.raises(MusdesError, match="musyawarah baru"):
        decisions.decide(s, admin, m.id, ids(world)["V2"], "hapus", reason="pindah")
    with world.transaction() as s:
        new = meetings.create_meeting(s, admin, DESA, date(2026, 12, 5), "13:00", "Balai Desa")
    assert new.replaces_id == m.id and new.participants == m.participants
    with world.sessions() as s:
        old = meetings.get_meeting(s, m.id)
        assert old.status == "diganti" and old.nomor and old.scan_sha256 == f.scan_sha256
        assert [r.decision for r in decisions.list_decisions(s, m.id)] == \
               [r.decision for r in decisions.list_decisions(s, new.id)]
        assert meetings.current_meeting(s, DESA).id == new.id
        assert s.get(MusdesMeeting, m.id).scan == scan.read_bytes()


def test_an_open_meeting_is_not_created_twice(world, admin):
    create(world, admin)
    with world.transaction() as s, pytest.raises(MusdesError, match="sudah punya musyawarah"):
        meetings.create_meeting(s, admin, DESA, MEETING_DAY, "10:00", "Balai Desa")


def test_import_participants_csv_with_synonyms(world, admin, tmp_path):
    m = create(world, admin)
    f = tmp_path / "peserta.csv"
    f.write_text("No;Nama Peserta;Elemen;Jabatan\n1;SUPARNO;Perangkat Desa;Kepala Desa\n2;Ibu Sri;PKK;Ketua PKK\n"
                 "3;Pak Kardi;Juragan;Warga\n4;Ust. Hasan;Tokoh Agama;\n", encoding="utf-8")
    res = meetings.import_participants(world, admin, m.id, f)
    assert (res.imported, res.rejected) == (3, 1)
    assert "baris 4" in res.problems[0].message.lower() and "Juragan" in res.problems[0].message
    with world.sessions() as s:
        assert [p.nama for p in meetings.get_meeting(s, m.id).participants] == ["SUPARNO", "Ibu Sri", "Ust. Hasan"]


def test_new_members_found_in_the_field_are_proposed(world, admin):
    """Keberadaan "anggota baru" in a registered family: proposed new when the NIK is in the civil
    registry; without it, listed but not proposed unless the meeting gives an override reason."""
    from dtks_desktop.services.verification import findings
    from tests.musdes.conftest import VISIT, household_of

    m = ids(world)
    with world.transaction() as s:
        findings.save_family(s, admin, findings.FamilyEntry(
            household_of(world, "V5"), "layak", tanggal_kunjungan=VISIT, petugas="Siti Aminah",
            members=[findings.MemberEntry(m["V5"], "ada"),
                     findings.MemberEntry(None, "anggota baru", koreksi_nama="NAYLA PUTRI",
                                          koreksi_nik="3310015003100001"),
                     findings.MemberEntry(None, "anggota baru", koreksi_nama="BAYU SAPUTRA",
                                          koreksi_nik="3310010505240001")]))
    meeting = create(world, admin)
    rows = by_id(world, meeting.id)
    assert (rows["NAYLA PUTRI"].decision, rows["NAYLA PUTRI"].padan) == ("usulan_baru", True)
    assert (rows["BAYU SAPUTRA"].decision, rows["BAYU SAPUTRA"].padan) == ("tetap", False)
    assert "Anggota baru" in rows["BAYU SAPUTRA"].note
    with world.sessions() as s:
        assert decisions.totals(s, meeting.id).usulan_baru == 2  # WARSITO's proposed family and NAYLA
