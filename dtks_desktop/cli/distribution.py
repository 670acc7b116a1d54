"""`dtks dist …`: stages 6-7, PT Pos data cleaning and distribution (issue 14).

Three groups of commands, each registered by its own function below: preparing a period
(create, list, show, clean, returned, completed, map, point, export), the distribution day and its
report (receive, fail, undo, report, close), and printing (print).
"""

from __future__ import annotations

from dtks_desktop.cli.common import CliError, login_user, open_db


def _run(args, fn):
    """Open the database, log the user in, run ``fn(db, actor)``; a service's Indonesian error
    becomes a CLI error (exit code, message on stderr), never a traceback."""
    from dtks_desktop.services.distribution.common import DistError
    from dtks_desktop.services.importing.readers import ImportFileError

    db = open_db(args)
    try:
        actor = login_user(args, db)
        try:
            return fn(db, actor)
        except DistError as exc:
            raise CliError(exc.message + (f" {exc.hint}" if exc.hint else "")) from None
        except ImportFileError as exc:
            raise CliError(str(getattr(exc, "message", exc))) from None
    finally:
        db.dispose()


def register(sub, common) -> None:
    p = sub.add_parser("dist", help="penyaluran bantuan: tahap, pembersihan PT Pos, pemetaan, cetak, penerimaan, "
                                    "realisasi")
    ds = p.add_subparsers(dest="dist_command", required=True, metavar="PERINTAH")
    _register_setup(ds, common)
    _register_receipts(ds, common)
    _register_printing(ds, common)


# --- preparing a period: create, list, show, clean, returned, completed, map, point, export -------------

def _register_setup(ds, common) -> None:
    pass


# --- the distribution day and its report: receive, fail, undo, report, close ---------------------------

def _register_receipts(ds, common) -> None:
    pass


# --- printing: print --------------------------------------------------------------------------------------

def _register_printing(ds, common) -> None:
    pass
