"""`dtks match …` and `dtks programmes …`: stage 2, matching against the civil registry and programme lists."""

from __future__ import annotations

import sys
from pathlib import Path

from dtks_desktop.domain.formatting import angka
from dtks_desktop.domain.workflow.matching import MatchStatus

from dtks_desktop.cli.common import (EXIT_AUTH, EXIT_OK, EXIT_USAGE, CliError, ProgressPrinter, emit,
                                     login_user, open_db)


def cmd_match_run(args) -> int:
    from dtks_desktop.services.matching.common import MatchingError
    from dtks_desktop.services.matching.run import run_matching

    db = open_db(args)
    try:
        actor = login_user(args, db)
        progress = ProgressPrinter(sys.stderr.isatty() or args.progress)
        try:
            summary = run_matching(db, actor, full=args.full, progress=progress)
        except MatchingError as exc:
            raise CliError(exc.message) from None
        emit(args, summary.as_dict(), summary.summary_text())
    finally:
        db.dispose()
    return EXIT_OK


def cmd_match_export(args) -> int:
    from dtks_desktop.services.matching.export import export_csv

    db = open_db(args)
    try:
        actor = login_user(args, db)
        try:
            with db.sessions() as s:
                n = export_csv(s, args.out, actor=actor)
        except OSError as exc:
            raise CliError(f"Berkas {args.out} tidak dapat ditulis: {exc.strerror or exc}.") from None
        emit(args, {"file": str(Path(args.out).resolve()), "rows": n},
              f"{angka(n)} baris hasil pemadanan ditulis ke {args.out}")
    finally:
        db.dispose()
    return EXIT_OK


def cmd_match_accept(args) -> int:
    from dtks_desktop.services.matching.common import MatchingError
    from dtks_desktop.services.matching.decisions import bulk_accept, bulk_accept_preview

    db = open_db(args)
    try:
        actor = login_user(args, db)
        try:
            if args.dry_run:
                with db.sessions() as s:
                    n = bulk_accept_preview(s, args.status, args.min_score, actor=actor)
                emit(args, {"status": args.status, "min_score": args.min_score, "would_accept": n},
                      f"{angka(n)} hasil '{args.status}' dengan skor ≥ {args.min_score} akan diterima (uji coba).")
                return EXIT_OK
            n = bulk_accept(db, actor, args.status, args.min_score)
        except MatchingError as exc:
            raise CliError(exc.message, EXIT_USAGE) from None
        emit(args, {"status": args.status, "min_score": args.min_score, "accepted": n},
              f"{angka(n)} hasil '{args.status}' dengan skor ≥ {args.min_score} diterima.")
    finally:
        db.dispose()
    return EXIT_OK


def cmd_match_settings(args) -> int:
    """Show the matching thresholds; ``NAME=VALUE`` changes one (``match.settings``; audited)."""
    from dataclasses import fields as dc_fields

    from dtks_desktop.services.matching import settings as match_settings

    db = open_db(args)
    try:
        actor = login_user(args, db)
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
        if changes:  # the service refuses a role without match.settings
            with db.transaction() as s:
                for name, value in changes.items():
                    match_settings.save_param(s, actor, name, value)
        with db.sessions() as s:
            params = match_settings.load_params(s)
        data = {f: getattr(params, f) for f in names}
        emit(args, data, "\n".join(f"{match_settings.PREFIX}{k} = {v}" for k, v in data.items()))
    finally:
        db.dispose()
    return EXIT_OK


def _model_text(d: dict) -> str:
    from dtks_desktop.services.matching import settings as S

    if d["estimated"]:
        head = (f"Bobot pemadanan #{d['run_id']}: ditaksir dari data ({angka(d['certain_pairs'])} pasangan pasti, "
                f"{angka(d['non_match_pairs'])} pasangan calon yang pasti bukan orang yang sama)")
        if d.get("source_run") and d["source_run"] != d["run_id"]:
            head += f", ditaksir pada pemadanan #{d['source_run']}"
    else:
        head = f"Bobot pemadanan #{d['run_id']}: nilai bawaan (tidak ditaksir dari data)"
    lines = [head + ".", "m = peluang tingkat ini bila orangnya sama, u = bila orangnya berbeda; "
             "bobot = log2(m/u) dalam bit (nama sama: u menurut kelangkaan nama).", "",
             f"{'Bidang':<17}{'Tingkat':<19}{'m':>9}{'u':>10}{'bobot':>8}{'n_m':>9}{'n_u':>9}  sumber"]
    for f, levels in d["fields"].items():
        for lvl, x in levels.items():
            u = "frek." if x["u"] is None else f"{x['u']:.4g}"
            src = "data" if x["source"] == "data" else "bawaan"
            lines.append(f"{S.FIELD_LABELS.get(f, f):<17}{lvl:<19}{x['m']:>9.4g}{u:>10}{x['weight']:>8.2f}"
                         f"{x['n_m']:>9}{x['n_u']:>9}  {src}")
    lines.extend(d.get("notes") or [])
    return "\n".join(lines)


def cmd_match_model(args) -> int:
    """The weights (m/u model) a matching run used; no personal data."""
    from dtks_desktop.services.matching.common import MatchingError
    from dtks_desktop.services.matching.run import describe_model

    db = open_db(args)
    try:
        actor = login_user(args, db)
        try:
            with db.sessions() as s:
                data = describe_model(s, actor, args.run)
        except MatchingError as exc:
            raise CliError(exc.message) from None
        emit(args, data, _model_text(data))
    finally:
        db.dispose()
    return EXIT_OK


def _write_report(fn, db, out: str, **kw):
    from dtks_desktop.services.matching.reports import ReportError

    try:
        return fn(db, Path(out), **kw)
    except ReportError as exc:
        raise CliError(exc.message) from None
    except OSError as exc:
        raise CliError(f"Berkas {out} tidak dapat ditulis: {exc.strerror or exc}.") from None


def cmd_match_report(args) -> int:
    from dtks_desktop.services.matching import reports as R

    suffix = Path(args.out).suffix.lower()
    if suffix not in (".pdf", ".xlsx"):
        raise CliError("Nama berkas laporan harus berakhiran .pdf atau .xlsx.", EXIT_USAGE)
    db = open_db(args)
    try:
        actor = login_user(args, db)
        # A PDF is an issued document: numbered in the letter register, stamped, stored for reprints.
        issued = {"actor": actor} if suffix == ".pdf" else {}
        if args.report == "summary":
            fn = R.write_summary_pdf if suffix == ".pdf" else R.write_summary_xlsx
            res = _write_report(fn, db, args.out, kab_kode=args.kab, **issued)
            human = f"Rekap pemadanan {angka(res.villages)} desa/kelurahan ditulis ke {res.path}"
        else:
            fn = R.write_village_lists_pdf if suffix == ".pdf" else R.write_village_lists_xlsx
            res = _write_report(fn, db, args.out, desa=args.desa or None, **issued)
            human = (f"Daftar perbaikan NIK: {angka(res.rows)} orang di {angka(res.villages)} desa/kelurahan "
                     f"ditulis ke {res.path} (NIK dan No KK disamarkan)")
        if res.pages:
            human += f", {angka(res.pages)} halaman"
        if res.nomor:
            human += f"; nomor {res.nomor} (dokumen {res.document_id})"
        for w in res.warnings:
            print(w, file=sys.stderr)
        out = {"file": str(res.path.resolve()), "rows": res.rows, "villages": res.villages, "pages": res.pages,
               "warnings": list(res.warnings)}
        if res.document_id is not None:
            out.update(document_id=res.document_id, nomor=res.nomor)
        emit(args, out, human)
    finally:
        db.dispose()
    return EXIT_OK


def cmd_programmes_link(args) -> int:
    from dtks_desktop.services.matching.programmes import ProgrammeError, link_programmes

    db = open_db(args)
    try:
        actor = login_user(args, db)
        progress = ProgressPrinter(sys.stderr.isatty() or args.progress)
        try:
            result = link_programmes(db, actor, progress=progress)
        except ProgrammeError as exc:
            raise CliError(exc.message, EXIT_AUTH) from None
        emit(args, result.as_dict(), result.summary_text())
    finally:
        db.dispose()
    return EXIT_OK


def cmd_programmes_rules(args) -> int:
    from dtks_desktop.services.matching.programmes import LEVEL_LABELS, NO_RULES_TEXT, ProgrammeError, get_rules, set_rules

    db = open_db(args)
    try:
        actor = login_user(args, db)
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
        emit(args, {"rules": [r.as_dict() for r in rules]}, human)
    finally:
        db.dispose()
    return EXIT_OK


def cmd_programmes_double(args) -> int:
    from dtks_desktop.domain.masking import mask_record
    from dtks_desktop.domain.permissions import sees_full_nik
    from dtks_desktop.services.core import settings as settings_service
    from dtks_desktop.services.matching.programmes import NO_RULES_TEXT, count_double_receipts, double_receipts, get_rules

    db = open_db(args)
    try:
        actor = login_user(args, db)
        with db.sessions() as s:
            rules = get_rules(s)
            total = count_double_receipts(s, rules)
            rows = double_receipts(s, offset=args.offset, limit=args.limit, rules=rules)
            policy = settings_service.mask_policy(s)
        mask = None if sees_full_nik(actor) else policy
        data = [mask_record({"level": r.level, "member_id": r.member_id, "household_id": r.household_id,
                             "nama": r.nama, "nik": r.nik or "", "no_kk": r.no_kk or "", "desa": r.desa,
                             "kecamatan": r.kecamatan, "programmes": r.programmes_label}, mask) for r in rows]
        if not rules:
            human = NO_RULES_TEXT
        else:
            lines = [f"{angka(total)} pelanggaran aturan penerimaan ganda."]
            lines += [f"{d['level']:9} {d['nama'] or '-':30} {d['no_kk' if d['level'] == 'keluarga' else 'nik']:18} "
                      f"{d['desa'] or '-'}, {d['kecamatan'] or '-'}: {d['programmes']}" for d in data]
            human = "\n".join(lines)
        emit(args, {"total": total, "rows": data}, human)
    finally:
        db.dispose()
    return EXIT_OK


# --- parser ------------------------------------------------------------------------------------


def register(sub, common) -> None:
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
    x.add_argument("--status", required=True, choices=[str(s) for s in MatchStatus])
    x.add_argument("--min-score", type=float, required=True, metavar="SKOR")
    x.add_argument("--dry-run", action="store_true", help="hanya hitung, jangan ubah apa pun")
    x.set_defaults(func=cmd_match_accept)

    x = msub.add_parser("model", help="bobot (m/u) yang dipakai pemadanan, ditaksir dari data", parents=[common])
    x.add_argument("--run", type=int, metavar="ID", help="pemadanan ini (bawaan: yang terakhir)")
    x.set_defaults(func=cmd_match_model)

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
