"""Who already receives what: registry members and families linked to programme lists.

Issue #4, part 2. The imported programme/subsidy lists (``programme_recipients``: PKH, BPNT,
PBI-JK, BLT Dana Desa, provincial aid, ...) are matched against the registry so that the Data
view and every later list can show the programmes of a person or a family, and so that double
receipt that the office's rules forbid can be listed.

Linking (:func:`link_programmes`) rebuilds ``programme_links`` in one transaction with one
``INSERT ... SELECT`` per rule, never an ORM object per row. A list row is linked by the first
rule that finds it:

1. ``nik``      the row's NIK equals a member's NIK. A NIK damaged by a spreadsheet
                (flag ``nik_rusak_excel`` on either side: the last digit is unreliable,
                DOMAIN.md 2.5) never links by exact NIK.
2. ``no_kk``    rows without a NIK link: the row's No KK equals a family's No KK. Links the
                family; when a member of that family has the same name key (and no
                conflicting birth date or NIK) the member is recorded too. A No KK flagged
                ``kk_rusak_excel`` in the registry does not link, nor does a list row whose NIK
                went through a spreadsheet and whose No KK ends in 0 (damaged the same way).
3. ``nama_tgl`` rows still without a link and without a trustworthy NIK pair: name key + birth
                date, only when exactly one member fits. Where both sides carry a NIK (one of
                them damaged) their first 14 digits must agree; two clean, different NIKs are
                two different people and never link this way.

Double-receipt rules are office policy, kept in the setting ``programmes.rules`` as a JSON list
of ``{"a": "PKH", "b": "BANSOS_PROVINSI", "level": "keluarga" | "orang"}``: a family (or a
person) may not receive both. None is configured by default.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from typing import Iterable, NamedTuple, Sequence

from sqlalchemy import (
    BigInteger, and_, cast, delete, exists, func, insert, literal, literal_column, null, or_, select, union_all,
)
from sqlalchemy.orm import Session, aliased

from dtks_desktop.db.models import Household, Member, ProgrammeLink, ProgrammeRecipient, Region
from dtks_desktop.domain.formatting import angka
from dtks_desktop.domain.nik import NIK_RUSAK_EXCEL
from dtks_desktop.domain.nokk import KK_RUSAK_EXCEL
from dtks_desktop.services.core import audit, locks, settings
from dtks_desktop.services.core.common import CancelFlag, DataKind, Progress, changes, check_cancel
from dtks_desktop.services.core.permissions import Capability, require
from dtks_desktop.services.core.users import Actor

__all__ = [
    "VIA_LABELS", "LEVEL_LABELS", "RULES_KEY", "NO_RULES_TEXT",
    "ProgrammeCount", "LinkSummary", "link_programmes", "rebuild_links", "has_recipients", "audit_link",
    "link_counts", "programme_names",
    "ProgrammeOf", "programmes_of_member", "programmes_of_household", "programmes_of_members",
    "family_programmes",
    "ProgrammeError", "Rule", "RuleError", "get_rules", "set_rules", "parse_rules",
    "DoubleReceipt", "double_receipts", "count_double_receipts",
]

VIA_NIK = "nik"
VIA_NO_KK = "no_kk"
VIA_NAMA_TGL = "nama_tgl"
VIAS = (VIA_NIK, VIA_NO_KK, VIA_NAMA_TGL)
VIA_LABELS = {VIA_NIK: "NIK", VIA_NO_KK: "No KK", VIA_NAMA_TGL: "Nama + tanggal lahir"}

LEVEL_KELUARGA = "keluarga"
LEVEL_ORANG = "orang"
LEVEL_LABELS = {LEVEL_KELUARGA: "Keluarga", LEVEL_ORANG: "Orang"}

RULES_KEY = "programmes.rules"
NO_RULES_TEXT = ("Belum ada aturan penerimaan ganda. Dinas menentukan sendiri pasangan program yang tidak boleh "
                 "diterima bersamaan (per keluarga atau per orang).")

#: Leading digits of a NIK that a spreadsheet leaves intact (it keeps 15, LibreOffice may round the 15th).
NIK_TRUSTED_DIGITS = 14

_r = ProgrammeRecipient.__table__
_m = Member.__table__
_h = Household.__table__
_l = ProgrammeLink.__table__
LINK_COLUMNS = ["member_id", "household_id", "recipient_id", "program", "periode", "via"]


class ProgrammeError(Exception):
    """Something the user must fix (Indonesian message)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --------------------------------------------------------------------------------------------
# Linking
# --------------------------------------------------------------------------------------------


def _has_flag(column, code: str):
    """``column`` (comma-separated issue codes) contains exactly ``code``."""
    return (literal(",") + func.coalesce(column, "") + literal(",")).like(f"%,{code},%")


def _usable_nik(nik, flags):
    return and_(nik.is_not(None), ~_has_flag(flags, NIK_RUSAK_EXCEL))


@dataclass(frozen=True)
class ProgrammeCount:
    program: str
    periode: str | None
    recipients: int  # rows on the list
    linked: int  # rows linked to the registry by any rule
    nik: int = 0
    no_kk: int = 0
    nama_tgl: int = 0

    @property
    def unlinked(self) -> int:
        return self.recipients - self.linked


@dataclass
class LinkSummary:
    recipients: int
    linked: int  # list rows linked by any rule
    links: int  # rows written to programme_links (one list row may fit two registry rows)
    by_via: dict[str, int]  # list rows linked, per rule
    members: int  # distinct registry members on at least one list
    households: int  # distinct families on at least one list
    programmes: list[ProgrammeCount] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def unlinked(self) -> int:
        return self.recipients - self.linked

    def as_dict(self) -> dict:
        d = asdict(self)
        d["unlinked"] = self.unlinked
        return d

    def summary_text(self) -> str:
        if not self.recipients:
            return "Belum ada daftar penerima program yang diimpor."
        lines = [
            f"{angka(self.linked)} dari {angka(self.recipients)} baris daftar program ditemukan di DTKS "
            f"({angka(self.members)} orang, {angka(self.households)} keluarga); "
            f"{angka(self.unlinked)} tidak ditemukan.",
            "Menurut cara: " + ", ".join(f"{VIA_LABELS[v]} {angka(self.by_via.get(v, 0))}" for v in VIAS) + ".",
        ]
        for p in self.programmes:
            per = f" {p.periode}" if p.periode else ""
            lines.append(f"  {p.program}{per}: {angka(p.linked)}/{angka(p.recipients)} "
                         f"(NIK {angka(p.nik)}, No KK {angka(p.no_kk)}, nama+tgl {angka(p.nama_tgl)})")
        return "\n".join(lines)


def _text_const(value: str):
    """A constant string column in INSERT ... SELECT (no bound parameter PostgreSQL cannot type)."""
    return literal_column(f"'{value}'")


def _not_linked(r):
    return ~exists().where(_l.c.recipient_id == r.c.id)


def _insert_nik_links(s: Session) -> None:
    r, m = _r.alias("r"), _m.alias("m")
    sel = (
        select(m.c.id, m.c.household_id, r.c.id, r.c.program, r.c.periode, _text_const(VIA_NIK))
        .select_from(r.join(m, m.c.nik == r.c.nik))
        .where(_usable_nik(r.c.nik, r.c.nik_flags), ~_has_flag(m.c.nik_flags, NIK_RUSAK_EXCEL))
    )
    s.execute(insert(_l).from_select(LINK_COLUMNS, sel))


def _insert_kk_links(s: Session) -> None:
    r, h, m = _r.alias("r"), _h.alias("h"), _m.alias("m")
    # The family member this list row names: same name key, no conflicting birth date, no two
    # clean NIKs that differ.
    pinned = (
        select(func.min(m.c.id))
        .where(
            m.c.household_id == h.c.id,
            m.c.nama_key == r.c.nama_key,
            or_(r.c.tanggal_lahir.is_(None), m.c.tanggal_lahir.is_(None), m.c.tanggal_lahir == r.c.tanggal_lahir),
            ~and_(_usable_nik(r.c.nik, r.c.nik_flags), _usable_nik(m.c.nik, m.c.nik_flags), m.c.nik != r.c.nik),
        )
        .scalar_subquery()
    )
    sel = (
        select(pinned, h.c.id, r.c.id, r.c.program, r.c.periode, _text_const(VIA_NO_KK))
        .select_from(r.join(h, h.c.no_kk == r.c.no_kk))
        .where(
            r.c.no_kk.is_not(None),
            ~_has_flag(h.c.no_kk_flags, KK_RUSAK_EXCEL),
            ~and_(_has_flag(r.c.nik_flags, NIK_RUSAK_EXCEL), r.c.no_kk.like("%0")),
            _not_linked(r),
        )
    )
    s.execute(insert(_l).from_select(LINK_COLUMNS, sel))


def _insert_name_date_links(s: Session) -> None:
    r, m = _r.alias("r"), _m.alias("m")
    cand = (
        select(r.c.id.label("rid"), m.c.id.label("mid"), m.c.household_id.label("hid"))
        .select_from(r.join(m, and_(m.c.nama_key == r.c.nama_key, m.c.tanggal_lahir == r.c.tanggal_lahir)))
        .where(
            r.c.nama_key.is_not(None),
            r.c.nama_key != "",
            r.c.tanggal_lahir.is_not(None),
            # Two trustworthy NIKs: rule 1 decided (equal) or they are two people (different).
            ~and_(_usable_nik(r.c.nik, r.c.nik_flags), _usable_nik(m.c.nik, m.c.nik_flags)),
            or_(r.c.nik.is_(None), m.c.nik.is_(None),
                func.substr(r.c.nik, 1, NIK_TRUSTED_DIGITS) == func.substr(m.c.nik, 1, NIK_TRUSTED_DIGITS)),
            _not_linked(r),
        )
        .subquery("cand")
    )
    unique = (
        select(cand.c.rid, func.min(cand.c.mid).label("mid"), func.min(cand.c.hid).label("hid"))
        .group_by(cand.c.rid)
        .having(func.count() == 1)
        .subquery("uniq")
    )
    r2 = _r.alias("r2")
    sel = (select(unique.c.mid, unique.c.hid, r2.c.id, r2.c.program, r2.c.periode, _text_const(VIA_NAMA_TGL))
           .select_from(unique.join(r2, r2.c.id == unique.c.rid)))
    s.execute(insert(_l).from_select(LINK_COLUMNS, sel))


def link_counts(session: Session) -> LinkSummary:
    """Counts of the links as they stand (what :func:`link_programmes` returns after a rebuild)."""
    per: dict[tuple[str, str | None], dict] = {}
    for prog, per_, n in session.execute(
        select(_r.c.program, _r.c.periode, func.count()).group_by(_r.c.program, _r.c.periode)
    ):
        per[(prog, per_)] = {"recipients": int(n), "linked": 0, **{v: 0 for v in VIAS}}
    # A list row linked to two registry rows (a NIK twice in the registry) counts once, under its rule.
    by_row = (
        select(_l.c.recipient_id, func.min(_l.c.program).label("program"), func.min(_l.c.periode).label("periode"),
               func.min(_l.c.via).label("via"))
        .group_by(_l.c.recipient_id)
        .subquery()
    )
    for prog, per_, via, n in session.execute(
        select(by_row.c.program, by_row.c.periode, by_row.c.via, func.count())
        .group_by(by_row.c.program, by_row.c.periode, by_row.c.via)
    ):
        d = per.setdefault((prog, per_), {"recipients": 0, "linked": 0, **{v: 0 for v in VIAS}})
        d[via] = d.get(via, 0) + int(n)
        d["linked"] += int(n)
    links = session.execute(select(func.count()).select_from(_l)).scalar_one()
    members = session.execute(select(func.count(func.distinct(_l.c.member_id)))).scalar_one()
    households = session.execute(select(func.count(func.distinct(_l.c.household_id)))).scalar_one()
    programmes = [ProgrammeCount(p, pe, d["recipients"], d["linked"], d[VIA_NIK], d[VIA_NO_KK], d[VIA_NAMA_TGL])
                  for (p, pe), d in sorted(per.items(), key=lambda kv: (kv[0][0], kv[0][1] or ""))]
    return LinkSummary(
        recipients=sum(p.recipients for p in programmes),
        linked=sum(p.linked for p in programmes),
        links=int(links),
        by_via={v: sum(getattr(p, v) for p in programmes) for v in VIAS},
        members=int(members or 0),
        households=int(households or 0),
        programmes=programmes,
    )


def rebuild_links(s: Session, *, progress: Progress | None = None, cancel: CancelFlag | None = None) -> LinkSummary:
    """Rebuild every programme link inside the caller's transaction (no audit event)."""
    t0 = time.perf_counter()
    steps = [
        ("Menghapus hubungan lama", lambda s: s.execute(delete(ProgrammeLink))),
        ("Mencocokkan menurut NIK", _insert_nik_links),
        ("Mencocokkan menurut No KK", _insert_kk_links),
        ("Mencocokkan menurut nama dan tanggal lahir", _insert_name_date_links),
    ]
    total = len(steps) + 1
    for i, (text, step) in enumerate(steps):
        check_cancel(cancel)
        if progress:
            progress(i, total, text)
        step(s)
    check_cancel(cancel)
    if progress:
        progress(len(steps), total, "Menghitung hasil")
    result = link_counts(s)
    result.seconds = round(time.perf_counter() - t0, 2)
    return result


def has_recipients(s: Session) -> bool:
    """Is any programme list imported (so links are worth rebuilding)?"""
    return s.execute(select(ProgrammeRecipient.id).limit(1)).first() is not None


def audit_link(s: Session, actor: Actor, result: LinkSummary, why: str | None = None) -> None:
    audit.record(s, actor, "programmes.link", entity_type="programme_links",
                 summary=(f"Pencocokan daftar program: {angka(result.linked)} dari {angka(result.recipients)} "
                          f"baris ditemukan di DTKS"),
                 new={"linked": result.linked, "recipients": result.recipients, "by_via": result.by_via,
                      "programmes": {f"{p.program} {p.periode or ''}".strip(): p.linked
                                     for p in result.programmes}},
                 reason=why)


@changes(DataKind.PROGRAMMES)
def link_programmes(db, actor: Actor, *, progress: Progress | None = None,
                    cancel: CancelFlag | None = None) -> LinkSummary:
    """Rebuild every programme link in one transaction. On cancel nothing changes.

    Imports (a programme list, a SIKS-NG export) and matching runs that correct NIKs rebuild the
    links themselves in their own transaction; this is for an explicit rebuild (CLI).
    """
    require(db, actor, Capability.PROGRAMMES_LINK)
    waiting = (lambda text: progress(0, 1, text)) if progress else None
    with db.transaction() as s, locks.hold(s, (locks.PROGRAMMES,), actor.username, "pencocokan daftar program",
                                           waiting=waiting, cancel=cancel):
        result = rebuild_links(s, progress=progress, cancel=cancel)
        check_cancel(cancel)
        audit_link(s, actor, result)
    if progress:
        progress(1, 1, "Selesai")
    return result


# --------------------------------------------------------------------------------------------
# Who receives what
# --------------------------------------------------------------------------------------------


class ProgrammeOf(NamedTuple):
    program: str
    periode: str | None
    via: str

    @property
    def label(self) -> str:
        return f"{self.program} {self.periode}" if self.periode else self.program


def _ordered(items: Iterable[ProgrammeOf]) -> list[ProgrammeOf]:
    """By programme; within one, newest period first (no period last), then by rule."""
    out = sorted(items, key=lambda p: VIAS.index(p.via) if p.via in VIAS else len(VIAS))
    out.sort(key=lambda p: p.periode or "", reverse=True)
    out.sort(key=lambda p: (p.program, p.periode is None))
    return out


def _rows(session: Session, where) -> list[ProgrammeOf]:
    rows = session.execute(select(_l.c.program, _l.c.periode, _l.c.via).where(where).distinct()).all()
    return _ordered(ProgrammeOf(*r) for r in rows)


def programmes_of_member(session: Session, member_id: int) -> list[ProgrammeOf]:
    """(program, periode, via) of the lists that name this person (not the family's)."""
    return _rows(session, _l.c.member_id == member_id)


def programmes_of_household(session: Session, household_id: int) -> list[ProgrammeOf]:
    """(program, periode, via) of the lists that name this family or one of its members."""
    return _rows(session, _l.c.household_id == household_id)


def programmes_of_members(session: Session, member_ids: Sequence[int]) -> dict[int, list[ProgrammeOf]]:
    """The same as :func:`programmes_of_member` for a page of members, in one query."""
    out: dict[int, list[ProgrammeOf]] = {}
    ids = list(member_ids)
    for k in range(0, len(ids), 500):
        rows = session.execute(
            select(_l.c.member_id, _l.c.program, _l.c.periode, _l.c.via)
            .where(_l.c.member_id.in_(ids[k:k + 500])).distinct()
        ).all()
        for mid, prog, per, via in rows:
            out.setdefault(mid, []).append(ProgrammeOf(prog, per, via))
    return {mid: _ordered(items) for mid, items in out.items()}


def family_programmes(session: Session, household_ids: Sequence[int]) -> dict[int, list[ProgrammeOf]]:
    """For a page of families: the lists that name the family itself, not one of its members.

    Those are the rows linked by No KK where no member of the family has the row's name (rule 2);
    they concern every member of the family. One query per 500 families on the household index;
    "no member" is checked here, not in SQL, where both databases would rather walk the member
    index for its NULL entries (every family-only link of the registry) than look up 500 families.
    """
    out: dict[int, set[ProgrammeOf]] = {}
    ids = sorted(set(household_ids))
    for k in range(0, len(ids), 500):
        rows = session.execute(
            select(_l.c.household_id, _l.c.member_id, _l.c.program, _l.c.periode, _l.c.via)
            .where(_l.c.household_id.in_(ids[k:k + 500]))
        ).all()
        for hid, mid, prog, per, via in rows:
            if mid is None:
                out.setdefault(hid, set()).add(ProgrammeOf(prog, per, via))
    return {hid: _ordered(items) for hid, items in out.items()}


# --------------------------------------------------------------------------------------------
# Double-receipt rules
# --------------------------------------------------------------------------------------------


class RuleError(ProgrammeError, ValueError):
    """A rule the office entered cannot be used (Indonesian message)."""


@dataclass(frozen=True)
class Rule:
    a: str
    b: str
    level: str  # "keluarga" | "orang"

    @property
    def label(self) -> str:
        unit = "keluarga" if self.level == LEVEL_KELUARGA else "orang"
        return f"{self.a} dan {self.b} tidak boleh diterima bersamaan oleh satu {unit}"

    def as_dict(self) -> dict:
        return {"a": self.a, "b": self.b, "level": self.level}


def _program_name(value: object, which: str, i: int) -> str:
    name = " ".join(str(value or "").split()).upper()
    if not name:
        raise RuleError(f"Aturan ke-{i}: nama program {which} kosong.")
    if len(name) > 60:
        raise RuleError(f"Aturan ke-{i}: nama program terlalu panjang (paling banyak 60 karakter).")
    return name


def parse_rules(rules: Iterable) -> list[Rule]:
    """Check and normalise rules (dicts or :class:`Rule`): names upper-case, no duplicates."""
    out: list[Rule] = []
    seen: set[tuple] = set()
    for i, item in enumerate(rules, start=1):
        if isinstance(item, Rule):
            item = item.as_dict()
        if not isinstance(item, dict):
            raise RuleError(f"Aturan ke-{i} harus berisi program a, program b dan tingkat.")
        a = _program_name(item.get("a"), "pertama", i)
        b = _program_name(item.get("b"), "kedua", i)
        level = str(item.get("level") or "").strip().lower()
        if level not in LEVEL_LABELS:
            raise RuleError(f"Aturan ke-{i}: tingkat harus 'keluarga' atau 'orang', bukan {item.get('level')!r}.")
        if a == b:
            raise RuleError(f"Aturan ke-{i}: kedua program sama ({a}).")
        key = (min(a, b), max(a, b), level)
        if key in seen:
            continue
        seen.add(key)
        out.append(Rule(a, b, level))
    return out


def programme_names(session: Session) -> list[str]:
    """Programme names on the imported lists (upper-case, as rules compare them), for choosing rules."""
    names = session.execute(select(func.upper(_r.c.program)).distinct()).scalars()
    return sorted(n for n in names if n)


def get_rules(session: Session) -> list[Rule]:
    """The office's double-receipt rules; an empty list when none is configured."""
    raw = settings.get(session, RULES_KEY)
    if not raw:
        return []
    try:
        return parse_rules(json.loads(raw))
    except (ValueError, TypeError):
        # A hand-edited setting that no longer parses forbids nothing; set_rules writes it again.
        return []


@changes(DataKind.SETTINGS)
def set_rules(session: Session, actor: Actor, rules: Iterable) -> list[Rule]:
    """Replace the rules (validated; written with an audit event). Returns them normalised."""
    require(session, actor, Capability.PROGRAMMES_RULES)
    parsed = parse_rules(rules)
    value = json.dumps([r.as_dict() for r in parsed], ensure_ascii=False) if parsed else None
    settings.put(session, actor, RULES_KEY, value, capability=Capability.PROGRAMMES_RULES)
    return parsed


@dataclass(frozen=True)
class DoubleReceipt:
    rule: Rule
    level: str
    member_id: int | None  # the person (level "orang")
    household_id: int | None
    nama: str | None  # the person, or the family head
    nik: str | None  # full value: the caller masks for the actor's role
    no_kk: str | None
    desa_kode: str | None
    desa: str | None
    kecamatan: str | None
    programmes_a: tuple[ProgrammeOf, ...]
    programmes_b: tuple[ProgrammeOf, ...]

    @property
    def programmes_label(self) -> str:
        def part(items: tuple[ProgrammeOf, ...], name: str) -> str:
            periods = sorted({p.periode for p in items if p.periode})
            return f"{name} ({', '.join(periods)})" if periods else name
        return f"{part(self.programmes_a, self.rule.a)} + {part(self.programmes_b, self.rule.b)}"


def _violations_query(rules: list[Rule]):
    parts = []
    prog = func.upper(_l.c.program)
    for i, rule in enumerate(rules):
        l2 = _l.alias(f"l2_{i}")
        if rule.level == LEVEL_ORANG:
            key, key2 = _l.c.member_id, l2.c.member_id
        else:
            key, key2 = _l.c.household_id, l2.c.household_id
        other = exists().where(key2 == key, func.upper(l2.c.program) == rule.b)
        if rule.level == LEVEL_ORANG:
            sel = select(literal_column(str(i)).label("rule"), key.label("member_id"),
                         func.min(_l.c.household_id).label("hid"))
        else:
            sel = select(literal_column(str(i)).label("rule"), cast(null(), BigInteger).label("member_id"),
                         key.label("hid"))
        parts.append(sel.where(key.is_not(None), prog == rule.a, other).group_by(key))
    return union_all(*parts).subquery("v")


def count_double_receipts(session: Session, rules: list[Rule] | None = None) -> int:
    rules = get_rules(session) if rules is None else rules
    if not rules:
        return 0
    v = _violations_query(rules)
    return int(session.execute(select(func.count()).select_from(v)).scalar_one())


def double_receipts(session: Session, *, offset: int = 0, limit: int = 200,
                    rules: list[Rule] | None = None) -> list[DoubleReceipt]:
    """Families/persons on two lists that a rule forbids together, by village then family.

    One row per (rule, family) or (rule, person). NIK and No KK are returned in full: the view
    or document masks them (``settings.mask_policy``) for who sees them.
    """
    rules = get_rules(session) if rules is None else rules
    if not rules:
        return []
    v = _violations_query(rules)
    h = _h.alias("h")
    page = session.execute(
        select(v.c.rule, v.c.member_id, v.c.hid)
        .select_from(v.join(h, h.c.id == v.c.hid, isouter=True))
        .order_by(h.c.desa_kode.is_(None), h.c.desa_kode, v.c.hid, v.c.member_id.is_not(None), v.c.member_id, v.c.rule)
        .offset(max(0, int(offset))).limit(max(0, int(limit)))
    ).all()
    if not page:
        return []
    hids = sorted({r.hid for r in page if r.hid is not None})
    mids = sorted({r.member_id for r in page if r.member_id is not None})
    desa, kec = aliased(Region.__table__, name="desa"), aliased(Region.__table__, name="kec")
    fam: dict[int, tuple] = {}
    for k in range(0, len(hids), 500):
        for row in session.execute(
            select(h.c.id, h.c.no_kk, h.c.desa_kode, desa.c.nama, kec.c.nama)
            .select_from(h.outerjoin(desa, desa.c.kode == h.c.desa_kode)
                         .outerjoin(kec, kec.c.kode == desa.c.parent_kode))
            .where(h.c.id.in_(hids[k:k + 500]))
        ):
            fam[row[0]] = tuple(row[1:])
    # Family head (hubungan 1, else the lowest relation code) for family-level rows.
    heads: dict[int, tuple] = {}
    for k in range(0, len(hids), 500):
        for hid, nama, nik, hub, mid in session.execute(
            select(_m.c.household_id, _m.c.nama, _m.c.nik, _m.c.hubungan, _m.c.id)
            .where(_m.c.household_id.in_(hids[k:k + 500]))
        ):
            key = (hub is None, hub or 0, mid)
            if hid not in heads or key < heads[hid][0]:
                heads[hid] = (key, nama, nik)
    people: dict[int, tuple] = {}
    for k in range(0, len(mids), 500):
        for mid, nama, nik in session.execute(
            select(_m.c.id, _m.c.nama, _m.c.nik).where(_m.c.id.in_(mids[k:k + 500]))
        ):
            people[mid] = (nama, nik)
    # The links behind each row, to show which lists and periods.
    link_rows: dict[tuple[str, int], list[ProgrammeOf]] = {}
    for col, ids, kind in ((_l.c.member_id, mids, "m"), (_l.c.household_id, hids, "h")):
        for k in range(0, len(ids), 500):
            for key, prog, per, via in session.execute(
                select(col, _l.c.program, _l.c.periode, _l.c.via).where(col.in_(ids[k:k + 500])).distinct()
            ):
                link_rows.setdefault((kind, key), []).append(ProgrammeOf(prog, per, via))
    out = []
    for ri, mid, hid in page:
        rule = rules[ri]
        links = link_rows.get(("m", mid) if mid is not None else ("h", hid), [])
        no_kk, desa_kode, desa_nama, kec_nama = fam.get(hid, (None, None, None, None))
        if mid is not None:
            nama, nik = people.get(mid, (None, None))
        else:
            _, nama, nik = heads.get(hid, (None, None, None))
        out.append(DoubleReceipt(
            rule=rule, level=rule.level, member_id=mid, household_id=hid, nama=nama, nik=nik, no_kk=no_kk,
            desa_kode=desa_kode, desa=desa_nama, kecamatan=kec_nama,
            programmes_a=tuple(_dedupe(p for p in links if p.program.upper() == rule.a)),
            programmes_b=tuple(_dedupe(p for p in links if p.program.upper() == rule.b)),
        ))
    return out


def _dedupe(items: Iterable[ProgrammeOf]) -> list[ProgrammeOf]:
    seen: dict[tuple, ProgrammeOf] = {}
    for p in items:
        seen.setdefault((p.program, p.periode), p)
    return sorted(seen.values(), key=lambda p: (p.program, p.periode or ""))
