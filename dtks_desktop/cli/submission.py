"""`dtks batch …`: stage 5, submission batches to Kemensos / Dinas Sosial Provinsi.

``dtks batch results FILE``: the batch is ``--batch ID`` or, without it, inferred from the file:
the one sent batch whose rows hold the file's NIKs / IDs DTKS (none or several → an error asking
for ``--batch``).
"""

from __future__ import annotations

import json
import sys

from dtks_desktop.cli.common import run_as_user
from dtks_desktop.cli.common import EXIT_ERROR, EXIT_OK, ProgressPrinter, emit


def _run(args, fn):
    from dtks_desktop.services.submission.common import SubmissionError

    return run_as_user(args, fn, (SubmissionError,))


def cmd_create(args) -> int:
    from dtks_desktop.services.submission.batches import create_batch

    def go(db, actor):
        with db.transaction() as s:
            v = create_batch(s, actor, args.target, args.programme, args.kind, kecamatan=args.kecamatan,
                             desa=args.desa)
        excl = ", ".join(f"{k} {n}" for k, n in v.excluded.items()) or "tidak ada"
        emit(args, {"id": v.id, "rows": v.rows, "excluded": v.excluded},
             f"Batch #{v.id} ({v.kind_label} {v.programme} ke {v.target_label}, {v.scope_label}): {v.rows} baris; "
             f"dikecualikan: {excl}.")
        return EXIT_OK
    return _run(args, go)


def _decision(fn_name):
    def cmd(args) -> int:
        from dtks_desktop.services.submission import approval

        def go(db, actor):
            with db.transaction() as s:
                if fn_name == "submit":
                    v = approval.submit(s, actor, args.id)
                elif fn_name == "approve":
                    v = approval.approve(s, actor, args.id, note=args.note or "")
                else:
                    v = approval.reject(s, actor, args.id, args.note)
            emit(args, v.as_dict(), f"Batch #{v.id}: {v.status_label}.")
            return EXIT_OK
        return _run(args, go)
    return cmd


def cmd_show(args) -> int:
    from dtks_desktop.services.submission import approval, batches

    def go(db, actor):
        with db.sessions() as s:
            summ = approval.summary(s, args.id)
            rows = batches.batch_rows(s, args.id, limit=batches.count_rows(s, args.id) + 1)
        if getattr(args, "json", False):
            data = summ.as_dict()
            data["rows"] = [r.as_dict() for r in rows]
            print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
            return EXIT_OK
        b = summ.batch
        print(f"Batch #{b.id}: {b.kind_label} {b.programme} ke {b.target_label}, {b.scope_label}")
        print(f"Status: {b.status_label}; {b.rows} baris; dibuat {b.created_by}"
              + (f"; diajukan {b.submitted_by}" if b.submitted_by else "")
              + (f"; diputuskan {b.decided_by}" if b.decided_by else "") + (f" ({b.note})" if b.note else ""))
        if b.sha256:
            print(f"SHA-256 isi: {b.sha256}")
        for k, d, kind, n in summ.per_desa:
            print(f"  {k} / {d}: {n} ({kind})")
        for e in summ.excluded:
            print(f"  dikecualikan: {e.nama} ({e.desa_nama}): {e.reason_label}")
        return EXIT_OK
    return _run(args, go)


def cmd_list(args) -> int:
    from dtks_desktop.services.submission.batches import list_batches

    def go(db, actor):
        with db.sessions() as s:
            items = list_batches(s, status=args.status)
        if getattr(args, "json", False):
            print(json.dumps([v.as_dict() for v in items], ensure_ascii=False, indent=2, default=str))
        else:
            for v in items:
                print(f"#{v.id}  {v.status_label:<32} {v.target:<9} {v.programme:<8} {v.kind:<12} {v.rows:>6} baris  "
                      f"{v.scope_label}")
        return EXIT_OK
    return _run(args, go)


def cmd_export(args) -> int:
    from dtks_desktop.services.submission.outputs import export_batch

    def go(db, actor):
        res = export_batch(db, actor, args.id, args.outdir, progress=ProgressPrinter(sys.stderr.isatty() or bool(getattr(args, "progress", False))))
        emit(args, res.as_dict(), f"Batch #{args.id} diekspor (surat pengantar {res.nomor}):\n"
             + "\n".join(f"  {p}" for p in res.files))
        return EXIT_OK
    return _run(args, go)


def cmd_results(args) -> int:
    from dtks_desktop.services.submission.results import import_results

    def go(db, actor):
        res = import_results(db, actor, args.batch, args.file)
        for p in res.problems:
            print(("Ditolak: " if p.level == "error" else "Peringatan: ") + p.message, file=sys.stderr)
        human = [f"Hasil batch #{res.batch_id}: {res.ditetapkan} ditetapkan, {res.ditolak} ditolak, {res.rejected} "
                 f"baris ditolak, {res.warnings} peringatan."]
        human += [f"  {k} / {d}: {a} ditetapkan, {r} ditolak" for k, d, a, r in res.per_desa]
        emit(args, res.as_dict(), "\n".join(human))
        return EXIT_OK if not res.rejected else EXIT_ERROR
    return _run(args, go)


def register(sub, common) -> None:
    p = sub.add_parser("batch", help="batch pengajuan ke Kemensos/Provinsi: create, submit, approve, reject, show, "
                                     "list, export, results", parents=[common])
    bs = p.add_subparsers(dest="batch_command", metavar="PERINTAH")
    x = bs.add_parser("create", help="susun batch dari keputusan musyawarah yang final", parents=[common])
    x.add_argument("--target", required=True, choices=["kemensos", "provinsi"])
    x.add_argument("--programme", required=True, metavar="KODE", help="PKH, BPNT, PBI-JK, atau program provinsi")
    x.add_argument("--kind", required=True, choices=["usulan_baru", "hapus", "perbaikan"])
    scope = x.add_mutually_exclusive_group()
    scope.add_argument("--kecamatan", metavar="KODE")
    scope.add_argument("--desa", metavar="KODE")
    x.set_defaults(func=cmd_create)
    for name, helptext in (("submit", "ajukan batch ke supervisor"),
                           ("approve", "setujui batch (supervisor; bukan pembuat/pengaju)"),
                           ("reject", "tolak batch dengan alasan (supervisor)")):
        x = bs.add_parser(name, help=helptext, parents=[common])
        x.add_argument("id", type=int, metavar="ID")
        if name != "submit":
            x.add_argument("--note", required=(name == "reject"), metavar="CATATAN")
        x.set_defaults(func=_decision(name))
    x = bs.add_parser("show", help="isi batch: jumlah per desa, pengecualian, baris (NIK disamarkan)",
                      parents=[common])
    x.add_argument("id", type=int, metavar="ID")
    x.set_defaults(func=cmd_show)
    x = bs.add_parser("list", help="daftar batch", parents=[common])
    x.add_argument("--status", metavar="STATUS")
    x.set_defaults(func=cmd_list)
    x = bs.add_parser("export", help="berkas unggah .xlsx, surat pengantar, rekap, draf pengesahan", parents=[common])
    x.add_argument("id", type=int, metavar="ID")
    x.add_argument("outdir", metavar="FOLDER")
    x.set_defaults(func=cmd_export)
    x = bs.add_parser("results", help="impor hasil dari Kemensos/Provinsi (ditetapkan/ditolak per NIK atau ID DTKS)",
                      parents=[common])
    x.add_argument("file", metavar="BERKAS")
    x.add_argument("--batch", type=int, metavar="ID", help="bawaan: batch terkirim yang berisi NIK/ID dari berkas")
    x.set_defaults(func=cmd_results)
