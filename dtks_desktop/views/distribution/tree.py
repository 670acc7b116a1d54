"""Reading the period's region tree (``services.distribution.mapping.tree``: kabupaten → kecamatan
→ desa → RW → RT, each node with ``kode``, ``nama``, counts, ``nilai`` and ``children``) for the
tabs' filters and lists, and a file-name-safe form of a name."""

from __future__ import annotations

import re

DEPTH_KEC, DEPTH_DESA, DEPTH_RW, DEPTH_RT = 1, 2, 3, 4
_PREFIX = {DEPTH_RW: "RW", DEPTH_RT: "RT"}


def desa_nodes(tree) -> list[tuple]:
    """(kecamatan node, desa node) of every desa of the tree, in the tree's order."""
    if tree is None:
        return []
    return [(kec, desa) for kec in tree.children for desa in kec.children]


def _bare(node, depth: int) -> str:
    """An RW/RT node's number as stored ("001"), whether or not its name carries the prefix."""
    name = str(node.nama or "").strip()
    prefix = _PREFIX.get(depth)
    if prefix and name.upper().startswith(prefix + " "):
        name = name[len(prefix) + 1:].strip()
    return name


def level_label(node, depth: int) -> str:
    """How a node reads in the tree: "Kec. Kalikotes", "Jimbung", "RW 001", "RT 002"."""
    if depth == DEPTH_KEC:
        return f"Kec. {node.nama}"
    if depth in _PREFIX:
        bare = _bare(node, depth)
        return f"{_PREFIX[depth]} {bare}" if bare else f"{_PREFIX[depth]} (kosong)"
    return str(node.nama)


def _desa(tree, kode: str | None):
    return next((d for _k, d in desa_nodes(tree) if d.kode == kode), None)


def rw_values(tree, desa: str | None) -> list[str]:
    """The RW numbers of a desa (none without a desa), empty ones left out."""
    node = _desa(tree, desa)
    return [v for v in (_bare(rw, DEPTH_RW) for rw in node.children) if v] if node is not None else []


def rt_values(tree, desa: str | None, rw: str | None) -> list[str]:
    """The RT numbers of an RW of a desa (none without both)."""
    node = _desa(tree, desa)
    if node is None or rw is None:
        return []
    for child in node.children:
        if _bare(child, DEPTH_RW) == rw:
            return [v for v in (_bare(rt, DEPTH_RT) for rt in child.children) if v]
    return []


def safe_name(text: str) -> str:
    """"BPNT 2026 Tahap 1" -> "BPNT_2026_Tahap_1" (letters, digits, - and _)."""
    return re.sub(r"[^0-9A-Za-z\-]+", "_", str(text)).strip("_") or "tanpa_nama"
