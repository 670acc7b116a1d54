"""`dtks office …`, `dtks signer …`, `dtks village-officials …`: the office as its documents show it
(letterhead, paper, logo), who signs, and the officials of each desa/kelurahan.

(`dtks docs …`, the letter register and the document engine, is added here too.)
"""

from __future__ import annotations

import sys

from dtks_desktop.cli.common import EXIT_OK, EXIT_USAGE, CliError, ProgressPrinter, emit, login_user, open_db


def _user_error(exc: Exception) -> CliError:
    return CliError(getattr(exc, "message", None) or str(exc))


# --- office ------------------------------------------------------------------------------------


def cmd_office_show(args) -> int:
    from dtks_desktop.services.documents import office

    db = open_db(args)
    try:
        login_user(args, db)
        with db.sessions() as s:
            data = office.show(s)
            own = set(office.keys_set(s))
        lines = []
        for key, value in data.items():
            if key == "logo":
                shown = f"{value['type']}, {value['bytes']:,} byte, SHA-256 {value['sha256'][:16]}…" if value else "-"
            else:
                shown = (value or "-").replace("\n", " / ")
            lines.append(f"{key:10} {shown}" + ("" if key in own or not value else "  (bawaan)"))
        emit(args, data, "\n".join(lines))
    finally:
        db.dispose()
    return EXIT_OK


def cmd_office_set(args) -> int:
    from dtks_desktop.services.documents import office

    try:
        values = office.parse_assignments(args.pairs)
    except office.OfficeError as exc:
        raise CliError(exc.message, EXIT_USAGE) from None
    db = open_db(args)
    try:
        actor = login_user(args, db)
        try:
            with db.transaction() as s:
                changed = office.set_values(s, actor, values)
        except office.OfficeError as exc:
            raise _user_error(exc) from None
        with db.sessions() as s:
            data = office.show(s)
        emit(args, {"changed": changed, "office": data},
             f"Tersimpan: {', '.join(changed)}." if changed else "Tidak ada yang berubah.")
    finally:
        db.dispose()
    return EXIT_OK


# --- signatories -------------------------------------------------------------------------------


def cmd_signer_add(args) -> int:
    from dtks_desktop.services.documents import signers

    db = open_db(args)
    try:
        actor = login_user(args, db)
        try:
            with db.transaction() as s:
                signer = signers.add_signer(s, actor, nama=args.name, nip=args.nip, pangkat=args.pangkat,
                                            jabatan=args.jabatan)
        except signers.SignerError as exc:
            raise _user_error(exc) from None
        emit(args, signers.signer_dict(signer), f"Penanda tangan #{signer.id} ditambahkan: {signer.nama}, "
                                                f"{signer.jabatan} (NIP {signer.nip}).")
    finally:
        db.dispose()
    return EXIT_OK


def cmd_signer_list(args) -> int:
    from dtks_desktop.domain.nip import format_nip
    from dtks_desktop.services.documents import signers

    db = open_db(args)
    try:
        login_user(args, db)
        with db.sessions() as s:
            rows = signers.list_signers(s)
            chosen = signers.choices(s)
        data = [signers.signer_dict(x) for x in rows]
        human = []
        for x in rows:
            used = [t for t, sid in chosen.items() if sid == x.id]
            human.append(f"#{x.id:<3} {x.nama:30} NIP {format_nip(x.nip):22} {x.pangkat:28} {x.jabatan}"
                         + ("" if x.aktif else "  [nonaktif]") + (f"  menandatangani: {', '.join(used)}" if used else ""))
        if getattr(args, "json", False):
            import json
            print(json.dumps(data, ensure_ascii=False, indent=2))
        else:
            print("\n".join(human) or "Belum ada penanda tangan (dtks signer add).")
    finally:
        db.dispose()
    return EXIT_OK


def cmd_signer_deactivate(args) -> int:
    from dtks_desktop.services.documents import signers

    db = open_db(args)
    try:
        actor = login_user(args, db)
        try:
            with db.transaction() as s:
                signer = signers.deactivate_signer(s, actor, args.id)
        except signers.SignerError as exc:
            raise _user_error(exc) from None
        emit(args, signers.signer_dict(signer), f"Penanda tangan #{signer.id} ({signer.nama}) nonaktif.")
    finally:
        db.dispose()
    return EXIT_OK


def cmd_signer_use(args) -> int:
    from dtks_desktop.services.documents import signers

    raw = args.id.strip().lower()
    if raw in ("-", "kosong", "none"):
        signer_id = None
    elif raw.isdigit():
        signer_id = int(raw)
    else:
        raise CliError(f"ID penanda tangan harus angka (lihat dtks signer list) atau 'kosong', bukan '{args.id}'.",
                       EXIT_USAGE)
    db = open_db(args)
    try:
        actor = login_user(args, db)
        try:
            with db.transaction() as s:
                changed = signers.use_signer(s, actor, args.type, signer_id)
                chosen = signers.signer_for(s, signers.check_doc_type(args.type))
        except signers.SignerError as exc:
            raise _user_error(exc) from None
        data = {"type": args.type, "signer": signers.signer_dict(chosen) if chosen else None, "changed": changed}
        emit(args, data, f"{args.type}: ditandatangani {chosen.nama} ({chosen.jabatan})." if chosen
             else f"{args.type}: belum ada penanda tangan.")
    finally:
        db.dispose()
    return EXIT_OK


# --- village officials ---------------------------------------------------------------------------


def cmd_officials_set(args) -> int:
    from dtks_desktop.services.documents import officials

    values = {k: getattr(args, k) for k in officials.FIELDS if getattr(args, k) is not None}
    if not values:
        raise CliError("Isi paling sedikit satu dari --kepala, --ketua-bpd, --sekretaris.", EXIT_USAGE)
    db = open_db(args)
    try:
        actor = login_user(args, db)
        try:
            with db.transaction() as s:
                v = officials.set_officials(s, actor, args.desa, **values)
        except officials.OfficialsError as exc:
            raise _user_error(exc) from None
        emit(args, officials.officials_dict(v), f"{v.sebutan} {v.desa_nama} ({v.desa_kode}): {v.kepala_jabatan} "
                                                f"{v.kepala or '-'}, Ketua BPD {v.ketua_bpd or '-'}, Sekretaris "
                                                f"{v.sekretaris or '-'}.")
    finally:
        db.dispose()
    return EXIT_OK


def cmd_officials_list(args) -> int:
    from dtks_desktop.services.documents import officials

    db = open_db(args)
    try:
        login_user(args, db)
        with db.sessions() as s:
            rows = officials.list_officials(s, args.desa)
        data = [officials.officials_dict(v) for v in rows]
        if getattr(args, "json", False):
            import json
            print(json.dumps(data, ensure_ascii=False, indent=2))
        else:
            print("\n".join(f"{v.desa_kode} {v.sebutan} {v.desa_nama:22} {v.kepala_jabatan}: {v.kepala or '-'}; "
                            f"Ketua BPD: {v.ketua_bpd or '-'}; Sekretaris: {v.sekretaris or '-'}" for v in rows)
                  or "Belum ada data perangkat desa.")
    finally:
        db.dispose()
    return EXIT_OK


def cmd_officials_import(args) -> int:
    from dtks_desktop.services.documents import officials
    from dtks_desktop.services.importing.readers import ImportFileError

    db = open_db(args)
    try:
        actor = login_user(args, db)
        progress = ProgressPrinter(sys.stderr.isatty())
        try:
            result = officials.import_officials(db, actor, args.file, progress=progress)
        except (ImportFileError, officials.OfficialsError) as exc:
            raise _user_error(exc) from None
        human = result.summary_text()
        if result.problems:
            human += "\n" + "\n".join(f"- [{p.level}] {p.message}" for p in result.problems[:50])
            if len(result.problems) > 50:
                human += f"\n… dan {len(result.problems) - 50} lagi (lihat --json)."
        emit(args, result.as_dict(), human)
    finally:
        db.dispose()
    return EXIT_OK


def register(sub, common) -> None:
    po = sub.add_parser("office", help="profil kantor: kop surat, kertas, logo", parents=[common])
    osub = po.add_subparsers(dest="office_command", metavar="PERINTAH")
    x = osub.add_parser("show", help="tampilkan profil kantor", parents=[common])
    x.set_defaults(func=cmd_office_show)
    x = osub.add_parser("set", help="ubah profil kantor (admin): KUNCI=NILAI …; kunci: pemerintah, dinas, alamat, "
                        "telepon, email, website, kode_pos, tempat, kertas (A4/F4), logo (berkas PNG/JPG)",
                        parents=[common])
    x.add_argument("pairs", nargs="+", metavar="KUNCI=NILAI")
    x.set_defaults(func=cmd_office_set)

    ps = sub.add_parser("signer", help="penanda tangan dokumen", parents=[common])
    ssub = ps.add_subparsers(dest="signer_command", metavar="PERINTAH")
    x = ssub.add_parser("add", help="tambah penanda tangan (admin)", parents=[common])
    x.add_argument("--name", required=True, help="nama lengkap dengan gelar")
    x.add_argument("--nip", required=True, help="NIP 18 angka")
    x.add_argument("--pangkat", required=True, help="pangkat/golongan, mis. 'Pembina Tingkat I (IV/b)'")
    x.add_argument("--jabatan", required=True, help="mis. 'Kepala Dinas Sosial'")
    x.set_defaults(func=cmd_signer_add)
    x = ssub.add_parser("list", help="daftar penanda tangan", parents=[common])
    x.set_defaults(func=cmd_signer_list)
    x = ssub.add_parser("deactivate", help="nonaktifkan penanda tangan (admin)", parents=[common])
    x.add_argument("id", type=int, metavar="ID")
    x.set_defaults(func=cmd_signer_deactivate)
    x = ssub.add_parser("use", help="pilih penanda tangan untuk jenis dokumen (admin); 'default' untuk semua",
                        parents=[common])
    x.add_argument("type", metavar="JENIS")
    x.add_argument("id", metavar="ID", help="ID penanda tangan, atau 'kosong' untuk menghapus pilihan")
    x.set_defaults(func=cmd_signer_use)

    pv = sub.add_parser("village-officials", help="perangkat desa/kelurahan: kepala desa/lurah, ketua BPD, sekretaris",
                        parents=[common])
    vsub = pv.add_subparsers(dest="officials_command", metavar="PERINTAH")
    x = vsub.add_parser("list", help="daftar perangkat desa yang tersimpan", parents=[common])
    x.add_argument("--desa", metavar="KODE", help="kode desa (atau kecamatan)")
    x.set_defaults(func=cmd_officials_list)
    x = vsub.add_parser("set", help="isi perangkat satu desa", parents=[common])
    x.add_argument("desa", metavar="KODE_DESA")
    x.add_argument("--kepala", help="Kepala Desa / Lurah")
    x.add_argument("--ketua-bpd", dest="ketua_bpd", help="Ketua BPD")
    x.add_argument("--sekretaris", help="Sekretaris Desa/Kelurahan")
    x.set_defaults(func=cmd_officials_set)
    x = vsub.add_parser("import", help="impor .xlsx satu baris per desa", parents=[common])
    x.add_argument("file", metavar="BERKAS")
    x.set_defaults(func=cmd_officials_import)
