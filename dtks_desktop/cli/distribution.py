"""`dtks dist …`: stages 6-7, PT Pos data cleaning and distribution (issue 14).

Three groups of commands, each registered by its own function below: preparing a period
(create, list, show, clean, returned, completed, map, point, export), the distribution day and its
report (receive, fail, undo, report, close), and printing (print).
"""

from __future__ import annotations

from dtks_desktop.cli.common import CliError, login_user, open_db


def _run(args, fn):
    """Open the database, log the user in, run ``fn(db, actor)``; a service's Indonesian error
    becomes a CLI error (exit code, message on stderr), never a traceback."""
    from dtks_desktop.services.distribution.common import DistError
    from dtks_desktop.services.importing.readers import ImportFileError

    db = open_db(args)
    try:
        actor = login_user(args, db)
        try:
            return fn(db, actor)
        except DistError as exc:
            raise CliError(exc.message + (f" {exc.hint}" if exc.hint else "")) from None
        except ImportFileError as exc:
            raise CliError(str(getattr(exc, "message", exc))) from None
    finally:
        db.dispose()


def register(sub, common) -> None:
    p = sub.add_parser("dist", help="penyaluran bantuan: tahap, pembersihan PT Pos, pemetaan, cetak, penerimaan, "
                                    "realisasi")
    ds = p.add_subparsers(dest="dist_command", required=True, metavar="PERINTAH")
    _register_setup(ds, common)
    _register_receipts(ds, common)
    _register_printing(ds, common)


# --- preparing a period: create, list, show, clean, returned, completed, map, point, export -------------

def _register_setup(ds, common) -> None:
    pass


# --- the distribution day and its report: receive, fail, undo, report, close ---------------------------

def _register_receipts(ds, common) -> None:
    pass


# --- printing: print --------------------------------------------------------------------------------------

def cmd_print(args) -> int:
    import sys
    from datetime import date

    from dtks_desktop.cli.common import EXIT_OK, EXIT_USAGE, ProgressPrinter, emit
    from dtks_desktop.services.distribution.printing import WHATS, print_documents

    if args.what not in WHATS:
        raise CliError(f"--what {args.what} tidak dikenal; pilih: {', '.join(WHATS)}.", EXIT_USAGE)
    try:
        when = date.fromisoformat(args.date) if args.date else None
    except ValueError:
        raise CliError(f"--date {args.date} bukan tanggal (TAHUN-BULAN-HARI).", EXIT_USAGE) from None

    def go(db, actor):
        res = print_documents(db, actor, args.id, args.what, args.outdir, desa=args.desa, when=when,
                              progress=None if args.json else ProgressPrinter(True))
        for w in res.warnings:
            print(w, file=sys.stderr)
        human = "\n".join([f"{len(res.files)} berkas, {res.pages} halaman, {res.kpm} KPM ditulis ke {args.outdir}:"]
                          + [f"  {p.name}" for p in res.files[:20]]
                          + ([f"  … dan {len(res.files) - 20} berkas lain"] if len(res.files) > 20 else [])
                          + ([f"Nomor: {', '.join(res.nomor[:5])}{' …' if len(res.nomor) > 5 else ''}"]
                             if res.nomor else []))
        emit(args, res.as_dict(), human)
        return EXIT_OK
    return _run(args, go)


def _register_printing(ds, common) -> None:
    x = ds.add_parser("print", help="cetak dokumen tahap: nominatif, rekap, undangan, tanda-terima, bast, "
                                    "dikembalikan (satu PDF per desa; rekap satu PDF)", parents=[common])
    x.add_argument("id", type=int, metavar="ID", help="nomor tahap (dtks dist list)")
    x.add_argument("--what", required=True, metavar="JENIS",
                   help="nominatif | rekap | undangan | tanda-terima | bast | dikembalikan")
    x.add_argument("--desa", metavar="KODE", help="satu desa (atau satu kecamatan: kode kecamatan)")
    x.add_argument("--date", metavar="TAHUN-BULAN-HARI", help="tanggal dokumen (bawaan: hari ini)")
    x.add_argument("outdir", metavar="OUTDIR", help="folder tujuan")
    x.set_defaults(func=cmd_print)
