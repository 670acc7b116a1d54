"""Header detection (:func:`detect_header`: title rows skipped, two-row headers combined), kind
guessing (:func:`guess_kind`) and validation (:func:`validate_mapping`, :func:`mapping_problems`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from dtks_desktop.services.importing.readers import column_letter
from dtks_desktop.services.importing.mapping.fields import (
    FIELDS,
    FIELD_LABELS,
    ANCHOR_FIELDS,
    HEADER_SCAN_ROWS,
    _MIN_FIELDS,
    header_key,
    _header_text,
    _keys,
    _GLOBAL_INDEX,
    MappingProblem,
    MappingError,
    _preset_error,
)
from dtks_desktop.services.importing.mapping.presets import PRESETS, Preset, get_preset


# ---- header detection ---------------------------------------------------------------------


@dataclass
class HeaderMatch:
    """Where the header is and which column holds which field.

    - ``header_row``: row number of the header (the first of two rows for a two-row header);
      ``header_rows``: all header rows; ``data_start_row``: first row number of the data
      (a numbering row "1 2 3 ..." right below the header is skipped).
    - ``columns``: ``{field: column_index}`` (0-based, absolute) for every field with exactly
      one column. A field with several candidate columns is in ``duplicates`` instead and not
      in ``columns`` until the user chooses.
    - ``headers``: ``{column_index: header text as shown}`` for every non-empty header cell
      (a two-row header shows ``"ALAMAT / RT"``).
    - ``unmapped``: ``[(column_index, header text)]`` of headers that map to no field.
    - ``confidence``: share of the non-empty header cells that mapped to a field (0..1).
    - ``missing_choices``: ``{field: header_text}`` of explicit choices not found in the header.
    """

    header_row: int
    header_rows: tuple[int, ...]
    data_start_row: int
    columns: dict[str, int]
    headers: dict[int, str]
    unmapped: list[tuple[int, str]]
    duplicates: dict[str, list[int]]
    confidence: float
    preset: str | None = None
    file_name: str | None = None
    missing_choices: dict[str, str] = field(default_factory=dict)
    header_keys: dict[int, tuple[str, ...]] = field(default_factory=dict, repr=False)

    @property
    def fields(self) -> set[str]:
        return set(self.columns) | set(self.duplicates)

    def column_label(self, index: int) -> str:
        """``"C (NIK)"``: the column letter with its header text."""
        text = self.headers.get(index)
        return f"{column_letter(index)} ({text})" if text else column_letter(index)

    def record(self, values: Sequence[object]) -> dict[str, object]:
        """``{field: value}`` of one data row (None where the row is shorter)."""
        n = len(values)
        return {f: (values[i] if i < n else None) for f, i in self.columns.items()}


def _cell_text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, str):
        return " ".join(v.split())
    return _header_text(v)


def _map_cells(texts: dict[int, list[str]], index: dict[str, str]) -> dict[int, tuple[str, str]]:
    """{col: (field, text used)} -- per column the first candidate text that maps."""
    out: dict[int, tuple[str, str]] = {}
    for col, candidates in texts.items():
        for text in candidates:
            for key in _keys(text):
                fld = index.get(key)
                if fld is not None:
                    out[col] = (fld, text)
                    break
            if col in out:
                break
    return out


def _score(mapped: dict[int, tuple[str, str]]) -> tuple[int, int]:
    """(mapped columns, distinct fields); (0, 0) when the row cannot be a header."""
    fields = {f for f, _ in mapped.values()}
    if len(fields) < _MIN_FIELDS or not (fields & ANCHOR_FIELDS):
        return (0, 0)
    return (len(mapped), len(fields))


def _single_row(values: Sequence[object]) -> tuple[dict[int, list[str]], dict[int, str]]:
    texts: dict[int, list[str]] = {}
    shown: dict[int, str] = {}
    for i, v in enumerate(values):
        t = _cell_text(v)
        if t:
            texts[i] = [t]
            shown[i] = t
    return texts, shown


def _two_rows(
    top: Sequence[object], bottom: Sequence[object]
) -> tuple[dict[int, list[str]], dict[int, str]]:
    """Candidates of a two-row header, in order of preference.

    A merged top cell ("ALAMAT" over "RT" and "RW") holds its text in its first column only,
    so an empty top cell takes the text to its left when there is a sub-header below it.
    The sub-header's own text wins ("NAMA" under "DESA" is a name, not "NAMA DESA"); the
    parent is combined with it only when the sub-header alone maps nothing ("TEMPAT" and
    "TANGGAL" under "LAHIR"); the top text alone counts only when nothing is below it (a cell
    merged over both rows). So a row of labels and values above the real header ("KECAMATAN
    | JOGONALAN | DESA | PRAWATAN") adds nothing and the single-row header wins."""
    texts: dict[int, list[str]] = {}
    shown: dict[int, str] = {}
    width = max(len(top), len(bottom))
    last_top = ""
    for i in range(width):
        t = _cell_text(top[i]) if i < len(top) else ""
        b = _cell_text(bottom[i]) if i < len(bottom) else ""
        if t:
            last_top = t
        elif not b:
            last_top = ""  # a gap in both rows ends a merged span
        parent = t or (last_top if b else "")
        cands = []
        if parent and b:
            cands += [b, f"{parent} {b}", f"{b} {parent}"]
            shown[i] = f"{parent} / {b}"
        elif b:
            cands.append(b)
            shown[i] = b
        elif t:
            cands.append(t)
            shown[i] = t
        if cands:
            texts[i] = cands
    return texts, shown


def _is_numbering_row(values: Sequence[object]) -> bool:
    """A row "1 2 3 ..." or "(1) (2) (3) ..." printed under a header."""
    nums = []
    for v in values:
        if v is None or (isinstance(v, str) and not v.strip()):
            continue
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            if float(v) != int(v):
                return False
            nums.append(int(v))
            continue
        s = str(v).strip().strip("()[]").strip()
        if not s.isdigit():
            return False
        nums.append(int(s))
    return len(nums) >= 3 and all(b > a for a, b in zip(nums, nums[1:])) and nums[0] <= 2


def detect_header(
    rows: Sequence[tuple[int, Sequence[object]]],
    preset: Preset | str | None = None,
    *,
    file_name: str | Path | None = None,
    choices: Mapping[str, int | str | None] | None = None,
) -> HeaderMatch:
    """Find the header among the first :data:`HEADER_SCAN_ROWS` rows and map its columns.

    ``rows``: ``(row_number, values)`` pairs, e.g. ``table.head(30)``. The header is the row
    with the most columns that map to a field (at least 3 distinct fields, including NIK,
    No KK, nama or ID DTKS; the earliest row wins a tie); title rows ("DATA TERPADU
    KESEJAHTERAAN SOSIAL", "Dicetak dari SIKS-NG ...") never qualify. Two consecutive rows
    are combined when that maps more columns than either row alone (a merged "ALAMAT" over
    "RT"/"RW"; see :func:`_two_rows`). A numbering row "1 2 3 ..." under the header is skipped.

    ``choices``: the user's explicit choices ``{field: column_index | header_text | None}``
    (None: the file has no such column). They win over synonyms and settle duplicates, as do
    the ``columns`` of ``preset``.

    Raises :class:`MappingError` (``judul_tidak_ditemukan``) when no row qualifies.
    """
    if isinstance(preset, str):
        preset = get_preset(preset)
    index = preset._index if preset is not None else _GLOBAL_INDEX
    name = Path(file_name).name if file_name is not None else None
    scan = list(rows[:HEADER_SCAN_ROWS])

    best = None  # (score, i, two_rows, mapped, shown, texts)
    for i, (row_no, values) in enumerate(scan):
        texts, shown = _single_row(values)
        if not texts:
            continue
        mapped = _map_cells(texts, index)
        score = _score(mapped)
        if score > (0, 0) and (best is None or score > best[0]):
            best = (score, i, False, mapped, shown, texts)
        if i + 1 < len(scan) and scan[i + 1][0] == row_no + 1:
            texts2, shown2 = _two_rows(values, scan[i + 1][1])
            mapped2 = _map_cells(texts2, index)
            score2 = _score(mapped2)
            below = _score(_map_cells(_single_row(scan[i + 1][1])[0], index))
            if score2 > score and score2 > below and (best is None or score2 > best[0]):
                best = (score2, i, True, mapped2, shown2, texts2)

    if best is None:
        where = f'berkas "{name}"' if name else "berkas ini"
        raise MappingError(
            [
                MappingProblem(
                    "judul_tidak_ditemukan",
                    f"Baris judul kolom tidak ditemukan di {HEADER_SCAN_ROWS} baris pertama "
                    f"{where}. Pastikan ada satu baris berisi judul kolom seperti NIK, NAMA, "
                    "NOMOR KK, lalu impor lagi",
                )
            ],
            path=file_name,
        )

    _score_, i, two, mapped, shown, texts = best
    header_row = scan[i][0]
    header_rows = (header_row, scan[i + 1][0]) if two else (header_row,)
    last = i + 1 if two else i
    data_start = scan[last][0] + 1
    nxt = scan[last + 1] if last + 1 < len(scan) else None
    if nxt is not None and nxt[0] == data_start and _is_numbering_row(nxt[1]):
        data_start += 1

    by_field: dict[str, list[int]] = {}
    for col in sorted(mapped):
        by_field.setdefault(mapped[col][0], []).append(col)

    # Explicit choices: the preset's saved columns, then the caller's choices.
    explicit: dict[str, int | str | None] = {}
    if preset is not None:
        explicit.update(preset.columns)
    if choices:
        explicit.update(choices)
    missing_choices: dict[str, str] = {}
    shown_keys = {c: header_key(t) for c, t in shown.items()}
    raw_keys = {c: tuple(k for t in cands for k in _keys(t)) for c, cands in texts.items()}
    for fld, choice in explicit.items():
        if fld not in FIELD_LABELS:
            raise _preset_error(f"kolom tidak dikenal: {fld}")
        if choice is None:
            for col in by_field.pop(fld, []):
                mapped.pop(col, None)
            continue
        if isinstance(choice, int) and not isinstance(choice, bool):
            col = choice
        else:
            want = header_key(choice)
            col = next((c for c, k in shown_keys.items() if k == want), None)
            if col is None:
                col = next((c for c, ks in raw_keys.items() if want in ks), None)
            if col is None:
                missing_choices[fld] = str(choice)
                continue
        # The chosen column belongs to this field only; the field has only this column.
        for other in list(by_field):
            if col in by_field[other]:
                by_field[other].remove(col)
                if not by_field[other]:
                    del by_field[other]
        by_field[fld] = [col]
        mapped[col] = (fld, shown.get(col, ""))

    columns = {f: cols[0] for f, cols in by_field.items() if len(cols) == 1}
    duplicates = {f: cols for f, cols in by_field.items() if len(cols) > 1}
    mapped_cols = {c for cols in by_field.values() for c in cols}
    unmapped = [(c, t) for c, t in sorted(shown.items()) if c not in mapped_cols]
    nonempty = max(1, len(shown))
    confidence = round(min(1.0, len(mapped_cols) / nonempty), 3)
    return HeaderMatch(
        header_row=header_row,
        header_rows=header_rows,
        data_start_row=data_start,
        columns=columns,
        headers=dict(sorted(shown.items())),
        unmapped=unmapped,
        duplicates=duplicates,
        confidence=confidence,
        preset=preset.name if preset is not None else None,
        file_name=name,
        missing_choices=missing_choices,
        header_keys=raw_keys,
    )


# ---- kind guessing ------------------------------------------------------------------------


def preset_score(preset: Preset, match: HeaderMatch) -> float:
    present = match.fields
    if not present:
        return 0.0
    req_total = len(preset.required) + len(preset.required_any)
    req_found = sum(f in present for f in preset.required)
    req_found += sum(any(f in present for f in grp) for grp in preset.required_any)
    req_frac = req_found / req_total if req_total else 1.0
    known = set(preset.fields)
    coverage = len(present & known) / len(present)
    header_keys = {k for ks in match.header_keys.values() for k in ks} | {
        header_key(t) for t in match.headers.values()
    }
    sig = sum(f in present for f in preset.signature_fields)
    sig += sum(header_key(h) in header_keys for h in preset.signature_headers)
    signature = min(1.0, sig / 3)
    return round(0.5 * req_frac + 0.2 * coverage + 0.3 * signature, 3)


def guess_kind(source, *, presets: Mapping[str, Preset] | None = None) -> tuple[str, str, float]:
    """Guess the kind of a file: ``(kind, preset_name, score)``, score 0..1.

    ``source`` is a :class:`HeaderMatch` or an opened table (anything with ``head()`` and
    ``path``; its header is detected first, which may raise :class:`MappingError`).

    Score = 0.5 x share of the preset's required columns present + 0.2 x share of the header's
    fields the preset uses + 0.3 x its signature (distinctive fields such as ID DTKS, desil,
    program, or header spellings such as Dukcapil's ``NAMA_LGKP``). A real SIKS-NG, desil,
    Dukcapil or programme file scores 0.9-1.0; a generic header (NIK, NAMA, ALAMAT) about 0.7.
    Below 0.8, let the user confirm the preset.
    """
    if isinstance(source, HeaderMatch):
        match = source
    else:
        rows = source.head(HEADER_SCAN_ROWS)
        match = detect_header(rows, file_name=getattr(source, "path", None))
    candidates = presets or PRESETS
    best_name, best_score = None, -1.0
    for name, preset in candidates.items():
        score = preset_score(preset, match)
        if score > best_score:
            best_name, best_score = name, score
    assert best_name is not None
    return candidates[best_name].kind, best_name, best_score


# ---- validation ---------------------------------------------------------------------------


def _join_id(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " dan " + items[-1]


def mapping_problems(
    match: HeaderMatch, preset: Preset | str | None = None
) -> list[MappingProblem]:
    """Every problem of a mapping (empty list when it can be used). See :func:`validate_mapping`."""
    if isinstance(preset, str):
        preset = get_preset(preset)
    where = f'Berkas "{match.file_name}", baris {match.header_row}' if match.file_name else (
        f"Baris {match.header_row}"
    )
    problems: list[MappingProblem] = []
    for fld, text in match.missing_choices.items():
        problems.append(
            MappingProblem(
                "pilihan_kolom_tidak_ada",
                f'{where}: kolom "{text}" yang dipilih untuk {FIELD_LABELS[fld]} tidak ada '
                "di baris judul; perbarui pengaturan kolom",
                fld,
            )
        )
    for fld in FIELDS:
        cols = match.duplicates.get(fld)
        if not cols:
            continue
        labels = [match.column_label(c) for c in cols]
        labels[0] = "Kolom " + labels[0]
        problems.append(
            MappingProblem(
                "kolom_ganda",
                f"{where}: {_join_id(labels)} sama-sama cocok dengan {FIELD_LABELS[fld]}; pilih "
                "salah satu di pengaturan kolom",
                fld,
                tuple(cols),
            )
        )
    if preset is not None:
        present = match.fields
        for fld in preset.required:
            if fld not in present:
                problems.append(
                    MappingProblem(
                        "kolom_wajib_tidak_ada",
                        f"{where}: kolom wajib {FIELD_LABELS[fld]} tidak ditemukan di baris judul "
                        f'untuk jenis data "{preset.label}". Periksa judul kolomnya atau pilih '
                        "kolomnya di pengaturan kolom",
                        fld,
                    )
                )
        for grp in preset.required_any:
            if not any(f in present for f in grp):
                names = _join_id([FIELD_LABELS[f] for f in grp]).replace(" dan ", " atau ")
                problems.append(
                    MappingProblem(
                        "kolom_wajib_tidak_ada",
                        f"{where}: kolom {names} tidak ditemukan di baris judul untuk jenis data "
                        f'"{preset.label}"; minimal satu harus ada',
                        grp[0],
                    )
                )
    return problems


def validate_mapping(match: HeaderMatch, preset: Preset | str | None = None) -> HeaderMatch:
    """Return ``match`` when it can be used, else raise :class:`MappingError` listing every
    problem: two columns for one field (unless chosen explicitly), a required field without a
    column, an explicit choice that is not in the header."""
    problems = mapping_problems(match, preset)
    if problems:
        raise MappingError(problems, path=match.file_name, row=match.header_row)
    return match
