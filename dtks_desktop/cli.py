"""`dtks`: the command line over the same services as the GUI.

Every command that touches data runs as a user: ``--user NAME`` with the
password from ``DTKS_PASSWORD`` or a prompt. ``--db URL`` (or
``DTKS_DATABASE_URL``) chooses the database everywhere. Errors are printed in
Indonesian on stderr with a non-zero exit status; never a traceback.
"""

from __future__ import annotations

import argparse
import getpass
import json
import multiprocessing
import os
import sys
import time
from pathlib import Path
from typing import Callable, Sequence

from . import __version__
from .config import ENV_PASSWORD, describe_url, resolve_database_url
from .db.engine import DatabaseOpenError
from .domain.formatting import angka
from .domain.status import ROLE_LABELS, Role
from .services.common import Cancelled

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_AUTH = 3


class CliError(Exception):
    def __init__(self, message: str, code: int = EXIT_ERROR) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


# --- helpers -----------------------------------------------------------------------------------

def _password(prompt: str, *, confirm: bool = False) -> str:
    env = os.environ.get(ENV_PASSWORD)
    if env:
        return env
    if not sys.stdin or not sys.stdin.isatty():
        raise CliError(f"Kata sandi tidak diberikan: isi variabel lingkungan {ENV_PASSWORD} atau jalankan di terminal.",
                       EXIT_AUTH)
    pw = getpass.getpass(prompt)
    if confirm and getpass.getpass("Ulangi kata sandi: ") != pw:
        raise CliError("Kedua kata sandi tidak sama.", EXIT_USAGE)
    return pw


def _open(args):
    from .services.database import open_database

    try:
        return open_database(args.db)
    except DatabaseOpenError as exc:
        raise CliError(f"{exc.message} {exc.hint}".strip()) from None


def _login(args, db):
    from .services.database import login
    from .services.users import LoginError

    if not args.user:
        raise CliError("Perintah ini perlu pengguna: tambahkan --user NAMA (kata sandi dari DTKS_PASSWORD).",
                       EXIT_USAGE)
    try:
        return login(db, args.user, _password(f"Kata sandi {args.user}: "))
    except LoginError as exc:
        raise CliError(str(exc), EXIT_AUTH) from None


class _ProgressPrinter:
    """Prints progress to stderr at most twice a second (only on a terminal unless --progress)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.last = 0.0

    def __call__(self, done: int, total: int, text: str = "") -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.last < 0.5 and done < total:
            return
        self.last = now
        pct = f"{100 * done / total:5.1f}%" if total else ""
        print(f"\r{pct} {text} ({angka(done)}/{angka(total)})", end="", file=sys.stderr, flush=True)
        if total and done >= total:
            print(file=sys.stderr)


def _emit(args, data: dict, human: str) -> None:
    if getattr(args, "json", False):
        print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    else:
        print(human)


# --- commands ----------------------------------------------------------------------------------

def cmd_db_init(args) -> int:
    from .services.users import UserError, create_user

    db = _open(args)
    try:
        if db.has_users():
            raise CliError(f"Basis data {db.description} sudah punya pengguna; tidak dibuat ulang.")
        password = _password(f"Kata sandi baru untuk {args.admin}: ", confirm=True)
        try:
            with db.transaction() as s:
                create_user(s, args.admin, password, Role.ADMIN, full_name=args.full_name)
        except UserError as exc:
            raise CliError(str(exc), EXIT_USAGE) from None
        _emit(args, {"database": db.description, "admin": args.admin},
              f"Basis data siap: {db.description}\nAdministrator: {args.admin}")
    finally:
        db.dispose()
    return EXIT_OK


def cmd_db_upgrade(args) -> int:
    from .db.migrate import current_revision, head_revision

    db = _open(args)  # open_database migrates
    try:
        rev = current_revision(db.engine)
        _emit(args, {"database": db.description, "revision": rev, "head": head_revision()},
              f"Skema basis data mutakhir (revisi {rev}): {db.description}")
    finally:
        db.dispose()
    return EXIT_OK


def cmd_db_info(args) -> int:
    from .services.stats import database_summary

    db = _open(args)
    try:
        _login(args, db)
        with db.sessions() as s:
            info = database_summary(s)
        info["database"] = db.description
        human = "\n".join(f"{k}: {v}" for k, v in info.items())
        _emit(args, info, human)
    finally:
        db.dispose()
    return EXIT_OK


def cmd_user_add(args) -> int:
    from .services.users import UserError, create_user

    db = _open(args)
    try:
        actor = _login(args, db)
        new_pw = os.environ.get("DTKS_NEW_PASSWORD") or _password(f"Kata sandi untuk {args.name}: ", confirm=True)
        try:
            with db.transaction() as s:
                create_user(s, args.name, new_pw, args.role, full_name=args.full_name, by=actor)
        except UserError as exc:
            raise CliError(str(exc), EXIT_USAGE) from None
        _emit(args, {"username": args.name, "role": args.role},
              f"Pengguna {args.name} ({ROLE_LABELS[Role(args.role)]}) dibuat.")
    finally:
        db.dispose()
    return EXIT_OK


def cmd_user_list(args) -> int:
    from .services.users import list_users

    db = _open(args)
    try:
        _login(args, db)
        with db.sessions() as s:
            users = list_users(s)
        data = [{"username": u.username, "full_name": u.full_name, "role": u.role, "active": u.active} for u in users]
        human = "\n".join(f"{u.username:20} {u.role:12} {'aktif' if u.active else 'nonaktif'}" for u in users)
        _emit(args, {"users": data}, human)
    finally:
        db.dispose()
    return EXIT_OK


def cmd_audit(args) -> int:
    from .services.audit import AuditFilter, list_events

    db = _open(args)
    try:
        _login(args, db)
        with db.sessions() as s:
            rows = list_events(s, AuditFilter(username=args.by, action=args.action), limit=args.limit)
        data = [{"at": r.at, "user": r.username, "action": r.action, "entity": r.entity_type,
                 "entity_id": r.entity_id, "summary": r.summary, "reason": r.reason} for r in rows]
        human = "\n".join(f"{r.at:%Y-%m-%d %H:%M:%S} {r.username or '-':12} {r.action:18} {r.summary or ''}" for r in rows)
        _emit(args, {"events": data}, human or "Belum ada kejadian.")
    finally:
        db.dispose()
    return EXIT_OK


def cmd_demo_data(args) -> int:
    from .services import demo

    cfg = demo.DemoConfig(people=args.people, seed=args.seed, kab=args.kab, dukcapil_ratio=args.dukcapil_ratio)
    progress = _ProgressPrinter(sys.stderr.isatty() or args.progress)
    t0 = time.perf_counter()
    try:
        files = demo.generate_files(Path(args.outdir), cfg, xlsx=not args.no_xlsx, progress=progress)
    except ValueError as exc:
        raise CliError(str(exc), EXIT_USAGE) from None
    data = {"outdir": str(Path(args.outdir).resolve()), "files": {k: str(v) for k, v in files.items()},
            "seconds": round(time.perf_counter() - t0, 2)}
    human = "Data contoh ditulis ke " + data["outdir"] + ":\n" + "\n".join(f"  {k}: {Path(v).name}" for k, v in files.items())
    _emit(args, data, human)
    return EXIT_OK


def cmd_demo_load(args) -> int:
    from .services import demo_loader

    db = _open(args)
    try:
        actor = _login(args, db)
        progress = _ProgressPrinter(sys.stderr.isatty() or args.progress)
        result = demo_loader.load_demo(db, actor, people=args.people, seed=args.seed, kab=args.kab, progress=progress)
        _emit(args, result.as_dict(), result.summary_text())
    finally:
        db.dispose()
    return EXIT_OK


def cmd_import(args) -> int:
    from .services.importing.mapping import MappingError
    from .services.importing.readers import ImportFileError
    from .services.importing.run import run_import

    db = _open(args)
    try:
        actor = _login(args, db)
        progress = _ProgressPrinter(sys.stderr.isatty() or args.progress)
        choices = None
        if args.column:
            choices = {}
            for item in args.column:
                if "=" not in item:
                    raise CliError(f"--column harus berbentuk FIELD=JUDUL_KOLOM, bukan '{item}'.", EXIT_USAGE)
                k, v = item.split("=", 1)
                choices[k.strip()] = v.strip() or None
        try:
            result = run_import(db, actor, args.file, kind=args.kind, preset=args.preset, choices=choices,
                                program=args.program, periode=args.periode, kab=args.kab, report_dir=args.report_dir,
                                write_report_file=not args.no_report, progress=progress)
        except (ImportFileError, MappingError) as exc:
            raise CliError(exc.message if hasattr(exc, "message") else str(exc)) from None
        data = result.as_dict()
        _emit(args, data, result.summary_text() + (f"\nLaporan masalah: {result.report}" if result.report else ""))
    finally:
        db.dispose()
    return EXIT_OK


def cmd_import_history(args) -> int:
    from .services.importing.run import history

    db = _open(args)
    try:
        _login(args, db)
        with db.sessions() as s:
            rows = history(s, kind=args.kind)
        data = {"batches": [b.as_dict() for b in rows]}
        human = "\n".join(
            f"#{b.id:<4} {b.started_at.astimezone():%d-%m-%Y %H:%M} {b.kind:9} {b.file_name:40} "
            f"{angka(b.rows_read):>9} baris, {angka(b.imported)} baru, {angka(b.updated)} diperbarui, "
            f"{angka(b.rejected)} ditolak ({b.username})" for b in rows)
        _emit(args, data, human or "Belum ada impor.")
    finally:
        db.dispose()
    return EXIT_OK


# --- parser ------------------------------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    def options(suppress: bool) -> argparse.ArgumentParser:
        # The same options are accepted before and after the sub-command; on the
        # sub-command they default to SUPPRESS so they never overwrite a value
        # given before it.
        d = {"default": argparse.SUPPRESS} if suppress else {}
        o = argparse.ArgumentParser(add_help=False)
        o.add_argument("--db", metavar="URL", help="basis data: berkas SQLite atau postgresql://... "
                       "(bawaan: DTKS_DATABASE_URL atau basis data lokal)", **d)
        o.add_argument("--user", metavar="NAMA",
                       help="pengguna yang menjalankan perintah (kata sandi dari DTKS_PASSWORD)", **d)
        o.add_argument("--json", action="store_true", help="keluaran JSON", **d)
        return o

    common = options(True)
    p = argparse.ArgumentParser(prog="dtks", description="DTKS Desktop — baris perintah", parents=[options(False)])
    p.add_argument("--version", action="version", version=f"DTKS Desktop {__version__}")
    sub = p.add_subparsers(dest="command", metavar="PERINTAH")

    pdb = sub.add_parser("db", help="basis data: init, upgrade, info", parents=[common])
    dsub = pdb.add_subparsers(dest="db_command", metavar="SUBPERINTAH")
    x = dsub.add_parser("init", help="buat basis data dan administratornya", parents=[common])
    x.add_argument("--admin", required=True, metavar="NAMA")
    x.add_argument("--full-name", metavar="NAMA_LENGKAP")
    x.set_defaults(func=cmd_db_init)
    x = dsub.add_parser("upgrade", help="terapkan migrasi skema", parents=[common])
    x.set_defaults(func=cmd_db_upgrade)
    x = dsub.add_parser("info", help="ringkasan isi basis data", parents=[common])
    x.set_defaults(func=cmd_db_info)

    pu = sub.add_parser("user", help="pengguna: add, list", parents=[common])
    usub = pu.add_subparsers(dest="user_command", metavar="SUBPERINTAH")
    x = usub.add_parser("add", help="tambah pengguna (kata sandinya dari DTKS_NEW_PASSWORD atau ditanya)",
                        parents=[common])
    x.add_argument("name", metavar="NAMA")
    x.add_argument("--role", required=True, choices=[r.value for r in Role])
    x.add_argument("--full-name", metavar="NAMA_LENGKAP")
    x.set_defaults(func=cmd_user_add)
    x = usub.add_parser("list", help="daftar pengguna", parents=[common])
    x.set_defaults(func=cmd_user_list)

    x = sub.add_parser("audit", help="tampilkan log audit terbaru", parents=[common])
    x.add_argument("--by", metavar="NAMA", help="hanya kejadian oleh pengguna ini")
    x.add_argument("--action", help="hanya tindakan ini (mis. member.status)")
    x.add_argument("--limit", type=int, default=50)
    x.set_defaults(func=cmd_audit)

    pim = sub.add_parser("import", help="impor berkas: dtks, dukcapil, program; history", parents=[common])
    isub = pim.add_subparsers(dest="import_command", metavar="JENIS")
    for kind, label in (("dtks", "ekspor SIKS-NG (DTKS/DTSEN)"), ("dukcapil", "data Disdukcapil"),
                        ("program", "daftar penerima program/subsidi")):
        x = isub.add_parser(kind, help=f"impor {label}", parents=[common])
        x.add_argument("file", metavar="BERKAS")
        x.add_argument("--preset", help="preset kolom (siksng_dtks, siksng_desil, dukcapil, program)")
        x.add_argument("--program", help="nama program bila berkas tidak punya kolom PROGRAM (mis. PKH)")
        x.add_argument("--periode", help="periode bila berkas tidak punya kolom PERIODE (mis. 2026-10)")
        x.add_argument("--kab", help="kode kabupaten/kota (bawaan: dari Pengaturan)")
        x.add_argument("--column", action="append", metavar="FIELD=JUDUL",
                       help="pilih kolom secara eksplisit, mis. nik=\"NIK ART\" (boleh berulang)")
        x.add_argument("--report-dir", help="folder laporan masalah .xlsx (bawaan: folder data aplikasi)")
        x.add_argument("--no-report", action="store_true", help="jangan tulis laporan .xlsx (masalah tetap disimpan)")
        x.add_argument("--progress", action="store_true")
        x.set_defaults(func=cmd_import, kind=kind)
    x = isub.add_parser("history", help="riwayat impor", parents=[common])
    x.add_argument("--kind", choices=["dtks", "dukcapil", "program"])
    x.set_defaults(func=cmd_import_history)

    x = sub.add_parser("demo-data", help="tulis berkas data contoh (sintetis) ke folder", parents=[common])
    x.add_argument("outdir", metavar="FOLDER")
    x.add_argument("--people", type=int, default=2000, help="jumlah orang di DTKS (bawaan 2000)")
    x.add_argument("--seed", type=int, default=1)
    x.add_argument("--kab", default="33.10", help="kode kabupaten/kota Kemendagri (bawaan 33.10 Klaten)")
    x.add_argument("--dukcapil-ratio", type=float, default=2.0, help="penduduk Dukcapil per orang DTKS")
    x.add_argument("--no-xlsx", action="store_true", help="hanya CSV")
    x.add_argument("--progress", action="store_true")
    x.set_defaults(func=cmd_demo_data)

    x = sub.add_parser("demo-load", help="isi basis data dengan data contoh (sintetis)", parents=[common])
    x.add_argument("--people", type=int, default=2000)
    x.add_argument("--seed", type=int, default=1)
    x.add_argument("--kab", default="33.10")
    x.add_argument("--progress", action="store_true")
    x.set_defaults(func=cmd_demo_load)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    multiprocessing.freeze_support()  # import workers in the frozen Windows build
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Callable | None = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        return func(args)
    except CliError as exc:
        print(f"Galat: {exc.message}", file=sys.stderr)
        return exc.code
    except Cancelled as exc:
        print(exc.message, file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("\nDibatalkan.", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
