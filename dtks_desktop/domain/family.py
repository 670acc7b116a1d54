"""Relationship to the head of the family (hubungan dengan kepala keluarga / SHDK).

Codes follow the Kemensos verivali list (DOMAIN.md §1.2): 1 Kepala Keluarga,
2 Istri/Suami, 3 Anak, 4 Menantu, 5 Cucu, 6 Orang Tua/Mertua, 7 Pembantu Rumah
Tangga, 8 Lainnya. Dukcapil's STAT_HBKEL texts map onto the same codes.
"""

from __future__ import annotations

import re

HUBUNGAN_LABELS: dict[int, str] = {
    1: "Kepala Keluarga",
    2: "Istri/Suami",
    3: "Anak",
    4: "Menantu",
    5: "Cucu",
    6: "Orang Tua/Mertua",
    7: "Pembantu Rumah Tangga",
    8: "Lainnya",
}

_TEXT: dict[str, int] = {
    "KEPALA KELUARGA": 1, "KEPALA RUMAH TANGGA": 1, "KK": 1, "KRT": 1, "KEPALA": 1,
    "ISTRI": 2, "ISTERI": 2, "SUAMI": 2, "ISTRI SUAMI": 2, "SUAMI ISTRI": 2, "PASANGAN": 2,
    "ANAK": 3, "ANAK KANDUNG": 3, "ANAK ANGKAT": 3, "ANAK TIRI": 3,
    "MENANTU": 4,
    "CUCU": 5,
    "ORANG TUA": 6, "ORANGTUA": 6, "MERTUA": 6, "ORANG TUA MERTUA": 6, "AYAH": 6, "IBU": 6,
    "PEMBANTU": 7, "PEMBANTU RUMAH TANGGA": 7, "PRT": 7,
    "FAMILI LAIN": 8, "FAMILI": 8, "LAINNYA": 8, "LAIN LAIN": 8, "LAIN": 8, "SAUDARA": 8,
}
_NON_ALNUM = re.compile(r"[^A-Z0-9]+")


def parse_hubungan(value: object) -> int | None:
    """'KEPALA KELUARGA', 'Istri', '3', 3.0 -> code 1..8; None when empty or unknown."""
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        code = int(value)
        return code if code == value and 1 <= code <= 8 else None
    text = _NON_ALNUM.sub(" ", str(value).upper()).strip()
    if not text:
        return None
    if text.isdigit():
        code = int(text)
        return code if 1 <= code <= 8 else None
    if text in _TEXT:
        return _TEXT[text]
    # "1. KEPALA KELUARGA" / "3 ANAK"
    head, _, rest = text.partition(" ")
    if head.isdigit() and 1 <= int(head) <= 8:
        return int(head)
    return _TEXT.get(rest) if rest else None


def hubungan_label(code: int | None) -> str:
    return HUBUNGAN_LABELS.get(code or 0, "")
