"""Probe: `dist print` into a place that cannot be written (an existing file named as the folder, a
read-only folder) gives a clear Indonesian message naming the folder/file, never an OS traceback, and
registers no document without its file."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest
from sqlalchemy import func, select

from dtks_desktop.db.models import IssuedDocument
from dtks_desktop.services.distribution import printing
from dtks_desktop.services.distribution.common import DistError
from tests.distribution.fixtures_docs import demo_period


def _issued(db) -> int:
    with db.sessions() as s:
        return int(s.execute(select(func.count()).select_from(IssuedDocument)).scalar_one())


@pytest.fixture
def period(db, admin):
    return demo_period(db, admin, people=300, desa_count=1)


def test_print_into_a_path_that_is_a_file_is_refused_in_indonesian(db, admin, period, tmp_path):
    target = tmp_path / "cetak"
    target.write_text("bukan folder")
    with pytest.raises(DistError) as exc:
        printing.print_documents(db, admin, period["period_id"], "tanda-terima", target, desa=period["desa"][0])
    assert str(target) in exc.value.message
    assert "tidak dapat dibuat atau dipakai" in exc.value.message
    assert "sudah ada berkas dengan nama itu" in exc.value.message
    assert _issued(db) == 0


def test_print_into_a_read_only_folder_registers_nothing_and_names_the_file(db, admin, period, tmp_path,
                                                                             monkeypatch):
    def refuse(self, data):
        raise PermissionError(errno.EACCES, "Permission denied", str(self))

    monkeypatch.setattr(Path, "write_bytes", refuse)
    with pytest.raises(DistError) as exc:
        printing.print_documents(db, admin, period["period_id"], "tanda-terima", tmp_path, desa=period["desa"][0],
                                 workers=1)
    assert "tidak ada izin menulis" in exc.value.message
    assert str(tmp_path) in exc.value.message and ".pdf" in exc.value.message
    assert _issued(db) == 0
    assert not list(tmp_path.glob("*.pdf*"))
