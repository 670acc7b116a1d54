"""The server password of a saved connection never lands in config.json (issue 8, item 10).

A small in-memory keyring stands in for Windows Credential Manager; keyring's ``fail``
backend is the headless Linux with no keyring at all.
"""

from __future__ import annotations

import json
import os
import stat
import sys

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail
from keyring.errors import PasswordDeleteError

from dtks_desktop import config

SERVER = "postgresql+psycopg://petugas:p%40ss%3Aw%2Frd@db.dinsos.local:5433/dtks"
BARE = "postgresql+psycopg://petugas@db.dinsos.local:5433/dtks"
SECRET = "p@ss:w/rd"
KEY = "petugas@db.dinsos.local:5433/dtks"


class MemoryKeyring(KeyringBackend):
    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.items.get((service, username))

    def set_password(self, service, username, password):
        self.items[(service, username)] = password

    def delete_password(self, service, username):
        try:
            del self.items[(service, username)]
        except KeyError:
            raise PasswordDeleteError(username) from None


@pytest.fixture(autouse=True)
def config_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("DTKS_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.delenv("DTKS_DATABASE_URL", raising=False)
    before = keyring.get_keyring()
    yield tmp_path / "config"
    keyring.set_keyring(before)


@pytest.fixture
def memory_keyring():
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    return ring


@pytest.fixture
def no_keyring():
    keyring.set_keyring(fail.Keyring())


def _file_text(config_dir) -> str:
    return (config_dir / "config.json").read_text(encoding="utf-8")


def test_saved_server_password_goes_to_the_keyring_not_the_file(config_dir, memory_keyring):
    stored = config.save_database_url(SERVER)
    text = _file_text(config_dir)
    assert SECRET not in text and "p%40ss" not in text, "the server password was written to config.json"
    assert stored is True
    assert json.loads(text)["database_url"] == BARE
    assert memory_keyring.items == {("DTKS Desktop", KEY): SECRET}
    # Read back: the URL with its password, for this session only.
    assert config.saved_database_url() == SERVER
    assert config.resolve_database_url() == SERVER


def test_without_a_keyring_the_password_is_kept_nowhere(config_dir, no_keyring):
    stored = config.save_database_url(SERVER)
    text = _file_text(config_dir)
    assert SECRET not in text and "p%40ss" not in text, "the server password was written to config.json"
    assert stored is False and not config.keyring_available()
    assert config.saved_database_url() == BARE  # the app asks for the password at start


@pytest.mark.skipif(sys.platform == "win32", reason="file modes are POSIX")
def test_config_file_is_private(config_dir, no_keyring):
    config.save_database_url(BARE)
    mode = stat.S_IMODE(os.stat(config_dir / "config.json").st_mode)
    assert mode == 0o600


@pytest.mark.parametrize("with_keyring", [True, False])
def test_old_config_with_a_plain_password_is_migrated(config_dir, with_keyring):
    ring = MemoryKeyring()
    keyring.set_keyring(ring if with_keyring else fail.Keyring())
    config_dir.mkdir(parents=True, exist_ok=True)
    path = config_dir / "config.json"
    path.write_text(json.dumps({"database_url": SERVER, "other": 1}), encoding="utf-8")
    os.chmod(path, 0o644)

    url = config.saved_database_url()
    text = _file_text(config_dir)
    assert SECRET not in text and "p%40ss" not in text, "the plain password stayed in config.json"
    assert json.loads(text) == {"database_url": BARE, "other": 1}
    if with_keyring:
        assert ring.items == {("DTKS Desktop", KEY): SECRET}
        assert url == SERVER
    else:
        assert url == BARE
    if sys.platform != "win32":
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_connection_dialog_saves_the_password_in_the_keyring(qtbot, config_dir, memory_keyring):
    from dtks_desktop.views.shell.dialogs import ConnectionDialog

    dlg = ConnectionDialog(None)
    qtbot.addWidget(dlg)
    dlg.server_radio.setChecked(True)
    dlg.host_edit.setText("db.dinsos.local")
    dlg.port_spin.setValue(5433)
    dlg.user_edit.setText("petugas")
    dlg.password_edit.setText(SECRET)
    assert "Credential Manager" in dlg.password_note.text()
    dlg.save()
    assert dlg.saved_url == SERVER and dlg.password_kept
    assert SECRET not in _file_text(config_dir) and "p%40ss" not in _file_text(config_dir)
    assert memory_keyring.items[("DTKS Desktop", KEY)] == SECRET
    # Opened again: the password comes back from the keyring.
    again = ConnectionDialog(config.saved_database_url())
    qtbot.addWidget(again)
    assert again.password_edit.text() == SECRET


def test_start_asks_for_the_server_password_when_none_is_kept(qtbot, config_dir, no_keyring, monkeypatch):
    """Headless: the saved connection has no password; the start-up prompts for it and connects."""
    from PySide6.QtWidgets import QDialog

    from dtks_desktop.app import AppController
    from dtks_desktop.db.engine import DatabaseOpenError
    from dtks_desktop.views.shell.dialogs import ConnectionDialog

    config.save_database_url(SERVER)
    tried: list[str] = []

    def fake_open(self, url):
        tried.append(url)
        if not config.has_password(url):
            raise DatabaseOpenError("Server PostgreSQL menolak nama pengguna atau kata sandi.", "", "auth")
        return "db"

    monkeypatch.setattr(AppController, "open_database", fake_open)
    controller = AppController()
    assert controller.url == BARE
    shown = []

    def drive(dialog):
        shown.append(dialog)
        assert isinstance(dialog, ConnectionDialog)
        assert dialog.prompt_label.isVisibleTo(dialog) and dialog.server_radio.isChecked()
        assert dialog.host_edit.text() == "db.dinsos.local" and dialog.password_edit.text() == ""
        dialog.password_edit.setText(SECRET)
        dialog.save()
        return QDialog.DialogCode.Accepted

    controller.exec_dialog = drive
    assert controller.open_loop() == "db"
    assert tried == [BARE, SERVER] and len(shown) == 1
    assert SECRET not in _file_text(config_dir) and "p%40ss" not in _file_text(config_dir)


def test_cli_without_a_terminal_says_where_to_give_the_server_password(config_dir, no_keyring, monkeypatch, capsys):
    from dtks_desktop.cli import main
    from dtks_desktop.db.engine import DatabaseOpenError
    from dtks_desktop.services.core import database as database_service

    config.save_database_url(SERVER)

    def fake_open(url=None, **kw):
        raise DatabaseOpenError("Server PostgreSQL menolak nama pengguna atau kata sandi.", "", "auth")

    monkeypatch.setattr(database_service, "open_database", fake_open)
    monkeypatch.setattr(sys, "stdin", None)
    assert main(["db", "upgrade"]) == 3
    err = capsys.readouterr().err
    assert "DTKS_DATABASE_URL" in err and "PGPASSWORD" in err and "Traceback" not in err


def test_a_plain_password_is_removed_at_start_even_when_another_database_is_given(config_dir, no_keyring, tmp_path):
    from dtks_desktop.app import AppController

    config_dir.mkdir(parents=True, exist_ok=True)
    (config_dir / "config.json").write_text(json.dumps({"database_url": SERVER}), encoding="utf-8")
    AppController(config.sqlite_url(tmp_path / "lain.sqlite"))  # started with --db
    assert SECRET not in _file_text(config_dir) and "p%40ss" not in _file_text(config_dir)
