"""Matching parameters: the comparison model (m/u probabilities) and the thresholds.

The thresholds are office settings (``settings`` table, keys ``match.*``) so an office can make
the machine stricter or looser without a new release; the m/u tables are part of the model and
live here. Both are documented in ``docs/matching.md``, including how the defaults were tuned
on the demo generator's ground truth (``python -m dtks_desktop.demo.tuning``).

Scores are in bits: the sum of ``log2(m / u)`` over the compared fields (Fellegi–Sunter).
``m`` is the probability of a comparison level when the two records are the same person,
``u`` when they are not (estimated among the candidate pairs that blocking produces, which is
what the classifier actually sees).
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, fields

from sqlalchemy.orm import Session

from dtks_desktop.services.core import settings as office_settings
from dtks_desktop.services.core.permissions import Capability
from dtks_desktop.services.core.users import Actor
from dtks_desktop.services.core.common import DataKind, changes

# --- comparison levels -------------------------------------------------------------------------
# Every field has level 0 = "not comparable" (missing on one side), weight 0.

# The levels after "beda" come from ``domain.names.compare_names`` (how clerks and villages write a
# name); they are asked only when the character ratio is below "mirip90" and replace the ratio's
# level when they weigh more. Appended so that the stored level numbers keep their meaning.
NAME_LEVELS = ("kosong", "sama", "sama_beda_tulisan", "urutan", "mirip90", "mirip80", "beda",
               "gabung_pisah", "inisial", "sebagian_belakang", "sebagian_depan", "sebagian_umum",
               "mirip_sebagian")
# Name levels that say "written differently, same name" (not a disagreement): with the member's own
# intact NIK found and birth date and sex agreeing, the holder is the same person (padan_catatan).
NAME_WRITTEN_LEVELS = ("gabung_pisah", "inisial", "sebagian_belakang", "sebagian_depan", "sebagian_umum",
                       "mirip_sebagian")
DOB_LEVELS = ("kosong", "sama", "tukar", "satu_beda", "tahun_sama", "beda")
SEX_LEVELS = ("kosong", "sama", "beda")
MOTHER_LEVELS = ("kosong", "sama", "mirip", "beda")
KK_LEVELS = ("kosong", "sama", "sama_14", "beda")
DESA_LEVELS = ("kosong", "sama", "pindah_desa", "pindah_kec")
NIK_LEVELS = ("kosong", "sama", "satu_digit", "tukar", "excel", "beda")

FIELDS = ("nik", "nama", "tanggal_lahir", "jenis_kelamin", "nama_ibu", "no_kk", "desa")
FIELD_LEVELS = {
    "nik": NIK_LEVELS,
    "nama": NAME_LEVELS,
    "tanggal_lahir": DOB_LEVELS,
    "jenis_kelamin": SEX_LEVELS,
    "nama_ibu": MOTHER_LEVELS,
    "no_kk": KK_LEVELS,
    "desa": DESA_LEVELS,
}
FIELD_LABELS = {
    "nik": "NIK",
    "nama": "Nama",
    "tanggal_lahir": "Tanggal lahir",
    "jenis_kelamin": "Jenis kelamin",
    "nama_ibu": "Nama ibu kandung",
    "no_kk": "No KK",
    "desa": "Desa",
}

# m/u per field and level (level 0 is always weight 0). The name levels "sama",
# "sama_beda_tulisan" and "urutan" use a term-frequency u: the share of civil-registry persons
# with the same name key (between NAME_TF_FLOOR and NAME_TF_CEIL), so agreeing on a rare name
# counts more than agreeing on SITI AMINAH. m was estimated on the true pairs of the demo ground
# truth, u on the non-matching candidate pairs that blocking produced (see docs/matching.md);
# rounded, with floors so that no level is ever "impossible". The NIK's u is the population
# value (a random person almost never has the same NIK), not the candidate-pair value.
MU: dict[str, dict[str, tuple[float, float | None]]] = {
    "nik": {
        "sama": (0.93, 0.0006),
        "satu_digit": (0.02, 0.0008),
        "tukar": (0.007, 0.0001),
        "excel": (0.02, 0.0005),
        "beda": (0.007, 0.997),
    },
    "nama": {
        "sama": (0.955, None),
        "sama_beda_tulisan": (0.955, None),
        "urutan": (0.002, None),
        "mirip90": (0.016, 0.0005),
        "mirip80": (0.004, 0.004),
        "beda": (0.002, 0.99),
        # compare_names levels (issue 10, priors until they are learned from the ground truth):
        # joined/split words and initials close to mirip90, a left-off word between mirip80 and
        # mirip90 (a left-off given name weaker than a left-off surname), weak when the words both
        # names share in full are only very common given names (SRI, SITI, NUR ...) or none
        # ("sebagian_umum"), a left-off word with a typo about mirip80.
        "gabung_pisah": (0.008, 0.0003),
        "inisial": (0.008, 0.0004),
        "sebagian_belakang": (0.006, 0.0008),
        "sebagian_depan": (0.004, 0.0008),
        "sebagian_umum": (0.002, 0.0012),
        "mirip_sebagian": (0.004, 0.004),
    },
    "tanggal_lahir": {
        "sama": (0.985, 0.04),
        "tukar": (0.002, 0.0002),
        "satu_beda": (0.007, 0.01),
        "tahun_sama": (0.005, 0.02),
        "beda": (0.002, 0.93),
    },
    "jenis_kelamin": {
        "sama": (0.995, 0.55),
        "beda": (0.005, 0.45),
    },
    "nama_ibu": {
        "sama": (0.95, 0.1),
        "mirip": (0.01, 0.01),
        "beda": (0.02, 0.89),
    },
    "no_kk": {
        "sama": (0.9, 0.25),
        "sama_14": (0.005, 0.005),
        "beda": (0.05, 0.74),
    },
    "desa": {
        "sama": (0.977, 0.4),
        "pindah_desa": (0.012, 0.25),
        "pindah_kec": (0.01, 0.35),
    },
}
NAME_TF_FLOOR = 1e-6  # u floor for a name key (a name found once in 1,000,000 persons)
NAME_TF_CEIL = 0.05  # never treat a name as more common than this


def level_weights() -> dict[str, list[float]]:
    """Weight (bits) per field and level; the TF name levels hold log2(m) (add -log2(u))."""
    out: dict[str, list[float]] = {}
    for f in FIELDS:
        ws = [0.0]
        for lvl in FIELD_LEVELS[f][1:]:
            m, u = MU[f][lvl]
            ws.append(math.log2(m) if u is None else math.log2(m / u))
        out[f] = ws
    return out


# --- thresholds (office settings) ----------------------------------------------------------------

@dataclass(frozen=True)
class MatchParams:
    """Thresholds in force for a run. Stored per key as ``match.<name>``."""

    # The NIK holder is accepted (padan / padan_catatan) when its identity score (every field
    # except the NIK) reaches this and the name and birth date are plausible for one person.
    ambang_terima: float = 4.0
    # At or below this identity score the NIK holder is clearly somebody else (nik_orang_lain).
    ambang_orang_lain: float = -4.0
    # A candidate found without a clean NIK is proposed (usulan_koreksi / nik_orang_lain) when
    # its total score (NIK relation + identity) reaches this.
    ambang_usulan: float = 8.0
    # Below this margin between the best and the second candidate the proposal is marked
    # ambiguous (it stays a proposal; the review view shows both).
    selisih_usulan: float = 4.0
    # Name similarity levels (rapidfuzz ratio on the normalised name / sorted name key, 0-1).
    nama_mirip_tinggi: float = 0.90
    nama_mirip: float = 0.80
    ibu_mirip: float = 0.85
    # Blocks with more civil-registry persons than this are skipped (e.g. a common name key
    # on a placeholder birth date); other blocks still find the person.
    maks_blok: int = 200
    # At most this many candidates per member are kept for review.
    maks_kandidat: int = 5
    # Restoration of a NIK damaged by a spreadsheet (digits lost to a number format): 1 = the
    # machine accepts the proposal itself when the damaged value still covers the candidate's NIK,
    # the candidate is the only one that fits, name (as normalised), birth date, sex and desa
    # agree, No KK or mother's name agrees, and the score reaches ``ambang_pulih``; 0 = every such
    # proposal waits for a clerk. Accepted restorations are audited and can be rejected later
    # (review filter "Dipulihkan otomatis"), which puts the file's NIK back.
    pulih_otomatis: int = 1
    ambang_pulih: float = 15.0

    def as_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)


PREFIX = "match."
DEFAULTS = MatchParams()


def load_params(session: Session) -> MatchParams:
    """Thresholds from the settings table; a missing or unreadable value keeps its default."""
    values = {}
    for f in fields(MatchParams):
        raw = office_settings.get(session, PREFIX + f.name, None)
        if raw is None or raw == "":
            continue
        try:
            values[f.name] = int(raw) if f.type in ("int", int) else float(raw)
        except ValueError:
            continue
    return MatchParams(**values)


@changes(DataKind.SETTINGS)
def save_param(session: Session, actor: Actor | None, name: str, value: float | int) -> None:
    """Store one threshold (``match.settings``; audited through services.settings.put)."""
    names = {f.name: f for f in fields(MatchParams)}
    if name not in names:
        raise ValueError(f"Pengaturan pemadanan tidak dikenal: {name}")
    office_settings.put(session, actor, PREFIX + name, str(value), capability=Capability.MATCH_SETTINGS)
