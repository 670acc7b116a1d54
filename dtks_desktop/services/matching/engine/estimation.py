"""Weights learned from the data at hand (Fellegi–Sunter m/u), with the tuned defaults as the prior.

Pure (numpy, no database). :func:`estimate_model` is called at a full matching run, after the
tables are loaded and before linking (see docs/matching.md, "Weights learned from the data"):

- **m** from the *certain* pairs: a member's own valid NIK not damaged by a spreadsheet, found
  exactly once in the civil-registry extract, with birth date ``sama`` and sex ``sama``. The levels
  of the name, mother's name, No KK and desa on these pairs are counted. The NIK's m/u stay the
  priors (the NIK is what selects the pairs), and so do the birth date's and sex's m (they are the
  condition).
- **u** among the pairs the classifier actually sees: a seeded random sample of members that have a
  certain pair goes through the engine's blocking (name, birth date, No KK, desa, mother blocks; not
  the near-NIK blocks, whose pairs share birth date, sex and kecamatan through the NIK itself);
  their candidate pairs whose civil person is
  *not* their certain person are certainly non-matches. (A u from unconditional random pairs would
  be ~1/400 for ``desa sama`` and would not fit thresholds calibrated on candidate pairs.) The NIK's
  u stays the population value; the name levels with a term-frequency u (``sama``,
  ``sama_beda_tulisan``, ``urutan``) keep it and learn only their m.
- Each share is blended with the prior as pseudo-counts: ``m_l = (n_l + A·m_prior_l) / (N + A)``,
  ``A`` = :data:`M_PSEUDO` pairs, ``B`` = :data:`U_PSEUDO` for u (N over the levels except
  ``kosong``). A level never seen keeps its prior; everything is clipped to [1e-5, 0.999]. A
  kabupaten with few certain pairs thus stays near the tuned defaults.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone

import numpy as np

from dtks_desktop.services.core.common import CancelFlag, check_cancel
from dtks_desktop.services.matching import settings as S
from dtks_desktop.services.matching.engine.blocking import Blocker, expand, unique_pairs
from dtks_desktop.services.matching.engine.common import FIELD_COL
from dtks_desktop.services.matching.engine.comparison import Comparator
from dtks_desktop.services.matching.engine.tables import CivilIndex, Table

M_PSEUDO = 1000.0  # prior strength of m, in pairs
U_PSEUDO = 2000.0  # prior strength of u, in pairs
MIN_PAIRS = 200  # a field with at least this many pairs is "learned from the data"
FLOOR, CEIL = 1e-5, 0.999
M_SAMPLE = 200_000  # exact-NIK pairs compared for m (seeded sample; plenty for shares of 1e-4)
U_SAMPLE = 20_000  # members with a certain pair whose blocked candidates give u
SEED = 20_240_601

# Fields whose m is learned (birth date and sex are the condition of a certain pair; the NIK selects it).
M_FIELDS = ("nama", "nama_ibu", "no_kk", "desa")
# Fields whose u is learned (the NIK's u is the population value).
U_FIELDS = ("nama", "tanggal_lahir", "jenis_kelamin", "nama_ibu", "no_kk", "desa")
# Name levels with a term-frequency u (settings.MU has u None).
TF_LEVELS = tuple(lvl for lvl, (_m, u) in S.MU["nama"].items() if u is None)
# "sama" and "sama_beda_tulisan" are the same name (one written with a note): one m for both, as in
# the prior; learning them apart would punish a name only because a village writes it differently.
_M_GROUPS = {"nama": {"sama_beda_tulisan": "sama"}}


@dataclass
class LevelModel:
    m: float
    u: float | None  # None: term-frequency u (the share of civil persons with the same name key)
    weight: float  # log2(m/u); term-frequency levels log2(m) (the run adds -log2(u_tf))
    n_m: int = 0  # certain pairs at this level
    n_u: int = 0  # non-matching candidate pairs at this level
    source: str = "prior"  # "data" or "prior"


def _weight(m: float, u: float | None) -> float:
    return math.log2(m) if u is None else math.log2(m / u)


@dataclass
class Model:
    """m, u and weight per field and level (level ``kosong`` is always weight 0 and not listed)."""

    fields: dict[str, dict[str, LevelModel]]
    estimated: bool = False
    certain_pairs: int = 0
    non_match_pairs: int = 0
    estimated_at: str | None = None
    notes: list[str] = field(default_factory=list)
    source_run: int | None = None  # an incremental run reuses the model estimated at this run

    @classmethod
    def prior(cls) -> "Model":
        """The tuned defaults (``settings.MU``): today's weights."""
        return cls({f: {lvl: LevelModel(m, u, _weight(m, u)) for lvl, (m, u) in S.MU[f].items()} for f in S.FIELDS})

    def level_weights(self) -> dict[str, list[float]]:
        """Weight per field and level in ``settings.FIELD_LEVELS`` order (level 0 = 0)."""
        out = {}
        for f in S.FIELDS:
            lv = self.fields.get(f, {})
            prior = S.MU[f]
            ws = [0.0]
            for name in S.FIELD_LEVELS[f][1:]:
                x = lv.get(name)
                ws.append(x.weight if x is not None else _weight(*prior[name]))
            out[f] = ws
        return out

    def as_dict(self) -> dict:
        return {"estimated": self.estimated, "certain_pairs": self.certain_pairs,
                "non_match_pairs": self.non_match_pairs, "estimated_at": self.estimated_at, "notes": list(self.notes),
                "source_run": self.source_run,
                "fields": {f: {lvl: asdict(x) for lvl, x in lv.items()} for f, lv in self.fields.items()}}

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), sort_keys=True)

    @classmethod
    def from_json(cls, text: str | None) -> "Model":
        """The stored model; an empty or unreadable text gives the priors."""
        if not text:
            return cls.prior()
        try:
            d = json.loads(text)
            prior = cls.prior()
            fields_ = {}
            for f in S.FIELDS:
                stored = (d.get("fields") or {}).get(f) or {}
                fields_[f] = {lvl: (LevelModel(**stored[lvl]) if lvl in stored else prior.fields[f][lvl])
                              for lvl in prior.fields[f]}
            return cls(fields_, estimated=bool(d.get("estimated")), certain_pairs=int(d.get("certain_pairs") or 0),
                       non_match_pairs=int(d.get("non_match_pairs") or 0), estimated_at=d.get("estimated_at"),
                       notes=list(d.get("notes") or []), source_run=d.get("source_run"))
        except (ValueError, TypeError, KeyError, AttributeError):
            return cls.prior()


def _counts(lv: np.ndarray, f: str) -> np.ndarray:
    return np.bincount(lv[:, FIELD_COL[f]].astype(np.int64), minlength=len(S.FIELD_LEVELS[f]))


def _blend(counts: dict[str, int], prior: dict[str, float], pseudo: float) -> dict[str, float]:
    """Pseudo-count blend of observed shares with the prior; unseen levels keep the prior."""
    n = sum(counts.values())
    out = {}
    for lvl, p in prior.items():
        k = counts.get(lvl, 0)
        v = p if k == 0 else (k + pseudo * p) / (n + pseudo)
        out[lvl] = float(min(max(v, FLOOR), CEIL))
    return out


def certain_pairs(members: Table, civil: CivilIndex, comp: Comparator, *, limit: int = M_SAMPLE,
                  rng: np.random.Generator | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(member rows, civil rows, levels) of the certain pairs (a seeded sample of at most ``limit``
    exact-NIK pairs is compared)."""
    rng = rng or np.random.default_rng(SEED)
    rows = np.flatnonzero(members.nik_clean)
    mi, ci = expand(members.nik[rows], rows, civil.nik_sorted, civil.nik_order, 10)
    if len(mi):
        per_member = np.bincount(mi, minlength=members.n)
        once = (per_member[mi] == 1) & ~civil.dup_nik[ci]
        mi, ci = mi[once], ci[once]
    if len(mi) > limit:
        pick = np.sort(rng.choice(len(mi), limit, replace=False))
        mi, ci = mi[pick], ci[pick]
    lv, _w, _s = comp.compare(mi, ci, with_nik=False)
    ok = (lv[:, FIELD_COL["tanggal_lahir"]] == 1) & (lv[:, FIELD_COL["jenis_kelamin"]] == 1)
    return mi[ok], ci[ok], lv[ok]


def estimate_model(members: Table, civil: CivilIndex, params: S.MatchParams | None = None,
                   prior: Model | None = None, *, u_sample: int = U_SAMPLE, m_sample: int = M_SAMPLE,
                   seed: int = SEED, m_pseudo: float = M_PSEUDO, u_pseudo: float = U_PSEUDO,
                   cancel: CancelFlag | None = None) -> Model:
    """m and u per field level from this run's data, blended with ``prior`` (default the tuned m/u)."""
    p = params or S.DEFAULTS
    prior = prior or Model.prior()
    rng = np.random.default_rng(seed)
    civil.refresh_vocab()
    comp = Comparator(members, civil, p, prior)
    check_cancel(cancel)
    mi, ci, lv = certain_pairs(members, civil, comp, limit=m_sample, rng=rng)
    check_cancel(cancel)

    # u: blocked candidates of a sample of members with a certain pair, other than that person.
    lv_u = np.zeros((0, lv.shape[1]), dtype=np.int8)
    if len(mi):
        k = min(u_sample, len(mi))
        pick = np.sort(rng.choice(len(mi), k, replace=False))
        own = np.full(members.n, -1, dtype=np.int64)
        own[mi[pick]] = ci[pick]
        # Not the NIK blocks: a NIK one digit away from a member's correct NIK belongs to somebody born
        # the same day, of the same sex, in the same kecamatan (the NIK encodes them), so those pairs
        # would make the birth date and sex look worthless for every pair; the NIK's own weight
        # (population u) already speaks for them.
        a, b = Blocker(members, civil, p).pairs(np.sort(mi[pick]), cancel, nik_blocks=False)
        a, b = unique_pairs(a, b)
        civil.drop_blocks()
        keep = own[a] != b
        a, b = a[keep], b[keep]
        # The same person twice in the extract (another NIK) is no non-match: leave out candidates
        # that agree on name, birth date and sex exactly.
        check_cancel(cancel)
        lv_u, _w, _s = comp.compare(a, b, with_nik=False)
        same = ((lv_u[:, FIELD_COL["nama"]] == 1) & (lv_u[:, FIELD_COL["tanggal_lahir"]] == 1)
                & (lv_u[:, FIELD_COL["jenis_kelamin"]] == 1))
        lv_u = lv_u[~same]

    fields_: dict[str, dict[str, LevelModel]] = {}
    for f in S.FIELDS:
        names = S.FIELD_LEVELS[f]
        pf = prior.fields[f]
        cm = _counts(lv, f) if f in M_FIELDS else np.zeros(len(names), dtype=np.int64)
        cu = _counts(lv_u, f) if f in U_FIELDS else np.zeros(len(names), dtype=np.int64)
        n_m = {names[i]: int(cm[i]) for i in range(1, len(names))}
        n_u = {names[i]: int(cu[i]) for i in range(1, len(names))}
        m_learn = f in M_FIELDS and sum(n_m.values()) >= 1
        u_learn = f in U_FIELDS and sum(n_u.values()) >= 1
        m_data = f in M_FIELDS and sum(n_m.values()) >= MIN_PAIRS
        u_data = f in U_FIELDS and sum(n_u.values()) >= MIN_PAIRS
        m_est = {lvl: x.m for lvl, x in pf.items()}
        if m_learn:
            groups = _M_GROUPS.get(f, {})
            g_counts: dict[str, int] = {}
            for lvl, c in n_m.items():
                g = groups.get(lvl, lvl)
                g_counts[g] = g_counts.get(g, 0) + c
            g_prior = {lvl: x.m for lvl, x in pf.items() if lvl not in groups}
            g_est = _blend(g_counts, g_prior, m_pseudo)
            m_est = {lvl: g_est[groups.get(lvl, lvl)] for lvl in pf}
        u_est = {lvl: x.u for lvl, x in pf.items()}
        if u_learn:
            u_prior = {lvl: x.u for lvl, x in pf.items() if x.u is not None}
            # The term-frequency levels take part in N (their pairs are non-matches too), with
            # their share of the prior mass.
            rest = max(1.0 - sum(u_prior.values()), 0.0)
            tf = [lvl for lvl, x in pf.items() if x.u is None]
            full_prior = {**u_prior, **{lvl: rest / len(tf) for lvl in tf}} if tf else u_prior
            est = _blend(n_u, full_prior, u_pseudo)
            u_est = {lvl: (est[lvl] if pf[lvl].u is not None else None) for lvl in pf}
        lm = {}
        for lvl in pf:
            m, u = m_est[lvl], u_est[lvl]
            src = "data" if ((m_data and m != pf[lvl].m) or (u_data and u != pf[lvl].u)) else "prior"
            lm[lvl] = LevelModel(m=round(m, 6), u=None if u is None else round(u, 6),
                                 weight=round(_weight(m, u), 4), n_m=n_m.get(lvl, 0), n_u=n_u.get(lvl, 0), source=src)
        fields_[f] = lm
    notes = []
    if len(mi) < MIN_PAIRS:
        notes.append(f"Hanya {len(mi)} pasangan pasti (NIK utuh sama, tanggal lahir dan jenis kelamin sama): "
                     "bobot hampir seluruhnya dari nilai bawaan.")
    return Model(fields_, estimated=True, certain_pairs=int(len(mi)), non_match_pairs=int(len(lv_u)),
                 estimated_at=datetime.now(timezone.utc).isoformat(timespec="seconds"), notes=notes)
