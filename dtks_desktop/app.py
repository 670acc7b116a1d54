"""GUI entry point (``dtks-desktop``): open the database, first run, login, main window.

The start-up never crashes: a database that cannot be opened leads to a dialog
with the reason and the ways on (another file, the server connection, the
default local database, or quit), again and again until one works or the user quits.
"""

from __future__ import annotations

import argparse
import logging
import logging.handlers
import multiprocessing
import os
import sys
import traceback
from typing import Sequence

from dtks_desktop import __version__, config

log = logging.getLogger("dtks_desktop")

DESCRIPTION = "DTKS Desktop: pengelolaan data kesejahteraan sosial untuk Dinas Sosial Kabupaten/Kota."


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dtks-desktop",
        description=DESCRIPTION,
        epilog=(
            "Tanpa --db, aplikasi memakai variabel lingkungan DTKS_DATABASE_URL, lalu koneksi yang "
            "disimpan dari dialog pengaturan, lalu berkas SQLite bawaan di folder data pengguna."
        ),
    )
    parser.add_argument(
        "--db",
        metavar="URL",
        help="basis data yang dibuka: path berkas .sqlite atau URL, mis. "
             "postgresql://user:sandi@server/dtks",
    )
    parser.add_argument("--version", action="version", version=f"DTKS Desktop {__version__}")
    parser.add_argument(
        "--smoke-test",
        type=float,
        metavar="DETIK",
        help="uji mulai (untuk CI dan petugas TI): buka basis data seperti biasa, tampilkan jendela pertama "
             "(pembuatan admin atau masuk) selama DETIK detik, lalu tutup; kode keluar 0 bila berhasil",
    )
    return parser


def _setup_logging() -> str | None:
    """Log to a rotating file in the data folder (tracebacks go there, never to the user)."""
    try:
        path = config.data_dir() / "dtks-desktop.log"
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=2_000_000, backupCount=3, encoding="utf-8")
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return str(path)


def _install_excepthook(log_path: str | None) -> None:
    """An unexpected error shows a polite message; the traceback goes to the log."""

    def hook(exc_type, exc, tb) -> None:
        log.error("Unhandled error:\n%s", "".join(traceback.format_exception(exc_type, exc, tb)))
        if issubclass(exc_type, KeyboardInterrupt):
            return
        try:
            from dtks_desktop.views.common.widgets import show_error

            where = f" Rincian teknis tersimpan di: {log_path}" if log_path else ""
            show_error(None, "Terjadi kesalahan yang tidak terduga. Pekerjaan yang sedang berjalan mungkin belum tersimpan.",
                       "Silakan coba lagi. Bila masalah berulang, hubungi admin." + where)
        except Exception:  # noqa: BLE001 - never fail inside the hook
            pass

    sys.excepthook = hook


class AppController:
    """Runs the start-up flow; reusable from tests with the dialogs' ``exec`` replaced."""

    def __init__(self, url: str | None = None, *, create: bool = False) -> None:
        # ``url`` is what to open; None means the configured default (env, saved, local).
        config.migrate_saved_password()
        self.url = config.resolve_database_url(url)
        # A SQLite file that does not exist is created only when the user chose it in a dialog
        # (or it is the default database in the data folder); a mistyped --db path, the
        # environment variable or a saved connection to a file that went missing says so.
        self.may_create = create
        self.save_on_success = False  # True when the user chose the database in a dialog
        self.db = None
        self.window = None
        self._switch_to: str | None = None

    # -------------------------------------------------------------- steps
    def exec_dialog(self, dialog) -> int:
        """Show a modal dialog. A seam for tests (they replace it)."""
        return dialog.exec()

    def open_database(self, url: str):
        """Open ``url`` in a job with a progress dialog. Returns the Database or raises."""
        from dtks_desktop.jobs import Job
        from dtks_desktop.views.common.widgets import run_with_progress

        job = Job(_open_database_job, url, self.may_create, with_progress=True)
        db = run_with_progress(None, job, "Membuka basis data", show_errors=False)
        if db is not None:
            return db
        error = getattr(job, "error", None)
        if error is None:  # cancelled by the user
            from dtks_desktop.db.engine import DatabaseOpenError

            raise DatabaseOpenError(
                "Pembukaan basis data dibatalkan.",
                "Pilih basis data lain, atau coba buka lagi.",
                "open",
            )
        raise error

    def open_loop(self):
        """Open the database, asking the user what to do while it fails. None = quit."""
        from dtks_desktop.views.shell.dialogs import ConnectionDialog, DatabaseErrorDialog

        while True:
            try:
                db = self.open_database(self.url)
            except Exception as exc:  # noqa: BLE001 - every failure becomes the choices dialog
                if self._password_missing(exc):
                    # The server password is not kept on this computer (no keyring): ask for it.
                    conn = ConnectionDialog(self.url, prefer_server=True, ask_password=True)
                    self.last_password_prompt = conn
                    if self.exec_dialog(conn) and conn.saved_url:
                        self.url = conn.saved_url  # with the password, for this session only
                        self.save_on_success = False
                        continue
                if not hasattr(exc, "hint"):
                    log.error("Opening %s failed", config.describe_url(self.url) if "://" in self.url else "?",
                              exc_info=exc)
                if getattr(exc, "message", None):
                    dialog = DatabaseErrorDialog.from_error(exc, self.url)
                else:  # e.g. a malformed URL given with --db
                    dialog = DatabaseErrorDialog(
                        f"Basis data tidak dapat dibuka ({type(exc).__name__}).",
                        "Periksa alamat basis data, pilih berkas lain, atau pakai basis data lokal bawaan.",
                        self.url,
                    )
                self.last_error_dialog = dialog
                self.exec_dialog(dialog)
                if dialog.choice == "quit":
                    return None
                if dialog.choice in ("file", "default") and dialog.chosen_url:
                    self.url = dialog.chosen_url
                    self.may_create = True  # "Pilih berkas lain…" also takes a new file name
                    self.save_on_success = True
                elif dialog.choice == "connection":
                    conn = ConnectionDialog(self.url, prefer_server=True)
                    if self.exec_dialog(conn) and conn.saved_url:
                        self.url = conn.saved_url  # already saved by the dialog
                        self.may_create = True
                        self.save_on_success = False
                continue
            if self.save_on_success:
                try:
                    default = config.sqlite_url(config.default_sqlite_path())
                    config.save_database_url(None if self.url == default else self.url)
                except OSError:
                    log.warning("Could not save the chosen database", exc_info=True)
                self.save_on_success = False
            return db

    def _password_missing(self, exc: BaseException) -> bool:
        """The server refused us and we gave it no password (none in the URL, none in the keyring)."""
        if getattr(exc, "kind", None) != "auth" or not self.url.startswith("postgresql"):
            return False
        try:
            return not config.has_password(self.url)
        except Exception:  # noqa: BLE001 - a URL we cannot parse: the normal error dialog
            return False

    def first_run(self, db) -> str | None:
        """Create the first administrator if the database has no user. Returns a username to prefill."""
        from dtks_desktop.views.shell.dialogs import FirstAdminDialog

        if db.has_users():
            return ""
        dialog = FirstAdminDialog(db)
        if not self.exec_dialog(dialog) or dialog.actor is None:
            return None
        return dialog.actor.username

    def run(self) -> int:
        from PySide6.QtWidgets import QApplication, QDialog

        from dtks_desktop.views.common.context import AppContext
        from dtks_desktop.views.shell.dialogs import ConnectionDialog, LoginDialog
        from dtks_desktop.views.shell.main_window import MainWindow
        from dtks_desktop.views.common.widgets import show_exception

        app = QApplication.instance()
        while True:
            db = self.open_loop()
            if db is None:
                return 0
            self.db = db
            try:
                username = self.first_run(db)
            except Exception as exc:  # noqa: BLE001
                log.exception("First run failed")
                show_exception(None, exc)
                username = None
            if username is None:
                db.dispose()
                return 0

            login = LoginDialog(db, username)
            result = self.exec_dialog(login)
            if result == LoginDialog.SwitchDatabase:
                conn = ConnectionDialog(db.url)
                if self.exec_dialog(conn) and conn.saved_url:
                    self.url = conn.saved_url
                    self.may_create = True
                db.dispose()
                continue
            if result != QDialog.DialogCode.Accepted or login.actor is None:
                db.dispose()
                return 0

            self._switch_to = None
            window = MainWindow(AppContext(db, login.actor))
            self.window = window
            window.switch_database_requested.connect(self._request_switch)
            window.closed.connect(app.quit)
            window.show()
            app.exec()
            self.window = None
            window.deleteLater()
            db.dispose()
            if self._switch_to is None:
                return 0
            self.url = self._switch_to
            self.may_create = True  # saved in the connection dialog

    def _request_switch(self, url: str) -> None:
        self._switch_to = url
        if self.window is not None:
            self.window.close()


def _open_database_job(url: str, create: bool = False, progress=None, cancel=None):
    """Worker: open (connect, migrate, load regions); honour a cancel that came meanwhile."""
    from dtks_desktop.services.core.common import Cancelled
    from dtks_desktop.services.core.database import open_database

    if progress:
        progress(0, 0, "Membuka basis data…")
    db = open_database(url, create=create)
    if cancel is not None and cancel():
        db.dispose()
        raise Cancelled()
    return db


def main(argv: Sequence[str] | None = None) -> int:
    """Start the GUI. Returns the process exit code."""
    multiprocessing.freeze_support()  # import workers in the frozen Windows build
    args_list = list(sys.argv[1:] if argv is None else argv)
    # Started as a GUI program on Windows (pythonw) there is no console: keep print() harmless.
    if sys.stdout is None:
        sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    parser = build_parser()
    try:
        args = parser.parse_args(args_list)
    except SystemExit as exc:  # --help, --version or a bad option: argparse has printed the text
        return int(exc.code or 0) if not isinstance(exc.code, str) else 2

    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    owns_app = app is None
    if owns_app:  # a real start (not a test that already has an application)
        log_path = _setup_logging()
        app = QApplication([sys.argv[0] if sys.argv else "dtks-desktop"])
        _install_excepthook(log_path)
    app.setApplicationName(config.APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName(config.APP_AUTHOR)
    quit_on_last = app.quitOnLastWindowClosed()
    app.setQuitOnLastWindowClosed(False)  # the controller decides when the app ends

    smoke = None
    if args.smoke_test is not None:
        from dtks_desktop.smoke import SmokeTest

        smoke = SmokeTest(app, args.smoke_test)
    try:
        code = AppController(args.db).run()
        return smoke.finish(code) if smoke is not None else code
    except Exception as exc:  # noqa: BLE001 - last line of defence: a message, never a traceback
        log.exception("Fatal error")
        if smoke is not None:
            smoke.fail(f"fatal error: {type(exc).__name__}: {exc}")
        try:
            from dtks_desktop.views.common.widgets import show_exception

            show_exception(None, exc, "DTKS Desktop harus ditutup")
        except Exception:  # noqa: BLE001
            pass
        return 1
    finally:
        if not owns_app:
            app.setQuitOnLastWindowClosed(quit_on_last)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
