"""`dtks musdes …`: stage 4, village meetings (Musdes/Muskel), their decisions and the Berita Acara."""

from __future__ import annotations

import json
import sys

from dtks_desktop.cli.common import run_as_user
from dtks_desktop.cli.common import EXIT_ERROR, EXIT_OK, EXIT_USAGE, CliError, ProgressPrinter, emit


def _run(args, fn):
    from dtks_desktop.services.musdes.common import MusdesError

    return run_as_user(args, fn, (MusdesError,))


def _meeting_for(s, desa: str):
    from dtks_desktop.services.musdes.common import MusdesError
    from dtks_desktop.services.musdes.meetings import current_meeting

    m = current_meeting(s, desa)
    if m is None:
        raise MusdesError(f"Desa/kelurahan {desa} belum punya musyawarah.", "Buat dulu: dtks musdes create.")
    return m


def cmd_create(args) -> int:
    from dtks_desktop.services.musdes.meetings import create_meeting

    def go(db, actor):
        with db.transaction() as s:
            m = create_meeting(s, actor, args.desa, args.date, args.time, args.place, ketua=args.chair,
                               notulis=args.notulis, agenda=args.agenda)
        for w in m.warnings:
            print(f"Peringatan: {w}", file=sys.stderr)
        emit(args, {"id": m.id, "status": m.status, "kind": m.kind, "warnings": list(m.warnings)},
             f"{m.kind_label} {m.desa_nama} dicatat sebagai musyawarah #{m.id} ({m.tanggal.isoformat()} "
             f"{m.jam.strftime('%H:%M')}, {m.tempat}).")
        return EXIT_OK
    return _run(args, go)


def cmd_participants(args) -> int:
    from dtks_desktop.services.musdes.meetings import import_participants

    def go(db, actor):
        res = import_participants(db, actor, args.id, args.file)
        for p in res.problems:
            print(("Ditolak: " if p.level == "error" else "Peringatan: ") + p.message, file=sys.stderr)
        emit(args, res.as_dict(), f"{res.imported} peserta disimpan, {res.rejected} ditolak, {res.warnings} "
                                  "peringatan.")
        return EXIT_OK if not res.rejected else EXIT_ERROR
    return _run(args, go)


def cmd_decisions(args) -> int:
    from dtks_desktop.services.musdes.decisions import count_decisions, list_decisions, totals

    def go(db, actor):
        with db.sessions() as s:
            m = _meeting_for(s, args.desa)
            rows = list_decisions(s, m.id, limit=count_decisions(s, m.id, args.text) + 1, text=args.text)
            t = totals(s, m.id)
        if getattr(args, "json", False):
            print(json.dumps({"meeting": m.id, "status": m.status,
                              "decisions": [{"id_dtks": r.id_dtks, "nama": r.nama, "decision": r.decision,
                                             "reason": r.reason, "nik": r.nik_masked, "hubungan": r.hubungan,
                                             "source": r.source, "nik_padan": r.padan,
                                             "override_reason": r.override_reason, "note": r.note} for r in rows],
                              "totals": t.as_dict()}, ensure_ascii=False, indent=2))
        else:
            for r in rows:
                print(f"{r.id_dtks:14} {r.nama[:30]:30} {r.decision_label:16} {r.reason_label}")
            print(f"Jumlah: tetap {t.tetap}, usulan baru {t.usulan_baru}, hapus {t.hapus}, perbaikan data "
                  f"{t.perbaikan_data} ({t.members} jiwa, {t.families} keluarga).")
        return EXIT_OK
    return _run(args, go)


def cmd_decide(args) -> int:
    from dtks_desktop.services.musdes.decisions import decide, member_ids_for

    def go(db, actor):
        with db.transaction() as s:
            m = _meeting_for(s, args.desa)
            rows = [decide(s, actor, m.id, mid, args.decision, reason=args.reason,
                           override_reason=args.override_reason) for mid in member_ids_for(s, m.id, args.id_dtks)]
        emit(args, {"meeting": m.id, "changed": [r.as_dict() for r in rows]},
             "\n".join(f"{r.nama}: {r.decision_label}{' (' + r.reason_label + ')' if r.reason_label else ''}"
                       for r in rows))
        return EXIT_OK
    return _run(args, go)


def cmd_print(args) -> int:
    from dtks_desktop.services.musdes.printing import print_desa, print_kecamatan

    if bool(args.desa) == bool(args.kecamatan):
        raise CliError("Sebutkan --desa KODE OUT.pdf atau --kecamatan KODE FOLDER.", EXIT_USAGE)

    def go(db, actor):
        progress = ProgressPrinter(True)
        if args.desa:
            res = print_desa(db, actor, args.desa, args.out, progress=None)
            emit(args, res.as_dict(), f"Berita acara {res.desa_nama} nomor {res.nomor} ditulis ke {res.path} "
                                      f"({res.pages} halaman).")
        else:
            results = print_kecamatan(db, actor, args.kecamatan, args.out, progress=progress)
            emit(args, {"printed": [r.as_dict() for r in results]},
                 "\n".join(f"{r.desa_nama}: {r.nomor} → {r.path} ({r.pages} halaman)" for r in results))
        return EXIT_OK
    return _run(args, go)


def cmd_sptjm(args) -> int:
    from dtks_desktop.services.musdes.printing import print_sptjm

    def go(db, actor):
        res = print_sptjm(db, actor, args.desa, args.out)
        emit(args, res.as_dict(), f"SPTJM {res.desa_nama} ditulis ke {res.path} ({res.pages} halaman).")
        return EXIT_OK
    return _run(args, go)


def cmd_finalize(args) -> int:
    from dtks_desktop.services.musdes.meetings import finalize

    def go(db, actor):
        with db.transaction() as s:
            m = finalize(s, actor, args.desa, args.returned, args.scan)
        emit(args, m.as_dict(), f"Musyawarah #{m.id} {m.desa_nama} final (berita acara kembali "
                                f"{m.returned_at.isoformat()}{', pindaian ' + m.scan_sha256[:12] + '…' if m.scan_sha256 else ''}).")
        return EXIT_OK
    return _run(args, go)


def cmd_show(args) -> int:
    from dtks_desktop.services.musdes.decisions import totals
    from dtks_desktop.services.musdes.meetings import list_meetings

    def go(db, actor):
        with db.sessions() as s:
            rows = list_meetings(s, kecamatan=args.kecamatan, desa=args.desa)
            data = [{**m.as_dict(), "totals": totals(s, m.id).as_dict()} for m in rows]
        if getattr(args, "json", False):
            print(json.dumps(data, ensure_ascii=False, indent=2))
        else:
            print("\n".join(f"#{m.id:<4} {m.desa_kode} {m.desa_nama:22} {m.tanggal} {m.status_label}"
                            f"{' ' + m.nomor if m.nomor else ''}" for m in rows) or "Belum ada musyawarah.")
        return EXIT_OK
    return _run(args, go)


def cmd_cancel(args) -> int:
    from dtks_desktop.services.musdes.meetings import cancel_meeting

    def go(db, actor):
        with db.transaction() as s:
            m = cancel_meeting(s, actor, args.id, args.reason)
        emit(args, m.as_dict(), f"Musyawarah #{m.id} {m.desa_nama} dibatalkan.")
        return EXIT_OK
    return _run(args, go)


def cmd_kop(args) -> int:
    from dtks_desktop.services.musdes.common import kop_setting, set_kop

    def go(db, actor):
        if args.value:
            with db.transaction() as s:
                value = set_kop(s, actor, args.value)
        else:
            with db.sessions() as s:
                value = kop_setting(s)
        emit(args, {"musdes.kop": value}, f"Kop berita acara: {value}")
        return EXIT_OK
    return _run(args, go)


def register(sub, common) -> None:
    p = sub.add_parser("musdes", help="musyawarah desa/kelurahan: create, participants, decisions, decide, print, "
                                      "sptjm, finalize", parents=[common])
    ms = p.add_subparsers(dest="musdes_command", metavar="PERINTAH")
    x = ms.add_parser("create", help="catat musyawarah satu desa/kelurahan (keputusan diisi dari verifikasi)",
                      parents=[common])
    x.add_argument("--desa", required=True, metavar="KODE")
    x.add_argument("--date", required=True, metavar="TAHUN-BULAN-HARI")
    x.add_argument("--time", required=True, metavar="JJ:MM")
    x.add_argument("--place", required=True, metavar="TEMPAT")
    x.add_argument("--chair", metavar="NAMA", help="pemimpin rapat (bawaan: Kepala Desa/Lurah dari pengaturan)")
    x.add_argument("--notulis", metavar="NAMA", help="notulis (bawaan: Sekretaris Desa/Kelurahan)")
    x.add_argument("--agenda", metavar="TEKS")
    x.set_defaults(func=cmd_create)
    x = ms.add_parser("participants", help="impor peserta dari CSV/xlsx (Nama, Unsur/Elemen, Jabatan)",
                      parents=[common])
    x.add_argument("id", type=int, metavar="ID")
    x.add_argument("--file", required=True, metavar="BERKAS")
    x.set_defaults(func=cmd_participants)
    x = ms.add_parser("decisions", help="keputusan per anggota dan jumlahnya", parents=[common])
    x.add_argument("--desa", required=True, metavar="KODE")
    x.add_argument("--text", metavar="CARI")
    x.set_defaults(func=cmd_decisions)
    x = ms.add_parser("decide", help="ubah keputusan satu anggota (ID DTKS anggota) atau satu keluarga",
                      parents=[common])
    x.add_argument("--desa", required=True, metavar="KODE")
    x.add_argument("--id-dtks", dest="id_dtks", required=True, metavar="ID")
    x.add_argument("--decision", required=True, metavar="KEPUTUSAN", help="tetap, usulan_baru, hapus, perbaikan_data")
    x.add_argument("--reason", metavar="ALASAN", help="untuk hapus: meninggal, pindah, mampu, ganda, tidak_ditemukan")
    x.add_argument("--override-reason", dest="override_reason", metavar="TEKS",
                   help="alasan pengecualian: usulan baru dengan NIK tidak padan")
    x.set_defaults(func=cmd_decide)
    x = ms.add_parser("print", help="berita acara + lampiran + daftar hadir satu desa, atau satu kecamatan",
                      parents=[common])
    x.add_argument("--desa", metavar="KODE")
    x.add_argument("--kecamatan", metavar="KODE")
    x.add_argument("out", metavar="OUT.pdf|FOLDER")
    x.set_defaults(func=cmd_print)
    x = ms.add_parser("sptjm", help="SPTJM desa/kelurahan yang tidak bermusyawarah", parents=[common])
    x.add_argument("--desa", required=True, metavar="KODE")
    x.add_argument("out", metavar="OUT.pdf")
    x.set_defaults(func=cmd_sptjm)
    x = ms.add_parser("finalize", help="berita acara bertanda tangan sudah kembali: keputusan final",
                      parents=[common])
    x.add_argument("--desa", required=True, metavar="KODE")
    x.add_argument("--returned", required=True, metavar="TAHUN-BULAN-HARI")
    x.add_argument("--scan", metavar="BERKAS.pdf")
    x.set_defaults(func=cmd_finalize)
    x = ms.add_parser("list", help="daftar musyawarah", parents=[common])
    x.add_argument("--desa", metavar="KODE")
    x.add_argument("--kecamatan", metavar="KODE")
    x.set_defaults(func=cmd_show)
    x = ms.add_parser("cancel", help="batalkan musyawarah yang belum final", parents=[common])
    x.add_argument("id", type=int, metavar="ID")
    x.add_argument("--reason", required=True, metavar="ALASAN")
    x.set_defaults(func=cmd_cancel)
    x = ms.add_parser("kop", help="kop berita acara: desa atau dinas (admin)", parents=[common])
    x.add_argument("value", nargs="?", metavar="desa|dinas")
    x.set_defaults(func=cmd_kop)
