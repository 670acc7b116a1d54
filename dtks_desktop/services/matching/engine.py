"""Record linkage of registry members to civil-registry persons, in memory (no database, no Qt).

Pipeline (see docs/matching.md):

1. **Tables.** :class:`TableBuilder` turns rows of the civil registry (``CIVIL_COLUMNS``) and of
   the registry (``MEMBER_COLUMNS``) into compact numpy columns. Every text column is
   factorised into a shared :class:`Vocab` (one id per distinct normalised name, name key,
   mother's name, desa), so 3,000,000 persons fit in a few hundred MB.
2. **Phase 1, exact NIK.** Each member with a clean NIK is paired with the civil person(s)
   holding that NIK (a civil-registry extract can hold a NIK twice: both are candidates). The
   pair's identity (name, birth date, sex, mother, No KK, desa) decides: accepted ->
   ``padan`` / ``padan_catatan``; otherwise the member goes on to phase 2.
3. **Phase 2, blocking** (only members without a clean, consistent NIK): NIK within one
   substituted or swapped digit; the trusted digits of an Excel-damaged NIK (a numeric range);
   name key + birth date; No KK + birth date; desa + birth year + name key; desa + birth date;
   No KK + name key; desa + name key. Never all pairs.
4. **Comparison** per pair and field into levels, weights ``log2(m/u)`` from
   :mod:`.settings` with a term-frequency ``u`` for the name, all vectorised with numpy and
   ``rapidfuzz.process.cpdist`` (only on distinct unequal name pairs).
5. **Classification** into the six statuses, and an Indonesian explanation per field.

The result is deterministic for the same input order.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Callable, Iterable, Sequence

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from dtks_desktop.domain.names import normalize_name
from dtks_desktop.domain.status import MATCH_STATUS_LABELS
from dtks_desktop.domain.spreadsheet import clean_id
from dtks_desktop.services.core.common import CancelFlag, Progress, check_cancel
from dtks_desktop.services.matching import settings as S

__all__ = [
    "STATUSES", "PADAN", "PADAN_CATATAN", "USULAN_KOREKSI", "NIK_ORANG_LAIN", "GANDA", "TIDAK_PADAN",
    "STATUS_LABELS", "LINKING_STATUSES", "CIVIL_COLUMNS", "MEMBER_COLUMNS", "Vocab", "Table", "TableBuilder",
    "CivilIndex", "LinkResult", "link", "assign_ganda", "explain_fields", "field_note", "written_form",
    "priority_of", "NIK_DAMAGE_FLAGS",
]

# --- statuses ----------------------------------------------------------------------------------

STATUSES = ("padan", "padan_catatan", "usulan_koreksi", "nik_orang_lain", "ganda", "tidak_padan")
PADAN, PADAN_CATATAN, USULAN_KOREKSI, NIK_ORANG_LAIN, GANDA, TIDAK_PADAN = range(6)
STATUS_LABELS = MATCH_STATUS_LABELS  # one source: domain/status.py
#: Statuses whose ``nik_matched`` points at a civil-registry person (used for ``ganda``).
LINKING_STATUSES = frozenset({"padan", "padan_catatan", "usulan_koreksi", "nik_orang_lain"})
# Order in which two members linked to one civil person keep the link (lower wins).
_STATUS_RANK = {PADAN: 0, PADAN_CATATAN: 1, USULAN_KOREKSI: 2, NIK_ORANG_LAIN: 3, TIDAK_PADAN: 9, GANDA: 9}

NIK_DAMAGE_FLAGS = ("nik_rusak_excel",)

# Column order of the rows handed to TableBuilder.
CIVIL_COLUMNS = ("id", "nik", "no_kk", "nama", "nama_norm", "tanggal_lahir", "jenis_kelamin", "nama_ibu",
                 "desa_kode", "nik_flags")
MEMBER_COLUMNS = ("id", "nik", "nik_raw", "nik_flags", "nama", "nama_norm", "tanggal_lahir", "jenis_kelamin",
                  "nama_ibu", "no_kk", "desa_kode", "no_kk_flags")

_F = {f: i for i, f in enumerate(S.FIELDS)}  # field -> column in the level/weight matrices
_NF = len(S.FIELDS)
_POW10 = np.array([10 ** (15 - k) for k in range(16)], dtype=np.int64)
_BITS = 27  # dob (yyyymmdd < 2^27) and vocabulary ids are packed in 27-bit slots


# --- vocabulary --------------------------------------------------------------------------------

class _Pool:
    """Distinct strings -> dense int ids."""

    __slots__ = ("index", "values")

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.values: list[str] = []

    def __len__(self) -> int:
        return len(self.values)

    def add(self, s: str) -> int:
        i = self.index.get(s)
        if i is None:
            i = len(self.values)
            self.index[s] = i
            self.values.append(s)
        return i


_NON_WORD = re.compile(r"[^0-9A-Z]+")


def written_form(name: str | None) -> str:
    """The name as written, ignoring case, spaces and punctuation (``Siti  Aminah.`` = ``SITI AMINAH``)."""
    if not name:
        return ""
    return " ".join(_NON_WORD.sub(" ", str(name).upper()).split())


class Vocab:
    """Shared dictionaries of the civil registry and the members (ids comparable across both)."""

    def __init__(self) -> None:
        self.names = _Pool()  # normalised names (ordered words); also normalised mothers' names
        self.keys = _Pool()  # name keys (sorted words)
        self.raw = _Pool()  # names as written
        self.mothers = _Pool()  # mothers' names as written
        self.desa = _Pool()  # desa codes
        self.kec = _Pool()  # kecamatan codes
        self._name_key: list[int] = []  # name id -> key id
        self._name_len: list[int] = []  # name id -> letters in the normalised name
        self._desa_kec: list[int] = []
        self._written: dict[int, int] = {}  # raw id -> written-form id (in self.keys' sibling pool)
        self._written_pool = _Pool()
        self._mother_norm: dict[int, int] = {}  # mother raw id -> name id (-1: too short)

    # normalised names
    def name_ids(self, norms: Sequence[str | None]) -> np.ndarray:
        codes, uniques = pd.factorize(np.asarray(norms, dtype=object), use_na_sentinel=True)
        mapping = np.fromiter((self._add_name(u) for u in uniques), dtype=np.int64, count=len(uniques))
        return _remap(codes, mapping)

    def _add_name(self, norm: str) -> int:
        if not norm:
            return -1
        n = len(self.names)
        i = self.names.add(norm)
        if i == n:
            words = norm.split()
            self._name_key.append(self.keys.add(" ".join(sorted(words))))
            self._name_len.append(sum(len(w) for w in words))
        return i

    def key_of(self) -> np.ndarray:
        return np.asarray(self._name_key, dtype=np.int64)

    def name_len(self) -> np.ndarray:
        return np.asarray(self._name_len, dtype=np.int64)

    def pool_ids(self, pool: _Pool, values: Sequence[str | None]) -> np.ndarray:
        codes, uniques = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=True)
        mapping = np.fromiter((pool.add(u) if u else -1 for u in uniques), dtype=np.int64, count=len(uniques))
        return _remap(codes, mapping)

    def desa_ids(self, values: Sequence[str | None]) -> np.ndarray:
        ids = self.pool_ids(self.desa, values)
        while len(self._desa_kec) < len(self.desa):
            code = self.desa.values[len(self._desa_kec)]
            self._desa_kec.append(self.kec.add(code[:8]))
        return ids

    def desa_kec(self) -> np.ndarray:
        return np.asarray(self._desa_kec, dtype=np.int64)

    @staticmethod
    def _derived_ids(raw_ids: np.ndarray, cache: dict[int, int], derive: Callable[[int], int]) -> np.ndarray:
        """Map ids through ``derive`` (computed once per distinct id, kept in ``cache``); -1 stays -1."""
        uniq, inv = np.unique(raw_ids, return_inverse=True)
        vals = np.empty(len(uniq), dtype=np.int64)
        for j, r in enumerate(uniq.tolist()):
            if r < 0:
                vals[j] = -1
                continue
            v = cache.get(r)
            if v is None:
                v = cache[r] = derive(r)
            vals[j] = v
        return vals[inv]

    def written_ids(self, raw_ids: np.ndarray) -> np.ndarray:
        """Written-form ids for raw-name ids (computed on first use)."""
        return self._derived_ids(raw_ids, self._written,
                                 lambda r: self._written_pool.add(written_form(self.raw.values[r])))

    def _mother_norm_id(self, r: int) -> int:
        norm = normalize_name(self.mothers.values[r])
        return self._add_name(norm) if len(norm.replace(" ", "")) >= 2 else -1

    def mother_name_ids(self, raw_ids: np.ndarray) -> np.ndarray:
        """Normalised-name ids of mothers' names (-1 when missing or shorter than 2 letters)."""
        return self._derived_ids(raw_ids, self._mother_norm, self._mother_norm_id)


_PATRONYMIC = re.compile(r"\s(?:BIN|BINTI|BT|BN)\s.*$")


def _without_patronymic(norm: str) -> str | None:
    """The name before "BIN"/"BINTI" (and its short forms), or None when there is none."""
    if " B" not in norm:
        return None
    stripped = _PATRONYMIC.sub("", norm)
    return stripped if stripped != norm and stripped else None


def _remap(codes: np.ndarray, mapping: np.ndarray) -> np.ndarray:
    out = np.full(len(codes), -1, dtype=np.int64)
    ok = codes >= 0
    if len(mapping):
        out[ok] = mapping[codes[ok]]
    return out


# --- tables ------------------------------------------------------------------------------------

def _digits16(v) -> int:
    if v is None:
        return -1
    s = v if isinstance(v, str) else str(v)
    return int(s) if len(s) == 16 and s.isdigit() and s.isascii() else -1


def _digits16_array(values: Sequence) -> np.ndarray:
    """16-digit strings -> int64 (-1 for anything else), vectorised."""
    n = len(values)
    try:
        arr = np.array([v if v.__class__ is str else "" for v in values], dtype="S17")
    except UnicodeEncodeError:
        return np.fromiter((_digits16(x) for x in values), dtype=np.int64, count=n)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    b = np.frombuffer(arr.tobytes(), dtype=np.uint8).reshape(n, 17)
    ok = ((b[:, :16] >= 48) & (b[:, :16] <= 57)).all(axis=1) & (b[:, 16] == 0)
    digits = (b[:, :16].astype(np.int64) - 48)
    out = digits @ _POW10
    return np.where(ok, out, -1)


def _dob_int(v) -> int:
    if v is None or v == "":
        return 0
    if isinstance(v, date):
        return v.year * 10000 + v.month * 100 + v.day
    s = str(v)
    try:
        return int(s[0:4]) * 10000 + int(s[5:7]) * 100 + int(s[8:10])
    except ValueError:
        return 0


def _dob_ints(values: Sequence) -> np.ndarray:
    codes, uniques = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=True)
    mapping = np.fromiter((_dob_int(u) for u in uniques), dtype=np.int64, count=len(uniques))
    out = np.zeros(len(codes), dtype=np.int64)
    ok = codes >= 0
    if len(mapping):
        out[ok] = mapping[codes[ok]]
    return out


_SEX = {"L": 1, "P": 2}


def _sex_codes(values: Sequence) -> np.ndarray:
    codes, uniques = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=True)
    mapping = np.fromiter((_SEX.get(str(u).strip().upper()[:1], 0) for u in uniques), dtype=np.int64,
                          count=len(uniques))
    out = np.zeros(len(codes), dtype=np.int8)
    ok = codes >= 0
    if len(mapping):
        out[ok] = mapping[codes[ok]]
    return out


@dataclass
class Table:
    """Columns of one side (civil registry or members). Index = position in input order."""

    n: int
    ids: np.ndarray  # database ids
    nik: np.ndarray  # int64 NIK, -1 when none
    kk: np.ndarray  # int64 No KK, -1 when none
    dob: np.ndarray  # yyyymmdd, 0 when none
    sex: np.ndarray  # 0 unknown, 1 L, 2 P
    name: np.ndarray  # normalised-name id, -1 when none
    raw: np.ndarray  # name-as-written id
    mother: np.ndarray  # mother's name (as written) id
    desa: np.ndarray  # desa id, -1 when none
    flags: list  # nik_flags text (civil: duplicate NIK flag; members: issue codes)
    # members only
    nik_any: np.ndarray | None = None  # the 16 digits written (even when not a valid NIK), -1 none
    nik_clean: np.ndarray | None = None  # True: a valid NIK not damaged by a spreadsheet
    dmg_lo: np.ndarray | None = None  # Excel-damaged NIK: range of NIKs it may have been
    dmg_hi: np.ndarray | None = None
    damaged: np.ndarray | None = None  # NIK went through a spreadsheet number (flag or raw form)
    kk_lo: np.ndarray | None = None  # spreadsheet-damaged No KK: range of KKs it may have been
    kk_hi: np.ndarray | None = None


class TableBuilder:
    """Collects rows in chunks (``CIVIL_COLUMNS`` / ``MEMBER_COLUMNS`` order) into a Table."""

    def __init__(self, vocab: Vocab, kind: str) -> None:
        if kind not in ("civil", "member"):
            raise ValueError(kind)
        self.vocab = vocab
        self.kind = kind
        self.parts: list[dict[str, np.ndarray | list]] = []

    def add(self, rows: Sequence[Sequence]) -> None:
        if not rows:
            return
        cols = list(zip(*rows))
        v = self.vocab
        if self.kind == "civil":
            (ids, nik, kk, nama, norm, dob, sex, ibu, desa, flags) = cols
        else:
            (ids, nik, nik_raw, flags, nama, norm, dob, sex, ibu, kk, desa, kk_flags) = cols
        norm = [n if n is not None else normalize_name(r) for n, r in zip(norm, nama)]
        part: dict[str, np.ndarray | list] = {
            "ids": np.asarray(ids, dtype=np.int64),
            "nik": _digits16_array(nik),
            "kk": _digits16_array(kk),
            "dob": _dob_ints(dob),
            "sex": _sex_codes(sex),
            "name": v.name_ids(norm),
            "raw": v.pool_ids(v.raw, nama),
            "mother": v.pool_ids(v.mothers, ibu),
            "desa": v.desa_ids(desa),
        }
        if self.kind == "civil":
            part["flags"] = [i for i, f in enumerate(flags) if f and "nik_ganda" in f]  # row offsets
        else:
            part["flags"] = list(flags)
            n = len(ids)
            nik_any = part["nik"].copy()
            clean = nik_any >= 0
            damaged = np.zeros(n, dtype=bool)
            lo = np.full(n, -1, dtype=np.int64)
            hi = np.full(n, -1, dtype=np.int64)
            for i in range(n):
                f = flags[i]
                if nik_any[i] >= 0 and not f:
                    continue  # the common case: a valid NIK with no remarks
                dmg = bool(f) and any(c in f for c in NIK_DAMAGE_FLAGS)
                trusted = 16
                if nik_any[i] < 0 and nik_raw[i] is not None:
                    c = clean_id(nik_raw[i])
                    if c.value is not None and len(c.value) == 16 and c.value.isdigit():
                        nik_any[i] = int(c.value)
                        trusted = c.trusted_digits if c.excel_damaged else 16
                        dmg = dmg or c.excel_damaged
                    clean[i] = False
                elif dmg and nik_raw[i] is not None:
                    c = clean_id(nik_raw[i])
                    trusted = c.trusted_digits if c.excel_damaged else 15
                if dmg:
                    clean[i] = False
                    damaged[i] = True
                    trusted = min(trusted, 15)
                    if nik_any[i] >= 0 and trusted >= 6:
                        unit = 10 ** (16 - trusted)
                        # Excel truncates (true in [v, v+unit)), LibreOffice rounds (true in v +- unit/2).
                        lo[i] = nik_any[i] - unit // 2
                        hi[i] = nik_any[i] + unit - 1
            # A spreadsheet-damaged No KK: the NIK rule applied to the KK (trusted digits = digits
            # before the trailing zeros the damage left, at most 15).
            kk_v = part["kk"]
            kk_lo = np.full(n, -1, dtype=np.int64)
            kk_hi = np.full(n, -1, dtype=np.int64)
            for i in range(n):
                f = kk_flags[i]
                if f and "rusak_excel" in f and kk_v[i] >= 0:
                    s = f"{kk_v[i]:016d}"
                    t = min(max(len(s.rstrip("0")), 6), 15)
                    unit = 10 ** (16 - t)
                    kk_lo[i], kk_hi[i] = kk_v[i] - unit // 2, kk_v[i] + unit - 1
            part.update(nik_any=nik_any, nik_clean=clean, damaged=damaged, dmg_lo=lo, dmg_hi=hi, kk_lo=kk_lo,
                        kk_hi=kk_hi)
        self.parts.append(part)

    def finish(self) -> Table:
        if not self.parts:
            empty = np.zeros(0, dtype=np.int64)
            t = Table(0, empty, empty, empty, empty, empty.astype(np.int8), empty, empty, empty, empty, [])
            if self.kind == "member":
                t.nik_any, t.nik_clean, t.damaged = empty, empty.astype(bool), empty.astype(bool)
                t.dmg_lo, t.dmg_hi, t.kk_lo, t.kk_hi = empty, empty, empty, empty
            return t

        def cat(k):
            return np.concatenate([p[k] for p in self.parts])

        n = sum(len(p["ids"]) for p in self.parts)
        if self.kind == "civil":
            flags, off = [], 0
            for p in self.parts:
                flags.extend(off + i for i in p["flags"])
                off += len(p["ids"])
        else:
            flags = [f for p in self.parts for f in p["flags"]]
        t = Table(n, cat("ids"), cat("nik"), cat("kk"), cat("dob"), cat("sex"), cat("name"), cat("raw"),
                  cat("mother"), cat("desa"), flags)
        if self.kind == "member":
            t.nik_any, t.nik_clean, t.damaged = cat("nik_any"), cat("nik_clean"), cat("damaged")
            t.dmg_lo, t.dmg_hi = cat("dmg_lo"), cat("dmg_hi")
            t.kk_lo, t.kk_hi = cat("kk_lo"), cat("kk_hi")
        self.parts = []
        return t


# --- civil-registry index ----------------------------------------------------------------------

class CivilIndex:
    """The civil registry with the sorted arrays that blocking searches."""

    def __init__(self, table: Table, vocab: Vocab) -> None:
        self.t = table
        self.vocab = vocab
        self.n = table.n
        self.dup_nik = np.zeros(table.n, dtype=bool)
        if table.flags:
            self.dup_nik[np.asarray(table.flags, dtype=np.int64)] = True
        # Duplicate NIKs in the extract are also found when the importer did not flag them.
        self.nik_order = np.argsort(table.nik, kind="stable")
        self.nik_sorted = table.nik[self.nik_order]
        if table.n > 1:
            same = self.nik_sorted[1:] == self.nik_sorted[:-1]
            same &= self.nik_sorted[1:] >= 0
            idx = np.flatnonzero(same)
            self.dup_nik[self.nik_order[idx]] = True
            self.dup_nik[self.nik_order[idx + 1]] = True
        self._blocks: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self.key_counts = np.zeros(0, dtype=np.int64)

    def refresh_vocab(self) -> None:
        """Name-key frequencies (term frequency for the name weight), after members were added."""
        key_of = self.vocab.key_of()
        nm = self.t.name
        keys = key_of[nm[nm >= 0]]
        self.key_counts = np.bincount(keys, minlength=len(self.vocab.keys)).astype(np.int64)

    def block(self, kind: str, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Sorted block keys and the civil rows in that order (cached per kind)."""
        hit = self._blocks.get(kind)
        if hit is None:
            valid = keys >= 0
            rows = np.flatnonzero(valid)
            k = keys[rows]
            order = np.argsort(k, kind="stable")
            hit = self._blocks[kind] = (k[order], rows[order])
        return hit

    def drop_blocks(self) -> None:
        self._blocks.clear()


# --- result ------------------------------------------------------------------------------------

@dataclass
class LinkResult:
    """Per member (input order): status, the linked civil row, score and explanations."""

    status: np.ndarray  # int8 index into STATUSES
    civil: np.ndarray  # civil row index linked (accepted or proposed), -1 none
    score: np.ndarray  # float64 total score of that link (or of the best candidate)
    identity: np.ndarray  # identity score (every field except the NIK)
    levels: np.ndarray  # (n, fields) int8 levels of the link / best candidate
    weights: np.ndarray  # (n, fields) float32
    name_sim: np.ndarray  # name similarity 0..1 of the link / best candidate
    notes: list  # per member: list of extra notes (ambiguity, duplicate NIK ...)
    candidates: list  # per member: list of (civil row, score, levels tuple, weights tuple), best first
    base_status: np.ndarray  # status before ganda was assigned
    ganda_of: np.ndarray  # member index of the keeper, -1
    # True: a spreadsheet-damaged NIK whose restoration the machine may accept itself
    # (``MatchParams.pulih_otomatis``; see :func:`_restorable`). Only meaningful while the
    # final status (after ganda) is still usulan_koreksi.
    restore: np.ndarray | None = None
    counts: dict = field(default_factory=dict)


# --- comparison --------------------------------------------------------------------------------

class _Comparator:
    def __init__(self, members: Table, civil: CivilIndex, params: S.MatchParams) -> None:
        self.m = members
        self.c = civil
        self.p = params
        self.vocab = civil.vocab
        self.key_of = self.vocab.key_of()
        self.name_len = self.vocab.name_len()
        self.kec_of = self.vocab.desa_kec()
        self.lw = {f: np.asarray(w, dtype=np.float64) for f, w in S.level_weights().items()}
        self.n_civil = max(civil.n, 1)

    def _similarity(self, a_ids: np.ndarray, b_ids: np.ndarray, raw_pairs=None) -> np.ndarray:
        """max(ratio of normalised names, ratio of sorted keys) in 0..1, on distinct id pairs."""
        if len(a_ids) == 0:
            return np.zeros(0)
        pair = a_ids.astype(np.int64) * (1 << 31) + b_ids.astype(np.int64)
        uniq, inv = np.unique(pair, return_inverse=True)
        ua, ub = (uniq >> 31), (uniq & ((1 << 31) - 1))
        names = self.vocab.names.values
        keys = self.vocab.keys.values
        ka, kb = self.key_of[ua], self.key_of[ub]
        qa = [names[i] for i in ua.tolist()]
        qb = [names[i] for i in ub.tolist()]
        s1 = process.cpdist(qa, qb, scorer=fuzz.ratio, workers=-1)
        s2 = process.cpdist([keys[i] for i in ka.tolist()], [keys[i] for i in kb.tolist()], scorer=fuzz.ratio,
                            workers=-1)
        sim = np.maximum(s1, s2)
        # A patronymic written on one side only ("SULAIMAN BIN AHMAD" / "SULAIMAN"), common in Aceh,
        # Sumatra and Kalimantan: compare the names without it as well.
        stripped = {i: _without_patronymic(names[i]) for i in np.unique(np.concatenate([ua, ub])).tolist()}
        pa = [stripped[i] for i in ua.tolist()]
        pb = [stripped[i] for i in ub.tolist()]
        has = np.fromiter(((x is not None) or (y is not None) for x, y in zip(pa, pb)), dtype=bool, count=len(pa))
        if has.any():
            k = np.flatnonzero(has)
            s4 = process.cpdist([pa[i] or qa[i] for i in k.tolist()], [pb[i] or qb[i] for i in k.tolist()],
                                scorer=fuzz.ratio, workers=-1)
            sim[k] = np.maximum(sim[k], s4)
        if raw_pairs is not None:
            # The names as written: old spellings that the normalisation cannot undo (ADITJA = ADITYA,
            # where TJ -> C would give ADICA).
            ra, rb = raw_pairs
            rpair = ra.astype(np.int64) * (1 << 31) + rb.astype(np.int64)
            ru, rinv = np.unique(rpair, return_inverse=True)
            wa = [written_form(self.vocab.raw.values[i]) for i in (ru >> 31).tolist()]
            wb = [written_form(self.vocab.raw.values[i]) for i in (ru & ((1 << 31) - 1)).tolist()]
            s3 = process.cpdist(wa, wb, scorer=fuzz.ratio, workers=-1)[rinv]
            return np.maximum(sim[inv], s3) / 100.0
        return (sim / 100.0)[inv]

    def compare(self, mi: np.ndarray, ci: np.ndarray, with_nik: bool = True):
        """Levels (n, fields) int8, weights (n, fields), name similarity, for pairs (mi[k], ci[k])."""
        m, c, p = self.m, self.c.t, self.p
        n = len(mi)
        lv = np.zeros((n, _NF), dtype=np.int8)
        sim = np.zeros(n)

        # Name.
        a, b = m.name[mi], c.name[ci]
        ok = (a >= 0) & (b >= 0)
        ok[ok] = (self.name_len[a[ok]] >= 2) & (self.name_len[b[ok]] >= 2)
        eq = ok & (a == b)
        lvl = np.zeros(n, dtype=np.int8)
        if eq.any():
            wa = self.vocab.written_ids(m.raw[mi[eq]])
            wb = self.vocab.written_ids(c.raw[ci[eq]])
            lvl[eq] = np.where(wa == wb, 1, 2)
            sim[eq] = 1.0
        ka = np.where(ok, self.key_of[np.maximum(a, 0)], -1)
        kb = np.where(ok, self.key_of[np.maximum(b, 0)], -2)
        order = ok & ~eq & (ka == kb)
        lvl[order] = 3
        sim[order] = 1.0
        rest = ok & ~eq & ~order
        if rest.any():
            s = self._similarity(a[rest], b[rest], (m.raw[mi[rest]], c.raw[ci[rest]]))
            sim[rest] = s
            lvl[rest] = np.where(s >= p.nama_mirip_tinggi, 4, np.where(s >= p.nama_mirip, 5, 6))
        lv[:, _F["nama"]] = lvl

        # Birth date.
        da, db = m.dob[mi], c.dob[ci]
        ok = (da > 0) & (db > 0)
        ya, ma, dda = da // 10000, da // 100 % 100, da % 100
        yb, mb, ddb = db // 10000, db // 100 % 100, db % 100
        same_parts = (ya == yb).astype(np.int8) + (ma == mb) + (dda == ddb)
        swap = (ya == yb) & (ma == ddb) & (dda == mb) & (ma != dda)
        lvl = np.where(da == db, 1, np.where(swap, 2, np.where(same_parts == 2, 3, np.where(ya == yb, 4, 5))))
        lv[:, _F["tanggal_lahir"]] = np.where(ok, lvl, 0)

        # Sex.
        sa, sb = m.sex[mi], c.sex[ci]
        lv[:, _F["jenis_kelamin"]] = np.where((sa > 0) & (sb > 0), np.where(sa == sb, 1, 2), 0)

        # Mother's name.
        ia = self.vocab.mother_name_ids(m.mother[mi])
        ib = self.vocab.mother_name_ids(c.mother[ci])
        if len(self.key_of) < len(self.vocab.names):  # mothers' names added to the vocabulary
            self.key_of = self.vocab.key_of()
            self.name_len = self.vocab.name_len()
        ok = (ia >= 0) & (ib >= 0)
        lvl = np.zeros(n, dtype=np.int8)
        same = ok & ((ia == ib) | (self.key_of[np.maximum(ia, 0)] == self.key_of[np.maximum(ib, 0)]))
        lvl[same] = 1
        rest = ok & ~same
        if rest.any():
            s = self._similarity(ia[rest], ib[rest])
            lvl[rest] = np.where(s >= p.ibu_mirip, 2, 3)
        lv[:, _F["nama_ibu"]] = lvl

        # No KK (a spreadsheet-damaged KK differs in the last digit(s) only).
        ka, kb = m.kk[mi], c.kk[ci]
        ok = (ka >= 0) & (kb >= 0)
        lo, hi = m.kk_lo[mi], m.kk_hi[mi]
        in_range = (lo >= 0) & (kb >= lo) & (kb <= hi)
        wide = (hi - lo) > 100  # fewer than 14 trusted digits: agreement proves little
        lvl = np.where(ka == kb, 1, np.where(in_range, np.where(wide, 0, 2), np.where(np.abs(ka - kb) <= 9, 2, 3)))
        lv[:, _F["no_kk"]] = np.where(ok, lvl, 0)

        # Desa / kecamatan.
        xa, xb = m.desa[mi], c.desa[ci]
        ok = (xa >= 0) & (xb >= 0)
        kec_a = self.kec_of[np.maximum(xa, 0)] if len(self.kec_of) else xa
        kec_b = self.kec_of[np.maximum(xb, 0)] if len(self.kec_of) else xb
        lv[:, _F["desa"]] = np.where(ok, np.where(xa == xb, 1, np.where(kec_a == kec_b, 2, 3)), 0)

        # NIK relation.
        if with_nik:
            lv[:, _F["nik"]] = self.nik_levels(mi, ci)
        else:
            lv[:, _F["nik"]] = 1

        w = self.weights(lv, ci)
        return lv, w, sim

    def nik_levels(self, mi: np.ndarray, ci: np.ndarray) -> np.ndarray:
        m = self.m
        a = m.nik_any[mi]
        b = self.c.t.nik[ci]
        n = len(mi)
        out = np.zeros(n, dtype=np.int8)
        has = (a >= 0) & (b >= 0)
        out[has] = 5
        clean = m.nik_clean[mi]
        out[has & (a == b) & clean] = 1
        dmg = has & m.damaged[mi] & (b >= m.dmg_lo[mi]) & (b <= m.dmg_hi[mi]) & (m.dmg_lo[mi] >= 0)
        wide = (m.dmg_hi[mi] - m.dmg_lo[mi]) > 100  # fewer than 14 trusted digits
        out[dmg] = np.where(wide[dmg], 0, 4)
        # A NIK that ends in 0 and differs only in the last digit(s) within the spreadsheet range:
        # damage the file did not show (digits written as text after the spreadsheet).
        zero = has & (out == 5) & (a % 10 == 0) & (b - a >= -5) & (b - a <= 9)
        out[zero] = 4
        rest = np.flatnonzero(has & (out == 5))
        if len(rest):
            da = (a[rest, None] // _POW10[None, :]) % 10
            db = (b[rest, None] // _POW10[None, :]) % 10
            diff = da != db
            nd = diff.sum(axis=1)
            out[rest[nd == 1]] = 2
            two = np.flatnonzero(nd == 2)
            if len(two):
                dd = diff[two]
                pos = np.argmax(dd, axis=1)
                adj = (pos < 15) & dd[np.arange(len(two)), np.minimum(pos + 1, 15)]
                r = two[adj]
                pr = pos[adj]
                swap = (da[r, pr] == db[r, pr + 1]) & (da[r, pr + 1] == db[r, pr])
                out[rest[r[swap]]] = 3
            # same value but not a clean NIK (e.g. an invalid day digit typed twice): a near match
            out[rest[nd == 0]] = 2
        return out

    def weights(self, lv: np.ndarray, ci: np.ndarray) -> np.ndarray:
        w = np.zeros(lv.shape, dtype=np.float64)
        for f in S.FIELDS:
            j = _F[f]
            w[:, j] = self.lw[f][lv[:, j]]
        # A move gives a new KK: a different KK says nothing more once the desa differs.
        moved = (lv[:, _F["desa"]] >= 2) & (lv[:, _F["no_kk"]] == 3)
        w[moved, _F["no_kk"]] = 0.0
        # Term frequency for agreeing names: u = share of civil persons with the same name key.
        j = _F["nama"]
        tf_rows = np.flatnonzero((lv[:, j] >= 1) & (lv[:, j] <= 3))
        if len(tf_rows):
            keys = self.key_of[self.c.t.name[ci[tf_rows]]]
            cnt = self.c.key_counts[keys] if len(self.c.key_counts) else np.zeros(len(keys))
            u = np.clip(cnt / self.n_civil, S.NAME_TF_FLOOR, S.NAME_TF_CEIL)
            w[tf_rows, j] -= np.log2(u)
        return w


def _identity(w: np.ndarray) -> np.ndarray:
    return w.sum(axis=1) - w[:, _F["nik"]]


def _plausible(lv: np.ndarray) -> np.ndarray:
    """Name and birth date that one person can plausibly have in two registers."""
    nm = lv[:, _F["nama"]]
    dob = lv[:, _F["tanggal_lahir"]]
    sex = lv[:, _F["jenis_kelamin"]]
    kk = lv[:, _F["no_kk"]]
    name_ok = (nm >= 1) & (nm <= 5)
    # A one-letter or missing name: only with the exact birth date, the same sex and the same KK.
    name_ok |= (nm == 0) & (dob == 1) & (sex != 2) & ((kk == 1) | (kk == 2))
    dob_ok = (dob <= 3) | ((dob == 4) & (nm >= 1) & (nm <= 4))
    # A completely different birth date only with an exact name.
    dob_ok |= (dob == 5) & (nm >= 1) & (nm <= 2) & ((kk == 1) | (lv[:, _F["nama_ibu"]] == 1))
    return name_ok & dob_ok & (sex != 2)


def _all_agree(lv: np.ndarray) -> np.ndarray:
    return ((lv[:, _F["nama"]] == 1) & (lv[:, _F["tanggal_lahir"]] == 1) & (lv[:, _F["jenis_kelamin"]] == 1)
            & (lv[:, _F["nama_ibu"]] <= 1) & (lv[:, _F["no_kk"]] <= 1) & (lv[:, _F["desa"]] <= 1))


# --- blocking ----------------------------------------------------------------------------------

def _expand(qkeys: np.ndarray, qrows: np.ndarray, skeys: np.ndarray, srows: np.ndarray, cap: int,
            hi_keys: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (query row, civil row) whose keys are equal (or within [qkeys, hi_keys])."""
    lo = np.searchsorted(skeys, qkeys, side="left")
    hi = np.searchsorted(skeys, qkeys if hi_keys is None else hi_keys, side="right")
    cnt = hi - lo
    ok = (cnt > 0) & (cnt <= cap)
    lo, cnt, q = lo[ok], cnt[ok], qrows[ok]
    total = int(cnt.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    rep_q = np.repeat(q, cnt)
    starts = np.repeat(lo - (np.cumsum(cnt) - cnt), cnt)
    return rep_q, srows[starts + np.arange(total)]


def _pack(a: np.ndarray, b: np.ndarray, valid: np.ndarray) -> np.ndarray:
    return np.where(valid, (a.astype(np.int64) << _BITS) | b.astype(np.int64), -1)


class _Blocker:
    def __init__(self, members: Table, civil: CivilIndex, params: S.MatchParams) -> None:
        self.m, self.c, self.p = members, civil, params
        vocab = civil.vocab
        # Mothers' names (normalised) first: they extend the vocabulary.
        self.cmother = vocab.mother_name_ids(civil.t.mother)
        self.mmother = vocab.mother_name_ids(members.mother)
        key_of = vocab.key_of()
        nlen = vocab.name_len()

        def keys(t: Table) -> np.ndarray:
            ok = t.name >= 0
            k = np.full(t.n, -1, dtype=np.int64)
            k[ok] = np.where(nlen[t.name[ok]] >= 2, key_of[t.name[ok]], -1)
            return k

        self.mkey, self.ckey = keys(members), keys(civil.t)
        self.cmkey = np.where(self.cmother >= 0, key_of[np.maximum(self.cmother, 0)], -1)
        self.mmkey = np.where(self.mmother >= 0, key_of[np.maximum(self.mmother, 0)], -1)
        # No KK without its last digit (a spreadsheet-damaged KK keeps the first 15), as dense ids.
        mk = np.where(members.kk >= 0, members.kk // 10, -1)
        ck = np.where(civil.t.kk >= 0, civil.t.kk // 10, -1)
        allk = np.concatenate([ck, mk])
        uniq, inv = np.unique(allk, return_inverse=True)
        inv = np.where(allk >= 0, inv, -1)
        self.ckk, self.mkk = inv[: civil.n], inv[civil.n:]

    def _civ_keys(self, kind: str) -> np.ndarray:
        c = self.c.t
        year = np.clip(c.dob // 10000 - 1880, 0, 255)
        if kind == "key_dob":
            return _pack(self.ckey, c.dob, (self.ckey >= 0) & (c.dob > 0))
        if kind == "kk_dob":
            return _pack(self.ckk, c.dob, (self.ckk >= 0) & (c.dob > 0))
        if kind == "desa_year_key":
            return _pack((c.desa << 8) | year, self.ckey, (c.desa >= 0) & (c.dob > 0) & (self.ckey >= 0))
        if kind == "desa_dob":
            return _pack(c.desa, c.dob, (c.desa >= 0) & (c.dob > 0))
        if kind == "kk_key":
            return _pack(self.ckk, self.ckey, (self.ckk >= 0) & (self.ckey >= 0))
        if kind == "desa_key":
            return _pack(c.desa, self.ckey, (c.desa >= 0) & (self.ckey >= 0))
        if kind == "mother_dob":
            return _pack(self.cmkey, c.dob, (self.cmkey >= 0) & (c.dob > 0))
        raise KeyError(kind)

    def _mem_keys(self, kind: str, rows: np.ndarray) -> np.ndarray:
        m = self.m
        dob, desa, key, kk = m.dob[rows], m.desa[rows], self.mkey[rows], self.mkk[rows]
        year = np.clip(dob // 10000 - 1880, 0, 255)
        if kind == "key_dob":
            return _pack(key, dob, (key >= 0) & (dob > 0))
        if kind == "kk_dob":
            return _pack(kk, dob, (kk >= 0) & (dob > 0))
        if kind == "desa_year_key":
            return _pack((desa << 8) | year, key, (desa >= 0) & (dob > 0) & (key >= 0))
        if kind == "desa_dob":
            return _pack(desa, dob, (desa >= 0) & (dob > 0))
        if kind == "kk_key":
            return _pack(kk, key, (kk >= 0) & (key >= 0))
        if kind == "desa_key":
            return _pack(desa, key, (desa >= 0) & (key >= 0))
        if kind == "mother_dob":
            mk = self.mmkey[rows]
            return _pack(mk, dob, (mk >= 0) & (dob > 0))
        raise KeyError(kind)

    BLOCKS = ("key_dob", "kk_dob", "desa_year_key", "desa_dob", "kk_key", "desa_key", "mother_dob")

    def pairs(self, rows: np.ndarray, cancel: CancelFlag | None = None) -> tuple[np.ndarray, np.ndarray]:
        out_m, out_c = [], []
        cap = self.p.maks_blok
        for kind in self.BLOCKS:
            check_cancel(cancel)
            sk, sr = self.c.block(kind, self._civ_keys(kind))
            q = self._mem_keys(kind, rows)
            ok = q >= 0
            a, b = _expand(q[ok], rows[ok], sk, sr, cap)
            self.c.drop_blocks()  # one block at a time: 3,000,000 persons x 16 bytes each
            out_m.append(a)
            out_c.append(b)
        m = self.m
        # NIK within one substituted or swapped digit.
        has = rows[m.nik_any[rows] >= 0]
        for chunk in range(0, len(has), 20000):
            check_cancel(cancel)
            r = has[chunk: chunk + 20000]
            v = m.nik_any[r]
            digits = (v[:, None] // _POW10[None, :]) % 10  # (n, 16)
            variants = []
            for k in range(16):
                for e in range(10):
                    variants.append(v + (e - digits[:, k]) * _POW10[k])
            for k in range(15):
                d1, d2 = digits[:, k], digits[:, k + 1]
                variants.append(v + (d2 - d1) * _POW10[k] + (d1 - d2) * _POW10[k + 1])
            var = np.stack(variants, axis=1)  # (n, 175)
            qrows = np.repeat(r, var.shape[1])
            qv = var.ravel()
            keep = qv != np.repeat(v, var.shape[1])
            a, b = _expand(qv[keep], qrows[keep], self.c.nik_sorted, self.c.nik_order, 10)
            out_m.append(a)
            out_c.append(b)
        # The trusted digits of a spreadsheet-damaged NIK (a short numeric range), and a NIK that
        # ends in 0 and was not found (damage the file did not show).
        nik_any = m.nik_any[rows]
        dmg = rows[(m.dmg_lo[rows] >= 0) & (m.dmg_hi[rows] - m.dmg_lo[rows] < 10 ** 4)]
        zero = rows[(nik_any >= 0) & (nik_any % 10 == 0) & (m.dmg_lo[rows] < 0)]
        if len(dmg):
            a, b = _expand(m.dmg_lo[dmg], dmg, self.c.nik_sorted, self.c.nik_order, cap, hi_keys=m.dmg_hi[dmg])
            out_m.append(a)
            out_c.append(b)
        if len(zero):
            v = m.nik_any[zero]
            a, b = _expand(v - 5, zero, self.c.nik_sorted, self.c.nik_order, cap, hi_keys=v + 9)
            out_m.append(a)
            out_c.append(b)
        a = np.concatenate(out_m) if out_m else np.zeros(0, dtype=np.int64)
        b = np.concatenate(out_c) if out_c else np.zeros(0, dtype=np.int64)
        return a, b


def _unique_pairs(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if len(a) == 0:
        return a, b
    key = a.astype(np.int64) * (1 << 32) + b.astype(np.int64)
    u = np.unique(key)
    return u >> 32, u & 0xFFFFFFFF


# --- linkage -----------------------------------------------------------------------------------

def link(members: Table, civil: CivilIndex, params: S.MatchParams | None = None, *,
         progress: Progress | None = None, cancel: CancelFlag | None = None) -> LinkResult:
    """Link every member to at most one civil-registry person. Pure; no ganda yet (see assign_ganda)."""
    p = params or S.DEFAULTS
    say = progress or (lambda d, t, x="": None)
    n = members.n
    civil.refresh_vocab()
    comp = _Comparator(members, civil, p)

    status = np.full(n, TIDAK_PADAN, dtype=np.int8)
    link_c = np.full(n, -1, dtype=np.int64)
    score = np.zeros(n)
    ident = np.zeros(n)
    levels = np.zeros((n, _NF), dtype=np.int8)
    weights = np.zeros((n, _NF), dtype=np.float32)
    name_sim = np.zeros(n)
    notes: list = [None] * n
    cands: list = [None] * n
    restore = np.zeros(n, dtype=bool)

    # Phase 1: exact NIK.
    say(0, 100, "Mencocokkan NIK")
    check_cancel(cancel)
    rows = np.flatnonzero(members.nik_clean)
    mi, ci = _expand(members.nik[rows], rows, civil.nik_sorted, civil.nik_order, 10)
    check_cancel(cancel)
    lv, w, sim = comp.compare(mi, ci, with_nik=False)
    idn = _identity(w)
    accept = _plausible(lv) & (idn >= p.ambang_terima)
    # Best holder per member: accepted first, then the identity score.
    order = np.lexsort((ci, -idn, ~accept, mi))
    mi_o = mi[order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = mi_o[1:] != mi_o[:-1]
    best = order[first]
    clean_rows = mi[best][accept[best]]
    bsel = best[accept[best]]
    link_c[clean_rows] = ci[bsel]
    ident[clean_rows] = idn[bsel]
    score[clean_rows] = w[bsel].sum(axis=1)
    levels[clean_rows] = lv[bsel]
    weights[clean_rows] = w[bsel]
    name_sim[clean_rows] = sim[bsel]
    agree = _all_agree(lv[bsel]) & ~civil.dup_nik[ci[bsel]]
    status[clean_rows] = np.where(agree, PADAN, PADAN_CATATAN)
    for r, c in zip(clean_rows[civil.dup_nik[ci[bsel]]].tolist(), ci[bsel][civil.dup_nik[ci[bsel]]].tolist()):
        notes[r] = ["NIK ini tercatat lebih dari sekali di data Dukcapil (NIK ganda); dipilih yang identitasnya cocok"]
    say(40, 100, "Mencari calon untuk NIK yang tidak padan")

    # Phase 2: every member without an accepted NIK holder.
    is_clean = np.zeros(n, dtype=bool)
    is_clean[clean_rows] = True
    holder_of = np.zeros(n, dtype=bool)
    holder_of[mi] = True  # member's NIK exists in the civil registry
    rest = np.flatnonzero(~is_clean)
    if len(rest):
        blocker = _Blocker(members, civil, p)
        a, b = blocker.pairs(rest, cancel)
        # Holders of the member's own NIK stay candidates.
        keep = ~is_clean[mi]
        a = np.concatenate([a, mi[keep]])
        b = np.concatenate([b, ci[keep]])
        a, b = _unique_pairs(a, b)
        civil.drop_blocks()
        check_cancel(cancel)
        say(60, 100, "Membandingkan calon")
        lv2, w2, sim2 = comp.compare(a, b, with_nik=True)
        # A member whose own NIK belongs to somebody else: a different NIK on the other
        # candidates is expected and carries no weight.
        other = members.nik_clean[a] & holder_of[a] & (lv2[:, _F["nik"]] == 5)
        w2[other, _F["nik"]] = 0.0
        tot = w2.sum(axis=1)
        plaus = _plausible(lv2)
        # Ranking per member: plausible first, then score, then civil row (deterministic).
        order = np.lexsort((b, -tot, ~plaus, a))
        a_o = a[order]
        starts = np.flatnonzero(np.r_[True, a_o[1:] != a_o[:-1]]) if len(a_o) else np.zeros(0, dtype=np.int64)
        ends = np.r_[starts[1:], len(order)]
        check_cancel(cancel)
        say(80, 100, "Menentukan status")
        maxc = max(p.maks_kandidat, 1)
        w2r = np.round(w2, 2)
        totr = np.round(tot, 2)
        for s, e in zip(starts.tolist(), ends.tolist()):
            r = int(a_o[s])
            idxs = order[s:e]
            top = idxs[:maxc]
            cands[r] = [(int(b[k]), float(totr[k]), lv2[k].tolist(), w2r[k].tolist()) for k in top.tolist()]
            k0 = int(idxs[0])
            own_nik = bool(holder_of[r]) and bool(members.nik_clean[r])
            best_ok = bool(plaus[k0]) and tot[k0] >= p.ambang_usulan
            best_is_holder = lv2[k0, _F["nik"]] == 1
            chosen = k0
            note: list[str] = []
            if own_nik:
                holders = idxs[lv2[idxs, _F["nik"]] == 1]
                h0 = int(holders[0]) if len(holders) else k0
                h_ident = float(tot[h0] - w2[h0, _F["nik"]])
                if best_ok and not best_is_holder:
                    st = NIK_ORANG_LAIN
                    note.append("NIK di DTKS tercatat di Dukcapil atas nama orang lain; diusulkan NIK yang cocok")
                elif h_ident > p.ambang_orang_lain:
                    # Not clearly somebody else, not clearly the same person: the clerk decides.
                    st = USULAN_KOREKSI
                    chosen = k0 = h0
                    best_ok = True
                    note.append("NIK ditemukan, tetapi identitasnya kurang cocok; mohon diperiksa")
                else:
                    st = NIK_ORANG_LAIN
                    chosen = h0
                    note.append("NIK di DTKS tercatat di Dukcapil atas nama orang lain; tidak ada calon yang cocok")
            elif best_ok:
                st = USULAN_KOREKSI
            else:
                st = TIDAK_PADAN
            if st in (USULAN_KOREKSI, NIK_ORANG_LAIN) and best_ok and chosen == k0:
                link_c[r] = int(b[k0])
                margin = math.inf
                if len(idxs) > 1:
                    k1 = int(idxs[1])
                    if plaus[k1] and tot[k1] >= p.ambang_usulan:
                        margin = float(tot[k0] - tot[k1])
                        if margin < p.selisih_usulan:
                            note.append("Ada calon lain yang hampir sama cocoknya; periksa semua calon")
                if st == USULAN_KOREKSI and not own_nik and p.pulih_otomatis:
                    restore[r] = _restorable(members, civil, p, r, int(b[k0]), lv2[k0], float(tot[k0]),
                                             float(w2[k0, _F["nik"]]), margin)
            status[r] = st
            levels[r] = lv2[chosen]
            weights[r] = w2[chosen]
            score[r] = tot[chosen]
            ident[r] = tot[chosen] - w2[chosen, _F["nik"]]
            name_sim[r] = sim2[chosen]
            if civil.dup_nik[int(b[chosen])] and link_c[r] >= 0:
                note.append("NIK ini tercatat lebih dari sekali di data Dukcapil (NIK ganda)")
            if note:
                notes[r] = (notes[r] or []) + note
    say(100, 100, "Selesai")
    res = LinkResult(status=status, civil=link_c, score=score, identity=ident, levels=levels, weights=weights,
                     name_sim=name_sim, notes=notes, candidates=cands, base_status=status.copy(),
                     ganda_of=np.full(n, -1, dtype=np.int64), restore=restore)
    return res


def _restorable(members: Table, civil: CivilIndex, p: S.MatchParams, r: int, c: int, lv: np.ndarray,
                total: float, weights_nik: float, margin: float) -> bool:
    """May the machine itself restore member ``r``'s spreadsheet-damaged NIK to civil person ``c``'s?

    Only a mechanical loss of digits, never a judgement: the member's NIK went through a
    spreadsheet number (flag or raw form) and the value that is left still covers the candidate's
    NIK (the damage range of the trusted digits), or the NIK ends in 0 and differs from the
    candidate's only in the last digit (level ``excel``); the member's own NIK is nobody's in the
    extract (checked by the caller); the candidate holds its NIK once in the extract; no other
    plausible candidate comes within twice ``selisih_usulan``; the score reaches ``ambang_pulih``.
    With 15 trusted digits the candidate must then pass what an intact NIK's holder passes to be
    accepted, with a name at least 90 % alike (twins share everything else); with fewer, the normalised name, birth date, sex and desa must agree exactly and the
    No KK and the mother's name must not disagree.
    """
    if civil.dup_nik[c]:
        return False
    nik = civil.t.nik[c]
    in_range = bool(members.damaged[r]) and 0 <= members.dmg_lo[r] <= nik <= members.dmg_hi[r]
    # Level "excel" also covers the damage a file did not show: a NIK written as text that ends in
    # 0 (often serial 0000, which no NIK has) and differs from the candidate's only in its last digit.
    if not (in_range or lv[_F["nik"]] == 4):
        return False
    if total < p.ambang_pulih or margin < 2 * p.selisih_usulan:
        return False
    name, dob, sex = lv[_F["nama"]], lv[_F["tanggal_lahir"]], lv[_F["jenis_kelamin"]]
    kk, mother, desa = lv[_F["no_kk"]], lv[_F["nama_ibu"]], lv[_F["desa"]]
    if lv[_F["nik"]] == 4:
        # 15 trusted digits: at most ten persons share them, all born the same day in the same
        # kecamatan, so this is finding the NIK with its last digit unread. Accept as the holder
        # of an intact NIK would be accepted (padan / padan_catatan: plausible for one person,
        # identity score at least ambang_terima), with the same sex.
        # The name must say something (at least "mirip90"): twins share the first 15 digits,
        # the birth date, the KK and the mother, and often have names 80 % alike.
        ident = total - float(weights_nik)
        return bool(_plausible(lv[None, :])[0] and ident >= p.ambang_terima and sex == 1 and 1 <= name <= 4)
    # Fewer trusted digits: only the kecamatan or less is left of the NIK. Name (as normalised),
    # birth date, sex and desa must agree exactly, and No KK and mother's name must not disagree
    # (they are often missing or damaged too); ambang_pulih keeps common names out.
    family_ok = kk in (0, 1, 2) and mother in (0, 1)
    return bool(name in (1, 2) and dob == 1 and sex == 1 and desa == 1 and family_ok)


def assign_ganda(keys: np.ndarray, status: np.ndarray, score: np.ndarray, member_ids: np.ndarray,
                 fixed: np.ndarray | None = None) -> np.ndarray:
    """Keeper per civil person linked by several members; returns keeper position or -1 per row.

    ``keys``: the civil person each row links to (-1 none); ``status``: base status codes;
    ``fixed``: rows decided by a clerk (accepted) keep the link whatever their score.
    Rows other than the keeper of their group are ``ganda`` of the keeper.
    """
    n = len(keys)
    out = np.full(n, -1, dtype=np.int64)
    linked = np.flatnonzero(keys >= 0)
    if len(linked) < 2:
        return out
    k = keys[linked]
    srt = np.argsort(k, kind="stable")
    ks = k[srt]
    dup = np.r_[ks[1:] == ks[:-1], False] | np.r_[False, ks[1:] == ks[:-1]]
    if not dup.any():
        return out
    rank = np.array([_STATUS_RANK.get(int(s), 9) for s in status[linked]])
    fx = fixed[linked] if fixed is not None else np.zeros(len(linked), dtype=bool)
    rows = linked[srt[dup]]
    group = ks[dup]
    r_rank = rank[srt[dup]]
    r_fixed = fx[srt[dup]]
    order = np.lexsort((member_ids[rows], -score[rows], r_rank, ~r_fixed, group))
    rows, group = rows[order], group[order]
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    keeper = np.repeat(rows[starts], np.diff(np.r_[starts, len(rows)]))
    out[rows] = np.where(rows == keeper, -1, keeper)
    return out


def priority_of(status: str, damaged: bool) -> int:
    """Review-queue order (0 first): Excel-damaged corrections, other corrections, ..."""
    if status == "usulan_koreksi":
        return 0 if damaged else 1
    return {"nik_orang_lain": 2, "ganda": 3, "tidak_padan": 4, "padan_catatan": 8, "padan": 9}.get(status, 9)


# --- explanations ------------------------------------------------------------------------------

def _fmt_date(d) -> str:
    if d is None or d == "" or d == 0:
        return "-"
    if isinstance(d, (int, np.integer)):
        d = int(d)
        return f"{d % 100:02d}-{d // 100 % 100:02d}-{d // 10000:04d}"
    if isinstance(d, date):
        return d.strftime("%d-%m-%Y")
    return str(d)


_MUHAMMAD_WORDS = frozenset({"M", "MOH", "MUH", "MOCH", "MUCH", "MHD", "MOHAMAD", "MOHAMMAD", "MUHAMAD",
                             "MOCHAMMAD", "MOCHAMAD", "MUHAMMAT", "MUHAMMAD", "MOHAMMED", "MOKHAMAD", "MUKHAMAD",
                             "MOCHAMED", "MUHAMMED", "MOHAMMAT", "MUCHAMMAD", "MUCHAMAD"})


def _name_difference(a: str, b: str) -> str:
    """What kind of writing difference two names with the same normalised form have."""
    from dtks_desktop.domain.names import modernize_spelling

    wa, wb = set(written_form(a).split()), set(written_form(b).split())
    only = (wa - wb) | (wb - wa)
    kinds = []
    if any(w in _MUHAMMAD_WORDS for w in only):
        kinds.append("singkatan/penulisan Muhammad")
    if any(modernize_spelling(w) != w for w in only if w not in _MUHAMMAD_WORDS):
        kinds.append("ejaan lama")
    titles = {"H", "HJ", "HAJI", "HAJAH", "DRS", "DRA", "DR", "IR", "KH", "NY", "PROF", "BPK", "IBU", "ALM",
              "ALMH", "SPD", "SE", "SH", "SAG", "SKOM", "SPDI", "AMD", "ST", "MPD", "S", "PD", "AG", "KOM"}
    if any(w in titles for w in only):
        kinds.append("gelar")
    return ", ".join(kinds) or "penulisan"


_CONSTANT_NOTES = {
    ("nik", "kosong"): "NIK: tidak ada NIK yang sah di DTKS",
    ("nik", "sama"): "NIK: sama",
    ("nama", "kosong"): "Nama: terlalu pendek (satu huruf) atau kosong, tidak dapat dibandingkan",
    ("nama", "sama"): "Nama: sama",
    ("tanggal_lahir", "sama"): "Tanggal lahir: sama",
    ("jenis_kelamin", "kosong"): "Jenis kelamin: tidak tercatat di salah satu data",
    ("jenis_kelamin", "sama"): "Jenis kelamin: sama",
    ("nama_ibu", "kosong"): "Nama ibu kandung: kosong di salah satu data",
    ("nama_ibu", "sama"): "Nama ibu kandung: sama",
    ("no_kk", "kosong"): "No KK: kosong di salah satu data",
    ("no_kk", "sama"): "No KK: sama",
    ("desa", "kosong"): "Desa: tidak tercatat di salah satu data",
    ("desa", "sama"): "Desa: sama",
}
_VALUE_NOTES = {
    ("nik", "satu_digit"): "NIK: beda satu digit ({a} ↔ {b})",
    ("nik", "tukar"): "NIK: dua digit bertukar ({a} ↔ {b})",
    ("nik", "excel"): "NIK: rusak oleh Excel; digit yang dapat dipercaya cocok ({a} ↔ {b})",
    ("nik", "beda"): "NIK: berbeda ({a} ↔ {b})",
    ("nama", "urutan"): "Nama: urutan kata berbeda ({a} ↔ {b})",
    ("nama", "mirip90"): "Nama: beda ejaan/salah ketik ({a} ↔ {b}{pct})",
    ("nama", "mirip80"): "Nama: agak mirip ({a} ↔ {b}{pct})",
    ("nama", "beda"): "Nama: berbeda ({a} ↔ {b})",
    ("tanggal_lahir", "tukar"): "Tanggal lahir: hari dan bulan tertukar ({a} ↔ {b})",
    ("tanggal_lahir", "tahun_sama"): "Tanggal lahir: hanya tahunnya sama ({a} ↔ {b})",
    ("tanggal_lahir", "beda"): "Tanggal lahir: berbeda ({a} ↔ {b})",
    ("nama_ibu", "mirip"): "Nama ibu kandung: mirip ({a} ↔ {b})",
    ("nama_ibu", "beda"): "Nama ibu kandung: berbeda ({a} ↔ {b})",
    ("no_kk", "sama_14"): "No KK: sama kecuali digit terakhir (rusak oleh Excel?) ({a} ↔ {b})",
    ("no_kk", "beda"): "No KK: berbeda, di Dukcapil sudah KK lain ({a} ↔ {b})",
}
_SEX_LABEL = {"L": "laki-laki", "P": "perempuan", 1: "laki-laki", 2: "perempuan"}


def field_note(f: str, level: str, m_val, c_val, *, sim: float | None = None,
               region_name: Callable[[str], str | None] | None = None) -> str:
    """Indonesian explanation of one field comparison (``m_val`` DTKS, ``c_val`` Dukcapil)."""
    const = _CONSTANT_NOTES.get((f, level))
    if const is not None:
        return const
    if f == "tanggal_lahir":
        a, b = _fmt_date(m_val), _fmt_date(c_val)
        if level == "kosong":
            if a == "-" and b == "-":
                return "Tanggal lahir: tidak ada di kedua data"
            return f"Tanggal lahir: tidak ada di DTKS (Dukcapil: {b})" if a == "-" else \
                f"Tanggal lahir: tidak ada di Dukcapil (DTKS: {a})"
        if level == "satu_beda":
            return f"Tanggal lahir: beda {_which_part(m_val, c_val)} ({a} ↔ {b})"
        return _VALUE_NOTES[(f, level)].format(a=a, b=b)
    if f == "nama" and level == "sama_beda_tulisan":
        return f"Nama: beda {_name_difference(str(m_val), str(c_val))} ({m_val} ↔ {c_val})"
    if f == "jenis_kelamin":
        return f"Jenis kelamin: berbeda ({_SEX_LABEL.get(m_val, m_val)} ↔ {_SEX_LABEL.get(c_val, c_val)})"
    if f == "desa":
        rn = region_name or (lambda code: None)
        nd = rn(str(c_val)) or str(c_val)
        kec = str(c_val)[:8]
        nk = rn(kec) or kec
        if level == "pindah_desa":
            return f"Desa: pindah ke Desa {nd} (kecamatan sama)"
        return f"Desa: pindah ke Kec. {nk} (Desa {nd})"
    tpl = _VALUE_NOTES.get((f, level))
    if tpl is None:
        return f"{S.FIELD_LABELS[f]}: {level}"
    pct = f", {round(100 * sim)}%" if sim is not None else ""
    return tpl.format(a=m_val if m_val is not None else "-", b=c_val if c_val is not None else "-", pct=pct)


def _which_part(a, b) -> str:
    ai, bi = _dob_int(a) if not isinstance(a, (int, np.integer)) else int(a), \
        _dob_int(b) if not isinstance(b, (int, np.integer)) else int(b)
    if ai // 10000 != bi // 10000:
        return "tahun"
    if ai // 100 % 100 != bi // 100 % 100:
        return "bulan"
    return "hari"


def explain_fields(levels: Sequence[int], weights: Sequence[float], m_vals: dict, c_vals: dict, *,
                   sim: float | None = None, region_name: Callable[[str], str | None] | None = None) -> list[dict]:
    """Per field: ``{"f", "lvl", "w", "cat"}`` (field, level name, weight in bits, Indonesian note)."""
    out = []
    for j, f in enumerate(S.FIELDS):
        lvl = S.FIELD_LEVELS[f][int(levels[j])]
        out.append({"f": f, "lvl": lvl, "w": weights[j] if isinstance(weights[j], float) else round(float(weights[j]), 2),
                    "cat": field_note(f, lvl, m_vals.get(f), c_vals.get(f), sim=sim if f == "nama" else None,
                                      region_name=region_name)})
    return out


def level_names(levels: Iterable[int]) -> dict[str, str]:
    return {f: S.FIELD_LEVELS[f][int(v)] for f, v in zip(S.FIELDS, levels)}


def json_dumps(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def round_score(x: float) -> float:
    return float(round(x, 2)) if math.isfinite(x) else 0.0
