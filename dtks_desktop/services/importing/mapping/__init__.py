"""Column mapping: which column of an imported file holds which field.

- Canonical fields (``NIK``, ``NO_KK``... constants below, labels in :data:`FIELD_LABELS`).
- Header synonyms per field, matched on a normalised header text: accents folded, upper case,
  everything but letters and digits removed (so ``"No. NIK"``, ``"NO_NIK"`` and ``"NONIK"``
  are the same key). A trailing part in parentheses is also tried without it
  (``"TANGGAL LAHIR (DD-MM-YYYY)"``).
- :class:`Preset`: a kind of file (SIKS-NG DTKS export, SIKS-NG desil export, Dukcapil extract,
  programme list) with its required and optional fields. Plain data, saved as JSON.
- :func:`detect_header` finds the header row among the first rows (title rows skipped,
  two-row headers with merged cells combined), :func:`guess_kind` guesses the preset and
  :func:`validate_mapping` reports duplicates and missing required columns as a
  :class:`MappingError` with Indonesian messages that name the file, row and columns.

Modules: :mod:`.fields` (fields, labels, synonyms, header keys, errors), :mod:`.presets` (the
built-in presets), :mod:`.header` (detection, guessing, validation). This package's namespace is
its public API (``from dtks_desktop.services.importing import mapping as M``).
"""

from __future__ import annotations

from dtks_desktop.services.importing.mapping.fields import (
    ID_DTKS,
    ID_ART,
    ID_KELUARGA,
    PROVINSI,
    KABUPATEN,
    KECAMATAN,
    DESA,
    KODE_PROVINSI,
    KODE_KABUPATEN,
    KODE_KECAMATAN,
    KODE_DESA,
    ALAMAT,
    DUSUN,
    RT,
    RW,
    NO_KK,
    NIK,
    NAMA,
    NAMA_KRT,
    TANGGAL_LAHIR,
    TEMPAT_LAHIR,
    TEMPAT_TANGGAL_LAHIR,
    JENIS_KELAMIN,
    NAMA_IBU,
    HUBUNGAN,
    HUBUNGAN_KRT,
    STATUS_KAWIN,
    PEKERJAAN,
    DESIL,
    PROGRAM,
    PERIODE,
    STATUS,
    PADAN_DUKCAPIL,
    KETERANGAN,
    FIELDS,
    FIELD_LABELS,
    SYNONYMS,
    ANCHOR_FIELDS,
    HEADER_SCAN_ROWS,
    normalize_header,
    header_key,
    field_for_header,
    MappingProblem,
    MappingError,
)
from dtks_desktop.services.importing.mapping.header import (HeaderMatch, detect_header, guess_kind, mapping_problems,
                                                            preset_score, validate_mapping)
from dtks_desktop.services.importing.mapping.presets import PRESETS, Preset, get_preset

__all__ = [
    # fields
    "ID_DTKS", "ID_ART", "ID_KELUARGA", "PROVINSI", "KABUPATEN", "KECAMATAN", "DESA",
    "KODE_PROVINSI", "KODE_KABUPATEN", "KODE_KECAMATAN", "KODE_DESA", "ALAMAT", "DUSUN", "RT",
    "RW", "NO_KK", "NIK", "NAMA", "NAMA_KRT", "TANGGAL_LAHIR", "TEMPAT_LAHIR",
    "TEMPAT_TANGGAL_LAHIR", "JENIS_KELAMIN", "NAMA_IBU", "HUBUNGAN", "HUBUNGAN_KRT",
    "STATUS_KAWIN", "PEKERJAAN", "DESIL", "PROGRAM", "PERIODE", "STATUS", "PADAN_DUKCAPIL",
    "KETERANGAN",
    "FIELDS", "FIELD_LABELS", "SYNONYMS", "ANCHOR_FIELDS", "HEADER_SCAN_ROWS",
    # API
    "normalize_header", "header_key", "field_for_header",
    "Preset", "PRESETS", "get_preset",
    "HeaderMatch", "MappingProblem", "MappingError",
    "detect_header", "guess_kind", "validate_mapping", "mapping_problems", "preset_score",
]
