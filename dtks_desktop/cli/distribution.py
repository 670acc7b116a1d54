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

def cmd_receive(args) -> int:
    from dtks_desktop.cli.common import EXIT_OK, emit
    from dtks_desktop.services.distribution.receipts import receive

    def go(db, actor):
        with db.transaction() as s:
            res = receive(s, actor, args.id, nik=args.nik, qr=args.qr, kuasa=args.kuasa, desa=args.desa,
                          reason=args.reason)
        emit(args, res.as_dict(), res.message)
        return EXIT_OK
    return _run(args, go)


def cmd_fail(args) -> int:
    from dtks_desktop.cli.common import EXIT_OK, emit
    from dtks_desktop.services.distribution.receipts import fail

    def go(db, actor):
        with db.transaction() as s:
            res = fail(s, actor, args.id, nik=args.nik, qr=args.qr, reason=args.reason, note=args.note,
                       desa=args.desa)
        emit(args, res.as_dict(), res.message)
        return EXIT_OK
    return _run(args, go)


def cmd_undo(args) -> int:
    from dtks_desktop.cli.common import EXIT_OK, emit
    from dtks_desktop.services.distribution.receipts import undo

    def go(db, actor):
        with db.transaction() as s:
            row = undo(s, actor, args.kpm_id, args.reason)
        emit(args, row.as_dict(), f"Catatan penerimaan {row.nama} dibatalkan; KPM kembali berstatus {row.receipt_label}.")
        return EXIT_OK
    return _run(args, go)


def cmd_close(args) -> int:
    from dtks_desktop.cli.common import EXIT_OK, emit
    from dtks_desktop.services.distribution.receipts import close_period

    def go(db, actor):
        with db.transaction() as s:
            v = close_period(s, actor, args.id)
        emit(args, v.as_dict(), f"Tahap {v.title} ditutup: {v.diterima} diterima, {v.gagal} gagal salur.")
        return EXIT_OK
    return _run(args, go)


def cmd_reopen(args) -> int:
    from dtks_desktop.cli.common import EXIT_OK, emit
    from dtks_desktop.services.distribution.receipts import reopen_period

    def go(db, actor):
        with db.transaction() as s:
            v = reopen_period(s, actor, args.id, args.reason)
        emit(args, v.as_dict(), f"Tahap {v.title} dibuka kembali ({v.status_label}).")
        return EXIT_OK
    return _run(args, go)


def cmd_search(args) -> int:
    import json

    from dtks_desktop.cli.common import EXIT_OK
    from dtks_desktop.services.distribution.receipts import search

    def go(db, actor):
        with db.sessions() as s:
            rows = search(s, actor, args.id, args.text, desa=args.desa, limit=args.limit)
        if getattr(args, "json", False):
            print(json.dumps([r.as_dict() for r in rows], ensure_ascii=False, indent=2))
        else:
            print("\n".join(f"#{r.id:<7} {r.nik:18} {r.nama[:30]:30} {r.rt_rw:16} {r.desa_nama[:20]:20} "
                            f"{r.receipt_label}" for r in rows) or "Tidak ditemukan.")
        return EXIT_OK
    return _run(args, go)


def cmd_report(args) -> int:
    import json

    from dtks_desktop.cli.common import EXIT_OK
    from dtks_desktop.domain.formatting import angka
    from dtks_desktop.services.distribution import report as R

    def go(db, actor):
        with db.sessions() as s:
            rep = R.realisation(s, args.id, kecamatan=args.kecamatan)
        files = []
        if args.xlsx:
            with db.sessions() as s:
                files.append(str(R.export_xlsx(s, actor, args.id, args.xlsx)))
        if args.pdf:
            with db.transaction() as s:
                files.append(str(R.print_report(s, actor, args.id, args.pdf)))
        data = rep.as_dict()
        if files:
            data["files"] = files
        if getattr(args, "json", False):
            print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
        else:
            t = rep.total
            print(f"Realisasi {rep.period.title}: target {angka(t.target)}, diterima {angka(t.diterima)}, "
                  f"gagal {angka(t.gagal)}, sisa {angka(t.sisa)}, nilai {t.nilai_label}")
            for d in rep.desa:
                print(f"  {d.kecamatan[:18]:18} {d.desa[:22]:22} {angka(d.target):>8} {angka(d.diterima):>8} "
                      f"{angka(d.gagal):>6} {angka(d.sisa):>8}  {d.nilai_label}")
            for f in files:
                print(f"Ditulis: {f}")
        return EXIT_OK
    return _run(args, go)


def _register_receipts(ds, common) -> None:
    x = ds.add_parser("receive", help="catat KPM menerima bantuan (pindai QR undangan atau NIK)", parents=[common])
    x.add_argument("id", type=int, metavar="ID", help="nomor tahap")
    g = x.add_mutually_exclusive_group(required=True)
    g.add_argument("--nik", metavar="NIK")
    g.add_argument("--qr", metavar="KODE", help="teks kode QR undangan (KPM-…)")
    x.add_argument("--kuasa", metavar="NAMA", help="nama kuasa yang mengambil")
    x.add_argument("--desa", metavar="KODE", help="desa meja penerimaan (KPM desa lain ditolak)")
    x.add_argument("--reason", metavar="ALASAN", help="wajib bila KPM sebelumnya tercatat gagal salur")
    x.set_defaults(func=cmd_receive)

    x = ds.add_parser("fail", help="catat gagal salur dengan alasan", parents=[common])
    x.add_argument("id", type=int, metavar="ID")
    g = x.add_mutually_exclusive_group(required=True)
    g.add_argument("--nik", metavar="NIK")
    g.add_argument("--qr", metavar="KODE")
    x.add_argument("--reason", required=True, metavar="ALASAN",
                   help="meninggal, pindah, tidak_ditemukan, menolak, tidak_hadir, data_tidak_sesuai, lainnya")
    x.add_argument("--note", metavar="CATATAN")
    x.add_argument("--desa", metavar="KODE")
    x.set_defaults(func=cmd_fail)

    x = ds.add_parser("undo", help="batalkan catatan penerimaan/gagal salur yang keliru (supervisor)",
                      parents=[common])
    x.add_argument("kpm_id", type=int, metavar="KPM_ID")
    x.add_argument("--reason", required=True, metavar="ALASAN")
    x.set_defaults(func=cmd_undo)

    x = ds.add_parser("search", help="cari KPM tahap ini dengan NIK (atau digit akhirnya) atau nama",
                      parents=[common])
    x.add_argument("id", type=int, metavar="ID")
    x.add_argument("text", metavar="TEKS")
    x.add_argument("--desa", metavar="KODE")
    x.add_argument("--limit", type=int, default=20)
    x.set_defaults(func=cmd_search)

    x = ds.add_parser("report", help="realisasi penyaluran per kecamatan/desa (+ .xlsx, PDF)", parents=[common])
    x.add_argument("id", type=int, metavar="ID")
    x.add_argument("--kecamatan", metavar="KODE")
    x.add_argument("--xlsx", metavar="OUT.xlsx")
    x.add_argument("--pdf", metavar="OUT.pdf")
    x.set_defaults(func=cmd_report)

    x = ds.add_parser("close", help="tutup tahap (tidak ada penerimaan lagi; supervisor)", parents=[common])
    x.add_argument("id", type=int, metavar="ID")
    x.set_defaults(func=cmd_close)

    x = ds.add_parser("reopen", help="buka kembali tahap yang ditutup (supervisor, dengan alasan)", parents=[common])
    x.add_argument("id", type=int, metavar="ID")
    x.add_argument("--reason", required=True, metavar="ALASAN")
    x.set_defaults(func=cmd_reopen)


# --- printing: print --------------------------------------------------------------------------------------

def _register_printing(ds, common) -> None:
    pass
