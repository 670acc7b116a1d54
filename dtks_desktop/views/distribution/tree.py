"""Reading the period's region tree (``services.distribution.mapping.tree``: a ``MapNode`` per
kabupaten → kecamatan → desa → RW → RT, each with ``level``, ``kode`` (the RW/RT number as stored
for those levels), ``nama``, counts, ``nilai`` and ``children``) for the tabs' filters and lists,
and a file-name-safe form of a name."""

from __future__ import annotations

import re

KECAMATAN, DESA, RW, RT = "kecamatan", "desa", "rw", "rt"


def desa_nodes(tree) -> list[tuple]:
    """(kecamatan node, desa node) of every known desa of the tree, in the tree's order."""
    if tree is None:
        return []
    return [(kec, desa) for kec in tree.children for desa in kec.children if desa.kode]


def level_label(node) -> str:
    """How a node reads in the tree: "Kec. Kalikotes", "Jimbung", "RW 001", "RT 002"."""
    if node.level == KECAMATAN:
        return f"Kec. {node.nama}" if node.kode else str(node.nama)
    return str(node.nama)


def _desa(tree, kode: str | None):
    return next((d for _k, d in desa_nodes(tree) if d.kode == kode), None)


def rw_values(tree, desa: str | None) -> list[str]:
    """The RW numbers of a desa (none without a desa); an empty RW cannot be chosen."""
    node = _desa(tree, desa)
    return [rw.kode for rw in node.children if rw.kode] if node is not None else []


def rt_values(tree, desa: str | None, rw: str | None) -> list[str]:
    """The RT numbers of an RW of a desa (none without both)."""
    node = _desa(tree, desa)
    if node is None or not rw:
        return []
    for child in node.children:
        if child.kode == rw:
            return [rt.kode for rt in child.children if rt.kode]
    return []


def safe_name(text: str) -> str:
    """"BPNT 2026 Tahap 1" -> "BPNT_2026_Tahap_1" (letters, digits, - and _)."""
    return re.sub(r"[^0-9A-Za-z\-]+", "_", str(text)).strip("_") or "tanpa_nama"
