"""`dtks demo-data` and `dtks demo-load`: synthetic data for demonstrations and tests."""

from __future__ import annotations

import sys
import time
from pathlib import Path


from dtks_desktop.cli.common import (EXIT_OK, EXIT_USAGE, CliError, ProgressPrinter, emit, login_user,
                                     open_db)


def cmd_demo_data(args) -> int:
    from dtks_desktop.demo import generator as demo

    cfg = demo.DemoConfig(people=args.people, seed=args.seed, kab=args.kab, dukcapil_ratio=args.dukcapil_ratio)
    progress = ProgressPrinter(sys.stderr.isatty() or args.progress)
    t0 = time.perf_counter()
    try:
        files = demo.generate_files(Path(args.outdir), cfg, xlsx=not args.no_xlsx, progress=progress)
    except ValueError as exc:
        raise CliError(str(exc), EXIT_USAGE) from None
    data = {"outdir": str(Path(args.outdir).resolve()), "files": {k: str(v) for k, v in files.items()},
            "seconds": round(time.perf_counter() - t0, 2)}
    human = "Data contoh ditulis ke " + data["outdir"] + ":\n" + "\n".join(f"  {k}: {Path(v).name}" for k, v in files.items())
    emit(args, data, human)
    return EXIT_OK


def cmd_demo_load(args) -> int:
    from dtks_desktop.demo import loader as demo_loader

    db = open_db(args)
    try:
        actor = login_user(args, db)
        progress = ProgressPrinter(sys.stderr.isatty() or args.progress)
        try:
            result = demo_loader.load_demo(db, actor, people=args.people, seed=args.seed, kab=args.kab,
                                           progress=progress)
        except demo_loader.DemoLoadError as exc:
            raise CliError(str(exc)) from None
        emit(args, result.as_dict(), result.summary_text())
    finally:
        db.dispose()
    return EXIT_OK


def cmd_demo_kpm_list(args) -> int:
    from dtks_desktop.demo.kpm_list import KpmListConfig, write_kpm_list

    db = open_db(args)
    try:
        cfg = KpmListConfig(programme=args.programme.upper(), count=args.count, seed=args.seed, layout=args.layout,
                            damage=not args.clean)
        try:
            with db.sessions() as s:
                res = write_kpm_list(s, Path(args.out), cfg)
        except ValueError as exc:
            raise CliError(str(exc)) from None
        human = (f"Daftar KPM contoh {res.rows} baris ditulis ke {res.path}; kunci jawaban: {res.truth.name} "
                 f"({', '.join(f'{k} {v}' for k, v in sorted(res.expect.items()))}).")
        emit(args, res.as_dict(), human)
    finally:
        db.dispose()
    return EXIT_OK


def register(sub, common) -> None:
    x = sub.add_parser("demo-data", help="tulis berkas data contoh (sintetis) ke folder", parents=[common])
    x.add_argument("outdir", metavar="FOLDER")
    x.add_argument("--people", type=int, default=2000, help="jumlah orang di DTKS (bawaan 2000)")
    x.add_argument("--seed", type=int, default=1)
    x.add_argument("--kab", default="33.10", help="kode kabupaten/kota Kemendagri (bawaan 33.10 Klaten)")
    x.add_argument("--dukcapil-ratio", type=float, default=2.0, help="penduduk Dukcapil per orang DTKS")
    x.add_argument("--no-xlsx", action="store_true", help="hanya CSV")
    x.add_argument("--progress", action="store_true")
    x.set_defaults(func=cmd_demo_data)

    x = sub.add_parser("demo-load", help="isi basis data dengan data contoh (sintetis)", parents=[common])
    x.add_argument("--people", type=int, default=2000)
    x.add_argument("--seed", type=int, default=1)
    x.add_argument("--kab", help="kode kabupaten/kota (bawaan: kabupaten/kota kantor, atau 33.10 Klaten)")
    x.add_argument("--progress", action="store_true")
    x.set_defaults(func=cmd_demo_load)

    x = sub.add_parser("demo-kpm-list", help="tulis daftar KPM contoh (seperti kiriman Kemensos/Bulog) dari DTKS di "
                                             "basis data, dengan kerusakan yang lazim dan kunci jawabannya",
                       parents=[common])
    x.add_argument("out", metavar="BERKAS", help=".xlsx atau .csv")
    x.add_argument("--programme", default="BANPANGAN")
    x.add_argument("--count", type=int, help="jumlah keluarga (bawaan: 60-80 %% keluarga desil 1-4)")
    x.add_argument("--seed", type=int, default=1)
    x.add_argument("--layout", choices=("kemensos", "bulog"), default="kemensos")
    x.add_argument("--clean", action="store_true", help="tanpa kerusakan")
    x.set_defaults(func=cmd_demo_kpm_list)
