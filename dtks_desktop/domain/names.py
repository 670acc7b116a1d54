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
