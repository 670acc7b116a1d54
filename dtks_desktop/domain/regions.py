"""Kemendagri region codes (``PP.KK.CC.DDDD``) and region names.

DOMAIN.md section 2.4. A code is written with dots:

========  =============  ===========================================
level     example        meaning
========  =============  ===========================================
1         ``33``         provinsi
2         ``33.10``      kabupaten (01-69) or kota (71-99)
3         ``33.10.01``   kecamatan
4         ``33.10.01.2001``  desa/kelurahan; first digit of the last
                         part: 1 kelurahan, 2 desa, 3 desa adat
========  =============  ===========================================

NIK and No KK carry the kecamatan code without dots as their first six digits.
BPS codes (another numbering) are *not* handled here.

Everything here is pure except :func:`default_region_codes`, the one cached reader of the
packaged reference CSV.
"""

from __future__ import annotations

import csv
import functools
import importlib.resources
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Literal

__all__ = [
    "REGION_CSV_NAME",
    "LEVEL_PROVINSI",
    "LEVEL_KABUPATEN",
    "LEVEL_KECAMATAN",
    "LEVEL_DESA",
    "VillageKind",
    "VillageTerms",
    "is_region_code",
    "region_level",
    "parent_code",
    "ancestors",
    "is_kota",
    "is_kelurahan",
    "is_desa_adat",
    "village_kind",
    "village_terms",
    "kabupaten_label",
    "nik_prefix_to_code",
    "digits_to_code",
    "code_to_digits",
    "repair_code",
    "normalize_region_name",
    "RegionCodes",
    "default_region_codes",
]

REGION_CSV_NAME = "wilayah_kemendagri_2025.csv"

LEVEL_PROVINSI = 1
LEVEL_KABUPATEN = 2
LEVEL_KECAMATAN = 3
LEVEL_DESA = 4

VillageKind = Literal["kelurahan", "desa", "desa_adat"]

# Dotted code at any level. re.ASCII: "\d" must not accept Arabic-Indic or other digits.
_CODE_RE = re.compile(r"\d{2}(?:\.\d{2}(?:\.\d{2}(?:\.\d{4})?)?)?", re.ASCII)
_DIGITS_RE = re.compile(r"\d+", re.ASCII)
# Length of the dotted code -> level.
_LEVEL_BY_LEN = {2: 1, 5: 2, 8: 3, 13: 4}
# Undotted digit count -> dotted code builder.
_DIGIT_LENGTHS = (2, 4, 6, 10)


# --------------------------------------------------------------------------------------------
# Code structure
# --------------------------------------------------------------------------------------------


def _bad_code(code: object) -> ValueError:
    return ValueError(
        f"Kode wilayah tidak valid: {code!r}. Bentuk yang benar: 33, 33.10, 33.10.01 "
        "atau 33.10.01.2001"
    )


def is_region_code(code: object) -> bool:
    """True when ``code`` is a well-formed dotted Kemendagri code (any level)."""
    return isinstance(code, str) and _CODE_RE.fullmatch(code) is not None


def region_level(code: str) -> int:
    """1 provinsi, 2 kabupaten/kota, 3 kecamatan, 4 desa/kelurahan.

    Raises ValueError when ``code`` is not a well-formed dotted code.
    """
    if not isinstance(code, str) or _CODE_RE.fullmatch(code) is None:
        raise _bad_code(code)
    return _LEVEL_BY_LEN[len(code)]


def parent_code(code: str) -> str | None:
    """The code one level up, or None for a province. ``"33.10.01" -> "33.10"``."""
    if region_level(code) == 1:
        return None
    return code.rsplit(".", 1)[0]


def ancestors(code: str) -> tuple[str, ...]:
    """All codes from the province down to ``code`` itself.

    ``"33.10.01" -> ("33", "33.10", "33.10.01")``
    """
    level = region_level(code)
    return tuple(code[: (2, 5, 8, 13)[i]] for i in range(level))


def is_kota(code: str) -> bool:
    """True when the kabupaten/kota part (digits 3-4) is 71-99, i.e. a *kota*.

    Works for any code at level 2 or below (a kecamatan or desa in a kota gives True).
    A province code gives False.
    """
    if region_level(code) < 2:
        return False
    return 71 <= int(code[3:5]) <= 99


def is_kelurahan(code: str) -> bool:
    """True for a level-4 code whose village part starts with 1 (kelurahan).

    Codes above the village level give False.
    """
    return region_level(code) == 4 and code[9] == "1"


def is_desa_adat(code: str) -> bool:
    """True for a level-4 code whose village part starts with 3 (desa adat)."""
    return region_level(code) == 4 and code[9] == "3"


def village_kind(code: str) -> VillageKind:
    """``"kelurahan"``, ``"desa"`` or ``"desa_adat"`` from the first digit of the village part.

    Raises ValueError when ``code`` is not a desa/kelurahan (level 4) code. Any first digit
    other than 1 or 3 is read as an ordinary desa (2 is the documented value).
    """
    if region_level(code) != 4:
        raise ValueError(
            f"Kode {code!r} bukan kode desa/kelurahan (harus 10 digit, misalnya 33.10.01.2001)"
        )
    first = code[9]
    if first == "1":
        return "kelurahan"
    if first == "3":
        return "desa_adat"
    return "desa"


@dataclass(frozen=True, slots=True)
class VillageTerms:
    """Indonesian words for documents about one village (BA Musdes/Muskel, letters)."""

    kind: VillageKind
    unit: str  # "Desa" / "Kelurahan" / "Desa Adat"
    meeting: str  # "Musyawarah Desa" / "Musyawarah Kelurahan"
    meeting_short: str  # "Musdes" / "Muskel"
    head: str  # "Kepala Desa" / "Lurah"
    office: str  # "Kantor Desa" / "Kantor Kelurahan"


_VILLAGE_TERMS: dict[str, VillageTerms] = {
    "desa": VillageTerms(
        kind="desa",
        unit="Desa",
        meeting="Musyawarah Desa",
        meeting_short="Musdes",
        head="Kepala Desa",
        office="Kantor Desa",
    ),
    "kelurahan": VillageTerms(
        kind="kelurahan",
        unit="Kelurahan",
        meeting="Musyawarah Kelurahan",
        meeting_short="Muskel",
        head="Lurah",
        office="Kantor Kelurahan",
    ),
    # The wording for a desa adat is not confirmed by DOMAIN.md; it follows the desa wording.
    "desa_adat": VillageTerms(
        kind="desa_adat",
        unit="Desa Adat",
        meeting="Musyawarah Desa Adat",
        meeting_short="Musdes",
        head="Kepala Desa Adat",
        office="Kantor Desa Adat",
    ),
}


def village_terms(code_or_kind: str) -> VillageTerms:
    """Meeting/head words for a village code (``"33.10.01.2001"``) or a kind (``"kelurahan"``).

    >>> village_terms("33.10.01.1001").head
    'Lurah'
    """
    terms = _VILLAGE_TERMS.get(code_or_kind)
    if terms is not None:
        return terms
    return _VILLAGE_TERMS[village_kind(code_or_kind)]


def kabupaten_label(code: str) -> str:
    """``"Kota"`` or ``"Kabupaten"`` for a code at level 2 or below."""
    if region_level(code) < 2:
        raise ValueError(f"Kode {code!r} adalah kode provinsi, bukan kabupaten/kota")
    return "Kota" if is_kota(code) else "Kabupaten"


def kabupaten_display(code: str, codes: "RegionCodes | None" = None) -> str:
    """``"KAB. KLATEN (33.10)"`` / ``"KOTA MAKASSAR (73.71)"``: how the office's area is shown.

    An unknown code is shown as itself.
    """
    codes = codes or default_region_codes()
    name = codes.name(code)
    if not name:
        return code
    words = name.split(" ", 1)
    if len(words) == 2 and words[0].lower() in ("kabupaten", "kota", "kab.", "kab"):
        name = ("KOTA " if words[0].lower() == "kota" else "KAB. ") + words[1].upper()
    else:
        name = name.upper()
    return f"{name} ({code})"


def parse_kabupaten_code(text: object) -> str | None:
    """A kabupaten/kota code as typed (``33.10``, ``3310``, ``33.10 `` ...) -> ``"33.10"``, else None."""
    if not isinstance(text, str):
        return None
    t = text.strip()
    if t.isascii() and t.isdigit() and len(t) == 4:
        t = f"{t[:2]}.{t[2:]}"
    return t if is_region_code(t) and len(t) == 5 else None


# --------------------------------------------------------------------------------------------
# Conversions and repair
# --------------------------------------------------------------------------------------------


def nik_prefix_to_code(prefix: str) -> str:
    """First six digits of a NIK / No KK -> dotted kecamatan code.

    ``"331001" -> "33.10.01"``; a longer digit string (a whole NIK) uses its first six digits.
    """
    head = prefix.strip()[:6] if isinstance(prefix, str) else ""
    if len(head) != 6 or not (head.isascii() and head.isdigit()):
        raise ValueError(f"Awalan NIK/KK harus 6 digit angka: {prefix!r}")
    return f"{head[0:2]}.{head[2:4]}.{head[4:6]}"


def digits_to_code(digits: str) -> str:
    """Undotted Kemendagri code of 2, 4, 6 or 10 digits -> dotted code."""
    if not (isinstance(digits, str) and digits.isascii() and digits.isdigit()):
        raise ValueError(f"Kode wilayah harus berupa angka: {digits!r}")
    n = len(digits)
    if n not in _DIGIT_LENGTHS:
        raise ValueError(f"Kode wilayah tanpa titik harus 2, 4, 6 atau 10 digit: {digits!r}")
    parts = [digits[0:2]]
    if n >= 4:
        parts.append(digits[2:4])
    if n >= 6:
        parts.append(digits[4:6])
    if n == 10:
        parts.append(digits[6:10])
    return ".".join(parts)


def code_to_digits(code: str) -> str:
    """Dotted code -> digits only. ``"33.10.01" -> "331001"``."""
    region_level(code)  # validates
    return code.replace(".", "")


_FLOAT_TAIL_RE = re.compile(r"(\d{3,})[.,]0+", re.ASCII)
_TWO_PART_RE = re.compile(r"(\d{2})[.,](\d{1,2})", re.ASCII)
_REPAIR_STRIP = str.maketrans("", "", " \t\r\n\u00a0\u200b\ufeff'`\u2018\u2019\"")


def repair_code(text: object) -> str | None:
    """Clean a Kemendagri code damaged by a spreadsheet; None when it cannot be read.

    - ``"11.1"`` -> ``"11.10"`` (a kabupaten part that lost its trailing zero when the cell
      became a number; ``"11,1"`` from an Indonesian-locale sheet is read the same way);
    - ``"3310012001"`` -> ``"33.10.01.2001"``, ``"331001"`` -> ``"33.10.01"`` (dots missing);
    - ``"3310012001.0"`` -> ``"33.10.01.2001"`` (float tail);
    - whitespace and quote marks are removed; an already correct code is returned unchanged.

    Accepts str, int, float and Decimal. Only the structure is checked, not whether the code
    exists (use :class:`RegionCodes` for that).
    """
    if text is None or isinstance(text, bool):
        return None
    if isinstance(text, float):
        if text != text or text in (float("inf"), float("-inf")):
            return None
        s = str(int(text)) if text.is_integer() else repr(text)
    elif isinstance(text, Decimal):
        try:
            s = str(int(text)) if text == text.to_integral_value() else str(text)
        except (InvalidOperation, ValueError):
            return None
    else:
        s = str(text)
    s = s.translate(_REPAIR_STRIP)
    if not s:
        return None
    if _CODE_RE.fullmatch(s):
        return s
    m = _FLOAT_TAIL_RE.fullmatch(s)
    if m:
        s = m.group(1)
    if s.isascii() and s.isdigit():
        return digits_to_code(s) if len(s) in _DIGIT_LENGTHS else None
    m = _TWO_PART_RE.fullmatch(s)
    if m:
        kab = m.group(2)
        if kab == "0":  # "33.0": a province code that went through a float
            return m.group(1)
        if len(kab) == 1:  # 11.10 became the number 11.1
            kab += "0"
        return f"{m.group(1)}.{kab}"
    return None


# --------------------------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------------------------

_NAME_PUNCT_RE = re.compile(r"[^A-Z0-9]+")
_APOSTROPHES = str.maketrans("", "", "'`\u2018\u2019\u00b4")

_PREFIXES_BY_LEVEL: dict[int, frozenset[str]] = {
    1: frozenset({"PROV", "PROP", "PROVINSI", "PROPINSI"}),
    2: frozenset({"KAB", "KABUPATEN", "KOTA"}),
    3: frozenset({"KEC", "KECAMATAN"}),
    4: frozenset({"DS", "DESA", "KEL", "KELURAHAN"}),
}
_ALL_PREFIXES = frozenset().union(*_PREFIXES_BY_LEVEL.values())
# Second words that belong to the prefix: "KOTA ADM. JAKARTA PUSAT", "DESA ADAT YOBOI".
_PREFIX_SECOND = {
    "KOTA": frozenset({"ADM", "ADMINISTRASI"}),
    "KAB": frozenset({"ADM", "ADMINISTRASI"}),
    "KABUPATEN": frozenset({"ADM", "ADMINISTRASI"}),
    "DESA": frozenset({"ADAT"}),
    "DS": frozenset({"ADAT"}),
}


def _fold(text: str) -> str:
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def normalize_region_name(name: str | None, level: int | None = None) -> str:
    """Region name for comparison: upper case, administrative prefix removed.

    ``"KEC. KLATEN UTARA" -> "KLATEN UTARA"``, ``"Ds. Jogonalan" -> "JOGONALAN"``,
    ``"Kabupaten Klaten" -> "KLATEN"``, ``"Kota Adm. Jakarta Pusat" -> "JAKARTA PUSAT"``.

    Apostrophes are removed (``"Ma'rang" -> "MARANG"``), other punctuation becomes a space,
    spaces are collapsed. Only one leading prefix is removed, and never the only word
    (a place named ``"Kota"`` stays ``"KOTA"``). With ``level`` (1-4) only the prefixes of that
    level are removed, so a desa named ``"Kota Baru"`` keeps its name when ``level=4``.
    Apply the same function to both sides of a comparison.
    """
    if not name:
        return ""
    tokens = _NAME_PUNCT_RE.sub(" ", _fold(str(name)).upper().translate(_APOSTROPHES)).split()
    prefixes = _ALL_PREFIXES if level is None else _PREFIXES_BY_LEVEL.get(level, frozenset())
    if len(tokens) > 1 and tokens[0] in prefixes:
        first = tokens.pop(0)
        second = _PREFIX_SECOND.get(first)
        if second and len(tokens) > 1 and tokens[0] in second:
            tokens.pop(0)
    return " ".join(tokens)


# --------------------------------------------------------------------------------------------
# Reference set
# --------------------------------------------------------------------------------------------


class RegionCodes:
    """An in-memory set of Kemendagri codes with their names.

    Built from ``(kode, nama)`` pairs with dotted codes. Membership works at every level::

        codes = default_region_codes()
        "33.10.01" in codes        # True
        codes.name("33.10")        # "Kabupaten Klaten"
        codes.children("33.10")    # ("33.10.01", "33.10.02", ...)
    """

    __slots__ = ("_names", "_children", "_by_name", "_by_level_name")

    def __init__(self, rows: Iterable[tuple[str, str]]) -> None:
        names: dict[str, str] = {}
        fullmatch = _CODE_RE.fullmatch
        for kode, nama in rows:
            kode = kode.strip()
            if fullmatch(kode) is None:
                raise _bad_code(kode)
            names[kode] = " ".join(nama.split())
        self._names = names
        self._children: dict[str | None, tuple[str, ...]] | None = None
        self._by_name: dict[tuple[str | None, str], tuple[str, ...]] | None = None
        self._by_level_name: dict[tuple[int, str], tuple[str, ...]] | None = None

    # -- container protocol --
    def __contains__(self, code: object) -> bool:
        return code in self._names

    def __len__(self) -> int:
        return len(self._names)

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __repr__(self) -> str:
        return f"RegionCodes({len(self._names)} kode)"

    # -- look-ups --
    def name(self, code: str) -> str | None:
        """The official name, or None for an unknown code."""
        return self._names.get(code)

    def has_nik_prefix(self, digits: str) -> bool:
        """True when the first six digits of a NIK/KK are a known kecamatan."""
        d = digits[:6]
        return len(d) == 6 and f"{d[0:2]}.{d[2:4]}.{d[4:6]}" in self._names

    def _child_index(self) -> dict[str | None, tuple[str, ...]]:
        if self._children is None:
            index: dict[str | None, list[str]] = {}
            for code in self._names:
                parent = None if len(code) == 2 else code.rsplit(".", 1)[0]
                index.setdefault(parent, []).append(code)
            self._children = {k: tuple(sorted(v)) for k, v in index.items()}
        return self._children

    def children(self, code: str | None) -> tuple[str, ...]:
        """Codes directly under ``code`` (sorted); ``children(None)`` gives the provinces."""
        return self._child_index().get(code, ())

    def codes_at_level(self, level: int) -> tuple[str, ...]:
        """All codes of one level (1-4), sorted."""
        length = {1: 2, 2: 5, 3: 8, 4: 13}.get(level)
        if length is None:
            raise ValueError(f"Tingkat wilayah harus 1-4, bukan {level!r}")
        return tuple(sorted(c for c in self._names if len(c) == length))

    def path(self, code: str) -> tuple[tuple[str, str], ...]:
        """``((code, name), ...)`` from the province down to ``code``; unknown codes skipped."""
        return tuple((c, self._names[c]) for c in ancestors(code) if c in self._names)

    def find(
        self, name: str, *, parent: str | None = None, level: int | None = None
    ) -> tuple[str, ...]:
        """Codes whose name matches ``name`` after :func:`normalize_region_name`.

        ``parent`` limits the search to the direct children of that code (so
        ``find("Prambanan", parent="33.10")`` finds the kecamatan in Klaten); ``level`` limits
        it to one level when no parent is given. The first call builds an index.
        """
        if self._by_name is None or self._by_level_name is None:
            by_parent: dict[tuple[str | None, str], list[str]] = {}
            by_level: dict[tuple[int, str], list[str]] = {}
            for code, nama in self._names.items():
                lvl = _LEVEL_BY_LEN[len(code)]
                par = None if lvl == 1 else code.rsplit(".", 1)[0]
                key = normalize_region_name(nama, lvl)
                by_parent.setdefault((par, key), []).append(code)
                by_level.setdefault((lvl, key), []).append(code)
            self._by_name = {k: tuple(sorted(v)) for k, v in by_parent.items()}
            self._by_level_name = {k: tuple(sorted(v)) for k, v in by_level.items()}
        if parent is not None:
            lvl = region_level(parent) + 1
            if lvl > 4:
                return ()
            return self._by_name.get((parent, normalize_region_name(name, lvl)), ())
        levels = (level,) if level is not None else (1, 2, 3, 4)
        found: list[str] = []
        for lvl in levels:
            found.extend(self._by_level_name.get((lvl, normalize_region_name(name, lvl)), ()))
        return tuple(found)


def _read_packaged_csv() -> str:
    try:
        resource = importlib.resources.files("dtks_desktop.resources").joinpath(REGION_CSV_NAME)
        return resource.read_text(encoding="utf-8")
    except ModuleNotFoundError:
        # Source checkout that was not installed: resources/ sits next to dtks_desktop/.
        path = Path(__file__).resolve().parents[2] / "resources" / REGION_CSV_NAME
        return path.read_text(encoding="utf-8")


@functools.lru_cache(maxsize=1)
def default_region_codes() -> RegionCodes:
    """The packaged Kepmendagri 2025 region list (cached; loaded once per process)."""
    reader = csv.reader(io.StringIO(_read_packaged_csv()))
    header = next(reader)
    if [h.strip().lower() for h in header[:2]] != ["kode", "nama"]:
        raise ValueError(f"Berkas {REGION_CSV_NAME} harus berkolom kode,nama")
    return RegionCodes((row[0], row[1]) for row in reader if row)
