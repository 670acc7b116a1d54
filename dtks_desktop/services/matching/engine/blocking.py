"""Blocking: which civil-registry persons are candidates for a member (NIK neighbours, trusted
digits of a damaged NIK, name key / birth date / No KK / desa keys). Never all pairs."""

from __future__ import annotations


import numpy as np

from dtks_desktop.services.core.common import CancelFlag, check_cancel
from dtks_desktop.services.matching import settings as S
from dtks_desktop.services.matching.engine.common import BITS, POW10, unique_sorted
from dtks_desktop.services.matching.engine.tables import Table, CivilIndex


# --- blocking ----------------------------------------------------------------------------------

SORTED_LOOKUPS_FROM = 50_000  # expand(): from this many queries, look them up in key order


def expand(qkeys: np.ndarray, qrows: np.ndarray, skeys: np.ndarray, srows: np.ndarray, cap: int,
            hi_keys: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (query row, civil row) whose keys are equal (or within [qkeys, hi_keys]), in query order."""
    hk = qkeys if hi_keys is None else hi_keys
    if len(qkeys) >= SORTED_LOOKUPS_FROM:
        # Look-ups in key order walk the sorted keys once (a million random look-ups in three million
        # keys: 1.2 s, sorted 0.2 s); their answers go back to the query order.
        o = np.argsort(qkeys)
        lo = np.empty(len(qkeys), dtype=np.int64)
        hi = np.empty(len(qkeys), dtype=np.int64)
        lo[o] = np.searchsorted(skeys, qkeys[o], side="left")
        hi[o] = np.searchsorted(skeys, hk[o], side="right")
    else:
        lo = np.searchsorted(skeys, qkeys, side="left")
        hi = np.searchsorted(skeys, hk, side="right")
    cnt = hi - lo
    ok = (cnt > 0) & (cnt <= cap)
    lo, cnt, q = lo[ok], cnt[ok], qrows[ok]
    total = int(cnt.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    rep_q = np.repeat(q, cnt)
    starts = np.repeat(lo - (np.cumsum(cnt) - cnt), cnt)
    return rep_q, srows[starts + np.arange(total)]


def pack(a: np.ndarray, b: np.ndarray, valid: np.ndarray) -> np.ndarray:
    return np.where(valid, (a.astype(np.int64) << BITS) | b.astype(np.int64), -1)


class Blocker:
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
            return pack(self.ckey, c.dob, (self.ckey >= 0) & (c.dob > 0))
        if kind == "kk_dob":
            return pack(self.ckk, c.dob, (self.ckk >= 0) & (c.dob > 0))
        if kind == "desa_year_key":
            return pack((c.desa << 8) | year, self.ckey, (c.desa >= 0) & (c.dob > 0) & (self.ckey >= 0))
        if kind == "desa_dob":
            return pack(c.desa, c.dob, (c.desa >= 0) & (c.dob > 0))
        if kind == "kk_key":
            return pack(self.ckk, self.ckey, (self.ckk >= 0) & (self.ckey >= 0))
        if kind == "desa_key":
            return pack(c.desa, self.ckey, (c.desa >= 0) & (self.ckey >= 0))
        if kind == "mother_dob":
            return pack(self.cmkey, c.dob, (self.cmkey >= 0) & (c.dob > 0))
        raise KeyError(kind)

    def _mem_keys(self, kind: str, rows: np.ndarray) -> np.ndarray:
        m = self.m
        dob, desa, key, kk = m.dob[rows], m.desa[rows], self.mkey[rows], self.mkk[rows]
        year = np.clip(dob // 10000 - 1880, 0, 255)
        if kind == "key_dob":
            return pack(key, dob, (key >= 0) & (dob > 0))
        if kind == "kk_dob":
            return pack(kk, dob, (kk >= 0) & (dob > 0))
        if kind == "desa_year_key":
            return pack((desa << 8) | year, key, (desa >= 0) & (dob > 0) & (key >= 0))
        if kind == "desa_dob":
            return pack(desa, dob, (desa >= 0) & (dob > 0))
        if kind == "kk_key":
            return pack(kk, key, (kk >= 0) & (key >= 0))
        if kind == "desa_key":
            return pack(desa, key, (desa >= 0) & (key >= 0))
        if kind == "mother_dob":
            mk = self.mmkey[rows]
            return pack(mk, dob, (mk >= 0) & (dob > 0))
        raise KeyError(kind)

    BLOCKS = ("key_dob", "kk_dob", "desa_year_key", "desa_dob", "kk_key", "desa_key", "mother_dob")

    def pairs(self, rows: np.ndarray, cancel: CancelFlag | None = None, *,
              nik_blocks: bool = True) -> tuple[np.ndarray, np.ndarray]:
        """Candidate pairs (member row, civil row) of ``rows``; ``nik_blocks=False`` leaves out the
        pairs found through the NIK (near-NIK variants, damage ranges)."""
        out_m, out_c = [], []
        cap = self.p.maks_blok
        for kind in self.BLOCKS:
            check_cancel(cancel)
            sk, sr = self.c.block(kind, self._civ_keys(kind))
            q = self._mem_keys(kind, rows)
            ok = q >= 0
            a, b = expand(q[ok], rows[ok], sk, sr, cap)
            self.c.drop_blocks()  # one block at a time: 3,000,000 persons x 16 bytes each
            out_m.append(a)
            out_c.append(b)
        m = self.m
        if not nik_blocks:
            rows = rows[:0]
        # NIK within one substituted or swapped digit. Not for a spreadsheet-damaged NIK with at most
        # 8 trusted digits ("1,27101E+15"): digits 9-16 are the spreadsheet's zeros, and a variant
        # that changes one of them still has month "00" or serial "0000", which no NIK has (on a
        # file whose every NIK went through a spreadsheet these were 175 look-ups per member for
        # nothing).
        nik_rows = rows[m.nik_any[rows] >= 0]
        wide = (m.dmg_lo[nik_rows] >= 0) & (m.dmg_hi[nik_rows] - m.dmg_lo[nik_rows] >= 10 ** 8)
        has = nik_rows[~wide]
        for chunk in range(0, len(has), 20000):
            check_cancel(cancel)
            r = has[chunk: chunk + 20000]
            v = m.nik_any[r]
            digits = (v[:, None] // POW10[None, :]) % 10  # (n, 16)
            variants = []
            for k in range(16):
                for e in range(10):
                    variants.append(v + (e - digits[:, k]) * POW10[k])
            for k in range(15):
                d1, d2 = digits[:, k], digits[:, k + 1]
                variants.append(v + (d2 - d1) * POW10[k] + (d1 - d2) * POW10[k + 1])
            var = np.stack(variants, axis=1)  # (n, 175)
            qrows = np.repeat(r, var.shape[1])
            qv = var.ravel()
            keep = qv != np.repeat(v, var.shape[1])
            qv, qrows = qv[keep], qrows[keep]
            a, b = expand(qv, qrows, self.c.nik_sorted, self.c.nik_order, 10)
            out_m.append(a)
            out_c.append(b)
        # The trusted digits of a spreadsheet-damaged NIK (a short numeric range), and a NIK that
        # ends in 0 and was not found (damage the file did not show).
        nik_any = m.nik_any[rows]
        dmg = rows[(m.dmg_lo[rows] >= 0) & (m.dmg_hi[rows] - m.dmg_lo[rows] < 10 ** 4)]
        zero = rows[(nik_any >= 0) & (nik_any % 10 == 0) & (m.dmg_lo[rows] < 0)]
        if len(dmg):
            a, b = expand(m.dmg_lo[dmg], dmg, self.c.nik_sorted, self.c.nik_order, cap, hi_keys=m.dmg_hi[dmg])
            out_m.append(a)
            out_c.append(b)
        if len(zero):
            v = m.nik_any[zero]
            a, b = expand(v - 5, zero, self.c.nik_sorted, self.c.nik_order, cap, hi_keys=v + 9)
            out_m.append(a)
            out_c.append(b)
        a = np.concatenate(out_m) if out_m else np.zeros(0, dtype=np.int64)
        b = np.concatenate(out_c) if out_c else np.zeros(0, dtype=np.int64)
        return a, b


def unique_pairs(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if len(a) == 0:
        return a, b
    key = a.astype(np.int64) * (1 << 32) + b.astype(np.int64)
    u = unique_sorted(key)
    return u >> 32, u & 0xFFFFFFFF
