"""`dtks db …`, `dtks user …`, `dtks audit`: the database, users and the audit log."""

from __future__ import annotations

import os

from dtks_desktop.domain.status import ROLE_LABELS, Role

from dtks_desktop.cli.common import (EXIT_OK, EXIT_USAGE, CliError, ask_password, emit, login_user,
                                     open_db)
from dtks_desktop.domain.formatting import jam


def cmd_db_init(args) -> int:
    from dtks_desktop.domain.regions import kabupaten_display
    from dtks_desktop.services.core import settings as settings_service
    from dtks_desktop.services.core.users import UserError, create_user

    kab = None
    if args.kab:
        try:
            kab = settings_service.check_kab_code(args.kab)
        except settings_service.OfficeKabError as exc:
            raise CliError(exc.message, EXIT_USAGE) from None
    db = open_db(args, create=True)
    try:
        if db.has_users():
            raise CliError(f"Basis data {db.description} sudah punya pengguna; tidak dibuat ulang.")
        password = ask_password(f"Kata sandi baru untuk {args.admin}: ", confirm=True)
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
        emit(args, {"database": db.description, "admin": args.admin, "kab_kode": kab, "kabupaten": label},
              f"Basis data siap: {db.description}\nAdministrator: {args.admin}\nKabupaten/kota: "
              + (label or "belum ditetapkan (ditetapkan oleh impor pertama, atau oleh admin di Pengaturan)"))
    finally:
        db.dispose()
    return EXIT_OK


def cmd_db_upgrade(args) -> int:
    from dtks_desktop.db.migrate import current_revision, head_revision

    db = open_db(args)  # open_database migrates
    try:
        rev = current_revision(db.engine)
        emit(args, {"database": db.description, "revision": rev, "head": head_revision()},
              f"Skema basis data mutakhir (revisi {rev}): {db.description}")
    finally:
        db.dispose()
    return EXIT_OK


def cmd_db_info(args) -> int:
    from dtks_desktop.services.core.stats import database_summary

    db = open_db(args)
    try:
        login_user(args, db)
        with db.sessions() as s:
            info = database_summary(s)
        info["database"] = db.description
        human = "\n".join(f"{k}: {v}" for k, v in info.items())
        emit(args, info, human)
    finally:
        db.dispose()
    return EXIT_OK


def cmd_db_kab(args) -> int:
    """Show the office's kabupaten/kota; with a code, set it (a change: admin only, audited)."""
    from dtks_desktop.domain.regions import kabupaten_display
    from dtks_desktop.services.core import settings as settings_service

    db = open_db(args)
    try:
        actor = login_user(args, db)
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
        emit(args, {"kab_kode": kab, "kabupaten": label, "changed": changed}, human)
    finally:
        db.dispose()
    return EXIT_OK


def cmd_user_add(args) -> int:
    from dtks_desktop.services.core.users import UserError, create_user

    db = open_db(args)
    try:
        actor = login_user(args, db)
        new_pw = os.environ.get("DTKS_NEW_PASSWORD") or ask_password(f"Kata sandi untuk {args.name}: ", confirm=True)
        try:
            with db.transaction() as s:
                create_user(s, args.name, new_pw, args.role, full_name=args.full_name, by=actor)
        except UserError as exc:
            raise CliError(str(exc), EXIT_USAGE) from None
        emit(args, {"username": args.name, "role": args.role},
              f"Pengguna {args.name} ({ROLE_LABELS[Role(args.role)]}) dibuat.")
    finally:
        db.dispose()
    return EXIT_OK


def cmd_user_list(args) -> int:
    from dtks_desktop.services.core.users import list_users

    db = open_db(args)
    try:
        actor = login_user(args, db)
        with db.sessions() as s:
            users = list_users(s, actor=actor)
        data = [{"username": u.username, "full_name": u.full_name, "role": u.role, "active": u.active,
                 "locked_until": u.locked_until} for u in users]

        def line(u) -> str:
            state = "aktif" if u.active else "nonaktif"
            if u.locked_until is not None:
                state += f", dikunci sampai {jam(u.locked_until, lokal=True)}"
            return f"{u.username:20} {u.role:12} {state}"

        emit(args, {"users": data}, "\n".join(line(u) for u in users))
    finally:
        db.dispose()
    return EXIT_OK


def cmd_user_unlock(args) -> int:
    from dtks_desktop.services.core.users import UserError, unlock_user

    db = open_db(args)
    try:
        actor = login_user(args, db)
        try:
            with db.transaction() as s:
                cleared = unlock_user(s, actor, args.name)
        except UserError as exc:
            raise CliError(str(exc), EXIT_USAGE) from None
        human = (f"Kunci {args.name} dibuka; hitungan gagal masuk dikosongkan." if cleared
                 else f"{args.name} tidak sedang dikunci.")
        emit(args, {"username": args.name, "unlocked": cleared}, human)
    finally:
        db.dispose()
    return EXIT_OK


def cmd_audit(args) -> int:
    from dtks_desktop.services.core.audit import AuditFilter, list_events

    db = open_db(args)
    try:
        actor = login_user(args, db)
        with db.sessions() as s:
            rows = list_events(s, AuditFilter(username=args.by, action=args.action), actor=actor, limit=args.limit)
        data = [{"at": r.at, "user": r.username, "action": r.action, "entity": r.entity_type,
                 "entity_id": r.entity_id, "summary": r.summary, "reason": r.reason} for r in rows]
        human = "\n".join(f"{r.at:%Y-%m-%d %H:%M:%S} {r.username or '-':12} {r.action:18} {r.summary or ''}" for r in rows)
        emit(args, {"events": data}, human or "Belum ada kejadian.")
    finally:
        db.dispose()
    return EXIT_OK


def register(sub, common) -> None:
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
