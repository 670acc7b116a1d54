"""`dtks dist …`: stages 6-7, PT Pos data cleaning and distribution (issue 14).

Three groups of commands, each registered by its own function below: preparing a period
(create, list, show, clean, returned, completed, map, point, export), the distribution day and its
report (receive, fail, undo, report, close), and printing (print).
"""

from __future__ import annotations

from dtks_desktop.cli.common import run_as_user
from dtks_desktop.cli.common import CliError, login_user, open_db


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
    pass


# --- the distribution day and its report: receive, fail, undo, report, close ---------------------------

def _register_receipts(ds, common) -> None:
    pass


# --- printing: print --------------------------------------------------------------------------------------

def _register_printing(ds, common) -> None:
    pass
