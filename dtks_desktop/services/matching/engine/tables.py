"""The in-memory column tables of a run: :class:`TableBuilder` turns rows (``CIVIL_COLUMNS`` /
``MEMBER_COLUMNS``) into numpy columns; :class:`CivilIndex` adds the sorted arrays blocking searches."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Sequence

import numpy as np
import pandas as pd

from dtks_desktop.domain.names import normalize_name
from dtks_desktop.domain.spreadsheet import clean_id
from dtks_desktop.services.matching.engine.common import NIK_DAMAGE_FLAGS, POW10
from dtks_desktop.services.matching.engine.vocabulary import Vocab


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
    out = digits @ POW10
    return np.where(ok, out, -1)


def dob_int(v) -> int:
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
    mapping = np.fromiter((dob_int(u) for u in uniques), dtype=np.int64, count=len(uniques))
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
            cleaned: dict = {}  # raw NIK -> clean_id result (a spreadsheet's "3,31E+15" repeats thousands of times)

            def parse_raw(raw):
                c = cleaned.get(raw)
                if c is None:
                    c = cleaned[raw] = clean_id(raw)
                return c

            for i in range(n):
                f = flags[i]
                if nik_any[i] >= 0 and not f:
                    continue  # the common case: a valid NIK with no remarks
                dmg = bool(f) and any(c in f for c in NIK_DAMAGE_FLAGS)
                trusted = 16
                if nik_any[i] < 0 and nik_raw[i] is not None:
                    c = parse_raw(nik_raw[i])
                    if c.value is not None and len(c.value) == 16 and c.value.isdigit():
                        nik_any[i] = int(c.value)
                        trusted = c.trusted_digits if c.excel_damaged else 16
                        dmg = dmg or c.excel_damaged
                    clean[i] = False
                elif dmg and nik_raw[i] is not None:
                    c = parse_raw(nik_raw[i])
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
            # not a stable sort (3x faster on 3,000,000 keys): the rows of one key come in any order,
            # and every caller makes its pairs unique (sorted) before using them
            order = np.argsort(k)
            hit = self._blocks[kind] = (k[order], rows[order])
        return hit

    def drop_blocks(self) -> None:
        self._blocks.clear()
