"""Region reference data: loading the Kemendagri codes and resolving names.

Exports from SIKS-NG carry region *names* ("KEC. KLATEN UTARA", "Ds. Jogonalan"),
not codes. :class:`RegionResolver` turns them into codes within one kabupaten,
exactly when the name is unambiguous, with a small fuzzy tolerance for typos.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.orm import Session

from dtks_desktop.db.bulk import bulk_insert
from dtks_desktop.db.models import Region
from dtks_desktop.domain.regions import default_region_codes, normalize_region_name, region_level
ATTRIBUTION = (
    "Kode wilayah Kemendagri (Kepmendagri No. 300.2.2-2138 Tahun 2025) dari repositori publik "
    "cahyadsn/wilayah, Lisensi MIT, hak cipta (c) 2017-2025 Cahya DSN."
)


@dataclass(frozen=True)
class LoadResult:
    rows: int
    seconds: float
    already_loaded: bool


def _read_reference() -> list[tuple[str, str, int, str | None]]:
    codes = default_region_codes()
    out = []
    for kode in codes:
        level = kode.count(".") + 1
        parent = kode.rsplit(".", 1)[0] if level > 1 else None
        out.append((kode, codes.name(kode), level, parent))
    return out


def ensure_regions_loaded(bind: Engine | Connection | Session) -> LoadResult:
    """Load the shipped reference codes once (first start). Idempotent."""
    t0 = time.perf_counter()
    if isinstance(bind, Engine):
        with bind.begin() as conn:
            return ensure_regions_loaded(conn)
    existing = bind.execute(select(func.count()).select_from(Region)).scalar_one()
    if existing:
        return LoadResult(existing, time.perf_counter() - t0, True)
    rows = _read_reference()
    n = bulk_insert(bind, "regions", ("kode", "nama", "level", "parent_kode"), rows)
    return LoadResult(n, time.perf_counter() - t0, False)


@dataclass(frozen=True)
class RegionMatch:
    kode: str
    nama: str
    score: float  # 100 = exact after normalisation
    exact: bool


class RegionNotFound(LookupError):
    """A name that does not resolve. ``message`` is Indonesian."""

    def __init__(self, message: str, candidates: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.candidates = candidates or []


class RegionResolver:
    """Resolve kecamatan and desa names to codes within one kabupaten/kota.

    Built once per import from the regions table (a few hundred rows), then
    answers from memory. Results are cached per distinct name.
    """

    FUZZY_MIN = 90.0

    def __init__(self, kab_kode: str, regions: list[tuple[str, str]]) -> None:
        if region_level(kab_kode) != 2:
            raise ValueError(f"Kode kabupaten/kota tidak valid: {kab_kode}")
        self.kab_kode = kab_kode
        self.names: dict[str, str] = {}
        self._kec: dict[str, list[str]] = {}  # normalized name -> codes
        self._desa: dict[str, list[str]] = {}
        self._desa_by_kec: dict[str, dict[str, str]] = {}
        prefix = kab_kode + "."
        for kode, nama in regions:
            if kode == kab_kode:
                self.names[kode] = nama
                continue
            if not kode.startswith(prefix):
                continue
            self.names[kode] = nama
            level = kode.count(".") + 1
            key = normalize_region_name(nama, level)
            if level == 3:
                self._kec.setdefault(key, []).append(kode)
            elif level == 4:
                self._desa.setdefault(key, []).append(kode)
                self._desa_by_kec.setdefault(kode.rsplit(".", 1)[0], {})[key] = kode
        if not self._kec:
            raise ValueError(f"Tidak ada kecamatan untuk kode {kab_kode} di data wilayah.")
        self._cache: dict[tuple[str, str | None], RegionMatch] = {}

    @classmethod
    def from_db(cls, bind: Session | Connection, kab_kode: str) -> "RegionResolver":
        rows = bind.execute(
            select(Region.kode, Region.nama).where(
                (Region.kode == kab_kode) | (Region.kode.startswith(kab_kode + ".") & Region.level.in_((3, 4)))
            )
        ).all()
        return cls(kab_kode, [(r[0], r[1]) for r in rows])

    def kecamatan(self, name: str) -> RegionMatch:
        key = normalize_region_name(name or "", 3)
        if not key:
            raise RegionNotFound("Nama kecamatan kosong.")
        cached = self._cache.get((key, None))
        if cached:
            return cached
        codes = self._kec.get(key)
        if codes and len(codes) == 1:
            m = RegionMatch(codes[0], self.names[codes[0]], 100.0, True)
        else:
            m = self._fuzzy(key, self._kec, f"Kecamatan '{name}'")
        self._cache[(key, None)] = m
        return m

    def desa(self, name: str, kecamatan: str | None = None) -> RegionMatch:
        """Resolve a desa/kelurahan name, within the given kecamatan name or code if known."""
        key = normalize_region_name(name or "", 4)
        if not key:
            raise RegionNotFound("Nama desa/kelurahan kosong.")
        kec_code: str | None = None
        if kecamatan:
            kec_code = kecamatan if kecamatan.startswith(self.kab_kode + ".") else self.kecamatan(kecamatan).kode
        ck = (key, kec_code)
        cached = self._cache.get(ck)
        if cached:
            return cached
        if kec_code:
            pool = self._desa_by_kec.get(kec_code, {})
            if key in pool:
                m = RegionMatch(pool[key], self.names[pool[key]], 100.0, True)
            else:
                m = self._fuzzy(
                    key,
                    {k: [v] for k, v in pool.items()},
                    f"Desa/kelurahan '{name}' di Kecamatan {self.names.get(kec_code, kec_code)}",
                )
        else:
            codes = self._desa.get(key)
            if codes and len(codes) == 1:
                m = RegionMatch(codes[0], self.names[codes[0]], 100.0, True)
            elif codes:
                kecs = ", ".join(self.names[c.rsplit(".", 1)[0]] for c in codes)
                raise RegionNotFound(
                    f"Desa/kelurahan '{name}' ada di lebih dari satu kecamatan ({kecs}); "
                    "kecamatannya harus diisi.",
                    codes,
                )
            else:
                m = self._fuzzy(key, self._desa, f"Desa/kelurahan '{name}'")
        self._cache[ck] = m
        return m

    def _fuzzy(self, key: str, pool: dict[str, list[str]], what: str) -> RegionMatch:
        if not pool:
            raise RegionNotFound(f"{what} tidak ditemukan.")
        best = process.extract(key, list(pool), scorer=fuzz.ratio, limit=2)
        if best and best[0][1] >= self.FUZZY_MIN:
            top_key, score, _ = best[0]
            codes = pool[top_key]
            runner_up = best[1][1] if len(best) > 1 else 0.0
            if len(codes) == 1 and score - runner_up >= 5:
                return RegionMatch(codes[0], self.names[codes[0]], float(score), False)
        suggestions = [self.names[pool[k][0]] for k, s, _ in best if s >= 70]
        hint = f" Mungkin maksudnya: {', '.join(suggestions)}." if suggestions else ""
        raise RegionNotFound(f"{what} tidak ditemukan di {self.names.get(self.kab_kode, self.kab_kode)}.{hint}",
                             suggestions)


def kabupaten_list(bind: Session | Connection) -> list[tuple[str, str]]:
    """All kabupaten/kota as (kode, nama), for choosing the office's area."""
    rows = bind.execute(select(Region.kode, Region.nama).where(Region.level == 2).order_by(Region.kode)).all()
    return [(r[0], r[1]) for r in rows]


def children(bind: Session | Connection, parent_kode: str) -> list[tuple[str, str]]:
    rows = bind.execute(
        select(Region.kode, Region.nama).where(Region.parent_kode == parent_kode).order_by(Region.nama)
    ).all()
    return [(r[0], r[1]) for r in rows]


def region_name(bind: Session | Connection, kode: str) -> str | None:
    return bind.execute(select(Region.nama).where(Region.kode == kode)).scalar_one_or_none()
