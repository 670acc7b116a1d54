"""`dtks import …`: stage 1, importing SIKS-NG exports, civil-registry extracts and programme lists."""

from __future__ import annotations

import sys

from dtks_desktop.domain.formatting import angka, tanggal_jam

from dtks_desktop.cli.common import (EXIT_OK, EXIT_USAGE, CliError, ProgressPrinter, emit, login_user,
                                     open_db)


def cmd_import(args) -> int:
    from dtks_desktop.services.importing.mapping import MappingError
    from dtks_desktop.services.importing.readers import ImportFileError
    from dtks_desktop.services.importing.run import run_import

    db = open_db(args)
    try:
        actor = login_user(args, db)
        progress = ProgressPrinter(sys.stderr.isatty() or args.progress)
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
        emit(args, data, result.summary_text() + (f"\nLaporan masalah: {result.report}" if result.report else ""))
    finally:
        db.dispose()
    return EXIT_OK


def cmd_import_history(args) -> int:
    from dtks_desktop.services.importing.run import history

    db = open_db(args)
    try:
        login_user(args, db)
        with db.sessions() as s:
            rows = history(s, kind=args.kind)
        data = {"batches": [b.as_dict() for b in rows]}
        human = "\n".join(
            f"#{b.id:<4} {tanggal_jam(b.started_at, lokal=True)} {b.kind:9} {b.file_name:40} "
            f"{angka(b.rows_read):>9} baris, {angka(b.imported)} baru, {angka(b.updated)} diperbarui, "
            f"{angka(b.rejected)} ditolak ({b.username})" for b in rows)
        emit(args, data, human or "Belum ada impor.")
    finally:
        db.dispose()
    return EXIT_OK


def register(sub, common) -> None:
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
