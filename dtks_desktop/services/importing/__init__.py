"""Reading half of the importer: files to rows, columns to fields, dates.

- :mod:`.readers`: :func:`open_table` (xlsx/xls via calamine, CSV streamed) and
  :class:`ImportFileError`.
- :mod:`.mapping`: canonical fields, header synonyms, presets, :func:`detect_header`,
  :func:`guess_kind`, :func:`validate_mapping`.
- :mod:`.dates`: :func:`parse_date`.
"""

from dtks_desktop.services.importing.dates import parse_date
from dtks_desktop.services.importing.mapping import (
    FIELD_LABELS,
    FIELDS,
    PRESETS,
    HeaderMatch,
    MappingError,
    MappingProblem,
    Preset,
    detect_header,
    get_preset,
    guess_kind,
    validate_mapping,
)
from dtks_desktop.services.importing.readers import (
    ImportFileError,
    Table,
    column_letter,
    describe_location,
    open_table,
)

__all__ = [
    "FIELDS",
    "FIELD_LABELS",
    "PRESETS",
    "HeaderMatch",
    "ImportFileError",
    "MappingError",
    "MappingProblem",
    "Preset",
    "Table",
    "column_letter",
    "describe_location",
    "detect_header",
    "get_preset",
    "guess_kind",
    "open_table",
    "parse_date",
    "validate_mapping",
]
