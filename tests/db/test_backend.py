import os


def test_suite_runs_on_the_requested_backend(db, backend):
    """CI runs the suite twice; this proves the second run really used PostgreSQL."""
    assert db.dialect == backend
    if os.environ.get("DTKS_REQUIRE_POSTGRES"):
        assert db.dialect == "postgresql"
