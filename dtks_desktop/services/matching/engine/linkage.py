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
        for s, e in zip(starts.tolist(), ends.tolist()):
            r = int(a_o[s])
            idxs = order[s:e]
            k0 = int(idxs[0])
            own_nik = bool(holder_of[r]) and bool(members.nik_clean[r])
            best_ok = bool(plaus[k0]) and tot[k0] >= p.ambang_usulan
            best_is_holder = lv2[k0, FIELD_COL["nik"]] == 1
            chosen = k0
            note: list[str] = []
            if own_nik:
                holders = idxs[lv2[idxs, FIELD_COL["nik"]] == 1]
                h0 = int(holders[0]) if len(holders) else k0
                h_ident = float(tot[h0] - w2[h0, FIELD_COL["nik"]])
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
                                             float(w2[k0, FIELD_COL["nik"]]), margin, plausible=bool(plaus[k0]))
            status[r] = st
            levels[r] = lv2[chosen]
            weights[r] = w2[chosen]
            score[r] = tot[chosen]
            ident[r] = tot[chosen] - w2[chosen, FIELD_COL["nik"]]
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


_WRITTEN_STRONG = frozenset(S.NAME_LEVELS.index(x) for x in ("gabung_pisah", "inisial", "sebagian_belakang",
                                                                "sebagian_depan"))


def _restorable(members: Table, civil: CivilIndex, p: S.MatchParams, r: int, c: int, lv: np.ndarray,
                total: float, weights_nik: float, margin: float, *, plausible: bool | None = None) -> bool:
    """May the machine itself restore member ``r``'s spreadsheet-damaged NIK to civil person ``c``'s?

    Only a mechanical loss of digits, never a judgement: the member's NIK went through a
    spreadsheet number (flag or raw form) and the value that is left still covers the candidate's
    NIK (the damage range of the trusted digits), or the NIK ends in 0 and differs from the
    candidate's only in the last digit (level ``excel``); the member's own NIK is nobody's in the
    extract (checked by the caller); the candidate holds its NIK once in the extract; no other
    plausible candidate comes within twice ``selisih_usulan``; the score reaches ``ambang_pulih``.
    With 15 trusted digits the candidate must then pass what an intact NIK's holder passes to be
    accepted, with a name at least 90 % alike (twins share everything else) or only written
    differently (initial, joined words, a left-off part) with the same birth date; with fewer, the normalised name, birth date, sex and desa must agree exactly and the
    No KK and the mother's name must not disagree; when the mother's name agrees, one of name
    (written differently or 90 % alike), desa or birth date (swapped, one part) may differ.
    """
    if civil.dup_nik[c]:
        return False
    nik = civil.t.nik[c]
    in_range = bool(members.damaged[r]) and 0 <= members.dmg_lo[r] <= nik <= members.dmg_hi[r]
    # Level "excel" also covers the damage a file did not show: a NIK written as text that ends in
    # 0 (often serial 0000, which no NIK has) and differs from the candidate's only in its last digit.
    if not (in_range or lv[FIELD_COL["nik"]] == 4):
        return False
    if total < p.ambang_pulih or margin < 2 * p.selisih_usulan:
        return False
    name, dob, sex = lv[FIELD_COL["nama"]], lv[FIELD_COL["tanggal_lahir"]], lv[FIELD_COL["jenis_kelamin"]]
    kk, mother, desa = lv[FIELD_COL["no_kk"]], lv[FIELD_COL["nama_ibu"]], lv[FIELD_COL["desa"]]
    if lv[FIELD_COL["nik"]] == 4:
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
        ident = total - float(weights_nik)
        name_ok = 1 <= name <= 4 or (int(name) in _WRITTEN_STRONG and dob == 1)
        if plausible is None:  # the caller usually knows (is_plausible on all candidate pairs at once)
            plausible = bool(is_plausible(lv[None, :])[0])
        return bool(plausible and ident >= p.ambang_terima and sex == 1 and name_ok)
    # Fewer trusted digits: only the kecamatan or less is left of the NIK. Name (as normalised),
    # birth date, sex and desa must agree exactly, and No KK and mother's name must not disagree
    # (they are often missing or damaged too); ambang_pulih keeps common names out.
    if not (sex == 1 and kk in (0, 1, 2) and mother in (0, 1)):
        return False
    name_same, dob_same, desa_same = name in (1, 2), dob == 1, desa == 1
    if name_same and dob_same and desa_same:
        return True
    # With the mother's name agreeing (not merely missing), ONE of these may differ, the way one
    # person's two records differ (issue 10: on a file whose every NIK went through a spreadsheet
    # these were a third of the queue):
    # - the name only written differently (an initial, joined words, a part left off; not when the
    #   shared words are only common given names) or a typo (at least 90 % alike);
    # - the desa (moved, within the kecamatan or out of it; the NIK keeps the kecamatan of birth);
    # - the birth date: day and month swapped, or one of day, month, year different.
    # Everything else must agree exactly. Who else shares the kecamatan of the NIK, the birth date,
    # the sex, the desa and the mother? Only a twin, with the risk the 15-digit rule above takes: a
    # twin whose name is as close (SARTIKA / KARTIKA) when the member's own record is missing from
    # the extract. A twin in the extract too is caught by the margin, one in the registry too by ganda.
    if mother != 1:
        return False
    name_written = name == 4 or int(name) in _WRITTEN_STRONG
    if name_written:
        return bool(dob_same and desa_same)
    if not name_same:
        return False
    return bool((dob_same and desa in (2, 3)) or (desa_same and dob in (2, 3)))


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
