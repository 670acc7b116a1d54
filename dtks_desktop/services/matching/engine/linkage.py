"""Linkage: exact-NIK phase, blocked phase, scoring, the status decision, the restoration rules for
spreadsheet-damaged NIKs, ``ganda`` and the review priority."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from dtks_desktop.domain.workflow.matching import MatchStatus
from dtks_desktop.services.core.common import CancelFlag, Progress, check_cancel
from dtks_desktop.services.matching import settings as S
from dtks_desktop.services.matching.engine.common import (FIELD_COL, N_FIELDS, NIK_ORANG_LAIN, PADAN, PADAN_CATATAN,
                                                          STATUS_RANK, TIDAK_PADAN, USULAN_KOREKSI)
from dtks_desktop.services.matching.engine.tables import Table, CivilIndex
from dtks_desktop.services.matching.engine.comparison import (NAME_WRITTEN, Comparator, all_agree, identity_score,
                                                              is_plausible)
from dtks_desktop.services.matching.engine.blocking import Blocker, expand, unique_pairs


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
    candidates: "CandidateLists"  # per member: [(civil row, score, levels list, weights list)], best first
    base_status: np.ndarray  # status before ganda was assigned
    ganda_of: np.ndarray  # member index of the keeper, -1
    # True: a spreadsheet-damaged NIK whose restoration the machine may accept itself
    # (``MatchParams.pulih_otomatis``; see :func:`_restorable`). Only meaningful while the
    # final status (after ganda) is still usulan_koreksi.
    restore: np.ndarray | None = None
    counts: dict = field(default_factory=dict)


class CandidateLists:
    """Each member's best candidates (at most ``maks_kandidat``), best first, kept as index ranges
    into flat numpy arrays: one Python list per member would take gigabytes when every member of a
    1,000,000-member registry goes through phase 2 (a file whose every NIK went through a spreadsheet).

    ``lists[r]``: ``[(civil row, score, levels list, weights list), ...]`` or None (no candidates)."""

    __slots__ = ("start", "count", "civil", "score", "levels", "weights")

    def __init__(self, n: int, rows: np.ndarray | None = None, civil: np.ndarray | None = None,
                 score: np.ndarray | None = None, levels: np.ndarray | None = None,
                 weights: np.ndarray | None = None) -> None:
        """``rows``: the member of each candidate, grouped by member and best first within a member."""
        self.start = np.zeros(n, dtype=np.int64)
        self.count = np.zeros(n, dtype=np.int32)
        if rows is None or len(rows) == 0:
            self.civil = np.zeros(0, dtype=np.int64)
            self.score = np.zeros(0)
            self.levels = np.zeros((0, N_FIELDS), dtype=np.int8)
            self.weights = np.zeros((0, N_FIELDS))
            return
        first = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
        self.start[rows[first]] = first
        self.count[rows[first]] = np.diff(np.r_[first, len(rows)])
        self.civil, self.score, self.levels, self.weights = civil, score, levels, weights

    def __len__(self) -> int:
        return len(self.start)

    def __getitem__(self, r: int) -> list | None:
        k = int(self.count[r])
        if not k:
            return None
        s = int(self.start[r])
        return list(zip(self.civil[s:s + k].tolist(), self.score[s:s + k].tolist(), self.levels[s:s + k].tolist(),
                        self.weights[s:s + k].tolist()))


# --- linkage -----------------------------------------------------------------------------------

def link(members: Table, civil: CivilIndex, params: S.MatchParams | None = None, *, model=None,
         progress: Progress | None = None, cancel: CancelFlag | None = None) -> LinkResult:
    """Link every member to at most one civil-registry person. Pure; no ganda yet (see assign_ganda).

    ``model``: the weights (``estimation.Model``, e.g. learned from this data); None = the tuned priors."""
    p = params or S.DEFAULTS
    say = progress or (lambda d, t, x="": None)
    n = members.n
    civil.refresh_vocab()
    comp = Comparator(members, civil, p, model)

    status = np.full(n, TIDAK_PADAN, dtype=np.int8)
    link_c = np.full(n, -1, dtype=np.int64)
    score = np.zeros(n)
    ident = np.zeros(n)
    levels = np.zeros((n, N_FIELDS), dtype=np.int8)
    weights = np.zeros((n, N_FIELDS), dtype=np.float32)
    name_sim = np.zeros(n)
    notes: list = [None] * n
    cands = CandidateLists(n)
    restore = np.zeros(n, dtype=bool)

    # Phase 1: exact NIK.
    say(0, 100, "Mencocokkan NIK")
    check_cancel(cancel)
    rows = np.flatnonzero(members.nik_clean)
    mi, ci = expand(members.nik[rows], rows, civil.nik_sorted, civil.nik_order, 10)
    check_cancel(cancel)
    lv, w, sim = comp.compare(mi, ci, with_nik=False)
    idn = identity_score(w)
    accept = is_plausible(lv) & (idn >= p.ambang_terima)
    # The member's own intact NIK carries the birth date and sex: when both agree and the name is
    # only written differently (initial, joined words, left-off words), the holder is the same
    # person, whatever the other fields say (padan_catatan, never nik_orang_lain).
    written = (np.isin(lv[:, FIELD_COL["nama"]], NAME_WRITTEN) & (lv[:, FIELD_COL["tanggal_lahir"]] == 1)
               & (lv[:, FIELD_COL["jenis_kelamin"]] == 1) & ~civil.dup_nik[ci])
    by_nik = written & ~accept
    accept = accept | written
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
    agree = all_agree(lv[bsel]) & ~civil.dup_nik[ci[bsel]]
    status[clean_rows] = np.where(agree, PADAN, PADAN_CATATAN)
    for r, c in zip(clean_rows[civil.dup_nik[ci[bsel]]].tolist(), ci[bsel][civil.dup_nik[ci[bsel]]].tolist()):
        notes[r] = ["NIK ini tercatat lebih dari sekali di data Dukcapil (NIK ganda); dipilih yang identitasnya cocok"]
    for r in clean_rows[by_nik[bsel]].tolist():
        notes[r] = (notes[r] or []) + ["NIK, tanggal lahir dan jenis kelamin sama; nama hanya ditulis berbeda"]
    say(40, 100, "Mencari calon untuk NIK yang tidak padan")

    # Phase 2: every member without an accepted NIK holder.
    is_clean = np.zeros(n, dtype=bool)
    is_clean[clean_rows] = True
    holder_of = np.zeros(n, dtype=bool)
    holder_of[mi] = True  # member's NIK exists in the civil registry
    rest = np.flatnonzero(~is_clean)
    if len(rest):
        blocker = Blocker(members, civil, p)
        a, b = blocker.pairs(rest, cancel)
        # Holders of the member's own NIK stay candidates.
        keep = ~is_clean[mi]
        a = np.concatenate([a, mi[keep]])
        b = np.concatenate([b, ci[keep]])
        a, b = unique_pairs(a, b)
        civil.drop_blocks()
        check_cancel(cancel)
        say(60, 100, "Membandingkan calon")
        lv2, w2, sim2 = comp.compare(a, b, with_nik=True)
        # A member whose own NIK belongs to somebody else: a different NIK on the other
        # candidates is expected and carries no weight.
        other = members.nik_clean[a] & holder_of[a] & (lv2[:, FIELD_COL["nik"]] == 5)
        w2[other, FIELD_COL["nik"]] = 0.0
        tot = w2.sum(axis=1)
        plaus = is_plausible(lv2)
        # Ranking per member: plausible first, then score, then civil row (deterministic).
        order = np.lexsort((b, -tot, ~plaus, a))
        a_o = a[order]
        starts = np.flatnonzero(np.r_[True, a_o[1:] != a_o[:-1]]) if len(a_o) else np.zeros(0, dtype=np.int64)
        ends = np.r_[starts[1:], len(order)]
        check_cancel(cancel)
        say(80, 100, "Menentukan status")
        # The best maks_kandidat candidates of each member (order is grouped by member, best first).
        maxc = max(p.maks_kandidat, 1)
        rank = np.arange(len(order)) - np.repeat(starts, ends - starts)
        top = order[rank < maxc]
        del rank
        cands = CandidateLists(n, a[top], b[top], np.round(tot[top], 2), lv2[top], np.round(w2[top], 2))
        del top
        _decide(members, civil, p, a_o, b, order, starts, ends, lv2, w2, tot, plaus, sim2, holder_of,
                status=status, link_c=link_c, score=score, ident=ident, levels=levels, weights=weights,
                name_sim=name_sim, notes=notes, restore=restore)
    say(100, 100, "Selesai")
    res = LinkResult(status=status, civil=link_c, score=score, identity=ident, levels=levels, weights=weights,
                     name_sim=name_sim, notes=notes, candidates=cands, base_status=status.copy(),
                     ganda_of=np.full(n, -1, dtype=np.int64), restore=restore)
    return res


_NOTE_OTHER_FOUND = "NIK di DTKS tercatat di Dukcapil atas nama orang lain; diusulkan NIK yang cocok"
_NOTE_CHECK = "NIK ditemukan, tetapi identitasnya kurang cocok; mohon diperiksa"
_NOTE_OTHER_NONE = "NIK di DTKS tercatat di Dukcapil atas nama orang lain; tidak ada calon yang cocok"
_NOTE_CLOSE = "Ada calon lain yang hampir sama cocoknya; periksa semua calon"
_NOTE_DUP = "NIK ini tercatat lebih dari sekali di data Dukcapil (NIK ganda)"


def _decide(members: Table, civil: CivilIndex, p: S.MatchParams, a_o: np.ndarray, b: np.ndarray, order: np.ndarray,
            starts: np.ndarray, ends: np.ndarray, lv2: np.ndarray, w2: np.ndarray, tot: np.ndarray, plaus: np.ndarray,
            sim2: np.ndarray, holder_of: np.ndarray, *, status, link_c, score, ident, levels, weights, name_sim, notes,
            restore) -> None:
    """Phase 2's decision for every member with candidates, all members at once (arrays; no Python
    loop per member: on a file whose every NIK went through a spreadsheet that is every member).

    ``order`` lists the candidate pairs grouped by member (``a_o = a[order]``; group g is
    ``order[starts[g]:ends[g]]``), best first. Per member:

    - the member's own valid NIK is in the extract (``own``): when the best candidate is plausible,
      reaches ``ambang_usulan`` and is not the NIK's holder -> ``nik_orang_lain`` with that
      candidate; else, when the holder's identity score is above ``ambang_orang_lain`` ->
      ``usulan_koreksi`` with the holder (the clerk decides); else ``nik_orang_lain`` without a link;
    - otherwise the best candidate, plausible and at least ``ambang_usulan`` -> ``usulan_koreksi``,
      else ``tidak_padan``.

    A link gets the note "Ada calon lain ..." when the second candidate is plausible, reaches
    ``ambang_usulan`` and comes within ``selisih_usulan``; a ``usulan_koreksi`` of a member
    without an own NIK may be restored by the machine (:func:`_restorable_many`)."""
    if len(starts) == 0:
        return
    nik_col = FIELD_COL["nik"]
    npairs = len(order)
    rows = a_o[starts]
    k0 = order[starts]
    k1 = np.where(ends - starts > 1, order[np.minimum(starts + 1, npairs - 1)], -1)
    own = holder_of[rows] & members.nik_clean[rows]
    ok0 = plaus[k0] & (tot[k0] >= p.ambang_usulan)
    # The first holder of the member's own NIK in each member's ranking (k0 when none).
    pos = np.where(lv2[order, nik_col] == 1, np.arange(npairs), npairs)
    first_h = np.minimum.reduceat(pos, starts)
    h0 = np.where(first_h < ends, order[np.minimum(first_h, npairs - 1)], k0)
    h_ident = tot[h0] - w2[h0, nik_col]
    case_a = own & ok0 & (lv2[k0, nik_col] != 1)  # somebody else fits: nik_orang_lain, proposed
    case_b = own & ~case_a & (h_ident > p.ambang_orang_lain)  # the holder, not clearly: clerk decides
    case_c = own & ~case_a & ~case_b  # the holder is somebody else, nobody fits
    st = np.where(own, np.where(case_b, USULAN_KOREKSI, NIK_ORANG_LAIN),
                  np.where(ok0, USULAN_KOREKSI, TIDAK_PADAN)).astype(np.int8)
    chosen = np.where(case_b | case_c, h0, k0)
    kk = np.where(case_b, h0, k0)  # the proposed candidate
    best_ok = ok0 | case_b
    linked = ((st == USULAN_KOREKSI) | (st == NIK_ORANG_LAIN)) & best_ok & (chosen == kk)
    second = (k1 >= 0) & plaus[np.maximum(k1, 0)] & (tot[np.maximum(k1, 0)] >= p.ambang_usulan)
    margin = np.where(second, tot[kk] - tot[np.maximum(k1, 0)], math.inf)
    close = linked & second & (margin < p.selisih_usulan)
    link_c[rows[linked]] = b[kk[linked]]
    if p.pulih_otomatis:
        cand = np.flatnonzero(linked & (st == USULAN_KOREKSI) & ~own)
        if len(cand):
            kc = kk[cand]
            restore[rows[cand]] = _restorable_many(members, civil, p, rows[cand], b[kc], lv2[kc], tot[kc],
                                                   w2[kc, nik_col], margin[cand], plaus[kc])
    status[rows] = st
    levels[rows] = lv2[chosen]
    weights[rows] = w2[chosen]
    score[rows] = tot[chosen]
    ident[rows] = tot[chosen] - w2[chosen, nik_col]
    name_sim[rows] = sim2[chosen]
    dup = linked & civil.dup_nik[b[chosen]]
    for g in np.flatnonzero(own | close | dup).tolist():
        note = []
        if own[g]:
            note.append(_NOTE_OTHER_FOUND if case_a[g] else (_NOTE_CHECK if case_b[g] else _NOTE_OTHER_NONE))
        if close[g]:
            note.append(_NOTE_CLOSE)
        if dup[g]:
            note.append(_NOTE_DUP)
        r = int(rows[g])
        notes[r] = (notes[r] or []) + note


_WRITTEN_STRONG_LEVELS = np.array([S.NAME_LEVELS.index(x) for x in ("gabung_pisah", "inisial", "sebagian_belakang",
                                                                   "sebagian_depan")], dtype=np.int8)


def _restorable(members: Table, civil: CivilIndex, p: S.MatchParams, r: int, c: int, lv: np.ndarray,
                total: float, weights_nik: float, margin: float, *, plausible: bool | None = None) -> bool:
    """One member: see :func:`_restorable_many`."""
    if plausible is None:
        plausible = bool(is_plausible(lv[None, :])[0])
    return bool(_restorable_many(members, civil, p, np.array([r]), np.array([c]), np.asarray(lv)[None, :],
                                 np.array([total]), np.array([weights_nik]), np.array([margin]),
                                 np.array([plausible]))[0])


def _restorable_many(members: Table, civil: CivilIndex, p: S.MatchParams, r: np.ndarray, c: np.ndarray,
                     lv: np.ndarray, total: np.ndarray, weights_nik: np.ndarray, margin: np.ndarray,
                     plausible: np.ndarray) -> np.ndarray:
    """May the machine itself restore members ``r``'s spreadsheet-damaged NIK to civil person ``c``'s?

    Only a mechanical loss of digits, never a judgement: the member's NIK went through a
    spreadsheet number (flag or raw form) and the value that is left still covers the candidates'
    NIK (the damage range of the trusted digits), or the NIK ends in 0 and differs from the
    candidate's only in the last digit (level ``excel``); the member's own NIK is nobody's in the
    extract (checked by the caller); the candidate holds its NIK once in the extract; no other
    plausible candidate comes within twice ``selisih_usulan``; the score reaches ``ambang_pulih``.
    With 15 trusted digits the candidate must then pass what an intact NIK's holder passes to be
    accepted, with a name at least 90 % alike (twins share everything else) or only written
    differently (initial, joined words, a left-off part) with the same birth date; with fewer, the normalised name, birth date, sex and desa must agree exactly and the
    No KK and the mother's name must not disagree; when the mother's name agrees, one of name
    (written differently or 90 % alike), desa or birth date (day and month swapped) may differ.
    """
    col = FIELD_COL
    nik = civil.t.nik[c]
    lo, hi = members.dmg_lo[r], members.dmg_hi[r]
    in_range = members.damaged[r] & (lo >= 0) & (lo <= nik) & (nik <= hi)
    # Level "excel" also covers the damage a file did not show: a NIK written as text that ends in
    # 0 (often serial 0000, which no NIK has) and differs from the candidate's only in its last digit.
    fifteen = lv[:, col["nik"]] == 4
    ok = ~civil.dup_nik[c] & (in_range | fifteen) & (total >= p.ambang_pulih) & (margin >= 2 * p.selisih_usulan)
    name, dob, sex = lv[:, col["nama"]], lv[:, col["tanggal_lahir"]], lv[:, col["jenis_kelamin"]]
    kk, mother, desa = lv[:, col["no_kk"]], lv[:, col["nama_ibu"]], lv[:, col["desa"]]
    written = np.isin(name, _WRITTEN_STRONG_LEVELS)
    # 15 trusted digits: at most ten persons share them, all born the same day in the same
    # kecamatan, so this is finding the NIK with its last digit unread. Accept as the holder
    # of an intact NIK would be accepted (padan / padan_catatan: plausible for one person,
    # identity score at least ambang_terima), with the same sex.
    # The name must say something (at least "mirip90"): twins share the first 15 digits,
    # the birth date, the KK and the mother, and often have names 80 % alike.
    # A name only written differently (initial, joined words, a left-off part; not when the shared
    # words are only common given names) counts as well when the birth date agrees exactly, as it
    # does for the holder of an intact NIK; a twin differs in the name, and a second candidate
    # as close is caught by the margin above.
    ident = total - weights_nik
    name_ok = ((name >= 1) & (name <= 4)) | (written & (dob == 1))
    by_fifteen = plausible & (ident >= p.ambang_terima) & (sex == 1) & name_ok
    # Fewer trusted digits: only the kecamatan or less is left of the NIK. Name (as normalised),
    # birth date, sex and desa must agree exactly, and No KK and mother's name must not disagree
    # (they are often missing or damaged too); ambang_pulih keeps common names out.
    base = (sex == 1) & (kk <= 2) & (mother <= 1)
    name_same, dob_same, desa_same = (name == 1) | (name == 2), dob == 1, desa == 1
    # With the mother's name agreeing (not merely missing), ONE of these may differ, the way one
    # person's two records differ (issue 10: on a file whose every NIK went through a spreadsheet
    # these were a third of the queue):
    # - the name only written differently (an initial, joined words, a part left off; not when the
    #   shared words are only common given names) or a typo (at least 90 % alike);
    # - the desa (moved, within the kecamatan or out of it; the NIK keeps the kecamatan of birth);
    # - the birth date: day and month swapped (a typing pattern; not another day, month or year:
    #   at 1M x 3M a namesake with the same common name and mother's name in the same desa, born
    #   two weeks apart, was taken for a member who had died).
    # Everything else must agree exactly. Who else shares the kecamatan of the NIK, the birth date,
    # the sex, the desa and the mother? Only a twin, with the risk the 15-digit rule above takes: a
    # twin whose name is as close (SARTIKA / KARTIKA) when the member's own record is missing from
    # the extract. A twin in the extract too is caught by the margin, one in the registry too by ganda.
    one = (mother == 1) & (((name == 4) | written) & dob_same & desa_same
                           | name_same & ((dob_same & ((desa == 2) | (desa == 3))) | (desa_same & (dob == 2))))
    by_few = base & ((name_same & dob_same & desa_same) | one)
    return ok & np.where(fifteen, by_fifteen, by_few)


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
    rank = np.array([STATUS_RANK.get(int(s), 9) for s in status[linked]])
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
    if status == MatchStatus.USULAN_KOREKSI:
        return 0 if damaged else 1
    return _PRIORITY.get(status, 9)


_PRIORITY = {MatchStatus.NIK_ORANG_LAIN: 2, MatchStatus.GANDA: 3, MatchStatus.TIDAK_PADAN: 4,
             MatchStatus.PADAN_CATATAN: 8, MatchStatus.PADAN: 9}
