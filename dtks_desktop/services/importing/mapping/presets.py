""":class:`Preset`: a kind of file (SIKS-NG DTKS export, SIKS-NG desil export, Dukcapil extract,
programme list) with its required and optional fields; the built-in :data:`PRESETS`. (Presets a
clerk saved are in :mod:`dtks_desktop.services.importing.presets`.)"""

from __future__ import annotations

import json
from functools import cached_property
from collections.abc import Mapping
from dataclasses import dataclass, field

from dtks_desktop.services.importing.mapping.fields import (
    ID_DTKS,
    ID_ART,
    ID_KELUARGA,
    PROVINSI,
    KABUPATEN,
    KECAMATAN,
    DESA,
    KODE_PROVINSI,
    KODE_KABUPATEN,
    KODE_KECAMATAN,
    KODE_DESA,
    ALAMAT,
    DUSUN,
    RT,
    RW,
    NO_KK,
    NIK,
    NAMA,
    NAMA_KRT,
    TANGGAL_LAHIR,
    TEMPAT_LAHIR,
    TEMPAT_TANGGAL_LAHIR,
    JENIS_KELAMIN,
    NAMA_IBU,
    HUBUNGAN,
    HUBUNGAN_KRT,
    STATUS_KAWIN,
    PEKERJAAN,
    DESIL,
    PROGRAM,
    PERIODE,
    STATUS,
    PADAN_DUKCAPIL,
    KETERANGAN,
    FIELD_LABELS,
    header_key,
    _GLOBAL_INDEX,
    _preset_error,
)


# ---- presets ------------------------------------------------------------------------------

_KINDS = ("dtks", "dukcapil", "program")


@dataclass(frozen=True)
class Preset:
    """A kind of file and its columns. Plain data; see :meth:`to_json` / :meth:`from_json`.

    - ``required``: fields that must have a column; ``required_any``: groups of which at least
      one field must have a column (``(("nik", "no_kk"),)``: NIK and/or No KK).
    - ``optional``: other fields the importer of this kind uses.
    - ``synonyms``: extra header texts per field for this preset (tried before the global
      :data:`SYNONYMS`).
    - ``columns``: header texts chosen explicitly by the user, ``{field: header_text}``; they
      win over synonyms and settle duplicates.
    - ``signature_fields`` / ``signature_headers``: what makes a header look like this kind
      (used by :func:`guess_kind`).
    """

    name: str
    label: str
    kind: str
    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    required_any: tuple[tuple[str, ...], ...] = ()
    synonyms: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    columns: Mapping[str, str] = field(default_factory=dict)
    signature_fields: tuple[str, ...] = ()
    signature_headers: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in _KINDS:
            raise _preset_error(
                f'jenis "{self.kind}" tidak dikenal (pilihan: {", ".join(_KINDS)})'
            )
        named = set(self.required) | set(self.optional) | set(self.synonyms) | set(self.columns)
        named |= {f for grp in self.required_any for f in grp} | set(self.signature_fields)
        unknown = sorted(f for f in named if f not in FIELD_LABELS)
        if unknown:
            raise _preset_error(f"kolom tidak dikenal: {', '.join(unknown)}")

    @property
    def fields(self) -> tuple[str, ...]:
        """All fields of this preset: required, required-any groups, optional (no repeats)."""
        seen: dict[str, None] = {}
        for f in self.required:
            seen[f] = None
        for grp in self.required_any:
            for f in grp:
                seen[f] = None
        for f in self.optional:
            seen[f] = None
        return tuple(seen)

    @cached_property
    def _index(self) -> dict[str, str]:
        index = dict(_GLOBAL_INDEX)
        for fld, texts in self.synonyms.items():
            for text in texts:
                index[header_key(text)] = fld
        for fld, text in self.columns.items():
            index[header_key(text)] = fld
        return index

    def with_columns(self, columns: Mapping[str, str], *, name: str | None = None,
                     label: str | None = None) -> Preset:
        """A copy with the user's explicit ``{field: header_text}`` choices added."""
        merged = dict(self.columns)
        merged.update(columns)
        return Preset(
            name=name or self.name, label=label or self.label, kind=self.kind,
            required=self.required, optional=self.optional, required_any=self.required_any,
            synonyms=dict(self.synonyms), columns=merged,
            signature_fields=self.signature_fields, signature_headers=self.signature_headers,
        )

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "label": self.label,
            "kind": self.kind,
            "required": list(self.required),
            "required_any": [list(g) for g in self.required_any],
            "optional": list(self.optional),
            "synonyms": {k: list(v) for k, v in self.synonyms.items()},
            "columns": dict(self.columns),
            "signature_fields": list(self.signature_fields),
            "signature_headers": list(self.signature_headers),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    @classmethod
    def from_json(cls, data: str | bytes | Mapping, *, base: Preset | str | None = None) -> Preset:
        """A preset from JSON text or a decoded mapping.

        Either the full form written by :meth:`to_json`, or the short form a user saves:
        ``{field: header_text}`` -- that one extends ``base`` (a preset or its name; default
        ``"siksng_dtks"``) with those explicit columns.
        """
        if isinstance(data, (str, bytes)):
            try:
                obj = json.loads(data)
            except ValueError as exc:
                raise _preset_error(f"bukan JSON yang sah ({exc})") from None
        else:
            obj = dict(data)
        if not isinstance(obj, dict):
            raise _preset_error("isinya harus berupa objek JSON {kolom: judul}")
        if "kind" in obj or "columns" in obj or "required" in obj:
            try:
                return cls(
                    name=str(obj.get("name") or "kustom"),
                    label=str(obj.get("label") or obj.get("name") or "Pengaturan kolom sendiri"),
                    kind=str(obj.get("kind") or "dtks"),
                    required=tuple(obj.get("required", ())),
                    optional=tuple(obj.get("optional", ())),
                    required_any=tuple(tuple(g) for g in obj.get("required_any", ())),
                    synonyms={str(k): tuple(v) for k, v in dict(obj.get("synonyms", {})).items()},
                    columns={str(k): str(v) for k, v in dict(obj.get("columns", {})).items()},
                    signature_fields=tuple(obj.get("signature_fields", ())),
                    signature_headers=tuple(obj.get("signature_headers", ())),
                )
            except (TypeError, ValueError) as exc:
                raise _preset_error(f"susunannya tidak sah ({exc})") from None
        bad = [k for k, v in obj.items() if not isinstance(v, str)]
        if bad:
            raise _preset_error(f"judul kolom untuk {', '.join(map(str, bad))} harus berupa teks")
        if isinstance(base, str):
            base_preset = get_preset(base)
        else:
            base_preset = base or PRESETS["siksng_dtks"]
        unknown = sorted(k for k in obj if k not in FIELD_LABELS)
        if unknown:
            raise _preset_error(f"kolom tidak dikenal: {', '.join(unknown)}")
        return base_preset.with_columns(obj, name=f"{base_preset.name}_kustom")


_REGION_FIELDS = (PROVINSI, KABUPATEN, KECAMATAN, DESA)
_ADDRESS_FIELDS = (ALAMAT, DUSUN, RT, RW)

#: Built-in presets, in the order they are offered.
PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset(
            name="siksng_dtks",
            label="Ekspor DTKS SIKS-NG (per individu)",
            kind="dtks",
            required=(ID_DTKS, NO_KK, NIK, NAMA),
            optional=(*_REGION_FIELDS, *_ADDRESS_FIELDS, TANGGAL_LAHIR, TEMPAT_LAHIR,
                      TEMPAT_TANGGAL_LAHIR, JENIS_KELAMIN, NAMA_IBU, HUBUNGAN, HUBUNGAN_KRT,
                      ID_ART, ID_KELUARGA, NAMA_KRT, KODE_DESA, KODE_KECAMATAN, KODE_KABUPATEN,
                      KODE_PROVINSI, DESIL, STATUS, PADAN_DUKCAPIL, PEKERJAAN, STATUS_KAWIN,
                      KETERANGAN),
            signature_fields=(ID_DTKS, ID_ART),
            signature_headers=("ID DTKS", "NOMOR NIK", "NOMOR KK", "DESA/KELURAHAN",
                               "DESAKELUARAHAN", "NAMA IBU KANDUNG", "HUBUNGAN KELUARGA",
                               "KABUPATEN/KOTA", "ID ART", "NIK ART", "NAMA ART"),
        ),
        Preset(
            name="siksng_desil",
            label="Ekspor Pemeringkatan Desil SIKS-NG",
            kind="dtks",
            required=(NO_KK, NIK, NAMA, DESIL),
            optional=(*_REGION_FIELDS, *_ADDRESS_FIELDS, ID_DTKS, ID_ART, ID_KELUARGA, NAMA_KRT,
                      TANGGAL_LAHIR, JENIS_KELAMIN, HUBUNGAN, KODE_DESA, KODE_KECAMATAN,
                      STATUS, KETERANGAN),
            signature_fields=(DESIL,),
            signature_headers=("DESIL", "PERINGKAT DESIL", "DESIL KESEJAHTERAAN",
                               "PERINGKAT KESEJAHTERAAN"),
        ),
        Preset(
            name="dukcapil",
            label="Data kependudukan Dukcapil (SIAK)",
            kind="dukcapil",
            required=(NIK, NO_KK, NAMA),
            optional=(TEMPAT_LAHIR, TANGGAL_LAHIR, JENIS_KELAMIN, NAMA_IBU, HUBUNGAN, ALAMAT, RT,
                      RW, DUSUN, *_REGION_FIELDS, KODE_PROVINSI, KODE_KABUPATEN, KODE_KECAMATAN,
                      KODE_DESA, STATUS_KAWIN, PEKERJAAN, KETERANGAN),
            signature_headers=("NAMA_LGKP", "TMPT_LHR", "TGL_LHR", "JENIS_KLMIN", "NAMA_LGKP_IBU",
                               "STAT_HBKEL", "KEL_NAME", "KEC_NAME", "KAB_NAME", "PROP_NAME",
                               "NO_KEL", "NO_KEC", "NO_KAB", "NO_PROP", "NO_RT", "NO_RW",
                               "STAT_KWN", "JENIS_PKRJN", "SHDK"),
        ),
        Preset(
            name="program",
            label="Daftar penerima program bantuan",
            kind="program",
            required=(NAMA,),
            required_any=((NIK, NO_KK),),
            optional=(PROGRAM, PERIODE, ID_DTKS, *_REGION_FIELDS, *_ADDRESS_FIELDS, NAMA_KRT,
                      TANGGAL_LAHIR, JENIS_KELAMIN, NAMA_IBU, DESIL, STATUS, KODE_DESA,
                      KETERANGAN),
            signature_fields=(PROGRAM, PERIODE),
            signature_headers=("NAMA KPM", "NAMA PENERIMA", "NIK KPM", "NIK PENERIMA",
                               "NAMA PENERIMA MANFAAT", "JENIS BANTUAN", "TAHAP", "ALAMAT KPM",
                               "NAMA PENGURUS"),
        ),
    )
}


def get_preset(name: str) -> Preset:
    """A built-in preset by name (``siksng_dtks``, ``siksng_desil``, ``dukcapil``, ``program``)."""
    try:
        return PRESETS[name]
    except KeyError:
        raise _preset_error(
            f'"{name}" tidak dikenal (pilihan: {", ".join(PRESETS)})'
        ) from None
