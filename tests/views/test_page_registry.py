"""The main window's pages come from one registry, each behind a capability."""

from __future__ import annotations

from dtks_desktop.domain.permissions import can
from dtks_desktop.views.common import events
from dtks_desktop.views.common.context import AppContext
from dtks_desktop.views.shell.main_window import KEY_DATA, KEY_REVIEW, PAGES, MainWindow

WAIT = 20_000


def _window(qtbot, db, actor) -> MainWindow:
    window = MainWindow(AppContext(db, actor))
    qtbot.addWidget(window)
    window.show()
    return window


def test_each_role_sees_the_pages_its_capabilities_allow(qtbot, db, admin, operator, supervisor):
    for actor in (admin, operator, supervisor):
        window = _window(qtbot, db, actor)
        assert window.page_keys() == [p.key for p in PAGES if p.allowed(actor)]
    assert len({p.key for p in PAGES}) == len(PAGES)


def test_a_change_reaches_the_window_and_a_hidden_page_refreshes_when_shown(qtbot, db, admin):
    from dtks_desktop.services.core import settings

    window = _window(qtbot, db, admin)
    review = window.page(KEY_REVIEW)
    assert review.wait_idle(WAIT) and window.current_page_key() == KEY_DATA
    with db.transaction() as s:
        settings.put(s, admin, settings.OFFICE_NAME, "Dinas Sosial Contoh")
    window.ctx.events.changed({events.SETTINGS})  # as the settings page says after saving
    qtbot.waitUntil(lambda: window.windowTitle() == "DTKS Desktop — Dinas Sosial Contoh", timeout=WAIT)
    # The review page is hidden: a change only marks it stale; showing it reloads its queue.
    loads = []
    review.model.loaded.connect(lambda: loads.append("queue"))
    window.ctx.events.changed({events.MATCHING})
    qtbot.wait(400)
    assert loads == [] and review._refreshing == 0
    window.show_page(KEY_REVIEW)
    qtbot.waitUntil(lambda: loads == ["queue"], timeout=WAIT)
