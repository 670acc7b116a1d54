"""A new user on an empty database: "Buat data contoh" fills it and the Data view shows it."""

from PySide6.QtCore import Qt

from dtks_desktop.views.common import widgets
from dtks_desktop.views.common.context import AppContext
from dtks_desktop.views.shell.main_window import KEY_DATA, KEY_IMPORT, MainWindow


def test_demo_button_fills_empty_database(qtbot, db, admin, monkeypatch):
    monkeypatch.setattr("dtks_desktop.views.shell.main_window.DEMO_PEOPLE", 400)
    asked, shown = [], []
    monkeypatch.setattr(widgets, "ask_yes_no", lambda parent, title, text, **kw: asked.append(text) or True)
    monkeypatch.setattr(widgets, "show_message", lambda parent, title, text, *a, **k: shown.append(text))
    win = MainWindow(AppContext(db, admin))
    qtbot.addWidget(win)
    win.show()
    assert win.current_page_key() == KEY_DATA
    view = win.data_view
    assert view.is_empty_state()
    qtbot.mouseClick(view.demo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(shown), timeout=60_000)
    assert "fiktif" in asked[0] and "400" in asked[0]
    assert "fiktif" in shown[0] and "anggota" in shown[0]
    qtbot.waitUntil(lambda: not view.is_empty_state() and view.table.model().rowCount() > 0, timeout=20_000)


def test_import_page_only_for_clerks(qtbot, db, admin):
    from dtks_desktop.services.core.users import create_user

    with db.transaction() as s:
        printer = create_user(s, "cetak1", "rahasia-cetak", "pencetak", by=admin)
    win = MainWindow(AppContext(db, printer))
    qtbot.addWidget(win)
    assert not win.has_page(KEY_IMPORT)
    win2 = MainWindow(AppContext(db, admin))
    qtbot.addWidget(win2)
    assert win2.has_page(KEY_IMPORT) or not _import_view_exists()


def _import_view_exists() -> bool:
    try:
        import dtks_desktop.views.importing.import_view  # noqa: F401
    except ImportError:
        return False
    return True


def test_every_audit_action_has_an_indonesian_label():
    """The audit view shows labels; an action written anywhere in the services must have one."""
    import re
    from pathlib import Path

    from dtks_desktop.services.core.audit import ACTION_LABELS

    root = Path(__file__).resolve().parents[2] / "dtks_desktop"
    written = set()
    for path in root.rglob("*.py"):
        if path.name == "permissions.py" and path.parent.name == "domain":
            continue  # capability names ("import.run"), not audit actions
        written |= set(re.findall(r'"((?:match|programmes|import|user|member|household|settings|demo|permission)\.[a-z_]+)"',
                                  path.read_text(encoding="utf-8")))
    written |= {f"import.{k}" for k in ("dtks", "dukcapil", "program")}
    assert written - set(ACTION_LABELS) == set()


def test_data_view_shows_the_matching_outcome(qtbot, db, admin):
    """After pemadanan the Data view tells, per member, how the NIK matched the civil registry."""
    from dtks_desktop.demo.loader import load_demo
    from dtks_desktop.services.matching.run import run_matching
    from dtks_desktop.views.core.data_view import DataView
    from dtks_desktop.views.core.members import COL_MATCH

    load_demo(db, admin, people=200, seed=4)
    view = DataView(AppContext(db, admin))
    qtbot.addWidget(view)
    model = view.table.model()
    qtbot.waitUntil(lambda: model.rowCount() > 0 and model.data(model.index(0, COL_MATCH)) not in (None, ""),
                    timeout=20_000)
    assert model.data(model.index(0, COL_MATCH)) == "Belum dipadankan"
    summary = run_matching(db, admin)
    view.refresh()
    labels = {"Padan", "Padan dengan catatan", "Usulan koreksi NIK", "NIK milik orang lain", "Ganda", "Tidak padan",
              "NIK dipulihkan otomatis"}
    qtbot.waitUntil(lambda: model.data(model.index(0, COL_MATCH)) in labels, timeout=20_000)
    shown = {model.data(model.index(r, COL_MATCH)) for r in range(min(model.rowCount(), 150))}
    assert "Padan" in shown and shown <= labels and summary.counts.get("padan", 0) > 0
