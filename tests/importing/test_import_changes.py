"""An import says what it changed (``ImportResult.changes``), so each page refreshes itself.

Runs on SQLite and, with DTKS_TEST_DATABASE_URL, on PostgreSQL.
"""

from __future__ import annotations

import json

from dtks_desktop.services.core.common import DataKind as K
from dtks_desktop.services.importing.run import run_import

from .test_office_kabupaten import files  # noqa: F401 - the fixture
from .test_run_import import ROWS, write_csv


def test_each_kind_of_import_reports_what_it_changed(db, admin, files, tmp_path):  # noqa: F811
    klaten = files["klaten"]
    first = run_import(db, admin, klaten["dtks_csv"], kind="dtks")  # also fixes the office's kabupaten
    assert first.changes == {K.REGISTRY, K.SETTINGS}
    assert json.loads(json.dumps(first.as_dict()))["changes"] == ["registry", "settings"]
    assert run_import(db, admin, klaten["dukcapil"], kind="dukcapil").changes == {K.DUKCAPIL}
    assert run_import(db, admin, klaten["program_PKH"], kind="program").changes == {K.PROGRAMMES}
    # with programme lists in the database a registry import rebuilds their links
    again = run_import(db, admin, write_csv(tmp_path / "dtks_tambahan.csv", ROWS), kind="dtks")
    assert again.changes == {K.REGISTRY, K.PROGRAMMES}
