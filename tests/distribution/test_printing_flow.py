"""The documents of a period made by the real services (S1): created from a batch, cleaned, a point
with slots per desa, slots assigned; then the invitations and the receipt list printed by a
pencetak: the slot each KPM was given is on its card, its token reads back to it, the returned
KPM are on the returned list only."""

from __future__ import annotations

import re

from pypdf import PdfReader
from sqlalchemy import select

from dtks_desktop.db.models import DistKpm
from dtks_desktop.services.distribution import cleaning as C
from dtks_desktop.services.distribution import mapping as M
from dtks_desktop.services.distribution import periods as P
from dtks_desktop.services.distribution import printing
from dtks_desktop.services.distribution.tokens import TOKEN_RE, read_token
from tests.distribution.conftest import DESA_A, DESA_B, NIK


def text_of(path) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(str(path)).pages)


def test_documents_of_a_period_made_by_the_services(world):
    pid = P.create_period(world.db, world.operator, "BPNT", "Tahap 1 2027", cash="600.000", from_batch=world.batch).id
    C.clean(world.db, world.operator, pid)  # lengkap: ANI, EKO (A), FAJAR (B); returned: BUDI, CITRA, DODI (A)
    with world.db.transaction() as s:
        M.add_point(s, world.operator, pid, DESA_A, "balai_desa", "Balai Desa Sengon", "2027-02-15", "08:00", "10:00",
                    slot_menit=60, kuota_slot=1)
        M.add_point(s, world.operator, pid, DESA_B, "kantor_pos", "Kantor Pos Klaten", "2027-02-16", "10:00", "11:00")
        assert M.assign_slots(s, world.operator, pid) == 3
    res = printing.print_documents(world.db, world.pencetak, pid, "undangan", world.tmp / "undangan")
    assert len(res.files) == 2 and res.kpm == 3
    with world.db.sessions() as s:
        kpm = {k.id: k for k in s.execute(select(DistKpm).where(DistKpm.period_id == pid)).scalars()}
        text = text_of(res.files[0]) + text_of(res.files[1])
        cards = 0
        for m in TOKEN_RE.finditer(text.replace("\n", " ")):
            period_id, kpm_id = read_token(s, m.group(0))
            k = kpm[kpm_id]
            assert period_id == pid and k.clean_status == "lengkap"
            assert f"{k.slot_mulai:%H.%M}–{k.slot_selesai:%H.%M} WIB" in text
            cards += 1
    assert cards == 3 and "Balai Desa Sengon" in text and "Kantor Pos Klaten" in text
    assert "Senin, 15 Februari 2027" in text and "Selasa, 16 Februari 2027" in text
    assert "08.00–09.00 WIB" in text and "09.00–10.00 WIB" in text  # one KPM a slot (quota 1)
    assert NIK["ANI"] not in text and "BUDI" not in text  # masked; a returned KPM is not invited
    back = printing.print_documents(world.db, world.pencetak, pid, "dikembalikan", world.tmp / "kembali")
    text = text_of(back.files[0])
    assert {"BUDI", "CITRA", "DODI"} <= set(re.findall(r"[A-Z]{3,}", text)) and "ANI" not in text.split()
    receipts = printing.print_documents(world.db, world.pencetak, pid, "tanda-terima", world.tmp / "tt",
                                        desa=DESA_A)
    text = text_of(receipts.files[0])
    assert "ANI" in text and "EKO" in text and "Rp 1.200.000 (satu juta dua ratus ribu rupiah)" in text
