"""The application signal: a page refreshes itself after a change, now or when shown."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel

from dtks_desktop.views.common import events
from dtks_desktop.views.common.events import AppEvents, follow

WAIT = 5_000


def test_visible_page_refreshes_hidden_page_when_shown_and_not_its_own_change(qtbot):
    bus = AppEvents()
    page, other = QLabel("a"), QLabel("b")
    qtbot.addWidget(page)
    qtbot.addWidget(other)
    calls = []
    follow(page, bus, {events.REGISTRY}, lambda: calls.append("page"), delay_ms=0)
    page.show()
    bus.changed({events.USERS})  # not what it shows
    qtbot.wait(30)
    assert calls == []
    bus.changed({events.REGISTRY}, source=other)
    qtbot.waitUntil(lambda: calls == ["page"], timeout=WAIT)
    bus.changed({events.REGISTRY}, source=page)  # its own change: it updated itself already
    qtbot.wait(30)
    assert calls == ["page"]
    page.hide()
    bus.changed({events.REGISTRY, events.MATCHING})
    qtbot.wait(30)
    assert calls == ["page"]  # hidden: only marked stale
    page.show()
    qtbot.waitUntil(lambda: calls == ["page", "page"], timeout=WAIT)


def test_a_burst_of_changes_refreshes_once_and_every_change_is_audited(qtbot):
    bus = AppEvents()
    page = QLabel()
    qtbot.addWidget(page)
    page.show()
    seen, calls = [], []
    bus.dataChanged.connect(lambda kinds, _src: seen.append(kinds))
    follow(page, bus, None, lambda: calls.append(1), delay_ms=100)
    for _ in range(5):
        bus.changed({events.MATCHING})
    qtbot.waitUntil(lambda: calls == [1], timeout=WAIT)
    qtbot.wait(150)
    assert calls == [1] and seen[0] == {events.MATCHING, events.AUDIT}
    with pytest.raises(ValueError):
        bus.changed({"nothing"})
