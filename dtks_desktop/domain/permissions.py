"""Who may do what: the one table of capabilities and the roles that hold them.

Services enforce it (``services.core.permissions.require``: refused calls raise
:class:`PermissionDenied` and are audited); pages, menus and CLI commands read the same table
(:func:`can`) to show or hide what a user may not use. No other module decides a role question.

Roles (``domain.status.Role``): operator (clerk), pencetak (prints; masked NIKs only),
supervisor (approves), admin (users, settings, everything).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol

from dtks_desktop.domain.status import ROLE_LABELS, Role


class Capability(StrEnum):
    # core
    DATA_VIEW = "data.view"  # browse families and members (masked NIKs unless NIK_FULL)
    NIK_FULL = "nik.full"  # see full NIK / No KK on screen and in files for internal use
    REGISTRY_EDIT = "registry.edit"  # change a member or a family (audited)
    AUDIT_VIEW = "audit.view"  # read the audit log (names, failed logins)
    USERS_VIEW = "users.view"  # read the user list
    USERS_MANAGE = "users.manage"  # add users, change roles, reset passwords, unlock
    SETTINGS_CHANGE = "settings.change"  # office settings (kabupaten, masking, login security)
    DEMO_LOAD = "demo.load"  # fill an empty database with synthetic data
    # stage 1: import
    IMPORT_RUN = "import.run"  # import SIKS-NG exports, civil-registry extracts, programme lists
    IMPORT_VIEW = "import.view"  # import history and problem lists (values masked without NIK_FULL)
    # stage 2: matching and programmes
    MATCH_RUN = "match.run"
    MATCH_DECIDE = "match.decide"  # accept / reject / pick / undo / reopen one result
    MATCH_BULK = "match.bulk_accept"  # accept many results at once
    MATCH_SETTINGS = "match.settings"  # thresholds, automatic restoration
    MATCH_EXPORT = "match.export"  # CSV of every member's result with full NIKs
    PROGRAMMES_LINK = "programmes.link"  # rebuild programme links
    PROGRAMMES_RULES = "programmes.rules"  # double-receipt rules
    # documents and later stages
    DOCS_PRINT = "docs.print"  # print lists, minutes and letters (masked NIKs)
    BATCH_APPROVE = "batch.approve"  # approve a submission batch (four-eyes)
    BATCH_BUILD = "batch.build"  # build, submit and export submission batches, import their results
    OFFICE_SETTINGS = "office.settings"  # letterhead, paper, logo, signatories, file layouts, provincial programmes
    VILLAGE_OFFICIALS = "village.officials"  # Kepala Desa/Lurah, Ketua BPD, Sekretaris per desa
    DOCS_NUMBER = "docs.number"  # take a number from the letter register (agenda surat keluar)
    DOCS_VOID = "docs.void"  # void a number of the letter register (with a reason)
    DOCS_VERIFY = "docs.verify"  # check whether a printout is a genuine document of this office
    # stage 3: verification by Petugas Pendata / PSM
    VERIFY_ASSIGN = "verify.assign"  # assign families to petugas, print worksheets
    VERIFY_ENTER = "verify.enter"  # enter or import findings, propose new families
    # stage 4: village meetings (Musdes/Muskel)
    MUSDES_RECORD = "musdes.record"  # record a meeting, its participants and decisions
    MUSDES_FINALIZE = "musdes.finalize"  # record that the signed Berita Acara came back (decisions final)
    # stages 6-7: PT Pos cleaning and distribution
    DIST_MANAGE = "dist.manage"  # create periods, load KPM lists, clean, map, set distribution points
    DIST_RECEIVE = "dist.receive"  # record receipts and failed handovers on the distribution day
    DIST_CLOSE = "dist.close"  # close (or reopen) a period, cancel it, undo a recorded receipt


_ALL = frozenset(Role)
_CLERKS = frozenset({Role.OPERATOR, Role.SUPERVISOR, Role.ADMIN})
_LEADS = frozenset({Role.SUPERVISOR, Role.ADMIN})
_ADMIN = frozenset({Role.ADMIN})

#: capability -> roles that hold it. The single source of truth.
CAPABILITY_ROLES: dict[Capability, frozenset[Role]] = {
    Capability.DATA_VIEW: _ALL,
    Capability.NIK_FULL: _CLERKS,
    Capability.REGISTRY_EDIT: _CLERKS,
    Capability.AUDIT_VIEW: _LEADS,
    Capability.USERS_VIEW: _LEADS,
    Capability.USERS_MANAGE: _ADMIN,
    Capability.SETTINGS_CHANGE: _ADMIN,
    Capability.DEMO_LOAD: _CLERKS,
    Capability.IMPORT_RUN: _CLERKS,
    Capability.IMPORT_VIEW: _ALL,
    Capability.MATCH_RUN: _CLERKS,
    Capability.MATCH_DECIDE: _CLERKS,
    Capability.MATCH_BULK: _LEADS,
    Capability.MATCH_SETTINGS: _LEADS,
    Capability.MATCH_EXPORT: _CLERKS,
    Capability.PROGRAMMES_LINK: _CLERKS,
    Capability.PROGRAMMES_RULES: _LEADS,
    Capability.DOCS_PRINT: _ALL,
    Capability.BATCH_APPROVE: _LEADS,
    Capability.BATCH_BUILD: _CLERKS,
    Capability.OFFICE_SETTINGS: _ADMIN,
    Capability.VILLAGE_OFFICIALS: _CLERKS,
    Capability.DOCS_NUMBER: frozenset({Role.OPERATOR, Role.PENCETAK, Role.SUPERVISOR, Role.ADMIN}),
    Capability.DOCS_VOID: _LEADS,
    Capability.DOCS_VERIFY: _ALL,
    Capability.VERIFY_ASSIGN: _CLERKS,
    Capability.VERIFY_ENTER: _CLERKS,
    Capability.MUSDES_RECORD: _CLERKS,
    Capability.MUSDES_FINALIZE: _LEADS,
    Capability.DIST_MANAGE: _CLERKS,
    Capability.DIST_RECEIVE: _CLERKS,
    Capability.DIST_CLOSE: _LEADS,
}

#: What the user is told a refused capability would have done ("… tidak boleh <this>").
CAPABILITY_LABELS: dict[Capability, str] = {
    Capability.DATA_VIEW: "melihat data keluarga dan anggota",
    Capability.NIK_FULL: "melihat NIK dan No KK lengkap",
    Capability.REGISTRY_EDIT: "mengubah data keluarga atau anggota",
    Capability.AUDIT_VIEW: "membaca log audit",
    Capability.USERS_VIEW: "melihat daftar pengguna",
    Capability.USERS_MANAGE: "mengelola pengguna",
    Capability.SETTINGS_CHANGE: "mengubah pengaturan kantor",
    Capability.DEMO_LOAD: "mengisi basis data dengan data contoh",
    Capability.IMPORT_RUN: "mengimpor berkas",
    Capability.IMPORT_VIEW: "melihat riwayat impor",
    Capability.MATCH_RUN: "menjalankan pemadanan",
    Capability.MATCH_DECIDE: "memutuskan hasil pemadanan",
    Capability.MATCH_BULK: "menerima hasil pemadanan sekaligus",
    Capability.MATCH_SETTINGS: "mengubah ambang pemadanan",
    Capability.MATCH_EXPORT: "mengekspor hasil pemadanan dengan NIK lengkap",
    Capability.PROGRAMMES_LINK: "mencocokkan daftar program dengan DTKS",
    Capability.PROGRAMMES_RULES: "mengubah aturan penerimaan ganda",
    Capability.DOCS_PRINT: "mencetak daftar dan dokumen",
    Capability.BATCH_APPROVE: "menyetujui batch pengajuan",
    Capability.BATCH_BUILD: "menyusun dan mengirim batch pengajuan",
    Capability.OFFICE_SETTINGS: "mengubah kop surat, kertas, penanda tangan, format berkas dan program provinsi",
    Capability.VILLAGE_OFFICIALS: "mengubah data perangkat desa/kelurahan",
    Capability.DOCS_NUMBER: "mengambil nomor surat",
    Capability.DOCS_VOID: "membatalkan nomor surat",
    Capability.DOCS_VERIFY: "memeriksa keaslian dokumen",
    Capability.VERIFY_ASSIGN: "menugaskan petugas verifikasi dan mencetak lembar kerja",
    Capability.VERIFY_ENTER: "mencatat hasil verifikasi lapangan",
    Capability.MUSDES_RECORD: "mencatat musyawarah desa/kelurahan dan keputusannya",
    Capability.MUSDES_FINALIZE: "memfinalkan keputusan musyawarah desa/kelurahan",
    Capability.DIST_MANAGE: "menyiapkan tahap penyaluran (daftar KPM, pembersihan, titik salur)",
    Capability.DIST_RECEIVE: "mencatat penerimaan bantuan",
    Capability.DIST_CLOSE: "menutup tahap penyaluran atau membatalkan catatan penerimaan",
}


class HasRole(Protocol):
    role: str


def _role(who: HasRole | Role | str | None) -> Role | None:
    if who is None:
        return None
    value = who if isinstance(who, str) else getattr(who, "role", None)
    try:
        return Role(value)
    except ValueError:
        return None


def can(who: HasRole | Role | str | None, capability: Capability | str) -> bool:
    """True when ``who`` (an actor, a role or a role name) holds ``capability``."""
    role = _role(who)
    return role is not None and role in CAPABILITY_ROLES[Capability(capability)]


def roles_with(capability: Capability | str) -> list[Role]:
    """The roles that hold ``capability``, in the order of ``Role``."""
    held = CAPABILITY_ROLES[Capability(capability)]
    return [r for r in Role if r in held]


def sees_full_nik(who: HasRole | Role | str | None) -> bool:
    """Whether NIKs and No KKs are shown in full to ``who`` (on screen, in internal files)."""
    return can(who, Capability.NIK_FULL)


class PermissionDenied(Exception):
    """A user called a service their role may not use. ``message`` is Indonesian."""

    def __init__(self, who: HasRole | Role | str | None, capability: Capability | str) -> None:
        cap = Capability(capability)
        role = _role(who)
        holders = ", ".join(ROLE_LABELS[r] for r in roles_with(cap))
        self.capability = cap
        self.role = role
        self.message = (f"Peran Anda ({ROLE_LABELS[role] if role else 'tanpa peran'}) tidak boleh "
                        f"{CAPABILITY_LABELS[cap]}.")
        self.hint = f"Hak ini dimiliki: {holders}. Minta pengguna dengan peran itu, atau admin."
        super().__init__(self.message)


__all__ = ["Capability", "CAPABILITY_ROLES", "CAPABILITY_LABELS", "PermissionDenied", "can", "roles_with",
           "sees_full_nik"]
