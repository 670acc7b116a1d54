"""Numbers in Indonesian words (terbilang), as minutes and receipts write them.

``terbilang(1250000)`` -> ``"satu juta dua ratus lima puluh ribu"``; ``rupiah(1250000)`` ->
``"Rp 1.250.000 (satu juta dua ratus lima puluh ribu rupiah)"``. Indonesian says ``sebelas``
(11), ``seratus`` (100), ``seribu`` (1000) but ``satu juta`` (1,000,000).
"""

from __future__ import annotations

from dtks_desktop.domain.formatting import angka

__all__ = ["terbilang", "rupiah"]

_SATUAN = ("nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan", "sepuluh",
           "sebelas")
_SKALA = ((10 ** 12, "triliun"), (10 ** 9, "miliar"), (10 ** 6, "juta"))


def _below_thousand(n: int) -> list[str]:
    words: list[str] = []
    hundreds, rest = divmod(n, 100)
    if hundreds == 1:
        words.append("seratus")
    elif hundreds:
        words += [_SATUAN[hundreds], "ratus"]
    if rest == 0:
        return words
    if rest < 12:
        words.append(_SATUAN[rest])
    elif rest < 20:
        words += [_SATUAN[rest - 10], "belas"]
    else:
        tens, ones = divmod(rest, 10)
        words += [_SATUAN[tens], "puluh"]
        if ones:
            words.append(_SATUAN[ones])
    return words


def _words(n: int) -> list[str]:
    words: list[str] = []
    for size, name in _SKALA:
        if n >= size:
            q, n = divmod(n, size)
            words += _words(q) + [name]
    if n >= 1000:
        q, n = divmod(n, 1000)
        words += ["seribu"] if q == 1 else _below_thousand(q) + ["ribu"]
    if n:
        words += _below_thousand(n)
    return words


def terbilang(n: int) -> str:
    """A whole number in Indonesian words (``minus`` before a negative one)."""
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError("terbilang: bilangan bulat")
    if n == 0:
        return "nol"
    if n < 0:
        return "minus " + terbilang(-n)
    if n >= 10 ** 15:
        raise ValueError("terbilang: bilangan terlalu besar (paling banyak 999 triliun)")
    return " ".join(_words(n))


def rupiah(n: int) -> str:
    """``Rp 1.250.000 (satu juta dua ratus lima puluh ribu rupiah)``."""
    return f"Rp {angka(n)} ({terbilang(n)} rupiah)"
