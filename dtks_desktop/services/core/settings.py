"""Office settings kept in the database (shared by every PC of an office)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dtks_desktop.db.models import DukcapilPerson, Household, ImportBatch, Setting
from dtks_desktop.domain.formatting import angka
from dtks_desktop.domain.masking import MaskPolicy
from dtks_desktop.domain.regions import default_region_codes, kabupaten_display, parse_kabupaten_code
from dtks_desktop.services.core import audit
from dtks_desktop.services.core.permissions import Capability, PermissionDenied, require
from dtks_desktop.services.core.users import Actor
from dtks_desktop.services.core.common import DataKind, changes

KAB_KODE = "office.kab_kode"
OFFICE_NAME = "office.name"
MASK_KEEP_START = "mask.keep_start"
MASK_KEEP_END = "mask.keep_end"
LOGIN_MAX_FAILURES = "login.max_failures"  # consecutive failed logins that lock the name
LOGIN_LOCK_MINUTES = "login.lock_minutes"  # how long such a lock lasts

DEFAULTS: dict[str, str] = {
    MASK_KEEP_START: "4",
    MASK_KEEP_END: "4",
    LOGIN_MAX_FAILURES: "5",
    LOGIN_LOCK_MINUTES: "15",
}

# Accepted ranges of the login settings (the settings page offers the same).
MAX_FAILURES_RANGE = (3, 50)
LOCK_MINUTES_RANGE = (1, 1440)


def get(session: Session, key: str, default: str | None = None) -> str | None:
    value = session.execute(select(Setting.value).where(Setting.key == key)).scalar_one_or_none()
    if value is None:
        return DEFAULTS.get(key, default) if default is None else default
    return value


@changes(DataKind.SETTINGS)
def put(session: Session, actor: Actor | None, key: str, value: str | None, *, reason: str | None = None,
        capability: Capability | None = Capability.SETTINGS_CHANGE) -> None:
    """Store one setting (audited). ``actor`` must hold ``capability``: office settings by default;
    the services that keep their own values here name theirs (matching thresholds, programme
    rules, import presets). ``capability=None`` only for the first value of the office kabupaten
    (first run, first import: :func:`set_office_kab`)."""
    if capability is not None:
        require(session, actor, capability, detail=key)
    row = session.get(Setting, key)
    old = row.value if row else None
    if old == value:
        return
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value
    audit.record(session, actor, "settings.update", entity_type="setting", summary=f"{key}: {old!r} → {value!r}",
                 old={key: old}, new={key: value}, reason=reason)


def mask_policy(session: Session) -> MaskPolicy:
    start = int(get(session, MASK_KEEP_START) or 4)
    end = int(get(session, MASK_KEEP_END) or 4)
    return MaskPolicy(keep_start=max(0, min(start, 8)), keep_end=max(0, min(end, 8)))


# --- the office's kabupaten/kota -------------------------------------------------------------------
#
# Part of the database: every import checks its file against it. Set once (first-run dialog,
# ``dtks db init --kab``, or the first import, which takes it from its file and says so);
# changed afterwards only by an administrator, and only on purpose when data of the old
# kabupaten is already stored (``confirmed``). Every change is audited.


class OfficeKabError(Exception):
    """The office kabupaten cannot be set as asked. ``message`` is Indonesian.

    ``needs_confirmation``: allowed, but the database already holds data of the current
    kabupaten; ask the administrator and call again with ``confirmed=True``.
    """

    def __init__(self, message: str, *, needs_confirmation: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.needs_confirmation = needs_confirmation


def office_kab(session: Session) -> str | None:
    """The office's kabupaten/kota code (``"33.10"``), or None while not yet set."""
    return get(session, KAB_KODE) or None


def office_kab_label(session: Session) -> str | None:
    """``"KAB. KLATEN (33.10)"``, or None while not yet set."""
    kode = office_kab(session)
    return kabupaten_display(kode) if kode else None


def check_kab_code(text: str | None) -> str:
    """A valid kabupaten/kota code from what the user typed, or OfficeKabError."""
    kode = parse_kabupaten_code(text)
    if kode is None or kode not in default_region_codes():
        raise OfficeKabError(f"'{text or ''}' bukan kode kabupaten/kota Kemendagri. Contoh: 33.10 untuk "
                             "Kabupaten Klaten, 73.71 untuk Kota Makassar.")
    return kode


def kab_data_counts(session: Session, kode: str) -> dict[str, int]:
    """How much stored data belongs to ``kode``: families, civil-registry persons, imported files."""
    prefix = kode + "."
    return {
        "keluarga": session.execute(select(func.count()).select_from(Household)
                                    .where(Household.desa_kode.startswith(prefix))).scalar_one(),
        "dukcapil": session.execute(select(func.count()).select_from(DukcapilPerson)
                                    .where(DukcapilPerson.desa_kode.startswith(prefix))).scalar_one(),
        "impor": session.execute(select(func.count()).select_from(ImportBatch)
                                 .where(ImportBatch.kab_kode == kode)).scalar_one(),
    }


@changes(DataKind.SETTINGS)
def set_office_kab(session: Session, actor: Actor | None, text: str | None, *, confirmed: bool = False,
                   reason: str | None = None) -> bool:
    """Set the office's kabupaten/kota (audited). Returns False when it already had that value.

    The first value may come from anyone who sets the database up (first admin, first import);
    a change needs an administrator, and ``confirmed`` when data of the current one is stored.
    """
    kode = check_kab_code(text)
    old = office_kab(session)
    if old == kode:
        return False
    if old is not None:
        try:
            require(session, actor, Capability.SETTINGS_CHANGE, detail=KAB_KODE)
        except PermissionDenied:
            raise OfficeKabError(f"Kabupaten/kota kantor sudah ditetapkan: {kabupaten_display(old)}. "
                                 "Hanya admin yang boleh mengubahnya (menu Pengaturan).") from None
        counts = kab_data_counts(session, old)
        if any(counts.values()) and not confirmed:
            held = ", ".join(f"{angka(n)} {what}" for what, n in (
                ("keluarga", counts["keluarga"]), ("penduduk Dukcapil", counts["dukcapil"]),
                ("berkas impor", counts["impor"])) if n)
            raise OfficeKabError(
                f"Basis data ini sudah berisi data {kabupaten_display(old)} ({held}). Bila diganti ke "
                f"{kabupaten_display(kode)}, berkas {kabupaten_display(old)} tidak dapat diimpor lagi dan data "
                "yang ada tetap tersimpan sebagai data kabupaten/kota lain. Ganti hanya bila kabupaten kantor "
                "memang salah dipilih.", needs_confirmation=True)
    put(session, actor, KAB_KODE, kode, reason=reason or (
        "Penetapan pertama" if old is None else "Diubah oleh admin"), capability=None)  # checked above
    return True


def _int_setting(session: Session, key: str, bounds: tuple[int, int]) -> int:
    try:
        value = int(get(session, key) or DEFAULTS[key])
    except ValueError:
        value = int(DEFAULTS[key])
    return max(bounds[0], min(bounds[1], value))


def login_max_failures(session: Session) -> int:
    return _int_setting(session, LOGIN_MAX_FAILURES, MAX_FAILURES_RANGE)


def login_lock_minutes(session: Session) -> int:
    return _int_setting(session, LOGIN_LOCK_MINUTES, LOCK_MINUTES_RANGE)
