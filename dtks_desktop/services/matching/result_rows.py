"""The engine's arrays as ``match_results`` rows: status, link, score, and the reasons and
candidates JSON with one Indonesian note per field (:class:`ResultBuilder`).

A full run writes a row for every registry member: 1,000,000 rows at a kabupaten, each with a
reasons document. The builder works on a range of members at a time: the numeric columns come
out of the arrays in one ``tolist`` per chunk, a field note that does not depend on the values
("Nama: sama") is made once per field, level and weight and shared by every row that has it,
and only the notes that name values are written per row. Rows the machine restores itself keep
their reasons as a dict until the write adds the NIK as it was (one encoding, not two).
"""

from __future__ import annotations

import math
from typing import Callable

import numpy as np

from dtks_desktop.domain.workflow.matching import AGREEING_STATUSES, MatchStatus
from dtks_desktop.services.matching import engine as E
from dtks_desktop.services.matching import settings as S

__all__ = ["ResultBuilder", "RESULT_COLUMNS", "COL"]

RESULT_COLUMNS = ("member_id", "status", "score", "dukcapil_id", "nik_matched", "reasons", "candidates",
                  "fingerprint", "dukcapil_batch_id", "ganda_of_member_id", "priority", "version", "decision",
                  "decided_by", "decided_at", "run_id")
COL = {c: j for j, c in enumerate(RESULT_COLUMNS)}

_SUMMARY_NIK = {
    "kosong": "NIK kosong/tidak sah di DTKS",
    "satu_digit": "NIK di DTKS beda satu digit",
    "tukar": "dua digit NIK di DTKS bertukar",
    "excel": "NIK di DTKS rusak oleh Excel",
    "beda": "NIK di DTKS tidak cocok",
    "sama": "NIK sama",
}
_LEVEL_NAMES = [S.FIELD_LEVELS[f] for f in S.FIELDS]
_NIK = S.FIELDS.index("nik")
_SEX_CODE = {1: "L", 2: "P"}
_N_FIELDS = len(S.FIELDS)


def _round(x: float) -> float:
    return round(x, 2) if math.isfinite(x) else 0.0


class ResultBuilder:
    """Turns the engine's arrays into ``match_results`` rows (:data:`RESULT_COLUMNS` order).

    :meth:`rows` builds the rows of members ``lo..hi``; a row listed in ``restore`` keeps its
    reasons as a dict (the write adds the restoration and encodes it)."""

    def __init__(self, members: E.Table, civil: E.CivilIndex, res: E.LinkResult,
                 region_name: Callable[[str], str | None]) -> None:
        self.m, self.c, self.res, self.rn = members, civil, res, region_name
        self.vocab = civil.vocab
        self._padan_cache: dict[tuple, str] = {}
        self._const: dict[tuple, dict] = {}  # (field, level, weight) -> shared field entry
        self.wr = np.round(res.weights.astype(np.float64), 2)
        self.score = np.round(res.score, 2)

    # --- values named in the notes ---

    def _value(self, t: E.Table, j: int, i: int, nik: int):
        f = S.FIELDS[j]
        v = self.vocab
        if f == "nik":
            return f"{nik:016d}" if nik >= 0 else None
        if f == "nama":
            k = int(t.raw[i])
            return v.raw.values[k] if k >= 0 else None
        if f == "tanggal_lahir":
            return int(t.dob[i])
        if f == "jenis_kelamin":
            return _SEX_CODE.get(int(t.sex[i]))
        if f == "nama_ibu":
            k = int(t.mother[i])
            return v.mothers.values[k] if k >= 0 else None
        if f == "no_kk":
            k = int(t.kk[i])
            return f"{k:016d}" if k >= 0 else None
        k = int(t.desa[i])
        return v.desa.values[k] if k >= 0 else None

    def _fields(self, i: int, lv: list, wr: list, best_c: int, sim: float) -> list[dict]:
        out = []
        const = self._const
        for j in range(_N_FIELDS):
            level, w = lv[j], wr[j]
            entry = const.get((j, level, w))
            if entry is None:
                f = S.FIELDS[j]
                lvl = _LEVEL_NAMES[j][level]
                note = E.constant_note(f, lvl)
                if note is not None:
                    entry = const[(j, level, w)] = {"f": f, "lvl": lvl, "w": w, "cat": note}
                else:
                    m_val = self._value(self.m, j, i, int(self.m.nik_any[i]))
                    c_val = self._value(self.c.t, j, best_c, int(self.c.t.nik[best_c]))
                    entry = {"f": f, "lvl": lvl, "w": w,
                             "cat": E.field_note(f, lvl, m_val, c_val, sim=sim if f == "nama" else None,
                                                 region_name=self.rn)}
            out.append(entry)
        return out

    # --- rows ---

    def rows(self, lo: int, hi: int, fingerprints: list[str], batch_id, ganda_mid: list,
             restore: np.ndarray | None = None) -> list[tuple]:
        """Rows of members ``lo..hi``; ``ganda_mid[k]`` the member id row ``lo + k`` duplicates
        (None); ``restore[i]``: the machine restores member ``i`` itself (reasons stay a dict)."""
        res, m, c = self.res, self.m, self.c
        sl = slice(lo, hi)
        st_l = res.base_status[sl].tolist()
        ci_l = res.civil[sl].tolist()
        ids_l = m.ids[sl].tolist()
        score_l = self.score[sl].tolist()
        ident_l = res.identity[sl].tolist()
        lv_l = res.levels[sl].tolist()
        wr_l = self.wr[sl].tolist()
        sim_l = res.name_sim[sl].tolist()
        dmg_l = m.damaged[sl].tolist()
        rst_l = restore[sl].tolist() if restore is not None else None
        civ_ids, civ_nik = c.t.ids, c.t.nik
        dumps = E.json_dumps
        out = []
        for k in range(hi - lo):
            i = lo + k
            st = st_l[k]
            base_name = E.STATUSES[st]
            g_mid = ganda_mid[k]
            status = MatchStatus.GANDA if g_mid is not None else base_name
            ci = ci_l[k]
            lv = lv_l[k]
            notes = res.notes[i] or []
            agreeing = ci >= 0 and status in AGREEING_STATUSES
            # the candidates are only written for rows a clerk looks at (and name the best one without a link)
            cands = None if agreeing else res.candidates[i]
            best_c = ci if ci >= 0 else (cands[0][0] if cands else -1)
            reasons = None
            key = None
            if best_c >= 0:
                if status == MatchStatus.PADAN and not notes:
                    key = (*lv, *wr_l[k])
                    reasons = self._padan_cache.get(key)
                if reasons is None:
                    fields = self._fields(i, lv, wr_l[k], best_c, sim_l[k])
            else:
                fields = []
            if reasons is None:
                d = {"status_mesin": base_name, "ringkasan": self._summary(status, base_name, ci, lv, g_mid),
                     "skor_identitas": _round(ident_l[k]), "bidang": fields}
                if notes:
                    d["catatan"] = notes
                if g_mid is not None:
                    d["ganda_dari"] = g_mid
                if ci < 0 and best_c >= 0:
                    d["calon_terbaik"] = int(civ_ids[best_c])
                if rst_l is not None and rst_l[k]:
                    reasons = d
                else:
                    reasons = dumps(d)
                    if key is not None:
                        self._padan_cache[key] = reasons
            cand_json = None
            if agreeing:
                pass  # the link itself is in the reasons ("bidang"); review_item rebuilds it from there
            elif cands:
                cand_json = dumps([{"id": int(civ_ids[cc]), "nik": f"{int(civ_nik[cc]):016d}",
                                    "skor": sc, "lv": lvs, "w": ws} for cc, sc, lvs, ws in cands])
            elif ci >= 0:
                cand_json = dumps([{"id": int(civ_ids[ci]), "nik": f"{int(civ_nik[ci]):016d}",
                                    "skor": _round(float(res.score[i])), "lv": lv,
                                    "w": [round(x, 2) for x in res.weights[i].tolist()]}])
            nik = f"{int(civ_nik[ci]):016d}" if ci >= 0 else None
            out.append((ids_l[k], status, score_l[k], int(civ_ids[ci]) if ci >= 0 else None, nik, reasons, cand_json,
                        fingerprints[i], batch_id, g_mid, E.priority_of(status, dmg_l[k] or lv[_NIK] == 4), 1,
                        None, None, None, None))
        return out

    def _summary(self, status: str, base: str, ci: int, lv: list, ganda_of_mid) -> str:
        if status == MatchStatus.GANDA:
            return f"Orang yang sama dengan anggota #{ganda_of_mid} (dua baris DTKS untuk satu orang di Dukcapil)"
        if base == MatchStatus.PADAN:
            return "NIK ditemukan di Dukcapil dan identitas cocok"
        names = {f: _LEVEL_NAMES[j][lv[j]] for j, f in enumerate(S.FIELDS)}
        if base == MatchStatus.PADAN_CATATAN:
            diffs = [S.FIELD_LABELS[f] for f in S.FIELDS if f != "nik" and names[f] not in ("sama", "kosong")]
            if names["tanggal_lahir"] == "kosong":
                diffs.append("tanggal lahir kosong")
            if names["jenis_kelamin"] == "kosong":
                diffs.append("jenis kelamin kosong")
            return "NIK ditemukan; ada perbedaan: " + (", ".join(diffs) or "NIK ganda di Dukcapil")
        nik_txt = f"{int(self.c.t.nik[ci]):016d}" if ci >= 0 else None
        if base == MatchStatus.USULAN_KOREKSI:
            why = _SUMMARY_NIK.get(names["nik"], "")
            if names["nik"] == "sama":
                return f"NIK ditemukan, tetapi identitas kurang cocok; periksa sebelum diterima ({nik_txt})"
            return f"Diusulkan NIK {nik_txt} ({why})"
        if base == MatchStatus.NIK_ORANG_LAIN:
            if nik_txt:
                return f"NIK di DTKS milik orang lain; diusulkan NIK {nik_txt}"
            return "NIK di DTKS milik orang lain; tidak ada calon yang cocok"
        return "Tidak ditemukan di data Dukcapil"
