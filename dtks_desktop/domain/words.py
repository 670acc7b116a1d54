"""Reading a word a person typed (a worksheet cell, a participant list, a CLI flag) as one of an enum's
values: case, spaces, underscores, dashes, slashes, dots and commas do not matter, and the value, its
Indonesian label or an extra spelling are all accepted."""

from __future__ import annotations

import re
from enum import Enum
from typing import Mapping, TypeVar

__all__ = ["word", "parse_labelled"]

E = TypeVar("E", bound=Enum)

_SPACE_RE = re.compile(r"[\s_\-/.,]+")


def word(value: object) -> str:
    """``"Tidak_Layak "`` → ``"tidak layak"``."""
    return _SPACE_RE.sub(" ", str(value or "")).strip().casefold()


def parse_labelled(value: object, enum: type[E], labels: Mapping[E, str],
                   extra: Mapping[str, E] | None = None) -> E | None:
    """The member of ``enum`` whose value or label reads as ``value`` (or ``extra``'s spelling, keys
    written as :func:`word` gives them); None for an empty value; ValueError (the folded word) otherwise."""
    w = word(value)
    if not w:
        return None
    for item in enum:
        if w == word(item.value) or w == word(labels[item]):
            return item
    if extra and w in extra:
        return extra[w]
    raise ValueError(w)
