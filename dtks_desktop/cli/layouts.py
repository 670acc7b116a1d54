"""`dtks layout …`: the layouts of the files the office exchanges (upload files of submission
batches, PT Pos lists), over ``services.core.layouts``.

``dtks layout set KEY FILE.json`` takes ``[{"header": "NIK", "field": "nik"}, ...]`` or what
``dtks layout show KEY --json`` prints (its ``columns`` are used), so a layout can be shown,
edited and set back.
"""

from __future__ import annotations

import json
from pathlib import Path

from dtks_desktop.cli.common import EXIT_OK, CliError, emit, login_user, open_db


def _state(info: dict) -> str:
    if info["is_default"]:
        return "bawaan"
    return "diatur kantor" if info["own"] else f"mengikuti {info['configured']}"


def _run(args, fn):
    from dtks_desktop.services.core.layouts import LayoutError

    db = open_db(args)
    try:
        actor = login_user(args, db)
        try:
            return fn(db, actor)
        except LayoutError as exc:
            raise CliError(exc.message) from None
    finally:
        db.dispose()


def cmd_list(args) -> int:
    from dtks_desktop.services.core import layouts as L

    def go(db, actor):
        with db.sessions() as s:
            infos = [L.show(s, scope.key) for scope in L.available(s)]
        if getattr(args, "json", False):
            print(json.dumps([{k: i[k] for k in ("key", "label", "parent", "configured", "is_default", "own",
                                                  "columns")} for i in infos], ensure_ascii=False, indent=2))
        else:
            width = max((len(i["key"]) for i in infos), default=10)
            for i in infos:
                print(f"{i['key']:<{width}}  {len(i['columns']):>3} kolom  {_state(i):<28} {i['label']}")
        return EXIT_OK
    return _run(args, go)


def cmd_show(args) -> int:
    from dtks_desktop.services.core import layouts as L

    def go(db, actor):
        with db.sessions() as s:
            info = L.show(s, args.key)
        lines = [f"{info['label']} ({info['key']}): {_state(info)}"]
        for n, c in enumerate(info["columns"], 1):
            marks = [m for m, on in (("teks", c["field"] in info["text_fields"]),
                                     ("wajib", c["field"] in info["required"])) if on]
            lines.append(f"{n:>3}. {c['header']:<28} {c['field']:<14} {info['fields'].get(c['field'], '')}"
                         + (f"  [{', '.join(marks)}]" if marks else ""))
        unused = [f for f in info["fields"] if f not in {c["field"] for c in info["columns"]}]
        if unused:
            lines.append("Isian lain yang dapat dipakai: " + ", ".join(f"{f} ({info['fields'][f]})" for f in unused))
        if info["children"]:
            lines.append("Format per program: " + ", ".join(info["children"]))
        emit(args, info, "\n".join(lines))
        return EXIT_OK
    return _run(args, go)


def read_columns(path: str) -> list[tuple[str, str]]:
    """The columns of a layout file: a JSON list of {"header", "field"} (or ``show --json`` output)."""
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise CliError(f"Berkas {p} tidak ditemukan.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CliError(f"Berkas {p} tidak dapat dibaca: {exc}.") from None
    except ValueError as exc:
        raise CliError(f"{p.name}: bukan JSON yang sah ({exc}).") from None
    if isinstance(data, dict) and isinstance(data.get("columns"), list):
        data = data["columns"]
    if not isinstance(data, list):
        raise CliError(f"{p.name}: isinya harus daftar kolom, mis. "
                       '[{"header": "NIK", "field": "nik"}, {"header": "NAMA", "field": "nama"}].')
    out = []
    for n, item in enumerate(data, 1):
        if not isinstance(item, dict) or not isinstance(item.get("header"), str) \
                or not isinstance(item.get("field"), str):
            raise CliError(f'{p.name}: kolom ke-{n} harus berbentuk {{"header": "…", "field": "…"}}, '
                           f"bukan {json.dumps(item, ensure_ascii=False)[:80]}.")
        out.append((item["header"], item["field"]))
    return out


def cmd_set(args) -> int:
    from dtks_desktop.services.core import layouts as L

    columns = read_columns(args.file)

    def go(db, actor):
        with db.transaction() as s:
            cols = L.set_layout(s, actor, args.key, columns)
            info = L.show(s, args.key)
        emit(args, info, f"Format {info['key']} disimpan: {len(cols)} kolom ("
             + ", ".join(c.header for c in cols) + ").")
        return EXIT_OK
    return _run(args, go)


def cmd_reset(args) -> int:
    from dtks_desktop.services.core import layouts as L

    def go(db, actor):
        with db.transaction() as s:
            L.reset_layout(s, actor, args.key)
            info = L.show(s, args.key)
        now = "format bawaan" if info["is_default"] else f"format {info['configured']}"
        emit(args, info, f"Format {info['key']} kini memakai {now} ({len(info['columns'])} kolom).")
        return EXIT_OK
    return _run(args, go)


def register(sub, common) -> None:
    p = sub.add_parser("layout", help="format berkas yang dipertukarkan (berkas unggah batch, PT Pos): list, show, "
                                      "set, reset", parents=[common])
    ls = p.add_subparsers(dest="layout_command", metavar="PERINTAH")
    x = ls.add_parser("list", help="semua format berkas dan statusnya (bawaan, diatur, mengikuti induk)",
                      parents=[common])
    x.set_defaults(func=cmd_list)
    x = ls.add_parser("show", help="kolom satu format berkas", parents=[common])
    x.add_argument("key", metavar="KUNCI", help="mis. batch.kemensos atau batch.kemensos.PKH")
    x.set_defaults(func=cmd_show)
    x = ls.add_parser("set", help="atur kolom dari berkas JSON [{\"header\": …, \"field\": …}, …] (admin)",
                      parents=[common])
    x.add_argument("key", metavar="KUNCI")
    x.add_argument("file", metavar="BERKAS.json")
    x.set_defaults(func=cmd_set)
    x = ls.add_parser("reset", help="kembalikan ke format bawaan (atau format induknya) (admin)", parents=[common])
    x.add_argument("key", metavar="KUNCI")
    x.set_defaults(func=cmd_reset)
