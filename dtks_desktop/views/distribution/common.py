"""What the tabs of the Penyaluran page share: small tables, the base of a tab that shows one
period, and how a tab runs a service call in a job (progress and "Batal" for long work, the
Indonesian message on failure, the page told what changed).

A tab never touches the database: every call is a service function run in a
:class:`~dtks_desktop.jobs.Job` (``ctx.db.read``/``ctx.db.write`` for the services that take a
session, the service itself for those that take the database and report progress).
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import QComboBox, QTableWidget, QWidget

from dtks_desktop.domain.distribution import BenefitKind, quantity, rupiah
from dtks_desktop.domain.formatting import tanggal_jam
from dtks_desktop.jobs import Job
from dtks_desktop.views.common import events
from dtks_desktop.views.common.context import AppContext
from dtks_desktop.views.common.latest import LatestJob
from dtks_desktop.views.common.widgets import ErrorLabel, job_runner, start_job, user_message

#: What the distribution services change: the page and the receipt desk refresh on it.
CHANGED = frozenset({events.DISTRIBUTION, events.AUDIT})


def texts(t: QTableWidget) -> list[list[str]]:
    """The cells of ``t`` as text (tests, screenshots)."""
    return [[t.item(r, c).text() if t.item(r, c) else "" for c in range(t.columnCount())]
            for r in range(t.rowCount())]


def value_text(period, value: Any) -> str:
    """A total of the period's benefit: ``Rp 6.000.000`` or ``100 kg`` (beras)."""
    if period is None or value is None:
        return ""
    if period.benefit_kind == BenefitKind.TUNAI.value:
        return rupiah(int(value))
    unit = period.benefit_label.rsplit(" ", 1)[-1] if " " in period.benefit_label else ""
    return f"{quantity(value)} {unit}".strip()


def when(t) -> str:
    """A stored moment in the PC's local time ("17-08-2026 14:05"), or "" for none."""
    return tanggal_jam(t, lokal=True) if t else ""


def desa_combo(name: str, chars: int = 22) -> QComboBox:
    """A combo of desa (or other long names) whose width does not grow with its longest item: the
    page must fit a 1280-pixel window however long a desa's name is."""
    combo = QComboBox()
    combo.setObjectName(name)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(chars)
    return combo


def select_data(combo: QComboBox, value: Any) -> None:
    """Choose the item of ``combo`` carrying ``value`` (the first item when none does)."""
    i = combo.findData(value)
    combo.setCurrentIndex(i if i >= 0 else 0)


class PeriodTab(QWidget):
    """A tab of the Penyaluran page: shows the selected period and runs its calls in jobs.

    ``set_period(period, tree)`` gives it the period (a ``PeriodView``, or None) and the period's
    region tree (``mapping.tree``); ``changed`` tells the page that the tab changed the period's data
    (the page reloads the period and tells the other pages).
    """

    changed = Signal(object)  # set of data kinds

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.period = None
        self.tree = None
        self.busy = 0
        self.error = ErrorLabel()
        self.reads = LatestJob(self)

    # --- the page gives the period
    def set_period(self, period, tree) -> None:
        other = (self.period.id if self.period is not None else None) != (period.id if period is not None else None)
        self.period, self.tree = period, tree
        if other:
            self.error.clear_error()  # a message about another period; the same one's stays after a reload
        self.show_period()

    def show_period(self) -> None:  # pragma: no cover - every tab overrides it
        raise NotImplementedError

    def update_actions(self) -> None:
        """Enable what the period's state and the user's capabilities allow (tabs override)."""

    # --- jobs
    def read(self, fn: Callable, *args: Any, on_done: Callable[[Any], None], **kwargs: Any) -> None:
        """``fn(session, *args, **kwargs)`` in a job; the newest read of this tab wins."""
        self.reads.start(self.ctx.db.read, fn, *args, on_done=on_done, on_error=self.failed, **kwargs)

    def run(self, job: Job, title: str, on_done: Callable[[Any], None], *, cancellable: bool = False,
            show_after_ms: int = 300, changes: bool = True) -> None:
        """Run a (writing) job; ``on_done(result)`` after it, the page told when ``changes``."""
        self.busy += 1
        self.update_actions()

        def ended() -> None:
            self.busy -= 1
            self.update_actions()

        def done(res: Any) -> None:
            ended()
            on_done(res)
            if changes:
                self.changed.emit(set(CHANGED))

        def failed(exc: BaseException) -> None:
            ended()
            self.failed(exc)

        def cancelled() -> None:
            ended()
            self.error.show_error("Dibatalkan; tidak ada yang diubah.")

        start_job(self, job, title, done, on_error=failed, on_cancel=cancelled, cancellable=cancellable,
                  show_after_ms=show_after_ms)

    def failed(self, exc: BaseException) -> None:
        message, hint = user_message(exc)
        self.error.show_error(f"{message} {hint}".strip())

    def wait_idle(self, timeout_ms: int = 30_000) -> bool:
        """Process events until this tab's jobs ended (tests, screenshots)."""
        for _ in range(3):
            if not job_runner().wait_all(timeout_ms):
                return False
            QCoreApplication.processEvents()
            if not self.reads.wait_idle(timeout_ms):
                return False
        return self.busy == 0
