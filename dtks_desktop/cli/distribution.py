"""`dtks dist …`: stages 6-7, PT Pos data cleaning and distribution (issue 14).

Three groups of commands, each registered by its own function below: preparing a period
(create, list, show, clean, returned, completed, map, point, export), the distribution day and its
report (receive, fail, undo, report, close), and printing (print).
"""

from __future__ import annotations

from dtks_desktop.cli.common import CliError, run_as_user


def _run(args, fn):
    from dtks_desktop.services.distribution.common import DistError

    return run_as_user(args, fn, (DistError,))


def register(sub, common) -> None:
    p = sub.add_parser("dist", help="penyaluran bantuan: tahap, pembersihan PT Pos, pemetaan, cetak, penerimaan, "
                                    "realisasi")
    ds = p.add_subparsers(dest="dist_command", required=True, metavar="PERINTAH")
    _register_setup(ds, common)
    _register_receipts(ds, common)
    _register_printing(ds, common)


# --- preparing a period: create, list, show, clean, returned, completed, map, point, export -------------

def _register_setup(ds, common) -> None:
    x = ds.add_parser("create", help="tahap baru: program, bantuan per KPM, daftar KPM dari batch atau berkas",
                      parents=[common])
    x.add_argument("--programme", required=True, metavar="KODE", help="PKH, BPNT, BANPANGAN, BLT, PBI-JK, atau "
                                                                       "program tambahan kantor")
    x.add_argument("--period", required=True, metavar="NAMA", help='mis. "Tahap 1 2027"')
    what = x.add_mutually_exclusive_group(required=True)
    what.add_argument("--cash", metavar="RUPIAH", help="tunai per KPM, mis. 600000 atau 600.000")
    what.add_argument("--goods", metavar="BARANG", help='barang per KPM: nama:jumlah:satuan, mis. "beras:10:kg"')
    src = x.add_mutually_exclusive_group(required=True)
    src.add_argument("--from-batch", type=int, metavar="ID", help="batch pengajuan yang hasilnya sudah kembali")
    src.add_argument("--from-file", metavar="BERKAS", help="daftar KPM .xlsx/.csv dari Kemensos/Bulog")
    x.set_defaults(func=cmd_create)
    x = ds.add_parser("list", help="daftar tahap penyaluran", parents=[common])
    x.set_defaults(func=cmd_list)
    x = ds.add_parser("show", help="ringkasan tahap: status, jumlah KPM, ronde pembersihan, titik salur",
                      parents=[common])
    x.add_argument("id", type=int, metavar="ID")
    x.add_argument("--kpm", action="store_true", help="tampilkan juga daftar KPM (NIK disamarkan sesuai peran)")
    x.set_defaults(func=cmd_show)
    x = ds.add_parser("clean", help="pembersihan PT Pos: ronde baru atas KPM yang belum lengkap", parents=[common])
    x.add_argument("id", type=int, metavar="ID")
    x.set_defaults(func=cmd_clean)
    x = ds.add_parser("returned", help="daftar KPM dikembalikan .xlsx per desa (NIK disamarkan)", parents=[common])
    x.add_argument("id", type=int, metavar="ID")
    x.add_argument("out", metavar="OUT.xlsx")
    x.add_argument("--desa", metavar="KODE")
    x.set_defaults(func=cmd_returned)
    x = ds.add_parser("completed", help="impor berkas yang sudah dilengkapi desa/PT Pos, lalu periksa ulang",
                      parents=[common])
    x.add_argument("id", type=int, metavar="ID")
    x.add_argument("file", metavar="BERKAS")
    x.set_defaults(func=cmd_completed)
    x = ds.add_parser("export", help="berkas KPM lengkap untuk PT Pos (.xlsx atau .csv, NIK lengkap)",
                      parents=[common])
    x.add_argument("id", type=int, metavar="ID")
    x.add_argument("out", metavar="OUT.xlsx")
    x.set_defaults(func=cmd_export)
    x = ds.add_parser("map", help="pemetaan Kecamatan → Desa → RW → RT dengan jumlah KPM dan nilai bantuan",
                      parents=[common])
    x.add_argument("id", type=int, metavar="ID")
    x.add_argument("--depth", choices=["kecamatan", "desa", "rw", "rt"], default="desa",
                   help="kedalaman tampilan teks (bawaan: desa; --json selalu lengkap)")
    x.set_defaults(func=cmd_map)
    x = ds.add_parser("point", help="titik salur: add, list, remove", parents=[common])
    ps = x.add_subparsers(dest="point_command", required=True, metavar="PERINTAH")
    y = ps.add_parser("add", help="titik salur satu desa dengan tanggal, jam dan sesi", parents=[common])
    y.add_argument("id", type=int, metavar="ID")
    y.add_argument("--desa", required=True, metavar="KODE")
    y.add_argument("--kind", default="balai_desa", metavar="JENIS",
                   help="kantor_pos, balai_desa, kantor_kecamatan, lainnya (bawaan: balai_desa)")
    y.add_argument("--nama", required=True, metavar="NAMA")
    y.add_argument("--alamat", metavar="ALAMAT")
    y.add_argument("--tanggal", required=True, metavar="TTTT-BB-HH")
    y.add_argument("--mulai", required=True, metavar="JJ:MM")
    y.add_argument("--selesai", required=True, metavar="JJ:MM")
    y.add_argument("--slot", type=int, default=60, metavar="MENIT", help="lama satu sesi (bawaan 60 menit)")
    y.add_argument("--kuota", type=int, metavar="KPM", help="KPM per sesi (bawaan: dibagi rata)")
    y.set_defaults(func=cmd_point_add)
    y = ps.add_parser("list", help="titik salur tahap", parents=[common])
    y.add_argument("id", type=int, metavar="ID")
    y.add_argument("--desa", metavar="KODE")
    y.set_defaults(func=cmd_point_list)
    y = ps.add_parser("remove", help="hapus titik salur (KPM-nya kehilangan jadwal)", parents=[common])
    y.add_argument("point_id", type=int, metavar="TITIK_ID")
    y.set_defaults(func=cmd_point_remove)
    x = ds.add_parser("slots", help="bagi KPM lengkap ke sesi titik salur desanya (urut RW/RT/nama)",
                      parents=[common])
    x.add_argument("id", type=int, metavar="ID")
    x.add_argument("--desa", metavar="KODE")
    x.set_defaults(func=cmd_slots)
    x = ds.add_parser("programme", help="program bantuan: add, list", parents=[common])
    ps = x.add_subparsers(dest="programme_command", required=True, metavar="PERINTAH")
    y = ps.add_parser("add", help="tambah program kantor (administrator)", parents=[common])
    y.add_argument("code", metavar="KODE")
    y.add_argument("name", metavar="NAMA")
    y.set_defaults(func=cmd_programme_add)
    y = ps.add_parser("list", help="program yang dikenal", parents=[common])
    y.set_defaults(func=cmd_programme_list)
    x = ds.add_parser("rules", help="aturan pembersihan kantor (tampilkan; ubah dengan --set, supervisor)",
                      parents=[common])
    x.add_argument("--set", dest="rules", action="append", metavar="ATURAN=ya|tidak",
                   help="padan_wajib, dusun_wajib, kk_wajib; boleh diulang")
    x.set_defaults(func=cmd_rules)
    x = ds.add_parser("cancel", help="batalkan tahap yang belum disalurkan (supervisor, dengan alasan)",
                      parents=[common])
    x.add_argument("id", type=int, metavar="ID")
    x.add_argument("--reason", required=True, metavar="ALASAN")
    x.set_defaults(func=cmd_cancel)


def _progress(args):
    import sys

    from dtks_desktop.cli.common import ProgressPrinter

    return ProgressPrinter(sys.stderr.isatty() or bool(getattr(args, "progress", False)))


def _problems(problems) -> None:
    import sys

    for p in problems:
        print(("Ditolak: " if p.level == "error" else "Peringatan: ") + p.message, file=sys.stderr)


def _clean_text(r) -> str:
    from dtks_desktop.domain.distribution import CLEAN_REASON_LABELS, CleanReason

    lines = [f"Ronde {r.round}" + (f" (berkas {r.file_name})" if r.file_name else "") + f": {r.checked} diperiksa, "
             f"{r.lengkap} lengkap, {r.dikembalikan} dikembalikan."]
    lines += [f"  {CLEAN_REASON_LABELS[CleanReason(k)]}: {n}" for k, n in r.reasons.items()]
    if r.total:
        lines.append(f"Seluruh tahap: {r.total['kpm']} KPM, {r.total['lengkap']} lengkap, "
                     f"{r.total['dikembalikan']} dikembalikan, {r.total['belum']} belum diperiksa.")
    return "\n".join(lines)


def cmd_create(args) -> int:
    from dtks_desktop.cli.common import EXIT_OK, emit
    from dtks_desktop.services.distribution.periods import create_period

    def go(db, actor):
        r = create_period(db, actor, args.programme, args.period, cash=args.cash, goods=args.goods,
                          from_batch=args.from_batch, from_file=args.from_file, progress=_progress(args))
        _problems(r.problems)
        v = r.period
        emit(args, r.as_dict(), f"Tahap #{r.id} {v.programme} {v.period} ({v.benefit_label} per KPM): {r.kpm} KPM, "
                                f"{r.tidak_terdaftar} tidak terdaftar di DTKS, {r.rejected} baris ditolak.")
        return EXIT_OK
    return _run(args, go)


def cmd_list(args) -> int:
    import json

    from dtks_desktop.cli.common import EXIT_OK
    from dtks_desktop.services.distribution.periods import list_periods

    def go(db, actor):
        with db.sessions() as s:
            items = list_periods(s)
        if getattr(args, "json", False):
            print(json.dumps([v.as_dict() for v in items], ensure_ascii=False, indent=2, default=str))
        elif not items:
            print("Belum ada tahap penyaluran. Buat dengan: dtks dist create …")
        else:
            for v in items:
                print(f"#{v.id}  {v.programme:<10} {v.period:<20} {v.status_label:<32} {v.kpm:>7} KPM  "
                      f"{v.lengkap:>7} lengkap  {v.benefit_label}")
        return EXIT_OK
    return _run(args, go)


def cmd_show(args) -> int:
    import json

    from dtks_desktop.cli.common import EXIT_OK
    from dtks_desktop.services.distribution import cleaning, mapping, periods

    def go(db, actor):
        with db.sessions() as s:
            v = periods.get_period(s, args.id)
            rounds = cleaning.rounds(s, args.id)
            points = mapping.list_points(s, args.id)
            kpm = periods.kpm_page(s, actor, args.id, limit=v.kpm + 1) if args.kpm else []
        if getattr(args, "json", False):
            data = v.as_dict()
            data["rounds"] = [r.as_dict() for r in rounds]
            data["points"] = [p.as_dict() for p in points]
            if args.kpm:
                data["kpm_rows"] = [k.as_dict() for k in kpm]
            print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
            return EXIT_OK
        print(f"Tahap #{v.id}: {v.programme} ({v.programme_name}) {v.period}, {v.benefit_label} per KPM")
        print(f"Status: {v.status_label}; sumber: {v.source_label}"
              + (f" #{v.source_batch_id}" if v.source_batch_id else f" {v.source_file}"))
        print(f"KPM: {v.kpm} ({v.lengkap} lengkap, {v.dikembalikan} dikembalikan, {v.belum_diperiksa} belum "
              f"diperiksa); diterima {v.diterima}, gagal salur {v.gagal}")
        for r in rounds:
            print(f"  ronde {r.round_no}: {r.checked} diperiksa, {r.lengkap} lengkap, {r.dikembalikan} dikembalikan"
                  + (f" (berkas {r.file_name})" if r.file_name else "") + f", oleh {r.by}")
        for p in points:
            print(f"  titik #{p.id} {p.nama} ({p.desa_nama}) {p.tanggal:%d-%m-%Y} {p.jam_mulai:%H:%M}-"
                  f"{p.jam_selesai:%H:%M}: {p.kpm} KPM")
        for k in kpm:
            print(f"  {k.urut:>6} {k.nik:<18} {k.nama:<30} {k.desa_nama:<20} {k.rt_rw:<16} {k.clean_label}"
                  + (f" ({'; '.join(k.clean_reasons)})" if k.clean_reasons else ""))
        return EXIT_OK
    return _run(args, go)


def cmd_clean(args) -> int:
    from dtks_desktop.cli.common import EXIT_OK, emit
    from dtks_desktop.services.distribution.cleaning import clean

    def go(db, actor):
        r = clean(db, actor, args.id, progress=_progress(args))
        emit(args, r.as_dict(), _clean_text(r))
        return EXIT_OK
    return _run(args, go)


def cmd_returned(args) -> int:
    from dtks_desktop.cli.common import EXIT_OK, emit
    from dtks_desktop.services.distribution.ptpos import export_returned

    def go(db, actor):
        with db.sessions() as s:
            out = export_returned(s, actor, args.id, args.out, desa=args.desa)
        emit(args, {"file": str(out)}, f"Daftar KPM dikembalikan ditulis: {out}")
        return EXIT_OK
    return _run(args, go)


def cmd_completed(args) -> int:
    from dtks_desktop.cli.common import EXIT_OK, emit
    from dtks_desktop.services.distribution.ptpos import import_completed

    def go(db, actor):
        r = import_completed(db, actor, args.id, args.file, progress=_progress(args))
        _problems(r.problems)
        emit(args, r.as_dict(), f"{r.updated} KPM diperbarui dari {r.file_name}.\n" + _clean_text(r))
        return EXIT_OK
    return _run(args, go)


def cmd_export(args) -> int:
    from dtks_desktop.cli.common import EXIT_OK, emit
    from dtks_desktop.services.distribution.ptpos import export_for_ptpos

    def go(db, actor):
        with db.sessions() as s:
            out = export_for_ptpos(s, actor, args.id, args.out)
        emit(args, {"file": str(out)}, f"Berkas KPM lengkap untuk PT Pos ditulis: {out}")
        return EXIT_OK
    return _run(args, go)


def cmd_map(args) -> int:
    from dtks_desktop.cli.common import EXIT_OK, emit
    from dtks_desktop.domain.distribution import quantity, rupiah
    from dtks_desktop.services.distribution.mapping import tree

    levels = ["kabupaten", "kecamatan", "desa", "rw", "rt"]

    def go(db, actor):
        with db.sessions() as s:
            root = tree(s, args.id)
        lines: list[str] = []

        def walk(n, depth):
            value = rupiah(n.nilai) if isinstance(n.nilai, int) else quantity(n.nilai)
            lines.append(f"{'  ' * depth}{n.nama} {('(' + n.kode + ')') if n.level in ('kecamatan', 'desa') else ''}"
                         f": {n.kpm} KPM, {n.lengkap} lengkap, {n.dikembalikan} dikembalikan, nilai {value}")
            if levels.index(n.level) < levels.index(args.depth):
                for c in n.children:
                    walk(c, depth + 1)
        walk(root, 0)
        emit(args, root.as_dict(), "\n".join(lines))
        return EXIT_OK
    return _run(args, go)


def cmd_point_add(args) -> int:
    from dtks_desktop.cli.common import EXIT_OK, emit
    from dtks_desktop.services.distribution.mapping import add_point

    def go(db, actor):
        with db.transaction() as s:
            v = add_point(s, actor, args.id, args.desa, args.kind, args.nama, args.tanggal, args.mulai, args.selesai,
                          alamat=args.alamat, slot_menit=args.slot, kuota_slot=args.kuota)
        emit(args, v.as_dict(), f"Titik salur #{v.id} {v.nama} ({v.desa_nama}) {v.tanggal:%d-%m-%Y} "
                                f"{v.jam_mulai:%H:%M}-{v.jam_selesai:%H:%M}: {v.slots} sesi.")
        return EXIT_OK
    return _run(args, go)


def cmd_point_list(args) -> int:
    import json

    from dtks_desktop.cli.common import EXIT_OK
    from dtks_desktop.services.distribution.mapping import list_points

    def go(db, actor):
        with db.sessions() as s:
            items = list_points(s, args.id, desa=args.desa)
        if getattr(args, "json", False):
            print(json.dumps([v.as_dict() for v in items], ensure_ascii=False, indent=2, default=str))
        elif not items:
            print("Belum ada titik salur. Tambahkan: dtks dist point add ID --desa KODE --nama … --tanggal … "
                  "--mulai … --selesai …")
        else:
            for v in items:
                print(f"#{v.id}  {v.desa_nama:<20} {v.kind_label:<22} {v.nama:<30} {v.tanggal:%d-%m-%Y} "
                      f"{v.jam_mulai:%H:%M}-{v.jam_selesai:%H:%M}  {v.slots} sesi  {v.kpm} KPM")
        return EXIT_OK
    return _run(args, go)


def cmd_point_remove(args) -> int:
    from dtks_desktop.cli.common import EXIT_OK, emit
    from dtks_desktop.services.distribution.mapping import remove_point

    def go(db, actor):
        with db.transaction() as s:
            remove_point(s, actor, args.point_id)
        emit(args, {"removed": args.point_id}, f"Titik salur #{args.point_id} dihapus; bagi ulang jadwalnya "
                                               "(dtks dist slots).")
        return EXIT_OK
    return _run(args, go)


def cmd_slots(args) -> int:
    from dtks_desktop.cli.common import EXIT_OK, emit
    from dtks_desktop.services.distribution.mapping import assign_slots

    def go(db, actor):
        with db.transaction() as s:
            n = assign_slots(s, actor, args.id, desa=args.desa)
        emit(args, {"assigned": n}, f"{n} KPM mendapat jadwal.")
        return EXIT_OK
    return _run(args, go)


def cmd_programme_add(args) -> int:
    from dtks_desktop.cli.common import EXIT_OK, emit
    from dtks_desktop.services.distribution.periods import add_programme

    def go(db, actor):
        with db.transaction() as s:
            add_programme(s, actor, args.code, args.name)
        emit(args, {"code": args.code, "name": args.name}, f"Program {args.code} ({args.name}) ditambahkan.")
        return EXIT_OK
    return _run(args, go)


def cmd_programme_list(args) -> int:
    from dtks_desktop.cli.common import EXIT_OK, emit
    from dtks_desktop.services.distribution.periods import programmes

    def go(db, actor):
        with db.sessions() as s:
            items = programmes(s)
        emit(args, items, "\n".join(f"{k:<12} {v}" for k, v in items.items()))
        return EXIT_OK
    return _run(args, go)


def cmd_rules(args) -> int:
    from dtks_desktop.cli.common import EXIT_OK, CliError, emit
    from dtks_desktop.services.distribution.cleaning import RULE_LABELS, clean_rules, set_clean_rules

    yes, no = {"ya", "y", "true", "1", "on", "wajib"}, {"tidak", "t", "n", "false", "0", "off"}

    def go(db, actor):
        if args.rules:
            change = {}
            for item in args.rules:
                key, _, val = item.partition("=")
                if val.strip().lower() not in yes | no:
                    raise CliError(f"Tulis ATURAN=ya atau ATURAN=tidak, bukan '{item}'.")
                change[key.strip()] = val.strip().lower() in yes
            with db.transaction() as s:
                rules = set_clean_rules(s, actor, change)
        else:
            with db.sessions() as s:
                rules = clean_rules(s)
        emit(args, rules, "\n".join(f"{k:<12} {'ya' if v else 'tidak'}  ({RULE_LABELS[k]})" for k, v in rules.items()))
        return EXIT_OK
    return _run(args, go)


def cmd_cancel(args) -> int:
    from dtks_desktop.cli.common import EXIT_OK, emit
    from dtks_desktop.services.distribution.periods import cancel_period

    def go(db, actor):
        with db.transaction() as s:
            v = cancel_period(s, actor, args.id, args.reason)
        emit(args, v.as_dict(), f"Tahap #{v.id} {v.programme} {v.period}: {v.status_label}.")
        return EXIT_OK
    return _run(args, go)


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
