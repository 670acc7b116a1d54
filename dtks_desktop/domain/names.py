"""Person names: normalisation for comparison and search.

The name *as written* is always kept for display (:func:`display_name`). The normalised form
(:func:`normalize_name`) exists only to compare names from different sources (SIKS-NG, Dukcapil,
PT Pos lists, hand-typed Musdes lists) and to search. It:

- folds accents to ASCII and upper-cases;
- removes apostrophes (``MA'RUF`` -> ``MARUF``) and turns other punctuation into spaces;
- removes titles and honorifics: religious/social (H., HJ., HAJI, HAJAH, K.H., BPK., BAPAK,
  IBU, SDR., SDRI., NY., TN., ALM., ALMH., ALMARHUM, ALMARHUMAH), academic before the name
  (PROF., DR., DRS., DRA., IR.) and academic after the name (S.PD., S.E., S.H., S.KOM., S.AG.,
  M.PD., A.MD., ST. ...: written with dots anywhere after the first word, and without dots
  after a comma or at the end; before the name ``M.H.``/``M.T.`` are read as initials);
  a bare ``H`` (Haji) is removed only before the name, ``H.`` anywhere;
- modernises old spellings in every word: OE->U, DJ->J, TJ->C, SJ->SY, NJ->NY, CH->KH
  (``SOEKARNO`` -> ``SUKARNO``, ``NOER`` -> ``NUR``), repeated until nothing changes, so that
  the result is stable (``PANDJI`` -> ``PANJI`` -> ``PANYI``; modern ``PANJI`` gives the same);
- writes every form of Muhammad as ``MUHAMMAD`` (M., MOH., MUH., MOCH., MHD., MOHAMMAD ...;
  a bare ``M`` only as the first word).

It is idempotent and built for millions of names (precompiled regexes, cached word mapping).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from rapidfuzz.distance import OSA

__all__ = [
    "normalize_name",
    "name_tokens",
    "name_key",
    "search_key",
    "display_name",
    "has_digits",
    "modernize_spelling",
    "written_form",
    "without_patronymic",
    "name_difference",
    "MUHAMMAD_WRITTEN",
    "WRITTEN_TITLES",
    "NameLevel",
    "NameComparison",
    "compare_names",
    "COMMON_GIVEN_NAMES",
]

# --------------------------------------------------------------------------------------------
# Word-level canonical form
# --------------------------------------------------------------------------------------------

_OLD_SPELLING_RE = re.compile("OE|DJ|TJ|SJ|NJ|CH")
_OLD_SPELLING = {"OE": "U", "DJ": "J", "TJ": "C", "SJ": "SY", "NJ": "NY", "CH": "KH"}


def _old_sub(m: re.Match[str]) -> str:
    return _OLD_SPELLING[m.group()]


def modernize_spelling(word: str) -> str:
    """Apply the old-spelling rules to an upper-case word until it no longer changes."""
    while True:
        new = _OLD_SPELLING_RE.sub(_old_sub, word)
        if new == word:
            return word
        word = new


_MUHAMMAD_VARIANTS = (
    "MOH", "MUH", "MOCH", "MUCH", "MOKH", "MUKH", "MHD", "MOHD", "MUHD", "MOHAMAD", "MOHAMMAD",
    "MOHAMED", "MOHAMMED", "MOHAMMAT", "MOHAMAT", "MUHAMAD", "MUHAMMAD", "MUHAMED",
    "MUHAMMED", "MUHAMAT", "MUHAMMAT", "MOCHAMAD", "MOCHAMMAD", "MOCHAMED", "MOCHAMMED",
    "MUCHAMAD", "MUCHAMMAD", "MOKHAMAD", "MOKHAMMAD", "MUKHAMAD", "MUKHAMMAD", "MOEHAMMAD",
    "MOEHAMAD",
)  # fmt: skip
_MUHAMMAD = frozenset(modernize_spelling(v) for v in _MUHAMMAD_VARIANTS)


# Word -> canonical word. Names repeat their words a lot, so a plain dict is the fastest
# cache; it is emptied when it grows past _CANON_CACHE_MAX entries.
_CANON_CACHE: dict[str, str] = {}
_CANON_CACHE_MAX = 1 << 19


def _canon_word(word: str) -> str:
    w = _CANON_CACHE.get(word)
    if w is None:
        w = modernize_spelling(word)
        if w in _MUHAMMAD:
            w = "MUHAMMAD"
        if len(_CANON_CACHE) >= _CANON_CACHE_MAX:
            _CANON_CACHE.clear()
        _CANON_CACHE[word] = w
    return w


# --------------------------------------------------------------------------------------------
# Titles
# --------------------------------------------------------------------------------------------

# Removed wherever they appear as a word, with or without a dot.
_TITLES_ANYWHERE = frozenset(
    _canon_word(t)
    for t in (
        "HJ", "HJH", "HAJI", "HAJAH", "HAJJAH", "KH",
        "PROF", "DR", "DRS", "DRA", "IR",
        "BPK", "BAPAK", "IBU", "SDR", "SDRI", "SDRA", "NY", "NYONYA", "TN",
        "ALM", "ALMH", "ALMARHUM", "ALMARHUMAH",
    )
)  # fmt: skip
# Removed only when written with a dot ("H." Haji, "ST." title); undotted they may be initials.
_TITLES_DOTTED = frozenset({"H", "ST"})
# Removed only as the first word, before the name ("PAK SLAMET", "H SLAMET").
_TITLES_LEADING = frozenset({"H", "PAK", "BU"})

# Academic degrees written with dots between the pieces (S.PD., A.MD.KEB.). Any of these is
# removed when its pieces are glued ("S.PD"), and after a comma even when written "SPD".
_DEGREES_DOTTED = (
    # Sarjana
    "S.PD", "S.PD.I", "S.PD.SD", "S.E", "S.E.I", "S.H", "S.H.I", "S.KOM", "S.AG", "S.SOS",
    "S.SOS.I", "S.IP", "S.I.P", "S.KEP", "S.KM", "S.K.M", "S.SI", "S.T", "S.P", "S.PT", "S.S",
    "S.HUT", "S.FARM", "S.KED", "S.TP", "S.ST", "S.TR", "S.AK", "S.PSI", "S.GZ", "S.KES",
    "S.I.KOM", "S.IKOM", "S.AP", "S.TH", "S.TH.I", "S.PI", "S.KEB", "S.SN", "S.DS", "S.STP",
    "S.HUM",
    # Magister
    "M.PD", "M.PD.I", "M.SI", "M.M", "M.H", "M.AG", "M.KOM", "M.T", "M.SC", "M.KES", "M.E",
    "M.AK", "M.HUM", "M.A", "M.KEP", "M.SOS", "M.P", "M.IP", "M.ENG", "M.FARM", "M.H.I", "M.S",
    "M.AP", "M.B.A",
    # Ahli Madya / Ahli Muda
    "A.MD", "A.MA", "A.MA.PD", "A.MD.KEB", "A.MD.KEP", "A.MD.KES", "A.MD.FARM", "A.MD.AK",
    "A.MD.GZ", "A.MD.T", "A.MK", "A.P", "A.KS",
    # Doctors' specialities and foreign degrees
    "SP.A", "SP.B", "SP.PD", "SP.OG", "SP.M", "SP.S", "SP.THT", "SP.JP", "SP.KK", "SP.RAD",
    "SP.AN", "SP.P", "SP.F", "SP.KJ", "PH.D", "B.SC", "B.A", "LL.M",
)  # fmt: skip
# Honorifics written as dotted pieces, removed wherever they appear ("K.H. AHMAD DAHLAN").
_HONORIFICS_DOTTED = ("K.H", "H.J", "D.R", "I.R")


def _piece_set(forms: tuple[str, ...]) -> frozenset[tuple[str, ...]]:
    return frozenset(tuple(_canon_word(p) for p in f.rstrip(".").split(".")) for f in forms)


# A glued degree is removed after the first word only: before the name, "M.T." or "M.H." are
# far more likely initials (M.H. THAMRIN) than a degree.
_DEGREE_PIECES = _piece_set(_DEGREES_DOTTED)
_HONORIFIC_PIECES = _piece_set(_HONORIFICS_DOTTED)
_DEGREE_SQUASHED = frozenset("".join(p) for p in _DEGREE_PIECES | _HONORIFIC_PIECES)
# Undotted degrees also removed at the end of the name (no comma): "BUDI SANTOSO SPD".
# Kept to forms that are not plausible name words or initials.
_DEGREES_TRAILING = frozenset(
    {
        "SE", "SH", "SPD", "SPDI", "SKOM", "SAG", "SSOS", "SSOSI", "SIP", "SKM", "SKEP", "SSI",
        "ST", "STP", "SHI", "SEI", "SFARM", "SKED", "SHUT", "SAK", "SPSI", "SKES", "SPT",
        "SIKOM", "SHUM", "MPD", "MPDI", "MSI", "MM", "MKOM", "MAG", "MKES", "MHUM", "MSC",
        "AMD", "AMDKEB", "AMDKEP", "AMDKES", "AMKEB", "AMKEP", "AMA", "AMAPD", "AMK",
    }
)  # fmt: skip
# After a comma, everything recognised as a title or degree goes.
_SUFFIX_REMOVABLE = _TITLES_ANYWHERE | _DEGREE_SQUASHED | _DEGREES_TRAILING | _TITLES_DOTTED | {"H"}

# --------------------------------------------------------------------------------------------
# Tokenising
# --------------------------------------------------------------------------------------------

_TOKEN_RE = re.compile(r"[A-Z0-9]+(?:\.[A-Z0-9]+)*\.?")
_WORD_RE = re.compile(r"[A-Z0-9]+")
# Words that make an undotted name leave the fast path.
_SPECIAL_WORDS = _TITLES_ANYWHERE | _TITLES_LEADING | _DEGREES_TRAILING | {"M"}
_APOSTROPHES = str.maketrans("", "", "'`\u2018\u2019\u00b4\u02bc")
_DIGIT_RE = re.compile(r"\d")

Piece = tuple[str, bool]  # (canonical word, written with a dot)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _pieces(segment: str, out: list[Piece], *, suffix: bool) -> None:
    """Append the words of one comma-separated segment to ``out``."""
    tokens = _TOKEN_RE.findall(segment)
    if suffix and tokens:
        # "S. PD." written with spaces: the whole segment is one degree.
        squashed = "".join(tokens).replace(".", "")
        if _canon_word(squashed) in _DEGREE_SQUASHED:
            return
    for token in tokens:
        if "." not in token:
            word = _canon_word(token)
            if not (suffix and word in _SUFFIX_REMOVABLE):
                out.append((word, False))
            continue
        dotted_end = token[-1] == "."
        parts = token.rstrip(".").split(".")
        if len(parts) > 1:
            canon = tuple(_canon_word(p) for p in parts)
            if canon in _HONORIFIC_PIECES or (canon in _DEGREE_PIECES and (out or suffix)):
                continue
        else:
            canon = (_canon_word(parts[0]),)
        last = len(canon) - 1
        for i, word in enumerate(canon):
            if suffix and word in _SUFFIX_REMOVABLE:
                continue
            out.append((word, i < last or dotted_end))


def _normalized_words(name: object) -> list[str]:
    if name is None:
        return []
    s = name if isinstance(name, str) else str(name)
    if not s.isascii():
        s = _fold(s.translate(_APOSTROPHES))
    s = s.upper()
    if "'" in s:
        s = s.replace("'", "")
    if "`" in s:
        s = s.replace("`", "")

    if "." not in s and "," not in s:
        # Fast path (most names): no dots, no comma; often no title at all.
        get = _CANON_CACHE.get
        plain = [get(t) or _canon_word(t) for t in _WORD_RE.findall(s)]
        if _SPECIAL_WORDS.isdisjoint(plain):
            return plain
        pieces: list[Piece] = [(w, False) for w in plain]
    elif "," in s:
        pieces = []
        first, *rest = s.split(",")
        _pieces(first, pieces, suffix=False)
        for seg in rest:
            _pieces(seg, pieces, suffix=True)
    else:
        pieces = []
        _pieces(s, pieces, suffix=False)
    if not pieces:
        return []

    words = _select(pieces)
    if not words:
        # Nothing but titles ("IBU", "ALM. HJ."): read them once more as plain words, and if
        # that still leaves nothing keep them all rather than return an empty name.
        plain = [w for w, _ in pieces]
        words = _select([(w, False) for w in plain]) or plain
    return words


def _select(pieces: list[Piece]) -> list[str]:
    """Drop titles and degrees, expand Muhammad. See the module docstring for the rules."""
    words: list[str] = []
    dots: list[bool] = []
    last = len(pieces) - 1
    for i, (word, dotted) in enumerate(pieces):
        if word in _TITLES_ANYWHERE:
            continue
        if dotted and word in _TITLES_DOTTED:
            continue
        if not words and i < last and word in _TITLES_LEADING:
            continue
        words.append(word)
        dots.append(dotted)
    # Degrees at the end: "SANTOSO SPD", "SANTOSO S. PD", "RINA A. MD. KEB".
    while len(words) > 1:
        if words[-1] in _DEGREES_TRAILING:
            del words[-1], dots[-1]
        elif len(words) > 2 and dots[-2] and words[-2] + words[-1] in _DEGREE_SQUASHED:
            del words[-2:], dots[-2:]
        elif (
            len(words) > 3
            and dots[-3]
            and dots[-2]
            and words[-3] + words[-2] + words[-1] in _DEGREE_SQUASHED
        ):
            del words[-3:], dots[-3:]
        else:
            break
    # "M." anywhere, or a bare "M" as the first word, is Muhammad.
    for i, word in enumerate(words):
        if word == "M" and (i == 0 or dots[i]):
            words[i] = "MUHAMMAD"
    return words


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------


def normalize_name(name: str | None) -> str:
    """Normalised name for comparison (never for display). Idempotent.

    >>> normalize_name("Drs. H. Moch. Soekarno, S.Pd.")
    'MUHAMMAD SUKARNO'
    """
    return " ".join(_normalized_words(name))


def name_tokens(name: str | None) -> list[str]:
    """Words of the normalised name, in order."""
    return _normalized_words(name)


def name_key(name: str | None) -> str:
    """Normalised words sorted: equal for ``"SITI AMINAH"`` and ``"AMINAH SITI"``."""
    return " ".join(sorted(_normalized_words(name)))


def search_key(name: str | None) -> str:
    """Key for prefix search in the data browser (same as :func:`normalize_name`)."""
    return normalize_name(name)


def display_name(name: str | None) -> str:
    """The name as written, with surrounding and repeated whitespace removed."""
    if name is None:
        return ""
    return " ".join(str(name).split())


def has_digits(name: str | None) -> bool:
    """True when the name contains a digit (a data-entry error worth flagging)."""
    return bool(name) and _DIGIT_RE.search(str(name)) is not None


# --------------------------------------------------------------------------------------------
# Written form, patronymic and kinds of writing difference (the matching compares and explains
# names with these; one source for the name rules)
# --------------------------------------------------------------------------------------------

_NON_WORD = re.compile(r"[^0-9A-Z]+")


def written_form(name: str | None) -> str:
    """The name as written, ignoring case, spaces and punctuation (``Siti  Aminah.`` = ``SITI AMINAH``)."""
    if not name:
        return ""
    return " ".join(_NON_WORD.sub(" ", str(name).upper()).split())


_PATRONYMIC = re.compile(r"\s(?:BIN|BINTI|BT|BN)\s.*$")


def without_patronymic(norm: str) -> str | None:
    """The name before "BIN"/"BINTI" (and its short forms), or None when there is none."""
    if " B" not in norm:
        return None
    stripped = _PATRONYMIC.sub("", norm)
    return stripped if stripped != norm and stripped else None


#: Every way of writing Muhammad, as written (before the spelling is modernised).
MUHAMMAD_WRITTEN = frozenset({"M", "MOH", "MUH", "MOCH", "MUCH", "MHD", "MOHAMAD", "MOHAMMAD", "MUHAMAD",
                              "MOCHAMMAD", "MOCHAMAD", "MUHAMMAT", "MUHAMMAD", "MOHAMMED", "MOKHAMAD", "MUKHAMAD",
                              "MOCHAMED", "MUHAMMED", "MOHAMMAT", "MUCHAMMAD", "MUCHAMAD"})
#: Titles and degrees as words of the written form (what makes a "gelar" difference).
WRITTEN_TITLES = frozenset({"H", "HJ", "HAJI", "HAJAH", "DRS", "DRA", "DR", "IR", "KH", "NY", "PROF", "BPK", "IBU",
                            "ALM", "ALMH", "SPD", "SE", "SH", "SAG", "SKOM", "SPDI", "AMD", "ST", "MPD", "S", "PD",
                            "AG", "KOM"})


def name_difference(a: str, b: str) -> str:
    """What kind of writing difference two names with the same normalised form have (Indonesian:
    "singkatan/penulisan Muhammad", "ejaan lama", "gelar", else "penulisan")."""
    wa, wb = set(written_form(a).split()), set(written_form(b).split())
    only = (wa - wb) | (wb - wa)
    kinds = []
    if any(w in MUHAMMAD_WRITTEN for w in only):
        kinds.append("singkatan/penulisan Muhammad")
    if any(modernize_spelling(w) != w for w in only if w not in MUHAMMAD_WRITTEN):
        kinds.append("ejaan lama")
    if any(w in WRITTEN_TITLES for w in only):
        kinds.append("gelar")
    return ", ".join(kinds) or "penulisan"


# --------------------------------------------------------------------------------------------
# Name comparison levels (how clerks and villages really write names). One source for the
# matching engine, the review view's highlighting and the explanations.
# --------------------------------------------------------------------------------------------


class NameLevel(StrEnum):
    """How two names compare, strongest first (the order of the members is the strength)."""

    SAMA = "sama"  # the same words after normalisation
    URUTAN = "urutan"  # the same words in another order
    GABUNG_PISAH = "gabung_pisah"  # words joined or split (NUR HAYATI / NURHAYATI)
    INISIAL = "inisial"  # some words written as their initial (Z. / ZAINAL)
    SEBAGIAN_BELAKANG = "sebagian_belakang"  # trailing words left off (husband's/father's name)
    SEBAGIAN_DEPAN = "sebagian_depan"  # a leading (given) or middle word left off
    MIRIP = "mirip"  # every word corresponds, with a typo
    MIRIP_SEBAGIAN = "mirip_sebagian"  # a word left off (or abbreviated/joined) and a typo
    BEDA = "beda"  # different names
    KOSONG = "kosong"  # one side empty or only titles (HJ.)

    @property
    def rank(self) -> int:
        """0 for the strongest level (SAMA), growing as the level gets weaker."""
        return _LEVEL_RANK[self]


_LEVEL_RANK = {lv: i for i, lv in enumerate(NameLevel)}


@dataclass(frozen=True, slots=True)
class NameComparison:
    """Result of :func:`compare_names`.

    ``detail_a``/``detail_b`` are the normalised words of each name that are not matched
    word for word (left off, abbreviated, joined, misspelt) — for highlighting. ``common_only``
    marks a weak match: the words both names share in full are only very common given names
    (SRI, SITI, NUR, MUHAMMAD ...) or there are none (only initials), so a later weight can
    discount it. ``typo`` says a word matched only with a typo.
    """

    level: NameLevel
    detail_a: tuple[str, ...]
    detail_b: tuple[str, ...]
    explanation: str
    common_only: bool = False
    typo: bool = False


#: Given names so common that sharing only one of them says little about two persons.
COMMON_GIVEN_NAMES = frozenset(
    {
        "SRI", "SITI", "NUR", "NURUL", "MUHAMMAD", "AHMAD", "ABDUL", "DEWI", "PUTRI", "PUTRA",
        "DWI", "TRI", "EKO", "EKA", "UMI", "ENDANG", "RETNO", "AGUS", "BUDI", "ANI", "TITIK",
        "ADI", "ARI", "NI", "I", "MADE", "WAYAN", "KADEK", "KETUT", "NYOMAN", "PUTU", "LUH",
    }
)  # fmt: skip

# Words that are only titles: a name made of nothing else is empty for the comparison.
_TITLE_ONLY_WORDS = _TITLES_ANYWHERE | _TITLES_LEADING | _TITLES_DOTTED
# Romanisation variants of the same word that the spelling rules do not unite (after them:
# TJAN -> CAN). Only for the comparison, never for search.
_COMPARE_ALIASES = {
    "ABD": "ABDUL",  # ABD. RAHMAN
    "CAN": "TAN", "LIE": "LI", "LEE": "LI", "LIEM": "LIM", "GOH": "GO", "KHO": "KO",
    "UY": "UI", "WEE": "UI",  # OEI/OEY/WEE
}  # fmt: skip
_PATRONYMIC_WORDS = frozenset({"BIN", "BINTI", "BT", "BN"})


@lru_cache(maxsize=1 << 16)
def _compare_tokens(name: str | None) -> tuple[str, ...]:
    words = _normalized_words(name)
    if not words or all(w in _TITLE_ONLY_WORDS for w in words):
        return ()
    return tuple(_COMPARE_ALIASES.get(w, w) for w in words)


# Arabic article assimilated to the next letter: ABDURRAHMAN = ABDUL RAHMAN, ABDUSSALAM =
# ABDUL SALAM, ABD RAHMAN = ABDUL RAHMAN.
_ABDUL_RE = re.compile(r"ABDU?L?([A-Z])\1?")


@lru_cache(maxsize=1 << 16)
def _squash(word: str) -> str:
    return _ABDUL_RE.sub(r"ABDUL\1", word) if "ABD" in word else word


def _typo_limit(a: str, b: str) -> int:
    n = min(len(a), len(b))
    return 0 if n < 4 else (1 if n < 8 else 2)


@lru_cache(maxsize=1 << 18)
def _word_match(a: str, b: str) -> int:
    """0 equal, 1 initial (a one-letter word = first letter of the other), 2 typo, 3 no match."""
    if a == b:
        return 0
    if (len(a) == 1) != (len(b) == 1):
        return 1 if a[0] == b[0] else 3
    if a[0] != b[0]:  # a typo in the first letter is not recognised (rare; SRI / DWI)
        return 3
    limit = _typo_limit(a, b)
    if limit and abs(len(a) - len(b)) <= limit and OSA.distance(a, b, score_cutoff=limit) <= limit:
        return 2
    return 3


@lru_cache(maxsize=1 << 16)
def _joined_match(word: str, parts: tuple[str, ...]) -> int:
    """0 when ``word`` is ``parts`` written together, 2 with a typo, 3 otherwise."""
    if any(len(p) == 1 for p in parts):
        return 3
    joined, w = _squash("".join(parts)), _squash(word)
    if joined == w:
        return 0
    limit = _typo_limit(joined, w)
    if limit and OSA.distance(joined, w, score_cutoff=limit) <= limit:
        return 2
    return 3


# Costs of the alignment: a word left off costs most, then a typo, then an initial or a join.
_SKIP, _TYPO, _SMALL = 10, 3, 1
# Operations: (kind, words of a, words of b).
_EQ, _INIT, _TYPO_K, _JOIN, _JOIN_TYPO, _SKIP_A, _SKIP_B = range(7)


def _align(a: tuple[str, ...], b: tuple[str, ...]) -> list[tuple[int, int, int, int, int]]:
    """Cheapest in-order alignment of two word lists: (kind, i, i_end, j, j_end) operations."""
    n, m = len(a), len(b)
    inf = 1 << 30
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int, int] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    cost[n][m] = 0
    for i in range(n, -1, -1):
        ci, bi = cost[i], back[i]
        for j in range(m, -1, -1):
            if i == n and j == m:
                continue
            best, op = inf, None
            if i < n and cost[i + 1][j] + _SKIP < best:
                best, op = cost[i + 1][j] + _SKIP, (_SKIP_A, 1, 0)
            if j < m and ci[j + 1] + _SKIP < best:
                best, op = ci[j + 1] + _SKIP, (_SKIP_B, 0, 1)
            if i < n and j < m:
                k = _word_match(a[i], b[j])
                if k < 3:
                    kind, c = ((_EQ, 0), (_INIT, _SMALL), (_TYPO_K, _TYPO))[k]
                    if cost[i + 1][j + 1] + c < best:
                        best, op = cost[i + 1][j + 1] + c, (kind, 1, 1)
                if a[i][0] != b[j][0]:
                    ci[j], bi[j] = best, op
                    continue
                for span in (2, 3):
                    if j + span <= m and abs(len(a[i]) - sum(map(len, b[j : j + span]))) <= 3:
                        k = _joined_match(a[i], b[j : j + span])
                        if k < 3:
                            c = _SMALL + (_TYPO if k else 0)
                            if cost[i + 1][j + span] + c < best:
                                best, op = cost[i + 1][j + span] + c, (_JOIN_TYPO if k else _JOIN, 1, span)
                    if i + span <= n and abs(len(b[j]) - sum(map(len, a[i : i + span]))) <= 3:
                        k = _joined_match(b[j], a[i : i + span])
                        if k < 3:
                            c = _SMALL + (_TYPO if k else 0)
                            if cost[i + span][j + 1] + c < best:
                                best, op = cost[i + span][j + 1] + c, (_JOIN_TYPO if k else _JOIN, span, 1)
            ci[j], bi[j] = best, op
    ops = []
    i = j = 0
    while i < n or j < m:
        kind, di, dj = back[i][j]  # type: ignore[misc]
        ops.append((kind, i, i + di, j, j + dj))
        i, j = i + di, j + dj
    return ops


def _w(words: tuple[str, ...]) -> str:
    return " ".join(words)


def _initial(word: str) -> str:
    return word + "." if len(word) == 1 else word


def compare_names(a: str | None, b: str | None) -> NameComparison:
    """Compare two names as written by clerks and villages (see :class:`NameLevel`).

    Both names are normalised first (titles, old spellings, forms of Muhammad; see
    :func:`normalize_name`); the words are then aligned in order, a word matching another word
    exactly, as its initial, joined with the next word(s) (ABDUL RAHMAN = ABDURRAHMAN), with a
    typo, or being left off on one side. Words left off on *both* sides mean different names
    (SRI WAHYUNI / DWI WAHYUNI).

    >>> compare_names("Z. SYAIFUL", "ZAINAL SYAIFUL").explanation
    'Nama: disingkat (Z. ↔ ZAINAL)'
    """
    return _compare(_compare_tokens(a), _compare_tokens(b))


def compare_name_words(wa: tuple[str, ...], wb: tuple[str, ...]) -> NameComparison:
    """:func:`compare_names` of two names' :func:`compare_words` (a caller comparing millions of
    pairs takes each name's words once)."""
    return _compare(wa, wb)


def first_letter_mask(name: str | None) -> int:
    """Bit mask of the first letters of ``name``'s words as :func:`compare_names` compares them.

    Two names whose masks share no bit have no word that could match another (exactly, as an
    initial, joined or with a typo): :func:`compare_names` calls them ``BEDA`` without aligning the
    words (its first test). Lets a caller with millions of name pairs skip those pairs in bulk.
    Letters are folded onto 63 bits (a shared bit may be a false alarm, never a missed match);
    an empty name (or only titles) is 0."""
    m = 0
    for w in _compare_tokens(name):
        m |= 1 << (ord(w[0]) % 63)
    return m


def compare_words(name: str | None) -> tuple[str, ...]:
    """The words :func:`compare_names` compares: normalised, romanisation aliases applied, ``()``
    for an empty name or one of only titles."""
    return _compare_tokens(name)


def join_possible(wa: tuple[str, ...], wb: tuple[str, ...]) -> bool:
    """Are 2 or 3 adjacent words of one name (:func:`compare_words`) written as one word of the
    other (NUR HAYATI / NURHAYATI, ABDUL RAHMAN / ABDURRAHMAN, with at most a typo)? The same test
    the alignment makes for a join (:func:`_align`). With :func:`first_letter_mask` it bounds the
    pairs :func:`compare_names` can find alike (see :func:`may_be_alike`)."""
    for span_side, word_side in ((wa, wb), (wb, wa)):
        for i in range(len(span_side) - 1):
            first = span_side[i][0]
            for span in (2, 3):
                parts = span_side[i:i + span]
                if len(parts) < span or any(len(p) == 1 for p in parts):
                    break
                joined = sum(map(len, parts))
                for w in word_side:
                    if w[0] == first and abs(len(w) - joined) <= 3 and _joined_match(w, parts) < 3:
                        return True
    return False


def may_be_alike(a: str | None, b: str | None) -> bool:
    """False when :func:`compare_names` surely says ``BEDA`` or ``KOSONG`` (without aligning).

    A pair that is not ``BEDA`` has, on at least one side, no word left off (or the shorter name's
    words are all in the longer). Every word of that side then starts an aligned part whose first
    letter is a first letter of the other name (an equal word, an initial, a typo and a join all
    need the same first letter), unless it is the second or third word of a join. So: the first
    letters of one name are among the other's, or words of one are joined in a word of the other
    (:func:`join_possible`).
    SITI AMINAH / SITI RAHAYU is neither (each has a first letter the other lacks) and is ``BEDA``.

    The engine applies the same test to millions of pairs in bulk: the letter sets as
    :func:`first_letter_mask` bits (a subset by bits), :func:`join_possible` for the rest."""
    ma, mb = first_letter_mask(a), first_letter_mask(b)
    if not ma & mb:
        return False
    return (ma & ~mb) == 0 or (mb & ~ma) == 0 or join_possible(_compare_tokens(a), _compare_tokens(b))


@lru_cache(maxsize=1 << 16)
def _compare(ta: tuple[str, ...], tb: tuple[str, ...]) -> NameComparison:
    if not ta or not tb:
        return NameComparison(NameLevel.KOSONG, ta, tb, "Nama: kosong atau hanya gelar")
    if ta == tb:
        return NameComparison(NameLevel.SAMA, (), (), "Nama: sama", _only_common(ta))
    if len(ta) == len(tb) and sorted(ta) == sorted(tb):
        return NameComparison(
            NameLevel.URUTAN, ta, tb, f"Nama: urutan kata berbeda ({_w(ta)} ↔ {_w(tb)})", _only_common(ta)
        )
    if {w[0] for w in ta}.isdisjoint([w[0] for w in tb]):
        # No word can match another (exactly, as an initial, joined or with a typo): the
        # commonest case for two different persons, answered without the alignment.
        return NameComparison(NameLevel.BEDA, ta, tb, f"Nama: berbeda ({_w(ta)} ↔ {_w(tb)})", True)
    ops = _align(ta, tb)
    kinds = {op[0] for op in ops}
    da: list[str] = []
    db: list[str] = []
    for kind, i0, i1, j0, j1 in ops:
        if kind != _EQ:
            da.extend(ta[i0:i1])
            db.extend(tb[j0:j1])
    detail_a, detail_b = tuple(da), tuple(db)
    full = [ta[i0] for kind, i0, i1, j0, j1 in ops if kind in (_EQ, _TYPO_K) and len(ta[i0]) > 1]
    full += [_w(ta[i0:i1]) for kind, i0, i1, j0, j1 in ops if kind in (_JOIN, _JOIN_TYPO)]
    common_only = not full or all(w in COMMON_GIVEN_NAMES for w in full)
    typo = bool(kinds & {_TYPO_K, _JOIN_TYPO})
    skipped_a = [k for k, op in enumerate(ops) if op[0] == _SKIP_A]
    skipped_b = [k for k, op in enumerate(ops) if op[0] == _SKIP_B]

    def pairs(which: tuple[int, ...]) -> str:
        return ", ".join(
            f"{_initial(_w(ta[i0:i1]))} ↔ {_initial(_w(tb[j0:j1]))}" for kind, i0, i1, j0, j1 in ops if kind in which
        )

    if not full and not (skipped_a or skipped_b or typo):
        pass  # every word an initial of the other (A. B. / AGUS BUDI): INISIAL, weak
    elif skipped_a and skipped_b and (extra := _reordered_subset(ta, tb)) is not None:
        # Words of one name all in the other, in another order (WAHYUNI SRI / SRI WAHYUNI NINGSIH).
        rest_a, rest_b = (extra, ()) if len(ta) > len(tb) else ((), extra)
        return NameComparison(
            NameLevel.SEBAGIAN_DEPAN,
            rest_a,
            rest_b,
            f"Nama: urutan kata berbeda dan sebagian nama tidak ditulis ({_w(extra)})",
            _only_common(tb if len(ta) > len(tb) else ta),
        )
    elif (skipped_a and skipped_b) or not full:
        # Words left off on both sides conflict (SRI WAHYUNI / DWI WAHYUNI); a name matching
        # only through initials and left-off words (A. / AGUS BUDI) is no evidence either.
        return NameComparison(
            NameLevel.BEDA,
            detail_a,
            detail_b,
            f"Nama: berbeda ({_w(detail_a) or '-'} ↔ {_w(detail_b) or '-'})",
            common_only,
            typo,
        )
    parts: list[str] = []
    if skipped_a or skipped_b:
        skipped = skipped_a or skipped_b
        side, lo, hi = (ta, 1, 2) if skipped_a else (tb, 3, 4)
        dropped = tuple(w for k in skipped for w in side[ops[k][lo] : ops[k][hi]])
        last_matched = max(k for k, op in enumerate(ops) if op[0] not in (_SKIP_A, _SKIP_B))
        trailing = skipped[0] > last_matched
        if typo:
            level = NameLevel.MIRIP_SEBAGIAN
        else:
            level = NameLevel.SEBAGIAN_BELAKANG if trailing else NameLevel.SEBAGIAN_DEPAN
        if dropped[0] in _PATRONYMIC_WORDS and trailing:
            parts.append(f"nama ayah (bin/binti) hanya di satu sisi ({_w(dropped)})")
        elif trailing:
            parts.append(f"sebagian nama tidak ditulis ({_w(dropped)})")
        else:
            parts.append(f"nama depan/tengah tidak ditulis ({_w(dropped)})")
    elif typo:
        level = NameLevel.MIRIP
    elif _INIT in kinds:
        level = NameLevel.INISIAL
    elif kinds & {_JOIN}:
        level = NameLevel.GABUNG_PISAH
    else:  # pragma: no cover - equal tokens are handled above
        level = NameLevel.SAMA
    if _INIT in kinds:
        parts.append(f"disingkat ({pairs((_INIT,))})")
    if _JOIN in kinds:
        parts.append(f"kata digabung/dipisah ({pairs((_JOIN,))})")
    if typo:
        parts.append(f"salah ketik ({pairs((_TYPO_K, _JOIN_TYPO))})")
    if common_only:
        parts.append("hanya nama yang sangat umum sama" if full else "hanya inisial")
    return NameComparison(level, detail_a, detail_b, "Nama: " + "; ".join(parts), common_only, typo)


def _reordered_subset(ta: tuple[str, ...], tb: tuple[str, ...]) -> tuple[str, ...] | None:
    """The longer name's extra words when the shorter name's words are all in it, else None."""
    short, long_ = (ta, tb) if len(ta) < len(tb) else (tb, ta)
    if len(short) == len(long_):
        return None
    rest = list(long_)
    for w in short:
        if w not in rest:
            return None
        rest.remove(w)
    return tuple(rest)


def _only_common(tokens: tuple[str, ...]) -> bool:
    return all(w in COMMON_GIVEN_NAMES or len(w) == 1 for w in tokens)
