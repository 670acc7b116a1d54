"""The queries behind the Data view: filter, sort and page the members in SQL.

Nothing here loads the registry into memory. A page is fetched in two steps:

1. :func:`member_ids` -- only the member ids of one page, in the requested order
   (``ORDER BY <key>, id LIMIT .. OFFSET ..``). The sort keys are backed by
   indexes whose last column is the id, so this is an index walk that stops
   after ``offset + limit`` entries and never sorts the whole table;
2. :func:`member_rows` -- the display columns of those (at most a few hundred)
   ids, joined to the family and the region names by primary key, with the
   matching outcome and its explanation, and the programmes of the page's members
   (two more index look-ups for the whole page, never one per row).

Filters (see :class:`BrowseFilter`) become index ranges:

* kecamatan ``33.10.01``  -> ``'33.10.01.' <= desa_kode < '33.10.01/'``;
* desa ``33.10.01.2001``  -> ``desa_kode = '33.10.01.2001'``;
* free text of digits      -> NIK prefix OR No KK prefix (``nik >= p AND nik < p'``, where
  ``p'`` is ``p`` with its last character incremented; never ``LIKE '%..%'``);
* any other free text      -> prefix of ``members.nama_key`` (the normalised name from
  :func:`dtks_desktop.domain.names.search_key`), so "Moch. Soleh" finds "MUHAMMAD SOLEH"
  exactly when the name rules say the two spellings are the same name.

Code columns use the binary "C" collation on PostgreSQL, so string ranges and
sort orders are the same as on SQLite. NULLs sort as each database does (first
in ascending order on SQLite, last on PostgreSQL); the order is stable either way
because every sort ends with the member id.

Measured at 1,000,000 members (see ``benchmarks/bench_data_view.py`` and
``docs/benchmarks.md``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Sequence

from sqlalchemy import ColumnElement, and_, func, or_, select, union_all
from sqlalchemy.orm import Session, aliased

from dtks_desktop.db.models import Household, MatchResult, Member, Region
from dtks_desktop.domain.names import search_key
from dtks_desktop.domain.nik import (
    NIK_BUKAN_16_DIGIT,
    NIK_BULAN_TIDAK_VALID,
    NIK_JENIS_KELAMIN_BEDA,
    NIK_KOSONG,
    NIK_PROVINSI_TIDAK_DIKENAL,
    NIK_RUSAK_EXCEL,
    NIK_TANGGAL_MUSTAHIL,
    NIK_TANGGAL_TIDAK_VALID,
    NIK_TGL_LAHIR_BEDA,
    NIK_URUT_NOL,
    NIK_WILAYAH_TIDAK_DIKENAL,
)
from dtks_desktop.domain.workflow.matching import (
    AGREEING_STATUSES,
    MATCH_STATUS_LABELS,
    PROPOSING_STATUSES,
    Decision,
)
from dtks_desktop.domain.workflow.registry import (
    HOUSEHOLD_STATUS_LABELS,
    MEMBER_STATUS_LABELS,
    HouseholdStatus,
    MemberStatus,
)
from dtks_desktop.services.core import settings as settings_service
from dtks_desktop.services.matching.export import reason_lines
from dtks_desktop.services.matching.programmes import VIA_LABELS, ProgrammeOf, family_programmes, programmes_of_members

__all__ = [
    "BrowseFilter",
    "MemberRow",
    "FamilyMember",
    "FamilyDetail",
    "FamilyProgramme",
    "FamilyNotFound",
    "SORT_KEYS",
    "PAGE_SIZE",
    "HUBUNGAN_LABELS",
    "TextQuery",
    "parse_text",
    "prefix_end",
    "count_members",
    "member_ids",
    "member_rows",
    "member_page",
    "has_members",
    "family_detail",
    "kecamatan_options",
    "desa_options",
    "office_kab_kode",
    "guess_kab_kode",
    "member_status_label",
    "household_status_label",
    "hubungan_label",
    "nik_flag_labels",
    "programmes_text",
    "programme_lines",
]

#: Rows fetched per round-trip by the Data view.
PAGE_SIZE = 200

#: Sort keys accepted by :func:`member_page`, in the order the view offers them.
SORT_KEYS: tuple[str, ...] = ("nama", "nik", "tanggal_lahir", "no_kk", "desa", "status")

#: Minimum number of digits before free text is read as a NIK / No KK prefix.
MIN_DIGITS = 4

#: Relationship to the head of the family (hubungan_kepkel, DOMAIN.md 1.2).
HUBUNGAN_LABELS: dict[int, str] = {
    1: "Kepala keluarga",
    2: "Istri/suami",
    3: "Anak",
    4: "Menantu",
    5: "Cucu",
    6: "Orang tua/mertua",
    7: "Pembantu rumah tangga",
    8: "Lainnya",
}

#: Short Indonesian text for the NIK issue codes kept in ``members.nik_flags``.
NIK_FLAG_LABELS: dict[str, str] = {
    NIK_KOSONG: "NIK kosong",
    NIK_BUKAN_16_DIGIT: "NIK bukan 16 digit",
    NIK_TANGGAL_TIDAK_VALID: "Tanggal lahir dalam NIK tidak valid",
    NIK_BULAN_TIDAK_VALID: "Bulan lahir dalam NIK tidak valid",
    NIK_URUT_NOL: "Nomor urut NIK 0000",
    NIK_PROVINSI_TIDAK_DIKENAL: "Kode provinsi NIK tidak dikenal",
    NIK_WILAYAH_TIDAK_DIKENAL: "Kode wilayah NIK tidak ada di daftar Kemendagri terbaru",
    NIK_TANGGAL_MUSTAHIL: "Tanggal lahir dalam NIK tidak ada di kalender",
    NIK_TGL_LAHIR_BEDA: "Tanggal lahir dalam NIK berbeda dengan tanggal lahir tercatat",
    NIK_JENIS_KELAMIN_BEDA: "Jenis kelamin menurut NIK berbeda dengan data tercatat",
    NIK_RUSAK_EXCEL: "NIK rusak oleh Excel (digit terakhir tidak dapat dipercaya)",
}


# --------------------------------------------------------------------------- value types


@dataclass(frozen=True)
class BrowseFilter:
    """What the user chose in the filter bar. ``None`` (or empty text) means "all"."""

    kecamatan: str | None = None  # "33.10.01"
    desa: str | None = None  # "33.10.01.2001"
    status: str | None = None  # a MemberStatus value
    text: str | None = None  # NIK / No KK prefix (digits) or the start of a name

    @property
    def is_empty(self) -> bool:
        return not (self.kecamatan or self.desa or self.status or parse_text(self.text))


@dataclass(frozen=True, slots=True)
class MemberRow:
    """One line of the Data view."""

    id: int
    household_id: int
    nik: str | None
    nik_flags: str | None
    nama: str
    jenis_kelamin: str | None
    tanggal_lahir: date | None
    hubungan: int | None
    status: str
    no_kk: str | None
    desa: str | None  # desa/kelurahan name
    kecamatan: str | None  # kecamatan name
    rt: str | None
    rw: str | None
    desil: int | None
    desa_kode: str | None = None
    pemadanan: str | None = None  # match status against the civil registry, None before matching
    skor: float | None = None
    pemadanan_alasan: tuple[str, ...] = ()  # why: summary, then notes of the fields that differ
    # True when those notes compare with the nearest civil-registry person, who was not linked
    # (tidak padan): the tooltip must not read as if that were this member.
    alasan_calon_terdekat: bool = False
    keputusan: str | None = None  # decision on the match result: "diterima", "ditolak", "otomatis"
    programmes: tuple[ProgrammeOf, ...] = ()  # lists that name this person
    family_programmes: tuple[ProgrammeOf, ...] = ()  # lists that name the family, not one member

    @property
    def programmes_text(self) -> str:
        return programmes_text(self.programmes, self.family_programmes)


@dataclass(frozen=True, slots=True)
class FamilyMember:
    id: int
    nik: str | None
    nik_flags: str | None
    nama: str
    jenis_kelamin: str | None
    tempat_lahir: str | None
    tanggal_lahir: date | None
    hubungan: int | None
    hubungan_label: str
    status: str
    status_label: str
    nama_ibu: str | None
    flag_labels: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FamilyProgramme:
    """A programme list that names the family (``member_id`` None) or one of its members."""

    program: str
    periode: str | None
    via: str  # "nik" | "no_kk" | "nama_tgl"
    member_id: int | None
    nama: str | None  # the member's name; None for the whole family

    @property
    def label(self) -> str:
        return f"{self.program} {self.periode}" if self.periode else self.program

    @property
    def via_label(self) -> str:
        return VIA_LABELS.get(self.via, self.via)


@dataclass(frozen=True)
class FamilyDetail:
    household_id: int
    no_kk: str | None
    no_kk_flags: str | None
    id_dtks: str | None
    alamat: str | None
    dusun: str | None
    rt: str | None
    rw: str | None
    desa_kode: str | None
    desa: str | None
    kecamatan_kode: str | None
    kecamatan: str | None
    desil: int | None
    status: str
    status_label: str
    members: list[FamilyMember] = field(default_factory=list)
    programmes: list[FamilyProgramme] = field(default_factory=list)  # by programme, newest period first

    @property
    def head(self) -> FamilyMember | None:
        """The head of the family (hubungan 1), else the first member listed."""
        for m in self.members:
            if m.hubungan == 1:
                return m
        return self.members[0] if self.members else None


class FamilyNotFound(LookupError):
    def __init__(self, household_id: int) -> None:
        self.message = f"Keluarga #{household_id} tidak ditemukan (mungkin baru dihapus)."
        super().__init__(self.message)


@dataclass(frozen=True, slots=True)
class TextQuery:
    kind: str  # "digits" | "name"
    prefix: str


# --------------------------------------------------------------------------- labels


#: How a decided matching result reads (a clerk's decision or the machine's restoration).
DECISION_SUFFIX = {Decision.DITERIMA: Decision.DITERIMA.value, Decision.DITOLAK: Decision.DITOLAK.value,
                   Decision.OTOMATIS: "dipulihkan otomatis"}


def match_status_label(status: str | None, decision: str | None = None) -> str:
    """Indonesian label of a matching outcome; "Belum dipadankan" before the first run.

    A decided correction says what happened, short enough for a table cell: "NIK dikoreksi"
    (a clerk accepted the proposed NIK), "NIK dipulihkan otomatis" (the machine restored a
    spreadsheet-damaged NIK), otherwise the status with "(diterima)" / "(ditolak)".
    """
    if not status:
        return "Belum dipadankan"
    label = MATCH_STATUS_LABELS.get(status, status)
    if decision == Decision.OTOMATIS:
        return "NIK dipulihkan otomatis"
    if not decision or status in AGREEING_STATUSES:
        return label
    if decision == Decision.DITERIMA and status in PROPOSING_STATUSES:
        return "NIK dikoreksi"
    return f"{label} ({DECISION_SUFFIX.get(decision, decision)})"


def member_status_label(status: str | None) -> str:
    try:
        return MEMBER_STATUS_LABELS[MemberStatus(status)]
    except ValueError:
        return status or ""


def household_status_label(status: str | None) -> str:
    try:
        return HOUSEHOLD_STATUS_LABELS[HouseholdStatus(status)]
    except ValueError:
        return status or ""


def hubungan_label(hubungan: int | None) -> str:
    if hubungan is None:
        return ""
    return HUBUNGAN_LABELS.get(int(hubungan), str(hubungan))


def nik_flag_labels(flags: str | None) -> tuple[str, ...]:
    """``"nik_rusak_excel,nik_tgl_lahir_beda"`` -> the Indonesian texts, in order."""
    if not flags:
        return ()
    out = []
    for code in flags.split(","):
        code = code.strip()
        if code:
            out.append(NIK_FLAG_LABELS.get(code, code.replace("_", " ")))
    return tuple(out)


def programmes_text(own: Sequence[ProgrammeOf], family: Sequence[ProgrammeOf] = ()) -> str:
    """The Program cell: each programme once, ``"BPNT, PKH"``; periods are in the tooltip.

    A list that names only the family (linked by No KK, no member with that name) is marked
    ``"PKH (keluarga)"`` unless the person is on that programme's list too.
    """
    names: list[str] = []
    for p in own:
        if p.program not in names:
            names.append(p.program)
    fam: list[str] = []
    for p in family:
        if p.program not in names and p.program not in fam:
            fam.append(p.program)
    return ", ".join(names + [f"{n} (keluarga)" for n in fam])


def programme_lines(own: Sequence[ProgrammeOf], family: Sequence[ProgrammeOf] = ()) -> list[str]:
    """One line per programme and period, with how the list row was found in DTKS."""
    def line(p: ProgrammeOf, whom: str) -> str:
        period = f" periode {p.periode}" if p.periode else " (tanpa periode)"
        return f"{p.program}{period}: {whom}ditemukan menurut {VIA_LABELS.get(p.via, p.via)}"

    return [line(p, "") for p in own] + [line(p, "untuk seluruh keluarga, ") for p in family]


# --------------------------------------------------------------------------- free text


def prefix_end(prefix: str) -> str:
    """The smallest string greater than every string that starts with ``prefix``.

    ``"3310" -> "3311"``, ``"3319" -> "331:"``, ``"SRI" -> "SRJ"``. With the binary
    collation of both databases, ``prefix <= x < prefix_end(prefix)`` is exactly
    "x starts with prefix", and it is an index range.
    """
    p = prefix
    while p and ord(p[-1]) >= 0x10FFFF:
        p = p[:-1]
    if not p:
        raise ValueError("empty prefix")
    return p[:-1] + chr(ord(p[-1]) + 1)


_DIGIT_SEPARATORS = str.maketrans("", "", " .-\u00a0")


def parse_text(text: str | None) -> TextQuery | None:
    """How the search box is read: a NIK/No KK prefix, a name prefix, or nothing.

    Digits (spaces, dots and dashes between them are ignored) of at least
    :data:`MIN_DIGITS` are a NIK or No KK prefix; anything else is the start of a
    name, compared through :func:`search_key`.
    """
    if not text or not text.strip():
        return None
    compact = text.strip().translate(_DIGIT_SEPARATORS)
    if compact.isascii() and compact.isdigit() and len(compact) >= MIN_DIGITS:
        return TextQuery("digits", compact)
    key = search_key(text)
    if not key:
        return None
    return TextQuery("name", key)


# --------------------------------------------------------------------------- query building

_m = Member.__table__
_h = Household.__table__
_mr = MatchResult.__table__


#: Above these sizes a NIK / No KK prefix counts as "dense" (see :func:`_digits_condition`).
DENSE_NIK = 5_000
DENSE_KK = 2_000


def _probe(session: Session, column, prefix: str, end: str, limit: int) -> int:
    """How many values of ``column`` start with ``prefix``, counted up to ``limit + 1``."""
    inner = select(column).where(column >= prefix, column < end).limit(limit + 1).subquery()
    return int(session.execute(select(func.count()).select_from(inner)).scalar_one())


def _digits_condition(
    session: Session | None, prefix: str, *, for_count: bool = False
) -> tuple[ColumnElement[bool], bool]:
    """NIK prefix OR No KK prefix, in the form that suits how many rows match.

    * selective (a long prefix, the usual case: a pasted NIK or No KK): the ids of both
      index ranges, united in a subquery -- a handful of rows, looked up by primary key;
    * dense (a short prefix such as the kabupaten code "3310", which matches nearly every
      member): an OR over the joined family, so that a sorted page walks the sort index
      and stops after a page of matches instead of first collecting a million ids.

    Two probes of at most a few thousand index entries decide which. Counting is the
    exception: SQLite counts the union faster in every case (1.3 s against 1.9 s for
    "3310", 0.05 s against 1.4 s for a kecamatan prefix at 1,000,000 members), PostgreSQL
    counts the dense OR faster (0.4 s against 3.2 s for "3310").
    Returns the condition and whether it needs the households table joined.
    """
    end = prefix_end(prefix)
    nik_range = and_(_m.c.nik >= prefix, _m.c.nik < end)
    kk_range = and_(_h.c.no_kk >= prefix, _h.c.no_kk < end)
    dense = False
    if session is not None and not (for_count and session.get_bind().dialect.name == "sqlite"):
        dense = (
            _probe(session, _m.c.nik, prefix, end, DENSE_NIK) > DENSE_NIK
            or _probe(session, _h.c.no_kk, prefix, end, DENSE_KK) > DENSE_KK
        )
    if dense:
        return or_(nik_range, kk_range), True
    by_nik = select(_m.c.id).where(nik_range)
    by_kk = select(_m.c.id).where(_m.c.household_id.in_(select(_h.c.id).where(kk_range)))
    return _m.c.id.in_(union_all(by_nik, by_kk)), False


def _conditions(
    session: Session | None, f: BrowseFilter, *, for_count: bool = False
) -> tuple[list[ColumnElement[bool]], bool]:
    """WHERE terms for ``f`` and whether they need the households table joined."""
    conds: list[ColumnElement[bool]] = []
    needs_household = False
    if f.desa:
        conds.append(_h.c.desa_kode == f.desa)
        needs_household = True
    elif f.kecamatan:
        start = f.kecamatan.rstrip(".") + "."
        conds.append(and_(_h.c.desa_kode >= start, _h.c.desa_kode < prefix_end(start)))
        needs_household = True
    if f.status:
        conds.append(_m.c.status == f.status)
    q = parse_text(f.text)
    if q is not None:
        if q.kind == "digits":
            cond, needs = _digits_condition(session, q.prefix, for_count=for_count)
            conds.append(cond)
            needs_household = needs_household or needs
        else:
            conds.append(and_(_m.c.nama_key >= q.prefix, _m.c.nama_key < prefix_end(q.prefix)))
    return conds, needs_household


def _order_columns(sort: str, f: BrowseFilter) -> tuple[list, bool]:
    """ORDER BY columns for a sort key (always ending with the member id) and whether the
    households table is needed."""
    if sort == "nama":
        return [_m.c.nama_key, _m.c.id], False
    if sort == "nik":
        if f.kecamatan or f.desa:
            # A NIK starts with the kecamatan where it was issued, so the members of one
            # kecamatan sit together somewhere in the NIK index: walking that index from the
            # start and filtering (what PostgreSQL picks, assuming no correlation) reads most
            # of the registry before the first match. Sorting the region's members instead
            # is bounded by the region's size. "|| ''" keeps the value, collation and NULLs.
            return [_m.c.nik.concat(""), _m.c.id], False
        return [_m.c.nik, _m.c.id], False
    if sort == "tanggal_lahir":
        return [_m.c.tanggal_lahir, _m.c.id], False
    if sort == "status":
        return [_m.c.status, _m.c.id], False
    if sort == "no_kk":
        # Families stay together: No KK, then the family, then the member.
        return [_h.c.no_kk, _h.c.id, _m.c.id], True
    if sort == "desa":
        # Region code order: kecamatan, then desa (Kemendagri order), then family, then member.
        return [_h.c.desa_kode, _h.c.id, _m.c.id], True
    raise ValueError(f"Kunci urutan tidak dikenal: {sort!r} (pilih salah satu: {', '.join(SORT_KEYS)})")


def _from(needs_household: bool):
    return _m.join(_h, _h.c.id == _m.c.household_id) if needs_household else _m


# --------------------------------------------------------------------------- members


def count_members(session: Session, f: BrowseFilter | None = None) -> int:
    """Exact number of members that match ``f``."""
    f = f or BrowseFilter()
    conds, needs_h = _conditions(session, f, for_count=True)
    stmt = select(func.count()).select_from(_from(needs_h))
    if conds:
        stmt = stmt.where(*conds)
    return int(session.execute(stmt).scalar_one())


def has_members(session: Session) -> bool:
    return session.execute(select(_m.c.id).limit(1)).first() is not None


def member_ids(
    session: Session,
    f: BrowseFilter | None,
    sort: str = "nama",
    descending: bool = False,
    offset: int = 0,
    limit: int = PAGE_SIZE,
) -> list[int]:
    """Ids of the members at ``offset .. offset+limit`` of the filtered, sorted list."""
    f = f or BrowseFilter()
    conds, needs_h = _conditions(session, f)
    order, needs_h_sort = _order_columns(sort, f)
    stmt = select(_m.c.id).select_from(_from(needs_h or needs_h_sort))
    if conds:
        stmt = stmt.where(*conds)
    stmt = stmt.order_by(*[c.desc() if descending else c.asc() for c in order])
    stmt = stmt.limit(max(0, int(limit))).offset(max(0, int(offset)))
    return [r[0] for r in session.execute(stmt)]


def member_rows(session: Session, ids: Sequence[int]) -> list[MemberRow]:
    """Display rows for ``ids``, in the order given."""
    if not ids:
        return []
    desa = aliased(Region.__table__, name="desa")
    kec = aliased(Region.__table__, name="kec")
    stmt = (
        select(
            _m.c.id, _m.c.household_id, _m.c.nik, _m.c.nik_flags, _m.c.nama, _m.c.jenis_kelamin,
            _m.c.tanggal_lahir, _m.c.hubungan, _m.c.status, _h.c.no_kk, desa.c.nama, kec.c.nama,
            _h.c.rt, _h.c.rw, _h.c.desil, _h.c.desa_kode, _mr.c.status, _mr.c.score, _mr.c.reasons,
            _mr.c.dukcapil_id, _mr.c.decision,
        )
        .select_from(
            _m.join(_h, _h.c.id == _m.c.household_id)
            .outerjoin(_mr, _mr.c.member_id == _m.c.id)
            .outerjoin(desa, desa.c.kode == _h.c.desa_kode)
            .outerjoin(kec, kec.c.kode == desa.c.parent_kode)
        )
        .where(_m.c.id.in_(list(ids)))
    )
    found = session.execute(stmt).all()
    own = programmes_of_members(session, [r[0] for r in found])
    family = family_programmes(session, [r[1] for r in found])
    by_id = {}
    for r in found:
        status, reasons, dukcapil_id = r[16], r[18], r[19]
        why = tuple(reason_lines(status, reasons)) if status else ()
        by_id[r[0]] = MemberRow(
            *r[:18],
            pemadanan_alasan=why,
            alasan_calon_terdekat=dukcapil_id is None and len(why) > 1,
            keputusan=r[20],
            programmes=tuple(own.get(r[0], ())),
            family_programmes=tuple(family.get(r[1], ())),
        )
    return [by_id[i] for i in ids if i in by_id]


def member_page(
    session: Session,
    f: BrowseFilter | None,
    sort: str = "nama",
    descending: bool = False,
    offset: int = 0,
    limit: int = PAGE_SIZE,
) -> list[MemberRow]:
    """One page of the filtered member list, sorted in SQL with the id as tie-breaker.

    ``sort`` is one of :data:`SORT_KEYS`.
    """
    return member_rows(session, member_ids(session, f, sort, descending, offset, limit))


# --------------------------------------------------------------------------- one family


def family_detail(session: Session, household_id: int) -> FamilyDetail:
    """A family with its address, region names and all members.

    Members are ordered by relationship to the head (1 kepala keluarga first), then
    birth date (eldest first), then id. Raises :class:`FamilyNotFound`.
    """
    desa = aliased(Region.__table__, name="desa")
    kec = aliased(Region.__table__, name="kec")
    row = session.execute(
        select(
            _h.c.id, _h.c.no_kk, _h.c.no_kk_flags, _h.c.id_dtks, _h.c.alamat, _h.c.dusun, _h.c.rt, _h.c.rw,
            _h.c.desa_kode, desa.c.nama, desa.c.parent_kode, kec.c.nama, _h.c.desil, _h.c.status,
        )
        .select_from(
            _h.outerjoin(desa, desa.c.kode == _h.c.desa_kode).outerjoin(kec, kec.c.kode == desa.c.parent_kode)
        )
        .where(_h.c.id == household_id)
    ).first()
    if row is None:
        raise FamilyNotFound(household_id)
    (hid, no_kk, no_kk_flags, id_dtks, alamat, dusun, rt, rw, desa_kode, desa_nama, kec_kode, kec_nama, desil,
     status) = row
    members = []
    for m in session.execute(
        select(
            _m.c.id, _m.c.nik, _m.c.nik_flags, _m.c.nama, _m.c.jenis_kelamin, _m.c.tempat_lahir,
            _m.c.tanggal_lahir, _m.c.hubungan, _m.c.status, _m.c.nama_ibu,
        )
        .where(_m.c.household_id == household_id)
    ):
        members.append(
            FamilyMember(
                id=m.id, nik=m.nik, nik_flags=m.nik_flags, nama=m.nama, jenis_kelamin=m.jenis_kelamin,
                tempat_lahir=m.tempat_lahir, tanggal_lahir=m.tanggal_lahir, hubungan=m.hubungan,
                hubungan_label=hubungan_label(m.hubungan), status=m.status,
                status_label=member_status_label(m.status), nama_ibu=m.nama_ibu,
                flag_labels=nik_flag_labels(m.nik_flags),
            )
        )
    # A family has a handful of members: ordering in Python keeps NULLs last on both databases.
    members.sort(key=lambda x: (x.hubungan is None, x.hubungan or 0, x.tanggal_lahir is None,
                                x.tanggal_lahir or date.min, x.id))
    # Who in the family is on which list, by programme, newest period first; within one list the
    # whole family comes before the members, the members in the order above (the sorts are stable).
    progs = [FamilyProgramme(p.program, p.periode, p.via, None, None)
             for p in family_programmes(session, [hid]).get(hid, [])]
    by_member = programmes_of_members(session, [m.id for m in members])
    for m in members:
        progs += [FamilyProgramme(p.program, p.periode, p.via, m.id, m.nama) for p in by_member.get(m.id, [])]
    progs.sort(key=lambda p: p.periode or "", reverse=True)  # stable: by programme, newest period first
    progs.sort(key=lambda p: (p.program, p.periode is None))
    if kec_kode is None and desa_kode and desa_kode.count(".") == 3:
        kec_kode = desa_kode.rsplit(".", 1)[0]
    return FamilyDetail(
        household_id=hid, no_kk=no_kk, no_kk_flags=no_kk_flags, id_dtks=id_dtks, alamat=alamat, dusun=dusun,
        rt=rt, rw=rw, desa_kode=desa_kode, desa=desa_nama, kecamatan_kode=kec_kode, kecamatan=kec_nama,
        desil=desil, status=status, status_label=household_status_label(status), members=members,
        programmes=progs,
    )


# --------------------------------------------------------------------------- regions


def kecamatan_options(session: Session, kab_kode: str) -> list[tuple[str, str]]:
    """Kecamatan of a kabupaten/kota as (kode, nama), by name."""
    rows = session.execute(
        select(Region.kode, Region.nama)
        .where(Region.parent_kode == kab_kode, Region.level == 3)
        .order_by(Region.nama, Region.kode)
    )
    return [(r[0], r[1]) for r in rows]


def desa_options(session: Session, kecamatan_kode: str) -> list[tuple[str, str]]:
    """Desa/kelurahan of a kecamatan as (kode, nama), by name."""
    rows = session.execute(
        select(Region.kode, Region.nama)
        .where(Region.parent_kode == kecamatan_kode, Region.level == 4)
        .order_by(Region.nama, Region.kode)
    )
    return [(r[0], r[1]) for r in rows]


def guess_kab_kode(session: Session) -> str | None:
    """The kabupaten/kota most families live in (first 5 characters of ``desa_kode``).

    Reads the distinct desa codes with their family counts from the desa_kode index
    (a few hundred groups), not the families themselves.
    """
    counts: Counter[str] = Counter()
    rows = session.execute(
        select(_h.c.desa_kode, func.count()).where(_h.c.desa_kode.is_not(None)).group_by(_h.c.desa_kode)
    )
    for kode, n in rows:
        if kode and len(kode) >= 5:
            counts[kode[:5]] += int(n)
    if not counts:
        return None
    return counts.most_common(1)[0][0]


def office_kab_kode(session: Session) -> str | None:
    """The office's kabupaten/kota: the ``office.kab_kode`` setting, else guessed from the data."""
    kode = settings_service.get(session, settings_service.KAB_KODE)
    if kode:
        return kode
    return guess_kab_kode(session)
