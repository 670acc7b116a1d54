"""A matching run and an import at the same time never interleave (issue 8, item 1).

The run reads the registry and the civil-registry snapshot, links for a while without the
database, then writes under the locks of both (services/core/locks.py). An import that committed
in between makes the run refuse to write results computed from data that is gone.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from dtks_desktop.db.models import MatchResult, MatchRun
from dtks_desktop.services.matching import run as match_run
from dtks_desktop.services.matching.common import MatchingError
from dtks_desktop.services.matching.run import run_matching

from .conftest import load_civil


def test_import_committed_during_a_run_is_not_overwritten(loaded, admin, monkeypatch):
    real_link = match_run.E.link
    new_batch = []

    def link_while_a_new_extract_arrives(*args, **kwargs):
        out = real_link(*args, **kwargs)
        new_batch.append(load_civil(loaded, file_name="dukcapil_baru.csv"))  # another PC's import commits
        return out

    monkeypatch.setattr(match_run.E, "link", link_while_a_new_extract_arrives)
    with pytest.raises(MatchingError, match="diimpor ulang selama pemadanan"):
        run_matching(loaded, admin)
    with loaded.sessions() as s:
        assert s.execute(select(func.count()).select_from(MatchRun)).scalar_one() == 0
        assert s.execute(select(func.count()).select_from(MatchResult)).scalar_one() == 0

    monkeypatch.setattr(match_run.E, "link", real_link)
    summary = run_matching(loaded, admin)  # run again: now it is computed from the new extract
    assert summary.run_id and summary.dukcapil_batch_id == new_batch[0]
