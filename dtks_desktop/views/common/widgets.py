"""Small widgets shared by every view: job progress, messages, inline errors.

Long work goes through :class:`dtks_desktop.jobs.Job`. Two ways to run one:

* :func:`start_job` (non-blocking): starts the job, shows a progress dialog with a
  "Batal" button if it runs longer than a moment, and calls ``on_done(result)`` on
  the GUI thread. Errors become a message box with an Indonesian text.
* :func:`run_with_progress` (blocking for the caller, the GUI stays responsive):
  the same, but returns the result, or ``None`` when cancelled or failed.

Messages are always shown through a ``QMessageBox`` instance and its ``exec()``,
never the static helpers, so that tests can replace ``QMessageBox.exec``.
"""

from __future__ import annotations

import logging
import time
from typing import Any, Callable

import shiboken6
from PySide6.QtCore import QEventLoop, QLocale, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from dtks_desktop.db.engine import busy_message
from dtks_desktop.jobs import Job, JobRunner

log = logging.getLogger(__name__)

ID = QLocale(QLocale.Language.Indonesian, QLocale.Country.Indonesia)

_runner: JobRunner | None = None


def job_runner() -> JobRunner:
    """The one runner that keeps every job of the application alive until it ends."""
    global _runner
    if _runner is None:
        _runner = JobRunner()
    return _runner


def fmt_int(n: int) -> str:
    """1234567 -> '1.234.567' (Indonesian digit grouping)."""
    return ID.toString(int(n))


def fmt_duration(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    if h:
        return f"{h} jam {m} menit"
    if m:
        return f"{m} menit {s} detik"
    return f"{s} detik"


# --------------------------------------------------------------------------- messages


def user_message(exc: BaseException) -> tuple[str, str]:
    """(message, hint) in Indonesian for any exception; never a traceback."""
    busy = busy_message(exc)  # SQLite still locked by another PC's import after the busy timeout
    if busy is not None:
        return busy
    message = getattr(exc, "message", None)
    hint = getattr(exc, "hint", "") or ""
    if isinstance(message, str) and message:
        return message, hint
    text = str(exc).strip()
    # Services raise UserError & co. with an Indonesian text; anything else is unexpected.
    if type(exc).__module__.startswith("dtks_desktop") and text:
        return text, hint
    return (
        "Terjadi kesalahan yang tidak terduga.",
        "Silakan coba lagi. Bila masalah berulang, hubungi admin dan sebutkan waktu kejadiannya "
        "(rincian teknis tercatat di berkas log).",
    )


def show_message(
    parent: QWidget | None,
    title: str,
    text: str,
    hint: str = "",
    icon: QMessageBox.Icon = QMessageBox.Icon.Information,
) -> None:
    box = QMessageBox(parent)
    box.setIcon(icon)
    box.setWindowTitle(title)
    box.setText(text)
    if hint:
        box.setInformativeText(hint)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.button(QMessageBox.StandardButton.Ok).setText("OK")
    box.exec()


def show_error(parent: QWidget | None, text: str, hint: str = "", title: str = "Terjadi masalah") -> None:
    show_message(parent, title, text, hint, QMessageBox.Icon.Warning)


def show_exception(parent: QWidget | None, exc: BaseException, title: str = "Terjadi masalah") -> None:
    message, hint = user_message(exc)
    show_error(parent, message, hint, title)


def ask_yes_no(parent: QWidget | None, title: str, text: str, yes: str = "Ya", no: str = "Batal") -> bool:
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(title)
    box.setText(text)
    yes_btn = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    no_btn = box.addButton(no, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(no_btn)
    box.setEscapeButton(no_btn)
    box.exec()
    return box.clickedButton() is yes_btn


class ErrorLabel(QLabel):
    """A red inline message under a form; hidden while empty."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setStyleSheet("color: #b00020;")
        self.setObjectName("errorLabel")
        self.hide()

    def show_error(self, text: str) -> None:
        self.setStyleSheet("color: #b00020;")
        self.setText(text)
        self.setVisible(bool(text))

    def show_ok(self, text: str) -> None:
        self.setStyleSheet("color: #1b5e20;")
        self.setText(text)
        self.setVisible(bool(text))

    def show_warning(self, text: str) -> None:
        """Done, but with something the user must know (amber)."""
        self.setStyleSheet("color: #8a5300;")
        self.setText(text)
        self.setVisible(bool(text))

    def clear_error(self) -> None:
        self.setText("")
        self.hide()


# --------------------------------------------------------------------------- progress


class ProgressDialog(QDialog):
    """Shows one job's progress: text, a bar, rows per second, time left and "Batal"."""

    cancel_requested = Signal()

    def __init__(self, job: Job, title: str, parent: QWidget | None = None, *, cancellable: bool = True) -> None:
        super().__init__(parent)
        self.job = job
        self.setWindowTitle(title)
        self.setModal(True)
        self.setMinimumWidth(440)
        self.setWindowFlag(Qt.WindowType.WindowContextHelpButtonHint, False)
        self.setWindowFlag(Qt.WindowType.WindowCloseButtonHint, False)

        self.text = QLabel(title + "…")
        self.text.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)  # busy until the first report
        self.bar.setTextVisible(True)
        self.rate = QLabel("Mohon tunggu…")
        self.cancel_button = QPushButton("Batal")
        self.cancel_button.setEnabled(cancellable)
        self.cancel_button.clicked.connect(self._cancel)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(self.bar)
        layout.addWidget(self.rate)
        layout.addLayout(buttons)

        self._t0 = time.monotonic()
        job.signals.progress.connect(self.on_progress)

    def on_progress(self, done: int, total: int, text: str) -> None:
        if text:
            self.text.setText(text)
        elapsed = max(time.monotonic() - self._t0, 1e-6)
        if total > 0:
            self.bar.setRange(0, 1000)
            self.bar.setValue(int(1000 * min(done, total) / total))
            self.bar.setFormat(f"{fmt_int(done)} dari {fmt_int(total)}")
            per_s = done / elapsed
            if done > 0 and per_s > 0:
                left = (total - done) / per_s
                self.rate.setText(f"{fmt_int(int(per_s))} baris/detik · sisa waktu ± {fmt_duration(left)}")
            else:
                self.rate.setText("Mohon tunggu…")
        else:
            self.bar.setRange(0, 0)
            self.rate.setText(f"{fmt_int(done)} baris" if done else "Mohon tunggu…")

    def _cancel(self) -> None:
        self.job.cancel()
        self.cancel_button.setEnabled(False)
        self.cancel_button.setText("Membatalkan…")
        self.text.setText("Membatalkan… perubahan yang belum selesai tidak disimpan.")
        self.cancel_requested.emit()

    def reject(self) -> None:  # Esc means "Batal", never "hide and keep running"
        if self.cancel_button.isEnabled():
            self._cancel()


class JobHandle:
    """What :func:`start_job` returns: the job, its (delayed) dialog and its outcome."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.dialog: ProgressDialog | None = None
        self.state = "running"  # "running" | "done" | "failed" | "cancelled"
        self.result: Any = None
        self.error: BaseException | None = None

    @property
    def finished(self) -> bool:
        return self.state != "running"

    def cancel(self) -> None:
        self.job.cancel()


def start_job(
    parent: QWidget | None,
    job: Job,
    title: str,
    on_done: Callable[[Any], None] | None = None,
    *,
    on_error: Callable[[BaseException], None] | None = None,
    on_cancel: Callable[[], None] | None = None,
    show_after_ms: int = 200,
    cancellable: bool = True,
    busy_cursor: bool = True,
) -> JobHandle:
    """Run ``job`` without blocking; the progress dialog appears if it takes > ``show_after_ms``.

    ``on_error`` defaults to a message box with the Indonesian message of the error.
    """
    handle = JobHandle(job)
    dialog = ProgressDialog(job, title, parent, cancellable=cancellable)
    handle.dialog = dialog
    cursor = [busy_cursor]
    if busy_cursor:
        QGuiApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)
    # The timer has no parent: the widget that started the job may be gone before it ends.
    timer = QTimer()
    timer.setSingleShot(True)
    handle._timer = timer  # type: ignore[attr-defined]

    def parent_alive() -> bool:
        return parent is None or shiboken6.isValid(parent)

    def end(state: str) -> bool:
        """Record the outcome and tidy up; False when the caller's widget no longer exists."""
        handle.state = state
        timer.stop()
        if cursor[0]:
            cursor[0] = False
            QGuiApplication.restoreOverrideCursor()
        if shiboken6.isValid(dialog):
            dialog.hide()
            dialog.deleteLater()
        return parent_alive()

    def finished(result: Any) -> None:
        handle.result = result
        if end("done") and on_done is not None:
            on_done(result)

    def failed(exc: BaseException, tb: str) -> None:
        if getattr(exc, "message", None) or type(exc).__module__.startswith("dtks_desktop"):
            log.info("Job %r: %s", title, exc)  # an expected, explained failure
        else:
            log.error("Job %r failed:\n%s", title, tb)
        handle.error = exc
        if not end("failed"):
            return
        if on_error is not None:
            on_error(exc)
        else:
            show_exception(parent, exc)

    def cancelled() -> None:
        if end("cancelled") and on_cancel is not None:
            on_cancel()

    def show_dialog() -> None:
        if not handle.finished and shiboken6.isValid(dialog) and parent_alive():
            if cursor[0]:
                cursor[0] = False
                QGuiApplication.restoreOverrideCursor()
            dialog.show()

    timer.timeout.connect(show_dialog)
    job.signals.finished.connect(finished)
    job.signals.failed.connect(failed)
    job.signals.cancelled.connect(cancelled)
    job_runner().start(job)
    timer.start(max(0, show_after_ms))
    return handle


def run_with_progress(
    parent: QWidget | None,
    job: Job,
    title: str,
    *,
    show_errors: bool = True,
    show_after_ms: int = 200,
    cancellable: bool = True,
) -> Any:
    """Run ``job`` and wait for it while the GUI stays responsive.

    Returns the job's result, or ``None`` when the user cancelled or it failed (a
    failure has then been shown in a message box unless ``show_errors`` is False;
    the exception is kept in ``job.error``).
    """
    loop = QEventLoop()
    job.error = None  # type: ignore[attr-defined]

    def quit_loop(*_a: Any) -> None:
        QTimer.singleShot(0, loop.quit)

    def on_error(exc: BaseException) -> None:
        job.error = exc  # type: ignore[attr-defined]
        if show_errors:
            show_exception(parent, exc)
        quit_loop()

    # The callbacks are connected before the job starts, so no outcome can be missed.
    handle = start_job(
        parent, job, title, quit_loop, on_error=on_error, on_cancel=quit_loop,
        show_after_ms=show_after_ms, cancellable=cancellable,
    )
    if not handle.finished:
        loop.exec()
    return handle.result if handle.state == "done" else None


def plain_table(headers, name: str, *, take_focus: bool = True):
    """A read-only table with ``(title, width)`` columns, one row selected at a time.
    ``take_focus=False``: it never takes the keyboard (the receipt desk's scan input keeps it)."""
    from PySide6.QtWidgets import QAbstractItemView, QTableWidget

    headers = list(headers)
    t = QTableWidget(0, len(headers))
    t.setObjectName(name)
    t.setHorizontalHeaderLabels([h for h, _w in headers])
    for i, (_h, w) in enumerate(headers):
        t.setColumnWidth(i, w)
    t.horizontalHeader().setStretchLastSection(True)
    t.verticalHeader().setVisible(False)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    t.setAlternatingRowColors(True)
    t.setWordWrap(False)
    if not take_focus:
        t.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    t.verticalHeader().setDefaultSectionSize(t.fontMetrics().height() + (8 if take_focus else 10))
    return t


def fill_table(t, rows, right: tuple[int, ...] = (), tips: bool = False) -> None:
    """Replace the rows of a :func:`plain_table`; columns in ``right`` are right-aligned (numbers),
    ``tips`` shows each cell's text as its tooltip (long names)."""
    from PySide6.QtWidgets import QTableWidgetItem

    rows = list(rows)
    t.setRowCount(len(rows))
    for r, values in enumerate(rows):
        for c, v in enumerate(values):
            item = QTableWidgetItem("" if v is None else str(v))
            if c in right:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if tips and v:
                item.setToolTip(str(v))
            t.setItem(r, c, item)


def refill_combo(combo, items, *, keep_chosen: bool = False) -> None:
    """Replace a filter combo's choices after its first item ("Semua …"), keeping the current choice
    when it is still offered (with ``keep_chosen``, even when it is not: a filter the user chose
    stays visible though nothing matches it now). ``items`` are (text, data). No signal fires."""
    current = combo.currentData()
    combo.blockSignals(True)
    while combo.count() > 1:
        combo.removeItem(1)
    for text, data in items:
        combo.addItem(text, data)
    i = combo.findData(current)
    if i < 0 and keep_chosen and current is not None:
        combo.addItem(str(current), current)
        i = combo.count() - 1
    combo.setCurrentIndex(max(i, 0))
    combo.blockSignals(False)


def fill_desa_combo(db, kecamatan_combo, desa_combo, on_filled: Callable[[], None] | None = None) -> None:
    """Refill a desa/kelurahan combo for the kecamatan chosen in ``kecamatan_combo``.

    Shared by every page with a Kecamatan + Desa/Kel filter pair. Item data is the region code;
    the first item ("Semua desa/kelurahan") carries None and is there at once; the desa list is
    read in a job (:func:`desa_reads` of the combo), a newer kecamatan superseding an older one.
    No signal fires while refilling; ``on_filled`` runs once the list is in.
    """
    from dtks_desktop.services.core import browse

    reads = desa_reads(desa_combo)
    kec = kecamatan_combo.currentData()
    desa_combo.blockSignals(True)
    try:
        desa_combo.clear()
        desa_combo.addItem("Semua desa/kelurahan", None)
        desa_combo.setEnabled(bool(kec))
        desa_combo.setCurrentIndex(0)
    finally:
        desa_combo.blockSignals(False)
    if not kec:
        reads.supersede()
        if on_filled is not None:
            on_filled()
        return

    def filled(options) -> None:
        if not shiboken6.isValid(desa_combo) or kecamatan_combo.currentData() != kec:
            return
        desa_combo.blockSignals(True)
        try:
            for kode, nama in options:
                desa_combo.addItem(nama, kode)
        finally:
            desa_combo.blockSignals(False)
        if on_filled is not None:
            on_filled()

    def failed(exc: BaseException) -> None:
        if shiboken6.isValid(desa_combo):
            message, _hint = user_message(exc)
            desa_combo.setToolTip(f"Daftar desa/kelurahan tidak dapat dimuat: {message}")

    reads.start(db.read, browse.desa_options, kec, on_done=filled, on_error=failed)


def desa_reads(desa_combo):
    """The :class:`~dtks_desktop.views.common.latest.LatestJob` that fills ``desa_combo``."""
    from dtks_desktop.views.common.latest import LatestJob

    reads = desa_combo.findChild(LatestJob, "desaReads")
    if reads is None:
        reads = LatestJob(desa_combo)
        reads.setObjectName("desaReads")
    return reads


def fill_kecamatan_combo(combo, options) -> None:
    """Refill a kecamatan combo from (kode, nama) pairs, keeping the current choice if still there."""
    current = combo.currentData()
    combo.clear()
    combo.addItem("Semua kecamatan", None)
    for kode, nama in options:
        combo.addItem(nama, kode)
    i = combo.findData(current) if current else 0
    combo.setCurrentIndex(max(i, 0))
