"""One application signal: data changed, and each page refreshes itself.

A page that ran a mutating service job says what kind of data changed::

    ctx.events.changed({"registry", "programmes"}, source=self)

(from the service's returned result where it says so; otherwise the page knows what its call
changes). Every page that shows such data follows the signal with :func:`follow`: it refreshes
at once when it is visible, or marks itself stale and refreshes when it is shown next. The
page that made the change is not refreshed by its own event (it updated itself already).
Nothing is wired by hand in the main window.
"""

from __future__ import annotations

from typing import Callable, Iterable

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from dtks_desktop.services.core.common import DataKind  # noqa: E402 - the kinds are the services' own

# What changed, as the services report it (``result.changes`` / ``fn.changes``): one vocabulary.
REGISTRY = DataKind.REGISTRY
DUKCAPIL = DataKind.DUKCAPIL
MATCHING = DataKind.MATCHING
PROGRAMMES = DataKind.PROGRAMMES
USERS = DataKind.USERS
SETTINGS = DataKind.SETTINGS
AUDIT = DataKind.AUDIT
DOCUMENTS = DataKind.DOCUMENTS
DISTRIBUTION = DataKind.DISTRIBUTION

KINDS = frozenset(DataKind)


class AppEvents(QObject):
    """The application's one "data changed" signal; carries the kinds and the page that changed it."""

    dataChanged = Signal(object, object)  # set[str] of KINDS, source (a page or None)

    def changed(self, kinds: Iterable[str], source: QObject | None = None) -> None:
        kinds = set(kinds)
        unknown = kinds - KINDS
        if unknown:
            raise ValueError(f"unknown kinds of data: {sorted(unknown)}")
        if kinds - {AUDIT}:
            kinds.add(AUDIT)  # every change is audited
        self.dataChanged.emit(kinds, source)


class _Follower(QObject):
    """Refreshes ``page`` when data of ``kinds`` changed: now if visible, else when shown."""

    def __init__(self, page: QWidget, events: AppEvents, kinds: Iterable[str] | None,
                 refresh: Callable[[], None], delay_ms: int) -> None:
        super().__init__(page)
        self.page = page
        self.kinds = None if kinds is None else frozenset(kinds)
        self.refresh = refresh
        self.stale = False
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(delay_ms)
        self.timer.timeout.connect(self._fire)
        events.dataChanged.connect(self._on_changed)
        page.installEventFilter(self)

    def _on_changed(self, kinds: set[str], source: QObject | None) -> None:
        if source is self.page or (self.kinds is not None and not (kinds & self.kinds)):
            return
        self.stale = True
        if self.page.isVisible():
            self.timer.start()  # changes come in bursts (one decision per key press): once they pause

    def _fire(self) -> None:
        if self.stale and self.page.isVisible():
            self.stale = False
            self.refresh()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if watched is self.page and event.type() == QEvent.Type.Show and self.stale:
            self.timer.start(0)
        return False


def follow(page: QWidget, events: AppEvents, kinds: Iterable[str] | None, refresh: Callable[[], None],
           *, delay_ms: int = 300) -> _Follower:
    """Let ``page`` refresh itself (``refresh()``) after changes of ``kinds`` (None: any)."""
    return _Follower(page, events, kinds, refresh, delay_ms)
