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
