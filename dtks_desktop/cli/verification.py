"""`dtks verify …`: stage 3, field verification by Petugas Pendata / PSM / TKSK."""

from __future__ import annotations

import sys

from dtks_desktop.cli.common import run_as_user
from dtks_desktop.cli.common import EXIT_ERROR, EXIT_OK, ProgressPrinter, emit


def _run(args, fn):
    from dtks_desktop.services.verification.common import VerificationError

    return run_as_user(args, fn, (VerificationError,))


def cmd_assign(args) -> int:
    from dtks_desktop.services.verification.assign import assign

    def go(db, actor):
        with db.transaction() as s:
            res = assign(s, actor, args.desa, args.petugas, peran=args.role, rw=args.rw)
        emit(args, res.as_dict(), res.summary_text())
        return EXIT_OK
    return _run(args, go)


def cmd_worksheets(args) -> int:
    from dtks_desktop.services.verification.worksheets import write_worksheet

    def go(db, actor):
        progress = ProgressPrinter(sys.stderr.isatty())
        with db.transaction() as s:
            res = write_worksheet(s, actor, args.desa, args.out, args.petugas, progress=progress)
        pages = f", {res.pages} halaman" if res.pages else ""
        for w in getattr(res, "warnings", ()):
            print(w, file=sys.stderr)
        emit(args, res.as_dict(), f"Lembar kerja {res.desa} (putaran {res.putaran}) ditulis ke {res.path}: "
                                  f"{res.families} keluarga, {res.members} anggota{pages}.")
        return EXIT_OK
    return _run(args, go)


def cmd_import(args) -> int:
    from dtks_desktop.services.verification.sheet_import import import_findings

    def go(db, actor):
        res = import_findings(db, actor, args.file, progress=ProgressPrinter(sys.stderr.isatty()))
        emit(args, res.as_dict(), res.summary_text())
        return EXIT_OK if res.ok else EXIT_ERROR
    return _run(args, go)


def cmd_progress(args) -> int:
    from dtks_desktop.services.verification.progress import progress

    def go(db, actor):
        with db.sessions() as s:
            rows = progress(s, args.desa)
        human = "\n".join(f"{r.desa_kode} {r.desa:24} {r.petugas:28} {r.done:>6} selesai {r.left:>6} belum"
                          for r in rows)
        if getattr(args, "json", False):
            import json
            print(json.dumps([r.as_dict() for r in rows], ensure_ascii=False, indent=2))
        else:
            print(human or "Belum ada keluarga yang ditugaskan pada putaran ini.")
        return EXIT_OK
    return _run(args, go)


def cmd_round(args) -> int:
    from dtks_desktop.services.verification.common import current_round, set_round

    def go(db, actor):
        if args.set:
            with db.transaction() as s:
                value = set_round(s, actor, args.set)
        else:
            with db.sessions() as s:
                value = current_round(s)
        emit(args, {"putaran": value}, f"Putaran verifikasi: {value}")
        return EXIT_OK
    return _run(args, go)


def cmd_proposals(args) -> int:
    from dtks_desktop.services.verification.proposals import list_proposals

    def go(db, actor):
        with db.sessions() as s:
            rows = list_proposals(s, actor, args.desa)
        if getattr(args, "json", False):
            import json
            print(json.dumps([r.as_dict() for r in rows], ensure_ascii=False, indent=2, default=str))
        else:
            print("\n".join(f"#{r.id:<4} {r.desa:20} {r.kepala:28} {r.members} orang, {r.not_in_dukcapil} tidak ada "
                            f"di Dukcapil ({r.status})" for r in rows) or "Belum ada usulan baru.")
        return EXIT_OK
    return _run(args, go)


def register(sub, common) -> None:
    pv = sub.add_parser("verify", help="verifikasi lapangan: assign, worksheets, import, progress, round, proposals",
                        parents=[common])
    vs = pv.add_subparsers(dest="verify_command", metavar="PERINTAH")
    x = vs.add_parser("assign", help="tugaskan keluarga satu desa (atau satu RW) kepada petugas", parents=[common])
    x.add_argument("--desa", required=True, metavar="KODE", help="kode desa/kelurahan, mis. 33.10.01.2001")
    x.add_argument("--petugas", required=True, metavar="NAMA")
    x.add_argument("--role", metavar="PERAN", help="PSM, 'Petugas Pendata' atau TKSK (bawaan: Petugas Pendata "
                   "untuk petugas baru; petugas lama tetap perannya)")
    x.add_argument("--rw", metavar="RW", help="hanya keluarga RW ini")
    x.set_defaults(func=cmd_assign)
    x = vs.add_parser("worksheets", help="lembar kerja PDF (dibawa ke lapangan) atau .xlsx (untuk diisi)",
                      parents=[common])
    x.add_argument("--desa", required=True, metavar="KODE")
    x.add_argument("--petugas", metavar="NAMA", help="hanya keluarga yang ditugaskan kepada petugas ini")
    x.add_argument("out", metavar="BERKAS.pdf|BERKAS.xlsx")
    x.set_defaults(func=cmd_worksheets)
    x = vs.add_parser("import", help="impor lembar kerja .xlsx yang sudah diisi (semua atau tidak sama sekali)",
                      parents=[common])
    x.add_argument("file", metavar="BERKAS")
    x.set_defaults(func=cmd_import)
    x = vs.add_parser("progress", help="keluarga selesai / belum per desa dan petugas", parents=[common])
    x.add_argument("--desa", metavar="KODE")
    x.set_defaults(func=cmd_progress)
    x = vs.add_parser("round", help="putaran verifikasi sekarang (atau --set TAHUN-BULAN)", parents=[common])
    x.add_argument("--set", metavar="TAHUN-BULAN")
    x.set_defaults(func=cmd_round)
    x = vs.add_parser("proposals", help="usulan keluarga baru dari lapangan", parents=[common])
    x.add_argument("--desa", metavar="KODE")
    x.set_defaults(func=cmd_proposals)
