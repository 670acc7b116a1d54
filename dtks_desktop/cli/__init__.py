"""`dtks`: the command line over the same services as the GUI.

Every command that touches data runs as a user: ``--user NAME`` with the
password from ``DTKS_PASSWORD`` or a prompt. ``--db URL`` (or
``DTKS_DATABASE_URL``) chooses the database everywhere. Errors are printed in
Indonesian on stderr with a non-zero exit status; never a traceback. Commands check no role
themselves: a service refuses a user whose role lacks the capability
(``domain.permissions.PermissionDenied``, audited), printed as ``Galat: <pesan> <saran>`` with
exit status 4 (``EXIT_FORBIDDEN``).

One module per stage (``core``, ``importing``, ``matching``, ``verification``, ``musdes``, ``submission``,
``distribution``, ``demo``, ``documents``, ``docs``, ``layouts``), each adding its
commands with ``register``; ``common`` holds what they share.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
from typing import Callable, Sequence

from dtks_desktop import __version__
from dtks_desktop.db.engine import busy_message
from dtks_desktop.domain.permissions import PermissionDenied
from dtks_desktop.services.core.common import Cancelled
from dtks_desktop.services.core.locks import LockBusy
from dtks_desktop.cli import (core, demo, distribution, docs, documents, importing, layouts, matching, musdes,
                              submission, verification)
from dtks_desktop.cli.common import (EXIT_AUTH, EXIT_ERROR, EXIT_FORBIDDEN, EXIT_OK, EXIT_PIPE, EXIT_USAGE,  # noqa: F401
                                     CliError)


def build_parser() -> argparse.ArgumentParser:
    def options(suppress: bool) -> argparse.ArgumentParser:
        # The same options are accepted before and after the sub-command; on the
        # sub-command they default to SUPPRESS so they never overwrite a value
        # given before it.
        d = {"default": argparse.SUPPRESS} if suppress else {}
        o = argparse.ArgumentParser(add_help=False)
        o.add_argument("--db", metavar="URL", help="basis data: berkas SQLite atau postgresql://... "
                       "(bawaan: DTKS_DATABASE_URL atau basis data lokal)", **d)
        o.add_argument("--user", metavar="NAMA",
                       help="pengguna yang menjalankan perintah (kata sandi dari DTKS_PASSWORD)", **d)
        o.add_argument("--json", action="store_true", help="keluaran JSON", **d)
        return o

    common = options(True)
    p = argparse.ArgumentParser(prog="dtks", description="DTKS Desktop — baris perintah", parents=[options(False)])
    p.add_argument("--version", action="version", version=f"DTKS Desktop {__version__}")
    sub = p.add_subparsers(dest="command", metavar="PERINTAH")

    core.register(sub, common)
    importing.register(sub, common)
    matching.register(sub, common)
    verification.register(sub, common)
    musdes.register(sub, common)
    submission.register(sub, common)
    distribution.register(sub, common)
    docs.register(sub, common)
    demo.register(sub, common)
    documents.register(sub, common)
    layouts.register(sub, common)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    multiprocessing.freeze_support()  # import workers in the frozen Windows build
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        func: Callable | None = getattr(args, "func", None)
        if func is None:
            parser.print_help()
            code = EXIT_USAGE
        else:
            code = func(args)
        if sys.stdout is not None:
            sys.stdout.flush()  # a reader that went away shows here, not at interpreter exit
        return code
    except BrokenPipeError:
        # `dtks ... | head`: the reader has what it wanted. Stop quietly like other Unix tools;
        # commands print after their transaction, so only output is lost.
        _silence_stdout()
        return EXIT_PIPE
    except CliError as exc:
        print(f"Galat: {exc.message}", file=sys.stderr)
        return exc.code
    except PermissionDenied as exc:  # a service refused the user's role (already audited)
        print(f"Galat: {exc.message} {exc.hint}", file=sys.stderr)
        return EXIT_FORBIDDEN
    except Cancelled as exc:
        print(exc.message, file=sys.stderr)
        return EXIT_ERROR
    except LockBusy as exc:
        print(f"Galat: {exc.message} {exc.hint}".rstrip(), file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("\nDibatalkan.", file=sys.stderr)
        return 130
    except Exception as exc:  # never a traceback for the user (DTKS_DEBUG=1 shows it)
        if os.environ.get("DTKS_DEBUG"):
            raise
        busy = busy_message(exc)  # SQLite still locked after the busy timeout
        if busy is not None:
            print(f"Galat: {busy[0]} {busy[1]}", file=sys.stderr)
            return EXIT_ERROR
        message = getattr(exc, "message", None)
        if isinstance(message, str) and message and type(exc).__module__.startswith("dtks_desktop"):
            hint = getattr(exc, "hint", "") or ""
            print(f"Galat: {message} {hint}".rstrip(), file=sys.stderr)  # e.g. a row another PC changed first
            return EXIT_ERROR
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        print(f"Galat tak terduga ({type(exc).__name__}{': ' + first[:300] if first else ''}). Tidak ada "
              "perubahan yang setengah jadi: setiap perintah menulis dalam satu transaksi. Ulangi perintahnya; "
              "bila terjadi lagi, jalankan dengan DTKS_DEBUG=1 dan kirim keluarannya ke admin.", file=sys.stderr)
        return EXIT_ERROR


def _silence_stdout() -> None:
    """Point stdout at the null device so that the flush at exit does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # no real stdout (pythonw, captured)
        pass


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
