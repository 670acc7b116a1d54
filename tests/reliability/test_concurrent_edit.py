"""Two PCs change the same person at the same time: the second save is refused, never silently
overwrites the first, and the clerk gets an Indonesian message (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from dtks_desktop.db.engine import ConcurrentChangeError
from dtks_desktop.db.models import AuditEvent, Member
from dtks_desktop.services.core.database import open_database
from dtks_desktop.services.core.registry import FamilyRecord, MemberRecord, bulk_add_families, update_member
from dtks_desktop.views.common.widgets import user_message


@pytest.fixture
def member_id(db):
    with db.transaction() as s:
        bulk_add_families(s, [FamilyRecord(no_kk="3310012710160001", desa_kode="33.10.01.2001", members=[
            MemberRecord(nama="SUPARMI", nik="3310011508680001", nik_raw="3310011508680001",
                         tanggal_lahir=date(1968, 8, 15), jenis_kelamin="P", hubungan=1)])])
    with db.sessions() as s:
        return s.execute(select(Member.id)).scalar_one()


def test_second_pc_saving_a_stale_person_is_refused_not_overwritten(db, db_url, admin, operator, member_id):
    other_pc = open_database(db_url, migrate=False)
    try:
        with pytest.raises(ConcurrentChangeError) as err:
            with db.transaction() as pc_a:
                opened = pc_a.get(Member, member_id)  # PC A opened the person (version 1) ...
                with other_pc.transaction() as pc_b:  # ... PC B saves a change first
                    update_member(pc_b, operator, member_id, {"nama": "SUPARMI WIDODO"}, reason="KTP baru")
                assert opened.version == 1
                update_member(pc_a, admin, member_id, {"nama": "SUPARMI SUWARNO"}, reason="salah ketik")
    finally:
        other_pc.dispose()
    with db.sessions() as s:
        m = s.get(Member, member_id)
        assert m.nama == "SUPARMI WIDODO" and m.version == 2  # B's change stays, A's is not written
        audits = s.execute(select(func.count()).select_from(AuditEvent)
                           .where(AuditEvent.action == "member.update")).scalar_one()
        assert audits == 1  # no audit row for the save that did not happen
    message, hint = user_message(err.value)
    assert "diubah oleh pengguna lain" in message and "Muat ulang" in hint
