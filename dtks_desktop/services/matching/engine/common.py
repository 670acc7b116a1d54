"""Statuses, column orders and constants shared by the parts of the engine."""

from __future__ import annotations

import math

import numpy as np
import orjson

from dtks_desktop.domain.workflow.matching import LINKING_STATUSES, MATCH_STATUS_LABELS, MATCH_STATUSES  # noqa: F401
from dtks_desktop.services.matching import settings as S


# --- statuses ----------------------------------------------------------------------------------

STATUSES = MATCH_STATUSES  # the engine's integer status codes index this tuple
PADAN, PADAN_CATATAN, USULAN_KOREKSI, NIK_ORANG_LAIN, GANDA, TIDAK_PADAN = range(6)
STATUS_LABELS = MATCH_STATUS_LABELS  # one source: domain/workflow/matching.py
# LINKING_STATUSES (``nik_matched`` points at a civil-registry person; used for ``ganda``): domain/workflow.
# Order in which two members linked to one civil person keep the link (lower wins).
STATUS_RANK = {PADAN: 0, PADAN_CATATAN: 1, USULAN_KOREKSI: 2, NIK_ORANG_LAIN: 3, TIDAK_PADAN: 9, GANDA: 9}

NIK_DAMAGE_FLAGS = ("nik_rusak_excel",)

# Column order of the rows handed to TableBuilder.
CIVIL_COLUMNS = ("id", "nik", "no_kk", "nama", "nama_norm", "tanggal_lahir", "jenis_kelamin", "nama_ibu",
                 "desa_kode", "nik_flags")
MEMBER_COLUMNS = ("id", "nik", "nik_raw", "nik_flags", "nama", "nama_norm", "tanggal_lahir", "jenis_kelamin",
                  "nama_ibu", "no_kk", "desa_kode", "no_kk_flags")

FIELD_COL = {f: i for i, f in enumerate(S.FIELDS)}  # field -> column in the level/weight matrices
N_FIELDS = len(S.FIELDS)
POW10 = np.array([10 ** (15 - k) for k in range(16)], dtype=np.int64)
BITS = 27  # dob (yyyymmdd < 2^27) and vocabulary ids are packed in 27-bit slots


def json_dumps(obj) -> str:
    """Compact JSON, UTF-8 as text (orjson: the result rows of a 1M-member run are ~1M documents;
    json.dumps took a fifth of a run whose every NIK had to be restored)."""
    return orjson.dumps(obj, option=orjson.OPT_NON_STR_KEYS).decode()


def round_score(x: float) -> float:
    return float(round(x, 2)) if math.isfinite(x) else 0.0


def unique_sorted(a: np.ndarray) -> np.ndarray:
    """``np.unique(a)`` by one sort. numpy 2.3+ answers ``np.unique`` without ``return_*``
    arguments by hashing, which on the 11 million candidate pairs of a 1M x 3M run took 8.9 s
    against 0.3 s for sorting (2-core machine, numpy 2.4)."""
    if len(a) == 0:
        return a.copy()
    s = np.sort(a)
    keep = np.empty(len(s), dtype=bool)
    keep[0] = True
    np.not_equal(s[1:], s[:-1], out=keep[1:])
    return s[keep]
