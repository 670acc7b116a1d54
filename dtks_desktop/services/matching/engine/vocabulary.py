"""Shared dictionaries of the civil registry and the members: one dense id per distinct
normalised name, name key, name as written, mother's name, desa (ids comparable across both)."""

from __future__ import annotations

from typing import Callable, Sequence

import numpy as np
import pandas as pd

from dtks_desktop.domain.names import normalize_name, written_form


# --- vocabulary --------------------------------------------------------------------------------

class _Pool:
    """Distinct strings -> dense int ids."""

    __slots__ = ("index", "values")

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.values: list[str] = []

    def __len__(self) -> int:
        return len(self.values)

    def add(self, s: str) -> int:
        i = self.index.get(s)
        if i is None:
            i = len(self.values)
            self.index[s] = i
            self.values.append(s)
        return i


class Vocab:
    """Shared dictionaries of the civil registry and the members (ids comparable across both)."""

    def __init__(self) -> None:
        self.names = _Pool()  # normalised names (ordered words); also normalised mothers' names
        self.keys = _Pool()  # name keys (sorted words)
        self.raw = _Pool()  # names as written
        self.mothers = _Pool()  # mothers' names as written
        self.desa = _Pool()  # desa codes
        self.kec = _Pool()  # kecamatan codes
        self._name_key: list[int] = []  # name id -> key id
        self._name_len: list[int] = []  # name id -> letters in the normalised name
        self._desa_kec: list[int] = []
        self._written: dict[int, int] = {}  # raw id -> written-form id (in self.keys' sibling pool)
        self._written_pool = _Pool()
        self._mother_norm: dict[int, int] = {}  # mother raw id -> name id (-1: too short)

    # normalised names
    def name_ids(self, norms: Sequence[str | None]) -> np.ndarray:
        codes, uniques = pd.factorize(np.asarray(norms, dtype=object), use_na_sentinel=True)
        mapping = np.fromiter((self._add_name(u) for u in uniques), dtype=np.int64, count=len(uniques))
        return remap(codes, mapping)

    def _add_name(self, norm: str) -> int:
        if not norm:
            return -1
        n = len(self.names)
        i = self.names.add(norm)
        if i == n:
            words = norm.split()
            self._name_key.append(self.keys.add(" ".join(sorted(words))))
            self._name_len.append(sum(len(w) for w in words))
        return i

    def key_of(self) -> np.ndarray:
        return np.asarray(self._name_key, dtype=np.int64)

    def name_len(self) -> np.ndarray:
        return np.asarray(self._name_len, dtype=np.int64)

    def pool_ids(self, pool: _Pool, values: Sequence[str | None]) -> np.ndarray:
        codes, uniques = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=True)
        mapping = np.fromiter((pool.add(u) if u else -1 for u in uniques), dtype=np.int64, count=len(uniques))
        return remap(codes, mapping)

    def desa_ids(self, values: Sequence[str | None]) -> np.ndarray:
        ids = self.pool_ids(self.desa, values)
        while len(self._desa_kec) < len(self.desa):
            code = self.desa.values[len(self._desa_kec)]
            self._desa_kec.append(self.kec.add(code[:8]))
        return ids

    def desa_kec(self) -> np.ndarray:
        return np.asarray(self._desa_kec, dtype=np.int64)

    @staticmethod
    def _derived_ids(raw_ids: np.ndarray, cache: dict[int, int], derive: Callable[[int], int]) -> np.ndarray:
        """Map ids through ``derive`` (computed once per distinct id, kept in ``cache``); -1 stays -1."""
        uniq, inv = np.unique(raw_ids, return_inverse=True)
        vals = np.empty(len(uniq), dtype=np.int64)
        for j, r in enumerate(uniq.tolist()):
            if r < 0:
                vals[j] = -1
                continue
            v = cache.get(r)
            if v is None:
                v = cache[r] = derive(r)
            vals[j] = v
        return vals[inv]

    def written_ids(self, raw_ids: np.ndarray) -> np.ndarray:
        """Written-form ids for raw-name ids (computed on first use)."""
        return self._derived_ids(raw_ids, self._written,
                                 lambda r: self._written_pool.add(written_form(self.raw.values[r])))

    def written_forms(self) -> list[str]:
        """The written forms by written-form id (:meth:`written_ids`)."""
        return self._written_pool.values

    def _mother_norm_id(self, r: int) -> int:
        norm = normalize_name(self.mothers.values[r])
        return self._add_name(norm) if len(norm.replace(" ", "")) >= 2 else -1

    def mother_name_ids(self, raw_ids: np.ndarray) -> np.ndarray:
        """Normalised-name ids of mothers' names (-1 when missing or shorter than 2 letters)."""
        return self._derived_ids(raw_ids, self._mother_norm, self._mother_norm_id)


def remap(codes: np.ndarray, mapping: np.ndarray) -> np.ndarray:
    out = np.full(len(codes), -1, dtype=np.int64)
    ok = codes >= 0
    if len(mapping):
        out[ok] = mapping[codes[ok]]
    return out
