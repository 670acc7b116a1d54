"""Configurable file layouts: the columns (header and content, in order) of a file the office
writes for, or reads from, someone outside it: the upload file of a submission batch to Kemensos
or to the province, the lists exchanged with PT Pos. One mechanism for all of them.

A *scope* is one kind of file (``batch.kemensos``, ``ptpos.kirim``). The service module that
writes or reads the file registers it at import time (:func:`register`): the fields a column may
hold (field name -> Indonesian label), the built-in layout, which fields are text cells (NIK,
No KK, codes) and which a file must contain (``required``). The office may replace the built-in
layout; the replacement is stored as JSON in the settings table under ``layout.<scope>``
(``[{"header": "NIK", "field": "nik"}, ...]``), changed only with ``office.settings`` and audited
(``layout.set``, ``layout.reset`` with the old and new columns).

**Children.** A scope may have children: ``batch.kemensos.PKH`` is the layout of the Kemensos
upload file for PKH only. Children are not registered one by one: the parent names the callable
that lists them for the office (``Scope.children``: the programmes the target allows, read from
the database at the moment of asking), and :func:`resolve` builds the child on demand, with the
parent's fields and ``parent`` set. The layout of a child is its own configuration, else its
parent's (configured or built-in). A child key whose suffix is no longer among the parent's
children (a provincial programme taken off the list after its batch was built) still resolves
for :func:`layout` and :func:`header_map`, so an old batch can be exported; :func:`set_layout`,
:func:`reset_layout` and :func:`show` accept only current children.

No Qt here: the "Format berkas" tab (views/documents/layouts_tab.py) and ``dtks layout …``
(cli/layouts.py) call these functions.
"""

from __future__ import annotations

import importlib
import json
import re
from dataclasses import dataclass, field
from typing import Callable, Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from dtks_desktop.db.models import Setting
from dtks_desktop.domain.permissions import Capability
from dtks_desktop.domain.spreadsheet import looks_like_formula
from dtks_desktop.services.core import audit
from dtks_desktop.services.core.common import DataKind, changes
from dtks_desktop.services.core.permissions import require
from dtks_desktop.services.core.users import Actor

__all__ = ["Column", "Scope", "LayoutError", "register", "scopes", "load_all", "available", "resolve", "layout",
           "configured_key", "is_default", "set_layout", "reset_layout", "header_map", "show", "setting_key",
           "normalise_header"]

#: Settings key prefix: the layout of scope ``k`` is stored under ``layout.k``.
PREFIX = "layout."
#: The modules that register scopes (imported by :func:`load_all`). A new owner adds itself here.
OWNERS: tuple[str, ...] = (
    "dtks_desktop.services.submission.outputs",
    "dtks_desktop.services.distribution.ptpos",
)
MAX_COLUMNS = 100
MAX_HEADER = 100
_KEY_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")
_CHILD_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


@dataclass(frozen=True)
class Column:
    header: str  # the header written / expected in the file
    field: str  # a field name of the scope

    def as_dict(self) -> dict:
        return {"header": self.header, "field": self.field}


@dataclass(frozen=True)
class Scope:
    key: str  # e.g. "batch.kemensos", "batch.kemensos.PKH", "ptpos.kirim"
    label: str  # Indonesian, e.g. "Berkas unggah batch ke Kemensos"
    fields: dict[str, str]  # field -> Indonesian label (what may be placed in a column)
    default: tuple[Column, ...]  # the built-in layout
    text_fields: frozenset[str]  # written as text cells (NIK, No KK, codes)
    parent: str | None = None  # "batch.kemensos.PKH" falls back to "batch.kemensos" when not configured
    required: frozenset[str] = frozenset()  # fields every layout (and every file read) must have
    #: The suffixes of this scope's children for the office (``session -> ["PKH", "BPNT"]``);
    #: None: the scope has no children.
    children: Callable[[Session], Sequence[str]] | None = field(default=None, compare=False, repr=False)
    child_label: str = "program"  # what a child is, for messages ("program PKH")

    def field_label(self, name: str) -> str:
        return self.fields.get(name, name)


class LayoutError(Exception):
    """A layout that cannot be used or stored as asked. ``message`` is Indonesian; ``problems``
    lists each problem on its own (the message joins them)."""

    def __init__(self, message: str, problems: Sequence[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems = list(problems or [message])


_REGISTRY: dict[str, Scope] = {}


def register(scope: Scope) -> None:
    """Add ``scope`` to the registry (at import time of its owning module). Registering the same
    key again replaces the entry (a reloaded module); a scope inconsistent in itself is a
    programming error (ValueError), not a user's."""
    if not _KEY_RE.match(scope.key) or len(PREFIX + scope.key) > 80:
        raise ValueError(f"layout scope key {scope.key!r}: lower-case words separated by dots, at most 73 characters")
    if not scope.default:
        raise ValueError(f"layout scope {scope.key}: empty default")
    for name in {c.field for c in scope.default} | set(scope.text_fields) | set(scope.required):
        if name not in scope.fields:
            raise ValueError(f"layout scope {scope.key}: field {name!r} not in fields")
    missing = set(scope.required) - {c.field for c in scope.default}
    if missing:
        raise ValueError(f"layout scope {scope.key}: default lacks required {sorted(missing)}")
    _REGISTRY[scope.key] = scope


def scopes() -> list[Scope]:
    """Every registered scope, by key (children are not listed: see :func:`available`)."""
    return [_REGISTRY[k] for k in sorted(_REGISTRY)]


def load_all() -> list[Scope]:
    """Import every owning module (:data:`OWNERS`) so that all scopes are registered."""
    for name in OWNERS:
        importlib.import_module(name)
    return scopes()


def _child(parent: Scope, suffix: str) -> Scope:
    return Scope(key=f"{parent.key}.{suffix}", label=f"{parent.label} — {parent.child_label} {suffix}",
                 fields=parent.fields, default=parent.default, text_fields=parent.text_fields, parent=parent.key,
                 required=parent.required)


def _children(session: Session, parent: Scope) -> list[str]:
    if parent.children is None:
        return []
    return [c for c in parent.children(session) if c and _CHILD_RE.match(c)]


def available(session: Session) -> list[Scope]:
    """Every scope an administrator may configure now: each registered scope followed by its
    children for this office (e.g. ``batch.provinsi`` then ``batch.provinsi.BANSOS_PROVINSI``)."""
    load_all()
    out: list[Scope] = []
    for scope in scopes():
        out.append(scope)
        out.extend(_child(scope, c) for c in _children(session, scope))
    return out


def _known_keys() -> str:
    return ", ".join(sorted(_REGISTRY)) or "(belum ada)"


def resolve(session: Session, key: str, *, current: bool = True) -> Scope:
    """The scope of ``key``: a registered one, or a child of a registered scope with children.

    ``current=True``: a child must be among the parent's children now (typed in any case:
    ``batch.kemensos.pkh`` is ``batch.kemensos.PKH``). ``current=False`` also accepts a child
    that no longer is (to export an old batch in the layout it had)."""
    load_all()
    key = (key or "").strip()
    scope = _REGISTRY.get(key)
    if scope is not None:
        return scope
    head, _, suffix = key.rpartition(".")
    parent = _REGISTRY.get(head)
    if parent is not None and parent.children is not None and suffix:
        options = _children(session, parent)
        canon = {o.upper(): o for o in options}.get(suffix.upper())
        if canon is not None:
            return _child(parent, canon)
        if not current and _CHILD_RE.match(suffix):
            return _child(parent, suffix)
        raise LayoutError(f"'{suffix}' bukan {parent.child_label} untuk {parent.label} ({parent.key}). Pilihan: "
                          + (", ".join(f"{parent.key}.{o}" for o in options) or "(belum ada)") + ".")
    raise LayoutError(f"Format berkas '{key}' tidak dikenal. Yang ada: {_known_keys()} "
                      "(ditambah per program, mis. batch.kemensos.PKH).")


def setting_key(key: str) -> str:
    return PREFIX + key


def normalise_header(text: object) -> str:
    """A header as compared when a file is read: letters and digits only, lower case
    ("No. KK", "NO_KK" and "no kk" are all ``nokk``)."""
    return re.sub(r"[^0-9a-z]", "", str(text or "").lower())


def _title(scope: Scope) -> str:
    return f"{scope.label} ({scope.key})"


def _check(scope: Scope, columns: Iterable) -> tuple[Column, ...]:
    """The columns as a layout of ``scope``, or LayoutError naming every problem."""
    cols: list[Column] = []
    problems: list[str] = []
    for i, item in enumerate(columns, 1):
        if isinstance(item, Column):
            header, name = item.header, item.field
        elif isinstance(item, dict):
            header, name = item.get("header"), item.get("field")
        else:
            try:
                header, name = item
            except (TypeError, ValueError):
                problems.append(f"Kolom {i}: harus berisi judul dan isian.")
                continue
        header = " ".join(str(header or "").split())
        name = str(name or "").strip()
        cols.append(Column(header, name))
    if not cols and not problems:
        raise LayoutError(f"{_title(scope)}: format perlu minimal satu kolom.")
    if len(cols) > MAX_COLUMNS:
        problems.append(f"Paling banyak {MAX_COLUMNS} kolom, bukan {len(cols)}.")
    seen: dict[str, int] = {}
    for i, c in enumerate(cols, 1):
        if c.field not in scope.fields:
            problems.append(f"Kolom {i} ('{c.header}'): isian '{c.field}' tidak dikenal. Isian yang ada: "
                            + ", ".join(f"{f} ({lbl})" for f, lbl in scope.fields.items()) + ".")
        if not c.header:
            problems.append(f"Kolom {i} (isian {c.field or '-'}): judul kolom kosong.")
            continue
        if len(c.header) > MAX_HEADER:
            problems.append(f"Kolom {i}: judul lebih dari {MAX_HEADER} huruf.")
        if looks_like_formula(c.header):
            problems.append(f"Kolom {i}: judul '{c.header}' tampak seperti rumus spreadsheet (diawali "
                            f"{c.header[0]}); ganti judulnya.")
        norm = normalise_header(c.header)
        if not norm:
            problems.append(f"Kolom {i}: judul '{c.header}' tidak berisi huruf atau angka.")
        elif norm in seen:
            problems.append(f"Kolom {seen[norm]} dan {i}: judul '{cols[seen[norm] - 1].header}' dan '{c.header}' "
                            "dianggap sama (huruf besar/kecil, spasi dan tanda baca tidak dibedakan saat berkas "
                            "dibaca).")
        else:
            seen[norm] = i
    missing = [f for f in scope.fields if f in scope.required and f not in {c.field for c in cols}]
    if missing:
        problems.append("Isian wajib belum ada: " + ", ".join(f"{scope.field_label(f)} ({f})" for f in missing) + ".")
    if problems:
        raise LayoutError(f"{_title(scope)}: format tidak dapat dipakai. " + " ".join(problems), problems)
    return tuple(cols)


def _stored_raw(session: Session, key: str) -> str | None:
    return session.execute(select(Setting.value).where(Setting.key == setting_key(key))).scalar_one_or_none()


def _stored(session: Session, scope: Scope) -> tuple[Column, ...] | None:
    raw = _stored_raw(session, scope.key)
    if raw is None:
        return None
    fix = (f" Perbaiki di Kantor & Dokumen › Format berkas, atau kembalikan ke bawaan: "
           f"dtks layout reset {scope.key}.")
    try:
        data = json.loads(raw)
        if not isinstance(data, list):
            raise ValueError
    except ValueError:
        raise LayoutError(f"{_title(scope)}: format yang tersimpan rusak (bukan daftar kolom JSON).{fix}") from None
    try:
        return _check(scope, data)
    except LayoutError as exc:
        raise LayoutError(f"{_title(scope)}: format yang tersimpan tidak sah lagi. {' '.join(exc.problems)}{fix}",
                          exc.problems) from None


def _chain(session: Session, scope: Scope) -> list[Scope]:
    out = [scope]
    while out[-1].parent and out[-1].parent in _REGISTRY and len(out) < 10:
        out.append(_REGISTRY[out[-1].parent])
    return out


def configured_key(session: Session, key: str) -> str | None:
    """The key whose stored layout applies to ``key`` (itself or an ancestor); None: the built-in one."""
    for s in _chain(session, resolve(session, key, current=False)):
        if _stored_raw(session, s.key) is not None:
            return s.key
    return None


def layout(session: Session, key: str) -> tuple[Column, ...]:
    """The columns of ``key``: its configured layout, else its parent's, else the built-in one."""
    scope = resolve(session, key, current=False)
    for s in _chain(session, scope):
        cols = _stored(session, s)
        if cols is not None:
            if s is not scope:  # a parent's layout must also hold the child's requirements
                _check(scope, cols)
            return cols
    return scope.default


def is_default(session: Session, key: str) -> bool:
    """True when neither ``key`` nor an ancestor has a configured layout."""
    return configured_key(session, key) is None


def _audit_value(cols: Sequence[Column] | None) -> list[dict] | None:
    return None if cols is None else [c.as_dict() for c in cols]


def _old(session: Session, scope: Scope) -> list | None:
    raw = _stored_raw(session, scope.key)
    if raw is None:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return [raw]


@changes(DataKind.SETTINGS)
def set_layout(session: Session, actor: Actor, key: str, columns: Sequence) -> tuple[Column, ...]:
    """Store the layout of ``key`` (administrators: office.settings). ``columns``: (header, field)
    pairs, :class:`Column` or ``{"header", "field"}``. Audited ``layout.set`` with old and new."""
    require(session, actor, Capability.OFFICE_SETTINGS, detail=f"format berkas {key}")
    scope = resolve(session, key)
    cols = _check(scope, columns)
    value = json.dumps(_audit_value(cols), ensure_ascii=False)
    row = session.get(Setting, setting_key(scope.key))
    if row is not None and row.value == value:
        return cols
    old = _old(session, scope)
    if row is None:
        session.add(Setting(key=setting_key(scope.key), value=value))
    else:
        row.value = value
    session.flush()
    audit.record(session, actor, "layout.set", entity_type="layout",
                 summary=f"Format {scope.label} ({scope.key}) diatur: {len(cols)} kolom",
                 old={"key": scope.key, "columns": old}, new={"key": scope.key, "columns": _audit_value(cols)})
    return cols


@changes(DataKind.SETTINGS)
def reset_layout(session: Session, actor: Actor, key: str) -> tuple[Column, ...]:
    """Forget the office's layout of ``key``; returns the layout now in effect (the parent's or the
    built-in one). Audited ``layout.reset`` when there was one."""
    require(session, actor, Capability.OFFICE_SETTINGS, detail=f"format berkas {key}")
    scope = resolve(session, key)
    row = session.get(Setting, setting_key(scope.key))
    if row is not None:
        old = _old(session, scope)
        session.delete(row)
        session.flush()
        audit.record(session, actor, "layout.reset", entity_type="layout",
                     summary=f"Format {scope.label} ({scope.key}) dikembalikan ke "
                             + (f"format {scope.parent}" if scope.parent else "bawaan"),
                     old={"key": scope.key, "columns": old}, new={"key": scope.key, "columns": None})
    return layout(session, scope.key)


def header_map(session: Session, key: str, headers: Sequence[object], *, source: str | None = None,
               need: Iterable[str] = ()) -> dict[str, int]:
    """For reading a file in the layout of ``key``: field -> index of its column in ``headers``.

    A header matches a field when it equals, ignoring case, spaces and punctuation, the header
    of the field in the layout in effect, the field's label, the field's name or its header in
    the built-in layout. The first matching column wins. A required field of the scope (or one
    named in ``need``) that no header matches is a LayoutError naming ``source`` (the file),
    the file's headers and the expected ones."""
    scope = resolve(session, key, current=False)
    cols = layout(session, key)
    names: dict[str, str] = {}
    for c in cols:
        names.setdefault(normalise_header(c.header), c.field)
    for f, label in scope.fields.items():
        names.setdefault(normalise_header(label), f)
        names.setdefault(normalise_header(f), f)
    for c in scope.default:
        names.setdefault(normalise_header(c.header), c.field)
    out: dict[str, int] = {}
    for i, h in enumerate(headers):
        name = names.get(normalise_header(h))
        if name is not None and name not in out:
            out[name] = i
    wanted = set(scope.required) | set(need)
    missing = [f for f in scope.fields if f in wanted and f not in out]
    if missing:
        shown = {c.field: c.header for c in cols}
        file_headers = ", ".join(f"'{h}'" for h in headers if str(h or "").strip()) or "(tidak ada)"
        raise LayoutError(
            f"{source or 'Berkas'}: kolom wajib tidak ditemukan: "
            + ", ".join(f"{scope.field_label(f)} (judul '{shown.get(f, scope.field_label(f))}')" for f in missing)
            + f". Judul kolom di berkas: {file_headers}. Judul yang diharapkan ({scope.label}): "
            + ", ".join(c.header for c in cols) + ".")
    return out


def show(session: Session, key: str) -> dict:
    """Everything about ``key`` for ``dtks layout show`` and the Format berkas tab."""
    scope = resolve(session, key)
    source = configured_key(session, scope.key)
    return {
        "key": scope.key, "label": scope.label, "parent": scope.parent, "configured": source,
        "is_default": source is None, "own": source == scope.key,
        "columns": [c.as_dict() for c in layout(session, scope.key)],
        "default": [c.as_dict() for c in scope.default],
        "fields": dict(scope.fields), "required": sorted(scope.required), "text_fields": sorted(scope.text_fields),
        "children": [f"{scope.key}.{c}" for c in _children(session, scope)],
    }
