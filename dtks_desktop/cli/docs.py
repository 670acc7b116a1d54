"""`dtks docs …`: the letter register (agenda surat keluar) and issued documents: numbers,
voided numbers, numbering templates, the register as a list or .xlsx, reprints and the
authenticity check."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

from dtks_desktop.cli.common import EXIT_ERROR, EXIT_OK, EXIT_USAGE, CliError, emit, login_user, open_db
from dtks_desktop.domain.formatting import angka


def _session_call(args, fn, *, write: bool):
    db = open_db(args)
    try:
        actor = login_user(args, db)
        if write:
            with db.transaction() as s:
                return fn(s, actor)
        with db.sessions() as s:
            return fn(s, actor)
    finally:
        db.dispose()


def _date(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CliError(f"Tanggal '{text}' tidak dikenali: tulis TTTT-BB-HH, mis. 2026-12-04.", EXIT_USAGE) from None


def cmd_number(args) -> int:
    from dtks_desktop.services.documents import register as R

    when = _date(args.date)
    data = _session_call(args, lambda s, a: R.entry_dict(R.take_number(s, a, args.type, args.purpose, when=when)),
                         write=True)
    keys = ("nomor", "id", "type", "year", "seq", "purpose", "created_by", "created_at")
    emit(args, {k: data[k] for k in keys}, data["nomor"])
    return EXIT_OK


def cmd_void(args) -> int:
    from dtks_desktop.services.documents import register as R

    data = _session_call(args, lambda s, a: R.entry_dict(R.void(s, a, args.nomor, args.reason, year=args.year)),
                         write=True)
    emit(args, data, f"Nomor {data['nomor']} dibatalkan ({data['void_reason']}); nomor ini tetap tercatat dan tidak "
                     "dipakai lagi.")
    return EXIT_OK


def cmd_register(args) -> int:
    from dtks_desktop.services.documents import register as R

    voided = True if args.voided else (False if args.valid else None)
    filters = dict(year=args.year, doc_type=args.type, text=args.text, voided=voided)

    def run(s, a):
        if args.xlsx:
            try:
                n = R.export_xlsx(s, args.xlsx, **filters)
            except OSError as exc:
                raise CliError(f"Berkas {args.xlsx} tidak dapat ditulis ({exc.strerror or exc}).") from None
            return n, None
        return None, [R.entry_dict(e) for e in R.list_register(s, **filters)]

    n, rows = _session_call(args, run, write=False)
    if rows is None:
        emit(args, {"file": str(Path(args.xlsx).resolve()), "rows": n},
             f"{angka(n)} nomor surat ditulis ke {args.xlsx}")
        return EXIT_OK
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return EXIT_OK
    if not rows:
        print("Tidak ada nomor surat yang sesuai.")
    for r in rows:
        status = f"BATAL ({r['void_reason']})" if r["voided"] else "berlaku"
        print(f"{r['nomor']:<28} {r['type']:<22} {r['created_by']:<12} {status:<10} {r['purpose']}")
    return EXIT_OK


def cmd_template(args) -> int:
    from dtks_desktop.services.documents import register as R

    if args.template is None:
        rows = _session_call(args, lambda s, a: R.templates(s), write=False)
        if args.json:
            print(json.dumps(rows, ensure_ascii=False, indent=2))
        else:
            for r in rows:
                print(f"{r['type']:<24} {r['template']}{'' if r['custom'] else '  (bawaan)'}")
        return EXIT_OK
    if args.type is None:
        raise CliError("Sebutkan jenis dokumen dan templatnya: dtks docs template surat_keluar \"460/{seq}/Dinsos/{year}\".",
                       EXIT_USAGE)
    text = _session_call(args, lambda s, a: R.set_template(s, a, args.type, args.template), write=True)
    emit(args, {"type": args.type, "template": text}, f"Templat nomor {args.type}: {text}")
    return EXIT_OK


def cmd_list(args) -> int:
    from dtks_desktop.services.documents import issued as I

    rows = _session_call(args, lambda s, a: [I.doc_dict(d) for d in I.list_documents(s, doc_type=args.type)],
                         write=False)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return EXIT_OK
    if not rows:
        print("Belum ada dokumen yang diterbitkan.")
    for r in rows:
        print(f"{r['id']:>6}  {r['type']:<22} {r['nomor'] or '-':<26} {r['created_by']:<12} {r['created_at']}")
    return EXIT_OK


def cmd_reprint(args) -> int:
    from dtks_desktop.services.documents import issued as I

    data = _session_call(args, lambda s, a: I.reprint(s, a, args.id), write=True)
    target = Path(args.out)
    tmp = target.with_name(target.name + ".tmp")
    try:
        tmp.write_bytes(data)
        tmp.replace(target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise CliError(f"Berkas {target} tidak dapat ditulis ({exc.strerror or exc}).") from None
    emit(args, {"id": args.id, "file": str(target.resolve()), "bytes": len(data)},
         f"Dokumen {args.id} dicetak ulang ke {target} (sama persis dengan yang diterbitkan).")
    return EXIT_OK


def cmd_verify(args) -> int:
    from dtks_desktop.services.documents import issued as I

    if bool(args.file) == bool(args.code):
        raise CliError("Sebutkan berkas PDF atau --code KODE (salah satu).", EXIT_USAGE)
    if args.code:
        verdict = _session_call(args, lambda s, a: I.verify_code(s, a, args.code), write=False)
    else:
        verdict = _session_call(args, lambda s, a: I.verify_file(s, a, args.file), write=False)
    emit(args, verdict.as_dict(), verdict.message)
    return EXIT_OK if verdict.genuine else EXIT_ERROR


def cmd_agenda(args) -> int:
    from dtks_desktop.services.documents import issued as I

    voided = True if args.voided else (False if args.valid else None)
    year = args.year or date.today().year
    target = Path(args.out)

    def run(s, a):
        printed = I.print_agenda(s, a, year=year, doc_type=args.type, text=args.text, voided=voided)
        tmp = target.with_name(target.name + ".tmp")
        try:
            tmp.write_bytes(printed.doc.pdf)
            tmp.replace(target)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise CliError(f"Berkas {target} tidak dapat ditulis ({exc.strerror or exc}).") from None
        return I.doc_dict(printed.doc) | {"pages": printed.doc.pages, "warnings": list(printed.warnings)}

    data = _session_call(args, run, write=True)
    for w in data["warnings"]:
        print(w, file=sys.stderr)
    emit(args, data | {"file": str(target.resolve())},
         f"Agenda surat keluar {year} ditulis ke {target} ({data['pages']} halaman; dokumen {data['id']}).")
    return EXIT_OK


def cmd_keterangan(args) -> int:
    from dtks_desktop.services.documents import issued as I
    from dtks_desktop.services.documents import keterangan as K

    when = _date(args.date)

    def run(s, a):
        hh = K.find_household(s, args.family)
        printed = K.issue_keterangan(s, a, hh.id, args.keperluan, when=when)
        I.save_pdf(printed.doc.pdf, args.out)
        return I.doc_dict(printed.doc) | {"pages": printed.doc.pages, "warnings": list(printed.warnings)}

    data = _session_call(args, run, write=True)
    for w in data["warnings"]:
        print(w, file=sys.stderr)
    target = Path(args.out)
    emit(args, data | {"file": str(target.resolve())},
         f"Surat keterangan terdaftar DTKS nomor {data['nomor']} ditulis ke {target} (dokumen {data['id']}).")
    return EXIT_OK


def register(sub, common) -> None:
    p = sub.add_parser("docs", help="agenda surat keluar dan dokumen resmi: number, void, register, template, "
                                    "agenda, list, reprint, verify", parents=[common])
    dsub = p.add_subparsers(dest="docs_command", metavar="SUBPERINTAH")
    x = dsub.add_parser("number", help="ambil nomor surat berikutnya (surat_keluar: surat yang dibuat di luar "
                                       "aplikasi)", parents=[common])
    x.add_argument("type", metavar="JENIS", help="jenis dokumen, mis. surat_keluar")
    x.add_argument("--purpose", required=True, metavar="PERIHAL", help="perihal/keperluan surat")
    x.add_argument("--date", metavar="TTTT-BB-HH", help="tanggal surat (bawaan: hari ini)")
    x.set_defaults(func=cmd_number)
    x = dsub.add_parser("void", help="batalkan nomor surat (tetap tercatat dengan alasannya)", parents=[common])
    x.add_argument("nomor", metavar="NOMOR")
    x.add_argument("--reason", required=True, metavar="ALASAN")
    x.add_argument("--year", type=int, metavar="TAHUN", help="tahun nomor (bila nomor yang sama ada di beberapa tahun)")
    x.set_defaults(func=cmd_void)
    x = dsub.add_parser("register", help="agenda surat keluar: daftar atau .xlsx", parents=[common])
    x.add_argument("--year", type=int, metavar="TAHUN")
    x.add_argument("--type", metavar="JENIS")
    x.add_argument("--text", metavar="TEKS", help="cari di nomor atau perihal")
    g = x.add_mutually_exclusive_group()
    g.add_argument("--voided", action="store_true", help="hanya nomor yang dibatalkan")
    g.add_argument("--valid", action="store_true", help="hanya nomor yang berlaku")
    x.add_argument("--xlsx", metavar="BERKAS.xlsx", help="tulis ke berkas Excel")
    x.set_defaults(func=cmd_register)
    x = dsub.add_parser("template", help="lihat templat nomor, atau ubah templat satu jenis (supervisor/admin)",
                        parents=[common])
    x.add_argument("type", nargs="?", metavar="JENIS")
    x.add_argument("template", nargs="?", metavar="TEMPLAT", help="mis. \"460/{seq}/Dinsos/{year}\"; penanda: "
                   "{seq} {year} {month} {month_roman}")
    x.set_defaults(func=cmd_template)
    x = dsub.add_parser("agenda", help="cetak agenda surat keluar satu tahun sebagai PDF (kop dan kertas dari profil "
                                       "kantor)", parents=[common])
    x.add_argument("out", metavar="BERKAS.pdf")
    x.add_argument("--year", type=int, metavar="TAHUN", help="bawaan: tahun ini")
    x.add_argument("--type", metavar="JENIS")
    x.add_argument("--text", metavar="TEKS", help="cari di nomor atau perihal")
    g = x.add_mutually_exclusive_group()
    g.add_argument("--voided", action="store_true", help="hanya nomor yang dibatalkan")
    g.add_argument("--valid", action="store_true", help="hanya nomor yang berlaku")
    x.set_defaults(func=cmd_agenda)
    x = dsub.add_parser("keterangan", help="terbitkan surat keterangan terdaftar DTKS untuk satu keluarga (NIK "
                                           "disamarkan)", parents=[common])
    x.add_argument("family", metavar="ID_DTKS|NO_KK", help="ID DTKS atau No KK keluarga")
    x.add_argument("out", metavar="BERKAS.pdf")
    x.add_argument("--keperluan", required=True, metavar="KEPERLUAN", help="mis. \"pendaftaran sekolah anak\"")
    x.add_argument("--date", metavar="TTTT-BB-HH", help="tanggal surat (bawaan: hari ini)")
    x.set_defaults(func=cmd_keterangan)
    x = dsub.add_parser("list", help="dokumen yang sudah diterbitkan", parents=[common])
    x.add_argument("--type", metavar="JENIS")
    x.set_defaults(func=cmd_list)
    x = dsub.add_parser("reprint", help="cetak ulang dokumen tersimpan (sama persis)", parents=[common])
    x.add_argument("id", type=int, metavar="ID")
    x.add_argument("out", metavar="BERKAS.pdf")
    x.set_defaults(func=cmd_reprint)
    x = dsub.add_parser("verify", help="periksa keaslian berkas PDF atau kode keaslian (keluar 0 hanya bila asli)",
                        parents=[common])
    x.add_argument("file", nargs="?", metavar="BERKAS.pdf")
    x.add_argument("--code", metavar="KODE", help="kode keaslian dari cetakan, mis. DS-000123-7K3QX9")
    x.set_defaults(func=cmd_verify)
