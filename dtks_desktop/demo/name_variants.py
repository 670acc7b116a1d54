"""How villages and clerks really write a person's name: the demo generator's name variants.

Used for the corruption kinds ``nama_inisial``, ``nama_sebagian``, ``nama_gabung_pisah`` and
``nama_sebagian_typo`` (see docs/demo-data.md). Each function takes the full upper-case name and
returns another way of writing it, or None when the name has no plausible variant of that kind.

A variant never leaves a name a clerk could not recognise: it keeps at least one full word, and
it only rarely (``COMMON_RATE``) leaves nothing but a very common given word (``SRI`` from
``SRI WAHYUNI``: a real case, kept rare). Like the rest of the generator, this module does not use
``dtks_desktop.domain``: it is the independent oracle.
"""

from __future__ import annotations

import random
import re
from functools import lru_cache

from dtks_desktop.demo import names_regions

# Very common given words: a name reduced to these alone is hardly recognisable.
COMMON_WORDS = frozenset({
    "SRI", "SITI", "NUR", "NURUL", "MUHAMMAD", "MUHAMAD", "MOHAMMAD", "MOCHAMMAD", "MOCHAMAD",
    "MOHAMAD", "MOH.", "MUH.", "M.", "AHMAD", "ABDUL", "DEWI", "PUTRI", "PUTRA", "DWI", "TRI", "EKO",
    "EKA", "UMI", "ENDANG", "RETNO", "TITIK", "ARI", "ADI", "CATUR", "PANCA", "AYU", "AGUS", "BUDI",
})
COMMON_RATE = 0.08

# Words that belong to the next word ("T. RIZAL", "BR. SIREGAR"); "BIN"/"BINTI" take the rest.
_BINDING = frozenset({"T.", "TEUKU", "CUT", "TGK.", "TGK", "TEUNGKU", "BR.", "BR", "H.", "HJ."})
_PATRONYM = frozenset({"BIN", "BINTI"})
_MUH = frozenset({"MUHAMMAD", "MUHAMAD", "MOHAMMAD", "MOCHAMMAD", "MOCHAMAD", "MOHAMAD", "MOH.", "MUH."})

# Arabic article assimilation: ABDUL + RAHMAN -> ABDURRAHMAN (sun letters).
_SUN = ("SY", "R", "S", "Z", "N", "T", "D")
# Where a single word is split by clerks: NURHAYATI -> NUR HAYATI, PUSPITASARI -> PUSPITA SARI.
_SPLIT_PREFIX = ("MUHAMMAD", "ABDUL", "NURUL", "NUR", "SRI", "SITI", "DWI", "TRI", "EKA", "PUTRI")
_SPLIT_SUFFIX = ("NINGSIH", "WATI", "SARI", "YANTI", "NINGRUM", "UDDIN", "UDIN")
_ASSIMILATED = re.compile(r"^ABD(U)(SY|R|S|Z|N|T|D)\2(\w{3,})$")


def units(name: str) -> list[str]:
    """The name split into parts a clerk keeps or leaves off together.

    A title/prefix word is bound to the next word (``T. RIZAL``, ``BR. SIREGAR``), ``BIN``/
    ``BINTI`` to everything after it (``BIN AHMAD YUSUF``).
    """
    words = name.split()
    out: list[str] = []
    i = 0
    while i < len(words):
        w = words[i]
        if w in _PATRONYM and i + 1 < len(words):
            out.append(" ".join(words[i:]))
            break
        if w in _BINDING and i + 1 < len(words):
            out.append(f"{w} {words[i + 1]}")
            i += 2
            continue
        out.append(w)
        i += 1
    return out


def _core(unit: str) -> str:
    """The word of a unit that carries the name (``T. RIZAL`` -> ``RIZAL``)."""
    parts = unit.split()
    if parts[0] in _PATRONYM:
        return ""
    return parts[-1]


@lru_cache(maxsize=1)
def family_words() -> frozenset[str]:
    """Marga, clan and surname words: a name reduced to these alone names a whole family."""
    p = names_regions.pools()
    return frozenset(p["BATAK_MARGA"] + p["PAPUA_CLAN_N"] + p["PAPUA_CLAN_H"] + p["PAPUA_CLAN_S"]
                     + p["CN_SURNAME"] + p["CN_INDO_SUR"])


def _recognisable(kept_units: list[str], r: random.Random) -> bool:
    """At least one kept full word of 3+ letters that is not a very common given word nor a
    family name (marga, clan, surname) alone; rarely, such a name is allowed."""
    cores = [_core(u) for u in kept_units]
    full = [c for c in cores if len(c) >= 3 and not c.endswith(".")]
    if not full:
        return False
    fam = family_words()
    if all(c in COMMON_WORDS or c in fam for c in full):
        return r.random() < COMMON_RATE
    return True


def initial(name: str, r: random.Random) -> str | None:
    """A given name (or another word) written as its initial: ``Z. SYAIFUL``, ``SITI A.``,
    ``MUHAMMAD R. PRATAMA``, ``R. A. KARTINI``."""
    us = units(name)
    cand = [i for i, u in enumerate(us)
            if " " not in u and len(u) >= 4 and u.isalpha() and u not in _MUH]
    if len(us) < 2 or not cand:
        return None
    x = r.random()
    if x < 0.55:
        targets = [cand[0]]
    elif x < 0.8:
        targets = [cand[-1]]
    elif x < 0.9 and len(cand) >= 3:
        targets = [cand[1]]
    elif len(cand) >= 2 and len(us) >= 3:
        targets = cand[:2]
    else:
        targets = [cand[0]]
    kept = [u for i, u in enumerate(us) if i not in targets]
    if not _recognisable(kept, r):
        return None
    dot = r.random() < 0.8
    out = [(f"{u[0]}." if dot else u[0]) if i in targets else u for i, u in enumerate(us)]
    res = " ".join(out)
    return res if res != name else None


def partial(name: str, r: random.Random, extra: str | None = None) -> str | None:
    """A part of the name left off (the family name, the given name, the ``BIN ...`` part, a
    middle name) or, with ``extra``, a part added (a husband's or father's name: ``DEWI WAWAN``,
    ``SULAIMAN BIN AHMAD``)."""
    us = units(name)
    options: list[str] = []
    if len(us) >= 2:
        options += ["last", "last", "first"]
        if len(us) >= 3:
            options.append("middle")
    words = name.split()
    if extra and extra.split()[-1] not in words and not _PATRONYM & set(words):
        options += ["add", "add"] if len(us) <= 2 else ["add"]
    while options:
        how = r.choice(options)
        options = [o for o in options if o != how]
        if how == "add":
            return f"{name} {extra}"
        if how == "last":
            kept = us[:-1]
        elif how == "first":
            kept = us[1:]
            if kept[0].split()[0] in _PATRONYM or kept[0].startswith("BR"):
                continue   # "BIN AHMAD" or "BR. SIREGAR" alone names nobody
        else:
            j = r.randrange(1, len(us) - 1)
            kept = us[:j] + us[j + 1:]
        if _recognisable(kept, r):
            return " ".join(kept)
    return None


def join_split(name: str, r: random.Random) -> str | None:
    """Words joined or split: ``ABDUL RAHMAN`` <-> ``ABDURRAHMAN``, ``NUR HAYATI`` <->
    ``NURHAYATI``, ``MUHAMMAD RIZKI`` -> ``MUHAMMADRIZKI``, ``PUSPITASARI`` -> ``PUSPITA SARI``."""
    words = name.split()
    splits: list[tuple[int, str]] = []
    for i, w in enumerate(words):
        m = _ASSIMILATED.match(w)
        if m:
            splits.append((i, f"ABDUL {m.group(2)}{m.group(3)}"))
            continue
        if not w.isalpha():
            continue
        for pre in _SPLIT_PREFIX:
            if w.startswith(pre) and len(w) - len(pre) >= 3:
                splits.append((i, f"{pre} {w[len(pre):]}"))
                break
        else:
            for suf in _SPLIT_SUFFIX:
                if w.endswith(suf) and len(w) - len(suf) >= 3:
                    splits.append((i, f"{w[:-len(suf)]} {suf}"))
                    break
    joins: list[tuple[int, str]] = []
    for i in range(len(words) - 1):
        a, b = words[i], words[i + 1]
        if not (a.isalpha() and b.isalpha()) or a in _BINDING or a in _PATRONYM or b in _PATRONYM:
            continue
        if a == "ABDUL" and b.startswith(_SUN):
            sun = "SY" if b.startswith("SY") else b[0]
            joins.append((i, f"ABDU{sun}{b}"))
        else:
            joins.append((i, a + b))
    if splits and (not joins or r.random() < 0.5):
        i, new = r.choice(splits)
        return " ".join(words[:i] + [new] + words[i + 1:])
    if joins:
        i, new = r.choice(joins)
        return " ".join(words[:i] + [new] + words[i + 2:])
    return None


def word_typo(name: str, r: random.Random) -> str:
    """One letter dropped, doubled, swapped or changed inside a word of 4+ letters, never the
    first letter of a word."""
    spots = []
    pos = 0
    for w in name.split(" "):
        if len(w) >= 4 and w.isalpha():
            spots.extend(range(pos + 1, pos + len(w)))
        pos += len(w) + 1
    if not spots:
        return name
    i = r.choice(spots)
    c = name[i]
    x = r.random()
    if x < 0.3:
        return name[:i] + name[i + 1:]
    if x < 0.5:
        return name[:i] + c + name[i:]
    if x < 0.7 and i + 1 < len(name) and name[i + 1].isalpha() and name[i + 1] != c:
        return name[:i] + name[i + 1] + c + name[i + 2:]
    swaps = {"A": "E", "E": "A", "I": "Y", "Y": "I", "U": "O", "O": "U", "K": "Q", "F": "P", "P": "F",
             "D": "T", "T": "D", "S": "Z", "Z": "S", "M": "N", "N": "M"}
    return name[:i] + swaps.get(c, "A" if c != "A" else "E") + name[i + 1:]


def partial_typo(name: str, r: random.Random, extra: str | None = None) -> str | None:
    """A part left off or added, and a typo inside one of the remaining words."""
    p = partial(name, r, extra)
    if p is None:
        return None
    t = word_typo(p, r)
    return t if t != p else None


KINDS = ("nama_inisial", "nama_sebagian", "nama_gabung_pisah", "nama_sebagian_typo")


def variant(kind: str, name: str, r: random.Random, extra: str | None = None) -> str | None:
    if kind == "nama_inisial":
        return initial(name, r)
    if kind == "nama_sebagian":
        return partial(name, r, extra)
    if kind == "nama_gabung_pisah":
        return join_split(name, r)
    return partial_typo(name, r, extra)
