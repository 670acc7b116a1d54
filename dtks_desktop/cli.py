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

from dtks_desktop import __version__
from dtks_desktop.config import ENV_PASSWORD, describe_url, resolve_database_url
from dtks_desktop.db.engine import DatabaseOpenError, busy_message
from dtks_desktop.domain.formatting import angka
from dtks_desktop.domain.status import ROLE_LABELS, Role
from dtks_desktop.services.common import Cancelled
from dtks_desktop.services.locks import LockBusy

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_AUTH = 3
EXIT_PIPE = 141  # 128 + SIGPIPE: what a shell reports for a Unix tool whose reader went away


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


def _open(args, *, create: bool = False):
    """Open the database of ``--db`` / DTKS_DATABASE_URL. Only ``create=True`` (db init) makes a
    SQLite file that does not exist; elsewhere a mistyped path is an error, not a new database.
    A server whose password is kept nowhere on this computer (no keyring) asks for it."""
    from dtks_desktop import config
    from dtks_desktop.services.database import open_database

    config.migrate_saved_password()
    url = resolve_database_url(args.db)
    try:
        return open_database(url, create=create)
    except DatabaseOpenError as exc:
        if exc.kind != "auth" or not url.startswith("postgresql") or config.has_password(url):
            hint = exc.hint
            if exc.kind == "missing":
                hint += " Basis data baru dibuat dengan: dtks --db BERKAS db init --admin NAMA."
            raise CliError(f"{exc.message} {hint}".strip()) from None
        # The saved connection has no password (no keyring on this computer): ask for it.
        if not sys.stdin or not sys.stdin.isatty():
            raise CliError(
                f"{exc.message} Kata sandi server tidak tersimpan di komputer ini: tuliskan di --db atau "
                f"{config.ENV_DATABASE_URL} (postgresql://nama:sandi@server/dtks), atau isi PGPASSWORD.",
                EXIT_AUTH) from None
    password = getpass.getpass(f"Kata sandi server PostgreSQL ({config.credential_key(url)}): ")
    try:
        return open_database(config.with_password(url, password), create=create)
    except DatabaseOpenError as exc:
        raise CliError(f"{exc.message} {exc.hint}".strip(), EXIT_AUTH if exc.kind == "auth" else EXIT_ERROR) from None


def _login(args, db):
    from dtks_desktop.services.database import login
    from dtks_desktop.services.users import LoginError

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
    from dtks_desktop.domain.regions import kabupaten_display
    from dtks_desktop.services import settings as settings_service
    from dtks_desktop.services.users import UserError, create_user

    kab = None
    if args.kab:
        try:
            kab = settings_service.check_kab_code(args.kab)
        except settings_service.OfficeKabError as exc:
            raise CliError(exc.message, EXIT_USAGE) from None
    db = _open(args, create=True)
    try:
        if db.has_users():
            raise CliError(f"Basis data {db.description} sudah punya pengguna; tidak dibuat ulang.")
        password = _password(f"Kata sandi baru untuk {args.admin}: ", confirm=True)
        try:
            with db.transaction() as s:
                actor = create_user(s, args.admin, password, Role.ADMIN, full_name=args.full_name)
                if kab:
                    settings_service.set_office_kab(s, actor, kab, reason="Penyiapan basis data (dtks db init)")
                else:
                    kab = settings_service.office_kab(s)
        except UserError as exc:
            raise CliError(str(exc), EXIT_USAGE) from None
        label = kabupaten_display(kab) if kab else None
        _emit(args, {"database": db.description, "admin": args.admin, "kab_kode": kab, "kabupaten": label},
              f"Basis data siap: {db.description}\nAdministrator: {args.admin}\nKabupaten/kota: "
              + (label or "belum ditetapkan (ditetapkan oleh impor pertama, atau oleh admin di Pengaturan)"))
    finally:
        db.dispose()
    return EXIT_OK


def cmd_db_upgrade(args) -> int:
    from dtks_desktop.db.migrate import current_revision, head_revision

    db = _open(args)  # open_database migrates
    try:
        rev = current_revision(db.engine)
        _emit(args, {"database": db.description, "revision": rev, "head": head_revision()},
              f"Skema basis data mutakhir (revisi {rev}): {db.description}")
    finally:
        db.dispose()
    return EXIT_OK


def cmd_db_info(args) -> int:
    from dtks_desktop.services.stats import database_summary

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


def cmd_db_kab(args) -> int:
    """Show the office's kabupaten/kota; with a code, set it (a change: admin only, audited)."""
    from dtks_desktop.domain.regions import kabupaten_display
    from dtks_desktop.services import settings as settings_service

    db = _open(args)
    try:
        actor = _login(args, db)
        changed = False
        if args.kode:
            try:
                with db.transaction() as s:
                    changed = settings_service.set_office_kab(s, actor, args.kode, confirmed=args.force,
                                                              reason=args.reason)
            except settings_service.OfficeKabError as exc:
                extra = " Tambahkan --force untuk tetap menggantinya." if exc.needs_confirmation else ""
                raise CliError(exc.message + extra, EXIT_USAGE) from None
        with db.sessions() as s:
            kab = settings_service.office_kab(s)
        label = kabupaten_display(kab) if kab else None
        human = f"Kabupaten/kota kantor: {label or 'belum ditetapkan'}" + (" (diubah)" if changed else "")
        _emit(args, {"kab_kode": kab, "kabupaten": label, "changed": changed}, human)
    finally:
        db.dispose()
    return EXIT_OK


def cmd_user_add(args) -> int:
    from dtks_desktop.services.users import UserError, create_user

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
    from dtks_desktop.services.users import list_users

    db = _open(args)
    try:
        _login(args, db)
        with db.sessions() as s:
            users = list_users(s)
        data = [{"username": u.username, "full_name": u.full_name, "role": u.role, "active": u.active,
                 "locked_until": u.locked_until} for u in users]

        def line(u) -> str:
            state = "aktif" if u.active else "nonaktif"
            if u.locked_until is not None:
                state += f", dikunci sampai {u.locked_until.astimezone().strftime('%H:%M')}"
            return f"{u.username:20} {u.role:12} {state}"

        _emit(args, {"users": data}, "\n".join(line(u) for u in users))
    finally:
        db.dispose()
    return EXIT_OK


def cmd_user_unlock(args) -> int:
    from dtks_desktop.services.users import UserError, unlock_user

    db = _open(args)
    try:
        actor = _login(args, db)
        try:
            with db.transaction() as s:
                cleared = unlock_user(s, actor, args.name)
        except UserError as exc:
            raise CliError(str(exc), EXIT_USAGE) from None
        human = (f"Kunci {args.name} dibuka; hitungan gagal masuk dikosongkan." if cleared
                 else f"{args.name} tidak sedang dikunci.")
        _emit(args, {"username": args.name, "unlocked": cleared}, human)
    finally:
        db.dispose()
    return EXIT_OK


def cmd_audit(args) -> int:
    from dtks_desktop.services.audit import AuditFilter, list_events

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
    from dtks_desktop.services import demo

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
    from dtks_desktop.services import demo_loader

    db = _open(args)
    try:
        actor = _login(args, db)
        progress = _ProgressPrinter(sys.stderr.isatty() or args.progress)
        try:
            result = demo_loader.load_demo(db, actor, people=args.people, seed=args.seed, kab=args.kab,
                                           progress=progress)
        except demo_loader.DemoLoadError as exc:
            raise CliError(str(exc)) from None
        _emit(args, result.as_dict(), result.summary_text())
    finally:
        db.dispose()
    return EXIT_OK


def cmd_import(args) -> int:
    from dtks_desktop.services.importing.mapping import MappingError
    from dtks_desktop.services.importing.readers import ImportFileError
    from dtks_desktop.services.importing.run import run_import

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
    from dtks_desktop.services.importing.run import history

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


def cmd_match_run(args) -> int:
    from dtks_desktop.services.matching.service import MatchingError, run_matching

    db = _open(args)
    try:
        actor = _login(args, db)
        progress = _ProgressPrinter(sys.stderr.isatty() or args.progress)
        try:
            summary = run_matching(db, actor, full=args.full, progress=progress)
        except MatchingError as exc:
            raise CliError(exc.message) from None
        _emit(args, summary.as_dict(), summary.summary_text())
    finally:
        db.dispose()
    return EXIT_OK


def cmd_match_export(args) -> int:
    from dtks_desktop.services.matching.service import export_csv

    db = _open(args)
    try:
        _login(args, db)
        try:
            with db.sessions() as s:
                n = export_csv(s, args.out)
        except OSError as exc:
            raise CliError(f"Berkas {args.out} tidak dapat ditulis: {exc.strerror or exc}.") from None
        _emit(args, {"file": str(Path(args.out).resolve()), "rows": n},
              f"{angka(n)} baris hasil pemadanan ditulis ke {args.out}")
    finally:
        db.dispose()
    return EXIT_OK


def cmd_match_accept(args) -> int:
    from dtks_desktop.services.matching.service import MatchingError, bulk_accept, bulk_accept_preview

    db = _open(args)
    try:
        actor = _login(args, db)
        try:
            if args.dry_run:
                with db.sessions() as s:
                    n = bulk_accept_preview(s, args.status, args.min_score)
                _emit(args, {"status": args.status, "min_score": args.min_score, "would_accept": n},
                      f"{angka(n)} hasil '{args.status}' dengan skor ≥ {args.min_score} akan diterima (uji coba).")
                return EXIT_OK
            n = bulk_accept(db, actor, args.status, args.min_score)
        except MatchingError as exc:
            raise CliError(exc.message, EXIT_USAGE) from None
        _emit(args, {"status": args.status, "min_score": args.min_score, "accepted": n},
              f"{angka(n)} hasil '{args.status}' dengan skor ≥ {args.min_score} diterima.")
    finally:
        db.dispose()
    return EXIT_OK


def cmd_match_settings(args) -> int:
    """Show the matching thresholds; ``NAME=VALUE`` changes one (admin or supervisor; audited)."""
    from dataclasses import fields as dc_fields

    from dtks_desktop.domain.status import Role
    from dtks_desktop.services.matching import settings as match_settings

    db = _open(args)
    try:
        actor = _login(args, db)
        names = {f.name: f for f in dc_fields(match_settings.MatchParams)}
        changes = {}
        for item in args.values:
            name, sep, raw = item.partition("=")
            name = name.strip().removeprefix(match_settings.PREFIX)
            if not sep or name not in names:
                raise CliError(f"Pengaturan pemadanan tidak dikenal atau tanpa nilai: '{item}'. Pilih salah satu: "
                               f"{', '.join(names)} (contoh: pulih_otomatis=0).", EXIT_USAGE)
            try:
                changes[name] = int(raw) if names[name].type in ("int", int) else float(raw)
            except ValueError:
                raise CliError(f"Nilai untuk {name} harus angka: '{raw}'.", EXIT_USAGE) from None
        if changes:
            if not actor.has_role(Role.ADMIN, Role.SUPERVISOR):
                raise CliError("Hanya admin atau supervisor yang boleh mengubah pengaturan pemadanan.", EXIT_USAGE)
            with db.transaction() as s:
                for name, value in changes.items():
                    match_settings.save_param(s, actor, name, value)
        with db.sessions() as s:
            params = match_settings.load_params(s)
        data = {f: getattr(params, f) for f in names}
        _emit(args, data, "\n".join(f"{match_settings.PREFIX}{k} = {v}" for k, v in data.items()))
    finally:
        db.dispose()
    return EXIT_OK


def _write_report(fn, db, out: str, **kw):
    from dtks_desktop.services.match_reports import ReportError

    try:
        return fn(db, Path(out), **kw)
    except ReportError as exc:
        raise CliError(exc.message) from None
    except OSError as exc:
        raise CliError(f"Berkas {out} tidak dapat ditulis: {exc.strerror or exc}.") from None


def cmd_match_report(args) -> int:
    from dtks_desktop.services import match_reports as R

    suffix = Path(args.out).suffix.lower()
    if suffix not in (".pdf", ".xlsx"):
        raise CliError("Nama berkas laporan harus berakhiran .pdf atau .xlsx.", EXIT_USAGE)
    db = _open(args)
    try:
        _login(args, db)
        if args.report == "summary":
            fn = R.write_summary_pdf if suffix == ".pdf" else R.write_summary_xlsx
            res = _write_report(fn, db, args.out, kab_kode=args.kab)
            human = f"Rekap pemadanan {angka(res.villages)} desa/kelurahan ditulis ke {res.path}"
        else:
            fn = R.write_village_lists_pdf if suffix == ".pdf" else R.write_village_lists_xlsx
            res = _write_report(fn, db, args.out, desa=args.desa or None)
            human = (f"Daftar perbaikan NIK: {angka(res.rows)} orang di {angka(res.villages)} desa/kelurahan "
                     f"ditulis ke {res.path} (NIK dan No KK disamarkan)")
        if res.pages:
            human += f", {angka(res.pages)} halaman"
        _emit(args, {"file": str(res.path.resolve()), "rows": res.rows, "villages": res.villages,
                     "pages": res.pages}, human)
    finally:
        db.dispose()
    return EXIT_OK


def cmd_programmes_link(args) -> int:
    from dtks_desktop.services.programmes import ProgrammeError, link_programmes

    db = _open(args)
    try:
        actor = _login(args, db)
        progress = _ProgressPrinter(sys.stderr.isatty() or args.progress)
        try:
            result = link_programmes(db, actor, progress=progress)
        except ProgrammeError as exc:
            raise CliError(exc.message, EXIT_AUTH) from None
        _emit(args, result.as_dict(), result.summary_text())
    finally:
        db.dispose()
    return EXIT_OK


def cmd_programmes_rules(args) -> int:
    from dtks_desktop.services.programmes import LEVEL_LABELS, NO_RULES_TEXT, ProgrammeError, get_rules, set_rules

    db = _open(args)
    try:
        actor = _login(args, db)
        if args.set is not None or args.clear:
            rules = []
            for item in args.set or []:
                parts = [p.strip() for p in item.split(",")]
                if len(parts) != 3:
                    raise CliError(f"--set harus berbentuk PROGRAM_A,PROGRAM_B,keluarga|orang, bukan '{item}'.",
                                   EXIT_USAGE)
                rules.append({"a": parts[0], "b": parts[1], "level": parts[2]})
            try:
                with db.transaction() as s:
                    set_rules(s, actor, rules)
            except ProgrammeError as exc:
                raise CliError(exc.message, EXIT_USAGE) from None
        with db.sessions() as s:
            rules = get_rules(s)
        human = "\n".join(f"{LEVEL_LABELS[r.level]:9} {r.label}" for r in rules) or NO_RULES_TEXT
        _emit(args, {"rules": [r.as_dict() for r in rules]}, human)
    finally:
        db.dispose()
    return EXIT_OK


def cmd_programmes_double(args) -> int:
    from dtks_desktop.domain.masking import mask_nik
    from dtks_desktop.services import settings as settings_service
    from dtks_desktop.services.programmes import NO_RULES_TEXT, count_double_receipts, double_receipts, get_rules

    db = _open(args)
    try:
        actor = _login(args, db)
        with db.sessions() as s:
            rules = get_rules(s)
            total = count_double_receipts(s, rules)
            rows = double_receipts(s, offset=args.offset, limit=args.limit, rules=rules)
            policy = settings_service.mask_policy(s)
        show = (lambda v: v or "") if actor.may_see_full_nik else (lambda v: mask_nik(v, policy))
        data = [{"level": r.level, "member_id": r.member_id, "household_id": r.household_id, "nama": r.nama,
                 "nik": show(r.nik), "no_kk": show(r.no_kk), "desa": r.desa, "kecamatan": r.kecamatan,
                 "programmes": r.programmes_label} for r in rows]
        if not rules:
            human = NO_RULES_TEXT
        else:
            lines = [f"{angka(total)} pelanggaran aturan penerimaan ganda."]
            lines += [f"{r.level:9} {r.nama or '-':30} {show(r.no_kk if r.level == 'keluarga' else r.nik):18} "
                      f"{r.desa or '-'}, {r.kecamatan or '-'}: {r.programmes_label}" for r in rows]
            human = "\n".join(lines)
        _emit(args, {"total": total, "rows": data}, human)
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

    pdb = sub.add_parser("db", help="basis data: init, upgrade, info, kab", parents=[common])
    dsub = pdb.add_subparsers(dest="db_command", metavar="SUBPERINTAH")
    x = dsub.add_parser("init", help="buat basis data dan administratornya", parents=[common])
    x.add_argument("--admin", required=True, metavar="NAMA")
    x.add_argument("--full-name", metavar="NAMA_LENGKAP")
    x.add_argument("--kab", metavar="KODE", help="kode kabupaten/kota kantor, mis. 33.10 (Klaten); tanpa ini "
                   "impor pertama yang menetapkannya dari berkasnya")
    x.set_defaults(func=cmd_db_init)
    x = dsub.add_parser("kab", help="tampilkan/ubah kabupaten/kota kantor (mengubah: hanya admin)",
                        parents=[common])
    x.add_argument("kode", nargs="?", metavar="KODE", help="kode baru, mis. 33.10")
    x.add_argument("--force", action="store_true",
                   help="tetap ganti walaupun basis data sudah berisi data kabupaten/kota yang lama")
    x.add_argument("--reason", metavar="ALASAN", help="alasan perubahan (dicatat di log audit)")
    x.set_defaults(func=cmd_db_kab)
    x = dsub.add_parser("upgrade", help="terapkan migrasi skema", parents=[common])
    x.set_defaults(func=cmd_db_upgrade)
    x = dsub.add_parser("info", help="ringkasan isi basis data", parents=[common])
    x.set_defaults(func=cmd_db_info)

    pu = sub.add_parser("user", help="pengguna: add, list, unlock", parents=[common])
    usub = pu.add_subparsers(dest="user_command", metavar="SUBPERINTAH")
    x = usub.add_parser("add", help="tambah pengguna (kata sandinya dari DTKS_NEW_PASSWORD atau ditanya)",
                        parents=[common])
    x.add_argument("name", metavar="NAMA")
    x.add_argument("--role", required=True, choices=[r.value for r in Role])
    x.add_argument("--full-name", metavar="NAMA_LENGKAP")
    x.set_defaults(func=cmd_user_add)
    x = usub.add_parser("list", help="daftar pengguna", parents=[common])
    x.set_defaults(func=cmd_user_list)
    x = usub.add_parser("unlock", help="buka kunci pengguna yang terkunci karena gagal masuk berulang",
                        parents=[common])
    x.add_argument("name", metavar="NAMA")
    x.set_defaults(func=cmd_user_unlock)

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
        x.add_argument("--kab", help="kode kabupaten/kota kantor (bawaan: dari Pengaturan; bila belum ditetapkan, "
                       "impor ini menetapkannya); berkas kabupaten/kota lain ditolak")
        x.add_argument("--column", action="append", metavar="FIELD=JUDUL",
                       help="pilih kolom secara eksplisit, mis. nik=\"NIK ART\" (boleh berulang)")
        x.add_argument("--report-dir", help="folder laporan masalah .xlsx (bawaan: folder data aplikasi)")
        x.add_argument("--no-report", action="store_true", help="jangan tulis laporan .xlsx (masalah tetap disimpan)")
        x.add_argument("--progress", action="store_true")
        x.set_defaults(func=cmd_import, kind=kind)
    x = isub.add_parser("history", help="riwayat impor", parents=[common])
    x.add_argument("--kind", choices=["dtks", "dukcapil", "program"])
    x.set_defaults(func=cmd_import_history)

    pm = sub.add_parser("match", help="pemadanan dengan data Dukcapil: run, export, accept", parents=[common])
    msub = pm.add_subparsers(dest="match_command", metavar="SUBPERINTAH")
    x = msub.add_parser("run", help="jalankan pemadanan (hanya anggota baru/berubah, kecuali --full)",
                        parents=[common])
    x.add_argument("--full", action="store_true", help="padankan ulang semua anggota (keputusan petugas tetap)")
    x.add_argument("--progress", action="store_true")
    x.set_defaults(func=cmd_match_run)
    x = msub.add_parser("export", help="tulis hasil pemadanan ke CSV (satu baris per anggota)", parents=[common])
    x.add_argument("out", metavar="BERKAS.csv")
    x.set_defaults(func=cmd_match_export)
    x = msub.add_parser("accept", help="terima sekaligus hasil dengan status dan skor minimal", parents=[common])
    x.add_argument("--status", required=True, choices=["padan", "padan_catatan", "usulan_koreksi", "nik_orang_lain",
                                                       "ganda", "tidak_padan"])
    x.add_argument("--min-score", type=float, required=True, metavar="SKOR")
    x.add_argument("--dry-run", action="store_true", help="hanya hitung, jangan ubah apa pun")
    x.set_defaults(func=cmd_match_accept)

    x = msub.add_parser("settings", help="lihat/ubah ambang pemadanan, mis. pulih_otomatis=0", parents=[common])
    x.add_argument("values", nargs="*", metavar="NAMA=NILAI")
    x.set_defaults(func=cmd_match_settings)

    x = msub.add_parser("report", help="laporan pemadanan: summary (rekap) atau desa (daftar perbaikan NIK)",
                        parents=[common])
    x.add_argument("report", choices=["summary", "desa"], help="summary: rekap per kecamatan/desa; "
                   "desa: daftar anggota tidak padan/usulan koreksi per desa (NIK disamarkan)")
    x.add_argument("out", metavar="BERKAS", help="berkas .pdf atau .xlsx")
    x.add_argument("--kab", help="kode kabupaten/kota untuk rekap (bawaan: dari Pengaturan)")
    x.add_argument("--desa", action="append", metavar="KODE",
                   help="hanya desa ini (kode kecamatan: semua desanya); boleh berulang")
    x.set_defaults(func=cmd_match_report)

    pp = sub.add_parser("programmes", help="daftar program/subsidi: link, rules, double", parents=[common])
    psub = pp.add_subparsers(dest="programmes_command", metavar="SUBPERINTAH")
    x = psub.add_parser("link", help="cocokkan daftar penerima program dengan DTKS (NIK, No KK, nama + tgl lahir)",
                        parents=[common])
    x.add_argument("--progress", action="store_true")
    x.set_defaults(func=cmd_programmes_link)
    x = psub.add_parser("rules", help="tampilkan atau ganti aturan penerimaan ganda", parents=[common])
    x.add_argument("--set", action="append", metavar="A,B,TINGKAT",
                   help="aturan PROGRAM_A,PROGRAM_B,keluarga|orang (boleh berulang; mengganti semua aturan)")
    x.add_argument("--clear", action="store_true", help="hapus semua aturan")
    x.set_defaults(func=cmd_programmes_rules)
    x = psub.add_parser("double", help="keluarga/orang yang menerima dua program yang dilarang bersamaan",
                        parents=[common])
    x.add_argument("--offset", type=int, default=0)
    x.add_argument("--limit", type=int, default=200)
    x.set_defaults(func=cmd_programmes_double)

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
    x.add_argument("--kab", help="kode kabupaten/kota (bawaan: kabupaten/kota kantor, atau 33.10 Klaten)")
    x.add_argument("--progress", action="store_true")
    x.set_defaults(func=cmd_demo_load)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    multiprocessing.freeze_support()  # import workers in the frozen Windows build
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        func: Callable | None = getattr(args, "func", None)
        if func is None:
            parser.print_help()
            code = EXIT_USAGE
        else:
            code = func(args)
        if sys.stdout is not None:
            sys.stdout.flush()  # a reader that went away shows here, not at interpreter exit
        return code
    except BrokenPipeError:
        # `dtks ... | head`: the reader has what it wanted. Stop quietly like other Unix tools;
        # commands print after their transaction, so only output is lost.
        _silence_stdout()
        return EXIT_PIPE
    except CliError as exc:
        print(f"Galat: {exc.message}", file=sys.stderr)
        return exc.code
    except Cancelled as exc:
        print(exc.message, file=sys.stderr)
        return EXIT_ERROR
    except LockBusy as exc:
        print(f"Galat: {exc.message} {exc.hint}".rstrip(), file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("\nDibatalkan.", file=sys.stderr)
        return 130
    except Exception as exc:  # never a traceback for the user (DTKS_DEBUG=1 shows it)
        if os.environ.get("DTKS_DEBUG"):
            raise
        busy = busy_message(exc)  # SQLite still locked after the busy timeout
        if busy is not None:
            print(f"Galat: {busy[0]} {busy[1]}", file=sys.stderr)
            return EXIT_ERROR
        message = getattr(exc, "message", None)
        if isinstance(message, str) and message and type(exc).__module__.startswith("dtks_desktop"):
            hint = getattr(exc, "hint", "") or ""
            print(f"Galat: {message} {hint}".rstrip(), file=sys.stderr)  # e.g. a row another PC changed first
            return EXIT_ERROR
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        print(f"Galat tak terduga ({type(exc).__name__}{': ' + first[:300] if first else ''}). Tidak ada "
              "perubahan yang setengah jadi: setiap perintah menulis dalam satu transaksi. Ulangi perintahnya; "
              "bila terjadi lagi, jalankan dengan DTKS_DEBUG=1 dan kirim keluarannya ke admin.", file=sys.stderr)
        return EXIT_ERROR


def _silence_stdout() -> None:
    """Point stdout at the null device so that the flush at exit does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # no real stdout (pythonw, captured)
        pass


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
