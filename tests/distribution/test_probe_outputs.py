"""Probe: the returned list, the PT Pos file and the realisation report written under a path whose
folder is really a file give a clear Indonesian DistError naming the folder — never an OS error or
a half-written workbook's traceback."""

from __future__ import annotations

import pytest

from dtks_desktop.services.distribution import ptpos, report
from dtks_desktop.services.distribution.common import DistError
from tests.distribution.fixtures_docs import demo_period


@pytest.fixture
def period(db, admin):
    return demo_period(db, admin, people=300, desa_count=1)


@pytest.mark.parametrize("name,write", [
    ("kembali.xlsx", lambda s, a, pid, out: ptpos.export_returned(s, a, pid, out)),
    ("ptpos.csv", lambda s, a, pid, out: ptpos.export_for_ptpos(s, a, pid, out)),
    ("realisasi.xlsx", lambda s, a, pid, out: report.export_xlsx(s, a, pid, out)),
    ("realisasi.pdf", lambda s, a, pid, out: report.print_report(s, a, pid, out)),
])
def test_output_folder_that_is_a_file_is_refused_in_indonesian(db, admin, period, tmp_path, name, write):
    blocker = tmp_path / "keluaran"
    blocker.write_text("ini berkas, bukan folder")
    with db.sessions() as s:
        with pytest.raises(DistError) as exc:
            write(s, admin, period["period_id"], blocker / name)
    msg = exc.value.message
    assert f'Folder "{blocker}"' in msg and name in msg
    assert "sudah ada berkas dengan nama itu, bukan folder" in msg


def test_output_that_is_a_folder_is_named_in_indonesian(db, admin, period, tmp_path):
    target = tmp_path / "kembali.xlsx"
    target.mkdir()
    with db.sessions() as s:
        with pytest.raises(DistError) as exc:
            ptpos.export_returned(s, admin, period["period_id"], target)
    assert "sudah ada folder dengan nama itu" in exc.value.message
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".kembali")]
