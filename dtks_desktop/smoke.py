"""``dtks-desktop --smoke-test DETIK``: does this installation of the GUI start?

Used by CI on the installed wheel and on the PyInstaller bundle (installer/smoke_check.py), and
by IT staff after installing on an office PC. Nothing is faked: the application starts as it does
for a user (the database is opened or created and migrated, the region data loaded) and must
reach its first window, the first-run dialog that creates the administrator or the login. That
window stays up ``DETIK`` seconds (it is painted once on purpose) and is then closed, so the app
ends through its ordinary quit path.

Exit code 0 and the line "Smoke test OK: ..." (stdout and the log file in the data folder) only
then. Any other outcome exits with :data:`EXIT_FAILED` and a line "Smoke test FAILED: ...":
an unhandled exception, a message box (an error shown to the user), the database error dialog or
the server password prompt instead of the first window, no window within :data:`START_TIMEOUT`
seconds, or the app ending by itself.
"""

from __future__ import annotations

import logging
import os
import sys
import time
import traceback

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

log = logging.getLogger("dtks_desktop.smoke")

EXIT_FAILED = 3
START_TIMEOUT = 90.0  # seconds to the first window (a cold start of the frozen build on a slow PC)
CLOSE_TIMEOUT = 30.0  # seconds for the app to end once its window was closed


class SmokeTest(QObject):
    def __init__(self, app: QApplication, seconds: float) -> None:
        super().__init__(app)
        self.seconds = max(0.0, seconds)
        self.started = time.monotonic()
        self.shown_at: float | None = None
        self.window_name: str | None = None
        self.closed_at: float | None = None
        self.errors: list[str] = []

        def hook(exc_type, exc, tb) -> None:
            self.errors.append("".join(traceback.format_exception_only(exc_type, exc)).strip())
            log.error("Smoke test: unhandled error\n%s", "".join(traceback.format_exception(exc_type, exc, tb)))
            self.fail(f"unhandled exception: {self.errors[-1]}")  # ends the process

        sys.excepthook = hook
        self.timer = QTimer(self)
        self.timer.setInterval(100)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    # ------------------------------------------------------------------ checks
    @staticmethod
    def _visible(*classes) -> QDialog | None:
        for w in QApplication.topLevelWidgets():
            if w.isVisible() and isinstance(w, classes):
                return w
        return None

    def _tick(self) -> None:
        from dtks_desktop.views.shell.dialogs import ConnectionDialog, DatabaseErrorDialog, FirstAdminDialog, LoginDialog

        now = time.monotonic()
        if self.closed_at is not None:
            if now - self.closed_at > CLOSE_TIMEOUT:
                self.fail(f"the application did not end {CLOSE_TIMEOUT:.0f} s after its window was closed")
            return
        box = self._visible(QMessageBox)
        if box is not None:  # an error shown to the user (a handled exception, a failed step)
            self.fail(f"message box '{box.windowTitle()}': {box.text()} {box.informativeText()}".rstrip())
        first = self._visible(FirstAdminDialog, LoginDialog)
        if self.shown_at is None:
            if first is not None:
                self.shown_at = now
                self.window_name = type(first).__name__
                first.grab()  # paint it once: styles, fonts and icons load here
                log.info("Smoke test: %s shown after %.1f s", self.window_name, now - self.started)
                return
            blocked = self._visible(DatabaseErrorDialog, ConnectionDialog)
            if blocked is not None:
                detail = getattr(blocked, "message", None) or blocked.windowTitle()
                self.fail(f"{type(blocked).__name__} instead of the first window: {detail}")
            elif now - self.started > START_TIMEOUT:
                self.fail(f"no first window after {START_TIMEOUT:.0f} s")
            return
        if first is None:
            self.fail(f"{self.window_name} closed by itself")
        if now - self.shown_at >= self.seconds:
            self.closed_at = now
            first.reject()  # the user's "Batal": the start-up flow ends the application

    # ------------------------------------------------------------------ outcome
    def fail(self, why: str) -> None:
        """Report and end the process at once: the event loop may be stuck in a modal dialog."""
        message = f"Smoke test FAILED: {why}"
        log.error(message)
        _say(message)
        logging.shutdown()
        os._exit(EXIT_FAILED)

    def finish(self, code: int) -> int:
        """The application's exit code, checked: called when the start-up flow has returned."""
        self.timer.stop()
        if self.errors:
            self.fail(f"unhandled exception: {self.errors[0]}")
        if self.shown_at is None:
            self.fail(f"the application ended (code {code}) before its first window")
        if self.closed_at is None:
            self.fail(f"the application ended (code {code}) while {self.window_name} was still expected")
        if code != 0:
            self.fail(f"exit code {code} after {self.window_name} was closed")
        message = (f"Smoke test OK: {self.window_name} shown after {self.shown_at - self.started:.1f} s, "
                   f"kept {self.closed_at - self.shown_at:.1f} s, application closed normally")
        log.info(message)
        _say(message)
        return 0


def _say(message: str) -> None:
    stream = sys.stdout
    if stream is not None:
        try:
            print(message, file=stream, flush=True)
        except (OSError, ValueError):
            pass
