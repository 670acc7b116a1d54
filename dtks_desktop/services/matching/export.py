"""The CSV export of the results (one row per registry member) and the Indonesian reason lines
(:func:`reason_lines`, also the Data view's Pemadanan tooltip)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dtks_desktop.db.models import MatchResult, Member
from dtks_desktop.domain.spreadsheet import csv_safe
from dtks_desktop.domain.formatting import angka
from dtks_desktop.domain.workflow.matching import Decision
from dtks_desktop.services.core import audit
from dtks_desktop.services.core.common import CancelFlag, Progress, check_cancel
from dtks_desktop.services.core.permissions import Capability, require
from dtks_desktop.services.core.users import Actor

__all__ = ["EXPORT_COLUMNS", "reason_lines", "export_csv"]

EXPORT_COLUMNS = ("id_dtks", "nik_file", "nik_matched", "status", "score", "reasons")


def reason_lines(status: str | None, reasons: str | None) -> list[str]:
    """Why a result is what it is, in Indonesian, from ``match_results.reasons``: the summary
    (``ringkasan``) first, then the notes of the fields that differ, then other notes. Used by the
    export and by the Data view's Pemadanan tooltip."""
    if not reasons:
        return [] if status else ["Belum dipadankan"]
    try:
        d = json.loads(reasons)
    except ValueError:
        return []
    parts = [d.get("ringkasan", "")]
    parts += [b["cat"] for b in d.get("bidang", []) if b.get("lvl") not in ("sama", "kosong")]
    parts += d.get("catatan", [])
    return [p for p in parts if p]


def _reasons_text(status: str | None, reasons: str | None) -> str:
    return "; ".join(reason_lines(status, reasons))


def export_csv(session: Session, path: str | Path, *, actor: Actor, progress: Progress | None = None,
               cancel: CancelFlag | None = None) -> int:
    """One row per registry member: id_dtks, nik_file, nik_matched, status, score, reasons.

    ``nik_matched`` is the accepted or proposed civil-registry NIK (empty when none or when a
    clerk rejected it). The file is written under a temporary name and renamed when complete.
    The file holds full NIKs: only roles with ``match.export``; the export is audited
    (``match.export``, file name and row count, committed in ``session``).
    """
    require(session, actor, Capability.MATCH_EXPORT, detail=Path(path).name)
    path = Path(path)
    tmp = path.with_name(f".{path.name}.part")
    stmt = (select(Member.id_dtks, Member.nik_raw, Member.nik, MatchResult.nik_matched, MatchResult.status,
                   MatchResult.score, MatchResult.reasons, MatchResult.decision)
            .outerjoin(MatchResult, MatchResult.member_id == Member.id)
            .where(Member.status != "dihapus").order_by(Member.id))
    total = session.execute(select(func.count()).select_from(Member).where(Member.status != "dihapus")).scalar_one()
    n = 0
    try:
        with open(tmp, "w", newline="", encoding="utf-8-sig") as fh:
            w = csv.writer(fh)
            w.writerow(EXPORT_COLUMNS)
            for id_dtks, nik_raw, nik, nik_m, status, score, reasons, decision in \
                    session.execute(stmt.execution_options(yield_per=20000)):
                if decision == Decision.DITOLAK:
                    nik_m = None
                # Text from the files (the NIK as written, names in the reasons) must not run as a
                # formula in the spreadsheet this file is opened in.
                w.writerow((csv_safe(id_dtks or ""), csv_safe(nik_raw if nik_raw is not None else (nik or "")),
                            csv_safe(nik_m or ""), status or "", "" if score is None else f"{score:.2f}",
                            csv_safe(_reasons_text(status, reasons))))
                n += 1
                if n % 20000 == 0:
                    check_cancel(cancel)
                    if progress:
                        progress(n, total, "Menulis berkas")
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    audit.record(session, actor, "match.export", entity_type="match_result",
                 summary=f"Hasil pemadanan diekspor ke {path.name} ({angka(n)} baris, NIK lengkap)",
                 new={"file": path.name, "rows": n})
    session.commit()
    return n
