"""Write helpers shared by the run (the machine's restorations) and the decisions (bulk accept):
bulk NIK corrections with their history and audit rows, and the NIK issue flags a corrected NIK
makes obsolete."""

from __future__ import annotations

from sqlalchemy.orm import Session

from dtks_desktop.db.bulk import bulk_insert, bulk_update

# NIK issue codes that a corrected NIK makes obsolete.
_NIK_ISSUES_FIXED = ("nik_rusak_excel", "nik_tidak_sah", "nik_tanggal_tidak_valid", "nik_bulan_tidak_valid",
                     "nik_urut_nol", "nik_provinsi_tidak_dikenal", "nik_tgl_lahir_beda", "nik_jenis_kelamin_beda",
                     "nik_wilayah_tidak_dikenal", "nik_luar_kabupaten", "nik_ganda_di_berkas")


def cleaned_flags(flags: str | None) -> str | None:
    if not flags:
        return None
    kept = [f for f in flags.split(",") if f and f not in _NIK_ISSUES_FIXED]
    return ",".join(kept) or None


def write_nik_changes(s: Session, members: list[tuple], history: list[tuple], audits: list[tuple]) -> None:
    """Bulk NIK corrections: members (id, nik, nik_flags, updated_at, version), their
    ``identity_history`` rows and one ``member.update`` audit row each."""
    if not members:
        return
    bulk_update(s, "members", ("nik", "nik_flags", "updated_at", "version"), members)
    bulk_insert(s, "identity_history", ("member_id", "field", "old_value", "new_value", "source", "user_id", "at"),
                history)
    bulk_insert(s, "audit_events", ("at", "user_id", "username", "action", "entity_type", "entity_id", "summary",
                                    "old_value", "new_value", "reason"), audits)
