"""Masking of NIK and No KK for screens, exports and printed lists.

One rule for the whole application: ``3310011201850012`` -> ``3310********0012``.
A value shorter than 16 characters (a damaged or mistyped NIK) is masked *more*, never less:
at most half of it is shown, and never more than the policy allows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["MaskPolicy", "DEFAULT_POLICY", "mask_nik", "mask_no_kk", "mask_id", "mask_numbers",
           "IDENTIFIER_FIELDS", "IDENTIFIER_PROBLEM_PREFIXES", "is_identifier", "mask_identifier", "mask_record"]


@dataclass(frozen=True)
class MaskPolicy:
    """How many characters to keep at each end, and the masking character."""

    keep_start: int = 4
    keep_end: int = 4
    char: str = "*"

    def __post_init__(self) -> None:
        if self.keep_start < 0 or self.keep_end < 0:
            raise ValueError("Jumlah karakter yang ditampilkan tidak boleh negatif")
        if len(self.char) != 1:
            raise ValueError("Karakter penyamar harus tepat satu karakter")


DEFAULT_POLICY = MaskPolicy()


def mask_nik(nik: str | None, policy: MaskPolicy = DEFAULT_POLICY) -> str:
    """Mask a NIK (or No KK): keep ``keep_start`` + ``keep_end`` characters, mask the rest.

    ``None`` or an empty value gives ``""``. Surrounding whitespace is ignored. The result has
    the same length as the value. For short values the number of characters shown is reduced
    so that at least half of the value stays hidden: ``"123456"`` -> ``"12***6"``,
    ``"1234"`` -> ``"1**4"``, ``"1"`` -> ``"*"``.
    """
    if nik is None:
        return ""
    s = str(nik).strip()
    n = len(s)
    if n == 0:
        return ""
    # Characters we may show: what the policy allows, and never more than half the value.
    budget = min(policy.keep_start + policy.keep_end, n // 2)
    if budget == policy.keep_start + policy.keep_end:
        start, end = policy.keep_start, policy.keep_end
    else:
        start = min(policy.keep_start, (budget + 1) // 2)
        end = min(policy.keep_end, budget - start)
        start = min(policy.keep_start, budget - end)
    hidden = n - start - end
    return s[:start] + policy.char * hidden + (s[n - end :] if end else "")


#: Same rule for a No KK.
mask_no_kk = mask_nik
#: Same rule for any other identifier (BPJS number, account number...).
mask_id = mask_nik

_DIGIT_RUN = re.compile(r"\d{8,}")


def mask_numbers(text: str | None, policy: MaskPolicy = DEFAULT_POLICY) -> str:
    """Mask every NIK-like number (a run of 8 or more digits) inside free text.

    Explanations from the services quote NIKs and No KKs (``"NIK: berbeda (3310… ↔ 3310…)"``);
    dates (``12-06-2017``), RT/RW and member numbers stay as they are.
    """
    if not text:
        return ""
    return _DIGIT_RUN.sub(lambda m: mask_nik(m.group(0), policy), text)


# --- which values are identifiers: the one list -----------------------------------------------------

#: Fields (record keys, import fields, columns) whose values are a NIK or a No KK, in any form:
#: as stored, as written in the file, matched or proposed by the civil registry. Masked for roles
#: that may not see them in full (``domain.permissions.sees_full_nik``) and in every file that
#: leaves the office.
IDENTIFIER_FIELDS = frozenset({
    "nik", "no_kk", "nik_raw", "no_kk_raw", "nik_file", "nik_matched", "nik_before", "nik_after", "nik_new",
    "candidate_nik",
})
#: Import problem codes about an identifier (``nik_tidak_sah``, ``kk_…``, ``tanpa_nik``): their
#: value is the identifier as written, whatever field the problem names.
IDENTIFIER_PROBLEM_PREFIXES = ("nik", "kk", "tanpa_nik")

_NON_DIGIT = re.compile(r"\D")


def is_identifier(field: str | None, code: str | None = None) -> bool:
    """Whether the value of ``field`` (or of an import problem with ``code``) is a NIK or No KK."""
    return (field or "") in IDENTIFIER_FIELDS or bool(code and code.startswith(IDENTIFIER_PROBLEM_PREFIXES))


def mask_identifier(value: str | None, policy: MaskPolicy = DEFAULT_POLICY) -> str:
    """Mask an identifier as written in a file: its digits when there are enough of them to be
    one (``'3310 0112 0185 0012`` → ``3310********0012``), else the text itself (masked more)."""
    if value is None:
        return ""
    digits = _NON_DIGIT.sub("", str(value))
    return mask_nik(digits if len(digits) >= 10 else value, policy)


def mask_record(record: dict, policy: MaskPolicy | None) -> dict:
    """A copy of ``record`` with the values of its identifier fields masked by ``policy``;
    ``policy=None`` (a role that sees full NIKs) gives the values unchanged."""
    if policy is None:
        return dict(record)
    return {k: (mask_identifier(v, policy) if v and k in IDENTIFIER_FIELDS else v) for k, v in record.items()}
