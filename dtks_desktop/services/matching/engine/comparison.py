"""Comparison of candidate pairs per field into levels and weights ``log2(m/u)`` (vectorised, with a
term-frequency ``u`` for the name)."""

from __future__ import annotations


import numpy as np
from rapidfuzz import fuzz, process

from dtks_desktop.domain.names import (NameLevel, compare_name_words, compare_names, compare_words, first_letter_mask,
                                       join_possible, without_patronymic)
from dtks_desktop.services.matching import settings as S
from dtks_desktop.services.matching.engine.common import FIELD_COL, N_FIELDS, POW10, unique_sorted
from dtks_desktop.services.matching.engine.tables import Table, CivilIndex


_NAME = {lvl: i for i, lvl in enumerate(S.NAME_LEVELS)}
# compare_names level -> engine level (None: keep the character-ratio level); common_only weakens the
# levels that rest on shared words.
_CN_LEVEL = {
    NameLevel.SAMA: "mirip90",  # equal only through a romanisation alias (TJAN / TAN)
    NameLevel.URUTAN: "mirip90",
    NameLevel.GABUNG_PISAH: "gabung_pisah",
    NameLevel.INISIAL: "inisial",
    NameLevel.SEBAGIAN_BELAKANG: "sebagian_belakang",
    NameLevel.SEBAGIAN_DEPAN: "sebagian_depan",
    NameLevel.MIRIP_SEBAGIAN: "mirip_sebagian",
}
_CN_COMMON = {NameLevel.INISIAL: "sebagian_umum", NameLevel.SEBAGIAN_BELAKANG: "sebagian_umum",
              NameLevel.SEBAGIAN_DEPAN: "sebagian_umum", NameLevel.MIRIP_SEBAGIAN: None}
NAME_WRITTEN = np.array([_NAME[x] for x in S.NAME_WRITTEN_LEVELS], dtype=np.int8)


# compare_names found the names share words but one word differs completely on each side (SRI WAHYUNI /
# DWI WAHYUNI, EKA PUTRA / DWI PUTRA): twins and siblings are named like this, so a character ratio of
# 0.80-0.90 must not make them "alike".
OTHER_WORD = -2


def _one_word_clearly_other(r) -> bool:
    if len(r.detail_a) != 1 or len(r.detail_b) != 1:
        return False
    x, y = r.detail_a[0], r.detail_b[0]
    return len(x) >= 3 and len(y) >= 3 and fuzz.ratio(x, y) < 50


def cn_level(a: str, b: str) -> int:
    """Engine name level for compare_names(a, b), -1 when it has none to offer, ``OTHER_WORD`` when
    one word is clearly another name (the pair is ``beda`` even if the character ratio is close)."""
    return _cn_level(compare_names(a, b))


def _cn_level(r) -> int:
    if r.level == NameLevel.BEDA and _one_word_clearly_other(r):
        return OTHER_WORD
    name = _CN_COMMON.get(r.level, _CN_LEVEL.get(r.level)) if r.common_only else _CN_LEVEL.get(r.level)
    return _NAME[name] if name else -1


NIK_DIGIT_CHUNK = 500_000  # pairs whose NIK digits are compared at once (nik_levels)


# --- comparison --------------------------------------------------------------------------------

class Comparator:
    def __init__(self, members: Table, civil: CivilIndex, params: S.MatchParams, model=None) -> None:
        """``model``: anything with ``level_weights()`` (``estimation.Model``); None = the tuned priors."""
        self.m = members
        self.c = civil
        self.p = params
        self.vocab = civil.vocab
        self.key_of = self.vocab.key_of()
        self.name_len = self.vocab.name_len()
        self.kec_of = self.vocab.desa_kec()
        self.lw = {f: np.asarray(w, dtype=np.float64) for f, w in
                   (model.level_weights() if model is not None else S.level_weights()).items()}
        self.n_civil = max(civil.n, 1)
        self._first = np.zeros(0, dtype=np.int64)  # name id -> first_letter_mask, -1 not yet known
        self._mother_ids: tuple[np.ndarray, np.ndarray] | None = None  # mothers' normalised-name ids per row

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
        stripped = {i: without_patronymic(names[i]) for i in unique_sorted(np.concatenate([ua, ub])).tolist()}
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
            # Each raw name's written form once (vocab.written_ids), compared once per distinct pair of them.
            ra, rb = (self.vocab.written_ids(r) for r in raw_pairs)
            rpair = ra.astype(np.int64) * (1 << 31) + rb.astype(np.int64)
            ru, rinv = np.unique(rpair, return_inverse=True)
            written = self.vocab.written_forms()
            wa = [written[i] if i >= 0 else "" for i in (ru >> 31).tolist()]
            wb = [written[i] if i >= 0 else "" for i in (ru & ((1 << 31) - 1)).tolist()]
            s3 = process.cpdist(wa, wb, scorer=fuzz.ratio, workers=-1)[rinv]
            return np.maximum(sim[inv], s3) / 100.0
        return (sim / 100.0)[inv]

    def _first_letters(self, ids: np.ndarray) -> np.ndarray:
        """``first_letter_mask`` of these name ids (computed once per name)."""
        names = self.vocab.names.values
        if len(self._first) < len(names):
            grown = np.full(len(names), -1, dtype=np.int64)
            grown[: len(self._first)] = self._first
            self._first = grown
        todo = unique_sorted(ids[self._first[ids] < 0])
        if len(todo):
            self._first[todo] = np.fromiter((first_letter_mask(names[i]) for i in todo.tolist()), dtype=np.int64,
                                            count=len(todo))
        return self._first[ids]

    def _written_levels(self, a_ids: np.ndarray, b_ids: np.ndarray, ratio_lvl: np.ndarray) -> np.ndarray:
        """The ratio level or compare_names' level (initials, joined words, left-off words), whichever
        weighs more; compare_names is asked once per distinct pair of normalised names, and not at
        all for a pair it would surely call ``beda`` (``names.may_be_alike``, here in bulk: neither
        name's first letters among the other's, no join possible; 80 % of the pairs of a file whose
        every member went through blocking). Only a ``mirip80`` pair always asks: it needs to know
        whether one word is clearly another (``OTHER_WORD``)."""
        pair = a_ids.astype(np.int64) * (1 << 31) + b_ids.astype(np.int64)
        uniq, inv = np.unique(pair, return_inverse=True)
        ua, ub = uniq >> 31, uniq & ((1 << 31) - 1)
        names = self.vocab.names.values
        fa, fb = self._first_letters(ua), self._first_letters(ub)
        shared = (fa & fb) != 0
        subset = ((fa & ~fb) == 0) | ((fb & ~fa) == 0)
        forced = np.zeros(len(uniq), dtype=bool)
        forced[inv[ratio_lvl == _NAME["mirip80"]]] = True
        k = np.flatnonzero(shared | forced)
        # each name's words once (a name is in many pairs; the domain's own cache is small)
        words = {i: compare_words(names[i]) for i in unique_sorted(np.concatenate([ua[k], ub[k]])).tolist()}
        need = (shared & subset) | forced
        k = np.flatnonzero(shared & ~subset & ~forced)
        need[k] = np.fromiter((join_possible(words[x], words[y]) for x, y in zip(ua[k].tolist(), ub[k].tolist())),
                              dtype=bool, count=len(k))
        out = np.full(len(uniq), -1, dtype=np.int8)
        k = np.flatnonzero(need)
        out[k] = np.fromiter((_cn_level(compare_name_words(words[x], words[y]))
                              for x, y in zip(ua[k].tolist(), ub[k].tolist())), dtype=np.int8, count=len(k))
        del words
        cn = out[inv]
        w = self.lw["nama"]
        better = (cn >= 0) & (w[np.maximum(cn, 0)] > w[ratio_lvl])
        out = np.where(better, cn, ratio_lvl)
        other = (cn == OTHER_WORD) & (ratio_lvl == _NAME["mirip80"])
        return np.where(other, _NAME["beda"], out).astype(np.int8)

    def compare(self, mi: np.ndarray, ci: np.ndarray, with_nik: bool = True):
        """Levels (n, fields) int8, weights (n, fields), name similarity, for pairs (mi[k], ci[k])."""
        m, c, p = self.m, self.c.t, self.p
        n = len(mi)
        lv = np.zeros((n, N_FIELDS), dtype=np.int8)
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
            low = rest & (lvl >= 5)
            if low.any():
                lvl[low] = self._written_levels(a[low], b[low], lvl[low])
        lv[:, FIELD_COL["nama"]] = lvl

        # Birth date.
        da, db = m.dob[mi], c.dob[ci]
        ok = (da > 0) & (db > 0)
        ya, ma, dda = da // 10000, da // 100 % 100, da % 100
        yb, mb, ddb = db // 10000, db // 100 % 100, db % 100
        same_parts = (ya == yb).astype(np.int8) + (ma == mb) + (dda == ddb)
        swap = (ya == yb) & (ma == ddb) & (dda == mb) & (ma != dda)
        lvl = np.where(da == db, 1, np.where(swap, 2, np.where(same_parts == 2, 3, np.where(ya == yb, 4, 5))))
        lv[:, FIELD_COL["tanggal_lahir"]] = np.where(ok, lvl, 0)

        # Sex.
        sa, sb = m.sex[mi], c.sex[ci]
        lv[:, FIELD_COL["jenis_kelamin"]] = np.where((sa > 0) & (sb > 0), np.where(sa == sb, 1, 2), 0)

        # Mother's name.
        if self._mother_ids is None and n >= m.n:
            # many pairs (10,000,000 at 1M x 3M when every NIK went through a spreadsheet): the ids of
            # every row once, then indexed, instead of deriving them for every pair
            self._mother_ids = (self.vocab.mother_name_ids(m.mother), self.vocab.mother_name_ids(c.mother))
        if self._mother_ids is not None:
            ia, ib = self._mother_ids[0][mi], self._mother_ids[1][ci]
        else:
            ia, ib = self.vocab.mother_name_ids(m.mother[mi]), self.vocab.mother_name_ids(c.mother[ci])
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
        lv[:, FIELD_COL["nama_ibu"]] = lvl

        # No KK (a spreadsheet-damaged KK differs in the last digit(s) only).
        ka, kb = m.kk[mi], c.kk[ci]
        ok = (ka >= 0) & (kb >= 0)
        lo, hi = m.kk_lo[mi], m.kk_hi[mi]
        in_range = (lo >= 0) & (kb >= lo) & (kb <= hi)
        wide = (hi - lo) > 100  # fewer than 14 trusted digits: agreement proves little
        lvl = np.where(ka == kb, 1, np.where(in_range, np.where(wide, 0, 2), np.where(np.abs(ka - kb) <= 9, 2, 3)))
        lv[:, FIELD_COL["no_kk"]] = np.where(ok, lvl, 0)

        # Desa / kecamatan.
        xa, xb = m.desa[mi], c.desa[ci]
        ok = (xa >= 0) & (xb >= 0)
        kec_a = self.kec_of[np.maximum(xa, 0)] if len(self.kec_of) else xa
        kec_b = self.kec_of[np.maximum(xb, 0)] if len(self.kec_of) else xb
        lv[:, FIELD_COL["desa"]] = np.where(ok, np.where(xa == xb, 1, np.where(kec_a == kec_b, 2, 3)), 0)

        # NIK relation.
        if with_nik:
            lv[:, FIELD_COL["nik"]] = self.nik_levels(mi, ci)
        else:
            lv[:, FIELD_COL["nik"]] = 1

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
        everything = np.flatnonzero(has & (out == 5))
        # digit by digit, in steps: 16 digits x 8 bytes x 2 sides per pair would be 2 GB for the
        # 7,000,000 pairs of a 1M x 3M file whose every NIK went through a spreadsheet
        for k0 in range(0, len(everything), NIK_DIGIT_CHUNK):
            rest = everything[k0:k0 + NIK_DIGIT_CHUNK]
            da = (a[rest, None] // POW10[None, :]) % 10
            db = (b[rest, None] // POW10[None, :]) % 10
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
            j = FIELD_COL[f]
            w[:, j] = self.lw[f][lv[:, j]]
        # A move gives a new KK: a different KK says nothing more once the desa differs.
        moved = (lv[:, FIELD_COL["desa"]] >= 2) & (lv[:, FIELD_COL["no_kk"]] == 3)
        w[moved, FIELD_COL["no_kk"]] = 0.0
        # Term frequency for agreeing names: u = share of civil persons with the same name key.
        j = FIELD_COL["nama"]
        tf_rows = np.flatnonzero((lv[:, j] >= 1) & (lv[:, j] <= 3))
        if len(tf_rows):
            keys = self.key_of[self.c.t.name[ci[tf_rows]]]
            cnt = self.c.key_counts[keys] if len(self.c.key_counts) else np.zeros(len(keys))
            u = np.clip(cnt / self.n_civil, S.NAME_TF_FLOOR, S.NAME_TF_CEIL)
            w[tf_rows, j] -= np.log2(u)
        return w


def identity_score(w: np.ndarray) -> np.ndarray:
    return w.sum(axis=1) - w[:, FIELD_COL["nik"]]


def is_plausible(lv: np.ndarray) -> np.ndarray:
    """Name and birth date that one person can plausibly have in two registers."""
    nm = lv[:, FIELD_COL["nama"]]
    dob = lv[:, FIELD_COL["tanggal_lahir"]]
    sex = lv[:, FIELD_COL["jenis_kelamin"]]
    kk = lv[:, FIELD_COL["no_kk"]]
    name_ok = ((nm >= 1) & (nm <= 5)) | np.isin(nm, NAME_WRITTEN)
    # A one-letter or missing name: only with the exact birth date, the same sex and the same KK.
    name_ok |= (nm == 0) & (dob == 1) & (sex != 2) & ((kk == 1) | (kk == 2))
    dob_ok = (dob <= 3) | ((dob == 4) & (((nm >= 1) & (nm <= 4)) | (nm == _NAME["gabung_pisah"]) | (nm == _NAME["inisial"])))
    # A completely different birth date only with an exact name.
    dob_ok |= (dob == 5) & (nm >= 1) & (nm <= 2) & ((kk == 1) | (lv[:, FIELD_COL["nama_ibu"]] == 1))
    return name_ok & dob_ok & (sex != 2)


def all_agree(lv: np.ndarray) -> np.ndarray:
    return ((lv[:, FIELD_COL["nama"]] == 1) & (lv[:, FIELD_COL["tanggal_lahir"]] == 1) & (lv[:, FIELD_COL["jenis_kelamin"]] == 1)
            & (lv[:, FIELD_COL["nama_ibu"]] <= 1) & (lv[:, FIELD_COL["no_kk"]] <= 1) & (lv[:, FIELD_COL["desa"]] <= 1))
