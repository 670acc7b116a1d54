"""Record linkage of registry members to civil-registry persons, in memory (no database, no Qt).

Pipeline (see docs/matching.md):

1. **Tables** (:mod:`.tables`, :mod:`.vocabulary`). :class:`TableBuilder` turns rows of the civil registry (``CIVIL_COLUMNS``) and of
   the registry (``MEMBER_COLUMNS``) into compact numpy columns. Every text column is
   factorised into a shared :class:`Vocab` (one id per distinct normalised name, name key,
   mother's name, desa), so 3,000,000 persons fit in a few hundred MB.
2. **Phase 1, exact NIK** (:mod:`.linkage`). Each member with a clean NIK is paired with the civil person(s)
   holding that NIK (a civil-registry extract can hold a NIK twice: both are candidates). The
   pair's identity (name, birth date, sex, mother, No KK, desa) decides: accepted ->
   ``padan`` / ``padan_catatan``; otherwise the member goes on to phase 2.
3. **Phase 2, blocking** (:mod:`.blocking`, only members without a clean, consistent NIK): NIK within one
   substituted or swapped digit; the trusted digits of an Excel-damaged NIK (a numeric range);
   name key + birth date; No KK + birth date; desa + birth year + name key; desa + birth date;
   No KK + name key; desa + name key. Never all pairs.
4. **Comparison** (:mod:`.comparison`) per pair and field into levels, weights ``log2(m/u)`` from
   the run's :class:`Model` (:mod:`.estimation`: learned from the data at a full run, the
   :mod:`.settings` priors otherwise) with a term-frequency ``u`` for the name, all vectorised with numpy and
   ``rapidfuzz.process.cpdist`` (only on distinct unequal name pairs).
5. **Classification** into the six statuses (:mod:`.linkage`), and an Indonesian explanation per
   field (:mod:`.explanations`).

Shared constants (statuses, column orders) are in :mod:`.common`; the name rules (written form,
patronymic, Muhammad and title lists) in :mod:`dtks_desktop.domain.names`.
This package's namespace is its public API (``from dtks_desktop.services.matching import engine as E``).

The result is deterministic for the same input order.
"""

from dtks_desktop.services.matching.engine.common import (CIVIL_COLUMNS, GANDA, LINKING_STATUSES, MEMBER_COLUMNS,
                                                          NIK_DAMAGE_FLAGS, NIK_ORANG_LAIN, PADAN, PADAN_CATATAN,
                                                          STATUS_LABELS, STATUSES, TIDAK_PADAN, USULAN_KOREKSI,
                                                          json_dumps, round_score)
from dtks_desktop.services.matching.engine.estimation import LevelModel, Model, estimate_model
from dtks_desktop.services.matching.engine.explanations import constant_note, explain_fields, field_note, level_names
from dtks_desktop.services.matching.engine.linkage import LinkResult, assign_ganda, link, priority_of
from dtks_desktop.services.matching.engine.tables import CivilIndex, Table, TableBuilder
from dtks_desktop.services.matching.engine.vocabulary import Vocab

__all__ = [
    "STATUSES", "PADAN", "PADAN_CATATAN", "USULAN_KOREKSI", "NIK_ORANG_LAIN", "GANDA", "TIDAK_PADAN",
    "STATUS_LABELS", "LINKING_STATUSES", "CIVIL_COLUMNS", "MEMBER_COLUMNS", "Vocab", "Table", "TableBuilder",
    "CivilIndex", "LinkResult", "link", "assign_ganda", "explain_fields", "constant_note", "field_note", "level_names",
    "priority_of", "NIK_DAMAGE_FLAGS", "json_dumps", "round_score", "Model", "LevelModel", "estimate_model",
]
